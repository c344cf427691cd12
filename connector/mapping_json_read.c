/* mapping_json_read.c -- the answers of a format-json mapping: what an answer means (the
 * mapping's error rules first, then the HTTP status; HTML and broken JSON told apart), and
 * what a good one holds: items filtered, fields converted (numbers, booleans, multi-valued
 * properties, dates as epoch ms, ISO 8601 or strptime), change types, paging values, the
 * latest change token; a filing that breaks the limits is left out and counted. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "mapping_json_int.h"
#include "util.h"

void mapping_page_init(struct mapping_page *p)
{
	memset(p, 0, sizeof(*p));
	filing_list_init(&p->filings);
	p->has_more = -1;
	p->total = -1;
}

void mapping_page_free(struct mapping_page *p)
{
	if (p == NULL)
		return;
	filing_list_free(&p->filings);
	for (size_t i = 0; i < p->ndeleted; i++)
		free(p->deleted[i]);
	free(p->deleted);
	free(p->next);
	free(p->token);
	mapping_page_init(p);
}

/* ---------------------------------------------------------------- classification */

/* The server's error text (errors.message) into out, escaped for the log; "" when none. */
static void mj_server_message(const struct mapping_json *j, json_t *doc, char *out, size_t outlen)
{
	json_t *v = mj_pointers_get(&j->message, doc);

	out[0] = '\0';
	if (json_is_string(v))
		log_escape(json_string_value(v), MJ_MAX_MESSAGE, out, outlen);
}

static int mj_rule_matches(const struct mj_rule *rule, enum mapping_request r, long status,
			   json_t *doc)
{
	size_t i;

	if (rule->requests != 0 && !(rule->requests & (1u << r)))
		return 0;
	if (rule->nstatus > 0) {
		for (i = 0; i < rule->nstatus; i++) {
			if (rule->status[i] == status)
				break;
		}
		if (i == rule->nstatus)
			return 0;
	}
	if (rule->has_pointer) {
		json_t *v = mj_pointer_first(&rule->pointer, doc);

		if (rule->equals != NULL)
			return mj_value_in(v, rule->equals);
		return v != NULL && !json_is_null(v);
	}
	return 1;
}

/* What the HTTP status says when no rule decided: 0 for a good answer, else the failure. */
static enum ds_answer mj_status_answer(long status)
{
	if (status >= 200 && status < 300)
		return DS_OK;
	if (status == 401)
		return DS_AUTH;
	if (status == 408 || status == 429 || status >= 500)
		return DS_FAULT_SERVER;
	return DS_FAULT_CLIENT;
}

/* An answer that is not JSON: by its status, or (2xx) malformed, an HTML page named so. */
static enum ds_answer mj_not_json(long status, const char *ctype, const char *body, size_t len,
				  const char *why, char *err, size_t errlen)
{
	enum ds_answer a = mj_status_answer(status);
	size_t i = 0;
	int html;

	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	html = (ctype != NULL && strncasecmp(ctype, "text/html", 9) == 0) ||
	       (i < len && body[i] == '<');
	if (a == DS_OK) {
		if (html)
			set_error(err, errlen, "HTTP %ld con una página HTML en vez de JSON", status);
		else
			set_error(err, errlen, "HTTP %ld, respuesta que no es JSON (%zu bytes): %s",
				  status, len, why);
		return DS_MALFORMED;
	}
	set_error(err, errlen, "HTTP %ld (%s, %zu bytes, sin cuerpo JSON)", status,
		  html ? "página HTML" : "texto", len);
	return a;
}

/* ---------------------------------------------------------------- values */

