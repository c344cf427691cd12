/* test_reconcile.c -- unit tests of reconcile.c, reconcile_apply.c and the daily schedule
 * (worker.c) on real SQLite files, without the network: each kind found once with its
 * evidence by reconcile_apply_window, refreshed not repeated, closed when the sides agree,
 * resolved ones kept resolved; resolution (audited) and its errors; the list for the HTTP
 * API; the daily schedule. */
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

#include "config.h"
#include "filing.h"
#include "reconcile.h"
#include "store.h"
#include "util.h"
#include "test_tmpdir.h"

#define TEST_PATH_LEN 512
#define TEST_ERR 1024
#define TEST_OFFICE "342"
#define TEST_NOW "2024-05-02T09:14:07-05:00"
#define TEST_CURSOR "2024-06-30"
#define TEST_OLD_DATE "2024-05-02T08:00:00-05:00"
#define TEST_A "20242110000013" /* open, retitled in the system: datos_distintos */
#define TEST_B "20242110000023" /* open, annulled there: anulado_en_sgd */
#define TEST_C "20242110000033" /* open, moved to 211: ya_no_en_dependencia */
#define TEST_D "20242110000043" /* concluded here, unknown there: concluido_sin_radicado */
#define TEST_E "20242110000053" /* open, unknown there: no_encontrado */
#define TEST_F "20242110000063" /* listed, absent here: falta_en_seguimiento */
#define TEST_G "20242110000073" /* agrees everywhere */


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

