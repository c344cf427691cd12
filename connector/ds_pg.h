/* ds_pg.h -- a format-sql profile's database (Orfeo's PostgreSQL) over libpq: one read-only
 * session (client_encoding UTF8, default_transaction_read_only, statement_timeout, the
 * mapping's TimeZone, application_name segcont), the mapping's queries run with bound
 * parameters, waits that honour the stop flag and the configured timeout, and every error
 * told apart: configuration (password, missing table) or transient (server down, restart,
 * statement timeout). One attempt per call: ds_client retries. */
#ifndef SEGCONT_DS_PG_H
#define SEGCONT_DS_PG_H

#include <stdatomic.h>
#include <stddef.h>

#include "config.h"
#include "filing.h"
#include "mapping.h"

#define DS_PG_APPLICATION "segcont"
#define DS_PG_INFO_BATCH 500	/* numbers per detail query */
#define DS_PG_MAX_ROWS 1000000L /* rows of one answer; more is refused */

struct ds_pg;

/* A query parameter by name ({{name}} in the mapping's SQL). */
struct ds_pg_param {
	const char *name;
	const char *value;
};

/* Creates a session holder for the configured database; connects on first use. Borrows
 * cfg, m and stop (they outlive it). Never NULL. */
struct ds_pg *ds_pg_new(const struct config *cfg, const struct mapping *m, atomic_int *stop);
/* Closes the connection and frees everything. NULL is allowed. */
void ds_pg_free(struct ds_pg *p);

/* Runs query q with params (every name the query uses must be given) and appends one
 * filing per row to out (mapping_sql_row). Returns DS_OK, or on failure out untouched and:
 * DS_AUTH (password refused, role or database unknown: configuration), DS_FAULT_CLIENT
 * (the query itself is wrong for this database: table, column, type, read-only violation),
 * DS_FAULT_SERVER (connection lost or refused, server restarting, statement timeout:
 * retry), DS_MALFORMED (a row with a bad value, or interrupted by the stop flag); err says
 * what, in Spanish, never with the password. */
enum ds_answer ds_pg_filings(struct ds_pg *p, enum mapping_query_kind q,
			     const struct ds_pg_param *params, size_t nparams,
			     struct filing_list *out, char *err, size_t errlen);

/* Runs query q (no parameters) and calls cb with each row's values (ncols strings, "" for
 * NULL). A non-zero return from cb stops. Returns DS_OK or the failure as above. */
enum ds_answer ds_pg_rows(struct ds_pg *p, enum mapping_query_kind q,
			  int (*cb)(int ncols, const char *const *values, void *arg), void *arg,
			  char *err, size_t errlen);

/* What the session says about the server, for check-ds. */
struct ds_pg_info {
	char server_version[32];
	char server_encoding[32]; /* UTF8, WIN1252... */
	char user[64];
	char database[64];
	int read_only; /* default_transaction_read_only is on in the session */
};
/* Connects if needed and fills out. DS_OK or a failure as above. */
enum ds_answer ds_pg_info(struct ds_pg *p, struct ds_pg_info *out, char *err, size_t errlen);

/* Builds the text[] literal of values ("{\"a\",\"b\"}") into a new string (caller frees). */
char *ds_pg_array_literal(char *const *values, size_t n);

#endif
