/* http_metrics.c -- /metrics and /healthz: the request counters of every route, the filings
 * and discrepancies by state, and the sync as the database and the poller both see it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_int.h"
#include "log.h"
#include "reconcile.h"
#include "sync.h"
#include "workflow.h"

static const int http_metrics_statuses[] = {200, 201, 202, 400, 401, 403, 404, 405,
					    409, 413, 414, 415, 422, 431, 500, 503};
#define HTTP_METRICS_NSTATUS (sizeof(http_metrics_statuses) / sizeof(http_metrics_statuses[0]) + 1)
/* Upper bounds of the latency histogram, in microseconds (+Inf is implicit). */
/* The cursor kinds sync stores (sync_int.h), one segcont_sync_cursor_kind line each. */
static const char *const http_metrics_cursor_kinds[] = {"fecha", "instante", "token"};
#define HTTP_METRICS_NKINDS                                                                        \
	(sizeof(http_metrics_cursor_kinds) / sizeof(http_metrics_cursor_kinds[0]))
static const long long http_metrics_buckets_us[] = {250,   500,	  1000,	  2500,	  5000,	   10000,
						    25000, 50000, 100000, 250000, 1000000, 2500000};
#define HTTP_METRICS_NBUCKETS                                                                      \
	(sizeof(http_metrics_buckets_us) / sizeof(http_metrics_buckets_us[0]) + 1)

struct http_metrics_route {
	atomic_ulong status[HTTP_METRICS_NSTATUS];
	atomic_ulong bucket[HTTP_METRICS_NBUCKETS]; /* not cumulative; summed when written */
	atomic_ullong sum_us;
};

/* The poller's failed passes that the database did not record (its sync_estado cannot be
 * written): what the poller counted minus what the database counted, since a baseline taken
 * at start and again after each successful pass. */
struct http_metrics_watch {
	pthread_mutex_t lock;
	long ok;	  /* the poller's successful passes at the baseline */
	long failed;	  /* its failed passes at the baseline */
	long db_failures; /* sync_estado.fallos at the baseline */
};

struct http_metrics {
	struct sync_poller *poller;
	size_t nroutes;
	struct http_metrics_route *route; /* nroutes + 1: the last one for unmatched requests */
	atomic_ulong unhandled;		  /* ended before the handler saw them */
	struct http_metrics_watch watch;
	/* The database's integrity, checked by a thread of its own when the server starts and
	 * every HTTP_API_INTEGRITY_EVERY_S after (a check reads every page: seconds at 100,000
	 * filings, which a request thread would spend with its other connections waiting). */
	pthread_mutex_t integrity_lock;
	pthread_cond_t integrity_cond;
	pthread_t integrity_thread;
	int integrity_started; /* the thread runs */
	int integrity_done;    /* its first check ended */
	int integrity_stop;
	int integrity_bad;
	char *store_path;
};

/* One integrity check on a connection of its own, which closes after it (nothing held
 * between checks). 1 when the database is damaged, else 0 (one it cannot open: -1, the
 * connections that serve requests tell then). */
static int http_metrics_check_once(const char *path)
{
	char err[STORE_ERR_LEN];
	struct store *s = store_open(path, err, sizeof(err));
	int bad;

	if (s == NULL) {
		log_warn(HTTP_MODULE, "comprobación de integridad: %s", err);
		return -1;
	}
	err[0] = '\0';
	bad = store_check_integrity(s, err, sizeof(err)) != 0;
	if (bad)
		log_error(HTTP_MODULE, "la base de datos está dañada: %s", err);
	store_close(s);
	return bad;
}

