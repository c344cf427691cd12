/* mapping.h -- a document system's profile loaded from a mappings/ JSON file: how to build
 * its requests and how to extract filings from its answers (format xml: SOAP answers read
 * with XPath, safely; format sql: the queries a database profile runs and how its rows
 * become filings; format json: HTTP requests built from templates and JSON answers read
 * with JSON Pointers). */
#ifndef SEGCONT_MAPPING_H
#define SEGCONT_MAPPING_H

#include <stddef.h>

#include "filing.h"

#define MAPPING_MAX_RESPONSE (16u * 1024u * 1024u) /* bytes; larger answers are refused */

/* What an answer meant. Callers branch on it. */
enum ds_answer {
	DS_OK = 0,	 /* parsed; for a list, count may be 0 */
	DS_EMPTY,	 /* the "no records" fault: an empty list, not an error */
	DS_NOT_FOUND,	 /* detail of an unknown number */
	DS_AUTH,	 /* wrong key (<error> answer): a configuration error, do not retry */
	DS_FAULT_CLIENT, /* a SOAP Client fault (e.g. range too long): our request is wrong */
	DS_FAULT_SERVER, /* any other SOAP fault: transient, retry */
	DS_MALFORMED,	 /* not XML, truncated, HTML page, DOCTYPE, missing structure: retry */
	DS_REFUSED,	 /* one filing breaks the mapping's field limits: left out, logged */
	DS_TOKEN_EXPIRED /* the change token is no longer kept by the system */
};
const char *ds_answer_name(enum ds_answer a);

/* How the profile reaches the system. */
enum mapping_format {
	MAPPING_FORMAT_XML, /* SOAP over HTTP (orfeo-soap) */
	MAPPING_FORMAT_SQL, /* the system's database, read-only (orfeo-sql) */
	MAPPING_FORMAT_JSON /* HTTP answering JSON: REST services, CMIS browser binding */
};

/* What sync pages by (the stored cursor's kind). */
enum mapping_cursor {
	MAPPING_CURSOR_FECHA,	 /* a filing date, YYYY-MM-DD: windows of filing days */
	MAPPING_CURSOR_INSTANTE, /* an arrival instant, ISO 8601 with offset */
	MAPPING_CURSOR_TOKEN	 /* an opaque change token */
};
/* "fecha", "instante", "token" (static); parse gives the kind of a name, or -1. */
const char *mapping_cursor_name(enum mapping_cursor c);
int mapping_cursor_parse(const char *name);

/* The filing fields a mapping can point at, in struct filing's terms. */
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
	MF_TIPO_DOC_NOMBRE,
	MF_ESTADO,
	MF_ID_SGD, /* "id_sgd": the system's own object id (CMIS cmis:objectId), may be "" */
	MAPPING_NFIELDS
};
/* The field's name ("numero", "fecha_radicacion"...; static), and the field of a name or -1. */
const char *mapping_field_name(enum mapping_field f);
int mapping_field_index(const char *name);

#define MAPPING_SQL_MAX_PARAMS 8 /* distinct placeholders of one query */

/* The queries of a format-sql profile. */
enum mapping_query_kind {
	MQ_LIST,	    /* filings with an event in an arrival-time window (sync) */
	MQ_LIST_BY_DATE,    /* filings of the office filed in a date window (reconciliation) */
	MQ_INFO,	    /* the filings of a list of numbers */
	MQ_DOCUMENT_TYPES,  /* code, nombre of every document type (check-ds) */
	MQ_WRITE_PRIVILEGE, /* one boolean: the role may write (check-ds) */
	MQ_ARRIVAL_INDEX,   /* one boolean: an index helps the list query (check-ds) */
	MAPPING_QUERY_COUNT
};

struct mapping;

/* Loads and validates a mapping file. Returns a new mapping (free with mapping_free)
 * or NULL with a message naming the file in err. */
struct mapping *mapping_load(const char *path, char *err, size_t errlen);
void mapping_free(struct mapping *m);
/* The two steps of mapping_load, for check-mapping: reads path as JSON with its "base"
 * files merged in (a new reference: json_decref; NULL with err naming the file), and
 * loads a mapping from such an object, messages naming file (root is only read). */
struct json_t;
struct json_t *mapping_read_file(const char *path, char *err, size_t errlen);
struct mapping *mapping_load_object(const char *file, const struct json_t *root, char *err,
				    size_t errlen);

