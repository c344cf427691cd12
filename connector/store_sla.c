/* store_sla.c -- the SLA blocks kept on the follow-up rows (seguimiento.sla, migration 9):
 * worked out again through the connection's SLA function when an input of the clock
 * changed (the triggers clear sla_dia), when the day changed (open clocks move at midnight)
 * and when the targets or the calendar changed (sla_huella), so that the list filters,
 * sorts and shows them without working out one block a row. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* The day a block that no longer moves with the date is kept for. */
#define STORE_SLA_FIXED "'9999-12-31'"
#define STORE_SLA_BATCH 500 /* rows a refresh of its own stores per write transaction */
/* The follow-up rows whose stored block is not fresh for day ?1: missing, or worked out for
 * another day. Three ranges of the index on sla_dia, whatever the planner's statistics say
 * (an OR of them reads the whole index when ANALYZE ran while every row was missing). */
#define STORE_SLA_STALE_IDS                                                                        \
	"SELECT radicado_id FROM seguimiento WHERE sla_dia IS NULL"                                \
	" UNION ALL SELECT radicado_id FROM seguimiento WHERE sla_dia < ?1"                        \
	" UNION ALL SELECT radicado_id FROM seguimiento WHERE sla_dia > ?1"                        \
	" AND sla_dia < " STORE_SLA_FIXED
/* A refresh that stored this many rows runs ANALYZE after it: the statistics of the indexes
 * on the stored members were taken while they were empty. */
#define STORE_SLA_ANALYZE_ROWS 10000

static const char *const store_sla_sql[STORE_STMT_COUNT] = {
    [STORE_STMT_SLA_ANY_STALE] = STORE_SLA_STALE_IDS " LIMIT 1",
    [STORE_STMT_SLA_STALE] = "SELECT p.radicado_id, r.numero FROM (" STORE_SLA_STALE_IDS
			     " LIMIT ?2) p JOIN radicado r ON r.id = p.radicado_id",
    /* A stopped clock (detenido) or none (no_aplica) gives the same block on every later
     * day; any other (sin_iniciar, corriendo, pausado) counts days up to now. */
    /* clang-format off */
    [STORE_STMT_SLA_SAVE] =
	"UPDATE seguimiento SET sla = ?2, sla_dia = CASE WHEN json_extract(?2, '$.reloj')"
	" IN ('detenido', 'no_aplica') THEN " STORE_SLA_FIXED " ELSE ?3 END,"
	" sla_estado = json_extract(?2, '$.estado'),"
	" sla_fecha_limite = json_extract(?2, '$.fecha_limite'),"
	" sla_dias_restantes = json_extract(?2, '$.dias_restantes'),"
	" " STORE_SCHEMA_SLA_COLUMNS("?2") ","
	" " STORE_SCHEMA_CIFRAS_RECORD("?2") ","
	" " STORE_SCHEMA_CIFRAS_COLUMNS("?1") " WHERE radicado_id = ?1",
    /* clang-format on */
    [STORE_STMT_SLA_PRINT_GET] = "SELECT huella FROM sla_huella WHERE id = 1",
    [STORE_STMT_SLA_PRINT_SET] = "INSERT INTO sla_huella (id, huella) VALUES (1, ?1)"
				 " ON CONFLICT (id) DO UPDATE SET huella = excluded.huella",
    [STORE_STMT_SLA_ALL_STALE] = "UPDATE seguimiento SET sla_dia = NULL WHERE sla_dia IS NOT NULL",
    [STORE_STMT_SLA_STORED] =
	"SELECT s.radicado_id, CASE WHEN s.sla_dia = " STORE_SLA_FIXED " OR s.sla_dia = ?2"
	" THEN s.sla ELSE segcont_sla(r.numero, ?3) END FROM seguimiento s"
	" JOIN radicado r ON r.id = s.radicado_id"
	" WHERE s.radicado_id IN (SELECT value FROM json_each(?1)) ORDER BY s.radicado_id",
};

static sqlite3_stmt *store_sla_stmt(struct store *s, enum store_stmt_id id)
{
	return store_stmt(s, id, store_sla_sql[id], STORE_PREPARE_ERROR);
}

void store_sla_day(const char *now, char day[STORE_SLA_DAY_LEN])
{
	char iso[UTIL_ISO_LEN];
	long long epoch;

	if (now == NULL || util_iso_epoch(now, &epoch) < 0) {
		util_today(day);
		return;
	}
	util_time_iso(epoch, iso);
	memcpy(day, iso, STORE_SLA_DAY_LEN - 1);
	day[STORE_SLA_DAY_LEN - 1] = '\0';
}

