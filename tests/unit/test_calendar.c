/* test_calendar.c -- unit tests of calendar.c: the shared vectors ($SEGCONT_SHARED/vectors, default
 * ../shared), the cases in tests/data/calendar-cases.txt (run from the repo root), properties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "util.h"

#define TEST_SHARED_DEFAULT "../shared"
#define TEST_HOLIDAYS_VECTOR "vectors/festivos-colombia.txt"
#define TEST_SUMS_VECTOR "vectors/dias-habiles.txt"
#define TEST_CASES_PATH "tests/data/calendar-cases.txt"
#define TEST_LINE_MAX 4096
#define TEST_MAX_FIELDS 64
#define TEST_CLOSING_MINUTES 990 /* 16:30 */
#define TEST_ROUND_TRIP_MAX_N 30
#define TEST_ERR_LEN 256
#define TEST_MERGED_NAME "Sagrado Corazón de Jesús / San Pedro y San Pablo"
#define TEST_SENTINEL "XXXXXXXXXX"

/* ---- helpers ---- */

/* Opens a file under $SEGCONT_SHARED (default ../shared); fails the test when it cannot. */
static FILE *test_open_shared(const char *rel, char *path, size_t pathlen)
{
	const char *root = getenv("SEGCONT_SHARED");
	FILE *f;

	if (root == NULL || *root == '\0')
		root = TEST_SHARED_DEFAULT;
	snprintf(path, pathlen, "%s/%s", root, rel);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s (set SEGCONT_SHARED to the shared/ folder)", path);
	return f;
}

/* Strips the line end; returns 0 for a line to use, -1 for a blank or comment line. */
static int test_clean_line(char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
	return line[0] == '\0' || line[0] == '#' ? -1 : 0;
}

/* Splits line in place at single spaces; returns the number of fields. */
static int test_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		fields[n++] = p;
		p = strchr(p, ' ');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static long test_long(const char *s)
{
	long v;

	if (parse_long(s, -2147483647L - 1, 9223372036854775807L, &v) < 0)
		fail_msg("not a number in the data: \"%s\"", s);
	return v;
}

/* Splits "YYYY-MM-DD" loosely (for dates the test means to be invalid too). */
static int test_ymd(const char *s, int *y, int *m, int *d)
{
	char tail;

	return sscanf(s, "%d-%d-%d%c", y, m, d, &tail) == 3 ? 0 : -1;
}

/* Writes y-m-d as "YYYY-MM-DD" to out (through a roomy buffer: no truncation warnings). */
static void test_format(int y, int m, int d, char out[CALENDAR_DATE_LEN])
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	strlcpy_s(out, tmp, CALENDAR_DATE_LEN);
}

/* Writes the date delta days after iso to out, by timegm (independent of calendar.c). */
static void test_shift(const char *iso, long delta, char out[CALENDAR_DATE_LEN])
{
	struct tm tm = {0};
	time_t t;
	int y, m, d;

	assert_int_equal(test_ymd(iso, &y, &m, &d), 0);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm) + (time_t)delta * 86400;
	gmtime_r(&t, &tm);
	test_format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
}

/* 0 = Sunday ... 6 = Saturday, by timegm. */
static int test_wday(const char *iso)
{
	struct tm tm = {0};
	time_t t;
	int y, m, d;

	assert_int_equal(test_ymd(iso, &y, &m, &d), 0);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm.tm_wday;
}

static int test_is_business(const struct calendar *c, const char *iso)
{
	int y, m, d;

	assert_int_equal(calendar_parse_date(iso, &y, &m, &d), 0);
	return calendar_is_business_day(c, y, m, d);
}

/* Business days in (from, to] by walking day by day with calendar_is_business_day. */
static long test_naive_count(const struct calendar *c, const char *from, const char *to)
{
	char day[CALENDAR_DATE_LEN];
	long n = 0;

	if (strcmp(from, to) >= 0)
		return 0;
	strcpy(day, from);
	do {
		test_shift(day, 1, day);
		n += test_is_business(c, day);
	} while (strcmp(day, to) != 0);
	return n;
}

/* Finds date in a holiday list; returns its index or -1. */
static int test_find(const struct calendar_holiday *h, int n, const char *date)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(h[i].date, date) == 0)
			return i;
	}
	return -1;
}

