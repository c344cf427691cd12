/* indicators_sla.c -- the business-day SLA clock of one filing: its gestiones replayed into
 * review rounds and returns, days used and left, due date and state (indicators_sla.h). */
#include "indicators_sla.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "workflow.h"

#define INDICATORS_SLA_MODULE "indicators"
#define INDICATORS_SLA_TIPO_LEN 16 /* the longest gestion tipo ("reasignacion") and its NUL */

static const char *const indicators_sla_clocks[] = {
    [INDICATORS_CLOCK_NO_APLICA] = "no_aplica", [INDICATORS_CLOCK_SIN_INICIAR] = "sin_iniciar",
    [INDICATORS_CLOCK_CORRIENDO] = "corriendo", [INDICATORS_CLOCK_PAUSADO] = "pausado",
    [INDICATORS_CLOCK_DETENIDO] = "detenido",
};

/* Each state's JSON name and the label staff read. */
static const struct {
	const char *name;
	const char *label;
} indicators_sla_states[] = {
    [INDICATORS_SLA_NO_APLICA] = {"no_aplica", "No aplica"},
    [INDICATORS_SLA_SIN_INICIAR] = {"sin_iniciar", "Sin repartir"},
    [INDICATORS_SLA_A_TIEMPO] = {"a_tiempo", "A tiempo"},
    [INDICATORS_SLA_POR_VENCER] = {"por_vencer", "Por vencer"},
    [INDICATORS_SLA_VENCIDO] = {"vencido", "Vencido"},
};

const char *indicators_sla_clock_name(enum indicators_clock c)
{
	return indicators_sla_clocks[c];
}

const char *indicators_sla_state_name(enum indicators_state s)
{
	return indicators_sla_states[s].name;
}

const char *indicators_sla_state_label(enum indicators_state s)
{
	return indicators_sla_states[s].label;
}

struct indicators_sla_event {
	long long id;
	char tipo[INDICATORS_SLA_TIPO_LEN];
	char fecha[INDICATORS_ISO_LEN];
};

struct indicators_sla_events {
	struct indicators_sla_event *v;
	size_t n, cap;
};

int indicators_sla_valid_instant(const struct calendar *cal, const char *iso)
{
	char day[CALENDAR_DATE_LEN];

	return iso != NULL && strlen(iso) < INDICATORS_ISO_LEN &&
	       calendar_effective_start(cal, iso, day) == 0;
}

static void indicators_sla_events_add(struct indicators_sla_events *e, long long id,
				      const char *tipo, size_t tipo_len, const char *fecha,
				      size_t fecha_len)
{
	struct indicators_sla_event *ev;

	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	ev = &e->v[e->n++];
	ev->id = id;
	memcpy(ev->tipo, tipo, tipo_len);
	ev->tipo[tipo_len] = '\0';
	memcpy(ev->fecha, fecha, fecha_len);
	ev->fecha[fecha_len] = '\0';
}

static int indicators_sla_event_cmp(const void *pa, const void *pb)
{
	const struct indicators_sla_event *a = pa;
	const struct indicators_sla_event *b = pb;
	int c = strcmp(a->fecha, b->fecha);

	if (c != 0)
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* Parses "id|tipo|fecha;..." into e, skipping malformed entries, and sorts by (fecha, id). */
static void indicators_sla_parse_events(const struct calendar *cal, const char *text,
					struct indicators_sla_events *e)
{
	const char *p = text != NULL ? text : "";

	while (*p != '\0') {
		size_t len = strcspn(p, ";");
		const char *bar1 = memchr(p, '|', len);
		const char *bar2 =
		    bar1 != NULL ? memchr(bar1 + 1, '|', len - (size_t)(bar1 + 1 - p)) : NULL;

		if (bar1 != NULL && bar2 != NULL) {
			char idtext[24];
			char fecha[INDICATORS_ISO_LEN];
			size_t idlen = (size_t)(bar1 - p);
			size_t tipolen = (size_t)(bar2 - bar1 - 1);
			size_t fechalen = len - (size_t)(bar2 + 1 - p);
			long id = 0;

			if (idlen < sizeof(idtext) && tipolen < INDICATORS_SLA_TIPO_LEN &&
			    fechalen < INDICATORS_ISO_LEN) {
				memcpy(idtext, p, idlen);
				idtext[idlen] = '\0';
				memcpy(fecha, bar2 + 1, fechalen);
				fecha[fechalen] = '\0';
				if (parse_long(idtext, 0, LONG_MAX, &id) == 0 &&
				    indicators_sla_valid_instant(cal, fecha))
					indicators_sla_events_add(e, id, bar1 + 1, tipolen, fecha,
								  fechalen);
				else
					log_debug(INDICATORS_SLA_MODULE,
						  "gestión con fecha ilegible omitida");
			}
		}
		p += len;
		if (*p == ';')
			p++;
	}
	if (e->n > 1)
		qsort(e->v, e->n, sizeof(*e->v), indicators_sla_event_cmp);
}

static int indicators_sla_has_start_event(const struct indicators_sla_events *e)
{
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].tipo, "reparto") == 0 ||
		    strcmp(e->v[i].tipo, "reasignacion") == 0)
			return 1;
	}
	return 0;
}

