/* minimal.c -- the benchmark's baseline: a libmicrohttpd server with segcont's threading
 * model (internal epoll, a thread pool, the same limits) answering a fixed JSON body.
 * usage: minimal PORT THREADS   (runs until SIGTERM or SIGINT) */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINIMAL_BODY "{\"estado\":\"ok\"}"
#define MINIMAL_TIMEOUT_S 30
#define MINIMAL_CONNECTION_LIMIT 512
#define MINIMAL_PER_IP_LIMIT 128

static int minimal_marker;

static enum MHD_Result minimal_answer(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version,
				      const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct MHD_Response *resp = cls;

	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	/* Like segcont: never answer on the first call (that would force Connection: close). */
	if (*con_cls == NULL) {
		*con_cls = &minimal_marker;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, resp);
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct MHD_Response *resp;
	sigset_t set;
	int sig;
	long port;
	long threads;

	if (argc != 3 || (port = strtol(argv[1], NULL, 10)) <= 0 || port > 65535 ||
	    (threads = strtol(argv[2], NULL, 10)) <= 0 || threads > 64) {
		fprintf(stderr, "uso: minimal PUERTO HILOS\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	resp = MHD_create_response_from_buffer(strlen(MINIMAL_BODY), (void *)MINIMAL_BODY,
					       MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json; charset=utf-8");
	d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port,
	    NULL, NULL, minimal_answer, resp, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)MINIMAL_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MINIMAL_CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MINIMAL_PER_IP_LIMIT, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "minimal: no se pudo escuchar en el puerto %ld\n", port);
		return 1;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(resp);
	return 0;
}
