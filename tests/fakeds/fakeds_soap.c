/* fakeds_soap.c -- reads Orfeo SOAP requests (no network, no DTD, DOCTYPE refused, local names)
 * and writes the answers as nusoap does, in ISO-8859-1 by default, with the quirks asked for. */
#include "fakeds_soap.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeds_time.h"

#define FAKEDS_SOAP_ENVELOPE_OPEN                                                                  \
	"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" "         \
	"xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" "                            \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                                          \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:tns=\"%s\" "                \
	"SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><SOAP-ENV:Body>"
#define FAKEDS_SOAP_TAIL "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
#define FAKEDS_SOAP_ESTRUCTURA "<return xsi:type=\"tns:Estructura\">"
#define FAKEDS_SOAP_BADKEY_TEXT "La clave de consulta del servicio web no coincide."
#define FAKEDS_SOAP_RANGE_TEXT "Rango de fechas superior a 31 días"
#define FAKEDS_SOAP_NUMBER_DEP_AT 4  /* lista-por-numero: the dependency at characters 5-7 */
#define FAKEDS_SOAP_NUMBER_DEP_LEN 3 /* (substr(RADI_NUME_RADI, 5, 3) in servidor.php) */

/* ---- reading ---- */

static xmlParserInputPtr fakeds_soap_no_entity(const char *url, const char *id,
					       xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

void fakeds_soap_global_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(fakeds_soap_no_entity);
}

void fakeds_soap_global_cleanup(void)
{
	xmlCleanupParser();
}

/* SAX hook: any DOCTYPE stops the parse and marks the request as refused. */
static void fakeds_soap_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
				const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	*(int *)ctxt->_private = 1;
	xmlStopParser(ctxt);
}

/* Parser messages are not printed: the request is answered with a fault instead. */
static void fakeds_soap_quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static int fakeds_soap_is(const xmlNode *n, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, local) == 0;
}

static xmlNode *fakeds_soap_first_element(xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			return n;
	}
	return NULL;
}

/* Returns the trimmed text of n as a new string, or NULL when too long. */
static char *fakeds_soap_text(xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = c ? (const char *)c : "";
	size_t len;
	char *out = NULL;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 && strchr(" \t\n\r", s[len - 1]) != NULL)
		len--;
	if (len <= FAKEDS_SOAP_MAX_PARAM)
		out = xstrndup(s, len);
	xmlFree(c);
	return out;
}

static enum fakeds_faults_op fakeds_soap_op_named(const char *name)
{
	if (strcmp(name, "getRadicadosDependencia") == 0)
		return FAKEDS_OP_LIST;
	if (strcmp(name, "getInfoRadicado") == 0)
		return FAKEDS_OP_INFO;
	return FAKEDS_OP_OTHER;
}

/* The operation a SOAPAction header names ("urn:orfeo#op", quotes optional), or OTHER. */
static enum fakeds_faults_op fakeds_soap_op_of_action(const char *action)
{
	size_t len;

	if (action == NULL)
		return FAKEDS_OP_OTHER;
	while (*action == ' ' || *action == '\t')
		action++;
	len = strlen(action);
	while (len > 0 && (action[len - 1] == ' ' || action[len - 1] == '\t'))
		len--;
	if (len >= 2 && action[0] == '"' && action[len - 1] == '"') {
		action++;
		len -= 2;
	}
	if (len == strlen(FAKEDS_SOAP_ACTION_LIST) &&
	    strncmp(action, FAKEDS_SOAP_ACTION_LIST, len) == 0)
		return FAKEDS_OP_LIST;
	if (len == strlen(FAKEDS_SOAP_ACTION_INFO) &&
	    strncmp(action, FAKEDS_SOAP_ACTION_INFO, len) == 0)
		return FAKEDS_OP_INFO;
	return FAKEDS_OP_OTHER;
}

