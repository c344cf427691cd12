/* test_store_sgd.c -- unit tests of what issue 12 adds to the store, on real SQLite files in a
 * temporary folder: migration 5 from a real schema-4 database (nothing lost, hashes held), the
 * system's object id (id_sgd) on upserts, deletion in the system and restoration, the change
 * token a backfill switches to, and the filing's JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "filing.h"
#include "store.h"
#include "util.h"
#include "test_tmpdir.h"

#define TEST_PATH_LEN 512
#define TEST_SCHEMA_4 "tests/data/store/schema-4.sql"
#define TEST_NOW_1 "2024-05-02T09:14:07-05:00"
#define TEST_NOW_2 "2024-05-02T09:15:07-05:00"
#define TEST_NOW_3 "2024-05-02T09:16:07-05:00"
#define TEST_NOW_4 "2024-05-02T09:17:07-05:00"
#define TEST_NUMERO "1-2024-17052"
#define TEST_ID "d1f0c9a2-7052"
#define TEST_DELETED                                                                               \
	"Cambio en el sistema de gestión documental: eliminado en el sistema documental"


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

static sqlite3 *test_db(const char *name)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(test_path(name, path), &db,
					 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
			 SQLITE_OK);
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	return db;
}

/* Runs sql (one bound text parameter ?1 when p1 is not NULL) on its own connection; returns
 * the first column of the first row as a new string ("" when no row, "(null)" for NULL), or
 * NULL when the statement failed. */
