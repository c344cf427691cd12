/* mapping_json_int.h -- the format-json part of a mapping as the loader leaves it: compiled
 * JSON Pointers, parsed request templates, paging, answers and error rules. Private to
 * mapping_json.c (loading), mapping_jpointer.c (pointers, values), mapping_json_build.c
 * (requests) and mapping_json_read.c (answers). */
#ifndef SEGCONT_MAPPING_JSON_INT_H
#define SEGCONT_MAPPING_JSON_INT_H

#include <jansson.h>
#include <stddef.h>

#include "mapping_int.h"

#define MJ_MAX_ALTERNATIVES 8   /* pointers of one field */
#define MJ_MAX_SEGMENTS 32      /* reference tokens of one pointer */
#define MJ_MAX_POINTER 1024     /* bytes of one pointer */
#define MJ_MAX_PARAMS 32        /* entries of query, form, headers */
#define MJ_MAX_RULES 32         /* error rules */
#define MJ_MAX_VALUES 32        /* values of one filter, equals or status list */
#define MJ_MAX_FILTERS 8        /* pointers of one filter */
#define MJ_MAX_CHANGE_TYPES 16  /* entries of change_types */
#define MJ_MAX_PAGE_SIZE 10000  /* paging.page_size */
#define MJ_MAX_PAGES 1000000    /* paging.max_pages */
#define MJ_DEFAULT_MAX_PAGES 10000
#define MJ_DEFAULT_PAGE_SIZE 100
#define MJ_MAX_NEXT 8192        /* bytes of a next link or token read from an answer */
#define MJ_MAX_MESSAGE 300      /* bytes of a server's error message kept for the log */
#define MJ_MAX_BUILT 65536      /* bytes of one expanded URL, header or body value */

/* One JSON Pointer: its reference tokens, unescaped ("~1" is '/', "~0" is '~'); a token
 * that is exactly "*" matches every element of an array or member of an object. */
struct mj_pointer {
	char *text; /* as written, for messages */
	char **seg;
	unsigned char *wild;
	size_t nseg;
};

/* Alternatives tried in order: the first present and not null wins. */
struct mj_pointers {
	struct mj_pointer *p;
	size_t n;
};

/* The variables of request templates (mj_var_names gives their names). */
enum mj_var {
	MJV_URL,
	MJV_ORIGEN,
	MJV_DEPENDENCIA,
	MJV_USER,
	MJV_KEY,
	MJV_DESDE,
	MJV_HASTA,
	MJV_DESDE_INICIO,
	MJV_HASTA_FIN,
	MJV_TOKEN,
	MJV_NUMERO,
	MJV_OFFSET,
	MJV_LIMIT,
	MJV_PAGE,
	MJV_COUNT
};
#define MJV_BIT(v) (1u << (v))
extern const char *const mj_var_names[MJV_COUNT];

/* What a value goes through before it is placed (cmis: a CMIS SQL text literal's
 * backslashes; sql: doubled quotes; number: a JSON number in json_body). */
enum mj_filter { MJF_NONE, MJF_CMIS, MJF_SQL, MJF_NUMBER };

/* Where a template is expanded: it decides the escaping and which filters may appear. */
enum mj_context { MJX_URL, MJX_QUERY, MJX_HEADER, MJX_JSON };

struct mj_part {
	char *lit; /* literal text, or NULL for a variable */
	enum mj_var var;
	enum mj_filter filter;
};
struct mj_template {
	struct mj_part *parts;
	size_t n;
};
struct mj_param {
	char *name;
	struct mj_template value;
	int only_var; /* the template is exactly one variable: left out when it has no value */
};
struct mj_params {
	struct mj_param *e;
	size_t n;
};

/* One filter pointer and the values (a JSON array of scalars) it may equal. */
struct mj_match {
	struct mj_pointer ptr;
	json_t *values;
};

enum mj_change { MJC_UPSERT, MJC_DELETE, MJC_IGNORE };
struct mj_change_type {
	char *name;
	enum mj_change what;
};

enum mj_date_kind { MJD_ISO8601, MJD_EPOCH_MS, MJD_STRPTIME };

struct mj_request {
	int present;
	int post;
	struct mj_template url;
	struct mj_params query;
	struct mj_params form;
	struct mj_params headers;
	json_t *json_body; /* its strings are templates; NULL when none */
	struct mapping_paging paging;
	struct mj_pointers has_more;
	struct mj_pointers total;
	struct mj_pointers next;
	struct mj_pointers items;
	struct mj_match *filters;
	size_t nfilters;
	struct mj_pointers fields[MAPPING_NFIELDS];
	struct mj_pointers tipo_radicado; /* a code looked up in tipo_radicado.digits */
	struct mj_pointers change_type;
	struct mj_change_type *changes;
	size_t nchanges;
	struct mj_pointers token;
	int complete;
	enum mj_date_kind date_kind;
	struct mapping_date date; /* strptime; for iso8601 the engine's own formats */
};

struct mj_rule {
	long status[MJ_MAX_VALUES];
	size_t nstatus;
	int has_pointer;
	struct mj_pointer pointer;
	json_t *equals;	   /* an array of scalars, or NULL: present and not null */
	unsigned requests; /* a bit per enum mapping_request; 0: every request */
	enum ds_answer means;
};

struct mapping_json {
	char *request_date_format;
	char *multi_separator;
	char *accept;
	enum mapping_auth_kind auth_kind;
	char *auth_header;
	char *auth_prefix;
	char *token_url; /* a template of {{url}} {{origen}} {{dependencia}} {{user}} */
	char *scope;
	int client_auth_form;
	struct mj_request req[MAPPING_REQUEST_COUNT];
	struct mj_pointers message;
	struct mj_rule *rules;
	size_t nrules;
};

/* ---- pointers and values (mapping_jpointer.c) */
/* Compiles text (MJ_MAX_POINTER bytes, "" or starting with '/'). 0, or -1 with why in bad. */
int mj_pointer_compile(const char *text, struct mj_pointer *out, char *bad, size_t badlen);
void mj_pointer_free(struct mj_pointer *p);
void mj_pointers_free(struct mj_pointers *ps);
/* Appends every match of p in doc to *out (borrowed; *out grows, the caller frees it). */
void mj_pointer_all(const struct mj_pointer *p, json_t *doc, json_t ***out, size_t *n,
		    size_t *cap);
/* The first match of p in doc (borrowed), or NULL. */
json_t *mj_pointer_first(const struct mj_pointer *p, json_t *doc);
/* The first alternative whose first match is present and not null (borrowed), or NULL. */
json_t *mj_pointers_get(const struct mj_pointers *ps, json_t *doc);
/* A scalar or an array of strings as text: a new string in *out (NULL for null). Numbers
 * integral are written as integers, others with %.17g; booleans true/false; arrays of
 * strings joined with sep. Returns 0, or -1 with why in bad (an object, a list of other
 * things). */
int mj_value_text(const json_t *v, const char *sep, char **out, char *bad, size_t badlen);
/* 1 when v (a scalar) equals one of the scalars of the array want, compared as text. */
int mj_value_in(const json_t *v, const json_t *want);

/* ---- templates (mapping_json_build.c) */
/* Parses text: {{name}} or {{name|filter}}, names among the bits of allowed; number only
 * where ctx is MJX_JSON and the variable is the whole template. 0, or -1 with why in bad. */
int mj_template_parse(const char *text, unsigned allowed, enum mj_context ctx,
		      struct mj_template *out, char *bad, size_t badlen);
void mj_template_free(struct mj_template *t);
void mj_params_free(struct mj_params *p);

#endif
