/* fakeds_soap.h -- the orfeo-soap profile: reading a SOAP 1.1 request safely with libxml2 and
 * writing nusoap's answers byte for byte (lists, details, faults, the wrong-key answer). */
#ifndef FAKEDS_SOAP_H
#define FAKEDS_SOAP_H

#include <stddef.h>

#include "fakeds_data.h"
#include "fakeds_faults.h"
#include "util.h"

#define FAKEDS_SOAP_MAX_WINDOW_DAYS 31 /* calendar days of one list window, both ends counted */
#define FAKEDS_SOAP_MAX_PARAM 1024     /* bytes of one request parameter */
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

/* Writes the answer to call into out (in UTF-8 when utf8, else ISO-8859-1) and returns the
 * HTTP status (200, or 500 for a SOAP Fault). key is the service key. Takes the data lock. */
int fakeds_soap_answer(struct fakeds_data *d, const struct fakeds_soap_call *call, const char *key,
		       int utf8, struct buf *out);
/* Writes the wrong-key <error> answer of operation op (the info shape unless op is a list). */
void fakeds_soap_badkey(enum fakeds_faults_op op, int utf8, struct buf *out);
/* Breaks the tag nearest the middle of an answer so that it is no longer well-formed. */
void fakeds_soap_corrupt(struct buf *answer);

#endif
