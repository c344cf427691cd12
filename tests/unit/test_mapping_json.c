/* test_mapping_json.c -- unit tests of the format-json engine (mapping_json*.c,
 * mapping_jpointer.c) with tests/data/json/rest.json (an OrfeoNG-shaped REST service) and the
 * shipped mappings/cmis-browser.json: JSON Pointers on RFC 6901's document, requests escaped
 * for where each value goes, dates, numbers, paging values, error rules, change types,
 * limits, and broken mapping files refused with the key's path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filing.h"
#include "mapping.h"
#include "mapping_json_int.h"

#define TEST_DATA "tests/data/json"
#define TEST_REST TEST_DATA "/rest.json"
#define TEST_CMIS "mappings/cmis-browser.json"
#define TEST_URL "http://127.0.0.1:8080/api"
#define TEST_ERR 1024
#define TEST_LINE 4096

static struct mapping *test_rest;
static struct mapping *test_cmis;

static char *test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long n;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

static int test_setup(void **state)
{
	char err[TEST_ERR] = "";

	(void)state;
	test_rest = mapping_load(TEST_REST, err, sizeof(err));
	if (test_rest == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	test_cmis = mapping_load(TEST_CMIS, err, sizeof(err));
	if (test_cmis == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	mapping_free(test_rest);
	mapping_free(test_cmis);
	return 0;
}

/* ---------------------------------------------------------------- mapping variants */

/* Sets (value) or deletes (NULL) the member at a dotted path of root; a number indexes a
 * list, one past its end appends. 0 or -1. */
static int test_patch(json_t *root, char *path, json_t *value)
{
	json_t *cur = root;
	char *save = NULL;
	char *seg = strtok_r(path, ".", &save);

	while (seg != NULL) {
		char *rest = strtok_r(NULL, ".", &save);
		json_t *next;

		if (json_is_array(cur)) {
			size_t idx = strtoul(seg, NULL, 10);

			if (rest == NULL) {
				if (value == NULL)
					return json_array_remove(cur, idx);
				if (idx == json_array_size(cur))
					return json_array_append(cur, value);
				return json_array_set(cur, idx, value);
			}
			next = json_array_get(cur, idx);
		} else {
			if (rest == NULL)
				return value ? json_object_set(cur, seg, value)
					     : json_object_del(cur, seg);
			next = json_object_get(cur, seg);
			if (next == NULL) {
				next = json_object();
				json_object_set_new(cur, seg, next);
			}
		}
		if (next == NULL)
			return -1;
		cur = next;
		seg = rest;
	}
	return -1;
}

/* The file at path with "base" made absolute (the copy lives in /tmp) and each of n
 * patches ({key path, JSON value or NULL to delete}) applied, written to tmp (a mkstemp
 * template). */
static void test_write_variant(const char *path, const char *const (*patches)[2], size_t n,
			       char *tmp)
{
	char cwd[1024];
	char base[2048];
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	int fd;

	assert_non_null(root);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	if (json_is_string(json_object_get(root, "base"))) {
		const char *b = json_string_value(json_object_get(root, "base"));
		const char *slash = strrchr(path, '/');

		snprintf(base, sizeof(base), "%s/%.*s/%s", cwd, (int)(slash - path), path, b);
		json_object_set_new(root, "base", json_string(base));
	}
	for (size_t i = 0; i < n; i++) {
		char key[512];
		json_t *v = NULL;

		snprintf(key, sizeof(key), "%s", patches[i][0]);
		if (patches[i][1] != NULL) {
			v = json_loads(patches[i][1], JSON_DECODE_ANY, &jerr);
			if (v == NULL)
				fail_msg("bad JSON value %s: %s", patches[i][1], jerr.text);
		}
		if (test_patch(root, key, v) != 0)
			fail_msg("cannot patch %s", patches[i][0]);
		json_decref(v);
	}
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(json_dump_file(root, tmp, JSON_INDENT(1)), 0);
	json_decref(root);
}

/* path with patches, loaded (NULL with err when refused). */
static struct mapping *test_variant(const char *path, const char *const (*patches)[2], size_t n,
				    char *err, size_t errlen)
{
	char tmp[] = "/tmp/segcont-test-mjson-XXXXXX";
	struct mapping *m;

	test_write_variant(path, patches, n, tmp);
	m = mapping_load(tmp, err, errlen);
	unlink(tmp);
	return m;
}

/* ---------------------------------------------------------------- pointers */

/* The first match of pointer in doc as compact JSON ("-" when nothing matches, "!" when the
 * pointer is refused), into a static buffer. */
static const char *test_ptr(json_t *doc, const char *pointer)
{
	static char out[512];
	const json_t *v;
	int rc = mapping_json_pointer(doc, pointer, &v);
	char *s;

	if (rc < 0)
		return "!";
	if (rc == 0)
		return "-";
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	snprintf(out, sizeof(out), "%s", s);
	free(s);
	return out;
}

