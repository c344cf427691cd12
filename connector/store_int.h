/* store_int.h -- what the store*.c files share and no other module sees: struct store with
 * its one statement cache, and the helpers that bind, step and end transactions. */
#ifndef SEGCONT_STORE_INT_H
#define SEGCONT_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "store.h"

#define STORE_MODULE "store"
#define STORE_HASH_LEN 64
#define STORE_LIST_SHAPES 24 /* list shapes (filters present, order) cached per connection */
/* store_sla_rows' query shapes kept per connection: a shape's key has one bit for each of
 * its nine optional filters. */
#define STORE_SLA_SHAPES (1 << 9)
/* The key of the gestiones' statement of a shape (store_views.c): the shape's and this bit. */
#define STORE_SLA_GESTIONES_SHAPE (1 << 9)
/* The key of a counts read (store_sla_query.conteos) has this bit too. */
#define STORE_SLA_COUNTS_SHAPE (1 << 10)
/* ... and under actividad with a period, this one when it walks every entry. */
#define STORE_SLA_WALK_SHAPE (1 << 11)
#define STORE_PREPARE_ERROR "no se pudo preparar una consulta"
#define STORE_SLA_DAY_LEN 11 /* AAAA-MM-DD and its NUL */

/* The schema's migrations (store_schema.c): migration N is store_schema_migrations[N - 1],
 * store_schema_count of them; each runs inside the opening transaction, then
 * PRAGMA user_version = N. */
extern const char *const store_schema_migrations[];
extern const int store_schema_count;

/* sla_reloj, sla_meta, sla_inicio, sla_fin, sla_devoluciones, sla_espera: the stored block's
 * members reloj, meta, inicio, fin, devoluciones and dias_en_espera (NULL when null);
 * sla_rondas: its rounds as "inicio|fin|termina|dias" joined by ';' in order ('' when none;
 * a null member is ''); sla_correcciones: its corrections as
 * "devolucion|reingreso|dias|cerrada" (cerrada 1 or 0) the same way. Every member is an ISO
 * instant, a number or a fixed name: none holds a '|' or a ';'. Written with sla from the
 * same text (store_sla.c; the migration from the stored blocks), so the indicators read a
 * filing's clock from columns instead of parsing the block (indicators_sla.c). */
#define STORE_SCHEMA_SLA_COLUMNS(text)                                                             \
	"sla_reloj = json_extract(" text ", '$.reloj'),"                                           \
	" sla_meta = json_extract(" text ", '$.meta'),"                                            \
	" sla_inicio = json_extract(" text ", '$.inicio'),"                                        \
	" sla_fin = json_extract(" text ", '$.fin'),"                                              \
	" sla_devoluciones = json_extract(" text ", '$.devoluciones'),"                            \
	" sla_espera = json_extract(" text ", '$.dias_en_espera'),"                                \
	" sla_rondas = coalesce((SELECT group_concat(coalesce(json_extract(e.value,"               \
	" '$.inicio'), '') || '|' || coalesce(json_extract(e.value, '$.fin'), '') || '|' ||"       \
	" coalesce(json_extract(e.value, '$.termina'), '') || '|' ||"                              \
	" coalesce(json_extract(e.value, '$.dias'), 0), ';') FROM json_each(" text ","             \
	" '$.rondas') e), ''),"                                                                    \
	" sla_correcciones = coalesce((SELECT group_concat(coalesce(json_extract(e.value,"         \
	" '$.devolucion'), '') || '|' || coalesce(json_extract(e.value, '$.reingreso'), '')"       \
	" || '|' || coalesce(json_extract(e.value, '$.dias'), 0) || '|' ||"                        \
	" coalesce(json_extract(e.value, '$.cerrada'), 0), ';') FROM json_each(" text ","          \
	" '$.correcciones') e), '')"

