/* fakecmis_browser.c -- the Browser Binding's answers: the repository info with its latest
 * change token, queries run over the filings with a page cap, the change log read from a
 * token (expired ones refused), objects and type definitions; every error as CMIS writes it. */
#include "fakecmis_browser.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakecmis_query.h"
#include "util.h"

#define FAKECMIS_BROWSER_ERRLEN 512

static const char *const fakecmis_browser_params[FCP_COUNT] = {
    [FCP_SELECTOR] = "cmisselector",
    [FCP_ACTION] = "cmisaction",
    [FCP_Q] = "q",
    [FCP_STATEMENT] = "statement",
    [FCP_MAX_ITEMS] = "maxItems",
    [FCP_SKIP_COUNT] = "skipCount",
    [FCP_SUCCINCT] = "succinct",
    [FCP_TOKEN] = "changeLogToken",
    [FCP_INCLUDE_PROPS] = "includeProperties",
    [FCP_OBJECT_ID] = "objectId",
    [FCP_TYPE_ID] = "typeId",
    [FCP_DATE_FORMAT] = "dateTimeFormat",
};

/* CMIS exceptions and their HTTP statuses (CMIS 1.1, 5.2.9.3 / Browser Binding). */
static const struct {
	const char *name;
	int status;
} fakecmis_browser_exceptions[] = {
    {"invalidArgument", 400}, {"unauthorized", 401}, {"permissionDenied", 403},
    {"objectNotFound", 404},  {"notSupported", 405}, {"constraint", 409},
    {"runtime", 500},
};

/* One answer being built. */
struct fakecmis_browser_call {
	const struct fakecmis_browser_config *c;
	struct fakecmis_repo *r;
	const struct fakecmis_browser_request *rq;
	struct fakecmis_render render;
	char err[FAKECMIS_BROWSER_ERRLEN];
	const char *exception; /* set on failure */
	const char **allow;
};

const char *fakecmis_browser_param_name(enum fakecmis_param p)
{
	return fakecmis_browser_params[p];
}

/* 1 when path is base, or base followed by "/" alone. */
static int fakecmis_browser_is(const char *path, const char *base)
{
	size_t n = strlen(base);

	return strncmp(path, base, n) == 0 && (path[n] == '\0' || strcmp(path + n, "/") == 0);
}

enum fakecmis_path fakecmis_browser_path(const char *path)
{
	const char *repo = FAKECMIS_BROWSER_BASE "/" FAKECMIS_BROWSER_REPO_ID;
	size_t n;

	if (fakecmis_browser_is(path, FAKECMIS_BROWSER_BASE))
		return FAKECMIS_PATH_SERVICE;
	if (fakecmis_browser_is(path, repo))
		return FAKECMIS_PATH_REPOSITORY;
	if (fakecmis_browser_is(path, FAKECMIS_BROWSER_BASE "/" FAKECMIS_BROWSER_REPO_ID "/root"))
		return FAKECMIS_PATH_ROOT_FOLDER;
	n = strlen(repo);
	if (strncmp(path, repo, n) == 0 && path[n] == '/')
		return FAKECMIS_PATH_NO_OBJECT;
	n = strlen(FAKECMIS_BROWSER_BASE);
	if (strncmp(path, FAKECMIS_BROWSER_BASE, n) == 0 && path[n] == '/')
		return FAKECMIS_PATH_NO_REPOSITORY;
	return FAKECMIS_PATH_OTHER;
}

enum fakecmis_selector fakecmis_browser_selector(const struct fakecmis_browser_request *rq)
{
	const char *sel = rq->params[FCP_SELECTOR];
	const char *action = rq->params[FCP_ACTION];

	switch (rq->path) {
	case FAKECMIS_PATH_SERVICE:
		return rq->post ? FAKECMIS_SEL_OTHER : FAKECMIS_SEL_REPOSITORIES;
	case FAKECMIS_PATH_ROOT_FOLDER:
		return rq->post || (sel != NULL && strcmp(sel, "object") != 0)
			   ? FAKECMIS_SEL_OTHER
			   : FAKECMIS_SEL_OBJECT;
	case FAKECMIS_PATH_REPOSITORY:
		if (rq->post)
			return action != NULL && strcmp(action, "query") == 0 ? FAKECMIS_SEL_QUERY
									      : FAKECMIS_SEL_OTHER;
		if (sel == NULL || strcmp(sel, "repositoryInfo") == 0)
			return FAKECMIS_SEL_REPOSITORY_INFO;
		if (strcmp(sel, "query") == 0)
			return FAKECMIS_SEL_QUERY;
		if (strcmp(sel, "contentChanges") == 0)
			return FAKECMIS_SEL_CONTENT_CHANGES;
		if (strcmp(sel, "object") == 0)
			return FAKECMIS_SEL_OBJECT;
		if (strcmp(sel, "typeDefinition") == 0)
			return FAKECMIS_SEL_TYPE_DEFINITION;
		return FAKECMIS_SEL_OTHER;
	default:
		return FAKECMIS_SEL_OTHER;
	}
}

