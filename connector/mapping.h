/* mapping.h -- a document system's profile loaded from a mappings/ JSON file: how to build
 * its requests and how to extract filings from its answers (XML via XPath, safely). */
#ifndef SEGCONT_MAPPING_H
#define SEGCONT_MAPPING_H

#include <stddef.h>

#include "filing.h"

#define MAPPING_MAX_RESPONSE (16u * 1024u * 1024u) /* bytes; larger answers are refused */

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
/* Content-Type header of every request ("text/xml; charset=UTF-8"). Borrowed. */
const char *mapping_content_type(const struct mapping *m);
/* The service's path ("/webServices/servidor.php"), for checking the configured URL.
 * Borrowed. */
const char *mapping_endpoint_path(const struct mapping *m);

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

/* Parses XML from memory with DESIGN.md's rules: no network, no entity expansion, no DTD
 * loading, any DOCTYPE refused, size capped. Returns a document (free with xmlFreeDoc)
 * or NULL with err filled. Shared with reconcile and tests. Call mapping_global_init()
 * once before threads start. */
void mapping_global_init(void);
void *mapping_parse_xml(const char *body, size_t len, char *err, size_t errlen);

#endif
