/* test_mapping.c -- unit tests of mapping.c with mappings/orfeo-soap.json: the shared
 * ds-contract samples, our odd answers (tests/data/xml), requests, broken mapping files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filing.h"
#include "mapping.h"

#define TEST_MAPPING "mappings/orfeo-soap.json"
#define TEST_DATA "tests/data"
#define TEST_SHARED_DEFAULT "../shared"
#define TEST_ERR 1024
#define TEST_PATH 512
#define TEST_LINE 1024
#define TEST_THREADS 8
#define TEST_ROUNDS 40

static struct mapping *test_m;

/* ---------------------------------------------------------------- helpers */

static char *test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (fp == NULL)
		fail_msg("%s: cannot open (tests run from the repository root; SEGCONT_SHARED "
			 "points at the shared folder)",
			 path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("%s: short read", path);
	p[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static char *test_shared(const char *name, size_t *len)
{
	const char *dir = getenv("SEGCONT_SHARED");
	char path[TEST_PATH];

	snprintf(path, sizeof(path), "%s/ds-contract/%s", dir && *dir ? dir : TEST_SHARED_DEFAULT,
		 name);
	return test_slurp(path, len);
}

static char *test_data(const char *name, size_t *len)
{
	char path[TEST_PATH];

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA, name);
	return test_slurp(path, len);
}

/* Replaces every occurrence of from in s by to. Returns a new string. */
static char *test_replace(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	size_t tl = strlen(to);
	size_t n = 0;
	char *out;
	char *o;

	for (const char *p = strstr(s, from); p; p = strstr(p + fl, from))
		n++;
	out = malloc(strlen(s) + n * tl + 1);
	o = out;
	for (;;) {
		const char *p = strstr(s, from);

		if (p == NULL)
			break;
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
		s = p + fl;
	}
	strcpy(o, s);
	return out;
}

static enum ds_answer test_list(const char *body, size_t len, struct filing_list *out, char *err)
{
	return mapping_parse_list(test_m, body, len, out, err, TEST_ERR);
}

static enum ds_answer test_list_file(const char *name, int shared, struct filing_list *out,
				     char *err)
{
	size_t len;
	char *body = shared ? test_shared(name, &len) : test_data(name, &len);
	enum ds_answer a = test_list(body, len, out, err);

	free(body);
	return a;
}

static enum ds_answer test_info_file(const char *name, int shared, struct filing *f, char *err)
{
	size_t len;
	char *body = shared ? test_shared(name, &len) : test_data(name, &len);
	enum ds_answer a = mapping_parse_info(test_m, body, len, f, err, TEST_ERR);

	free(body);
	return a;
}

#define assert_answer(got, want, err)                                                              \
	do {                                                                                       \
		enum ds_answer g_ = (got);                                                         \
		if (g_ != (want))                                                                  \
			fail_msg("answer %s, want %s (err: %s)", ds_answer_name(g_),               \
				 ds_answer_name(want), (err));                                     \
	} while (0)

static void test_assert_same_filing(const struct filing *a, const struct filing *b)
{
	assert_string_equal(a->numero, b->numero);
	assert_string_equal(a->tipo_radicado, b->tipo_radicado);
	assert_string_equal(a->fecha_radicacion, b->fecha_radicacion);
	assert_string_equal(a->asunto, b->asunto);
	assert_int_equal(a->folios, b->folios);
	assert_string_equal(a->ruta, b->ruta);
	assert_string_equal(a->dependencia_origen, b->dependencia_origen);
	assert_string_equal(a->dependencia_origen_nombre, b->dependencia_origen_nombre);
	assert_string_equal(a->dependencia_actual, b->dependencia_actual);
	assert_string_equal(a->remitente, b->remitente);
	assert_string_equal(a->tipo_documental, b->tipo_documental);
	assert_string_equal(a->estado_ds, b->estado_ds);
	assert_int_equal(a->has_detail, b->has_detail);
}

static int test_setup(void **state)
{
	char err[TEST_ERR];

	(void)state;
	mapping_global_init();
	test_m = mapping_load(TEST_MAPPING, err, sizeof(err));
	if (test_m == NULL) {
		fprintf(stderr, "mapping_load: %s\n", err);
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

/* ---------------------------------------------------------------- loading, requests */

static void test_load(void **state)
{
	(void)state;
	assert_string_equal(mapping_profile(test_m), "orfeo-soap");
	assert_int_equal(mapping_max_window_days(test_m), 31);
	assert_string_equal(mapping_content_type(test_m), "text/xml; charset=UTF-8");
	assert_string_equal(mapping_endpoint_path(test_m), "/webServices/servidor.php");
}

static void test_build_list_request(void **state)
{
	size_t len;
	char *want = test_shared("list-request.xml", &len);
	char *body = NULL;
	char *action = NULL;

	(void)state;
	assert_int_equal(mapping_build_list_request(test_m, "342", "2024-05-02", "2024-05-03",
						    "CLAVE-DEL-SERVICIO", &body, &action),
			 0);
	assert_int_equal(strlen(body), len);
	assert_memory_equal(body, want, len);
	assert_string_equal(action, "\"urn:orfeo#getRadicadosDependencia\"");
	free(body);
	free(action);
	free(want);
}

static void test_build_info_request(void **state)
{
	size_t len;
	char *want = test_shared("info-request.xml", &len);
	char *body = NULL;
	char *action = NULL;

	(void)state;
	assert_int_equal(mapping_build_info_request(test_m, "20242110004873", "CLAVE-DEL-SERVICIO",
						    &body, &action),
			 0);
	assert_int_equal(strlen(body), len);
	assert_memory_equal(body, want, len);
	assert_string_equal(action, "\"urn:orfeo#getInfoRadicado\"");
	free(body);
	free(action);
	free(want);
}

/* A key with XML's special characters is escaped, and the request still parses to it. */
static void test_build_escapes(void **state)
{
	static const char key[] = "k&y<1>\"2'ñ";
	char *body = NULL;
	char *action = NULL;
	char err[TEST_ERR];
	void *doc;

	(void)state;
	assert_int_equal(mapping_build_info_request(test_m, "20242110004873", key, &body, &action),
			 0);
	assert_non_null(strstr(body, ">k&amp;y&lt;1&gt;&quot;2&apos;ñ</key>"));
	doc = mapping_parse_xml(body, strlen(body), err, sizeof(err));
	if (doc == NULL)
		fail_msg("built request does not parse: %s", err);
	xmlFreeDoc(doc);
	free(body);
	free(action);
}

static void test_build_refuses(void **state)
{
	static const char *const bad_dates[] = {"2024-02-30", "2023-02-29", "2024/05/02",
						"2024-5-2",   "",	    "2024-05-02x",
						"2024-13-01", "0024-01-01", "2024-00-10"};
	char *body = NULL;
	char *action = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
		if (mapping_build_list_request(test_m, "342", bad_dates[i], "2024-05-03", "K",
					       &body, &action) == 0)
			fail_msg("date \"%s\" accepted", bad_dates[i]);
	}
	assert_int_equal(mapping_build_list_request(test_m, "342", "2024-02-29", "2024-03-01", "K",
						    &body, &action),
			 0);
	assert_non_null(strstr(body, ">2024/02/29<"));
	assert_non_null(strstr(body, ">2024/03/01<"));
	free(body);
	free(action);
	/* control characters and invalid UTF-8 cannot go into XML */
	assert_int_equal(mapping_build_info_request(test_m, "1", "a\001b", &body, &action), -1);
	assert_int_equal(mapping_build_info_request(test_m, "1", "a\nb", &body, &action), -1);
	assert_int_equal(mapping_build_info_request(test_m, "1", "\xc3(", &body, &action), -1);
	assert_int_equal(mapping_build_info_request(test_m, NULL, "k", &body, &action), -1);
	assert_int_equal(mapping_build_list_request(NULL, "342", "2024-05-02", "2024-05-03", "K",
						    &body, &action),
			 -1);
}

static void test_answer_names(void **state)
{
	(void)state;
	assert_string_equal(ds_answer_name(DS_OK), "ok");
	assert_string_equal(ds_answer_name(DS_EMPTY), "empty");
	assert_string_equal(ds_answer_name(DS_NOT_FOUND), "not_found");
	assert_string_equal(ds_answer_name(DS_AUTH), "auth");
	assert_string_equal(ds_answer_name(DS_FAULT_CLIENT), "fault_client");
	assert_string_equal(ds_answer_name(DS_FAULT_SERVER), "fault_server");
	assert_string_equal(ds_answer_name(DS_MALFORMED), "malformed");
}

/* ---------------------------------------------------------------- list answers */

static void test_check_sample_list(const struct filing_list *l)
{
	const struct filing *f;

	assert_int_equal(l->count, 3);
	f = &l->items[0];
	assert_string_equal(f->numero, "20241300012213");
	assert_string_equal(f->tipo_radicado, "interna");
	assert_string_equal(f->fecha_radicacion, "2024-05-02T09:14:07-05:00");
	assert_int_equal(f->folios, 12);
	assert_string_equal(f->ruta, "");
	assert_string_equal(f->asunto, "Solicitud de contratación directa prestación de servicios "
				       "profesionales - Oficina de Tecnologías de la Información");
	f = &l->items[1];
	assert_string_equal(f->numero, "20242110004873");
	assert_string_equal(f->tipo_radicado, "interna");
	assert_string_equal(f->fecha_radicacion, "2024-05-02T16:51:40-05:00");
	assert_int_equal(f->folios, 3);
	assert_string_equal(f->ruta, "");
	/* accents and N° as UTF-8 bytes; &amp; decoded once */
	assert_string_equal(f->asunto, "Solicitud de adici\xc3\xb3n y pr\xc3\xb3rroga al contrato "
				       "4120000-1093-2023 & otros\xc3\xad N\xc2\xb0 1");
	f = &l->items[2];
	assert_string_equal(f->numero, "20245100020112");
	assert_string_equal(f->tipo_radicado, "entrada");
	assert_string_equal(f->fecha_radicacion, "2024-05-03T00:03:59-05:00");
	assert_int_equal(f->folios, 1);
	assert_string_equal(f->asunto,
			    "Liquidación bilateral convenio interadministrativo 4220000-622-2022");
	for (size_t i = 0; i < l->count; i++) {
		assert_int_equal(l->items[i].has_detail, 0);
		assert_string_equal(l->items[i].dependencia_actual, "");
		assert_string_equal(l->items[i].estado_ds, "vigente");
	}
}

static void test_list_sample(void **state)
{
	struct filing_list l;
	char err[TEST_ERR];

	(void)state;
	filing_list_init(&l);
	assert_answer(test_list_file("list-response.xml", 1, &l, err), DS_OK, err);
	test_check_sample_list(&l);
	filing_list_free(&l);
}

/* The same answer in UTF-8 with soap:/enc:/m: prefixes, or after a stray newline. */
static void test_list_variants(void **state)
{
	static const char *const files[] = {"xml/list-response-utf8-prefixes.xml",
					    "xml/list-response-leading-newline.xml",
					    "xml/list-service-namespace.xml"};
	struct filing_list l;
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		filing_list_init(&l);
		assert_answer(test_list_file(files[i], 0, &l, err), DS_OK, err);
		test_check_sample_list(&l);
		filing_list_free(&l);
	}
}

/* A list appends to what out already holds. */
static void test_list_appends(void **state)
{
	struct filing_list l;
	char err[TEST_ERR];

	(void)state;
	filing_list_init(&l);
	assert_answer(test_list_file("list-response.xml", 1, &l, err), DS_OK, err);
	assert_answer(test_list_file("list-response.xml", 1, &l, err), DS_OK, err);
	assert_int_equal(l.count, 6);
	assert_string_equal(l.items[5].numero, "20245100020112");
	filing_list_free(&l);
}

static void test_list_zero_items(void **state)
{
	struct filing_list l;
	char err[TEST_ERR];

	(void)state;
	filing_list_init(&l);
	assert_answer(test_list_file("xml/list-zero-items.xml", 0, &l, err), DS_OK, err);
	assert_int_equal(l.count, 0);
	filing_list_free(&l);
}

static void test_list_empty_fault(void **state)
{
	struct filing_list l;
	char err[TEST_ERR];

	(void)state;
	filing_list_init(&l);
	assert_answer(test_list_file("list-empty-fault.xml", 1, &l, err), DS_EMPTY, err);
	assert_int_equal(l.count, 0);
	/* Real nusoap: code "Server" without a prefix, and a final period. */
	assert_answer(test_list_file("xml/list-real-empty-fault.xml", 0, &l, err), DS_EMPTY, err);
	assert_int_equal(l.count, 0);
	filing_list_free(&l);
}

/* Reads a data file as an answer with the HTTP charset given; info receives what the reader
 * noticed. */
static enum ds_answer test_read_list(const char *name, const char *charset, struct filing_list *out,
				     struct mapping_answer_info *info, char *err)
{
	size_t len;
	char *body = test_data(name, &len);
	enum ds_answer a = mapping_read_list(test_m, body, len, charset, out, info, err, TEST_ERR);

	free(body);
	return a;
}

/* Real servers: no declaration, an ISO-8859-1 label over cp1252 or UTF-8 bytes, a stray
 * newline that pushes the envelope's final '>' past Content-Length. Every variant reads as
 * the same UTF-8 text. */
static void test_list_real_answers(void **state)
{
	static const struct {
		const char *file;
		const char *charset;
		const char *encoding;
		int stray;
	} cases[] = {
	    {"xml/list-real-cp1252.xml", "ISO-8859-1", "WINDOWS-1252", 0},
	    {"xml/list-real-cp1252.xml", NULL, "WINDOWS-1252", 0},
	    {"xml/list-real-cp1252.xml", "UTF-8", "WINDOWS-1252", 0},
	    {"xml/list-real-utf8.xml", "ISO-8859-1", "UTF-8", 0},
	    {"xml/list-real-stray-byte.xml", "ISO-8859-1", "WINDOWS-1252", 1},
	};
	const char *dash = "Solicitud de contratación directa prestación de servicios "
			   "profesionales - Oficina de Tecnologías de la Información "
			   "\xe2\x80\x93 \xe2\x80\x9cTI\xe2\x80\x9d";
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mapping_answer_info info;
		struct filing_list l;

		filing_list_init(&l);
		assert_answer(test_read_list(cases[i].file, cases[i].charset, &l, &info, err),
			      DS_OK, err);
		assert_int_equal(l.count, 3);
		assert_string_equal(l.items[0].asunto, dash);
		assert_string_equal(l.items[1].asunto,
				    "Solicitud de adici\xc3\xb3n y pr\xc3\xb3rroga "
				    "al contrato 4120000-1093-2023 & otros\xc3\xad "
				    "N\xc2\xb0 1");
		assert_string_equal(info.encoding, cases[i].encoding);
		assert_int_equal(info.declaration, 0);
		assert_int_equal(info.stray_prefix, cases[i].stray);
		assert_int_equal(info.repaired_end, cases[i].stray);
		filing_list_free(&l);
	}
	/* The samples keep their declaration's encoding, ISO-8859-1 read as its superset. */
	{
		struct mapping_answer_info info;
		struct filing_list l;
		size_t len;
		char *body = test_shared("list-response.xml", &len);

		filing_list_init(&l);
		assert_answer(
		    mapping_read_list(test_m, body, len, "UTF-8", &l, &info, err, TEST_ERR), DS_OK,
		    err);
		test_check_sample_list(&l);
		assert_string_equal(info.encoding, "WINDOWS-1252");
		assert_int_equal(info.declaration, 1);
		assert_int_equal(info.stray_prefix, 0);
		filing_list_free(&l);
		free(body);
	}
	/* A truncated answer is not "repaired": only a lost final '>' after a stray byte is. */
	{
		struct filing_list l;
		size_t len;
		char *body = test_data("xml/list-real-stray-byte.xml", &len);

		filing_list_init(&l);
		assert_answer(
		    mapping_read_list(test_m, body, len - 20, NULL, &l, NULL, err, TEST_ERR),
		    DS_MALFORMED, err);
		assert_answer(
		    mapping_read_list(test_m, body + 1, len - 1, NULL, &l, NULL, err, TEST_ERR),
		    DS_MALFORMED, err);
		assert_int_equal(l.count, 0);
		filing_list_free(&l);
		free(body);
	}
}

