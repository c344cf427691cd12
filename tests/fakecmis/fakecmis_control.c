/* fakecmis_control.c -- the control API: dump the filings, read the other objects and the
 * change log's tokens, add, update, annul, remove filings, record permission changes, expire
 * the log, configure faults, read the counters; errors as {"error": "..."}. */
#include "fakecmis_control.h"

#include <stdio.h>

/* The simulator's own part of a request (borrowed). */
static const struct fakecmis_control_env *fakecmis_control_env(const struct sim_control_req *r)
{
	return r->env;
}

static int fakecmis_control_dump(struct sim_control_req *r, json_t **out)
{
	*out = fakecmis_repo_dump(fakecmis_control_env(r)->repo, r->dependencia);
	return 200;
}

static int fakecmis_control_others(struct sim_control_req *r, json_t **out)
{
	*out = fakecmis_repo_others(fakecmis_control_env(r)->repo);
	return 200;
}

static int fakecmis_control_token(struct sim_control_req *r, json_t **out)
{
	*out = fakecmis_repo_token(fakecmis_control_env(r)->repo);
	return 200;
}

static int fakecmis_control_expire(struct sim_control_req *r, json_t **out)
{
	if (!json_is_object(r->in) || json_object_size(r->in) != 0) {
		snprintf(r->err, sizeof(r->err), "se espera {}");
		return 400;
	}
	fakecmis_repo_expire(fakecmis_control_env(r)->repo);
	return fakecmis_control_token(r, out);
}

static int fakecmis_control_add(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakecmis_repo_add(fakecmis_control_env(r)->repo, r->in, out,
							 r->err, sizeof(r->err)),
				  201);
}

static int fakecmis_control_update(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakecmis_repo_update(fakecmis_control_env(r)->repo, r->in,
							    out, r->err, sizeof(r->err)),
				  200);
}

static int fakecmis_control_annul(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakecmis_repo_annul(fakecmis_control_env(r)->repo, r->in,
							   out, r->err, sizeof(r->err)),
				  200);
}

static int fakecmis_control_remove(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakecmis_repo_remove(fakecmis_control_env(r)->repo, r->in,
							    out, r->err, sizeof(r->err)),
				  200);
}

static int fakecmis_control_security(struct sim_control_req *r, json_t **out)
{
	return sim_control_status((int)fakecmis_repo_security(fakecmis_control_env(r)->repo, r->in,
							      out, r->err, sizeof(r->err)),
				  200);
}

static const struct sim_control_route fakecmis_control_routes[] = {
    {"GET", "/control/dump", 0, fakecmis_control_dump},
    {"GET", "/control/others", 0, fakecmis_control_others},
    {"GET", "/control/token", 0, fakecmis_control_token},
    {"GET", "/control/stats", 0, sim_control_stats},
    {"GET", "/control/faults", 0, sim_control_get_faults},
    {"POST", "/control/faults", 1, sim_control_set_faults},
    {"POST", "/control/add", 1, fakecmis_control_add},
    {"POST", "/control/update", 1, fakecmis_control_update},
    {"POST", "/control/annul", 1, fakecmis_control_annul},
    {"POST", "/control/remove", 1, fakecmis_control_remove},
    {"POST", "/control/security", 1, fakecmis_control_security},
    {"POST", "/control/expire", 1, fakecmis_control_expire},
};

int fakecmis_control_handle(const struct fakecmis_control_env *e, const char *method,
			    const char *path, const char *dependencia, const char *body, size_t len,
			    char **json)
{
	static const struct sim_control_api api = {
	    fakecmis_control_routes,
	    sizeof(fakecmis_control_routes) / sizeof(fakecmis_control_routes[0]),
	    "{\"error\":\"\"}",
	};

	return sim_control_handle(&api, e, e->faults, method, path, dependencia, body, len, json);
}
