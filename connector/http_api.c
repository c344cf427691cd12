/* http_api.c -- routing and JSON for the daemon's HTTP side. Every route is one row of
 * http_api_routes (method, pattern, handler, roles); handlers never touch SQL (store.c does). */
#include "http_api.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "calendar.h"
#include "export.h"
#include "indicators.h"
#include "log.h"
#include "reconcile.h"
#include "store.h"
#include "util.h"
#include "web.h"

#define HTTP_API_MODULE "http"
#define HTTP_API_MAX_PARAMS 4
#define HTTP_API_PARAM_LEN 128
#define HTTP_API_MAX_QUERY_ARGS 16
#define HTTP_API_MSG_LEN 512
#define HTTP_API_INT_MAX 9007199254740991LL /* 2^53 - 1: exact in JSON numbers */
#define HTTP_API_NAME_SHOWN 40 /* bytes of a client-supplied name echoed in a message */
#define HTTP_API_JSON_TYPE "application/json; charset=utf-8"
#define HTTP_API_ROUTE_OTHER "desconocida" /* metrics label of unmatched requests */
#define HTTP_API_HEADER_VALUE_LEN 160	   /* the one extra header of a buffered answer */

/* ---- Metrics: counters shared by the server threads (atomics, no lock). */

static const int http_api_statuses[] = {200, 201, 202, 400, 401, 403, 404,
					405, 409, 413, 415, 422, 500, 503};
#define HTTP_API_NSTATUS (sizeof(http_api_statuses) / sizeof(http_api_statuses[0]) + 1)
/* Upper bounds of the latency histogram, in microseconds (+Inf is implicit). */
static const long long http_api_buckets_us[] = {250,   500,   1000,   2500,   5000,    10000,
						25000, 50000, 100000, 250000, 1000000, 2500000};
#define HTTP_API_NBUCKETS (sizeof(http_api_buckets_us) / sizeof(http_api_buckets_us[0]) + 1)

/* ---- Types */

struct http_request;
typedef void (*http_handler)(struct http_request *req);

struct http_route {
	const char *method;
	const char *pattern; /* "/api/radicados/{numero}": {...} matches one path segment */
	http_handler handler;
	int roles; /* enum auth_role bits allowed; 0: no authentication */
};

/* A cached answer: the MHD response itself (MHD counts its references, so one response
 * serves many connections without a copy), valid at one data version. */
struct http_cache_entry {
	char *key;
	struct MHD_Response *resp;
	unsigned long long version;
};

/* A token seen before: its hash and its user, valid at one data version. */
struct http_auth_entry {
	char hash[AUTH_HASH_LEN + 1];
	struct store_user user;
	int role;
	unsigned long long version;
};

/* A list's total for one set of filters, valid at one data version (paging reuses it). */
struct http_count_entry {
	char *key;
	long long total;
	unsigned long long version;
};

/* What one server thread owns: its database connection and its caches. */
struct http_thread {
	struct http_count_entry counts[HTTP_API_COUNT_CACHE];
	unsigned next_count;
	struct store *store;
	struct http_cache_entry cache[HTTP_API_CACHE_ENTRIES];
	unsigned next;
	struct http_auth_entry auth[HTTP_API_AUTH_CACHE];
	unsigned next_auth;
	/* the connection's data_version and when it was read (see http_api_version) */
	int dv_known;
	unsigned long long dv;
	long long dv_checked_ms;
};

struct http_api_route_metrics {
	atomic_ulong status[HTTP_API_NSTATUS];
	atomic_ulong bucket[HTTP_API_NBUCKETS]; /* not cumulative; summed when written */
	atomic_ullong sum_us;
};

struct http_api {
	struct MHD_Daemon *daemon;
	const struct config *cfg;
	struct sync_poller *poller;
	struct reconcile_scheduler *reconciler;
	struct calendar *calendar;
	int cache_enabled;
	struct http_api_route_metrics *metrics; /* one per route, then one for unmatched */
};

/* One request in flight: collected body, matched route, path parameters, caller, response. */
struct http_request {
	struct http_api *api;
	struct http_thread *th;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	int route; /* index in http_api_routes, or -1 */
	int path_found;
	struct buf body;
	size_t received; /* body bytes seen, kept or not */
	int too_large;
	char params[HTTP_API_MAX_PARAMS][HTTP_API_PARAM_LEN];
	int nparams;
	long long start_us;
	/* the caller, after authentication */
	struct store_user user;
	int role;
	/* the data version, read at most once per request */
	int have_version;
	unsigned long long version;
	/* the answer cache: a hit to send, or the key to keep a fresh answer under */
	struct MHD_Response *hit;
	char *cache_key;
	/* response */
	int status;
	struct buf out;
	const char *content_type;
	const char *www_authenticate;
	/* one extra header of a buffered answer (e.g. an export's Content-Disposition) */
	const char *extra_header;
	char extra_value[HTTP_API_HEADER_VALUE_LEN];
	char allow[48]; /* methods of the path, for a 405 */
	int retry_after;
	int queued;
	/* a handler's own ready response (headers set; e.g. web.c's static files): queued with
	 * status instead of out, then destroyed */
	struct MHD_Response *resp;
};

/* ---- The route table: method, path pattern, handler, roles allowed (0: public). */

static void http_api_healthz(struct http_request *req);
static void http_api_metrics(struct http_request *req);
static void http_api_list(struct http_request *req);
static void http_api_get(struct http_request *req);
static void http_api_patch(struct http_request *req);
static void http_api_reparto(struct http_request *req);
static void http_api_gestiones(struct http_request *req);
static void http_api_carga(struct http_request *req);
static void http_api_sync(struct http_request *req);
static void http_api_yo(struct http_request *req);
static void http_api_indicadores(struct http_request *req);
static void http_api_export_xlsx(struct http_request *req);
static void http_api_export_csv(struct http_request *req);
static void http_api_festivos(struct http_request *req);
static void http_api_sumar(struct http_request *req);
static void http_api_discrepancias(struct http_request *req);
static void http_api_resolver(struct http_request *req);
static void http_api_web(struct http_request *req);

#define HTTP_API_DIRECTOR AUTH_ROLE_DIRECTOR
#define HTTP_API_WRITERS (AUTH_ROLE_DIRECTOR | AUTH_ROLE_ABOGADO | AUTH_ROLE_APOYO)

static const struct http_route http_api_routes[] = {
    {"GET", "/healthz", http_api_healthz, 0},
    {"GET", "/metrics", http_api_metrics, 0},
    {"GET", "/api/radicados", http_api_list, AUTH_ROLES_ALL},
    {"GET", "/api/radicados/{numero}", http_api_get, AUTH_ROLES_ALL},
    {"PATCH", "/api/radicados/{numero}", http_api_patch, HTTP_API_WRITERS},
    {"POST", "/api/radicados/{numero}/reparto", http_api_reparto, HTTP_API_DIRECTOR},
    {"POST", "/api/radicados/{numero}/gestiones", http_api_gestiones,
     AUTH_ROLE_DIRECTOR | AUTH_ROLE_ABOGADO},
    {"GET", "/api/abogados/carga", http_api_carga, AUTH_ROLES_ALL},
    {"POST", "/api/sync", http_api_sync, AUTH_ROLE_DIRECTOR | AUTH_ROLE_ADMIN},
    {"GET", "/api/usuarios/yo", http_api_yo, AUTH_ROLES_ALL},
    {"GET", "/api/indicadores", http_api_indicadores, AUTH_ROLES_ALL},
    {"GET", "/api/export.xlsx", http_api_export_xlsx, AUTH_ROLES_ALL},
    {"GET", "/api/export.csv", http_api_export_csv, AUTH_ROLES_ALL},
    {"GET", "/api/calendario/festivos", http_api_festivos, AUTH_ROLES_ALL},
    {"GET", "/api/calendario/sumar", http_api_sumar, AUTH_ROLES_ALL},
    {"GET", "/api/discrepancias", http_api_discrepancias, AUTH_ROLES_ALL},
    {"POST", "/api/discrepancias/{id}/resolver", http_api_resolver,
     AUTH_ROLE_DIRECTOR | AUTH_ROLE_ADMIN},
    {"GET", "/", http_api_web, 0},
    {"GET", "/static/{archivo}", http_api_web, 0},
};
static const size_t http_api_nroutes = sizeof(http_api_routes) / sizeof(http_api_routes[0]);

static long long http_api_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* ---- Per-thread state */

static pthread_key_t http_api_thread_key;
static pthread_once_t http_api_thread_once = PTHREAD_ONCE_INIT;

static void http_api_cache_clear(struct http_thread *th)
{
	for (int i = 0; i < HTTP_API_COUNT_CACHE; i++)
		free(th->counts[i].key);
	for (int i = 0; i < HTTP_API_CACHE_ENTRIES; i++) {
		free(th->cache[i].key);
		if (th->cache[i].resp != NULL)
			MHD_destroy_response(th->cache[i].resp);
		memset(&th->cache[i], 0, sizeof(th->cache[i]));
	}
}

static void http_api_thread_destroy(void *p)
{
	struct http_thread *th = p;

	http_api_cache_clear(th);
	store_close(th->store);
	free(th);
}

static void http_api_thread_key_init(void)
{
	pthread_key_create(&http_api_thread_key, http_api_thread_destroy);
}

/* The calling thread's state, created on first use. Borrowed; never NULL. */
static struct http_thread *http_api_thread(void)
{
	struct http_thread *th;

	pthread_once(&http_api_thread_once, http_api_thread_key_init);
	th = pthread_getspecific(http_api_thread_key);
	if (th != NULL)
		return th;
	th = xcalloc(1, sizeof(*th));
	pthread_setspecific(http_api_thread_key, th);
	return th;
}

/* The calling thread's store connection, opened on first use. NULL when the database
 * cannot be opened (then the error is logged). Borrowed. */
static struct store *http_api_store(struct http_request *req)
{
	char err[STORE_ERR_LEN];

	if (req->th->store != NULL)
		return req->th->store;
	req->th->store = store_open(req->api->cfg->store_path, err, sizeof(err));
	if (req->th->store == NULL)
		log_error(HTTP_API_MODULE, "no se pudo abrir la base de datos: %s", err);
	return req->th->store;
}

/* ---- Responses */

/* Sets a JSON response from obj (stolen). */
static void http_api_json(struct http_request *req, int status, json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(obj);
	buf_reset(&req->out);
	if (text != NULL) {
		buf_puts(&req->out, text);
		free(text);
	}
	req->status = status;
	req->content_type = HTTP_API_JSON_TYPE;
}

/* Sets the error body of DESIGN.md: {"error": {"codigo": ..., "mensaje": ...}}. */
static void http_api_error(struct http_request *req, int status, const char *codigo,
			   const char *mensaje)
{
	json_t *obj = json_pack("{s:{s:s, s:s}}", "error", "codigo", codigo, "mensaje", mensaje);

	if (obj == NULL) /* a message that is not UTF-8: never expected, never fatal */
		obj = json_pack("{s:{s:s, s:s}}", "error", "codigo", codigo, "mensaje",
				"solicitud inválida");
	http_api_json(req, status, obj);
}

static void http_api_errorf(struct http_request *req, int status, const char *codigo,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void http_api_errorf(struct http_request *req, int status, const char *codigo,
			    const char *fmt, ...)
{
	char msg[HTTP_API_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_api_error(req, status, codigo, msg);
}

/* A failure inside the server: 503 with Retry-After when the database was locked, else
 * 500 with mensaje, and why in the log only (it may name files or SQL). */
static void http_api_fail(struct http_request *req, struct store *s, const char *why,
			  const char *mensaje)
{
	if (s != NULL && store_last_busy(s)) {
		req->retry_after = HTTP_API_RETRY_AFTER_S;
		http_api_error(req, 503, "base_ocupada",
			       "la base de datos está ocupada; reintente en un momento");
		return;
	}
	log_error(HTTP_API_MODULE, "%s %s: %s", req->method,
		  req->route >= 0 ? http_api_routes[req->route].pattern : HTTP_API_ROUTE_OTHER,
		  why);
	http_api_error(req, 500, "error_interno", mensaje);
}

/* A database failure: 503 with Retry-After when it was a lock timeout, else 500. */
static void http_api_store_error(struct http_request *req, struct store *s)
{
	http_api_fail(req, s, s != NULL ? store_errmsg(s) : "sin base de datos",
		      "error interno al acceder a la base de datos; vea el registro del servicio");
}

/* Another module's failure (its message why goes to the log): as http_api_store_error. */
static void http_api_internal_error(struct http_request *req, struct store *s, const char *why)
{
	http_api_fail(req, s, why, "error interno del servicio; vea el registro del servicio");
}

/* The error answer of an indicators.c / export.c result: its status and codigo with the
 * module's Spanish message; INDICATORS_INTERNAL as a server failure (503 when busy). */
static void http_api_indicators_error(struct http_request *req, struct store *s,
				      enum indicators_rc rc, const char *err)
{
	if (rc == INDICATORS_INTERNAL)
		http_api_internal_error(req, s, err);
	else
		http_api_error(req, indicators_http_status(rc), indicators_error_code(rc), err);
}

/* The error answer of a reconcile.c status; RECONCILE_ERROR as a server failure. */
static void http_api_reconcile_error(struct http_request *req, struct store *s,
				     enum reconcile_status st, const char *err)
{
	if (st == RECONCILE_ERROR)
		http_api_internal_error(req, s, err);
	else
		http_api_error(req, reconcile_status_http(st), reconcile_status_code(st), err);
}

/* Copies a client-supplied name into out for a message: short, and only when it is
 * printable UTF-8 (else "?"). Returns out. */
static const char *http_api_shown(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s);

	if (n > HTTP_API_NAME_SHOWN || !util_utf8_valid(s, n)) {
		strlcpy_s(out, "?", outlen);
		return out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			strlcpy_s(out, "?", outlen);
			return out;
		}
	}
	strlcpy_s(out, s, outlen);
	return out;
}

