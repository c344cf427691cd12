/* store_reconcile.c -- what reconcile.c reads and writes: the follow-up state it compares
 * with the document system, the discrepancia rows (one open row per numero and tipo) with
 * their resolution and audit, and the record of its runs. */
#include "store_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define STORE_RC_LOCAL_COLS                                                                        \
	"SELECT r.id, r.numero, s.estado, r.fecha_radicacion,"                                     \
	" CASE WHEN r.con_detalle = 1 THEN r.hash_lista ELSE '' END,"                              \
	" coalesce(s.fecha_conclusion, ''), coalesce(s.abogado_id, 0),"                            \
	" (SELECT count(*) FROM discrepancia d WHERE d.numero = r.numero"                          \
	"  AND d.estado = 'abierta')"                                                              \
	" FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"

#define STORE_RC_ROW_COLS                                                                          \
	"SELECT d.id, d.numero, d.tipo, d.estado, coalesce(d.evidencia_sgd, '{}'),"                \
	" coalesce(d.evidencia_local, '{}'), d.encontrada, d.vista_ultima,"                        \
	" coalesce(d.cerrada_en, ''), coalesce(d.resuelta_por, 0), coalesce(u.nombre, ''),"        \
	" d.nota, r.id IS NOT NULL, coalesce(r.asunto, ''), coalesce(r.fecha_radicacion, ''),"     \
	" coalesce(s.estado, ''), coalesce(s.abogado_id, 0)"                                       \
	" FROM discrepancia d LEFT JOIN usuario u ON u.id = d.resuelta_por"                        \
	" LEFT JOIN radicado r ON r.numero = d.numero"                                             \
	" LEFT JOIN seguimiento s ON s.radicado_id = r.id"

#define STORE_RC_FILTER " WHERE (?1 IS NULL OR d.estado = ?1) AND (?2 IS NULL OR d.tipo = ?2)"

/* The statements of this file, indexed by statement id. */
static const char *const store_rc_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_RC_LOCAL_GET] = STORE_RC_LOCAL_COLS " WHERE r.numero = ?1",
    [STORE_STMT_RC_LOCAL_RANGE] =
	STORE_RC_LOCAL_COLS " WHERE r.fecha_radicacion >= ?1 AND r.fecha_radicacion < ?2"
			    " ORDER BY r.fecha_radicacion, r.numero",
    [STORE_STMT_RC_OPEN_OF] = STORE_RC_ROW_COLS " WHERE d.numero = ?1 AND d.estado = 'abierta'"
						" ORDER BY d.id",
    [STORE_STMT_RC_LAST_CLOSED] = "SELECT id, estado = 'resuelta', coalesce(evidencia_sgd, '{}')"
				  " FROM discrepancia WHERE numero = ?1 AND tipo = ?2"
				  " AND estado <> 'abierta' ORDER BY id DESC LIMIT 1",
    [STORE_STMT_RC_INSERT] =
	"INSERT INTO discrepancia (numero, tipo, estado, evidencia_sgd, evidencia_local,"
	" encontrada, vista_ultima) VALUES (?1, ?2, 'abierta', ?3, ?4, ?5, ?5)",
    [STORE_STMT_RC_REFRESH] = "UPDATE discrepancia SET evidencia_sgd = ?2, evidencia_local = ?3,"
			      " vista_ultima = ?4 WHERE id = ?1 AND estado = 'abierta'",
    [STORE_STMT_RC_CLOSE] = "UPDATE discrepancia SET estado = 'cerrada', cerrada_en = ?2"
			    " WHERE id = ?1 AND estado = 'abierta'",
    [STORE_STMT_RC_SEEN] = "UPDATE discrepancia SET vista_ultima = ?2 WHERE id = ?1",
    [STORE_STMT_RC_STATE_OF] = "SELECT estado, numero, tipo FROM discrepancia WHERE id = ?1",
    [STORE_STMT_RC_RESOLVE] = "UPDATE discrepancia SET estado = 'resuelta', resuelta_por = ?2,"
			      " nota = ?3, cerrada_en = ?4 WHERE id = ?1 AND estado = 'abierta'",
    [STORE_STMT_RC_AUDIT] =
	"INSERT INTO auditoria (radicado_id, usuario_id, fecha, campo, valor_anterior,"
	" valor_nuevo) VALUES ((SELECT id FROM radicado WHERE numero = ?1), ?2, ?3, ?4, ?5, ?6)",
    [STORE_STMT_RC_EVIDENCE_SGD] =
	"SELECT coalesce(evidencia_sgd, '{}'), coalesce(evidencia_local, '{}')"
	" FROM discrepancia WHERE id = ?1",
    [STORE_STMT_RC_FILING_DATA] = "SELECT asunto, fecha_radicacion, dependencia_origen"
				  " FROM radicado WHERE numero = ?1",
    [STORE_STMT_RC_SET_ASUNTO] = "UPDATE radicado SET asunto = ?2,"
				 " asunto_busqueda = segcont_fold(?2) WHERE numero = ?1",
    [STORE_STMT_RC_SET_FECHA] = "UPDATE radicado SET fecha_radicacion = ?2 WHERE numero = ?1",
    [STORE_STMT_RC_SET_DEP_ORIGEN] =
	"UPDATE radicado SET dependencia_origen = ?2 WHERE numero = ?1",
    [STORE_STMT_RC_GET] = STORE_RC_ROW_COLS " WHERE d.id = ?1",
    [STORE_STMT_RC_COUNT] = "SELECT count(*) FROM discrepancia d" STORE_RC_FILTER,
    [STORE_STMT_RC_PAGE] =
	STORE_RC_ROW_COLS STORE_RC_FILTER " ORDER BY d.id DESC LIMIT ?3 OFFSET ?4",
    [STORE_STMT_RC_BY_TIPO] = "SELECT tipo, count(*) FROM discrepancia"
			      " WHERE (?1 IS NULL OR estado = ?1) GROUP BY tipo ORDER BY tipo",
    [STORE_STMT_RC_RUN_GET] = "SELECT ultimo_intento, ultimo_exito, ultimo_error, corridas, fallos"
			      " FROM conciliacion_estado WHERE id = 1",
    [STORE_STMT_RC_RUN_ENSURE] =
	"INSERT INTO conciliacion_estado (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    [STORE_STMT_RC_RUN_NOTE] = "UPDATE conciliacion_estado SET ultimo_intento = ?1,"
			       " ultimo_exito = CASE WHEN ?2 THEN ?1 ELSE ultimo_exito END,"
			       " ultimo_error = CASE WHEN ?2 THEN '' ELSE ?3 END,"
			       " corridas = corridas + 1, fallos = fallos + 1 - ?2 WHERE id = 1",
};

