/* store_follow_up.c -- the office's side of a filing: staff users, the follow-up
 * (seguimiento) row written with optimistic versions and its audit trail, gestiones. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define STORE_FU_INT_MAX 9007199254740991L /* 2^53 - 1: exact in JSON numbers */
#define STORE_TIPO_TRAMITE_DEFAULT "otro"
#define STORE_USER_COLS "id, nombre, rol, activo, creado"

/* The statements of this file, indexed by statement id; the follow-up row's two are built
 * from store_fu_columns (store_follow_up_get_sql, store_follow_up_update_sql). */
static const char *const store_follow_up_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_USER_ADD] = "INSERT INTO usuario (nombre, rol, token_hash, activo, creado)"
			    " VALUES (?1, ?2, ?3, 1, ?4)",
    [STORE_STMT_USER_SET_TOKEN] = "UPDATE usuario SET token_hash = ?2 WHERE id = ?1",
    [STORE_STMT_USER_SET_ACTIVE] = "UPDATE usuario SET activo = ?2 WHERE id = ?1",
    [STORE_STMT_USER_BY_TOKEN] = "SELECT " STORE_USER_COLS " FROM usuario WHERE token_hash = ?1",
    [STORE_STMT_USER_GET] = "SELECT " STORE_USER_COLS " FROM usuario WHERE id = ?1",
    [STORE_STMT_USER_LIST] = "SELECT " STORE_USER_COLS " FROM usuario ORDER BY id",
    [STORE_STMT_FOLLOW_UP_INSERT] =
	"INSERT INTO seguimiento (radicado_id, tipo_tramite, creado, actualizado, fecha_radicacion)"
	" VALUES (?1, ?2, ?3, ?3, coalesce((SELECT fecha_radicacion FROM radicado WHERE id = ?1),"
	" ''))",
    [STORE_STMT_AUDIT_INSERT] =
	"INSERT INTO auditoria (radicado_id, usuario_id, fecha, campo, valor_anterior,"
	" valor_nuevo) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STORE_STMT_GESTION_INSERT] =
	"INSERT INTO gestion (radicado_id, tipo, usuario_id, fecha, texto, satisfactorio,"
	" datos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

static const struct {
	const char *name;
	enum store_fu_kind kind;
} store_fu_columns[STORE_FU_COUNT] = {
    [STORE_FU_TIPO_TRAMITE] = {"tipo_tramite", STORE_FU_KIND_TEXT},
    [STORE_FU_MODALIDAD] = {"modalidad", STORE_FU_KIND_TEXT},
    [STORE_FU_NOVEDAD] = {"novedad", STORE_FU_KIND_TEXT},
    [STORE_FU_TIPO_GESTION] = {"tipo_gestion", STORE_FU_KIND_TEXT},
    [STORE_FU_ABOGADO_ID] = {"abogado_id", STORE_FU_KIND_INT},
    [STORE_FU_FECHA_REPARTO] = {"fecha_reparto", STORE_FU_KIND_TIME},
    [STORE_FU_ESTADO] = {"estado", STORE_FU_KIND_TEXT},
    [STORE_FU_CONCLUIDO_SATISFACTORIO] = {"concluido_satisfactorio", STORE_FU_KIND_BOOL},
    [STORE_FU_FECHA_CONCLUSION] = {"fecha_conclusion", STORE_FU_KIND_TIME},
    [STORE_FU_NUMERO_CONTRATO] = {"numero_contrato", STORE_FU_KIND_TEXT},
    [STORE_FU_CONTRATISTA] = {"contratista", STORE_FU_KIND_TEXT},
    [STORE_FU_OBJETO] = {"objeto", STORE_FU_KIND_TEXT},
    [STORE_FU_VALOR] = {"valor", STORE_FU_KIND_INT},
    [STORE_FU_FECHA_SUSCRIPCION] = {"fecha_suscripcion", STORE_FU_KIND_DATE},
    [STORE_FU_FECHA_RP] = {"fecha_rp", STORE_FU_KIND_DATE},
    [STORE_FU_FECHA_APROBACION_GARANTIAS] = {"fecha_aprobacion_garantias", STORE_FU_KIND_DATE},
    [STORE_FU_FECHA_ARL] = {"fecha_arl", STORE_FU_KIND_DATE},
    [STORE_FU_FECHA_ACTA_INICIO] = {"fecha_acta_inicio", STORE_FU_KIND_DATE},
    [STORE_FU_PUBLICADO_SECOP] = {"publicado_secop", STORE_FU_KIND_BOOL},
    [STORE_FU_LINEA_PAA] = {"linea_paa", STORE_FU_KIND_TEXT},
    [STORE_FU_OBSERVACIONES] = {"observaciones", STORE_FU_KIND_TEXT},
    [STORE_FU_DEVOLUCIONES] = {"devoluciones", STORE_FU_KIND_INT},
    [STORE_FU_VERSION] = {"version", STORE_FU_KIND_INT},
    [STORE_FU_CREADO] = {"creado", STORE_FU_KIND_TIME},
    [STORE_FU_ACTUALIZADO] = {"actualizado", STORE_FU_KIND_TIME},
    [STORE_FU_ESTADO_ANTERIOR] = {"estado_anterior", STORE_FU_KIND_TEXT},
};

