/* indicators.c -- the business-day SLA clock of each filing, the office's indicators with
 * the filings behind every figure, the reparto suggestion and the calendar's routes. */
#include "indicators.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define INDICATORS_MODULE "indicators"
#define INDICATORS_TIPO_LEN 16 /* the longest gestion tipo ("reasignacion") and its NUL */
#define INDICATORS_P90 0.9
#define INDICATORS_MEDIAN 0.5
#define INDICATORS_PERCENT 100.0

static const char *const indicators_tipos[] = {
    "contratacion_directa",
    "proceso_seleccion",
    "novedad_contractual",
    "liquidacion_terminacion",
    "otro",
};
#define INDICATORS_NTIPOS (sizeof(indicators_tipos) / sizeof(indicators_tipos[0]))

/* The modalities in the order the indicators list them; "" (not yet known) last. */
static const char *const indicators_modalidades[] = {
    "licitacion_publica", "seleccion_abreviada", "concurso_meritos", "contratacion_directa",
    "minima_cuantia",	  "acuerdo_marco",	 "regimen_especial", "",
};
#define INDICATORS_NMODALIDADES (sizeof(indicators_modalidades) / sizeof(indicators_modalidades[0]))

/* ---- Names */

const char *indicators_error_code(enum indicators_rc rc)
{
	switch (rc) {
	case INDICATORS_OK:
		return "ok";
	case INDICATORS_BAD_INPUT:
		return "parametro_invalido";
	case INDICATORS_BAD_DATE:
		return "fecha_invalida";
	case INDICATORS_NOT_FOUND:
		return "no_encontrado";
	default:
		return "error_interno";
	}
}

int indicators_http_status(enum indicators_rc rc)
{
	switch (rc) {
	case INDICATORS_OK:
		return 200;
	case INDICATORS_BAD_INPUT:
		return 400;
	case INDICATORS_BAD_DATE:
		return 422;
	case INDICATORS_NOT_FOUND:
		return 404;
	default:
		return 500;
	}
}

const char *indicators_clock_name(enum indicators_clock c)
{
	static const char *const names[] = {
	    [INDICATORS_CLOCK_NO_APLICA] = "no_aplica",
	    [INDICATORS_CLOCK_SIN_INICIAR] = "sin_iniciar",
	    [INDICATORS_CLOCK_CORRIENDO] = "corriendo",
	    [INDICATORS_CLOCK_PAUSADO] = "pausado",
	    [INDICATORS_CLOCK_DETENIDO] = "detenido",
	};

	return names[c];
}

const char *indicators_state_name(enum indicators_state s)
{
	static const char *const names[] = {
	    [INDICATORS_SLA_NO_APLICA] = "no_aplica", [INDICATORS_SLA_SIN_INICIAR] = "sin_iniciar",
	    [INDICATORS_SLA_A_TIEMPO] = "a_tiempo",   [INDICATORS_SLA_POR_VENCER] = "por_vencer",
	    [INDICATORS_SLA_VENCIDO] = "vencido",
	};

	return names[s];
}

const char *indicators_state_label(enum indicators_state s)
{
	static const char *const labels[] = {
	    [INDICATORS_SLA_NO_APLICA] = "No aplica", [INDICATORS_SLA_SIN_INICIAR] = "Sin repartir",
	    [INDICATORS_SLA_A_TIEMPO] = "A tiempo",   [INDICATORS_SLA_POR_VENCER] = "Por vencer",
	    [INDICATORS_SLA_VENCIDO] = "Vencido",
	};

	return labels[s];
}

static const char *indicators_now(const char *now, char buf[UTIL_ISO_LEN])
{
	if (now != NULL)
		return now;
	util_now_iso(buf);
	return buf;
}

/* ---- The clock */

struct indicators_event {
	long long id;
	char tipo[INDICATORS_TIPO_LEN];
	char fecha[INDICATORS_ISO_LEN];
};

struct indicators_events {
	struct indicators_event *v;
	size_t n, cap;
};

static int indicators_valid_instant(const struct calendar *cal, const char *iso)
{
	char day[CALENDAR_DATE_LEN];

	return iso != NULL && strlen(iso) < INDICATORS_ISO_LEN &&
	       calendar_effective_start(cal, iso, day) == 0;
}

static void indicators_events_add(struct indicators_events *e, long long id, const char *tipo,
				  size_t tipo_len, const char *fecha, size_t fecha_len)
{
	struct indicators_event *ev;

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

static int indicators_event_cmp(const void *pa, const void *pb)
{
	const struct indicators_event *a = pa;
	const struct indicators_event *b = pb;
	int c = strcmp(a->fecha, b->fecha);

	if (c != 0)
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* Parses "id|tipo|fecha;..." into e, skipping malformed entries, and sorts by (fecha, id). */
static void indicators_parse_events(const struct calendar *cal, const char *text,
				    struct indicators_events *e)
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

			if (idlen < sizeof(idtext) && tipolen < INDICATORS_TIPO_LEN &&
			    fechalen < INDICATORS_ISO_LEN) {
				memcpy(idtext, p, idlen);
				idtext[idlen] = '\0';
				memcpy(fecha, bar2 + 1, fechalen);
				fecha[fechalen] = '\0';
				if (parse_long(idtext, 0, LONG_MAX, &id) == 0 &&
				    indicators_valid_instant(cal, fecha))
					indicators_events_add(e, id, bar1 + 1, tipolen, fecha,
							      fechalen);
				else
					log_debug(INDICATORS_MODULE,
						  "gestión con fecha ilegible omitida");
			}
		}
		p += len;
		if (*p == ';')
			p++;
	}
	if (e->n > 1)
		qsort(e->v, e->n, sizeof(*e->v), indicators_event_cmp);
}

static int indicators_has_start_event(const struct indicators_events *e)
{
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].tipo, "reparto") == 0 ||
		    strcmp(e->v[i].tipo, "reasignacion") == 0)
			return 1;
	}
	return 0;
}

/* The running state while the gestiones are replayed. */
struct indicators_replay {
	const struct calendar *cal;
	struct indicators_sla *sla;
	int started, paused, stopped, round_open;
};

static long indicators_between(const struct calendar *cal, const char *from, const char *to)
{
	long n = calendar_business_days_between(cal, from, to);

	return n < 0 ? 0 : n;
}

static void indicators_open_round(struct indicators_replay *st, const char *at)
{
	struct indicators_sla *sla = st->sla;
	struct indicators_round *r;

	sla->rondas = xrealloc(sla->rondas, (sla->n_rondas + 1) * sizeof(*sla->rondas));
	r = &sla->rondas[sla->n_rondas++];
	memset(r, 0, sizeof(*r));
	strlcpy_s(r->inicio, at, sizeof(r->inicio));
	st->round_open = 1;
}

