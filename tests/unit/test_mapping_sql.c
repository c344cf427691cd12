/* test_mapping_sql.c -- unit tests of the sql format of a mapping (mapping_sql.c) with
 * mappings/orfeo-sql.json: the queries' placeholders as bound parameters, fragments, the
 * session settings, rows into filings (HTML entities, trimming, codes, dates), refused
 * files; and ds_pg's text[] literal. No database here: tests/integration/test_orfeo_sql.py
 * runs the queries against a real PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ds_pg.h"
#include "filing.h"
#include "mapping.h"
#include "util.h"

#define TEST_MAPPING "mappings/orfeo-sql.json"
#define TEST_NAMED "tests/data/mappings/sql-named.json"
#define TEST_ERR 1024

static struct mapping *test_m;

static int test_setup(void **state)
{
	char err[TEST_ERR];

	(void)state;
	test_m = mapping_load(TEST_MAPPING, err, sizeof(err));
	if (test_m == NULL) {
		fprintf(stderr, "%s (run from the repository root)\n", err);
		return -1;
	}
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	mapping_free(test_m);
	return 0;
}

static void test_profile(void **state)
{
	(void)state;
	assert_string_equal(mapping_profile(test_m), "orfeo-sql");
	assert_int_equal(mapping_format(test_m), MAPPING_FORMAT_SQL);
	assert_int_equal(mapping_cursor_kind(test_m), MAPPING_CURSOR_INSTANTE);
	assert_string_equal(mapping_cursor_name(mapping_cursor_kind(test_m)), "instante");
	assert_int_equal(mapping_overlap_minutes(test_m), 30);
	assert_int_equal(mapping_max_window_days(test_m), 31);
	assert_string_equal(mapping_sql_timezone(test_m), "America/Bogota");
	assert_int_equal(mapping_sql_statement_timeout(test_m), 120);
	assert_string_equal(mapping_timezone_offset(test_m), "-05:00");
	assert_int_equal(mapping_cursor_parse("fecha"), MAPPING_CURSOR_FECHA);
	assert_int_equal(mapping_cursor_parse("token"), MAPPING_CURSOR_TOKEN);
	assert_int_equal(mapping_cursor_parse("hora"), -1);
	assert_int_equal(mapping_cursor_parse(NULL), -1);
	/* The classification comes from the base file; its table ships empty. */
	assert_int_equal(mapping_classify_codes(test_m), 0);
	assert_string_equal(mapping_classify_text(test_m, "Solicitud de contratación directa"),
			    "contratacion_directa");
	assert_null(mapping_classify_text(test_m, "Derecho de petición"));
}

/* Every placeholder became $k, each name once, in order of first use; fragments were
 * included; nothing of the template syntax is left. */
