/* fakeds_http.h -- the simulated document system's HTTP server (libmicrohttpd, a thread per
 * connection): the SOAP endpoint with its injected faults, and the /control/ API. */
#ifndef FAKEDS_HTTP_H
#define FAKEDS_HTTP_H

#include <stddef.h>

#include "fakeds_data.h"
#include "fakeds_faults.h"
#include "fakeds_quirks.h"
#include "fakeds_soap.h"

#define FAKEDS_HTTP_SOAP_PATH "/webServices/servidor.php"

struct fakeds_http_options {
	const char *listen;		    /* a loopback address: 127.x.x.x, ::1 or localhost */
	int port;			    /* 0: any free port */
	enum fakeds_soap_encoding encoding; /* of the SOAP answers */
	const char *ns;			    /* the service namespace (copied) */
	const char *key;		    /* the service key (copied) */
};

struct fakeds_http;

/* Starts serving d, f and q (borrowed; they must outlive the server). Returns the server, or
 * NULL with err filled (not a loopback address, port taken...). */
struct fakeds_http *fakeds_http_start(const struct fakeds_http_options *o, struct fakeds_data *d,
				      struct sim_faults *f, struct fakeds_quirks *q, char *err,
				      size_t errlen);
/* The port actually bound. */
int fakeds_http_port(const struct fakeds_http *h);
/* The base URL ("http://127.0.0.1:8089"). Borrowed. */
const char *fakeds_http_url(const struct fakeds_http *h);
/* Stops: delayed answers give up, open connections close, threads are joined; frees h. */
void fakeds_http_stop(struct fakeds_http *h);

#endif