/* Reads the operation element's parameters by local name. Returns 0 or -1 with error. */
static int fakeds_soap_params(xmlNode *op, struct fakeds_soap_call *call)
{
	for (xmlNode *n = fakeds_soap_first_element(op->children); n != NULL;
	     n = fakeds_soap_first_element(n->next)) {
		char **slot = NULL;
		const char *name = (const char *)n->name;

		if (strcmp(name, "dependencia") == 0)
			slot = &call->dependencia;
		else if (strcmp(name, "fechaIni") == 0)
			slot = &call->fecha_ini;
		else if (strcmp(name, "fechaFin") == 0)
			slot = &call->fecha_fin;
		else if (strcmp(name, "key") == 0)
			slot = &call->key;
		else if (strcmp(name, "numRadicado") == 0)
			slot = &call->num_radicado;
		if (slot == NULL)
			continue;
		free(*slot);
		*slot = fakeds_soap_text(n);
		if (*slot == NULL) {
			set_error(call->error, sizeof(call->error),
				  "El parámetro %s supera %d bytes", name, FAKEDS_SOAP_MAX_PARAM);
			return -1;
		}
	}
	return 0;
}

void fakeds_soap_parse(const char *body, size_t len, const char *soap_action,
		       struct fakeds_soap_call *call)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root, *node, *op;
	int doctype = 0;

	memset(call, 0, sizeof(*call));
	call->op = fakeds_soap_op_of_action(soap_action);
	if (len == 0 || len > (size_t)0x7fffffff) {
		set_error(call->error, sizeof(call->error), "Petición vacía");
		return;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		set_error(call->error, sizeof(call->error), "Sin memoria para leer la petición");
		return;
	}
	ctxt->sax->internalSubset = fakeds_soap_doctype;
	ctxt->sax->serror = fakeds_soap_quiet;
	ctxt->_private = &doctype;
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL, XML_PARSE_NONET);
	if (doctype) {
		set_error(call->error, sizeof(call->error),
			  "No se admiten declaraciones DOCTYPE en la petición");
		goto done;
	}
	if (doc == NULL || !ctxt->wellFormed || ctxt->errNo != 0) {
		set_error(call->error, sizeof(call->error), "Petición XML mal formada");
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (!fakeds_soap_is(root, "Envelope")) {
		set_error(call->error, sizeof(call->error), "La petición no es un sobre SOAP");
		goto done;
	}
	for (node = fakeds_soap_first_element(root->children); node != NULL;
	     node = fakeds_soap_first_element(node->next)) {
		if (fakeds_soap_is(node, "Body"))
			break;
	}
	op = node ? fakeds_soap_first_element(node->children) : NULL;
	if (op == NULL) {
		set_error(call->error, sizeof(call->error),
			  "El sobre SOAP no tiene Body con operación");
		goto done;
	}
	if (call->op == FAKEDS_OP_OTHER)
		call->op = fakeds_soap_op_named((const char *)op->name);
	if (call->op == FAKEDS_OP_OTHER) {
		set_error(call->error, sizeof(call->error),
			  "Operación no definida en el servicio: %.100s", (const char *)op->name);
		goto done;
	}
	fakeds_soap_params(op, call);
done:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
}

void fakeds_soap_call_free(struct fakeds_soap_call *call)
{
	free(call->dependencia);
	free(call->fecha_ini);
	free(call->fecha_fin);
	free(call->key);
	free(call->num_radicado);
	memset(call, 0, sizeof(*call));
}

/* ---- writing ---- */

#define FAKEDS_SOAP_NALIASES 3

struct fakeds_soap_charset {
	const char *name; /* as the XML declaration and Content-Type write it */
	const char *aliases[FAKEDS_SOAP_NALIASES]; /* also accepted by --encoding (NULL-padded) */
	const char *content_type;
};