static json_t *http_api_text_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

/* ---- Answer cache: GET answers per thread, valid while the database's data version
 * (any connection's commit changes it) stays the same. */

/* The version the caches compare, once per request: this process's commit count (every
 * write of the API and of the poller moves it at once) plus the connection's data_version,
 * which sees other processes' commits (a `segcont user token` rotation, a `sync --once`)
 * and is re-read at most every HTTP_API_VERSION_TTL_MS, sparing a read transaction -- and
 * its file-lock system calls -- per request. Both only grow, so their sum changes when
 * either does. 0 or -1. */
static int http_api_version(struct http_request *req, struct store *s)
{
	long long now_ms = req->start_us / 1000;

	if (req->have_version)
		return 0;
	if (!req->th->dv_known || now_ms - req->th->dv_checked_ms >= HTTP_API_VERSION_TTL_MS) {
		if (store_data_version(s, &req->th->dv) < 0)
			return -1;
		req->th->dv_known = 1;
		req->th->dv_checked_ms = now_ms;
	}
	req->version = store_commits() + req->th->dv;
	req->have_version = 1;
	return 0;
}

/* Answers from the cache when key is there at the current version (returns 1); else
 * remembers key so that http_api_queue keeps the fresh answer (returns 0). */
static int http_api_cache_get(struct http_request *req, struct store *s, const char *key)
{
	if (!req->api->cache_enabled || http_api_version(req, s) < 0)
		return 0;
	for (int i = 0; i < HTTP_API_CACHE_ENTRIES; i++) {
		struct http_cache_entry *e = &req->th->cache[i];

		if (e->key == NULL || e->version != req->version || strcmp(e->key, key) != 0)
			continue;
		req->hit = e->resp;
		req->status = 200;
		return 1;
	}
	free(req->cache_key);
	req->cache_key = xstrdup(key);
	return 0;
}

/* Keeps resp (a 200 built at req->version) under req->cache_key. Returns 1 when the cache
 * took its own reference to resp. */
static int http_api_cache_put(struct http_request *req, struct MHD_Response *resp)
{
	struct http_cache_entry *e = NULL;

	if (req->cache_key == NULL || !req->have_version || req->status != 200 ||
	    req->out.len > HTTP_API_CACHE_BODY_MAX)
		return 0;
	for (int i = 0; i < HTTP_API_CACHE_ENTRIES && e == NULL; i++) {
		if (req->th->cache[i].key != NULL &&
		    strcmp(req->th->cache[i].key, req->cache_key) == 0)
			e = &req->th->cache[i];
	}
	if (e == NULL) {
		e = &req->th->cache[req->th->next];
		req->th->next = (req->th->next + 1) % HTTP_API_CACHE_ENTRIES;
		free(e->key);
		e->key = req->cache_key;
		req->cache_key = NULL;
	}
	if (e->resp != NULL)
		MHD_destroy_response(e->resp); /* drops the cache's reference only */
	e->resp = resp;
	e->version = req->version;
	return 1;
}

/* The list's total for the filters in key when known at the current version, else -1. */
static long long http_api_count_get(struct http_request *req, struct store *s, const char *key)
{
	if (!req->api->cache_enabled || http_api_version(req, s) < 0)
		return -1;
	for (int i = 0; i < HTTP_API_COUNT_CACHE; i++) {
		const struct http_count_entry *e = &req->th->counts[i];

		if (e->key != NULL && e->version == req->version && strcmp(e->key, key) == 0)
			return e->total;
	}
	return -1;
}

static void http_api_count_put(struct http_request *req, const char *key, long long total)
{
	struct http_count_entry *e = NULL;

	if (!req->api->cache_enabled || !req->have_version)
		return;
	for (int i = 0; i < HTTP_API_COUNT_CACHE && e == NULL; i++) {
		if (req->th->counts[i].key != NULL && strcmp(req->th->counts[i].key, key) == 0)
			e = &req->th->counts[i];
	}
	if (e == NULL) {
		e = &req->th->counts[req->th->next_count];
		req->th->next_count = (req->th->next_count + 1) % HTTP_API_COUNT_CACHE;
		free(e->key);
		e->key = xstrdup(key);
	}
	e->total = total;
	e->version = req->version;
}

/* ---- Query strings */

struct http_api_query {
	const char *const *allowed; /* NULL-terminated names */
	const char *values[HTTP_API_MAX_QUERY_ARGS];
	char bad[HTTP_API_MSG_LEN]; /* the first problem, or "" */
	struct buf canon;	    /* "k=v&..." in arrival order, for cache keys */
};

static enum MHD_Result http_api_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
					  const char *value)
{
	struct http_api_query *q = cls;
	char shown[HTTP_API_NAME_SHOWN + 1];
	int idx = -1;

	(void)kind;
	if (q->bad[0] != '\0')
		return MHD_YES;
	if (value == NULL)
		value = "";
	for (int i = 0; i < HTTP_API_MAX_QUERY_ARGS && q->allowed[i] != NULL; i++) {
		if (strcmp(q->allowed[i], key) == 0)
			idx = i;
	}
	if (idx < 0) {
		snprintf(q->bad, sizeof(q->bad), "parámetro desconocido «%s»",
			 http_api_shown(key, shown, sizeof(shown)));
		return MHD_YES;
	}
	if (q->values[idx] != NULL) {
		snprintf(q->bad, sizeof(q->bad), "el parámetro «%s» aparece más de una vez", key);
		return MHD_YES;
	}
	if (!util_utf8_valid(value, strlen(value))) {
		snprintf(q->bad, sizeof(q->bad), "el parámetro «%s» no es UTF-8 válido", key);
		return MHD_YES;
	}
	q->values[idx] = value;
	buf_printf(&q->canon, "%s=%s&", key, value);
	return MHD_YES;
}

/* Collects the query arguments named in allowed into q->values (NULL when absent, empty
 * values read as absent). Returns 0, or -1 after setting a 400 response. */
static int http_api_query(struct http_request *req, struct http_api_query *q,
			  const char *const *allowed)
{
	memset(q->values, 0, sizeof(q->values));
	q->allowed = allowed;
	q->bad[0] = '\0';
	buf_init(&q->canon);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, http_api_query_arg, q);
	if (q->bad[0] != '\0') {
		http_api_error(req, 400,
			       strstr(q->bad, "desconocido") != NULL ? "parametro_desconocido"
								     : "parametro_invalido",
			       q->bad);
		return -1;
	}
	for (int i = 0; i < HTTP_API_MAX_QUERY_ARGS; i++) {
		if (q->values[i] != NULL && q->values[i][0] == '\0')
			q->values[i] = NULL;
	}
	return 0;
}

/* Parses digits only (no sign, no spaces) into [min, max]. 0, or -1 when not digits, -2
 * when out of range. */
static int http_api_parse_digits(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return s != NULL && *s != '\0' && strspn(s, "0123456789") == strlen(s) ? -2 : -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -2;
	*out = v;
	return 0;
}

static int http_api_in(const char *v, const char *const *set)
{
	for (int i = 0; set[i] != NULL; i++) {
		if (strcmp(v, set[i]) == 0)
			return 1;
	}
	return 0;
}

/* ---- Domain values */

static const char *const http_api_estados[] = {"recibido",  "repartido", "en_revision", "devuelto",
					       "concluido", "anulado",	 NULL};
static const char *const http_api_tipos_tramite[] = {"contratacion_directa",
						     "proceso_seleccion",
						     "novedad_contractual",
						     "liquidacion_terminacion",
						     "otro",
						     NULL};
static const char *const http_api_modalidades[] = {"",
						   "licitacion_publica",
						   "seleccion_abreviada",
						   "concurso_meritos",
						   "contratacion_directa",
						   "minima_cuantia",
						   "acuerdo_marco",
						   "regimen_especial",
						   NULL};
static const char *const http_api_novedades[] = {
    "",		  "adicion",  "prorroga", "modificacion",
    "suspension", "reinicio", "cesion",	  "terminacion_anticipada",
    NULL};
static const char *const http_api_open_estados[] = {"repartido", "en_revision", "devuelto", NULL};

/* A state as written in messages. */
static const char *http_api_estado_label(const char *e)
{
	if (e == NULL)
		return "desconocido";
	if (strcmp(e, "en_revision") == 0)
		return "en revisión";
	return e;
}

/* A strict YYYY-MM-DD calendar date. */
static int http_api_valid_date(const char *s)
{
	int y;
	int m;
	int d;

	return s != NULL && calendar_parse_date(s, &y, &m, &d) == 0;
}

/* A filing number as it may appear in a path: 1..HTTP_API_NUMERO_MAX digits. */
static int http_api_valid_numero(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= HTTP_API_NUMERO_MAX && strspn(s, "0123456789") == n;
}

/* ---- JSON bodies */

enum http_api_type { HTTP_T_STRING, HTTP_T_INT, HTTP_T_BOOL };

struct http_api_body_field {
	const char *name;
	enum http_api_type type;
	int nullable;
};

static const char *http_api_type_name(enum http_api_type t)
{
	switch (t) {
	case HTTP_T_STRING:
		return "un texto";
	case HTTP_T_INT:
		return "un número entero";
	default:
		return "true o false";
	}
}

/* Parses the body as a JSON object. Returns it (the caller decrefs) or NULL after setting
 * the error response (400). */
static json_t *http_api_body_object(struct http_request *req)
{
	json_error_t jerr;
	json_t *obj;

	if (req->body.len == 0) {
		http_api_error(req, 400, "cuerpo_requerido",
			       "esta operación necesita un cuerpo JSON (un objeto)");
		return NULL;
	}
	if (!util_utf8_valid(req->body.data, req->body.len)) {
		http_api_error(req, 400, "utf8_invalido", "el cuerpo no es texto UTF-8 válido");
		return NULL;
	}
	obj = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		http_api_errorf(req, 400, "json_invalido",
				"el cuerpo no es JSON válido (línea %d, columna %d)", jerr.line,
				jerr.column);
		return NULL;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		http_api_error(req, 400, "json_invalido", "el cuerpo debe ser un objeto JSON");
		return NULL;
	}
	return obj;
}

/* Checks every member of obj against spec (n entries): unknown names and wrong types get
 * 400. Returns 0, or -1 after setting the response. */
static int http_api_body_check(struct http_request *req, json_t *obj,
			       const struct http_api_body_field *spec, size_t n)
{
	const char *key;
	json_t *val;
	char shown[HTTP_API_NAME_SHOWN + 1];

	json_object_foreach(obj, key, val)
	{
		const struct http_api_body_field *f = NULL;
		int ok;

		for (size_t i = 0; i < n && f == NULL; i++) {
			if (strcmp(spec[i].name, key) == 0)
				f = &spec[i];
		}
		if (f == NULL) {
			http_api_errorf(req, 400, "campo_desconocido", "campo desconocido «%s»",
					http_api_shown(key, shown, sizeof(shown)));
			return -1;
		}
		if (json_is_null(val))
			ok = f->nullable;
		else if (f->type == HTTP_T_STRING)
			ok = json_is_string(val);
		else if (f->type == HTTP_T_INT)
			ok = json_is_integer(val);
		else
			ok = json_is_boolean(val);
		if (!ok) {
			http_api_errorf(req, 400, "tipo_invalido", "«%s» debe ser %s%s", key,
					http_api_type_name(f->type), f->nullable ? " o null" : "");
			return -1;
		}
	}
	return 0;
}

