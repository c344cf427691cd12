/* store.c -- the SQLite follow-up record: numbered schema migrations, a per-connection
 * cache of prepared statements, transactions, filing upserts and the sync state row. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static const char *const store_migrations[] = {
    store_migration_1,
};

#define STORE_SCHEMA_VERSION ((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* ---- Statements: one enum entry and one SQL text each, prepared on first use and kept
 * for the connection's life. The filing statements bind the columns in the order of
 * store_filing_fields (?1 = numero ... ?12 = estado_ds). */

enum store_stmt_id {
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
	STORE_STMT_COUNT
};

static const char *const store_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STORE_STMT_COMMIT] = "COMMIT",
    [STORE_STMT_ROLLBACK] = "ROLLBACK",
    [STORE_STMT_FILING_GET] =
	"SELECT numero, tipo_radicado, fecha_radicacion, asunto, folios, ruta,"
	" dependencia_origen, dependencia_origen_nombre, dependencia_actual, remitente,"
	" tipo_documental, estado_ds, id, hash_ds, con_detalle"
	" FROM radicado WHERE numero = ?1",
    [STORE_STMT_FILING_INSERT] =
	"INSERT INTO radicado (numero, tipo_radicado, fecha_radicacion, asunto, folios,"
	" ruta, dependencia_origen, dependencia_origen_nombre, dependencia_actual,"
	" remitente, tipo_documental, estado_ds, hash_ds, hash_lista, con_detalle,"
	" visto_primero, visto_ultimo)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	" ?16, ?16)",
    [STORE_STMT_FILING_UPDATE] =
	"UPDATE radicado SET tipo_radicado = ?2, fecha_radicacion = ?3, asunto = ?4,"
	" folios = ?5, ruta = ?6, dependencia_origen = ?7, dependencia_origen_nombre = ?8,"
	" dependencia_actual = ?9, remitente = ?10, tipo_documental = ?11,"
	" estado_ds = ?12, hash_ds = ?13, hash_lista = ?14, con_detalle = ?15,"
	" visto_ultimo = ?16"
	" WHERE numero = ?1",
    [STORE_STMT_FILING_SEEN] = "UPDATE radicado SET visto_ultimo = ?2, hash_lista = ?3,"
			       " con_detalle = max(con_detalle, ?4)"
			       " WHERE id = ?1",
    [STORE_STMT_FILING_TOUCH] = "UPDATE radicado SET visto_ultimo = ?2 WHERE numero = ?1",
    [STORE_STMT_FILING_COUNT] = "SELECT count(*) FROM radicado",
    [STORE_STMT_LISTED_HASH] = "SELECT CASE WHEN con_detalle = 1 THEN hash_lista ELSE '' END"
			       " FROM radicado WHERE numero = ?1",
    [STORE_STMT_FOLLOW_UP_INSERT] =
	"INSERT INTO seguimiento (radicado_id, tipo_tramite, creado, actualizado)"
	" VALUES (?1, ?2, ?3, ?3)",
    [STORE_STMT_GESTION_INSERT] =
	"INSERT INTO gestion (radicado_id, tipo, usuario_id, fecha, texto, satisfactorio,"
	" datos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STORE_STMT_SYNC_GET] =
	"SELECT cursor, ultimo_intento, ultimo_exito, degradado_desde, ultimo_error,"
	" pasadas, fallos, nuevos, cambiados FROM sync_estado WHERE id = 1",
    [STORE_STMT_SYNC_ENSURE] =
	"INSERT INTO sync_estado (id) VALUES (1) ON CONFLICT (id) DO NOTHING",
    [STORE_STMT_SYNC_SET_CURSOR] = "INSERT INTO sync_estado (id, cursor) VALUES (1, ?1)"
				   " ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor",
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

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STORE_STMT_COUNT];
	char err[STORE_ERR_LEN];
};

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

/* Returns the cached statement id (prepared now if first used) or NULL with s->err. */
static sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id)
{
	if (s->stmt[id] != NULL)
		return s->stmt[id];
	if (sqlite3_prepare_v3(s->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
			       NULL) != SQLITE_OK) {
		store_set_sqlite_error(s, "no se pudo preparar una consulta");
		s->stmt[id] = NULL;
		return NULL;
	}
	return s->stmt[id];
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

static int store_bind_rc(struct store *s, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	store_set_sqlite_error(s, "no se pudo asociar un valor");
	return -1;
}

/* Binds text; NULL binds SQL NULL. */
static int store_bind_text(struct store *s, sqlite3_stmt *st, int idx, const char *v)
{
	if (v == NULL)
		return store_bind_rc(s, sqlite3_bind_null(st, idx));
	return store_bind_rc(s, sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC));
}

