/* fakecmis_numero.c -- composing and reading radicado numbers in the three shapes, so that a
 * new filing gets the next number of its year, dependency and type. */
#include "fakecmis_numero.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *const fakecmis_numero_names[] = {
    [FAKECMIS_NUM_ORFEO] = "orfeo",
    [FAKECMIS_NUM_SJD] = "sjd",
    [FAKECMIS_NUM_SERVICIO] = "servicio",
};

int fakecmis_numero_named(const char *name, enum fakecmis_numeros *out)
{
	for (int i = 0; i <= FAKECMIS_NUM_SERVICIO; i++) {
		if (strcmp(fakecmis_numero_names[i], name) == 0) {
			*out = (enum fakecmis_numeros)i;
			return 0;
		}
	}
	return -1;
}

const char *fakecmis_numero_name(enum fakecmis_numeros f)
{
	return fakecmis_numero_names[f];
}

/* The two letters of the ministry shape for a type digit. */
static const char *fakecmis_numero_letters(char tipo)
{
	switch (tipo) {
	case '1':
		return "EE";
	case '2':
		return "ER";
	default:
		return "IE";
	}
}

void fakecmis_numero_prefix(enum fakecmis_numeros f, int year, const char *dep, char tipo,
			    char *out, size_t outlen)
{
	switch (f) {
	case FAKECMIS_NUM_ORFEO:
		snprintf(out, outlen, "%04d%s", year, dep);
		break;
	case FAKECMIS_NUM_SJD:
		snprintf(out, outlen, "%c-%04d-", tipo, year);
		break;
	case FAKECMIS_NUM_SERVICIO:
		snprintf(out, outlen, "%04d%s", year, fakecmis_numero_letters(tipo));
		break;
	}
}

int fakecmis_numero_make(enum fakecmis_numeros f, const char *prefix, char tipo, long seq,
			 char *out, size_t outlen)
{
	int n;

	if (seq < 1)
		return -1;
	if (f == FAKECMIS_NUM_ORFEO) {
		if (seq > FAKECMIS_NUMERO_SEQ_MAX_ORFEO)
			return -1;
		n = snprintf(out, outlen, "%s%06ld%c", prefix, seq, tipo);
	} else {
		if (seq > FAKECMIS_NUMERO_SEQ_MAX)
			return -1;
		n = snprintf(out, outlen, "%s%ld", prefix, seq);
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int fakecmis_numero_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

long fakecmis_numero_seq(enum fakecmis_numeros f, const char *numero, const char *prefix, char tipo)
{
	size_t plen = strlen(prefix);
	size_t n = strlen(numero);
	const char *rest = numero + plen;
	char seq[16];
	size_t len;
	long v;

	if (n <= plen || strncmp(numero, prefix, plen) != 0)
		return -1;
	len = n - plen;
	if (f == FAKECMIS_NUM_ORFEO) {
		if (len != 7 || rest[6] != tipo)
			return -1;
		len = 6;
	} else if (len > 7 || rest[0] == '0') {
		return -1;
	}
	if (!fakecmis_numero_digits(rest, len))
		return -1;
	memcpy(seq, rest, len);
	seq[len] = '\0';
	if (parse_long(seq, 0, FAKECMIS_NUMERO_SEQ_MAX, &v) < 0)
		return -1;
	return v;
}

char fakecmis_numero_tipo(const char *numero)
{
	size_t n = strlen(numero);

	if (n >= 14 && n <= 16 && fakecmis_numero_digits(numero, n))
		return numero[n - 1] >= '1' && numero[n - 1] <= '3' ? numero[n - 1] : 0;
	if (n >= 8 && numero[1] == '-' && numero[6] == '-' && numero[0] >= '1' &&
	    numero[0] <= '3' && fakecmis_numero_digits(numero + 2, 4))
		return numero[0];
	if (n >= 7 && fakecmis_numero_digits(numero, 4)) {
		if (strncmp(numero + 4, "EE", 2) == 0)
			return '1';
		if (strncmp(numero + 4, "ER", 2) == 0)
			return '2';
		if (strncmp(numero + 4, "IE", 2) == 0)
			return '3';
	}
	return 0;
}

int fakecmis_numero_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-'))
			return 0;
	}
	return 1;
}
