/* store_filing.c -- filings as the document system knows them: the idempotent upsert with
 * change detection (and its cambio_sgd gestion), deletion in the system, touch, stored hashes,
 * the sync state row (cursor, the change token a backfill switches to). */
#include "store_int.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filing.h"
#include "log.h"
#include "util.h"

#define STORE_SYNC_ERROR_MAX (sizeof(((struct sync_state *)0)->last_error) - 1)
#define STORE_CHANGE_PREFIX "Cambio en el sistema de gestión documental: "
#define STORE_EMPTY_VALUE "(vacío)"
#define STORE_DELETED_TEXT "eliminado en el sistema documental"
#define STORE_RESTORED_TEXT "vuelve a existir en el sistema documental (eliminado el %s)"

/* ---- The source fields of a filing, in column order: how each is compared, bound and
 * described in a cambio_sgd entry. */

enum store_field_kind {
	STORE_FIELD_CODE, /* short code or date: shown bare */
	STORE_FIELD_TEXT, /* free text: shown in «» */
	STORE_FIELD_INT,  /* folios */
	STORE_FIELD_STATE /* estado_ds: shown as its new state */
};

struct store_filing_field {
	const char *column;
	const char *label; /* Spanish, for the cambio_sgd text */
	size_t offset;	   /* of the char * (int for STORE_FIELD_INT) in struct filing */
	enum store_field_kind kind;
	int listed; /* returned by the list call; the others come with the detail */
};

static const struct store_filing_field store_filing_fields[] = {
    {"numero", "número", offsetof(struct filing, numero), STORE_FIELD_CODE, 1},
    {"tipo_radicado", "tipo de radicado", offsetof(struct filing, tipo_radicado), STORE_FIELD_CODE,
     1},
    {"fecha_radicacion", "fecha de radicación", offsetof(struct filing, fecha_radicacion),
     STORE_FIELD_CODE, 1},
    {"asunto", "asunto", offsetof(struct filing, asunto), STORE_FIELD_TEXT, 1},
    {"folios", "folios", offsetof(struct filing, folios), STORE_FIELD_INT, 1},
    {"ruta", "ruta", offsetof(struct filing, ruta), STORE_FIELD_TEXT, 1},
    {"dependencia_origen", "dependencia de origen", offsetof(struct filing, dependencia_origen),
     STORE_FIELD_CODE, 0},
    {"dependencia_origen_nombre", "nombre de la dependencia de origen",
     offsetof(struct filing, dependencia_origen_nombre), STORE_FIELD_TEXT, 0},
    {"dependencia_actual", "dependencia actual", offsetof(struct filing, dependencia_actual),
     STORE_FIELD_CODE, 0},
    {"remitente", "remitente", offsetof(struct filing, remitente), STORE_FIELD_TEXT, 0},
    {"tipo_documental", "tipo documental", offsetof(struct filing, tipo_documental),
     STORE_FIELD_CODE, 0},
    {"estado_ds", "estado", offsetof(struct filing, estado_ds), STORE_FIELD_STATE, 0},
    {"tipo_documental_nombre", "nombre del tipo documental",
     offsetof(struct filing, tipo_documental_nombre), STORE_FIELD_TEXT, 0},
};

#define STORE_FILING_NFIELDS (sizeof(store_filing_fields) / sizeof(store_filing_fields[0]))
/* Result columns after the source fields, and the first parameter after them (hash_ds,
 * hash_lista, con_detalle, now, id_sgd follow in that order). */
#define STORE_COL_ID ((int)STORE_FILING_NFIELDS)
#define STORE_COL_HASH_DS ((int)STORE_FILING_NFIELDS + 1)
#define STORE_COL_CON_DETALLE ((int)STORE_FILING_NFIELDS + 2)
#define STORE_COL_ID_SGD ((int)STORE_FILING_NFIELDS + 3)
#define STORE_COL_ELIMINADO ((int)STORE_FILING_NFIELDS + 4)
#define STORE_PARAM_HASH_DS ((int)STORE_FILING_NFIELDS + 1)
#define STORE_PARAM_ID_SGD ((int)STORE_FILING_NFIELDS + 5)

/* What store_filing_load reads (the source fields, then the STORE_COL_* columns). */
#define STORE_FILING_COLUMNS                                                                       \
	"SELECT numero, tipo_radicado, fecha_radicacion, asunto, folios, ruta,"                    \
	" dependencia_origen, dependencia_origen_nombre, dependencia_actual, remitente,"           \
	" tipo_documental, estado_ds, tipo_documental_nombre, id, hash_ds, con_detalle, id_sgd,"   \
	" eliminado_sgd FROM radicado"

