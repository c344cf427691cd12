/* fakeds_control.c -- the control API: dump, add, update and remove filings, configure faults
 * and read the counters; JSON in and out through jansson, errors as {"error": "..."}. */
#include "fakeds_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FAKEDS_CONTROL_ERRLEN 256

typedef int (*fakeds_control_fn)(struct fakeds_data *d, struct fakeds_faults *f,
				 const char *dependencia, json_t *in, json_t **out, char *err);

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

static int fakeds_control_dump(struct fakeds_data *d, struct fakeds_faults *f,
			       const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)f;
	(void)in;
	(void)err;
	*out = fakeds_data_dump(d, dependencia);
	return 200;
}

static int fakeds_control_stats(struct fakeds_data *d, struct fakeds_faults *f,
				const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)d;
	(void)dependencia;
	(void)in;
	(void)err;
	*out = fakeds_faults_stats(f);
	return 200;
}

static int fakeds_control_get_faults(struct fakeds_data *d, struct fakeds_faults *f,
				     const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)d;
	(void)dependencia;
	(void)in;
	(void)err;
	*out = fakeds_faults_config(f);
	return 200;
}

static int fakeds_control_set_faults(struct fakeds_data *d, struct fakeds_faults *f,
				     const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)d;
	(void)dependencia;
	if (fakeds_faults_configure(f, in, err, FAKEDS_CONTROL_ERRLEN) < 0)
		return 400;
	*out = fakeds_faults_config(f);
	return 200;
}

static int fakeds_control_add(struct fakeds_data *d, struct fakeds_faults *f,
			      const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)f;
	(void)dependencia;
	return fakeds_control_status(fakeds_data_add(d, in, out, err, FAKEDS_CONTROL_ERRLEN), 201);
}

static int fakeds_control_update(struct fakeds_data *d, struct fakeds_faults *f,
				 const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)f;
	(void)dependencia;
	return fakeds_control_status(fakeds_data_update(d, in, out, err, FAKEDS_CONTROL_ERRLEN),
				     200);
}

static int fakeds_control_remove(struct fakeds_data *d, struct fakeds_faults *f,
				 const char *dependencia, json_t *in, json_t **out, char *err)
{
	(void)f;
	(void)dependencia;
	return fakeds_control_status(fakeds_data_remove(d, in, out, err, FAKEDS_CONTROL_ERRLEN),
				     200);
}

static const struct fakeds_control_route fakeds_control_routes[] = {
    {"GET", "/control/dump", 0, fakeds_control_dump},
    {"GET", "/control/stats", 0, fakeds_control_stats},
    {"GET", "/control/faults", 0, fakeds_control_get_faults},
    {"POST", "/control/faults", 1, fakeds_control_set_faults},
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

int fakeds_control_handle(struct fakeds_data *d, struct fakeds_faults *f, const char *method,
			  const char *path, const char *dependencia, const char *body, size_t len,
			  char **json)
{
	const struct fakeds_control_route *route = NULL;
	int path_known = 0;
	char err[FAKEDS_CONTROL_ERRLEN] = "";
	json_t *in = NULL;
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
		in = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
		if (in == NULL) {
			snprintf(err, sizeof(err), "JSON inválido: %s", jerr.text);
			*json = fakeds_control_error(err);
			return 400;
		}
	}
	if (dependencia != NULL && !(dependencia[0] != '\0' && strlen(dependencia) <= 4 &&
				     strspn(dependencia, "0123456789") == strlen(dependencia))) {
		json_decref(in);
		*json = fakeds_control_error("dependencia debe tener de 1 a 4 dígitos");
		return 400;
	}
	status = route->fn(d, f, dependencia, in, &out, err);
	json_decref(in);
	if (out == NULL) {
		*json = fakeds_control_error(err[0] ? err : "petición inválida");
		return status;
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	*json = xasprintf("%s\n", text ? text : "{}");
	free(text);
	return status;
}
