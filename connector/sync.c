/* sync.c -- one sync pass: walk windows from the cursor to today; for each, fetch and
 * parse everything first, then upsert it all and move the cursor in one transaction. */
#include "sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

const struct sync_source sync_source_ds = {
    .list = ds_client_list,
    .list_changes = ds_client_list_changes,
    .details = ds_client_details,
    .latest_token = ds_client_latest_token,
    .changes = ds_client_changes,
    .has_request = mapping_has_request,
};

/* What a listed filing needs, decided before the transaction. */
enum sync_todo {
	SYNC_TOUCH, /* stored and unchanged: seen again */
	SYNC_WRITE, /* new or changed: upserted */
	SYNC_IGNORE /* not stored, not the office's (office_only) */
};

/* A filing of an office_only window that is not the office's and that the store does not
 * know. */
static int sync_outsider(const struct sync_pass *p, const struct sync_commit *c,
			 const struct filing *f, int found)
{
	return c->office_only && !found &&
	       (f->numero[0] == '\0' || strcmp(f->dependencia_actual, p->cfg->ds_dependencia) != 0);
}

/* The deletes of c, inside the transaction. 0 or -1. */
static int sync_store_deletes(struct sync_pass *p, const struct sync_commit *c, const char *now,
			      struct sync_totals *w)
{
	for (size_t i = 0; i < c->ndeleted; i++) {
		enum store_delete res;
		char numero[128];

		if (store_mark_deleted_sgd(p->st, c->deleted[i], now, &res, numero,
					   sizeof(numero)) < 0)
			return -1;
		if (res == STORE_DELETE_MARKED) {
			w->filings_deleted++;
			log_info(SYNC_MODULE, "radicado %s eliminado en el sistema documental",
				 numero);
		} else if (res == STORE_DELETE_ALREADY) {
			w->filings_unchanged++;
		} else {
			w->filings_ignored++;
		}
	}
	return 0;
}

/* The transaction of a window or page: every filing as todo says, the deletes, the sync
 * state of c. 0 or -1 with p->err (rolled back). */
static int sync_store(struct sync_pass *p, struct filing_list *listed, const unsigned char *todo,
		      const unsigned char *found, const struct sync_commit *c,
		      struct sync_totals *w)
{
	char now[UTIL_ISO_LEN];
	struct store *st = p->st;

