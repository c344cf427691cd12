/* mapping_jpointer.c -- JSON Pointers (RFC 6901) with the extension "*" (every element of an
 * array or member of an object), the engine's JSON parser (duplicate keys refused, nesting
 * capped), and the conversion of JSON values into the filing's text fields. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping_json_int.h"
#include "util.h"

/* Unescapes one reference token of n bytes at s ("~0" -> '~', "~1" -> '/'). Returns a new
 * string, or NULL when a '~' is followed by anything else. */
static char *mj_unescape(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '~') {
			out[o++] = s[i];
			continue;
		}
		if (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')) {
			free(out);
			return NULL;
		}
		out[o++] = s[i + 1] == '0' ? '~' : '/';
		i++;
	}
	out[o] = '\0';
	return out;
}

int mj_pointer_compile(const char *text, struct mj_pointer *out, char *bad, size_t badlen)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	if (strlen(text) > MJ_MAX_POINTER) {
		set_error(bad, badlen, "puntero de más de %d bytes", MJ_MAX_POINTER);
		return -1;
	}
	if (text[0] != '\0' && text[0] != '/') {
		set_error(bad, badlen, "un puntero JSON empieza con \"/\" (o es \"\": todo)");
		return -1;
	}
	if (!util_utf8_valid(text, strlen(text))) {
		set_error(bad, badlen, "el puntero no es UTF-8 válido");
		return -1;
	}
	out->text = xstrdup(text);
	out->seg = xcalloc(MJ_MAX_SEGMENTS, sizeof(*out->seg));
	out->wild = xcalloc(MJ_MAX_SEGMENTS, 1);
	while (*p == '/') {
		const char *start = p + 1;
		const char *end = strchr(start, '/');
		size_t n = end != NULL ? (size_t)(end - start) : strlen(start);

		if (out->nseg == MJ_MAX_SEGMENTS) {
			set_error(bad, badlen, "puntero de más de %d partes", MJ_MAX_SEGMENTS);
			mj_pointer_free(out);
			return -1;
		}
		out->seg[out->nseg] = mj_unescape(start, n);
		if (out->seg[out->nseg] == NULL) {
			set_error(bad, badlen, "\"~\" va seguido de 0 o 1 (~0 es ~, ~1 es /)");
			mj_pointer_free(out);
			return -1;
		}
		out->wild[out->nseg] = n == 1 && start[0] == '*';
		out->nseg++;
		p = start + n;
	}
	return 0;
}

