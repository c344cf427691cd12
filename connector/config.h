/* config.h -- the INI configuration (libinih) as one struct config, described by one
 * table (section, key, type, bounds, default) so validation, defaults and the example
 * file cannot drift apart. Relative paths resolve against the file's folder. */
#ifndef SEGCONT_CONFIG_H
#define SEGCONT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH "/etc/segcont/segcont.conf"
#define CONFIG_MAX_NON_WORKING 512
#define CONFIG_ERR_LEN 1024

struct config {
	char *path; /* the file read (absolute), or NULL when none */
	/* [document_system] */
	char *ds_url;
	char *ds_mapping;     /* absolute path */
	char *ds_dependencia; /* digits */
	char *ds_key_file;    /* absolute path */
	char *ds_key;         /* read from key_file at load; wiped by config_free */
	long ds_poll_interval;
	long ds_timeout;
	char *ds_backfill_from; /* YYYY-MM-DD */
	long ds_reconcile_days;
	long ds_max_parallel; /* concurrent detail calls */
	long ds_max_retries;  /* attempts per request before a window fails */
	/* [store] */
	char *store_path; /* absolute path */
	/* [http] */
	char *http_listen;
	long http_port;
	long http_threads;
	/* [calendar] */
	int closing_minutes; /* minutes after midnight, from closing_time HH:MM */
	char non_working_days[CONFIG_MAX_NON_WORKING][11];
	size_t non_working_count;
	/* [sla] business days per tipo_tramite */
	long sla_contratacion_directa;
	long sla_proceso_seleccion;
	long sla_novedad_contractual;
	long sla_liquidacion_terminacion;
	long sla_otro;
	/* [log] */
	char *log_level;
};

/* Sets every field to its default (no file read). */
void config_defaults(struct config *c);

/* Loads path: unknown sections or keys, bad values and unreadable files (mapping, key
 * file) are errors. Returns 0, or -1 with every problem found, one per line, as
 * "file:line: message" in err (size errlen). Environment overrides: SEGCONT_DS_URL,
 * SEGCONT_DB, SEGCONT_HTTP_PORT, SEGCONT_LOG. On -1 the struct must still be freed. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

/* Frees every string and wipes the key. */
void config_free(struct config *c);

/* Business-day target for a tipo_tramite, or -1 when unknown. */
long config_sla_days(const struct config *c, const char *tipo_tramite);

/* Writes the commented example file (config/segcont.conf.example) from the table. */
void config_write_example(FILE *out);

#endif
