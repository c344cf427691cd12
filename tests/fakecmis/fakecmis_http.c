/* fakecmis_http.c -- libmicrohttpd glue: collects request bodies with a cap, checks Basic
 * credentials, reads query strings and forms into the binding's parameters, injects faults,
 * routes to the Browser Binding or the control API, and sends the answers. */
#include "fakecmis_http.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecmis_browser.h"
#include "fakecmis_control.h"
#include "sim_http.h"
#include "util.h"

#define FAKECMIS_HTTP_MAX_AUTH 1024 /* bytes of an Authorization header's credentials */
#define FAKECMIS_HTTP_FORM "application/x-www-form-urlencoded"
#define FAKECMIS_HTTP_CONTROL_JSON "application/json; charset=UTF-8"

/* What a single sign-on proxy in front of the repository answers when its session expired:
 * 200 and a login page. */
static const char fakecmis_http_login_page[] =
    "<!DOCTYPE html>\n<html lang=\"es\">\n<head><meta charset=\"utf-8\"><title>Iniciar "
    "sesión - Sistema de Gestión Documental</title></head>\n<body>\n<div id=\"kc-header\">"
    "Sistema de Gestión Documental</div>\n<form id=\"kc-form-login\" action=\"/auth/realms/"
    "sgd/login-actions/authenticate?session_code=Xq3&amp;execution=7c1\" method=\"post\">\n"
    "<label for=\"username\">Usuario</label><input id=\"username\" name=\"username\" "
    "type=\"text\" autofocus>\n<label for=\"password\">Contraseña</label><input "
    "id=\"password\" name=\"password\" type=\"password\">\n<input type=\"submit\" "
    "value=\"Ingresar\">\n</form>\n</body>\n</html>\n";

/* What Tomcat writes for response.sendError(401, "Authorization Required"), which is how
 * OpenCMIS servlets refuse credentials. */
static const char fakecmis_http_tomcat_401[] =
    "<!doctype html><html lang=\"en\"><head><title>HTTP Status 401 – Unauthorized</title>"
    "<style type=\"text/css\">body {font-family:Tahoma,Arial,sans-serif;} h1, h2, h3, b "
    "{color:white;background-color:#525D76;} h1 {font-size:22px;}</style></head><body><h1>"
    "HTTP Status 401 – Unauthorized</h1><hr class=\"line\" /><p><b>Type</b> Status "
    "Report</p><p><b>Message</b> Authorization Required</p><p><b>Description</b> The request "
    "has not been applied because it lacks valid authentication credentials for the target "
    "resource.</p><hr class=\"line\" /><h3>Apache Tomcat/9.0.58</h3></body></html>";

/* Headers of every Browser Binding answer, as OpenCMIS sends them. */
static const char *const fakecmis_http_cmis_headers[] = {
    "Cache-Control", "private, max-age=0", "Server", "Apache-Chemistry-OpenCMIS/1.1.0", NULL};

struct fakecmis_http {
	struct sim_http *srv;
	struct fakecmis_repo *repo;
	struct sim_faults *faults;
	struct fakecmis_browser_config browser;
	int auth;
	int auth_html;
	unsigned char cred_hash[crypto_generichash_BYTES]; /* of "user:password" */
};

/* Per-request state, from the first handler call to NOTIFY_COMPLETED. */
struct fakecmis_http_request {
	struct sim_http_request base; /* first: sim_http allocates and hands over this struct */
	size_t nfields;		      /* a POSTed form, decoded */
	char *keys[FAKECMIS_HTTP_MAX_FIELDS];
	char *values[FAKECMIS_HTTP_MAX_FIELDS];
};

