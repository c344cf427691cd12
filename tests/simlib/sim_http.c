/* sim_http.c -- libmicrohttpd glue shared by the simulators: collects request bodies with a
 * cap, answers 413 past it, hands the rest to the simulator's route and sends the answers. */
#include "sim_http.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim_net.h"

#define SIM_HTTP_URL_LEN 80

struct sim_http {
	struct MHD_Daemon *daemon;
	struct sim_http_config c;
	int port;
	atomic_int stopping;
	char url[SIM_HTTP_URL_LEN];
};

enum MHD_Result sim_http_send(struct MHD_Connection *conn, unsigned status, const char *ctype,
			      const char *data, size_t len, int copy, const char *const *headers,
			      const char *const *extra)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)data,
					    copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		if (!copy)
			free((void *)data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i += 2)
		MHD_add_response_header(r, headers[i], headers[i + 1]);
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i += 2)
		MHD_add_response_header(r, extra[i], extra[i + 1]);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result sim_http_text(struct MHD_Connection *conn, unsigned status, const char *text,
			      const char *const *headers)
{
	return sim_http_send(conn, status, SIM_HTTP_TEXT, text, strlen(text), 1, headers, NULL);
}

int sim_http_sleep(struct sim_http *h, long ms)
{
	long long end = util_monotonic_ms() + ms;

	while (util_monotonic_ms() < end) {
		long long left = end - util_monotonic_ms();
		long step = left < SIM_HTTP_DELAY_STEP_MS ? (long)left : SIM_HTTP_DELAY_STEP_MS;
		struct timespec ts = {step / 1000, (step % 1000) * 1000000L};

		if (atomic_load(&h->stopping))
			return -1;
		if (step > 0)
			nanosleep(&ts, NULL);
	}
	return atomic_load(&h->stopping) ? -1 : 0;
}

static enum MHD_Result sim_http_handle(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_data_size,
				       void **con_cls)
{
	struct sim_http *h = cls;
	struct sim_http_request *r = *con_cls;

	(void)version;
	if (r == NULL) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *expect =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
		long n;

		r = xcalloc(1, h->c.request_size);
		buf_init(&r->body);
		*con_cls = r;
		if (cl != NULL && parse_long(cl, 0, LONG_MAX, &n) == 0 &&
		    n > (long)SIM_HTTP_MAX_BODY) {
			r->too_large = 1;
			/* The one answer given on the first call: a client waiting for
			 * "100 Continue" reads it before sending anything, and a body past the
			 * discard cap is not worth reading. Others get it after their body, so
			 * that they are still listening when it comes. */
			if ((expect != NULL && strcasecmp(expect, "100-continue") == 0) ||
			    n > (long)SIM_HTTP_MAX_DISCARD)
				return sim_http_text(conn, 413, h->c.too_large_text, NULL);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->too_large && r->body.len + *upload_data_size <= SIM_HTTP_MAX_BODY) {
			buf_append(&r->body, upload_data, *upload_data_size);
		} else {
			r->too_large = 1;
			r->discarded += *upload_data_size;
			buf_free(&r->body);
			if (r->discarded > SIM_HTTP_MAX_DISCARD)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->too_large)
		return sim_http_text(conn, 413, h->c.too_large_text, NULL);
	return h->c.route(h->c.cls, h, conn, method, url, r);
}

static void sim_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			       enum MHD_RequestTerminationCode why)
{
	struct sim_http *h = cls;
	struct sim_http_request *r = *con_cls;

	(void)conn;
	(void)why;
	if (r == NULL)
		return;
	buf_free(&r->body);
	if (h->c.request_done != NULL)
		h->c.request_done(r);
	free(r);
	*con_cls = NULL;
}

struct sim_http *sim_http_start(const struct sim_http_config *c, char *err, size_t errlen)
{
	struct sim_http *h = xcalloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	char host[64];
	int ipv6;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;

	if (sim_net_address(c->listen, c->port, &ss, &ipv6, host, sizeof(host), err, errlen) < 0)
		goto fail;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	h->c = *c;
	if (h->c.request_size < sizeof(struct sim_http_request))
		h->c.request_size = sizeof(struct sim_http_request);
	atomic_init(&h->stopping, 0);
	h->daemon = MHD_start_daemon(
	    flags, (uint16_t)c->port, NULL, NULL, sim_http_handle, h, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SIM_HTTP_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SIM_HTTP_MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SIM_HTTP_MAX_CONNECTIONS,
	    MHD_OPTION_NOTIFY_COMPLETED, sim_http_completed, h, MHD_OPTION_END);
	if (h->daemon == NULL) {
		set_error(err, errlen, "no se pudo escuchar en %s puerto %d (¿puerto ocupado?)",
			  c->listen, c->port);
		goto fail;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : c->port;
	snprintf(h->url, sizeof(h->url), "http://%s:%d", host, h->port);
	return h;
fail:
	free(h);
	return NULL;
}

int sim_http_port(const struct sim_http *h)
{
	return h->port;
}

const char *sim_http_url(const struct sim_http *h)
{
	return h->url;
}

void sim_http_stop(struct sim_http *h)
{
	if (h == NULL)
		return;
	atomic_store(&h->stopping, 1);
	MHD_stop_daemon(h->daemon);
	free(h);
}
