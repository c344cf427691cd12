/* sim_faults.h -- fault injection shared by the simulators: a seeded draw per request under a
 * mutex (a seed and a request order give the same faults), the request and fault counters and
 * the {"rate", "kinds", "seed", "delay_ms"} configuration of /control/faults. Each simulator
 * names its own kinds and counters. */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#define SIM_FAULTS_DEFAULT_DELAY_MS 30000
#define SIM_FAULTS_MAX_DELAY_MS 600000
#define SIM_FAULTS_MAX_KINDS 16	   /* kinds a simulator may name */
#define SIM_FAULTS_MAX_COUNTERS 16 /* counters of its own a simulator may keep */
#define SIM_FAULTS_NONE (-1)	   /* the draw of a request that gets no fault */

/* Adds a simulator's own counters (c, in its own order) to the /control/stats object o. */
typedef void (*sim_faults_counters_fn)(json_t *o, const unsigned long long *c);

struct sim_faults {
	pthread_mutex_t lock;
	const char *const *names; /* of the kinds, index = kind (borrowed) */
	int nkinds;
	double rate;	/* probability of a fault per request */
	unsigned kinds; /* bit i set: kind i enabled */
	unsigned long long prng;
	unsigned long long seed;
	long delay_ms;
	unsigned long long requests, faults;
	unsigned long long by_kind[SIM_FAULTS_MAX_KINDS];
	unsigned long long counters[SIM_FAULTS_MAX_COUNTERS];
	sim_faults_counters_fn add_counters; /* may be NULL */
};

/* names: nkinds kind names (borrowed, must outlive f). Cannot fail. */
void sim_faults_init(struct sim_faults *f, const char *const *names, int nkinds,
		     sim_faults_counters_fn add_counters, double rate, unsigned kinds,
		     unsigned long long seed, long delay_ms);
void sim_faults_free(struct sim_faults *f);
/* Name of a kind ("delay", ...), "ninguna" for SIM_FAULTS_NONE. Borrowed. */
const char *sim_faults_name(const struct sim_faults *f, int kind);
/* Parses "k1,k2" of the nkinds names into a bit set. Returns 0, or -1 with err naming the
 * unknown kind. */
int sim_faults_parse_kinds(const char *const *names, int nkinds, const char *csv, unsigned *kinds,
			   char *err, size_t errlen);

/* Counts one request (and, when counter >= 0, that counter of the simulator's own) and
 * draws its fault: a kind index or SIM_FAULTS_NONE; *delay_ms gets the current delay.
 * Cannot fail. */
int sim_faults_draw(struct sim_faults *f, int counter, long *delay_ms);
/* Adds one to the simulator's own counter, without counting a request. */
void sim_faults_count(struct sim_faults *f, int counter);

/* New JSON objects (caller decrefs): the counters, and the current configuration. */
json_t *sim_faults_stats(struct sim_faults *f);
json_t *sim_faults_config(struct sim_faults *f);
/* Applies {"rate", "kinds", "seed", "delay_ms"} (each optional). Returns 0, or -1 with err
 * and nothing changed. */
int sim_faults_configure(struct sim_faults *f, json_t *obj, char *err, size_t errlen);

#endif
