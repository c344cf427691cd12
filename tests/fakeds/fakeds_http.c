/* fakeds_http.c -- libmicrohttpd glue: collects request bodies with a cap, routes to the SOAP
 * endpoint (where faults are injected) or the control API, and sends the answers. */
#include "fakeds_http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeds_control.h"
#include "fakeds_soap.h"
#include "sim_http.h"
#include "util.h"

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
	struct sim_http *srv;
	struct fakeds_data *data;
	struct sim_faults *faults;
	struct fakeds_quirks *quirks;
	char *key;
	char *ns;
	enum fakeds_soap_encoding encoding;
};

static enum MHD_Result fakeds_http_soap(struct fakeds_http *h, struct sim_http *srv,
					struct MHD_Connection *conn, struct sim_http_request *r)
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
		return sim_http_text(conn, 500, "Internal Server Error", NULL);
	case FAKEDS_FAULT_HTTP503:
		fakeds_soap_call_free(&call);
		return sim_http_send(conn, 503, "text/plain; charset=UTF-8", "Service Unavailable",
				     strlen("Service Unavailable"), 1,
				     (const char *const[]){MHD_HTTP_HEADER_RETRY_AFTER, "1", NULL},
				     NULL);
	case FAKEDS_FAULT_HTML:
		fakeds_soap_call_free(&call);
		return sim_http_send(conn, 200, "text/html; charset=UTF-8", fakeds_http_php_error,
				     strlen(fakeds_http_php_error), 1, NULL, NULL);
	case FAKEDS_FAULT_BADKEY:
		fakeds_soap_badkey(call.op, &mode, &out);
		break;
	case FAKEDS_FAULT_DELAY:
		if (sim_http_sleep(srv, delay_ms) < 0) {
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
	return sim_http_send(conn, status, fakeds_soap_content_type(&mode), buf_steal(&out), len, 0,
			     (mode.quirks & FAKEDS_QUIRK_BYTE_EXTRA)
				 ? fakeds_http_soap_close_headers
				 : fakeds_http_soap_headers,
			     NULL);
}

static enum MHD_Result fakeds_http_control(struct fakeds_http *h, struct MHD_Connection *conn,
					   const char *method, const char *url,
					   struct sim_http_request *r)
{
	const char *dep = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dependencia");
	const struct fakeds_control_env env = {h->data, h->faults, h->quirks};
	char *json = NULL;
	int status;

	status = fakeds_control_handle(&env, method, url, dep, r->body.data, r->body.len, &json);
	return sim_http_send(conn, (unsigned)status, "application/json; charset=UTF-8", json,
			     strlen(json), 0, NULL, NULL);
}

static enum MHD_Result fakeds_http_route(void *cls, struct sim_http *srv,
					 struct MHD_Connection *conn, const char *method,
					 const char *url, struct sim_http_request *r)
{
	struct fakeds_http *h = cls;

	if (strcmp(url, FAKEDS_HTTP_SOAP_PATH) == 0) {
		if (strcmp(method, "POST") != 0)
			return sim_http_text(
			    conn, 405, "Método no permitido",
			    (const char *const[]){MHD_HTTP_HEADER_ALLOW, "POST", NULL});
		return fakeds_http_soap(h, srv, conn, r);
	}
	if (strncmp(url, "/control/", strlen("/control/")) == 0)
		return fakeds_http_control(h, conn, method, url, r);
	return sim_http_text(conn, 404, "No encontrado", NULL);
}

struct fakeds_http *fakeds_http_start(const struct fakeds_http_options *o, struct fakeds_data *d,
				      struct sim_faults *f, struct fakeds_quirks *q, char *err,
				      size_t errlen)
{
	struct fakeds_http *h = xcalloc(1, sizeof(*h));
	struct sim_http_config c = {
	    o->listen, o->port, "Cuerpo de la petición demasiado grande", fakeds_http_route, h,
	    0,	       NULL};

	h->data = d;
	h->faults = f;
	h->quirks = q;
	h->key = xstrdup(o->key);
	h->ns = xstrdup(o->ns);
	h->encoding = o->encoding;
	h->srv = sim_http_start(&c, err, errlen);
	if (h->srv != NULL)
		return h;
	explicit_bzero(h->key, strlen(h->key));
	free(h->key);
	free(h->ns);
	free(h);
	return NULL;
}

int fakeds_http_port(const struct fakeds_http *h)
{
	return sim_http_port(h->srv);
}

const char *fakeds_http_url(const struct fakeds_http *h)
{
	return sim_http_url(h->srv);
}

void fakeds_http_stop(struct fakeds_http *h)
{
	if (h == NULL)
		return;
	sim_http_stop(h->srv);
	explicit_bzero(h->key, strlen(h->key));
	free(h->key);
	free(h->ns);
	free(h);
}
