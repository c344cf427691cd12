/* fakecmis_browser.h -- the CMIS 1.1 Browser Binding as the simulated repository answers it:
 * the service document, repositoryInfo, query (GET q= or POST cmisaction=query), contentChanges,
 * object and typeDefinition, and errors as {"exception", "message"} with their statuses. */
#ifndef FAKECMIS_BROWSER_H
#define FAKECMIS_BROWSER_H

#include <stddef.h>

#include "fakecmis_faults.h"
#include "fakecmis_repo.h"

#define FAKECMIS_BROWSER_BASE "/cmis/browser" /* the service URL's path */
#define FAKECMIS_BROWSER_REPO_ID "sgd"
#define FAKECMIS_BROWSER_DEFAULT_PAGE_CAP 100
#define FAKECMIS_BROWSER_MAX_PAGE_CAP 10000
#define FAKECMIS_BROWSER_JSON "application/json;charset=UTF-8" /* OpenCMIS' Content-Type */

/* The request parameters the binding reads (query string for GET, form fields for POST). */
enum fakecmis_param {
	FCP_SELECTOR,	   /* cmisselector */
	FCP_ACTION,	   /* cmisaction */
	FCP_Q,		   /* q (GET query) */
	FCP_STATEMENT,	   /* statement (POST query) */
	FCP_MAX_ITEMS,	   /* maxItems */
	FCP_SKIP_COUNT,	   /* skipCount */
	FCP_SUCCINCT,	   /* succinct */
	FCP_TOKEN,	   /* changeLogToken */
	FCP_INCLUDE_PROPS, /* includeProperties */
	FCP_OBJECT_ID,	   /* objectId */
	FCP_TYPE_ID,	   /* typeId */
	FCP_DATE_FORMAT,   /* dateTimeFormat */
	FCP_COUNT
};

/* Which of the binding's URLs a path is. */
enum fakecmis_path {
	FAKECMIS_PATH_SERVICE,	     /* /cmis/browser */
	FAKECMIS_PATH_REPOSITORY,    /* /cmis/browser/sgd */
	FAKECMIS_PATH_ROOT_FOLDER,   /* /cmis/browser/sgd/root */
	FAKECMIS_PATH_NO_REPOSITORY, /* /cmis/browser/<another> */
	FAKECMIS_PATH_NO_OBJECT,     /* /cmis/browser/sgd/<anything else> */
	FAKECMIS_PATH_OTHER	     /* under /cmis/ but not the browser binding */
};

struct fakecmis_browser_config {
	const char *url;	/* base URL, "http://127.0.0.1:8089" (borrowed) */
	long page_cap;		/* maxItems is capped at this, silently */
	int expired_constraint; /* 1: an expired token is a constraint (409), not invalidArgument */
	int token_last;		/* 1: contentChanges returns its last event's token (the
				   spec's wording), not the next one to ask */
};

struct fakecmis_browser_request {
	int post;
	enum fakecmis_path path;
	const char *params[FCP_COUNT]; /* NULL when absent (borrowed) */
};

/* The parameter's name in a query string or form ("cmisselector"...). Borrowed. */
const char *fakecmis_browser_param_name(enum fakecmis_param p);
/* The kind of URL path is (path starts with "/cmis/"). */
enum fakecmis_path fakecmis_browser_path(const char *path);
/* What the request asks for, for the counters. */
enum fakecmis_selector fakecmis_browser_selector(const struct fakecmis_browser_request *rq);

/* Answers one request. Returns the HTTP status and sets *json to a new JSON text (the caller
 * frees it); *allow to the methods allowed for a 405, else NULL. Cannot fail. */
int fakecmis_browser_answer(const struct fakecmis_browser_config *c, struct fakecmis_repo *r,
			    const struct fakecmis_browser_request *rq, char **json,
			    const char **allow);
/* A CMIS error answer: sets *json to a new {"exception", "message"} text and returns the
 * exception's status (invalidArgument 400, permissionDenied 403, objectNotFound 404,
 * notSupported 405, constraint 409, runtime 500, unauthorized 401). */
int fakecmis_browser_error(const char *exception, const char *message, char **json);

#endif
