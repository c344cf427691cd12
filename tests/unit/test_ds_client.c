/* test_ds_client.c -- ds_client's failure paths over real sockets: a libmicrohttpd server on
 * 127.0.0.1, started by each test, answers request k with step k of a script (status,
 * headers, body, delay) and records when each request arrived; the client runs through its
 * public API with mappings/orfeo-soap.json and answers from shared/ds-contract. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ds_client.h"
#include "filing.h"
#include "mapping.h"

#define TEST_MAPPING "mappings/orfeo-soap.json"
#define TEST_DATA "tests/data"
#define TEST_SHARED_DEFAULT "../shared"
#define TEST_PATH 512
#define TEST_MAX_STEPS 8
#define TEST_MAX_REQUESTS 32
#define TEST_ACTION_LEN 96
#define TEST_FROM "2024-05-01"
#define TEST_TO "2024-05-31"
#define TEST_XML "text/xml; charset=ISO-8859-1"
#define TEST_PAD_CHUNK (1024u * 1024u)
#define TEST_STOP_AFTER_MS 350	/* the stop flag is set this long after the first request */
#define TEST_STOP_WITHIN_MS 250 /* how soon a stopped backoff must return */

/* What the server answers to one request. */
struct test_step {
	unsigned status;
	const char *ctype;	 /* NULL: TEST_XML */
	const char *retry_after; /* NULL: no Retry-After header */
	const char *body;	 /* borrowed */
	size_t len;
	long delay_ms; /* waited before answering (ended early when the server stops) */
};

struct test_server {
	struct MHD_Daemon *daemon;
	char url[64];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct test_step steps[TEST_MAX_STEPS]; /* request k gets step k; the last one repeats */
	size_t nsteps;
	size_t nrequests;
	long long arrived_ms[TEST_MAX_REQUESTS];
	char action[TEST_MAX_REQUESTS][TEST_ACTION_LEN];
	int quit;
};

/* One test: its server, a configuration pointing at it, a stop flag. */
struct test_ctx {
	struct test_server srv;
	struct config cfg;
	char dependencia[8];
	char key[32];
	char backfill[11];
	atomic_int stop;
	long long started_ms;
	char *owned[2]; /* bodies the server may still be sending: freed after it stops */
};

static struct mapping *test_map;
static char *test_list_body; /* list-response.xml: three filings */
static size_t test_list_len;
static char *test_info_body; /* info-response.xml: 20242110004873 */
static size_t test_info_len;
static char *test_server_fault; /* tests/data/xml/fault-server.xml */
static size_t test_server_fault_len;
static char *test_client_fault; /* list-range-fault.xml */
static size_t test_client_fault_len;
static char *test_html; /* tests/data/xml/php-fatal-error.html */
static size_t test_html_len;

/* ---------------------------------------------------------------- helpers */

