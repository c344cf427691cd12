/* indicators.h -- filings loaded with their business-day SLA clocks (indicators_sla.h), the
 * office's indicators (indicators_summary.h), one filing's clock and the overdue ids for the
 * API, the reparto suggestion, and the calendar's routes. */
#ifndef SEGCONT_INDICATORS_H
#define SEGCONT_INDICATORS_H

#include <jansson.h>
#include <stddef.h>

#include "calendar.h"
#include "config.h"
#include "indicators_sla.h"
#include "store.h"

/*
 * How times are counted (README "Cómo se cuentan los tiempos" says the same for staff).
 *
 * The clock of each filing is indicators_sla.h's (its conventions are written there).
 *
 * Period (desde / hasta, both optional, inclusive, YYYY-MM-DD), on one of two bases:
 *   - radicacion (the API's default): the requests RECEIVED in the period, by the day of
 *     fecha_radicacion as stored (Bogotá time). Volumes, times and compliance count only
 *     those filings, whatever the date their gestiones were made;
 *   - actividad: what HAPPENED in the period, whatever the filing date. A filing counts when
 *     it was received in the period or has a gestion (or fecha_reparto / fecha_conclusion)
 *     on a day of it. recibidos: received in the period; repartidos: first reparto (the
 *     clock's start) in the period; reasignaciones, devoluciones and every other gestion
 *     kind: the gestiones of that kind made in the period (n counts gestiones, radicados
 *     the filings); concluidos: filings whose latest conclusion in the period stopped the
 *     clock on a day of it, dias_habiles the days used up to that conclusion; dentro_meta:
 *     those conclusions within target, plus the open filings already vencido whose
 *     fecha_limite fell in the period.
 * tiempo_hasta_reparto: business days from arrival (fecha_radicacion) to the first reparto,
 * calendar_business_days_between as the clock counts, of the filings received in the
 * period and already assigned (radicacion) or assigned in the period (actividad).
 * The current snapshot -- open load per lawyer, sin_repartir, en_curso, the overdue and
 * due-soon lists -- counts every open filing, whatever its filing date.
 *
 * Statistics: medians and 90th percentiles interpolate linearly between ranks, as Excel's
 * MEDIANA and PERCENTIL.INC do; "% within target" is the share of concluded filings with
 * used <= meta among the filings whose outcome is already known: the concluded ones plus
 * the open ones already vencido.
 */

#define INDICATORS_ERR_LEN 256	       /* enough for every message below */
#define INDICATORS_URGENT_FACTOR 2     /* reparto suggestion: weight of a running urgent filing */
#define INDICATORS_MAX_ADD_DAYS 100000 /* /api/calendario/sumar's bound on dias */

/* Results of the functions below that read input from outside. Each has an error code and
 * an HTTP status for the API's error body (indicators_error_code, indicators_http_status). */
enum indicators_rc {
	INDICATORS_OK = 0,
	INDICATORS_BAD_INPUT, /* 400 "parametro_invalido": the message says which and why */
	INDICATORS_BAD_DATE,  /* 422 "fecha_invalida": a date or period that is not one */
	INDICATORS_NOT_FOUND, /* 404 "no_encontrado" */
	INDICATORS_INTERNAL   /* 500 "error_interno" (503 when store_last_busy says so) */
};

/* Which filings a period selects (the conventions above). */
enum indicators_base { INDICATORS_BASE_RADICACION = 0, INDICATORS_BASE_ACTIVIDAD };

/* The JSON name of a base ("radicacion", "actividad"). Borrowed. */
const char *indicators_base_name(enum indicators_base base);

/* Spanish error code and HTTP status of rc. Never fail; borrowed constants. */
const char *indicators_error_code(enum indicators_rc rc);
int indicators_http_status(enum indicators_rc rc);