int fakecmis_browser_error(const char *exception, const char *message, char **json)
{
	json_t *o = json_pack("{s:s, s:s}", "exception", exception, "message", message);
	int status = 500;

	for (size_t i = 0;
	     i < sizeof(fakecmis_browser_exceptions) / sizeof(fakecmis_browser_exceptions[0]);
	     i++) {
		if (strcmp(fakecmis_browser_exceptions[i].name, exception) == 0)
			status = fakecmis_browser_exceptions[i].status;
	}
	*json = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	if (*json == NULL)
		*json = xstrdup("{\"exception\":\"runtime\",\"message\":\"\"}");
	json_decref(o);
	return status;
}

/* Records a failure of the call; returns NULL for the caller to return. */
static json_t *fakecmis_browser_fail(struct fakecmis_browser_call *call, const char *exception,
				     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static json_t *fakecmis_browser_fail(struct fakecmis_browser_call *call, const char *exception,
				     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(call->err, sizeof(call->err), fmt, ap);
	va_end(ap);
	call->err[util_utf8_cut(call->err, strlen(call->err))] = '\0';
	call->exception = exception;
	return NULL;
}

/* Reads a boolean parameter ("true"/"false", any case). Returns 0, or -1 with the failure
 * recorded. */
static int fakecmis_browser_bool(struct fakecmis_browser_call *call, enum fakecmis_param p, int def,
				 int *out)
{
	const char *v = call->rq->params[p];

	*out = def;
	if (v == NULL)
		return 0;
	if (strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0) {
		*out = strcasecmp(v, "true") == 0;
		return 0;
	}
	fakecmis_browser_fail(call, "invalidArgument", "%s must be true or false",
			      fakecmis_browser_params[p]);
	return -1;
}

/* Reads a non-negative integer parameter. */
static int fakecmis_browser_count(struct fakecmis_browser_call *call, enum fakecmis_param p,
				  long def, long *out)
{
	const char *v = call->rq->params[p];

	*out = def;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (parse_long(v, 0, LONG_MAX, out) < 0) {
		fakecmis_browser_fail(call, "invalidArgument", "%s must be a non-negative integer",
				      fakecmis_browser_params[p]);
		return -1;
	}
	return 0;
}

/* Reads succinct and dateTimeFormat into the call's rendering. */
static int fakecmis_browser_rendering(struct fakecmis_browser_call *call)
{
	const char *fmt = call->rq->params[FCP_DATE_FORMAT];

	if (fakecmis_browser_bool(call, FCP_SUCCINCT, 0, &call->render.succinct) < 0)
		return -1;
	call->render.extended = 0;
	if (fmt == NULL || strcasecmp(fmt, "simple") == 0)
		return 0;
	if (strcasecmp(fmt, "extended") == 0) {
		call->render.extended = 1;
		return 0;
	}
	fakecmis_browser_fail(call, "invalidArgument", "dateTimeFormat must be simple or extended");
	return -1;
}

/* {"succinctProperties": {...}} or {"properties": {...}} of o. */
static json_t *fakecmis_browser_object_json(struct fakecmis_browser_call *call,
					    const struct fakecmis_object *o, const int *props,
					    size_t nprops)
{
	return json_pack("{s:o}", call->render.succinct ? "succinctProperties" : "properties",
			 fakecmis_object_properties(o, &call->render, props, nprops));
}

/* The repository info object. Takes the lock for the token. */
static json_t *fakecmis_browser_info(struct fakecmis_browser_call *call)
{
	char token[24];
	char *repo_url =
	    xasprintf("%s%s/%s", call->c->url, FAKECMIS_BROWSER_BASE, FAKECMIS_BROWSER_REPO_ID);
	char *root_url = xasprintf("%s/root", repo_url);
	char root_id[FAKECMIS_ID_MAX + 1];
	int incomplete;
	json_t *caps, *info;

	fakecmis_repo_lock(call->r);
	snprintf(token, sizeof(token), "%lld", call->r->log.latest);
	strlcpy_s(root_id, call->r->root_id, sizeof(root_id));
	incomplete = fakecmis_log_first(&call->r->log) > 1;
	fakecmis_repo_unlock(call->r);
	caps = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s}",
			 "capabilityChanges", "properties", "capabilityQuery", "metadataonly",
			 "capabilityJoin", "none", "capabilityACL", "manage",
			 "capabilityContentStreamUpdatability", "anytime", "capabilityRenditions",
			 "none", "capabilityGetDescendants", 1, "capabilityGetFolderTree", 1,
			 "capabilityMultifiling", 0, "capabilityVersionSpecificFiling", 0,
			 "capabilityOrderBy", "common");
	info = json_pack(
	    "{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:[s,s], "
	    "s:s, s:s}",
	    "repositoryId", FAKECMIS_BROWSER_REPO_ID, "repositoryName",
	    "Sistema de Gestión Documental", "cmisVersionSupported", "1.1", "latestChangeLogToken",
	    token, "capabilities", caps, "rootFolderUrl", root_url, "repositoryUrl", repo_url,
	    "repositoryDescription", "Radicados del SGDEA (simulado por fakecmis)", "vendorName",
	    "Apache Chemistry", "productName", "fakecmis (segcont)", "productVersion", "1.0",
	    "rootFolderId", root_id, "changesIncomplete", incomplete, "changesOnType",
	    "cmis:document", "cmis:folder", "principalIdAnonymous", "anonymous",
	    "principalIdAnyone", "anyone");
	free(repo_url);
	free(root_url);
	return info;
}