/* The running state while the gestiones are replayed. */
struct indicators_sla_replay {
	const struct calendar *cal;
	struct indicators_sla *sla;
	int started, paused, stopped, round_open;
	int paused_at_outcome; /* an outcome came while the area held the filing */
};

/* The outcome gestiones (workflow.c: archivo, traslado, anulacion) as static names, or
 * NULL for another tipo. */
static const char *indicators_sla_outcome(const char *tipo)
{
	static const char *const outcomes[] = {"archivo", "traslado", "anulacion"};

	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		if (strcmp(tipo, outcomes[i]) == 0)
			return outcomes[i];
	}
	return NULL;
}

static long indicators_sla_between(const struct calendar *cal, const char *from, const char *to)
{
	long n = calendar_business_days_between(cal, from, to);

	return n < 0 ? 0 : n;
}

static void indicators_sla_open_round(struct indicators_sla_replay *st, const char *at)
{
	struct indicators_sla *sla = st->sla;
	struct indicators_round *r;

	sla->rondas = xrealloc(sla->rondas, (sla->n_rondas + 1) * sizeof(*sla->rondas));
	r = &sla->rondas[sla->n_rondas++];
	memset(r, 0, sizeof(*r));
	strlcpy_s(r->inicio, at, sizeof(r->inicio));
	st->round_open = 1;
}

static void indicators_sla_close_round(struct indicators_sla_replay *st, const char *at,
				       const char *termina)
{
	struct indicators_round *r;

	if (!st->round_open)
		return;
	r = &st->sla->rondas[st->sla->n_rondas - 1];
	strlcpy_s(r->fin, at, sizeof(r->fin));
	r->termina = termina;
	r->dias = indicators_sla_between(st->cal, r->inicio, at);
	st->round_open = 0;
}

static struct indicators_correction *
indicators_sla_last_correction(struct indicators_sla_replay *st)
{
	return &st->sla->correcciones[st->sla->n_correcciones - 1];
}