static void test_list_faults(void **state)
{
	static const struct {
		const char *file;
		int shared;
		enum ds_answer want;
		const char *text;
	} cases[] = {
	    {"list-range-fault.xml", 1, DS_FAULT_CLIENT,
	     "Rango de fechas superior a 31 d\xc3\xad"
	     "as"},
	    {"xml/fault-client-subcode.xml", 0, DS_FAULT_CLIENT, "Client.Authentication"},
	    {"xml/fault-server.xml", 0, DS_FAULT_SERVER, "Error de conexión a la base de datos"},
	    {"xml/list-error-badkey.xml", 0, DS_AUTH,
	     "La clave de consulta del servicio web no coincide."},
	    {"info-badkey.xml", 1, DS_MALFORMED, "estructura"}, /* an info answer is no list */
	};
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filing_list l;

		filing_list_init(&l);
		assert_answer(test_list_file(cases[i].file, cases[i].shared, &l, err),
			      cases[i].want, err);
		if (strstr(err, cases[i].text) == NULL)
			fail_msg("%s: err \"%s\" lacks \"%s\"", cases[i].file, err, cases[i].text);
		assert_int_equal(l.count, 0);
		filing_list_free(&l);
	}
}

/* Anything wrong anywhere refuses the whole answer and leaves out as it was. */
static void test_list_malformed(void **state)
{
	static const char *const files[] = {
	    "xml/list-truncated.xml",	    "xml/nginx-502.html",
	    "xml/html-error-page.html",	    "xml/php-fatal-error.html",
	    "xml/xhtml-page.xml",	    "xml/garbage.bin",
	    "xml/list-wrong-structure.xml", "xml/list-wrong-envelope.xml",
	    "xml/list-bad-radicado.xml",    "xml/list-short-radicado.xml",
	    "xml/list-bad-date.xml",	    "xml/list-bad-folios.xml",
	    "xml/internal-entity.xml",	    "xml/doctype-external-entity.xml",
	    "xml/undeclared-entity.xml",
	};
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct filing_list l;
		struct filing *f;

		filing_list_init(&l);
		f = filing_list_push(&l);
		filing_set(&f->numero, "20240000000012");
		err[0] = '\0';
		assert_answer(test_list_file(files[i], 0, &l, err), DS_MALFORMED, err);
		if (err[0] == '\0')
			fail_msg("%s: DS_MALFORMED without a message", files[i]);
		assert_int_equal(l.count, 1);
		assert_string_equal(l.items[0].numero, "20240000000012");
		filing_list_free(&l);
	}
	{
		struct filing_list l;

		filing_list_init(&l);
		assert_answer(test_list("", 0, &l, err), DS_MALFORMED, err);
		assert_answer(test_list(NULL, 0, &l, err), DS_MALFORMED, err);
		assert_answer(mapping_parse_list(NULL, "<a/>", 4, &l, err, sizeof(err)),
			      DS_MALFORMED, err);
		assert_int_equal(l.count, 0);
		filing_list_free(&l);
	}
}

