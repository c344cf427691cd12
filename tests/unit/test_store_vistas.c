/* test_store_vistas.c -- unit tests of the saved views (issue 13) on real SQLite files:
 * migration 8 on a database of schema 7, a name saved again replaces its query, the limit
 * of views per user, the list sorted by name, and no user reaching another's views. */
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

#define TEST_PATH_LEN 512
#define TEST_NOW_1 "2026-11-20T09:14:07-05:00"
#define TEST_NOW_2 "2026-11-21T10:00:00-05:00"

/* Runs sql on the file name through a connection of its own; the first column of the last
 * row as an integer (0 without rows). */
static long long test_sql(const char *name, const char *sql)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = 0;
	const char *tail = sql;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	while (tail != NULL && *tail != '\0') {
		assert_int_equal(sqlite3_prepare_v2(db, tail, -1, &st, &tail), SQLITE_OK);
		if (st == NULL)
			break;
		while (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static long long test_user(struct store *s, const char *nombre)
{
	long long id;

	assert_int_equal(store_user_add(s, nombre, "abogado", NULL, TEST_NOW_1, &id), 0);
	return id;
}

/* The names of a user's views, in the list's order, joined by '|'. */
struct test_names {
	char text[1024];
	int n;
};

static int test_collect(const struct store_vista *v, void *arg)
{
	struct test_names *t = arg;

	if (t->n++ > 0)
		strcat(t->text, "|");
	strcat(t->text, v->nombre);
	return 0;
}

static const char *test_names(struct store *s, long long user, struct test_names *t)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(store_vista_list(s, user, test_collect, t), 0);
	return t->text;
}

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("vistas");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* ---- Tests */

static void test_migration_from_7(void **state)
{
	struct store_vista v;
	struct store *s;
	long long user;

	(void)state;
	assert_true(store_schema_version() >= 8);
	/* a database of schema 7 (the store's test hook stops its migrations there) */
	setenv("SEGCONT_TEST_HOOKS", "1", 1);
	setenv("SEGCONT_TEST_SCHEMA", "7", 1);
	s = test_store_open("m7.db");
	user = test_user(s, "Abogada Peña");
	store_close(s);
	unsetenv("SEGCONT_TEST_SCHEMA");
	unsetenv("SEGCONT_TEST_HOOKS");
	assert_int_equal(test_sql("m7.db", "PRAGMA user_version"), 7);
	assert_int_equal(
	    test_sql("m7.db", "SELECT count(*) FROM sqlite_schema WHERE name = 'vista'"), 0);
	s = test_store_open("m7.db");
	assert_int_equal(test_sql("m7.db", "PRAGMA user_version"), store_schema_version());
	assert_int_equal(
	    test_sql("m7.db", "SELECT count(*) FROM sqlite_schema WHERE name = 'vista'"), 1);
	assert_int_equal(store_vista_save(s, user, "Mías", "abiertos=1", TEST_NOW_1, &v),
			 STORE_VISTA_CREATED);
	store_close(s);
	/* the row refers to its user and a name is once per user */
	assert_int_equal(test_sql("m7.db",
				  "PRAGMA foreign_keys = ON;"
				  " INSERT OR IGNORE INTO vista (usuario_id, nombre, creada,"
				  " actualizada) VALUES (999, 'x', 'a', 'a');"
				  " SELECT count(*) FROM vista"),
			 1);
	assert_int_equal(test_sql("m7.db",
				  "INSERT OR IGNORE INTO vista (usuario_id, nombre, creada,"
				  " actualizada) SELECT usuario_id, nombre, 'a', 'a' FROM vista;"
				  " SELECT count(*) FROM vista"),
			 1);
}

static void test_save_replace_delete(void **state)
{
	struct test_names t;
	struct store_vista v;
	struct store_vista w;
	struct store *s;
	long long a;
	long long b;

	(void)state;
	s = test_store_open("crud.db");
	a = test_user(s, "Ana");
	b = test_user(s, "Beto");
	assert_int_equal(store_vista_save(s, a, "zeta", "orden=fecha", TEST_NOW_1, &v),
			 STORE_VISTA_CREATED);
	assert_true(v.id > 0);
	assert_string_equal(v.creada, TEST_NOW_1);
	assert_int_equal(store_vista_save(s, a, "Árbol", "estado=recibido", TEST_NOW_1, &w),
			 STORE_VISTA_CREATED);
	assert_int_equal(store_vista_save(s, a, "beta", "", TEST_NOW_1, &w), STORE_VISTA_CREATED);
	/* accents and case folded in the order */
	assert_string_equal(test_names(s, a, &t), "Árbol|beta|zeta");
	/* the same name again: its query and time replaced, the same row */
	assert_int_equal(store_vista_save(s, a, "zeta", "orden=-fecha", TEST_NOW_2, &w),
			 STORE_VISTA_REPLACED);
	assert_int_equal(w.id, v.id);
	assert_string_equal(w.consulta, "orden=-fecha");
	assert_string_equal(w.creada, TEST_NOW_1);
	assert_string_equal(w.actualizada, TEST_NOW_2);
	assert_int_equal(t.n, 3);
	/* another user's name space and rows are their own */
	assert_string_equal(test_names(s, b, &t), "");
	assert_int_equal(store_vista_save(s, b, "zeta", "q=x", TEST_NOW_1, &w),
			 STORE_VISTA_CREATED);
	assert_true(w.id != v.id);
	assert_int_equal(store_vista_delete(s, b, v.id), 0);
	assert_string_equal(test_names(s, a, &t), "Árbol|beta|zeta");
	assert_int_equal(store_vista_delete(s, a, v.id), 1);
	assert_int_equal(store_vista_delete(s, a, v.id), 0);
	assert_string_equal(test_names(s, a, &t), "Árbol|beta");
	assert_string_equal(test_names(s, b, &t), "zeta");
	store_close(s);
}

static void test_limit_per_user(void **state)
{
	char nombre[32];
	char largo[STORE_VISTA_QUERY_BYTES + 2];
	struct test_names t;
	struct store_vista v;
	struct store *s;
	long long a;
	long long b;

	(void)state;
	s = test_store_open("limit.db");
	a = test_user(s, "Ana");
	b = test_user(s, "Beto");
	for (int i = 0; i < STORE_VISTA_MAX; i++) {
		snprintf(nombre, sizeof(nombre), "vista %02d", i);
		assert_int_equal(store_vista_save(s, a, nombre, "", TEST_NOW_1, &v),
				 STORE_VISTA_CREATED);
	}
	assert_int_equal(store_vista_save(s, a, "una más", "", TEST_NOW_1, &v), STORE_VISTA_FULL);
	/* replacing one is still possible, and the other user is not affected */
	assert_int_equal(store_vista_save(s, a, "vista 07", "q=x", TEST_NOW_2, &v),
			 STORE_VISTA_REPLACED);
	assert_int_equal(store_vista_save(s, b, "una más", "", TEST_NOW_1, &v),
			 STORE_VISTA_CREATED);
	test_names(s, a, &t);
	assert_int_equal(t.n, STORE_VISTA_MAX);
	/* too long is refused before SQL, with a message */
	memset(largo, 'a', sizeof(largo) - 1);
	largo[sizeof(largo) - 1] = '\0';
	assert_int_equal(store_vista_save(s, b, "larga", largo, TEST_NOW_1, &v), STORE_VISTA_ERROR);
	assert_non_null(strstr(store_errmsg(s), "demasiado largos"));
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migration_from_7),
	    cmocka_unit_test(test_save_replace_delete),
	    cmocka_unit_test(test_limit_per_user),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
