/* auth.c -- users, roles and API tokens: 32 random bytes from libsodium as "sgc_" +
 * base64url, shown once, stored as hex SHA-256 and looked up by that hash; `segcont user`. */
#include "auth.h"

#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"
#include "util.h"

#define AUTH_EXIT_FAIL 1
#define AUTH_EXIT_USAGE 2
#define AUTH_BEARER "Bearer"
#define AUTH_ID_MAX 9007199254740991L /* 2^53 - 1 */

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

/* ---- segcont user */

struct auth_cli_opts {
	const char *config;
	const char *nombre;
	const char *rol;
	const char *id;
	int json;
};

static void auth_cli_usage(void)
{
	fprintf(stderr, "uso: segcont user add   [-c ARCHIVO] --nombre NOMBRE "
			"--rol director|abogado|apoyo|admin [--json]\n"
			"     segcont user token [-c ARCHIVO] --id N [--json]\n"
			"     segcont user list  [-c ARCHIVO] [--json]\n"
			"     segcont user disable|enable [-c ARCHIVO] --id N [--json]\n");
}

/* Parses the options after the subcommand (argv[0] is the subcommand). 0 or -1. */
static int auth_cli_parse(int argc, char **argv, struct auth_cli_opts *o)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'}, {"nombre", required_argument, NULL, 'n'},
	    {"rol", required_argument, NULL, 'r'},    {"id", required_argument, NULL, 'i'},
	    {"json", no_argument, NULL, 'j'},	      {NULL, 0, NULL, 0}};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'n':
			o->nombre = optarg;
			break;
		case 'r':
			o->rol = optarg;
			break;
		case 'i':
			o->id = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "segcont: argumento inesperado «%s»\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Opens the configured database. Returns a store or NULL after printing why. */
static struct store *auth_cli_open(const struct auth_cli_opts *o, struct config *cfg)
{
	char err[CONFIG_ERR_LEN * 4];
	const char *path = o->config != NULL ? o->config : config_default_path();
	struct store *s;

	if (config_load(cfg, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	s = store_open(cfg->store_path, err, sizeof(err));
	if (s == NULL)
		fprintf(stderr, "segcont: %s\n", err);
	return s;
}

/* A name is 1..STORE_USER_NAME_MAX bytes of UTF-8 without control characters. */
static int auth_cli_valid_name(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > STORE_USER_NAME_MAX || !util_utf8_valid(n, len))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)n[i] < 0x20 || n[i] == 0x7f)
			return 0;
	}
	return n[strspn(n, " ")] != '\0';
}

static void auth_cli_show_token(const struct auth_cli_opts *o, long long id, const char *what,
				const char *token)
{
	if (o->json) {
		printf("{\"id\": %lld, \"token\": \"%s\"}\n", id, token);
	} else {
		printf("%s\n", what);
		printf("token (se muestra una sola vez; guárdelo ahora):\n%s\n", token);
	}
	fflush(stdout);
}

static int auth_cli_add(const struct auth_cli_opts *o)
{
	struct config cfg;
	struct store *s = NULL;
	char token[AUTH_TOKEN_LEN + 1];
	char hash[AUTH_HASH_LEN + 1];
	char now[UTIL_ISO_LEN];
	char what[STORE_USER_NAME_MAX + 96];
	long long id;
	int ret = AUTH_EXIT_FAIL;

	memset(&cfg, 0, sizeof(cfg));
	if (o->nombre == NULL || o->rol == NULL || o->id != NULL) {
		auth_cli_usage();
		return AUTH_EXIT_USAGE;
	}
	if (!auth_cli_valid_name(o->nombre)) {
		fprintf(stderr,
			"segcont: --nombre debe tener entre 1 y %d bytes de texto UTF-8 sin "
			"caracteres de control\n",
			STORE_USER_NAME_MAX);
		return AUTH_EXIT_USAGE;
	}
	if (auth_role_parse(o->rol) == 0) {
		fprintf(stderr, "segcont: --rol debe ser director, abogado, apoyo o admin\n");
		return AUTH_EXIT_USAGE;
	}
	s = auth_cli_open(o, &cfg);
	if (s == NULL)
		goto done;
	auth_token_new(token, hash);
	util_now_iso(now);
	if (store_user_add(s, o->nombre, o->rol, hash, now, &id) < 0) {
		fprintf(stderr, "segcont: %s\n", store_errmsg(s));
		goto done;
	}
	snprintf(what, sizeof(what), "usuario %lld creado: %s (%s)", id, o->nombre, o->rol);
	auth_cli_show_token(o, id, what, token);
	log_info("auth", "usuario %lld creado con rol %s", id, o->rol);
	ret = 0;
done:
	sodium_memzero(token, sizeof(token));
	store_close(s);
	config_free(&cfg);
	return ret;
}

/* The user named by --id (the only option besides -c and --json): opens the database and
 * finds it. Returns the store with u filled, or NULL after printing why, with *ret set to
 * the exit status. */
static struct store *auth_cli_user_by_id(const struct auth_cli_opts *o, struct config *cfg,
					 struct store_user *u, int *ret)
{
	struct store *s;
	long id;
	int found;

	*ret = AUTH_EXIT_USAGE;
	if (o->id == NULL || o->nombre != NULL || o->rol != NULL) {
		auth_cli_usage();
		return NULL;
	}
	if (o->id[0] < '0' || o->id[0] > '9' || parse_long(o->id, 1, AUTH_ID_MAX, &id) < 0) {
		fprintf(stderr, "segcont: --id debe ser un número de usuario\n");
		return NULL;
	}
	*ret = AUTH_EXIT_FAIL;
	s = auth_cli_open(o, cfg);
	if (s == NULL)
		return NULL;
	found = store_user_get(s, id, u);
	if (found <= 0) {
		fprintf(stderr, "segcont: %s\n",
			found < 0 ? store_errmsg(s) : "no existe un usuario con ese id");
		store_close(s);
		return NULL;
	}
	return s;
}