	util_now_iso(now);
	if (store_begin(st) < 0) {
		set_error(p->err, p->errlen, "no se pudo abrir la transacción: %s",
			  store_errmsg(st));
		return -1;
	}
	for (size_t i = 0; i < listed->count; i++) {
		struct filing *f = &listed->items[i];
		enum store_upsert res;

		if (todo[i] == SYNC_IGNORE || sync_outsider(p, c, f, found[i])) {
			w->filings_ignored++;
			continue;
		}
		if (todo[i] == SYNC_TOUCH) {
			if (store_touch_filing(st, f->numero, now) < 0)
				goto fail;
			w->filings_unchanged++;
			continue;
		}
		if (store_upsert_filing(st, f, mapping_classify(p->m, f), now, &res) < 0)
			goto fail;
		if (res == STORE_UPSERT_NEW)
			w->filings_new++;
		else if (res == STORE_UPSERT_CHANGED)
			w->filings_changed++;
		else
			w->filings_unchanged++;
	}
	if (sync_store_deletes(p, c, now, w) < 0)
		goto fail;
	if (c->cursor != NULL && store_sync_set_cursor(st, c->cursor, c->cursor_kind) < 0)
		goto fail;
	if (c->clear_pending && store_sync_set_pending(st, "", NULL) < 0)
		goto fail;
	if (c->token_since != NULL && store_sync_set_token_since(st, c->token_since) < 0)
		goto fail;
	if (store_commit(st) < 0)
		goto fail;
	return 0;
fail:
	set_error(p->err, p->errlen, "error de la base de datos: %s", store_errmsg(st));
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

/* Decides what each listed filing needs (todo; found: the store knows it) and which of those
 * to write still need the detail call (need). A complete filing (a database row, a JSON item)
 * is compared by every source field, a SOAP list item by the listed ones. An outsider of an
 * office_only window that is complete needs nothing. Returns 0 or -1 with p->err. */
static int sync_select(struct sync_pass *p, const struct sync_commit *c, struct filing_list *listed,
		       unsigned char *todo, unsigned char *found, struct filing **need,
		       size_t *nneed)
{
	*nneed = 0;
	for (size_t i = 0; i < listed->count; i++) {
		struct filing *f = &listed->items[i];
		char stored_listed[65];
		char stored_full[65];
		char now_hash[65];
		int known = 0;

		if (f->numero[0] != '\0')
			known = store_filing_hashes(p->st, f->numero, stored_listed, stored_full);
		if (known < 0) {
			set_error(p->err, p->errlen, "error de la base de datos: %s",
				  store_errmsg(p->st));
			return -1;
		}
		found[i] = known == 1;
		if (f->has_detail && sync_outsider(p, c, f, found[i])) {
			todo[i] = SYNC_IGNORE;
			continue;
		}
		filing_hash(f, !f->has_detail, now_hash);
		if (known == 1 &&
		    strcmp(f->has_detail ? stored_full : stored_listed, now_hash) == 0) {
			todo[i] = SYNC_TOUCH;
			continue;
		}
		todo[i] = SYNC_WRITE;
		if (!f->has_detail)
			need[(*nneed)++] = f;
	}
	return 0;
}

/* A window whose every detail answer came back empty for numbers the list has just given
 * is a service that ignores a wrong key (real Orfeo answers an empty Estructura), not n
 * filings deleted in between. */
static int sync_all_details_empty(struct filing **need, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (need[i]->has_detail)
			return 0;
	}
	return n > 0;
}

int sync_apply(struct sync_pass *p, struct filing_list *listed, const struct sync_commit *c,
	       const char *label, enum ds_answer *answer)
{
	struct filing **need = NULL;
	unsigned char *todo = NULL;
	unsigned char *found = NULL;
	struct sync_totals w;
	size_t nneed = 0;
	size_t n;
	size_t dups;
	long long start = util_monotonic_ms();
	int ret = -1;

	memset(&w, 0, sizeof(w));
	*answer = DS_OK;
	dups = sync_dedupe(listed);
	if (dups > 0)
		log_warn(SYNC_MODULE,
			 "%s: %zu radicados repetidos en la respuesta; se toma el último de cada "
			 "uno",
			 label, dups);
	n = listed->count ? listed->count : 1;
	todo = xcalloc(n, 1);
	found = xcalloc(n, 1);
	need = xcalloc(n, sizeof(*need));
	if (sync_select(p, c, listed, todo, found, need, &nneed) < 0)
		goto done;
	if (nneed > 0) {
		*answer = p->src->details(p->dc, need, nneed, p->err, p->errlen);
		if (*answer != DS_OK)
			goto done;
	}
	if (sync_all_details_empty(need, nneed)) {
		*answer = DS_AUTH;
		set_error(p->err, p->errlen,
			  "%s: las %zu consultas de detalle de radicados que la lista acaba de dar "
			  "volvieron vacías; probablemente el sistema documental no acepta la "
			  "clave de key_file (una clave errónea no siempre se informa)",
			  label, nneed);
		goto done;
	}
	if (sync_store(p, listed, todo, found, c, &w) < 0)
		goto done;
	w.elapsed_ms = util_monotonic_ms() - start;
	if (c->office_only || c->ndeleted > 0)
		log_info(SYNC_MODULE,
			 "%s: %zu radicados, %ld nuevos, %ld cambiados, %ld sin cambio, %ld "
			 "eliminados, %ld ignorados, %zu consultas de detalle, %lld ms",
			 label, listed->count, w.filings_new, w.filings_changed,
			 w.filings_unchanged, w.filings_deleted, w.filings_ignored, nneed,
			 w.elapsed_ms);
	else
		log_info(SYNC_MODULE,
			 "%s: %zu listados, %ld nuevos, %ld cambiados, %ld sin cambio, %zu "
			 "consultas de detalle, %lld ms",
			 label, listed->count, w.filings_new, w.filings_changed,
			 w.filings_unchanged, nneed, w.elapsed_ms);
	p->totals->filings_new += w.filings_new;
	p->totals->filings_changed += w.filings_changed;
	p->totals->filings_unchanged += w.filings_unchanged;
	p->totals->filings_deleted += w.filings_deleted;
	p->totals->filings_ignored += w.filings_ignored;
	ret = 0;
done:
	free(need);
	free(found);
	free(todo);
	return ret;
}

