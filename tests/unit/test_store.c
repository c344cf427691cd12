/* test_store.c -- unit tests of store*.c on real SQLite files in a temporary folder:
 * migrations, refusal of newer schemas, idempotent upserts, change detection, sync state,
 * transactions (the caller's joined, failed writes and commits), corruption, messages. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "filing.h"
#include "store.h"
#include "util.h"
#include "test_tmpdir.h"

#define TEST_PATH_LEN 512
#define TEST_BULK_COUNT 10000
#define TEST_NOW_1 "2024-05-02T09:14:07-05:00"
#define TEST_NOW_2 "2024-05-02T09:15:07-05:00"
#define TEST_NOW_3 "2024-05-02T09:16:07-05:00"
#define TEST_NUMERO "20243420001232"


/* ---- Helpers */

static const char *test_path(const char *name, char *out)
{
	snprintf(out, TEST_PATH_LEN, "%s/%s", test_dir, name);
	return out;
}

static struct store *test_open(const char *name)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	struct store *s = store_open(test_path(name, path), err, sizeof(err));

	if (s == NULL)
		fail_msg("store_open: %s", err);
	return s;
}

/* Runs sql on its own connection to the database name; returns the first column of the
 * first row as a new string ("" when no row), or NULL when the statement failed. */
static char *test_query(const char *name, const char *sql)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	int rc;

	assert_int_equal(sqlite3_open_v2(test_path(name, path), &db, SQLITE_OPEN_READWRITE, NULL),
			 SQLITE_OK);
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto done;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		out = xstrdup(v != NULL ? (const char *)v : "(null)");
	} else if (rc == SQLITE_DONE) {
		out = xstrdup("");
	}
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static long test_query_long(const char *name, const char *sql)
{
	char *v = test_query(name, sql);
	long n = -1;

	assert_non_null(v);
	assert_int_equal(parse_long(v, -1000000000L, 1000000000L, &n), 0);
	free(v);
	return n;
}

static void test_query_equal(const char *name, const char *sql, const char *want)
{
	char *v = test_query(name, sql);

	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

/* Fills f (initialised here; caller frees) as a filing with its detail. */
static void test_filing(struct filing *f, const char *numero)
{
	filing_init(f);
	filing_set(&f->numero, numero);
	filing_set(&f->tipo_radicado, "entrada");
	filing_set(&f->fecha_radicacion, "2024-05-02T08:00:00-05:00");
	filing_set(&f->asunto, "Solicitud de contratación directa");
	f->folios = 3;
	filing_set(&f->ruta, "/2024/342/20243420001232.pdf");
	filing_set(&f->dependencia_origen, "600");
	filing_set(&f->dependencia_origen_nombre, "Secretaría de Salud");
	filing_set(&f->dependencia_actual, "342");
	filing_set(&f->remitente, "María Pérez");
	filing_set(&f->tipo_documental, "12");
	filing_set(&f->estado_ds, "vigente");
	f->has_detail = 1;
}

static enum store_upsert test_upsert(struct store *s, const struct filing *f, const char *now)
{
	enum store_upsert res = STORE_UPSERT_UNCHANGED;

	if (store_upsert_filing(s, f, "contratacion_directa", now, &res) < 0)
		fail_msg("store_upsert_filing: %s", store_errmsg(s));
	return res;
}

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("store");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* ---- Tests */

static void test_migrations_from_empty(void **state)
{
	static const char *const tables[] = {"radicado",  "seguimiento", "gestion",	 "usuario",
					     "auditoria", "sync_estado", "discrepancia", "vista"};
	char path[TEST_PATH_LEN];
	char sql[TEST_PATH_LEN];
	struct stat sb;
	struct store *s;

	(void)state;
	s = test_open("migrate.db");
	assert_int_equal(stat(test_path("migrate.db", path), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_true(store_schema_version() >= 1);
	assert_int_equal(test_query_long("migrate.db", "PRAGMA user_version"),
			 store_schema_version());
	test_query_equal("migrate.db", "PRAGMA journal_mode", "wal");
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
			 tables[i]);
		assert_int_equal(test_query_long("migrate.db", sql), 1);
	}
	assert_int_equal(test_query_long("migrate.db", "SELECT count(*) FROM sync_estado"), 1);
	assert_int_equal(store_count_filings(s), 0);
	store_close(s);
}

static void test_reopen_is_noop(void **state)
{
	struct filing f;
	struct store *s;

	(void)state;
	s = test_open("reopen.db");
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	store_close(s);

	s = test_open("reopen.db");
	assert_int_equal(test_query_long("reopen.db", "PRAGMA user_version"),
			 store_schema_version());
	assert_int_equal(store_count_filings(s), 1);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_UNCHANGED);
	store_close(s);
	filing_free(&f);
}

static void test_refuses_newer_schema(void **state)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	char want[STORE_ERR_LEN];
	struct store *s;
	char *v;

	(void)state;
	store_close(test_open("newer.db"));
	v = test_query("newer.db", "PRAGMA user_version = 99");
	assert_non_null(v);
	free(v);

	s = store_open(test_path("newer.db", path), err, sizeof(err));
	assert_null(s);
	snprintf(want, sizeof(want),
		 "la base de datos está en la versión 99 del esquema y este programa conoce "
		 "hasta la %d; actualice segcont",
		 store_schema_version());
	assert_non_null(strstr(err, want));
	assert_int_equal(test_query_long("newer.db", "PRAGMA user_version"), 99);
}

/* Another process's migration of the database: its connection holds the write lock, then
 * writes the new version and lets go after longer than a write waits. */
struct test_migrator {
	sqlite3 *db;
};