/* Every example of RFC 6901 §5 on its document, with the extra keys of pointer-doc.json. */
static void test_pointer_rfc(void **state)
{
	static const char *const cases[][2] = {
	    {"/foo", "[\"bar\",\"baz\"]"},
	    {"/foo/0", "\"bar\""},
	    {"/foo/1", "\"baz\""},
	    {"/", "0"},
	    {"/a~1b", "1"},
	    {"/c%d", "2"},
	    {"/e^f", "3"},
	    {"/g|h", "4"},
	    {"/i\\j", "5"},
	    {"/k\"l", "6"},
	    {"/ ", "7"},
	    {"/m~0n", "8"},
	    /* ~01 is "~1" (the ~0 is read first), not "~/" */
	    {"/~01", "\"tilde-uno\""},
	    {"/Número radicado", "\"20201300124633\""},
	    {"/Dependencia Tramitadora/código", "\"342\""},
	    {"/Dependencia Tramitadora/nombre", "\"Dirección de Contratación\""},
	    {"/nulo", "null"},
	    {"/lista/1/x", "1"},
	    /* missing */
	    {"/foo/2", "-"},
	    {"/foo/-", "-"},
	    {"/foo/01", "-"},
	    {"/foo/+1", "-"},
	    {"/foo/0/x", "-"},
	    {"/nada", "-"},
	    {"/a/b", "-"},
	    {"/numero radicado", "-"},
	    {"/Numero radicado", "-"},
	    {"/Número radicado ", "-"},
	    {"/vacía/0", "-"},
	    {"/vacía/*", "-"},
	    {"/nulo/x", "-"},
	    {"/foo/99999999999999999999", "-"},
	    /* refused */
	    {"foo", "!"},
	    {"/m~2n", "!"},
	    {"/m~", "!"},
	    {"/~", "!"},
	    {"#/foo", "!"},
	};
	size_t len;
	char *text = test_slurp(TEST_DATA "/pointer-doc.json", &len);
	char err[TEST_ERR];
	json_t *doc = mapping_json_parse(text, len, err, sizeof(err));
	const json_t *whole;

	(void)state;
	assert_non_null(doc);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = test_ptr(doc, cases[i][0]);

		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("pointer \"%s\": got %s, want %s", cases[i][0], got, cases[i][1]);
	}
	/* "" is the whole document */
	assert_int_equal(mapping_json_pointer(doc, "", &whole), 1);
	assert_ptr_equal(whole, doc);
	assert_int_equal(mapping_json_pointer(doc, NULL, &whole), -1);
	json_decref(doc);
	free(text);
}

/* "*": every element of an array, every member of an object; in order; null elements are
 * matches; alternatives skip null. */
static void test_pointer_wildcard(void **state)
{
	size_t len;
	char *text = test_slurp(TEST_DATA "/pointer-doc.json", &len);
	char err[TEST_ERR];
	char bad[256];
	json_t *doc = mapping_json_parse(text, len, err, sizeof(err));
	struct mj_pointer p;
	struct mj_pointers ps = {0};
	json_t **out = NULL;
	size_t n = 0;
	size_t cap = 0;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(mj_pointer_compile("/lista/*/x", &p, bad, sizeof(bad)), 0);
	mj_pointer_all(&p, doc, &out, &n, &cap);
	assert_int_equal(n, 3);
	assert_true(json_is_null(out[0]));
	assert_int_equal(json_integer_value(out[1]), 1);
	assert_int_equal(json_integer_value(out[2]), 3);
	/* the first match is the null one: present */
	assert_ptr_equal(mj_pointer_first(&p, doc), out[0]);
	mj_pointer_free(&p);

	n = 0;
	assert_int_equal(mj_pointer_compile("/lista/*/y", &p, bad, sizeof(bad)), 0);
	mj_pointer_all(&p, doc, &out, &n, &cap);
	assert_int_equal(n, 1);
	assert_int_equal(json_integer_value(out[0]), 2);
	mj_pointer_free(&p);

	n = 0;
	assert_int_equal(mj_pointer_compile("/Dependencia Tramitadora/*", &p, bad, sizeof(bad)), 0);
	mj_pointer_all(&p, doc, &out, &n, &cap);
	assert_int_equal(n, 2);
	mj_pointer_free(&p);

	n = 0;
	assert_int_equal(mj_pointer_compile("/vacía/*", &p, bad, sizeof(bad)), 0);
	mj_pointer_all(&p, doc, &out, &n, &cap);
	assert_int_equal(n, 0);
	assert_null(mj_pointer_first(&p, doc));
	mj_pointer_free(&p);

	/* "*" on a scalar matches nothing; a key that is "*" in an object is a wildcard too */
	n = 0;
	assert_int_equal(mj_pointer_compile("/foo/0/*", &p, bad, sizeof(bad)), 0);
	mj_pointer_all(&p, doc, &out, &n, &cap);
	assert_int_equal(n, 0);
	mj_pointer_free(&p);

	/* alternatives: the first present and not null wins */
	ps.p = calloc(3, sizeof(*ps.p));
	assert_int_equal(mj_pointer_compile("/nada", &ps.p[0], bad, sizeof(bad)), 0);
	assert_int_equal(mj_pointer_compile("/lista/*/x", &ps.p[1], bad, sizeof(bad)), 0);
	assert_int_equal(mj_pointer_compile("/Número radicado", &ps.p[2], bad, sizeof(bad)), 0);
	ps.n = 3;
	assert_string_equal(json_string_value(mj_pointers_get(&ps, doc)), "20201300124633");
	mj_pointers_free(&ps);

	free(out);
	json_decref(doc);
	free(text);
}