const char *store_fu_name(enum store_fu_field f)
{
	return store_fu_columns[f].name;
}

enum store_fu_kind store_fu_kind(enum store_fu_field f)
{
	return store_fu_columns[f].kind;
}

int store_fu_lookup(const char *name)
{
	for (int i = 0; i < STORE_FU_COUNT; i++) {
		if (strcmp(store_fu_columns[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* The SQL of the follow-up row's read (arg unused). Returns a new string. */
static char *store_follow_up_get_sql(const void *arg)
{
	struct buf b;

	(void)arg;
	buf_init(&b);
	buf_puts(&b, "SELECT s.radicado_id, r.estado_ds");
	for (int i = 0; i < STORE_FU_COUNT; i++)
		buf_printf(&b, ", s.%s", store_fu_columns[i].name);
	buf_puts(&b, " FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
		     " WHERE r.numero = ?1");
	return buf_steal(&b);
}

/* The SQL of the follow-up row's versioned write (arg unused): ?1..?COUNT the fields
 * (creado kept), then radicado_id and the old version. Returns a new string. */
static char *store_follow_up_update_sql(const void *arg)
{
	struct buf b;

	(void)arg;
	buf_init(&b);
	buf_puts(&b, "UPDATE seguimiento SET ");
	for (int i = 0; i < STORE_FU_COUNT; i++) {
		if (i == STORE_FU_CREADO)
			continue;
		buf_printf(&b, "%s%s = ?%d", i > 0 ? ", " : "", store_fu_columns[i].name, i + 1);
	}
	buf_printf(&b, " WHERE radicado_id = ?%d AND version = ?%d", STORE_FU_COUNT + 1,
		   STORE_FU_COUNT + 2);
	return buf_steal(&b);
}

/* Returns the cached statement (prepared on first use) or NULL with s->err. */
static sqlite3_stmt *store_follow_up_stmt(struct store *s, enum store_stmt_id id)
{
	if (id == STORE_STMT_FU_GET)
		return store_stmt_shape(s, id, 0, store_follow_up_get_sql, NULL,
					STORE_PREPARE_ERROR);
	if (id == STORE_STMT_FU_UPDATE)
		return store_stmt_shape(s, id, 0, store_follow_up_update_sql, NULL,
					STORE_PREPARE_ERROR);
	return store_stmt(s, id, store_follow_up_sql[id], STORE_PREPARE_ERROR);
}

/* ---- Users */

void store_read_user(sqlite3_stmt *st, struct store_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	strlcpy_s(u->nombre, store_column_text(st, 1), sizeof(u->nombre));
	strlcpy_s(u->rol, store_column_text(st, 2), sizeof(u->rol));
	u->activo = sqlite3_column_int(st, 3) != 0;
	strlcpy_s(u->creado, store_column_text(st, 4), sizeof(u->creado));
}

int store_user_add(struct store *s, const char *nombre, const char *rol, const char *token_hash,
		   const char *now, long long *id)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, STORE_STMT_USER_ADD);

	if (store_bind(s, st, store_text(nombre), store_text(rol), store_text(token_hash),
		       store_text(now)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo crear el usuario") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Runs a statement that takes (id, v) and answers whether it changed a row: 1, 0 or -1. */
static int store_user_set_field(struct store *s, enum store_stmt_id id, long long row,
				struct store_val v, const char *what)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, id);

	if (store_bind(s, st, store_int(row), v) < 0)
		return -1;
	if (store_run(s, st, what) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int store_user_set_token(struct store *s, long long id, const char *token_hash)
{
	return store_user_set_field(s, STORE_STMT_USER_SET_TOKEN, id, store_text(token_hash),
				    "no se pudo cambiar el token");
}

int store_user_set_active(struct store *s, long long id, int activo)
{
	return store_user_set_field(s, STORE_STMT_USER_SET_ACTIVE, id, store_int(activo != 0),
				    "no se pudo cambiar el estado del usuario");
}

/* Reads the user whose id or token hash (key) the statement id looks up: 1 found, 0 not,
 * -1 error. */
static int store_user_one(struct store *s, enum store_stmt_id id, struct store_val key,
			  struct store_user *u)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, id);
	int found = store_row_of(s, st, key, "no se pudo leer el usuario");

	if (found <= 0)
		return found;
	store_read_user(st, u);
	store_stmt_done(st);
	return 1;
}

int store_user_by_token(struct store *s, const char *token_hash, struct store_user *u)
{
	return store_user_one(s, STORE_STMT_USER_BY_TOKEN, store_text(token_hash), u);
}

int store_user_get(struct store *s, long long id, struct store_user *u)
{
	return store_user_one(s, STORE_STMT_USER_GET, store_int(id), u);
}

STORE_EACH_ROW(store_user, struct store_user, store_read_user)

int store_user_list(struct store *s, int (*cb)(const struct store_user *u, void *arg), void *arg)
{
	struct store_user_each e = {cb, arg};

	return store_each(s, store_follow_up_stmt(s, STORE_STMT_USER_LIST), store_user_row, &e,
			  "no se pudieron listar los usuarios");
}

/* ---- The follow-up row */

int store_follow_up_create(struct store *s, long long radicado_id, const char *tipo_tramite,
			   const char *now)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, STORE_STMT_FOLLOW_UP_INSERT);

	if (tipo_tramite == NULL || *tipo_tramite == '\0')
		tipo_tramite = STORE_TIPO_TRAMITE_DEFAULT;
	if (store_bind(s, st, store_int(radicado_id), store_text(tipo_tramite), store_text(now)) <
	    0)
		return -1;
	return store_run(s, st, "no se pudo crear el seguimiento");
}

void follow_up_init(struct follow_up *fu)
{
	memset(fu, 0, sizeof(*fu));
}

void follow_up_free(struct follow_up *fu)
{
	for (int i = 0; i < STORE_FU_COUNT; i++)
		free(fu->v[i]);
	follow_up_init(fu);
}

void follow_up_set(struct follow_up *fu, enum store_fu_field f, const char *value)
{
	char *copy = xstrdup(value);

	free(fu->v[f]);
	fu->v[f] = copy;
}

void follow_up_copy(struct follow_up *dst, const struct follow_up *src)
{
	dst->radicado_id = src->radicado_id;
	strlcpy_s(dst->estado_ds, src->estado_ds, sizeof(dst->estado_ds));
	for (int i = 0; i < STORE_FU_COUNT; i++)
		follow_up_set(dst, (enum store_fu_field)i, src->v[i]);
}

int store_follow_up_get(struct store *s, const char *numero, struct follow_up *fu)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, STORE_STMT_FU_GET);
	int found;

	found = store_row_of(s, st, store_text(numero), "no se pudo leer el seguimiento");
	if (found <= 0)
		return found;
	fu->radicado_id = sqlite3_column_int64(st, 0);
	strlcpy_s(fu->estado_ds, store_column_text(st, 1), sizeof(fu->estado_ds));
	for (int i = 0; i < STORE_FU_COUNT; i++) {
		int col = i + 2;

		if (sqlite3_column_type(st, col) == SQLITE_NULL &&
		    store_fu_columns[i].kind != STORE_FU_KIND_TEXT)
			follow_up_set(fu, (enum store_fu_field)i, NULL);
		else
			follow_up_set(fu, (enum store_fu_field)i, store_column_text(st, col));
	}
	store_stmt_done(st);
	return 1;
}

