/* store.c -- the SQLite connection: opening, numbered schema migrations, transactions, the
 * one per-connection statement cache and the bind / step helpers of every store_*.c file,
 * with the SQL function and WAL hook each connection registers. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "log.h"
#include "util.h"

#define STORE_FILE_MODE 0600
#define STORE_PRAGMA_LEN 64
#define STORE_AUTOCHECKPOINT 1000 /* WAL frames: SQLite's default, kept by our WAL hook */
/* Page cache per connection, KiB (SQLite's default is 2 MiB): the list's indexes of 100,000
 * filings stay in memory instead of being read again for every count. */
#define STORE_CACHE_KIB 16384
#define STORE_CACHE_MIN_KIB 1024
#define STORE_CHECK_CACHE_KIB 1024 /* during the integrity check */
#define STORE_BUSY_CODE SQLITE_BUSY
#define STORE_ENV_HOOKS "SEGCONT_TEST_HOOKS"
#define STORE_ENV_FAIL_WRITES "SEGCONT_TEST_FAIL_WRITES"
#define STORE_FAIL_WRITES_MAX 1000000000L
#define STORE_ENV_MAX_PAGES "SEGCONT_TEST_MAX_PAGES" /* a full disk, for tests */
#define STORE_ENV_SCHEMA "SEGCONT_TEST_SCHEMA"	   /* migrate only up to this version */
#define STORE_INTEGRITY_LEN 256

/* Migrations live in store_schema.c. */
#define STORE_SCHEMA_VERSION store_schema_count

/* What each connection opened from now on keeps of its page cache (store_set_memory_limit). */
static long store_cache_kib = STORE_CACHE_KIB;

/* ---- The statements of this file (indexed by statement id; the other files hold theirs). */
static const char *const store_core_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STORE_STMT_BEGIN_READ] = "BEGIN",
    [STORE_STMT_COMMIT] = "COMMIT",
    [STORE_STMT_ROLLBACK] = "ROLLBACK",
    [STORE_STMT_DATA_VERSION] = "PRAGMA data_version",
};

/* ---- Result codes: corruption seen, and the test hook that fails writes */

/* 1 once a connection of this process got SQLITE_CORRUPT or SQLITE_NOTADB. */
static atomic_int store_corrupt;
/* The primary result code of the last failed write of any connection (0 after a commit went
 * through) and when it happened (epoch seconds of its first failure in a row). */
static atomic_int store_write_rc;
static atomic_llong store_write_since;
/* store_test_fail_after: the write step that fails first (0: off), and the count so far. */
static atomic_long store_fail_after;
static atomic_long store_fail_count;
static atomic_int store_fail_commits; /* store_test_fail_commits: every COMMIT fails */

/* Every result code of a step, prepare, exec or open passes here. Returns rc. */
static int store_note(int rc)
{
	int primary = rc & 0xff;

	if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
		atomic_store(&store_corrupt, 1);
	return rc;
}

int store_corruption_seen(void)
{
	return atomic_load(&store_corrupt);
}

void store_test_fail_commits(int on)
{
	atomic_store(&store_fail_commits, on != 0);
}

void store_test_fail_after(long n)
{
	atomic_store(&store_fail_count, 0);
	atomic_store(&store_fail_after, n > 0 ? n : 0);
}

/* Arms store_test_fail_after from SEGCONT_TEST_FAIL_WRITES=N, only with
 * SEGCONT_TEST_HOOKS=1 and when it is not armed already. */
static void store_fail_from_env(void)
{
	const char *hooks = getenv(STORE_ENV_HOOKS);
	const char *n = getenv(STORE_ENV_FAIL_WRITES);
	long v;

	if (hooks == NULL || strcmp(hooks, "1") != 0 || n == NULL ||
	    atomic_load(&store_fail_after) > 0)
		return;
	if (parse_long(n, 0, STORE_FAIL_WRITES_MAX, &v) < 0) {
		log_warn(STORE_MODULE, "%s no es un número: se ignora", STORE_ENV_FAIL_WRITES);
		return;
	}
	if (v > 0)
		log_warn(STORE_MODULE, "prueba: la escritura %ld y las siguientes fallarán", v);
	store_test_fail_after(v);
}

