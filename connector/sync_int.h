/* sync_int.h -- what sync.c and sync_token.c share and no other module sees: the calls a pass
 * makes to the document system (a table, so a test can drive a whole pass from a change log in
 * memory), one pass's context, and the steps both kinds of pass are made of. */
#ifndef SEGCONT_SYNC_INT_H
#define SEGCONT_SYNC_INT_H

#include <stdatomic.h>
#include <stddef.h>

#include "sync.h"
#include "util.h"

#define SYNC_MODULE "sync"
#define SYNC_KIND_FECHA "fecha"
#define SYNC_KIND_INSTANTE "instante"
#define SYNC_KIND_TOKEN "token"
/* Minutes the gap after an expired change token starts before token_desde when the mapping
 * sets no overlap: the repository's clock and ours may differ by this much. */
#define SYNC_TOKEN_OVERLAP_MIN 10
#define SYNC_TOKEN_SHOWN 40 /* bytes of a change token shown in the log */

/* The calls to the document system, with ds_client's signatures (sync_source_ds holds
 * ds_client's own). */
struct sync_source {
	enum ds_answer (*list)(struct ds_client *dc, const char *from, const char *to,
			       struct filing_list *out, char *err, size_t errlen);
	enum ds_answer (*list_changes)(struct ds_client *dc, const char *from, const char *to,
				       struct filing_list *out, char *err, size_t errlen);
	enum ds_answer (*details)(struct ds_client *dc, struct filing **fs, size_t n, char *err,
				  size_t errlen);
	enum ds_answer (*latest_token)(struct ds_client *dc, char *token, size_t len, char *err,
				       size_t errlen);
	enum ds_answer (*changes)(struct ds_client *dc, const char *token, ds_change_cb cb,
				  void *arg, char *err, size_t errlen);
	int (*has_request)(const struct mapping *m, enum mapping_request r);
};
extern const struct sync_source sync_source_ds;

/* One pass: what it borrows, what it fills. */
struct sync_pass {
	const struct config *cfg;
	const struct mapping *m;
	struct store *st;
	struct ds_client *dc;
	const struct sync_source *src;
	atomic_int *stop; /* may be NULL */
	struct sync_totals *totals;
	int *auth_error;
	char started[UTIL_ISO_LEN]; /* when the pass began, ISO 8601 */
	char *err;
	size_t errlen;
};

/* What one window's (or change page's) transaction writes besides its filings. */
struct sync_commit {
	const char *cursor;	 /* NULL: the cursor stays */
	const char *cursor_kind; /* fecha, instante, token */
	int clear_pending;	 /* token_pendiente = "" (the backfill reached today) */
	const char *token_since; /* token_desde, or NULL: it stays */
	/* A filing neither stored nor held by the office (dependencia_actual) is ignored; a
	 * stored one is written wherever it is now. */
	int office_only;
	char *const *deleted; /* id_sgd the system deleted, marked after the upserts */
	size_t ndeleted;
};

/* 1 (with p->err) when the process is stopping: passes stop between windows and pages. */
int sync_stopping(struct sync_pass *p);

/* Which request lists a window: the office's filings filed in days [from, to], or those
 * modified in instants [from, to) ("YYYY-MM-DD HH:MM:SS"). */
enum sync_read { SYNC_READ_LIST, SYNC_READ_MODIFIED };

/* Completes listed (detail calls for the new or changed filings that lack it) and writes it
 * with c in one transaction; label names the window or page in the log. listed is changed
 * (deduplicated, completed); the caller frees it. Returns 0, or -1 with p->err (nothing of it
 * written) and *answer what the system said (DS_OK when the database failed). */
int sync_apply(struct sync_pass *p, struct filing_list *listed, const struct sync_commit *c,
	       const char *label, enum ds_answer *answer);
/* Reads one window with how and applies it with c. 0, or -1 (p->auth_error set when the key
 * was refused). */
int sync_window(struct sync_pass *p, enum sync_read how, const char *from, const char *to,
		const struct sync_commit *c);
/* Windows of at most max_window_days filing days from the cursor's day minus
 * SYNC_OVERLAP_DAYS (a cursor that is not a date: backfill_from) up to today, each committed
 * with its last day as the fecha cursor, except the last one, committed with last when that is
 * not NULL. 0 or -1. */
int sync_walk_dates(struct sync_pass *p, const struct sync_state *state,
		    const struct sync_commit *last);
/* Windows [from, now) (epoch seconds) of at most max_window_days of modifications, each
 * committed with its end as the instante cursor (cursor_each) or with no cursor, except the
 * last one, committed with last when that is not NULL; office_only as in struct sync_commit
 * for every window. 0 or -1. */
int sync_walk_instants(struct sync_pass *p, long long from, long long now, int cursor_each,
		       int office_only, const struct sync_commit *last);

/* The change-token pass (sync_token.c): backfill first when the cursor is no token, then the
 * change log to its end. 0 or -1 with p->err. */
int sync_pass_token(struct sync_pass *p, const struct sync_state *state);

/* sync_run_pass with the document-system calls of src (tests). */
int sync_run_pass_from(const struct sync_source *src, const struct config *cfg,
		       const struct mapping *m, struct store *st, struct ds_client *dc,
		       atomic_int *stop, struct sync_totals *totals, int *auth_error, char *err,
		       size_t errlen);

#endif
