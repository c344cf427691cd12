/* sim_time.h -- calendar arithmetic shared by the simulators (no time zone database: Bogotá is
 * a fixed UTC-5) and the strict readers and writers of the ISO 8601 dates both speak. */
#ifndef SIM_TIME_H
#define SIM_TIME_H

#define SIM_TIME_UTC_OFFSET (-5 * 3600) /* America/Bogota: UTC-5, no daylight saving */
#define SIM_TIME_LEN 40			/* room for any format the simulators write, NUL included */
#define SIM_TIME_MIN_YEAR 1900
#define SIM_TIME_MAX_YEAR 2999
#define SIM_TIME_DAY 86400LL

/* a / b rounded towards minus infinity (b > 0). Cannot fail. */
long long sim_time_floor_div(long long a, long long b);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. Cannot fail. */
long long sim_time_days_from_civil(int y, int m, int d);
void sim_time_civil_from_days(long long days, int *y, int *m, int *d);
/* 0 = Sunday ... 6 = Saturday. */
int sim_time_weekday(long long days);
/* Days since the epoch of the Bogotá calendar day holding epoch (seconds). */
long long sim_time_local_day(long long epoch);

/* Reads exactly n decimal digits at s into *out. Returns 0 or -1. */
int sim_time_digits(const char *s, int n, int *out);
/* Parses exactly "YYYY<sep>MM<sep>DD" (a real calendar date) into days since the epoch.
 * Returns 0, or -1 on any other text. */
int sim_time_parse_date(const char *s, char sep, long long *days);
/* Parses "YYYY-MM-DD<sep>HH:MM:SS" (the first 19 characters of s) into wall-clock seconds
 * since the epoch (no zone applied). Returns 0 or -1. */
int sim_time_parse_wall(const char *s, char sep, long long *wall);
/* Reads a zone designator that must end the text: "Z" or "+HH:MM"/"-HH:MM". Sets *offset to
 * the seconds to subtract from wall-clock time. Returns 0 or -1. */
int sim_time_parse_zone(const char *z, long long *offset);
/* Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM", or
 * "YYYY-MM-DD HH:MM:SS" (Bogotá time), into epoch seconds. Returns 0 or -1. */
int sim_time_parse_iso(const char *s, long long *epoch);

/* Splits epoch into the calendar fields of the zone offset (seconds east of UTC). */
void sim_time_split(long long epoch, long long offset, int *y, int *mo, int *d, int *h, int *mi,
		    int *s);
/* Writes 2024-05-02T09:14:07-05:00 (Bogotá time); out holds at least SIM_TIME_LEN bytes. */
void sim_time_format_iso(long long epoch, char *out);

#endif