/* A statement that writes, as store_test_fail_after counts them (our SQL is upper case): an
 * INSERT, UPDATE or DELETE, or the COMMIT of a transaction that wrote (not of a read one). */
static int store_is_write(sqlite3_stmt *st)
{
	static const char *const verbs[] = {"INSERT", "UPDATE", "DELETE"};
	const char *sql = sqlite3_sql(st);

	if (sql == NULL)
		return 0;
	if (strncmp(sql, "COMMIT", 6) == 0)
		return sqlite3_txn_state(sqlite3_db_handle(st), NULL) == SQLITE_TXN_WRITE;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strncmp(sql, verbs[i], strlen(verbs[i])) == 0)
			return 1;
	}
	return 0;
}

/* Remembers how the last write ended: a failure other than a lock timeout (disk full,
 * read-only file, I/O error, corruption) until a commit goes through. */
static void store_note_write(sqlite3_stmt *st, int rc)
{
	int primary = rc & 0xff;

	if (primary == SQLITE_ROW || primary == SQLITE_DONE) {
		if (atomic_load(&store_write_rc) != 0 && strncmp(sqlite3_sql(st), "COMMIT", 6) == 0)
			atomic_store(&store_write_rc, 0);
		return;
	}
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CONSTRAINT)
		return;
	if (atomic_exchange(&store_write_rc, primary) == 0)
		atomic_store(&store_write_since, (long long)time(NULL));
}

/* The one sqlite3_step of the store: a write the test hook fails returns SQLITE_IOERR, as
 * if the disk had failed, without running. */
static int store_step(struct store *s, sqlite3_stmt *st)
{
	long after = atomic_load(&store_fail_after);
	int write = store_is_write(st); /* before the step: a COMMIT ends the transaction */
	int rc;

	s->injected = 0;
	if (atomic_load(&store_fail_commits) && sqlite3_sql(st) != NULL &&
	    strncmp(sqlite3_sql(st), "COMMIT", 6) == 0) {
		s->injected = 1;
		return SQLITE_IOERR;
	}
	if (after > 0 && write && atomic_fetch_add(&store_fail_count, 1) + 1 >= after) {
		s->injected = 1;
		store_note_write(st, SQLITE_IOERR);
		return SQLITE_IOERR;
	}
	rc = store_note(sqlite3_step(st));
	if (write)
		store_note_write(st, rc);
	return rc;
}

int store_write_failing(char *why, size_t whylen, long long *since)
{
	int rc = atomic_load(&store_write_rc);
	const char *text;

	if (rc == 0)
		return 0;
	switch (rc) {
	case SQLITE_FULL:
		text = "el disco está lleno";
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		text = "el archivo de la base no se puede escribir";
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		text = "el archivo de la base está dañado";
		break;
	case SQLITE_IOERR:
		text = "error de lectura o escritura del disco";
		break;
	default:
		text = sqlite3_errstr(rc);
		break;
	}
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", text);
	if (since != NULL)
		*since = atomic_load(&store_write_since);
	return 1;
}

/* ---- Errors and the statement cache */

static void store_verror(char *err, size_t errlen, const char *fmt, va_list ap)
{
	int n;

	if (err == NULL || errlen == 0)
		return;
	n = vsnprintf(err, errlen, fmt, ap);
	if (n >= 0 && (size_t)n >= errlen)
		err[util_utf8_cut(err, errlen - 1)] = '\0';
}

void store_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_verror(err, errlen, fmt, ap);
	va_end(ap);
}

