/* fakeds_soap.c -- reads Orfeo SOAP requests (no network, no DTD, DOCTYPE refused, local names)
 * and writes the answers exactly as nusoap does, transcoded to ISO-8859-1 by default. */
#include "fakeds_soap.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "fakeds_time.h"

#define FAKEDS_SOAP_NS_DECL                                                                        \
	"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" "         \
	"xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" "                            \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                                          \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:tns=\"urn:orfeo\" "         \
	"SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><SOAP-ENV:Body>"
#define FAKEDS_SOAP_TAIL "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
#define FAKEDS_SOAP_BADKEY_TEXT "La clave de consulta del servicio web no coincide."
#define FAKEDS_SOAP_EMPTY_TEXT "No se hallaron registros"
#define FAKEDS_SOAP_RANGE_TEXT "Rango de fechas superior a 31 días"

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

static void fakeds_soap_head(struct buf *b)
{
	/* The encoding in the declaration is fixed by fakeds_soap_finish. */
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"@ENC@\"?>\n" FAKEDS_SOAP_NS_DECL);
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

/* Writes the UTF-8 answer in into out with the declared encoding: ISO-8859-1 bytes, and
 * characters beyond Latin-1 as numeric references (all of them sit in text content). */
static void fakeds_soap_finish(struct buf *in, int utf8, struct buf *out)
{
	const char *marker = strstr(in->data, "@ENC@");
	const unsigned char *p;
	size_t n;

	buf_reset(out);
	buf_append(out, in->data, (size_t)(marker - in->data));
	buf_puts(out, utf8 ? "UTF-8" : "ISO-8859-1");
	p = (const unsigned char *)marker + 5;
	n = in->len - (size_t)((const char *)p - in->data);
	if (utf8) {
		buf_append(out, p, n);
		return;
	}
	while (n > 0) {
		unsigned long cp;
		size_t k = fakeds_soap_utf8(p, n, &cp);

		if (cp < 0x100) {
			unsigned char c = (unsigned char)cp;

			buf_append(out, &c, 1);
		} else {
			buf_printf(out, "&#%lu;", cp);
		}
		p += k;
		n -= k;
	}
}

static void fakeds_soap_fault(struct buf *b, const char *code, const char *text)
{
	fakeds_soap_head(b);
	buf_puts(b, "<SOAP-ENV:Fault>");
	fakeds_soap_elem(b, "faultcode", "string", code, 0);
	fakeds_soap_elem(b, "faultactor", "string", "", 0);
	fakeds_soap_elem(b, "faultstring", "string", text, 0);
	fakeds_soap_elem(b, "detail", "string", "", 0);
	buf_puts(b, "</SOAP-ENV:Fault>" FAKEDS_SOAP_TAIL);
}

static const char *fakeds_soap_response_name(enum fakeds_faults_op op)
{
	return op == FAKEDS_OP_LIST ? "getRadicadosDependenciaResponse" : "getInfoRadicadoResponse";
}

static void fakeds_soap_badkey_utf8(struct buf *b, enum fakeds_faults_op op)
{
	fakeds_soap_head(b);
	buf_printf(b, "<ns1:%s xmlns:ns1=\"urn:orfeo\"><return xsi:type=\"tns:Estructura\">",
		   fakeds_soap_response_name(op));
	fakeds_soap_elem(b, "error", "string", FAKEDS_SOAP_BADKEY_TEXT, 0);
	buf_printf(b, "</return></ns1:%s>" FAKEDS_SOAP_TAIL, fakeds_soap_response_name(op));
}

void fakeds_soap_badkey(enum fakeds_faults_op op, int utf8, struct buf *out)
{
	struct buf b;

	buf_init(&b);
	fakeds_soap_badkey_utf8(&b, op);
	fakeds_soap_finish(&b, utf8, out);
	buf_free(&b);
}

/* One list item. RUTA: a path as text; an empty one as <RUTA ...></RUTA> when the database
 * holds '' and as <RUTA .../> when it holds NULL (ruta_nula), as nusoap writes them. */
static void fakeds_soap_item(struct buf *b, const struct fakeds_filing *f)
{
	char when[FAKEDS_TIME_LEN];
	char folios[16];

	snprintf(folios, sizeof(folios), "%d", f->folios);
	fakeds_time_format_fecharad(f->epoch, when);
	buf_puts(b, "<item xsi:type=\"tns:datosRadicado\">");
	fakeds_soap_elem(b, "RADICADO", "long", f->numero, 0);
	fakeds_soap_elem(b, "NUMHOJAS", "short", folios, 0);
	fakeds_soap_elem(b, "RUTA", "string", f->s[FS_RUTA], f->ruta_nula);
	fakeds_soap_elem(b, "FECHARAD", "string", when, 0);
	fakeds_soap_elem(b, "ASUNTO", "string", f->s[FS_ASUNTO], 0);
	buf_puts(b, "</item>");
}

