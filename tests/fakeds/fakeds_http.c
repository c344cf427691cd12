/* fakeds_http.c -- libmicrohttpd glue: collects request bodies with a cap, routes to the SOAP
 * endpoint (where faults are injected) or the control API, and sends the answers. */
#include "fakeds_http.h"

#include <arpa/inet.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fakeds_control.h"
#include "fakeds_soap.h"
#include "sim_net.h"
#include "util.h"

#define FAKEDS_HTTP_URL_LEN 80

/* What a PHP installation prints when its database is down. */
static const char fakeds_http_php_error[] =
    "<br />\n<b>Warning</b>:  pg_connect(): Unable to connect to PostgreSQL server: could not "
    "connect to server: Connection refused in <b>/var/www/orfeo/include/db/drivers/"
    "adodb-postgres64.inc.php</b> on line <b>94</b><br />\n<br />\n<b>Fatal error</b>:  "
    "Uncaught Error: Call to a member function Execute() on bool in "
    "<b>/var/www/orfeo/webServices/servidor.php</b>:212\nStack trace:\n#0 {main}\n  thrown in "
    "<b>/var/www/orfeo/webServices/servidor.php</b> on line <b>212</b><br />\n";

/* Extra headers of a SOAP answer, name and value pairs: what nusoap sends, and with byte-extra
 * the close that the stray byte forces on the real wire. */
static const char *const fakeds_http_soap_headers[] = {"X-SOAP-Server", "NuSOAP/0.9.5 (1.123)",
						       NULL};
static const char *const fakeds_http_soap_close_headers[] = {
    "X-SOAP-Server", "NuSOAP/0.9.5 (1.123)", MHD_HTTP_HEADER_CONNECTION, "close", NULL};

struct fakeds_http {
	struct MHD_Daemon *daemon;
	struct fakeds_data *data;
	struct sim_faults *faults;
	struct fakeds_quirks *quirks;
	char *key;
	char *ns;
	enum fakeds_soap_encoding encoding;
	int port;
	atomic_int stopping;
	char url[FAKEDS_HTTP_URL_LEN];
};

/* Per-request state, from the first handler call to NOTIFY_COMPLETED. */
struct fakeds_http_request {
	struct buf body;
	int too_large;
	size_t discarded; /* bytes of an oversized body thrown away */
};

/* Queues an answer. data is copied when copy, else handed over (malloc'd, MHD frees it).
 * headers: NULL, or name and value pairs ended by a NULL name. */
static enum MHD_Result fakeds_http_send(struct MHD_Connection *conn, unsigned status,
					const char *ctype, const char *data, size_t len, int copy,
					const char *const *headers)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)data,
					    copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		if (!copy)
			free((void *)data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i += 2)
		MHD_add_response_header(r, headers[i], headers[i + 1]);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result fakeds_http_text(struct MHD_Connection *conn, unsigned status,
					const char *text)
{
	return fakeds_http_send(conn, status, "text/plain; charset=UTF-8", text, strlen(text), 1,
				NULL);
}

/* Sleeps ms in short steps. Returns 0, or -1 when the server started stopping meanwhile. */
static int fakeds_http_sleep(struct fakeds_http *h, long ms)
{
	long long end = util_monotonic_ms() + ms;

	while (util_monotonic_ms() < end) {
		long long left = end - util_monotonic_ms();
		long step =
		    left < FAKEDS_HTTP_DELAY_STEP_MS ? (long)left : FAKEDS_HTTP_DELAY_STEP_MS;
		struct timespec ts = {step / 1000, (step % 1000) * 1000000L};

		if (atomic_load(&h->stopping))
			return -1;
		if (step > 0)
			nanosleep(&ts, NULL);
	}
	return atomic_load(&h->stopping) ? -1 : 0;
}