static char *test_query1(const char *name, const char *sql, const char *p1)
{
	sqlite3 *db = test_db(name);
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto done;
	if (p1 != NULL)
		sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
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

static void test_equal1(const char *name, const char *sql, const char *p1, const char *want)
{
	char *v = test_query1(name, sql, p1);

	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static void test_equal(const char *name, const char *sql, const char *want)
{
	test_equal1(name, sql, NULL, want);
}

static long test_long(const char *name, const char *sql)
{
	char *v = test_query1(name, sql, NULL);
	long n = -1;

	assert_non_null(v);
	assert_int_equal(parse_long(v, -1000000000L, 1000000000L, &n), 0);
	free(v);
	return n;
}

/* Every row of table (ordered by rowid) with the columns it has now, as one text: what must
 * survive a migration unchanged. Returns a new string. */
static char *test_table_text(const char *name, const char *table, char **cols_io)
{
	sqlite3 *db = test_db(name);
	sqlite3_stmt *st = NULL;
	struct buf cols;
	struct buf out;
	char sql[TEST_PATH_LEN * 4];

	buf_init(&cols);
	buf_init(&out);
	if (*cols_io == NULL) {
		snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s') ORDER BY cid",
			 table);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			buf_printf(&cols, "%s\"%s\"", cols.len ? ", " : "",
				   (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		*cols_io = buf_steal(&cols);
	}
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY rowid", *cols_io, table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			buf_printf(&out, "%s\x1f", v != NULL ? (const char *)v : "<NULL>");
		}
		buf_puts(&out, "\n");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	buf_free(&cols);
	buf_puts(&out, "");
	return buf_steal(&out);
}

/* The whole file path (at most max bytes) as a new string, or NULL. */
static char *test_read_file(const char *path, size_t max)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	size_t n;

	if (fp == NULL)
		return NULL;
	data = xmalloc(max + 1);
	n = fread(data, 1, max, fp);
	fclose(fp);
	data[n] = '\0';
	return data;
}

/* Fills f (initialised here; caller frees) as a complete filing from a CMIS repository. */
static void test_filing(struct filing *f, const char *numero, const char *id_sgd)
{
	filing_init(f);
	filing_set(&f->numero, numero);
	filing_set(&f->tipo_radicado, "salida");
	filing_set(&f->fecha_radicacion, "2024-05-02T08:00:00-05:00");
	filing_set(&f->asunto, "Solicitud de contratación directa");
	f->folios = 3;
	filing_set(&f->dependencia_origen, "342");
	filing_set(&f->dependencia_actual, "342");
	filing_set(&f->remitente, "María Pérez; Juan Gómez");
	filing_set(&f->tipo_documental, "1070");
	filing_set(&f->estado_ds, "vigente");
	filing_set(&f->id_sgd, id_sgd);
	f->has_detail = 1;
}

static enum store_upsert test_upsert(struct store *s, const struct filing *f, const char *now)
{
	enum store_upsert res = STORE_UPSERT_UNCHANGED;

	if (store_upsert_filing(s, f, "contratacion_directa", now, &res) < 0)
		fail_msg("store_upsert_filing: %s", store_errmsg(s));
	return res;
}

static enum store_delete test_delete(struct store *s, const char *id_sgd, const char *now,
				     char numero[64])
{
	enum store_delete res = STORE_DELETE_UNKNOWN;

	assert_int_equal(store_begin(s), 0);
	if (store_mark_deleted_sgd(s, id_sgd, now, &res, numero, 64) < 0)
		fail_msg("store_mark_deleted_sgd: %s", store_errmsg(s));
	assert_int_equal(store_commit(s), 0);
	return res;
}

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("store-sgd");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* ---- Migration 5 */

static int test_rehash_one(const char *numero, void *arg)
{
	struct store *s = arg;
	struct filing f;
	enum store_upsert res = STORE_UPSERT_NEW;

	filing_init(&f);
	assert_int_equal(store_get_filing(s, numero, &f), 1);
	assert_string_equal(f.id_sgd, "");
	assert_int_equal(store_upsert_filing(s, &f, "otro", TEST_NOW_1, &res), 0);
	assert_int_equal(res, STORE_UPSERT_UNCHANGED);
	filing_free(&f);
	return 0;
}

static void test_migration_5_keeps_everything(void **state)
{
	static const char *const tables[] = {
	    "radicado", "seguimiento", "gestion",      "auditoria",
	    "usuario",	"sync_estado", "discrepancia", "conciliacion_estado"};
	enum { NT = sizeof(tables) / sizeof(tables[0]) };
	char *before[NT];
	char *cols[NT] = {0};
	char *sql;
	char *err = NULL;
	char *numeros;
	sqlite3 *db;
	struct store *s;
	struct sync_state st;
	long n;

	(void)state;
	sql = test_read_file(TEST_SCHEMA_4, 1 << 20);
	assert_non_null(sql);
	db = test_db("old.db");
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", TEST_SCHEMA_4, err);
	sqlite3_close(db);
	free(sql);
	assert_int_equal(test_long("old.db", "PRAGMA user_version"), 4);
	n = test_long("old.db", "SELECT count(*) FROM radicado");
	assert_true(n > 5);
	assert_true(test_long("old.db", "SELECT count(*) FROM gestion") > 0);
	assert_true(test_long("old.db", "SELECT count(*) FROM auditoria") > 0);
	for (int i = 0; i < NT; i++)
		before[i] = test_table_text("old.db", tables[i], &cols[i]);

	s = test_open("old.db");
	assert_int_equal(store_schema_version(), 10);
	assert_int_equal(test_long("old.db", "PRAGMA user_version"), 10);
	/* Every row and column that was there is there, unchanged. */
	for (int i = 0; i < NT; i++) {
		char *after = test_table_text("old.db", tables[i], &cols[i]);

		assert_string_equal(after, before[i]);
		free(after);
		free(before[i]);
		free(cols[i]);
	}
	/* The new columns with their defaults, and both indexes. */
	assert_int_equal(test_long("old.db", "SELECT count(*) FROM radicado WHERE id_sgd = ''"), n);
	assert_int_equal(
	    test_long("old.db", "SELECT count(*) FROM radicado WHERE eliminado_sgd IS NULL"), n);
	test_equal("old.db", "SELECT token_pendiente || '|' || token_desde FROM sync_estado", "|");
	test_equal("old.db",
		   "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE "
		   "type = 'index' AND name IN ('radicado_id_sgd', 'radicado_eliminado_sgd') "
		   "ORDER BY name)",
		   "radicado_eliminado_sgd,radicado_id_sgd");
	/* Step 8's saved views: the table, empty. */
	assert_int_equal(test_long("old.db", "SELECT count(*) FROM vista"), 0);
	/* Step 7 indexed the texts already there: filing 2's observacion «Falta el CDP». */
	test_equal("old.db",
		   "SELECT group_concat(rowid) FROM seguimiento_texto WHERE seguimiento_texto"
		   " MATCH 'cdp'",
		   "2");
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor_kind, "fecha");
	assert_true(st.cursor[0] != '\0');
	assert_string_equal(st.token_pending, "");
	assert_string_equal(st.token_since, "");
	assert_int_equal(store_count_deleted_sgd(s), 0);

	/* The hashes stored by step 4 still describe the filings: each stored filing upserted
	 * again is unchanged and writes no gestion. */
	n = test_long("old.db", "SELECT count(*) FROM gestion");
	numeros = test_query1("old.db", "SELECT group_concat(numero, ' ') FROM radicado", NULL);
	assert_non_null(numeros);
	assert_int_equal(store_begin(s), 0);
	for (char *save = NULL, *w = strtok_r(numeros, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save))
		test_rehash_one(w, s);
	assert_int_equal(store_commit(s), 0);
	free(numeros);
	assert_int_equal(test_long("old.db", "SELECT count(*) FROM gestion"), n);
	store_close(s);

	/* Opening again applies nothing. */
	s = test_open("old.db");
	assert_int_equal(test_long("old.db", "PRAGMA user_version"), 10);
	store_close(s);
}

