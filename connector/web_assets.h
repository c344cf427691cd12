/* web_assets.h -- the staff page's files (web/), embedded at build time by .ci/embed-web:
 * each file's bytes, content type and strong ETag, and a gzip copy when it pays. */
#ifndef SEGCONT_WEB_ASSETS_H
#define SEGCONT_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;	  /* "/index.html", "/app.js" */
	const char *content_type; /* "text/html; charset=utf-8" */
	const unsigned char *data;
	size_t len;
	const char *etag;	      /* strong ETag of the content, quoted */
	const unsigned char *gz_data; /* the same, gzip-compressed; NULL when it does not pay */
	size_t gz_len;
	const char *gz_etag; /* strong ETag of the gzip copy (a different representation) */
};

/* Sorted as the Makefile lists the files (make's $(sort)); web.c does not rely on it. */
extern const struct web_asset web_assets[];
extern const size_t web_assets_count;

#endif
