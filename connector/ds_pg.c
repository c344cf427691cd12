/* ds_pg.c -- the database of a format-sql profile over libpq, asynchronously: every wait is
 * a poll() of at most DS_PG_POLL_MS, so the stop flag and the request timeout end it. */
#include "ds_pg.h"

#include <libpq-fe.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"

#define DS_PG_POLL_MS 100
#define DS_PG_OPTIONS_LEN 512
#define DS_PG_MSG_LEN 400

struct ds_pg {
	const struct config *cfg;
	const struct mapping *map;
	atomic_int *stop;
	PGconn *conn;
	char last_state[6]; /* SQLSTATE of the last failed statement, "" when none */
};

struct ds_pg *ds_pg_new(const struct config *cfg, const struct mapping *m, atomic_int *stop)
{
	struct ds_pg *p = xcalloc(1, sizeof(*p));

	p->cfg = cfg;
	p->map = m;
	p->stop = stop;
	return p;
}

static void ds_pg_disconnect(struct ds_pg *p)
{
	if (p->conn != NULL)
		PQfinish(p->conn);
	p->conn = NULL;
}

void ds_pg_free(struct ds_pg *p)
{
	if (p == NULL)
		return;
	ds_pg_disconnect(p);
	free(p);
}

static int ds_pg_stopped(const struct ds_pg *p)
{
	return p->stop != NULL && atomic_load(p->stop) != 0;
}

/* The first line of a libpq or server message, double quotes as single ones and control
 * characters escaped (it goes to the log and to sync_estado). */
static const char *ds_pg_message(const char *msg, char *out, size_t outlen)
{
	char line[DS_PG_MSG_LEN];
	size_t n;

	if (msg == NULL)
		msg = "";
	while (*msg == ' ')
		msg++;
	n = strcspn(msg, "\n");
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	for (size_t i = 0; i < n; i++)
		line[i] = msg[i] == '"' ? '\'' : msg[i];
	line[n] = '\0';
	return log_escape(line, n, out, outlen);
}

/* Waits until the socket is ready for what the caller asked (POLLIN or POLLOUT), at most
 * DS_PG_POLL_MS. Returns 0 (ready or not yet: a signal, SIGTERM say, interrupts the wait
 * and the caller then looks at the stop flag), -1 when poll itself failed. */
static int ds_pg_wait(PGconn *conn, short events)
{
	struct pollfd pfd;

	pfd.fd = PQsocket(conn);
	pfd.events = events;
	pfd.revents = 0;
	if (pfd.fd < 0)
		return -1;
	return poll(&pfd, 1, DS_PG_POLL_MS) < 0 && errno != EINTR ? -1 : 0;
}

/* What a failed connection attempt means. The server's own refusals after the password
 * was sent (wrong password, unknown role or database) are configuration errors. */
static enum ds_answer ds_pg_connect_failure(PGconn *conn, char *err, size_t errlen)
{
	char msg[DS_PG_MSG_LEN];
	const char *text = ds_pg_message(PQerrorMessage(conn), msg, sizeof(msg));

	if (PQconnectionNeedsPassword(conn)) {
		set_error(err, errlen,
			  "el servidor de base de datos pide una contraseña y key_file está vacío");
		return DS_AUTH;
	}
	if (PQconnectionUsedPassword(conn) && strstr(text, "too many") == NULL &&
	    strstr(text, "demasiadas") == NULL) {
		set_error(
		    err, errlen,
		    "el servidor de base de datos rechazó la conexión (contraseña de key_file, "
		    "usuario o base de la url): %s",
		    text);
		return DS_AUTH;
	}
	set_error(err, errlen, "no se pudo conectar con la base de datos: %s", text);
	return DS_FAULT_SERVER;
}

/* Connects when not connected. DS_OK or the failure with err filled. */
static enum ds_answer ds_pg_connect(struct ds_pg *p, char *err, size_t errlen)
{
	const char *keys[] = {
	    "dbname",  "password", "connect_timeout", "client_encoding", "application_name",
	    "options", NULL};
	const char *vals[7];
	char timeout[24];
	char options[DS_PG_OPTIONS_LEN];
	long long deadline;
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;

