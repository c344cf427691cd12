/* classify.h -- decides a new filing's tipo_tramite from the mapping's rules: document
 * type codes first, then subject keywords, compared accent- and case-insensitively. */
#ifndef SEGCONT_CLASSIFY_H
#define SEGCONT_CLASSIFY_H

#include <stddef.h>

struct classify_rules;

/* Builds rules from the mapping's "classify" JSON object (a jansson json_t *, borrowed).
 * Returns new rules (free with classify_free) or NULL with err filled. */
struct classify_rules *classify_load(const void *json_classify, char *err, size_t errlen);
void classify_free(struct classify_rules *r);

/* Returns one of contratacion_directa, proceso_seleccion, novedad_contractual,
 * liquidacion_terminacion, otro (static strings): the document type code's entry when the
 * table has one, else the first keyword found in the subject, else the first found in the
 * document type's name, else the default. Any argument may be NULL. */
const char *classify_tipo_tramite(const struct classify_rules *r, const char *tipo_documental,
				  const char *asunto, const char *tipo_nombre);
/* The tipo_tramite the keywords give text (static), or NULL when none matches. */
const char *classify_by_keywords(const struct classify_rules *r, const char *text);
/* Entries of the document type table (0 when it is empty, as shipped). */
size_t classify_ncodes(const struct classify_rules *r);

/* Folds UTF-8 text to lowercase ASCII without accents (á->a, Ñ->n, ü->u); other
 * characters kept. Returns a new string; the caller frees it. */
char *classify_fold(const char *s);

#endif
