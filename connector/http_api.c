/* http_api.c -- the daemon's HTTP side on libmicrohttpd: start and stop, the callbacks, the
 * route table with each route's input spec, and dispatch (protocol checks, auth, the spec). */
#include "http_api.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "http_int.h"
#include "indicators.h"
#include "log.h"
#include "mapping.h"
#include "web.h"
#include "workflow.h"

/* ---- The route table: method, path pattern, handler, roles allowed (0: public), the path
 * parameter's kind, the query arguments and the body (their rows live next to the handlers
 * that read them, in http_radicados.c and http_reports.c). */

static void http_api_web(struct http_request *req);

static const struct http_arg http_api_no_args[] = {{.name = NULL}};

static const struct http_route http_api_routes[] = {
    {"GET", "/healthz", http_metrics_healthz, 0, HTTP_PATH_NONE, NULL, NULL},
    {"GET", "/metrics", http_metrics_metrics, 0, HTTP_PATH_NONE, NULL, NULL},
    {"GET", "/api/radicados", http_radicados_list, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_radicados_list_args, NULL},
    {"GET", "/api/radicados/{numero}", http_radicados_get, AUTH_ROLES_ALL, HTTP_PATH_NUMERO,
     http_api_no_args, NULL},
    {"PATCH", "/api/radicados/{numero}", http_radicados_patch, WORKFLOW_ROLES_EDICION,
     HTTP_PATH_NUMERO, NULL, &http_radicados_patch_body},
    {"POST", "/api/radicados/{numero}/reparto", http_radicados_reparto, WORKFLOW_ROLES_REPARTO,
     HTTP_PATH_NUMERO, NULL, &http_radicados_reparto_body},
    {"POST", "/api/radicados/{numero}/gestiones", http_radicados_gestiones, WORKFLOW_ROLES_GESTION,
     HTTP_PATH_NUMERO, NULL, &http_radicados_gestiones_body},
    {"POST", "/api/reparto", http_reparto_bulk, WORKFLOW_ROLES_REPARTO, HTTP_PATH_NONE, NULL,
     &http_reparto_body},
    {"GET", "/api/abogados/carga", http_radicados_carga, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_radicados_carga_args, NULL},
    {"POST", "/api/sync", http_reports_sync, AUTH_ROLE_DIRECTOR | AUTH_ROLE_ADMIN, HTTP_PATH_NONE,
     NULL, &http_reports_sync_body},
    {"GET", "/api/usuarios/yo", http_reports_yo, AUTH_ROLES_ALL, HTTP_PATH_NONE, NULL, NULL},
    {"GET", "/api/indicadores", http_reports_indicadores, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_indicadores_get_args, NULL},
    {"GET", "/api/indicadores/radicados", http_reports_cifra, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_cifra_args, NULL},
    {"GET", "/api/export.xlsx", http_reports_export_xlsx, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_export_args, NULL},
    {"GET", "/api/export.csv", http_reports_export_csv, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_indicadores_args, NULL},
    {"GET", "/api/calendario/festivos", http_reports_festivos, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_festivos_args, NULL},
    {"GET", "/api/calendario/sumar", http_reports_sumar, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_sumar_args, NULL},
    {"GET", "/api/discrepancias", http_reports_discrepancias, AUTH_ROLES_ALL, HTTP_PATH_NONE,
     http_reports_discrepancias_args, NULL},
    {"POST", "/api/discrepancias/{id}/resolver", http_reports_resolver,
     AUTH_ROLE_DIRECTOR | AUTH_ROLE_ADMIN, HTTP_PATH_DISCREPANCIA, NULL,
     &http_reports_resolver_body},
    {"POST", "/api/discrepancias/resolver", http_reports_resolver_many,
     AUTH_ROLE_DIRECTOR | AUTH_ROLE_ADMIN, HTTP_PATH_NONE, NULL, &http_reports_resolver_many_body},
    {"POST", "/api/discrepancias/{id}/aplicar", http_reports_aplicar,
     AUTH_ROLE_DIRECTOR | AUTH_ROLE_ADMIN, HTTP_PATH_DISCREPANCIA, NULL,
     &http_reports_aplicar_body},
    {"GET", "/api/vistas", http_vistas_list, AUTH_ROLES_ALL, HTTP_PATH_NONE, http_api_no_args,
     NULL},
    {"POST", "/api/vistas", http_vistas_save, AUTH_ROLES_ALL, HTTP_PATH_NONE, NULL,
     &http_vistas_body},
    {"DELETE", "/api/vistas/{id}", http_vistas_delete, AUTH_ROLES_ALL, HTTP_PATH_VISTA, NULL, NULL},
    {"GET", "/", http_api_web, 0, HTTP_PATH_NONE, NULL, NULL},
    {"GET", "/static/{archivo}", http_api_web, 0, HTTP_PATH_FILE, NULL, NULL},
};
#define HTTP_API_NROUTES (sizeof(http_api_routes) / sizeof(http_api_routes[0]))

