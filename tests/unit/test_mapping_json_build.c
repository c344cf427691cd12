/* test_mapping_json_build.c -- unit tests of the format-json engine's requests and loader
 * (mapping_json_build.c, mapping_json.c) with tests/data/json/rest.json and the shipped
 * mappings/cmis-browser.json: every value escaped for where it goes (URL path and query,
 * JSON body, form, headers), next links kept to the configured origin, and broken mapping
 * files refused with the key's path. */
#include "test_mapping_json.h"

/* ---------------------------------------------------------------- requests */

static const char *test_header(const struct mapping_http_request *rq, const char *name)
{
	for (size_t i = 0; i < rq->nheaders; i++) {
		if (strcmp(rq->headers[i].name, name) == 0)
			return rq->headers[i].value;
	}
	return NULL;
}

/* list: a POST with a JSON body; dates in request_date_format and as instants; numbers as
 * JSON numbers; literal text escaped by jansson; "_" keys left out. */
static void test_build_list(void **state)
{
	struct mapping_vars v;
	struct mapping_http_request rq;
	char err[TEST_ERR] = "";
	json_error_t jerr;
	json_t *body;
	json_t *f;

	(void)state;
	test_vars(&v);
	v.desde = "2024-05-01";
	v.hasta = "2024-05-31";
	v.page = 1;
	v.limit = 2;
	assert_int_equal(mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 0);
	assert_string_equal(rq.method, "POST");
	assert_string_equal(rq.url, TEST_URL "/radicados/buscar?entidad=sdh");
	assert_string_equal(rq.content_type, "application/json");
	assert_string_equal(test_header(&rq, "X-Dependencia"), "342");
	assert_string_equal(test_header(&rq, "X-Usuario"), "ana.perez");
	body = json_loadb(rq.body, rq.body_len, 0, &jerr);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "desde")), "01/05/2024");
	assert_string_equal(json_string_value(json_object_get(body, "hasta")), "31/05/2024");
	assert_string_equal(json_string_value(json_object_get(body, "inicio")),
			    "2024-05-01T00:00:00-05:00");
	assert_string_equal(json_string_value(json_object_get(body, "fin")),
			    "2024-06-01T00:00:00-05:00");
	assert_true(json_is_integer(json_object_get(body, "pagina")));
	assert_int_equal(json_integer_value(json_object_get(body, "pagina")), 1);
	assert_int_equal(json_integer_value(json_object_get(body, "tam")), 2);
	assert_null(json_object_get(body, "_comentario"));
	f = json_object_get(body, "filtro");
	assert_string_equal(json_string_value(json_object_get(f, "dependencia")), "342");
	assert_string_equal(json_string_value(json_object_get(f, "texto")),
			    "comillas \" y salto\n");
	assert_string_equal(json_string_value(json_array_get(json_object_get(f, "codigos"), 0)),
			    "342");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(f, "codigos"), 1)), 7);
	assert_true(json_is_true(json_array_get(json_object_get(f, "codigos"), 2)));
	assert_true(json_is_null(json_array_get(json_object_get(f, "codigos"), 3)));
	json_decref(body);
	mapping_http_request_free(&rq);

	/* A year-end window: hasta_fin is the next year's first day. */
	v.desde = "2024-12-31";
	v.hasta = "2024-12-31";
	assert_int_equal(mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 0);
	body = json_loadb(rq.body, rq.body_len, 0, &jerr);
	assert_string_equal(json_string_value(json_object_get(body, "fin")),
			    "2025-01-01T00:00:00-05:00");
	json_decref(body);
	mapping_http_request_free(&rq);

	/* not a day */
	v.hasta = "2024-02-30x";
	assert_int_equal(mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "fechas no válidas"));
	/* no page: {{page|number}} has no value */
	v.hasta = "2024-12-31";
	v.page = -1;
	assert_int_equal(mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "{{page}} no tiene valor"));
	assert_null(rq.url);
}

/* Values with every character that means something somewhere: in a JSON body they arrive as
 * they are (jansson escapes), in headers they are refused when they hold control
 * characters, the sql filter doubles quotes. */
