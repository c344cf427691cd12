/* store_schema.c -- the schema's numbered migrations, the SQL store.c runs in order when it
 * opens a database older than this program. */
#include "store_int.h"

/* ---- Schema: migration N is store_schema_migrations[N - 1]; never edit a released step,
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

/* --- any document system (issue 12): step 5 --- */
/* The system's own id of a filing (CMIS cmis:objectId: deletions name only it) and when the
 * system deleted it; the change token a backfill will switch to (taken before it starts) and
 * the instant from which the token's log is known to hold every change (the gap to re-read
 * when the token expires). */
static const char store_migration_5[] =
    "ALTER TABLE radicado ADD COLUMN id_sgd TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE radicado ADD COLUMN eliminado_sgd TEXT;"
    "CREATE INDEX radicado_id_sgd ON radicado (id_sgd) WHERE id_sgd <> '';"
    "CREATE INDEX radicado_eliminado_sgd ON radicado (eliminado_sgd)"
    " WHERE eliminado_sgd IS NOT NULL;"
    "ALTER TABLE sync_estado ADD COLUMN token_pendiente TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sync_estado ADD COLUMN token_desde TEXT NOT NULL DEFAULT '';";

/* --- outcomes that take a filing out of the queue (issue 13): step 6 --- */
/* The estados archivado and trasladado, the gestiones archivo, traslado and anulacion, and
 * the estado an outcome left (reapertura goes back to it): SQLite changes a CHECK only by
 * rebuilding the table, so seguimiento and gestion are copied into new ones (no table
 * refers to either; their indexes are made again). */
static const char store_migration_6[] =
    "CREATE TABLE seguimiento_6 ("
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
    "  'en_revision', 'devuelto', 'concluido', 'anulado', 'archivado', 'trasladado')),"
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
    " actualizado TEXT NOT NULL,"
    " estado_anterior TEXT NOT NULL DEFAULT '' CHECK (estado_anterior IN ('', 'recibido',"
    "  'repartido', 'en_revision', 'devuelto'))"
    ");"
    "INSERT INTO seguimiento_6 (radicado_id, tipo_tramite, modalidad, novedad, tipo_gestion,"
    " abogado_id, fecha_reparto, estado, concluido_satisfactorio, fecha_conclusion,"
    " numero_contrato, contratista, objeto, valor, fecha_suscripcion, fecha_rp,"
    " fecha_aprobacion_garantias, fecha_arl, fecha_acta_inicio, publicado_secop, linea_paa,"
    " observaciones, devoluciones, version, creado, actualizado)"
    " SELECT radicado_id, tipo_tramite, modalidad, novedad, tipo_gestion, abogado_id,"
    " fecha_reparto, estado, concluido_satisfactorio, fecha_conclusion, numero_contrato,"
    " contratista, objeto, valor, fecha_suscripcion, fecha_rp, fecha_aprobacion_garantias,"
    " fecha_arl, fecha_acta_inicio, publicado_secop, linea_paa, observaciones, devoluciones,"
    " version, creado, actualizado FROM seguimiento;"
    "DROP TABLE seguimiento;"
    "ALTER TABLE seguimiento_6 RENAME TO seguimiento;"
    "CREATE INDEX seguimiento_estado ON seguimiento (estado);"
    "CREATE INDEX seguimiento_abogado ON seguimiento (abogado_id, estado);"
    "CREATE TABLE gestion_6 ("
    " id INTEGER PRIMARY KEY,"
    " radicado_id INTEGER NOT NULL REFERENCES radicado (id),"
    " tipo TEXT NOT NULL CHECK (tipo IN ('reparto', 'reasignacion', 'devolucion',"
    "  'reingreso', 'observacion', 'conclusion', 'reapertura', 'cambio_sgd', 'archivo',"
    "  'traslado', 'anulacion')),"
    " usuario_id INTEGER REFERENCES usuario (id),"
    " fecha TEXT NOT NULL,"
    " texto TEXT NOT NULL DEFAULT '',"
    " satisfactorio INTEGER CHECK (satisfactorio IN (0, 1)),"
    " datos TEXT CHECK (datos IS NULL OR json_valid(datos))"
    ");"
    "INSERT INTO gestion_6 (id, radicado_id, tipo, usuario_id, fecha, texto, satisfactorio,"
    " datos) SELECT id, radicado_id, tipo, usuario_id, fecha, texto, satisfactorio, datos"
    " FROM gestion;"
    "DROP TABLE gestion;"
    "ALTER TABLE gestion_6 RENAME TO gestion;"
    "CREATE INDEX gestion_radicado ON gestion (radicado_id, fecha);";