/* qsort_r comparator of two query results (const struct fakecmis_object *). */
static int fakecmis_browser_cmp_hits(const void *pa, const void *pb, void *q)
{
	const struct fakecmis_object *a = *(const struct fakecmis_object *const *)pa;
	const struct fakecmis_object *b = *(const struct fakecmis_object *const *)pb;

	return fakecmis_query_compare(q, a, b);
}

/* A query's result page. Caller holds no lock. */
static json_t *fakecmis_browser_query(struct fakecmis_browser_call *call, const char *statement)
{
	const struct fakecmis_object **hits = NULL;
	struct fakecmis_query q;
	struct fakecmis_repo *r = call->r;
	size_t n = 0, end;
	long max, skip;
	json_t *results, *out;

	if (statement == NULL || statement[0] == '\0')
		return fakecmis_browser_fail(call, "invalidArgument", "no query statement given");
	if (fakecmis_browser_rendering(call) < 0 ||
	    fakecmis_browser_count(call, FCP_MAX_ITEMS, call->c->page_cap, &max) < 0 ||
	    fakecmis_browser_count(call, FCP_SKIP_COUNT, 0, &skip) < 0)
		return NULL;
	if (max > call->c->page_cap)
		max = call->c->page_cap; /* silently, as servers do */
	if (fakecmis_query_parse(statement, &q, call->err, sizeof(call->err)) < 0) {
		fakecmis_query_free(&q);
		call->exception = "invalidArgument";
		return NULL;
	}
	results = json_array();
	fakecmis_repo_lock(r);
	hits = xcalloc(r->nfilings + 1, sizeof(*hits));
	for (size_t i = 0; i < r->count; i++) {
		const struct fakecmis_object *o = r->by_id[i];

		if (o->kind == FAKECMIS_RADICADO && fakecmis_query_match(&q, o))
			hits[n++] = o;
	}
	/* by_id is already in objectId order: only an ORDER BY needs sorting. */
	if (q.order_prop >= 0 && n > 1)
		qsort_r(hits, n, sizeof(*hits), fakecmis_browser_cmp_hits, &q);
	end = (size_t)skip < n ? (size_t)skip : n;
	for (size_t i = end; i < n && i < end + (size_t)max; i++)
		json_array_append_new(
		    results, fakecmis_browser_object_json(
				 call, hits[i], q.all_columns ? NULL : q.columns, q.ncolumns));
	fakecmis_repo_unlock(r);
	out = json_pack("{s:o, s:b, s:I}", "results", results, "hasMoreItems",
			end + json_array_size(results) < n, "numItems", (json_int_t)n);
	free(hits);
	fakecmis_query_free(&q);
	return out;
}

/* The change log from changeLogToken: events t ... in token order, a page at most, and the
 * token to ask next (or, with token_last, the last event's). Token t stands for "from the
 * t-th change on"; "latestChangeLogToken" is the last change's (asking with it returns that
 * change again). */
