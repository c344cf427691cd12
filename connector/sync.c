/* sync.c -- one sync pass: walk windows from the cursor to today; for each, fetch and
 * parse everything first, then upsert it all and move the cursor in one transaction. */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

static int sync_store_window(const struct mapping *m, struct store *st, struct filing_list *listed,
			     const char *cursor, const unsigned char *fresh, struct sync_totals *w,
			     char *err, size_t errlen)
{
	char now[UTIL_ISO_LEN];

	util_now_iso(now);
	if (store_begin(st) < 0) {
		set_error(err, errlen, "no se pudo abrir la transacción: %s", store_errmsg(st));
		return -1;
	}
	for (size_t i = 0; i < listed->count; i++) {
		struct filing *f = &listed->items[i];
		enum store_upsert res;
		int rc;

		if (!fresh[i]) {
			rc = store_touch_filing(st, f->numero, now);
			if (rc < 0)
				goto fail;
			w->filings_unchanged++;
			continue;
		}
		if (store_upsert_filing(st, f, mapping_classify(m, f), now, &res) < 0)
			goto fail;
		if (res == STORE_UPSERT_NEW)
			w->filings_new++;
		else if (res == STORE_UPSERT_CHANGED)
			w->filings_changed++;
		else
			w->filings_unchanged++;
	}
	if (cursor != NULL &&
	    store_sync_set_cursor(st, cursor, mapping_cursor_name(mapping_cursor_kind(m))) < 0)
		goto fail;
	if (store_commit(st) < 0)
		goto fail;
	return 0;
fail:
	set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
	store_rollback(st);
	return -1;
}

static int sync_cmp_numero(const void *a, const void *b)
{
	const struct filing *const *x = a;
	const struct filing *const *y = b;
	int c = strcmp((*x)->numero, (*y)->numero);

	/* Equal numbers: the later one in the answer first, so it is the one kept. */
	if (c == 0)
		c = *x < *y ? 1 : (*x > *y ? -1 : 0);
	return c;
}

/* Keeps one filing per number (the last the answer gave): a number listed twice in one
 * window would otherwise be upserted twice with different data and never settle. Returns
 * how many were dropped. */
static size_t sync_dedupe(struct filing_list *l)
{
	struct filing **order;
	unsigned char *drop;
	size_t dropped = 0;
	size_t w = 0;

	if (l->count < 2)
		return 0;
	order = xcalloc(l->count, sizeof(*order));
	drop = xcalloc(l->count, 1);
	for (size_t i = 0; i < l->count; i++)
		order[i] = &l->items[i];
	qsort(order, l->count, sizeof(*order), sync_cmp_numero);
	for (size_t i = 1; i < l->count; i++) {
		if (strcmp(order[i]->numero, order[i - 1]->numero) == 0) {
			drop[order[i] - l->items] = 1;
			dropped++;
		}
	}
	for (size_t i = 0; i < l->count; i++) {
		if (drop[i])
			filing_free(&l->items[i]);
		else
			l->items[w++] = l->items[i];
	}
	l->count = w;
	free(drop);
	free(order);
	return dropped;
}

/* Lists the window: filing days [from, to] for a date cursor, arrival instants [from, to)
 * for an instant cursor. */
static enum ds_answer sync_list(const struct mapping *m, struct ds_client *dc, const char *from,
				const char *to, struct filing_list *out, char *err, size_t errlen)
{
	if (mapping_cursor_kind(m) == MAPPING_CURSOR_INSTANTE)
		return ds_client_list_changes(dc, from, to, out, err, errlen);
	return ds_client_list(dc, from, to, out, err, errlen);
}

/* Decides which listed filings must be written (fresh) and which of those still need the
 * detail call (todo). A complete filing (a database row) is compared by every source field,
 * a SOAP list item by the listed ones. Returns 0 or -1 with err filled. */
static int sync_select(struct store *st, struct filing_list *listed, unsigned char *fresh,
		       struct filing **todo, size_t *ntodo, char *err, size_t errlen)
{
	*ntodo = 0;
	for (size_t i = 0; i < listed->count; i++) {
		struct filing *f = &listed->items[i];
		char stored_listed[65];
		char stored_full[65];
		char now_hash[65];
		int found = store_filing_hashes(st, f->numero, stored_listed, stored_full);

		if (found < 0) {
			set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
			return -1;
		}
		filing_hash(f, !f->has_detail, now_hash);
		if (found == 1 &&
		    strcmp(f->has_detail ? stored_full : stored_listed, now_hash) == 0)
			continue;
		fresh[i] = 1;
		if (!f->has_detail)
			todo[(*ntodo)++] = f;
	}
	return 0;
}

