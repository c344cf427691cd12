/* test_store_sla.c -- unit tests of the SLA blocks kept on the follow-up rows (issue 14) on
 * real SQLite files: worked out again after each kind of write before its commit, shown
 * exactly while a row is marked, re-derived for open clocks when the day changes and for
 * every row when the targets or the calendar change, filters and sorts on the stored
 * members. */
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
#include "test_store_util.h"

#define TEST_PATH_LEN 512
#define TEST_NOW "2026-11-20T09:14:07-05:00"
#define TEST_DAY1 "2026-11-23T10:00:00-05:00"
#define TEST_DAY2 "2026-11-24T10:00:00-05:00"

/* The test's SLA function: a block from the follow-up's estado (concluido: a stopped clock;
 * devuelto: overdue; recibido: not started), the day it was asked for, and how many times
 * it was called (arg). */
static char *test_sla_fn(void *arg, struct store *s, const char *numero, const char *now, char *err,
			 size_t errlen)
{
	int *calls = arg;
	struct follow_up fu;
	const char *estado;
	char *out;
	int rc;

	(*calls)++;
	follow_up_init(&fu);
	rc = store_follow_up_get(s, numero, &fu);
	if (rc != 1) {
		follow_up_free(&fu);
		if (rc == 0)
			return xstrdup("null");
		snprintf(err, errlen, "no se leyó %s", numero);
		return NULL;
	}
	estado = fu.v[STORE_FU_ESTADO];
	if (strcmp(estado, "concluido") == 0)
		out = xasprintf(
		    "{\"reloj\":\"detenido\",\"estado\":\"a_tiempo\","
		    "\"fecha_limite\":\"2026-12-01\",\"dias_restantes\":3,\"hoy\":\"%.10s\"}",
		    now != NULL ? now : "actual");
	else if (strcmp(estado, "recibido") == 0)
		out = xasprintf("{\"reloj\":\"sin_iniciar\",\"estado\":\"sin_iniciar\","
				"\"fecha_limite\":null,\"dias_restantes\":null,\"hoy\":\"%.10s\"}",
				now != NULL ? now : "actual");
	else
		out = xasprintf("{\"reloj\":\"corriendo\",\"estado\":\"%s\","
				"\"fecha_limite\":\"%s\",\"dias_restantes\":%d,\"hoy\":\"%.10s\"}",
				strcmp(estado, "devuelto") == 0 ? "vencido" : "a_tiempo",
				strcmp(estado, "devuelto") == 0 ? "2026-11-10" : "2026-11-30",
				strcmp(estado, "devuelto") == 0 ? -2 : 5,
				now != NULL ? now : "actual");
	follow_up_free(&fu);
	return out;
}

static struct store *test_open(const char *name, int *calls)
{
	struct store *s = test_store_open(name);

	if (calls != NULL)
		store_set_sla(s, test_sla_fn, calls);
	return s;
}

/* Runs sql on the file through a connection of its own (another program). */
static void test_exec(const char *name, const char *sql)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* The first column of the first row of sql on the file, as a new text ("NULL" for null). */
static char *test_text(const char *name, const char *sql)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	else
		out = xstrdup("NULL");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void test_text_is(const char *name, const char *sql, const char *want)
{
	char *got = test_text(name, sql);
	int same = strcmp(got, want) == 0;

	if (!same)
		print_error("%s: «%s», se esperaba «%s»\n", sql, got, want);
	free(got);
	assert_true(same);
}

/* The list at now (numero order, semaforo filter when not NULL, or orden): its rows. */
static json_t *test_list(struct store *s, const char *now, const char *semaforo,
			 enum store_list_order orden)
{
	struct store_list_query q = {
	    .orden = orden, .limit = 50, .total_known = -1, .now = now, .semaforo = semaforo};
	struct buf out;
	long long total;
	json_t *rows;

	buf_init(&out);
	if (store_list_json(s, &q, &total, &out) < 0)
		fail_msg("store_list_json: %s", store_errmsg(s));
	rows = json_loadb(out.data, out.len, 0, NULL);
	assert_non_null(rows);
	assert_int_equal((long long)json_array_size(rows), total);
	buf_free(&out);
	return rows;
}

