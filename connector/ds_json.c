/* ds_json.c -- the client side of format-json profiles: each request built from the
 * mapping, sent through ds_client's curl loop (its retries, backoff, size cap and stop
 * flag), every answer read by mapping_json_read; list, modified and change-log requests
 * paged to the end (offset, page, next link or change token, with the mapping's page
 * limit), info requests for many filings at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds_client_int.h"
#include "log.h"
#include "util.h"

/* Consumes one page of a paged request; 0 to go on, -1 to stop with err filled. */
typedef int (*ds_json_page_fn)(struct ds_client *dc, const struct mapping_page *page,
			       const char *next, void *arg, char *err, size_t errlen);

/* The variables every request of the profile has. */
static void ds_json_vars(const struct ds_client *dc, struct mapping_vars *v)
{
	mapping_vars_init(v);
	v->url = dc->cfg->ds_url;
	v->user = dc->cfg->ds_user;
	v->key = dc->cfg->ds_key;
	v->dependencia = dc->cfg->ds_dependencia;
}

/* What the credentials in use are, for an auth failure's message. */
static const char *ds_json_auth_hint(const struct ds_client *dc)
{
	struct mapping_auth a;

	mapping_json_auth(dc->map, &a);
	switch (a.kind) {
	case MA_BASIC:
		return "revise document_system.user y key_file";
	case MA_BEARER:
		return "revise el token de key_file";
	case MA_OAUTH2:
		return "el token OAuth2 recién obtenido tampoco sirvió; revise los permisos del "
		       "cliente";
	case MA_NONE:
		break;
	}
	return "el perfil no envía credenciales (auth.kind none)";
}

enum ds_attempt ds_json_finish(struct ds_client *dc, struct ds_call *call, long status,
			       const char *ctype)
{
	char perr[DS_CLIENT_ERR_LEN] = "";
	enum ds_answer a;

	a = mapping_json_read(dc->map, call->req, status, ctype,
			      call->resp.data ? call->resp.data : "", call->resp.len, &call->page,
			      perr, sizeof(perr));
	call->answer = a;
	switch (a) {
	case DS_OK:
		if (call->req != MR_INFO || call->target == NULL)
			return DS_ATTEMPT_OK;
		if (call->page.filings.count == 0) {
			log_warn("ds_client", "%s: detalle rechazado por los límites del mapeo; "
					      "queda sin detalle",
				 call->label);
			return DS_ATTEMPT_OK;
		}
		if (mapping_json_merge_info(dc->map, call->target, &call->page.filings.items[0],
					    perr, sizeof(perr)) < 0) {
			call->answer = DS_MALFORMED;
			set_error(call->err, sizeof(call->err), "%s: %s", call->label, perr);
			return DS_ATTEMPT_RETRY;
		}
		return DS_ATTEMPT_OK;
	case DS_EMPTY:
	case DS_NOT_FOUND:
		if (call->req == MR_INFO)
			log_warn("ds_client",
				 "%s: el sistema documental no conoce el número; queda sin detalle",
				 call->label);
		call->answer = DS_EMPTY;
		return DS_ATTEMPT_OK;
	case DS_AUTH:
		if (ds_auth_renew(dc, call)) {
			log_info("ds_client", "%s: %s; se pide un token OAuth2 nuevo", call->label,
				 perr);
			return DS_ATTEMPT_AGAIN;
		}
		set_error(call->err, sizeof(call->err),
			  "%s: el sistema documental rechazó las credenciales (%s): %s", call->label,
			  perr, ds_json_auth_hint(dc));
		return DS_ATTEMPT_FATAL;
	case DS_FAULT_CLIENT:
		set_error(call->err, sizeof(call->err),
			  "%s: el sistema documental rechazó la petición (%s): revise el mapeo y la "
			  "url configurada",
			  call->label, perr);
		return DS_ATTEMPT_FATAL;
	case DS_TOKEN_EXPIRED:
		set_error(call->err, sizeof(call->err),
			  "%s: el sistema documental ya no guarda ese token de cambios (%s)",
			  call->label, perr);
		return DS_ATTEMPT_FATAL;
	case DS_FAULT_SERVER:
		set_error(call->err, sizeof(call->err), "%s: error del servidor: %s%s", call->label,
			  perr, call->retry_after_s >= 0 ? " (con Retry-After)" : "");
		return DS_ATTEMPT_RETRY;
	case DS_REFUSED:
	case DS_MALFORMED:
		break;
	}
	call->answer = DS_MALFORMED;
	set_error(call->err, sizeof(call->err), "%s: respuesta mal formada o truncada: %s",
		  call->label, perr);
	return DS_ATTEMPT_RETRY;
}

