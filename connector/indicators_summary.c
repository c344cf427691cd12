/* indicators_summary.c -- the office's indicators of a loaded set: volumes, business-day
 * times, compliance per lawyer, tipo, modality and area, each figure with its filings. */
#include "indicators_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "indicators_int.h"
#include "util.h"
#include "workflow.h"

#define INDICATORS_SUMMARY_P90 0.9
#define INDICATORS_SUMMARY_MEDIAN 0.5
#define INDICATORS_SUMMARY_PERCENT 100.0
#define INDICATORS_SUMMARY_COUNT_SORT 4 /* indicators_summary_sort_days: range per value */
#define INDICATORS_SUMMARY_KIND_LEN 64	/* a gestion tipo and its NUL; longer ones are skipped */

/* The modalities in the order the indicators list them; "" (not yet known) last. */
static const char *const indicators_summary_modalidades[] = {
    "licitacion_publica", "seleccion_abreviada", "concurso_meritos", "contratacion_directa",
    "minima_cuantia",	  "acuerdo_marco",	 "regimen_especial", "",
};
#define INDICATORS_SUMMARY_NMODALIDADES                                                            \
	(sizeof(indicators_summary_modalidades) / sizeof(indicators_summary_modalidades[0]))

/* A list of filings. A figure's list in the counts-only answer only counts (tally): it
 * never stores the filings. */
struct indicators_summary_list {
	const struct indicators_filing **v;
	size_t n, cap;
	int tally;
};

/* The initialiser of a figure's list for set's answer. */
#define INDICATORS_SUMMARY_FIGURE(set)                                                             \
	{                                                                                          \
		NULL, 0, 0, (set)->detalle == INDICATORS_DETAIL_COUNTS                             \
	}

static void indicators_summary_list_add(struct indicators_summary_list *l,
					const struct indicators_filing *f)
{
	if (l->tally) {
		l->n++;
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = f;
}

static void indicators_summary_list_free(struct indicators_summary_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* f's numero as a JSON string: a new reference to the one the set keeps for it
 * (set->numeros), or a new string when it keeps none. */
static json_t *indicators_summary_numero(const struct indicators_set *set,
					 const struct indicators_filing *f)
{
	size_t i = (size_t)(f - set->v);

	if (set->numeros == NULL || i >= set->n)
		return json_string(f->numero);
	if (set->numeros[i] == NULL)
		set->numeros[i] = json_string(f->numero);
	return json_incref(set->numeros[i]);
}

static json_t *indicators_summary_numeros(const struct indicators_set *set,
					  const struct indicators_summary_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, indicators_summary_numero(set, l->v[i]));
	return a;
}

/* Moves the filings of l into the set's refs (l is left empty). Returns the list's index. */
static size_t indicators_summary_ref(const struct indicators_set *set,
				     struct indicators_summary_list *l)
{
	struct indicators_refs *r = set->refs;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->lists = xrealloc(r->lists, r->cap * sizeof(*r->lists));
	}
	r->lists[r->n].v = l->v;
	r->lists[r->n].n = l->n;
	memset(l, 0, sizeof(*l));
	return r->n++;
}

/* A figure of n on the filings of l, as the set's answer shows it: {"n"}, {"n",
 * "radicados": [numeros]} or {"n", "lista": K}. In the last case l's filings move to the
 * refs. */
static json_t *indicators_summary_figure_json(const struct indicators_set *set, size_t n,
					      struct indicators_summary_list *l)
{
	json_t *o = json_pack("{s:I}", "n", (json_int_t)n);

	if (set->detalle == INDICATORS_DETAIL_FULL)
		json_object_set_new(o, "radicados", indicators_summary_numeros(set, l));
	else if (set->detalle == INDICATORS_DETAIL_REFS)
		json_object_set_new(o, "lista",
				    json_integer((json_int_t)indicators_summary_ref(set, l)));
	return o;
}

/* {"n": N, ...}: the count of l's filings (indicators_summary_figure_json). */
static json_t *indicators_summary_count_json(const struct indicators_set *set,
					     struct indicators_summary_list *l)
{
	return indicators_summary_figure_json(set, l->n, l);
}

static double indicators_summary_round2(double x)
{
	return round(x * INDICATORS_SUMMARY_PERCENT) / INDICATORS_SUMMARY_PERCENT;
}

static int indicators_summary_cmp_long(const void *pa, const void *pb)
{
	long a = *(const long *)pa;
	long b = *(const long *)pb;

	return (a > b) - (a < b);
}

/* Percentile p of sorted v (n > 0), interpolating between ranks like PERCENTIL.INC. */
static double indicators_summary_percentile(const long *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return (double)v[n - 1];
	return (double)v[lo] + (h - (double)lo) * (double)(v[lo + 1] - v[lo]);
}

/* Sorts the n > 0 days of v, ascending. Business days span a narrow range, so when the
 * range is under INDICATORS_SUMMARY_COUNT_SORT times n they are sorted by counting in
 * O(n + range) (a qsort of 100,000 of them cost more than the rest of the answer). */
