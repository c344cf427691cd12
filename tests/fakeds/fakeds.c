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
#include "sim_opts.h"
#include "util.h"

#define FAKEDS_DEFAULT_PORT 8089
#define FAKEDS_DEFAULT_KEY "CLAVE-DEL-SERVICIO"

struct fakeds_options {
	struct sim_opts common;
	enum fakeds_soap_encoding encoding;
	unsigned quirks;
	const char *ns;
	char key[SIM_OPTS_MAX_SECRET + 1];
	const char *key_file;
	int key_given;
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

/* The options only the document system takes. */
static int fakeds_option(void *ctx, int c, const char *arg)
{
	struct fakeds_options *o = ctx;
	char err[SIM_OPTS_ERRLEN];

	switch (c) {
	case 'e':
		if (fakeds_soap_encoding_named(arg, &o->encoding) < 0) {
			fprintf(stderr,
				"fakeds: --encoding acepta iso-8859-1, utf-8 o "
				"windows-1252: %s\n",
				arg);
			return -1;
		}
		return 0;
	case 'q':
		if (fakeds_quirks_parse(arg, &o->quirks, err, sizeof(err)) < 0) {
			fprintf(stderr, "fakeds: --quirks: %s\n", err);
			return -1;
		}
		return 0;
	case 'N':
		if (fakeds_soap_check_ns(arg, err, sizeof(err)) < 0) {
			fprintf(stderr, "fakeds: %s\n", err);
			return -1;
		}
		o->ns = arg;
		return 0;
	case 'L':
		return sim_opts_long("fakeds", "--live-seconds", arg, 1, 86400, &o->live_seconds);
	case 'k':
		if (strlen(arg) == 0 || strlen(arg) > SIM_OPTS_MAX_SECRET) {
			fprintf(stderr, "fakeds: --key vacía o de más de %d bytes\n",
				SIM_OPTS_MAX_SECRET);
			return -1;
		}
		strlcpy_s(o->key, arg, sizeof(o->key));
		o->key_given = 1;
		return 0;
	case 'K':
		o->key_file = arg;
		return 0;
	default:
		return 1;
	}
}

static int fakeds_parse_args(int argc, char **argv, struct fakeds_options *o)
{
	static const struct option longopts[] = {
	    SIM_OPTS_LONG_HEAD,
	    {"encoding", required_argument, NULL, 'e'},
	    {"quirks", required_argument, NULL, 'q'},
	    {"namespace", required_argument, NULL, 'N'},
	    SIM_OPTS_LONG_DATA,
	    {"key", required_argument, NULL, 'k'},
	    {"key-file", required_argument, NULL, 'K'},
	    SIM_OPTS_LONG_DATASET,
	    {"live-seconds", required_argument, NULL, 'L'},
	    SIM_OPTS_LONG_END,
	};
	const struct sim_opts_spec spec = {
	    .prog = "fakeds",
	    .longopts = longopts,
	    .usage = fakeds_usage,
	    .parse_kinds = fakeds_faults_parse_kinds,
	    .max_per_day = FAKEDS_GEN_MAX_PER_DAY,
	    .option = fakeds_option,
	    .ctx = o,
	};

	if (sim_opts_parse(argc, argv, &spec, &o->common) < 0)
		return -1;
	if (o->key_given && o->key_file != NULL) {
		fprintf(stderr, "fakeds: use --key o --key-file, no ambos\n");
		return -1;
	}
	if (o->key_file != NULL &&
	    sim_opts_read_secret("fakeds", "clave", o->key_file, 0, o->key, sizeof(o->key)) < 0)
		return -1;
	return 0;
}

/* Builds the dataset: the --dataset file, or the generated one. Returns 0 or -1. */
static int fakeds_build_data(const struct sim_opts *o, struct fakeds_data *d)
{
	struct fakeds_gen_options g;
	char err[SIM_OPTS_ERRLEN];

	if (o->dataset != NULL) {
		if (fakeds_data_load_file(d, o->dataset, err, sizeof(err)) < 0)
			goto fail;
		return 0;
	}
	if (sim_opts_days(o, FAKEDS_GEN_MAX_DAYS, &g.from_day, &g.to_day, err, sizeof(err)) < 0)
		goto fail;
	g.per_day = o->per_day;
	if (fakeds_gen_run(d, &g, err, sizeof(err)) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "fakeds: %s\n", err);
	return -1;
}

/* Files one new filing for the office, dated now (Bogota), as the live demo does. */
static void fakeds_live_filing(void *ctx, long n)
{
	struct fakeds_data *data = ctx;
	static const char *const subjects[] = {
	    "Solicitud de contratación directa de prestación de servicios profesionales",
	    "Solicitud de adición y prórroga al contrato de suministro",
	    "Estudios previos para proceso de selección abreviada de menor cuantía",
	    "Solicitud de liquidación bilateral del contrato de obra",
	    "Solicitud de cesión del contrato de consultoría",
	    "Proceso de mínima cuantía: adquisición de elementos de aseo & cafetería",
	};
	char when[32];
	char err[SIM_OPTS_ERRLEN];
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

int main(int argc, char **argv)
{
	struct fakeds_options o = {
	    .encoding = FAKEDS_SOAP_LATIN1,
	    .ns = FAKEDS_SOAP_DEFAULT_NS,
	    .key = FAKEDS_DEFAULT_KEY,
	};
	struct fakeds_http_options ho;
	struct fakeds_data data;
	struct sim_faults faults;
	struct fakeds_quirks quirks;
	struct fakeds_http *http = NULL;
	char err[SIM_OPTS_ERRLEN];
	sigset_t set;
	int port_written = 0;
	int rc = 1;

	sim_opts_defaults(&o.common, FAKEDS_DEFAULT_PORT, FAKEDS_FAULTS_DEFAULT_KINDS);
	if (fakeds_parse_args(argc, argv, &o) < 0)
		return 2;
	sim_block_signals(&set);

	fakeds_soap_global_init();
	fakeds_data_init(&data, o.common.office, (unsigned long long)o.common.seed);
	fakeds_faults_init(&faults, o.common.fault_rate, o.common.fault_kinds,
			   (unsigned long long)o.common.fault_seed, o.common.delay_ms);
	fakeds_quirks_init(&quirks, o.quirks);
	if (fakeds_build_data(&o.common, &data) < 0)
		goto done;

	fprintf(stderr, "fakeds: %zu radicados, dependencia %s, codificación %s\n", data.count,
		data.office, fakeds_soap_encoding_name(o.encoding));
	ho.listen = o.common.listen;
	ho.port = (int)o.common.port;
	ho.encoding = o.encoding;
	ho.ns = o.ns;
	ho.key = o.key;
	http = fakeds_http_start(&ho, &data, &faults, &quirks, err, sizeof(err));
	explicit_bzero(o.key, sizeof(o.key));
	if (http == NULL) {
		fprintf(stderr, "fakeds: %s\n", err);
		goto done;
	}
	if (o.common.port_file != NULL &&
	    sim_write_port_file("fakeds", o.common.port_file, fakeds_http_port(http)) < 0)
		goto done;
	port_written = o.common.port_file != NULL;
	printf("fakeds: escuchando en %s\n", fakeds_http_url(http));
	fflush(stdout);
	sim_wait("fakeds", &set, o.common.max_seconds, o.live_seconds, fakeds_live_filing, &data);
	rc = 0;
done:
	fakeds_http_stop(http);
	if (port_written)
		unlink(o.common.port_file);
	sim_faults_free(&faults);
	fakeds_data_free(&data);
	fakeds_soap_global_cleanup();
	return rc;
}