static void test_build_json_escapes(void **state)
{
	static const char *const values[] = {
	    "34'2", "a\"b\\c", "& = + ?#", "Dirección Jurídica ñ €", "tab\tcero", "x\x01y",
	};
	struct mapping_vars v;
	struct mapping_http_request rq;
	char err[TEST_ERR] = "";
	json_error_t jerr;

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const char *want_sql;
		char sql[64];
		json_t *body;
		json_t *f;
		int control = strchr(values[i], '\x01') != NULL || strchr(values[i], '\t') != NULL;
		int rc;

		test_vars(&v);
		v.desde = "2024-05-01";
		v.hasta = "2024-05-02";
		v.page = 3;
		v.limit = 50;
		v.dependencia = values[i];
		rc = mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err));
		/* the X-Dependencia header: a tab is allowed in a field value, other controls not
		 */
		if (strchr(values[i], '\x01') != NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "X-Dependencia"));
			assert_non_null(strstr(err, "caracteres de control"));
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(test_header(&rq, "X-Dependencia"), values[i]);
		body = json_loadb(rq.body, rq.body_len, 0, &jerr);
		assert_non_null(body);
		f = json_object_get(body, "filtro");
		assert_string_equal(json_string_value(json_object_get(f, "dependencia")),
				    values[i]);
		want_sql = values[i];
		if (strchr(values[i], '\'') != NULL) {
			snprintf(sql, sizeof(sql), "34''2");
			want_sql = sql;
		}
		assert_string_equal(
		    json_string_value(json_array_get(json_object_get(f, "codigos"), 0)), want_sql);
		assert_int_equal(json_integer_value(json_object_get(body, "pagina")), 3);
		(void)control;
		json_decref(body);
		mapping_http_request_free(&rq);
	}
	/* CR or LF in a header value is refused, naming the header, never showing the value */
	test_vars(&v);
	v.desde = "2024-05-01";
	v.hasta = "2024-05-02";
	v.page = 1;
	v.limit = 2;
	v.dependencia = "342\r\nX-Inyectado: 1";
	assert_int_equal(mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "X-Dependencia"));
	assert_null(strstr(err, "Inyectado"));
	/* invalid UTF-8 cannot become a JSON string */
	v.dependencia = "34\xff";
	assert_int_equal(mapping_json_build(test_rest, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 -1);
}

/* info: the number percent-encoded in the URL path and in the query (RFC 3986 unreserved
 * kept), the key too; {{url}} goes raw. */
static void test_build_url_escapes(void **state)
{
	static const char *const cases[][2] = {
	    {"20201300124633", "20201300124633"},
	    {"1-2021-23677", "1-2021-23677"},
	    {"2024 EE/7835", "2024%20EE%2F7835"},
	    {"a&b=c+d?e#f%g", "a%26b%3Dc%2Bd%3Fe%23f%25g"},
	    {"ñú\"'<>", "%C3%B1%C3%BA%22%27%3C%3E"},
	    {"~._-", "~._-"},
	    {"\x01\n", "%01%0A"},
	};
	struct mapping_vars v;
	struct mapping_http_request rq;
	char err[TEST_ERR] = "";
	char want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_vars(&v);
		v.numero = cases[i][0];
		assert_int_equal(
		    mapping_json_build(test_rest, MR_INFO, &v, NULL, &rq, err, sizeof(err)), 0);
		snprintf(want, sizeof(want),
			 TEST_URL "/version1/externos/radicados-externos/radicados-get/%s?id=%s"
				  "&clave=k%%2By%%3Dz%%26w%%20%%C3%%A9",
			 cases[i][1], cases[i][1]);
		assert_string_equal(rq.url, want);
		assert_string_equal(rq.method, "GET");
		assert_null(rq.body);
		assert_null(rq.content_type);
		assert_int_equal(rq.nheaders, 0);
		mapping_http_request_free(&rq);
	}
	/* no key: a query value that is one variable without a value is left out */
	test_vars(&v);
	v.numero = "20201300124633";
	v.key = NULL;
	assert_int_equal(mapping_json_build(test_rest, MR_INFO, &v, NULL, &rq, err, sizeof(err)),
			 0);
	assert_string_equal(rq.url, TEST_URL "/version1/externos/radicados-externos/radicados-get/"
					     "20201300124633?id=20201300124633");
	mapping_http_request_free(&rq);
	/* in the path a missing variable is an error */
	v.numero = NULL;
	assert_int_equal(mapping_json_build(test_rest, MR_INFO, &v, NULL, &rq, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "{{numero}} no tiene valor"));
	/* the url must be an absolute http(s) URL */
	test_vars(&v);
	v.numero = "1";
	v.url = "ftp://127.0.0.1/x";
	assert_int_equal(mapping_json_build(test_rest, MR_INFO, &v, NULL, &rq, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "http(s)"));
}

