/* test_xml_security.c -- unit tests of mapping_parse_xml's defences: DOCTYPEs, external and
 * internal entities, entity bombs, XInclude, size cap; no file is ever read to parse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filing.h"
#include "mapping.h"

#define TEST_MAPPING "mappings/orfeo-soap.json"
#define TEST_XML "tests/data/xml"
#define TEST_SHARED_DEFAULT "../shared"
/* The malicious samples point their entities at this file; the test writes it. */
#define TEST_MARKER_PATH "/tmp/segcont-test-xxe-marker.txt"
#define TEST_MARKER_URL "file://" TEST_MARKER_PATH
#define TEST_MARKER "SEGCONT-XXE-MARKER-7f3a91"
#define TEST_ERR 1024
#define TEST_PATH 512
#define TEST_MAX_BOMB_MS 1000 /* refusing an entity bomb is immediate */

static struct mapping *test_m;
static xmlExternalEntityLoader test_default_loader; /* libxml2's own */
static xmlExternalEntityLoader test_our_loader;	    /* installed by mapping_global_init */
static xmlExternalEntityLoader test_delegate;
static int test_loader_calls;

/* Counts every request for an external resource, then lets test_delegate answer. */
static xmlParserInputPtr test_counting_loader(const char *url, const char *id,
					      xmlParserCtxtPtr ctxt)
{
	test_loader_calls++;
	return test_delegate(url, id, ctxt);
}

static char *test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (fp == NULL)
		fail_msg("%s: cannot open (tests run from the repository root)", path);
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

static char *test_xml(const char *name, size_t *len)
{
	char path[TEST_PATH];

	snprintf(path, sizeof(path), "%s/%s", TEST_XML, name);
	return test_slurp(path, len);
}

static long long test_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int test_setup(void **state)
{
	char err[TEST_ERR];
	FILE *fp;

	(void)state;
	test_default_loader = xmlGetExternalEntityLoader();
	mapping_global_init();
	test_our_loader = xmlGetExternalEntityLoader();
	test_delegate = test_our_loader;
	xmlSetExternalEntityLoader(test_counting_loader);
	fp = fopen(TEST_MARKER_PATH, "w");
	if (fp == NULL)
		return -1;
	fprintf(fp, "%s\n", TEST_MARKER);
	fclose(fp);
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
	unlink(TEST_MARKER_PATH);
	xmlSetExternalEntityLoader(test_our_loader);
	return 0;
}

/* mapping_global_init replaced libxml2's loader with one that refuses everything. */
static void test_loader_installed(void **state)
{
	(void)state;
	assert_non_null(test_our_loader);
	assert_true(test_our_loader != test_default_loader);
	assert_null(test_our_loader(TEST_MARKER_URL, NULL, NULL));
	assert_null(test_our_loader("/etc/passwd", NULL, NULL));
	assert_null(test_our_loader("http://127.0.0.1:9/evil.dtd", "-//EVIL//DTD//EN", NULL));
	mapping_global_init(); /* idempotent: does not reinstall over the counting loader */
	assert_ptr_equal(xmlGetExternalEntityLoader(), test_counting_loader);
}

/* Control: the sample is a real attack. A careless parse (NOENT | DTDLOAD) with
 * libxml2's default loader reads the marker file; with ours installed it cannot. */
