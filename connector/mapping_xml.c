/* mapping_xml.c -- the xml format of a mapping: SOAP operations (request templates, XPath
 * to each field), faults, and the filings read out of answers (parsed by mapping_xmlsafe.c). */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "classify.h"
#include "log.h"
#include "mapping_int.h"
#include "util.h"

/* Placeholders each request template may use. */
static const char *const mapping_list_params[] = {"dependencia", "fechaIni", "fechaFin", "key"};
static const char *const mapping_info_params[] = {"numRadicado", "key"};
#define MAPPING_NPARAMS(a) (sizeof(a) / sizeof(a[0]))

const char *const mapping_xml_keys[] = {
    "endpoint_path", "content_type", "namespaces", "request_date_format",
    "fault",	     "empty_faults", "operations", NULL};

static xmlXPathContextPtr mapping_xpath_new(const struct mapping *m, xmlDocPtr doc);

static int mapping_ncname(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	}
	return 1;
}

int mapping_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static int mapping_ns_known(const struct mapping *m, const char *p, size_t n)
{
	for (size_t i = 0; i < m->nns; i++) {
		if (strlen(m->ns[i].prefix) == n && memcmp(m->ns[i].prefix, p, n) == 0)
			return 1;
	}
	return 0;
}

/* Finds a namespace prefix used in an XPath ("env:Body") that the mapping does not bind:
 * libxml2 resolves prefixes only when evaluating, so compiling alone would not notice.
 * A lexical scan: string literals skipped, "axis::" is not a prefix. Returns 0, or -1
 * with the prefix copied into bad. */
static int mapping_xpath_prefixes(const struct mapping *m, const char *s, char *bad, size_t badlen)
{
	size_t n = strlen(s);
	size_t i = 0;

	while (i < n) {
		char c = s[i];

		if (c == '"' || c == '\'') {
			const char *e = strchr(s + i + 1, c);

			if (e == NULL)
				return 0;
			i = (size_t)(e - s) + 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
			size_t b = i;

			while (i < n && mapping_name_char(s[i]))
				i++;
			if (i < n && s[i] == ':' && s[i + 1] != ':' &&
			    !mapping_ns_known(m, s + b, i - b)) {
				snprintf(bad, badlen, "%.*s", (int)(i - b), s + b);
				return -1;
			}
		} else {
			i++;
		}
	}
	return 0;
}

void mapping_silent_error(void *data, xmlErrorPtr error)
{
	(void)data;
	(void)error;
}

/* Fetches obj.key as an XPath: it must compile (xmlXPathCtxtCompile) and use only bound
 * prefixes. */
static int mapping_get_xpath(struct mapping_loader *ld, const struct mapping *m, const json_t *obj,
			     const char *path, const char *key, char **out)
{
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MAX_TEXT];
	xmlXPathContextPtr xp;
	xmlXPathCompExprPtr comp;

	if (mapping_get_text(ld, obj, path, key, MAPPING_MAX_XPATH, out) < 0)
		return -1;
	mapping_key(full, path, key);
	xp = xmlXPathNewContext(NULL);
	if (xp == NULL)
		return mapping_fail(ld, full, "sin memoria para compilar el XPath");
	xp->error = mapping_silent_error;
	comp = xmlXPathCtxtCompile(xp, BAD_CAST * out);
	if (comp == NULL) {
		const char *why = xp->lastError.message ? xp->lastError.message : "error";
		size_t wl = strcspn(why, "\n");

		mapping_fail(ld, full, "XPath inválido \"%s\": %.*s", *out, (int)wl, why);
		xmlXPathFreeContext(xp);
		return -1;
	}
	xmlXPathFreeCompExpr(comp);
	xmlXPathFreeContext(xp);
	if (mapping_xpath_prefixes(m, *out, bad, sizeof(bad)) < 0)
		return mapping_fail(ld, full, "prefijo \"%s\" no declarado en namespaces", bad);
	return 0;
}

