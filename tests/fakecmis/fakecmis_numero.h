/* fakecmis_numero.h -- the shapes of radicado numbers that installations use: Orfeo's
 * (20241300012213), a judicial office's (1-2021-23677) and a ministry's (2021EE7835). */
#ifndef FAKECMIS_NUMERO_H
#define FAKECMIS_NUMERO_H

#include <stddef.h>

enum fakecmis_numeros {
	FAKECMIS_NUM_ORFEO,   /* yyyy + filing dependency + 6-digit sequence + type digit */
	FAKECMIS_NUM_SJD,     /* type digit - yyyy - sequence */
	FAKECMIS_NUM_SERVICIO /* yyyy + ER (entrada), EE (salida) or IE (interna) + sequence */
};

#define FAKECMIS_NUMERO_SEQ_MAX_ORFEO 999999L
#define FAKECMIS_NUMERO_SEQ_MAX 9999999L /* the other shapes: up to 7 digits */

/* The shape named "orfeo", "sjd" or "servicio". Returns 0, or -1 for another name. */
int fakecmis_numero_named(const char *name, enum fakecmis_numeros *out);
const char *fakecmis_numero_name(enum fakecmis_numeros f);

/* Writes into out (outlen bytes) what precedes the sequence in a number of shape f for the
 * year, filing dependency and type digit ('1'..'3'). Cannot fail (out is cut if short). */
void fakecmis_numero_prefix(enum fakecmis_numeros f, int year, const char *dep, char tipo,
			    char *out, size_t outlen);
/* Composes the number of prefix and seq. Returns 0, or -1 when seq does not fit the shape or
 * the number does not fit out. */
int fakecmis_numero_make(enum fakecmis_numeros f, const char *prefix, char tipo, long seq,
			 char *out, size_t outlen);
/* The sequence of numero when it is a number of shape f with that prefix and type, else -1. */
long fakecmis_numero_seq(enum fakecmis_numeros f, const char *numero, const char *prefix,
			 char tipo);
/* The type digit a number says in any of the shapes ('1'..'3'), or 0 when it says none. */
char fakecmis_numero_tipo(const char *numero);
/* 1 when s is a usable number: 1 to 32 ASCII letters, digits and '-', else 0. */
int fakecmis_numero_valid(const char *s);

#endif
