/* store.h -- the SQLite follow-up record: schema as numbered migrations, every SQL
 * statement (prepared, bound parameters), transactions. No other module speaks SQL.
 * One struct store per thread: a connection is never shared between threads. */
#ifndef SEGCONT_STORE_H
#define SEGCONT_STORE_H

#include <stddef.h>

#include "mapping.h"

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_ERR_LEN 512

struct store;

/* Opens (creating with mode 0600 when absent) the database at path, sets WAL,
 * synchronous=NORMAL, foreign_keys, busy_timeout, and applies pending migrations in one
 * transaction. A database newer than this binary (user_version above the last known
 * step) is refused. Returns a new store (free with store_close) or NULL with err filled. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *s);
/* Schema step this binary knows (the highest migration number). */
int store_schema_version(void);
/* Last error message of this connection. Borrowed, valid until the next call. */
const char *store_errmsg(struct store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return 0 or -1. */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* Looks up the stored listed-fields hash of numero (see filing_hash(f, 1, ...)); a filing
 * stored without its detail answers "" so that the next pass asks for the detail again.
 * Returns 1 and fills out when found, 0 when the filing is unknown, -1 on error. */
int store_listed_hash(struct store *s, const char *numero, char out[65]);

enum store_upsert { STORE_UPSERT_NEW, STORE_UPSERT_CHANGED, STORE_UPSERT_UNCHANGED };

/* Inserts or updates a filing by numero; call inside a transaction. A new filing also
 * gets its seguimiento row (estado 'recibido', tipo_tramite as given). A filing whose
 * source hash changed is updated and a gestion row of tipo 'cambio_sgd' (usuario NULL)
 * says which fields changed (asunto, dependencia_actual, estado_ds...). Every call sets
 * visto_ultimo = now. Returns 0 and *res, or -1 on error. */
int store_upsert_filing(struct store *s, const struct filing *f, const char *tipo_tramite,
			const char *now, enum store_upsert *res);

/* Marks a filing as seen again without changing its data (listed fields unchanged).
 * Returns 1 when it existed, 0 when not, -1 on error. */
int store_touch_filing(struct store *s, const char *numero, const char *now);

/* Loads the stored filing numero into f (initialised by the caller; fields replaced).
 * Returns 1 found, 0 not found, -1 error. */
int store_get_filing(struct store *s, const char *numero, struct filing *f);

/* Number of rows in radicado. -1 on error. */
long store_count_filings(struct store *s);

struct sync_state {
	char cursor[11];        /* YYYY-MM-DD, "" before the first window */
	char last_attempt[32];  /* ISO 8601 or "" */
	char last_success[32];
	char degraded_since[32]; /* first failure of the current run of failures, or "" */
	char last_error[512];
	long passes;
	long failures;
	long filings_new;
	long filings_changed;
};

/* Reads the single sync_estado row (zeroes when never written). 0 or -1. */
int store_sync_get(struct store *s, struct sync_state *st);
/* Moves the cursor; call inside the window's transaction. 0 or -1. */
int store_sync_set_cursor(struct store *s, const char *cursor);
/* Records the end of a pass: ok, or the error text (no secrets). Updates counters,
 * last_attempt, last_success / degraded_since. Runs its own short transaction. 0 or -1. */
int store_sync_note_pass(struct store *s, int ok, const char *error, const char *now,
			 long filings_new, long filings_changed);

#endif
