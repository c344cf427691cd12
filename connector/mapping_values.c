/* mapping_values.c -- what every answer format does with a value: number, date, folios and
 * annulment code checks, HTML entities, the field limits, area names, classification. */
#include <libxml/HTMLparser.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "log.h"
#include "mapping_int.h"
#include "util.h"

/* The limits of each text field when the mapping's "limits" says nothing else: codes are
 * digits (a dependency "342' OR '1'='1" is refused), texts a few kilobytes at most (a 9 MiB
 * subject is refused). */
const struct mapping_limit mapping_default_limits[MAPPING_NFIELDS] = {
    [MF_ASUNTO] = {ML_TEXT, 4000},     [MF_RUTA] = {ML_TEXT, 1024},
    [MF_DEP_ORIGEN] = {ML_DIGITS, 10}, [MF_DEP_ORIGEN_NOMBRE] = {ML_TEXT, 512},
    [MF_DEP_ACTUAL] = {ML_DIGITS, 10}, [MF_REMITENTE] = {ML_TEXT, 512},
    [MF_TIPO_DOC] = {ML_DIGITS, 10},   [MF_TIPO_DOC_NOMBRE] = {ML_TEXT, 512},
};

static char **mapping_filing_field(struct filing *f, enum mapping_field i);

/* A field whose limit applies (its default max_bytes is not 0). */
int mapping_limited(int f)
{
	return f >= 0 && f < MAPPING_NFIELDS && mapping_default_limits[f].max_bytes > 0;
}

int mapping_check_limits(const struct mapping *m, const struct filing *f, char *err, size_t errlen)
{
	for (int i = 0; i < MAPPING_NFIELDS; i++) {
		char **field;
		const struct mapping_limit *l = &m->limits[i];
		const unsigned char *v;
		size_t n;

		if (!mapping_limited(i))
			continue;
		field = mapping_filing_field((struct filing *)f, (enum mapping_field)i);
		v = (const unsigned char *)*field;
		n = strlen((const char *)v);
		if (n > l->max_bytes) {
			set_error(err, errlen, "radicado %s: %s de %zu bytes (máximo %zu)",
				  f->numero, mapping_fields[i].name, n, l->max_bytes);
			return -1;
		}
		for (size_t k = 0; k < n; k++) {
			int bad = l->kind == ML_DIGITS ? (v[k] < '0' || v[k] > '9')
						       : (v[k] < 0x20 && v[k] != '\t' &&
							  v[k] != '\n' && v[k] != '\r') ||
							     v[k] == 0x7f;

			if (bad) {
				set_error(err, errlen, "radicado %s: %s no válido (%s)", f->numero,
					  mapping_fields[i].name,
					  l->kind == ML_DIGITS ? "se esperaban solo dígitos"
							       : "caracteres de control");
				return -1;
			}
		}
		if (!util_utf8_valid((const char *)v, n)) {
			set_error(err, errlen, "radicado %s: %s no es UTF-8 válido", f->numero,
				  mapping_fields[i].name);
			return -1;
		}
	}
	return 0;
}

const char *ds_answer_name(enum ds_answer a)
{
	switch (a) {
	case DS_OK:
		return "ok";
	case DS_EMPTY:
		return "empty";
	case DS_NOT_FOUND:
		return "not_found";
	case DS_AUTH:
		return "auth";
	case DS_FAULT_CLIENT:
		return "fault_client";
	case DS_FAULT_SERVER:
		return "fault_server";
	case DS_MALFORMED:
		return "malformed";
	case DS_REFUSED:
		return "refused";
	case DS_TOKEN_EXPIRED: /* issue 12 §1.5 (i12-sync; i12-json adds the same) */
		return "token_expired";
	}
	return "unknown";
}

