/* cli_reconcile.c -- segcont reconcile: one reconciliation run of a period from the command
 * line, reported in Spanish (counts per kind, one line per discrepancy) or as JSON. */
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ds_client.h"
#include "reconcile.h"
#include "util.h"

/* A JSON string of s (invalid UTF-8 becomes null). New reference. */
static json_t *cli_reconcile_jstr(const char *s)
{
	json_t *j = json_string(s != NULL ? s : "");

	return j != NULL ? j : json_null();
}

/* The text of member key of o, or "?" when it is not a string. Borrowed. */
static const char *cli_reconcile_jtext(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "?";
}

/* The one-line description of a discrepancy's evidence. Appends to b. */
static void cli_reconcile_describe(struct buf *b, int kind, const json_t *sgd, const json_t *local)
{
	const char *key;
	json_t *v;
	const char *estado = cli_reconcile_jtext(local, "estado");

	switch (kind) {
	case RECONCILE_FALTA_EN_SEGUIMIENTO:
		buf_printf(b, "radicado el %.10s%s; seguimiento creado",
			   cli_reconcile_jtext(sgd, "fecha_radicacion"),
			   json_is_true(json_object_get(sgd, "tardio"))
			       ? ", llegó tarde a la dependencia"
			       : "");
		break;
	case RECONCILE_YA_NO_EN_DEPENDENCIA:
		buf_printf(b, "ahora en la dependencia %s; seguimiento %s",
			   cli_reconcile_jtext(sgd, "dependencia_actual"), estado);
		break;
	case RECONCILE_ANULADO_EN_SGD:
		buf_printf(b, "%s en el sistema documental; seguimiento %s",
			   cli_reconcile_jtext(sgd, "estado_ds"), estado);
		break;
	case RECONCILE_DATOS_DISTINTOS: {
		int first = 1;

		json_object_foreach((json_t *)local, key, v)
		{
			buf_printf(b, "%s%s «%s» → «%s»", first ? "" : "; ", key,
				   json_is_string(v) ? json_string_value(v) : "?",
				   cli_reconcile_jtext(sgd, key));
			first = 0;
		}
		break;
	}
	case RECONCILE_CONCLUIDO_SIN_RADICADO:
		buf_printf(b, "el sistema documental no conoce el número; concluido el %.10s",
			   cli_reconcile_jtext(local, "fecha_conclusion"));
		break;
	case RECONCILE_NO_ENCONTRADO:
		buf_printf(b, "el sistema documental no conoce el número; seguimiento %s", estado);
		break;
	default:
		break;
	}
}

static void cli_reconcile_print_text(const struct config *cfg, const struct reconcile_totals *t,
				     json_t *events, int ok, const char *err)
{
	long open_total = 0;
	long found = 0;
	long closed = 0;
	long kept = 0;
	size_t i;
	json_t *e;

	printf("Conciliación del %s al %s (dependencia %s): %s en %.1f s\n", t->desde, t->hasta,
	       cfg->ds_dependencia, ok ? "completa" : "INCOMPLETA", t->elapsed_ms / 1000.0);
	printf(
	    "  %ld ventanas leídas%s, %ld radicados listados, %ld en el seguimiento del periodo, "
	    "%ld consultas de detalle\n",
	    t->windows, t->windows_failed > 0 ? " (hubo ventanas fallidas)" : "", t->listed,
	    t->local, t->details);
	printf("  %ld seguimientos creados, %ld radicados actualizados desde el sistema "
	       "documental\n",
	       t->created, t->updated);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		open_total += t->found[k] + t->still[k];
		found += t->found[k];
		closed += t->closed[k];
		kept += t->kept_resolved[k];
	}
	printf("Discrepancias abiertas: %ld (%ld nuevas); cerradas ahora: %ld; resueltas que "
	       "persisten: %ld\n",
	       open_total, found, closed, kept);
	for (int k = 0; k < RECONCILE_KIND_COUNT; k++)
		printf("  %-24s %ld\n", reconcile_kind_name((enum reconcile_kind)k),
		       t->found[k] + t->still[k]);
	json_array_foreach(events, i, e)
	{
		struct buf line;
		int kind = reconcile_kind_parse(json_string_value(json_object_get(e, "tipo")));

		buf_init(&line);
		cli_reconcile_describe(&line, kind, json_object_get(e, "evidencia_sgd"),
				       json_object_get(e, "evidencia_local"));
		printf("#%-6" JSON_INTEGER_FORMAT " %-11s %-24s %-16s %s\n",
		       json_integer_value(json_object_get(e, "id")),
		       json_string_value(json_object_get(e, "novedad")),
		       json_string_value(json_object_get(e, "tipo")),
		       json_string_value(json_object_get(e, "numero")), line.data ? line.data : "");
		buf_free(&line);
	}
	if (!ok)
		fprintf(stderr, "segcont: conciliación incompleta: %s\n", err);
}