/* Binds a follow-up value by its kind (text "" for a NULL TEXT) to ?idx. 0 or -1 (st
 * readied). */
static int store_follow_up_bind(struct store *s, sqlite3_stmt *st, int idx, enum store_fu_field f,
				const char *v)
{
	long n;

	switch (store_fu_columns[f].kind) {
	case STORE_FU_KIND_TEXT:
		return store_bind_at(s, st, idx, store_text(v != NULL ? v : ""));
	case STORE_FU_KIND_INT:
	case STORE_FU_KIND_BOOL:
		if (v == NULL)
			return store_bind_at(s, st, idx, store_text(NULL));
		if (parse_long(v, 0, STORE_FU_INT_MAX, &n) < 0) {
			store_set_error(s, "valor entero inválido para %s",
					store_fu_columns[f].name);
			store_stmt_done(st);
			return -1;
		}
		return store_bind_at(s, st, idx, store_int(n));
	default:
		return store_bind_at(s, st, idx, store_text(v));
	}
}

static int store_follow_up_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The text an audit row shows for a value: booleans as true/false. Borrowed. */
static const char *store_follow_up_audit_value(enum store_fu_field f, const char *v)
{
	if (v == NULL || store_fu_columns[f].kind != STORE_FU_KIND_BOOL)
		return v;
	return strcmp(v, "0") == 0 ? "false" : "true";
}