/* modified: instants in the query; {{user}} left out without a user; next links kept to
 * the configured origin. */
static void test_build_modified_next(void **state)
{
	static const char *const links[][2] = {
	    {"/api/radicados/cambios?pag=2", "http://127.0.0.1:8080/api/radicados/cambios?pag=2"},
	    {"cambios?pag=3", "http://127.0.0.1:8080/cambios?pag=3"}, /* RFC 3986 §5.2 */
	    {"HTTP://127.0.0.1:8080/api/x?a=1", "http://127.0.0.1:8080/api/x?a=1"},
	    {"http://otro.example:8080/api/x", NULL},
	    {"http://127.0.0.1:8081/api/x", NULL},
	    {"https://127.0.0.1:8080/api/x", NULL},
	    {"//evil.example/x", NULL},
	    {"ftp://127.0.0.1:8080/x", NULL},
	};
	struct mapping_vars v;
	struct mapping_http_request rq;
	char err[TEST_ERR] = "";

	(void)state;
	test_vars(&v);
	v.desde = "2024-05-01T08:00:00-05:00";
	v.hasta = "2024-05-01T09:30:00-05:00";
	v.limit = 50;
	assert_int_equal(
	    mapping_json_build(test_rest, MR_MODIFIED, &v, NULL, &rq, err, sizeof(err)), 0);
	assert_string_equal(rq.url,
			    TEST_URL "/radicados/cambios?desde=2024-05-01T08%3A00%3A00-05%3A00"
				     "&hasta=2024-05-01T09%3A30%3A00-05%3A00&n=50&usuario=ana."
				     "perez");
	mapping_http_request_free(&rq);
	v.user = "";
	assert_int_equal(
	    mapping_json_build(test_rest, MR_MODIFIED, &v, NULL, &rq, err, sizeof(err)), 0);
	assert_null(strstr(rq.url, "usuario"));
	mapping_http_request_free(&rq);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		int rc = mapping_json_build(test_rest, MR_MODIFIED, &v, links[i][0], &rq, err,
					    sizeof(err));

		if (links[i][1] == NULL) {
			if (rc != -1)
				fail_msg("next %s: built %s, want it refused", links[i][0], rq.url);
			continue;
		}
		if (rc != 0)
			fail_msg("next %s: %s", links[i][0], err);
		assert_string_equal(rq.url, links[i][1]);
		mapping_http_request_free(&rq);
	}
	assert_int_equal(mapping_json_build(test_rest, MR_MODIFIED, &v, "http://otro.example/x",
					    &rq, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "otro servidor"));
}

/* cmis-browser's list: a query value with literal text and a cmis-filtered variable,
 * encoded as a whole; offset paging variables. And a form body. */
