/* test_auth.c -- unit tests of auth.c and of the store's user and follow-up functions it
 * relies on: token form and hashing, the Bearer header, users by token, the audit trail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "auth.h"
#include "filing.h"
#include "store.h"
#include "util.h"

#define TEST_DIR_LEN 256
#define TEST_PATH_LEN 512
#define TEST_NOW "2024-05-02T09:14:07-05:00"

static char test_dir[TEST_DIR_LEN];

static struct store *test_open(const char *name)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	struct store *s;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	s = store_open(path, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	return s;
}

/* A known answer, computed outside segcont (Python 3):
 *   tok = "sgc_" + base64.urlsafe_b64encode(bytes(range(32))).rstrip(b"=").decode()
 *   hashlib.sha256(tok.encode()).hexdigest()
 * and the same for the token with its last character changed to 'g'. */
#define TEST_KAT_TOKEN "sgc_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define TEST_KAT_HASH "29c2cb252bda1a454c1e988b2f1584a67336148296ff6eda4d561b3564237281"
#define TEST_KAT_TOKEN2 "sgc_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHhg"
#define TEST_KAT_HASH2 "9e7968e5c6f98db186f1a830a4daa049ff0d37c7071e4c156f656d3c610aa87d"

/* 1 when s is exactly n lowercase hexadecimal digits. */
static int test_is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static void test_token_form(void **state)
{
	char a[AUTH_TOKEN_LEN + 1];
	char b[AUTH_TOKEN_LEN + 1];
	char ha[AUTH_HASH_LEN + 1];
	char hb[AUTH_HASH_LEN + 1];
	char again[AUTH_HASH_LEN + 1];
	char h[AUTH_HASH_LEN + 1];
	char longer[AUTH_TOKEN_LEN + 8];
	unsigned char raw[AUTH_TOKEN_BYTES + 1];
	size_t raw_len = 0;

	(void)state;
	/* The stored hash is the hex SHA-256 of the whole token, prefix included. */
	assert_int_equal(strlen(TEST_KAT_TOKEN), AUTH_TOKEN_LEN);
	assert_int_equal(auth_token_hash(TEST_KAT_TOKEN, AUTH_TOKEN_LEN, h), 0);
	assert_string_equal(h, TEST_KAT_HASH);
	assert_int_equal(auth_token_hash(TEST_KAT_TOKEN2, AUTH_TOKEN_LEN, h), 0);
	assert_string_equal(h, TEST_KAT_HASH2);
	/* Only the n bytes given are hashed, not what follows them. */
	snprintf(longer, sizeof(longer), "%sextra", TEST_KAT_TOKEN);
	assert_int_equal(auth_token_hash(longer, AUTH_TOKEN_LEN, h), 0);
	assert_string_equal(h, TEST_KAT_HASH);

	/* New tokens: "sgc_" + base64url of AUTH_TOKEN_BYTES random bytes, hash as above. */
	auth_token_new(a, ha);
	auth_token_new(b, hb);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN);
	assert_memory_equal(a, AUTH_TOKEN_PREFIX, 4);
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), a + 4, AUTH_TOKEN_B64_LEN, NULL,
					   &raw_len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	assert_int_equal(raw_len, AUTH_TOKEN_BYTES);
	assert_true(test_is_hex(ha, AUTH_HASH_LEN));
	assert_int_equal(auth_token_hash(a, strlen(a), again), 0);
	assert_string_equal(again, ha);
	assert_string_not_equal(a, b);
	assert_string_not_equal(ha, hb);
	assert_string_not_equal(ha, TEST_KAT_HASH);
}