static void indicators_summary_sort_days(long *v, size_t n)
{
	long lo = v[0], hi = v[0];
	size_t *count;
	size_t k = 0;

	for (size_t i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	if ((unsigned long)hi - (unsigned long)lo >= INDICATORS_SUMMARY_COUNT_SORT * n) {
		qsort(v, n, sizeof(*v), indicators_summary_cmp_long);
		return;
	}
	count = xcalloc((size_t)((unsigned long)hi - (unsigned long)lo) + 1, sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[(unsigned long)v[i] - (unsigned long)lo]++;
	for (unsigned long d = 0; k < n; d++) {
		for (size_t c = count[d]; c > 0; c--)
			v[k++] = (long)((unsigned long)lo + d);
	}
	free(count);
}

/* Measurements (filing, days): {"n", "mediana", "p90"}, with "mediciones": [{numero,
 * dias}] in the full answer and "lista" (one item a measurement) in the refs one. */
struct indicators_summary_times {
	const struct indicators_set *set;
	json_t *mediciones;			/* INDICATORS_DETAIL_FULL */
	struct indicators_summary_list filings; /* INDICATORS_DETAIL_REFS */
	long *dias;
	size_t n;
};

static void indicators_summary_times_init(struct indicators_summary_times *t,
					  const struct indicators_set *set)
{
	memset(t, 0, sizeof(*t));
	t->set = set;
	if (set->detalle == INDICATORS_DETAIL_FULL)
		t->mediciones = json_array();
}

static void indicators_summary_times_add(struct indicators_summary_times *t,
					 const struct indicators_filing *f, long dias)
{
	if ((t->n & (t->n - 1)) == 0) /* 0, 1, 2, 4...: double the room */
		t->dias = xrealloc(t->dias, (t->n ? t->n * 2 : 1) * sizeof(*t->dias));
	t->dias[t->n++] = dias;
	if (t->mediciones != NULL)
		json_array_append_new(t->mediciones, json_pack("{s:o, s:I}", "numero",
							       indicators_summary_numero(t->set, f),
							       "dias", (json_int_t)dias));
	else if (t->set->detalle == INDICATORS_DETAIL_REFS)
		indicators_summary_list_add(&t->filings, f);
}

/* Returns the JSON and frees t's storage. */
static json_t *indicators_summary_times_json(struct indicators_summary_times *t)
{
	json_t *o;
	json_t *med = json_null();
	json_t *p90 = json_null();

	if (t->n > 0) {
		indicators_summary_sort_days(t->dias, t->n);
		med = json_real(indicators_summary_round2(
		    indicators_summary_percentile(t->dias, t->n, INDICATORS_SUMMARY_MEDIAN)));
		p90 = json_real(indicators_summary_round2(
		    indicators_summary_percentile(t->dias, t->n, INDICATORS_SUMMARY_P90)));
	}
	o = json_pack("{s:I, s:o, s:o}", "n", (json_int_t)t->n, "mediana", med, "p90", p90);
	if (t->mediciones != NULL)
		json_object_set_new(o, "mediciones", t->mediciones);
	else if (t->set->detalle == INDICATORS_DETAIL_REFS)
		json_object_set_new(
		    o, "lista",
		    json_integer((json_int_t)indicators_summary_ref(t->set, &t->filings)));
	free(t->dias);
	return o;
}

static int indicators_summary_is_open(const struct indicators_filing *f)
{
	return f->sla.reloj == INDICATORS_CLOCK_CORRIENDO ||
	       f->sla.reloj == INDICATORS_CLOCK_PAUSADO;
}

/* {"porcentaje", "base", "dentro", "fuera"} of the filings within target (in) and not (out);
 * frees both lists. */
static json_t *indicators_summary_compliance_pack(const struct indicators_set *set,
						  struct indicators_summary_list *in,
						  struct indicators_summary_list *out)
{
	size_t base = in->n + out->n;
	json_t *o =
	    json_pack("{s:o, s:I, s:o, s:o}", "porcentaje",
		      base > 0 ? json_real(indicators_summary_round2(INDICATORS_SUMMARY_PERCENT *
								     (double)in->n / (double)base))
			       : json_null(),
		      "base", (json_int_t)base, "dentro", indicators_summary_count_json(set, in),
		      "fuera", indicators_summary_count_json(set, out));

	indicators_summary_list_free(in);
	indicators_summary_list_free(out);
	return o;
}

/* {"porcentaje", "base", "dentro": {n, radicados}, "fuera": {n, radicados}}: the concluded
 * filings within target among the concluded ones and the open ones already overdue. */
static json_t *indicators_summary_compliance_json(const struct indicators_set *set,
						  const struct indicators_summary_list *l)
{
	struct indicators_summary_list in = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list out = INDICATORS_SUMMARY_FIGURE(set);

	for (size_t i = 0; i < l->n; i++) {
		const struct indicators_filing *f = l->v[i];

		if (f->sla.reloj == INDICATORS_CLOCK_DETENIDO) {
			if (f->sla.usados <= f->sla.meta)
				indicators_summary_list_add(&in, f);
			else
				indicators_summary_list_add(&out, f);
		} else if (indicators_summary_is_open(f) &&
			   f->sla.estado == INDICATORS_SLA_VENCIDO) {
			indicators_summary_list_add(&out, f);
		}
	}
	return indicators_summary_compliance_pack(set, &in, &out);
}

/* ---- The base actividad: what happened in the period (indicators.h) */

static int indicators_summary_actividad(const struct indicators_set *set)
{
	return set->base == INDICATORS_BASE_ACTIVIDAD;
}

/* 1 when the Bogotá day of the instant iso (NULL, "": never) falls in the set's period. */
static int indicators_summary_in_period(const struct indicators_set *set, const char *iso)
{
	char day[CALENDAR_DATE_LEN];

	if (iso == NULL || iso[0] == '\0')
		return 0;
	strlcpy_s(day, iso, sizeof(day));
	return (set->desde[0] == '\0' || strcmp(day, set->desde) >= 0) &&
	       (set->hasta[0] == '\0' || strcmp(day, set->hasta) <= 0);
}

/* Steps *p over the next gestion of a gestiones text ("tipo|fecha;...", already those of
 * the period under actividad, every one under radicacion): its tipo (the text before the
 * '|', not NUL-terminated) in *kind and *len. Items without a '|' have no tipo and are
 * skipped. Returns 0 at the end of the text. */
static int indicators_summary_next_gestion(const char **p, const char **kind, size_t *len)
{
	while (**p != '\0') {
		const char *at = *p;
		size_t item = strcspn(at, ";");
		/* libc's vectorised scans: a loop over the bytes cost about 3 times more */
		const char *bar = memchr(at, '|', item);

		*p += item;
		if (**p == ';')
			(*p)++;
		if (bar != NULL) {
			*kind = at;
			*len = (size_t)(bar - at);
			return 1;
		}
	}
	return 0;
}

/* 1 when the tipo of a gestion (kind, len: indicators_summary_next_gestion) is tipo. */
static int indicators_summary_kind_is(const char *kind, size_t len, const char *tipo)
{
	return strlen(tipo) == len && memcmp(kind, tipo, len) == 0;
}

/* Under actividad: 1 when a conclusion on a day of the period stopped f's clock (the latest
 * such), with the business days used up to it in *used. */
static int indicators_summary_concluded_in(const struct indicators_set *set,
					   const struct indicators_filing *f, long *used)
{
	long sum = 0;
	int found = 0;

	for (size_t i = 0; i < f->sla.n_rondas; i++) {
		const struct indicators_round *r = &f->sla.rondas[i];

		sum += r->dias;
		if (r->termina != NULL && strcmp(r->termina, "conclusion") == 0 &&
		    indicators_summary_in_period(set, r->fin)) {
			*used = sum;
			found = 1;
		}
	}
	return found;
}

/* Under actividad: 1 when something of f happened in the period. */
static int indicators_summary_active(const struct indicators_set *set,
				     const struct indicators_filing *f)
{
	long used;

	return f->en_periodo || (f->gestiones != NULL && f->gestiones[0] != '\0') ||
	       indicators_summary_in_period(set, f->sla.inicio) ||
	       indicators_summary_concluded_in(set, f, &used);
}

int indicators_summary_in_base(const struct indicators_set *set, const struct indicators_filing *f)
{
	return indicators_summary_actividad(set) ? indicators_summary_active(set, f)
						 : f->en_periodo;
}

/* What the figures ask of one filing, worked out once per answer: each filing falls in
 * several groups (office, lawyer, tipo, modality, area), and parsing its gestiones or
 * walking its rounds again for each group made the answer cost groups x filings. */
struct indicators_summary_fact {
	long reparto, reasignacion, devolucion; /* its gestiones of each kind */
	long used;	/* concluded: business days used up to the conclusion of the period */
	int concluded;	/* actividad: indicators_summary_concluded_in */
	int started_in; /* the clock's start (sla.inicio) falls in the period */
	int counts;	/* one of the period's filings that count (indicators_summary_counts) */
};

/* An answer being built: the set and the facts of its filings (facts[i] is set->v[i]'s). */
struct indicators_summary {
	const struct indicators_set *set;
	struct indicators_summary_fact *facts;
};

static void indicators_summary_fact_init(const struct indicators_set *set,
					 const struct indicators_filing *f,
					 struct indicators_summary_fact *fa)
{
	const char *p = f->gestiones != NULL ? f->gestiones : "";
	const char *kind;
	size_t len;

	memset(fa, 0, sizeof(*fa));
	while (indicators_summary_next_gestion(&p, &kind, &len)) {
		fa->reparto += indicators_summary_kind_is(kind, len, "reparto");
		fa->reasignacion += indicators_summary_kind_is(kind, len, "reasignacion");
		fa->devolucion += indicators_summary_kind_is(kind, len, "devolucion");
	}
	fa->started_in = indicators_summary_in_period(set, f->sla.inicio);
	if (indicators_summary_actividad(set)) {
		fa->concluded = indicators_summary_concluded_in(set, f, &fa->used);
		fa->counts = f->en_periodo || (f->gestiones != NULL && f->gestiones[0] != '\0') ||
			     fa->started_in || fa->concluded;
	} else {
		fa->used = f->sla.usados;
		fa->counts = f->en_periodo;
	}
	fa->counts = fa->counts && indicators_measured(f);
}

/* Works out the facts of every filing of set; indicators_summary_done frees them. */
static void indicators_summary_start(struct indicators_summary *s, const struct indicators_set *set)
{
	s->set = set;
	s->facts = xcalloc(set->n + 1, sizeof(*s->facts));
	for (size_t i = 0; i < set->n; i++)
		indicators_summary_fact_init(set, &set->v[i], &s->facts[i]);
}

static void indicators_summary_done(struct indicators_summary *s)
{
	free(s->facts);
	s->facts = NULL;
}

/* The facts of f, a filing of s's set. Borrowed. */
static const struct indicators_summary_fact *
indicators_summary_fact(const struct indicators_summary *s, const struct indicators_filing *f)
{
	return &s->facts[f - s->set->v];
}

/* The filings of the period that count (not annulled; received in it, or under actividad
 * with something done in it). */
static int indicators_summary_counts(const struct indicators_summary *s,
				     const struct indicators_filing *f)
{
	return indicators_summary_fact(s, f)->counts;
}

/* Under actividad: 1 when f was assigned (reparto or reasignacion) in the period. */
static int indicators_summary_assigned_in(const struct indicators_summary *s,
					  const struct indicators_filing *f)
{
	const struct indicators_summary_fact *fa = indicators_summary_fact(s, f);

	return fa->started_in || fa->reparto > 0 || fa->reasignacion > 0;
}

/* Under actividad, dentro_meta: the conclusions of the period within target or not, and the
 * open filings already vencido whose fecha_limite fell in it. */
static json_t *indicators_summary_activity_compliance_json(const struct indicators_summary *s,
							   const struct indicators_summary_list *l)
{
	struct indicators_summary_list in = INDICATORS_SUMMARY_FIGURE(s->set);
	struct indicators_summary_list out = INDICATORS_SUMMARY_FIGURE(s->set);

	for (size_t i = 0; i < l->n; i++) {
		const struct indicators_filing *f = l->v[i];
		const struct indicators_summary_fact *fa = indicators_summary_fact(s, f);

		if (fa->concluded) {
			if (fa->used <= f->sla.meta)
				indicators_summary_list_add(&in, f);
			else
				indicators_summary_list_add(&out, f);
		} else if (indicators_summary_is_open(f) &&
			   f->sla.estado == INDICATORS_SLA_VENCIDO &&
			   indicators_summary_in_period(s->set, f->sla.fecha_limite)) {
			indicators_summary_list_add(&out, f);
		}
	}
	return indicators_summary_compliance_pack(s->set, &in, &out);
}

/* tiempo_hasta_reparto of l: arrival to first reparto, of the filings assigned (radicacion)
 * or first assigned in the period (actividad). */
static json_t *indicators_summary_to_reparto_json(const struct indicators_summary *s,
						  const struct indicators_summary_list *l)
{
	struct indicators_summary_times t;
	int act = indicators_summary_actividad(s->set);

	indicators_summary_times_init(&t, s->set);
	for (size_t i = 0; i < l->n; i++) {
		const struct indicators_filing *f = l->v[i];

		if (f->dias_hasta_reparto < 0)
			continue;
		if (act && !indicators_summary_fact(s, f)->started_in)
			continue;
		indicators_summary_times_add(&t, f, f->dias_hasta_reparto);
	}
	return indicators_summary_times_json(&t);
}

/* The figures of a group of filings of the period (annulled ones already left out):
 * first (recibidos / asignados), repartidos, sin_repartir, en_curso, concluidos,
 * dias_habiles of the concluded ones, dentro_meta, on the set's base. Returns a new
 * object. */
static json_t *indicators_summary_group_json(const struct indicators_summary *s,
					     const struct indicators_summary_list *l,
					     const char *first)
{
	const struct indicators_set *set = s->set;
	struct indicators_summary_list head = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list assigned = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list pending = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list open = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list done = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_times t;
	int act = indicators_summary_actividad(set);
	int by_assignment = strcmp(first, "asignados") == 0;
	json_t *o = json_object();

	indicators_summary_times_init(&t, set);
	for (size_t i = 0; i < l->n; i++) {
		const struct indicators_filing *f = l->v[i];
		const struct indicators_summary_fact *fa = indicators_summary_fact(s, f);

		if (!act || (by_assignment ? indicators_summary_assigned_in(s, f) : f->en_periodo))
			indicators_summary_list_add(&head, f);
		if (act ? fa->started_in : f->sla.inicio[0] != '\0')
			indicators_summary_list_add(&assigned, f);
		if (f->sla.reloj == INDICATORS_CLOCK_SIN_INICIAR)
			indicators_summary_list_add(&pending, f);
		else if (f->sla.reloj != INDICATORS_CLOCK_DETENIDO)
			indicators_summary_list_add(&open, f);
		if (act ? fa->concluded : f->sla.reloj == INDICATORS_CLOCK_DETENIDO) {
			indicators_summary_list_add(&done, f);
			indicators_summary_times_add(&t, f, fa->used);
		}
	}
	json_object_set_new(o, first, indicators_summary_count_json(set, &head));
	json_object_set_new(o, "repartidos", indicators_summary_count_json(set, &assigned));
	json_object_set_new(o, "sin_repartir", indicators_summary_count_json(set, &pending));
	json_object_set_new(o, "en_curso", indicators_summary_count_json(set, &open));
	json_object_set_new(o, "concluidos", indicators_summary_count_json(set, &done));
	json_object_set_new(o, "dias_habiles", indicators_summary_times_json(&t));
	json_object_set_new(o, "dentro_meta",
			    act ? indicators_summary_activity_compliance_json(s, l)
				: indicators_summary_compliance_json(set, l));
	indicators_summary_list_free(&head);
	indicators_summary_list_free(&assigned);
	indicators_summary_list_free(&pending);
	indicators_summary_list_free(&open);
	indicators_summary_list_free(&done);
	return o;
}

/* f's asunto: its own, or (a counts read: NULL) the store's, into b. */
static const char *indicators_summary_subject(const struct indicators_set *set,
					      const struct indicators_filing *f, struct buf *b)
{
	if (f->asunto != NULL)
		return f->asunto;
	if (set->subjects == NULL || store_filing_subject(set->subjects, f->radicado_id, b) < 0)
		return "";
	return b->data != NULL ? b->data : "";
}

static json_t *indicators_summary_item_json(const struct indicators_set *set,
					    const struct indicators_filing *f)
{
	struct buf b;
	json_t *o;

	buf_init(&b);
	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:I, s:I, s:o, s:s}", "numero",
		      f->numero, "fecha_radicacion", f->fecha_radicacion, "asunto",
		      indicators_summary_subject(set, f, &b), "abogado_id",
		      f->abogado_id > 0 ? json_integer(f->abogado_id) : json_null(), "abogado",
		      indicators_str_or_null(f->abogado), "tipo_tramite", f->tipo_tramite, "meta",
		      (json_int_t)f->sla.meta, "dias_usados", (json_int_t)f->sla.usados,
		      "dias_restantes", (json_int_t)f->sla.restantes, "fecha_limite",
		      indicators_str_or_null(f->sla.fecha_limite), "reloj",
		      indicators_sla_clock_name(f->sla.reloj));
	buf_free(&b);
	return o;
}

