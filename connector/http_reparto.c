/* http_reparto.c -- POST /api/reparto: many repartos in one transaction, all or nothing,
 * each made exactly as POST /api/radicados/{numero}/reparto makes it (http_radicados.c). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "indicators.h"

enum { HTTP_B_ASIGNACIONES };
static const struct http_field http_reparto_fields[] = {
    [HTTP_B_ASIGNACIONES] = {.name = "asignaciones",
			     .type = HTTP_T_ARRAY,
			     .required = 1,
			     .hint = "la lista de {\"numero\", \"abogado_id\"} que se reparten",
			     .min = 1,
			     .max_items = HTTP_REPARTO_MAX},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reparto_fields, HTTP_MAX_FIELDS);
const struct http_body http_reparto_body = {.fields = http_reparto_fields};

/* One item of the list, once its shape is checked. */
struct http_reparto_item {
	const char *numero; /* borrowed from the body */
	long long lawyer_id;
	char label[HTTP_MSG_LEN / 2]; /* "asignación 7 (radicado 2024...)" */
};

/* The shape of item i (0-based) of the list: an object with exactly a numero of the
 * document system's form and a positive abogado_id. 0, or -1 after the 422 answer. */
static int http_reparto_item_check(struct http_request *req, size_t i, json_t *o,
				   struct http_reparto_item *it)
{
	char shown[HTTP_NAME_SHOWN + 1];
	char msg[HTTP_MSG_LEN];
	json_t *numero = json_object_get(o, "numero");
	json_t *lawyer = json_object_get(o, "abogado_id");
	const char *key;
	json_t *val;

	snprintf(it->label, sizeof(it->label), "asignación %zu", i + 1);
	if (!json_is_object(o)) {
		http_req_errorf(req, 422, "valor_invalido",
				"%s: debe ser un objeto {\"numero\", \"abogado_id\"}", it->label);
		return -1;
	}
	json_object_foreach(o, key, val)
	{
		if (strcmp(key, "numero") != 0 && strcmp(key, "abogado_id") != 0) {
			http_req_errorf(req, 422, "valor_invalido", "%s: campo desconocido «%s»",
					it->label, http_req_shown(key, shown, sizeof(shown)));
			return -1;
		}
	}
	if (!json_is_string(numero)) {
		http_req_errorf(req, 422, "valor_invalido", "%s: «numero» debe ser un texto",
				it->label);
		return -1;
	}
	it->numero = json_string_value(numero);
	if (strlen(it->numero) >= HTTP_PARAM_LEN ||
	    http_api_numero_check(req->api->map, it->numero, msg, sizeof(msg)) < 0) {
		if (strlen(it->numero) >= HTTP_PARAM_LEN)
			snprintf(msg, sizeof(msg),
				 "número de radicado inválido: es demasiado largo");
		http_req_errorf(req, 422, "radicado_no_encontrado", "%s: %s", it->label, msg);
		return -1;
	}
	snprintf(it->label, sizeof(it->label), "asignación %zu (radicado %s)", i + 1, it->numero);
	if (!json_is_integer(lawyer) || json_integer_value(lawyer) < 1 ||
	    json_integer_value(lawyer) > HTTP_INT_MAX) {
		http_req_errorf(req, 422, "valor_invalido",
				"%s: «abogado_id» debe ser un entero positivo", it->label);
		return -1;
	}
	it->lawyer_id = (long long)json_integer_value(lawyer);
	return 0;
}

/* Item i's shape, and its numero not in an earlier item. 0, or -1 after the 422 answer. */
static int http_reparto_item(struct http_request *req, json_t *list, size_t i,
			     struct http_reparto_item *items)
{
	if (http_reparto_item_check(req, i, json_array_get(list, i), &items[i]) < 0)
		return -1;
	for (size_t j = 0; j < i; j++) {
		if (strcmp(items[j].numero, items[i].numero) != 0)
			continue;
		http_req_errorf(req, 422, "radicado_repetido",
				"%s: el radicado ya está en la asignación %zu", items[i].label,
				j + 1);
		return -1;
	}
	return 0;
}

/* The answer's row of a filing just assigned: its new fecha límite (the SLA block's, as
 * GET shows it). A new reference, or NULL after the 500 answer. */
static json_t *http_reparto_row(struct http_request *req, struct store *s,
				const struct http_reparto_item *it)
{
	char err[INDICATORS_ERR_LEN];
	json_t *sla = NULL;
	json_t *row;
	enum indicators_rc rc = indicators_sla_for(s, req->api->cfg, req->api->calendar, it->numero,
						   NULL, &sla, err, sizeof(err));

	if (rc != INDICATORS_OK) {
		http_req_internal_error(req, s, err);
		return NULL;
	}
	row = json_pack("{s:s, s:I, s:O}", "numero", it->numero, "abogado_id",
			(json_int_t)it->lawyer_id, "fecha_limite",
			json_object_get(sla, "fecha_limite") != NULL
			    ? json_object_get(sla, "fecha_limite")
			    : json_null());
	json_decref(sla);
	if (row == NULL)
		http_req_internal_error(req, s, "la fila del reparto no se pudo escribir");
	return row;
}

/* The items in order, each checked and then assigned, so that the refusal names the first
 * item that cannot be assigned; any refusal rolls every earlier one back. */
void http_reparto_bulk(struct http_request *req)
{
	json_t *list = req->field[HTTP_B_ASIGNACIONES];
	size_t n = json_array_size(list);
	struct http_reparto_item *items = xcalloc(n, sizeof(*items));
	struct store *s = http_api_store(req);
	json_t *rows = NULL;

	if (s == NULL || store_begin(s) < 0) {
		http_req_store_error(req, s);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (http_reparto_item(req, list, i, items) < 0 ||
		    http_radicados_reparto_in(req, s, items[i].numero, items[i].lawyer_id,
					      items[i].label) < 0)
			goto rollback;
	}
	/* the fechas límite read inside the same transaction, after every write */
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *row = http_reparto_row(req, s, &items[i]);

		if (row == NULL)
			goto rollback;
		json_array_append_new(rows, row);
	}
	if (store_commit(s) < 0) {
		http_req_store_error(req, s);
		goto rollback;
	}
	http_req_json(req, 200,
		      json_pack("{s:I, s:o}", "repartidos", (json_int_t)n, "radicados", rows));
	goto done;
rollback:
	json_decref(rows);
	store_rollback(s);
done:
	free(items);
}
