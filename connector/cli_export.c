/* cli_export.c -- segcont export: the office's spreadsheet (XLSX or CSV) of the filings
 * received in a period, written to a file (replaced atomically, mode 0600) or to stdout. */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "cli.h"
#include "export.h"
#include "indicators.h"
#include "util.h"

/* Writes the export to standard output. Same returns as export_write. */
static enum indicators_rc cli_export_stdout(struct store *st, const struct config *cfg,
					    const struct calendar *cal, enum export_format fmt,
					    enum export_paper paper, const struct cli_args *a,
					    size_t *rows, char *err, size_t errlen)
{
	struct buf b;
	enum indicators_rc rc;

	buf_init(&b);
	rc = export_write_on(st, cfg, cal, fmt, a->desde, a->hasta, INDICATORS_BASE_RADICACION,
			     paper, NULL, &b, rows, err, errlen);
	if (rc == INDICATORS_OK &&
	    (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0)) {
		set_error(err, errlen, "no se pudo escribir en la salida estándar");
		rc = INDICATORS_INTERNAL;
	}
	buf_free(&b);
	return rc;
}

int cli_export(const struct cli_args *a)
{
	enum export_format fmt;
	enum export_paper paper = EXPORT_PAPER_DEFAULT;
	struct config cfg;
	struct store *st = NULL;
	struct calendar *cal = NULL;
	char err[STORE_ERR_LEN + INDICATORS_ERR_LEN];
	enum indicators_rc rc;
	int to_stdout;
	size_t rows = 0;
	int ret = CLI_EXIT_FAIL;

	if (a->formato == NULL || a->output == NULL || a->output[0] == '\0') {
		cli_usage(a->cmd, stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(a->formato, "xlsx") == 0) {
		fmt = EXPORT_XLSX;
	} else if (strcmp(a->formato, "csv") == 0) {
		fmt = EXPORT_CSV;
	} else {
		fprintf(stderr, "segcont: formato desconocido «%s»: use xlsx o csv\n", a->formato);
		return CLI_EXIT_USAGE;
	}
	if (a->papel != NULL && export_paper_parse(a->papel, &paper) < 0) {
		fprintf(stderr, "segcont: papel desconocido «%s»: use a4 o carta\n", a->papel);
		return CLI_EXIT_USAGE;
	}
	if (indicators_check_period(a->desde, a->hasta, err, sizeof(err)) != INDICATORS_OK) {
		fprintf(stderr, "segcont: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	st = cli_open_store(a->config, &cfg);
	if (st == NULL)
		goto done;
	cal = indicators_calendar_new(&cfg, err, sizeof(err));
	if (cal == NULL) {
		fprintf(stderr, "segcont: %s\n", err);
		goto done;
	}
	to_stdout = strcmp(a->output, "-") == 0;
	if (to_stdout)
		rc = cli_export_stdout(st, &cfg, cal, fmt, paper, a, &rows, err, sizeof(err));
	else
		rc = export_write_file_on(st, &cfg, cal, fmt, a->desde, a->hasta, paper, NULL,
					  a->output, &rows, err, sizeof(err));
	if (rc != INDICATORS_OK) {
		fprintf(stderr, "segcont: %s\n", err);
		ret = rc == INDICATORS_BAD_INPUT || rc == INDICATORS_BAD_DATE ? CLI_EXIT_USAGE
									      : CLI_EXIT_FAIL;
		goto done;
	}
	fprintf(stderr, "exportados %zu radicados a %s\n", rows,
		to_stdout ? "la salida estándar" : a->output);
	ret = 0;
done:
	calendar_free(cal);
	store_close(st);
	config_free(&cfg);
	return ret;
}
