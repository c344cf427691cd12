/* http_radicados.c -- the filings' routes: the list, one filing, its writes (PATCH, reparto,
 * gestiones: one write template over workflow.c's decisions) and the lawyers' load. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "config.h"
#include "http_int.h"
#include "indicators.h"
#include "log.h"
#include "mapping.h"
#include "workflow.h"

/* ---- Domain values */

static const char *const http_radicados_tipos[] = {"contratacion_directa",
						   "proceso_seleccion",
						   "novedad_contractual",
						   "liquidacion_terminacion",
						   "otro",
						   NULL};
static const char *const http_radicados_modalidades[] = {"",
							 "licitacion_publica",
							 "seleccion_abreviada",
							 "concurso_meritos",
							 "contratacion_directa",
							 "minima_cuantia",
							 "acuerdo_marco",
							 "regimen_especial",
							 NULL};
static const char *const http_radicados_novedades[] = {
    "",		  "adicion",  "prorroga", "modificacion",
    "suspension", "reinicio", "cesion",	  "terminacion_anticipada",
    NULL};
static const char *const http_radicados_orders[] = {
    "fecha",	    "-fecha",	     "numero",	       "-numero",	  "estado",
    "-estado",	    "tipo_tramite",  "-tipo_tramite",  "fecha_reparto",	  "-fecha_reparto",
    "fecha_limite", "-fecha_limite", "dias_restantes", "-dias_restantes", NULL};
static const char *const http_radicados_semaforos[] = {"vencido", "por_vencer", "a_tiempo", NULL};
static const char *const http_radicados_flag[] = {"1", "0", NULL};
static const char *const http_radicados_open[] = {"repartido", "en_revision", "devuelto", NULL};

static const char *http_radicados_estado_at(size_t i)
{
	return i < WORKFLOW_NESTADOS ? workflow_estado_name((int)i) : NULL;
}

/* ---- GET /api/radicados */

enum {
	HTTP_L_ESTADO,
	HTTP_L_ABOGADO,
	HTTP_L_TIPO,
	HTTP_L_DESDE,
	HTTP_L_HASTA,
	HTTP_L_Q,
	HTTP_L_VENCIDOS,
	HTTP_L_ORDEN,
	HTTP_L_PAGINA,
	HTTP_L_POR_PAGINA,
	HTTP_L_ABIERTOS,
	HTTP_L_SEMAFORO,
	HTTP_L_LEGALIZACION,
	HTTP_L_CONTEOS
};
const struct http_arg http_radicados_list_args[] = {
    [HTTP_L_ESTADO] = {.name = "estado",
		       .type = HTTP_ARG_ENUM,
		       .value_at = http_radicados_estado_at},
    [HTTP_L_ABOGADO] = {.name = "abogado_id",
			.type = HTTP_ARG_INT,
			.min = 1,
			.max = HTTP_INT_MAX,
			.status = 400,
			.msg = "«abogado_id» debe ser un número de usuario"},
    [HTTP_L_TIPO] = {.name = "tipo_tramite", .type = HTTP_ARG_ENUM, .values = http_radicados_tipos},
    [HTTP_L_DESDE] = {.name = "desde", .type = HTTP_ARG_DATE},
    [HTTP_L_HASTA] = {.name = "hasta", .type = HTTP_ARG_DATE, .not_before = "desde"},
    [HTTP_L_Q] = {.name = "q",
		  .type = HTTP_ARG_TEXT,
		  .max = HTTP_API_Q_MAX,
		  .max_words = STORE_LIST_MAX_TERMS},
    [HTTP_L_VENCIDOS] = {.name = "vencidos",
			 .type = HTTP_ARG_ENUM,
			 .values = http_radicados_flag,
			 .status = 400},
    [HTTP_L_ORDEN] = {.name = "orden", .type = HTTP_ARG_ENUM, .values = http_radicados_orders},
    [HTTP_L_PAGINA] = {.name = "pagina", .type = HTTP_ARG_INT, .min = 1, .max = HTTP_API_PAGE_MAX},
    [HTTP_L_POR_PAGINA] = {.name = "por_pagina",
			   .type = HTTP_ARG_INT,
			   .min = 1,
			   .max = HTTP_API_PAGE_SIZE_MAX},
    [HTTP_L_ABIERTOS] = {.name = "abiertos",
			 .type = HTTP_ARG_ENUM,
			 .values = http_radicados_flag,
			 .status = 400},
    [HTTP_L_SEMAFORO] = {.name = "semaforo",
			 .type = HTTP_ARG_ENUM,
			 .values = http_radicados_semaforos,
			 .status = 400},
    [HTTP_L_LEGALIZACION] = {.name = "legalizacion_pendiente",
			     .type = HTTP_ARG_ENUM,
			     .values = http_radicados_flag,
			     .status = 400},
    [HTTP_L_CONTEOS] = {.name = "conteos",
			.type = HTTP_ARG_ENUM,
			.values = http_radicados_flag,
			.status = 400},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_radicados_list_args, HTTP_MAX_ARGS);