/* Reads a TSV table "value<TAB>expected" and runs each value through the one-item list
 * template at placeholder; check gets the parsed filing (or NULL when malformed). Expected
 * "malformed": the whole answer refused; "refused": the answer read without this filing. */
static void test_template_table(const char *table, const char *placeholder, const char *other,
				const char *other_value,
				void (*check)(const char *where, const struct filing *f,
					      const char *expected))
{
	char path[TEST_PATH];
	char line[TEST_LINE];
	size_t len;
	char *tmpl = test_data("xml/list-one-item.xml.in", &len);
	FILE *fp;
	int lineno = 0;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA, table);
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char where[TEST_PATH + 16];
		struct filing_list l;
		char err[TEST_ERR];
		char *tab;
		char *a;
		char *b;
		char *body;
		enum ds_answer ans;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tab = strrchr(line, '\t');
		if (tab == NULL)
			fail_msg("%s:%d: no tab", path, lineno);
		*tab = '\0';
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		a = test_replace(tmpl, placeholder, line);
		b = test_replace(a, other, other_value);
		/* a table of neither placeholder (the subject) keeps a valid date */
		body = test_replace(b, "@FECHARAD@", "02-05-2024 09:14:07 AM");
		free(b);
		filing_list_init(&l);
		ans = test_list(body, strlen(body), &l, err);
		if (strcmp(tab + 1, "malformed") == 0) {
			if (ans != DS_MALFORMED)
				fail_msg("%s: \"%s\" gave %s, want malformed", where, line,
					 ds_answer_name(ans));
			assert_int_equal(l.count, 0);
			check(where, NULL, NULL);
		} else if (strcmp(tab + 1, "refused") == 0) {
			/* the answer is read, this filing left out by the field limits */
			if (ans != DS_OK || l.count != 0)
				fail_msg("%s: \"%s\" gave %s with %zu filings, want it refused",
					 where, line, ds_answer_name(ans), l.count);
		} else {
			if (ans != DS_OK)
				fail_msg("%s: \"%s\" gave %s (%s)", where, line,
					 ds_answer_name(ans), err);
			assert_int_equal(l.count, 1);
			check(where, &l.items[0], tab + 1);
		}
		filing_list_free(&l);
		free(a);
		free(body);
		n++;
	}
	fclose(fp);
	free(tmpl);
	assert_true(n > 10);
}

