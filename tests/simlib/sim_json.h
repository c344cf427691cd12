/* sim_json.h -- reading a simulator's --dataset file: a regular file under a size cap, parsed
 * with duplicate keys refused. */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Returns the parsed document (caller decrefs), or NULL with err naming path (unreadable,
 * over max_bytes, not JSON). */
json_t *sim_json_load_file(const char *path, long max_bytes, char *err, size_t errlen);

#endif
