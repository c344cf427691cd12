/* fakeds.c -- the simulated document system for tests: reads the command line, builds or loads
 * the dataset, serves it on a loopback port until SIGTERM/SIGINT or --max-seconds. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakeds_data.h"
#include "fakeds_faults.h"
#include "fakeds_gen.h"
#include "fakeds_http.h"
#include "fakeds_quirks.h"
#include "fakeds_soap.h"
#include "fakeds_time.h"
#include "util.h"

#define FAKEDS_DEFAULT_LISTEN "127.0.0.1"
#define FAKEDS_DEFAULT_PORT 8089
#define FAKEDS_DEFAULT_MAX_SECONDS 3600
#define FAKEDS_MAX_SECONDS (7L * 24 * 3600)
#define FAKEDS_DEFAULT_FROM "2024-01-02"
#define FAKEDS_DEFAULT_TO "2024-06-28"
#define FAKEDS_DEFAULT_PER_DAY 20
#define FAKEDS_DEFAULT_OFFICE "342"
#define FAKEDS_DEFAULT_KEY "CLAVE-DEL-SERVICIO"
#define FAKEDS_MAX_KEY 256 /* bytes of the service key */
#define FAKEDS_ERRLEN 512

struct fakeds_options {
	const char *listen;
	long port;
	const char *port_file;
	long max_seconds;
	enum fakeds_soap_encoding encoding;
	unsigned quirks;
	const char *ns;
	double fault_rate;
	unsigned fault_kinds;
	long fault_seed;
	long delay_ms;
	long seed;
	const char *from;
	const char *to;
	long per_day;
	const char *office;
	char key[FAKEDS_MAX_KEY + 1];
	const char *key_file;
	int key_given;
	const char *dataset;
	long live_seconds;
};

static void fakeds_usage(FILE *out)
{
	fprintf(out,
		"uso: fakeds [--listen 127.0.0.1] [--port P] [--port-file RUTA] [--max-seconds N]\n"
		"            [--encoding iso-8859-1|utf-8|windows-1252] [--quirks k1,k2]\n"
		"            [--namespace URI] [--fault-rate R] [--faults k1,k2]\n"
		"            [--fault-seed N] [--delay-ms N] [--seed N] [--from AAAA-MM-DD]\n"
		"            [--to AAAA-MM-DD] [--per-day N] [--dependencia CÓDIGO]\n"
		"            [--key CLAVE | --key-file RUTA] [--dataset ARCHIVO.json]\n"
		"            [--live-seconds N  (radica uno nuevo de la oficina cada N s)]\n"
		"Simula el servicio SOAP de Orfeo (POST %s) y la API /control/.\n"
		"Fallas: delay, reset, http500, http503, html, truncated, malformed, badkey.\n"
		"Particularidades de instalaciones reales (--quirks): punto-final,\n"
		"sin-declaracion, byte-extra, lista-sin-clave, sin-limite, lista-por-numero,\n"
		"clave-vacia, detalle-real; real = todas menos lista-por-numero.\n",
		FAKEDS_HTTP_SOAP_PATH);
}

static int fakeds_long(const char *name, const char *s, long min, long max, long *out)
{
	if (parse_long(s, min, max, out) < 0) {
		fprintf(stderr, "fakeds: %s debe ser un entero entre %ld y %ld: %s\n", name, min,
			max, s);
		return -1;
	}
	return 0;
}

