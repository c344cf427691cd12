/* cli.c -- the pieces every subcommand of main.c's table uses: one options parser run from
 * the table before the subcommand, the stop signals, configuration, mapping and store. */
#include "cli.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"

#define CLI_LONG_BASE 256 /* getopt_long's value of option i is CLI_LONG_BASE + i */
#define CLI_OPTION_TEXT 64

static atomic_int cli_stop;

void cli_usage_lines(const struct cli_cmd *cmd, FILE *f, const char *first, const char *rest)
{
	const char *line = cmd->usage;

	for (int i = 0; *line != '\0'; i++) {
		size_t n = strcspn(line, "\n");

		fprintf(f, "%s segcont %.*s\n", i == 0 ? first : rest, (int)n, line);
		line += n;
		if (*line == '\n')
			line++;
	}
}

void cli_usage(const struct cli_cmd *cmd, FILE *f)
{
	cli_usage_lines(cmd, f, "uso:", "    ");
}

static int cli_takes_value(enum cli_kind kind)
{
	return kind == CLI_TEXT || kind == CLI_DATE;
}

/* A strict YYYY-MM-DD (a real day, written canonically) in CLI_DATE_MIN..CLI_DATE_MAX. */
static int cli_valid_date(const char *d)
{
	char back[11];

	return util_date_add(d, 0, back) == 0 && strcmp(back, d) == 0 &&
	       strcmp(d, CLI_DATE_MIN) >= 0 && strcmp(d, CLI_DATE_MAX) <= 0;
}

/* Checks and stores one option's value. 0, or -1 after printing why. */
static int cli_take(const struct cli_option *opt, const char *value, struct cli_args *a)
{
	char *field = (char *)a + opt->target;

	switch (opt->kind) {
	case CLI_FLAG:
		*(int *)(void *)field = 1;
		return 0;
	case CLI_DATE:
		if (!cli_valid_date(value)) {
			fprintf(stderr,
				"segcont: --%s «%s»: debe ser una fecha real AAAA-MM-DD entre %s y "
				"%s\n",
				opt->name, value, CLI_DATE_MIN, CLI_DATE_MAX);
			return -1;
		}
		break;
	default:
		break;
	}
	*(const char **)(void *)field = value;
	return 0;
}

/* The option getopt_long stopped at, as written ("--otra", "-x"), into out. */
static const char *cli_offending(const struct cli_cmd *cmd, int ch, char **argv, char *out,
				 size_t outlen)
{
	if (ch >= CLI_LONG_BASE)
		snprintf(out, outlen, "--%s", cmd->options[ch - CLI_LONG_BASE].name);
	else if (ch > 0 && ch < CLI_LONG_BASE)
		snprintf(out, outlen, "-%c", ch);
	else
		snprintf(out, outlen, "%.*s", (int)strcspn(argv[optind - 1], "="),
			 argv[optind - 1]);
	return out;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *a)
{
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char shortopts[2 * CLI_MAX_OPTIONS + 2];
	char text[CLI_OPTION_TEXT];
	size_t n = 0;
	size_t k = 0;
	int help = 0;
	int ch;

	memset(a, 0, sizeof(*a));
	memset(longopts, 0, sizeof(longopts));
	a->cmd = cmd;
	shortopts[k++] = ':'; /* a missing value is ':', an unknown option '?' */
	for (; n < CLI_MAX_OPTIONS && cmd->options[n].name != NULL; n++) {
		const struct cli_option *o = &cmd->options[n];
		int value = cli_takes_value(o->kind);

		longopts[n].name = o->name;
		longopts[n].has_arg = value ? required_argument : no_argument;
		longopts[n].val = CLI_LONG_BASE + (int)n;
		if (o->letter != 0) {
			shortopts[k++] = o->letter;
			if (value)
				shortopts[k++] = ':';
		}
	}
	shortopts[k] = '\0';
	optind = 0; /* start over: argv is a new vector */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_option *o = cmd->options;
		const char *why = "segcont: opción desconocida «%s»\n";

		if (ch == ':')
			why = "segcont: falta el valor de la opción «%s»\n";
		else if (ch == '?' && optopt >= CLI_LONG_BASE)
			why = "segcont: la opción «%s» no lleva valor\n";
		if (ch == '?' || ch == ':') {
			fprintf(stderr, why, cli_offending(cmd, optopt, argv, text, sizeof(text)));
			cli_usage(cmd, stderr);
			return -1;
		}
		while (ch != CLI_LONG_BASE + (int)(o - cmd->options) && ch != o->letter)
			o++;
		if (o->kind == CLI_HELP)
			help = 1;
		else if (cli_take(o, optarg, a) < 0)
			return -1;
	}
	if (help) {
		cli_usage(cmd, stdout);
		return 1;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (cmd->max_args != CLI_ANY_ARGS && a->argc > cmd->max_args) {
		fprintf(stderr, "segcont: argumento inesperado «%s»\n", a->argv[cmd->max_args]);
		cli_usage(cmd, stderr);
		return -1;
	}
	if (a->argc < cmd->min_args) {
		cli_usage(cmd, stderr);
		return -1;
	}
	return 0;
}

static void cli_on_signal(int sig)
{
	(void)sig;
	atomic_store(&cli_stop, 1);
}

atomic_int *cli_catch_signals(sigset_t *wait)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = cli_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (wait != NULL) {
		sigemptyset(wait);
		sigaddset(wait, SIGTERM);
		sigaddset(wait, SIGINT);
		pthread_sigmask(SIG_BLOCK, wait, NULL);
	}
	return &cli_stop;
}

int cli_load_config(struct config *cfg, const char *opt)
{
	char err[CONFIG_ERR_LEN * 4];
	enum log_level lvl;

	if (config_load(cfg, opt, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (cfg->log_level != NULL && log_parse_level(cfg->log_level, &lvl) == 0)
		log_set_level(lvl);
	return 0;
}

struct mapping *cli_load_mapping(const struct config *cfg)
{
	char err[1024];
	struct mapping *m = mapping_load(cfg->ds_mapping, err, sizeof(err));
	int pg;

	if (m == NULL) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	pg = strncasecmp(cfg->ds_url, "postgres", 8) == 0;
	if (pg != (mapping_format(m) == MAPPING_FORMAT_SQL)) {
		fprintf(stderr,
			"%s: [document_system] url: el mapeo %s (perfil %s) %s, y la url es %s\n",
			cfg->path ? cfg->path : "configuración", cfg->ds_mapping,
			mapping_profile(m),
			mapping_format(m) == MAPPING_FORMAT_SQL
			    ? "lee la base de datos (postgresql://usuario@servidor:puerto/base)"
			    : "habla con un servicio web (http:// o https://)",
			pg ? "de una base de datos" : "de un servicio web");
		mapping_free(m);
		return NULL;
	}
	return m;
}

struct store *cli_open_store(const char *opt, struct config *cfg)
{
	char err[STORE_ERR_LEN];
	struct store *st;

	if (cli_load_config(cfg, opt) < 0)
		return NULL;
	st = store_open(cfg->store_path, err, sizeof(err));
	if (st == NULL)
		fprintf(stderr, "segcont: %s\n", err);
	return st;
}

int cli_setup(const char *opt, struct config *cfg, struct mapping **m, struct store **st)
{
	char err[STORE_ERR_LEN];

	*m = NULL;
	*st = NULL;
	if (cli_load_config(cfg, opt) < 0)
		return -1;
	*m = cli_load_mapping(cfg);
	if (*m == NULL)
		return -1;
	*st = store_open(cfg->store_path, err, sizeof(err));
	if (*st == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		return -1;
	}
	return 0;
}
