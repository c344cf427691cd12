/* http_reports.c -- the routes that read across filings or act on the office: indicators,
 * the XLSX/CSV export, the calendar, the discrepancies, a sync pass on demand, the caller. */
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "export.h"
#include "http_int.h"
#include "indicators.h"
#include "log.h"
#include "reconcile.h"
#include "sync.h"

#define HTTP_REPORTS_STR(x) #x
#define HTTP_REPORTS_XSTR(x) HTTP_REPORTS_STR(x)
#define HTTP_REPORTS_YEARS                                                                         \
	HTTP_REPORTS_XSTR(CALENDAR_MIN_YEAR) " y " HTTP_REPORTS_XSTR(CALENDAR_MAX_YEAR)

/* ---- GET /api/indicadores and /api/export.* ?desde=&hasta= (indicators.c checks that desde
 * does not follow hasta, as the command does) */

const struct http_arg http_reports_period_args[] = {
    {.name = "desde", .type = HTTP_ARG_DATE, .msg = "desde debe ser una fecha AAAA-MM-DD válida"},
    {.name = "hasta", .type = HTTP_ARG_DATE, .msg = "hasta debe ser una fecha AAAA-MM-DD válida"},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_period_args, HTTP_MAX_ARGS);

/* GET /api/indicadores and /api/export.* ?desde=&hasta=&base=actividad|radicacion
 * (radicacion when absent). */
static const char *const http_reports_bases[] = {"radicacion", "actividad", NULL};

enum { HTTP_I_DESDE, HTTP_I_HASTA, HTTP_I_BASE, HTTP_I_PAPEL };
/* The period and its base: the first entries of every table below. */
#define HTTP_REPORTS_PERIOD_BASE_ARGS                                                                 \
	[HTTP_I_DESDE] = {.name = "desde",                                                            \
			  .type = HTTP_ARG_DATE,                                                      \
			  .msg = "desde debe ser una fecha AAAA-MM-DD válida"},                       \
	[HTTP_I_HASTA] = {.name = "hasta",                                                            \
			  .type = HTTP_ARG_DATE,                                                      \
			  .msg = "hasta debe ser una fecha AAAA-MM-DD válida"},                       \
	[HTTP_I_BASE] = {.name = "base",                                                              \
			 .type = HTTP_ARG_ENUM,                                                       \
			 .values = http_reports_bases,                                                \
			 .status = 422,                                                               \
			 .msg =                                                                       \
			     "base debe ser «actividad» (lo hecho en el periodo) o «radicacion» " \
			     "(lo radicado en el periodo)"}
const struct http_arg http_reports_indicadores_args[] = {
    HTTP_REPORTS_PERIOD_BASE_ARGS,
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_indicadores_args, HTTP_MAX_ARGS);

/* GET /api/export.xlsx: the same and papel=a4|carta (a4 when absent). */
static const char *const http_reports_papeles[] = {"a4", "carta", NULL};
const struct http_arg http_reports_export_args[] = {
    HTTP_REPORTS_PERIOD_BASE_ARGS,
    [HTTP_I_PAPEL] = {.name = "papel",
		      .type = HTTP_ARG_ENUM,
		      .values = http_reports_papeles,
		      .status = 400,
		      .msg = "papel debe ser «a4» o «carta»"},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_export_args, HTTP_MAX_ARGS);

/* GET /api/indicadores: the same, and detalle=1 (every figure with its filings). */
static const char *const http_reports_detalle[] = {"0", "1", NULL};

enum { HTTP_I_DETALLE = HTTP_I_BASE + 1 };
const struct http_arg http_reports_indicadores_get_args[] = {
    HTTP_REPORTS_PERIOD_BASE_ARGS,
    [HTTP_I_DETALLE] = {.name = "detalle",
			.type = HTTP_ARG_ENUM,
			.values = http_reports_detalle,
			.status = 400,
			.msg = "detalle debe ser 1 (cada cifra con sus radicados) o 0 (solo "
			       "los conteos)"},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_indicadores_get_args, HTTP_MAX_ARGS);