static void test_queries(void **state)
{
	static const struct {
		enum mapping_query_kind q;
		const char *names; /* sorted, comma-separated */
	} cases[] = {
	    {MQ_LIST, "dependencia,desde,hasta,inicio"},
	    {MQ_LIST_BY_DATE, "ahora,dependencia,fecha_desde,fecha_hasta,inicio"},
	    {MQ_INFO, "numeros"},
	    {MQ_DOCUMENT_TYPES, ""},
	    {MQ_WRITE_PRIVILEGE, ""},
	    {MQ_ARRIVAL_INDEX, ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *sql;
		const char *const *names;
		size_t n;
		char list[256] = "";
		char *sorted[MAPPING_SQL_MAX_PARAMS];

		assert_int_equal(mapping_sql_query(test_m, cases[i].q, &sql, &names, &n), 0);
		assert_null(strstr(sql, "{{"));
		assert_null(strstr(sql, "}}"));
		for (size_t k = 0; k < n; k++) {
			char dollar[24];

			snprintf(dollar, sizeof(dollar), "$%zu", k + 1);
			assert_non_null(strstr(sql, dollar));
			sorted[k] = (char *)names[k];
			for (size_t j = 0; j < k; j++)
				assert_string_not_equal(names[j], names[k]);
		}
		/* no parameter beyond the last */
		{
			char dollar[24];

			snprintf(dollar, sizeof(dollar), "$%zu", n + 1);
			assert_null(strstr(sql, dollar));
		}
		for (size_t a = 0; a < n; a++) {
			for (size_t b = a + 1; b < n; b++) {
				if (strcmp(sorted[a], sorted[b]) > 0) {
					char *t = sorted[a];

					sorted[a] = sorted[b];
					sorted[b] = t;
				}
			}
		}
		for (size_t k = 0; k < n; k++) {
			strcat(list, k ? "," : "");
			strcat(list, sorted[k]);
		}
		assert_string_equal(list, cases[i].names);
	}
	/* The shared column list and joins are in the three filing queries. */
	for (enum mapping_query_kind q = MQ_LIST; q <= MQ_INFO; q++) {
		const char *sql;
		const char *const *names;
		size_t n;

		assert_int_equal(mapping_sql_query(test_m, q, &sql, &names, &n), 0);
		assert_non_null(strstr(sql, "AS tipo_documental_nombre"));
		assert_non_null(strstr(sql, "LEFT JOIN LATERAL"));
		assert_null(strstr(sql, "concat("));
	}
}

/* A SOAP profile has no queries. */
static void test_no_queries_in_soap(void **state)
{
	char err[TEST_ERR];
	struct mapping *soap = mapping_load("mappings/orfeo-soap.json", err, sizeof(err));
	const char *sql;
	const char *const *names;
	size_t n;

	(void)state;
	assert_non_null(soap);
	assert_int_equal(mapping_sql_query(soap, MQ_LIST, &sql, &names, &n), -1);
	assert_int_equal(mapping_sql_query(NULL, MQ_LIST, &sql, &names, &n), -1);
	assert_int_equal(mapping_format(soap), MAPPING_FORMAT_XML);
	assert_int_equal(mapping_cursor_kind(soap), MAPPING_CURSOR_FECHA);
	assert_int_equal(mapping_overlap_minutes(soap), 0);
	mapping_free(soap);
}

/* A row as the list query returns it. */
static void test_row_values(const char *v[MAPPING_NFIELDS])
{
	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		v[i] = NULL;
	v[MF_NUMERO] = "20242110004873";
	v[MF_FECHA] = "2024-05-02 16:51:40";
	v[MF_ASUNTO] = "  Solicitud de adici\xc3\xb3n &amp; pr\xc3\xb3rroga &quot;urgente&quot; "
		       "&lt;OTROS&gt; N&#039;1 &#39;a&#39; &#x41; &aacute; a & b &noexiste; &#0; ";
	v[MF_FOLIOS] = "12";
	v[MF_RUTA] = "";
	v[MF_DEP_ORIGEN] = "211";
	v[MF_DEP_ORIGEN_NOMBRE] = "Subdirecci\xc3\xb3n Financiera";
	v[MF_DEP_ACTUAL] = "342";
	v[MF_REMITENTE] = "Mar\xc3\xad"
			  "a Pe\xc3\xb1"
			  "a";
	v[MF_TIPO_DOC] = "1071";
	v[MF_TIPO_DOC_NOMBRE] = "Solicitud de contrataci\xc3\xb3n directa";
	v[MF_ESTADO] = "";
}

static void test_row(void **state)
{
	const char *v[MAPPING_NFIELDS];
	struct filing f;
	char err[TEST_ERR];

	(void)state;
	test_row_values(v);
	filing_init(&f);
	assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_OK);
	assert_string_equal(f.numero, "20242110004873");
	assert_string_equal(f.tipo_radicado, "interna");
	assert_string_equal(f.fecha_radicacion, "2024-05-02T16:51:40-05:00");
	/* decoded once, trimmed; text that only looks like a reference is kept */
	assert_string_equal(f.asunto, "Solicitud de adici\xc3\xb3n & pr\xc3\xb3rroga \"urgente\" "
				      "<OTROS> N'1 'a' A \xc3\xa1 a & b &noexiste; &#0;");
	assert_int_equal(f.folios, 12);
	assert_string_equal(f.dependencia_origen_nombre, "Subdirecci\xc3\xb3n Financiera");
	assert_string_equal(f.dependencia_actual, "342");
	assert_string_equal(f.tipo_documental_nombre, "Solicitud de contrataci\xc3\xb3n directa");
	assert_string_equal(f.estado_ds, "vigente");
	assert_int_equal(f.has_detail, 1);
	/* no keyword in the subject... the subject has "prórroga": novedad wins */
	assert_string_equal(mapping_classify(test_m, &f), "novedad_contractual");
	filing_free(&f);

	/* Codes, a missing column (NULL: empty), a fraction, an annulment */
	v[MF_ASUNTO] = "Memorando";
	v[MF_FECHA] = "2024-05-02 16:51:40.999999";
	v[MF_FOLIOS] = NULL;
	v[MF_REMITENTE] = NULL;
	v[MF_ESTADO] = "2";
	filing_init(&f);
	assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_OK);
	assert_string_equal(f.fecha_radicacion, "2024-05-02T16:51:40-05:00");
	assert_int_equal(f.folios, 0);
	assert_string_equal(f.remitente, "");
	assert_string_equal(f.estado_ds, "anulado");
	/* the subject has no keyword: the document type's name decides */
	assert_string_equal(mapping_classify(test_m, &f), "contratacion_directa");
	filing_free(&f);
}

