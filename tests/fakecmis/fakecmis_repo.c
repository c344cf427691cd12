/* fakecmis_repo.c -- the repository's objects and change log: sorted indexes by id and by
 * number, ids that never repeat, the initial history sorted into the log, and the control
 * changes (each one a change event at the time it is made). */
#include "fakecmis_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecmis_dataset.h"
#include "fakecmis_gen.h"
#include "sim_gen.h"
#include "fakecmis_time.h"
#include "sim_json.h"
#include "sim_rand.h"
#include "util.h"

#define FAKECMIS_REPO_ROOT_NAME "Raíz"
#define FAKECMIS_REPO_PAGE_BYTES 51200 /* cmis:contentStreamLength per sheet of a filing */

void fakecmis_repo_init(struct fakecmis_repo *r, const struct fakecmis_repo_options *o)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	strlcpy_s(r->office, o->office, sizeof(r->office));
	r->seed = o->seed;
	r->numeros = o->numeros;
	fakecmis_log_init(&r->log, o->log_keep);
}

static void fakecmis_repo_free_history(struct fakecmis_repo *r)
{
	for (size_t i = 0; i < r->nhist; i++)
		free(r->hist[i].id);
	free(r->hist);
	r->hist = NULL;
	r->nhist = r->hcap = 0;
}

void fakecmis_repo_free(struct fakecmis_repo *r)
{
	for (size_t i = 0; i < r->count; i++)
		fakecmis_object_free(r->by_id[i]);
	free(r->by_id);
	free(r->by_numero);
	fakecmis_repo_free_history(r);
	fakecmis_log_free(&r->log);
	pthread_mutex_destroy(&r->lock);
	memset(r, 0, sizeof(*r));
}

void fakecmis_repo_lock(struct fakecmis_repo *r)
{
	pthread_mutex_lock(&r->lock);
}

void fakecmis_repo_unlock(struct fakecmis_repo *r)
{
	pthread_mutex_unlock(&r->lock);
}

/* A bijection of 32-bit numbers (murmur3's finaliser): distinct counters, distinct ids. */
static unsigned fakecmis_repo_fmix32(unsigned h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Index in by_id of id, or of where it would go (*found says which). Caller holds the lock. */
static size_t fakecmis_repo_id_index(const struct fakecmis_repo *r, const char *id, int *found)
{
	size_t lo = 0, hi = r->count;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->by_id[mid]->id, id);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct fakecmis_object *fakecmis_repo_find(const struct fakecmis_repo *r, const char *id)
{
	int found;
	size_t i = fakecmis_repo_id_index(r, id, &found);

	return found ? r->by_id[i] : NULL;
}

/* Same for by_numero. */
static size_t fakecmis_repo_numero_index(const struct fakecmis_repo *r, const char *numero,
					 int *found)
{
	size_t lo = 0, hi = r->nfilings;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->by_numero[mid]->s[FT_NUMERO], numero);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void fakecmis_repo_next_id(struct fakecmis_repo *r, const char *basis, char *out)
{
	unsigned salt = (unsigned)(r->seed ^ (r->seed >> 32)) * 0x9E3779B9u;
	char tail[5] = "";
	size_t n = 0;

	/* The last four digits of the number, as the sample's ids end ("d1f0c9a2-2213"). */
	for (size_t i = strlen(basis); i > 0 && n < 4; i--) {
		if (basis[i - 1] >= '0' && basis[i - 1] <= '9') {
			memmove(tail + 1, tail, n + 1);
			tail[0] = basis[i - 1];
			n++;
		}
	}
	for (;;) {
		unsigned h = fakecmis_repo_fmix32(r->id_counter++ ^ salt);
		int found;

		if (n < 4)
			snprintf(tail, sizeof(tail), "%04x", fakecmis_repo_fmix32(h) & 0xffffu);
		snprintf(out, FAKECMIS_ID_MAX + 1, "%08x-%s", h, tail);
		/* An id loaded from a file may already be taken. */
		fakecmis_repo_id_index(r, out, &found);
		if (!found)
			return;
	}
}

int fakecmis_repo_insert(struct fakecmis_repo *r, struct fakecmis_object *o)
{
	if (r->count >= FAKECMIS_REPO_MAX_OBJECTS) {
		fakecmis_object_free(o);
		return -1;
	}
	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->by_id = xrealloc(r->by_id, r->cap * sizeof(*r->by_id));
	}
	r->by_id[r->count++] = o;
	if (o->kind == FAKECMIS_RADICADO) {
		if (r->nfilings == r->fcap) {
			r->fcap = r->fcap ? r->fcap * 2 : 256;
			r->by_numero = xrealloc(r->by_numero, r->fcap * sizeof(*r->by_numero));
		}
		r->by_numero[r->nfilings++] = o;
	}
	return 0;
}