void store_set_error(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_verror(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

void store_set_sqlite_error(struct store *s, const char *what)
{
	const char *why = s->injected ? sqlite3_errstr(SQLITE_IOERR) : sqlite3_errmsg(s->db);

	s->injected = 0;
	store_set_error(s, "%s: %s", what, why);
}

/* How many slots statement id has in the cache: one per shape for the statements whose
 * SQL depends on the query, one for every other. */
static int store_cache_slots(enum store_stmt_id id)
{
	switch (id) {
	case STORE_STMT_LIST_COUNT:
	case STORE_STMT_LIST_PAGE:
	case STORE_STMT_LIST_MEMBER:
		return STORE_LIST_SHAPES;
	case STORE_STMT_SLA_ROWS:
		return STORE_SLA_SHAPES;
	default:
		return 1;
	}
}

static void store_cache_init(struct store *s)
{
	s->nslots = 0;
	for (int id = 0; id < STORE_STMT_COUNT; id++) {
		s->first[id] = s->nslots;
		s->nslots += store_cache_slots((enum store_stmt_id)id);
	}
	s->slot = xcalloc((size_t)s->nslots, sizeof(*s->slot));
	for (int i = 0; i < s->nslots; i++)
		s->slot[i].key = -1;
}

static void store_cache_free(struct store *s)
{
	for (int i = 0; i < s->nslots; i++)
		sqlite3_finalize(s->slot[i].st);
	free(s->slot);
	s->slot = NULL;
	s->nslots = 0;
}

/* The cached statement of (id, key), or NULL when it is not prepared. */
static sqlite3_stmt *store_cache_find(struct store *s, enum store_stmt_id id, int key)
{
	struct store_slot *slot = &s->slot[s->first[id]];
	int n = store_cache_slots(id);

	for (int i = 0; i < n; i++) {
		if (slot[i].key == key)
			return slot[i].st;
	}
	return NULL;
}

/* Prepares sql as (id, key) in the next slot of id (finalizing what it held). Returns the
 * statement, or NULL with s->err (what names the failure). */
static sqlite3_stmt *store_cache_put(struct store *s, enum store_stmt_id id, int key,
				     const char *sql, const char *what)
{
	struct store_slot *slot = &s->slot[s->first[id] + s->next[id]];

	s->next[id] = (s->next[id] + 1) % store_cache_slots(id);
	sqlite3_finalize(slot->st);
	slot->st = NULL;
	slot->key = -1;
	if (store_note(sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st,
					  NULL)) != SQLITE_OK) {
		store_set_sqlite_error(s, what);
		sqlite3_finalize(slot->st);
		slot->st = NULL;
		return NULL;
	}
	slot->key = key;
	return slot->st;
}

sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id, const char *sql, const char *what)
{
	sqlite3_stmt *st = store_cache_find(s, id, 0);

	return st != NULL ? st : store_cache_put(s, id, 0, sql, what);
}

sqlite3_stmt *store_stmt_shape(struct store *s, enum store_stmt_id id, int key,
			       char *(*build)(const void *arg), const void *arg, const char *what)
{
	sqlite3_stmt *st = store_cache_find(s, id, key);
	char *sql;

	if (st != NULL)
		return st;
	sql = build(arg);
	st = store_cache_put(s, id, key, sql, what);
	free(sql);
	return st;
}

/* The statements of this file. */
static sqlite3_stmt *store_core_stmt(struct store *s, enum store_stmt_id id)
{
	return store_stmt(s, id, store_core_sql[id], STORE_PREPARE_ERROR);
}

/* ---- Binding and stepping */

