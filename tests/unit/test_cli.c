/* test_cli.c -- unit tests of cli.c's options parser: each kind fills its field, words are
 * kept in order and counted, and an unknown option, a missing value, a value given to a
 * flag, a bad or out-of-range date and a wrong number of words are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

#define TEST_MAX_ARGV 16

static int test_exec(const struct cli_args *a)
{
	(void)a;
	return 0;
}

static const struct cli_cmd test_cmd = {
    "prueba",
    "prueba [-c ARCHIVO] [--desde AAAA-MM-DD] [--json] [-o ARCHIVO] PALABRA [PALABRA]",
    (const struct cli_option[]){CLI_OPT_CONFIG, CLI_OPT_DATE("desde", desde),
				CLI_OPT_FLAG("json", 0, json), CLI_OPT_TEXT("output", 'o', output),
				CLI_OPT_HELP, CLI_OPT_END},
    1,
    2,
    test_exec,
};

/* Parses the words of line (space-separated, after the command's name) with test_cmd. The
 * vector lives in static storage, as argv would, so a keeps pointing into it. */
static int test_parse(const char *line, struct cli_args *a)
{
	static char text[256];
	static char *argv[TEST_MAX_ARGV];
	int argc = 0;

	snprintf(text, sizeof(text), "prueba %s", line);
	for (char *w = strtok(text, " "); w != NULL && argc < TEST_MAX_ARGV - 1;
	     w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	return cli_parse(&test_cmd, argc, argv, a);
}

static void test_kinds(void **state)
{
	struct cli_args a;

	(void)state;
	assert_int_equal(test_parse("-c x.conf --json uno --desde 2024-02-29 -o - dos", &a), 0);
	assert_ptr_equal(a.cmd, &test_cmd);
	assert_string_equal(a.config, "x.conf");
	assert_string_equal(a.desde, "2024-02-29");
	assert_string_equal(a.output, "-");
	assert_int_equal(a.json, 1);
	assert_null(a.hasta);
	assert_int_equal(a.once, 0);
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "uno");
	assert_string_equal(a.argv[1], "dos");
	/* The other spellings getopt_long allows: --name=value, -cVALUE, a unique prefix. */
	assert_int_equal(test_parse("--config=y.conf --des 2024-01-31 -cz.conf uno", &a), 0);
	assert_string_equal(a.config, "z.conf");
	assert_string_equal(a.desde, "2024-01-31");
	assert_int_equal(a.json, 0);
	assert_int_equal(a.argc, 1);
	/* After "--" everything is a word. */
	assert_int_equal(test_parse("-- --json", &a), 0);
	assert_int_equal(a.json, 0);
	assert_string_equal(a.argv[0], "--json");
}

static void test_refused(void **state)
{
	struct cli_args a;
	static const char *const bad[] = {
	    "uno --otra",		     /* unknown long option */
	    "uno -x",			     /* unknown short option */
	    "uno --hasta 2024-01-01",	     /* an option another command has */
	    "uno --desde",		     /* missing value */
	    "uno -c",			     /* missing value, short */
	    "uno --json=1",		     /* a flag takes no value */
	    "uno --desde 2024-02-30",	     /* not a real day */
	    "uno --desde 2024-5-1",	     /* not canonical */
	    "uno --desde 9999-12-31",	     /* out of range: no next day */
	    "uno --desde 0001-01-01",	     /* out of range */
	    "uno --desde " CLI_DATE_MIN "x", /* junk after a date */
	    "",				     /* too few words */
	    "uno dos tres",		     /* too many words */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (test_parse(bad[i], &a) != -1)
			fail_msg("«prueba %s» was accepted", bad[i]);
	}
	/* The range's own ends are dates. */
	assert_int_equal(test_parse("uno --desde " CLI_DATE_MIN, &a), 0);
	assert_int_equal(test_parse("uno --desde " CLI_DATE_MAX, &a), 0);
	assert_string_equal(a.desde, CLI_DATE_MAX);
}

static void test_help(void **state)
{
	struct cli_args a;

	(void)state;
	/* --help prints the usage and the command does not run, whatever the words. */
	assert_int_equal(test_parse("--help", &a), 1);
	assert_int_equal(test_parse("-h uno dos tres", &a), 1);
}

static void test_signals(void **state)
{
	atomic_int *stop = cli_catch_signals(NULL);

	(void)state;
	assert_non_null(stop);
	assert_ptr_equal(cli_catch_signals(NULL), stop);
	assert_int_equal(atomic_load(stop), 0);
	raise(SIGTERM); /* caught: sets the flag instead of ending the process */
	assert_int_equal(atomic_load(stop), 1);
	raise(SIGPIPE); /* ignored */
	atomic_store(stop, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
