/* mapping.c -- a document system's profile (a mappings/ JSON file): loads and validates
 * the parts every format shares (profile, cursor, time zone, number and code tables,
 * classification), hands the rest to mapping_xml.c or mapping_sql.c, and holds the value
 * checks both use (numbers, dates, folios, HTML entities). */
#include "mapping.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "log.h"
#include "mapping_int.h"
#include "util.h"

const struct mapping_field_spec mapping_fields[MAPPING_NFIELDS] = {
    [MF_NUMERO] = {"numero", MN_REQUIRED, MN_REQUIRED},
    [MF_FECHA] = {"fecha_radicacion", MN_REQUIRED, MN_REQUIRED},
    [MF_ASUNTO] = {"asunto", MN_REQUIRED, MN_REQUIRED},
    [MF_FOLIOS] = {"folios", MN_REQUIRED, MN_OPTIONAL},
    [MF_RUTA] = {"ruta", MN_REQUIRED, MN_REQUIRED},
    [MF_DEP_ORIGEN] = {"dependencia_origen", MN_NO, MN_REQUIRED},
    [MF_DEP_ORIGEN_NOMBRE] = {"dependencia_origen_nombre", MN_NO, MN_OPTIONAL},
    [MF_DEP_ACTUAL] = {"dependencia_actual", MN_NO, MN_REQUIRED},
    [MF_REMITENTE] = {"remitente", MN_NO, MN_REQUIRED},
    [MF_TIPO_DOC] = {"tipo_documental", MN_NO, MN_REQUIRED},
    [MF_TIPO_DOC_NOMBRE] = {"tipo_documental_nombre", MN_NO, MN_OPTIONAL},
    [MF_ESTADO] = {"estado_ds", MN_NO, MN_OPTIONAL},
};

static const char *const mapping_estados[] = {"vigente", "anulacion_solicitada", "anulado", NULL};

/* The limits of each text field when the mapping's "limits" says nothing else: codes are
 * digits (a dependency "342' OR '1'='1" is refused), texts a few kilobytes at most (a 9 MiB
 * subject is refused). */
#define MAPPING_MAX_LIMIT_BYTES (64 * 1024)
static const struct mapping_limit mapping_default_limits[MAPPING_NFIELDS] = {
    [MF_ASUNTO] = {ML_TEXT, 4000},     [MF_RUTA] = {ML_TEXT, 1024},
    [MF_DEP_ORIGEN] = {ML_DIGITS, 10}, [MF_DEP_ORIGEN_NOMBRE] = {ML_TEXT, 512},
    [MF_DEP_ACTUAL] = {ML_DIGITS, 10}, [MF_REMITENTE] = {ML_TEXT, 512},
    [MF_TIPO_DOC] = {ML_DIGITS, 10},   [MF_TIPO_DOC_NOMBRE] = {ML_TEXT, 512},
};

static char **mapping_filing_field(struct filing *f, enum mapping_field i);

/* A field whose limit applies (its default max_bytes is not 0). */
static int mapping_limited(int f)
{
	return f >= 0 && f < MAPPING_NFIELDS && mapping_default_limits[f].max_bytes > 0;
}

/* ---------------------------------------------------------------- loading */