/* --- search (issue 13): step 7 --- */
/* seguimiento_texto: an FTS5 index (rowid = radicado id; accents and case folded by
 * unicode61 remove_diacritics 2) of the follow-up's contract number, contratista, objeto
 * and observaciones (the field and the observacion gestiones) and of the devolución
 * reasons, filled from seguimiento_texto_fuente and kept in sync by triggers on seguimiento
 * and gestion, whichever code writes them; a filing without any of those texts has no row.
 * radicado_numero_clave finds a number typed with spaces, dashes or small letters. */
static const char store_migration_7[] =
    "CREATE VIRTUAL TABLE seguimiento_texto USING fts5(numero_contrato, contratista, objeto,"
    " observaciones, devoluciones, tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE VIEW seguimiento_texto_fuente AS SELECT * FROM (SELECT s.radicado_id AS radicado_id,"
    " s.numero_contrato AS numero_contrato, s.contratista AS contratista, s.objeto AS objeto,"
    " trim(s.observaciones || ' ' || coalesce((SELECT group_concat(g.texto, ' ') FROM gestion g"
    "  WHERE g.radicado_id = s.radicado_id AND g.tipo = 'observacion'), '')) AS observaciones,"
    " coalesce((SELECT group_concat(g.texto, ' ') FROM gestion g"
    "  WHERE g.radicado_id = s.radicado_id AND g.tipo = 'devolucion'), '') AS devoluciones"
    " FROM seguimiento s)"
    " WHERE numero_contrato <> '' OR contratista <> '' OR objeto <> '' OR observaciones <> ''"
    " OR devoluciones <> '';"
    "INSERT INTO seguimiento_texto (rowid, numero_contrato, contratista, objeto, observaciones,"
    " devoluciones) SELECT * FROM seguimiento_texto_fuente;"
    "CREATE TRIGGER seguimiento_texto_ai AFTER INSERT ON seguimiento BEGIN"
    " INSERT INTO seguimiento_texto (rowid, numero_contrato, contratista, objeto,"
    " observaciones, devoluciones) SELECT * FROM seguimiento_texto_fuente"
    " WHERE radicado_id = NEW.radicado_id; END;"
    "CREATE TRIGGER seguimiento_texto_au AFTER UPDATE ON seguimiento"
    " WHEN OLD.numero_contrato IS NOT NEW.numero_contrato OR OLD.contratista IS NOT"
    " NEW.contratista OR OLD.objeto IS NOT NEW.objeto OR OLD.observaciones IS NOT"
    " NEW.observaciones OR OLD.radicado_id IS NOT NEW.radicado_id BEGIN"
    " DELETE FROM seguimiento_texto WHERE rowid IN (OLD.radicado_id, NEW.radicado_id);"
    " INSERT INTO seguimiento_texto (rowid, numero_contrato, contratista, objeto,"
    " observaciones, devoluciones) SELECT * FROM seguimiento_texto_fuente"
    " WHERE radicado_id = NEW.radicado_id; END;"
    "CREATE TRIGGER seguimiento_texto_ad AFTER DELETE ON seguimiento BEGIN"
    " DELETE FROM seguimiento_texto WHERE rowid = OLD.radicado_id; END;"
    "CREATE TRIGGER gestion_texto_ai AFTER INSERT ON gestion"
    " WHEN NEW.tipo IN ('observacion', 'devolucion') BEGIN"
    " DELETE FROM seguimiento_texto WHERE rowid = NEW.radicado_id;"
    " INSERT INTO seguimiento_texto (rowid, numero_contrato, contratista, objeto,"
    " observaciones, devoluciones) SELECT * FROM seguimiento_texto_fuente"
    " WHERE radicado_id = NEW.radicado_id; END;"
    "CREATE TRIGGER gestion_texto_au AFTER UPDATE ON gestion"
    " WHEN OLD.tipo IN ('observacion', 'devolucion') OR NEW.tipo IN ('observacion',"
    " 'devolucion') BEGIN"
    " DELETE FROM seguimiento_texto WHERE rowid IN (OLD.radicado_id, NEW.radicado_id);"
    " INSERT INTO seguimiento_texto (rowid, numero_contrato, contratista, objeto,"
    " observaciones, devoluciones) SELECT * FROM seguimiento_texto_fuente"
    " WHERE radicado_id IN (OLD.radicado_id, NEW.radicado_id); END;"
    "CREATE TRIGGER gestion_texto_ad AFTER DELETE ON gestion"
    " WHEN OLD.tipo IN ('observacion', 'devolucion') BEGIN"
    " DELETE FROM seguimiento_texto WHERE rowid = OLD.radicado_id;"
    " INSERT INTO seguimiento_texto (rowid, numero_contrato, contratista, objeto,"
    " observaciones, devoluciones) SELECT * FROM seguimiento_texto_fuente"
    " WHERE radicado_id = OLD.radicado_id; END;"
    "CREATE INDEX radicado_numero_clave"
    " ON radicado (upper(replace(replace(numero, ' ', ''), '-', '')));";

/* --- saved views (issue 13): step 8 --- */
/* vista: a user's named Bandeja view, the query string of its address
 * ("estado=recibido&orden=-fecha"); a name once per user, the user's views listed by name. */
