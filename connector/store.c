/* store.c -- the SQLite follow-up record: numbered schema migrations, a per-connection
 * cache of prepared statements, transactions, filing upserts and the sync state row. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "filing.h"
#include "log.h"
#include "util.h"

#define STORE_MODULE "store"
#define STORE_FILE_MODE 0600
#define STORE_HASH_LEN 64
#define STORE_PRAGMA_LEN 64
#define STORE_SYNC_ERROR_MAX (sizeof(((struct sync_state *)0)->last_error) - 1)
#define STORE_TIPO_TRAMITE_DEFAULT "otro"
#define STORE_CHANGE_PREFIX "Cambio en el sistema de gestión documental: "
#define STORE_EMPTY_VALUE "(vacío)"

/* ---- Schema: migration N is store_migrations[N - 1]; never edit a released step,
 * append a new one. Each runs inside the opening transaction, followed by
 * PRAGMA user_version = N. */

/* clang-format off */
static const char store_migration_1[] =
	"CREATE TABLE usuario ("
	" id INTEGER PRIMARY KEY,"
	" nombre TEXT NOT NULL CHECK (nombre <> ''),"
	" rol TEXT NOT NULL CHECK (rol IN ('director', 'abogado', 'apoyo', 'admin')),"
	" token_hash TEXT UNIQUE,"
	" activo INTEGER NOT NULL DEFAULT 1 CHECK (activo IN (0, 1)),"
	" creado TEXT NOT NULL"
	");"
	"CREATE TABLE radicado ("
	" id INTEGER PRIMARY KEY,"
	" numero TEXT NOT NULL UNIQUE CHECK (numero <> ''),"
	" tipo_radicado TEXT NOT NULL DEFAULT '',"
	" fecha_radicacion TEXT NOT NULL DEFAULT '',"
	" asunto TEXT NOT NULL DEFAULT '',"
	" folios INTEGER NOT NULL DEFAULT 0,"
	" ruta TEXT NOT NULL DEFAULT '',"
	" dependencia_origen TEXT NOT NULL DEFAULT '',"
	" dependencia_origen_nombre TEXT NOT NULL DEFAULT '',"
	" dependencia_actual TEXT NOT NULL DEFAULT '',"
	" remitente TEXT NOT NULL DEFAULT '',"
	" tipo_documental TEXT NOT NULL DEFAULT '',"
	" estado_ds TEXT NOT NULL DEFAULT 'vigente'"
	"  CHECK (estado_ds IN ('vigente', 'anulacion_solicitada', 'anulado')),"
	" con_detalle INTEGER NOT NULL DEFAULT 0 CHECK (con_detalle IN (0, 1)),"
	" hash_ds TEXT NOT NULL,"
	" hash_lista TEXT NOT NULL,"
	" visto_primero TEXT NOT NULL,"
	" visto_ultimo TEXT NOT NULL"
	");"
	"CREATE INDEX radicado_fecha ON radicado (fecha_radicacion);"
	"CREATE TABLE seguimiento ("
	" radicado_id INTEGER PRIMARY KEY REFERENCES radicado (id),"
	" tipo_tramite TEXT NOT NULL DEFAULT 'otro' CHECK (tipo_tramite IN ("
	"  'contratacion_directa', 'proceso_seleccion', 'novedad_contractual',"
	"  'liquidacion_terminacion', 'otro')),"
	" modalidad TEXT NOT NULL DEFAULT '' CHECK (modalidad IN ('', 'licitacion_publica',"
	"  'seleccion_abreviada', 'concurso_meritos', 'contratacion_directa', 'minima_cuantia',"
	"  'acuerdo_marco', 'regimen_especial')),"
	" novedad TEXT NOT NULL DEFAULT '' CHECK (novedad IN ('', 'adicion', 'prorroga',"
	"  'modificacion', 'suspension', 'reinicio', 'cesion', 'terminacion_anticipada')),"
	" tipo_gestion TEXT NOT NULL DEFAULT '',"
	" abogado_id INTEGER REFERENCES usuario (id),"
	" fecha_reparto TEXT,"
	" estado TEXT NOT NULL DEFAULT 'recibido' CHECK (estado IN ('recibido', 'repartido',"
	"  'en_revision', 'devuelto', 'concluido', 'anulado')),"
	" concluido_satisfactorio INTEGER CHECK (concluido_satisfactorio IN (0, 1)),"
	" fecha_conclusion TEXT,"
	" numero_contrato TEXT NOT NULL DEFAULT '',"
	" contratista TEXT NOT NULL DEFAULT '',"
	" objeto TEXT NOT NULL DEFAULT '',"
	" valor INTEGER CHECK (valor IS NULL OR valor >= 0),"
	" fecha_suscripcion TEXT,"
	" fecha_rp TEXT,"
	" fecha_aprobacion_garantias TEXT,"
	" fecha_arl TEXT,"
	" fecha_acta_inicio TEXT,"
	" publicado_secop INTEGER NOT NULL DEFAULT 0 CHECK (publicado_secop IN (0, 1)),"
	" linea_paa TEXT NOT NULL DEFAULT '',"
	" observaciones TEXT NOT NULL DEFAULT '',"
	" devoluciones INTEGER NOT NULL DEFAULT 0 CHECK (devoluciones >= 0),"
	" version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),"
	" creado TEXT NOT NULL,"
	" actualizado TEXT NOT NULL"
	");"
	"CREATE INDEX seguimiento_estado ON seguimiento (estado);"
	"CREATE INDEX seguimiento_abogado ON seguimiento (abogado_id, estado);"
	"CREATE TABLE gestion ("
	" id INTEGER PRIMARY KEY,"
	" radicado_id INTEGER NOT NULL REFERENCES radicado (id),"
	" tipo TEXT NOT NULL CHECK (tipo IN ('reparto', 'reasignacion', 'devolucion',"
	"  'reingreso', 'observacion', 'conclusion', 'reapertura', 'cambio_sgd')),"
	" usuario_id INTEGER REFERENCES usuario (id),"
	" fecha TEXT NOT NULL,"
	" texto TEXT NOT NULL DEFAULT '',"
	" satisfactorio INTEGER CHECK (satisfactorio IN (0, 1)),"
	" datos TEXT CHECK (datos IS NULL OR json_valid(datos))"
	");"
	"CREATE INDEX gestion_radicado ON gestion (radicado_id, fecha);"
	"CREATE TABLE auditoria ("
	" id INTEGER PRIMARY KEY,"
	" radicado_id INTEGER REFERENCES radicado (id),"
	" usuario_id INTEGER REFERENCES usuario (id),"
	" fecha TEXT NOT NULL,"
	" campo TEXT NOT NULL,"
	" valor_anterior TEXT,"
	" valor_nuevo TEXT"
	");"
	"CREATE INDEX auditoria_radicado ON auditoria (radicado_id, id);"
	"CREATE TRIGGER auditoria_sin_cambios BEFORE UPDATE ON auditoria BEGIN"
	" SELECT RAISE(ABORT, 'la auditoría solo admite agregar filas'); END;"
	"CREATE TRIGGER auditoria_sin_borrado BEFORE DELETE ON auditoria BEGIN"
	" SELECT RAISE(ABORT, 'la auditoría solo admite agregar filas'); END;"
	"CREATE TABLE sync_estado ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" cursor TEXT NOT NULL DEFAULT '',"
	" ultimo_intento TEXT NOT NULL DEFAULT '',"
	" ultimo_exito TEXT NOT NULL DEFAULT '',"
	" degradado_desde TEXT NOT NULL DEFAULT '',"
	" ultimo_error TEXT NOT NULL DEFAULT '',"
	" pasadas INTEGER NOT NULL DEFAULT 0,"
	" fallos INTEGER NOT NULL DEFAULT 0,"
	" nuevos INTEGER NOT NULL DEFAULT 0,"
	" cambiados INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO sync_estado (id) VALUES (1);"
	"CREATE TABLE discrepancia ("
	" id INTEGER PRIMARY KEY,"
	" numero TEXT NOT NULL,"
	" tipo TEXT NOT NULL CHECK (tipo IN ('falta_en_seguimiento', 'ya_no_en_dependencia',"
	"  'anulado_en_sgd', 'datos_distintos', 'concluido_sin_radicado', 'no_encontrado')),"
	" estado TEXT NOT NULL DEFAULT 'abierta' CHECK (estado IN ('abierta', 'resuelta',"
	"  'cerrada')),"
	" evidencia_sgd TEXT CHECK (evidencia_sgd IS NULL OR json_valid(evidencia_sgd)),"
	" evidencia_local TEXT CHECK (evidencia_local IS NULL OR json_valid(evidencia_local)),"
	" encontrada TEXT NOT NULL,"
	" cerrada_en TEXT,"
	" resuelta_por INTEGER REFERENCES usuario (id),"
	" nota TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE UNIQUE INDEX discrepancia_abierta ON discrepancia (numero, tipo)"
	" WHERE estado = 'abierta';"
	"CREATE INDEX discrepancia_estado ON discrepancia (estado, encontrada);";
/* clang-format on */

/* --- follow-up API: step 2 --- */
/* A folded copy of asunto (lowercase ASCII, no accents) for the list's free-text search;
 * segcont_fold is registered on every connection before migrating. */
static const char store_migration_2[] =
    "ALTER TABLE radicado ADD COLUMN asunto_busqueda TEXT NOT NULL DEFAULT '';"
    "UPDATE radicado SET asunto_busqueda = segcont_fold(asunto);";

/* --- reconciliation: step 3 --- */
/* vista_ultima: the last run that saw a discrepancy's disagreement; an index to find the
 * rows of a (numero, tipo) whatever their state; the record of reconciliation runs. */
