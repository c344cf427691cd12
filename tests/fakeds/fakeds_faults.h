/* fakeds_faults.h -- the faults the SOAP endpoint can inject and the counters of its own
 * (list and detail requests); the seeded draw itself is sim_faults.h's. */
#ifndef FAKEDS_FAULTS_H
#define FAKEDS_FAULTS_H

#include <stddef.h>

#include "sim_faults.h"

enum fakeds_fault {
	FAKEDS_FAULT_NONE = SIM_FAULTS_NONE,
	FAKEDS_FAULT_DELAY = 0, /* sleep delay_ms, then answer */
	FAKEDS_FAULT_RESET,	/* close the connection without an answer */
	FAKEDS_FAULT_HTTP500,	/* text/plain Internal Server Error */
	FAKEDS_FAULT_HTTP503,	/* with Retry-After: 1 */
	FAKEDS_FAULT_HTML,	/* 200 with a PHP error page */
	FAKEDS_FAULT_TRUNCATED, /* the real answer cut in half */
	FAKEDS_FAULT_MALFORMED, /* the real answer with a broken tag */
	FAKEDS_FAULT_BADKEY,	/* the wrong-key <error> answer */
	FAKEDS_FAULT_COUNT
};

/* Which SOAP operation a request named; LIST and INFO are also the indices of their counters
 * in sim_faults (OTHER counts only as a request). */
enum fakeds_faults_op { FAKEDS_OP_OTHER = -1, FAKEDS_OP_LIST = 0, FAKEDS_OP_INFO = 1 };

/* Every kind but badkey. */
#define FAKEDS_FAULTS_DEFAULT_KINDS ((1u << FAKEDS_FAULT_COUNT) - 1u - (1u << FAKEDS_FAULT_BADKEY))

/* Sets up f with the SOAP endpoint's kinds and counters. Cannot fail. */
void fakeds_faults_init(struct sim_faults *f, double rate, unsigned kinds, unsigned long long seed,
			long delay_ms);
/* Parses "k1,k2" into a bit set. Returns 0, or -1 with err naming the unknown kind. */
int fakeds_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen);

#endif
