/* sim_opts.c -- the simulators' shared command line and process lifecycle: one parser for
 * the options both take, the secret file reader, the port file, the wait for the end. */
#include "sim_opts.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim_faults.h"
#include "sim_net.h"
#include "sim_time.h"
#include "util.h"

void sim_opts_defaults(struct sim_opts *o, long port, unsigned fault_kinds)
{
	memset(o, 0, sizeof(*o));
	o->listen = SIM_OPTS_DEFAULT_LISTEN;
	o->port = port;
	o->max_seconds = SIM_OPTS_DEFAULT_MAX_SECONDS;
	o->fault_kinds = fault_kinds;
	o->fault_seed = 1;
	o->delay_ms = SIM_FAULTS_DEFAULT_DELAY_MS;
	o->seed = 1;
	o->from = SIM_OPTS_DEFAULT_FROM;
	o->to = SIM_OPTS_DEFAULT_TO;
	o->per_day = SIM_OPTS_DEFAULT_PER_DAY;
	o->office = SIM_OPTS_DEFAULT_OFFICE;
}

int sim_opts_long(const char *prog, const char *name, const char *s, long min, long max, long *out)
{
	if (parse_long(s, min, max, out) < 0) {
		fprintf(stderr, "%s: %s debe ser un entero entre %ld y %ld: %s\n", prog, name, min,
			max, s);
		return -1;
	}
	return 0;
}

static int sim_opts_rate(const char *prog, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
		fprintf(stderr, "%s: --fault-rate debe ser un número entre 0 y 1: %s\n", prog, s);
		return -1;
	}
	*out = v;
	return 0;
}

int sim_opts_read_secret(const char *prog, const char *what, const char *path, int reject_nul,
			 char *out, size_t outlen)
{
	char raw[SIM_OPTS_MAX_SECRET * 4];
	FILE *fp = fopen(path, "r");
	size_t n, start = 0;
	int rc = -1;

	if (fp == NULL) {
		fprintf(stderr, "%s: no se puede leer %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	n = fread(raw, 1, sizeof(raw) - 1, fp);
	if (!feof(fp)) {
		fprintf(stderr, "%s: %s es demasiado largo para una %s\n", prog, path, what);
		goto done;
	}
	raw[n] = '\0';
	while (start < n && strchr(" \t\r\n", raw[start]) != NULL)
		start++;
	while (n > start && strchr(" \t\r\n", raw[n - 1]) != NULL)
		raw[--n] = '\0';
	if (n == start || n - start >= outlen ||
	    (reject_nul && memchr(raw + start, '\0', n - start) != NULL)) {
		fprintf(stderr, "%s: la %s de %s está vacía o supera %zu bytes\n", prog, what, path,
			outlen - 1);
		goto done;
	}
	memcpy(out, raw + start, n - start + 1);
	rc = 0;
done:
	explicit_bzero(raw, sizeof(raw));
	fclose(fp);
	return rc;
}

/* One shared option. Returns 0, -1 (said), or 1 when c is not one of them. */
static int sim_opts_one(const struct sim_opts_spec *spec, struct sim_opts *o, int c,
			const char *arg)
{
	char err[SIM_OPTS_ERRLEN];
	const char *prog = spec->prog;

	switch (c) {
	case 'l':
		o->listen = arg;
		return 0;
	case 'p':
		return sim_opts_long(prog, "--port", arg, 0, 65535, &o->port);
	case 'P':
		o->port_file = arg;
		return 0;
	case 'm':
		return sim_opts_long(prog, "--max-seconds", arg, 1, SIM_OPTS_MAX_SECONDS,
				     &o->max_seconds);
	case 'r':
		return sim_opts_rate(prog, arg, &o->fault_rate);
	case 'f':
		if (spec->parse_kinds(arg, &o->fault_kinds, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: --faults: %s\n", prog, err);
			return -1;
		}
		return 0;
	case 'S':
		return sim_opts_long(prog, "--fault-seed", arg, 0, LONG_MAX, &o->fault_seed);
	case 'd':
		return sim_opts_long(prog, "--delay-ms", arg, 0, SIM_FAULTS_MAX_DELAY_MS,
				     &o->delay_ms);
	case 's':
		return sim_opts_long(prog, "--seed", arg, 0, LONG_MAX, &o->seed);
	case 'F':
		o->from = arg;
		return 0;
	case 'T':
		o->to = arg;
		return 0;
	case 'n':
		return sim_opts_long(prog, "--per-day", arg, 0, spec->max_per_day, &o->per_day);
	case 'D':
		if (strlen(arg) < 3 || strlen(arg) > 4 ||
		    strspn(arg, "0123456789") != strlen(arg)) {
			fprintf(stderr, "%s: --dependencia debe tener 3 o 4 dígitos\n", prog);
			return -1;
		}
		o->office = arg;
		return 0;
	case 'j':
		o->dataset = arg;
		return 0;
	default:
		return 1;
	}
}

int sim_opts_parse(int argc, char **argv, const struct sim_opts_spec *spec, struct sim_opts *o)
{
	char err[SIM_OPTS_ERRLEN];
	int c;

	while ((c = getopt_long(argc, argv, "h", spec->longopts, NULL)) != -1) {
		int rc;

		if (c == 'h') {
			spec->usage(stdout);
			exit(0);
		}
		rc = sim_opts_one(spec, o, c, optarg);
		if (rc == 1)
			rc = c == '?' ? 1 : spec->option(spec->ctx, c, optarg);
		if (rc == 1)
			spec->usage(stderr);
		if (rc != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: argumento inesperado: %s\n", spec->prog, argv[optind]);
		return -1;
	}
	if (sim_net_check_listen(o->listen, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", spec->prog, err);
		return -1;
	}
	return 0;
}

int sim_opts_days(const struct sim_opts *o, long long max_days, long long *from_day,
		  long long *to_day, char *err, size_t errlen)
{
	if (sim_time_parse_date(o->from, '-', from_day) < 0 ||
	    sim_time_parse_date(o->to, '-', to_day) < 0) {
		snprintf(err, errlen, "--from y --to deben tener la forma AAAA-MM-DD");
		return -1;
	}
	if (*to_day < *from_day || *to_day - *from_day + 1 > max_days) {
		snprintf(err, errlen, "--to debe caer entre --from y %lld días después", max_days);
		return -1;
	}
	return 0;
}

int sim_write_port_file(const char *prog, const char *path, int port)
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
		fprintf(stderr, "%s: no se pudo escribir %s: %s\n", prog, path, strerror(errno));
	free(tmp);
	return rc;
}

void sim_block_signals(sigset_t *set)
{
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

void sim_wait(const char *prog, const sigset_t *set, long max_seconds, long every_seconds,
	      void (*tick)(void *ctx, long n), void *ctx)
{
	long long end = util_monotonic_ms() + max_seconds * 1000LL;
	long long next = every_seconds > 0 ? util_monotonic_ms() + every_seconds * 1000LL : 0;
	long ticks = 0;

	for (;;) {
		long long now = util_monotonic_ms();
		long long left = end - now;
		struct timespec ts;
		int sig;

		if (left <= 0) {
			fprintf(stderr, "%s: se cumplió --max-seconds (%ld s), termina\n", prog,
				max_seconds);
			return;
		}
		if (next > 0 && now >= next) {
			tick(ctx, ticks++);
			next = now + every_seconds * 1000LL;
		}
		if (next > 0 && next - now < left)
			left = next - now;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0) {
			fprintf(stderr, "%s: señal %s recibida, termina\n", prog,
				sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		}
	}
}
