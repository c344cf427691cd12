/* sim_rand.h -- the deterministic 64-bit mixing (splitmix64) behind every seeded draw of the
 * simulators: generated datasets, fault sequences, per-filing details. */
#ifndef SIM_RAND_H
#define SIM_RAND_H

/* Advances *state and returns its next 64 mixed bits. Cannot fail. */
unsigned long long sim_rand_mix(unsigned long long *state);

#endif
