/* fakecmis_time.c -- the repository's own date forms (TIMESTAMP literals, epoch milliseconds)
 * on top of the simulators' shared calendar arithmetic. */
#include "fakecmis_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int fakecmis_time_parse_timestamp(const char *s, long long *ms)
{
	long long wall, offset;
	const char *p = s + 19;
	long frac = 0;
	int digits = 0;

	if (sim_time_parse_wall(s, 'T', &wall) < 0)
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
	if (sim_time_parse_zone(p, &offset) < 0)
		return -1;
	*ms = (wall - offset) * 1000LL + frac;
	return 0;
}

void fakecmis_time_format_extended(long long ms, char *out)
{
	long long secs = sim_time_floor_div(ms, 1000);
	int y, mo, d, h, mi, s;

	sim_time_split(secs, 0, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, SIM_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s,
		 (int)(ms - secs * 1000));
}

long long fakecmis_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000L;
}
