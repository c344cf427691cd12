/* web.h -- the staff page over HTTP: finds an embedded web/ file by path, answers conditional
 * requests (strong ETag, If-None-Match -> 304), sends the gzip copy when the client takes it,
 * and sets the page's security headers (a strict Content-Security-Policy and friends). */
#ifndef SEGCONT_WEB_H
#define SEGCONT_WEB_H

#include <stddef.h>

#include "web_assets.h"

/* The page loads only its own files and talks only to its own server: no inline script or
 * style, no CDN, no frames, no <base>, forms post only here. */
#define WEB_CSP                                                                                    \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
#define WEB_CACHE_CONTROL "no-cache" /* revalidate every time: the ETag makes that a 304 */
#define WEB_REFERRER_POLICY "no-referrer"
#define WEB_INDEX "/index.html" /* what "/" serves */
#define WEB_HEADER_MAX 4096	/* longer If-None-Match / Accept-Encoding values are ignored */
#define WEB_PATH_MAX 256	/* longest asset path looked up */

struct MHD_Connection;
struct MHD_Response;

/* What to send for one asset request. Every pointer borrows the embedded (static) data. */
struct web_answer {
	unsigned status;	      /* 200 or 304 */
	const unsigned char *data;    /* the body (NULL for a 304) */
	size_t len;		      /* its length (0 for a 304) */
	const char *content_type;     /* of the asset, also on a 304 */
	const char *etag;	      /* of the representation chosen (identity or gzip) */
	const char *content_encoding; /* "gzip", or NULL for the identity */
};

/* The asset served at path: "/" is WEB_INDEX, anything else must be an embedded file's exact
 * path ("/app.js"); no normalisation, so "..", "//" or "%2e" never match. Returns NULL when
 * there is none. Borrowed (static data). Cannot fail otherwise. */
const struct web_asset *web_find(const char *path);

/* 1 when an If-None-Match value (NULL: absent) is "*" or lists etag. Uses the weak comparison
 * RFC 9110 13.1.2 prescribes for If-None-Match (a W/ prefix is ignored); a malformed list
 * matches nothing from its first malformed member on. etag is quoted, as in web_asset. */
int web_etag_matches(const char *if_none_match, const char *etag);

/* 1 when an Accept-Encoding value (NULL: absent) accepts gzip: "gzip" (or "x-gzip") with a
 * q-value above 0, or, when gzip is not named, "*" with a q-value above 0. A malformed q-value
 * counts as 0, so a doubtful client gets the identity, which every client reads. */
int web_accepts_gzip(const char *accept_encoding);

/* Chooses the answer for asset a (not NULL) from the request's If-None-Match and
 * Accept-Encoding values (NULL when absent): the gzip copy when it exists and is accepted,
 * else the identity; 304 without a body when If-None-Match names the chosen ETag. Cannot
 * fail. */
void web_answer(const struct web_asset *a, const char *if_none_match, const char *accept_encoding,
		struct web_answer *out);

/* Builds the libmicrohttpd response of ans: the body without a copy (it is static) and
 * Content-Type, ETag, Vary: Accept-Encoding, Cache-Control, Content-Encoding (when gzip),
 * Content-Security-Policy, X-Content-Type-Options, Referrer-Policy. Returns a new response
 * the caller destroys after queueing it, or NULL when libmicrohttpd could not allocate. */
struct MHD_Response *web_response(const struct web_answer *ans);

/* The route handler's part: the file name under /static/ ("app.js"; NULL or "" for the page
 * itself at "/") answered for conn, reading its If-None-Match and Accept-Encoding. Returns 0
 * with *resp (a new response: queue it with *status, then destroy it) and *status (200 or
 * 304); -1 when there is no such file (answer 404), or -2 when libmicrohttpd could not
 * allocate (answer 500). */
int web_serve(struct MHD_Connection *conn, const char *name, struct MHD_Response **resp,
	      unsigned *status);

#endif
