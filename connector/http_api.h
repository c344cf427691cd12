/* http_api.h -- the daemon's HTTP side (libmicrohttpd): a route table (method, path
 * pattern, handler, roles, and what each route takes, checked before its handler runs),
 * Bearer auth, JSON in and out, Spanish error bodies, /healthz, /metrics. The files:
 * http_api.c (server, routes, dispatch), http_req.c (answers, checks), http_cache.c,
 * http_metrics.c, http_radicados.c, http_reports.c; the follow-up rules are workflow.c's. */
#ifndef SEGCONT_HTTP_API_H
#define SEGCONT_HTTP_API_H

#include <stddef.h>

#include "config.h"
#include "sync.h"

#define HTTP_API_MAX_BODY (64u * 1024u)	     /* request bodies above this get 413 */
#define HTTP_API_DISCARD_MAX (1024u * 1024u) /* a chunked body is cut off past this */
#define HTTP_API_CONNECTION_TIMEOUT_S 30
#define HTTP_API_CONNECTION_LIMIT 512
#define HTTP_API_PER_IP_LIMIT 128
#define HTTP_API_PAGE_SIZE_DEFAULT 50 /* por_pagina when absent */
#define HTTP_API_PAGE_SIZE_MAX 500
#define HTTP_API_PAGE_MAX 10000000L	       /* pagina */
#define HTTP_API_Q_MAX 200		       /* bytes of the free-text search */
#define HTTP_API_TEXT_MAX 8000		       /* bytes of a gestion's texto or observaciones */
#define HTTP_API_NUMERO_MAX 64		       /* bytes of a filing number in a path (no mapping) */
#define HTTP_API_CACHE_ENTRIES 32	       /* cached GET answers per server thread */
#define HTTP_API_CACHE_BODY_MAX (256u * 1024u) /* larger answers are not cached */
#define HTTP_API_MMAP_THRESHOLD (256 * 1024)   /* malloc maps blocks above this on their own */
#define HTTP_API_TRIM_THRESHOLD (1024 * 1024)  /* an arena keeps this much free before giving back */
/* An answer up to this size is built in its thread's reused buffer and copied into its
 * response (one malloc of its size, not the buffer's doublings); a larger one is handed
 * over without a copy, so that it is not held twice. */
#define HTTP_API_SPARE_MAX (64u * 1024u)
#define HTTP_API_AUTH_CACHE 8	    /* tokens remembered per server thread */
#define HTTP_API_COUNT_CACHE 16	    /* list totals remembered per thread  */
#define HTTP_API_VERSION_TTL_MS 250 /* other processes' commits are seen within this */
#define HTTP_API_RETRY_AFTER_S 1    /* Retry-After of a 503 when the database is busy */
/* Threads that work out the heavy routes (http_heavy.c), each with its database connection. */
#define HTTP_API_HEAVY_THREADS 2
/* Dates of the query arguments (desde, hasta): from the calendar's first year to the end of
 * 2099, the range the command line's --desde and --hasta take (cli.h): a filing date beyond
 * it is a typing error, and the day after and any due date stay well inside the calendar. */
#define HTTP_API_DATE_MIN "1984-01-01"
#define HTTP_API_DATE_MAX "2099-12-31"
/* Requests we refuse ourselves, in Spanish JSON, before libmicrohttpd's own limit: */
#define HTTP_API_URI_MAX 4096u	   /* bytes of the request's URI: above, 414 */
#define HTTP_API_HEADERS_MAX 8192u /* bytes of its header lines: above, 431 */
/* libmicrohttpd's memory per connection (its default): a request line and headers that do
 * not fit in it are answered by the library itself (414 / 431, English HTML). It also zeroes
 * all of it between two requests of a connection, so it stays small. */
#define HTTP_API_CONNECTION_MEMORY (32u * 1024u)
/* /healthz: sync passes of this process that failed without the database recording them
 * (it cannot be written) make it 503 from this many on; one could be a race of the count. */
#define HTTP_API_UNRECORDED_FAILURES 2
#define HTTP_API_INTEGRITY_EVERY_S 300 /* the integrity thread checks the database */

struct http_api;
struct mapping;		    /* mapping.h */
struct reconcile_scheduler; /* reconcile.h */

/* Starts the server on cfg's listen address (IPv4 or IPv6) and port with cfg->http_threads
 * threads.
 * Borrows cfg, m, poller and reconciler. m is the document system's mapping: a filing number
 * in a path (/api/radicados/{numero}) is one its "numero" admits, else 404 saying the form
 * expected; m may be NULL: then any 1 to HTTP_API_NUMERO_MAX letters, digits and hyphens are
 * looked up. poller may be NULL: then /api/sync answers 503; reconciler may be NULL: then
 * /metrics leaves out the daily runs. Each server thread
 * opens its own store connection on first use. GET answers of the filing list, of one
 * filing, of the indicators and of the discrepancies, and the users of recent tokens, are
 * cached per thread: any commit in this process invalidates them at once, one by another
 * process within HTTP_API_VERSION_TTL_MS; answers carrying SLA figures are kept for the
 * current day only (SEGCONT_HTTP_CACHE=0 in the environment turns the answer cache off).
 * cal (serve's calendar, indicators_calendar_new) is borrowed until http_api_stop.
 * Returns NULL with err filled when the address cannot be bound. */
struct calendar;
struct http_api *http_api_start(const struct config *cfg, const struct mapping *m,
				const struct calendar *cal, struct sync_poller *poller,
				struct reconcile_scheduler *reconciler, char *err, size_t errlen);
/* Stops accepting, waits for the threads, frees everything. NULL is ignored. */
void http_api_stop(struct http_api *api);

#endif
