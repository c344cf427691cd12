/* store.h -- the SQLite follow-up record: schema as numbered migrations, every SQL
 * statement (prepared, bound parameters), transactions. No other module speaks SQL.
 * One struct store per thread: a connection is never shared between threads. */
#ifndef SEGCONT_STORE_H
#define SEGCONT_STORE_H

#include <stddef.h>

#include "mapping.h"

#define STORE_BUSY_TIMEOUT_MS 5000
/* How long opening a database waits for another process's migration of it (a large one
 * takes longer than a write: migration 12 rewrites every follow-up row). */
#define STORE_MIGRATE_WAIT_MS 600000
#define STORE_ERR_LEN 512

struct store;

/* Opens (creating with mode 0600 when absent) the database at path, sets WAL,
 * synchronous=NORMAL, foreign_keys, busy_timeout, and applies pending migrations in one
 * transaction. A database newer than this binary (user_version above the last known
 * step) is refused. Returns a new store (free with store_close) or NULL with err filled. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *s);
/* Schema step this binary knows (the highest migration number). */
int store_schema_version(void);
/* Last error message of this connection. Borrowed, valid until the next call. */
const char *store_errmsg(struct store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return 0 or -1. */
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* Looks up the stored listed-fields hash of numero (see filing_hash(f, 1, ...)); a filing
 * stored without its detail answers "" so that the next pass asks for the detail again.
 * Returns 1 and fills out when found, 0 when the filing is unknown, -1 on error. */
int store_listed_hash(struct store *s, const char *numero, char out[65]);
/* Both stored hashes of numero: the listed fields' (listed) and every source field's
 * (full), each "" when the filing was stored without its detail. 1 found, 0 unknown, -1. */
int store_filing_hashes(struct store *s, const char *numero, char listed[65], char full[65]);

enum store_upsert { STORE_UPSERT_NEW, STORE_UPSERT_CHANGED, STORE_UPSERT_UNCHANGED };

/* Inserts or updates a filing by numero; call inside a transaction. A new filing also
 * gets its seguimiento row (estado 'recibido', tipo_tramite as given). A filing whose
 * source hash changed is updated and a gestion row of tipo 'cambio_sgd' (usuario NULL)
 * says which fields changed (asunto, dependencia_actual, estado_ds...). Every call sets
 * visto_ultimo = now. Returns 0 and *res, or -1 on error. */
int store_upsert_filing(struct store *s, const struct filing *f, const char *tipo_tramite,
			const char *now, enum store_upsert *res);

/* Marks a filing as seen again without changing its data (listed fields unchanged).
 * Returns 1 when it existed, 0 when not, -1 on error. */
int store_touch_filing(struct store *s, const char *numero, const char *now);

/* Loads the stored filing numero into f (initialised by the caller; fields replaced).
 * Returns 1 found, 0 not found, -1 error. */
int store_get_filing(struct store *s, const char *numero, struct filing *f);

/* Loads the filing whose id_sgd (the system's object id) is id_sgd into f, as
 * store_get_filing; should two rows hold it, the older one. deleted (may be NULL; size
 * deletedlen, UTIL_ISO_LEN is enough) receives when the system deleted it, or "". An empty
 * id_sgd finds nothing. Returns 1 found, 0 not found, -1 error. */
int store_find_by_id_sgd(struct store *s, const char *id_sgd, struct filing *f, char *deleted,
			 size_t deletedlen);

enum store_delete {
	STORE_DELETE_MARKED,  /* marked now */
	STORE_DELETE_ALREADY, /* it was marked before: nothing changed */
	STORE_DELETE_UNKNOWN  /* no filing has that id_sgd: nothing changed */
};
/* The document system deleted the object id_sgd: inside the caller's transaction, its filing
 * gets eliminado_sgd = now and a gestion cambio_sgd ("eliminado en el sistema documental").
 * Idempotent: a filing already marked is left as it is. Nothing else changes (the follow-up
 * stays; a later upsert of the filing clears the mark with its own cambio_sgd entry). numero
 * (may be NULL; size numlen) receives the filing's number when there is one. Returns 0 and
 * *res, or -1 on error. */
int store_mark_deleted_sgd(struct store *s, const char *id_sgd, const char *now,
			   enum store_delete *res, char *numero, size_t numlen);

/* Number of filings the document system deleted (eliminado_sgd set). -1 on error. */
long store_count_deleted_sgd(struct store *s);

/* Number of rows in radicado. -1 on error. */
long store_count_filings(struct store *s);

#define STORE_CURSOR_LEN 256

struct sync_state {
	/* YYYY-MM-DD (kind fecha), ISO 8601 instant (instante) or an opaque token; "" before
	 * the first window. */
	char cursor[STORE_CURSOR_LEN];
	char cursor_kind[16];  /* fecha, instante, token */
	char last_attempt[32]; /* ISO 8601 or "" */
	char last_success[32];
	char degraded_since[32]; /* first failure of the current run of failures, or "" */
	char last_error[512];
	long passes;
	long failures;
	long filings_new;
	long filings_changed;
	/* Token profiles: the change token a backfill in progress switches to when it reaches
	 * today ("" when none), and the instant from which the log after the cursor is known to
	 * hold every change (the gap re-read when the token expires; "" before the first). */
	char token_pending[STORE_CURSOR_LEN]; /* sync_estado.token_pendiente */
	char token_since[32];		      /* sync_estado.token_desde */
};

/* Reads the single sync_estado row (zeroes when never written). 0 or -1. */
int store_sync_get(struct store *s, struct sync_state *st);
/* Moves the cursor (kind: fecha, instante or token); call inside the window's
 * transaction. 0 or -1. */
int store_sync_set_cursor(struct store *s, const char *cursor, const char *kind);
/* Sets token_pendiente to token ("" clears it) and, when since is not NULL, token_desde.
 * Joins the caller's transaction, else runs in its own. 0 or -1 (a token of
 * STORE_CURSOR_LEN bytes or more is refused). */
int store_sync_set_pending(struct store *s, const char *token, const char *since);
/* Sets token_desde (an ISO 8601 instant). Joins the caller's transaction, else its own.
 * 0 or -1. */
int store_sync_set_token_since(struct store *s, const char *since);
/* Records the end of a pass: ok, or the error text (no secrets). Updates counters,
 * last_attempt, last_success / degraded_since. Runs its own short transaction. 0 or -1. */
int store_sync_note_pass(struct store *s, int ok, const char *error, const char *now,
			 long filings_new, long filings_changed);

/* --- follow-up API (http_api.c, auth.c) --- */

struct buf;

#define STORE_USER_NAME_MAX 200 /* bytes of usuario.nombre */
#define STORE_ROLE_LEN 16
#define STORE_LIST_MAX_TERMS 5 /* words of q that must all appear */

/* A staff member as stored (never the token hash). */
struct store_user {
	long long id;
	char nombre[STORE_USER_NAME_MAX + 1];
	char rol[STORE_ROLE_LEN]; /* director, abogado, apoyo, admin */
	int activo;
	char creado[32];
};

/* Inserts a user with the given token hash (hex SHA-256). Returns 0 and *id, or -1. */
int store_user_add(struct store *s, const char *nombre, const char *rol, const char *token_hash,
		   const char *now, long long *id);
/* Replaces the token hash of user id. Returns 1 done, 0 no such user, -1 error. */
int store_user_set_token(struct store *s, long long id, const char *token_hash);
/* Activates (1) or deactivates (0) user id; a deactivated user's token is refused and a
 * deactivated lawyer gets no new reparto. Returns 1 done, 0 no such user, -1 error. */
int store_user_set_active(struct store *s, long long id, int activo);
/* Looks a user up by token hash or by id. Returns 1 found (u filled), 0 not, -1 error. */
int store_user_by_token(struct store *s, const char *token_hash, struct store_user *u);
int store_user_get(struct store *s, long long id, struct store_user *u);
/* Calls cb for every user in id order; a non-zero return from cb stops (and is returned).
 * Returns 0, cb's value, or -1 on a database error. */
int store_user_list(struct store *s, int (*cb)(const struct store_user *u, void *arg), void *arg);

/* The follow-up (seguimiento) columns, in table order. */
enum store_fu_field {
	STORE_FU_TIPO_TRAMITE,
	STORE_FU_MODALIDAD,
	STORE_FU_NOVEDAD,
	STORE_FU_TIPO_GESTION,
	STORE_FU_ABOGADO_ID,
	STORE_FU_FECHA_REPARTO,
	STORE_FU_ESTADO,
	STORE_FU_CONCLUIDO_SATISFACTORIO,
	STORE_FU_FECHA_CONCLUSION,
	STORE_FU_NUMERO_CONTRATO,
	STORE_FU_CONTRATISTA,
	STORE_FU_OBJETO,
	STORE_FU_VALOR,
	STORE_FU_FECHA_SUSCRIPCION,
	STORE_FU_FECHA_RP,
	STORE_FU_FECHA_APROBACION_GARANTIAS,
	STORE_FU_FECHA_ARL,
	STORE_FU_FECHA_ACTA_INICIO,
	STORE_FU_PUBLICADO_SECOP,
	STORE_FU_LINEA_PAA,
	STORE_FU_OBSERVACIONES,
	STORE_FU_DEVOLUCIONES,
	STORE_FU_VERSION,
	STORE_FU_CREADO,
	STORE_FU_ACTUALIZADO,
	STORE_FU_ESTADO_ANTERIOR, /* the estado an outcome (archivo ...) left; "" otherwise */
	STORE_FU_COUNT
};

enum store_fu_kind {
	STORE_FU_KIND_TEXT, /* NOT NULL text: NULL reads and writes as "" */
	STORE_FU_KIND_DATE, /* YYYY-MM-DD or NULL */
	STORE_FU_KIND_TIME, /* ISO 8601 timestamp or NULL */
	STORE_FU_KIND_INT,  /* decimal text or NULL */
	STORE_FU_KIND_BOOL  /* "0" / "1" or NULL */
};

/* Column name and kind of a field; store_fu_lookup returns the field of a column name or
 * -1. Never fail for a valid field. */
const char *store_fu_name(enum store_fu_field f);
enum store_fu_kind store_fu_kind(enum store_fu_field f);
int store_fu_lookup(const char *name);

/* One seguimiento row: every value as text (NULL = SQL NULL), owned by the struct. */
struct follow_up {
	long long radicado_id;
	char estado_ds[24]; /* the filing's state in the document system (read only) */
	char *v[STORE_FU_COUNT];
};
void follow_up_init(struct follow_up *fu);
void follow_up_free(struct follow_up *fu);
/* Replaces a value with a copy of value (NULL: SQL NULL). */
void follow_up_set(struct follow_up *fu, enum store_fu_field f, const char *value);
/* Copies src into dst (dst initialised; its values replaced). */
void follow_up_copy(struct follow_up *dst, const struct follow_up *src);

/* Loads the follow-up of filing numero. Returns 1 found, 0 unknown filing, -1 error. */
int store_follow_up_get(struct store *s, const char *numero, struct follow_up *fu);

/* Writes cur over old inside the caller's transaction: every field that differs gets an
 * auditoria row (usuario_id, now, field, old, new; version and actualizado are not
 * audited), version becomes old's + 1 and actualizado now, guarded by WHERE version =
 * old's. *nchanged receives the number of audited fields. Returns 0, 1 when the row's
 * version is no longer old's (nothing written), -1 on error. */
int store_follow_up_write(struct store *s, const struct follow_up *old, const struct follow_up *cur,
			  long long usuario_id, const char *now, int *nchanged);

/* Inserts a gestion row (usuario_id <= 0: none; satisfactorio < 0: NULL; datos: JSON text or
 * NULL) and the auditoria row that records it. Inside a transaction. Returns 0 or -1. */
int store_gestion_add(struct store *s, long long radicado_id, const char *tipo,
		      long long usuario_id, const char *now, const char *texto, int satisfactorio,
		      const char *datos);

/* Sort orders of the list ("fecha", "-fecha", ...); store_list_order_parse returns the
 * order of a name or -1. */
enum store_list_order {
	STORE_ORDER_FECHA_DESC,
	STORE_ORDER_FECHA,
	STORE_ORDER_NUMERO,
	STORE_ORDER_NUMERO_DESC,
	STORE_ORDER_ESTADO,
	STORE_ORDER_ESTADO_DESC,
	STORE_ORDER_TIPO_TRAMITE,
	STORE_ORDER_TIPO_TRAMITE_DESC,
	STORE_ORDER_FECHA_REPARTO,
	STORE_ORDER_FECHA_REPARTO_DESC,
	STORE_ORDER_FECHA_LIMITE, /* the SLA block's fecha_limite, filings without one last */
	STORE_ORDER_FECHA_LIMITE_DESC,
	STORE_ORDER_DIAS_RESTANTES, /* the SLA block's dias_restantes, likewise */
	STORE_ORDER_DIAS_RESTANTES_DESC,
	STORE_ORDER_COUNT
};
int store_list_order_parse(const char *name);

/* Filters of the filing list; NULL / 0 means "any". */
struct store_list_query {
	const char *estado;
	long long abogado_id;
	const char *tipo_tramite;
	const char *desde;	/* YYYY-MM-DD, filing date from (inclusive) */
	const char *hasta_excl; /* YYYY-MM-DD, filing date before (exclusive) */
	const char *q;		/* free text: every word (folded) in asunto or numero, or a word
				 * prefix in the follow-up's texts (seguimiento_texto, FTS5) */
	const char *ids_json;	/* JSON array of radicado ids to keep (vencidos), or NULL */
	int abiertos;		/* only open filings (repartido, en_revision, devuelto) */
	const char *semaforo;	/* only open filings whose SLA block has this estado, or NULL */
	int legalizacion_pendiente; /* only signed contracts with a legalization item missing */
	enum store_list_order orden;
	long limit;
	long offset;
	long long total_known; /* >= 0: the caller knows the count (then it is not taken) */
	const char *now;       /* ISO 8601 instant every row's "sla" is worked out at */
	/* When not NULL and q is a filing's number (spaces and dashes ignored), gets
	 * {"numero", "estado", "abogado", "fuera_de_filtros"} of that filing, whatever the
	 * filters (fuera_de_filtros: the other filters or words leave it out); else "null". */
	struct buf *numero_exacto;
	/* When not NULL, gets the filings of the same filters (the SLA filter aside) whose SLA
	 * block says vencido ([0]) and por_vencer ([1]), counted in the same read as the page. */
	long long *conteos;
};

/* The store writes each answer's JSON whole (SQLite's JSON functions), "sla" blocks
 * included: those come from this function, which a higher layer (the SLA clock needs the
 * configuration and the calendar) sets on the connection. It returns a new JSON text for
 * filing numero at now (NULL now: the current time), or NULL with err filled; the store
 * frees the text. Without one, "sla" is null. */
typedef char *(*store_sla_fn)(void *arg, struct store *s, const char *numero, const char *now,
			      char *err, size_t errlen);
/* Sets (or with fn NULL, clears) this connection's SLA function. Cannot fail. */
void store_set_sla(struct store *s, store_sla_fn fn, void *arg);
/* The SLA blocks kept on the follow-up rows (seguimiento.sla): works out again, through the
 * connection's SLA function, every block that is missing (an input of the clock changed)
 * or was worked out for another day than now's (NULL: the current instant), the blocks of
 * stopped clocks aside. Inside the caller's transaction when it holds one (at most one batch
 * of rows), else in write transactions of its own, a batch each. Without an
 * SLA function it does nothing. Every write transaction of a connection with one does it
 * before its COMMIT. 0, or -1 with the store's error (a block the function fails
 * for stays missing). */
int store_sla_refresh(struct store *s, const char *now);
/* Before a read (or on a worker's clock tick) at instant now (NULL: the current one), outside any transaction: works out
 * again, in a short write transaction of its own, the stored blocks that are missing or
 * were worked out for another day, unless nothing changed since the last check. A failure
 * is logged and leaves the rows as they were (the views stay exact: they work out a block
 * that is not fresh). */
void store_sla_fresh(struct store *s, const char *now);
/* What the stored blocks depend on besides the data (targets, calendar; any text): when it
 * differs from what the database recorded, every stored block is worked out again and the
 * new one recorded. 0 or -1. */
int store_sla_fingerprint(struct store *s, const char *print);
/* The stored "sla" blocks of the filings of ids_json (a JSON array of radicado ids), fresh
 * for instant now (NULL: the current one), as cb(radicado id, JSON text) in id order. 0, -1,
 * or what cb returned when not 0. */
int store_sla_blocks(struct store *s, const char *ids_json, const char *now,
		     int (*cb)(long long radicado_id, const char *sla, void *arg), void *arg);

/* Appends to out the JSON array of one page of filings (filing + follow-up summary + "sla"
 * at q->now) and
 * stores the number of matching filings in *total (q->total_known when that is >= 0), both
 * read in one read transaction: the caller's when it holds one, else its own.
 * Returns 0 or -1. */
int store_list_json(struct store *s, const struct store_list_query *q, long long *total,
		    struct buf *out);

/* Appends to out {"radicado": {...}, "seguimiento": {...}, "gestiones": [...],
 * "auditoria": [...], "sla": {...}} ("sla" at the current time). Returns 1, 0 when numero
 * is unknown, -1 on error (an SLA function's failure included). */
int store_filing_json(struct store *s, const char *numero, struct buf *out);

/* Open load per lawyer: one call per (lawyer, estado, tipo_tramite) with its count, and one
 * call with estado and tipo_tramite NULL and count 0 for a lawyer without open filings.
 * Lawyers are the users of rol abogado (inactive ones only when they still hold filings).
 * Returns 0, cb's value or -1. */
int store_lawyer_load(struct store *s,
		      int (*cb)(const struct store_user *u, const char *estado,
				const char *tipo_tramite, long long count, void *arg),
		      void *arg);

/* Filings per follow-up estado (cb per estado present). 0, cb's value or -1. */
int store_count_by_estado(struct store *s, int (*cb)(const char *estado, long long n, void *arg),
			  void *arg);

/* SQLite's data_version of this connection: it grows whenever another connection (of
 * this process or another) has committed since the last call. One read transaction.
 * Returns 0 and *out, or -1. */
int store_data_version(struct store *s, unsigned long long *out);

/* Commits made so far by every connection of this process (counted after each commit, by
 * a WAL hook that also keeps SQLite's automatic checkpoints). Cheap; cannot fail. */
unsigned long long store_commits(void);

/* 1 when the last error of this connection was a lock timeout (SQLITE_BUSY). */
int store_last_busy(struct store *s);

/* 1 once any connection of this process got SQLITE_CORRUPT or SQLITE_NOTADB from SQLite
 * (on open, prepare, step or exec), else 0; it stays 1 for the life of the process. Cheap;
 * cannot fail. */
int store_corruption_seen(void);
/* Turns SQLite's memory statistics off for this process: without them sqlite3_malloc takes
 * no global mutex (SQLite's allocations are ~60 a request, and the HTTP threads queued on
 * that mutex), and no soft heap limit holds, so store_set_memory_limit bounds the page caches
 * instead. Call first, before any other SQLite use (later it does nothing). */
void store_global_init(void);
/* Bounds SQLite's page caches in this process to about mib MiB in all: each connection
 * opened from now on keeps mib / connections of them (at least 1 MiB, at most 16), past which
 * it reuses its own pages instead of growing. connections: how many the process keeps open at
 * once. Call once, before the threads open theirs. */
void store_set_memory_limit(long mib, int connections);
/* Frees the pages of s's cache that no statement holds (they are read again when
 * wanted). */
void store_release_memory(struct store *s);
/* Runs PRAGMA quick_check(1) on this connection (it reads the whole database: not for every
 * request), then empties this connection's page cache. Returns 0 when the database is sound,
 * or -1 with the reason in err (size errlen, may be NULL) and store_errmsg: the first problem
 * found, or why the check could not run. */
int store_check_integrity(struct store *s, char *err, size_t errlen);

/* 1 when the last write of any connection of this process failed for a reason other than a
 * lock timeout (disk full, read-only file, I/O error, corruption) and no commit has gone
 * through since; then why (may be NULL) says it in Spanish and *since (may be NULL) when the
 * failures began (epoch seconds). 0 otherwise. Cheap; cannot fail. */
int store_write_failing(char *why, size_t whylen, long long *since);

/* For tests: from the nth write (the nth step of an INSERT, UPDATE or DELETE statement, or of
 * the COMMIT of a transaction that wrote, of any connection of this process, counted from
 * this call) on, every write
 * fails with SQLITE_IOERR as if the disk had failed; n <= 0 turns it off. store_open arms it
 * from SEGCONT_TEST_FAIL_WRITES=N, only when SEGCONT_TEST_HOOKS=1 is set too and the hook is
 * not armed already. Cannot fail. Likewise SEGCONT_TEST_MAX_PAGES=N caps every connection's
 * file at N pages (PRAGMA max_page_count), so writes fail with SQLITE_FULL as on a full disk. */
void store_test_fail_after(long n);
/* For tests: while on, every COMMIT (of a read transaction too) fails with SQLITE_IOERR.
 * Cannot fail. */
void store_test_fail_commits(int on);

/* --- indicators and export --- */

/* Which filings store_sla_rows reads; NULL / 0 means "any". */
struct store_sla_query {
	const char *desde;	/* YYYY-MM-DD: fecha_radicacion on or after (text order) */
	const char *hasta_excl; /* YYYY-MM-DD: fecha_radicacion before (text order) */
	const char *numero;	/* just this filing */
	int solo_abiertos;	/* only seguimiento.estado repartido, en_revision, devuelto */
	int mas_abiertos;	/* with desde / hasta: every open filing too, whatever its date */
	/* With desde / hasta: also the filings with activity in the period (a gestion, or
	 * fecha_reparto or fecha_conclusion, on a day in it), whatever their filing date. */
	int actividad;
	int con_gestiones; /* fill store_sla_row.gestiones */
	/* What the indicators read: the export's own columns read "" ("[]" notas and hitos,
	 * NULL fecha_rp and the other legalization dates and fecha_suscripcion, 0 valor and
	 * publicado_secop), the stored block's members come in sla_members. */
	int solo_cifras;
	/* An instant (ISO 8601): the stored SLA blocks of its day serve (store_sla_row.sla;
	 * eventos reads "" for those rows), the stale ones worked out first where the
	 * connection can; NULL: no stored block, eventos always. */
	const char *sla_now;
	/* With solo_cifras and sla_now, for counts that list no filing: the rows come from the
	 * covering indexes seguimiento_cifras and seguimiento_cifras_abiertos, in
	 * fecha_radicacion order only (ties in any order; with a period, the open filings
	 * received outside it come after the period's, and under actividad, unless the period
	 * holds gestiones for half the filings, the closed ones with something in it after
	 * those: the counts depend on the order only through an area's name, taken from the
	 * filings of the period), with numero, the area and its name from the follow-up row's
	 * copies, asunto NULL (store_filing_subject), the clock in cifras and "" for abogado; the
	 * gestiones
	 * without actividad from the row's per-tipo counts (as many "tipo|" items as
	 * gestiones: no date), under actividad those of the period in (fecha, tipo, id) order.
	 * store_sla_rows returns STORE_SLA_NOT_FRESH, having stopped, when a row's stored block
	 * does not serve: the caller then reads the full rows. */
	int conteos;
};
#define STORE_SLA_NOT_FRESH 2

/* The members of a stored SLA block kept as columns of the follow-up row (migration 10:
 * store_int.h STORE_SCHEMA_SLA_COLUMNS), borrowed like the row's. */
struct store_sla_members {
	const char *reloj; /* never NULL when store_sla_row.sla_cols is 1 */
	const char *estado;
	const char *inicio;	  /* NULL */
	const char *fin;	  /* NULL */
	const char *fecha_limite; /* NULL */
	long long meta;
	long long devoluciones;
	long long espera;	  /* dias_en_espera; -1 for null */
	const char *rondas;	  /* "inicio|fin|termina|dias;..." ("" when none) */
	const char *correcciones; /* "devolucion|reingreso|dias|cerrada;..." ("" when none) */
};

/* One filing with its follow-up, as indicators.c and export.c need it. Every pointer is
 * borrowed and valid only during the callback; NULL stands for SQL NULL where said. */
struct store_sla_row {
	long long radicado_id;
	const char *numero;
	const char *fecha_radicacion;
	const char *asunto;
	const char *dependencia_origen;
	const char *dependencia_origen_nombre;
	const char *estado_ds;
	const char *tipo_tramite;
	const char *modalidad;
	const char *novedad;
	const char *tipo_gestion;
	long long abogado_id;	   /* 0 when not assigned */
	const char *abogado;	   /* the lawyer's name, "" when not assigned */
	const char *fecha_reparto; /* NULL */
	const char *estado;
	int concluido_satisfactorio;  /* 1, 0, or -1 for NULL */
	const char *fecha_conclusion; /* NULL */
	const char *numero_contrato;
	const char *contratista;
	long long valor;
	int valor_presente;			/* 0 when valor is NULL */
	const char *fecha_rp;			/* NULL */
	const char *fecha_aprobacion_garantias; /* NULL */
	const char *fecha_arl;			/* NULL */
	const char *fecha_acta_inicio;		/* NULL */
	int publicado_secop;
	const char *observaciones;
	long devoluciones; /* the seguimiento column */
	/* The clock's gestiones (reparto, reasignacion, devolucion, reingreso, conclusion,
	 * reapertura) as "id|tipo|fecha" joined by ';' in (fecha, id) order; "" when none. */
	const char *eventos;
	/* The observacion gestiones with text, as a JSON array of [fecha, texto] in (fecha, id)
	 * order; "[]" when none. */
	const char *notas;
	/* With con_gestiones: every gestion (any tipo) as "tipo|fecha" joined by ';' in
	 * (fecha, id) order -- only those on a day of [desde, hasta_excl) when actividad is set
	 * too; "" when none or without con_gestiones. */
	const char *gestiones;
	/* The contract's data the export shows: objeto, linea_paa ("" when unset) and
	 * fecha_suscripcion (NULL). */
	const char *objeto;
	const char *fecha_suscripcion;
	const char *linea_paa;
	/* With sla_now: the follow-up row's stored SLA block when it is of that day (or of no
	 * day: a stopped clock), else NULL. */
	const char *sla;
	/* With sla_now and solo_cifras: 1 when the stored block of that day serves and its
	 * members are in sla_members (sla is then NULL: the members hold it all). */
	int sla_cols;
	struct store_sla_members sla_members;
	/* A counts read (store_sla_query.conteos): the stored block's sla_cifras (store_int.h
	 * STORE_SCHEMA_CIFRAS_RECORD), the clock as the counts read it; NULL otherwise. */
	const char *cifras;
	/* The devolucion, reingreso and conclusion gestiones as a JSON array of
	 * [tipo, fecha, texto] in (fecha, id) order; "[]" when none. */
	const char *hitos;
};

/* Calls cb for each filing that q selects, in (fecha_radicacion, numero) order, inside one
 * read transaction (the caller's, when it holds one). The statement depends on which of
 * q's filters are present; each of those shapes is prepared on first use and kept for the
 * connection. A non-zero return from cb stops and is returned. Returns 0, cb's value, or
 * -1 with store_errmsg set (a failed COMMIT of its own read transaction included). */
int store_sla_rows(struct store *s, const struct store_sla_query *q,
		   int (*cb)(const struct store_sla_row *r, void *arg), void *arg);
/* How many filings have a follow-up row, from the counters (no walk): *n, an upper bound of
 * the rows store_sla_rows gives. 0 or -1 with store_errmsg set. */
int store_filings_count(struct store *s, long long *n);
/* The asunto of filing radicado_id into out ("" when unknown). Returns 1, 0 (unknown) or -1
 * with store_errmsg set. */
int store_filing_subject(struct store *s, long long radicado_id, struct buf *out);

/* --- reconciliation --- */
/* What reconcile.c reads and writes: the follow-up state it compares with the document
 * system, the discrepancia rows (one open row per numero and tipo, by the partial unique
 * index) and the run record conciliacion_estado. */

/* A filing of the follow-up as reconciliation compares it. */
struct store_rc_local {
	long long radicado_id;
	const char *numero;	   /* borrowed */
	char estado[16];	   /* seguimiento.estado */
	char fecha_radicacion[32]; /* ISO 8601 */
	char hash_lista[65];	   /* listed-fields hash; "" when stored without the detail */
	char fecha_conclusion[32]; /* "" when none */
	long long abogado_id;	   /* 0 when not assigned */
	int abiertas;		   /* open discrepancies of this numero */
};

/* Loads the follow-up state of numero (out->numero borrows numero). Returns 1 found, 0
 * unknown filing, -1 error. */
int store_rc_local_get(struct store *s, const char *numero, struct store_rc_local *out);
/* Calls cb for every filing whose fecha_radicacion lies in [desde, hasta_excl) (YYYY-MM-DD),
 * in (fecha, numero) order; l is borrowed during the call. A non-zero return from cb stops
 * and is returned. Returns 0, cb's value, or -1. */
int store_rc_local_range(struct store *s, const char *desde, const char *hasta_excl,
			 int (*cb)(const struct store_rc_local *l, void *arg), void *arg);

/* One discrepancia row with its filing's summary. Strings are borrowed during a callback
 * and never NULL ("" for SQL NULL). */
struct store_rc_row {
	long long id;
	const char *numero;
	const char *tipo;
	const char *estado;	     /* abierta, resuelta, cerrada */
	const char *evidencia_sgd;   /* JSON object text */
	const char *evidencia_local; /* JSON object text */
	const char *encontrada;
	const char *vista_ultima; /* last run that saw the disagreement */
	const char *cerrada_en;	  /* when closed by agreement or resolved; "" while open */
	long long resuelta_por;	  /* 0 when not resolved */
	const char *resuelta_por_nombre;
	const char *nota;
	int radicado_conocido; /* the filing is in radicado (the fields below are set) */
	const char *asunto;
	const char *fecha_radicacion;
	const char *estado_seguimiento;
	long long abogado_id; /* 0 when not assigned */
};

/* Calls cb for each open discrepancy of numero, in id order. 0, cb's value or -1. */
int store_rc_open_of(struct store *s, const char *numero,
		     int (*cb)(const struct store_rc_row *r, void *arg), void *arg);
/* The newest closed or resolved row of (numero, tipo): returns 1 with *id, *resuelta (1 when
 * its estado is resuelta) and *evidencia_sgd (a new string; the caller frees it), 0 when
 * there is none, -1 on error. */
int store_rc_last_closed(struct store *s, const char *numero, const char *tipo, long long *id,
			 int *resuelta, char **evidencia_sgd);
/* Inside the caller's transaction: inserts an open discrepancy (encontrada = vista_ultima =
 * now); evidence is JSON text. Returns 0 and *id, or -1. */
int store_rc_insert(struct store *s, const char *numero, const char *tipo, const char *ev_sgd,
		    const char *ev_local, const char *now, long long *id);
/* Replaces the evidence of open row id and sets vista_ultima. 0 or -1. */
int store_rc_refresh(struct store *s, long long id, const char *ev_sgd, const char *ev_local,
		     const char *now);
/* Closes open row id (estado cerrada, cerrada_en = now). 0 or -1. */
int store_rc_close(struct store *s, long long id, const char *now);
/* Sets vista_ultima of row id (a resolved disagreement still seen). 0 or -1. */
int store_rc_seen(struct store *s, long long id, const char *now);

/* In its own transaction: marks open discrepancy id resolved by usuario_id with nota
 * (cerrada_en = now) and writes the auditoria row (campo "discrepancia #id tipo", abierta →
 * resuelta: nota). Returns 1 done, 0 unknown id, 2 not open (nothing written), -1 error. */
int store_rc_resolve(struct store *s, long long id, long long usuario_id, const char *nota,
		     const char *now);
/* Inside the caller's transaction: store_rc_resolve's writes. With apply (kind
 * datos_distintos only) it first writes into radicado each of asunto, fecha_radicacion and
 * dependencia_origen that the row's evidencia_sgd holds and the stored filing differs from,
 * one auditoria row per field changed (campo = the field, stored value -> the system's),
 * and the resolution's auditoria row says the system's data was applied. Returns 1 done,
 * 0 unknown id, 2 not open, 3 apply on another kind, 4 apply with the filing unknown (in
 * 0, 2, 3 and 4 nothing was written), -1 error (the caller rolls back). */
int store_rc_resolve_in(struct store *s, long long id, long long usuario_id, const char *nota,
			const char *now, int apply);
/* Calls cb with row id. Returns 1, 0 when unknown, -1 on error. */
int store_rc_get(struct store *s, long long id, int (*cb)(const struct store_rc_row *r, void *arg),
		 void *arg);
/* One page of rows (estado, tipo: NULL for any), newest first, with the number of rows
 * matching in *total and, through count_cb (may be NULL), the count per tipo of the rows
 * matching estado alone; all read in one transaction. Returns 0, a callback's non-zero
 * value, or -1. */
int store_rc_list(struct store *s, const char *estado, const char *tipo, long limit, long offset,
		  long long *total, int (*cb)(const struct store_rc_row *r, void *arg),
		  int (*count_cb)(const char *tipo, long long n, void *arg), void *arg);

/* The single conciliacion_estado row. */
struct store_rc_state {
	char ultimo_intento[32]; /* start of the last run, ISO 8601, or "" */
	char ultimo_exito[32];	 /* start of the last complete run, or "" */
	char ultimo_error[512];
	long corridas;
	long fallos;
};
/* 0 or -1. */
int store_rc_state_get(struct store *s, struct store_rc_state *out);
/* Records a run that started at started: ok, or the error text (no secrets). Own short
 * transaction (or the caller's). 0 or -1. */
int store_rc_note_run(struct store *s, int ok, const char *error, const char *started);

/* ---- Saved views (store_vistas.c): each user's named Bandeja views */

#define STORE_VISTA_MAX 50	     /* views one user keeps */
#define STORE_VISTA_NAME_BYTES 255   /* bytes of a name (the API admits 60 characters) */
#define STORE_VISTA_QUERY_BYTES 2000 /* bytes of a view's query string */

struct store_vista {
	long long id;
	char nombre[STORE_VISTA_NAME_BYTES + 1];
	char consulta[STORE_VISTA_QUERY_BYTES + 1];
	char creada[32];
	char actualizada[32];
};

/* Hands usuario_id's views, sorted by name (accents and case folded, then as written), to
 * cb until it returns non-zero. Returns 0, cb's non-zero value, or -1 with the error. */
int store_vista_list(struct store *s, long long usuario_id,
		     int (*cb)(const struct store_vista *v, void *arg), void *arg);

enum store_vista_saved {
	STORE_VISTA_ERROR = -1,
	STORE_VISTA_CREATED,
	STORE_VISTA_REPLACED, /* the user had a view of that name: its consulta replaced */
	STORE_VISTA_FULL,     /* a new name and the user already has STORE_VISTA_MAX */
};
/* Saves usuario_id's view nombre (at most STORE_VISTA_NAME_BYTES) with consulta (at most
 * STORE_VISTA_QUERY_BYTES) at now, in one transaction (or the caller's): a new row, or the
 * row of that name with its consulta and actualizada replaced. Fills out with the row
 * saved (not on FULL or ERROR). */
enum store_vista_saved store_vista_save(struct store *s, long long usuario_id, const char *nombre,
					const char *consulta, const char *now,
					struct store_vista *out);
/* Deletes view id when it is usuario_id's: 1 deleted, 0 no such view of that user, -1. */
int store_vista_delete(struct store *s, long long usuario_id, long long id);

#endif