static void test_check_date(const char *where, const struct filing *f, const char *expected)
{
	if (f != NULL && strcmp(f->fecha_radicacion, expected) != 0)
		fail_msg("%s: fecha_radicacion \"%s\", want \"%s\"", where, f->fecha_radicacion,
			 expected);
}

static void test_check_numero(const char *where, const struct filing *f, const char *expected)
{
	if (f != NULL && strcmp(f->tipo_radicado, expected) != 0)
		fail_msg("%s: tipo_radicado \"%s\", want \"%s\"", where, f->tipo_radicado,
			 expected);
	if (f != NULL && (strlen(f->numero) < 14 || strchr(f->numero, ' ') != NULL))
		fail_msg("%s: numero \"%s\" not trimmed", where, f->numero);
}

static void test_list_dates(void **state)
{
	(void)state;
	test_template_table("list-dates.tsv", "@FECHARAD@", "@RADICADO@", "20241300012213",
			    test_check_date);
}

static void test_check_asunto(const char *where, const struct filing *f, const char *expected)
{
	if (f != NULL && strcmp(f->asunto, expected) != 0)
		fail_msg("%s: asunto \"%s\", want \"%s\"", where, f->asunto, expected);
}

/* The subject is stored through htmlspecialchars in Orfeo: its references are decoded once
 * after the XML is read, and text that only looks like one is kept. */
static void test_list_subjects(void **state)
{
	(void)state;
	test_template_table("list-asuntos.tsv", "Prueba", "@RADICADO@", "20241300012213",
			    test_check_asunto);
}

static void test_list_numbers(void **state)
{
	(void)state;
	test_template_table("list-radicados.tsv", "@RADICADO@", "@FECHARAD@",
			    "02-05-2024 09:14:07 AM", test_check_numero);
}

/* ---------------------------------------------------------------- info answers */

static void test_check_detail(const struct filing *f)
{
	assert_string_equal(f->dependencia_origen, "211");
	/* SGD_DIR_NOMBRE is a person's given names in real installations: not mapped; the
	 * shipped dependencias table is empty. */
	assert_string_equal(f->dependencia_origen_nombre, "");
	assert_string_equal(f->dependencia_actual, "342");
	assert_string_equal(f->remitente, "Mar\xc3\xad"
					  "a Fernanda Pe\xc3\xb1"
					  "a Mu\xc3\xb1oz");
	assert_string_equal(f->tipo_documental, "1071");
	assert_string_equal(f->estado_ds, "vigente");
	assert_int_equal(f->has_detail, 1);
}

/* The listed filing completed by its detail: listed fields kept, detail fields set. */
static void test_info_completes_listed(void **state)
{
	struct filing_list l;
	struct filing *f;
	char err[TEST_ERR];

	(void)state;
	filing_list_init(&l);
	assert_answer(test_list_file("list-response.xml", 1, &l, err), DS_OK, err);
	f = &l.items[1];
	assert_answer(test_info_file("info-response.xml", 1, f, err), DS_OK, err);
	test_check_detail(f);
	assert_string_equal(f->numero, "20242110004873");
	assert_string_equal(f->tipo_radicado, "interna");
	assert_string_equal(f->fecha_radicacion, "2024-05-02T16:51:40-05:00");
	assert_int_equal(f->folios, 3);
	assert_string_equal(f->ruta, "");
	assert_string_equal(f->asunto, "Solicitud de adición y prórroga al contrato "
				       "4120000-1093-2023 & otrosí N° 1");
	assert_string_equal(mapping_classify(test_m, f), "novedad_contractual");
	assert_string_equal(mapping_classify(test_m, &l.items[0]), "contratacion_directa");
	assert_string_equal(mapping_classify(test_m, &l.items[2]), "liquidacion_terminacion");
	assert_string_equal(mapping_classify(NULL, NULL), "otro");
	filing_list_free(&l);
}