void fakecmis_repo_history(struct fakecmis_repo *r, const char *id, enum fakecmis_kind kind,
			   enum fakecmis_change change, long long time_ms)
{
	struct fakecmis_repo_history *h;

	if (r->nhist == r->hcap) {
		r->hcap = r->hcap ? r->hcap * 2 : 1024;
		r->hist = xrealloc(r->hist, r->hcap * sizeof(*r->hist));
	}
	h = &r->hist[r->nhist];
	h->id = xstrdup(id);
	h->kind = kind;
	h->change = change;
	h->time_ms = time_ms;
	h->order = r->nhist++;
}

static int fakecmis_repo_cmp_id(const void *pa, const void *pb)
{
	const struct fakecmis_object *a = *(struct fakecmis_object *const *)pa;
	const struct fakecmis_object *b = *(struct fakecmis_object *const *)pb;

	return strcmp(a->id, b->id);
}

static int fakecmis_repo_cmp_numero(const void *pa, const void *pb)
{
	const struct fakecmis_object *a = *(struct fakecmis_object *const *)pa;
	const struct fakecmis_object *b = *(struct fakecmis_object *const *)pb;

	return strcmp(a->s[FT_NUMERO], b->s[FT_NUMERO]);
}

static int fakecmis_repo_cmp_history(const void *pa, const void *pb)
{
	const struct fakecmis_repo_history *a = pa;
	const struct fakecmis_repo_history *b = pb;

	if (a->time_ms != b->time_ms)
		return a->time_ms < b->time_ms ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Sorts both indexes. Returns 0, or -1 with err when an id or a number repeats. */
static int fakecmis_repo_reindex(struct fakecmis_repo *r, char *err, size_t errlen)
{
	qsort(r->by_id, r->count, sizeof(*r->by_id), fakecmis_repo_cmp_id);
	qsort(r->by_numero, r->nfilings, sizeof(*r->by_numero), fakecmis_repo_cmp_numero);
	for (size_t i = 1; i < r->count; i++) {
		if (strcmp(r->by_id[i - 1]->id, r->by_id[i]->id) == 0) {
			set_error(err, errlen, "object_id repetido: %s", r->by_id[i]->id);
			return -1;
		}
	}
	for (size_t i = 1; i < r->nfilings; i++) {
		if (strcmp(r->by_numero[i - 1]->s[FT_NUMERO], r->by_numero[i]->s[FT_NUMERO]) == 0) {
			set_error(err, errlen, "radicado repetido: %s",
				  r->by_numero[i]->s[FT_NUMERO]);
			return -1;
		}
	}
	return 0;
}

/* The root folder's id, or "" when there is none. */
static void fakecmis_repo_find_root(struct fakecmis_repo *r)
{
	r->root_id[0] = '\0';
	for (size_t i = 0; i < r->count; i++) {
		const struct fakecmis_object *o = r->by_id[i];

		if (o->kind == FAKECMIS_FOLDER && o->s[FT_PARENT][0] == '\0') {
			strlcpy_s(r->root_id, o->id, sizeof(r->root_id));
			return;
		}
	}
}

int fakecmis_repo_finish(struct fakecmis_repo *r, char *err, size_t errlen)
{
	if (fakecmis_repo_reindex(r, err, errlen) < 0)
		return -1;
	fakecmis_repo_find_root(r);
	if (r->root_id[0] == '\0') {
		struct fakecmis_object *root = fakecmis_object_new(FAKECMIS_FOLDER);
		long long first = r->nhist > 0 ? r->hist[0].time_ms : 0;

		for (size_t i = 0; i < r->nhist; i++) {
			if (r->hist[i].time_ms < first)
				first = r->hist[i].time_ms;
		}
		fakecmis_repo_next_id(r, "root", root->id);
		fakecmis_object_set(root, FT_NAME, FAKECMIS_REPO_ROOT_NAME);
		fakecmis_object_set(root, FT_PATH, "/");
		root->created_ms = root->modified_ms = first;
		fakecmis_repo_history(r, root->id, FAKECMIS_FOLDER, FAKECMIS_CREATED, first);
		if (fakecmis_repo_insert(r, root) < 0) {
			set_error(err, errlen, "demasiados objetos");
			return -1;
		}
		if (fakecmis_repo_reindex(r, err, errlen) < 0)
			return -1;
		fakecmis_repo_find_root(r);
	}
	/* Folders that name no parent (loaded without "padre") hang from the root. */
	for (size_t i = 0; i < r->count; i++) {
		struct fakecmis_object *o = r->by_id[i];

		if (o->kind == FAKECMIS_FOLDER && o->s[FT_PARENT][0] == '\0' &&
		    strcmp(o->id, r->root_id) != 0)
			fakecmis_object_set(o, FT_PARENT, r->root_id);
	}
	qsort(r->hist, r->nhist, sizeof(*r->hist), fakecmis_repo_cmp_history);
	for (size_t i = 0; i < r->nhist; i++)
		fakecmis_log_append(&r->log, r->hist[i].id, r->hist[i].kind, r->hist[i].change,
				    r->hist[i].time_ms);
	fakecmis_repo_free_history(r);
	return 0;
}

/* Fills what a new object's input left out: number, id, dependencies, name, sizes, and the
 * repository dates (when_ms: the change time; -1 when loading: from the filing date). Caller
 * holds the lock when serving. Returns 0, or -1 with err. */
static int fakecmis_repo_complete(struct fakecmis_repo *r, struct fakecmis_object *o,
				  const struct fakecmis_dataset_input *in, long long when_ms,
				  char *err, size_t errlen)
{
	if (o->kind == FAKECMIS_RADICADO) {
		size_t n = strlen(o->s[FT_NUMERO]);

		if (!in->has_dep_origen && in->has_numero && n >= 14 && n <= 15 &&
		    strspn(o->s[FT_NUMERO], "0123456789") == n) {
			char dep[5];

			memcpy(dep, o->s[FT_NUMERO] + 4, n - 11);
			dep[n - 11] = '\0';
			fakecmis_object_set(o, FT_DEP_RADICADORA, dep);
		} else if (!in->has_dep_origen) {
			fakecmis_object_set(o, FT_DEP_RADICADORA,
					    o->tipo == '2' ? FAKECMIS_REPO_VENTANILLA
							   : FAKECMIS_REPO_DEFAULT_AREA);
		}
		if (!in->has_dep_actual)
			fakecmis_object_set(o, FT_DEP_ACTUAL, r->office);
		if (o->s[FT_TIPO_DOCUMENTAL][0] == '\0')
			fakecmis_object_set(o, FT_TIPO_DOCUMENTAL, "0");
		if (!in->has_numero) {
			char prefix[24];
			long seq = 0;
			int y, m, d;

			sim_time_civil_from_days(sim_time_local_day(o->fecha), &y, &m, &d);
			fakecmis_numero_prefix(r->numeros, y, o->s[FT_DEP_RADICADORA], o->tipo,
					       prefix, sizeof(prefix));
			for (size_t i = 0; i < r->nfilings; i++) {
				long s = fakecmis_numero_seq(
				    r->numeros, r->by_numero[i]->s[FT_NUMERO], prefix, o->tipo);

				if (s > seq)
					seq = s;
			}
			{
				char num[FAKECMIS_NUMERO_MAX + 1];

				if (fakecmis_numero_make(r->numeros, prefix, o->tipo, seq + 1, num,
							 sizeof(num)) < 0) {
					set_error(err, errlen, "se agotó la secuencia de %s",
						  prefix);
					return -1;
				}
				fakecmis_object_set(o, FT_NUMERO, num);
			}
		}
		if (o->n_remitentes == 0 && !in->has_remitente) {
			/* An internal memo's sender is its area, as in the sample. */
			const char *area = sim_gen_area_name(o->s[FT_DEP_RADICADORA]);

			if (area != NULL)
				fakecmis_object_set_remitentes(o, &area, 1, 0);
		}
		if (o->s[FT_NAME][0] == '\0') {
			char *name = xasprintf("%s.pdf", o->s[FT_NUMERO]);

			fakecmis_object_set(o, FT_NAME, name);
			free(name);
		}
		fakecmis_object_set(o, FT_MIME, "application/pdf");
		o->length = 20480 + (long long)o->folios * FAKECMIS_REPO_PAGE_BYTES;
	} else if (!in->has_name) {
		const char *def = o->kind == FAKECMIS_FOLDER  ? "Carpeta"
				  : o->kind == FAKECMIS_ANEXO ? "Anexo.pdf"
							      : "Documento.pdf";

		fakecmis_object_set(o, FT_NAME, def);
	}
	if (o->kind == FAKECMIS_FOLDER) {
		if (o->s[FT_PATH][0] == '\0') {
			char *path = xasprintf("/%s", o->s[FT_NAME]);

			fakecmis_object_set(o, FT_PATH, path);
			free(path);
		}
		if (o->s[FT_PARENT][0] == '\0' && r->root_id[0] != '\0')
			fakecmis_object_set(o, FT_PARENT, r->root_id);
	}
	if (in->has_id)
		strlcpy_s(o->id, in->id, sizeof(o->id));
	else
		fakecmis_repo_next_id(r, o->kind == FAKECMIS_FOLDER ? "" : o->s[FT_NUMERO], o->id);
	if (when_ms >= 0) {
		o->created_ms = o->modified_ms = when_ms;
		return 0;
	}
	if (!in->has_created)
		o->created_ms = o->kind == FAKECMIS_RADICADO ? o->fecha * 1000LL : 0;
	if (!in->has_modified || o->modified_ms < o->created_ms)
		o->modified_ms = o->created_ms;
	return 0;
}

/* Reads one object of a --dataset file and inserts it with its history. */
static int fakecmis_repo_load_one(struct fakecmis_repo *r, json_t *item, int others, char *err,
				  size_t errlen)
{
	struct fakecmis_dataset_input in;
	struct fakecmis_object *o;
	int kind = fakecmis_dataset_kind(item, err, errlen);

	if (kind < 0)
		return -1;
	if ((kind == FAKECMIS_RADICADO) == others) {
		set_error(err, errlen,
			  others ? "los radicados van en \"filings\""
				 : "los demás objetos van en \"others\"");
		return -1;
	}
	o = fakecmis_object_new((enum fakecmis_kind)kind);
	if (fakecmis_dataset_read(o, item, FAKECMIS_READ_LOAD, &in, err, errlen) < 0 ||
	    fakecmis_repo_complete(r, o, &in, -1, err, errlen) < 0) {
		fakecmis_object_free(o);
		return -1;
	}
	fakecmis_repo_history(r, o->id, o->kind, FAKECMIS_CREATED, o->created_ms);
	if (o->modified_ms > o->created_ms)
		fakecmis_repo_history(r, o->id, o->kind, FAKECMIS_UPDATED, o->modified_ms);
	if (fakecmis_repo_insert(r, o) < 0) {
		set_error(err, errlen, "demasiados objetos");
		return -1;
	}
	return 0;
}

int fakecmis_repo_load_file(struct fakecmis_repo *r, const char *path, char *err, size_t errlen)
{
	json_t *root = NULL;
	json_t *lists[2] = {NULL, NULL};
	char why[256];

	root = sim_json_load_file(path, FAKECMIS_DATASET_MAX_FILE, err, errlen);
	if (root == NULL)
		goto fail;
	if (json_is_array(root)) {
		lists[0] = root;
	} else if (json_is_object(root)) {
		const char *key;
		json_t *v;

		json_object_foreach(root, key, v)
		{
			int which = strcmp(key, "filings") == 0	 ? 0
				    : strcmp(key, "others") == 0 ? 1
								 : -1;

			if (which < 0 || !json_is_array(v)) {
				set_error(err, errlen,
					  "%s: se espera una lista de radicados o {\"filings\": "
					  "[...], \"others\": [...]}",
					  path);
				goto fail;
			}
			lists[which] = v;
		}
	} else {
		set_error(err, errlen, "%s: se espera una lista o un objeto", path);
		goto fail;
	}
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *item;

		json_array_foreach(lists[l], i, item)
		{
			if (fakecmis_repo_load_one(r, item, l, why, sizeof(why)) < 0) {
				set_error(err, errlen, "%s: %s %zu: %s", path,
					  l ? "objeto" : "radicado", i + 1, why);
				goto fail;
			}
		}
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	return -1;
}

/* ---- Control changes (serving: every function takes the lock). */

/* Puts o (owned) into both indexes at its place. Caller holds the lock and has checked that
 * neither its id nor its number is taken. Returns 0, or -1 when full (o freed). */
static int fakecmis_repo_place(struct fakecmis_repo *r, struct fakecmis_object *o)
{
	size_t i;
	int found;

	if (fakecmis_repo_insert(r, o) < 0)
		return -1;
	/* fakecmis_repo_insert appended; move it to its place. */
	r->count--;
	i = fakecmis_repo_id_index(r, o->id, &found);
	memmove(&r->by_id[i + 1], &r->by_id[i], (r->count - i) * sizeof(o));
	r->by_id[i] = o;
	r->count++;
	if (o->kind == FAKECMIS_RADICADO) {
		r->nfilings--;
		i = fakecmis_repo_numero_index(r, o->s[FT_NUMERO], &found);
		memmove(&r->by_numero[i + 1], &r->by_numero[i], (r->nfilings - i) * sizeof(o));
		r->by_numero[i] = o;
		r->nfilings++;
	}
	return 0;
}

/* Takes o out of both indexes (not freed). Caller holds the lock. */
static void fakecmis_repo_unplace(struct fakecmis_repo *r, struct fakecmis_object *o)
{
	int found;
	size_t i = fakecmis_repo_id_index(r, o->id, &found);

	memmove(&r->by_id[i], &r->by_id[i + 1], (r->count - i - 1) * sizeof(o));
	r->count--;
	if (o->kind != FAKECMIS_RADICADO)
		return;
	i = fakecmis_repo_numero_index(r, o->s[FT_NUMERO], &found);
	memmove(&r->by_numero[i], &r->by_numero[i + 1], (r->nfilings - i - 1) * sizeof(o));
	r->nfilings--;
}

/* Appends a change of o to the log at the current time; created and updated objects take
 * that time as their cmis:lastModificationDate. Caller holds the lock. */
static void fakecmis_repo_change(struct fakecmis_repo *r, struct fakecmis_object *o,
				 enum fakecmis_change change)
{
	fakecmis_log_append(&r->log, o->id, o->kind, change, fakecmis_time_now_ms());
	if (change == FAKECMIS_CREATED) {
		o->created_ms = o->modified_ms = r->log.last_ms;
	} else if (change == FAKECMIS_UPDATED) {
		o->modified_ms = r->log.last_ms;
		fakecmis_object_set(o, FT_LAST_MODIFIED_BY, FAKECMIS_REPO_USER_CONTROL);
	}
}

enum fakecmis_repo_result fakecmis_repo_add(struct fakecmis_repo *r, json_t *obj, json_t **out,
					    char *err, size_t errlen)
{
	struct fakecmis_dataset_input in;
	struct fakecmis_object *o;
	enum fakecmis_repo_result res = FAKECMIS_REPO_BAD;
	int kind = fakecmis_dataset_kind(obj, err, errlen);
	int found;

	if (kind < 0)
		return FAKECMIS_REPO_BAD;
	o = fakecmis_object_new((enum fakecmis_kind)kind);
	fakecmis_repo_lock(r);
	if (fakecmis_dataset_read(o, obj, FAKECMIS_READ_ADD, &in, err, errlen) < 0)
		goto fail;
	if (in.has_id && fakecmis_repo_find(r, in.id) != NULL) {
		set_error(err, errlen, "el object_id %s ya existe", in.id);
		res = FAKECMIS_REPO_CONFLICT;
		goto fail;
	}
	if (kind == FAKECMIS_RADICADO && in.has_numero) {
		fakecmis_repo_numero_index(r, o->s[FT_NUMERO], &found);
		if (found) {
			set_error(err, errlen, "el radicado %s ya existe", o->s[FT_NUMERO]);
			res = FAKECMIS_REPO_CONFLICT;
			goto fail;
		}
	}
	if (fakecmis_repo_complete(r, o, &in, 0, err, errlen) < 0)
		goto fail;
	if (fakecmis_repo_place(r, o) < 0) {
		set_error(err, errlen, "el repositorio está lleno");
		fakecmis_repo_unlock(r);
		return FAKECMIS_REPO_BAD;
	}
	fakecmis_repo_change(r, o, FAKECMIS_CREATED);
	*out = fakecmis_dataset_json(o);
	fakecmis_repo_unlock(r);
	return FAKECMIS_REPO_OK;
fail:
	fakecmis_repo_unlock(r);
	fakecmis_object_free(o);
	return res;
}

/* Finds the object obj names by "numero" (a filing) or "object_id" (both: the same one); only
 * the members in allowed (a NULL-ended list, besides those two) may appear. Caller holds the
 * lock. Returns the object, or NULL with *res and err. */
static struct fakecmis_object *fakecmis_repo_target(struct fakecmis_repo *r, json_t *obj,
						    const char *const *allowed, int filings_only,
						    enum fakecmis_repo_result *res, char *err,
						    size_t errlen)
{
	json_t *numero = json_object_get(obj, "numero");
	json_t *id = json_object_get(obj, "object_id");
	struct fakecmis_object *o = NULL;
	const char *key;
	json_t *v;
	int found;
	size_t i;

	*res = FAKECMIS_REPO_BAD;
	if (!json_is_object(obj)) {
		set_error(err, errlen, "se espera un objeto JSON");
		return NULL;
	}
	json_object_foreach(obj, key, v)
	{
		int ok = strcmp(key, "numero") == 0 || strcmp(key, "object_id") == 0;

		for (size_t k = 0; !ok && allowed != NULL && allowed[k] != NULL; k++)
			ok = strcmp(key, allowed[k]) == 0;
		if (!ok) {
			set_error(err, errlen, "campo desconocido: %s", key);
			return NULL;
		}
	}
	if ((numero != NULL && !json_is_string(numero)) || (id != NULL && !json_is_string(id)) ||
	    (numero == NULL && id == NULL)) {
		set_error(err, errlen, "falta numero u object_id (textos)");
		return NULL;
	}
	if (id != NULL) {
		i = fakecmis_repo_id_index(r, json_string_value(id), &found);
		o = found ? r->by_id[i] : NULL;
	} else {
		i = fakecmis_repo_numero_index(r, json_string_value(numero), &found);
		o = found ? r->by_numero[i] : NULL;
	}
	if (o != NULL && numero != NULL &&
	    (o->kind != FAKECMIS_RADICADO ||
	     strcmp(o->s[FT_NUMERO], json_string_value(numero)) != 0)) {
		set_error(err, errlen, "numero y object_id nombran objetos distintos");
		return NULL;
	}
	if (o == NULL) {
		set_error(err, errlen, "objeto desconocido: %.*s", FAKECMIS_ID_MAX,
			  json_string_value(id != NULL ? id : numero));
		*res = FAKECMIS_REPO_NOT_FOUND;
		return NULL;
	}
	if (filings_only && o->kind != FAKECMIS_RADICADO) {
		set_error(err, errlen, "%s no es un radicado", o->id);
		return NULL;
	}
	*res = FAKECMIS_REPO_OK;
	return o;
}

enum fakecmis_repo_result fakecmis_repo_update(struct fakecmis_repo *r, json_t *obj, json_t **out,
					       char *err, size_t errlen)
{
	static const char *const fields[] = {"tipo_radicado",
					     "fecha_radicacion",
					     "asunto",
					     "folios",
					     "remitente",
					     "remitente_cmis",
					     "tipo_documental",
					     "estado_ds",
					     "dependencia_origen",
					     "dependencia_actual",
					     "creado_ms",
					     "modificado_ms",
					     NULL};
	struct fakecmis_dataset_input in;
	struct fakecmis_object *o, *copy;
	enum fakecmis_repo_result res;

	fakecmis_repo_lock(r);
	o = fakecmis_repo_target(r, obj, fields, 1, &res, err, errlen);
	if (o == NULL)
		goto done;
	copy = fakecmis_object_copy(o);
	if (fakecmis_dataset_read(copy, obj, FAKECMIS_READ_UPDATE, &in, err, errlen) < 0) {
		fakecmis_object_free(copy);
		res = FAKECMIS_REPO_BAD;
		goto done;
	}
	copy->length = 20480 + (long long)copy->folios * FAKECMIS_REPO_PAGE_BYTES;
	fakecmis_object_replace(o, copy); /* same pointer: both indexes still hold */
	fakecmis_repo_change(r, o, FAKECMIS_UPDATED);
	*out = fakecmis_dataset_json(o);
done:
	fakecmis_repo_unlock(r);
	return res;
}

enum fakecmis_repo_result fakecmis_repo_annul(struct fakecmis_repo *r, json_t *obj, json_t **out,
					      char *err, size_t errlen)
{
	static const char *const fields[] = {"estado", NULL};
	json_t *estado = json_is_object(obj) ? json_object_get(obj, "estado") : NULL;
	struct fakecmis_object *o;
	enum fakecmis_repo_result res;
	int e = FAKECMIS_ANULADO;

	fakecmis_repo_lock(r);
	o = fakecmis_repo_target(r, obj, fields, 1, &res, err, errlen);
	if (o == NULL)
		goto done;
	if (estado != NULL) {
		e = json_is_string(estado) ? fakecmis_estado_named(json_string_value(estado)) : -1;
		if (e < 0) {
			set_error(err, errlen,
				  "estado debe ser anulado, anulacion_solicitada o vigente");
			res = FAKECMIS_REPO_BAD;
			goto done;
		}
	}
	o->estado = (enum fakecmis_estado)e;
	fakecmis_repo_change(r, o, FAKECMIS_UPDATED);
	*out = fakecmis_dataset_json(o);
done:
	fakecmis_repo_unlock(r);
	return res;
}

enum fakecmis_repo_result fakecmis_repo_remove(struct fakecmis_repo *r, json_t *obj, json_t **out,
					       char *err, size_t errlen)
{
	struct fakecmis_object *o;
	enum fakecmis_repo_result res;

	fakecmis_repo_lock(r);
	o = fakecmis_repo_target(r, obj, NULL, 0, &res, err, errlen);
	if (o == NULL)
		goto done;
	if (strcmp(o->id, r->root_id) == 0) {
		set_error(err, errlen, "la carpeta raíz no se borra");
		res = FAKECMIS_REPO_BAD;
		goto done;
	}
	fakecmis_repo_unplace(r, o);
	fakecmis_repo_change(r, o, FAKECMIS_DELETED);
	*out = fakecmis_dataset_json(o);
	fakecmis_object_free(o);
done:
	fakecmis_repo_unlock(r);
	return res;
}

enum fakecmis_repo_result fakecmis_repo_security(struct fakecmis_repo *r, json_t *obj, json_t **out,
						 char *err, size_t errlen)
{
	struct fakecmis_object *o;
	enum fakecmis_repo_result res;

	fakecmis_repo_lock(r);
	o = fakecmis_repo_target(r, obj, NULL, 0, &res, err, errlen);
	if (o != NULL) {
		fakecmis_repo_change(r, o, FAKECMIS_SECURITY);
		*out = fakecmis_dataset_json(o);
	}
	fakecmis_repo_unlock(r);
	return res;
}

void fakecmis_repo_expire(struct fakecmis_repo *r)
{
	fakecmis_repo_lock(r);
	fakecmis_log_expire(&r->log);
	fakecmis_repo_unlock(r);
}

/* Shorter numbers first, then by text: numbers of one shape in numeric order. */
static int fakecmis_repo_numcmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int fakecmis_repo_cmp_date(const void *pa, const void *pb)
{
	const struct fakecmis_object *a = *(struct fakecmis_object *const *)pa;
	const struct fakecmis_object *b = *(struct fakecmis_object *const *)pb;

	if (a->fecha != b->fecha)
		return a->fecha < b->fecha ? -1 : 1;
	return fakecmis_repo_numcmp(a->s[FT_NUMERO], b->s[FT_NUMERO]);
}

json_t *fakecmis_repo_dump(struct fakecmis_repo *r, const char *dependencia)
{
	json_t *list = json_array();
	struct fakecmis_object **sel;
	size_t n = 0;

	fakecmis_repo_lock(r);
	sel = xcalloc(r->nfilings + 1, sizeof(*sel));
	for (size_t i = 0; i < r->nfilings; i++) {
		struct fakecmis_object *o = r->by_numero[i];

		if (dependencia == NULL || strcmp(o->s[FT_DEP_ACTUAL], dependencia) == 0)
			sel[n++] = o;
	}
	qsort(sel, n, sizeof(*sel), fakecmis_repo_cmp_date);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, fakecmis_dataset_filing_json(sel[i]));
	fakecmis_repo_unlock(r);
	free(sel);
	return list;
}

json_t *fakecmis_repo_others(struct fakecmis_repo *r)
{
	json_t *list = json_array();

	fakecmis_repo_lock(r);
	for (size_t i = 0; i < r->count; i++) {
		if (r->by_id[i]->kind != FAKECMIS_RADICADO)
			json_array_append_new(list, fakecmis_dataset_other_json(r->by_id[i]));
	}
	fakecmis_repo_unlock(r);
	return list;
}

json_t *fakecmis_repo_token(struct fakecmis_repo *r)
{
	char latest[24], oldest[24];
	json_t *o;

	fakecmis_repo_lock(r);
	snprintf(latest, sizeof(latest), "%lld", r->log.latest);
	snprintf(oldest, sizeof(oldest), "%lld", fakecmis_log_first(&r->log));
	o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "latestChangeLogToken", latest,
		      "oldestChangeLogToken", oldest, "entries", (json_int_t)r->log.count,
		      "logKeep", (json_int_t)r->log.keep, "expired", (json_int_t)r->log.expired);
	fakecmis_repo_unlock(r);
	return o;
}
