/* cli_user.c -- segcont user add|token|list|disable|enable: staff users and their tokens
 * from the command line; a token is shown once (or as {"id", "token"} with --json). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cli.h"
#include "log.h"
#include "util.h"

#define CLI_USER_ID_MAX 9007199254740991L /* 2^53 - 1 */

/* A name is 1..STORE_USER_NAME_MAX bytes of UTF-8 without control characters. */
static int cli_user_valid_name(const char *n)
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

static void cli_user_show_token(const struct cli_args *o, long long id, const char *what,
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

static int cli_user_add(const struct cli_args *o)
{
	struct config cfg;
	struct store *s = NULL;
	char token[AUTH_TOKEN_LEN + 1];
	char hash[AUTH_HASH_LEN + 1];
	char now[UTIL_ISO_LEN];
	char what[STORE_USER_NAME_MAX + 96];
	long long id;
	int ret = CLI_EXIT_FAIL;

	memset(&cfg, 0, sizeof(cfg));
	if (o->nombre == NULL || o->rol == NULL || o->id != NULL) {
		cli_usage(o->cmd, stderr);
		return CLI_EXIT_USAGE;
	}
	if (!cli_user_valid_name(o->nombre)) {
		fprintf(stderr,
			"segcont: --nombre debe tener entre 1 y %d bytes de texto UTF-8 sin "
			"caracteres de control\n",
			STORE_USER_NAME_MAX);
		return CLI_EXIT_USAGE;
	}
	if (auth_role_parse(o->rol) == 0) {
		fprintf(stderr, "segcont: --rol debe ser director, abogado, apoyo o admin\n");
		return CLI_EXIT_USAGE;
	}
	s = cli_open_store(o->config, &cfg);
	if (s == NULL)
		goto done;
	auth_token_new(token, hash);
	util_now_iso(now);
	if (store_user_add(s, o->nombre, o->rol, hash, now, &id) < 0) {
		fprintf(stderr, "segcont: %s\n", store_errmsg(s));
		goto done;
	}
	snprintf(what, sizeof(what), "usuario %lld creado: %s (%s)", id, o->nombre, o->rol);
	cli_user_show_token(o, id, what, token);
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
static struct store *cli_user_by_id(const struct cli_args *o, struct config *cfg,
				    struct store_user *u, int *ret)
{
	struct store *s;
	long id;
	int found;

	*ret = CLI_EXIT_USAGE;
	if (o->id == NULL || o->nombre != NULL || o->rol != NULL) {
		cli_usage(o->cmd, stderr);
		return NULL;
	}
	if (o->id[0] < '0' || o->id[0] > '9' || parse_long(o->id, 1, CLI_USER_ID_MAX, &id) < 0) {
		fprintf(stderr, "segcont: --id debe ser un número de usuario\n");
		return NULL;
	}
	*ret = CLI_EXIT_FAIL;
	s = cli_open_store(o->config, cfg);
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

static int cli_user_token(const struct cli_args *o)
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
	s = cli_user_by_id(o, &cfg, &u, &ret);
	if (s == NULL)
		goto done;
	ret = CLI_EXIT_FAIL;
	auth_token_new(token, hash);
	if (store_user_set_token(s, u.id, hash) != 1) {
		fprintf(stderr, "segcont: %s\n", store_errmsg(s));
		goto done;
	}
	snprintf(what, sizeof(what), "token de %s (usuario %lld) renovado; el anterior ya no vale",
		 u.nombre, u.id);
	cli_user_show_token(o, u.id, what, token);
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
static int cli_user_set_active(const struct cli_args *o, int activo)
{
	struct config cfg;
	struct store *s;
	struct store_user u;
	int ret;

	memset(&cfg, 0, sizeof(cfg));
	s = cli_user_by_id(o, &cfg, &u, &ret);
	if (s == NULL)
		goto done;
	ret = CLI_EXIT_FAIL;
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

static int cli_user_disable(const struct cli_args *o)
{
	return cli_user_set_active(o, 0);
}

static int cli_user_enable(const struct cli_args *o)
{
	return cli_user_set_active(o, 1);
}

struct cli_user_list {
	int json;
	json_t *arr;
};

static int cli_user_list_one(const struct store_user *u, void *arg)
{
	struct cli_user_list *l = arg;

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

static int cli_user_list(const struct cli_args *o)
{
	struct config cfg;
	struct store *s = NULL;
	struct cli_user_list l;
	int ret = CLI_EXIT_FAIL;

	memset(&cfg, 0, sizeof(cfg));
	l.json = o->json;
	l.arr = json_array();
	if (o->id != NULL || o->nombre != NULL || o->rol != NULL) {
		cli_usage(o->cmd, stderr);
		ret = CLI_EXIT_USAGE;
		goto done;
	}
	s = cli_open_store(o->config, &cfg);
	if (s == NULL)
		goto done;
	if (!o->json)
		printf("%-5s %-9s %-8s %-25s %s\n", "id", "rol", "activo", "creado", "nombre");
	if (store_user_list(s, cli_user_list_one, &l) < 0) {
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

/* The words after "user", each with what it runs. */
static const struct {
	const char *name;
	int (*exec)(const struct cli_args *o);
} cli_user_subs[] = {
    {"add", cli_user_add},	   {"token", cli_user_token},	{"list", cli_user_list},
    {"disable", cli_user_disable}, {"enable", cli_user_enable},
};

int cli_user(const struct cli_args *a)
{
	const char *sub = a->argv[0];

	for (size_t i = 0; i < sizeof(cli_user_subs) / sizeof(cli_user_subs[0]); i++) {
		if (strcmp(sub, cli_user_subs[i].name) == 0)
			return cli_user_subs[i].exec(a);
	}
	fprintf(stderr, "segcont: orden desconocida «user %s»\n", sub);
	cli_usage(a->cmd, stderr);
	return CLI_EXIT_USAGE;
}