	if (p->conn != NULL && PQstatus(p->conn) == CONNECTION_OK)
		return DS_OK;
	ds_pg_disconnect(p);
	snprintf(timeout, sizeof(timeout), "%ld", p->cfg->ds_timeout);
	/* The mapping's time zone is checked to hold no spaces or backslashes. */
	snprintf(options, sizeof(options),
		 "-c default_transaction_read_only=on -c statement_timeout=%d000 -c TimeZone=%s",
		 mapping_sql_statement_timeout(p->map), mapping_sql_timezone(p->map));
	vals[0] = p->cfg->ds_url;
	vals[1] = p->cfg->ds_key;
	vals[2] = timeout;
	vals[3] = "UTF8";
	vals[4] = DS_PG_APPLICATION;
	vals[5] = options;
	vals[6] = NULL;
	p->conn = PQconnectStartParams(keys, vals, 1);
	if (p->conn == NULL) {
		set_error(err, errlen, "sin memoria para la conexión a la base de datos");
		return DS_FAULT_SERVER;
	}
	deadline = util_monotonic_ms() + p->cfg->ds_timeout * 1000;
	while (ps != PGRES_POLLING_OK) {
		enum ds_answer a;

		if (ps == PGRES_POLLING_FAILED || PQstatus(p->conn) == CONNECTION_BAD) {
			a = ds_pg_connect_failure(p->conn, err, errlen);
			ds_pg_disconnect(p);
			return a;
		}
		if (ds_pg_stopped(p) || util_monotonic_ms() > deadline) {
			set_error(err, errlen,
				  ds_pg_stopped(p)
				      ? "interrumpido: el proceso se está deteniendo"
				      : "tiempo agotado al conectar con la base de datos");
			ds_pg_disconnect(p);
			return ds_pg_stopped(p) ? DS_MALFORMED : DS_FAULT_SERVER;
		}
		if (ds_pg_wait(p->conn, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT) < 0) {
			set_error(err, errlen, "no se pudo esperar a la base de datos");
			ds_pg_disconnect(p);
			return DS_FAULT_SERVER;
		}
		ps = PQconnectPoll(p->conn);
	}
	if (PQsetnonblocking(p->conn, 1) != 0) {
		set_error(err, errlen, "no se pudo preparar la conexión a la base de datos");
		ds_pg_disconnect(p);
		return DS_FAULT_SERVER;
	}
	return DS_OK;
}

/* What a failed statement means, by its SQLSTATE class. */
static enum ds_answer ds_pg_result_failure(struct ds_pg *p, const PGresult *res, char *err,
					   size_t errlen)
{
	char msg[DS_PG_MSG_LEN];
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *text = ds_pg_message(
	    res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(p->conn), msg, sizeof(msg));

	strlcpy_s(p->last_state, state != NULL ? state : "", sizeof(p->last_state));
	if (PQstatus(p->conn) != CONNECTION_OK || state == NULL) {
		set_error(err, errlen, "se perdió la conexión con la base de datos: %s", text);
		ds_pg_disconnect(p);
		return DS_FAULT_SERVER;
	}
	if (strcmp(state, "57014") == 0) {
		set_error(err, errlen, "la consulta superó statement_timeout (%d s): %s",
			  mapping_sql_statement_timeout(p->map), text);
		return DS_FAULT_SERVER;
	}
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "40", 2) == 0 ||
	    strncmp(state, "XX", 2) == 0 || strncmp(state, "58", 2) == 0) {
		set_error(err, errlen, "error transitorio de la base de datos (%s): %s", state,
			  text);
		ds_pg_disconnect(p);
		return DS_FAULT_SERVER;
	}
	if (strncmp(state, "28", 2) == 0 || strcmp(state, "42501") == 0) {
		set_error(err, errlen,
			  "la base de datos negó el acceso (%s): %s; revise los permisos "
			  "del usuario (GRANT SELECT)",
			  state, text);
		return DS_AUTH;
	}
	set_error(err, errlen, "la consulta del mapeo falló en esta base de datos (%s): %s", state,
		  text);
	return DS_FAULT_CLIENT;
}