static void test_token_malformed(void **state)
{
	char h[AUTH_HASH_LEN + 1] = "";
	char tok[AUTH_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(auth_token_hash("", 0, h), -1);
	assert_int_equal(auth_token_hash("sgc_abc", 7, h), -1);
	memset(tok, 'A', sizeof(tok));
	memcpy(tok, "sgc_", 4);
	tok[AUTH_TOKEN_LEN] = '\0';
	assert_int_equal(auth_token_hash(tok, AUTH_TOKEN_LEN, h), 0);
	tok[10] = '=';
	assert_int_equal(auth_token_hash(tok, AUTH_TOKEN_LEN, h), -1);
	tok[10] = 'A';
	memcpy(tok, "xyz_", 4);
	assert_int_equal(auth_token_hash(tok, AUTH_TOKEN_LEN, h), -1);
}

static void test_header(void **state)
{
	char tok[AUTH_TOKEN_LEN + 1];
	char hash[AUTH_HASH_LEN + 1];
	char got[AUTH_HASH_LEN + 1];
	char hdr[128];

	(void)state;
	auth_token_new(tok, hash);
	assert_int_equal(auth_parse_header(NULL, got), AUTH_MISSING);
	assert_int_equal(auth_parse_header("Basic YTpi", got), AUTH_MISSING);
	assert_int_equal(auth_parse_header("Bearer", got), AUTH_MISSING);
	assert_int_equal(auth_parse_header("Bearer abc", got), AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	assert_int_equal(auth_parse_header(hdr, got), AUTH_OK);
	assert_string_equal(got, hash);
	snprintf(hdr, sizeof(hdr), "bearer   %s  ", tok);
	assert_int_equal(auth_parse_header(hdr, got), AUTH_OK);
	snprintf(hdr, sizeof(hdr), "Bearer %s extra", tok);
	assert_int_equal(auth_parse_header(hdr, got), AUTH_INVALID);
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(auth_role_parse("director"), AUTH_ROLE_DIRECTOR);
	assert_int_equal(auth_role_parse("admin"), AUTH_ROLE_ADMIN);
	assert_int_equal(auth_role_parse("Director"), 0);
	assert_int_equal(auth_role_parse(NULL), 0);
	assert_string_equal(auth_role_name(AUTH_ROLE_APOYO), "apoyo");
	assert_string_equal(auth_role_name(AUTH_ROLE_APOYO | AUTH_ROLE_ADMIN), "");
}

static void test_users_by_token(void **state)
{
	struct store *s = test_open("users.db");
	char tok[AUTH_TOKEN_LEN + 1];
	char hash[AUTH_HASH_LEN + 1];
	char tok2[AUTH_TOKEN_LEN + 1];
	char hash2[AUTH_HASH_LEN + 1];
	char hdr[128];
	struct store_user u;
	long long id;
	int role;

	(void)state;
	auth_token_new(tok, hash);
	assert_int_equal(store_user_add(s, "Abogada Peña", "abogado", hash, TEST_NOW, &id), 0);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
	assert_int_equal(auth_check(s, hdr, &u, &role), AUTH_OK);
	assert_int_equal(u.id, id);
	assert_int_equal(role, AUTH_ROLE_ABOGADO);
	assert_string_equal(u.nombre, "Abogada Peña");
	/* rotation: the old token stops working */
	auth_token_new(tok2, hash2);
	assert_int_equal(store_user_set_token(s, id, hash2), 1);
	assert_int_equal(auth_check(s, hdr, &u, &role), AUTH_INVALID);
	assert_int_equal(store_user_set_token(s, id + 100, hash2), 0);
	assert_int_equal(store_user_get(s, id, &u), 1);
	assert_int_equal(store_user_get(s, id + 100, &u), 0);
	store_close(s);
}

/* Counts the auditoria rows of a database through its own connection. */
static long test_audit_rows(const char *name, const char *campo)
{
	char path[TEST_PATH_LEN];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM auditoria WHERE campo = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, campo, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_follow_up_audit(void **state)
{
	struct store *s = test_open("audit.db");
	struct follow_up old;
	struct follow_up cur;
	struct follow_up again;
	struct filing f;
	enum store_upsert res;
	long long uid;
	int n;

	(void)state;
	filing_init(&f);
	filing_set(&f.numero, "20243420000012");
	filing_set(&f.asunto, "Solicitud de prórroga");
	filing_set(&f.estado_ds, "vigente");
	assert_int_equal(store_user_add(s, "Directora", "director", "h1", TEST_NOW, &uid), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_upsert_filing(s, &f, "novedad_contractual", TEST_NOW, &res), 0);
	assert_int_equal(store_commit(s), 0);
	follow_up_init(&old);
	follow_up_init(&cur);
	follow_up_init(&again);
	assert_int_equal(store_follow_up_get(s, "20243420009999", &old), 0);
	assert_int_equal(store_follow_up_get(s, "20243420000012", &old), 1);
	assert_string_equal(old.v[STORE_FU_VERSION], "1");
	assert_string_equal(old.v[STORE_FU_ESTADO], "recibido");
	assert_null(old.v[STORE_FU_VALOR]);
	assert_string_equal(old.v[STORE_FU_PUBLICADO_SECOP], "0");
	follow_up_copy(&cur, &old);
	follow_up_set(&cur, STORE_FU_VALOR, "1500000");
	follow_up_set(&cur, STORE_FU_PUBLICADO_SECOP, "1");
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_follow_up_write(s, &old, &cur, uid, TEST_NOW, &n), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(n, 2);
	assert_int_equal(test_audit_rows("audit.db", "valor"), 1);
	assert_int_equal(test_audit_rows("audit.db", "publicado_secop"), 1);
	assert_int_equal(store_follow_up_get(s, "20243420000012", &again), 1);
	assert_string_equal(again.v[STORE_FU_VERSION], "2");
	assert_string_equal(again.v[STORE_FU_VALOR], "1500000");
	/* Writing over the old version again finds the row moved on: nothing written. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_follow_up_write(s, &old, &cur, uid, TEST_NOW, &n), 1);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(test_audit_rows("audit.db", "valor"), 1);
	assert_int_equal(store_fu_lookup("valor"), STORE_FU_VALOR);
	assert_int_equal(store_fu_lookup("nada"), -1);
	assert_string_equal(store_fu_name(STORE_FU_FECHA_RP), "fecha_rp");
	assert_int_equal(store_fu_kind(STORE_FU_PUBLICADO_SECOP), STORE_FU_KIND_BOOL);
	assert_true(store_commits() >= 3);
	follow_up_free(&old);
	follow_up_free(&cur);
	follow_up_free(&again);
	filing_free(&f);
	store_close(s);
}

static int test_setup(void **state)
{
	(void)state;
	snprintf(test_dir, sizeof(test_dir), "/tmp/segcont-test-auth-XXXXXX");
	if (mkdtemp(test_dir) == NULL)
		return -1;
	return sodium_init() < 0 ? -1 : 0;
}

static int test_teardown(void **state)
{
	char cmd[TEST_PATH_LEN];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_form),	   cmocka_unit_test(test_token_malformed),
	    cmocka_unit_test(test_header),	   cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_users_by_token), cmocka_unit_test(test_follow_up_audit),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