/* The store's query of the list's checked arguments. 0, or -1 after the error answer. */
static int http_radicados_list_query(struct http_request *req, struct store_list_query *lq,
				     char hasta_excl[CALENDAR_DATE_LEN], long long *pagina)
{
	const char *const *v = req->arg;

	memset(lq, 0, sizeof(*lq));
	lq->orden = STORE_ORDER_FECHA_DESC;
	lq->limit = HTTP_API_PAGE_SIZE_DEFAULT;
	*pagina = v[HTTP_L_PAGINA] != NULL ? req->arg_num[HTTP_L_PAGINA] : 1;
	lq->estado = v[HTTP_L_ESTADO];
	lq->abogado_id = v[HTTP_L_ABOGADO] != NULL ? req->arg_num[HTTP_L_ABOGADO] : 0;
	lq->tipo_tramite = v[HTTP_L_TIPO];
	lq->desde = v[HTTP_L_DESDE];
	if (v[HTTP_L_HASTA] != NULL) {
		if (util_date_add(v[HTTP_L_HASTA], 1, hasta_excl) < 0) {
			http_req_error(req, 422, "fecha_invalida", "«hasta» está fuera de rango");
			return -1;
		}
		lq->hasta_excl = hasta_excl;
	}
	if (v[HTTP_L_Q] != NULL && v[HTTP_L_Q][strspn(v[HTTP_L_Q], " \t\r\n")] != '\0')
		lq->q = v[HTTP_L_Q];
	/* A flag's value "1" has index 0. */
	lq->abiertos = v[HTTP_L_ABIERTOS] != NULL && req->arg_num[HTTP_L_ABIERTOS] == 0;
	lq->semaforo = v[HTTP_L_SEMAFORO];
	lq->legalizacion_pendiente =
	    v[HTTP_L_LEGALIZACION] != NULL && req->arg_num[HTTP_L_LEGALIZACION] == 0;
	if (v[HTTP_L_ORDEN] != NULL)
		lq->orden = (enum store_list_order)store_list_order_parse(
		    http_radicados_orders[req->arg_num[HTTP_L_ORDEN]]);
	if (v[HTTP_L_POR_PAGINA] != NULL)
		lq->limit = (long)req->arg_num[HTTP_L_POR_PAGINA];
	lq->offset = (long)((*pagina - 1) * lq->limit);
	return 0;
}

char *http_radicados_sla_text(void *arg, struct store *s, const char *numero, const char *now,
			      char *err, size_t errlen)
{
	const struct http_api *api = arg;
	struct indicators_sla_ctx ctx = {api->cfg, api->calendar};

	return indicators_sla_text(&ctx, s, numero, now, err, errlen);
}

void http_radicados_list(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct store_list_query lq;
	char today[CALENDAR_DATE_LEN];
	char hasta_excl[CALENDAR_DATE_LEN];
	char now[UTIL_ISO_LEN];
	long long pagina;
	long long total;
	long long conteos[2];
	struct buf key;
	struct buf ckey;
	struct buf ids;
	struct buf rows;
	struct buf exact;
	int vencidos;

	buf_init(&exact);
	buf_init(&key);
	buf_init(&ckey);
	buf_init(&ids);
	buf_init(&rows);
	if (http_radicados_list_query(req, &lq, hasta_excl, &pagina) < 0)
		goto done;
	vencidos = req->arg[HTTP_L_VENCIDOS] != NULL && req->arg_num[HTTP_L_VENCIDOS] == 0;
	util_today(today);
	/* Each row's SLA clock, and the overdue set, depend on the day as well as on the
	 * data (the clock counts business days; the time of day does not matter). */
	buf_printf(&key, "L?%s#%s", req->canon.data != NULL ? req->canon.data : "", today);
	if (http_cache_answer_get(req, s, key.data))
		goto done;
	if (vencidos) {
		char err[HTTP_MSG_LEN];

		if (indicators_overdue_ids(s, req->api->cfg, req->api->calendar, NULL, &ids, err,
					   sizeof(err)) != INDICATORS_OK) {
			http_req_internal_error(req, s, err);
			goto done;
		}
		lq.ids_json = ids.data;
	}
	/* The SLA filters depend on the day as well. */
	buf_printf(&ckey, "%s|%lld|%s|%s|%s|%s|%s|%d|%s%s|%d", lq.estado ? lq.estado : "",
		   lq.abogado_id, lq.tipo_tramite ? lq.tipo_tramite : "", lq.desde ? lq.desde : "",
		   lq.hasta_excl ? lq.hasta_excl : "", lq.q ? lq.q : "", vencidos ? today : "",
		   lq.abiertos, lq.semaforo != NULL ? lq.semaforo : "",
		   lq.semaforo != NULL ? today : "", lq.legalizacion_pendiente);
	lq.total_known = http_cache_total_get(req, s, ckey.data);
	util_now_iso(now);
	lq.now = now;
	if (lq.q != NULL)
		lq.numero_exacto = &exact;
	if (req->arg[HTTP_L_CONTEOS] != NULL && req->arg_num[HTTP_L_CONTEOS] == 0)
		lq.conteos = conteos;
	if (s == NULL || store_list_json(s, &lq, &total, &rows) < 0) {
		http_req_store_error(req, s);
		goto done;
	}
	http_cache_total_put(req, ckey.data, total);
	buf_reset(&req->out);
	buf_printf(&req->out, "{\"total\":%lld,\"pagina\":%lld,\"por_pagina\":%ld,", total, pagina,
		   lq.limit);
	if (lq.conteos != NULL)
		buf_printf(&req->out, "\"conteos\":{\"vencidos\":%lld,\"por_vencer\":%lld},",
			   conteos[0], conteos[1]);
	buf_puts(&req->out, "\"radicados\":");
	buf_append(&req->out, rows.data, rows.len);
	if (lq.numero_exacto != NULL)
		buf_printf(&req->out, ",\"numero_exacto\":%s", exact.data);
	buf_puts(&req->out, "}");
	req->status = 200;
	req->content_type = HTTP_JSON_TYPE;
done:
	buf_free(&exact);
	buf_free(&rows);
	buf_free(&ids);
	buf_free(&ckey);
	buf_free(&key);
}