/* A window whose every detail answer came back empty for numbers the list has just given
 * is a service that ignores a wrong key (real Orfeo answers an empty Estructura), not n
 * filings deleted in between. */
static int sync_all_details_empty(struct filing **todo, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (todo[i]->has_detail)
			return 0;
	}
	return n > 0;
}

/* Runs a window; cursor, when not NULL, is stored with it (of the mapping's kind). */
static int sync_window(const struct config *cfg, const struct mapping *m, struct store *st,
		       struct ds_client *dc, const char *from, const char *to, const char *cursor,
		       struct sync_totals *totals, enum ds_answer *answer, char *err, size_t errlen)
{
	struct filing_list listed;
	struct filing **todo = NULL;
	unsigned char *fresh = NULL;
	struct sync_totals w;
	size_t ntodo = 0;
	size_t dups;
	long long start = util_monotonic_ms();
	enum ds_answer a;
	int ret = -1;

	(void)cfg;
	memset(&w, 0, sizeof(w));
	filing_list_init(&listed);
	a = sync_list(m, dc, from, to, &listed, err, errlen);
	*answer = a;
	if (a != DS_OK && a != DS_EMPTY)
		goto done;
	dups = sync_dedupe(&listed);
	if (dups > 0)
		log_warn("sync",
			 "ventana %s..%s: %zu radicados repetidos en la respuesta; se toma "
			 "el último de cada uno",
			 from, to, dups);
	fresh = xcalloc(listed.count ? listed.count : 1, 1);
	todo = xcalloc(listed.count ? listed.count : 1, sizeof(*todo));
	if (sync_select(st, &listed, fresh, todo, &ntodo, err, errlen) < 0)
		goto done;
	a = ds_client_details(dc, todo, ntodo, err, errlen);
	*answer = a;
	if (a != DS_OK)
		goto done;
	if (sync_all_details_empty(todo, ntodo)) {
		*answer = DS_AUTH;
		set_error(err, errlen,
			  "ventana %s..%s: las %zu consultas de detalle de radicados que la lista "
			  "acaba de dar volvieron vacías; probablemente el sistema documental no "
			  "acepta la clave de key_file (una clave errónea no siempre se informa)",
			  from, to, ntodo);
		goto done;
	}
	if (sync_store_window(m, st, &listed, cursor, fresh, &w, err, errlen) < 0)
		goto done;
	w.windows = 1;
	w.elapsed_ms = util_monotonic_ms() - start;
	log_info("sync",
		 "ventana %s..%s: %zu listados, %ld nuevos, %ld cambiados, %ld sin cambio, "
		 "%zu consultas de detalle, %lld ms",
		 from, to, listed.count, w.filings_new, w.filings_changed, w.filings_unchanged,
		 ntodo, w.elapsed_ms);
	totals->windows += w.windows;
	totals->filings_new += w.filings_new;
	totals->filings_changed += w.filings_changed;
	totals->filings_unchanged += w.filings_unchanged;
	ret = 0;
done:
	free(todo);
	free(fresh);
	filing_list_free(&listed);
	return ret;
}

int sync_run_window(const struct config *cfg, const struct mapping *m, struct store *st,
		    struct ds_client *dc, const char *from, const char *to,
		    struct sync_totals *totals, enum ds_answer *answer, char *err, size_t errlen)
{
	return sync_window(cfg, m, st, dc, from, to, NULL, totals, answer, err, errlen);
}

/* Runs one window and records a failure's kind. Returns 0 or -1. */
static int sync_pass_window(const struct config *cfg, const struct mapping *m, struct store *st,
			    struct ds_client *dc, const char *from, const char *to,
			    const char *cursor, struct sync_totals *totals, int *auth_error,
			    char *err, size_t errlen)
{
	enum ds_answer a;

	if (sync_window(cfg, m, st, dc, from, to, cursor, totals, &a, err, errlen) == 0)
		return 0;
	if (a == DS_AUTH)
		*auth_error = 1;
	return -1;
}

/* Date cursor: windows of at most max_window_days filing days (0: one window) from the
 * cursor's day minus SYNC_OVERLAP_DAYS up to today. */
static int sync_pass_dates(const struct config *cfg, const struct mapping *m, struct store *st,
			   struct ds_client *dc, atomic_int *stop, const struct sync_state *state,
			   struct sync_totals *totals, int *auth_error, char *err, size_t errlen)
{
	char today[11];
	char from[11];
	char cursor_day[11];
	int max_days = mapping_max_window_days(m);

