/* reconcile_int.h -- what reconcile.c shares with reconcile_apply.c and reconcile_run.c and
 * nothing else reads: the log module's name, the open states, JSON helpers. */
#ifndef SEGCONT_RECONCILE_INT_H
#define SEGCONT_RECONCILE_INT_H

#include <jansson.h>

#define RECONCILE_MODULE "reconcile"

/* 1 when a follow-up estado counts as open (recibido, repartido, en_revision, devuelto). */
int reconcile_is_open(const char *estado);

/* A new JSON string of s (never NULL: NULL is "", invalid UTF-8 becomes null). */
json_t *reconcile_jstr(const char *s);
/* The same, with NULL or "" as null. */
json_t *reconcile_jstr_or_null(const char *s);
/* A new JSON integer of id, or null when id is not positive. */
json_t *reconcile_jid_or_null(long long id);

#endif
