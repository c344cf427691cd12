/* fakeds_time.h -- the date formats only the simulated document system writes: the database
 * timestamp and Orfeo's FECHARAD, in Bogotá time (the shared arithmetic is in sim_time.h). */
#ifndef FAKEDS_TIME_H
#define FAKEDS_TIME_H

#include "sim_time.h"

/* Parses a database timestamp "YYYY-MM-DD HH:MM:SS[.ffffff]-05" into epoch seconds and
 * microseconds. Returns 0 or -1. */
int fakeds_time_parse_db(const char *s, long long *epoch, long *usec);

/* Writers; out holds at least SIM_TIME_LEN bytes. */
void fakeds_time_format_db(long long epoch, long usec,
			   char *out);			      /* 2024-05-02 16:51:40.318274-05 */
void fakeds_time_format_sql(long long epoch, char *out);      /* 2024-05-02 16:51:40 */
void fakeds_time_format_fecharad(long long epoch, char *out); /* 02-05-2024 04:51:40 PM */

#endif
