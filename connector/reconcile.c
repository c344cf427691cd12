/* reconcile.c -- one reconciliation run (windows listed and completed with detail calls,
 * then compared with the follow-up in one short transaction each), the daily scheduler,
 * the CLI report, and the discrepancy list and resolution for the HTTP API. */
#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

#define RECONCILE_MODULE "reconcile"
#define RECONCILE_JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

static const char *const reconcile_kind_names[RECONCILE_KIND_COUNT] = {
    [RECONCILE_FALTA_EN_SEGUIMIENTO] = "falta_en_seguimiento",
    [RECONCILE_YA_NO_EN_DEPENDENCIA] = "ya_no_en_dependencia",
    [RECONCILE_ANULADO_EN_SGD] = "anulado_en_sgd",
    [RECONCILE_DATOS_DISTINTOS] = "datos_distintos",
    [RECONCILE_CONCLUIDO_SIN_RADICADO] = "concluido_sin_radicado",
    [RECONCILE_NO_ENCONTRADO] = "no_encontrado",
};

/* The source fields datos_distintos compares; detail_only ones need the detail on both
 * sides. */
static const struct {
	const char *name;
	size_t offset;
	int detail_only;
} reconcile_data_fields[] = {
    {"asunto", offsetof(struct filing, asunto), 0},
    {"fecha_radicacion", offsetof(struct filing, fecha_radicacion), 0},
    {"dependencia_origen", offsetof(struct filing, dependencia_origen), 1},
};
#define RECONCILE_NDATA (sizeof(reconcile_data_fields) / sizeof(reconcile_data_fields[0]))

/* Follow-up states that count as open. */
static const char *const reconcile_open_states[] = {"recibido", "repartido", "en_revision",
						    "devuelto"};

const char *reconcile_kind_name(enum reconcile_kind k)
{
	if ((int)k < 0 || k >= RECONCILE_KIND_COUNT)
		return "";
	return reconcile_kind_names[k];
}

int reconcile_kind_parse(const char *name)
{
	for (int i = 0; i < RECONCILE_KIND_COUNT; i++) {
		if (name != NULL && strcmp(name, reconcile_kind_names[i]) == 0)
			return i;
	}
	return -1;
}

static int reconcile_is_open(const char *estado)
{
	for (size_t i = 0; i < sizeof(reconcile_open_states) / sizeof(reconcile_open_states[0]);
	     i++) {
		if (strcmp(estado, reconcile_open_states[i]) == 0)
			return 1;
	}
	return 0;
}

static const char *reconcile_field(const struct filing *f, size_t offset)
{
	return *(char *const *)((const char *)f + offset);
}

/* A JSON string of s (never NULL: invalid UTF-8 becomes null). New reference. */
static json_t *reconcile_jstr(const char *s)
{
	json_t *j = json_string(s != NULL ? s : "");

	return j != NULL ? j : json_null();
}

/* "" becomes null. New reference. */
static json_t *reconcile_jstr_or_null(const char *s)
{
	return s == NULL || *s == '\0' ? json_null() : reconcile_jstr(s);
}

static json_t *reconcile_jid_or_null(long long id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* Canonical text of an evidence object (sorted keys), to store and compare. New string. */
static char *reconcile_dump(const json_t *j)
{
	char *s = json_dumps(j, RECONCILE_JSON_FLAGS);

	return s != NULL ? s : xstrdup("{}");
}

/* ---- One window's comparison */

/* The two sides of one examined filing. */
struct reconcile_item {
	const struct filing *ds; /* what the system says: listed (maybe with detail) or detail */
	int listed;
	int known;    /* the system knows the number */
	int complete; /* the detail-dependent checks can be decided */
	int has_local;
	struct filing local; /* the local copy before this run writes */
	struct store_rc_local st;
};

/* One kind found present, with its evidence (owned). */
struct reconcile_side {
	json_t *sgd;
	json_t *local;
};

/* An open row of the examined filing. */
struct reconcile_open_row {
	long long id;
	int kind;
	json_t *sgd;
	json_t *local;
};

struct reconcile_open_rows {
	struct reconcile_open_row *items;
	size_t count;
	size_t cap;
};

/* The state of one window's application. */
struct reconcile_ctx {
	const struct config *cfg;
	const struct mapping *map;
	struct store *st;
	const char *cursor;
	const char *now;
	struct reconcile_totals *totals;
	json_t *events;
};

static int reconcile_collect_open(const struct store_rc_row *r, void *arg)
{
	struct reconcile_open_rows *rows = arg;
	struct reconcile_open_row *o;
	int kind = reconcile_kind_parse(r->tipo);

	if (kind < 0)
		return 0;
	if (rows->count == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 4;
		rows->items = xrealloc(rows->items, rows->cap * sizeof(*rows->items));
	}
	o = &rows->items[rows->count++];
	o->id = r->id;
	o->kind = kind;
	o->sgd = json_loads(r->evidencia_sgd, 0, NULL);
	o->local = json_loads(r->evidencia_local, 0, NULL);
	if (!json_is_object(o->sgd)) {
		json_decref(o->sgd);
		o->sgd = json_object();
	}
	if (!json_is_object(o->local)) {
		json_decref(o->local);
		o->local = json_object();
	}
	return 0;
}

static void reconcile_open_rows_free(struct reconcile_open_rows *rows)
{
	for (size_t i = 0; i < rows->count; i++) {
		json_decref(rows->items[i].sgd);
		json_decref(rows->items[i].local);
	}
	free(rows->items);
}

/* The follow-up's side common to several kinds. New reference. */
static json_t *reconcile_local_follow_up(const struct reconcile_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "estado", reconcile_jstr(it->st.estado));
	json_object_set_new(o, "abogado_id", reconcile_jid_or_null(it->st.abogado_id));
	return o;
}

