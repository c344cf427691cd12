/* main.c -- segcont's command line: one table of subcommands with their usage and options,
 * parsed by cli_parse before each runs; serve, sync and check-config live here. */
#include <curl/curl.h>
#include <sodium.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "cli.h"
#include "config.h"
#include "ds_client.h"
#include "calendar.h"
#include "http_api.h"
#include "indicators.h"
#include "log.h"
#include "mapping.h"
#include "reconcile.h"
#include "store.h"
#include "sync.h"
#include "util.h"

#define MAIN_EXIT_USAGE CLI_EXIT_USAGE

static int main_check_config(const struct cli_args *a)
{
	struct config cfg;
	struct mapping *m;
	int ret = 1;

	if (cli_load_config(&cfg, a->config) < 0)
		goto done;
	m = cli_load_mapping(&cfg);
	if (m == NULL)
		goto done;
	mapping_free(m);
	printf("configuración válida: %s\n", cfg.path);
	ret = 0;
done:
	config_free(&cfg);
	return ret;
}

static int main_sync(const struct cli_args *a)
{
	struct config cfg;
	struct mapping *m = NULL;
	struct store *st = NULL;
	struct ds_client *dc = NULL;
	struct sync_totals totals;
	char err[DS_CLIENT_ERR_LEN];
	atomic_int *stop;
	int auth_error;
	int ret = 1;

	if (!a->once) {
		fprintf(stderr, "segcont: use «sync --once» (el servicio continuo es «serve»)\n");
		return MAIN_EXIT_USAGE;
	}
	if (cli_setup(a->config, &cfg, &m, &st) < 0)
		goto done;
	stop = cli_catch_signals(NULL);
	dc = ds_client_new(&cfg, m, stop);
	if (sync_run_pass(&cfg, m, st, dc, stop, &totals, &auth_error, err, sizeof(err)) < 0) {
		fprintf(stderr, "segcont: sincronización incompleta: %s\n", err);
		goto done;
	}
	if (mapping_cursor_kind(m) == MAPPING_CURSOR_TOKEN)
		printf("sincronización completa: %ld ventanas, %ld páginas de cambios, %ld nuevos, "
		       "%ld cambiados, %ld sin cambio, %ld eliminados, %ld ignorados en %.1f s\n",
		       totals.windows, totals.change_pages, totals.filings_new,
		       totals.filings_changed, totals.filings_unchanged, totals.filings_deleted,
		       totals.filings_ignored, totals.elapsed_ms / 1000.0);
	else
		printf("sincronización completa: %ld ventanas, %ld nuevos, %ld cambiados, %ld sin "
		       "cambio en %.1f s\n",
		       totals.windows, totals.filings_new, totals.filings_changed,
		       totals.filings_unchanged, totals.elapsed_ms / 1000.0);
	ret = 0;
done:
	ds_client_free(dc);
	store_close(st);
	mapping_free(m);
	config_free(&cfg);
	return ret;
}

static int main_serve(const struct cli_args *a)
{
	struct config cfg;
	struct mapping *m = NULL;
	struct store *st = NULL;
	struct calendar *cal = NULL;
	struct sync_poller *poller = NULL;
	struct reconcile_scheduler *reconciler = NULL;
	struct http_api *api = NULL;
	char err[DS_CLIENT_ERR_LEN];
	sigset_t set;
	atomic_int *stop;
	int sig;
	int ret = 1;

	/* Migrates once, before any thread opens its own connection. */
	if (cli_setup(a->config, &cfg, &m, &st) < 0)
		goto done;
	store_close(st);
	st = NULL;
	/* One calendar for the poller, the reconciler and the HTTP threads (read-only once
	 * made; ~95 KB each when every one made its own). */
	cal = indicators_calendar_new(&cfg, err, sizeof(err));
	if (cal == NULL) {
		fprintf(stderr, "segcont: calendario inválido: %s\n", err);
		goto done;
	}
	/* one connection per HTTP thread and heavy thread, the poller's and the reconciler's */
	store_set_memory_limit(cfg.store_cache_mib,
			       (int)cfg.http_threads + HTTP_API_HEAVY_THREADS + 2);
	/* Signals are taken by sigwait below; every thread inherits the mask. */
	stop = cli_catch_signals(&set);
	poller = sync_poller_start(&cfg, m, cal, stop, err, sizeof(err));
	if (poller == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		goto done;
	}
	reconciler = reconcile_scheduler_start(&cfg, m, cal, stop, err, sizeof(err));
	if (reconciler == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		goto stop;
	}
	api = http_api_start(&cfg, m, cal, poller, reconciler, err, sizeof(err));
	if (api == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		goto stop;
	}
	sd_notify(0, "READY=1");
	log_info("main", "segcont %s en servicio (base %s)", SEGCONT_VERSION, cfg.store_path);
	if (sigwait(&set, &sig) == 0)
		log_info("main", "señal %d recibida: deteniendo", sig);
	ret = 0;
stop:
	sd_notify(0, "STOPPING=1");
	atomic_store(stop, 1);
	http_api_stop(api);
	reconcile_scheduler_join(reconciler);
	sync_poller_join(poller);
	log_info("main", "detenido");
done:
	calendar_free(cal);
	store_close(st);
	mapping_free(m);
	config_free(&cfg);
	return ret;
}