static int mapping_load_namespaces(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	json_t *obj;
	const char *key;
	json_t *v;
	char full[MAPPING_KEY_LEN];

	if (mapping_get_object(ld, root, "", "namespaces", 1, &obj) < 0)
		return -1;
	json_object_foreach(obj, key, v)
	{
		if (key[0] == '_')
			continue;
		mapping_key(full, "namespaces", key);
		if (m->nns == MAPPING_MAX_NAMESPACES)
			return mapping_fail(ld, "namespaces", "más de %d prefijos",
					    MAPPING_MAX_NAMESPACES);
		if (strlen(key) > MAPPING_MAX_TEXT || !mapping_ncname(key))
			return mapping_fail(ld, full, "prefijo no válido");
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, full, "se esperaba el URI del namespace");
		m->ns[m->nns].prefix = xstrdup(key);
		m->ns[m->nns].uri = xstrdup(json_string_value(v));
		m->nns++;
	}
	return 0;
}

/* "+hh:mm" / "-hh:mm" into minutes east of UTC. */
static int mapping_load_request_date(struct mapping_loader *ld, struct mapping *m,
				     const json_t *root)
{
	char out[MAPPING_DATE_LEN];
	struct tm tm;

	if (mapping_get_text(ld, root, "", "request_date_format", MAPPING_MAX_TEXT,
			     &m->request_date_format) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2024 - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = 31;
	if (strftime_l(out, sizeof(out), m->request_date_format, &tm, m->c_locale) == 0)
		return mapping_fail(ld, "request_date_format",
				    "el formato da un texto vacío o demasiado largo");
	return 0;
}

/* The comparison form of an empty-fault string: folded, and without the final period or
 * spaces real servers add ("No se hallaron registros."). Returns a new string. */
static char *mapping_fault_key(const char *s)
{
	char *f = classify_fold(s);
	size_t n = strlen(f);

	while (n > 0 && strchr(" .;:!", f[n - 1]) != NULL)
		f[--n] = '\0';
	return f;
}

static int mapping_load_fault(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const keys[] = {"node", "code", "string", "client_codes", NULL};
	json_t *o;

	if (mapping_get_object(ld, root, "", "fault", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "fault", keys) < 0 ||
	    mapping_get_xpath(ld, m, o, "fault", "node", &m->fault_node) < 0 ||
	    mapping_get_xpath(ld, m, o, "fault", "code", &m->fault_code) < 0 ||
	    mapping_get_xpath(ld, m, o, "fault", "string", &m->fault_string) < 0 ||
	    mapping_get_strings(ld, o, "fault", "client_codes", m->client_codes, &m->nclient) < 0 ||
	    mapping_get_strings(ld, root, "", "empty_faults", m->empty_faults, &m->nempty) < 0)
		return -1;
	for (size_t i = 0; i < m->nempty; i++) {
		char *k = mapping_fault_key(m->empty_faults[i]);

		free(m->empty_faults[i]);
		m->empty_faults[i] = k;
	}
	return 0;
}

/* op.request: a template whose placeholders are params. */
static int mapping_load_request(struct mapping_loader *ld, const json_t *op, const char *path,
				const char *const *params, size_t nparams, char **out)
{
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	struct buf b;
	int rc;

	if (mapping_get_template(ld, op, path, "request", out) < 0)
		return -1;
	mapping_key(full, path, "request");
	buf_init(&b);
	rc = mapping_expand(*out, params, nparams, NULL, NULL, &b, bad, sizeof(bad));
	buf_free(&b);
	return rc < 0 ? mapping_fail(ld, full, "%s", bad) : 0;
}

static int mapping_load_fields(struct mapping_loader *ld, const struct mapping *m, const json_t *op,
			       const char *path, int is_list, struct mapping_op *out)
{
	char fpath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	json_t *o;
	const char *key;
	json_t *v;

	mapping_key(fpath, path, "fields");
	if (mapping_get_object(ld, op, path, "fields", 1, &o) < 0)
		return -1;
	json_object_foreach(o, key, v)
	{
		int i;

		if (key[0] == '_')
			continue;
		i = mapping_field_index(key);
		mapping_key(full, fpath, key);
		if (i < 0 || (is_list ? mapping_fields[i].list : mapping_fields[i].info) == MN_NO)
			return mapping_fail(ld, full, "campo desconocido para esta operación");
	}
	for (size_t i = 0; i < MAPPING_NFIELDS; i++) {
		enum mapping_need need = is_list ? mapping_fields[i].list : mapping_fields[i].info;

		if (need == MN_NO)
			continue;
		if (need == MN_OPTIONAL && json_object_get(o, mapping_fields[i].name) == NULL)
			continue;
		if (mapping_get_xpath(ld, m, o, fpath, mapping_fields[i].name, &out->fields[i]) < 0)
			return -1;
	}
	return 0;
}

static int mapping_load_op(struct mapping_loader *ld, const struct mapping *m, const json_t *ops,
			   const char *name, int is_list, struct mapping_op *out)
{
	static const char *const list_keys[] = {"name",	       "soap_action", "request",
						"container",   "items",	      "error",
						"date_format", "fields",      NULL};
	static const char *const info_keys[] = {"name",	 "soap_action", "request", "container",
						"error", "date_format", "fields",  NULL};
	char path[MAPPING_KEY_LEN];
	char *opname = NULL;
	json_t *op;

	mapping_key(path, "operations", name);
	if (mapping_get_object(ld, ops, "operations", name, 1, &op) < 0 ||
	    mapping_check_keys(ld, op, path, is_list ? list_keys : info_keys) < 0 ||
	    mapping_get_string(ld, op, path, "name", 0, MAPPING_MAX_TEXT, &opname) < 0 ||
	    mapping_get_string(ld, op, path, "soap_action", 1, MAPPING_MAX_TEXT,
			       &out->soap_action) < 0) {
		free(opname);
		return -1;
	}
	free(opname); /* documentation only */
	if (is_list) {
		if (mapping_load_request(ld, op, path, mapping_list_params,
					 MAPPING_NPARAMS(mapping_list_params), &out->request) < 0)
			return -1;
	} else if (mapping_load_request(ld, op, path, mapping_info_params,
					MAPPING_NPARAMS(mapping_info_params), &out->request) < 0) {
		return -1;
	}
	if (mapping_get_xpath(ld, m, op, path, "container", &out->container) < 0 ||
	    (is_list && mapping_get_xpath(ld, m, op, path, "items", &out->items) < 0) ||
	    mapping_get_xpath(ld, m, op, path, "error", &out->error) < 0 ||
	    mapping_load_date(ld, op, path, &out->date) < 0 ||
	    mapping_load_fields(ld, m, op, path, is_list, out) < 0)
		return -1;
	return 0;
}

int mapping_xml_load(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	static const char *const op_keys[] = {"list", "info", NULL};
	json_t *o;

	if (mapping_get_text(ld, root, "", "endpoint_path", MAPPING_MAX_TEXT, &m->endpoint_path) <
	    0)
		return -1;
	if (m->endpoint_path[0] != '/')
		return mapping_fail(ld, "endpoint_path", "debe empezar con /");
	if (mapping_get_text(ld, root, "", "content_type", MAPPING_MAX_TEXT, &m->content_type) < 0)
		return -1;
	/* namespaces before anything holding an XPath */
	if (mapping_load_namespaces(ld, m, root) < 0 ||
	    mapping_load_request_date(ld, m, root) < 0 || mapping_load_fault(ld, m, root) < 0)
		return -1;
	if (mapping_get_object(ld, root, "", "operations", 1, &o) < 0 ||
	    mapping_check_keys(ld, o, "operations", op_keys) < 0 ||
	    mapping_load_op(ld, m, o, "list", 1, &m->list) < 0 ||
	    mapping_load_op(ld, m, o, "info", 0, &m->info) < 0)
		return -1;
	return 0;
}

static void mapping_free_op(struct mapping_op *op)
{
	free(op->soap_action);
	free(op->request);
	free(op->container);
	free(op->items);
	free(op->error);
	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		free(op->fields[i]);
	mapping_free_date(&op->date);
}

void mapping_xml_free(struct mapping *m)
{
	free(m->endpoint_path);
	free(m->content_type);
	for (size_t i = 0; i < m->nns; i++) {
		free(m->ns[i].prefix);
		free(m->ns[i].uri);
	}
	free(m->request_date_format);
	free(m->fault_node);
	free(m->fault_code);
	free(m->fault_string);
	for (size_t i = 0; i < m->nclient; i++)
		free(m->client_codes[i]);
	for (size_t i = 0; i < m->nempty; i++)
		free(m->empty_faults[i]);
	mapping_free_op(&m->list);
	mapping_free_op(&m->info);
}

const char *mapping_content_type(const struct mapping *m)
{
	return m->content_type;
}

const char *mapping_endpoint_path(const struct mapping *m)
{
	return m->endpoint_path;
}

/* ---------------------------------------------------------------- requests */

/* Appends v XML-escaped. Refuses invalid UTF-8 and control characters (XML 1.0 cannot
 * carry most of them, and no parameter has a reason to). */
static int mapping_escape(struct buf *b, const char *v)
{
	size_t n = strlen(v);

	if (!util_utf8_valid(v, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20)
			return -1;
		switch (c) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&apos;");
			break;
		default:
			buf_append(b, &v[i], 1);
		}
	}
	return 0;
}