static int store_bind_int(struct store *s, sqlite3_stmt *st, int idx, long long v)
{
	return store_bind_rc(s, sqlite3_bind_int64(st, idx, v));
}

static int store_bind_null(struct store *s, sqlite3_stmt *st, int idx)
{
	return store_bind_rc(s, sqlite3_bind_null(st, idx));
}

/* Binds v when present, else SQL NULL (optional ids, flags and amounts). */
static int store_bind_int_or_null(struct store *s, sqlite3_stmt *st, int idx, long long v,
				  int present)
{
	return present ? store_bind_int(s, st, idx, v) : store_bind_null(s, st, idx);
}

/* Steps a statement that returns no rows to completion and readies it again. 0 or -1. */
static int store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_set_sqlite_error(s, what);
		store_stmt_done(st);
		return -1;
	}
	store_stmt_done(st);
	return 0;
}

/* Steps a query for its (first) row: 1 row ready, 0 no row (statement readied), -1
 * error (statement readied, s->err set). After 1 the caller reads and calls done. */
static int store_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		store_set_sqlite_error(s, what);
	store_stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
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
	for (int i = 0; i < STORE_STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
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

/* ---- Filings */

/* Binds ?1..?12 (the source fields of f, in store_filing_fields order). 0 or -1. */
static int store_bind_filing(struct store *s, sqlite3_stmt *st, const struct filing *f)
{
	for (size_t i = 0; i < STORE_FILING_NFIELDS; i++) {
		const struct store_filing_field *fd = &store_filing_fields[i];
		int rc;

		if (fd->kind == STORE_FIELD_INT)
			rc = store_bind_int(s, st, (int)i + 1, store_field_int(f, fd));
		else
			rc = store_bind_text(s, st, (int)i + 1, store_field_cstr(f, fd));
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Loads the stored filing numero into f (fields replaced). When id / hash_ds are not
 * NULL they receive the row id and the stored source hash. 1 found, 0 not, -1 error. */
static int store_filing_load(struct store *s, const char *numero, struct filing *f, long long *id,
			     char hash_ds[STORE_HASH_LEN + 1])
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_GET);
	int found;

	if (st == NULL)
		return -1;
	if (store_bind_text(s, st, 1, numero) < 0)
		goto fail;
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
fail:
	store_stmt_done(st);
	return -1;
}

/* Inserts a gestion row. usuario_id <= 0 and satisfactorio < 0 store NULL; datos may
 * be NULL. Returns 0 or -1. */
static int store_gestion_insert(struct store *s, long long radicado_id, const char *tipo,
				long long usuario_id, const char *fecha, const char *texto,
				int satisfactorio, const char *datos)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_GESTION_INSERT);

	if (st == NULL)
		return -1;
	if (store_bind_int(s, st, 1, radicado_id) < 0 || store_bind_text(s, st, 2, tipo) < 0 ||
	    store_bind_int_or_null(s, st, 3, usuario_id, usuario_id > 0) < 0 ||
	    store_bind_text(s, st, 4, fecha) < 0 || store_bind_text(s, st, 5, texto) < 0 ||
	    store_bind_int_or_null(s, st, 6, satisfactorio != 0, satisfactorio >= 0) < 0 ||
	    store_bind_text(s, st, 7, datos) < 0) {
		store_stmt_done(st);
		return -1;
	}
	return store_run(s, st, "no se pudo registrar la gestión");
}

