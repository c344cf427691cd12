/* mapping.c -- a document system's profile (a mappings/ JSON file): loads and validates
 * the parts every format shares (profile, cursor, time zone, number and code tables,
 * classification) and hands the rest to mapping_xml.c, mapping_sql.c or mapping_json.c;
 * the loader's helpers every format uses (typed keys, date formats, templates). */
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
#include "mapping_json_int.h"
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
    [MF_ID_SGD] = {"id_sgd", MN_NO, MN_NO}, /* format json only */
};

static const char *const mapping_estados[] = {"vigente", "anulacion_solicitada", "anulado", NULL};

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
	if ((*out)[0] == '\0') {
		/* refused: not kept (a date format's slot is not counted yet) */
		free(*out);
		*out = NULL;
		return mapping_fail(ld, full, "no puede estar vacío");
	}
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

/* "numero": {"min_digits": 14, "max_digits": 16} (Orfeo: digits only), or {"pattern": a POSIX
 * extended regular expression the whole number must match, "max_length": bytes} for other
 * systems ("1-2021-23677", "2021EE7835"); with a pattern, min/max_digits are ignored. */
static int mapping_load_numero(struct mapping_loader *ld, struct mapping *m, const json_t *o)
{
	static const char *const keys[] = {"min_digits", "max_digits", "pattern", "max_length",
					   NULL};
	char *pattern = NULL;
	char *anchored;
	int rc;

	if (mapping_check_keys(ld, o, "numero", keys) < 0)
		return -1;
	if (json_object_get(o, "pattern") == NULL) {
		if (mapping_get_int(ld, o, "numero", "min_digits", 1, MAPPING_MAX_NUMERO,
				    &m->numero_min) < 0 ||
		    mapping_get_int(ld, o, "numero", "max_digits", 1, MAPPING_MAX_NUMERO,
				    &m->numero_max) < 0)
			return -1;
		if (m->numero_min > m->numero_max)
			return mapping_fail(ld, "numero.min_digits", "mayor que max_digits");
		return 0;
	}
	/* A pattern wins over min/max_digits, which a base file may still bring. */
	if (mapping_get_text(ld, o, "numero", "pattern", MAPPING_MAX_TEXT, &pattern) < 0 ||
	    mapping_get_int(ld, o, "numero", "max_length", 1, MAPPING_MAX_NUMERO, &m->numero_max) <
		0) {
		free(pattern);
		return -1;
	}
	m->numero_min = 1;
	anchored = xasprintf("^(%s)$", pattern);
	free(pattern);
	rc = regcomp(&m->numero_regex, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc != 0)
		return mapping_fail(ld, "numero.pattern", "expresión regular no válida");
	m->numero_regex_set = 1;
	return 0;
}

static int mapping_load_codes(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const tipo_keys[] = {"digits", "default", NULL};
	static const char *const estado_keys[] = {"codes", NULL};
	json_t *o;

	if (mapping_get_object(ld, root, "", "numero", 1, &o) < 0 ||
	    mapping_load_numero(ld, m, o) < 0)
		return -1;
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

int mapping_check_date_format(const char *f, char *bad, size_t badlen)
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
    "profile",	"format",	 "timezone_offset", "max_window_days", "cursor",
    "numero",	"tipo_radicado", "estado_ds",	    "dependencias",    "html_entities",
    "classify", "base",		 "limits",	    "imagen_url",      NULL};

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

/* "cursor": {"kind", "overlap_minutes"}, or just the kind's name ("fecha", "token"); absent: a
 * filing-date cursor. An instant cursor needs the object form (its overlap). The token kind
 * needs format json (a change log request). max_window_days (0: no limit) is required. */
static int mapping_load_cursor(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const keys[] = {"kind", "overlap_minutes", NULL};
	const json_t *c = json_object_get(root, "cursor");
	char *kind = NULL;
	json_t *o = NULL;
	int k;

	m->cursor = MAPPING_CURSOR_FECHA;
	if (json_is_string(c)) {
		k = mapping_cursor_parse(json_string_value(c));
		if (k < 0)
			return mapping_fail(ld, "cursor", "\"%s\" desconocido (fecha, instante o token)",
					    json_string_value(c));
		if (k == MAPPING_CURSOR_INSTANTE)
			return mapping_fail(ld, "cursor",
					    "el cursor \"instante\" va como {\"kind\": \"instante\", "
					    "\"overlap_minutes\": N}");
		m->cursor = (enum mapping_cursor)k;
	} else if (mapping_get_object(ld, root, "", "cursor", 0, &o) < 0) {
		return mapping_fail(ld, "cursor", "se esperaba un objeto o el nombre del cursor");
	}
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
	if (m->cursor == MAPPING_CURSOR_TOKEN && m->format != MAPPING_FORMAT_JSON) {
		mapping_fail(ld, o != NULL ? "cursor.kind" : "cursor",
			     "el cursor \"token\" solo existe en el formato \"json\"");
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

#define MAPPING_IMAGEN_VAR "{numero}"

/* "imagen_url": "https://orfeo.example/bodega/{numero}": the viewer of the document system,
 * an absolute http or https URL with {numero} in it. */
static int mapping_load_imagen(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	const char *u;

	if (mapping_get_string(ld, root, "", "imagen_url", 0, MAPPING_MAX_TEXT, &m->imagen_url) < 0)
		return -1;
	u = m->imagen_url;
	if (u == NULL)
		return 0;
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return mapping_fail(ld, "imagen_url",
				    "debe ser una dirección http:// o https:// (\"%s\" no lo es)",
				    u);
	if (strstr(u, MAPPING_IMAGEN_VAR) == NULL)
		return mapping_fail(ld, "imagen_url",
				    "debe llevar " MAPPING_IMAGEN_VAR
				    " donde va el número del radicado");
	for (const char *p = u; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
		    (unsigned char)*p == 0x7f)
			return mapping_fail(ld, "imagen_url",
					    "no admite espacios, comillas, < > ni \\");
	}
	return 0;
}

char *mapping_imagen_url(const struct mapping *m, const char *numero)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *t = m != NULL ? m->imagen_url : NULL;
	struct buf b;
	char *out;

	if (t == NULL)
		return NULL;
	buf_init(&b);
	while (*t != '\0') {
		if (strncmp(t, MAPPING_IMAGEN_VAR, strlen(MAPPING_IMAGEN_VAR)) != 0) {
			buf_printf(&b, "%c", *t++);
			continue;
		}
		for (const unsigned char *p = (const unsigned char *)numero; *p != '\0'; p++) {
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
			    *p == '~')
				buf_printf(&b, "%c", *p);
			else
				buf_printf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		}
		t += strlen(MAPPING_IMAGEN_VAR);
	}
	out = xstrdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
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