	util_today(today);
	/* An instant cursor (another profile's) starts with its day. */
	strlcpy_s(cursor_day, state->cursor, sizeof(cursor_day));
	if (cursor_day[0] == '\0' || strcmp(state->cursor_kind, "token") == 0 ||
	    util_date_add(cursor_day, -SYNC_OVERLAP_DAYS, from) < 0)
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	if (strcmp(from, cfg->ds_backfill_from) < 0)
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	if (strcmp(from, today) > 0)
		strlcpy_s(from, today, sizeof(from));
	for (;;) {
		char to[11];

		if (stop != NULL && atomic_load(stop)) {
			set_error(err, errlen, "interrumpido: el proceso se está deteniendo");
			return -1;
		}
		if (max_days <= 0 || util_date_add(from, max_days - 1, to) < 0 ||
		    strcmp(to, today) > 0)
			strlcpy_s(to, today, sizeof(to));
		if (sync_pass_window(cfg, m, st, dc, from, to, to, totals, auth_error, err,
				     errlen) < 0)
			return -1;
		if (strcmp(to, today) >= 0)
			return 0;
		util_date_add(to, 1, from);
	}
}

/* Instant cursor: arrival windows [from, to) of at most max_window_days (0: one window)
 * from the cursor minus the mapping's overlap up to now; each window's end is the next
 * cursor. */
static int sync_pass_instants(const struct config *cfg, const struct mapping *m, struct store *st,
			      struct ds_client *dc, atomic_int *stop,
			      const struct sync_state *state, struct sync_totals *totals,
			      int *auth_error, char *err, size_t errlen)
{
	long long begin;
	long long from;
	long long now = (long long)time(NULL);
	long long span = (long long)mapping_max_window_days(m) * 86400;
	char cursor_day[11];

	if (util_iso_epoch(cfg->ds_backfill_from, &begin) < 0)
		begin = 0;
	strlcpy_s(cursor_day, state->cursor, sizeof(cursor_day));
	if (state->cursor[0] == '\0' || strcmp(state->cursor_kind, "token") == 0)
		from = begin;
	else if (strcmp(state->cursor_kind, "instante") == 0 &&
		 util_iso_epoch(state->cursor, &from) == 0)
		from -= (long long)mapping_overlap_minutes(m) * 60;
	else if (util_iso_epoch(cursor_day, &from) < 0) /* a date cursor: from its day */
		from = begin;
	if (from < begin)
		from = begin;
	if (from > now)
		from = now;
	for (;;) {
		long long to = span > 0 && from + span < now ? from + span : now;
		char from_text[UTIL_LOCAL_LEN];
		char to_text[UTIL_LOCAL_LEN];
		char cursor[UTIL_ISO_LEN];

		if (stop != NULL && atomic_load(stop)) {
			set_error(err, errlen, "interrumpido: el proceso se está deteniendo");
			return -1;
		}
		util_time_local(from, from_text);
		util_time_local(to, to_text);
		util_time_iso(to, cursor);
		if (sync_pass_window(cfg, m, st, dc, from_text, to_text, cursor, totals, auth_error,
				     err, errlen) < 0)
			return -1;
		if (to >= now)
			return 0;
		from = to;
	}
}

int sync_run_pass(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, atomic_int *stop, struct sync_totals *totals,
		  int *auth_error, char *err, size_t errlen)
{
	struct sync_state state;
	char now[UTIL_ISO_LEN];
	long long start = util_monotonic_ms();
	int ret = -1;

	memset(totals, 0, sizeof(*totals));
	*auth_error = 0;
	err[0] = '\0';
	if (store_sync_get(st, &state) < 0) {
		set_error(err, errlen, "no se pudo leer el estado de sincronización: %s",
			  store_errmsg(st));
		goto record;
	}
	if (mapping_cursor_kind(m) == MAPPING_CURSOR_INSTANTE)
		ret = sync_pass_instants(cfg, m, st, dc, stop, &state, totals, auth_error, err,
					 errlen);
	else
		ret =
		    sync_pass_dates(cfg, m, st, dc, stop, &state, totals, auth_error, err, errlen);
record:
	totals->elapsed_ms = util_monotonic_ms() - start;
	util_now_iso(now);
	if (store_sync_note_pass(st, ret == 0, ret == 0 ? NULL : err, now, totals->filings_new,
				 totals->filings_changed) < 0)
		log_error("sync", "no se pudo registrar la pasada: %s", store_errmsg(st));
	if (ret == 0)
		log_info("sync",
			 "pasada completa: %ld ventanas, %ld nuevos, %ld cambiados, %ld sin "
			 "cambio, %lld ms",
			 totals->windows, totals->filings_new, totals->filings_changed,
			 totals->filings_unchanged, totals->elapsed_ms);
	else
		log_error("sync", "pasada incompleta tras %ld ventanas (%lld ms): %s",
			  totals->windows, totals->elapsed_ms, err);
	return ret;
}