static long long test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (fp == NULL)
		fail_msg("%s: cannot open (tests run from the repository root; SEGCONT_SHARED "
			 "points at the shared folder)",
			 path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("%s: short read", path);
	p[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static char *test_shared(const char *name, size_t *len)
{
	const char *dir = getenv("SEGCONT_SHARED");
	char path[TEST_PATH];

	snprintf(path, sizeof(path), "%s/ds-contract/%s", dir && *dir ? dir : TEST_SHARED_DEFAULT,
		 name);
	return test_slurp(path, len);
}

static char *test_data(const char *name, size_t *len)
{
	char path[TEST_PATH];

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA, name);
	return test_slurp(path, len);
}

/* A port nobody listens on: bound, read, closed. */
static unsigned short test_closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

#define assert_answer(got, want, err)                                                              \
	do {                                                                                       \
		enum ds_answer g_ = (got);                                                         \
		if (g_ != (want))                                                                  \
			fail_msg("answer %s, want %s (err: %s)", ds_answer_name(g_),               \
				 ds_answer_name(want), (err));                                     \
	} while (0)

#define assert_contains(haystack, needle)                                                          \
	do {                                                                                       \
		if (strstr((haystack), (needle)) == NULL)                                          \
			fail_msg("\"%s\" does not contain \"%s\"", (haystack), (needle));          \
	} while (0)

/* ---------------------------------------------------------------- the server */

static enum MHD_Result test_server_handle(void *cls, struct MHD_Connection *conn, const char *url,
					  const char *method, const char *version,
					  const char *upload_data, size_t *upload_data_size,
					  void **con_cls)
{
	struct test_server *s = cls;
	const struct test_step *step;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t idx;

	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		/* First call: the request has arrived. Answered on a later call (STYLE.md). */
		const char *action =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "SOAPAction");

		pthread_mutex_lock(&s->mu);
		idx = s->nrequests++;
		if (idx < TEST_MAX_REQUESTS) {
			s->arrived_ms[idx] = test_now_ms();
			snprintf(s->action[idx], TEST_ACTION_LEN, "%s", action ? action : "");
		}
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		*con_cls = (void *)(uintptr_t)(idx + 1);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	idx = (size_t)(uintptr_t)*con_cls - 1;
	step = &s->steps[idx < s->nsteps ? idx : s->nsteps - 1];
	if (step->delay_ms > 0) {
		long long until = test_now_ms() + step->delay_ms;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += step->delay_ms / 1000;
		ts.tv_nsec += (step->delay_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&s->mu);
		while (!s->quit && test_now_ms() < until)
			pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		pthread_mutex_unlock(&s->mu);
	}
	resp =
	    MHD_create_response_from_buffer(step->len, (void *)step->body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, "Content-Type", step->ctype ? step->ctype : TEST_XML);
	if (step->retry_after != NULL)
		MHD_add_response_header(resp, "Retry-After", step->retry_after);
	ret = MHD_queue_response(conn, step->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void test_server_start(struct test_server *s)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->daemon = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
	    test_server_handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_CONNECTION_LIMIT, 64u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u, MHD_OPTION_END);
	assert_non_null(s->daemon);
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u/webServices/servidor.php",
		 (unsigned)info->port);
}

static void test_server_stop(struct test_server *s)
{
	pthread_mutex_lock(&s->mu);
	s->quit = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(s->daemon);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
}

/* Appends a step to the script. */
static void test_step(struct test_ctx *t, unsigned status, const char *body, size_t len)
{
	struct test_step *st;

	assert_true(t->srv.nsteps < TEST_MAX_STEPS);
	st = &t->srv.steps[t->srv.nsteps++];
	memset(st, 0, sizeof(*st));
	st->status = status;
	st->body = body;
	st->len = len;
}

static struct test_step *test_last_step(struct test_ctx *t)
{
	return &t->srv.steps[t->srv.nsteps - 1];
}

static size_t test_requests(struct test_ctx *t)
{
	size_t n;

	pthread_mutex_lock(&t->srv.mu);
	n = t->srv.nrequests;
	pthread_mutex_unlock(&t->srv.mu);
	return n;
}

/* ---------------------------------------------------------------- fixtures */

static int test_group_setup(void **state)
{
	char err[1024] = "";

	(void)state;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0)
		return -1;
	mapping_global_init();
	test_map = mapping_load(TEST_MAPPING, err, sizeof(err));
	if (test_map == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	test_list_body = test_shared("list-response.xml", &test_list_len);
	test_info_body = test_shared("info-response.xml", &test_info_len);
	test_client_fault = test_shared("list-range-fault.xml", &test_client_fault_len);
	test_server_fault = test_data("xml/fault-server.xml", &test_server_fault_len);
	test_html = test_data("xml/php-fatal-error.html", &test_html_len);
	return 0;
}

static int test_group_teardown(void **state)
{
	(void)state;
	mapping_free(test_map);
	free(test_list_body);
	free(test_info_body);
	free(test_client_fault);
	free(test_server_fault);
	free(test_html);
	curl_global_cleanup();
	return 0;
}

