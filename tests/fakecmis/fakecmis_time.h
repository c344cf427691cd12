/* fakecmis_time.h -- calendar arithmetic and the dates the simulated CMIS repository reads and
 * writes: epoch milliseconds, ISO 8601 in Bogotá time, CMIS SQL TIMESTAMP literals. */
#ifndef FAKECMIS_TIME_H
#define FAKECMIS_TIME_H

#define FAKECMIS_TIME_UTC_OFFSET (-5 * 3600) /* America/Bogota: UTC-5, no daylight saving */
#define FAKECMIS_TIME_LEN 40		     /* room for any format below, NUL included */
#define FAKECMIS_TIME_MIN_YEAR 1900
#define FAKECMIS_TIME_MAX_YEAR 2999

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. Cannot fail. */
long long fakecmis_time_days_from_civil(int y, int m, int d);
void fakecmis_time_civil_from_days(long long days, int *y, int *m, int *d);
/* 0 = Sunday ... 6 = Saturday. */
int fakecmis_time_weekday(long long days);
/* Days since the epoch of the Bogotá calendar day holding epoch (seconds). */
long long fakecmis_time_local_day(long long epoch);

/* Parses exactly "YYYY-MM-DD" (a real date) into days since the epoch. Returns 0 or -1. */
int fakecmis_time_parse_date(const char *s, long long *days);
/* Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM", or "YYYY-MM-DD HH:MM:SS"
 * (Bogotá time), into epoch seconds. Returns 0 or -1. */
int fakecmis_time_parse_iso(const char *s, long long *epoch);
/* Parses a CMIS SQL TIMESTAMP literal's text, "YYYY-MM-DDTHH:MM:SS[.f...]" followed by "Z" or
 * "+HH:MM"/"-HH:MM" (the zone is required; fractions past milliseconds are dropped), into epoch
 * milliseconds. Returns 0 or -1. */
int fakecmis_time_parse_timestamp(const char *s, long long *ms);

/* Writers; out holds at least FAKECMIS_TIME_LEN bytes. */
void fakecmis_time_format_iso(long long epoch, char *out);   /* 2024-05-02T09:14:07-05:00 */
void fakecmis_time_format_extended(long long ms, char *out); /* 2024-05-02T14:14:07.000Z */

/* Milliseconds since the epoch, now (the real clock). */
long long fakecmis_time_now_ms(void);

#endif
