/* indicators_summary.h -- the office's indicators of a loaded set (indicators.h): every
 * count with the numeros behind it, every time figure with its measurements. */
#ifndef SEGCONT_INDICATORS_SUMMARY_H
#define SEGCONT_INDICATORS_SUMMARY_H

#include <jansson.h>

#include "config.h"
#include "indicators.h"

/* Returns a new JSON object {periodo, corte, metas, oficina, por_abogado, por_tipo_tramite,
 * por_modalidad, por_area, vencidos, por_vencer} of set (the conventions of indicators.h).
 * Cannot fail. */
json_t *indicators_summary_json(const struct indicators_set *set, const struct config *cfg);

#endif
