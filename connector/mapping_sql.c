/* mapping_sql.c -- the sql format of a mapping: the queries a database profile runs (with
 * {{name}} placeholders bound as parameters, never pasted), the session settings, and how
 * one result row becomes a filing. No database is touched here (that is ds_pg.c). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mapping_int.h"
#include "util.h"

#define MAPPING_SQL_MAX_TIMEOUT_S 3600

const char *const mapping_sql_keys[] = {"session", "date_format", "fragments", "queries", NULL};

#define MAPPING_SQL_MAX_FRAGMENTS 16

/* Each query: its key in "queries", whether it is required, and the placeholders it may use. */
static const struct {
	const char *key;
	int required;
	const char *params[MAPPING_SQL_MAX_PARAMS];
} mapping_sql_specs[MAPPING_QUERY_COUNT] = {
    [MQ_LIST] = {"list", 1, {"dependencia", "desde", "hasta", "inicio"}},
    [MQ_LIST_BY_DATE] = {"list_by_date",
			 1,
			 {"dependencia", "fecha_desde", "fecha_hasta", "inicio", "ahora"}},
    [MQ_INFO] = {"info", 1, {"numeros", "dependencia"}},
    [MQ_DOCUMENT_TYPES] = {"document_types", 0, {NULL}},
    [MQ_WRITE_PRIVILEGE] = {"write_privilege", 0, {NULL}},
    [MQ_ARRIVAL_INDEX] = {"arrival_index", 0, {NULL}},
};

static size_t mapping_sql_nallowed(enum mapping_query_kind q)
{
	size_t n = 0;

	while (n < MAPPING_SQL_MAX_PARAMS && mapping_sql_specs[q].params[n] != NULL)
		n++;
	return n;
}

/* mapping_expand's writer for SQL: the placeholder of allowed name i becomes $k, k given in
 * order of first use. */
struct mapping_sql_expansion {
	struct mapping_query *q;
	enum mapping_query_kind kind;
};

static int mapping_sql_put(struct buf *out, size_t i, void *arg)
{
	struct mapping_sql_expansion *x = arg;
	const char *name = mapping_sql_specs[x->kind].params[i];
	size_t k;

	for (k = 0; k < x->q->nparams; k++) {
		if (strcmp(x->q->params[k], name) == 0)
			break;
	}
	if (k == x->q->nparams)
		x->q->params[x->q->nparams++] = xstrdup(name);
	buf_printf(out, "$%zu", k + 1);
	return 0;
}

/* The "fragments" of the file: named pieces of SQL a query includes as {{name}} (the
 * column list every query of a profile shares, say), expanded before the parameters. */
struct mapping_sql_fragments {
	char *names[MAPPING_SQL_MAX_FRAGMENTS];
	char *texts[MAPPING_SQL_MAX_FRAGMENTS];
	size_t n;
};

static void mapping_sql_fragments_free(struct mapping_sql_fragments *fr)
{
	for (size_t i = 0; i < fr->n; i++) {
		free(fr->names[i]);
		free(fr->texts[i]);
	}
}

static int mapping_sql_load_fragments(struct mapping_loader *ld, const json_t *root,
				      struct mapping_sql_fragments *fr)
{
	json_t *o;
	const char *key;
	json_t *v;

