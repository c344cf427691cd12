/* reconcile.c -- the kinds of discrepancy, the helpers the reconciliation files share, and
 * the discrepancy list and resolution for the HTTP API (a run is reconcile_run.c). */
#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reconcile_int.h"
#include "util.h"

static const char *const reconcile_kind_names[RECONCILE_KIND_COUNT] = {
    [RECONCILE_FALTA_EN_SEGUIMIENTO] = "falta_en_seguimiento",
    [RECONCILE_YA_NO_EN_DEPENDENCIA] = "ya_no_en_dependencia",
    [RECONCILE_ANULADO_EN_SGD] = "anulado_en_sgd",
    [RECONCILE_DATOS_DISTINTOS] = "datos_distintos",
    [RECONCILE_CONCLUIDO_SIN_RADICADO] = "concluido_sin_radicado",
    [RECONCILE_NO_ENCONTRADO] = "no_encontrado",
};

/* Follow-up states that count as open. */
static const char *const reconcile_open_states[] = {"recibido", "repartido", "en_revision",
						    "devuelto"};

const char *reconcile_kind_name(enum reconcile_kind k)
{
	if ((int)k < 0 || k >= RECONCILE_KIND_COUNT)
		return "";
	return reconcile_kind_names[k];
}

int reconcile_kind_parse(const char *name)
{
	for (int i = 0; i < RECONCILE_KIND_COUNT; i++) {
		if (name != NULL && strcmp(name, reconcile_kind_names[i]) == 0)
			return i;
	}
	return -1;
}

int reconcile_is_open(const char *estado)
{
	for (size_t i = 0; i < sizeof(reconcile_open_states) / sizeof(reconcile_open_states[0]);
	     i++) {
		if (strcmp(estado, reconcile_open_states[i]) == 0)
			return 1;
	}
	return 0;
}

/* A JSON string of s (never NULL: invalid UTF-8 becomes null). New reference. */
json_t *reconcile_jstr(const char *s)
{
	json_t *j = json_string(s != NULL ? s : "");

	return j != NULL ? j : json_null();
}

/* "" becomes null. New reference. */
json_t *reconcile_jstr_or_null(const char *s)
{
	return s == NULL || *s == '\0' ? json_null() : reconcile_jstr(s);
}

json_t *reconcile_jid_or_null(long long id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* ---- For the HTTP API */

int reconcile_status_http(enum reconcile_status st)
{
	switch (st) {
	case RECONCILE_OK:
		return 200;
	case RECONCILE_INVALID:
	case RECONCILE_BAD_NOTE:
	case RECONCILE_NOT_APPLICABLE:
		return 422;
	case RECONCILE_NOT_FOUND:
		return 404;
	case RECONCILE_ALREADY_CLOSED:
		return 409;
	default:
		return 500;
	}
}

const char *reconcile_status_code(enum reconcile_status st)
{
	switch (st) {
	case RECONCILE_OK:
		return "ok";
	case RECONCILE_INVALID:
		return "valor_invalido";
	case RECONCILE_NOT_FOUND:
		return "no_encontrada";
	case RECONCILE_ALREADY_CLOSED:
		return "ya_cerrada";
	case RECONCILE_BAD_NOTE:
		return "nota_invalida";
	case RECONCILE_NOT_APPLICABLE:
		return "no_aplicable";
	default:
		return "error_interno";
	}
}

/* One row as JSON. New reference. */
static json_t *reconcile_row_json(const struct store_rc_row *r)
{
	json_t *o = json_object();
	json_t *sgd = json_loads(r->evidencia_sgd, 0, NULL);
	json_t *local = json_loads(r->evidencia_local, 0, NULL);

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "numero", reconcile_jstr(r->numero));
	json_object_set_new(o, "tipo", reconcile_jstr(r->tipo));
	json_object_set_new(o, "estado", reconcile_jstr(r->estado));
	json_object_set_new(o, "evidencia_sgd", sgd != NULL ? sgd : json_object());
	json_object_set_new(o, "evidencia_local", local != NULL ? local : json_object());
	json_object_set_new(o, "encontrada", reconcile_jstr(r->encontrada));
	json_object_set_new(o, "vista_ultima", reconcile_jstr_or_null(r->vista_ultima));
	json_object_set_new(o, "cerrada_en", reconcile_jstr_or_null(r->cerrada_en));
	if (r->resuelta_por > 0)
		json_object_set_new(o, "resuelta_por",
				    json_pack("{s:I, s:o}", "id", (json_int_t)r->resuelta_por,
					      "nombre", reconcile_jstr(r->resuelta_por_nombre)));
	else
		json_object_set_new(o, "resuelta_por", json_null());
	json_object_set_new(o, "nota", reconcile_jstr(r->nota));
	if (r->radicado_conocido)
		json_object_set_new(
		    o, "radicado",
		    json_pack("{s:o, s:o, s:o, s:o}", "asunto", reconcile_jstr(r->asunto),
			      "fecha_radicacion", reconcile_jstr(r->fecha_radicacion),
			      "estado_seguimiento", reconcile_jstr(r->estado_seguimiento),
			      "abogado_id", reconcile_jid_or_null(r->abogado_id)));
	else
		json_object_set_new(o, "radicado", json_null());
	return o;
}