/* GET /api/indicadores/radicados: the period, the base, the figure and the page. */
enum { HTTP_F_CIFRA = HTTP_I_BASE + 1, HTTP_F_PAGINA, HTTP_F_POR_PAGINA };
const struct http_arg http_reports_cifra_args[] = {
    HTTP_REPORTS_PERIOD_BASE_ARGS,
    [HTTP_F_CIFRA] = {.name = "cifra",
		      .type = HTTP_ARG_TEXT,
		      .max = INDICATORS_FIGURE_PATH_MAX - 1,
		      .required = 1,
		      .missing = "falta «cifra»: la ruta de una cifra de /api/indicadores, como "
				 "«oficina.concluidos» o «vencidos»"},
    [HTTP_F_PAGINA] = {.name = "pagina", .type = HTTP_ARG_INT, .min = 1, .max = HTTP_API_PAGE_MAX},
    [HTTP_F_POR_PAGINA] = {.name = "por_pagina",
			   .type = HTTP_ARG_INT,
			   .min = 1,
			   .max = INDICATORS_PAGE_SIZE_MAX},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_cifra_args, HTTP_MAX_ARGS);

/* The base a request asks for (http_reports_indicadores_args' "base"; radicacion when absent). */
static enum indicators_base http_reports_base(const struct http_request *req)
{
	return req->arg[HTTP_I_BASE] != NULL && req->arg_num[HTTP_I_BASE] == 1
		   ? INDICATORS_BASE_ACTIVIDAD
		   : INDICATORS_BASE_RADICACION;
}

/* Whether the answer of this request was served from the cache, under key (made here:
 * prefix, the canonical query and today, since the clocks count business days). */
static int http_reports_cached(struct http_request *req, struct store *s, const char *prefix,
			       struct buf *key)
{
	char today[CALENDAR_DATE_LEN];

	util_today(today);
	buf_printf(key, "%s?%s#%s", prefix, req->canon.data != NULL ? req->canon.data : "", today);
	return http_cache_answer_get(req, s, key->data);
}

/* Cached per day (the clocks count business days). */
void http_reports_indicadores(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char err[INDICATORS_ERR_LEN];
	struct buf key;
	json_t *j = NULL;
	enum indicators_detail detail;
	enum indicators_rc rc;

	buf_init(&key);
	if (http_reports_cached(req, s, "I", &key) || http_api_defer(req))
		goto done;
	detail = req->arg[HTTP_I_DETALLE] != NULL && req->arg_num[HTTP_I_DETALLE] == 1
		     ? INDICATORS_DETAIL_FULL
		     : INDICATORS_DETAIL_COUNTS;
	rc = indicators_build_detail(s, req->api->cfg, req->api->calendar, req->arg[HTTP_I_DESDE],
				     req->arg[HTTP_I_HASTA], http_reports_base(req), detail, NULL,
				     &j, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		http_req_indicators_error(req, s, rc, err);
		goto done;
	}
	http_req_json(req, 200, j);
done:
	buf_free(&key);
}

/* Cached per day as the indicators are. */
void http_reports_cifra(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char err[INDICATORS_ERR_LEN];
	struct buf key;
	json_t *j = NULL;
	enum indicators_rc rc;

	buf_init(&key);
	if (http_reports_cached(req, s, "IR", &key) || http_api_defer(req))
		goto done;
	rc = indicators_figure_page(
	    s, req->api->cfg, req->api->calendar, req->arg[HTTP_I_DESDE], req->arg[HTTP_I_HASTA],
	    http_reports_base(req), req->arg[HTTP_F_CIFRA],
	    req->arg[HTTP_F_PAGINA] != NULL ? (long)req->arg_num[HTTP_F_PAGINA] : 1,
	    req->arg[HTTP_F_POR_PAGINA] != NULL ? (long)req->arg_num[HTTP_F_POR_PAGINA]
						: INDICATORS_PAGE_SIZE,
	    NULL, &j, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		http_req_indicators_error(req, s, rc, err);
		goto done;
	}
	http_req_json(req, 200, j);
done:
	buf_free(&key);
}