/* Runs sql on its own connection; returns the first column of the first row as a new
 * string ("" when no row). Fails the test on an SQL error. */
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
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		out = xstrdup(v != NULL ? (const char *)v : "(null)");
	} else if (rc == SQLITE_DONE) {
		out = xstrdup("");
	} else {
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void test_query_equal(const char *name, const char *sql, const char *want)
{
	char *v = test_query(name, sql);

	if (strcmp(v, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", sql, v, want);
	free(v);
}

static void test_exec(const char *name, const char *sql)
{
	free(test_query(name, sql));
}

/* Fills f (initialised here; the caller frees) as the system's filing numero. */
static void test_filing(struct filing *f, const char *numero, int detail)
{
	filing_init(f);
	filing_set(&f->numero, numero);
	filing_set(&f->tipo_radicado, "interna");
	filing_set(&f->fecha_radicacion, TEST_OLD_DATE);
	filing_set(&f->asunto, "Solicitud de contratación directa");
	f->folios = 3;
	if (!detail)
		return;
	filing_set(&f->dependencia_origen, "211");
	filing_set(&f->dependencia_origen_nombre, "Subdirección Financiera");
	filing_set(&f->dependencia_actual, TEST_OFFICE);
	filing_set(&f->remitente, "Ana Gómez");
	filing_set(&f->tipo_documental, "1070");
	filing_set(&f->estado_ds, "vigente");
	f->has_detail = 1;
}

/* Stores filing numero as the sync would have. */
static void test_seed(struct store *s, const char *numero)
{
	struct filing f;
	enum store_upsert res;

	test_filing(&f, numero, 1);
	assert_int_equal(store_begin(s), 0);
	if (store_upsert_filing(s, &f, "contratacion_directa", TEST_NOW, &res) < 0)
		fail_msg("store_upsert_filing: %s", store_errmsg(s));
	assert_int_equal(store_commit(s), 0);
	filing_free(&f);
}

static void test_config(struct config *cfg)
{
	config_defaults(cfg);
	cfg->ds_dependencia = xstrdup(TEST_OFFICE);
}

/* The system's side of the scenario: listed and absent filings. */
struct test_side {
	struct filing_list listed;
	struct filing_list absent;
	unsigned char asked[16];
};

static struct filing *test_listed(struct test_side *w, const char *numero, int detail)
{
	struct filing *f = filing_list_push(&w->listed);
	struct filing tmp;

	test_filing(&tmp, numero, detail);
	filing_free(f);
	*f = tmp;
	w->asked[w->listed.count - 1] = (unsigned char)detail;
	return f;
}

/* An absent filing: known (with detail) or unknown (numero only). */
static struct filing *test_absent(struct test_side *w, const char *numero, int known)
{
	struct filing *f = filing_list_push(&w->absent);

	if (known) {
		struct filing tmp;

		test_filing(&tmp, numero, 1);
		tmp.folios = 0; /* the detail does not carry the sheets */
		filing_free(f);
		*f = tmp;
	} else {
		filing_set(&f->numero, numero);
	}
	return f;
}

static void test_side_init(struct test_side *w)
{
	memset(w, 0, sizeof(*w));
	filing_list_init(&w->listed);
	filing_list_init(&w->absent);
}

static void test_side_free(struct test_side *w)
{
	filing_list_free(&w->listed);
	filing_list_free(&w->absent);
}

/* The disagreeing side: every kind once. */
static void test_side_disagree(struct test_side *w)
{
	struct filing *f;

	test_side_init(w);
	f = test_listed(w, TEST_A, 1);
	filing_set(&f->asunto, "Solicitud corregida");
	f = test_listed(w, TEST_B, 1);
	filing_set(&f->estado_ds, "anulado");
	test_listed(w, TEST_F, 1);
	test_listed(w, TEST_G, 1);
	f = test_absent(w, TEST_C, 1);
	filing_set(&f->dependencia_actual, "211");
	test_absent(w, TEST_D, 0);
	test_absent(w, TEST_E, 0);
}

/* Everything back as the office has it (F listed, D and E known again). */
static void test_side_agree(struct test_side *w)
{
	test_side_init(w);
	test_listed(w, TEST_A, 1);
	test_listed(w, TEST_B, 1);
	test_listed(w, TEST_C, 1);
	test_listed(w, TEST_D, 1);
	test_listed(w, TEST_E, 1);
	test_listed(w, TEST_F, 1);
	test_listed(w, TEST_G, 1);
}

static void test_apply(struct store *s, const struct config *cfg, struct test_side *w,
		       struct reconcile_totals *t)
{
	char err[TEST_ERR] = "";

	memset(t, 0, sizeof(*t));
	if (reconcile_apply_window(cfg, NULL, s, &w->listed, w->asked, &w->absent, TEST_CURSOR, t,
				   NULL, err, sizeof(err)) < 0)
		fail_msg("reconcile_apply_window: %s", err);
}

static long test_sum(const long v[RECONCILE_KIND_COUNT])
{
	long n = 0;

	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		n += v[k];
	return n;
}

/* Seeds A..E and G as the sync left them (D concluded) and a user. */
static struct store *test_scenario(const char *name, long long *user)
{
	struct store *s = test_open(name);
	const char *seeds[] = {TEST_A, TEST_B, TEST_C, TEST_D, TEST_E, TEST_G};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		test_seed(s, seeds[i]);
	test_exec(name, "UPDATE seguimiento SET estado = 'concluido', fecha_conclusion ="
			" '2024-05-20T10:00:00-05:00' WHERE radicado_id ="
			" (SELECT id FROM radicado WHERE numero = '" TEST_D "')");
	test_exec(name, "UPDATE seguimiento SET estado = 'repartido' WHERE radicado_id ="
			" (SELECT id FROM radicado WHERE numero = '" TEST_C "')");
	assert_int_equal(store_user_add(s, "Directora", "director", NULL, TEST_NOW, user), 0);
	return s;
}

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("reconcile");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* ---- Tests */

#define TEST_Q_OPEN(numero, tipo)                                                                  \
	"SELECT evidencia_sgd || ' ' || evidencia_local FROM discrepancia WHERE numero = '" numero \
	"' AND tipo = '" tipo "' AND estado = 'abierta'"

/* Each kind is found once, with the evidence of both sides; the local copy follows the
 * system and the follow-up of the late filing is created. */
static void test_each_kind_once(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	long long user;
	struct store *s;
	const char *db = "kinds.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		assert_int_equal(t.found[k], 1);
	assert_int_equal(test_sum(t.still) + test_sum(t.closed), 0);
	assert_int_equal(t.created, 1);
	test_query_equal(db, "SELECT count(*) FROM discrepancia", "6");
	test_query_equal(db, TEST_Q_OPEN(TEST_A, "datos_distintos"),
			 "{\"asunto\":\"Solicitud corregida\"} "
			 "{\"asunto\":\"Solicitud de contratación directa\"}");
	test_query_equal(
	    db, TEST_Q_OPEN(TEST_B, "anulado_en_sgd"),
	    "{\"estado_ds\":\"anulado\"} {\"abogado_id\":null,\"estado\":\"recibido\"}");
	test_query_equal(db, TEST_Q_OPEN(TEST_C, "ya_no_en_dependencia"),
			 "{\"dependencia_actual\":\"211\"} {\"abogado_id\":null,\"dependencia\":"
			 "\"342\",\"estado\":\"repartido\"}");
	test_query_equal(db, TEST_Q_OPEN(TEST_D, "concluido_sin_radicado"),
			 "{\"existe\":false} {\"abogado_id\":null,\"estado\":\"concluido\","
			 "\"fecha_conclusion\":\"2024-05-20T10:00:00-05:00\"}");
	test_query_equal(
	    db, TEST_Q_OPEN(TEST_E, "no_encontrado"),
	    "{\"existe\":false} {\"abogado_id\":null,\"asunto\":\"Solicitud de "
	    "contratación directa\",\"estado\":\"recibido\",\"fecha_radicacion\":\"" TEST_OLD_DATE
	    "\"}");
	test_query_equal(
	    db, TEST_Q_OPEN(TEST_F, "falta_en_seguimiento"),
	    "{\"asunto\":\"Solicitud de contratación directa\",\"dependencia_actual\":"
	    "\"342\",\"dependencia_origen\":\"211\",\"fecha_radicacion\":\"" TEST_OLD_DATE
	    "\",\"tardio\":true} {\"cursor_sync\":\"" TEST_CURSOR "\",\"en_seguimiento\":false}");
	/* The local copy follows the system, with a gestion; folios of a filing known only
	 * from the detail keep their local value; the late filing has its follow-up. */
	test_query_equal(db, "SELECT asunto FROM radicado WHERE numero = '" TEST_A "'",
			 "Solicitud corregida");
	test_query_equal(
	    db, "SELECT dependencia_actual || folios FROM radicado WHERE numero = '" TEST_C "'",
	    "2113");
	test_query_equal(db, "SELECT count(*) FROM gestion WHERE tipo = 'cambio_sgd'", "3");
	test_query_equal(db,
			 "SELECT s.estado FROM seguimiento s JOIN radicado r ON"
			 " r.id = s.radicado_id WHERE r.numero = '" TEST_F "'",
			 "recibido");
	/* Nothing is deleted. */
	test_query_equal(db, "SELECT count(*) FROM radicado", "7");
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* Every row of every table of database name, in rowid order, as one new string. */
static char *test_dump(const char *name)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL;
	struct buf b;

	buf_init(&b);
	assert_int_equal(sqlite3_open_v2(test_path(name, path), &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT name FROM sqlite_master WHERE type = 'table'"
					    /* FTS5's WITHOUT ROWID shadow tables: the index
					     * itself is dumped through its virtual table */
					    " AND sql NOT LIKE '%WITHOUT ROWID%'"
					    /* the planner's statistics (PRAGMA optimize) */
					    " AND name NOT LIKE 'sqlite_stat%' ORDER BY name",
					    -1, &tables, NULL),
			 SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char *sql = xasprintf("SELECT * FROM \"%s\" ORDER BY rowid",
				      (const char *)sqlite3_column_text(tables, 0));
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		buf_printf(&b, "[%s]\n", (const char *)sqlite3_column_text(tables, 0));
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);

				buf_printf(&b, "%s|", v != NULL ? (const char *)v : "NULL");
			}
			buf_puts(&b, "\n");
		}
		sqlite3_finalize(st);
		free(sql);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	return buf_steal(&b);
}

/* Applies w with each write failing in turn, from the first until one lets the window
 * through: each failed run returns -1 naming the database error and leaves every table as
 * it was. Returns how many writes the window made. */
static long test_apply_failing(struct store *s, const struct config *cfg, struct test_side *w,
			       const char *db)
{
	for (long n = 1; n < 500; n++) {
		struct reconcile_totals t;
		char err[TEST_ERR] = "";
		char *before = test_dump(db);
		char *after;
		int rc;

		store_test_fail_after(n);
		rc = reconcile_apply_window(cfg, NULL, s, &w->listed, w->asked, &w->absent,
					    TEST_CURSOR, &t, NULL, err, sizeof(err));
		store_test_fail_after(0);
		if (rc == 0) {
			free(before);
			return n - 1;
		}
		if (strstr(err, "error de la base de datos: ") == NULL ||
		    strstr(err, "disk I/O error") == NULL)
			fail_msg("write %ld failing: \"%s\"", n, err);
		after = test_dump(db);
		if (strcmp(before, after) != 0)
			fail_msg("write %ld failing left changes:\n%s\n--- was ---\n%s", n, after,
				 before);
		free(before);
		free(after);
	}
	fail_msg("the window never went through");
	return -1;
}

/* A disk that fails at any write of a window (found, refreshed, closed, a copy updated, a
 * late follow-up created) leaves the database as it was; the window then goes through with
 * the results of a run that never failed. */
static void test_write_failures_leave_nothing(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	long long user;
	struct store *s;
	const char *db = "faults.db";
	long writes;

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	writes = test_apply_failing(s, &cfg, &w, db);
	/* 6 discrepancies, 3 copies updated with their gestion, a follow-up, the commit */
	assert_true(writes >= 12);
	test_query_equal(db, "SELECT count(*) FROM discrepancia WHERE estado = 'abierta'", "6");
	test_query_equal(db, "SELECT count(*) FROM gestion WHERE tipo = 'cambio_sgd'", "3");
	/* the same disagreement again: every open row refreshed */
	assert_true(test_apply_failing(s, &cfg, &w, db) >= 1);
	test_query_equal(db, "SELECT count(*) FROM discrepancia", "6");
	/* the sides agree: five rows close */
	test_side_free(&w);
	test_side_agree(&w);
	assert_true(test_apply_failing(s, &cfg, &w, db) >= 5);
	test_query_equal(db, "SELECT count(*) FROM discrepancia WHERE estado = 'cerrada'", "5");
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(test_sum(t.found) + test_sum(t.closed), 0);
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* A second look at the same disagreement finds nothing new: the rows are refreshed. */
static void test_second_run_nothing_new(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	long long user;
	struct store *s;
	const char *db = "again.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(test_sum(t.found), 0);
	assert_int_equal(test_sum(t.closed), 0);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		assert_int_equal(t.still[k], 1);
	assert_int_equal(t.created + t.updated, 0);
	test_query_equal(db, "SELECT count(*) FROM discrepancia", "6");
	test_query_equal(db, "SELECT count(*) FROM gestion WHERE tipo = 'cambio_sgd'", "3");
	/* datos_distintos keeps the office's value though the copy now agrees. */
	test_query_equal(db, TEST_Q_OPEN(TEST_A, "datos_distintos"),
			 "{\"asunto\":\"Solicitud corregida\"} "
			 "{\"asunto\":\"Solicitud de contratación directa\"}");
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* When the system is put back every row closes; falta_en_seguimiento closes once the
 * office takes the filing up. */
static void test_closes_when_sides_agree(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	long long user;
	struct store *s;
	const char *db = "agree.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	test_side_free(&w);
	test_side_agree(&w);
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(test_sum(t.found), 0);
	assert_int_equal(t.still[RECONCILE_FALTA_EN_SEGUIMIENTO], 1);
	assert_int_equal(test_sum(t.closed), 5);
	test_query_equal(db, "SELECT group_concat(tipo) FROM discrepancia WHERE estado = 'abierta'",
			 "falta_en_seguimiento");
	test_query_equal(db,
			 "SELECT count(*) FROM discrepancia WHERE estado = 'cerrada'"
			 " AND cerrada_en IS NOT NULL",
			 "5");
	test_exec(db, "UPDATE seguimiento SET estado = 'repartido' WHERE radicado_id ="
		      " (SELECT id FROM radicado WHERE numero = '" TEST_F "')");
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(t.closed[RECONCILE_FALTA_EN_SEGUIMIENTO], 1);
	test_query_equal(db, "SELECT count(*) FROM discrepancia WHERE estado = 'abierta'", "0");
	/* A later disagreement is a new row. */
	test_side_free(&w);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(t.found[RECONCILE_YA_NO_EN_DEPENDENCIA], 1);
	test_query_equal(db, "SELECT count(*) FROM discrepancia WHERE numero = '" TEST_C "'", "2");
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* Closing the follow-up here settles the kinds that need an open one. */
static void test_closes_when_follow_up_closes(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	long long user;
	struct store *s;
	const char *db = "closed-here.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	test_exec(db, "UPDATE seguimiento SET estado = 'anulado' WHERE radicado_id IN"
		      " (SELECT id FROM radicado WHERE numero IN ('" TEST_B "', '" TEST_C "'))");
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(t.closed[RECONCILE_ANULADO_EN_SGD], 1);
	assert_int_equal(t.closed[RECONCILE_YA_NO_EN_DEPENDENCIA], 1);
	assert_int_equal(test_sum(t.closed), 2);
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* A resolved disagreement stays resolved while it persists; a different one opens. */
static void test_resolved_stays_resolved(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	char err[TEST_ERR];
	long long user;
	long id;
	json_t *row = NULL;
	struct store *s;
	char *idtext;
	const char *db = "resolved.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	idtext = test_query(db, "SELECT id FROM discrepancia WHERE tipo = 'ya_no_en_dependencia'");
	assert_int_equal(parse_long(idtext, 1, 1000, &id), 0);
	assert_int_equal(id, 4); /* A, B, F listed first; then C */
	free(idtext);
	assert_int_equal(reconcile_resolve(s, id, user,
					   "  Trasladado a Financiera por competencia.\n", &row,
					   err, sizeof(err)),
			 RECONCILE_OK);
	assert_string_equal(json_string_value(json_object_get(row, "estado")), "resuelta");
	assert_string_equal(json_string_value(json_object_get(row, "nota")),
			    "Trasladado a Financiera por competencia.");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(row, "resuelta_por"), "id")), user);
	assert_true(json_is_string(json_object_get(row, "cerrada_en")));
	json_decref(row);
	/* Audited in the same transaction, on the filing. */
	test_query_equal(db,
			 "SELECT a.campo || ' | ' || a.valor_anterior || ' | ' || a.valor_nuevo"
			 " || ' | ' || a.usuario_id || ' | ' || r.numero FROM auditoria a JOIN"
			 " radicado r ON r.id = a.radicado_id WHERE a.campo LIKE 'discrepancia%'",
			 "discrepancia #4 ya_no_en_dependencia | abierta | resuelta: Trasladado a "
			 "Financiera por competencia. | 1 | " TEST_C);
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(t.kept_resolved[RECONCILE_YA_NO_EN_DEPENDENCIA], 1);
	assert_int_equal(test_sum(t.found), 0);
	test_query_equal(db,
			 "SELECT count(*) || estado FROM discrepancia WHERE numero = '" TEST_C "'",
			 "1resuelta");
	/* Moved on to yet another dependency: a new disagreement. */
	filing_set(&w.absent.items[0].dependencia_actual, "510");
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(t.found[RECONCILE_YA_NO_EN_DEPENDENCIA], 1);
	test_query_equal(db,
			 "SELECT group_concat(estado || ':' || evidencia_sgd, ' ') FROM"
			 " discrepancia WHERE numero = '" TEST_C "'",
			 "resuelta:{\"dependencia_actual\":\"211\"} "
			 "abierta:{\"dependencia_actual\":\"510\"}");
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* Resolution errors: unknown id, already resolved, bad notes; nothing written. */
static void test_resolve_errors(void **state)
{
	static const char *const bad_notes[] = {"", "   \n\t ", "con \x01 control",
						"mal \xc3\x28 utf8"};
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	char err[TEST_ERR];
	char *long_note;
	long long user;
	json_t *row = NULL;
	struct store *s;
	const char *db = "resolve-errors.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(reconcile_resolve(s, 999, user, "nota", &row, err, sizeof(err)),
			 RECONCILE_NOT_FOUND);
	assert_null(row);
	assert_int_equal(reconcile_status_http(RECONCILE_NOT_FOUND), 404);
	assert_int_equal(reconcile_resolve(s, 0, user, "nota", &row, err, sizeof(err)),
			 RECONCILE_NOT_FOUND);
	for (size_t i = 0; i < sizeof(bad_notes) / sizeof(bad_notes[0]); i++) {
		assert_int_equal(
		    reconcile_resolve(s, 1, user, bad_notes[i], &row, err, sizeof(err)),
		    RECONCILE_BAD_NOTE);
		assert_null(row);
	}
	assert_int_equal(reconcile_resolve(s, 1, user, NULL, &row, err, sizeof(err)),
			 RECONCILE_BAD_NOTE);
	long_note = xmalloc(RECONCILE_NOTE_MAX + 2);
	memset(long_note, 'a', RECONCILE_NOTE_MAX + 1);
	long_note[RECONCILE_NOTE_MAX + 1] = '\0';
	assert_int_equal(reconcile_resolve(s, 1, user, long_note, &row, err, sizeof(err)),
			 RECONCILE_BAD_NOTE);
	long_note[RECONCILE_NOTE_MAX] = '\0';
	assert_int_equal(reconcile_resolve(s, 1, user, long_note, &row, err, sizeof(err)),
			 RECONCILE_OK);
	json_decref(row);
	free(long_note);
	assert_int_equal(reconcile_status_http(RECONCILE_BAD_NOTE), 422);
	assert_string_equal(reconcile_status_code(RECONCILE_BAD_NOTE), "nota_invalida");
	assert_int_equal(reconcile_resolve(s, 1, user, "otra vez", &row, err, sizeof(err)),
			 RECONCILE_ALREADY_CLOSED);
	assert_null(row);
	assert_non_null(strstr(err, "resuelta"));
	assert_int_equal(reconcile_status_http(RECONCILE_ALREADY_CLOSED), 409);
	/* A row closed by agreement cannot be resolved either. */
	test_exec(db, "UPDATE discrepancia SET estado = 'cerrada', cerrada_en = '" TEST_NOW
		      "' WHERE id = 2");
	assert_int_equal(reconcile_resolve(s, 2, user, "nota", &row, err, sizeof(err)),
			 RECONCILE_ALREADY_CLOSED);
	test_query_equal(db, "SELECT count(*) FROM auditoria WHERE campo LIKE 'discrepancia%'",
			 "1");
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* The list for the HTTP API: filters, pages, counts per kind, validation. */
static void test_list_json(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	char err[TEST_ERR];
	long long user;
	json_t *o = NULL;
	json_t *rows;
	struct store *s;

	(void)state;
	test_config(&cfg);
	s = test_scenario("list.db", &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(reconcile_resolve(s, 1, user, "revisado", &o, err, sizeof(err)),
			 RECONCILE_OK);
	json_decref(o);
	assert_int_equal(reconcile_list_json(s, NULL, NULL, 0, 0, &o, err, sizeof(err)),
			 RECONCILE_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 5);
	assert_int_equal(json_integer_value(json_object_get(o, "pagina")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "por_pagina")),
			 RECONCILE_PAGE_SIZE_DEFAULT);
	assert_string_equal(json_string_value(json_object_get(o, "estado")), "abierta");
	rows = json_object_get(o, "discrepancias");
	assert_int_equal(json_array_size(rows), 5);
	/* newest first, with the filing's summary */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), 6);
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(json_array_get(rows, 0), "radicado"), "asunto")),
			    "Solicitud de contratación directa");
	assert_true(json_is_object(json_object_get(json_array_get(rows, 0), "evidencia_sgd")));
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(o, "por_tipo"), "no_encontrado")),
	    1);
	json_decref(o);
	assert_int_equal(reconcile_list_json(s, "todas", NULL, 2, 4, &o, err, sizeof(err)),
			 RECONCILE_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 6);
	assert_int_equal(json_array_size(json_object_get(o, "discrepancias")), 2);
	json_decref(o);
	assert_int_equal(reconcile_list_json(s, "resuelta", NULL, 1, 10, &o, err, sizeof(err)),
			 RECONCILE_OK);
	rows = json_object_get(o, "discrepancias");
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_array_get(rows, 0), "resuelta_por"), "nombre")),
	    "Directora");
	json_decref(o);
	assert_int_equal(
	    reconcile_list_json(s, "todas", "datos_distintos", 1, 10, &o, err, sizeof(err)),
	    RECONCILE_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 1);
	json_decref(o);
	assert_int_equal(reconcile_list_json(s, "abiertas", NULL, 1, 10, &o, err, sizeof(err)),
			 RECONCILE_INVALID);
	assert_null(o);
	assert_int_equal(reconcile_list_json(s, NULL, "otra", 1, 10, &o, err, sizeof(err)),
			 RECONCILE_INVALID);
	assert_int_equal(reconcile_list_json(s, NULL, NULL, -1, 10, &o, err, sizeof(err)),
			 RECONCILE_INVALID);
	assert_int_equal(reconcile_list_json(s, NULL, NULL, 1, RECONCILE_PAGE_SIZE_MAX + 1, &o, err,
					     sizeof(err)),
			 RECONCILE_INVALID);
	assert_int_equal(reconcile_status_http(RECONCILE_INVALID), 422);
	assert_int_equal(reconcile_get_json(s, 5, &o, err, sizeof(err)), RECONCILE_OK);
	assert_string_equal(json_string_value(json_object_get(o, "tipo")),
			    "concluido_sin_radicado");
	json_decref(o);
	assert_int_equal(reconcile_get_json(s, 77, &o, err, sizeof(err)), RECONCILE_NOT_FOUND);
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* A listed filing whose detail was asked for but did not come (gone in between) leaves the
 * detail kinds as they were. */
