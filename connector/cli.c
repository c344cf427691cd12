/* cli.c -- the pieces every subcommand of main.c's table uses. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"

int cli_parse_opts(int argc, char **argv, const char *usage, struct cli_opts *o)
{
	static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
						 {"once", no_argument, NULL, 'o'},
						 {"json", no_argument, NULL, 'j'},
						 {NULL, 0, NULL, 0}};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'o':
			o->once = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		default:
			fprintf(stderr, "uso: segcont %s\n", usage);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "segcont: argumento inesperado «%s»\nuso: segcont %s\n",
			argv[optind], usage);
		return -1;
	}
	return 0;
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
