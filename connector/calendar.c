/* calendar.c -- Colombian business days: holidays of Ley 51 de 1983, office days off and
 * closing time, on day numbers (days since 1970-01-01, Hinnant's days-from-civil). */
#include "calendar.h"

#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The public holidays of CALENDAR_MIN_YEAR..CALENDAR_CACHE_LAST_YEAR are computed once by
 * calendar_new; a later year's are computed on the stack when a query needs its dates, and
 * spans of whole later years are counted from a per-year table. */
#define CALENDAR_CACHE_LAST_YEAR 2199
#define CALENDAR_YEARS (CALENDAR_MAX_YEAR - CALENDAR_MIN_YEAR + 1)
#define CALENDAR_SECONDS_PER_DAY 86400L
#define CALENDAR_BOGOTA_OFFSET_SECONDS (-5L * 3600L) /* UTC-5, no daylight saving */
#define CALENDAR_DAYS_PER_WEEK 7
#define CALENDAR_WORKDAYS_PER_WEEK 5
#define CALENDAR_FIRST_MONDAY 4 /* 1970-01-05, day number 4 */
#define CALENDAR_MAX_FRACTION_DIGITS 9
#define CALENDAR_NAME_SEPARATOR " / "
#define CALENDAR_ERR_VALUE_LEN 64

struct calendar {
	long closing_seconds; /* seconds after midnight; 0 means no cut */
	long *extras;	      /* every configured extra day, sorted, distinct */
	size_t n_extras;
	long *off; /* weekday days off: public holidays of the cached years, plus extra days on a
		    * weekday that are not public holidays (any year); sorted, distinct */
	size_t n_off;
	/* year_prefix[k]: public holidays on a weekday in the years before CALENDAR_MIN_YEAR + k */
	long year_prefix[CALENDAR_YEARS + 1];
};

/* How a rule places its holiday in the year. */
enum calendar_rule_kind {
	CALENDAR_FIXED,	      /* on its date */
	CALENDAR_NEXT_MONDAY, /* on its date when a Monday, else the following Monday */
	CALENDAR_EASTER	      /* Easter Sunday plus an offset in days */
};

struct calendar_rule {
	enum calendar_rule_kind kind;
	int month; /* FIXED, NEXT_MONDAY */
	int day;   /* FIXED, NEXT_MONDAY; the offset from Easter Sunday for EASTER */
	const char *name;
};

/* Ley 51 de 1983, in the order names are joined when two holidays share a date. */
static const struct calendar_rule calendar_rules[CALENDAR_MAX_HOLIDAYS] = {
    {CALENDAR_FIXED, 1, 1, "Año Nuevo"},
    {CALENDAR_NEXT_MONDAY, 1, 6, "Día de los Reyes Magos"},
    {CALENDAR_NEXT_MONDAY, 3, 19, "Día de San José"},
    {CALENDAR_EASTER, 0, -3, "Jueves Santo"},
    {CALENDAR_EASTER, 0, -2, "Viernes Santo"},
    {CALENDAR_FIXED, 5, 1, "Día del Trabajo"},
    {CALENDAR_EASTER, 0, 43, "Ascensión del Señor"},	  /* Thursday +39, moved to Monday */
    {CALENDAR_EASTER, 0, 64, "Corpus Christi"},		  /* Thursday +60, moved to Monday */
    {CALENDAR_EASTER, 0, 71, "Sagrado Corazón de Jesús"}, /* Friday +68, moved to Monday */
    {CALENDAR_NEXT_MONDAY, 6, 29, "San Pedro y San Pablo"},
    {CALENDAR_FIXED, 7, 20, "Día de la Independencia"},
    {CALENDAR_FIXED, 8, 7, "Batalla de Boyacá"},
    {CALENDAR_NEXT_MONDAY, 8, 15, "La Asunción de la Virgen"},
    {CALENDAR_NEXT_MONDAY, 10, 12, "Día de la Raza"},
    {CALENDAR_NEXT_MONDAY, 11, 1, "Todos los Santos"},
    {CALENDAR_NEXT_MONDAY, 11, 11, "Independencia de Cartagena"},
    {CALENDAR_FIXED, 12, 8, "Inmaculada Concepción"},
    {CALENDAR_FIXED, 12, 25, "Navidad"},
};

