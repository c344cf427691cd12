/* mapping_json.c -- the json format of a mapping: loads and validates the requests (method,
 * URL, query, form, JSON body, headers: templates whose variables each request may use),
 * authentication, paging, where the answer's items and fields are (JSON Pointers), the
 * date format and the error rules; every error names the file and the key's path. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mapping_json_int.h"
#include "util.h"

const char *const mapping_json_keys[] = {"request_date_format",
					 "multi_separator",
					 "accept",
					 "auth",
					 "requests",
					 "errors",
					 NULL};

static const char *const mj_request_names[MAPPING_REQUEST_COUNT] = {
    [MR_LIST] = "list",
    [MR_MODIFIED] = "modified",
    [MR_CHANGES] = "changes",
    [MR_LATEST_TOKEN] = "latest_token",
    [MR_INFO] = "info",
};

/* The variables every request may use, and each request's own. */
#define MJ_COMMON_VARS                                                                             \
	(MJV_BIT(MJV_URL) | MJV_BIT(MJV_ORIGEN) | MJV_BIT(MJV_DEPENDENCIA) | MJV_BIT(MJV_USER) |  \
	 MJV_BIT(MJV_KEY))
static const unsigned mj_request_vars[MAPPING_REQUEST_COUNT] = {
    [MR_LIST] = MJV_BIT(MJV_DESDE) | MJV_BIT(MJV_HASTA) | MJV_BIT(MJV_DESDE_INICIO) |
		MJV_BIT(MJV_HASTA_FIN),
    [MR_MODIFIED] = MJV_BIT(MJV_DESDE) | MJV_BIT(MJV_HASTA),
    [MR_CHANGES] = MJV_BIT(MJV_TOKEN),
    [MR_LATEST_TOKEN] = 0,
    [MR_INFO] = MJV_BIT(MJV_NUMERO),
};

static const char *const mj_paging_names[] = {[MP_NONE] = "none",
					      [MP_OFFSET] = "offset",
					      [MP_PAGE] = "page",
					      [MP_NEXT_LINK] = "next_link",
					      [MP_TOKEN] = "token"};

static const struct {
	const char *name;
	enum ds_answer means;
} mj_means[] = {
    {"auth", DS_AUTH},		{"client", DS_FAULT_CLIENT}, {"server", DS_FAULT_SERVER},
    {"not_found", DS_NOT_FOUND}, {"empty", DS_EMPTY},	     {"token_expired", DS_TOKEN_EXPIRED},
};

const char *mapping_request_name(enum mapping_request r)
{
	return (size_t)r < MAPPING_REQUEST_COUNT ? mj_request_names[r] : "";
}