static int store_follow_up_audit(struct store *s, long long radicado_id, long long usuario_id,
				 const char *now, const char *campo, const char *antes,
				 const char *despues)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, STORE_STMT_AUDIT_INSERT);

	if (store_bind(s, st, store_int(radicado_id), store_id(usuario_id), store_text(now),
		       store_text(campo), store_text(antes), store_text(despues)) < 0)
		return -1;
	return store_run(s, st, "no se pudo escribir la auditoría");
}

int store_follow_up_write(struct store *s, const struct follow_up *old, const struct follow_up *cur,
			  long long usuario_id, const char *now, int *nchanged)
{
	sqlite3_stmt *st;
	long old_version;
	char next_version[24];

	*nchanged = 0;
	if (old->v[STORE_FU_VERSION] == NULL ||
	    parse_long(old->v[STORE_FU_VERSION], 1, STORE_FU_INT_MAX, &old_version) < 0) {
		store_set_error(s, "versión del seguimiento ilegible");
		return -1;
	}
	snprintf(next_version, sizeof(next_version), "%ld", old_version + 1);
	st = store_follow_up_stmt(s, STORE_STMT_FU_UPDATE);
	if (st == NULL)
		return -1;
	for (int i = 0; i < STORE_FU_COUNT; i++) {
		const char *v = cur->v[i];

		if (i == STORE_FU_CREADO)
			continue;
		if (i == STORE_FU_VERSION)
			v = next_version;
		else if (i == STORE_FU_ACTUALIZADO)
			v = now;
		if (store_follow_up_bind(s, st, i + 1, (enum store_fu_field)i, v) < 0)
			return -1;
	}
	if (store_bind_at(s, st, STORE_FU_COUNT + 1, store_int(old->radicado_id),
			  store_int(old_version)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo actualizar el seguimiento") < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 1;
	for (int i = 0; i < STORE_FU_COUNT; i++) {
		enum store_fu_field f = (enum store_fu_field)i;

		if (f == STORE_FU_VERSION || f == STORE_FU_ACTUALIZADO || f == STORE_FU_CREADO)
			continue;
		if (store_follow_up_same(old->v[i], cur->v[i]))
			continue;
		if (store_follow_up_audit(s, old->radicado_id, usuario_id, now,
					  store_fu_columns[i].name,
					  store_follow_up_audit_value(f, old->v[i]),
					  store_follow_up_audit_value(f, cur->v[i])) < 0)
			return -1;
		(*nchanged)++;
	}
	return 0;
}

int store_gestion_insert(struct store *s, long long radicado_id, const char *tipo,
			 long long usuario_id, const char *fecha, const char *texto,
			 int satisfactorio, const char *datos)
{
	sqlite3_stmt *st = store_follow_up_stmt(s, STORE_STMT_GESTION_INSERT);

	if (store_bind(s, st, store_int(radicado_id), store_text(tipo), store_id(usuario_id),
		       store_text(fecha), store_text(texto), store_flag(satisfactorio),
		       store_text(datos)) < 0)
		return -1;
	return store_run(s, st, "no se pudo registrar la gestión");
}

int store_gestion_add(struct store *s, long long radicado_id, const char *tipo,
		      long long usuario_id, const char *now, const char *texto, int satisfactorio,
		      const char *datos)
{
	char ref[64];

	if (store_gestion_insert(s, radicado_id, tipo, usuario_id, now, texto != NULL ? texto : "",
				 satisfactorio, datos) < 0)
		return -1;
	snprintf(ref, sizeof(ref), "%s #%lld", tipo, (long long)sqlite3_last_insert_rowid(s->db));
	return store_follow_up_audit(s, radicado_id, usuario_id, now, "gestion", NULL, ref);
}
