/* sim_http.h -- the libmicrohttpd server both simulators run (a thread per connection, loopback
 * only): request bodies collected with a cap and the 413 beyond it, answers queued with extra
 * headers, delays that give up when the server stops. Each simulator routes its own paths. */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <microhttpd.h>
#include <stddef.h>

#include "util.h"

#define SIM_HTTP_MAX_BODY (1024u * 1024u) /* bytes of a request body; more is a 413 */
#define SIM_HTTP_MAX_DISCARD                                                                       \
	(64u * 1024u * 1024u)	     /* an oversized body read to send the 413;                    \
					past this the connection is dropped */
#define SIM_HTTP_TIMEOUT 60	     /* seconds an idle connection is kept */
#define SIM_HTTP_MAX_CONNECTIONS 256 /* at once, also per client address */
#define SIM_HTTP_DELAY_STEP_MS 50    /* a delay sleeps in steps this long */
#define SIM_HTTP_TEXT "text/plain; charset=UTF-8"

/* Per-request state, from the first handler call to the end of the request. A simulator that
 * keeps more puts this first in its own struct and gives its size in the config. */
struct sim_http_request {
	struct buf body;
	int too_large;
	size_t discarded; /* bytes of an oversized body thrown away */
};

struct sim_http;

/* Answers one request whose body (at most SIM_HTTP_MAX_BODY) is in r->body. */
typedef enum MHD_Result (*sim_http_route_fn)(void *cls, struct sim_http *srv,
					     struct MHD_Connection *conn, const char *method,
					     const char *url, struct sim_http_request *r);

struct sim_http_config {
	const char *listen;	    /* a loopback address: 127.x.x.x, ::1 or localhost */
	int port;		    /* 0: any free port */
	const char *too_large_text; /* the text/plain body of the 413 */
	sim_http_route_fn route;
	void *cls;	     /* handed to route */
	size_t request_size; /* of the per-request struct; 0: sizeof(struct sim_http_request) */
	void (*request_done)(struct sim_http_request *r); /* frees what a route added, or NULL */
};

/* Starts serving. Returns the server, or NULL with err filled (not a loopback address, port
 * taken...). */
struct sim_http *sim_http_start(const struct sim_http_config *c, char *err, size_t errlen);
/* The port actually bound. */
int sim_http_port(const struct sim_http *h);
/* The base URL ("http://127.0.0.1:8089"). Borrowed. */
const char *sim_http_url(const struct sim_http *h);
/* Sleeps ms in short steps. Returns 0, or -1 when the server started stopping meanwhile. */
int sim_http_sleep(struct sim_http *h, long ms);
/* Stops: delayed answers give up, open connections close, threads are joined; frees h. */
void sim_http_stop(struct sim_http *h);

/* Queues an answer. data is copied when copy, else handed over (malloc'd, MHD frees it).
 * headers, extra: NULL, or name and value pairs ended by a NULL name. */
enum MHD_Result sim_http_send(struct MHD_Connection *conn, unsigned status, const char *ctype,
			      const char *data, size_t len, int copy, const char *const *headers,
			      const char *const *extra);
/* Queues a text/plain answer (copied), with headers as in sim_http_send. */
enum MHD_Result sim_http_text(struct MHD_Connection *conn, unsigned status, const char *text,
			      const char *const *headers);

#endif
