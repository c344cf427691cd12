/* reconcile_run.c -- one reconciliation run: the period cut into windows, each listed and
 * completed with its detail calls before reconcile_apply_window compares and writes it. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reconcile.h"
#include "reconcile_int.h"
#include "util.h"

/* ---- One window: fetch everything, then apply */

static int reconcile_run_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The local filings of a window (collected before the fetch). */
struct reconcile_run_local_set {
	const char **listed_sorted; /* numeros of the list, sorted */
	size_t nlisted;
	struct filing_list *absent;
	long count;
};

static int reconcile_run_collect_local(const struct store_rc_local *l, void *arg)
{
	struct reconcile_run_local_set *ls = arg;
	const char *key = l->numero;
	struct filing *f;

	ls->count++;
	if (ls->nlisted > 0 && bsearch(&key, ls->listed_sorted, ls->nlisted,
				       sizeof(*ls->listed_sorted), reconcile_run_cmp_str) != NULL)
		return 0;
	f = filing_list_push(ls->absent);
	filing_set(&f->numero, l->numero);
	return 0;
}

/* Fetches and applies [from, to]. 0, or -1 with err and *answer (DS_OK when the failure was
 * the database's). */
static int reconcile_run_window(const struct config *cfg, const struct mapping *m, struct store *st,
				struct ds_client *dc, const char *from, const char *to,
				const char *cursor, struct reconcile_totals *totals, json_t *events,
				enum ds_answer *answer, char *err, size_t errlen)
{
	struct filing_list listed;
	struct filing_list absent;
	struct reconcile_run_local_set ls;
	struct filing **todo = NULL;
	unsigned char *asked = NULL;
	struct reconcile_totals w;
	char to_excl[11];
	size_t ntodo = 0;
	long long start = util_monotonic_ms();
	long long write_start;
	long before_found = 0;
	long before_closed = 0;
	enum ds_answer a;
	int ret = -1;

	memset(&ls, 0, sizeof(ls));
	filing_list_init(&listed);
	filing_list_init(&absent);
	*answer = DS_OK;
	a = ds_client_list(dc, from, to, &listed, err, errlen);
	*answer = a;
	if (a != DS_OK && a != DS_EMPTY)
		goto done;
	*answer = DS_OK;
	ls.listed_sorted = xcalloc(listed.count ? listed.count : 1, sizeof(*ls.listed_sorted));
	for (size_t i = 0; i < listed.count; i++)
		ls.listed_sorted[i] = listed.items[i].numero;
	ls.nlisted = listed.count;
	qsort(ls.listed_sorted, ls.nlisted, sizeof(*ls.listed_sorted), reconcile_run_cmp_str);
	ls.absent = &absent;
	if (util_date_add(to, 1, to_excl) < 0 ||
	    store_rc_local_range(st, from, to_excl, reconcile_run_collect_local, &ls) < 0) {
		set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
		goto done;
	}
	asked = xcalloc(listed.count ? listed.count : 1, 1);
	todo = xcalloc(listed.count + absent.count + 1, sizeof(*todo));
	for (size_t i = 0; i < listed.count; i++) {
		struct filing *f = &listed.items[i];
		struct store_rc_local l;
		char now_hash[65];
		int found = store_rc_local_get(st, f->numero, &l);

		if (found < 0) {
			set_error(err, errlen, "error de la base de datos: %s", store_errmsg(st));
			goto done;
		}
		filing_hash(f, 1, now_hash);
		if (found == 1 && strcmp(l.hash_lista, now_hash) == 0 &&
		    !reconcile_is_open(l.estado) && l.abiertas == 0)
			continue;
		asked[i] = 1;
		todo[ntodo++] = f;
	}
	for (size_t i = 0; i < absent.count; i++)
		todo[ntodo++] = &absent.items[i];
	a = ds_client_details(dc, todo, ntodo, err, errlen);
	if (a != DS_OK) {
		*answer = a;
		goto done;
	}
	memset(&w, 0, sizeof(w));
	write_start = util_monotonic_ms();
	if (reconcile_apply_window(cfg, m, st, &listed, asked, &absent, cursor, &w, events, err,
				   errlen) < 0)
		goto done;
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		totals->found[k] += w.found[k];
		totals->still[k] += w.still[k];
		totals->closed[k] += w.closed[k];
		totals->kept_resolved[k] += w.kept_resolved[k];
		before_found += w.found[k];
		before_closed += w.closed[k];
	}
	totals->created += w.created;
	totals->updated += w.updated;
	totals->listed += (long)listed.count;
	totals->local += ls.count;
	totals->details += (long)ntodo;
	totals->windows++;
	log_info(RECONCILE_MODULE,
		 "ventana %s..%s: %zu listados, %ld en seguimiento, %zu consultas de detalle, "
		 "%ld discrepancias nuevas, %ld cerradas, %lld ms (transacción de %lld ms)",
		 from, to, listed.count, ls.count, ntodo, before_found, before_closed,
		 util_monotonic_ms() - start, util_monotonic_ms() - write_start);
	ret = 0;
done:
	free(ls.listed_sorted);
	free(asked);
	free(todo);
	filing_list_free(&listed);
	filing_list_free(&absent);
	return ret;
}

/* ---- A run */