/* The link to the document system's viewer of filing numero: the mapping's "imagen_url"
 * template (http or https) with each {numero} replaced by numero percent-encoded (all but
 * A-Z a-z 0-9 - . _ ~). Returns a new string (the caller frees it), or NULL when the mapping
 * has no template. */
char *mapping_imagen_url(const struct mapping *m, const char *numero);

/* The profile name ("orfeo-soap"). Borrowed. */
const char *mapping_profile(const struct mapping *m);
enum mapping_format mapping_format(const struct mapping *m);
enum mapping_cursor mapping_cursor_kind(const struct mapping *m);
/* Minutes each pass re-reads before an instant cursor (0 for other kinds). */
int mapping_overlap_minutes(const struct mapping *m);
/* Maximum days of one list window (31 for Orfeo's SOAP); 0 means no limit. */
int mapping_max_window_days(const struct mapping *m);
/* The UTC offset of the system's wall-clock times, "-05:00". Borrowed. */
const char *mapping_timezone_offset(const struct mapping *m);
/* Content-Type header of every request ("text/xml; charset=UTF-8"). Borrowed. */
const char *mapping_content_type(const struct mapping *m);
/* The service's path ("/webServices/servidor.php"), for checking the configured URL.
 * Borrowed. */
const char *mapping_endpoint_path(const struct mapping *m);

/* format sql: the session's TimeZone ("America/Bogota") and statement_timeout in seconds. */
const char *mapping_sql_timezone(const struct mapping *m);
int mapping_sql_statement_timeout(const struct mapping *m);
/* format sql: query q with its parameters' names ($1 is names[0]). Returns 0, or -1 when
 * the mapping has no such query (the optional diagnostics). Everything borrowed. */
int mapping_sql_query(const struct mapping *m, enum mapping_query_kind q, const char **sql,
		      const char *const **names, size_t *nparams);
/* format sql: one result row into f (initialised by the caller). values[i] is the value of
 * field i, or NULL when the query has no such column (SQL NULL arrives as ""). Rows carry
 * every field: f->has_detail is set. Returns DS_OK, or DS_MALFORMED with err naming the
 * field (a bad number, date, folios or annulment code). */
/* (A row breaking the field limits is DS_REFUSED, err naming the field.) */
enum ds_answer mapping_sql_row(const struct mapping *m, const char *const values[MAPPING_NFIELDS],
			       struct filing *f, char *err, size_t errlen);

/* Builds a request. Dates are "YYYY-MM-DD". Returns 0 or -1. On success *body is a new
 * string (caller frees) and *soap_action a new string (caller frees; may be "").
 * Values are XML-escaped into the template. */
int mapping_build_list_request(const struct mapping *m, const char *dependencia,
			       const char *fecha_ini, const char *fecha_fin, const char *key,
			       char **body, char **soap_action);
int mapping_build_info_request(const struct mapping *m, const char *numero, const char *key,
			       char **body, char **soap_action);

/* What the XML reader noticed about one answer, for check-ds. */
struct mapping_answer_info {
	char encoding[32]; /* the encoding the bytes were read in: UTF-8, WINDOWS-1252... */
	int declaration;   /* the answer had an XML declaration */
	int stray_prefix;  /* whitespace before the root element */
	int repaired_end;  /* the envelope's final '>' was missing and was put back */
};

/* As mapping_parse_list and mapping_parse_info, for an answer whose HTTP Content-Type named
 * charset (NULL when none); info (may be NULL) receives what was noticed. */
enum ds_answer mapping_read_list(const struct mapping *m, const char *body, size_t len,
				 const char *charset, struct filing_list *out,
				 struct mapping_answer_info *info, char *err, size_t errlen);
enum ds_answer mapping_read_info(const struct mapping *m, const char *body, size_t len,
				 const char *charset, struct filing *f,
				 struct mapping_answer_info *info, char *err, size_t errlen);

/* Parses a list answer (any HTTP status: SOAP faults come with 500). Appends filings to out
 * (without detail fields). Returns the meaning; on anything but DS_OK/DS_EMPTY, err says
 * what was wrong (fault string, parser message) and out is left as it was. */
enum ds_answer mapping_parse_list(const struct mapping *m, const char *body, size_t len,
				  struct filing_list *out, char *err, size_t errlen);
/* Parses a detail answer and completes f (which already holds the listed fields) with
 * the detail fields; sets f->has_detail. Same return and err rules. */
enum ds_answer mapping_parse_info(const struct mapping *m, const char *body, size_t len,
				  struct filing *f, char *err, size_t errlen);