static void indicators_close_round(struct indicators_replay *st, const char *at,
				   const char *termina)
{
	struct indicators_round *r;

	if (!st->round_open)
		return;
	r = &st->sla->rondas[st->sla->n_rondas - 1];
	strlcpy_s(r->fin, at, sizeof(r->fin));
	r->termina = termina;
	r->dias = indicators_between(st->cal, r->inicio, at);
	st->round_open = 0;
}

static struct indicators_correction *indicators_last_correction(struct indicators_replay *st)
{
	return &st->sla->correcciones[st->sla->n_correcciones - 1];
}

static void indicators_replay_event(struct indicators_replay *st, const struct indicators_event *ev)
{
	struct indicators_sla *sla = st->sla;

	if (strcmp(ev->tipo, "reparto") == 0 || strcmp(ev->tipo, "reasignacion") == 0) {
		if (st->started || st->stopped)
			return; /* a reassignment does not restart the office's clock */
		st->started = 1;
		strlcpy_s(sla->inicio, ev->fecha, sizeof(sla->inicio));
		if (!st->paused)
			indicators_open_round(st, ev->fecha);
	} else if (strcmp(ev->tipo, "devolucion") == 0) {
		struct indicators_correction *c;

		if (st->paused || st->stopped)
			return;
		indicators_close_round(st, ev->fecha, "devolucion");
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
		c = indicators_last_correction(st);
		strlcpy_s(c->reingreso, ev->fecha, sizeof(c->reingreso));
		c->dias = indicators_between(st->cal, c->devolucion, ev->fecha);
		c->cerrada = 1;
		st->paused = 0;
		if (st->started)
			indicators_open_round(st, ev->fecha);
	} else if (strcmp(ev->tipo, "conclusion") == 0) {
		if (st->stopped)
			return;
		indicators_close_round(st, ev->fecha, "conclusion");
		if (st->paused) {
			struct indicators_correction *c = indicators_last_correction(st);

			c->dias = indicators_between(st->cal, c->devolucion, ev->fecha);
			st->paused = 0;
		}
		st->stopped = 1;
		strlcpy_s(sla->fin, ev->fecha, sizeof(sla->fin));
	} else if (strcmp(ev->tipo, "reapertura") == 0) {
		if (!st->stopped)
			return;
		st->stopped = 0;
		sla->fin[0] = '\0';
		if (st->started)
			indicators_open_round(st, ev->fecha);
	}
}

/* The due date: the day the meta-th business day of work falls on, round by round. */
static void indicators_due_date(const struct calendar *cal, struct indicators_sla *sla)
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

static enum indicators_state indicators_state_of(const struct indicators_sla *sla)
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
static void indicators_force_stop(struct indicators_replay *st, const struct store_sla_row *r,
				  const struct indicators_events *e)
{
	struct indicators_sla *sla = st->sla;
	const char *at = NULL;

	if (indicators_valid_instant(st->cal, r->fecha_conclusion))
		at = r->fecha_conclusion;
	else if (e->n > 0)
		at = e->v[e->n - 1].fecha;
	else if (st->round_open)
		at = sla->rondas[sla->n_rondas - 1].inicio;
	if (at == NULL)
		return;
	indicators_close_round(st, at, "conclusion");
	if (st->paused) {
		struct indicators_correction *c = indicators_last_correction(st);

		c->dias = indicators_between(st->cal, c->devolucion, at);
		st->paused = 0;
	}
	st->stopped = 1;
	strlcpy_s(sla->fin, at, sizeof(sla->fin));
}

