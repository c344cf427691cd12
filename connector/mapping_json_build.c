/* mapping_json_build.c -- requests of a format-json mapping: templates ({{name|filter}})
 * parsed at load and expanded with each value escaped for where it goes (percent-encoded
 * in URLs, queries and forms, plain in headers without CR/LF, serialised by jansson in JSON
 * bodies), next links kept to the configured origin. */
#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "mapping_json_int.h"
#include "util.h"

const char *const mj_var_names[MJV_COUNT] = {
    [MJV_URL] = "url",		 [MJV_ORIGEN] = "origen",   [MJV_DEPENDENCIA] = "dependencia",
    [MJV_USER] = "user",	 [MJV_KEY] = "key",	    [MJV_DESDE] = "desde",
    [MJV_HASTA] = "hasta",	 [MJV_DESDE_INICIO] = "desde_inicio",
    [MJV_HASTA_FIN] = "hasta_fin", [MJV_TOKEN] = "token", [MJV_NUMERO] = "numero",
    [MJV_OFFSET] = "offset",	 [MJV_LIMIT] = "limit",	    [MJV_PAGE] = "page",
};

static const char *const mj_filter_names[] = {[MJF_NONE] = "", [MJF_CMIS] = "cmis",
					      [MJF_SQL] = "sql", [MJF_NUMBER] = "number"};

/* ---------------------------------------------------------------- parsing */

static void mj_template_push(struct mj_template *t, const char *lit, size_t n, enum mj_var var,
			     enum mj_filter filter)
{
	struct mj_part *p;

	t->parts = xrealloc(t->parts, (t->n + 1) * sizeof(*t->parts));
	p = &t->parts[t->n++];
	p->lit = lit != NULL ? xstrndup(lit, n) : NULL;
	p->var = var;
	p->filter = filter;
}

/* "name" or "name|filter" of n bytes at s (spaces around either ignored) into var and
 * filter. 0, or -1 with why in bad. */
static int mj_parse_marker(const char *s, size_t n, unsigned allowed, enum mj_var *var,
			   enum mj_filter *filter, char *bad, size_t badlen)
{
	char inner[96];
	char *bar;
	char *name;
	char *fname = NULL;
	size_t i;

	if (n >= sizeof(inner)) {
		set_error(bad, badlen, "marcador demasiado largo");
		return -1;
	}
	memcpy(inner, s, n);
	inner[n] = '\0';
	bar = strchr(inner, '|');
	if (bar != NULL) {
		*bar = '\0';
		fname = bar + 1;
	}
	name = inner + strspn(inner, " ");
	for (char *e = name + strlen(name); e > name && e[-1] == ' ';)
		*--e = '\0';
	for (i = 0; i < MJV_COUNT; i++) {
		if (strcmp(name, mj_var_names[i]) == 0)
			break;
	}
	if (i == MJV_COUNT) {
		set_error(bad, badlen, "marcador desconocido {{%s}}", name);
		return -1;
	}
	if (!(allowed & MJV_BIT(i))) {
		set_error(bad, badlen, "{{%s}} no existe en esta petición", name);
		return -1;
	}
	*var = (enum mj_var)i;
	*filter = MJF_NONE;
	if (fname == NULL)
		return 0;
	fname += strspn(fname, " ");
	for (char *e = fname + strlen(fname); e > fname && e[-1] == ' ';)
		*--e = '\0';
	for (i = 1; i < sizeof(mj_filter_names) / sizeof(mj_filter_names[0]); i++) {
		if (strcmp(fname, mj_filter_names[i]) == 0) {
			*filter = (enum mj_filter)i;
			return 0;
		}
	}
	set_error(bad, badlen, "filtro desconocido \"%s\" en {{%s}} (cmis, sql o number)", fname,
		  name);
	return -1;
}