/* The fields of datos_distintos that differ now (sgd / local objects), or 0 when none. */
static int reconcile_data_diff(const struct reconcile_item *it, struct reconcile_side *out)
{
	int n = 0;

	for (size_t i = 0; i < RECONCILE_NDATA; i++) {
		const char *a;
		const char *b;

		if (reconcile_data_fields[i].detail_only &&
		    (!it->ds->has_detail || !it->local.has_detail))
			continue;
		a = reconcile_field(it->ds, reconcile_data_fields[i].offset);
		b = reconcile_field(&it->local, reconcile_data_fields[i].offset);
		if (strcmp(a, b) == 0)
			continue;
		if (n == 0) {
			out->sgd = json_object();
			out->local = json_object();
		}
		json_object_set_new(out->sgd, reconcile_data_fields[i].name, reconcile_jstr(a));
		json_object_set_new(out->local, reconcile_data_fields[i].name, reconcile_jstr(b));
		n++;
	}
	return n;
}

/* Which kinds hold now, from the two sides; decided[k] says whether kind k could be
 * decided at all (else its open rows are left as they are). */
static void reconcile_evaluate(const struct reconcile_ctx *c, const struct reconcile_item *it,
			       struct reconcile_side fresh[RECONCILE_KIND_COUNT],
			       int decided[RECONCILE_KIND_COUNT])
{
	const char *office = c->cfg->ds_dependencia;
	int open = it->has_local && reconcile_is_open(it->st.estado);
	const struct filing *ds = it->ds;

	memset(fresh, 0, sizeof(*fresh) * RECONCILE_KIND_COUNT);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		decided[k] = it->complete;
	decided[RECONCILE_FALTA_EN_SEGUIMIENTO] = 1;
	decided[RECONCILE_DATOS_DISTINTOS] = it->known;

	if (it->listed && !it->has_local) {
		int late = c->cursor[0] != '\0' && strncmp(ds->fecha_radicacion, c->cursor, 10) < 0;
		struct reconcile_side *f = &fresh[RECONCILE_FALTA_EN_SEGUIMIENTO];

		f->sgd = json_object();
		json_object_set_new(f->sgd, "fecha_radicacion",
				    reconcile_jstr(ds->fecha_radicacion));
		json_object_set_new(f->sgd, "asunto", reconcile_jstr(ds->asunto));
		json_object_set_new(f->sgd, "dependencia_origen",
				    reconcile_jstr(ds->dependencia_origen));
		json_object_set_new(
		    f->sgd, "dependencia_actual",
		    reconcile_jstr(ds->has_detail ? ds->dependencia_actual : office));
		json_object_set_new(f->sgd, "tardio", json_boolean(late));
		f->local = json_object();
		json_object_set_new(f->local, "en_seguimiento", json_false());
		json_object_set_new(f->local, "cursor_sync", reconcile_jstr_or_null(c->cursor));
		return;
	}
	if (!it->has_local)
		return;
	if (it->known)
		reconcile_data_diff(it, &fresh[RECONCILE_DATOS_DISTINTOS]);
	if (!it->complete)
		return;
	if (open && it->known && ds->has_detail && ds->dependencia_actual[0] != '\0' &&
	    strcmp(ds->dependencia_actual, office) != 0) {
		struct reconcile_side *f = &fresh[RECONCILE_YA_NO_EN_DEPENDENCIA];

		f->sgd = json_pack("{s:o}", "dependencia_actual",
				   reconcile_jstr(ds->dependencia_actual));
		f->local = reconcile_local_follow_up(it);
		json_object_set_new(f->local, "dependencia", reconcile_jstr(office));
	}
	if (open && it->known && ds->has_detail && ds->estado_ds[0] != '\0' &&
	    strcmp(ds->estado_ds, "vigente") != 0) {
		struct reconcile_side *f = &fresh[RECONCILE_ANULADO_EN_SGD];

		f->sgd = json_pack("{s:o}", "estado_ds", reconcile_jstr(ds->estado_ds));
		f->local = reconcile_local_follow_up(it);
	}
	if (!it->known && strcmp(it->st.estado, "concluido") == 0) {
		struct reconcile_side *f = &fresh[RECONCILE_CONCLUIDO_SIN_RADICADO];

		f->sgd = json_pack("{s:b}", "existe", 0);
		f->local = reconcile_local_follow_up(it);
		json_object_set_new(f->local, "fecha_conclusion",
				    reconcile_jstr_or_null(it->st.fecha_conclusion));
	}
	if (!it->known && open) {
		struct reconcile_side *f = &fresh[RECONCILE_NO_ENCONTRADO];

		f->sgd = json_pack("{s:b}", "existe", 0);
		f->local = reconcile_local_follow_up(it);
		json_object_set_new(f->local, "fecha_radicacion",
				    reconcile_jstr(it->local.fecha_radicacion));
		json_object_set_new(f->local, "asunto", reconcile_jstr(it->local.asunto));
	}
}