static void *http_metrics_integrity_main(void *arg)
{
	struct http_metrics *m = arg;

	pthread_mutex_lock(&m->integrity_lock);
	while (!m->integrity_stop) {
		struct timespec until;
		int bad;

		pthread_mutex_unlock(&m->integrity_lock);
		bad = http_metrics_check_once(m->store_path);
		pthread_mutex_lock(&m->integrity_lock);
		if (bad >= 0)
			m->integrity_bad = bad;
		m->integrity_done = 1;
		pthread_cond_broadcast(&m->integrity_cond);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += HTTP_API_INTEGRITY_EVERY_S;
		while (!m->integrity_stop &&
		       pthread_cond_timedwait(&m->integrity_cond, &m->integrity_lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&m->integrity_lock);
	return NULL;
}

/* Starts the integrity thread (its condition variable on the monotonic clock). A thread
 * that cannot start leaves /healthz without the check (logged). */
static void http_metrics_integrity_start(struct http_metrics *m, const char *path)
{
	pthread_condattr_t ca;

	m->store_path = xstrdup(path);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->integrity_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&m->integrity_thread, NULL, http_metrics_integrity_main, m) == 0)
		m->integrity_started = 1;
	else
		log_error(HTTP_MODULE, "no se pudo iniciar la comprobación de integridad");
}

struct http_metrics *http_metrics_new(const struct config *cfg, struct sync_poller *poller,
				      size_t nroutes)
{
	struct http_metrics *m = xcalloc(1, sizeof(*m));
	char err[STORE_ERR_LEN];
	struct store *s;

	m->poller = poller;
	m->nroutes = nroutes;
	m->route = xcalloc(nroutes + 1, sizeof(*m->route));
	pthread_mutex_init(&m->watch.lock, NULL);
	pthread_mutex_init(&m->integrity_lock, NULL);
	http_metrics_integrity_start(m, cfg->store_path);
	if (poller == NULL)
		return m;
	/* The database first, then the poller: a pass counted by the poller in between is one
	 * the database recorded (it records before the poller counts). */
	s = store_open(cfg->store_path, err, sizeof(err));
	if (s != NULL) {
		struct sync_state st;

		if (store_sync_get(s, &st) == 0)
			m->watch.db_failures = st.failures;
		store_close(s);
	}
	{
		struct sync_poller_stats ps;

		sync_poller_stats(poller, &ps);
		m->watch.ok = ps.passes - ps.passes_failed;
		m->watch.failed = ps.passes_failed;
	}
	return m;
}

void http_metrics_free(struct http_metrics *m)
{
	if (m == NULL)
		return;
	if (m->integrity_started) {
		pthread_mutex_lock(&m->integrity_lock);
		m->integrity_stop = 1;
		pthread_cond_broadcast(&m->integrity_cond);
		pthread_mutex_unlock(&m->integrity_lock);
		pthread_join(m->integrity_thread, NULL);
	}
	pthread_cond_destroy(&m->integrity_cond);
	pthread_mutex_destroy(&m->watch.lock);
	pthread_mutex_destroy(&m->integrity_lock);
	free(m->store_path);
	free(m->route);
	free(m);
}

void http_metrics_note(struct http_metrics *m, int route, int status, long long us)
{
	struct http_metrics_route *r;
	size_t k = HTTP_METRICS_NSTATUS - 1;
	size_t b = HTTP_METRICS_NBUCKETS - 1;

	if (route == -2) {
		atomic_fetch_add(&m->unhandled, 1);
		return;
	}
	r = &m->route[route >= 0 ? (size_t)route : m->nroutes];
	for (size_t i = 0; i < HTTP_METRICS_NSTATUS - 1; i++) {
		if (http_metrics_statuses[i] == status)
			k = i;
	}
	for (size_t i = 0; i < HTTP_METRICS_NBUCKETS - 1; i++) {
		if (us <= http_metrics_buckets_us[i]) {
			b = i;
			break;
		}
	}
	atomic_fetch_add(&r->status[k], 1);
	atomic_fetch_add(&r->bucket[b], 1);
	atomic_fetch_add(&r->sum_us, (unsigned long long)(us > 0 ? us : 0));
}

