/* web.c -- serves the staff page embedded by .ci/embed-web: lookup by exact path, strong
 * ETags with 304 answers, the precompressed gzip copy when accepted, security headers. */
#include "web.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct web_asset *web_find(const char *path)
{
	if (path == NULL || path[0] != '/')
		return NULL;
	if (strcmp(path, "/") == 0)
		path = WEB_INDEX;
	for (size_t i = 0; i < web_assets_count; i++) {
		if (web_assets[i].path[0] != '\0' && strcmp(web_assets[i].path, path) == 0)
			return &web_assets[i];
	}
	return NULL;
}

/* Skips optional white space (SP, HTAB). */
static const char *web_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int web_etag_matches(const char *if_none_match, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = if_none_match;

	if (p == NULL || strnlen(p, WEB_HEADER_MAX) >= WEB_HEADER_MAX)
		return 0;
	p = web_ows(p);
	if (*p == '*')
		return *web_ows(p + 1) == '\0';
	while (*p != '\0') {
		const char *close;

		p = web_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;
		close = strchr(p + 1, '"');
		if (close == NULL)
			return 0;
		if ((size_t)(close + 1 - p) == elen && memcmp(p, etag, elen) == 0)
			return 1;
		p = web_ows(close + 1);
		if (*p != ',' && *p != '\0')
			return 0;
	}
	return 0;
}

/* The q-value of one Accept-Encoding member's parameters (p: after the coding, up to end):
 * 1 when above zero (or absent), 0 when zero or malformed. */
static int web_q_positive(const char *p, const char *end)
{
	int nonzero = 0;

	while (p < end) {
		p = web_ows(p);
		if (p < end && *p == ';') {
			p++;
			continue;
		}
		if (p >= end)
			break;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
			if (p >= end || (*p != '0' && *p != '1'))
				return 0;
			nonzero = *p == '1';
			p++;
			if (p < end && *p == '.') {
				int one = nonzero;
				int digits = 0;

				for (p++; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
					if (one && *p != '0')
						return 0; /* over 1 */
					nonzero |= *p != '0';
				}
				if (digits > 3)
					return 0;
			}
			p = web_ows(p);
			if (p < end && *p != ';')
				return 0;
			return nonzero;
		}
		/* another parameter: skip it */
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

int web_accepts_gzip(const char *accept_encoding)
{
	const char *p = accept_encoding;
	int gzip = -1; /* -1: not named */
	int star = 0;

	if (p == NULL || strnlen(p, WEB_HEADER_MAX) >= WEB_HEADER_MAX)
		return 0;
	while (*p != '\0') {
		const char *end = p + strcspn(p, ",");
		const char *tok = web_ows(p);
		size_t n = strcspn(tok, " \t;,");

		if (tok < end && n > 0) {
			int ok = web_q_positive(tok + n, end);

			if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
			    (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
				gzip = gzip == 1 ? 1 : ok;
			else if (n == 1 && tok[0] == '*')
				star = ok;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return gzip >= 0 ? gzip : star;
}

void web_answer(const struct web_asset *a, const char *if_none_match, const char *accept_encoding,
		struct web_answer *out)
{
	int gz = a->gz_data != NULL && a->gz_len > 0 && web_accepts_gzip(accept_encoding);

	memset(out, 0, sizeof(*out));
	out->content_type = a->content_type;
	out->etag = gz ? a->gz_etag : a->etag;
	out->content_encoding = gz ? "gzip" : NULL;
	if (web_etag_matches(if_none_match, out->etag)) {
		out->status = 304;
		return;
	}
	out->status = 200;
	out->data = gz ? a->gz_data : a->data;
	out->len = gz ? a->gz_len : a->len;
}

struct MHD_Response *web_response(const struct web_answer *ans)
{
	struct MHD_Response *r;

	/* MHD never writes to a PERSISTENT buffer; the cast only drops const. */
	r = MHD_create_response_from_buffer(ans->len, (void *)ans->data, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return NULL;
	/* A 304 carries the headers a 200 would (RFC 9110 15.4.5), Content-Type aside. */
	if (ans->status != 304)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ans->content_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, ans->etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, WEB_CACHE_CONTROL);
	if (ans->content_encoding != NULL && ans->status != 304)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, ans->content_encoding);
	MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", WEB_REFERRER_POLICY);
	return r;
}

int web_serve(struct MHD_Connection *conn, const char *name, struct MHD_Response **resp,
	      unsigned *status)
{
	char path[WEB_PATH_MAX];
	const struct web_asset *a;
	const char *inm;
	const char *ae;
	struct web_answer ans;
	int n;

	*resp = NULL;
	*status = 404;
	n = snprintf(path, sizeof(path), "/%s", name != NULL ? name : "");
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	a = web_find(path);
	if (a == NULL)
		return -1;
	inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	web_answer(a, inm, ae, &ans);
	*resp = web_response(&ans);
	if (*resp == NULL)
		return -2;
	*status = ans.status;
	return 0;
}