static const struct {
	const char *value;
	const char *label;
} store_estado_ds_labels[] = {
    {"vigente", "vigente"},
    {"anulacion_solicitada", "anulación solicitada"},
    {"anulado", "anulado"},
};

static char **store_field_str(struct filing *f, const struct store_filing_field *fd)
{
	return (char **)((char *)f + fd->offset);
}

static const char *store_field_cstr(const struct filing *f, const struct store_filing_field *fd)
{
	return *(char *const *)((const char *)f + fd->offset);
}

static int store_field_int(const struct filing *f, const struct store_filing_field *fd)
{
	return *(const int *)((const char *)f + fd->offset);
}

/* The statements of this file, indexed by statement id. They bind the columns in the order
 * of store_filing_fields (?1 = numero ... ?13 = tipo_documental_nombre). */
static const char *const store_filing_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_FILING_GET] = STORE_FILING_COLUMNS " WHERE numero = ?1",
    /* "id_sgd <> ''" lets SQLite use the partial index radicado_id_sgd. */
    [STORE_STMT_FILING_BY_ID_SGD] =
	STORE_FILING_COLUMNS " WHERE id_sgd = ?1 AND id_sgd <> '' ORDER BY id LIMIT 1",
    [STORE_STMT_FILING_INSERT] =
	"INSERT INTO radicado (numero, tipo_radicado, fecha_radicacion, asunto, folios,"
	" ruta, dependencia_origen, dependencia_origen_nombre, dependencia_actual,"
	" remitente, tipo_documental, estado_ds, tipo_documental_nombre, hash_ds, hash_lista,"
	" con_detalle, visto_primero, visto_ultimo, asunto_busqueda, id_sgd)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	" ?17, ?17, segcont_fold(?4), ?18)",
    [STORE_STMT_FILING_UPDATE] =
	"UPDATE radicado SET tipo_radicado = ?2, fecha_radicacion = ?3, asunto = ?4,"
	" asunto_busqueda = segcont_fold(?4),"
	" folios = ?5, ruta = ?6, dependencia_origen = ?7, dependencia_origen_nombre = ?8,"
	" dependencia_actual = ?9, remitente = ?10, tipo_documental = ?11,"
	" estado_ds = ?12, tipo_documental_nombre = ?13, hash_ds = ?14, hash_lista = ?15,"
	" con_detalle = ?16, visto_ultimo = ?17, id_sgd = ?18, eliminado_sgd = NULL"
	" WHERE numero = ?1",
    [STORE_STMT_FILING_SEEN] = "UPDATE radicado SET visto_ultimo = ?2, hash_lista = ?3,"
			       " con_detalle = max(con_detalle, ?4)"
			       " WHERE id = ?1",
    [STORE_STMT_FILING_TOUCH] = "UPDATE radicado SET visto_ultimo = ?2 WHERE numero = ?1",
    [STORE_STMT_FILING_COUNT] = "SELECT count(*) FROM radicado",
    /* A filing the system deleted answers "" too: seen again, it is written (and restored). */
    [STORE_STMT_LISTED_HASH] =
	"SELECT CASE WHEN con_detalle = 1 AND eliminado_sgd IS NULL THEN hash_lista ELSE '' END,"
	" CASE WHEN con_detalle = 1 AND eliminado_sgd IS NULL THEN hash_ds ELSE '' END"
	" FROM radicado WHERE numero = ?1",
    [STORE_STMT_FILING_MARK_DELETED] =
	"UPDATE radicado SET eliminado_sgd = ?2 WHERE id = ?1 AND eliminado_sgd IS NULL",
    [STORE_STMT_FILING_COUNT_DELETED] =
	"SELECT count(*) FROM radicado WHERE eliminado_sgd IS NOT NULL",
    [STORE_STMT_SYNC_GET] =
	"SELECT cursor, ultimo_intento, ultimo_exito, degradado_desde, ultimo_error,"
	" pasadas, fallos, nuevos, cambiados, cursor_tipo, token_pendiente, token_desde"
	" FROM sync_estado WHERE id = 1",
    [STORE_STMT_SYNC_ENSURE] =
	"INSERT INTO sync_estado (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    [STORE_STMT_SYNC_SET_CURSOR] =
	"INSERT INTO sync_estado (id, cursor, cursor_tipo) VALUES (1, ?1, ?2)"
	" ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor,"
	" cursor_tipo = excluded.cursor_tipo",
    [STORE_STMT_SYNC_SET_PENDING] =
	"INSERT INTO sync_estado (id, token_pendiente, token_desde) VALUES (1, ?1, coalesce(?2, "
	"''))"
	" ON CONFLICT (id) DO UPDATE SET token_pendiente = excluded.token_pendiente,"
	" token_desde = coalesce(?2, token_desde)",
    [STORE_STMT_SYNC_SET_TOKEN_DESDE] =
	"INSERT INTO sync_estado (id, token_desde) VALUES (1, ?1)"
	" ON CONFLICT (id) DO UPDATE SET token_desde = excluded.token_desde",
    [STORE_STMT_SYNC_NOTE_PASS] =
	"UPDATE sync_estado SET ultimo_intento = ?1,"
	" ultimo_exito = CASE WHEN ?2 THEN ?1 ELSE ultimo_exito END,"
	" degradado_desde = CASE WHEN ?2 THEN '' WHEN degradado_desde = '' THEN ?1"
	"  ELSE degradado_desde END,"
	" ultimo_error = CASE WHEN ?2 THEN ultimo_error ELSE ?3 END,"
	" pasadas = pasadas + ?2, fallos = fallos + 1 - ?2,"
	" nuevos = nuevos + ?4, cambiados = cambiados + ?5"
	" WHERE id = 1",
};

