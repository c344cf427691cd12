/* mapping.c -- a document system's profile (a mappings/ JSON file): loads and validates it,
 * builds requests from its templates and reads filings out of XML answers safely. */
#include "mapping.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "log.h"
#include "util.h"

#define MAPPING_MAX_NAMESPACES 32
#define MAPPING_MAX_CODES 64	    /* entries of one code table */
#define MAPPING_MAX_STRINGS 32	    /* entries of empty_faults, client_codes */
#define MAPPING_MAX_TEMPLATE 65536  /* bytes of one request template */
#define MAPPING_MAX_XPATH 1024	    /* bytes of one XPath */
#define MAPPING_MAX_TEXT 256	    /* bytes of a name, URI, code or format */
#define MAPPING_MAX_WINDOW_DAYS 366 /* upper bound accepted for max_window_days */
#define MAPPING_MAX_NUMERO 32	    /* upper bound accepted for numero.max_digits */
#define MAPPING_MAX_FOLIOS 1000000L
#define MAPPING_MIN_YEAR 1900
#define MAPPING_MAX_YEAR 9999
#define MAPPING_MAX_OFFSET_MIN (14 * 60)
#define MAPPING_DATE_LEN 64 /* one formatted request date */
#define MAPPING_KEY_LEN 128 /* a dotted key name in a message */
#define MAPPING_MSG_LEN 512 /* one message before the file name is added */
#define MAPPING_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* Filing fields a mapping can point at, in struct filing's terms. */
enum mapping_field {
	MF_NUMERO,
	MF_FECHA,
	MF_ASUNTO,
	MF_FOLIOS,
	MF_RUTA,
	MF_DEP_ORIGEN,
	MF_DEP_ORIGEN_NOMBRE,
	MF_DEP_ACTUAL,
	MF_REMITENTE,
	MF_TIPO_DOC,
	MF_ESTADO,
	MF_COUNT
};

enum mapping_need { MN_NO = 0, MN_OPTIONAL, MN_REQUIRED };

static const struct {
	const char *name;
	enum mapping_need list;
	enum mapping_need info;
} mapping_fields[MF_COUNT] = {
    [MF_NUMERO] = {"numero", MN_REQUIRED, MN_REQUIRED},
    [MF_FECHA] = {"fecha_radicacion", MN_REQUIRED, MN_REQUIRED},
    [MF_ASUNTO] = {"asunto", MN_REQUIRED, MN_REQUIRED},
    [MF_FOLIOS] = {"folios", MN_REQUIRED, MN_OPTIONAL},
    [MF_RUTA] = {"ruta", MN_REQUIRED, MN_REQUIRED},
    [MF_DEP_ORIGEN] = {"dependencia_origen", MN_NO, MN_REQUIRED},
    [MF_DEP_ORIGEN_NOMBRE] = {"dependencia_origen_nombre", MN_NO, MN_REQUIRED},
    [MF_DEP_ACTUAL] = {"dependencia_actual", MN_NO, MN_REQUIRED},
    [MF_REMITENTE] = {"remitente", MN_NO, MN_REQUIRED},
    [MF_TIPO_DOC] = {"tipo_documental", MN_NO, MN_REQUIRED},
    [MF_ESTADO] = {"estado_ds", MN_NO, MN_REQUIRED},
};

/* Placeholders each request template may use. */
static const char *const mapping_list_params[] = {"dependencia", "fechaIni", "fechaFin", "key"};
static const char *const mapping_info_params[] = {"numRadicado", "key"};
#define MAPPING_NPARAMS(a) (sizeof(a) / sizeof(a[0]))

static const char *const mapping_estados[] = {"vigente", "anulacion_solicitada", "anulado", NULL};

struct mapping_date {
	char *format; /* strptime(3), C locale */
	int fraction; /* a ".digits" fraction may follow */
	int offset;   /* a UTC offset may follow */
};

struct mapping_code {
	char *code;
	char *value;
};

struct mapping_table {
	struct mapping_code *e;
	size_t n;
};

struct mapping_op {
	char *soap_action;
	char *request;	 /* template, lines joined */
	char *container; /* absolute XPath */
	char *items;	 /* list: relative to container */
	char *error;	 /* relative to container */
	char *fields[MF_COUNT];
	struct mapping_date date;
};

struct mapping_ns {
	char *prefix;
	char *uri;
};

struct mapping {
	char *profile;
	char *endpoint_path;
	char *content_type;
	struct mapping_ns ns[MAPPING_MAX_NAMESPACES];
	size_t nns;
	int tz_minutes;
	char tz_text[8]; /* "-05:00" */
	int max_window_days;
	char *request_date_format;
	int numero_min;
	int numero_max;
	struct mapping_table tipo_digits;
	char *tipo_default;
	struct mapping_table estados;
	char *fault_node;
	char *fault_code;
	char *fault_string;
	char *client_codes[MAPPING_MAX_STRINGS];
	size_t nclient;
	char *empty_faults[MAPPING_MAX_STRINGS]; /* folded with classify_fold */
	size_t nempty;
	struct mapping_op list;
	struct mapping_op info;
	struct classify_rules *rules;
	locale_t c_locale;
};

/* ---------------------------------------------------------------- loading */

struct mapping_loader {
	const char *file;
	char *err;
	size_t errlen;
};

