/* fakeds_faults.c -- which fault, if any, each SOAP request gets: a seeded generator drawn
 * under a mutex in request order; also the request and fault counters of /control/stats. */
#include "fakeds_faults.h"

#include <string.h>

#include "fakeds_data.h"
#include "util.h"

static const char *const fakeds_faults_names[FAKEDS_FAULT_COUNT] = {
    [FAKEDS_FAULT_DELAY] = "delay",	    [FAKEDS_FAULT_RESET] = "reset",
    [FAKEDS_FAULT_HTTP500] = "http500",	    [FAKEDS_FAULT_HTTP503] = "http503",
    [FAKEDS_FAULT_HTML] = "html",	    [FAKEDS_FAULT_TRUNCATED] = "truncated",
    [FAKEDS_FAULT_MALFORMED] = "malformed", [FAKEDS_FAULT_BADKEY] = "badkey",
};

void fakeds_faults_init(struct fakeds_faults *f, double rate, unsigned kinds,
			unsigned long long seed, long delay_ms)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->rate = rate;
	f->kinds = kinds;
	f->seed = seed;
	f->prng = seed;
	f->delay_ms = delay_ms;
}

void fakeds_faults_free(struct fakeds_faults *f)
{
	pthread_mutex_destroy(&f->lock);
}

const char *fakeds_faults_name(enum fakeds_fault k)
{
	if (k < 0 || k >= FAKEDS_FAULT_COUNT)
		return "ninguna";
	return fakeds_faults_names[k];
}

static int fakeds_faults_kind(const char *name, size_t len)
{
	for (int i = 0; i < FAKEDS_FAULT_COUNT; i++) {
		if (strlen(fakeds_faults_names[i]) == len &&
		    strncmp(fakeds_faults_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

int fakeds_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen)
{
	unsigned set = 0;
	const char *p = csv;

	while (*p) {
		size_t len = strcspn(p, ",");
		int k = fakeds_faults_kind(p, len);

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

enum fakeds_fault fakeds_faults_draw(struct fakeds_faults *f, enum fakeds_faults_op op,
				     long *delay_ms)
{
	enum fakeds_fault k = FAKEDS_FAULT_NONE;
	int enabled[FAKEDS_FAULT_COUNT];
	int n = 0;

	pthread_mutex_lock(&f->lock);
	f->requests++;
	if (op == FAKEDS_OP_LIST)
		f->list_requests++;
	else if (op == FAKEDS_OP_INFO)
		f->info_requests++;
	for (int i = 0; i < FAKEDS_FAULT_COUNT; i++) {
		if (f->kinds & (1u << i))
			enabled[n++] = i;
	}
	if (f->rate > 0 && n > 0) {
		/* 53 random bits make a uniform double in [0, 1). */
		double u = (double)(fakeds_data_mix(&f->prng) >> 11) / 9007199254740992.0;

		if (u < f->rate) {
			k = (enum fakeds_fault)enabled[fakeds_data_mix(&f->prng) % (unsigned)n];
			f->faults++;
			f->by_kind[k]++;
		}
	}
	*delay_ms = f->delay_ms;
	pthread_mutex_unlock(&f->lock);
	return k;
}

json_t *fakeds_faults_stats(struct fakeds_faults *f)
{
	json_t *o = json_object();
	json_t *by = json_object();

	pthread_mutex_lock(&f->lock);
	json_object_set_new(o, "requests", json_integer((json_int_t)f->requests));
	json_object_set_new(o, "list_requests", json_integer((json_int_t)f->list_requests));
	json_object_set_new(o, "info_requests", json_integer((json_int_t)f->info_requests));
	json_object_set_new(o, "faults", json_integer((json_int_t)f->faults));
	for (int i = 0; i < FAKEDS_FAULT_COUNT; i++)
		json_object_set_new(by, fakeds_faults_names[i],
				    json_integer((json_int_t)f->by_kind[i]));
	pthread_mutex_unlock(&f->lock);
	json_object_set_new(o, "faults_by_kind", by);
	return o;
}

json_t *fakeds_faults_config(struct fakeds_faults *f)
{
	json_t *o = json_object();
	json_t *kinds = json_array();

	pthread_mutex_lock(&f->lock);
	json_object_set_new(o, "rate", json_real(f->rate));
	for (int i = 0; i < FAKEDS_FAULT_COUNT; i++) {
		if (f->kinds & (1u << i))
			json_array_append_new(kinds, json_string(fakeds_faults_names[i]));
	}
	json_object_set_new(o, "kinds", kinds);
	json_object_set_new(o, "seed", json_integer((json_int_t)f->seed));
	json_object_set_new(o, "delay_ms", json_integer(f->delay_ms));
	pthread_mutex_unlock(&f->lock);
	return o;
}

int fakeds_faults_configure(struct fakeds_faults *f, json_t *obj, char *err, size_t errlen)
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
				int kind = json_is_string(k)
					       ? fakeds_faults_kind(json_string_value(k),
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
			    json_integer_value(v) > FAKEDS_FAULTS_MAX_DELAY_MS) {
				set_error(err, errlen, "delay_ms debe ser un entero entre 0 y %d",
					  FAKEDS_FAULTS_MAX_DELAY_MS);
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