static int indicators_summary_urgent_cmp(const void *pa, const void *pb)
{
	const struct indicators_filing *a = *(const struct indicators_filing *const *)pa;
	const struct indicators_filing *b = *(const struct indicators_filing *const *)pb;

	if (a->sla.restantes != b->sla.restantes)
		return (a->sla.restantes > b->sla.restantes) -
		       (a->sla.restantes < b->sla.restantes);
	return strcmp(a->numero, b->numero);
}

/* The counts-only answer's {"n", "primeros": [...]}: the open filings in state st counted,
 * the INDICATORS_FIRST most urgent kept in order as they come (no list, no sort of all). */
static json_t *indicators_summary_state_first(const struct indicators_set *set,
					      enum indicators_state st)
{
	const struct indicators_filing *first[INDICATORS_FIRST];
	size_t n = 0, k = 0;
	json_t *a = json_array();

	for (size_t i = 0; i < set->n; i++) {
		const struct indicators_filing *f = &set->v[i];
		size_t j;

		if (!indicators_summary_is_open(f) || f->sla.estado != st)
			continue;
		n++;
		j = k;
		if (k == INDICATORS_FIRST && indicators_summary_urgent_cmp(&f, &first[k - 1]) >= 0)
			continue;
		if (k < INDICATORS_FIRST)
			k++;
		else
			j = k - 1;
		while (j > 0 && indicators_summary_urgent_cmp(&f, &first[j - 1]) < 0) {
			first[j] = first[j - 1];
			j--;
		}
		first[j] = f;
	}
	for (size_t i = 0; i < k; i++)
		json_array_append_new(a, indicators_summary_item_json(set, first[i]));
	return json_pack("{s:I, s:o}", "n", (json_int_t)n, "primeros", a);
}

