/* classify.c -- decides a new filing's tipo_tramite: the mapping's document type codes
 * first, then its subject keywords in priority order, compared on folded whole words. */
#include "classify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CLASSIFY_MAX_CODES 1024	   /* entries of classify.document_types */
#define CLASSIFY_MAX_GROUPS 64	   /* entries of classify.keywords */
#define CLASSIFY_MAX_KEYWORDS 2048 /* keywords over all groups */
#define CLASSIFY_MAX_WORD 256	   /* bytes of one keyword or code as written */
#define CLASSIFY_PATH_LEN 96	   /* "classify.keywords[12].words[345]" */

/* The tipo_tramite values of DESIGN.md; classify_tipo_tramite returns these pointers. */
static const char *const classify_tipos[] = {
    "contratacion_directa",
    "proceso_seleccion",
    "novedad_contractual",
    "liquidacion_terminacion",
    "otro",
};
#define CLASSIFY_NTIPOS (sizeof(classify_tipos) / sizeof(classify_tipos[0]))
#define CLASSIFY_OTRO 4 /* index of "otro" */

struct classify_code {
	char *code;
	size_t tipo;
};

/* A keyword ready to search for in a normalized subject: " word " for a whole-word
 * keyword, " word" for a prefix keyword (written with a trailing '*'). */
struct classify_keyword {
	char *needle;
	size_t tipo;
};

struct classify_rules {
	struct classify_code *codes;
	size_t ncodes;
	struct classify_keyword *words; /* every group's keywords, in priority order */
	size_t nwords;
	size_t default_tipo;
};

/* Folded form of U+00C0..U+00FF (UTF-8 C3 80..C3 BF); NULL: not a letter, kept as is.
 * No entry is longer than the two bytes it replaces. */
/* clang-format off */
static const char *const classify_latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",   /* À Á Â Ã Ä Å Æ Ç */
	"e", "e", "e", "e", "i", "i", "i", "i",    /* È É Ê Ë Ì Í Î Ï */
	"d", "n", "o", "o", "o", "o", "o", NULL,   /* Ð Ñ Ò Ó Ô Õ Ö × */
	"o", "u", "u", "u", "u", "y", "th", "ss",  /* Ø Ù Ú Û Ü Ý Þ ß */
	"a", "a", "a", "a", "a", "a", "ae", "c",   /* à á â ã ä å æ ç */
	"e", "e", "e", "e", "i", "i", "i", "i",    /* è é ê ë ì í î ï */
	"d", "n", "o", "o", "o", "o", "o", NULL,   /* ð ñ ò ó ô õ ö ÷ */
	"o", "u", "u", "u", "u", "y", "th", "y",   /* ø ù ú û ü ý þ ÿ */
};
/* clang-format on */

/* Also drops combining diacritical marks U+0300..U+036F (CC 80..CD AF), so decomposed
 * text ("o" + U+0301) folds like precomposed text. Invalid sequences are copied byte by
 * byte; nothing is read past the terminating NUL. */