int mapping_check_numero(const struct mapping *m, const char *s)
{
	size_t n = strlen(s);

	if (n < (size_t)m->numero_min || n > (size_t)m->numero_max)
		return -1;
	if (m->numero_regex_set) {
		/* Printable ASCII only, whatever the pattern: the number is a key, a file name
		 * part and a URL segment. */
		for (size_t i = 0; i < n; i++) {
			if (s[i] <= ' ' || s[i] > '~' || s[i] == '/' || s[i] == '\\')
				return -1;
		}
		return regexec(&m->numero_regex, s, 0, NULL, 0) == 0 ? 0 : -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	return 0;
}

const char *mapping_tipo_radicado(const struct mapping *m, const char *numero)
{
	size_t n = strlen(numero);
	char last[2];
	const char *v;

	if (n == 0)
		return m->tipo_default;
	last[0] = numero[n - 1];
	last[1] = '\0';
	v = mapping_table_get(&m->tipo_digits, last);
	return v ? v : m->tipo_default;
}

static int mapping_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads "+hh", "-hh", "+hh:mm", "+hhmm" or "Z" at *p; advances *p. Minutes east of UTC. */
static int mapping_parse_offset(const char **p, int *minutes)
{
	const char *s = *p;
	int sign;
	int hh;
	int mm = 0;

	if (*s == 'Z') {
		*minutes = 0;
		*p = s + 1;
		return 0;
	}
	sign = *s == '-' ? -1 : 1;
	s++;
	if (!mapping_digit(s[0]) || !mapping_digit(s[1]))
		return -1;
	hh = (s[0] - '0') * 10 + (s[1] - '0');
	s += 2;
	if (*s == ':')
		s++;
	if (mapping_digit(s[0])) {
		if (!mapping_digit(s[1]))
			return -1;
		mm = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
	}
	if (mm > 59 || hh * 60 + mm > MAPPING_MAX_OFFSET_MIN)
		return -1;
	*minutes = sign * (hh * 60 + mm);
	*p = s;
	return 0;
}

/* Reads a date written as d says and writes it as ISO 8601 in the mapping's offset:
 * "2024-05-02T16:51:40-05:00". Returns 0, or -1 when it does not fit the format or a
 * field is out of range (31-02, 13 PM). */
/* One format of d. */
static int mapping_parse_date_as(const struct mapping *m, const struct mapping_date *d,
				 const char *format, const char *s, char out[UTIL_ISO_LEN])
{
	struct tm tm;
	struct tm chk;
	const char *p;
	int off = 0;
	int have_off = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	p = strptime_l(s, format, &tm, m->c_locale);
	if (p == NULL)
		return -1;
	if (d->fraction && *p == '.') {
		p++;
		if (!mapping_digit(*p))
			return -1;
		while (mapping_digit(*p))
			p++;
	}
	if (d->offset && (*p == '+' || *p == '-' || *p == 'Z')) {
		if (mapping_parse_offset(&p, &off) < 0)
			return -1;
		have_off = 1;
	}
	if (*p != '\0')
		return -1;
	if (tm.tm_year + 1900 < MAPPING_MIN_YEAR || tm.tm_year + 1900 > MAPPING_MAX_YEAR ||
	    tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
	    tm.tm_sec > 59)
		return -1;
	chk = tm;
	chk.tm_isdst = 0;
	t = timegm(&chk);
	if (chk.tm_year != tm.tm_year || chk.tm_mon != tm.tm_mon || chk.tm_mday != tm.tm_mday)
		return -1; /* normalised: the day does not exist */
	if (have_off)
		t += (time_t)(m->tz_minutes - off) * 60;
	gmtime_r(&t, &chk);
	if (strftime_l(out, UTIL_ISO_LEN - sizeof(m->tz_text), "%Y-%m-%dT%H:%M:%S", &chk,
		       m->c_locale) == 0)
		return -1;
	strcat(out, m->tz_text);
	return 0;
}

int mapping_parse_date(const struct mapping *m, const struct mapping_date *d, const char *s,
		       char out[UTIL_ISO_LEN])
{
	for (size_t i = 0; i < d->nformats; i++) {
		if (mapping_parse_date_as(m, d, d->formats[i], s, out) == 0)
			return 0;
	}
	return -1;
}

int mapping_parse_folios(const char *s, int *out)
{
	long n;

	if (s == NULL || s[0] == '\0') {
		*out = 0;
		return 0;
	}
	if (parse_long(s, 0, MAPPING_MAX_FOLIOS, &n) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

/* Appends the UTF-8 form of code point c (1 ... 0x10FFFF, no surrogates). 0 or -1. */
static int mapping_put_utf8(struct buf *b, unsigned long c)
{
	unsigned char u[4];
	size_t n;

	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	if (c < 0x80) {
		u[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xC0 | (c >> 6));
		u[1] = (unsigned char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (c >> 12));
		u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | (c >> 18));
		u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (c & 0x3F));
		n = 4;
	}
	buf_append(b, u, n);
	return 0;
}

/* The character a reference "&name;" / "&#NNN;" / "&#xHH;" (name without & and ;) stands
 * for, appended to b: HTML's named entities come from libxml2's table. 0, or -1 when it is
 * not a reference (then nothing is appended). */
static int mapping_put_reference(struct buf *b, const char *name, size_t n)
{
	char tmp[16];
	const htmlEntityDesc *e;
	unsigned long c = 0;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	if (tmp[0] != '#') {
		e = htmlEntityLookup((const xmlChar *)tmp);
		return e != NULL ? mapping_put_utf8(b, e->value) : -1;
	}
	if ((tmp[1] == 'x' || tmp[1] == 'X') && tmp[2] != '\0' &&
	    strspn(tmp + 2, "0123456789abcdefABCDEF") == n - 2)
		c = strtoul(tmp + 2, NULL, 16);
	else if (tmp[1] != '\0' && strspn(tmp + 1, "0123456789") == n - 1)
		c = strtoul(tmp + 1, NULL, 10);
	return mapping_put_utf8(b, c);
}

/* Returns a new string: s with its HTML character references decoded once (what PHP's
 * htmlspecialchars wrote: &amp; &lt; &gt; &quot; &#039;, and any other named or numeric
 * one). Text that only looks like a reference ("a & b", "&nbsp" without ';') is kept. */
static char *mapping_html_decode(const char *s)
{
	struct buf b;
	const char *p = s;

	buf_init(&b);
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		const char *semi;

		if (amp == NULL) {
			buf_puts(&b, p);
			break;
		}
		buf_append(&b, p, (size_t)(amp - p));
		semi = strchr(amp + 1, ';');
		if (semi != NULL &&
		    mapping_put_reference(&b, amp + 1, (size_t)(semi - amp - 1)) == 0) {
			p = semi + 1;
		} else {
			buf_append(&b, "&", 1);
			p = amp + 1;
		}
	}
	return buf_steal(&b);
}

