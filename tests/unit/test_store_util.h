/* test_store_util.h -- what the store's unit tests share: a database file in the group's
 * temporary folder (test_tmpdir.h), a filing stored with its follow-up as a sync pass
 * stores it, and one follow-up field set as a PATCH sets it. Include after cmocka.h. */
#ifndef TEST_STORE_UTIL_H
#define TEST_STORE_UTIL_H

#include <stdio.h>

#include "filing.h"
#include "store.h"
#include "test_tmpdir.h"

#define TEST_STORE_PATH_LEN 512

/* Opens (making and migrating it when new) the database NAME of the group's folder. */
static inline struct store *test_store_open(const char *name)
{
	char path[TEST_STORE_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	struct store *s;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	s = store_open(path, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	return s;
}

/* Stores filing numero (an entry of 2026-11-02 for dependency 342, asunto given) with its
 * follow-up, in one transaction as sync writes a window, at instant now. Its radicado id. */
static inline long long test_store_add(struct store *s, const char *numero, const char *asunto,
				       const char *now)
{
	enum store_upsert res;
	struct follow_up fu;
	struct filing f;
	long long id;

	filing_init(&f);
	filing_set(&f.numero, numero);
	filing_set(&f.tipo_radicado, "entrada");
	filing_set(&f.fecha_radicacion, "2026-11-02T08:00:00-05:00");
	filing_set(&f.asunto, asunto);
	filing_set(&f.dependencia_actual, "342");
	filing_set(&f.estado_ds, "vigente");
	f.has_detail = 1;
	assert_int_equal(store_begin(s), 0);
	if (store_upsert_filing(s, &f, "contratacion_directa", now, &res) < 0)
		fail_msg("store_upsert_filing: %s", store_errmsg(s));
	assert_int_equal(store_commit(s), 0);
	filing_free(&f);
	follow_up_init(&fu);
	assert_int_equal(store_follow_up_get(s, numero, &fu), 1);
	id = fu.radicado_id;
	follow_up_free(&fu);
	return id;
}

/* Sets field f of filing numero to value, as a PATCH does, at instant now. */
static inline void test_store_set(struct store *s, const char *numero, enum store_fu_field f,
				  const char *value, const char *now)
{
	struct follow_up old;
	struct follow_up cur;
	int n;

	follow_up_init(&old);
	follow_up_init(&cur);
	assert_int_equal(store_follow_up_get(s, numero, &old), 1);
	follow_up_copy(&cur, &old);
	follow_up_set(&cur, f, value);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_follow_up_write(s, &old, &cur, 0, now, &n), 0);
	assert_int_equal(store_commit(s), 0);
	follow_up_free(&old);
	follow_up_free(&cur);
}

#endif