/* v as trimmed text into *out (NULL when null or missing). 0 or -1 with why. */
static int mj_text(const struct mapping *m, json_t *v, char **out, char *bad, size_t badlen)
{
	char *s;
	size_t a = 0;
	size_t e;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (mj_value_text(v, m->json->multi_separator, &s, bad, badlen) < 0)
		return -1;
	if (s == NULL)
		return 0;
	e = strlen(s);
	while (a < e && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
		a++;
	while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
		e--;
	*out = xstrndup(s + a, e - a);
	free(s);
	return 0;
}

/* The milliseconds an epoch_ms value may hold: years 1 to 9999 UTC. Checked before any
 * arithmetic or conversion (an answer's INT64_MIN or 1e300 would overflow). */
#define MJ_EPOCH_MS_MIN (-62135596800000LL)
#define MJ_EPOCH_MS_MAX 253402300799999LL

/* Milliseconds since 1970 (an integer, an integral real or a string of digits) as ISO 8601
 * in the mapping's offset. 0 or -1. */
static int mj_epoch_ms(const struct mapping *m, json_t *v, char out[UTIL_ISO_LEN])
{
	long long ms;
	time_t t;
	struct tm tm;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < MJ_EPOCH_MS_MIN ||
		    json_integer_value(v) > MJ_EPOCH_MS_MAX)
			return -1;
		ms = (long long)json_integer_value(v);
	} else if (json_is_real(v)) {
		double d = json_real_value(v);

		if (!(d >= (double)MJ_EPOCH_MS_MIN && d <= (double)MJ_EPOCH_MS_MAX) ||
		    d != (double)(long long)d)
			return -1;
		ms = (long long)d;
	} else if (json_is_string(v)) {
		long n;

		if (parse_long(json_string_value(v), MJ_EPOCH_MS_MIN, MJ_EPOCH_MS_MAX, &n) < 0)
			return -1;
		ms = n;
	} else {
		return -1;
	}
	/* Floor division: -1 ms is the last second of 1969. */
	t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
	t += (time_t)m->tz_minutes * 60;
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < MAPPING_MIN_YEAR ||
	    tm.tm_year + 1900 > MAPPING_MAX_YEAR)
		return -1;
	if (strftime_l(out, UTIL_ISO_LEN - sizeof(m->tz_text), "%Y-%m-%dT%H:%M:%S", &tm,
		       m->c_locale) == 0)
		return -1;
	strcat(out, m->tz_text);
	return 0;
}

/* The filing date of an item as the request's date_format says. 0 or -1. */
static int mj_date(const struct mapping *m, const struct mj_request *rq, json_t *v,
		   char out[UTIL_ISO_LEN])
{
	char *text = NULL;
	char bad[64];
	int rc;

	if (rq->date_kind == MJD_EPOCH_MS)
		return mj_epoch_ms(m, v, out);
	if (!json_is_string(v) || mj_text(m, v, &text, bad, sizeof(bad)) < 0 || text == NULL) {
		free(text);
		return -1;
	}
	rc = mapping_parse_date(m, &rq->date, text, out);
	free(text);
	return rc;
}

/* ---------------------------------------------------------------- items */

/* The text fields an item sets as they are (after mapping_set_field's decoding). */
static const enum mapping_field mj_text_fields[] = {
    MF_ASUNTO,	 MF_RUTA,     MF_DEP_ORIGEN,	  MF_DEP_ORIGEN_NOMBRE, MF_DEP_ACTUAL,
    MF_REMITENTE, MF_TIPO_DOC, MF_TIPO_DOC_NOMBRE, MF_ID_SGD,
};

enum mj_item { MJI_OK, MJI_REFUSED, MJI_SKIPPED, MJI_BAD };

/* One item into f (initialised). index counts from 1 for messages. */
static enum mj_item mj_read_filing(const struct mapping *m, const struct mj_request *rq,
				   enum mapping_request r, json_t *item, size_t index,
				   struct filing *f, char *err, size_t errlen)
{
	char *v[MAPPING_NFIELDS] = {0};
	char *tipo = NULL;
	char iso[UTIL_ISO_LEN] = "";
	char bad[MAPPING_MSG_LEN];
	char esc[64];
	const char *estado = "vigente";
	const char *t;
	json_t *fecha = NULL;
	int folios = 0;
	enum mj_item rc = MJI_BAD;