int indicators_sla_compute(const struct calendar *cal, long meta, const struct store_sla_row *r,
			   const char *now, struct indicators_sla *out)
{
	struct indicators_events e = {NULL, 0, 0};
	struct indicators_replay st;

	memset(out, 0, sizeof(*out));
	out->meta = meta;
	if (!indicators_valid_instant(cal, now))
		return -1;
	if (strcmp(r->estado, "anulado") == 0 || strcmp(r->estado_ds, "anulado") == 0) {
		out->reloj = INDICATORS_CLOCK_NO_APLICA;
		out->estado = INDICATORS_SLA_NO_APLICA;
		return 0;
	}
	indicators_parse_events(cal, r->eventos, &e);
	if (!indicators_has_start_event(&e) && indicators_valid_instant(cal, r->fecha_reparto)) {
		indicators_events_add(&e, 0, "reparto", strlen("reparto"), r->fecha_reparto,
				      strlen(r->fecha_reparto));
		qsort(e.v, e.n, sizeof(*e.v), indicators_event_cmp);
	}
	memset(&st, 0, sizeof(st));
	st.cal = cal;
	st.sla = out;
	for (size_t i = 0; i < e.n; i++)
		indicators_replay_event(&st, &e.v[i]);
	if (strcmp(r->estado, "concluido") == 0 && !st.stopped)
		indicators_force_stop(&st, r, &e);
	if (st.round_open) {
		struct indicators_round *last = &out->rondas[out->n_rondas - 1];

		last->dias = indicators_between(cal, last->inicio, now);
	}
	if (st.paused) {
		struct indicators_correction *c = indicators_last_correction(&st);

		c->dias = indicators_between(cal, c->devolucion, now);
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
		indicators_due_date(cal, out);
	else
		out->fin[0] = '\0';
	out->estado = indicators_state_of(out);
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

static json_t *indicators_str_or_null(const char *s)
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
	json_object_set_new(o, "reloj", json_string(indicators_clock_name(sla->reloj)));
	json_object_set_new(o, "estado", json_string(indicators_state_name(sla->estado)));
	json_object_set_new(o, "inicio", indicators_str_or_null(sla->inicio));
	json_object_set_new(o, "fin", indicators_str_or_null(sla->fin));
	json_object_set_new(o, "dias_usados", measured ? json_integer(sla->usados) : json_null());
	json_object_set_new(o, "dias_restantes",
			    measured ? json_integer(sla->restantes) : json_null());
	json_object_set_new(o, "fecha_limite", indicators_str_or_null(sla->fecha_limite));
	json_object_set_new(o, "devoluciones", json_integer(sla->devoluciones));
	for (size_t i = 0; i < sla->n_rondas; i++) {
		const struct indicators_round *r = &sla->rondas[i];

		json_array_append_new(
		    rondas, json_pack("{s:s, s:o, s:o, s:I}", "inicio", r->inicio, "fin",
				      indicators_str_or_null(r->fin), "termina",
				      r->termina != NULL ? json_string(r->termina) : json_null(),
				      "dias", (json_int_t)r->dias));
	}
	for (size_t i = 0; i < sla->n_correcciones; i++) {
		const struct indicators_correction *c = &sla->correcciones[i];

		json_array_append_new(corr, json_pack("{s:s, s:o, s:I, s:b}", "devolucion",
						      c->devolucion, "reingreso",
						      indicators_str_or_null(c->reingreso), "dias",
						      (json_int_t)c->dias, "cerrada", c->cerrada));
	}
	json_object_set_new(o, "rondas", rondas);
	json_object_set_new(o, "correcciones", corr);
	return o;
}

/* ---- Loading */

enum indicators_rc indicators_check_period(const char *desde, const char *hasta, char *err,
					   size_t errlen)
{
	int y, m, d;

	if (desde != NULL && desde[0] != '\0' && calendar_parse_date(desde, &y, &m, &d) < 0) {
		set_error(err, errlen, "desde debe ser una fecha AAAA-MM-DD válida");
		return INDICATORS_BAD_DATE;
	}
	if (hasta != NULL && hasta[0] != '\0' && calendar_parse_date(hasta, &y, &m, &d) < 0) {
		set_error(err, errlen, "hasta debe ser una fecha AAAA-MM-DD válida");
		return INDICATORS_BAD_DATE;
	}
	if (desde != NULL && desde[0] != '\0' && hasta != NULL && hasta[0] != '\0' &&
	    strcmp(desde, hasta) > 0) {
		set_error(err, errlen, "desde (%s) es posterior a hasta (%s)", desde, hasta);
		return INDICATORS_BAD_DATE;
	}
	return INDICATORS_OK;
}

static long indicators_meta(const struct config *cfg, const char *tipo_tramite)
{
	long meta = config_sla_days(cfg, tipo_tramite);

	return meta > 0 ? meta : cfg->sla_otro;
}

static char *indicators_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct indicators_load_ctx {
	const struct config *cfg;
	const struct calendar *cal;
	const char *now;
	struct indicators_set *set;
};

static int indicators_load_row(const struct store_sla_row *r, void *arg)
{
	struct indicators_load_ctx *ctx = arg;
	struct indicators_set *set = ctx->set;
	struct indicators_filing *f;
	char day[CALENDAR_DATE_LEN];

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	f = &set->v[set->n++];
	memset(f, 0, sizeof(*f));
	f->radicado_id = r->radicado_id;
	f->numero = xstrdup(r->numero);
	f->fecha_radicacion = xstrdup(r->fecha_radicacion);
	f->asunto = xstrdup(r->asunto);
	f->dependencia_origen = xstrdup(r->dependencia_origen);
	f->dependencia_origen_nombre = xstrdup(r->dependencia_origen_nombre);
	f->estado_ds = xstrdup(r->estado_ds);
	f->tipo_tramite = xstrdup(r->tipo_tramite);
	f->modalidad = xstrdup(r->modalidad);
	f->novedad = xstrdup(r->novedad);
	f->tipo_gestion = xstrdup(r->tipo_gestion);
	f->abogado_id = r->abogado_id;
	f->abogado = xstrdup(r->abogado);
	f->fecha_reparto = indicators_dup(r->fecha_reparto);
	f->estado = xstrdup(r->estado);
	f->concluido_satisfactorio = r->concluido_satisfactorio;
	f->fecha_conclusion = indicators_dup(r->fecha_conclusion);
	f->numero_contrato = xstrdup(r->numero_contrato);
	f->contratista = xstrdup(r->contratista);
	f->valor = r->valor;
	f->valor_presente = r->valor_presente;
	f->fecha_rp = indicators_dup(r->fecha_rp);
	f->fecha_aprobacion_garantias = indicators_dup(r->fecha_aprobacion_garantias);
	f->fecha_arl = indicators_dup(r->fecha_arl);
	f->fecha_acta_inicio = indicators_dup(r->fecha_acta_inicio);
	f->publicado_secop = r->publicado_secop;
	f->observaciones = xstrdup(r->observaciones);
	f->notas = xstrdup(r->notas);
	/* The clock's now was checked by indicators_load: this cannot fail. */
	indicators_sla_compute(ctx->cal, indicators_meta(ctx->cfg, r->tipo_tramite), r, ctx->now,
			       &f->sla);
	f->devoluciones = f->sla.devoluciones > 0 ? f->sla.devoluciones : r->devoluciones;
	strlcpy_s(day, r->fecha_radicacion, sizeof(day));
	f->en_periodo = (set->desde[0] == '\0' || strcmp(day, set->desde) >= 0) &&
			(set->hasta[0] == '\0' || strcmp(day, set->hasta) <= 0);
	return 0;
}

static int indicators_load_user(const struct store_user *u, void *arg)
{
	struct indicators_set *set = arg;

	set->usuarios = xrealloc(set->usuarios, (set->n_usuarios + 1) * sizeof(*set->usuarios));
	set->usuarios[set->n_usuarios++] = *u;
	return 0;
}

static void indicators_set_init(struct indicators_set *set)
{
	memset(set, 0, sizeof(*set));
}

enum indicators_rc indicators_load(struct store *s, const struct config *cfg,
				   const struct calendar *cal, const char *desde, const char *hasta,
				   const char *now, int only_period, struct indicators_set *set,
				   char *err, size_t errlen)
{
	struct store_sla_query q;
	struct indicators_load_ctx ctx;
	char nowbuf[UTIL_ISO_LEN];
	char hasta_excl[CALENDAR_DATE_LEN];
	enum indicators_rc rc;

	indicators_set_init(set);
	rc = indicators_check_period(desde, hasta, err, errlen);
	if (rc != INDICATORS_OK)
		return rc;
	now = indicators_now(now, nowbuf);
	if (!indicators_valid_instant(cal, now)) {
		set_error(err, errlen, "instante de corte inválido");
		return INDICATORS_BAD_INPUT;
	}
	if (desde != NULL)
		strlcpy_s(set->desde, desde, sizeof(set->desde));
	if (hasta != NULL)
		strlcpy_s(set->hasta, hasta, sizeof(set->hasta));
	strlcpy_s(set->corte, now, sizeof(set->corte));
	/* The period's filings, and (unless only_period) the open ones of any date. */
	memset(&q, 0, sizeof(q));
	q.desde = set->desde[0] != '\0' ? set->desde : NULL;
	if (set->hasta[0] != '\0') {
		util_date_add(set->hasta, 1, hasta_excl);
		q.hasta_excl = hasta_excl;
	}
	q.mas_abiertos = !only_period;
	ctx.cfg = cfg;
	ctx.cal = cal;
	ctx.now = now;
	ctx.set = set;
	if (store_sla_rows(s, &q, indicators_load_row, &ctx) != 0 ||
	    store_user_list(s, indicators_load_user, set) != 0) {
		set_error(err, errlen, "no se pudieron leer los radicados: %s", store_errmsg(s));
		return INDICATORS_INTERNAL;
	}
	return INDICATORS_OK;
}

static void indicators_filing_free(struct indicators_filing *f)
{
	char **texts[] = {
	    &f->numero,
	    &f->fecha_radicacion,
	    &f->asunto,
	    &f->dependencia_origen,
	    &f->dependencia_origen_nombre,
	    &f->estado_ds,
	    &f->tipo_tramite,
	    &f->modalidad,
	    &f->novedad,
	    &f->tipo_gestion,
	    &f->abogado,
	    &f->fecha_reparto,
	    &f->estado,
	    &f->fecha_conclusion,
	    &f->numero_contrato,
	    &f->contratista,
	    &f->fecha_rp,
	    &f->fecha_aprobacion_garantias,
	    &f->fecha_arl,
	    &f->fecha_acta_inicio,
	    &f->observaciones,
	    &f->notas,
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		free(*texts[i]);
		*texts[i] = NULL;
	}
	indicators_sla_free(&f->sla);
}

void indicators_set_free(struct indicators_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		indicators_filing_free(&set->v[i]);
	free(set->v);
	free(set->usuarios);
	indicators_set_init(set);
}

/* ---- Figures: every count keeps its filings */

struct indicators_list {
	const struct indicators_filing **v;
	size_t n, cap;
};

static void indicators_list_add(struct indicators_list *l, const struct indicators_filing *f)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = f;
}

