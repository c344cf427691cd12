/* fakecmis.c -- the simulated CMIS 1.1 repository (Browser Binding) for tests: reads the
 * command line, builds or loads the repository, serves it on a loopback port until
 * SIGTERM/SIGINT or --max-seconds. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakecmis_browser.h"
#include "fakecmis_faults.h"
#include "fakecmis_gen.h"
#include "fakecmis_http.h"
#include "fakecmis_log.h"
#include "fakecmis_numero.h"
#include "fakecmis_repo.h"
#include "fakecmis_time.h"
#include "sim_opts.h"
#include "util.h"

#define FAKECMIS_DEFAULT_PORT 8089
#define FAKECMIS_DEFAULT_USER "segcont"
#define FAKECMIS_DEFAULT_PASSWORD "clave-cmis"
#define FAKECMIS_DEFAULT_LOG_KEEP 10000

struct fakecmis_options {
	struct sim_opts common;
	const char *user;
	char password[SIM_OPTS_MAX_SECRET + 1];
	const char *password_file;
	int no_auth;
	int auth_html;
	long page_cap;
	long log_keep;
	enum fakecmis_numeros numeros;
	int expired_constraint;
	int token_last;
};

static void fakecmis_usage(FILE *out)
{
	fprintf(
	    out,
	    "uso: fakecmis [--listen 127.0.0.1] [--port P] [--port-file RUTA] [--max-seconds N]\n"
	    "              [--seed N] [--from AAAA-MM-DD] [--to AAAA-MM-DD] [--per-day N]\n"
	    "              [--dependencia CÓDIGO] [--numeros orfeo|sjd|servicio]\n"
	    "              [--dataset ARCHIVO.json] [--user USUARIO] [--password-file RUTA]\n"
	    "              [--no-auth] [--auth-html] [--page-cap N] [--log-keep N]\n"
	    "              [--expired-error invalidArgument|constraint] [--change-token "
	    "next|last]\n"
	    "              [--fault-rate R] [--faults k1,k2] [--fault-seed N] [--delay-ms N]\n"
	    "Simula un repositorio CMIS 1.1 (Browser Binding, %s/%s) y la API /control/.\n"
	    "Fallas: delay, reset, http500, http503, html, truncated, malformed, runtime, "
	    "denied.\n",
	    FAKECMIS_BROWSER_BASE, FAKECMIS_BROWSER_REPO_ID);
}

/* The options only the CMIS repository takes. */
static int fakecmis_option(void *ctx, int c, const char *arg)
{
	struct fakecmis_options *o = ctx;

	switch (c) {
	case 'u':
		if (arg[0] == '\0' || strlen(arg) > SIM_OPTS_MAX_SECRET ||
		    strchr(arg, ':') != NULL) {
			fprintf(stderr,
				"fakecmis: --user vacío, con ':' o de más de %d "
				"bytes\n",
				SIM_OPTS_MAX_SECRET);
			return -1;
		}
		o->user = arg;
		return 0;
	case 'w':
		o->password_file = arg;
		return 0;
	case 'A':
		o->no_auth = 1;
		return 0;
	case 'H':
		o->auth_html = 1;
		return 0;
	case 'c':
		if (sim_opts_long("fakecmis", "--page-cap", arg, 1, FAKECMIS_BROWSER_MAX_PAGE_CAP,
				  &o->page_cap) < 0)
			return -1;
		return 0;
	case 'k':
		if (sim_opts_long("fakecmis", "--log-keep", arg, 1, FAKECMIS_LOG_MAX_KEEP,
				  &o->log_keep) < 0)
			return -1;
		return 0;
	case 'N':
		if (fakecmis_numero_named(arg, &o->numeros) < 0) {
			fprintf(stderr, "fakecmis: --numeros acepta orfeo, sjd o servicio: %s\n",
				arg);
			return -1;
		}
		return 0;
	case 'E':
		if (strcmp(arg, "invalidArgument") != 0 && strcmp(arg, "constraint") != 0) {
			fprintf(stderr,
				"fakecmis: --expired-error acepta invalidArgument o "
				"constraint: %s\n",
				arg);
			return -1;
		}
		o->expired_constraint = strcmp(arg, "constraint") == 0;
		return 0;
	case 't':
		if (strcmp(arg, "next") != 0 && strcmp(arg, "last") != 0) {
			fprintf(stderr, "fakecmis: --change-token acepta next o last: %s\n", arg);
			return -1;
		}
		o->token_last = strcmp(arg, "last") == 0;
		return 0;
	default:
		return 1;
	}
}