static int mapping_fail(struct mapping_loader *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills the error as "file: key: message"; returns -1. */
static int mapping_fail(struct mapping_loader *ld, const char *key, const char *fmt, ...)
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
static void mapping_key(char *out, const char *path, const char *key)
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
static int mapping_check_keys(struct mapping_loader *ld, const json_t *obj, const char *path,
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
static int mapping_get_object(struct mapping_loader *ld, const json_t *obj, const char *path,
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
static int mapping_get_string(struct mapping_loader *ld, const json_t *obj, const char *path,
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
static int mapping_get_text(struct mapping_loader *ld, const json_t *obj, const char *path,
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

static int mapping_get_int(struct mapping_loader *ld, const json_t *obj, const char *path,
			   const char *key, int min, int max, int *out)
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
static int mapping_get_bool(struct mapping_loader *ld, const json_t *obj, const char *path,
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
static int mapping_get_strings(struct mapping_loader *ld, const json_t *obj, const char *path,
			       const char *key, int fold, char **out, size_t *n)
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
		out[*n] =
		    fold ? classify_fold(json_string_value(v)) : xstrdup(json_string_value(v));
		(*n)++;
	}
	return 0;
}

static int mapping_ncname(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	}
	return 1;
}

static int mapping_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static int mapping_ns_known(const struct mapping *m, const char *p, size_t n)
{
	for (size_t i = 0; i < m->nns; i++) {
		if (strlen(m->ns[i].prefix) == n && memcmp(m->ns[i].prefix, p, n) == 0)
			return 1;
	}
	return 0;
}

/* Finds a namespace prefix used in an XPath ("env:Body") that the mapping does not bind:
 * libxml2 resolves prefixes only when evaluating, so compiling alone would not notice.
 * A lexical scan: string literals skipped, "axis::" is not a prefix. Returns 0, or -1
 * with the prefix copied into bad. */
static int mapping_xpath_prefixes(const struct mapping *m, const char *s, char *bad, size_t badlen)
{
	size_t n = strlen(s);
	size_t i = 0;

	while (i < n) {
		char c = s[i];

		if (c == '"' || c == '\'') {
			const char *e = strchr(s + i + 1, c);

			if (e == NULL)
				return 0;
			i = (size_t)(e - s) + 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
			size_t b = i;

			while (i < n && mapping_name_char(s[i]))
				i++;
			if (i < n && s[i] == ':' && s[i + 1] != ':' &&
			    !mapping_ns_known(m, s + b, i - b)) {
				snprintf(bad, badlen, "%.*s", (int)(i - b), s + b);
				return -1;
			}
		} else {
			i++;
		}
	}
	return 0;
}

static void mapping_silent_error(void *data, xmlErrorPtr error)
{
	(void)data;
	(void)error;
}

/* Fetches obj.key as an XPath: it must compile (xmlXPathCtxtCompile) and use only bound
 * prefixes. */
static int mapping_get_xpath(struct mapping_loader *ld, const struct mapping *m, const json_t *obj,
			     const char *path, const char *key, char **out)
{
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MAX_TEXT];
	xmlXPathContextPtr xp;
	xmlXPathCompExprPtr comp;

	if (mapping_get_text(ld, obj, path, key, MAPPING_MAX_XPATH, out) < 0)
		return -1;
	mapping_key(full, path, key);
	xp = xmlXPathNewContext(NULL);
	if (xp == NULL)
		return mapping_fail(ld, full, "sin memoria para compilar el XPath");
	xp->error = mapping_silent_error;
	comp = xmlXPathCtxtCompile(xp, BAD_CAST * out);
	if (comp == NULL) {
		const char *why = xp->lastError.message ? xp->lastError.message : "error";
		size_t wl = strcspn(why, "\n");

		mapping_fail(ld, full, "XPath inválido \"%s\": %.*s", *out, (int)wl, why);
		xmlXPathFreeContext(xp);
		return -1;
	}
	xmlXPathFreeCompExpr(comp);
	xmlXPathFreeContext(xp);
	if (mapping_xpath_prefixes(m, *out, bad, sizeof(bad)) < 0)
		return mapping_fail(ld, full, "prefijo \"%s\" no declarado en namespaces", bad);
	return 0;
}

static int mapping_load_namespaces(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	json_t *obj;
	const char *key;
	json_t *v;
	char full[MAPPING_KEY_LEN];

	if (mapping_get_object(ld, root, "", "namespaces", 1, &obj) < 0)
		return -1;
	json_object_foreach(obj, key, v)
	{
		if (key[0] == '_')
			continue;
		mapping_key(full, "namespaces", key);
		if (m->nns == MAPPING_MAX_NAMESPACES)
			return mapping_fail(ld, "namespaces", "más de %d prefijos",
					    MAPPING_MAX_NAMESPACES);
		if (strlen(key) > MAPPING_MAX_TEXT || !mapping_ncname(key))
			return mapping_fail(ld, full, "prefijo no válido");
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, full, "se esperaba el URI del namespace");
		m->ns[m->nns].prefix = xstrdup(key);
		m->ns[m->nns].uri = xstrdup(json_string_value(v));
		m->nns++;
	}
	return 0;
}

/* "+hh:mm" / "-hh:mm" into minutes east of UTC. */
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

static int mapping_load_request_date(struct mapping_loader *ld, struct mapping *m,
				     const json_t *root)
{
	char out[MAPPING_DATE_LEN];
	struct tm tm;

	if (mapping_get_text(ld, root, "", "request_date_format", MAPPING_MAX_TEXT,
			     &m->request_date_format) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2024 - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = 31;
	if (strftime_l(out, sizeof(out), m->request_date_format, &tm, m->c_locale) == 0)
		return mapping_fail(ld, "request_date_format",
				    "el formato da un texto vacío o demasiado largo");
	return 0;
}

/* A table of code -> value. digit_keys: every code is one digit. allowed: the values
 * accepted (NULL-terminated), or NULL for any non-empty text. */
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

static const char *mapping_table_get(const struct mapping_table *t, const char *code)
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

static int mapping_load_fault(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const keys[] = {"node", "code", "string", "client_codes", NULL};
	json_t *o;

	if (mapping_get_object(ld, root, "", "fault", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "fault", keys) < 0 ||
	    mapping_get_xpath(ld, m, o, "fault", "node", &m->fault_node) < 0 ||
	    mapping_get_xpath(ld, m, o, "fault", "code", &m->fault_code) < 0 ||
	    mapping_get_xpath(ld, m, o, "fault", "string", &m->fault_string) < 0 ||
	    mapping_get_strings(ld, o, "fault", "client_codes", 0, m->client_codes, &m->nclient) <
		0)
		return -1;
	return mapping_get_strings(ld, root, "", "empty_faults", 1, m->empty_faults, &m->nempty);
}

/* Copies tpl into out, replacing each {{name}} with values[i] XML-escaped (values NULL:
 * only check the names). Returns 0, or -1 with why in bad (never a value: the key is
 * secret). */
static int mapping_expand(const char *tpl, const char *const *names, const char *const *values,
			  size_t n, struct buf *out, char *bad, size_t badlen);

static int mapping_load_request(struct mapping_loader *ld, const json_t *op, const char *path,
				const char *const *params, size_t nparams, char **out)
{
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	json_t *v = json_object_get(op, "request");
	struct buf b;
	size_t i;
	json_t *line;

	mapping_key(full, path, "request");
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
	*out = buf_steal(&b);
	buf_init(&b);
	if (mapping_expand(*out, params, NULL, nparams, &b, bad, sizeof(bad)) < 0) {
		buf_free(&b);
		return mapping_fail(ld, full, "%s", bad);
	}
	buf_free(&b);
	return 0;
}

/* Checks a strptime format: only %d %m %Y %H %I %M %S %p %%, with day, month and year,
 * %I together with %p, and not both %H and %I. */
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

static int mapping_load_date(struct mapping_loader *ld, const json_t *op, const char *path,
			     struct mapping_date *d)
{
	static const char *const keys[] = {"strptime", "optional_fraction", "optional_utc_offset",
					   NULL};
	char dpath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	json_t *o;

	mapping_key(dpath, path, "date_format");
	if (mapping_get_object(ld, op, path, "date_format", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, dpath, keys) < 0 ||
	    mapping_get_text(ld, o, dpath, "strptime", MAPPING_MAX_TEXT, &d->format) < 0 ||
	    mapping_get_bool(ld, o, dpath, "optional_fraction", &d->fraction) < 0 ||
	    mapping_get_bool(ld, o, dpath, "optional_utc_offset", &d->offset) < 0)
		return -1;
	mapping_key(full, dpath, "strptime");
	if (mapping_check_date_format(d->format, bad, sizeof(bad)) < 0)
		return mapping_fail(ld, full, "%s", bad);
	return 0;
}

static int mapping_load_fields(struct mapping_loader *ld, const struct mapping *m, const json_t *op,
			       const char *path, int is_list, struct mapping_op *out)
{
	char fpath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	json_t *o;
	const char *key;
	json_t *v;

	mapping_key(fpath, path, "fields");
	if (mapping_get_object(ld, op, path, "fields", 1, &o) < 0)
		return -1;
	json_object_foreach(o, key, v)
	{
		size_t i;

		if (key[0] == '_')
			continue;
		for (i = 0; i < MF_COUNT; i++) {
			if (strcmp(key, mapping_fields[i].name) == 0)
				break;
		}
		mapping_key(full, fpath, key);
		if (i == MF_COUNT ||
		    (is_list ? mapping_fields[i].list : mapping_fields[i].info) == MN_NO)
			return mapping_fail(ld, full, "campo desconocido para esta operación");
	}
	for (size_t i = 0; i < MF_COUNT; i++) {
		enum mapping_need need = is_list ? mapping_fields[i].list : mapping_fields[i].info;

		if (need == MN_NO)
			continue;
		if (need == MN_OPTIONAL && json_object_get(o, mapping_fields[i].name) == NULL)
			continue;
		if (mapping_get_xpath(ld, m, o, fpath, mapping_fields[i].name, &out->fields[i]) < 0)
			return -1;
	}
	return 0;
}

static int mapping_load_op(struct mapping_loader *ld, const struct mapping *m, const json_t *ops,
			   const char *name, int is_list, struct mapping_op *out)
{
	static const char *const list_keys[] = {"name",	       "soap_action", "request",
						"container",   "items",	      "error",
						"date_format", "fields",      NULL};
	static const char *const info_keys[] = {"name",	 "soap_action", "request", "container",
						"error", "date_format", "fields",  NULL};
	char path[MAPPING_KEY_LEN];
	char *opname = NULL;
	json_t *op;

	mapping_key(path, "operations", name);
	if (mapping_get_object(ld, ops, "operations", name, 1, &op) < 0 ||
	    mapping_check_keys(ld, op, path, is_list ? list_keys : info_keys) < 0 ||
	    mapping_get_string(ld, op, path, "name", 0, MAPPING_MAX_TEXT, &opname) < 0 ||
	    mapping_get_string(ld, op, path, "soap_action", 1, MAPPING_MAX_TEXT,
			       &out->soap_action) < 0) {
		free(opname);
		return -1;
	}
	free(opname); /* documentation only */
	if (is_list) {
		if (mapping_load_request(ld, op, path, mapping_list_params,
					 MAPPING_NPARAMS(mapping_list_params), &out->request) < 0)
			return -1;
	} else if (mapping_load_request(ld, op, path, mapping_info_params,
					MAPPING_NPARAMS(mapping_info_params), &out->request) < 0) {
		return -1;
	}
	if (mapping_get_xpath(ld, m, op, path, "container", &out->container) < 0 ||
	    (is_list && mapping_get_xpath(ld, m, op, path, "items", &out->items) < 0) ||
	    mapping_get_xpath(ld, m, op, path, "error", &out->error) < 0 ||
	    mapping_load_date(ld, op, path, &out->date) < 0 ||
	    mapping_load_fields(ld, m, op, path, is_list, out) < 0)
		return -1;
	return 0;
}

/* The scalar keys at the top: profile, format, endpoint_path, content_type,
 * max_window_days. */
static int mapping_load_header(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	char *format = NULL;
	int rc = -1;

	if (mapping_get_text(ld, root, "", "profile", MAPPING_MAX_TEXT, &m->profile) < 0)
		goto done;
	if (mapping_get_text(ld, root, "", "format", MAPPING_MAX_TEXT, &format) < 0)
		goto done;
	if (strcmp(format, "xml") != 0) {
		mapping_fail(ld, "format", "\"%s\" no soportado (solo \"xml\")", format);
		goto done;
	}
	if (mapping_get_text(ld, root, "", "endpoint_path", MAPPING_MAX_TEXT, &m->endpoint_path) <
	    0)
		goto done;
	if (m->endpoint_path[0] != '/') {
		mapping_fail(ld, "endpoint_path", "debe empezar con /");
		goto done;
	}
	if (mapping_get_text(ld, root, "", "content_type", MAPPING_MAX_TEXT, &m->content_type) < 0)
		goto done;
	if (mapping_get_int(ld, root, "", "max_window_days", 1, MAPPING_MAX_WINDOW_DAYS,
			    &m->max_window_days) < 0)
		goto done;
	rc = 0;
done:
	free(format);
	return rc;
}

static int mapping_load_root(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const keys[] = {
	    "profile",	    "format",	       "endpoint_path",	  "content_type",
	    "namespaces",   "timezone_offset", "max_window_days", "request_date_format",
	    "numero",	    "tipo_radicado",   "estado_ds",	  "fault",
	    "empty_faults", "operations",      "classify",	  NULL};
	static const char *const op_keys[] = {"list", "info", NULL};
	char cerr[MAPPING_MSG_LEN];
	json_t *o;

	if (mapping_check_keys(ld, root, "", keys) < 0)
		return -1;
	if (mapping_load_header(ld, m, root) < 0)
		return -1;
	/* namespaces before anything holding an XPath */
	if (mapping_load_namespaces(ld, m, root) < 0)
		return -1;
	if (mapping_load_timezone(ld, m, root) < 0)
		return -1;
	if (mapping_load_request_date(ld, m, root) < 0)
		return -1;
	if (mapping_load_codes(ld, m, root) < 0)
		return -1;
	if (mapping_load_fault(ld, m, root) < 0)
		return -1;
	if (mapping_get_object(ld, root, "", "operations", 1, &o) < 0)
		return -1;
	if (mapping_check_keys(ld, o, "operations", op_keys) < 0)
		return -1;
	if (mapping_load_op(ld, m, o, "list", 1, &m->list) < 0)
		return -1;
	if (mapping_load_op(ld, m, o, "info", 0, &m->info) < 0)
		return -1;
	if (mapping_get_object(ld, root, "", "classify", 1, &o) < 0)
		return -1;
	m->rules = classify_load(o, cerr, sizeof(cerr));
	if (m->rules == NULL) {
		set_error(ld->err, ld->errlen, "%s: %s", ld->file, cerr);
		return -1;
	}
	return 0;
}

static pthread_once_t mapping_once = PTHREAD_ONCE_INIT;

struct mapping *mapping_load(const char *path, char *err, size_t errlen)
{
	struct mapping_loader ld = {path, err, errlen};
	json_error_t jerr;
	json_t *root;
	struct mapping *m;

	if (path == NULL) {
		set_error(err, errlen, "no se indicó el archivo de mapeo");
		return NULL;
	}
	mapping_global_init();
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (jerr.line > 0)
			set_error(err, errlen, "%s:%d: JSON no válido: %s", path, jerr.line,
				  jerr.text);
		else
			set_error(err, errlen, "%s: %s", path, jerr.text);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (m->c_locale == (locale_t)0) {
		set_error(err, errlen, "%s: no se pudo crear el locale C", path);
		goto fail;
	}
	if (!json_is_object(root)) {
		set_error(err, errlen, "%s: se esperaba un objeto JSON", path);
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

static void mapping_free_op(struct mapping_op *op)
{
	free(op->soap_action);
	free(op->request);
	free(op->container);
	free(op->items);
	free(op->error);
	for (size_t i = 0; i < MF_COUNT; i++)
		free(op->fields[i]);
	free(op->date.format);
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
	free(m->endpoint_path);
	free(m->content_type);
	for (size_t i = 0; i < m->nns; i++) {
		free(m->ns[i].prefix);
		free(m->ns[i].uri);
	}
	free(m->request_date_format);
	mapping_free_table(&m->tipo_digits);
	free(m->tipo_default);
	mapping_free_table(&m->estados);
	free(m->fault_node);
	free(m->fault_code);
	free(m->fault_string);
	for (size_t i = 0; i < m->nclient; i++)
		free(m->client_codes[i]);
	for (size_t i = 0; i < m->nempty; i++)
		free(m->empty_faults[i]);
	mapping_free_op(&m->list);
	mapping_free_op(&m->info);
	classify_free(m->rules);
	if (m->c_locale != (locale_t)0)
		freelocale(m->c_locale);
	free(m);
}

const char *mapping_profile(const struct mapping *m)
{
	return m->profile;
}

int mapping_max_window_days(const struct mapping *m)
{
	return m->max_window_days;
}

const char *mapping_content_type(const struct mapping *m)
{
	return m->content_type;
}

const char *mapping_endpoint_path(const struct mapping *m)
{
	return m->endpoint_path;
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
	}
	return "unknown";
}

/* ---------------------------------------------------------------- requests */

/* Appends v XML-escaped. Refuses invalid UTF-8 and control characters (XML 1.0 cannot
 * carry most of them, and no parameter has a reason to). */
static int mapping_escape(struct buf *b, const char *v)
{
	size_t n = strlen(v);

	if (!util_utf8_valid(v, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20)
			return -1;
		switch (c) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&apos;");
			break;
		default:
			buf_append(b, &v[i], 1);
		}
	}
	return 0;
}

static int mapping_expand(const char *tpl, const char *const *names, const char *const *values,
			  size_t n, struct buf *out, char *bad, size_t badlen)
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
		if (values != NULL && mapping_escape(out, values[i]) < 0) {
			snprintf(bad, badlen, "valor no válido para {{%s}}", names[i]);
			return -1;
		}
		p = close + 2;
	}
}