static const char *test_row_sla(json_t *rows, size_t i, const char *member)
{
	json_t *v = json_object_get(json_object_get(json_array_get(rows, i), "sla"), member);

	return json_is_string(v) ? json_string_value(v) : "null";
}

#define TEST_DIRTY "SELECT count(*) FROM seguimiento WHERE sla_dia IS NULL"

/* Every kind of write leaves its rows' blocks worked out before the commit. */
static void test_refresh_after_writes(void **state)
{
	int calls = 0;
	struct store *s;
	long long id;
	char *block;

	(void)state;
	s = test_open("writes.db", &calls);
	id = test_store_add(s, "20263420000011", "Solicitud", TEST_NOW);
	test_text_is("writes.db", TEST_DIRTY, "0");
	test_text_is("writes.db", "SELECT sla_estado FROM seguimiento", "sin_iniciar");
	test_text_is("writes.db", "SELECT fecha_radicacion FROM seguimiento",
		     "2026-11-02T08:00:00-05:00");
	assert_int_equal(calls, 1);
	/* The follow-up's estado. */
	test_store_set(s, "20263420000011", STORE_FU_ESTADO, "devuelto", TEST_NOW);
	test_text_is("writes.db", TEST_DIRTY, "0");
	test_text_is("writes.db",
		     "SELECT sla_estado || ' ' || sla_fecha_limite || ' ' ||"
		     " sla_dias_restantes FROM seguimiento",
		     "vencido 2026-11-10 -2");
	assert_int_equal(calls, 2);
	/* A field the clock does not read marks nothing. */
	test_store_set(s, "20263420000011", STORE_FU_OBSERVACIONES, "nada que ver", TEST_NOW);
	assert_int_equal(calls, 2);
	/* A gestión. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_gestion_add(s, id, "observacion", 0, TEST_NOW, "x", -1, NULL), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(calls, 3);
	test_text_is("writes.db", TEST_DIRTY, "0");
	/* Another program's writes (no SLA function) only mark the row: the filing's DS state,
	 * a gestión deleted, the filing's date (copied to the follow-up). */
	test_exec("writes.db", "UPDATE radicado SET estado_ds = 'anulado'");
	test_text_is("writes.db", TEST_DIRTY, "1");
	test_exec("writes.db", "UPDATE seguimiento SET sla_dia = '2026-01-01';"
			       " DELETE FROM gestion");
	test_text_is("writes.db", TEST_DIRTY, "1");
	test_exec("writes.db",
		  "UPDATE seguimiento SET sla_dia = '2026-01-01';"
		  " UPDATE radicado SET fecha_radicacion = '2026-11-03T08:00:00-05:00'");
	test_text_is("writes.db", TEST_DIRTY, "1");
	test_text_is("writes.db", "SELECT fecha_radicacion FROM seguimiento",
		     "2026-11-03T08:00:00-05:00");
	/* The next read works it out again. */
	json_decref(test_list(s, NULL, NULL, STORE_ORDER_NUMERO));
	test_text_is("writes.db", TEST_DIRTY, "0");
	assert_int_equal(calls, 4);
	block = test_text("writes.db", "SELECT sla FROM seguimiento");
	assert_non_null(strstr(block, "\"hoy\":\"actual\""));
	free(block);
	store_close(s);
}

/* A row marked inside the reader's own snapshot is shown as worked out now, not as stored. */
static void test_dirty_shown_exactly(void **state)
{
	int calls = 0;
	struct store *s;
	struct buf out;
	json_t *rows;

	(void)state;
	s = test_open("dirty.db", &calls);
	test_store_add(s, "20263420000021", "Solicitud", TEST_NOW);
	rows = test_list(s, TEST_DAY1, NULL, STORE_ORDER_NUMERO);
	assert_string_equal(test_row_sla(rows, 0, "hoy"), "2026-11-23");
	json_decref(rows);
	calls = 0;
	/* Another program concludes it, marking the row; this reader holds a transaction, so
	 * nothing is worked out again before the read: the row's block is worked out. */
	test_exec("dirty.db", "UPDATE seguimiento SET estado = 'concluido'");
	assert_int_equal(store_begin(s), 0);
	rows = test_list(s, TEST_DAY1, NULL, STORE_ORDER_NUMERO);
	assert_string_equal(test_row_sla(rows, 0, "reloj"), "detenido");
	json_decref(rows);
	buf_init(&out);
	assert_int_equal(store_filing_json(s, "20263420000021", &out), 1);
	assert_non_null(strstr(out.data, "\"reloj\":\"detenido\""));
	buf_free(&out);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(calls, 2);
	test_text_is("dirty.db", TEST_DIRTY, "1");
	store_close(s);
}