/* ---- id_sgd */

static void test_id_sgd_written_and_kept(void **state)
{
	struct filing f;
	struct filing orfeo;
	struct filing got;
	char deleted[UTIL_ISO_LEN] = "x";
	struct store *s;

	(void)state;
	s = test_open("id.db");
	test_filing(&f, TEST_NUMERO, TEST_ID);
	test_filing(&orfeo, "20243420001232", "");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(test_upsert(s, &orfeo, TEST_NOW_1), STORE_UPSERT_NEW);
	test_equal1("id.db", "SELECT id_sgd FROM radicado WHERE numero = ?1", TEST_NUMERO, TEST_ID);
	test_equal1("id.db", "SELECT id_sgd FROM radicado WHERE numero = ?1", "20243420001232", "");

	/* A filing without an id (a profile that has none) keeps the stored one. */
	filing_set(&f.id_sgd, "");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_UNCHANGED);
	test_equal1("id.db", "SELECT id_sgd FROM radicado WHERE numero = ?1", TEST_NUMERO, TEST_ID);
	/* Another id (the object was replaced) is written, and is not a change to report. */
	filing_set(&f.id_sgd, "0badcafe-7052");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_3), STORE_UPSERT_UNCHANGED);
	test_equal1("id.db", "SELECT id_sgd FROM radicado WHERE numero = ?1", TEST_NUMERO,
		    "0badcafe-7052");
	assert_int_equal(test_long("id.db", "SELECT count(*) FROM gestion"), 0);

	filing_init(&got);
	assert_int_equal(store_find_by_id_sgd(s, "0badcafe-7052", &got, deleted, sizeof(deleted)),
			 1);
	assert_string_equal(got.numero, TEST_NUMERO);
	assert_string_equal(got.id_sgd, "0badcafe-7052");
	assert_string_equal(got.remitente, "María Pérez; Juan Gómez");
	assert_string_equal(deleted, "");
	assert_int_equal(store_find_by_id_sgd(s, TEST_ID, &got, NULL, 0), 0);
	/* The Orfeo filing's '' is no id. */
	assert_int_equal(store_find_by_id_sgd(s, "", &got, NULL, 0), 0);
	assert_int_equal(store_get_filing(s, "20243420001232", &got), 1);
	assert_string_equal(got.id_sgd, "");
	filing_free(&got);

	/* The lookup's condition can use the partial index (INDEXED BY fails otherwise). */
	test_equal1("id.db",
		    "SELECT count(*) FROM radicado INDEXED BY radicado_id_sgd WHERE id_sgd = ?1 "
		    "AND id_sgd <> ''",
		    "0badcafe-7052", "1");
	store_close(s);
	filing_free(&f);
	filing_free(&orfeo);
}