/* Builds request r with v (next_url: the link to follow) into call. 0, or -1 with err. */
static int ds_json_prepare(struct ds_client *dc, enum mapping_request r,
			   const struct mapping_vars *v, const char *next_url, struct ds_call *call,
			   char *err, size_t errlen)
{
	struct mapping_http_request rq;
	char berr[DS_CLIENT_ERR_LEN];

	ds_call_init(call, DS_CALL_JSON);
	call->req = r;
	call->profile_auth = 1;
	if (mapping_json_build(dc->map, r, v, next_url, &rq, berr, sizeof(berr)) < 0) {
		set_error(err, errlen, "no se pudo construir la petición %s: %s",
			  mapping_request_name(r), berr);
		return -1;
	}
	ds_call_take_request(call, &rq);
	return 0;
}

/* One page's answer; the end of the request, or the variables of the next page. */
struct ds_json_cursor {
	long offset;
	long page;
	long seen;
	long largest; /* items of the fullest page so far (page kind without has_more/total) */
	char *next;  /* link or token of the next page (owned) */
	int done;
};

/* Decides, after a page, whether another one follows and what it asks for. 0, or -1 with
 * err when the answers would loop. */
static int ds_json_advance(const struct mapping_paging *pg, const struct mapping_page *p,
			   struct ds_json_cursor *c, char *err, size_t errlen)
{
	size_t kept = p->items > p->skip ? p->items - p->skip : 0;

	switch (pg->kind) {
	case MP_NONE:
		c->done = 1;
		return 0;
	case MP_OFFSET:
	case MP_PAGE:
		if (p->items == 0) {
			if (p->has_more == 1) {
				set_error(err, errlen,
					  "el sistema dice que hay más resultados pero la página vino "
					  "vacía");
				return -1;
			}
			c->done = 1;
			return 0;
		}
		c->offset += (long)p->items;
		c->seen += (long)p->items;
		c->page++;
		if (p->has_more >= 0)
			c->done = p->has_more == 0;
		else if (p->total >= 0)
			c->done = c->seen >= p->total;
		else if (pg->kind == MP_PAGE) {
			/* A page shorter than page_size may be a server's silent cap rather than
			 * the last page: the end is a page shorter than an earlier one (or an
			 * empty one), so a short first page costs one more request, never a
			 * filing. */
			c->done = (long)p->items < pg->page_size && (long)p->items < c->largest;
			if ((long)p->items > c->largest)
				c->largest = (long)p->items;
		}
		return 0;
	case MP_NEXT_LINK:
		if (p->next == NULL) {
			c->done = 1;
			return 0;
		}
		if (c->next != NULL && strcmp(c->next, p->next) == 0) {
			set_error(err, errlen, "el enlace a la página siguiente se repite");
			return -1;
		}
		free(c->next);
		c->next = xstrdup(p->next);
		return 0;
	case MP_TOKEN:
		if (p->has_more == 0 || (p->has_more < 0 && kept == 0)) {
			c->done = 1;
			if (p->next != NULL) {
				free(c->next);
				c->next = xstrdup(p->next);
			}
			return 0;
		}
		if (p->next == NULL) {
			set_error(err, errlen, "el sistema dice que hay más pero no da el token "
					       "siguiente");
			return -1;
		}
		if (c->next != NULL && strcmp(c->next, p->next) == 0 && kept == 0) {
			set_error(err, errlen,
				  "el token no avanza y la página no trae nada nuevo (¿page_size "
				  "muy pequeño con repeats_last?)");
			return -1;
		}
		free(c->next);
		c->next = xstrdup(p->next);
		return 0;
	}
	c->done = 1;
	return 0;
}