/* The poller's counters (ps) and its failed passes missing from the database (st), read in
 * that order: a pass the poller counts after reading ps was recorded before st was read,
 * so the difference never counts a recorded failure. Zeroes without a poller. */
static long http_metrics_unrecorded(struct http_metrics *m, const struct sync_poller_stats *ps,
				    const struct sync_state *st)
{
	struct http_metrics_watch *w = &m->watch;
	long ok = ps->passes - ps->passes_failed;
	long n;

	if (m->poller == NULL)
		return 0;
	pthread_mutex_lock(&w->lock);
	if (ok > w->ok || st->failures < w->db_failures) {
		/* a pass went through (or the database was replaced): start over */
		w->ok = ok;
		w->failed = ps->passes_failed;
		w->db_failures = st->failures;
	}
	n = (ps->passes_failed - w->failed) - (st->failures - w->db_failures);
	pthread_mutex_unlock(&w->lock);
	return n > 0 ? n : 0;
}

static void http_metrics_poller(struct http_metrics *m, struct sync_poller_stats *ps)
{
	memset(ps, 0, sizeof(*ps));
	if (m->poller != NULL)
		sync_poller_stats(m->poller, ps);
}

/* 1 when the database is known to be damaged: a connection met SQLITE_CORRUPT, or the
 * integrity thread's last check failed. Until its first check has ended (after a start)
 * the answer waits for it; later ones run while /healthz answers with the last. */
static int http_metrics_corrupt(struct http_metrics *m)
{
	int bad;

	if (store_corruption_seen())
		return 1;
	pthread_mutex_lock(&m->integrity_lock);
	while (m->integrity_started && !m->integrity_done && !m->integrity_stop)
		pthread_cond_wait(&m->integrity_cond, &m->integrity_lock);
	bad = m->integrity_bad;
	pthread_mutex_unlock(&m->integrity_lock);
	return bad;
}

/* ---- GET /healthz */

/* The sync object of /healthz. deleted: filings the document system deleted (-1: unknown,
 * left out). */
static json_t *http_metrics_sync_json(const struct sync_state *st,
				      const struct sync_poller_stats *ps, int have_poller,
				      long unrecorded, long deleted)
{
	json_t *sync = json_pack(
	    "{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "cursor",
	    http_req_text(st->cursor), "cursor_tipo", http_req_text(st->cursor_kind),
	    "ultimo_intento", http_req_text(st->last_attempt), "ultimo_exito",
	    http_req_text(st->last_success), "degradado_desde", http_req_text(st->degraded_since),
	    "ultimo_error", http_req_text(st->last_error), "pasadas", (json_int_t)st->passes,
	    "fallos", (json_int_t)st->failures, "nuevos", (json_int_t)st->filings_new, "cambiados",
	    (json_int_t)st->filings_changed);

	if (sync == NULL)
		return sync;
	/* A change-token profile's backfill in progress: the token it will follow. */
	if (st->token_pending[0] != '\0')
		json_object_set_new(sync, "token_pendiente", http_req_text(st->token_pending));
	if (deleted >= 0)
		json_object_set_new(sync, "eliminados_sgd", json_integer(deleted));
	if (!have_poller)
		return sync;
	json_object_set_new(sync, "en_curso", json_boolean(ps->running));
	json_object_set_new(sync, "error_de_clave", json_boolean(ps->auth_error));
	if (unrecorded > 0)
		json_object_set_new(sync, "fallos_sin_registrar", json_integer(unrecorded));
	return sync;
}

