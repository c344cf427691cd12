/* reconcile_apply.c -- one window's comparison, without the network: in one transaction,
 * each filing's source upserted and each kind's discrepancy opened, refreshed or closed. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reconcile.h"
#include "reconcile_int.h"
#include "util.h"

#define RECONCILE_APPLY_JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

/* The source fields datos_distintos compares; detail_only ones need the detail on both
 * sides. */
static const struct {
	const char *name;
	size_t offset;
	int detail_only;
} reconcile_apply_data_fields[] = {
    {"asunto", offsetof(struct filing, asunto), 0},
    {"fecha_radicacion", offsetof(struct filing, fecha_radicacion), 0},
    {"dependencia_origen", offsetof(struct filing, dependencia_origen), 1},
};
#define RECONCILE_APPLY_NDATA                                                                      \
	(sizeof(reconcile_apply_data_fields) / sizeof(reconcile_apply_data_fields[0]))

static const char *reconcile_apply_field(const struct filing *f, size_t offset)
{
	return *(char *const *)((const char *)f + offset);
}

/* Canonical text of an evidence object (sorted keys), to store and compare. New string. */
static char *reconcile_apply_dump(const json_t *j)
{
	char *s = json_dumps(j, RECONCILE_APPLY_JSON_FLAGS);

	return s != NULL ? s : xstrdup("{}");
}

/* The two sides of one examined filing. */
struct reconcile_apply_item {
	const struct filing *ds; /* what the system says: listed (maybe with detail) or detail */
	int listed;
	int known;    /* the system knows the number */
	int complete; /* the detail-dependent checks can be decided */
	int has_local;
	struct filing local; /* the local copy before this run writes */
	struct store_rc_local st;
};

/* One kind found present, with its evidence (owned). */
struct reconcile_apply_side {
	json_t *sgd;
	json_t *local;
};

/* An open row of the examined filing. */
struct reconcile_apply_open_row {
	long long id;
	int kind;
	json_t *sgd;
	json_t *local;
};

struct reconcile_apply_open_rows {
	struct reconcile_apply_open_row *items;
	size_t count;
	size_t cap;
};

/* The state of one window's application. */
struct reconcile_apply_ctx {
	const struct config *cfg;
	const struct mapping *map;
	struct store *st;
	const char *cursor;
	const char *now;
	struct reconcile_totals *totals;
	json_t *events;
};

static int reconcile_apply_collect_open(const struct store_rc_row *r, void *arg)
{
	struct reconcile_apply_open_rows *rows = arg;
	struct reconcile_apply_open_row *o;
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

static void reconcile_apply_open_rows_free(struct reconcile_apply_open_rows *rows)
{
	for (size_t i = 0; i < rows->count; i++) {
		json_decref(rows->items[i].sgd);
		json_decref(rows->items[i].local);
	}
	free(rows->items);
}

/* The follow-up's side common to several kinds. New reference. */
static json_t *reconcile_apply_local_follow_up(const struct reconcile_apply_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "estado", reconcile_jstr(it->st.estado));
	json_object_set_new(o, "abogado_id", reconcile_jid_or_null(it->st.abogado_id));
	return o;
}

/* The fields of datos_distintos that differ now (sgd / local objects), or 0 when none. */
static int reconcile_apply_data_diff(const struct reconcile_apply_item *it,
				     struct reconcile_apply_side *out)
{
	int n = 0;

	for (size_t i = 0; i < RECONCILE_APPLY_NDATA; i++) {
		const char *a;
		const char *b;

		if (reconcile_apply_data_fields[i].detail_only &&
		    (!it->ds->has_detail || !it->local.has_detail))
			continue;
		a = reconcile_apply_field(it->ds, reconcile_apply_data_fields[i].offset);
		b = reconcile_apply_field(&it->local, reconcile_apply_data_fields[i].offset);
		if (strcmp(a, b) == 0)
			continue;
		if (n == 0) {
			out->sgd = json_object();
			out->local = json_object();
		}
		json_object_set_new(out->sgd, reconcile_apply_data_fields[i].name,
				    reconcile_jstr(a));
		json_object_set_new(out->local, reconcile_apply_data_fields[i].name,
				    reconcile_jstr(b));
		n++;
	}
	return n;
}