/* Pointers the engine refuses: too long, too many parts, not UTF-8. */
static void test_pointer_limits(void **state)
{
	char text[MJ_MAX_POINTER + 8];
	char bad[256];
	struct mj_pointer p;
	size_t o = 0;

	(void)state;
	for (int i = 0; i < MJ_MAX_SEGMENTS; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "/%d", i % 10);
	assert_int_equal(mj_pointer_compile(text, &p, bad, sizeof(bad)), 0);
	assert_int_equal(p.nseg, MJ_MAX_SEGMENTS);
	mj_pointer_free(&p);
	snprintf(text + o, sizeof(text) - o, "/x");
	assert_int_equal(mj_pointer_compile(text, &p, bad, sizeof(bad)), -1);
	assert_non_null(strstr(bad, "más de 32 partes"));
	memset(text, 'a', sizeof(text) - 1);
	text[0] = '/';
	text[MJ_MAX_POINTER + 1] = '\0';
	assert_int_equal(mj_pointer_compile(text, &p, bad, sizeof(bad)), -1);
	assert_non_null(strstr(bad, "bytes"));
	assert_int_equal(mj_pointer_compile("/N\xfamero", &p, bad, sizeof(bad)), -1);
	assert_non_null(strstr(bad, "UTF-8"));
}

/* ---------------------------------------------------------------- values */

static const char *test_text(const char *json)
{
	static char out[256];
	json_error_t jerr;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &jerr);
	char bad[128] = "";
	char *s = NULL;
	int rc;

	assert_non_null(v);
	rc = mj_value_text(v, " | ", &s, bad, sizeof(bad));
	if (rc < 0)
		snprintf(out, sizeof(out), "error: %s", bad);
	else
		snprintf(out, sizeof(out), "%s", s ? s : "(null)");
	free(s);
	json_decref(v);
	return out;
}

/* Numbers, booleans, null and lists as the filing's text. */
static void test_values(void **state)
{
	static const char *const cases[][2] = {
	    {"\"texto\"", "texto"},
	    {"\"\"", ""},
	    {"12", "12"},
	    {"-3", "-3"},
	    {"12.0", "12"},
	    {"-0.0", "-0"},
	    {"1.5", "1.5"},
	    {"0.1", "0.10000000000000001"},
	    {"20201300124633", "20201300124633"},
	    {"20201300124633.0", "20201300124633"},
	    {"1e20", "1e+20"},
	    {"true", "true"},
	    {"false", "false"},
	    {"null", "(null)"},
	    {"[]", ""},
	    {"[\"Ana\"]", "Ana"},
	    {"[\"Ana\", \"Luis\", \"\"]", "Ana | Luis | "},
	    {"[\"Ana\", 2]", "error: una lista con algo que no es un texto (elemento 1)"},
	    {"[null]", "error: una lista con algo que no es un texto (elemento 0)"},
	    {"{\"a\": 1}", "error: un objeto donde se esperaba un valor"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = test_text(cases[i][0]);

		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i][0], got, cases[i][1]);
	}
}

/* ---------------------------------------------------------------- requests */

static void test_vars(struct mapping_vars *v)
{
	mapping_vars_init(v);
	v->url = TEST_URL;
	v->user = "ana.perez";
	v->key = "k+y=z&w é";
	v->dependencia = "342";
}

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

/* ---------------------------------------------------------------- answers */

static enum ds_answer test_read(const struct mapping *m, enum mapping_request r, long status,
				const char *ctype, const char *body, struct mapping_page *p,
				char *err, size_t errlen)
{
	return mapping_json_read(m, r, status, ctype, body, strlen(body), p, err, errlen);
}

static const struct filing *test_find(const struct mapping_page *p, const char *numero)
{
	for (size_t i = 0; i < p->filings.count; i++) {
		if (strcmp(p->filings.items[i].numero, numero) == 0)
			return &p->filings.items[i];
	}
	fail_msg("filing %s not read", numero);
	return NULL;
}

/* A list page: keys with spaces and accents, alternatives, numbers and booleans as text,
 * multi-valued properties joined, the filter, trimming, the area's name from the table. */
static void test_read_list(void **state)
{
	char *body = test_slurp(TEST_DATA "/answer-list.json", NULL);
	struct mapping_page p;
	char err[TEST_ERR] = "";
	const struct filing *f;

	(void)state;
	mapping_page_init(&p);
	assert_int_equal(
	    test_read(test_rest, MR_LIST, 200, "application/json", body, &p, err, sizeof(err)),
	    DS_OK);
	assert_int_equal(p.items, 7);
	assert_int_equal(p.filings.count, 5);
	assert_int_equal(p.ignored, 2);
	assert_int_equal(p.refused, 0);
	assert_int_equal(p.total, 7);
	assert_int_equal(p.has_more, -1);
	assert_null(p.next);

	f = test_find(&p, "20240100000011");
	assert_string_equal(f->fecha_radicacion, "2024-05-02T14:14:07-05:00");
	assert_string_equal(f->asunto, "Derecho de petición — información pública");
	assert_int_equal(f->folios, 12);
	assert_string_equal(f->dependencia_origen, "110");
	assert_string_equal(f->dependencia_origen_nombre, "Oficina Asesora Jurídica");
	assert_string_equal(f->dependencia_actual, "342");
	assert_string_equal(f->tipo_documental, "");
	assert_string_equal(f->tipo_documental_nombre, "Derecho de petición");
	assert_string_equal(f->remitente, "María Fernanda Peña | Luis Ángel Ruiz");
	assert_string_equal(f->estado_ds, "vigente");
	assert_string_equal(f->id_sgd, "501");
	assert_string_equal(f->tipo_radicado, "salida");
	assert_int_equal(f->has_detail, 0);

	f = test_find(&p, "20240300000021");
	assert_string_equal(f->fecha_radicacion, "2024-05-02T14:14:07-05:00");
	assert_string_equal(f->asunto, "12345.5");
	assert_int_equal(f->folios, 3);
	assert_string_equal(f->dependencia_actual, "342");
	assert_string_equal(f->remitente, "");
	assert_string_equal(f->estado_ds, "anulado");
	assert_string_equal(f->id_sgd, "m-21");

	f = test_find(&p, "1-2024-17052");
	assert_string_equal(f->fecha_radicacion, "");
	assert_string_equal(f->asunto, "true");
	assert_int_equal(f->folios, 7);
	assert_string_equal(f->remitente, "Una sola persona");
	assert_string_equal(f->estado_ds, "vigente");
	assert_string_equal(f->id_sgd, "");

	f = test_find(&p, "2024ER7835");
	assert_string_equal(f->asunto, "");
	assert_int_equal(f->folios, 0);
	assert_string_equal(f->estado_ds, "vigente");

	f = test_find(&p, "20240200000031");
	assert_string_equal(f->remitente, "Solo");
	assert_string_equal(f->estado_ds, "anulado");
	mapping_page_free(&p);
	free(body);
}

