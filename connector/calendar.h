/* calendar.h -- Colombian business days: Ley 51 de 1983 holidays (Easter by Meeus/Butcher),
 * the office's extra non-working days and its closing time; dates are days since 1970-01-01. */
#ifndef SEGCONT_CALENDAR_H
#define SEGCONT_CALENDAR_H

#include <stddef.h>

/*
 * Conventions, shared by every function below.
 *
 * Business day: Monday to Friday, not a public holiday, not one of the office's extra
 * non-working days. Years CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR (Ley 51 de 1983 onwards).
 *
 * Instants: a plain date "YYYY-MM-DD" (the start of that day) or an ISO 8601 timestamp
 * "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM|+HHMM|-HHMM|+HH|-HH]" ('T' or one space between
 * date and time). A timestamp with an offset is converted to Bogotá time (UTC-5, no daylight
 * saving) before its day is taken: "2024-05-03T02:00:00Z" is 2024-05-02 21:00 in Bogotá. A
 * timestamp without an offset is read as Bogotá time already.
 *
 * Effective start of an instant: the business day from which it counts. It is the instant's
 * Bogotá day when that day is a business day and the instant is before the closing time
 * (a plain date is always before it); otherwise the next business day. With closing at 16:30:
 *   2024-05-02T16:29:59-05:00 (Thursday) -> 2024-05-02
 *   2024-05-02T16:30:00-05:00 (Thursday) -> 2024-05-03
 *   2024-05-04 (Saturday)                -> 2024-05-06
 *
 * Adding n business days: day 0 is the effective start; counting starts the next day, so the
 * result is the n-th business day after the effective start (n = 0: the effective start).
 *   2025-06-26 + 3 -> 2025-07-02   (Fri 27 = 1, Mon 30 holiday, Tue 1 = 2, Wed 2 = 3)
 *   2025-06-28 + 1 -> 2025-07-02   (Saturday: day 0 is Tue 07-01)
 *
 * Business days between two instants: the number of business days d with
 * effective_start(from) < d <= bogota_day(to). The end's time of day does not matter (an
 * answer at 20:00 counts on its day). An end on or before the effective start gives 0.
 *   from 2024-03-27 (Wednesday) to 2024-04-01 (Monday; Thu 28 and Fri 29 are holidays) -> 1
 *   from 2024-05-02T17:00:00-05:00 to 2024-05-03T08:00:00-05:00 -> 0
 * For every instant S and n >= 0 with a result:
 *   business_days_between(S, add_business_days(S, n)) == n.
 *
 * Every function is safe to call from several threads on one calendar: after calendar_new
 * nothing in it changes, and queries allocate nothing.
 */

#define CALENDAR_MIN_YEAR 1984
#define CALENDAR_MAX_YEAR 9999
#define CALENDAR_DATE_LEN 11 /* "YYYY-MM-DD" and its NUL */
#define CALENDAR_NAME_LEN 128
#define CALENDAR_MAX_HOLIDAYS 18 /* public holiday rules per year */
#define CALENDAR_MINUTES_PER_DAY 1440
#define CALENDAR_EXTRA_DAY_NAME "Día no hábil de la oficina"

struct calendar;

/* One day off: its date and its Spanish name; holidays that share a date appear once,
 * their names joined with " / " ("Sagrado Corazón de Jesús / San Pedro y San Pablo"). */
struct calendar_holiday {
	char date[CALENDAR_DATE_LEN];
	char name[CALENDAR_NAME_LEN];
};

/* Creates a calendar. closing_minutes is the closing time in minutes after midnight (990 for
 * 16:30); 0 or negative means no cut. extra holds n_extra "YYYY-MM-DD" dates in
 * CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR that are not business days (extra may be NULL when
 * n_extra is 0; duplicates, weekends and holidays among them are harmless). Returns a new
 * calendar that the caller frees with calendar_free, or NULL with a message in err (size
 * errlen; err may be NULL) for an invalid date or a closing time of 24:00 or later. */
struct calendar *calendar_new(int closing_minutes, const char (*extra)[CALENDAR_DATE_LEN],
			      size_t n_extra, char *err, size_t errlen);

/* Frees a calendar; NULL is allowed. */
void calendar_free(struct calendar *c);

/* Strict "YYYY-MM-DD": exactly ten characters, a real Gregorian date in years 0001..9999
 * (2024-02-29 is valid, 2025-02-29 is not). Note that a year before CALENDAR_MIN_YEAR passes
 * here: the business-day functions below refuse it. Returns 0 and fills y, m, d, or -1 (then
 * they are untouched). */
int calendar_parse_date(const char *s, int *y, int *m, int *d);

/* An instant's Bogotá wall-clock time; has_time is 0 for a plain date (then hh, mi, ss are 0). */
struct calendar_local {
	int y, m, d, hh, mi, ss;
	int has_time;
};

/* Parses an instant in the forms the business-day functions below take (a date, or a date and
 * time with an optional offset, none meaning Bogotá) into Bogotá local time, in years
 * CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR. Returns 0, or -1 (then *out is zeroed). */
int calendar_local_time(const char *iso, struct calendar_local *out);

/* Public holidays of year (Ley 51 de 1983), distinct dates in ascending order, a holiday on a
 * weekend included (2024-12-08, a Sunday, is listed). Writes at most max entries to out (out
 * may be NULL when max is 0) and returns how many the year has (17 or 18), or -1 when year is
 * outside CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR. */
int calendar_holidays(int year, struct calendar_holiday *out, size_t max);

/* Like calendar_holidays, plus the calendar's extra non-working days of that year that are not
 * public holidays, named CALENDAR_EXTRA_DAY_NAME, merged in date order. Writes at most max
 * entries and returns how many there are, or -1 for a year out of range. */
int calendar_days_off(const struct calendar *c, int year, struct calendar_holiday *out, size_t max);

/* Returns 1 when y-m-d is a business day, 0 when it is not (weekend, public holiday or extra
 * non-working day), -1 when it is not a real date in CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR. */
int calendar_is_business_day(const struct calendar *c, int y, int m, int d);

/* Writes to out the business day from which the instant iso counts (see the conventions
 * above). Returns 0, or -1 on a malformed instant, a day out of range, or no business day
 * left before the end of CALENDAR_MAX_YEAR (then out is untouched). */
int calendar_effective_start(const struct calendar *c, const char *iso,
			     char out[CALENDAR_DATE_LEN]);

/* Writes to out the n-th business day after the effective start of start_iso (a plain date or a
 * timestamp; day 0 is the effective start, see above). Returns 0, or -1 on a malformed or
 * out-of-range start, n < 0, or a result after the end of CALENDAR_MAX_YEAR (then out is
 * untouched). */
int calendar_add_business_days(const struct calendar *c, const char *start_iso, long n,
			       char out[CALENDAR_DATE_LEN]);

/* Returns the business days elapsed from the instant from_iso to the instant to_iso: the count
 * of business days d with effective_start(from_iso) < d <= bogota_day(to_iso), 0 when to_iso's
 * day is on or before that start; -1 when either instant is malformed or out of range.
 * Allocates nothing; cost grows with the logarithm of the configured days. */
long calendar_business_days_between(const struct calendar *c, const char *from_iso,
				    const char *to_iso);

/* Returns the number of business days in year (2024: 246 without extra days), or -1 when year
 * is outside CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR. */
long calendar_business_days_in_year(const struct calendar *c, int year);

#endif