static void indicators_sla_replay_event(struct indicators_sla_replay *st,
					const struct indicators_sla_event *ev)
{
	struct indicators_sla *sla = st->sla;

	if (strcmp(ev->tipo, "reparto") == 0 || strcmp(ev->tipo, "reasignacion") == 0) {
		if (st->started || st->stopped)
			return; /* a reassignment does not restart the office's clock */
		st->started = 1;
		strlcpy_s(sla->inicio, ev->fecha, sizeof(sla->inicio));
		if (!st->paused)
			indicators_sla_open_round(st, ev->fecha);
	} else if (strcmp(ev->tipo, "devolucion") == 0) {
		struct indicators_correction *c;

		if (st->paused || st->stopped)
			return;
		indicators_sla_close_round(st, ev->fecha, "devolucion");
		sla->correcciones = xrealloc(sla->correcciones, (sla->n_correcciones + 1) *
								    sizeof(*sla->correcciones));
		c = &sla->correcciones[sla->n_correcciones++];
		memset(c, 0, sizeof(*c));
		strlcpy_s(c->devolucion, ev->fecha, sizeof(c->devolucion));
		sla->devoluciones++;
		st->paused = 1;
	} else if (strcmp(ev->tipo, "reingreso") == 0) {
		struct indicators_correction *c;

		if (!st->paused)
			return;
		c = indicators_sla_last_correction(st);
		strlcpy_s(c->reingreso, ev->fecha, sizeof(c->reingreso));
		c->dias = indicators_sla_between(st->cal, c->devolucion, ev->fecha);
		c->cerrada = 1;
		st->paused = 0;
		if (st->started)
			indicators_sla_open_round(st, ev->fecha);
	} else if (strcmp(ev->tipo, "conclusion") == 0) {
		if (st->stopped)
			return;
		indicators_sla_close_round(st, ev->fecha, "conclusion");
		if (st->paused) {
			struct indicators_correction *c = indicators_sla_last_correction(st);

			c->dias = indicators_sla_between(st->cal, c->devolucion, ev->fecha);
			st->paused = 0;
		}
		st->stopped = 1;
		strlcpy_s(sla->fin, ev->fecha, sizeof(sla->fin));
	} else if (indicators_sla_outcome(ev->tipo) != NULL) {
		/* out of the queue: the time until a reapertura counts for no one */
		if (st->stopped)
			return;
		indicators_sla_close_round(st, ev->fecha, indicators_sla_outcome(ev->tipo));
		if (st->paused) {
			struct indicators_correction *c = indicators_sla_last_correction(st);

			c->dias = indicators_sla_between(st->cal, c->devolucion, ev->fecha);
			st->paused = 0;
			st->paused_at_outcome = 1;
		}
		st->stopped = 1;
	} else if (strcmp(ev->tipo, "reapertura") == 0) {
		if (!st->stopped)
			return;
		st->stopped = 0;
		sla->fin[0] = '\0';
		if (st->paused_at_outcome) {
			/* back to devuelto: the area holds it again, from the reapertura */
			struct indicators_correction *c;

			sla->correcciones =
			    xrealloc(sla->correcciones,
				     (sla->n_correcciones + 1) * sizeof(*sla->correcciones));
			c = &sla->correcciones[sla->n_correcciones++];
			memset(c, 0, sizeof(*c));
			strlcpy_s(c->devolucion, ev->fecha, sizeof(c->devolucion));
			st->paused = 1;
			st->paused_at_outcome = 0;
		} else if (st->started) {
			indicators_sla_open_round(st, ev->fecha);
		}
	}
}

/* The due date: the day the meta-th business day of work falls on, round by round. */
static void indicators_sla_due_date(const struct calendar *cal, struct indicators_sla *sla)
{
	long before = 0;

	sla->fecha_limite[0] = '\0';
	for (size_t i = 0; i < sla->n_rondas; i++) {
		const struct indicators_round *r = &sla->rondas[i];

		if (before + r->dias >= sla->meta) {
			if (calendar_add_business_days(cal, r->inicio, sla->meta - before,
						       sla->fecha_limite) < 0)
				sla->fecha_limite[0] = '\0';
			return;
		}
		before += r->dias;
	}
	/* Not reached yet: project from the last round, unless the area holds the filing. */
	if (sla->n_rondas > 0 && sla->reloj != INDICATORS_CLOCK_PAUSADO) {
		const struct indicators_round *last = &sla->rondas[sla->n_rondas - 1];

		if (calendar_add_business_days(cal, last->inicio, sla->meta - (before - last->dias),
					       sla->fecha_limite) < 0)
			sla->fecha_limite[0] = '\0';
	}
}

static enum indicators_state indicators_sla_state_of(const struct indicators_sla *sla)
{
	switch (sla->reloj) {
	case INDICATORS_CLOCK_NO_APLICA:
		return INDICATORS_SLA_NO_APLICA;
	case INDICATORS_CLOCK_SIN_INICIAR:
		return INDICATORS_SLA_SIN_INICIAR;
	default:
		break;
	}
	if (sla->usados > sla->meta)
		return INDICATORS_SLA_VENCIDO;
	if (sla->reloj != INDICATORS_CLOCK_DETENIDO && sla->restantes <= INDICATORS_POR_VENCER_DAYS)
		return INDICATORS_SLA_POR_VENCER;
	return INDICATORS_SLA_A_TIEMPO;
}

/* A concluded filing the gestiones did not stop: stop at fecha_conclusion, else at the last
 * gestion, else where its last round began. */
