/* ds_client_int.h -- what the parts of the document-system client share: one call (a
 * request, its transfer, attempts and answer), the client, and the curl multi loop that
 * runs calls with retries and backoff. Private to ds_client.c (the loop, SOAP and database
 * profiles), ds_json.c (format-json profiles) and ds_http_auth.c (credentials, OAuth2). */
#ifndef SEGCONT_DS_CLIENT_INT_H
#define SEGCONT_DS_CLIENT_INT_H

#include <curl/curl.h>

#include "ds_client.h"
#include "util.h"

#define DS_CLIENT_LABEL_LEN 96

enum ds_call_kind {
	DS_CALL_LIST,  /* SOAP list: the answer appends to list_out */
	DS_CALL_INFO,  /* SOAP detail: completes target */
	DS_CALL_JSON,  /* a format-json request: the answer is read into page */
	DS_CALL_TOKEN, /* the OAuth2 token endpoint */
};
enum ds_call_state { DS_CALL_WAITING, DS_CALL_RUNNING, DS_CALL_DONE };

/* The outcome of one finished attempt. AGAIN: start it over at once, not counted (an
 * OAuth2 token was renewed). */
enum ds_attempt { DS_ATTEMPT_OK, DS_ATTEMPT_RETRY, DS_ATTEMPT_FATAL, DS_ATTEMPT_AGAIN };

struct ds_call {
	enum ds_call_kind kind;
	char label[DS_CLIENT_LABEL_LEN];
	/* the request; every string owned, wiped when freed (it may carry the key) */
	int post;	/* POST with body, else GET */
	char *url;	/* NULL: the configured url */
	char **headers; /* "Name: value" */
	size_t nheaders;
	char *body; /* NULL: none */
	size_t body_len;
	char *user; /* HTTP Basic credentials (CURLOPT_USERNAME/PASSWORD), or NULL */
	char *password;
	int profile_auth; /* add the format-json profile's credentials at each start */
	/* SOAP */
	struct filing_list *list_out; /* list: borrowed */
	struct filing *target;	      /* info (SOAP and json): borrowed, completed on success */
	/* format json */
	enum mapping_request req;
	struct mapping_page page;
	unsigned long auth_gen; /* the OAuth2 token generation the attempt sent */
	int renewed;		/* the token was renewed once for this call */
	/* the transfer */
	CURLM *multi;
	CURL *easy;
	struct curl_slist *slist;
	struct buf resp;
	int overflow;
	char charset[32]; /* of the answer's Content-Type, "" when none */
	long retry_after_s;
	int attempts;
	long long ready_at;
	enum ds_call_state state;
	enum ds_answer answer;
	char err[DS_CLIENT_ERR_LEN];
};

struct ds_client {
	const struct config *cfg;
	const struct mapping *map;
	atomic_int *stop;
	CURLM *multi;	   /* the calls of a batch */
	CURLM *auth_multi; /* token calls, made while a batch waits */
	struct ds_pg *pg;  /* format sql: the database session; NULL otherwise */
	long backoff_base_ms;
	long backoff_max_ms;
	struct ds_client_stats stats;
	struct mapping_answer_info last_info; /* of the last answer read (SOAP) */
	/* OAuth2 (ds_http_auth.c) */
	char *token;		/* the access token, wiped when dropped */
	long long token_expires; /* monotonic ms; LLONG_MAX: until a 401 */
	unsigned long token_gen;
};

/* ---- ds_client.c */
/* A zeroed call of kind with an empty answer buffer. */
void ds_call_init(struct ds_call *call, enum ds_call_kind kind);
/* Takes the built request's url, headers and body into call (rq is left empty). */
void ds_call_take_request(struct ds_call *call, struct mapping_http_request *rq);
/* Releases the transfer and wipes and frees what the call owns (the call is reusable after
 * ds_call_init). */
void ds_call_free(struct ds_client *dc, struct ds_call *call);
/* Runs calls[0..n) on multi to completion or until one gives up. Returns DS_OK, or the
 * failing call's answer with its message in err. */
enum ds_answer ds_client_run(struct ds_client *dc, CURLM *multi, struct ds_call *calls, size_t n,
			     char *err, size_t errlen);
/* "op arg" with arg escaped, into out. */
void ds_client_escape_label(char *out, size_t outlen, const char *op, const char *arg);
int ds_client_stopped(const struct ds_client *dc);

/* ---- ds_json.c */
/* What one finished answer of a format-json call means (any status). */
enum ds_attempt ds_json_finish(struct ds_client *dc, struct ds_call *call, long status,
			       const char *ctype);
enum ds_answer ds_json_list(struct ds_client *dc, enum mapping_request r, const char *from,
			    const char *to, struct filing_list *out, char *err, size_t errlen);
enum ds_answer ds_json_details(struct ds_client *dc, struct filing **fs, size_t n, char *err,
			       size_t errlen);

/* ---- ds_http_auth.c */
/* Adds the profile's credentials to call's transfer (headers into *slist, or Basic user and
 * password), fetching an OAuth2 token first when none is valid. 0, or -1 with call->answer
 * and call->err set. */
int ds_auth_apply(struct ds_client *dc, struct ds_call *call, struct curl_slist **slist);
/* A 401 for a call that sent token generation gen: drops that token (once). Returns 1 when
 * the call should be sent again with a new token, 0 when the profile has no token. */
int ds_auth_renew(struct ds_client *dc, struct ds_call *call);
/* What one finished answer of the token endpoint means. */
enum ds_attempt ds_auth_token_finish(struct ds_client *dc, struct ds_call *call, long status,
				     const char *ctype);
/* Wipes the kept token. */
void ds_auth_forget(struct ds_client *dc);

#endif