	for (size_t i = 0; i < MAPPING_NFIELDS; i++) {
		json_t *jv;

		if (rq->fields[i].n == 0)
			continue;
		jv = mj_pointers_get(&rq->fields[i], item);
		if (i == MF_FECHA) {
			fecha = jv;
			continue;
		}
		if (mj_text(m, jv, &v[i], bad, sizeof(bad)) < 0) {
			set_error(err, errlen, "elemento %zu: %s: %s", index,
				  mapping_field_name((enum mapping_field)i), bad);
			goto done;
		}
	}
	if (rq->tipo_radicado.n > 0 &&
	    mj_text(m, mj_pointers_get(&rq->tipo_radicado, item), &tipo, bad, sizeof(bad)) < 0) {
		set_error(err, errlen, "elemento %zu: tipo_radicado: %s", index, bad);
		goto done;
	}
	if (v[MF_NUMERO] == NULL || v[MF_NUMERO][0] == '\0') {
		/* A change event of an object that no longer exists carries no properties. */
		if (r == MR_CHANGES) {
			rc = MJI_SKIPPED;
			goto done;
		}
		set_error(err, errlen, "elemento %zu: falta el número de radicado (%s)", index,
			  rq->fields[MF_NUMERO].p[0].text);
		goto done;
	}
	if (mapping_check_numero(m, v[MF_NUMERO]) < 0) {
		set_error(err, errlen, "elemento %zu: número de radicado no válido \"%s\"", index,
			  log_escape(v[MF_NUMERO], 40, esc, sizeof(esc)));
		goto done;
	}
	if (fecha == NULL && rq->complete) {
		set_error(err, errlen, "radicado %s: falta la fecha de radicación", v[MF_NUMERO]);
		goto done;
	}
	if (fecha != NULL && mj_date(m, rq, fecha, iso) < 0) {
		char *shown = NULL;

		mj_value_text(fecha, ",", &shown, bad, sizeof(bad));
		set_error(err, errlen, "radicado %s: fecha no válida \"%s\"", v[MF_NUMERO],
			  log_escape(shown ? shown : "", 40, esc, sizeof(esc)));
		free(shown);
		goto done;
	}
	if (mapping_parse_folios(v[MF_FOLIOS], &folios) < 0) {
		set_error(err, errlen, "radicado %s: folios no válidos \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FOLIOS], 40, esc, sizeof(esc)));
		goto done;
	}
	if (rq->fields[MF_ESTADO].n > 0) {
		estado = mapping_table_get(&m->estados, v[MF_ESTADO] ? v[MF_ESTADO] : "");
		if (estado == NULL) {
			set_error(err, errlen, "radicado %s: código de anulación desconocido \"%s\"",
				  v[MF_NUMERO], log_escape(v[MF_ESTADO], 40, esc, sizeof(esc)));
			goto done;
		}
	}
	t = tipo != NULL ? mapping_table_get(&m->tipo_digits, tipo) : NULL;
	filing_set(&f->numero, v[MF_NUMERO]);
	filing_set(&f->tipo_radicado, t != NULL ? t : mapping_tipo_radicado(m, v[MF_NUMERO]));
	filing_set(&f->fecha_radicacion, iso);
	filing_set(&f->estado_ds, estado);
	f->folios = folios;
	for (size_t i = 0; i < sizeof(mj_text_fields) / sizeof(mj_text_fields[0]); i++)
		mapping_set_field(m, f, mj_text_fields[i], v[mj_text_fields[i]]);
	mapping_name_dependency(m, f);
	f->has_detail = rq->complete;
	if (mapping_check_limits(m, f, bad, sizeof(bad)) < 0) {
		set_error(err, errlen, "elemento %zu: %s", index, bad);
		rc = MJI_REFUSED;
		goto done;
	}
	rc = MJI_OK;
done:
	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		free(v[i]);
	free(tipo);
	return rc;
}

static int mj_passes_filter(const struct mj_request *rq, json_t *item)
{
	for (size_t i = 0; i < rq->nfilters; i++) {
		if (!mj_value_in(mj_pointer_first(&rq->filters[i].ptr, item), rq->filters[i].values))
			return 0;
	}
	return 1;
}

/* Every item of the answer (the first alternative of answer.items whose container exists);
 * -1 with err when none of them exists. */
static int mj_items(const struct mj_request *rq, json_t *doc, json_t ***items, size_t *n,
		    char *err, size_t errlen)
{
	size_t cap = 0;

	*items = NULL;
	*n = 0;
	for (size_t a = 0; a < rq->items.n; a++) {
		struct mj_pointer p = rq->items.p[a];
		json_t *v;

		if (p.nseg > 0 && p.wild[p.nseg - 1]) {
			p.nseg--; /* the container the "*" walks */
			if (mj_pointer_first(&p, doc) == NULL)
				continue;
			mj_pointer_all(&rq->items.p[a], doc, items, n, &cap);
			return 0;
		}
		v = mj_pointer_first(&p, doc);
		if (v == NULL)
			continue;
		if (json_is_array(v)) {
			size_t i;
			json_t *e;

			json_array_foreach(v, i, e)
			{
				if (*n == cap) {
					cap = cap ? cap * 2 : 16;
					*items = xrealloc(*items, cap * sizeof(**items));
				}
				(*items)[(*n)++] = e;
			}
		} else if (!json_is_null(v)) {
			*items = xcalloc(1, sizeof(**items));
			(*items)[(*n)++] = v;
		}
		return 0;
	}
	set_error(err, errlen, "la respuesta no tiene los elementos (%s)", rq->items.p[0].text);
	return -1;
}

/* A change event (changes): upsert, delete or ignore. */
static enum mj_item mj_read_change(const struct mapping *m, const struct mj_request *rq,
				   json_t *item, size_t index, struct mapping_page *out,
				   int *warned, char *err, size_t errlen)
{
	char *type = NULL;
	char *id = NULL;
	char bad[MAPPING_MSG_LEN];
	char esc[64];
	size_t k;
	enum mj_item rc;

	if (mj_text(m, mj_pointers_get(&rq->change_type, item), &type, bad, sizeof(bad)) < 0) {
		set_error(err, errlen, "elemento %zu: tipo de cambio: %s", index, bad);
		return MJI_BAD;
	}
	for (k = 0; type != NULL && k < rq->nchanges; k++) {
		if (strcmp(rq->changes[k].name, type) == 0)
			break;
	}
	if (type == NULL || k == rq->nchanges) {
		if (!*warned)
			log_warn("mapping", "elemento %zu: tipo de cambio desconocido \"%s\": se ignora",
				 index, log_escape(type ? type : "", 40, esc, sizeof(esc)));
		*warned = 1;
		free(type);
		return MJI_SKIPPED;
	}
	free(type);
	if (rq->changes[k].what == MJC_IGNORE)
		return MJI_SKIPPED;
	if (rq->changes[k].what == MJC_UPSERT) {
		struct filing *f = filing_list_push(&out->filings);

		rc = mj_read_filing(m, rq, MR_CHANGES, item, index, f, err, errlen);
		if (rc != MJI_OK)
			filing_free(&out->filings.items[--out->filings.count]);
		return rc;
	}
	if (mj_text(m, mj_pointers_get(&rq->fields[MF_ID_SGD], item), &id, bad, sizeof(bad)) < 0 ||
	    id == NULL || id[0] == '\0' || strlen(id) > m->limits[MF_ID_SGD].max_bytes) {
		free(id);
		set_error(err, errlen, "elemento %zu: un cambio delete sin id_sgd válido", index);
		return MJI_BAD;
	}
	out->deleted = xrealloc(out->deleted, (out->ndeleted + 1) * sizeof(*out->deleted));
	out->deleted[out->ndeleted++] = id;
	return MJI_OK;
}

/* A token or link read from the answer: text of at most MJ_MAX_NEXT bytes without control
 * characters; NULL (no value) for null, missing or "". 0 or -1. */
static int mj_next_text(const struct mapping *m, json_t *v, char **out)
{
	char bad[64];

	if (mj_text(m, v, out, bad, sizeof(bad)) < 0 || (v != NULL && json_is_array(v)))
		goto bad;
	if (*out == NULL)
		return 0;
	if ((*out)[0] == '\0') {
		free(*out);
		*out = NULL;
		return 0;
	}
	if (strlen(*out) > MJ_MAX_NEXT)
		goto bad;
	for (const unsigned char *p = (const unsigned char *)*out; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			goto bad;
	}
	return 0;
bad:
	free(*out);
	*out = NULL;
	return -1;
}

/* has_more, total and next of a page. */
static int mj_paging_values(const struct mapping *m, const struct mj_request *rq, json_t *doc,
			    struct mapping_page *out, char *err, size_t errlen)
{
	json_t *v = mj_pointers_get(&rq->has_more, doc);

