/* fakeds_control.c -- the control API: dump, add, update and remove filings, configure faults
 * and quirks, read the counters; JSON in and out through jansson, errors as {"error": "..."}. */
#include "fakeds_control.h"

#include <stdio.h>

/* The simulator's own part of a request (borrowed). */
static const struct fakeds_control_env *fakeds_control_env(const struct sim_control_req *r)
{
	return r->env;
}

static int fakeds_control_dump(struct sim_control_req *r, json_t **out)
{
	*out = fakeds_data_dump(fakeds_control_env(r)->data, r->dependencia);
	return 200;
}

static int fakeds_control_get_quirks(struct sim_control_req *r, json_t **out)
{
	*out = fakeds_quirks_json(fakeds_control_env(r)->quirks);
	return 200;
}

static int fakeds_control_set_quirks(struct sim_control_req *r, json_t **out)
{
	if (fakeds_quirks_configure(fakeds_control_env(r)->quirks, r->in, r->err, sizeof(r->err)) <
	    0)
		return 400;
	return fakeds_control_get_quirks(r, out);
}

static int fakeds_control_add(struct sim_control_req *r, json_t **out)
{
	return sim_control_status(
	    (int)fakeds_data_add(fakeds_control_env(r)->data, r->in, out, r->err, sizeof(r->err)),
	    201);
}

static int fakeds_control_update(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakeds_data_update(fakeds_control_env(r)->data, r->in, out,
							  r->err, sizeof(r->err)),
				  200);
}

static int fakeds_control_remove(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakeds_data_remove(fakeds_control_env(r)->data, r->in, out,
							  r->err, sizeof(r->err)),
				  200);
}

static const struct sim_control_route fakeds_control_routes[] = {
    {"GET", "/control/dump", 0, fakeds_control_dump},
    {"GET", "/control/stats", 0, sim_control_stats},
    {"GET", "/control/faults", 0, sim_control_get_faults},
    {"POST", "/control/faults", 1, sim_control_set_faults},
    {"GET", "/control/quirks", 0, fakeds_control_get_quirks},
    {"POST", "/control/quirks", 1, fakeds_control_set_quirks},
    {"POST", "/control/add", 1, fakeds_control_add},
    {"POST", "/control/update", 1, fakeds_control_update},
    {"POST", "/control/remove", 1, fakeds_control_remove},
};

int fakeds_control_handle(const struct fakeds_control_env *e, const char *method, const char *path,
			  const char *dependencia, const char *body, size_t len, char **json)
{
	static const struct sim_control_api api = {
	    fakeds_control_routes,
	    sizeof(fakeds_control_routes) / sizeof(fakeds_control_routes[0]),
	    "{}",
	};

	return sim_control_handle(&api, e, e->faults, method, path, dependencia, body, len, json);
}