static struct calendar *test_calendar(int closing, const char (*extra)[CALENDAR_DATE_LEN], size_t n)
{
	char err[TEST_ERR_LEN] = "";
	struct calendar *c = calendar_new(closing, extra, n, err, sizeof(err));

	if (c == NULL)
		fail_msg("calendar_new: %s", err);
	return c;
}

/* ---- the shared vectors ---- */

static void test_shared_holidays(void **state)
{
	char path[TEST_LINE_MAX], line[TEST_LINE_MAX];
	char *f[TEST_MAX_FIELDS];
	struct calendar_holiday h[CALENDAR_MAX_HOLIDAYS];
	FILE *fp = test_open_shared(TEST_HOLIDAYS_VECTOR, path, sizeof(path));
	int lineno = 0, years = 0, failures = 0, seen2024 = 0, seen2025 = 0;

	(void)state;
	while (fgets(line, sizeof(line), fp) != NULL) {
		int nf, n, year;

		lineno++;
		if (test_clean_line(line) < 0)
			continue;
		nf = test_split(line, f, TEST_MAX_FIELDS);
		year = (int)test_long(f[0]);
		n = calendar_holidays(year, h, CALENDAR_MAX_HOLIDAYS);
		years++;
		seen2024 += year == 2024 && n == 18;
		seen2025 += year == 2025 && n == 17;
		if (n != nf - 1) {
			print_error("%s:%d: %d holidays, expected %d\n", path, lineno, n, nf - 1);
			failures++;
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (strcmp(h[i].date, f[i + 1]) != 0) {
				print_error("%s:%d: holiday %d is %s (%s), expected %s\n", path,
					    lineno, i + 1, h[i].date, h[i].name, f[i + 1]);
				failures++;
			}
		}
	}
	fclose(fp);
	assert_int_equal(failures, 0);
	assert_true(years >= 2);
	assert_int_equal(seen2024, 1);
	assert_int_equal(seen2025, 1);
}

static void test_shared_sums(void **state)
{
	char path[TEST_LINE_MAX], line[TEST_LINE_MAX];
	char *f[TEST_MAX_FIELDS];
	FILE *fp = test_open_shared(TEST_SUMS_VECTOR, path, sizeof(path));
	struct calendar *c = test_calendar(0, NULL, 0);
	int lineno = 0, sums = 0, years = 0, failures = 0;

	(void)state;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char out[CALENDAR_DATE_LEN] = "";
		int nf;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "# year ", 7) == 0) {
			long got;

			nf = test_split(line + 7, f, TEST_MAX_FIELDS);
			assert_int_equal(nf, 2);
			got = calendar_business_days_in_year(c, (int)test_long(f[0]));
			years++;
			if (got != test_long(f[1])) {
				print_error("%s:%d: year %s has %ld business days, expected %s\n",
					    path, lineno, f[0], got, f[1]);
				failures++;
			}
			continue;
		}
		if (test_clean_line(line) < 0)
			continue;
		nf = test_split(line, f, TEST_MAX_FIELDS);
		assert_int_equal(nf, 3);
		sums++;
		if (calendar_add_business_days(c, f[0], test_long(f[1]), out) != 0 ||
		    strcmp(out, f[2]) != 0) {
			print_error("%s:%d: %s + %s gives \"%s\", expected %s\n", path, lineno,
				    f[0], f[1], out, f[2]);
			failures++;
		}
		if (calendar_business_days_between(c, f[0], f[2]) != test_long(f[1])) {
			print_error("%s:%d: between %s and %s is %ld, expected %s\n", path, lineno,
				    f[0], f[2], calendar_business_days_between(c, f[0], f[2]),
				    f[1]);
			failures++;
		}
	}
	fclose(fp);
	calendar_free(c);
	assert_int_equal(failures, 0);
	assert_true(sums >= 3);
	assert_true(years >= 2);
}

/* ---- tests/data/calendar-cases.txt ---- */

struct test_cases {
	struct calendar *cal;
	const char *path;
	int lineno;
	int failures;
};

