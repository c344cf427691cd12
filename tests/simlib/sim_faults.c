/* sim_faults.c -- which fault, if any, each request gets: a seeded generator drawn under a
 * mutex in request order; also the request and fault counters of /control/stats. */
#include "sim_faults.h"

#include <string.h>

#include "sim_rand.h"
#include "util.h"

void sim_faults_init(struct sim_faults *f, const char *const *names, int nkinds,
		     sim_faults_counters_fn add_counters, double rate, unsigned kinds,
		     unsigned long long seed, long delay_ms)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->names = names;
	f->nkinds = nkinds;
	f->add_counters = add_counters;
	f->rate = rate;
	f->kinds = kinds;
	f->seed = seed;
	f->prng = seed;
	f->delay_ms = delay_ms;
}

void sim_faults_free(struct sim_faults *f)
{
	pthread_mutex_destroy(&f->lock);
}

const char *sim_faults_name(const struct sim_faults *f, int kind)
{
	if (kind < 0 || kind >= f->nkinds)
		return "ninguna";
	return f->names[kind];
}

static int sim_faults_kind(const char *const *names, int nkinds, const char *name, size_t len)
{
	for (int i = 0; i < nkinds; i++) {
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return i;
	}
	return -1;
}

int sim_faults_parse_kinds(const char *const *names, int nkinds, const char *csv, unsigned *kinds,
			   char *err, size_t errlen)
{
	unsigned set = 0;
	const char *p = csv;

	while (*p) {
		size_t len = strcspn(p, ",");
		int k = sim_faults_kind(names, nkinds, p, len);

		if (k < 0) {
			set_error(err, errlen, "tipo de falla desconocido: %.*s", (int)len, p);
			return -1;
		}
		set |= 1u << k;
		p += len;
		if (*p == ',')
			p++;
	}
	if (set == 0) {
		set_error(err, errlen, "lista de fallas vacía");
		return -1;
	}
	*kinds = set;
	return 0;
}

int sim_faults_draw(struct sim_faults *f, int counter, long *delay_ms)
{
	int k = SIM_FAULTS_NONE;
	int enabled[SIM_FAULTS_MAX_KINDS];
	int n = 0;

	pthread_mutex_lock(&f->lock);
	f->requests++;
	if (counter >= 0 && counter < SIM_FAULTS_MAX_COUNTERS)
		f->counters[counter]++;
	for (int i = 0; i < f->nkinds; i++) {
		if (f->kinds & (1u << i))
			enabled[n++] = i;
	}
	if (f->rate > 0 && n > 0) {
		/* 53 random bits make a uniform double in [0, 1). */
		double u = (double)(sim_rand_mix(&f->prng) >> 11) / 9007199254740992.0;

		if (u < f->rate) {
			k = enabled[sim_rand_mix(&f->prng) % (unsigned)n];
			f->faults++;
			f->by_kind[k]++;
		}
	}
	*delay_ms = f->delay_ms;
	pthread_mutex_unlock(&f->lock);
	return k;
}

void sim_faults_count(struct sim_faults *f, int counter)
{
	pthread_mutex_lock(&f->lock);
	if (counter >= 0 && counter < SIM_FAULTS_MAX_COUNTERS)
		f->counters[counter]++;
	pthread_mutex_unlock(&f->lock);
}

json_t *sim_faults_stats(struct sim_faults *f)
{
	json_t *o = json_object();
	json_t *by = json_object();
	unsigned long long counters[SIM_FAULTS_MAX_COUNTERS];
	unsigned long long by_kind[SIM_FAULTS_MAX_KINDS];
	unsigned long long requests, faults;

	pthread_mutex_lock(&f->lock);
	requests = f->requests;
	faults = f->faults;
	memcpy(counters, f->counters, sizeof(counters));
	memcpy(by_kind, f->by_kind, sizeof(by_kind));
	pthread_mutex_unlock(&f->lock);
	json_object_set_new(o, "requests", json_integer((json_int_t)requests));
	if (f->add_counters != NULL)
		f->add_counters(o, counters);
	json_object_set_new(o, "faults", json_integer((json_int_t)faults));
	for (int i = 0; i < f->nkinds; i++)
		json_object_set_new(by, f->names[i], json_integer((json_int_t)by_kind[i]));
	json_object_set_new(o, "faults_by_kind", by);
	return o;
}

json_t *sim_faults_config(struct sim_faults *f)
{
	json_t *o = json_object();
	json_t *kinds = json_array();

	pthread_mutex_lock(&f->lock);
	json_object_set_new(o, "rate", json_real(f->rate));
	for (int i = 0; i < f->nkinds; i++) {
		if (f->kinds & (1u << i))
			json_array_append_new(kinds, json_string(f->names[i]));
	}
	json_object_set_new(o, "kinds", kinds);
	json_object_set_new(o, "seed", json_integer((json_int_t)f->seed));
	json_object_set_new(o, "delay_ms", json_integer(f->delay_ms));
	pthread_mutex_unlock(&f->lock);
	return o;
}

int sim_faults_configure(struct sim_faults *f, json_t *obj, char *err, size_t errlen)
{
	double rate = -1;
	unsigned kinds = 0;
	int has_kinds = 0, has_seed = 0;
	json_int_t seed = 0;
	long delay = -1;
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		set_error(err, errlen, "se espera un objeto JSON");
		return -1;
	}
	json_object_foreach(obj, key, v)
	{
		if (strcmp(key, "rate") == 0) {
			if (!json_is_number(v) || json_number_value(v) < 0 ||
			    json_number_value(v) > 1) {
				set_error(err, errlen, "rate debe ser un número entre 0 y 1");
				return -1;
			}
			rate = json_number_value(v);
		} else if (strcmp(key, "kinds") == 0) {
			size_t i;
			json_t *k;

			if (!json_is_array(v)) {
				set_error(err, errlen, "kinds debe ser una lista");
				return -1;
			}
			json_array_foreach(v, i, k)
			{
				int kind =
				    json_is_string(k)
					? sim_faults_kind(f->names, f->nkinds, json_string_value(k),
							  json_string_length(k))
					: -1;

				if (kind < 0) {
					set_error(err, errlen,
						  "tipo de falla desconocido en kinds[%zu]", i);
					return -1;
				}
				kinds |= 1u << kind;
			}
			has_kinds = 1;
		} else if (strcmp(key, "seed") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				set_error(err, errlen, "seed debe ser un entero no negativo");
				return -1;
			}
			seed = json_integer_value(v);
			has_seed = 1;
		} else if (strcmp(key, "delay_ms") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > SIM_FAULTS_MAX_DELAY_MS) {
				set_error(err, errlen, "delay_ms debe ser un entero entre 0 y %d",
					  SIM_FAULTS_MAX_DELAY_MS);
				return -1;
			}
			delay = (long)json_integer_value(v);
		} else {
			set_error(err, errlen, "campo desconocido: %s", key);
			return -1;
		}
	}
	pthread_mutex_lock(&f->lock);
	if (rate >= 0)
		f->rate = rate;
	if (has_kinds)
		f->kinds = kinds;
	if (has_seed) {
		f->seed = (unsigned long long)seed;
		f->prng = f->seed;
	}
	if (delay >= 0)
		f->delay_ms = delay;
	pthread_mutex_unlock(&f->lock);
	return 0;
}
