/* http_int.h -- what the http_*.c files share and no other module sees: the server, one
 * request in flight, the route spec (path parameter, query arguments, body fields) that
 * dispatch checks before a handler runs, and each file's entry points. */
#ifndef SEGCONT_HTTP_INT_H
#define SEGCONT_HTTP_INT_H

#include <jansson.h>
#include <stddef.h>

#include "auth.h"
#include "http_api.h"
#include "indicators.h"
#include "reconcile.h"
#include "store.h"
#include "util.h"

struct MHD_Connection;
struct MHD_Response;
struct calendar;
struct http_metrics;

#define HTTP_MODULE "http"
#define HTTP_JSON_TYPE "application/json; charset=utf-8"
#define HTTP_MSG_LEN 512
#define HTTP_INT_MAX 9007199254740991LL /* 2^53 - 1: exact in JSON numbers */
#define HTTP_NAME_SHOWN 40		/* bytes of a client-supplied name echoed in a message */
#define HTTP_PARAM_LEN 128		/* bytes of a path parameter */
#define HTTP_MAX_ARGS 16		/* query arguments a route declares */
#define HTTP_MAX_FIELDS 24		/* body fields a route declares */
#define HTTP_DEPENDENCIA_MAX 20		/* digits of a dependency code (traslado) */
#define HTTP_HEADER_VALUE_LEN 160	/* the one extra header of a buffered answer */
#define HTTP_ROUTE_OTHER "desconocida"	/* metrics label of unmatched requests */

/* ---- The route spec (tmux's cmd_entry: the table says what a route takes; dispatch checks
 * it and hands the handler parsed values, so no handler parses its own input). */

enum http_path_kind {
	HTTP_PATH_NONE,
	HTTP_PATH_NUMERO,	/* a filing number as the mapping admits it, else 404 */
	HTTP_PATH_DISCREPANCIA, /* a discrepancy id: 1..HTTP_INT_MAX, else 404 */
	HTTP_PATH_FILE,		/* a static file's name (web.c looks it up) */
	HTTP_PATH_VISTA,	/* a saved view's id: 1..HTTP_INT_MAX, else 404 */
};

enum http_arg_type {
	HTTP_ARG_TEXT, /* max bytes (and max_words) */
	HTTP_ARG_DATE, /* a real YYYY-MM-DD in HTTP_API_DATE_MIN..HTTP_API_DATE_MAX */
	HTTP_ARG_INT,  /* digits only, in [min, max] */
	HTTP_ARG_ENUM, /* one of values (or value_at) */
};

/* One query argument of a route (a row; the array ends with a NULL name). An empty value
 * reads as absent. A refusal is 400 parametro_invalido for a malformed number or a missing
 * required argument and 422 (fecha_invalida for dates, valor_invalido else) otherwise,
 * unless status (and codigo) say; msg, when set, is the message of every refusal of it. */
struct http_arg {
	const char *name;
	enum http_arg_type type;
	long long min;
	long long max;
	int max_words;
	const char *const *values;
	const char *(*value_at)(size_t i);
	const char *not_before; /* DATE: the argument this one may not precede ("desde") */
	int required;		/* absent: 400 with missing, else msg, else "falta «name»" */
	const char *missing;
	int status;
	const char *codigo;
	const char *msg;
};

enum http_field_type { HTTP_T_STRING, HTTP_T_INT, HTTP_T_BOOL, HTTP_T_ARRAY };

/* One member of a route's JSON body (a row; the array ends with a NULL name). Shape
 * problems are 400 (tipo_invalido, campo_requerido), values 422, roles 403. */
struct http_field {
	const char *name;
	enum http_field_type type;
	int nullable;
	int required;
	const char *hint; /* "falta «name»: <hint>"; NULL: the values, when listed */
	int follow_up;	  /* sets the follow-up column of that name: who may is workflow's say */
	long long min;	  /* INT: at least this (at most HTTP_INT_MAX); ARRAY: items at least */
	size_t max_items; /* ARRAY: items at most (its items are the handler's to check) */
	size_t max_len;	  /* STRING: bytes at most; 0: no limit */
	const char *const *values;	   /* STRING: the values admitted (NULL-terminated) ... */
	const char *(*value_at)(size_t i); /* ... or these */
	int see_docs; /* a refused value points at docs/openapi.yaml instead of listing */
	int date;     /* STRING: a real YYYY-MM-DD */
	int not_null; /* null refused as a value (422 "no puede quedar vacío") */
	int digits;   /* STRING: a dependency's code, the digits 0-9 only (at least one) */
};

