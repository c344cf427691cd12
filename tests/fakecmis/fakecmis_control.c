/* fakecmis_control.c -- the control API: dump the filings, read the other objects and the
 * change log's tokens, add, update, annul, remove filings, record permission changes, expire
 * the log, configure faults, read the counters; errors as {"error": "..."}. */
#include "fakecmis_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FAKECMIS_CONTROL_ERRLEN 256

/* One control request as its handler sees it. */
struct fakecmis_control_req {
	const struct fakecmis_control_env *env;
	const char *dependencia;
	json_t *in; /* the JSON body (NULL for a GET) */
	char err[FAKECMIS_CONTROL_ERRLEN];
};

/* Returns the HTTP status and sets *out to a new JSON value, or leaves it NULL with err. */
typedef int (*fakecmis_control_fn)(struct fakecmis_control_req *r, json_t **out);

struct fakecmis_control_route {
	const char *method;
	const char *path;
	int wants_body;
	fakecmis_control_fn fn;
};

static int fakecmis_control_status(enum fakecmis_repo_result r, int ok)
{
	switch (r) {
	case FAKECMIS_REPO_OK:
		return ok;
	case FAKECMIS_REPO_NOT_FOUND:
		return 404;
	case FAKECMIS_REPO_CONFLICT:
		return 409;
	case FAKECMIS_REPO_BAD:
		break;
	}
	return 400;
}

static int fakecmis_control_dump(struct fakecmis_control_req *r, json_t **out)
{
	*out = fakecmis_repo_dump(r->env->repo, r->dependencia);
	return 200;
}

static int fakecmis_control_others(struct fakecmis_control_req *r, json_t **out)
{
	*out = fakecmis_repo_others(r->env->repo);
	return 200;
}

static int fakecmis_control_token(struct fakecmis_control_req *r, json_t **out)
{
	*out = fakecmis_repo_token(r->env->repo);
	return 200;
}

static int fakecmis_control_expire(struct fakecmis_control_req *r, json_t **out)
{
	if (!json_is_object(r->in) || json_object_size(r->in) != 0) {
		snprintf(r->err, sizeof(r->err), "se espera {}");
		return 400;
	}
	fakecmis_repo_expire(r->env->repo);
	return fakecmis_control_token(r, out);
}

static int fakecmis_control_stats(struct fakecmis_control_req *r, json_t **out)
{
	*out = sim_faults_stats(r->env->faults);
	return 200;
}

static int fakecmis_control_get_faults(struct fakecmis_control_req *r, json_t **out)
{
	*out = sim_faults_config(r->env->faults);
	return 200;
}

static int fakecmis_control_set_faults(struct fakecmis_control_req *r, json_t **out)
{
	if (sim_faults_configure(r->env->faults, r->in, r->err, sizeof(r->err)) < 0)
		return 400;
	return fakecmis_control_get_faults(r, out);
}

static int fakecmis_control_add(struct fakecmis_control_req *r, json_t **out)
{
	return fakecmis_control_status(
	    fakecmis_repo_add(r->env->repo, r->in, out, r->err, sizeof(r->err)), 201);
}

static int fakecmis_control_update(struct fakecmis_control_req *r, json_t **out)
{
	return fakecmis_control_status(
	    fakecmis_repo_update(r->env->repo, r->in, out, r->err, sizeof(r->err)), 200);
}

static int fakecmis_control_annul(struct fakecmis_control_req *r, json_t **out)
{
	return fakecmis_control_status(
	    fakecmis_repo_annul(r->env->repo, r->in, out, r->err, sizeof(r->err)), 200);
}

static int fakecmis_control_remove(struct fakecmis_control_req *r, json_t **out)
{
	return fakecmis_control_status(
	    fakecmis_repo_remove(r->env->repo, r->in, out, r->err, sizeof(r->err)), 200);
}

static int fakecmis_control_security(struct fakecmis_control_req *r, json_t **out)
{
	return fakecmis_control_status(
	    fakecmis_repo_security(r->env->repo, r->in, out, r->err, sizeof(r->err)), 200);
}

static const struct fakecmis_control_route fakecmis_control_routes[] = {
    {"GET", "/control/dump", 0, fakecmis_control_dump},
    {"GET", "/control/others", 0, fakecmis_control_others},
    {"GET", "/control/token", 0, fakecmis_control_token},
    {"GET", "/control/stats", 0, fakecmis_control_stats},
    {"GET", "/control/faults", 0, fakecmis_control_get_faults},
    {"POST", "/control/faults", 1, fakecmis_control_set_faults},
    {"POST", "/control/add", 1, fakecmis_control_add},
    {"POST", "/control/update", 1, fakecmis_control_update},
    {"POST", "/control/annul", 1, fakecmis_control_annul},
    {"POST", "/control/remove", 1, fakecmis_control_remove},
    {"POST", "/control/security", 1, fakecmis_control_security},
    {"POST", "/control/expire", 1, fakecmis_control_expire},
};

static char *fakecmis_control_error(const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	char *out = xasprintf("%s\n", text ? text : "{\"error\":\"\"}");

	free(text);
	json_decref(o);
	return out;
}

int fakecmis_control_handle(const struct fakecmis_control_env *e, const char *method,
			    const char *path, const char *dependencia, const char *body, size_t len,
			    char **json)
{
	const struct fakecmis_control_route *route = NULL;
	struct fakecmis_control_req r = {.env = e, .dependencia = dependencia};
	int path_known = 0;
	json_t *out = NULL;
	json_error_t jerr;
	char *text;
	int status;

	for (size_t i = 0; i < sizeof(fakecmis_control_routes) / sizeof(fakecmis_control_routes[0]);
	     i++) {
		if (strcmp(fakecmis_control_routes[i].path, path) != 0)
			continue;
		path_known = 1;
		if (strcmp(fakecmis_control_routes[i].method, method) == 0)
			route = &fakecmis_control_routes[i];
	}
	if (route == NULL) {
		*json = fakecmis_control_error(path_known ? "método no permitido"
							  : "ruta de control desconocida");
		return path_known ? 405 : 404;
	}
	if (route->wants_body) {
		r.in = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
		if (r.in == NULL) {
			snprintf(r.err, sizeof(r.err), "JSON inválido: %s", jerr.text);
			*json = fakecmis_control_error(r.err);
			return 400;
		}
	}
	if (dependencia != NULL && !(dependencia[0] != '\0' && strlen(dependencia) <= 4 &&
				     strspn(dependencia, "0123456789") == strlen(dependencia))) {
		json_decref(r.in);
		*json = fakecmis_control_error("dependencia debe tener de 1 a 4 dígitos");
		return 400;
	}
	status = route->fn(&r, &out);
	json_decref(r.in);
	if (out == NULL) {
		*json = fakecmis_control_error(r.err[0] ? r.err : "petición inválida");
		return status;
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	*json = xasprintf("%s\n", text ? text : "{}");
	free(text);
	return status;
}
