/* worker.c -- the shared thread shape of the poller and the reconciliation scheduler. */
#include "worker.h"

#include <errno.h>
#include <time.h>

#include "util.h"

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