	if (v != NULL) {
		if (json_is_boolean(v))
			out->has_more = json_is_true(v);
		else if (json_is_string(v) && (strcasecmp(json_string_value(v), "true") == 0 ||
					       strcasecmp(json_string_value(v), "false") == 0))
			out->has_more = strcasecmp(json_string_value(v), "true") == 0;
		else {
			set_error(err, errlen, "paging.has_more no es un booleano");
			return -1;
		}
	}
	v = mj_pointers_get(&rq->total, doc);
	if (v != NULL) {
		long n;

		if (json_is_integer(v) && json_integer_value(v) >= 0)
			out->total = (long)json_integer_value(v);
		else if (json_is_string(v) && parse_long(json_string_value(v), 0, 1L << 40, &n) == 0)
			out->total = n;
		else {
			set_error(err, errlen, "paging.total no es un número entero");
			return -1;
		}
	}
	if (rq->next.n > 0 && mj_next_text(m, mj_pointers_get(&rq->next, doc), &out->next) < 0) {
		set_error(err, errlen, "paging.next no es un texto válido (máximo %d bytes)",
			  MJ_MAX_NEXT);
		return -1;
	}
	return 0;
}

static enum ds_answer mj_read_page(const struct mapping *m, enum mapping_request r, json_t *doc,
				   struct mapping_page *out, char *err, size_t errlen)
{
	const struct mj_request *rq = &m->json->req[r];
	json_t **items = NULL;
	size_t n = 0;
	int warned = 0;
	enum ds_answer a = DS_MALFORMED;