static const char store_migration_3[] =
    "ALTER TABLE discrepancia ADD COLUMN vista_ultima TEXT NOT NULL DEFAULT '';"
    "UPDATE discrepancia SET vista_ultima = encontrada;"
    "CREATE INDEX discrepancia_numero ON discrepancia (numero, tipo, id);"
    "CREATE TABLE conciliacion_estado ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " ultimo_intento TEXT NOT NULL DEFAULT '',"
    " ultimo_exito TEXT NOT NULL DEFAULT '',"
    " ultimo_error TEXT NOT NULL DEFAULT '',"
    " corridas INTEGER NOT NULL DEFAULT 0,"
    " fallos INTEGER NOT NULL DEFAULT 0"
    ");"
    "INSERT INTO conciliacion_estado (id) VALUES (1);";

/* --- real document systems: step 4 --- */
/* The document type's name (database profiles give it) and the kind of the sync cursor:
 * a filing date, an arrival instant or an opaque change token, as the mapping pages. */
static const char store_migration_4[] =
    "ALTER TABLE radicado ADD COLUMN tipo_documental_nombre TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sync_estado ADD COLUMN cursor_tipo TEXT NOT NULL DEFAULT 'fecha'"
    " CHECK (cursor_tipo IN ('fecha', 'instante', 'token'));";

static const char *const store_migrations[] = {
    store_migration_1,
    store_migration_2,
    store_migration_3,
    store_migration_4,
};

#define STORE_SCHEMA_VERSION ((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* ---- Statements: one enum of every statement this connection keeps, and one cache
 * (struct store's slots) that prepares each on first use and keeps it for the
 * connection's life. A statement has one slot, or one per query shape when its SQL
 * depends on which filters are present (the filing list, store_sla_rows). Each section
 * of this file holds the SQL of its statements. The filing statements bind the columns
 * in the order of store_filing_fields (?1 = numero ... ?13 = tipo_documental_nombre). */

enum store_stmt_id {
	/* transactions, filings and the sync state (store_sql) */
	STORE_STMT_BEGIN,
	STORE_STMT_COMMIT,
	STORE_STMT_ROLLBACK,
	STORE_STMT_FILING_GET,
	STORE_STMT_FILING_INSERT,
	STORE_STMT_FILING_UPDATE,
	STORE_STMT_FILING_SEEN,
	STORE_STMT_FILING_TOUCH,
	STORE_STMT_FILING_COUNT,
	STORE_STMT_LISTED_HASH,
	STORE_STMT_FOLLOW_UP_INSERT,
	STORE_STMT_GESTION_INSERT,
	STORE_STMT_SYNC_GET,
	STORE_STMT_SYNC_ENSURE,
	STORE_STMT_SYNC_SET_CURSOR,
	STORE_STMT_SYNC_NOTE_PASS,
	/* follow-up API (store_api_sql; NULL texts are built by store_api_build_sql) */
	STORE_STMT_USER_ADD,
	STORE_STMT_USER_SET_TOKEN,
	STORE_STMT_USER_SET_ACTIVE,
	STORE_STMT_USER_BY_TOKEN,
	STORE_STMT_USER_GET,
	STORE_STMT_USER_LIST,
	STORE_STMT_FU_GET,
	STORE_STMT_FU_UPDATE,
	STORE_STMT_AUDIT_INSERT,
	STORE_STMT_FILING_JSON,
	STORE_STMT_LAWYER_LOAD,
	STORE_STMT_COUNT_BY_ESTADO,
	STORE_STMT_DATA_VERSION,
	STORE_STMT_LIST_COUNT, /* one slot per list shape */
	STORE_STMT_LIST_PAGE,  /* one slot per list shape */
	/* indicators and export */
	STORE_STMT_SLA_ROWS, /* one slot per query shape */
	/* reconciliation (store_rc_sql) */
	STORE_STMT_RC_LOCAL_GET,
	STORE_STMT_RC_LOCAL_RANGE,
	STORE_STMT_RC_OPEN_OF,
	STORE_STMT_RC_LAST_CLOSED,
	STORE_STMT_RC_INSERT,
	STORE_STMT_RC_REFRESH,
	STORE_STMT_RC_CLOSE,
	STORE_STMT_RC_SEEN,
	STORE_STMT_RC_STATE_OF,
	STORE_STMT_RC_RESOLVE,
	STORE_STMT_RC_AUDIT,
	STORE_STMT_RC_GET,
	STORE_STMT_RC_COUNT,
	STORE_STMT_RC_PAGE,
	STORE_STMT_RC_BY_TIPO,
	STORE_STMT_RC_RUN_GET,
	STORE_STMT_RC_RUN_ENSURE,
	STORE_STMT_RC_RUN_NOTE,
	STORE_STMT_COUNT
};

static const char *const store_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STORE_STMT_COMMIT] = "COMMIT",
    [STORE_STMT_ROLLBACK] = "ROLLBACK",
    [STORE_STMT_FILING_GET] =
	"SELECT numero, tipo_radicado, fecha_radicacion, asunto, folios, ruta,"
	" dependencia_origen, dependencia_origen_nombre, dependencia_actual, remitente,"
	" tipo_documental, estado_ds, tipo_documental_nombre, id, hash_ds, con_detalle"
	" FROM radicado WHERE numero = ?1",
    [STORE_STMT_FILING_INSERT] =
	"INSERT INTO radicado (numero, tipo_radicado, fecha_radicacion, asunto, folios,"
	" ruta, dependencia_origen, dependencia_origen_nombre, dependencia_actual,"
	" remitente, tipo_documental, estado_ds, tipo_documental_nombre, hash_ds, hash_lista,"
	" con_detalle, visto_primero, visto_ultimo, asunto_busqueda)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	" ?17, ?17, segcont_fold(?4))",
    [STORE_STMT_FILING_UPDATE] =
	"UPDATE radicado SET tipo_radicado = ?2, fecha_radicacion = ?3, asunto = ?4,"
	" asunto_busqueda = segcont_fold(?4),"
	" folios = ?5, ruta = ?6, dependencia_origen = ?7, dependencia_origen_nombre = ?8,"
	" dependencia_actual = ?9, remitente = ?10, tipo_documental = ?11,"
	" estado_ds = ?12, tipo_documental_nombre = ?13, hash_ds = ?14, hash_lista = ?15,"
	" con_detalle = ?16, visto_ultimo = ?17"
	" WHERE numero = ?1",
    [STORE_STMT_FILING_SEEN] = "UPDATE radicado SET visto_ultimo = ?2, hash_lista = ?3,"
			       " con_detalle = max(con_detalle, ?4)"
			       " WHERE id = ?1",
    [STORE_STMT_FILING_TOUCH] = "UPDATE radicado SET visto_ultimo = ?2 WHERE numero = ?1",
    [STORE_STMT_FILING_COUNT] = "SELECT count(*) FROM radicado",
    [STORE_STMT_LISTED_HASH] = "SELECT CASE WHEN con_detalle = 1 THEN hash_lista ELSE '' END,"
			       " CASE WHEN con_detalle = 1 THEN hash_ds ELSE '' END"
			       " FROM radicado WHERE numero = ?1",
    [STORE_STMT_FOLLOW_UP_INSERT] =
	"INSERT INTO seguimiento (radicado_id, tipo_tramite, creado, actualizado)"
	" VALUES (?1, ?2, ?3, ?3)",
    [STORE_STMT_GESTION_INSERT] =
	"INSERT INTO gestion (radicado_id, tipo, usuario_id, fecha, texto, satisfactorio,"
	" datos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STORE_STMT_SYNC_GET] =
	"SELECT cursor, ultimo_intento, ultimo_exito, degradado_desde, ultimo_error,"
	" pasadas, fallos, nuevos, cambiados, cursor_tipo FROM sync_estado WHERE id = 1",
    [STORE_STMT_SYNC_ENSURE] =
	"INSERT INTO sync_estado (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    [STORE_STMT_SYNC_SET_CURSOR] =
	"INSERT INTO sync_estado (id, cursor, cursor_tipo) VALUES (1, ?1, ?2)"
	" ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor,"
	" cursor_tipo = excluded.cursor_tipo",
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

#define STORE_LIST_SHAPES 24 /* list shapes (filters present, order) cached per connection */
/* store_sla_rows' query shapes: one bit for each of its five optional filters. */
#define STORE_SLA_SHAPES (1 << 5)

/* One cached statement: the query shape it was prepared for (0 for a statement with one
 * shape), or -1 while the slot is empty. */
struct store_slot {
	int key;
	sqlite3_stmt *st;
};

struct store {
	sqlite3 *db;
	char err[STORE_ERR_LEN];
	/* The statement cache: the slots of statement id start at slot[first[id]]; next[id]
	 * is the one a new shape takes when all are used. */
	struct store_slot *slot;
	int nslots;
	int first[STORE_STMT_COUNT];
	int next[STORE_STMT_COUNT];
};

/* --- follow-up API: defined at the end of this file --- */
static int store_api_register(struct store *s);

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
/* Parameters and result columns after the source fields. */
#define STORE_COL_ID ((int)STORE_FILING_NFIELDS)
#define STORE_COL_HASH_DS ((int)STORE_FILING_NFIELDS + 1)
#define STORE_COL_CON_DETALLE ((int)STORE_FILING_NFIELDS + 2)
#define STORE_PARAM_HASH_DS ((int)STORE_FILING_NFIELDS + 1)
#define STORE_PARAM_HASH_LISTA ((int)STORE_FILING_NFIELDS + 2)
#define STORE_PARAM_CON_DETALLE ((int)STORE_FILING_NFIELDS + 3)
#define STORE_PARAM_NOW ((int)STORE_FILING_NFIELDS + 4)

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

/* ---- Errors, statements and bindings */

static void store_set_sqlite_error(struct store *s, const char *what)
{
	set_error(s->err, sizeof(s->err), "%s: %s", what, sqlite3_errmsg(s->db));
}

/* How many slots statement id has in the cache: one per shape for the statements whose
 * SQL depends on the query, one for every other. */
static int store_cache_slots(enum store_stmt_id id)
{
	switch (id) {
	case STORE_STMT_LIST_COUNT:
	case STORE_STMT_LIST_PAGE:
		return STORE_LIST_SHAPES;
	case STORE_STMT_SLA_ROWS:
		return STORE_SLA_SHAPES;
	default:
		return 1;
	}
}

