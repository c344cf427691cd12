/* fakecmis_faults.h -- fault injection on the CMIS endpoints (a seeded draw per request under
 * a mutex, so a seed and a request order give the same faults) and the request counters. */
#ifndef FAKECMIS_FAULTS_H
#define FAKECMIS_FAULTS_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#define FAKECMIS_FAULTS_DEFAULT_DELAY_MS 30000
#define FAKECMIS_FAULTS_MAX_DELAY_MS 600000

enum fakecmis_fault {
	FAKECMIS_FAULT_NONE = -1,
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

/* What a request asked for, for the counters. */
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

struct fakecmis_faults {
	pthread_mutex_t lock;
	double rate;	/* probability of a fault per request */
	unsigned kinds; /* bit i set: kind i enabled */
	unsigned long long prng;
	unsigned long long seed;
	long delay_ms;
	unsigned long long requests, unauthorized, faults;
	unsigned long long by_selector[FAKECMIS_SEL_COUNT];
	unsigned long long by_kind[FAKECMIS_FAULT_COUNT];
};

/* Every kind but runtime and denied. */
#define FAKECMIS_FAULTS_DEFAULT_KINDS                                                              \
	((1u << FAKECMIS_FAULT_COUNT) - 1u - (1u << FAKECMIS_FAULT_RUNTIME) -                      \
	 (1u << FAKECMIS_FAULT_DENIED))

void fakecmis_faults_init(struct fakecmis_faults *f, double rate, unsigned kinds,
			  unsigned long long seed, long delay_ms);
void fakecmis_faults_free(struct fakecmis_faults *f);
/* Name of a kind ("delay", ...), of a selector ("query", ...). Borrowed. */
const char *fakecmis_faults_name(enum fakecmis_fault k);
const char *fakecmis_faults_selector_name(enum fakecmis_selector s);
/* Parses "k1,k2" into a bit set. Returns 0, or -1 with err naming the unknown kind. */
int fakecmis_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen);

/* Counts one authenticated CMIS request for selector s and draws its fault
 * (FAKECMIS_FAULT_NONE for none); *delay_ms gets the current delay. Cannot fail. */
enum fakecmis_fault fakecmis_faults_draw(struct fakecmis_faults *f, enum fakecmis_selector s,
					 long *delay_ms);
/* Counts one request refused for its credentials (never faulted). */
void fakecmis_faults_count_unauthorized(struct fakecmis_faults *f);

/* New JSON objects (caller decrefs): the counters, and the current configuration. */
json_t *fakecmis_faults_stats(struct fakecmis_faults *f);
json_t *fakecmis_faults_config(struct fakecmis_faults *f);
/* Applies {"rate", "kinds", "seed", "delay_ms"} (each optional). Returns 0, or -1 with err
 * and nothing changed. */
int fakecmis_faults_configure(struct fakecmis_faults *f, json_t *obj, char *err, size_t errlen);

#endif