static json_t *fakecmis_browser_changes(struct fakecmis_browser_call *call)
{
	const char *token = call->rq->params[FCP_TOKEN];
	struct fakecmis_repo *r = call->r;
	long long t = 0, first, eff, last;
	int props;
	long max, v;
	char next[24];
	json_t *objects, *out;

	if (fakecmis_browser_rendering(call) < 0 ||
	    fakecmis_browser_bool(call, FCP_INCLUDE_PROPS, 0, &props) < 0 ||
	    fakecmis_browser_count(call, FCP_MAX_ITEMS, call->c->page_cap, &max) < 0)
		return NULL;
	if (max > call->c->page_cap)
		max = call->c->page_cap;
	if (token != NULL && token[0] != '\0') {
		if (strspn(token, "0123456789") != strlen(token) ||
		    parse_long(token, 0, LONG_MAX, &v) < 0)
			return fakecmis_browser_fail(call, "invalidArgument",
						     "Invalid change log token: %.40s", token);
		t = v;
	}
	objects = json_array();
	fakecmis_repo_lock(r);
	first = fakecmis_log_first(&r->log);
	if (token == NULL || token[0] == '\0')
		t = first;
	eff = t < 1 ? 1 : t;
	if (eff < first) {
		fakecmis_repo_unlock(r);
		json_decref(objects);
		return fakecmis_browser_fail(
		    call, call->c->expired_constraint ? "constraint" : "invalidArgument",
		    "Invalid change log token: change log token no longer valid: %lld (the "
		    "oldest kept is %lld)",
		    t, first);
	}
	if (t > r->log.latest + 1) {
		long long latest = r->log.latest;

		fakecmis_repo_unlock(r);
		json_decref(objects);
		return fakecmis_browser_fail(call, "invalidArgument",
					     "Invalid change log token: unknown token %lld (the "
					     "latest is %lld)",
					     t, latest);
	}
	last = eff - 1;
	for (long long k = eff; k <= r->log.latest && k - eff < max; k++) {
		const struct fakecmis_log_entry *e = fakecmis_log_get(&r->log, k);
		const struct fakecmis_object *o =
		    e->change == FAKECMIS_DELETED ? NULL : fakecmis_repo_find(r, e->id);
		json_t *p;

		if (props && o != NULL)
			p = fakecmis_object_properties(o, &call->render, NULL, 0);
		else
			p = fakecmis_object_minimal(e->id, e->kind, &call->render);
		json_array_append_new(
		    objects,
		    json_pack("{s:o, s:{s:s, s:I}}",
			      call->render.succinct ? "succinctProperties" : "properties", p,
			      "changeEventInfo", "changeType", fakecmis_change_name(e->change),
			      "changeTime", (json_int_t)e->time_ms));
		last = k;
	}
	snprintf(next, sizeof(next), "%lld",
		 last < eff	       ? t
		 : call->c->token_last ? last
				       : last + 1);
	out = json_pack("{s:o, s:b, s:s}", "objects", objects, "hasMoreItems", last < r->log.latest,
			"changeLogToken", next);
	fakecmis_repo_unlock(r);
	return out;
}

/* One object by id (objectId, or the root folder). */
static json_t *fakecmis_browser_object(struct fakecmis_browser_call *call, int root)
{
	const char *id = root ? NULL : call->rq->params[FCP_OBJECT_ID];
	const struct fakecmis_object *o;
	json_t *out;

	if (fakecmis_browser_rendering(call) < 0)
		return NULL;
	if (!root && (id == NULL || id[0] == '\0'))
		return fakecmis_browser_fail(call, "invalidArgument", "objectId is required");
	fakecmis_repo_lock(call->r);
	o = fakecmis_repo_find(call->r, root ? call->r->root_id : id);
	out = o != NULL ? fakecmis_browser_object_json(call, o, NULL, 0) : NULL;
	fakecmis_repo_unlock(call->r);
	if (out == NULL)
		return fakecmis_browser_fail(call, "objectNotFound", "Object not found: %.80s",
					     id != NULL ? id : "root");
	return out;
}

