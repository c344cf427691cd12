/* main.c -- segcont's command line: one table of subcommands, each parsing its own
 * options, loading the configuration and calling into the modules. Only here exit(). */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "auth.h"
#include "cli.h"
#include "config.h"
#include "ds_client.h"
#include "export.h"
#include "indicators.h"
#include "http_api.h"
#include "log.h"
#include "mapping.h"
#include "reconcile.h"
#include "store.h"
#include "sync.h"
#include "util.h"

#define MAIN_EXIT_USAGE CLI_EXIT_USAGE

struct main_cmd {
	const char *name;
	const char *usage;
	int (*exec)(int argc, char **argv);
};

static atomic_int main_stop;

static void main_on_signal(int sig)
{
	(void)sig;
	atomic_store(&main_stop, 1);
}

static int main_check_config(int argc, char **argv)
{
	struct cli_opts o;
	struct config cfg;
	struct mapping *m;
	int ret = 1;

	if (cli_parse_opts(argc, argv, "check-config [-c ARCHIVO]", &o) < 0)
		return MAIN_EXIT_USAGE;
	if (cli_load_config(&cfg, o.config) < 0)
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

static void main_install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int main_sync(int argc, char **argv)
{
	struct cli_opts o;
	struct config cfg;
	struct mapping *m = NULL;
	struct store *st = NULL;
	struct ds_client *dc = NULL;
	struct sync_totals totals;
	char err[DS_CLIENT_ERR_LEN];
	int auth_error;
	int ret = 1;

	if (cli_parse_opts(argc, argv, "sync --once [-c ARCHIVO]", &o) < 0)
		return MAIN_EXIT_USAGE;
	if (!o.once) {
		fprintf(stderr, "segcont: use «sync --once» (el servicio continuo es «serve»)\n");
		return MAIN_EXIT_USAGE;
	}
	if (cli_setup(o.config, &cfg, &m, &st) < 0)
		goto done;
	main_install_stop_handlers();
	dc = ds_client_new(&cfg, m, &main_stop);
	if (sync_run_pass(&cfg, m, st, dc, &main_stop, &totals, &auth_error, err, sizeof(err)) <
	    0) {
		fprintf(stderr, "segcont: sincronización incompleta: %s\n", err);
		goto done;
	}
	printf("sincronización completa: %ld ventanas, %ld nuevos, %ld cambiados, %ld sin cambio "
	       "en %.1f s\n",
	       totals.windows, totals.filings_new, totals.filings_changed, totals.filings_unchanged,
	       totals.elapsed_ms / 1000.0);
	ret = 0;
done:
	ds_client_free(dc);
	store_close(st);
	mapping_free(m);
	config_free(&cfg);
	return ret;
}

static int main_serve(int argc, char **argv)
{
	struct cli_opts o;
	struct config cfg;
	struct mapping *m = NULL;
	struct store *st = NULL;
	struct sync_poller *poller = NULL;
	struct reconcile_scheduler *reconciler = NULL;
	struct http_api *api = NULL;
	char err[DS_CLIENT_ERR_LEN];
	sigset_t set;
	int sig;
	int ret = 1;

	if (cli_parse_opts(argc, argv, "serve [-c ARCHIVO]", &o) < 0)
		return MAIN_EXIT_USAGE;
	/* Migrates once, before any thread opens its own connection. */
	if (cli_setup(o.config, &cfg, &m, &st) < 0)
		goto done;
	store_close(st);
	st = NULL;
	/* Signals are taken by sigwait below; every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	poller = sync_poller_start(&cfg, m, &main_stop, err, sizeof(err));
	if (poller == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		goto done;
	}
	reconciler = reconcile_scheduler_start(&cfg, m, &main_stop, err, sizeof(err));
	if (reconciler == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		goto stop;
	}
	api = http_api_start(&cfg, poller, reconciler, err, sizeof(err));
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
	atomic_store(&main_stop, 1);
	http_api_stop(api);
	reconcile_scheduler_join(reconciler);
	sync_poller_join(poller);
	log_info("main", "detenido");
done:
	store_close(st);
	mapping_free(m);
	config_free(&cfg);
	return ret;
}

static int main_help(int argc, char **argv);

static int main_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("segcont %s\n", SEGCONT_VERSION);
	return 0;
}

static const struct main_cmd main_cmds[] = {
    {"serve", "serve [-c ARCHIVO]", main_serve},
    {"sync", "sync --once [-c ARCHIVO]", main_sync},
    {"reconcile", "reconcile [-c ARCHIVO] [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD] [--json]",
     reconcile_cli},
    {"user",
     "user add [-c ARCHIVO] --nombre NOMBRE --rol director|abogado|apoyo|admin [--json]\n"
     "  segcont user token [-c ARCHIVO] --id N [--json]\n"
     "  segcont user list [-c ARCHIVO] [--json]\n"
     "  segcont user disable|enable [-c ARCHIVO] --id N [--json]",
     auth_cli_user},
    {"export",
     "export [-c ARCHIVO] --formato xlsx|csv -o ARCHIVO [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD]",
     export_cli},
    {"calendario", "calendario [-c ARCHIVO] festivos AÑO | sumar AAAA-MM-DD N",
     indicators_calendar_cli},
    {"check-config", "check-config [-c ARCHIVO]", main_check_config},
    {"check-ds", "check-ds [-c ARCHIVO]", cli_check_ds},
    {"--version", "--version", main_version},
    {"--help", "--help", main_help},
};

static int main_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("segcont: seguimiento de la contratación a partir del sistema de gestión "
	       "documental\n\nuso:\n");
	for (size_t i = 0; i < sizeof(main_cmds) / sizeof(main_cmds[0]); i++)
		printf("  segcont %s\n", main_cmds[i].usage);
	printf("\n-c toma por defecto $SEGCONT_CONFIG, si no %s\n", CONFIG_DEFAULT_PATH);
	return 0;
}

int main(int argc, char **argv)
{
	enum log_level lvl;
	const char *env_log = getenv("SEGCONT_LOG");
	int ret;

	if (env_log != NULL && log_parse_level(env_log, &lvl) == 0)
		log_set_level(lvl);
	if (argc < 2) {
		main_help(argc, argv);
		return MAIN_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(main_cmds) / sizeof(main_cmds[0]); i++) {
		if (strcmp(argv[1], main_cmds[i].name) != 0)
			continue;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0) {
			fprintf(stderr, "segcont: no se pudieron iniciar libcurl o libsodium\n");
			return 1;
		}
		mapping_global_init();
		ret = main_cmds[i].exec(argc - 1, argv + 1);
		curl_global_cleanup();
		return ret;
	}
	fprintf(stderr, "segcont: orden desconocida «%s»; pruebe «segcont --help»\n", argv[1]);
	return MAIN_EXIT_USAGE;
}
