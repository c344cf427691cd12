/* http_req.c -- a request's answers and the checks of the route spec: the Spanish error bodies,
 * the one exit of server failures, JSON out, and the query and body validation dispatch runs. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "http_int.h"
#include "log.h"
#include "workflow.h"

/* The answer when even an error body cannot be built: a constant. */
#define HTTP_REQ_LAST_RESORT                                                                       \
	"{\"error\":{\"codigo\":\"error_interno\",\"mensaje\":\"no se pudo construir la "          \
	"respuesta; vea el registro del servicio\"}}"

/* ---- Answers */

/* Puts a JSON text (stolen, may be NULL) as the answer. 0, or -1 when there was none. */
static int http_req_put(struct http_request *req, int status, char *text)
{
	if (text == NULL)
		return -1;
	buf_reset(&req->out);
	buf_puts(&req->out, text);
	free(text);
	req->status = status;
	req->content_type = HTTP_JSON_TYPE;
	return 0;
}

void http_req_json(struct http_request *req, int status, json_t *obj)
{
	char *text = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char why[64];

	json_decref(obj);
	if (http_req_put(req, status, text) == 0)
		return;
	snprintf(why, sizeof(why), "la respuesta %d no se pudo escribir en JSON", status);
	http_req_fail(req, NULL, why,
		      "no se pudo construir la respuesta; vea el registro del servicio");
}

void http_req_error(struct http_request *req, int status, const char *codigo, const char *mensaje)
{
	json_t *obj = json_pack("{s:{s:s, s:s}}", "error", "codigo", codigo, "mensaje", mensaje);

	if (obj == NULL) /* a message that is not UTF-8: never expected, never fatal */
		obj = json_pack("{s:{s:s, s:s}}", "error", "codigo", codigo, "mensaje",
				"solicitud inválida");
	if (http_req_put(req, status,
			 obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL) <
	    0) {
		buf_reset(&req->out);
		buf_puts(&req->out, HTTP_REQ_LAST_RESORT);
		req->status = 500;
		req->content_type = HTTP_JSON_TYPE;
	}
	json_decref(obj);
}

void http_req_errorf(struct http_request *req, int status, const char *codigo, const char *fmt, ...)
{
	char msg[HTTP_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_req_error(req, status, codigo, msg);
}

void http_req_fail(struct http_request *req, struct store *s, const char *why, const char *mensaje)
{
	const struct http_route *r = req->route >= 0 ? http_api_route((size_t)req->route) : NULL;
	const char *where = r != NULL ? r->pattern : HTTP_ROUTE_OTHER;

	if (s != NULL && store_last_busy(s)) {
		log_warn(HTTP_MODULE, "%s %s: base ocupada: %s", req->method, where, why);
		req->retry_after = HTTP_API_RETRY_AFTER_S;
		http_req_error(req, 503, "base_ocupada",
			       "la base de datos está ocupada; reintente en un momento");
		return;
	}
	log_error(HTTP_MODULE, "%s %s: %s", req->method, where, why);
	http_req_error(req, 500, "error_interno", mensaje);
}

void http_req_store_error(struct http_request *req, struct store *s)
{
	http_req_fail(req, s, s != NULL ? store_errmsg(s) : "sin base de datos",
		      "error interno al acceder a la base de datos; vea el registro del servicio");
}

void http_req_internal_error(struct http_request *req, struct store *s, const char *why)
{
	http_req_fail(req, s, why, "error interno del servicio; vea el registro del servicio");
}

void http_req_indicators_error(struct http_request *req, struct store *s, enum indicators_rc rc,
			       const char *err)
{
	if (rc == INDICATORS_INTERNAL)
		http_req_internal_error(req, s, err);
	else
		http_req_error(req, indicators_http_status(rc), indicators_error_code(rc), err);
}

void http_req_reconcile_error(struct http_request *req, struct store *s, enum reconcile_status st,
			      const char *err)
{
	if (st == RECONCILE_ERROR)
		http_req_internal_error(req, s, err);
	else
		http_req_error(req, reconcile_status_http(st), reconcile_status_code(st), err);
}

/* ---- Text */

const char *http_req_shown(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s);

	if (n > HTTP_NAME_SHOWN || !util_utf8_valid(s, n)) {
		strlcpy_s(out, "?", outlen);
		return out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			strlcpy_s(out, "?", outlen);
			return out;
		}
	}
	strlcpy_s(out, s, outlen);
	return out;
}