/* ---- Authentication */

/* Looks the token hash up, first in the thread's cache (entries valid at the current data
 * version, so a rotated token or a deactivated user is refused at once). */
static enum auth_result http_api_auth_lookup(struct http_request *req, struct store *s,
					     const char *hash)
{
	struct http_auth_entry *e;
	enum auth_result r;

	if (http_api_version(req, s) < 0)
		return AUTH_ERROR;
	for (int i = 0; i < HTTP_API_AUTH_CACHE; i++) {
		e = &req->th->auth[i];
		if (e->version == req->version && e->hash[0] != '\0' &&
		    sodium_memcmp(e->hash, hash, AUTH_HASH_LEN) == 0) {
			req->user = e->user;
			req->role = e->role;
			return AUTH_OK;
		}
	}
	r = auth_lookup(s, hash, &req->user, &req->role);
	if (r != AUTH_OK)
		return r;
	e = &req->th->auth[req->th->next_auth];
	req->th->next_auth = (req->th->next_auth + 1) % HTTP_API_AUTH_CACHE;
	memcpy(e->hash, hash, sizeof(e->hash));
	e->user = req->user;
	e->role = req->role;
	e->version = req->version;
	return AUTH_OK;
}

/* Authenticates the caller and checks the route's roles. Returns 0, or -1 after setting
 * the response (401, 403, or 500/503 when the database fails). */
static int http_api_authorize(struct http_request *req, struct store *s, int roles)
{
	const char *hdr =
	    MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	char hash[AUTH_HASH_LEN + 1];
	enum auth_result r = auth_parse_header(hdr, hash);

	if (r == AUTH_OK)
		r = http_api_auth_lookup(req, s, hash);
	switch (r) {
	case AUTH_OK:
		break;
	case AUTH_MISSING:
		req->www_authenticate = "Bearer realm=\"segcont\"";
		http_api_error(req, 401, "no_autenticado",
			       "falta la cabecera Authorization: Bearer <token>");
		return -1;
	case AUTH_INVALID:
		req->www_authenticate = "Bearer realm=\"segcont\", error=\"invalid_token\"";
		http_api_error(req, 401, "token_invalido", "el token no es válido");
		return -1;
	case AUTH_INACTIVE:
		req->www_authenticate = "Bearer realm=\"segcont\", error=\"invalid_token\"";
		http_api_error(req, 401, "usuario_inactivo",
			       "el usuario de este token está inactivo");
		return -1;
	default:
		http_api_store_error(req, s);
		return -1;
	}
	if ((req->role & roles) == 0) {
		char need[96] = "";

		for (int b = AUTH_ROLE_DIRECTOR; b <= AUTH_ROLE_ADMIN; b <<= 1) {
			if ((roles & b) == 0)
				continue;
			if (need[0] != '\0')
				strlcpy_s(need + strlen(need), " o ", sizeof(need) - strlen(need));
			strlcpy_s(need + strlen(need), auth_role_name(b),
				  sizeof(need) - strlen(need));
		}
		http_api_errorf(req, 403, "rol_no_autorizado",
				"esta operación requiere el rol %s (su rol es %s)", need,
				auth_role_name(req->role));
		return -1;
	}
	return 0;
}

/* ---- GET /healthz */

static void http_api_healthz(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct sync_state st;
	json_t *sync;
	int degraded;

	if (s == NULL || store_sync_get(s, &st) < 0) {
		http_api_json(req, 503,
			      json_pack("{s:s, s:s, s:s}", "estado", "error", "base_de_datos",
					"inaccesible", "mensaje",
					"no se puede leer la base de datos de seguimiento"));
		return;
	}
	degraded = st.degraded_since[0] != '\0';
	sync = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "cursor",
			 http_api_text_or_null(st.cursor), "ultimo_intento",
			 http_api_text_or_null(st.last_attempt), "ultimo_exito",
			 http_api_text_or_null(st.last_success), "degradado_desde",
			 http_api_text_or_null(st.degraded_since), "ultimo_error",
			 http_api_text_or_null(st.last_error), "pasadas", (json_int_t)st.passes,
			 "fallos", (json_int_t)st.failures, "nuevos", (json_int_t)st.filings_new,
			 "cambiados", (json_int_t)st.filings_changed);
	if (req->api->poller != NULL) {
		struct sync_poller_stats ps;

		sync_poller_stats(req->api->poller, &ps);
		json_object_set_new(sync, "en_curso", json_boolean(ps.running));
		json_object_set_new(sync, "error_de_clave", json_boolean(ps.auth_error));
	}
	if (degraded) {
		char msg[256];

		snprintf(msg, sizeof(msg), "sincronización degradada desde %s", st.degraded_since);
		http_api_json(req, 503,
			      json_pack("{s:s, s:s, s:s, s:o}", "estado", "degradado", "mensaje",
					msg, "base_de_datos", "ok", "sync", sync));
		return;
	}
	http_api_json(
	    req, 200,
	    json_pack("{s:s, s:s, s:o}", "estado", "ok", "base_de_datos", "ok", "sync", sync));
}

/* ---- GET /metrics */

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS±HH:MM", or -1. */
static long long http_api_iso_epoch(const char *iso)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, oh, om;
	char sign;
	time_t t;

	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &y, &mo, &d, &h, &mi, &sec, &sign, &oh,
		   &om) != 9 ||
	    (sign != '+' && sign != '-'))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	return (long long)t - (sign == '-' ? -1 : 1) * (oh * 3600LL + om * 60LL);
}

struct http_api_count_ctx {
	long long n[sizeof(http_api_estados) / sizeof(http_api_estados[0])];
};

static int http_api_count_one(const char *estado, long long n, void *arg)
{
	struct http_api_count_ctx *c = arg;

	for (int i = 0; http_api_estados[i] != NULL; i++) {
		if (strcmp(http_api_estados[i], estado) == 0)
			c->n[i] = n;
	}
	return 0;
}

/* The reconciliation's part of /metrics: open discrepancies per tipo (from the database)
 * and, inside `serve`, the daily runs. Returns 0, or -1 after setting the error response. */
static int http_api_metrics_reconcile(struct http_request *req, struct store *s)
{
	struct buf *o = &req->out;
	char err[RECONCILE_ERR_LEN];
	json_t *j = NULL;
	json_t *por_tipo;
	enum reconcile_status st =
	    reconcile_list_json(s, "abierta", NULL, 1, 1, &j, err, sizeof(err));

	if (st != RECONCILE_OK) {
		http_api_reconcile_error(req, s, st, err);
		return -1;
	}
	por_tipo = json_object_get(j, "por_tipo");
	buf_puts(o, "# HELP segcont_discrepancias_abiertas Discrepancias abiertas por tipo.\n"
		    "# TYPE segcont_discrepancias_abiertas gauge\n");
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		const char *name = reconcile_kind_name((enum reconcile_kind)k);

		buf_printf(o, "segcont_discrepancias_abiertas{tipo=\"%s\"} %lld\n", name,
			   (long long)json_integer_value(json_object_get(por_tipo, name)));
	}
	json_decref(j);
	if (req->api->reconciler != NULL) {
		struct reconcile_scheduler_stats rs;

		reconcile_scheduler_stats(req->api->reconciler, &rs);
		buf_printf(o,
			   "# HELP segcont_reconcile_runs_total Conciliaciones diarias (completas "
			   "o no).\n"
			   "# TYPE segcont_reconcile_runs_total counter\n"
			   "segcont_reconcile_runs_total %ld\n"
			   "# HELP segcont_reconcile_failures_total Conciliaciones fallidas.\n"
			   "# TYPE segcont_reconcile_failures_total counter\n"
			   "segcont_reconcile_failures_total %ld\n"
			   "# HELP segcont_reconcile_running 1 mientras corre una conciliación.\n"
			   "# TYPE segcont_reconcile_running gauge\n"
			   "segcont_reconcile_running %d\n",
			   rs.runs, rs.runs_failed, rs.running);
	}
	return 0;
}