/* The open filings (any filing date) in state st, fewest days left first: every item (the
 * full answer), the first ones (counts) or their list (refs). */
static json_t *indicators_summary_state_list(const struct indicators_set *set,
					     enum indicators_state st)
{
	struct indicators_summary_list l = {NULL, 0, 0, 0};
	json_t *a;

	if (set->detalle == INDICATORS_DETAIL_COUNTS)
		return indicators_summary_state_first(set, st);
	for (size_t i = 0; i < set->n; i++) {
		if (indicators_summary_is_open(&set->v[i]) && set->v[i].sla.estado == st)
			indicators_summary_list_add(&l, &set->v[i]);
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), indicators_summary_urgent_cmp);
	if (set->detalle == INDICATORS_DETAIL_REFS)
		return indicators_summary_count_json(set, &l);
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, indicators_summary_item_json(set, l.v[i]));
	indicators_summary_list_free(&l);
	return a;
}

/* One gestion kind of the office's totals: how many gestiones (n) and the filings that
 * have one (with, set order; last is the latest added, so each filing goes in once). */
struct indicators_summary_kind {
	char *name;
	size_t len; /* of name */
	long n;
	const struct indicators_filing *last;
	struct indicators_summary_list with;
};

/* The gestion kinds met so far, in the order the totals list them. */
struct indicators_summary_kinds {
	struct indicators_summary_kind *v;
	size_t n, cap;
};