char *classify_fold(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	size_t o = 0;
	char *out;

	if (s == NULL)
		return xstrdup("");
	n = strlen(s);
	out = xmalloc(n + 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		int cont = i + 1 < n && (p[i + 1] & 0xC0) == 0x80;

		if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c - 'A' + 'a');
			i++;
		} else if (c == 0xC3 && cont) {
			const char *f = classify_latin1[p[i + 1] & 0x3F];

			if (f == NULL) {
				out[o++] = (char)p[i];
				out[o++] = (char)p[i + 1];
			} else {
				size_t fl = strlen(f);

				memcpy(out + o, f, fl);
				o += fl;
			}
			i += 2;
		} else if (cont && (c == 0xCC || (c == 0xCD && p[i + 1] <= 0xAF))) {
			i += 2; /* combining mark */
		} else {
			out[o++] = (char)c;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

/* Folds s and turns every run of characters other than [a-z0-9] into one space, with one
 * space before and after: " solicitud de adicion y prorroga ". Returns a new string. */
static char *classify_normalize(const char *s)
{
	char *folded = classify_fold(s);
	size_t n = strlen(folded);
	char *out = xmalloc(n + 3);
	size_t o = 0;

	out[o++] = ' ';
	for (size_t i = 0; i < n; i++) {
		char c = folded[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[o++] = c;
		else if (out[o - 1] != ' ')
			out[o++] = ' ';
	}
	if (out[o - 1] != ' ')
		out[o++] = ' ';
	out[o] = '\0';
	free(folded);
	return out;
}

static int classify_tipo_index(const char *name, size_t *out)
{
	for (size_t i = 0; i < CLASSIFY_NTIPOS; i++) {
		if (strcmp(name, classify_tipos[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int classify_tipo_value(const json_t *v, const char *path, size_t *out, char *err,
			       size_t errlen)
{
	if (!json_is_string(v)) {
		set_error(err, errlen, "%s: se esperaba un texto", path);
		return -1;
	}
	if (classify_tipo_index(json_string_value(v), out) < 0) {
		set_error(err, errlen,
			  "%s: tipo_tramite desconocido \"%.64s\" (contratacion_directa, "
			  "proceso_seleccion, novedad_contractual, liquidacion_terminacion, otro)",
			  path, json_string_value(v));
		return -1;
	}
	return 0;
}

/* Returns a copy of s without leading and trailing ASCII whitespace. */
static char *classify_trim(const char *s)
{
	size_t b = 0;
	size_t e = strlen(s);

	while (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')
		b++;
	while (e > b &&
	       (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
		e--;
	return xstrndup(s + b, e - b);
}

static int classify_load_codes(struct classify_rules *r, const json_t *obj, char *err,
			       size_t errlen)
{
	const char *key;
	json_t *v;
	char path[CLASSIFY_PATH_LEN];

	if (obj == NULL)
		return 0;
	if (!json_is_object(obj)) {
		set_error(err, errlen, "classify.document_types: se esperaba un objeto");
		return -1;
	}
	if (json_object_size(obj) > CLASSIFY_MAX_CODES) {
		set_error(err, errlen, "classify.document_types: más de %d códigos",
			  CLASSIFY_MAX_CODES);
		return -1;
	}
	r->codes = xcalloc(json_object_size(obj), sizeof(*r->codes));
	json_object_foreach((json_t *)obj, key, v)
	{
		struct classify_code *c;

		if (key[0] == '_')
			continue;
		snprintf(path, sizeof(path), "classify.document_types.%.40s", key);
		c = &r->codes[r->ncodes];
		if (strlen(key) > CLASSIFY_MAX_WORD) {
			set_error(err, errlen, "%s: código demasiado largo", path);
			return -1;
		}
		if (classify_tipo_value(v, path, &c->tipo, err, errlen) < 0)
			return -1;
		c->code = classify_trim(key);
		r->ncodes++;
		if (c->code[0] == '\0') {
			set_error(err, errlen, "%s: código vacío", path);
			return -1;
		}
	}
	return 0;
}

/* Adds one keyword: trailing '*' makes it a prefix; '*' anywhere else is an error. */
static int classify_add_word(struct classify_rules *r, const char *word, size_t tipo,
			     const char *path, char *err, size_t errlen)
{
	char *raw;
	char *norm;
	size_t len;
	int prefix = 0;

	if (strlen(word) > CLASSIFY_MAX_WORD) {
		set_error(err, errlen, "%s: palabra clave demasiado larga", path);
		return -1;
	}
	raw = classify_trim(word);
	len = strlen(raw);
	if (len > 0 && raw[len - 1] == '*') {
		prefix = 1;
		raw[--len] = '\0';
	}
	if (strchr(raw, '*') != NULL) {
		set_error(err, errlen, "%s: '*' solo puede ir al final de la palabra clave", path);
		free(raw);
		return -1;
	}
	norm = classify_normalize(raw);
	free(raw);
	if (strcmp(norm, " ") == 0) {
		set_error(err, errlen, "%s: palabra clave vacía (sin letras ni cifras)", path);
		free(norm);
		return -1;
	}
	if (prefix)
		norm[strlen(norm) - 1] = '\0'; /* " prorrog" matches "prorroga", "prorrogar" */
	r->words[r->nwords].needle = norm;
	r->words[r->nwords].tipo = tipo;
	r->nwords++;
	return 0;
}

static int classify_load_group(struct classify_rules *r, const json_t *g, size_t gi, char *err,
			       size_t errlen)
{
	char path[CLASSIFY_PATH_LEN];
	const char *key;
	json_t *v;
	json_t *words;
	size_t tipo;
	size_t wi;

	snprintf(path, sizeof(path), "classify.keywords[%zu]", gi);
	if (!json_is_object(g)) {
		set_error(err, errlen, "%s: se esperaba un objeto {\"tipo\", \"words\"}", path);
		return -1;
	}
	json_object_foreach((json_t *)g, key, v)
	{
		if (key[0] != '_' && strcmp(key, "tipo") != 0 && strcmp(key, "words") != 0) {
			set_error(err, errlen, "%s.%.40s: clave desconocida", path, key);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "classify.keywords[%zu].tipo", gi);
	v = json_object_get(g, "tipo");
	if (v == NULL) {
		set_error(err, errlen, "%s: falta", path);
		return -1;
	}
	if (classify_tipo_value(v, path, &tipo, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "classify.keywords[%zu].words", gi);
	words = json_object_get(g, "words");
	if (!json_is_array(words) || json_array_size(words) == 0) {
		set_error(err, errlen, "%s: se esperaba una lista no vacía de textos", path);
		return -1;
	}
	if (r->nwords + json_array_size(words) > CLASSIFY_MAX_KEYWORDS) {
		set_error(err, errlen, "%s: más de %d palabras clave en total", path,
			  CLASSIFY_MAX_KEYWORDS);
		return -1;
	}
	json_array_foreach(words, wi, v)
	{
		snprintf(path, sizeof(path), "classify.keywords[%zu].words[%zu]", gi, wi);
		if (!json_is_string(v)) {
			set_error(err, errlen, "%s: se esperaba un texto", path);
			return -1;
		}
		if (classify_add_word(r, json_string_value(v), tipo, path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int classify_load_keywords(struct classify_rules *r, const json_t *arr, char *err,
				  size_t errlen)
{
	size_t total = 0;
	size_t i;
	json_t *g;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		set_error(err, errlen, "classify.keywords: se esperaba una lista");
		return -1;
	}
	if (json_array_size(arr) > CLASSIFY_MAX_GROUPS) {
		set_error(err, errlen, "classify.keywords: más de %d grupos", CLASSIFY_MAX_GROUPS);
		return -1;
	}
	json_array_foreach(arr, i, g)
	{
		json_t *w = json_is_object(g) ? json_object_get(g, "words") : NULL;

		if (json_is_array(w))
			total += json_array_size(w);
	}
	if (total > CLASSIFY_MAX_KEYWORDS)
		total = CLASSIFY_MAX_KEYWORDS;
	r->words = xcalloc(total, sizeof(*r->words));
	json_array_foreach(arr, i, g)
	{
		if (classify_load_group(r, g, i, err, errlen) < 0)
			return -1;
	}
	return 0;
}

struct classify_rules *classify_load(const void *json_classify, char *err, size_t errlen)
{
	const json_t *obj = json_classify;
	struct classify_rules *r = NULL;
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		set_error(err, errlen, "classify: se esperaba un objeto");
		return NULL;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		if (key[0] != '_' && strcmp(key, "document_types") != 0 &&
		    strcmp(key, "keywords") != 0 && strcmp(key, "default") != 0) {
			set_error(err, errlen, "classify.%.40s: clave desconocida", key);
			return NULL;
		}
	}
	r = xcalloc(1, sizeof(*r));
	r->default_tipo = CLASSIFY_OTRO;
	v = json_object_get(obj, "default");
	if (v != NULL &&
	    classify_tipo_value(v, "classify.default", &r->default_tipo, err, errlen) < 0)
		goto fail;
	if (classify_load_codes(r, json_object_get(obj, "document_types"), err, errlen) < 0)
		goto fail;
	if (classify_load_keywords(r, json_object_get(obj, "keywords"), err, errlen) < 0)
		goto fail;
	return r;
fail:
	classify_free(r);
	return NULL;
}

void classify_free(struct classify_rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ncodes; i++)
		free(r->codes[i].code);
	for (size_t i = 0; i < r->nwords; i++)
		free(r->words[i].needle);
	free(r->codes);
	free(r->words);
	free(r);
}

const char *classify_by_keywords(const struct classify_rules *r, const char *text)
{
	const char *res = NULL;
	char *norm;

	if (r == NULL || text == NULL || text[0] == '\0')
		return NULL;
	norm = classify_normalize(text);
	for (size_t i = 0; i < r->nwords; i++) {
		if (strstr(norm, r->words[i].needle) != NULL) {
			res = classify_tipos[r->words[i].tipo];
			break;
		}
	}
	free(norm);
	return res;
}

size_t classify_ncodes(const struct classify_rules *r)
{
	return r != NULL ? r->ncodes : 0;
}

const char *classify_tipo_tramite(const struct classify_rules *r, const char *tipo_documental,
				  const char *asunto, const char *tipo_nombre)
{
	const char *res;

	if (r == NULL)
		return classify_tipos[CLASSIFY_OTRO];
	if (tipo_documental != NULL && tipo_documental[0] != '\0') {
		char *code = classify_trim(tipo_documental);

		for (size_t i = 0; i < r->ncodes; i++) {
			if (strcmp(code, r->codes[i].code) == 0) {
				free(code);
				return classify_tipos[r->codes[i].tipo];
			}
		}
		free(code);
	}
	res = classify_by_keywords(r, asunto);
	if (res == NULL)
		res = classify_by_keywords(r, tipo_nombre);
	return res != NULL ? res : classify_tipos[r->default_tipo];
}