static void http_api_metrics(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_api_count_ctx counts;
	struct sync_state st;
	struct buf *o = &req->out;
	long long last;

	memset(&counts, 0, sizeof(counts));
	if (s == NULL || store_count_by_estado(s, http_api_count_one, &counts) < 0 ||
	    store_sync_get(s, &st) < 0) {
		http_api_store_error(req, s);
		return;
	}
	buf_reset(o);
	buf_puts(o, "# HELP segcont_radicados Radicados por estado del seguimiento.\n"
		    "# TYPE segcont_radicados gauge\n");
	for (int i = 0; http_api_estados[i] != NULL; i++)
		buf_printf(o, "segcont_radicados{estado=\"%s\"} %lld\n", http_api_estados[i],
			   counts.n[i]);
	buf_printf(o,
		   "# HELP segcont_sync_passes_total Pasadas de sincronización (completas o no).\n"
		   "# TYPE segcont_sync_passes_total counter\n"
		   "segcont_sync_passes_total %ld\n"
		   "# HELP segcont_sync_failures_total Pasadas de sincronización fallidas.\n"
		   "# TYPE segcont_sync_failures_total counter\n"
		   "segcont_sync_failures_total %ld\n"
		   "# HELP segcont_sync_filings_total Radicados nuevos y cambiados vistos.\n"
		   "# TYPE segcont_sync_filings_total counter\n"
		   "segcont_sync_filings_total{kind=\"new\"} %ld\n"
		   "segcont_sync_filings_total{kind=\"changed\"} %ld\n",
		   st.passes + st.failures, st.failures, st.filings_new, st.filings_changed);
	last = st.last_success[0] != '\0' ? http_api_iso_epoch(st.last_success) : -1;
	buf_printf(o,
		   "# HELP segcont_sync_last_success_timestamp_seconds Última pasada completa.\n"
		   "# TYPE segcont_sync_last_success_timestamp_seconds gauge\n"
		   "segcont_sync_last_success_timestamp_seconds %lld\n"
		   "# HELP segcont_sync_degraded 1 cuando la sincronización está degradada.\n"
		   "# TYPE segcont_sync_degraded gauge\n"
		   "segcont_sync_degraded %d\n",
		   last > 0 ? last : 0, st.degraded_since[0] != '\0');
	if (req->api->poller != NULL) {
		struct sync_poller_stats ps;

		sync_poller_stats(req->api->poller, &ps);
		buf_printf(o,
			   "# HELP segcont_sync_running 1 mientras corre una pasada.\n"
			   "# TYPE segcont_sync_running gauge\n"
			   "segcont_sync_running %d\n",
			   ps.running);
	}
	if (http_api_metrics_reconcile(req, s) < 0)
		return;
	buf_puts(o, "# HELP segcont_http_requests_total Solicitudes HTTP por ruta y estado.\n"
		    "# TYPE segcont_http_requests_total counter\n");
	for (size_t r = 0; r <= http_api_nroutes; r++) {
		const char *pat =
		    r < http_api_nroutes ? http_api_routes[r].pattern : HTTP_API_ROUTE_OTHER;
		const char *meth = r < http_api_nroutes ? http_api_routes[r].method : "";

		for (size_t k = 0; k < HTTP_API_NSTATUS; k++) {
			unsigned long n = atomic_load(&req->api->metrics[r].status[k]);
			char code[8];

			if (n == 0)
				continue;
			if (k < HTTP_API_NSTATUS - 1)
				snprintf(code, sizeof(code), "%d", http_api_statuses[k]);
			else
				strlcpy_s(code, "otro", sizeof(code));
			buf_printf(o,
				   "segcont_http_requests_total{route=\"%s\",method=\"%s\","
				   "status=\"%s\"} %lu\n",
				   pat, meth, code, n);
		}
	}
	buf_puts(o, "# HELP segcont_http_request_duration_seconds Duración de las solicitudes.\n"
		    "# TYPE segcont_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= http_api_nroutes; r++) {
		const char *pat =
		    r < http_api_nroutes ? http_api_routes[r].pattern : HTTP_API_ROUTE_OTHER;
		const char *meth = r < http_api_nroutes ? http_api_routes[r].method : "";
		unsigned long cum = 0;

		for (size_t b = 0; b < HTTP_API_NBUCKETS; b++) {
			cum += atomic_load(&req->api->metrics[r].bucket[b]);
			if (b < HTTP_API_NBUCKETS - 1)
				buf_printf(
				    o,
				    "segcont_http_request_duration_seconds_bucket{route=\"%s\","
				    "method=\"%s\",le=\"%g\"} %lu\n",
				    pat, meth, http_api_buckets_us[b] / 1e6, cum);
			else
				buf_printf(
				    o,
				    "segcont_http_request_duration_seconds_bucket{route=\"%s\","
				    "method=\"%s\",le=\"+Inf\"} %lu\n",
				    pat, meth, cum);
		}
		buf_printf(
		    o,
		    "segcont_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} "
		    "%.6f\n"
		    "segcont_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} "
		    "%lu\n",
		    pat, meth, atomic_load(&req->api->metrics[r].sum_us) / 1e6, pat, meth, cum);
	}
	req->status = 200;
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

/* Records a finished request in the route's counters and latency histogram. */
static void http_api_metrics_note(struct http_api *api, int route, int status, long long us)
{
	struct http_api_route_metrics *m =
	    &api->metrics[route >= 0 ? (size_t)route : http_api_nroutes];
	size_t k = HTTP_API_NSTATUS - 1;
	size_t b = HTTP_API_NBUCKETS - 1;

	for (size_t i = 0; i < HTTP_API_NSTATUS - 1; i++) {
		if (http_api_statuses[i] == status)
			k = i;
	}
	for (size_t i = 0; i < HTTP_API_NBUCKETS - 1; i++) {
		if (us <= http_api_buckets_us[i]) {
			b = i;
			break;
		}
	}
	atomic_fetch_add(&m->status[k], 1);
	atomic_fetch_add(&m->bucket[b], 1);
	atomic_fetch_add(&m->sum_us, (unsigned long long)(us > 0 ? us : 0));
}

/* ---- vencidos=1: the open filings whose SLA clock (indicators.c: business days from the
 * reparto, paused while returned to the area) is past its [sla] target. */

/* ---- GET /api/radicados */

enum {
	HTTP_Q_ESTADO,
	HTTP_Q_ABOGADO,
	HTTP_Q_TIPO,
	HTTP_Q_DESDE,
	HTTP_Q_HASTA,
	HTTP_Q_Q,
	HTTP_Q_VENCIDOS,
	HTTP_Q_ORDEN,
	HTTP_Q_PAGINA,
	HTTP_Q_POR_PAGINA
};
static const char *const http_api_list_args[] = {
    "estado",	"abogado_id", "tipo_tramite", "desde",	    "hasta", "q",
    "vencidos", "orden",      "pagina",	      "por_pagina", NULL};

/* Reads a positive count argument. Returns 0, or -1 after setting 400/422. */
static int http_api_count_arg(struct http_request *req, const char *name, const char *v,
			      long long max, long long *out)
{
	int rc;

	if (v == NULL)
		return 0;
	rc = http_api_parse_digits(v, 1, max, out);
	if (rc == -1) {
		http_api_errorf(req, 400, "parametro_invalido", "«%s» debe ser un número entero",
				name);
		return -1;
	}
	if (rc == -2) {
		http_api_errorf(req, 422, "valor_invalido", "«%s» debe estar entre 1 y %lld", name,
				max);
		return -1;
	}
	return 0;
}

/* Validates the list's arguments into lq. Returns 0, or -1 after setting the response. */
static int http_api_list_parse(struct http_request *req, const struct http_api_query *qa,
			       struct store_list_query *lq, char hasta_excl[11], long long *pagina)
{
	const char *const *v = qa->values;
	long long n;
	size_t words = 0;

	memset(lq, 0, sizeof(*lq));
	lq->orden = STORE_ORDER_FECHA_DESC;
	lq->limit = HTTP_API_PAGE_SIZE_DEFAULT;
	*pagina = 1;
	if (v[HTTP_Q_ESTADO] != NULL && !http_api_in(v[HTTP_Q_ESTADO], http_api_estados)) {
		http_api_error(req, 422, "valor_invalido",
			       "«estado» debe ser recibido, repartido, en_revision, devuelto, "
			       "concluido o anulado");
		return -1;
	}
	lq->estado = v[HTTP_Q_ESTADO];
	if (v[HTTP_Q_ABOGADO] != NULL) {
		if (http_api_parse_digits(v[HTTP_Q_ABOGADO], 1, HTTP_API_INT_MAX, &n) < 0) {
			http_api_error(req, 400, "parametro_invalido",
				       "«abogado_id» debe ser un número de usuario");
			return -1;
		}
		lq->abogado_id = n;
	}
	if (v[HTTP_Q_TIPO] != NULL && !http_api_in(v[HTTP_Q_TIPO], http_api_tipos_tramite)) {
		http_api_error(req, 422, "valor_invalido",
			       "«tipo_tramite» debe ser contratacion_directa, proceso_seleccion, "
			       "novedad_contractual, liquidacion_terminacion u otro");
		return -1;
	}
	lq->tipo_tramite = v[HTTP_Q_TIPO];
	for (int i = HTTP_Q_DESDE; i <= HTTP_Q_HASTA; i++) {
		if (v[i] != NULL && !http_api_valid_date(v[i])) {
			http_api_errorf(req, 422, "fecha_invalida",
					"«%s» debe ser una fecha real AAAA-MM-DD",
					http_api_list_args[i]);
			return -1;
		}
	}
	if (v[HTTP_Q_DESDE] != NULL && v[HTTP_Q_HASTA] != NULL &&
	    strcmp(v[HTTP_Q_DESDE], v[HTTP_Q_HASTA]) > 0) {
		http_api_error(req, 422, "fecha_invalida", "«desde» es posterior a «hasta»");
		return -1;
	}
	lq->desde = v[HTTP_Q_DESDE];
	if (v[HTTP_Q_HASTA] != NULL) {
		if (util_date_add(v[HTTP_Q_HASTA], 1, hasta_excl) < 0) {
			http_api_error(req, 422, "fecha_invalida", "«hasta» está fuera de rango");
			return -1;
		}
		lq->hasta_excl = hasta_excl;
	}
	if (v[HTTP_Q_Q] != NULL) {
		const char *p = v[HTTP_Q_Q];

		while (*p != '\0') {
			p += strspn(p, " \t\r\n");
			if (*p == '\0')
				break;
			words++;
			p += strcspn(p, " \t\r\n");
		}
		if (strlen(v[HTTP_Q_Q]) > HTTP_API_Q_MAX || words > STORE_LIST_MAX_TERMS) {
			http_api_errorf(req, 422, "valor_invalido",
					"«q» admite hasta %d bytes y %d palabras", HTTP_API_Q_MAX,
					STORE_LIST_MAX_TERMS);
			return -1;
		}
		lq->q = words > 0 ? v[HTTP_Q_Q] : NULL;
	}
	if (v[HTTP_Q_VENCIDOS] != NULL && strcmp(v[HTTP_Q_VENCIDOS], "1") != 0 &&
	    strcmp(v[HTTP_Q_VENCIDOS], "0") != 0) {
		http_api_error(req, 400, "parametro_invalido", "«vencidos» debe ser 1 o 0");
		return -1;
	}
	if (v[HTTP_Q_ORDEN] != NULL) {
		int o = store_list_order_parse(v[HTTP_Q_ORDEN]);

		if (o < 0) {
			http_api_error(req, 422, "valor_invalido",
				       "«orden» debe ser fecha, -fecha, numero, -numero, estado, "
				       "-estado, tipo_tramite, -tipo_tramite, fecha_reparto o "
				       "-fecha_reparto");
			return -1;
		}
		lq->orden = (enum store_list_order)o;
	}
	if (http_api_count_arg(req, "pagina", v[HTTP_Q_PAGINA], HTTP_API_PAGE_MAX, pagina) < 0)
		return -1;
	n = lq->limit;
	if (http_api_count_arg(req, "por_pagina", v[HTTP_Q_POR_PAGINA], HTTP_API_PAGE_SIZE_MAX,
			       &n) < 0)
		return -1;
	lq->limit = (long)n;
	lq->offset = (long)((*pagina - 1) * n);
	return 0;
}

/* Rewrites rows (the JSON array of a list page) into out with each row's "sla" block
 * (indicators_sla_for at now, one read per row: a page holds at most
 * HTTP_API_PAGE_SIZE_MAX rows). Returns 0, or -1 after setting the error response. */
static int http_api_rows_sla(struct http_request *req, struct store *s, const struct buf *rows,
			     const char *now, struct buf *out)
{
	json_t *arr =
	    rows->len > 0 ? json_loadb(rows->data, rows->len, JSON_ALLOW_NUL, NULL) : json_array();
	json_t *row;
	size_t i;
	char err[INDICATORS_ERR_LEN];
	char *text;

	if (!json_is_array(arr)) {
		json_decref(arr);
		http_api_internal_error(req, s, "la página del listado no es un arreglo JSON");
		return -1;
	}
	json_array_foreach(arr, i, row)
	{
		const char *numero = json_string_value(json_object_get(row, "numero"));
		json_t *sla = NULL;
		enum indicators_rc rc = INDICATORS_NOT_FOUND;

		if (numero != NULL)
			rc = indicators_sla_for(s, req->api->cfg, req->api->calendar, numero, now,
						&sla, err, sizeof(err));
		if (rc != INDICATORS_OK && rc != INDICATORS_NOT_FOUND) {
			json_decref(arr);
			http_api_internal_error(req, s, err);
			return -1;
		}
		json_object_set_new(row, "sla", sla != NULL ? sla : json_null());
	}
	text = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(arr);
	buf_puts(out, text != NULL ? text : "[]");
	free(text);
	return 0;
}

static void http_api_list(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_api_query qa;
	struct store_list_query lq;
	struct buf ids;
	char today[CALENDAR_DATE_LEN];
	char hasta_excl[11];
	long long pagina;
	long long total;
	struct buf key;
	struct buf ckey;
	struct buf rows;
	struct buf with_sla;
	char now[UTIL_ISO_LEN];
	int vencidos;

	buf_init(&key);
	buf_init(&ckey);
	buf_init(&rows);
	buf_init(&with_sla);
	buf_init(&ids);
	buf_init(&qa.canon);
	if (http_api_query(req, &qa, http_api_list_args) < 0)
		goto done;
	if (http_api_list_parse(req, &qa, &lq, hasta_excl, &pagina) < 0)
		goto done;
	vencidos =
	    qa.values[HTTP_Q_VENCIDOS] != NULL && strcmp(qa.values[HTTP_Q_VENCIDOS], "1") == 0;
	util_today(today);
	/* Each row's SLA clock, and the overdue set, depend on the day as well as on the
	 * data (the clock counts business days; the time of day does not matter). */
	buf_printf(&key, "L?%s#%s", qa.canon.data != NULL ? qa.canon.data : "", today);
	if (http_api_cache_get(req, s, key.data))
		goto done;
	if (vencidos) {
		char err[HTTP_API_MSG_LEN];

		if (indicators_overdue_ids(s, req->api->cfg, req->api->calendar, NULL, &ids, err,
					   sizeof(err)) != INDICATORS_OK) {
			log_error(HTTP_API_MODULE, "vencidos: %s", err);
			http_api_store_error(req, s);
			goto done;
		}
		lq.ids_json = ids.data;
	}
	buf_printf(&ckey, "%s|%lld|%s|%s|%s|%s|%s", lq.estado ? lq.estado : "", lq.abogado_id,
		   lq.tipo_tramite ? lq.tipo_tramite : "", lq.desde ? lq.desde : "",
		   lq.hasta_excl ? lq.hasta_excl : "", lq.q ? lq.q : "", vencidos ? today : "");
	lq.total_known = http_api_count_get(req, s, ckey.data);
	if (store_list_json(s, &lq, &total, &rows) < 0) {
		http_api_store_error(req, s);
		goto done;
	}
	http_api_count_put(req, ckey.data, total);
	util_now_iso(now);
	if (http_api_rows_sla(req, s, &rows, now, &with_sla) < 0)
		goto done;
	buf_reset(&req->out);
	buf_printf(&req->out,
		   "{\"total\":%lld,\"pagina\":%lld,\"por_pagina\":%ld,\"radicados\":", total,
		   pagina, lq.limit);
	buf_append(&req->out, with_sla.data, with_sla.len);
	buf_puts(&req->out, "}");
	req->status = 200;
	req->content_type = HTTP_API_JSON_TYPE;
done:
	buf_free(&qa.canon);
	buf_free(&ids);
	buf_free(&with_sla);
	buf_free(&rows);
	buf_free(&ckey);
	buf_free(&key);
}

/* ---- GET /api/radicados/{numero} */

/* Adds the top-level "sla" member (indicators_sla_json of the filing now) to the filing
 * object that req->out holds. Returns 0, or -1 after setting the error response. */
static int http_api_filing_sla(struct http_request *req, struct store *s, const char *numero)
{
	json_t *sla = NULL;
	char err[INDICATORS_ERR_LEN];
	enum indicators_rc rc = indicators_sla_for(s, req->api->cfg, req->api->calendar, numero,
						   NULL, &sla, err, sizeof(err));
	char *text;

	if (rc == INDICATORS_NOT_FOUND) { /* cannot happen: the filing was just read */
		sla = json_null();
	} else if (rc != INDICATORS_OK) {
		http_api_internal_error(req, s, err);
		return -1;
	}
	while (req->out.len > 0 &&
	       (req->out.data[req->out.len - 1] == '\n' || req->out.data[req->out.len - 1] == ' '))
		req->out.len--;
	if (req->out.len < 2 || req->out.data[req->out.len - 1] != '}') {
		json_decref(sla);
		http_api_internal_error(req, s, "la ficha del radicado no es un objeto JSON");
		return -1;
	}
	text = json_dumps(sla, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	json_decref(sla);
	req->out.len--; /* the closing brace */
	req->out.data[req->out.len] = '\0';
	buf_puts(&req->out, ",\"sla\":");
	buf_puts(&req->out, text != NULL ? text : "null");
	buf_puts(&req->out, "}");
	free(text);
	return 0;
}

/* Sets the 200/201 answer of a filing (as GET shows it, with its "sla" block). */
static void http_api_filing_answer(struct http_request *req, struct store *s, const char *numero,
				   int status)
{
	int found;

	buf_reset(&req->out);
	found = store_filing_json(s, numero, &req->out);
	if (found < 0) {
		http_api_store_error(req, s);
		return;
	}
	if (found == 0) {
		http_api_errorf(req, 404, "radicado_no_encontrado", "no existe el radicado %s",
				numero);
		return;
	}
	if (http_api_filing_sla(req, s, numero) < 0)
		return;
	req->status = status;
	req->content_type = HTTP_API_JSON_TYPE;
}

static int http_api_numero_ok(struct http_request *req)
{
	if (http_api_valid_numero(req->params[0]))
		return 1;
	http_api_error(req, 404, "radicado_no_encontrado",
		       "número de radicado inválido: solo dígitos, hasta 32");
	return 0;
}

static void http_api_get(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_api_query qa;
	static const char *const none[] = {NULL};
	char key[HTTP_API_PARAM_LEN + CALENDAR_DATE_LEN + 4];
	char today[CALENDAR_DATE_LEN];

	if (http_api_query(req, &qa, none) < 0) {
		buf_free(&qa.canon);
		return;
	}
	buf_free(&qa.canon);
	if (!http_api_numero_ok(req))
		return;
	/* The "sla" block depends on the day as well as on the data. */
	util_today(today);
	snprintf(key, sizeof(key), "D/%s#%s", req->params[0], today);
	if (http_api_cache_get(req, s, key))
		return;
	http_api_filing_answer(req, s, req->params[0], 200);
}

/* ---- Writes: one short BEGIN IMMEDIATE transaction each */

/* Starts the write transaction and loads the follow-up of the path's filing into old.
 * Returns 0, or -1 after setting the response (nothing left open). */
static int http_api_write_begin(struct http_request *req, struct store *s, struct follow_up *old)
{
	int found;

	if (store_begin(s) < 0) {
		http_api_store_error(req, s);
		return -1;
	}
	found = store_follow_up_get(s, req->params[0], old);
	if (found <= 0) {
		if (found < 0)
			http_api_store_error(req, s);
		else
			http_api_errorf(req, 404, "radicado_no_encontrado",
					"no existe el radicado %s", req->params[0]);
		store_rollback(s);
		return -1;
	}
	return 0;
}

/* Ends the write: the answer (the filing as this write left it, read inside the same
 * transaction so that no later write shows in it), then COMMIT. On failure rolls back. */
static void http_api_write_end(struct http_request *req, struct store *s, int status)
{
	http_api_filing_answer(req, s, req->params[0], status);
	if (req->status != status) {
		store_rollback(s);
		return;
	}
	if (store_commit(s) < 0) {
		http_api_store_error(req, s);
		store_rollback(s);
	}
}

static int http_api_is_annulled(const struct follow_up *fu)
{
	return strcmp(fu->estado_ds, "anulado") == 0 ||
	       (fu->v[STORE_FU_ESTADO] != NULL && strcmp(fu->v[STORE_FU_ESTADO], "anulado") == 0);
}

/* 1 when the caller is the lawyer assigned to fu. */
static int http_api_is_assigned(const struct http_request *req, const struct follow_up *fu)
{
	long long id;

	return fu->v[STORE_FU_ABOGADO_ID] != NULL &&
	       http_api_parse_digits(fu->v[STORE_FU_ABOGADO_ID], 1, HTTP_API_INT_MAX, &id) == 0 &&
	       id == req->user.id;
}

/* A lawyer may only touch filings assigned to them. 0, or -1 after setting 403. */
static int http_api_check_assigned(struct http_request *req, const struct follow_up *fu)
{
	if (req->role != AUTH_ROLE_ABOGADO || http_api_is_assigned(req, fu))
		return 0;
	http_api_errorf(req, 403, "no_asignado",
			"el radicado %s no está asignado a usted: solo el abogado asignado o el "
			"Director pueden modificarlo",
			req->params[0]);
	return -1;
}

/* Checks an optional "version" member against fu. 0, or -1 after setting 409. */
static int http_api_check_version(struct http_request *req, json_t *version,
				  const struct follow_up *fu)
{
	char v[24];

	if (version == NULL)
		return 0;
	snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(version));
	if (fu->v[STORE_FU_VERSION] != NULL && strcmp(v, fu->v[STORE_FU_VERSION]) == 0)
		return 0;
	http_api_errorf(req, 409, "version_obsoleta",
			"el radicado %s cambió (versión actual %s, usted leyó la %s): vuelva a "
			"leerlo y repita el cambio",
			req->params[0], fu->v[STORE_FU_VERSION] ? fu->v[STORE_FU_VERSION] : "?", v);
	return -1;
}

static int http_api_check_version_value(struct http_request *req, json_t *version)
{
	if (version == NULL || json_integer_value(version) >= 1)
		return 0;
	http_api_error(req, 422, "valor_invalido", "«version» debe ser un entero positivo");
	return -1;
}

/* Writes cur over old with its audit rows; 0, or -1 after setting the response. */
static int http_api_write_follow_up(struct http_request *req, struct store *s,
				    const struct follow_up *old, const struct follow_up *cur,
				    const char *now)
{
	int nchanged;
	int rc = store_follow_up_write(s, old, cur, req->user.id, now, &nchanged);

	if (rc < 0) {
		http_api_store_error(req, s);
		return -1;
	}
	if (rc == 1) {
		http_api_errorf(req, 409, "version_obsoleta",
				"el radicado %s cambió: vuelva a leerlo", req->params[0]);
		return -1;
	}
	return 0;
}

/* ---- PATCH /api/radicados/{numero} */

/* The follow-up fields PATCH accepts; the workflow fields (estado, abogado_id,
 * fecha_reparto, concluido_*, fecha_conclusion, devoluciones) change only through reparto
 * and gestiones. apoyo: the support staff may set it (contract and legalization data). */
struct http_api_patch_field {
	enum store_fu_field field;
	enum http_api_type type;
	int apoyo;
	size_t max_len;
	const char *const *values; /* allowed values (NULL-terminated) or NULL */
	int date;
};

static const struct http_api_patch_field http_api_patch_fields[] = {
    {STORE_FU_TIPO_TRAMITE, HTTP_T_STRING, 0, 0, http_api_tipos_tramite, 0},
    {STORE_FU_MODALIDAD, HTTP_T_STRING, 0, 0, http_api_modalidades, 0},
    {STORE_FU_NOVEDAD, HTTP_T_STRING, 0, 0, http_api_novedades, 0},
    {STORE_FU_TIPO_GESTION, HTTP_T_STRING, 0, 200, NULL, 0},
    {STORE_FU_OBSERVACIONES, HTTP_T_STRING, 0, HTTP_API_TEXT_MAX, NULL, 0},
    {STORE_FU_NUMERO_CONTRATO, HTTP_T_STRING, 1, 100, NULL, 0},
    {STORE_FU_CONTRATISTA, HTTP_T_STRING, 1, 300, NULL, 0},
    {STORE_FU_OBJETO, HTTP_T_STRING, 1, 2000, NULL, 0},
    {STORE_FU_VALOR, HTTP_T_INT, 1, 0, NULL, 0},
    {STORE_FU_FECHA_SUSCRIPCION, HTTP_T_STRING, 1, 0, NULL, 1},
    {STORE_FU_FECHA_RP, HTTP_T_STRING, 1, 0, NULL, 1},
    {STORE_FU_FECHA_APROBACION_GARANTIAS, HTTP_T_STRING, 1, 0, NULL, 1},
    {STORE_FU_FECHA_ARL, HTTP_T_STRING, 1, 0, NULL, 1},
    {STORE_FU_FECHA_ACTA_INICIO, HTTP_T_STRING, 1, 0, NULL, 1},
    {STORE_FU_PUBLICADO_SECOP, HTTP_T_BOOL, 1, 0, NULL, 0},
    {STORE_FU_LINEA_PAA, HTTP_T_STRING, 1, 100, NULL, 0},
};
#define HTTP_API_NPATCH (sizeof(http_api_patch_fields) / sizeof(http_api_patch_fields[0]))

/* Names a client may know but not PATCH: the workflow's and the document system's. */
static const char *const http_api_not_editable[] = {"estado",
						    "abogado_id",
						    "fecha_reparto",
						    "concluido_satisfactorio",
						    "fecha_conclusion",
						    "devoluciones",
						    "creado",
						    "actualizado",
						    "numero",
						    "tipo_radicado",
						    "fecha_radicacion",
						    "asunto",
						    "folios",
						    "ruta",
						    "dependencia_origen",
						    "dependencia_origen_nombre",
						    "dependencia_actual",
						    "remitente",
						    "tipo_documental",
						    "estado_ds",
						    NULL};

static const struct http_api_patch_field *http_api_patch_field(const char *name)
{
	for (size_t i = 0; i < HTTP_API_NPATCH; i++) {
		if (strcmp(store_fu_name(http_api_patch_fields[i].field), name) == 0)
			return &http_api_patch_fields[i];
	}
	return NULL;
}

/* The stored text of a JSON value for field f (NULL for null, "" for a null text). */
static void http_api_patch_value(const struct http_api_patch_field *f, json_t *val, char *num,
				 size_t numlen, const char **out)
{
	if (json_is_null(val)) {
		*out = store_fu_kind(f->field) == STORE_FU_KIND_TEXT ? "" : NULL;
	} else if (f->type == HTTP_T_INT) {
		snprintf(num, numlen, "%lld", (long long)json_integer_value(val));
		*out = num;
	} else if (f->type == HTTP_T_BOOL) {
		*out = json_is_true(val) ? "1" : "0";
	} else {
		*out = json_string_value(val);
	}
}

/* Validates the PATCH body: 400 for shape, 403 for the apoyo role's fields, 422 for values.
 * Returns 0, or -1 after setting the response. */
static int http_api_patch_check(struct http_request *req, json_t *body, json_t **version)
{
	const char *key;
	json_t *val;
	char shown[HTTP_API_NAME_SHOWN + 1];
	int nfields = 0;

	*version = NULL;
	json_object_foreach(body, key, val)
	{
		const struct http_api_patch_field *f;
		int ok;

		if (strcmp(key, "version") == 0) {
			if (!json_is_integer(val)) {
				http_api_error(req, 400, "tipo_invalido",
					       "«version» debe ser un número entero");
				return -1;
			}
			*version = val;
			continue;
		}
		f = http_api_patch_field(key);
		if (f == NULL) {
			if (http_api_in(key, http_api_not_editable))
				http_api_errorf(
				    req, 400, "campo_no_editable",
				    "«%s» no se cambia con PATCH: el estado y el abogado "
				    "cambian con /reparto y /gestiones; los datos del "
				    "radicado vienen del sistema de gestión documental",
				    key);
			else
				http_api_errorf(req, 400, "campo_desconocido",
						"campo desconocido «%s»",
						http_api_shown(key, shown, sizeof(shown)));
			return -1;
		}
		if (json_is_null(val))
			ok = f->type != HTTP_T_BOOL;
		else if (f->type == HTTP_T_STRING)
			ok = json_is_string(val);
		else if (f->type == HTTP_T_INT)
			ok = json_is_integer(val);
		else
			ok = json_is_boolean(val);
		if (!ok) {
			http_api_errorf(req, 400, "tipo_invalido", "«%s» debe ser %s%s", key,
					http_api_type_name(f->type),
					f->type != HTTP_T_BOOL ? " o null" : "");
			return -1;
		}
		nfields++;
	}
	if (*version == NULL) {
		http_api_error(req, 400, "campo_requerido",
			       "falta «version»: la versión del seguimiento que usted leyó");
		return -1;
	}
	if (nfields == 0) {
		http_api_error(req, 400, "cuerpo_sin_campos", "no hay campos que cambiar");
		return -1;
	}
	json_object_foreach(body, key, val)
	{
		const struct http_api_patch_field *f = http_api_patch_field(key);
		const char *s;

		if (f == NULL)
			continue;
		if (req->role == AUTH_ROLE_APOYO && !f->apoyo) {
			http_api_errorf(req, 403, "rol_no_autorizado",
					"el rol apoyo solo registra datos del contrato y de "
					"legalización; «%s» no es uno de ellos",
					key);
			return -1;
		}
		if (json_is_null(val)) {
			if (f->field == STORE_FU_TIPO_TRAMITE) {
				http_api_error(req, 422, "valor_invalido",
					       "«tipo_tramite» no puede quedar vacío");
				return -1;
			}
			continue;
		}
		if (f->type == HTTP_T_INT && json_integer_value(val) < 0) {
			http_api_errorf(req, 422, "valor_invalido", "«%s» no puede ser negativo",
					key);
			return -1;
		}
		if (f->type == HTTP_T_INT && json_integer_value(val) > HTTP_API_INT_MAX) {
			http_api_errorf(req, 422, "valor_invalido", "«%s» es demasiado grande",
					key);
			return -1;
		}
		if (f->type != HTTP_T_STRING)
			continue;
		s = json_string_value(val);
		if (f->date && !http_api_valid_date(s)) {
			http_api_errorf(req, 422, "fecha_invalida",
					"«%s» debe ser una fecha real AAAA-MM-DD (o null)", key);
			return -1;
		}
		if (f->values != NULL && !http_api_in(s, f->values)) {
			http_api_errorf(req, 422, "valor_invalido",
					"valor no admitido para «%s»; vea docs/openapi.yaml", key);
			return -1;
		}
		if (f->max_len > 0 && json_string_length(val) > f->max_len) {
			http_api_errorf(req, 422, "valor_invalido", "«%s» admite hasta %zu bytes",
					key, f->max_len);
			return -1;
		}
	}
	return http_api_check_version_value(req, *version);
}

static void http_api_patch(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct follow_up old;
	struct follow_up cur;
	json_t *body = NULL;
	json_t *version;
	const char *key;
	json_t *val;
	char now[UTIL_ISO_LEN];
	int changed = 0;

	follow_up_init(&old);
	follow_up_init(&cur);
	if (!http_api_numero_ok(req))
		return;
	body = http_api_body_object(req);
	if (body == NULL)
		return;
	if (http_api_patch_check(req, body, &version) < 0)
		goto done;
	if (s == NULL) {
		http_api_store_error(req, s);
		goto done;
	}
	if (http_api_write_begin(req, s, &old) < 0)
		goto done;
	if (http_api_check_assigned(req, &old) < 0)
		goto rollback;
	if (http_api_is_annulled(&old)) {
		http_api_errorf(req, 422, "transicion_invalida",
				"no se puede modificar el radicado %s: está anulado",
				req->params[0]);
		goto rollback;
	}
	if (http_api_check_version(req, version, &old) < 0)
		goto rollback;
	follow_up_copy(&cur, &old);
	json_object_foreach(body, key, val)
	{
		const struct http_api_patch_field *f = http_api_patch_field(key);
		char num[24];
		const char *v;

		if (f == NULL)
			continue;
		http_api_patch_value(f, val, num, sizeof(num), &v);
		if ((v == NULL) != (cur.v[f->field] == NULL) ||
		    (v != NULL && strcmp(v, cur.v[f->field]) != 0)) {
			follow_up_set(&cur, f->field, v);
			changed++;
		}
	}
	if (changed == 0) {
		/* Nothing differs: no write, no new version. */
		store_rollback(s);
		http_api_filing_answer(req, s, req->params[0], 200);
		goto done;
	}
	util_now_iso(now);
	if (http_api_write_follow_up(req, s, &old, &cur, now) < 0)
		goto rollback;
	http_api_write_end(req, s, 200);
	goto done;
rollback:
	store_rollback(s);
done:
	json_decref(body);
	follow_up_free(&old);
	follow_up_free(&cur);
}

/* ---- The workflow */
/* States: recibido --reparto--> repartido --first observacion by the assigned lawyer-->
 * en_revision; repartido | en_revision --devolucion--> devuelto (texto required,
 * devoluciones + 1; the SLA clock pauses) --reingreso--> en_revision; repartido |
 * en_revision --conclusion (satisfactorio)--> concluido --reapertura (Director, texto)-->
 * en_revision. A reparto of an assigned filing is a reasignación (state kept). Anulado
 * (here, or estado_ds anulado in the document system) takes nothing: no gestiones, no
 * reparto, no PATCH. */

struct http_api_gestion_kind {
	const char *tipo;
	const char *verb; /* "no se puede <verb> un radicado en estado ..." */
};

static const struct http_api_gestion_kind http_api_gestion_kinds[] = {
    {"observacion", "registrar una observación en"},
    {"devolucion", "devolver"},
    {"reingreso", "registrar el reingreso de"},
    {"conclusion", "concluir"},
    {"reapertura", "reabrir"},
};
#define HTTP_API_NKINDS (sizeof(http_api_gestion_kinds) / sizeof(http_api_gestion_kinds[0]))

/* Applies gestion tipo to cur (a copy of the stored row). Returns 0, or -1 with why the
 * transition makes no sense in msg (for a 422). */
static int http_api_transition(const struct http_api_gestion_kind *k, int by_assigned,
			       int satisfactorio, const char *now, struct follow_up *cur, char *msg,
			       size_t msglen)
{
	const char *e = cur->v[STORE_FU_ESTADO] != NULL ? cur->v[STORE_FU_ESTADO] : "";
	const char *why = NULL;
	const char *to = NULL;

	if (strcmp(e, "recibido") == 0) {
		why = "primero debe repartirse";
	} else if (strcmp(k->tipo, "reapertura") == 0) {
		if (strcmp(e, "concluido") == 0)
			to = "en_revision";
		else
			why = "solo se reabre un radicado concluido";
	} else if (strcmp(e, "concluido") == 0) {
		why = "está concluido; solo el Director puede reabrirlo (gestión «reapertura»)";
	} else if (strcmp(k->tipo, "observacion") == 0) {
		to = strcmp(e, "repartido") == 0 && by_assigned ? "en_revision" : e;
	} else if (strcmp(k->tipo, "devolucion") == 0) {
		if (strcmp(e, "devuelto") == 0)
			why = "ya está en el área solicitante; registre primero su reingreso";
		else
			to = "devuelto";
	} else if (strcmp(k->tipo, "reingreso") == 0) {
		if (strcmp(e, "devuelto") == 0)
			to = "en_revision";
		else
			why = "solo reingresa un radicado devuelto";
	} else if (strcmp(k->tipo, "conclusion") == 0) {
		if (strcmp(e, "devuelto") == 0)
			why = "está en el área solicitante; registre primero el reingreso de su "
			      "respuesta";
		else
			to = "concluido";
	}
	if (to == NULL) {
		snprintf(msg, msglen, "no se puede %s un radicado en estado %s: %s", k->verb,
			 http_api_estado_label(e), why != NULL ? why : "transición no prevista");
		return -1;
	}
	follow_up_set(cur, STORE_FU_ESTADO, to);
	if (strcmp(k->tipo, "devolucion") == 0) {
		long n = 0;
		char num[24];

		if (cur->v[STORE_FU_DEVOLUCIONES] != NULL)
			parse_long(cur->v[STORE_FU_DEVOLUCIONES], 0, HTTP_API_INT_MAX, &n);
		snprintf(num, sizeof(num), "%ld", n + 1);
		follow_up_set(cur, STORE_FU_DEVOLUCIONES, num);
	} else if (strcmp(k->tipo, "conclusion") == 0) {
		follow_up_set(cur, STORE_FU_CONCLUIDO_SATISFACTORIO, satisfactorio ? "1" : "0");
		follow_up_set(cur, STORE_FU_FECHA_CONCLUSION, now);
	} else if (strcmp(k->tipo, "reapertura") == 0) {
		follow_up_set(cur, STORE_FU_CONCLUIDO_SATISFACTORIO, NULL);
		follow_up_set(cur, STORE_FU_FECHA_CONCLUSION, NULL);
	}
	return 0;
}

/* 1 when s has something other than white space. */
static int http_api_has_text(const char *s)
{
	return s != NULL && s[strspn(s, " \t\r\n")] != '\0';
}

/* ---- POST /api/radicados/{numero}/gestiones */

static const struct http_api_body_field http_api_gestion_body[] = {
    {"tipo", HTTP_T_STRING, 0},
    {"texto", HTTP_T_STRING, 1},
    {"satisfactorio", HTTP_T_BOOL, 1},
    {"version", HTTP_T_INT, 0},
};

static void http_api_gestiones(struct http_request *req)
{
	struct store *s = http_api_store(req);
	const struct http_api_gestion_kind *k = NULL;
	struct follow_up old;
	struct follow_up cur;
	json_t *body;
	json_t *jtipo;
	json_t *jsat;
	const char *texto;
	char now[UTIL_ISO_LEN];
	char msg[HTTP_API_MSG_LEN];
	int sat = -1;

	follow_up_init(&old);
	follow_up_init(&cur);
	if (!http_api_numero_ok(req))
		return;
	body = http_api_body_object(req);
	if (body == NULL)
		return;
	if (http_api_body_check(req, body, http_api_gestion_body,
				sizeof(http_api_gestion_body) / sizeof(http_api_gestion_body[0])) <
	    0)
		goto done;
	jtipo = json_object_get(body, "tipo");
	if (jtipo == NULL) {
		http_api_error(req, 400, "campo_requerido",
			       "falta «tipo»: observacion, devolucion, reingreso, conclusion o "
			       "reapertura");
		goto done;
	}
	for (size_t i = 0; i < HTTP_API_NKINDS && k == NULL; i++) {
		if (strcmp(json_string_value(jtipo), http_api_gestion_kinds[i].tipo) == 0)
			k = &http_api_gestion_kinds[i];
	}
	if (k == NULL) {
		http_api_error(req, 422, "valor_invalido",
			       "«tipo» debe ser observacion, devolucion, reingreso, conclusion o "
			       "reapertura");
		goto done;
	}
	texto = json_string_value(json_object_get(body, "texto"));
	jsat = json_object_get(body, "satisfactorio");
	if (jsat != NULL && json_is_boolean(jsat))
		sat = json_is_true(jsat);
	if (texto != NULL && strlen(texto) > HTTP_API_TEXT_MAX) {
		http_api_errorf(req, 422, "valor_invalido", "«texto» admite hasta %d bytes",
				HTTP_API_TEXT_MAX);
		goto done;
	}
	if (strcmp(k->tipo, "conclusion") == 0 && sat < 0) {
		http_api_error(req, 422, "valor_invalido",
			       "la conclusión necesita «satisfactorio»: true o false");
		goto done;
	}
	if (strcmp(k->tipo, "conclusion") != 0 && sat >= 0) {
		http_api_error(req, 422, "valor_invalido",
			       "«satisfactorio» solo corresponde a la conclusión");
		goto done;
	}
	if ((strcmp(k->tipo, "devolucion") == 0 || strcmp(k->tipo, "reapertura") == 0 ||
	     strcmp(k->tipo, "observacion") == 0) &&
	    !http_api_has_text(texto)) {
		http_api_errorf(req, 422, "valor_invalido", "«texto» es obligatorio para %s",
				strcmp(k->tipo, "devolucion") == 0 ? "devolver (las observaciones "
								     "para el área)"
				: strcmp(k->tipo, "reapertura") == 0 ? "reabrir (el motivo)"
								     : "una observación");
		goto done;
	}
	if (strcmp(k->tipo, "reapertura") == 0 && req->role != AUTH_ROLE_DIRECTOR) {
		http_api_error(req, 403, "rol_no_autorizado",
			       "solo el Director puede reabrir un radicado concluido");
		goto done;
	}
	if (http_api_check_version_value(req, json_object_get(body, "version")) < 0)
		goto done;
	if (s == NULL) {
		http_api_store_error(req, s);
		goto done;
	}
	if (http_api_write_begin(req, s, &old) < 0)
		goto done;
	if (http_api_check_assigned(req, &old) < 0)
		goto rollback;
	if (http_api_is_annulled(&old)) {
		http_api_errorf(req, 422, "transicion_invalida",
				"no se puede %s un radicado anulado: no admite gestiones", k->verb);
		goto rollback;
	}
	if (http_api_check_version(req, json_object_get(body, "version"), &old) < 0)
		goto rollback;
	follow_up_copy(&cur, &old);
	util_now_iso(now);
	if (http_api_transition(k, http_api_is_assigned(req, &old), sat, now, &cur, msg,
				sizeof(msg)) < 0) {
		http_api_error(req, 422, "transicion_invalida", msg);
		goto rollback;
	}
	if (http_api_write_follow_up(req, s, &old, &cur, now) < 0)
		goto rollback;
	if (store_gestion_add(s, old.radicado_id, k->tipo, req->user.id, now, texto, sat, NULL) <
	    0) {
		http_api_store_error(req, s);
		goto rollback;
	}
	http_api_write_end(req, s, 201);
	goto done;
rollback:
	store_rollback(s);
done:
	json_decref(body);
	follow_up_free(&old);
	follow_up_free(&cur);
}

/* ---- POST /api/radicados/{numero}/reparto */

static const struct http_api_body_field http_api_reparto_body[] = {
    {"abogado_id", HTTP_T_INT, 0},
    {"texto", HTTP_T_STRING, 1},
    {"version", HTTP_T_INT, 0},
};

static void http_api_reparto(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct follow_up old;
	struct follow_up cur;
	struct store_user lawyer;
	json_t *body;
	json_t *jid;
	const char *texto;
	const char *tipo;
	const char *e;
	char now[UTIL_ISO_LEN];
	char idtext[24];
	char datos[96];
	long long id;
	int found;

	follow_up_init(&old);
	follow_up_init(&cur);
	if (!http_api_numero_ok(req))
		return;
	body = http_api_body_object(req);
	if (body == NULL)
		return;
	if (http_api_body_check(req, body, http_api_reparto_body,
				sizeof(http_api_reparto_body) / sizeof(http_api_reparto_body[0])) <
	    0)
		goto done;
	jid = json_object_get(body, "abogado_id");
	if (jid == NULL) {
		http_api_error(req, 400, "campo_requerido", "falta «abogado_id»");
		goto done;
	}
	id = json_integer_value(jid);
	texto = json_string_value(json_object_get(body, "texto"));
	if (texto != NULL && strlen(texto) > HTTP_API_TEXT_MAX) {
		http_api_errorf(req, 422, "valor_invalido", "«texto» admite hasta %d bytes",
				HTTP_API_TEXT_MAX);
		goto done;
	}
	if (http_api_check_version_value(req, json_object_get(body, "version")) < 0)
		goto done;
	if (id < 1 || id > HTTP_API_INT_MAX) {
		http_api_error(req, 422, "valor_invalido",
			       "«abogado_id» debe ser un entero positivo");
		goto done;
	}
	if (s == NULL) {
		http_api_store_error(req, s);
		goto done;
	}
	if (http_api_write_begin(req, s, &old) < 0)
		goto done;
	found = store_user_get(s, id, &lawyer);
	if (found < 0) {
		http_api_store_error(req, s);
		goto rollback;
	}
	if (found == 0 || !lawyer.activo || strcmp(lawyer.rol, "abogado") != 0) {
		http_api_errorf(req, 422, "valor_invalido",
				"el usuario %lld no es un abogado activo", id);
		goto rollback;
	}
	if (http_api_is_annulled(&old)) {
		http_api_error(req, 422, "transicion_invalida",
			       "no se puede repartir un radicado anulado: no admite gestiones");
		goto rollback;
	}
	if (http_api_check_version(req, json_object_get(body, "version"), &old) < 0)
		goto rollback;
	e = old.v[STORE_FU_ESTADO] != NULL ? old.v[STORE_FU_ESTADO] : "";
	if (strcmp(e, "concluido") == 0) {
		http_api_error(req, 422, "transicion_invalida",
			       "no se puede repartir un radicado en estado concluido: primero el "
			       "Director debe reabrirlo (gestión «reapertura»)");
		goto rollback;
	}
	snprintf(idtext, sizeof(idtext), "%lld", id);
	if (old.v[STORE_FU_ABOGADO_ID] != NULL && strcmp(old.v[STORE_FU_ABOGADO_ID], idtext) == 0) {
		http_api_errorf(req, 422, "transicion_invalida",
				"no se puede repartir el radicado %s al abogado %lld: ya lo tiene "
				"asignado",
				req->params[0], id);
		goto rollback;
	}
	util_now_iso(now);
	follow_up_copy(&cur, &old);
	follow_up_set(&cur, STORE_FU_ABOGADO_ID, idtext);
	if (strcmp(e, "recibido") == 0) {
		tipo = "reparto";
		follow_up_set(&cur, STORE_FU_ESTADO, "repartido");
		follow_up_set(&cur, STORE_FU_FECHA_REPARTO, now);
		snprintf(datos, sizeof(datos), "{\"abogado_id\":%lld}", id);
	} else {
		/* The SLA clock keeps counting from the first reparto. */
		tipo = "reasignacion";
		snprintf(datos, sizeof(datos), "{\"de\":%s,\"a\":%lld}",
			 old.v[STORE_FU_ABOGADO_ID] != NULL ? old.v[STORE_FU_ABOGADO_ID] : "null",
			 id);
	}
	if (http_api_write_follow_up(req, s, &old, &cur, now) < 0)
		goto rollback;
	if (store_gestion_add(s, old.radicado_id, tipo, req->user.id, now, texto, -1, datos) < 0) {
		http_api_store_error(req, s);
		goto rollback;
	}
	http_api_write_end(req, s, 200);
	goto done;
rollback:
	store_rollback(s);
done:
	json_decref(body);
	follow_up_free(&old);
	follow_up_free(&cur);
}

/* ---- GET /api/abogados/carga */

struct http_api_load_ctx {
	json_t *lawyers;
	json_t *cur; /* the lawyer being filled, borrowed from lawyers */
	long long cur_id;
};

static int http_api_load_one(const struct store_user *u, const char *estado,
			     const char *tipo_tramite, long long count, void *arg)
{
	struct http_api_load_ctx *c = arg;

	if (c->cur == NULL || c->cur_id != u->id) {
		json_t *por_estado = json_object();
		json_t *por_tipo = json_object();

		for (int i = 0; http_api_open_estados[i] != NULL; i++)
			json_object_set_new(por_estado, http_api_open_estados[i], json_integer(0));
		for (int i = 0; http_api_tipos_tramite[i] != NULL; i++)
			json_object_set_new(por_tipo, http_api_tipos_tramite[i], json_integer(0));
		c->cur =
		    json_pack("{s:I, s:s, s:b, s:I, s:o, s:o}", "id", (json_int_t)u->id, "nombre",
			      u->nombre, "activo", u->activo, "abiertos", (json_int_t)0,
			      "por_estado", por_estado, "por_tipo_tramite", por_tipo);
		c->cur_id = u->id;
		json_array_append_new(c->lawyers, c->cur);
	}
	if (estado != NULL && count > 0) {
		json_t *pe = json_object_get(c->cur, "por_estado");
		json_t *pt = json_object_get(c->cur, "por_tipo_tramite");
		json_t *n;

		n = json_object_get(pe, estado);
		json_object_set_new(pe, estado, json_integer(json_integer_value(n) + count));
		n = json_object_get(pt, tipo_tramite);
		json_object_set_new(pt, tipo_tramite, json_integer(json_integer_value(n) + count));
		n = json_object_get(c->cur, "abiertos");
		json_object_set_new(c->cur, "abiertos",
				    json_integer(json_integer_value(n) + count));
	}
	return 0;
}

/* With ?tipo_tramite=: the answer adds "sugerencia" (indicators_suggest_reparto). Not
 * cached: the suggestion's due date depends on the time of day (closing time). */
static void http_api_carga(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_api_load_ctx c;
	struct http_api_count_ctx counts;
	struct http_api_query qa;
	static const char *const args[] = {"tipo_tramite", NULL};
	json_t *sugerencia = NULL;
	json_t *answer;
	json_t *active;
	size_t i;
	json_t *l;

	if (http_api_query(req, &qa, args) < 0) {
		buf_free(&qa.canon);
		return;
	}
	buf_free(&qa.canon);
	if (qa.values[0] != NULL) {
		char err[INDICATORS_ERR_LEN];
		enum indicators_rc rc =
		    indicators_suggest_reparto(s, req->api->cfg, req->api->calendar, qa.values[0],
					       NULL, &sugerencia, err, sizeof(err));

		if (rc == INDICATORS_INTERNAL) {
			http_api_internal_error(req, s, err);
			return;
		}
		if (rc != INDICATORS_OK) {
			http_api_error(req, indicators_http_status(rc), indicators_error_code(rc),
				       err);
			return;
		}
	}
	memset(&counts, 0, sizeof(counts));
	c.lawyers = json_array();
	c.cur = NULL;
	c.cur_id = 0;
	if (s == NULL || store_lawyer_load(s, http_api_load_one, &c) < 0 ||
	    store_count_by_estado(s, http_api_count_one, &counts) < 0) {
		json_decref(c.lawyers);
		json_decref(sugerencia);
		http_api_store_error(req, s);
		return;
	}
	/* Inactive lawyers are listed only while they still hold open filings. */
	active = json_array();
	json_array_foreach(c.lawyers, i, l)
	{
		if (json_is_true(json_object_get(l, "activo")) ||
		    json_integer_value(json_object_get(l, "abiertos")) > 0)
			json_array_append(active, l);
	}
	json_decref(c.lawyers);
	answer =
	    json_pack("{s:o, s:I}", "abogados", active, "sin_repartir", (json_int_t)counts.n[0]);
	if (sugerencia != NULL)
		json_object_set_new(answer, "sugerencia", sugerencia);
	http_api_json(req, 200, answer);
}

/* ---- POST /api/sync, GET /api/usuarios/yo */

static void http_api_sync(struct http_request *req)
{
	if (req->body.len > 0) {
		json_t *body = http_api_body_object(req);

		if (body == NULL)
			return;
		if (json_object_size(body) > 0) {
			json_decref(body);
			http_api_error(req, 400, "campo_desconocido",
				       "esta operación no recibe campos: envíe {} o nada");
			return;
		}
		json_decref(body);
	}
	if (req->api->poller == NULL) {
		http_api_error(req, 503, "sync_no_disponible",
			       "la sincronización no está en marcha en este proceso");
		return;
	}
	sync_poller_trigger(req->api->poller);
	log_info(HTTP_API_MODULE, "pasada de sincronización solicitada por el usuario %lld",
		 req->user.id);
	http_api_json(req, 202,
		      json_pack("{s:s, s:s}", "estado", "solicitada", "mensaje",
				"la pasada empieza en cuanto termine la que esté en curso; vea "
				"/healthz"));
}

static void http_api_yo(struct http_request *req)
{
	http_api_json(req, 200,
		      json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)req->user.id, "nombre",
				req->user.nombre, "rol", req->user.rol, "activo",
				req->user.activo));
}