/* "YYYY-MM-DD" -> the mapping's request date format. Returns 0 or -1. */
static int mapping_request_date(const struct mapping *m, const char *ymd,
				char out[MAPPING_DATE_LEN])
{
	struct tm tm;
	struct tm chk;
	int y;
	int mo;
	int d;

	if (ymd == NULL || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (ymd[i] < '0' || ymd[i] > '9'))
			return -1;
	}
	if (sscanf(ymd, "%4d-%2d-%2d", &y, &mo, &d) != 3)
		return -1;
	if (y < MAPPING_MIN_YEAR || y > MAPPING_MAX_YEAR || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	chk = tm;
	timegm(&chk);
	if (chk.tm_mday != d || chk.tm_mon != mo - 1)
		return -1; /* 2024-02-30 */
	if (strftime_l(out, MAPPING_DATE_LEN, m->request_date_format, &chk, m->c_locale) == 0)
		return -1;
	return 0;
}

static int mapping_build(const struct mapping_op *op, const char *const *names,
			 const char *const *values, size_t n, char **body, char **soap_action)
{
	char bad[MAPPING_MSG_LEN];
	struct buf b;

	buf_init(&b);
	if (mapping_expand(op->request, names, values, n, &b, bad, sizeof(bad)) < 0) {
		log_error("mapping", "no se pudo construir la petición: %s", bad);
		buf_free(&b);
		return -1;
	}
	*body = buf_steal(&b);
	*soap_action = xstrdup(op->soap_action);
	return 0;
}