const struct http_route *http_api_route(size_t i)
{
	return i < HTTP_API_NROUTES ? &http_api_routes[i] : NULL;
}

size_t http_api_nroutes(void)
{
	return HTTP_API_NROUTES;
}

long long http_api_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

struct store *http_api_store(struct http_request *req)
{
	struct store **s = http_cache_store(req->th);
	char err[STORE_ERR_LEN];

	if (*s != NULL)
		return *s;
	*s = store_open(req->api->cfg->store_path, err, sizeof(err));
	if (*s == NULL)
		log_error(HTTP_MODULE, "no se pudo abrir la base de datos: %s", err);
	else
		store_set_sla(*s, http_radicados_sla_text, req->api);
	/* Targets or calendar changed since the stored SLA blocks were worked out: again. */
	if (*s != NULL && store_sla_fingerprint(*s, req->api->sla_print) < 0)
		log_error(HTTP_MODULE, "no se pudo comparar la huella de los plazos: %s",
			  store_errmsg(*s));
	return *s;
}

/* ---- GET / and /static/{archivo}: the staff page (web.c: ETag, gzip, CSP) */

static void http_api_web(struct http_request *req)
{
	unsigned status;
	int rc =
	    web_serve(req->conn, req->param[0] != '\0' ? req->param : NULL, &req->resp, &status);

	if (rc == -1)
		http_req_error(req, 404, "no_encontrado", "la ruta solicitada no existe");
	else if (rc < 0)
		http_req_fail(req, NULL, "web_serve: libmicrohttpd no pudo reservar memoria",
			      "no se pudo preparar la respuesta");
	else
		req->status = (int)status;
}

/* ---- Routing */

/* Matches url against pattern, copying the {...} segment into param. 1 on a match. */
static int http_api_match(const char *pattern, const char *url, char param[HTTP_PARAM_LEN])
{
	const char *p = pattern;
	const char *u = url;

	param[0] = '\0';
	while (*p != '\0' && *u != '\0') {
		if (*p == '{') {
			size_t n = strcspn(u, "/");
			const char *close = strchr(p, '}');

			if (close == NULL || n == 0 || n >= HTTP_PARAM_LEN)
				return 0;
			memcpy(param, u, n);
			param[n] = '\0';
			u += n;
			p = close + 1;
			continue;
		}
		if (*p != *u)
			return 0;
		p++;
		u++;
	}
	return *p == '\0' && *u == '\0';
}

/* Finds the route of req (method and path): req->route (-1 when none), req->path_found
 * (some method exists for the path, then req->allow lists them). */
static void http_api_find_route(struct http_request *req)
{
	req->route = -1;
	req->path_found = 0;
	for (size_t i = 0; i < HTTP_API_NROUTES; i++) {
		if (!http_api_match(http_api_routes[i].pattern, req->url, req->param))
			continue;
		req->path_found = 1;
		if (strcmp(http_api_routes[i].method, req->method) == 0) {
			req->route = (int)i;
			return;
		}
	}
	if (!req->path_found)
		return;
	for (size_t i = 0; i < HTTP_API_NROUTES; i++) {
		char param[HTTP_PARAM_LEN];
		size_t n = strlen(req->allow);

		if (!http_api_match(http_api_routes[i].pattern, req->url, param))
			continue;
		snprintf(req->allow + n, sizeof(req->allow) - n, "%s%s", n > 0 ? ", " : "",
			 http_api_routes[i].method);
	}
}

/* ---- Protocol checks, made on the handler's first call: what libmicrohttpd lets through
 * but we refuse, each as a Spanish JSON error (README, «API HTTP», lists what the library
 * still answers itself). */

struct http_api_headers {
	size_t bytes;	       /* of the header lines, as sent: "name: value\r\n" */
	int content_length;    /* how many Content-Length headers */
	int transfer_encoding; /* a Transfer-Encoding header... */
	int chunked;	       /* ...that says exactly chunked */
	int host;
};

