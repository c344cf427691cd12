/* fakecmis_faults.c -- the CMIS endpoints' fault kinds and their counters by selector,
 * plugged into the simulators' shared seeded draw. */
#include "fakecmis_faults.h"

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

static void fakecmis_faults_counters(json_t *o, const unsigned long long *c)
{
	json_t *sel = json_object();

	for (int i = 0; i < FAKECMIS_SEL_COUNT; i++)
		json_object_set_new(sel, fakecmis_faults_selectors[i],
				    json_integer((json_int_t)c[i]));
	json_object_set_new(o, "by_selector", sel);
	json_object_set_new(o, "unauthorized",
			    json_integer((json_int_t)c[FAKECMIS_FAULTS_UNAUTHORIZED]));
}

void fakecmis_faults_init(struct sim_faults *f, double rate, unsigned kinds,
			  unsigned long long seed, long delay_ms)
{
	sim_faults_init(f, fakecmis_faults_names, FAKECMIS_FAULT_COUNT, fakecmis_faults_counters,
			rate, kinds, seed, delay_ms);
}

const char *fakecmis_faults_selector_name(enum fakecmis_selector s)
{
	return fakecmis_faults_selectors[s];
}

int fakecmis_faults_parse_kinds(const char *csv, unsigned *kinds, char *err, size_t errlen)
{
	return sim_faults_parse_kinds(fakecmis_faults_names, FAKECMIS_FAULT_COUNT, csv, kinds, err,
				      errlen);
}
