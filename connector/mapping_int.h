/* mapping_int.h -- what the parts of the mapping module share: struct mapping, the loader's
 * helpers (errors naming the file and key), and the value checks every answer format uses.
 * Private to mapping*.c. */
#ifndef SEGCONT_MAPPING_INT_H
#define SEGCONT_MAPPING_INT_H

#include <jansson.h>
#include <locale.h>
#include <regex.h>
#include <stddef.h>

#include "mapping.h"
#include "util.h"

#define MAPPING_MAX_NAMESPACES 32
#define MAPPING_MAX_CODES 64	      /* entries of one code table */
#define MAPPING_MAX_DEPENDENCIAS 2048 /* entries of the dependencias table */
#define MAPPING_MAX_STRINGS 32	      /* entries of empty_faults, client_codes */
#define MAPPING_MAX_TEMPLATE 65536    /* bytes of one request template or SQL query */
#define MAPPING_MAX_XPATH 1024	      /* bytes of one XPath */
#define MAPPING_MAX_TEXT 256	      /* bytes of a name, URI, code or format */
#define MAPPING_MAX_WINDOW_DAYS 3660  /* upper bound accepted for max_window_days */
#define MAPPING_MAX_NUMERO 32	      /* upper bound accepted for numero.max_digits */
#define MAPPING_MAX_FOLIOS 1000000L
#define MAPPING_MAX_DATE_FORMATS 4
#define MAPPING_MAX_OVERLAP_MIN (7 * 24 * 60)
#define MAPPING_MIN_YEAR 1900
#define MAPPING_MAX_YEAR 9999
#define MAPPING_MAX_OFFSET_MIN (14 * 60)
#define MAPPING_DATE_LEN 64 /* one formatted request date */
#define MAPPING_KEY_LEN 128 /* a dotted key name in a message */
#define MAPPING_MSG_LEN 512 /* one message before the file name is added */

enum mapping_need { MN_NO = 0, MN_OPTIONAL, MN_REQUIRED };

/* The filing fields, in enum mapping_field order (mapping.h), and whether the XML list and
 * detail operations need them. */
struct mapping_field_spec {
	const char *name;
	enum mapping_need list;
	enum mapping_need info;
};
extern const struct mapping_field_spec mapping_fields[MAPPING_NFIELDS];

/* What a field's value may be: how many bytes, and digits only or any text without control
 * characters (tab, CR and LF allowed). */
enum mapping_limit_kind { ML_TEXT, ML_DIGITS };
struct mapping_limit {
	enum mapping_limit_kind kind;
	size_t max_bytes;
};

#define MAPPING_MAX_LIMIT_BYTES (64 * 1024)
/* The limits of the text fields when a mapping's "limits" says nothing else
 * (mapping_values.c); mapping_limited(f) is 1 for the fields that have one. */
extern const struct mapping_limit mapping_default_limits[MAPPING_NFIELDS];
int mapping_limited(int f);