static enum MHD_Result fakeds_http_soap(struct fakeds_http *h, struct MHD_Connection *conn,
					struct fakeds_http_request *r)
{
	const char *action = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "SOAPAction");
	const struct fakeds_soap_mode mode = {h->encoding, fakeds_quirks_get(h->quirks), h->ns};
	struct fakeds_soap_call call;
	enum fakeds_fault kind;
	struct buf out;
	long delay_ms;
	unsigned status = 200;
	size_t len;

	fakeds_soap_parse(r->body.data, r->body.len, action, &call);
	kind = (enum fakeds_fault)sim_faults_draw(h->faults, call.op, &delay_ms);
	buf_init(&out);
	switch (kind) {
	case FAKEDS_FAULT_RESET:
		fakeds_soap_call_free(&call);
		return MHD_NO; /* MHD closes the connection without a word */
	case FAKEDS_FAULT_HTTP500:
		fakeds_soap_call_free(&call);
		return fakeds_http_text(conn, 500, "Internal Server Error");
	case FAKEDS_FAULT_HTTP503:
		fakeds_soap_call_free(&call);
		return fakeds_http_send(
		    conn, 503, "text/plain; charset=UTF-8", "Service Unavailable",
		    strlen("Service Unavailable"), 1,
		    (const char *const[]){MHD_HTTP_HEADER_RETRY_AFTER, "1", NULL});
	case FAKEDS_FAULT_HTML:
		fakeds_soap_call_free(&call);
		return fakeds_http_send(conn, 200, "text/html; charset=UTF-8",
					fakeds_http_php_error, strlen(fakeds_http_php_error), 1,
					NULL);
	case FAKEDS_FAULT_BADKEY:
		fakeds_soap_badkey(call.op, &mode, &out);
		break;
	case FAKEDS_FAULT_DELAY:
		if (fakeds_http_sleep(h, delay_ms) < 0) {
			fakeds_soap_call_free(&call);
			return MHD_NO;
		}
		/* then answers normally */
		/* fall through */
	default:
		status = (unsigned)fakeds_soap_answer(h->data, &call, h->key, &mode, &out);
		break;
	}
	fakeds_soap_call_free(&call);
	len = out.len;
	if (kind == FAKEDS_FAULT_TRUNCATED)
		len = out.len / 2;
	else if (kind == FAKEDS_FAULT_MALFORMED) {
		fakeds_soap_corrupt(&out);
		len = out.len;
	}
	return fakeds_http_send(
	    conn, status, fakeds_soap_content_type(&mode), buf_steal(&out), len, 0,
	    (mode.quirks & FAKEDS_QUIRK_BYTE_EXTRA) ? fakeds_http_soap_close_headers
						    : fakeds_http_soap_headers);
}

static enum MHD_Result fakeds_http_control(struct fakeds_http *h, struct MHD_Connection *conn,
					   const char *method, const char *url,
					   struct fakeds_http_request *r)
{
	const char *dep = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dependencia");
	const struct fakeds_control_env env = {h->data, h->faults, h->quirks};
	char *json = NULL;
	int status;

	status = fakeds_control_handle(&env, method, url, dep, r->body.data, r->body.len, &json);
	return fakeds_http_send(conn, (unsigned)status, "application/json; charset=UTF-8", json,
				strlen(json), 0, NULL);
}