/* Sends sql with values and waits for its one result, which must have status want.
 * Returns DS_OK with *out (free with PQclear) or the failure with err filled. */
static enum ds_answer ds_pg_exec_as(struct ds_pg *p, const char *sql, const char *const *values,
				    size_t n, ExecStatusType want, PGresult **out, char *err,
				    size_t errlen)
{
	PGresult *res = NULL;
	PGresult *next;
	long long deadline;
	enum ds_answer a;

	*out = NULL;
	a = ds_pg_connect(p, err, errlen);
	if (a != DS_OK)
		return a;
	if (!PQsendQueryParams(p->conn, sql, (int)n, NULL, values, NULL, NULL, 0))
		return ds_pg_result_failure(p, NULL, err, errlen);
	/* statement_timeout ends the statement on the server; this bounds the wait for
	 * the answer besides (a server that stopped answering). */
	deadline = util_monotonic_ms() +
		   ((long long)mapping_sql_statement_timeout(p->map) + p->cfg->ds_timeout) * 1000;
	for (;;) {
		while (PQflush(p->conn) == 1)
			ds_pg_wait(p->conn, POLLOUT);
		if (!PQconsumeInput(p->conn)) {
			PQclear(res);
			return ds_pg_result_failure(p, NULL, err, errlen);
		}
		if (!PQisBusy(p->conn)) {
			next = PQgetResult(p->conn);
			if (next == NULL)
				break;
			if (res == NULL)
				res = next;
			else
				PQclear(next);
			continue;
		}
		if (ds_pg_stopped(p) || util_monotonic_ms() > deadline) {
			int stopped = ds_pg_stopped(p);

			PQclear(res);
			set_error(err, errlen,
				  stopped ? "interrumpido: el proceso se está deteniendo"
					  : "la base de datos no respondió a tiempo");
			ds_pg_disconnect(p); /* the server notices and ends the statement */
			return stopped ? DS_MALFORMED : DS_FAULT_SERVER;
		}
		ds_pg_wait(p->conn, POLLIN);
	}
	if (res == NULL || PQresultStatus(res) != want) {
		a = ds_pg_result_failure(p, res, err, errlen);
		PQclear(res);
		return a;
	}
	if (PQntuples(res) > DS_PG_MAX_ROWS) {
		set_error(err, errlen, "la consulta devolvió %d filas: más que el máximo de %ld",
			  PQntuples(res), DS_PG_MAX_ROWS);
		PQclear(res);
		return DS_FAULT_CLIENT;
	}
	*out = res;
	return DS_OK;
}

static enum ds_answer ds_pg_exec(struct ds_pg *p, const char *sql, const char *const *values,
				 size_t n, PGresult **out, char *err, size_t errlen)
{
	return ds_pg_exec_as(p, sql, values, n, PGRES_TUPLES_OK, out, err, errlen);
}

/* Sets the session's client_encoding (a PostgreSQL name, letters and digits). 0 or -1. */
static int ds_pg_client_encoding(struct ds_pg *p, const char *name, char *err, size_t errlen)
{
	char sql[64];
	PGresult *res;

	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(name) ||
	    strlen(name) > 20)
		return -1;
	snprintf(sql, sizeof(sql), "SET client_encoding TO '%s'", name);
	if (ds_pg_exec_as(p, sql, NULL, 0, PGRES_COMMAND_OK, &res, err, errlen) != DS_OK)
		return -1;
	PQclear(res);
	return 0;
}

/* The iconv name of a PostgreSQL server encoding segcont can read itself, or NULL. */
static const char *ds_pg_iconv_name(const char *pg)
{
	static const char *const names[][2] = {
	    {"WIN1252", "WINDOWS-1252"}, {"LATIN1", "WINDOWS-1252"},	{"LATIN9", "ISO-8859-15"},
	    {"WIN1250", "WINDOWS-1250"}, {"SQL_ASCII", "WINDOWS-1252"},
	};

	for (size_t i = 0; pg != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(pg, names[i][0]) == 0)
			return names[i][1];
	}
	return NULL;
}

/* A copy of res with every value turned from enc into UTF-8 (bytes enc does not define
 * become U+FFFD). Returns the new result (PQclear it) or NULL. */