static void store_cache_init(struct store *s)
{
	s->nslots = 0;
	for (int id = 0; id < STORE_STMT_COUNT; id++) {
		s->first[id] = s->nslots;
		s->nslots += store_cache_slots((enum store_stmt_id)id);
	}
	s->slot = xcalloc((size_t)s->nslots, sizeof(*s->slot));
	for (int i = 0; i < s->nslots; i++)
		s->slot[i].key = -1;
}

static void store_cache_free(struct store *s)
{
	for (int i = 0; i < s->nslots; i++)
		sqlite3_finalize(s->slot[i].st);
	free(s->slot);
	s->slot = NULL;
	s->nslots = 0;
}

/* The cached statement of (id, key), or NULL when it is not prepared. */
static sqlite3_stmt *store_cache_find(struct store *s, enum store_stmt_id id, int key)
{
	struct store_slot *slot = &s->slot[s->first[id]];
	int n = store_cache_slots(id);

	for (int i = 0; i < n; i++) {
		if (slot[i].key == key)
			return slot[i].st;
	}
	return NULL;
}

/* Prepares sql as (id, key) in the next slot of id (finalizing what it held). Returns the
 * statement, or NULL with s->err (what names the failure). */
static sqlite3_stmt *store_cache_put(struct store *s, enum store_stmt_id id, int key,
				     const char *sql, const char *what)
{
	struct store_slot *slot = &s->slot[s->first[id] + s->next[id]];

	s->next[id] = (s->next[id] + 1) % store_cache_slots(id);
	sqlite3_finalize(slot->st);
	slot->st = NULL;
	slot->key = -1;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL) !=
	    SQLITE_OK) {
		store_set_sqlite_error(s, what);
		sqlite3_finalize(slot->st);
		slot->st = NULL;
		return NULL;
	}
	slot->key = key;
	return slot->st;
}

/* Returns statement id from the cache, prepared from sql on first use, or NULL with
 * s->err. */
static sqlite3_stmt *store_cache_stmt(struct store *s, enum store_stmt_id id, const char *sql,
				      const char *what)
{
	sqlite3_stmt *st = store_cache_find(s, id, 0);

	return st != NULL ? st : store_cache_put(s, id, 0, sql, what);
}

/* Returns statement id for query shape key (>= 0) from the cache; on first use build(arg)
 * gives its SQL (a new string, freed here). NULL with s->err on error. */
static sqlite3_stmt *store_cache_shape(struct store *s, enum store_stmt_id id, int key,
				       char *(*build)(const void *arg), const void *arg,
				       const char *what)
{
	sqlite3_stmt *st = store_cache_find(s, id, key);
	char *sql;

	if (st != NULL)
		return st;
	sql = build(arg);
	st = store_cache_put(s, id, key, sql, what);
	free(sql);
	return st;
}

/* The statements of the section above (transactions, filings, sync state). */
static sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id)
{
	return store_cache_stmt(s, id, store_sql[id], "no se pudo preparar una consulta");
}

/* Makes a statement ready for its next use. Bindings are SQLITE_STATIC, so every use
 * ends here before the bound strings can go away. */
static void store_stmt_done(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* One value for store_bind: SQL NULL, text (borrowed until the statement is done) or an
 * integer. Made by store_text, store_int, store_id and store_flag. */
enum store_val_kind { STORE_VAL_NULL, STORE_VAL_TEXT, STORE_VAL_INT };

struct store_val {
	enum store_val_kind kind;
	const char *text;
	long long i;
};

/* Text; NULL binds SQL NULL. */
static struct store_val store_text(const char *v)
{
	struct store_val x = {v != NULL ? STORE_VAL_TEXT : STORE_VAL_NULL, v, 0};

	return x;
}

static struct store_val store_int(long long v)
{
	struct store_val x = {STORE_VAL_INT, NULL, v};

	return x;
}

/* A row id that may be absent (a user, a lawyer): SQL NULL when id <= 0. */
static struct store_val store_id(long long id)
{
	return id > 0 ? store_int(id) : store_text(NULL);
}

/* A yes / no that may be unknown: 1 or 0, SQL NULL when v < 0. */
static struct store_val store_flag(int v)
{
	return v >= 0 ? store_int(v != 0) : store_text(NULL);
}

/* Binds v[0..n) to the parameters ?first, ?first + 1... of st. Returns 0, or -1 with s->err
 * and st readied; st NULL (a statement that could not be prepared, s->err already says
 * why) returns -1. */
static int store_bind_vals(struct store *s, sqlite3_stmt *st, int first, const struct store_val *v,
			   size_t n)
{
	if (st == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int idx = first + (int)i;
		int rc;

		if (v[i].kind == STORE_VAL_TEXT)
			rc = sqlite3_bind_text(st, idx, v[i].text, -1, SQLITE_STATIC);
		else if (v[i].kind == STORE_VAL_INT)
			rc = sqlite3_bind_int64(st, idx, v[i].i);
		else
			rc = sqlite3_bind_null(st, idx);
		if (rc != SQLITE_OK) {
			store_set_sqlite_error(s, "no se pudo asociar un valor");
			store_stmt_done(st);
			return -1;
		}
	}
	return 0;
}

/* store_bind(s, st, store_text(numero), store_int(id)) binds ?1, ?2...; store_bind_at
 * starts at ?first. Both return 0 or -1 as store_bind_vals. */
#define STORE_VALS(...)                                                                            \
	(const struct store_val[]){__VA_ARGS__},                                                   \
	    sizeof((const struct store_val[]){__VA_ARGS__}) / sizeof(struct store_val)
#define store_bind_at(s, st, first, ...)                                                           \
	store_bind_vals((s), (st), (first), STORE_VALS(__VA_ARGS__))
#define store_bind(s, st, ...) store_bind_at((s), (st), 1, __VA_ARGS__)

/* Steps a statement that returns no rows to completion and readies it again. 0 or -1
 * (st NULL: -1, s->err kept). */
static int store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_set_sqlite_error(s, what);
		store_stmt_done(st);
		return -1;
	}
	store_stmt_done(st);
	return 0;
}

/* Steps a query for its (first) row: 1 row ready, 0 no row (statement readied), -1
 * error (statement readied, s->err set; st NULL: -1). After 1 the caller reads and calls
 * done. */
static int store_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		store_set_sqlite_error(s, what);
	store_stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Steps a bound query to its end, handing each row to row(st, arg) until that returns
 * non-zero, and readies st. Returns 0 at the end, row's non-zero value, or -1 with what
 * as the error (st NULL: -1, s->err kept). */
static int store_each(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *arg),
		      void *arg, const char *what)
{
	int stop = 0;

	if (st == NULL)
		return -1;
	while (stop == 0) {
		int rc = sqlite3_step(st);

		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			store_set_sqlite_error(s, what);
			stop = -1;
			break;
		}
		stop = row(st, arg);
	}
	store_stmt_done(st);
	return stop;
}

static const char *store_column_text(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return v != NULL ? (const char *)v : "";
}