static const struct fakeds_soap_charset fakeds_soap_charsets[] = {
    [FAKEDS_SOAP_LATIN1] = {"ISO-8859-1", {"latin1", NULL, NULL}, "text/xml; charset=ISO-8859-1"},
    [FAKEDS_SOAP_UTF8] = {"UTF-8", {"utf8", NULL, NULL}, "text/xml; charset=UTF-8"},
    [FAKEDS_SOAP_CP1252] = {"windows-1252",
			    {"cp1252", "win1252", NULL},
			    "text/xml; charset=windows-1252"},
};
#define FAKEDS_SOAP_NCHARSETS (sizeof(fakeds_soap_charsets) / sizeof(fakeds_soap_charsets[0]))

/* Code points of windows-1252's bytes 0x80 ... 0x9F; 0 where the byte is unassigned. */
static const unsigned short fakeds_soap_cp1252_high[32] = {
    0x20AC, 0,	    0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,	    0x017D, 0,	    0,	    0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,	    0x017E, 0x0178,
};

/* The list's own faults, in fakeds' words (as the samples) and in servidor.php's
 * (punto-final: soap_fault("Client"/"Server", "", "...")). */
enum fakeds_soap_list_fault {
	FAKEDS_SOAP_NO_DEPENDENCIA,
	FAKEDS_SOAP_NO_DATES,
	FAKEDS_SOAP_BAD_DATE,
	FAKEDS_SOAP_REVERSED,
	FAKEDS_SOAP_RANGE,
	FAKEDS_SOAP_EMPTY,
	FAKEDS_SOAP_LIST_FAULTS
};

struct fakeds_soap_fault_text {
	const char *code;
	const char *text;
};

static const struct fakeds_soap_fault_text fakeds_soap_list_faults[FAKEDS_SOAP_LIST_FAULTS][2] = {
    [FAKEDS_SOAP_NO_DEPENDENCIA] = {{"SOAP-ENV:Client", "Falta el parámetro dependencia"},
				    {"Client", "Faltan datos basicos."}},
    [FAKEDS_SOAP_NO_DATES] = {{"SOAP-ENV:Client", "Faltan los parámetros fechaIni y fechaFin"},
			      {"Client", "Faltan datos basicos."}},
    [FAKEDS_SOAP_BAD_DATE] =
	{{"SOAP-ENV:Client", "Fecha inválida: fechaIni y fechaFin deben tener la forma aaaa/mm/dd"},
	 {"Client", "Formato no valido."}},
    /* Orfeo does not compare the dates: its query just finds nothing. */
    [FAKEDS_SOAP_REVERSED] = {{"SOAP-ENV:Client", "La fecha final es anterior a la fecha inicial"},
			      {"Server", "No se hallaron registros."}},
    [FAKEDS_SOAP_RANGE] = {{"SOAP-ENV:Client", FAKEDS_SOAP_RANGE_TEXT},
			   {"Client", FAKEDS_SOAP_RANGE_TEXT}},
    [FAKEDS_SOAP_EMPTY] = {{"SOAP-ENV:Server", "No se hallaron registros"},
			   {"Server", "No se hallaron registros."}},
};

int fakeds_soap_encoding_named(const char *name, enum fakeds_soap_encoding *out)
{
	for (size_t i = 0; i < FAKEDS_SOAP_NCHARSETS; i++) {
		const struct fakeds_soap_charset *cs = &fakeds_soap_charsets[i];
		int match = strcasecmp(name, cs->name) == 0;

		for (size_t k = 0; !match && k < FAKEDS_SOAP_NALIASES && cs->aliases[k] != NULL;
		     k++)
			match = strcasecmp(name, cs->aliases[k]) == 0;
		if (match) {
			*out = (enum fakeds_soap_encoding)i;
			return 0;
		}
	}
	return -1;
}

const char *fakeds_soap_encoding_name(enum fakeds_soap_encoding e)
{
	return fakeds_soap_charsets[e].name;
}

const char *fakeds_soap_content_type(const struct fakeds_soap_mode *m)
{
	/* Without a declaration the header keeps nusoap's default, whatever the bytes are. */
	if (m->quirks & FAKEDS_QUIRK_SIN_DECLARACION)
		return fakeds_soap_charsets[FAKEDS_SOAP_LATIN1].content_type;
	return fakeds_soap_charsets[m->encoding].content_type;
}