static sqlite3_stmt *store_filing_stmt(struct store *s, enum store_stmt_id id)
{
	return store_stmt(s, id, store_filing_sql[id], STORE_PREPARE_ERROR);
}

/* ---- Filings */

/* Binds ?1..?13 (the source fields of f, in store_filing_fields order) and the hashes,
 * con_detalle, now and id_sgd after them. 0 or -1 (st readied). */
static int store_bind_filing(struct store *s, sqlite3_stmt *st, const struct filing *f,
			     const char *hash_ds, const char *hash_lista, const char *now)
{
	for (size_t i = 0; i < STORE_FILING_NFIELDS; i++) {
		const struct store_filing_field *fd = &store_filing_fields[i];
		struct store_val v = fd->kind == STORE_FIELD_INT
					 ? store_int(store_field_int(f, fd))
					 : store_text(store_field_cstr(f, fd));

		if (store_bind_at(s, st, (int)i + 1, v) < 0)
			return -1;
	}
	return store_bind_at(s, st, STORE_PARAM_HASH_DS, store_text(hash_ds),
			     store_text(hash_lista), store_int(f->has_detail != 0), store_text(now),
			     store_text(f->id_sgd));
}

/* What store_filing_load gives besides the filing (each pointer may be NULL). */
struct store_filing_row {
	long long *id;	 /* the row id */
	char *hash_ds;	 /* STORE_HASH_LEN + 1 bytes: the stored source hash */
	char *eliminado; /* UTIL_ISO_LEN bytes: when the system deleted it, or "" */
};

/* Loads the stored filing numero (by_id_sgd: the one whose id_sgd is key) into f (fields
 * replaced) and what row asks for. 1 found, 0 not, -1 error. */
static int store_filing_load(struct store *s, const char *key, int by_id_sgd, struct filing *f,
			     const struct store_filing_row *row)
{
	sqlite3_stmt *st =
	    store_filing_stmt(s, by_id_sgd ? STORE_STMT_FILING_BY_ID_SGD : STORE_STMT_FILING_GET);
	int found;

	found = store_row_of(s, st, store_text(key), "no se pudo leer el radicado");
	if (found <= 0)
		return found;
	for (size_t i = 0; i < STORE_FILING_NFIELDS; i++) {
		const struct store_filing_field *fd = &store_filing_fields[i];

		if (fd->kind == STORE_FIELD_INT)
			*(int *)((char *)f + fd->offset) = sqlite3_column_int(st, (int)i);
		else
			filing_set(store_field_str(f, fd), store_column_text(st, (int)i));
	}
	f->has_detail = sqlite3_column_int(st, STORE_COL_CON_DETALLE) != 0;
	filing_set(&f->id_sgd, store_column_text(st, STORE_COL_ID_SGD));
	if (row != NULL && row->id != NULL)
		*row->id = sqlite3_column_int64(st, STORE_COL_ID);
	if (row != NULL && row->hash_ds != NULL)
		strlcpy_s(row->hash_ds, store_column_text(st, STORE_COL_HASH_DS),
			  STORE_HASH_LEN + 1);
	if (row != NULL && row->eliminado != NULL)
		strlcpy_s(row->eliminado, store_column_text(st, STORE_COL_ELIMINADO), UTIL_ISO_LEN);
	store_stmt_done(st);
	return 1;
}

