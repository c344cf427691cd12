/* cli.h -- what the subcommands of main.c's table share: the options parser driven by the
 * options each subcommand declares, the stop signals, loading the configuration and the
 * mapping (checked against each other), opening the store. Messages go to stderr in
 * Spanish; nothing here exits. */
#ifndef SEGCONT_CLI_H
#define SEGCONT_CLI_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "mapping.h"
#include "store.h"

#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
#define CLI_MAX_OPTIONS 16 /* options one subcommand may declare */
#define CLI_ANY_ARGS (-1)  /* max_args: any number of words */
/* The dates a command line may name (--desde, --hasta): from the calendar's first year
 * (Ley 51 de 1983) to the end of this century. Anything else is a typo, not a period, and
 * 9999-12-31 would have no next day to bound a query by. */
#define CLI_DATE_MIN "1984-01-01"
#define CLI_DATE_MAX "2099-12-31"

/* How an option's value is read, and checked before the subcommand runs. */
enum cli_kind {
	CLI_FLAG, /* no value: the int target becomes 1 */
	CLI_TEXT, /* one value, borrowed from argv as given */
	CLI_DATE, /* one value: a real YYYY-MM-DD in CLI_DATE_MIN..CLI_DATE_MAX */
	CLI_HELP  /* no value: the usage goes to stdout and the subcommand does not run */
};

struct cli_cmd;

/* What the parser fills: a field per option some subcommand declares (NULL or 0 when not
 * given), then the words that are not options. Everything is borrowed from argv. */
struct cli_args {
	const struct cli_cmd *cmd;
	const char *config; /* -c, --config */
	const char *nombre;
	const char *rol;
	const char *id;
	const char *formato;
	const char *papel;  /* export: a4 or carta (NULL: a4) */
	const char *output; /* -o, --output */
	const char *desde;
	const char *hasta;
	const char *muestra;  /* check-mapping: a saved answer */
	const char *peticion; /* check-mapping: which request the answer is of */
	const char *estado;   /* check-mapping: the answer's HTTP status */
	int once;
	int json;
	int argc; /* the words left, in order */
	char **argv;
};

/* One declared option: --name (and -letter when letter is not 0), its kind and the field of
 * struct cli_args it fills. Declare them with the macros below, which refuse to compile
 * when the field's type does not fit the kind; a list ends with CLI_OPT_END. */
struct cli_option {
	const char *name;
	char letter;
	enum cli_kind kind;
	size_t target; /* offsetof(struct cli_args, field) */
};

#define CLI_FIELD_(type, field)                                                                    \
	_Generic(((struct cli_args *)0)->field, type : offsetof(struct cli_args, field))
#define CLI_OPT_FLAG(name, letter, field)                                                          \
	{                                                                                          \
		name, letter, CLI_FLAG, CLI_FIELD_(int, field)                                     \
	}
#define CLI_OPT_TEXT(name, letter, field)                                                          \
	{                                                                                          \
		name, letter, CLI_TEXT, CLI_FIELD_(const char *, field)                            \
	}
#define CLI_OPT_DATE(name, field)                                                                  \
	{                                                                                          \
		name, 0, CLI_DATE, CLI_FIELD_(const char *, field)                                 \
	}
#define CLI_OPT_HELP                                                                               \
	{                                                                                          \
		"help", 'h', CLI_HELP, 0                                                           \
	}
#define CLI_OPT_CONFIG CLI_OPT_TEXT("config", 'c', config)
#define CLI_OPT_END                                                                                \
	{                                                                                          \
		NULL, 0, CLI_FLAG, 0                                                               \
	}

/* A subcommand (tmux's cmd_entry): its name, its usage lines (without "segcont ", one per
 * form, separated by '\n'), its options, how many words it takes after them, and what runs
 * once they are parsed (returning the exit status). */
struct cli_cmd {
	const char *name;
	const char *usage;
	const struct cli_option *options; /* ends with CLI_OPT_END */
	int min_args;
	int max_args; /* or CLI_ANY_ARGS */
	int (*exec)(const struct cli_args *a);
};

/* Parses argv (argv[0] is the subcommand's name) by cmd's options. Returns 0 with a filled;
 * 1 when --help printed the usage on stdout; -1 after printing why on stderr in Spanish (an
 * unknown option, a missing value, a bad date naming its option, an unexpected or missing
 * word) followed by the usage where it helps. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *a);

/* Prints "FIRST segcont LINE" for the first usage line of cmd to f and "REST segcont LINE"
 * for each other one. */
void cli_usage_lines(const struct cli_cmd *cmd, FILE *f, const char *first, const char *rest);
/* cli_usage_lines with "uso:" first and the others aligned under it. */
void cli_usage(const struct cli_cmd *cmd, FILE *f);

/* The stop signals of every subcommand: SIGTERM and SIGINT set the returned flag (one flag
 * for the process; never NULL), SIGPIPE is ignored (a closed pipe is a write error, not a
 * death). With wait not NULL, SIGTERM and SIGINT are also blocked in this thread and every
 * thread it creates from now on, and *wait receives them for sigwait. Cannot fail. */
atomic_int *cli_catch_signals(sigset_t *wait);

/* Loads the configuration (opt: -c, or NULL for $SEGCONT_CONFIG or the default path),
 * printing every problem, and applies its log level. Returns 0 or -1; cfg must be freed
 * either way. */
int cli_load_config(struct config *cfg, const char *opt);

/* Loads the configured mapping and checks that the url fits its format (a database URL for
 * a format-sql profile, http(s) for SOAP). Returns the mapping or NULL after printing why. */
struct mapping *cli_load_mapping(const struct config *cfg);

/* Configuration and store (migrated), for the subcommands that never talk to the document
 * system. Returns the store, or NULL after printing why; cfg must be freed either way. */
struct store *cli_open_store(const char *opt, struct config *cfg);

/* Configuration, mapping and store (migrated). Returns 0, or -1 after printing why; the
 * caller frees what is not NULL in every case (and cfg). */
int cli_setup(const char *opt, struct config *cfg, struct mapping **m, struct store **st);

/* The subcommands that live in cli_*.c files; each returns its exit status. */
int cli_check_ds(const struct cli_args *a);   /* cli_check_ds.c */
int cli_user(const struct cli_args *a);	      /* cli_user.c: add, token, list... */
int cli_export(const struct cli_args *a);     /* cli_export.c */
int cli_calendario(const struct cli_args *a); /* cli_calendario.c */
int cli_reconcile(const struct cli_args *a);  /* cli_reconcile.c */
int cli_check_mapping(const struct cli_args *a); /* cli_check_mapping.c */

/* 1 when request r of m (list or modified; sql: its list query) names the configured office
 * (the request written for two offices differs), 0 when it does not (every office's filings
 * come back), -1 when that cannot be told. Cannot fail otherwise. (cli_check_mapping.c) */
int cli_mapping_office_filter(const struct mapping *m, enum mapping_request r);

#endif