static void *test_migrator_finish(void *arg)
{
	struct test_migrator *m = arg;
	struct timespec pause = {STORE_BUSY_TIMEOUT_MS / 1000 + 1, 0};

	nanosleep(&pause, NULL);
	sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

/* Opening a database while another process migrates it waits for that migration (longer
 * than a write's wait), then finds the schema current and opens it: no «database is locked». */
static void test_open_waits_for_migration(void **state)
{
	struct test_migrator m;
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	char sql[TEST_PATH_LEN];
	struct store *s;
	pthread_t t;
	time_t start;

	(void)state;
	store_close(test_open("waits.db"));
	assert_int_equal(sqlite3_open(test_path("waits.db", path), &m.db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_version() - 1);
	assert_int_equal(sqlite3_exec(m.db, sql, NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE; PRAGMA user_version = %d",
		 store_schema_version());
	assert_int_equal(sqlite3_exec(m.db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pthread_create(&t, NULL, test_migrator_finish, &m), 0);
	start = time(NULL);
	s = store_open(path, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	assert_true(time(NULL) - start >= STORE_BUSY_TIMEOUT_MS / 1000);
	pthread_join(t, NULL);
	sqlite3_close(m.db);
	assert_int_equal(test_query_long("waits.db", "PRAGMA user_version"),
			 store_schema_version());
	assert_int_equal(store_count_filings(s), 0);
	store_close(s);
}

static void test_upsert_idempotent(void **state)
{
	char want[65];
	char got[65];
	struct filing f;
	struct store *s;

	(void)state;
	s = test_open("idem.db");
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(store_listed_hash(s, TEST_NUMERO, got), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_UNCHANGED);
	assert_int_equal(store_commit(s), 0);

	assert_int_equal(store_count_filings(s), 1);
	assert_int_equal(test_query_long("idem.db", "SELECT count(*) FROM seguimiento"), 1);
	assert_int_equal(test_query_long("idem.db", "SELECT count(*) FROM gestion"), 0);
	test_query_equal("idem.db", "SELECT estado FROM seguimiento", "recibido");
	test_query_equal("idem.db", "SELECT tipo_tramite FROM seguimiento", "contratacion_directa");
	test_query_equal("idem.db", "SELECT version FROM seguimiento", "1");
	test_query_equal("idem.db", "SELECT visto_primero FROM radicado", TEST_NOW_1);
	test_query_equal("idem.db", "SELECT visto_ultimo FROM radicado", TEST_NOW_2);

	filing_hash(&f, 1, want);
	assert_int_equal(store_listed_hash(s, TEST_NUMERO, got), 1);
	assert_string_equal(got, want);

	assert_int_equal(store_touch_filing(s, TEST_NUMERO, TEST_NOW_3), 1);
	assert_int_equal(store_touch_filing(s, "99999999999999", TEST_NOW_3), 0);
	test_query_equal("idem.db", "SELECT visto_ultimo FROM radicado", TEST_NOW_3);
	store_close(s);
	filing_free(&f);
}

static void test_change_detection(void **state)
{
	struct filing f;
	struct filing got;
	struct store *s;
	char *texto;
	char *datos;
	json_t *j;
	json_error_t jerr;

	(void)state;
	s = test_open("change.db");
	test_filing(&f, TEST_NUMERO);
	filing_set(&f.asunto, "viejo");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);

	filing_set(&f.asunto, "nuevo");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_CHANGED);
	assert_int_equal(test_query_long("change.db", "SELECT count(*) FROM gestion"), 1);
	test_query_equal("change.db", "SELECT tipo FROM gestion", "cambio_sgd");
	test_query_equal("change.db", "SELECT usuario_id IS NULL FROM gestion", "1");
	test_query_equal("change.db", "SELECT fecha FROM gestion", TEST_NOW_2);
	texto = test_query("change.db", "SELECT texto FROM gestion");
	assert_non_null(texto);
	assert_non_null(strstr(texto, "Cambio en el sistema de gestión documental: "));
	assert_non_null(strstr(texto, "asunto «viejo» → «nuevo»"));
	assert_null(strstr(texto, "dependencia"));
	free(texto);
	datos = test_query("change.db", "SELECT datos FROM gestion");
	assert_non_null(datos);
	j = json_loads(datos, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "asunto"), 0)),
			    "viejo");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "asunto"), 1)),
			    "nuevo");
	json_decref(j);
	free(datos);

	filing_set(&f.dependencia_actual, "510");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_3), STORE_UPSERT_CHANGED);
	texto = test_query("change.db", "SELECT texto FROM gestion ORDER BY id DESC LIMIT 1");
	assert_non_null(texto);
	assert_non_null(strstr(texto, "dependencia actual 342 → 510"));
	assert_null(strstr(texto, "asunto"));
	free(texto);

	filing_set(&f.estado_ds, "anulado");
	f.folios = 5;
	assert_int_equal(test_upsert(s, &f, TEST_NOW_3), STORE_UPSERT_CHANGED);
	texto = test_query("change.db", "SELECT texto FROM gestion ORDER BY id DESC LIMIT 1");
	assert_non_null(texto);
	assert_non_null(strstr(texto, "folios 3 → 5"));
	assert_non_null(strstr(texto, "estado anulado"));
	free(texto);
	test_query_equal("change.db",
			 "SELECT json_extract(datos, '$.folios[1]') FROM gestion ORDER BY id DESC",
			 "5");
	assert_int_equal(test_query_long("change.db", "SELECT count(*) FROM gestion"), 3);

	/* Seen again unchanged: no new entry. */
	assert_int_equal(test_upsert(s, &f, TEST_NOW_3), STORE_UPSERT_UNCHANGED);
	assert_int_equal(test_query_long("change.db", "SELECT count(*) FROM gestion"), 3);

	filing_init(&got);
	assert_int_equal(store_get_filing(s, TEST_NUMERO, &got), 1);
	assert_string_equal(got.asunto, "nuevo");
	assert_string_equal(got.dependencia_actual, "510");
	assert_string_equal(got.estado_ds, "anulado");
	assert_int_equal(got.folios, 5);
	assert_int_equal(got.has_detail, 1);
	filing_free(&got);
	/* The follow-up row is untouched by source changes. */
	test_query_equal("change.db", "SELECT estado || ' ' || version FROM seguimiento",
			 "recibido 1");
	store_close(s);
	filing_free(&f);
}

static void test_no_detail_keeps_detail(void **state)
{
	struct filing f;
	struct filing listed;
	struct filing got;
	struct store *s;
	char *texto;

	(void)state;
	s = test_open("detail.db");
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);

	/* The same filing as the list call gives it: detail fields empty. */
	filing_init(&listed);
	filing_set(&listed.numero, f.numero);
	filing_set(&listed.tipo_radicado, f.tipo_radicado);
	filing_set(&listed.fecha_radicacion, f.fecha_radicacion);
	filing_set(&listed.asunto, f.asunto);
	listed.folios = f.folios;
	filing_set(&listed.ruta, f.ruta);
	listed.has_detail = 0;
	assert_int_equal(test_upsert(s, &listed, TEST_NOW_2), STORE_UPSERT_UNCHANGED);

	filing_set(&listed.asunto, "Asunto corregido");
	assert_int_equal(test_upsert(s, &listed, TEST_NOW_3), STORE_UPSERT_CHANGED);
	texto = test_query("detail.db", "SELECT texto FROM gestion");
	assert_non_null(texto);
	assert_non_null(strstr(texto, "«Asunto corregido»"));
	assert_null(strstr(texto, "dependencia"));
	assert_null(strstr(texto, "remitente"));
	free(texto);

	filing_init(&got);
	assert_int_equal(store_get_filing(s, TEST_NUMERO, &got), 1);
	assert_string_equal(got.asunto, "Asunto corregido");
	assert_string_equal(got.dependencia_origen, "600");
	assert_string_equal(got.dependencia_origen_nombre, "Secretaría de Salud");
	assert_string_equal(got.dependencia_actual, "342");
	assert_string_equal(got.remitente, "María Pérez");
	assert_string_equal(got.tipo_documental, "12");
	assert_string_equal(got.estado_ds, "vigente");
	assert_int_equal(got.has_detail, 1);
	filing_free(&got);

	/* A filing first stored without detail is completed later without a cambio_sgd. */
	filing_set(&listed.numero, "20243420001242");
	assert_int_equal(test_upsert(s, &listed, TEST_NOW_1), STORE_UPSERT_NEW);
	filing_init(&got);
	assert_int_equal(store_get_filing(s, "20243420001242", &got), 1);
	assert_int_equal(got.has_detail, 0);
	filing_free(&got);
	filing_set(&f.numero, "20243420001242");
	filing_set(&f.asunto, listed.asunto);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_UNCHANGED);
	assert_int_equal(test_query_long("detail.db", "SELECT count(*) FROM gestion"), 1);
	filing_init(&got);
	assert_int_equal(store_get_filing(s, "20243420001242", &got), 1);
	assert_int_equal(got.has_detail, 1);
	assert_string_equal(got.dependencia_actual, "342");
	filing_free(&got);

	store_close(s);
	filing_free(&listed);
	filing_free(&f);
}