int sync_window(struct sync_pass *p, enum sync_read how, const char *from, const char *to,
		const struct sync_commit *c)
{
	struct filing_list listed;
	char label[64];
	enum ds_answer a;
	int ret = -1;

	filing_list_init(&listed);
	snprintf(label, sizeof(label), "ventana %s..%s", from, to);
	if (how == SYNC_READ_MODIFIED)
		a = p->src->list_changes(p->dc, from, to, &listed, p->err, p->errlen);
	else
		a = p->src->list(p->dc, from, to, &listed, p->err, p->errlen);
	if ((a == DS_OK || a == DS_EMPTY) && sync_apply(p, &listed, c, label, &a) == 0) {
		p->totals->windows++;
		ret = 0;
	} else if (a == DS_AUTH) {
		*p->auth_error = 1;
	}
	filing_list_free(&listed);
	return ret;
}

/* A pass's context over borrowed parts. */
static void sync_pass_init(struct sync_pass *p, const struct sync_source *src,
			   const struct config *cfg, const struct mapping *m, struct store *st,
			   struct ds_client *dc, atomic_int *stop, struct sync_totals *totals,
			   int *auth_error, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->m = m;
	p->st = st;
	p->dc = dc;
	p->src = src;
	p->stop = stop;
	p->totals = totals;
	p->auth_error = auth_error;
	p->err = err;
	p->errlen = errlen;
	util_now_iso(p->started);
}

int sync_run_window(const struct config *cfg, const struct mapping *m, struct store *st,
		    struct ds_client *dc, const char *from, const char *to,
		    struct sync_totals *totals, enum ds_answer *answer, char *err, size_t errlen)
{
	static const struct sync_commit none = {0};
	struct sync_pass p;
	struct filing_list listed;
	int auth_error = 0;
	int ret = -1;

	sync_pass_init(&p, &sync_source_ds, cfg, m, st, dc, NULL, totals, &auth_error, err, errlen);
	filing_list_init(&listed);
	*answer = mapping_cursor_kind(m) == MAPPING_CURSOR_INSTANTE
		      ? p.src->list_changes(dc, from, to, &listed, err, errlen)
		      : p.src->list(dc, from, to, &listed, err, errlen);
	if (*answer == DS_OK || *answer == DS_EMPTY) {
		char label[64];

		snprintf(label, sizeof(label), "ventana %s..%s", from, to);
		ret = sync_apply(&p, &listed, &none, label, answer);
		if (ret == 0)
			totals->windows++;
	}
	filing_list_free(&listed);
	return ret;
}

int sync_apply_change_page(const struct config *cfg, const struct mapping *m, struct store *st,
			   struct ds_client *dc, struct filing_list *filings, char *const *deleted,
			   size_t ndeleted, const char *next, struct sync_totals *totals,
			   enum ds_answer *answer, char *err, size_t errlen)
{
	struct sync_commit c = {.cursor = next != NULL && next[0] != '\0' ? next : NULL,
				.cursor_kind = SYNC_KIND_TOKEN,
				.office_only = 1,
				.deleted = deleted,
				.ndeleted = ndeleted};
	struct sync_pass p;
	char label[96];
	char shown[SYNC_TOKEN_SHOWN + 8];
	int auth_error = 0;