/* How much of the filings behind each figure an indicators answer carries. */
enum indicators_detail {
	INDICATORS_DETAIL_FULL = 0, /* every count {"n", "radicados": [numeros]}, every time figure
				     * with its "mediciones", vencidos / por_vencer as arrays of
				     * every item: detalle=1 and the export */
	INDICATORS_DETAIL_COUNTS,   /* the default answer: every count {"n"}, every time figure
				     * {"n", "mediana", "p90"}, vencidos / por_vencer as
				     * {"n", "primeros": [the INDICATORS_FIRST most urgent items]} */
	INDICATORS_DETAIL_REFS	    /* internal (the drill-down): every figure {"n", "lista": K},
				     * K indexing struct indicators_refs */
};

#define INDICATORS_FIRST 10	       /* items of "primeros" in the counts-only answer */
#define INDICATORS_PAGE_SIZE 50	       /* GET /api/indicadores/radicados's default por_pagina */
#define INDICATORS_PAGE_SIZE_MAX 200   /* ... and its bound */
#define INDICATORS_FIGURE_PATH_MAX 512 /* bytes of a cifra path */

/* One filing as the indicators and the export read it: copies of the store row's texts, owned
 * by the set (struct indicators_set.texts; the indicators' own load copies only the texts the
 * figures read, the others stay NULL). */
struct indicators_filing {
	long long radicado_id;
	char *numero;
	char *fecha_radicacion;
	char *asunto;
	char *dependencia_origen;
	char *dependencia_origen_nombre;
	char *estado_ds;
	char *tipo_tramite;
	char *modalidad;
	char *novedad;
	char *tipo_gestion;
	long long abogado_id;
	char *abogado;
	char *fecha_reparto; /* NULL */
	char *estado;
	int concluido_satisfactorio; /* 1, 0, -1 */
	char *fecha_conclusion;	     /* NULL */
	char *numero_contrato;
	char *contratista;
	long long valor;
	int valor_presente;
	char *fecha_rp;			  /* NULL */
	char *fecha_aprobacion_garantias; /* NULL */
	char *fecha_arl;		  /* NULL */
	char *fecha_acta_inicio;	  /* NULL */
	int publicado_secop;
	char *observaciones;
	char *notas; /* JSON array of [fecha, texto] */
	char *gestiones;	 /* store_sla_row.gestiones */
	long dias_hasta_reparto; /* arrival to the first reparto in business days; -1: none */
	char *objeto;
	char *fecha_suscripcion; /* NULL */
	char *linea_paa;
	char *hitos; /* JSON array of [tipo, fecha, texto]: devolucion, reingreso, conclusion */
	/* Returns shown in the export and counted per area: the devolucion gestiones, or the
	 * seguimiento column when there are none (records kept before segcont). */
	long devoluciones;
	int en_periodo; /* received within the requested period */
	struct indicators_sla sla;
};

/* A loaded set: every filing (or, for the export, those of the period), the users, the
 * period and the instant of the cut. */
struct indicators_set {
	struct indicators_filing *v;
	size_t n;
	size_t cap;
	struct store_user *usuarios;
	size_t n_usuarios;
	char desde[CALENDAR_DATE_LEN]; /* "" when open */
	char hasta[CALENDAR_DATE_LEN]; /* "" when open */
	char corte[INDICATORS_ISO_LEN];
	enum indicators_base base;
	enum indicators_detail detalle; /* of indicators_summary_json; FULL unless set */
	struct indicators_refs *refs;	/* INDICATORS_DETAIL_REFS: where the lists go */
	struct indicators_texts *texts; /* owns every text of v (indicators.c) */
	/* With INDICATORS_DETAIL_FULL: numeros[i] is v[i]'s numero as one JSON string that every
	 * list naming the filing shares (a reference each, not a copy); NULL until made. */
	json_t **numeros;
	/* A counts read (store_sla_query.conteos) leaves asunto NULL: the few items that show
	 * it (the first vencidos and por_vencer) read it from here. */
	struct store *subjects;
};

/* The filings behind each figure of an INDICATORS_DETAIL_REFS answer (borrowed from the
 * set; lists[K] is the figure {"n", "lista": K}). */
struct indicators_refs {
	struct indicators_ref_list {
		const struct indicators_filing **v;
		size_t n;
	} * lists;
	size_t n, cap;
};

/* Checks a period: desde and hasta NULL or "" (open) or YYYY-MM-DD, desde <= hasta.
 * Returns INDICATORS_OK or INDICATORS_BAD_INPUT with a Spanish message in err. */