static enum MHD_Result http_api_header(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	struct http_api_headers *h = cls;

	(void)kind;
	h->bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		h->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		h->host = 1;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		h->transfer_encoding++;
		h->chunked = value != NULL && strcasecmp(value, "chunked") == 0;
	}
	return MHD_YES;
}

/* 0, or -1 after setting the error answer (then the connection closes). */
static int http_api_protocol(struct http_request *req, const char *version)
{
	struct http_api_headers h;

	memset(&h, 0, sizeof(h));
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, http_api_header, &h);
	req->close = 1; /* for any refusal below */
	if (req->uri_len > HTTP_API_URI_MAX) {
		http_req_errorf(req, 414, "uri_demasiado_larga",
				"la dirección de la solicitud supera %u bytes", HTTP_API_URI_MAX);
		return -1;
	}
	if (h.bytes > HTTP_API_HEADERS_MAX) {
		http_req_errorf(req, 431, "cabeceras_demasiado_grandes",
				"las cabeceras de la solicitud superan %u bytes",
				HTTP_API_HEADERS_MAX);
		return -1;
	}
	if (req->uri_nul) {
		http_req_error(req, 400, "caracter_nulo",
			       "la ruta o un parámetro contiene el carácter NUL (%00)");
		return -1;
	}
	if (!h.host && version != NULL && strcmp(version, MHD_HTTP_VERSION_1_1) == 0) {
		http_req_error(req, 400, "falta_host", "una solicitud HTTP/1.1 debe llevar Host");
		return -1;
	}
	if (h.content_length > 1) {
		http_req_error(req, 400, "cabecera_repetida",
			       "la cabecera Content-Length aparece más de una vez");
		return -1;
	}
	if (h.transfer_encoding > 0 &&
	    (h.content_length > 0 || h.transfer_encoding > 1 || !h.chunked)) {
		http_req_error(req, 400, "codificacion_no_admitida",
			       "el cuerpo se envía con Content-Length o con Transfer-Encoding: "
			       "chunked, no de otra forma");
		return -1;
	}
	req->close = 0;
	return 0;
}

/* 1 when the request announces a body larger than the cap. */
static int http_api_announced_too_large(struct MHD_Connection *conn)
{
	const char *cl =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n;

	return cl != NULL && http_req_digits(cl, 0, HTTP_API_MAX_BODY, &n) != 0;
}

/* ---- Dispatch: what every route gets checked against before its handler runs */

/* Authenticates the caller and checks the route's roles. 0, or -1 after the answer (401,
 * 403, or the failure exit when the database fails). */
static int http_api_authorize(struct http_request *req, struct store *s, int roles)
{
	const char *hdr =
	    MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	char hash[AUTH_HASH_LEN + 1];
	enum auth_result r = http_cache_token_hash(req->th, hdr, hash);
	char need[96] = "";

	if (r == AUTH_OK)
		r = http_cache_user(req, s, hash);
	switch (r) {
	case AUTH_OK:
		break;
	case AUTH_MISSING:
		req->www_authenticate = "Bearer realm=\"segcont\"";
		http_req_error(req, 401, "no_autenticado",
			       "falta la cabecera Authorization: Bearer <token>");
		return -1;
	case AUTH_INVALID:
		req->www_authenticate = "Bearer realm=\"segcont\", error=\"invalid_token\"";
		http_req_error(req, 401, "token_invalido", "el token no es válido");
		return -1;
	case AUTH_INACTIVE:
		req->www_authenticate = "Bearer realm=\"segcont\", error=\"invalid_token\"";
		http_req_error(req, 401, "usuario_inactivo",
			       "el usuario de este token está inactivo");
		return -1;
	default:
		http_req_store_error(req, s);
		return -1;
	}
	if ((req->role & roles) != 0)
		return 0;
	for (int b = AUTH_ROLE_DIRECTOR; b <= AUTH_ROLE_ADMIN; b <<= 1) {
		if ((roles & b) == 0)
			continue;
		if (need[0] != '\0')
			strlcpy_s(need + strlen(need), " o ", sizeof(need) - strlen(need));
		strlcpy_s(need + strlen(need), auth_role_name(b), sizeof(need) - strlen(need));
	}
	http_req_errorf(req, 403, "rol_no_autorizado",
			"esta operación requiere el rol %s (su rol es %s)", need,
			auth_role_name(req->role));
	return -1;
}