/* The day changes: open clocks are worked out again, stopped ones are not. */
static void test_day_change(void **state)
{
	int calls = 0;
	struct store *s;
	json_t *rows;

	(void)state;
	s = test_open("day.db", &calls);
	test_store_add(s, "20263420000031", "Solicitud", TEST_NOW);
	test_store_add(s, "20263420000032", "Solicitud", TEST_NOW);
	test_store_add(s, "20263420000033", "Solicitud", TEST_NOW);
	test_store_set(s, "20263420000032", STORE_FU_ESTADO, "concluido", TEST_NOW);
	test_store_set(s, "20263420000033", STORE_FU_ESTADO, "repartido", TEST_NOW);
	rows = test_list(s, TEST_DAY1, NULL, STORE_ORDER_NUMERO);
	assert_string_equal(test_row_sla(rows, 0, "hoy"), "2026-11-23");
	json_decref(rows);
	test_text_is("day.db",
		     "SELECT group_concat(sla_dia, ' ') FROM (SELECT sla_dia FROM seguimiento"
		     " ORDER BY radicado_id)",
		     "2026-11-23 9999-12-31 2026-11-23");
	calls = 0;
	/* The same day again: nothing to work out (the check is skipped). */
	json_decref(test_list(s, TEST_DAY1, NULL, STORE_ORDER_NUMERO));
	assert_int_equal(calls, 0);
	rows = test_list(s, TEST_DAY2, NULL, STORE_ORDER_NUMERO);
	assert_int_equal(calls, 2);
	assert_string_equal(test_row_sla(rows, 0, "hoy"), "2026-11-24");
	assert_string_equal(test_row_sla(rows, 1, "reloj"), "detenido");
	assert_string_equal(test_row_sla(rows, 2, "hoy"), "2026-11-24");
	json_decref(rows);
	test_text_is("day.db",
		     "SELECT group_concat(sla_dia, ' ') FROM (SELECT sla_dia FROM seguimiento"
		     " ORDER BY radicado_id)",
		     "2026-11-24 9999-12-31 2026-11-24");
	store_close(s);
}

/* Other targets or another calendar: every stored block is worked out again, once. */
static void test_fingerprint(void **state)
{
	int calls = 0;
	struct store *s;

	(void)state;
	s = test_open("print.db", &calls);
	test_store_add(s, "20263420000041", "Solicitud", TEST_NOW);
	test_store_add(s, "20263420000042", "Solicitud", TEST_NOW);
	test_store_set(s, "20263420000042", STORE_FU_ESTADO, "concluido", TEST_NOW);
	/* A connection without the SLA function only marks the rows. */
	store_set_sla(s, NULL, NULL);
	assert_int_equal(store_sla_fingerprint(s, "metas=1"), 0);
	test_text_is("print.db", TEST_DIRTY, "2");
	store_set_sla(s, test_sla_fn, &calls);
	json_decref(test_list(s, TEST_DAY1, NULL, STORE_ORDER_NUMERO));
	test_text_is("print.db", TEST_DIRTY, "0");
	calls = 0;
	assert_int_equal(store_sla_fingerprint(s, "metas=1"), 0);
	test_text_is("print.db", TEST_DIRTY, "0");
	test_text_is("print.db", "SELECT huella FROM sla_huella", "metas=1");
	assert_int_equal(calls, 0);
	/* With it, the change works every block out again before its commit. */
	assert_int_equal(store_sla_fingerprint(s, "metas=2"), 0);
	test_text_is("print.db", TEST_DIRTY, "0");
	assert_int_equal(calls, 2);
	assert_int_equal(store_sla_refresh(s, NULL), 0);
	assert_int_equal(calls, 2);
	test_text_is("print.db", "SELECT huella FROM sla_huella", "metas=2");
	store_close(s);
}

static int test_block_cb(long long id, const char *sla, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%lld %s", id, sla);
	return 0;
}

/* The semáforo filter and the fecha límite / días restantes sorts read the stored members;
 * store_sla_blocks gives the stored blocks of a set of filings. */
