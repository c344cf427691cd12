/* test_util.c -- unit tests of util.c and log_escape: cutting text on UTF-8 character
 * boundaries (set_error, log_escape), dates at the edges of their range (util_date_add),
 * instants (util_iso_epoch, util_time_local) and conversion to UTF-8 (util_to_utf8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

static void test_utf8_cut(void **state)
{
	const char *s = "a\xc3\xa9"
			"b\xe2\x80\x93"
			"c\xf0\x9f\x98\x80";
	(void)state;
	assert_int_equal(util_utf8_cut(s, 0), 0);
	assert_int_equal(util_utf8_cut(s, 1), 1);
	assert_int_equal(util_utf8_cut(s, 2), 1); /* inside é */
	assert_int_equal(util_utf8_cut(s, 3), 3);
	assert_int_equal(util_utf8_cut(s, 5), 4); /* inside – */
	assert_int_equal(util_utf8_cut(s, 6), 4);
	assert_int_equal(util_utf8_cut(s, 7), 7);
	assert_int_equal(util_utf8_cut(s, 10), 8); /* inside the emoji */
	assert_int_equal(util_utf8_cut(s, 12), 12);
}

/* A message that does not fit is cut, never inside a character, and stays valid UTF-8. */
static void test_set_error_cut(void **state)
{
	char err[8];
	char big[600];

	(void)state;
	for (size_t n = 1; n <= sizeof(err); n++) {
		set_error(err, n, "%s", "ñandú ñandú");
		assert_true(strlen(err) < n);
		assert_true(util_utf8_valid(err, strlen(err)));
	}
	set_error(err, sizeof(err), "%s", "abc");
	assert_string_equal(err, "abc");
	set_error(NULL, 0, "x");
	memset(big, 'a', sizeof(big));
	memcpy(big + 509, "\xc3\xa9", 2);
	big[sizeof(big) - 1] = '\0';
	{
		char e[511];

		set_error(e, sizeof(e), "%s", big);
		assert_int_equal(strlen(e), 509);
		assert_true(util_utf8_valid(e, strlen(e)));
	}
}

static void test_log_escape(void **state)
{
	char out[16];

	(void)state;
	assert_string_equal(log_escape("a\nb\"c", 5, out, sizeof(out)), "a\\x0ab\\x22c");
	/* cut with an ellipsis, never inside é */
	log_escape("aaaaaaaaé", 10, out, 13);
	assert_true(util_utf8_valid(out, strlen(out)));
	assert_non_null(strstr(out, "..."));
}