/* datos_distintos of an open row: the office's values stay those first recorded (the
 * local copy is updated by the upsert), the system's are the newest. Returns whether the
 * disagreement still holds; sgd / local receive the merged evidence (new references). */
static int reconcile_data_merge(const struct reconcile_item *it, const struct reconcile_open_row *o,
				const struct reconcile_side *fresh, json_t **sgd, json_t **local)
{
	const char *key;
	json_t *v;
	int holds = 0;

	*local = json_deep_copy(o->local);
	*sgd = json_deep_copy(o->sgd);
	if (fresh->local != NULL) {
		json_object_foreach(fresh->local, key, v)
		{
			if (json_object_get(*local, key) == NULL)
				json_object_set(*local, key, v);
		}
	}
	json_object_foreach(*local, key, v)
	{
		const char *now_value = NULL;

		for (size_t i = 0; i < RECONCILE_NDATA; i++) {
			if (strcmp(key, reconcile_data_fields[i].name) != 0)
				continue;
			if (!reconcile_data_fields[i].detail_only || it->ds->has_detail)
				now_value =
				    reconcile_field(it->ds, reconcile_data_fields[i].offset);
		}
		if (now_value == NULL) {
			holds = 1; /* cannot be compared in this run: still open */
			continue;
		}
		json_object_set_new(*sgd, key, reconcile_jstr(now_value));
		if (!json_is_string(v) || strcmp(json_string_value(v), now_value) != 0)
			holds = 1;
	}
	return holds;
}

/* Appends (or replaces, by id) the event of a touched discrepancy. */
static void reconcile_event(const struct reconcile_ctx *c, long long id, const char *numero,
			    int kind, const char *estado, const char *novedad, json_t *sgd,
			    json_t *local)
{
	json_t *e;
	size_t i;
	json_t *old;

	if (c->events == NULL)
		return;
	e = json_object();
	json_object_set_new(e, "id", json_integer(id));
	json_object_set_new(e, "numero", reconcile_jstr(numero));
	json_object_set_new(e, "tipo", json_string(reconcile_kind_names[kind]));
	json_object_set_new(e, "estado", json_string(estado));
	json_object_set_new(e, "novedad", json_string(novedad));
	json_object_set_new(e, "evidencia_sgd", sgd != NULL ? json_incref(sgd) : json_object());
	json_object_set_new(e, "evidencia_local",
			    local != NULL ? json_incref(local) : json_object());
	json_array_foreach(c->events, i, old)
	{
		if (json_integer_value(json_object_get(old, "id")) == id) {
			json_array_set_new(c->events, i, e);
			return;
		}
	}
	json_array_append_new(c->events, e);
}

/* Writes the state of one kind for an item: refresh or close its open row, or insert a new
 * one (unless the same disagreement was resolved by a person). 0 or -1. */
static int reconcile_settle(const struct reconcile_ctx *c, const struct reconcile_item *it,
			    int kind, const struct reconcile_open_row *open,
			    const struct reconcile_side *fresh, int decided)
{
	const char *numero = it->ds->numero;
	struct reconcile_totals *t = c->totals;
	json_t *sgd = NULL;
	json_t *local = NULL;
	char *sgd_text = NULL;
	char *local_text = NULL;
	char *resolved_sgd = NULL;
	long long id;
	int holds;
	int resolved;
	int found;
	int rc = -1;

	if (!decided)
		return 0;
	if (open != NULL) {
		if (kind == RECONCILE_DATOS_DISTINTOS) {
			holds = reconcile_data_merge(it, open, fresh, &sgd, &local);
		} else if (kind == RECONCILE_FALTA_EN_SEGUIMIENTO) {
			/* Open until the office takes the filing up or the list drops it. */
			holds =
			    it->listed && it->has_local && strcmp(it->st.estado, "recibido") == 0;
			sgd = json_incref(open->sgd);
			local = json_incref(open->local);
		} else {
			holds = fresh->sgd != NULL;
			sgd = json_incref(holds ? fresh->sgd : open->sgd);
			local = json_incref(holds ? fresh->local : open->local);
		}
		if (!holds) {
			if (store_rc_close(c->st, open->id, c->now) < 0)
				goto done;
			t->closed[kind]++;
			log_info(RECONCILE_MODULE,
				 "discrepancia #%lld %s de %s cerrada: los dos lados "
				 "coinciden",
				 open->id, reconcile_kind_names[kind], numero);
			reconcile_event(c, open->id, numero, kind, "cerrada", "cerrada", sgd,
					local);
			rc = 0;
			goto done;
		}
		sgd_text = reconcile_dump(sgd);
		local_text = reconcile_dump(local);
		if (store_rc_refresh(c->st, open->id, sgd_text, local_text, c->now) < 0)
			goto done;
		t->still[kind]++;
		reconcile_event(c, open->id, numero, kind, "abierta", "sigue", sgd, local);
		rc = 0;
		goto done;
	}
	if (fresh->sgd == NULL)
		return 0;
	sgd_text = reconcile_dump(fresh->sgd);
	local_text = reconcile_dump(fresh->local);
	found = store_rc_last_closed(c->st, numero, reconcile_kind_names[kind], &id, &resolved,
				     &resolved_sgd);
	if (found < 0)
		goto done;
	if (found == 1 && resolved && strcmp(resolved_sgd, sgd_text) == 0) {
		/* A person settled this very disagreement: it stays resolved. */
		if (store_rc_seen(c->st, id, c->now) < 0)
			goto done;
		t->kept_resolved[kind]++;
		reconcile_event(c, id, numero, kind, "resuelta", "ya_resuelta", fresh->sgd,
				fresh->local);
		rc = 0;
		goto done;
	}
	if (store_rc_insert(c->st, numero, reconcile_kind_names[kind], sgd_text, local_text, c->now,
			    &id) < 0)
		goto done;
	t->found[kind]++;
	log_info(RECONCILE_MODULE, "discrepancia nueva #%lld: %s de %s", id,
		 reconcile_kind_names[kind], numero);
	reconcile_event(c, id, numero, kind, "abierta", "nueva", fresh->sgd, fresh->local);
	rc = 0;
done:
	json_decref(sgd);
	json_decref(local);
	free(sgd_text);
	free(local_text);
	free(resolved_sgd);
	return rc;
}

