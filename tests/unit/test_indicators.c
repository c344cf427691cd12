/* test_indicators.c -- unit tests of indicators.c: the SLA clock on hand-built filings (a
 * return over a holiday weekend, the 16:30 cut, reassignment, reopening, office days off),
 * and every figure of the indicators, the reparto suggestion and the vencidos filter on the
 * office of tests/data/indicators-scenario.sql (run from the repo root), computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "calendar.h"
#include "config.h"
#include "indicators.h"
#include "store.h"
#include "util.h"
#include "test_tmpdir.h"

#define TEST_SCENARIO "tests/data/indicators-scenario.sql"
#define TEST_PATH_LEN 512
#define TEST_NOW "2024-05-20T10:00:00-05:00" /* Monday */
#define TEST_CLOSING 990		     /* 16:30 */
#define TEST_EPS 1e-9

/* The scenario's filings (see the SQL file). */
#define F1 "20243420000011"
#define F2 "20243420000021"
#define F3 "20243420000031"
#define F4 "20243420000041"
#define F5 "20243420000051"
#define F6 "20243420000061"
#define F7 "20243420000071"
#define F8 "20243420000081"
#define F9 "20243420000091"
#define F10 "20243420000101"
#define F11 "20243420000111"

/* ---- Helpers */

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("indicators");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

static struct calendar *test_calendar(void)
{
	char err[256] = "";
	struct calendar *c = calendar_new(TEST_CLOSING, NULL, 0, err, sizeof(err));

	if (c == NULL)
		fail_msg("calendar_new: %s", err);
	return c;
}

