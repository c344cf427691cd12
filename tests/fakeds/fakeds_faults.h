/* fakeds_faults.h -- fault injection on the SOAP endpoint (a seeded draw per request under a
 * mutex, so a seed and a request order give the same faults) and the request counters. */
#ifndef FAKEDS_FAULTS_H
#define FAKEDS_FAULTS_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#define FAKEDS_FAULTS_DEFAULT_DELAY_MS 30000
#define FAKEDS_FAULTS_MAX_DELAY_MS 600000

enum fakeds_fault {
	FAKEDS_FAULT_NONE = -1,
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

/* Which SOAP operation a request named, for the counters. */
enum fakeds_faults_op { FAKEDS_OP_OTHER, FAKEDS_OP_LIST, FAKEDS_OP_INFO };

struct fakeds_faults {
	pthread_mutex_t lock;
	double rate;	/* probability of a fault per SOAP request */
	unsigned kinds; /* bit i set: kind i enabled */
	unsigned long long prng;
	unsigned long long seed;
	long delay_ms;
	unsigned long long requests, list_requests, info_requests, faults;
	unsigned long long by_kind[FAKEDS_FAULT_COUNT];
};

/* Every kind but badkey. */
#define FAKEDS_FAULTS_DEFAULT_KINDS ((1u << FAKEDS_FAULT_COUNT) - 1u - (1u << FAKEDS_FAULT_BADKEY))

void fakeds_faults_init(struct fakeds_faults *f, double rate, unsigned kinds,
			unsigned long long seed, long delay_ms);
void fakeds_faults_free(struct fakeds_faults *f);
/* Name of a kind ("delay", ...). Borrowed. */
const char *fakeds_faults_name(enum fakeds_fault k);
/* Parses "k1,k2" into a bit set. Returns 0, or -1 with err naming the unknown kind. */
int fakeds_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen);

/* Counts one SOAP request of operation op and draws its fault (FAKEDS_FAULT_NONE for none);
 * *delay_ms gets the current delay. Cannot fail. */
enum fakeds_fault fakeds_faults_draw(struct fakeds_faults *f, enum fakeds_faults_op op,
				     long *delay_ms);

/* New JSON objects (caller decrefs): the counters, and the current configuration. */
json_t *fakeds_faults_stats(struct fakeds_faults *f);
json_t *fakeds_faults_config(struct fakeds_faults *f);
/* Applies {"rate", "kinds", "seed", "delay_ms"} (each optional). Returns 0, or -1 with err
 * and nothing changed. */
int fakeds_faults_configure(struct fakeds_faults *f, json_t *obj, char *err, size_t errlen);

#endif