static int fakecmis_parse_args(int argc, char **argv, struct fakecmis_options *o)
{
	static const struct option longopts[] = {
	    SIM_OPTS_LONG_HEAD,
	    SIM_OPTS_LONG_DATA,
	    {"user", required_argument, NULL, 'u'},
	    {"password-file", required_argument, NULL, 'w'},
	    {"no-auth", no_argument, NULL, 'A'},
	    {"auth-html", no_argument, NULL, 'H'},
	    {"page-cap", required_argument, NULL, 'c'},
	    {"log-keep", required_argument, NULL, 'k'},
	    {"numeros", required_argument, NULL, 'N'},
	    {"expired-error", required_argument, NULL, 'E'},
	    {"change-token", required_argument, NULL, 't'},
	    SIM_OPTS_LONG_DATASET,
	    SIM_OPTS_LONG_END,
	};
	const struct sim_opts_spec spec = {
	    .prog = "fakecmis",
	    .longopts = longopts,
	    .usage = fakecmis_usage,
	    .parse_kinds = fakecmis_faults_parse_kinds,
	    .max_per_day = FAKECMIS_GEN_MAX_PER_DAY,
	    .option = fakecmis_option,
	    .ctx = o,
	};

	if (sim_opts_parse(argc, argv, &spec, &o->common) < 0)
		return -1;
	if (o->no_auth && (o->password_file != NULL || o->user != NULL)) {
		fprintf(stderr, "fakecmis: --no-auth no admite --user ni --password-file\n");
		return -1;
	}
	if (o->user == NULL)
		o->user = FAKECMIS_DEFAULT_USER;
	if (o->password_file != NULL &&
	    sim_opts_read_secret("fakecmis", "contraseña", o->password_file, 1, o->password,
				 sizeof(o->password)) < 0)
		return -1;
	return 0;
}

/* Builds the repository: the --dataset file, or the generated one. Returns 0 or -1. */
static int fakecmis_build(const struct sim_opts *o, struct fakecmis_repo *r)
{
	struct fakecmis_gen_options g;
	char err[SIM_OPTS_ERRLEN];

	if (o->dataset != NULL) {
		if (fakecmis_repo_load_file(r, o->dataset, err, sizeof(err)) < 0)
			goto fail;
	} else {
		if (sim_opts_days(o, FAKECMIS_GEN_MAX_DAYS, &g.from_day, &g.to_day, err,
				  sizeof(err)) < 0)
			goto fail;
		g.per_day = o->per_day;
		if (fakecmis_gen_run(r, &g, err, sizeof(err)) < 0)
			goto fail;
	}
	if (fakecmis_repo_finish(r, err, sizeof(err)) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "fakecmis: %s\n", err);
	return -1;
}

int main(int argc, char **argv)
{
	struct fakecmis_options o = {
	    .password = FAKECMIS_DEFAULT_PASSWORD,
	    .page_cap = FAKECMIS_BROWSER_DEFAULT_PAGE_CAP,
	    .log_keep = FAKECMIS_DEFAULT_LOG_KEEP,
	    .numeros = FAKECMIS_NUM_ORFEO,
	};
	struct fakecmis_repo_options ro;
	struct fakecmis_http_options ho;
	struct fakecmis_repo repo;
	struct sim_faults faults;
	struct fakecmis_http *http = NULL;
	char err[SIM_OPTS_ERRLEN];
	sigset_t set;
	int port_written = 0;
	int rc = 1;

	if (sodium_init() < 0) {
		fprintf(stderr, "fakecmis: libsodium no arrancó\n");
		return 1;
	}
	sim_opts_defaults(&o.common, FAKECMIS_DEFAULT_PORT, FAKECMIS_FAULTS_DEFAULT_KINDS);
	if (fakecmis_parse_args(argc, argv, &o) < 0) {
		sodium_memzero(o.password, sizeof(o.password));
		return 2;
	}
	sim_block_signals(&set);

	ro.office = o.common.office;
	ro.seed = (unsigned long long)o.common.seed;
	ro.numeros = o.numeros;
	ro.log_keep = (size_t)o.log_keep;
	fakecmis_repo_init(&repo, &ro);
	fakecmis_faults_init(&faults, o.common.fault_rate, o.common.fault_kinds,
			     (unsigned long long)o.common.fault_seed, o.common.delay_ms);
	if (fakecmis_build(&o.common, &repo) < 0)
		goto done;

	fprintf(stderr,
		"fakecmis: %zu radicados y %zu objetos más, %lld cambios (se guardan %zu), "
		"dependencia %s, números %s\n",
		repo.nfilings, repo.count - repo.nfilings, repo.log.latest, repo.log.count,
		repo.office, fakecmis_numero_name(o.numeros));
	ho.listen = o.common.listen;
	ho.port = (int)o.common.port;
	ho.user = o.no_auth ? NULL : o.user;
	ho.password = o.password;
	ho.auth_html = o.auth_html;
	ho.page_cap = o.page_cap;
	ho.expired_constraint = o.expired_constraint;
	ho.token_last = o.token_last;
	http = fakecmis_http_start(&ho, &repo, &faults, err, sizeof(err));
	sodium_memzero(o.password, sizeof(o.password));
	if (http == NULL) {
		fprintf(stderr, "fakecmis: %s\n", err);
		goto done;
	}
	if (o.common.port_file != NULL &&
	    sim_write_port_file("fakecmis", o.common.port_file, fakecmis_http_port(http)) < 0)
		goto done;
	port_written = o.common.port_file != NULL;
	printf("fakecmis: escuchando en %s%s\n", fakecmis_http_url(http), FAKECMIS_BROWSER_BASE);
	fflush(stdout);
	sim_wait("fakecmis", &set, o.common.max_seconds, 0, NULL, NULL);
	rc = 0;
done:
	fakecmis_http_stop(http);
	if (port_written)
		unlink(o.common.port_file);
	sim_faults_free(&faults);
	fakecmis_repo_free(&repo);
	return rc;
}
