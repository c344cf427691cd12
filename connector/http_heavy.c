/* http_heavy.c -- the routes that read every filing (indicators, their drill-down, the
 * exports: http_api.c's http_api_heavy) worked out on threads of their own. libmicrohttpd
 * ties each connection to one of its threads, which answers its connections one request at
 * a time: a year's indicators (0.3-0.8 s at 100,000 filings) held every other connection of
 * that thread behind it (a list's p99 went from 3 ms to 450 ms while the Tablero loaded).
 * Now the server thread checks the request, looks the answer up in its cache and, on a miss,
 * suspends the connection (MHD_suspend_connection) and leaves the request here; a heavy
 * thread runs the handler with its own database connection, then resumes the connection,
 * and the server thread sends the answer and keeps it in its cache as before. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "http_api.h"
#include "http_int.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define HTTP_HEAVY_FLUSH_S 5 /* at most, for the answers worked out to go out on stopping */

struct http_heavy {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct http_request *head, *tail; /* waiting, oldest first (http_request.heavy_next) */
	int stop;
	int unsent; /* resumed, their answers not yet sent (http_heavy_sent) */
	pthread_cond_t sent;
	int n;
	pthread_t threads[HTTP_API_HEAVY_THREADS];
};

/* The answer of a request left here when the server stops. */
void http_heavy_refuse(struct http_request *req)
{
	http_req_error(req, 503, "servidor_deteniendose",
		       "el servidor se está deteniendo; intente de nuevo en un momento");
}

/* Hands req, answered, back to libmicrohttpd's thread, which sends it (http_heavy_sent
 * counts it out): that thread reads req after the resume, which takes its lock. */
static void http_heavy_resume(struct http_heavy *h, struct http_request *req)
{
	req->heavy = HTTP_HEAVY_DONE;
	pthread_mutex_lock(&h->lock);
	h->unsent++;
	pthread_mutex_unlock(&h->lock);
	MHD_resume_connection(req->conn);
}

/* Runs req's handler on this thread's own database connection (http_api_store takes
 * req->th's), then gives back the page cache the read left there. */
static void http_heavy_run(struct http_request *req)
{
	struct http_thread *server = req->th;
	struct store **s;

	req->th = http_cache_thread();
	req->heavy = HTTP_HEAVY_RUNNING;
	req->heavy_handler(req);
	s = http_cache_store(req->th);
	if (*s != NULL)
		store_release_memory(*s);
	req->th = server;
}

static void *http_heavy_main(void *arg)
{
	struct http_heavy *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		struct http_request *req;

		while (!h->stop && h->head == NULL)
			pthread_cond_wait(&h->wake, &h->lock);
		req = h->head;
		if (req == NULL)
			break; /* stopping, nothing left */
		h->head = req->heavy_next;
		if (h->head == NULL)
			h->tail = NULL;
		pthread_mutex_unlock(&h->lock);
		http_heavy_run(req);
		http_heavy_resume(h, req);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct http_heavy *http_heavy_start(char *err, size_t errlen)
{
	struct http_heavy *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	pthread_cond_init(&h->sent, NULL);
	for (; h->n < HTTP_API_HEAVY_THREADS; h->n++) {
		if (pthread_create(&h->threads[h->n], NULL, http_heavy_main, h) != 0) {
			set_error(err, errlen, "no se pudo crear un hilo de consultas pesadas");
			http_heavy_stop(h);
			http_heavy_free(h);
			return NULL;
		}
	}
	return h;
}

int http_heavy_push(struct http_heavy *h, struct http_request *req)
{
	req->heavy_next = NULL;
	pthread_mutex_lock(&h->lock);
	if (h->stop) {
		pthread_mutex_unlock(&h->lock);
		return -1;
	}
	/* suspended before a heavy thread can take it (and resume it) */
	MHD_suspend_connection(req->conn);
	if (h->tail != NULL)
		h->tail->heavy_next = req;
	else
		h->head = req;
	h->tail = req;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void http_heavy_stop(struct http_heavy *h)
{
	struct http_request *waiting;
	struct timespec until;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = 1;
	waiting = h->head;
	h->head = h->tail = NULL;
	pthread_cond_broadcast(&h->wake);
	pthread_mutex_unlock(&h->lock);
	/* what waits is answered now, not after the running ones (an export takes seconds) */
	while (waiting != NULL) {
		struct http_request *req = waiting;

		waiting = req->heavy_next;
		http_heavy_refuse(req);
		http_heavy_resume(h, req);
	}
	for (int i = 0; i < h->n; i++)
		pthread_join(h->threads[i], NULL);
	h->n = 0;
	/* the answers worked out go out before the server closes their connections */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HTTP_HEAVY_FLUSH_S;
	pthread_mutex_lock(&h->lock);
	while (h->unsent > 0 && pthread_cond_timedwait(&h->sent, &h->lock, &until) == 0)
		;
	if (h->unsent > 0)
		log_warn(HTTP_MODULE, "%d respuestas pesadas no alcanzaron a enviarse al detenerse",
			 h->unsent);
	pthread_mutex_unlock(&h->lock);
}

void http_heavy_sent(struct http_heavy *h)
{
	pthread_mutex_lock(&h->lock);
	if (h->unsent > 0 && --h->unsent == 0)
		pthread_cond_broadcast(&h->sent);
	pthread_mutex_unlock(&h->lock);
}

void http_heavy_free(struct http_heavy *h)
{
	if (h == NULL)
		return;
	pthread_cond_destroy(&h->sent);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