/* ---- GET /api/radicados/{numero} */

/* Adds "imagen_url" (the document system's viewer, when the mapping gives its template) as
 * the last member of the filing's JSON object in out. */
static void http_radicados_imagen(const struct http_request *req, struct buf *out)
{
	char *url = mapping_imagen_url(req->api->map, req->param);
	json_t *v;
	char *text;

	if (url == NULL)
		return;
	while (out->len > 0 && out->data[out->len - 1] != '}')
		out->len--;
	if (out->len > 1) {
		v = json_string(url);
		text = json_dumps(v, JSON_ENCODE_ANY);
		out->len--;
		buf_printf(out, ",\"imagen_url\":%s}", text != NULL ? text : "null");
		free(text);
		json_decref(v);
	}
	free(url);
}

/* Sets the answer of a filing (as GET shows it, with its "sla" block and, when the mapping
 * has one, its "imagen_url") with status. */
static void http_radicados_filing(struct http_request *req, struct store *s, int status)
{
	int found;

	buf_reset(&req->out);
	found = s != NULL ? store_filing_json(s, req->param, &req->out) : -1;
	if (found < 0) {
		http_req_store_error(req, s);
		return;
	}
	if (found == 0) {
		http_req_errorf(req, 404, "radicado_no_encontrado", "no existe el radicado %s",
				req->param);
		return;
	}
	http_radicados_imagen(req, &req->out);
	req->status = status;
	req->content_type = HTTP_JSON_TYPE;
}

void http_radicados_get(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char key[HTTP_PARAM_LEN + CALENDAR_DATE_LEN + 4];
	char today[CALENDAR_DATE_LEN];

	/* The "sla" block depends on the day as well as on the data. The key is not built
	 * when the answer cache is off (the day's strftime alone is ~1.5% of this read). */
	if (req->api->cache_enabled) {
		util_today(today);
		snprintf(key, sizeof(key), "D/%s#%s", req->param, today);
		if (http_cache_answer_get(req, s, key))
			return;
	}
	http_radicados_filing(req, s, 200);
}

/* ---- The write template: begin, checks, change, audit, end -- one short BEGIN IMMEDIATE
 * transaction, the workflow's decision in it, the answer read inside it. */

struct http_write {
	struct http_request *req;
	struct store *s;
	const char *numero; /* the filing: the path's, or a bulk reparto's item */
	const char *item;   /* a bulk reparto's item as messages name it; NULL: alone */
	const struct workflow_action *action;
	int status;	     /* of the answer when it goes through: 200 or 201 */
	json_t *version;     /* the "version" member read by the client, or NULL */
	long long lawyer_id; /* reparto: the lawyer named */
	int same_lawyer;     /* ... who is the one already assigned */
	const char *texto;   /* of the gestion row */
	int sat;	     /* satisfactorio of the gestion row: 0, 1, or -1 */
	const char *dependencia_destino; /* traslado: the dependency named (borrowed) */
	struct follow_up old;
	struct follow_up cur;
	struct workflow_result wr;
	char now[UTIL_ISO_LEN];
};

/* What a handler adds: checks before the workflow's (0, or -1 answered; may be NULL) and
 * the change to w->cur (0 done, 1 nothing to change, -1 answered). */
struct http_write_ops {
	int (*check)(struct http_write *w);
	int (*change)(struct http_write *w);
};

/* A refusal of w: the message, after "<item>: " when w is an item of a bulk reparto. */
static void http_radicados_write_error(struct http_write *w, int status, const char *codigo,
				       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void http_radicados_write_error(struct http_write *w, int status, const char *codigo,
				       const char *fmt, ...)
{
	char msg[HTTP_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->item != NULL)
		http_req_errorf(w->req, status, codigo, "%s: %s", w->item, msg);
	else
		http_req_error(w->req, status, codigo, msg);
}

/* The answer of a workflow refusal. */
static void http_radicados_refuse(struct http_write *w, const struct workflow_result *r)
{
	switch (r->verdict) {
	case WORKFLOW_ROLE:
		http_radicados_write_error(w, 403, "rol_no_autorizado", "%s", r->why);
		break;
	case WORKFLOW_NOT_OWN:
		http_radicados_write_error(w, 403, "no_asignado", "%s", r->why);
		break;
	case WORKFLOW_BAD_INPUT:
		http_radicados_write_error(w, 422, "valor_invalido", "%s", r->why);
		break;
	default:
		http_radicados_write_error(w, 422, "transicion_invalida", "%s", r->why);
		break;
	}
}

/* 1 when the caller is the lawyer the follow-up is assigned to. */
static int http_radicados_assigned(const struct http_request *req, const struct follow_up *fu)
{
	long long id;

	return fu->v[STORE_FU_ABOGADO_ID] != NULL &&
	       http_req_digits(fu->v[STORE_FU_ABOGADO_ID], 1, HTTP_INT_MAX, &id) == 0 &&
	       id == req->user.id;
}

/* The client's "version" against the stored one. 0, or -1 after the 409 answer. */
static int http_radicados_version(struct http_write *w)
{
	const char *stored = w->old.v[STORE_FU_VERSION];
	char v[24];

	if (w->version == NULL)
		return 0;
	snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(w->version));
	if (stored != NULL && strcmp(v, stored) == 0)
		return 0;
	http_radicados_write_error(w, 409, "version_obsoleta",
				   "el radicado %s cambió (versión actual %s, usted leyó la %s): "
				   "vuelva a leerlo y repita el cambio",
				   w->numero, stored != NULL ? stored : "?", v);
	return -1;
}