int fakeds_soap_check_ns(const char *ns, char *err, size_t errlen)
{
	size_t n = strlen(ns);
	int ok = n > 0 && n <= FAKEDS_SOAP_MAX_NS;

	/* It goes into two attribute values as it is: visible ASCII, nothing to escape. */
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char c = (unsigned char)ns[i];

		ok = c > 0x20 && c < 0x7F && strchr("\"<>&", c) == NULL;
	}
	if (!ok) {
		set_error(err, errlen,
			  "--namespace debe ser un URI de 1 a %d caracteres ASCII visibles, sin "
			  "comillas, <, > ni &",
			  FAKEDS_SOAP_MAX_NS);
		return -1;
	}
	return 0;
}

static void fakeds_soap_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		default:
			buf_append(b, s, 1);
			break;
		}
	}
}

/* <name xsi:type="xsd:TYPE">value</name>; an empty value written <name .../> when short. */
static void fakeds_soap_elem(struct buf *b, const char *name, const char *type, const char *value,
			     int short_empty)
{
	buf_printf(b, "<%s xsi:type=\"xsd:%s\"", name, type);
	if (value[0] == '\0' && short_empty) {
		buf_puts(b, "/>");
		return;
	}
	buf_puts(b, ">");
	fakeds_soap_escape(b, value);
	buf_printf(b, "</%s>", name);
}

/* The envelope up to the Body's content. The XML declaration, when there is one, is written by
 * fakeds_soap_finish. */
static void fakeds_soap_head(struct buf *b, const struct fakeds_soap_mode *m)
{
	buf_printf(b, FAKEDS_SOAP_ENVELOPE_OPEN, m->ns);
}

/* Decodes one UTF-8 sequence at p (n bytes left). Returns its length; *cp gets the code point,
 * or 0xFFFD for a broken sequence (never produced by our validated data). */
static size_t fakeds_soap_utf8(const unsigned char *p, size_t n, unsigned long *cp)
{
	size_t k;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0)
		k = 2;
	else if ((p[0] & 0xF0) == 0xE0)
		k = 3;
	else if ((p[0] & 0xF8) == 0xF0)
		k = 4;
	else
		k = 0;
	if (k == 0 || k > n || !util_utf8_valid((const char *)p, k)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = p[0] & (0x7F >> k);
	for (size_t i = 1; i < k; i++)
		*cp = (*cp << 6) | (p[i] & 0x3F);
	return k;
}

/* The byte that stands for code point cp in encoding e (ISO-8859-1 or windows-1252), or -1
 * when it has none and is written as a numeric reference. windows-1252 holds ASCII, Latin-1's
 * U+00A0 ... U+00FF and the 27 characters of its 0x80 ... 0x9F (not the C1 controls). */
static int fakeds_soap_byte(unsigned long cp, enum fakeds_soap_encoding e)
{
	if (cp < 0x80 || (cp < 0x100 && (e == FAKEDS_SOAP_LATIN1 || cp >= 0xA0)))
		return (int)cp;
	for (int i = 0; e == FAKEDS_SOAP_CP1252 && i < 32; i++) {
		if (fakeds_soap_cp1252_high[i] == cp)
			return 0x80 + i;
	}
	return -1;
}

/* Appends the UTF-8 text in (all of it text content or ASCII markup) to out in encoding e:
 * UTF-8 as it is, else byte by byte with numeric references for what e cannot hold. */
static void fakeds_soap_transcode(const struct buf *in, enum fakeds_soap_encoding e,
				  struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in->data;
	size_t n = in->len;

	if (e == FAKEDS_SOAP_UTF8) {
		buf_append(out, p, n);
		return;
	}
	while (n > 0) {
		unsigned long cp;
		size_t k = fakeds_soap_utf8(p, n, &cp);
		int c = fakeds_soap_byte(cp, e);

		if (c >= 0) {
			unsigned char byte = (unsigned char)c;

			buf_append(out, &byte, 1);
		} else {
			buf_printf(out, "&#%lu;", cp);
		}
		p += k;
		n -= k;
	}
}

