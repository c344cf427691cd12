/* worker.c -- the background threads of serve: one thread shape (store, client, trigger,
 * timed wait on the monotonic clock, join), and on it the sync poller and the reconciler. */
#include "worker.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "reconcile.h"
#include "sync.h"
#include "util.h"

/* The poller's and the scheduler's public names (sync_poller_*, reconcile_scheduler_*,
 * reconcile_next_due) stay those sync.h and reconcile.h declare for main and http_api. */

#define WORKER_AUTH_BACKOFF_FACTOR 10	   /* a rejected key waits this many poll intervals */
#define WORKER_BOGOTA_OFFSET_S (-5 * 3600) /* America/Bogota: UTC-5, no DST since 1993 */
#define WORKER_DAY_S 86400LL
#define WORKER_RECONCILE_MODULE "reconcile"

int worker_start(struct worker *w, const struct config *cfg, const struct mapping *m,
		 const struct calendar *cal, atomic_int *stop, void *(*run)(void *), void *arg,
		 const char *what, char *err, size_t errlen)
{
	pthread_condattr_t attr;

	w->stop = stop;
	w->triggered = 0;
	/* Opened here once so that a database serve cannot open stops it at start; the thread
	 * then opens it for each run (worker_store) and closes it between runs. */
	w->store = store_open(cfg->store_path, err, errlen);
	if (w->store == NULL)
		return -1;
	store_close(w->store);
	w->store = NULL;
	w->calendar = cal;
	w->sla_ctx.cfg = cfg;
	w->sla_ctx.cal = w->calendar;
	w->client = ds_client_new(cfg, m, stop);
	pthread_mutex_init(&w->lock, NULL);
	/* Timed waits run on the monotonic clock: stepping the wall clock (NTP, by hand) must
	 * neither delay nor hasten a pass. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, run, arg) != 0) {
		set_error(err, errlen, "no se pudo crear el hilo de %s", what);
		ds_client_free(w->client);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		return -1;
	}
	return 0;
}

struct store *worker_store(struct worker *w, const char *module)
{
	char err[STORE_ERR_LEN];

	if (w->store != NULL)
		return w->store;
	w->store = store_open(w->sla_ctx.cfg->store_path, err, sizeof(err));
	if (w->store == NULL) {
		log_error(module, "no se pudo abrir la base de datos: %s", err);
		return NULL;
	}
	store_set_sla(w->store, indicators_sla_text, &w->sla_ctx);
	return w->store;
}

void worker_trigger(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->triggered = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

int worker_triggered(struct worker *w)
{
	int t;

	pthread_mutex_lock(&w->lock);
	t = w->triggered;
	pthread_mutex_unlock(&w->lock);
	return t;
}

void worker_wait(struct worker *w, long long secs)
{
	struct timespec until;

	if (secs < 1)
		secs = 1;
	/* Between runs the thread holds no connection: its schema, statements and page cache
	 * (~0.3 MB at rest; ~19 MB after the first start's SLA refresh at 100,000 filings, the
	 * cache stale anyway once another connection writes) and then the free memory of the
	 * arenas go back to the system. The next run opens it again (a few ms). */
	store_close(w->store);
	w->store = NULL;
	malloc_trim(0);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)secs;
	pthread_mutex_lock(&w->lock);
	while (!w->triggered && !atomic_load(w->stop)) {
		if (pthread_cond_timedwait(&w->wake, &w->lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&w->lock);
}

void worker_join(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	ds_client_free(w->client);
	store_close(w->store);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
}

/* What the poller and the scheduler both hold, first in their structs: the configuration
 * and mapping (borrowed) and their thread. */
struct worker_owner {
	const struct config *cfg;
	const struct mapping *map;
	struct worker w;
};

/* Allocates an owner struct of size bytes (a struct worker_owner first), fills it and runs
 * run(owner) on its thread. Returns it, or NULL with err filled and nothing allocated. */
static void *worker_owner_start(size_t size, const struct config *cfg, const struct mapping *m,
				const struct calendar *cal, atomic_int *stop, void *(*run)(void *),
				const char *what, char *err, size_t errlen)
{
	struct worker_owner *o = xcalloc(1, size);

	o->cfg = cfg;
	o->map = m;
	if (worker_start(&o->w, cfg, m, cal, stop, run, o, what, err, errlen) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

/* Joins the owner's thread and frees the owner. */
static void worker_owner_join(struct worker_owner *o)
{
	worker_join(&o->w);
	free(o);
}

/* Copies n bytes of the owner's counters at src to dst under w's lock. */
static void worker_copy_stats(struct worker *w, void *dst, const void *src, size_t n)
{
	pthread_mutex_lock(&w->lock);
	memcpy(dst, src, n);
	pthread_mutex_unlock(&w->lock);
}

/* Marks the start of a run: the trigger that asked for it is spent, and *running is set
 * under w's lock. */
static void worker_run_begins(struct worker *w, int *running)
{
	pthread_mutex_lock(&w->lock);
	w->triggered = 0;
	*running = 1;
	pthread_mutex_unlock(&w->lock);
}

/* ---- The sync poller: a pass every poll_interval seconds, or when triggered */

struct sync_poller {
	struct worker_owner o;		/* first: the thread's argument is the whole struct */
	struct sync_poller_stats stats; /* under o.w.lock */
};

static void *worker_poller_main(void *arg)
{
	struct sync_poller *p = arg;

	while (!atomic_load(p->o.w.stop)) {
		struct sync_totals totals = {0};
		struct store *store;
		char err[DS_CLIENT_ERR_LEN];
		int auth_error = 0;
		int rc;

		worker_run_begins(&p->o.w, &p->stats.running);
		store = worker_store(&p->o.w, "sync");
		rc = store == NULL
			 ? -1
			 : sync_run_pass(p->o.cfg, p->o.map, store, p->o.w.client, p->o.w.stop,
					 &totals, &auth_error, err, sizeof(err));
		pthread_mutex_lock(&p->o.w.lock);
		p->stats.running = 0;
		p->stats.passes++;
		p->stats.passes_failed += rc < 0;
		p->stats.filings_new += totals.filings_new;
		p->stats.filings_changed += totals.filings_changed;
		p->stats.auth_error = auth_error;
		pthread_mutex_unlock(&p->o.w.lock);
		/* A rejected key is a configuration error: do not hammer the system with it. */
		worker_wait(&p->o.w, (long long)p->o.cfg->ds_poll_interval *
					 (auth_error ? WORKER_AUTH_BACKOFF_FACTOR : 1));
	}
	return NULL;
}

struct sync_poller *sync_poller_start(const struct config *cfg, const struct mapping *m,
				      const struct calendar *cal, atomic_int *stop, char *err,
				      size_t errlen)
{
	return worker_owner_start(sizeof(struct sync_poller), cfg, m, cal, stop, worker_poller_main,
				  "sincronización", err, errlen);
}

void sync_poller_trigger(struct sync_poller *p)
{
	worker_trigger(&p->o.w);
}

void sync_poller_join(struct sync_poller *p)
{
	if (p != NULL)
		worker_owner_join(&p->o);
}

void sync_poller_stats(struct sync_poller *p, struct sync_poller_stats *out)
{
	worker_copy_stats(&p->o.w, out, &p->stats, sizeof(*out));
}

/* ---- The daily reconciliation */

struct reconcile_scheduler {
	struct worker_owner o; /* first: the thread's argument is the whole struct */
	struct reconcile_scheduler_stats stats; /* under o.w.lock */
};

long long reconcile_next_due(long long now, int minutes, const char *last_ok_iso)
{
	long long local = now + WORKER_BOGOTA_OFFSET_S;
	long long day = local - ((local % WORKER_DAY_S) + WORKER_DAY_S) % WORKER_DAY_S;
	long long sched = day + (long long)minutes * 60;
	long long recent;
	char iso[UTIL_ISO_LEN];

	if (local < sched)
		sched -= WORKER_DAY_S;
	recent = sched - WORKER_BOGOTA_OFFSET_S;
	util_time_iso(recent, iso);
	if (last_ok_iso == NULL || last_ok_iso[0] == '\0' || strcmp(last_ok_iso, iso) < 0)
		return now;
	return recent + WORKER_DAY_S;
}

/* Sleeps until secs from now (looking at the schedule again after RECONCILE_SCHED_RECHECK_S
 * at the most), a trigger or stop. */
static void worker_scheduler_wait(struct reconcile_scheduler *r, long long secs)
{
	worker_wait(&r->o.w, secs > RECONCILE_SCHED_RECHECK_S ? RECONCILE_SCHED_RECHECK_S : secs);
}

static void *worker_scheduler_main(void *arg)
{
	struct reconcile_scheduler *r = arg;
	long long failed_at = 0;

	while (!atomic_load(r->o.w.stop)) {
		struct reconcile_totals totals;
		struct store_rc_state state;
		struct sync_state sync;
		struct store *store;
		char err[RECONCILE_ERR_LEN];
		long long now = (long long)time(NULL);
		long long due;
		int auth_error = 0;
		int rc;

		/* The stored SLA blocks of a new day (business days move at midnight) are worked
		 * out here, within a minute of it, not by the first reader of the morning; and so
		 * are rows another program wrote. Cheap when nothing changed. */
		store = worker_store(&r->o.w, WORKER_RECONCILE_MODULE);
		if (store == NULL) {
			worker_scheduler_wait(r, RECONCILE_SCHED_RECHECK_S);
			continue;
		}
		store_sla_fresh(store, NULL);
		if (store_rc_state_get(store, &state) < 0 || store_sync_get(store, &sync) < 0) {
			log_error(WORKER_RECONCILE_MODULE, "no se pudo leer el estado: %s",
				  store_errmsg(store));
			worker_scheduler_wait(r, RECONCILE_SCHED_RECHECK_S);
			continue;
		}
		due = reconcile_next_due(now, r->o.cfg->reconcile_minutes, state.ultimo_exito);
		if (failed_at > 0 && due <= now && failed_at + RECONCILE_RETRY_S > now)
			due = failed_at + RECONCILE_RETRY_S;
		if (due > now && !worker_triggered(&r->o.w)) {
			worker_scheduler_wait(r, due - now);
			continue;
		}
		if (sync.last_success[0] == '\0') {
			/* Compare only with a loaded follow-up: wait for the first sync pass. */
			worker_scheduler_wait(r, RECONCILE_WAIT_SYNC_S);
			continue;
		}
		worker_run_begins(&r->o.w, &r->stats.running);
		rc = reconcile_run(r->o.cfg, r->o.map, store, r->o.w.client, NULL, NULL,
				   r->o.w.stop, &totals, NULL, &auth_error, err, sizeof(err));
		failed_at = rc == 0 ? 0 : (long long)time(NULL);
		pthread_mutex_lock(&r->o.w.lock);
		r->stats.running = 0;
		r->stats.runs++;
		r->stats.runs_failed += rc < 0;
		for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
			r->stats.open_seen[k] = totals.found[k] + totals.still[k];
		pthread_mutex_unlock(&r->o.w.lock);
	}
	return NULL;
}

struct reconcile_scheduler *reconcile_scheduler_start(const struct config *cfg,
						      const struct mapping *m,
						      const struct calendar *cal, atomic_int *stop,
						      char *err, size_t errlen)
{
	return worker_owner_start(sizeof(struct reconcile_scheduler), cfg, m, cal, stop,
				  worker_scheduler_main, "la conciliación", err, errlen);
}

void reconcile_scheduler_stats(struct reconcile_scheduler *r, struct reconcile_scheduler_stats *out)
{
	worker_copy_stats(&r->o.w, out, &r->stats, sizeof(*out));
}

void reconcile_scheduler_trigger(struct reconcile_scheduler *r)
{
	if (r != NULL)
		worker_trigger(&r->o.w);
}

void reconcile_scheduler_join(struct reconcile_scheduler *r)
{
	if (r != NULL)
		worker_owner_join(&r->o);
}