/* Checks: the handler's, then the workflow on who and what (role, the lawyer's own filing,
 * annulment), the version read, and the workflow on the estado. 0, or -1 answered. */
static int http_radicados_write_checks(struct http_write *w, const struct http_write_ops *ops)
{
	struct workflow_case c;

	if (ops->check != NULL && ops->check(w) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.action = w->action;
	c.estado = w->old.v[STORE_FU_ESTADO];
	c.estado_ds = w->old.estado_ds;
	c.role = w->req->role;
	c.assigned = http_radicados_assigned(w->req, &w->old);
	c.same_lawyer = w->same_lawyer;
	c.numero = w->numero;
	c.lawyer_id = w->lawyer_id;
	c.estado_anterior = w->old.v[STORE_FU_ESTADO_ANTERIOR];
	c.dependencia_destino = w->dependencia_destino;
	workflow_decide(&c, &w->wr);
	if (w->wr.verdict != WORKFLOW_OK && w->wr.before_state) {
		http_radicados_refuse(w, &w->wr);
		return -1;
	}
	if (http_radicados_version(w) < 0)
		return -1;
	if (w->wr.verdict != WORKFLOW_OK) {
		http_radicados_refuse(w, &w->wr);
		return -1;
	}
	return 0;
}

/* The open anulado_en_sgd discrepancies of one filing, for the anulación that confirms them. */
#define HTTP_ANUL_MAX 8
struct http_anul_ids {
	long long id[HTTP_ANUL_MAX];
	int n;
};

static int http_radicados_anul_collect(const struct store_rc_row *r, void *arg)
{
	struct http_anul_ids *ids = arg;

	if (strcmp(r->tipo, "anulado_en_sgd") == 0 && ids->n < HTTP_ANUL_MAX)
		ids->id[ids->n++] = r->id;
	return 0;
}

/* After the gestión anulacion on w: its open anulado_en_sgd discrepancies resolved in the
 * same transaction, with a note naming the gestión and who. 0, or -1 (store error). */
static int http_radicados_anul_resolve(struct http_write *w)
{
	struct http_anul_ids ids = {.n = 0};
	char *nota;
	int rc = 0;

	if (store_rc_open_of(w->s, w->numero, http_radicados_anul_collect, &ids) < 0)
		return -1;
	nota = xasprintf("anulación confirmada con la gestión «anulacion» por %s",
			 w->req->user.nombre);
	for (int i = 0; i < ids.n && rc == 0; i++) {
		if (store_rc_resolve_in(w->s, ids.id[i], w->req->user.id, nota, w->now, 0) < 0)
			rc = -1;
	}
	free(nota);
	return rc;
}

/* Audit: cur over old with its auditoria rows, then the gestion row the workflow names
 * (with datos, "" for none). 0, or -1 answered. */
static int http_radicados_write_audit(struct http_write *w, const char *datos)
{
	int nchanged;
	int rc = store_follow_up_write(w->s, &w->old, &w->cur, w->req->user.id, w->now, &nchanged);

	if (rc == 1) {
		http_radicados_write_error(w, 409, "version_obsoleta",
					   "el radicado %s cambió: vuelva a leerlo", w->numero);
		return -1;
	}
	if (rc < 0 ||
	    (w->wr.gestion != NULL &&
	     store_gestion_add(w->s, w->old.radicado_id, w->wr.gestion, w->req->user.id, w->now,
			       w->texto, w->sat, datos[0] != '\0' ? datos : NULL) < 0) ||
	    (w->wr.gestion != NULL && strcmp(w->wr.gestion, "anulacion") == 0 &&
	     http_radicados_anul_resolve(w) < 0)) {
		http_req_store_error(w->req, w->s);
		return -1;
	}
	return 0;
}

/* Starts w for action (a workflow.c name) answering status when it goes through. */
static void http_radicados_write_init(struct http_write *w, struct http_request *req,
				      const char *action, int status, json_t *version)
{
	memset(w, 0, sizeof(*w));
	w->req = req;
	w->numero = req->param;
	w->action = workflow_find(action);
	w->status = status;
	w->version = version;
	w->sat = -1;
}

/* Within the caller's transaction on w->s: reads w->numero, checks, changes and audits it.
 * 0 written, 1 nothing to change (nothing written), -1 answered (the caller rolls back). */
static int http_radicados_write_step(struct http_write *w, const struct http_write_ops *ops)
{
	char datos[WORKFLOW_DATOS_LEN];
	int found;
	int rc;

	found = store_follow_up_get(w->s, w->numero, &w->old);
	if (found < 0) {
		http_req_store_error(w->req, w->s);
		return -1;
	}
	if (found == 0) {
		/* alone, the path names no filing (404); in a bulk reparto, a value does (422) */
		http_radicados_write_error(w, w->item != NULL ? 422 : 404, "radicado_no_encontrado",
					   "no existe el radicado %s", w->numero);
		return -1;
	}
	if (http_radicados_write_checks(w, ops) < 0)
		return -1;
	/* change */
	follow_up_copy(&w->cur, &w->old);
	util_now_iso(w->now);
	workflow_apply(&w->wr, &w->cur, w->now, w->sat > 0, w->lawyer_id, datos);
	rc = ops->change != NULL ? ops->change(w) : 0;
	if (rc != 0)
		return rc;
	/* audit */
	return http_radicados_write_audit(w, datos);
}

static void http_radicados_write(struct http_write *w, const struct http_write_ops *ops)
{
	struct http_request *req = w->req;
	int rc;

	follow_up_init(&w->old);
	follow_up_init(&w->cur);
	w->s = http_api_store(req);
	/* begin */
	if (w->s == NULL || store_begin(w->s) < 0) {
		http_req_store_error(req, w->s);
		goto done;
	}
	rc = http_radicados_write_step(w, ops);
	if (rc < 0)
		goto rollback;
	if (rc == 1) { /* nothing differs: no write, no new version */
		store_rollback(w->s);
		http_radicados_filing(req, w->s, 200);
		goto done;
	}
	/* end: the answer read inside the same transaction (no later write shows in it) */
	http_radicados_filing(req, w->s, w->status);
	if (req->status != w->status)
		goto rollback;
	if (store_commit(w->s) < 0) {
		http_req_store_error(req, w->s);
		goto rollback;
	}
	goto done;
rollback:
	if (w->s != NULL)
		store_rollback(w->s);
done:
	follow_up_free(&w->old);
	follow_up_free(&w->cur);
}

/* ---- PATCH /api/radicados/{numero} */

/* Names a client may know but not PATCH: the workflow's and the document system's. */
static const char *const http_radicados_not_editable[] = {"estado",
							  "abogado_id",
							  "fecha_reparto",
							  "concluido_satisfactorio",
							  "fecha_conclusion",
							  "devoluciones",
							  "creado",
							  "actualizado",
							  "numero",
							  "tipo_radicado",
							  "fecha_radicacion",
							  "asunto",
							  "folios",
							  "ruta",
							  "dependencia_origen",
							  "dependencia_origen_nombre",
							  "dependencia_actual",
							  "remitente",
							  "tipo_documental",
							  "estado_ds",
							  NULL};

/* The follow-up fields PATCH sets (workflow.c says which role may set each); a text
 * field's null stores "", a date's or a number's SQL NULL. */
#define HTTP_FU_TEXT(n, len)                                                                       \
	{                                                                                          \
		.name = (n), .type = HTTP_T_STRING, .nullable = 1, .follow_up = 1,                 \
		.max_len = (len)                                                                   \
	}
#define HTTP_FU_LISTED(n, set)                                                                     \
	{                                                                                          \
		.name = (n), .type = HTTP_T_STRING, .nullable = 1, .follow_up = 1,                 \
		.values = (set), .see_docs = 1                                                     \
	}
#define HTTP_FU_DATE(n)                                                                            \
	{                                                                                          \
		.name = (n), .type = HTTP_T_STRING, .nullable = 1, .follow_up = 1, .date = 1       \
	}

static const struct http_field http_radicados_patch_fields[] = {
    {.name = "version",
     .type = HTTP_T_INT,
     .required = 1,
     .hint = "la versión del seguimiento que usted leyó",
     .min = 1},
    {.name = "tipo_tramite",
     .type = HTTP_T_STRING,
     .nullable = 1,
     .follow_up = 1,
     .values = http_radicados_tipos,
     .see_docs = 1,
     .not_null = 1},
    HTTP_FU_LISTED("modalidad", http_radicados_modalidades),
    HTTP_FU_LISTED("novedad", http_radicados_novedades),
    HTTP_FU_TEXT("tipo_gestion", 200),
    HTTP_FU_TEXT("observaciones", HTTP_API_TEXT_MAX),
    HTTP_FU_TEXT("numero_contrato", 100),
    HTTP_FU_TEXT("contratista", 300),
    HTTP_FU_TEXT("objeto", 2000),
    {.name = "valor", .type = HTTP_T_INT, .nullable = 1, .follow_up = 1},
    HTTP_FU_DATE("fecha_suscripcion"),
    HTTP_FU_DATE("fecha_rp"),
    HTTP_FU_DATE("fecha_aprobacion_garantias"),
    HTTP_FU_DATE("fecha_arl"),
    HTTP_FU_DATE("fecha_acta_inicio"),
    {.name = "publicado_secop", .type = HTTP_T_BOOL, .follow_up = 1},
    HTTP_FU_TEXT("linea_paa", 100),
    {.name = NULL},
};
HTTP_SPEC_FITS(http_radicados_patch_fields, HTTP_MAX_FIELDS);

const struct http_body http_radicados_patch_body = {
    .fields = http_radicados_patch_fields,
    .refused = http_radicados_not_editable,
    .refused_why = "no se cambia con PATCH: el estado y el abogado cambian con /reparto y "
		   "/gestiones; los datos del radicado vienen del sistema de gestión documental",
    .need_one_besides = "version",
};

/* The legalization dates: none before the subscription date. */
static const enum store_fu_field http_radicados_legal_dates[] = {
    STORE_FU_FECHA_RP, STORE_FU_FECHA_APROBACION_GARANTIAS, STORE_FU_FECHA_ARL,
    STORE_FU_FECHA_ACTA_INICIO};
#define HTTP_LEGAL_DATES                                                                           \
	(sizeof(http_radicados_legal_dates) / sizeof(http_radicados_legal_dates[0]))

/* 1 when w's PATCH changes field f (old and cur differ). */
static int http_radicados_changes(const struct http_write *w, enum store_fu_field f)
{
	const char *a = w->old.v[f];
	const char *b = w->cur.v[f];

	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

/* w->cur's dates after a PATCH: a changed date not after today (Bogotá), a legalization
 * date not before the subscription date when either of the two changed. Stored values
 * the PATCH leaves alone are not judged. 0, or -1 answered (422). */
static int http_radicados_patch_dates(struct http_write *w)
{
	const char *susc = w->cur.v[STORE_FU_FECHA_SUSCRIPCION];
	int susc_changed = http_radicados_changes(w, STORE_FU_FECHA_SUSCRIPCION);
	char today[CALENDAR_DATE_LEN];

	util_today(today);
	if (susc_changed && susc != NULL && strcmp(susc, today) > 0) {
		http_radicados_write_error(w, 422, "valor_invalido",
					   "«fecha_suscripcion» (%s) es posterior a hoy (%s)", susc,
					   today);
		return -1;
	}
	for (size_t i = 0; i < HTTP_LEGAL_DATES; i++) {
		enum store_fu_field f = http_radicados_legal_dates[i];
		const char *v = w->cur.v[f];
		int mine = http_radicados_changes(w, f);

		if (v == NULL || (!mine && !susc_changed))
			continue;
		if (mine && strcmp(v, today) > 0) {
			http_radicados_write_error(w, 422, "valor_invalido",
						   "«%s» (%s) es posterior a hoy (%s)",
						   store_fu_name(f), v, today);
			return -1;
		}
		if (susc != NULL && strcmp(v, susc) < 0) {
			http_radicados_write_error(
			    w, 422, "valor_invalido",
			    "«%s» (%s) es anterior a la fecha de suscripción del contrato (%s)",
			    store_fu_name(f), v, susc);
			return -1;
		}
	}
	return 0;
}

/* Sets every member of the body on w->cur. 0, or 1 when nothing differs. */
static int http_radicados_patch_change(struct http_write *w)
{
	int changed = 0;

	for (int i = 1; http_radicados_patch_fields[i].name != NULL; i++) {
		const struct http_field *f = &http_radicados_patch_fields[i];
		json_t *val = w->req->field[i];
		enum store_fu_field fu = (enum store_fu_field)store_fu_lookup(f->name);
		const char *v;
		char num[24];

		if (val == NULL)
			continue;
		if (json_is_null(val)) {
			v = store_fu_kind(fu) == STORE_FU_KIND_TEXT ? "" : NULL;
		} else if (f->type == HTTP_T_INT) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(val));
			v = num;
		} else if (f->type == HTTP_T_BOOL) {
			v = json_is_true(val) ? "1" : "0";
		} else {
			v = json_string_value(val);
		}
		if ((v == NULL) != (w->cur.v[fu] == NULL) ||
		    (v != NULL && strcmp(v, w->cur.v[fu]) != 0)) {
			follow_up_set(&w->cur, fu, v);
			changed++;
		}
	}
	if (changed == 0)
		return 1;
	return http_radicados_patch_dates(w);
}