/* 0 when s is a radicado number as the mapping's "numero" defines it (digits min_digits to
 * max_digits, or numero.pattern within max_length), else -1. Never fails otherwise. */
int mapping_check_numero(const struct mapping *m, const char *s);
/* What such a number looks like, in Spanish for a person ("de 14 a 16 dígitos"), into out
 * (outlen bytes; cut when short). Returns out. */
const char *mapping_numero_rule(const struct mapping *m, char *out, size_t outlen);

/* Decides tipo_tramite of a filing with the mapping's classify rules. Borrowed string. */
const char *mapping_classify(const struct mapping *m, const struct filing *f);
/* The tipo_tramite the classify keywords give text (static), or NULL when none matches;
 * and the number of entries of classify.document_types (0 as shipped). */
const char *mapping_classify_text(const struct mapping *m, const char *text);
size_t mapping_classify_codes(const struct mapping *m);

/* Parses XML from memory with DESIGN.md's rules: no network, no entity expansion, no DTD
 * loading, any DOCTYPE refused, size capped. Returns a document (free with xmlFreeDoc)
 * or NULL with err filled. Shared with reconcile and tests. Call mapping_global_init()
 * once before threads start. */
void mapping_global_init(void);
void *mapping_parse_xml(const char *body, size_t len, char *err, size_t errlen);
/* Same, for bytes whose HTTP charset was charset (NULL: none). The bytes are turned into
 * UTF-8 first: the XML declaration's encoding when there is one, else UTF-8 when they are
 * valid UTF-8, else the HTTP charset; ISO-8859-1 is read as its superset WINDOWS-1252, and
 * bytes invalid in the chosen encoding are read as WINDOWS-1252. A leading run of
 * whitespace is skipped and, when there was one, an envelope that lost its final '>' is
 * completed (a PHP include's stray newline shifts the body past Content-Length). info may
 * be NULL. */
void *mapping_parse_xml_from(const char *body, size_t len, const char *charset,
			     struct mapping_answer_info *info, char *err, size_t errlen);

/* ---------------------------------------------------------------- format json */

/* The requests a format-json profile may describe. */
enum mapping_request {
	MR_LIST,	 /* filings of the office filed in [desde, hasta] (days) */
	MR_MODIFIED,	 /* filings modified in [desde, hasta) (instants) */
	MR_CHANGES,	 /* the change log from {{token}} */
	MR_LATEST_TOKEN, /* the repository's current change token */
	MR_INFO,	 /* one filing by {{numero}} */
	MAPPING_REQUEST_COUNT
};
/* "list", "modified", "changes", "latest_token", "info" (static; "" when out of range). */
const char *mapping_request_name(enum mapping_request r);
/* 1 when the mapping is format json and describes request r, else 0. */
int mapping_has_request(const struct mapping *m, enum mapping_request r);
/* 1 when request r of the mapping reads field f from its answers (format json: r's
 * answer.fields; format xml: MR_LIST the list operation, MR_INFO the info one), 0 when it
 * does not, -1 when the format does not say (sql: the query's columns decide). */
int mapping_maps_field(const struct mapping *m, enum mapping_request r, enum mapping_field f);

enum mapping_auth_kind { MA_NONE, MA_BASIC, MA_BEARER, MA_OAUTH2 };
struct mapping_auth { /* borrowed from the mapping */
	enum mapping_auth_kind kind;
	const char *header, *prefix; /* bearer: "Authorization", "Bearer " by default */
	const char *token_url;	     /* oauth2 template ({{origen}}) */
	const char *scope;	     /* oauth2, may be NULL */
	int client_auth_form;	     /* oauth2: client id and secret in the form, not Basic */
};
/* The profile's authentication (MA_NONE for other formats). Cannot fail. */
void mapping_json_auth(const struct mapping *m, struct mapping_auth *out);

enum mapping_paging_kind { MP_NONE, MP_OFFSET, MP_PAGE, MP_NEXT_LINK, MP_TOKEN };
struct mapping_paging {
	enum mapping_paging_kind kind;
	long page_size, first_page, max_pages;
	int repeats_last;
};
/* Request r's paging (kind MP_NONE, max_pages 1 when it has none). Cannot fail. */
void mapping_json_paging(const struct mapping *m, enum mapping_request r, struct mapping_paging *out);
/* 1 when request r's items carry every field (no info call needed), else 0. */
int mapping_json_complete(const struct mapping *m, enum mapping_request r);
/* The Accept header value of every request ("application/json"). Borrowed. */
const char *mapping_json_accept(const struct mapping *m);