/* Runs SQL text without parameters (pragmas, migrations). 0 or -1 with s->err. */
static int store_exec(struct store *s, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_error(s->err, sizeof(s->err), "%s: %s", what,
			  msg != NULL ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Runs a pragma that answers one value into out (size outlen). 0 or -1. */
static int store_pragma_text(struct store *s, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		goto fail;
	strlcpy_s(out, store_column_text(st, 0), outlen);
	sqlite3_finalize(st);
	return 0;
fail:
	store_set_sqlite_error(s, sql);
	sqlite3_finalize(st);
	return -1;
}

static int store_user_version(struct store *s, int *out)
{
	char v[STORE_PRAGMA_LEN];
	long n;

	if (store_pragma_text(s, "PRAGMA user_version", v, sizeof(v)) < 0)
		return -1;
	if (parse_long(v, 0, 1000000, &n) < 0) {
		set_error(s->err, sizeof(s->err), "versión del esquema ilegible: %s", v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* ---- Opening and migrations */

static int store_refuse_newer(struct store *s, int version)
{
	set_error(s->err, sizeof(s->err),
		  "la base de datos está en la versión %d del esquema y este programa conoce "
		  "hasta la %d; actualice segcont",
		  version, STORE_SCHEMA_VERSION);
	return -1;
}

/* Brings the schema to STORE_SCHEMA_VERSION in one transaction. 0 or -1 with s->err. */
static int store_migrate(struct store *s)
{
	char pragma[STORE_PRAGMA_LEN];
	int from;

	if (store_user_version(s, &from) < 0)
		return -1;
	if (from > STORE_SCHEMA_VERSION)
		return store_refuse_newer(s, from);
	if (from == STORE_SCHEMA_VERSION)
		return 0;
	if (store_exec(s, "BEGIN IMMEDIATE", "no se pudo iniciar la migración") < 0)
		return -1;
	/* Another process may have migrated between the read above and the lock. */
	if (store_user_version(s, &from) < 0)
		goto fail;
	if (from > STORE_SCHEMA_VERSION) {
		store_refuse_newer(s, from);
		goto fail;
	}
	if (from == STORE_SCHEMA_VERSION) {
		if (store_exec(s, "COMMIT", "no se pudo cerrar la migración") < 0)
			goto fail;
		return 0;
	}
	for (int i = from; i < STORE_SCHEMA_VERSION; i++) {
		char what[STORE_PRAGMA_LEN];

		snprintf(what, sizeof(what), "migración %d del esquema", i + 1);
		if (store_exec(s, store_migrations[i], what) < 0)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", i + 1);
		if (store_exec(s, pragma, what) < 0)
			goto fail;
	}
	if (store_exec(s, "COMMIT", "no se pudo confirmar la migración") < 0)
		goto fail;
	log_info(STORE_MODULE, "esquema de la base de datos llevado de la versión %d a la %d", from,
		 STORE_SCHEMA_VERSION);
	return 0;
fail:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int store_configure(struct store *s)
{
	char mode[STORE_PRAGMA_LEN];

	if (store_pragma_text(s, "PRAGMA journal_mode = WAL", mode, sizeof(mode)) < 0)
		return -1;
	if (strcmp(mode, "wal") != 0) {
		set_error(s->err, sizeof(s->err),
			  "no se pudo activar el modo WAL (el sistema de archivos quedó en '%s')",
			  mode);
		return -1;
	}
	if (store_exec(s, "PRAGMA synchronous = NORMAL", "synchronous") < 0)
		return -1;
	if (store_exec(s, "PRAGMA foreign_keys = ON", "foreign_keys") < 0)
		return -1;
	return 0;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = NULL;
	int fd;
	int version;

	if (path == NULL || *path == '\0') {
		set_error(err, errlen, "falta la ruta de la base de datos");
		return NULL;
	}
	/* Personal data: a new file is created readable by the service user only. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, STORE_FILE_MODE);
	if (fd >= 0) {
		close(fd);
	} else if (errno != EEXIST) {
		set_error(err, errlen, "%s: no se pudo crear la base de datos: %s", path,
			  strerror(errno));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	store_cache_init(s);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		if (s->db == NULL) {
			set_error(err, errlen, "%s: no se pudo abrir la base de datos", path);
			goto fail_quiet;
		}
		store_set_sqlite_error(s, "no se pudo abrir la base de datos");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS) != SQLITE_OK) {
		store_set_sqlite_error(s, "busy_timeout");
		goto fail;
	}
	/* Refuse a newer schema before touching anything, journal mode included. */
	if (store_user_version(s, &version) < 0)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		store_refuse_newer(s, version);
		goto fail;
	}
	if (store_configure(s) < 0)
		goto fail;
	if (store_api_register(s) < 0)
		goto fail;
	if (store_migrate(s) < 0)
		goto fail;
	return s;
fail:
	set_error(err, errlen, "%s: %s", path, s->err);
fail_quiet:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	store_cache_free(s);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_error(STORE_MODULE, "no se pudo cerrar la base de datos: %s",
			  sqlite3_errmsg(s->db));
	free(s);
}

int store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

const char *store_errmsg(struct store *s)
{
	return s->err;
}

/* ---- Transactions */

static int store_simple(struct store *s, enum store_stmt_id id, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, id);

	if (st == NULL)
		return -1;
	return store_run(s, st, what);
}

int store_begin(struct store *s)
{
	return store_simple(s, STORE_STMT_BEGIN, "no se pudo iniciar la transacción");
}

int store_commit(struct store *s)
{
	return store_simple(s, STORE_STMT_COMMIT, "no se pudo confirmar la transacción");
}

int store_rollback(struct store *s)
{
	/* A failed COMMIT or some errors already ended the transaction: nothing to undo. */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_simple(s, STORE_STMT_ROLLBACK, "no se pudo deshacer la transacción");
}

/* Opens a write transaction (BEGIN IMMEDIATE) unless the caller holds one; *own says
 * whether this call opened it. 0 or -1. */
static int store_txn_begin(struct store *s, int *own)
{
	*own = sqlite3_get_autocommit(s->db);
	return *own ? store_begin(s) : 0;
}

/* Ends what store_txn_begin opened (nothing when own is 0: the caller's transaction goes
 * on): rc >= 0 commits, rc < 0 rolls back. A failed commit rolls back too. Whichever
 * failed first keeps its message in s->err: the rollback's own is not the cause. Returns
 * rc, or -1 when the commit failed. */
static int store_txn_end(struct store *s, int own, int rc)
{
	char first[STORE_ERR_LEN];

	if (!own)
		return rc;
	if (rc >= 0 && store_commit(s) == 0)
		return rc;
	strlcpy_s(first, s->err, sizeof(first));
	store_rollback(s);
	strlcpy_s(s->err, first, sizeof(s->err));
	return rc >= 0 ? -1 : rc;
}

/* ---- Filings */

/* Binds ?1..?13 (the source fields of f, in store_filing_fields order) and the hashes,
 * con_detalle and now after them. 0 or -1 (st readied). */
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
			     store_text(hash_lista), store_int(f->has_detail != 0),
			     store_text(now));
}

/* Loads the stored filing numero into f (fields replaced). When id / hash_ds are not
 * NULL they receive the row id and the stored source hash. 1 found, 0 not, -1 error. */
static int store_filing_load(struct store *s, const char *numero, struct filing *f, long long *id,
			     char hash_ds[STORE_HASH_LEN + 1])
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_GET);
	int found;

	if (store_bind(s, st, store_text(numero)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer el radicado");
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
	if (id != NULL)
		*id = sqlite3_column_int64(st, STORE_COL_ID);
	if (hash_ds != NULL)
		strlcpy_s(hash_ds, store_column_text(st, STORE_COL_HASH_DS), STORE_HASH_LEN + 1);
	store_stmt_done(st);
	return 1;
}

/* Inserts a gestion row. usuario_id <= 0 and satisfactorio < 0 store NULL; datos may
 * be NULL. Returns 0 or -1. */
static int store_gestion_insert(struct store *s, long long radicado_id, const char *tipo,
				long long usuario_id, const char *fecha, const char *texto,
				int satisfactorio, const char *datos)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_GESTION_INSERT);

	if (store_bind(s, st, store_int(radicado_id), store_text(tipo), store_id(usuario_id),
		       store_text(fecha), store_text(texto), store_flag(satisfactorio),
		       store_text(datos)) < 0)
		return -1;
	return store_run(s, st, "no se pudo registrar la gestión");
}

static int store_filing_insert(struct store *s, const struct filing *f, const char *tipo_tramite,
			       const char *now)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_INSERT);
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

	st = store_stmt(s, STORE_STMT_FOLLOW_UP_INSERT);
	if (tipo_tramite == NULL || *tipo_tramite == '\0')
		tipo_tramite = STORE_TIPO_TRAMITE_DEFAULT;
	if (store_bind(s, st, store_int(id), store_text(tipo_tramite), store_text(now)) < 0)
		return -1;
	return store_run(s, st, "no se pudo crear el seguimiento");
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
 * already knew changed, the cambio_sgd entry. *reported = whether an entry was written. */
static int store_filing_change(struct store *s, long long id, const struct filing *old,
			       const struct filing *merged, const char *hash_ds,
			       const char *hash_lista, const char *now, int *reported)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_UPDATE);
	struct buf text;
	json_t *datos = json_object();
	char *datos_text = NULL;
	char *entry = NULL;
	int rc = -1;

	buf_init(&text);
	*reported = 0;
	if (st == NULL)
		goto done;
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
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_SEEN);

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
	char hash_ds[STORE_HASH_LEN + 1];
	char hash_lista[STORE_HASH_LEN + 1];
	long long id = 0;
	int found;
	int reported;
	int rc = -1;

	filing_init(&old);
	if (f->numero == NULL || *f->numero == '\0') {
		set_error(s->err, sizeof(s->err), "radicado sin número");
		goto done;
	}
	found = store_filing_load(s, f->numero, &old, &id, old_hash_ds);
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
	merged.has_detail = f->has_detail || old.has_detail;
	filing_hash(&merged, 0, hash_ds);
	filing_hash(f, 1, hash_lista);
	if (strcmp(hash_ds, old_hash_ds) == 0) {
		if (store_filing_seen(s, id, hash_lista, merged.has_detail, now) < 0)
			goto done;
		*res = STORE_UPSERT_UNCHANGED;
		rc = 0;
		goto done;
	}
	if (store_filing_change(s, id, &old, &merged, hash_ds, hash_lista, now, &reported) < 0)
		goto done;
	*res = reported ? STORE_UPSERT_CHANGED : STORE_UPSERT_UNCHANGED;
	rc = 0;
done:
	if (rc < 0 && f->numero != NULL && *f->numero != '\0') {
		char msg[STORE_ERR_LEN];

		strlcpy_s(msg, s->err, sizeof(msg));
		set_error(s->err, sizeof(s->err), "radicado %s: %s", f->numero, msg);
	}
	filing_free(&old);
	return rc;
}

int store_touch_filing(struct store *s, const char *numero, const char *now)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_TOUCH);

	if (store_bind(s, st, store_text(numero), store_text(now)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo marcar el radicado como visto") < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int store_get_filing(struct store *s, const char *numero, struct filing *f)
{
	return store_filing_load(s, numero, f, NULL, NULL);
}

long store_count_filings(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_COUNT);
	long n;

	if (store_row(s, st, "no se pudieron contar los radicados") != 1)
		return -1;
	n = (long)sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return n;
}

int store_filing_hashes(struct store *s, const char *numero, char listed[65], char full[65])
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_LISTED_HASH);
	int found;

	if (store_bind(s, st, store_text(numero)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer el hash del radicado");
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
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_SYNC_GET);
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
	store_stmt_done(st);
	return 0;
}

int store_sync_set_cursor(struct store *s, const char *cursor, const char *kind)
{
	sqlite3_stmt *st;

	if (cursor == NULL || strlen(cursor) >= sizeof(((struct sync_state *)0)->cursor) ||
	    kind == NULL) {
		set_error(s->err, sizeof(s->err), "cursor de sincronización inválido");
		return -1;
	}
	st = store_stmt(s, STORE_STMT_SYNC_SET_CURSOR);
	if (store_bind(s, st, store_text(cursor), store_text(kind)) < 0)
		return -1;
	return store_run(s, st, "no se pudo guardar el cursor de sincronización");
}

/* Copies error into out cut at STORE_SYNC_ERROR_MAX bytes on a UTF-8 character
 * boundary, so the stored text reads back whole into sync_state.last_error. */