/* Values already listed win over the detail's; empty ones are filled from it. */
static void test_info_keeps_listed_values(void **state)
{
	struct filing f;
	char err[TEST_ERR];

	(void)state;
	filing_init(&f);
	filing_set(&f.numero, "20242110004873");
	filing_set(&f.fecha_radicacion, "2024-05-02T16:51:41-05:00");
	filing_set(&f.asunto, "Asunto de la lista");
	filing_set(&f.tipo_radicado, "interna");
	f.folios = 7;
	assert_answer(test_info_file("xml/info-annulled-utc.xml", 0, &f, err), DS_OK, err);
	assert_string_equal(f.fecha_radicacion, "2024-05-02T16:51:41-05:00");
	assert_string_equal(f.asunto, "Asunto de la lista");
	assert_int_equal(f.folios, 7);
	assert_string_equal(f.ruta, "/2024/211/20242110004873.pdf"); /* was empty */
	assert_string_equal(f.estado_ds, "anulado");
	filing_free(&f);
}

/* A filing known only by number (reconciliation) is filled entirely from the detail. */
static void test_info_fills_empty_filing(void **state)
{
	struct filing f;
	char err[TEST_ERR];

	(void)state;
	filing_init(&f);
	assert_answer(test_info_file("info-response.xml", 1, &f, err), DS_OK, err);
	test_check_detail(&f);
	assert_string_equal(f.numero, "20242110004873");
	assert_string_equal(f.tipo_radicado, "interna");
	assert_string_equal(f.fecha_radicacion, "2024-05-02T16:51:40-05:00");
	assert_string_equal(f.asunto, "Solicitud de adición y prórroga al contrato "
				      "4120000-1093-2023 & otrosí N° 1");
	assert_int_equal(f.folios, 0);
	filing_free(&f);

	/* an offset other than Bogota's is converted: 05:03:59.5+00 is 00:03:59-05:00 */
	filing_init(&f);
	assert_answer(test_info_file("xml/info-annulled-utc.xml", 0, &f, err), DS_OK, err);
	assert_string_equal(f.fecha_radicacion, "2024-05-03T00:03:59-05:00");
	assert_string_equal(f.estado_ds, "anulado");
	assert_string_equal(f.ruta, "/2024/211/20242110004873.pdf");
	filing_free(&f);

	filing_init(&f);
	assert_answer(test_info_file("xml/info-annulment-requested.xml", 0, &f, err), DS_OK, err);
	assert_string_equal(f.estado_ds, "anulacion_solicitada");
	filing_free(&f);
}

static void test_info_utf8_prefixes(void **state)
{
	struct filing a;
	struct filing b;
	char err[TEST_ERR];

	(void)state;
	filing_init(&a);
	filing_init(&b);
	assert_answer(test_info_file("info-response.xml", 1, &a, err), DS_OK, err);
	assert_answer(test_info_file("xml/info-response-utf8-prefixes.xml", 0, &b, err), DS_OK,
		      err);
	test_assert_same_filing(&a, &b);
	filing_free(&a);
	filing_free(&b);
}

/* The detail as real installations send it: no SGD_EANU_CODIGO (in force), NULL columns
 * left out, no fraction or offset in RADI_FECH_RADI, the installation's own namespace,
 * SGD_DIR_NOMBRE holding given names (not used). A mapping whose dependencias table knows
 * the area names the requesting area. */
static void test_info_real(void **state)
{
	struct filing f;
	char err[TEST_ERR];
	struct mapping *named;

	(void)state;
	filing_init(&f);
	assert_answer(test_info_file("xml/info-real.xml", 0, &f, err), DS_OK, err);
	test_check_detail(&f);
	assert_string_equal(f.fecha_radicacion, "2024-05-02T16:51:40-05:00");
	assert_string_equal(f.ruta, "");
	filing_free(&f);

	named = mapping_load("config/fakeds-mapping.json", err, sizeof(err));
	if (named == NULL)
		fail_msg("%s", err);
	filing_init(&f);
	{
		size_t len;
		char *body = test_data("xml/info-real.xml", &len);

		assert_answer(mapping_parse_info(named, body, len, &f, err, sizeof(err)), DS_OK,
			      err);
		free(body);
	}
	assert_string_equal(f.dependencia_origen_nombre, "Subdirecci\xc3\xb3n Financiera");
	filing_free(&f);
	mapping_free(named);
}

/* Field limits: a listed filing with a subject over 4,000 bytes or control characters is
 * left out of the answer (the others are read); a detail with a dependency that is not
 * digits is refused and leaves the filing as it was; a mapping can widen a limit. */
static void test_field_limits(void **state)
{
	size_t len;
	char *tmpl = test_data("xml/list-one-item.xml.in", &len);
	char *one = test_replace(tmpl, "@FECHARAD@", "02-05-2024 09:14:07 AM");
	char *start = strstr(one, "<item");
	char *end = strstr(one, "</item>") + strlen("</item>");
	char *item = strndup(start, (size_t)(end - start));
	const char *subjects[3] = {">Prueba<", NULL, ">Prueba &#x7F;[31m<"};
	char *big = malloc(5003);
	char *body;
	char err[TEST_ERR];
	struct filing_list l;
	size_t used;

	(void)state;
	/* Three items: good, a 5,000-byte subject, a subject with DEL (XML 1.0 carries no C0
	 * control). */
	big[0] = '>';
	memset(big + 1, 'x', 5000);
	strcpy(big + 5001, "<");
	subjects[1] = big;
	body = malloc(strlen(one) + 3 * (strlen(item) + 5100));
	used = (size_t)(start - one);
	memcpy(body, one, used);
	for (int i = 0; i < 3; i++) {
		char numero[16];
		char *a;
		char *b;

		snprintf(numero, sizeof(numero), "2024342000000%d", i + 1);
		a = test_replace(item, "@RADICADO@", numero);
		b = test_replace(a, ">Prueba<", subjects[i]);
		memcpy(body + used, b, strlen(b));
		used += strlen(b);
		free(a);
		free(b);
	}
	strcpy(body + used, end);
	filing_list_init(&l);
	assert_answer(test_list(body, strlen(body), &l, err), DS_OK, err);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].numero, "20243420000001");
	filing_list_free(&l);

	/* A detail whose dependency is not digits. */
	{
		char *info = test_data("xml/info-real.xml", &len);
		char *bad =
		    test_replace(info, ">342</RADI_DEPE_ACTU>", ">342' OR '1'='1</RADI_DEPE_ACTU>");
		struct filing f;
		struct filing before;

		filing_init(&f);
		filing_init(&before);
		filing_set(&f.numero, "20242110004873");
		filing_set(&before.numero, "20242110004873");
		assert_answer(mapping_parse_info(test_m, bad, strlen(bad), &f, err, sizeof(err)),
			      DS_REFUSED, err);
		assert_non_null(strstr(err, "dependencia_actual"));
		assert_null(strstr(err, "OR")); /* the value is never echoed */
		test_assert_same_filing(&f, &before);
		filing_free(&f);
		filing_free(&before);
		free(bad);
		free(info);
	}
	free(body);
	free(big);
	free(item);
	free(one);
	free(tmpl);
	assert_string_equal(ds_answer_name(DS_REFUSED), "refused");
}