int mapping_build_list_request(const struct mapping *m, const char *dependencia,
			       const char *fecha_ini, const char *fecha_fin, const char *key,
			       char **body, char **soap_action)
{
	char ini[MAPPING_DATE_LEN];
	char fin[MAPPING_DATE_LEN];
	const char *values[4];

	if (m == NULL || dependencia == NULL || key == NULL || body == NULL || soap_action == NULL)
		return -1;
	if (mapping_request_date(m, fecha_ini, ini) < 0 ||
	    mapping_request_date(m, fecha_fin, fin) < 0) {
		log_error("mapping", "fecha de ventana no válida (se espera AAAA-MM-DD)");
		return -1;
	}
	values[0] = dependencia;
	values[1] = ini;
	values[2] = fin;
	values[3] = key;
	return mapping_build(&m->list, mapping_list_params, values,
			     MAPPING_NPARAMS(mapping_list_params), body, soap_action);
}

int mapping_build_info_request(const struct mapping *m, const char *numero, const char *key,
			       char **body, char **soap_action)
{
	const char *values[2];

	if (m == NULL || numero == NULL || key == NULL || body == NULL || soap_action == NULL)
		return -1;
	values[0] = numero;
	values[1] = key;
	return mapping_build(&m->info, mapping_info_params, values,
			     MAPPING_NPARAMS(mapping_info_params), body, soap_action);
}