static void indicators_list_free(struct indicators_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static json_t *indicators_numeros(const struct indicators_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]->numero));
	return a;
}

/* {"n": N, "radicados": [...]} */
static json_t *indicators_count_json(const struct indicators_list *l)
{
	return json_pack("{s:I, s:o}", "n", (json_int_t)l->n, "radicados", indicators_numeros(l));
}

static double indicators_round2(double x)
{
	return round(x * INDICATORS_PERCENT) / INDICATORS_PERCENT;
}

static int indicators_cmp_long(const void *pa, const void *pb)
{
	long a = *(const long *)pa;
	long b = *(const long *)pb;

	return (a > b) - (a < b);
}

/* Percentile p of sorted v (n > 0), interpolating between ranks like PERCENTIL.INC. */
static double indicators_percentile(const long *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return (double)v[n - 1];
	return (double)v[lo] + (h - (double)lo) * (double)(v[lo + 1] - v[lo]);
}

/* Measurements (numero, days): {"n", "mediana", "p90", "mediciones": [{numero, dias}]}. */
struct indicators_times {
	json_t *mediciones;
	long *dias;
	size_t n;
};

static void indicators_times_init(struct indicators_times *t)
{
	t->mediciones = json_array();
	t->dias = NULL;
	t->n = 0;
}

static void indicators_times_add(struct indicators_times *t, const char *numero, long dias)
{
	if ((t->n & (t->n - 1)) == 0) /* 0, 1, 2, 4...: double the room */
		t->dias = xrealloc(t->dias, (t->n ? t->n * 2 : 1) * sizeof(*t->dias));
	t->dias[t->n++] = dias;
	json_array_append_new(t->mediciones,
			      json_pack("{s:s, s:I}", "numero", numero, "dias", (json_int_t)dias));
}

/* Returns the JSON and frees t's storage. */
static json_t *indicators_times_json(struct indicators_times *t)
{
	json_t *o;
	json_t *med = json_null();
	json_t *p90 = json_null();

	if (t->n > 0) {
		qsort(t->dias, t->n, sizeof(*t->dias), indicators_cmp_long);
		med = json_real(
		    indicators_round2(indicators_percentile(t->dias, t->n, INDICATORS_MEDIAN)));
		p90 = json_real(
		    indicators_round2(indicators_percentile(t->dias, t->n, INDICATORS_P90)));
	}
	o = json_pack("{s:I, s:o, s:o, s:o}", "n", (json_int_t)t->n, "mediana", med, "p90", p90,
		      "mediciones", t->mediciones);
	free(t->dias);
	return o;
}

static int indicators_measured(const struct indicators_filing *f)
{
	return f->sla.reloj != INDICATORS_CLOCK_NO_APLICA;
}

static int indicators_is_open(const struct indicators_filing *f)
{
	return f->sla.reloj == INDICATORS_CLOCK_CORRIENDO ||
	       f->sla.reloj == INDICATORS_CLOCK_PAUSADO;
}

/* Open in the follow-up (assigned and not concluded): the current load. */
static int indicators_is_load(const struct indicators_filing *f)
{
	return indicators_measured(f) &&
	       (strcmp(f->estado, "repartido") == 0 || strcmp(f->estado, "en_revision") == 0 ||
		strcmp(f->estado, "devuelto") == 0);
}

/* {"porcentaje", "base", "dentro": {n, radicados}, "fuera": {n, radicados}}: the concluded
 * filings within target among the concluded ones and the open ones already overdue. */
static json_t *indicators_compliance_json(const struct indicators_list *l)
{
	struct indicators_list in = {NULL, 0, 0};
	struct indicators_list out = {NULL, 0, 0};
	json_t *o;
	size_t base;

	for (size_t i = 0; i < l->n; i++) {
		const struct indicators_filing *f = l->v[i];

		if (f->sla.reloj == INDICATORS_CLOCK_DETENIDO) {
			if (f->sla.usados <= f->sla.meta)
				indicators_list_add(&in, f);
			else
				indicators_list_add(&out, f);
		} else if (indicators_is_open(f) && f->sla.estado == INDICATORS_SLA_VENCIDO) {
			indicators_list_add(&out, f);
		}
	}
	base = in.n + out.n;
	o = json_pack("{s:o, s:I, s:o, s:o}", "porcentaje",
		      base > 0 ? json_real(indicators_round2(INDICATORS_PERCENT * (double)in.n /
							     (double)base))
			       : json_null(),
		      "base", (json_int_t)base, "dentro", indicators_count_json(&in), "fuera",
		      indicators_count_json(&out));
	indicators_list_free(&in);
	indicators_list_free(&out);
	return o;
}

/* The figures of a group of filings of the period (annulled ones already left out):
 * first (recibidos / asignados), sin_repartir, en_curso, concluidos, dias_habiles of the
 * concluded ones, dentro_meta. Returns a new object. */
