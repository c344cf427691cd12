/* http_vistas.c -- GET, POST /api/vistas and DELETE /api/vistas/{id}: each user's named
 * Bandeja views (the query string of the page's address), seen and changed only by their
 * owner; a name saved again replaces its query. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "http_int.h"
#include "log.h"

#define HTTP_VISTAS_UNKNOWN_SHOWN 5 /* unknown parameter names a refusal lists */

enum { HTTP_B_NOMBRE, HTTP_B_CONSULTA };
static const struct http_field http_vistas_fields[] = {
    [HTTP_B_NOMBRE] = {.name = "nombre",
		       .type = HTTP_T_STRING,
		       .required = 1,
		       .hint = "el nombre de la vista, de 1 a 60 caracteres",
		       .max_len = STORE_VISTA_NAME_BYTES},
    [HTTP_B_CONSULTA] = {.name = "consulta",
			 .type = HTTP_T_STRING,
			 .required = 1,
			 .hint = "los filtros de la bandeja, como en su dirección"
				 " (\"estado=recibido&orden=-fecha\")",
			 .max_len = STORE_VISTA_QUERY_BYTES},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_vistas_fields, HTTP_MAX_FIELDS);
const struct http_body http_vistas_body = {.fields = http_vistas_fields};

/* The answer's object of a view. A new reference, or NULL. */
static json_t *http_vistas_json(const struct store_vista *v)
{
	return json_pack("{s:I, s:o, s:o, s:s}", "id", (json_int_t)v->id, "nombre",
			 json_string(v->nombre), "consulta", json_string(v->consulta),
			 "actualizada", v->actualizada);
}

static int http_vistas_add(const struct store_vista *v, void *arg)
{
	json_t *o = http_vistas_json(v);

	if (o == NULL)
		return 1;
	json_array_append_new(arg, o);
	return 0;
}

/* GET /api/vistas: the caller's views by name. The answer cache keys it by the caller, so
 * nobody is answered another user's views; any commit (a view saved or deleted) moves the
 * version every cached answer was kept at. */
void http_vistas_list(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char key[48];
	json_t *list;
	int rc;

	if (s == NULL) {
		http_req_store_error(req, NULL);
		return;
	}
	snprintf(key, sizeof(key), "V?u=%lld", req->user.id);
	if (http_cache_answer_get(req, s, key))
		return;
	list = json_array();
	rc = store_vista_list(s, req->user.id, http_vistas_add, list);
	if (rc != 0) {
		json_decref(list);
		if (rc < 0)
			http_req_store_error(req, s);
		else
			http_req_internal_error(req, s, "una vista no se pudo escribir en JSON");
		return;
	}
	http_req_json(req, 200, json_pack("{s:o}", "vistas", list));
}

/* Whether s (UTF-8) holds a control character: C0, DEL or C1 (U+0080..U+009F). */
static int http_vistas_has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

/* The name without surrounding spaces into out (size outlen >= its bytes + 1), checked:
 * 1 to HTTP_VISTA_NAME_MAX characters, no control character. 0, or -1 after the 422. */
static int http_vistas_name(struct http_request *req, const char *in, char *out, size_t outlen)
{
	size_t n;
	size_t chars = 0;

	in += strspn(in, " ");
	n = strlen(in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	if (n >= outlen)
		n = outlen - 1; /* max_len already refused longer */
	memcpy(out, in, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)out[i] & 0xc0) != 0x80;
	if (chars == 0) {
		http_req_error(req, 422, "valor_invalido", "«nombre» no puede quedar vacío");
		return -1;
	}
	if (chars > HTTP_VISTA_NAME_MAX) {
		http_req_errorf(req, 422, "valor_invalido", "«nombre» admite hasta %d caracteres",
				HTTP_VISTA_NAME_MAX);
		return -1;
	}
	if (http_vistas_has_control(out)) {
		http_req_error(req, 422, "valor_invalido",
			       "«nombre» no admite caracteres de control (saltos de línea,"
			       " tabuladores)");
		return -1;
	}
	return 0;
}

/* Whether the n bytes at key name a parameter of GET /api/radicados (the Bandeja's). */
static int http_vistas_known(const char *key, size_t n)
{
	for (size_t i = 0; http_radicados_list_args[i].name != NULL; i++) {
		const char *name = http_radicados_list_args[i].name;

		if (strlen(name) == n && memcmp(name, key, n) == 0)
			return 1;
	}
	return 0;
}

