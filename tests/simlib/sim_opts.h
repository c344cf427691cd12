/* sim_opts.h -- the command line both simulators share (listen address, port, deadline,
 * faults, the generated dataset's seed and dates) and what their main() does around it: the
 * port file, the signal mask, the wait for SIGTERM/SIGINT or the deadline. */
#ifndef SIM_OPTS_H
#define SIM_OPTS_H

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#define SIM_OPTS_DEFAULT_LISTEN "127.0.0.1"
#define SIM_OPTS_DEFAULT_MAX_SECONDS 3600
#define SIM_OPTS_MAX_SECONDS (7L * 24 * 3600)
#define SIM_OPTS_DEFAULT_FROM "2024-01-02"
#define SIM_OPTS_DEFAULT_TO "2024-06-28"
#define SIM_OPTS_DEFAULT_PER_DAY 20
#define SIM_OPTS_DEFAULT_OFFICE "342"
#define SIM_OPTS_MAX_SECRET 256 /* bytes of a key, user or password */
#define SIM_OPTS_ERRLEN 512

/* The shared rows of each simulator's getopt_long table, in the places they stand there
 * (an abbreviation's "ambiguous" message lists candidates in table order). */
#define SIM_OPTS_LONG_HEAD                                                                         \
	{"listen", required_argument, NULL, 'l'}, {"port", required_argument, NULL, 'p'},          \
	    {"port-file", required_argument, NULL, 'P'},                                           \
	{                                                                                          \
		"max-seconds", required_argument, NULL, 'm'                                        \
	}
#define SIM_OPTS_LONG_DATA                                                                         \
	{"fault-rate", required_argument, NULL, 'r'}, {"faults", required_argument, NULL, 'f'},    \
	    {"fault-seed", required_argument, NULL, 'S'},                                          \
	    {"delay-ms", required_argument, NULL, 'd'}, {"seed", required_argument, NULL, 's'},    \
	    {"from", required_argument, NULL, 'F'}, {"to", required_argument, NULL, 'T'},          \
	    {"per-day", required_argument, NULL, 'n'},                                             \
	{                                                                                          \
		"dependencia", required_argument, NULL, 'D'                                        \
	}
#define SIM_OPTS_LONG_DATASET                                                                      \
	{                                                                                          \
		"dataset", required_argument, NULL, 'j'                                            \
	}
#define SIM_OPTS_LONG_END                                                                          \
	{"help", no_argument, NULL, 'h'},                                                          \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

struct sim_opts {
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
	const char *dataset;
};

/* What a simulator adds to the shared parsing. */
struct sim_opts_spec {
	const char *prog;	       /* "fakeds": the prefix of every message */
	const struct option *longopts; /* the whole table, shared rows included */
	void (*usage)(FILE *out);      /* --help (stdout, exit 0) and an unknown option */
	int (*parse_kinds)(const char *csv, unsigned *kinds, char *err, size_t errlen);
	long max_per_day; /* --per-day's bound */
	/* One option of its own: returns 0, -1 after printing why, or 1 when c is unknown. */
	int (*option)(void *ctx, int c, const char *arg);
	void *ctx;
};

/* Fills the shared defaults (fault kinds and port are the simulator's). Cannot fail. */
void sim_opts_defaults(struct sim_opts *o, long port, unsigned fault_kinds);
/* Parses argv: the shared options into o, the others through spec->option; refuses a stray
 * argument and a listen address off loopback. Returns 0, or -1 with the message printed. */
int sim_opts_parse(int argc, char **argv, const struct sim_opts_spec *spec, struct sim_opts *o);
/* Parses a whole number in [min, max] for option name. Returns 0, or -1 with a message. */
int sim_opts_long(const char *prog, const char *name, const char *s, long min, long max, long *out);
/* Reads a secret from path, surrounding whitespace trimmed, into out (outlen bytes, at most
 * SIM_OPTS_MAX_SECRET + 1). what names it in messages as "una <what>" and "la <what> de";
 * reject_nul: a NUL byte inside makes it invalid too. Returns 0 or -1 with a message. */
int sim_opts_read_secret(const char *prog, const char *what, const char *path, int reject_nul,
			 char *out, size_t outlen);
/* The days of --from and --to, checked (to within max_days of from). Returns 0, or -1 with
 * err. */
int sim_opts_days(const struct sim_opts *o, long long max_days, long long *from_day,
		  long long *to_day, char *err, size_t errlen);

/* Writes the port to path through a temporary file and a rename. Returns 0 or -1 (said). */
int sim_write_port_file(const char *prog, const char *path, int port);
/* Blocks SIGTERM and SIGINT (before any thread: all inherit the mask) into set; ignores
 * SIGPIPE. */
void sim_block_signals(sigset_t *set);
/* Waits for a signal in set or max_seconds; with every_seconds > 0 calls tick(ctx, n) every
 * every_seconds meanwhile (n = 0, 1, ...). Says why it returns. */
void sim_wait(const char *prog, const sigset_t *set, long max_seconds, long every_seconds,
	      void (*tick)(void *ctx, long n), void *ctx);

#endif