static int fakeds_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
		fprintf(stderr, "fakeds: --fault-rate debe ser un número entre 0 y 1: %s\n", s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Reads the service key from a file, trimmed. Returns 0 or -1 with a message. */
static int fakeds_read_key(const char *path, char *key, size_t keylen)
{
	char raw[FAKEDS_MAX_KEY * 4];
	FILE *fp = fopen(path, "r");
	size_t n, start = 0;
	int rc = -1;

	if (fp == NULL) {
		fprintf(stderr, "fakeds: no se puede leer %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(raw, 1, sizeof(raw) - 1, fp);
	if (!feof(fp)) {
		fprintf(stderr, "fakeds: %s es demasiado largo para una clave\n", path);
		goto done;
	}
	raw[n] = '\0';
	while (start < n && strchr(" \t\r\n", raw[start]) != NULL)
		start++;
	while (n > start && strchr(" \t\r\n", raw[n - 1]) != NULL)
		raw[--n] = '\0';
	if (n == start || n - start >= keylen) {
		fprintf(stderr, "fakeds: la clave de %s está vacía o supera %zu bytes\n", path,
			keylen - 1);
		goto done;
	}
	memcpy(key, raw + start, n - start + 1);
	rc = 0;
done:
	explicit_bzero(raw, sizeof(raw));
	fclose(fp);
	return rc;
}

static int fakeds_parse_args(int argc, char **argv, struct fakeds_options *o)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"port", required_argument, NULL, 'p'},
	    {"port-file", required_argument, NULL, 'P'},
	    {"max-seconds", required_argument, NULL, 'm'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"quirks", required_argument, NULL, 'q'},
	    {"namespace", required_argument, NULL, 'N'},
	    {"fault-rate", required_argument, NULL, 'r'},
	    {"faults", required_argument, NULL, 'f'},
	    {"fault-seed", required_argument, NULL, 'S'},
	    {"delay-ms", required_argument, NULL, 'd'},
	    {"seed", required_argument, NULL, 's'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    {"per-day", required_argument, NULL, 'n'},
	    {"dependencia", required_argument, NULL, 'D'},
	    {"key", required_argument, NULL, 'k'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"dataset", required_argument, NULL, 'j'},
	    {"live-seconds", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char err[FAKEDS_ERRLEN];
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case 'p':
			if (fakeds_long("--port", optarg, 0, 65535, &o->port) < 0)
				return -1;
			break;
		case 'P':
			o->port_file = optarg;
			break;
		case 'm':
			if (fakeds_long("--max-seconds", optarg, 1, FAKEDS_MAX_SECONDS,
					&o->max_seconds) < 0)
				return -1;
			break;
		case 'e':
			if (fakeds_soap_encoding_named(optarg, &o->encoding) < 0) {
				fprintf(stderr,
					"fakeds: --encoding acepta iso-8859-1, utf-8 o "
					"windows-1252: %s\n",
					optarg);
				return -1;
			}
			break;
		case 'q':
			if (fakeds_quirks_parse(optarg, &o->quirks, err, sizeof(err)) < 0) {
				fprintf(stderr, "fakeds: --quirks: %s\n", err);
				return -1;
			}
			break;
		case 'N':
			if (fakeds_soap_check_ns(optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "fakeds: %s\n", err);
				return -1;
			}
			o->ns = optarg;
			break;
		case 'r':
			if (fakeds_rate(optarg, &o->fault_rate) < 0)
				return -1;
			break;
		case 'f':
			if (fakeds_faults_parse_kinds(optarg, &o->fault_kinds, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "fakeds: --faults: %s\n", err);
				return -1;
			}
			break;
		case 'L':
			if (fakeds_long("--live-seconds", optarg, 1, 86400, &o->live_seconds) < 0)
				return -1;
			break;
		case 'S':
			if (fakeds_long("--fault-seed", optarg, 0, LONG_MAX, &o->fault_seed) < 0)
				return -1;
			break;
		case 'd':
			if (fakeds_long("--delay-ms", optarg, 0, SIM_FAULTS_MAX_DELAY_MS,
					&o->delay_ms) < 0)
				return -1;
			break;
		case 's':
			if (fakeds_long("--seed", optarg, 0, LONG_MAX, &o->seed) < 0)
				return -1;
			break;
		case 'F':
			o->from = optarg;
			break;
		case 'T':
			o->to = optarg;
			break;
		case 'n':
			if (fakeds_long("--per-day", optarg, 0, FAKEDS_GEN_MAX_PER_DAY,
					&o->per_day) < 0)
				return -1;
			break;
		case 'D':
			if (strlen(optarg) < 3 || strlen(optarg) > 4 ||
			    strspn(optarg, "0123456789") != strlen(optarg)) {
				fprintf(stderr, "fakeds: --dependencia debe tener 3 o 4 dígitos\n");
				return -1;
			}
			o->office = optarg;
			break;
		case 'k':
			if (strlen(optarg) == 0 || strlen(optarg) > FAKEDS_MAX_KEY) {
				fprintf(stderr, "fakeds: --key vacía o de más de %d bytes\n",
					FAKEDS_MAX_KEY);
				return -1;
			}
			strlcpy_s(o->key, optarg, sizeof(o->key));
			o->key_given = 1;
			break;
		case 'K':
			o->key_file = optarg;
			break;
		case 'j':
			o->dataset = optarg;
			break;
		case 'h':
			fakeds_usage(stdout);
			exit(0);
		default:
			fakeds_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fakeds: argumento inesperado: %s\n", argv[optind]);
		return -1;
	}
	if (fakeds_http_check_listen(o->listen, err, sizeof(err)) < 0) {
		fprintf(stderr, "fakeds: %s\n", err);
		return -1;
	}
	if (o->key_given && o->key_file != NULL) {
		fprintf(stderr, "fakeds: use --key o --key-file, no ambos\n");
		return -1;
	}
	if (o->key_file != NULL && fakeds_read_key(o->key_file, o->key, sizeof(o->key)) < 0)
		return -1;
	return 0;
}

/* Builds the dataset: the --dataset file, or the generated one. Returns 0 or -1. */
static int fakeds_build_data(const struct fakeds_options *o, struct fakeds_data *d)
{
	struct fakeds_gen_options g;
	char err[FAKEDS_ERRLEN];

	if (o->dataset != NULL) {
		if (fakeds_data_load_file(d, o->dataset, err, sizeof(err)) < 0)
			goto fail;
		return 0;
	}
	if (sim_time_parse_date(o->from, '-', &g.from_day) < 0 ||
	    sim_time_parse_date(o->to, '-', &g.to_day) < 0) {
		snprintf(err, sizeof(err), "--from y --to deben tener la forma AAAA-MM-DD");
		goto fail;
	}
	if (g.to_day < g.from_day || g.to_day - g.from_day + 1 > FAKEDS_GEN_MAX_DAYS) {
		snprintf(err, sizeof(err), "--to debe caer entre --from y %d días después",
			 FAKEDS_GEN_MAX_DAYS);
		goto fail;
	}
	g.per_day = o->per_day;
	if (fakeds_gen_run(d, &g, err, sizeof(err)) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "fakeds: %s\n", err);
	return -1;
}

/* Writes the port to path through a temporary file and a rename. Returns 0 or -1. */
static int fakeds_write_port_file(const char *path, int port)
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
		fprintf(stderr, "fakeds: no se pudo escribir %s: %s\n", path, strerror(errno));
	free(tmp);
	return rc;
}

/* Files one new filing for the office, dated now (Bogota), as the live demo does. */
static void fakeds_live_filing(struct fakeds_data *data, long n)
{
	static const char *const subjects[] = {
	    "Solicitud de contratación directa de prestación de servicios profesionales",
	    "Solicitud de adición y prórroga al contrato de suministro",
	    "Estudios previos para proceso de selección abreviada de menor cuantía",
	    "Solicitud de liquidación bilateral del contrato de obra",
	    "Solicitud de cesión del contrato de consultoría",
	    "Proceso de mínima cuantía: adquisición de elementos de aseo & cafetería",
	};
	char when[32];
	char err[FAKEDS_ERRLEN];
	time_t now = time(NULL) - 5 * 3600; /* Bogota is UTC-5 */
	struct tm tm;
	json_t *obj;
	json_t *out = NULL;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	obj = json_pack("{s:s, s:s, s:s}", "fecha_radicacion", when, "asunto",
			subjects[n % (long)(sizeof(subjects) / sizeof(subjects[0]))],
			"dependencia_actual", data->office);
	if (fakeds_data_add(data, obj, &out, err, sizeof(err)) == FAKEDS_DATA_OK)
		fprintf(stderr, "fakeds: radicado nuevo %s\n",
			json_string_value(json_object_get(out, "numero")));
	else
		fprintf(stderr, "fakeds: no se pudo radicar: %s\n", err);
	json_decref(out);
	json_decref(obj);
}

/* Waits for SIGTERM/SIGINT (blocked in every thread) or the deadline; with live_seconds,
 * files a new filing every live_seconds meanwhile. */
static void fakeds_wait(const sigset_t *set, long max_seconds, long live_seconds,
			struct fakeds_data *data)
{
	long long end = util_monotonic_ms() + max_seconds * 1000LL;
	long long next_live = live_seconds > 0 ? util_monotonic_ms() + live_seconds * 1000LL : 0;
	long filed = 0;

	for (;;) {
		long long now = util_monotonic_ms();
		long long left = end - now;
		struct timespec ts;
		int sig;

		if (left <= 0) {
			fprintf(stderr, "fakeds: se cumplió --max-seconds (%ld s), termina\n",
				max_seconds);
			return;
		}
		if (next_live > 0 && now >= next_live) {
			fakeds_live_filing(data, filed++);
			next_live = now + live_seconds * 1000LL;
		}
		if (next_live > 0 && next_live - now < left)
			left = next_live - now;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0) {
			fprintf(stderr, "fakeds: señal %s recibida, termina\n",
				sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct fakeds_options o = {
	    .listen = FAKEDS_DEFAULT_LISTEN,
	    .port = FAKEDS_DEFAULT_PORT,
	    .max_seconds = FAKEDS_DEFAULT_MAX_SECONDS,
	    .encoding = FAKEDS_SOAP_LATIN1,
	    .ns = FAKEDS_SOAP_DEFAULT_NS,
	    .fault_kinds = FAKEDS_FAULTS_DEFAULT_KINDS,
	    .fault_seed = 1,
	    .delay_ms = SIM_FAULTS_DEFAULT_DELAY_MS,
	    .seed = 1,
	    .from = FAKEDS_DEFAULT_FROM,
	    .to = FAKEDS_DEFAULT_TO,
	    .per_day = FAKEDS_DEFAULT_PER_DAY,
	    .office = FAKEDS_DEFAULT_OFFICE,
	    .key = FAKEDS_DEFAULT_KEY,
	};
	struct fakeds_http_options ho;
	struct fakeds_data data;
	struct sim_faults faults;
	struct fakeds_quirks quirks;
	struct fakeds_http *http = NULL;
	char err[FAKEDS_ERRLEN];
	sigset_t set;
	int port_written = 0;
	int rc = 1;

	if (fakeds_parse_args(argc, argv, &o) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread: all inherit the mask */

	fakeds_soap_global_init();
	fakeds_data_init(&data, o.office, (unsigned long long)o.seed);
	fakeds_faults_init(&faults, o.fault_rate, o.fault_kinds, (unsigned long long)o.fault_seed,
			   o.delay_ms);
	fakeds_quirks_init(&quirks, o.quirks);
	if (fakeds_build_data(&o, &data) < 0)
		goto done;

	fprintf(stderr, "fakeds: %zu radicados, dependencia %s, codificación %s\n", data.count,
		data.office, fakeds_soap_encoding_name(o.encoding));
	ho.listen = o.listen;
	ho.port = (int)o.port;
	ho.encoding = o.encoding;
	ho.ns = o.ns;
	ho.key = o.key;
	http = fakeds_http_start(&ho, &data, &faults, &quirks, err, sizeof(err));
	explicit_bzero(o.key, sizeof(o.key));
	if (http == NULL) {
		fprintf(stderr, "fakeds: %s\n", err);
		goto done;
	}
	if (o.port_file != NULL && fakeds_write_port_file(o.port_file, fakeds_http_port(http)) < 0)
		goto done;
	port_written = o.port_file != NULL;
	printf("fakeds: escuchando en %s\n", fakeds_http_url(http));
	fflush(stdout);
	fakeds_wait(&set, o.max_seconds, o.live_seconds, &data);
	rc = 0;
done:
	fakeds_http_stop(http);
	if (port_written)
		unlink(o.port_file);
	sim_faults_free(&faults);
	fakeds_data_free(&data);
	fakeds_soap_global_cleanup();
	return rc;
}