static void indicators_sla_force_stop(struct indicators_sla_replay *st,
				      const struct store_sla_row *r,
				      const struct indicators_sla_events *e)
{
	struct indicators_sla *sla = st->sla;
	const char *at = NULL;

	if (indicators_sla_valid_instant(st->cal, r->fecha_conclusion))
		at = r->fecha_conclusion;
	else if (e->n > 0)
		at = e->v[e->n - 1].fecha;
	else if (st->round_open)
		at = sla->rondas[sla->n_rondas - 1].inicio;
	if (at == NULL)
		return;
	indicators_sla_close_round(st, at, "conclusion");
	if (st->paused) {
		struct indicators_correction *c = indicators_sla_last_correction(st);

		c->dias = indicators_sla_between(st->cal, c->devolucion, at);
		st->paused = 0;
	}
	st->stopped = 1;
	strlcpy_s(sla->fin, at, sizeof(sla->fin));
}

int indicators_sla_compute(const struct calendar *cal, long meta, const struct store_sla_row *r,
			   const char *now, struct indicators_sla *out)
{
	struct indicators_sla_events e = {NULL, 0, 0};
	struct indicators_sla_replay st;

	memset(out, 0, sizeof(*out));
	out->meta = meta;
	out->en_espera = -1;
	if (!indicators_sla_valid_instant(cal, now))
		return -1;
	if (workflow_estado_is_outcome(r->estado) || strcmp(r->estado_ds, "anulado") == 0) {
		out->reloj = INDICATORS_CLOCK_NO_APLICA;
		out->estado = INDICATORS_SLA_NO_APLICA;
		return 0;
	}
	indicators_sla_parse_events(cal, r->eventos, &e);
	if (!indicators_sla_has_start_event(&e) &&
	    indicators_sla_valid_instant(cal, r->fecha_reparto)) {
		indicators_sla_events_add(&e, 0, "reparto", strlen("reparto"), r->fecha_reparto,
					  strlen(r->fecha_reparto));
		qsort(e.v, e.n, sizeof(*e.v), indicators_sla_event_cmp);
	}
	memset(&st, 0, sizeof(st));
	st.cal = cal;
	st.sla = out;
	for (size_t i = 0; i < e.n; i++)
		indicators_sla_replay_event(&st, &e.v[i]);
	if (strcmp(r->estado, "concluido") == 0 && !st.stopped)
		indicators_sla_force_stop(&st, r, &e);
	if (st.round_open) {
		struct indicators_round *last = &out->rondas[out->n_rondas - 1];

		last->dias = indicators_sla_between(cal, last->inicio, now);
	}
	if (st.paused) {
		struct indicators_correction *c = indicators_sla_last_correction(&st);

		c->dias = indicators_sla_between(cal, c->devolucion, now);
	}
	if (!st.started)
		out->reloj = INDICATORS_CLOCK_SIN_INICIAR;
	else if (st.stopped)
		out->reloj = INDICATORS_CLOCK_DETENIDO;
	else if (st.paused)
		out->reloj = INDICATORS_CLOCK_PAUSADO;
	else
		out->reloj = INDICATORS_CLOCK_CORRIENDO;
	for (size_t i = 0; i < out->n_rondas; i++)
		out->usados += out->rondas[i].dias;
	out->restantes = meta - out->usados;
	if (out->reloj != INDICATORS_CLOCK_SIN_INICIAR)
		indicators_sla_due_date(cal, out);
	else
		out->fin[0] = '\0';
	out->estado = indicators_sla_state_of(out);
	/* «Sin repartir»: from the arrival, by the rule of the rounds */
	if (!st.started && r->abogado_id == 0 && strcmp(r->estado, "recibido") == 0 &&
	    indicators_sla_valid_instant(cal, r->fecha_radicacion))
		out->en_espera = indicators_sla_between(cal, r->fecha_radicacion, now);
	free(e.v);
	return 0;
}

void indicators_sla_free(struct indicators_sla *sla)
{
	if (sla == NULL)
		return;
	free(sla->rondas);
	free(sla->correcciones);
	sla->rondas = NULL;
	sla->correcciones = NULL;
	sla->n_rondas = 0;
	sla->n_correcciones = 0;
}

static json_t *indicators_sla_str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