/* clang-format off */
static const char store_migration_8[] =
    "CREATE TABLE vista ("
    " id INTEGER PRIMARY KEY,"
    " usuario_id INTEGER NOT NULL REFERENCES usuario (id),"
    " nombre TEXT NOT NULL CHECK (nombre <> ''),"
    " consulta TEXT NOT NULL DEFAULT '',"
    " creada TEXT NOT NULL,"
    " actualizada TEXT NOT NULL,"
    " UNIQUE (usuario_id, nombre)"
    ");";
/* clang-format on */

/* --- the SLA clock kept on the follow-up row (issue 14): step 9 --- */
/* seguimiento.sla: the "sla" block of the filing as segcont_sla gives it (JSON text);
 * sla_dia: the Bogotá day it was worked out for, '9999-12-31' for a block that no longer
 * moves with the date (clock stopped, or not applicable), NULL when an input of the clock
 * changed and it must be worked out again (store_sla_refresh); sla_estado, sla_fecha_limite
 * and sla_dias_restantes: the block's members the list filters and sorts by.
 * fecha_radicacion: radicado's, copied so seguimiento's indexes serve the list's orders.
 * The triggers clear sla_dia whenever something the clock reads changes, whichever code
 * writes: the follow-up's estado, tipo_tramite (the target), dates and lawyer, any
 * gestión, the filing's number, DS state and date. sla_huella: what the stored blocks were
 * worked out with (targets, calendar; store_sla_fingerprint). The indexes below let the
 * list's orders read one page of entries instead of sorting a whole filter. */
/* Whether follow-up row t ("NEW.", "OLD." or "") is a signed contract with a legalization
 * item missing (store_views.c's legalizacion_pendiente filter): 1 or 0. */
#define STORE_SCHEMA_LEGAL(t)                                                                      \
	"(coalesce(" t "numero_contrato, '') <> '' AND (" t "fecha_rp IS NULL"                     \
	" OR " t "fecha_aprobacion_garantias IS NULL OR " t "fecha_arl IS NULL"                    \
	" OR " t "fecha_acta_inicio IS NULL OR coalesce(" t "publicado_secop, 0) <> 1))"
/* Row t's key in seguimiento_conteo, and the statements that count it in and out. */
#define STORE_SCHEMA_COUNTED(t)                                                                    \
	t "estado, coalesce(" t "abogado_id, 0), " t "tipo_tramite, coalesce(" t "sla_estado, ''), " \
	    STORE_SCHEMA_LEGAL(t)
#define STORE_SCHEMA_COUNT_ADD(t)                                                                  \
	"INSERT INTO seguimiento_conteo VALUES (" STORE_SCHEMA_COUNTED(t) ", 1)"                   \
	" ON CONFLICT DO UPDATE SET n = n + 1;"
#define STORE_SCHEMA_COUNT_SUB(t)                                                                  \
	"UPDATE seguimiento_conteo SET n = n - 1 WHERE estado = " t "estado"                       \
	" AND abogado_id = coalesce(" t "abogado_id, 0) AND tipo_tramite = " t "tipo_tramite"      \
	" AND sla_estado = coalesce(" t "sla_estado, '')"                                          \
	" AND legalizacion = " STORE_SCHEMA_LEGAL(t) ";"

/* The filing list's row of follow-up row s (store_views.c STORE_VIEWS_LIST_ROW) without its
 * "sla" member, from s, its filing r and its lawyer u; and the statement that writes it to
 * the follow-up rows cond selects. */
#define STORE_SCHEMA_FILA                                                                          \
	"json_object('numero', r.numero, 'fecha_radicacion', r.fecha_radicacion,"                  \
	" 'asunto', r.asunto, 'dependencia_origen_nombre', r.dependencia_origen_nombre,"           \
	" 'estado_ds', r.estado_ds, 'eliminado_sgd', r.eliminado_sgd,"                             \
	" 'tipo_tramite', s.tipo_tramite, 'modalidad', s.modalidad,"                               \
	" 'estado', s.estado, 'abogado_id', s.abogado_id, 'abogado', u.nombre,"                    \
	" 'fecha_reparto', s.fecha_reparto, 'devoluciones', s.devoluciones,"                       \
	" 'concluido_satisfactorio',"                                                              \
	" json(CASE s.concluido_satisfactorio WHEN 1 THEN 'true' WHEN 0 THEN 'false' END),"        \
	" 'fecha_conclusion', s.fecha_conclusion, 'version', s.version,"                           \
	" 'legalizacion_pendiente',"                                                               \
	" CASE WHEN coalesce(s.numero_contrato, '') = '' THEN NULL ELSE"                           \
	" json((SELECT json_group_array(f) FROM ("                                                 \
	" SELECT 1 k, 'fecha_rp' f WHERE s.fecha_rp IS NULL"                                       \
	" UNION ALL SELECT 2, 'fecha_aprobacion_garantias'"                                        \
	" WHERE s.fecha_aprobacion_garantias IS NULL"                                              \
	" UNION ALL SELECT 3, 'fecha_arl' WHERE s.fecha_arl IS NULL"                               \
	" UNION ALL SELECT 4, 'fecha_acta_inicio' WHERE s.fecha_acta_inicio IS NULL"               \
	" UNION ALL SELECT 5, 'publicado_secop' WHERE coalesce(s.publicado_secop, 0) <> 1"         \
	" ORDER BY k))) END)"
