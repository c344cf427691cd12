/* cli_calendario.c -- segcont calendario festivos AÑO | sumar AAAA-MM-DD N: the Colombian
 * business-day calendar, with the configuration's extra days off when there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "cli.h"
#include "indicators.h"
#include "util.h"

/*
 * No configuration file is needed: with -c FILE it is loaded (errors are fatal); without
 * -c, config_default_path() ($SEGCONT_CONFIG, else the default path) is used when readable,
 * and when it cannot be loaded a warning says that only public holidays count. Lives here,
 * not in calendar.c, so that the calendar module stays free of configuration and I/O.
 */

/* The calendar for the command. Returns NULL (message printed) only when an explicit -c
 * file cannot be loaded. */
static struct calendar *cli_calendario_calendar(const char *explicit_path)
{
	static char errs[CONFIG_ERR_LEN * 4];
	struct config cfg;
	struct calendar *cal;
	const char *path = explicit_path != NULL ? explicit_path : config_default_path();
	int use_file = explicit_path != NULL || access(path, R_OK) == 0;
	char err[INDICATORS_ERR_LEN];

	if (use_file && config_load(&cfg, path, errs, sizeof(errs)) < 0) {
		config_free(&cfg);
		if (explicit_path != NULL) {
			fprintf(stderr, "%s\n", errs);
			return NULL;
		}
		fprintf(stderr,
			"segcont: aviso: no se pudo cargar %s; solo cuentan los festivos "
			"nacionales:\n%s\n",
			path, errs);
		use_file = 0;
	}
	if (!use_file)
		config_defaults(&cfg);
	cal = indicators_calendar_new(&cfg, err, sizeof(err));
	if (cal == NULL)
		fprintf(stderr, "segcont: %s\n", err);
	config_free(&cfg);
	return cal;
}

static int cli_calendario_festivos(const struct calendar *cal, long year)
{
	int n = calendar_days_off(cal, (int)year, NULL, 0);
	struct calendar_holiday *days;

	if (n < 0)
		return CLI_EXIT_USAGE;
	days = xcalloc((size_t)n + 1, sizeof(*days));
	calendar_days_off(cal, (int)year, days, (size_t)n);
	for (int i = 0; i < n; i++)
		printf("%s\n", days[i].date);
	free(days);
	return 0;
}

int cli_calendario(const struct cli_args *a)
{
	struct calendar *cal;
	char result[CALENDAR_DATE_LEN];
	long year = 0;
	long n = 0;
	int ret;

	if (a->argc == 2 && strcmp(a->argv[0], "festivos") == 0) {
		if (parse_long(a->argv[1], CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, &year) < 0) {
			fprintf(stderr, "segcont: año inválido «%s»: debe estar entre %d y %d\n",
				a->argv[1], CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
			return CLI_EXIT_USAGE;
		}
	} else if (a->argc == 3 && strcmp(a->argv[0], "sumar") == 0) {
		int y, m, d;

		if (calendar_parse_date(a->argv[1], &y, &m, &d) < 0 || y < CALENDAR_MIN_YEAR) {
			fprintf(stderr, "segcont: fecha inválida «%s»: use AAAA-MM-DD desde %d\n",
				a->argv[1], CALENDAR_MIN_YEAR);
			return CLI_EXIT_USAGE;
		}
		if (parse_long(a->argv[2], 0, INDICATORS_MAX_ADD_DAYS, &n) < 0) {
			fprintf(stderr,
				"segcont: número de días inválido «%s»: debe ser un entero entre 0 "
				"y %d\n",
				a->argv[2], INDICATORS_MAX_ADD_DAYS);
			return CLI_EXIT_USAGE;
		}
	} else {
		cli_usage(a->cmd, stderr);
		return CLI_EXIT_USAGE;
	}
	cal = cli_calendario_calendar(a->config);
	if (cal == NULL)
		return CLI_EXIT_FAIL;
	if (year != 0) {
		ret = cli_calendario_festivos(cal, year);
	} else if (calendar_add_business_days(cal, a->argv[1], n, result) < 0) {
		fprintf(stderr, "segcont: el resultado cae fuera del calendario (año %d)\n",
			CALENDAR_MAX_YEAR);
		ret = CLI_EXIT_USAGE;
	} else {
		printf("%s\n", result);
		ret = 0;
	}
	calendar_free(cal);
	return ret;
}