static void test_id_sgd_hash(void **state)
{
	struct filing f;
	char a[65];
	char b[65];
	char la[65];
	char lb[65];

	(void)state;
	test_filing(&f, TEST_NUMERO, "");
	filing_hash(&f, 0, a);
	filing_hash(&f, 1, la);
	filing_set(&f.id_sgd, TEST_ID);
	filing_hash(&f, 0, b);
	filing_hash(&f, 1, lb);
	assert_string_not_equal(a, b); /* in the full hash when given */
	assert_string_equal(la, lb);   /* never in the listed one */
	/* An id is not confused with a document type name of the same text. */
	filing_set(&f.id_sgd, "");
	filing_set(&f.tipo_documental_nombre, TEST_ID);
	filing_hash(&f, 0, a);
	assert_string_not_equal(a, b);
	filing_free(&f);
}

/* ---- Deleted in the document system */

static void test_delete_and_restore(void **state)
{
	struct filing f;
	struct filing got;
	char numero[64];
	char listed[65];
	char full[65];
	char when[UTIL_ISO_LEN];
	struct store *s;

	(void)state;
	s = test_open("del.db");
	test_filing(&f, TEST_NUMERO, TEST_ID);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);

	assert_int_equal(test_delete(s, TEST_ID, TEST_NOW_2, numero), STORE_DELETE_MARKED);
	assert_string_equal(numero, TEST_NUMERO);
	test_equal("del.db", "SELECT eliminado_sgd FROM radicado", TEST_NOW_2);
	test_equal("del.db", "SELECT tipo || '|' || texto || '|' || fecha FROM gestion",
		   "cambio_sgd|" TEST_DELETED "|" TEST_NOW_2);
	test_equal("del.db", "SELECT datos FROM gestion",
		   "{\"eliminado_sgd\":[null,\"" TEST_NOW_2 "\"]}");
	test_equal("del.db", "SELECT usuario_id IS NULL FROM gestion", "1");
	assert_int_equal(store_count_deleted_sgd(s), 1);
	filing_init(&got);
	assert_int_equal(store_find_by_id_sgd(s, TEST_ID, &got, when, sizeof(when)), 1);
	assert_string_equal(when, TEST_NOW_2);
	assert_string_equal(got.numero, TEST_NUMERO);
	filing_free(&got);
	/* The follow-up stays as it was. */
	test_equal("del.db", "SELECT estado || '|' || version FROM seguimiento", "recibido|1");
	/* The next pass must write it when it sees it again: its hashes read as unknown. */
	assert_int_equal(store_filing_hashes(s, TEST_NUMERO, listed, full), 1);
	assert_string_equal(listed, "");
	assert_string_equal(full, "");

	/* A second delete of the same object changes nothing; an unknown id neither. */
	assert_int_equal(test_delete(s, TEST_ID, TEST_NOW_3, numero), STORE_DELETE_ALREADY);
	assert_string_equal(numero, TEST_NUMERO);
	assert_int_equal(test_delete(s, "ffffffff-0000", TEST_NOW_3, numero), STORE_DELETE_UNKNOWN);
	assert_string_equal(numero, "");
	assert_int_equal(test_delete(s, "", TEST_NOW_3, numero), STORE_DELETE_UNKNOWN);
	test_equal("del.db", "SELECT eliminado_sgd FROM radicado", TEST_NOW_2);
	assert_int_equal(test_long("del.db", "SELECT count(*) FROM gestion"), 1);

	/* The same object upserted again: the mark is cleared, with its own entry. */
	assert_int_equal(test_upsert(s, &f, TEST_NOW_4), STORE_UPSERT_CHANGED);
	test_equal("del.db", "SELECT eliminado_sgd IS NULL FROM radicado", "1");
	assert_int_equal(store_count_deleted_sgd(s), 0);
	test_equal("del.db", "SELECT texto FROM gestion WHERE id = 2",
		   "Cambio en el sistema de gestión documental: vuelve a existir en el sistema "
		   "documental (eliminado el " TEST_NOW_2 ")");
	test_equal("del.db", "SELECT datos FROM gestion WHERE id = 2",
		   "{\"eliminado_sgd\":[\"" TEST_NOW_2 "\",null]}");
	assert_int_equal(store_filing_hashes(s, TEST_NUMERO, listed, full), 1);
	assert_string_not_equal(full, "");
	/* And seen once more it is unchanged. */
	assert_int_equal(test_upsert(s, &f, TEST_NOW_4), STORE_UPSERT_UNCHANGED);
	assert_int_equal(test_long("del.db", "SELECT count(*) FROM gestion"), 2);

	/* Restored with a change: one entry says both. */
	assert_int_equal(test_delete(s, TEST_ID, TEST_NOW_1, numero), STORE_DELETE_MARKED);
	filing_set(&f.dependencia_actual, "110");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_2), STORE_UPSERT_CHANGED);
	test_equal("del.db", "SELECT texto FROM gestion ORDER BY id DESC LIMIT 1",
		   "Cambio en el sistema de gestión documental: vuelve a existir en el sistema "
		   "documental (eliminado el " TEST_NOW_1 "); dependencia actual 342 → 110");
	store_close(s);
	filing_free(&f);
}