static int store_filing_insert(struct store *s, const struct filing *f, const char *tipo_tramite,
			       const char *now)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_INSERT);
	char hash_ds[STORE_HASH_LEN + 1];
	char hash_lista[STORE_HASH_LEN + 1];
	long long id;

	filing_hash(f, 0, hash_ds);
	filing_hash(f, 1, hash_lista);
	if (store_bind_filing(s, st, f, hash_ds, hash_lista, now) < 0)
		return -1;
	if (store_run(s, st, "no se pudo insertar el radicado") < 0)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	return store_follow_up_create(s, id, tipo_tramite, now);
}

static const char *store_estado_ds_label(const char *v)
{
	for (size_t i = 0; i < sizeof(store_estado_ds_labels) / sizeof(store_estado_ds_labels[0]);
	     i++) {
		if (strcmp(v, store_estado_ds_labels[i].value) == 0)
			return store_estado_ds_labels[i].label;
	}
	return v;
}

static const char *store_shown(const char *v)
{
	return *v != '\0' ? v : STORE_EMPTY_VALUE;
}

/* Adds one changed field to the Spanish text and to the {campo: [antes, después]}
 * object. */
static void store_describe_change(const struct store_filing_field *fd, const struct filing *old,
				  const struct filing *cur, struct buf *text, json_t *datos)
{
	json_t *pair;

	if (text->len > 0)
		buf_puts(text, "; ");
	if (fd->kind == STORE_FIELD_INT) {
		buf_printf(text, "%s %d → %d", fd->label, store_field_int(old, fd),
			   store_field_int(cur, fd));
		pair = json_pack("[ii]", store_field_int(old, fd), store_field_int(cur, fd));
	} else {
		const char *a = store_field_cstr(old, fd);
		const char *b = store_field_cstr(cur, fd);

		if (fd->kind == STORE_FIELD_TEXT)
			buf_printf(text, "%s «%s» → «%s»", fd->label, a, b);
		else if (fd->kind == STORE_FIELD_STATE)
			buf_printf(text, "%s %s", fd->label, store_estado_ds_label(b));
		else
			buf_printf(text, "%s %s → %s", fd->label, store_shown(a), store_shown(b));
		/* json_pack refuses invalid UTF-8: the text above still names the change. */
		pair = json_pack("[ss]", a, b);
	}
	if (pair == NULL)
		log_warn(STORE_MODULE, "cambio en %s sin UTF-8 válido; se omite en datos",
			 fd->column);
	else
		json_object_set_new(datos, fd->column, pair);
}

/* Writes the changed filing merged over the stored one and, when a field the office
 * already knew changed or the filing comes back after the system deleted it (deleted: when,
 * else ""), the cambio_sgd entry. *reported = whether an entry was written. */
static int store_filing_change(struct store *s, long long id, const struct filing *old,
			       const struct filing *merged, const char *hash_ds,
			       const char *hash_lista, const char *deleted, const char *now,
			       int *reported)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_UPDATE);
	struct buf text;
	json_t *datos = json_object();
	char *datos_text = NULL;
	char *entry = NULL;
	int rc = -1;

	buf_init(&text);
	*reported = 0;
	if (st == NULL)
		goto done;
	if (deleted[0] != '\0') {
		buf_printf(&text, STORE_RESTORED_TEXT, deleted);
		json_object_set_new(datos, "eliminado_sgd", json_pack("[sn]", deleted));
	}
	for (size_t i = 0; i < STORE_FILING_NFIELDS; i++) {
		const struct store_filing_field *fd = &store_filing_fields[i];
		int same;

		if (fd->kind == STORE_FIELD_INT)
			same = store_field_int(old, fd) == store_field_int(merged, fd);
		else
			same = strcmp(store_field_cstr(old, fd), store_field_cstr(merged, fd)) == 0;
		/* Detail fields arriving for the first time complete the filing; they are
		 * not a change in the document system. */
		if (same || (!fd->listed && !old->has_detail))
			continue;
		store_describe_change(fd, old, merged, &text, datos);
	}
	if (store_bind_filing(s, st, merged, hash_ds, hash_lista, now) < 0)
		goto done;
	if (store_run(s, st, "no se pudo actualizar el radicado") < 0)
		goto done;
	if (text.len == 0) {
		rc = 0;
		goto done;
	}
	entry = xasprintf("%s%s", STORE_CHANGE_PREFIX, text.data);
	datos_text = json_dumps(datos, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (store_gestion_insert(s, id, "cambio_sgd", 0, now, entry, -1, datos_text) < 0)
		goto done;
	*reported = 1;
	rc = 0;
done:
	free(datos_text);
	free(entry);
	json_decref(datos);
	buf_free(&text);
	return rc;
}