static PGresult *ds_pg_transcode(const PGresult *res, const char *enc)
{
	PGresult *copy = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_EVENTS);
	int ncols = PQnfields(res);
	struct buf b;

	if (copy == NULL)
		return NULL;
	buf_init(&b);
	for (int r = 0; r < PQntuples(res); r++) {
		for (int c = 0; c < ncols; c++) {
			int ok;

			buf_reset(&b);
			if (PQgetisnull(res, r, c)) {
				ok = PQsetvalue(copy, r, c, NULL, -1);
			} else {
				util_to_utf8(PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c),
					     enc, &b);
				ok = PQsetvalue(copy, r, c, b.data ? b.data : (char *)"",
						(int)b.len);
			}
			if (!ok) {
				buf_free(&b);
				PQclear(copy);
				return NULL;
			}
		}
	}
	buf_free(&b);
	return copy;
}

/* A single-byte database holding a byte its encoding does not define (SQLSTATE 22P05: old
 * migrated rows, a client that wrote raw bytes) cannot be sent as UTF8, and the window would
 * fail forever. Runs the statement again in the database's own encoding, turns the values
 * into UTF-8 here (U+FFFD for such bytes) and goes back to UTF8. */
static enum ds_answer ds_pg_exec_raw(struct ds_pg *p, const char *sql, const char *const *values,
				     size_t n, PGresult **out, char *err, size_t errlen)
{
	const char *server = PQparameterStatus(p->conn, "server_encoding");
	const char *enc = ds_pg_iconv_name(server);
	char restore_err[DS_PG_MSG_LEN];
	PGresult *raw = NULL;
	enum ds_answer a;

	if (enc == NULL || ds_pg_client_encoding(p, server, err, errlen) < 0)
		return DS_FAULT_CLIENT;
	log_warn("ds_pg",
		 "la base (%s) tiene bytes que su codificación no define: se leen en %s y "
		 "esos bytes quedan como U+FFFD",
		 server, enc);
	a = ds_pg_exec(p, sql, values, n, &raw, err, errlen);
	if (a == DS_OK) {
		*out = ds_pg_transcode(raw, enc);
		PQclear(raw);
		if (*out == NULL) {
			set_error(err, errlen, "sin memoria para convertir la respuesta");
			a = DS_FAULT_SERVER;
		}
	}
	if (p->conn != NULL &&
	    ds_pg_client_encoding(p, "UTF8", restore_err, sizeof(restore_err)) < 0)
		ds_pg_disconnect(p); /* the next call starts a UTF8 session again */
	return a;
}

/* Runs query q with params bound by name. */
static enum ds_answer ds_pg_query(struct ds_pg *p, enum mapping_query_kind q,
				  const struct ds_pg_param *params, size_t nparams, PGresult **out,
				  char *err, size_t errlen)
{
	const char *values[MAPPING_SQL_MAX_PARAMS];
	const char *const *names;
	const char *sql;
	size_t n;
	enum ds_answer a;

	*out = NULL;
	if (mapping_sql_query(p->map, q, &sql, &names, &n) < 0 ||
	    n > sizeof(values) / sizeof(values[0])) {
		set_error(err, errlen, "el mapeo no tiene esta consulta");
		return DS_FAULT_CLIENT;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < nparams; k++) {
			if (strcmp(params[k].name, names[i]) == 0)
				break;
		}
		if (k == nparams) {
			set_error(err, errlen, "la consulta usa {{%s}}, que aquí no se conoce",
				  names[i]);
			return DS_FAULT_CLIENT;
		}
		values[i] = params[k].value;
	}
	p->last_state[0] = '\0';
	a = ds_pg_exec(p, sql, values, n, out, err, errlen);
	if (a == DS_FAULT_CLIENT && strcmp(p->last_state, "22P05") == 0 && p->conn != NULL)
		a = ds_pg_exec_raw(p, sql, values, n, out, err, errlen);
	return a;
}