/* A running server with an empty script and a configuration pointing at it: quick retries
 * (3 attempts, 20-50 ms backoff), 5 s timeout, one call at a time. */
static int test_setup(void **state)
{
	struct test_ctx *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	test_server_start(&t->srv);
	snprintf(t->dependencia, sizeof(t->dependencia), "342");
	snprintf(t->key, sizeof(t->key), "CLAVE-DEL-SERVICIO");
	snprintf(t->backfill, sizeof(t->backfill), "2024-01-01");
	t->cfg.ds_url = t->srv.url;
	t->cfg.ds_dependencia = t->dependencia;
	t->cfg.ds_key = t->key;
	t->cfg.ds_backfill_from = t->backfill;
	t->cfg.ds_timeout = 5;
	t->cfg.ds_max_parallel = 1;
	t->cfg.ds_max_retries = 3;
	t->cfg.ds_retry_base_ms = 20;
	t->cfg.ds_retry_max_ms = 50;
	atomic_init(&t->stop, 0);
	t->started_ms = test_now_ms();
	*state = t;
	return 0;
}

static int test_teardown(void **state)
{
	struct test_ctx *t = *state;

	print_message("     %lld ms\n", test_now_ms() - t->started_ms);
	test_server_stop(&t->srv);
	for (size_t i = 0; i < sizeof(t->owned) / sizeof(t->owned[0]); i++)
		free(t->owned[i]);
	free(t);
	return 0;
}

/* Runs ds_client_list on a new client; fills stats and the time it took. */
static enum ds_answer test_run_list(struct test_ctx *t, struct filing_list *out, char *err,
				    struct ds_client_stats *stats, long long *took_ms)
{
	struct ds_client *dc = ds_client_new(&t->cfg, test_map, &t->stop);
	long long t0 = test_now_ms();
	enum ds_answer a = ds_client_list(dc, TEST_FROM, TEST_TO, out, err, DS_CLIENT_ERR_LEN);

	if (took_ms != NULL)
		*took_ms = test_now_ms() - t0;
	ds_client_stats(dc, stats);
	ds_client_free(dc);
	return a;
}

/* ---------------------------------------------------------------- the cases */

/* The harness itself: a good answer is read, in one request. */
static void test_list_ok(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";

	test_step(t, 200, test_list_body, test_list_len);
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_OK, err);
	assert_int_equal(out.count, 3);
	assert_string_equal(out.items[0].numero, "20241300012213");
	assert_int_equal(test_requests(t), 1);
	assert_contains(t->srv.action[0], "getRadicadosDependencia");
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.retries, 0);
	filing_list_free(&out);
}

/* A SOAP Server fault (HTTP 500) is transient: retried up to max_retries, then the window
 * fails with the fault's text. */
static void test_server_fault_retried_then_fails(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";

	test_step(t, 500, test_server_fault, test_server_fault_len);
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_FAULT_SERVER, err);
	assert_int_equal(test_requests(t), 3);
	assert_contains(err, "SOAP Fault del servidor");
	assert_contains(err, "Error de conexión a la base de datos"); /* read as ISO-8859-1 */
	assert_contains(err, "HTTP 500");
	assert_int_equal(out.count, 0);
	assert_int_equal(st.requests, 3);
	assert_int_equal(st.retries, 2);
	assert_int_equal(st.failures, 1);
	filing_list_free(&out);
}

/* A Server fault followed by a good answer: the retry succeeds. */
static void test_server_fault_then_ok(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";

	test_step(t, 500, test_server_fault, test_server_fault_len);
	test_step(t, 200, test_list_body, test_list_len);
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_OK, err);
	assert_int_equal(out.count, 3);
	assert_int_equal(test_requests(t), 2);
	assert_int_equal(st.retries, 1);
	assert_int_equal(st.failures, 0);
	filing_list_free(&out);
}

