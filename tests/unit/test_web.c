/* test_web.c -- unit tests of web.c against the assets embedded from web/: lookup by exact
 * path, strong ETags and If-None-Match, Accept-Encoding and the gzip copies, the headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "web.h"

#define TEST_INFLATE_MAX (4u * 1024u * 1024u)

static void test_find(void **state)
{
	const struct web_asset *idx = web_find("/");

	(void)state;
	assert_non_null(idx);
	assert_string_equal(idx->path, "/index.html");
	assert_ptr_equal(web_find("/index.html"), idx);
	assert_string_equal(idx->content_type, "text/html; charset=utf-8");
	assert_non_null(web_find("/app.js"));
	assert_string_equal(web_find("/app.js")->content_type, "text/javascript; charset=utf-8");
	assert_string_equal(web_find("/app.css")->content_type, "text/css; charset=utf-8");
	assert_string_equal(web_find("/icono.svg")->content_type, "image/svg+xml");
	/* exact paths only: nothing is normalised */
	static const char *const absent[] = {"",	  "app.js",    "//app.js",   "/APP.JS",
					     "/app.js/",  "/./app.js", "/../app.js", "/%61pp.js",
					     "/app.js?x", "/nada.js",  "/web/app.js"};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_null(web_find(absent[i]));
	assert_null(web_find(NULL));
}

static void test_every_asset(void **state)
{
	(void)state;
	assert_true(web_assets_count >= 5);
	for (size_t i = 0; i < web_assets_count; i++) {
		const struct web_asset *a = &web_assets[i];
		size_t n = strlen(a->etag);

		assert_ptr_equal(web_find(a->path), a);
		assert_true(a->len > 0);
		/* a strong ETag: quoted, no W/ */
		assert_true(n > 2 && a->etag[0] == '"' && a->etag[n - 1] == '"');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(web_assets[j].etag, a->etag);
		if (a->gz_data != NULL) {
			assert_true(a->gz_len < a->len);
			assert_non_null(a->gz_etag);
			assert_string_not_equal(a->gz_etag, a->etag);
		}
	}
}

/* The gzip copy inflates to exactly the file. */
static void test_gzip_copies(void **state)
{
	int compressed = 0;

	(void)state;
	for (size_t i = 0; i < web_assets_count; i++) {
		const struct web_asset *a = &web_assets[i];
		unsigned char *out;
		z_stream z;

		if (a->gz_data == NULL)
			continue;
		compressed++;
		out = malloc(a->len + 1);
		assert_non_null(out);
		memset(&z, 0, sizeof(z));
		assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
		z.next_in = (unsigned char *)a->gz_data;
		z.avail_in = (uInt)a->gz_len;
		z.next_out = out;
		z.avail_out = (uInt)(a->len + 1);
		assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
		assert_int_equal(z.total_out, a->len);
		assert_memory_equal(out, a->data, a->len);
		inflateEnd(&z);
		free(out);
	}
	/* the page's scripts and style are large enough to be worth it */
	assert_non_null(web_find("/app.css")->gz_data);
	assert_non_null(web_find("/index.html")->gz_data);
	assert_true(compressed >= 3);
}