static void test_build_query_form(void **state)
{
	static const char *const form[][2] = {
	    {"requests.list.method", "\"POST\""},
	    {"requests.list.form", "{\"cmisaction\": \"query\", \"statement\": \"SELECT * FROM "
				   "sgd:radicado WHERE d = '{{dependencia|cmis}}'\", "
				   "\"skipCount\": \"{{offset}}\"}"},
	    {"requests.list.query", "{\"x\": \"1\"}"},
	};
	struct mapping_vars v;
	struct mapping_http_request rq;
	char err[TEST_ERR] = "";
	struct mapping *m;

	(void)state;
	test_vars(&v);
	v.url = "http://127.0.0.1:9/cmis/browser/sgd";
	v.dependencia = "34'2\\x & y";
	v.desde = "2024-05-01";
	v.hasta = "2024-05-31";
	v.offset = 200;
	v.limit = 100;
	assert_int_equal(mapping_json_build(test_cmis, MR_LIST, &v, NULL, &rq, err, sizeof(err)),
			 0);
	assert_string_equal(
	    rq.url,
	    "http://127.0.0.1:9/cmis/browser/sgd?cmisselector=query&q=SELECT%20%2A%20FROM%20"
	    "sgd%3Aradicado%20WHERE%20sgd%3AdependenciaActual%20%3D%20%2734%5C%27"
	    "2%5C%5Cx%20%26%20y%27%20AND%20sgd%3AfechaRadicado%20%3E%3D%20TIMESTAMP%20%27"
	    "2024-05-01T00%3A00%3A00-05%3A00%27%20AND%20sgd%3AfechaRadicado%20%3C%20"
	    "TIMESTAMP%20%272024-06-01T00%3A00%3A00-05%3A00%27%20ORDER%20BY%20cmis%3A"
	    "objectId&maxItems=100&skipCount=200&succinct=true");
	mapping_http_request_free(&rq);

	m = test_variant(TEST_CMIS, form, sizeof(form) / sizeof(form[0]), err, sizeof(err));
	if (m == NULL)
		fail_msg("%s", err);
	assert_int_equal(mapping_json_build(m, MR_LIST, &v, NULL, &rq, err, sizeof(err)), 0);
	assert_string_equal(rq.method, "POST");
	assert_string_equal(rq.url, "http://127.0.0.1:9/cmis/browser/sgd?x=1");
	assert_string_equal(rq.content_type, "application/x-www-form-urlencoded");
	assert_string_equal(rq.body,
			    "cmisaction=query&statement=SELECT%20%2A%20FROM%20sgd%3Aradicado%20"
			    "WHERE%20d%20%3D%20%2734%5C%272%5C%5Cx%20%26%20y%27&skipCount=200");
	assert_int_equal(rq.body_len, strlen(rq.body));
	mapping_http_request_free(&rq);
	mapping_free(m);
}

/* ---------------------------------------------------------------- broken mappings */

/* tests/data/json/broken-cases.tsv: every line breaks rest.json in one place; the loader
 * refuses it with the file's name and the key's path. */
static void test_broken_mappings(void **state)
{
	char line[TEST_LINE];
	FILE *fp = fopen(TEST_DATA "/broken-cases.tsv", "r");
	int lineno = 0;
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char tmp[] = "/tmp/segcont-test-mjson-XXXXXX";
		char err[TEST_ERR] = "";
		char *col[3];
		const char *patch[1][2];
		struct mapping *m;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (test_columns(line, col, 3) != 3)
			fail_msg("broken-cases.tsv:%d: expected 3 columns", lineno);
		patch[0][0] = col[0];
		patch[0][1] = strcmp(col[1], "DELETE") == 0 ? NULL : col[1];
		test_write_variant(TEST_REST, patch, 1, tmp);
		m = mapping_load(tmp, err, sizeof(err));
		unlink(tmp);
		if (m != NULL) {
			mapping_free(m);
			fail_msg("broken-cases.tsv:%d: %s=%s loaded, want \"%s\"", lineno, col[0],
				 col[1], col[2]);
		}
		if (strncmp(err, tmp, strlen(tmp)) != 0 || strstr(err, col[2]) == NULL)
			fail_msg("broken-cases.tsv:%d: %s=%s: \"%s\", want \"%s: ...%s\"", lineno,
				 col[0], col[1], err, tmp, col[2]);
		n++;
	}
	fclose(fp);
	assert_true(n >= 90);
}

