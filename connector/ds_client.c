/* ds_client.c -- requests to the document system: over libcurl for SOAP and JSON profiles
 * (one multi handle runs the calls of a batch concurrently, each with its own attempts and
 * backoff schedule; ds_json.c builds and pages the JSON ones, ds_http_auth.c adds their
 * credentials), through ds_pg for database profiles (one query at a time, retried with the
 * same backoff). */
#include "ds_client.h"

#include <curl/curl.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ds_client_int.h"
#include "ds_pg.h"
#include "log.h"
#include "util.h"

#define DS_CLIENT_POLL_MS 100 /* longest wait between checks of the stop flag */

struct ds_client *ds_client_new(const struct config *cfg, const struct mapping *m, atomic_int *stop)
{
	struct ds_client *dc = xcalloc(1, sizeof(*dc));

	dc->cfg = cfg;
	dc->map = m;
	dc->stop = stop;
	if (mapping_format(m) == MAPPING_FORMAT_SQL)
		dc->pg = ds_pg_new(cfg, m, stop);
	dc->multi = curl_multi_init();
	dc->auth_multi = curl_multi_init();
	if (dc->multi == NULL || dc->auth_multi == NULL) {
		log_error("ds_client", "curl_multi_init falló");
		abort();
	}
	curl_multi_setopt(dc->multi, CURLMOPT_MAX_HOST_CONNECTIONS, cfg->ds_max_parallel);
	dc->backoff_base_ms = cfg->ds_retry_base_ms > 0 ? cfg->ds_retry_base_ms : 1;
	dc->backoff_max_ms =
	    cfg->ds_retry_max_ms > dc->backoff_base_ms ? cfg->ds_retry_max_ms : dc->backoff_base_ms;
	return dc;
}

void ds_client_free(struct ds_client *dc)
{
	if (dc == NULL)
		return;
	ds_pg_free(dc->pg);
	ds_auth_forget(dc);
	curl_multi_cleanup(dc->multi);
	curl_multi_cleanup(dc->auth_multi);
	free(dc);
}

void ds_client_stats(const struct ds_client *dc, struct ds_client_stats *out)
{
	*out = dc->stats;
}

int ds_client_stopped(const struct ds_client *dc)
{
	return dc->stop != NULL && atomic_load(dc->stop) != 0;
}

static size_t ds_client_on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct ds_call *call = userdata;
	size_t n = size * nmemb;

	if (call->resp.len + n > MAPPING_MAX_RESPONSE) {
		call->overflow = 1;
		return 0; /* makes curl fail the transfer with CURLE_WRITE_ERROR */
	}
	buf_append(&call->resp, ptr, n);
	return n;
}

static size_t ds_client_on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct ds_call *call = userdata;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";
	char value[32];
	size_t i = sizeof(name) - 1;
	size_t v = 0;
	long secs;

	if (n <= i || strncasecmp(ptr, name, i) != 0)
		return n;
	while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
		i++;
	while (i < n && v + 1 < sizeof(value) && ptr[i] >= '0' && ptr[i] <= '9')
		value[v++] = ptr[i++];
	value[v] = '\0';
	/* Only the delta-seconds form is honoured; an HTTP-date falls back to backoff. */
	if (parse_long(value, 0, 86400, &secs) == 0)
		call->retry_after_s =
		    secs < DS_CLIENT_RETRY_AFTER_MAX_S ? secs : DS_CLIENT_RETRY_AFTER_MAX_S;
	return n;
}

void ds_call_init(struct ds_call *call, enum ds_call_kind kind)
{
	memset(call, 0, sizeof(*call));
	call->kind = kind;
	buf_init(&call->resp);
	mapping_page_init(&call->page);
}

void ds_call_take_request(struct ds_call *call, struct mapping_http_request *rq)
{
	call->post = rq->method != NULL && strcmp(rq->method, "POST") == 0;
	call->url = rq->url;
	rq->url = NULL;
	call->headers = xcalloc(rq->nheaders + 1, sizeof(*call->headers));
	for (size_t i = 0; i < rq->nheaders; i++)
		call->headers[call->nheaders++] =
		    xasprintf("%s: %s", rq->headers[i].name, rq->headers[i].value);
	if (rq->content_type != NULL)
		call->headers[call->nheaders++] = xasprintf("Content-Type: %s", rq->content_type);
	call->body = rq->body;
	call->body_len = rq->body_len;
	rq->body = NULL;
	rq->body_len = 0;
	mapping_http_request_free(rq);
}