static void test_date_add_bounds(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(util_date_add("2024-02-28", 1, out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(util_date_add("9999-12-31", 1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(util_date_add("1000-01-01", -1, out), -1);
	assert_int_equal(util_date_add("2024-01-01", UTIL_MAX_DAYS + 1, out), -1);
	assert_int_equal(util_date_add("2024-13-01", 1, out), -1);
	assert_int_equal(util_date_add("9999-12-30", 1, out), 0);
	assert_string_equal(out, "9999-12-31");
}

static void test_instants(void **state)
{
	long long e;
	long long e2;
	char local[UTIL_LOCAL_LEN];
	char iso[UTIL_ISO_LEN];

	(void)state;
	assert_int_equal(util_iso_epoch("2024-05-02T16:51:40-05:00", &e), 0);
	assert_int_equal(util_iso_epoch("2024-05-02T21:51:40Z", &e2), 0);
	assert_int_equal(e, e2);
	assert_int_equal(util_iso_epoch("2024-05-02", &e2), 0);
	assert_int_equal(e - e2, 16 * 3600 + 51 * 60 + 40);
	util_time_local(e, local);
	assert_string_equal(local, "2024-05-02 16:51:40");
	util_time_iso(e, iso);
	assert_string_equal(iso, "2024-05-02T16:51:40-05:00");
	assert_int_equal(util_iso_epoch("2024-05-02T16:51:40", &e), -1);
	assert_int_equal(util_iso_epoch("2024-05-02T16:51:40+25:00", &e), -1);
	assert_int_equal(util_iso_epoch("mañana", &e), -1);
	assert_int_equal(util_iso_epoch(NULL, &e), -1);
}

static void test_to_utf8(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(util_to_utf8("\x96\x93x\x94", 4, "WINDOWS-1252", &b), 0);
	assert_string_equal(b.data, "\xe2\x80\x93\xe2\x80\x9cx\xe2\x80\x9d");
	buf_reset(&b);
	assert_int_equal(util_to_utf8("a\x81z", 3, "WINDOWS-1252", &b), 0);
	assert_string_equal(b.data, "a\xef\xbf\xbdz");
	buf_reset(&b);
	assert_int_equal(util_to_utf8("x", 1, "NO-EXISTE-123", &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* Decodes one word of util-cases.tsv in place: "" is empty, \xHH a byte. Returns its length. */
static size_t test_unescape(char *w)
{
	size_t o = 0;

	if (strcmp(w, "\"\"") == 0) {
		w[0] = '\0';
		return 0;
	}
	for (size_t i = 0; w[i] != '\0'; i++) {
		unsigned int byte;

		if (w[i] == '\\' && w[i + 1] == 'x' && sscanf(w + i + 2, "%2x", &byte) == 1) {
			w[o++] = (char)byte;
			i += 3;
		} else {
			w[o++] = w[i];
		}
	}
	w[o] = '\0';
	return o;
}

/* Runs one call of the table; writes what it returned into got ("error" for -1). */
static void test_call(const char *fn, char **arg, size_t *len, int n, char *got, size_t gotlen)
{
	long v = 0;
	long long e = 0;
	char day[11];
	struct buf b;
	int rc = -1;

	if (strcmp(fn, "parse_long") == 0 && n == 3) {
		rc = parse_long(arg[0], strtol(arg[1], NULL, 10), strtol(arg[2], NULL, 10), &v);
		snprintf(got, gotlen, "%ld", v);
	} else if (strcmp(fn, "utf8_valid") == 0 && n == 1) {
		rc = 0;
		snprintf(got, gotlen, "%d", util_utf8_valid(arg[0], len[0]));
	} else if (strcmp(fn, "iso_epoch") == 0 && n == 1) {
		rc = util_iso_epoch(arg[0], &e);
		snprintf(got, gotlen, "%lld", e);
	} else if (strcmp(fn, "date_add") == 0 && n == 2) {
		rc = util_date_add(arg[0], strtol(arg[1], NULL, 10), day);
		snprintf(got, gotlen, "%s", day);
	} else if (strcmp(fn, "date_diff") == 0 && n == 2) {
		rc = util_date_diff(arg[0], arg[1], &v);
		snprintf(got, gotlen, "%ld", v);
	} else if (strcmp(fn, "to_utf8") == 0 && n == 2) {
		buf_init(&b);
		rc = util_to_utf8(arg[1], len[1], arg[0], &b);
		snprintf(got, gotlen, "%s", b.data != NULL ? b.data : "");
		buf_free(&b);
	} else {
		fail_msg("unknown call %s with %d arguments", fn, n);
	}
	if (rc < 0)
		snprintf(got, gotlen, "error");
}

static void test_cases(void **state)
{
	char line[1024];
	FILE *fp = fopen("tests/data/util-cases.tsv", "r");
	int lineno = 0;
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *args;
		char *want;
		char *arg[4];
		size_t len[4];
		char got[256];
		int nargs = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		args = strchr(line, '\t');
		want = args != NULL ? strchr(args + 1, '\t') : NULL;
		if (want == NULL)
			fail_msg("util-cases.tsv:%d: expected 3 columns", lineno);
		*args++ = '\0';
		*want++ = '\0';
		for (char *w = strtok(args, " "); w != NULL && nargs < 4; w = strtok(NULL, " ")) {
			arg[nargs] = w;
			len[nargs] = test_unescape(w);
			nargs++;
		}
		test_unescape(want);
		test_call(line, arg, len, nargs, got, sizeof(got));
		if (strcmp(got, want) != 0)
			fail_msg("util-cases.tsv:%d: %s gave \"%s\", want \"%s\"", lineno, line,
				 got, want);
		n++;
	}
	fclose(fp);
	assert_true(n >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_cut),   cmocka_unit_test(test_set_error_cut),
	    cmocka_unit_test(test_log_escape), cmocka_unit_test(test_date_add_bounds),
	    cmocka_unit_test(test_instants),   cmocka_unit_test(test_to_utf8),
	    cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