/* A SOAP Client fault means our request is wrong: one request, no retry. */
static void test_client_fault_not_retried(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";

	test_step(t, 500, test_client_fault, test_client_fault_len);
	test_step(t, 200, test_list_body, test_list_len); /* never asked for */
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_FAULT_CLIENT, err);
	assert_int_equal(test_requests(t), 1);
	assert_contains(err, "SOAP Fault de cliente");
	assert_contains(err, "Rango de fechas superior a 31 días");
	assert_int_equal(st.retries, 0);
	assert_int_equal(st.failures, 1);
	filing_list_free(&out);
}

/* A list answer of exactly total bytes: list-response.xml (three filings) with XML comments
 * of TEST_PAD_CHUNK bytes and a run of blanks after its last item. (libxml2 without
 * XML_PARSE_HUGE refuses a lookup past 10 MB outside the root's content, so the padding
 * goes inside it.) Returns a new buffer; the caller frees. */
static char *test_big_list(size_t total)
{
	const char *last = NULL;
	char *b = malloc(total);
	size_t head;
	size_t tail;
	size_t at;

	assert_non_null(b);
	for (const char *q = strstr(test_list_body, "</item>"); q != NULL;
	     q = strstr(q + 1, "</item>"))
		last = q;
	assert_non_null(last);
	head = (size_t)(last + 7 - test_list_body);
	tail = test_list_len - head;
	assert_true(total > test_list_len);
	memcpy(b, test_list_body, head);
	at = head;
	while (total - tail - at > TEST_PAD_CHUNK) {
		memcpy(b + at, "<!--", 4);
		memset(b + at + 4, 'x', TEST_PAD_CHUNK - 7);
		memcpy(b + at + TEST_PAD_CHUNK - 3, "-->", 3);
		at += TEST_PAD_CHUNK;
	}
	memset(b + at, ' ', total - tail - at);
	memcpy(b + total - tail, test_list_body + head, tail);
	return b;
}

/* An answer one byte over MAPPING_MAX_RESPONSE is refused, naming the cap (and retried,
 * like any transport failure: max_retries 2 gives two requests). */
static void test_size_cap_one_over_refused(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";
	char cap[64];
	char *big = test_big_list((size_t)MAPPING_MAX_RESPONSE + 1);

	t->owned[0] = big;
	t->cfg.ds_max_retries = 2;
	test_step(t, 200, big, (size_t)MAPPING_MAX_RESPONSE + 1);
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_FAULT_SERVER, err);
	snprintf(cap, sizeof(cap), "límite de %u bytes", MAPPING_MAX_RESPONSE);
	assert_contains(err, cap);
	assert_int_equal(out.count, 0);
	assert_int_equal(test_requests(t), 2);
	assert_int_equal(st.failures, 1);
	filing_list_free(&out);
}

/* Answers of MAPPING_MAX_RESPONSE - 1 and exactly MAPPING_MAX_RESPONSE bytes are read. */
static void test_size_cap_under_and_at_read(void **state)
{
	struct test_ctx *t = *state;
	size_t sizes[2] = {(size_t)MAPPING_MAX_RESPONSE - 1, (size_t)MAPPING_MAX_RESPONSE};

	for (size_t i = 0; i < 2; i++) {
		struct filing_list out;
		struct ds_client_stats st;
		char err[DS_CLIENT_ERR_LEN] = "";
		long long took;
		char *big = test_big_list(sizes[i]);

		t->owned[i] = big;
		t->srv.nsteps = 0;
		test_step(t, 200, big, sizes[i]);
		filing_list_init(&out);
		assert_answer(test_run_list(t, &out, err, &st, &took), DS_OK, err);
		print_message("     respuesta de %zu bytes: %zu radicados leídos en %lld ms\n",
			      sizes[i], out.count, took);
		assert_int_equal(out.count, 3);
		assert_int_equal(st.requests, 1);
		filing_list_free(&out);
	}
	assert_int_equal(test_requests(t), 2);
}

