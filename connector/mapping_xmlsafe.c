/* mapping_xmlsafe.c -- XML from outside parsed safely and as real servers send it: from
 * memory, no network, no entities, any DOCTYPE refused, encodings decided and turned into
 * UTF-8, a stray leading newline and the final '>' it pushes out tolerated. */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mapping_int.h"
#include "util.h"

#define MAPPING_XML_OPTIONS                                                                        \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC)

/* ---------------------------------------------------------------- safe XML */

static pthread_once_t mapping_once = PTHREAD_ONCE_INIT;

/* Every external entity, DTD or XInclude libxml2 would fetch comes through here. None is
 * ever wanted: refuse, whoever asks. */
static xmlParserInputPtr mapping_refuse_entity(const char *url, const char *id,
					       xmlParserCtxtPtr ctxt)
{
	char esc[128];

	(void)id;
	(void)ctxt;
	log_warn("mapping", "entidad externa rechazada: \"%s\"",
		 log_escape(url ? url : "", 96, esc, sizeof(esc)));
	return NULL;
}

static void mapping_init_once(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(mapping_refuse_entity);
}

void mapping_global_init(void)
{
	pthread_once(&mapping_once, mapping_init_once);
}

struct mapping_parse_state {
	int doctype;
};

/* SAX internalSubset: called for any <!DOCTYPE ...>, before any declaration in it is
 * read. Stop right there. */
static void mapping_sax_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
				const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct mapping_parse_state *st = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	if (st != NULL)
		st->doctype = 1;
	xmlStopParser(ctxt);
}

#define MAPPING_DECL_SCAN 256 /* bytes an XML declaration may take */

/* The encoding an XML declaration at the start of body names, copied into out ("" when
 * there is no declaration or it names none). Returns 1 when body starts with one. */
static int mapping_declared_encoding(const char *body, size_t len, char *out, size_t outlen)
{
	size_t end = len < MAPPING_DECL_SCAN ? len : MAPPING_DECL_SCAN;
	const char *close;
	const char *p;
	char quote;
	size_t n = 0;

	out[0] = '\0';
	if (len < 5 || memcmp(body, "<?xml", 5) != 0)
		return 0;
	close = memmem(body, end, "?>", 2);
	if (close == NULL)
		return 1;
	p = memmem(body, (size_t)(close - body), "encoding", 8);
	if (p == NULL)
		return 1;
	p += 8;
	while (p < close && (*p == ' ' || *p == '=' || *p == '\t'))
		p++;
	if (p >= close || (*p != '"' && *p != '\''))
		return 1;
	quote = *p++;
	while (p < close && *p != quote && n + 1 < outlen)
		out[n++] = *p++;
	out[n] = '\0';
	return 1;
}

/* The iconv name segcont reads an encoding label as: Latin-1 labels as WINDOWS-1252 (its
 * superset: real servers send cp1252 bytes under an ISO-8859-1 label), UTF-8 and ASCII as
 * UTF-8, others as given. */
static const char *mapping_encoding_name(const char *label)
{
	static const char *const latin[] = {"iso-8859-1", "iso8859-1", "iso_8859-1",   "latin1",
					    "latin-1",	  "l1",	       "windows-1252", "cp1252",
					    "win1252",	  NULL};
	static const char *const utf8[] = {"utf-8", "utf8", "us-ascii", "ascii", NULL};

	for (size_t i = 0; latin[i] != NULL; i++) {
		if (strcasecmp(label, latin[i]) == 0)
			return "WINDOWS-1252";
	}
	for (size_t i = 0; utf8[i] != NULL; i++) {
		if (strcasecmp(label, utf8[i]) == 0)
			return "UTF-8";
	}
	return label;
}

/* 1 when the body ends inside its last closing tag ("…</SOAP-ENV:Envelope"), as a body
 * shifted by one stray leading byte does. */
static int mapping_lost_final_byte(const char *body, size_t len)
{
	size_t i = len;

	if (len == 0 || body[len - 1] == '>')
		return 0;
	while (i > 0 && (mapping_name_char(body[i - 1]) || body[i - 1] == ':'))
		i--;
	return i >= 2 && i < len && body[i - 1] == '/' && body[i - 2] == '<';
}