/* A fault string from the system cannot forge log lines: control characters are escaped. */
static void test_fault_text_escaped(void **state)
{
	size_t len;
	char *f = test_data("xml/fault-server.xml", &len);
	char *evil =
	    test_replace(f, "</faultstring>", "&#10;2026-01-01 ERROR main: falso</faultstring>");
	struct filing_list l;
	char err[TEST_ERR];

	(void)state;
	filing_list_init(&l);
	assert_answer(test_list(evil, strlen(evil), &l, err), DS_FAULT_SERVER, err);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "\\x0a2026-01-01"));
	free(evil);
	free(f);
}

/* Failures leave the filing exactly as it was. */
static void test_info_failures(void **state)
{
	static const struct {
		const char *file;
		int shared;
		const char *numero; /* the filing's numero before the call */
		enum ds_answer want;
		const char *text;
	} cases[] = {
	    {"xml/info-unknown.xml", 0, "20242110004873", DS_NOT_FOUND, "20242110004873"},
	    {"xml/info-unknown.xml", 0, "", DS_NOT_FOUND, "no conoce"},
	    {"xml/info-real-empty.xml", 0, "20242110004873", DS_NOT_FOUND, "20242110004873"},
	    {"list-empty-fault.xml", 1, "20242110004873", DS_NOT_FOUND, "No se hallaron"},
	    {"info-badkey.xml", 1, "20242110004873", DS_AUTH,
	     "La clave de consulta del servicio web no coincide."},
	    {"xml/info-other-number.xml", 0, "20242110004873", DS_MALFORMED, "20242110009993"},
	    {"xml/info-bad-annulment.xml", 0, "20242110004873", DS_MALFORMED, "\"9\""},
	    {"xml/info-bad-date.xml", 0, "", DS_MALFORMED, "fecha"},
	    {"xml/fault-server.xml", 0, "20242110004873", DS_FAULT_SERVER, "base de datos"},
	    {"list-range-fault.xml", 1, "20242110004873", DS_FAULT_CLIENT, "Rango"},
	    {"list-response.xml", 1, "20242110004873", DS_MALFORMED, "estructura"},
	    {"xml/list-truncated.xml", 0, "20242110004873", DS_MALFORMED, "XML"},
	    {"xml/doctype-etc-passwd.xml", 0, "20242110004873", DS_MALFORMED, "DOCTYPE"},
	};
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filing f;
		struct filing before;

		filing_init(&f);
		filing_init(&before);
		filing_set(&f.numero, cases[i].numero);
		filing_set(&before.numero, cases[i].numero);
		assert_answer(test_info_file(cases[i].file, cases[i].shared, &f, err),
			      cases[i].want, err);
		if (strstr(err, cases[i].text) == NULL)
			fail_msg("%s: err \"%s\" lacks \"%s\"", cases[i].file, err, cases[i].text);
		test_assert_same_filing(&f, &before);
		filing_free(&f);
		filing_free(&before);
	}
}

/* The RULE: the detail's date is read only when the list gave none. */
static void test_info_date_only_when_needed(void **state)
{
	struct filing f;
	char err[TEST_ERR];

	(void)state;
	filing_init(&f);
	filing_set(&f.numero, "20242110004873");
	filing_set(&f.fecha_radicacion, "2024-05-02T16:51:40-05:00");
	assert_answer(test_info_file("xml/info-bad-date.xml", 0, &f, err), DS_OK, err);
	assert_string_equal(f.fecha_radicacion, "2024-05-02T16:51:40-05:00");
	filing_free(&f);
}

/* ---------------------------------------------------------------- broken mapping files */

static void test_broken_files(void **state)
{
	static const struct {
		const char *file;
		const char *text;
	} cases[] = {
	    {"mappings/not-json.json", "not-json.json:4: JSON no válido"},
	    {"mappings/not-object.json", "not-object.json: se esperaba un objeto JSON"},
	    {"mappings/empty-object.json", "empty-object.json: profile: falta"},
	    {"mappings/duplicate-key.json", "duplicate-key.json:2: JSON no válido"},
	    {"mappings/does-not-exist.json", "does-not-exist.json"},
	};
	char path[TEST_PATH];
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mapping *m;

		snprintf(path, sizeof(path), "%s/%s", TEST_DATA, cases[i].file);
		err[0] = '\0';
		m = mapping_load(path, err, sizeof(err));
		if (m != NULL) {
			mapping_free(m);
			fail_msg("%s loaded", path);
		}
		if (strstr(err, cases[i].text) == NULL || strstr(err, path) == NULL)
			fail_msg("%s: err \"%s\" lacks \"%s\"", path, err, cases[i].text);
	}
	assert_null(mapping_load(NULL, err, sizeof(err)));
}

/* Sets (or, with value NULL, deletes) the member at a dotted path; numbers index lists. */
static int test_json_patch(json_t *root, char *path, json_t *value)
{
	json_t *cur = root;
	char *seg = path;

	for (;;) {
		char *dot = strchr(seg, '.');
		json_t *next;

		if (dot != NULL)
			*dot = '\0';
		if (json_is_array(cur)) {
			size_t idx = strtoul(seg, NULL, 10);

			if (dot == NULL)
				return value ? json_array_set(cur, idx, value)
					     : json_array_remove(cur, idx);
			next = json_array_get(cur, idx);
		} else {
			if (dot == NULL)
				return value ? json_object_set(cur, seg, value)
					     : json_object_del(cur, seg);
			next = json_object_get(cur, seg);
		}
		if (next == NULL)
			return -1;
		cur = next;
		seg = dot + 1;
	}
}