int mj_template_parse(const char *text, unsigned allowed, enum mj_context ctx,
		      struct mj_template *out, char *bad, size_t badlen)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	if (strlen(text) > MAPPING_MAX_TEMPLATE) {
		set_error(bad, badlen, "plantilla de más de %d bytes", MAPPING_MAX_TEMPLATE);
		return -1;
	}
	if (ctx == MJX_HEADER && strpbrk(text, "\r\n") != NULL) {
		set_error(bad, badlen, "un encabezado no puede llevar saltos de línea");
		return -1;
	}
	for (;;) {
		const char *open = strstr(p, "{{");
		const char *close;
		enum mj_var var;
		enum mj_filter filter;

		if (open == NULL) {
			if (*p != '\0')
				mj_template_push(out, p, strlen(p), MJV_COUNT, MJF_NONE);
			break;
		}
		if (open > p)
			mj_template_push(out, p, (size_t)(open - p), MJV_COUNT, MJF_NONE);
		close = strstr(open + 2, "}}");
		if (close == NULL) {
			set_error(bad, badlen, "\"{{\" sin cerrar");
			goto fail;
		}
		if (mj_parse_marker(open + 2, (size_t)(close - open - 2), allowed, &var, &filter,
				    bad, badlen) < 0)
			goto fail;
		mj_template_push(out, NULL, 0, var, filter);
		p = close + 2;
	}
	for (size_t i = 0; i < out->n; i++) {
		if (out->parts[i].lit == NULL && out->parts[i].filter == MJF_NUMBER &&
		    (ctx != MJX_JSON || out->n != 1)) {
			set_error(bad, badlen,
				  "el filtro number solo vale en json_body, como valor completo "
				  "(\"{{%s|number}}\")",
				  mj_var_names[out->parts[i].var]);
			goto fail;
		}
	}
	return 0;
fail:
	mj_template_free(out);
	return -1;
}

void mj_template_free(struct mj_template *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->parts[i].lit);
	free(t->parts);
	t->parts = NULL;
	t->n = 0;
}

void mj_params_free(struct mj_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].name);
		mj_template_free(&p->e[i].value);
	}
	free(p->e);
	p->e = NULL;
	p->n = 0;
}

/* ---------------------------------------------------------------- values */

/* The values of one build, by variable (NULL: not given). Numbers and dates are formatted
 * into the struct's own storage. */
struct mj_values {
	const char *v[MJV_COUNT];
	char *origin;
	char desde[MAPPING_DATE_LEN];
	char hasta[MAPPING_DATE_LEN];
	char inicio[UTIL_ISO_LEN];
	char fin[UTIL_ISO_LEN];
	char offset[24];
	char limit[24];
	char page[24];
};

/* A YYYY-MM-DD day in the mapping's request_date_format into out. 0 or -1. */
static int mj_format_day(const struct mapping *m, const char *day, char *out, size_t outlen)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime_l(day, "%Y-%m-%d", &tm, m->c_locale);
	if (end == NULL || *end != '\0')
		return -1;
	return strftime_l(out, outlen, m->json->request_date_format, &tm, m->c_locale) > 0 ? 0
											    : -1;
}