static int store_filing_seen(struct store *s, long long id, const char *hash_lista, int has_detail,
			     const char *now)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_SEEN);

	if (store_bind(s, st, store_int(id), store_text(now), store_text(hash_lista),
		       store_int(has_detail != 0)) < 0)
		return -1;
	return store_run(s, st, "no se pudo marcar el radicado como visto");
}

int store_upsert_filing(struct store *s, const struct filing *f, const char *tipo_tramite,
			const char *now, enum store_upsert *res)
{
	struct filing old;
	struct filing merged;
	char old_hash_ds[STORE_HASH_LEN + 1];
	char deleted[UTIL_ISO_LEN];
	char hash_ds[STORE_HASH_LEN + 1];
	char hash_lista[STORE_HASH_LEN + 1];
	long long id = 0;
	struct store_filing_row row = {&id, old_hash_ds, deleted};
	int found;
	int reported;
	int rc = -1;

	filing_init(&old);
	if (f->numero == NULL || *f->numero == '\0') {
		store_set_error(s, "radicado sin número");
		goto done;
	}
	found = store_filing_load(s, f->numero, 0, &old, &row);
	if (found < 0)
		goto done;
	if (found == 0) {
		if (store_filing_insert(s, f, tipo_tramite, now) < 0)
			goto done;
		*res = STORE_UPSERT_NEW;
		rc = 0;
		goto done;
	}
	/* Without its detail call the incoming filing keeps the stored detail fields:
	 * merged borrows strings from f and old and is never freed. */
	merged = *f;
	if (!f->has_detail) {
		for (size_t i = 0; i < STORE_FILING_NFIELDS; i++) {
			const struct store_filing_field *fd = &store_filing_fields[i];

			if (!fd->listed)
				*store_field_str(&merged, fd) = *store_field_str(&old, fd);
		}
	}
	/* A profile without object ids (Orfeo) keeps the one stored. */
	if (f->id_sgd[0] == '\0')
		merged.id_sgd = old.id_sgd;
	merged.has_detail = f->has_detail || old.has_detail;
	filing_hash(&merged, 0, hash_ds);
	filing_hash(f, 1, hash_lista);
	if (strcmp(hash_ds, old_hash_ds) == 0 && deleted[0] == '\0') {
		if (store_filing_seen(s, id, hash_lista, merged.has_detail, now) < 0)
			goto done;
		*res = STORE_UPSERT_UNCHANGED;
		rc = 0;
		goto done;
	}
	if (store_filing_change(s, id, &old, &merged, hash_ds, hash_lista, deleted, now,
				&reported) < 0)
		goto done;
	*res = reported ? STORE_UPSERT_CHANGED : STORE_UPSERT_UNCHANGED;
	rc = 0;
done:
	if (rc < 0 && f->numero != NULL && *f->numero != '\0') {
		char msg[STORE_ERR_LEN];

		strlcpy_s(msg, s->err, sizeof(msg));
		store_set_error(s, "radicado %s: %s", f->numero, msg);
	}
	filing_free(&old);
	return rc;
}