static int mj_request_index(const char *name)
{
	for (size_t i = 0; i < MAPPING_REQUEST_COUNT; i++) {
		if (strcmp(name, mj_request_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* ---------------------------------------------------------------- small loaders */

/* obj.key, a pointer or a list of pointers (alternatives), into ps. Missing: ps stays empty
 * (an error when required). */
static int mj_load_pointers(struct mapping_loader *ld, const json_t *obj, const char *path,
			    const char *key, int required, struct mj_pointers *ps)
{
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	const json_t *v = json_object_get(obj, key);
	size_t n;

	mapping_key(full, path, key);
	if (v == NULL)
		return required ? mapping_fail(ld, full, "falta") : 0;
	n = json_is_array(v) ? json_array_size(v) : 1;
	if ((!json_is_string(v) && !json_is_array(v)) || n == 0 || n > MJ_MAX_ALTERNATIVES)
		return mapping_fail(ld, full,
				    "se esperaba un puntero JSON o una lista de 1 a %d punteros",
				    MJ_MAX_ALTERNATIVES);
	ps->p = xcalloc(n, sizeof(*ps->p));
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;

		if (!json_is_string(e))
			return mapping_fail(ld, full, "el elemento %zu no es un texto", i);
		if (mj_pointer_compile(json_string_value(e), &ps->p[i], bad, sizeof(bad)) < 0)
			return mapping_fail(ld, full, "%s", bad);
		ps->n++;
	}
	return 0;
}

/* A scalar or a list of 1..MJ_MAX_VALUES scalars, as a new JSON array. NULL when bad. */
static json_t *mj_scalars(const json_t *v)
{
	json_t *out = json_array();
	size_t i;
	const json_t *e;

	if (!json_is_array(v)) {
		if (json_is_object(v) || v == NULL) {
			json_decref(out);
			return NULL;
		}
		json_array_append(out, (json_t *)v);
		return out;
	}
	if (json_array_size(v) == 0 || json_array_size(v) > MJ_MAX_VALUES) {
		json_decref(out);
		return NULL;
	}
	json_array_foreach(v, i, e)
	{
		if (json_is_object(e) || json_is_array(e)) {
			json_decref(out);
			return NULL;
		}
		json_array_append(out, (json_t *)e);
	}
	return out;
}

/* A header name: an HTTP token (RFC 9110 tchar), not one the client writes itself. */
static int mj_check_header_name(struct mapping_loader *ld, const char *full, const char *name)
{
	static const char *const own[] = {"Accept", "Content-Type", "Content-Length", "Host",
					  "Transfer-Encoding", "Connection", "Expect", NULL};

	if (name[0] == '\0' || strlen(name) > MAPPING_MAX_TEXT ||
	    strspn(name, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "abcdefghijklmnopqrstuvwxyz") != strlen(name))
		return mapping_fail(ld, full, "nombre de encabezado no válido");
	for (size_t i = 0; own[i] != NULL; i++) {
		if (strcasecmp(name, own[i]) == 0)
			return mapping_fail(ld, full,
					    "segcont escribe %s por su cuenta (Accept: la clave "
					    "accept; Content-Type: según form o json_body)",
					    own[i]);
	}
	return 0;
}

/* obj.key, an object of name -> template, into ps. */
static int mj_load_params(struct mapping_loader *ld, const json_t *obj, const char *path,
			  const char *key, unsigned vars, enum mj_context ctx, struct mj_params *ps)
{
	char full[MAPPING_KEY_LEN];
	char item[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	json_t *o;
	const char *name;
	json_t *v;

	mapping_key(full, path, key);
	if (mapping_get_object(ld, obj, path, key, 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (json_object_size(o) > MJ_MAX_PARAMS)
		return mapping_fail(ld, full, "más de %d entradas", MJ_MAX_PARAMS);
	ps->e = xcalloc(json_object_size(o) + 1, sizeof(*ps->e));
	json_object_foreach(o, name, v)
	{
		struct mj_param *p;

		if (name[0] == '_')
			continue;
		mapping_key(item, full, name);
		if (name[0] == '\0' || strlen(name) > MAPPING_MAX_TEXT)
			return mapping_fail(ld, item, "nombre vacío o demasiado largo");
		if (ctx == MJX_HEADER && mj_check_header_name(ld, item, name) < 0)
			return -1;
		if (!json_is_string(v))
			return mapping_fail(ld, item, "se esperaba un texto (una plantilla)");
		p = &ps->e[ps->n];
		if (mj_template_parse(json_string_value(v), vars, ctx, &p->value, bad,
				      sizeof(bad)) < 0)
			return mapping_fail(ld, item, "%s", bad);
		p->name = xstrdup(name);
		p->only_var = p->value.n == 1 && p->value.parts[0].lit == NULL;
		ps->n++;
	}
	return 0;
}

/* Checks every string of a json_body value as a template; path names where it is. */
static int mj_check_json_body(struct mapping_loader *ld, const json_t *v, const char *path,
			      unsigned vars, int depth)
{
	char item[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	const char *key;
	json_t *e;
	size_t i;

	if (depth > MAPPING_JSON_MAX_DEPTH)
		return mapping_fail(ld, path, "anidado a más de %d niveles", MAPPING_JSON_MAX_DEPTH);
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e)
		{
			if (key[0] == '_')
				continue;
			mapping_key(item, path, key);
			if (mj_check_json_body(ld, e, item, vars, depth + 1) < 0)
				return -1;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
		{
			char idx[24];

			snprintf(idx, sizeof(idx), "%zu", i);
			mapping_key(item, path, idx);
			if (mj_check_json_body(ld, e, item, vars, depth + 1) < 0)
				return -1;
		}
	} else if (json_is_string(v)) {
		struct mj_template t;

		if (mj_template_parse(json_string_value(v), vars, MJX_JSON, &t, bad, sizeof(bad)) <
		    0)
			return mapping_fail(ld, path, "%s", bad);
		mj_template_free(&t);
	}
	return 0;
}

/* obj.key among names (NULL-terminated) into *out (its index); missing: def. */
static int mj_load_choice(struct mapping_loader *ld, const json_t *obj, const char *path,
			  const char *key, const char *const *names, size_t nnames, int def,
			  int *out)
{
	char full[MAPPING_KEY_LEN];
	const json_t *v = json_object_get(obj, key);
	struct buf list;

	mapping_key(full, path, key);
	*out = def;
	if (v == NULL)
		return 0;
	for (size_t i = 0; json_is_string(v) && i < nnames; i++) {
		if (names[i] != NULL && strcmp(json_string_value(v), names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	buf_init(&list);
	for (size_t i = 0; i < nnames; i++) {
		if (names[i] != NULL)
			buf_printf(&list, "%s\"%s\"", list.len ? ", " : "", names[i]);
	}
	mapping_fail(ld, full, "se esperaba uno de %s", list.data);
	buf_free(&list);
	return -1;
}

/* obj.key as a long in [min, max]; missing: def. */
static int mj_load_long(struct mapping_loader *ld, const json_t *obj, const char *path,
			const char *key, long min, long max, long def, long *out)
{
	char full[MAPPING_KEY_LEN];
	const json_t *v = json_object_get(obj, key);

	mapping_key(full, path, key);
	*out = def;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return mapping_fail(ld, full, "se esperaba un número entero");
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return mapping_fail(ld, full, "fuera de rango (%ld a %ld)", min, max);
	*out = (long)json_integer_value(v);
	return 0;
}

/* ---------------------------------------------------------------- paging */

static int mj_load_paging(struct mapping_loader *ld, const json_t *op, const char *path,
			  enum mapping_request r, struct mj_request *rq)
{
	static const char *const keys[][8] = {
	    [MP_NONE] = {"kind", NULL},
	    [MP_OFFSET] = {"kind", "page_size", "max_pages", "has_more", "total", NULL},
	    [MP_PAGE] = {"kind", "page_size", "first_page", "max_pages", "has_more", "total",
			 NULL},
	    [MP_NEXT_LINK] = {"kind", "page_size", "max_pages", "next", NULL},
	    [MP_TOKEN] = {"kind", "page_size", "max_pages", "has_more", "next", "repeats_last",
			  NULL},
	};
	char ppath[MAPPING_KEY_LEN];
	struct mapping_paging *pg = &rq->paging;
	json_t *o;
	int kind;

	memset(pg, 0, sizeof(*pg));
	pg->kind = MP_NONE;
	pg->max_pages = 1;
	mapping_key(ppath, path, "paging");
	if (mapping_get_object(ld, op, path, "paging", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (r == MR_INFO || r == MR_LATEST_TOKEN)
		return mapping_fail(ld, ppath, "la petición %s no pagina", mj_request_names[r]);
	if (mj_load_choice(ld, o, ppath, "kind", mj_paging_names, 5, -1, &kind) < 0)
		return -1;
	if (kind < 0)
		return mapping_fail(ld, ppath, "falta kind (none, offset, page, next_link, token)");
	pg->kind = (enum mapping_paging_kind)kind;
	if (mapping_check_keys(ld, o, ppath, keys[kind]) < 0 ||
	    mj_load_long(ld, o, ppath, "page_size", 1, MJ_MAX_PAGE_SIZE, MJ_DEFAULT_PAGE_SIZE,
			 &pg->page_size) < 0 ||
	    mj_load_long(ld, o, ppath, "first_page", 0, 1000000, 1, &pg->first_page) < 0 ||
	    mj_load_long(ld, o, ppath, "max_pages", 1, MJ_MAX_PAGES,
			 kind == MP_NONE ? 1 : MJ_DEFAULT_MAX_PAGES, &pg->max_pages) < 0 ||
	    mapping_get_bool(ld, o, ppath, "repeats_last", &pg->repeats_last) < 0 ||
	    mj_load_pointers(ld, o, ppath, "has_more", 0, &rq->has_more) < 0 ||
	    mj_load_pointers(ld, o, ppath, "total", 0, &rq->total) < 0 ||
	    mj_load_pointers(ld, o, ppath, "next", kind == MP_NEXT_LINK || kind == MP_TOKEN,
			     &rq->next) < 0)
		return -1;
	if (kind == MP_TOKEN && r != MR_CHANGES && r != MR_LIST && r != MR_MODIFIED)
		return mapping_fail(ld, ppath, "kind token no vale aquí");
	return 0;
}

/* The variables paging gives the request's templates. */
static unsigned mj_paging_vars(enum mapping_paging_kind k)
{
	switch (k) {
	case MP_OFFSET:
		return MJV_BIT(MJV_OFFSET) | MJV_BIT(MJV_LIMIT);
	case MP_PAGE:
		return MJV_BIT(MJV_PAGE) | MJV_BIT(MJV_LIMIT);
	case MP_NEXT_LINK:
		return MJV_BIT(MJV_LIMIT);
	case MP_TOKEN:
		return MJV_BIT(MJV_TOKEN) | MJV_BIT(MJV_LIMIT);
	case MP_NONE:
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- answers */

/* "fields": field -> pointer(s); numero is required, fecha_radicacion for complete items. */
static int mj_load_fields(struct mapping_loader *ld, const json_t *ans, const char *path,
			  struct mj_request *rq)
{
	char fpath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	json_t *o;
	const char *key;
	json_t *v;

	mapping_key(fpath, path, "fields");
	if (mapping_get_object(ld, ans, path, "fields", 1, &o) < 0)
		return -1;
	json_object_foreach(o, key, v)
	{
		int f;

		if (key[0] == '_')
			continue;
		mapping_key(full, fpath, key);
		if (strcmp(key, "tipo_radicado") == 0) {
			if (mj_load_pointers(ld, o, fpath, key, 1, &rq->tipo_radicado) < 0)
				return -1;
			continue;
		}
		f = mapping_field_index(key);
		if (f < 0)
			return mapping_fail(ld, full, "campo desconocido");
		if (mj_load_pointers(ld, o, fpath, key, 1, &rq->fields[f]) < 0)
			return -1;
	}
	if (rq->fields[MF_NUMERO].n == 0) {
		mapping_key(full, fpath, "numero");
		return mapping_fail(ld, full, "falta");
	}
	return 0;
}

/* "filter": {pointer: value or [values]}. */
static int mj_load_filter(struct mapping_loader *ld, const json_t *ans, const char *path,
			  struct mj_request *rq)
{
	char fpath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	json_t *o;
	const char *key;
	json_t *v;

	mapping_key(fpath, path, "filter");
	if (mapping_get_object(ld, ans, path, "filter", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (json_object_size(o) > MJ_MAX_FILTERS)
		return mapping_fail(ld, fpath, "más de %d punteros", MJ_MAX_FILTERS);
	rq->filters = xcalloc(json_object_size(o) + 1, sizeof(*rq->filters));
	json_object_foreach(o, key, v)
	{
		struct mj_match *mt;

		if (key[0] == '_')
			continue;
		mapping_key(full, fpath, key);
		mt = &rq->filters[rq->nfilters];
		if (mj_pointer_compile(key, &mt->ptr, bad, sizeof(bad)) < 0)
			return mapping_fail(ld, full, "%s", bad);
		rq->nfilters++;
		mt->values = mj_scalars(v);
		if (mt->values == NULL)
			return mapping_fail(ld, full,
					    "se esperaba un texto, número o booleano, o una lista "
					    "de 1 a %d de ellos",
					    MJ_MAX_VALUES);
	}
	return 0;
}

/* "change_types": {"created": "upsert", ...}. */
static int mj_load_change_types(struct mapping_loader *ld, const json_t *ans, const char *path,
				struct mj_request *rq)
{
	static const char *const what[] = {[MJC_UPSERT] = "upsert", [MJC_DELETE] = "delete",
					   [MJC_IGNORE] = "ignore"};
	char cpath[MAPPING_KEY_LEN];
	json_t *o;
	const char *key;
	json_t *v;
	int w;

	mapping_key(cpath, path, "change_types");
	if (mapping_get_object(ld, ans, path, "change_types", 1, &o) < 0)
		return -1;
	if (json_object_size(o) > MJ_MAX_CHANGE_TYPES)
		return mapping_fail(ld, cpath, "más de %d tipos", MJ_MAX_CHANGE_TYPES);
	rq->changes = xcalloc(json_object_size(o) + 1, sizeof(*rq->changes));
	json_object_foreach(o, key, v)
	{
		if (key[0] == '_')
			continue;
		if (mj_load_choice(ld, o, cpath, key, what, 3, -1, &w) < 0)
			return -1;
		rq->changes[rq->nchanges].name = xstrdup(key);
		rq->changes[rq->nchanges].what = (enum mj_change)w;
		rq->nchanges++;
	}
	return 0;
}

static int mj_load_answer(struct mapping_loader *ld, const json_t *op, const char *path,
			  enum mapping_request r, struct mj_request *rq)
{
	static const char *const keys[MAPPING_REQUEST_COUNT][8] = {
	    [MR_LIST] = {"items", "filter", "fields", NULL},
	    [MR_MODIFIED] = {"items", "filter", "fields", NULL},
	    [MR_CHANGES] = {"items", "filter", "fields", "change_type", "change_types", NULL},
	    [MR_LATEST_TOKEN] = {"token", NULL},
	    [MR_INFO] = {"items", "filter", "fields", NULL},
	};
	char apath[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	json_t *ans;

	mapping_key(apath, path, "answer");
	if (mapping_get_object(ld, op, path, "answer", 1, &ans) < 0 ||
	    mapping_check_keys(ld, ans, apath, keys[r]) < 0)
		return -1;
	/* answer.token, like every pointer key of an answer, is one pointer or a list of
	 * alternatives tried in order: the first that yields a value (present and not null)
	 * wins. cmis-browser gives "/latestChangeLogToken" and then the same key under "*"
	 * (any member): the repository infos at the repository URL, or under the repository
	 * id when url names the service. */
	if (r == MR_LATEST_TOKEN)
		return mj_load_pointers(ld, ans, apath, "token", 1, &rq->token);
	if (mj_load_pointers(ld, ans, apath, "items", 1, &rq->items) < 0 ||
	    mj_load_filter(ld, ans, apath, rq) < 0 || mj_load_fields(ld, ans, apath, rq) < 0)
		return -1;
	if (r == MR_CHANGES) {
		if (mj_load_pointers(ld, ans, apath, "change_type", 1, &rq->change_type) < 0 ||
		    mj_load_change_types(ld, ans, apath, rq) < 0)
			return -1;
		for (size_t i = 0; i < rq->nchanges; i++) {
			if (rq->changes[i].what == MJC_DELETE && rq->fields[MF_ID_SGD].n == 0) {
				mapping_key(full, apath, "fields.id_sgd");
				return mapping_fail(ld, full,
						    "falta: los cambios \"delete\" se reconocen por "
						    "él");
			}
		}
	}
	return 0;
}

/* "date_format": {"epoch_ms": true} | {"iso8601": true} | the strptime form of the XML
 * format; absent: iso8601. */
static int mj_load_date(struct mapping_loader *ld, const json_t *op, const char *path,
			struct mj_request *rq)
{
	static const char *const iso_formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
						  "%Y-%m-%d"};
	char dpath[MAPPING_KEY_LEN];
	const json_t *o = json_object_get(op, "date_format");
	const char *const one[] = {"epoch_ms", NULL};
	const char *const other[] = {"iso8601", NULL};
	int flag = 0;

	mapping_key(dpath, path, "date_format");
	rq->date_kind = MJD_ISO8601;
	if (json_is_object(o) && json_object_get(o, "epoch_ms") != NULL) {
		if (mapping_check_keys(ld, o, dpath, one) < 0 ||
		    mapping_get_bool(ld, o, dpath, "epoch_ms", &flag) < 0)
			return -1;
		if (!flag)
			return mapping_fail(ld, dpath, "epoch_ms: true, o quítelo");
		rq->date_kind = MJD_EPOCH_MS;
		return 0;
	}
	if (json_is_object(o) && json_object_get(o, "iso8601") != NULL) {
		if (mapping_check_keys(ld, o, dpath, other) < 0 ||
		    mapping_get_bool(ld, o, dpath, "iso8601", &flag) < 0)
			return -1;
		if (!flag)
			return mapping_fail(ld, dpath, "iso8601: true, o quítelo");
	} else if (o != NULL) {
		rq->date_kind = MJD_STRPTIME;
		return mapping_load_date(ld, op, path, &rq->date);
	}
	for (size_t i = 0; i < sizeof(iso_formats) / sizeof(iso_formats[0]); i++)
		rq->date.formats[rq->date.nformats++] = xstrdup(iso_formats[i]);
	rq->date.fraction = 1;
	rq->date.offset = 1;
	return 0;
}

/* ---------------------------------------------------------------- requests */

static int mj_load_request(struct mapping_loader *ld, const json_t *reqs, enum mapping_request r,
			   struct mj_request *rq)
{
	static const char *const keys[] = {"method", "url",    "query",	   "form",
					   "json_body", "headers", "paging", "answer",
					   "complete", "date_format", NULL};
	static const char *const methods[] = {"GET", "POST"};
	char path[MAPPING_KEY_LEN];
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	const char *name = mj_request_names[r];
	json_t *op;
	const json_t *v;
	unsigned vars;
	int post;

	mapping_key(path, "requests", name);
	if (mapping_get_object(ld, reqs, "requests", name, 0, &op) < 0)
		return -1;
	if (op == NULL)
		return 0;
	rq->present = 1;
	if (mapping_check_keys(ld, op, path, keys) < 0 ||
	    mj_load_choice(ld, op, path, "method", methods, 2, 0, &post) < 0 ||
	    mj_load_paging(ld, op, path, r, rq) < 0)
		return -1;
	rq->post = post;
	vars = MJ_COMMON_VARS | mj_request_vars[r] | mj_paging_vars(rq->paging.kind);
	v = json_object_get(op, "url");
	mapping_key(full, path, "url");
	if (v != NULL && !json_is_string(v))
		return mapping_fail(ld, full, "se esperaba un texto (una plantilla)");
	if (mj_template_parse(v != NULL ? json_string_value(v) : "{{url}}", vars, MJX_URL,
			      &rq->url, bad, sizeof(bad)) < 0)
		return mapping_fail(ld, full, "%s", bad);
	if (mj_load_params(ld, op, path, "query", vars, MJX_QUERY, &rq->query) < 0 ||
	    mj_load_params(ld, op, path, "form", vars, MJX_QUERY, &rq->form) < 0 ||
	    mj_load_params(ld, op, path, "headers", vars, MJX_HEADER, &rq->headers) < 0)
		return -1;
	v = json_object_get(op, "json_body");
	if (v != NULL) {
		mapping_key(full, path, "json_body");
		if (mj_check_json_body(ld, v, full, vars, 0) < 0)
			return -1;
		rq->json_body = json_deep_copy(v);
	}
	if ((rq->form.n > 0 || rq->json_body != NULL) && !rq->post)
		return mapping_fail(ld, path, "form y json_body necesitan \"method\": \"POST\"");
	if (rq->form.n > 0 && rq->json_body != NULL)
		return mapping_fail(ld, path, "form o json_body, no los dos");
	rq->complete = r == MR_CHANGES || r == MR_INFO;
	if (json_object_get(op, "complete") != NULL &&
	    mapping_get_bool(ld, op, path, "complete", &rq->complete) < 0)
		return -1;
	if (mj_load_answer(ld, op, path, r, rq) < 0)
		return -1;
	if (r != MR_LATEST_TOKEN && mj_load_date(ld, op, path, rq) < 0)
		return -1;
	if (rq->complete && r != MR_LATEST_TOKEN && rq->fields[MF_FECHA].n == 0) {
		mapping_key(full, path, "answer.fields.fecha_radicacion");
		return mapping_fail(ld, full, "falta (la petición da radicados completos)");
	}
	return 0;
}

/* Which requests the cursor kind and the items' completeness need. */
static int mj_check_requests(struct mapping_loader *ld, const struct mapping *m)
{
	const struct mapping_json *j = m->json;
	enum mapping_request need[3];
	size_t n = 0;

	switch (m->cursor) {
	case MAPPING_CURSOR_FECHA:
		need[n++] = MR_LIST;
		break;
	case MAPPING_CURSOR_INSTANTE:
		need[n++] = MR_MODIFIED;
		break;
	case MAPPING_CURSOR_TOKEN:
		need[n++] = MR_LIST;
		need[n++] = MR_CHANGES;
		need[n++] = MR_LATEST_TOKEN;
		break;
	}
	for (size_t i = 0; i < n; i++) {
		if (!j->req[need[i]].present) {
			char full[MAPPING_KEY_LEN];

			mapping_key(full, "requests", mj_request_names[need[i]]);
			return mapping_fail(ld, full, "falta (el cursor \"%s\" la necesita)",
					    mapping_cursor_name(m->cursor));
		}
	}
	for (size_t r = 0; r < MAPPING_REQUEST_COUNT; r++) {
		if (r == MR_INFO || r == MR_LATEST_TOKEN || !j->req[r].present ||
		    j->req[r].complete || j->req[MR_INFO].present)
			continue;
		return mapping_fail(ld, "requests.info",
				    "falta: los elementos de %s no son completos (\"complete\": "
				    "false) y se completan con info",
				    mj_request_names[r]);
	}
	return 0;
}

/* ---------------------------------------------------------------- auth, errors */

static int mj_load_auth(struct mapping_loader *ld, const json_t *root, struct mapping_json *j)
{
	static const char *const kinds[] = {[MA_NONE] = "none", [MA_BASIC] = "basic",
					    [MA_BEARER] = "bearer", [MA_OAUTH2] = "oauth2"};
	static const char *const keys[][6] = {
	    [MA_NONE] = {"kind", NULL},
	    [MA_BASIC] = {"kind", NULL},
	    [MA_BEARER] = {"kind", "header", "prefix", NULL},
	    [MA_OAUTH2] = {"kind", "token_url", "scope", "client_auth", NULL},
	};
	static const char *const client_auth[] = {"basic", "form"};
	char bad[MAPPING_MSG_LEN];
	json_t *o;
	int kind;

	j->auth_kind = MA_NONE;
	if (mapping_get_object(ld, root, "", "auth", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (mj_load_choice(ld, o, "auth", "kind", kinds, 4, -1, &kind) < 0)
		return -1;
	if (kind < 0)
		return mapping_fail(ld, "auth.kind", "falta (none, basic, bearer u oauth2)");
	j->auth_kind = (enum mapping_auth_kind)kind;
	if (mapping_check_keys(ld, o, "auth", keys[kind]) < 0)
		return -1;
	if (j->auth_kind == MA_BEARER) {
		j->auth_header = xstrdup("Authorization");
		j->auth_prefix = xstrdup("Bearer ");
		if (mapping_get_string(ld, o, "auth", "header", 0, MAPPING_MAX_TEXT,
				       &j->auth_header) < 0 ||
		    mapping_get_string(ld, o, "auth", "prefix", 0, MAPPING_MAX_TEXT,
				       &j->auth_prefix) < 0)
			return -1;
		if (strcasecmp(j->auth_header, "Authorization") != 0 &&
		    mj_check_header_name(ld, "auth.header", j->auth_header) < 0)
			return -1;
		if (strpbrk(j->auth_prefix, "\r\n") != NULL)
			return mapping_fail(ld, "auth.prefix", "no puede llevar saltos de línea");
	}
	if (j->auth_kind == MA_OAUTH2) {
		struct mj_template t;
		int form;

		if (mapping_get_text(ld, o, "auth", "token_url", MAPPING_MAX_TEXT, &j->token_url) <
			0 ||
		    mapping_get_string(ld, o, "auth", "scope", 0, MAPPING_MAX_TEXT, &j->scope) < 0 ||
		    mj_load_choice(ld, o, "auth", "client_auth", client_auth, 2, 0, &form) < 0)
			return -1;
		j->client_auth_form = form;
		if (mj_template_parse(j->token_url,
				      MJV_BIT(MJV_URL) | MJV_BIT(MJV_ORIGEN) |
					  MJV_BIT(MJV_DEPENDENCIA) | MJV_BIT(MJV_USER),
				      MJX_URL, &t, bad, sizeof(bad)) < 0)
			return mapping_fail(ld, "auth.token_url", "%s", bad);
		mj_template_free(&t);
	}
	return 0;
}

static int mj_load_rule(struct mapping_loader *ld, const json_t *o, const char *path,
			struct mj_rule *rule)
{
	static const char *const keys[] = {"status", "pointer", "equals", "requests", "means",
					   NULL};
	char full[MAPPING_KEY_LEN];
	char bad[MAPPING_MSG_LEN];
	const char *means_names[sizeof(mj_means) / sizeof(mj_means[0])];
	const json_t *v;
	int means;

	if (!json_is_object(o))
		return mapping_fail(ld, path, "se esperaba un objeto");
	if (mapping_check_keys(ld, o, path, keys) < 0)
		return -1;
	v = json_object_get(o, "status");
	mapping_key(full, path, "status");
	if (v != NULL) {
		size_t n = json_is_array(v) ? json_array_size(v) : 1;

		if (n == 0 || n > MJ_MAX_VALUES)
			return mapping_fail(ld, full, "se esperaba un estado HTTP o una lista");
		for (size_t i = 0; i < n; i++) {
			const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;

			if (!json_is_integer(e) || json_integer_value(e) < 100 ||
			    json_integer_value(e) > 599)
				return mapping_fail(ld, full, "se esperaba un estado HTTP (100 a 599)");
			rule->status[rule->nstatus++] = (long)json_integer_value(e);
		}
	}
	v = json_object_get(o, "pointer");
	mapping_key(full, path, "pointer");
	if (v != NULL) {
		if (!json_is_string(v))
			return mapping_fail(ld, full, "se esperaba un puntero JSON");
		if (mj_pointer_compile(json_string_value(v), &rule->pointer, bad, sizeof(bad)) < 0)
			return mapping_fail(ld, full, "%s", bad);
		rule->has_pointer = 1;
	}
	v = json_object_get(o, "equals");
	mapping_key(full, path, "equals");
	if (v != NULL) {
		if (!rule->has_pointer)
			return mapping_fail(ld, full, "equals va con pointer");
		rule->equals = mj_scalars(v);
		if (rule->equals == NULL)
			return mapping_fail(ld, full, "se esperaba un valor o una lista de valores");
	}
	v = json_object_get(o, "requests");
	mapping_key(full, path, "requests");
	if (v != NULL) {
		size_t n = json_is_array(v) ? json_array_size(v) : 0;

		if (n == 0)
			return mapping_fail(ld, full, "se esperaba una lista de peticiones");
		for (size_t i = 0; i < n; i++) {
			const json_t *e = json_array_get(v, i);
			int r = json_is_string(e) ? mj_request_index(json_string_value(e)) : -1;

			if (r < 0)
				return mapping_fail(ld, full, "el elemento %zu no es una petición "
							      "(list, modified, changes, "
							      "latest_token, info)",
						    i);
			rule->requests |= 1u << r;
		}
	}
	if (rule->nstatus == 0 && !rule->has_pointer)
		return mapping_fail(ld, path, "una regla necesita status o pointer");
	for (size_t i = 0; i < sizeof(mj_means) / sizeof(mj_means[0]); i++)
		means_names[i] = mj_means[i].name;
	mapping_key(full, path, "means");
	if (json_object_get(o, "means") == NULL)
		return mapping_fail(ld, full, "falta");
	if (mj_load_choice(ld, o, path, "means", means_names,
			   sizeof(mj_means) / sizeof(mj_means[0]), 0, &means) < 0)
		return -1;
	rule->means = mj_means[means].means;
	return 0;
}

static int mj_load_errors(struct mapping_loader *ld, const json_t *root, struct mapping_json *j)
{
	static const char *const keys[] = {"message", "rules", NULL};
	json_t *o;
	const json_t *rules;
	const json_t *e;
	size_t i;

	if (mapping_get_object(ld, root, "", "errors", 0, &o) < 0)
		return -1;
	if (o == NULL)
		return 0;
	if (mapping_check_keys(ld, o, "errors", keys) < 0 ||
	    mj_load_pointers(ld, o, "errors", "message", 0, &j->message) < 0)
		return -1;
	rules = json_object_get(o, "rules");
	if (rules == NULL)
		return 0;
	if (!json_is_array(rules) || json_array_size(rules) > MJ_MAX_RULES)
		return mapping_fail(ld, "errors.rules", "se esperaba una lista de hasta %d reglas",
				    MJ_MAX_RULES);
	j->rules = xcalloc(json_array_size(rules) + 1, sizeof(*j->rules));
	json_array_foreach(rules, i, e)
	{
		char path[MAPPING_KEY_LEN];

		snprintf(path, sizeof(path), "errors.rules.%zu", i);
		j->nrules++;
		if (mj_load_rule(ld, e, path, &j->rules[i]) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the format */

int mapping_json_load(struct mapping_loader *ld, struct mapping *m, const json_t *root)
{
	char bad[MAPPING_MSG_LEN];
	struct mapping_json *j = xcalloc(1, sizeof(*j));
	json_t *reqs;

	m->json = j;
	j->request_date_format = xstrdup("%Y-%m-%d");
	j->multi_separator = xstrdup("; ");
	j->accept = xstrdup("application/json");
	if (mapping_get_string(ld, root, "", "request_date_format", 0, MAPPING_MAX_TEXT,
			       &j->request_date_format) < 0 ||
	    mapping_get_string(ld, root, "", "multi_separator", 0, MAPPING_MAX_TEXT,
			       &j->multi_separator) < 0 ||
	    mapping_get_string(ld, root, "", "accept", 0, MAPPING_MAX_TEXT, &j->accept) < 0)
		return -1;
	if (json_object_get(root, "request_date_format") != NULL) {
		/* The same conversions as the strptime formats: a day needs %d %m %Y. */
		if (mapping_check_date_format(j->request_date_format, bad, sizeof(bad)) < 0)
			return mapping_fail(ld, "request_date_format", "%s", bad);
	}
	if (j->accept[0] == '\0' || strpbrk(j->accept, "\r\n") != NULL)
		return mapping_fail(ld, "accept", "se esperaba un tipo de contenido en una línea");
	if (mj_load_auth(ld, root, j) < 0 || mj_load_errors(ld, root, j) < 0)
		return -1;
	if (mapping_get_object(ld, root, "", "requests", 1, &reqs) < 0)
		return -1;
	{
		const char *key;
		json_t *v;

		json_object_foreach(reqs, key, v)
		{
			char full[MAPPING_KEY_LEN];

			(void)v;
			if (key[0] == '_' || mj_request_index(key) >= 0)
				continue;
			mapping_key(full, "requests", key);
			return mapping_fail(ld, full,
					    "clave desconocida (list, modified, changes, "
					    "latest_token, info)");
		}
	}
	for (size_t r = 0; r < MAPPING_REQUEST_COUNT; r++) {
		if (mj_load_request(ld, reqs, (enum mapping_request)r, &j->req[r]) < 0)
			return -1;
	}
	return mj_check_requests(ld, m);
}

static void mj_request_free(struct mj_request *rq)
{
	mj_template_free(&rq->url);
	mj_params_free(&rq->query);
	mj_params_free(&rq->form);
	mj_params_free(&rq->headers);
	json_decref(rq->json_body);
	mj_pointers_free(&rq->has_more);
	mj_pointers_free(&rq->total);
	mj_pointers_free(&rq->next);
	mj_pointers_free(&rq->items);
	for (size_t i = 0; i < rq->nfilters; i++) {
		mj_pointer_free(&rq->filters[i].ptr);
		json_decref(rq->filters[i].values);
	}
	free(rq->filters);
	for (size_t i = 0; i < MAPPING_NFIELDS; i++)
		mj_pointers_free(&rq->fields[i]);
	mj_pointers_free(&rq->tipo_radicado);
	mj_pointers_free(&rq->change_type);
	for (size_t i = 0; i < rq->nchanges; i++)
		free(rq->changes[i].name);
	free(rq->changes);
	mj_pointers_free(&rq->token);
	mapping_free_date(&rq->date);
}

void mapping_json_free(struct mapping *m)
{
	struct mapping_json *j = m->json;

	if (j == NULL)
		return;
	free(j->request_date_format);
	free(j->multi_separator);
	free(j->accept);
	free(j->auth_header);
	free(j->auth_prefix);
	free(j->token_url);
	free(j->scope);
	for (size_t r = 0; r < MAPPING_REQUEST_COUNT; r++)
		mj_request_free(&j->req[r]);
	mj_pointers_free(&j->message);
	for (size_t i = 0; i < j->nrules; i++) {
		mj_pointer_free(&j->rules[i].pointer);
		json_decref(j->rules[i].equals);
	}
	free(j->rules);
	free(j);
	m->json = NULL;
}

/* ---------------------------------------------------------------- accessors */

int mapping_has_request(const struct mapping *m, enum mapping_request r)
{
	return m != NULL && m->json != NULL && (size_t)r < MAPPING_REQUEST_COUNT &&
	       m->json->req[r].present;
}

void mapping_json_auth(const struct mapping *m, struct mapping_auth *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = MA_NONE;
	if (m == NULL || m->json == NULL)
		return;
	out->kind = m->json->auth_kind;
	out->header = m->json->auth_header;
	out->prefix = m->json->auth_prefix;
	out->token_url = m->json->token_url;
	out->scope = m->json->scope;
	out->client_auth_form = m->json->client_auth_form;
}

void mapping_json_paging(const struct mapping *m, enum mapping_request r, struct mapping_paging *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = MP_NONE;
	out->max_pages = 1;
	if (mapping_has_request(m, r))
		*out = m->json->req[r].paging;
}

int mapping_json_complete(const struct mapping *m, enum mapping_request r)
{
	return mapping_has_request(m, r) && m->json->req[r].complete;
}

const char *mapping_json_accept(const struct mapping *m)
{
	return m != NULL && m->json != NULL ? m->json->accept : "application/json";
}

void mapping_vars_init(struct mapping_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->offset = -1;
	v->limit = -1;
	v->page = -1;
}