/* Turns the answer into UTF-8 in out (as mapping_parse_xml_from describes) and fills info.
 * Returns 0, or -1 with err filled. */
static int mapping_prepare_xml(const char *body, size_t len, const char *charset,
			       struct mapping_answer_info *info, struct buf *out, char *err,
			       size_t errlen)
{
	char declared[64];
	const char *enc;

	memset(info, 0, sizeof(*info));
	while (len > 0 && (*body == ' ' || *body == '\t' || *body == '\r' || *body == '\n')) {
		info->stray_prefix = 1;
		body++;
		len--;
	}
	if (len == 0) {
		set_error(err, errlen, "respuesta vacía");
		return -1;
	}
	info->declaration = mapping_declared_encoding(body, len, declared, sizeof(declared));
	if (declared[0] != '\0')
		enc = mapping_encoding_name(declared);
	else if (util_utf8_valid(body, len))
		enc = "UTF-8";
	else if (charset != NULL && charset[0] != '\0')
		enc = mapping_encoding_name(charset);
	else
		enc = "WINDOWS-1252";
	if (strcmp(enc, "UTF-8") == 0 && !util_utf8_valid(body, len))
		enc = "WINDOWS-1252";
	strlcpy_s(info->encoding, enc, sizeof(info->encoding));
	if (strcmp(enc, "UTF-8") == 0) {
		buf_append(out, body, len);
	} else if (util_to_utf8(body, len, enc, out) < 0) {
		char esc[64];

		set_error(err, errlen, "codificación desconocida \"%s\"",
			  log_escape(enc, strlen(enc), esc, sizeof(esc)));
		return -1;
	}
	if (info->stray_prefix && mapping_lost_final_byte(out->data, out->len)) {
		buf_append(out, ">", 1);
		info->repaired_end = 1;
	}
	return 0;
}

void *mapping_parse_xml_from(const char *body, size_t len, const char *charset,
			     struct mapping_answer_info *info, char *err, size_t errlen)
{
	struct mapping_parse_state st = {0};
	struct mapping_answer_info scratch;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	struct buf utf8;

	mapping_global_init();
	if (info == NULL)
		info = &scratch;
	if (len > MAPPING_MAX_RESPONSE) {
		set_error(err, errlen, "respuesta de %zu bytes: más que el máximo de %u", len,
			  MAPPING_MAX_RESPONSE);
		return NULL;
	}
	if (body == NULL)
		len = 0;
	buf_init(&utf8);
	if (mapping_prepare_xml(body, len, charset, info, &utf8, err, errlen) < 0)
		goto fail;
	if (utf8.len > INT32_MAX) {
		set_error(err, errlen, "respuesta demasiado grande");
		goto fail;
	}
	ctxt = xmlCreateMemoryParserCtxt(utf8.data, (int)utf8.len);
	if (ctxt == NULL) {
		set_error(err, errlen, "no se pudo crear el analizador XML");
		goto fail;
	}
	xmlCtxtUseOptions(ctxt, MAPPING_XML_OPTIONS);
	/* After xmlCtxtUseOptions, which may reset SAX handlers. */
	ctxt->_private = &st;
	ctxt->sax->internalSubset = mapping_sax_doctype;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->serror = mapping_silent_error;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (st.doctype) {
		set_error(err, errlen, "documento con DOCTYPE rechazado");
		goto fail;
	}
	if (!ctxt->wellFormed || ctxt->errNo != 0) {
		const char *why = ctxt->lastError.message ? ctxt->lastError.message : "error";

		set_error(err, errlen, "XML mal formado (línea %d): %.*s", ctxt->lastError.line,
			  (int)strcspn(why, "\n"), why);
		goto fail;
	}
	if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL ||
	    xmlDocGetRootElement(doc) == NULL) {
		set_error(err, errlen, "documento XML sin raíz o con DTD");
		goto fail;
	}
	xmlFreeParserCtxt(ctxt);
	buf_free(&utf8);
	return doc;
fail:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	buf_free(&utf8);
	return NULL;
}

void *mapping_parse_xml(const char *body, size_t len, char *err, size_t errlen)
{
	return mapping_parse_xml_from(body, len, NULL, NULL, err, errlen);
}