/* The query string: no control character, and only the list's parameters ("k=v" joined by
 * '&'). A refusal names the unknown parameters (the first HTTP_VISTAS_UNKNOWN_SHOWN).
 * 0, or -1 after the 422. */
static int http_vistas_query(struct http_request *req, const char *q)
{
	char msg[HTTP_MSG_LEN] = "";
	char name[HTTP_NAME_SHOWN + 1];
	char shown[HTTP_NAME_SHOWN + 1];
	size_t len = 0;
	int unknown = 0;

	if (http_vistas_has_control(q)) {
		http_req_error(req, 422, "valor_invalido",
			       "«consulta» no admite caracteres de control");
		return -1;
	}
	while (*q != '\0') {
		size_t part = strcspn(q, "&");
		size_t key = strcspn(q, "&=");

		if (part > 0 && !http_vistas_known(q, key)) {
			size_t cut = key < sizeof(name) - 1 ? key : sizeof(name) - 1;

			memcpy(name, q, cut);
			name[cut] = '\0';
			if (unknown < HTTP_VISTAS_UNKNOWN_SHOWN && len < sizeof(msg))
				len += (size_t)snprintf(
				    msg + len, sizeof(msg) - len, "%s«%s»", unknown > 0 ? ", " : "",
				    key == 0 ? "(vacío)"
					     : http_req_shown(name, shown, sizeof(shown)));
			unknown++;
		}
		q += part;
		if (*q == '&')
			q++;
	}
	if (unknown == 0)
		return 0;
	http_req_errorf(req, 422, "parametro_desconocido",
			"«consulta» tiene %s que la bandeja no conoce: %s%s",
			unknown == 1 ? "un parámetro" : "parámetros", msg,
			unknown > HTTP_VISTAS_UNKNOWN_SHOWN ? "…" : "");
	return -1;
}

/* POST /api/vistas: a new view (201), or the caller's view of that name with its query
 * replaced (200). */
void http_vistas_save(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char nombre[STORE_VISTA_NAME_BYTES + 1];
	const char *consulta = json_string_value(req->field[HTTP_B_CONSULTA]);
	char now[UTIL_ISO_LEN];
	struct store_vista v;
	enum store_vista_saved r;

	if (http_vistas_name(req, json_string_value(req->field[HTTP_B_NOMBRE]), nombre,
			     sizeof(nombre)) < 0 ||
	    http_vistas_query(req, consulta) < 0)
		return;
	if (s == NULL) {
		http_req_store_error(req, NULL);
		return;
	}
	util_now_iso(now);
	r = store_vista_save(s, req->user.id, nombre, consulta, now, &v);
	if (r == STORE_VISTA_ERROR) {
		http_req_store_error(req, s);
		return;
	}
	if (r == STORE_VISTA_FULL) {
		http_req_errorf(req, 422, "demasiadas_vistas",
				"ya tiene %d vistas guardadas, el máximo: borre una antes de"
				" guardar otra",
				STORE_VISTA_MAX);
		return;
	}
	log_info(HTTP_MODULE, "vista %lld %s por el usuario %lld", v.id,
		 r == STORE_VISTA_CREATED ? "guardada" : "reemplazada", req->user.id);
	http_req_json(req, r == STORE_VISTA_CREATED ? 201 : 200, http_vistas_json(&v));
}

/* DELETE /api/vistas/{id}: 204, or 404 for a view that is not the caller's. */
void http_vistas_delete(struct http_request *req)
{
	struct store *s = http_api_store(req);
	int rc;

	if (s == NULL) {
		http_req_store_error(req, NULL);
		return;
	}
	rc = store_vista_delete(s, req->user.id, req->param_id);
	if (rc < 0) {
		http_req_store_error(req, s);
		return;
	}
	if (rc == 0) {
		http_req_errorf(req, 404, "vista_no_encontrada",
				"no tiene una vista con el identificador %lld", req->param_id);
		return;
	}
	log_info(HTTP_MODULE, "vista %lld borrada por el usuario %lld", req->param_id,
		 req->user.id);
	buf_reset(&req->out);
	req->content_type = NULL;
	req->status = 204;
}
