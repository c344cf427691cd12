/* test_mapping_json.c -- unit tests of the format-json engine's reading side
 * (mapping_jpointer.c, mapping_json_read.c) with tests/data/json/rest.json (an OrfeoNG-shaped
 * REST service) and the shipped mappings/cmis-browser.json: JSON Pointers on RFC 6901's
 * document, values as text, dates, paging values, error rules, change types, limits.
 * test_mapping_json_build.c has the requests and the mapping files. */
#include "test_mapping_json.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pointer_rfc),	   cmocka_unit_test(test_pointer_wildcard),
	    cmocka_unit_test(test_pointer_limits), cmocka_unit_test(test_values),
	    cmocka_unit_test(test_read_list),	   cmocka_unit_test(test_read_bad_items),
	    cmocka_unit_test(test_dates),	   cmocka_unit_test(test_error_rules),
	    cmocka_unit_test(test_read_info),	   cmocka_unit_test(test_paging_values),
	    cmocka_unit_test(test_paging_config),  cmocka_unit_test(test_change_types),
	    cmocka_unit_test(test_latest_token),   cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_read_misuse),	   cmocka_unit_test(test_merge_info),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