/* What else the indicators' counts read from the follow-up row (migration 12), written with
 * the stored block (store_sla.c) for filing id: numero, the filing's; area, the requesting
 * area as the indicators group it (an entry filing -- a sender outside the entity -- has
 * none, ''); area_nombre, that filing's dependencia_origen_nombre (the three from one read of
 * radicado: '' when the filing has no row there); gestion_tipos, how many gestiones of each
 * tipo the filing has, as "tipo|n" joined by ';' in tipo order ('' when none). A change of any
 * of them clears sla_dia (the triggers), so a block that serves has them fresh. */
#define STORE_SCHEMA_CIFRAS_COLUMNS(id)                                                            \
	"(numero, area, area_nombre) = (SELECT coalesce(r.numero, ''),"                            \
	" coalesce(CASE r.tipo_radicado WHEN 'entrada' THEN '' ELSE r.dependencia_origen"          \
	" END, ''),"                                                                               \
	" coalesce(r.dependencia_origen_nombre, '')"                                               \
	" FROM (SELECT 1) LEFT JOIN radicado r ON r.id = " id "),"                                 \
	" gestion_tipos = coalesce((SELECT group_concat(t.tipo || '|' || t.n, ';') FROM"           \
	" (SELECT g.tipo, count(*) AS n FROM gestion g WHERE g.radicado_id = " id                  \
	" GROUP BY g.tipo ORDER BY g.tipo) t), '')"

/* sla_cifras: what the counts read of the stored block text, in one short text (one column
 * of the covering index instead of nine): "reloj|estado|meta|inicio|fecha_limite|
 * devoluciones|dias_en_espera|rondas|correcciones", a null member '' (dias_en_espera -1);
 * rondas as "fin|termina|dias" items and correcciones as "reingreso|dias|cerrada" items,
 * with ',' for their '|' and joined by ';', the instants cut to their day (all the counts
 * compare). indicators_sla_from_cifras reads it. */
#define STORE_SCHEMA_CIFRAS_RECORD(text)                                                           \
	"sla_cifras = json_extract(" text ", '$.reloj') || '|' || json_extract(" text ","          \
	" '$.estado') || '|' || coalesce(json_extract(" text ", '$.meta'), 0) || '|' ||"           \
	" coalesce(json_extract(" text ", '$.inicio'), '') || '|' ||"                              \
	" coalesce(json_extract(" text ", '$.fecha_limite'), '') || '|' ||"                        \
	" coalesce(json_extract(" text ", '$.devoluciones'), 0) || '|' ||"                         \
	" coalesce(json_extract(" text ", '$.dias_en_espera'), -1) || '|' ||"                      \
	" coalesce((SELECT group_concat(substr(coalesce(json_extract(e.value, '$.fin'), ''),"      \
	" 1, 10) || ',' || coalesce(json_extract(e.value, '$.termina'), '') || ',' ||"             \
	" coalesce(json_extract(e.value, '$.dias'), 0), ';') FROM json_each(" text ","             \
	" '$.rondas') e), '') || '|' || coalesce((SELECT group_concat(substr(coalesce("            \
	"json_extract(e.value, '$.reingreso'), ''), 1, 10) || ',' ||"                              \
	" coalesce(json_extract(e.value, '$.dias'), 0) || ',' ||"                                  \
	" coalesce(json_extract(e.value, '$.cerrada'), 0), ';') FROM json_each(" text ","          \
	" '$.correcciones') e), '')"

/* Every statement a connection keeps, one range per file; each file holds the SQL of its
 * range in a table indexed by these ids. A statement has one slot in the cache, or one per
 * query shape when its SQL depends on which filters are present. */