static json_t *indicators_group_json(const struct indicators_list *l, const char *first)
{
	struct indicators_list pending = {NULL, 0, 0};
	struct indicators_list open = {NULL, 0, 0};
	struct indicators_list done = {NULL, 0, 0};
	struct indicators_times t;
	json_t *o = json_object();

	indicators_times_init(&t);
	for (size_t i = 0; i < l->n; i++) {
		const struct indicators_filing *f = l->v[i];

		if (f->sla.reloj == INDICATORS_CLOCK_SIN_INICIAR) {
			indicators_list_add(&pending, f);
		} else if (f->sla.reloj == INDICATORS_CLOCK_DETENIDO) {
			indicators_list_add(&done, f);
			indicators_times_add(&t, f->numero, f->sla.usados);
		} else {
			indicators_list_add(&open, f);
		}
	}
	json_object_set_new(o, first, indicators_count_json(l));
	json_object_set_new(o, "sin_repartir", indicators_count_json(&pending));
	json_object_set_new(o, "en_curso", indicators_count_json(&open));
	json_object_set_new(o, "concluidos", indicators_count_json(&done));
	json_object_set_new(o, "dias_habiles", indicators_times_json(&t));
	json_object_set_new(o, "dentro_meta", indicators_compliance_json(l));
	indicators_list_free(&pending);
	indicators_list_free(&open);
	indicators_list_free(&done);
	return o;
}

/* The filings of the period that count (received in it, not annulled). */
static int indicators_counts(const struct indicators_filing *f)
{
	return f->en_periodo && indicators_measured(f);
}

static json_t *indicators_item_json(const struct indicators_filing *f)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:I, s:I, s:o, s:s}", "numero",
			 f->numero, "fecha_radicacion", f->fecha_radicacion, "asunto", f->asunto,
			 "abogado_id",
			 f->abogado_id > 0 ? json_integer(f->abogado_id) : json_null(), "abogado",
			 indicators_str_or_null(f->abogado), "tipo_tramite", f->tipo_tramite,
			 "meta", (json_int_t)f->sla.meta, "dias_usados", (json_int_t)f->sla.usados,
			 "dias_restantes", (json_int_t)f->sla.restantes, "fecha_limite",
			 indicators_str_or_null(f->sla.fecha_limite), "reloj",
			 indicators_clock_name(f->sla.reloj));
}

static int indicators_urgent_cmp(const void *pa, const void *pb)
{
	const struct indicators_filing *a = *(const struct indicators_filing *const *)pa;
	const struct indicators_filing *b = *(const struct indicators_filing *const *)pb;

	if (a->sla.restantes != b->sla.restantes)
		return (a->sla.restantes > b->sla.restantes) -
		       (a->sla.restantes < b->sla.restantes);
	return strcmp(a->numero, b->numero);
}

/* The open filings (any filing date) in state st, fewest days left first. */
static json_t *indicators_state_list(const struct indicators_set *set, enum indicators_state st)
{
	struct indicators_list l = {NULL, 0, 0};
	json_t *a = json_array();

	for (size_t i = 0; i < set->n; i++) {
		if (indicators_is_open(&set->v[i]) && set->v[i].sla.estado == st)
			indicators_list_add(&l, &set->v[i]);
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), indicators_urgent_cmp);
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, indicators_item_json(l.v[i]));
	indicators_list_free(&l);
	return a;
}

static json_t *indicators_office_json(const struct indicators_set *set)
{
	struct indicators_list all = {NULL, 0, 0};
	struct indicators_list annulled = {NULL, 0, 0};
	struct indicators_list returned = {NULL, 0, 0};
	long returns = 0;
	json_t *o;

	for (size_t i = 0; i < set->n; i++) {
		const struct indicators_filing *f = &set->v[i];

		if (!f->en_periodo)
			continue;
		if (!indicators_measured(f)) {
			indicators_list_add(&annulled, f);
			continue;
		}
		indicators_list_add(&all, f);
		if (f->devoluciones > 0) {
			indicators_list_add(&returned, f);
			returns += f->devoluciones;
		}
	}
	o = indicators_group_json(&all, "recibidos");
	json_object_set_new(o, "anulados", indicators_count_json(&annulled));
	json_object_set_new(o, "devoluciones",
			    json_pack("{s:I, s:o}", "n", (json_int_t)returns, "radicados",
				      indicators_numeros(&returned)));
	indicators_list_free(&all);
	indicators_list_free(&annulled);
	indicators_list_free(&returned);
	return o;
}

/* One lawyer: who, and whether any figure names them. */
struct indicators_lawyer {
	long long id;
	const char *nombre;
	int activo;
};

