/* reconcile.h -- the full comparison document system <-> follow-up: re-reads the last
 * reconcile_days days and keeps one discrepancia row per disagreement, found once, closed
 * when both sides agree again or resolved by a person with a note.
 *
 * What each run does, per window of at most mapping_max_window_days days:
 *  1. lists the office's filings of the window (getRadicadosDependencia) and reads the
 *     follow-up's filings dated in it;
 *  2. asks for the detail (getInfoRadicado) of: listed filings that are new locally, whose
 *     listed fields changed, whose follow-up is open, or that have an open discrepancy;
 *     and of every local filing of the window that the list no longer shows;
 *  3. with everything fetched, one short transaction compares, writes what the document
 *     system says through store_upsert_filing (the same upsert as sync: it is the truth
 *     for the source fields, and a change leaves its cambio_sgd gestion), and inserts,
 *     refreshes or closes discrepancias. A window whose fetch fails changes nothing;
 *     the next windows still run. Follow-up data is never deleted.
 *
 * "Open" here means seguimiento.estado recibido, repartido, en_revision or devuelto
 * (concluido and anulado are closed). The kinds:
 *  falta_en_seguimiento   listed for the office, absent locally: its follow-up is created
 *                         now; "tardio": true when its filing day is before the sync
 *                         cursor (it was routed to the office late). Stays open until the
 *                         office takes it up (estado leaves recibido) or the list stops
 *                         showing it.
 *  ya_no_en_dependencia   open here, RADI_DEPE_ACTU is another dependency.
 *  anulado_en_sgd         open here, SGD_EANU_CODIGO 1 or 2 (annulment requested or done).
 *  datos_distintos        asunto, fecha_radicacion or dependencia_origen (when both sides
 *                         have the detail) differ from the local copy. The copy is updated
 *                         (and the gestion says so); the row keeps the office's values as
 *                         they were and closes when the system returns to them.
 *  concluido_sin_radicado concluded here, number unknown to the system (deleted there).
 *                         Moving away after conclusion is the normal end of a request.
 *  no_encontrado          open here, number unknown to the system (empty RADI_NUME_RADI).
 * Other kinds hold exactly while their condition holds: a later run that sees the two
 * sides agree closes the row (cerrada, cerrada_en). A row resolved by a person stays
 * resolved: the same disagreement (same evidencia_sgd, the system's side) is not opened
 * again, only its vista_ultima moves; a different one (say, moved on to yet another
 * dependency) opens a new row. Filings outside the period are not looked at, so their
 * rows are left as they are. */
#ifndef SEGCONT_RECONCILE_H
#define SEGCONT_RECONCILE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "config.h"
#include "ds_client.h"
#include "mapping.h"
#include "store.h"

#define RECONCILE_NOTE_MAX 2000	       /* bytes of a resolution note */
#define RECONCILE_PAGE_SIZE_DEFAULT 50 /* por_pagina when 0 */
#define RECONCILE_PAGE_SIZE_MAX 500
#define RECONCILE_PAGE_MAX 10000000L
#define RECONCILE_RETRY_S 3600	     /* the scheduler retries a failed run after this */
#define RECONCILE_WAIT_SYNC_S 5	     /* ... and waits for a first complete sync pass */
#define RECONCILE_SCHED_RECHECK_S 60 /* longest sleep between looks at the clock */
#define RECONCILE_ERR_LEN 1024
#define RECONCILE_BULK_MAX 500 /* discrepancies resolved in one request */

enum reconcile_kind {
	RECONCILE_FALTA_EN_SEGUIMIENTO,
	RECONCILE_YA_NO_EN_DEPENDENCIA,
	RECONCILE_ANULADO_EN_SGD,
	RECONCILE_DATOS_DISTINTOS,
	RECONCILE_CONCLUIDO_SIN_RADICADO,
	RECONCILE_NO_ENCONTRADO,
	RECONCILE_KIND_COUNT
};
/* The tipo name of a kind ("falta_en_seguimiento"...); static. reconcile_kind_parse gives
 * the kind of a name, or -1. */
const char *reconcile_kind_name(enum reconcile_kind k);
int reconcile_kind_parse(const char *name);