/* ---------------------------------------------------------------- safe XML */

/* Every external entity, DTD or XInclude libxml2 would fetch comes through here. None is
 * ever wanted: refuse, whoever asks. */
static xmlParserInputPtr mapping_refuse_entity(const char *url, const char *id,
					       xmlParserCtxtPtr ctxt)
{
	char esc[128];

	(void)id;
	(void)ctxt;
	log_warn("mapping", "entidad externa rechazada: \"%s\"",
		 log_escape(url ? url : "", 96, esc, sizeof(esc)));
	return NULL;
}

static void mapping_init_once(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(mapping_refuse_entity);
}

void mapping_global_init(void)
{
	pthread_once(&mapping_once, mapping_init_once);
}

struct mapping_parse_state {
	int doctype;
};

/* SAX internalSubset: called for any <!DOCTYPE ...>, before any declaration in it is
 * read. Stop right there. */
static void mapping_sax_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
				const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct mapping_parse_state *st = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	if (st != NULL)
		st->doctype = 1;
	xmlStopParser(ctxt);
}

void *mapping_parse_xml(const char *body, size_t len, char *err, size_t errlen)
{
	struct mapping_parse_state st = {0};
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;

	mapping_global_init();
	if (len > MAPPING_MAX_RESPONSE) {
		set_error(err, errlen, "respuesta de %zu bytes: más que el máximo de %u", len,
			  MAPPING_MAX_RESPONSE);
		return NULL;
	}
	/* PHP answers sometimes start with a stray newline before the declaration. */
	while (body != NULL && len > 0 &&
	       (*body == ' ' || *body == '\t' || *body == '\r' || *body == '\n')) {
		body++;
		len--;
	}
	if (body == NULL || len == 0) {
		set_error(err, errlen, "respuesta vacía");
		return NULL;
	}
	ctxt = xmlCreateMemoryParserCtxt(body, (int)len);
	if (ctxt == NULL) {
		set_error(err, errlen, "no se pudo crear el analizador XML");
		return NULL;
	}
	xmlCtxtUseOptions(ctxt, MAPPING_XML_OPTIONS);
	/* After xmlCtxtUseOptions, which may reset SAX handlers. */
	ctxt->_private = &st;
	ctxt->sax->internalSubset = mapping_sax_doctype;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->serror = mapping_silent_error;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (st.doctype) {
		set_error(err, errlen, "documento con DOCTYPE rechazado");
		goto fail;
	}
	if (!ctxt->wellFormed || ctxt->errNo != 0) {
		const char *why = ctxt->lastError.message ? ctxt->lastError.message : "error";

		set_error(err, errlen, "XML mal formado (línea %d): %.*s", ctxt->lastError.line,
			  (int)strcspn(why, "\n"), why);
		goto fail;
	}
	if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL ||
	    xmlDocGetRootElement(doc) == NULL) {
		set_error(err, errlen, "documento XML sin raíz o con DTD");
		goto fail;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
fail:
	if (doc != NULL)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return NULL;
}