/* 1 when the request's Content-Type is JSON in UTF-8 (parameters other than charset are
 * tolerated). */
static int http_api_json_content(struct http_request *req)
{
	const char *ct =
	    MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *semi;
	const char *cs;
	size_t n;

	if (ct == NULL)
		return 0;
	ct += strspn(ct, " \t");
	semi = strchr(ct, ';');
	n = semi != NULL ? (size_t)(semi - ct) : strlen(ct);
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	if (n != strlen("application/json") || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	cs = semi != NULL ? strcasestr(semi, "charset=") : NULL;
	if (cs != NULL) {
		cs += strlen("charset=");
		cs += *cs == '"';
		if (strncasecmp(cs, "utf-8", 5) != 0)
			return 0;
	}
	return 1;
}

/* A number is text: Orfeo's 20201300124633, 1-2021-23677, 2021EE7835... whatever the
 * mapping's "numero" admits. libmicrohttpd hands the path over %-decoded. */
int http_api_numero_check(const struct mapping *m, const char *numero, char *msg, size_t msglen)
{
	static const char fallback[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789-";
	size_t n = strlen(numero);
	char rule[HTTP_MSG_LEN / 2];
	char shown[HTTP_NAME_SHOWN + 1];

	if (m != NULL) {
		if (n > 0 && mapping_check_numero(m, numero) == 0)
			return 0;
		mapping_numero_rule(m, rule, sizeof(rule));
	} else {
		if (n > 0 && n <= HTTP_API_NUMERO_MAX && strspn(numero, fallback) == n)
			return 0;
		snprintf(rule, sizeof(rule), "letras, dígitos y guiones, hasta %d caracteres",
			 HTTP_API_NUMERO_MAX);
	}
	http_req_shown(numero, shown, sizeof(shown));
	if (strcmp(shown, "?") == 0 || n == 0)
		snprintf(msg, msglen,
			 "número de radicado inválido: no tiene la forma de los números de este "
			 "sistema documental (%s)",
			 rule);
	else
		snprintf(msg, msglen,
			 "número de radicado inválido: «%s» no tiene la forma de los números de "
			 "este sistema documental (%s)",
			 shown, rule);
	return -1;
}

/* The path parameter of the route's kind. 0, or -1 after the 404 answer. */
static int http_api_path(struct http_request *req, enum http_path_kind kind)
{
	char msg[HTTP_MSG_LEN];

	if (kind == HTTP_PATH_NUMERO &&
	    http_api_numero_check(req->api->map, req->param, msg, sizeof(msg)) < 0) {
		http_req_error(req, 404, "radicado_no_encontrado", msg);
		return -1;
	}
	if (kind == HTTP_PATH_DISCREPANCIA &&
	    http_req_digits(req->param, 1, HTTP_INT_MAX, &req->param_id) != 0) {
		http_req_error(req, 404, "no_encontrada",
			       "identificador de discrepancia inválido: debe ser un número");
		return -1;
	}
	if (kind == HTTP_PATH_VISTA &&
	    http_req_digits(req->param, 1, HTTP_INT_MAX, &req->param_id) != 0) {
		http_req_error(req, 404, "vista_no_encontrada",
			       "identificador de vista inválido: debe ser un número");
		return -1;
	}
	return 0;
}

static enum MHD_Result http_api_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
					  const char *value)
{
	struct http_request *req = cls;

	(void)kind;
	http_req_arg(req, http_api_routes[req->route].args, key, value);
	return MHD_YES;
}

static void http_api_dispatch(struct http_request *req)
{
	const struct http_route *r;

	if (req->too_large) {
		http_req_errorf(req, 413, "cuerpo_demasiado_grande",
				"el cuerpo de la solicitud supera el límite de %u bytes",
				HTTP_API_MAX_BODY);
		return;
	}
	if (req->route < 0) {
		if (req->path_found)
			http_req_error(req, 405, "metodo_no_permitido",
				       "el método no está permitido para esta ruta");
		else
			http_req_error(req, 404, "no_encontrado", "la ruta solicitada no existe");
		return;
	}
	r = &http_api_routes[req->route];
	if (r->roles != 0) {
		struct store *s = http_api_store(req);

		if (s == NULL) {
			http_req_store_error(req, NULL);
			return;
		}
		if (http_api_authorize(req, s, r->roles) < 0)
			return;
	}
	if (req->body.len > 0 && strcmp(req->method, "GET") != 0 && !http_api_json_content(req)) {
		http_req_error(req, 415, "tipo_de_contenido",
			       "el cuerpo debe enviarse como Content-Type: application/json");
		return;
	}
	if (http_api_path(req, r->path) < 0)
		return;
	if (r->args != NULL) {
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, http_api_query_arg,
					  req);
		if (http_req_args_check(req, r->args) < 0)
			return;
	}
	if (r->body != NULL && http_req_body_check(req, r->body) < 0)
		return;
	r->handler(req);
}