enum store_stmt_id {
	/* store.c: transactions and the connection */
	STORE_STMT_BEGIN,
	STORE_STMT_BEGIN_READ,
	STORE_STMT_COMMIT,
	STORE_STMT_ROLLBACK,
	STORE_STMT_DATA_VERSION,
	/* store_filing.c: filings and the sync state */
	STORE_STMT_FILING_GET,
	STORE_STMT_FILING_INSERT,
	STORE_STMT_FILING_UPDATE,
	STORE_STMT_FILING_SEEN,
	STORE_STMT_FILING_TOUCH,
	STORE_STMT_FILING_COUNT,
	STORE_STMT_LISTED_HASH,
	STORE_STMT_FILING_BY_ID_SGD,
	STORE_STMT_FILING_MARK_DELETED,
	STORE_STMT_FILING_COUNT_DELETED,
	STORE_STMT_SYNC_GET,
	STORE_STMT_SYNC_ENSURE,
	STORE_STMT_SYNC_SET_CURSOR,
	STORE_STMT_SYNC_SET_PENDING,
	STORE_STMT_SYNC_SET_TOKEN_DESDE,
	STORE_STMT_SYNC_NOTE_PASS,
	/* store_follow_up.c: users, the follow-up row, audit, gestiones */
	STORE_STMT_USER_ADD,
	STORE_STMT_USER_SET_TOKEN,
	STORE_STMT_USER_SET_ACTIVE,
	STORE_STMT_USER_BY_TOKEN,
	STORE_STMT_USER_GET,
	STORE_STMT_USER_LIST,
	STORE_STMT_FOLLOW_UP_INSERT,
	STORE_STMT_FU_GET,
	STORE_STMT_FU_UPDATE,
	STORE_STMT_AUDIT_INSERT,
	STORE_STMT_GESTION_INSERT,
	/* store_views.c: the read views */
	STORE_STMT_FILING_JSON,
	STORE_STMT_FILING_GESTIONES,
	STORE_STMT_FILING_AUDITORIA,
	STORE_STMT_LAWYER_LOAD,
	STORE_STMT_COUNT_BY_ESTADO,
	STORE_STMT_LIST_COUNT, /* STORE_LIST_SHAPES slots */
	STORE_STMT_LIST_PAGE,  /* STORE_LIST_SHAPES slots */
	STORE_STMT_LIST_NUMBER,
	STORE_STMT_LIST_MEMBER, /* STORE_LIST_SHAPES slots */
	STORE_STMT_SLA_ROWS,	/* STORE_SLA_SHAPES slots */
	STORE_STMT_SLA_SUBJECT,
	STORE_STMT_SLA_TOTAL,
	/* store_sla.c: the SLA blocks kept on the follow-up rows */
	STORE_STMT_SLA_ANY_STALE,
	STORE_STMT_SLA_STALE,
	STORE_STMT_SLA_SAVE,
	STORE_STMT_SLA_PRINT_GET,
	STORE_STMT_SLA_PRINT_SET,
	STORE_STMT_SLA_ALL_STALE,
	STORE_STMT_SLA_STORED,
	/* store_reconcile.c: discrepancies and reconciliation runs */
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
	STORE_STMT_RC_EVIDENCE_SGD,
	STORE_STMT_RC_FILING_DATA,
	STORE_STMT_RC_SET_ASUNTO,
	STORE_STMT_RC_SET_FECHA,
	STORE_STMT_RC_SET_DEP_ORIGEN,
	STORE_STMT_RC_GET,
	STORE_STMT_RC_COUNT,
	STORE_STMT_RC_PAGE,
	STORE_STMT_RC_BY_TIPO,
	STORE_STMT_RC_RUN_GET,
	STORE_STMT_RC_RUN_ENSURE,
	STORE_STMT_RC_RUN_NOTE,
	/* store_vistas.c: saved views */
	STORE_STMT_VISTA_LIST,
	STORE_STMT_VISTA_BY_NAME,
	STORE_STMT_VISTA_COUNT,
	STORE_STMT_VISTA_INSERT,
	STORE_STMT_VISTA_UPDATE,
	STORE_STMT_VISTA_DELETE,
	STORE_STMT_COUNT
};

/* One cached statement: the query shape it was prepared for (0 for a statement with one
 * shape), or -1 while the slot is empty. */
struct store_slot {
	int key;
	sqlite3_stmt *st;
};