void http_radicados_patch(struct http_request *req)
{
	static const struct http_write_ops ops = {NULL, http_radicados_patch_change};
	struct http_write w;

	http_radicados_write_init(&w, req, "edicion", 200, req->field[0]);
	http_radicados_write(&w, &ops);
}

/* ---- POST /api/radicados/{numero}/gestiones */

enum {
	HTTP_G_TIPO,
	HTTP_G_TEXTO,
	HTTP_G_SATISFACTORIO,
	HTTP_G_VERSION,
	HTTP_G_MOTIVO,
	HTTP_G_DESTINO
};
static const struct http_field http_radicados_gestion_fields[] = {
    [HTTP_G_TIPO] = {.name = "tipo",
		     .type = HTTP_T_STRING,
		     .required = 1,
		     .value_at = workflow_gestion_at},
    [HTTP_G_TEXTO] = {.name = "texto",
		      .type = HTTP_T_STRING,
		      .nullable = 1,
		      .max_len = HTTP_API_TEXT_MAX},
    [HTTP_G_SATISFACTORIO] = {.name = "satisfactorio", .type = HTTP_T_BOOL, .nullable = 1},
    [HTTP_G_VERSION] = {.name = "version", .type = HTTP_T_INT, .min = 1},
    /* the outcomes: why (archivo, traslado, anulacion) and where to (traslado) */
    [HTTP_G_MOTIVO] = {.name = "motivo",
		       .type = HTTP_T_STRING,
		       .nullable = 1,
		       .max_len = HTTP_API_TEXT_MAX},
    [HTTP_G_DESTINO] = {.name = "dependencia_destino",
			.type = HTTP_T_STRING,
			.digits = 1,
			.max_len = HTTP_DEPENDENCIA_MAX},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_radicados_gestion_fields, HTTP_MAX_FIELDS);