void http_metrics_healthz(struct http_request *req)
{
	struct http_metrics *m = req->api->metrics;
	struct store *s = http_api_store(req);
	struct sync_poller_stats ps;
	struct sync_state st;
	json_t *sync;
	long unrecorded;
	char msg[HTTP_MSG_LEN];

	http_metrics_poller(m, &ps);
	if (s == NULL || store_sync_get(s, &st) < 0) {
		http_req_json(req, 503,
			      json_pack("{s:s, s:s, s:s}", "estado", "error", "base_de_datos",
					"inaccesible", "mensaje",
					"no se puede leer la base de datos de seguimiento"));
		return;
	}
	unrecorded = http_metrics_unrecorded(m, &ps, &st);
	sync = http_metrics_sync_json(&st, &ps, m->poller != NULL, unrecorded,
				      store_count_deleted_sgd(s));
	if (http_metrics_corrupt(m)) {
		http_req_json(req, 503,
			      json_pack("{s:s, s:s, s:s, s:o*}", "estado", "error", "mensaje",
					"la base de datos de seguimiento está dañada: restáurela "
					"de la copia de seguridad (detalle en el registro)",
					"base_de_datos", "corrupta", "sync", sync));
		return;
	}
	{
		char why[HTTP_MSG_LEN / 2];
		char since[UTIL_ISO_LEN];
		long long at;

		if (store_write_failing(why, sizeof(why), &at)) {
			util_time_iso(at, since);
			snprintf(msg, sizeof(msg),
				 "la base de datos no acepta escrituras desde %s: %s", since, why);
			http_req_json(req, 503,
				      json_pack("{s:s, s:o, s:s, s:o*}", "estado", "error",
						"mensaje", http_req_text(msg), "base_de_datos",
						"escritura_fallida", "sync", sync));
			return;
		}
	}
	if (unrecorded >= HTTP_API_UNRECORDED_FAILURES) {
		snprintf(msg, sizeof(msg),
			 "sincronización degradada: %ld pasadas fallaron sin quedar registradas "
			 "porque la base de datos no acepta escrituras%s",
			 unrecorded,
			 ps.auth_error ? "; la última, además, por una clave del servicio rechazada"
				       : "");
		http_req_json(req, 503,
			      json_pack("{s:s, s:o, s:s, s:o*}", "estado", "degradado", "mensaje",
					http_req_text(msg), "base_de_datos", "escritura_fallida",
					"sync", sync));
		return;
	}
	if (st.degraded_since[0] != '\0') {
		snprintf(msg, sizeof(msg), "sincronización degradada desde %s", st.degraded_since);
		http_req_json(req, 503,
			      json_pack("{s:s, s:o, s:s, s:o*}", "estado", "degradado", "mensaje",
					http_req_text(msg), "base_de_datos", "ok", "sync", sync));
		return;
	}
	http_req_json(
	    req, 200,
	    json_pack("{s:s, s:s, s:o*}", "estado", "ok", "base_de_datos", "ok", "sync", sync));
}

/* ---- GET /metrics */

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS±HH:MM", or -1. */
static long long http_metrics_iso_epoch(const char *iso)
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

struct http_metrics_counts {
	long long n[WORKFLOW_NESTADOS];
};

static int http_metrics_count_one(const char *estado, long long n, void *arg)
{
	struct http_metrics_counts *c = arg;
	int e = workflow_estado_parse(estado);

	if (e >= 0)
		c->n[e] = n;
	return 0;
}

/* The reconciliation's part: open discrepancies per tipo (from the database) and, inside
 * `serve`, the daily runs. Returns 0, or -1 after setting the error answer. */