static void test_missing_detail_decides_nothing(void **state)
{
	struct config cfg;
	struct reconcile_totals t;
	struct test_side w;
	long long user;
	struct store *s;
	const char *db = "no-detail.db";

	(void)state;
	test_config(&cfg);
	s = test_scenario(db, &user);
	test_side_disagree(&w);
	test_apply(s, &cfg, &w, &t);
	test_side_free(&w);
	test_side_init(&w);
	test_listed(&w, TEST_C, 0);
	w.asked[0] = 1;
	test_apply(s, &cfg, &w, &t);
	assert_int_equal(test_sum(t.closed) + test_sum(t.found), 0);
	test_query_equal(db, "SELECT estado FROM discrepancia WHERE numero = '" TEST_C "'",
			 "abierta");
	test_side_free(&w);
	store_close(s);
	config_free(&cfg);
}

/* The daily schedule: due now when the most recent scheduled time has no run since. */
static void test_next_due(void **state)
{
	/* 2024-05-02 09:00:00 Bogota = 14:00:00 UTC */
	const long long now = 1714658400LL;
	const long long six_today = now - 3 * 3600;

	(void)state;
	assert_int_equal(reconcile_next_due(now, 6 * 60, ""), now);
	assert_int_equal(reconcile_next_due(now, 6 * 60, "2024-05-01T06:00:05-05:00"), now);
	assert_int_equal(reconcile_next_due(now, 6 * 60, "2024-05-02T06:00:00-05:00"),
			 six_today + 86400);
	assert_int_equal(reconcile_next_due(now, 6 * 60, "2024-05-02T08:59:00-05:00"),
			 six_today + 86400);
	/* 10:00 has not come yet today: yesterday's run counts. */
	assert_int_equal(reconcile_next_due(now, 10 * 60, "2024-05-01T10:30:00-05:00"), now + 3600);
	assert_int_equal(reconcile_next_due(now, 10 * 60, "2024-05-01T09:30:00-05:00"), now);
	assert_int_equal(reconcile_next_due(now, 0, "2024-05-02T00:00:01-05:00"),
			 now - 9 * 3600 + 86400);
}

