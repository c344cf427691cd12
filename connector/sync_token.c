/* sync_token.c -- the pass of a change-token profile (CMIS): a backfill by date windows with the
 * repository's token taken before it starts, then the change log one page per transaction, and
 * the gap read again by modification time when the token is no longer kept. */
#include "sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define SYNC_TOKEN_SHOWN_LEN (SYNC_TOKEN_SHOWN * 4 + 8)

/* What the change log's callback carries. */
struct sync_token_follow {
	struct sync_pass *p;
	int failed; /* a page could not be written: p->err says why */
};

static const char *sync_token_shown(const char *token, char out[SYNC_TOKEN_SHOWN_LEN])
{
	return log_escape(token != NULL ? token : "", SYNC_TOKEN_SHOWN, out, SYNC_TOKEN_SHOWN_LEN);
}

/* One page of the change log: its filings (copied: the page is the client's) and deletes
 * written with the cursor moved to next, in one transaction. 0, or -1 to stop the log. */
static int sync_token_page(const struct mapping_page *page, const char *next, void *arg)
{
	struct sync_token_follow *t = arg;
	struct sync_pass *p = t->p;
	struct sync_commit c = {.cursor = next != NULL && next[0] != '\0' ? next : NULL,
				.cursor_kind = SYNC_KIND_TOKEN,
				.office_only = 1,
				.deleted = page->deleted,
				.ndeleted = page->ndeleted};
	struct filing_list copy;
	char shown[SYNC_TOKEN_SHOWN_LEN];
	char label[SYNC_TOKEN_SHOWN_LEN + 64];
	enum ds_answer a = DS_OK;
	int rc;

	if (sync_stopping(p)) {
		t->failed = 1;
		return -1;
	}
	filing_list_init(&copy);
	for (size_t i = 0; i < page->filings.count; i++)
		filing_copy(filing_list_push(&copy), &page->filings.items[i]);
	snprintf(label, sizeof(label), "cambios hasta el token %s",
		 c.cursor != NULL ? sync_token_shown(next, shown) : "(sin token nuevo)");
	rc = sync_apply(p, &copy, &c, label, &a);
	filing_list_free(&copy);
	if (rc < 0) {
		if (a == DS_AUTH)
			*p->auth_error = 1;
		t->failed = 1;
		return -1;
	}
	p->totals->change_pages++;
	if (page->ignored > 0)
		log_debug(SYNC_MODULE, "%s: %zu cambios de otros objetos o tipos ignorados", label,
			  page->ignored);
	return 0;
}

/* Follows the change log from cursor to its end; at the end, token_desde = the pass's start.
 * Returns 0 at the end, 1 when the system no longer keeps the token (why says what it
 * answered), -1 on another failure (p->err). Pages written before a failure stay. */
static int sync_token_follow(struct sync_pass *p, const char *cursor, char *why, size_t whylen)
{
	struct sync_token_follow t = {p, 0};
	char cerr[DS_CLIENT_ERR_LEN] = "";
	char shown[SYNC_TOKEN_SHOWN_LEN];
	enum ds_answer a;

	a = p->src->changes(p->dc, cursor, sync_token_page, &t, cerr, sizeof(cerr));
	if (t.failed)
		return -1;
	if (a == DS_OK) {
		if (store_sync_set_token_since(p->st, p->started) < 0) {
			set_error(p->err, p->errlen, "error de la base de datos: %s",
				  store_errmsg(p->st));
			return -1;
		}
		return 0;
	}
	if (a == DS_TOKEN_EXPIRED) {
		set_error(why, whylen, "%s", cerr);
		return 1;
	}
	if (a == DS_AUTH)
		*p->auth_error = 1;
	set_error(p->err, p->errlen, "registro de cambios desde el token %s: %s",
		  sync_token_shown(cursor, shown), cerr);
	return -1;
}