static void test_filters_and_orders(void **state)
{
	int calls = 0;
	struct store *s;
	json_t *rows;
	struct buf b;
	struct buf got;
	long long a;

	(void)state;
	s = test_open("orders.db", &calls);
	a = test_store_add(s, "20263420000051", "Solicitud", TEST_NOW);
	test_store_add(s, "20263420000052", "Solicitud", TEST_NOW);
	test_store_add(s, "20263420000053", "Solicitud", TEST_NOW);
	test_store_set(s, "20263420000051", STORE_FU_ESTADO, "repartido", TEST_NOW);
	test_store_set(s, "20263420000052", STORE_FU_ESTADO, "devuelto", TEST_NOW);
	rows = test_list(s, TEST_DAY1, "vencido", STORE_ORDER_NUMERO);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "numero")),
			    "20263420000052");
	json_decref(rows);
	rows = test_list(s, TEST_DAY1, NULL, STORE_ORDER_FECHA_LIMITE);
	assert_string_equal(test_row_sla(rows, 0, "fecha_limite"), "2026-11-10");
	assert_string_equal(test_row_sla(rows, 1, "fecha_limite"), "2026-11-30");
	assert_string_equal(test_row_sla(rows, 2, "fecha_limite"), "null");
	json_decref(rows);
	rows = test_list(s, TEST_DAY1, NULL, STORE_ORDER_DIAS_RESTANTES_DESC);
	assert_string_equal(test_row_sla(rows, 0, "fecha_limite"), "2026-11-30");
	assert_string_equal(test_row_sla(rows, 1, "fecha_limite"), "2026-11-10");
	json_decref(rows);
	buf_init(&b);
	buf_init(&got);
	buf_printf(&b, "[%lld]", a);
	calls = 0;
	assert_int_equal(store_sla_blocks(s, b.data, TEST_DAY1, test_block_cb, &got), 0);
	assert_int_equal(calls, 0);
	assert_non_null(strstr(got.data, "\"estado\":\"a_tiempo\""));
	buf_free(&b);
	buf_free(&got);
	store_close(s);
}

/* Every counter equals the count(*) it stands for (both ways), and the list's totals for
 * the shapes it counts from them equal a count of the rows, after a random mix of writes
 * through the store and by another program. */
#define TEST_COUNTERS_KEY                                                                          \
	"estado, coalesce(abogado_id, 0), tipo_tramite, coalesce(sla_estado, ''),"                 \
	" coalesce(numero_contrato, '') <> '' AND (fecha_rp IS NULL"                               \
	" OR fecha_aprobacion_garantias IS NULL OR fecha_arl IS NULL"                              \
	" OR fecha_acta_inicio IS NULL OR coalesce(publicado_secop, 0) <> 1)"
#define TEST_COUNTERS_DIFF                                                                         \
	"SELECT count(*) FROM (SELECT * FROM (SELECT " TEST_COUNTERS_KEY ", count(*)"              \
	" FROM seguimiento GROUP BY 1, 2, 3, 4, 5) EXCEPT SELECT estado, abogado_id,"              \
	" tipo_tramite, sla_estado, legalizacion, n FROM seguimiento_conteo WHERE n <> 0"          \
	" UNION ALL SELECT * FROM (SELECT estado, abogado_id, tipo_tramite, sla_estado,"           \
	" legalizacion, n FROM seguimiento_conteo WHERE n <> 0 EXCEPT SELECT " TEST_COUNTERS_KEY   \
	", count(*) FROM seguimiento GROUP BY 1, 2, 3, 4, 5))"

/* seguimiento_conteo_dia against the rows of each filing day, both ways. */
#define TEST_DAY_COUNTERS_DIFF                                                                     \
	"SELECT count(*) FROM (SELECT * FROM (SELECT substr(fecha_radicacion, 1, 10), count(*)"    \
	" FROM seguimiento GROUP BY 1) EXCEPT SELECT dia, n FROM seguimiento_conteo_dia"           \
	" WHERE n <> 0 UNION ALL SELECT * FROM (SELECT dia, n FROM seguimiento_conteo_dia"         \
	" WHERE n <> 0 EXCEPT SELECT substr(fecha_radicacion, 1, 10), count(*) FROM seguimiento"   \
	" GROUP BY 1))"

