/* test_store_busqueda.c -- unit tests of the list's search (issue 13) on real SQLite files:
 * the follow-up's texts found by a word or word prefix through seguimiento_texto (FTS5,
 * accents and case folded), kept in sync by its triggers, FTS5 syntax typed by a user read
 * as plain words, and a filing number typed with spaces or dashes found whatever the filters. */
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

#include "filing.h"
#include "store.h"
#include "util.h"
#include "test_store_util.h"

#define TEST_PATH_LEN 512
#define TEST_NOW "2026-11-20T09:14:07-05:00"

static void test_gestion(struct store *s, long long id, const char *tipo, const char *texto)
{
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_gestion_add(s, id, tipo, 0, TEST_NOW, texto, -1, NULL), 0);
	assert_int_equal(store_commit(s), 0);
}

/* The numeros the list shows for q under estado (NULL: any), in numero order, joined by
 * spaces; exact (when not NULL) gets numero_exacto. Returns a new string. */
static char *test_find(struct store *s, const char *q, const char *estado, struct buf *exact)
{
	struct store_list_query lq = {.q = q,
				      .estado = estado,
				      .orden = STORE_ORDER_NUMERO,
				      .limit = 50,
				      .total_known = -1,
				      .numero_exacto = exact};
	struct buf out;
	struct buf nums;
	long long total;
	json_t *rows;
	json_t *row;
	size_t i;

	buf_init(&out);
	buf_init(&nums);
	if (store_list_json(s, &lq, &total, &out) < 0)
		fail_msg("q=«%s»: %s", q, store_errmsg(s));
	rows = json_loadb(out.data, out.len, 0, NULL);
	assert_non_null(rows);
	assert_int_equal((long long)json_array_size(rows), total);
	json_array_foreach(rows, i, row)
	{
		buf_printf(&nums, "%s%s", i > 0 ? " " : "",
			   json_string_value(json_object_get(row, "numero")));
	}
	json_decref(rows);
	buf_free(&out);
	return nums.data != NULL ? buf_steal(&nums) : xstrdup("");
}

static void test_expect(struct store *s, const char *q, const char *want)
{
	char *got = test_find(s, q, NULL, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("q=«%s»: «%s», want «%s»", q, got, want);
	free(got);
}

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("busqueda");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* Each text of the follow-up is found by a word or a word's beginning, whatever its
 * accents and case; asunto and numero still by any fragment. */
static void test_follow_up_texts(void **state)
{
	static const struct {
		const char *q;
		const char *want;
	} cases[] = {
	    {"puente", "20261100000001"},
	    {"CONSTRUCCIÓN peatonal", "20261100000001"},
	    {"construccion", "20261100000001"},
	    {"construc", "20261100000001"}, /* a word's beginning */
	    {"ñandú", "20261100000001"},
	    {"NANDU", "20261100000001"},
	    {"cd-045", "20261100000001"},
	    {"045", "20261100000001"},
	    {"póliza", "20261100000001"},
	    {"certificado disponibilidad", "20261100000002"},
	    {"llamé", "20261100000002"}, /* an observacion gestion */
	    {"alimentacion", "20261100000003"},
	    {"Alimentación escolar", "20261100000003"},
	    {"solicitud", "20261100000001 20261100000002 20261100000003"},
	    {"puente certificado", ""}, /* every word, each in some text */
	    {"00002", "20261100000002"},
	    {"inexistente", ""},
	};
	struct store *s = test_store_open("textos.db");
	long long id2;

	(void)state;
	test_store_add(s, "20261100000001", "Solicitud de contrato de obra", TEST_NOW);
	id2 = test_store_add(s, "20261100000002", "Solicitud de prestación de servicios", TEST_NOW);
	test_store_add(s, "20261100000003", "Solicitud: Alimentación escolar", TEST_NOW);
	test_store_set(s, "20261100000001", STORE_FU_OBJETO, "Construcción del puente peatonal",
		       TEST_NOW);
	test_store_set(s, "20261100000001", STORE_FU_CONTRATISTA, "Inversiones Ñandú S.A.S.",
		       TEST_NOW);
	test_store_set(s, "20261100000001", STORE_FU_NUMERO_CONTRATO, "CD-045-2026", TEST_NOW);
	test_store_set(s, "20261100000001", STORE_FU_OBSERVACIONES, "Pendiente la póliza",
		       TEST_NOW);
	test_gestion(s, id2, "devolucion", "Falta el certificado de disponibilidad presupuestal");
	test_gestion(s, id2, "observacion", "Llamé al área");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_expect(s, cases[i].q, cases[i].want);
	/* The index follows a change: the old objeto is gone, the new one is found. */
	test_store_set(s, "20261100000001", STORE_FU_OBJETO, "Mantenimiento de vías", TEST_NOW);
	test_expect(s, "puente", "");
	test_expect(s, "vias", "20261100000001");
	test_expect(s, "ñandu", "20261100000001");
	store_close(s);
}

/* FTS5's syntax typed by a user is read as words: never an error. */
static void test_hostile_syntax(void **state)
{
	static const char *const hostile[] = {
	    "\"",
	    "\"\"",
	    "*",
	    "puente*",
	    "NEAR",
	    "NEAR(puente obra)",
	    "-",
	    "-puente",
	    "puente OR obra",
	    "puente AND NOT",
	    "objeto:puente",
	    "^puente",
	    "(puente",
	    "puente)",
	    "{objeto}: x",
	    "'",
	    "\\",
	    "«»",
	    "a\"b\"c",
	    "+",
	    "%",
	    "_",
	    ":",
	    "NOT",
	};
	struct store *s = test_store_open("hostil.db");
	char *got;

	(void)state;
	test_store_add(s, "20261100000001", "Solicitud de contrato de obra", TEST_NOW);
	test_store_set(s, "20261100000001", STORE_FU_OBJETO, "Construcción del puente peatonal",
		       TEST_NOW);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		got = test_find(s, hostile[i], NULL, NULL);
		free(got);
	}
	/* Quotes, stars and a dash around a word leave the word. */
	test_expect(s, "\"puente\"", "20261100000001");
	test_expect(s, "puente*", "20261100000001");
	test_expect(s, "(puente)", "20261100000001");
	test_expect(s, "-puente-", "20261100000001");
	/* Words joined by punctuation are one phrase: "near puente" is not in the text. */
	test_expect(s, "NEAR(puente", "");
	test_expect(s, "NEAR", "");
	store_close(s);
}

