/* test_mapping_json.h -- what the unit tests of the format-json engine share
 * (test_mapping_json.c: pointers, values, answers; test_mapping_json_build.c: requests and
 * mapping files): the two mappings they read, files, mapping variants, table columns. */
#ifndef SEGCONT_TEST_MAPPING_JSON_H
#define SEGCONT_TEST_MAPPING_JSON_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filing.h"
#include "mapping.h"
#include "mapping_json_int.h"

#define TEST_DATA "tests/data/json"
#define TEST_REST TEST_DATA "/rest.json"
#define TEST_CMIS "mappings/cmis-browser.json"
#define TEST_URL "http://127.0.0.1:8080/api"
#define TEST_ERR 1024
#define TEST_LINE 4096

static struct mapping *test_rest;
static struct mapping *test_cmis;

static inline char *test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long n;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

static inline int test_setup(void **state)
{
	char err[TEST_ERR] = "";

	(void)state;
	test_rest = mapping_load(TEST_REST, err, sizeof(err));
	if (test_rest == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	test_cmis = mapping_load(TEST_CMIS, err, sizeof(err));
	if (test_cmis == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static inline int test_teardown(void **state)
{
	(void)state;
	mapping_free(test_rest);
	mapping_free(test_cmis);
	return 0;
}

/* ---------------------------------------------------------------- mapping variants */

/* Sets (value) or deletes (NULL) the member at a dotted path of root; a number indexes a
 * list, one past its end appends. 0 or -1. */
static inline int test_patch(json_t *root, char *path, json_t *value)
{
	json_t *cur = root;
	char *save = NULL;
	char *seg = strtok_r(path, ".", &save);

	while (seg != NULL) {
		char *rest = strtok_r(NULL, ".", &save);
		json_t *next;

		if (json_is_array(cur)) {
			size_t idx = strtoul(seg, NULL, 10);

			if (rest == NULL) {
				if (value == NULL)
					return json_array_remove(cur, idx);
				if (idx == json_array_size(cur))
					return json_array_append(cur, value);
				return json_array_set(cur, idx, value);
			}
			next = json_array_get(cur, idx);
		} else {
			if (rest == NULL)
				return value ? json_object_set(cur, seg, value)
					     : json_object_del(cur, seg);
			next = json_object_get(cur, seg);
			if (next == NULL) {
				next = json_object();
				json_object_set_new(cur, seg, next);
			}
		}
		if (next == NULL)
			return -1;
		cur = next;
		seg = rest;
	}
	return -1;
}

/* The file at path with "base" made absolute (the copy lives in /tmp) and each of n
 * patches ({key path, JSON value or NULL to delete}) applied, written to tmp (a mkstemp
 * template). */
static inline void test_write_variant(const char *path, const char *const (*patches)[2], size_t n,
				      char *tmp)
{
	char cwd[1024];
	char base[2048];
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	int fd;

	assert_non_null(root);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	if (json_is_string(json_object_get(root, "base"))) {
		const char *b = json_string_value(json_object_get(root, "base"));
		const char *slash = strrchr(path, '/');

		snprintf(base, sizeof(base), "%s/%.*s/%s", cwd, (int)(slash - path), path, b);
		json_object_set_new(root, "base", json_string(base));
	}
	for (size_t i = 0; i < n; i++) {
		char key[512];
		json_t *v = NULL;

		snprintf(key, sizeof(key), "%s", patches[i][0]);
		if (patches[i][1] != NULL) {
			v = json_loads(patches[i][1], JSON_DECODE_ANY, &jerr);
			if (v == NULL)
				fail_msg("bad JSON value %s: %s", patches[i][1], jerr.text);
		}
		if (test_patch(root, key, v) != 0)
			fail_msg("cannot patch %s", patches[i][0]);
		json_decref(v);
	}
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(json_dump_file(root, tmp, JSON_INDENT(1)), 0);
	json_decref(root);
}

/* path with patches, loaded (NULL with err when refused). */
static inline struct mapping *test_variant(const char *path, const char *const (*patches)[2],
					   size_t n, char *err, size_t errlen)
{
	char tmp[] = "/tmp/segcont-test-mjson-XXXXXX";
	struct mapping *m;

	test_write_variant(path, patches, n, tmp);
	m = mapping_load(tmp, err, errlen);
	unlink(tmp);
	return m;
}

static inline void test_vars(struct mapping_vars *v)
{
	mapping_vars_init(v);
	v->url = TEST_URL;
	v->user = "ana.perez";
	v->key = "k+y=z&w é";
	v->dependencia = "342";
}

static inline int test_columns(char *line, char **col, int max)
{
	int k = 0;
	char *p = line;

	while (k < max && p != NULL) {
		col[k++] = p;
		p = strchr(p, '\t');
		if (p != NULL)
			*p++ = '\0';
	}
	return k;
}

/* tests/data/json/dates.tsv: epoch ms, ISO 8601 with offsets, strptime; invalid refused. */
#endif