/* Writes what the system says about the item through the sync's upsert. 0 or -1. */
static int reconcile_write_source(const struct reconcile_ctx *c, const struct reconcile_item *it,
				  int asked)
{
	enum store_upsert res;
	struct filing copy;
	int rc;

	if (!it->known)
		return 0; /* never delete: an unknown number keeps its local copy */
	if (it->listed && it->has_local && !asked)
		return store_touch_filing(c->st, it->ds->numero, c->now) < 0 ? -1 : 0;
	if (it->listed) {
		if (store_upsert_filing(c->st, it->ds, mapping_classify(c->map, it->ds), c->now,
					&res) < 0)
			return -1;
		if (res == STORE_UPSERT_NEW)
			c->totals->created++;
		else if (res == STORE_UPSERT_CHANGED)
			c->totals->updated++;
		return 0;
	}
	/* Known only from the detail: the list-only field (folios) keeps its local value. */
	copy = *it->ds;
	copy.folios = it->local.folios;
	rc = store_upsert_filing(c->st, &copy, mapping_classify(c->map, &copy), c->now, &res);
	if (rc == 0 && res == STORE_UPSERT_CHANGED)
		c->totals->updated++;
	return rc;
}

/* Compares and writes one filing. 0 or -1. */
static int reconcile_apply_item(const struct reconcile_ctx *c, const struct filing *ds, int listed,
				int asked)
{
	struct reconcile_item it;
	struct reconcile_side fresh[RECONCILE_KIND_COUNT];
	int decided[RECONCILE_KIND_COUNT];
	struct reconcile_open_rows rows = {0};
	int found;
	int rc = -1;

	memset(&it, 0, sizeof(it));
	memset(fresh, 0, sizeof(fresh));
	filing_init(&it.local);
	it.ds = ds;
	it.listed = listed;
	it.known = listed || ds->has_detail;
	/* A listed filing whose detail was asked for but not found (gone in between) cannot
	 * decide the detail checks; an absent one's "unknown" is itself the answer. */
	it.complete = !listed || !asked || ds->has_detail;
	found = store_get_filing(c->st, ds->numero, &it.local);
	if (found < 0)
		goto done;
	if (found == 1) {
		found = store_rc_local_get(c->st, ds->numero, &it.st);
		if (found < 0)
			goto done;
	}
	it.has_local = found == 1;
	if (it.has_local && it.st.abiertas > 0 &&
	    store_rc_open_of(c->st, ds->numero, reconcile_collect_open, &rows) < 0)
		goto done;
	reconcile_evaluate(c, &it, fresh, decided);
	if (reconcile_write_source(c, &it, asked) < 0)
		goto done;
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		const struct reconcile_open_row *open = NULL;

		for (size_t i = 0; i < rows.count; i++) {
			if (rows.items[i].kind == k)
				open = &rows.items[i];
		}
		if (reconcile_settle(c, &it, k, open, &fresh[k], decided[k]) < 0)
			goto done;
	}
	rc = 0;
done:
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		json_decref(fresh[k].sgd);
		json_decref(fresh[k].local);
	}
	reconcile_open_rows_free(&rows);
	filing_free(&it.local);
	return rc;
}