/* A bad value refuses the row, naming the field; the filing given is left as it was. */
static void test_row_refused(void **state)
{
	static const struct {
		enum mapping_field field;
		const char *value;
		const char *text;
	} cases[] = {
	    {MF_NUMERO, "2024211000487", "número de radicado"},
	    {MF_NUMERO, "2024211000487X", "número de radicado"},
	    {MF_NUMERO, NULL, "número de radicado"},
	    {MF_FECHA, "02-05-2024", "fecha"},
	    {MF_FECHA, "2024-02-30 10:00:00", "fecha"},
	    {MF_FECHA, NULL, "fecha"},
	    {MF_FOLIOS, "-1", "folios"},
	    {MF_FOLIOS, "12.5", "folios"},
	    {MF_ESTADO, "7", "anulación"},
	};
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *v[MAPPING_NFIELDS];
		struct filing f;

		test_row_values(v);
		v[cases[i].field] = cases[i].value;
		filing_init(&f);
		err[0] = '\0';
		assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_MALFORMED);
		if (strstr(err, cases[i].text) == NULL)
			fail_msg("case %zu: err \"%s\" lacks \"%s\"", i, err, cases[i].text);
		assert_string_equal(f.numero, "");
		assert_string_equal(f.asunto, "");
		filing_free(&f);
	}
}

/* A row out of the field limits is refused (DS_REFUSED), naming the field, never the value;
 * a mapping can widen a limit. */
static void test_row_limits(void **state)
{
	const char *v[MAPPING_NFIELDS];
	char *big = malloc(4002);
	char err[TEST_ERR];
	struct filing f;
	struct mapping *wide;

	(void)state;
	memset(big, 'a', 4001);
	big[4001] = '\0';
	test_row_values(v);
	v[MF_ASUNTO] = big;
	filing_init(&f);
	assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_REFUSED);
	assert_non_null(strstr(err, "asunto de 4001 bytes (máximo 4000)"));
	filing_free(&f);
	test_row_values(v);
	v[MF_DEP_ACTUAL] = "342' OR '1'='1";
	filing_init(&f);
	assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_REFUSED);
	assert_non_null(strstr(err, "dependencia_actual"));
	assert_null(strstr(err, "OR"));
	filing_free(&f);
	test_row_values(v);
	v[MF_REMITENTE] = "Mar\x01a";
	filing_init(&f);
	assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_REFUSED);
	assert_non_null(strstr(err, "remitente no válido (caracteres de control)"));
	filing_free(&f);
	test_row_values(v);
	v[MF_TIPO_DOC_NOMBRE] = "\xc3(";
	filing_init(&f);
	assert_int_equal(mapping_sql_row(test_m, v, &f, err, sizeof(err)), DS_REFUSED);
	assert_non_null(strstr(err, "UTF-8"));
	filing_free(&f);

	wide = mapping_load(TEST_NAMED, err, sizeof(err));
	assert_non_null(wide);
	test_row_values(v);
	v[MF_ASUNTO] = big;
	filing_init(&f);
	assert_int_equal(mapping_sql_row(wide, v, &f, err, sizeof(err)), DS_OK);
	assert_int_equal(strlen(f.asunto), 4001);
	filing_free(&f);
	mapping_free(wide);
	free(big);
}