static long long test_total(struct store *s, const struct store_list_query *base)
{
	struct store_list_query q = *base;
	struct buf out;
	long long total;

	q.orden = STORE_ORDER_FECHA_DESC;
	q.limit = 1;
	q.total_known = -1;
	buf_init(&out);
	if (store_list_json(s, &q, &total, &out) < 0)
		fail_msg("store_list_json: %s", store_errmsg(s));
	buf_free(&out);
	return total;
}

/* The list's total of q equals the count sql gives on counters.db. */
static void test_total_is(struct store *s, const struct store_list_query *q, const char *sql)
{
	char *want = test_text("counters.db", sql);

	assert_int_equal(test_total(s, q), atoll(want));
	free(want);
}

static void test_counters(void **state)
{
	static const char *const estados[] = {"recibido", "repartido", "en_revision",
					      "devuelto", "concluido", "archivado"};
	static const char *const tipos[] = {"contratacion_directa", "proceso_seleccion", "otro"};
	int calls = 0;
	struct store *s;
	unsigned seed = 14;
	char numero[32];
	char sql[512];

	(void)state;
	s = test_open("counters.db", &calls);
	test_exec("counters.db", "INSERT INTO usuario (id, nombre, rol, creado) VALUES"
				 " (1, 'Ana', 'abogado', '" TEST_NOW "'),"
				 " (2, 'Beto', 'abogado', '" TEST_NOW "')");
	for (int i = 0; i < 40; i++) {
		snprintf(numero, sizeof(numero), "2026342%07d1", i);
		test_store_add(s, numero, "Solicitud", TEST_NOW);
	}
	for (int round = 0; round < 200; round++) {
		int id = 1 + (int)(rand_r(&seed) % 40);
		int what = (int)(rand_r(&seed) % 7);

		snprintf(numero, sizeof(numero), "2026342%07d1", id - 1);
		if (what == 0)
			test_store_set(s, numero, STORE_FU_ESTADO, estados[rand_r(&seed) % 6],
				       TEST_NOW);
		else if (what == 1)
			test_store_set(s, numero, STORE_FU_TIPO_TRAMITE, tipos[rand_r(&seed) % 3],
				       TEST_NOW);
		else if (what == 2)
			test_store_set(s, numero, STORE_FU_NUMERO_CONTRATO,
				       rand_r(&seed) % 2 ? "C-1" : "", TEST_NOW);
		else if (what == 3)
			test_store_set(s, numero, STORE_FU_FECHA_RP,
				       rand_r(&seed) % 2 ? "2026-11-05" : NULL, TEST_NOW);
		else {
			/* Another program: a lawyer (none, 1 or 2) or an estado, by SQL. */
			if (what == 6)
				snprintf(sql, sizeof(sql),
					 "UPDATE radicado SET fecha_radicacion = '2026-11-0%u"
					 "T09:00:00-05:00' WHERE id = %d",
					 3 + rand_r(&seed) % 3, id);
			else if (what == 4)
				snprintf(
				    sql, sizeof(sql),
				    "UPDATE seguimiento SET abogado_id = %s WHERE radicado_id = %d",
				    (const char *[]){"NULL", "1", "2"}[rand_r(&seed) % 3], id);
			else
				snprintf(
				    sql, sizeof(sql),
				    "UPDATE seguimiento SET estado = '%s' WHERE radicado_id = %d",
				    estados[rand_r(&seed) % 6], id);
			test_exec("counters.db", sql);
		}
		if (round % 50 == 49) {
			test_text_is("counters.db", TEST_COUNTERS_DIFF, "0");
			test_text_is("counters.db", TEST_DAY_COUNTERS_DIFF, "0");
		}
	}
	/* A row deleted (by another program) and the counters follow. */
	test_exec("counters.db", "DELETE FROM seguimiento WHERE radicado_id = 3");
	test_text_is("counters.db", TEST_COUNTERS_DIFF, "0");
	test_text_is("counters.db", TEST_DAY_COUNTERS_DIFF, "0");
	/* The list's totals from the counters, fresh for the day first. */
	{
		struct store_list_query q = {.orden = STORE_ORDER_FECHA_DESC};
		char *want;

		assert_int_equal(store_sla_refresh(s, NULL), 0);
		q.estado = "devuelto";
		test_total_is(s, &q, "SELECT count(*) FROM seguimiento WHERE estado = 'devuelto'");
		q.estado = NULL;
		q.abogado_id = 2;
		q.abiertos = 1;
		test_total_is(s, &q,
			      "SELECT count(*) FROM seguimiento WHERE abogado_id = 2 AND estado IN"
			      " ('repartido', 'en_revision', 'devuelto')");
		q.abogado_id = 0;
		q.semaforo = "vencido";
		test_total_is(s, &q,
			      "SELECT count(*) FROM seguimiento WHERE sla_estado = 'vencido' AND"
			      " estado IN ('repartido', 'en_revision', 'devuelto')");
		q.semaforo = NULL;
		q.abiertos = 0;
		q.legalizacion_pendiente = 1;
		q.tipo_tramite = "otro";
		test_total_is(
		    s, &q,
		    "SELECT count(*) FROM seguimiento WHERE tipo_tramite = 'otro' AND"
		    " coalesce(numero_contrato, '') <> '' AND (fecha_rp IS NULL"
		    " OR fecha_aprobacion_garantias IS NULL OR fecha_arl IS NULL"
		    " OR fecha_acta_inicio IS NULL OR coalesce(publicado_secop, 0) <> 1)");
		q.legalizacion_pendiente = 0;
		q.tipo_tramite = NULL;
		/* A date range from the day counters, alone and with other filters; and the
		 * semáforo counts the list takes with it. */
		q.desde = "2026-11-04";
		q.hasta_excl = "2026-11-06";
		test_total_is(
		    s, &q,
		    "SELECT count(*) FROM seguimiento WHERE fecha_radicacion >= '2026-11-04'"
		    " AND fecha_radicacion < '2026-11-06'");
		q.abiertos = 1;
		q.abogado_id = 1;
		test_total_is(
		    s, &q,
		    "SELECT count(*) FROM seguimiento WHERE fecha_radicacion >= '2026-11-04'"
		    " AND fecha_radicacion < '2026-11-06' AND abogado_id = 1 AND estado IN"
		    " ('repartido', 'en_revision', 'devuelto')");
		q.abiertos = 0;
		q.abogado_id = 0;
		q.desde = NULL;
		{
			long long conteos[2] = {-1, -1};

			q.conteos = conteos;
			(void)test_total(s, &q);
			q.conteos = NULL;
			want = test_text(
			    "counters.db",
			    "SELECT count(*) FROM seguimiento WHERE sla_estado = 'vencido'"
			    " AND fecha_radicacion < '2026-11-06' AND estado IN"
			    " ('repartido', 'en_revision', 'devuelto')");
			assert_int_equal(conteos[0], atoll(want));
			free(want);
			want = test_text(
			    "counters.db",
			    "SELECT count(*) FROM seguimiento WHERE sla_estado = 'por_vencer'"
			    " AND fecha_radicacion < '2026-11-06' AND estado IN"
			    " ('repartido', 'en_revision', 'devuelto')");
			assert_int_equal(conteos[1], atoll(want));
			free(want);
		}
		q.hasta_excl = NULL;
		test_total_is(s, &q, "SELECT count(*) FROM seguimiento");
	}
	store_close(s);
}

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("store-sla");
}