int reconcile_apply_window(const struct config *cfg, const struct mapping *m, struct store *st,
			   const struct filing_list *listed, const unsigned char *asked,
			   const struct filing_list *absent, const char *cursor,
			   struct reconcile_totals *totals, json_t *events, char *err,
			   size_t errlen)
{
	struct reconcile_ctx c;
	char now[UTIL_ISO_LEN];

	util_now_iso(now);
	c.cfg = cfg;
	c.map = m;
	c.st = st;
	c.cursor = cursor != NULL ? cursor : "";
	c.now = now;
	c.totals = totals;
	c.events = events;
	if (store_begin(st) < 0) {
		set_error(err, errlen, "no se pudo abrir la transacción: %s", store_errmsg(st));
		return -1;
	}
	for (size_t i = 0; i < listed->count; i++) {
		if (reconcile_apply_item(&c, &listed->items[i], 1, asked != NULL && asked[i]) < 0)
			goto fail;
	}
	for (size_t i = 0; absent != NULL && i < absent->count; i++) {
		if (reconcile_apply_item(&c, &absent->items[i], 0, 1) < 0)
			goto fail;
	}
	if (store_commit(st) < 0)
		goto fail;
	return 0;
fail:
	set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
	store_rollback(st);
	return -1;
}

/* ---- One window: fetch everything, then apply */

static int reconcile_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The local filings of a window (collected before the fetch). */
struct reconcile_local_set {
	const char **listed_sorted; /* numeros of the list, sorted */
	size_t nlisted;
	struct filing_list *absent;
	long count;
};

static int reconcile_collect_local(const struct store_rc_local *l, void *arg)
{
	struct reconcile_local_set *ls = arg;
	const char *key = l->numero;
	struct filing *f;

	ls->count++;
	if (ls->nlisted > 0 && bsearch(&key, ls->listed_sorted, ls->nlisted,
				       sizeof(*ls->listed_sorted), reconcile_cmp_str) != NULL)
		return 0;
	f = filing_list_push(ls->absent);
	filing_set(&f->numero, l->numero);
	return 0;
}

/* Fetches and applies [from, to]. 0, or -1 with err and *answer (DS_OK when the failure was
 * the database's). */
static int reconcile_window(const struct config *cfg, const struct mapping *m, struct store *st,
			    struct ds_client *dc, const char *from, const char *to,
			    const char *cursor, struct reconcile_totals *totals, json_t *events,
			    enum ds_answer *answer, char *err, size_t errlen)
{
	struct filing_list listed;
	struct filing_list absent;
	struct reconcile_local_set ls;
	struct filing **todo = NULL;
	unsigned char *asked = NULL;
	struct reconcile_totals w;
	char to_excl[11];
	size_t ntodo = 0;
	long long start = util_monotonic_ms();
	long long write_start;
	long before_found = 0;
	long before_closed = 0;
	enum ds_answer a;
	int ret = -1;

	memset(&ls, 0, sizeof(ls));
	filing_list_init(&listed);
	filing_list_init(&absent);
	*answer = DS_OK;
	a = ds_client_list(dc, from, to, &listed, err, errlen);
	*answer = a;
	if (a != DS_OK && a != DS_EMPTY)
		goto done;
	*answer = DS_OK;
	ls.listed_sorted = xcalloc(listed.count ? listed.count : 1, sizeof(*ls.listed_sorted));
	for (size_t i = 0; i < listed.count; i++)
		ls.listed_sorted[i] = listed.items[i].numero;
	ls.nlisted = listed.count;
	qsort(ls.listed_sorted, ls.nlisted, sizeof(*ls.listed_sorted), reconcile_cmp_str);
	ls.absent = &absent;
	if (util_date_add(to, 1, to_excl) < 0 ||
	    store_rc_local_range(st, from, to_excl, reconcile_collect_local, &ls) < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
		goto done;
	}
	asked = xcalloc(listed.count ? listed.count : 1, 1);
	todo = xcalloc(listed.count + absent.count + 1, sizeof(*todo));
	for (size_t i = 0; i < listed.count; i++) {
		struct filing *f = &listed.items[i];
		struct store_rc_local l;
		char now_hash[65];
		int found = store_rc_local_get(st, f->numero, &l);

		if (found < 0) {
			set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
			goto done;
		}
		filing_hash(f, 1, now_hash);
		if (found == 1 && strcmp(l.hash_lista, now_hash) == 0 &&
		    !reconcile_is_open(l.estado) && l.abiertas == 0)
			continue;
		asked[i] = 1;
		todo[ntodo++] = f;
	}
	for (size_t i = 0; i < absent.count; i++)
		todo[ntodo++] = &absent.items[i];
	a = ds_client_details(dc, todo, ntodo, err, errlen);
	if (a != DS_OK) {
		*answer = a;
		goto done;
	}
	memset(&w, 0, sizeof(w));
	write_start = util_monotonic_ms();
	if (reconcile_apply_window(cfg, m, st, &listed, asked, &absent, cursor, &w, events, err,
				   errlen) < 0)
		goto done;
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		totals->found[k] += w.found[k];
		totals->still[k] += w.still[k];
		totals->closed[k] += w.closed[k];
		totals->kept_resolved[k] += w.kept_resolved[k];
		before_found += w.found[k];
		before_closed += w.closed[k];
	}
	totals->created += w.created;
	totals->updated += w.updated;
	totals->listed += (long)listed.count;
	totals->local += ls.count;
	totals->details += (long)ntodo;
	totals->windows++;
	log_info(RECONCILE_MODULE,
		 "ventana %s..%s: %zu listados, %ld en seguimiento, %zu consultas de detalle, "
		 "%ld discrepancias nuevas, %ld cerradas, %lld ms (transacción de %lld ms)",
		 from, to, listed.count, ls.count, ntodo, before_found, before_closed,
		 util_monotonic_ms() - start, util_monotonic_ms() - write_start);
	ret = 0;