/* HTTP statuses that no retry can mend (404: wrong url, 401: refused) cost one request. */
static void test_http_status_not_retried(void **state)
{
	struct test_ctx *t = *state;
	unsigned statuses[2] = {404, 401};

	for (size_t i = 0; i < 2; i++) {
		struct filing_list out;
		struct ds_client_stats st;
		char err[DS_CLIENT_ERR_LEN] = "";
		char want[32];
		enum ds_answer a;

		t->srv.nsteps = 0;
		test_step(t, statuses[i], "no", 2);
		test_last_step(t)->ctype = "text/plain";
		filing_list_init(&out);
		a = test_run_list(t, &out, err, &st, NULL);
		assert_true(a != DS_OK && a != DS_EMPTY);
		snprintf(want, sizeof(want), "HTTP %u", statuses[i]);
		assert_contains(err, want);
		assert_contains(err, "revise la url");
		assert_int_equal(test_requests(t), i + 1);
		assert_int_equal(st.requests, 1);
		assert_int_equal(st.retries, 0);
		filing_list_free(&out);
	}
}

/* 503 with Retry-After: 2 makes the client wait 2 s, not its 20-50 ms backoff: measured
 * between the two requests' arrivals at the server. */
static void test_retry_after_honoured(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";
	long long gap;

	test_step(t, 503, "Service Unavailable", 19);
	test_last_step(t)->ctype = "text/plain";
	test_last_step(t)->retry_after = "2";
	test_step(t, 200, test_list_body, test_list_len);
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_OK, err);
	assert_int_equal(out.count, 3);
	assert_int_equal(test_requests(t), 2);
	gap = t->srv.arrived_ms[1] - t->srv.arrived_ms[0];
	print_message("     Retry-After: 2 -> segunda petición %lld ms después de la primera\n",
		      gap);
	assert_true(gap >= 2000);
	assert_true(gap < 3000);
	filing_list_free(&out);
}

/* Nobody listening: a transport error, retried, then the window fails. */
static void test_connection_refused(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/webServices/servidor.php",
		 (unsigned)test_closed_port());
	t->cfg.ds_url = url;
	t->cfg.ds_max_retries = 2;
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_FAULT_SERVER, err);
	assert_contains(err, "error de transporte");
	assert_contains(err, curl_easy_strerror(CURLE_COULDNT_CONNECT));
	assert_int_equal(st.requests, 2);
	assert_int_equal(st.failures, 1);
	filing_list_free(&out);
}

/* A server that does not answer within ds_timeout (1 s): the transfer is cut at 1 s. */
static void test_timeout(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";
	long long took;

	t->cfg.ds_timeout = 1;
	t->cfg.ds_max_retries = 1;
	test_step(t, 200, test_list_body, test_list_len);
	test_last_step(t)->delay_ms = 4000;
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, &took), DS_FAULT_SERVER, err);
	print_message("     timeout = 1 s -> la llamada terminó en %lld ms\n", took);
	assert_contains(err, curl_easy_strerror(CURLE_OPERATION_TIMEDOUT));
	assert_true(took >= 900); /* curl's clock and ours round differently */
	assert_true(took < 3900); /* cut before the answer, due at 4 s (slack for a loaded machine) */
	assert_int_equal(test_requests(t), 1);
	filing_list_free(&out);
}

struct test_stopper {
	struct test_ctx *t;
	long long stopped_at;
};

/* Waits for the first request, then TEST_STOP_AFTER_MS, and sets the stop flag. */
static void *test_stopper_run(void *arg)
{
	struct test_stopper *sp = arg;
	struct test_server *s = &sp->t->srv;

	pthread_mutex_lock(&s->mu);
	while (s->nrequests == 0 && !s->quit)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	usleep(TEST_STOP_AFTER_MS * 1000);
	sp->stopped_at = test_now_ms();
	atomic_store(&sp->t->stop, 1);
	return NULL;
}

