/* auth.c -- users, roles and API tokens: 32 random bytes from libsodium as "sgc_" +
 * base64url, shown once, stored as hex SHA-256 and looked up by that hash. */
#include "auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"

#define AUTH_BEARER "Bearer"

static const struct {
	const char *name;
	int role;
} auth_roles[] = {
    {"director", AUTH_ROLE_DIRECTOR},
    {"abogado", AUTH_ROLE_ABOGADO},
    {"apoyo", AUTH_ROLE_APOYO},
    {"admin", AUTH_ROLE_ADMIN},
};
#define AUTH_NROLES (sizeof(auth_roles) / sizeof(auth_roles[0]))

int auth_role_parse(const char *name)
{
	if (name == NULL)
		return 0;
	for (size_t i = 0; i < AUTH_NROLES; i++) {
		if (strcmp(name, auth_roles[i].name) == 0)
			return auth_roles[i].role;
	}
	return 0;
}

const char *auth_role_name(int role)
{
	for (size_t i = 0; i < AUTH_NROLES; i++) {
		if (role == auth_roles[i].role)
			return auth_roles[i].name;
	}
	return "";
}

static void auth_hash_hex(const char *token, size_t n, char hash[AUTH_HASH_LEN + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, (const unsigned char *)token, n);
	sodium_bin2hex(hash, AUTH_HASH_LEN + 1, digest, sizeof(digest));
	sodium_memzero(digest, sizeof(digest));
}

void auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_HASH_LEN + 1])
{
	unsigned char raw[AUTH_TOKEN_BYTES];
	const size_t plen = sizeof(AUTH_TOKEN_PREFIX) - 1;

	if (sodium_init() < 0) {
		/* randombytes cannot work without it: nothing sensible is left to do. */
		log_error("auth", "no se pudo iniciar libsodium");
		abort();
	}
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, AUTH_TOKEN_PREFIX, plen);
	sodium_bin2base64(token + plen, AUTH_TOKEN_B64_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	auth_hash_hex(token, AUTH_TOKEN_LEN, hash);
}

int auth_token_hash(const char *token, size_t n, char hash[AUTH_HASH_LEN + 1])
{
	const size_t plen = sizeof(AUTH_TOKEN_PREFIX) - 1;

	if (n != AUTH_TOKEN_LEN || memcmp(token, AUTH_TOKEN_PREFIX, plen) != 0)
		return -1;
	for (size_t i = plen; i < n; i++) {
		char c = token[i];
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_';

		if (!ok)
			return -1;
	}
	auth_hash_hex(token, n, hash);
	return 0;
}

enum auth_result auth_parse_header(const char *authorization, char hash[AUTH_HASH_LEN + 1])
{
	const size_t blen = sizeof(AUTH_BEARER) - 1;
	const char *tok;
	size_t n;

	if (authorization == NULL || strnlen(authorization, AUTH_HEADER_MAX) >= AUTH_HEADER_MAX)
		return authorization == NULL ? AUTH_MISSING : AUTH_INVALID;
	if (strncasecmp(authorization, AUTH_BEARER, blen) != 0 ||
	    (authorization[blen] != ' ' && authorization[blen] != '\t'))
		return AUTH_MISSING;
	tok = authorization + blen;
	tok += strspn(tok, " \t");
	n = strcspn(tok, " \t");
	if (tok[n + strspn(tok + n, " \t")] != '\0')
		return AUTH_INVALID;
	if (auth_token_hash(tok, n, hash) < 0)
		return AUTH_INVALID;
	return AUTH_OK;
}

enum auth_result auth_lookup(struct store *s, const char *hash, struct store_user *u, int *role)
{
	int found = store_user_by_token(s, hash, u);

	if (found < 0)
		return AUTH_ERROR;
	if (found == 0)
		return AUTH_INVALID;
	*role = auth_role_parse(u->rol);
	if (*role == 0)
		return AUTH_INVALID;
	if (!u->activo)
		return AUTH_INACTIVE;
	return AUTH_OK;
}

enum auth_result auth_check(struct store *s, const char *authorization, struct store_user *u,
			    int *role)
{
	char hash[AUTH_HASH_LEN + 1];
	enum auth_result r = auth_parse_header(authorization, hash);

	if (r != AUTH_OK)
		return r;
	return auth_lookup(s, hash, u, role);
}