/* The kind (kind, len: indicators_summary_next_gestion) among k, or NULL. Borrowed. */
static struct indicators_summary_kind *
indicators_summary_kind_find(const struct indicators_summary_kinds *k, const char *kind, size_t len)
{
	for (size_t i = 0; i < k->n; i++) {
		if (k->v[i].len == len && memcmp(k->v[i].name, kind, len) == 0)
			return &k->v[i];
	}
	return NULL;
}

/* Appends the kind of len bytes at kind to k, unless already there. */
static void indicators_summary_kind_add(const struct indicators_set *set,
					struct indicators_summary_kinds *k, const char *kind,
					size_t len)
{
	struct indicators_summary_list with = INDICATORS_SUMMARY_FIGURE(set);

	if (indicators_summary_kind_find(k, kind, len) != NULL)
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	k->v[k->n].name = xstrndup(kind, len);
	k->v[k->n].len = len;
	k->v[k->n].n = 0;
	k->v[k->n].last = NULL;
	k->v[k->n].with = with;
	k->n++;
}

/* Counts f's gestiones into k; a kind not met before is added at the end, when its name
 * fits INDICATORS_SUMMARY_KIND_LEN. */
static void indicators_summary_kinds_add(const struct indicators_set *set,
					 struct indicators_summary_kinds *k,
					 const struct indicators_filing *f)
{
	const char *p = f->gestiones != NULL ? f->gestiones : "";
	const char *kind;
	size_t len;

	while (indicators_summary_next_gestion(&p, &kind, &len)) {
		struct indicators_summary_kind *e = indicators_summary_kind_find(k, kind, len);

		if (e == NULL && len < INDICATORS_SUMMARY_KIND_LEN) {
			indicators_summary_kind_add(set, k, kind, len);
			e = &k->v[k->n - 1];
		}
		if (e == NULL)
			continue;
		e->n++;
		if (e->last != f)
			indicators_summary_list_add(&e->with, f);
		e->last = f;
	}
}

/* The gestion kinds the office totals list: reparto, reasignacion, those of the workflow
 * table's gestiones, then any other found in l, in one pass over l. Returns a new object
 * {tipo: {n, radicados}} (n counts gestiones; radicados the filings). */
static json_t *indicators_summary_kinds_json(const struct indicators_set *set,
					     const struct indicators_summary_list *l)
{
	struct indicators_summary_kinds k = {NULL, 0, 0};
	json_t *o = json_object();
	const char *tipo;

	indicators_summary_kind_add(set, &k, "reparto", strlen("reparto"));
	indicators_summary_kind_add(set, &k, "reasignacion", strlen("reasignacion"));
	for (size_t i = 0; (tipo = workflow_gestion_at(i)) != NULL; i++)
		indicators_summary_kind_add(set, &k, tipo, strlen(tipo));
	for (size_t i = 0; i < l->n; i++)
		indicators_summary_kinds_add(set, &k, l->v[i]);
	for (size_t i = 0; i < k.n; i++) {
		json_object_set_new(
		    o, k.v[i].name,
		    indicators_summary_figure_json(set, (size_t)k.v[i].n, &k.v[i].with));
		indicators_summary_list_free(&k.v[i].with);
		free(k.v[i].name);
	}
	free(k.v);
	return o;
}

/* The outcomes that took filings of the period out of the queue, each on its own:
 * {"archivado": {n, radicados}, "trasladado": {...}, "anulado": {...}} by the follow-up's
 * estado (an annulment seen only in the document system is not one: it stays in
 * "anulados"), in one pass over the set. Returns a new object. */
static json_t *indicators_summary_outcomes_json(const struct indicators_set *set)
{
	static const char *const outcomes[] = {"archivado", "trasladado", "anulado"};
	enum { NOUTCOMES = sizeof(outcomes) / sizeof(outcomes[0]) };
	struct indicators_summary_list l[NOUTCOMES];
	json_t *o = json_object();

	for (size_t k = 0; k < NOUTCOMES; k++)
		l[k] = (struct indicators_summary_list)INDICATORS_SUMMARY_FIGURE(set);
	for (size_t i = 0; i < set->n; i++) {
		for (size_t k = 0; k < NOUTCOMES && set->v[i].en_periodo; k++) {
			if (strcmp(set->v[i].estado, outcomes[k]) == 0)
				indicators_summary_list_add(&l[k], &set->v[i]);
		}
	}
	for (size_t k = 0; k < NOUTCOMES; k++) {
		json_object_set_new(o, outcomes[k], indicators_summary_count_json(set, &l[k]));
		indicators_summary_list_free(&l[k]);
	}
	return o;
}