#define STORE_SCHEMA_FILA_SET(cond)                                                                \
	"UPDATE seguimiento SET fila = (SELECT " STORE_SCHEMA_FILA " FROM seguimiento s"           \
	" JOIN radicado r ON r.id = s.radicado_id LEFT JOIN usuario u ON u.id = s.abogado_id"      \
	" WHERE s.radicado_id = seguimiento.radicado_id) WHERE " cond ";"

/* A column of the new follow-up row's filing ('' when it has none). */
#define STORE_SCHEMA_OF_RADICADO(col)                                                              \
	"coalesce((SELECT r." col " FROM radicado r WHERE r.id = NEW.radicado_id), '')"
/* A new row is missing its block (sla_dia's default); one inserted without the date
 * (store_follow_up.c gives it) gets it here. when: what else makes it take the filing's
 * columns (" OR NEW.col = ''"); set: those columns (", col = ..."). */
#define STORE_SCHEMA_SEGUIMIENTO_SLA_AI(when, set)                                                 \
	"CREATE TRIGGER seguimiento_sla_ai AFTER INSERT ON seguimiento"                            \
	" WHEN NEW.fecha_radicacion = ''" when " OR NEW.sla_dia IS NOT NULL BEGIN"                 \
	" UPDATE seguimiento SET sla_dia = NULL, fecha_radicacion = "                              \
	STORE_SCHEMA_OF_RADICADO("fecha_radicacion") set                                           \
	" WHERE radicado_id = NEW.radicado_id; END;"

