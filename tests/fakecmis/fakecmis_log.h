/* fakecmis_log.h -- the repository's change log: numbered change events (token n is the n-th
 * change), of which only the last `keep` are kept, as a ring. Not locked: the repository's
 * mutex guards it. */
#ifndef FAKECMIS_LOG_H
#define FAKECMIS_LOG_H

#include <stddef.h>

#include "fakecmis_object.h"

#define FAKECMIS_LOG_MAX_KEEP 1000000L /* entries one log may keep */

enum fakecmis_change {
	FAKECMIS_CREATED,
	FAKECMIS_UPDATED,
	FAKECMIS_DELETED,
	FAKECMIS_SECURITY,
	FAKECMIS_CHANGE_COUNT
};

struct fakecmis_log_entry {
	char *id; /* the object's id (owned) */
	enum fakecmis_kind kind;
	enum fakecmis_change change;
	long long time_ms;
};

struct fakecmis_log {
	struct fakecmis_log_entry *ring; /* entry of token t at t % keep */
	size_t keep;
	size_t count;	   /* entries kept: tokens latest - count + 1 ... latest */
	long long latest;  /* token of the last change; 0 before any */
	long long last_ms; /* time of the last change */
	long long expired; /* entries dropped by fakecmis_log_expire so far */
};

/* "created", "updated", "deleted", "security". Borrowed. */
const char *fakecmis_change_name(enum fakecmis_change c);

/* Sets up an empty log keeping at most keep (1 ... FAKECMIS_LOG_MAX_KEEP) entries. */
void fakecmis_log_init(struct fakecmis_log *l, size_t keep);
void fakecmis_log_free(struct fakecmis_log *l);
/* Appends one change (id is copied); the oldest entry goes when the log is full. A time
 * before the last change's is raised to it, so times never go back. Returns the new token. */
long long fakecmis_log_append(struct fakecmis_log *l, const char *id, enum fakecmis_kind kind,
			      enum fakecmis_change change, long long time_ms);
/* The oldest token kept (latest + 1 when the log is empty). */
long long fakecmis_log_first(const struct fakecmis_log *l);
/* The entry of token t, or NULL when t is not kept. Borrowed. */
const struct fakecmis_log_entry *fakecmis_log_get(const struct fakecmis_log *l, long long t);
/* Drops every entry kept; later tokens go on from latest. */
void fakecmis_log_expire(struct fakecmis_log *l);

#endif
