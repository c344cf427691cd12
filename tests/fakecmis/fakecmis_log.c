/* fakecmis_log.c -- the change log as a ring of the last `keep` events: appending drops the
 * oldest, expiring drops them all, and a token maps to its slot by arithmetic. */
#include "fakecmis_log.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const fakecmis_log_changes[FAKECMIS_CHANGE_COUNT] = {
    [FAKECMIS_CREATED] = "created",
    [FAKECMIS_UPDATED] = "updated",
    [FAKECMIS_DELETED] = "deleted",
    [FAKECMIS_SECURITY] = "security",
};

const char *fakecmis_change_name(enum fakecmis_change c)
{
	return fakecmis_log_changes[c];
}

void fakecmis_log_init(struct fakecmis_log *l, size_t keep)
{
	memset(l, 0, sizeof(*l));
	l->keep = keep;
	l->ring = xcalloc(keep, sizeof(*l->ring));
}

void fakecmis_log_free(struct fakecmis_log *l)
{
	if (l->ring != NULL) {
		for (size_t i = 0; i < l->keep; i++)
			free(l->ring[i].id);
	}
	free(l->ring);
	memset(l, 0, sizeof(*l));
}

long long fakecmis_log_append(struct fakecmis_log *l, const char *id, enum fakecmis_kind kind,
			      enum fakecmis_change change, long long time_ms)
{
	struct fakecmis_log_entry *e;

	l->latest++;
	e = &l->ring[(size_t)(l->latest % (long long)l->keep)];
	free(e->id);
	e->id = xstrdup(id);
	e->kind = kind;
	e->change = change;
	if (time_ms < l->last_ms)
		time_ms = l->last_ms;
	e->time_ms = time_ms;
	l->last_ms = time_ms;
	if (l->count < l->keep)
		l->count++;
	return l->latest;
}

long long fakecmis_log_first(const struct fakecmis_log *l)
{
	return l->latest - (long long)l->count + 1;
}

const struct fakecmis_log_entry *fakecmis_log_get(const struct fakecmis_log *l, long long t)
{
	if (t < fakecmis_log_first(l) || t > l->latest)
		return NULL;
	return &l->ring[(size_t)(t % (long long)l->keep)];
}

void fakecmis_log_expire(struct fakecmis_log *l)
{
	for (size_t i = 0; i < l->keep; i++) {
		free(l->ring[i].id);
		l->ring[i].id = NULL;
	}
	l->expired += (long long)l->count;
	l->count = 0;
}
