/* filing.c -- the filing struct's lifetime, lists of filings, and the SHA-256 of its
 * source fields that tells a changed filing from a seen-again one. */
#include "filing.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void filing_init(struct filing *f)
{
	memset(f, 0, sizeof(*f));
	f->numero = xstrdup("");
	f->tipo_radicado = xstrdup("");
	f->fecha_radicacion = xstrdup("");
	f->asunto = xstrdup("");
	f->ruta = xstrdup("");
	f->dependencia_origen = xstrdup("");
	f->dependencia_origen_nombre = xstrdup("");
	f->dependencia_actual = xstrdup("");
	f->remitente = xstrdup("");
	f->tipo_documental = xstrdup("");
	f->tipo_documental_nombre = xstrdup("");
	f->estado_ds = xstrdup("vigente");
	f->id_sgd = xstrdup("");
}

void filing_free(struct filing *f)
{
	free(f->numero);
	free(f->tipo_radicado);
	free(f->fecha_radicacion);
	free(f->asunto);
	free(f->ruta);
	free(f->dependencia_origen);
	free(f->dependencia_origen_nombre);
	free(f->dependencia_actual);
	free(f->remitente);
	free(f->tipo_documental);
	free(f->tipo_documental_nombre);
	free(f->estado_ds);
	free(f->id_sgd);
	memset(f, 0, sizeof(*f));
}

void filing_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value ? value : "");
}

void filing_copy(struct filing *dst, const struct filing *src)
{
	filing_set(&dst->numero, src->numero);
	filing_set(&dst->tipo_radicado, src->tipo_radicado);
	filing_set(&dst->fecha_radicacion, src->fecha_radicacion);
	filing_set(&dst->asunto, src->asunto);
	filing_set(&dst->ruta, src->ruta);
	filing_set(&dst->dependencia_origen, src->dependencia_origen);
	filing_set(&dst->dependencia_origen_nombre, src->dependencia_origen_nombre);
	filing_set(&dst->dependencia_actual, src->dependencia_actual);
	filing_set(&dst->remitente, src->remitente);
	filing_set(&dst->tipo_documental, src->tipo_documental);
	filing_set(&dst->tipo_documental_nombre, src->tipo_documental_nombre);
	filing_set(&dst->estado_ds, src->estado_ds);
	filing_set(&dst->id_sgd, src->id_sgd);
	dst->folios = src->folios;
	dst->has_detail = src->has_detail;
}

void filing_list_init(struct filing_list *l)
{
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

struct filing *filing_list_push(struct filing_list *l)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	filing_init(&l->items[l->count]);
	return &l->items[l->count++];
}

void filing_list_free(struct filing_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		filing_free(&l->items[i]);
	free(l->items);
	filing_list_init(l);
}

static void filing_hash_field(crypto_hash_sha256_state *st, const char *v)
{
	static const unsigned char sep = 0x1f; /* unit separator: no field contains it */

	crypto_hash_sha256_update(st, (const unsigned char *)v, strlen(v));
	crypto_hash_sha256_update(st, &sep, 1);
}

void filing_hash(const struct filing *f, int listed_only, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char folios[24];

	snprintf(folios, sizeof(folios), "%d", f->folios);
	crypto_hash_sha256_init(&st);
	filing_hash_field(&st, f->numero);
	filing_hash_field(&st, f->fecha_radicacion);
	filing_hash_field(&st, f->asunto);
	filing_hash_field(&st, folios);
	filing_hash_field(&st, f->ruta);
	if (!listed_only) {
		filing_hash_field(&st, f->dependencia_origen);
		filing_hash_field(&st, f->dependencia_origen_nombre);
		filing_hash_field(&st, f->dependencia_actual);
		filing_hash_field(&st, f->remitente);
		filing_hash_field(&st, f->tipo_documental);
		filing_hash_field(&st, f->estado_ds);
		/* Only when known, so that filings stored before the field existed keep
		 * their hash. */
		if (f->tipo_documental_nombre[0] != '\0')
			filing_hash_field(&st, f->tipo_documental_nombre);
		/* Likewise the system's object id: Orfeo's filings have none. The listed
		 * hash leaves it out: a list that does not give it would otherwise never
		 * match what the detail call completed. */
		if (f->id_sgd[0] != '\0') {
			static const char tag[] = "id_sgd=";

			crypto_hash_sha256_update(&st, (const unsigned char *)tag, sizeof(tag) - 1);
			filing_hash_field(&st, f->id_sgd);
		}
	}
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
}