static void test_rollback_leaves_nothing(void **state)
{
	struct sync_state st;
	struct filing f;
	struct store *s;

	(void)state;
	s = test_open("rollback.db");
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(store_sync_set_cursor(s, "2024-05-01", "fecha"), 0);
	assert_int_equal(store_count_filings(s), 1);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_count_filings(s), 0);
	assert_int_equal(test_query_long("rollback.db", "SELECT count(*) FROM seguimiento"), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "");
	/* Rolling back with no transaction open is harmless. */
	assert_int_equal(store_rollback(s), 0);

	/* A failing upsert inside a window: the caller rolls everything back. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	{
		struct filing bad;
		enum store_upsert res;

		test_filing(&bad, "20243420009992");
		filing_set(&bad.estado_ds, "borrado");
		assert_int_equal(store_upsert_filing(s, &bad, "otro", TEST_NOW_1, &res), -1);
		assert_non_null(strstr(store_errmsg(s), "20243420009992"));
		filing_set(&bad.estado_ds, "vigente");
		assert_int_equal(store_upsert_filing(s, &bad, "no_existe", TEST_NOW_1, &res), -1);
		filing_free(&bad);
	}
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_count_filings(s), 0);
	store_close(s);
	filing_free(&f);
}

static void test_auditoria_append_only(void **state)
{
	struct store *s;
	char *v;

	(void)state;
	s = test_open("audit.db");
	v = test_query("audit.db",
		       "INSERT INTO auditoria (fecha, campo, valor_anterior, valor_nuevo)"
		       " VALUES ('2024-05-02T09:14:07-05:00', 'estado', 'recibido',"
		       " 'repartido')");
	assert_non_null(v);
	free(v);
	assert_int_equal(test_query_long("audit.db", "SELECT count(*) FROM auditoria"), 1);
	assert_null(test_query("audit.db", "UPDATE auditoria SET valor_nuevo = 'x'"));
	assert_null(test_query("audit.db", "DELETE FROM auditoria"));
	test_query_equal("audit.db", "SELECT valor_nuevo FROM auditoria", "repartido");
	assert_int_equal(test_query_long("audit.db", "SELECT count(*) FROM auditoria"), 1);
	store_close(s);
}

static void test_sync_state_round_trip(void **state)
{
	char long_error[1024];
	struct sync_state st;
	struct store *s;

	(void)state;
	s = test_open("sync.db");
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "");
	assert_string_equal(st.last_success, "");
	assert_int_equal(st.passes, 0);
	assert_int_equal(st.failures, 0);

	assert_string_equal(st.cursor_kind, "fecha");
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_sync_set_cursor(s, "2024-05-01", "fecha"), 0);
	assert_int_equal(store_commit(s), 0);
	memset(long_error, 'x', sizeof(long_error) - 1);
	long_error[sizeof(long_error) - 1] = '\0';
	assert_int_equal(store_sync_set_cursor(s, long_error, "token"), -1);
	assert_int_equal(store_sync_set_cursor(s, "2024-05-01", NULL), -1);
	/* Not a kind the schema knows: the CHECK refuses it, nothing changes. */
	assert_int_equal(store_sync_set_cursor(s, "2024-05-02", "otro"), -1);
	/* An instant cursor (database profiles) round-trips with its kind. */
	assert_int_equal(store_sync_set_cursor(s, "2024-05-02T16:51:40-05:00", "instante"), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "2024-05-02T16:51:40-05:00");
	assert_string_equal(st.cursor_kind, "instante");
	assert_int_equal(store_sync_set_cursor(s, "2024-05-01", "fecha"), 0);

	assert_int_equal(store_sync_note_pass(s, 1, NULL, TEST_NOW_1, 4, 1), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "2024-05-01");
	assert_string_equal(st.last_attempt, TEST_NOW_1);
	assert_string_equal(st.last_success, TEST_NOW_1);
	assert_string_equal(st.degraded_since, "");
	assert_string_equal(st.cursor_kind, "fecha");
	assert_int_equal(st.passes, 1);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.filings_new, 4);
	assert_int_equal(st.filings_changed, 1);

	assert_int_equal(store_sync_note_pass(s, 0, "tiempo de espera agotado", TEST_NOW_2, 0, 0),
			 0);
	assert_int_equal(store_sync_note_pass(s, 0, "conexión rechazada", TEST_NOW_3, 0, 0), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.last_attempt, TEST_NOW_3);
	assert_string_equal(st.last_success, TEST_NOW_1);
	assert_string_equal(st.degraded_since, TEST_NOW_2);
	assert_string_equal(st.last_error, "conexión rechazada");
	assert_int_equal(st.passes, 1);
	assert_int_equal(st.failures, 2);

	assert_int_equal(store_sync_note_pass(s, 1, NULL, TEST_NOW_3, 2, 0), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.last_success, TEST_NOW_3);
	assert_string_equal(st.degraded_since, "");
	assert_int_equal(st.passes, 2);
	assert_int_equal(st.filings_new, 6);

	/* A long error is cut to fit, on a character boundary. */
	memset(long_error, 'a', sizeof(long_error));
	memcpy(long_error + sizeof(st.last_error) - 2, "é", 2);
	long_error[sizeof(long_error) - 1] = '\0';
	assert_int_equal(store_sync_note_pass(s, 0, long_error, TEST_NOW_3, 0, 0), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_int_equal(strlen(st.last_error), sizeof(st.last_error) - 2);
	assert_true(util_utf8_valid(st.last_error, strlen(st.last_error)));

	/* Inside a caller's transaction the note joins it. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_sync_note_pass(s, 1, NULL, TEST_NOW_3, 0, 0), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_int_equal(st.passes, 2);
	store_close(s);
}

static void test_numero_leading_zeros(void **state)
{
	struct filing f;
	struct filing got;
	struct store *s;

	(void)state;
	s = test_open("zeros.db");
	test_filing(&f, "0002024342000123");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	test_query_equal("zeros.db", "SELECT typeof(numero) || ' ' || numero FROM radicado",
			 "text 0002024342000123");
	filing_init(&got);
	assert_int_equal(store_get_filing(s, "0002024342000123", &got), 1);
	assert_string_equal(got.numero, "0002024342000123");
	filing_free(&got);
	filing_init(&got);
	assert_int_equal(store_get_filing(s, "2024342000123", &got), 0);
	filing_free(&got);
	store_close(s);
	filing_free(&f);
}

/* The numeros of a list page (out: the JSON array store_list_json writes), joined by
 * spaces; *total from the count. Returns a new string. */
static char *test_list_numeros(struct store *s, const char *q, enum store_list_order orden,
			       long long *total)
{
	struct store_list_query lq = {.q = q, .orden = orden, .limit = 50, .total_known = -1};
	struct buf out;
	struct buf nums;
	json_t *rows;
	json_t *row;
	size_t i;

	buf_init(&out);
	buf_init(&nums);
	assert_int_equal(store_list_json(s, &lq, total, &out), 0);
	rows = json_loadb(out.data, out.len, 0, NULL);
	assert_non_null(rows);
	json_array_foreach(rows, i, row)
	{
		const json_t *n = json_object_get(row, "numero");

		assert_true(json_is_string(n)); /* a number is never a JSON number */
		buf_printf(&nums, "%s%s", i > 0 ? " " : "", json_string_value(n));
	}
	json_decref(rows);
	buf_free(&out);
	return nums.data != NULL ? buf_steal(&nums) : xstrdup("");
}

/* Numbers of other document systems are keys like Orfeo's: stored as text, read back by the
 * exact text, found by the free-text search whole or by a fragment (letters in any case),
 * sorted as text. */
static void test_numeros_otros_sistemas(void **state)
{
	static const char *const numeros[] = {"20201300124633", "1-2021-23677", "3-2024-17052",
					      "2021EE7835",	"2024ER7835",	NULL};
	static const struct {
		const char *q;
		const char *want; /* in numero order */
	} searches[] = {
	    {"1-2021-23677", "1-2021-23677"},
	    {"23677", "1-2021-23677"},
	    {"-2024-", "3-2024-17052"},
	    {"EE7835", "2021EE7835"},
	    {"ee7835", "2021EE7835"},
	    {"2021ee7835", "2021EE7835"},
	    {"7835", "2021EE7835 2024ER7835"},
	    {"2024er", "2024ER7835"},
	    {"20201300124633", "20201300124633"},
	    {"0124633", "20201300124633"},
	    {"2021 23677", "1-2021-23677"}, /* every word */
	    {"2021_E", ""},		    /* '_' is no wildcard */
	    {"1%2021", ""},		    /* nor '%' */
	    {"1-2021-2367X", ""},
	};
	struct filing f;
	struct filing got;
	struct store *s;
	struct buf one;
	long long total;
	char *nums;

	(void)state;
	s = test_open("numeros.db");
	for (int i = 0; numeros[i] != NULL; i++) {
		test_filing(&f, numeros[i]);
		filing_set(&f.asunto, "Solicitud de contratación");
		assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
		/* seeing it again is the same filing */
		assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_UNCHANGED);
		filing_free(&f);
	}
	assert_int_equal(store_count_filings(s), 5);
	test_query_equal("numeros.db",
			 "SELECT group_concat(typeof(numero) || ':' || numero, ' ') FROM"
			 " (SELECT numero FROM radicado ORDER BY id)",
			 "text:20201300124633 text:1-2021-23677 text:3-2024-17052 text:2021EE7835 "
			 "text:2024ER7835");
	filing_init(&got);
	assert_int_equal(store_get_filing(s, "1-2021-23677", &got), 1);
	assert_string_equal(got.numero, "1-2021-23677");
	assert_int_equal(store_get_filing(s, "2021ee7835", &got), 0); /* keys are exact */
	filing_free(&got);
	buf_init(&one);
	assert_int_equal(store_filing_json(s, "2024ER7835", &one), 1);
	assert_non_null(strstr(one.data, "\"numero\":\"2024ER7835\""));
	buf_free(&one);
	for (size_t i = 0; i < sizeof(searches) / sizeof(searches[0]); i++) {
		nums = test_list_numeros(s, searches[i].q, STORE_ORDER_NUMERO, &total);
		if (strcmp(nums, searches[i].want) != 0)
			fail_msg("q=«%s»: «%s», want «%s»", searches[i].q, nums, searches[i].want);
		free(nums);
	}
	/* As text, character by character, both ways. */
	nums = test_list_numeros(s, NULL, STORE_ORDER_NUMERO, &total);
	assert_int_equal(total, 5);
	assert_string_equal(nums, "1-2021-23677 20201300124633 2021EE7835 2024ER7835 3-2024-17052");
	free(nums);
	nums = test_list_numeros(s, NULL, STORE_ORDER_NUMERO_DESC, &total);
	assert_string_equal(nums, "3-2024-17052 2024ER7835 2021EE7835 20201300124633 1-2021-23677");
	free(nums);
	store_close(s);
}

