/* fakeds_time.c -- civil-date arithmetic (no time zone database: Bogotá is a fixed UTC-5)
 * and the strict parsers and writers of the dates the document system speaks. */
#include "fakeds_time.h"

#include <stdio.h>
#include <string.h>

#define FAKEDS_TIME_DAY 86400LL

static long long fakeds_time_floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

long long fakeds_time_days_from_civil(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = fakeds_time_floor_div(yy, 400);
	long long yoe = yy - era * 400;
	long long mp = (m + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void fakeds_time_civil_from_days(long long days, int *y, int *m, int *d)
{
	long long z = days + 719468;
	long long era = fakeds_time_floor_div(z, 146097);
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	long long dd = doy - (153 * mp + 2) / 5 + 1;
	long long mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int fakeds_time_weekday(long long days)
{
	long long w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

long long fakeds_time_local_day(long long epoch)
{
	return fakeds_time_floor_div(epoch + FAKEDS_TIME_UTC_OFFSET, FAKEDS_TIME_DAY);
}

/* Reads exactly n decimal digits at s. Returns 0 or -1. */
static int fakeds_time_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int fakeds_time_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int fakeds_time_parse_date(const char *s, char sep, long long *days)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != sep || s[7] != sep)
		return -1;
	if (fakeds_time_digits(s, 4, &y) < 0 || fakeds_time_digits(s + 5, 2, &m) < 0 ||
	    fakeds_time_digits(s + 8, 2, &d) < 0)
		return -1;
	if (y < FAKEDS_TIME_MIN_YEAR || y > FAKEDS_TIME_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > fakeds_time_month_days(y, m))
		return -1;
	*days = fakeds_time_days_from_civil(y, m, d);
	return 0;
}

/* Parses "YYYY-MM-DD?HH:MM:SS" (19 characters) into Bogotá-local seconds since the epoch. */
static int fakeds_time_parse_local(const char *s, char sep, long long *local)
{
	char date[11];
	long long days;
	int hh, mi, ss;

	if (strlen(s) < 19 || s[10] != sep || s[13] != ':' || s[16] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (fakeds_time_parse_date(date, '-', &days) < 0)
		return -1;
	if (fakeds_time_digits(s + 11, 2, &hh) < 0 || fakeds_time_digits(s + 14, 2, &mi) < 0 ||
	    fakeds_time_digits(s + 17, 2, &ss) < 0)
		return -1;
	if (hh > 23 || mi > 59 || ss > 59)
		return -1;
	*local = days * FAKEDS_TIME_DAY + hh * 3600 + mi * 60 + ss;
	return 0;
}

int fakeds_time_parse_iso(const char *s, long long *epoch)
{
	long long local;
	int oh, om;

	if (s[0] != '\0' && strlen(s) == 19 && s[10] == ' ') {
		if (fakeds_time_parse_local(s, ' ', &local) < 0)
			return -1;
		*epoch = local - FAKEDS_TIME_UTC_OFFSET;
		return 0;
	}
	if (fakeds_time_parse_local(s, 'T', &local) < 0)
		return -1;
	if (strcmp(s + 19, "Z") == 0) {
		*epoch = local;
		return 0;
	}
	if (strlen(s + 19) != 6 || (s[19] != '+' && s[19] != '-') || s[22] != ':')
		return -1;
	if (fakeds_time_digits(s + 20, 2, &oh) < 0 || fakeds_time_digits(s + 23, 2, &om) < 0)
		return -1;
	if (oh > 14 || om > 59)
		return -1;
	*epoch = local - (s[19] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	return 0;
}

int fakeds_time_parse_db(const char *s, long long *epoch, long *usec)
{
	long long local;
	const char *p = s + 19;
	long us = 0;
	int digits = 0;

	if (fakeds_time_parse_local(s, ' ', &local) < 0)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && digits < 6) {
			us = us * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (digits == 0)
			return -1;
		while (digits++ < 6)
			us *= 10;
	}
	if (strcmp(p, "-05") != 0)
		return -1;
	*epoch = local - FAKEDS_TIME_UTC_OFFSET;
	*usec = us;
	return 0;
}

/* Splits epoch into Bogotá calendar fields. */
static void fakeds_time_split(long long epoch, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
	long long local = epoch + FAKEDS_TIME_UTC_OFFSET;
	long long days = fakeds_time_floor_div(local, FAKEDS_TIME_DAY);
	long long secs = local - days * FAKEDS_TIME_DAY;

	fakeds_time_civil_from_days(days, y, mo, d);
	*h = (int)(secs / 3600);
	*mi = (int)(secs % 3600 / 60);
	*s = (int)(secs % 60);
}

void fakeds_time_format_iso(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;

	fakeds_time_split(epoch, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, FAKEDS_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d-05:00", y, mo, d, h, mi, s);
}

void fakeds_time_format_sql(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;

	fakeds_time_split(epoch, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, FAKEDS_TIME_LEN, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

void fakeds_time_format_db(long long epoch, long usec, char *out)
{
	size_t n;

	fakeds_time_format_sql(epoch, out);
	n = strlen(out);
	snprintf(out + n, FAKEDS_TIME_LEN - n, ".%06ld-05", usec);
}

void fakeds_time_format_fecharad(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;
	int h12;

	fakeds_time_split(epoch, &y, &mo, &d, &h, &mi, &s);
	h12 = h % 12 == 0 ? 12 : h % 12;
	snprintf(out, FAKEDS_TIME_LEN, "%02d-%02d-%04d %02d:%02d:%02d %s", d, mo, y, h12, mi, s,
		 h < 12 ? "AM" : "PM");
}
