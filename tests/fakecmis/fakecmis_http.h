/* fakecmis_http.h -- the simulated repository's HTTP server (libmicrohttpd, a thread per
 * connection): Basic authentication, the Browser Binding with its injected faults, and the
 * /control/ API. */
#ifndef FAKECMIS_HTTP_H
#define FAKECMIS_HTTP_H

#include <stddef.h>

#include "fakecmis_faults.h"
#include "fakecmis_repo.h"

#define FAKECMIS_HTTP_MAX_FIELDS 64 /* fields of a POSTed form */
#define FAKECMIS_HTTP_REALM "sgd"   /* of WWW-Authenticate */

struct fakecmis_http_options {
	const char *listen;   /* a loopback address: 127.x.x.x, ::1 or localhost */
	int port;	      /* 0: any free port */
	const char *user;     /* Basic credentials required (copied); NULL: none asked */
	const char *password; /* (copied; the caller wipes its own) */
	int auth_html;	      /* 1: a 401 carries Tomcat's HTML page, as OpenCMIS servlets send */
	long page_cap;
	int expired_constraint;
	int token_last;
};

struct fakecmis_http;

/* Starts serving r and f (borrowed; they must outlive the server). Returns the server, or
 * NULL with err filled (not a loopback address, port taken...). */
struct fakecmis_http *fakecmis_http_start(const struct fakecmis_http_options *o,
					  struct fakecmis_repo *r, struct sim_faults *f, char *err,
					  size_t errlen);
/* The port actually bound. */
int fakecmis_http_port(const struct fakecmis_http *h);
/* The base URL ("http://127.0.0.1:8089"). Borrowed. */
const char *fakecmis_http_url(const struct fakecmis_http *h);
/* Stops: delayed answers give up, open connections close, threads are joined; frees h. */
void fakecmis_http_stop(struct fakecmis_http *h);

#endif