void mj_pointer_free(struct mj_pointer *p)
{
	for (size_t i = 0; i < p->nseg; i++)
		free(p->seg[i]);
	free(p->seg);
	free(p->wild);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

void mj_pointers_free(struct mj_pointers *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		mj_pointer_free(&ps->p[i]);
	free(ps->p);
	ps->p = NULL;
	ps->n = 0;
}

/* The array index a reference token names: digits without a leading zero (RFC 6901 §4).
 * Returns 0 with *out, or -1 ("-" and anything else name no element). */
static int mj_index(const char *s, size_t *out)
{
	long n;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0') || strspn(s, "0123456789") != strlen(s))
		return -1;
	if (parse_long(s, 0, 1L << 30, &n) < 0)
		return -1;
	*out = (size_t)n;
	return 0;
}

/* Walks p from segment i on at v; each match is appended (or, with first, the walk stops
 * at the first one and returns 1). */
static int mj_walk(const struct mj_pointer *p, size_t i, json_t *v, int first, json_t ***out,
		   size_t *n, size_t *cap)
{
	for (; i < p->nseg; i++) {
		size_t k;

		if (p->wild[i]) {
			const char *key;
			json_t *e;

			if (json_is_array(v)) {
				json_array_foreach(v, k, e)
				{
					if (mj_walk(p, i + 1, e, first, out, n, cap) && first)
						return 1;
				}
			} else if (json_is_object(v)) {
				json_object_foreach(v, key, e)
				{
					if (mj_walk(p, i + 1, e, first, out, n, cap) && first)
						return 1;
				}
			}
			return 0;
		}
		if (json_is_object(v))
			v = json_object_get(v, p->seg[i]);
		else if (json_is_array(v) && mj_index(p->seg[i], &k) == 0)
			v = json_array_get(v, k);
		else
			v = NULL;
		if (v == NULL)
			return 0;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*out = xrealloc(*out, *cap * sizeof(**out));
	}
	(*out)[(*n)++] = v;
	return 1;
}

void mj_pointer_all(const struct mj_pointer *p, json_t *doc, json_t ***out, size_t *n,
		    size_t *cap)
{
	if (doc != NULL)
		mj_walk(p, 0, doc, 0, out, n, cap);
}

json_t *mj_pointer_first(const struct mj_pointer *p, json_t *doc)
{
	json_t *one[1];
	json_t **out = one;
	size_t n = 0;
	size_t cap = 1;

	if (doc == NULL)
		return NULL;
	mj_walk(p, 0, doc, 1, &out, &n, &cap);
	return n > 0 ? one[0] : NULL;
}

json_t *mj_pointers_get(const struct mj_pointers *ps, json_t *doc)
{
	for (size_t i = 0; i < ps->n; i++) {
		json_t *v = mj_pointer_first(&ps->p[i], doc);

		if (v != NULL && !json_is_null(v))
			return v;
	}
	return NULL;
}

int mapping_json_pointer(const struct json_t *doc, const char *pointer, const struct json_t **out)
{
	struct mj_pointer p;
	char bad[128];
	json_t *v;

	*out = NULL;
	if (pointer == NULL || mj_pointer_compile(pointer, &p, bad, sizeof(bad)) < 0)
		return -1;
	v = mj_pointer_first(&p, (json_t *)doc);
	mj_pointer_free(&p);
	*out = v;
	return v != NULL ? 1 : 0;
}

/* A number as text: integers as they are, integral reals without ".0", others %.17g. */
static char *mj_number_text(const json_t *v)
{
	double d;

	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	d = json_real_value(v);
	if (d == floor(d) && fabs(d) < 1e15)
		return xasprintf("%.0f", d);
	return xasprintf("%.17g", d);
}

int mj_value_text(const json_t *v, const char *sep, char **out, char *bad, size_t badlen)
{
	struct buf b;
	size_t i;
	json_t *e;

	*out = NULL;
	switch (json_typeof(v)) {
	case JSON_NULL:
		return 0;
	case JSON_STRING:
		*out = xstrndup(json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
	case JSON_REAL:
		*out = mj_number_text(v);
		return 0;
	case JSON_TRUE:
		*out = xstrdup("true");
		return 0;
	case JSON_FALSE:
		*out = xstrdup("false");
		return 0;
	case JSON_ARRAY:
		buf_init(&b);
		buf_puts(&b, "");
		json_array_foreach(v, i, e)
		{
			if (!json_is_string(e)) {
				buf_free(&b);
				set_error(bad, badlen,
					  "una lista con algo que no es un texto (elemento %zu)", i);
				return -1;
			}
			if (i > 0)
				buf_puts(&b, sep);
			buf_append(&b, json_string_value(e), json_string_length(e));
		}
		*out = buf_steal(&b);
		return 0;
	case JSON_OBJECT:
		break;
	}
	set_error(bad, badlen, "un objeto donde se esperaba un valor");
	return -1;
}

int mj_value_in(const json_t *v, const json_t *want)
{
	char *text = NULL;
	char bad[64];
	size_t i;
	json_t *w;
	int found = 0;

	if (v == NULL || json_is_array(v) || json_is_object(v) ||
	    mj_value_text(v, "", &text, bad, sizeof(bad)) < 0)
		return 0;
	json_array_foreach(want, i, w)
	{
		char *wt = NULL;

		if (json_is_null(w) && text == NULL)
			found = 1;
		else if (text != NULL && mj_value_text(w, "", &wt, bad, sizeof(bad)) == 0 &&
			 wt != NULL && strcmp(wt, text) == 0)
			found = 1;
		free(wt);
		if (found)
			break;
	}
	free(text);
	return found;
}

/* The deepest nesting of arrays and objects in len bytes of JSON text, counted outside
 * strings; stops counting past limit. */
static int mj_depth(const char *s, size_t len, int limit)
{
	int depth = 0;
	int deepest = 0;
	int in_string = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest)
				deepest = depth;
			if (deepest > limit)
				return deepest;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

struct json_t *mapping_json_parse(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc;

	if (body == NULL || len == 0) {
		set_error(err, errlen, "respuesta vacía");
		return NULL;
	}
	if (mj_depth(body, len, MAPPING_JSON_MAX_DEPTH) > MAPPING_JSON_MAX_DEPTH) {
		set_error(err, errlen, "JSON anidado a más de %d niveles", MAPPING_JSON_MAX_DEPTH);
		return NULL;
	}
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		set_error(err, errlen, "JSON no válido (línea %d, columna %d): %s", jerr.line,
			  jerr.column, jerr.text);
		return NULL;
	}
	return doc;
}