/* Returns the cached statement (prepared on first use) or NULL with s->err. */
static sqlite3_stmt *store_rc_stmt(struct store *s, enum store_stmt_id id)
{
	return store_stmt(s, id, store_rc_sql[id],
			  "no se pudo preparar una consulta de la conciliación");
}

static void store_rc_read_local(sqlite3_stmt *st, struct store_rc_local *l)
{
	l->radicado_id = sqlite3_column_int64(st, 0);
	l->numero = store_column_text(st, 1);
	strlcpy_s(l->estado, store_column_text(st, 2), sizeof(l->estado));
	strlcpy_s(l->fecha_radicacion, store_column_text(st, 3), sizeof(l->fecha_radicacion));
	strlcpy_s(l->hash_lista, store_column_text(st, 4), sizeof(l->hash_lista));
	strlcpy_s(l->fecha_conclusion, store_column_text(st, 5), sizeof(l->fecha_conclusion));
	l->abogado_id = sqlite3_column_int64(st, 6);
	l->abiertas = sqlite3_column_int(st, 7);
}

int store_rc_local_get(struct store *s, const char *numero, struct store_rc_local *out)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_LOCAL_GET);
	int found;

	memset(out, 0, sizeof(*out));
	found =
	    store_row_of(s, st, store_text(numero), "no se pudo leer el seguimiento del radicado");
	if (found <= 0)
		return found;
	store_rc_read_local(st, out);
	out->numero = numero;
	store_stmt_done(st);
	return 1;
}

STORE_EACH_ROW(store_rc_local, struct store_rc_local, store_rc_read_local)

int store_rc_local_range(struct store *s, const char *desde, const char *hasta_excl,
			 int (*cb)(const struct store_rc_local *l, void *arg), void *arg)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_LOCAL_RANGE);
	struct store_rc_local_each e = {cb, arg};

	if (store_bind(s, st, store_text(desde), store_text(hasta_excl)) < 0)
		return -1;
	return store_each(s, st, store_rc_local_row, &e,
			  "no se pudieron leer los radicados del periodo");
}

