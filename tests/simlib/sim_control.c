/* sim_control.c -- the control API's dispatch: route lookup (404 / 405), the JSON body, the
 * dependencia check, the handler, the answer or {"error": "..."}. */
#include "sim_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int sim_control_stats(struct sim_control_req *r, json_t **out)
{
	*out = sim_faults_stats(r->faults);
	return 200;
}

int sim_control_get_faults(struct sim_control_req *r, json_t **out)
{
	*out = sim_faults_config(r->faults);
	return 200;
}

int sim_control_set_faults(struct sim_control_req *r, json_t **out)
{
	if (sim_faults_configure(r->faults, r->in, r->err, sizeof(r->err)) < 0)
		return 400;
	return sim_control_get_faults(r, out);
}

int sim_control_status(int result, int ok)
{
	switch (result) {
	case 0:
		return ok;
	case -2:
		return 404;
	case -3:
		return 409;
	default:
		return 400;
	}
}

static char *sim_control_error(const struct sim_control_api *api, const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	char *out = xasprintf("%s\n", text ? text : api->error_fallback);

	free(text);
	json_decref(o);
	return out;
}

int sim_control_handle(const struct sim_control_api *api, const void *env,
		       struct sim_faults *faults, const char *method, const char *path,
		       const char *dependencia, const char *body, size_t len, char **json)
{
	const struct sim_control_route *route = NULL;
	struct sim_control_req r = {.env = env, .faults = faults, .dependencia = dependencia};
	int path_known = 0;
	json_t *out = NULL;
	json_error_t jerr;
	char *text;
	int status;

	for (size_t i = 0; i < api->nroutes; i++) {
		if (strcmp(api->routes[i].path, path) != 0)
			continue;
		path_known = 1;
		if (strcmp(api->routes[i].method, method) == 0)
			route = &api->routes[i];
	}
	if (route == NULL) {
		*json = sim_control_error(api, path_known ? "método no permitido"
							  : "ruta de control desconocida");
		return path_known ? 405 : 404;
	}
	if (route->wants_body) {
		r.in = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
		if (r.in == NULL) {
			snprintf(r.err, sizeof(r.err), "JSON inválido: %s", jerr.text);
			*json = sim_control_error(api, r.err);
			return 400;
		}
	}
	if (dependencia != NULL && !(dependencia[0] != '\0' && strlen(dependencia) <= 4 &&
				     strspn(dependencia, "0123456789") == strlen(dependencia))) {
		json_decref(r.in);
		*json = sim_control_error(api, "dependencia debe tener de 1 a 4 dígitos");
		return 400;
	}
	status = route->fn(&r, &out);
	json_decref(r.in);
	if (out == NULL) {
		*json = sim_control_error(api, r.err[0] ? r.err : "petición inválida");
		return status;
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	*json = xasprintf("%s\n", text ? text : "{}");
	free(text);
	return status;
}