/* ---- Indicators, export and calendar (indicators.c, export.c) */

static const char *const http_api_period_args[] = {"desde", "hasta", NULL};

/* GET /api/indicadores?desde=&hasta=: cached per day (the clocks count business days). */
static void http_api_indicadores(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_api_query qa;
	char err[INDICATORS_ERR_LEN];
	char today[CALENDAR_DATE_LEN];
	struct buf key;
	json_t *j = NULL;
	enum indicators_rc rc;

	buf_init(&key);
	buf_init(&qa.canon);
	if (http_api_query(req, &qa, http_api_period_args) < 0)
		goto done;
	util_today(today);
	buf_printf(&key, "I?%s#%s", qa.canon.data != NULL ? qa.canon.data : "", today);
	if (http_api_cache_get(req, s, key.data))
		goto done;
	rc = indicators_build(s, req->api->cfg, req->api->calendar, qa.values[0], qa.values[1],
			      NULL, &j, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		http_api_indicators_error(req, s, rc, err);
		goto done;
	}
	http_api_json(req, 200, j);
done:
	buf_free(&qa.canon);
	buf_free(&key);
}

/* GET /api/export.xlsx and /api/export.csv ?desde=&hasta=: a download, never cached. */
static void http_api_export(struct http_request *req, enum export_format fmt)
{
	struct store *s = http_api_store(req);
	struct http_api_query qa;
	char err[INDICATORS_ERR_LEN];
	char name[EXPORT_FILENAME_LEN];
	size_t nrows = 0;
	enum indicators_rc rc;

	if (http_api_query(req, &qa, http_api_period_args) < 0) {
		buf_free(&qa.canon);
		return;
	}
	buf_free(&qa.canon);
	buf_reset(&req->out);
	rc = export_write(s, req->api->cfg, req->api->calendar, fmt, qa.values[0], qa.values[1],
			  NULL, &req->out, &nrows, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		http_api_indicators_error(req, s, rc, err);
		return;
	}
	export_filename(fmt, qa.values[0], qa.values[1], name);
	req->status = 200;
	req->content_type = fmt == EXPORT_XLSX ? EXPORT_XLSX_CONTENT_TYPE : EXPORT_CSV_CONTENT_TYPE;
	req->extra_header = MHD_HTTP_HEADER_CONTENT_DISPOSITION;
	snprintf(req->extra_value, sizeof(req->extra_value), "attachment; filename=\"%s\"", name);
	log_info(HTTP_API_MODULE, "exportación %s de %zu radicados para el usuario %lld",
		 fmt == EXPORT_XLSX ? "xlsx" : "csv", nrows, req->user.id);
}