static void test_utf8_round_trip(void **state)
{
	static const char asunto[] = "Contratación de prestación de servicios — año 2024: "
				     "señalización, Ñandú «ü» 日本";
	struct filing f;
	struct filing got;
	struct store *s;

	(void)state;
	s = test_open("utf8.db");
	test_filing(&f, TEST_NUMERO);
	filing_set(&f.asunto, asunto);
	filing_set(&f.remitente, "José Ángel Muñoz Gómez");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	filing_init(&got);
	assert_int_equal(store_get_filing(s, TEST_NUMERO, &got), 1);
	assert_string_equal(got.asunto, asunto);
	assert_string_equal(got.remitente, "José Ángel Muñoz Gómez");
	assert_string_equal(got.dependencia_origen_nombre, "Secretaría de Salud");
	filing_free(&got);
	store_close(s);
	filing_free(&f);
}

/* Upserts n new filings in one transaction, the i-th numbered 2024342NNNNNNN2 with
 * NNNNNNN = i * step mod 10,000 (step prime to 10,000 and n <= 10,000: all different). */
static void test_upsert_numbered(struct store *s, int n, int step)
{
	char numero[32];
	struct filing f;

	test_filing(&f, TEST_NUMERO);
	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < n; i++) {
		snprintf(numero, sizeof(numero), "2024342%07d2", (int)((long)i * step % 10000));
		filing_set(&f.numero, numero);
		assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	}
	assert_int_equal(store_commit(s), 0);
	filing_free(&f);
}

static void test_bulk_upserts(void **state)
{
	char numero[32];
	struct filing f;
	struct store *s;
	long changed = 0;

	(void)state;
	s = test_open("bulk.db");
	test_upsert_numbered(s, TEST_BULK_COUNT, 1);
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(store_count_filings(s), TEST_BULK_COUNT);
	assert_int_equal(test_query_long("bulk.db", "SELECT count(*) FROM seguimiento"),
			 TEST_BULK_COUNT);

	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < TEST_BULK_COUNT; i++) {
		snprintf(numero, sizeof(numero), "2024342%07d2", i);
		filing_set(&f.numero, numero);
		if (test_upsert(s, &f, TEST_NOW_2) != STORE_UPSERT_UNCHANGED)
			changed++;
	}
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(store_count_filings(s), TEST_BULK_COUNT);
	store_close(s);
	filing_free(&f);
}