static int auth_cli_token(const struct auth_cli_opts *o)
{
	struct config cfg;
	struct store *s;
	struct store_user u;
	char token[AUTH_TOKEN_LEN + 1];
	char hash[AUTH_HASH_LEN + 1];
	char what[STORE_USER_NAME_MAX + 96];
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	memset(token, 0, sizeof(token));
	s = auth_cli_user_by_id(o, &cfg, &u, &ret);
	if (s == NULL)
		goto done;
	ret = AUTH_EXIT_FAIL;
	auth_token_new(token, hash);
	if (store_user_set_token(s, u.id, hash) != 1) {
		fprintf(stderr, "segcont: %s\n", store_errmsg(s));
		goto done;
	}
	snprintf(what, sizeof(what), "token de %s (usuario %lld) renovado; el anterior ya no vale",
		 u.nombre, u.id);
	auth_cli_show_token(o, u.id, what, token);
	log_info("auth", "token del usuario %lld renovado", u.id);
	ret = 0;
done:
	sodium_memzero(token, sizeof(token));
	store_close(s);
	config_free(&cfg);
	return ret;
}

/* `user disable` / `user enable`: a deactivated user keeps their history and their
 * assigned filings (the Director reassigns them) but their token is refused at once. */
static int auth_cli_set_active(const struct auth_cli_opts *o, int activo)
{
	struct config cfg;
	struct store *s;
	struct store_user u;
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	s = auth_cli_user_by_id(o, &cfg, &u, &ret);
	if (s == NULL)
		goto done;
	ret = AUTH_EXIT_FAIL;
	if (store_user_set_active(s, u.id, activo) != 1) {
		fprintf(stderr, "segcont: %s\n", store_errmsg(s));
		goto done;
	}
	if (o->json)
		printf("{\"id\": %lld, \"activo\": %s}\n", u.id, activo ? "true" : "false");
	else
		printf("usuario %lld (%s, %s) %s\n", u.id, u.nombre, u.rol,
		       activo ? "activado" : "desactivado: su token ya no vale");
	log_info("auth", "usuario %lld %s", u.id, activo ? "activado" : "desactivado");
	ret = 0;
done:
	store_close(s);
	config_free(&cfg);
	return ret;
}

struct auth_cli_list {
	int json;
	json_t *arr;
};

static int auth_cli_list_one(const struct store_user *u, void *arg)
{
	struct auth_cli_list *l = arg;

	if (l->json) {
		json_array_append_new(l->arr,
				      json_pack("{s:I, s:s, s:s, s:b, s:s}", "id",
						(json_int_t)u->id, "nombre", u->nombre, "rol",
						u->rol, "activo", u->activo, "creado", u->creado));
		return 0;
	}
	/* "sí" is two characters in three bytes: pad by hand. */
	printf("%-5lld %-9s %s%s %-25s %s\n", u->id, u->rol, u->activo ? "sí" : "no", "      ",
	       u->creado, u->nombre);
	return 0;
}

static int auth_cli_list(const struct auth_cli_opts *o)
{
	struct config cfg;
	struct store *s = NULL;
	struct auth_cli_list l;
	int ret = AUTH_EXIT_FAIL;

	memset(&cfg, 0, sizeof(cfg));
	l.json = o->json;
	l.arr = json_array();
	if (o->id != NULL || o->nombre != NULL || o->rol != NULL) {
		auth_cli_usage();
		ret = AUTH_EXIT_USAGE;
		goto done;
	}
	s = auth_cli_open(o, &cfg);
	if (s == NULL)
		goto done;
	if (!o->json)
		printf("%-5s %-9s %-8s %-25s %s\n", "id", "rol", "activo", "creado", "nombre");
	if (store_user_list(s, auth_cli_list_one, &l) < 0) {
		fprintf(stderr, "segcont: %s\n", store_errmsg(s));
		goto done;
	}
	if (o->json) {
		char *text = json_dumps(l.arr, JSON_INDENT(2));

		if (text != NULL)
			printf("%s\n", text);
		free(text);
	}
	ret = 0;
done:
	json_decref(l.arr);
	store_close(s);
	config_free(&cfg);
	return ret;
}

int auth_cli_user(int argc, char **argv)
{
	struct auth_cli_opts o;
	const char *sub = argc >= 2 ? argv[1] : NULL;

	if (sub == NULL || sub[0] == '-') {
		auth_cli_usage();
		return AUTH_EXIT_USAGE;
	}
	if (auth_cli_parse(argc - 1, argv + 1, &o) < 0) {
		auth_cli_usage();
		return AUTH_EXIT_USAGE;
	}
	if (strcmp(sub, "add") == 0)
		return auth_cli_add(&o);
	if (strcmp(sub, "token") == 0)
		return auth_cli_token(&o);
	if (strcmp(sub, "list") == 0)
		return auth_cli_list(&o);
	if (strcmp(sub, "disable") == 0)
		return auth_cli_set_active(&o, 0);
	if (strcmp(sub, "enable") == 0)
		return auth_cli_set_active(&o, 1);
	fprintf(stderr, "segcont: orden desconocida «user %s»\n", sub);
	auth_cli_usage();
	return AUTH_EXIT_USAGE;
}
