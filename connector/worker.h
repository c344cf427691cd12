/* worker.h -- a background thread of serve with its own store connection and
 * document-system client, woken by a trigger, a timeout or the shared stop flag.
 * The sync poller and the reconciliation scheduler are both one of these (worker.c;
 * declared in sync.h and reconcile.h). */
#ifndef SEGCONT_WORKER_H
#define SEGCONT_WORKER_H

#include <pthread.h>
#include <stdatomic.h>

#include "config.h"
#include "ds_client.h"
#include "indicators.h"
#include "mapping.h"
#include "store.h"

struct worker {
	atomic_int *stop;    /* shared with the caller of serve */
	struct store *store; /* open during a run only (worker_store), NULL between runs */
	/* The store's SLA function works with these: a write leaves no stored block marked. */
	const struct calendar *calendar; /* borrowed: serve's one calendar */
	struct indicators_sla_ctx sla_ctx;
	struct ds_client *client;
	pthread_t thread;
	pthread_mutex_t lock; /* guards triggered and the owner's counters */
	pthread_cond_t wake;
	int triggered;
};

/* Checks that the store opens, makes the client and runs run(arg) on a new thread; cfg, m
 * and cal (the calendar of the SLA blocks its writes store) are borrowed until worker_join.
 * what names the thread in the error message. 0, or -1 with err filled and nothing left allocated.
 */
int worker_start(struct worker *w, const struct config *cfg, const struct mapping *m,
		 const struct calendar *cal, atomic_int *stop, void *(*run)(void *), void *arg,
		 const char *what, char *err, size_t errlen);
/* The thread's connection for this run: opened (with the SLA function) when worker_wait
 * closed it, borrowed by the caller until the next worker_wait. NULL when the database
 * cannot be opened (logged under module). Only on the worker's thread. */
struct store *worker_store(struct worker *w, const char *module);
/* Asks for a run now. Never fails. */
void worker_trigger(struct worker *w);
/* 1 when a run was asked for and has not started yet. */
int worker_triggered(struct worker *w);
/* Closes the run's connection and gives free memory back (malloc_trim), then sleeps up to
 * secs seconds (at least 1) on the monotonic clock, returning early on a trigger or stop. */
void worker_wait(struct worker *w, long long secs);
/* Wakes the thread (stop must already be set), waits for it, frees what it holds. */
void worker_join(struct worker *w);

#endif