static int http_metrics_reconcile(struct http_request *req, struct store *s)
{
	struct buf *o = &req->out;
	char err[RECONCILE_ERR_LEN];
	json_t *j = NULL;
	json_t *por_tipo;
	enum reconcile_status st =
	    reconcile_list_json(s, "abierta", NULL, 1, 1, &j, err, sizeof(err));

	if (st != RECONCILE_OK) {
		http_req_reconcile_error(req, s, st, err);
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

/* The sync's part: the database's counters plus the failures it could not record. */
static void http_metrics_sync(struct http_metrics *m, struct buf *o, const struct sync_state *st,
			      const struct sync_poller_stats *ps, long unrecorded)
{
	long long last =
	    st->last_success[0] != '\0' ? http_metrics_iso_epoch(st->last_success) : -1;

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
		   st->passes + st->failures + unrecorded, st->failures + unrecorded,
		   st->filings_new, st->filings_changed);
	buf_printf(o,
		   "# HELP segcont_sync_last_success_timestamp_seconds Última pasada completa.\n"
		   "# TYPE segcont_sync_last_success_timestamp_seconds gauge\n"
		   "segcont_sync_last_success_timestamp_seconds %lld\n"
		   "# HELP segcont_sync_degraded 1 cuando la sincronización está degradada.\n"
		   "# TYPE segcont_sync_degraded gauge\n"
		   "segcont_sync_degraded %d\n",
		   last > 0 ? last : 0,
		   st->degraded_since[0] != '\0' || unrecorded >= HTTP_API_UNRECORDED_FAILURES);
	/* The cursor's kind (what /healthz says in cursor_tipo) and whether a change-token
	 * profile's backfill is still ahead of its pending token. */
	buf_puts(o, "# HELP segcont_sync_cursor_kind 1 en el tipo del cursor guardado (fecha, "
		    "instante o token).\n"
		    "# TYPE segcont_sync_cursor_kind gauge\n");
	for (size_t i = 0; i < HTTP_METRICS_NKINDS; i++)
		buf_printf(o, "segcont_sync_cursor_kind{tipo=\"%s\"} %d\n",
			   http_metrics_cursor_kinds[i],
			   strcmp(st->cursor_kind, http_metrics_cursor_kinds[i]) == 0);
	buf_printf(o,
		   "# HELP segcont_sync_token_pending 1 mientras la carga inicial de un perfil de "
		   "token de cambios no llega a hoy (hay un token pendiente).\n"
		   "# TYPE segcont_sync_token_pending gauge\n"
		   "segcont_sync_token_pending %d\n",
		   st->token_pending[0] != '\0');
	if (m->poller == NULL)
		return;
	buf_printf(o,
		   "# HELP segcont_sync_running 1 mientras corre una pasada.\n"
		   "# TYPE segcont_sync_running gauge\n"
		   "segcont_sync_running %d\n"
		   "# HELP segcont_sync_unrecorded_failures Pasadas fallidas que la base de datos "
		   "no pudo registrar (desde la última completa).\n"
		   "# TYPE segcont_sync_unrecorded_failures gauge\n"
		   "segcont_sync_unrecorded_failures %ld\n"
		   "# HELP segcont_sync_process_passes_total Pasadas de este proceso (completas o "
		   "no).\n"
		   "# TYPE segcont_sync_process_passes_total counter\n"
		   "segcont_sync_process_passes_total %ld\n"
		   "# HELP segcont_sync_process_failures_total Pasadas fallidas de este proceso.\n"
		   "# TYPE segcont_sync_process_failures_total counter\n"
		   "segcont_sync_process_failures_total %ld\n",
		   ps->running, unrecorded, ps->passes, ps->passes_failed);
}

/* The request counters and the latency histogram of every route. */
static void http_metrics_http(struct http_metrics *m, struct buf *o)
{
	buf_puts(o, "# HELP segcont_http_requests_total Solicitudes HTTP por ruta y estado.\n"
		    "# TYPE segcont_http_requests_total counter\n");
	for (size_t r = 0; r <= m->nroutes; r++) {
		const struct http_route *rt = http_api_route(r);
		const char *pat = rt != NULL ? rt->pattern : HTTP_ROUTE_OTHER;
		const char *meth = rt != NULL ? rt->method : "";

		for (size_t k = 0; k < HTTP_METRICS_NSTATUS; k++) {
			unsigned long n = atomic_load(&m->route[r].status[k]);
			char code[8];

			if (n == 0)
				continue;
			if (k < HTTP_METRICS_NSTATUS - 1)
				snprintf(code, sizeof(code), "%d", http_metrics_statuses[k]);
			else
				strlcpy_s(code, "otro", sizeof(code));
			buf_printf(o,
				   "segcont_http_requests_total{route=\"%s\",method=\"%s\","
				   "status=\"%s\"} %lu\n",
				   pat, meth, code, n);
		}
	}
	buf_printf(o,
		   "# HELP segcont_http_unhandled_total Solicitudes leídas hasta la ruta que no "
		   "llegaron a segcont: libmicrohttpd respondió por sí misma (mal formadas) o la "
		   "conexión falló.\n"
		   "# TYPE segcont_http_unhandled_total counter\n"
		   "segcont_http_unhandled_total %lu\n",
		   atomic_load(&m->unhandled));
	buf_puts(o, "# HELP segcont_http_request_duration_seconds Duración de las solicitudes.\n"
		    "# TYPE segcont_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= m->nroutes; r++) {
		const struct http_route *rt = http_api_route(r);
		const char *pat = rt != NULL ? rt->pattern : HTTP_ROUTE_OTHER;
		const char *meth = rt != NULL ? rt->method : "";
		unsigned long cum = 0;

		for (size_t b = 0; b < HTTP_METRICS_NBUCKETS; b++) {
			char le[16];

			cum += atomic_load(&m->route[r].bucket[b]);
			if (b < HTTP_METRICS_NBUCKETS - 1)
				snprintf(le, sizeof(le), "%g", http_metrics_buckets_us[b] / 1e6);
			else
				strlcpy_s(le, "+Inf", sizeof(le));
			buf_printf(o,
				   "segcont_http_request_duration_seconds_bucket{route=\"%s\","
				   "method=\"%s\",le=\"%s\"} %lu\n",
				   pat, meth, le, cum);
		}
		buf_printf(
		    o,
		    "segcont_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} "
		    "%.6f\n"
		    "segcont_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} "
		    "%lu\n",
		    pat, meth, atomic_load(&m->route[r].sum_us) / 1e6, pat, meth, cum);
	}
}

void http_metrics_metrics(struct http_request *req)
{
	struct http_metrics *m = req->api->metrics;
	struct store *s = http_api_store(req);
	struct http_metrics_counts counts;
	struct sync_poller_stats ps;
	struct sync_state st;
	struct buf *o = &req->out;
	long unrecorded;
	long deleted = -1;

	memset(&counts, 0, sizeof(counts));
	http_metrics_poller(m, &ps);
	if (s != NULL)
		deleted = store_count_deleted_sgd(s);
	if (s == NULL || deleted < 0 ||
	    store_count_by_estado(s, http_metrics_count_one, &counts) < 0 ||
	    store_sync_get(s, &st) < 0) {
		http_req_store_error(req, s);
		return;
	}
	unrecorded = http_metrics_unrecorded(m, &ps, &st);
	buf_reset(o);
	buf_puts(o, "# HELP segcont_radicados Radicados por estado del seguimiento.\n"
		    "# TYPE segcont_radicados gauge\n");
	for (int e = 0; e < WORKFLOW_NESTADOS; e++)
		buf_printf(o, "segcont_radicados{estado=\"%s\"} %lld\n", workflow_estado_name(e),
			   counts.n[e]);
	buf_printf(o,
		   "# HELP segcont_radicados_eliminados_sgd Radicados que el sistema documental "
		   "eliminó.\n"
		   "# TYPE segcont_radicados_eliminados_sgd gauge\n"
		   "segcont_radicados_eliminados_sgd %ld\n",
		   deleted);
	http_metrics_sync(m, o, &st, &ps, unrecorded);
	buf_printf(o,
		   "# HELP segcont_database_corrupt 1 cuando la base de datos mostró daños.\n"
		   "# TYPE segcont_database_corrupt gauge\n"
		   "segcont_database_corrupt %d\n",
		   store_corruption_seen() != 0);
	if (http_metrics_reconcile(req, s) < 0)
		return;
	http_metrics_http(m, o);
	req->status = 200;
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