/* A route's body: fields, and what else it says. */
struct http_body {
	const struct http_field *fields;
	int optional;		      /* no body is fine (an empty object too) */
	const char *unknown_msg;      /* the message for any unknown member; NULL: names it */
	const char *const *refused;   /* names known but not taken here: 400 campo_no_editable */
	const char *refused_why;      /* "«name» <refused_why>" */
	const char *need_one_besides; /* another member than this one is required */
};

/* A spec array (rows and its NULL row) fits the request's parsed arrays: at compile time. */
#define HTTP_SPEC_FITS(array, max)                                                                 \
	_Static_assert(sizeof(array) / sizeof((array)[0]) <= (max) + 1, #array " has too many "    \
									       "rows")

struct http_request;
typedef void (*http_handler)(struct http_request *req);

struct http_route {
	const char *method;
	const char *pattern; /* "/api/radicados/{numero}": {...} is one path segment */
	http_handler handler;
	int roles; /* enum auth_role bits allowed; 0: no authentication */
	enum http_path_kind path;
	const struct http_arg *args;  /* NULL: no query arguments */
	const struct http_body *body; /* NULL: no body read */
};

/* ---- The server and one request */

struct http_api {
	struct MHD_Daemon *daemon;
	const struct config *cfg;
	const struct mapping *map; /* NULL: numbers checked by http_api_numero_check's fallback */
	struct sync_poller *poller;
	struct reconcile_scheduler *reconciler;
	const struct calendar *calendar; /* borrowed: serve's one calendar */
	char *sla_print; /* indicators_sla_print: what the stored SLA blocks depend on */
	int cache_enabled;
	struct http_metrics *metrics;
	struct http_heavy *heavy; /* the heavy routes' threads (http_heavy.c) */
	long heavy_sleep_ms;	  /* HTTP_HEAVY_ENV_SLEEP: a test's slow heavy handlers */
};

/* Where a heavy route's request is (http_heavy.c). */
enum http_heavy_state {
	HTTP_HEAVY_NONE,     /* answered on the server's thread (or not heavy) */
	HTTP_HEAVY_DEFERRED, /* its handler left the work to a heavy thread (http_api_defer) */
	HTTP_HEAVY_RUNNING,  /* its handler runs on a heavy thread */
	HTTP_HEAVY_DONE	     /* worked out there: the server's thread sends it */
};

/* One request in flight (created by the URI callback, freed on completion). */
struct http_request {
	struct http_api *api;
	struct http_thread *th;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	int started;	/* the handler has been called */
	int uri_nul;	/* the raw URI holds %00 */
	size_t uri_len; /* bytes of the raw URI */
	int route;	/* index in the route table, or -1 */
	int path_found; /* some method exists for the path */
	struct buf body;
	size_t received; /* body bytes seen, kept or not */
	int too_large;
	long long start_us;
	/* what dispatch parsed for the handler, by the route spec's rows */
	char param[HTTP_PARAM_LEN];	  /* the path parameter */
	long long param_id;		  /* HTTP_PATH_DISCREPANCIA: its value */
	const char *arg[HTTP_MAX_ARGS];	  /* borrowed from libmicrohttpd; NULL when absent */
	long long arg_num[HTTP_MAX_ARGS]; /* INT: the value; ENUM: the value's index */
	struct buf canon;		  /* "k=v&..." in arrival order, for cache keys */
	json_t *json;			  /* the body object (owned) */
	json_t *field[HTTP_MAX_FIELDS];	  /* its members by row (borrowed; NULL: absent) */
	int field_enum[HTTP_MAX_FIELDS];  /* a listed value's index */
	char bad[HTTP_MSG_LEN];		  /* the first query problem seen while collecting */
	int bad_status;
	const char *bad_codigo;
	/* the caller, after authentication */
	struct store_user user;
	int role;
	/* the data version, read at most once per request */
	int have_version;
	unsigned long long version;
	/* the answer cache: a hit to send, or the key to keep a fresh answer under */
	struct MHD_Response *hit;
	char *cache_key;
	/* the answer */
	int status;
	struct buf out;
	const char *content_type;
	const char *www_authenticate;
	const char *extra_header; /* one more header of a buffered answer (< 400 only) */
	char extra_value[HTTP_HEADER_VALUE_LEN];
	char allow[48];	 /* methods of the path, for a 405 */
	int retry_after; /* seconds, for a 503 */
	int close;	 /* Connection: close */
	int queued;
	/* a handler's own ready response (web.c's files): queued with status, then destroyed */
	struct MHD_Response *resp;
	/* a heavy route's: enum http_heavy_state, its handler, the next one waiting */
	int heavy;
	void (*heavy_handler)(struct http_request *req);
	struct http_request *heavy_next;
};