/* Which kinds hold now, from the two sides; decided[k] says whether kind k could be
 * decided at all (else its open rows are left as they are). */
static void reconcile_apply_evaluate(const struct reconcile_apply_ctx *c,
				     const struct reconcile_apply_item *it,
				     struct reconcile_apply_side fresh[RECONCILE_KIND_COUNT],
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
		struct reconcile_apply_side *f = &fresh[RECONCILE_FALTA_EN_SEGUIMIENTO];

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
		reconcile_apply_data_diff(it, &fresh[RECONCILE_DATOS_DISTINTOS]);
	if (!it->complete)
		return;
	if (open && it->known && ds->has_detail && ds->dependencia_actual[0] != '\0' &&
	    strcmp(ds->dependencia_actual, office) != 0) {
		struct reconcile_apply_side *f = &fresh[RECONCILE_YA_NO_EN_DEPENDENCIA];

		f->sgd = json_pack("{s:o}", "dependencia_actual",
				   reconcile_jstr(ds->dependencia_actual));
		f->local = reconcile_apply_local_follow_up(it);
		json_object_set_new(f->local, "dependencia", reconcile_jstr(office));
	}
	if (open && it->known && ds->has_detail && ds->estado_ds[0] != '\0' &&
	    strcmp(ds->estado_ds, "vigente") != 0) {
		struct reconcile_apply_side *f = &fresh[RECONCILE_ANULADO_EN_SGD];

		f->sgd = json_pack("{s:o}", "estado_ds", reconcile_jstr(ds->estado_ds));
		f->local = reconcile_apply_local_follow_up(it);
	}
	if (!it->known && strcmp(it->st.estado, "concluido") == 0) {
		struct reconcile_apply_side *f = &fresh[RECONCILE_CONCLUIDO_SIN_RADICADO];

		f->sgd = json_pack("{s:b}", "existe", 0);
		f->local = reconcile_apply_local_follow_up(it);
		json_object_set_new(f->local, "fecha_conclusion",
				    reconcile_jstr_or_null(it->st.fecha_conclusion));
	}
	if (!it->known && open) {
		struct reconcile_apply_side *f = &fresh[RECONCILE_NO_ENCONTRADO];

		f->sgd = json_pack("{s:b}", "existe", 0);
		f->local = reconcile_apply_local_follow_up(it);
		json_object_set_new(f->local, "fecha_radicacion",
				    reconcile_jstr(it->local.fecha_radicacion));
		json_object_set_new(f->local, "asunto", reconcile_jstr(it->local.asunto));
	}
}

/* datos_distintos of an open row: the office's values stay those first recorded (the
 * local copy is updated by the upsert), the system's are the newest. Returns whether the
 * disagreement still holds; sgd / local receive the merged evidence (new references). */
