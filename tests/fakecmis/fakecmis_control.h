/* fakecmis_control.h -- the /control/ JSON API that tests use to read and change the simulated
 * repository's objects, change log and faults (never faulted, no credentials). */
#ifndef FAKECMIS_CONTROL_H
#define FAKECMIS_CONTROL_H

#include <stddef.h>

#include "fakecmis_faults.h"
#include "sim_control.h"
#include "fakecmis_repo.h"

/* What the control API reads and changes (borrowed). */
struct fakecmis_control_env {
	struct fakecmis_repo *repo;
	struct sim_faults *faults;
};

/* Answers one control request. path is the URL path ("/control/dump"), dependencia the
 * query argument of that name or NULL. Returns the HTTP status and sets *json to a new
 * NUL-terminated JSON text (the caller frees it). Cannot fail. */
int fakecmis_control_handle(const struct fakecmis_control_env *e, const char *method,
			    const char *path, const char *dependencia, const char *body, size_t len,
			    char **json);

#endif