static int mj_values_fill(const struct mapping *m, enum mapping_request r,
			  const struct mapping_vars *in, struct mj_values *x, char *err,
			  size_t errlen)
{
	char next_day[11];

	memset(x, 0, sizeof(*x));
	x->v[MJV_URL] = in->url;
	if (in->url != NULL) {
		x->origin = mapping_json_origin(in->url);
		if (x->origin == NULL) {
			set_error(err, errlen, "la url configurada no es una URL http(s) absoluta");
			return -1;
		}
		x->v[MJV_ORIGEN] = x->origin;
	}
	x->v[MJV_DEPENDENCIA] = in->dependencia;
	x->v[MJV_USER] = in->user != NULL && in->user[0] != '\0' ? in->user : NULL;
	x->v[MJV_KEY] = in->key;
	x->v[MJV_TOKEN] = in->token;
	x->v[MJV_NUMERO] = in->numero;
	if (r == MR_LIST && in->desde != NULL && in->hasta != NULL) {
		if (mj_format_day(m, in->desde, x->desde, sizeof(x->desde)) < 0 ||
		    mj_format_day(m, in->hasta, x->hasta, sizeof(x->hasta)) < 0 ||
		    util_date_add(in->hasta, 1, next_day) < 0) {
			set_error(err, errlen, "fechas no válidas para la petición list");
			return -1;
		}
		x->v[MJV_DESDE] = x->desde;
		x->v[MJV_HASTA] = x->hasta;
		snprintf(x->inicio, sizeof(x->inicio), "%.10sT00:00:00%s", in->desde, m->tz_text);
		snprintf(x->fin, sizeof(x->fin), "%sT00:00:00%s", next_day, m->tz_text);
		x->v[MJV_DESDE_INICIO] = x->inicio;
		x->v[MJV_HASTA_FIN] = x->fin;
	} else if (r == MR_MODIFIED) {
		x->v[MJV_DESDE] = in->desde;
		x->v[MJV_HASTA] = in->hasta;
	}
	if (in->offset >= 0) {
		snprintf(x->offset, sizeof(x->offset), "%ld", in->offset);
		x->v[MJV_OFFSET] = x->offset;
	}
	if (in->limit >= 0) {
		snprintf(x->limit, sizeof(x->limit), "%ld", in->limit);
		x->v[MJV_LIMIT] = x->limit;
	}
	if (in->page >= 0) {
		snprintf(x->page, sizeof(x->page), "%ld", in->page);
		x->v[MJV_PAGE] = x->page;
	}
	return 0;
}

/* Appends s with filter f applied. */
static void mj_put_filtered(struct buf *b, const char *s, enum mj_filter f)
{
	for (; *s != '\0'; s++) {
		if (f == MJF_CMIS && (*s == '\'' || *s == '\\'))
			buf_append(b, "\\", 1);
		else if (f == MJF_SQL && *s == '\'')
			buf_append(b, "'", 1);
		buf_append(b, s, 1);
	}
}

/* Appends len bytes of s percent-encoded (RFC 3986: only unreserved characters kept). */
static void mj_put_encoded(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_append(b, &s[i], 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};

			buf_append(b, e, 3);
		}
	}
}

/* Expands t into out for context ctx (MJX_URL: values percent-encoded but url and origen;
 * the others plain: the caller encodes or checks the whole). Returns 0, 1 when t is one
 * variable without a value and missing_ok, or -1 with err naming the variable. */
static int mj_expand(const struct mj_template *t, const struct mj_values *x, enum mj_context ctx,
		     int missing_ok, struct buf *out, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct mj_part *p = &t->parts[i];
		const char *val;
		struct buf tmp;

		if (p->lit != NULL) {
			buf_puts(out, p->lit);
			continue;
		}
		val = x->v[p->var];
		if (val == NULL) {
			if (missing_ok && t->n == 1)
				return 1;
			set_error(err, errlen, "{{%s}} no tiene valor (%s)", mj_var_names[p->var],
				  p->var == MJV_USER ? "falta document_system.user"
						     : "no lo da esta llamada");
			return -1;
		}
		if (p->filter == MJF_NUMBER) {
			long n;

			if (parse_long(val, LONG_MIN, LONG_MAX, &n) < 0) {
				set_error(err, errlen, "{{%s|number}} no es un número entero",
					  mj_var_names[p->var]);
				return -1;
			}
		}
		if (ctx != MJX_URL || p->var == MJV_URL || p->var == MJV_ORIGEN) {
			mj_put_filtered(out, val, p->filter);
			continue;
		}
		buf_init(&tmp);
		mj_put_filtered(&tmp, val, p->filter);
		mj_put_encoded(out, tmp.data ? tmp.data : "", tmp.len);
		util_wipe(tmp.data, tmp.len);
		buf_free(&tmp);
	}
	if (out->len > MJ_MAX_BUILT) {
		set_error(err, errlen, "valor expandido de más de %d bytes", MJ_MAX_BUILT);
		return -1;
	}
	return 0;
}