/* Writes the envelope in (UTF-8) into out as the client receives it: nusoap's declaration, a
 * newline, the envelope in the declared encoding and a final newline. sin-declaracion leaves
 * the declaration out. byte-extra puts the "\n" of a PHP include first and, since
 * Content-Length counted the answer alone, loses the answer's last byte (no final newline
 * then: the envelope's closing '>'). */
static void fakeds_soap_finish(const struct buf *in, const struct fakeds_soap_mode *m,
			       struct buf *out)
{
	int extra = (m->quirks & FAKEDS_QUIRK_BYTE_EXTRA) != 0;

	buf_reset(out);
	if (extra)
		buf_puts(out, "\n");
	if (!(m->quirks & FAKEDS_QUIRK_SIN_DECLARACION))
		buf_printf(out, "<?xml version=\"1.0\" encoding=\"%s\"?>\n",
			   fakeds_soap_charsets[m->encoding].name);
	fakeds_soap_transcode(in, m->encoding, out);
	if (extra) {
		out->len--;
		out->data[out->len] = '\0';
	} else {
		buf_puts(out, "\n");
	}
}

static void fakeds_soap_fault(struct buf *b, const struct fakeds_soap_mode *m, const char *code,
			      const char *text)
{
	fakeds_soap_head(b, m);
	buf_puts(b, "<SOAP-ENV:Fault>");
	fakeds_soap_elem(b, "faultcode", "string", code, 0);
	fakeds_soap_elem(b, "faultactor", "string", "", 0);
	fakeds_soap_elem(b, "faultstring", "string", text, 0);
	fakeds_soap_elem(b, "detail", "string", "", 0);
	buf_puts(b, "</SOAP-ENV:Fault>" FAKEDS_SOAP_TAIL);
}

/* Writes one of the list's own faults, worded as the mode says. Returns 500. */
static int fakeds_soap_list_fault(struct buf *b, const struct fakeds_soap_mode *m,
				  enum fakeds_soap_list_fault which)
{
	const struct fakeds_soap_fault_text *t =
	    &fakeds_soap_list_faults[which][(m->quirks & FAKEDS_QUIRK_PUNTO_FINAL) ? 1 : 0];

	fakeds_soap_fault(b, m, t->code, t->text);
	return 500;
}

static const char *fakeds_soap_response_name(enum fakeds_faults_op op)
{
	return op == FAKEDS_OP_LIST ? "getRadicadosDependenciaResponse" : "getInfoRadicadoResponse";
}

/* The envelope up to the response element's content, and from its end on. */
static void fakeds_soap_response_open(struct buf *b, const struct fakeds_soap_mode *m,
				      enum fakeds_faults_op op)
{
	fakeds_soap_head(b, m);
	buf_printf(b, "<ns1:%s xmlns:ns1=\"%s\">", fakeds_soap_response_name(op), m->ns);
}

static void fakeds_soap_response_close(struct buf *b, enum fakeds_faults_op op)
{
	buf_printf(b, "</ns1:%s>" FAKEDS_SOAP_TAIL, fakeds_soap_response_name(op));
}

static void fakeds_soap_badkey_utf8(struct buf *b, const struct fakeds_soap_mode *m,
				    enum fakeds_faults_op op)
{
	fakeds_soap_response_open(b, m, op);
	buf_puts(b, FAKEDS_SOAP_ESTRUCTURA);
	fakeds_soap_elem(b, "error", "string", FAKEDS_SOAP_BADKEY_TEXT, 0);
	buf_puts(b, "</return>");
	fakeds_soap_response_close(b, op);
}

void fakeds_soap_badkey(enum fakeds_faults_op op, const struct fakeds_soap_mode *m, struct buf *out)
{
	struct buf b;

	buf_init(&b);
	fakeds_soap_badkey_utf8(&b, m, op);
	fakeds_soap_finish(&b, m, out);
	buf_free(&b);
}