json_t *indicators_sla_json(const struct indicators_sla *sla)
{
	json_t *o = json_object();
	json_t *rondas = json_array();
	json_t *corr = json_array();
	int measured =
	    sla->reloj != INDICATORS_CLOCK_NO_APLICA && sla->reloj != INDICATORS_CLOCK_SIN_INICIAR;

	json_object_set_new(o, "meta", json_integer(sla->meta));
	json_object_set_new(o, "reloj", json_string(indicators_sla_clock_name(sla->reloj)));
	json_object_set_new(o, "estado", json_string(indicators_sla_state_name(sla->estado)));
	json_object_set_new(o, "inicio", indicators_sla_str_or_null(sla->inicio));
	json_object_set_new(o, "fin", indicators_sla_str_or_null(sla->fin));
	json_object_set_new(o, "dias_usados", measured ? json_integer(sla->usados) : json_null());
	json_object_set_new(o, "dias_restantes",
			    measured ? json_integer(sla->restantes) : json_null());
	json_object_set_new(o, "fecha_limite", indicators_sla_str_or_null(sla->fecha_limite));
	json_object_set_new(o, "devoluciones", json_integer(sla->devoluciones));
	json_object_set_new(o, "dias_en_espera",
			    sla->en_espera >= 0 ? json_integer(sla->en_espera) : json_null());
	for (size_t i = 0; i < sla->n_rondas; i++) {
		const struct indicators_round *r = &sla->rondas[i];

		json_array_append_new(
		    rondas, json_pack("{s:s, s:o, s:o, s:I}", "inicio", r->inicio, "fin",
				      indicators_sla_str_or_null(r->fin), "termina",
				      r->termina != NULL ? json_string(r->termina) : json_null(),
				      "dias", (json_int_t)r->dias));
	}
	for (size_t i = 0; i < sla->n_correcciones; i++) {
		const struct indicators_correction *c = &sla->correcciones[i];

		json_array_append_new(
		    corr, json_pack("{s:s, s:o, s:I, s:b}", "devolucion", c->devolucion,
				    "reingreso", indicators_sla_str_or_null(c->reingreso), "dias",
				    (json_int_t)c->dias, "cerrada", c->cerrada));
	}
	json_object_set_new(o, "rondas", rondas);
	json_object_set_new(o, "correcciones", corr);
	return o;
}

/* ---- A stored block read back (seguimiento.sla, written by indicators_sla_json) */

static int indicators_sla_name_of(const char *name, const char *(*label)(int), int n)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(name, label(i)) == 0)
			return i;
	}
	return -1;
}

static const char *indicators_sla_clock_at(int i)
{
	return indicators_sla_clock_name((enum indicators_clock)i);
}

static const char *indicators_sla_state_at(int i)
{
	return indicators_sla_state_name((enum indicators_state)i);
}

/* The text of member key of o into dst ("" when null or missing). */
static void indicators_sla_copy(const json_t *o, const char *key, char *dst, size_t len)
{
	const char *v = json_string_value(json_object_get(o, key));

	strlcpy_s(dst, v != NULL ? v : "", len);
}