static void test_etag_matches(void **state)
{
	const char *e = "\"abc123\"";

	(void)state;
	assert_false(web_etag_matches(NULL, e));
	assert_false(web_etag_matches("", e));
	assert_true(web_etag_matches("\"abc123\"", e));
	assert_true(web_etag_matches("  \"abc123\"  ", e));
	assert_true(web_etag_matches("W/\"abc123\"", e)); /* weak comparison */
	assert_true(web_etag_matches("\"x\", \"abc123\"", e));
	assert_true(web_etag_matches("\"x\",W/\"abc123\",\"y\"", e));
	assert_true(web_etag_matches("*", e));
	assert_true(web_etag_matches(" * ", e));
	assert_false(web_etag_matches("\"abc12\"", e));
	assert_false(web_etag_matches("\"abc1234\"", e));
	assert_false(web_etag_matches("abc123", e));	       /* unquoted */
	assert_false(web_etag_matches("\"abc123", e));	       /* unterminated */
	assert_false(web_etag_matches("\"x\" \"abc123\"", e)); /* no comma */
	assert_false(web_etag_matches("\"x\", junk, \"abc123\"", e));
	assert_false(web_etag_matches("*, \"x\"", e));
	assert_false(web_etag_matches("\"abc123-gz\"", e));
	assert_true(web_etag_matches("\"abc123-gz\"", "\"abc123-gz\""));
	{
		char big[WEB_HEADER_MAX + 16];

		memset(big, ' ', sizeof(big));
		memcpy(big + sizeof(big) - 10, "\"abc123\"", 9);
		assert_false(web_etag_matches(big, e)); /* over the cap: ignored */
	}
}