/* What a run did. */
struct reconcile_totals {
	char desde[11];
	char hasta[11];
	long windows;
	long windows_failed;
	long listed;				  /* filings listed for the office */
	long local;				  /* follow-up filings dated in the period */
	long details;				  /* detail calls made */
	long created;				  /* follow-ups created (falta_en_seguimiento) */
	long updated;				  /* local copies updated from the system */
	long found[RECONCILE_KIND_COUNT];	  /* new open rows */
	long still[RECONCILE_KIND_COUNT];	  /* open rows seen again */
	long closed[RECONCILE_KIND_COUNT];	  /* rows closed: the sides agree again */
	long kept_resolved[RECONCILE_KIND_COUNT]; /* resolved rows whose disagreement persists */
	long long elapsed_ms;
};

/* Runs one reconciliation of [desde, hasta] (YYYY-MM-DD; NULL: today minus reconcile_days,
 * and today). Borrows everything; events, when not NULL, receives one object per
 * discrepancy touched ({"id", "numero", "tipo", "estado", "novedad": "nueva" | "sigue" |
 * "cerrada" | "ya_resuelta", "evidencia_sgd", "evidencia_local"}). Needs a complete sync
 * pass first (sync_estado.ultimo_exito). Records the run in conciliacion_estado and logs
 * counts per kind and the duration. Returns 0 when every window was read and written, -1
 * otherwise with err filled (the windows that succeeded stay written). *auth_error is set
 * when the system refused the key. Stops between windows when *stop is set. */
int reconcile_run(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, const char *desde, const char *hasta, atomic_int *stop,
		  struct reconcile_totals *totals, json_t *events, int *auth_error, char *err,
		  size_t errlen);

/* The comparison and writes of one window, without the network: listed holds the office's
 * filings of [from, to] (completed by the detail call where asked: asked[i] = 1), absent the
 * local filings of the window that the list no longer shows, each holding its numero and,
 * when the system knew it, the detail (has_detail = 1). cursor is the sync cursor ("" for
 * none). One transaction. Exposed for reconcile_run and the unit tests. 0 or -1. */
int reconcile_apply_window(const struct config *cfg, const struct mapping *m, struct store *st,
			   const struct filing_list *listed, const unsigned char *asked,
			   const struct filing_list *absent, const char *cursor,
			   struct reconcile_totals *totals, json_t *events, char *err,
			   size_t errlen);

/* ---- The daily run inside `serve` (a struct worker: defined in worker.c) */

struct reconcile_scheduler;

/* Starts a thread with its own store connection and document-system client that runs
 * reconcile_run once a day at cfg->reconcile_minutes (Bogota time): whenever the most
 * recent scheduled time has no complete run since (so a daemon started after it catches
 * up), once the sync has completed a pass; a failed run is retried after RECONCILE_RETRY_S.
 * Borrows cfg, m and cal (serve's calendar, for the SLA blocks its writes store); stop is
 * shared with the caller, who sets it and then calls reconcile_scheduler_join. Returns NULL
 * with err filled when the database cannot be opened or the thread not created. */
struct calendar;
struct reconcile_scheduler *reconcile_scheduler_start(const struct config *cfg,
						      const struct mapping *m,
						      const struct calendar *cal, atomic_int *stop,
						      char *err, size_t errlen);
/* Asks for a run now (after the current one, if any). Never fails; NULL is ignored. */
void reconcile_scheduler_trigger(struct reconcile_scheduler *r);
/* Wakes the thread (stop must already be set), waits for it, frees everything. NULL is
 * ignored. */
void reconcile_scheduler_join(struct reconcile_scheduler *r);

/* Counters for /metrics, copied under the scheduler's lock. */
struct reconcile_scheduler_stats {
	long runs;
	long runs_failed;
	int running;
	long open_seen[RECONCILE_KIND_COUNT]; /* open rows found or seen by the last run */
};
void reconcile_scheduler_stats(struct reconcile_scheduler *r,
			       struct reconcile_scheduler_stats *out);

/* When the next run is due, in epoch seconds, given now, the daily time (minutes after
 * midnight, Bogota) and the start of the last complete run (ISO 8601, "" for never):
 * now when the most recent scheduled time has no complete run since, else the next
 * scheduled time. Pure; exposed for the unit tests. */