/* clang-format off */
static const char store_migration_9[] =
    "ALTER TABLE seguimiento ADD COLUMN sla TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN fila TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_dia TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_estado TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_fecha_limite TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_dias_restantes INTEGER;"
    "ALTER TABLE seguimiento ADD COLUMN fecha_radicacion TEXT NOT NULL DEFAULT '';"
    "UPDATE seguimiento SET fecha_radicacion = coalesce((SELECT r.fecha_radicacion"
    " FROM radicado r WHERE r.id = seguimiento.radicado_id), '');"
    "CREATE INDEX seguimiento_sla_dia ON seguimiento (sla_dia);"
    /* seguimiento_conteo: how many follow-up rows have each (estado, lawyer or 0, tipo de
     * trámite, stored SLA state or '', legalización pendiente), kept by triggers, so the
     * list counts a shape of those filters without reading the rows. */
    "CREATE TABLE seguimiento_conteo ("
    " estado TEXT NOT NULL,"
    " abogado_id INTEGER NOT NULL,"
    " tipo_tramite TEXT NOT NULL,"
    " sla_estado TEXT NOT NULL,"
    " legalizacion INTEGER NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY (estado, abogado_id, tipo_tramite, sla_estado, legalizacion)"
    ") WITHOUT ROWID;"
    "INSERT INTO seguimiento_conteo SELECT " STORE_SCHEMA_COUNTED("") ", count(*)"
    " FROM seguimiento GROUP BY 1, 2, 3, 4, 5;"
    "CREATE TRIGGER seguimiento_conteo_ai AFTER INSERT ON seguimiento BEGIN"
    " " STORE_SCHEMA_COUNT_ADD("NEW.") " END;"
    "CREATE TRIGGER seguimiento_conteo_ad AFTER DELETE ON seguimiento BEGIN"
    " " STORE_SCHEMA_COUNT_SUB("OLD.") " END;"
    "CREATE TRIGGER seguimiento_conteo_au AFTER UPDATE OF estado, abogado_id, tipo_tramite,"
    " sla_estado, numero_contrato, fecha_rp, fecha_aprobacion_garantias, fecha_arl,"
    " fecha_acta_inicio, publicado_secop ON seguimiento"
    " WHEN OLD.estado IS NOT NEW.estado OR OLD.abogado_id IS NOT NEW.abogado_id"
    " OR OLD.tipo_tramite IS NOT NEW.tipo_tramite OR OLD.sla_estado IS NOT NEW.sla_estado"
    " OR " STORE_SCHEMA_LEGAL("OLD.") " <> " STORE_SCHEMA_LEGAL("NEW.") " BEGIN"
    " " STORE_SCHEMA_COUNT_SUB("OLD.") " " STORE_SCHEMA_COUNT_ADD("NEW.") " END;"
    /* The list's orders under each single filter read about one page of index entries
     * (store_views.c store_list_orders): by date under no filter, estado, lawyer (its open
     * ones read in date order too) or tipo de trámite; by fecha límite (ascending, no clock
     * last) under none and the lawyer; by días restantes (ascending, no clock last) under
     * none. */
    "DROP INDEX seguimiento_estado;"
    "DROP INDEX seguimiento_abogado;"
    "CREATE INDEX seguimiento_fecha ON seguimiento (fecha_radicacion);"
    "CREATE INDEX seguimiento_estado ON seguimiento (estado, fecha_radicacion);"
    "CREATE INDEX seguimiento_abogado ON seguimiento (abogado_id, fecha_radicacion);"
    "CREATE INDEX seguimiento_tipo ON seguimiento (tipo_tramite, fecha_radicacion);"
    "CREATE INDEX seguimiento_limite"
    " ON seguimiento (coalesce(sla_fecha_limite, '9999-12-31'), fecha_radicacion);"
    "CREATE INDEX seguimiento_abogado_limite"
    " ON seguimiento (abogado_id, coalesce(sla_fecha_limite, '9999-12-31'), fecha_radicacion);"
    "CREATE INDEX seguimiento_restantes"
    " ON seguimiento (coalesce(sla_dias_restantes, 1e18), fecha_radicacion);"
    /* Without statistics the planner reads the list from radicado and sorts every row. */
    "ANALYZE;"
    "CREATE TABLE sla_huella ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " huella TEXT NOT NULL"
    ");"
    STORE_SCHEMA_SEGUIMIENTO_SLA_AI("", "")
    "CREATE TRIGGER seguimiento_sla_au AFTER UPDATE OF estado, tipo_tramite, fecha_reparto,"
    " fecha_conclusion, abogado_id, radicado_id ON seguimiento"
    " WHEN OLD.estado IS NOT NEW.estado OR OLD.tipo_tramite IS NOT NEW.tipo_tramite"
    " OR OLD.fecha_reparto IS NOT NEW.fecha_reparto"
    " OR OLD.fecha_conclusion IS NOT NEW.fecha_conclusion"
    " OR OLD.abogado_id IS NOT NEW.abogado_id OR OLD.radicado_id IS NOT NEW.radicado_id BEGIN"
    " UPDATE seguimiento SET sla_dia = NULL WHERE radicado_id = NEW.radicado_id; END;"
    "CREATE TRIGGER gestion_sla_ai AFTER INSERT ON gestion BEGIN"
    " UPDATE seguimiento SET sla_dia = NULL WHERE radicado_id = NEW.radicado_id; END;"
    "CREATE TRIGGER gestion_sla_au AFTER UPDATE ON gestion BEGIN"
    " UPDATE seguimiento SET sla_dia = NULL"
    " WHERE radicado_id IN (OLD.radicado_id, NEW.radicado_id); END;"
    "CREATE TRIGGER gestion_sla_ad AFTER DELETE ON gestion BEGIN"
    " UPDATE seguimiento SET sla_dia = NULL WHERE radicado_id = OLD.radicado_id; END;"
    "CREATE TRIGGER radicado_sla_au AFTER UPDATE OF numero, estado_ds, fecha_radicacion"
    " ON radicado WHEN OLD.numero IS NOT NEW.numero OR OLD.estado_ds IS NOT NEW.estado_ds"
    " OR OLD.fecha_radicacion IS NOT NEW.fecha_radicacion BEGIN"
    " UPDATE seguimiento SET sla_dia = NULL, fecha_radicacion = NEW.fecha_radicacion"
    " WHERE radicado_id = NEW.id; END;"
    /* fila: the list's row without its "sla" (STORE_SCHEMA_FILA), so a page reads one
     * column; rewritten whenever something it shows changes, whichever code writes. */
    "CREATE TRIGGER seguimiento_fila_ai AFTER INSERT ON seguimiento BEGIN"
    " " STORE_SCHEMA_FILA_SET("radicado_id = NEW.radicado_id") " END;"
    "CREATE TRIGGER seguimiento_fila_au AFTER UPDATE OF radicado_id, tipo_tramite, modalidad,"
    " estado, abogado_id, fecha_reparto, devoluciones, concluido_satisfactorio,"
    " fecha_conclusion, version, numero_contrato, fecha_rp, fecha_aprobacion_garantias,"
    " fecha_arl, fecha_acta_inicio, publicado_secop ON seguimiento BEGIN"
    " " STORE_SCHEMA_FILA_SET("radicado_id = NEW.radicado_id") " END;"
    "CREATE TRIGGER radicado_fila_au AFTER UPDATE OF id, numero, fecha_radicacion, asunto,"
    " dependencia_origen_nombre, estado_ds, eliminado_sgd ON radicado"
    " WHEN OLD.id IS NOT NEW.id OR OLD.numero IS NOT NEW.numero"
    " OR OLD.fecha_radicacion IS NOT NEW.fecha_radicacion OR OLD.asunto IS NOT NEW.asunto"
    " OR OLD.dependencia_origen_nombre IS NOT NEW.dependencia_origen_nombre"
    " OR OLD.estado_ds IS NOT NEW.estado_ds OR OLD.eliminado_sgd IS NOT NEW.eliminado_sgd BEGIN"
    " " STORE_SCHEMA_FILA_SET("radicado_id = NEW.id") " END;"
    "CREATE TRIGGER usuario_fila_au AFTER UPDATE OF id, nombre ON usuario"
    " WHEN OLD.id IS NOT NEW.id OR OLD.nombre IS NOT NEW.nombre BEGIN"
    " " STORE_SCHEMA_FILA_SET("abogado_id IN (OLD.id, NEW.id)") " END;"
    "CREATE TRIGGER usuario_fila_ad AFTER DELETE ON usuario BEGIN"
    " " STORE_SCHEMA_FILA_SET("abogado_id = OLD.id") " END;"
    STORE_SCHEMA_FILA_SET("1");
