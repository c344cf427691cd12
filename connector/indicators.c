/* indicators.c -- filings loaded with their SLA clocks for a period, the indicators and one
 * filing's clock for the API, the overdue ids, the reparto suggestion, the calendar routes. */
#include "indicators.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicators_int.h"
#include "indicators_summary.h"
#include "util.h"

const char *const indicators_tipos[] = {
    "contratacion_directa",
    "proceso_seleccion",
    "novedad_contractual",
    "liquidacion_terminacion",
    "otro",
};
const size_t indicators_ntipos = sizeof(indicators_tipos) / sizeof(indicators_tipos[0]);

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

static const char *indicators_now(const char *now, char buf[UTIL_ISO_LEN])
{
	if (now != NULL)
		return now;
	util_now_iso(buf);
	return buf;
}

json_t *indicators_str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
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

long indicators_meta(const struct config *cfg, const char *tipo_tramite)
{
	long meta = config_sla_days(cfg, tipo_tramite);

	return meta > 0 ? meta : cfg->sla_otro;
}

/* The texts of a filing: copied from the store's row into indicators_filing (NULL stays
 * NULL) and freed from it, by one list. */
#define INDICATORS_TEXT(field)                                                                     \
	{                                                                                          \
		offsetof(struct indicators_filing, field), offsetof(struct store_sla_row, field)   \
	}
static const struct {
	size_t filing; /* of a char * in struct indicators_filing */
	size_t row;    /* of the const char * in struct store_sla_row */
} indicators_texts[] = {
    /* The first INDICATORS_NFIGURE_TEXTS: what the indicators read (their own load). */
    INDICATORS_TEXT(numero),
    INDICATORS_TEXT(fecha_radicacion),
    INDICATORS_TEXT(asunto),
    INDICATORS_TEXT(dependencia_origen),
    INDICATORS_TEXT(dependencia_origen_nombre),
    INDICATORS_TEXT(tipo_tramite),
    INDICATORS_TEXT(modalidad),
    INDICATORS_TEXT(abogado),
    INDICATORS_TEXT(estado),
    INDICATORS_TEXT(gestiones),
    /* The export's too. */
    INDICATORS_TEXT(estado_ds),
    INDICATORS_TEXT(novedad),
    INDICATORS_TEXT(tipo_gestion),
    INDICATORS_TEXT(fecha_reparto),
    INDICATORS_TEXT(fecha_conclusion),
    INDICATORS_TEXT(numero_contrato),
    INDICATORS_TEXT(contratista),
    INDICATORS_TEXT(fecha_rp),
    INDICATORS_TEXT(fecha_aprobacion_garantias),
    INDICATORS_TEXT(fecha_arl),
    INDICATORS_TEXT(fecha_acta_inicio),
    INDICATORS_TEXT(observaciones),
    INDICATORS_TEXT(notas),
    INDICATORS_TEXT(objeto),
    INDICATORS_TEXT(fecha_suscripcion),
    INDICATORS_TEXT(linea_paa),
    INDICATORS_TEXT(hitos),
};
#define INDICATORS_NTEXTS (sizeof(indicators_texts) / sizeof(indicators_texts[0]))
#define INDICATORS_NFIGURE_TEXTS 10

/* The texts of a set's filings: copied into chunks freed all at once, and those of the
 * fields with few values (tipo, modalidad, estado, lawyer, area) kept once each, so a load of
 * 100,000 filings does not make a million allocations. */
#define INDICATORS_TEXT_CHUNK 65536 /* bytes of a chunk */
#define INDICATORS_TEXT_SHARED 64   /* distinct values kept once a field; then copied */
struct indicators_text_chunk {
	struct indicators_text_chunk *next;
	size_t used, cap;
	char data[];
};
struct indicators_texts {
	struct indicators_text_chunk *chunks;
	struct indicators_text_shared {
		const char *v[INDICATORS_TEXT_SHARED];
		size_t n;
		size_t last; /* the last one found: rows of a field often repeat it */
	} shared[INDICATORS_NTEXTS];
};

/* 1 for the fields of indicators_texts whose values repeat across filings. */
static int indicators_text_repeats(size_t row_offset)
{
	static const size_t repeats[] = {
	    offsetof(struct store_sla_row, dependencia_origen),
	    offsetof(struct store_sla_row, dependencia_origen_nombre),
	    offsetof(struct store_sla_row, tipo_tramite),
	    offsetof(struct store_sla_row, modalidad),
	    offsetof(struct store_sla_row, abogado),
	    offsetof(struct store_sla_row, estado),
	    offsetof(struct store_sla_row, estado_ds),
	    offsetof(struct store_sla_row, novedad),
	    offsetof(struct store_sla_row, tipo_gestion),
	};

	for (size_t i = 0; i < sizeof(repeats) / sizeof(repeats[0]); i++) {
		if (repeats[i] == row_offset)
			return 1;
	}
	return 0;
}

