/* util.c -- allocation helpers, growable buffer, checked number parsing.
 * Allocation failure is fatal here so no caller has to check for NULL. */
#include "util.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void util_oom(size_t n)
{
	fprintf(stderr, "segcont: sin memoria (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		util_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		util_oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		util_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int n;

	buf_init(&b);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return buf_steal(&b);
	b.data = xrealloc(b.data, (size_t)n + 1);
	b.cap = (size_t)n + 1;
	va_start(ap, fmt);
	vsnprintf(b.data, b.cap, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	return buf_steal(&b);
}

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

static void buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap = b->cap ? b->cap : 64;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

char *buf_steal(struct buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = xstrdup("");
	buf_init(b);
	return p;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return -1;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t strlcpy_s(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n > 0) {
		size_t c = len < n - 1 ? len : n - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

size_t util_utf8_cut(const char *s, size_t n)
{
	size_t lead = n;
	size_t want;
	unsigned char c;

	if (n == 0)
		return 0;
	/* The start of the last character that begins before n. */
	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80 && n - lead < 4)
		lead--;
	if (lead == 0)
		return 0;
	c = (unsigned char)s[lead - 1];
	want = c < 0x80		    ? 1
	       : (c & 0xE0) == 0xC0 ? 2
	       : (c & 0xF0) == 0xE0 ? 3
	       : (c & 0xF8) == 0xF0 ? 4
				    : 1;
	return n - (lead - 1) >= want ? n : lead - 1;
}

void set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* Cut: never in the middle of a UTF-8 character (the text goes to JSON). */
	if (n >= 0 && (size_t)n >= errlen)
		err[util_utf8_cut(err, errlen - 1)] = '\0';
}

void util_time_iso(long long epoch, char *out)
{
	/* America/Bogota has been UTC-5 without daylight saving since 1993. */
	time_t t = (time_t)(epoch - 5 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, UTIL_ISO_LEN, "%Y-%m-%dT%H:%M:%S-05:00", &tm);
}

void util_now_iso(char *out)
{
	util_time_iso((long long)time(NULL), out);
}

long long util_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int util_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t k;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + j] & 0x3F);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

void util_today(char out[11])
{
	char iso[UTIL_ISO_LEN];

	util_now_iso(iso);
	memcpy(out, iso, 10);
	out[10] = '\0';
}

/* 1 when s starts with layout, where each 'D' of layout is a digit and anything else
 * itself. */
static int util_layout(const char *s, const char *layout)
{
	for (; *layout != '\0'; layout++, s++) {
		if (*layout == 'D' ? *s < '0' || *s > '9' : *s != *layout)
			return 0;
	}
	return 1;
}

/* timegm of tm, when tm names a real day and time: timegm normalises (Feb 30 becomes
 * Mar 1) in the struct it is given, so a copy is compared. 0 or -1. */
static int util_timegm_exact(const struct tm *tm, time_t *out)
{
	struct tm norm = *tm;
	time_t t = timegm(&norm);

	if (norm.tm_year != tm->tm_year || norm.tm_mon != tm->tm_mon ||
	    norm.tm_mday != tm->tm_mday || norm.tm_hour != tm->tm_hour ||
	    norm.tm_min != tm->tm_min || norm.tm_sec != tm->tm_sec)
		return -1;
	*out = t;
	return 0;
}

/* Parses a strict YYYY-MM-DD into a UTC midnight epoch; timegm normalises, so a date
 * is valid only when it survives the round trip. Reads at most 11 bytes of date, and only
 * digits and dashes where they belong (strptime alone would skip spaces, take a sign). */
static int util_date_epoch(const char *date, time_t *out)
{
	struct tm tm;
	struct tm asked;
	struct tm back;
	char *end;
	time_t t;

	if (date == NULL || strnlen(date, 11) != 10 || date[4] != '-' || date[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(date, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	asked = tm; /* timegm normalises tm itself (2024-02-30 becomes 2024-03-01) */
	t = timegm(&tm);
	gmtime_r(&t, &back);
	if (back.tm_year != asked.tm_year || back.tm_mon != asked.tm_mon ||
	    back.tm_mday != asked.tm_mday)
		return -1;
	*out = t;
	return 0;
}

int util_date_add(const char *date, long days, char out[11])
{
	struct tm tm;
	time_t t;

	out[0] = '\0';
	if (util_date_epoch(date, &t) < 0 || days > UTIL_MAX_DAYS || days < -UTIL_MAX_DAYS)
		return -1;
	t += (time_t)days * 86400;
	/* Outside years 1000..9999 the result would not be YYYY-MM-DD. */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999 ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

void util_time_local(long long epoch, char out[UTIL_LOCAL_LEN])
{
	time_t t = (time_t)(epoch - 5 * 3600);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, UTIL_LOCAL_LEN, "%Y-%m-%d %H:%M:%S", &tm);
}

int util_iso_epoch(const char *iso, long long *out)
{
	struct tm tm;
	const char *p;
	int sign;
	int hh;
	int mm;
	time_t t;

	if (iso == NULL)
		return -1;
	if (strlen(iso) == 10) {
		if (util_date_epoch(iso, &t) < 0)
			return -1;
		*out = (long long)t + 5 * 3600; /* midnight in Bogotá */
		return 0;
	}
	if (!util_layout(iso, "DDDD-DD-DDTDD:DD:DD"))
		return -1;
	memset(&tm, 0, sizeof(tm));
	p = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		return -1;
	if (*p == 'Z' && p[1] == '\0') {
		sign = 1;
		hh = 0;
		mm = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && util_layout(p + 1, "DD:DD") &&
		   sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2 && hh <= 14 && mm <= 59) {
		sign = *p == '-' ? -1 : 1;
	} else {
		return -1;
	}
	if (util_timegm_exact(&tm, &t) < 0)
		return -1;
	*out = (long long)t - (long long)sign * (hh * 3600 + mm * 60);
	return 0;
}

int util_date_diff(const char *a, const char *b, long *out)
{
	time_t ta;
	time_t tb;

	if (util_date_epoch(a, &ta) < 0 || util_date_epoch(b, &tb) < 0)
		return -1;
	*out = (long)((tb - ta) / 86400);
	return 0;
}

void util_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		sodium_memzero(p, n);
}

int util_to_utf8(const char *in, size_t len, const char *enc, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char chunk[4096];
	char *p = (char *)in;
	size_t left = len;

	if (cd == (iconv_t)-1)
		return -1;
	while (left > 0) {
		char *o = chunk;
		size_t room = sizeof(chunk);
		size_t r = iconv(cd, &p, &left, &o, &room);

		buf_append(out, chunk, sizeof(chunk) - room);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL: one undefined or cut byte. */
		buf_puts(out, "\xef\xbf\xbd");
		p++;
		left--;
	}
	iconv_close(cd);
	return 0;
}