static void store_cut_error(const char *error, char *out, size_t outlen)
{
	size_t n = strlen(error);

	if (n > outlen - 1) {
		n = outlen - 1;
		while (n > 0 && ((unsigned char)error[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, error, n);
	out[n] = '\0';
}

/* The writes of store_sync_note_pass. 0 or -1. */
static int store_sync_note_write(struct store *s, int ok, const char *error, const char *now,
				 long filings_new, long filings_changed)
{
	sqlite3_stmt *st;

	if (store_simple(s, STORE_STMT_SYNC_ENSURE,
			 "no se pudo crear el estado de sincronización") < 0)
		return -1;
	st = store_stmt(s, STORE_STMT_SYNC_NOTE_PASS);
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

/* --- follow-up API --- */
/* Users, the follow-up row with its audit trail, gestiones, and the read views that the
 * HTTP API serves as JSON (built by SQLite's json1 functions, so no row is copied twice).
 * The list's SQL depends on which filters are present and is cached per shape. */

#define STORE_API_AUTOCHECKPOINT 1000 /* WAL frames: SQLite's default, kept by our WAL hook */
/* Page cache per connection, KiB (SQLite's default is 2 MiB): the list's indexes of 100,000
 * filings stay in memory instead of being read again for every count. */
#define STORE_API_CACHE_KIB 16384
#define STORE_API_BUSY_CODE SQLITE_BUSY
#define STORE_API_INT_MAX 9007199254740991L /* 2^53 - 1: exact in JSON numbers */

#define STORE_API_USER_COLS "id, nombre, rol, activo, creado"

/* NULL: built from store_fu_columns on first use (store_api_build_sql). */
static const char *const store_api_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_USER_ADD] = "INSERT INTO usuario (nombre, rol, token_hash, activo, creado)"
			    " VALUES (?1, ?2, ?3, 1, ?4)",
    [STORE_STMT_USER_SET_TOKEN] = "UPDATE usuario SET token_hash = ?2 WHERE id = ?1",
    [STORE_STMT_USER_SET_ACTIVE] = "UPDATE usuario SET activo = ?2 WHERE id = ?1",
    [STORE_STMT_USER_BY_TOKEN] =
	"SELECT " STORE_API_USER_COLS " FROM usuario WHERE token_hash = ?1",
    [STORE_STMT_USER_GET] = "SELECT " STORE_API_USER_COLS " FROM usuario WHERE id = ?1",
    [STORE_STMT_USER_LIST] = "SELECT " STORE_API_USER_COLS " FROM usuario ORDER BY id",
    [STORE_STMT_AUDIT_INSERT] =
	"INSERT INTO auditoria (radicado_id, usuario_id, fecha, campo, valor_anterior,"
	" valor_nuevo) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STORE_STMT_LAWYER_LOAD] =
	"SELECT u.id, u.nombre, u.rol, u.activo, u.creado, s.estado, s.tipo_tramite,"
	" count(s.radicado_id)"
	" FROM usuario u LEFT JOIN seguimiento s ON s.abogado_id = u.id"
	"  AND s.estado IN ('repartido', 'en_revision', 'devuelto')"
	" WHERE u.rol = 'abogado'"
	" GROUP BY u.id, s.estado, s.tipo_tramite"
	" ORDER BY u.nombre, u.id, s.estado, s.tipo_tramite",
    [STORE_STMT_COUNT_BY_ESTADO] = "SELECT estado, count(*) FROM seguimiento GROUP BY estado",
    [STORE_STMT_DATA_VERSION] = "PRAGMA data_version",
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
};

/* The list's sort orders: name and ORDER BY text (ties broken by the row id). */
static const struct {
	const char *name;
	const char *sql;
} store_list_orders[STORE_ORDER_COUNT] = {
    [STORE_ORDER_FECHA_DESC] = {"-fecha", "r.fecha_radicacion DESC, r.id DESC"},
    [STORE_ORDER_FECHA] = {"fecha", "r.fecha_radicacion, r.id"},
    [STORE_ORDER_NUMERO] = {"numero", "r.numero"},
    [STORE_ORDER_NUMERO_DESC] = {"-numero", "r.numero DESC"},
    [STORE_ORDER_ESTADO] = {"estado", "s.estado, r.fecha_radicacion DESC, r.id DESC"},
    [STORE_ORDER_ESTADO_DESC] = {"-estado", "s.estado DESC, r.fecha_radicacion DESC, r.id DESC"},
    [STORE_ORDER_TIPO_TRAMITE] = {"tipo_tramite",
				  "s.tipo_tramite, r.fecha_radicacion DESC, r.id DESC"},
    [STORE_ORDER_TIPO_TRAMITE_DESC] = {"-tipo_tramite",
				       "s.tipo_tramite DESC, r.fecha_radicacion DESC, r.id DESC"},
    [STORE_ORDER_FECHA_REPARTO] = {"fecha_reparto",
				   "s.fecha_reparto IS NULL, s.fecha_reparto, r.id"},
    [STORE_ORDER_FECHA_REPARTO_DESC] = {"-fecha_reparto",
					"s.fecha_reparto IS NULL, s.fecha_reparto DESC, r.id DESC"},
};

/* One list row: what a list view shows; the sender (personal data) and the rest of the
 * follow-up come with the filing itself (GET /api/radicados/{numero}). */
#define STORE_API_LIST_ROW                                                                         \
	"json_object('numero', r.numero, 'fecha_radicacion', r.fecha_radicacion,"                  \
	" 'asunto', r.asunto, 'dependencia_origen_nombre', r.dependencia_origen_nombre,"           \
	" 'estado_ds', r.estado_ds, 'tipo_tramite', s.tipo_tramite, 'modalidad', s.modalidad,"     \
	" 'estado', s.estado, 'abogado_id', s.abogado_id, 'abogado', u.nombre,"                    \
	" 'fecha_reparto', s.fecha_reparto, 'devoluciones', s.devoluciones,"                       \
	" 'concluido_satisfactorio',"                                                              \
	" json(CASE s.concluido_satisfactorio WHEN 1 THEN 'true' WHEN 0 THEN 'false' END),"        \
	" 'fecha_conclusion', s.fecha_conclusion, 'version', s.version)"

/* The SQL LIKE parameters of the q words start here; limit and offset follow them. */
#define STORE_API_PARAM_TERMS 7
#define STORE_API_PARAM_LIMIT (STORE_API_PARAM_TERMS + STORE_LIST_MAX_TERMS)
#define STORE_API_PARAM_OFFSET (STORE_API_PARAM_LIMIT + 1)

/* Commits by any connection of this process (store_commits). */
static atomic_ullong store_api_commits;

/* Runs after every commit in WAL mode: counts it, then does what SQLite's default hook does
 * (a passive checkpoint once the WAL holds STORE_API_AUTOCHECKPOINT frames). */
static int store_api_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)arg;
	atomic_fetch_add(&store_api_commits, 1);
	if (frames >= STORE_API_AUTOCHECKPOINT)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

unsigned long long store_commits(void)
{
	return atomic_load(&store_api_commits);
}

/* segcont_fold(text): classify_fold as an SQL function, for asunto_busqueda. */
static void store_api_fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *t;

	(void)argc;
	t = sqlite3_value_text(argv[0]);
	if (t == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, classify_fold((const char *)t), -1, free);
}

static int store_api_register(struct store *s)
{
	char pragma[STORE_PRAGMA_LEN];

	if (sqlite3_create_function_v2(s->db, "segcont_fold", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       store_api_fold_fn, NULL, NULL, NULL) != SQLITE_OK) {
		store_set_sqlite_error(s, "no se pudo registrar segcont_fold");
		return -1;
	}
	sqlite3_wal_hook(s->db, store_api_wal_hook, NULL);
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", STORE_API_CACHE_KIB);
	return store_exec(s, pragma, "cache_size");
}

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