static char *test_read_file(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("cannot open %s (run from the repo root)", path);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

/* Opens a fresh database in the test folder and loads the scenario into it. */
static struct store *test_scenario(const char *name)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	struct store *s;
	sqlite3 *db = NULL;
	char *sql = test_read_file(TEST_SCENARIO);
	char *msg = NULL;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	s = store_open(path, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("scenario: %s", msg);
	sqlite3_close(db);
	free(sql);
	return s;
}

/* root at a path like "por_abogado[1].dias_habiles.mediana"; fails when absent. */
static json_t *jp(json_t *root, const char *path)
{
	char copy[256];
	char *save = NULL;
	json_t *cur = root;

	strlcpy_s(copy, path, sizeof(copy));
	for (char *tok = strtok_r(copy, ".", &save); tok != NULL;
	     tok = strtok_r(NULL, ".", &save)) {
		char *br = strchr(tok, '[');

		if (br != NULL)
			*br = '\0';
		if (tok[0] != '\0')
			cur = json_object_get(cur, tok);
		if (cur != NULL && br != NULL)
			cur = json_array_get(cur, (size_t)strtol(br + 1, NULL, 10));
		if (cur == NULL)
			fail_msg("no %s in the JSON", path);
	}
	return cur;
}

static long long jint(json_t *root, const char *path)
{
	json_t *v = jp(root, path);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", path);
	return json_integer_value(v);
}

static void assert_real_at(json_t *root, const char *path, double want)
{
	json_t *v = jp(root, path);

	if (!json_is_number(v))
		fail_msg("%s is not a number", path);
	if (json_number_value(v) < want - TEST_EPS || json_number_value(v) > want + TEST_EPS)
		fail_msg("%s = %.10g, want %.10g", path, json_number_value(v), want);
}

static void assert_null_at(json_t *root, const char *path)
{
	if (!json_is_null(jp(root, path)))
		fail_msg("%s is not null", path);
}

static void assert_str_at(json_t *root, const char *path, const char *want)
{
	json_t *v = jp(root, path);

	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	if (strcmp(json_string_value(v), want) != 0)
		fail_msg("%s = \"%s\", want \"%s\"", path, json_string_value(v), want);
}

/* A figure {"n", "radicados"}: n and the numeros, joined by ',' ("" for none). */
static void assert_figure(json_t *root, const char *path, const char *numeros)
{
	json_t *fig = jp(root, path);
	json_t *list = json_object_get(fig, "radicados");
	struct buf b;
	size_t i, count = numeros[0] == '\0' ? 0 : 1;
	json_t *v;

	for (const char *p = numeros; *p != '\0'; p++)
		count += *p == ',';
	buf_init(&b);
	json_array_foreach(list, i, v)
	{
		buf_printf(&b, "%s%s", i > 0 ? "," : "", json_string_value(v));
	}
	if (strcmp(b.len > 0 ? b.data : "", numeros) != 0)
		fail_msg("%s.radicados = [%s], want [%s]", path, b.len > 0 ? b.data : "", numeros);
	buf_free(&b);
	if (json_integer_value(json_object_get(fig, "n")) != (json_int_t)count)
		fail_msg("%s.n = %lld, want %zu", path,
			 (long long)json_integer_value(json_object_get(fig, "n")), count);
}

/* A hand-built follow-up for the clock alone. */
static void test_row(struct store_sla_row *r, const char *estado, const char *fecha_reparto,
		     const char *fecha_conclusion, const char *eventos)
{
	memset(r, 0, sizeof(*r));
	r->numero = "1";
	r->estado = estado;
	r->estado_ds = "vigente";
	r->tipo_tramite = "contratacion_directa";
	r->fecha_reparto = fecha_reparto;
	r->fecha_conclusion = fecha_conclusion;
	r->eventos = eventos;
}

static json_t *test_sla(const struct calendar *cal, long meta, const struct store_sla_row *r,
			const char *now)
{
	struct indicators_sla sla;
	json_t *j;

	assert_int_equal(indicators_sla_compute(cal, meta, r, now, &sla), 0);
	j = indicators_sla_json(&sla);
	indicators_sla_free(&sla);
	return j;
}

/* ---- The clock */

static void test_clock_return_over_holiday_weekend(void **state)
{
	struct calendar *cal = test_calendar();
	struct store_sla_row r;
	json_t *j;

	(void)state;
	/* Reparto Thu 05-02 16:45 (after the cut: day 0 is Fri 05-03). Returned Mon 05-06
	 * 09:00: round 1 counts (05-03, 05-06] = {06} = 1. Back Fri 05-10 17:00 (after the
	 * cut; Sat 11, Sun 12 and Mon 13, Ascensión, are off: day 0 is Tue 05-14). The area's
	 * correction: (05-06, 05-10] = {07, 08, 09, 10} = 4. Concluded Thu 05-16 12:00: round 2
	 * counts (05-14, 05-16] = {15, 16} = 2. Used 1 + 2 = 3 = meta: on time. Without the
	 * pause it would be (05-03, 05-16] = 8. Due: 1 day used in round 1, 2 more from round 2's
	 * start: 05-14 + 2 = 05-16. */
	test_row(&r, "concluido", "2024-05-02T16:45:00-05:00", "2024-05-16T12:00:00-05:00",
		 "4|reparto|2024-05-02T16:45:00-05:00;5|devolucion|2024-05-06T09:00:00-05:00;"
		 "6|reingreso|2024-05-10T17:00:00-05:00;7|conclusion|2024-05-16T12:00:00-05:00");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_str_at(j, "reloj", "detenido");
	assert_str_at(j, "estado", "a_tiempo");
	assert_int_equal(jint(j, "dias_usados"), 3);
	assert_int_equal(jint(j, "dias_restantes"), 0);
	assert_str_at(j, "fecha_limite", "2024-05-16");
	assert_str_at(j, "inicio", "2024-05-02T16:45:00-05:00");
	assert_str_at(j, "fin", "2024-05-16T12:00:00-05:00");
	assert_int_equal(json_array_size(jp(j, "rondas")), 2);
	assert_int_equal(jint(j, "rondas[0].dias"), 1);
	assert_str_at(j, "rondas[0].termina", "devolucion");
	assert_int_equal(jint(j, "rondas[1].dias"), 2);
	assert_str_at(j, "rondas[1].inicio", "2024-05-10T17:00:00-05:00");
	assert_str_at(j, "rondas[1].termina", "conclusion");
	assert_int_equal(json_array_size(jp(j, "correcciones")), 1);
	assert_int_equal(jint(j, "correcciones[0].dias"), 4);
	assert_true(json_is_true(jp(j, "correcciones[0].cerrada")));
	assert_int_equal(jint(j, "devoluciones"), 1);
	json_decref(j);

	/* The same filing seen on Tue 05-14 at noon, back from the area that morning:
	 * round 2 has counted (05-14, 05-14] = 0 days; used 1, left 2: a_tiempo, due 05-16. */
	test_row(&r, "en_revision", "2024-05-02T16:45:00-05:00", NULL,
		 "4|reparto|2024-05-02T16:45:00-05:00;5|devolucion|2024-05-06T09:00:00-05:00;"
		 "6|reingreso|2024-05-10T17:00:00-05:00");
	j = test_sla(cal, 3, &r, "2024-05-14T12:00:00-05:00");
	assert_str_at(j, "reloj", "corriendo");
	assert_int_equal(jint(j, "dias_usados"), 1);
	assert_str_at(j, "estado", "a_tiempo");
	assert_str_at(j, "fecha_limite", "2024-05-16");
	assert_null_at(j, "rondas[1].fin");
	json_decref(j);
	calendar_free(cal);
}

static void test_clock_closing_cut(void **state)
{
	struct calendar *cal = test_calendar();
	struct store_sla_row r;
	json_t *j;

	(void)state;
	/* 16:29:59 on Thu 05-16: day 0 is 05-16; on Mon 05-20 used (05-16, 05-20] = {17, 20}
	 * = 2, left 3 - 2 = 1: por_vencer; due 05-16 + 3 = {17, 20, 21} -> 05-21. */
	test_row(&r, "repartido", "2024-05-16T16:29:59-05:00", NULL, "");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_usados"), 2);
	assert_int_equal(jint(j, "dias_restantes"), 1);
	assert_str_at(j, "estado", "por_vencer");
	assert_str_at(j, "fecha_limite", "2024-05-21");
	json_decref(j);
	/* 16:30:00: day 0 is Fri 05-17; used (05-17, 05-20] = {20} = 1, left 2: a_tiempo; due
	 * 05-17 + 3 = {20, 21, 22} -> 05-22. */
	test_row(&r, "repartido", "2024-05-16T16:30:00-05:00", NULL, "");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_usados"), 1);
	assert_str_at(j, "estado", "a_tiempo");
	assert_str_at(j, "fecha_limite", "2024-05-22");
	json_decref(j);
	/* The same instant written in UTC: 21:30Z is 16:30 in Bogotá. */
	test_row(&r, "repartido", "2024-05-16T21:30:00Z", NULL, "");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_usados"), 1);
	json_decref(j);
	/* The due day itself: on Tue 05-21 at 15:00 used (05-16, 05-21] = 3, left 0:
	 * por_vencer; on Wed 05-22 used 4 > 3: vencido, left -1. */
	test_row(&r, "repartido", "2024-05-16T16:29:59-05:00", NULL, "");
	j = test_sla(cal, 3, &r, "2024-05-21T15:00:00-05:00");
	assert_int_equal(jint(j, "dias_restantes"), 0);
	assert_str_at(j, "estado", "por_vencer");
	json_decref(j);
	j = test_sla(cal, 3, &r, "2024-05-22T08:00:00-05:00");
	assert_int_equal(jint(j, "dias_restantes"), -1);
	assert_str_at(j, "estado", "vencido");
	json_decref(j);
	calendar_free(cal);
}

/* «Sin repartir»: business days since the arrival, by the rounds' rule; null once assigned. */
static void test_clock_waiting_unassigned(void **state)
{
	struct calendar *cal = test_calendar();
	struct store_sla_row r;
	json_t *j;

	(void)state;
	/* Arrived Thu 05-09 10:00: day 0 is 05-09; on Mon 05-20 (05-09, 05-20] = {10, 14, 15,
	 * 16, 17, 20} = 6 (Sat 11, Sun 12 and Mon 13, Ascensión, are off). */
	test_row(&r, "recibido", NULL, NULL, "");
	r.fecha_radicacion = "2024-05-09T10:00:00-05:00";
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_str_at(j, "reloj", "sin_iniciar");
	assert_int_equal(jint(j, "dias_en_espera"), 6);
	assert_null_at(j, "dias_usados");
	json_decref(j);
	/* Fri 05-17 09:00: (05-17, 05-20] = 1; at 16:45, after the cut, day 0 is Mon 05-20: 0. */
	r.fecha_radicacion = "2024-05-17T09:00:00-05:00";
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_en_espera"), 1);
	json_decref(j);
	r.fecha_radicacion = "2024-05-17T16:45:00-05:00";
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_en_espera"), 0);
	json_decref(j);
	/* Assigned, out of the queue, or with a lawyer but no reparto date: null. */
	test_row(&r, "repartido", "2024-05-16T10:00:00-05:00", NULL, "");
	r.fecha_radicacion = "2024-05-09T10:00:00-05:00";
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_null_at(j, "dias_en_espera");
	json_decref(j);
	test_row(&r, "archivado", NULL, NULL, "");
	r.fecha_radicacion = "2024-05-09T10:00:00-05:00";
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_null_at(j, "dias_en_espera");
	json_decref(j);
	test_row(&r, "recibido", NULL, NULL, "");
	r.fecha_radicacion = "2024-05-09T10:00:00-05:00";
	r.abogado_id = 7;
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_null_at(j, "dias_en_espera");
	json_decref(j);
	calendar_free(cal);
}

static void test_clock_office_day_off(void **state)
{
	static const char extra[][CALENDAR_DATE_LEN] = {"2024-05-17"};
	char err[256] = "";
	struct calendar *cal = calendar_new(TEST_CLOSING, extra, 1, err, sizeof(err));
	struct store_sla_row r;
	json_t *j;

	(void)state;
	assert_non_null(cal);
	/* With Fri 05-17 off: used (05-16, 05-20] = {20} = 1; due {20, 21, 22} -> 05-22. */
	test_row(&r, "repartido", "2024-05-16T16:29:59-05:00", NULL, "");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_usados"), 1);
	assert_str_at(j, "fecha_limite", "2024-05-22");
	json_decref(j);
	calendar_free(cal);
}

static void test_clock_legacy_and_reassignment(void **state)
{
	struct calendar *cal = test_calendar();
	struct store_sla_row r;
	json_t *j;

	(void)state;
	/* No gestiones: starts at fecha_reparto Fri 05-03 09:00, stops at fecha_conclusion
	 * Tue 05-14: (05-03, 05-14] = {06, 07, 08, 09, 10, 14} = 6 > 5: vencido; due 05-03 + 5
	 * = {06, 07, 08, 09, 10} -> 05-10. */
	test_row(&r, "concluido", "2024-05-03T09:00:00-05:00", "2024-05-14T10:00:00-05:00", "");
	j = test_sla(cal, 5, &r, TEST_NOW);
	assert_str_at(j, "reloj", "detenido");
	assert_int_equal(jint(j, "dias_usados"), 6);
	assert_str_at(j, "estado", "vencido");
	assert_str_at(j, "fecha_limite", "2024-05-10");
	json_decref(j);
	/* Reassigned on 05-08 (fecha_reparto moved with it): the clock keeps the first
	 * reparto, Mon 05-06 11:00: (05-06, 05-20] = {07 08 09 10 14 15 16 17 20} = 9. */
	test_row(&r, "en_revision", "2024-05-08T09:00:00-05:00", NULL,
		 "8|reparto|2024-05-06T11:00:00-05:00;9|reasignacion|2024-05-08T09:00:00-05:00");
	j = test_sla(cal, 5, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_usados"), 9);
	assert_int_equal(jint(j, "dias_restantes"), -4);
	assert_str_at(j, "estado", "vencido");
	assert_str_at(j, "fecha_limite", "2024-05-14");
	assert_int_equal(json_array_size(jp(j, "rondas")), 1);
	json_decref(j);
	calendar_free(cal);
}

static void test_clock_paused_reopened_annulled(void **state)
{
	struct calendar *cal = test_calendar();
	struct store_sla_row r;
	json_t *j;

	(void)state;
	/* Returned and still with the area: round 1 (05-08, 05-09] = 1, then paused; no due
	 * date while the area holds it; its correction so far (05-09, 05-20] = 6. */
	test_row(&r, "devuelto", "2024-05-08T10:00:00-05:00", NULL,
		 "12|reparto|2024-05-08T10:00:00-05:00;13|devolucion|2024-05-09T09:00:00-05:00");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_str_at(j, "reloj", "pausado");
	assert_int_equal(jint(j, "dias_usados"), 1);
	assert_str_at(j, "estado", "a_tiempo");
	assert_null_at(j, "fecha_limite");
	assert_int_equal(jint(j, "correcciones[0].dias"), 6);
	assert_true(json_is_false(jp(j, "correcciones[0].cerrada")));
	assert_null_at(j, "correcciones[0].reingreso");
	json_decref(j);
	/* Concluded Mon 05-06 (round 1: (05-02, 05-06] = {03, 06} = 2), reopened Thu 05-09:
	 * round 2 on Tue 05-14 is (05-09, 05-14] = {10, 14} = 2; used 4 > 3: vencido, running;
	 * due: 2 in round 1, 1 more from 05-09: 05-10. */
	test_row(&r, "en_revision", "2024-05-02T10:00:00-05:00", NULL,
		 "1|reparto|2024-05-02T10:00:00-05:00;2|conclusion|2024-05-06T10:00:00-05:00;"
		 "3|reapertura|2024-05-09T10:00:00-05:00");
	j = test_sla(cal, 3, &r, "2024-05-14T10:00:00-05:00");
	assert_str_at(j, "reloj", "corriendo");
	assert_int_equal(jint(j, "dias_usados"), 4);
	assert_str_at(j, "estado", "vencido");
	assert_str_at(j, "fecha_limite", "2024-05-10");
	assert_null_at(j, "fin");
	json_decref(j);
	/* Archived Tue 05-07 after round 1 (05-02, 05-07] = {03, 06, 07} = 3, reopened Fri
	 * 05-10: the days out of the queue do not count; round 2 on Wed 05-15 is (05-10, 05-15]
	 * = {14, 15} = 2 (Mon 05-13 a holiday). While archived: no clock at all. */
	test_row(&r, "en_revision", "2024-05-02T10:00:00-05:00", NULL,
		 "1|reparto|2024-05-02T10:00:00-05:00;2|archivo|2024-05-07T10:00:00-05:00;"
		 "3|reapertura|2024-05-10T10:00:00-05:00");
	j = test_sla(cal, 3, &r, "2024-05-15T10:00:00-05:00");
	assert_str_at(j, "reloj", "corriendo");
	assert_int_equal(jint(j, "dias_usados"), 5);
	assert_str_at(j, "rondas[0].termina", "archivo");
	assert_int_equal(jint(j, "rondas[1].dias"), 2);
	json_decref(j);
	for (int k = 0; k < 2; k++) {
		test_row(&r, k == 0 ? "archivado" : "trasladado", "2024-05-02T10:00:00-05:00", NULL,
			 "1|reparto|2024-05-02T10:00:00-05:00");
		j = test_sla(cal, 3, &r, TEST_NOW);
		assert_str_at(j, "reloj", "no_aplica");
		assert_null_at(j, "fecha_limite");
		assert_null_at(j, "dias_restantes");
		json_decref(j);
	}
	/* Transferred while returned (the area held it), reopened: returned again, paused from
	 * the reapertura; the first correction (05-09, 05-10] = 1. */
	test_row(&r, "devuelto", "2024-05-08T10:00:00-05:00", NULL,
		 "1|reparto|2024-05-08T10:00:00-05:00;2|devolucion|2024-05-09T09:00:00-05:00;"
		 "3|traslado|2024-05-10T09:00:00-05:00;4|reapertura|2024-05-14T09:00:00-05:00");
	j = test_sla(cal, 3, &r, "2024-05-15T10:00:00-05:00");
	assert_str_at(j, "reloj", "pausado");
	assert_int_equal(jint(j, "dias_usados"), 1);
	assert_int_equal(jint(j, "correcciones[0].dias"), 1);
	assert_int_equal(jint(j, "correcciones[1].dias"), 1);
	assert_int_equal(jint(j, "devoluciones"), 1);
	json_decref(j);
	/* Annulled: no clock. Not given yet: not started. */
	test_row(&r, "anulado", "2024-05-02T10:00:00-05:00", NULL, "");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_str_at(j, "reloj", "no_aplica");
	assert_null_at(j, "dias_usados");
	json_decref(j);
	test_row(&r, "recibido", NULL, NULL, "");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_str_at(j, "estado", "sin_iniciar");
	assert_null_at(j, "fecha_limite");
	json_decref(j);
	/* A gestion with a malformed date is skipped, not fatal. */
	test_row(&r, "repartido", NULL, NULL, "1|reparto|ayer;2|reparto|2024-05-16T16:30:00-05:00");
	j = test_sla(cal, 3, &r, TEST_NOW);
	assert_int_equal(jint(j, "dias_usados"), 1);
	json_decref(j);
	calendar_free(cal);
}

/* Returns a new string: text with each "@MM-DD HH:MM" written as that instant of 2024 in
 * Bogotá, and "-" (the whole text) as NULL. */
static char *test_instants(const char *text)
{
	struct buf b;

	if (strcmp(text, "-") == 0)
		return NULL;
	buf_init(&b);
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '@' && strlen(p) >= 12 && p[6] == ' ') {
			buf_printf(&b, "2024-%.5sT%.5s:00-05:00", p + 1, p + 7);
			p += 11;
		} else {
			buf_append(&b, p, 1);
		}
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_steal(&b);
}

/* The clock's JSON as one line of sla-clock-cases.tsv's last column. */
static void test_clock_summary(json_t *j, struct buf *out)
{
	json_t *v;
	size_t i;

	buf_printf(out, "%s %s", json_string_value(jp(j, "reloj")),
		   json_string_value(jp(j, "estado")));
	if (json_is_null(jp(j, "dias_usados")))
		buf_puts(out, " - -");
	else
		buf_printf(out, " %lld %lld", (long long)jint(j, "dias_usados"),
			   (long long)jint(j, "dias_restantes"));
	buf_printf(out, " %s rondas=[",
		   json_is_null(jp(j, "fecha_limite")) ? "-"
						       : json_string_value(jp(j, "fecha_limite")));
	json_array_foreach(jp(j, "rondas"), i, v)
	{
		buf_printf(out, "%s%lld", i ? "," : "",
			   (long long)json_integer_value(json_object_get(v, "dias")));
	}
	buf_puts(out, "] correcciones=[");
	json_array_foreach(jp(j, "correcciones"), i, v)
	{
		buf_printf(out, "%s%lld%s", i ? "," : "",
			   (long long)json_integer_value(json_object_get(v, "dias")),
			   json_is_true(json_object_get(v, "cerrada")) ? "c" : "");
	}
	buf_printf(out, "] devoluciones=%lld", (long long)jint(j, "devoluciones"));
}

/* Event orders a staff member can produce by accident (a second devolucion, a reingreso
 * without a return, gestiones before the reparto, a conclusion while the area holds the
 * filing...) replayed from tests/data/sla-clock-cases.tsv. */
static void test_clock_table(void **state)
{
	struct calendar *cal = test_calendar();
	char line[2048];
	FILE *fp = fopen("tests/data/sla-clock-cases.tsv", "r");
	int lineno = 0;
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *col[8];
		char *p = line;
		char *rep;
		char *conc;
		char *ev;
		char *now;
		struct store_sla_row r;
		struct buf got;
		json_t *j;
		int k = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		while (k < 8 && p != NULL) {
			col[k++] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		if (k != 8)
			fail_msg("sla-clock-cases.tsv:%d: expected 8 columns", lineno);
		rep = test_instants(col[2]);
		conc = test_instants(col[3]);
		ev = test_instants(col[4]);
		now = test_instants(col[5]);
		test_row(&r, col[0], rep, conc, ev != NULL ? ev : "");
		r.estado_ds = col[1];
		j = test_sla(cal, strtol(col[6], NULL, 10), &r, now);
		buf_init(&got);
		test_clock_summary(j, &got);
		if (strcmp(got.data, col[7]) != 0)
			fail_msg("sla-clock-cases.tsv:%d: got  \"%s\"\n                       want "
				 "\"%s\"",
				 lineno, got.data, col[7]);
		buf_free(&got);
		json_decref(j);
		free(rep);
		free(conc);
		free(ev);
		free(now);
		n++;
	}
	fclose(fp);
	assert_true(n >= 16);
	/* an instant that cannot be placed: -1, and the clock is still safe to free */
	{
		struct indicators_sla sla;
		struct store_sla_row r;

		test_row(&r, "repartido", NULL, NULL, "");
		assert_int_equal(indicators_sla_compute(cal, 3, &r, "ayer", &sla), -1);
		indicators_sla_free(&sla);
		indicators_sla_free(NULL);
	}
	calendar_free(cal);
}

/* ---- The scenario's indicators */

static void test_indicators_scenario(void **state)
{
	struct store *s = test_scenario("ind.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN] = "";
	json_t *j = NULL;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(indicators_build(s, &cfg, cal, "2024-05-01", "2024-05-31", TEST_NOW, &j,
					  err, sizeof(err)),
			 INDICATORS_OK);
	assert_str_at(j, "periodo.desde", "2024-05-01");
	assert_str_at(j, "corte", TEST_NOW);
	assert_int_equal(jint(j, "metas.proceso_seleccion"), 5);

	/* Office. Days used per filing (see the clock tests for the arithmetic):
	 *   F1 (05-02 10:00 -> 05-07): {03, 06, 07} = 3, meta 3      concluded, within
	 *   F2 1 + 2 = 3, meta 3                                     concluded, within
	 *   F3 (05-03 -> 05-14) = 6, meta 5                          concluded, late
	 *   F11 rounds (05-07, 05-08] 1 + (05-09, 05-10] 1 + (05-15, 05-17] 2 = 4, meta 3: late
	 *   F4 9 > 5 open vencido; F5 2 (por_vencer); F6 1; F7 1 paused; F8 not given;
	 *   F9 annulled; F10 filed in April: outside the period. */
	assert_figure(j, "oficina.recibidos",
		      F1 "," F2 "," F3 "," F4 "," F11 "," F7 "," F8 "," F5 "," F6);
	assert_figure(j, "oficina.anulados", F9);
	assert_figure(j, "oficina.sin_repartir", F8);
	assert_figure(j, "oficina.en_curso", F4 "," F7 "," F5 "," F6);
	assert_figure(j, "oficina.concluidos", F1 "," F2 "," F3 "," F11);
	/* Concluded days 3, 3, 6, 4 -> sorted 3 3 4 6: median (3 + 4) / 2 = 3.5; p90 rank
	 * (4 - 1) * 0.9 = 2.7 -> 4 + 0.7 * (6 - 4) = 5.4. */
	assert_int_equal(jint(j, "oficina.dias_habiles.n"), 4);
	assert_real_at(j, "oficina.dias_habiles.mediana", 3.5);
	assert_real_at(j, "oficina.dias_habiles.p90", 5.4);
	assert_str_at(j, "oficina.dias_habiles.mediciones[3].numero", F11);
	assert_int_equal(jint(j, "oficina.dias_habiles.mediciones[3].dias"), 4);
	/* Within target: F1, F2 of base F1 F2 F3 F11 (concluded) + F4 (open, vencido) = 5:
	 * 2 / 5 = 40 %. */
	assert_int_equal(jint(j, "oficina.dentro_meta.base"), 5);
	assert_real_at(j, "oficina.dentro_meta.porcentaje", 40.0);
	assert_figure(j, "oficina.dentro_meta.dentro", F1 "," F2);
	assert_figure(j, "oficina.dentro_meta.fuera", F3 "," F4 "," F11);
	/* Returns: F2 1 + F11 2 + F7 1 = 4, in the filings F2, F11, F7. */
	assert_int_equal(jint(j, "oficina.devoluciones.n"), 4);
	assert_str_at(j, "oficina.devoluciones.radicados[1]", F11);

	/* Lawyers, by name: Ana, Bruno, Carla, Fabio (Elena is inactive and holds nothing; the
	 * director and support staff hold nothing). */
	assert_int_equal(json_array_size(jp(j, "por_abogado")), 4);
	assert_str_at(j, "por_abogado[0].abogado", "Ana Ruiz");
	/* Ana: open now F10 (April) and F5; in May F1, F2, F5; concluded F1 3, F2 3: median 3,
	 * p90 3; within 2 / 2 = 100 %. */
	assert_figure(j, "por_abogado[0].carga_actual", F10 "," F5);
	assert_figure(j, "por_abogado[0].asignados", F1 "," F2 "," F5);
	assert_figure(j, "por_abogado[0].concluidos", F1 "," F2);
	assert_real_at(j, "por_abogado[0].dias_habiles.mediana", 3.0);
	assert_real_at(j, "por_abogado[0].dias_habiles.p90", 3.0);
	assert_real_at(j, "por_abogado[0].dentro_meta.porcentaje", 100.0);
	/* Bruno: open F4; in May F3, F4, F11; concluded F3 6, F11 4 -> 4 6: median 5, p90
	 * rank 0.9 -> 4 + 0.9 * 2 = 5.8; within 0 of F3, F4, F11: 0 %. */
	assert_str_at(j, "por_abogado[1].abogado", "Bruno Díaz");
	assert_figure(j, "por_abogado[1].carga_actual", F4);
	assert_figure(j, "por_abogado[1].asignados", F3 "," F4 "," F11);
	assert_real_at(j, "por_abogado[1].dias_habiles.mediana", 5.0);
	assert_real_at(j, "por_abogado[1].dias_habiles.p90", 5.8);
	assert_real_at(j, "por_abogado[1].dentro_meta.porcentaje", 0.0);
	assert_int_equal(jint(j, "por_abogado[1].dentro_meta.base"), 3);
	/* Carla: open F7 (returned: still hers) and F6; nothing concluded: no times, no %. */
	assert_str_at(j, "por_abogado[2].abogado", "Carla Gómez");
	assert_figure(j, "por_abogado[2].carga_actual", F7 "," F6);
	assert_null_at(j, "por_abogado[2].dias_habiles.mediana");
	assert_null_at(j, "por_abogado[2].dentro_meta.porcentaje");
	/* Fabio: active, nothing yet. */
	assert_str_at(j, "por_abogado[3].abogado", "Fabio Niño");
	assert_figure(j, "por_abogado[3].carga_actual", "");

	/* Per tipo. Directa (meta 3): F1 F2 F11 F7 F8 F5; concluded 3 3 4: median 3, p90
	 * rank 1.8 -> 3 + 0.8 * 1 = 3.8; within F1 F2 of F1 F2 F11: 66.67 %. */
	assert_str_at(j, "por_tipo_tramite[0].tipo_tramite", "contratacion_directa");
	assert_figure(j, "por_tipo_tramite[0].recibidos", F1 "," F2 "," F11 "," F7 "," F8 "," F5);
	assert_real_at(j, "por_tipo_tramite[0].dias_habiles.mediana", 3.0);
	assert_real_at(j, "por_tipo_tramite[0].dias_habiles.p90", 3.8);
	assert_real_at(j, "por_tipo_tramite[0].dentro_meta.porcentaje", 66.67);
	/* Selección (meta 5): F3 F4; F3 6; 0 of 2. Novedad: F6, nothing measured. Otro: F9 is
	 * annulled, so nothing. */
	assert_figure(j, "por_tipo_tramite[1].recibidos", F3 "," F4);
	assert_real_at(j, "por_tipo_tramite[1].dias_habiles.p90", 6.0);
	assert_real_at(j, "por_tipo_tramite[1].dentro_meta.porcentaje", 0.0);
	assert_figure(j, "por_tipo_tramite[2].recibidos", F6);
	assert_null_at(j, "por_tipo_tramite[2].dentro_meta.porcentaje");
	assert_figure(j, "por_tipo_tramite[4].recibidos", "");

	/* Per modality, in fixed order, "" last: licitación F4 (open vencido: 0 %), selección
	 * abreviada F3, concurso none, directa F1 F2 F5 (100 %), mínima cuantía F11, ...,
	 * "" F7 F8 F6. */
	assert_str_at(j, "por_modalidad[0].modalidad", "licitacion_publica");
	assert_real_at(j, "por_modalidad[0].dentro_meta.porcentaje", 0.0);
	assert_figure(j, "por_modalidad[3].recibidos", F1 "," F2 "," F5);
	assert_real_at(j, "por_modalidad[3].dentro_meta.porcentaje", 100.0);
	assert_figure(j, "por_modalidad[4].recibidos", F11);
	assert_str_at(j, "por_modalidad[7].modalidad", "");
	assert_figure(j, "por_modalidad[7].recibidos", F7 "," F8 "," F6);

	/* Per area, most requests first. Salud (600): F1 F2 F8 F5; 1 return / 4 = 0.25;
	 * correction F2 4 -> median 4. Planeación (700): F3 F4 F11 (F9 annulled); 2 returns / 3
	 * = 0.67; corrections F11 1 and 2 -> median 1.5. Educación (800): F7 F6; 1 / 2 = 0.5;
	 * no finished correction; F7's is pending. */
	assert_str_at(j, "por_area[0].dependencia_origen", "600");
	assert_str_at(j, "por_area[0].nombre", "Secretaría de Salud");
	assert_figure(j, "por_area[0].recibidos", F1 "," F2 "," F8 "," F5);
	assert_int_equal(jint(j, "por_area[0].devoluciones.n"), 1);
	assert_real_at(j, "por_area[0].devoluciones.por_solicitud", 0.25);
	assert_real_at(j, "por_area[0].correccion_dias.mediana", 4.0);
	assert_str_at(j, "por_area[1].dependencia_origen", "700");
	assert_figure(j, "por_area[1].recibidos", F3 "," F4 "," F11);
	assert_real_at(j, "por_area[1].devoluciones.por_solicitud", 0.67);
	assert_real_at(j, "por_area[1].correccion_dias.mediana", 1.5);
	assert_int_equal(jint(j, "por_area[1].correccion_dias.n"), 2);
	assert_str_at(j, "por_area[2].dependencia_origen", "800");
	assert_real_at(j, "por_area[2].devoluciones.por_solicitud", 0.5);
	assert_null_at(j, "por_area[2].correccion_dias.mediana");
	assert_figure(j, "por_area[2].correcciones_pendientes", F7);

	/* Now, whatever the filing date: overdue F10 (12 days of 3: (04-30, 05-20] has 12
	 * business days, left -9, due 05-06) and F4 (left -4), most overdue first; due soon
	 * F5 (left 1, due 05-21). */
	assert_int_equal(json_array_size(jp(j, "vencidos")), 2);
	assert_str_at(j, "vencidos[0].numero", F10);
	assert_int_equal(jint(j, "vencidos[0].dias_usados"), 12);
	assert_int_equal(jint(j, "vencidos[0].dias_restantes"), -9);
	assert_str_at(j, "vencidos[0].fecha_limite", "2024-05-06");
	assert_str_at(j, "vencidos[1].numero", F4);
	assert_str_at(j, "vencidos[1].abogado", "Bruno Díaz");
	assert_int_equal(json_array_size(jp(j, "por_vencer")), 1);
	assert_str_at(j, "por_vencer[0].numero", F5);
	assert_str_at(j, "por_vencer[0].fecha_limite", "2024-05-21");
	json_decref(j);

	/* No period: every filing counts, F10 too (10 received, annulled F9 apart). */
	assert_int_equal(indicators_build(s, &cfg, cal, NULL, "", TEST_NOW, &j, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(jint(j, "oficina.recibidos.n"), 10);
	assert_null_at(j, "periodo.desde");
	json_decref(j);

	/* Bad periods are the caller's error, in Spanish. */
	assert_int_equal(
	    indicators_build(s, &cfg, cal, "2024-13-01", NULL, TEST_NOW, &j, err, sizeof(err)),
	    INDICATORS_BAD_DATE);
	assert_null(j);
	assert_non_null(strstr(err, "desde"));
	assert_int_equal(indicators_build(s, &cfg, cal, "2024-06-01", "2024-05-01", TEST_NOW, &j,
					  err, sizeof(err)),
			 INDICATORS_BAD_DATE);
	assert_non_null(strstr(err, "posterior"));
	assert_string_equal(indicators_error_code(INDICATORS_BAD_INPUT), "parametro_invalido");
	assert_int_equal(indicators_http_status(INDICATORS_BAD_INPUT), 400);
	assert_string_equal(indicators_error_code(INDICATORS_BAD_DATE), "fecha_invalida");
	assert_int_equal(indicators_http_status(INDICATORS_BAD_DATE), 422);
	assert_int_equal(indicators_http_status(INDICATORS_NOT_FOUND), 404);

	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

/* A period's ends as far as dates go (9999-12-31 has no next day to bound the query by)
 * select what the open period selects: every filing, never none or some. */
static void test_period_far_ends(void **state)
{
	struct store *s = test_scenario("ends.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	struct indicators_set all;
	struct indicators_set far;
	char err[INDICATORS_ERR_LEN] = "";

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(
	    indicators_load(s, &cfg, cal, NULL, NULL, TEST_NOW, 1, &all, err, sizeof(err)),
	    INDICATORS_OK);
	assert_int_equal(all.n, 11);
	assert_int_equal(indicators_load(s, &cfg, cal, "0001-01-01", "9999-12-31", TEST_NOW, 1,
					 &far, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(far.n, all.n);
	for (size_t i = 0; i < far.n; i++) {
		assert_string_equal(far.v[i].numero, all.v[i].numero);
		assert_int_equal(far.v[i].en_periodo, 1);
	}
	indicators_set_free(&far);
	assert_int_equal(indicators_load(s, &cfg, cal, "2024-05-01", "9999-12-31", TEST_NOW, 1,
					 &far, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(far.n, 10); /* F10 was filed in April */
	indicators_set_free(&far);
	indicators_set_free(&all);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

static void test_sla_for_and_overdue_ids(void **state)
{
	struct store *s = test_scenario("one.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN] = "";
	struct buf ids;
	json_t *j = NULL;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(indicators_sla_for(s, &cfg, cal, F11, TEST_NOW, &j, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(jint(j, "dias_usados"), 4);
	assert_str_at(j, "estado", "vencido");
	/* Due: 1 + 1 in rounds 1 and 2, 1 more from round 3's start 05-15: 05-16. */
	assert_str_at(j, "fecha_limite", "2024-05-16");
	assert_int_equal(json_array_size(jp(j, "rondas")), 3);
	assert_int_equal(jint(j, "correcciones[0].dias"), 1);
	assert_int_equal(jint(j, "correcciones[1].dias"), 2);
	json_decref(j);
	assert_int_equal(indicators_sla_for(s, &cfg, cal, "999", TEST_NOW, &j, err, sizeof(err)),
			 INDICATORS_NOT_FOUND);
	assert_null(j);

	/* The vencidos=1 filter: radicado ids of F10 (id 10) and F4 (id 4), filing-date order. */
	buf_init(&ids);
	assert_int_equal(indicators_overdue_ids(s, &cfg, cal, TEST_NOW, &ids, err, sizeof(err)),
			 INDICATORS_OK);
	assert_string_equal(ids.data, "[10,4]");
	buf_reset(&ids);
	/* On 05-07 at 08:00 nothing is overdue yet but F10: (04-30, 05-07] = {02 03 06 07} = 4. */
	assert_int_equal(indicators_overdue_ids(s, &cfg, cal, "2024-05-07T08:00:00-05:00", &ids,
						err, sizeof(err)),
			 INDICATORS_OK);
	assert_string_equal(ids.data, "[10]");
	buf_free(&ids);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

static void test_suggest_reparto(void **state)
{
	struct store *s = test_scenario("sug.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN] = "";
	json_t *j = NULL;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(indicators_suggest_reparto(s, &cfg, cal, "contratacion_directa", 1,
						    TEST_NOW, &j, err, sizeof(err)),
			 INDICATORS_OK);
	/* Scores (each open filing weighs its meta; running and vencido/por_vencer: double):
	 *   Fabio  nothing                                   0
	 *   Carla  F7 directa 3 (paused) + F6 novedad 3      6, 0 urgent, least left 2 (F6)
	 *   Bruno  F4 selección 5 vencido x 2                10, 1 urgent
	 *   Ana    F10 directa 3 vencido x 2 + F5 3 por vencer x 2 = 12, 2 urgent
	 * Elena is inactive. Given now (05-20 10:00), a directa is due 05-20 + 3 = 05-23. */
	assert_int_equal(jint(j, "meta"), 3);
	assert_str_at(j, "fecha_limite_si_se_asigna", "2024-05-23");
	assert_int_equal(json_array_size(jp(j, "abogados")), 4);
	assert_str_at(j, "abogados[0].abogado", "Fabio Niño");
	assert_int_equal(jint(j, "abogados[0].puntaje"), 0);
	assert_null_at(j, "abogados[0].dias_restantes_min");
	assert_str_at(j, "abogados[1].abogado", "Carla Gómez");
	assert_int_equal(jint(j, "abogados[1].puntaje"), 6);
	assert_int_equal(jint(j, "abogados[1].puntaje_si_se_asigna"), 9);
	assert_int_equal(jint(j, "abogados[1].dias_restantes_min"), 2);
	assert_str_at(j, "abogados[2].abogado", "Bruno Díaz");
	assert_int_equal(jint(j, "abogados[2].puntaje"), 10);
	assert_int_equal(jint(j, "abogados[2].urgentes"), 1);
	assert_str_at(j, "abogados[3].abogado", "Ana Ruiz");
	assert_int_equal(jint(j, "abogados[3].puntaje"), 12);
	assert_int_equal(jint(j, "abogados[3].posicion"), 4);
	assert_str_at(j, "abogados[3].radicados[0].numero", F10);
	assert_int_equal(jint(j, "abogados[3].radicados[0].peso"), 6);
	json_decref(j);
	/* Selección: meta 5, due 05-20 + 5 = 05-27 (Sat 25, Sun 26 off). */
	assert_int_equal(indicators_suggest_reparto(s, &cfg, cal, "proceso_seleccion", 0, TEST_NOW,
						    &j, err, sizeof(err)),
			 INDICATORS_OK);
	assert_str_at(j, "fecha_limite_si_se_asigna", "2024-05-27");
	/* Without detalle the ranking alone: no lawyer lists its filings. */
	assert_int_equal(jint(j, "abogados[3].puntaje"), 12);
	assert_null(json_object_get(jp(j, "abogados[3]"), "radicados"));
	json_decref(j);
	assert_int_equal(
	    indicators_suggest_reparto(s, &cfg, cal, "obra", 0, TEST_NOW, &j, err, sizeof(err)),
	    INDICATORS_BAD_INPUT);
	assert_null(j);
	assert_non_null(strstr(err, "tipo_tramite"));
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

static void test_calendar_routes(void **state)
{
	static const char extra[][CALENDAR_DATE_LEN] = {"2024-12-24", "2024-12-31"};
	char err[INDICATORS_ERR_LEN] = "";
	struct calendar *cal = calendar_new(TEST_CLOSING, extra, 2, err, sizeof(err));
	json_t *j = NULL;

	(void)state;
	assert_non_null(cal);
	/* 2024: 18 public holidays plus the office's two days; 246 - 2 business days. */
	assert_int_equal(indicators_holidays_json(cal, "2024", &j, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(json_array_size(jp(j, "festivos")), 20);
	assert_str_at(j, "festivos[0].fecha", "2024-01-01");
	assert_str_at(j, "festivos[18].fecha", "2024-12-25");
	assert_str_at(j, "festivos[19].nombre", CALENDAR_EXTRA_DAY_NAME);
	assert_int_equal(jint(j, "dias_habiles"), 244);
	json_decref(j);
	/* The shared vector 2024-12-20 + 5 = 2024-12-30 becomes 2025-01-02 without the 24th
	 * and the 31st: 23 = 1, 26 = 2, 27 = 3, 30 = 4, (31 off, 1 Jan holiday) 2 = 5. */
	assert_int_equal(indicators_add_days_json(cal, "2024-12-20", "5", &j, err, sizeof(err)),
			 INDICATORS_OK);
	assert_str_at(j, "resultado", "2025-01-02");
	assert_str_at(j, "inicio", "2024-12-20");
	json_decref(j);
	/* A Saturday: day 0 is the next business day. */
	assert_int_equal(indicators_add_days_json(cal, "2025-06-28", "1", &j, err, sizeof(err)),
			 INDICATORS_OK);
	assert_str_at(j, "inicio", "2025-07-01");
	assert_str_at(j, "resultado", "2025-07-02");
	json_decref(j);
	assert_int_equal(indicators_holidays_json(cal, "1983", &j, err, sizeof(err)),
			 INDICATORS_BAD_INPUT);
	assert_int_equal(indicators_holidays_json(cal, "2024x", &j, err, sizeof(err)),
			 INDICATORS_BAD_INPUT);
	assert_int_equal(indicators_add_days_json(cal, "2024-02-30", "1", &j, err, sizeof(err)),
			 INDICATORS_BAD_DATE);
	assert_int_equal(indicators_add_days_json(cal, NULL, "1", &j, err, sizeof(err)),
			 INDICATORS_BAD_INPUT);
	assert_int_equal(indicators_add_days_json(cal, "2024-02-01", "-1", &j, err, sizeof(err)),
			 INDICATORS_BAD_INPUT);
	assert_int_equal(indicators_add_days_json(cal, "2024-02-01", NULL, &j, err, sizeof(err)),
			 INDICATORS_BAD_INPUT);
	assert_null(j);
	calendar_free(cal);
}

/* The same office on the base actividad for Thu 16 - Fri 17 May 2024: what was done on those
 * two days, whatever the filing date, against the base radicacion of the same days. */
static void test_indicators_activity(void **state)
{
	struct store *s = test_scenario("act.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN] = "";
	json_t *j = NULL;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(indicators_build_on(s, &cfg, cal, "2024-05-16", "2024-05-17",
					     INDICATORS_BASE_ACTIVIDAD, TEST_NOW, &j, err,
					     sizeof(err)),
			 INDICATORS_OK);
	assert_str_at(j, "periodo.base", "actividad");
	/* Received on those days: F5, F6 (both given the same day, before and at the cut). */
	assert_figure(j, "oficina.recibidos", F5 "," F6);
	assert_figure(j, "oficina.repartidos", F5 "," F6);
	/* Concluded on those days: F2 (05-16, 3 days) and F11 (05-17, 4 days), filed on 05-02
	 * and 05-07: median 3.5. F3 (legacy, concluded 05-14) is outside. */
	assert_figure(j, "oficina.concluidos", F2 "," F11);
	assert_real_at(j, "oficina.dias_habiles.mediana", 3.5);
	/* No return on those days (F11's were on 05-08 and 05-10). */
	assert_int_equal(jint(j, "oficina.devoluciones.n"), 0);
	assert_int_equal(jint(j, "oficina.reasignaciones.n"), 0);
	assert_int_equal(jint(j, "oficina.gestiones.reparto.n"), 2);
	assert_int_equal(jint(j, "oficina.gestiones.conclusion.n"), 2);
	assert_int_equal(jint(j, "oficina.gestiones.devolucion.n"), 0);
	/* F2 within (3 <= 3), F11 late (4 > 3); F4 is vencido but its fecha_limite (05-14) fell
	 * before the period: 1 / 2 = 50 %. */
	assert_int_equal(jint(j, "oficina.dentro_meta.base"), 2);
	assert_real_at(j, "oficina.dentro_meta.porcentaje", 50.0);
	/* Arrival to reparto: F5 and F6 were given the day they arrived: 0 days each. */
	assert_int_equal(jint(j, "oficina.tiempo_hasta_reparto.n"), 2);
	assert_real_at(j, "oficina.tiempo_hasta_reparto.mediana", 0.0);
	json_decref(j);

	/* radicacion, same days: only F5 and F6, neither concluded. */
	assert_int_equal(indicators_build_on(s, &cfg, cal, "2024-05-16", "2024-05-17",
					     INDICATORS_BASE_RADICACION, TEST_NOW, &j, err,
					     sizeof(err)),
			 INDICATORS_OK);
	assert_str_at(j, "periodo.base", "radicacion");
	assert_figure(j, "oficina.recibidos", F5 "," F6);
	assert_figure(j, "oficina.repartidos", F5 "," F6);
	assert_int_equal(jint(j, "oficina.concluidos.n"), 0);
	assert_int_equal(jint(j, "oficina.gestiones.reparto.n"), 2);
	json_decref(j);

	/* May by radicacion: F4's arrival (05-06 10:00) to its reparto (05-06 11:00) is 0, F11's
	 * 0, F1's (05-02 09:00 -> 05-02 10:00) 0, F2's (15:00 -> 16:45) 0, F7's 0; F3 legacy
	 * (05-03 08:00 -> fecha_reparto 05-03) 0; F5, F6 0; F8 not given: 8 measurements. */
	assert_int_equal(indicators_build_on(s, &cfg, cal, "2024-05-01", "2024-05-31",
					     INDICATORS_BASE_RADICACION, TEST_NOW, &j, err,
					     sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(jint(j, "oficina.tiempo_hasta_reparto.n"), 8);
	assert_int_equal(jint(j, "oficina.reasignaciones.n"), 1);
	json_decref(j);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

/* Each result answers with the HTTP status and codigo indicators.h promises. */
static void test_status_codes(void **state)
{
	static const struct {
		enum indicators_rc rc;
		int http;
		const char *code;
	} cases[] = {
	    {INDICATORS_OK, 200, "ok"},
	    {INDICATORS_BAD_INPUT, 400, "parametro_invalido"},
	    {INDICATORS_BAD_DATE, 422, "fecha_invalida"},
	    {INDICATORS_NOT_FOUND, 404, "no_encontrado"},
	    {INDICATORS_INTERNAL, 500, "error_interno"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(indicators_http_status(cases[i].rc), cases[i].http);
		assert_string_equal(indicators_error_code(cases[i].rc), cases[i].code);
	}
}

/* The blocks stored on the follow-up rows serve the indicators, the overdue ids and the
 * suggestion with the same figures as the clocks worked out from the gestiones; a block
 * read back gives the block it was written from. */
static void test_stored_blocks(void **state)
{
	static const char *const nums[] = {F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11};
	static const char *const periods[][2] = {{"2024-05-01", "2024-05-31"}, {NULL, NULL}};
	struct store *s = test_scenario("stored.db");
	struct calendar *cal = test_calendar();
	struct indicators_sla_ctx ctx;
	struct indicators_sla sla;
	struct config cfg;
	char err[INDICATORS_ERR_LEN] = "";
	json_t *before[5], *j, *again;
	struct buf ids[2];
	char path[TEST_PATH_LEN];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	config_defaults(&cfg);
	ctx.cfg = &cfg;
	ctx.cal = cal;
	for (int round = 0; round < 2; round++) {
		if (round == 1) /* from here on the rows keep their blocks */
			store_set_sla(s, indicators_sla_text, &ctx);
		for (int k = 0; k < 4; k++) {
			assert_int_equal(
			    indicators_build_detail(
				s, &cfg, cal, periods[k / 2][0], periods[k / 2][1],
				k % 2 ? INDICATORS_BASE_ACTIVIDAD : INDICATORS_BASE_RADICACION,
				INDICATORS_DETAIL_FULL, TEST_NOW, &j, err, sizeof(err)),
			    INDICATORS_OK);
			if (round == 0)
				before[k] = j;
			else {
				assert_true(json_equal(before[k], j));
				json_decref(j);
			}
		}
		assert_int_equal(indicators_suggest_reparto(s, &cfg, cal, "contratacion_directa", 1,
							    TEST_NOW, &j, err, sizeof(err)),
				 INDICATORS_OK);
		if (round == 0)
			before[4] = j;
		else {
			assert_true(json_equal(before[4], j));
			json_decref(j);
		}
		buf_init(&ids[round]);
		assert_int_equal(
		    indicators_overdue_ids(s, &cfg, cal, TEST_NOW, &ids[round], err, sizeof(err)),
		    INDICATORS_OK);
	}
	assert_string_equal(ids[0].data, ids[1].data);
	/* the second round read stored blocks: every row has one of TEST_NOW's day */
	snprintf(path, sizeof(path), "%s/stored.db", test_dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*) FROM seguimiento WHERE sla IS NULL OR"
					    " sla_dia NOT IN ('2024-05-20', '9999-12-31')",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char *text;

		assert_int_equal(
		    indicators_sla_for(s, &cfg, cal, nums[i], TEST_NOW, &j, err, sizeof(err)),
		    INDICATORS_OK);
		text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_int_equal(indicators_sla_from_text(text, &sla), 0);
		again = indicators_sla_json(&sla);
		assert_true(json_equal(j, again));
		indicators_sla_free(&sla);
		json_decref(again);
		free(text);
		json_decref(j);
	}
	/* Another writer's text (an escape, spaces): read by jansson; not a block: -1. */
	assert_int_equal(indicators_sla_from_text(
			     "{ \"reloj\": \"corriendo\", \"estado\": \"a_tiempo\", \"meta\": 3,"
			     " \"inicio\": \"2024-05-20T09:00:00\\u002d05:00\", \"rondas\": [{"
			     "\"inicio\": \"2024-05-20T09:00:00-05:00\", \"dias\": 1}] }",
			     &sla),
			 0);
	assert_string_equal(sla.inicio, "2024-05-20T09:00:00-05:00");
	assert_int_equal(sla.usados, 1);
	assert_int_equal(sla.restantes, 2);
	indicators_sla_free(&sla);
	assert_int_equal(indicators_sla_from_text("[1]", &sla), -1);
	indicators_sla_free(&sla);
	for (int k = 0; k < 5; k++)
		json_decref(before[k]);
	buf_free(&ids[0]);
	buf_free(&ids[1]);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

/* Runs sql on the test folder's database name (fails on an error). */
static void test_exec_sql(const char *name, const char *sql)
{
	char path[TEST_PATH_LEN];
	char *msg = NULL;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The first column of the first row of sql on the test folder's database name. */
static long long test_sql_long(const char *name, const char *sql)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The indicators of both bases, full and counts-only, for the scenario's month and no
 * period, at TEST_NOW: 8 answers into out. */
/* The periods of test_answers: May, none, and Thu 16 - Fri 17 May (under actividad the
 * filings F2 and F11, received before it and concluded in it, come by their gestiones). */
static const char *const test_answer_periods[][2] = {
    {"2024-05-01", "2024-05-31"}, {NULL, NULL}, {"2024-05-16", "2024-05-17"}};
#define TEST_ANSWERS 12

static void test_answers(struct store *s, const struct config *cfg, const struct calendar *cal,
			 json_t *out[TEST_ANSWERS])
{
	char err[INDICATORS_ERR_LEN] = "";

	for (int k = 0; k < TEST_ANSWERS; k++)
		assert_int_equal(indicators_build_detail(
				     s, cfg, cal, test_answer_periods[k / 4][0],
				     test_answer_periods[k / 4][1],
				     k % 2 ? INDICATORS_BASE_ACTIVIDAD : INDICATORS_BASE_RADICACION,
				     k / 2 % 2 ? INDICATORS_DETAIL_COUNTS : INDICATORS_DETAIL_FULL,
				     TEST_NOW, &out[k], err, sizeof(err)),
				 INDICATORS_OK);
}

/* The answers of test_answers are again those of want. */
static void test_same_answers(struct store *s, const struct config *cfg, const struct calendar *cal,
			      json_t *want[TEST_ANSWERS])
{
	json_t *got[TEST_ANSWERS];

	test_answers(s, cfg, cal, got);
	for (int k = 0; k < TEST_ANSWERS; k++) {
		assert_true(json_equal(want[k], got[k]));
		json_decref(got[k]);
	}
}

/* Migration 10 copies the stored blocks' members into their columns (a database of schema
 * 9 with its blocks), and the indicators read from the columns, or from the text when the
 * columns are empty, the same figures as before. */
static void test_stored_members_migrate(void **state)
{
	struct store *s = test_scenario("m9.db");
	struct calendar *cal = test_calendar();
	struct indicators_sla_ctx ctx;
	struct config cfg;
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	json_t *before[TEST_ANSWERS], *after[TEST_ANSWERS];

	(void)state;
	config_defaults(&cfg);
	ctx.cfg = &cfg;
	ctx.cal = cal;
	store_set_sla(s, indicators_sla_text, &ctx);
	test_answers(s, &cfg, cal, before);
	/* the counts of 16 - 17 May under actividad: F2 and F11 concluded
	 * (test_indicators_activity) */
	assert_int_equal(jint(before[11], "oficina.concluidos.n"), 2);
	assert_int_equal(jint(before[11], "oficina.recibidos.n"), 2);
	store_close(s);
	/* back to schema 9, the blocks kept (tests/integration/segtest.py's undo of steps 14,
	 * 13, 12, 11 and 10) */
	test_exec_sql("m9.db", "DROP INDEX seguimiento_orden_fecha;"
			       "DROP INDEX seguimiento_orden_estado;"
			       "DROP INDEX seguimiento_orden_estado_desc;"
			       "DROP INDEX seguimiento_orden_tipo;"
			       "DROP INDEX seguimiento_orden_tipo_desc;"
			       "DROP INDEX seguimiento_orden_reparto;"
			       "DROP INDEX seguimiento_orden_reparto_desc;"
			       "DROP INDEX seguimiento_orden_limite;"
			       "DROP INDEX seguimiento_orden_limite_desc;"
			       "DROP INDEX seguimiento_orden_restantes;"
			       "DROP INDEX seguimiento_orden_restantes_desc;"
			       "DROP INDEX seguimiento_orden_numero;"
			       "DROP TRIGGER seguimiento_sla_ai;"
			       "CREATE TRIGGER seguimiento_sla_ai AFTER INSERT ON seguimiento WHEN "
			       "NEW.fecha_radicacion = '' OR NEW.sla_dia IS NOT NULL BEGIN UPDATE "
			       "seguimiento SET sla_dia = NULL, fecha_radicacion = coalesce((SELECT "
			       "r.fecha_radicacion FROM radicado r WHERE r.id = NEW.radicado_id), '') "
			       "WHERE radicado_id = NEW.radicado_id; END;"
			       "DROP TRIGGER radicado_sla_au;"
			       "CREATE TRIGGER radicado_sla_au AFTER UPDATE OF numero, estado_ds, "
			       "fecha_radicacion, tipo_radicado, dependencia_origen, "
			       "dependencia_origen_nombre ON radicado WHEN OLD.numero IS NOT "
			       "NEW.numero OR OLD.estado_ds IS NOT NEW.estado_ds OR "
			       "OLD.fecha_radicacion IS NOT NEW.fecha_radicacion OR OLD.tipo_radicado "
			       "IS NOT NEW.tipo_radicado OR OLD.dependencia_origen IS NOT "
			       "NEW.dependencia_origen OR OLD.dependencia_origen_nombre IS NOT "
			       "NEW.dependencia_origen_nombre BEGIN UPDATE seguimiento SET sla_dia = "
			       "NULL, fecha_radicacion = NEW.fecha_radicacion WHERE radicado_id = "
			       "NEW.id; END;"
			       "DROP INDEX seguimiento_reparto;"
			       "DROP INDEX seguimiento_conclusion;"
			       "DROP INDEX seguimiento_recepcion;"
			       "DROP INDEX seguimiento_cifras;"
			       "DROP INDEX seguimiento_cifras_abiertos;"
			       "DROP INDEX gestion_fecha;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_cifras;"
			       "ALTER TABLE seguimiento DROP COLUMN numero;"
			       "ALTER TABLE seguimiento DROP COLUMN area;"
			       "ALTER TABLE seguimiento DROP COLUMN area_nombre;"
			       "ALTER TABLE seguimiento DROP COLUMN gestion_tipos;"
			       "DROP TRIGGER seguimiento_conteo_dia_ai;"
			       "DROP TRIGGER seguimiento_conteo_dia_ad;"
			       "DROP TRIGGER seguimiento_conteo_dia_au;"
			       "DROP TABLE seguimiento_conteo_dia;"
			       "DROP INDEX seguimiento_semaforo;"
			       "DROP INDEX seguimiento_abierto_limite;"
			       "DROP INDEX seguimiento_legalizacion;"
			       "DROP INDEX seguimiento_conteo_sla;"
			       "DROP INDEX seguimiento_conteo_tipo;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_reloj;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_meta;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_inicio;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_fin;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_devoluciones;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_espera;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_rondas;"
			       "ALTER TABLE seguimiento DROP COLUMN sla_correcciones;"
			       "DROP INDEX gestion_radicado;"
			       "CREATE INDEX gestion_radicado ON gestion (radicado_id, fecha);"
			       "PRAGMA user_version = 9;");
	snprintf(path, sizeof(path), "%s/m9.db", test_dir);
	s = store_open(path, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	store_set_sla(s, indicators_sla_text, &ctx);
	assert_int_equal(test_sql_long("m9.db", "PRAGMA user_version"), store_schema_version());
	assert_true(store_schema_version() >= 10);
	/* every stored block's members in their columns */
	assert_true(test_sql_long("m9.db", "SELECT count(*) FROM seguimiento WHERE sla IS NOT NULL"
					   " AND sla_reloj IS NOT NULL") > 5);
	assert_int_equal(
	    test_sql_long(
		"m9.db",
		"SELECT count(*) FROM seguimiento WHERE sla IS NOT NULL AND NOT ("
		"sla_reloj IS json_extract(sla, '$.reloj') AND sla_meta IS"
		" json_extract(sla, '$.meta') AND sla_inicio IS json_extract(sla, '$.inicio')"
		" AND sla_fin IS json_extract(sla, '$.fin') AND sla_devoluciones IS"
		" json_extract(sla, '$.devoluciones') AND sla_espera IS"
		" json_extract(sla, '$.dias_en_espera') AND (json_array_length(sla,"
		" '$.rondas') = 0) = (sla_rondas = '') AND (json_array_length(sla,"
		" '$.correcciones') = 0) = (sla_correcciones = ''))"),
	    0);
	/* a block with two rounds and a correction, as the columns hold it */
	assert_true(
	    test_sql_long(
		"m9.db",
		"SELECT count(*) FROM seguimiento WHERE json_array_length(sla, '$.rondas') > 1"
		" AND json_array_length(sla, '$.correcciones') > 0 AND sla_rondas ="
		" (SELECT group_concat(json_extract(value, '$.inicio') || '|' ||"
		" json_extract(value, '$.fin') || '|' || json_extract(value, '$.termina') ||"
		" '|' || json_extract(value, '$.dias'), ';') FROM json_each(sla, '$.rondas'))"
		" AND sla_correcciones LIKE '%|%|%|1'") > 0);
	test_same_answers(s, &cfg, cal, before);
	/* without the members (a block another writer stored): the text serves, same figures */
	test_exec_sql("m9.db", "UPDATE seguimiento SET sla_reloj = NULL");
	test_same_answers(s, &cfg, cal, before);
	/* the counts' record missing or not one (another writer): the counts read the full rows,
	 * same figures */
	test_exec_sql("m9.db", "UPDATE seguimiento SET sla_cifras = NULL");
	test_same_answers(s, &cfg, cal, before);
	test_exec_sql("m9.db", "UPDATE seguimiento SET sla_cifras = 'reloj|desconocido|'");
	test_same_answers(s, &cfg, cal, before);
	for (int k = 0; k < TEST_ANSWERS; k++)
		json_decref(before[k]);
	/* a new name of an area reaches the counts (its filings' blocks are written again) */
	test_exec_sql("m9.db", "UPDATE radicado SET dependencia_origen_nombre = 'Secretaría de"
			       " Salud y Protección' WHERE dependencia_origen = '600'");
	test_answers(s, &cfg, cal, after);
	assert_str_at(after[2], "por_area[0].dependencia_origen", "600");
	assert_str_at(after[2], "por_area[0].nombre", "Secretaría de Salud y Protección");
	assert_true(test_sql_long("m9.db",
				  "SELECT count(*) FROM seguimiento WHERE area = '600'"
				  " AND area_nombre = 'Secretaría de Salud y Protección'") > 0);
	for (int k = 0; k < TEST_ANSWERS; k++)
		json_decref(after[k]);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clock_return_over_holiday_weekend),
	    cmocka_unit_test(test_clock_closing_cut),
	    cmocka_unit_test(test_clock_office_day_off),
	    cmocka_unit_test(test_clock_waiting_unassigned),
	    cmocka_unit_test(test_clock_legacy_and_reassignment),
	    cmocka_unit_test(test_clock_paused_reopened_annulled),
	    cmocka_unit_test(test_clock_table),
	    cmocka_unit_test(test_indicators_scenario),
	    cmocka_unit_test(test_indicators_activity),
	    cmocka_unit_test(test_period_far_ends),
	    cmocka_unit_test(test_sla_for_and_overdue_ids),
	    cmocka_unit_test(test_suggest_reparto),
	    cmocka_unit_test(test_stored_blocks),
	    cmocka_unit_test(test_stored_members_migrate),
	    cmocka_unit_test(test_calendar_routes),
	    cmocka_unit_test(test_status_codes),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
