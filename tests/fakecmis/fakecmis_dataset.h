/* fakecmis_dataset.h -- objects as JSON: the flat filing of /control/dump (segcont's field
 * names, then the repository's own), the other objects' form, and the checked reading of
 * both (control API and --dataset files). */
#ifndef FAKECMIS_DATASET_H
#define FAKECMIS_DATASET_H

#include <jansson.h>
#include <stddef.h>

#include "fakecmis_object.h"

#define FAKECMIS_DATASET_MAX_FILE (512L * 1024 * 1024) /* bytes of a --dataset file */

/* What reading a JSON object is for: a new object from the control API, an object of a
 * --dataset file (which may also set the repository's dates), or an update. */
enum fakecmis_dataset_mode { FAKECMIS_READ_ADD, FAKECMIS_READ_LOAD, FAKECMIS_READ_UPDATE };

/* What the object said beyond the fields it set, for the repository to finish it. */
struct fakecmis_dataset_input {
	int has_numero, has_id, has_tipo, has_fecha, has_dep_origen, has_dep_actual;
	int has_created, has_modified, has_name, has_remitente;
	char id[FAKECMIS_ID_MAX + 1];
};

/* Returns a new JSON object of filing o in the dump form. Cannot fail. */
json_t *fakecmis_dataset_filing_json(const struct fakecmis_object *o);
/* Returns a new JSON object of a non-filing o (folder, document, annex). Cannot fail. */
json_t *fakecmis_dataset_other_json(const struct fakecmis_object *o);
/* Returns the JSON form of any object: a filing's or another's. Cannot fail. */
json_t *fakecmis_dataset_json(const struct fakecmis_object *o);

/* The kind a JSON object describes: its "tipo" member, sgd:radicado when absent. Returns the
 * kind, or -1 with err (not an object, an unknown type). */
int fakecmis_dataset_kind(json_t *obj, char *err, size_t errlen);
/* Applies obj's members to o (a fresh object of the right kind when adding or loading, a copy
 * when updating) and fills in. Checks each member and the whole; does not number, date or
 * name what obj leaves out (the repository does). Returns 0, or -1 with err in Spanish. */
int fakecmis_dataset_read(struct fakecmis_object *o, json_t *obj, enum fakecmis_dataset_mode mode,
			  struct fakecmis_dataset_input *in, char *err, size_t errlen);
/* 1 when s may be an object id: 1 ... FAKECMIS_ID_MAX ASCII letters, digits and "-_.:", else 0. */
int fakecmis_dataset_id_ok(const char *s);

#endif