static void test_control_attack_is_real(void **state)
{
	size_t len;
	char *body = test_xml("doctype-external-entity.xml", &len);
	xmlDocPtr doc;
	xmlChar *text;
	int n;

	(void)state;
	test_delegate = test_default_loader;
	test_loader_calls = 0;
	doc = xmlReadMemory(body, (int)len, NULL, NULL,
			    XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	assert_non_null(doc);
	xmlDocDumpMemory(doc, &text, &n);
	assert_non_null(strstr((const char *)text, TEST_MARKER));
	assert_true(test_loader_calls > 0);
	xmlFree(text);
	xmlFreeDoc(doc);

	test_delegate = test_our_loader;
	test_loader_calls = 0;
	doc = xmlReadMemory(body, (int)len, NULL, NULL,
			    XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (doc != NULL) {
		xmlDocDumpMemory(doc, &text, &n);
		assert_null(strstr((const char *)text, TEST_MARKER));
		xmlFree(text);
		xmlFreeDoc(doc);
	}
	assert_true(test_loader_calls > 0); /* asked, and refused */
	free(body);
}

/* Every DOCTYPE is refused before any declaration in it is read: no loader call at all,
 * no document, DS_MALFORMED. */
static void test_doctypes_refused(void **state)
{
	static const char *const files[] = {
	    "doctype-external-entity.xml",
	    "doctype-etc-passwd.xml",
	    "parameter-entity.xml",
	    "external-dtd.xml",
	    "network-dtd.xml",
	    "billion-laughs.xml",
	    "quadratic-blowup.xml",
	    "nginx-502.html",
	    "internal-entity.xml",
	};
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *body = test_xml(files[i], &len);
		struct filing_list l;
		struct filing f;
		long long t0 = test_ms();
		void *doc;

		test_loader_calls = 0;
		err[0] = '\0';
		doc = mapping_parse_xml(body, len, err, sizeof(err));
		if (doc != NULL) {
			xmlFreeDoc(doc);
			fail_msg("%s: parsed", files[i]);
		}
		if (strstr(err, "DOCTYPE") == NULL)
			fail_msg("%s: err \"%s\"", files[i], err);
		filing_list_init(&l);
		assert_int_equal(mapping_parse_list(test_m, body, len, &l, err, sizeof(err)),
				 DS_MALFORMED);
		assert_int_equal(l.count, 0);
		filing_list_free(&l);
		filing_init(&f);
		assert_int_equal(mapping_parse_info(test_m, body, len, &f, err, sizeof(err)),
				 DS_MALFORMED);
		assert_int_equal(f.has_detail, 0);
		filing_free(&f);
		if (test_loader_calls != 0)
			fail_msg("%s: the entity loader was called %d times", files[i],
				 test_loader_calls);
		if (test_ms() - t0 > TEST_MAX_BOMB_MS)
			fail_msg("%s: took %lld ms", files[i], test_ms() - t0);
		free(body);
	}
}

/* An entity reference with no DTD is a well-formedness error, not an expansion. */
static void test_undeclared_entity(void **state)
{
	size_t len;
	char *body = test_xml("undeclared-entity.xml", &len);
	char err[TEST_ERR];

	(void)state;
	test_loader_calls = 0;
	assert_null(mapping_parse_xml(body, len, err, sizeof(err)));
	assert_non_null(strstr(err, "xxe"));
	assert_int_equal(test_loader_calls, 0);
	free(body);
}

/* XInclude is never processed: the element stays an element and adds no text. */
static void test_xinclude_ignored(void **state)
{
	size_t len;
	char *body = test_xml("xinclude.xml", &len);
	char err[TEST_ERR];
	struct filing_list l;

	(void)state;
	test_loader_calls = 0;
	filing_list_init(&l);
	assert_int_equal(mapping_parse_list(test_m, body, len, &l, err, sizeof(err)), DS_OK);
	assert_int_equal(l.count, 1);
	assert_string_equal(l.items[0].asunto, "Asunto");
	assert_int_equal(test_loader_calls, 0);
	filing_list_free(&l);
	free(body);
}

/* HTML pages, PHP errors, garbage, truncation: no document. */
static void test_not_xml(void **state)
{
	static const char *const files[] = {"html-error-page.html", "php-fatal-error.html",
					    "garbage.bin", "list-truncated.xml"};
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *body = test_xml(files[i], &len);
		void *doc;

		err[0] = '\0';
		test_loader_calls = 0;
		doc = mapping_parse_xml(body, len, err, sizeof(err));
		if (doc != NULL) {
			xmlFreeDoc(doc);
			fail_msg("%s: parsed", files[i]);
		}
		assert_true(err[0] != '\0');
		assert_int_equal(test_loader_calls, 0);
		free(body);
	}
	assert_null(mapping_parse_xml(NULL, 0, err, sizeof(err)));
	assert_null(mapping_parse_xml("", 0, err, sizeof(err)));
	assert_null(mapping_parse_xml(" \r\n\t", 4, err, sizeof(err)));
	assert_null(mapping_parse_xml("<a>\0</a>", 8, err, sizeof(err)));
	assert_null(mapping_parse_xml("<a>x</a>", 6, err, sizeof(err))); /* len honoured */
	assert_null(mapping_parse_xml("<a>x</b>", 8, NULL, 0));		 /* err optional */
	assert_null(mapping_parse_xml("<a>x</a><b/>", 12, err, sizeof(err)));
}

/* Answers larger than MAPPING_MAX_RESPONSE are refused before parsing. */
static void test_size_cap(void **state)
{
	size_t big = (size_t)MAPPING_MAX_RESPONSE + 1;
	size_t ok = 1024 * 1024;
	char *body = malloc(big);
	char err[TEST_ERR];
	xmlDocPtr doc;

	(void)state;
	memset(body, 'x', big);
	memcpy(body, "<a>", 3);
	memcpy(body + big - 4, "</a>", 4);
	assert_null(mapping_parse_xml(body, big, err, sizeof(err)));
	assert_non_null(strstr(err, "máximo"));
	/* a 1 MiB answer is fine */
	memcpy(body + ok - 4, "</a>", 4);
	doc = mapping_parse_xml(body, ok, err, sizeof(err));
	if (doc == NULL)
		fail_msg("1 MiB: %s", err);
	xmlFreeDoc(doc);
	free(body);
}

/* The genuine samples parse, in ISO-8859-1 and UTF-8, to UTF-8 trees. */
static void test_samples_parse(void **state)
{
	static const char *const files[] = {"list-response.xml", "info-response.xml",
					    "list-empty-fault.xml", "list-range-fault.xml",
					    "info-badkey.xml"};
	const char *dir = getenv("SEGCONT_SHARED");
	char path[TEST_PATH];
	char err[TEST_ERR];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *body;
		xmlDocPtr doc;
		xmlNodePtr root;

		snprintf(path, sizeof(path), "%s/ds-contract/%s",
			 dir && *dir ? dir : TEST_SHARED_DEFAULT, files[i]);
		body = test_slurp(path, &len);
		test_loader_calls = 0;
		doc = mapping_parse_xml(body, len, err, sizeof(err));
		if (doc == NULL)
			fail_msg("%s: %s", path, err);
		root = xmlDocGetRootElement(doc);
		assert_string_equal((const char *)root->name, "Envelope");
		assert_non_null(root->ns);
		assert_string_equal((const char *)root->ns->href,
				    "http://schemas.xmlsoap.org/soap/envelope/");
		assert_null(doc->intSubset);
		assert_int_equal(test_loader_calls, 0);
		xmlFreeDoc(doc);
		free(body);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loader_installed), cmocka_unit_test(test_control_attack_is_real),
	    cmocka_unit_test(test_doctypes_refused), cmocka_unit_test(test_undeclared_entity),
	    cmocka_unit_test(test_xinclude_ignored), cmocka_unit_test(test_not_xml),
	    cmocka_unit_test(test_size_cap),	     cmocka_unit_test(test_samples_parse),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