/* clang-format on */

/* --- the stored SLA block's members the indicators count by (issue 14): step 10 --- */
/* The columns: STORE_SCHEMA_SLA_COLUMNS (store_int.h). */
/* clang-format off */
static const char store_migration_10[] =
    "ALTER TABLE seguimiento ADD COLUMN sla_reloj TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_meta INTEGER;"
    "ALTER TABLE seguimiento ADD COLUMN sla_inicio TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_fin TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_devoluciones INTEGER;"
    "ALTER TABLE seguimiento ADD COLUMN sla_espera INTEGER;"
    "ALTER TABLE seguimiento ADD COLUMN sla_rondas TEXT;"
    "ALTER TABLE seguimiento ADD COLUMN sla_correcciones TEXT;"
    "UPDATE seguimiento SET " STORE_SCHEMA_SLA_COLUMNS("sla") " WHERE sla IS NOT NULL;"
    /* A filing's gestiones in (fecha, id) order with their tipo, from the index alone: the
     * indicators' per-filing lists (store_views.c store_sla_sql) read no gestion row. */
    "DROP INDEX gestion_radicado;"
    "CREATE INDEX gestion_radicado ON gestion (radicado_id, fecha, id, tipo);";
/* clang-format on */


/* Row t's filing day in seguimiento_conteo_dia (the first ten characters of its date, which
 * the list's desde/hasta compare against), and the statements that count it in and out. */
#define STORE_SCHEMA_DAY(t) "substr(" t "fecha_radicacion, 1, 10)"
#define STORE_SCHEMA_DAY_ADD(t)                                                                    \
	"INSERT INTO seguimiento_conteo_dia VALUES (" STORE_SCHEMA_DAY(t) ", 1)"                   \
	" ON CONFLICT DO UPDATE SET n = n + 1;"
#define STORE_SCHEMA_DAY_SUB(t)                                                                    \
	"UPDATE seguimiento_conteo_dia SET n = n - 1 WHERE dia = " STORE_SCHEMA_DAY(t) ";"
/* An open follow-up row (store_views.c STORE_VIEWS_OPEN, without its table's name). */
#define STORE_SCHEMA_OPEN "estado IN ('repartido', 'en_revision', 'devuelto')"

/* clang-format off */
/* The list under a date range, the SLA filter, a lawyer's open filings or the legalization
 * filter reads one page: seguimiento_conteo_dia counts the follow-up rows of each filing day
 * (a date range alone sums its days), and partial indexes hold only the rows those filters
 * keep, in the orders the Bandeja asks them in (the SLA one with the row id, which breaks
 * the date's ties, and estado, so that counting it under a date range reads the index
 * alone). */