/* Wipes and frees a buffer that may hold a secret. */
static void mj_buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		util_wipe(b->data, b->len);
	buf_free(b);
}

/* name=value pairs of ps, both percent-encoded, joined with '&' after sep (when any). */
static int mj_put_params(const struct mj_params *ps, const struct mj_values *x, char sep,
			 struct buf *out, char *err, size_t errlen)
{
	int first = 1;

	for (size_t i = 0; i < ps->n; i++) {
		struct buf val;
		int rc;

		buf_init(&val);
		rc = mj_expand(&ps->e[i].value, x, MJX_QUERY, ps->e[i].only_var, &val, err, errlen);
		if (rc < 0) {
			mj_buf_wipe(&val);
			return -1;
		}
		if (rc == 0) {
			if (!first || sep != '\0')
				buf_append(out, first ? &sep : "&", 1);
			first = 0;
			mj_put_encoded(out, ps->e[i].name, strlen(ps->e[i].name));
			buf_append(out, "=", 1);
			mj_put_encoded(out, val.data ? val.data : "", val.len);
		}
		mj_buf_wipe(&val);
	}
	return 0;
}

/* A copy of the json_body value with every string expanded (a string that is exactly
 * "{{x|number}}" becomes a number). NULL with err on failure. */
static json_t *mj_json_body(const json_t *v, const struct mj_values *x, char *err, size_t errlen)
{
	json_t *out;
	const char *key;
	json_t *e;
	size_t i;

	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach((json_t *)v, key, e)
		{
			json_t *c;

			if (key[0] == '_')
				continue;
			c = mj_json_body(e, x, err, errlen);
			if (c == NULL) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, key, c);
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, e)
		{
			json_t *c = mj_json_body(e, x, err, errlen);

			if (c == NULL) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, c);
		}
		return out;
	}
	if (json_is_string(v)) {
		struct mj_template t;
		struct buf b;
		char bad[MAPPING_MSG_LEN];
		long n;

		/* Parsed at load with every name allowed there: cannot fail on names now. */
		if (mj_template_parse(json_string_value(v), ~0u, MJX_JSON, &t, bad, sizeof(bad)) <
		    0) {
			set_error(err, errlen, "json_body: %s", bad);
			return NULL;
		}
		buf_init(&b);
		if (mj_expand(&t, x, MJX_JSON, 0, &b, err, errlen) < 0) {
			mj_template_free(&t);
			mj_buf_wipe(&b);
			return NULL;
		}
		if (t.n == 1 && t.parts[0].filter == MJF_NUMBER &&
		    parse_long(b.data, LONG_MIN, LONG_MAX, &n) == 0)
			out = json_integer(n);
		else
			out = json_stringn(b.data ? b.data : "", b.len);
		mj_template_free(&t);
		mj_buf_wipe(&b);
		if (out == NULL)
			set_error(err, errlen, "json_body: un valor no es UTF-8 válido");
		return out;
	}
	return json_deep_copy(v);
}

/* ---------------------------------------------------------------- URLs */