/* "YYYY-MM-DD" -> the mapping's request date format. Returns 0 or -1. */
static int mapping_request_date(const struct mapping *m, const char *ymd,
				char out[MAPPING_DATE_LEN])
{
	struct tm tm;
	struct tm chk;
	int y;
	int mo;
	int d;

	if (ymd == NULL || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (ymd[i] < '0' || ymd[i] > '9'))
			return -1;
	}
	if (sscanf(ymd, "%4d-%2d-%2d", &y, &mo, &d) != 3)
		return -1;
	if (y < MAPPING_MIN_YEAR || y > MAPPING_MAX_YEAR || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	chk = tm;
	timegm(&chk);
	if (chk.tm_mday != d || chk.tm_mon != mo - 1)
		return -1; /* 2024-02-30 */
	if (strftime_l(out, MAPPING_DATE_LEN, m->request_date_format, &chk, m->c_locale) == 0)
		return -1;
	return 0;
}

/* mapping_expand's writer for request templates: value i XML-escaped. */
static int mapping_put_escaped(struct buf *out, size_t i, void *arg)
{
	const char *const *values = arg;

	return mapping_escape(out, values[i]);
}

static int mapping_build(const struct mapping_op *op, const char *const *names,
			 const char *const *values, size_t n, char **body, char **soap_action)
{
	char bad[MAPPING_MSG_LEN];
	struct buf b;

	buf_init(&b);
	if (mapping_expand(op->request, names, n, mapping_put_escaped, (void *)values, &b, bad,
			   sizeof(bad)) < 0) {
		log_error("mapping", "no se pudo construir la petición: %s", bad);
		util_wipe(b.data, b.len);
		buf_free(&b);
		return -1;
	}
	*body = buf_steal(&b);
	*soap_action = xstrdup(op->soap_action);
	return 0;
}

