/* fakeds_control.c -- the control API: dump, add, update and remove filings, configure faults
 * and quirks, read the counters; JSON in and out through jansson, errors as {"error": "..."}. */
#include "fakeds_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FAKEDS_CONTROL_ERRLEN 256

/* One control request as its handler sees it: what it may read and change, the dependencia
 * query argument (checked) or NULL, the JSON body (NULL for a GET), and where to say why it
 * failed. */
struct fakeds_control_req {
	const struct fakeds_control_env *env;
	const char *dependencia;
	json_t *in;
	char err[FAKEDS_CONTROL_ERRLEN];
};

/* Returns the HTTP status and sets *out to a new JSON value, or leaves it NULL with err. */
typedef int (*fakeds_control_fn)(struct fakeds_control_req *r, json_t **out);

struct fakeds_control_route {
	const char *method;
	const char *path;
	int wants_body;
	fakeds_control_fn fn;
};

static int fakeds_control_status(enum fakeds_data_result r, int ok)
{
	switch (r) {
	case FAKEDS_DATA_OK:
		return ok;
	case FAKEDS_DATA_NOT_FOUND:
		return 404;
	case FAKEDS_DATA_CONFLICT:
		return 409;
	case FAKEDS_DATA_BAD:
		break;
	}
	return 400;
}

static int fakeds_control_dump(struct fakeds_control_req *r, json_t **out)
{
	*out = fakeds_data_dump(r->env->data, r->dependencia);
	return 200;
}

static int fakeds_control_stats(struct fakeds_control_req *r, json_t **out)
{
	*out = sim_faults_stats(r->env->faults);
	return 200;
}

static int fakeds_control_get_faults(struct fakeds_control_req *r, json_t **out)
{
	*out = sim_faults_config(r->env->faults);
	return 200;
}

static int fakeds_control_set_faults(struct fakeds_control_req *r, json_t **out)
{
	if (sim_faults_configure(r->env->faults, r->in, r->err, sizeof(r->err)) < 0)
		return 400;
	return fakeds_control_get_faults(r, out);
}

static int fakeds_control_get_quirks(struct fakeds_control_req *r, json_t **out)
{
	*out = fakeds_quirks_json(r->env->quirks);
	return 200;
}

static int fakeds_control_set_quirks(struct fakeds_control_req *r, json_t **out)
{
	if (fakeds_quirks_configure(r->env->quirks, r->in, r->err, sizeof(r->err)) < 0)
		return 400;
	return fakeds_control_get_quirks(r, out);
}

static int fakeds_control_add(struct fakeds_control_req *r, json_t **out)
{
	return fakeds_control_status(
	    fakeds_data_add(r->env->data, r->in, out, r->err, sizeof(r->err)), 201);
}

static int fakeds_control_update(struct fakeds_control_req *r, json_t **out)
{
	return fakeds_control_status(
	    fakeds_data_update(r->env->data, r->in, out, r->err, sizeof(r->err)), 200);
}

static int fakeds_control_remove(struct fakeds_control_req *r, json_t **out)
{
	return fakeds_control_status(
	    fakeds_data_remove(r->env->data, r->in, out, r->err, sizeof(r->err)), 200);
}

static const struct fakeds_control_route fakeds_control_routes[] = {
    {"GET", "/control/dump", 0, fakeds_control_dump},
    {"GET", "/control/stats", 0, fakeds_control_stats},
    {"GET", "/control/faults", 0, fakeds_control_get_faults},
    {"POST", "/control/faults", 1, fakeds_control_set_faults},
    {"GET", "/control/quirks", 0, fakeds_control_get_quirks},
    {"POST", "/control/quirks", 1, fakeds_control_set_quirks},
    {"POST", "/control/add", 1, fakeds_control_add},
    {"POST", "/control/update", 1, fakeds_control_update},
    {"POST", "/control/remove", 1, fakeds_control_remove},
};

static char *fakeds_control_error(const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = json_dumps(o, JSON_COMPACT);
	char *out = xasprintf("%s\n", text ? text : "{}");

	free(text);
	json_decref(o);
	return out;
}

int fakeds_control_handle(const struct fakeds_control_env *e, const char *method, const char *path,
			  const char *dependencia, const char *body, size_t len, char **json)
{
	const struct fakeds_control_route *route = NULL;
	struct fakeds_control_req r = {.env = e, .dependencia = dependencia};
	int path_known = 0;
	json_t *out = NULL;
	json_error_t jerr;
	char *text;
	int status;

	for (size_t i = 0; i < sizeof(fakeds_control_routes) / sizeof(fakeds_control_routes[0]);
	     i++) {
		if (strcmp(fakeds_control_routes[i].path, path) != 0)
			continue;
		path_known = 1;
		if (strcmp(fakeds_control_routes[i].method, method) == 0)
			route = &fakeds_control_routes[i];
	}
	if (route == NULL) {
		*json = fakeds_control_error(path_known ? "método no permitido"
							: "ruta de control desconocida");
		return path_known ? 405 : 404;
	}
	if (route->wants_body) {
		r.in = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
		if (r.in == NULL) {
			snprintf(r.err, sizeof(r.err), "JSON inválido: %s", jerr.text);
			*json = fakeds_control_error(r.err);
			return 400;
		}
	}
	if (dependencia != NULL && !(dependencia[0] != '\0' && strlen(dependencia) <= 4 &&
				     strspn(dependencia, "0123456789") == strlen(dependencia))) {
		json_decref(r.in);
		*json = fakeds_control_error("dependencia debe tener de 1 a 4 dígitos");
		return 400;
	}
	status = route->fn(&r, &out);
	json_decref(r.in);
	if (out == NULL) {
		*json = fakeds_control_error(r.err[0] ? r.err : "petición inválida");
		return status;
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	*json = xasprintf("%s\n", text ? text : "{}");
	free(text);
	return status;
}