static int mapping_load_root(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	char cerr[MAPPING_MSG_LEN];
	char *format = NULL;
	const char *const *format_keys;
	int (*load)(struct mapping_loader *, struct mapping *, const json_t *);
	json_t *o;
	int rc = -1;

	if (mapping_get_text(ld, root, "", "profile", MAPPING_MAX_TEXT, &m->profile) < 0 ||
	    mapping_get_text(ld, root, "", "format", MAPPING_MAX_TEXT, &format) < 0)
		goto done;
	if (strcmp(format, "xml") == 0) {
		m->format = MAPPING_FORMAT_XML;
		format_keys = mapping_xml_keys;
		load = mapping_xml_load;
	} else if (strcmp(format, "sql") == 0) {
		m->format = MAPPING_FORMAT_SQL;
		format_keys = mapping_sql_keys;
		load = mapping_sql_load;
	} else if (strcmp(format, "json") == 0) {
		m->format = MAPPING_FORMAT_JSON;
		format_keys = mapping_json_keys;
		load = mapping_json_load;
	} else {
		mapping_fail(ld, "format", "\"%s\" no soportado (\"xml\", \"sql\" o \"json\")",
			     format);
		goto done;
	}
	if (mapping_check_root_keys(ld, root, format_keys) < 0 ||
	    mapping_load_cursor(ld, m, root) < 0 || mapping_load_timezone(ld, m, root) < 0 ||
	    mapping_load_codes(ld, m, root) < 0 || mapping_load_dependencias(ld, m, root) < 0 ||
	    mapping_load_html(ld, m, root) < 0 || mapping_load_limits(ld, m, root) < 0 ||
	    mapping_load_imagen(ld, m, root) < 0)
		goto done;
	if (load(ld, m, root) < 0)
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

json_t *mapping_read_file(const char *path, char *err, size_t errlen)
{
	if (path == NULL) {
		set_error(err, errlen, "no se indicó el archivo de mapeo");
		return NULL;
	}
	return mapping_read_json(path, 0, err, errlen);
}

struct mapping *mapping_load_object(const char *file, const json_t *root, char *err, size_t errlen)
{
	struct mapping_loader ld = {file, err, errlen};
	struct mapping *m;

	mapping_global_init();
	m = xcalloc(1, sizeof(*m));
	m->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (m->c_locale == (locale_t)0) {
		set_error(err, errlen, "%s: no se pudo crear el locale C", file);
		goto fail;
	}
	if (mapping_load_root(&ld, m, root) < 0)
		goto fail;
	return m;
fail:
	mapping_free(m);
	return NULL;
}

struct mapping *mapping_load(const char *path, char *err, size_t errlen)
{
	json_t *root;
	struct mapping *m;

	mapping_global_init();
	root = mapping_read_file(path, err, errlen);
	if (root == NULL)
		return NULL;
	m = mapping_load_object(path, root, err, errlen);
	json_decref(root);
	return m;
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
	free(m->imagen_url);
	if (m->numero_regex_set)
		regfree(&m->numero_regex);
	mapping_free_table(&m->tipo_digits);
	free(m->tipo_default);
	mapping_free_table(&m->estados);
	mapping_free_table(&m->dependencias);
	mapping_xml_free(m);
	mapping_sql_free(m);
	mapping_json_free(m);
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

int mapping_maps_field(const struct mapping *m, enum mapping_request r, enum mapping_field f)
{
	if ((size_t)f >= MAPPING_NFIELDS)
		return 0;
	switch (m->format) {
	case MAPPING_FORMAT_XML:
		if (r == MR_LIST)
			return m->list.fields[f] != NULL;
		if (r == MR_INFO)
			return m->info.fields[f] != NULL;
		return 0;
	case MAPPING_FORMAT_JSON:
		return mapping_has_request(m, r) && m->json->req[r].fields[f].n > 0;
	case MAPPING_FORMAT_SQL:
		break;
	}
	return -1;
}