const struct http_body http_radicados_gestiones_body = {.fields = http_radicados_gestion_fields};

/* A traslado goes to another dependency than the office's own. */
static int http_radicados_gestion_check(struct http_write *w)
{
	const char *own = w->req->api->cfg != NULL ? w->req->api->cfg->ds_dependencia : NULL;

	if (w->dependencia_destino == NULL || own == NULL ||
	    strcmp(w->dependencia_destino, own) != 0)
		return 0;
	http_req_errorf(
	    w->req, 422, "valor_invalido",
	    "«dependencia_destino» es %s, la dependencia de esta oficina: un traslado va "
	    "a otra dependencia",
	    own);
	return -1;
}

/* 1 when s has something besides white space. */
static int http_radicados_has_text(const char *s)
{
	return s != NULL && s[strspn(s, " \t\r\n")] != '\0';
}

void http_radicados_gestiones(struct http_request *req)
{
	static const struct http_write_ops ops = {http_radicados_gestion_check, NULL};
	json_t *sat = req->field[HTTP_G_SATISFACTORIO];
	const char *motivo = json_string_value(req->field[HTTP_G_MOTIVO]);
	struct workflow_input in;
	struct http_write w;
	const char *texto;

	http_radicados_write_init(&w, req,
				  workflow_gestion_at((size_t)req->field_enum[HTTP_G_TIPO]), 201,
				  req->field[HTTP_G_VERSION]);
	texto = json_string_value(req->field[HTTP_G_TEXTO]);
	w.sat = sat != NULL && json_is_boolean(sat) ? json_is_true(sat) : -1;
	w.dependencia_destino = json_string_value(req->field[HTTP_G_DESTINO]);
	memset(&in, 0, sizeof(in));
	in.has_text = http_radicados_has_text(texto);
	in.sat_given = w.sat >= 0;
	in.has_motivo = motivo != NULL;
	in.has_motivo_text = http_radicados_has_text(motivo);
	in.has_destino = w.dependencia_destino != NULL;
	/* an outcome's reason is the text of its gestion row */
	w.texto = in.has_motivo ? motivo : texto;
	if (workflow_check_input(w.action, req->role, &in, &w.wr) != WORKFLOW_OK) {
		http_radicados_refuse(&w, &w.wr);
		return;
	}
	http_radicados_write(&w, &ops);
}