static void test_accepts_gzip(void **state)
{
	static const struct {
		const char *ae;
		int gzip;
	} cases[] = {
	    {NULL, 0},
	    {"", 0},
	    {"gzip", 1},
	    {"GZIP", 1},
	    {"x-gzip", 1},
	    {"gzip, deflate, br", 1},
	    {"br;q=1.0, gzip;q=0.8, *;q=0.1", 1},
	    {"deflate, br", 0},
	    {"identity", 0},
	    {"*", 1},
	    {"*;q=0", 0},
	    {"gzip;q=0", 0},
	    {"gzip;q=0.000", 0},
	    {"gzip;q=0.001", 1},
	    {"gzip; q=0.5", 1},
	    {"gzip;Q=1", 1},
	    {"gzip;q=0, *", 0}, /* gzip named and refused: * does not bring it back */
	    {"*, gzip;q=0", 0},
	    {"gzip;q=abc", 0},	   /* malformed: the identity */
	    {"gzip;q=0.12345", 0}, /* more than three decimals */
	    {"gzip;level=9", 1},
	    {"gzipx", 0},
	    {"xgzip", 0},
	    {" , ,gzip", 1},
	    {"gzip;q=1.000", 1},
	    {"gzip;q=1.5", 0}, /* 1 takes only zeros after its point: malformed */
	    {"gzip;q=1.001", 0},
	    {"gzip;q=2", 0},
	    {"gzip;q=", 0},
	    {"gzip;q=0.5x", 0},
	    {"gzip;q=0.5 ;level=1", 1},
	    {"gzip;;q=0", 0},
	    {"gzip;level=9;q=0", 0},
	    {"*;q=0.5", 1},
	    {"x-gzip;q=0, deflate", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (web_accepts_gzip(cases[i].ae) != cases[i].gzip)
			fail_msg("Accept-Encoding «%s»: esperado %d",
				 cases[i].ae ? cases[i].ae : "(null)", cases[i].gzip);
	}
}

static void test_answer(void **state)
{
	const struct web_asset *js = web_find("/app.js");
	const struct web_asset *svg = web_find("/icono.svg");
	struct web_answer ans;

	(void)state;
	assert_non_null(js->gz_data);
	web_answer(js, NULL, NULL, &ans);
	assert_int_equal(ans.status, 200);
	assert_ptr_equal(ans.data, js->data);
	assert_int_equal(ans.len, js->len);
	assert_string_equal(ans.etag, js->etag);
	assert_null(ans.content_encoding);

	web_answer(js, NULL, "gzip, deflate", &ans);
	assert_int_equal(ans.status, 200);
	assert_ptr_equal(ans.data, js->gz_data);
	assert_int_equal(ans.len, js->gz_len);
	assert_string_equal(ans.etag, js->gz_etag);
	assert_string_equal(ans.content_encoding, "gzip");

	/* 304 for the representation chosen, and only for it */
	web_answer(js, js->etag, NULL, &ans);
	assert_int_equal(ans.status, 304);
	assert_null(ans.data);
	assert_int_equal(ans.len, 0);
	assert_string_equal(ans.etag, js->etag);
	web_answer(js, js->gz_etag, "gzip", &ans);
	assert_int_equal(ans.status, 304);
	assert_string_equal(ans.content_encoding, "gzip");
	web_answer(js, js->etag, "gzip", &ans);
	assert_int_equal(ans.status, 200);
	web_answer(js, "*", NULL, &ans);
	assert_int_equal(ans.status, 304);

	/* a file without a gzip copy is sent as it is even to a gzip client */
	if (svg->gz_data == NULL) {
		web_answer(svg, NULL, "gzip", &ans);
		assert_int_equal(ans.status, 200);
		assert_ptr_equal(ans.data, svg->data);
		assert_null(ans.content_encoding);
	}
}

static void test_response_headers(void **state)
{
	const struct web_asset *idx = web_find("/");
	struct web_answer ans;
	struct MHD_Response *r;

	(void)state;
	web_answer(idx, NULL, "gzip", &ans);
	r = web_response(&ans);
	assert_non_null(r);
	assert_string_equal(MHD_get_response_header(r, "Content-Type"), "text/html; charset=utf-8");
	assert_string_equal(MHD_get_response_header(r, "ETag"), idx->gz_etag);
	assert_string_equal(MHD_get_response_header(r, "Content-Encoding"), "gzip");
	assert_string_equal(MHD_get_response_header(r, "Vary"), "Accept-Encoding");
	assert_string_equal(MHD_get_response_header(r, "Cache-Control"), "no-cache");
	assert_string_equal(
	    MHD_get_response_header(r, "Content-Security-Policy"),
	    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
	    "data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'");
	assert_string_equal(MHD_get_response_header(r, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(MHD_get_response_header(r, "Referrer-Policy"), "no-referrer");
	MHD_destroy_response(r);

	web_answer(idx, idx->etag, NULL, &ans);
	r = web_response(&ans);
	assert_non_null(r);
	assert_int_equal(ans.status, 304);
	assert_string_equal(MHD_get_response_header(r, "ETag"), idx->etag);
	assert_null(MHD_get_response_header(r, "Content-Encoding"));
	assert_non_null(MHD_get_response_header(r, "Content-Security-Policy"));
	MHD_destroy_response(r);
}

/* The page itself keeps to what the CSP allows: no inline script or style, no remote URL. */
static void test_page_fits_csp(void **state)
{
	(void)state;
	for (size_t i = 0; i < web_assets_count; i++) {
		const struct web_asset *a = &web_assets[i];
		char *text = malloc(a->len + 1);

		assert_non_null(text);
		memcpy(text, a->data, a->len);
		text[a->len] = '\0';
		if (strstr(a->path, ".html") != NULL) {
			assert_null(strstr(text, "<script>"));
			assert_null(strstr(text, "<style"));
			assert_null(strstr(text, " style="));
			assert_null(strstr(text, " onclick="));
		}
		/* no remote URL: the only one allowed is an XML namespace name */
		for (const char *p = strstr(text, "://"); p != NULL; p = strstr(p + 3, "://")) {
			if (strncmp(p, "://www.w3.org/", 14) != 0)
				fail_msg("%s tiene una URL remota: %.40s", a->path, p);
		}
		if (strstr(a->path, ".js") != NULL) {
			assert_null(strstr(text, ".innerHTML"));
			assert_null(strstr(text, "insertAdjacentHTML"));
			assert_null(strstr(text, "eval("));
		}
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_every_asset),
	    cmocka_unit_test(test_gzip_copies),
	    cmocka_unit_test(test_etag_matches),
	    cmocka_unit_test(test_accepts_gzip),
	    cmocka_unit_test(test_answer),
	    cmocka_unit_test(test_response_headers),
	    cmocka_unit_test(test_page_fits_csp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