/* Every order under each filter gives the rows its terms say, whichever way the page is read
 * (migration 14: a page SQLite would sort whole is walked in the order's own index when many
 * rows match, sorted from the filter's index when few: here walked above ~72 of 2,600). The
 * expected pages come from SQL of their own on another connection. */
static void test_list_orders_any_plan(void **state)
{
	static const char *const orders[STORE_ORDER_COUNT] = {
	    [STORE_ORDER_FECHA_DESC] = "s.fecha_radicacion DESC, s.radicado_id DESC",
	    [STORE_ORDER_FECHA] = "s.fecha_radicacion, s.radicado_id",
	    [STORE_ORDER_NUMERO] = "r.numero",
	    [STORE_ORDER_NUMERO_DESC] = "r.numero DESC",
	    [STORE_ORDER_ESTADO] = "s.estado, s.fecha_radicacion DESC, s.radicado_id DESC",
	    [STORE_ORDER_ESTADO_DESC] = "s.estado DESC, s.fecha_radicacion DESC, s.radicado_id DESC",
	    [STORE_ORDER_TIPO_TRAMITE] = "s.tipo_tramite, s.fecha_radicacion DESC, s.radicado_id DESC",
	    [STORE_ORDER_TIPO_TRAMITE_DESC] =
		"s.tipo_tramite DESC, s.fecha_radicacion DESC, s.radicado_id DESC",
	    [STORE_ORDER_FECHA_REPARTO] = "s.fecha_reparto IS NULL, s.fecha_reparto, s.radicado_id",
	    [STORE_ORDER_FECHA_REPARTO_DESC] =
		"s.fecha_reparto IS NULL, s.fecha_reparto DESC, s.radicado_id DESC",
	    [STORE_ORDER_FECHA_LIMITE] =
		"coalesce(s.sla_fecha_limite, '9999-12-31'), s.fecha_radicacion, s.radicado_id",
	    [STORE_ORDER_FECHA_LIMITE_DESC] =
		"coalesce(s.sla_fecha_limite, '') DESC, s.fecha_radicacion, s.radicado_id",
	    [STORE_ORDER_DIAS_RESTANTES] =
		"coalesce(s.sla_dias_restantes, 1e18), s.fecha_radicacion, s.radicado_id",
	    [STORE_ORDER_DIAS_RESTANTES_DESC] =
		"coalesce(s.sla_dias_restantes, -1e18) DESC, s.fecha_radicacion, s.radicado_id",
	};
	static const struct {
		struct store_list_query q;
		const char *where;
	} filters[] = {
	    {{.estado = "concluido"}, "s.estado = 'concluido'"}, /* 2,080 rows */
	    {{.estado = "recibido"}, "s.estado = 'recibido'"},	 /* 260 */
	    {{.abogado_id = 1, .abiertos = 1},
	     "s.abogado_id = 1 AND s.estado IN ('repartido', 'en_revision', 'devuelto')"},
	    {{.semaforo = "vencido"},
	     "s.estado IN ('repartido', 'en_revision', 'devuelto') AND s.sla_estado = 'vencido'"},
	    {{.tipo_tramite = "otro", .desde = "2024-03-01", .hasta_excl = "2024-09-01"},
	     "s.tipo_tramite = 'otro' AND s.fecha_radicacion >= '2024-03-01'"
	     " AND s.fecha_radicacion < '2024-09-01'"},
	    {{.abogado_id = 2}, "s.abogado_id = 2"},
	    {{.estado = "recibido", .desde = "2024-03-01", .hasta_excl = "2024-04-01"}, /* ~28 */
	     "s.estado = 'recibido' AND s.fecha_radicacion >= '2024-03-01'"
	     " AND s.fecha_radicacion < '2024-04-01'"},
	};
	char sql[1024];
	struct store *s;
	int pages = 0;

	(void)state;
	s = test_open("orders.db");
	test_upsert_numbered(s, 2600, 7919); /* numbers out of id order */
	/* dates, states, lawyers, tipos and repartos, then the stored blocks (serving: no
	 * refresh), each with ties in every order */
	free(test_query("orders.db",
			"INSERT INTO usuario (id, nombre, rol, token_hash, activo, creado) VALUES"
			" (1, 'Ana', 'abogado', NULL, 1, '2024-01-01T08:00:00-05:00'),"
			" (2, 'Beto', 'abogado', NULL, 1, '2024-01-01T08:00:00-05:00'),"
			" (3, 'Caro', 'abogado', NULL, 1, '2024-01-01T08:00:00-05:00')"));
	free(test_query("orders.db", "UPDATE radicado SET fecha_radicacion = strftime("
				     "'%Y-%m-%dT%H:%M:%S-05:00', '2024-01-01', '+' || (id * 3 % 7000)"
				     " || ' hours')"));
	free(test_query("orders.db",
			"UPDATE seguimiento SET estado = CASE WHEN radicado_id % 10 < 8 THEN"
			" 'concluido' WHEN radicado_id % 10 = 8 THEN 'repartido' ELSE 'recibido' END,"
			" tipo_tramite = CASE radicado_id % 4 WHEN 0 THEN 'contratacion_directa'"
			" WHEN 1 THEN 'proceso_seleccion' WHEN 2 THEN 'novedad_contractual'"
			" ELSE 'otro' END,"
			" abogado_id = CASE WHEN radicado_id % 10 = 9 THEN NULL"
			" ELSE 1 + radicado_id % 3 END,"
			" fecha_reparto = CASE WHEN radicado_id % 10 = 9 THEN NULL ELSE strftime("
			"'%Y-%m-%dT%H:%M:%S-05:00', '2024-01-01', '+' || (radicado_id * 37 % 900)"
			" || ' hours') END"));
	free(test_query("orders.db",
			"UPDATE seguimiento SET sla_dia = '9999-12-31',"
			" sla_estado = CASE WHEN estado = 'repartido' THEN CASE radicado_id % 3"
			" WHEN 0 THEN 'a_tiempo' WHEN 1 THEN 'por_vencer' ELSE 'vencido' END END,"
			" sla_fecha_limite = CASE WHEN abogado_id IS NOT NULL THEN date('2024-02-01',"
			" '+' || (radicado_id * 13 % 300) || ' days') END,"
			" sla_dias_restantes = CASE WHEN abogado_id IS NOT NULL THEN"
			" radicado_id * 11 % 40 - 10 END"));
	assert_int_equal(test_query_long("orders.db", "SELECT count(*) FROM seguimiento"
						      " WHERE estado = 'concluido'"),
			 2080);
	/* the number order reads the follow-up row's copy, kept on insert and on a renumbering
	 * (an Orfeo number corrected by the document system) */
	free(test_query("orders.db", "UPDATE radicado SET numero = '9' || numero WHERE id % 7 = 0"));
	assert_int_equal(test_query_long("orders.db",
					 "SELECT count(*) FROM seguimiento s JOIN radicado r ON"
					 " r.id = s.radicado_id WHERE s.numero IS NOT r.numero"),
			 0);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		for (int o = 0; o < STORE_ORDER_COUNT; o++) {
			for (long offset = 0; offset <= 100; offset += 100) {
				struct store_list_query q = filters[i].q;
				long long total = 0;
				struct buf out;
				struct buf nums;
				json_t *rows;
				json_t *row;
				char *want;
				size_t k;

				q.orden = (enum store_list_order)o;
				q.limit = 50;
				q.offset = offset;
				q.total_known = -1;
				buf_init(&out);
				buf_init(&nums);
				assert_int_equal(store_list_json(s, &q, &total, &out), 0);
				rows = json_loadb(out.data, out.len, 0, NULL);
				assert_non_null(rows);
				json_array_foreach(rows, k, row)
				{
					buf_printf(&nums, "%s%s", k > 0 ? " " : "",
						   json_string_value(json_object_get(row, "numero")));
				}
				json_decref(rows);
				snprintf(sql, sizeof(sql),
					 "SELECT coalesce(group_concat(numero, ' '), '') FROM (SELECT"
					 " r.numero FROM seguimiento s JOIN radicado r ON r.id ="
					 " s.radicado_id WHERE %s ORDER BY %s LIMIT 50 OFFSET %ld)",
					 filters[i].where, orders[o], offset);
				want = test_query("orders.db", sql);
				assert_non_null(want);
				if (strcmp(want, nums.data != NULL ? nums.data : "") != 0)
					fail_msg("%s, orden %d, desde %ld: «%.80s», want «%.80s»",
						 filters[i].where, o, offset,
						 nums.data != NULL ? nums.data : "", want);
				pages += want[0] != '\0';
				free(want);
				buf_free(&nums);
				buf_free(&out);
			}
		}
	}
	assert_true(pages > 100);
	store_close(s);
}