static int indicators_lawyer_cmp(const void *pa, const void *pb)
{
	const struct indicators_lawyer *a = pa;
	const struct indicators_lawyer *b = pb;
	int c = strcmp(a->nombre, b->nombre);

	if (c != 0)
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* The lawyers to list: users of rol abogado that are active or hold a loaded filing (of
 * the period, or open), and any other user that holds one. Returns a new array (caller
 * frees) and its size in *n. */
static struct indicators_lawyer *indicators_lawyers(const struct indicators_set *set, size_t *n)
{
	struct indicators_lawyer *v = xcalloc(set->n_usuarios + set->n + 1, sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; i < set->n_usuarios; i++) {
		const struct store_user *u = &set->usuarios[i];
		int holds = 0;

		for (size_t j = 0; j < set->n && !holds; j++)
			holds = set->v[j].abogado_id == u->id;
		if (!holds && !(strcmp(u->rol, "abogado") == 0 && u->activo))
			continue;
		v[k].id = u->id;
		v[k].nombre = u->nombre;
		v[k].activo = u->activo;
		k++;
	}
	for (size_t j = 0; j < set->n; j++) {
		int known = 0;

		if (set->v[j].abogado_id <= 0)
			continue;
		for (size_t i = 0; i < k && !known; i++)
			known = v[i].id == set->v[j].abogado_id;
		if (known)
			continue;
		v[k].id = set->v[j].abogado_id;
		v[k].nombre = set->v[j].abogado;
		v[k].activo = 0;
		k++;
	}
	qsort(v, k, sizeof(*v), indicators_lawyer_cmp);
	*n = k;
	return v;
}

static json_t *indicators_per_lawyer_json(const struct indicators_set *set)
{
	json_t *a = json_array();
	size_t n;
	struct indicators_lawyer *lawyers = indicators_lawyers(set, &n);

	for (size_t i = 0; i < n; i++) {
		struct indicators_list load = {NULL, 0, 0};
		struct indicators_list period = {NULL, 0, 0};
		json_t *o;
		json_t *head;

		for (size_t j = 0; j < set->n; j++) {
			const struct indicators_filing *f = &set->v[j];

			if (f->abogado_id != lawyers[i].id)
				continue;
			if (indicators_is_load(f))
				indicators_list_add(&load, f);
			if (indicators_counts(f))
				indicators_list_add(&period, f);
		}
		head = json_pack("{s:I, s:s, s:b, s:o}", "abogado_id", (json_int_t)lawyers[i].id,
				 "abogado", lawyers[i].nombre, "activo", lawyers[i].activo,
				 "carga_actual", indicators_count_json(&load));
		o = indicators_group_json(&period, "asignados");
		json_object_update(head, o);
		json_decref(o);
		json_array_append_new(a, head);
		indicators_list_free(&load);
		indicators_list_free(&period);
	}
	free(lawyers);
	return a;
}

static json_t *indicators_per_tipo_json(const struct indicators_set *set, const struct config *cfg)
{
	json_t *a = json_array();

	for (size_t k = 0; k < INDICATORS_NTIPOS; k++) {
		struct indicators_list l = {NULL, 0, 0};
		json_t *o;

		for (size_t j = 0; j < set->n; j++) {
			if (indicators_counts(&set->v[j]) &&
			    strcmp(set->v[j].tipo_tramite, indicators_tipos[k]) == 0)
				indicators_list_add(&l, &set->v[j]);
		}
		o = json_pack("{s:s, s:I}", "tipo_tramite", indicators_tipos[k], "meta",
			      (json_int_t)indicators_meta(cfg, indicators_tipos[k]));
		json_object_update_new(o, indicators_group_json(&l, "recibidos"));
		json_array_append_new(a, o);
		indicators_list_free(&l);
	}
	return a;
}

static json_t *indicators_per_modalidad_json(const struct indicators_set *set)
{
	json_t *a = json_array();

	for (size_t k = 0; k < INDICATORS_NMODALIDADES; k++) {
		struct indicators_list l = {NULL, 0, 0};
		json_t *o;

		for (size_t j = 0; j < set->n; j++) {
			if (indicators_counts(&set->v[j]) &&
			    strcmp(set->v[j].modalidad, indicators_modalidades[k]) == 0)
				indicators_list_add(&l, &set->v[j]);
		}
		/* "" (modality not yet known) only when some filing has it. */
		if (indicators_modalidades[k][0] == '\0' && l.n == 0) {
			indicators_list_free(&l);
			continue;
		}
		o = json_pack("{s:s}", "modalidad", indicators_modalidades[k]);
		json_object_update_new(o, indicators_group_json(&l, "recibidos"));
		json_array_append_new(a, o);
		indicators_list_free(&l);
	}
	return a;
}

/* One requesting area: its filings of the period. */
struct indicators_area {
	const char *codigo;
	const char *nombre; /* of its latest filing with a name */
	struct indicators_list l;
};

static int indicators_area_cmp(const void *pa, const void *pb)
{
	const struct indicators_area *a = pa;
	const struct indicators_area *b = pb;

	if (a->l.n != b->l.n)
		return (a->l.n < b->l.n) - (a->l.n > b->l.n);
	return strcmp(a->codigo, b->codigo);
}

static json_t *indicators_area_json(const struct indicators_area *ar)
{
	struct indicators_list returned = {NULL, 0, 0};
	struct indicators_list pending = {NULL, 0, 0};
	struct indicators_times t;
	long returns = 0;
	json_t *o;

	indicators_times_init(&t);
	for (size_t i = 0; i < ar->l.n; i++) {
		const struct indicators_filing *f = ar->l.v[i];
		int open_return = 0;

		if (f->devoluciones > 0) {
			indicators_list_add(&returned, f);
			returns += f->devoluciones;
		}
		for (size_t c = 0; c < f->sla.n_correcciones; c++) {
			const struct indicators_correction *co = &f->sla.correcciones[c];

			if (co->cerrada)
				indicators_times_add(&t, f->numero, co->dias);
			else if (co->reingreso[0] == '\0' &&
				 f->sla.reloj != INDICATORS_CLOCK_DETENIDO)
				open_return = 1;
		}
		if (open_return)
			indicators_list_add(&pending, f);
	}
	o = json_pack("{s:s, s:s, s:o, s:{s:I, s:o, s:o}, s:o, s:o}", "dependencia_origen",
		      ar->codigo, "nombre", ar->nombre, "recibidos", indicators_count_json(&ar->l),
		      "devoluciones", "n", (json_int_t)returns, "por_solicitud",
		      ar->l.n > 0 ? json_real(indicators_round2((double)returns / (double)ar->l.n))
				  : json_null(),
		      "radicados", indicators_numeros(&returned), "correccion_dias",
		      indicators_times_json(&t), "correcciones_pendientes",
		      indicators_count_json(&pending));
	indicators_list_free(&returned);
	indicators_list_free(&pending);
	return o;
}

static json_t *indicators_per_area_json(const struct indicators_set *set)
{
	struct indicators_area *areas = xcalloc(set->n + 1, sizeof(*areas));
	size_t n = 0;
	json_t *a = json_array();

	for (size_t j = 0; j < set->n; j++) {
		const struct indicators_filing *f = &set->v[j];
		struct indicators_area *ar = NULL;

		if (!indicators_counts(f))
			continue;
		for (size_t i = 0; i < n && ar == NULL; i++) {
			if (strcmp(areas[i].codigo, f->dependencia_origen) == 0)
				ar = &areas[i];
		}
		if (ar == NULL) {
			ar = &areas[n++];
			ar->codigo = f->dependencia_origen;
			ar->nombre = "";
		}
		/* set is in filing-date order: the last name seen is the latest. */
		if (f->dependencia_origen_nombre[0] != '\0')
			ar->nombre = f->dependencia_origen_nombre;
		indicators_list_add(&ar->l, f);
	}
	qsort(areas, n, sizeof(*areas), indicators_area_cmp);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, indicators_area_json(&areas[i]));
		indicators_list_free(&areas[i].l);
	}
	free(areas);
	return a;
}

json_t *indicators_summarize(const struct indicators_set *set, const struct config *cfg)
{
	json_t *metas = json_object();
	json_t *o;

	for (size_t k = 0; k < INDICATORS_NTIPOS; k++)
		json_object_set_new(metas, indicators_tipos[k],
				    json_integer(indicators_meta(cfg, indicators_tipos[k])));
	o = json_object();
	json_object_set_new(
	    o, "periodo",
	    json_pack("{s:o, s:o, s:s}", "desde", indicators_str_or_null(set->desde), "hasta",
		      indicators_str_or_null(set->hasta), "criterio",
		      "Solicitudes radicadas en el periodo (fecha de radicación, hora de Bogotá, "
		      "ambos extremos incluidos); la carga actual y las listas de vencidos y por "
		      "vencer cuentan todo radicado abierto al corte."));
	json_object_set_new(o, "corte", json_string(set->corte));
	json_object_set_new(o, "metas", metas);
	json_object_set_new(o, "oficina", indicators_office_json(set));
	json_object_set_new(o, "por_abogado", indicators_per_lawyer_json(set));
	json_object_set_new(o, "por_tipo_tramite", indicators_per_tipo_json(set, cfg));
	json_object_set_new(o, "por_modalidad", indicators_per_modalidad_json(set));
	json_object_set_new(o, "por_area", indicators_per_area_json(set));
	json_object_set_new(o, "vencidos", indicators_state_list(set, INDICATORS_SLA_VENCIDO));
	json_object_set_new(o, "por_vencer", indicators_state_list(set, INDICATORS_SLA_POR_VENCER));
	return o;
}