/* The rows to work out again: ids and numbers. */
struct store_sla_todo {
	long long *id;
	char **numero;
	size_t n, cap;
};

static int store_sla_todo_row(sqlite3_stmt *st, void *arg)
{
	struct store_sla_todo *t = arg;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->id = xrealloc(t->id, t->cap * sizeof(*t->id));
		t->numero = xrealloc(t->numero, t->cap * sizeof(*t->numero));
	}
	t->id[t->n] = sqlite3_column_int64(st, 0);
	t->numero[t->n] = xstrdup(store_column_text(st, 1));
	t->n++;
	return 0;
}

static void store_sla_todo_free(struct store_sla_todo *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->numero[i]);
	free(t->id);
	free(t->numero);
}

/* Works out and stores the block of each row of t for day (at now), inside a write
 * transaction. The number of rows stored, or -1 (a failure of the SLA function for one row
 * is logged and leaves that row missing). */
static long store_sla_save_all(struct store *s, const struct store_sla_todo *t, const char *now,
			       const char *day)
{
	sqlite3_stmt *save = store_sla_stmt(s, STORE_STMT_SLA_SAVE);
	size_t failed = 0;
	long saved = 0;

	if (save == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		char err[STORE_ERR_LEN];
		char *json;
		int rc;

		err[0] = '\0';
		json = s->sla(s->sla_arg, s, t->numero[i], now, err, sizeof(err));
		if (json == NULL) {
			if (failed++ == 0)
				log_warn(STORE_MODULE, "plazo no calculado para %s: %s",
					 t->numero[i], err[0] != '\0' ? err : "sin causa");
			continue;
		}
		rc = store_bind(s, save, store_int(t->id[i]), store_text(json), store_text(day)) < 0
			 ? -1
			 : store_run(s, save, "no se pudo guardar el plazo");
		free(json);
		if (rc < 0)
			return -1;
		saved++;
	}
	if (failed > 1)
		log_warn(STORE_MODULE, "%zu plazos no calculados", failed);
	return saved;
}

/* One pass inside a write transaction: the first limit rows (-1: all) not fresh for day,
 * worked out and stored. The number of rows found into *found. 0 or -1. */
static int store_sla_pass(struct store *s, const char *now, const char *day, long limit,
			  size_t *found, long *saved)
{
	struct store_sla_todo t = {NULL, NULL, 0, 0};
	sqlite3_stmt *stale = store_sla_stmt(s, STORE_STMT_SLA_STALE);
	int rc;

	rc = stale == NULL || store_bind(s, stale, store_text(day), store_int(limit)) < 0
		 ? -1
		 : store_each(s, stale, store_sla_todo_row, &t, "no se pudieron leer los plazos");
	*found = t.n;
	*saved = rc == 0 ? store_sla_save_all(s, &t, now, day) : -1;
	store_sla_todo_free(&t);
	return *saved < 0 ? -1 : 0;
}

int store_sla_refresh(struct store *s, const char *now)
{
	char day[STORE_SLA_DAY_LEN];
	int own = sqlite3_get_autocommit(s->db);
	size_t found;
	long saved;
	long total = 0;
	int rc;

	if (s->sla == NULL || s->sla_refreshing)
		return 0;
	store_sla_day(now, day);
	s->sla_refreshing = 1;
	if (!own) {
		/* Inside the caller's transaction, before its commit: one batch (its own rows,
		 * unless a backlog after a migration or a new day is still being worked off by
		 * the passes of their own; the views stay exact for a row left marked). */
		rc = store_sla_pass(s, now, day, STORE_SLA_BATCH, &found, &saved);
		s->sla_refreshing = 0;
		return rc;
	}
	/* On its own, a batch per write transaction, each chosen inside it: a refresh of every
	 * row (after the migration, a new fingerprint) does not hold the write lock for
	 * seconds, and connections refreshing at once share the rows instead of each doing
	 * all. Until a batch finds fewer rows, or stores none (the SLA function fails). */
	do {
		if (store_begin(s) < 0) {
			rc = -1;
			break;
		}
		rc = store_txn_end(s, 1,
				   store_sla_pass(s, now, day, STORE_SLA_BATCH, &found, &saved));
		total += saved > 0 ? saved : 0;
	} while (rc == 0 && found == STORE_SLA_BATCH && saved > 0);
	s->sla_refreshing = 0;
	if (total >= STORE_SLA_ANALYZE_ROWS &&
	    sqlite3_exec(s->db, "ANALYZE", NULL, NULL, NULL) != SQLITE_OK)
		log_warn(STORE_MODULE, "ANALYZE: %s", sqlite3_errmsg(s->db));
	return rc;
}

