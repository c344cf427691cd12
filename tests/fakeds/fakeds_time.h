/* fakeds_time.h -- calendar arithmetic and the date formats of the simulated document
 * system: ISO 8601, the database timestamp and Orfeo's FECHARAD, all in Bogotá time. */
#ifndef FAKEDS_TIME_H
#define FAKEDS_TIME_H

#define FAKEDS_TIME_UTC_OFFSET (-5 * 3600) /* America/Bogota: UTC-5, no daylight saving */
#define FAKEDS_TIME_LEN 40		   /* room for any format below, NUL included */
#define FAKEDS_TIME_MIN_YEAR 1900
#define FAKEDS_TIME_MAX_YEAR 2999

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. Cannot fail. */
long long fakeds_time_days_from_civil(int y, int m, int d);
void fakeds_time_civil_from_days(long long days, int *y, int *m, int *d);
/* 0 = Sunday ... 6 = Saturday. */
int fakeds_time_weekday(long long days);
/* Days since the epoch of the Bogotá calendar day holding epoch. */
long long fakeds_time_local_day(long long epoch);

/* Parses exactly "YYYY<sep>MM<sep>DD" (a real calendar date) into days since the epoch.
 * Returns 0, or -1 on any other text. */
int fakeds_time_parse_date(const char *s, char sep, long long *days);
/* Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM", or
 * "YYYY-MM-DD HH:MM:SS" (Bogotá time), into epoch seconds. Returns 0 or -1. */
int fakeds_time_parse_iso(const char *s, long long *epoch);
/* Parses a database timestamp "YYYY-MM-DD HH:MM:SS[.ffffff]-05" into epoch seconds and
 * microseconds. Returns 0 or -1. */
int fakeds_time_parse_db(const char *s, long long *epoch, long *usec);

/* Writers; out holds at least FAKEDS_TIME_LEN bytes. */
void fakeds_time_format_iso(long long epoch, char *out); /* 2024-05-02T09:14:07-05:00 */
void fakeds_time_format_db(long long epoch, long usec,
			   char *out);			      /* 2024-05-02 16:51:40.318274-05 */
void fakeds_time_format_sql(long long epoch, char *out);      /* 2024-05-02 16:51:40 */
void fakeds_time_format_fecharad(long long epoch, char *out); /* 02-05-2024 04:51:40 PM */

#endif