static const char store_migration_11[] =
    "CREATE TABLE seguimiento_conteo_dia ("
    " dia TEXT PRIMARY KEY,"
    " n INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO seguimiento_conteo_dia SELECT " STORE_SCHEMA_DAY("") ", count(*)"
    " FROM seguimiento GROUP BY 1;"
    "CREATE TRIGGER seguimiento_conteo_dia_ai AFTER INSERT ON seguimiento BEGIN"
    " " STORE_SCHEMA_DAY_ADD("NEW.") " END;"
    "CREATE TRIGGER seguimiento_conteo_dia_ad AFTER DELETE ON seguimiento BEGIN"
    " " STORE_SCHEMA_DAY_SUB("OLD.") " END;"
    "CREATE TRIGGER seguimiento_conteo_dia_au AFTER UPDATE OF fecha_radicacion ON seguimiento"
    " WHEN " STORE_SCHEMA_DAY("OLD.") " IS NOT " STORE_SCHEMA_DAY("NEW.") " BEGIN"
    " " STORE_SCHEMA_DAY_SUB("OLD.") " " STORE_SCHEMA_DAY_ADD("NEW.") " END;"
    "CREATE INDEX seguimiento_semaforo"
    " ON seguimiento (sla_estado, fecha_radicacion, radicado_id, estado)"
    " WHERE " STORE_SCHEMA_OPEN ";"
    "CREATE INDEX seguimiento_abierto_limite"
    " ON seguimiento (abogado_id, coalesce(sla_fecha_limite, '9999-12-31'), fecha_radicacion)"
    " WHERE " STORE_SCHEMA_OPEN ";"
    "CREATE INDEX seguimiento_legalizacion ON seguimiento (fecha_radicacion)"
    " WHERE " STORE_SCHEMA_LEGAL("") ";"
    /* seguimiento_conteo's key starts with estado: an SLA count (open estados and a state)
     * or a tipo de trámite one read the whole table, ~450 rows per count; these covering
     * indexes read only the rows of the state or the tipo. */
    "CREATE INDEX seguimiento_conteo_sla ON seguimiento_conteo"
    " (sla_estado, estado, tipo_tramite, abogado_id, legalizacion, n);"
    "CREATE INDEX seguimiento_conteo_tipo ON seguimiento_conteo"
    " (tipo_tramite, estado, abogado_id, sla_estado, legalizacion, n);"
    "ANALYZE;";
/* clang-format on */

/* What the counts read of a follow-up row, the columns of their covering indexes. */
#define STORE_SCHEMA_CIFRAS_INDEXED                                                                \
	"fecha_radicacion, estado, abogado_id, tipo_tramite, modalidad, area, area_nombre,"        \
	" devoluciones, sla_dia, sla_cifras, gestion_tipos, fecha_reparto, fecha_conclusion,"      \
	" numero"

/* A change of what a block shows of its filing clears it; set: what else the follow-up row
 * takes of the filing (", col = NEW.col"). */
#define STORE_SCHEMA_RADICADO_SLA_AU(set)                                                          \
	"CREATE TRIGGER radicado_sla_au AFTER UPDATE OF numero, estado_ds, fecha_radicacion,"      \
	" tipo_radicado, dependencia_origen, dependencia_origen_nombre ON radicado"                \
	" WHEN OLD.numero IS NOT NEW.numero OR OLD.estado_ds IS NOT NEW.estado_ds"                 \
	" OR OLD.fecha_radicacion IS NOT NEW.fecha_radicacion"                                     \
	" OR OLD.tipo_radicado IS NOT NEW.tipo_radicado"                                           \
	" OR OLD.dependencia_origen IS NOT NEW.dependencia_origen"                                 \
	" OR OLD.dependencia_origen_nombre IS NOT NEW.dependencia_origen_nombre BEGIN"             \
	" UPDATE seguimiento SET sla_dia = NULL, fecha_radicacion = NEW.fecha_radicacion" set      \
	" WHERE radicado_id = NEW.id; END;"

/* clang-format off */
/* The indicators' counts read one covering index (seguimiento_cifras) instead of the wide
 * rows of radicado and seguimiento (issue 14): the columns of STORE_SCHEMA_CIFRAS_COLUMNS
 * and STORE_SCHEMA_CIFRAS_RECORD (store_int.h). A change of the requesting area, its name or
 * the filing's type clears the block, like its number, state and date already did, so the
 * refresh writes the copies again. The open filings received outside a period come from a
 * second one that holds only the open ones. Under actividad the counts read the period's
 * gestiones by their date. */
static const char store_migration_12[] =
    "ALTER TABLE seguimiento ADD COLUMN numero TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE seguimiento ADD COLUMN area TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE seguimiento ADD COLUMN area_nombre TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE seguimiento ADD COLUMN gestion_tipos TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE seguimiento ADD COLUMN sla_cifras TEXT;"
    "UPDATE seguimiento SET " STORE_SCHEMA_CIFRAS_COLUMNS("seguimiento.radicado_id") ";"
    "UPDATE seguimiento SET " STORE_SCHEMA_CIFRAS_RECORD("sla") " WHERE sla IS NOT NULL;"
    "DROP TRIGGER radicado_sla_au;"
    STORE_SCHEMA_RADICADO_SLA_AU("")
    "CREATE INDEX seguimiento_cifras ON seguimiento (" STORE_SCHEMA_CIFRAS_INDEXED ");"
    "CREATE INDEX seguimiento_cifras_abiertos ON seguimiento (" STORE_SCHEMA_CIFRAS_INDEXED ")"
    " WHERE " STORE_SCHEMA_OPEN ";"
    "CREATE INDEX gestion_fecha ON gestion (fecha, radicado_id, tipo);"
    "ANALYZE;";
/* clang-format on */

/* Under actividad a period's counts read the filings received in it and the open ones
 * from the indexes above, and the few others with something in it (a gestion, a reparto or
 * a conclusion on a day of it) by their ids: seguimiento_reparto and seguimiento_conclusion
 * find those by date, and seguimiento_recepcion keeps, of the ids found, those received
 * outside the period and closed, without reading their wide rows (a walk of every entry read
 * all 100,000 of them for the Tablero's month). */