/* The list row as json_object gave it from the joins before seguimiento.fila (migration 9),
 * without its "sla". */
#define TEST_ROW_BEFORE                                                                            \
	"json_object('numero', r.numero, 'fecha_radicacion', r.fecha_radicacion,"                  \
	" 'asunto', r.asunto, 'dependencia_origen_nombre', r.dependencia_origen_nombre,"           \
	" 'estado_ds', r.estado_ds, 'eliminado_sgd', r.eliminado_sgd,"                             \
	" 'tipo_tramite', s.tipo_tramite, 'modalidad', s.modalidad,"                               \
	" 'estado', s.estado, 'abogado_id', s.abogado_id, 'abogado', u.nombre,"                    \
	" 'fecha_reparto', s.fecha_reparto, 'devoluciones', s.devoluciones,"                       \
	" 'concluido_satisfactorio',"                                                              \
	" json(CASE s.concluido_satisfactorio WHEN 1 THEN 'true' WHEN 0 THEN 'false' END),"        \
	" 'fecha_conclusion', s.fecha_conclusion, 'version', s.version,"                           \
	" 'legalizacion_pendiente', CASE WHEN coalesce(s.numero_contrato, '') = '' THEN NULL ELSE" \
	" json((SELECT json_group_array(f) FROM ("                                                 \
	" SELECT 1 k, 'fecha_rp' f WHERE s.fecha_rp IS NULL"                                       \
	" UNION ALL SELECT 2, 'fecha_aprobacion_garantias'"                                        \
	" WHERE s.fecha_aprobacion_garantias IS NULL"                                              \
	" UNION ALL SELECT 3, 'fecha_arl' WHERE s.fecha_arl IS NULL"                               \
	" UNION ALL SELECT 4, 'fecha_acta_inicio' WHERE s.fecha_acta_inicio IS NULL"               \
	" UNION ALL SELECT 5, 'publicado_secop' WHERE coalesce(s.publicado_secop, 0) <> 1"         \
	" ORDER BY k))) END, 'sla', json(s.sla))"
