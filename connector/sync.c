/* sync.c -- one sync pass: walk windows from the cursor to today; for each, fetch and
 * parse everything first, then upsert it all and move the cursor in one transaction. */
#include "sync.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "worker.h"

#define SYNC_AUTH_BACKOFF_FACTOR 10 /* a rejected key waits this many intervals */

static int sync_store_window(const struct mapping *m, struct store *st, struct filing_list *listed,
			     const char *cursor, const unsigned char *fresh, struct sync_totals *w,
			     char *err, size_t errlen)
{
	char now[UTIL_ISO_LEN];

	util_now_iso(now);
	if (store_begin(st) < 0) {
		set_error(err, errlen, "no se pudo abrir la transacción: %s", store_errmsg(st));
		return -1;
	}
	for (size_t i = 0; i < listed->count; i++) {
		struct filing *f = &listed->items[i];
		enum store_upsert res;
		int rc;

		if (!fresh[i]) {
			rc = store_touch_filing(st, f->numero, now);
			if (rc < 0)
				goto fail;
			w->filings_unchanged++;
			continue;
		}
		if (store_upsert_filing(st, f, mapping_classify(m, f), now, &res) < 0)
			goto fail;
		if (res == STORE_UPSERT_NEW)
			w->filings_new++;
		else if (res == STORE_UPSERT_CHANGED)
			w->filings_changed++;
		else
			w->filings_unchanged++;
	}
	if (cursor != NULL && store_sync_set_cursor(st, cursor) < 0)
		goto fail;
	if (store_commit(st) < 0)
		goto fail;
	return 0;
fail:
	set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
	store_rollback(st);
	return -1;
}

/* Runs a window; cursor, when not NULL, is stored with it. */
static int sync_window(const struct config *cfg, const struct mapping *m, struct store *st,
		       struct ds_client *dc, const char *from, const char *to, const char *cursor,
		       struct sync_totals *totals, enum ds_answer *answer, char *err, size_t errlen)
{
	struct filing_list listed;
	struct filing **todo = NULL;
	unsigned char *fresh = NULL;
	struct sync_totals w;
	size_t ntodo = 0;
	long long start = util_monotonic_ms();
	enum ds_answer a;
	int ret = -1;

	(void)cfg;
	memset(&w, 0, sizeof(w));
	filing_list_init(&listed);
	a = ds_client_list(dc, from, to, &listed, err, errlen);
	*answer = a;
	if (a != DS_OK && a != DS_EMPTY)
		goto done;
	fresh = xcalloc(listed.count ? listed.count : 1, 1);
	todo = xcalloc(listed.count ? listed.count : 1, sizeof(*todo));
	for (size_t i = 0; i < listed.count; i++) {
		char stored[65];
		char now_hash[65];
		int found = store_listed_hash(st, listed.items[i].numero, stored);

		if (found < 0) {
			set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
			goto done;
		}
		filing_hash(&listed.items[i], 1, now_hash);
		if (found == 1 && strcmp(stored, now_hash) == 0)
			continue;
		fresh[i] = 1;
		todo[ntodo++] = &listed.items[i];
	}
	a = ds_client_details(dc, todo, ntodo, err, errlen);
	*answer = a;
	if (a != DS_OK)
		goto done;
	if (sync_store_window(m, st, &listed, cursor, fresh, &w, err, errlen) < 0)
		goto done;
	w.windows = 1;
	w.elapsed_ms = util_monotonic_ms() - start;
	log_info("sync",
		 "ventana %s..%s: %zu listados, %ld nuevos, %ld cambiados, %ld sin cambio, "
		 "%zu consultas de detalle, %lld ms",
		 from, to, listed.count, w.filings_new, w.filings_changed, w.filings_unchanged,
		 ntodo, w.elapsed_ms);
	totals->windows += w.windows;
	totals->filings_new += w.filings_new;
	totals->filings_changed += w.filings_changed;
	totals->filings_unchanged += w.filings_unchanged;
	ret = 0;
done:
	free(todo);
	free(fresh);
	filing_list_free(&listed);
	return ret;
}

int sync_run_window(const struct config *cfg, const struct mapping *m, struct store *st,
		    struct ds_client *dc, const char *from, const char *to,
		    struct sync_totals *totals, enum ds_answer *answer, char *err, size_t errlen)
{
	return sync_window(cfg, m, st, dc, from, to, NULL, totals, answer, err, errlen);
}

int sync_run_pass(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, atomic_int *stop, struct sync_totals *totals,
		  int *auth_error, char *err, size_t errlen)
{
	struct sync_state state;
	char today[11];
	char from[11];
	char now[UTIL_ISO_LEN];
	long long start = util_monotonic_ms();
	int max_days = mapping_max_window_days(m);
	int ret = -1;

	memset(totals, 0, sizeof(*totals));
	*auth_error = 0;
	err[0] = '\0';
	util_today(today);
	if (max_days < 1)
		max_days = 1;
	if (store_sync_get(st, &state) < 0) {
		set_error(err, errlen, "no se pudo leer el estado de sincronización: %s",
			  store_errmsg(st));
		goto record;
	}
	if (state.cursor[0] == '\0')
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	else if (util_date_add(state.cursor, -SYNC_OVERLAP_DAYS, from) < 0)
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	if (strcmp(from, cfg->ds_backfill_from) < 0)
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	if (strcmp(from, today) > 0)
		strlcpy_s(from, today, sizeof(from));
	for (;;) {
		char to[11];
		enum ds_answer a;

		if (stop != NULL && atomic_load(stop)) {
			set_error(err, errlen, "interrumpido: el proceso se está deteniendo");
			goto record;
		}
		util_date_add(from, max_days - 1, to);
		if (strcmp(to, today) > 0)
			strlcpy_s(to, today, sizeof(to));
		if (sync_window(cfg, m, st, dc, from, to, to, totals, &a, err, errlen) < 0) {
			if (a == DS_AUTH)
				*auth_error = 1;
			goto record;
		}
		if (strcmp(to, today) >= 0)
			break;
		util_date_add(to, 1, from);
	}
	ret = 0;
record:
	totals->elapsed_ms = util_monotonic_ms() - start;
	util_now_iso(now);
	if (store_sync_note_pass(st, ret == 0, ret == 0 ? NULL : err, now, totals->filings_new,
				 totals->filings_changed) < 0)
		log_error("sync", "no se pudo registrar la pasada: %s", store_errmsg(st));
	if (ret == 0)
		log_info("sync",
			 "pasada completa: %ld ventanas, %ld nuevos, %ld cambiados, %ld sin "
			 "cambio, %lld ms",
			 totals->windows, totals->filings_new, totals->filings_changed,
			 totals->filings_unchanged, totals->elapsed_ms);
	else
		log_error("sync", "pasada incompleta tras %ld ventanas (%lld ms): %s",
			  totals->windows, totals->elapsed_ms, err);
	return ret;
}

struct sync_poller {
	const struct config *cfg;
	const struct mapping *map;
	struct worker w;
	struct sync_poller_stats stats; /* under w.lock */
};

static void *sync_poller_main(void *arg)
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
				       (auth_error ? SYNC_AUTH_BACKOFF_FACTOR : 1));
	}
	return NULL;
}

struct sync_poller *sync_poller_start(const struct config *cfg, const struct mapping *m,
				      atomic_int *stop, char *err, size_t errlen)
{
	struct sync_poller *p = xcalloc(1, sizeof(*p));

	p->cfg = cfg;
	p->map = m;
	if (worker_start(&p->w, cfg, m, stop, sync_poller_main, p, "sincronización", err, errlen) <
	    0) {
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