long long reconcile_next_due(long long now, int minutes, const char *last_ok_iso);

/* ---- For the HTTP API (GET /api/discrepancias, POST /api/discrepancias/{id}/resolver) */

enum reconcile_status {
	RECONCILE_OK = 0,
	RECONCILE_INVALID,	  /* 422 valor_invalido: estado, tipo, pagina or por_pagina */
	RECONCILE_NOT_FOUND,	  /* 404 no_encontrada: no discrepancy with that id */
	RECONCILE_ALREADY_CLOSED, /* 409 ya_cerrada: resolved or closed already */
	RECONCILE_BAD_NOTE,	  /* 422 nota_invalida: empty, too long, control characters */
	RECONCILE_NOT_APPLICABLE, /* 422 no_aplicable: aplicar on a kind but datos_distintos */
	RECONCILE_ERROR		  /* database error: store_errmsg / store_last_busy tell */
};
/* The HTTP status and the error "codigo" of a status (for RECONCILE_ERROR: 500 and
 * "error_interno"; a caller that tells a busy database from other errors checks
 * store_last_busy first). Static strings. */
int reconcile_status_http(enum reconcile_status st);
const char *reconcile_status_code(enum reconcile_status st);

/* One page of discrepancies: estado abierta (NULL), resuelta, cerrada or todas; tipo NULL
 * or a kind; pagina >= 1 (0: 1); por_pagina 1..RECONCILE_PAGE_SIZE_MAX (0: default).
 * On RECONCILE_OK *out is a new reference: {"total", "pagina", "por_pagina", "estado",
 * "tipo", "por_tipo": {kind: n for that estado}, "conciliacion": {"ultimo_intento",
 * "ultimo_exito", "ultimo_error"}, "discrepancias": [row...]} where a row is {"id",
 * "numero", "tipo", "estado", "evidencia_sgd", "evidencia_local", "encontrada",
 * "vista_ultima", "cerrada_en", "resuelta_por": {"id", "nombre"} | null, "nota",
 * "radicado": {"asunto", "fecha_radicacion", "estado_seguimiento", "abogado_id"} | null};
 * otherwise *out is NULL and err says why in Spanish. */
enum reconcile_status reconcile_list_json(struct store *s, const char *estado, const char *tipo,
					  long pagina, long por_pagina, json_t **out, char *err,
					  size_t errlen);

/* One discrepancy as a row above: RECONCILE_OK with *out (new reference), NOT_FOUND or
 * ERROR. */
enum reconcile_status reconcile_get_json(struct store *s, long long id, json_t **out, char *err,
					 size_t errlen);

/* Resolves open discrepancy id by usuario_id (an existing user) with nota (UTF-8, trimmed,
 * 1..RECONCILE_NOTE_MAX bytes, no control characters but newline and tab): the row becomes
 * resuelta with resuelta_por, nota and cerrada_en, and an auditoria row records it, in one
 * transaction. RECONCILE_OK with *out = the row (new reference); RECONCILE_NOT_FOUND,
 * RECONCILE_ALREADY_CLOSED (nothing written), RECONCILE_BAD_NOTE or RECONCILE_ERROR with err
 * filled and *out NULL. */
enum reconcile_status reconcile_resolve(struct store *s, long long id, long long usuario_id,
					const char *nota, json_t **out, char *err, size_t errlen);

/* Resolves the n discrepancies ids with one nota, all or nothing in one transaction, by
 * the code path of reconcile_resolve (store_rc_resolve_in). With apply (datos_distintos
 * only) each filing first receives the system's asunto, fecha_radicacion and
 * dependencia_origen recorded in the row's evidencia_sgd, audited per field; nota may
 * then be NULL (a standard note). On failure nothing is written, *bad is the index of the
 * first item that failed and the status says why: NOT_FOUND, ALREADY_CLOSED (also a
 * repeated id), NOT_APPLICABLE, BAD_NOTE (*bad 0) or ERROR, with err filled. */
enum reconcile_status reconcile_resolve_many(struct store *s, const long long *ids, size_t n,
					     long long usuario_id, const char *nota, int apply,
					     size_t *bad, char *err, size_t errlen);

#endif