/* One list item. RUTA: a path as text; an empty one as <RUTA ...></RUTA> when the database
 * holds '' and as <RUTA .../> when it holds NULL (ruta_nula), as nusoap writes them; with
 * detalle-real a NULL is written as installations send it, with xsi:nil. */
static void fakeds_soap_item(struct buf *b, const struct fakeds_filing *f, unsigned quirks)
{
	char when[SIM_TIME_LEN];
	char folios[16];

	snprintf(folios, sizeof(folios), "%d", f->folios);
	fakeds_time_format_fecharad(f->epoch, when);
	buf_puts(b, "<item xsi:type=\"tns:datosRadicado\">");
	fakeds_soap_elem(b, "RADICADO", "long", f->numero, 0);
	fakeds_soap_elem(b, "NUMHOJAS", "short", folios, 0);
	if (f->ruta_nula && (quirks & FAKEDS_QUIRK_DETALLE_REAL))
		buf_puts(b, "<RUTA xsi:nil=\"true\" xsi:type=\"xsd:string\"/>");
	else
		fakeds_soap_elem(b, "RUTA", "string", f->s[FS_RUTA], f->ruta_nula);
	fakeds_soap_elem(b, "FECHARAD", "string", when, 0);
	fakeds_soap_elem(b, "ASUNTO", "string", f->s[FS_ASUNTO], 0);
	buf_puts(b, "</item>");
}

/* Whether the list of dependencia holds f: the filings the dependency holds now, or with
 * lista-por-numero (servidor.php's query) those whose number carries it at characters 5-7 and
 * that have no scanned image. */
static int fakeds_soap_listed(const struct fakeds_filing *f, const char *dependencia,
			      unsigned quirks)
{
	if (!(quirks & FAKEDS_QUIRK_LISTA_POR_NUMERO))
		return strcmp(f->s[FS_DEP_ACTUAL], dependencia) == 0;
	return strlen(dependencia) == FAKEDS_SOAP_NUMBER_DEP_LEN &&
	       strncmp(f->numero + FAKEDS_SOAP_NUMBER_DEP_AT, dependencia,
		       FAKEDS_SOAP_NUMBER_DEP_LEN) == 0 &&
	       f->s[FS_RUTA][0] == '\0';
}

static int fakeds_soap_cmp_number(const void *pa, const void *pb)
{
	const struct fakeds_filing *a = *(const struct fakeds_filing *const *)pa;
	const struct fakeds_filing *b = *(const struct fakeds_filing *const *)pb;

	return fakeds_data_numcmp(a->numero, b->numero);
}

/* Writes the items of the filings listed for c whose Bogota filing day lies in [ini, fin]
 * into b: in filing time then number order, or (lista-por-numero: ORDER BY RADI_NUME_RADI)
 * in number order. Returns how many. Takes the data lock. */
static size_t fakeds_soap_items(struct fakeds_data *d, const struct fakeds_soap_call *c,
				unsigned quirks, long long ini, long long fin, struct buf *b)
{
	long long from = ini * 86400 - SIM_TIME_UTC_OFFSET;
	long long to = (fin + 1) * 86400 - SIM_TIME_UTC_OFFSET;
	const struct fakeds_filing **hits = NULL;
	size_t n = 0;
	size_t cap = 0;

	fakeds_data_lock(d);
	for (size_t i = fakeds_data_first_at(d, from); i < d->count && d->by_date[i]->epoch < to;
	     i++) {
		if (!fakeds_soap_listed(d->by_date[i], c->dependencia, quirks))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			hits = xrealloc(hits, cap * sizeof(*hits));
		}
		hits[n++] = d->by_date[i];
	}
	if (n > 0 && (quirks & FAKEDS_QUIRK_LISTA_POR_NUMERO))
		qsort(hits, n, sizeof(*hits), fakeds_soap_cmp_number);
	for (size_t i = 0; i < n; i++)
		fakeds_soap_item(b, hits[i], quirks);
	fakeds_data_unlock(d);
	free(hits);
	return n;
}