/* ---- Sending */

static enum MHD_Result http_api_queue(struct http_request *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char retry[16];
	char *body;
	size_t len;

	if (req->hit != NULL) {
		ret = MHD_queue_response(req->conn, 200, req->hit);
		req->queued = ret == MHD_YES;
		return ret;
	}
	if (req->resp != NULL) {
		ret = MHD_queue_response(req->conn, (unsigned int)req->status, req->resp);
		MHD_destroy_response(req->resp);
		req->resp = NULL;
		req->queued = ret == MHD_YES;
		return ret;
	}
	/* A small answer is copied out of the thread's reused buffer (HTTP_API_SPARE_MAX); a
	 * large one's buffer goes to the response (no copy: it is not held twice). */
	len = req->out.len;
	if (len <= HTTP_API_SPARE_MAX) {
		resp = MHD_create_response_from_buffer(len, req->out.data, MHD_RESPMEM_MUST_COPY);
		if (resp == NULL)
			return MHD_NO;
	} else {
		body = buf_steal(&req->out);
		resp = MHD_create_response_from_buffer_with_free_callback(len, body, free);
		if (resp == NULL) {
			free(body);
			return MHD_NO;
		}
	}
	if (req->content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (req->www_authenticate != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					req->www_authenticate);
	if (req->extra_header != NULL && req->status < 400)
		MHD_add_response_header(resp, req->extra_header, req->extra_value);
	if (req->status == 405 && req->allow[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, req->allow);
	if (req->retry_after > 0) {
		snprintf(retry, sizeof(retry), "%d", req->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
	}
	if (req->status == 413 || req->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(req->conn, (unsigned int)req->status, resp);
	if (!http_cache_answer_put(req, resp, len))
		MHD_destroy_response(resp);
	req->queued = ret == MHD_YES;
	return ret;
}

/* ---- libmicrohttpd's callbacks */

/* Called with the raw request line's URI before libmicrohttpd decodes it: the request's
 * state starts here, so that a %00 (which decoding would hide) and the URI's length are
 * known. The returned state is the handler's *con_cls. */
static void *http_api_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_request *req = xcalloc(1, sizeof(*req));

	req->api = cls;
	req->th = http_cache_thread();
	req->conn = conn;
	req->start_us = http_api_now_us();
	req->route = -1;
	req->uri_len = strlen(uri);
	req->uri_nul = strstr(uri, "%00") != NULL;
	buf_init(&req->body);
	http_cache_buf_take(req->th, &req->out);
	buf_init(&req->canon);
	return req;
}

static enum MHD_Result http_api_answer(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct http_request *req = *con_cls;

	if (req == NULL) /* never: the URI callback made it */
		*con_cls = req = http_api_uri(cls, url, conn);
	if (!req->started) {
		/* First call: only set up; answering now would force Connection: close... */
		req->started = 1;
		req->method = method;
		req->url = url;
		http_api_find_route(req);
		/* ...except for a request refused as such, or a body announced over the cap
		 * (refused before it is sent; a client sending Expect: 100-continue sends
		 * nothing). */
		if (http_api_protocol(req, version) < 0)
			return http_api_queue(req);
		if (http_api_announced_too_large(conn)) {
			req->too_large = 1;
			http_api_dispatch(req);
			return http_api_queue(req);
		}
		return MHD_YES;
	}
	if (*upload_size != 0) {
		/* A chunked body over the cap cannot be answered before it ends (MHD queues
		 * only before or after the body): discard it up to a bound, then hang up. */
		req->received += *upload_size;
		if (req->received > HTTP_API_DISCARD_MAX)
			return MHD_NO;
		if (req->received > HTTP_API_MAX_BODY)
			req->too_large = 1;
		else
			buf_append(&req->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->queued)
		return MHD_YES;
	if (req->heavy == HTTP_HEAVY_DONE) /* worked out on a heavy thread, now resumed */
		return http_api_queue(req);
	http_api_dispatch(req);
	if (req->heavy == HTTP_HEAVY_DEFERRED) {
		if (http_heavy_push(req->api->heavy, req) == 0)
			return MHD_YES;	      /* answered once resumed */
		req->heavy = HTTP_HEAVY_NONE; /* answered here, now */
		http_heavy_refuse(req);
	}
	return http_api_queue(req);
}

int http_api_defer(struct http_request *req)
{
	long ms = req->api->heavy_sleep_ms;

	if (req->heavy == HTTP_HEAVY_NONE && req->api->heavy != NULL && req->route >= 0) {
		req->heavy = HTTP_HEAVY_DEFERRED;
		req->heavy_handler = http_api_routes[req->route].handler;
		return 1;
	}
	if (ms > 0) {
		struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};

		nanosleep(&ts, NULL);
	}
	return 0;
}

/* 1 for the routes that read every filing (indicators, their drill-down, the exports):
 * after them the thread's page cache holds pages no list wants and malloc holds the memory
 * of their answer. */
static int http_api_heavy(int route)
{
	void (*h)(struct http_request *) = route >= 0 ? http_api_routes[route].handler : NULL;

	return h == http_reports_indicadores || h == http_reports_cifra ||
	       h == http_reports_export_xlsx || h == http_reports_export_csv;
}

/* Gives back what a heavy request left: this thread's page cache, then the free memory of
 * every malloc arena (the heap of a large answer would otherwise stay resident). */
static void http_api_shrink(struct http_request *req)
{
	struct store **s = http_cache_store(req->th);

	if (*s != NULL)
		store_release_memory(*s);
	malloc_trim(0);
}

static void http_api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			       enum MHD_RequestTerminationCode toe)
{
	struct http_api *api = cls;
	struct http_request *req = *con_cls;

	(void)conn;
	if (req == NULL)
		return;
	if (req->queued)
		http_metrics_note(api->metrics, req->route, req->status,
				  http_api_now_us() - req->start_us);
	else if (!req->started && (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ||
				   toe == MHD_REQUEST_TERMINATED_WITH_ERROR))
		http_metrics_note(api->metrics, -2, 0, 0); /* never reached the handler */
	buf_free(&req->body);
	/* This thread's (libmicrohttpd's stop may end a request elsewhere than it began). */
	http_cache_buf_give(http_cache_thread(), &req->out);
	buf_free(&req->canon);
	json_decref(req->json);
	free(req->cache_key);
	if (http_api_heavy(req->route))
		http_api_shrink(req);
	if (req->heavy == HTTP_HEAVY_DONE)
		http_heavy_sent(api->heavy);
	free(req);
	*con_cls = NULL;
}

/* libmicrohttpd's own messages, through log.c. */
static void http_api_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[HTTP_MSG_LEN];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn(HTTP_MODULE, "libmicrohttpd: %s", msg);
}

/* ---- Start and stop */

/* The listening address of cfg: IPv4 or IPv6 (then *flags gains MHD_USE_IPv6). 0, or -1. */
static int http_api_address(const struct config *cfg, struct sockaddr_storage *addr,
			    unsigned int *flags)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;

	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, cfg->http_listen, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)cfg->http_port);
		return 0;
	}
	if (inet_pton(AF_INET6, cfg->http_listen, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)cfg->http_port);
		*flags |= MHD_USE_IPv6;
		return 0;
	}
	return -1;
}