static long indicators_sla_long(const json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

/* The static name the replay gives a round's end, or NULL. */
static const char *indicators_sla_end_name(const char *v)
{
	if (v == NULL)
		return NULL;
	if (strcmp(v, "devolucion") == 0)
		return "devolucion";
	if (strcmp(v, "conclusion") == 0)
		return "conclusion";
	return indicators_sla_outcome(v);
}

static void indicators_sla_rounds_from(const json_t *a, struct indicators_sla *out)
{
	size_t i;
	const json_t *v;

	out->n_rondas = json_array_size(a);
	out->rondas = out->n_rondas > 0 ? xcalloc(out->n_rondas, sizeof(*out->rondas)) : NULL;
	json_array_foreach(a, i, v)
	{
		struct indicators_round *r = &out->rondas[i];

		indicators_sla_copy(v, "inicio", r->inicio, sizeof(r->inicio));
		indicators_sla_copy(v, "fin", r->fin, sizeof(r->fin));
		r->termina =
		    indicators_sla_end_name(json_string_value(json_object_get(v, "termina")));
		r->dias = indicators_sla_long(v, "dias");
	}
}

static void indicators_sla_corrections_from(const json_t *a, struct indicators_sla *out)
{
	size_t i;
	const json_t *v;

	out->n_correcciones = json_array_size(a);
	out->correcciones = out->n_correcciones > 0
				? xcalloc(out->n_correcciones, sizeof(*out->correcciones))
				: NULL;
	json_array_foreach(a, i, v)
	{
		struct indicators_correction *c = &out->correcciones[i];

		indicators_sla_copy(v, "devolucion", c->devolucion, sizeof(c->devolucion));
		indicators_sla_copy(v, "reingreso", c->reingreso, sizeof(c->reingreso));
		c->dias = indicators_sla_long(v, "dias");
		c->cerrada = json_is_true(json_object_get(v, "cerrada"));
	}
}

/* The block by jansson (never a JSON reader of our own): any JSON text of the block's
 * shape. 0 or -1. */
static int indicators_sla_from_json(const char *text, struct indicators_sla *out)
{
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	const char *reloj = json_string_value(json_object_get(o, "reloj"));
	const char *estado = json_string_value(json_object_get(o, "estado"));
	const json_t *espera;
	int c, e;

	memset(out, 0, sizeof(*out));
	out->en_espera = -1;
	c = reloj != NULL ? indicators_sla_name_of(reloj, indicators_sla_clock_at,
						   INDICATORS_CLOCK_DETENIDO + 1)
			  : -1;
	e = estado != NULL ? indicators_sla_name_of(estado, indicators_sla_state_at,
						    INDICATORS_SLA_VENCIDO + 1)
			   : -1;
	if (!json_is_object(o) || c < 0 || e < 0) {
		json_decref(o);
		return -1;
	}
	out->meta = indicators_sla_long(o, "meta");
	out->reloj = (enum indicators_clock)c;
	out->estado = (enum indicators_state)e;
	indicators_sla_copy(o, "inicio", out->inicio, sizeof(out->inicio));
	indicators_sla_copy(o, "fin", out->fin, sizeof(out->fin));
	indicators_sla_copy(o, "fecha_limite", out->fecha_limite, sizeof(out->fecha_limite));
	out->devoluciones = indicators_sla_long(o, "devoluciones");
	espera = json_object_get(o, "dias_en_espera");
	out->en_espera = json_is_integer(espera) ? (long)json_integer_value(espera) : -1;
	indicators_sla_rounds_from(json_object_get(o, "rondas"), out);
	indicators_sla_corrections_from(json_object_get(o, "correcciones"), out);
	/* dias_usados and dias_restantes are null unless measured: the sums they come from */
	for (size_t i = 0; i < out->n_rondas; i++)
		out->usados += out->rondas[i].dias;
	out->restantes = out->reloj == INDICATORS_CLOCK_NO_APLICA ? 0 : out->meta - out->usados;
	json_decref(o);
	return 0;
}

int indicators_sla_from_text(const char *text, struct indicators_sla *out)
{
	return indicators_sla_from_json(text, out);
}

/* The text of v (NULL: "") into dst. */
static void indicators_sla_copy_text(const char *v, char *dst, size_t len)
{
	strlcpy_s(dst, v != NULL ? v : "", len);
}

/* The '|'-separated fields of one item of a members' list (store.h struct
 * store_sla_members): INDICATORS_SLA_FIELDS of them into f (each a copy cut to fit, "" past
 * the last). Returns where the next item starts. */
#define INDICATORS_SLA_FIELDS 4
static const char *indicators_sla_item(const char *p,
				       char f[INDICATORS_SLA_FIELDS][INDICATORS_ISO_LEN])
{
	for (int k = 0; k < INDICATORS_SLA_FIELDS; k++) {
		size_t len = strcspn(p, "|;");

		size_t keep = len < INDICATORS_ISO_LEN ? len : INDICATORS_ISO_LEN - 1;

		memcpy(f[k], p, keep);
		f[k][keep] = '\0';
		p += len;
		if (*p == '|')
			p++;
	}
	p += strcspn(p, ";");
	return *p == ';' ? p + 1 : p;
}

/* How many items a members' list holds. */
static size_t indicators_sla_items(const char *p)
{
	size_t n = 0;

	if (p == NULL || *p == '\0')
		return 0;
	for (n = 1; *p != '\0'; p++)
		n += *p == ';';
	return n;
}

int indicators_sla_from_members(const struct store_sla_members *m, struct indicators_sla *out)
{
	int c = m->reloj != NULL ? indicators_sla_name_of(m->reloj, indicators_sla_clock_at,
							  INDICATORS_CLOCK_DETENIDO + 1)
				 : -1;
	int e = m->estado != NULL ? indicators_sla_name_of(m->estado, indicators_sla_state_at,
							   INDICATORS_SLA_VENCIDO + 1)
				  : -1;
	char f[INDICATORS_SLA_FIELDS][INDICATORS_ISO_LEN];
	const char *p;
	long n;

	memset(out, 0, sizeof(*out));
	out->en_espera = -1;
	if (c < 0 || e < 0)
		return -1;
	out->meta = (long)m->meta;
	out->reloj = (enum indicators_clock)c;
	out->estado = (enum indicators_state)e;
	indicators_sla_copy_text(m->inicio, out->inicio, sizeof(out->inicio));
	indicators_sla_copy_text(m->fin, out->fin, sizeof(out->fin));
	indicators_sla_copy_text(m->fecha_limite, out->fecha_limite, sizeof(out->fecha_limite));
	out->devoluciones = (long)m->devoluciones;
	out->en_espera = (long)m->espera;
	out->n_rondas = indicators_sla_items(m->rondas);
	out->rondas = out->n_rondas > 0 ? xcalloc(out->n_rondas, sizeof(*out->rondas)) : NULL;
	p = m->rondas;
	for (size_t i = 0; i < out->n_rondas; i++) {
		struct indicators_round *r = &out->rondas[i];

		p = indicators_sla_item(p, f);
		strlcpy_s(r->inicio, f[0], sizeof(r->inicio));
		strlcpy_s(r->fin, f[1], sizeof(r->fin));
		r->termina = indicators_sla_end_name(f[2][0] != '\0' ? f[2] : NULL);
		r->dias = parse_long(f[3], LONG_MIN, LONG_MAX, &n) == 0 ? n : 0;
		out->usados += r->dias; /* as indicators_sla_from_json: the sum of the rounds */
	}
	out->n_correcciones = indicators_sla_items(m->correcciones);
	out->correcciones = out->n_correcciones > 0
				? xcalloc(out->n_correcciones, sizeof(*out->correcciones))
				: NULL;
	p = m->correcciones;
	for (size_t i = 0; i < out->n_correcciones; i++) {
		struct indicators_correction *co = &out->correcciones[i];

		p = indicators_sla_item(p, f);
		strlcpy_s(co->devolucion, f[0], sizeof(co->devolucion));
		strlcpy_s(co->reingreso, f[1], sizeof(co->reingreso));
		co->dias = parse_long(f[2], LONG_MIN, LONG_MAX, &n) == 0 ? n : 0;
		co->cerrada = strcmp(f[3], "1") == 0;
	}
	out->restantes = out->reloj == INDICATORS_CLOCK_NO_APLICA ? 0 : out->meta - out->usados;
	return 0;
}

/* A sla_cifras text (store_int.h STORE_SCHEMA_CIFRAS_RECORD) is read in place, field by
 * field. */
#define INDICATORS_SLA_NAME_LEN 32 /* a reloj, estado or termina name and its NUL */

/* Where a field of a sla_cifras text sits: the header (fields end at '|') or a list's item
 * (fields end at ',', the item at ';', the list at the '|' before the next one). */
enum indicators_sla_place { INDICATORS_SLA_HEAD, INDICATORS_SLA_ITEM };

/* 1 when c ends a field at place. */
static int indicators_sla_stop(char c, enum indicators_sla_place place)
{
	return c == '\0' || c == '|' || (place == INDICATORS_SLA_ITEM && (c == ',' || c == ';'));
}

/* Moves *p past the separator that ends the field at it, but for the '|' that ends a list,
 * where it stays. */
static void indicators_sla_skip(const char **p, enum indicators_sla_place place)
{
	if (**p != '\0' && !(place == INDICATORS_SLA_ITEM && **p == '|'))
		(*p)++;
}

/* The field at *p into dst (cut to fit), *p moved as indicators_sla_skip says. Its end is
 * found by libc's vectorised scan (most fields are instants of 25 bytes). */
static void indicators_sla_take(const char **p, enum indicators_sla_place place, char *dst,
				size_t len)
{
	size_t n = strcspn(*p, place == INDICATORS_SLA_ITEM ? ",;|" : "|");
	size_t keep = n < len ? n : len - 1;

	memcpy(dst, *p, keep);
	dst[keep] = '\0';
	*p += n;
	indicators_sla_skip(p, place);
}

/* The integer field at *p (def when empty or not a whole number of at most
 * INDICATORS_SLA_DIGITS digits), *p moved as indicators_sla_skip says. */
#define INDICATORS_SLA_DIGITS 15
static long indicators_sla_take_long(const char **p, enum indicators_sla_place place, long def)
{
	int neg = **p == '-';
	long v = 0;
	int digits = 0;
	int ok = 1;

	if (neg)
		(*p)++;
	for (; !indicators_sla_stop(**p, place); (*p)++) {
		if (**p < '0' || **p > '9' || ++digits > INDICATORS_SLA_DIGITS)
			ok = 0;
		else
			v = v * 10 + (**p - '0');
	}
	indicators_sla_skip(p, place);
	return ok && digits > 0 ? (neg ? -v : v) : def;
}

/* How many ';'-joined items the list at p holds (it ends at a '|' or the NUL). */
static size_t indicators_sla_cifras_items(const char *p)
{
	size_t n = 1;

	if (*p == '|' || *p == '\0')
		return 0;
	for (; *p != '|' && *p != '\0'; p++)
		n += *p == ';';
	return n;
}

int indicators_sla_from_cifras(const char *text, struct indicators_sla *out)
{
	const enum indicators_sla_place head = INDICATORS_SLA_HEAD, item = INDICATORS_SLA_ITEM;
	const char *p = text;
	char name[INDICATORS_SLA_NAME_LEN];
	int clock, state;

	memset(out, 0, sizeof(*out));
	out->en_espera = -1;
	indicators_sla_take(&p, head, name, sizeof(name));
	clock =
	    indicators_sla_name_of(name, indicators_sla_clock_at, INDICATORS_CLOCK_DETENIDO + 1);
	indicators_sla_take(&p, head, name, sizeof(name));
	state = indicators_sla_name_of(name, indicators_sla_state_at, INDICATORS_SLA_VENCIDO + 1);
	if (clock < 0 || state < 0)
		return -1;
	out->reloj = (enum indicators_clock)clock;
	out->estado = (enum indicators_state)state;
	out->meta = indicators_sla_take_long(&p, head, 0);
	indicators_sla_take(&p, head, out->inicio, sizeof(out->inicio));
	indicators_sla_take(&p, head, out->fecha_limite, sizeof(out->fecha_limite));
	out->devoluciones = indicators_sla_take_long(&p, head, 0);
	out->en_espera = indicators_sla_take_long(&p, head, -1);
	/* the rounds: fin (its day), termina, dias */
	out->n_rondas = indicators_sla_cifras_items(p);
	out->rondas = out->n_rondas > 0 ? xcalloc(out->n_rondas, sizeof(*out->rondas)) : NULL;
	for (size_t i = 0; i < out->n_rondas; i++) {
		struct indicators_round *r = &out->rondas[i];

		indicators_sla_take(&p, item, r->fin, sizeof(r->fin));
		indicators_sla_take(&p, item, name, sizeof(name));
		r->termina = indicators_sla_end_name(name[0] != '\0' ? name : NULL);
		r->dias = indicators_sla_take_long(&p, item, 0);
		out->usados += r->dias;
	}
	if (*p == '|')
		p++;
	/* the corrections: reingreso (its day), dias, cerrada */
	out->n_correcciones = indicators_sla_cifras_items(p);
	out->correcciones = out->n_correcciones > 0
				? xcalloc(out->n_correcciones, sizeof(*out->correcciones))
				: NULL;
	for (size_t i = 0; i < out->n_correcciones; i++) {
		struct indicators_correction *co = &out->correcciones[i];

		indicators_sla_take(&p, item, co->reingreso, sizeof(co->reingreso));
		co->dias = indicators_sla_take_long(&p, item, 0);
		co->cerrada = indicators_sla_take_long(&p, item, 0) == 1;
	}
	out->restantes = out->reloj == INDICATORS_CLOCK_NO_APLICA ? 0 : out->meta - out->usados;
	return 0;
}