static void test_list_inside_transaction(void **state)
{
	struct store_list_query q = {.orden = STORE_ORDER_FECHA, .limit = 10, .total_known = -1};
	struct filing f;
	struct store *s;
	struct buf out;
	long long total = -1;

	(void)state;
	s = test_open("listtx.db");
	test_filing(&f, TEST_NUMERO);
	buf_init(&out);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	/* Inside the caller's transaction: the list reads it (its own write included). */
	assert_int_equal(store_list_json(s, &q, &total, &out), 0);
	assert_int_equal(total, 1);
	assert_non_null(strstr(out.data, TEST_NUMERO));
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_count_filings(s), 1);
	/* Outside one it opens and closes its own. */
	buf_reset(&out);
	assert_int_equal(store_list_json(s, &q, &total, &out), 0);
	assert_int_equal(total, 1);
	buf_free(&out);
	store_close(s);
	filing_free(&f);
}

/* A test SLA function: the numero and now it was asked for, or a failure for one number. */
static char *test_sla_fn(void *arg, struct store *s, const char *numero, const char *now, char *err,
			 size_t errlen)
{
	int *calls = arg;

	(void)s;
	(*calls)++;
	if (strcmp(numero, "20243420009992") == 0) {
		snprintf(err, errlen, "reloj imposible para %s", numero);
		return NULL;
	}
	return xasprintf("{\"numero\":\"%s\",\"ahora\":%s%s%s}", numero, now ? "\"" : "",
			 now ? now : "null", now ? "\"" : "");
}

/* The store writes each answer whole: every list row and the filing carry "sla" from the
 * connection's SLA function (null without one); a failing one fails the read. */
static void test_sla_in_answers(void **state)
{
	struct store_list_query q = {
	    .orden = STORE_ORDER_NUMERO, .limit = 10, .total_known = -1, .now = TEST_NOW_2};
	struct filing f;
	struct filing g;
	struct store *s;
	struct buf out;
	long long total;
	int calls = 0;

	(void)state;
	s = test_open("sla.db");
	test_filing(&f, TEST_NUMERO);
	test_filing(&g, "20243420009992");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	buf_init(&out);
	assert_int_equal(store_list_json(s, &q, &total, &out), 0);
	assert_non_null(strstr(out.data, "\"sla\":null"));
	buf_reset(&out);
	store_set_sla(s, test_sla_fn, &calls);
	assert_int_equal(store_list_json(s, &q, &total, &out), 0);
	assert_non_null(strstr(out.data, "\"sla\":{\"numero\":\"" TEST_NUMERO
					 "\",\"ahora\":\"" TEST_NOW_2 "\"}"));
	assert_int_equal(calls, 1);
	buf_reset(&out);
	assert_int_equal(store_filing_json(s, TEST_NUMERO, &out), 1);
	assert_non_null(
	    strstr(out.data, ",\"sla\":{\"numero\":\"" TEST_NUMERO "\",\"ahora\":null}}"));
	/* A failing SLA function fails the whole read, naming why. */
	assert_int_equal(test_upsert(s, &g, TEST_NOW_1), STORE_UPSERT_NEW);
	buf_reset(&out);
	assert_int_equal(store_list_json(s, &q, &total, &out), -1);
	assert_non_null(strstr(store_errmsg(s), "reloj imposible para 20243420009992"));
	buf_reset(&out);
	assert_int_equal(store_filing_json(s, "20243420009992", &out), -1);
	store_set_sla(s, NULL, NULL);
	buf_free(&out);
	store_close(s);
	filing_free(&f);
	filing_free(&g);
}

/* One sync window as sync.c writes it: f changed, g new, the cursor moved, in one
 * transaction that the caller rolls back when any step fails. 0 or -1. */