int store_touch_filing(struct store *s, const char *numero, const char *now)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_TOUCH);

	if (store_bind(s, st, store_text(numero), store_text(now)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo marcar el radicado como visto") < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int store_get_filing(struct store *s, const char *numero, struct filing *f)
{
	return store_filing_load(s, numero, 0, f, NULL);
}

int store_find_by_id_sgd(struct store *s, const char *id_sgd, struct filing *f, char *deleted,
			 size_t deletedlen)
{
	char when[UTIL_ISO_LEN] = "";
	struct store_filing_row row = {NULL, NULL, when};
	int found;

	if (deleted != NULL && deletedlen > 0)
		deleted[0] = '\0';
	if (id_sgd == NULL || id_sgd[0] == '\0')
		return 0;
	found = store_filing_load(s, id_sgd, 1, f, &row);
	if (found == 1 && deleted != NULL && deletedlen > 0)
		strlcpy_s(deleted, when, deletedlen);
	return found;
}

/* The writes of store_mark_deleted_sgd for the row id: the mark and its gestion. 0 or -1. */
static int store_filing_mark_deleted(struct store *s, long long id, const char *now)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_MARK_DELETED);
	json_t *datos = json_pack("{s:[ns]}", "eliminado_sgd", now);
	char *datos_text = datos != NULL ? json_dumps(datos, JSON_COMPACT) : NULL;
	int rc = -1;

	if (datos_text == NULL) {
		store_set_error(s, "instante de eliminación no válido");
		goto done;
	}
	if (store_bind(s, st, store_int(id), store_text(now)) < 0 ||
	    store_run(s, st, "no se pudo marcar el radicado como eliminado") < 0)
		goto done;
	rc = store_gestion_insert(s, id, "cambio_sgd", 0, now,
				  STORE_CHANGE_PREFIX STORE_DELETED_TEXT, -1, datos_text);
done:
	free(datos_text);
	json_decref(datos);
	return rc;
}

int store_mark_deleted_sgd(struct store *s, const char *id_sgd, const char *now,
			   enum store_delete *res, char *numero, size_t numlen)
{
	struct filing f;
	char deleted[UTIL_ISO_LEN];
	char hash[STORE_HASH_LEN + 1];
	long long id = 0;
	struct store_filing_row row = {&id, hash, deleted};
	int found;
	int rc = -1;

	*res = STORE_DELETE_UNKNOWN;
	if (numero != NULL && numlen > 0)
		numero[0] = '\0';
	if (id_sgd == NULL || id_sgd[0] == '\0')
		return 0;
	filing_init(&f);
	found = store_filing_load(s, id_sgd, 1, &f, &row);
	if (found < 0)
		goto done;
	rc = 0;
	if (found == 0)
		goto done;
	if (numero != NULL && numlen > 0)
		strlcpy_s(numero, f.numero, numlen);
	if (deleted[0] != '\0') {
		*res = STORE_DELETE_ALREADY;
		goto done;
	}
	rc = store_filing_mark_deleted(s, id, now);
	if (rc == 0)
		*res = STORE_DELETE_MARKED;
done:
	filing_free(&f);
	return rc;
}

long store_count_deleted_sgd(struct store *s)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_COUNT_DELETED);
	long n;

	if (store_row(s, st, "no se pudieron contar los radicados eliminados") != 1)
		return -1;
	n = (long)sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return n;
}

long store_count_filings(struct store *s)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_FILING_COUNT);
	long n;

	if (store_row(s, st, "no se pudieron contar los radicados") != 1)
		return -1;
	n = (long)sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return n;
}

int store_filing_hashes(struct store *s, const char *numero, char listed[65], char full[65])
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_LISTED_HASH);
	int found;

	found = store_row_of(s, st, store_text(numero), "no se pudo leer el hash del radicado");
	if (found <= 0)
		return found;
	strlcpy_s(listed, store_column_text(st, 0), STORE_HASH_LEN + 1);
	strlcpy_s(full, store_column_text(st, 1), STORE_HASH_LEN + 1);
	store_stmt_done(st);
	return 1;
}

int store_listed_hash(struct store *s, const char *numero, char out[65])
{
	char full[STORE_HASH_LEN + 1];

	return store_filing_hashes(s, numero, out, full);
}

/* ---- Sync state */