/* Each status answers with the HTTP status and codigo reconcile.h promises (docs/openapi.yaml). */
static void test_status_codes(void **state)
{
	static const struct {
		enum reconcile_status st;
		int http;
		const char *code;
	} cases[] = {
	    {RECONCILE_OK, 200, "ok"},
	    {RECONCILE_INVALID, 422, "valor_invalido"},
	    {RECONCILE_NOT_FOUND, 404, "no_encontrada"},
	    {RECONCILE_ALREADY_CLOSED, 409, "ya_cerrada"},
	    {RECONCILE_BAD_NOTE, 422, "nota_invalida"},
	    {RECONCILE_ERROR, 500, "error_interno"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(reconcile_status_http(cases[i].st), cases[i].http);
		assert_string_equal(reconcile_status_code(cases[i].st), cases[i].code);
	}
	assert_string_equal(reconcile_kind_name((enum reconcile_kind)RECONCILE_KIND_COUNT), "");
	assert_int_equal(reconcile_kind_parse(NULL), -1);
	assert_int_equal(reconcile_kind_parse("datos_distintos "), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_kind_once),
	    cmocka_unit_test(test_second_run_nothing_new),
	    cmocka_unit_test(test_write_failures_leave_nothing),
	    cmocka_unit_test(test_closes_when_sides_agree),
	    cmocka_unit_test(test_closes_when_follow_up_closes),
	    cmocka_unit_test(test_resolved_stays_resolved),
	    cmocka_unit_test(test_resolve_errors),
	    cmocka_unit_test(test_list_json),
	    cmocka_unit_test(test_missing_detail_decides_nothing),
	    cmocka_unit_test(test_next_due),
	    cmocka_unit_test(test_status_codes),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