	memset(fr, 0, sizeof(*fr));
	if (mapping_get_object(ld, root, "", "fragments", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	json_object_foreach(o, key, v)
	{
		char full[MAPPING_KEY_LEN];

		if (key[0] == '_')
			continue;
		mapping_key(full, "fragments", key);
		if (fr->n == MAPPING_SQL_MAX_FRAGMENTS)
			return mapping_fail(ld, "fragments", "más de %d fragmentos",
					    MAPPING_SQL_MAX_FRAGMENTS);
		for (size_t q = 0; q < MAPPING_QUERY_COUNT; q++) {
			for (size_t i = 0; i < mapping_sql_nallowed((enum mapping_query_kind)q);
			     i++) {
				if (strcmp(key, mapping_sql_specs[q].params[i]) == 0)
					return mapping_fail(ld, full,
							    "el nombre es el de un parámetro");
			}
		}
		fr->names[fr->n] = xstrdup(key);
		if (mapping_get_template(ld, o, "fragments", key, &fr->texts[fr->n]) < 0) {
			free(fr->names[fr->n]);
			return -1;
		}
		fr->n++;
	}
	return 0;
}

/* Replaces each {{fragment}} of tpl by its text; other placeholders are kept. Returns a new
 * string. */
static char *mapping_sql_include(const char *tpl, const struct mapping_sql_fragments *fr)
{
	struct buf b;
	const char *p = tpl;

	buf_init(&b);
	for (;;) {
		const char *open = strstr(p, "{{");
		const char *close = open != NULL ? strstr(open + 2, "}}") : NULL;
		size_t i;

		if (close == NULL) {
			buf_puts(&b, p);
			return buf_steal(&b);
		}
		for (i = 0; i < fr->n; i++) {
			size_t nl = strlen(fr->names[i]);

			if ((size_t)(close - open - 2) == nl &&
			    memcmp(open + 2, fr->names[i], nl) == 0)
				break;
		}
		buf_append(&b, p, (size_t)(open - p));
		if (i < fr->n)
			buf_puts(&b, fr->texts[i]);
		else
			buf_append(&b, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
}

static int mapping_sql_load_query(struct mapping_loader *ld, struct mapping *m, const json_t *qs,
				  const struct mapping_sql_fragments *fr,
				  enum mapping_query_kind kind)
{
	struct mapping_query *q = &m->queries[kind];
	struct mapping_sql_expansion x = {q, kind};
	const char *key = mapping_sql_specs[kind].key;
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	char *tpl = NULL;
	char *included;
	struct buf b;

	if (json_object_get(qs, key) == NULL) {
		mapping_key(full, "queries", key);
		return mapping_sql_specs[kind].required ? mapping_fail(ld, full, "falta") : 0;
	}
	if (mapping_get_template(ld, qs, "queries", key, &tpl) < 0)
		return -1;
	included = mapping_sql_include(tpl, fr);
	free(tpl);
	tpl = included;
	buf_init(&b);
	if (mapping_expand(tpl, mapping_sql_specs[kind].params, mapping_sql_nallowed(kind),
			   mapping_sql_put, &x, &b, bad, sizeof(bad)) < 0) {
		free(tpl);
		buf_free(&b);
		mapping_key(full, "queries", key);
		return mapping_fail(ld, full, "%s", bad);
	}
	free(tpl);
	q->sql = buf_steal(&b);
	return 0;
}

int mapping_sql_load(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const session_keys[] = {"timezone", "statement_timeout", NULL};
	const char *query_keys[MAPPING_QUERY_COUNT + 1];
	struct mapping_sql_fragments fr;
	json_t *o;
	int rc = 0;

	if (mapping_get_object(ld, root, "", "session", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "session", session_keys) < 0 ||
	    mapping_get_text(ld, o, "session", "timezone", MAPPING_MAX_TEXT, &m->session_timezone) <
		0 ||
	    mapping_get_int(ld, o, "session", "statement_timeout", 1, MAPPING_SQL_MAX_TIMEOUT_S,
			    &m->statement_timeout_s) < 0)
		return -1;
	if (strspn(m->session_timezone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					"0123456789/_+-:") != strlen(m->session_timezone))
		return mapping_fail(ld, "session.timezone", "zona horaria no válida");
	if (mapping_load_date(ld, root, "", &m->sql_date) < 0)
		return -1;
	for (size_t i = 0; i < MAPPING_QUERY_COUNT; i++)
		query_keys[i] = mapping_sql_specs[i].key;
	query_keys[MAPPING_QUERY_COUNT] = NULL;
	if (mapping_get_object(ld, root, "", "queries", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "queries", query_keys) < 0)
		return -1;
	if (mapping_sql_load_fragments(ld, root, &fr) < 0) {
		mapping_sql_fragments_free(&fr);
		return -1;
	}
	for (size_t i = 0; i < MAPPING_QUERY_COUNT && rc == 0; i++)
		rc = mapping_sql_load_query(ld, m, o, &fr, (enum mapping_query_kind)i);
	mapping_sql_fragments_free(&fr);
	return rc;
}

void mapping_sql_free(struct mapping *m)
{
	free(m->session_timezone);
	mapping_free_date(&m->sql_date);
	for (size_t i = 0; i < MAPPING_QUERY_COUNT; i++) {
		free(m->queries[i].sql);
		for (size_t k = 0; k < m->queries[i].nparams; k++)
			free(m->queries[i].params[k]);
	}
}

const char *mapping_sql_timezone(const struct mapping *m)
{
	return m->session_timezone;
}

int mapping_sql_statement_timeout(const struct mapping *m)
{
	return m->statement_timeout_s;
}

int mapping_sql_query(const struct mapping *m, enum mapping_query_kind q, const char **sql,
		      const char *const **names, size_t *nparams)
{
	if (m == NULL || m->format != MAPPING_FORMAT_SQL || (size_t)q >= MAPPING_QUERY_COUNT ||
	    m->queries[q].sql == NULL)
		return -1;
	*sql = m->queries[q].sql;
	*names = (const char *const *)m->queries[q].params;
	*nparams = m->queries[q].nparams;
	return 0;
}

/* The text of a value trimmed of ASCII whitespace (a new string; NULL stays NULL). */
static char *mapping_sql_trim(const char *v)
{
	size_t e;

	if (v == NULL)
		return NULL;
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	e = strlen(v);
	while (e > 0 &&
	       (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r' || v[e - 1] == '\n'))
		e--;
	return xstrndup(v, e);
}

enum ds_answer mapping_sql_row(const struct mapping *m, const char *const values[MAPPING_NFIELDS],
			       struct filing *f, char *err, size_t errlen)
{
	char *v[MAPPING_NFIELDS] = {0};
	char iso[UTIL_ISO_LEN];
	char esc[64];
	const char *estado;
	int folios = 0;
	enum ds_answer a = DS_MALFORMED;

	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		v[i] = mapping_sql_trim(values[i]);
	if (v[MF_NUMERO] == NULL || mapping_check_numero(m, v[MF_NUMERO]) < 0) {
		set_error(err, errlen, "número de radicado no válido \"%s\"",
			  v[MF_NUMERO] ? log_escape(v[MF_NUMERO], 40, esc, sizeof(esc)) : "");
		goto done;
	}
	if (v[MF_FECHA] == NULL || mapping_parse_date(m, &m->sql_date, v[MF_FECHA], iso) < 0) {
		set_error(err, errlen, "radicado %s: fecha no válida \"%s\"", v[MF_NUMERO],
			  v[MF_FECHA] ? log_escape(v[MF_FECHA], 40, esc, sizeof(esc)) : "");
		goto done;
	}
	if (mapping_parse_folios(v[MF_FOLIOS], &folios) < 0) {
		set_error(err, errlen, "radicado %s: folios no válidos \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FOLIOS], 40, esc, sizeof(esc)));
		goto done;
	}
	estado = mapping_table_get(&m->estados, v[MF_ESTADO] ? v[MF_ESTADO] : "");
	if (estado == NULL) {
		set_error(err, errlen, "radicado %s: código de anulación desconocido \"%s\"",
			  v[MF_NUMERO], log_escape(v[MF_ESTADO], 40, esc, sizeof(esc)));
		goto done;
	}
	for (size_t i = 0; i < MAPPING_NFIELDS; i++) {
		if (i != MF_FECHA && i != MF_FOLIOS && i != MF_ESTADO)
			mapping_set_field(m, f, (enum mapping_field)i, v[i]);
	}
	filing_set(&f->tipo_radicado, mapping_tipo_radicado(m, f->numero));
	filing_set(&f->fecha_radicacion, iso);
	filing_set(&f->estado_ds, estado);
	f->folios = folios;
	mapping_name_dependency(m, f);
	f->has_detail = 1;
	a = mapping_check_limits(m, f, err, errlen) == 0 ? DS_OK : DS_REFUSED;
done:
	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		free(v[i]);
	return a;
}
