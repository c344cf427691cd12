/* test_store_ficha.c -- unit tests of one filing's JSON (GET /api/radicados/{numero}) on real
 * SQLite files: store_filing_json joins it from three statements' json_object texts (issue 14),
 * and its text must be the one SQLite's single json_object wrote before, byte for byte
 * (tests/data/ficha-json-object.sql): escapes, empty and NULL values, booleans, a real number,
 * gestiones and their datos, the audit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"
#include "test_store_util.h"
#include "util.h"

#define TEST_ORACLE_PATH "tests/data/ficha-json-object.sql"
#define TEST_NOW_1 "2026-11-20T09:14:07-05:00"
#define TEST_NOW_2 "2026-11-21T10:00:00-05:00"
#define TEST_SQL_MAX 16384

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("ficha");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* The oracle's segcont_sla: none (store_filing_json's connection has no SLA function either,
 * so both write "sla":null for a block never stored). */
static void test_no_sla(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
}

/* Opens the file name through a connection of its own. */
static sqlite3 *test_db(const char *name)
{
	char path[TEST_STORE_PATH_LEN];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_create_function(db, "segcont_sla", 2, SQLITE_UTF8, NULL,
						 test_no_sla, NULL, NULL),
			 SQLITE_OK);
	return db;
}

static void test_exec(const char *name, const char *sql)
{
	sqlite3 *db = test_db(name);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* The filing's JSON as the former query wrote it; a new string. */
static char *test_oracle(const char *name, const char *numero)
{
	FILE *f = fopen(TEST_ORACLE_PATH, "r");
	static char sql[TEST_SQL_MAX];
	char day[16];
	sqlite3 *db = test_db(name);
	sqlite3_stmt *st;
	char *text;
	size_t n;

	assert_non_null(f);
	n = fread(sql, 1, sizeof(sql) - 1, f);
	fclose(f);
	sql[n] = '\0';
	util_today(day);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", TEST_ORACLE_PATH, sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, numero, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	text = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return text;
}

/* store_filing_json of numero is the oracle's text. */
static void test_same(struct store *s, const char *name, const char *numero)
{
	char *want = test_oracle(name, numero);
	struct buf got;

	buf_init(&got);
	assert_int_equal(store_filing_json(s, numero, &got), 1);
	assert_string_equal(got.data, want);
	buf_free(&got);
	free(want);
}

/* ---- Tests */

/* Every kind of value a member can hold, against the former query. */
static void test_same_as_json_object(void **state)
{
	struct store *s;
	long long id;
	long long lawyer;

	(void)state;
	s = test_store_open("ficha.db");
	/* A plain filing first: empty strings, NULLs, no gestiones nor audit. */
	id = test_store_add(s, "20263420000011", "Solicitud de contrato", TEST_NOW_1);
	test_same(s, "ficha.db", "20263420000011");
	/* Text that needs escapes, controls, non-ASCII and DEL; escapes at each place of an
	 * 8-byte word (an earlier writer skipped 8 bytes at a time). */
	test_exec(
	    "ficha.db",
	    "UPDATE radicado SET asunto = 'Dijo \"sí\" \\ a/b' || char(10, 13, 9, 8, 12)"
	    " || char(1) || char(31) || char(127) || ' ñandú ☃ 😀', ruta = '',"
	    " remitente = 'abcdefg\"hijklmnopqrstuvw' || char(31) || 'xyzABCDEFGHIJKLMNOPQRSTU\\',"
	    " tipo_documental = '', folios = 12 WHERE numero = '20263420000011';");
	test_same(s, "ficha.db", "20263420000011");
	/* Gestiones (texto with escapes, satisfactorio true / false / NULL, datos with spaces
	 * that json() takes out) by a named user, and the audit of a change. */
	assert_int_equal(
	    store_user_add(s, "Ana \"la\" Pérez", "abogado", NULL, TEST_NOW_1, &lawyer), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_gestion_add(s, id, "observacion", lawyer, TEST_NOW_1,
					   "uno\t\"dos\"\n", 1,
					   "{ \"a\" : [1, 2.50, \"x\\u00e9\"] }"),
			 0);
	assert_int_equal(store_gestion_add(s, id, "observacion", 0, TEST_NOW_2, "", 0, NULL), 0);
	assert_int_equal(store_gestion_add(s, id, "reparto", lawyer, TEST_NOW_1, "mismo día", -1,
					   "{\"abogado_id\":3}"),
			 0);
	assert_int_equal(store_commit(s), 0);
	test_store_set(s, "20263420000011", STORE_FU_LINEA_PAA, "PAA \\ 7", TEST_NOW_2);
	test_store_set(s, "20263420000011", STORE_FU_NUMERO_CONTRATO, "CD-1", TEST_NOW_2);
	test_same(s, "ficha.db", "20263420000011");
	/* A real number (no PATCH writes one, SQLite keeps it), booleans, a line break. */
	test_exec(
	    "ficha.db",
	    "UPDATE seguimiento SET valor = 1.5, publicado_secop = 1,"
	    " concluido_satisfactorio = 0, observaciones = 'línea 1' || char(10) || 'línea 2'"
	    " WHERE radicado_id = (SELECT id FROM radicado WHERE numero = '20263420000011');");
	test_same(s, "ficha.db", "20263420000011");
	store_close(s);
}

/* Not found, and found again after another filing's read (statements reused). */
static void test_missing_and_reuse(void **state)
{
	struct store *s;
	struct buf out;

	(void)state;
	s = test_store_open("reuso.db");
	test_store_add(s, "20263420000021", "Primero", TEST_NOW_1);
	test_store_add(s, "20263420000022", "Segundo", TEST_NOW_1);
	buf_init(&out);
	assert_int_equal(store_filing_json(s, "20263420009999", &out), 0);
	assert_int_equal(out.len, 0);
	for (int i = 0; i < 3; i++) {
		test_same(s, "reuso.db", "20263420000021");
		test_same(s, "reuso.db", "20263420000022");
	}
	/* Appended after what out already holds. */
	buf_puts(&out, "x");
	assert_int_equal(store_filing_json(s, "20263420000022", &out), 1);
	assert_memory_equal(out.data, "x{\"radicado\":", 13);
	buf_free(&out);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_json_object),
	    cmocka_unit_test(test_missing_and_reuse),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