/* Where each text field lives in struct filing (folios is an int: not here). */
static const size_t mapping_field_offsets[MAPPING_NFIELDS] = {
    [MF_NUMERO] = offsetof(struct filing, numero),
    [MF_FECHA] = offsetof(struct filing, fecha_radicacion),
    [MF_ASUNTO] = offsetof(struct filing, asunto),
    [MF_FOLIOS] = 0,
    [MF_RUTA] = offsetof(struct filing, ruta),
    [MF_DEP_ORIGEN] = offsetof(struct filing, dependencia_origen),
    [MF_DEP_ORIGEN_NOMBRE] = offsetof(struct filing, dependencia_origen_nombre),
    [MF_DEP_ACTUAL] = offsetof(struct filing, dependencia_actual),
    [MF_REMITENTE] = offsetof(struct filing, remitente),
    [MF_TIPO_DOC] = offsetof(struct filing, tipo_documental),
    [MF_TIPO_DOC_NOMBRE] = offsetof(struct filing, tipo_documental_nombre),
    [MF_ESTADO] = offsetof(struct filing, estado_ds),
};

/* The text field i of f, or NULL for folios and out-of-range values. */
static char **mapping_filing_field(struct filing *f, enum mapping_field i)
{
	if ((size_t)i >= MAPPING_NFIELDS || i == MF_FOLIOS)
		return NULL;
	return (char **)(void *)((char *)f + mapping_field_offsets[i]);
}

void mapping_set_field(const struct mapping *m, struct filing *f, enum mapping_field i,
		       const char *value)
{
	char **field = mapping_filing_field(f, i);
	char *decoded;

	if (field == NULL)
		return;
	if (value == NULL || !m->decode_html[i] || strchr(value, '&') == NULL) {
		filing_set(field, value);
		return;
	}
	decoded = mapping_html_decode(value);
	free(*field);
	*field = decoded;
}

void mapping_name_dependency(const struct mapping *m, struct filing *f)
{
	const char *name;

	if (f->dependencia_origen_nombre[0] != '\0' || f->dependencia_origen[0] == '\0')
		return;
	name = mapping_table_get(&m->dependencias, f->dependencia_origen);
	if (name != NULL)
		filing_set(&f->dependencia_origen_nombre, name);
}

void mapping_move_filings(struct filing_list *from, struct filing_list *to)
{
	for (size_t i = 0; i < from->count; i++) {
		struct filing *dst = filing_list_push(to);

		filing_free(dst);
		*dst = from->items[i];
	}
	from->count = 0;
	filing_list_free(from);
}

const char *mapping_classify_text(const struct mapping *m, const char *text)
{
	return classify_by_keywords(m ? m->rules : NULL, text);
}

size_t mapping_classify_codes(const struct mapping *m)
{
	return classify_ncodes(m ? m->rules : NULL);
}

const char *mapping_classify(const struct mapping *m, const struct filing *f)
{
	return classify_tipo_tramite(m ? m->rules : NULL, f ? f->tipo_documental : NULL,
				     f ? f->asunto : NULL, f ? f->tipo_documental_nombre : NULL);
}