/* Runs request r page after page from base (for a token request, base->token is the first
 * token), handing each page to fn. Returns DS_OK (or DS_EMPTY when the first answer was
 * the "empty" kind) or the failure. */
static enum ds_answer ds_json_pages(struct ds_client *dc, enum mapping_request r,
				    const struct mapping_vars *base, const char *what,
				    ds_json_page_fn fn, void *arg, char *err, size_t errlen)
{
	struct mapping_paging pg;
	struct ds_json_cursor c;
	enum ds_answer a = DS_OK;

	mapping_json_paging(dc->map, r, &pg);
	memset(&c, 0, sizeof(c));
	c.page = pg.first_page;
	if (base->token != NULL)
		c.next = xstrdup(base->token);
	for (long n = 1; !c.done; n++) {
		struct mapping_vars v = *base;
		struct ds_call call;
		char label[64];

		if (n > pg.max_pages) {
			set_error(err, errlen,
				  "%s: más de %ld páginas (paging.max_pages): el sistema no termina",
				  what, pg.max_pages);
			a = DS_MALFORMED;
			break;
		}
		if (pg.kind == MP_OFFSET)
			v.offset = c.offset;
		if (pg.kind == MP_PAGE)
			v.page = c.page;
		if (pg.kind != MP_NONE)
			v.limit = pg.page_size;
		if (pg.kind == MP_TOKEN)
			v.token = c.next;
		if (ds_json_prepare(dc, r, &v, pg.kind == MP_NEXT_LINK && n > 1 ? c.next : NULL,
				    &call, err, errlen) < 0) {
			a = DS_FAULT_CLIENT;
			break;
		}
		if (pg.kind == MP_TOKEN && pg.repeats_last)
			call.page.skip = 1;
		snprintf(label, sizeof(label), "%s (página %ld)", what, n);
		strlcpy_s(call.label, label, sizeof(call.label));
		a = ds_client_run(dc, dc->multi, &call, 1, err, errlen);
		if (a == DS_OK && call.answer == DS_EMPTY) {
			a = n == 1 ? DS_EMPTY : DS_OK;
			c.done = 1;
		} else if (a == DS_OK) {
			if (ds_json_advance(&pg, &call.page, &c, err, errlen) < 0) {
				log_error("ds_client", "%s: %s", call.label, err);
				a = DS_MALFORMED;
			} else if (fn(dc, &call.page, c.next, arg, err, errlen) < 0) {
				a = DS_FAULT_CLIENT;
			}
		}
		ds_call_free(dc, &call);
		if (a != DS_OK && a != DS_EMPTY)
			break;
	}
	free(c.next);
	return a;
}

/* ---------------------------------------------------------------- list, modified */

struct ds_json_gather {
	struct filing_list got;
	size_t ignored;
	size_t refused;
};

static int ds_json_gather_page(struct ds_client *dc, const struct mapping_page *page,
			       const char *next, void *arg, char *err, size_t errlen)
{
	struct ds_json_gather *g = arg;

	(void)dc;
	(void)next;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < page->filings.count; i++)
		filing_copy(filing_list_push(&g->got), &page->filings.items[i]);
	g->ignored += page->ignored;
	g->refused += page->refused;
	return 0;
}

/* Moves every filing of from to the end of to (from keeps empty shells). */
static void ds_json_move(struct filing_list *from, struct filing_list *to)
{
	for (size_t i = 0; i < from->count; i++) {
		struct filing *dst = filing_list_push(to);
		struct filing tmp = *dst;

		*dst = from->items[i];
		from->items[i] = tmp;
	}
}