void store_stmt_done(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int store_bind_vals(struct store *s, sqlite3_stmt *st, int first, const struct store_val *v,
		    size_t n)
{
	if (st == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int idx = first + (int)i;
		int rc;

		if (v[i].kind == STORE_VAL_TEXT)
			rc = sqlite3_bind_text(st, idx, v[i].text, -1, SQLITE_STATIC);
		else if (v[i].kind == STORE_VAL_INT)
			rc = sqlite3_bind_int64(st, idx, v[i].i);
		else
			rc = sqlite3_bind_null(st, idx);
		if (rc != SQLITE_OK) {
			store_set_sqlite_error(s, "no se pudo asociar un valor");
			store_stmt_done(st);
			return -1;
		}
	}
	return 0;
}

int store_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = store_step(s, st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		store_set_sqlite_error(s, what);
	store_stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = store_row(s, st, what);

	if (rc == 1)
		store_stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int store_row_of(struct store *s, sqlite3_stmt *st, struct store_val key, const char *what)
{
	if (store_bind(s, st, key) < 0)
		return -1;
	return store_row(s, st, what);
}

int store_each(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *arg),
	       void *arg, const char *what)
{
	int stop = 0;

	if (st == NULL)
		return -1;
	while (stop == 0) {
		int rc = store_step(s, st);

		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			store_set_sqlite_error(s, what);
			stop = -1;
			break;
		}
		stop = row(st, arg);
	}
	store_stmt_done(st);
	return stop;
}

const char *store_column_text(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return v != NULL ? (const char *)v : "";
}

struct store_count_each {
	int (*cb)(const char *key, long long n, void *arg);
	void *arg;
};

static int store_count_row(sqlite3_stmt *st, void *arg)
{
	const struct store_count_each *e = arg;

	return e->cb(store_column_text(st, 0), sqlite3_column_int64(st, 1), e->arg);
}

int store_count_rows(struct store *s, sqlite3_stmt *st,
		     int (*cb)(const char *key, long long n, void *arg), void *arg,
		     const char *what)
{
	struct store_count_each e = {cb, arg};

	return store_each(s, st, store_count_row, &e, what);
}