static void test_delete_rolls_back_whole(void **state)
{
	struct filing f;
	enum store_delete res;
	struct store *s;

	(void)state;
	s = test_open("delfail.db");
	test_filing(&f, TEST_NUMERO, TEST_ID);
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	/* The mark goes through, its gestion fails: the transaction leaves nothing. */
	assert_int_equal(store_begin(s), 0);
	store_test_fail_after(2);
	assert_int_equal(store_mark_deleted_sgd(s, TEST_ID, TEST_NOW_2, &res, NULL, 0), -1);
	store_test_fail_after(0);
	assert_int_equal(store_rollback(s), 0);
	test_equal("delfail.db", "SELECT eliminado_sgd IS NULL FROM radicado", "1");
	assert_int_equal(test_long("delfail.db", "SELECT count(*) FROM gestion"), 0);
	store_close(s);
	filing_free(&f);
}

/* ---- The change token of a backfill */

static void test_sync_token_state(void **state)
{
	char big[STORE_CURSOR_LEN + 1];
	struct sync_state st;
	struct store *s;

	(void)state;
	s = test_open("token.db");
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.token_pending, "");
	assert_string_equal(st.token_since, "");

	/* Inside a transaction that rolls back: nothing. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_sync_set_pending(s, "3725", TEST_NOW_1), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.token_pending, "");

	/* In its own transaction. */
	assert_int_equal(store_sync_set_pending(s, "3725", TEST_NOW_1), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.token_pending, "3725");
	assert_string_equal(st.token_since, TEST_NOW_1);

	/* The backfill's last window: cursor becomes the token, the pending one is cleared and
	 * token_desde stays, in one transaction. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_sync_set_cursor(s, "3725", "token"), 0);
	assert_int_equal(store_sync_set_pending(s, "", NULL), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "3725");
	assert_string_equal(st.cursor_kind, "token");
	assert_string_equal(st.token_pending, "");
	assert_string_equal(st.token_since, TEST_NOW_1);

	assert_int_equal(store_sync_set_token_since(s, TEST_NOW_2), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.token_since, TEST_NOW_2);

	/* What does not fit is refused, and changes nothing. */
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_sync_set_pending(s, big, NULL), -1);
	assert_non_null(strstr(store_errmsg(s), "token"));
	assert_int_equal(store_sync_set_token_since(s, big), -1);
	assert_int_equal(store_sync_set_pending(s, NULL, NULL), -1);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.token_since, TEST_NOW_2);
	assert_string_equal(st.token_pending, "");
	/* The pass record keeps them. */
	assert_int_equal(store_sync_note_pass(s, 1, NULL, TEST_NOW_3, 1, 0), 0);
	assert_int_equal(store_sync_get(s, &st), 0);
	assert_string_equal(st.cursor, "3725");
	assert_string_equal(st.token_since, TEST_NOW_2);
	store_close(s);
}