enum ds_answer ds_pg_filings(struct ds_pg *p, enum mapping_query_kind q,
			     const struct ds_pg_param *params, size_t nparams,
			     struct filing_list *out, char *err, size_t errlen)
{
	int col[MAPPING_NFIELDS];
	struct filing_list tmp;
	PGresult *res;
	enum ds_answer a = ds_pg_query(p, q, params, nparams, &res, err, errlen);
	int nrows;

	if (a != DS_OK)
		return a;
	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		col[i] = PQfnumber(res, mapping_field_name((enum mapping_field)i));
	if (col[MF_NUMERO] < 0 || col[MF_FECHA] < 0) {
		set_error(err, errlen,
			  "la consulta del mapeo no devuelve las columnas numero y "
			  "fecha_radicacion");
		PQclear(res);
		return DS_FAULT_CLIENT;
	}
	filing_list_init(&tmp);
	nrows = PQntuples(res);
	for (int r = 0; r < nrows; r++) {
		const char *v[MAPPING_NFIELDS];

		for (size_t i = 0; i < MAPPING_NFIELDS; i++)
			v[i] = col[i] < 0 ? NULL : PQgetvalue(res, r, col[i]);
		a = mapping_sql_row(p->map, v, filing_list_push(&tmp), err, errlen);
		if (a == DS_REFUSED) {
			/* One filing out of bounds: left out (named in the log), the rest read. */
			log_warn("ds_pg", "radicado rechazado por los límites del mapeo: %s", err);
			filing_free(&tmp.items[--tmp.count]);
			a = DS_OK;
		}
		if (a != DS_OK)
			break;
	}
	PQclear(res);
	if (a != DS_OK) {
		filing_list_free(&tmp);
		return a;
	}
	for (size_t i = 0; i < tmp.count; i++) {
		struct filing *dst = filing_list_push(out);

		filing_free(dst);
		*dst = tmp.items[i];
	}
	tmp.count = 0;
	filing_list_free(&tmp);
	return DS_OK;
}

enum ds_answer ds_pg_rows(struct ds_pg *p, enum mapping_query_kind q,
			  int (*cb)(int ncols, const char *const *values, void *arg), void *arg,
			  char *err, size_t errlen)
{
	PGresult *res;
	enum ds_answer a = ds_pg_query(p, q, NULL, 0, &res, err, errlen);
	const char **v;
	int ncols;

	if (a != DS_OK)
		return a;
	ncols = PQnfields(res);
	v = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof(*v));
	for (int r = 0; r < PQntuples(res); r++) {
		for (int c = 0; c < ncols; c++)
			v[c] = PQgetvalue(res, r, c);
		if (cb(ncols, v, arg) != 0)
			break;
	}
	free(v);
	PQclear(res);
	return DS_OK;
}

enum ds_answer ds_pg_info(struct ds_pg *p, struct ds_pg_info *out, char *err, size_t errlen)
{
	static const char sql[] = "SELECT current_setting('server_version'),"
				  " current_setting('server_encoding'), current_user,"
				  " current_database(),"
				  " current_setting('default_transaction_read_only')";
	PGresult *res;
	enum ds_answer a;

	memset(out, 0, sizeof(*out));
	a = ds_pg_exec(p, sql, NULL, 0, &res, err, errlen);
	if (a != DS_OK)
		return a;
	if (PQntuples(res) == 1 && PQnfields(res) == 5) {
		strlcpy_s(out->server_version, PQgetvalue(res, 0, 0), sizeof(out->server_version));
		strlcpy_s(out->server_encoding, PQgetvalue(res, 0, 1),
			  sizeof(out->server_encoding));
		strlcpy_s(out->user, PQgetvalue(res, 0, 2), sizeof(out->user));
		strlcpy_s(out->database, PQgetvalue(res, 0, 3), sizeof(out->database));
		out->read_only = strcmp(PQgetvalue(res, 0, 4), "on") == 0;
	}
	PQclear(res);
	return DS_OK;
}

char *ds_pg_array_literal(char *const *values, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "{");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, ",");
		buf_puts(&b, "\"");
		for (const char *c = values[i]; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				buf_append(&b, "\\", 1);
			buf_append(&b, c, 1);
		}
		buf_puts(&b, "\"");
	}
	buf_puts(&b, "}");
	return buf_steal(&b);
}