char *mapping_json_origin(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	char *host = NULL;
	char *port = NULL;
	char *out = NULL;

	if (u == NULL || url == NULL)
		goto done;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto done;
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
		goto done;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
		out = xasprintf("%s://%s:%s", scheme, host, port);
	else
		out = xasprintf("%s://%s", scheme, host);
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* scheme, host and port (the default one when not written) of u, lowercase, into out. */
static int mj_origin_key(CURLU *u, char *out, size_t outlen)
{
	char *scheme = NULL;
	char *host = NULL;
	char *port = NULL;
	int rc = -1;

	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		snprintf(out, outlen, "%s://%s:%s", scheme, host, port);
		for (char *p = out; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return rc;
}

/* The next link resolved against base, into a new string, or NULL with err when it is not
 * a URL or leaves base's origin (the credentials stay with the configured server). */
static char *mj_resolve_next(const char *base, const char *next, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char want[512];
	char got[512];
	char *full = NULL;
	char *out = NULL;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    mj_origin_key(u, want, sizeof(want)) < 0) {
		set_error(err, errlen, "la url configurada no es una URL válida");
		goto done;
	}
	if (curl_url_set(u, CURLUPART_URL, next, 0) != CURLUE_OK ||
	    mj_origin_key(u, got, sizeof(got)) < 0 ||
	    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		set_error(err, errlen, "el enlace a la página siguiente no es una URL válida");
		goto done;
	}
	if (strcmp(want, got) != 0) {
		char esc[96];

		set_error(err, errlen,
			  "el enlace a la página siguiente lleva a otro servidor (%s); se rechaza "
			  "para no enviarle las credenciales",
			  log_escape(got, strlen(got), esc, sizeof(esc)));
		goto done;
	}
	out = xstrdup(full);
done:
	curl_free(full);
	curl_url_cleanup(u);
	return out;
}

/* ---------------------------------------------------------------- requests */

static void mj_values_free(struct mj_values *x)
{
	free(x->origin);
	x->origin = NULL;
}

/* Appends the query of rq to url (after '?' or '&'). */
static int mj_put_query(const struct mj_request *rq, const struct mj_values *x, struct buf *url,
			char *err, size_t errlen)
{
	char sep = '?';

	if (rq->query.n == 0)
		return 0;
	if (url->len > 0 && memchr(url->data, '?', url->len) != NULL)
		sep = url->data[url->len - 1] == '?' || url->data[url->len - 1] == '&' ? '\0' : '&';
	return mj_put_params(&rq->query, x, sep, url, err, errlen);
}

static int mj_build_headers(const struct mj_request *rq, const struct mj_values *x,
			    struct mapping_http_request *out, char *err, size_t errlen)
{
	out->headers = xcalloc(rq->headers.n ? rq->headers.n : 1, sizeof(*out->headers));
	for (size_t i = 0; i < rq->headers.n; i++) {
		struct buf val;
		int rc;

		buf_init(&val);
		rc = mj_expand(&rq->headers.e[i].value, x, MJX_HEADER, rq->headers.e[i].only_var,
			       &val, err, errlen);
		if (rc < 0) {
			mj_buf_wipe(&val);
			return -1;
		}
		if (rc == 1) {
			mj_buf_wipe(&val);
			continue;
		}
		for (size_t k = 0; k < val.len; k++) {
			unsigned char c = (unsigned char)val.data[k];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				set_error(err, errlen,
					  "el encabezado %s llevaría caracteres de control (CR, LF)",
					  rq->headers.e[i].name);
				mj_buf_wipe(&val);
				return -1;
			}
		}
		out->headers[out->nheaders].name = xstrdup(rq->headers.e[i].name);
		out->headers[out->nheaders].value = buf_steal(&val);
		out->nheaders++;
	}
	return 0;
}

static int mj_build_body(const struct mj_request *rq, const struct mj_values *x,
			 struct mapping_http_request *out, char *err, size_t errlen)
{
	struct buf b;
	json_t *body;

	if (rq->form.n > 0) {
		buf_init(&b);
		if (mj_put_params(&rq->form, x, '\0', &b, err, errlen) < 0) {
			mj_buf_wipe(&b);
			return -1;
		}
		out->body_len = b.len;
		out->body = b.data != NULL ? buf_steal(&b) : xstrdup("");
		out->content_type = "application/x-www-form-urlencoded";
		return 0;
	}
	if (rq->json_body == NULL)
		return 0;
	body = mj_json_body(rq->json_body, x, err, errlen);
	if (body == NULL)
		return -1;
	out->body = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	if (out->body == NULL) {
		set_error(err, errlen, "no se pudo escribir el cuerpo JSON");
		return -1;
	}
	out->body_len = strlen(out->body);
	out->content_type = "application/json";
	return 0;
}

