/* indicators_int.h -- what indicators.c shares with indicators_summary.c and nothing else
 * reads: the tipos de trámite, their targets, and what a loaded filing counts for. */
#ifndef SEGCONT_INDICATORS_INT_H
#define SEGCONT_INDICATORS_INT_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "indicators.h"

/* The tipos de trámite in the order the indicators list them. */
extern const char *const indicators_tipos[];
extern const size_t indicators_ntipos;

/* The target in business days of a tipo_tramite (sla_otro when the configuration has none). */
long indicators_meta(const struct config *cfg, const char *tipo_tramite);

/* A new JSON string of s, or null when s is NULL or "". */
json_t *indicators_str_or_null(const char *s);

/* 1 when the filing has a clock (not annulled). */
int indicators_measured(const struct indicators_filing *f);
/* 1 when it is open in the follow-up (assigned and not concluded): the current load. */
int indicators_is_load(const struct indicators_filing *f);

/* indicators_load_base as the indicators read (every open filing too; only the texts the
 * figures read are copied). Same returns. */
enum indicators_rc indicators_load_figures(struct store *s, const struct config *cfg,
					   const struct calendar *cal, const char *desde,
					   const char *hasta, const char *now,
					   enum indicators_base base, struct indicators_set *set,
					   char *err, size_t errlen);

#endif