int store_list_order_parse(const char *name)
{
	for (int i = 0; i < STORE_ORDER_COUNT; i++) {
		if (strcmp(store_list_orders[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* The SQL of the statements whose text follows store_fu_columns (arg points to the
 * statement id). Returns a new string. */
static char *store_api_build_sql(const void *arg)
{
	enum store_stmt_id id = *(const enum store_stmt_id *)arg;
	struct buf b;

	buf_init(&b);
	switch (id) {
	case STORE_STMT_FU_GET:
		buf_puts(&b, "SELECT s.radicado_id, r.estado_ds");
		for (int i = 0; i < STORE_FU_COUNT; i++)
			buf_printf(&b, ", s.%s", store_fu_columns[i].name);
		buf_puts(&b, " FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
			     " WHERE r.numero = ?1");
		break;
	case STORE_STMT_FU_UPDATE:
		/* ?1..?COUNT the fields (creado kept), then radicado_id and the old version. */
		buf_puts(&b, "UPDATE seguimiento SET ");
		for (int i = 0; i < STORE_FU_COUNT; i++) {
			if (i == STORE_FU_CREADO)
				continue;
			buf_printf(&b, "%s%s = ?%d", i > 0 ? ", " : "", store_fu_columns[i].name,
				   i + 1);
		}
		buf_printf(&b, " WHERE radicado_id = ?%d AND version = ?%d", STORE_FU_COUNT + 1,
			   STORE_FU_COUNT + 2);
		break;
	case STORE_STMT_FILING_JSON:
		buf_puts(
		    &b,
		    "SELECT json_object('radicado', json_object('numero', r.numero,"
		    " 'tipo_radicado', r.tipo_radicado, 'fecha_radicacion', r.fecha_radicacion,"
		    " 'asunto', r.asunto, 'folios', r.folios, 'ruta', r.ruta,"
		    " 'dependencia_origen', r.dependencia_origen,"
		    " 'dependencia_origen_nombre', r.dependencia_origen_nombre,"
		    " 'dependencia_actual', r.dependencia_actual, 'remitente', r.remitente,"
		    " 'tipo_documental', r.tipo_documental,"
		    " 'tipo_documental_nombre', r.tipo_documental_nombre, 'estado_ds', r.estado_ds,"
		    " 'visto_primero', r.visto_primero, 'visto_ultimo', r.visto_ultimo),"
		    " 'seguimiento', json_object(");
		for (int i = 0; i < STORE_FU_COUNT; i++) {
			const char *n = store_fu_columns[i].name;

			if (i > 0)
				buf_puts(&b, ", ");
			if (store_fu_columns[i].kind == STORE_FU_KIND_BOOL)
				buf_printf(&b,
					   "'%s', json(CASE s.%s WHEN 1 THEN 'true' WHEN 0 THEN"
					   " 'false' END)",
					   n, n);
			else
				buf_printf(&b, "'%s', s.%s", n, n);
			if (i == STORE_FU_ABOGADO_ID)
				buf_puts(&b, ", 'abogado', u.nombre");
		}
		buf_puts(&b,
			 "), 'gestiones', json((SELECT json_group_array(json_object('id', g.id,"
			 " 'tipo', g.tipo, 'fecha', g.fecha, 'usuario_id', g.usuario_id,"
			 " 'usuario', gu.nombre, 'texto', g.texto, 'satisfactorio',"
			 " json(CASE g.satisfactorio WHEN 1 THEN 'true' WHEN 0 THEN 'false' END),"
			 " 'datos', json(g.datos)))"
			 " FROM gestion g LEFT JOIN usuario gu ON gu.id = g.usuario_id"
			 " WHERE g.radicado_id = r.id)),"
			 " 'auditoria', json((SELECT json_group_array(json_object('id', a.id,"
			 " 'fecha', a.fecha, 'usuario_id', a.usuario_id, 'usuario', au.nombre,"
			 " 'campo', a.campo, 'valor_anterior', a.valor_anterior,"
			 " 'valor_nuevo', a.valor_nuevo))"
			 " FROM auditoria a LEFT JOIN usuario au ON au.id = a.usuario_id"
			 " WHERE a.radicado_id = r.id)))"
			 " FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
			 " LEFT JOIN usuario u ON u.id = s.abogado_id WHERE r.numero = ?1");
		break;
	default:
		break;
	}
	return buf_steal(&b);
}

/* Returns the cached statement (prepared on first use) or NULL with s->err. */
static sqlite3_stmt *store_api_stmt(struct store *s, enum store_stmt_id id)
{
	if (store_api_sql[id] == NULL)
		return store_cache_shape(s, id, 0, store_api_build_sql, &id,
					 "no se pudo preparar una consulta");
	return store_cache_stmt(s, id, store_api_sql[id], "no se pudo preparar una consulta");
}

int store_last_busy(struct store *s)
{
	return (sqlite3_extended_errcode(s->db) & 0xff) == STORE_API_BUSY_CODE;
}

int store_data_version(struct store *s, unsigned long long *out)
{
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_DATA_VERSION);
	unsigned long long v;

	if (st == NULL)
		return -1;
	if (store_row(s, st, "no se pudo leer data_version") != 1)
		return -1;
	v = (unsigned long long)sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	*out = v;
	return 0;
}

/* ---- Users */

static void store_api_read_user(sqlite3_stmt *st, struct store_user *u)
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
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_USER_ADD);

	if (store_bind(s, st, store_text(nombre), store_text(rol), store_text(token_hash),
		       store_text(now)) < 0)
		return -1;
	if (store_run(s, st, "no se pudo crear el usuario") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Runs a statement that takes (id, v) and answers whether it changed a row: 1, 0 or -1. */
static int store_api_set(struct store *s, enum store_stmt_id id, long long row, struct store_val v,
			 const char *what)
{
	sqlite3_stmt *st = store_api_stmt(s, id);

	if (store_bind(s, st, store_int(row), v) < 0)
		return -1;
	if (store_run(s, st, what) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int store_user_set_token(struct store *s, long long id, const char *token_hash)
{
	return store_api_set(s, STORE_STMT_USER_SET_TOKEN, id, store_text(token_hash),
			     "no se pudo cambiar el token");
}

int store_user_set_active(struct store *s, long long id, int activo)
{
	return store_api_set(s, STORE_STMT_USER_SET_ACTIVE, id, store_int(activo != 0),
			     "no se pudo cambiar el estado del usuario");
}

/* Reads the one user st (bound) answers: 1 found, 0 not, -1 error. */
static int store_api_user_one(struct store *s, sqlite3_stmt *st, struct store_user *u)
{
	int found = store_row(s, st, "no se pudo leer el usuario");

	if (found <= 0)
		return found;
	store_api_read_user(st, u);
	store_stmt_done(st);
	return 1;
}

int store_user_by_token(struct store *s, const char *token_hash, struct store_user *u)
{
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_USER_BY_TOKEN);

	if (store_bind(s, st, store_text(token_hash)) < 0)
		return -1;
	return store_api_user_one(s, st, u);
}

int store_user_get(struct store *s, long long id, struct store_user *u)
{
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_USER_GET);

	if (store_bind(s, st, store_int(id)) < 0)
		return -1;
	return store_api_user_one(s, st, u);
}

struct store_api_user_each {
	int (*cb)(const struct store_user *u, void *arg);
	void *arg;
};

static int store_api_user_row(sqlite3_stmt *st, void *arg)
{
	const struct store_api_user_each *e = arg;
	struct store_user u;

	store_api_read_user(st, &u);
	return e->cb(&u, e->arg);
}

int store_user_list(struct store *s, int (*cb)(const struct store_user *u, void *arg), void *arg)
{
	struct store_api_user_each e = {cb, arg};

	return store_each(s, store_api_stmt(s, STORE_STMT_USER_LIST), store_api_user_row, &e,
			  "no se pudieron listar los usuarios");
}

/* ---- The follow-up row */

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
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_FU_GET);
	int found;

	if (store_bind(s, st, store_text(numero)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer el seguimiento");
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
static int store_api_bind_fu(struct store *s, sqlite3_stmt *st, int idx, enum store_fu_field f,
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
		if (parse_long(v, 0, STORE_API_INT_MAX, &n) < 0) {
			set_error(s->err, sizeof(s->err), "valor entero inválido para %s",
				  store_fu_columns[f].name);
			store_stmt_done(st);
			return -1;
		}
		return store_bind_at(s, st, idx, store_int(n));
	default:
		return store_bind_at(s, st, idx, store_text(v));
	}
}

static int store_api_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The text an audit row shows for a value: booleans as true/false. Borrowed. */
static const char *store_api_audit_value(enum store_fu_field f, const char *v)
{
	if (v == NULL || store_fu_columns[f].kind != STORE_FU_KIND_BOOL)
		return v;
	return strcmp(v, "0") == 0 ? "false" : "true";
}

static int store_api_audit(struct store *s, long long radicado_id, long long usuario_id,
			   const char *now, const char *campo, const char *antes,
			   const char *despues)
{
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_AUDIT_INSERT);

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
	    parse_long(old->v[STORE_FU_VERSION], 1, STORE_API_INT_MAX, &old_version) < 0) {
		set_error(s->err, sizeof(s->err), "versión del seguimiento ilegible");
		return -1;
	}
	snprintf(next_version, sizeof(next_version), "%ld", old_version + 1);
	st = store_api_stmt(s, STORE_STMT_FU_UPDATE);
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
		if (store_api_bind_fu(s, st, i + 1, (enum store_fu_field)i, v) < 0)
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
		if (store_api_same(old->v[i], cur->v[i]))
			continue;
		if (store_api_audit(s, old->radicado_id, usuario_id, now, store_fu_columns[i].name,
				    store_api_audit_value(f, old->v[i]),
				    store_api_audit_value(f, cur->v[i])) < 0)
			return -1;
		(*nchanged)++;
	}
	return 0;
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
	return store_api_audit(s, radicado_id, usuario_id, now, "gestion", NULL, ref);
}

/* ---- Read views */

/* Appends the LIKE pattern of one folded word ("%word%", with % _ \ escaped). */
static void store_api_like(struct buf *b, const char *word, size_t n)
{
	buf_puts(b, "%");
	for (size_t i = 0; i < n; i++) {
		if (word[i] == '%' || word[i] == '_' || word[i] == '\\')
			buf_puts(b, "\\");
		buf_append(b, word + i, 1);
	}
	buf_puts(b, "%");
}

/* Splits folded q into at most STORE_LIST_MAX_TERMS LIKE patterns. Returns the count. */
static int store_api_terms(const char *q, struct buf terms[STORE_LIST_MAX_TERMS])
{
	char *folded;
	const char *p;
	int n = 0;

	if (q == NULL)
		return 0;
	folded = classify_fold(q);
	p = folded;
	while (*p != '\0' && n < STORE_LIST_MAX_TERMS) {
		size_t len;

		p += strspn(p, " \t\r\n");
		len = strcspn(p, " \t\r\n");
		if (len == 0)
			break;
		buf_init(&terms[n]);
		store_api_like(&terms[n], p, len);
		n++;
		p += len;
	}
	free(folded);
	return n;
}

/* The shape of a list query: which filters are present, how many words, which order. */
static int store_api_shape_key(const struct store_list_query *q, int nterms)
{
	int key = 0;

	key |= q->estado != NULL ? 1 : 0;
	key |= q->abogado_id > 0 ? 2 : 0;
	key |= q->tipo_tramite != NULL ? 4 : 0;
	key |= q->desde != NULL ? 8 : 0;
	key |= q->hasta_excl != NULL ? 16 : 0;
	key |= q->ids_json != NULL ? 32 : 0;
	return key | nterms << 6 | (int)q->orden << 10;
}

/* Appends the WHERE clause of a shape ("" without filters); *uses_s and *uses_r say
 * whether it reads seguimiento and radicado columns. */
static void store_api_where(const struct store_list_query *q, int nterms, struct buf *b,
			    int *uses_s, int *uses_r)
{
	const char *and = " WHERE ";

	*uses_s = q->estado != NULL || q->abogado_id > 0 || q->tipo_tramite != NULL;
	*uses_r = q->desde != NULL || q->hasta_excl != NULL || q->ids_json != NULL || nterms > 0;
	buf_puts(b, ""); /* b->data is a string even without filters */
	if (q->estado != NULL) {
		buf_printf(b, "%ss.estado = ?1", and);
		and = " AND ";
	}
	if (q->abogado_id > 0) {
		buf_printf(b, "%ss.abogado_id = ?2", and);
		and = " AND ";
	}
	if (q->tipo_tramite != NULL) {
		buf_printf(b, "%ss.tipo_tramite = ?3", and);
		and = " AND ";
	}
	if (q->desde != NULL) {
		buf_printf(b, "%sr.fecha_radicacion >= ?4", and);
		and = " AND ";
	}
	if (q->hasta_excl != NULL) {
		buf_printf(b, "%sr.fecha_radicacion < ?5", and);
		and = " AND ";
	}
	if (q->ids_json != NULL) {
		buf_printf(b, "%sr.id IN (SELECT value FROM json_each(?6))", and);
		and = " AND ";
	}
	for (int i = 0; i < nterms; i++) {
		buf_printf(b,
			   "%s(r.asunto_busqueda LIKE ?%d ESCAPE '\\'"
			   " OR r.numero LIKE ?%d ESCAPE '\\')",
			   and, STORE_API_PARAM_TERMS + i, STORE_API_PARAM_TERMS + i);
		and = " AND ";
	}
}

/* A list query and its number of words, as the list's SQL builders read them. */
struct store_api_shape {
	const struct store_list_query *q;
	int nterms;
};

/* The count statement of a list shape (arg: struct store_api_shape). A new string. */
static char *store_api_count_sql(const void *arg)
{
	const struct store_api_shape *sh = arg;
	struct buf where;
	struct buf sql;
	int uses_s;
	int uses_r;

	buf_init(&where);
	buf_init(&sql);
	store_api_where(sh->q, sh->nterms, &where, &uses_s, &uses_r);
	/* Count from the one table the filters need (each filing has exactly one follow-up),
	 * joining only when they need both. */
	if (uses_s && uses_r)
		buf_printf(&sql,
			   "SELECT count(*) FROM seguimiento s JOIN radicado r"
			   " ON r.id = s.radicado_id%s",
			   where.data);
	else
		buf_printf(&sql, "SELECT count(*) FROM %s%s",
			   uses_s ? "seguimiento s" : "radicado r", where.data);
	buf_free(&where);
	return buf_steal(&sql);
}

/* The page statement of a list shape (arg: struct store_api_shape). A new string. */
static char *store_api_page_sql(const void *arg)
{
	const struct store_api_shape *sh = arg;
	struct buf where;
	struct buf sql;
	int uses_s;
	int uses_r;

	buf_init(&where);
	buf_init(&sql);
	store_api_where(sh->q, sh->nterms, &where, &uses_s, &uses_r);
	buf_printf(&sql,
		   "SELECT " STORE_API_LIST_ROW " FROM radicado r"
		   " JOIN seguimiento s ON s.radicado_id = r.id"
		   " LEFT JOIN usuario u ON u.id = s.abogado_id%s ORDER BY %s LIMIT ?%d OFFSET ?%d",
		   where.data, store_list_orders[sh->q->orden].sql, STORE_API_PARAM_LIMIT,
		   STORE_API_PARAM_OFFSET);
	buf_free(&where);
	return buf_steal(&sql);
}

/* Binds the filters present in q to st (count or page statement). 0 or -1 (st readied). */
static int store_api_bind_filters(struct store *s, sqlite3_stmt *st,
				  const struct store_list_query *q, struct buf *terms, int nterms)
{
	if (q->estado != NULL && store_bind_at(s, st, 1, store_text(q->estado)) < 0)
		return -1;
	if (q->abogado_id > 0 && store_bind_at(s, st, 2, store_int(q->abogado_id)) < 0)
		return -1;
	if (q->tipo_tramite != NULL && store_bind_at(s, st, 3, store_text(q->tipo_tramite)) < 0)
		return -1;
	if (q->desde != NULL && store_bind_at(s, st, 4, store_text(q->desde)) < 0)
		return -1;
	if (q->hasta_excl != NULL && store_bind_at(s, st, 5, store_text(q->hasta_excl)) < 0)
		return -1;
	if (q->ids_json != NULL && store_bind_at(s, st, 6, store_text(q->ids_json)) < 0)
		return -1;
	for (int i = 0; i < nterms; i++) {
		if (store_bind_at(s, st, STORE_API_PARAM_TERMS + i, store_text(terms[i].data)) < 0)
			return -1;
	}
	return 0;
}

struct store_api_page_each {
	struct buf *out;
	int first;
};

/* Appends one list row (JSON text) to the array being written. */
static int store_api_page_row(sqlite3_stmt *st, void *arg)
{
	struct store_api_page_each *e = arg;
	const char *row = (const char *)sqlite3_column_text(st, 0);
	int n = sqlite3_column_bytes(st, 0);

	if (!e->first)
		buf_puts(e->out, ",");
	e->first = 0;
	buf_append(e->out, row != NULL ? row : "null", row != NULL ? (size_t)n : 4);
	return 0;
}

/* The count (unless q knows it) and the page of q, inside a read transaction. 0 or -1. */
static int store_api_list_read(struct store *s, const struct store_list_query *q,
			       sqlite3_stmt *count, sqlite3_stmt *page, struct buf *terms,
			       int nterms, long long *total, struct buf *out)
{
	struct store_api_page_each e = {out, 1};

	if (q->total_known >= 0) {
		*total = q->total_known;
	} else {
		if (store_api_bind_filters(s, count, q, terms, nterms) < 0)
			return -1;
		if (store_row(s, count, "no se pudo contar el listado") != 1)
			return -1;
		*total = sqlite3_column_int64(count, 0);
		store_stmt_done(count);
	}
	if (store_api_bind_filters(s, page, q, terms, nterms) < 0 ||
	    store_bind_at(s, page, STORE_API_PARAM_LIMIT, store_int(q->limit),
			  store_int(q->offset)) < 0)
		return -1;
	buf_puts(out, "[");
	if (store_each(s, page, store_api_page_row, &e, "no se pudo leer el listado") < 0)
		return -1;
	buf_puts(out, "]");
	return 0;
}

int store_list_json(struct store *s, const struct store_list_query *q, long long *total,
		    struct buf *out)
{
	struct buf terms[STORE_LIST_MAX_TERMS];
	int nterms = store_api_terms(q->q, terms);
	struct store_api_shape shape = {q, nterms};
	int key = store_api_shape_key(q, nterms);
	sqlite3_stmt *count;
	sqlite3_stmt *page;
	int rc = -1;

	if (q->orden < 0 || q->orden >= STORE_ORDER_COUNT) {
		set_error(s->err, sizeof(s->err), "orden de listado desconocido");
		goto done;
	}
	count = store_cache_shape(s, STORE_STMT_LIST_COUNT, key, store_api_count_sql, &shape,
				  "no se pudo preparar la consulta del listado");
	if (count == NULL)
		goto done;
	page = store_cache_shape(s, STORE_STMT_LIST_PAGE, key, store_api_page_sql, &shape,
				 "no se pudo preparar la consulta del listado");
	if (page == NULL)
		goto done;
	/* Count and page in one read transaction, so the total matches the page. */
	if (store_exec(s, "BEGIN", "no se pudo iniciar la lectura") < 0)
		goto done;
	rc = store_api_list_read(s, q, count, page, terms, nterms, total, out);
	if (rc == 0 && store_exec(s, "COMMIT", "no se pudo cerrar la lectura") < 0)
		rc = -1;
	if (rc < 0 && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
done:
	for (int i = 0; i < nterms; i++)
		buf_free(&terms[i]);
	return rc;
}

int store_filing_json(struct store *s, const char *numero, struct buf *out)
{
	sqlite3_stmt *st = store_api_stmt(s, STORE_STMT_FILING_JSON);
	int found;

	if (store_bind(s, st, store_text(numero)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer el radicado");
	if (found <= 0)
		return found;
	buf_append(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	store_stmt_done(st);
	return 1;
}

struct store_api_load_each {
	int (*cb)(const struct store_user *u, const char *estado, const char *tipo_tramite,
		  long long count, void *arg);
	void *arg;
};

static int store_api_load_row(sqlite3_stmt *st, void *arg)
{
	const struct store_api_load_each *e = arg;
	struct store_user u;
	int has = sqlite3_column_type(st, 5) != SQLITE_NULL;

	store_api_read_user(st, &u);
	return e->cb(&u, has ? store_column_text(st, 5) : NULL,
		     has ? store_column_text(st, 6) : NULL, sqlite3_column_int64(st, 7), e->arg);
}

int store_lawyer_load(struct store *s,
		      int (*cb)(const struct store_user *u, const char *estado,
				const char *tipo_tramite, long long count, void *arg),
		      void *arg)
{
	struct store_api_load_each e = {cb, arg};

	return store_each(s, store_api_stmt(s, STORE_STMT_LAWYER_LOAD), store_api_load_row, &e,
			  "no se pudo leer la carga por abogado");
}

struct store_count_each {
	int (*cb)(const char *key, long long n, void *arg);
	void *arg;
};

static int store_count_row(sqlite3_stmt *st, void *arg)
{
	const struct store_count_each *e = arg;

	return e->cb(store_column_text(st, 0), sqlite3_column_int64(st, 1), e->arg);
}

/* Steps st (bound), handing each (text, count) row to cb until it returns non-zero; readies
 * st. cb's value, 0 at the end, or -1 with what as the error. */
static int store_count_rows(struct store *s, sqlite3_stmt *st,
			    int (*cb)(const char *key, long long n, void *arg), void *arg,
			    const char *what)
{
	struct store_count_each e = {cb, arg};

	return store_each(s, st, store_count_row, &e, what);
}

int store_count_by_estado(struct store *s, int (*cb)(const char *estado, long long n, void *arg),
			  void *arg)
{
	return store_count_rows(s, store_api_stmt(s, STORE_STMT_COUNT_BY_ESTADO), cb, arg,
				"no se pudieron contar los seguimientos");
}

/* --- indicators and export --- */
/* One read view for indicators.c and export.c: every filing with its follow-up, its
 * lawyer's name and the gestiones that move the business-day clock. Its SQL depends on
 * which filters are present, so it is built and prepared per call; one call reads many
 * rows, and preparing is a small part of it. */

#define STORE_SLA_EVENT_TYPES                                                                      \
	"('reparto', 'reasignacion', 'devolucion', 'reingreso', 'conclusion', 'reapertura')"

/* The SQL of a query shape (arg: the struct store_sla_query). Returns a new string. */
static char *store_sla_sql(const void *arg)
{
	const struct store_sla_query *q = arg;
	struct buf b;

	buf_init(&b);
	buf_puts(&b,
		 "SELECT r.id, r.numero, r.fecha_radicacion, r.asunto, r.dependencia_origen,"
		 " r.dependencia_origen_nombre, r.estado_ds, s.tipo_tramite, s.modalidad,"
		 " s.novedad, s.tipo_gestion, s.abogado_id, u.nombre, s.fecha_reparto, s.estado,"
		 " s.concluido_satisfactorio, s.fecha_conclusion, s.numero_contrato,"
		 " s.contratista, s.valor, s.fecha_rp, s.fecha_aprobacion_garantias, s.fecha_arl,"
		 " s.fecha_acta_inicio, s.publicado_secop, s.observaciones, s.devoluciones,"
		 " (SELECT group_concat(e, ';') FROM (SELECT g.id || '|' || g.tipo || '|' ||"
		 "  g.fecha AS e FROM gestion g WHERE g.radicado_id = r.id AND g.tipo "
		 "IN " STORE_SLA_EVENT_TYPES " ORDER BY g.fecha, g.id)),"
		 " (SELECT json_group_array(json_array(o.fecha, o.texto)) FROM (SELECT g.fecha,"
		 "  g.texto FROM gestion g WHERE g.radicado_id = r.id AND g.tipo = 'observacion'"
		 "  AND g.texto <> '' ORDER BY g.fecha, g.id) o)"
		 " FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
		 " LEFT JOIN usuario u ON u.id = s.abogado_id WHERE 1");
	if (q->desde != NULL || q->hasta_excl != NULL) {
		buf_puts(&b, " AND ((1");
		if (q->desde != NULL)
			buf_puts(&b, " AND r.fecha_radicacion >= ?1");
		if (q->hasta_excl != NULL)
			buf_puts(&b, " AND r.fecha_radicacion < ?2");
		buf_puts(&b, ")");
		if (q->mas_abiertos)
			buf_puts(&b, " OR s.estado IN ('repartido', 'en_revision', 'devuelto')");
		buf_puts(&b, ")");
	}
	if (q->numero != NULL)
		buf_puts(&b, " AND r.numero = ?3");
	if (q->solo_abiertos)
		buf_puts(&b, " AND s.estado IN ('repartido', 'en_revision', 'devuelto')");
	buf_puts(&b, " ORDER BY r.fecha_radicacion, r.numero");
	return buf_steal(&b);
}

static const char *store_sla_text_or_null(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	return store_column_text(st, col);
}

static void store_sla_read(sqlite3_stmt *st, struct store_sla_row *r)
{
	r->radicado_id = sqlite3_column_int64(st, 0);
	r->numero = store_column_text(st, 1);
	r->fecha_radicacion = store_column_text(st, 2);
	r->asunto = store_column_text(st, 3);
	r->dependencia_origen = store_column_text(st, 4);
	r->dependencia_origen_nombre = store_column_text(st, 5);
	r->estado_ds = store_column_text(st, 6);
	r->tipo_tramite = store_column_text(st, 7);
	r->modalidad = store_column_text(st, 8);
	r->novedad = store_column_text(st, 9);
	r->tipo_gestion = store_column_text(st, 10);
	r->abogado_id = sqlite3_column_int64(st, 11);
	r->abogado = store_column_text(st, 12);
	r->fecha_reparto = store_sla_text_or_null(st, 13);
	r->estado = store_column_text(st, 14);
	r->concluido_satisfactorio =
	    sqlite3_column_type(st, 15) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 15) != 0;
	r->fecha_conclusion = store_sla_text_or_null(st, 16);
	r->numero_contrato = store_column_text(st, 17);
	r->contratista = store_column_text(st, 18);
	r->valor_presente = sqlite3_column_type(st, 19) != SQLITE_NULL;
	r->valor = sqlite3_column_int64(st, 19);
	r->fecha_rp = store_sla_text_or_null(st, 20);
	r->fecha_aprobacion_garantias = store_sla_text_or_null(st, 21);
	r->fecha_arl = store_sla_text_or_null(st, 22);
	r->fecha_acta_inicio = store_sla_text_or_null(st, 23);
	r->publicado_secop = sqlite3_column_int(st, 24) != 0;
	r->observaciones = store_column_text(st, 25);
	r->devoluciones = (long)sqlite3_column_int64(st, 26);
	r->eventos = store_column_text(st, 27);
	r->notas = store_column_text(st, 28);
}

struct store_sla_each {
	int (*cb)(const struct store_sla_row *r, void *arg);
	void *arg;
};

static int store_sla_row(sqlite3_stmt *st, void *arg)
{
	const struct store_sla_each *e = arg;
	struct store_sla_row r;

	store_sla_read(st, &r);
	return e->cb(&r, e->arg);
}

int store_sla_rows(struct store *s, const struct store_sla_query *q,
		   int (*cb)(const struct store_sla_row *r, void *arg), void *arg)
{
	/* The SQL depends only on which filters are present: one cached statement each. */
	int shape = (q->desde != NULL) | (q->hasta_excl != NULL) << 1 |
		    (q->mas_abiertos != 0) << 2 | (q->numero != NULL) << 3 |
		    (q->solo_abiertos != 0) << 4;
	sqlite3_stmt *st = store_cache_shape(s, STORE_STMT_SLA_ROWS, shape, store_sla_sql, q,
					     "no se pudo preparar la consulta de plazos");
	struct store_sla_each e = {cb, arg};
	int rc;
	int own;

	if (st == NULL)
		return -1;
	if ((q->desde != NULL && store_bind_at(s, st, 1, store_text(q->desde)) < 0) ||
	    (q->hasta_excl != NULL && store_bind_at(s, st, 2, store_text(q->hasta_excl)) < 0) ||
	    (q->numero != NULL && store_bind_at(s, st, 3, store_text(q->numero)) < 0))
		return -1;
	/* One read transaction, so every row comes from the same snapshot (the caller's,
	 * when it already holds one). */
	own = sqlite3_get_autocommit(s->db);
	if (own && store_exec(s, "BEGIN", "no se pudo iniciar la lectura") < 0) {
		store_stmt_done(st);
		return -1;
	}
	rc = store_each(s, st, store_sla_row, &e, "no se pudieron leer los radicados");
	if (own)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* --- reconciliation --- */
/* The follow-up state reconcile.c compares, the discrepancia rows it keeps and the record of
 * its runs. */

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
	return store_cache_stmt(s, id, store_rc_sql[id],
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
	if (store_bind(s, st, store_text(numero)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer el seguimiento del radicado");
	if (found <= 0)
		return found;
	store_rc_read_local(st, out);
	out->numero = numero;
	store_stmt_done(st);
	return 1;
}

struct store_rc_local_each {
	int (*cb)(const struct store_rc_local *l, void *arg);
	void *arg;
};

static int store_rc_local_row(sqlite3_stmt *st, void *arg)
{
	const struct store_rc_local_each *e = arg;
	struct store_rc_local l;

	store_rc_read_local(st, &l);
	return e->cb(&l, e->arg);
}

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

struct store_rc_row_each {
	int (*cb)(const struct store_rc_row *r, void *arg);
	void *arg;
};

static int store_rc_row(sqlite3_stmt *st, void *arg)
{
	const struct store_rc_row_each *e = arg;
	struct store_rc_row r;

	store_rc_read_row(st, &r);
	return e->cb(&r, e->arg);
}

/* Steps st (bound) calling cb per row; readies st. Returns 0, cb's value, or -1. */
static int store_rc_rows(struct store *s, sqlite3_stmt *st,
			 int (*cb)(const struct store_rc_row *r, void *arg), void *arg,
			 const char *what)
{
	struct store_rc_row_each e = {cb, arg};

	return store_each(s, st, store_rc_row, &e, what);
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

/* The reads and writes of store_rc_resolve, inside its transaction: 1 resolved, 0 unknown
 * id, 2 not open, -1 error. */
static int store_rc_resolve_write(struct store *s, long long id, long long usuario_id,
				  const char *nota, const char *now)
{
	sqlite3_stmt *st = store_rc_stmt(s, STORE_STMT_RC_STATE_OF);
	char *numero;
	char *tipo;
	int found;
	int rc = -1;

	if (store_bind(s, st, store_int(id)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer la discrepancia");
	if (found <= 0)
		return found;
	if (strcmp(store_column_text(st, 0), "abierta") != 0) {
		store_stmt_done(st);
		return 2;
	}
	numero = xstrdup(store_column_text(st, 1));
	tipo = xstrdup(store_column_text(st, 2));
	store_stmt_done(st);
	st = store_rc_stmt(s, STORE_STMT_RC_RESOLVE);
	if (store_bind(s, st, store_int(id), store_id(usuario_id), store_text(nota),
		       store_text(now)) == 0 &&
	    store_run(s, st, "no se pudo resolver la discrepancia") == 0 &&
	    store_rc_audit(s, id, numero, tipo, usuario_id, nota, now) == 0)
		rc = 1;
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
	rc = store_rc_resolve_write(s, id, usuario_id, nota, now);
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

	if (store_bind(s, st, store_int(id)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer la discrepancia");
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
	/* One read transaction, so the total and the counts match the page. */
	int own = sqlite3_get_autocommit(s->db);
	int rc;

	if (own && store_exec(s, "BEGIN", "no se pudo iniciar la lectura") < 0)
		return -1;
	rc = store_rc_list_read(s, estado, tipo, limit, offset, total, cb, count_cb, arg);
	if (own)
		sqlite3_exec(s->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc;
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