/* Bytes of the UTF-8 sequence starting at s (n bytes left), or 0 when it is not one. */
static size_t http_req_utf8_seq(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80		    ? 1
		     : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
		     : s[0] >= 0xe0 && s[0] <= 0xef ? 3
		     : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
						    : 0;

	if (len == 0 || len > n || !util_utf8_valid((const char *)s, len))
		return 0;
	return len;
}

json_t *http_req_text(const char *s)
{
	size_t n;
	struct buf fixed;
	json_t *j;

	if (s == NULL || s[0] == '\0')
		return json_null();
	n = strlen(s);
	if (util_utf8_valid(s, n))
		return json_stringn(s, n);
	buf_init(&fixed);
	for (size_t i = 0; i < n;) {
		size_t len = http_req_utf8_seq((const unsigned char *)s + i, n - i);

		if (len == 0) {
			buf_puts(&fixed, "?");
			i++;
			continue;
		}
		buf_append(&fixed, s + i, len);
		i += len;
	}
	j = json_stringn(fixed.data, fixed.len);
	buf_free(&fixed);
	return j != NULL ? j : json_null();
}

int http_req_digits(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return s != NULL && *s != '\0' && strspn(s, "0123456789") == strlen(s) ? -2 : -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -2;
	*out = v;
	return 0;
}

/* The i-th of a row's values (its array, or its function); NULL past the last. */
static const char *http_req_value(const char *const *values, const char *(*value_at)(size_t),
				  size_t i)
{
	return values != NULL ? values[i] : value_at(i);
}

/* The index of v in a row's values, or -1. */
static int http_req_value_index(const char *const *values, const char *(*value_at)(size_t),
				const char *v)
{
	for (size_t i = 0;; i++) {
		const char *c = http_req_value(values, value_at, i);

		if (c == NULL)
			return -1;
		if (strcmp(c, v) == 0)
			return (int)i;
	}
}

/* Appends "a, b, c o d" (Spanish: "u" before a word that starts with o) to out. */
static void http_req_value_list(const char *const *values, const char *(*value_at)(size_t),
				struct buf *out)
{
	const char *c = http_req_value(values, value_at, 0);

	for (size_t i = 1; c != NULL; i++) {
		const char *next = http_req_value(values, value_at, i);

		buf_puts(out, c);
		if (next != NULL && http_req_value(values, value_at, i + 1) != NULL)
			buf_puts(out, ", ");
		else if (next != NULL)
			buf_puts(out,
				 next[0] == 'o' || strncmp(next, "ho", 2) == 0 ? " u " : " o ");
		c = next;
	}
}

/* A real YYYY-MM-DD. */
static int http_req_date(const char *s)
{
	int y;
	int m;
	int d;

	return s != NULL && calendar_parse_date(s, &y, &m, &d) == 0;
}

/* ---- Query arguments */

void http_req_arg(struct http_request *req, const struct http_arg *spec, const char *key,
		  const char *value)
{
	char shown[HTTP_NAME_SHOWN + 1];
	int idx = -1;

	if (req->bad[0] != '\0')
		return;
	if (value == NULL)
		value = "";
	for (int i = 0; i < HTTP_MAX_ARGS && spec[i].name != NULL; i++) {
		if (strcmp(spec[i].name, key) == 0)
			idx = i;
	}
	req->bad_status = 400;
	req->bad_codigo = "parametro_invalido";
	if (idx < 0) {
		req->bad_codigo = "parametro_desconocido";
		snprintf(req->bad, sizeof(req->bad), "parámetro desconocido «%s»",
			 http_req_shown(key, shown, sizeof(shown)));
		return;
	}
	if (req->arg[idx] != NULL) {
		snprintf(req->bad, sizeof(req->bad), "el parámetro «%s» aparece más de una vez",
			 key);
		return;
	}
	if (!util_utf8_valid(value, strlen(value))) {
		snprintf(req->bad, sizeof(req->bad), "el parámetro «%s» no es UTF-8 válido", key);
		return;
	}
	req->arg[idx] = value;
	buf_printf(&req->canon, "%s=%s&", key, value);
}