/* One item's field: each bad value makes the page malformed, naming the item or the field. */
static void test_read_bad_items(void **state)
{
	static const char *const cases[][2] = {
	    {"{\"Clase\": \"radicado\", \"Asunto\": \"sin número\"}",
	     "elemento 1: falta el número"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"\"}", "elemento 1: falta el número"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"12\"}",
	     "número de radicado no válido"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"2024-ABC\"}", "no válido"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": {\"n\": 1}}", "numero: un objeto"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Asunto\": "
	     "{\"a\": 1}}",
	     "elemento 1: asunto: un objeto"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Remitentes\": "
	     "[\"a\", 1]}",
	     "elemento 1: remitente: una lista con algo que no es un texto (elemento 1)"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Folios\": "
	     "\"doce\"}",
	     "folios no válidos \"doce\""},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Folios\": -1}",
	     "folios no válidos"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Folios\": 1.5}",
	     "folios no válidos"},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Anulado\": "
	     "\"quizá\"}",
	     "código de anulación desconocido \"quizá\""},
	    {"{\"Clase\": \"radicado\", \"Número radicado\": \"20240100000011\", \"Fecha\": "
	     "\"ayer\"}",
	     "radicado 20240100000011: fecha no válida \"ayer\""},
	};
	struct mapping_page p;
	char err[TEST_ERR] = "";
	char body[TEST_LINE];

	(void)state;
	mapping_page_init(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ds_answer a;

		snprintf(body, sizeof(body), "{\"data\": [%s]}", cases[i][0]);
		a = test_read(test_rest, MR_LIST, 200, NULL, body, &p, err, sizeof(err));
		if (a != DS_MALFORMED || strstr(err, cases[i][1]) == NULL)
			fail_msg("%s: %s \"%s\", want malformed \"%s\"", cases[i][0],
				 ds_answer_name(a), err, cases[i][1]);
		assert_int_equal(p.filings.count, 0);
	}
	mapping_page_free(&p);
}

/* Splits a tab-separated line into at most max columns; returns how many. */
static int test_columns(char *line, char **col, int max)
{
	int k = 0;
	char *p = line;

	while (k < max && p != NULL) {
		col[k++] = p;
		p = strchr(p, '\t');
		if (p != NULL)
			*p++ = '\0';
	}
	return k;
}

/* tests/data/json/dates.tsv: epoch ms, ISO 8601 with offsets, strptime; invalid refused. */
static void test_dates(void **state)
{
	char line[TEST_LINE];
	FILE *fp = fopen(TEST_DATA "/dates.tsv", "r");
	int lineno = 0;
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *col[3];
		char body[TEST_LINE];
		char err[TEST_ERR] = "";
		struct mapping_page p;
		enum mapping_request r;
		enum ds_answer a;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (test_columns(line, col, 3) != 3)
			fail_msg("dates.tsv:%d: expected 3 columns", lineno);
		r = strcmp(col[0], "list") == 0	      ? MR_LIST
		    : strcmp(col[0], "modified") == 0 ? MR_MODIFIED
						      : MR_INFO;
		snprintf(body, sizeof(body),
			 "{\"status\": 200, \"data\": [{\"Clase\": \"radicado\", \"Número "
			 "radicado\": \"20240100000011\", \"Fecha\": %s}]}",
			 col[1]);
		mapping_page_init(&p);
		a = test_read(test_rest, r, 200, "application/json", body, &p, err, sizeof(err));
		if (strcmp(col[2], "error") == 0) {
			if (a != DS_MALFORMED || strstr(err, "fecha no válida") == NULL)
				fail_msg("dates.tsv:%d: %s %s read as %s (%s), want refused",
					 lineno, col[0], col[1],
					 p.filings.count ? p.filings.items[0].fecha_radicacion
							 : "-",
					 err);
		} else {
			if (a != DS_OK || p.filings.count != 1)
				fail_msg("dates.tsv:%d: %s %s: %s %s", lineno, col[0], col[1],
					 ds_answer_name(a), err);
			if (strcmp(p.filings.items[0].fecha_radicacion, col[2]) != 0)
				fail_msg("dates.tsv:%d: %s %s read as %s, want %s", lineno, col[0],
					 col[1], p.filings.items[0].fecha_radicacion, col[2]);
		}
		mapping_page_free(&p);
		n++;
	}
	fclose(fp);
	assert_true(n >= 30);
}