/* ---- The filing's JSON */

static void test_filing_json_fields(void **state)
{
	struct store_list_query q;
	struct filing f;
	struct filing orfeo;
	struct buf out;
	long long total;
	char numero[64];
	json_t *j;
	json_t *r;
	struct store *s;

	(void)state;
	s = test_open("json.db");
	test_filing(&f, TEST_NUMERO, TEST_ID);
	test_filing(&orfeo, "20243420001232", "");
	assert_int_equal(test_upsert(s, &f, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(test_upsert(s, &orfeo, TEST_NOW_1), STORE_UPSERT_NEW);
	assert_int_equal(test_delete(s, TEST_ID, TEST_NOW_2, numero), STORE_DELETE_MARKED);

	buf_init(&out);
	assert_int_equal(store_filing_json(s, TEST_NUMERO, &out), 1);
	j = json_loads(out.data, 0, NULL);
	assert_non_null(j);
	r = json_object_get(j, "radicado");
	assert_string_equal(json_string_value(json_object_get(r, "numero")), TEST_NUMERO);
	assert_string_equal(json_string_value(json_object_get(r, "id_sgd")), TEST_ID);
	assert_string_equal(json_string_value(json_object_get(r, "eliminado_sgd")), TEST_NOW_2);
	assert_int_equal(json_array_size(json_object_get(j, "gestiones")), 1);
	json_decref(j);

	buf_reset(&out);
	assert_int_equal(store_filing_json(s, "20243420001232", &out), 1);
	j = json_loads(out.data, 0, NULL);
	assert_non_null(j);
	r = json_object_get(j, "radicado");
	assert_true(json_is_null(json_object_get(r, "id_sgd")));
	assert_true(json_is_null(json_object_get(r, "eliminado_sgd")));
	json_decref(j);

	memset(&q, 0, sizeof(q));
	q.orden = STORE_ORDER_NUMERO;
	q.limit = 10;
	q.total_known = -1;
	q.now = TEST_NOW_3;
	buf_reset(&out);
	assert_int_equal(store_list_json(s, &q, &total, &out), 0);
	assert_int_equal(total, 2);
	j = json_loads(out.data, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 2);
	/* Numbers sort as text: "1-2024-17052" before "2024...". */
	r = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(r, "numero")), TEST_NUMERO);
	assert_string_equal(json_string_value(json_object_get(r, "eliminado_sgd")), TEST_NOW_2);
	assert_true(json_is_null(json_object_get(json_array_get(j, 1), "eliminado_sgd")));
	json_decref(j);
	buf_free(&out);
	store_close(s);
	filing_free(&f);
	filing_free(&orfeo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migration_5_keeps_everything),
	    cmocka_unit_test(test_id_sgd_written_and_kept),
	    cmocka_unit_test(test_id_sgd_hash),
	    cmocka_unit_test(test_delete_and_restore),
	    cmocka_unit_test(test_delete_rolls_back_whole),
	    cmocka_unit_test(test_sync_token_state),
	    cmocka_unit_test(test_filing_json_fields),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