/* ---- POST /api/radicados/{numero}/reparto */

enum { HTTP_R_ABOGADO, HTTP_R_TEXTO, HTTP_R_VERSION };
static const struct http_field http_radicados_reparto_fields[] = {
    [HTTP_R_ABOGADO] = {.name = "abogado_id", .type = HTTP_T_INT, .required = 1, .min = 1},
    [HTTP_R_TEXTO] = {.name = "texto",
		      .type = HTTP_T_STRING,
		      .nullable = 1,
		      .max_len = HTTP_API_TEXT_MAX},
    [HTTP_R_VERSION] = {.name = "version", .type = HTTP_T_INT, .min = 1},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_radicados_reparto_fields, HTTP_MAX_FIELDS);
const struct http_body http_radicados_reparto_body = {.fields = http_radicados_reparto_fields};

/* The lawyer named must be an active abogado; notes whether they already have the filing. */
static int http_radicados_reparto_check(struct http_write *w)
{
	struct store_user lawyer;
	int found = store_user_get(w->s, w->lawyer_id, &lawyer);
	char idtext[24];

	if (found < 0) {
		http_req_store_error(w->req, w->s);
		return -1;
	}
	if (found == 0 || !lawyer.activo || strcmp(lawyer.rol, "abogado") != 0) {
		http_radicados_write_error(w, 422, "valor_invalido",
					   "el usuario %lld no es un abogado activo", w->lawyer_id);
		return -1;
	}
	snprintf(idtext, sizeof(idtext), "%lld", w->lawyer_id);
	w->same_lawyer = w->old.v[STORE_FU_ABOGADO_ID] != NULL &&
			 strcmp(w->old.v[STORE_FU_ABOGADO_ID], idtext) == 0;
	return 0;
}

void http_radicados_reparto(struct http_request *req)
{
	static const struct http_write_ops ops = {http_radicados_reparto_check, NULL};
	struct http_write w;

	http_radicados_write_init(&w, req, "reparto", 200, req->field[HTTP_R_VERSION]);
	w.lawyer_id = (long long)json_integer_value(req->field[HTTP_R_ABOGADO]);
	w.texto = json_string_value(req->field[HTTP_R_TEXTO]);
	http_radicados_write(&w, &ops);
}

int http_radicados_reparto_in(struct http_request *req, struct store *s, const char *numero,
			      long long lawyer_id, const char *item)
{
	static const struct http_write_ops ops = {http_radicados_reparto_check, NULL};
	struct http_write w;
	int rc;

	http_radicados_write_init(&w, req, "reparto", 200, NULL);
	w.s = s;
	w.numero = numero;
	w.item = item;
	w.lawyer_id = lawyer_id;
	follow_up_init(&w.old);
	follow_up_init(&w.cur);
	rc = http_radicados_write_step(&w, &ops);
	follow_up_free(&w.old);
	follow_up_free(&w.cur);
	return rc < 0 ? -1 : 0;
}