struct store {
	sqlite3 *db;
	char err[STORE_ERR_LEN];
	int injected; /* the last step failed through store_test_fail_after, not SQLite */
	/* The statement cache: the slots of statement id start at slot[first[id]]; next[id]
	 * is the one a new shape takes when all are used. Finalized by store_close. */
	struct store_slot *slot;
	int nslots;
	int first[STORE_STMT_COUNT];
	int next[STORE_STMT_COUNT];
	store_sla_fn sla; /* what segcont_sla() calls, or NULL (store_set_sla) */
	void *sla_arg;
	int sla_refreshing; /* inside store_sla_refresh: no second one from its commit */
	/* The last check that found no stored block to work out again (store_sla_fresh):
	 * PRAGMA data_version then, and the day it was for ("" before the first). */
	unsigned long long sla_seen_version;
	char sla_seen_day[STORE_SLA_DAY_LEN];
	/* store_views.c: of the list page shapes asked (their keys), whether SQLite's own plan
	 * sorts their rows (2) or not (1), asked once each (EXPLAIN QUERY PLAN); 0: a free slot */
	struct store_list_sorts {
		int key;
		int sorts;
	} list_sorts[STORE_LIST_SHAPES];
	int list_sorts_next;
};

/* ---- The SLA blocks kept on the follow-up rows (store_sla.c) */

/* The Bogotá day (AAAA-MM-DD) of instant now, or today's when now is NULL or unreadable. */
void store_sla_day(const char *now, char day[STORE_SLA_DAY_LEN]);

/* ---- Errors */

/* Fills err (size errlen; may be NULL) with a formatted message, cut on a UTF-8 character
 * boundary when it does not fit. Every message of the store is written through these. */
void store_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same into s->err. */
void store_set_error(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fills s->err with what and SQLite's message for the last failure. */
void store_set_sqlite_error(struct store *s, const char *what);
/* Copies src into out (size outlen), cut on a UTF-8 character boundary when too long. */
void store_cut_error(const char *src, char *out, size_t outlen);

/* ---- The statement cache */

/* Returns statement id, prepared from sql on first use (what names a failure), or NULL
 * with s->err. Borrowed: valid until store_close. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id, const char *sql, const char *what);
/* Returns statement id for query shape key (>= 0); on first use build(arg) gives its SQL (a
 * new string, freed here). When every slot of id holds another shape, the oldest one is
 * finalized. NULL with s->err on error. */
sqlite3_stmt *store_stmt_shape(struct store *s, enum store_stmt_id id, int key,
			       char *(*build)(const void *arg), const void *arg, const char *what);
/* Makes a statement ready for its next use (st may be NULL). Bindings are SQLITE_STATIC,
 * so every use ends here before the bound strings can go away. */
void store_stmt_done(sqlite3_stmt *st);

/* ---- Binding: store_bind(s, st, store_text(numero), store_int(id)) binds ?1, ?2... */

/* One value to bind: SQL NULL, text (borrowed until the statement is done) or an integer. */
enum store_val_kind { STORE_VAL_NULL, STORE_VAL_TEXT, STORE_VAL_INT };

struct store_val {
	enum store_val_kind kind;
	const char *text;
	long long i;
};

/* Text; NULL binds SQL NULL. */
static inline struct store_val store_text(const char *v)
{
	struct store_val x = {v != NULL ? STORE_VAL_TEXT : STORE_VAL_NULL, v, 0};

	return x;
}

static inline struct store_val store_int(long long v)
{
	struct store_val x = {STORE_VAL_INT, NULL, v};

	return x;
}

/* A row id that may be absent (a user, a lawyer): SQL NULL when id <= 0. */
static inline struct store_val store_id(long long id)
{
	return id > 0 ? store_int(id) : store_text(NULL);
}

/* A yes / no that may be unknown: 1 or 0, SQL NULL when v < 0. */
static inline struct store_val store_flag(int v)
{
	return v >= 0 ? store_int(v != 0) : store_text(NULL);
}

/* Binds v[0..n) to the parameters ?first, ?first + 1... of st. Returns 0, or -1 with s->err
 * and st readied; st NULL (a statement that could not be prepared, s->err already says
 * why) returns -1. */
int store_bind_vals(struct store *s, sqlite3_stmt *st, int first, const struct store_val *v,
		    size_t n);

#define STORE_VALS(...)                                                                            \
	(const struct store_val[]){__VA_ARGS__},                                                   \
	    sizeof((const struct store_val[]){__VA_ARGS__}) / sizeof(struct store_val)
/* Both return 0 or -1 as store_bind_vals; store_bind_at starts at ?first. */
#define store_bind_at(s, st, first, ...)                                                           \
	store_bind_vals((s), (st), (first), STORE_VALS(__VA_ARGS__))
#define store_bind(s, st, ...) store_bind_at((s), (st), 1, __VA_ARGS__)

/* ---- Stepping. Each accepts st NULL (a failed store_stmt): -1, s->err kept. */

/* Steps a statement that returns no rows to completion and readies it again. 0 or -1. */
int store_run(struct store *s, sqlite3_stmt *st, const char *what);
/* Steps a query for its (first) row: 1 row ready, 0 no row (statement readied), -1 error
 * (statement readied, s->err set). After 1 the caller reads and calls store_stmt_done. */
int store_row(struct store *s, sqlite3_stmt *st, const char *what);
/* Binds key to ?1, then as store_row. */
int store_row_of(struct store *s, sqlite3_stmt *st, struct store_val key, const char *what);
/* Steps a bound query to its end, handing each row to row(st, arg) until that returns
 * non-zero, and readies st. Returns 0 at the end, row's non-zero value, or -1 with what as
 * the error. */
int store_each(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *arg),
	       void *arg, const char *what);