/* Answers getRadicadosDependencia into b (UTF-8). Returns the HTTP status. */
static int fakeds_soap_list(struct fakeds_data *d, const struct fakeds_soap_call *c,
			    const struct fakeds_soap_mode *m, struct buf *b)
{
	long long ini, fin;
	struct buf items;
	size_t n;

	if (c->dependencia == NULL || c->dependencia[0] == '\0')
		return fakeds_soap_list_fault(b, m, FAKEDS_SOAP_NO_DEPENDENCIA);
	if (c->fecha_ini == NULL || c->fecha_fin == NULL)
		return fakeds_soap_list_fault(b, m, FAKEDS_SOAP_NO_DATES);
	if (sim_time_parse_date(c->fecha_ini, '/', &ini) < 0 ||
	    sim_time_parse_date(c->fecha_fin, '/', &fin) < 0)
		return fakeds_soap_list_fault(b, m, FAKEDS_SOAP_BAD_DATE);
	if (fin < ini)
		return fakeds_soap_list_fault(b, m, FAKEDS_SOAP_REVERSED);
	if (fin - ini + 1 > FAKEDS_SOAP_MAX_WINDOW_DAYS && !(m->quirks & FAKEDS_QUIRK_SIN_LIMITE))
		return fakeds_soap_list_fault(b, m, FAKEDS_SOAP_RANGE);
	buf_init(&items);
	n = fakeds_soap_items(d, c, m->quirks, ini, fin, &items);
	if (n == 0) {
		buf_free(&items);
		return fakeds_soap_list_fault(b, m, FAKEDS_SOAP_EMPTY);
	}
	fakeds_soap_response_open(b, m, FAKEDS_OP_LIST);
	buf_printf(b,
		   "<return xsi:type=\"SOAP-ENC:Array\" "
		   "SOAP-ENC:arrayType=\"tns:datosRadicado[%zu]\">",
		   n);
	buf_append(b, items.data, items.len);
	buf_puts(b, "</return>");
	fakeds_soap_response_close(b, FAKEDS_OP_LIST);
	buf_free(&items);
	return 200;
}

/* The given names in a person's full name, as SGD_DIR_NOMBRE holds them in real installations:
 * the first two words of a name of four or more ("María Fernanda Peña Muñoz" gives "María
 * Fernanda"), else the first word. out holds outlen bytes. */
static void fakeds_soap_given_names(const char *full, char *out, size_t outlen)
{
	const char *first = NULL;
	const char *end = full;
	const char *second_end = NULL;
	const char *p = full;
	int words = 0;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (first == NULL)
			first = p;
		while (*p != '\0' && *p != ' ')
			p++;
		if (++words == 1)
			end = p;
		else if (words == 2)
			second_end = p;
	}
	if (words >= 4)
		end = second_end;
	snprintf(out, outlen, "%.*s", first ? (int)(end - first) : 0, first ? first : "");
}

/* The Estructura's fields of f, or every one empty for NULL (an unknown number), as the samples
 * write them. With real (detalle-real; f is not NULL then): no SGD_EANU_CODIGO, NULL columns
 * left out (RADI_PATH when ruta_nula, the sender's columns when empty), RADI_FECH_RADI without
 * fraction and offset, and SGD_DIR_NOMBRE holding the sender's given names. Caller holds the
 * data lock. */
