/* sim_control.h -- the /control/ JSON API's dispatch, shared by the simulators: a route table
 * (method, path, body or not, handler), the dependencia argument's check, JSON in and out
 * through jansson, errors as {"error": "..."}; also the routes of the faults. */
#ifndef SIM_CONTROL_H
#define SIM_CONTROL_H

#include <jansson.h>
#include <stddef.h>

#include "sim_faults.h"

#define SIM_CONTROL_ERRLEN 256

/* One control request as its handler sees it: what it may read and change (the simulator's
 * env, and the faults), the dependencia query argument (checked) or NULL, the JSON body
 * (NULL for a GET), and where to say why it failed. */
struct sim_control_req {
	const void *env;
	struct sim_faults *faults;
	const char *dependencia;
	json_t *in;
	char err[SIM_CONTROL_ERRLEN];
};

/* Returns the HTTP status and sets *out to a new JSON value, or leaves it NULL with err. */
typedef int (*sim_control_fn)(struct sim_control_req *r, json_t **out);

struct sim_control_route {
	const char *method;
	const char *path;
	int wants_body;
	sim_control_fn fn;
};

/* A simulator's control API: its routes and the text sent when an error cannot be written
 * as JSON. */
struct sim_control_api {
	const struct sim_control_route *routes;
	size_t nroutes;
	const char *error_fallback;
};

/* The routes every simulator has: /control/stats, GET and POST /control/faults. */
int sim_control_stats(struct sim_control_req *r, json_t **out);
int sim_control_get_faults(struct sim_control_req *r, json_t **out);
int sim_control_set_faults(struct sim_control_req *r, json_t **out);
/* The status of a data operation's result: 0 ok, -1 bad (400), -2 not found (404), -3
 * conflict (409). */
int sim_control_status(int result, int ok);

/* Answers one control request. Returns the HTTP status and sets *json to a new
 * NUL-terminated JSON text (the caller frees it). Cannot fail. */
int sim_control_handle(const struct sim_control_api *api, const void *env,
		       struct sim_faults *faults, const char *method, const char *path,
		       const char *dependencia, const char *body, size_t len, char **json);

#endif
