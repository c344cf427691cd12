/* fakeds_quirks.h -- switches that make fakeds answer as real Orfeo installations do instead of
 * as shared/ds-contract shows: a set of named bits, set on the command line or at runtime. */
#ifndef FAKEDS_QUIRKS_H
#define FAKEDS_QUIRKS_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

/* One bit per way real installations differ (README.md, "Quirks", says what each copies). */
enum fakeds_quirk {
	FAKEDS_QUIRK_PUNTO_FINAL = 1u << 0,	 /* Orfeo's own fault codes and texts */
	FAKEDS_QUIRK_SIN_DECLARACION = 1u << 1,	 /* no XML declaration; header says ISO-8859-1 */
	FAKEDS_QUIRK_BYTE_EXTRA = 1u << 2,	 /* stray "\n" first, last byte lost, close */
	FAKEDS_QUIRK_LISTA_SIN_CLAVE = 1u << 3,	 /* the list ignores key */
	FAKEDS_QUIRK_SIN_LIMITE = 1u << 4,	 /* no 31-day window limit */
	FAKEDS_QUIRK_LISTA_POR_NUMERO = 1u << 5, /* list by number's dependency, no image */
	FAKEDS_QUIRK_CLAVE_VACIA = 1u << 6,	 /* wrong key on the detail: empty Estructura */
	FAKEDS_QUIRK_DETALLE_REAL = 1u << 7, /* the detail's columns as installations send them */
};

/* "real": every quirk but lista-por-numero, which changes which filings are listed. */
#define FAKEDS_QUIRKS_REAL                                                                         \
	(FAKEDS_QUIRK_PUNTO_FINAL | FAKEDS_QUIRK_SIN_DECLARACION | FAKEDS_QUIRK_BYTE_EXTRA |       \
	 FAKEDS_QUIRK_LISTA_SIN_CLAVE | FAKEDS_QUIRK_SIN_LIMITE | FAKEDS_QUIRK_CLAVE_VACIA |       \
	 FAKEDS_QUIRK_DETALLE_REAL)

/* The current set, read once per SOAP request (so one answer never mixes two sets). */
struct fakeds_quirks {
	atomic_uint set;
};

void fakeds_quirks_init(struct fakeds_quirks *q, unsigned set);
/* The current set of FAKEDS_QUIRK_* bits. */
unsigned fakeds_quirks_get(struct fakeds_quirks *q);
/* Parses "k1,k2" (names, or "real"); "" is the empty set. Returns 0, or -1 with err naming
 * the unknown quirk. */
int fakeds_quirks_parse(const char *csv, unsigned *set, char *err, size_t errlen);
/* Returns a new {"quirks": [names...]} of the current set (caller decrefs). Cannot fail. */
json_t *fakeds_quirks_json(struct fakeds_quirks *q);
/* Replaces the set with {"quirks": [names...]}. Returns 0, or -1 with err and nothing
 * changed. */
int fakeds_quirks_configure(struct fakeds_quirks *q, json_t *obj, char *err, size_t errlen);

#endif