int store_sync_get(struct store *s, struct sync_state *st_out)
{
	sqlite3_stmt *st = store_filing_stmt(s, STORE_STMT_SYNC_GET);
	int found;

	memset(st_out, 0, sizeof(*st_out));
	if (st == NULL)
		return -1;
	found = store_row(s, st, "no se pudo leer el estado de sincronización");
	if (found <= 0)
		return found;
	strlcpy_s(st_out->cursor, store_column_text(st, 0), sizeof(st_out->cursor));
	strlcpy_s(st_out->last_attempt, store_column_text(st, 1), sizeof(st_out->last_attempt));
	strlcpy_s(st_out->last_success, store_column_text(st, 2), sizeof(st_out->last_success));
	strlcpy_s(st_out->degraded_since, store_column_text(st, 3), sizeof(st_out->degraded_since));
	strlcpy_s(st_out->last_error, store_column_text(st, 4), sizeof(st_out->last_error));
	st_out->passes = (long)sqlite3_column_int64(st, 5);
	st_out->failures = (long)sqlite3_column_int64(st, 6);
	st_out->filings_new = (long)sqlite3_column_int64(st, 7);
	st_out->filings_changed = (long)sqlite3_column_int64(st, 8);
	strlcpy_s(st_out->cursor_kind, store_column_text(st, 9), sizeof(st_out->cursor_kind));
	strlcpy_s(st_out->token_pending, store_column_text(st, 10), sizeof(st_out->token_pending));
	strlcpy_s(st_out->token_since, store_column_text(st, 11), sizeof(st_out->token_since));
	store_stmt_done(st);
	return 0;
}

int store_sync_set_cursor(struct store *s, const char *cursor, const char *kind)
{
	sqlite3_stmt *st;

	if (cursor == NULL || strlen(cursor) >= sizeof(((struct sync_state *)0)->cursor) ||
	    kind == NULL) {
		store_set_error(s, "cursor de sincronización inválido");
		return -1;
	}
	st = store_filing_stmt(s, STORE_STMT_SYNC_SET_CURSOR);
	if (store_bind(s, st, store_text(cursor), store_text(kind)) < 0)
		return -1;
	return store_run(s, st, "no se pudo guardar el cursor de sincronización");
}

int store_sync_set_pending(struct store *s, const char *token, const char *since)
{
	sqlite3_stmt *st;
	int own;

	if (token == NULL || strlen(token) >= sizeof(((struct sync_state *)0)->token_pending) ||
	    (since != NULL && strlen(since) >= sizeof(((struct sync_state *)0)->token_since))) {
		store_set_error(s, "token de cambios pendiente inválido");
		return -1;
	}
	if (store_txn_begin(s, &own) < 0)
		return -1;
	st = store_filing_stmt(s, STORE_STMT_SYNC_SET_PENDING);
	if (store_bind(s, st, store_text(token), store_text(since)) < 0)
		return store_txn_end(s, own, -1);
	return store_txn_end(s, own,
			     store_run(s, st, "no se pudo guardar el token de cambios pendiente"));
}

int store_sync_set_token_since(struct store *s, const char *since)
{
	sqlite3_stmt *st;
	int own;

	if (since == NULL || strlen(since) >= sizeof(((struct sync_state *)0)->token_since)) {
		store_set_error(s, "instante del token de cambios inválido");
		return -1;
	}
	if (store_txn_begin(s, &own) < 0)
		return -1;
	st = store_filing_stmt(s, STORE_STMT_SYNC_SET_TOKEN_DESDE);
	if (store_bind(s, st, store_text(since)) < 0)
		return store_txn_end(s, own, -1);
	return store_txn_end(
	    s, own, store_run(s, st, "no se pudo guardar el instante del token de cambios"));
}

/* The writes of store_sync_note_pass. 0 or -1. */
static int store_sync_note_write(struct store *s, int ok, const char *error, const char *now,
				 long filings_new, long filings_changed)
{
	sqlite3_stmt *st;

	if (store_run(s, store_filing_stmt(s, STORE_STMT_SYNC_ENSURE),
		      "no se pudo crear el estado de sincronización") < 0)
		return -1;
	st = store_filing_stmt(s, STORE_STMT_SYNC_NOTE_PASS);
	if (store_bind(s, st, store_text(now), store_int(ok != 0), store_text(error),
		       store_int(filings_new), store_int(filings_changed)) < 0)
		return -1;
	return store_run(s, st, "no se pudo registrar la pasada de sincronización");
}

int store_sync_note_pass(struct store *s, int ok, const char *error, const char *now,
			 long filings_new, long filings_changed)
{
	char cut[STORE_SYNC_ERROR_MAX + 1];
	int own;

	store_cut_error(error != NULL ? error : "", cut, sizeof(cut));
	/* Inside a caller's transaction the note joins it; otherwise it gets its own. */
	if (store_txn_begin(s, &own) < 0)
		return -1;
	return store_txn_end(s, own,
			     store_sync_note_write(s, ok, cut, now, filings_new, filings_changed));
}
