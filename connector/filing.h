/* filing.h -- one filing (radicado) as the document system knows it, lists of them,
 * and the change-detection hash of its source fields. */
#ifndef SEGCONT_FILING_H
#define SEGCONT_FILING_H

#include <stddef.h>

/* One filing as the document system knows it. Every string is owned by the struct
 * (UTF-8, never NULL after filing_init: empty string when unknown). */
struct filing {
	char *numero;		/* opaque text, 14-16 digits */
	char *tipo_radicado;	/* entrada, salida, interna... from the type digit */
	char *fecha_radicacion; /* ISO 8601 with offset: 2024-05-02T09:14:07-05:00 */
	char *asunto;
	int folios;
	char *ruta;
	char *dependencia_origen;	 /* RADI_DEPE_RADI */
	char *dependencia_origen_nombre; /* SGD_DIR_NOMBRE */
	char *dependencia_actual;	 /* RADI_DEPE_ACTU */
	char *remitente;		 /* SGD_DIR_NOMREMDES (personal data) */
	char *tipo_documental;		 /* TDOC_CODI */
	char *tipo_documental_nombre;	 /* the document type's name, when the system gives it */
	char *estado_ds;		 /* vigente, anulacion_solicitada, anulado */
	char *id_sgd;	/* the system's own id of the object (CMIS cmis:objectId); "" when the
			 * profile has none (Orfeo) */
	int has_detail; /* 1 once completed by the detail call */
};

void filing_init(struct filing *f);
void filing_free(struct filing *f);
/* Replaces *field with a new copy of value (NULL becomes ""). */
void filing_set(char **field, const char *value);

/* Copies every field of src into dst (both initialised; dst's strings replaced). */
void filing_copy(struct filing *dst, const struct filing *src);

struct filing_list {
	struct filing *items;
	size_t count;
	size_t cap;
};
void filing_list_init(struct filing_list *l);
/* Appends an empty filing and returns it (borrowed; valid until the next push). */
struct filing *filing_list_push(struct filing_list *l);
void filing_list_free(struct filing_list *l);

/* Computes the change-detection hash of a filing's source fields (hex SHA-256, 64 chars
 * + NUL) into out. listed_only: only the fields the list call returns. id_sgd counts only
 * in the full hash and only when not empty, so hashes stored before it existed hold. */
void filing_hash(const struct filing *f, int listed_only, char out[65]);

#endif