struct reconcile_list_ctx {
	json_t *rows;
	json_t *counts;
};

static int reconcile_list_row(const struct store_rc_row *r, void *arg)
{
	struct reconcile_list_ctx *lc = arg;

	json_array_append_new(lc->rows, reconcile_row_json(r));
	return 0;
}

static int reconcile_list_count(const char *tipo, long long n, void *arg)
{
	struct reconcile_list_ctx *lc = arg;

	if (reconcile_kind_parse(tipo) >= 0)
		json_object_set_new(lc->counts, tipo, json_integer(n));
	return 0;
}

enum reconcile_status reconcile_list_json(struct store *s, const char *estado, const char *tipo,
					  long pagina, long por_pagina, json_t **out, char *err,
					  size_t errlen)
{
	struct reconcile_list_ctx lc;
	struct store_rc_state state;
	const char *filter;
	long long total = 0;
	json_t *o;

	*out = NULL;
	if (estado == NULL || *estado == '\0')
		estado = "abierta";
	if (strcmp(estado, "todas") == 0) {
		filter = NULL;
	} else if (strcmp(estado, "abierta") == 0 || strcmp(estado, "resuelta") == 0 ||
		   strcmp(estado, "cerrada") == 0) {
		filter = estado;
	} else {
		set_error(err, errlen, "«estado» debe ser abierta, resuelta, cerrada o todas");
		return RECONCILE_INVALID;
	}
	if (tipo != NULL && *tipo == '\0')
		tipo = NULL;
	if (tipo != NULL && reconcile_kind_parse(tipo) < 0) {
		set_error(
		    err, errlen,
		    "«tipo» debe ser falta_en_seguimiento, ya_no_en_dependencia, "
		    "anulado_en_sgd, datos_distintos, concluido_sin_radicado o no_encontrado");
		return RECONCILE_INVALID;
	}
	if (pagina == 0)
		pagina = 1;
	if (por_pagina == 0)
		por_pagina = RECONCILE_PAGE_SIZE_DEFAULT;
	if (pagina < 1 || pagina > RECONCILE_PAGE_MAX) {
		set_error(err, errlen, "«pagina» debe estar entre 1 y %ld", RECONCILE_PAGE_MAX);
		return RECONCILE_INVALID;
	}
	if (por_pagina < 1 || por_pagina > RECONCILE_PAGE_SIZE_MAX) {
		set_error(err, errlen, "«por_pagina» debe estar entre 1 y %d",
			  RECONCILE_PAGE_SIZE_MAX);
		return RECONCILE_INVALID;
	}
	lc.rows = json_array();
	lc.counts = json_object();
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		json_object_set_new(lc.counts, reconcile_kind_names[k], json_integer(0));
	if (store_rc_list(s, filter, tipo, por_pagina, (pagina - 1) * por_pagina, &total,
			  reconcile_list_row, reconcile_list_count, &lc) != 0 ||
	    store_rc_state_get(s, &state) < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		json_decref(lc.rows);
		json_decref(lc.counts);
		return RECONCILE_ERROR;
	}
	o = json_object();
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "pagina", json_integer(pagina));
	json_object_set_new(o, "por_pagina", json_integer(por_pagina));
	json_object_set_new(o, "estado", json_string(estado));
	json_object_set_new(o, "tipo", tipo != NULL ? json_string(tipo) : json_null());
	json_object_set_new(o, "por_tipo", lc.counts);
	json_object_set_new(o, "conciliacion",
			    json_pack("{s:o, s:o, s:o}", "ultimo_intento",
				      reconcile_jstr_or_null(state.ultimo_intento), "ultimo_exito",
				      reconcile_jstr_or_null(state.ultimo_exito), "ultimo_error",
				      reconcile_jstr_or_null(state.ultimo_error)));
	json_object_set_new(o, "discrepancias", lc.rows);
	*out = o;
	return RECONCILE_OK;
}

static int reconcile_get_row(const struct store_rc_row *r, void *arg)
{
	*(json_t **)arg = reconcile_row_json(r);
	return 0;
}

