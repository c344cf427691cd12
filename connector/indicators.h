/* indicators.h -- the business-day SLA clock of each filing (reparto to conclusion, paused
 * while the requesting area holds a returned request), the office's indicators, the reparto
 * suggestion, and the calendar's routes. */
#ifndef SEGCONT_INDICATORS_H
#define SEGCONT_INDICATORS_H

#include <jansson.h>
#include <stddef.h>

#include "calendar.h"
#include "config.h"
#include "store.h"

/*
 * How times are counted (README "Cómo se cuentan los tiempos" says the same for staff).
 *
 * The clock of a filing runs in business days (calendar.h's conventions, with the
 * [calendar] closing time and extra non-working days) and is driven by its gestiones in
 * (fecha, id) order:
 *   - it starts at the first reparto (or reasignacion) gestion; with none, at
 *     seguimiento.fecha_reparto; with neither it has not started (sin_iniciar);
 *   - a devolucion closes the current review round and pauses the clock: the requesting
 *     area holds the request; the next reingreso opens a new round;
 *   - a conclusion closes the round and stops the clock; a reapertura opens a new round;
 *   - a filing whose seguimiento.estado is concluido but has no conclusion gestion stops
 *     at fecha_conclusion (else at its last gestion); estado anulado, or estado_ds anulado
 *     in the document system, means no clock at all (no_aplica).
 * Each round counts calendar_business_days_between(round start, round end): the business
 * days after the start's effective day (a start after closing time counts from the next
 * business day) up to and including the end's day; an open round ends "now". Days used is
 * the sum of the rounds. The area's correction time of a return is
 * calendar_business_days_between(devolucion, reingreso) by the same rule.
 *
 * Target (meta): config_sla_days(tipo_tramite). Days left = meta - used. State: vencido
 * when used > meta; otherwise por_vencer when the clock is not stopped and days left <= 1
 * (due today or tomorrow); otherwise a_tiempo (a concluded filing is a_tiempo or vencido).
 * Due date (fecha_limite): the day the meta-th business day of work falls on, counting the
 * rounds in order; for a running clock that is calendar_add_business_days(start of the
 * current round, meta - days used before it); while paused it is unknown (null).
 *
 * Period (desde / hasta, both optional, inclusive, YYYY-MM-DD): the requests RECEIVED in
 * the period, by the day of fecha_radicacion as stored (Bogotá time). Volumes, times and
 * compliance count only those filings. The current snapshot -- open load per lawyer, the
 * overdue and due-soon lists -- counts every open filing, whatever its filing date.
 *
 * Statistics: medians and 90th percentiles interpolate linearly between ranks, as Excel's
 * MEDIANA and PERCENTIL.INC do; "% within target" is the share of concluded filings with
 * used <= meta among the filings whose outcome is already known: the concluded ones plus
 * the open ones already vencido.
 */

#define INDICATORS_ISO_LEN 40	       /* a stored ISO 8601 instant and its NUL */
#define INDICATORS_ERR_LEN 256	       /* enough for every message below */
#define INDICATORS_POR_VENCER_DAYS 1   /* days left at or under which an open filing is due soon */
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

/* Spanish error code and HTTP status of rc. Never fail; borrowed constants. */
const char *indicators_error_code(enum indicators_rc rc);
int indicators_http_status(enum indicators_rc rc);

enum indicators_clock {
	INDICATORS_CLOCK_NO_APLICA,   /* annulled: no clock */
	INDICATORS_CLOCK_SIN_INICIAR, /* no reparto yet */
	INDICATORS_CLOCK_CORRIENDO,   /* running: the office holds it */
	INDICATORS_CLOCK_PAUSADO,     /* returned: the area holds it */
	INDICATORS_CLOCK_DETENIDO     /* concluded */
};

enum indicators_state {
	INDICATORS_SLA_NO_APLICA,
	INDICATORS_SLA_SIN_INICIAR,
	INDICATORS_SLA_A_TIEMPO,
	INDICATORS_SLA_POR_VENCER,
	INDICATORS_SLA_VENCIDO
};

