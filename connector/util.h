/* util.h -- memory helpers that never return NULL, a growable byte buffer,
 * checked number parsing and small string helpers shared by every module. */
#ifndef SEGCONT_UTIL_H
#define SEGCONT_UTIL_H

#include <stddef.h>
#include <stdarg.h>

/* Allocation failure is fatal (logged, then abort()); callers never check. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns a new copy of s (NULL stays NULL); the caller frees it. */
char *xstrdup(const char *s);
/* Returns a new copy of the first n bytes of s, NUL-terminated; the caller frees it. */
char *xstrndup(const char *s, size_t n);
/* Returns a new formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after its len bytes. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
/* Frees the buffer's storage; the buffer may be reused after buf_init. */
void buf_free(struct buf *b);
/* Hands the storage to the caller (who frees it) and leaves b empty. */
char *buf_steal(struct buf *b);

/* Parses a whole decimal integer in [min, max]. Returns 0, or -1 on any junk,
 * overflow or out-of-range value (then *out is untouched). Never atoi. */
int parse_long(const char *s, long min, long max, long *out);

/* Copies src into dst of size n, always NUL-terminating. Returns strlen(src). */
size_t strlcpy_s(char *dst, const char *src, size_t n);

/* The largest length <= n at which s (n bytes or more of UTF-8) can be cut without splitting
 * a character. Cannot fail. */
size_t util_utf8_cut(const char *s, size_t n);

/* Fills err (size errlen) with a formatted message, cut on a character boundary when it
 * does not fit; err may be NULL. */
void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Current time as ISO 8601 with the America/Bogota offset ("2024-05-02T09:14:07-05:00")
 * into out (at least UTIL_ISO_LEN bytes). */
#define UTIL_ISO_LEN 32
void util_now_iso(char *out);
/* Same for a given epoch time. */
void util_time_iso(long long epoch, char *out);
/* Monotonic milliseconds, for durations. */
long long util_monotonic_ms(void);

/* Today's date in Bogota as YYYY-MM-DD into out (at least 11 bytes). */
void util_today(char out[11]);
/* Adds days (may be negative, at most UTIL_MAX_DAYS either way) to a YYYY-MM-DD date into
 * out. Returns 0, or -1 (out "") when date is not a valid date or the result falls outside
 * years 1000..9999. */
#define UTIL_MAX_DAYS 3660000L
int util_date_add(const char *date, long days, char out[11]);
/* Bogotá wall-clock time of an epoch as "YYYY-MM-DD HH:MM:SS" into out. */
#define UTIL_LOCAL_LEN 20
void util_time_local(long long epoch, char out[UTIL_LOCAL_LEN]);
/* Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "±hh:mm", or a bare "YYYY-MM-DD"
 * (midnight in Bogotá), into epoch seconds. 0, or -1 when it is neither. */
int util_iso_epoch(const char *iso, long long *out);
/* Days from a to b (b - a), both YYYY-MM-DD; 0 and *out, or -1 on a bad date. */
int util_date_diff(const char *a, const char *b, long *out);

/* Overwrites n bytes at p with zeros in a way the compiler cannot drop (for secrets);
 * p may be NULL. */
void util_wipe(void *p, size_t n);

/* Appends len bytes of in, written in encoding enc (an iconv name), to out as UTF-8; a byte
 * the encoding does not define becomes U+FFFD. Returns 0, or -1 when iconv does not know
 * enc (nothing appended). */
int util_to_utf8(const char *in, size_t len, const char *enc, struct buf *out);

/* Returns 1 when s is valid UTF-8 of length n, else 0. */
int util_utf8_valid(const char *s, size_t n);

#endif
