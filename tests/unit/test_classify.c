/* test_classify.c -- unit tests of classify.c: folding, the shipped keyword rules
 * (mappings/clasificacion.json) plus a document-type table of the test's own against the case
 * table tests/data/classify-cases.txt, and refused rule sets (classify-bad.json). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

#define TEST_MAPPING "mappings/clasificacion.json"
/* The shipped table is empty (codes differ between installations); the cases use these. */
static const char *const test_codes[][2] = {
    {"1070", "contratacion_directa"},	 {"1071", "novedad_contractual"},
    {"1072", "liquidacion_terminacion"}, {"1073", "proceso_seleccion"},
    {"1074", "liquidacion_terminacion"}, {"1075", "contratacion_directa"},
};
#define TEST_CASES "tests/data/classify-cases.txt"
#define TEST_BAD "tests/data/classify-bad.json"
#define TEST_MIN_CASES 25
#define TEST_LINE 4096
#define TEST_ERR 512

static json_t *test_root;
static struct classify_rules *test_rules;

static int test_setup(void **state)
{
	json_error_t jerr;
	char err[TEST_ERR];

	(void)state;
	test_root = json_load_file(TEST_MAPPING, 0, &jerr);
	if (test_root == NULL) {
		fprintf(stderr, "%s: %s (run from the repository root)\n", TEST_MAPPING, jerr.text);
		return -1;
	}
	if (json_object_size(
		json_object_get(json_object_get(test_root, "classify"), "document_types")) != 0) {
		fprintf(stderr, "%s: classify.document_types must ship empty\n", TEST_MAPPING);
		return -1;
	}
	for (size_t i = 0; i < sizeof(test_codes) / sizeof(test_codes[0]); i++)
		json_object_set_new(
		    json_object_get(json_object_get(test_root, "classify"), "document_types"),
		    test_codes[i][0], json_string(test_codes[i][1]));
	test_rules = classify_load(json_object_get(test_root, "classify"), err, sizeof(err));
	if (test_rules == NULL) {
		fprintf(stderr, "classify_load: %s\n", err);
		return -1;
	}
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	classify_free(test_rules);
	json_decref(test_root);
	return 0;
}

static void test_fold(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"Adición", "adicion"},
	    {"PRÓRROGA", "prorroga"},
	    {"Otrosí N° 1", "otrosi n\xc2\xb0 1"}, /* the degree sign is not a letter: kept */
	    {"ÁÉÍÓÚ áéíóú ÀÈÌÒÙ àèìòù", "aeiou aeiou aeiou aeiou"},
	    {"Ñandú Peña Muñoz", "nandu pena munoz"},
	    {"Güicán PINGÜINO", "guican pinguino"},
	    {"ÇÃÕÂÊÔ çãõâêô Ææ Øø ß Ýýÿ", "caoaeo caoaeo aeae oo ss yyy"},
	    {"5 × 3 ÷ 2", "5 \xc3\x97 3 \xc3\xb7 2"}, /* × and ÷: kept */
	    {"pro\xcc\x81rroga", "prorroga"},	      /* combining acute dropped */
	    {"Straße €100", "strasse \xe2\x82\xac"
			    "100"},
	    {"", ""},
	    /* invalid UTF-8: copied byte by byte, never read past the end */
	    {"abc\xc3", "abc\xc3"},
	    {"\xc3(x", "\xc3(x"},
	    {"\xcc", "\xcc"},
	    {"\xcd\xb0", "\xcd\xb0"}, /* U+0370 is not a combining mark */
	    {"\xff\xfe", "\xff\xfe"},
	    {"\x80\xc3\xa1", "\x80"
			     "a"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* An exact-size copy, so AddressSanitizer sees any read past the NUL. */
		size_t n = strlen(cases[i].in);
		char *in = malloc(n + 1);
		char *out;

		memcpy(in, cases[i].in, n + 1);
		out = classify_fold(in);
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("fold case %zu: got \"%s\", want \"%s\"", i, out, cases[i].out);
		free(out);
		free(in);
	}
	{
		char *out = classify_fold(NULL);

		assert_string_equal(out, "");
		free(out);
	}
}