/* ---------------------------------------------------------------- answers */

/* A per-call XPath context (answers are parsed on several threads) with the mapping's
 * prefixes bound. Expressions are compiled per call too: libxml2 caches function lookups
 * inside a compiled expression while evaluating it, so one cannot be shared. */
static xmlXPathContextPtr mapping_xpath_new(const struct mapping *m, xmlDocPtr doc)
{
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);

	if (xp == NULL)
		return NULL;
	xp->error = mapping_silent_error;
	for (size_t i = 0; i < m->nns; i++) {
		if (xmlXPathRegisterNs(xp, BAD_CAST m->ns[i].prefix, BAD_CAST m->ns[i].uri) != 0) {
			xmlXPathFreeContext(xp);
			return NULL;
		}
	}
	return xp;
}

/* Evaluates expr at node. Returns a node-set object (free with xmlXPathFreeObject), or
 * NULL when evaluation failed or gave something else. */
static xmlXPathObjectPtr mapping_nodes(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr o;

	xp->node = node;
	o = xmlXPathEval(BAD_CAST expr, xp);
	if (o != NULL && o->type != XPATH_NODESET) {
		xmlXPathFreeObject(o);
		return NULL;
	}
	return o;
}

static xmlNodePtr mapping_first(xmlXPathObjectPtr o)
{
	if (o == NULL || o->nodesetval == NULL || o->nodesetval->nodeNr == 0)
		return NULL;
	return o->nodesetval->nodeTab[0];
}

/* The string value of expr at node, trimmed of ASCII whitespace ("" when it selects
 * nothing). Returns a new string, or NULL when evaluation failed. */