/* 1 when a stored block is not fresh for day, 0 when none, -1 on error. */
static int store_sla_any_stale(struct store *s, const char *day)
{
	sqlite3_stmt *st = store_sla_stmt(s, STORE_STMT_SLA_ANY_STALE);
	int rc = store_row_of(s, st, store_text(day), "no se pudieron leer los plazos");

	if (rc == 1)
		store_stmt_done(st);
	return rc;
}

void store_sla_fresh(struct store *s, const char *now)
{
	char day[STORE_SLA_DAY_LEN];
	unsigned long long version;
	int rc;

	if (s->sla == NULL || s->sla_refreshing || !sqlite3_get_autocommit(s->db))
		return;
	store_sla_day(now, day);
	if (store_data_version(s, &version) < 0)
		goto fail;
	if (version == s->sla_seen_version && strcmp(day, s->sla_seen_day) == 0)
		return;
	rc = store_sla_any_stale(s, day);
	if (rc < 0)
		goto fail;
	if (rc == 1 && store_sla_refresh(s, now) < 0)
		goto fail;
	/* Our own commit leaves data_version as it was. */
	s->sla_seen_version = version;
	strlcpy_s(s->sla_seen_day, day, sizeof(s->sla_seen_day));
	return;
fail:
	log_warn(STORE_MODULE, "los plazos guardados no se pudieron poner al día: %s", s->err);
}

/* 1 when the recorded fingerprint is print, 0 when not (or none), -1 on error. */
static int store_sla_same_print(struct store *s, const char *print)
{
	sqlite3_stmt *get = store_sla_stmt(s, STORE_STMT_SLA_PRINT_GET);
	int rc = store_row(s, get, "no se pudo leer la huella de los plazos");
	int same;

	if (rc <= 0)
		return rc;
	same = strcmp(store_column_text(get, 0), print) == 0;
	store_stmt_done(get);
	return same;
}

int store_sla_fingerprint(struct store *s, const char *print)
{
	sqlite3_stmt *set;
	int own;
	int rc;

	/* Every connection compares when it opens: a read, unless it changed. */
	rc = store_sla_same_print(s, print);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (store_txn_begin(s, &own) < 0)
		return -1;
	rc = store_sla_same_print(s, print);
	if (rc == 0) {
		log_info(STORE_MODULE, "metas o calendario cambiaron: se recalculan los plazos");
		set = store_sla_stmt(s, STORE_STMT_SLA_PRINT_SET);
		rc = store_run(s, store_sla_stmt(s, STORE_STMT_SLA_ALL_STALE),
			       "no se pudieron marcar los plazos") < 0 ||
			     store_bind(s, set, store_text(print)) < 0 ||
			     store_run(s, set, "no se pudo guardar la huella de los plazos") < 0
			 ? -1
			 : 0;
	}
	/* The rows are worked out after the commit, a batch at a time (store_sla_refresh). */
	s->sla_refreshing = 1;
	rc = store_txn_end(s, own, rc < 0 ? -1 : 0);
	s->sla_refreshing = 0;
	if (rc == 0 && own && store_sla_refresh(s, NULL) < 0)
		log_warn(STORE_MODULE, "los plazos quedan por recalcular: %s", s->err);
	return rc;
}

struct store_sla_blocks_each {
	int (*cb)(long long radicado_id, const char *sla, void *arg);
	void *arg;
};

static int store_sla_block_row(sqlite3_stmt *st, void *arg)
{
	const struct store_sla_blocks_each *e = arg;

	return e->cb(sqlite3_column_int64(st, 0),
		     sqlite3_column_type(st, 1) == SQLITE_NULL ? "null" : store_column_text(st, 1),
		     e->arg);
}

int store_sla_blocks(struct store *s, const char *ids_json, const char *now,
		     int (*cb)(long long radicado_id, const char *sla, void *arg), void *arg)
{
	struct store_sla_blocks_each e = {cb, arg};
	char day[STORE_SLA_DAY_LEN];
	sqlite3_stmt *st;

	store_sla_fresh(s, now);
	store_sla_day(now, day);
	st = store_sla_stmt(s, STORE_STMT_SLA_STORED);
	if (store_bind(s, st, store_text(ids_json), store_text(day), store_text(now)) < 0)
		return -1;
	return store_each(s, st, store_sla_block_row, &e, "no se pudieron leer los plazos");
}