static int reconcile_apply_data_merge(const struct reconcile_apply_item *it,
				      const struct reconcile_apply_open_row *o,
				      const struct reconcile_apply_side *fresh, json_t **sgd,
				      json_t **local)
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

		for (size_t i = 0; i < RECONCILE_APPLY_NDATA; i++) {
			if (strcmp(key, reconcile_apply_data_fields[i].name) != 0)
				continue;
			if (!reconcile_apply_data_fields[i].detail_only || it->ds->has_detail)
				now_value = reconcile_apply_field(
				    it->ds, reconcile_apply_data_fields[i].offset);
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
static void reconcile_apply_event(const struct reconcile_apply_ctx *c, long long id,
				  const char *numero, int kind, const char *estado,
				  const char *novedad, json_t *sgd, json_t *local)
{
	json_t *e;
	size_t i;
	json_t *old;

	if (c->events == NULL)
		return;
	e = json_object();
	json_object_set_new(e, "id", json_integer(id));
	json_object_set_new(e, "numero", reconcile_jstr(numero));
	json_object_set_new(e, "tipo", json_string(reconcile_kind_name((enum reconcile_kind)kind)));
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
static int reconcile_apply_settle(const struct reconcile_apply_ctx *c,
				  const struct reconcile_apply_item *it, int kind,
				  const struct reconcile_apply_open_row *open,
				  const struct reconcile_apply_side *fresh, int decided)
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
			holds = reconcile_apply_data_merge(it, open, fresh, &sgd, &local);
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
				 open->id, reconcile_kind_name((enum reconcile_kind)kind), numero);
			reconcile_apply_event(c, open->id, numero, kind, "cerrada", "cerrada", sgd,
					      local);
			rc = 0;
			goto done;
		}
		sgd_text = reconcile_apply_dump(sgd);
		local_text = reconcile_apply_dump(local);
		if (store_rc_refresh(c->st, open->id, sgd_text, local_text, c->now) < 0)
			goto done;
		t->still[kind]++;
		reconcile_apply_event(c, open->id, numero, kind, "abierta", "sigue", sgd, local);
		rc = 0;
		goto done;
	}
	if (fresh->sgd == NULL)
		return 0;
	sgd_text = reconcile_apply_dump(fresh->sgd);
	local_text = reconcile_apply_dump(fresh->local);
	found = store_rc_last_closed(c->st, numero, reconcile_kind_name((enum reconcile_kind)kind),
				     &id, &resolved, &resolved_sgd);
	if (found < 0)
		goto done;
	if (found == 1 && resolved && strcmp(resolved_sgd, sgd_text) == 0) {
		/* A person settled this very disagreement: it stays resolved. */
		if (store_rc_seen(c->st, id, c->now) < 0)
			goto done;
		t->kept_resolved[kind]++;
		reconcile_apply_event(c, id, numero, kind, "resuelta", "ya_resuelta", fresh->sgd,
				      fresh->local);
		rc = 0;
		goto done;
	}
	if (store_rc_insert(c->st, numero, reconcile_kind_name((enum reconcile_kind)kind), sgd_text,
			    local_text, c->now, &id) < 0)
		goto done;
	t->found[kind]++;
	log_info(RECONCILE_MODULE, "discrepancia nueva #%lld: %s de %s", id,
		 reconcile_kind_name((enum reconcile_kind)kind), numero);
	reconcile_apply_event(c, id, numero, kind, "abierta", "nueva", fresh->sgd, fresh->local);
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
static int reconcile_apply_write_source(const struct reconcile_apply_ctx *c,
					const struct reconcile_apply_item *it, int asked)
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
static int reconcile_apply_filing(const struct reconcile_apply_ctx *c, const struct filing *ds,
				  int listed, int asked)
{
	struct reconcile_apply_item it;
	struct reconcile_apply_side fresh[RECONCILE_KIND_COUNT];
	int decided[RECONCILE_KIND_COUNT];
	struct reconcile_apply_open_rows rows = {0};
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
	    store_rc_open_of(c->st, ds->numero, reconcile_apply_collect_open, &rows) < 0)
		goto done;
	reconcile_apply_evaluate(c, &it, fresh, decided);
	if (reconcile_apply_write_source(c, &it, asked) < 0)
		goto done;
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		const struct reconcile_apply_open_row *open = NULL;

		for (size_t i = 0; i < rows.count; i++) {
			if (rows.items[i].kind == k)
				open = &rows.items[i];
		}
		if (reconcile_apply_settle(c, &it, k, open, &fresh[k], decided[k]) < 0)
			goto done;
	}
	rc = 0;
done:
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		json_decref(fresh[k].sgd);
		json_decref(fresh[k].local);
	}
	reconcile_apply_open_rows_free(&rows);
	filing_free(&it.local);
	return rc;
}

int reconcile_apply_window(const struct config *cfg, const struct mapping *m, struct store *st,
			   const struct filing_list *listed, const unsigned char *asked,
			   const struct filing_list *absent, const char *cursor,
			   struct reconcile_totals *totals, json_t *events, char *err,
			   size_t errlen)
{
	struct reconcile_apply_ctx c;
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
		if (reconcile_apply_filing(&c, &listed->items[i], 1, asked != NULL && asked[i]) < 0)
			goto fail;
	}
	for (size_t i = 0; absent != NULL && i < absent->count; i++) {
		if (reconcile_apply_filing(&c, &absent->items[i], 0, 1) < 0)
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