/* A download, never cached. */
static void http_reports_export(struct http_request *req, enum export_format fmt)
{
	enum export_paper paper = EXPORT_PAPER_DEFAULT;
	struct store *s = http_api_store(req);
	char err[INDICATORS_ERR_LEN];
	char name[EXPORT_FILENAME_LEN];
	size_t nrows = 0;
	enum indicators_rc rc;

	if (http_api_defer(req))
		return;
	buf_reset(&req->out);
	if (fmt == EXPORT_XLSX && req->arg[HTTP_I_PAPEL] != NULL)
		export_paper_parse(http_reports_papeles[req->arg_num[HTTP_I_PAPEL]], &paper);
	rc = export_write_on(s, req->api->cfg, req->api->calendar, fmt, req->arg[HTTP_I_DESDE],
			     req->arg[HTTP_I_HASTA], http_reports_base(req), paper, NULL, &req->out,
			     &nrows, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		http_req_indicators_error(req, s, rc, err);
		return;
	}
	export_filename(fmt, req->arg[0], req->arg[1], name);
	req->status = 200;
	req->content_type = fmt == EXPORT_XLSX ? EXPORT_XLSX_CONTENT_TYPE : EXPORT_CSV_CONTENT_TYPE;
	req->extra_header = MHD_HTTP_HEADER_CONTENT_DISPOSITION;
	snprintf(req->extra_value, sizeof(req->extra_value), "attachment; filename=\"%s\"", name);
	log_info(HTTP_MODULE, "exportación %s de %zu radicados para el usuario %lld",
		 fmt == EXPORT_XLSX ? "xlsx" : "csv", nrows, req->user.id);
}

void http_reports_export_xlsx(struct http_request *req)
{
	http_reports_export(req, EXPORT_XLSX);
}

void http_reports_export_csv(struct http_request *req)
{
	http_reports_export(req, EXPORT_CSV);
}

/* ---- GET /api/calendario/festivos?anio=YYYY, /api/calendario/sumar?desde=&dias=N (a date
 * or an instant: indicators.c reads it) */

const struct http_arg http_reports_festivos_args[] = {
    {.name = "anio",
     .type = HTTP_ARG_INT,
     .min = CALENDAR_MIN_YEAR,
     .max = CALENDAR_MAX_YEAR,
     .required = 1,
     .status = 400,
     .msg = "anio debe ser un año entre " HTTP_REPORTS_YEARS},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_festivos_args, HTTP_MAX_ARGS);

const struct http_arg http_reports_sumar_args[] = {
    {.name = "desde",
     .type = HTTP_ARG_TEXT,
     .max = INDICATORS_ISO_LEN - 1,
     .required = 1,
     .missing = "falta desde: una fecha AAAA-MM-DD",
     .status = 422,
     .codigo = "fecha_invalida",
     .msg = "desde debe ser una fecha AAAA-MM-DD entre " HTTP_REPORTS_YEARS},
    {.name = "dias",
     .type = HTTP_ARG_INT,
     .min = 0,
     .max = INDICATORS_MAX_ADD_DAYS,
     .required = 1,
     .status = 400,
     .msg = "dias debe ser un entero entre 0 y " HTTP_REPORTS_XSTR(INDICATORS_MAX_ADD_DAYS)},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_sumar_args, HTTP_MAX_ARGS);

void http_reports_festivos(struct http_request *req)
{
	char err[INDICATORS_ERR_LEN];
	json_t *j = NULL;
	enum indicators_rc rc =
	    indicators_holidays_json(req->api->calendar, req->arg[0], &j, err, sizeof(err));

	if (rc != INDICATORS_OK) {
		http_req_indicators_error(req, NULL, rc, err);
		return;
	}
	http_req_json(req, 200, j);
}

void http_reports_sumar(struct http_request *req)
{
	char err[INDICATORS_ERR_LEN];
	json_t *j = NULL;
	enum indicators_rc rc = indicators_add_days_json(req->api->calendar, req->arg[0],
							 req->arg[1], &j, err, sizeof(err));

	if (rc != INDICATORS_OK) {
		http_req_indicators_error(req, NULL, rc, err);
		return;
	}
	http_req_json(req, 200, j);
}

/* ---- Reconciliation (reconcile.c): GET /api/discrepancias, POST .../{id}/resolver */

static const char *const http_reports_disc_estados[] = {"abierta", "resuelta", "cerrada", "todas",
							NULL};