static void fakeds_soap_info_fields(struct buf *b, const struct fakeds_filing *f, int real)
{
	char when[SIM_TIME_LEN] = "";
	char given[FAKEDS_DATA_MAX_FIELD + 1];

	if (f != NULL && real)
		fakeds_time_format_sql(f->epoch, when);
	else if (f != NULL)
		fakeds_time_format_db(f->epoch, f->usec, when);
	fakeds_soap_elem(b, "RADI_NUME_RADI", "string", f ? f->numero : "", 0);
	fakeds_soap_elem(b, "RADI_FECH_RADI", "string", when, 0);
	for (int k = 0; k < FS_COUNT; k++) {
		const char *value = f ? f->s[k] : "";

		if (real && k == FS_EANU)
			continue;
		if (real && k == FS_DEP_ORIGEN_NOMBRE) {
			fakeds_soap_given_names(f->s[FS_REMITENTE], given, sizeof(given));
			value = given;
		}
		if (real && ((k == FS_RUTA && f->ruta_nula) ||
			     (value[0] == '\0' && fakeds_data_info_sender((enum fakeds_str)k))))
			continue;
		fakeds_soap_elem(b, fakeds_data_info_name((enum fakeds_str)k), "string", value, 0);
	}
}

/* Answers getInfoRadicado for number (NULL: none, as for a key clave-vacia does not report)
 * into b (UTF-8). An unknown number gets every field empty, or with clave-vacia or
 * detalle-real an empty Estructura (a row of NULLs left out). */
static void fakeds_soap_info(struct fakeds_data *d, const char *number,
			     const struct fakeds_soap_mode *m, struct buf *b)
{
	const struct fakeds_filing *f;

	fakeds_soap_response_open(b, m, FAKEDS_OP_INFO);
	buf_puts(b, FAKEDS_SOAP_ESTRUCTURA);
	fakeds_data_lock(d);
	f = number ? fakeds_data_find(d, number) : NULL;
	if (f != NULL || !(m->quirks & (FAKEDS_QUIRK_CLAVE_VACIA | FAKEDS_QUIRK_DETALLE_REAL)))
		fakeds_soap_info_fields(b, f, (m->quirks & FAKEDS_QUIRK_DETALLE_REAL) != 0);
	fakeds_data_unlock(d);
	buf_puts(b, "</return>");
	fakeds_soap_response_close(b, FAKEDS_OP_INFO);
}

int fakeds_soap_answer(struct fakeds_data *d, const struct fakeds_soap_call *call, const char *key,
		       const struct fakeds_soap_mode *m, struct buf *out)
{
	int key_ok = call->key != NULL && strcmp(call->key, key) == 0;
	/* The quirk under which the operation does not check the key. */
	unsigned keyless =
	    call->op == FAKEDS_OP_LIST ? FAKEDS_QUIRK_LISTA_SIN_CLAVE : FAKEDS_QUIRK_CLAVE_VACIA;
	struct buf b;
	int status = 200;

	buf_init(&b);
	if (call->error[0] != '\0') {
		fakeds_soap_fault(&b, m, "SOAP-ENV:Client", call->error);
		status = 500;
	} else if (!key_ok && !(m->quirks & keyless)) {
		fakeds_soap_badkey_utf8(&b, m, call->op);
	} else if (call->op == FAKEDS_OP_LIST) {
		status = fakeds_soap_list(d, call, m, &b);
	} else {
		fakeds_soap_info(d, key_ok ? call->num_radicado : NULL, m, &b);
	}
	fakeds_soap_finish(&b, m, out);
	buf_free(&b);
	return status;
}

void fakeds_soap_corrupt(struct buf *answer)
{
	static const char breakage[] = "roto";
	char *mid;
	char *p;
	size_t at;

	if (answer->len == 0)
		return;
	mid = answer->data + answer->len / 2;
	p = strstr(mid, "</");
	if (p == NULL) {
		/* No closing tag after the middle: open one that never closes. */
		buf_puts(answer, "<roto");
		return;
	}
	/* "</NAME>" becomes "</rotoNAME>": a closing tag that matches nothing. */
	at = (size_t)(p - answer->data) + 2;
	buf_append(answer, breakage, sizeof(breakage) - 1);
	memmove(answer->data + at + sizeof(breakage) - 1, answer->data + at,
		answer->len - at - (sizeof(breakage) - 1));
	memcpy(answer->data + at, breakage, sizeof(breakage) - 1);
}
