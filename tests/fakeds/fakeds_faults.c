/* fakeds_faults.c -- the SOAP endpoint's fault kinds and its list/detail request counters,
 * plugged into the simulators' shared seeded draw. */
#include "fakeds_faults.h"

static const char *const fakeds_faults_names[FAKEDS_FAULT_COUNT] = {
    [FAKEDS_FAULT_DELAY] = "delay",	    [FAKEDS_FAULT_RESET] = "reset",
    [FAKEDS_FAULT_HTTP500] = "http500",	    [FAKEDS_FAULT_HTTP503] = "http503",
    [FAKEDS_FAULT_HTML] = "html",	    [FAKEDS_FAULT_TRUNCATED] = "truncated",
    [FAKEDS_FAULT_MALFORMED] = "malformed", [FAKEDS_FAULT_BADKEY] = "badkey",
};

static void fakeds_faults_counters(json_t *o, const unsigned long long *c)
{
	json_object_set_new(o, "list_requests", json_integer((json_int_t)c[FAKEDS_OP_LIST]));
	json_object_set_new(o, "info_requests", json_integer((json_int_t)c[FAKEDS_OP_INFO]));
}

void fakeds_faults_init(struct sim_faults *f, double rate, unsigned kinds, unsigned long long seed,
			long delay_ms)
{
	sim_faults_init(f, fakeds_faults_names, FAKEDS_FAULT_COUNT, fakeds_faults_counters, rate,
			kinds, seed, delay_ms);
}

int fakeds_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen)
{
	return sim_faults_parse_kinds(fakeds_faults_names, FAKEDS_FAULT_COUNT, csv, kinds, err,
				      errlen);
}
