/* fakecmis_faults.h -- the faults the CMIS endpoints can inject and the counters of their own
 * (requests by selector, refused credentials); the seeded draw itself is sim_faults.h's. */
#ifndef FAKECMIS_FAULTS_H
#define FAKECMIS_FAULTS_H

#include <stddef.h>

#include "sim_faults.h"

enum fakecmis_fault {
	FAKECMIS_FAULT_NONE = SIM_FAULTS_NONE,
	FAKECMIS_FAULT_DELAY = 0, /* sleep delay_ms, then answer */
	FAKECMIS_FAULT_RESET,	  /* close the connection without an answer */
	FAKECMIS_FAULT_HTTP500,	  /* text/plain Internal Server Error (a proxy) */
	FAKECMIS_FAULT_HTTP503,	  /* with Retry-After: 1 */
	FAKECMIS_FAULT_HTML,	  /* 200 with a single sign-on login page */
	FAKECMIS_FAULT_TRUNCATED, /* the real answer cut in half */
	FAKECMIS_FAULT_MALFORMED, /* the real answer with a separator missing: broken JSON */
	FAKECMIS_FAULT_RUNTIME,	  /* 500 {"exception": "runtime"} (not enabled by default) */
	FAKECMIS_FAULT_DENIED,	  /* 403 {"exception": "permissionDenied"} (idem) */
	FAKECMIS_FAULT_COUNT
};

/* What a request asked for, for the counters (also their indices in sim_faults). */
enum fakecmis_selector {
	FAKECMIS_SEL_REPOSITORIES, /* GET /cmis/browser */
	FAKECMIS_SEL_REPOSITORY_INFO,
	FAKECMIS_SEL_QUERY,
	FAKECMIS_SEL_CONTENT_CHANGES,
	FAKECMIS_SEL_OBJECT,
	FAKECMIS_SEL_TYPE_DEFINITION,
	FAKECMIS_SEL_OTHER, /* unknown selector, action or path */
	FAKECMIS_SEL_COUNT
};

/* The counter of requests refused for their credentials (never faulted), after the
 * selectors'. */
#define FAKECMIS_FAULTS_UNAUTHORIZED FAKECMIS_SEL_COUNT

/* Every kind but runtime and denied. */
#define FAKECMIS_FAULTS_DEFAULT_KINDS                                                              \
	((1u << FAKECMIS_FAULT_COUNT) - 1u - (1u << FAKECMIS_FAULT_RUNTIME) -                      \
	 (1u << FAKECMIS_FAULT_DENIED))

/* Sets up f with the CMIS endpoints' kinds and counters. Cannot fail. */
void fakecmis_faults_init(struct sim_faults *f, double rate, unsigned kinds,
			  unsigned long long seed, long delay_ms);
/* Name of a selector ("query", ...). Borrowed. */
const char *fakecmis_faults_selector_name(enum fakecmis_selector s);
/* Parses "k1,k2" into a bit set. Returns 0, or -1 with err naming the unknown kind. */
int fakecmis_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen);

#endif