static void store_rc_read_row(sqlite3_stmt *st, struct store_rc_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->numero = store_column_text(st, 1);
	r->tipo = store_column_text(st, 2);
	r->estado = store_column_text(st, 3);
	r->evidencia_sgd = store_column_text(st, 4);
	r->evidencia_local = store_column_text(st, 5);
	r->encontrada = store_column_text(st, 6);
	r->vista_ultima = store_column_text(st, 7);
	r->cerrada_en = store_column_text(st, 8);
	r->resuelta_por = sqlite3_column_int64(st, 9);
	r->resuelta_por_nombre = store_column_text(st, 10);
	r->nota = store_column_text(st, 11);
	r->radicado_conocido = sqlite3_column_int(st, 12) != 0;
	r->asunto = store_column_text(st, 13);
	r->fecha_radicacion = store_column_text(st, 14);
	r->estado_seguimiento = store_column_text(st, 15);
	r->abogado_id = sqlite3_column_int64(st, 16);
}

STORE_EACH_ROW(store_rc_disc, struct store_rc_row, store_rc_read_row)

/* Steps st (bound) calling cb per row; readies st. Returns 0, cb's value, or -1. */
static int store_rc_rows(struct store *s, sqlite3_stmt *st,
			 int (*cb)(const struct store_rc_row *r, void *arg), void *arg,
			 const char *what)
{
	struct store_rc_disc_each e = {cb, arg};

	return store_each(s, st, store_rc_disc_row, &e, what);
}

int store_rc_open_of(struct store *s, const char *numero,
		     int (*cb)(const struct store_rc_row *r, void *arg), void *arg)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_OPEN_OF);

	if (store_bind(s, st, store_text(numero)) < 0)
		return -1;
	return store_rc_rows(s, st, cb, arg, "no se pudieron leer las discrepancias abiertas");
}

int store_rc_last_closed(struct store *s, const char *numero, const char *tipo, long long *id,
			 int *resuelta, char **evidencia_sgd)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_LAST_CLOSED);
	int found;

	if (store_bind(s, st, store_text(numero), store_text(tipo)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer la última discrepancia cerrada");
	if (found <= 0)
		return found;
	*id = sqlite3_column_int64(st, 0);
	*resuelta = sqlite3_column_int(st, 1) != 0;
	*evidencia_sgd = xstrdup(store_column_text(st, 2));
	store_stmt_done(st);
	return 1;
}

int store_rc_insert(struct store *s, const char *numero, const char *tipo, const char *ev_sgd,
		    const char *ev_local, const char *now, long long *id)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_INSERT);

	if (store_bind(s, st, store_text(numero), store_text(tipo), store_text(ev_sgd),
		       store_text(ev_local), store_text(now)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo registrar la discrepancia") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_rc_refresh(struct store *s, long long id, const char *ev_sgd, const char *ev_local,
		     const char *now)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_REFRESH);

	if (store_bind(s, st, store_int(id), store_text(ev_sgd), store_text(ev_local),
		       store_text(now)) < 0)
		return -1;
	return store_run(s, st, "no se pudo actualizar la discrepancia");
}

/* Runs a statement that takes (id, text). 0 or -1. */
static int store_rc_id_text(struct store *s, enum store_stmt_id which, long long id,
			    const char *text, const char *what)
{
	sqlite3_stmt *st = store_rc_stmt(s, which);

	if (store_bind(s, st, store_int(id), store_text(text)) < 0)
		return -1;
	return store_run(s, st, what);
}

int store_rc_close(struct store *s, long long id, const char *now)
{
	return store_rc_id_text(s, STORE_STMT_RC_CLOSE, id, now,
				"no se pudo cerrar la discrepancia");
}

int store_rc_seen(struct store *s, long long id, const char *now)
{
	return store_rc_id_text(s, STORE_STMT_RC_SEEN, id, now,
				"no se pudo actualizar la discrepancia resuelta");
}

/* Inside the resolving transaction: the auditoria row. 0 or -1. */
static int store_rc_audit(struct store *s, long long id, const char *numero, const char *tipo,
			  long long usuario_id, const char *nota, const char *now)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_AUDIT);
	char *campo = xasprintf("discrepancia #%lld %s", id, tipo);
	char *nuevo = xasprintf("resuelta: %s", nota);
	int rc = -1;

	if (store_bind(s, st, store_text(numero), store_id(usuario_id), store_text(now),
		       store_text(campo), store_text("abierta"), store_text(nuevo)) == 0)
		rc = store_run(s, st, "no se pudo escribir la auditoría de la discrepancia");
	free(campo);
	free(nuevo);
	return rc;
}

/* The source fields «aplicar el dato del sistema documental» writes: those datos_distintos
 * compares (reconcile_apply.c), each with its UPDATE. */
