/* fakeds_soap.h -- the orfeo-soap profile: reading a SOAP 1.1 request safely with libxml2 and
 * writing nusoap's answers as the samples show them, or as real installations send them. */
#ifndef FAKEDS_SOAP_H
#define FAKEDS_SOAP_H

#include <stddef.h>

#include "fakeds_data.h"
#include "fakeds_faults.h"
#include "fakeds_quirks.h"
#include "util.h"

#define FAKEDS_SOAP_MAX_WINDOW_DAYS 31	   /* calendar days of one list window, both ends counted */
#define FAKEDS_SOAP_MAX_PARAM 1024	   /* bytes of one request parameter */
#define FAKEDS_SOAP_DEFAULT_NS "urn:orfeo" /* the service namespace of the samples */
#define FAKEDS_SOAP_MAX_NS 256		   /* bytes of a --namespace URI */
#define FAKEDS_SOAP_ACTION_LIST "urn:orfeo#getRadicadosDependencia"
#define FAKEDS_SOAP_ACTION_INFO "urn:orfeo#getInfoRadicado"

/* One parsed request. Parameters are new strings (NULL when absent), freed by
 * fakeds_soap_call_free. error is non-empty when the request cannot be answered as asked
 * (not XML, a DOCTYPE, no Body...): the answer is then a Client fault saying so. */
struct fakeds_soap_call {
	enum fakeds_faults_op op;
	char *dependencia;
	char *fecha_ini;
	char *fecha_fin;
	char *key;
	char *num_radicado;
	char error[256];
};

/* Process-wide libxml2 set-up (before threads) and clean-up (after them). */
void fakeds_soap_global_init(void);
void fakeds_soap_global_cleanup(void);

/* Parses a request body. soap_action is the SOAPAction header or NULL. Cannot fail: a bad
 * request leaves call->error set. */
void fakeds_soap_parse(const char *body, size_t len, const char *soap_action,
		       struct fakeds_soap_call *call);
void fakeds_soap_call_free(struct fakeds_soap_call *call);

/* The bytes answers are written in. */
enum fakeds_soap_encoding {
	FAKEDS_SOAP_LATIN1, /* ISO-8859-1, nusoap's default; other characters as &#N; */
	FAKEDS_SOAP_UTF8,
	FAKEDS_SOAP_CP1252 /* windows-1252, a WIN1252 database client; others as &#N; */
};

/* How one answer is written: its encoding, the FAKEDS_QUIRK_* bits in force and the service
 * namespace (borrowed; checked by fakeds_soap_check_ns). */
struct fakeds_soap_mode {
	enum fakeds_soap_encoding encoding;
	unsigned quirks;
	const char *ns;
};

/* Reads an --encoding name (iso-8859-1, utf-8, windows-1252 and aliases, any case). Returns 0,
 * or -1 for an unknown name. */
int fakeds_soap_encoding_named(const char *name, enum fakeds_soap_encoding *out);
/* The encoding's name as a declaration writes it ("ISO-8859-1"). Borrowed. */
const char *fakeds_soap_encoding_name(enum fakeds_soap_encoding e);
/* The Content-Type of SOAP answers in mode m. Borrowed. */
const char *fakeds_soap_content_type(const struct fakeds_soap_mode *m);
/* Checks a --namespace URI (visible ASCII without quotes, <, > or &). Returns 0, or -1 with
 * err filled. */
int fakeds_soap_check_ns(const char *ns, char *err, size_t errlen);

/* Writes the answer to call into out, exactly as the client receives it in mode m, and returns
 * the HTTP status (200, or 500 for a SOAP Fault). key is the service key. Takes the data
 * lock. */
int fakeds_soap_answer(struct fakeds_data *d, const struct fakeds_soap_call *call, const char *key,
		       const struct fakeds_soap_mode *m, struct buf *out);
/* Writes the wrong-key <error> answer of operation op (the info shape unless op is a list). */
void fakeds_soap_badkey(enum fakeds_faults_op op, const struct fakeds_soap_mode *m,
			struct buf *out);
/* Breaks the tag nearest the middle of an answer so that it is no longer well-formed. */
void fakeds_soap_corrupt(struct buf *answer);

#endif