struct mapping_date {
	char *formats[MAPPING_MAX_DATE_FORMATS]; /* strptime(3), C locale, tried in order */
	size_t nformats;
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

/* One SOAP operation (format xml). */
struct mapping_op {
	char *soap_action;
	char *request;	 /* template, lines joined */
	char *container; /* absolute XPath */
	char *items;	 /* list: relative to container */
	char *error;	 /* relative to container */
	char *fields[MAPPING_NFIELDS];
	struct mapping_date date;
};

struct mapping_ns {
	char *prefix;
	char *uri;
};

/* One SQL query (format sql): the text with {{name}} turned into $1..$n. */
struct mapping_query {
	char *sql;
	char *params[MAPPING_SQL_MAX_PARAMS]; /* the name of $1, $2... */
	size_t nparams;
};

struct mapping {
	char *profile;
	enum mapping_format format;
	enum mapping_cursor cursor;
	int overlap_minutes;
	int tz_minutes;
	char tz_text[8];     /* "-05:00" */
	int max_window_days; /* 0: no limit */
	int numero_min;	     /* digits only, this many to numero_max... */
	int numero_max;
	int numero_regex_set; /* ...or a pattern (numero.pattern), at most numero_max bytes */
	regex_t numero_regex;
	struct mapping_table tipo_digits;
	char *tipo_default;
	struct mapping_table estados;
	struct mapping_table dependencias; /* area code -> name, when answers lack names */
	int decode_html[MAPPING_NFIELDS];  /* fields whose HTML entities are decoded */
	struct mapping_limit
	    limits[MAPPING_NFIELDS]; /* of the text fields (not numero, fecha, folios) */
	struct classify_rules *rules;
	char *imagen_url; /* the viewer's URL template with {numero}, or NULL */
	locale_t c_locale;
	/* format xml */
	char *endpoint_path;
	char *content_type;
	struct mapping_ns ns[MAPPING_MAX_NAMESPACES];
	size_t nns;
	char *request_date_format;
	char *fault_node;
	char *fault_code;
	char *fault_string;
	char *client_codes[MAPPING_MAX_STRINGS];
	size_t nclient;
	char *empty_faults[MAPPING_MAX_STRINGS]; /* folded, trailing punctuation dropped */
	size_t nempty;
	struct mapping_op list;
	struct mapping_op info;
	/* format sql */
	char *session_timezone;
	int statement_timeout_s;
	struct mapping_date sql_date;
	struct mapping_query queries[MAPPING_QUERY_COUNT];
	/* format json (mapping_json_int.h) */
	struct mapping_json *json;
};

/* ---- loading (mapping.c): every failure fills ld->err as "file: key: message". */
struct mapping_loader {
	const char *file;
	char *err;
	size_t errlen;
};

int mapping_fail(struct mapping_loader *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* out (MAPPING_KEY_LEN bytes) = "path.key", or "key" when path is "". */
void mapping_key(char *out, const char *path, const char *key);
/* Refuses keys of obj not in allowed (NULL-terminated); keys starting with '_' are comments. */
int mapping_check_keys(struct mapping_loader *ld, const json_t *obj, const char *path,
		       const char *const *allowed);
/* obj.key as an object / a new string / a non-empty new string / an int in [min, max] / a
 * boolean (missing: false) / a list of at most MAPPING_MAX_STRINGS non-empty strings. A
 * missing optional key leaves *out as it was (NULL for objects). 0 or -1. */
int mapping_get_object(struct mapping_loader *ld, const json_t *obj, const char *path,
		       const char *key, int required, json_t **out);
int mapping_get_string(struct mapping_loader *ld, const json_t *obj, const char *path,
		       const char *key, int required, size_t maxlen, char **out);
int mapping_get_text(struct mapping_loader *ld, const json_t *obj, const char *path,
		     const char *key, size_t maxlen, char **out);
int mapping_get_int(struct mapping_loader *ld, const json_t *obj, const char *path, const char *key,
		    int min, int max, int *out);
int mapping_get_bool(struct mapping_loader *ld, const json_t *obj, const char *path,
		     const char *key, int *out);
int mapping_get_strings(struct mapping_loader *ld, const json_t *obj, const char *path,
			const char *key, char **out, size_t *n);
/* Reads "path.date_format" ({"strptime": "…" or ["…", …], "optional_fraction",
 * "optional_utc_offset"}) of obj into d. 0 or -1. */
int mapping_load_date(struct mapping_loader *ld, const json_t *obj, const char *path,
		      struct mapping_date *d);
void mapping_free_date(struct mapping_date *d);
/* 0 when f is a strptime/strftime format of the allowed conversions (%d %m %Y %H %I %M %S %p
 * %%) with day, month and year; else -1 with why in bad. */
int mapping_check_date_format(const char *f, char *bad, size_t badlen);
/* Copies tpl into out, replacing each {{name}} (one of names[0..n)) by what put writes for
 * value i (values NULL: only check the names). Returns 0, or -1 with why in bad (never a
 * value: the key is secret). put returns 0 or -1 (value refused). */
int mapping_expand(const char *tpl, const char *const *names, size_t n,
		   int (*put)(struct buf *out, size_t i, void *arg), void *arg, struct buf *out,
		   char *bad, size_t badlen);
/* A template given as a string or a list of lines (each ended by a newline) into a new
 * string of at most MAPPING_MAX_TEMPLATE bytes. 0 or -1. */
int mapping_get_template(struct mapping_loader *ld, const json_t *obj, const char *path,
			 const char *key, char **out);

/* The format-specific parts of the file, after the common ones are loaded. 0 or -1. */
int mapping_xml_load(struct mapping_loader *ld, struct mapping *m, const json_t *root);
int mapping_sql_load(struct mapping_loader *ld, struct mapping *m, const json_t *root);
int mapping_json_load(struct mapping_loader *ld, struct mapping *m, const json_t *root);
void mapping_xml_free(struct mapping *m);
void mapping_sql_free(struct mapping *m);
void mapping_json_free(struct mapping *m);
/* The top-level keys each format adds to the common ones (NULL-terminated). */
extern const char *const mapping_xml_keys[];
extern const char *const mapping_sql_keys[];
extern const char *const mapping_json_keys[];

/* ---- XML (mapping_xml.c) helpers the safe parser shares */
struct _xmlError;
/* libxml2's structured-error sink that says nothing (errors are read from the context). */
void mapping_silent_error(void *data, struct _xmlError *error);
/* 1 for a character of an XML name (letters, digits, _ - .). */
int mapping_name_char(char c);

/* ---- values (mapping_values.c) */
const char *mapping_table_get(const struct mapping_table *t, const char *code);
/* 0 when s is a radicado number as the mapping defines it, else -1. */
int mapping_check_numero(const struct mapping *m, const char *s);
const char *mapping_tipo_radicado(const struct mapping *m, const char *numero);
/* Reads a date written as d says and writes it as ISO 8601 in the mapping's offset. 0/-1. */
int mapping_parse_date(const struct mapping *m, const struct mapping_date *d, const char *s,
		       char out[UTIL_ISO_LEN]);
/* "" -> 0; digits up to MAPPING_MAX_FOLIOS. 0 or -1. */
int mapping_parse_folios(const char *s, int *out);
/* Sets field i of f from value: HTML entities decoded when the mapping asks, and the
 * dependency name taken from the dependencias table when the answer gives none. */
void mapping_set_field(const struct mapping *m, struct filing *f, enum mapping_field i,
		       const char *value);
/* Where text field i lives in f (NULL for folios and out-of-range values). Borrowed. */
char **mapping_filing_field(struct filing *f, enum mapping_field i);
/* Fills f's dependencia_origen_nombre from the dependencias table when it is empty. */
void mapping_name_dependency(const struct mapping *m, struct filing *f);
/* 0 when every text field of f keeps its limits; else -1 with err naming the field and the
 * limit (never the value: it may be huge or hostile). */
int mapping_check_limits(const struct mapping *m, const struct filing *f, char *err, size_t errlen);

/* Moves every filing of from to the end of to; from is left empty. */
void mapping_move_filings(struct filing_list *from, struct filing_list *to);

#endif