static enum MHD_Result fakeds_http_handle(void *cls, struct MHD_Connection *conn, const char *url,
					  const char *method, const char *version,
					  const char *upload_data, size_t *upload_data_size,
					  void **con_cls)
{
	struct fakeds_http *h = cls;
	struct fakeds_http_request *r = *con_cls;

	(void)version;
	if (r == NULL) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *expect =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
		long n;

		r = xcalloc(1, sizeof(*r));
		buf_init(&r->body);
		*con_cls = r;
		if (cl != NULL && parse_long(cl, 0, LONG_MAX, &n) == 0 &&
		    n > (long)FAKEDS_HTTP_MAX_BODY) {
			r->too_large = 1;
			/* The one answer given on the first call: a client waiting for
			 * "100 Continue" reads it before sending anything, and a body past the
			 * discard cap is not worth reading. Others get it after their body, so
			 * that they are still listening when it comes. */
			if ((expect != NULL && strcasecmp(expect, "100-continue") == 0) ||
			    n > (long)FAKEDS_HTTP_MAX_DISCARD)
				return fakeds_http_text(conn, 413,
							"Cuerpo de la petición demasiado grande");
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->too_large && r->body.len + *upload_data_size <= FAKEDS_HTTP_MAX_BODY) {
			buf_append(&r->body, upload_data, *upload_data_size);
		} else {
			r->too_large = 1;
			r->discarded += *upload_data_size;
			buf_free(&r->body);
			if (r->discarded > FAKEDS_HTTP_MAX_DISCARD)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->too_large)
		return fakeds_http_text(conn, 413, "Cuerpo de la petición demasiado grande");
	if (strcmp(url, FAKEDS_HTTP_SOAP_PATH) == 0) {
		if (strcmp(method, "POST") != 0)
			return fakeds_http_send(
			    conn, 405, "text/plain; charset=UTF-8", "Método no permitido",
			    strlen("Método no permitido"), 1,
			    (const char *const[]){MHD_HTTP_HEADER_ALLOW, "POST", NULL});
		return fakeds_http_soap(h, conn, r);
	}
	if (strncmp(url, "/control/", strlen("/control/")) == 0)
		return fakeds_http_control(h, conn, method, url, r);
	return fakeds_http_text(conn, 404, "No encontrado");
}

static void fakeds_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
				  enum MHD_RequestTerminationCode why)
{
	struct fakeds_http_request *r = *con_cls;

	(void)cls;
	(void)conn;
	(void)why;
	if (r == NULL)
		return;
	buf_free(&r->body);
	free(r);
	*con_cls = NULL;
}

struct fakeds_http *fakeds_http_start(const struct fakeds_http_options *o, struct fakeds_data *d,
				      struct sim_faults *f, struct fakeds_quirks *q, char *err,
				      size_t errlen)
{
	struct fakeds_http *h = xcalloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	char host[64];
	int ipv6;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;

	if (sim_net_address(o->listen, o->port, &ss, &ipv6, host, sizeof(host), err, errlen) < 0)
		goto fail;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	h->data = d;
	h->faults = f;
	h->quirks = q;
	h->key = xstrdup(o->key);
	h->ns = xstrdup(o->ns);
	h->encoding = o->encoding;
	atomic_init(&h->stopping, 0);
	h->daemon = MHD_start_daemon(
	    flags, (uint16_t)o->port, NULL, NULL, fakeds_http_handle, h, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)FAKEDS_HTTP_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)FAKEDS_HTTP_MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)FAKEDS_HTTP_MAX_CONNECTIONS,
	    MHD_OPTION_NOTIFY_COMPLETED, fakeds_http_completed, h, MHD_OPTION_END);
	if (h->daemon == NULL) {
		set_error(err, errlen, "no se pudo escuchar en %s puerto %d (¿puerto ocupado?)",
			  o->listen, o->port);
		goto fail;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : o->port;
	snprintf(h->url, sizeof(h->url), "http://%s:%d", host, h->port);
	return h;
fail:
	if (h->key != NULL)
		explicit_bzero(h->key, strlen(h->key));
	free(h->key);
	free(h->ns);
	free(h);
	return NULL;
}

int fakeds_http_port(const struct fakeds_http *h)
{
	return h->port;
}

const char *fakeds_http_url(const struct fakeds_http *h)
{
	return h->url;
}

void fakeds_http_stop(struct fakeds_http *h)
{
	if (h == NULL)
		return;
	atomic_store(&h->stopping, 1);
	MHD_stop_daemon(h->daemon);
	explicit_bzero(h->key, strlen(h->key));
	free(h->key);
	free(h->ns);
	free(h);
}