/* Before the threads answer: the stored SLA blocks fresh for today and for the targets and
 * calendar of cfg (after a migration or a change: every row, a batch at a time), so that
 * no request waits for them. A failure is logged: the requests work them out. */
static void http_api_sla_start(struct http_api *api)
{
	char err[STORE_ERR_LEN];
	struct store *s = store_open(api->cfg->store_path, err, sizeof(err));
	long long t0 = util_monotonic_ms();

	if (s == NULL) {
		log_error(HTTP_MODULE, "no se pudo abrir la base de datos: %s", err);
		return;
	}
	store_set_sla(s, http_radicados_sla_text, api);
	if (store_sla_fingerprint(s, api->sla_print) < 0 || store_sla_refresh(s, NULL) < 0)
		log_error(HTTP_MODULE, "los plazos guardados quedan por recalcular: %s",
			  store_errmsg(s));
	else if (util_monotonic_ms() - t0 >= 1000)
		log_info(HTTP_MODULE, "plazos guardados al día en %lld ms",
			 util_monotonic_ms() - t0);
	store_close(s);
	/* A refresh of every row (first start, new day, new targets) leaves its page cache and
	 * the blocks it built freed but inside the heap: ~20 MB at 100,000 filings that serve
	 * would otherwise keep at rest. */
	malloc_trim(0);
}