static const char store_migration_13[] =
    "CREATE INDEX seguimiento_reparto ON seguimiento (fecha_reparto);"
    "CREATE INDEX seguimiento_conclusion ON seguimiento (fecha_conclusion);"
    "CREATE INDEX seguimiento_recepcion ON seguimiento (radicado_id, fecha_radicacion, estado);"
    "ANALYZE;";

/* The filters' columns an order index holds after its order's (store_views.c: a page walked
 * in one of these orders reads its filters from the entries, not from the rows). */
#define STORE_SCHEMA_ORDER_FILTERS "estado, sla_estado, abogado_id, tipo_tramite"
#define STORE_SCHEMA_ORDER(name, terms)                                                            \
	"CREATE INDEX seguimiento_orden_" name " ON seguimiento (" terms ");"

/* clang-format off */
/* A list sorted by a column the filter's own index does not hold (estado=concluido by
 * tipo_tramite: 90,000 rows sorted for a page of 50, ~370 ms at 100,000 filings) walks one of
 * these instead, in the order's own terms, reading the filters from the entries and stopping
 * at the page (store_views.c: store_views_plan). One per order the Bandeja offers; the
 * filing's number's reads the follow-up row's copy of it (migration 12), kept now by the
 * triggers like fecha_radicacion's, not only by the block's refresh. */
static const char store_migration_14[] =
    "DROP TRIGGER radicado_sla_au;"
    STORE_SCHEMA_RADICADO_SLA_AU(", numero = NEW.numero")
    "DROP TRIGGER seguimiento_sla_ai;"
    STORE_SCHEMA_SEGUIMIENTO_SLA_AI(" OR NEW.numero = ''",
				    ", numero = " STORE_SCHEMA_OF_RADICADO("numero"))
    "UPDATE seguimiento SET numero = (SELECT r.numero FROM radicado r"
    " WHERE r.id = seguimiento.radicado_id) WHERE numero IS NOT (SELECT r.numero"
    " FROM radicado r WHERE r.id = seguimiento.radicado_id);"
    STORE_SCHEMA_ORDER("numero", "numero, " STORE_SCHEMA_ORDER_FILTERS ", fecha_radicacion")
    STORE_SCHEMA_ORDER("fecha", "fecha_radicacion, " STORE_SCHEMA_ORDER_FILTERS)
    STORE_SCHEMA_ORDER("estado", "estado, fecha_radicacion DESC, sla_estado, abogado_id,"
		       " tipo_tramite")
    STORE_SCHEMA_ORDER("estado_desc", "estado DESC, fecha_radicacion DESC, sla_estado,"
		       " abogado_id, tipo_tramite")
    STORE_SCHEMA_ORDER("tipo", "tipo_tramite, fecha_radicacion DESC, estado, sla_estado,"
		       " abogado_id")
    STORE_SCHEMA_ORDER("tipo_desc", "tipo_tramite DESC, fecha_radicacion DESC, estado,"
		       " sla_estado, abogado_id")
    STORE_SCHEMA_ORDER("reparto", "fecha_reparto IS NULL, fecha_reparto, "
		       STORE_SCHEMA_ORDER_FILTERS ", fecha_radicacion")
    STORE_SCHEMA_ORDER("reparto_desc", "fecha_reparto IS NULL, fecha_reparto DESC, "
		       STORE_SCHEMA_ORDER_FILTERS ", fecha_radicacion")
    STORE_SCHEMA_ORDER("limite", "coalesce(sla_fecha_limite, '9999-12-31'), fecha_radicacion, "
		       STORE_SCHEMA_ORDER_FILTERS)
    STORE_SCHEMA_ORDER("limite_desc", "coalesce(sla_fecha_limite, '') DESC, fecha_radicacion, "
		       STORE_SCHEMA_ORDER_FILTERS)
    STORE_SCHEMA_ORDER("restantes", "coalesce(sla_dias_restantes, 1e18), fecha_radicacion, "
		       STORE_SCHEMA_ORDER_FILTERS)
    STORE_SCHEMA_ORDER("restantes_desc", "coalesce(sla_dias_restantes, -1e18) DESC,"
		       " fecha_radicacion, " STORE_SCHEMA_ORDER_FILTERS)
    "ANALYZE;";
/* clang-format on */

const char *const store_schema_migrations[] = {
    store_migration_1, store_migration_2,  store_migration_3, store_migration_4,
    store_migration_5, store_migration_6,  store_migration_7, store_migration_8,
    store_migration_9, store_migration_10, store_migration_11, store_migration_12,
    store_migration_13, store_migration_14,
};

const int store_schema_count =
    (int)(sizeof(store_schema_migrations) / sizeof(store_schema_migrations[0]));