/* ---- http_heavy.c: the heavy routes' threads */

struct http_heavy;
/* A test's slow heavy handlers: each sleeps this many ms where it starts its work. */
#define HTTP_HEAVY_ENV_SLEEP "SEGCONT_TEST_HEAVY_SLEEP_MS"
/* Starts HTTP_API_HEAVY_THREADS threads. NULL with err filled when one cannot start. */
struct http_heavy *http_heavy_start(char *err, size_t errlen);
/* Suspends req's connection and leaves req to a heavy thread, which runs
 * req->heavy_handler, sets req->heavy to HTTP_HEAVY_DONE and resumes the connection. -1 (req
 * left as it is) once http_heavy_stop began. Called from libmicrohttpd's handler. */
int http_heavy_push(struct http_heavy *h, struct http_request *req);
/* Answers what waits with 503 at once, lets the running ones finish (their connections
 * resumed as always), joins the threads and waits (a few seconds at most) until those
 * answers are sent. Before MHD_stop_daemon. NULL: nothing. */
void http_heavy_stop(struct http_heavy *h);
/* A request worked out or refused here was answered (libmicrohttpd's completion). */
void http_heavy_sent(struct http_heavy *h);
/* After MHD_stop_daemon. NULL: nothing. */
void http_heavy_free(struct http_heavy *h);
/* Gives req the 503 of a server that stops. */
void http_heavy_refuse(struct http_request *req);
/* In a heavy route's handler, once it knows it must work the answer out (its cache lookup
 * missed): 1 when that work goes to a heavy thread (the handler returns; it is called again
 * there, where this returns 0, after HTTP_HEAVY_ENV_SLEEP's sleep when a test set it). */
int http_api_defer(struct http_request *req);

/* ---- http_api.c */

/* The i-th route, or NULL past the last (for /metrics' labels). Static. */
const struct http_route *http_api_route(size_t i);
size_t http_api_nroutes(void);
/* The calling thread's store connection, opened on first use; NULL when the database cannot
 * be opened (logged). Borrowed. */
struct store *http_api_store(struct http_request *req);
long long http_api_now_us(void);
/* Whether numero can name a filing of the document system m describes (m NULL: 1 to
 * HTTP_API_NUMERO_MAX ASCII letters, digits and hyphens). 0, or -1 with msg filled with the
 * Spanish message of the 404 (what is wrong and the form expected). */
int http_api_numero_check(const struct mapping *m, const char *numero, char *msg, size_t msglen);

/* ---- http_req.c: answers, errors, and the checks of the route spec */

/* Sets a JSON answer from obj (stolen). An answer that cannot be built (obj NULL, or not
 * serialisable) becomes the 500 of http_req_fail: never an empty body. */