struct http_api *http_api_start(const struct config *cfg, const struct mapping *m,
				const struct calendar *cal, struct sync_poller *poller,
				struct reconcile_scheduler *reconciler, char *err, size_t errlen)
{
	struct http_api *api = xcalloc(1, sizeof(*api));
	struct sockaddr_storage addr;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			     MHD_ALLOW_SUSPEND_RESUME;
	const char *cache = getenv("SEGCONT_HTTP_CACHE");
	const char *sleep_ms;
	int v6 = strchr(cfg->http_listen, ':') != NULL;

	if (http_api_address(cfg, &addr, &flags) < 0) {
		set_error(err, errlen, "dirección de escucha inválida: %s", cfg->http_listen);
		free(api);
		return NULL;
	}
	api->cfg = cfg;
	api->map = m;
	api->poller = poller;
	api->reconciler = reconciler;
	api->cache_enabled = cache == NULL || strcmp(cache, "0") != 0;
	api->calendar = cal;
	api->sla_print = indicators_sla_print(cfg);
	http_api_sla_start(api);
	/* A fixed threshold: every block above it (a large answer, its buffers) is its own
	 * mapping, given back when freed; glibc's moving threshold would rise after the first
	 * such block and leave the next ones in a heap that stays grown. */
	mallopt(M_MMAP_THRESHOLD, HTTP_API_MMAP_THRESHOLD);
	/* Fixing the threshold also fixes the trim threshold at glibc's 128 KiB: an arena whose
	 * free top passed it was given back after almost every request (madvise, and a TLB
	 * flush on every CPU: 8% of a list read's time under wrk). A heavy request still
	 * gives everything back (http_api_shrink). */
	mallopt(M_TRIM_THRESHOLD, HTTP_API_TRIM_THRESHOLD);
	api->metrics = http_metrics_new(cfg, poller, HTTP_API_NROUTES);
	sleep_ms = getenv(HTTP_HEAVY_ENV_SLEEP);
	if (sleep_ms != NULL && parse_long(sleep_ms, 0, 60000, &api->heavy_sleep_ms) < 0)
		api->heavy_sleep_ms = 0;
	api->heavy = http_heavy_start(err, errlen);
	if (api->heavy == NULL) {
		http_metrics_free(api->metrics);
		free(api->sla_print);
		free(api);
		return NULL;
	}
	api->daemon = MHD_start_daemon(
	    /* the logger first: libmicrohttpd reports the options after it through it */
	    flags, (uint16_t)cfg->http_port, NULL, NULL, http_api_answer, api,
	    MHD_OPTION_EXTERNAL_LOGGER, http_api_mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->http_threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_API_CONNECTION_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_API_CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_API_PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_API_CONNECTION_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, http_api_uri, api, MHD_OPTION_NOTIFY_COMPLETED,
	    http_api_completed, api, MHD_OPTION_END);
	if (api->daemon == NULL) {
		set_error(err, errlen, "no se pudo escuchar en %s%s%s:%ld (¿puerto ocupado?)",
			  v6 ? "[" : "", cfg->http_listen, v6 ? "]" : "", cfg->http_port);
		http_heavy_stop(api->heavy);
		http_heavy_free(api->heavy);
		http_metrics_free(api->metrics);
		free(api->sla_print);
		free(api);
		return NULL;
	}
	log_info(HTTP_MODULE, "escuchando en http://%s%s%s:%ld", v6 ? "[" : "", cfg->http_listen,
		 v6 ? "]" : "", cfg->http_port);
	return api;
}

void http_api_stop(struct http_api *api)
{
	if (api == NULL)
		return;
	/* the suspended connections resumed first: libmicrohttpd closes only those it sees */
	http_heavy_stop(api->heavy);
	MHD_stop_daemon(api->daemon);
	http_heavy_free(api->heavy);
	http_metrics_free(api->metrics);
	free(api->sla_print);
	free(api);
}
