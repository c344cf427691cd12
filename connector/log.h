/* log.h -- levelled logging to stderr: "time level module: message".
 * Never pass tokens, keys or passwords; values from outside go through log_escape. */
#ifndef SEGCONT_LOG_H
#define SEGCONT_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Sets the lowest level written; default LOG_LVL_INFO (SEGCONT_LOG=debug raises it). */
void log_set_level(enum log_level lvl);
/* Parses "error|warn|info|debug"; returns 0 or -1. */
int log_parse_level(const char *s, enum log_level *out);
void log_msg(enum log_level lvl, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copies at most n bytes of untrusted text into out (size outlen) with control
 * characters and quotes escaped, truncated with "..." when longer. Returns out. */
const char *log_escape(const char *s, size_t n, char *out, size_t outlen);

#define log_error(mod, ...) log_msg(LOG_LVL_ERROR, mod, __VA_ARGS__)
#define log_warn(mod, ...) log_msg(LOG_LVL_WARN, mod, __VA_ARGS__)
#define log_info(mod, ...) log_msg(LOG_LVL_INFO, mod, __VA_ARGS__)
#define log_debug(mod, ...) log_msg(LOG_LVL_DEBUG, mod, __VA_ARGS__)

#endif
