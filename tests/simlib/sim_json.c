/* sim_json.c -- the checked load of a --dataset file both simulators do first. */
#include "sim_json.h"

#include <sys/stat.h>

#include "util.h"

json_t *sim_json_load_file(const char *path, long max_bytes, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		set_error(err, errlen, "%s: no se puede leer", path);
		return NULL;
	}
	if (st.st_size > max_bytes) {
		set_error(err, errlen, "%s: supera %ld bytes", path, max_bytes);
		return NULL;
	}
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		set_error(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	return root;
}