done:
	free(ls.listed_sorted);
	free(asked);
	free(todo);
	filing_list_free(&listed);
	filing_list_free(&absent);
	return ret;
}

/* ---- A run */

static void reconcile_log_run(const struct reconcile_totals *t, int ok, const char *err)
{
	struct buf b;
	long found = 0;
	long closed = 0;
	long kept = 0;

	buf_init(&b);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		buf_printf(&b, "%s%s %ld", k > 0 ? ", " : "", reconcile_kind_names[k],
			   t->found[k] + t->still[k]);
		found += t->found[k];
		closed += t->closed[k];
		kept += t->kept_resolved[k];
	}
	if (ok)
		log_info(RECONCILE_MODULE,
			 "conciliación completa %s..%s: %ld ventanas, %ld listados, %ld consultas "
			 "de detalle; abiertas: %s; %ld nuevas, %ld cerradas, %ld ya resueltas; "
			 "%lld ms",
			 t->desde, t->hasta, t->windows, t->listed, t->details, b.data, found,
			 closed, kept, t->elapsed_ms);
	else
		log_error(RECONCILE_MODULE,
			  "conciliación incompleta %s..%s: %ld ventanas leídas, %ld fallidas; "
			  "abiertas: %s; %lld ms: %s",
			  t->desde, t->hasta, t->windows, t->windows_failed, b.data, t->elapsed_ms,
			  err);
	buf_free(&b);
}

/* Checks a YYYY-MM-DD date strictly (real day, canonical form). */
static int reconcile_valid_date(const char *d)
{
	char back[11];

	return d != NULL && util_date_add(d, 0, back) == 0 && strcmp(back, d) == 0;
}

int reconcile_run(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, const char *desde, const char *hasta, atomic_int *stop,
		  struct reconcile_totals *totals, json_t *events, int *auth_error, char *err,
		  size_t errlen)
{
	struct sync_state sync;
	char started[UTIL_ISO_LEN];
	char today[11];
	char from[11];
	char first_err[RECONCILE_ERR_LEN] = "";
	long long start = util_monotonic_ms();
	int max_days = mapping_max_window_days(m);
	int ret = -1;

	memset(totals, 0, sizeof(*totals));
	*auth_error = 0;
	err[0] = '\0';
	util_now_iso(started);
	util_today(today);
	if (max_days < 1)
		max_days = 1;
	/* The system lists nothing after today: a later end is today. */
	if (hasta == NULL || strcmp(hasta, today) > 0)
		hasta = today;
	if (desde == NULL) {
		if (util_date_add(hasta, -cfg->ds_reconcile_days, totals->desde) < 0) {
			set_error(err, errlen, "fecha inválida: %s", hasta);
			return -1;
		}
	} else {
		strlcpy_s(totals->desde, desde, sizeof(totals->desde));
	}
	strlcpy_s(totals->hasta, hasta, sizeof(totals->hasta));
	if (!reconcile_valid_date(totals->desde) || !reconcile_valid_date(totals->hasta) ||
	    strcmp(totals->desde, totals->hasta) > 0) {
		set_error(err, errlen, "periodo inválido: %s a %s", totals->desde, totals->hasta);
		return -1;
	}
	if (store_sync_get(st, &sync) < 0) {
		set_error(err, errlen, "no se pudo leer el estado de sincronización: %s",
			  store_errmsg(st));
		return -1;
	}
	if (sync.last_success[0] == '\0') {
		set_error(
		    err, errlen,
		    "la conciliación compara con un seguimiento ya cargado: espere la primera "
		    "pasada completa de la sincronización (o ejecute «segcont sync --once»)");
		return -1;
	}
	strlcpy_s(from, totals->desde, sizeof(from));
	for (;;) {
		char to[11];
		char werr[RECONCILE_ERR_LEN];
		enum ds_answer a = DS_OK;

		if (stop != NULL && atomic_load(stop)) {
			set_error(first_err, sizeof(first_err),
				  "interrumpida: el proceso se está deteniendo");
			break;
		}
		util_date_add(from, max_days - 1, to);
		if (strcmp(to, totals->hasta) > 0)
			strlcpy_s(to, totals->hasta, sizeof(to));
		if (reconcile_window(cfg, m, st, dc, from, to, sync.cursor, totals, events, &a,
				     werr, sizeof(werr)) < 0) {
			totals->windows_failed++;
			log_error(RECONCILE_MODULE, "ventana %s..%s sin conciliar: %s", from, to,
				  werr);
			if (first_err[0] == '\0')
				set_error(first_err, sizeof(first_err), "ventana %s..%s: %s", from,
					  to, werr);
			if (a == DS_AUTH)
				*auth_error = 1;
			/* A refused key or request would fail every window alike. */
			if (a == DS_AUTH || a == DS_FAULT_CLIENT)
				break;
		}
		if (strcmp(to, totals->hasta) >= 0)
			break;
		util_date_add(to, 1, from);
	}
	ret = first_err[0] == '\0' ? 0 : -1;
	if (ret < 0)
		set_error(err, errlen, "%s", first_err);
	totals->elapsed_ms = util_monotonic_ms() - start;
	if (store_rc_note_run(st, ret == 0, ret == 0 ? NULL : err, started) < 0)
		log_error(RECONCILE_MODULE, "no se pudo registrar la conciliación: %s",
			  store_errmsg(st));
	reconcile_log_run(totals, ret == 0, err);
	return ret;
}