static char *mapping_string(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr o;
	xmlChar *s;
	const char *b;
	size_t e;
	char *r;

	xp->node = node;
	o = xmlXPathEval(BAD_CAST expr, xp);
	if (o == NULL)
		return NULL;
	s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	if (s == NULL)
		return NULL;
	b = (const char *)s;
	while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
		b++;
	e = strlen(b);
	while (e > 0 &&
	       (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r' || b[e - 1] == '\n'))
		e--;
	r = xstrndup(b, e);
	xmlFree(s);
	return r;
}

static int mapping_is_empty_fault(const struct mapping *m, const char *faultstring)
{
	char *f = classify_fold(faultstring);
	int hit = 0;

	for (size_t i = 0; i < m->nempty && !hit; i++)
		hit = strcmp(f, m->empty_faults[i]) == 0;
	free(f);
	return hit;
}

/* "SOAP-ENV:Client", "Client" or "Client.Auth" with client code "Client": yes. */
static int mapping_is_client_code(const struct mapping *m, const char *code)
{
	const char *local = strrchr(code, ':');

	local = local ? local + 1 : code;
	for (size_t i = 0; i < m->nclient; i++) {
		size_t n = strlen(m->client_codes[i]);

		if (strncmp(local, m->client_codes[i], n) == 0 &&
		    (local[n] == '\0' || local[n] == '.'))
			return 1;
	}
	return 0;
}

/* DS_OK when the answer is no fault; else what the fault means, with err filled.
 * empty: what an empty fault means for this operation. */
static enum ds_answer mapping_check_fault(const struct mapping *m, xmlXPathContextPtr xp,
					  xmlDocPtr doc, enum ds_answer empty, char *err,
					  size_t errlen)
{
	xmlXPathObjectPtr o = mapping_nodes(xp, (xmlNodePtr)doc, m->fault_node);
	xmlNodePtr fault = mapping_first(o);
	char *code = NULL;
	char *str = NULL;
	enum ds_answer a = DS_OK;

	if (fault == NULL)
		goto done;
	code = mapping_string(xp, fault, m->fault_code);
	str = mapping_string(xp, fault, m->fault_string);
	if (code == NULL || str == NULL) {
		a = DS_MALFORMED;
		set_error(err, errlen, "falla SOAP ilegible");
	} else if (mapping_is_empty_fault(m, str)) {
		a = empty;
		set_error(err, errlen, "%s", str);
	} else {
		a = mapping_is_client_code(m, code) ? DS_FAULT_CLIENT : DS_FAULT_SERVER;
		set_error(err, errlen, "falla SOAP %s: %s", code, str);
	}
done:
	free(code);
	free(str);
	xmlXPathFreeObject(o);
	return a;
}

/* Finds the operation's container; an <error> inside it is DS_AUTH. Returns DS_OK with
 * *node set, or the meaning with err filled. */
static enum ds_answer mapping_container(const struct mapping_op *op, xmlXPathContextPtr xp,
					xmlDocPtr doc, xmlNodePtr *node, char *err, size_t errlen)
{
	xmlXPathObjectPtr o = mapping_nodes(xp, (xmlNodePtr)doc, op->container);
	xmlXPathObjectPtr e = NULL;
	enum ds_answer a = DS_OK;

	*node = mapping_first(o);
	if (*node == NULL) {
		set_error(err, errlen, "la respuesta no tiene la estructura esperada (%s)",
			  op->container);
		a = DS_MALFORMED;
		goto done;
	}
	e = mapping_nodes(xp, *node, op->error);
	if (mapping_first(e) != NULL) {
		char *text = mapping_string(xp, *node, op->error);

		set_error(err, errlen, "el sistema respondió con error: %s",
			  text && text[0] ? text : "(sin texto)");
		free(text);
		a = DS_AUTH;
	}
done:
	xmlXPathFreeObject(e);
	xmlXPathFreeObject(o);
	return a;
}

static void mapping_free_values(char *v[MF_COUNT])
{
	for (size_t i = 0; i < MF_COUNT; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

/* Reads every field the operation maps at node into v (NULL for unmapped fields).
 * Returns 0, or -1 with err filled. */
static int mapping_read_values(const struct mapping_op *op, xmlXPathContextPtr xp, xmlNodePtr node,
			       char *v[MF_COUNT], char *err, size_t errlen)
{
	for (size_t i = 0; i < MF_COUNT; i++) {
		if (op->fields[i] == NULL)
			continue;
		v[i] = mapping_string(xp, node, op->fields[i]);
		if (v[i] == NULL) {
			set_error(err, errlen, "no se pudo leer el campo %s",
				  mapping_fields[i].name);
			return -1;
		}
	}
	return 0;
}

static int mapping_check_numero(const struct mapping *m, const char *s)
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

static const char *mapping_tipo_radicado(const struct mapping *m, const char *numero)
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
static int mapping_parse_date(const struct mapping *m, const struct mapping_date *d, const char *s,
			      char out[UTIL_ISO_LEN])
{
	struct tm tm;
	struct tm chk;
	const char *p;
	int off = 0;
	int have_off = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	p = strptime_l(s, d->format, &tm, m->c_locale);
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

static int mapping_parse_folios(const char *s, int *out)
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

/* One listed item into f. Returns 0, or -1 with err naming the item. */
static int mapping_read_item(const struct mapping *m, xmlXPathContextPtr xp, xmlNodePtr item,
			     size_t index, struct filing *f, char *err, size_t errlen)
{
	char *v[MF_COUNT] = {0};
	char iso[UTIL_ISO_LEN];
	char esc[64];
	int folios;
	int rc = -1;

	if (mapping_read_values(&m->list, xp, item, v, err, errlen) < 0)
		goto done;
	if (mapping_check_numero(m, v[MF_NUMERO]) < 0) {
		set_error(err, errlen, "elemento %zu: número de radicado no válido \"%s\"",
			  index + 1, log_escape(v[MF_NUMERO], 40, esc, sizeof(esc)));
		goto done;
	}
	if (mapping_parse_date(m, &m->list.date, v[MF_FECHA], iso) < 0) {
		set_error(err, errlen, "radicado %s: fecha no válida \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FECHA], 40, esc, sizeof(esc)));
		goto done;
	}
	if (mapping_parse_folios(v[MF_FOLIOS], &folios) < 0) {
		set_error(err, errlen, "radicado %s: folios no válidos \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FOLIOS], 40, esc, sizeof(esc)));
		goto done;
	}
	filing_set(&f->numero, v[MF_NUMERO]);
	filing_set(&f->tipo_radicado, mapping_tipo_radicado(m, v[MF_NUMERO]));
	filing_set(&f->fecha_radicacion, iso);
	filing_set(&f->asunto, v[MF_ASUNTO]);
	filing_set(&f->ruta, v[MF_RUTA]);
	f->folios = folios;
	rc = 0;
done:
	mapping_free_values(v);
	return rc;
}

/* Moves every filing of from to the end of to; from is left empty. */
static void mapping_move_filings(struct filing_list *from, struct filing_list *to)
{
	for (size_t i = 0; i < from->count; i++) {
		struct filing *dst = filing_list_push(to);

		filing_free(dst);
		*dst = from->items[i];
	}
	from->count = 0;
	filing_list_free(from);
}

enum ds_answer mapping_parse_list(const struct mapping *m, const char *body, size_t len,
				  struct filing_list *out, char *err, size_t errlen)
{
	struct filing_list tmp;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xp = NULL;
	xmlXPathObjectPtr items = NULL;
	xmlNodePtr container;
	enum ds_answer a = DS_MALFORMED;

	filing_list_init(&tmp);
	set_error(err, errlen, "%s", "");
	if (m == NULL || out == NULL) {
		set_error(err, errlen, "argumentos no válidos");
		return DS_MALFORMED;
	}
	doc = mapping_parse_xml(body, len, err, errlen);
	if (doc == NULL)
		goto done;
	xp = mapping_xpath_new(m, doc);
	if (xp == NULL) {
		set_error(err, errlen, "no se pudo crear el contexto XPath");
		goto done;
	}
	a = mapping_check_fault(m, xp, doc, DS_EMPTY, err, errlen);
	if (a != DS_OK)
		goto done;
	a = mapping_container(&m->list, xp, doc, &container, err, errlen);
	if (a != DS_OK)
		goto done;
	a = DS_MALFORMED;
	items = mapping_nodes(xp, container, m->list.items);
	if (items == NULL) {
		set_error(err, errlen, "no se pudieron leer los elementos (%s)", m->list.items);
		goto done;
	}
	for (int i = 0; items->nodesetval != NULL && i < items->nodesetval->nodeNr; i++) {
		struct filing *f = filing_list_push(&tmp);

		if (mapping_read_item(m, xp, items->nodesetval->nodeTab[i], (size_t)i, f, err,
				      errlen) < 0)
			goto done;
	}
	mapping_move_filings(&tmp, out);
	a = DS_OK;
done:
	filing_list_free(&tmp);
	xmlXPathFreeObject(items);
	if (xp != NULL)
		xmlXPathFreeContext(xp);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return a;
}

/* Checks the detail values against f and the mapping; fills *estado, iso (when f has no
 * date) and *folios (-1: keep f's). Returns DS_OK or the meaning with err filled. */
static enum ds_answer mapping_check_info(const struct mapping *m, const struct filing *f,
					 char *v[MF_COUNT], const char **estado,
					 char iso[UTIL_ISO_LEN], int *folios, char *err,
					 size_t errlen)
{
	char esc[64];

	if (v[MF_NUMERO][0] == '\0') {
		set_error(err, errlen, "el sistema no conoce el radicado %s",
			  f->numero[0] ? f->numero : "pedido");
		return DS_NOT_FOUND;
	}
	if (mapping_check_numero(m, v[MF_NUMERO]) < 0) {
		set_error(err, errlen, "número de radicado no válido \"%s\"",
			  log_escape(v[MF_NUMERO], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	if (f->numero[0] != '\0' && strcmp(f->numero, v[MF_NUMERO]) != 0) {
		set_error(err, errlen, "se pidió el radicado %s y el detalle es del %s", f->numero,
			  v[MF_NUMERO]);
		return DS_MALFORMED;
	}
	*estado = mapping_table_get(&m->estados, v[MF_ESTADO]);
	if (*estado == NULL) {
		set_error(err, errlen, "radicado %s: código de anulación desconocido \"%s\"",
			  v[MF_NUMERO], log_escape(v[MF_ESTADO], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	iso[0] = '\0';
	if (f->fecha_radicacion[0] == '\0' &&
	    mapping_parse_date(m, &m->info.date, v[MF_FECHA], iso) < 0) {
		set_error(err, errlen, "radicado %s: fecha no válida \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FECHA], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	*folios = -1;
	if (f->folios == 0 && v[MF_FOLIOS] != NULL &&
	    mapping_parse_folios(v[MF_FOLIOS], folios) < 0) {
		set_error(err, errlen, "radicado %s: folios no válidos \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FOLIOS], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	return DS_OK;
}

enum ds_answer mapping_parse_info(const struct mapping *m, const char *body, size_t len,
				  struct filing *f, char *err, size_t errlen)
{
	char *v[MF_COUNT] = {0};
	char iso[UTIL_ISO_LEN];
	const char *estado = NULL;
	int folios = -1;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr xp = NULL;
	xmlNodePtr record;
	enum ds_answer a = DS_MALFORMED;

	set_error(err, errlen, "%s", "");
	if (m == NULL || f == NULL) {
		set_error(err, errlen, "argumentos no válidos");
		return DS_MALFORMED;
	}
	doc = mapping_parse_xml(body, len, err, errlen);
	if (doc == NULL)
		goto done;
	xp = mapping_xpath_new(m, doc);
	if (xp == NULL) {
		set_error(err, errlen, "no se pudo crear el contexto XPath");
		goto done;
	}
	a = mapping_check_fault(m, xp, doc, DS_NOT_FOUND, err, errlen);
	if (a != DS_OK)
		goto done;
	a = mapping_container(&m->info, xp, doc, &record, err, errlen);
	if (a != DS_OK)
		goto done;
	a = DS_MALFORMED;
	if (mapping_read_values(&m->info, xp, record, v, err, errlen) < 0)
		goto done;
	a = mapping_check_info(m, f, v, &estado, iso, &folios, err, errlen);
	if (a != DS_OK)
		goto done;
	if (f->numero[0] == '\0')
		filing_set(&f->numero, v[MF_NUMERO]);
	if (f->tipo_radicado[0] == '\0')
		filing_set(&f->tipo_radicado, mapping_tipo_radicado(m, f->numero));
	if (f->fecha_radicacion[0] == '\0')
		filing_set(&f->fecha_radicacion, iso);
	if (f->asunto[0] == '\0')
		filing_set(&f->asunto, v[MF_ASUNTO]);
	if (f->ruta[0] == '\0')
		filing_set(&f->ruta, v[MF_RUTA]);
	if (folios >= 0)
		f->folios = folios;
	filing_set(&f->dependencia_origen, v[MF_DEP_ORIGEN]);
	filing_set(&f->dependencia_origen_nombre, v[MF_DEP_ORIGEN_NOMBRE]);
	filing_set(&f->dependencia_actual, v[MF_DEP_ACTUAL]);
	filing_set(&f->remitente, v[MF_REMITENTE]);
	filing_set(&f->tipo_documental, v[MF_TIPO_DOC]);
	filing_set(&f->estado_ds, estado);
	f->has_detail = 1;
done:
	mapping_free_values(v);
	if (xp != NULL)
		xmlXPathFreeContext(xp);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return a;
}

const char *mapping_classify(const struct mapping *m, const struct filing *f)
{
	return classify_tipo_tramite(m ? m->rules : NULL, f ? f->tipo_documental : NULL,
				     f ? f->asunto : NULL);
}