/* Fills the error as "file: key: message"; returns -1. */
int mapping_fail(struct mapping_loader *ld, const char *key, const char *fmt, ...)
{
	char msg[MAPPING_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_error(ld->err, ld->errlen, "%s: %s: %s", ld->file, key, msg);
	return -1;
}

/* out (MAPPING_KEY_LEN bytes) = "path.key", or "key" when path is "", truncated. */
void mapping_key(char *out, const char *path, const char *key)
{
	size_t o = 0;

	out[0] = '\0';
	if (path[0] != '\0') {
		o = strlcpy_s(out, path, MAPPING_KEY_LEN);
		if (o >= MAPPING_KEY_LEN - 2)
			return;
		out[o++] = '.';
	}
	strlcpy_s(out + o, key, MAPPING_KEY_LEN - o);
}

/* Refuses keys of obj not in allowed (NULL-terminated); keys starting with '_' are
 * comments. */
int mapping_check_keys(struct mapping_loader *ld, const json_t *obj, const char *path,
		       const char *const *allowed)
{
	const char *key;
	json_t *v;
	char full[MAPPING_KEY_LEN];

	json_object_foreach((json_t *)obj, key, v)
	{
		size_t i;

		if (key[0] == '_')
			continue;
		for (i = 0; allowed[i] != NULL; i++) {
			if (strcmp(key, allowed[i]) == 0)
				break;
		}
		if (allowed[i] == NULL) {
			mapping_key(full, path, key);
			return mapping_fail(ld, full, "clave desconocida");
		}
	}
	return 0;
}

/* Fetches obj.key as a JSON object. A missing optional key leaves *out NULL. */
int mapping_get_object(struct mapping_loader *ld, const json_t *obj, const char *path,
		       const char *key, int required, json_t **out)
{
	char full[MAPPING_KEY_LEN];
	json_t *v = json_object_get(obj, key);

	mapping_key(full, path, key);
	*out = NULL;
	if (v == NULL)
		return required ? mapping_fail(ld, full, "falta") : 0;
	if (!json_is_object(v))
		return mapping_fail(ld, full, "se esperaba un objeto");
	*out = v;
	return 0;
}

/* Fetches obj.key as a new string of at most maxlen bytes. A missing optional key
 * leaves *out NULL. */
int mapping_get_string(struct mapping_loader *ld, const json_t *obj, const char *path,
		       const char *key, int required, size_t maxlen, char **out)
{
	char full[MAPPING_KEY_LEN];
	json_t *v = json_object_get(obj, key);

	mapping_key(full, path, key);
	if (v == NULL)
		return required ? mapping_fail(ld, full, "falta") : 0;
	if (!json_is_string(v))
		return mapping_fail(ld, full, "se esperaba un texto");
	if (json_string_length(v) > maxlen)
		return mapping_fail(ld, full, "texto demasiado largo (máximo %zu bytes)", maxlen);
	free(*out);
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* Like mapping_get_string, and the string may not be empty. */
int mapping_get_text(struct mapping_loader *ld, const json_t *obj, const char *path,
		     const char *key, size_t maxlen, char **out)
{
	char full[MAPPING_KEY_LEN];

	if (mapping_get_string(ld, obj, path, key, 1, maxlen, out) < 0)
		return -1;
	mapping_key(full, path, key);
	if ((*out)[0] == '\0')
		return mapping_fail(ld, full, "no puede estar vacío");
	return 0;
}

int mapping_get_int(struct mapping_loader *ld, const json_t *obj, const char *path, const char *key,
		    int min, int max, int *out)
{
	char full[MAPPING_KEY_LEN];
	json_t *v = json_object_get(obj, key);
	json_int_t n;

	mapping_key(full, path, key);
	if (v == NULL)
		return mapping_fail(ld, full, "falta");
	if (!json_is_integer(v))
		return mapping_fail(ld, full, "se esperaba un número entero");
	n = json_integer_value(v);
	if (n < min || n > max)
		return mapping_fail(ld, full, "fuera de rango (%d a %d)", min, max);
	*out = (int)n;
	return 0;
}

/* A missing key reads as false. */
int mapping_get_bool(struct mapping_loader *ld, const json_t *obj, const char *path,
		     const char *key, int *out)
{
	char full[MAPPING_KEY_LEN];
	json_t *v = json_object_get(obj, key);

	mapping_key(full, path, key);
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return mapping_fail(ld, full, "se esperaba true o false");
	*out = json_is_true(v);
	return 0;
}

/* Fetches obj.key as an array of non-empty strings into out (at most MAPPING_MAX_STRINGS).
 * fold: store them folded (classify_fold), as faultstrings are compared. */
int mapping_get_strings(struct mapping_loader *ld, const json_t *obj, const char *path,
			const char *key, char **out, size_t *n)
{
	char full[MAPPING_KEY_LEN];
	json_t *arr = json_object_get(obj, key);
	json_t *v;
	size_t i;

	mapping_key(full, path, key);
	if (arr == NULL)
		return mapping_fail(ld, full, "falta");
	if (!json_is_array(arr))
		return mapping_fail(ld, full, "se esperaba una lista de textos");
	if (json_array_size(arr) > MAPPING_MAX_STRINGS)
		return mapping_fail(ld, full, "más de %d elementos", MAPPING_MAX_STRINGS);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, full, "el elemento %zu no es un texto válido", i);
		out[(*n)++] = xstrdup(json_string_value(v));
	}
	return 0;
}