/* Day number of a civil date (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
static long calendar_days_from_civil(int y, int m, int d)
{
	long yy = (long)y - (m <= 2 ? 1 : 0);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* Civil date of a day number (the inverse of calendar_days_from_civil). */
static void calendar_civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

static int calendar_year_of(long day)
{
	int y, m, d;

	calendar_civil_from_days(day, &y, &m, &d);
	return y;
}

/* 0 = Monday ... 6 = Sunday. */
static int calendar_weekday(long day)
{
	long r = (day - CALENDAR_FIRST_MONDAY) % CALENDAR_DAYS_PER_WEEK;

	return (int)(r < 0 ? r + CALENDAR_DAYS_PER_WEEK : r);
}

static int calendar_is_weekday(long day)
{
	return calendar_weekday(day) < CALENDAR_WORKDAYS_PER_WEEK;
}

/* Mondays to Fridays in (a, b], a <= b; day numbers from 1970-01-05 on. */
static long calendar_weekdays_between(long a, long b)
{
	long ta = a - CALENDAR_FIRST_MONDAY + 1;
	long tb = b - CALENDAR_FIRST_MONDAY + 1;
	long ca, cb, ra, rb;

	ra = ta % CALENDAR_DAYS_PER_WEEK;
	rb = tb % CALENDAR_DAYS_PER_WEEK;
	ca = ta / CALENDAR_DAYS_PER_WEEK * CALENDAR_WORKDAYS_PER_WEEK +
	     (ra < CALENDAR_WORKDAYS_PER_WEEK ? ra : CALENDAR_WORKDAYS_PER_WEEK);
	cb = tb / CALENDAR_DAYS_PER_WEEK * CALENDAR_WORKDAYS_PER_WEEK +
	     (rb < CALENDAR_WORKDAYS_PER_WEEK ? rb : CALENDAR_WORKDAYS_PER_WEEK);
	return cb - ca;
}

static long calendar_min_day(void)
{
	return calendar_days_from_civil(CALENDAR_MIN_YEAR, 1, 1);
}

static long calendar_max_day(void)
{
	return calendar_days_from_civil(CALENDAR_MAX_YEAR, 12, 31);
}

static int calendar_day_in_range(long day)
{
	return day >= calendar_min_day() && day <= calendar_max_day();
}