/* tests/data/json/errors.tsv: rules (errors inside a 200 body too), statuses, bodies that
 * are not JSON. */
static void test_error_rules(void **state)
{
	char line[TEST_LINE];
	FILE *fp = fopen(TEST_DATA "/errors.tsv", "r");
	int lineno = 0;
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *col[7];
		char err[TEST_ERR] = "";
		struct mapping_page p;
		const struct mapping *m;
		enum mapping_request r;
		enum ds_answer a;
		long status;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (test_columns(line, col, 7) != 7)
			fail_msg("errors.tsv:%d: expected 7 columns", lineno);
		m = strcmp(col[0], "cmis") == 0 ? test_cmis : test_rest;
		r = MAPPING_REQUEST_COUNT;
		for (int k = 0; k < MAPPING_REQUEST_COUNT; k++) {
			if (strcmp(mapping_request_name((enum mapping_request)k), col[1]) == 0)
				r = (enum mapping_request)k;
		}
		assert_true(r != MAPPING_REQUEST_COUNT);
		status = strtol(col[2], NULL, 10);
		mapping_page_init(&p);
		a = test_read(m, r, status, strcmp(col[3], "-") == 0 ? NULL : col[3], col[4], &p,
			      err, sizeof(err));
		if (strcmp(ds_answer_name(a), col[5]) != 0 || strstr(err, col[6]) == NULL)
			fail_msg("errors.tsv:%d: %s %s HTTP %ld: %s \"%s\", want %s \"%s\"", lineno,
				 col[0], col[1], status, ds_answer_name(a), err, col[5], col[6]);
		if (a != DS_OK)
			assert_int_equal(p.filings.count, 0);
		mapping_page_free(&p);
		n++;
	}
	fclose(fp);
	assert_true(n >= 35);
}

/* info: the first item that passes is the filing; none is DS_EMPTY. */
static void test_read_info(void **state)
{
	struct mapping_page p;
	char err[TEST_ERR] = "";

	(void)state;
	mapping_page_init(&p);
	assert_int_equal(
	    test_read(test_rest, MR_INFO, 200, NULL,
		      "{\"data\": [{\"Número radicado\": \"20240100000011\", \"Fecha\": "
		      "\"02/05/2024 02:14:07 PM\", \"Asunto\": \"uno\"}, {\"Número "
		      "radicado\": \"20240100000021\", \"Fecha\": \"02/05/2024 02:14:07 "
		      "PM\"}], \"status\": 200}",
		      &p, err, sizeof(err)),
	    DS_OK);
	assert_int_equal(p.filings.count, 1);
	assert_string_equal(p.filings.items[0].numero, "20240100000011");
	assert_int_equal(p.filings.items[0].has_detail, 1);
	assert_int_equal(test_read(test_rest, MR_INFO, 200, NULL, "{\"data\": [], \"status\": 200}",
				   &p, err, sizeof(err)),
			 DS_EMPTY);
	/* complete items need the date */
	assert_int_equal(test_read(test_rest, MR_INFO, 200, NULL,
				   "{\"data\": [{\"Número radicado\": \"20240100000011\"}]}", &p,
				   err, sizeof(err)),
			 DS_MALFORMED);
	assert_non_null(strstr(err, "falta la fecha de radicación"));
	mapping_page_free(&p);
}

/* Paging values: total and has_more as numbers, strings or booleans; next links and tokens
 * checked. */