int mapping_build_list_request(const struct mapping *m, const char *dependencia,
			       const char *fecha_ini, const char *fecha_fin, const char *key,
			       char **body, char **soap_action)
{
	char ini[MAPPING_DATE_LEN];
	char fin[MAPPING_DATE_LEN];
	const char *values[4];

	if (m == NULL || dependencia == NULL || key == NULL || body == NULL || soap_action == NULL)
		return -1;
	if (mapping_request_date(m, fecha_ini, ini) < 0 ||
	    mapping_request_date(m, fecha_fin, fin) < 0) {
		log_error("mapping", "fecha de ventana no válida (se espera AAAA-MM-DD)");
		return -1;
	}
	values[0] = dependencia;
	values[1] = ini;
	values[2] = fin;
	values[3] = key;
	return mapping_build(&m->list, mapping_list_params, values,
			     MAPPING_NPARAMS(mapping_list_params), body, soap_action);
}

int mapping_build_info_request(const struct mapping *m, const char *numero, const char *key,
			       char **body, char **soap_action)
{
	const char *values[2];

	if (m == NULL || numero == NULL || key == NULL || body == NULL || soap_action == NULL)
		return -1;
	values[0] = numero;
	values[1] = key;
	return mapping_build(&m->info, mapping_info_params, values,
			     MAPPING_NPARAMS(mapping_info_params), body, soap_action);
}

/* ---------------------------------------------------------------- answers */

/* A per-call XPath context (answers are parsed on several threads) with the mapping's
 * prefixes bound. Expressions are compiled per call too: libxml2 caches function lookups
 * inside a compiled expression while evaluating it, so one cannot be shared. */
static xmlXPathContextPtr mapping_xpath_new(const struct mapping *m, xmlDocPtr doc)
{
	xmlXPathContextPtr xp = xmlXPathNewContext(doc);

	if (xp == NULL)
		return NULL;
	xp->error = mapping_silent_error;
	for (size_t i = 0; i < m->nns; i++) {
		if (xmlXPathRegisterNs(xp, BAD_CAST m->ns[i].prefix, BAD_CAST m->ns[i].uri) != 0) {
			xmlXPathFreeContext(xp);
			return NULL;
		}
	}
	return xp;
}

