/* store_vistas.c -- each user's saved Bandeja views (table vista): list by name, save (new,
 * or the same name's query replaced) within the per-user limit, delete one's own. */
#include "store_int.h"

#include <string.h>

#include "util.h"

#define STORE_VISTA_COLS "id, nombre, consulta, creada, actualizada"

/* The statements of this file, indexed by statement id. Every one names the user, so no
 * statement reaches another user's rows. */
static const char *const store_vistas_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_VISTA_LIST] = "SELECT " STORE_VISTA_COLS " FROM vista WHERE usuario_id = ?1"
			      " ORDER BY segcont_fold(nombre), nombre",
    [STORE_STMT_VISTA_BY_NAME] = "SELECT " STORE_VISTA_COLS " FROM vista"
				 " WHERE usuario_id = ?1 AND nombre = ?2",
    [STORE_STMT_VISTA_COUNT] = "SELECT count(*) FROM vista WHERE usuario_id = ?1",
    [STORE_STMT_VISTA_INSERT] = "INSERT INTO vista (usuario_id, nombre, consulta, creada,"
				" actualizada) VALUES (?1, ?2, ?3, ?4, ?4)",
    [STORE_STMT_VISTA_UPDATE] = "UPDATE vista SET consulta = ?3, actualizada = ?4"
				" WHERE usuario_id = ?1 AND id = ?2",
    [STORE_STMT_VISTA_DELETE] = "DELETE FROM vista WHERE usuario_id = ?1 AND id = ?2",
};

static sqlite3_stmt *store_vistas_stmt(struct store *s, enum store_stmt_id id)
{
	return store_stmt(s, id, store_vistas_sql[id], STORE_PREPARE_ERROR);
}

/* Reads the columns of STORE_VISTA_COLS from st. */
static void store_vistas_read(sqlite3_stmt *st, struct store_vista *v)
{
	v->id = sqlite3_column_int64(st, 0);
	strlcpy_s(v->nombre, store_column_text(st, 1), sizeof(v->nombre));
	strlcpy_s(v->consulta, store_column_text(st, 2), sizeof(v->consulta));
	strlcpy_s(v->creada, store_column_text(st, 3), sizeof(v->creada));
	strlcpy_s(v->actualizada, store_column_text(st, 4), sizeof(v->actualizada));
}

STORE_EACH_ROW(store_vistas, struct store_vista, store_vistas_read)

int store_vista_list(struct store *s, long long usuario_id,
		     int (*cb)(const struct store_vista *v, void *arg), void *arg)
{
	struct store_vistas_each e = {cb, arg};
	sqlite3_stmt *st = store_vistas_stmt(s, STORE_STMT_VISTA_LIST);

	if (store_bind(s, st, store_int(usuario_id)) < 0)
		return -1;
	return store_each(s, st, store_vistas_row, &e, "no se pudieron listar las vistas");
}

/* The user's view of that name into v: 1 found, 0 not, -1. */
static int store_vistas_by_name(struct store *s, long long usuario_id, const char *nombre,
				struct store_vista *v)
{
	sqlite3_stmt *st = store_vistas_stmt(s, STORE_STMT_VISTA_BY_NAME);
	int found;

	if (store_bind(s, st, store_int(usuario_id), store_text(nombre)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer la vista");
	if (found <= 0)
		return found;
	store_vistas_read(st, v);
	store_stmt_done(st);
	return 1;
}

/* How many views the user has into *n. 0 or -1. */
static int store_vistas_count(struct store *s, long long usuario_id, long long *n)
{
	sqlite3_stmt *st = store_vistas_stmt(s, STORE_STMT_VISTA_COUNT);
	int found = store_row_of(s, st, store_int(usuario_id), "no se pudieron contar las vistas");

	if (found < 0)
		return -1;
	*n = found > 0 ? sqlite3_column_int64(st, 0) : 0;
	store_stmt_done(st);
	return 0;
}

/* The save inside the transaction: the result, or STORE_VISTA_ERROR with s->err. */
static enum store_vista_saved store_vistas_save_in(struct store *s, long long usuario_id,
						   const char *nombre, const char *consulta,
						   const char *now, struct store_vista *out)
{
	sqlite3_stmt *st;
	long long n;
	int found = store_vistas_by_name(s, usuario_id, nombre, out);

	if (found < 0)
		return STORE_VISTA_ERROR;
	if (found > 0) {
		st = store_vistas_stmt(s, STORE_STMT_VISTA_UPDATE);
		if (store_bind(s, st, store_int(usuario_id), store_int(out->id),
			       store_text(consulta), store_text(now)) < 0 ||
		    store_run(s, st, "no se pudo reemplazar la vista") < 0)
			return STORE_VISTA_ERROR;
		strlcpy_s(out->consulta, consulta, sizeof(out->consulta));
		strlcpy_s(out->actualizada, now, sizeof(out->actualizada));
		return STORE_VISTA_REPLACED;
	}
	if (store_vistas_count(s, usuario_id, &n) < 0)
		return STORE_VISTA_ERROR;
	if (n >= STORE_VISTA_MAX)
		return STORE_VISTA_FULL;
	st = store_vistas_stmt(s, STORE_STMT_VISTA_INSERT);
	if (store_bind(s, st, store_int(usuario_id), store_text(nombre), store_text(consulta),
		       store_text(now)) < 0 ||
	    store_run(s, st, "no se pudo guardar la vista") < 0)
		return STORE_VISTA_ERROR;
	out->id = sqlite3_last_insert_rowid(s->db);
	strlcpy_s(out->nombre, nombre, sizeof(out->nombre));
	strlcpy_s(out->consulta, consulta, sizeof(out->consulta));
	strlcpy_s(out->creada, now, sizeof(out->creada));
	strlcpy_s(out->actualizada, now, sizeof(out->actualizada));
	return STORE_VISTA_CREATED;
}

enum store_vista_saved store_vista_save(struct store *s, long long usuario_id, const char *nombre,
					const char *consulta, const char *now,
					struct store_vista *out)
{
	enum store_vista_saved r;
	int own;

	if (strlen(nombre) > STORE_VISTA_NAME_BYTES || strlen(consulta) > STORE_VISTA_QUERY_BYTES) {
		store_set_error(s, "nombre o consulta de la vista demasiado largos");
		return STORE_VISTA_ERROR;
	}
	if (store_txn_begin(s, &own) < 0)
		return STORE_VISTA_ERROR;
	r = store_vistas_save_in(s, usuario_id, nombre, consulta, now, out);
	if (store_txn_end(s, own, r == STORE_VISTA_ERROR ? -1 : 0) < 0)
		return STORE_VISTA_ERROR;
	return r;
}

int store_vista_delete(struct store *s, long long usuario_id, long long id)
{
	sqlite3_stmt *st = store_vistas_stmt(s, STORE_STMT_VISTA_DELETE);

	if (store_bind(s, st, store_int(usuario_id), store_int(id)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo borrar la vista") < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}
