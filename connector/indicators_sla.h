/* indicators_sla.h -- the business-day SLA clock of one filing: from the reparto to the
 * conclusion, paused while the requesting area holds a returned request. */
#ifndef SEGCONT_INDICATORS_SLA_H
#define SEGCONT_INDICATORS_SLA_H

#include <jansson.h>
#include <stddef.h>

#include "calendar.h"
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
 *   - an outcome (archivo, traslado, anulacion) closes the round (and a pause) and stops
 *     the clock; its reapertura opens a new round, or a new pause when the filing was
 *     returned (devuelto) when it left the queue: the time out of the queue counts for no one;
 *   - a filing whose seguimiento.estado is concluido but has no conclusion gestion stops
 *     at fecha_conclusion (else at its last gestion); an outcome estado (anulado, archivado,
 *     trasladado), or estado_ds anulado in the document system, means no clock at all
 *     (no_aplica): no fecha límite, never overdue.
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
 */

#define INDICATORS_ISO_LEN 40	     /* a stored ISO 8601 instant and its NUL */
#define INDICATORS_POR_VENCER_DAYS 1 /* days left at or under which an open filing is due soon */

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
const char *indicators_sla_clock_name(enum indicators_clock c);
const char *indicators_sla_state_name(enum indicators_state s);
const char *indicators_sla_state_label(enum indicators_state s);

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
	long en_espera; /* business days in «Sin repartir» since the arrival; -1 when assigned */
	struct indicators_round *rondas;
	size_t n_rondas;
	struct indicators_correction *correcciones;
	size_t n_correcciones;
};

/* Computes the clock of r at the instant now (ISO 8601) against target meta (business
 * days). Reads r->estado, r->estado_ds, r->fecha_reparto, r->fecha_conclusion,
 * r->fecha_radicacion, r->abogado_id and r->eventos only; gestiones with a malformed date are
 * skipped. Allocates the arrays of out (free with indicators_sla_free). Returns 0, or -1 when now
 * is malformed (out is then empty but still safe to free). */
int indicators_sla_compute(const struct calendar *cal, long meta, const struct store_sla_row *r,
			   const char *now, struct indicators_sla *out);
void indicators_sla_free(struct indicators_sla *sla);
/* Reads back into out a block indicators_sla_json wrote (the text stored on the follow-up
 * row): the same clock, arrays allocated as indicators_sla_compute does. Returns 0, or -1
 * when text is not such a block (out is then empty but still safe to free). */
int indicators_sla_from_text(const char *text, struct indicators_sla *out);
/* Reads into out the clock a stored block's members give (store_sla_row.sla_members: the
 * columns written with the block): the same clock indicators_sla_from_text gives of that
 * block, arrays allocated as indicators_sla_compute does. Returns 0, or -1 for an unknown
 * reloj or estado (out is then empty but still safe to free). */
int indicators_sla_from_members(const struct store_sla_members *m, struct indicators_sla *out);
/* Reads into out the clock as the counts read it from a stored block's sla_cifras (store_int.h
 * STORE_SCHEMA_CIFRAS_RECORD): every member but fin, the rounds' inicio and the corrections'
 * devolucion, and the rounds' fin and the corrections' reingreso cut to their day. Arrays
 * allocated as indicators_sla_compute does. Returns 0, or -1 for an unknown reloj or estado
 * (out is then empty but still safe to free). */
int indicators_sla_from_cifras(const char *text, struct indicators_sla *out);
/* Returns a new JSON object: meta, reloj, estado, inicio, fin, dias_usados, dias_restantes,
 * fecha_limite, devoluciones, dias_en_espera, rondas, correcciones (nulls where unknown;
 * dias_en_espera is null unless the filing waits unassigned). */
json_t *indicators_sla_json(const struct indicators_sla *sla);

/* 1 when iso is an instant (or a date) the calendar can place, shorter than
 * INDICATORS_ISO_LEN. */
int indicators_sla_valid_instant(const struct calendar *cal, const char *iso);

#endif