/* Numbers of other systems by the mapping's pattern; the whole number must match; printable
 * ASCII only. */
static void test_number_patterns(void **state)
{
	static const struct {
		const char *numero;
		int ok;
	} cases[] = {
	    {"1-2021-23677", 1}, {"2021EE7835", 1},	   {" 2021EE7835 ", 1},
	    {"1-2021-2367X", 0}, {"x1-2021-23677", 0},	   {"20241300012213", 0},
	    {"2021ee7835", 0},	 {"1-2021-1234567890", 0}, {"2021EE78/35", 0},
	};
	char err[TEST_ERR];
	struct mapping *other =
	    mapping_load("tests/data/mappings/sql-otros-numeros.json", err, sizeof(err));

	(void)state;
	if (other == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *v[MAPPING_NFIELDS];
		struct filing f;
		enum ds_answer a;

		test_row_values(v);
		v[MF_NUMERO] = cases[i].numero;
		filing_init(&f);
		a = mapping_sql_row(other, v, &f, err, sizeof(err));
		if ((a == DS_OK) != cases[i].ok)
			fail_msg("«%s»: %s (%s)", cases[i].numero, ds_answer_name(a), err);
		filing_free(&f);
	}
	mapping_free(other);
}

/* A mapping built on the shipped one ("base") with an area table names areas the query
 * leaves unnamed. */
static void test_row_named_areas(void **state)
{
	const char *v[MAPPING_NFIELDS];
	char err[TEST_ERR];
	struct mapping *named = mapping_load(TEST_NAMED, err, sizeof(err));
	struct filing f;

	(void)state;
	if (named == NULL)
		fail_msg("%s", err);
	test_row_values(v);
	v[MF_DEP_ORIGEN_NOMBRE] = "";
	filing_init(&f);
	assert_int_equal(mapping_sql_row(named, v, &f, err, sizeof(err)), DS_OK);
	assert_string_equal(f.dependencia_origen_nombre, "Financiera (tabla del mapeo)");
	filing_free(&f);
	/* a name from the database wins */
	v[MF_DEP_ORIGEN_NOMBRE] = "Subdirecci\xc3\xb3n Financiera";
	filing_init(&f);
	assert_int_equal(mapping_sql_row(named, v, &f, err, sizeof(err)), DS_OK);
	assert_string_equal(f.dependencia_origen_nombre, "Subdirecci\xc3\xb3n Financiera");
	filing_free(&f);
	/* the override changed the overlap, the rest is the base's */
	assert_int_equal(mapping_overlap_minutes(named), 5);
	assert_int_equal(mapping_max_window_days(named), 31);
	mapping_free(named);
}

/* Writes text to a temporary file, loads it as a mapping and expects an error containing
 * want. */
static void test_refuse(const char *text, const char *want)
{
	char tmp[] = "/tmp/segcont-test-mapping-sql-XXXXXX";
	char err[TEST_ERR] = "";
	int fd = mkstemp(tmp);
	struct mapping *m;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	m = mapping_load(tmp, err, sizeof(err));
	unlink(tmp);
	if (m != NULL) {
		mapping_free(m);
		fail_msg("loaded, want \"%s\": %s", want, text);
	}
	if (strstr(err, want) == NULL)
		fail_msg("err \"%s\", want \"%s\"", err, want);
}