/* The stop flag set during a 10-20 s backoff wait ends it within TEST_STOP_WITHIN_MS. */
static void test_stop_during_backoff(void **state)
{
	struct test_ctx *t = *state;
	struct test_stopper sp = {t, 0};
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";
	pthread_t th;
	long long late;

	t->cfg.ds_retry_base_ms = 20000;
	t->cfg.ds_retry_max_ms = 20000;
	test_step(t, 503, "Service Unavailable", 19);
	test_last_step(t)->ctype = "text/plain";
	assert_int_equal(pthread_create(&th, NULL, test_stopper_run, &sp), 0);
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_MALFORMED, err);
	late = test_now_ms() - sp.stopped_at;
	pthread_join(th, NULL);
	print_message("     parada durante la espera -> la llamada volvió %lld ms después\n", late);
	assert_contains(err, "interrumpido");
	assert_true(late >= 0);
	assert_true(late <= TEST_STOP_WITHIN_MS);
	assert_int_equal(test_requests(t), 1);
	assert_int_equal(st.retries, 1);
	filing_list_free(&out);
}

/* A PHP error page with 200 is not an answer: retried, and named as HTML. */
static void test_html_page_retried(void **state)
{
	struct test_ctx *t = *state;
	struct filing_list out;
	struct ds_client_stats st;
	char err[DS_CLIENT_ERR_LEN] = "";

	t->cfg.ds_max_retries = 2;
	test_step(t, 200, test_html, test_html_len);
	test_last_step(t)->ctype = "text/html; charset=UTF-8";
	filing_list_init(&out);
	assert_answer(test_run_list(t, &out, err, &st, NULL), DS_MALFORMED, err);
	assert_contains(err, "página HTML");
	assert_int_equal(test_requests(t), 2);
	filing_list_free(&out);
}

/* Details: the first filing is completed, the second's Server faults exhaust its attempts and
 * the batch fails naming that filing. */
static void test_details_fault_names_filing(void **state)
{
	struct test_ctx *t = *state;
	struct filing a;
	struct filing b;
	struct filing *fs[2] = {&a, &b};
	char err[DS_CLIENT_ERR_LEN] = "";
	struct ds_client *dc;
	struct ds_client_stats st;

	filing_init(&a);
	filing_init(&b);
	filing_set(&a.numero, "20242110004873");
	filing_set(&b.numero, "20241300012213");
	test_step(t, 200, test_info_body, test_info_len);
	test_step(t, 500, test_server_fault, test_server_fault_len);
	dc = ds_client_new(&t->cfg, test_map, &t->stop);
	assert_answer(ds_client_details(dc, fs, 2, err, sizeof(err)), DS_FAULT_SERVER, err);
	ds_client_stats(dc, &st);
	ds_client_free(dc);
	assert_true(a.has_detail);
	assert_false(b.has_detail);
	assert_contains(err, "getInfoRadicado 20241300012213");
	assert_contains(err, "Error de conexión a la base de datos");
	assert_int_equal(test_requests(t), 4); /* a once, b three times */
	assert_contains(t->srv.action[0], "getInfoRadicado");
	assert_int_equal(st.retries, 2);
	filing_free(&a);
	filing_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST_CASE(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
	    TEST_CASE(test_list_ok),
	    TEST_CASE(test_server_fault_retried_then_fails),
	    TEST_CASE(test_server_fault_then_ok),
	    TEST_CASE(test_client_fault_not_retried),
	    TEST_CASE(test_size_cap_one_over_refused),
	    TEST_CASE(test_size_cap_under_and_at_read),
	    TEST_CASE(test_http_status_not_retried),
	    TEST_CASE(test_retry_after_honoured),
	    TEST_CASE(test_connection_refused),
	    TEST_CASE(test_timeout),
	    TEST_CASE(test_stop_during_backoff),
	    TEST_CASE(test_html_page_retried),
	    TEST_CASE(test_details_fault_names_filing),
#undef TEST_CASE
	};

	return cmocka_run_group_tests(tests, test_group_setup, test_group_teardown);
}
