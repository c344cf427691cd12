/* web_assets.h -- the staff page's files (web/), embedded at build time by .ci/embed-web. */
#ifndef SEGCONT_WEB_ASSETS_H
#define SEGCONT_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;         /* "/index.html", "/app.js" */
	const char *content_type; /* "text/html; charset=utf-8" */
	const unsigned char *data;
	size_t len;
	const char *etag; /* strong ETag of the content, quoted */
};

extern const struct web_asset web_assets[];
extern const size_t web_assets_count;

#endif