	sync_pass_init(&p, &sync_source_ds, cfg, m, st, dc, NULL, totals, &auth_error, err, errlen);
	snprintf(label, sizeof(label), "cambios hasta el token %s",
		 log_escape(next != NULL ? next : "", SYNC_TOKEN_SHOWN, shown, sizeof(shown)));
	if (sync_apply(&p, filings, &c, label, answer) < 0)
		return -1;
	totals->change_pages++;
	return 0;
}

int sync_stopping(struct sync_pass *p)
{
	if (p->stop == NULL || !atomic_load(p->stop))
		return 0;
	set_error(p->err, p->errlen, "interrumpido: el proceso se está deteniendo");
	return 1;
}

int sync_walk_dates(struct sync_pass *p, const struct sync_state *state,
		    const struct sync_commit *last)
{
	const struct config *cfg = p->cfg;
	char today[11];
	char from[11];
	char cursor_day[11];
	int max_days = mapping_max_window_days(p->m);

	util_today(today);
	/* An instant cursor (another profile's) starts with its day. */
	strlcpy_s(cursor_day, state->cursor, sizeof(cursor_day));
	if (cursor_day[0] == '\0' || strcmp(state->cursor_kind, SYNC_KIND_TOKEN) == 0 ||
	    util_date_add(cursor_day, -SYNC_OVERLAP_DAYS, from) < 0)
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	if (strcmp(from, cfg->ds_backfill_from) < 0)
		strlcpy_s(from, cfg->ds_backfill_from, sizeof(from));
	if (strcmp(from, today) > 0)
		strlcpy_s(from, today, sizeof(from));
	for (;;) {
		struct sync_commit c = {.cursor_kind = SYNC_KIND_FECHA};
		char to[11];

		if (sync_stopping(p))
			return -1;
		if (max_days <= 0 || util_date_add(from, max_days - 1, to) < 0 ||
		    strcmp(to, today) > 0)
			strlcpy_s(to, today, sizeof(to));
		c.cursor = to;
		if (sync_window(p, SYNC_READ_LIST, from, to,
				strcmp(to, today) >= 0 && last != NULL ? last : &c) < 0)
			return -1;
		if (strcmp(to, today) >= 0)
			return 0;
		util_date_add(to, 1, from);
	}
}

int sync_walk_instants(struct sync_pass *p, long long from, long long now, int cursor_each,
		       int office_only, const struct sync_commit *last)
{
	long long span = (long long)mapping_max_window_days(p->m) * 86400;

	if (from > now)
		from = now;
	for (;;) {
		long long to = span > 0 && from + span < now ? from + span : now;
		struct sync_commit c = {.cursor_kind = SYNC_KIND_INSTANTE,
					.office_only = office_only};
		char from_text[UTIL_LOCAL_LEN];
		char to_text[UTIL_LOCAL_LEN];
		char cursor[UTIL_ISO_LEN];

		if (sync_stopping(p))
			return -1;
		util_time_local(from, from_text);
		util_time_local(to, to_text);
		util_time_iso(to, cursor);
		if (cursor_each)
			c.cursor = cursor;
		if (sync_window(p, SYNC_READ_MODIFIED, from_text, to_text,
				to >= now && last != NULL ? last : &c) < 0)
			return -1;
		if (to >= now)
			return 0;
		from = to;
	}
}

/* Instant cursor: arrival windows [from, to) of at most max_window_days (0: one window)
 * from the cursor minus the mapping's overlap up to now; each window's end is the next
 * cursor. */