#define TEST_ROWS_FROM                                                                             \
	" FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"                              \
	" LEFT JOIN usuario u ON u.id = s.abogado_id"
/* Rows whose kept list row is not the joins' text, byte for byte. */
#define TEST_FILA_STALE                                                                            \
	"SELECT count(*)" TEST_ROWS_FROM " WHERE s.fila IS NOT json_remove(" TEST_ROW_BEFORE       \
	", '$.sla')"

/* The page of q equals the joins' rows (with the stored block, fresh after the list ran) in
 * the order sql_order, filtered by sql_where, parsed as JSON. */
static void test_page_is_before(struct store *s, const char *db, struct store_list_query q,
				const char *sql_where, const char *sql_order)
{
	struct buf out;
	long long total;
	char *sql;
	char *want_text;
	json_t *got;
	json_t *want;

	buf_init(&out);
	q.limit = 50;
	q.total_known = -1;
	q.now = TEST_DAY1;
	if (store_list_json(s, &q, &total, &out) < 0)
		fail_msg("store_list_json: %s", store_errmsg(s));
	sql = xasprintf("SELECT json_group_array(json(j)) FROM (SELECT " TEST_ROW_BEFORE
			" j" TEST_ROWS_FROM "%s ORDER BY %s LIMIT 50)",
			sql_where, sql_order);
	want_text = test_text(db, sql);
	got = json_loadb(out.data, out.len, 0, NULL);
	want = json_loads(want_text, 0, NULL);
	assert_non_null(got);
	assert_non_null(want);
	if (!json_equal(got, want))
		print_error("%s\n«%s»\nse esperaba «%s»\n", sql, out.data, want_text);
	assert_true(json_equal(got, want));
	assert_true(json_array_size(got) > 0);
	json_decref(got);
	json_decref(want);
	free(want_text);
	free(sql);
	buf_free(&out);
}

/* The list's rows, read from seguimiento.fila and the stored block, are the rows the joins
 * gave before it (member order and values), after writes through the store and by another
 * program to each table a row shows; each trigger keeps fila. */
