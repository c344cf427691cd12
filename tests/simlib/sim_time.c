/* sim_time.c -- civil-date arithmetic and the ISO 8601 readers and writers shared by the
 * simulators (Bogotá is a fixed UTC-5). */
#include "sim_time.h"

#include <stdio.h>
#include <string.h>

long long sim_time_floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

long long sim_time_days_from_civil(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = sim_time_floor_div(yy, 400);
	long long yoe = yy - era * 400;
	long long mp = (m + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void sim_time_civil_from_days(long long days, int *y, int *m, int *d)
{
	long long z = days + 719468;
	long long era = sim_time_floor_div(z, 146097);
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

int sim_time_weekday(long long days)
{
	long long w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

long long sim_time_local_day(long long epoch)
{
	return sim_time_floor_div(epoch + SIM_TIME_UTC_OFFSET, SIM_TIME_DAY);
}

int sim_time_digits(const char *s, int n, int *out)
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

static int sim_time_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads "YYYY<sep>MM<sep>DD" at s (10 characters, not necessarily NUL-terminated there). */
static int sim_time_date_at(const char *s, char sep, long long *days)
{
	int y, m, d;

	if (s[4] != sep || s[7] != sep)
		return -1;
	if (sim_time_digits(s, 4, &y) < 0 || sim_time_digits(s + 5, 2, &m) < 0 ||
	    sim_time_digits(s + 8, 2, &d) < 0)
		return -1;
	if (y < SIM_TIME_MIN_YEAR || y > SIM_TIME_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > sim_time_month_days(y, m))
		return -1;
	*days = sim_time_days_from_civil(y, m, d);
	return 0;
}

int sim_time_parse_date(const char *s, char sep, long long *days)
{
	if (strlen(s) != 10)
		return -1;
	return sim_time_date_at(s, sep, days);
}

int sim_time_parse_wall(const char *s, char sep, long long *wall)
{
	long long days;
	int hh, mi, ss;

	if (strnlen(s, 19) < 19 || s[10] != sep || s[13] != ':' || s[16] != ':')
		return -1;
	if (sim_time_date_at(s, '-', &days) < 0)
		return -1;
	if (sim_time_digits(s + 11, 2, &hh) < 0 || sim_time_digits(s + 14, 2, &mi) < 0 ||
	    sim_time_digits(s + 17, 2, &ss) < 0)
		return -1;
	if (hh > 23 || mi > 59 || ss > 59)
		return -1;
	*wall = days * SIM_TIME_DAY + hh * 3600 + mi * 60 + ss;
	return 0;
}

int sim_time_parse_zone(const char *z, long long *offset)
{
	int oh, om;

	if (strcmp(z, "Z") == 0) {
		*offset = 0;
		return 0;
	}
	if (strlen(z) != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':')
		return -1;
	if (sim_time_digits(z + 1, 2, &oh) < 0 || sim_time_digits(z + 4, 2, &om) < 0)
		return -1;
	if (oh > 14 || om > 59)
		return -1;
	*offset = (z[0] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
	return 0;
}

int sim_time_parse_iso(const char *s, long long *epoch)
{
	long long wall, offset;

	if (strlen(s) == 19 && s[10] == ' ') {
		if (sim_time_parse_wall(s, ' ', &wall) < 0)
			return -1;
		*epoch = wall - SIM_TIME_UTC_OFFSET;
		return 0;
	}
	if (sim_time_parse_wall(s, 'T', &wall) < 0 || sim_time_parse_zone(s + 19, &offset) < 0)
		return -1;
	*epoch = wall - offset;
	return 0;
}

void sim_time_split(long long epoch, long long offset, int *y, int *mo, int *d, int *h, int *mi,
		    int *s)
{
	long long local = epoch + offset;
	long long days = sim_time_floor_div(local, SIM_TIME_DAY);
	long long secs = local - days * SIM_TIME_DAY;

	sim_time_civil_from_days(days, y, mo, d);
	*h = (int)(secs / 3600);
	*mi = (int)(secs % 3600 / 60);
	*s = (int)(secs % 60);
}

void sim_time_format_iso(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;

	sim_time_split(epoch, SIM_TIME_UTC_OFFSET, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, SIM_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d-05:00", y, mo, d, h, mi, s);
}