/* A copy of v owned by t (NULL stays NULL). */
static char *indicators_text_copy(struct indicators_texts *t, const char *v)
{
	struct indicators_text_chunk *c = t->chunks;
	size_t len;

	if (v == NULL)
		return NULL;
	len = strlen(v) + 1;
	if (c == NULL || c->cap - c->used < len) {
		size_t cap = len > INDICATORS_TEXT_CHUNK ? len : INDICATORS_TEXT_CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->next = t->chunks;
		c->used = 0;
		c->cap = cap;
		t->chunks = c;
	}
	memcpy(c->data + c->used, v, len);
	c->used += len;
	return c->data + c->used - len;
}

/* Text i of indicators_texts for a filing: the kept copy of a repeating value, else a new
 * copy. Owned by t. */
static char *indicators_text_of_row(struct indicators_texts *t, size_t i, const char *v)
{
	struct indicators_text_shared *sh = &t->shared[i];
	char *copy;

	if (v == NULL || !indicators_text_repeats(indicators_texts[i].row))
		return indicators_text_copy(t, v);
	if (sh->n > 0 && strcmp(sh->v[sh->last], v) == 0)
		return (char *)sh->v[sh->last];
	for (size_t k = 0; k < sh->n; k++) {
		if (strcmp(sh->v[k], v) == 0) {
			sh->last = k;
			return (char *)sh->v[k];
		}
	}
	copy = indicators_text_copy(t, v);
	if (sh->n < INDICATORS_TEXT_SHARED) {
		sh->last = sh->n;
		sh->v[sh->n++] = copy;
	}
	return copy;
}

static void indicators_texts_free(struct indicators_texts *t)
{
	struct indicators_text_chunk *c;

	if (t == NULL)
		return;
	while (t->chunks != NULL) {
		c = t->chunks;
		t->chunks = c->next;
		free(c);
	}
	free(t);
}

static char **indicators_text_of(struct indicators_filing *f, size_t i)
{
	return (char **)(void *)((char *)f + indicators_texts[i].filing);
}

struct indicators_load_ctx {
	const struct config *cfg;
	const struct calendar *cal;
	const char *now;
	struct indicators_set *set;
	size_t ntexts; /* of indicators_texts to copy */
	int counts;    /* a counts read (store_sla_query.conteos) */
};

/* The SLA block of a filing at now: the one place every reader of the clocks gets it from.
 * The follow-up row's stored block when the store gave one (of now's day): from its members'
 * columns (the figures' load), else from its text; else worked out from the row's gestiones
 * (r->eventos). */
static void indicators_filing_sla(const struct config *cfg, const struct calendar *cal,
				  const struct store_sla_row *r, const char *now,
				  struct indicators_sla *sla)
{
	if (r->sla_cols) {
		if (indicators_sla_from_members(&r->sla_members, sla) == 0)
			return;
		indicators_sla_free(sla);
	}
	if (r->sla != NULL) {
		if (indicators_sla_from_text(r->sla, sla) == 0)
			return;
		indicators_sla_free(sla);
	}
	indicators_sla_compute(cal, indicators_meta(cfg, r->tipo_tramite), r, now, sla);
}

/* The name of user id among the set's users (read in id order), "" when none: what the
 * full read's join gives. */