/* A number typed with spaces or dashes names its filing whatever the filters, and says
 * whether the filters leave it out. */
static void test_numero_exacto(void **state)
{
	struct store *s = test_store_open("numero.db");
	struct buf exact;
	char *got;

	(void)state;
	buf_init(&exact);
	test_store_add(s, "20261100002193", "Solicitud de contrato de obra", TEST_NOW);
	test_store_add(s, "1-2021-23677", "Solicitud de otro sistema", TEST_NOW);
	test_store_add(s, "20261100002194", "Solicitud vecina", TEST_NOW);
	test_store_set(s, "20261100002193", STORE_FU_ESTADO, "concluido", TEST_NOW);

	got = test_find(s, "2026 1100 0021 93", "recibido", &exact);
	assert_string_equal(got, "");
	free(got);
	assert_string_equal(exact.data, "{\"numero\":\"20261100002193\",\"estado\":\"concluido\","
					"\"abogado\":null,\"fuera_de_filtros\":true}");
	got = test_find(s, "20261100-002193", "recibido", &exact);
	free(got);
	assert_non_null(strstr(exact.data, "\"numero\":\"20261100002193\""));
	/* The list finds a number typed with dashes too (not by its words). */
	got = test_find(s, "20261100-002193", NULL, &exact);
	assert_string_equal(got, "20261100002193");
	free(got);
	assert_non_null(strstr(exact.data, "\"fuera_de_filtros\":false"));
	got = test_find(s, "2026 1100 0021 9", NULL, &exact); /* words, not the number */
	assert_string_equal(got, "20261100002193 20261100002194");
	free(got);
	assert_string_equal(exact.data, "null");
	got = test_find(s, "20261100002193", "concluido", &exact);
	assert_string_equal(got, "20261100002193");
	free(got);
	assert_non_null(strstr(exact.data, "\"fuera_de_filtros\":false"));
	got = test_find(s, " 1-2021-23677 ", "concluido", &exact);
	free(got);
	assert_string_equal(exact.data, "{\"numero\":\"1-2021-23677\",\"estado\":\"recibido\","
					"\"abogado\":null,\"fuera_de_filtros\":true}");
	test_store_add(s, "2021EE7835", "Solicitud del Servicio Civil", TEST_NOW);
	got = test_find(s, "2021 ee-7835", "concluido", &exact);
	assert_string_equal(got, "");
	free(got);
	assert_non_null(strstr(exact.data, "\"numero\":\"2021EE7835\""));
	got = test_find(s, "1 2021 23677", NULL, &exact);
	assert_string_equal(got, "1-2021-23677");
	free(got);
	assert_non_null(strstr(exact.data, "\"fuera_de_filtros\":false"));
	/* Not a number, or no filing of that number. */
	static const char *const none[] = {"2026", "obra", "20261100002195", "2026/1100", "\""};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		got = test_find(s, none[i], "recibido", &exact);
		free(got);
		if (strcmp(exact.data, "null") != 0)
			fail_msg("q=«%s»: %s", none[i], exact.data);
	}
	buf_free(&exact);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_follow_up_texts),
	    cmocka_unit_test(test_hostile_syntax),
	    cmocka_unit_test(test_numero_exacto),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