/* 1 when the request carries the Basic credentials asked (or none are asked), else 0. */
static int fakecmis_http_authorized(const struct fakecmis_http *h, struct MHD_Connection *conn)
{
	const char *hdr =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	unsigned char raw[FAKECMIS_HTTP_MAX_AUTH];
	unsigned char hash[crypto_generichash_BYTES];
	size_t rawlen = 0;
	int ok;

	if (!h->auth)
		return 1;
	if (hdr == NULL || strncasecmp(hdr, "Basic ", 6) != 0)
		return 0;
	hdr += 6;
	while (*hdr == ' ')
		hdr++;
	if (strlen(hdr) >= sizeof(raw) ||
	    sodium_base642bin(raw, sizeof(raw), hdr, strlen(hdr), NULL, &rawlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	crypto_generichash(hash, sizeof(hash), raw, rawlen, NULL, 0);
	ok = sodium_memcmp(hash, h->cred_hash, sizeof(hash)) == 0;
	sodium_memzero(raw, sizeof(raw));
	return ok;
}

/* The value of a hexadecimal digit, or -1. */
static int fakecmis_http_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes n bytes of a form's key or value (+ is a space, %XX a byte). Returns a new string,
 * or NULL on a bad escape, a NUL byte or invalid UTF-8. */
static char *fakecmis_http_unescape(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 2 < n ? fakecmis_http_hex(s[i + 1]) : -1;
			int lo = i + 2 < n ? fakecmis_http_hex(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				buf_free(&b);
				return NULL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		buf_append(&b, &c, 1);
	}
	if (!util_utf8_valid(b.data, b.len)) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Decodes the body as an urlencoded form into r's fields. Returns 0, or -1 with err. */
static int fakecmis_http_parse_form(struct fakecmis_http_request *r, char *err, size_t errlen)
{
	const char *p = r->base.body.data ? r->base.body.data : "";
	const char *end = p + r->base.body.len;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq != NULL ? eq : stop;

		if (stop > p) {
			if (r->nfields == FAKECMIS_HTTP_MAX_FIELDS) {
				set_error(err, errlen, "more than %d form fields",
					  FAKECMIS_HTTP_MAX_FIELDS);
				return -1;
			}
			r->keys[r->nfields] = fakecmis_http_unescape(p, (size_t)(kend - p));
			r->values[r->nfields] =
			    eq != NULL ? fakecmis_http_unescape(eq + 1, (size_t)(stop - eq - 1))
				       : xstrdup("");
			r->nfields++;
			if (r->keys[r->nfields - 1] == NULL || r->values[r->nfields - 1] == NULL) {
				set_error(err, errlen,
					  "malformed form field (bad %%-escape or "
					  "not UTF-8)");
				return -1;
			}
		}
		p = stop + 1;
	}
	return 0;
}

/* Fills the binding's parameters from the query string (GET) or the form (POST). Returns 0,
 * or -1 with err (a value that is not UTF-8, a form that cannot be read). */
static int fakecmis_http_params(struct MHD_Connection *conn, struct fakecmis_http_request *r,
				struct fakecmis_browser_request *rq, char *err, size_t errlen)
{
	if (rq->post) {
		const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_TYPE);

		if (ct == NULL ||
		    strncasecmp(ct, FAKECMIS_HTTP_FORM, strlen(FAKECMIS_HTTP_FORM)) != 0) {
			set_error(err, errlen, "this repository reads only %s forms",
				  FAKECMIS_HTTP_FORM);
			return -1;
		}
		if (fakecmis_http_parse_form(r, err, errlen) < 0)
			return -1;
	}
	for (int p = 0; p < FCP_COUNT; p++) {
		const char *name = fakecmis_browser_param_name((enum fakecmis_param)p);
		const char *v = NULL;

		if (rq->post) {
			for (size_t i = 0; i < r->nfields && v == NULL; i++) {
				if (strcmp(r->keys[i], name) == 0)
					v = r->values[i];
			}
		} else {
			v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
			if (v != NULL && !util_utf8_valid(v, strlen(v))) {
				set_error(err, errlen, "parameter %s is not UTF-8", name);
				return -1;
			}
		}
		rq->params[p] = v;
	}
	return 0;
}

/* Breaks a JSON text by removing one comma between two values (outside strings): the first
 * after the middle, else the last one; with no comma at all, the last byte. */
static void fakecmis_http_corrupt(char *json, size_t *len)
{
	size_t pick = *len, last = *len;
	int in_string = 0;

	for (size_t i = 0; i < *len; i++) {
		char c = json[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"') {
			in_string = 1;
		} else if (c == ',') {
			last = i;
			if (i >= *len / 2) {
				pick = i;
				break;
			}
		}
	}
	if (pick == *len)
		pick = last;
	if (pick == *len) {
		if (*len > 0)
			(*len)--;
		return;
	}
	memmove(json + pick, json + pick + 1, *len - pick - 1);
	(*len)--;
}

/* Answers a /cmis/ request: credentials, parameters, the fault drawn, the answer. */
static enum MHD_Result fakecmis_http_cmis(struct fakecmis_http *h, struct sim_http *srv,
					  struct MHD_Connection *conn, const char *method,
					  const char *url, struct fakecmis_http_request *r)
{
	struct fakecmis_browser_request rq;
	const char *allow = NULL;
	enum fakecmis_fault kind;
	char err[256];
	char *json;
	long delay_ms;
	size_t len;
	int status;

	if (!fakecmis_http_authorized(h, conn)) {
		const char *const challenge[] = {MHD_HTTP_HEADER_WWW_AUTHENTICATE,
						 "Basic realm=\"" FAKECMIS_HTTP_REALM "\"", NULL};

		sim_faults_count(h->faults, FAKECMIS_FAULTS_UNAUTHORIZED);
		if (h->auth_html)
			return sim_http_send(conn, 401, "text/html;charset=utf-8",
					     fakecmis_http_tomcat_401,
					     strlen(fakecmis_http_tomcat_401), 1, challenge, NULL);
		status = fakecmis_browser_error("unauthorized", "Authorization Required", &json);
		return sim_http_send(conn, (unsigned)status, FAKECMIS_BROWSER_JSON, json,
				     strlen(json), 0, challenge, fakecmis_http_cmis_headers);
	}
	memset(&rq, 0, sizeof(rq));
	rq.path = fakecmis_browser_path(url);
	rq.post = strcmp(method, "POST") == 0;
	err[0] = '\0';
	if (!rq.post && strcmp(method, "GET") != 0) {
		rq.path = FAKECMIS_PATH_OTHER;
		snprintf(err, sizeof(err), "method %.16s is not supported", method);
	} else if (fakecmis_http_params(conn, r, &rq, err, sizeof(err)) < 0) {
		memset(rq.params, 0, sizeof(rq.params));
	}
	kind = (enum fakecmis_fault)sim_faults_draw(
	    h->faults, err[0] ? FAKECMIS_SEL_OTHER : fakecmis_browser_selector(&rq), &delay_ms);
	switch (kind) {
	case FAKECMIS_FAULT_RESET:
		return MHD_NO; /* MHD closes the connection without a word */
	case FAKECMIS_FAULT_HTTP500:
		return sim_http_text(conn, 500, "Internal Server Error", NULL);
	case FAKECMIS_FAULT_HTTP503:
		return sim_http_text(conn, 503, "Service Unavailable",
				     (const char *const[]){MHD_HTTP_HEADER_RETRY_AFTER, "1", NULL});
	case FAKECMIS_FAULT_HTML:
		return sim_http_send(conn, 200, "text/html; charset=UTF-8",
				     fakecmis_http_login_page, strlen(fakecmis_http_login_page), 1,
				     NULL, NULL);
	case FAKECMIS_FAULT_RUNTIME:
		status = fakecmis_browser_error(
		    "runtime", "Error de base de datos: could not obtain a JDBC connection", &json);
		return sim_http_send(conn, (unsigned)status, FAKECMIS_BROWSER_JSON, json,
				     strlen(json), 0, fakecmis_http_cmis_headers, NULL);
	case FAKECMIS_FAULT_DENIED:
		status = fakecmis_browser_error("permissionDenied", "Access denied", &json);
		return sim_http_send(conn, (unsigned)status, FAKECMIS_BROWSER_JSON, json,
				     strlen(json), 0, fakecmis_http_cmis_headers, NULL);
	case FAKECMIS_FAULT_DELAY:
		if (sim_http_sleep(srv, delay_ms) < 0)
			return MHD_NO;
		break; /* then answers normally */
	default:
		break;
	}
	if (err[0] != '\0') {
		status = fakecmis_browser_error(rq.path == FAKECMIS_PATH_OTHER ? "notSupported"
									       : "invalidArgument",
						err, &json);
		if (status == 405)
			allow = "GET, POST";
	} else {
		status = fakecmis_browser_answer(&h->browser, h->repo, &rq, &json, &allow);
	}
	len = strlen(json);
	if (kind == FAKECMIS_FAULT_TRUNCATED)
		len /= 2;
	else if (kind == FAKECMIS_FAULT_MALFORMED)
		fakecmis_http_corrupt(json, &len);
	return sim_http_send(
	    conn, (unsigned)status, FAKECMIS_BROWSER_JSON, json, len, 0, fakecmis_http_cmis_headers,
	    allow != NULL ? (const char *const[]){MHD_HTTP_HEADER_ALLOW, allow, NULL} : NULL);
}

static enum MHD_Result fakecmis_http_control(struct fakecmis_http *h, struct MHD_Connection *conn,
					     const char *method, const char *url,
					     struct fakecmis_http_request *r)
{
	const char *dep = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dependencia");
	const struct fakecmis_control_env env = {h->repo, h->faults};
	char *json = NULL;
	int status;

	status = fakecmis_control_handle(&env, method, url, dep, r->base.body.data,
					 r->base.body.len, &json);
	return sim_http_send(conn, (unsigned)status, FAKECMIS_HTTP_CONTROL_JSON, json, strlen(json),
			     0, NULL, NULL);
}

static enum MHD_Result fakecmis_http_route(void *cls, struct sim_http *srv,
					   struct MHD_Connection *conn, const char *method,
					   const char *url, struct sim_http_request *base)
{
	struct fakecmis_http *h = cls;
	struct fakecmis_http_request *r = (struct fakecmis_http_request *)base;

	if (strncmp(url, "/control/", strlen("/control/")) == 0)
		return fakecmis_http_control(h, conn, method, url, r);
	if (strcmp(url, "/cmis") == 0 || strncmp(url, "/cmis/", strlen("/cmis/")) == 0)
		return fakecmis_http_cmis(h, srv, conn, method, url, r);
	return sim_http_text(conn, 404, "No encontrado", NULL);
}

/* Frees the decoded form of a request. */
static void fakecmis_http_request_done(struct sim_http_request *base)
{
	struct fakecmis_http_request *r = (struct fakecmis_http_request *)base;

	for (size_t i = 0; i < r->nfields; i++) {
		free(r->keys[i]);
		free(r->values[i]);
	}
}

struct fakecmis_http *fakecmis_http_start(const struct fakecmis_http_options *o,
					  struct fakecmis_repo *r, struct sim_faults *f, char *err,
					  size_t errlen)
{
	struct fakecmis_http *h = xcalloc(1, sizeof(*h));
	struct sim_http_config c = {o->listen,
				    o->port,
				    "Request body too large",
				    fakecmis_http_route,
				    h,
				    sizeof(struct fakecmis_http_request),
				    fakecmis_http_request_done};

	h->repo = r;
	h->faults = f;
	h->auth = o->user != NULL;
	h->auth_html = o->auth_html;
	if (h->auth) {
		char *cred = xasprintf("%s:%s", o->user, o->password ? o->password : "");

		crypto_generichash(h->cred_hash, sizeof(h->cred_hash), (unsigned char *)cred,
				   strlen(cred), NULL, 0);
		sodium_memzero(cred, strlen(cred));
		free(cred);
	}
	h->browser.page_cap = o->page_cap;
	h->browser.expired_constraint = o->expired_constraint;
	h->browser.token_last = o->token_last;
	h->srv = sim_http_start(&c, err, errlen);
	if (h->srv == NULL) {
		sodium_memzero(h->cred_hash, sizeof(h->cred_hash));
		free(h);
		return NULL;
	}
	h->browser.url = sim_http_url(h->srv);
	return h;
}

int fakecmis_http_port(const struct fakecmis_http *h)
{
	return sim_http_port(h->srv);
}

const char *fakecmis_http_url(const struct fakecmis_http *h)
{
	return sim_http_url(h->srv);
}

void fakecmis_http_stop(struct fakecmis_http *h)
{
	if (h == NULL)
		return;
	sim_http_stop(h->srv);
	sodium_memzero(h->cred_hash, sizeof(h->cred_hash));
	free(h);
}
