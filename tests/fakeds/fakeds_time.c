/* fakeds_time.c -- the document system's own date formats (the database timestamp, FECHARAD)
 * on top of the simulators' shared calendar arithmetic. */
#include "fakeds_time.h"

#include <stdio.h>
#include <string.h>

int fakeds_time_parse_db(const char *s, long long *epoch, long *usec)
{
	long long local;
	const char *p = s + 19;
	long us = 0;
	int digits = 0;

	if (sim_time_parse_wall(s, ' ', &local) < 0)
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
	*epoch = local - SIM_TIME_UTC_OFFSET;
	*usec = us;
	return 0;
}

void fakeds_time_format_sql(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;

	sim_time_split(epoch, SIM_TIME_UTC_OFFSET, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, SIM_TIME_LEN, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

void fakeds_time_format_db(long long epoch, long usec, char *out)
{
	size_t n;

	fakeds_time_format_sql(epoch, out);
	n = strlen(out);
	snprintf(out + n, SIM_TIME_LEN - n, ".%06ld-05", usec);
}

void fakeds_time_format_fecharad(long long epoch, char *out)
{
	int y, mo, d, h, mi, s;
	int h12;

	sim_time_split(epoch, SIM_TIME_UTC_OFFSET, &y, &mo, &d, &h, &mi, &s);
	h12 = h % 12 == 0 ? 12 : h % 12;
	snprintf(out, SIM_TIME_LEN, "%02d-%02d-%04d %02d:%02d:%02d %s", d, mo, y, h12, mi, s,
		 h < 12 ? "AM" : "PM");
}