/* Evaluates expr at node. Returns a node-set object (free with xmlXPathFreeObject), or
 * NULL when evaluation failed or gave something else. */
static xmlXPathObjectPtr mapping_nodes(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr o;

	xp->node = node;
	o = xmlXPathEval(BAD_CAST expr, xp);
	if (o != NULL && o->type != XPATH_NODESET) {
		xmlXPathFreeObject(o);
		return NULL;
	}
	return o;
}

static xmlNodePtr mapping_first(xmlXPathObjectPtr o)
{
	if (o == NULL || o->nodesetval == NULL || o->nodesetval->nodeNr == 0)
		return NULL;
	return o->nodesetval->nodeTab[0];
}

/* The string value of expr at node, trimmed of ASCII whitespace ("" when it selects
 * nothing). Returns a new string, or NULL when evaluation failed. */
static char *mapping_string(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr o;
	xmlChar *s;
	const char *b;
	size_t e;
	char *r;

	xp->node = node;
	o = xmlXPathEval(BAD_CAST expr, xp);
	if (o == NULL)
		return NULL;
	s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	if (s == NULL)
		return NULL;
	b = (const char *)s;
	while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
		b++;
	e = strlen(b);
	while (e > 0 &&
	       (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r' || b[e - 1] == '\n'))
		e--;
	r = xstrndup(b, e);
	xmlFree(s);
	return r;
}

static int mapping_is_empty_fault(const struct mapping *m, const char *faultstring)
{
	char *f = mapping_fault_key(faultstring);
	int hit = 0;

	for (size_t i = 0; i < m->nempty && !hit; i++)
		hit = strcmp(f, m->empty_faults[i]) == 0;
	free(f);
	return hit;
}

/* "SOAP-ENV:Client", "Client" or "Client.Auth" with client code "Client": yes. */
static int mapping_is_client_code(const struct mapping *m, const char *code)
{
	const char *local = strrchr(code, ':');

	local = local ? local + 1 : code;
	for (size_t i = 0; i < m->nclient; i++) {
		size_t n = strlen(m->client_codes[i]);

		if (strncmp(local, m->client_codes[i], n) == 0 &&
		    (local[n] == '\0' || local[n] == '.'))
			return 1;
	}
	return 0;
}

/* DS_OK when the answer is no fault; else what the fault means, with err filled.
 * empty: what an empty fault means for this operation. */
static enum ds_answer mapping_check_fault(const struct mapping *m, xmlXPathContextPtr xp,
					  xmlDocPtr doc, enum ds_answer empty, char *err,
					  size_t errlen)
{
	xmlXPathObjectPtr o = mapping_nodes(xp, (xmlNodePtr)doc, m->fault_node);
	xmlNodePtr fault = mapping_first(o);
	char esc_code[MAPPING_MAX_TEXT];
	char esc_str[MAPPING_MSG_LEN];
	char *code = NULL;
	char *str = NULL;
	enum ds_answer a = DS_OK;

	if (fault == NULL)
		goto done;
	code = mapping_string(xp, fault, m->fault_code);
	str = mapping_string(xp, fault, m->fault_string);
	if (code == NULL || str == NULL) {
		a = DS_MALFORMED;
		set_error(err, errlen, "falla SOAP ilegible");
	} else if (mapping_is_empty_fault(m, str)) {
		a = empty;
		set_error(err, errlen, "%s",
			  log_escape(str, strlen(str), esc_str, sizeof(esc_str)));
	} else {
		/* Text from outside: control characters escaped, so a fault string with
		 * newlines cannot forge log lines or break sync_estado. */
		a = mapping_is_client_code(m, code) ? DS_FAULT_CLIENT : DS_FAULT_SERVER;
		set_error(err, errlen, "falla SOAP %s: %s",
			  log_escape(code, strlen(code), esc_code, sizeof(esc_code)),
			  log_escape(str, strlen(str), esc_str, sizeof(esc_str)));
	}
done:
	free(code);
	free(str);
	xmlXPathFreeObject(o);
	return a;
}

/* Finds the operation's container; an <error> inside it is DS_AUTH. Returns DS_OK with
 * *node set, or the meaning with err filled. */
static enum ds_answer mapping_container(const struct mapping_op *op, xmlXPathContextPtr xp,
					xmlDocPtr doc, xmlNodePtr *node, char *err, size_t errlen)
{
	xmlXPathObjectPtr o = mapping_nodes(xp, (xmlNodePtr)doc, op->container);
	xmlXPathObjectPtr e = NULL;
	enum ds_answer a = DS_OK;

	*node = mapping_first(o);
	if (*node == NULL) {
		set_error(err, errlen, "la respuesta no tiene la estructura esperada (%s)",
			  op->container);
		a = DS_MALFORMED;
		goto done;
	}
	e = mapping_nodes(xp, *node, op->error);
	if (mapping_first(e) != NULL) {
		char *text = mapping_string(xp, *node, op->error);
		char esc[MAPPING_MSG_LEN];

		set_error(err, errlen, "el sistema respondió con error: %s",
			  text && text[0] ? log_escape(text, strlen(text), esc, sizeof(esc))
					  : "(sin texto)");
		free(text);
		a = DS_AUTH;
	}
done:
	xmlXPathFreeObject(e);
	xmlXPathFreeObject(o);
	return a;
}

static void mapping_free_values(char *v[MAPPING_NFIELDS])
{
	for (size_t i = 0; i < MAPPING_NFIELDS; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

/* Reads every field the operation maps at node into v (NULL for unmapped fields).
 * Returns 0, or -1 with err filled. */
static int mapping_read_values(const struct mapping_op *op, xmlXPathContextPtr xp, xmlNodePtr node,
			       char *v[MAPPING_NFIELDS], char *err, size_t errlen)
{
	for (size_t i = 0; i < MAPPING_NFIELDS; i++) {
		if (op->fields[i] == NULL)
			continue;
		v[i] = mapping_string(xp, node, op->fields[i]);
		if (v[i] == NULL) {
			set_error(err, errlen, "no se pudo leer el campo %s",
				  mapping_fields[i].name);
			return -1;
		}
	}
	return 0;
}

/* One listed item into f. Returns 0, 1 when the item breaks the mapping's field limits (err
 * names the field: the caller leaves it out), or -1 with err naming the item. */
static int mapping_read_item(const struct mapping *m, xmlXPathContextPtr xp, xmlNodePtr item,
			     size_t index, struct filing *f, char *err, size_t errlen)
{
	char *v[MAPPING_NFIELDS] = {0};
	char iso[UTIL_ISO_LEN];
	char esc[64];
	int folios;
	int rc = -1;

	if (mapping_read_values(&m->list, xp, item, v, err, errlen) < 0)
		goto done;
	if (mapping_check_numero(m, v[MF_NUMERO]) < 0) {
		set_error(err, errlen, "elemento %zu: número de radicado no válido \"%s\"",
			  index + 1, log_escape(v[MF_NUMERO], 40, esc, sizeof(esc)));
		goto done;
	}
	if (mapping_parse_date(m, &m->list.date, v[MF_FECHA], iso) < 0) {
		set_error(err, errlen, "radicado %s: fecha no válida \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FECHA], 40, esc, sizeof(esc)));
		goto done;
	}
	if (mapping_parse_folios(v[MF_FOLIOS], &folios) < 0) {
		set_error(err, errlen, "radicado %s: folios no válidos \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FOLIOS], 40, esc, sizeof(esc)));
		goto done;
	}
	filing_set(&f->numero, v[MF_NUMERO]);
	filing_set(&f->tipo_radicado, mapping_tipo_radicado(m, v[MF_NUMERO]));
	filing_set(&f->fecha_radicacion, iso);
	mapping_set_field(m, f, MF_ASUNTO, v[MF_ASUNTO]);
	mapping_set_field(m, f, MF_RUTA, v[MF_RUTA]);
	f->folios = folios;
	rc = mapping_check_limits(m, f, err, errlen) == 0 ? 0 : 1;
done:
	mapping_free_values(v);
	return rc;
}

/* The parts of one answer the readers share. */
struct mapping_reading {
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlNodePtr container;
};

static void mapping_reading_free(struct mapping_reading *r)
{
	if (r->xp != NULL)
		xmlXPathFreeContext(r->xp);
	if (r->doc != NULL)
		xmlFreeDoc(r->doc);
}

/* Parses the answer of the list (is_list) or detail operation, checks for a fault (empty: what the
 * "no records" fault means here) and finds the container. Returns DS_OK with r filled, or the
 * meaning with err filled; r is freed by the caller either way. */
static enum ds_answer mapping_open_answer(const struct mapping *m, int is_list, const char *body,
					  size_t len, const char *charset,
					  struct mapping_answer_info *info, enum ds_answer empty,
					  struct mapping_reading *r, char *err, size_t errlen)
{
	const struct mapping_op *op;
	enum ds_answer a;

	memset(r, 0, sizeof(*r));
	set_error(err, errlen, "%s", "");
	if (m == NULL || m->format != MAPPING_FORMAT_XML) {
		set_error(err, errlen, "argumentos no válidos");
		return DS_MALFORMED;
	}
	r->doc = mapping_parse_xml_from(body, len, charset, info, err, errlen);
	if (r->doc == NULL)
		return DS_MALFORMED;
	r->xp = mapping_xpath_new(m, r->doc);
	if (r->xp == NULL) {
		set_error(err, errlen, "no se pudo crear el contexto XPath");
		return DS_MALFORMED;
	}
	a = mapping_check_fault(m, r->xp, r->doc, empty, err, errlen);
	if (a != DS_OK)
		return a;
	op = is_list ? &m->list : &m->info;
	return mapping_container(op, r->xp, r->doc, &r->container, err, errlen);
}

enum ds_answer mapping_read_list(const struct mapping *m, const char *body, size_t len,
				 const char *charset, struct filing_list *out,
				 struct mapping_answer_info *info, char *err, size_t errlen)
{
	struct filing_list tmp;
	struct mapping_reading r;
	xmlXPathObjectPtr items = NULL;
	enum ds_answer a;

	filing_list_init(&tmp);
	if (out == NULL) {
		set_error(err, errlen, "argumentos no válidos");
		return DS_MALFORMED;
	}
	a = mapping_open_answer(m, 1, body, len, charset, info, DS_EMPTY, &r, err, errlen);
	if (a != DS_OK)
		goto done;
	a = DS_MALFORMED;
	items = mapping_nodes(r.xp, r.container, m->list.items);
	if (items == NULL) {
		set_error(err, errlen, "no se pudieron leer los elementos (%s)", m->list.items);
		goto done;
	}
	for (int i = 0; items->nodesetval != NULL && i < items->nodesetval->nodeNr; i++) {
		struct filing *f = filing_list_push(&tmp);
		int rc = mapping_read_item(m, r.xp, items->nodesetval->nodeTab[i], (size_t)i, f,
					   err, errlen);

		if (rc < 0)
			goto done;
		if (rc > 0) {
			log_warn("mapping", "radicado rechazado por los límites del mapeo: %s",
				 err);
			filing_free(&tmp.items[--tmp.count]);
		}
	}
	err[0] = '\0';
	mapping_move_filings(&tmp, out);
	a = DS_OK;
done:
	filing_list_free(&tmp);
	xmlXPathFreeObject(items);
	mapping_reading_free(&r);
	return a;
}

/* Checks the detail values against f and the mapping; fills *estado, iso (when f has no
 * date) and *folios (-1: keep f's). Returns DS_OK or the meaning with err filled. */
static enum ds_answer mapping_check_info(const struct mapping *m, const struct filing *f,
					 char *v[MAPPING_NFIELDS], const char **estado,
					 char iso[UTIL_ISO_LEN], int *folios, char *err,
					 size_t errlen)
{
	char esc[64];

	if (v[MF_NUMERO][0] == '\0') {
		set_error(err, errlen, "el sistema no conoce el radicado %s",
			  f->numero[0] ? f->numero : "pedido");
		return DS_NOT_FOUND;
	}
	if (mapping_check_numero(m, v[MF_NUMERO]) < 0) {
		set_error(err, errlen, "número de radicado no válido \"%s\"",
			  log_escape(v[MF_NUMERO], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	if (f->numero[0] != '\0' && strcmp(f->numero, v[MF_NUMERO]) != 0) {
		set_error(err, errlen, "se pidió el radicado %s y el detalle es del %s", f->numero,
			  v[MF_NUMERO]);
		return DS_MALFORMED;
	}
	/* Real getInfoRadicado answers carry no SGD_EANU_CODIGO: then "" (in force). */
	*estado = mapping_table_get(&m->estados, v[MF_ESTADO] ? v[MF_ESTADO] : "");
	if (*estado == NULL) {
		set_error(err, errlen, "radicado %s: código de anulación desconocido \"%s\"",
			  v[MF_NUMERO], log_escape(v[MF_ESTADO], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	iso[0] = '\0';
	if (f->fecha_radicacion[0] == '\0' &&
	    mapping_parse_date(m, &m->info.date, v[MF_FECHA], iso) < 0) {
		set_error(err, errlen, "radicado %s: fecha no válida \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FECHA], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	*folios = -1;
	if (f->folios == 0 && v[MF_FOLIOS] != NULL &&
	    mapping_parse_folios(v[MF_FOLIOS], folios) < 0) {
		set_error(err, errlen, "radicado %s: folios no válidos \"%s\"", v[MF_NUMERO],
			  log_escape(v[MF_FOLIOS], 40, esc, sizeof(esc)));
		return DS_MALFORMED;
	}
	return DS_OK;
}

/* The detail fields that always come from the detail answer. */
static const enum mapping_field mapping_detail_fields[] = {MF_DEP_ORIGEN, MF_DEP_ORIGEN_NOMBRE,
							   MF_DEP_ACTUAL, MF_REMITENTE,
							   MF_TIPO_DOC,	  MF_TIPO_DOC_NOMBRE};

enum ds_answer mapping_read_info(const struct mapping *m, const char *body, size_t len,
				 const char *charset, struct filing *target,
				 struct mapping_answer_info *info, char *err, size_t errlen)
{
	struct filing *f = target;
	char *v[MAPPING_NFIELDS] = {0};
	char iso[UTIL_ISO_LEN];
	const char *estado = NULL;
	int folios = -1;
	struct mapping_reading r;
	struct filing out;
	enum ds_answer a;

	if (f == NULL) {
		set_error(err, errlen, "argumentos no válidos");
		return DS_MALFORMED;
	}
	a = mapping_open_answer(m, 0, body, len, charset, info, DS_NOT_FOUND, &r, err, errlen);
	if (a != DS_OK)
		goto done;
	a = DS_MALFORMED;
	if (mapping_read_values(&m->info, r.xp, r.container, v, err, errlen) < 0)
		goto done;
	a = mapping_check_info(m, f, v, &estado, iso, &folios, err, errlen);
	if (a != DS_OK)
		goto done;
	/* Filled on a copy: f changes only when every check passed. */
	filing_init(&out);
	filing_copy(&out, f);
	f = &out;
	if (f->numero[0] == '\0')
		filing_set(&f->numero, v[MF_NUMERO]);
	if (f->tipo_radicado[0] == '\0')
		filing_set(&f->tipo_radicado, mapping_tipo_radicado(m, f->numero));
	if (f->fecha_radicacion[0] == '\0')
		filing_set(&f->fecha_radicacion, iso);
	if (f->asunto[0] == '\0')
		mapping_set_field(m, f, MF_ASUNTO, v[MF_ASUNTO]);
	if (f->ruta[0] == '\0')
		mapping_set_field(m, f, MF_RUTA, v[MF_RUTA]);
	if (folios >= 0)
		f->folios = folios;
	for (size_t i = 0; i < sizeof(mapping_detail_fields) / sizeof(mapping_detail_fields[0]);
	     i++)
		mapping_set_field(m, f, mapping_detail_fields[i], v[mapping_detail_fields[i]]);
	mapping_name_dependency(m, f);
	filing_set(&f->estado_ds, estado);
	f->has_detail = 1;
	if (mapping_check_limits(m, f, err, errlen) < 0) {
		a = DS_REFUSED;
		filing_free(&out);
	} else {
		filing_free(target);
		*target = out;
	}
done:
	mapping_free_values(v);
	mapping_reading_free(&r);
	return a;
}

enum ds_answer mapping_parse_list(const struct mapping *m, const char *body, size_t len,
				  struct filing_list *out, char *err, size_t errlen)
{
	return mapping_read_list(m, body, len, NULL, out, NULL, err, errlen);
}

enum ds_answer mapping_parse_info(const struct mapping *m, const char *body, size_t len,
				  struct filing *f, char *err, size_t errlen)
{
	return mapping_read_info(m, body, len, NULL, f, NULL, err, errlen);
}
