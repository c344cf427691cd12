/* indicators_summary.h -- the office's indicators of a loaded set (indicators.h): every
 * count with the numeros behind it, every time figure with its measurements. */
#ifndef SEGCONT_INDICATORS_SUMMARY_H
#define SEGCONT_INDICATORS_SUMMARY_H

#include <jansson.h>

#include "config.h"
#include "indicators.h"

/* Returns a new JSON object {periodo, corte, metas, oficina, por_abogado, por_tipo_tramite,
 * por_modalidad, por_area, vencidos, por_vencer} of set (the conventions of indicators.h),
 * with the lists set->detalle asks for (enum indicators_detail; INDICATORS_DETAIL_REFS moves
 * each figure's filings into set->refs). Cannot fail. */
json_t *indicators_summary_json(const struct indicators_set *set, const struct config *cfg);

/* 1 when f is one of the period's filings on the set's base: received in the period
 * (radicacion), or received in it or with something done in it (actividad). The rows of
 * the export. Cannot fail. */
int indicators_summary_in_base(const struct indicators_set *set, const struct indicators_filing *f);

/* The per-area row of the filings whose sender is outside the entity (no requesting area:
 * an entry filing radicated at the ventanilla -- the store gives it no dependencia_origen --
 * or one without any), whatever sender's name each filing carries. */
#define INDICATORS_AREA_OUTSIDE "Externos (ventanilla)"

#endif