static int mapping_load_timezone(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	char *tz = NULL;
	long hh;
	long mm;
	char h[3];
	char mi[3];
	int rc = -1;

	if (mapping_get_text(ld, root, "", "timezone_offset", MAPPING_MAX_TEXT, &tz) < 0)
		return -1;
	if (strlen(tz) != 6 || (tz[0] != '+' && tz[0] != '-') || tz[3] != ':') {
		mapping_fail(ld, "timezone_offset", "se esperaba +hh:mm o -hh:mm");
		goto done;
	}
	memcpy(h, tz + 1, 2);
	h[2] = '\0';
	memcpy(mi, tz + 4, 2);
	mi[2] = '\0';
	if (h[0] < '0' || h[0] > '9' || mi[0] < '0' || mi[0] > '9' ||
	    parse_long(h, 0, 14, &hh) < 0 || parse_long(mi, 0, 59, &mm) < 0 ||
	    hh * 60 + mm > MAPPING_MAX_OFFSET_MIN) {
		mapping_fail(ld, "timezone_offset", "se esperaba +hh:mm o -hh:mm");
		goto done;
	}
	m->tz_minutes = (int)((tz[0] == '-' ? -1 : 1) * (hh * 60 + mm));
	strlcpy_s(m->tz_text, tz, sizeof(m->tz_text));
	rc = 0;
done:
	free(tz);
	return rc;
}

static int mapping_load_table(struct mapping_loader *ld, const json_t *obj, const char *path,
			      const char *key, int digit_keys, const char *const *allowed,
			      struct mapping_table *t)
{
	char full[MAPPING_KEY_LEN];
	char item[MAPPING_KEY_LEN];
	json_t *tab;
	const char *code;
	json_t *v;

	mapping_key(full, path, key);
	if (mapping_get_object(ld, obj, path, key, 1, &tab) < 0)
		return -1;
	if (json_object_size(tab) > MAPPING_MAX_CODES)
		return mapping_fail(ld, full, "más de %d códigos", MAPPING_MAX_CODES);
	t->e = xcalloc(json_object_size(tab), sizeof(*t->e));
	json_object_foreach(tab, code, v)
	{
		size_t i;

		if (code[0] == '_')
			continue;
		mapping_key(item, full, code);
		if (digit_keys && (strlen(code) != 1 || code[0] < '0' || code[0] > '9'))
			return mapping_fail(ld, item, "se esperaba un solo dígito");
		if (strlen(code) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, item, "código demasiado largo");
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, item, "se esperaba un texto no vacío");
		if (allowed != NULL) {
			for (i = 0; allowed[i] != NULL; i++) {
				if (strcmp(allowed[i], json_string_value(v)) == 0)
					break;
			}
			if (allowed[i] == NULL)
				return mapping_fail(ld, item, "valor desconocido \"%s\"",
						    json_string_value(v));
		}
		t->e[t->n].code = xstrdup(code);
		t->e[t->n].value = xstrdup(json_string_value(v));
		t->n++;
	}
	return 0;
}

const char *mapping_table_get(const struct mapping_table *t, const char *code)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->e[i].code, code) == 0)
			return t->e[i].value;
	}
	return NULL;
}

static int mapping_load_codes(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const numero_keys[] = {"min_digits", "max_digits", NULL};
	static const char *const tipo_keys[] = {"digits", "default", NULL};
	static const char *const estado_keys[] = {"codes", NULL};
	json_t *o;

	if (mapping_get_object(ld, root, "", "numero", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "numero", numero_keys) < 0 ||
	    mapping_get_int(ld, o, "numero", "min_digits", 1, MAPPING_MAX_NUMERO, &m->numero_min) <
		0 ||
	    mapping_get_int(ld, o, "numero", "max_digits", 1, MAPPING_MAX_NUMERO, &m->numero_max) <
		0)
		return -1;
	if (m->numero_min > m->numero_max)
		return mapping_fail(ld, "numero.min_digits", "mayor que max_digits");
	if (mapping_get_object(ld, root, "", "tipo_radicado", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "tipo_radicado", tipo_keys) < 0 ||
	    mapping_load_table(ld, o, "tipo_radicado", "digits", 1, NULL, &m->tipo_digits) < 0 ||
	    mapping_get_text(ld, o, "tipo_radicado", "default", MAPPING_MAX_TEXT,
			     &m->tipo_default) < 0)
		return -1;
	if (mapping_get_object(ld, root, "", "estado_ds", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "estado_ds", estado_keys) < 0 ||
	    mapping_load_table(ld, o, "estado_ds", "codes", 0, mapping_estados, &m->estados) < 0)
		return -1;
	return 0;
}