static void cli_reconcile_print_json(const struct config *cfg, const struct reconcile_totals *t,
				     json_t *events, int ok, const char *err)
{
	json_t *o = json_object();
	json_t *abiertas = json_object();
	long found = 0;
	long still = 0;
	long closed = 0;
	long kept = 0;
	char *text;

	for (int k = 0; k < RECONCILE_KIND_COUNT; k++) {
		json_object_set_new(abiertas, reconcile_kind_name((enum reconcile_kind)k),
				    json_integer(t->found[k] + t->still[k]));
		found += t->found[k];
		still += t->still[k];
		closed += t->closed[k];
		kept += t->kept_resolved[k];
	}
	json_object_set_new(o, "desde", json_string(t->desde));
	json_object_set_new(o, "hasta", json_string(t->hasta));
	json_object_set_new(o, "dependencia", cli_reconcile_jstr(cfg->ds_dependencia));
	json_object_set_new(o, "completa", json_boolean(ok));
	json_object_set_new(o, "error", ok ? json_null() : cli_reconcile_jstr(err));
	json_object_set_new(o, "ventanas", json_integer(t->windows));
	json_object_set_new(o, "ventanas_fallidas", json_integer(t->windows_failed));
	json_object_set_new(o, "listados", json_integer(t->listed));
	json_object_set_new(o, "en_seguimiento", json_integer(t->local));
	json_object_set_new(o, "consultas_detalle", json_integer(t->details));
	json_object_set_new(o, "seguimientos_creados", json_integer(t->created));
	json_object_set_new(o, "radicados_actualizados", json_integer(t->updated));
	json_object_set_new(o, "duracion_ms", json_integer(t->elapsed_ms));
	json_object_set_new(o, "abiertas", abiertas);
	json_object_set_new(o, "nuevas", json_integer(found));
	json_object_set_new(o, "siguen", json_integer(still));
	json_object_set_new(o, "cerradas", json_integer(closed));
	json_object_set_new(o, "ya_resueltas", json_integer(kept));
	json_object_set(o, "discrepancias", events);
	text = json_dumps(o, JSON_INDENT(2));
	if (text != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(o);
}

int cli_reconcile(const struct cli_args *a)
{
	const char *desde = a->desde;
	const char *hasta = a->hasta;
	char err[RECONCILE_ERR_LEN];
	char desde_buf[11];
	char today[11];
	struct reconcile_totals totals;
	struct config cfg;
	struct mapping *m = NULL;
	struct store *st = NULL;
	struct ds_client *dc = NULL;
	json_t *events = NULL;
	atomic_int *stop;
	int auth_error = 0;
	int ret = CLI_EXIT_FAIL;

	if (desde != NULL && hasta != NULL && strcmp(desde, hasta) > 0) {
		fprintf(stderr, "segcont: --desde es posterior a --hasta\n");
		return CLI_EXIT_USAGE;
	}
	/* The system lists nothing after today: a later --hasta is today, and a --desde after
	 * it leaves nothing to compare. */
	util_today(today);
	if (desde != NULL && strcmp(desde, today) > 0) {
		fprintf(stderr,
			"segcont: --desde «%s» es posterior a hoy (%s): no hay radicados que "
			"conciliar\n",
			desde, today);
		return CLI_EXIT_USAGE;
	}
	if (hasta != NULL && strcmp(hasta, today) > 0)
		hasta = today;
	if (cli_setup(a->config, &cfg, &m, &st) < 0)
		goto done;
	/* Only --hasta: the period is the reconcile_days before it. */
	if (desde == NULL && hasta != NULL &&
	    util_date_add(hasta, -cfg.ds_reconcile_days, desde_buf) == 0)
		desde = desde_buf;
	stop = cli_catch_signals(NULL);
	dc = ds_client_new(&cfg, m, stop);
	events = json_array();
	ret = reconcile_run(&cfg, m, st, dc, desde, hasta, stop, &totals, events, &auth_error, err,
			    sizeof(err)) == 0
		  ? 0
		  : CLI_EXIT_FAIL;
	if (ret != 0 && totals.windows == 0 && totals.windows_failed == 0) {
		/* Nothing was attempted (no sync yet, bad period): just say why. */
		fprintf(stderr, "segcont: %s\n", err);
		goto done;
	}
	if (a->json)
		cli_reconcile_print_json(&cfg, &totals, events, ret == 0, err);
	else
		cli_reconcile_print_text(&cfg, &totals, events, ret == 0, err);
done:
	json_decref(events);
	ds_client_free(dc);
	store_close(st);
	mapping_free(m);
	config_free(&cfg);
	return ret;
}