static void reconcile_run_log(const struct reconcile_totals *t, int ok, const char *err)
{
	struct buf b;
	long found = 0;
	long closed = 0;
	long kept = 0;

	buf_init(&b);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		buf_printf(&b, "%s%s %ld", k > 0 ? ", " : "",
			   reconcile_kind_name((enum reconcile_kind)k), t->found[k] + t->still[k]);
		found += t->found[k];
		closed += t->closed[k];
		kept += t->kept_resolved[k];
	}
	if (ok)
		log_info(RECONCILE_MODULE,
			 "conciliación completa %s..%s: %ld ventanas, %ld listados, %ld consultas "
			 "de detalle; abiertas: %s; %ld nuevas, %ld cerradas, %ld ya resueltas; "
			 "%lld ms",
			 t->desde, t->hasta, t->windows, t->listed, t->details, b.data, found,
			 closed, kept, t->elapsed_ms);
	else
		log_error(RECONCILE_MODULE,
			  "conciliación incompleta %s..%s: %ld ventanas leídas, %ld fallidas; "
			  "abiertas: %s; %lld ms: %s",
			  t->desde, t->hasta, t->windows, t->windows_failed, b.data, t->elapsed_ms,
			  err);
	buf_free(&b);
}

/* Checks a YYYY-MM-DD date strictly (real day, canonical form). */
static int reconcile_run_valid_date(const char *d)
{
	char back[11];

	return d != NULL && util_date_add(d, 0, back) == 0 && strcmp(back, d) == 0;
}

int reconcile_run(const struct config *cfg, const struct mapping *m, struct store *st,
		  struct ds_client *dc, const char *desde, const char *hasta, atomic_int *stop,
		  struct reconcile_totals *totals, json_t *events, int *auth_error, char *err,
		  size_t errlen)
{
	struct sync_state sync;
	const char *late_cursor;
	char started[UTIL_ISO_LEN];
	char today[11];
	char from[11];
	char first_err[RECONCILE_ERR_LEN] = "";
	long long start = util_monotonic_ms();
	int max_days = mapping_max_window_days(m);
	int ret = -1;

	memset(totals, 0, sizeof(*totals));
	*auth_error = 0;
	err[0] = '\0';
	util_now_iso(started);
	util_today(today);
	if (max_days < 1)
		max_days = 1;
	/* The system lists nothing after today: a later end is today. */
	if (hasta == NULL || strcmp(hasta, today) > 0)
		hasta = today;
	if (desde == NULL) {
		if (util_date_add(hasta, -cfg->ds_reconcile_days, totals->desde) < 0) {
			set_error(err, errlen, "fecha inválida: %s", hasta);
			return -1;
		}
	} else {
		strlcpy_s(totals->desde, desde, sizeof(totals->desde));
	}
	strlcpy_s(totals->hasta, hasta, sizeof(totals->hasta));
	if (!reconcile_run_valid_date(totals->desde) || !reconcile_run_valid_date(totals->hasta) ||
	    strcmp(totals->desde, totals->hasta) > 0) {
		set_error(err, errlen, "periodo inválido: %s a %s", totals->desde, totals->hasta);
		return -1;
	}
	if (store_sync_get(st, &sync) < 0) {
		set_error(err, errlen, "no se pudo leer el estado de sincronización: %s",
			  store_errmsg(st));
		return -1;
	}
	if (sync.last_success[0] == '\0') {
		set_error(
		    err, errlen,
		    "la conciliación compara con un seguimiento ya cargado: espere la primera "
		    "pasada completa de la sincronización (o ejecute «segcont sync --once»)");
		return -1;
	}
	/* A filing missing from the follow-up and filed before the cursor's day is one the sync
	 * will not read again ("tardío"). A change-token cursor reads changes whatever their
	 * date: none is late, and a token is no date to compare with. */
	late_cursor = strcmp(sync.cursor_kind, "token") == 0 ? "" : sync.cursor;
	strlcpy_s(from, totals->desde, sizeof(from));
	for (;;) {
		char to[11];
		char werr[RECONCILE_ERR_LEN];
		enum ds_answer a = DS_OK;

		if (stop != NULL && atomic_load(stop)) {
			set_error(first_err, sizeof(first_err),
				  "interrumpida: el proceso se está deteniendo");
			break;
		}
		util_date_add(from, max_days - 1, to);
		if (strcmp(to, totals->hasta) > 0)
			strlcpy_s(to, totals->hasta, sizeof(to));
		if (reconcile_run_window(cfg, m, st, dc, from, to, late_cursor, totals, events, &a,
					 werr, sizeof(werr)) < 0) {
			totals->windows_failed++;
			log_error(RECONCILE_MODULE, "ventana %s..%s sin conciliar: %s", from, to,
				  werr);
			if (first_err[0] == '\0')
				set_error(first_err, sizeof(first_err), "ventana %s..%s: %s", from,
					  to, werr);
			if (a == DS_AUTH)
				*auth_error = 1;
			/* A refused key or request would fail every window alike. */
			if (a == DS_AUTH || a == DS_FAULT_CLIENT)
				break;
		}
		if (strcmp(to, totals->hasta) >= 0)
			break;
		util_date_add(to, 1, from);
	}
	ret = first_err[0] == '\0' ? 0 : -1;
	if (ret < 0)
		set_error(err, errlen, "%s", first_err);
	totals->elapsed_ms = util_monotonic_ms() - start;
	if (store_rc_note_run(st, ret == 0, ret == 0 ? NULL : err, started) < 0)
		log_error(RECONCILE_MODULE, "no se pudo registrar la conciliación: %s",
			  store_errmsg(st));
	reconcile_run_log(totals, ret == 0, err);
	return ret;
}