static int main_help(const struct cli_args *a);

static int main_version(const struct cli_args *a)
{
	(void)a;
	printf("segcont %s\n", SEGCONT_VERSION);
	return 0;
}

/* The subcommands: name, usage lines, options, words after the options (min, max), exec.
 * cli_parse checks the options against this table before exec runs. */
static const struct cli_cmd main_cmds[] = {
    {"serve", "serve [-c ARCHIVO]", (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_END}, 0, 0,
     main_serve},
    {"sync", "sync --once [-c ARCHIVO]",
     (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_FLAG("once", 0, once), CLI_OPT_END}, 0, 0,
     main_sync},
    {"reconcile", "reconcile [-c ARCHIVO] [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD] [--json]",
     (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_DATE("desde", desde),
				 CLI_OPT_DATE("hasta", hasta), CLI_OPT_FLAG("json", 0, json),
				 CLI_OPT_END},
     0, 0, cli_reconcile},
    {"user",
     "user add [-c ARCHIVO] --nombre NOMBRE --rol director|abogado|apoyo|admin [--json]\n"
     "user token [-c ARCHIVO] --id N [--json]\n"
     "user list [-c ARCHIVO] [--json]\n"
     "user disable|enable [-c ARCHIVO] --id N [--json]",
     (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_TEXT("nombre", 0, nombre),
				 CLI_OPT_TEXT("rol", 0, rol), CLI_OPT_TEXT("id", 0, id),
				 CLI_OPT_FLAG("json", 0, json), CLI_OPT_END},
     1, 1, cli_user},
    {"export",
     "export [-c ARCHIVO] --formato xlsx|csv -o ARCHIVO [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD]"
     " [--papel a4|carta]",
     (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_TEXT("formato", 0, formato),
				 CLI_OPT_TEXT("output", 'o', output), CLI_OPT_DATE("desde", desde),
				 CLI_OPT_DATE("hasta", hasta), CLI_OPT_TEXT("papel", 0, papel),
				 CLI_OPT_END},
     0, 0, cli_export},
    {"calendario",
     "calendario [-c ARCHIVO] festivos AÑO\n"
     "calendario [-c ARCHIVO] sumar AAAA-MM-DD N",
     (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_HELP, CLI_OPT_END}, 2, 3, cli_calendario},
    {"check-config", "check-config [-c ARCHIVO]",
     (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_END}, 0, 0, main_check_config},
    {"check-mapping",
     "check-mapping ARCHIVO [--json]\n"
     "check-mapping ARCHIVO --muestra RESPUESTA "
     "[--peticion list|modified|changes|latest_token|info|detail] [--estado HTTP] [--json]",
     (const struct cli_option[]){CLI_OPT_TEXT("muestra", 0, muestra),
				 CLI_OPT_TEXT("peticion", 0, peticion),
				 CLI_OPT_TEXT("estado", 0, estado), CLI_OPT_FLAG("json", 0, json),
				 CLI_OPT_HELP, CLI_OPT_END},
     1, 1, cli_check_mapping},
    {"check-ds", "check-ds [-c ARCHIVO]", (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_END},
     0, 0, cli_check_ds},
    {"--version", "--version", (const struct cli_option[]){CLI_OPT_END}, 0, CLI_ANY_ARGS,
     main_version},
    {"--help", "--help", (const struct cli_option[]){CLI_OPT_END}, 0, CLI_ANY_ARGS, main_help},
};
#define MAIN_NCMDS (sizeof(main_cmds) / sizeof(main_cmds[0]))

/* The usage of every subcommand, on f. */
static void main_usage(FILE *f)
{
	fprintf(f, "segcont: seguimiento de la contratación a partir del sistema de gestión "
		   "documental\n\nuso:\n");
	for (size_t i = 0; i < MAIN_NCMDS; i++)
		cli_usage_lines(&main_cmds[i], f, " ", " ");
	fprintf(f, "\n-c toma por defecto $SEGCONT_CONFIG, si no %s\n", CONFIG_DEFAULT_PATH);
}

static int main_help(const struct cli_args *a)
{
	(void)a;
	main_usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_args args;
	enum log_level lvl;
	const char *env_log = getenv("SEGCONT_LOG");
	int ret;

	store_global_init();
	if (env_log != NULL && log_parse_level(env_log, &lvl) == 0)
		log_set_level(lvl);
	if (argc < 2) { /* a usage error: the usage goes where errors go */
		main_usage(stderr);
		return MAIN_EXIT_USAGE;
	}
	for (size_t i = 0; i < MAIN_NCMDS; i++) {
		if (strcmp(argv[1], main_cmds[i].name) != 0)
			continue;
		ret = cli_parse(&main_cmds[i], argc - 1, argv + 1, &args);
		if (ret != 0)
			return ret < 0 ? MAIN_EXIT_USAGE : 0;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0) {
			fprintf(stderr, "segcont: no se pudieron iniciar libcurl o libsodium\n");
			return 1;
		}
		mapping_global_init();
		ret = main_cmds[i].exec(&args);
		curl_global_cleanup();
		return ret;
	}
	fprintf(stderr, "segcont: orden desconocida «%s»; pruebe «segcont --help»\n", argv[1]);
	return MAIN_EXIT_USAGE;
}