static void test_case_fail(struct test_cases *t, const char *line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void test_case_fail(struct test_cases *t, const char *line, const char *fmt, ...)
{
	char msg[TEST_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error("%s:%d: %s: %s\n", t->path, t->lineno, line, msg);
	t->failures++;
}

/* "HH:MM" to minutes, "none" to 0. */
static int test_closing(const char *s)
{
	int hh, mm;
	char tail;

	if (strcmp(s, "none") == 0)
		return 0;
	if (sscanf(s, "%d:%d%c", &hh, &mm, &tail) != 2)
		fail_msg("bad closing time in the data: %s", s);
	return hh * 60 + mm;
}

/* Builds the calendar of a "calendar" or "bad-calendar" line; returns it or NULL. */
static struct calendar *test_case_calendar(char **f, int nf, char *err, size_t errlen)
{
	char(*extra)[CALENDAR_DATE_LEN] = NULL;
	size_t n = (size_t)(nf - 2);
	struct calendar *c;

	if (n > 0) {
		extra = xcalloc(n, sizeof(*extra));
		for (size_t i = 0; i < n; i++)
			strlcpy_s(extra[i], f[i + 2], sizeof(extra[i]));
	}
	c = calendar_new(test_closing(f[1]), (const char(*)[CALENDAR_DATE_LEN])extra, n, err,
			 errlen);
	free(extra);
	return c;
}

/* Checks that the holiday list h (n entries) has date with exactly name. */
static void test_case_listed(struct test_cases *t, const char *line,
			     const struct calendar_holiday *h, int n, const char *date,
			     const char *name)
{
	int i = test_find(h, n, date);

	if (i < 0)
		test_case_fail(t, line, "%s is not listed", date);
	else if (strcmp(h[i].name, name) != 0)
		test_case_fail(t, line, "named \"%s\"", h[i].name);
}

static void test_case_easter(struct test_cases *t, const char *line, int year, const char *easter)
{
	static const struct {
		long offset;
		const char *name;
	} derived[] = {
	    {-3, "Jueves Santo"},
	    {-2, "Viernes Santo"},
	    {43, "Ascensión del Señor"},
	    {64, "Corpus Christi"},
	    {71, NULL},
	};
	struct calendar_holiday h[CALENDAR_MAX_HOLIDAYS];
	int n = calendar_holidays(year, h, CALENDAR_MAX_HOLIDAYS);

	assert_int_equal(test_wday(easter), 0);
	for (size_t i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		char day[CALENDAR_DATE_LEN];
		int k;

		test_shift(easter, derived[i].offset, day);
		k = test_find(h, n, day);
		if (k < 0) {
			test_case_fail(t, line, "Easter%+ld (%s) is not a holiday",
				       derived[i].offset, day);
			continue;
		}
		/* Sagrado Corazón may share its Monday with San Pedro y San Pablo. */
		if (derived[i].name == NULL) {
			if (strcmp(h[k].name, "Sagrado Corazón de Jesús") != 0 &&
			    strcmp(h[k].name, TEST_MERGED_NAME) != 0)
				test_case_fail(t, line, "%s is \"%s\"", day, h[k].name);
		} else if (strcmp(h[k].name, derived[i].name) != 0) {
			test_case_fail(t, line, "%s is \"%s\"", day, h[k].name);
		}
	}
}

/* Runs one line of the cases file. orig is the line, f its fields. */
static void test_case_line(struct test_cases *t, const char *orig, char **f, int nf)
{
	struct calendar_holiday h[CALENDAR_MAX_HOLIDAYS * 4];
	char out[CALENDAR_DATE_LEN], err[TEST_ERR_LEN];
	const char *k = f[0];
	size_t name_at = nf >= 2 ? strlen(f[0]) + strlen(f[1]) + 2 : 0;
	int y, m, d;

	if (strcmp(k, "calendar") == 0) {
		calendar_free(t->cal);
		t->cal = test_case_calendar(f, nf, err, sizeof(err));
		if (t->cal == NULL)
			fail_msg("%s:%d: calendar_new: %s", t->path, t->lineno, err);
		return;
	}
	if (strcmp(k, "bad-calendar") == 0) {
		struct calendar *c;

		err[0] = '\0';
		c = test_case_calendar(f, nf, err, sizeof(err));
		if (c != NULL) {
			test_case_fail(t, orig, "accepted");
			calendar_free(c);
		} else if (err[0] == '\0') {
			test_case_fail(t, orig, "refused without a message");
		}
		return;
	}
	if (t->cal == NULL && strcmp(k, "holidays") != 0 && strcmp(k, "holiday") != 0 &&
	    strcmp(k, "no-holiday") != 0 && strcmp(k, "easter") != 0 && strcmp(k, "date") != 0)
		fail_msg("%s:%d: no calendar line before this one", t->path, t->lineno);
	if (strcmp(k, "holidays") == 0 || strcmp(k, "days-off") == 0) {
		int year = (int)test_long(f[1]);
		long got = k[0] == 'h'
			       ? calendar_holidays(year, h, CALENDAR_MAX_HOLIDAYS)
			       : calendar_days_off(t->cal, year, h, sizeof(h) / sizeof(h[0]));

		if (got != test_long(f[2]))
			test_case_fail(t, orig, "got %ld", got);
	} else if (strcmp(k, "holiday") == 0 || strcmp(k, "no-holiday") == 0 ||
		   strcmp(k, "day-off") == 0) {
		int n;

		assert_int_equal(test_ymd(f[1], &y, &m, &d), 0);
		n = k[0] == 'd' ? calendar_days_off(t->cal, y, h, sizeof(h) / sizeof(h[0]))
				: calendar_holidays(y, h, CALENDAR_MAX_HOLIDAYS);
		if (k[0] == 'n') {
			if (test_find(h, n, f[1]) >= 0)
				test_case_fail(t, orig, "listed");
		} else {
			test_case_listed(t, orig, h, n, f[1], orig + name_at);
		}
	} else if (strcmp(k, "easter") == 0) {
		test_case_easter(t, orig, (int)test_long(f[1]), f[2]);
	} else if (strcmp(k, "business") == 0) {
		int got;

		assert_int_equal(test_ymd(f[1], &y, &m, &d), 0);
		got = calendar_is_business_day(t->cal, y, m, d);
		if (got != test_long(f[2]))
			test_case_fail(t, orig, "got %d", got);
	} else if (strcmp(k, "start") == 0 || strcmp(k, "add") == 0) {
		const char *want = k[0] == 's' ? f[2] : f[3];
		int rc;

		strcpy(out, TEST_SENTINEL);
		if (k[0] == 's')
			rc = calendar_effective_start(t->cal, f[1], out);
		else
			rc = calendar_add_business_days(t->cal, f[1], test_long(f[2]), out);
		if (strcmp(want, "error") == 0) {
			if (rc != -1 || strcmp(out, TEST_SENTINEL) != 0)
				test_case_fail(t, orig, "got %d \"%s\"", rc, out);
		} else if (rc != 0 || strcmp(out, want) != 0) {
			test_case_fail(t, orig, "got %d \"%s\"", rc, out);
		} else if (k[0] == 'a' &&
			   calendar_business_days_between(t->cal, f[1], out) != test_long(f[2])) {
			test_case_fail(t, orig, "between gives %ld",
				       calendar_business_days_between(t->cal, f[1], out));
		}
	} else if (strcmp(k, "between") == 0) {
		long got = calendar_business_days_between(t->cal, f[1], f[2]);

		if (got != test_long(f[3]))
			test_case_fail(t, orig, "got %ld", got);
	} else if (strcmp(k, "year") == 0) {
		long got = calendar_business_days_in_year(t->cal, (int)test_long(f[1]));

		if (got != test_long(f[2]))
			test_case_fail(t, orig, "got %ld", got);
	} else if (strcmp(k, "date") == 0) {
		int rc;

		y = m = d = -7;
		rc = calendar_parse_date(f[1], &y, &m, &d);
		if (strcmp(f[2], "ok") == 0) {
			char back[CALENDAR_DATE_LEN];

			test_format(y, m, d, back);
			if (rc != 0 || strcmp(back, f[1]) != 0)
				test_case_fail(t, orig, "got %d %d-%d-%d", rc, y, m, d);
		} else if (rc != -1 || y != -7 || m != -7 || d != -7) {
			test_case_fail(t, orig, "got %d %d-%d-%d", rc, y, m, d);
		}
	} else {
		fail_msg("%s:%d: unknown case \"%s\"", t->path, t->lineno, k);
	}
}

static void test_cases_file(void **state)
{
	char line[TEST_LINE_MAX], orig[TEST_LINE_MAX];
	char *f[TEST_MAX_FIELDS];
	struct test_cases t = {NULL, TEST_CASES_PATH, 0, 0};
	FILE *fp = fopen(TEST_CASES_PATH, "r");
	int cases = 0;

	(void)state;
	if (fp == NULL)
		fail_msg("cannot open %s (run from the repository root)", TEST_CASES_PATH);
	while (fgets(line, sizeof(line), fp) != NULL) {
		int nf;

		t.lineno++;
		if (test_clean_line(line) < 0)
			continue;
		strlcpy_s(orig, line, sizeof(orig));
		nf = test_split(line, f, TEST_MAX_FIELDS);
		if (nf < 2 && strcmp(f[0], "calendar") != 0)
			fail_msg("%s:%d: too few fields", t.path, t.lineno);
		test_case_line(&t, orig, f, nf);
		cases++;
	}
	fclose(fp);
	calendar_free(t.cal);
	assert_int_equal(t.failures, 0);
	assert_true(cases > 100);
}

/* ---- properties ---- */

/* For every day of 2024, as a plain date and as timestamps just before and at the closing
 * time, and every n in 0..30: between(S, add(S, n)) == n, the result is a business day, and
 * each step moves to the next business day. */
static void test_round_trip_2024(void **state)
{
	static const char extra[][CALENDAR_DATE_LEN] = {"2024-12-24"};
	static const char *suffixes[] = {"", "T16:29:59-05:00", "T16:30:00-05:00", "T02:00:00Z"};
	struct calendar *c = test_calendar(TEST_CLOSING_MINUTES, extra, 1);
	char day[CALENDAR_DATE_LEN] = "2024-01-01";
	int checked = 0, business_days = 0;

	(void)state;
	while (strcmp(day, "2024-12-31") <= 0) {
		business_days += test_is_business(c, day);
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			char start[TEST_LINE_MAX], prev[CALENDAR_DATE_LEN] = "";

			snprintf(start, sizeof(start), "%s%s", day, suffixes[s]);
			for (long n = 0; n <= TEST_ROUND_TRIP_MAX_N; n++) {
				char out[CALENDAR_DATE_LEN];

				assert_int_equal(calendar_add_business_days(c, start, n, out), 0);
				assert_int_equal(test_is_business(c, out), 1);
				if (calendar_business_days_between(c, start, out) != n)
					fail_msg("between(%s, %s) = %ld, expected %ld", start, out,
						 calendar_business_days_between(c, start, out), n);
				if (n == 0) {
					char eff[CALENDAR_DATE_LEN];

					assert_int_equal(calendar_effective_start(c, start, eff),
							 0);
					assert_string_equal(out, eff);
				} else {
					assert_true(strcmp(prev, out) < 0);
					assert_int_equal(
					    calendar_business_days_between(c, prev, out), 1);
				}
				strcpy(prev, out);
				checked++;
			}
		}
		test_shift(day, 1, day);
	}
	calendar_free(c);
	assert_int_equal(business_days, 245);
	assert_int_equal(checked, 366 * 4 * (TEST_ROUND_TRIP_MAX_N + 1));
}

/* between and add agree with a day-by-day walk near the range ends and across the last cached
 * year, with extra days in each window. */
static void test_naive_agreement(void **state)
{
	static const char extra[][CALENDAR_DATE_LEN] = {"1984-01-03", "2199-12-30", "2200-01-03",
							"2200-02-14", "9999-12-29"};
	static const char *windows[][2] = {
	    {"1984-01-01", "1984-03-31"},
	    {"2199-11-01", "2200-03-01"},
	    {"9999-10-01", "9999-12-31"},
	};
	static const long spans[] = {0, 1, 2, 3, 4, 5, 6, 7, 10, 31, 45};
	struct calendar *c = test_calendar(TEST_CLOSING_MINUTES, extra, 5);
	int checked = 0;

	(void)state;
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		char day[CALENDAR_DATE_LEN];

		strcpy(day, windows[w][0]);
		for (;;) {
			char eff[CALENDAR_DATE_LEN];

			assert_int_equal(calendar_effective_start(c, day, eff), 0);
			for (size_t s = 0; s < sizeof(spans) / sizeof(spans[0]); s++) {
				char end[CALENDAR_DATE_LEN], out[CALENDAR_DATE_LEN];
				int ey, em, ed;
				long want;

				test_shift(day, spans[s], end);
				/* past 9999-12-31 the text is cut and no longer a date */
				if (calendar_parse_date(end, &ey, &em, &ed) < 0)
					continue;
				want = strcmp(end, eff) > 0 ? test_naive_count(c, eff, end) : 0;
				if (calendar_business_days_between(c, day, end) != want)
					fail_msg("between(%s, %s) = %ld, walk says %ld", day, end,
						 calendar_business_days_between(c, day, end), want);
				/* the want-th business day is at most end, and the walk agrees */
				assert_int_equal(calendar_add_business_days(c, day, want, out), 0);
				assert_true(strcmp(out, end) <= 0 || want == 0);
				assert_int_equal(test_naive_count(c, eff, out), want);
				assert_int_equal(test_is_business(c, out), 1);
				checked++;
			}
			if (strcmp(day, windows[w][1]) == 0)
				break;
			test_shift(day, 1, day);
		}
	}
	for (int y = CALENDAR_MIN_YEAR; y <= CALENDAR_MAX_YEAR; y++) {
		char first[CALENDAR_DATE_LEN], last[CALENDAR_DATE_LEN];

		if (y == 2400)
			y = 9950; /* the years in between are counted in test_holiday_rules */
		test_format(y, 1, 1, first);
		test_format(y, 12, 31, last);
		test_shift(first, -1, first);
		assert_int_equal(calendar_business_days_in_year(c, y),
				 test_naive_count(c, first, last));
	}
	calendar_free(c);
	assert_true(checked > 3000);
}