/* A value column of a broken-cases table: JSON, or one of the generated values too long to
 * write out: TEXT(n) a string of n 'x', LIST(n) a list of n strings, OBJECT(n) an object of n
 * members "k1": "v1" ... Returns a new reference, or NULL when the text is none of these. */
static json_t *test_case_value(const char *text)
{
	json_error_t jerr;
	unsigned long n = 0;
	char kind[8] = "";
	char tail = 0;
	json_t *v;

	if (sscanf(text, "%7[A-Z](%lu%c", kind, &n, &tail) == 3 && tail == ')' && n < 100000) {
		if (strcmp(kind, "TEXT") == 0) {
			char *s = malloc(n + 1);

			assert_non_null(s);
			memset(s, 'x', n);
			s[n] = '\0';
			v = json_string(s);
			free(s);
			return v;
		}
		v = strcmp(kind, "LIST") == 0 ? json_array() : json_object();
		for (unsigned long i = 1; i <= n; i++) {
			char k[32];
			char val[32];

			snprintf(k, sizeof(k), "k%lu", i);
			snprintf(val, sizeof(val), "v%lu", i);
			if (json_is_array(v))
				json_array_append_new(v, json_string(val));
			else
				json_object_set_new(v, k, json_string(val));
		}
		return v;
	}
	return json_loads(text, JSON_DECODE_ANY, &jerr);
}

/* Runs a broken-cases table (tests/data/mappings/NAME): each line breaks profile (with its
 * base clasificacion.json) in one place, and mapping_load must refuse the file with a message
 * that starts with the file's name and contains the expected text. Returns the lines run. */
static int test_broken_table(const char *table, const char *profile)
{
	char path[TEST_PATH];
	char line[TEST_LINE * 2];
	json_error_t jerr;
	FILE *fp;
	int lineno = 0;
	int n = 0;

	snprintf(path, sizeof(path), "%s/mappings/%s", TEST_DATA, table);
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char tmp[] = "/tmp/segcont-test-mapping-XXXXXX";
		char err[TEST_ERR] = "";
		char *key;
		char *val;
		char *want;
		json_t *root;
		json_t *v = NULL;
		struct mapping *m;
		int fd;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		key = line;
		val = strchr(key, '\t');
		want = val ? strchr(val + 1, '\t') : NULL;
		if (want == NULL)
			fail_msg("%s:%d: expected 3 columns", path, lineno);
		*val++ = '\0';
		*want++ = '\0';
		/* The whole profile as mapping_load sees it: the base with the file over it
		 * (the copy lives in /tmp, where the relative base would not be found). */
		root = json_load_file("mappings/clasificacion.json", 0, &jerr);
		assert_non_null(root);
		{
			json_t *top = json_load_file(profile, 0, &jerr);

			assert_non_null(top);
			json_object_del(top, "base");
			assert_int_equal(json_object_update_recursive(root, top), 0);
			json_decref(top);
		}
		if (strcmp(val, "DELETE") != 0) {
			v = test_case_value(val);
			if (v == NULL)
				fail_msg("%s:%d: bad JSON value: %s", path, lineno, val);
		}
		{
			char keycopy[TEST_LINE * 2];

			snprintf(keycopy, sizeof(keycopy), "%s", key);
			if (test_json_patch(root, keycopy, v) != 0)
				fail_msg("%s:%d: cannot patch %s", path, lineno, key);
		}
		json_decref(v);
		fd = mkstemp(tmp);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(json_dump_file(root, tmp, JSON_INDENT(1)), 0);
		json_decref(root);
		m = mapping_load(tmp, err, sizeof(err));
		unlink(tmp);
		if (m != NULL) {
			mapping_free(m);
			fail_msg("%s:%d: %s=%.80s loaded, want \"%s\"", path, lineno, key, val,
				 want);
		}
		if (strstr(err, want) == NULL || strncmp(err, tmp, strlen(tmp)) != 0)
			fail_msg("%s:%d: err \"%s\", want \"%s: ...%s\"", path, lineno, err, tmp,
				 want);
		n++;
	}
	fclose(fp);
	return n;
}

/* "imagen_url": the viewer's link with {numero} percent-encoded; none without the key. */
static void test_imagen_url(void **state)
{
	char err[TEST_ERR];
	json_t *root;
	json_error_t jerr;
	struct mapping *m;
	char *u;

	(void)state;
	assert_null(mapping_imagen_url(test_m, "20201300124633"));
	assert_null(mapping_imagen_url(NULL, "1"));
	/* the profile over its base, as mapping_load merges them */
	root = json_load_file("mappings/clasificacion.json", 0, &jerr);
	assert_non_null(root);
	{
		json_t *top = json_load_file(TEST_MAPPING, 0, &jerr);

		assert_non_null(top);
		json_object_del(top, "base");
		assert_int_equal(json_object_update_recursive(root, top), 0);
		json_decref(top);
	}
	json_object_set_new(root, "imagen_url",
			    json_string("https://orfeo.example/bodega/{numero}?ver={numero}&x=1"));
	m = mapping_load_object(TEST_MAPPING, root, err, sizeof(err));
	json_decref(root);
	if (m == NULL)
		fail_msg("%s", err);
	u = mapping_imagen_url(m, "20201300124633");
	assert_string_equal(u,
			    "https://orfeo.example/bodega/20201300124633?ver=20201300124633&x=1");
	free(u);
	u = mapping_imagen_url(m, "1-2021 E/7~8.á");
	assert_string_equal(
	    u, "https://orfeo.example/bodega/1-2021%20E%2F7~8.%C3%A1?ver=1-2021%20E%2F7~8."
	       "%C3%A1&x=1");
	free(u);
	mapping_free(m);
}

static void test_broken_cases(void **state)
{
	(void)state;
	assert_true(test_broken_table("broken-cases.tsv", TEST_MAPPING) >= 150);
}