static void test_list_rows_kept(void **state)
{
	static const char *const numeros[] = {"20263420000061", "20263420000062", "20263420000063",
					      "20263420000064", "20263420000065", "20263420000066"};
	int calls = 0;
	struct store *s;

	(void)state;
	s = test_open("filas.db", &calls);
	test_exec("filas.db", "INSERT INTO usuario (id, nombre, rol, creado) VALUES"
			      " (7, 'Ana Pérez', 'abogado', '2026-01-01'),"
			      " (8, 'Luis \"Lucho\" Díaz', 'abogado', '2026-01-01')");
	for (size_t i = 0; i < sizeof(numeros) / sizeof(numeros[0]); i++)
		test_store_add(s, numeros[i], "Solicitud", TEST_NOW);
	test_text_is("filas.db", TEST_FILA_STALE, "0");
	test_store_set(s, numeros[0], STORE_FU_ABOGADO_ID, "7", TEST_NOW);
	test_store_set(s, numeros[0], STORE_FU_ESTADO, "repartido", TEST_NOW);
	test_store_set(s, numeros[0], STORE_FU_FECHA_REPARTO, "2026-11-03T09:00:00-05:00",
		       TEST_NOW);
	test_store_set(s, numeros[1], STORE_FU_ABOGADO_ID, "8", TEST_NOW);
	test_store_set(s, numeros[1], STORE_FU_ESTADO, "devuelto", TEST_NOW);
	test_store_set(s, numeros[1], STORE_FU_NUMERO_CONTRATO, "CD-14-2026", TEST_NOW);
	test_store_set(s, numeros[1], STORE_FU_FECHA_RP, "2026-11-05", TEST_NOW);
	test_store_set(s, numeros[1], STORE_FU_PUBLICADO_SECOP, "1", TEST_NOW);
	test_store_set(s, numeros[2], STORE_FU_ESTADO, "concluido", TEST_NOW);
	test_store_set(s, numeros[2], STORE_FU_CONCLUIDO_SATISFACTORIO, "0", TEST_NOW);
	test_store_set(s, numeros[3], STORE_FU_MODALIDAD, "licitacion_publica", TEST_NOW);
	test_store_set(s, numeros[3], STORE_FU_TIPO_TRAMITE, "proceso_seleccion", TEST_NOW);
	test_text_is("filas.db", TEST_FILA_STALE, "0");
	/* Another program: the filing, the lawyer's name, a lawyer removed. */
	test_exec("filas.db", "UPDATE radicado SET asunto = 'Contrato \"urgente\"\\ñ',"
			      " dependencia_origen_nombre = 'Jurídica', eliminado_sgd = 1"
			      " WHERE numero = '20263420000064'");
	test_exec("filas.db", "UPDATE usuario SET nombre = 'Ana María Pérez' WHERE id = 7");
	test_exec("filas.db", "UPDATE seguimiento SET devoluciones = 2, fecha_arl = '2026-11-06'"
			      " WHERE abogado_id = 8");
	test_text_is("filas.db", TEST_FILA_STALE, "0");
	test_text_is("filas.db",
		     "SELECT json_extract(fila, '$.abogado') FROM seguimiento"
		     " WHERE abogado_id = 7",
		     "Ana María Pérez");
	test_page_is_before(s, "filas.db",
			    (struct store_list_query){.orden = STORE_ORDER_FECHA_DESC}, "",
			    "s.fecha_radicacion DESC, s.radicado_id DESC");
	test_page_is_before(s, "filas.db", (struct store_list_query){.orden = STORE_ORDER_NUMERO},
			    "", "r.numero");
	test_page_is_before(
	    s, "filas.db",
	    (struct store_list_query){.orden = STORE_ORDER_NUMERO_DESC, .q = "2026342-0000064"},
	    " WHERE r.numero = '20263420000064'", "r.numero DESC");
	test_page_is_before(
	    s, "filas.db",
	    (struct store_list_query){.orden = STORE_ORDER_FECHA_LIMITE, .abogado_id = 8},
	    " WHERE s.abogado_id = 8",
	    "coalesce(s.sla_fecha_limite, '9999-12-31'), s.fecha_radicacion,"
	    " s.radicado_id");
	test_page_is_before(s, "filas.db",
			    (struct store_list_query){.orden = STORE_ORDER_ESTADO, .abiertos = 1},
			    " WHERE s.estado IN ('repartido', 'en_revision', 'devuelto')",
			    "s.estado, s.fecha_radicacion DESC, s.radicado_id DESC");
	test_page_is_before(s, "filas.db",
			    (struct store_list_query){.orden = STORE_ORDER_FECHA_REPARTO,
						      .legalizacion_pendiente = 1},
			    " WHERE s.numero_contrato <> ''",
			    "s.fecha_reparto IS NULL, s.fecha_reparto, s.radicado_id");
	test_exec("filas.db", "DELETE FROM usuario WHERE id = 7");
	test_text_is("filas.db", TEST_FILA_STALE, "0");
	test_page_is_before(s, "filas.db", (struct store_list_query){.orden = STORE_ORDER_FECHA},
			    "", "s.fecha_radicacion, s.radicado_id");
	store_close(s);
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refresh_after_writes), cmocka_unit_test(test_dirty_shown_exactly),
	    cmocka_unit_test(test_day_change),		 cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test(test_filters_and_orders),	 cmocka_unit_test(test_counters),
	    cmocka_unit_test(test_list_rows_kept),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
