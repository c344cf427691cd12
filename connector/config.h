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
#define CONFIG_KEY_MAX 4096 /* bytes of the key file, after trailing whitespace is trimmed */

struct config {
	char *path; /* the file read (absolute), or NULL when none */
	/* [document_system] */
	char *ds_url;
	char *ds_mapping;     /* absolute path */
	char *ds_dependencia; /* digits */
	char *ds_key_file;    /* absolute path */
	char *ds_key;	      /* read from key_file at load; wiped by config_free */
	char *ds_user;	      /* the account (Basic user, OAuth2 client id); "" when not set */
	char *ds_token_url;   /* OAuth2 token endpoint overriding the mapping's; "" when not set */
	long ds_poll_interval;
	long ds_timeout;
	char *ds_backfill_from; /* YYYY-MM-DD */
	long ds_reconcile_days;
	long ds_max_parallel;  /* concurrent detail calls */
	long ds_max_retries;   /* attempts per request before a window fails */
	long ds_retry_base_ms; /* first backoff ceiling */
	long ds_retry_max_ms;  /* backoff cap */
	int reconcile_minutes; /* reconcile_time: minutes after midnight, daily */
	/* [store] */
	char *store_path;     /* absolute path */
	long store_cache_mib; /* SQLite's soft heap limit for the whole process */
	/* [http] */
	char *http_listen;
	long http_port;
	long http_threads;
	/* [calendar] */
	int closing_minutes; /* minutes after midnight, from closing_time HH:MM */
	char non_working_days[CONFIG_MAX_NON_WORKING][11]; /* YYYY-MM-DD, sorted, no repeats */
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

/* The file to read when -c is not given: $SEGCONT_CONFIG when set and not empty, else
 * CONFIG_DEFAULT_PATH. Borrows (environment or a constant); cannot fail. */
const char *config_default_path(void);

/* Sets every field to its default (no file read, no environment): required keys stay
 * NULL, the relative default store path resolves against the current folder. c need not
 * be initialised; what it held is not freed. Free with config_free. */
void config_defaults(struct config *c);

/* Loads path (NULL: config_default_path()): unknown sections or keys, repeated keys, bad
 * values, missing required keys and unreadable files (mapping, key file) are errors.
 * Returns 0, or -1 with every problem found, one per line (no final newline), as
 * "file:line: message" (or "file: message") in err (size errlen; truncated at a line
 * when full). Environment overrides, applied after the file and validated alike:
 * SEGCONT_DS_URL, SEGCONT_DB (relative to the current folder), SEGCONT_HTTP_PORT,
 * SEGCONT_LOG; an empty variable counts as unset. c need not be initialised; on 0 and
 * on -1 alike it must be freed with config_free. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

/* Frees every string and wipes the key; c is left zeroed, so a second call is harmless. */
void config_free(struct config *c);

/* Business-day target for a tipo_tramite, or -1 when unknown. */
long config_sla_days(const struct config *c, const char *tipo_tramite);

/* Writes the commented example file (config/segcont.conf.example) from the table. */
void config_write_example(FILE *out);

#endif