/* Writes day (in range) as "YYYY-MM-DD". */
static void calendar_format_day(long day, char out[CALENDAR_DATE_LEN])
{
	int y, m, d;

	calendar_civil_from_days(day, &y, &m, &d);
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* Easter Sunday of a Gregorian year (the anonymous algorithm, Meeus/Butcher). */
static long calendar_easter(int year)
{
	int a = year % 19;
	int b = year / 100;
	int c = year % 100;
	int d = b / 4;
	int e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4;
	int k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return calendar_days_from_civil(year, month, day);
}

/* Fills days[i] with the date of calendar_rules[i] in year (unsorted, maybe repeated). */
static void calendar_rule_days(int year, long days[CALENDAR_MAX_HOLIDAYS])
{
	long easter = calendar_easter(year);

	for (int i = 0; i < CALENDAR_MAX_HOLIDAYS; i++) {
		const struct calendar_rule *r = &calendar_rules[i];
		long day;

		switch (r->kind) {
		case CALENDAR_FIXED:
			day = calendar_days_from_civil(year, r->month, r->day);
			break;
		case CALENDAR_NEXT_MONDAY:
			day = calendar_days_from_civil(year, r->month, r->day);
			day += (CALENDAR_DAYS_PER_WEEK - calendar_weekday(day)) %
			       CALENDAR_DAYS_PER_WEEK;
			break;
		default:
			day = easter + r->day;
			break;
		}
		days[i] = day;
	}
}

/* Sorts rule indexes by date, the rule order breaking ties (insertion sort: 18 items). */
static void calendar_sort_rules(const long days[CALENDAR_MAX_HOLIDAYS],
				int order[CALENDAR_MAX_HOLIDAYS])
{
	for (int i = 0; i < CALENDAR_MAX_HOLIDAYS; i++) {
		order[i] = i;
		for (int j = i; j > 0 && days[order[j - 1]] > days[order[j]]; j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
}

/* Writes the distinct public holidays of year that fall on a weekday, ascending, to out.
 * Returns how many. */
static int calendar_weekday_holidays(int year, long out[CALENDAR_MAX_HOLIDAYS])
{
	long days[CALENDAR_MAX_HOLIDAYS];
	int order[CALENDAR_MAX_HOLIDAYS];
	int n = 0;

	calendar_rule_days(year, days);
	calendar_sort_rules(days, order);
	for (int i = 0; i < CALENDAR_MAX_HOLIDAYS; i++) {
		long day = days[order[i]];

		if (!calendar_is_weekday(day))
			continue;
		if (n > 0 && out[n - 1] == day)
			continue;
		out[n++] = day;
	}
	return n;
}

static int calendar_is_public_holiday(long day)
{
	long days[CALENDAR_MAX_HOLIDAYS];

	calendar_rule_days(calendar_year_of(day), days);
	for (int i = 0; i < CALENDAR_MAX_HOLIDAYS; i++) {
		if (days[i] == day)
			return 1;
	}
	return 0;
}

static int calendar_is_cached_year(int year)
{
	return year >= CALENDAR_MIN_YEAR && year <= CALENDAR_CACHE_LAST_YEAR;
}

/* Number of elements of the sorted array v that are <= x. */
static size_t calendar_upper_bound(const long *v, size_t n, long x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Number of elements of the sorted array v in (a, b]. */
static long calendar_count_in(const long *v, size_t n, long a, long b)
{
	if (b <= a)
		return 0;
	return (long)(calendar_upper_bound(v, n, b) - calendar_upper_bound(v, n, a));
}

static int calendar_contains(const long *v, size_t n, long x)
{
	size_t i = calendar_upper_bound(v, n, x);

	return i > 0 && v[i - 1] == x;
}

/* Public holidays on a weekday in (a, b] that fall in a year after the cached ones. */
static long calendar_uncached_off(const struct calendar *c, long a, long b)
{
	long hol[CALENDAR_MAX_HOLIDAYS];
	int first = calendar_year_of(a + 1);
	int last = calendar_year_of(b);
	long count;
	int n;

	if (first <= CALENDAR_CACHE_LAST_YEAR)
		first = CALENDAR_CACHE_LAST_YEAR + 1;
	if (first > last)
		return 0;
	n = calendar_weekday_holidays(first, hol);
	count = calendar_count_in(hol, (size_t)n, a, b);
	if (last > first) {
		n = calendar_weekday_holidays(last, hol);
		count += calendar_count_in(hol, (size_t)n, a, b);
		count += c->year_prefix[last - CALENDAR_MIN_YEAR] -
			 c->year_prefix[first + 1 - CALENDAR_MIN_YEAR];
	}
	return count;
}

/* Weekdays in (a, b] that are not business days; a and b in range or a the day before it. */
static long calendar_off_between(const struct calendar *c, long a, long b)
{
	if (b <= a)
		return 0;
	return calendar_count_in(c->off, c->n_off, a, b) + calendar_uncached_off(c, a, b);
}

/* Business days in (a, b]; 0 when b <= a. */
static long calendar_count_business(const struct calendar *c, long a, long b)
{
	if (b <= a)
		return 0;
	return calendar_weekdays_between(a, b) - calendar_off_between(c, a, b);
}

static int calendar_day_is_business(const struct calendar *c, long day)
{
	if (!calendar_is_weekday(day))
		return 0;
	if (calendar_contains(c->off, c->n_off, day))
		return 0;
	if (!calendar_is_cached_year(calendar_year_of(day)) && calendar_is_public_holiday(day))
		return 0;
	return 1;
}

/* The first business day after day, or -1 when none is left in range. */
static long calendar_next_business(const struct calendar *c, long day)
{
	long max = calendar_max_day();

	for (day++; day <= max; day++) {
		if (calendar_day_is_business(c, day))
			return day;
	}
	return -1;
}

static int calendar_cmp_long(const void *pa, const void *pb)
{
	long a = *(const long *)pa;
	long b = *(const long *)pb;

	return (a > b) - (a < b);
}

/* Sorts v and removes repeated values; returns the new length. */
static size_t calendar_sort_unique(long *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), calendar_cmp_long);
	for (size_t i = 1; i < n; i++) {
		if (v[i] != v[k])
			v[++k] = v[i];
	}
	return k + 1;
}

/* Reads exactly n decimal digits at s into *out; returns 0 or -1. */
static int calendar_digits(const char *s, int n, int *out)
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

static int calendar_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Parses the ten characters "YYYY-MM-DD" at s (what follows is not looked at). */
static int calendar_parse_date_prefix(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	for (int i = 0; i < 10; i++) {
		if (s[i] == '\0')
			return -1;
	}
	if (s[4] != '-' || s[7] != '-')
		return -1;
	if (calendar_digits(s, 4, &yy) < 0 || calendar_digits(s + 5, 2, &mm) < 0 ||
	    calendar_digits(s + 8, 2, &dd) < 0)
		return -1;
	if (yy < 1 || mm < 1 || mm > 12 || dd < 1 || dd > calendar_days_in_month(yy, mm))
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

int calendar_parse_date(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (s == NULL || calendar_parse_date_prefix(s, &yy, &mm, &dd) < 0 || s[10] != '\0')
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

/* Parses a UTC offset ("Z", "+HH:MM", "-HHMM", "+HH") that ends the string; returns 0 and the
 * offset in seconds east of UTC, or -1. */
static int calendar_parse_offset(const char *s, long *out)
{
	int sign, hh, mm = 0;
	size_t len = strlen(s);

	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		*out = 0;
		return 0;
	}
	if (s[0] != '+' && s[0] != '-')
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	if (len == 3) {
		if (calendar_digits(s + 1, 2, &hh) < 0)
			return -1;
	} else if (len == 5) {
		if (calendar_digits(s + 1, 2, &hh) < 0 || calendar_digits(s + 3, 2, &mm) < 0)
			return -1;
	} else if (len == 6 && s[3] == ':') {
		if (calendar_digits(s + 1, 2, &hh) < 0 || calendar_digits(s + 4, 2, &mm) < 0)
			return -1;
	} else {
		return -1;
	}
	if (hh > 23 || mm > 59)
		return -1;
	*out = sign * (hh * 3600L + mm * 60L);
	return 0;
}

/* Parses an instant (see calendar.h) into its Bogotá day number and seconds after that day's
 * midnight; *has_time is 0 for a plain date (then *seconds is 0). The day is checked against
 * the calendar's years. Returns 0 or -1. */
static int calendar_parse_instant(const char *s, long *day, long *seconds, int *has_time)
{
	int y, m, d, hh, mi, ss = 0;
	long long t;
	long offset;
	const char *p;

	if (s == NULL || calendar_parse_date_prefix(s, &y, &m, &d) < 0)
		return -1;
	if (s[10] == '\0') {
		*has_time = 0;
		*seconds = 0;
		*day = calendar_days_from_civil(y, m, d);
		return calendar_day_in_range(*day) ? 0 : -1;
	}
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	p = s + 11;
	if (calendar_digits(p, 2, &hh) < 0 || p[2] != ':' || calendar_digits(p + 3, 2, &mi) < 0)
		return -1;
	p += 5;
	if (*p == ':') {
		if (calendar_digits(p + 1, 2, &ss) < 0)
			return -1;
		p += 3;
		if (*p == '.' || *p == ',') {
			int n = 0;

			for (p++; *p >= '0' && *p <= '9'; p++)
				n++;
			if (n == 0 || n > CALENDAR_MAX_FRACTION_DIGITS)
				return -1;
		}
	}
	if (hh > 23 || mi > 59 || ss > 60) /* 60: a leap second */
		return -1;
	t = (long long)calendar_days_from_civil(y, m, d) * CALENDAR_SECONDS_PER_DAY;
	t += hh * 3600L + mi * 60L + ss;
	if (*p != '\0') {
		if (calendar_parse_offset(p, &offset) < 0)
			return -1;
		t += CALENDAR_BOGOTA_OFFSET_SECONDS - offset;
	}
	*has_time = 1;
	*day = (long)(t / CALENDAR_SECONDS_PER_DAY);
	*seconds = (long)(t % CALENDAR_SECONDS_PER_DAY);
	if (*seconds < 0) {
		*seconds += CALENDAR_SECONDS_PER_DAY;
		(*day)--;
	}
	return calendar_day_in_range(*day) ? 0 : -1;
}

int calendar_local_time(const char *iso, struct calendar_local *out)
{
	long day, seconds;

	memset(out, 0, sizeof(*out));
	if (calendar_parse_instant(iso, &day, &seconds, &out->has_time) < 0)
		return -1;
	calendar_civil_from_days(day, &out->y, &out->m, &out->d);
	out->hh = (int)(seconds / 3600);
	out->mi = (int)(seconds % 3600 / 60);
	out->ss = (int)(seconds % 60);
	return 0;
}

/* The effective start of an instant as a day number, or -1. */
static long calendar_start_day(const struct calendar *c, const char *iso)
{
	long day, seconds;
	int has_time;

	if (c == NULL || calendar_parse_instant(iso, &day, &seconds, &has_time) < 0)
		return -1;
	if (has_time && c->closing_seconds > 0 && seconds >= c->closing_seconds)
		return calendar_next_business(c, day);
	if (calendar_day_is_business(c, day))
		return day;
	return calendar_next_business(c, day);
}

struct calendar *calendar_new(int closing_minutes, const char (*extra)[CALENDAR_DATE_LEN],
			      size_t n_extra, char *err, size_t errlen)
{
	struct calendar *c;
	size_t cap, n_cached = 0;

	if (closing_minutes >= CALENDAR_MINUTES_PER_DAY) {
		set_error(err, errlen, "hora de cierre inválida: %d minutos después de medianoche",
			  closing_minutes);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->closing_seconds = closing_minutes > 0 ? closing_minutes * 60L : 0;
	c->extras = xmalloc((n_extra ? n_extra : 1) * sizeof(*c->extras));
	for (size_t i = 0; i < n_extra; i++) {
		char shown[CALENDAR_ERR_VALUE_LEN];
		int y, m, d;
		long day = -1;

		if (memchr(extra[i], '\0', CALENDAR_DATE_LEN) != NULL &&
		    calendar_parse_date(extra[i], &y, &m, &d) == 0)
			day = calendar_days_from_civil(y, m, d);
		if (!calendar_day_in_range(day)) {
			log_escape(extra[i], CALENDAR_DATE_LEN, shown, sizeof(shown));
			set_error(
			    err, errlen,
			    "día no hábil inválido: \"%s\" (se espera AAAA-MM-DD entre %d y %d)",
			    shown, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
			calendar_free(c);
			return NULL;
		}
		c->extras[i] = day;
	}
	c->n_extras = calendar_sort_unique(c->extras, n_extra);

	for (int k = 0; k < CALENDAR_YEARS; k++) {
		long hol[CALENDAR_MAX_HOLIDAYS];

		c->year_prefix[k + 1] =
		    c->year_prefix[k] + calendar_weekday_holidays(CALENDAR_MIN_YEAR + k, hol);
	}
	cap = (size_t)(CALENDAR_CACHE_LAST_YEAR - CALENDAR_MIN_YEAR + 1) * CALENDAR_MAX_HOLIDAYS +
	      c->n_extras;
	c->off = xmalloc(cap * sizeof(*c->off));
	for (int y = CALENDAR_MIN_YEAR; y <= CALENDAR_CACHE_LAST_YEAR; y++)
		n_cached += (size_t)calendar_weekday_holidays(y, c->off + n_cached);
	c->n_off = n_cached;
	for (size_t i = 0; i < c->n_extras; i++) {
		long day = c->extras[i];

		if (calendar_is_weekday(day) && !calendar_is_public_holiday(day))
			c->off[c->n_off++] = day;
	}
	c->n_off = calendar_sort_unique(c->off, c->n_off);
	return c;
}

void calendar_free(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->extras);
	free(c->off);
	free(c);
}

/* Adds one day off to out (at most max entries kept), merging it with the previous entry when
 * it falls on the same day. *n counts entries, kept or not; *prev is the previous day. */
static void calendar_put_day(long day, const char *name, struct calendar_holiday *out, size_t max,
			     int *n, long *prev)
{
	struct calendar_holiday *h;
	size_t len;

	if (*n > 0 && day == *prev) {
		if ((size_t)(*n - 1) >= max)
			return;
		h = &out[*n - 1];
		len = strlen(h->name);
		snprintf(h->name + len, sizeof(h->name) - len, "%s%s", CALENDAR_NAME_SEPARATOR,
			 name);
		return;
	}
	if ((size_t)*n < max) {
		h = &out[*n];
		calendar_format_day(day, h->date);
		strlcpy_s(h->name, name, sizeof(h->name));
	}
	(*n)++;
	*prev = day;
}

/* Public holidays of year and the days of extras (sorted, distinct) in that year that are not
 * holidays, merged by date into out (at most max); returns how many there are. */
static int calendar_year_days_off(int year, const long *extras, size_t n_extras,
				  struct calendar_holiday *out, size_t max)
{
	long days[CALENDAR_MAX_HOLIDAYS];
	int order[CALENDAR_MAX_HOLIDAYS];
	long last = calendar_days_from_civil(year, 12, 31);
	size_t e = calendar_upper_bound(extras, n_extras, calendar_days_from_civil(year, 1, 1) - 1);
	long prev = 0;
	int i = 0, n = 0;

	calendar_rule_days(year, days);
	calendar_sort_rules(days, order);
	while (i < CALENDAR_MAX_HOLIDAYS || (e < n_extras && extras[e] <= last)) {
		int extra_next = e < n_extras && extras[e] <= last &&
				 (i >= CALENDAR_MAX_HOLIDAYS || extras[e] < days[order[i]]);

		if (extra_next) {
			calendar_put_day(extras[e], CALENDAR_EXTRA_DAY_NAME, out, max, &n, &prev);
			e++;
			continue;
		}
		if (e < n_extras && extras[e] == days[order[i]])
			e++; /* an extra day on a holiday adds nothing */
		calendar_put_day(days[order[i]], calendar_rules[order[i]].name, out, max, &n,
				 &prev);
		i++;
	}
	return n;
}

static int calendar_year_ok(int year)
{
	return year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR;
}

int calendar_holidays(int year, struct calendar_holiday *out, size_t max)
{
	static const long no_extras[1] = {0};

	if (!calendar_year_ok(year))
		return -1;
	return calendar_year_days_off(year, no_extras, 0, out, max);
}

int calendar_days_off(const struct calendar *c, int year, struct calendar_holiday *out, size_t max)
{
	if (c == NULL || !calendar_year_ok(year))
		return -1;
	return calendar_year_days_off(year, c->extras, c->n_extras, out, max);
}

int calendar_is_business_day(const struct calendar *c, int y, int m, int d)
{
	if (c == NULL || !calendar_year_ok(y) || m < 1 || m > 12 || d < 1 ||
	    d > calendar_days_in_month(y, m))
		return -1;
	return calendar_day_is_business(c, calendar_days_from_civil(y, m, d));
}

int calendar_effective_start(const struct calendar *c, const char *iso, char out[CALENDAR_DATE_LEN])
{
	long day = calendar_start_day(c, iso);

	if (day < 0)
		return -1;
	calendar_format_day(day, out);
	return 0;
}

int calendar_add_business_days(const struct calendar *c, const char *start_iso, long n,
			       char out[CALENDAR_DATE_LEN])
{
	long start = calendar_start_day(c, start_iso);
	long max = calendar_max_day();
	long lo, hi, span;

	if (start < 0 || n < 0 || n > max - start)
		return -1;
	if (n == 0) {
		calendar_format_day(start, out);
		return 0;
	}
	/* The answer is the first day t with n business days in (start, t]: widen hi until
	 * it holds n of them, then bisect; lo always holds fewer than n, hi at least n. */
	lo = start;
	span = n + n / 2 + CALENDAR_DAYS_PER_WEEK;
	hi = span > max - start ? max : start + span;
	while (calendar_count_business(c, start, hi) < n) {
		if (hi == max)
			return -1;
		lo = hi;
		span = (hi - start) * 2;
		hi = span > max - start ? max : start + span;
	}
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;

		if (calendar_count_business(c, start, mid) >= n)
			hi = mid;
		else
			lo = mid;
	}
	calendar_format_day(hi, out);
	return 0;
}

long calendar_business_days_between(const struct calendar *c, const char *from_iso,
				    const char *to_iso)
{
	long start = calendar_start_day(c, from_iso);
	long end, seconds;
	int has_time;

	if (start < 0 || calendar_parse_instant(to_iso, &end, &seconds, &has_time) < 0)
		return -1;
	return calendar_count_business(c, start, end);
}

long calendar_business_days_in_year(const struct calendar *c, int year)
{
	if (c == NULL || !calendar_year_ok(year))
		return -1;
	return calendar_count_business(c, calendar_days_from_civil(year, 1, 1) - 1,
				       calendar_days_from_civil(year, 12, 31));
}