enum indicators_rc indicators_build(struct store *s, const struct config *cfg,
				    const struct calendar *cal, const char *desde,
				    const char *hasta, const char *now, json_t **out, char *err,
				    size_t errlen)
{
	struct indicators_set set;
	enum indicators_rc rc;

	*out = NULL;
	rc = indicators_load(s, cfg, cal, desde, hasta, now, 0, &set, err, errlen);
	if (rc == INDICATORS_OK)
		*out = indicators_summarize(&set, cfg);
	indicators_set_free(&set);
	return rc;
}

/* ---- One filing, the overdue ids */

struct indicators_one_ctx {
	const struct config *cfg;
	const struct calendar *cal;
	const char *now;
	json_t *sla;
	struct buf *ids;
	size_t nids;
};

static int indicators_one_row(const struct store_sla_row *r, void *arg)
{
	struct indicators_one_ctx *ctx = arg;
	struct indicators_sla sla;

	indicators_sla_compute(ctx->cal, indicators_meta(ctx->cfg, r->tipo_tramite), r, ctx->now,
			       &sla);
	if (ctx->ids == NULL) {
		json_decref(ctx->sla);
		ctx->sla = indicators_sla_json(&sla);
	} else if ((sla.reloj == INDICATORS_CLOCK_CORRIENDO ||
		    sla.reloj == INDICATORS_CLOCK_PAUSADO) &&
		   sla.estado == INDICATORS_SLA_VENCIDO) {
		buf_printf(ctx->ids, "%s%lld", ctx->nids > 0 ? "," : "", r->radicado_id);
		ctx->nids++;
	}
	indicators_sla_free(&sla);
	return 0;
}

enum indicators_rc indicators_sla_for(struct store *s, const struct config *cfg,
				      const struct calendar *cal, const char *numero,
				      const char *now, json_t **out, char *err, size_t errlen)
{
	struct store_sla_query q;
	struct indicators_one_ctx ctx;
	char nowbuf[UTIL_ISO_LEN];

	*out = NULL;
	memset(&q, 0, sizeof(q));
	memset(&ctx, 0, sizeof(ctx));
	q.numero = numero;
	ctx.cfg = cfg;
	ctx.cal = cal;
	ctx.now = indicators_now(now, nowbuf);
	if (!indicators_valid_instant(cal, ctx.now)) {
		set_error(err, errlen, "instante de corte inválido");
		return INDICATORS_BAD_INPUT;
	}
	if (store_sla_rows(s, &q, indicators_one_row, &ctx) != 0) {
		json_decref(ctx.sla);
		set_error(err, errlen, "no se pudo leer el radicado: %s", store_errmsg(s));
		return INDICATORS_INTERNAL;
	}
	if (ctx.sla == NULL) {
		set_error(err, errlen, "no hay un radicado con ese número");
		return INDICATORS_NOT_FOUND;
	}
	*out = ctx.sla;
	return INDICATORS_OK;
}

enum indicators_rc indicators_overdue_ids(struct store *s, const struct config *cfg,
					  const struct calendar *cal, const char *now,
					  struct buf *out, char *err, size_t errlen)
{
	struct store_sla_query q;
	struct indicators_one_ctx ctx;
	char nowbuf[UTIL_ISO_LEN];
	struct buf ids;
	enum indicators_rc rc = INDICATORS_OK;

	memset(&q, 0, sizeof(q));
	memset(&ctx, 0, sizeof(ctx));
	q.solo_abiertos = 1;
	buf_init(&ids);
	ctx.cfg = cfg;
	ctx.cal = cal;
	ctx.now = indicators_now(now, nowbuf);
	ctx.ids = &ids;
	if (!indicators_valid_instant(cal, ctx.now)) {
		set_error(err, errlen, "instante de corte inválido");
		rc = INDICATORS_BAD_INPUT;
	} else if (store_sla_rows(s, &q, indicators_one_row, &ctx) != 0) {
		set_error(err, errlen, "no se pudieron leer los plazos: %s", store_errmsg(s));
		rc = INDICATORS_INTERNAL;
	} else {
		buf_printf(out, "[%s]", ids.len > 0 ? ids.data : "");
	}
	buf_free(&ids);
	return rc;
}

/* ---- Reparto suggestion */

struct indicators_candidate {
	const struct store_user *u;
	long score;
	long open;
	long urgent;
	long min_left; /* of its running filings; LONG_MAX when none runs */
	json_t *radicados;
};

static int indicators_candidate_cmp(const void *pa, const void *pb)
{
	const struct indicators_candidate *a = pa;
	const struct indicators_candidate *b = pb;

	if (a->score != b->score)
		return (a->score > b->score) - (a->score < b->score);
	if (a->urgent != b->urgent)
		return (a->urgent > b->urgent) - (a->urgent < b->urgent);
	if (a->min_left != b->min_left)
		return (a->min_left < b->min_left) - (a->min_left > b->min_left);
	return (a->u->id > b->u->id) - (a->u->id < b->u->id);
}

static int indicators_known_tipo(const char *tipo)
{
	for (size_t k = 0; k < INDICATORS_NTIPOS; k++) {
		if (strcmp(tipo, indicators_tipos[k]) == 0)
			return 1;
	}
	return 0;
}

static void indicators_candidate_add(struct indicators_candidate *c,
				     const struct indicators_filing *f)
{
	int running = f->sla.reloj == INDICATORS_CLOCK_CORRIENDO;
	int urgent = running && (f->sla.estado == INDICATORS_SLA_VENCIDO ||
				 f->sla.estado == INDICATORS_SLA_POR_VENCER);
	long weight = f->sla.meta * (urgent ? INDICATORS_URGENT_FACTOR : 1);

	c->score += weight;
	c->open++;
	c->urgent += urgent;
	if (running && f->sla.restantes < c->min_left)
		c->min_left = f->sla.restantes;
	json_array_append_new(c->radicados,
			      json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:o}", "numero",
					f->numero, "tipo_tramite", f->tipo_tramite, "meta",
					(json_int_t)f->sla.meta, "peso", (json_int_t)weight,
					"dias_restantes", (json_int_t)f->sla.restantes, "estado",
					indicators_state_name(f->sla.estado), "reloj",
					indicators_clock_name(f->sla.reloj), "fecha_limite",
					indicators_str_or_null(f->sla.fecha_limite)));
}