static const struct {
	const char *name;
	enum store_stmt_id set;
} store_rc_data_fields[] = {
    {"asunto", STORE_STMT_RC_SET_ASUNTO},
    {"fecha_radicacion", STORE_STMT_RC_SET_FECHA},
    {"dependencia_origen", STORE_STMT_RC_SET_DEP_ORIGEN},
};
#define STORE_RC_NDATA (sizeof(store_rc_data_fields) / sizeof(store_rc_data_fields[0]))

/* Inside the resolving transaction: writes into radicado numero each field of
 * discrepancy id's evidencia_sgd that differs from the stored one, and writes an auditoria
 * row per field of evidencia_sgd (campo, previous value -> the system's), the previous value
 * being the stored one when it differed, else the office's as the row recorded it
 * (evidencia_local: reconcile's upsert had already copied the system's). 1 done, 4 the
 * filing is unknown, -1. */
static int store_rc_apply_data(struct store *s, long long id, const char *numero,
			       long long usuario_id, const char *now)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_EVIDENCE_SGD);
	char *stored[STORE_RC_NDATA] = {NULL};
	json_t *ev;
	json_t *office;
	int found;
	int rc = 1;

	found =
	    store_row_of(s, st, store_int(id), "no se pudo leer la evidencia de la discrepancia");
	if (found <= 0)
		return -1;
	ev = json_loads(store_column_text(st, 0), 0, NULL);
	office = json_loads(store_column_text(st, 1), 0, NULL);
	store_stmt_done(st);
	st = store_rc_stmt(s, STORE_STMT_RC_FILING_DATA);
	found = store_row_of(s, st, store_text(numero), "no se pudo leer el radicado");
	if (found <= 0) {
		json_decref(ev);
		json_decref(office);
		return found < 0 ? -1 : 4;
	}
	for (size_t i = 0; i < STORE_RC_NDATA; i++)
		stored[i] = xstrdup(store_column_text(st, (int)i));
	store_stmt_done(st);
	for (size_t i = 0; i < STORE_RC_NDATA && rc == 1; i++) {
		const char *name = store_rc_data_fields[i].name;
		const char *v = json_string_value(json_object_get(ev, name));
		const char *before = stored[i];

		if (v == NULL)
			continue;
		if (strcmp(v, stored[i]) != 0) {
			st = store_rc_stmt(s, store_rc_data_fields[i].set);
			if (store_bind(s, st, store_text(numero), store_text(v)) < 0 ||
			    store_run(s, st, "no se pudo aplicar el dato del sistema documental") <
				0) {
				rc = -1;
				break;
			}
		} else if (json_string_value(json_object_get(office, name)) != NULL) {
			before = json_string_value(json_object_get(office, name));
		}
		st = store_rc_stmt(s, STORE_STMT_RC_AUDIT);
		if (store_bind(s, st, store_text(numero), store_id(usuario_id), store_text(now),
			       store_text(name), store_text(before), store_text(v)) < 0 ||
		    store_run(s, st, "no se pudo escribir la auditoría del dato aplicado") < 0)
			rc = -1;
	}
	for (size_t i = 0; i < STORE_RC_NDATA; i++)
		free(stored[i]);
	json_decref(ev);
	json_decref(office);
	return rc;
}

int store_rc_resolve_in(struct store *s, long long id, long long usuario_id, const char *nota,
			const char *now, int apply)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_STATE_OF);
	char *numero;
	char *tipo;
	char *audited;
	int found;
	int rc = -1;

	found = store_row_of(s, st, store_int(id), "no se pudo leer la discrepancia");
	if (found <= 0)
		return found;
	if (strcmp(store_column_text(st, 0), "abierta") != 0) {
		store_stmt_done(st);
		return 2;
	}
	if (apply && strcmp(store_column_text(st, 2), "datos_distintos") != 0) {
		store_stmt_done(st);
		return 3;
	}
	numero = xstrdup(store_column_text(st, 1));
	tipo = xstrdup(store_column_text(st, 2));
	store_stmt_done(st);
	audited = apply ? xasprintf("con el dato del sistema documental aplicado: %s", nota)
			: xstrdup(nota);
	if (apply)
		rc = store_rc_apply_data(s, id, numero, usuario_id, now);
	if (!apply || rc == 1) {
		rc = -1;
		st = store_rc_stmt(s, STORE_STMT_RC_RESOLVE);
		if (store_bind(s, st, store_int(id), store_id(usuario_id), store_text(nota),
			       store_text(now)) == 0 &&
		    store_run(s, st, "no se pudo resolver la discrepancia") == 0 &&
		    store_rc_audit(s, id, numero, tipo, usuario_id, audited, now) == 0)
			rc = 1;
	}
	free(audited);
	free(numero);
	free(tipo);
	return rc;
}