static int store_filing_insert(struct store *s, const struct filing *f, const char *tipo_tramite,
			       const char *now)
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_FILING_INSERT);
	char hash_ds[STORE_HASH_LEN + 1];
	char hash_lista[STORE_HASH_LEN + 1];
	long long id;

	if (st == NULL)
		return -1;
	filing_hash(f, 0, hash_ds);
	filing_hash(f, 1, hash_lista);
	if (store_bind_filing(s, st, f) < 0 ||
	    store_bind_text(s, st, STORE_PARAM_HASH_DS, hash_ds) < 0 ||
	    store_bind_text(s, st, STORE_PARAM_HASH_LISTA, hash_lista) < 0 ||
	    store_bind_int(s, st, STORE_PARAM_CON_DETALLE, f->has_detail != 0) < 0 ||
	    store_bind_text(s, st, STORE_PARAM_NOW, now) < 0) {
		store_stmt_done(st);
		return -1;
	}
	if (store_run(s, st, "no se pudo insertar el radicado") < 0)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);

	st = store_stmt(s, STORE_STMT_FOLLOW_UP_INSERT);
	if (st == NULL)
		return -1;
	if (tipo_tramite == NULL || *tipo_tramite == '\0')
		tipo_tramite = STORE_TIPO_TRAMITE_DEFAULT;
	if (store_bind_int(s, st, 1, id) < 0 || store_bind_text(s, st, 2, tipo_tramite) < 0 ||
	    store_bind_text(s, st, 3, now) < 0) {
		store_stmt_done(st);
		return -1;
	}
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
	if (store_bind_filing(s, st, merged) < 0 ||
	    store_bind_text(s, st, STORE_PARAM_HASH_DS, hash_ds) < 0 ||
	    store_bind_text(s, st, STORE_PARAM_HASH_LISTA, hash_lista) < 0 ||
	    store_bind_int(s, st, STORE_PARAM_CON_DETALLE, merged->has_detail != 0) < 0 ||
	    store_bind_text(s, st, STORE_PARAM_NOW, now) < 0) {
		store_stmt_done(st);
		goto done;
	}
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

	if (st == NULL)
		return -1;
	if (store_bind_int(s, st, 1, id) < 0 || store_bind_text(s, st, 2, now) < 0 ||
	    store_bind_text(s, st, 3, hash_lista) < 0 ||
	    store_bind_int(s, st, 4, has_detail != 0) < 0) {
		store_stmt_done(st);
		return -1;
	}
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

	if (st == NULL)
		return -1;
	if (store_bind_text(s, st, 1, numero) < 0 || store_bind_text(s, st, 2, now) < 0) {
		store_stmt_done(st);
		return -1;
	}
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

	if (st == NULL)
		return -1;
	if (store_row(s, st, "no se pudieron contar los radicados") != 1)
		return -1;
	n = (long)sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return n;
}

int store_listed_hash(struct store *s, const char *numero, char out[65])
{
	sqlite3_stmt *st = store_stmt(s, STORE_STMT_LISTED_HASH);
	int found;

	if (st == NULL)
		return -1;
	if (store_bind_text(s, st, 1, numero) < 0) {
		store_stmt_done(st);
		return -1;
	}
	found = store_row(s, st, "no se pudo leer el hash del radicado");
	if (found <= 0)
		return found;
	strlcpy_s(out, store_column_text(st, 0), STORE_HASH_LEN + 1);
	store_stmt_done(st);
	return 1;
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
	store_stmt_done(st);
	return 0;
}

int store_sync_set_cursor(struct store *s, const char *cursor)
{
	sqlite3_stmt *st;

	if (cursor == NULL || strlen(cursor) >= sizeof(((struct sync_state *)0)->cursor)) {
		set_error(s->err, sizeof(s->err), "cursor de sincronización inválido");
		return -1;
	}
	st = store_stmt(s, STORE_STMT_SYNC_SET_CURSOR);
	if (st == NULL)
		return -1;
	if (store_bind_text(s, st, 1, cursor) < 0) {
		store_stmt_done(st);
		return -1;
	}
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

int store_sync_note_pass(struct store *s, int ok, const char *error, const char *now,
			 long filings_new, long filings_changed)
{
	char cut[STORE_SYNC_ERROR_MAX + 1];
	sqlite3_stmt *st;
	/* Inside a caller's transaction the note joins it; otherwise it gets its own. */
	int own = sqlite3_get_autocommit(s->db);

	store_cut_error(error != NULL ? error : "", cut, sizeof(cut));
	if (own && store_begin(s) < 0)
		return -1;
	if (store_simple(s, STORE_STMT_SYNC_ENSURE,
			 "no se pudo crear el estado de sincronización") < 0)
		goto fail;
	st = store_stmt(s, STORE_STMT_SYNC_NOTE_PASS);
	if (st == NULL)
		goto fail;
	if (store_bind_text(s, st, 1, now) < 0 || store_bind_int(s, st, 2, ok != 0) < 0 ||
	    store_bind_text(s, st, 3, cut) < 0 || store_bind_int(s, st, 4, filings_new) < 0 ||
	    store_bind_int(s, st, 5, filings_changed) < 0) {
		store_stmt_done(st);
		goto fail;
	}
	if (store_run(s, st, "no se pudo registrar la pasada de sincronización") < 0)
		goto fail;
	if (own && store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	if (own) {
		char msg[STORE_ERR_LEN];

		/* Keep the first error: the rollback's own message is not the cause. */
		strlcpy_s(msg, s->err, sizeof(msg));
		store_rollback(s);
		strlcpy_s(s->err, msg, sizeof(s->err));
	}
	return -1;
}