static int mapping_check_date_format(const char *f, char *bad, size_t badlen)
{
	int seen[128] = {0};

	for (const char *p = f; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '\0' || strchr("dmYHIMSp%", *p) == NULL) {
			snprintf(bad, badlen,
				 "conversión %%%c no admitida (solo %%d %%m %%Y %%H %%I "
				 "%%M %%S %%p)",
				 *p ? *p : ' ');
			return -1;
		}
		seen[(unsigned char)*p]++;
	}
	if (!seen['d'] || !seen['m'] || !seen['Y']) {
		snprintf(bad, badlen, "faltan %%d, %%m o %%Y");
		return -1;
	}
	if ((seen['I'] != 0) != (seen['p'] != 0) || (seen['I'] && seen['H'])) {
		snprintf(bad, badlen, "%%I va con %%p, y no junto con %%H");
		return -1;
	}
	return 0;
}

int mapping_expand(const char *tpl, const char *const *names, size_t n,
		   int (*put)(struct buf *out, size_t i, void *arg), void *arg, struct buf *out,
		   char *bad, size_t badlen)
{
	const char *p = tpl;

	for (;;) {
		const char *open = strstr(p, "{{");
		const char *name;
		const char *close;
		size_t nl;
		size_t i;

		if (open == NULL) {
			buf_puts(out, p);
			return 0;
		}
		buf_append(out, p, (size_t)(open - p));
		name = open + 2;
		close = strstr(name, "}}");
		if (close == NULL) {
			snprintf(bad, badlen, "\"{{\" sin cerrar");
			return -1;
		}
		nl = (size_t)(close - name);
		for (i = 0; i < n; i++) {
			if (strlen(names[i]) == nl && memcmp(names[i], name, nl) == 0)
				break;
		}
		if (i == n) {
			snprintf(bad, badlen, "marcador desconocido {{%.*s}}",
				 (int)(nl > 64 ? 64 : nl), name);
			return -1;
		}
		if (put != NULL && put(out, i, arg) < 0) {
			snprintf(bad, badlen, "valor no válido para {{%s}}", names[i]);
			return -1;
		}
		p = close + 2;
	}
}

int mapping_get_template(struct mapping_loader *ld, const json_t *obj, const char *path,
			 const char *key, char **out)
{
	char full[MAPPING_KEY_LEN];
	json_t *v = json_object_get(obj, key);
	struct buf b;
	size_t i;
	json_t *line;

	mapping_key(full, path, key);
	if (v == NULL)
		return mapping_fail(ld, full, "falta");
	buf_init(&b);
	if (json_is_string(v)) {
		buf_puts(&b, json_string_value(v));
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		json_array_foreach(v, i, line)
		{
			if (!json_is_string(line)) {
				buf_free(&b);
				return mapping_fail(ld, full, "la línea %zu no es un texto", i);
			}
			buf_puts(&b, json_string_value(line));
			buf_puts(&b, "\n");
		}
	} else {
		return mapping_fail(ld, full, "se esperaba un texto o una lista de líneas");
	}
	if (b.len == 0 || b.len > MAPPING_MAX_TEMPLATE) {
		buf_free(&b);
		return mapping_fail(ld, full, "plantilla vacía o mayor de %d bytes",
				    MAPPING_MAX_TEMPLATE);
	}
	free(*out);
	*out = buf_steal(&b);
	return 0;
}

/* One strptime format: only %d %m %Y %H %I %M %S %p %%, with day, month and year, %I
 * together with %p, and not both %H and %I. */
