/* fakecmis_time.h -- the dates only the simulated CMIS repository reads and writes: epoch
 * milliseconds, CMIS SQL TIMESTAMP literals (the shared arithmetic is in sim_time.h). */
#ifndef FAKECMIS_TIME_H
#define FAKECMIS_TIME_H

#include "sim_time.h"

/* Parses a CMIS SQL TIMESTAMP literal's text, "YYYY-MM-DDTHH:MM:SS[.f...]" followed by "Z" or
 * "+HH:MM"/"-HH:MM" (the zone is required; fractions past milliseconds are dropped), into epoch
 * milliseconds. Returns 0 or -1. */
int fakecmis_time_parse_timestamp(const char *s, long long *ms);

/* Writes 2024-05-02T14:14:07.000Z; out holds at least SIM_TIME_LEN bytes. */
void fakecmis_time_format_extended(long long ms, char *out);

/* Milliseconds since the epoch, now (the real clock). */
long long fakecmis_time_now_ms(void);

#endif
