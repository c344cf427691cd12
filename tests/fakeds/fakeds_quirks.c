/* fakeds_quirks.c -- the quirk names and their bits: parsing --quirks and the control API's
 * {"quirks": [...]}, and the current set kept in an atomic for the SOAP threads. */
#include "fakeds_quirks.h"

#include <string.h>

#include "util.h"

struct fakeds_quirks_name {
	const char *name;
	unsigned bits;
};

/* Single quirks first, in the order the control API lists them; then the shorthand. */
static const struct fakeds_quirks_name fakeds_quirks_names[] = {
    {"punto-final", FAKEDS_QUIRK_PUNTO_FINAL},
    {"sin-declaracion", FAKEDS_QUIRK_SIN_DECLARACION},
    {"byte-extra", FAKEDS_QUIRK_BYTE_EXTRA},
    {"lista-sin-clave", FAKEDS_QUIRK_LISTA_SIN_CLAVE},
    {"sin-limite", FAKEDS_QUIRK_SIN_LIMITE},
    {"lista-por-numero", FAKEDS_QUIRK_LISTA_POR_NUMERO},
    {"clave-vacia", FAKEDS_QUIRK_CLAVE_VACIA},
    {"detalle-real", FAKEDS_QUIRK_DETALLE_REAL},
    {"real", FAKEDS_QUIRKS_REAL},
};
#define FAKEDS_QUIRKS_COUNT (sizeof(fakeds_quirks_names) / sizeof(fakeds_quirks_names[0]))
#define FAKEDS_QUIRKS_SINGLE (FAKEDS_QUIRKS_COUNT - 1) /* entries before the shorthand */
#define FAKEDS_QUIRKS_SHOWN 40 /* bytes of an unknown name repeated in the message */

void fakeds_quirks_init(struct fakeds_quirks *q, unsigned set)
{
	atomic_init(&q->set, set);
}

unsigned fakeds_quirks_get(struct fakeds_quirks *q)
{
	return atomic_load(&q->set);
}

/* Adds the bits of the quirk named by the len bytes at name to *set. Returns 0, or -1 with
 * err naming it (and the known names) when unknown. */
static int fakeds_quirks_add(const char *name, size_t len, unsigned *set, char *err, size_t errlen)
{
	struct buf known;

	for (size_t i = 0; i < FAKEDS_QUIRKS_COUNT; i++) {
		if (strlen(fakeds_quirks_names[i].name) == len &&
		    strncmp(fakeds_quirks_names[i].name, name, len) == 0) {
			*set |= fakeds_quirks_names[i].bits;
			return 0;
		}
	}
	/* Show at most FAKEDS_QUIRKS_SHOWN bytes of it, cut where a character starts. */
	if (len > FAKEDS_QUIRKS_SHOWN) {
		len = FAKEDS_QUIRKS_SHOWN;
		while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
			len--;
	}
	buf_init(&known);
	for (size_t i = 0; i < FAKEDS_QUIRKS_COUNT; i++)
		buf_printf(&known, "%s%s", i > 0 ? ", " : "", fakeds_quirks_names[i].name);
	set_error(err, errlen, "particularidad desconocida: «%.*s» (se conocen: %s)", (int)len,
		  name, known.data);
	buf_free(&known);
	return -1;
}

int fakeds_quirks_parse(const char *csv, unsigned *set, char *err, size_t errlen)
{
	unsigned bits = 0;
	const char *p = csv;

	/* Every item between commas must be a name: "a,,b" and "a," name an empty quirk. */
	if (*csv == '\0') {
		*set = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(p, ",");

		if (fakeds_quirks_add(p, len, &bits, err, errlen) < 0)
			return -1;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	*set = bits;
	return 0;
}

json_t *fakeds_quirks_json(struct fakeds_quirks *q)
{
	unsigned set = fakeds_quirks_get(q);
	json_t *names = json_array();

	for (size_t i = 0; i < FAKEDS_QUIRKS_SINGLE; i++) {
		if (set & fakeds_quirks_names[i].bits)
			json_array_append_new(names, json_string(fakeds_quirks_names[i].name));
	}
	return json_pack("{s:o}", "quirks", names);
}

int fakeds_quirks_configure(struct fakeds_quirks *q, json_t *obj, char *err, size_t errlen)
{
	json_t *list = json_is_object(obj) ? json_object_get(obj, "quirks") : NULL;
	unsigned bits = 0;
	size_t i;
	json_t *v;

	if (!json_is_array(list) || json_object_size(obj) != 1) {
		set_error(err, errlen, "se espera {\"quirks\": [nombres...]}");
		return -1;
	}
	json_array_foreach(list, i, v)
	{
		if (!json_is_string(v)) {
			set_error(err, errlen, "quirks[%zu] debe ser un texto", i);
			return -1;
		}
		if (fakeds_quirks_add(json_string_value(v), json_string_length(v), &bits, err,
				      errlen) < 0)
			return -1;
	}
	atomic_store(&q->set, bits);
	return 0;
}