static json_t *indicators_summary_office_json(const struct indicators_summary *s)
{
	const struct indicators_set *set = s->set;
	struct indicators_summary_list all = {NULL, 0, 0, 0};
	struct indicators_summary_list annulled = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list returned = INDICATORS_SUMMARY_FIGURE(set);
	int act = indicators_summary_actividad(set);
	long returns = 0;
	json_t *o;
	json_t *kinds;

	for (size_t i = 0; i < set->n; i++) {
		const struct indicators_filing *f = &set->v[i];
		long k;

		if (!indicators_measured(f)) {
			/* archived and transferred filings count among the outcomes only */
			if ((f->en_periodo ||
			     (act && f->gestiones != NULL && f->gestiones[0] != '\0')) &&
			    strcmp(f->estado, "archivado") != 0 &&
			    strcmp(f->estado, "trasladado") != 0)
				indicators_summary_list_add(&annulled, f);
			continue;
		}
		if (!indicators_summary_counts(s, f))
			continue;
		indicators_summary_list_add(&all, f);
		/* actividad: the devolucion gestiones of the period; radicacion: every return */
		k = act ? indicators_summary_fact(s, f)->devolucion : f->devoluciones;
		if (k > 0) {
			indicators_summary_list_add(&returned, f);
			returns += k;
		}
	}
	o = indicators_summary_group_json(s, &all, "recibidos");
	json_object_set_new(o, "anulados", indicators_summary_count_json(set, &annulled));
	json_object_set_new(o, "desenlaces", indicators_summary_outcomes_json(set));
	json_object_set_new(o, "devoluciones",
			    indicators_summary_figure_json(set, (size_t)returns, &returned));
	kinds = indicators_summary_kinds_json(set, &all);
	/* the same figure twice: under refs both name the same list */
	json_object_set_new(o, "reasignaciones",
			    json_deep_copy(json_object_get(kinds, "reasignacion")));
	json_object_set_new(o, "gestiones", kinds);
	json_object_set_new(o, "tiempo_hasta_reparto", indicators_summary_to_reparto_json(s, &all));
	indicators_summary_list_free(&all);
	indicators_summary_list_free(&annulled);
	indicators_summary_list_free(&returned);
	return o;
}

/* One lawyer: who, whether listed, and the filings that name them (set order). */
struct indicators_summary_lawyer {
	long long id;
	const char *nombre;
	int activo;
	int listed; /* an active user of rol abogado, or one holding a loaded filing */
	struct indicators_summary_list load;   /* carga_actual */
	struct indicators_summary_list period; /* the filings of the period that count */
};

/* The lawyers met so far: the users first (in the set's order), then those only the
 * filings name; by_id (n entries, sorted by id) finds one by id in log time. */
struct indicators_summary_lawyers {
	struct indicators_summary_lawyer *v;
	size_t *by_id; /* indexes into v */
	size_t n, cap;
};

/* The entry of id among the n first of by_id, or where it would go (a lower bound). */
static size_t indicators_summary_lawyer_slot(const struct indicators_summary_lawyers *w,
					     long long id)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->v[w->by_id[mid]].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The lawyer of id, or NULL. Borrowed. */
static struct indicators_summary_lawyer *
indicators_summary_lawyer_find(const struct indicators_summary_lawyers *w, long long id)
{
	size_t at = indicators_summary_lawyer_slot(w, id);

	return at < w->n && w->v[w->by_id[at]].id == id ? &w->v[w->by_id[at]] : NULL;
}

/* Adds a lawyer to w (kept sorted by id; an id already there keeps its first entry in
 * by_id, as users' ids are unique). Returns it, borrowed until the next add. */
static struct indicators_summary_lawyer *
indicators_summary_lawyer_add(const struct indicators_set *set,
			      struct indicators_summary_lawyers *w, long long id,
			      const char *nombre, int activo)
{
	struct indicators_summary_list load = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list period = {NULL, 0, 0, 0};
	size_t at = indicators_summary_lawyer_slot(w, id);

	while (at < w->n && w->v[w->by_id[at]].id == id)
		at++;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
		w->by_id = xrealloc(w->by_id, w->cap * sizeof(*w->by_id));
	}
	memmove(&w->by_id[at + 1], &w->by_id[at], (w->n - at) * sizeof(*w->by_id));
	w->by_id[at] = w->n;
	w->v[w->n] = (struct indicators_summary_lawyer){id, nombre, activo, 0, load, period};
	return &w->v[w->n++];
}

/* Every user, then in one pass over the set each filing into its lawyer's lists (a lawyer
 * no user is gets an entry, named as its first filing names them). */
static void indicators_summary_lawyers_fill(const struct indicators_summary *s,
					    struct indicators_summary_lawyers *w)
{
	const struct indicators_set *set = s->set;

	for (size_t i = 0; i < set->n_usuarios; i++) {
		const struct store_user *u = &set->usuarios[i];

		indicators_summary_lawyer_add(set, w, u->id, u->nombre, u->activo)->listed =
		    strcmp(u->rol, "abogado") == 0 && u->activo;
	}
	for (size_t j = 0; j < set->n; j++) {
		const struct indicators_filing *f = &set->v[j];
		struct indicators_summary_lawyer *lw =
		    indicators_summary_lawyer_find(w, f->abogado_id);

		if (lw == NULL && f->abogado_id <= 0)
			continue;
		if (lw == NULL)
			lw = indicators_summary_lawyer_add(set, w, f->abogado_id, f->abogado, 0);
		lw->listed = 1;
		if (indicators_is_load(f))
			indicators_summary_list_add(&lw->load, f);
		if (indicators_summary_counts(s, f))
			indicators_summary_list_add(&lw->period, f);
	}
}