/* ---- GET /api/abogados/carga */

static const char *const http_radicados_detalle[] = {"0", "1", NULL};
const struct http_arg http_radicados_carga_args[] = {
    {.name = "tipo_tramite",
     .type = HTTP_ARG_ENUM,
     .values = http_radicados_tipos,
     .status = 400,
     .msg = "tipo_tramite debe ser contratacion_directa, proceso_seleccion, "
	    "novedad_contractual, liquidacion_terminacion u otro"},
    {.name = "detalle",
     .type = HTTP_ARG_ENUM,
     .values = http_radicados_detalle,
     .status = 400,
     .msg = "detalle debe ser 1 (cada abogado de la sugerencia con sus radicados abiertos) o 0 "
	    "(solo el orden y los conteos)"},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_radicados_carga_args, HTTP_MAX_ARGS);

struct http_radicados_load {
	json_t *lawyers;
	json_t *cur; /* the lawyer being filled, borrowed from lawyers */
	long long cur_id;
	long long sin_repartir;
};

static int http_radicados_load_one(const struct store_user *u, const char *estado,
				   const char *tipo_tramite, long long count, void *arg)
{
	struct http_radicados_load *c = arg;

	if (c->cur == NULL || c->cur_id != u->id) {
		json_t *por_estado = json_object();
		json_t *por_tipo = json_object();

		for (int i = 0; http_radicados_open[i] != NULL; i++)
			json_object_set_new(por_estado, http_radicados_open[i], json_integer(0));
		for (int i = 0; http_radicados_tipos[i] != NULL; i++)
			json_object_set_new(por_tipo, http_radicados_tipos[i], json_integer(0));
		c->cur =
		    json_pack("{s:I, s:s, s:b, s:I, s:o, s:o}", "id", (json_int_t)u->id, "nombre",
			      u->nombre, "activo", u->activo, "abiertos", (json_int_t)0,
			      "por_estado", por_estado, "por_tipo_tramite", por_tipo);
		c->cur_id = u->id;
		json_array_append_new(c->lawyers, c->cur);
	}
	if (estado != NULL && count > 0) {
		json_t *pe = json_object_get(c->cur, "por_estado");
		json_t *pt = json_object_get(c->cur, "por_tipo_tramite");
		json_t *n;

		n = json_object_get(pe, estado);
		json_object_set_new(pe, estado, json_integer(json_integer_value(n) + count));
		n = json_object_get(pt, tipo_tramite);
		json_object_set_new(pt, tipo_tramite, json_integer(json_integer_value(n) + count));
		n = json_object_get(c->cur, "abiertos");
		json_object_set_new(c->cur, "abiertos",
				    json_integer(json_integer_value(n) + count));
	}
	return 0;
}

static int http_radicados_unassigned(const char *estado, long long n, void *arg)
{
	if (strcmp(estado, "recibido") == 0)
		((struct http_radicados_load *)arg)->sin_repartir = n;
	return 0;
}

/* With ?tipo_tramite=: the answer adds "sugerencia" (indicators_suggest_reparto; with
 * detalle=1 each lawyer of it lists its open filings). Not
 * cached: the suggestion's due date depends on the time of day (closing time). */
void http_radicados_carga(struct http_request *req)
{
	struct store *s = http_api_store(req);
	struct http_radicados_load c;
	json_t *sugerencia = NULL;
	json_t *answer;
	json_t *active;
	size_t i;
	json_t *l;

	if (req->arg[0] != NULL) {
		char err[INDICATORS_ERR_LEN];
		enum indicators_rc rc =
		    indicators_suggest_reparto(s, req->api->cfg, req->api->calendar, req->arg[0],
					       req->arg[1] != NULL && strcmp(req->arg[1], "1") == 0,
					       NULL, &sugerencia, err, sizeof(err));

		if (rc != INDICATORS_OK) {
			http_req_indicators_error(req, s, rc, err);
			return;
		}
	}
	memset(&c, 0, sizeof(c));
	c.lawyers = json_array();
	if (s == NULL || store_lawyer_load(s, http_radicados_load_one, &c) < 0 ||
	    store_count_by_estado(s, http_radicados_unassigned, &c) < 0) {
		json_decref(c.lawyers);
		json_decref(sugerencia);
		http_req_store_error(req, s);
		return;
	}
	/* Inactive lawyers are listed only while they still hold open filings. */
	active = json_array();
	json_array_foreach(c.lawyers, i, l)
	{
		if (json_is_true(json_object_get(l, "activo")) ||
		    json_integer_value(json_object_get(l, "abiertos")) > 0)
			json_array_append(active, l);
	}
	json_decref(c.lawyers);
	answer =
	    json_pack("{s:o, s:I}", "abogados", active, "sin_repartir", (json_int_t)c.sin_repartir);
	if (answer != NULL && sugerencia != NULL)
		json_object_set_new(answer, "sugerencia", sugerencia);
	else
		json_decref(sugerencia);
	http_req_json(req, 200, answer);
}