/* Refuses argument a: with the row's status and message when it has them. */
static int http_req_arg_refuse(struct http_request *req, const struct http_arg *a, int status,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int http_req_arg_refuse(struct http_request *req, const struct http_arg *a, int status,
			       const char *fmt, ...)
{
	char msg[HTTP_MSG_LEN];
	const char *codigo;
	va_list ap;

	if (a->status != 0)
		status = a->status;
	codigo = a->codigo != NULL	    ? a->codigo
		 : status == 400	    ? "parametro_invalido"
		 : a->type == HTTP_ARG_DATE ? "fecha_invalida"
					    : "valor_invalido";
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	http_req_error(req, status, codigo, a->msg != NULL ? a->msg : msg);
	return -1;
}

/* Words of s separated by white space. */
static int http_req_words(const char *s)
{
	int words = 0;

	while (*s != '\0') {
		s += strspn(s, " \t\r\n");
		if (*s == '\0')
			break;
		words++;
		s += strcspn(s, " \t\r\n");
	}
	return words;
}

/* The index of the row named name, or -1. */
static int http_req_arg_row(const struct http_arg *spec, const char *name)
{
	for (int i = 0; spec[i].name != NULL; i++) {
		if (strcmp(spec[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* Checks one present argument against its row. 0, or -1 after the error answer. */
static int http_req_arg_value(struct http_request *req, const struct http_arg *spec, int i)
{
	const struct http_arg *a = &spec[i];
	const char *v = req->arg[i];
	int rc;

	switch (a->type) {
	case HTTP_ARG_INT:
		rc = http_req_digits(v, a->min, a->max, &req->arg_num[i]);
		if (rc == -1)
			return http_req_arg_refuse(req, a, 400, "«%s» debe ser un número entero",
						   a->name);
		if (rc == -2)
			return http_req_arg_refuse(req, a, 422, "«%s» debe estar entre %lld y %lld",
						   a->name, a->min, a->max);
		return 0;
	case HTTP_ARG_DATE: {
		int before;

		if (!http_req_date(v))
			return http_req_arg_refuse(
			    req, a, 422, "«%s» debe ser una fecha real AAAA-MM-DD", a->name);
		if (strcmp(v, HTTP_API_DATE_MIN) < 0 || strcmp(v, HTTP_API_DATE_MAX) > 0)
			return http_req_arg_refuse(req, a, 422, "«%s» debe estar entre %s y %s",
						   a->name, HTTP_API_DATE_MIN, HTTP_API_DATE_MAX);
		before = a->not_before != NULL ? http_req_arg_row(spec, a->not_before) : -1;
		if (before >= 0 && req->arg[before] != NULL && strcmp(req->arg[before], v) > 0) {
			http_req_errorf(req, 422, "fecha_invalida", "«%s» es posterior a «%s»",
					a->not_before, a->name);
			return -1;
		}
		return 0;
	}
	case HTTP_ARG_ENUM: {
		struct buf list;

		rc = http_req_value_index(a->values, a->value_at, v);
		if (rc >= 0) {
			req->arg_num[i] = rc;
			return 0;
		}
		buf_init(&list);
		http_req_value_list(a->values, a->value_at, &list);
		http_req_arg_refuse(req, a, 422, "«%s» debe ser %s", a->name, list.data);
		buf_free(&list);
		return -1;
	}
	default:
		if (a->max_words > 0 &&
		    (strlen(v) > (size_t)a->max || http_req_words(v) > a->max_words))
			return http_req_arg_refuse(req, a, 422,
						   "«%s» admite hasta %lld bytes y %d palabras",
						   a->name, a->max, a->max_words);
		if (a->max > 0 && strlen(v) > (size_t)a->max)
			return http_req_arg_refuse(req, a, 422, "«%s» admite hasta %lld bytes",
						   a->name, a->max);
		return 0;
	}
}

int http_req_args_check(struct http_request *req, const struct http_arg *spec)
{
	if (req->bad[0] != '\0') {
		http_req_error(req, req->bad_status, req->bad_codigo, req->bad);
		return -1;
	}
	for (int i = 0; i < HTTP_MAX_ARGS && spec[i].name != NULL; i++) {
		if (req->arg[i] != NULL && req->arg[i][0] == '\0')
			req->arg[i] = NULL;
		if (req->arg[i] == NULL && spec[i].required) {
			const char *m = spec[i].missing != NULL ? spec[i].missing : spec[i].msg;

			if (m != NULL)
				http_req_error(req, 400, "parametro_invalido", m);
			else
				http_req_errorf(req, 400, "parametro_invalido", "falta «%s»",
						spec[i].name);
			return -1;
		}
		if (req->arg[i] == NULL)
			continue;
		if (http_req_arg_value(req, spec, i) < 0)
			return -1;
	}
	return 0;
}

/* ---- JSON bodies */

static const char *http_req_type_name(enum http_field_type t)
{
	switch (t) {
	case HTTP_T_STRING:
		return "un texto";
	case HTTP_T_INT:
		return "un número entero";
	case HTTP_T_ARRAY:
		return "una lista";
	default:
		return "true o false";
	}
}

/* Parses the body as a JSON object into req->json. 0, or -1 after the 400 answer. */
static int http_req_body_object(struct http_request *req)
{
	json_error_t jerr;

	if (req->body.len == 0) {
		http_req_error(req, 400, "cuerpo_requerido",
			       "esta operación necesita un cuerpo JSON (un objeto)");
		return -1;
	}
	if (!util_utf8_valid(req->body.data, req->body.len)) {
		http_req_error(req, 400, "utf8_invalido", "el cuerpo no es texto UTF-8 válido");
		return -1;
	}
	req->json = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (req->json == NULL) {
		http_req_errorf(req, 400, "json_invalido",
				"el cuerpo no es JSON válido (línea %d, columna %d)", jerr.line,
				jerr.column);
		return -1;
	}
	if (!json_is_object(req->json)) {
		http_req_error(req, 400, "json_invalido", "el cuerpo debe ser un objeto JSON");
		return -1;
	}
	return 0;
}

static int http_req_field_row(const struct http_field *fields, const char *name)
{
	for (int i = 0; i < HTTP_MAX_FIELDS && fields[i].name != NULL; i++) {
		if (strcmp(fields[i].name, name) == 0)
			return i;
	}
	return -1;
}

static int http_req_in(const char *const *set, const char *v)
{
	for (int i = 0; set != NULL && set[i] != NULL; i++) {
		if (strcmp(set[i], v) == 0)
			return 1;
	}
	return 0;
}

/* Pass 1 over the members: known names, JSON types. 0, or -1 after the 400 answer. */
static int http_req_body_shape(struct http_request *req, const struct http_body *spec)
{
	const char *key;
	json_t *val;
	char shown[HTTP_NAME_SHOWN + 1];

	json_object_foreach(req->json, key, val)
	{
		int i = http_req_field_row(spec->fields, key);
		const struct http_field *f;
		int ok;

		if (i < 0 && http_req_in(spec->refused, key)) {
			http_req_errorf(req, 400, "campo_no_editable", "«%s» %s", key,
					spec->refused_why);
			return -1;
		}
		if (i < 0 && spec->unknown_msg != NULL) {
			http_req_error(req, 400, "campo_desconocido", spec->unknown_msg);
			return -1;
		}
		if (i < 0) {
			http_req_errorf(req, 400, "campo_desconocido", "campo desconocido «%s»",
					http_req_shown(key, shown, sizeof(shown)));
			return -1;
		}
		f = &spec->fields[i];
		if (json_is_null(val))
			ok = f->nullable;
		else if (f->type == HTTP_T_STRING)
			ok = json_is_string(val);
		else if (f->type == HTTP_T_INT)
			ok = json_is_integer(val);
		else if (f->type == HTTP_T_ARRAY)
			ok = json_is_array(val);
		else
			ok = json_is_boolean(val);
		if (!ok) {
			http_req_errorf(req, 400, "tipo_invalido", "«%s» debe ser %s%s", key,
					http_req_type_name(f->type), f->nullable ? " o null" : "");
			return -1;
		}
		req->field[i] = val;
	}
	return 0;
}

/* The rows that must be there. 0, or -1 after the 400 answer. */
static int http_req_body_required(struct http_request *req, const struct http_body *spec)
{
	for (int i = 0; i < HTTP_MAX_FIELDS && spec->fields[i].name != NULL; i++) {
		const struct http_field *f = &spec->fields[i];
		struct buf msg;

		if (!f->required || req->field[i] != NULL)
			continue;
		buf_init(&msg);
		buf_printf(&msg, "falta «%s»", f->name);
		if (f->hint != NULL) {
			buf_printf(&msg, ": %s", f->hint);
		} else if (f->values != NULL || f->value_at != NULL) {
			buf_puts(&msg, ": ");
			http_req_value_list(f->values, f->value_at, &msg);
		}
		http_req_error(req, 400, "campo_requerido", msg.data);
		buf_free(&msg);
		return -1;
	}
	if (spec->need_one_besides != NULL) {
		size_t n = json_object_size(req->json);

		if (json_object_get(req->json, spec->need_one_besides) != NULL)
			n--;
		if (n == 0) {
			http_req_error(req, 400, "cuerpo_sin_campos", "no hay campos que cambiar");
			return -1;
		}
	}
	return 0;
}

/* The value of member f (present, right type): 0, or -1 after the 403/422 answer. */
static int http_req_field_value(struct http_request *req, const struct http_field *f, int i)
{
	json_t *val = req->field[i];
	char why[WORKFLOW_MSG_LEN];
	const char *s;

	if (f->follow_up) {
		int fu = store_fu_lookup(f->name);

		if (fu < 0 ||
		    workflow_field_check((enum store_fu_field)fu, req->role, f->name, why) < 0) {
			http_req_error(req, 403, "rol_no_autorizado", why);
			return -1;
		}
	}
	if (json_is_null(val)) {
		if (!f->not_null)
			return 0;
		http_req_errorf(req, 422, "valor_invalido", "«%s» no puede quedar vacío", f->name);
		return -1;
	}
	if (f->type == HTTP_T_INT) {
		json_int_t v = json_integer_value(val);

		if (v >= f->min && v <= HTTP_INT_MAX)
			return 0;
		if (f->min == 1)
			http_req_errorf(req, 422, "valor_invalido",
					"«%s» debe ser un entero positivo", f->name);
		else if (v < f->min)
			http_req_errorf(req, 422, "valor_invalido", "«%s» no puede ser negativo",
					f->name);
		else
			http_req_errorf(req, 422, "valor_invalido", "«%s» es demasiado grande",
					f->name);
		return -1;
	}
	if (f->type == HTTP_T_ARRAY) {
		size_t n = json_array_size(val);

		if (n >= (size_t)f->min && n <= f->max_items)
			return 0;
		http_req_errorf(req, 422, "valor_invalido",
				"«%s» debe tener entre %lld y %zu elementos (tiene %zu)", f->name,
				f->min, f->max_items, n);
		return -1;
	}
	if (f->type != HTTP_T_STRING)
		return 0;
	s = json_string_value(val);
	if (f->date && !http_req_date(s)) {
		http_req_errorf(req, 422, "fecha_invalida",
				"«%s» debe ser una fecha real AAAA-MM-DD%s", f->name,
				f->nullable ? " (o null)" : "");
		return -1;
	}
	if (f->digits && (s[0] == '\0' || s[strspn(s, "0123456789")] != '\0')) {
		http_req_errorf(req, 422, "valor_invalido",
				"«%s» debe ser el código de una dependencia: solo dígitos",
				f->name);
		return -1;
	}
	if (f->values != NULL || f->value_at != NULL) {
		struct buf list;

		req->field_enum[i] = http_req_value_index(f->values, f->value_at, s);
		if (req->field_enum[i] >= 0)
			goto length;
		if (f->see_docs) {
			http_req_errorf(req, 422, "valor_invalido",
					"valor no admitido para «%s»; vea docs/openapi.yaml",
					f->name);
			return -1;
		}
		buf_init(&list);
		http_req_value_list(f->values, f->value_at, &list);
		http_req_errorf(req, 422, "valor_invalido", "«%s» debe ser %s", f->name, list.data);
		buf_free(&list);
		return -1;
	}
length:
	if (f->max_len > 0 && json_string_length(val) > f->max_len) {
		http_req_errorf(req, 422, "valor_invalido", "«%s» admite hasta %zu bytes", f->name,
				f->max_len);
		return -1;
	}
	return 0;
}

int http_req_body_check(struct http_request *req, const struct http_body *spec)
{
	const char *key;
	json_t *val;

	if (req->body.len == 0 && spec->optional)
		return 0;
	if (http_req_body_object(req) < 0 || http_req_body_shape(req, spec) < 0 ||
	    http_req_body_required(req, spec) < 0)
		return -1;
	/* Pass 2, in the members' order: who may set each, then its value. */
	json_object_foreach(req->json, key, val)
	{
		int i = http_req_field_row(spec->fields, key);

		(void)val;
		if (http_req_field_value(req, &spec->fields[i], i) < 0)
			return -1;
	}
	return 0;
}