/* Answers getRadicadosDependencia into b (UTF-8). Returns the HTTP status. */
static int fakeds_soap_list(struct fakeds_data *d, const struct fakeds_soap_call *c, struct buf *b)
{
	long long ini, fin;
	struct buf items;
	size_t n = 0;

	if (c->dependencia == NULL || c->dependencia[0] == '\0') {
		fakeds_soap_fault(b, "SOAP-ENV:Client", "Falta el parámetro dependencia");
		return 500;
	}
	if (c->fecha_ini == NULL || c->fecha_fin == NULL) {
		fakeds_soap_fault(b, "SOAP-ENV:Client",
				  "Faltan los parámetros fechaIni y fechaFin");
		return 500;
	}
	if (fakeds_time_parse_date(c->fecha_ini, '/', &ini) < 0 ||
	    fakeds_time_parse_date(c->fecha_fin, '/', &fin) < 0) {
		fakeds_soap_fault(
		    b, "SOAP-ENV:Client",
		    "Fecha inválida: fechaIni y fechaFin deben tener la forma aaaa/mm/dd");
		return 500;
	}
	if (fin < ini) {
		fakeds_soap_fault(b, "SOAP-ENV:Client",
				  "La fecha final es anterior a la fecha inicial");
		return 500;
	}
	if (fin - ini + 1 > FAKEDS_SOAP_MAX_WINDOW_DAYS) {
		fakeds_soap_fault(b, "SOAP-ENV:Client", FAKEDS_SOAP_RANGE_TEXT);
		return 500;
	}
	buf_init(&items);
	fakeds_data_lock(d);
	{
		long long from = ini * 86400 - FAKEDS_TIME_UTC_OFFSET;
		long long to = (fin + 1) * 86400 - FAKEDS_TIME_UTC_OFFSET;

		for (size_t i = fakeds_data_first_at(d, from);
		     i < d->count && d->by_date[i]->epoch < to; i++) {
			const struct fakeds_filing *f = d->by_date[i];

			if (strcmp(f->s[FS_DEP_ACTUAL], c->dependencia) != 0)
				continue;
			fakeds_soap_item(&items, f);
			n++;
		}
	}
	fakeds_data_unlock(d);
	if (n == 0) {
		buf_free(&items);
		fakeds_soap_fault(b, "SOAP-ENV:Server", FAKEDS_SOAP_EMPTY_TEXT);
		return 500;
	}
	fakeds_soap_head(b);
	buf_printf(b,
		   "<ns1:getRadicadosDependenciaResponse xmlns:ns1=\"urn:orfeo\"><return "
		   "xsi:type=\"SOAP-ENC:Array\" SOAP-ENC:arrayType=\"tns:datosRadicado[%zu]\">",
		   n);
	buf_append(b, items.data, items.len);
	buf_puts(b, "</return></ns1:getRadicadosDependenciaResponse>" FAKEDS_SOAP_TAIL);
	buf_free(&items);
	return 200;
}

/* Answers getInfoRadicado into b (UTF-8): every field, all empty for an unknown number. */
static void fakeds_soap_info(struct fakeds_data *d, const struct fakeds_soap_call *c, struct buf *b)
{
	const struct fakeds_filing *f;
	char when[FAKEDS_TIME_LEN];

	fakeds_soap_head(b);
	buf_puts(b, "<ns1:getInfoRadicadoResponse xmlns:ns1=\"urn:orfeo\"><return "
		    "xsi:type=\"tns:Estructura\">");
	fakeds_data_lock(d);
	f = c->num_radicado ? fakeds_data_find(d, c->num_radicado) : NULL;
	when[0] = '\0';
	if (f != NULL)
		fakeds_time_format_db(f->epoch, f->usec, when);
	fakeds_soap_elem(b, "RADI_NUME_RADI", "string", f ? f->numero : "", 0);
	fakeds_soap_elem(b, "RADI_FECH_RADI", "string", when, 0);
	for (int k = 0; k < FS_COUNT; k++)
		fakeds_soap_elem(b, fakeds_data_info_name((enum fakeds_str)k), "string",
				 f ? f->s[k] : "", 0);
	fakeds_data_unlock(d);
	buf_puts(b, "</return></ns1:getInfoRadicadoResponse>" FAKEDS_SOAP_TAIL);
}

int fakeds_soap_answer(struct fakeds_data *d, const struct fakeds_soap_call *call, const char *key,
		       int utf8, struct buf *out)
{
	struct buf b;
	int status = 200;

	buf_init(&b);
	if (call->error[0] != '\0') {
		fakeds_soap_fault(&b, "SOAP-ENV:Client", call->error);
		status = 500;
	} else if (call->key == NULL || strcmp(call->key, key) != 0) {
		fakeds_soap_badkey_utf8(&b, call->op);
	} else if (call->op == FAKEDS_OP_LIST) {
		status = fakeds_soap_list(d, call, &b);
	} else {
		fakeds_soap_info(d, call, &b);
	}
	fakeds_soap_finish(&b, utf8, out);
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