/* "YYYY-MM-DD HH:MM:SS" (the system's wall clock) as ISO 8601 with the mapping's offset. */
static int ds_json_instant(const struct mapping *m, const char *local, char *out, size_t outlen)
{
	if (strlen(local) != 19 || local[10] != ' ' || local[4] != '-' || local[13] != ':')
		return -1;
	snprintf(out, outlen, "%.10sT%.8s%s", local, local + 11, mapping_timezone_offset(m));
	return 0;
}

enum ds_answer ds_json_list(struct ds_client *dc, enum mapping_request r, const char *from,
			    const char *to, struct filing_list *out, char *err, size_t errlen)
{
	struct ds_json_gather g;
	struct mapping_vars v;
	char what[DS_CLIENT_LABEL_LEN];
	char from_iso[UTIL_ISO_LEN];
	char to_iso[UTIL_ISO_LEN];
	enum ds_answer a;

	if (!mapping_has_request(dc->map, r)) {
		set_error(err, errlen, "el perfil %s no tiene la petición %s",
			  mapping_profile(dc->map), mapping_request_name(r));
		return DS_FAULT_CLIENT;
	}
	ds_json_vars(dc, &v);
	v.desde = from;
	v.hasta = to;
	if (r == MR_MODIFIED) {
		if (ds_json_instant(dc->map, from, from_iso, sizeof(from_iso)) < 0 ||
		    ds_json_instant(dc->map, to, to_iso, sizeof(to_iso)) < 0) {
			set_error(err, errlen, "instantes no válidos: %s, %s", from, to);
			return DS_FAULT_CLIENT;
		}
		v.desde = from_iso;
		v.hasta = to_iso;
	}
	snprintf(what, sizeof(what), "%s %s..%s", mapping_request_name(r), from, to);
	memset(&g, 0, sizeof(g));
	filing_list_init(&g.got);
	a = ds_json_pages(dc, r, &v, what, ds_json_gather_page, &g, err, errlen);
	if (a == DS_OK || a == DS_EMPTY) {
		if (g.refused > 0)
			log_warn("ds_client", "%s: %zu radicados rechazados por los límites del mapeo",
				 what, g.refused);
		if (g.ignored > 0)
			log_debug("ds_client", "%s: %zu elementos ignorados (filtro del mapeo)", what,
				  g.ignored);
		a = g.got.count > 0 ? DS_OK : DS_EMPTY;
		ds_json_move(&g.got, out);
	}
	filing_list_free(&g.got);
	return a;
}

/* ---------------------------------------------------------------- details */

enum ds_answer ds_json_details(struct ds_client *dc, struct filing **fs, size_t n, char *err,
			       size_t errlen)
{
	struct ds_call *calls;
	struct mapping_vars v;
	enum ds_answer a;

	if (!mapping_has_request(dc->map, MR_INFO)) {
		set_error(err, errlen, "el perfil %s no tiene la petición info",
			  mapping_profile(dc->map));
		return DS_FAULT_CLIENT;
	}
	calls = xcalloc(n, sizeof(*calls));
	ds_json_vars(dc, &v);
	for (size_t i = 0; i < n; i++) {
		v.numero = fs[i]->numero;
		if (ds_json_prepare(dc, MR_INFO, &v, NULL, &calls[i], err, errlen) < 0) {
			for (size_t k = 0; k <= i; k++)
				ds_call_free(dc, &calls[k]);
			free(calls);
			return DS_FAULT_CLIENT;
		}
		calls[i].target = fs[i];
		ds_client_escape_label(calls[i].label, sizeof(calls[i].label), "info",
				       fs[i]->numero);
	}
	a = ds_client_run(dc, dc->multi, calls, n, err, errlen);
	for (size_t i = 0; i < n; i++)
		ds_call_free(dc, &calls[i]);
	free(calls);
	return a;
}

/* ---------------------------------------------------------------- change log */