/* The repository's current change token into token (size STORE_CURSOR_LEN). 0 or -1. */
static int sync_token_latest(struct sync_pass *p, char token[STORE_CURSOR_LEN])
{
	char terr[DS_CLIENT_ERR_LEN] = "";
	enum ds_answer a;

	a = p->src->latest_token(p->dc, token, STORE_CURSOR_LEN, terr, sizeof(terr));
	if (a != DS_OK) {
		if (a == DS_AUTH)
			*p->auth_error = 1;
		set_error(p->err, p->errlen,
			  "no se pudo leer el token de cambios actual del sistema documental: %s",
			  terr);
		return -1;
	}
	if (token[0] == '\0') {
		set_error(p->err, p->errlen,
			  "el sistema documental no dio su token de cambios actual (vacío)");
		return -1;
	}
	return 0;
}

/* Begins a backfill: before any window, the repository's current token is stored as the
 * pending one, with token_desde = the pass's start and the cursor emptied (the windows start
 * at backfill_from), in one transaction; state is read again. 0 or -1. */
static int sync_token_begin_backfill(struct sync_pass *p, struct sync_state *state)
{
	char token[STORE_CURSOR_LEN];
	char shown[SYNC_TOKEN_SHOWN_LEN];

	if (sync_token_latest(p, token) < 0)
		return -1;
	if (store_begin(p->st) < 0)
		goto fail;
	if (store_sync_set_pending(p->st, token, p->started) < 0 ||
	    store_sync_set_cursor(p->st, "", SYNC_KIND_FECHA) < 0 || store_commit(p->st) < 0) {
		store_rollback(p->st);
		goto fail;
	}
	if (store_sync_get(p->st, state) < 0)
		goto fail;
	log_info(SYNC_MODULE,
		 "carga inicial desde %s; el token de cambios %s queda pendiente hasta que la "
		 "carga llegue a hoy",
		 p->cfg->ds_backfill_from, sync_token_shown(token, shown));
	return 0;
fail:
	set_error(p->err, p->errlen, "error de la base de datos: %s", store_errmsg(p->st));
	return -1;
}

/* Backfills by date windows of the list request (a new backfill, or one a stopped process
 * left), each window committed with its fecha cursor; the window that reaches today makes the
 * pending token the cursor and clears it, in its transaction. state ends as the store has it.
 * 0 or -1. */
static int sync_token_backfill(struct sync_pass *p, struct sync_state *state)
{
	char shown[SYNC_TOKEN_SHOWN_LEN];
	struct sync_commit last = {.cursor_kind = SYNC_KIND_TOKEN, .clear_pending = 1};

	if (state->token_pending[0] == '\0') {
		if (sync_token_begin_backfill(p, state) < 0)
			return -1;
	} else {
		log_info(SYNC_MODULE,
			 "se retoma la carga inicial en %s; sigue pendiente el token de cambios %s",
			 state->cursor[0] != '\0' ? state->cursor : p->cfg->ds_backfill_from,
			 sync_token_shown(state->token_pending, shown));
	}
	last.cursor = state->token_pending;
	if (sync_walk_dates(p, state, &last) < 0)
		return -1;
	strlcpy_s(state->cursor, state->token_pending, sizeof(state->cursor));
	strlcpy_s(state->cursor_kind, SYNC_KIND_TOKEN, sizeof(state->cursor_kind));
	state->token_pending[0] = '\0';
	log_info(SYNC_MODULE,
		 "carga inicial completa; se sigue el registro de cambios desde el "
		 "token %s",
		 sync_token_shown(state->cursor, shown));
	return 0;
}

/* The system no longer keeps the cursor's token (why: its answer). With a modified request
 * and a known token_desde: the current token is taken, the filings modified since token_desde
 * minus the overlap are read in windows (the office filter applies) and the last window makes
 * the new token the cursor (token_desde = the pass's start). Otherwise everything is loaded
 * again from backfill_from (*backfilled = 1). state ends as the store has it. 0 or -1. */