struct mapping_vars { /* NULL/-1 when not given */
	const char *url, *user, *key, *dependencia;
	const char *desde, *hasta; /* list: YYYY-MM-DD; modified: ISO 8601 instants */
	const char *token, *numero;
	long offset, limit, page;
};
/* All NULL and -1. */
void mapping_vars_init(struct mapping_vars *v);

struct mapping_header {
	char *name;
	char *value;
};
struct mapping_http_request {
	char *method; /* "GET" or "POST" */
	char *url;    /* complete */
	struct mapping_header *headers; /* the mapping's; not auth, not Accept */
	size_t nheaders;
	char *body; /* NULL when none */
	size_t body_len;
	const char *content_type; /* of the body (static), NULL when none */
};
/* Builds request r from the mapping's templates and v. next_url: for next_link paging after
 * the first page, the link to follow instead of the template (absolute, or relative to
 * v->url; another origin than v->url's is refused). Returns 0 with out filled (free with
 * mapping_http_request_free), or -1 with err saying why (never a secret's value). */
int mapping_json_build(const struct mapping *m, enum mapping_request r,
		       const struct mapping_vars *v, const char *next_url,
		       struct mapping_http_request *out, char *err, size_t errlen);
/* Frees what mapping_json_build filled, wiping the url, the headers and the body (they may
 * carry the key). rq may be all zero. */
void mapping_http_request_free(struct mapping_http_request *rq);

/* scheme://host[:port] of url into a new string (the caller frees), or NULL when url is not
 * an absolute http(s) URL. */
char *mapping_json_origin(const char *url);
/* Expands a template that may use {{url}}, {{origen}}, {{dependencia}} and {{user}} (the
 * oauth2 token_url) into a new string (the caller frees), or NULL with err filled. */
char *mapping_json_expand_url(const char *tpl, const struct mapping_vars *v, char *err,
			      size_t errlen);

struct mapping_page {
	struct filing_list filings; /* upserts, filtered, fields read (has_detail = complete) */
	char **deleted;		    /* id_sgd of delete changes */
	size_t ndeleted;
	size_t items; /* items in the answer, before filter */
	size_t ignored, refused;
	int has_more; /* -1 unknown */
	long total;   /* -1 unknown */
	char *next;   /* next link / next token, NULL when none */
	char *token;  /* latest_token's token */
	size_t skip;  /* in: items at the start of the answer to pass over (set by the caller
		       * before reading: a change log page that repeats the last event seen) */
};
void mapping_page_init(struct mapping_page *p);
/* Frees what the page holds and leaves it as mapping_page_init does (skip kept at 0). */
void mapping_page_free(struct mapping_page *p);
/* Classifies and reads one answer of request r (any HTTP status; content_type may be NULL).
 * DS_OK (page filled), DS_EMPTY (rule "empty", or info with nothing), DS_NOT_FOUND,
 * DS_AUTH, DS_FAULT_CLIENT, DS_FAULT_SERVER, DS_MALFORMED, DS_TOKEN_EXPIRED; err says what
 * (the server's message when there is one). On failure the page is left empty. */
enum ds_answer mapping_json_read(const struct mapping *m, enum mapping_request r, long status,
				 const char *content_type, const char *body, size_t len,
				 struct mapping_page *out, char *err, size_t errlen);
/* Completes target (already listed) with the filing an info answer gave: the fields the
 * info request maps replace target's, the others are kept; has_detail set. Returns 0, or
 * -1 with err when detail is of another number (then target is unchanged). */
int mapping_json_merge_info(const struct mapping *m, struct filing *target,
			    const struct filing *detail, char *err, size_t errlen);

/* Reads one JSON Pointer (RFC 6901, "~0" "~1" escapes, with the extension "*": every element
 * of an array or member of an object; here the first match) in doc. Returns 1 with *out set
 * (borrowed from doc), 0 when nothing matches, -1 when pointer is not a valid pointer. */
struct json_t;
int mapping_json_pointer(const struct json_t *doc, const char *pointer, const struct json_t **out);
/* Parses len bytes of JSON with the engine's rules (duplicate keys refused, nesting at most
 * MAPPING_JSON_MAX_DEPTH, NUL refused). Returns a new reference (json_decref) or NULL with
 * err filled (line and column). */
#define MAPPING_JSON_MAX_DEPTH 64
struct json_t *mapping_json_parse(const char *body, size_t len, char *err, size_t errlen);

#endif