static void http_api_export_xlsx(struct http_request *req)
{
	http_api_export(req, EXPORT_XLSX);
}

static void http_api_export_csv(struct http_request *req)
{
	http_api_export(req, EXPORT_CSV);
}

/* GET /api/calendario/festivos?anio=YYYY */
static void http_api_festivos(struct http_request *req)
{
	static const char *const args[] = {"anio", NULL};
	struct http_api_query qa;
	char err[INDICATORS_ERR_LEN];
	json_t *j = NULL;
	enum indicators_rc rc;

	if (http_api_query(req, &qa, args) < 0) {
		buf_free(&qa.canon);
		return;
	}
	buf_free(&qa.canon);
	rc = indicators_holidays_json(req->api->calendar, qa.values[0], &j, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		http_api_indicators_error(req, NULL, rc, err);
		return;
	}
	http_api_json(req, 200, j);
}

/* GET /api/calendario/sumar?desde=YYYY-MM-DD&dias=N */
static void http_api_sumar(struct http_request *req)
{
	static const char *const args[] = {"desde", "dias", NULL};
	struct http_api_query qa;
	char err[INDICATORS_ERR_LEN];
	json_t *j = NULL;
	enum indicators_rc rc;

	if (http_api_query(req, &qa, args) < 0) {
		buf_free(&qa.canon);
		return;
	}
	buf_free(&qa.canon);
	rc = indicators_add_days_json(req->api->calendar, qa.values[0], qa.values[1], &j, err,
				      sizeof(err));
	if (rc != INDICATORS_OK) {
		http_api_indicators_error(req, NULL, rc, err);
		return;
	}
	http_api_json(req, 200, j);
}