static int indicators_summary_lawyer_cmp(const void *pa, const void *pb)
{
	const struct indicators_summary_lawyer *a =
	    *(const struct indicators_summary_lawyer *const *)pa;
	const struct indicators_summary_lawyer *b =
	    *(const struct indicators_summary_lawyer *const *)pb;
	int c = strcmp(a->nombre, b->nombre);

	if (c != 0)
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* One lawyer's row; moves (refs) or frees its lists. */
static json_t *indicators_summary_lawyer_json(const struct indicators_summary *s,
					      struct indicators_summary_lawyer *lw)
{
	json_t *head = json_pack("{s:I, s:s, s:b, s:o}", "abogado_id", (json_int_t)lw->id,
				 "abogado", lw->nombre, "activo", lw->activo, "carga_actual",
				 indicators_summary_count_json(s->set, &lw->load));
	json_t *o = indicators_summary_group_json(s, &lw->period, "asignados");

	json_object_update(head, o);
	json_decref(o);
	indicators_summary_list_free(&lw->load);
	indicators_summary_list_free(&lw->period);
	return head;
}

/* The lawyers to list: users of rol abogado that are active or hold a loaded filing (of
 * the period, or open), and any other user that holds one; by name, then id. */
static json_t *indicators_summary_per_lawyer_json(const struct indicators_summary *s)
{
	struct indicators_summary_lawyers w = {NULL, NULL, 0, 0};
	struct indicators_summary_lawyer **listed;
	size_t n = 0;
	json_t *a = json_array();

	indicators_summary_lawyers_fill(s, &w);
	listed = xcalloc(w.n + 1, sizeof(*listed));
	for (size_t i = 0; i < w.n; i++) {
		if (w.v[i].listed)
			listed[n++] = &w.v[i];
	}
	qsort(listed, n, sizeof(*listed), indicators_summary_lawyer_cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, indicators_summary_lawyer_json(s, listed[i]));
	free(listed);
	free(w.v);
	free(w.by_id);
	return a;
}

/* The offset of a text field of struct indicators_filing. */
#define INDICATORS_SUMMARY_FIELD(field) offsetof(struct indicators_filing, field)

/* In one pass over the set, adds each filing of the period that counts to lists[k] when
 * its text field at offset is values[k] (set order in each list). */
static void indicators_summary_bucket(const struct indicators_summary *s, size_t offset,
				      const char *const *values, size_t n,
				      struct indicators_summary_list *lists)
{
	const struct indicators_set *set = s->set;

	for (size_t j = 0; j < set->n; j++) {
		const char *v = *(char *const *)(const void *)((const char *)&set->v[j] + offset);

		if (!indicators_summary_counts(s, &set->v[j]))
			continue;
		for (size_t k = 0; k < n; k++) {
			if (strcmp(v, values[k]) == 0)
				indicators_summary_list_add(&lists[k], &set->v[j]);
		}
	}
}

static json_t *indicators_summary_per_tipo_json(const struct indicators_summary *s,
						const struct config *cfg)
{
	struct indicators_summary_list *l = xcalloc(indicators_ntipos + 1, sizeof(*l));
	json_t *a = json_array();

	indicators_summary_bucket(s, INDICATORS_SUMMARY_FIELD(tipo_tramite), indicators_tipos,
				  indicators_ntipos, l);
	for (size_t k = 0; k < indicators_ntipos; k++) {
		json_t *o = json_pack("{s:s, s:I}", "tipo_tramite", indicators_tipos[k], "meta",
				      (json_int_t)indicators_meta(cfg, indicators_tipos[k]));

		json_object_update_new(o, indicators_summary_group_json(s, &l[k], "recibidos"));
		json_array_append_new(a, o);
		indicators_summary_list_free(&l[k]);
	}
	free(l);
	return a;
}

static json_t *indicators_summary_per_modalidad_json(const struct indicators_summary *s)
{
	struct indicators_summary_list l[INDICATORS_SUMMARY_NMODALIDADES];
	json_t *a = json_array();

	memset(l, 0, sizeof(l));
	indicators_summary_bucket(s, INDICATORS_SUMMARY_FIELD(modalidad),
				  indicators_summary_modalidades, INDICATORS_SUMMARY_NMODALIDADES,
				  l);
	for (size_t k = 0; k < INDICATORS_SUMMARY_NMODALIDADES; k++) {
		json_t *o;

		/* "" (modality not yet known) only when some filing has it. */
		if (indicators_summary_modalidades[k][0] == '\0' && l[k].n == 0)
			continue;
		o = json_pack("{s:s}", "modalidad", indicators_summary_modalidades[k]);
		json_object_update_new(o, indicators_summary_group_json(s, &l[k], "recibidos"));
		json_array_append_new(a, o);
		indicators_summary_list_free(&l[k]);
	}
	return a;
}

/* One requesting area: its filings of the period. */
struct indicators_summary_area {
	const char *codigo;
	const char *nombre; /* of its latest filing with a name */
	struct indicators_summary_list l;
};

static int indicators_summary_area_cmp(const void *pa, const void *pb)
{
	const struct indicators_summary_area *a = pa;
	const struct indicators_summary_area *b = pb;

	if (a->l.n != b->l.n)
		return (a->l.n < b->l.n) - (a->l.n > b->l.n);
	return strcmp(a->codigo, b->codigo);
}

static json_t *indicators_summary_area_json(const struct indicators_summary *s,
					    const struct indicators_summary_area *ar)
{
	const struct indicators_set *set = s->set;
	struct indicators_summary_list received = INDICATORS_SUMMARY_FIGURE(set);
	int act = indicators_summary_actividad(set);
	struct indicators_summary_list returned = INDICATORS_SUMMARY_FIGURE(set);
	struct indicators_summary_list pending = INDICATORS_SUMMARY_FIGURE(set);
	json_t *devs;
	struct indicators_summary_times t;
	long returns = 0;
	json_t *o;

	indicators_summary_times_init(&t, set);
	for (size_t i = 0; i < ar->l.n; i++) {
		const struct indicators_filing *f = ar->l.v[i];
		int open_return = 0;
		long k = act ? indicators_summary_fact(s, f)->devolucion : f->devoluciones;

		if (!act || f->en_periodo)
			indicators_summary_list_add(&received, f);
		if (k > 0) {
			indicators_summary_list_add(&returned, f);
			returns += k;
		}
		for (size_t c = 0; c < f->sla.n_correcciones; c++) {
			const struct indicators_correction *co = &f->sla.correcciones[c];

			/* actividad: the corrections that came back in the period */
			if (co->cerrada &&
			    (!act || indicators_summary_in_period(set, co->reingreso)))
				indicators_summary_times_add(&t, f, co->dias);
			else if (co->reingreso[0] == '\0' &&
				 f->sla.reloj != INDICATORS_CLOCK_DETENIDO)
				open_return = 1;
		}
		if (open_return)
			indicators_summary_list_add(&pending, f);
	}
	devs = indicators_summary_figure_json(set, (size_t)returns, &returned);
	json_object_set_new(
	    devs, "por_solicitud",
	    ar->l.n > 0 ? json_real(indicators_summary_round2((double)returns / (double)ar->l.n))
			: json_null());
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "dependencia_origen", ar->codigo,
		      "nombre", ar->nombre, "recibidos",
		      indicators_summary_count_json(set, &received), "devoluciones", devs,
		      "correccion_dias", indicators_summary_times_json(&t),
		      "correcciones_pendientes", indicators_summary_count_json(set, &pending),
		      "tiempo_hasta_reparto", indicators_summary_to_reparto_json(s, &ar->l));
	indicators_summary_list_free(&received);
	indicators_summary_list_free(&returned);
	indicators_summary_list_free(&pending);
	return o;
}