	if (r == MR_LATEST_TOKEN) {
		if (mj_next_text(m, mj_pointers_get(&rq->token, doc), &out->token) < 0 ||
		    out->token == NULL) {
			set_error(err, errlen, "la respuesta no trae el token de cambios (%s)",
				  rq->token.p[0].text);
			return DS_MALFORMED;
		}
		return DS_OK;
	}
	if (mj_paging_values(m, rq, doc, out, err, errlen) < 0 ||
	    mj_items(rq, doc, &items, &n, err, errlen) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		enum mj_item rc;

		out->items++;
		if (i < out->skip)
			continue;
		if (!mj_passes_filter(rq, items[i])) {
			out->ignored++;
			continue;
		}
		if (r == MR_CHANGES) {
			rc = mj_read_change(m, rq, items[i], i + 1, out, &warned, err, errlen);
		} else {
			struct filing *f = filing_list_push(&out->filings);

			rc = mj_read_filing(m, rq, r, items[i], i + 1, f, err, errlen);
			if (rc != MJI_OK)
				filing_free(&out->filings.items[--out->filings.count]);
		}
		if (rc == MJI_BAD)
			goto done;
		if (rc == MJI_SKIPPED)
			out->ignored++;
		if (rc == MJI_REFUSED) {
			out->refused++;
			log_warn("mapping", "radicado rechazado por los límites del mapeo: %s", err);
		}
		if (r == MR_INFO && out->filings.count + out->refused > 0)
			break;
	}
	if (r == MR_INFO && out->filings.count + out->refused == 0) {
		set_error(err, errlen, "el sistema no devolvió el radicado");
		a = DS_EMPTY;
		goto done;
	}
	err[0] = '\0';
	a = DS_OK;
done:
	free(items);
	return a;
}

enum ds_answer mapping_json_read(const struct mapping *m, enum mapping_request r, long status,
				 const char *content_type, const char *body, size_t len,
				 struct mapping_page *out, char *err, size_t errlen)
{
	char perr[MAPPING_MSG_LEN];
	char msg[MJ_MAX_MESSAGE + 16];
	json_t *doc;
	enum ds_answer a;
	size_t skip;