/* Runs SQL text without parameters (pragmas, migrations). 0 or -1 with s->err. */
static int store_exec(struct store *s, const char *sql, const char *what)
{
	char *msg = NULL;

	if (store_note(sqlite3_exec(s->db, sql, NULL, NULL, &msg)) != SQLITE_OK) {
		store_set_error(s, "%s: %s", what, msg != NULL ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Runs a pragma that answers one value into out (size outlen). 0 or -1. */
static int store_pragma_text(struct store *s, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (store_note(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
		goto fail;
	rc = store_step(s, st);
	if (rc != SQLITE_ROW)
		goto fail;
	store_cut_error(store_column_text(st, 0), out, outlen);
	sqlite3_finalize(st);
	return 0;
fail:
	store_set_sqlite_error(s, sql);
	sqlite3_finalize(st);
	return -1;
}

static int store_user_version(struct store *s, int *out)
{
	char v[STORE_PRAGMA_LEN];
	long n;

	if (store_pragma_text(s, "PRAGMA user_version", v, sizeof(v)) < 0)
		return -1;
	if (parse_long(v, 0, 1000000, &n) < 0) {
		store_set_error(s, "versión del esquema ilegible: %s", v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* ---- What each connection registers: the WAL hook and segcont_fold */

/* Commits by any connection of this process (store_commits). */
static atomic_ullong store_commit_count;

/* Runs after every commit in WAL mode: counts it, then does what SQLite's default hook does
 * (a passive checkpoint once the WAL holds STORE_AUTOCHECKPOINT frames). */
static int store_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)arg;
	atomic_fetch_add(&store_commit_count, 1);
	if (frames >= STORE_AUTOCHECKPOINT)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

unsigned long long store_commits(void)
{
	return atomic_load(&store_commit_count);
}

/* segcont_fold(text): classify_fold as an SQL function, for asunto_busqueda. */
static void store_fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *t;

	(void)argc;
	t = sqlite3_value_text(argv[0]);
	if (t == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, classify_fold((const char *)t), -1, free);
}

/* segcont_sla(numero, now): the "sla" block of a filing as JSON text, from the function
 * store_set_sla gave this connection (NULL without one; an error fails the statement). */
static void store_sla_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store *s = sqlite3_user_data(ctx);
	const char *numero = (const char *)sqlite3_value_text(argv[0]);
	const char *now = (const char *)sqlite3_value_text(argv[1]);
	char err[STORE_ERR_LEN];
	char *json;

	(void)argc;
	if (s->sla == NULL || numero == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	err[0] = '\0';
	json = s->sla(s->sla_arg, s, numero, now, err, sizeof(err));
	if (json == NULL) {
		sqlite3_result_error(ctx, err[0] != '\0' ? err : "plazo no calculado", -1);
		return;
	}
	sqlite3_result_text(ctx, json, -1, free);
}

void store_set_sla(struct store *s, store_sla_fn fn, void *arg)
{
	s->sla = fn;
	s->sla_arg = arg;
}

/* What every connection has before migrating: segcont_fold, segcont_sla, the WAL hook, its
 * page cache. */
static int store_register(struct store *s)
{
	char pragma[STORE_PRAGMA_LEN];

	if (sqlite3_create_function_v2(s->db, "segcont_fold", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       store_fold_fn, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function_v2(s->db, "segcont_sla", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, s,
				       store_sla_sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_set_sqlite_error(s, "no se pudieron registrar las funciones de segcont");
		return -1;
	}
	sqlite3_wal_hook(s->db, store_wal_hook, NULL);
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%ld", store_cache_kib);
	return store_exec(s, pragma, "cache_size");
}

/* ---- Opening and migrations */

static int store_refuse_newer(struct store *s, int version)
{
	store_set_error(s,
			"la base de datos está en la versión %d del esquema y este programa conoce "
			"hasta la %d; actualice segcont",
			version, STORE_SCHEMA_VERSION);
	return -1;
}

/* Brings the schema to STORE_SCHEMA_VERSION in one transaction. 0 or -1 with s->err. */
/* The version a database is migrated to: STORE_SCHEMA_VERSION, or, for a test that makes
 * a database of an older schema (SEGCONT_TEST_HOOKS=1 and SEGCONT_TEST_SCHEMA=N), N. */
static int store_target_version(void)
{
	const char *hooks = getenv(STORE_ENV_HOOKS);
	const char *n = getenv(STORE_ENV_SCHEMA);
	long v;

	if (hooks == NULL || strcmp(hooks, "1") != 0 || n == NULL ||
	    parse_long(n, 1, STORE_SCHEMA_VERSION, &v) < 0)
		return STORE_SCHEMA_VERSION;
	return (int)v;
}

static int store_migrate(struct store *s)
{
	char pragma[STORE_PRAGMA_LEN];
	int from;
	int target = store_target_version();
	int rc;

	if (store_user_version(s, &from) < 0)
		return -1;
	if (from > STORE_SCHEMA_VERSION)
		return store_refuse_newer(s, from);
	if (from >= target)
		return 0;
	/* Another process migrating holds the lock for as long as its migration takes: wait
	 * for it (then there is nothing left to do) rather than fail after a write's wait. */
	sqlite3_busy_timeout(s->db, STORE_MIGRATE_WAIT_MS);
	rc = store_exec(s, "BEGIN IMMEDIATE", "no se pudo iniciar la migración");
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	if (rc < 0)
		return -1;
	/* Another process may have migrated between the read above and the lock. */
	if (store_user_version(s, &from) < 0)
		goto fail;
	if (from > STORE_SCHEMA_VERSION) {
		store_refuse_newer(s, from);
		goto fail;
	}
	if (from >= target) {
		if (store_exec(s, "COMMIT", "no se pudo cerrar la migración") < 0)
			goto fail;
		return 0;
	}
	for (int i = from; i < target; i++) {
		char what[STORE_PRAGMA_LEN];

		snprintf(what, sizeof(what), "migración %d del esquema", i + 1);
		if (store_exec(s, store_schema_migrations[i], what) < 0)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", i + 1);
		if (store_exec(s, pragma, what) < 0)
			goto fail;
	}
	if (store_exec(s, "COMMIT", "no se pudo confirmar la migración") < 0)
		goto fail;
	log_info(STORE_MODULE, "esquema de la base de datos llevado de la versión %d a la %d", from,
		 target);
	return 0;
fail:
	return store_txn_end(s, 1, -1);
}

static int store_configure(struct store *s)
{
	char mode[STORE_PRAGMA_LEN];

	if (store_pragma_text(s, "PRAGMA journal_mode = WAL", mode, sizeof(mode)) < 0)
		return -1;
	if (strcmp(mode, "wal") != 0) {
		store_set_error(
		    s, "no se pudo activar el modo WAL (el sistema de archivos quedó en '%s')",
		    mode);
		return -1;
	}
	if (store_exec(s, "PRAGMA synchronous = NORMAL", "synchronous") < 0)
		return -1;
	if (store_exec(s, "PRAGMA foreign_keys = ON", "foreign_keys") < 0)
		return -1;
	return 0;
}

/* For tests, as the fault hook: SEGCONT_TEST_MAX_PAGES=N (with SEGCONT_TEST_HOOKS=1) caps the
 * file at N pages, so a write that needs more fails with SQLITE_FULL as on a full disk. */
static int store_max_pages_from_env(struct store *s)
{
	const char *hooks = getenv(STORE_ENV_HOOKS);
	const char *n = getenv(STORE_ENV_MAX_PAGES);
	char sql[64];
	long v;

	if (hooks == NULL || strcmp(hooks, "1") != 0 || n == NULL ||
	    parse_long(n, 1, STORE_FAIL_WRITES_MAX, &v) < 0)
		return 0;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %ld", v);
	return store_exec(s, sql, "max_page_count");
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = NULL;
	int fd;
	int version;

	if (path == NULL || *path == '\0') {
		store_error(err, errlen, "falta la ruta de la base de datos");
		return NULL;
	}
	/* Personal data: a new file is created readable by the service user only. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, STORE_FILE_MODE);
	if (fd >= 0) {
		close(fd);
	} else if (errno != EEXIST) {
		store_error(err, errlen, "%s: no se pudo crear la base de datos: %s", path,
			    strerror(errno));
		return NULL;
	}
	store_fail_from_env();
	s = xcalloc(1, sizeof(*s));
	store_cache_init(s);
	if (store_note(sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				       NULL)) != SQLITE_OK) {
		if (s->db == NULL) {
			store_error(err, errlen, "%s: no se pudo abrir la base de datos", path);
			goto fail_quiet;
		}
		store_set_sqlite_error(s, "no se pudo abrir la base de datos");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS) != SQLITE_OK) {
		store_set_sqlite_error(s, "busy_timeout");
		goto fail;
	}
	/* Refuse a newer schema before touching anything, journal mode included. */
	if (store_user_version(s, &version) < 0)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		store_refuse_newer(s, version);
		goto fail;
	}
	if (store_configure(s) < 0)
		goto fail;
	if (store_register(s) < 0)
		goto fail;
	if (store_migrate(s) < 0)
		goto fail;
	if (store_max_pages_from_env(s) < 0)
		goto fail;
	return s;
fail:
	store_error(err, errlen, "%s: %s", path, s->err);
fail_quiet:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	store_cache_free(s);
	/* SQLite's advice: statistics kept fresh for the planner, cheap when nothing changed. */
	if (s->db != NULL && sqlite3_get_autocommit(s->db) &&
	    sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL) != SQLITE_OK)
		log_debug(STORE_MODULE, "PRAGMA optimize: %s", sqlite3_errmsg(s->db));
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_error(STORE_MODULE, "no se pudo cerrar la base de datos: %s",
			  sqlite3_errmsg(s->db));
	free(s);
}

int store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

const char *store_errmsg(struct store *s)
{
	return s->err;
}

/* ---- Transactions */

static int store_simple(struct store *s, enum store_stmt_id id, const char *what)
{
	return store_run(s, store_core_stmt(s, id), what);
}

int store_begin(struct store *s)
{
	return store_simple(s, STORE_STMT_BEGIN, "no se pudo iniciar la transacción");
}

int store_commit(struct store *s)
{
	/* A write transaction leaves no stored SLA block to work out again (store_sla.c); a
	 * failure there is not the write's: the rows stay marked, and the views exact. */
	if (s->sla != NULL && !s->sla_refreshing &&
	    sqlite3_txn_state(s->db, NULL) == SQLITE_TXN_WRITE && store_sla_refresh(s, NULL) < 0)
		log_warn(STORE_MODULE, "los plazos guardados quedan por recalcular: %s", s->err);
	return store_simple(s, STORE_STMT_COMMIT, "no se pudo confirmar la transacción");
}

int store_rollback(struct store *s)
{
	/* A failed COMMIT or some errors already ended the transaction: nothing to undo. */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_simple(s, STORE_STMT_ROLLBACK, "no se pudo deshacer la transacción");
}

int store_txn_begin(struct store *s, int *own)
{
	*own = sqlite3_get_autocommit(s->db);
	return *own ? store_begin(s) : 0;
}

int store_read_begin(struct store *s, int *own)
{
	*own = sqlite3_get_autocommit(s->db);
	return *own ? store_simple(s, STORE_STMT_BEGIN_READ, "no se pudo iniciar la lectura") : 0;
}

int store_txn_end(struct store *s, int own, int rc)
{
	char first[STORE_ERR_LEN];

	if (!own)
		return rc;
	/* Keep the first error: the rollback's own message is not the cause. */
	if (rc >= 0 && store_commit(s) == 0)
		return rc;
	strlcpy_s(first, s->err, sizeof(first));
	store_rollback(s);
	strlcpy_s(s->err, first, sizeof(s->err));
	return rc >= 0 ? -1 : rc;
}

/* ---- The connection's state */

void store_release_memory(struct store *s)
{
	sqlite3_db_release_memory(s->db);
}

void store_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void store_set_memory_limit(long mib, int connections)
{
	long kib = mib * 1024 / (connections > 0 ? connections : 1);

	store_cache_kib = kib < STORE_CACHE_MIN_KIB	? STORE_CACHE_MIN_KIB
			  : kib > STORE_CACHE_KIB ? STORE_CACHE_KIB
						    : kib;
}

int store_check_integrity(struct store *s, char *err, size_t errlen)
{
	char res[STORE_INTEGRITY_LEN];
	char pragma[STORE_PRAGMA_LEN];
	int rc;

	/* A small cache while it reads every page once (none is wanted again)... */
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", STORE_CHECK_CACHE_KIB);
	store_exec(s, pragma, "cache_size");
	rc = store_pragma_text(s, "PRAGMA quick_check(1)", res, sizeof(res));
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%ld", store_cache_kib);
	store_exec(s, pragma, "cache_size");
	/* ...and its pages given back (to malloc, then by malloc_trim to the system), or serve
	 * would idle at the size of its page cache after the first /healthz. */
	store_release_memory(s);
	malloc_trim(0);
	if (rc < 0) {
		store_error(err, errlen, "%s", s->err);
		return -1;
	}
	if (strcmp(res, "ok") == 0)
		return 0;
	store_set_error(s, "la base de datos está dañada: %s", res);
	store_error(err, errlen, "%s", s->err);
	return -1;
}

int store_last_busy(struct store *s)
{
	return (sqlite3_extended_errcode(s->db) & 0xff) == STORE_BUSY_CODE;
}

int store_data_version(struct store *s, unsigned long long *out)
{
	sqlite3_stmt *st = store_core_stmt(s, STORE_STMT_DATA_VERSION);
	unsigned long long v;

	if (store_row(s, st, "no se pudo leer data_version") != 1)
		return -1;
	v = (unsigned long long)sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	*out = v;
	return 0;
}

/* Cut on a character boundary, the stored text reads back whole (sync_state.last_error). */
void store_cut_error(const char *error, char *out, size_t outlen)
{
	size_t n = strlen(error);

	if (n > outlen - 1)
		n = util_utf8_cut(error, outlen - 1);
	memcpy(out, error, n);
	out[n] = '\0';
}
