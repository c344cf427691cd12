/* fakecmis_time.c -- civil-date arithmetic (no time zone database: Bogotá is a fixed UTC-5)
 * and the strict parsers and writers of the dates the simulated repository speaks. */
#include "fakecmis_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define FAKECMIS_TIME_DAY 86400LL

static long long fakecmis_time_floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

long long fakecmis_time_days_from_civil(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = fakecmis_time_floor_div(yy, 400);
	long long yoe = yy - era * 400;
	long long mp = (m + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void fakecmis_time_civil_from_days(long long days, int *y, int *m, int *d)
{
	long long z = days + 719468;
	long long era = fakecmis_time_floor_div(z, 146097);
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

int fakecmis_time_weekday(long long days)
{
	long long w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

long long fakecmis_time_local_day(long long epoch)
{
	return fakecmis_time_floor_div(epoch + FAKECMIS_TIME_UTC_OFFSET, FAKECMIS_TIME_DAY);
}

/* Reads exactly n decimal digits at s. Returns 0 or -1. */
static int fakecmis_time_digits(const char *s, int n, int *out)
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

static int fakecmis_time_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads "YYYY-MM-DD" at s (10 characters, not necessarily NUL-terminated there). */
static int fakecmis_time_date_at(const char *s, long long *days)
{
	int y, m, d;

	if (s[4] != '-' || s[7] != '-')
		return -1;
	if (fakecmis_time_digits(s, 4, &y) < 0 || fakecmis_time_digits(s + 5, 2, &m) < 0 ||
	    fakecmis_time_digits(s + 8, 2, &d) < 0)
		return -1;
	if (y < FAKECMIS_TIME_MIN_YEAR || y > FAKECMIS_TIME_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > fakecmis_time_month_days(y, m))
		return -1;
	*days = fakecmis_time_days_from_civil(y, m, d);
	return 0;
}

int fakecmis_time_parse_date(const char *s, long long *days)
{
	if (strlen(s) != 10)
		return -1;
	return fakecmis_time_date_at(s, days);
}

/* Parses "YYYY-MM-DD?HH:MM:SS" (the first 19 characters of s) into wall-clock seconds since
 * the epoch (no zone applied). */
static int fakecmis_time_parse_wall(const char *s, char sep, long long *wall)
{
	long long days;
	int hh, mi, ss;

	if (strnlen(s, 19) < 19 || s[10] != sep || s[13] != ':' || s[16] != ':')
		return -1;
	if (fakecmis_time_date_at(s, &days) < 0)
		return -1;
	if (fakecmis_time_digits(s + 11, 2, &hh) < 0 || fakecmis_time_digits(s + 14, 2, &mi) < 0 ||
	    fakecmis_time_digits(s + 17, 2, &ss) < 0)
		return -1;
	if (hh > 23 || mi > 59 || ss > 59)
		return -1;
	*wall = days * FAKECMIS_TIME_DAY + hh * 3600 + mi * 60 + ss;
	return 0;
}

/* Reads a zone designator that must end the text: "Z" or "+HH:MM"/"-HH:MM". Sets *offset to
 * the seconds to subtract from wall-clock time. Returns 0 or -1. */
static int fakecmis_time_zone(const char *z, long long *offset)
{
	int oh, om;

	if (strcmp(z, "Z") == 0) {
		*offset = 0;
		return 0;
	}
	if (strlen(z) != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':')
		return -1;
	if (fakecmis_time_digits(z + 1, 2, &oh) < 0 || fakecmis_time_digits(z + 4, 2, &om) < 0)
		return -1;
	if (oh > 14 || om > 59)
		return -1;
	*offset = (z[0] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
	return 0;
}

int fakecmis_time_parse_iso(const char *s, long long *epoch)
{
	long long wall, offset;

	if (strlen(s) == 19 && s[10] == ' ') {
		if (fakecmis_time_parse_wall(s, ' ', &wall) < 0)
			return -1;
		*epoch = wall - FAKECMIS_TIME_UTC_OFFSET;
		return 0;
	}
	if (fakecmis_time_parse_wall(s, 'T', &wall) < 0 || fakecmis_time_zone(s + 19, &offset) < 0)
		return -1;
	*epoch = wall - offset;
	return 0;
}

int fakecmis_time_parse_timestamp(const char *s, long long *ms)
{
	long long wall, offset;
	const char *p = s + 19;
	long frac = 0;
	int digits = 0;

	if (fakecmis_time_parse_wall(s, 'T', &wall) < 0)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (digits < 3)
				frac = frac * 10 + (*p - '0');
			digits++;
			p++;
		}
		if (digits == 0 || digits > 9)
			return -1;
		for (int i = digits; i < 3; i++)
			frac *= 10;
	}
	if (fakecmis_time_zone(p, &offset) < 0)
		return -1;
	*ms = (wall - offset) * 1000LL + frac;
	return 0;
}

/* Splits epoch into calendar fields of the zone offset (seconds east of UTC). */
static void fakecmis_time_split(long long epoch, long long offset, int *y, int *mo, int *d, int *h,
				int *mi, int *s)
{
	long long local = epoch + offset;
	long long days = fakecmis_time_floor_div(local, FAKECMIS_TIME_DAY);
	long long secs = local - days * FAKECMIS_TIME_DAY;

	fakecmis_time_civil_from_days(days, y, mo, d);
	*h = (int)(secs / 3600);
	*mi = (int)(secs % 3600 / 60);
	*s = (int)(secs % 60);
}

void fakecmis_time_format_iso(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;

	fakecmis_time_split(epoch, FAKECMIS_TIME_UTC_OFFSET, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, FAKECMIS_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d-05:00", y, mo, d, h, mi, s);
}

void fakecmis_time_format_extended(long long ms, char *out)
{
	long long secs = fakecmis_time_floor_div(ms, 1000);
	int y, mo, d, h, mi, s;

	fakecmis_time_split(secs, 0, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, FAKECMIS_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s,
		 (int)(ms - secs * 1000));
}

long long fakecmis_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000L;
}