static int mapping_check_format_text(struct mapping_loader *ld, const char *full, const char *f)
{
	char bad[MAPPING_MSG_LEN];

	if (mapping_check_date_format(f, bad, sizeof(bad)) < 0)
		return mapping_fail(ld, full, "%s", bad);
	return 0;
}

int mapping_load_date(struct mapping_loader *ld, const json_t *op, const char *path,
		      struct mapping_date *d)
{
	static const char *const keys[] = {"strptime", "optional_fraction", "optional_utc_offset",
					   NULL};
	char dpath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	json_t *o;
	json_t *f;
	json_t *v;
	size_t i;

	mapping_key(dpath, path, "date_format");
	if (mapping_get_object(ld, op, path, "date_format", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, dpath, keys) < 0 ||
	    mapping_get_bool(ld, o, dpath, "optional_fraction", &d->fraction) < 0 ||
	    mapping_get_bool(ld, o, dpath, "optional_utc_offset", &d->offset) < 0)
		return -1;
	mapping_key(full, dpath, "strptime");
	f = json_object_get(o, "strptime");
	if (json_is_string(f)) {
		if (mapping_get_text(ld, o, dpath, "strptime", MAPPING_MAX_TEXT, &d->formats[0]) <
		    0)
			return -1;
		d->nformats = 1;
		return mapping_check_format_text(ld, full, d->formats[0]);
	}
	if (!json_is_array(f) || json_array_size(f) == 0 ||
	    json_array_size(f) > MAPPING_MAX_DATE_FORMATS)
		return mapping_fail(ld, full,
				    "se esperaba un formato o una lista de 1 a %d formatos",
				    MAPPING_MAX_DATE_FORMATS);
	json_array_foreach(f, i, v)
	{
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, full, "el formato %zu no es un texto válido", i);
		d->formats[d->nformats++] = xstrdup(json_string_value(v));
		if (mapping_check_format_text(ld, full, d->formats[i]) < 0)
			return -1;
	}
	return 0;
}

void mapping_free_date(struct mapping_date *d)
{
	for (size_t i = 0; i < d->nformats; i++)
		free(d->formats[i]);
	d->nformats = 0;
}

/* The top-level keys of every format. */
static const char *const mapping_common_keys[] = {
    "profile",	     "format",	  "timezone_offset", "max_window_days", "cursor",   "numero",
    "tipo_radicado", "estado_ds", "dependencias",    "html_entities",	"classify", "base",
    "limits",	     NULL};

/* Refuses top-level keys that neither the common part nor the format knows. */
static int mapping_check_root_keys(struct mapping_loader *ld, const json_t *root,
				   const char *const *format_keys)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)root, key, v)
	{
		int known = key[0] == '_';

		for (size_t i = 0; !known && mapping_common_keys[i] != NULL; i++)
			known = strcmp(key, mapping_common_keys[i]) == 0;
		for (size_t i = 0; !known && format_keys[i] != NULL; i++)
			known = strcmp(key, format_keys[i]) == 0;
		if (!known)
			return mapping_fail(ld, key, "clave desconocida");
	}
	return 0;
}

/* "cursor": {"kind", "overlap_minutes"}; absent: a filing-date cursor. max_window_days (0:
 * no limit) is required for the fecha and instante kinds. */
static int mapping_load_cursor(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const keys[] = {"kind", "overlap_minutes", NULL};
	char *kind = NULL;
	json_t *o;
	int k;

	m->cursor = MAPPING_CURSOR_FECHA;
	if (mapping_get_object(ld, root, "", "cursor", 0, &o) < 0)
		return -1;
	if (o != NULL) {
		if (mapping_check_keys(ld, o, "cursor", keys) < 0 ||
		    mapping_get_text(ld, o, "cursor", "kind", MAPPING_MAX_TEXT, &kind) < 0)
			goto fail;
		k = mapping_cursor_parse(kind);
		if (k < 0) {
			mapping_fail(ld, "cursor.kind",
				     "\"%s\" desconocido (fecha, instante o token)", kind);
			goto fail;
		}
		m->cursor = (enum mapping_cursor)k;
		free(kind);
		kind = NULL;
		if (m->cursor == MAPPING_CURSOR_INSTANTE &&
		    mapping_get_int(ld, o, "cursor", "overlap_minutes", 0, MAPPING_MAX_OVERLAP_MIN,
				    &m->overlap_minutes) < 0)
			goto fail;
	}
	if (m->cursor == MAPPING_CURSOR_TOKEN) {
		mapping_fail(ld, "cursor.kind", "el cursor \"token\" aún no está implementado");
		goto fail;
	}
	return mapping_get_int(ld, root, "", "max_window_days", 0, MAPPING_MAX_WINDOW_DAYS,
			       &m->max_window_days);
fail:
	free(kind);
	return -1;
}