/* Every year of the range follows the rules of Ley 51 de 1983, by weekday and distance; the
 * business days of each year are the weekdays minus the holidays on a weekday. */
static void test_holiday_rules(void **state)
{
	static const struct {
		const char *name;
		int month, day, monday; /* day 0: Easter-based */
	} rules[] = {
	    {"Año Nuevo", 1, 1, 0},
	    {"Día de los Reyes Magos", 1, 6, 1},
	    {"Día de San José", 3, 19, 1},
	    {"Jueves Santo", 0, 0, 0},
	    {"Viernes Santo", 0, 0, 0},
	    {"Día del Trabajo", 5, 1, 0},
	    {"Ascensión del Señor", 0, 0, 1},
	    {"Corpus Christi", 0, 0, 1},
	    {"Sagrado Corazón de Jesús", 0, 0, 1},
	    {"San Pedro y San Pablo", 6, 29, 1},
	    {"Día de la Independencia", 7, 20, 0},
	    {"Batalla de Boyacá", 8, 7, 0},
	    {"La Asunción de la Virgen", 8, 15, 1},
	    {"Día de la Raza", 10, 12, 1},
	    {"Todos los Santos", 11, 1, 1},
	    {"Independencia de Cartagena", 11, 11, 1},
	    {"Inmaculada Concepción", 12, 8, 0},
	    {"Navidad", 12, 25, 0},
	};
	struct calendar *c = test_calendar(0, NULL, 0);
	int merged_years = 0;

	(void)state;
	assert_int_equal(sizeof(rules) / sizeof(rules[0]), CALENDAR_MAX_HOLIDAYS);
	for (int y = CALENDAR_MIN_YEAR; y <= CALENDAR_MAX_YEAR; y++) {
		struct calendar_holiday h[CALENDAR_MAX_HOLIDAYS];
		char jueves[CALENDAR_DATE_LEN] = "", want[CALENDAR_DATE_LEN];
		int n = calendar_holidays(y, h, CALENDAR_MAX_HOLIDAYS), weekday_holidays = 0;
		int weekdays = 0, found = 0;
		long in_year;

		assert_true(n == CALENDAR_MAX_HOLIDAYS || n == CALENDAR_MAX_HOLIDAYS - 1);
		if (n < CALENDAR_MAX_HOLIDAYS)
			merged_years++;
		for (int i = 0; i < n; i++) {
			int wd = test_wday(h[i].date), hy, hm, hd;

			assert_int_equal(calendar_parse_date(h[i].date, &hy, &hm, &hd), 0);
			assert_int_equal(hy, y);
			if (i > 0)
				assert_true(strcmp(h[i - 1].date, h[i].date) < 0);
			if (wd != 0 && wd != 6)
				weekday_holidays++;
			if (strchr(h[i].name, '/') != NULL) {
				assert_string_equal(h[i].name, TEST_MERGED_NAME);
				found++;
			}
			if (strcmp(h[i].name, "Jueves Santo") == 0)
				strcpy(jueves, h[i].date);
		}
		assert_int_equal(n + found, CALENDAR_MAX_HOLIDAYS);
		assert_int_equal(test_wday(jueves), 4);
		for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
			int hit = -1;

			for (int i = 0; i < n && hit < 0; i++) {
				if (strstr(h[i].name, rules[r].name) != NULL)
					hit = i;
			}
			assert_true(hit >= 0);
			if (rules[r].monday)
				assert_int_equal(test_wday(h[hit].date), 1);
			if (rules[r].month > 0) {
				test_format(y, rules[r].month, rules[r].day, want);
				/* on its date, or at most six days later when moved */
				assert_true(strcmp(h[hit].date, want) >= 0);
				test_shift(want, rules[r].monday ? 6 : 0, want);
				assert_true(strcmp(h[hit].date, want) <= 0);
			}
		}
		/* Easter-based distances from Jueves Santo (Easter-3). */
		test_shift(jueves, 1, want);
		assert_true(test_find(h, n, want) >= 0);
		test_shift(jueves, 46, want);
		assert_true(test_find(h, n, want) >= 0);
		test_shift(jueves, 67, want);
		assert_true(test_find(h, n, want) >= 0);
		test_shift(jueves, 74, want);
		assert_true(test_find(h, n, want) >= 0);
		/* weekdays of the year, by weekday of 1 January and leap year */
		{
			int wd = test_wday(h[0].date); /* Año Nuevo is 1 January */
			int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

			for (int i = 0; i < 365 + leap; i++) {
				int x = (wd + i) % 7;

				weekdays += x != 0 && x != 6;
			}
		}
		in_year = calendar_business_days_in_year(c, y);
		if (in_year != weekdays - weekday_holidays)
			fail_msg("year %d: %ld business days, expected %d", y, in_year,
				 weekdays - weekday_holidays);
	}
	calendar_free(c);
	assert_true(merged_years > 0);
}