static void test_paging_values(void **state)
{
	static const struct {
		enum mapping_request r;
		const char *body;
		enum ds_answer a;
		long total;
		int has_more;
		const char *next;
	} cases[] = {
	    {MR_LIST, "{\"data\": [], \"total\": 12}", DS_OK, 12, -1, NULL},
	    {MR_LIST, "{\"data\": [], \"total\": \"12\"}", DS_OK, 12, -1, NULL},
	    {MR_LIST, "{\"data\": [], \"total\": null}", DS_OK, -1, -1, NULL},
	    {MR_LIST, "{\"data\": [], \"total\": -1}", DS_MALFORMED, -1, -1, NULL},
	    {MR_LIST, "{\"data\": [], \"total\": 1.5}", DS_MALFORMED, -1, -1, NULL},
	    {MR_LIST, "{\"data\": [], \"total\": \"doce\"}", DS_MALFORMED, -1, -1, NULL},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {\"next\": \"/api/x?p=2\"}}", DS_OK, -1, -1,
	     "/api/x?p=2"},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {\"next\": null}}", DS_OK, -1, -1, NULL},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {\"next\": \"\"}}", DS_OK, -1, -1, NULL},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {}}", DS_OK, -1, -1, NULL},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {\"next\": \"/x\\ny\"}}", DS_MALFORMED, -1, -1,
	     NULL},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {\"next\": [\"/x\"]}}", DS_MALFORMED, -1, -1,
	     NULL},
	    {MR_MODIFIED, "{\"data\": [], \"links\": {\"next\": {\"href\": \"/x\"}}}", DS_MALFORMED,
	     -1, -1, NULL},
	    {MR_CHANGES, "{\"objects\": [], \"hasMoreItems\": false, \"changeLogToken\": 77}",
	     DS_OK, -1, 0, "77"},
	    {MR_CHANGES, "{\"objects\": [], \"hasMoreItems\": \"TRUE\", \"changeLogToken\": \"t\"}",
	     DS_OK, -1, 1, "t"},
	    {MR_CHANGES, "{\"objects\": [], \"hasMoreItems\": 1}", DS_MALFORMED, -1, -1, NULL},
	};
	struct mapping_page p;
	char err[TEST_ERR] = "";
	char *big;
	char *body;

	(void)state;
	mapping_page_init(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mapping *m = cases[i].r == MR_CHANGES ? test_cmis : test_rest;
		enum ds_answer a =
		    test_read(m, cases[i].r, 200, NULL, cases[i].body, &p, err, sizeof(err));

		if (a != cases[i].a)
			fail_msg("%s: %s (%s), want %s", cases[i].body, ds_answer_name(a), err,
				 ds_answer_name(cases[i].a));
		if (a != DS_OK)
			continue;
		assert_int_equal(p.total, cases[i].total);
		assert_int_equal(p.has_more, cases[i].has_more);
		if (cases[i].next == NULL)
			assert_null(p.next);
		else
			assert_string_equal(p.next, cases[i].next);
	}
	/* a next link of more than MJ_MAX_NEXT bytes */
	big = malloc(MJ_MAX_NEXT + 2);
	memset(big, 'a', MJ_MAX_NEXT + 1);
	big[MJ_MAX_NEXT + 1] = '\0';
	body = malloc(MJ_MAX_NEXT + 64);
	snprintf(body, MJ_MAX_NEXT + 64, "{\"data\": [], \"links\": {\"next\": \"/%s\"}}", big);
	assert_int_equal(test_read(test_rest, MR_MODIFIED, 200, NULL, body, &p, err, sizeof(err)),
			 DS_MALFORMED);
	assert_non_null(strstr(err, "paging.next"));
	free(body);
	free(big);
	mapping_page_free(&p);
}

/* The paging the loader leaves: kinds, sizes, defaults. */
static void test_paging_config(void **state)
{
	struct mapping_paging pg;

	(void)state;
	mapping_json_paging(test_rest, MR_LIST, &pg);
	assert_int_equal(pg.kind, MP_PAGE);
	assert_int_equal(pg.page_size, 2);
	assert_int_equal(pg.first_page, 1);
	assert_int_equal(pg.max_pages, MJ_DEFAULT_MAX_PAGES);
	mapping_json_paging(test_rest, MR_MODIFIED, &pg);
	assert_int_equal(pg.kind, MP_NEXT_LINK);
	assert_int_equal(pg.page_size, 50);
	mapping_json_paging(test_rest, MR_INFO, &pg);
	assert_int_equal(pg.kind, MP_NONE);
	assert_int_equal(pg.max_pages, 1);
	mapping_json_paging(test_rest, MR_CHANGES, &pg);
	assert_int_equal(pg.kind, MP_NONE);
	mapping_json_paging(test_cmis, MR_CHANGES, &pg);
	assert_int_equal(pg.kind, MP_TOKEN);
	assert_int_equal(pg.page_size, 1000);
	assert_int_equal(pg.max_pages, 100000);
	assert_int_equal(pg.repeats_last, 0);
	mapping_json_paging(test_cmis, MR_LIST, &pg);
	assert_int_equal(pg.kind, MP_OFFSET);
	assert_int_equal(mapping_json_complete(test_rest, MR_LIST), 0);
	assert_int_equal(mapping_json_complete(test_rest, MR_MODIFIED), 1);
	assert_int_equal(mapping_json_complete(test_rest, MR_INFO), 1);
	assert_int_equal(mapping_has_request(test_rest, MR_CHANGES), 0);
	assert_int_equal(mapping_has_request(test_rest, MR_LATEST_TOKEN), 0);
	assert_int_equal(mapping_has_request(test_cmis, MR_LATEST_TOKEN), 1);
	assert_string_equal(mapping_json_accept(test_rest), "application/json");
	{
		struct mapping_auth a;

		mapping_json_auth(test_rest, &a);
		assert_int_equal(a.kind, MA_BEARER);
		assert_string_equal(a.header, "Authorization");
		assert_string_equal(a.prefix, "Bearer ");
		mapping_json_auth(test_cmis, &a);
		assert_int_equal(a.kind, MA_BASIC);
	}
}

/* A change log page of the CMIS profile: created/updated upserted, deleted by id_sgd,
 * security ignored, other types and other objects ignored; repeats_last's skip. */
