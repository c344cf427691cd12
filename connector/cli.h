/* cli.h -- what the subcommands share: their common options, loading the configuration
 * and the mapping (checked against each other), opening the store. Messages go to stderr;
 * nothing here exits. */
#ifndef SEGCONT_CLI_H
#define SEGCONT_CLI_H

#include "config.h"
#include "mapping.h"
#include "store.h"

#define CLI_EXIT_USAGE 2

/* The options every configured subcommand may take: -c FILE, --once, --json. */
struct cli_opts {
	const char *config;
	int once;
	int json;
};

/* Parses argv (argv[0] is the subcommand); unknown options or extra arguments print usage.
 * Returns 0 or -1. */
int cli_parse_opts(int argc, char **argv, const char *usage, struct cli_opts *o);

/* Loads the configuration (opt: -c, or NULL for $SEGCONT_CONFIG or the default path),
 * printing every problem, and applies its log level. Returns 0 or -1; cfg must be freed
 * either way. */
int cli_load_config(struct config *cfg, const char *opt);

/* Loads the configured mapping and checks that the url fits its format (a database URL for
 * a format-sql profile, http(s) for SOAP). Returns the mapping or NULL after printing why. */
struct mapping *cli_load_mapping(const struct config *cfg);

/* Configuration, mapping and store (migrated). Returns 0, or -1 after printing why; the
 * caller frees what is not NULL in every case (and cfg). */
int cli_setup(const char *opt, struct config *cfg, struct mapping **m, struct store **st);

/* segcont check-ds: what a technician runs first against the document system. */
int cli_check_ds(int argc, char **argv);

#endif