/* The definition of a type the repository knows. */
static json_t *fakecmis_browser_type(struct fakecmis_browser_call *call)
{
	const char *id = call->rq->params[FCP_TYPE_ID];
	int kind = id != NULL ? fakecmis_kind_named(id) : -1;
	const char *base;
	json_t *defs, *out;

	if (id == NULL || id[0] == '\0')
		return fakecmis_browser_fail(call, "invalidArgument", "typeId is required");
	if (kind < 0)
		return fakecmis_browser_fail(call, "objectNotFound", "Type not found: %.80s", id);
	base = fakecmis_kind_base_id((enum fakecmis_kind)kind);
	defs = json_object();
	for (int p = 0; p < FP_COUNT; p++) {
		if (fakecmis_prop_def((enum fakecmis_prop)p)->kinds & (1u << kind))
			json_object_set_new(defs, fakecmis_prop_def((enum fakecmis_prop)p)->id,
					    fakecmis_prop_definition_json((enum fakecmis_prop)p));
	}
	out =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s*, s:b, s:b, s:b, s:o}", "id", id, "localName",
		      strchr(id, ':') + 1, "queryName", id, "displayName", id, "baseId", base,
		      "parentId", strcmp(id, base) == 0 ? NULL : base, "creatable", 1, "queryable",
		      kind == FAKECMIS_RADICADO, "fileable", 1, "propertyDefinitions", defs);
	return out;
}

/* Runs the call on a repository URL: a selector (GET) or an action (POST). */
static json_t *fakecmis_browser_repository(struct fakecmis_browser_call *call)
{
	const struct fakecmis_browser_request *rq = call->rq;
	const char *sel = rq->params[FCP_SELECTOR];
	const char *action = rq->params[FCP_ACTION];

	if (rq->post) {
		if (action == NULL || action[0] == '\0')
			return fakecmis_browser_fail(call, "invalidArgument",
						     "cmisaction is required");
		if (strcmp(action, "query") == 0)
			return fakecmis_browser_query(call, rq->params[FCP_STATEMENT]);
		return fakecmis_browser_fail(call, "notSupported", "Action not supported: %.60s",
					     action);
	}
	if (sel == NULL || strcmp(sel, "repositoryInfo") == 0)
		return fakecmis_browser_info(call);
	if (strcmp(sel, "query") == 0)
		return fakecmis_browser_query(call, rq->params[FCP_Q]);
	if (strcmp(sel, "contentChanges") == 0)
		return fakecmis_browser_changes(call);
	if (strcmp(sel, "object") == 0)
		return fakecmis_browser_object(call, 0);
	if (strcmp(sel, "typeDefinition") == 0)
		return fakecmis_browser_type(call);
	return fakecmis_browser_fail(call, "invalidArgument", "Unknown selector: %.60s", sel);
}

int fakecmis_browser_answer(const struct fakecmis_browser_config *c, struct fakecmis_repo *r,
			    const struct fakecmis_browser_request *rq, char **json,
			    const char **allow)
{
	struct fakecmis_browser_call call = {.c = c, .r = r, .rq = rq, .allow = allow};
	json_t *out = NULL;
	const char *sel = rq->params[FCP_SELECTOR];

	*allow = NULL;
	switch (rq->path) {
	case FAKECMIS_PATH_SERVICE:
		if (rq->post) {
			*allow = "GET";
			fakecmis_browser_fail(&call, "notSupported", "POST is not supported here");
			break;
		}
		out = fakecmis_browser_info(&call);
		out = json_pack("{s:o}", FAKECMIS_BROWSER_REPO_ID, out);
		break;
	case FAKECMIS_PATH_REPOSITORY:
		out = fakecmis_browser_repository(&call);
		break;
	case FAKECMIS_PATH_ROOT_FOLDER:
		if (rq->post) {
			*allow = "GET";
			fakecmis_browser_fail(&call, "notSupported", "POST is not supported here");
		} else if (sel != NULL && strcmp(sel, "object") != 0) {
			fakecmis_browser_fail(&call, "notSupported",
					      "Selector not supported: %.60s", sel);
		} else {
			out = fakecmis_browser_object(&call, 1);
		}
		break;
	case FAKECMIS_PATH_NO_REPOSITORY:
		fakecmis_browser_fail(&call, "objectNotFound", "Repository not found");
		break;
	case FAKECMIS_PATH_NO_OBJECT:
	case FAKECMIS_PATH_OTHER:
		fakecmis_browser_fail(&call, "objectNotFound", "Object not found");
		break;
	}
	if (out == NULL) {
		if (call.exception == NULL)
			fakecmis_browser_fail(&call, "runtime", "internal error");
		return fakecmis_browser_error(call.exception, call.err, json);
	}
	*json = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	if (*json == NULL)
		return fakecmis_browser_error("runtime", "the answer could not be written", json);
	return 200;
}
