/* fakecmis_faults.c -- which fault, if any, each CMIS request gets: a seeded generator drawn
 * under a mutex in request order; also the request and fault counters of /control/stats. */
#include "fakecmis_faults.h"

#include <string.h>

#include "fakecmis_repo.h"
#include "util.h"

static const char *const fakecmis_faults_names[FAKECMIS_FAULT_COUNT] = {
    [FAKECMIS_FAULT_DELAY] = "delay",	      [FAKECMIS_FAULT_RESET] = "reset",
    [FAKECMIS_FAULT_HTTP500] = "http500",     [FAKECMIS_FAULT_HTTP503] = "http503",
    [FAKECMIS_FAULT_HTML] = "html",	      [FAKECMIS_FAULT_TRUNCATED] = "truncated",
    [FAKECMIS_FAULT_MALFORMED] = "malformed", [FAKECMIS_FAULT_RUNTIME] = "runtime",
    [FAKECMIS_FAULT_DENIED] = "denied",
};

static const char *const fakecmis_faults_selectors[FAKECMIS_SEL_COUNT] = {
    [FAKECMIS_SEL_REPOSITORIES] = "repositories",
    [FAKECMIS_SEL_REPOSITORY_INFO] = "repositoryInfo",
    [FAKECMIS_SEL_QUERY] = "query",
    [FAKECMIS_SEL_CONTENT_CHANGES] = "contentChanges",
    [FAKECMIS_SEL_OBJECT] = "object",
    [FAKECMIS_SEL_TYPE_DEFINITION] = "typeDefinition",
    [FAKECMIS_SEL_OTHER] = "other",
};

void fakecmis_faults_init(struct fakecmis_faults *f, double rate, unsigned kinds,
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

void fakecmis_faults_free(struct fakecmis_faults *f)
{
	pthread_mutex_destroy(&f->lock);
}

const char *fakecmis_faults_name(enum fakecmis_fault k)
{
	if (k < 0 || k >= FAKECMIS_FAULT_COUNT)
		return "ninguna";
	return fakecmis_faults_names[k];
}

const char *fakecmis_faults_selector_name(enum fakecmis_selector s)
{
	return fakecmis_faults_selectors[s];
}

static int fakecmis_faults_kind(const char *name, size_t len)
{
	for (int i = 0; i < FAKECMIS_FAULT_COUNT; i++) {
		if (strlen(fakecmis_faults_names[i]) == len &&
		    strncmp(fakecmis_faults_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

int fakecmis_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen)
{
	unsigned set = 0;
	const char *p = csv;

	while (*p) {
		size_t len = strcspn(p, ",");
		int k = fakecmis_faults_kind(p, len);

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

enum fakecmis_fault fakecmis_faults_draw(struct fakecmis_faults *f, enum fakecmis_selector s,
					 long *delay_ms)
{
	enum fakecmis_fault k = FAKECMIS_FAULT_NONE;
	int enabled[FAKECMIS_FAULT_COUNT];
	int n = 0;

	pthread_mutex_lock(&f->lock);
	f->requests++;
	f->by_selector[s]++;
	for (int i = 0; i < FAKECMIS_FAULT_COUNT; i++) {
		if (f->kinds & (1u << i))
			enabled[n++] = i;
	}
	if (f->rate > 0 && n > 0) {
		/* 53 random bits make a uniform double in [0, 1). */
		double u = (double)(fakecmis_repo_mix(&f->prng) >> 11) / 9007199254740992.0;

		if (u < f->rate) {
			k = (enum fakecmis_fault)enabled[fakecmis_repo_mix(&f->prng) % (unsigned)n];
			f->faults++;
			f->by_kind[k]++;
		}
	}
	*delay_ms = f->delay_ms;
	pthread_mutex_unlock(&f->lock);
	return k;
}

void fakecmis_faults_count_unauthorized(struct fakecmis_faults *f)
{
	pthread_mutex_lock(&f->lock);
	f->unauthorized++;
	pthread_mutex_unlock(&f->lock);
}

json_t *fakecmis_faults_stats(struct fakecmis_faults *f)
{
	json_t *o = json_object();
	json_t *sel = json_object();
	json_t *by = json_object();

	pthread_mutex_lock(&f->lock);
	json_object_set_new(o, "requests", json_integer((json_int_t)f->requests));
	for (int i = 0; i < FAKECMIS_SEL_COUNT; i++)
		json_object_set_new(sel, fakecmis_faults_selectors[i],
				    json_integer((json_int_t)f->by_selector[i]));
	json_object_set_new(o, "by_selector", sel);
	json_object_set_new(o, "unauthorized", json_integer((json_int_t)f->unauthorized));
	json_object_set_new(o, "faults", json_integer((json_int_t)f->faults));
	for (int i = 0; i < FAKECMIS_FAULT_COUNT; i++)
		json_object_set_new(by, fakecmis_faults_names[i],
				    json_integer((json_int_t)f->by_kind[i]));
	pthread_mutex_unlock(&f->lock);
	json_object_set_new(o, "faults_by_kind", by);
	return o;
}

json_t *fakecmis_faults_config(struct fakecmis_faults *f)
{
	json_t *o = json_object();
	json_t *kinds = json_array();

	pthread_mutex_lock(&f->lock);
	json_object_set_new(o, "rate", json_real(f->rate));
	for (int i = 0; i < FAKECMIS_FAULT_COUNT; i++) {
		if (f->kinds & (1u << i))
			json_array_append_new(kinds, json_string(fakecmis_faults_names[i]));
	}
	json_object_set_new(o, "kinds", kinds);
	json_object_set_new(o, "seed", json_integer((json_int_t)f->seed));
	json_object_set_new(o, "delay_ms", json_integer(f->delay_ms));
	pthread_mutex_unlock(&f->lock);
	return o;
}

int fakecmis_faults_configure(struct fakecmis_faults *f, json_t *obj, char *err, size_t errlen)
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
					       ? fakecmis_faults_kind(json_string_value(k),
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
			    json_integer_value(v) > FAKECMIS_FAULTS_MAX_DELAY_MS) {
				set_error(err, errlen, "delay_ms debe ser un entero entre 0 y %d",
					  FAKECMIS_FAULTS_MAX_DELAY_MS);
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