enum indicators_rc indicators_check_period(const char *desde, const char *hasta, char *err,
					   size_t errlen);

/* Loads filings with their clocks at now (NULL: the current time): those received in
 * [desde, hasta] (en_periodo = 1) and, unless only_period, every open filing of any date too
 * (the snapshot figures need them; en_periodo = 0 when outside). Returns INDICATORS_OK,
 * INDICATORS_BAD_INPUT (bad period or now) or INDICATORS_INTERNAL, with err filled; set is
 * initialised here and must be freed with indicators_set_free in every case. */
enum indicators_rc indicators_load(struct store *s, const struct config *cfg,
				   const struct calendar *cal, const char *desde, const char *hasta,
				   const char *now, int only_period, struct indicators_set *set,
				   char *err, size_t errlen);
void indicators_set_free(struct indicators_set *set);

/* indicators_load on a base (the set's base; every filing's gestiones read too). Same
 * returns. */
enum indicators_rc indicators_load_base(struct store *s, const struct config *cfg,
					const struct calendar *cal, const char *desde,
					const char *hasta, const char *now, int only_period,
					enum indicators_base base, struct indicators_set *set,
					char *err, size_t errlen);

/* The indicators with every list (INDICATORS_DETAIL_FULL, GET /api/indicadores?detalle=1):
 * *out receives a new object {periodo, corte, metas, oficina, por_abogado, por_tipo_tramite,
 * por_modalidad, por_area, vencidos, por_vencer}; every count is {"n", "radicados":
 * [numeros]} and every time figure lists its measurements, so each figure can be traced to
 * its filings (indicators_summary_json of the loaded set). The default answer of the route
 * is indicators_build_detail's INDICATORS_DETAIL_COUNTS. now NULL: the current time.
 * Returns INDICATORS_OK, INDICATORS_BAD_INPUT or INDICATORS_INTERNAL with err filled. */
enum indicators_rc indicators_build(struct store *s, const struct config *cfg,
				    const struct calendar *cal, const char *desde,
				    const char *hasta, const char *now, json_t **out, char *err,
				    size_t errlen);

/* indicators_build on a chosen base, with every list (INDICATORS_DETAIL_FULL): the object
 * gains periodo.base; same returns as indicators_build. */
enum indicators_rc indicators_build_on(struct store *s, const struct config *cfg,
				       const struct calendar *cal, const char *desde,
				       const char *hasta, enum indicators_base base,
				       const char *now, json_t **out, char *err, size_t errlen);

/* GET /api/indicadores?desde=&hasta=&base=&detalle=: indicators_build_on with the lists
 * detail asks for (FULL: detalle=1; COUNTS: the default answer, no list of every filing:
 * its size does not grow with the filings). Same returns. */
enum indicators_rc indicators_build_detail(struct store *s, const struct config *cfg,
					   const struct calendar *cal, const char *desde,
					   const char *hasta, enum indicators_base base,
					   enum indicators_detail detail, const char *now,
					   json_t **out, char *err, size_t errlen);

/* GET /api/indicadores/radicados?cifra=&desde=&hasta=&base=&pagina=&por_pagina=: the filings
 * behind one figure of the answer of the same period and base. cifra names the figure by the
 * members that lead to it in that answer, joined by dots; an element of the arrays
 * por_abogado, por_tipo_tramite, por_modalidad and por_area is named by its abogado_id,
 * tipo_tramite, modalidad or dependencia_origen ("oficina.concluidos",
 * "por_abogado.7.asignados", "por_tipo_tramite.otro.dentro_meta.fuera", "vencidos",
 * "por_area.110.devoluciones"). Every count and time figure of the answer has one (the set
 * of valid paths is the answer itself). *out receives {cifra, n (the figure's n), total (the
 * filings listed: n but for gestion counts, where n counts gestiones, and for times, one row
 * per measurement), pagina, por_pagina, radicados: [{numero, fecha_radicacion, asunto,
 * estado, abogado, tipo_tramite, sla}]}, newest filing first (vencidos and por_vencer: fewest
 * days left first, as their lists). pagina >= 1, 1 <= por_pagina <= INDICATORS_PAGE_SIZE_MAX.
 * INDICATORS_BAD_INPUT for an unknown cifra, INDICATORS_BAD_DATE for a bad period. */