enum indicators_rc indicators_suggest_reparto(struct store *s, const struct config *cfg,
					      const struct calendar *cal, const char *tipo_tramite,
					      const char *now, json_t **out, char *err,
					      size_t errlen)
{
	struct indicators_set set;
	struct indicators_candidate *cands;
	size_t n = 0;
	char due[CALENDAR_DATE_LEN] = "";
	enum indicators_rc rc;
	json_t *list;
	long meta;

	*out = NULL;
	if (tipo_tramite == NULL || !indicators_known_tipo(tipo_tramite)) {
		set_error(err, errlen,
			  "tipo_tramite debe ser contratacion_directa, proceso_seleccion, "
			  "novedad_contractual, liquidacion_terminacion u otro");
		return INDICATORS_BAD_INPUT;
	}
	meta = indicators_meta(cfg, tipo_tramite);
	rc = indicators_load(s, cfg, cal, NULL, NULL, now, 0, &set, err, errlen);
	if (rc != INDICATORS_OK) {
		indicators_set_free(&set);
		return rc;
	}
	cands = xcalloc(set.n_usuarios + 1, sizeof(*cands));
	for (size_t i = 0; i < set.n_usuarios; i++) {
		const struct store_user *u = &set.usuarios[i];
		struct indicators_candidate *c;

		if (strcmp(u->rol, "abogado") != 0 || !u->activo)
			continue;
		c = &cands[n++];
		c->u = u;
		c->min_left = LONG_MAX;
		c->radicados = json_array();
		for (size_t j = 0; j < set.n; j++) {
			if (set.v[j].abogado_id == u->id && indicators_is_load(&set.v[j]))
				indicators_candidate_add(c, &set.v[j]);
		}
	}
	qsort(cands, n, sizeof(*cands), indicators_candidate_cmp);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct indicators_candidate *c = &cands[i];

		json_array_append_new(
		    list,
		    json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "posicion",
			      (json_int_t)(i + 1), "abogado_id", (json_int_t)c->u->id, "abogado",
			      c->u->nombre, "puntaje", (json_int_t)c->score, "puntaje_si_se_asigna",
			      (json_int_t)(c->score + meta), "abiertos", (json_int_t)c->open,
			      "urgentes", (json_int_t)c->urgent, "dias_restantes_min",
			      c->min_left == LONG_MAX ? json_null() : json_integer(c->min_left),
			      "radicados", c->radicados));
	}
	calendar_add_business_days(cal, set.corte, meta, due);
	*out = json_pack(
	    "{s:s, s:I, s:s, s:o, s:s, s:o}", "tipo_tramite", tipo_tramite, "meta",
	    (json_int_t)meta, "corte", set.corte, "fecha_limite_si_se_asigna",
	    indicators_str_or_null(due), "criterio",
	    "Cada radicado abierto del abogado pesa la meta de su tipo en días hábiles; si su "
	    "reloj corre y está vencido o por vencer pesa el doble. Primero el menor puntaje; a "
	    "igual puntaje, menos urgentes, luego más días restantes en el más apremiante. La "
	    "decisión es de la Dirección.",
	    "abogados", list);
	free(cands);
	indicators_set_free(&set);
	return INDICATORS_OK;
}

/* ---- The calendar's routes and command */

enum indicators_rc indicators_holidays_json(const struct calendar *cal, const char *anio,
					    json_t **out, char *err, size_t errlen)
{
	struct calendar_holiday *days;
	long year;
	int n;
	json_t *list;

	*out = NULL;
	if (anio == NULL || parse_long(anio, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, &year) < 0) {
		set_error(err, errlen, "anio debe ser un año entre %d y %d", CALENDAR_MIN_YEAR,
			  CALENDAR_MAX_YEAR);
		return INDICATORS_BAD_INPUT;
	}
	n = calendar_days_off(cal, (int)year, NULL, 0);
	if (n < 0) {
		set_error(err, errlen, "no se pudo calcular el calendario de %ld", year);
		return INDICATORS_INTERNAL;
	}
	days = xcalloc((size_t)n + 1, sizeof(*days));
	calendar_days_off(cal, (int)year, days, (size_t)n);
	list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    list, json_pack("{s:s, s:s}", "fecha", days[i].date, "nombre", days[i].name));
	free(days);
	*out =
	    json_pack("{s:I, s:I, s:o}", "anio", (json_int_t)year, "dias_habiles",
		      (json_int_t)calendar_business_days_in_year(cal, (int)year), "festivos", list);
	return INDICATORS_OK;
}

enum indicators_rc indicators_add_days_json(const struct calendar *cal, const char *desde,
					    const char *dias, json_t **out, char *err,
					    size_t errlen)
{
	char start[CALENDAR_DATE_LEN];
	char result[CALENDAR_DATE_LEN];
	long n;

	*out = NULL;
	if (desde == NULL) {
		set_error(err, errlen, "falta desde: una fecha AAAA-MM-DD");
		return INDICATORS_BAD_INPUT;
	}
	if (strlen(desde) >= INDICATORS_ISO_LEN ||
	    calendar_effective_start(cal, desde, start) < 0) {
		set_error(err, errlen, "desde debe ser una fecha AAAA-MM-DD entre %d y %d",
			  CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
		return INDICATORS_BAD_DATE;
	}
	if (dias == NULL || parse_long(dias, 0, INDICATORS_MAX_ADD_DAYS, &n) < 0) {
		set_error(err, errlen, "dias debe ser un entero entre 0 y %d",
			  INDICATORS_MAX_ADD_DAYS);
		return INDICATORS_BAD_INPUT;
	}
	if (calendar_add_business_days(cal, desde, n, result) < 0) {
		set_error(err, errlen, "el resultado cae fuera del calendario (año %d)",
			  CALENDAR_MAX_YEAR);
		return INDICATORS_BAD_DATE;
	}
	*out = json_pack("{s:s, s:I, s:s, s:s}", "desde", desde, "dias", (json_int_t)n, "inicio",
			 start, "resultado", result);
	return INDICATORS_OK;
}

struct calendar *indicators_calendar_new(const struct config *cfg, char *err, size_t errlen)
{
	return calendar_new(cfg->closing_minutes,
			    (const char(*)[CALENDAR_DATE_LEN])cfg->non_working_days,
			    cfg->non_working_count, err, errlen);
}