static const char *indicators_user_name(const struct indicators_set *set, long long id)
{
	size_t lo = 0, hi = set->n_usuarios;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->usuarios[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->n_usuarios && set->usuarios[lo].id == id ? set->usuarios[lo].nombre : "";
}

static int indicators_load_row(const struct store_sla_row *r, void *arg)
{
	struct indicators_load_ctx *ctx = arg;
	struct indicators_set *set = ctx->set;
	struct indicators_filing *f;
	struct store_sla_row named;
	char day[CALENDAR_DATE_LEN];

	if (ctx->counts) { /* the lawyer's name is ours to give */
		named = *r;
		named.abogado = indicators_user_name(set, r->abogado_id);
		r = &named;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	f = &set->v[set->n++];
	memset(f, 0, sizeof(*f));
	f->radicado_id = r->radicado_id;
	for (size_t i = 0; i < ctx->ntexts; i++)
		*indicators_text_of(f, i) = indicators_text_of_row(
		    set->texts, i,
		    *(const char *const *)(const void *)((const char *)r +
							 indicators_texts[i].row));
	f->abogado_id = r->abogado_id;
	f->concluido_satisfactorio = r->concluido_satisfactorio;
	f->valor = r->valor;
	f->valor_presente = r->valor_presente;
	f->publicado_secop = r->publicado_secop;
	if (!ctx->counts) {
		/* The clock's now was checked by indicators_load: this cannot fail. */
		indicators_filing_sla(ctx->cfg, ctx->cal, r, ctx->now, &f->sla);
	} else if (indicators_sla_from_cifras(r->cifras, &f->sla) < 0) {
		/* not a record this version wrote: the caller reads the full rows */
		return STORE_SLA_NOT_FRESH;
	}
	f->devoluciones = f->sla.devoluciones > 0 ? f->sla.devoluciones : r->devoluciones;
	f->dias_hasta_reparto = -1;
	if (f->sla.inicio[0] != '\0') {
		long d =
		    calendar_business_days_between(ctx->cal, r->fecha_radicacion, f->sla.inicio);

		f->dias_hasta_reparto = d < 0 ? 0 : d;
	}
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

/* What a load reads of each filing. */
enum indicators_read {
	INDICATORS_READ_ALL = 0, /* every text (the export) */
	INDICATORS_READ_FIGURES, /* the texts the figures and their lists read */
	INDICATORS_READ_COUNTS	 /* the figures' counts only: store_sla_query.conteos */
};

/* indicators_load on a base; the indicators (base set) also read every filing's gestiones. */
static enum indicators_rc indicators_load_on(struct store *s, const struct config *cfg,
					     const struct calendar *cal, const char *desde,
					     const char *hasta, const char *now, int only_period,
					     const enum indicators_base *base,
					     enum indicators_read what, int open_only,
					     struct indicators_set *set, char *err, size_t errlen)
{
	int figures_only = what != INDICATORS_READ_ALL;
	int rc_rows;
	struct store_sla_query q;
	struct indicators_load_ctx ctx;
	char nowbuf[UTIL_ISO_LEN];
	char hasta_excl[CALENDAR_DATE_LEN];
	enum indicators_rc rc;
	long long filings;

	indicators_set_init(set);
	set->texts = xcalloc(1, sizeof(*set->texts));
	rc = indicators_check_period(desde, hasta, err, errlen);
	if (rc != INDICATORS_OK)
		return rc;
	now = indicators_now(now, nowbuf);
	if (!indicators_sla_valid_instant(cal, now)) {
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
	/* The last day dates can name (9999-12-31) has no next day: it bounds nothing. */
	if (set->hasta[0] != '\0' && util_date_add(set->hasta, 1, hasta_excl) == 0)
		q.hasta_excl = hasta_excl;
	q.mas_abiertos = !only_period;
	q.solo_abiertos = open_only;
	q.solo_cifras = figures_only;
	q.conteos = what == INDICATORS_READ_COUNTS;
	/* the blocks stored for now's day serve; only the stale rows replay their gestiones */
	q.sla_now = now;
	if (base != NULL) {
		set->base = *base;
		q.con_gestiones = 1;
		q.actividad = *base == INDICATORS_BASE_ACTIVIDAD;
	}
	ctx.cfg = cfg;
	ctx.cal = cal;
	ctx.now = now;
	ctx.set = set;
	ctx.ntexts = figures_only ? INDICATORS_NFIGURE_TEXTS : INDICATORS_NTEXTS;
	ctx.counts = q.conteos;
	/* the users first: a counts read names the lawyers from them (store_sla_query.conteos) */
	if (store_user_list(s, indicators_load_user, set) != 0) {
		set_error(err, errlen, "no se pudieron leer los radicados: %s", store_errmsg(s));
		return INDICATORS_INTERNAL;
	}
	if (q.conteos)
		set->subjects = s;
	/* Room for every filing at once: growing by doubling copied the array (54,000 filings
	 * of a year, 26 MB) three times into fresh pages, a third of a year's indicators. Pages
	 * of it no row reaches are never touched. */
	if (store_filings_count(s, &filings) == 0 && filings > 0) {
		set->cap = (size_t)filings;
		set->v = xmalloc(set->cap * sizeof(*set->v));
	}
	rc_rows = store_sla_rows(s, &q, indicators_load_row, &ctx);
	if (rc_rows == STORE_SLA_NOT_FRESH) {
		/* a stored block the day's refresh could not write (a busy database): the full
		 * rows, whose clocks are worked out from their gestiones */
		indicators_set_free(set);
		return indicators_load_on(s, cfg, cal, desde, hasta, now, only_period, base,
					  INDICATORS_READ_FIGURES, open_only, set, err, errlen);
	}
	if (rc_rows != 0) {
		set_error(err, errlen, "no se pudieron leer los radicados: %s", store_errmsg(s));
		return INDICATORS_INTERNAL;
	}
	return INDICATORS_OK;
}

enum indicators_rc indicators_load(struct store *s, const struct config *cfg,
				   const struct calendar *cal, const char *desde, const char *hasta,
				   const char *now, int only_period, struct indicators_set *set,
				   char *err, size_t errlen)
{
	return indicators_load_on(s, cfg, cal, desde, hasta, now, only_period, NULL,
				  INDICATORS_READ_ALL, 0, set, err, errlen);
}

enum indicators_rc indicators_load_figures(struct store *s, const struct config *cfg,
					   const struct calendar *cal, const char *desde,
					   const char *hasta, const char *now,
					   enum indicators_base base, struct indicators_set *set,
					   char *err, size_t errlen)
{
	return indicators_load_on(s, cfg, cal, desde, hasta, now, 0, &base, INDICATORS_READ_FIGURES,
				  0, set, err, errlen);
}

enum indicators_rc indicators_load_base(struct store *s, const struct config *cfg,
					const struct calendar *cal, const char *desde,
					const char *hasta, const char *now, int only_period,
					enum indicators_base base, struct indicators_set *set,
					char *err, size_t errlen)
{
	return indicators_load_on(s, cfg, cal, desde, hasta, now, only_period, &base,
				  INDICATORS_READ_ALL, 0, set, err, errlen);
}

/* The texts are the set's (indicators_texts_free). */
static void indicators_filing_free(struct indicators_filing *f)
{
	for (size_t i = 0; i < INDICATORS_NTEXTS; i++)
		*indicators_text_of(f, i) = NULL;
	indicators_sla_free(&f->sla);
}

void indicators_set_free(struct indicators_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		indicators_filing_free(&set->v[i]);
	if (set->numeros != NULL) {
		for (size_t i = 0; i < set->n; i++)
			json_decref(set->numeros[i]);
	}
	free(set->numeros);
	free(set->v);
	free(set->usuarios);
	indicators_texts_free(set->texts);
	indicators_set_init(set);
}

/* ---- What a filing counts for, and the indicators */

int indicators_measured(const struct indicators_filing *f)
{
	return f->sla.reloj != INDICATORS_CLOCK_NO_APLICA;
}

/* Open in the follow-up (assigned and not concluded): the current load. */
int indicators_is_load(const struct indicators_filing *f)
{
	return indicators_measured(f) &&
	       (strcmp(f->estado, "repartido") == 0 || strcmp(f->estado, "en_revision") == 0 ||
		strcmp(f->estado, "devuelto") == 0);
}

const char *indicators_base_name(enum indicators_base base)
{
	return base == INDICATORS_BASE_ACTIVIDAD ? "actividad" : "radicacion";
}

enum indicators_rc indicators_build(struct store *s, const struct config *cfg,
				    const struct calendar *cal, const char *desde,
				    const char *hasta, const char *now, json_t **out, char *err,
				    size_t errlen)
{
	return indicators_build_on(s, cfg, cal, desde, hasta, INDICATORS_BASE_RADICACION, now, out,
				   err, errlen);
}

enum indicators_rc indicators_build_on(struct store *s, const struct config *cfg,
				       const struct calendar *cal, const char *desde,
				       const char *hasta, enum indicators_base base,
				       const char *now, json_t **out, char *err, size_t errlen)
{
	return indicators_build_detail(s, cfg, cal, desde, hasta, base, INDICATORS_DETAIL_FULL, now,
				       out, err, errlen);
}

enum indicators_rc indicators_build_detail(struct store *s, const struct config *cfg,
					   const struct calendar *cal, const char *desde,
					   const char *hasta, enum indicators_base base,
					   enum indicators_detail detail, const char *now,
					   json_t **out, char *err, size_t errlen)
{
	struct indicators_set set;
	enum indicators_rc rc;

	*out = NULL;
	/* the counts name no filing but the first urgent ones: the narrow read serves them */
	rc = indicators_load_on(s, cfg, cal, desde, hasta, now, 0, &base,
				detail == INDICATORS_DETAIL_COUNTS ? INDICATORS_READ_COUNTS
								   : INDICATORS_READ_FIGURES,
				0, &set, err, errlen);
	if (rc == INDICATORS_OK) {
		set.detalle = detail == INDICATORS_DETAIL_REFS ? INDICATORS_DETAIL_FULL : detail;
		if (set.detalle == INDICATORS_DETAIL_FULL)
			set.numeros = xcalloc(set.n + 1, sizeof(*set.numeros));
		*out = indicators_summary_json(&set, cfg);
	}
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

	indicators_filing_sla(ctx->cfg, ctx->cal, r, ctx->now, &sla);
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
	if (!indicators_sla_valid_instant(cal, ctx.now)) {
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
	q.sla_now = ctx.now;
	ctx.ids = &ids;
	if (!indicators_sla_valid_instant(cal, ctx.now)) {
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
	long min_left;	   /* of its running filings; LONG_MAX when none runs */
	json_t *radicados; /* with detalle only, else NULL */
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
	for (size_t k = 0; k < indicators_ntipos; k++) {
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
	if (c->radicados == NULL)
		return;
	json_array_append_new(c->radicados,
			      json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:o}", "numero",
					f->numero, "tipo_tramite", f->tipo_tramite, "meta",
					(json_int_t)f->sla.meta, "peso", (json_int_t)weight,
					"dias_restantes", (json_int_t)f->sla.restantes, "estado",
					indicators_sla_state_name(f->sla.estado), "reloj",
					indicators_sla_clock_name(f->sla.reloj), "fecha_limite",
					indicators_str_or_null(f->sla.fecha_limite)));
}

enum indicators_rc indicators_suggest_reparto(struct store *s, const struct config *cfg,
					      const struct calendar *cal, const char *tipo_tramite,
					      int detalle, const char *now, json_t **out, char *err,
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
	/* The load is the open filings' only (indicators_is_load). */
	rc = indicators_load_on(s, cfg, cal, NULL, NULL, now, 0, NULL, INDICATORS_READ_FIGURES, 1,
				&set, err, errlen);
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
		c->radicados = detalle ? json_array() : NULL;
		for (size_t j = 0; j < set.n; j++) {
			if (set.v[j].abogado_id == u->id && indicators_is_load(&set.v[j]))
				indicators_candidate_add(c, &set.v[j]);
		}
	}
	qsort(cands, n, sizeof(*cands), indicators_candidate_cmp);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct indicators_candidate *c = &cands[i];

		json_t *o =
		    json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:o}", "posicion",
			      (json_int_t)(i + 1), "abogado_id", (json_int_t)c->u->id, "abogado",
			      c->u->nombre, "puntaje", (json_int_t)c->score, "puntaje_si_se_asigna",
			      (json_int_t)(c->score + meta), "abiertos", (json_int_t)c->open,
			      "urgentes", (json_int_t)c->urgent, "dias_restantes_min",
			      c->min_left == LONG_MAX ? json_null() : json_integer(c->min_left));

		if (c->radicados != NULL)
			json_object_set_new(o, "radicados", c->radicados);
		json_array_append_new(list, o);
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

/* ---- The calendar's routes */

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

/* Raise it whenever the SLA block's members or rules change (e.g. a new member), so that
 * the blocks stored on the follow-up rows are all worked out again. */
#define INDICATORS_SLA_RULES 1

char *indicators_sla_print(const struct config *cfg)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "reglas=%d;cierre=%d;por_vencer=%d;metas=%ld,%ld,%ld,%ld,%ld;no_habiles=",
		   INDICATORS_SLA_RULES, cfg->closing_minutes, INDICATORS_POR_VENCER_DAYS,
		   cfg->sla_contratacion_directa, cfg->sla_proceso_seleccion,
		   cfg->sla_novedad_contractual, cfg->sla_liquidacion_terminacion, cfg->sla_otro);
	for (size_t i = 0; i < cfg->non_working_count; i++)
		buf_printf(&b, "%s%s", i > 0 ? "," : "", cfg->non_working_days[i]);
	return buf_steal(&b);
}

char *indicators_sla_text(void *arg, struct store *s, const char *numero, const char *now,
			  char *err, size_t errlen)
{
	const struct indicators_sla_ctx *ctx = arg;
	json_t *sla = NULL;
	enum indicators_rc rc =
	    indicators_sla_for(s, ctx->cfg, ctx->cal, numero, now, &sla, err, errlen);
	char *text;

	if (rc == INDICATORS_NOT_FOUND)
		return xstrdup("null");
	if (rc != INDICATORS_OK)
		return NULL;
	text = json_dumps(sla, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	json_decref(sla);
	if (text == NULL)
		set_error(err, errlen, "el bloque sla no se pudo escribir");
	return text;
}