enum indicators_rc indicators_figure_page(struct store *s, const struct config *cfg,
					  const struct calendar *cal, const char *desde,
					  const char *hasta, enum indicators_base base,
					  const char *cifra, long pagina, long por_pagina,
					  const char *now, json_t **out, char *err, size_t errlen);

/* The "sla" block of GET /api/radicados/{numero}: *out receives indicators_sla_json of
 * that filing at now (NULL: current time). INDICATORS_NOT_FOUND for an unknown numero. */
enum indicators_rc indicators_sla_for(struct store *s, const struct config *cfg,
				      const struct calendar *cal, const char *numero,
				      const char *now, json_t **out, char *err, size_t errlen);

/* The list route's vencidos=1: appends to out the JSON array of the radicado ids of open
 * filings whose state is vencido at now (NULL: current time), for
 * store_list_query.ids_json. Returns INDICATORS_OK or INDICATORS_INTERNAL. */
enum indicators_rc indicators_overdue_ids(struct store *s, const struct config *cfg,
					  const struct calendar *cal, const char *now,
					  struct buf *out, char *err, size_t errlen);

/* The reparto suggestion of GET /api/abogados/carga?tipo_tramite=: ranks the active
 * lawyers (rol abogado, activo) by a score: each open filing weighs its own meta in
 * business days, doubled (INDICATORS_URGENT_FACTOR) while its clock runs and it is
 * vencido or por_vencer; lowest score first, ties by fewer urgent filings, then by more
 * business days left on the most pressing running filing, then by id. *out receives
 * {tipo_tramite, meta, corte, fecha_limite_si_se_asigna, criterio, abogados: [...]}; with
 * detalle, each lawyer also lists its open filings (radicados). Reads the open filings
 * only, by their stored SLA blocks where fresh. INDICATORS_BAD_INPUT for an unknown
 * tipo_tramite. */
enum indicators_rc indicators_suggest_reparto(struct store *s, const struct config *cfg,
					      const struct calendar *cal, const char *tipo_tramite,
					      int detalle, const char *now, json_t **out, char *err,
					      size_t errlen);

/* GET /api/calendario/festivos?anio=YYYY: *out receives {anio, dias_habiles, festivos:
 * [{fecha, nombre}]} (the public holidays and the calendar's extra days off). */
enum indicators_rc indicators_holidays_json(const struct calendar *cal, const char *anio,
					    json_t **out, char *err, size_t errlen);

/* GET /api/calendario/sumar?desde=YYYY-MM-DD&dias=N: *out receives {desde, dias, inicio,
 * resultado}: inicio is the effective start (day 0), resultado the N-th business day
 * after it. desde may also be an ISO 8601 instant. */
enum indicators_rc indicators_add_days_json(const struct calendar *cal, const char *desde,
					    const char *dias, json_t **out, char *err,
					    size_t errlen);

/* The calendar of a configuration: its closing time and non-working days. Returns a new
 * calendar (calendar_free) or NULL with err filled. */
struct calendar *indicators_calendar_new(const struct config *cfg, char *err, size_t errlen);
/* What every SLA block depends on besides the filing (the targets, the calendar's closing
 * time and extra non-working days, the version of the clock's rules) as a new text: the
 * fingerprint store_sla_fingerprint compares with the one the stored blocks were worked out
 * with. */
char *indicators_sla_print(const struct config *cfg);
/* What indicators_sla_text works the clock out with. */
struct indicators_sla_ctx {
	const struct config *cfg;
	const struct calendar *cal;
};
/* A store_sla_fn (arg: struct indicators_sla_ctx): the "sla" block of filing numero at now
 * (NULL: the current time) as a new JSON text, "null" for an unknown filing, or NULL with
 * err filled. */
char *indicators_sla_text(void *arg, struct store *s, const char *numero, const char *now,
			  char *err, size_t errlen);

#endif