	set_error(err, errlen, "%s", "");
	if (out == NULL)
		return DS_MALFORMED;
	skip = out->skip;
	mapping_page_free(out);
	out->skip = skip;
	if (!mapping_has_request(m, r)) {
		set_error(err, errlen, "el mapeo no describe la petición %s",
			  mapping_request_name(r));
		return DS_FAULT_CLIENT;
	}
	if (len > MAPPING_MAX_RESPONSE) {
		set_error(err, errlen, "respuesta mayor que el límite de %u bytes",
			  MAPPING_MAX_RESPONSE);
		return DS_MALFORMED;
	}
	doc = mapping_json_parse(body, len, perr, sizeof(perr));
	if (doc == NULL)
		return mj_not_json(status, content_type, body ? body : "", body ? len : 0, perr, err,
				   errlen);
	mj_server_message(m->json, doc, msg, sizeof(msg));
	for (size_t i = 0; i < m->json->nrules; i++) {
		const struct mj_rule *rule = &m->json->rules[i];
		char what[80] = "";

		if (!mj_rule_matches(rule, r, status, doc))
			continue;
		if (rule->has_pointer) {
			json_t *v = mj_pointer_first(&rule->pointer, doc);

			if (json_is_string(v))
				log_escape(json_string_value(v), 60, what, sizeof(what));
		}
		set_error(err, errlen, "HTTP %ld%s%s%s%s (regla errors.rules.%zu)", status,
			  what[0] ? ", " : "", what, msg[0] ? ": " : "", msg, i);
		json_decref(doc);
		return rule->means;
	}
	a = mj_status_answer(status);
	if (a != DS_OK) {
		set_error(err, errlen, "HTTP %ld%s%s", status, msg[0] ? ": " : "", msg);
		json_decref(doc);
		return a;
	}
	a = mj_read_page(m, r, doc, out, err, errlen);
	json_decref(doc);
	if (a != DS_OK) {
		mapping_page_free(out);
		out->skip = skip;
	}
	return a;
}

int mapping_json_merge_info(const struct mapping *m, struct filing *target,
			    const struct filing *detail, char *err, size_t errlen)
{
	const struct mj_request *rq;
	struct filing *t = target;

	if (!mapping_has_request(m, MR_INFO)) {
		set_error(err, errlen, "el mapeo no describe la petición info");
		return -1;
	}
	rq = &m->json->req[MR_INFO];
	if (t->numero[0] != '\0' && strcmp(t->numero, detail->numero) != 0) {
		set_error(err, errlen, "se pidió el radicado %s y el detalle es del %s", t->numero,
			  detail->numero);
		return -1;
	}
	filing_set(&t->numero, detail->numero);
	filing_set(&t->tipo_radicado, detail->tipo_radicado);
	if (rq->fields[MF_FECHA].n > 0 && detail->fecha_radicacion[0] != '\0')
		filing_set(&t->fecha_radicacion, detail->fecha_radicacion);
	if (rq->fields[MF_FOLIOS].n > 0)
		t->folios = detail->folios;
	if (rq->fields[MF_ESTADO].n > 0)
		filing_set(&t->estado_ds, detail->estado_ds);
	for (size_t i = 0; i < sizeof(mj_text_fields) / sizeof(mj_text_fields[0]); i++) {
		enum mapping_field f = mj_text_fields[i];
		char **dst = mapping_filing_field(t, f);
		char *const *src = mapping_filing_field((struct filing *)detail, f);

		/* A name the dependencias table gave counts as mapped. */
		if (rq->fields[f].n > 0 || (f == MF_DEP_ORIGEN_NOMBRE && (*src)[0] != '\0'))
			filing_set(dst, *src);
	}
	t->has_detail = 1;
	return 0;
}