/* ---- the API's edges ---- */

static void test_api_edges(void **state)
{
	static const char good[][CALENDAR_DATE_LEN] = {"2024-12-24", "2024-12-24", "2024-12-28"};
	static const char bad[][CALENDAR_DATE_LEN] = {"2024-12-24", "2025-02-29"};
	char unterminated[1][CALENDAR_DATE_LEN];
	char err[TEST_ERR_LEN], out[CALENDAR_DATE_LEN];
	struct calendar_holiday *few;
	struct calendar *c;
	int y = 1, m = 2, d = 3;

	(void)state;
	/* holidays: the count with a short or no buffer; ranges */
	assert_int_equal(calendar_holidays(2024, NULL, 0), 18);
	few = xcalloc(5, sizeof(*few));
	assert_int_equal(calendar_holidays(2024, few, 5), 18);
	assert_string_equal(few[0].date, "2024-01-01");
	assert_string_equal(few[0].name, "Año Nuevo");
	assert_string_equal(few[4].date, "2024-03-29");
	assert_string_equal(few[4].name, "Viernes Santo");
	assert_int_equal(calendar_holidays(2025, few, 5), 17);
	free(few);
	assert_int_equal(calendar_holidays(CALENDAR_MIN_YEAR - 1, NULL, 0), -1);
	assert_int_equal(calendar_holidays(CALENDAR_MAX_YEAR + 1, NULL, 0), -1);

	/* calendar_new: errors with and without a buffer; duplicates are fine */
	assert_null(calendar_new(TEST_CLOSING_MINUTES, bad, 2, NULL, 0));
	err[0] = '\0';
	assert_null(calendar_new(TEST_CLOSING_MINUTES, bad, 2, err, sizeof(err)));
	assert_non_null(strstr(err, "2025-02-29"));
	memset(unterminated, '1', sizeof(unterminated));
	assert_null(calendar_new(TEST_CLOSING_MINUTES,
				 (const char(*)[CALENDAR_DATE_LEN])unterminated, 1, err,
				 sizeof(err)));
	assert_null(calendar_new(CALENDAR_MINUTES_PER_DAY, NULL, 0, err, sizeof(err)));
	calendar_free(NULL);
	c = test_calendar(TEST_CLOSING_MINUTES, good, 3);
	assert_int_equal(calendar_days_off(c, 2024, NULL, 0), 20);
	assert_int_equal(calendar_days_off(c, 1983, NULL, 0), -1);
	assert_int_equal(calendar_days_off(NULL, 2024, NULL, 0), -1);

	/* NULL arguments */
	strcpy(out, TEST_SENTINEL);
	assert_int_equal(calendar_parse_date(NULL, &y, &m, &d), -1);
	assert_int_equal(calendar_effective_start(NULL, "2024-05-02", out), -1);
	assert_int_equal(calendar_effective_start(c, NULL, out), -1);
	assert_int_equal(calendar_add_business_days(c, NULL, 1, out), -1);
	assert_int_equal(calendar_add_business_days(NULL, "2024-05-02", 1, out), -1);
	assert_string_equal(out, TEST_SENTINEL);
	assert_int_equal(calendar_business_days_between(c, NULL, "2024-05-02"), -1);
	assert_int_equal(calendar_business_days_between(c, "2024-05-02", NULL), -1);
	assert_int_equal(calendar_business_days_between(NULL, "2024-05-02", "2024-05-03"), -1);
	assert_int_equal(calendar_business_days_in_year(NULL, 2024), -1);
	assert_int_equal(calendar_is_business_day(NULL, 2024, 5, 2), -1);
	assert_int_equal(calendar_is_business_day(c, 2024, 0, 2), -1);
	assert_int_equal(calendar_is_business_day(c, 2024, 5, 0), -1);
	assert_int_equal(y * 100 + m * 10 + d, 123);

	/* a space instead of 'T' (SQLite's form), and a fraction with a comma */
	assert_int_equal(calendar_effective_start(c, "2024-05-02 16:29:59-05:00", out), 0);
	assert_string_equal(out, "2024-05-02");
	assert_int_equal(calendar_effective_start(c, "2024-05-02 16:30:00", out), 0);
	assert_string_equal(out, "2024-05-03");
	assert_int_equal(calendar_effective_start(c, "2024-05-02T16:29:59,5-05:00", out), 0);
	assert_string_equal(out, "2024-05-02");
	calendar_free(c);

	/* a negative closing time means no cut, like 0 */
	c = test_calendar(-1, NULL, 0);
	assert_int_equal(calendar_effective_start(c, "2024-05-02T23:59:59-05:00", out), 0);
	assert_string_equal(out, "2024-05-02");
	calendar_free(c);
}

