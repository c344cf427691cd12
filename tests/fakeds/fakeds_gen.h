/* fakeds_gen.h -- the deterministic generated dataset: weekdays of filings from the entity's
 * areas and from outside organisations, with Spanish subjects, names and dates. */
#ifndef FAKEDS_GEN_H
#define FAKEDS_GEN_H

#include <stddef.h>

#include "fakeds_data.h"
#include "sim_gen.h"

#define FAKEDS_GEN_MAX_PER_DAY 2000 /* filings per weekday */
#define FAKEDS_GEN_MAX_DAYS 3700    /* calendar days from --from to --to */
#define FAKEDS_GEN_VENTANILLA SIM_GEN_VENTANILLA

struct fakeds_gen_options {
	long long from_day; /* days since the epoch, inclusive */
	long long to_day;   /* inclusive */
	long per_day;	    /* filings per weekday */
};

/* Fills d (empty, before the server starts) with the generated filings of o, drawn from
 * d->seed. Returns 0, or -1 with err filled (a sequence overflowed, dataset full). */
int fakeds_gen_run(struct fakeds_data *d, const struct fakeds_gen_options *o, char *err,
		   size_t errlen);

#endif
