/* sim_rand.c -- splitmix64: one seed gives the same sequence on every machine. */
#include "sim_rand.h"

unsigned long long sim_rand_mix(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}