enum reconcile_status reconcile_get_json(struct store *s, long long id, json_t **out, char *err,
					 size_t errlen)
{
	int found;

	*out = NULL;
	found = id > 0 ? store_rc_get(s, id, reconcile_get_row, out) : 0;
	if (found < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		return RECONCILE_ERROR;
	}
	if (found == 0) {
		set_error(err, errlen, "no hay una discrepancia con id %lld", id);
		return RECONCILE_NOT_FOUND;
	}
	return RECONCILE_OK;
}

/* Checks and trims a note into a new string (*out), or fills err. */
static int reconcile_note(const char *nota, char **out, char *err, size_t errlen)
{
	const char *a = nota;
	const char *b;
	size_t n;

	*out = NULL;
	if (nota == NULL) {
		set_error(err, errlen, "falta «nota»: diga cómo se resolvió la discrepancia");
		return -1;
	}
	while (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n')
		a++;
	b = a + strlen(a);
	while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
		b--;
	n = (size_t)(b - a);
	if (n == 0) {
		set_error(err, errlen, "«nota» no puede estar vacía: diga cómo se resolvió");
		return -1;
	}
	if (n > RECONCILE_NOTE_MAX) {
		set_error(err, errlen, "«nota» admite hasta %d bytes", RECONCILE_NOTE_MAX);
		return -1;
	}
	if (!util_utf8_valid(a, n)) {
		set_error(err, errlen, "«nota» no es UTF-8 válido");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)a[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') || ch == 0x7f) {
			set_error(err, errlen, "«nota» contiene caracteres de control");
			return -1;
		}
	}
	*out = xstrndup(a, n);
	return 0;
}

enum reconcile_status reconcile_resolve_many(struct store *s, const long long *ids, size_t n,
					     long long usuario_id, const char *nota, int apply,
					     size_t *bad, char *err, size_t errlen)
{
	enum reconcile_status ret = RECONCILE_OK;
	char now[UTIL_ISO_LEN];
	char *clean = NULL;
	long long id = 0;
	int rc = 1;

	*bad = 0;
	if (apply && nota == NULL)
		nota = "se aplicó el dato del sistema documental";
	if (reconcile_note(nota, &clean, err, errlen) < 0)
		return RECONCILE_BAD_NOTE;
	util_now_iso(now);
	if (store_begin(s) < 0) {
		free(clean);
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		return RECONCILE_ERROR;
	}
	for (size_t i = 0; i < n && rc == 1; i++) {
		*bad = i;
		id = ids[i];
		rc = id > 0 ? store_rc_resolve_in(s, id, usuario_id, clean, now, apply) : 0;
	}
	free(clean);
	if (rc == 1) {
		if (store_commit(s) == 0)
			return RECONCILE_OK;
		rc = -1;
	}
	store_rollback(s);
	switch (rc) {
	case 0:
		set_error(err, errlen, "no hay una discrepancia con id %lld", id);
		return RECONCILE_NOT_FOUND;
	case 2: {
		json_t *row = NULL;

		ret = reconcile_get_json(s, id, &row, err, errlen);
		if (ret != RECONCILE_OK)
			return ret;
		if (strcmp(json_string_value(json_object_get(row, "estado")), "abierta") == 0)
			/* resolved by an earlier item of the same list, rolled back since */
			set_error(err, errlen, "la discrepancia %lld está repetida en la lista",
				  id);
		else
			set_error(err, errlen, "la discrepancia %lld ya está %s", id,
				  json_string_value(json_object_get(row, "estado")));
		json_decref(row);
		return RECONCILE_ALREADY_CLOSED;
	}
	case 3:
		set_error(err, errlen,
			  "la discrepancia %lld no es de datos distintos: no hay un dato del "
			  "sistema documental que aplicar",
			  id);
		return RECONCILE_NOT_APPLICABLE;
	case 4:
		set_error(err, errlen,
			  "el radicado de la discrepancia %lld no está en el seguimiento: no hay "
			  "dónde aplicar el dato",
			  id);
		return RECONCILE_NOT_APPLICABLE;
	default:
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		return RECONCILE_ERROR;
	}
}

enum reconcile_status reconcile_resolve(struct store *s, long long id, long long usuario_id,
					const char *nota, json_t **out, char *err, size_t errlen)
{
	size_t bad;
	enum reconcile_status ret;

	*out = NULL;
	ret = reconcile_resolve_many(s, &id, 1, usuario_id, nota, 0, &bad, err, errlen);
	if (ret != RECONCILE_OK)
		return ret;
	ret = reconcile_get_json(s, id, out, err, errlen);
	if (ret == RECONCILE_OK)
		log_info(RECONCILE_MODULE, "discrepancia #%lld resuelta por el usuario %lld", id,
			 usuario_id);
	return ret;
}