enum ds_answer ds_client_latest_token(struct ds_client *dc, char *token, size_t len, char *err,
				      size_t errlen)
{
	struct mapping_vars v;
	struct ds_call call;
	enum ds_answer a;

	if (!mapping_has_request(dc->map, MR_LATEST_TOKEN)) {
		set_error(err, errlen, "el perfil %s no tiene la petición latest_token",
			  mapping_profile(dc->map));
		return DS_FAULT_CLIENT;
	}
	ds_json_vars(dc, &v);
	if (ds_json_prepare(dc, MR_LATEST_TOKEN, &v, NULL, &call, err, errlen) < 0)
		return DS_FAULT_CLIENT;
	strlcpy_s(call.label, "latest_token", sizeof(call.label));
	a = ds_client_run(dc, dc->multi, &call, 1, err, errlen);
	if (a == DS_OK && (call.page.token == NULL || strlen(call.page.token) >= len)) {
		set_error(err, errlen, "latest_token: el token de cambios %s",
			  call.page.token == NULL ? "no vino" : "es demasiado largo");
		a = DS_MALFORMED;
	}
	if (a == DS_OK)
		strlcpy_s(token, call.page.token, len);
	ds_call_free(dc, &call);
	return a;
}

struct ds_json_changes {
	ds_change_cb cb;
	void *arg;
	long pages;
};

static int ds_json_change_page(struct ds_client *dc, const struct mapping_page *page,
			       const char *next, void *arg, char *err, size_t errlen)
{
	struct ds_json_changes *c = arg;

	(void)dc;
	c->pages++;
	if (c->cb(page, next, c->arg) < 0) {
		set_error(err, errlen, "la lectura de cambios se detuvo en la página %ld", c->pages);
		return -1;
	}
	return 0;
}

enum ds_answer ds_client_changes(struct ds_client *dc, const char *token, ds_change_cb cb,
				 void *arg, char *err, size_t errlen)
{
	struct ds_json_changes c = {cb, arg, 0};
	struct mapping_vars v;
	char what[DS_CLIENT_LABEL_LEN];
	char esc[48];
	enum ds_answer a;

	if (!mapping_has_request(dc->map, MR_CHANGES) || token == NULL || cb == NULL) {
		set_error(err, errlen, "el perfil %s no tiene la petición changes",
			  mapping_profile(dc->map));
		return DS_FAULT_CLIENT;
	}
	ds_json_vars(dc, &v);
	v.token = token;
	snprintf(what, sizeof(what), "changes desde %s",
		 log_escape(token, strlen(token), esc, sizeof(esc)));
	a = ds_json_pages(dc, MR_CHANGES, &v, what, ds_json_change_page, &c, err, errlen);
	return a == DS_EMPTY ? DS_OK : a;
}

/* ---------------------------------------------------------------- check-ds */

enum ds_answer ds_client_list_first_page(struct ds_client *dc, const char *from, const char *to,
					 struct mapping_page *out, char *err, size_t errlen)
{
	struct mapping_paging pg;
	struct mapping_vars v;
	struct ds_call call;
	enum ds_answer a;

	mapping_page_free(out);
	if (!mapping_has_request(dc->map, MR_LIST)) {
		set_error(err, errlen, "el perfil %s no tiene la petición list",
			  mapping_profile(dc->map));
		return DS_FAULT_CLIENT;
	}
	mapping_json_paging(dc->map, MR_LIST, &pg);
	ds_json_vars(dc, &v);
	v.desde = from;
	v.hasta = to;
	if (pg.kind == MP_OFFSET)
		v.offset = 0;
	if (pg.kind == MP_PAGE)
		v.page = pg.first_page;
	if (pg.kind != MP_NONE)
		v.limit = pg.page_size;
	if (ds_json_prepare(dc, MR_LIST, &v, NULL, &call, err, errlen) < 0)
		return DS_FAULT_CLIENT;
	snprintf(call.label, sizeof(call.label), "list %s..%s (primera página)", from, to);
	a = ds_client_run(dc, dc->multi, &call, 1, err, errlen);
	if (a == DS_OK) {
		a = call.answer == DS_EMPTY ? DS_EMPTY : DS_OK;
		*out = call.page;
		mapping_page_init(&call.page);
	}
	ds_call_free(dc, &call);
	return a;
}