void http_req_json(struct http_request *req, int status, json_t *obj);
/* The error body of DESIGN.md: {"error": {"codigo": ..., "mensaje": ...}}. */
void http_req_error(struct http_request *req, int status, const char *codigo, const char *mensaje);
void http_req_errorf(struct http_request *req, int status, const char *codigo, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The one exit of a failure inside the server: 503 base_ocupada with Retry-After when s says
 * its last error was a lock timeout, else 500 error_interno with mensaje; why goes to the
 * log only (it may name files or SQL). s may be NULL. */
void http_req_fail(struct http_request *req, struct store *s, const char *why, const char *mensaje);
/* http_req_fail for a database error (store_errmsg of s) and for another module's (why). */
void http_req_store_error(struct http_request *req, struct store *s);
void http_req_internal_error(struct http_request *req, struct store *s, const char *why);
/* The answer of an indicators.c / reconcile.c failure: its status and codigo, or
 * http_req_internal_error for an internal one. */
void http_req_indicators_error(struct http_request *req, struct store *s, enum indicators_rc rc,
			       const char *err);
void http_req_reconcile_error(struct http_request *req, struct store *s, enum reconcile_status st,
			      const char *err);

/* A client-supplied name for a message: out, or "?" when long or not printable UTF-8. */
const char *http_req_shown(const char *s, char *out, size_t outlen);
/* A JSON string of s, or null for NULL or ""; bytes that are not UTF-8 become '?' (a
 * stored message cut inside a character must not make the answer unbuildable). New ref. */
json_t *http_req_text(const char *s);
/* Digits only into [min, max]: 0, -1 when not digits, -2 when out of range. */
int http_req_digits(const char *s, long long min, long long max, long long *out);

/* Query arguments: http_req_arg collects one (libmicrohttpd's iterator calls it), noting the
 * first problem in req->bad; http_req_args_check then refuses that problem or any row's
 * value. 0, or -1 after setting the error answer. */
void http_req_arg(struct http_request *req, const struct http_arg *spec, const char *key,
		  const char *value);
int http_req_args_check(struct http_request *req, const struct http_arg *spec);
/* The body: a JSON object checked against spec (shape, then roles, then values), its
 * members left in req->field. 0, or -1 after setting the error answer. */
int http_req_body_check(struct http_request *req, const struct http_body *spec);

/* ---- http_cache.c: what a server thread keeps between requests */

struct http_thread;
/* The calling thread's state (its store connection and caches), created on first use and
 * freed when the thread ends. Borrowed; never NULL. */
struct http_thread *http_cache_thread(void);
struct store **http_cache_store(struct http_thread *th);
/* The thread's spare answer buffer into b (empty, or with the capacity an earlier answer
 * left); and b back as the spare when there is none and it is at most HTTP_API_SPARE_MAX,
 * else freed. b is left empty (buf_init) after giving. */
void http_cache_buf_take(struct http_thread *th, struct buf *b);
void http_cache_buf_give(struct http_thread *th, struct buf *b);
/* Answers from the cache when key is there at the current data version (returns 1); else
 * remembers key so that http_cache_answer_put keeps the fresh answer (returns 0). */
int http_cache_answer_get(struct http_request *req, struct store *s, const char *key);
/* Keeps resp (a 200 built at the request's version, of len body bytes) under the remembered
 * key. Returns 1 when the cache took its own reference to resp. */
int http_cache_answer_put(struct http_request *req, struct MHD_Response *resp, size_t len);
/* The list total of filters key at the current version, or -1; and keeping one. */
long long http_cache_total_get(struct http_request *req, struct store *s, const char *key);
void http_cache_total_put(struct http_request *req, const char *key, long long total);
/* auth_parse_header of an Authorization header (NULL: none), the SHA-256 skipped when this
 * thread has seen the same header before (HTTP_API_AUTH_CACHE of them, by a keyed 128-bit
 * SipHash; only headers that parsed are kept). */
enum auth_result http_cache_token_hash(struct http_thread *th, const char *authorization,
				       char hash[AUTH_HASH_LEN + 1]);
/* The user of a token hash at the current version: AUTH_OK (req->user and req->role
 * filled, from the cache or the database, then kept), or auth_lookup's refusal. */
enum auth_result http_cache_user(struct http_request *req, struct store *s, const char *hash);

/* ---- http_metrics.c: /metrics and /healthz */

/* Counters for cfg's server (nroutes routes plus the unmatched); borrows poller (NULL: none)
 * and reads the database once to know which sync failures it has recorded. */
struct http_metrics *http_metrics_new(const struct config *cfg, struct sync_poller *poller,
				      size_t nroutes);
void http_metrics_free(struct http_metrics *m);
/* A finished request: its route (-1: none; -2: it never reached the handler, answered by
 * libmicrohttpd itself or cut), status and duration. */
void http_metrics_note(struct http_metrics *m, int route, int status, long long us);
void http_metrics_healthz(struct http_request *req);
void http_metrics_metrics(struct http_request *req);

/* ---- http_radicados.c and http_reports.c: the handlers, and the rows of their input that
 * the route table points at */

/* GET /api/radicados, GET /api/radicados/{numero} */
void http_radicados_list(struct http_request *req);
/* The SLA function (store_sla_fn) every HTTP thread's store connection gets: the "sla" block
 * of a filing (indicators_sla_for with api's configuration and calendar) as JSON text. arg
 * is the struct http_api. */
char *http_radicados_sla_text(void *arg, struct store *s, const char *numero, const char *now,
			      char *err, size_t errlen);
extern const struct http_arg http_radicados_list_args[];
void http_radicados_get(struct http_request *req);
/* the writes: PATCH /api/radicados/{numero}, POST .../reparto, POST .../gestiones */
void http_radicados_patch(struct http_request *req);
extern const struct http_body http_radicados_patch_body;
void http_radicados_reparto(struct http_request *req);
extern const struct http_body http_radicados_reparto_body;
/* One reparto of numero to lawyer_id as POST .../reparto makes it (the workflow's checks,
 * the follow-up's change and its audit, the gestion row), inside the caller's transaction
 * on s, which commits or rolls back. A refusal is answered on req, its message after
 * "<item>: "; a filing that does not exist is a 422 there. 0, or -1 answered. */
int http_radicados_reparto_in(struct http_request *req, struct store *s, const char *numero,
			      long long lawyer_id, const char *item);
void http_radicados_gestiones(struct http_request *req);
extern const struct http_body http_radicados_gestiones_body;
/* GET /api/abogados/carga */
void http_radicados_carga(struct http_request *req);
extern const struct http_arg http_radicados_carga_args[];

/* ---- http_reparto.c: POST /api/reparto, many repartos in one transaction */
#define HTTP_REPARTO_MAX 200 /* assignments in one POST /api/reparto */
void http_reparto_bulk(struct http_request *req);
extern const struct http_body http_reparto_body;

/* ---- http_vistas.c: GET, POST /api/vistas, DELETE /api/vistas/{id} (the caller's own) */
#define HTTP_VISTA_NAME_MAX 60 /* characters of a view's name */
void http_vistas_list(struct http_request *req);
void http_vistas_save(struct http_request *req);
extern const struct http_body http_vistas_body;
void http_vistas_delete(struct http_request *req);

/* GET /api/indicadores, /api/export.xlsx, /api/export.csv: the same period */
extern const struct http_arg http_reports_period_args[];
extern const struct http_arg http_reports_indicadores_args[];
extern const struct http_arg http_reports_export_args[];
extern const struct http_arg http_reports_indicadores_get_args[];
extern const struct http_arg http_reports_cifra_args[];
void http_reports_indicadores(struct http_request *req);
void http_reports_cifra(struct http_request *req);
void http_reports_export_xlsx(struct http_request *req);
void http_reports_export_csv(struct http_request *req);
/* GET /api/calendario/festivos, /api/calendario/sumar */
void http_reports_festivos(struct http_request *req);
extern const struct http_arg http_reports_festivos_args[];
void http_reports_sumar(struct http_request *req);
extern const struct http_arg http_reports_sumar_args[];
/* GET /api/discrepancias, POST /api/discrepancias/{id}/resolver */
void http_reports_discrepancias(struct http_request *req);
extern const struct http_arg http_reports_discrepancias_args[];
void http_reports_resolver(struct http_request *req);
/* POST /api/discrepancias/resolver, POST /api/discrepancias/{id}/aplicar */
void http_reports_resolver_many(struct http_request *req);
extern const struct http_body http_reports_resolver_many_body;
void http_reports_aplicar(struct http_request *req);
extern const struct http_body http_reports_aplicar_body;
extern const struct http_body http_reports_resolver_body;
/* POST /api/sync, GET /api/usuarios/yo */
void http_reports_sync(struct http_request *req);
extern const struct http_body http_reports_sync_body;
void http_reports_yo(struct http_request *req);

#endif