/* "dependencias": {"110": "Oficina Asesora Jurídica", ...}: area names for systems whose
 * answers carry only the code. Optional. */
static int mapping_load_dependencias(struct mapping_loader *ld, struct mapping *m,
				     const json_t *root)
{
	json_t *o;
	const char *code;
	json_t *v;
	char full[MAPPING_KEY_LEN];

	if (mapping_get_object(ld, root, "", "dependencias", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (json_object_size(o) > MAPPING_MAX_DEPENDENCIAS)
		return mapping_fail(ld, "dependencias", "más de %d dependencias",
				    MAPPING_MAX_DEPENDENCIAS);
	m->dependencias.e = xcalloc(json_object_size(o) + 1, sizeof(*m->dependencias.e));
	json_object_foreach(o, code, v)
	{
		if (code[0] == '_')
			continue;
		mapping_key(full, "dependencias", code);
		if (code[0] == '\0' || strlen(code) > MAPPING_MAX_TEXT ||
		    strspn(code, "0123456789") != strlen(code))
			return mapping_fail(ld, full, "el código de la dependencia va en dígitos");
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, full, "se esperaba el nombre de la dependencia");
		m->dependencias.e[m->dependencias.n].code = xstrdup(code);
		m->dependencias.e[m->dependencias.n].value = xstrdup(json_string_value(v));
		m->dependencias.n++;
	}
	return 0;
}

/* "html_entities": ["asunto", ...]: fields stored through PHP's htmlspecialchars(). */
static int mapping_load_html(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	json_t *a = json_object_get(root, "html_entities");
	json_t *v;
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return mapping_fail(ld, "html_entities", "se esperaba una lista de campos");
	json_array_foreach(a, i, v)
	{
		int f = json_is_string(v) ? mapping_field_index(json_string_value(v)) : -1;

		if (f < 0 || f == MF_NUMERO || f == MF_FECHA || f == MF_FOLIOS)
			return mapping_fail(ld, "html_entities",
					    "el elemento %zu no es un campo de texto", i);
		m->decode_html[f] = 1;
	}
	return 0;
}

/* "limits": {"asunto": {"max_bytes": 8000, "format": "text"}, ...}: overrides of the default
 * limits of the text fields. */
static int mapping_load_limits(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const keys[] = {"max_bytes", "format", NULL};
	json_t *o;
	const char *key;
	json_t *v;

	memcpy(m->limits, mapping_default_limits, sizeof(m->limits));
	if (mapping_get_object(ld, root, "", "limits", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	json_object_foreach(o, key, v)
	{
		char path[MAPPING_KEY_LEN];
		char *format = NULL;
		int f = mapping_field_index(key);
		int max;

		if (key[0] == '_')
			continue;
		mapping_key(path, "limits", key);
		if (!mapping_limited(f))
			return mapping_fail(ld, path, "no es un campo de texto del radicado");
		if (!json_is_object(v))
			return mapping_fail(ld, path, "se esperaba un objeto");
		if (mapping_check_keys(ld, v, path, keys) < 0 ||
		    mapping_get_int(ld, v, path, "max_bytes", 1, MAPPING_MAX_LIMIT_BYTES, &max) <
			0 ||
		    mapping_get_string(ld, v, path, "format", 0, MAPPING_MAX_TEXT, &format) < 0)
			return -1;
		m->limits[f].max_bytes = (size_t)max;
		if (format != NULL && strcmp(format, "digits") != 0 &&
		    strcmp(format, "text") != 0) {
			free(format);
			return mapping_fail(ld, path, "format: \"digits\" o \"text\"");
		}
		if (format != NULL)
			m->limits[f].kind = strcmp(format, "digits") == 0 ? ML_DIGITS : ML_TEXT;
		free(format);
	}
	return 0;
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

static int mapping_load_root(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	char cerr[MAPPING_MSG_LEN];
	char *format = NULL;
	json_t *o;
	int rc = -1;

	if (mapping_get_text(ld, root, "", "profile", MAPPING_MAX_TEXT, &m->profile) < 0 ||
	    mapping_get_text(ld, root, "", "format", MAPPING_MAX_TEXT, &format) < 0)
		goto done;
	if (strcmp(format, "xml") == 0) {
		m->format = MAPPING_FORMAT_XML;
	} else if (strcmp(format, "sql") == 0) {
		m->format = MAPPING_FORMAT_SQL;
	} else {
		mapping_fail(ld, "format", "\"%s\" no soportado (\"xml\" o \"sql\")", format);
		goto done;
	}
	if (mapping_check_root_keys(ld, root,
				    m->format == MAPPING_FORMAT_XML ? mapping_xml_keys
								    : mapping_sql_keys) < 0 ||
	    mapping_load_cursor(ld, m, root) < 0 || mapping_load_timezone(ld, m, root) < 0 ||
	    mapping_load_codes(ld, m, root) < 0 || mapping_load_dependencias(ld, m, root) < 0 ||
	    mapping_load_html(ld, m, root) < 0 || mapping_load_limits(ld, m, root) < 0)
		goto done;
	if (m->format == MAPPING_FORMAT_XML ? mapping_xml_load(ld, m, root) < 0
					    : mapping_sql_load(ld, m, root) < 0)
		goto done;
	if (mapping_get_object(ld, root, "", "classify", 1, &o) < 0)
		goto done;
	m->rules = classify_load(o, cerr, sizeof(cerr));
	if (m->rules == NULL) {
		set_error(ld->err, ld->errlen, "%s: %s", ld->file, cerr);
		goto done;
	}
	rc = 0;
done:
	free(format);
	return rc;
}

/* Reads path as JSON; a "base" member names another mapping (relative to path's folder,
 * at most MAPPING_MAX_BASE_DEPTH deep) whose members this file's replace or, for objects,
 * merge into. Returns the merged object (a new reference) or NULL with err filled. */
#define MAPPING_MAX_BASE_DEPTH 4
static json_t *mapping_read_json(const char *path, int depth, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	json_t *base_name;
	json_t *base;
	char *base_path;
	const char *slash;

	if (root == NULL) {
		if (jerr.line > 0)
			set_error(err, errlen, "%s:%d: JSON no válido: %s", path, jerr.line,
				  jerr.text);
		else
			set_error(err, errlen, "%s: %s", path, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		set_error(err, errlen, "%s: se esperaba un objeto JSON", path);
		json_decref(root);
		return NULL;
	}
	base_name = json_object_get(root, "base");
	if (base_name == NULL)
		return root;
	if (!json_is_string(base_name) || json_string_length(base_name) == 0 ||
	    depth >= MAPPING_MAX_BASE_DEPTH) {
		set_error(err, errlen,
			  "%s: base: se esperaba el archivo de un mapeo (hasta %d niveles)", path,
			  MAPPING_MAX_BASE_DEPTH);
		json_decref(root);
		return NULL;
	}
	slash = strrchr(path, '/');
	if (json_string_value(base_name)[0] == '/' || slash == NULL)
		base_path = xstrdup(json_string_value(base_name));
	else
		base_path =
		    xasprintf("%.*s/%s", (int)(slash - path), path, json_string_value(base_name));
	base = mapping_read_json(base_path, depth + 1, err, errlen);
	free(base_path);
	if (base == NULL) {
		char inner[MAPPING_MSG_LEN];

		strlcpy_s(inner, err != NULL ? err : "", sizeof(inner));
		set_error(err, errlen, "%s: base: %s", path, inner);
		json_decref(root);
		return NULL;
	}
	json_object_del(root, "base");
	json_object_del(base, "base");
	json_object_update_recursive(base, root);
	json_decref(root);
	return base;
}

struct mapping *mapping_load(const char *path, char *err, size_t errlen)
{
	struct mapping_loader ld = {path, err, errlen};
	json_t *root;
	struct mapping *m;

	if (path == NULL) {
		set_error(err, errlen, "no se indicó el archivo de mapeo");
		return NULL;
	}
	mapping_global_init();
	root = mapping_read_json(path, 0, err, errlen);
	if (root == NULL)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (m->c_locale == (locale_t)0) {
		set_error(err, errlen, "%s: no se pudo crear el locale C", path);
		goto fail;
	}
	if (mapping_load_root(&ld, m, root) < 0)
		goto fail;
	json_decref(root);
	return m;
fail:
	json_decref(root);
	mapping_free(m);
	return NULL;
}

static void mapping_free_table(struct mapping_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].code);
		free(t->e[i].value);
	}
	free(t->e);
}

void mapping_free(struct mapping *m)
{
	if (m == NULL)
		return;
	free(m->profile);
	mapping_free_table(&m->tipo_digits);
	free(m->tipo_default);
	mapping_free_table(&m->estados);
	mapping_free_table(&m->dependencias);
	mapping_xml_free(m);
	mapping_sql_free(m);
	classify_free(m->rules);
	if (m->c_locale != (locale_t)0)
		freelocale(m->c_locale);
	free(m);
}

const char *mapping_profile(const struct mapping *m)
{
	return m->profile;
}

enum mapping_format mapping_format(const struct mapping *m)
{
	return m->format;
}

enum mapping_cursor mapping_cursor_kind(const struct mapping *m)
{
	return m->cursor;
}

int mapping_overlap_minutes(const struct mapping *m)
{
	return m->cursor == MAPPING_CURSOR_INSTANTE ? m->overlap_minutes : 0;
}

int mapping_max_window_days(const struct mapping *m)
{
	return m->max_window_days;
}

const char *mapping_timezone_offset(const struct mapping *m)
{
	return m->tz_text;
}

static const char *const mapping_cursor_names[] = {
    [MAPPING_CURSOR_FECHA] = "fecha",
    [MAPPING_CURSOR_INSTANTE] = "instante",
    [MAPPING_CURSOR_TOKEN] = "token",
};

const char *mapping_cursor_name(enum mapping_cursor c)
{
	return (size_t)c < sizeof(mapping_cursor_names) / sizeof(mapping_cursor_names[0])
		   ? mapping_cursor_names[c]
		   : "fecha";
}

int mapping_cursor_parse(const char *name)
{
	for (size_t i = 0;
	     name != NULL && i < sizeof(mapping_cursor_names) / sizeof(mapping_cursor_names[0]);
	     i++) {
		if (strcmp(name, mapping_cursor_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *mapping_field_name(enum mapping_field f)
{
	return (size_t)f < MAPPING_NFIELDS ? mapping_fields[f].name : "";
}

int mapping_field_index(const char *name)
{
	for (size_t i = 0; name != NULL && i < MAPPING_NFIELDS; i++) {
		if (strcmp(name, mapping_fields[i].name) == 0)
			return (int)i;
	}
	return -1;
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
	}
	return "unknown";
}

int mapping_check_numero(const struct mapping *m, const char *s)
{
	size_t n = strlen(s);

	if (n < (size_t)m->numero_min || n > (size_t)m->numero_max)
		return -1;
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

/* The field i of f. */
static char **mapping_filing_field(struct filing *f, enum mapping_field i)
{
	switch (i) {
	case MF_NUMERO:
		return &f->numero;
	case MF_FECHA:
		return &f->fecha_radicacion;
	case MF_ASUNTO:
		return &f->asunto;
	case MF_RUTA:
		return &f->ruta;
	case MF_DEP_ORIGEN:
		return &f->dependencia_origen;
	case MF_DEP_ORIGEN_NOMBRE:
		return &f->dependencia_origen_nombre;
	case MF_DEP_ACTUAL:
		return &f->dependencia_actual;
	case MF_REMITENTE:
		return &f->remitente;
	case MF_TIPO_DOC:
		return &f->tipo_documental;
	case MF_TIPO_DOC_NOMBRE:
		return &f->tipo_documental_nombre;
	case MF_ESTADO:
		return &f->estado_ds;
	case MF_FOLIOS:
	case MAPPING_NFIELDS:
		break;
	}
	return NULL;
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