static void test_change_types(void **state)
{
	char *body = test_slurp(TEST_DATA "/answer-changes.json", NULL);
	struct mapping_page p;
	char err[TEST_ERR] = "";
	const struct filing *f;

	(void)state;
	mapping_page_init(&p);
	assert_int_equal(
	    test_read(test_cmis, MR_CHANGES, 200, "application/json", body, &p, err, sizeof(err)),
	    DS_OK);
	assert_int_equal(p.items, 7);
	assert_int_equal(p.filings.count, 2);
	assert_int_equal(p.ndeleted, 1);
	assert_string_equal(p.deleted[0], "obj-3");
	/* security, anexo (filter), reorganized (unknown), updated without properties */
	assert_int_equal(p.ignored, 4);
	assert_int_equal(p.has_more, 1);
	assert_string_equal(p.next, "1714677250000-7");
	f = test_find(&p, "20240100000011");
	assert_string_equal(f->id_sgd, "obj-1");
	assert_string_equal(f->asunto, "creado");
	assert_string_equal(f->remitente, "Ana; Luis");
	assert_string_equal(f->fecha_radicacion, "2024-05-02T14:14:07-05:00");
	assert_int_equal(f->has_detail, 1);
	f = test_find(&p, "20240100000012");
	assert_string_equal(f->dependencia_actual, "110");

	/* the first item passed over (a log that repeats the last event seen) */
	mapping_page_free(&p);
	p.skip = 1;
	assert_int_equal(
	    test_read(test_cmis, MR_CHANGES, 200, "application/json", body, &p, err, sizeof(err)),
	    DS_OK);
	assert_int_equal(p.items, 7);
	assert_int_equal(p.filings.count, 1);
	assert_int_equal(p.skip, 1);
	mapping_page_free(&p);

	/* a delete without an id is malformed */
	assert_int_equal(
	    test_read(test_cmis, MR_CHANGES, 200, NULL,
		      "{\"objects\": [{\"succinctProperties\": {\"cmis:objectTypeId\": "
		      "\"sgd:radicado\"}, \"changeEventInfo\": {\"changeType\": "
		      "\"deleted\"}}], \"hasMoreItems\": false}",
		      &p, err, sizeof(err)),
	    DS_MALFORMED);
	assert_non_null(strstr(err, "sin id_sgd"));
	mapping_page_free(&p);
	free(body);
}

/* latest_token: a list of alternative pointers, the first that yields a value wins. */
static void test_latest_token(void **state)
{
	static const char *const cases[][2] = {
	    {"{\"repositoryId\": \"sgd\", \"latestChangeLogToken\": \"t-1\"}", "t-1"},
	    {"{\"sgd\": {\"repositoryId\": \"sgd\", \"latestChangeLogToken\": \"t-2\"}}", "t-2"},
	    {"{\"latestChangeLogToken\": null, \"sgd\": {\"latestChangeLogToken\": 33}}", "33"},
	    {"{\"sgd\": {\"repositoryId\": \"sgd\"}, \"otro\": {\"latestChangeLogToken\": "
	     "\"t-4\"}}",
	     "t-4"},
	    {"{\"repositoryId\": \"sgd\"}", NULL},
	    {"{\"latestChangeLogToken\": \"\"}", NULL},
	    {"{\"latestChangeLogToken\": \"a\\u0001b\"}", NULL},
	    {"{\"latestChangeLogToken\": {\"v\": 1}}", NULL},
	};
	struct mapping_page p;
	char err[TEST_ERR] = "";

	(void)state;
	mapping_page_init(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ds_answer a = test_read(test_cmis, MR_LATEST_TOKEN, 200, NULL, cases[i][0], &p,
					     err, sizeof(err));

		if (cases[i][1] == NULL) {
			if (a != DS_MALFORMED)
				fail_msg("%s: %s, want malformed", cases[i][0], ds_answer_name(a));
			assert_non_null(strstr(err, "token de cambios"));
			continue;
		}
		if (a != DS_OK)
			fail_msg("%s: %s %s", cases[i][0], ds_answer_name(a), err);
		assert_string_equal(p.token, cases[i][1]);
	}
	mapping_page_free(&p);
}

/* Limits: an answer over MAPPING_MAX_RESPONSE, nesting past MAPPING_JSON_MAX_DEPTH (brackets
 * inside strings do not count), a filing over the field limits left out and counted, a
 * built value over MJ_MAX_BUILT. */
static void test_limits(void **state)
{
	struct mapping_page p;
	char err[TEST_ERR] = "";
	size_t big = MAPPING_MAX_RESPONSE + 1;
	char *body = malloc(big + 1);
	json_t *doc;
	size_t o;

	(void)state;
	mapping_page_init(&p);
	memset(body, ' ', big);
	body[0] = '{';
	body[big - 1] = '}';
	body[big] = '\0';
	assert_int_equal(
	    mapping_json_read(test_rest, MR_LIST, 200, NULL, body, big, &p, err, sizeof(err)),
	    DS_MALFORMED);
	assert_non_null(strstr(err, "límite"));

	/* 64 levels parse, 65 do not; "[" inside strings are text */
	for (int depth = 64; depth <= 65; depth++) {
		o = 0;
		for (int i = 0; i < depth; i++)
			body[o++] = '[';
		for (int i = 0; i < depth; i++)
			body[o++] = ']';
		doc = mapping_json_parse(body, o, err, sizeof(err));
		if (depth == 64) {
			assert_non_null(doc);
			json_decref(doc);
		} else {
			assert_null(doc);
			assert_non_null(strstr(err, "anidado a más de 64 niveles"));
		}
	}
	o = (size_t)snprintf(body, big, "{\"data\": [], \"x\": \"");
	for (int i = 0; i < 500; i++)
		body[o++] = '[';
	o += (size_t)snprintf(body + o, big - o, "\\\"[[[\"}");
	doc = mapping_json_parse(body, o, err, sizeof(err));
	assert_non_null(doc);
	json_decref(doc);
	/* deep nesting refused inside a read too, cleanly */
	o = (size_t)snprintf(body, big, "{\"data\": ");
	for (int i = 0; i < 100000; i++)
		body[o++] = '[';
	assert_int_equal(
	    mapping_json_read(test_rest, MR_LIST, 200, NULL, body, o, &p, err, sizeof(err)),
	    DS_MALFORMED);
	assert_non_null(strstr(err, "anidado"));

	/* a subject over the limit: that filing is left out, the page goes on */
	o = (size_t)snprintf(body, big,
			     "{\"data\": [{\"Clase\": \"radicado\", \"Número radicado\": "
			     "\"20240100000011\", \"Asunto\": \"");
	for (int i = 0; i < 5000; i++)
		body[o++] = 'x';
	o += (size_t)snprintf(body + o, big - o,
			      "\"}, {\"Clase\": \"radicado\", \"Número radicado\": "
			      "\"20240100000021\"}]}");
	assert_int_equal(
	    mapping_json_read(test_rest, MR_LIST, 200, NULL, body, o, &p, err, sizeof(err)), DS_OK);
	assert_int_equal(p.filings.count, 1);
	assert_int_equal(p.refused, 1);
	assert_string_equal(p.filings.items[0].numero, "20240100000021");
	mapping_page_free(&p);

	/* a request value over MJ_MAX_BUILT bytes */
	{
		struct mapping_vars v;
		struct mapping_http_request rq;
		char *huge = malloc(MJ_MAX_BUILT + 2);

		memset(huge, '7', MJ_MAX_BUILT + 1);
		huge[MJ_MAX_BUILT + 1] = '\0';
		test_vars(&v);
		v.numero = huge;
		assert_int_equal(
		    mapping_json_build(test_rest, MR_INFO, &v, NULL, &rq, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "más de"));
		free(huge);
	}
	free(body);
}

