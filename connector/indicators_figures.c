/* indicators_figures.c -- GET /api/indicadores/radicados: the filings behind one figure of the
 * indicators, found by its path in the answer itself, one page at a time. */
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "indicators_int.h"
#include "indicators_summary.h"
#include "util.h"

/* The arrays of the answer and the member that names each of their elements in a path. */
static const struct {
	const char *array;
	const char *key;
} indicators_figures_keys[] = {
    {"por_abogado", "abogado_id"},
    {"por_tipo_tramite", "tipo_tramite"},
    {"por_modalidad", "modalidad"},
    {"por_area", "dependencia_origen"},
};

/* 1 when the element o of an array is the one seg names by member key. */
static int indicators_figures_is(const json_t *o, const char *key, const char *seg, size_t len)
{
	const json_t *v = json_object_get(o, key);
	char num[32];

	if (json_is_string(v))
		return strlen(json_string_value(v)) == len &&
		       strncmp(json_string_value(v), seg, len) == 0;
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return strlen(num) == len && strncmp(num, seg, len) == 0;
	}
	return 0;
}

/* The node of answer j that path names (segments split by '.'), or NULL. */
static const json_t *indicators_figures_find(const json_t *j, const char *path)
{
	const json_t *node = j;
	const char *array = NULL; /* the member name of node when it is an array */
	const char *p = path;

	for (;;) {
		size_t len = strcspn(p, ".");
		char name[INDICATORS_FIGURE_PATH_MAX];
		const json_t *next = NULL;

		if (json_is_object(node)) {
			if (len >= sizeof(name))
				return NULL;
			memcpy(name, p, len);
			name[len] = '\0';
			next = json_object_get(node, name);
			array = json_object_iter_key(json_object_iter_at((json_t *)node, name));
		} else if (json_is_array(node) && array != NULL) {
			const char *key = NULL;
			size_t i;
			const json_t *el;

			for (size_t k = 0; k < sizeof(indicators_figures_keys) /
						   sizeof(indicators_figures_keys[0]);
			     k++) {
				if (strcmp(array, indicators_figures_keys[k].array) == 0)
					key = indicators_figures_keys[k].key;
			}
			if (key == NULL)
				return NULL;
			json_array_foreach(node, i, el)
			{
				if (next == NULL && indicators_figures_is(el, key, p, len))
					next = el;
			}
			array = NULL;
		}
		if (next == NULL)
			return NULL;
		node = next;
		if (p[len] == '\0')
			return node;
		p += len + 1;
	}
}

/* Newest filing first (fecha_radicacion, then numero, both descending). */
static int indicators_figures_newest_cmp(const void *pa, const void *pb)
{
	const struct indicators_filing *a = *(const struct indicators_filing *const *)pa;
	const struct indicators_filing *b = *(const struct indicators_filing *const *)pb;
	int c = strcmp(b->fecha_radicacion, a->fecha_radicacion);

	return c != 0 ? c : strcmp(b->numero, a->numero);
}

static json_t *indicators_figures_row(const struct indicators_filing *f)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o}", "numero", f->numero,
			 "fecha_radicacion", f->fecha_radicacion, "asunto", f->asunto, "estado",
			 f->estado, "abogado", indicators_str_or_null(f->abogado), "tipo_tramite",
			 f->tipo_tramite, "sla", indicators_sla_json(&f->sla));
}

static void indicators_figures_refs_free(struct indicators_refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lists[i].v);
	free(r->lists);
	memset(r, 0, sizeof(*r));
}

enum indicators_rc indicators_figure_page(struct store *s, const struct config *cfg,
					  const struct calendar *cal, const char *desde,
					  const char *hasta, enum indicators_base base,
					  const char *cifra, long pagina, long por_pagina,
					  const char *now, json_t **out, char *err, size_t errlen)
{
	struct indicators_set set;
	struct indicators_refs refs = {NULL, 0, 0};
	enum indicators_rc rc;
	const json_t *node;
	const json_t *k;
	const struct indicators_ref_list *l;
	json_t *j;
	json_t *rows;
	size_t from;
	int ordered;

	*out = NULL;
	if (cifra == NULL || cifra[0] == '\0' || strlen(cifra) >= INDICATORS_FIGURE_PATH_MAX) {
		set_error(err, errlen,
			  "falta «cifra»: la ruta de una cifra de /api/indicadores, como "
			  "«oficina.concluidos» o «vencidos»");
		return INDICATORS_BAD_INPUT;
	}
	if (pagina < 1 || por_pagina < 1 || por_pagina > INDICATORS_PAGE_SIZE_MAX) {
		set_error(err, errlen, "pagina debe ser 1 o más y por_pagina entre 1 y %d",
			  INDICATORS_PAGE_SIZE_MAX);
		return INDICATORS_BAD_INPUT;
	}
	rc = indicators_load_figures(s, cfg, cal, desde, hasta, now, base, &set, err, errlen);
	if (rc != INDICATORS_OK) {
		indicators_set_free(&set);
		return rc;
	}
	set.detalle = INDICATORS_DETAIL_REFS;
	set.refs = &refs;
	j = indicators_summary_json(&set, cfg);
	node = indicators_figures_find(j, cifra);
	k = json_object_get(node, "lista");
	if (!json_is_integer(k) || (size_t)json_integer_value(k) >= refs.n) {
		set_error(err, errlen,
			  "cifra desconocida «%.60s»: escriba la ruta de una cifra de "
			  "/api/indicadores con puntos, como «oficina.concluidos», "
			  "«por_abogado.<id>.asignados» o «vencidos»",
			  cifra);
		json_decref(j);
		indicators_figures_refs_free(&refs);
		indicators_set_free(&set);
		return INDICATORS_BAD_INPUT;
	}
	l = &refs.lists[json_integer_value(k)];
	/* vencidos and por_vencer come in their own order: fewest days left first */
	ordered = strcmp(cifra, "vencidos") == 0 || strcmp(cifra, "por_vencer") == 0;
	if (!ordered && l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), indicators_figures_newest_cmp);
	rows = json_array();
	from = (size_t)(pagina - 1) * (size_t)por_pagina;
	for (size_t i = from; i < l->n && i < from + (size_t)por_pagina; i++)
		json_array_append_new(rows, indicators_figures_row(l->v[i]));
	*out =
	    json_pack("{s:s, s:O, s:I, s:I, s:I, s:o}", "cifra", cifra, "n",
		      json_object_get(node, "n"), "total", (json_int_t)l->n, "pagina",
		      (json_int_t)pagina, "por_pagina", (json_int_t)por_pagina, "radicados", rows);
	json_decref(j);
	indicators_figures_refs_free(&refs);
	indicators_set_free(&set);
	return INDICATORS_OK;
}