/* JSON names ("corriendo", "por_vencer"...) and Spanish labels ("Por vencer"). Borrowed. */
const char *indicators_clock_name(enum indicators_clock c);
const char *indicators_state_name(enum indicators_state s);
const char *indicators_state_label(enum indicators_state s);

/* One review round: from the reparto or a reingreso to a devolucion or the conclusion. */
struct indicators_round {
	char inicio[INDICATORS_ISO_LEN];
	char fin[INDICATORS_ISO_LEN]; /* "" while the round is open */
	const char *termina;	      /* "devolucion", "conclusion" or NULL while open */
	long dias;
};

/* One return: from the devolucion to the reingreso, the area's correction time. */
struct indicators_correction {
	char devolucion[INDICATORS_ISO_LEN];
	char reingreso[INDICATORS_ISO_LEN]; /* "" while pending or when concluded without it */
	long dias;			    /* so far, when pending */
	int cerrada;			    /* 1 once the reingreso came */
};

/* The clock of one filing (see the conventions above). Owns its arrays. */
struct indicators_sla {
	long meta;
	enum indicators_clock reloj;
	enum indicators_state estado;
	char inicio[INDICATORS_ISO_LEN]; /* first round's start, "" when not started */
	char fin[INDICATORS_ISO_LEN];	 /* the stop, "" unless concluded */
	long usados;
	long restantes;
	char fecha_limite[CALENDAR_DATE_LEN]; /* "" when unknown */
	long devoluciones;		      /* devolucion gestiones */
	struct indicators_round *rondas;
	size_t n_rondas;
	struct indicators_correction *correcciones;
	size_t n_correcciones;
};

/* Computes the clock of r at the instant now (ISO 8601) against target meta (business
 * days). Reads r->estado, r->estado_ds, r->fecha_reparto, r->fecha_conclusion and
 * r->eventos only; gestiones with a malformed date are skipped. Allocates the arrays of
 * out (free with indicators_sla_free). Returns 0, or -1 when now is malformed (out is then
 * empty but still safe to free). */
int indicators_sla_compute(const struct calendar *cal, long meta, const struct store_sla_row *r,
			   const char *now, struct indicators_sla *out);
void indicators_sla_free(struct indicators_sla *sla);
/* Returns a new JSON object: meta, reloj, estado, inicio, fin, dias_usados, dias_restantes,
 * fecha_limite, devoluciones, rondas, correcciones (nulls where unknown). */
json_t *indicators_sla_json(const struct indicators_sla *sla);

/* One filing as the indicators and the export read it: owned copies of the store row. */
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

/* Returns a new JSON object with the indicators of a loaded set (see indicators_build).
 * Cannot fail. */
json_t *indicators_summarize(const struct indicators_set *set, const struct config *cfg);

/* GET /api/indicadores?desde=&hasta=: *out receives a new object {periodo, corte, metas,
 * oficina, por_abogado, por_tipo_tramite, por_modalidad, por_area, vencidos, por_vencer};
 * every count is {"n", "radicados": [numeros]} and every time figure lists its
 * measurements, so each figure can be traced to its filings. now NULL: the current time.
 * Returns INDICATORS_OK, INDICATORS_BAD_INPUT or INDICATORS_INTERNAL with err filled. */
enum indicators_rc indicators_build(struct store *s, const struct config *cfg,
				    const struct calendar *cal, const char *desde,
				    const char *hasta, const char *now, json_t **out, char *err,
				    size_t errlen);

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
 * {tipo_tramite, meta, corte, fecha_limite_si_se_asigna, criterio, abogados: [...]}.
 * INDICATORS_BAD_INPUT for an unknown tipo_tramite. */
enum indicators_rc indicators_suggest_reparto(struct store *s, const struct config *cfg,
					      const struct calendar *cal, const char *tipo_tramite,
					      const char *now, json_t **out, char *err,
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

#endif