/* A request the mapping does not describe; a NULL body. */
static void test_read_misuse(void **state)
{
	struct mapping_page p;
	char err[TEST_ERR] = "";

	(void)state;
	mapping_page_init(&p);
	assert_int_equal(test_read(test_rest, MR_CHANGES, 200, NULL, "{}", &p, err, sizeof(err)),
			 DS_FAULT_CLIENT);
	assert_non_null(strstr(err, "changes"));
	assert_int_equal(
	    mapping_json_read(test_rest, MR_LIST, 200, NULL, NULL, 0, &p, err, sizeof(err)),
	    DS_MALFORMED);
	assert_non_null(strstr(err, "respuesta vacía"));
	assert_int_equal(
	    mapping_json_read(test_rest, MR_LIST, 200, NULL, "{}", 2, NULL, err, sizeof(err)),
	    DS_MALFORMED);
	mapping_page_free(&p);
}

/* mapping_json_merge_info: the info request's fields replace the listed ones. */
static void test_merge_info(void **state)
{
	struct mapping_page list;
	struct mapping_page info;
	char *body = test_slurp(TEST_DATA "/answer-list.json", NULL);
	char err[TEST_ERR] = "";
	struct filing *t;

	(void)state;
	mapping_page_init(&list);
	mapping_page_init(&info);
	assert_int_equal(test_read(test_rest, MR_LIST, 200, NULL, body, &list, err, sizeof(err)),
			 DS_OK);
	t = &list.filings.items[0];
	assert_int_equal(
	    test_read(test_rest, MR_INFO, 200, NULL,
		      "{\"data\": [{\"Número radicado\": \"20240100000011\", \"Fecha\": "
		      "\"2024-05-02 14:14:07\", \"Asunto\": \"Asunto del detalle\", "
		      "\"Folios\": \"40\", \"Dependencia Tramitadora\": \"110\", "
		      "\"Anulado\": \"true\"}]}",
		      &info, err, sizeof(err)),
	    DS_OK);
	assert_int_equal(
	    mapping_json_merge_info(test_rest, t, &info.filings.items[0], err, sizeof(err)), 0);
	assert_string_equal(t->asunto, "Asunto del detalle");
	assert_int_equal(t->folios, 40);
	assert_string_equal(t->dependencia_actual, "110");
	assert_string_equal(t->estado_ds, "anulado");
	/* the detail maps no remitente field with a value: Remitentes missing gives "" */
	assert_string_equal(t->remitente, "");
	assert_string_equal(t->id_sgd, "501"); /* info does not map id_sgd: kept */
	assert_int_equal(t->has_detail, 1);
	/* another number */
	assert_int_equal(mapping_json_merge_info(test_rest, &list.filings.items[1],
						 &info.filings.items[0], err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "se pidió el radicado"));
	mapping_page_free(&list);
	mapping_page_free(&info);
	free(body);
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
	    cmocka_unit_test(test_pointer_rfc),
	    cmocka_unit_test(test_pointer_wildcard),
	    cmocka_unit_test(test_pointer_limits),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_build_list),
	    cmocka_unit_test(test_build_json_escapes),
	    cmocka_unit_test(test_build_url_escapes),
	    cmocka_unit_test(test_build_modified_next),
	    cmocka_unit_test(test_build_query_form),
	    cmocka_unit_test(test_read_list),
	    cmocka_unit_test(test_read_bad_items),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_error_rules),
	    cmocka_unit_test(test_read_info),
	    cmocka_unit_test(test_paging_values),
	    cmocka_unit_test(test_paging_config),
	    cmocka_unit_test(test_change_types),
	    cmocka_unit_test(test_latest_token),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_read_misuse),
	    cmocka_unit_test(test_merge_info),
	    cmocka_unit_test(test_broken_mappings),
	    cmocka_unit_test(test_good_variants),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