static const char *http_reports_kind_at(size_t i)
{
	return i < RECONCILE_KIND_COUNT ? reconcile_kind_name((enum reconcile_kind)i) : NULL;
}

enum { HTTP_D_ESTADO, HTTP_D_TIPO, HTTP_D_PAGINA, HTTP_D_POR_PAGINA };
const struct http_arg http_reports_discrepancias_args[] = {
    [HTTP_D_ESTADO] = {.name = "estado",
		       .type = HTTP_ARG_ENUM,
		       .values = http_reports_disc_estados},
    [HTTP_D_TIPO] = {.name = "tipo", .type = HTTP_ARG_ENUM, .value_at = http_reports_kind_at},
    [HTTP_D_PAGINA] = {.name = "pagina", .type = HTTP_ARG_INT, .min = 1, .max = RECONCILE_PAGE_MAX},
    [HTTP_D_POR_PAGINA] = {.name = "por_pagina",
			   .type = HTTP_ARG_INT,
			   .min = 1,
			   .max = RECONCILE_PAGE_SIZE_MAX},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_discrepancias_args, HTTP_MAX_ARGS);

void http_reports_discrepancias(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char err[RECONCILE_ERR_LEN];
	struct buf key;
	json_t *j = NULL;
	enum reconcile_status st;

	buf_init(&key);
	buf_printf(&key, "R?%s", req->canon.data != NULL ? req->canon.data : "");
	if (http_cache_answer_get(req, s, key.data))
		goto done;
	st = reconcile_list_json(
	    s, req->arg[HTTP_D_ESTADO], req->arg[HTTP_D_TIPO],
	    req->arg[HTTP_D_PAGINA] != NULL ? (long)req->arg_num[HTTP_D_PAGINA] : 0,
	    req->arg[HTTP_D_POR_PAGINA] != NULL ? (long)req->arg_num[HTTP_D_POR_PAGINA] : 0, &j,
	    err, sizeof(err));
	if (st != RECONCILE_OK) {
		http_req_reconcile_error(req, s, st, err);
		goto done;
	}
	http_req_json(req, 200, j);
done:
	buf_free(&key);
}

static const struct http_field http_reports_resolver_fields[] = {
    {.name = "nota",
     .type = HTTP_T_STRING,
     .required = 1,
     .hint = "diga cómo se resolvió la discrepancia"},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_resolver_fields, HTTP_MAX_FIELDS);
const struct http_body http_reports_resolver_body = {.fields = http_reports_resolver_fields};

void http_reports_resolver(struct http_request *req)
{
	struct store *s = http_api_store(req);
	char err[RECONCILE_ERR_LEN];
	json_t *row = NULL;
	enum reconcile_status st =
	    reconcile_resolve(s, req->param_id, req->user.id, json_string_value(req->field[0]),
			      &row, err, sizeof(err));

	if (st != RECONCILE_OK) {
		http_req_reconcile_error(req, s, st, err);
		return;
	}
	http_req_json(req, 200, row);
}

/* ---- POST /api/discrepancias/resolver (many, one note) and .../{id}/aplicar: both by
 * reconcile_resolve_many, the code path of the single resolve */

/* Answers a resolution of ids (n of them): 200 {"resueltas", "discrepancias": [row...]},
 * or the error; in a list (bulk) a failing item is a 422 that names it. */
static void http_reports_resolve_ids(struct http_request *req, const long long *ids, size_t n,
				     const char *nota, int apply, int bulk)
{
	struct store *s = http_api_store(req);
	char err[RECONCILE_ERR_LEN];
	size_t bad = 0;
	json_t *rows;
	enum reconcile_status st;

	if (s == NULL) {
		http_req_store_error(req, s);
		return;
	}
	st = reconcile_resolve_many(s, ids, n, req->user.id, nota, apply, &bad, err, sizeof(err));
	if (st != RECONCILE_OK && st != RECONCILE_ERROR && bulk && st != RECONCILE_BAD_NOTE) {
		http_req_errorf(req, 422, reconcile_status_code(st), "elemento %zu de «ids»: %s",
				bad + 1, err);
		return;
	}
	if (st != RECONCILE_OK) {
		http_req_reconcile_error(req, s, st, err);
		return;
	}
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *row = NULL;

		if (reconcile_get_json(s, ids[i], &row, err, sizeof(err)) != RECONCILE_OK) {
			json_decref(rows);
			http_req_internal_error(req, s, err);
			return;
		}
		json_array_append_new(rows, row);
	}
	log_info(HTTP_MODULE, "%zu discrepancias resueltas%s por el usuario %lld", n,
		 apply ? " aplicando el dato del sistema documental" : "", req->user.id);
	http_req_json(req, 200,
		      json_pack("{s:I, s:o}", "resueltas", (json_int_t)n, "discrepancias", rows));
}