/* An instant's Bogotá wall clock: offsets shift it across midnight, a date has no time. */
static void test_local_time(void **state)
{
	struct calendar_local t;

	(void)state;
	assert_int_equal(calendar_local_time("2025-01-01T03:15:09Z", &t), 0);
	assert_int_equal(t.y, 2024);
	assert_int_equal(t.m, 12);
	assert_int_equal(t.d, 31);
	assert_int_equal(t.hh, 22);
	assert_int_equal(t.mi, 15);
	assert_int_equal(t.ss, 9);
	assert_int_equal(t.has_time, 1);
	assert_int_equal(calendar_local_time("2024-02-29 16:30", &t), 0);
	assert_int_equal(t.d, 29);
	assert_int_equal(t.hh, 16);
	assert_int_equal(t.mi, 30);
	assert_int_equal(calendar_local_time("2024-05-02T09:14:07.25-05:00", &t), 0);
	assert_int_equal(t.hh, 9);
	assert_int_equal(t.ss, 7);
	assert_int_equal(calendar_local_time("2024-05-02", &t), 0);
	assert_int_equal(t.has_time, 0);
	assert_int_equal(t.hh, 0);
	assert_int_equal(calendar_local_time("2025-02-29T10:00:00", &t), -1);
	assert_int_equal(t.y, 0);
	assert_int_equal(calendar_local_time("2024-05-02T25:00", &t), -1);
	assert_int_equal(calendar_local_time("1983-12-31", &t), -1);
	assert_int_equal(calendar_local_time(NULL, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shared_holidays), cmocka_unit_test(test_shared_sums),
	    cmocka_unit_test(test_cases_file),	    cmocka_unit_test(test_round_trip_2024),
	    cmocka_unit_test(test_naive_agreement), cmocka_unit_test(test_holiday_rules),
	    cmocka_unit_test(test_api_edges),	    cmocka_unit_test(test_local_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