static void test_refused_files(void **state)
{
	char base[512];
	char text[2048];
	static const struct {
		const char *overlay;
		const char *want;
	} cases[] = {
	    {"\"queries\": {\"list\": \"SELECT {{otro}}\"}",
	     "queries.list: marcador desconocido {{otro}}"},
	    {"\"queries\": {\"info\": \"SELECT {{desde}}\"}",
	     "queries.info: marcador desconocido {{desde}}"},
	    {"\"queries\": {\"list\": 5}", "queries.list: se esperaba un texto o una lista"},
	    {"\"queries\": {\"lista\": \"x\"}", "queries.lista: clave desconocida"},
	    {"\"fragments\": {\"desde\": \"x\"}",
	     "fragments.desde: el nombre es el de un parámetro"},
	    {"\"fragments\": []", "fragments: se esperaba un objeto"},
	    {"\"session\": {\"timezone\": \"America/Bogota -c x\"}",
	     "session.timezone: zona horaria"},
	    {"\"session\": {\"statement_timeout\": 0}",
	     "session.statement_timeout: fuera de rango"},
	    {"\"session\": {\"otra\": 1}", "session.otra: clave desconocida"},
	    {"\"endpoint_path\": \"/x\"", "endpoint_path: clave desconocida"},
	    {"\"date_format\": {\"strptime\": \"%H\"}", "date_format.strptime: faltan %d"},
	    {"\"limits\": {\"numero\": {\"max_bytes\": 5}}",
	     "limits.numero: no es un campo de texto"},
	    {"\"limits\": {\"asunto\": {\"max_bytes\": 0}}",
	     "limits.asunto.max_bytes: fuera de rango"},
	    {"\"limits\": {\"asunto\": {\"format\": \"x\"}}", "limits.asunto.max_bytes: falta"},
	    {"\"limits\": {\"asunto\": {\"max_bytes\": 9, \"format\": \"x\"}}",
	     "limits.asunto: format"},
	    {"\"limits\": {\"asunto\": 5}", "limits.asunto: se esperaba un objeto"},
	    {"\"numero\": {\"pattern\": \"([\", \"max_length\": 9}",
	     "numero.pattern: expresión regular"},
	    {"\"numero\": {\"pattern\": \"[0-9]+\"}", "numero.max_length: falta"},
	    {"\"numero\": {\"pattern\": \"[0-9]+\", \"max_length\": 65}",
	     "numero.max_length: fuera de rango"},
	};

	(void)state;
	assert_non_null(realpath(TEST_MAPPING, base));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "{\"base\": \"%s\", %s}", base, cases[i].overlay);
		test_refuse(text, cases[i].want);
	}
	/* a base that names itself is cut after a few levels */
	{
		char tmp[] = "/tmp/segcont-test-mapping-loop-XXXXXX";
		char err[TEST_ERR] = "";
		int fd = mkstemp(tmp);
		FILE *fp;

		assert_true(fd >= 0);
		fp = fdopen(fd, "w");
		assert_non_null(fp);
		fprintf(fp, "{\"base\": \"%s\"}", tmp);
		fclose(fp);
		assert_null(mapping_load(tmp, err, sizeof(err)));
		unlink(tmp);
		assert_non_null(strstr(err, "hasta 4 niveles"));
	}
}

static void test_array_literal(void **state)
{
	char *values[] = {"20242110004873", "a\"b", "c\\d", ""};
	char *lit;

	(void)state;
	lit = ds_pg_array_literal(values, 4);
	assert_string_equal(lit, "{\"20242110004873\",\"a\\\"b\",\"c\\\\d\",\"\"}");
	free(lit);
	lit = ds_pg_array_literal(values, 0);
	assert_string_equal(lit, "{}");
	free(lit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_profile),
	    cmocka_unit_test(test_queries),
	    cmocka_unit_test(test_no_queries_in_soap),
	    cmocka_unit_test(test_row),
	    cmocka_unit_test(test_row_refused),
	    cmocka_unit_test(test_row_named_areas),
	    cmocka_unit_test(test_refused_files),
	    cmocka_unit_test(test_array_literal),
	    cmocka_unit_test(test_row_limits),
	    cmocka_unit_test(test_number_patterns),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