/* ---- Reconciliation (reconcile.c): GET /api/discrepancias, POST .../{id}/resolver */

enum { HTTP_QD_ESTADO, HTTP_QD_TIPO, HTTP_QD_PAGINA, HTTP_QD_POR_PAGINA };
static const char *const http_api_disc_args[] = {"estado", "tipo", "pagina", "por_pagina", NULL};

static void http_api_discrepancias(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_api_query qa;
	char err[RECONCILE_ERR_LEN];
	long long pagina = 0;
	long long por_pagina = 0;
	struct buf key;
	json_t *j = NULL;
	enum reconcile_status st;

	buf_init(&key);
	buf_init(&qa.canon);
	if (http_api_query(req, &qa, http_api_disc_args) < 0)
		goto done;
	if (http_api_count_arg(req, "pagina", qa.values[HTTP_QD_PAGINA], RECONCILE_PAGE_MAX,
			       &pagina) < 0 ||
	    http_api_count_arg(req, "por_pagina", qa.values[HTTP_QD_POR_PAGINA],
			       RECONCILE_PAGE_SIZE_MAX, &por_pagina) < 0)
		goto done;
	buf_printf(&key, "R?%s", qa.canon.data != NULL ? qa.canon.data : "");
	if (http_api_cache_get(req, s, key.data))
		goto done;
	st = reconcile_list_json(s, qa.values[HTTP_QD_ESTADO], qa.values[HTTP_QD_TIPO],
				 (long)pagina, (long)por_pagina, &j, err, sizeof(err));
	if (st != RECONCILE_OK) {
		http_api_reconcile_error(req, s, st, err);
		goto done;
	}
	http_api_json(req, 200, j);
done:
	buf_free(&qa.canon);
	buf_free(&key);
}