static int test_window(struct store *s, const struct filing *f, const struct filing *g)
{
	enum store_upsert res;

	if (store_begin(s) < 0)
		return -1;
	if (store_upsert_filing(s, f, "otro", TEST_NOW_2, &res) < 0 ||
	    store_upsert_filing(s, g, "otro", TEST_NOW_2, &res) < 0 ||
	    store_sync_set_cursor(s, "2024-05-02", "fecha") < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

/* The database as test_fault_window starts it: one filing, no gestion, no cursor. */
static void test_window_untouched(struct store *s, const char *name)
{
	struct sync_state st;

	assert_int_equal(store_count_filings(s), 1);
	assert_int_equal(test_query_long(name, "SELECT count(*) FROM radicado"), 1);
	assert_int_equal(test_query_long(name, "SELECT count(*) FROM seguimiento"), 1);
	assert_int_equal(test_query_long(name, "SELECT count(*) FROM gestion"), 0);
	test_query_equal(name, "SELECT asunto FROM radicado", "viejo");
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "");
}

static void test_fault_window(void **state)
{
	struct filing f;
	struct filing g;
	struct store *s;
	long n;

	(void)state;
	s = test_open("fault.db");
	test_filing(&f, TEST_NUMERO);
	filing_set(&f.asunto, "viejo");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	filing_set(&f.asunto, "nuevo");
	test_filing(&g, "20243420001242");
	/* The window writes 6 times (update + cambio_sgd, insert + seguimiento, cursor,
	 * commit): whichever fails, nothing of it stays. */
	for (n = 1; n <= 6; n++) {
		char why[128];
		long long since = 0;

		store_test_fail_after(n);
		assert_int_equal(test_window(s, &f, &g), -1);
		assert_non_null(strstr(store_errmsg(s), "disk I/O error"));
		/* The process knows its writes are failing, and since when (for /healthz). */
		assert_int_equal(store_write_failing(why, sizeof(why), &since), 1);
		assert_string_equal(why, "error de lectura o escritura del disco");
		assert_true(since > 0);
		store_test_fail_after(0);
		test_window_untouched(s, "fault.db");
	}
	store_test_fail_after(7);
	assert_int_equal(test_window(s, &f, &g), 0);
	store_test_fail_after(0);
	/* A commit that went through clears it. */
	assert_int_equal(store_write_failing(NULL, 0, NULL), 0);
	assert_int_equal(store_count_filings(s), 2);
	assert_int_equal(test_query_long("fault.db", "SELECT count(*) FROM gestion"), 1);

	/* A note in its own transaction whose commit (its third write) fails rolls back. */
	store_test_fail_after(3);
	assert_int_equal(store_sync_note_pass(s, 1, NULL, TEST_NOW_3, 1, 1), -1);
	store_test_fail_after(0);
	/* ... and leaves no transaction open behind it. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(test_query_long("fault.db", "SELECT pasadas FROM sync_estado"), 0);
	assert_int_equal(store_sync_note_pass(s, 1, NULL, TEST_NOW_3, 1, 1), 0);
	assert_int_equal(test_query_long("fault.db", "SELECT pasadas FROM sync_estado"), 1);
	store_close(s);
	filing_free(&g);
	filing_free(&f);
}

static void test_fault_from_environment(void **state)
{
	struct filing f;
	struct store *s;
	enum store_upsert res;

	(void)state;
	test_filing(&f, TEST_NUMERO);
	/* Without SEGCONT_TEST_HOOKS=1 the variable is ignored. */
	setenv("SEGCONT_TEST_FAIL_WRITES", "1", 1);
	s = test_open("faultenv.db");
	assert_int_equal(store_upsert_filing(s, &f, "otro", TEST_NOW_1, &res), 0);
	store_close(s);
	setenv("SEGCONT_TEST_HOOKS", "1", 1);
	s = test_open("faultenv.db");
	filing_set(&f.numero, "20243420001242");
	assert_int_equal(store_upsert_filing(s, &f, "otro", TEST_NOW_1, &res), -1);
	assert_non_null(strstr(store_errmsg(s), "disk I/O error"));
	store_test_fail_after(0);
	unsetenv("SEGCONT_TEST_HOOKS");
	unsetenv("SEGCONT_TEST_FAIL_WRITES");
	assert_int_equal(store_upsert_filing(s, &f, "otro", TEST_NOW_1, &res), 0);
	assert_int_equal(store_count_filings(s), 2);
	store_close(s);
	filing_free(&f);
}

/* Files that cannot become segcont's database: no path, a folder, and a database at schema
 * version 1 without its tables, whose next migration fails and is rolled back whole. */
static void test_open_refused(void **state)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN];
	sqlite3 *db = NULL;

	(void)state;
	err[0] = '\0';
	assert_null(store_open("", err, sizeof(err)));
	assert_string_equal(err, "falta la ruta de la base de datos");
	assert_null(store_open(NULL, err, sizeof(err)));
	err[0] = '\0';
	assert_null(store_open(test_dir, err, sizeof(err)));
	assert_non_null(strstr(err, "no se pudo abrir la base de datos"));
	assert_int_equal(strncmp(err, test_dir, strlen(test_dir)), 0);

	assert_int_equal(sqlite3_open_v2(test_path("ajena.db", path), &db,
					 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	err[0] = '\0';
	assert_null(store_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "migración 2 del esquema"));
	assert_non_null(strstr(err, "no such table"));
	assert_int_equal(test_query_long("ajena.db", "PRAGMA user_version"), 1);
	assert_int_equal(test_query_long("ajena.db", "SELECT count(*) FROM sqlite_master"), 0);
}

/* A full disk (SEGCONT_TEST_MAX_PAGES caps the file a few pages past its size): the write
 * that needs a page more fails with SQLITE_FULL, the transaction leaves nothing, the process
 * says its disk is full until a commit goes through; without the cap the same writes pass. */
static void test_full_disk(void **state)
{
	char cap[32];
	char why[128];
	char numero[32];
	struct filing f;
	struct store *s;
	enum store_upsert res;
	long pages;
	int i;

	(void)state;
	store_close(test_open("full.db"));
	pages = test_query_long("full.db", "PRAGMA page_count");
	snprintf(cap, sizeof(cap), "%ld", pages + 2);
	setenv("SEGCONT_TEST_HOOKS", "1", 1);
	setenv("SEGCONT_TEST_MAX_PAGES", cap, 1);
	s = test_open("full.db");
	unsetenv("SEGCONT_TEST_MAX_PAGES");
	unsetenv("SEGCONT_TEST_HOOKS");
	test_filing(&f, TEST_NUMERO);
	filing_set(&f.asunto,
		   "Solicitud de contratación directa para la prestación de servicios "
		   "profesionales de apoyo a la gestión de la Dirección de Contratación");
	assert_int_equal(store_begin(s), 0);
	for (i = 0; i < 5000; i++) {
		snprintf(numero, sizeof(numero), "2024342%07d2", i);
		filing_set(&f.numero, numero);
		if (store_upsert_filing(s, &f, "otro", TEST_NOW_1, &res) < 0)
			break;
	}
	assert_true(i > 0 && i < 5000);
	assert_non_null(strstr(store_errmsg(s), "database or disk is full"));
	assert_int_equal(store_write_failing(why, sizeof(why), NULL), 1);
	assert_string_equal(why, "el disco está lleno");
	assert_int_equal(store_rollback(s), 0);
	store_close(s);
	assert_int_equal(test_query_long("full.db", "SELECT count(*) FROM radicado"), 0);
	assert_int_equal(test_query_long("full.db", "PRAGMA page_count"), pages);

	s = test_open("full.db");
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_write_failing(NULL, 0, NULL), 0);
	store_close(s);
	filing_free(&f);
}