/* STORE_EACH_ROW(prefix, type, read) defines, for a query whose rows read (read(st, &r))
 * into a type r handed to a callback int (*cb)(const type *r, void *arg), the context
 * struct prefix_each {cb, arg} and the row function prefix_row to give store_each. */
#define STORE_EACH_ROW(prefix, type, read)                                                         \
	struct prefix##_each {                                                                     \
		int (*cb)(const type *r, void *arg);                                               \
		void *arg;                                                                         \
	};                                                                                         \
	static int prefix##_row(sqlite3_stmt *st, void *arg)                                       \
	{                                                                                          \
		const struct prefix##_each *e = arg;                                               \
		type r;                                                                            \
                                                                                                   \
		read(st, &r);                                                                      \
		return e->cb(&r, e->arg);                                                          \
	}
/* store_each for (text, count) rows handed to cb. */
int store_count_rows(struct store *s, sqlite3_stmt *st,
		     int (*cb)(const char *key, long long n, void *arg), void *arg,
		     const char *what);
/* A text column; "" for SQL NULL. Borrowed until the next step or reset. */
const char *store_column_text(sqlite3_stmt *st, int col);

/* ---- Transactions */

/* Opens a write transaction (BEGIN IMMEDIATE) unless the caller holds one; *own says
 * whether this call opened it. 0 or -1. */
int store_txn_begin(struct store *s, int *own);
/* Opens a read transaction (BEGIN, deferred) unless the caller holds one (then its reads
 * join the caller's); *own says whether this call opened it. 0 or -1. */
int store_read_begin(struct store *s, int *own);
/* Ends what store_txn_begin or store_read_begin opened (nothing when own is 0: the caller's
 * transaction goes on): rc >= 0 commits, rc < 0 rolls back. A failed commit rolls back too.
 * Whichever failed first keeps its message in s->err: the rollback's own is not the cause. Returns
 * rc, or -1 when the commit failed. */
int store_txn_end(struct store *s, int own, int rc);

/* ---- Shared between the store files (store_follow_up.c) */

/* Reads id, nombre, rol, activo, creado from columns 0..4 of st. */
void store_read_user(sqlite3_stmt *st, struct store_user *u);
/* Inserts the seguimiento row of new filing radicado_id (estado 'recibido'; tipo_tramite
 * "" or NULL: 'otro'). 0 or -1. */
int store_follow_up_create(struct store *s, long long radicado_id, const char *tipo_tramite,
			   const char *now);
/* Inserts a gestion row. usuario_id <= 0 and satisfactorio < 0 store NULL; datos may be
 * NULL. Returns 0 or -1. */
int store_gestion_insert(struct store *s, long long radicado_id, const char *tipo,
			 long long usuario_id, const char *fecha, const char *texto,
			 int satisfactorio, const char *datos);

#endif