int mapping_json_build(const struct mapping *m, enum mapping_request r,
		       const struct mapping_vars *v, const char *next_url,
		       struct mapping_http_request *out, char *err, size_t errlen)
{
	const struct mj_request *rq;
	struct mj_values x;
	struct buf url;

	memset(out, 0, sizeof(*out));
	if (m == NULL || m->json == NULL || (size_t)r >= MAPPING_REQUEST_COUNT ||
	    !m->json->req[r].present || v == NULL) {
		set_error(err, errlen, "el mapeo no describe la petición %s",
			  mapping_request_name(r));
		return -1;
	}
	rq = &m->json->req[r];
	if (mj_values_fill(m, r, v, &x, err, errlen) < 0) {
		mj_values_free(&x);
		return -1;
	}
	buf_init(&url);
	if (next_url != NULL) {
		char *full = v->url != NULL ? mj_resolve_next(v->url, next_url, err, errlen) : NULL;

		if (full == NULL)
			goto fail;
		buf_puts(&url, full);
		util_wipe(full, strlen(full));
		free(full);
	} else if (mj_expand(&rq->url, &x, MJX_URL, 0, &url, err, errlen) < 0 ||
		   mj_put_query(rq, &x, &url, err, errlen) < 0) {
		goto fail;
	}
	out->method = xstrdup(rq->post ? "POST" : "GET");
	out->url = url.data != NULL ? buf_steal(&url) : xstrdup("");
	if (mj_build_headers(rq, &x, out, err, errlen) < 0 ||
	    mj_build_body(rq, &x, out, err, errlen) < 0)
		goto fail;
	mj_values_free(&x);
	return 0;
fail:
	mj_buf_wipe(&url);
	mj_values_free(&x);
	mapping_http_request_free(out);
	return -1;
}

static void mj_wipe_free(char *s)
{
	if (s == NULL)
		return;
	util_wipe(s, strlen(s));
	free(s);
}

void mapping_http_request_free(struct mapping_http_request *rq)
{
	if (rq == NULL)
		return;
	free(rq->method);
	mj_wipe_free(rq->url);
	for (size_t i = 0; i < rq->nheaders; i++) {
		free(rq->headers[i].name);
		mj_wipe_free(rq->headers[i].value);
	}
	free(rq->headers);
	if (rq->body != NULL)
		util_wipe(rq->body, rq->body_len);
	free(rq->body);
	memset(rq, 0, sizeof(*rq));
}

char *mapping_json_expand_url(const char *tpl, const struct mapping_vars *v, char *err,
			      size_t errlen)
{
	const unsigned allowed =
	    MJV_BIT(MJV_URL) | MJV_BIT(MJV_ORIGEN) | MJV_BIT(MJV_DEPENDENCIA) | MJV_BIT(MJV_USER);
	struct mj_template t;
	struct mj_values x;
	struct buf b;
	char bad[MAPPING_MSG_LEN];
	char *out = NULL;

	memset(&x, 0, sizeof(x));
	if (tpl == NULL || v == NULL ||
	    mj_template_parse(tpl, allowed, MJX_URL, &t, bad, sizeof(bad)) < 0) {
		set_error(err, errlen, "plantilla de URL no válida");
		return NULL;
	}
	x.v[MJV_URL] = v->url;
	x.origin = v->url != NULL ? mapping_json_origin(v->url) : NULL;
	x.v[MJV_ORIGEN] = x.origin;
	x.v[MJV_DEPENDENCIA] = v->dependencia;
	x.v[MJV_USER] = v->user != NULL && v->user[0] != '\0' ? v->user : NULL;
	buf_init(&b);
	if (mj_expand(&t, &x, MJX_URL, 0, &b, err, errlen) == 0)
		out = b.data != NULL ? buf_steal(&b) : xstrdup("");
	buf_free(&b);
	mj_template_free(&t);
	mj_values_free(&x);
	return out;
}