/* ---- For the HTTP API */

int reconcile_status_http(enum reconcile_status st)
{
	switch (st) {
	case RECONCILE_OK:
		return 200;
	case RECONCILE_INVALID:
	case RECONCILE_BAD_NOTE:
		return 422;
	case RECONCILE_NOT_FOUND:
		return 404;
	case RECONCILE_ALREADY_CLOSED:
		return 409;
	default:
		return 500;
	}
}

const char *reconcile_status_code(enum reconcile_status st)
{
	switch (st) {
	case RECONCILE_OK:
		return "ok";
	case RECONCILE_INVALID:
		return "valor_invalido";
	case RECONCILE_NOT_FOUND:
		return "no_encontrada";
	case RECONCILE_ALREADY_CLOSED:
		return "ya_cerrada";
	case RECONCILE_BAD_NOTE:
		return "nota_invalida";
	default:
		return "error_interno";
	}
}

/* One row as JSON. New reference. */
static json_t *reconcile_row_json(const struct store_rc_row *r)
{
	json_t *o = json_object();
	json_t *sgd = json_loads(r->evidencia_sgd, 0, NULL);
	json_t *local = json_loads(r->evidencia_local, 0, NULL);

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "numero", reconcile_jstr(r->numero));
	json_object_set_new(o, "tipo", reconcile_jstr(r->tipo));
	json_object_set_new(o, "estado", reconcile_jstr(r->estado));
	json_object_set_new(o, "evidencia_sgd", sgd != NULL ? sgd : json_object());
	json_object_set_new(o, "evidencia_local", local != NULL ? local : json_object());
	json_object_set_new(o, "encontrada", reconcile_jstr(r->encontrada));
	json_object_set_new(o, "vista_ultima", reconcile_jstr_or_null(r->vista_ultima));
	json_object_set_new(o, "cerrada_en", reconcile_jstr_or_null(r->cerrada_en));
	if (r->resuelta_por > 0)
		json_object_set_new(o, "resuelta_por",
				    json_pack("{s:I, s:o}", "id", (json_int_t)r->resuelta_por,
					      "nombre", reconcile_jstr(r->resuelta_por_nombre)));
	else
		json_object_set_new(o, "resuelta_por", json_null());
	json_object_set_new(o, "nota", reconcile_jstr(r->nota));
	if (r->radicado_conocido)
		json_object_set_new(
		    o, "radicado",
		    json_pack("{s:o, s:o, s:o, s:o}", "asunto", reconcile_jstr(r->asunto),
			      "fecha_radicacion", reconcile_jstr(r->fecha_radicacion),
			      "estado_seguimiento", reconcile_jstr(r->estado_seguimiento),
			      "abogado_id", reconcile_jid_or_null(r->abogado_id)));
	else
		json_object_set_new(o, "radicado", json_null());
	return o;
}

struct reconcile_list_ctx {
	json_t *rows;
	json_t *counts;
};

static int reconcile_list_row(const struct store_rc_row *r, void *arg)
{
	struct reconcile_list_ctx *lc = arg;

	json_array_append_new(lc->rows, reconcile_row_json(r));
	return 0;
}

static int reconcile_list_count(const char *tipo, long long n, void *arg)
{
	struct reconcile_list_ctx *lc = arg;

	if (reconcile_kind_parse(tipo) >= 0)
		json_object_set_new(lc->counts, tipo, json_integer(n));
	return 0;
}