static const struct http_api_body_field http_api_resolver_body[] = {
    {"nota", HTTP_T_STRING, 0},
};

static void http_api_resolver(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char err[RECONCILE_ERR_LEN];
	long long id;
	json_t *body;
	json_t *nota;
	json_t *row = NULL;
	enum reconcile_status st;

	if (http_api_parse_digits(req->params[0], 1, HTTP_API_INT_MAX, &id) != 0) {
		http_api_error(req, 404, "no_encontrada",
			       "identificador de discrepancia inválido: debe ser un número");
		return;
	}
	body = http_api_body_object(req);
	if (body == NULL)
		return;
	if (http_api_body_check(req, body, http_api_resolver_body,
				sizeof(http_api_resolver_body) /
				    sizeof(http_api_resolver_body[0])) < 0)
		goto done;
	nota = json_object_get(body, "nota");
	if (nota == NULL) {
		http_api_error(req, 400, "campo_requerido",
			       "falta «nota»: diga cómo se resolvió la discrepancia");
		goto done;
	}
	st =
	    reconcile_resolve(s, id, req->user.id, json_string_value(nota), &row, err, sizeof(err));
	if (st != RECONCILE_OK) {
		http_api_reconcile_error(req, s, st, err);
		goto done;
	}
	http_api_json(req, 200, row);
done:
	json_decref(body);
}

/* ---- GET / and /static/{archivo}: the staff page (web.c: ETag, gzip, CSP) */

static void http_api_web(struct http_request *req)
{
	unsigned status;
	int rc =
	    web_serve(req->conn, req->nparams > 0 ? req->params[0] : NULL, &req->resp, &status);

	if (rc == -1)
		http_api_error(req, 404, "no_encontrado", "la ruta solicitada no existe");
	else if (rc < 0)
		http_api_error(req, 500, "error_interno", "no se pudo preparar la respuesta");
	else
		req->status = (int)status;
}

/* Matches url against pattern, filling req->params for each {...}. Returns 1 on match. */
static int http_api_match(const char *pattern, const char *url, struct http_request *req)
{
	const char *p = pattern;
	const char *u = url;

	req->nparams = 0;
	while (*p != '\0' && *u != '\0') {
		if (*p == '{') {
			size_t n = strcspn(u, "/");
			const char *close = strchr(p, '}');

			if (close == NULL || n == 0 || n >= HTTP_API_PARAM_LEN ||
			    req->nparams >= HTTP_API_MAX_PARAMS)
				return 0;
			memcpy(req->params[req->nparams], u, n);
			req->params[req->nparams][n] = '\0';
			req->nparams++;
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

/* Finds the route of req (method and path); sets req->route (-1 when none) and
 * req->path_found (some method exists for the path). */
static void http_api_route(struct http_request *req)
{
	req->route = -1;
	req->path_found = 0;
	for (size_t i = 0; i < http_api_nroutes; i++) {
		if (!http_api_match(http_api_routes[i].pattern, req->url, req))
			continue;
		req->path_found = 1;
		if (strcmp(http_api_routes[i].method, req->method) == 0) {
			req->route = (int)i;
			return;
		}
	}
	if (!req->path_found)
		return;
	for (size_t i = 0; i < http_api_nroutes; i++) {
		size_t n = strlen(req->allow);

		if (!http_api_match(http_api_routes[i].pattern, req->url, req))
			continue;
		snprintf(req->allow + n, sizeof(req->allow) - n, "%s%s", n > 0 ? ", " : "",
			 http_api_routes[i].method);
	}
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

static void http_api_dispatch(struct http_request *req)
{
	const struct http_route *r;
	struct store *s;

	if (req->too_large) {
		http_api_errorf(req, 413, "cuerpo_demasiado_grande",
				"el cuerpo de la solicitud supera el límite de %u bytes",
				HTTP_API_MAX_BODY);
		return;
	}
	if (req->route < 0) {
		if (req->path_found) {
			http_api_error(req, 405, "metodo_no_permitido",
				       "el método no está permitido para esta ruta");
		} else {
			http_api_error(req, 404, "no_encontrado", "la ruta solicitada no existe");
		}
		return;
	}
	r = &http_api_routes[req->route];
	if (r->roles != 0) {
		s = http_api_store(req);
		if (s == NULL) {
			http_api_store_error(req, NULL);
			return;
		}
		if (http_api_authorize(req, s, r->roles) < 0)
			return;
	}
	if (req->body.len > 0 && strcmp(req->method, "GET") != 0 && !http_api_json_content(req)) {
		http_api_error(req, 415, "tipo_de_contenido",
			       "el cuerpo debe enviarse como Content-Type: application/json");
		return;
	}
	r->handler(req);
}

static enum MHD_Result http_api_queue(struct http_request *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char retry[16];

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
	resp = MHD_create_response_from_buffer(req->out.len, req->out.data ? req->out.data : "",
					       MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
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
	if (req->status == 413)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(req->conn, (unsigned int)req->status, resp);
	if (!http_api_cache_put(req, resp))
		MHD_destroy_response(resp);
	req->queued = ret == MHD_YES;
	return ret;
}

/* 1 when the request announces a body larger than the cap. */
static int http_api_announced_too_large(struct MHD_Connection *conn)
{
	const char *cl =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n;

	if (cl == NULL)
		return 0;
	return http_api_parse_digits(cl, 0, HTTP_API_MAX_BODY, &n) != 0;
}

static enum MHD_Result http_api_answer(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct http_request *req = *con_cls;

	(void)version;
	if (req == NULL) {
		/* First call: only set up; answering now would force Connection: close. */
		req = xcalloc(1, sizeof(*req));
		req->api = cls;
		req->th = http_api_thread();
		req->conn = conn;
		req->method = method;
		req->url = url;
		req->start_us = http_api_now_us();
		buf_init(&req->body);
		buf_init(&req->out);
		*con_cls = req;
		http_api_route(req);
		/* ...except for a body announced over the cap: refuse it before it is sent
		 * (the connection closes; a client sending Expect: 100-continue sends nothing). */
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
	http_api_dispatch(req);
	return http_api_queue(req);
}

static void http_api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			       enum MHD_RequestTerminationCode toe)
{
	struct http_api *api = cls;
	struct http_request *req = *con_cls;

	(void)conn;
	(void)toe;
	if (req == NULL)
		return;
	if (req->queued)
		http_api_metrics_note(api, req->route, req->status,
				      http_api_now_us() - req->start_us);
	buf_free(&req->body);
	buf_free(&req->out);
	free(req->cache_key);
	free(req);
	*con_cls = NULL;
}

struct http_api *http_api_start(const struct config *cfg, struct sync_poller *poller,
				struct reconcile_scheduler *reconciler, char *err, size_t errlen)
{
	struct http_api *api = xcalloc(1, sizeof(*api));
	struct sockaddr_in addr;
	const char *cache = getenv("SEGCONT_HTTP_CACHE");
	char cerr[256];

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->http_port);
	if (inet_pton(AF_INET, cfg->http_listen, &addr.sin_addr) != 1) {
		set_error(err, errlen, "dirección de escucha inválida: %s", cfg->http_listen);
		free(api);
		return NULL;
	}
	api->cfg = cfg;
	api->poller = poller;
	api->reconciler = reconciler;
	api->cache_enabled = cache == NULL || strcmp(cache, "0") != 0;
	api->calendar = indicators_calendar_new(cfg, cerr, sizeof(cerr));
	if (api->calendar == NULL) {
		set_error(err, errlen, "calendario inválido: %s", cerr);
		free(api);
		return NULL;
	}
	api->metrics = xcalloc(http_api_nroutes + 1, sizeof(*api->metrics));
	api->daemon = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
	    (uint16_t)cfg->http_port, NULL, NULL, http_api_answer, api, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->http_threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_API_CONNECTION_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_API_CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_API_PER_IP_LIMIT,
	    MHD_OPTION_NOTIFY_COMPLETED, http_api_completed, api, MHD_OPTION_END);
	if (api->daemon == NULL) {
		set_error(err, errlen, "no se pudo escuchar en %s:%ld (¿puerto ocupado?)",
			  cfg->http_listen, cfg->http_port);
		calendar_free(api->calendar);
		free(api->metrics);
		free(api);
		return NULL;
	}
	log_info(HTTP_API_MODULE, "escuchando en http://%s:%ld", cfg->http_listen, cfg->http_port);
	return api;
}

void http_api_stop(struct http_api *api)
{
	if (api == NULL)
		return;
	MHD_stop_daemon(api->daemon);
	calendar_free(api->calendar);
	free(api->metrics);
	free(api);
}
