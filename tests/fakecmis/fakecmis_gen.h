/* fakecmis_gen.h -- the deterministic generated repository: weekdays of filings from the
 * entity's areas and from outside (fakeds' vocabulary), with the folders, other documents,
 * annexes, updates, deletions and permission changes a real change log also holds. */
#ifndef FAKECMIS_GEN_H
#define FAKECMIS_GEN_H

#include <stddef.h>

#include "fakecmis_repo.h"

#define FAKECMIS_GEN_MAX_PER_DAY 2000 /* filings per weekday */
#define FAKECMIS_GEN_MAX_DAYS 3700    /* calendar days from --from to --to */

struct fakecmis_gen_options {
	long long from_day; /* days since the epoch, inclusive */
	long long to_day;   /* inclusive */
	long per_day;	    /* filings per weekday */
};

/* Fills r (empty, before the server starts) with the generated objects of o and their
 * history, drawn from r->seed; call fakecmis_repo_finish after. Returns 0, or -1 with err
 * filled (a sequence overflowed, repository full). */
int fakecmis_gen_run(struct fakecmis_repo *r, const struct fakecmis_gen_options *o, char *err,
		     size_t errlen);

#endif