enum reconcile_status reconcile_list_json(struct store *s, const char *estado, const char *tipo,
					  long pagina, long por_pagina, json_t **out, char *err,
					  size_t errlen)
{
	struct reconcile_list_ctx lc;
	struct store_rc_state state;
	const char *filter;
	long long total = 0;
	json_t *o;

	*out = NULL;
	if (estado == NULL || *estado == '\0')
		estado = "abierta";
	if (strcmp(estado, "todas") == 0) {
		filter = NULL;
	} else if (strcmp(estado, "abierta") == 0 || strcmp(estado, "resuelta") == 0 ||
		   strcmp(estado, "cerrada") == 0) {
		filter = estado;
	} else {
		set_error(err, errlen, "«estado» debe ser abierta, resuelta, cerrada o todas");
		return RECONCILE_INVALID;
	}
	if (tipo != NULL && *tipo == '\0')
		tipo = NULL;
	if (tipo != NULL && reconcile_kind_parse(tipo) < 0) {
		set_error(
		    err, errlen,
		    "«tipo» debe ser falta_en_seguimiento, ya_no_en_dependencia, "
		    "anulado_en_sgd, datos_distintos, concluido_sin_radicado o no_encontrado");
		return RECONCILE_INVALID;
	}
	if (pagina == 0)
		pagina = 1;
	if (por_pagina == 0)
		por_pagina = RECONCILE_PAGE_SIZE_DEFAULT;
	if (pagina < 1 || pagina > RECONCILE_PAGE_MAX) {
		set_error(err, errlen, "«pagina» debe estar entre 1 y %ld", RECONCILE_PAGE_MAX);
		return RECONCILE_INVALID;
	}
	if (por_pagina < 1 || por_pagina > RECONCILE_PAGE_SIZE_MAX) {
		set_error(err, errlen, "«por_pagina» debe estar entre 1 y %d",
			  RECONCILE_PAGE_SIZE_MAX);
		return RECONCILE_INVALID;
	}
	lc.rows = json_array();
	lc.counts = json_object();
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		json_object_set_new(lc.counts, reconcile_kind_names[k], json_integer(0));
	if (store_rc_list(s, filter, tipo, por_pagina, (pagina - 1) * por_pagina, &total,
			  reconcile_list_row, reconcile_list_count, &lc) != 0 ||
	    store_rc_state_get(s, &state) < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		json_decref(lc.rows);
		json_decref(lc.counts);
		return RECONCILE_ERROR;
	}
	o = json_object();
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "pagina", json_integer(pagina));
	json_object_set_new(o, "por_pagina", json_integer(por_pagina));
	json_object_set_new(o, "estado", json_string(estado));
	json_object_set_new(o, "tipo", tipo != NULL ? json_string(tipo) : json_null());
	json_object_set_new(o, "por_tipo", lc.counts);
	json_object_set_new(o, "conciliacion",
			    json_pack("{s:o, s:o, s:o}", "ultimo_intento",
				      reconcile_jstr_or_null(state.ultimo_intento), "ultimo_exito",
				      reconcile_jstr_or_null(state.ultimo_exito), "ultimo_error",
				      reconcile_jstr_or_null(state.ultimo_error)));
	json_object_set_new(o, "discrepancias", lc.rows);
	*out = o;
	return RECONCILE_OK;
}

static int reconcile_get_row(const struct store_rc_row *r, void *arg)
{
	*(json_t **)arg = reconcile_row_json(r);
	return 0;
}

enum reconcile_status reconcile_get_json(struct store *s, long long id, json_t **out, char *err,
					 size_t errlen)
{
	int found;

	*out = NULL;
	found = id > 0 ? store_rc_get(s, id, reconcile_get_row, out) : 0;
	if (found < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		return RECONCILE_ERROR;
	}
	if (found == 0) {
		set_error(err, errlen, "no hay una discrepancia con id %lld", id);
		return RECONCILE_NOT_FOUND;
	}
	return RECONCILE_OK;
}

/* Checks and trims a note into a new string (*out), or fills err. */
static int reconcile_note(const char *nota, char **out, char *err, size_t errlen)
{
	const char *a = nota;
	const char *b;
	size_t n;

	*out = NULL;
	if (nota == NULL) {
		set_error(err, errlen, "falta «nota»: diga cómo se resolvió la discrepancia");
		return -1;
	}
	while (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n')
		a++;
	b = a + strlen(a);
	while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
		b--;
	n = (size_t)(b - a);
	if (n == 0) {
		set_error(err, errlen, "«nota» no puede estar vacía: diga cómo se resolvió");
		return -1;
	}
	if (n > RECONCILE_NOTE_MAX) {
		set_error(err, errlen, "«nota» admite hasta %d bytes", RECONCILE_NOTE_MAX);
		return -1;
	}
	if (!util_utf8_valid(a, n)) {
		set_error(err, errlen, "«nota» no es UTF-8 válido");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)a[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') || ch == 0x7f) {
			set_error(err, errlen, "«nota» contiene caracteres de control");
			return -1;
		}
	}
	*out = xstrndup(a, n);
	return 0;
}

enum reconcile_status reconcile_resolve(struct store *s, long long id, long long usuario_id,
					const char *nota, json_t **out, char *err, size_t errlen)
{
	enum reconcile_status ret;
	char now[UTIL_ISO_LEN];
	char *clean = NULL;
	json_t *row = NULL;
	int rc;

	*out = NULL;
	if (id <= 0) {
		set_error(err, errlen, "no hay una discrepancia con id %lld", id);
		return RECONCILE_NOT_FOUND;
	}
	if (reconcile_note(nota, &clean, err, errlen) < 0)
		return RECONCILE_BAD_NOTE;
	util_now_iso(now);
	rc = store_rc_resolve(s, id, usuario_id, clean, now);
	free(clean);
	if (rc < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(s));
		return RECONCILE_ERROR;
	}
	if (rc == 0) {
		set_error(err, errlen, "no hay una discrepancia con id %lld", id);
		return RECONCILE_NOT_FOUND;
	}
	ret = reconcile_get_json(s, id, &row, err, errlen);
	if (ret != RECONCILE_OK)
		return ret;
	if (rc == 2) {
		set_error(err, errlen, "la discrepancia %lld ya está %s", id,
			  json_string_value(json_object_get(row, "estado")));
		json_decref(row);
		return RECONCILE_ALREADY_CLOSED;
	}
	log_info(RECONCILE_MODULE, "discrepancia #%lld resuelta por el usuario %lld", id,
		 usuario_id);
	*out = row;
	return RECONCILE_OK;
}
