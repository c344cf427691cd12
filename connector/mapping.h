/* mapping.h -- a document system's profile loaded from a mappings/ JSON file: how to build
 * its requests and how to extract filings from its answers (format xml: SOAP answers read
 * with XPath, safely; format sql: the queries a database profile runs and how its rows
 * become filings). */
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
	/* issue 12 §1.5 (declared by i12-sync for the token pass; i12-json adds the same) */
	DS_TOKEN_EXPIRED /* the change token is no longer kept */
};
const char *ds_answer_name(enum ds_answer a);

/* How the profile reaches the system. */
enum mapping_format {
	MAPPING_FORMAT_XML, /* SOAP over HTTP (orfeo-soap) */
	MAPPING_FORMAT_SQL  /* the system's database, read-only (orfeo-sql) */
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

/* ---- issue 12 §1.5, in the minimal form the token pass needs (declared by i12-sync; the
 * JSON engine's branch i12-json declares and defines them: keep its version at the merge,
 * and delete connector/ds_client_token_tmp.c, which holds a stand-in mapping_has_request). */

/* The requests of a format-json profile. */
enum mapping_request {
	MR_LIST,	 /* filings of the office filed in [desde, hasta] (days) */
	MR_MODIFIED,	 /* filings modified in [desde, hasta) (instants) */
	MR_CHANGES,	 /* the change log from {{token}} */
	MR_LATEST_TOKEN, /* the repository's current change token */
	MR_INFO,	 /* one filing by {{numero}} */
	MAPPING_REQUEST_COUNT
};
/* 1 when the mapping has request r, else 0. Cannot fail. */
int mapping_has_request(const struct mapping *m, enum mapping_request r);

/* One answer of a list, modified or changes request, read. */
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
};
/* ---- end of issue 12 §1.5 */

/* Loads and validates a mapping file. Returns a new mapping (free with mapping_free)
 * or NULL with a message naming the file in err. */
struct mapping *mapping_load(const char *path, char *err, size_t errlen);
void mapping_free(struct mapping *m);

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

#endif