/* The areas met so far, found by code through an open-addressing hash table: slots[h]
 * is 1 + an index into v, 0 when empty; nslots a power of two over twice n. */
struct indicators_summary_areas {
	struct indicators_summary_area *v;
	size_t n, cap;
	size_t *slots;
	size_t nslots;
};

/* FNV-1a of a text. */
static size_t indicators_summary_hash(const char *p)
{
	size_t h = 2166136261u;

	for (; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* The slot of codigo in a's table: the one holding it, or the empty one where it goes. */
static size_t indicators_summary_area_slot(const struct indicators_summary_areas *a,
					   const char *codigo)
{
	size_t h = indicators_summary_hash(codigo) & (a->nslots - 1);

	while (a->slots[h] != 0 && strcmp(a->v[a->slots[h] - 1].codigo, codigo) != 0)
		h = (h + 1) & (a->nslots - 1);
	return h;
}

/* Doubles a's table and places every area again. */
static void indicators_summary_areas_grow(struct indicators_summary_areas *a)
{
	free(a->slots);
	a->nslots = a->nslots ? a->nslots * 2 : 64;
	a->slots = xcalloc(a->nslots, sizeof(*a->slots));
	for (size_t i = 0; i < a->n; i++)
		a->slots[indicators_summary_area_slot(a, a->v[i].codigo)] = i + 1;
}

/* The area of codigo, added (with no filings) when new. Borrowed until the next call. */
static struct indicators_summary_area *
indicators_summary_area_get(struct indicators_summary_areas *a, const char *codigo)
{
	size_t h;

	if (2 * (a->n + 1) > a->nslots)
		indicators_summary_areas_grow(a);
	h = indicators_summary_area_slot(a, codigo);
	if (a->slots[h] != 0)
		return &a->v[a->slots[h] - 1];
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	memset(&a->v[a->n], 0, sizeof(a->v[a->n]));
	a->v[a->n].codigo = codigo;
	/* a sender outside the entity (no area code): one row for all of them */
	a->v[a->n].nombre = codigo[0] == '\0' ? INDICATORS_AREA_OUTSIDE : "";
	a->slots[h] = ++a->n;
	return &a->v[a->n - 1];
}

static json_t *indicators_summary_per_area_json(const struct indicators_summary *s)
{
	const struct indicators_set *set = s->set;
	struct indicators_summary_areas areas = {NULL, 0, 0, NULL, 0};
	json_t *a = json_array();

	for (size_t j = 0; j < set->n; j++) {
		const struct indicators_filing *f = &set->v[j];
		struct indicators_summary_area *ar;

		if (!indicators_summary_counts(s, f))
			continue;
		ar = indicators_summary_area_get(&areas, f->dependencia_origen);
		/* set is in filing-date order: the last name seen is the latest. */
		if (f->dependencia_origen[0] != '\0' && f->dependencia_origen_nombre[0] != '\0')
			ar->nombre = f->dependencia_origen_nombre;
		indicators_summary_list_add(&ar->l, f);
	}
	if (areas.n > 1)
		qsort(areas.v, areas.n, sizeof(*areas.v), indicators_summary_area_cmp);
	for (size_t i = 0; i < areas.n; i++) {
		json_array_append_new(a, indicators_summary_area_json(s, &areas.v[i]));
		indicators_summary_list_free(&areas.v[i].l);
	}
	free(areas.v);
	free(areas.slots);
	return a;
}

json_t *indicators_summary_json(const struct indicators_set *set, const struct config *cfg)
{
	json_t *metas = json_object();
	struct indicators_summary s;
	json_t *o;

	for (size_t k = 0; k < indicators_ntipos; k++)
		json_object_set_new(metas, indicators_tipos[k],
				    json_integer(indicators_meta(cfg, indicators_tipos[k])));
	o = json_object();
	json_object_set_new(
	    o, "periodo",
	    json_pack("{s:o, s:o, s:s, s:s}", "desde", indicators_str_or_null(set->desde), "hasta",
		      indicators_str_or_null(set->hasta), "base", indicators_base_name(set->base),
		      "criterio",
		      indicators_summary_actividad(set)
			  ? "Lo hecho en el periodo (hora de Bogotá, ambos extremos incluidos), "
			    "sea cual sea la fecha de radicación: recibidos, repartos, "
			    "reasignaciones, devoluciones, conclusiones y demás gestiones del "
			    "periodo; los tiempos de respuesta son los de las conclusiones del "
			    "periodo. La carga actual y las listas de vencidos y por vencer "
			    "cuentan todo radicado abierto al corte."
			  : "Solicitudes radicadas en el periodo (fecha de radicación, hora de "
			    "Bogotá, ambos extremos incluidos); la carga actual y las listas de "
			    "vencidos y por vencer cuentan todo radicado abierto al corte."));
	json_object_set_new(o, "corte", json_string(set->corte));
	json_object_set_new(o, "metas", metas);
	indicators_summary_start(&s, set);
	json_object_set_new(o, "oficina", indicators_summary_office_json(&s));
	json_object_set_new(o, "por_abogado", indicators_summary_per_lawyer_json(&s));
	json_object_set_new(o, "por_tipo_tramite", indicators_summary_per_tipo_json(&s, cfg));
	json_object_set_new(o, "por_modalidad", indicators_summary_per_modalidad_json(&s));
	json_object_set_new(o, "por_area", indicators_summary_per_area_json(&s));
	indicators_summary_done(&s);
	json_object_set_new(o, "vencidos",
			    indicators_summary_state_list(set, INDICATORS_SLA_VENCIDO));
	json_object_set_new(o, "por_vencer",
			    indicators_summary_state_list(set, INDICATORS_SLA_POR_VENCER));
	return o;
}
