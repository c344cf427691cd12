/* ds_client.h -- talking to the document system: requests built from the mapping, sent
 * with libcurl (timeouts, size cap, concurrent detail calls), retried with capped
 * exponential backoff and jitter, honouring Retry-After; for format-json profiles also the
 * credentials (Basic, bearer, OAuth2 client credentials) and the paging to the end. */
#ifndef SEGCONT_DS_CLIENT_H
#define SEGCONT_DS_CLIENT_H

#include <stdatomic.h>
#include <stddef.h>

#include "config.h"
#include "mapping.h"

#define DS_CLIENT_RETRY_AFTER_MAX_S 120 /* a server's Retry-After is capped to this */
#define DS_CLIENT_CONNECT_TIMEOUT_S 10
#define DS_CLIENT_ERR_LEN 512

struct ds_client;

/* Creates a client for the configured system. Borrows cfg and m (they outlive it) and
 * stop: when *stop becomes non-zero, waits and transfers end early with DS_MALFORMED
 * and "interrumpido". Returns a new client (free with ds_client_free); never NULL. */
struct ds_client *ds_client_new(const struct config *cfg, const struct mapping *m,
				atomic_int *stop);
void ds_client_free(struct ds_client *dc);

/* Lists the office's filings filed in [from, to] (YYYY-MM-DD) (a database profile: every
 * filing filed then that reached the office since backfill_from; a format-json profile:
 * its list request, every page; items that are not complete get ds_client_details later),
 * retrying transient faults up to the configured attempts. Returns DS_OK (out appended) or DS_EMPTY on
 * success; anything else is a failure with err filled and out untouched. DS_AUTH and
 * DS_FAULT_CLIENT are not retried: they are configuration or request errors. */
enum ds_answer ds_client_list(struct ds_client *dc, const char *from, const char *to,
			      struct filing_list *out, char *err, size_t errlen);

/* Database profiles (cursor instante): the filings with an event in the arrival-time
 * window [from, to) ("YYYY-MM-DD HH:MM:SS", the system's wall clock), arrived at the
 * office since backfill_from, complete (has_detail set). Format-json profiles: the modified
 * request over [from, to) (written as ISO 8601 with the mapping's offset), every page.
 * Same return and retry rules as ds_client_list; a SOAP profile, or a json one without a
 * modified request, answers DS_FAULT_CLIENT. */
enum ds_answer ds_client_list_changes(struct ds_client *dc, const char *from, const char *to,
				      struct filing_list *out, char *err, size_t errlen);

/* Completes each filing in fs[0..n) with its detail call, at most max_parallel at once,
 * each retried like the list. Returns DS_OK when every call succeeded (a number the
 * system does not know is left without detail and logged); otherwise the failure of the
 * first call that gave up, with err filled (filings may be partly completed). */
enum ds_answer ds_client_details(struct ds_client *dc, struct filing **fs, size_t n, char *err,
				 size_t errlen);

/* Format-json profiles with a change log: the repository's current change token into token
 * (size len). Returns DS_OK, or a failure with err filled (DS_FAULT_CLIENT when the mapping
 * has no latest_token request, DS_MALFORMED when the token does not fit). */
enum ds_answer ds_client_latest_token(struct ds_client *dc, char *token, size_t len, char *err,
				      size_t errlen);

/* The change log from token, one page per callback (page->filings complete; page->deleted
 * the id_sgd of deleted objects); next is the token after this page. cb returns 0 to go on,
 * -1 to stop (its own error; then DS_FAULT_CLIENT). Returns DS_OK at the end of the log,
 * DS_TOKEN_EXPIRED when the system no longer keeps token, or another failure, with err
 * filled. Pages already handed to cb stay handed. */
typedef int (*ds_change_cb)(const struct mapping_page *page, const char *next, void *arg);
enum ds_answer ds_client_changes(struct ds_client *dc, const char *token, ds_change_cb cb,
				 void *arg, char *err, size_t errlen);

/* For check-ds (format-json profiles): only the first page of the list request over
 * [from, to] (YYYY-MM-DD) into out (initialised by the caller; free with mapping_page_free),
 * with its paging values. Same return and retry rules as ds_client_list. */
enum ds_answer ds_client_list_first_page(struct ds_client *dc, const char *from, const char *to,
					 struct mapping_page *out, char *err, size_t errlen);

/* For check-ds: the database session of a format-sql profile (NULL for SOAP; borrowed),
 * and what the XML reader noticed about the last SOAP answer. */
struct ds_pg *ds_client_pg(struct ds_client *dc);
void ds_client_answer_info(const struct ds_client *dc, struct mapping_answer_info *out);

/* Counters since creation, for logs and /metrics. */
struct ds_client_stats {
	long requests;
	long retries;
	long failures;
};
void ds_client_stats(const struct ds_client *dc, struct ds_client_stats *out);

#endif