/* Wipes and frees a header list (it may hold a token or key). */
static void ds_client_free_slist(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p != NULL; p = p->next)
		util_wipe(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* Starts one attempt of call on multi. Returns 0, or -1 with call->answer and call->err
 * set when it cannot be sent (credentials missing, the token endpoint failing). */
static int ds_client_start(struct ds_client *dc, CURLM *multi, struct ds_call *call)
{
	const struct config *cfg = dc->cfg;
	struct curl_slist *l = NULL;

	buf_reset(&call->resp);
	call->overflow = 0;
	call->retry_after_s = -1;
	call->attempts++;
	call->easy = curl_easy_init();
	if (call->easy == NULL) {
		log_error("ds_client", "curl_easy_init falló");
		abort();
	}
	for (size_t i = 0; i < call->nheaders; i++)
		l = curl_slist_append(l, call->headers[i]);
	if (call->kind == DS_CALL_JSON) {
		/* The mapping's "accept" (application/json by default); without it libcurl
		 * accepts every type, and a service that negotiates may answer HTML or XML. */
		char *accept = xasprintf("Accept: %s", mapping_json_accept(dc->map));

		l = curl_slist_append(l, accept);
		free(accept);
		l = curl_slist_append(l, "Accept-Charset: utf-8");
	}
	l = curl_slist_append(l, "Expect:");
	call->slist = l;
	if (call->profile_auth && ds_auth_apply(dc, call, &call->slist) < 0) {
		curl_easy_cleanup(call->easy);
		call->easy = NULL;
		return -1;
	}
	curl_easy_setopt(call->easy, CURLOPT_URL, call->url != NULL ? call->url : cfg->ds_url);
	curl_easy_setopt(call->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(call->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(call->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(call->easy, CURLOPT_CONNECTTIMEOUT, (long)DS_CLIENT_CONNECT_TIMEOUT_S);
	curl_easy_setopt(call->easy, CURLOPT_TIMEOUT, cfg->ds_timeout);
	curl_easy_setopt(call->easy, CURLOPT_HTTPHEADER, call->slist);
	if (call->post) {
		curl_easy_setopt(call->easy, CURLOPT_POSTFIELDS, call->body ? call->body : "");
		curl_easy_setopt(call->easy, CURLOPT_POSTFIELDSIZE, (long)call->body_len);
	} else {
		curl_easy_setopt(call->easy, CURLOPT_HTTPGET, 1L);
	}
	if (call->user != NULL) {
		curl_easy_setopt(call->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(call->easy, CURLOPT_USERNAME, call->user);
		curl_easy_setopt(call->easy, CURLOPT_PASSWORD, call->password ? call->password : "");
	}
	curl_easy_setopt(call->easy, CURLOPT_USERAGENT, "segcont/" SEGCONT_VERSION);
	curl_easy_setopt(call->easy, CURLOPT_WRITEFUNCTION, ds_client_on_body);
	curl_easy_setopt(call->easy, CURLOPT_WRITEDATA, call);
	curl_easy_setopt(call->easy, CURLOPT_HEADERFUNCTION, ds_client_on_header);
	curl_easy_setopt(call->easy, CURLOPT_HEADERDATA, call);
	curl_easy_setopt(call->easy, CURLOPT_PRIVATE, call);
	call->multi = multi;
	curl_multi_add_handle(multi, call->easy);
	call->state = DS_CALL_RUNNING;
	dc->stats.requests++;
	return 0;
}

static void ds_client_release(struct ds_client *dc, struct ds_call *call)
{
	(void)dc;
	if (call->easy != NULL) {
		if (call->multi != NULL)
			curl_multi_remove_handle(call->multi, call->easy);
		curl_easy_cleanup(call->easy);
		call->easy = NULL;
	}
	ds_client_free_slist(call->slist);
	call->slist = NULL;
}

/* The charset parameter of a Content-Type ("text/xml; charset=ISO-8859-1") into out ("" when
 * none). */
static void ds_client_charset(const char *ctype, char *out, size_t outlen)
{
	const char *p = ctype != NULL ? strcasestr(ctype, "charset=") : NULL;
	size_t n = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += 8;
	if (*p == '"')
		p++;
	while (p[n] != '\0' && p[n] != '"' && p[n] != ';' && p[n] != ' ' && n + 1 < outlen)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Parses a body that reached us with a status the SOAP layer may answer (200, 500). */
static enum ds_attempt ds_client_parse(struct ds_client *dc, struct ds_call *call, long status,
				       const char *ctype)
{
	char perr[DS_CLIENT_ERR_LEN] = "";
	struct mapping_answer_info info;
	enum ds_answer a;

	ds_client_charset(ctype, call->charset, sizeof(call->charset));
	if (call->kind == DS_CALL_LIST) {
		a = mapping_read_list(dc->map, call->resp.data ? call->resp.data : "",
				      call->resp.len, call->charset, call->list_out, &info, perr,
				      sizeof(perr));
	} else {
		/* The target changes only when the whole answer was good. */
		a = mapping_read_info(dc->map, call->resp.data ? call->resp.data : "",
				      call->resp.len, call->charset, call->target, &info, perr,
				      sizeof(perr));
	}
	dc->last_info = info;
	call->answer = a;
	switch (a) {
	case DS_OK:
	case DS_EMPTY:
		return DS_ATTEMPT_OK;
	case DS_NOT_FOUND:
		log_warn("ds_client",
			 "%s: el sistema documental no conoce el número; queda sin detalle",
			 call->label);
		return DS_ATTEMPT_OK;
	case DS_REFUSED:
		log_warn("ds_client",
			 "%s: detalle rechazado por los límites del mapeo (%s); queda "
			 "sin detalle",
			 call->label, perr);
		return DS_ATTEMPT_OK;
	case DS_AUTH:
		set_error(
		    call->err, sizeof(call->err),
		    "%s: el sistema documental rechazó la clave del servicio (%s): revise key_file",
		    call->label, perr);
		return DS_ATTEMPT_FATAL;
	case DS_FAULT_CLIENT:
		set_error(call->err, sizeof(call->err), "%s: SOAP Fault de cliente: %s",
			  call->label, perr);
		return DS_ATTEMPT_FATAL;
	case DS_FAULT_SERVER:
		set_error(call->err, sizeof(call->err), "%s: HTTP %ld, SOAP Fault del servidor: %s",
			  call->label, status, perr);
		return DS_ATTEMPT_RETRY;
	case DS_MALFORMED:
	default:
		if (ctype != NULL && strncasecmp(ctype, "text/html", 9) == 0)
			set_error(call->err, sizeof(call->err),
				  "%s: HTTP %ld con una página HTML en vez de XML", call->label,
				  status);
		else
			set_error(call->err, sizeof(call->err),
				  "%s: HTTP %ld, respuesta mal formada o truncada (%zu bytes): %s",
				  call->label, status, call->resp.len, perr);
		return DS_ATTEMPT_RETRY;
	}
}

/* Decides what one finished transfer means. */
static enum ds_attempt ds_client_finish(struct ds_client *dc, struct ds_call *call, CURLcode rc)
{
	long status = 0;
	char *ctype = NULL;

	if (rc != CURLE_OK) {
		call->answer = DS_FAULT_SERVER;
		if (call->overflow)
			set_error(call->err, sizeof(call->err),
				  "%s: respuesta mayor que el límite de %u bytes", call->label,
				  MAPPING_MAX_RESPONSE);
		else
			set_error(call->err, sizeof(call->err), "%s: error de transporte: %s",
				  call->label, curl_easy_strerror(rc));
		return DS_ATTEMPT_RETRY;
	}
	curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(call->easy, CURLINFO_CONTENT_TYPE, &ctype);
	if (call->kind == DS_CALL_JSON)
		return ds_json_finish(dc, call, status, ctype);
	if (call->kind == DS_CALL_TOKEN)
		return ds_auth_token_finish(dc, call, status, ctype);
	if (status == 200 || status == 500)
		return ds_client_parse(dc, call, status, ctype);
	call->answer = DS_FAULT_SERVER;
	if (status == 408 || status == 429 || status >= 502) {
		set_error(call->err, sizeof(call->err), "%s: HTTP %ld del sistema documental%s",
			  call->label, status,
			  call->retry_after_s >= 0 ? " (con Retry-After)" : "");
		return DS_ATTEMPT_RETRY;
	}
	set_error(call->err, sizeof(call->err),
		  "%s: HTTP %ld del sistema documental: revise la url configurada", call->label,
		  status);
	return DS_ATTEMPT_FATAL;
}

/* The wait before attempt attempts + 1: capped exponential with equal jitter. */
static long ds_client_backoff_ms(const struct ds_client *dc, int attempts)
{
	long ceiling = dc->backoff_base_ms;
	long half;

	for (int i = 1; i < attempts && ceiling < dc->backoff_max_ms; i++)
		ceiling *= 2;
	if (ceiling > dc->backoff_max_ms)
		ceiling = dc->backoff_max_ms;
	/* Equal jitter: half the ceiling, plus a random part of the other half. */
	half = ceiling / 2;
	return half + (long)randombytes_uniform((uint32_t)(ceiling - half + 1));
}

static void ds_client_wipe_free(char *s)
{
	if (s != NULL)
		util_wipe(s, strlen(s));
	free(s);
}

void ds_call_free(struct ds_client *dc, struct ds_call *call)
{
	ds_client_release(dc, call);
	/* The url, headers and body may carry the service key; a token answer, the token. */
	ds_client_wipe_free(call->url);
	for (size_t i = 0; i < call->nheaders; i++)
		ds_client_wipe_free(call->headers[i]);
	free(call->headers);
	if (call->body != NULL)
		util_wipe(call->body, call->body_len);
	free(call->body);
	ds_client_wipe_free(call->user);
	ds_client_wipe_free(call->password);
	if (call->kind == DS_CALL_TOKEN && call->resp.data != NULL)
		util_wipe(call->resp.data, call->resp.len);
	buf_free(&call->resp);
	mapping_page_free(&call->page);
	memset(call, 0, sizeof(*call));
}

static void ds_client_free_calls(struct ds_client *dc, struct ds_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ds_call_free(dc, &calls[i]);
	free(calls);
}

/* A call that could not be started (its credentials): the run gives up with its error. */
static enum ds_answer ds_client_start_failed(struct ds_client *dc, struct ds_call *call,
					     char *err, size_t errlen)
{
	dc->stats.failures++;
	log_error("ds_client", "%s; se abandona", call->err);
	set_error(err, errlen, "%s", call->err);
	return call->answer;
}

enum ds_answer ds_client_run(struct ds_client *dc, CURLM *multi, struct ds_call *calls, size_t n,
			     char *err, size_t errlen)
{
	size_t done = 0;
	size_t running = 0;
	size_t next = 0; /* calls before this index have been started at least once */
	long max_parallel = dc->cfg->ds_max_parallel > 0 ? dc->cfg->ds_max_parallel : 1;

	while (done < n) {
		long long now = util_monotonic_ms();
		long long wait = DS_CLIENT_POLL_MS;
		int still = 0;
		CURLMsg *msg;
		int left;
		int finished = 0; /* transfers that ended in this round: their slots are free */

		if (ds_client_stopped(dc)) {
			set_error(err, errlen, "interrumpido: el proceso se está deteniendo");
			return DS_MALFORMED;
		}
		/* Retries first (they waited), then new calls in order. */
		for (size_t i = 0; i < next && (long)running < max_parallel; i++) {
			if (calls[i].state == DS_CALL_WAITING && calls[i].ready_at <= now) {
				if (ds_client_start(dc, multi, &calls[i]) < 0)
					return ds_client_start_failed(dc, &calls[i], err, errlen);
				running++;
			}
		}
		while (next < n && (long)running < max_parallel) {
			if (ds_client_start(dc, multi, &calls[next]) < 0)
				return ds_client_start_failed(dc, &calls[next], err, errlen);
			next++;
			running++;
		}
		curl_multi_perform(multi, &still);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct ds_call *call = NULL;
			enum ds_attempt at;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&call);
			finished++;
			at = ds_client_finish(dc, call, msg->data.result);
			ds_client_release(dc, call);
			running--;
			if (at == DS_ATTEMPT_OK) {
				call->state = DS_CALL_DONE;
				done++;
				continue;
			}
			if (at == DS_ATTEMPT_AGAIN) {
				/* Sent again at once with new credentials; not an attempt. */
				call->attempts--;
				call->ready_at = util_monotonic_ms();
				call->state = DS_CALL_WAITING;
				continue;
			}
			if (at == DS_ATTEMPT_RETRY && call->attempts < dc->cfg->ds_max_retries) {
				long delay = ds_client_backoff_ms(dc, call->attempts);

				if (call->retry_after_s >= 0 && call->retry_after_s * 1000 > delay)
					delay = call->retry_after_s * 1000;
				dc->stats.retries++;
				log_warn("ds_client", "%s (intento %d de %ld); reintento en %.1f s",
					 call->err, call->attempts, dc->cfg->ds_max_retries,
					 delay / 1000.0);
				call->ready_at = util_monotonic_ms() + delay;
				call->state = DS_CALL_WAITING;
				continue;
			}
			dc->stats.failures++;
			log_error("ds_client", "%s (intento %d de %ld); se abandona", call->err,
				  call->attempts, dc->cfg->ds_max_retries);
			set_error(err, errlen, "%s", call->err);
			return call->answer;
		}
		/* Sleep until a transfer moves, a retry is due, or the stop check is due. */
		for (size_t i = 0; i < next; i++) {
			if (calls[i].state == DS_CALL_WAITING && calls[i].ready_at - now < wait)
				wait = calls[i].ready_at - now;
		}
		if (wait < 0)
			wait = 0;
		/* Refill freed slots at once: a fast server answers within perform, and
		 * polling then would sleep the whole wait with nothing in flight. */
		if (done < n && finished == 0)
			curl_multi_poll(multi, NULL, 0, (int)wait, NULL);
	}
	return DS_OK;
}

void ds_client_escape_label(char *out, size_t outlen, const char *op, const char *arg)
{
	char esc[64];

	log_escape(arg, strlen(arg), esc, sizeof(esc));
	snprintf(out, outlen, "%s %s", op, esc);
}

/* ---------------------------------------------------------------- database profiles */

/* Sleeps ms milliseconds, waking every DS_CLIENT_POLL_MS to look at the stop flag. Returns
 * 0, or -1 when stopped. */
static int ds_client_sleep(struct ds_client *dc, long ms)
{
	long long until = util_monotonic_ms() + ms;

	while (!ds_client_stopped(dc)) {
		long long left = until - util_monotonic_ms();

		if (left <= 0)
			return 0;
		poll(NULL, 0, (int)(left < DS_CLIENT_POLL_MS ? left : DS_CLIENT_POLL_MS));
	}
	return -1;
}

/* Runs query q until it succeeds, fails for good, or the attempts run out; what is a
 * retry is ds_pg's DS_FAULT_SERVER. label names the request in the log. */
static enum ds_answer ds_client_pg_filings(struct ds_client *dc, const char *label,
					   enum mapping_query_kind q,
					   const struct ds_pg_param *params, size_t nparams,
					   struct filing_list *out, char *err, size_t errlen)
{
	char perr[DS_CLIENT_ERR_LEN];

	for (int attempt = 1;; attempt++) {
		enum ds_answer a;
		long delay;

		dc->stats.requests++;
		a = ds_pg_filings(dc->pg, q, params, nparams, out, perr, sizeof(perr));
		if (a == DS_OK)
			return DS_OK;
		if (a != DS_FAULT_SERVER || attempt >= dc->cfg->ds_max_retries ||
		    ds_client_stopped(dc)) {
			dc->stats.failures++;
			log_error("ds_client", "%s: %s (intento %d de %ld); se abandona", label,
				  perr, attempt, dc->cfg->ds_max_retries);
			set_error(err, errlen, "%s: %s", label, perr);
			return a;
		}
		delay = ds_client_backoff_ms(dc, attempt);
		dc->stats.retries++;
		log_warn("ds_client", "%s: %s (intento %d de %ld); reintento en %.1f s", label,
			 perr, attempt, dc->cfg->ds_max_retries, delay / 1000.0);
		if (ds_client_sleep(dc, delay) < 0) {
			set_error(err, errlen, "interrumpido: el proceso se está deteniendo");
			return DS_MALFORMED;
		}
	}
}

/* The filings of query q into out; DS_EMPTY when there are none. */
static enum ds_answer ds_client_pg_list(struct ds_client *dc, const char *label,
					enum mapping_query_kind q, const struct ds_pg_param *params,
					size_t nparams, struct filing_list *out, char *err,
					size_t errlen)
{
	size_t before = out->count;
	enum ds_answer a = ds_client_pg_filings(dc, label, q, params, nparams, out, err, errlen);

	if (a == DS_OK && out->count == before)
		return DS_EMPTY;
	return a;
}

/* backfill_from at midnight, the lower bound of every arrival ("YYYY-MM-DD 00:00:00"). */
static void ds_client_start_instant(const struct ds_client *dc, char out[24])
{
	snprintf(out, 24, "%.10s 00:00:00", dc->cfg->ds_backfill_from);
}

/* Completes fs[0..n) from the info query, DS_PG_INFO_BATCH numbers at a time. */
static enum ds_answer ds_client_pg_details(struct ds_client *dc, struct filing **fs, size_t n,
					   char *err, size_t errlen)
{
	for (size_t first = 0; first < n; first += DS_PG_INFO_BATCH) {
		size_t count = n - first < DS_PG_INFO_BATCH ? n - first : DS_PG_INFO_BATCH;
		char **numbers = xcalloc(count, sizeof(*numbers));
		struct filing_list got;
		struct ds_pg_param params[2];
		char label[DS_CLIENT_LABEL_LEN];
		char *literal;
		enum ds_answer a;

		for (size_t i = 0; i < count; i++)
			numbers[i] = fs[first + i]->numero;
		literal = ds_pg_array_literal(numbers, count);
		free(numbers);
		params[0] = (struct ds_pg_param){"numeros", literal};
		params[1] = (struct ds_pg_param){"dependencia", dc->cfg->ds_dependencia};
		snprintf(label, sizeof(label), "consulta de detalle de %zu radicados", count);
		filing_list_init(&got);
		a = ds_client_pg_filings(dc, label, MQ_INFO, params, 2, &got, err, errlen);
		free(literal);
		if (a != DS_OK) {
			filing_list_free(&got);
			return a;
		}
		for (size_t i = 0; i < count; i++) {
			struct filing *f = fs[first + i];
			size_t k;

			for (k = 0; k < got.count; k++) {
				if (strcmp(got.items[k].numero, f->numero) == 0)
					break;
			}
			if (k == got.count) {
				log_warn("ds_client",
					 "la base de datos no tiene el radicado %s; queda "
					 "sin detalle",
					 f->numero);
				continue;
			}
			filing_free(f);
			*f = got.items[k];
			filing_init(&got.items[k]);
		}
		filing_list_free(&got);
	}
	return DS_OK;
}

enum ds_answer ds_client_list_changes(struct ds_client *dc, const char *from, const char *to,
				      struct filing_list *out, char *err, size_t errlen)
{
	char start[24];
	char label[DS_CLIENT_LABEL_LEN];
	struct ds_pg_param params[4];

	if (dc->pg == NULL && mapping_format(dc->map) == MAPPING_FORMAT_JSON)
		return ds_json_list(dc, MR_MODIFIED, from, to, out, err, errlen);
	if (dc->pg == NULL) {
		set_error(err, errlen, "el perfil %s no lista por instante de llegada",
			  mapping_profile(dc->map));
		return DS_FAULT_CLIENT;
	}
	ds_client_start_instant(dc, start);
	params[0] = (struct ds_pg_param){"dependencia", dc->cfg->ds_dependencia};
	params[1] = (struct ds_pg_param){"desde", from};
	params[2] = (struct ds_pg_param){"hasta", to};
	params[3] = (struct ds_pg_param){"inicio", start};
	snprintf(label, sizeof(label), "llegadas de %s a %s", from, to);
	return ds_client_pg_list(dc, label, MQ_LIST, params, 4, out, err, errlen);
}

struct ds_pg *ds_client_pg(struct ds_client *dc)
{
	return dc->pg;
}

void ds_client_answer_info(const struct ds_client *dc, struct mapping_answer_info *out)
{
	*out = dc->last_info;
}

/* ---------------------------------------------------------------- the calls */

/* A SOAP call: POST to the configured url with the mapping's Content-Type and SOAPAction;
 * takes body and action (freed here). */
static void ds_client_soap_call(struct ds_client *dc, struct ds_call *call, enum ds_call_kind kind,
				char *body, char *action)
{
	ds_call_init(call, kind);
	call->post = 1;
	call->body = body;
	call->body_len = strlen(body);
	call->headers = xcalloc(2, sizeof(*call->headers));
	call->headers[call->nheaders++] =
	    xasprintf("Content-Type: %s", mapping_content_type(dc->map));
	call->headers[call->nheaders++] = xasprintf("SOAPAction: %s", action);
	free(action);
}

enum ds_answer ds_client_list(struct ds_client *dc, const char *from, const char *to,
			      struct filing_list *out, char *err, size_t errlen)
{
	struct ds_call *call;
	enum ds_answer a;
	char range[32];
	char *body = NULL;
	char *action = NULL;

	if (dc->pg != NULL) {
		struct ds_pg_param params[5];
		char start[24];
		char now[UTIL_LOCAL_LEN];
		char label[DS_CLIENT_LABEL_LEN];

		ds_client_start_instant(dc, start);
		util_time_local((long long)time(NULL), now);
		params[0] = (struct ds_pg_param){"dependencia", dc->cfg->ds_dependencia};
		params[1] = (struct ds_pg_param){"fecha_desde", from};
		params[2] = (struct ds_pg_param){"fecha_hasta", to};
		params[3] = (struct ds_pg_param){"inicio", start};
		params[4] = (struct ds_pg_param){"ahora", now};
		snprintf(label, sizeof(label), "radicados de %s a %s", from, to);
		return ds_client_pg_list(dc, label, MQ_LIST_BY_DATE, params, 5, out, err, errlen);
	}
	if (mapping_format(dc->map) == MAPPING_FORMAT_JSON)
		return ds_json_list(dc, MR_LIST, from, to, out, err, errlen);
	if (mapping_build_list_request(dc->map, dc->cfg->ds_dependencia, from, to, dc->cfg->ds_key,
				       &body, &action) < 0) {
		set_error(err, errlen, "no se pudo construir la consulta de %s a %s", from, to);
		free(body);
		free(action);
		return DS_FAULT_CLIENT;
	}
	call = xcalloc(1, sizeof(*call));
	ds_client_soap_call(dc, call, DS_CALL_LIST, body, action);
	call->list_out = out;
	snprintf(range, sizeof(range), "%s..%s", from, to);
	ds_client_escape_label(call->label, sizeof(call->label), "getRadicadosDependencia", range);
	a = ds_client_run(dc, dc->multi, call, 1, err, errlen);
	if (a == DS_OK)
		a = call->answer == DS_EMPTY ? DS_EMPTY : DS_OK;
	ds_client_free_calls(dc, call, 1);
	return a;
}

enum ds_answer ds_client_details(struct ds_client *dc, struct filing **fs, size_t n, char *err,
				 size_t errlen)
{
	struct ds_call *calls;
	enum ds_answer a;

	if (n == 0)
		return DS_OK;
	if (dc->pg != NULL)
		return ds_client_pg_details(dc, fs, n, err, errlen);
	if (mapping_format(dc->map) == MAPPING_FORMAT_JSON)
		return ds_json_details(dc, fs, n, err, errlen);
	calls = xcalloc(n, sizeof(*calls));
	for (size_t i = 0; i < n; i++) {
		struct ds_call *call = &calls[i];
		char *body = NULL;
		char *action = NULL;

		if (mapping_build_info_request(dc->map, fs[i]->numero, dc->cfg->ds_key, &body,
					       &action) < 0) {
			set_error(err, errlen, "no se pudo construir la consulta de detalle de %s",
				  fs[i]->numero);
			free(body);
			free(action);
			ds_client_free_calls(dc, calls, i);
			return DS_FAULT_CLIENT;
		}
		ds_client_soap_call(dc, call, DS_CALL_INFO, body, action);
		call->target = fs[i];
		ds_client_escape_label(call->label, sizeof(call->label), "getInfoRadicado",
				       fs[i]->numero);
	}
	a = ds_client_run(dc, dc->multi, calls, n, err, errlen);
	ds_client_free_calls(dc, calls, n);
	return a;
}
