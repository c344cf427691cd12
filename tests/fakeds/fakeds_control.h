/* fakeds_control.h -- the /control/ JSON API that tests use to read and change the simulated
 * document system's data, faults and quirks (never faulted itself). */
#ifndef FAKEDS_CONTROL_H
#define FAKEDS_CONTROL_H

#include <stddef.h>

#include "fakeds_data.h"
#include "fakeds_faults.h"
#include "sim_control.h"
#include "fakeds_quirks.h"

/* What the control API reads and changes (borrowed). */
struct fakeds_control_env {
	struct fakeds_data *data;
	struct sim_faults *faults;
	struct fakeds_quirks *quirks;
};

/* Answers one control request. path is the URL path ("/control/dump"), dependencia the
 * query argument of that name or NULL. Returns the HTTP status and sets *json to a new
 * NUL-terminated JSON text (the caller frees it). Cannot fail. */
int fakeds_control_handle(const struct fakeds_control_env *e, const char *method, const char *path,
			  const char *dependencia, const char *body, size_t len, char **json);

#endif