/* The variants a good mapping may take load: every auth kind, offset and token paging, a
 * form, an oauth2 token URL with {{origen}}. */
static void test_good_variants(void **state)
{
	static const char *const oauth[][2] = {
	    {"auth", "{\"kind\": \"oauth2\", \"token_url\": \"{{origen}}/oauth/token\", \"scope\": "
		     "\"radicados.lectura\", \"client_auth\": \"form\"}"},
	    {"requests.list.paging", "{\"kind\": \"offset\", \"page_size\": 25, \"has_more\": "
				     "\"/mas\", \"total\": [\"/total\", \"/meta/total\"]}"},
	    {"requests.list.json_body", "{\"desde\": \"{{desde}}\", \"offset\": "
					"\"{{offset|number}}\", \"n\": \"{{limit|number}}\"}"},
	};
	static const char *const basic[][2] = {
	    {"auth", "{\"kind\": \"basic\"}"},
	    {"requests.list.json_body", NULL},
	    {"requests.list.form", "{\"desde\": \"{{desde}}\", \"p\": \"{{page}}\"}"},
	};
	static const char *const none[][2] = {
	    {"auth", "{\"kind\": \"none\"}"},
	    {"accept", "\"application/vnd.api+json\""},
	};
	char err[TEST_ERR] = "";
	struct mapping *m;
	struct mapping_auth a;
	struct mapping_paging pg;
	struct mapping_vars v;
	struct mapping_http_request rq;
	char *url;

	(void)state;
	m = test_variant(TEST_REST, oauth, 3, err, sizeof(err));
	if (m == NULL)
		fail_msg("%s", err);
	mapping_json_auth(m, &a);
	assert_int_equal(a.kind, MA_OAUTH2);
	assert_string_equal(a.scope, "radicados.lectura");
	assert_int_equal(a.client_auth_form, 1);
	test_vars(&v);
	url = mapping_json_expand_url(a.token_url, &v, err, sizeof(err));
	assert_string_equal(url, "http://127.0.0.1:8080/oauth/token");
	free(url);
	mapping_json_paging(m, MR_LIST, &pg);
	assert_int_equal(pg.kind, MP_OFFSET);
	assert_int_equal(pg.page_size, 25);
	v.desde = "2024-05-01";
	v.hasta = "2024-05-01";
	v.offset = 50;
	v.limit = 25;
	assert_int_equal(mapping_json_build(m, MR_LIST, &v, NULL, &rq, err, sizeof(err)), 0);
	assert_string_equal(rq.body, "{\"desde\":\"01/05/2024\",\"offset\":50,\"n\":25}");
	{
		json_error_t jerr;
		json_t *body = json_loadb(rq.body, rq.body_len, 0, &jerr);

		assert_int_equal(json_integer_value(json_object_get(body, "offset")), 50);
		json_decref(body);
	}
	mapping_http_request_free(&rq);
	mapping_free(m);

	m = test_variant(TEST_REST, basic, 3, err, sizeof(err));
	if (m == NULL)
		fail_msg("%s", err);
	v.page = 2;
	assert_int_equal(mapping_json_build(m, MR_LIST, &v, NULL, &rq, err, sizeof(err)), 0);
	assert_string_equal(rq.body, "desde=01%2F05%2F2024&p=2");
	assert_string_equal(rq.content_type, "application/x-www-form-urlencoded");
	mapping_http_request_free(&rq);
	mapping_free(m);

	m = test_variant(TEST_REST, none, 2, err, sizeof(err));
	if (m == NULL)
		fail_msg("%s", err);
	mapping_json_auth(m, &a);
	assert_int_equal(a.kind, MA_NONE);
	assert_string_equal(mapping_json_accept(m), "application/vnd.api+json");
	mapping_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_list),	      cmocka_unit_test(test_build_json_escapes),
	    cmocka_unit_test(test_build_url_escapes), cmocka_unit_test(test_build_modified_next),
	    cmocka_unit_test(test_build_query_form),  cmocka_unit_test(test_broken_mappings),
	    cmocka_unit_test(test_good_variants),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