int store_rc_resolve(struct store *s, long long id, long long usuario_id, const char *nota,
		     const char *now)
{
	int rc;

	if (store_begin(s) < 0)
		return -1;
	rc = store_rc_resolve_in(s, id, usuario_id, nota, now, 0);
	if (rc == 0 || rc == 2) {
		/* Nothing was written. */
		store_rollback(s);
		return rc;
	}
	return store_txn_end(s, 1, rc);
}

int store_rc_get(struct store *s, long long id, int (*cb)(const struct store_rc_row *r, void *arg),
		 void *arg)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_GET);
	struct store_rc_row r;
	int found;
	int rc;

	found = store_row_of(s, st, store_int(id), "no se pudo leer la discrepancia");
	if (found <= 0)
		return found;
	store_rc_read_row(st, &r);
	rc = cb(&r, arg);
	store_stmt_done(st);
	return rc < 0 ? -1 : 1;
}

static int store_rc_list_read(struct store *s, const char *estado, const char *tipo, long limit,
			      long offset, long long *total,
			      int (*cb)(const struct store_rc_row *r, void *arg),
			      int (*count_cb)(const char *tipo, long long n, void *arg), void *arg)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_COUNT);
	int rc;

	if (store_bind(s, st, store_text(estado), store_text(tipo)) < 0)
		return -1;
	if (store_row(s, st, "no se pudieron contar las discrepancias") != 1)
		return -1;
	*total = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	st = store_rc_stmt(s, STORE_STMT_RC_PAGE);
	if (store_bind(s, st, store_text(estado), store_text(tipo), store_int(limit),
		       store_int(offset)) < 0)
		return -1;
	rc = store_rc_rows(s, st, cb, arg, "no se pudieron listar las discrepancias");
	if (rc != 0 || count_cb == NULL)
		return rc;
	st = store_rc_stmt(s, STORE_STMT_RC_BY_TIPO);
	if (store_bind(s, st, store_text(estado)) < 0)
		return -1;
	return store_count_rows(s, st, count_cb, arg,
				"no se pudieron contar las discrepancias por tipo");
}

int store_rc_list(struct store *s, const char *estado, const char *tipo, long limit, long offset,
		  long long *total, int (*cb)(const struct store_rc_row *r, void *arg),
		  int (*count_cb)(const char *tipo, long long n, void *arg), void *arg)
{
	int own;

	/* One read transaction, so the total and the counts match the page (the caller's,
	 * when it already holds one). */
	if (store_read_begin(s, &own) < 0)
		return -1;
	return store_txn_end(
	    s, own, store_rc_list_read(s, estado, tipo, limit, offset, total, cb, count_cb, arg));
}

int store_rc_state_get(struct store *s, struct store_rc_state *out)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_RUN_GET);
	int found;

	memset(out, 0, sizeof(*out));
	found = store_row(s, st, "no se pudo leer el estado de la conciliación");
	if (found <= 0)
		return found;
	strlcpy_s(out->ultimo_intento, store_column_text(st, 0), sizeof(out->ultimo_intento));
	strlcpy_s(out->ultimo_exito, store_column_text(st, 1), sizeof(out->ultimo_exito));
	strlcpy_s(out->ultimo_error, store_column_text(st, 2), sizeof(out->ultimo_error));
	out->corridas = (long)sqlite3_column_int64(st, 3);
	out->fallos = (long)sqlite3_column_int64(st, 4);
	store_stmt_done(st);
	return 0;
}

/* The writes of store_rc_note_run. 0 or -1. */
static int store_rc_note_write(struct store *s, int ok, const char *error, const char *started)
{
	sqlite3_stmt *st;

	if (store_run(s, store_rc_stmt(s, STORE_STMT_RC_RUN_ENSURE),
		      "no se pudo crear el estado de la conciliación") < 0)
		return -1;
	st = store_rc_stmt(s, STORE_STMT_RC_RUN_NOTE);
	if (store_bind(s, st, store_text(started), store_int(ok != 0), store_text(error)) < 0)
		return -1;
	return store_run(s, st, "no se pudo registrar la conciliación");
}

int store_rc_note_run(struct store *s, int ok, const char *error, const char *started)
{
	char cut[sizeof(((struct store_rc_state *)0)->ultimo_error)];
	int own;

	store_cut_error(error != NULL ? error : "", cut, sizeof(cut));
	if (store_txn_begin(s, &own) < 0)
		return -1;
	return store_txn_end(s, own, store_rc_note_write(s, ok, cut, started));
}