/* Overwrites 200 bytes in the middle of page (1-based) of the database name. */
static void test_damage_page(const char *name, long page)
{
	char path[TEST_PATH_LEN];
	char junk[200];
	FILE *fp = fopen(test_path(name, path), "r+b");

	assert_non_null(fp);
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(fseek(fp, (page - 1) * 4096 + 100, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
	assert_int_equal(fclose(fp), 0);
}

static void test_corruption(void **state)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN];
	char numero[32];
	struct filing f;
	struct store *s;
	long pages;
	FILE *fp;

	(void)state;
	/* No test before this one met a damaged database. */
	assert_int_equal(store_corruption_seen(), 0);
	s = test_open("damaged.db");
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < 500; i++) {
		snprintf(numero, sizeof(numero), "2024342%07d2", i);
		filing_set(&f.numero, numero);
		assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	}
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_check_integrity(s, err, sizeof(err)), 0);
	store_close(s);
	filing_free(&f);

	pages = test_query_long("damaged.db", "PRAGMA page_count");
	assert_true(pages > 10);
	/* The filings' table itself (its root page), whatever the indexes' pages around it. */
	test_damage_page("damaged.db",
			 test_query_long("damaged.db",
					 "SELECT rootpage FROM sqlite_schema WHERE name = 'radicado'"));
	s = test_open("damaged.db");
	err[0] = '\0';
	assert_int_equal(store_check_integrity(s, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_string_equal(store_errmsg(s), err);
	/* Rewriting every filing reaches the damaged page: the write is refused and the
	 * process knows it met a damaged database (for /healthz). */
	test_filing(&f, TEST_NUMERO);
	filing_set(&f.asunto, "otro asunto");
	{
		enum store_upsert res;
		int i;

		for (i = 0; i < 500; i++) {
			snprintf(numero, sizeof(numero), "2024342%07d2", i);
			filing_set(&f.numero, numero);
			if (store_upsert_filing(s, &f, "otro", TEST_NOW_2, &res) < 0)
				break;
		}
		assert_true(i < 500);
		assert_non_null(strstr(store_errmsg(s), "malformed"));
		assert_int_equal(store_corruption_seen(), 1);
	}
	filing_free(&f);
	store_close(s);

	/* A file that is not a database at all. */
	fp = fopen(test_path("notadb.db", path), "wb");
	assert_non_null(fp);
	for (int i = 0; i < 512; i++)
		fputs("esto no es una base de datos\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_null(store_open(path, err, sizeof(err)));
	assert_int_equal(store_corruption_seen(), 1);
}

static int test_count_sla(const struct store_sla_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int test_count_rc(const struct store_rc_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/* The read transactions of store_sla_rows and store_rc_list end with a COMMIT: when it
 * fails, they roll back and say so. */
static void test_read_commit_checked(void **state)
{
	struct store_sla_query q = {0};
	struct filing f;
	struct store *s;
	long long total = -1;
	long long id;
	int n = 0;

	(void)state;
	s = test_open("readcommit.db");
	test_filing(&f, TEST_NUMERO);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(
	    store_rc_insert(s, TEST_NUMERO, "datos_distintos", "{}", "{}", TEST_NOW_1, &id), 0);

	assert_int_equal(store_sla_rows(s, &q, test_count_sla, &n), 0);
	assert_int_equal(n, 1);
	store_test_fail_commits(1);
	assert_int_equal(store_sla_rows(s, &q, test_count_sla, &n), -1);
	store_test_fail_commits(0);
	assert_non_null(strstr(store_errmsg(s), "disk I/O error"));
	assert_int_equal(store_begin(s), 0); /* nothing left open */
	assert_int_equal(store_rollback(s), 0);

	n = 0;
	assert_int_equal(store_rc_list(s, NULL, NULL, 10, 0, &total, test_count_rc, NULL, &n), 0);
	assert_int_equal(total, 1);
	assert_int_equal(n, 1);
	store_test_fail_commits(1);
	assert_int_equal(store_rc_list(s, NULL, NULL, 10, 0, &total, test_count_rc, NULL, &n), -1);
	store_test_fail_commits(0);
	assert_non_null(strstr(store_errmsg(s), "disk I/O error"));
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_rollback(s), 0);
	store_close(s);
	filing_free(&f);
}

static void test_error_cut_on_character(void **state)
{
	char numero[STORE_ERR_LEN + 64];
	struct filing f;
	struct store *s;
	enum store_upsert res;
	size_t n = 1;

	(void)state;
	s = test_open("cut.db");
	/* "radicado 1éé...: ..." is longer than the message buffer and cut inside an é
	 * unless cut on a character boundary. */
	numero[0] = '1';
	while (n + 2 < sizeof(numero)) {
		memcpy(numero + n, "é", 2);
		n += 2;
	}
	numero[n] = '\0';
	test_filing(&f, numero);
	filing_set(&f.estado_ds, "borrado");
	assert_int_equal(store_upsert_filing(s, &f, "otro", TEST_NOW_1, &res), -1);
	assert_true(strlen(store_errmsg(s)) > STORE_ERR_LEN - 8);
	assert_true(util_utf8_valid(store_errmsg(s), strlen(store_errmsg(s))));
	store_close(s);
	filing_free(&f);
}

/* store_open's message names the path: cut on a character boundary too, whichever byte
 * the cut falls on. */
static void test_open_error_cut_on_character(void **state)
{
	char path[3 * STORE_ERR_LEN];
	char err[STORE_ERR_LEN];

	(void)state;
	for (int shift = 0; shift < 2; shift++) {
		size_t n =
		    (size_t)snprintf(path, sizeof(path), "%s/%s", test_dir, shift ? "a" : "");

		while (n + 8 < sizeof(path)) {
			memcpy(path + n, "ñ", 2);
			n += 2;
		}
		strcpy(path + n, "/x.db");
		assert_null(store_open(path, err, sizeof(err)));
		assert_true(strlen(err) > STORE_ERR_LEN - 8);
		assert_true(util_utf8_valid(err, strlen(err)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrations_from_empty),
	    cmocka_unit_test(test_reopen_is_noop),
	    cmocka_unit_test(test_refuses_newer_schema),
	    cmocka_unit_test(test_open_waits_for_migration),
	    cmocka_unit_test(test_upsert_idempotent),
	    cmocka_unit_test(test_change_detection),
	    cmocka_unit_test(test_no_detail_keeps_detail),
	    cmocka_unit_test(test_rollback_leaves_nothing),
	    cmocka_unit_test(test_auditoria_append_only),
	    cmocka_unit_test(test_sync_state_round_trip),
	    cmocka_unit_test(test_numero_leading_zeros),
	    cmocka_unit_test(test_numeros_otros_sistemas),
	    cmocka_unit_test(test_utf8_round_trip),
	    cmocka_unit_test(test_bulk_upserts),
	    cmocka_unit_test(test_list_orders_any_plan),
	    cmocka_unit_test(test_list_inside_transaction),
	    cmocka_unit_test(test_sla_in_answers),
	    cmocka_unit_test(test_fault_window),
	    cmocka_unit_test(test_fault_from_environment),
	    cmocka_unit_test(test_full_disk),
	    cmocka_unit_test(test_open_refused),
	    cmocka_unit_test(test_read_commit_checked),
	    cmocka_unit_test(test_error_cut_on_character),
	    cmocka_unit_test(test_open_error_cut_on_character),
	    cmocka_unit_test(test_corruption),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