static int sync_token_recover(struct sync_pass *p, struct sync_state *state, const char *why,
			      int *backfilled)
{
	char token[STORE_CURSOR_LEN];
	char shown_old[SYNC_TOKEN_SHOWN_LEN];
	char shown_new[SYNC_TOKEN_SHOWN_LEN];
	char from_iso[UTIL_ISO_LEN];
	struct sync_commit last = {.cursor_kind = SYNC_KIND_TOKEN, .office_only = 1};
	int overlap = mapping_overlap_minutes(p->m);
	int modified = p->src->has_request(p->m, MR_MODIFIED);
	long long since;
	long long now;

	*backfilled = 0;
	sync_token_shown(state->cursor, shown_old);
	if (!modified || state->token_since[0] == '\0' ||
	    util_iso_epoch(state->token_since, &since) < 0) {
		log_warn(
		    SYNC_MODULE,
		    "el sistema documental ya no conserva el token de cambios %s (%s) y %s: se "
		    "carga todo de nuevo desde backfill_from (%s)",
		    shown_old, why,
		    !modified ? "el mapeo no tiene la petición «modified» para leer lo que "
				"cambió entretanto"
			      : "no se sabe desde cuándo leer lo que cambió",
		    p->cfg->ds_backfill_from);
		*backfilled = 1;
		state->token_pending[0] = '\0';
		return sync_token_backfill(p, state);
	}
	if (sync_token_latest(p, token) < 0)
		return -1;
	if (overlap <= 0)
		overlap = SYNC_TOKEN_OVERLAP_MIN;
	since -= (long long)overlap * 60;
	/* The gap's end is exclusive and in whole seconds: a change made in this second,
	 * before the new token was taken, is not in the log that follows that token. */
	now = (long long)time(NULL) + 1;
	util_time_iso(since, from_iso);
	log_warn(SYNC_MODULE,
		 "el sistema documental ya no conserva el token de cambios %s (%s): se toma el "
		 "actual (%s) y se leen los radicados modificados desde %s (token_desde menos %d "
		 "minutos) hasta ahora",
		 shown_old, why, sync_token_shown(token, shown_new), from_iso, overlap);
	last.cursor = token;
	last.token_since = p->started;
	if (sync_walk_instants(p, since, now, 0, 1, &last) < 0)
		return -1;
	strlcpy_s(state->cursor, token, sizeof(state->cursor));
	strlcpy_s(state->cursor_kind, SYNC_KIND_TOKEN, sizeof(state->cursor_kind));
	strlcpy_s(state->token_since, p->started, sizeof(state->token_since));
	log_warn(SYNC_MODULE,
		 "modificados desde %s leídos; se sigue el registro de cambios desde el token %s",
		 from_iso, shown_new);
	return 0;
}

int sync_pass_token(struct sync_pass *p, const struct sync_state *state_in)
{
	struct sync_state state = *state_in;
	int recovered = 0;
	int backfilled = 0;

	if (strcmp(state.cursor_kind, SYNC_KIND_TOKEN) != 0 || state.cursor[0] == '\0') {
		if (sync_token_backfill(p, &state) < 0)
			return -1;
	}
	for (;;) {
		char why[DS_CLIENT_ERR_LEN] = "";
		int r = sync_token_follow(p, state.cursor, why, sizeof(why));

		if (r <= 0)
			return r;
		if (recovered && backfilled) {
			set_error(
			    p->err, p->errlen,
			    "el token de cambios expiró otra vez al terminar la carga completa: "
			    "el sistema documental conserva muy pocos cambios para lo que tarda "
			    "la carga (%s)",
			    why);
			return -1;
		}
		if (recovered) {
			/* A repository whose log is empty (every entry dropped) does not keep
			 * even its own latest token until something changes: what was read is
			 * stored, and the next pass reads the modifications again from here. */
			log_warn(
			    SYNC_MODULE,
			    "el token que el sistema documental acaba de dar tampoco se conserva "
			    "(%s): su registro de cambios está vacío o es muy corto; lo leído "
			    "queda guardado y la pasada siguiente vuelve a leer los modificados "
			    "desde %s",
			    why, state.token_since);
			return 0;
		}
		recovered = 1;
		if (sync_token_recover(p, &state, why, &backfilled) < 0)
			return -1;
	}
}
