/* worker.c -- the background threads of serve: one thread shape (store, client, trigger,
 * timed wait on the monotonic clock, join), and on it the sync poller and the daily
 * reconciliation scheduler. Their public names (sync_poller_*, reconcile_scheduler_*,
 * reconcile_next_due) stay those of sync.h and reconcile.h, which declare them. */
#include "worker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "reconcile.h"
#include "sync.h"
#include "util.h"

#define WORKER_AUTH_BACKOFF_FACTOR 10	   /* a rejected key waits this many poll intervals */
#define WORKER_BOGOTA_OFFSET_S (-5 * 3600) /* America/Bogota: UTC-5, no DST since 1993 */
#define WORKER_DAY_S 86400LL
#define WORKER_RECONCILE_MODULE "reconcile"

int worker_start(struct worker *w, const struct config *cfg, const struct mapping *m,
		 atomic_int *stop, void *(*run)(void *), void *arg, const char *what, char *err,
		 size_t errlen)
{
	pthread_condattr_t attr;

	w->stop = stop;
	w->triggered = 0;
	w->store = store_open(cfg->store_path, err, errlen);
	if (w->store == NULL)
		return -1;
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
		store_close(w->store);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		return -1;
	}
	return 0;
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

/* ---- The sync poller: a pass every poll_interval seconds, or when triggered */

struct sync_poller {
	const struct config *cfg;
	const struct mapping *map;
	struct worker w;
	struct sync_poller_stats stats; /* under w.lock */
};

static void *worker_poller_main(void *arg)
{
	struct sync_poller *p = arg;

	while (!atomic_load(p->w.stop)) {
		struct sync_totals totals;
		char err[DS_CLIENT_ERR_LEN];
		int auth_error = 0;
		int rc;

		pthread_mutex_lock(&p->w.lock);
		p->w.triggered = 0;
		p->stats.running = 1;
		pthread_mutex_unlock(&p->w.lock);
		rc = sync_run_pass(p->cfg, p->map, p->w.store, p->w.client, p->w.stop, &totals,
				   &auth_error, err, sizeof(err));
		pthread_mutex_lock(&p->w.lock);
		p->stats.running = 0;
		p->stats.passes++;
		p->stats.passes_failed += rc < 0;
		p->stats.filings_new += totals.filings_new;
		p->stats.filings_changed += totals.filings_changed;
		p->stats.auth_error = auth_error;
		pthread_mutex_unlock(&p->w.lock);
		/* A rejected key is a configuration error: do not hammer the system with it. */
		worker_wait(&p->w, (long long)p->cfg->ds_poll_interval *
				       (auth_error ? WORKER_AUTH_BACKOFF_FACTOR : 1));
	}
	return NULL;
}

struct sync_poller *sync_poller_start(const struct config *cfg, const struct mapping *m,
				      atomic_int *stop, char *err, size_t errlen)
{
	struct sync_poller *p = xcalloc(1, sizeof(*p));

	p->cfg = cfg;
	p->map = m;
	if (worker_start(&p->w, cfg, m, stop, worker_poller_main, p, "sincronización", err,
			 errlen) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

void sync_poller_trigger(struct sync_poller *p)
{
	worker_trigger(&p->w);
}

void sync_poller_join(struct sync_poller *p)
{
	if (p == NULL)
		return;
	worker_join(&p->w);
	free(p);
}

void sync_poller_stats(struct sync_poller *p, struct sync_poller_stats *out)
{
	pthread_mutex_lock(&p->w.lock);
	*out = p->stats;
	pthread_mutex_unlock(&p->w.lock);
}

/* ---- The daily reconciliation */

struct reconcile_scheduler {
	const struct config *cfg;
	const struct mapping *map;
	struct worker w;
	struct reconcile_scheduler_stats stats; /* under w.lock */
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
	worker_wait(&r->w, secs > RECONCILE_SCHED_RECHECK_S ? RECONCILE_SCHED_RECHECK_S : secs);
}

static void *worker_scheduler_main(void *arg)
{
	struct reconcile_scheduler *r = arg;
	long long failed_at = 0;

	while (!atomic_load(r->w.stop)) {
		struct reconcile_totals totals;
		struct store_rc_state state;
		struct sync_state sync;
		char err[RECONCILE_ERR_LEN];
		long long now = (long long)time(NULL);
		long long due;
		int auth_error = 0;
		int rc;

		if (store_rc_state_get(r->w.store, &state) < 0 ||
		    store_sync_get(r->w.store, &sync) < 0) {
			log_error(WORKER_RECONCILE_MODULE, "no se pudo leer el estado: %s",
				  store_errmsg(r->w.store));
			worker_scheduler_wait(r, RECONCILE_SCHED_RECHECK_S);
			continue;
		}
		due = reconcile_next_due(now, r->cfg->reconcile_minutes, state.ultimo_exito);
		if (failed_at > 0 && due <= now && failed_at + RECONCILE_RETRY_S > now)
			due = failed_at + RECONCILE_RETRY_S;
		if (due > now && !worker_triggered(&r->w)) {
			worker_scheduler_wait(r, due - now);
			continue;
		}
		if (sync.last_success[0] == '\0') {
			/* Compare only with a loaded follow-up: wait for the first sync pass. */
			worker_scheduler_wait(r, RECONCILE_WAIT_SYNC_S);
			continue;
		}
		pthread_mutex_lock(&r->w.lock);
		r->w.triggered = 0;
		r->stats.running = 1;
		pthread_mutex_unlock(&r->w.lock);
		rc = reconcile_run(r->cfg, r->map, r->w.store, r->w.client, NULL, NULL, r->w.stop,
				   &totals, NULL, &auth_error, err, sizeof(err));
		failed_at = rc == 0 ? 0 : (long long)time(NULL);
		pthread_mutex_lock(&r->w.lock);
		r->stats.running = 0;
		r->stats.runs++;
		r->stats.runs_failed += rc < 0;
		for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
			r->stats.open_seen[k] = totals.found[k] + totals.still[k];
		pthread_mutex_unlock(&r->w.lock);
	}
	return NULL;
}

struct reconcile_scheduler *reconcile_scheduler_start(const struct config *cfg,
						      const struct mapping *m, atomic_int *stop,
						      char *err, size_t errlen)
{
	struct reconcile_scheduler *r = xcalloc(1, sizeof(*r));

	r->cfg = cfg;
	r->map = m;
	if (worker_start(&r->w, cfg, m, stop, worker_scheduler_main, r, "la conciliación", err,
			 errlen) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

void reconcile_scheduler_trigger(struct reconcile_scheduler *r)
{
	if (r != NULL)
		worker_trigger(&r->w);
}

void reconcile_scheduler_join(struct reconcile_scheduler *r)
{
	if (r == NULL)
		return;
	worker_join(&r->w);
	free(r);
}

void reconcile_scheduler_stats(struct reconcile_scheduler *r, struct reconcile_scheduler_stats *out)
{
	pthread_mutex_lock(&r->w.lock);
	*out = r->stats;
	pthread_mutex_unlock(&r->w.lock);
}