static void test_broken_cases_sql(void **state)
{
	(void)state;
	assert_true(test_broken_table("broken-cases-sql.tsv", "mappings/orfeo-sql.json") >= 20);
}

/* In place: \xHH becomes the byte, "-" nothing. Returns the length. */
static size_t test_bytes(char *w)
{
	size_t o = 0;

	if (strcmp(w, "-") == 0) {
		w[0] = '\0';
		return 0;
	}
	for (size_t i = 0; w[i] != '\0'; i++) {
		unsigned int byte;

		if (w[i] == '\\' && w[i + 1] == 'x' && sscanf(w + i + 2, "%2x", &byte) == 1) {
			w[o++] = (char)byte;
			i += 3;
		} else {
			w[o++] = w[i];
		}
	}
	w[o] = '\0';
	return o;
}

/* Answers in every way a server labels its bytes (tests/data/xml-encodings.tsv): the
 * declaration wins, then valid UTF-8, then the HTTP charset; Latin-1 is read as
 * WINDOWS-1252; an unknown encoding or a broken declaration is refused. */
static void test_answer_encodings(void **state)
{
	char path[TEST_PATH];
	char line[TEST_LINE];
	FILE *fp;
	int lineno = 0;
	int n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/xml-encodings.tsv", TEST_DATA);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *col[5];
		char *p = line;
		char body[TEST_LINE];
		char err[TEST_ERR] = "";
		struct mapping_answer_info info;
		size_t len;
		xmlDocPtr doc;
		int k = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		while (k < 5 && p != NULL) {
			col[k++] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		if (k != 5)
			fail_msg("%s:%d: expected 5 columns", path, lineno);
		test_bytes(col[0]);
		test_bytes(col[1]);
		len = (size_t)snprintf(body, sizeof(body), "%s<a>", col[0]);
		{
			size_t tl = test_bytes(col[2]);

			memcpy(body + len, col[2], tl);
			len += tl;
		}
		len += (size_t)snprintf(body + len, sizeof(body) - len, "</a>");
		doc = mapping_parse_xml_from(body, len, col[1][0] ? col[1] : NULL, &info, err,
					     sizeof(err));
		if (strncmp(col[4], "error: ", 7) == 0) {
			if (doc != NULL || strstr(err, col[4] + 7) == NULL)
				fail_msg("%s:%d: got \"%s\", want an error \"%s\"", path, lineno,
					 doc != NULL ? "a document" : err, col[4] + 7);
		} else {
			xmlChar *text;

			if (doc == NULL)
				fail_msg("%s:%d: %s", path, lineno, err);
			text = xmlNodeGetContent(xmlDocGetRootElement(doc));
			if (strcmp((const char *)text, col[4]) != 0 ||
			    strcmp(info.encoding, col[3]) != 0)
				fail_msg("%s:%d: read \"%s\" as %s, want \"%s\" as %s", path,
					 lineno, (const char *)text, info.encoding, col[4], col[3]);
			assert_int_equal(info.declaration, strncmp(col[0], "<?xml", 5) == 0);
			xmlFree(text);
			xmlFreeDoc(doc);
		}
		n++;
	}
	fclose(fp);
	assert_true(n >= 15);
}

/* ---------------------------------------------------------------- threads */

struct test_thread {
	const char *list;
	size_t list_len;
	const char *info;
	size_t info_len;
	int failures;
};

static void *test_thread_run(void *arg)
{
	struct test_thread *t = arg;

	for (int i = 0; i < TEST_ROUNDS; i++) {
		struct filing_list l;
		char err[TEST_ERR];

		filing_list_init(&l);
		if (mapping_parse_list(test_m, t->list, t->list_len, &l, err, sizeof(err)) !=
			DS_OK ||
		    l.count != 3 ||
		    mapping_parse_info(test_m, t->info, t->info_len, &l.items[1], err,
				       sizeof(err)) != DS_OK ||
		    strcmp(l.items[1].remitente, "María Fernanda Peña Muñoz") != 0 ||
		    strcmp(l.items[2].fecha_radicacion, "2024-05-03T00:03:59-05:00") != 0)
			t->failures++;
		filing_list_free(&l);
	}
	return NULL;
}

/* Detail answers are parsed on several threads at once. */
static void test_threads(void **state)
{
	pthread_t th[TEST_THREADS];
	struct test_thread t[TEST_THREADS];
	size_t ll;
	size_t il;
	char *list = test_shared("list-response.xml", &ll);
	char *info = test_shared("info-response.xml", &il);

	(void)state;
	for (int i = 0; i < TEST_THREADS; i++) {
		t[i] = (struct test_thread){list, ll, info, il, 0};
		assert_int_equal(pthread_create(&th[i], NULL, test_thread_run, &t[i]), 0);
	}
	for (int i = 0; i < TEST_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].failures, 0);
	}
	free(list);
	free(info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_imagen_url),
	    cmocka_unit_test(test_build_list_request),
	    cmocka_unit_test(test_build_info_request),
	    cmocka_unit_test(test_build_escapes),
	    cmocka_unit_test(test_build_refuses),
	    cmocka_unit_test(test_answer_names),
	    cmocka_unit_test(test_list_sample),
	    cmocka_unit_test(test_list_variants),
	    cmocka_unit_test(test_list_appends),
	    cmocka_unit_test(test_list_zero_items),
	    cmocka_unit_test(test_list_empty_fault),
	    cmocka_unit_test(test_list_faults),
	    cmocka_unit_test(test_list_malformed),
	    cmocka_unit_test(test_list_dates),
	    cmocka_unit_test(test_list_numbers),
	    cmocka_unit_test(test_list_subjects),
	    cmocka_unit_test(test_answer_encodings),
	    cmocka_unit_test(test_info_completes_listed),
	    cmocka_unit_test(test_info_keeps_listed_values),
	    cmocka_unit_test(test_info_fills_empty_filing),
	    cmocka_unit_test(test_info_utf8_prefixes),
	    cmocka_unit_test(test_info_failures),
	    cmocka_unit_test(test_info_real),
	    cmocka_unit_test(test_field_limits),
	    cmocka_unit_test(test_fault_text_escaped),
	    cmocka_unit_test(test_list_real_answers),
	    cmocka_unit_test(test_info_date_only_when_needed),
	    cmocka_unit_test(test_broken_files),
	    cmocka_unit_test(test_broken_cases),
	    cmocka_unit_test(test_broken_cases_sql),
	    cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