static void test_cases_file(void **state)
{
	FILE *fp = fopen(TEST_CASES, "r");
	char line[TEST_LINE];
	int lineno = 0;
	int checked = 0;
	int failed = 0;

	(void)state;
	if (fp == NULL)
		fail_msg("%s: cannot open (run from the repository root)", TEST_CASES);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *expected;
		char *code;
		char *subject;
		char *tab1;
		char *tab2;
		const char *got;
		char *type_name;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tab1 = strchr(line, '\t');
		tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (tab2 == NULL)
			fail_msg("%s:%d: expected 3 or 4 tab-separated columns", TEST_CASES,
				 lineno);
		*tab1 = '\0';
		*tab2 = '\0';
		expected = line;
		code = tab1 + 1;
		subject = tab2 + 1;
		type_name = strchr(subject, '\t');
		if (type_name != NULL)
			*type_name++ = '\0';
		got = classify_tipo_tramite(test_rules, code, subject, type_name);
		checked++;
		if (strcmp(got, expected) != 0) {
			fprintf(stderr, "%s:%d: \"%s\" (code \"%s\"): got %s, want %s\n",
				TEST_CASES, lineno, subject, code, got, expected);
			failed++;
		}
	}
	fclose(fp);
	assert_int_equal(failed, 0);
	assert_true(checked >= TEST_MIN_CASES);
}

static void test_null_arguments(void **state)
{
	(void)state;
	assert_string_equal(classify_tipo_tramite(NULL, "1071", "adición", NULL), "otro");
	assert_string_equal(classify_tipo_tramite(test_rules, NULL, NULL, NULL), "otro");
	assert_string_equal(classify_tipo_tramite(test_rules, NULL, "Prórroga", NULL),
			    "novedad_contractual");
	assert_string_equal(classify_tipo_tramite(test_rules, " 1071 ", NULL, NULL),
			    "novedad_contractual");
	assert_null(classify_by_keywords(test_rules, NULL));
	assert_null(classify_by_keywords(NULL, "adición"));
	assert_null(classify_by_keywords(test_rules, "Memorando de la oficina"));
	assert_string_equal(classify_by_keywords(test_rules, "Solicitud de prórroga"),
			    "novedad_contractual");
	assert_int_equal(classify_ncodes(test_rules), sizeof(test_codes) / sizeof(test_codes[0]));
	assert_int_equal(classify_ncodes(NULL), 0);
}

/* Every returned string is one of the five static names (callers may keep the pointer):
 * the same name reached by a code and by a keyword is the same pointer, and each of the five
 * names comes back as itself. */
static void test_static_results(void **state)
{
	static const char *const names[] = {"contratacion_directa", "proceso_seleccion",
					    "novedad_contractual", "liquidacion_terminacion"};
	const char *a = classify_tipo_tramite(test_rules, "", "Licitación pública", NULL);
	const char *b = classify_tipo_tramite(test_rules, "1073", "", NULL);
	const char *c = classify_tipo_tramite(test_rules, "", "", "Licitación");

	(void)state;
	assert_string_equal(a, "proceso_seleccion");
	assert_ptr_equal(a, b);
	assert_ptr_equal(a, c);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *code = test_codes[i == 0 ? 0 : i == 1 ? 3 : i == 2 ? 1 : 2][0];
		const char *got = classify_tipo_tramite(test_rules, code, NULL, NULL);

		assert_string_equal(got, names[i]);
		assert_ptr_equal(got, classify_tipo_tramite(test_rules, code, "", ""));
	}
}

static void test_load_errors(void **state)
{
	json_error_t jerr;
	json_t *arr = json_load_file(TEST_BAD, 0, &jerr);
	size_t i;
	json_t *c;

	(void)state;
	if (arr == NULL)
		fail_msg("%s: %s", TEST_BAD, jerr.text);
	json_array_foreach(arr, i, c)
	{
		const char *expect = json_string_value(json_object_get(c, "expect"));
		char err[TEST_ERR] = "";
		struct classify_rules *r;

		r = classify_load(json_object_get(c, "classify"), err, sizeof(err));
		if (r != NULL) {
			classify_free(r);
			fail_msg("%s case %zu: loaded, want error \"%s\"", TEST_BAD, i, expect);
		}
		if (strstr(err, expect) == NULL)
			fail_msg("%s case %zu: error \"%s\", want \"%s\"", TEST_BAD, i, err,
				 expect);
	}
	assert_true(i > 0);
	json_decref(arr);
	assert_null(classify_load(NULL, NULL, 0));
}

/* An empty rule set classifies everything as its default. */
static void test_empty_rules(void **state)
{
	json_t *o = json_object();
	char err[TEST_ERR];
	struct classify_rules *r;

	(void)state;
	json_object_set_new(o, "default", json_string("contratacion_directa"));
	r = classify_load(o, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(classify_tipo_tramite(r, "1071", "adición", "Prórroga"),
			    "contratacion_directa");
	classify_free(r);
	json_decref(o);
	classify_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fold),	   cmocka_unit_test(test_cases_file),
	    cmocka_unit_test(test_null_arguments), cmocka_unit_test(test_static_results),
	    cmocka_unit_test(test_load_errors),	   cmocka_unit_test(test_empty_rules),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