enum { HTTP_RM_IDS, HTTP_RM_NOTA, HTTP_RM_APLICAR };
static const struct http_field http_reports_resolver_many_fields[] = {
    [HTTP_RM_IDS] = {.name = "ids",
		     .type = HTTP_T_ARRAY,
		     .required = 1,
		     .hint = "la lista de identificadores de las discrepancias que se resuelven",
		     .min = 1,
		     .max_items = RECONCILE_BULK_MAX},
    [HTTP_RM_NOTA] = {.name = "nota",
		      .type = HTTP_T_STRING,
		      .required = 1,
		      .hint = "diga cómo se resolvieron las discrepancias"},
    [HTTP_RM_APLICAR] = {.name = "aplicar_dato", .type = HTTP_T_BOOL},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_resolver_many_fields, HTTP_MAX_FIELDS);
const struct http_body http_reports_resolver_many_body = {.fields =
							      http_reports_resolver_many_fields};

void http_reports_resolver_many(struct http_request *req)
{
	json_t *list = req->field[HTTP_RM_IDS];
	size_t n = json_array_size(list);
	long long *ids = xcalloc(n, sizeof(*ids));

	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(list, i);

		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			http_req_errorf(req, 422, "valor_invalido",
					"elemento %zu de «ids»: debe ser un identificador de "
					"discrepancia (un entero positivo)",
					i + 1);
			free(ids);
			return;
		}
		ids[i] = (long long)json_integer_value(v);
	}
	http_reports_resolve_ids(req, ids, n, json_string_value(req->field[HTTP_RM_NOTA]),
				 json_is_true(req->field[HTTP_RM_APLICAR]), 1);
	free(ids);
}

static const struct http_field http_reports_aplicar_fields[] = {
    {.name = "nota", .type = HTTP_T_STRING, .hint = "una nota opcional sobre el dato aplicado"},
    {.name = NULL},
};
HTTP_SPEC_FITS(http_reports_aplicar_fields, HTTP_MAX_FIELDS);
const struct http_body http_reports_aplicar_body = {.fields = http_reports_aplicar_fields,
						    .optional = 1};

void http_reports_aplicar(struct http_request *req)
{
	long long id = req->param_id;

	http_reports_resolve_ids(req, &id, 1, json_string_value(req->field[0]), 1, 0);
}

/* ---- POST /api/sync, GET /api/usuarios/yo */

static const struct http_field http_reports_no_fields[] = {{.name = NULL}};
const struct http_body http_reports_sync_body = {
    .fields = http_reports_no_fields,
    .optional = 1,
    .unknown_msg = "esta operación no recibe campos: envíe {} o nada",
};

void http_reports_sync(struct http_request *req)
{
	if (req->api->poller == NULL) {
		http_req_error(req, 503, "sync_no_disponible",
			       "la sincronización no está en marcha en este proceso");
		return;
	}
	sync_poller_trigger(req->api->poller);
	log_info(HTTP_MODULE, "pasada de sincronización solicitada por el usuario %lld",
		 req->user.id);
	http_req_json(req, 202,
		      json_pack("{s:s, s:s}", "estado", "solicitada", "mensaje",
				"la pasada empieza en cuanto termine la que esté en curso; vea "
				"/healthz"));
}

void http_reports_yo(struct http_request *req)
{
	http_req_json(req, 200,
		      json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)req->user.id, "nombre",
				req->user.nombre, "rol", req->user.rol, "activo",
				req->user.activo));
}
