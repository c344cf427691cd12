/* auth.h -- staff users, roles and API tokens: random tokens (libsodium) shown once and
 * stored only as SHA-256 hashes, the Bearer check of /api requests (`segcont user` is
 * cli_user.c). */
#ifndef SEGCONT_AUTH_H
#define SEGCONT_AUTH_H

#include <stddef.h>

#include "store.h"

#define AUTH_TOKEN_PREFIX "sgc_"
#define AUTH_TOKEN_BYTES 32   /* random bytes of a token */
#define AUTH_TOKEN_B64_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_TOKEN_LEN (sizeof(AUTH_TOKEN_PREFIX) - 1 + AUTH_TOKEN_B64_LEN)
#define AUTH_HASH_LEN 64    /* hex SHA-256 */
#define AUTH_HEADER_MAX 512 /* longest Authorization header looked at */

/* Roles as bits, so a route can allow several (STYLE.md: the roles column). */
enum auth_role {
	AUTH_ROLE_DIRECTOR = 1 << 0,
	AUTH_ROLE_ABOGADO = 1 << 1,
	AUTH_ROLE_APOYO = 1 << 2,
	AUTH_ROLE_ADMIN = 1 << 3,
};
#define AUTH_ROLES_ALL (AUTH_ROLE_DIRECTOR | AUTH_ROLE_ABOGADO | AUTH_ROLE_APOYO | AUTH_ROLE_ADMIN)

/* The role bit of a role name ("director"...), or 0 when unknown. */
int auth_role_parse(const char *name);
/* The name of a single role bit ("director"...), or "" for anything else. Static. */
const char *auth_role_name(int role);

/* Makes a new token: token receives "sgc_" + 43 base64url characters (NUL-terminated) and
 * hash its hex SHA-256. The caller wipes token (sodium_memzero) after showing it. Cannot
 * fail. */
void auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_HASH_LEN + 1]);

/* Hashes a presented token (n bytes, not necessarily NUL-terminated). Returns 0, or -1
 * when it does not have a token's form (then hash is untouched). */
int auth_token_hash(const char *token, size_t n, char hash[AUTH_HASH_LEN + 1]);

enum auth_result {
	AUTH_OK,
	AUTH_MISSING,  /* no Authorization header, or not the Bearer scheme */
	AUTH_INVALID,  /* malformed or unknown token */
	AUTH_INACTIVE, /* a deactivated user's token */
	AUTH_ERROR     /* the database could not be read (see store_errmsg) */
};

/* Reads the Bearer token of an Authorization header value (may be NULL) into its hash.
 * Returns AUTH_OK, AUTH_MISSING or AUTH_INVALID (malformed). */
enum auth_result auth_parse_header(const char *authorization, char hash[AUTH_HASH_LEN + 1]);

/* Finds the user of a token hash. On AUTH_OK fills u and *role (the role bit); else
 * AUTH_INVALID, AUTH_INACTIVE or AUTH_ERROR. */
enum auth_result auth_lookup(struct store *s, const char *hash, struct store_user *u, int *role);

/* Both of the above. Never logs the token. */
enum auth_result auth_check(struct store *s, const char *authorization, struct store_user *u,
			    int *role);

#endif
