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
#include "util.h"

#define FAKECMIS_DEFAULT_LISTEN "127.0.0.1"
#define FAKECMIS_DEFAULT_PORT 8089
#define FAKECMIS_DEFAULT_MAX_SECONDS 3600
#define FAKECMIS_MAX_SECONDS (7L * 24 * 3600)
#define FAKECMIS_DEFAULT_FROM "2024-01-02"
#define FAKECMIS_DEFAULT_TO "2024-06-28"
#define FAKECMIS_DEFAULT_PER_DAY 20
#define FAKECMIS_DEFAULT_OFFICE "342"
#define FAKECMIS_DEFAULT_USER "segcont"
#define FAKECMIS_DEFAULT_PASSWORD "clave-cmis"
#define FAKECMIS_DEFAULT_LOG_KEEP 10000
#define FAKECMIS_MAX_SECRET 256 /* bytes of the user or the password */
#define FAKECMIS_ERRLEN 512

struct fakecmis_options {
	const char *listen;
	long port;
	const char *port_file;
	long max_seconds;
	double fault_rate;
	unsigned fault_kinds;
	long fault_seed;
	long delay_ms;
	long seed;
	const char *from;
	const char *to;
	long per_day;
	const char *office;
	const char *user;
	char password[FAKECMIS_MAX_SECRET + 1];
	const char *password_file;
	int no_auth;
	int auth_html;
	long page_cap;
	long log_keep;
	enum fakecmis_numeros numeros;
	int expired_constraint;
	int token_last;
	const char *dataset;
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

static int fakecmis_long(const char *name, const char *s, long min, long max, long *out)
{
	if (parse_long(s, min, max, out) < 0) {
		fprintf(stderr, "fakecmis: %s debe ser un entero entre %ld y %ld: %s\n", name, min,
			max, s);
		return -1;
	}
	return 0;
}

static int fakecmis_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
		fprintf(stderr, "fakecmis: --fault-rate debe ser un número entre 0 y 1: %s\n", s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Reads the password from a file, surrounding whitespace trimmed. Returns 0 or -1. */
static int fakecmis_read_password(const char *path, char *pw, size_t pwlen)
{
	char raw[FAKECMIS_MAX_SECRET * 4];
	FILE *fp = fopen(path, "r");
	size_t n, start = 0;
	int rc = -1;

	if (fp == NULL) {
		fprintf(stderr, "fakecmis: no se puede leer %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(raw, 1, sizeof(raw) - 1, fp);
	if (!feof(fp)) {
		fprintf(stderr, "fakecmis: %s es demasiado largo para una contraseña\n", path);
		goto done;
	}
	raw[n] = '\0';
	while (start < n && strchr(" \t\r\n", raw[start]) != NULL)
		start++;
	while (n > start && strchr(" \t\r\n", raw[n - 1]) != NULL)
		raw[--n] = '\0';
	if (n == start || n - start >= pwlen || memchr(raw + start, '\0', n - start) != NULL) {
		fprintf(stderr, "fakecmis: la contraseña de %s está vacía o supera %zu bytes\n",
			path, pwlen - 1);
		goto done;
	}
	memcpy(pw, raw + start, n - start + 1);
	rc = 0;
done:
	sodium_memzero(raw, sizeof(raw));
	fclose(fp);
	return rc;
}

static int fakecmis_parse_args(int argc, char **argv, struct fakecmis_options *o)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"port", required_argument, NULL, 'p'},
	    {"port-file", required_argument, NULL, 'P'},
	    {"max-seconds", required_argument, NULL, 'm'},
	    {"fault-rate", required_argument, NULL, 'r'},
	    {"faults", required_argument, NULL, 'f'},
	    {"fault-seed", required_argument, NULL, 'S'},
	    {"delay-ms", required_argument, NULL, 'd'},
	    {"seed", required_argument, NULL, 's'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    {"per-day", required_argument, NULL, 'n'},
	    {"dependencia", required_argument, NULL, 'D'},
	    {"user", required_argument, NULL, 'u'},
	    {"password-file", required_argument, NULL, 'w'},
	    {"no-auth", no_argument, NULL, 'A'},
	    {"auth-html", no_argument, NULL, 'H'},
	    {"page-cap", required_argument, NULL, 'c'},
	    {"log-keep", required_argument, NULL, 'k'},
	    {"numeros", required_argument, NULL, 'N'},
	    {"expired-error", required_argument, NULL, 'E'},
	    {"change-token", required_argument, NULL, 't'},
	    {"dataset", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char err[FAKECMIS_ERRLEN];
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case 'p':
			if (fakecmis_long("--port", optarg, 0, 65535, &o->port) < 0)
				return -1;
			break;
		case 'P':
			o->port_file = optarg;
			break;
		case 'm':
			if (fakecmis_long("--max-seconds", optarg, 1, FAKECMIS_MAX_SECONDS,
					  &o->max_seconds) < 0)
				return -1;
			break;
		case 'r':
			if (fakecmis_rate(optarg, &o->fault_rate) < 0)
				return -1;
			break;
		case 'f':
			if (fakecmis_faults_parse_kinds(optarg, &o->fault_kinds, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "fakecmis: --faults: %s\n", err);
				return -1;
			}
			break;
		case 'S':
			if (fakecmis_long("--fault-seed", optarg, 0, LONG_MAX, &o->fault_seed) < 0)
				return -1;
			break;
		case 'd':
			if (fakecmis_long("--delay-ms", optarg, 0, SIM_FAULTS_MAX_DELAY_MS,
					  &o->delay_ms) < 0)
				return -1;
			break;
		case 's':
			if (fakecmis_long("--seed", optarg, 0, LONG_MAX, &o->seed) < 0)
				return -1;
			break;
		case 'F':
			o->from = optarg;
			break;
		case 'T':
			o->to = optarg;
			break;
		case 'n':
			if (fakecmis_long("--per-day", optarg, 0, FAKECMIS_GEN_MAX_PER_DAY,
					  &o->per_day) < 0)
				return -1;
			break;
		case 'D':
			if (strlen(optarg) < 3 || strlen(optarg) > 4 ||
			    strspn(optarg, "0123456789") != strlen(optarg)) {
				fprintf(stderr,
					"fakecmis: --dependencia debe tener 3 o 4 dígitos\n");
				return -1;
			}
			o->office = optarg;
			break;
		case 'u':
			if (optarg[0] == '\0' || strlen(optarg) > FAKECMIS_MAX_SECRET ||
			    strchr(optarg, ':') != NULL) {
				fprintf(stderr,
					"fakecmis: --user vacío, con ':' o de más de %d "
					"bytes\n",
					FAKECMIS_MAX_SECRET);
				return -1;
			}
			o->user = optarg;
			break;
		case 'w':
			o->password_file = optarg;
			break;
		case 'A':
			o->no_auth = 1;
			break;
		case 'H':
			o->auth_html = 1;
			break;
		case 'c':
			if (fakecmis_long("--page-cap", optarg, 1, FAKECMIS_BROWSER_MAX_PAGE_CAP,
					  &o->page_cap) < 0)
				return -1;
			break;
		case 'k':
			if (fakecmis_long("--log-keep", optarg, 1, FAKECMIS_LOG_MAX_KEEP,
					  &o->log_keep) < 0)
				return -1;
			break;
		case 'N':
			if (fakecmis_numero_named(optarg, &o->numeros) < 0) {
				fprintf(stderr,
					"fakecmis: --numeros acepta orfeo, sjd o servicio: %s\n",
					optarg);
				return -1;
			}
			break;
		case 'E':
			if (strcmp(optarg, "invalidArgument") != 0 &&
			    strcmp(optarg, "constraint") != 0) {
				fprintf(stderr,
					"fakecmis: --expired-error acepta invalidArgument o "
					"constraint: %s\n",
					optarg);
				return -1;
			}
			o->expired_constraint = strcmp(optarg, "constraint") == 0;
			break;
		case 't':
			if (strcmp(optarg, "next") != 0 && strcmp(optarg, "last") != 0) {
				fprintf(stderr, "fakecmis: --change-token acepta next o last: %s\n",
					optarg);
				return -1;
			}
			o->token_last = strcmp(optarg, "last") == 0;
			break;
		case 'j':
			o->dataset = optarg;
			break;
		case 'h':
			fakecmis_usage(stdout);
			exit(0);
		default:
			fakecmis_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fakecmis: argumento inesperado: %s\n", argv[optind]);
		return -1;
	}
	if (fakecmis_http_check_listen(o->listen, err, sizeof(err)) < 0) {
		fprintf(stderr, "fakecmis: %s\n", err);
		return -1;
	}
	if (o->no_auth && (o->password_file != NULL || o->user != NULL)) {
		fprintf(stderr, "fakecmis: --no-auth no admite --user ni --password-file\n");
		return -1;
	}
	if (o->user == NULL)
		o->user = FAKECMIS_DEFAULT_USER;
	if (o->password_file != NULL &&
	    fakecmis_read_password(o->password_file, o->password, sizeof(o->password)) < 0)
		return -1;
	return 0;
}

/* Builds the repository: the --dataset file, or the generated one. Returns 0 or -1. */
static int fakecmis_build(const struct fakecmis_options *o, struct fakecmis_repo *r)
{
	struct fakecmis_gen_options g;
	char err[FAKECMIS_ERRLEN];

	if (o->dataset != NULL) {
		if (fakecmis_repo_load_file(r, o->dataset, err, sizeof(err)) < 0)
			goto fail;
	} else {
		if (sim_time_parse_date(o->from, '-', &g.from_day) < 0 ||
		    sim_time_parse_date(o->to, '-', &g.to_day) < 0) {
			snprintf(err, sizeof(err), "--from y --to deben tener la forma AAAA-MM-DD");
			goto fail;
		}
		if (g.to_day < g.from_day || g.to_day - g.from_day + 1 > FAKECMIS_GEN_MAX_DAYS) {
			snprintf(err, sizeof(err), "--to debe caer entre --from y %d días después",
				 FAKECMIS_GEN_MAX_DAYS);
			goto fail;
		}
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

/* Writes the port to path through a temporary file and a rename. Returns 0 or -1. */
static int fakecmis_write_port_file(const char *path, int port)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *fp = fopen(tmp, "w");
	int rc = -1;

	if (fp == NULL)
		goto done;
	if (fprintf(fp, "%d\n", port) < 0 || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		fclose(fp);
		unlink(tmp);
		goto done;
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto done;
	}
	rc = 0;
done:
	if (rc < 0)
		fprintf(stderr, "fakecmis: no se pudo escribir %s: %s\n", path, strerror(errno));
	free(tmp);
	return rc;
}

/* Waits for SIGTERM/SIGINT (blocked in every thread) or the deadline. */
static void fakecmis_wait(const sigset_t *set, long max_seconds)
{
	long long end = util_monotonic_ms() + max_seconds * 1000LL;

	for (;;) {
		long long left = end - util_monotonic_ms();
		struct timespec ts;
		int sig;

		if (left <= 0) {
			fprintf(stderr, "fakecmis: se cumplió --max-seconds (%ld s), termina\n",
				max_seconds);
			return;
		}
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0) {
			fprintf(stderr, "fakecmis: señal %s recibida, termina\n",
				sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct fakecmis_options o = {
	    .listen = FAKECMIS_DEFAULT_LISTEN,
	    .port = FAKECMIS_DEFAULT_PORT,
	    .max_seconds = FAKECMIS_DEFAULT_MAX_SECONDS,
	    .fault_kinds = FAKECMIS_FAULTS_DEFAULT_KINDS,
	    .fault_seed = 1,
	    .delay_ms = SIM_FAULTS_DEFAULT_DELAY_MS,
	    .seed = 1,
	    .from = FAKECMIS_DEFAULT_FROM,
	    .to = FAKECMIS_DEFAULT_TO,
	    .per_day = FAKECMIS_DEFAULT_PER_DAY,
	    .office = FAKECMIS_DEFAULT_OFFICE,
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
	char err[FAKECMIS_ERRLEN];
	sigset_t set;
	int port_written = 0;
	int rc = 1;

	if (sodium_init() < 0) {
		fprintf(stderr, "fakecmis: libsodium no arrancó\n");
		return 1;
	}
	if (fakecmis_parse_args(argc, argv, &o) < 0) {
		sodium_memzero(o.password, sizeof(o.password));
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread: all inherit the mask */

	ro.office = o.office;
	ro.seed = (unsigned long long)o.seed;
	ro.numeros = o.numeros;
	ro.log_keep = (size_t)o.log_keep;
	fakecmis_repo_init(&repo, &ro);
	fakecmis_faults_init(&faults, o.fault_rate, o.fault_kinds, (unsigned long long)o.fault_seed,
			     o.delay_ms);
	if (fakecmis_build(&o, &repo) < 0)
		goto done;

	fprintf(stderr,
		"fakecmis: %zu radicados y %zu objetos más, %lld cambios (se guardan %zu), "
		"dependencia %s, números %s\n",
		repo.nfilings, repo.count - repo.nfilings, repo.log.latest, repo.log.count,
		repo.office, fakecmis_numero_name(o.numeros));
	ho.listen = o.listen;
	ho.port = (int)o.port;
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
	if (o.port_file != NULL &&
	    fakecmis_write_port_file(o.port_file, fakecmis_http_port(http)) < 0)
		goto done;
	port_written = o.port_file != NULL;
	printf("fakecmis: escuchando en %s%s\n", fakecmis_http_url(http), FAKECMIS_BROWSER_BASE);
	fflush(stdout);
	fakecmis_wait(&set, o.max_seconds);
	rc = 0;
done:
	fakecmis_http_stop(http);
	if (port_written)
		unlink(o.port_file);
	sim_faults_free(&faults);
	fakecmis_repo_free(&repo);
	return rc;
}