static int sync_pass_instants(struct sync_pass *p, const struct sync_state *state)
{
	long long begin;
	long long from;
	char cursor_day[11];

	if (util_iso_epoch(p->cfg->ds_backfill_from, &begin) < 0)
		begin = 0;
	strlcpy_s(cursor_day, state->cursor, sizeof(cursor_day));
	if (state->cursor[0] == '\0' || strcmp(state->cursor_kind, SYNC_KIND_TOKEN) == 0)
		from = begin;
	else if (strcmp(state->cursor_kind, SYNC_KIND_INSTANTE) == 0 &&
		 util_iso_epoch(state->cursor, &from) == 0)
		from -= (long long)mapping_overlap_minutes(p->m) * 60;
	else if (util_iso_epoch(cursor_day, &from) < 0) /* a date cursor: from its day */
		from = begin;
	if (from < begin)
		from = begin;
	return sync_walk_instants(p, from, (long long)time(NULL), 1, 0, NULL);
}

int sync_run_pass_from(const struct sync_source *src, const struct config *cfg,
		       const struct mapping *m, struct store *st, struct ds_client *dc,
		       atomic_int *stop, struct sync_totals *totals, int *auth_error, char *err,
		       size_t errlen)
{
	struct sync_state state;
	struct sync_pass p;
	char now[UTIL_ISO_LEN];
	long long start = util_monotonic_ms();
	int ret = -1;

	memset(totals, 0, sizeof(*totals));
	*auth_error = 0;
	err[0] = '\0';
	sync_pass_init(&p, src, cfg, m, st, dc, stop, totals, auth_error, err, errlen);
	if (store_sync_get(st, &state) < 0) {
		set_error(err, errlen, "no se pudo leer el estado de sincronización: %s",
			  store_errmsg(st));
		goto record;
	}
	switch (mapping_cursor_kind(m)) {
	case MAPPING_CURSOR_INSTANTE:
		ret = sync_pass_instants(&p, &state);
		break;
	case MAPPING_CURSOR_TOKEN:
		ret = sync_pass_token(&p, &state);
		break;
	default:
		ret = sync_walk_dates(&p, &state, NULL);
		break;
	}
record:
	totals->elapsed_ms = util_monotonic_ms() - start;
	util_now_iso(now);
	if (store_sync_note_pass(st, ret == 0, ret == 0 ? NULL : err, now, totals->filings_new,
				 totals->filings_changed) < 0)
		log_error(SYNC_MODULE, "no se pudo registrar la pasada: %s", store_errmsg(st));
	if (ret == 0 && mapping_cursor_kind(m) == MAPPING_CURSOR_TOKEN)
		log_info(SYNC_MODULE,
			 "pasada completa: %ld ventanas, %ld páginas de cambios, %ld nuevos, %ld "
			 "cambiados, %ld sin cambio, %ld eliminados, %ld ignorados, %lld ms",
			 totals->windows, totals->change_pages, totals->filings_new,
			 totals->filings_changed, totals->filings_unchanged,
			 totals->filings_deleted, totals->filings_ignored, totals->elapsed_ms);
	else if (ret == 0)
		log_info(SYNC_MODULE,
			 "pasada completa: %ld ventanas, %ld nuevos, %ld cambiados, %ld sin "
			 "cambio, %lld ms",
			 totals->windows, totals->filings_new, totals->filings_changed,
			 totals->filings_unchanged, totals->elapsed_ms);
	else if (mapping_cursor_kind(m) == MAPPING_CURSOR_TOKEN)
		log_error(SYNC_MODULE,
			  "pasada incompleta tras %ld ventanas y %ld páginas de cambios (%lld ms): "
			  "%s",
			  totals->windows, totals->change_pages, totals->elapsed_ms, err);
	else
		log_error(SYNC_MODULE, "pasada incompleta tras %ld ventanas (%lld ms): %s",
			  totals->windows, totals->elapsed_ms, err);
	return ret;
}

int sync_run_pass(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, atomic_int *stop, struct sync_totals *totals,
		  int *auth_error, char *err, size_t errlen)
{
	return sync_run_pass_from(&sync_source_ds, cfg, m, st, dc, stop, totals, auth_error, err,
				  errlen);
}
