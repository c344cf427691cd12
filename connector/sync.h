/* sync.h -- the poll loop's one pass: windows of at most 31 days from the cursor, list,
 * detail calls for new or changed filings, then one transaction per window that upserts
 * every filing and moves the cursor; for a change-token profile, a backfill by windows and then
 * the change log, one transaction per page. */
#ifndef SEGCONT_SYNC_H
#define SEGCONT_SYNC_H

#include <stdatomic.h>

#include "config.h"
#include "ds_client.h"
#include "mapping.h"
#include "store.h"

#define SYNC_OVERLAP_DAYS 1 /* each pass re-reads from the cursor's day minus this */

struct sync_totals {
	long windows;
	long change_pages; /* pages of the change log (token profiles) */
	long filings_new;
	long filings_changed;
	long filings_unchanged;
	long filings_deleted; /* marked deleted in the system (eliminado_sgd) */
	long filings_ignored; /* changed elsewhere, never the office's; deletes of unknown ids */
	long long elapsed_ms;
};

/* Runs one pass from the stored cursor up to today. Borrows everything. Returns 0 when
 * the document system was read completely (every window committed), -1 otherwise with
 * err filled; windows committed before a failure stay committed. The pass is recorded in
 * sync_estado either way. *auth_error is set to 1 when the failure was a rejected key.
^ * Stops between windows (and inside one, committing nothing of it) when *stop is set. */
int sync_run_pass(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, atomic_int *stop, struct sync_totals *totals,
		  int *auth_error, char *err, size_t errlen);

/* Same for one window [from, to], exposed for reconciliation and tests. 0 or -1. */
int sync_run_window(const struct config *cfg, const struct mapping *m, struct store *st,
		    struct ds_client *dc, const char *from, const char *to,
		    struct sync_totals *totals, enum ds_answer *answer, char *err, size_t errlen);

/* One page of a change log, in one transaction: the filings upserted (those without their
 * detail completed first by detail calls), then the deleted id_sgd marked
 * (store_mark_deleted_sgd; unknown ids ignored), and the cursor moved to next (kind token; NULL
 * or "": it stays). A filing neither stored nor held by the office (dependencia_actual equal
 * to cfg->ds_dependencia) is ignored; a stored one is updated wherever it went, never deleted.
 * filings is changed (deduplicated, completed) and stays the caller's; the rest is borrowed.
 * Adds to totals. Returns 0, or -1 with err and nothing of the page written (*answer: what a
 * failed detail call said, else DS_OK). */
int sync_apply_change_page(const struct config *cfg, const struct mapping *m, struct store *st,
			   struct ds_client *dc, struct filing_list *filings, char *const *deleted,
			   size_t ndeleted, const char *next, struct sync_totals *totals,
			   enum ds_answer *answer, char *err, size_t errlen);

/* The poller: a thread running a pass every poll_interval seconds (or when triggered),
 * with its own store connection and document-system client (a struct worker; the
 * functions below are defined in worker.c). */
struct sync_poller;

struct calendar;
/* Starts the poller thread. Borrows cfg, m and cal (serve's calendar, for the SLA blocks
 * its writes store); stop is shared with the caller, who sets it and then calls
 * sync_poller_join. Returns NULL with err filled when the database cannot be opened. */
struct sync_poller *sync_poller_start(const struct config *cfg, const struct mapping *m,
				      const struct calendar *cal, atomic_int *stop, char *err,
				      size_t errlen);
/* Asks for a pass now (the current one, if any, finishes first). Never fails. */
void sync_poller_trigger(struct sync_poller *p);
/* Wakes the thread (stop must already be set), waits for it, frees everything. */
void sync_poller_join(struct sync_poller *p);

/* Counters for /metrics, read without locks (monotonic counts). */
struct sync_poller_stats {
	long passes;
	long passes_failed;
	long filings_new;
	long filings_changed;
	int running;	/* a pass is in progress */
	int auth_error; /* the last pass failed on the service key */
};
void sync_poller_stats(struct sync_poller *p, struct sync_poller_stats *out);

#endif
