/* mapping.h -- a document system's profile loaded from mappings/*.json: how to build
 * its requests and how to extract filings from its answers (XML via XPath, safely). */
#ifndef SEGCONT_MAPPING_H
#define SEGCONT_MAPPING_H

#include <stddef.h>

#define MAPPING_MAX_RESPONSE (16u * 1024u * 1024u) /* bytes; larger answers are refused */

/* One filing as the document system knows it. Every string is owned by the struct
 * (UTF-8, never NULL after filing_init: empty string when unknown). */
struct filing {
	char *numero;                    /* opaque text, 14-16 digits */
	char *tipo_radicado;             /* entrada, salida, interna... from the type digit */
	char *fecha_radicacion;          /* ISO 8601 with offset: 2024-05-02T09:14:07-05:00 */
	char *asunto;
	int folios;
	char *ruta;
	char *dependencia_origen;        /* RADI_DEPE_RADI */
	char *dependencia_origen_nombre; /* SGD_DIR_NOMBRE */
	char *dependencia_actual;        /* RADI_DEPE_ACTU */
	char *remitente;                 /* SGD_DIR_NOMREMDES (personal data) */
	char *tipo_documental;           /* TDOC_CODI */
	char *estado_ds;                 /* vigente, anulacion_solicitada, anulado */
	int has_detail;                  /* 1 once completed by the detail call */
};

void filing_init(struct filing *f);
void filing_free(struct filing *f);
/* Replaces *field with a new copy of value (NULL becomes ""). */
void filing_set(char **field, const char *value);

struct filing_list {
	struct filing *items;
	size_t count;
	size_t cap;
};
void filing_list_init(struct filing_list *l);
/* Appends an empty filing and returns it (borrowed; valid until the next push). */
struct filing *filing_list_push(struct filing_list *l);
void filing_list_free(struct filing_list *l);

/* What an answer meant. Callers branch on it. */
enum ds_answer {
	DS_OK = 0,        /* parsed; for a list, count may be 0 */
	DS_EMPTY,         /* the "no records" fault: an empty list, not an error */
	DS_NOT_FOUND,     /* detail of an unknown number */
	DS_AUTH,          /* wrong key (<error> answer): a configuration error, do not retry */
	DS_FAULT_CLIENT,  /* a SOAP Client fault (e.g. range too long): our request is wrong */
	DS_FAULT_SERVER,  /* any other SOAP fault: transient, retry */
	DS_MALFORMED      /* not XML, truncated, HTML page, DOCTYPE, missing structure: retry */
};
const char *ds_answer_name(enum ds_answer a);

struct mapping;

/* Loads and validates a mapping file. Returns a new mapping (free with mapping_free)
 * or NULL with a message naming the file in err. */
struct mapping *mapping_load(const char *path, char *err, size_t errlen);
void mapping_free(struct mapping *m);

/* The profile name ("orfeo-soap"). Borrowed. */
const char *mapping_profile(const struct mapping *m);
/* Maximum days of one list window (31 for Orfeo). */
int mapping_max_window_days(const struct mapping *m);

/* Builds a request. Dates are "YYYY-MM-DD". Returns 0 or -1. On success *body is a new
 * string (caller frees) and *soap_action a new string (caller frees; may be "").
 * Values are XML-escaped into the template. */
int mapping_build_list_request(const struct mapping *m, const char *dependencia,
			       const char *fecha_ini, const char *fecha_fin, const char *key,
			       char **body, char **soap_action);
int mapping_build_info_request(const struct mapping *m, const char *numero, const char *key,
			       char **body, char **soap_action);

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

/* Computes the change-detection hash of a filing's source fields (hex SHA-256, 64 chars
 * + NUL) into out. listed_only: only the fields the list call returns. */
void filing_hash(const struct filing *f, int listed_only, char out[65]);

/* Parses XML from memory with DESIGN.md's rules: no network, no entity expansion, no DTD
 * loading, any DOCTYPE refused, size capped. Returns a document (free with xmlFreeDoc)
 * or NULL with err filled. Shared with reconcile and tests. Call mapping_global_init()
 * once before threads start. */
void mapping_global_init(void);
void *mapping_parse_xml(const char *body, size_t len, char *err, size_t errlen);

#endif
