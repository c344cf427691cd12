/* ds_http_auth.c -- the credentials of format-json profiles: HTTP Basic (the configured user,
 * the key file's password, given to libcurl, never in the URL), a bearer token from the key
 * file, or OAuth2 client credentials (RFC 6749 §4.4): a token fetched from the token
 * endpoint, kept until shortly before it expires, renewed once when a call gets a 401.
 * Secrets are wiped after use and never logged. */
#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ds_client_int.h"
#include "log.h"
#include "util.h"

#define DS_AUTH_MAX_TOKEN 8192	   /* bytes of an access token */
#define DS_AUTH_EXPIRY_MARGIN_S 30 /* a token is renewed this long before it expires */

static void ds_auth_wipe_free(char *s)
{
	if (s != NULL)
		util_wipe(s, strlen(s));
	free(s);
}

void ds_auth_forget(struct ds_client *dc)
{
	ds_auth_wipe_free(dc->token);
	dc->token = NULL;
	dc->token_expires = 0;
}

/* Appends "name: value" to *slist, going through a wiped buffer. */
static void ds_auth_header(struct curl_slist **slist, const char *name, const char *prefix,
			   const char *value)
{
	char *line = xasprintf("%s: %s%s", name, prefix, value);

	*slist = curl_slist_append(*slist, line);
	ds_auth_wipe_free(line);
}

/* x-www-form-urlencoded value of s (a new string, wiped by the caller). */
static char *ds_auth_encode(CURL *easy, const char *s)
{
	char *e = curl_easy_escape(easy, s, (int)strlen(s));
	char *out;

	if (e == NULL) {
		log_error("ds_client", "curl_easy_escape falló");
		abort();
	}
	out = xstrdup(e);
	util_wipe(e, strlen(e));
	curl_free(e);
	return out;
}

/* The token endpoint: the configuration's token_url, else the mapping's template. */
static char *ds_auth_token_url(struct ds_client *dc, char *err, size_t errlen)
{
	struct mapping_auth a;
	struct mapping_vars v;

	if (dc->cfg->ds_token_url != NULL && dc->cfg->ds_token_url[0] != '\0')
		return xstrdup(dc->cfg->ds_token_url);
	mapping_json_auth(dc->map, &a);
	mapping_vars_init(&v);
	v.url = dc->cfg->ds_url;
	v.user = dc->cfg->ds_user;
	v.dependencia = dc->cfg->ds_dependencia;
	return mapping_json_expand_url(a.token_url, &v, err, errlen);
}

/* Fetches a new access token into dc. Returns DS_OK, or the failure with err filled. */
static enum ds_answer ds_auth_fetch(struct ds_client *dc, char *err, size_t errlen)
{
	const struct config *cfg = dc->cfg;
	struct mapping_auth a;
	struct ds_call call;
	struct buf body;
	char uerr[DS_CLIENT_ERR_LEN];
	CURL *enc = curl_easy_init();
	enum ds_answer ans;

	if (enc == NULL) {
		log_error("ds_client", "curl_easy_init falló");
		abort();
	}
	mapping_json_auth(dc->map, &a);
	ds_call_init(&call, DS_CALL_TOKEN);
	strlcpy_s(call.label, "token OAuth2", sizeof(call.label));
	call.post = 1;
	call.url = ds_auth_token_url(dc, uerr, sizeof(uerr));
	if (call.url == NULL) {
		set_error(err, errlen, "token OAuth2: no se pudo armar la url (auth.token_url): %s",
			  uerr);
		curl_easy_cleanup(enc);
		return DS_FAULT_CLIENT;
	}
	buf_init(&body);
	buf_puts(&body, "grant_type=client_credentials");
	if (a.scope != NULL && a.scope[0] != '\0') {
		char *s = ds_auth_encode(enc, a.scope);

		buf_printf(&body, "&scope=%s", s);
		free(s);
	}
	if (a.client_auth_form) {
		char *id = ds_auth_encode(enc, cfg->ds_user);
		char *secret = ds_auth_encode(enc, cfg->ds_key);

		buf_printf(&body, "&client_id=%s&client_secret=%s", id, secret);
		ds_auth_wipe_free(id);
		ds_auth_wipe_free(secret);
	} else {
		/* RFC 6749 §2.3.1: id and secret form-encoded, then HTTP Basic. */
		call.user = ds_auth_encode(enc, cfg->ds_user);
		call.password = ds_auth_encode(enc, cfg->ds_key);
	}
	curl_easy_cleanup(enc);
	call.body_len = body.len;
	call.body = buf_steal(&body);
	call.headers = xcalloc(2, sizeof(*call.headers));
	call.headers[call.nheaders++] = xstrdup("Content-Type: application/x-www-form-urlencoded");
	call.headers[call.nheaders++] = xstrdup("Accept: application/json");
	ans = ds_client_run(dc, dc->auth_multi, &call, 1, err, errlen);
	ds_call_free(dc, &call);
	return ans;
}

/* A valid token in dc (fetched when missing or about to expire). DS_OK or the failure. */
static enum ds_answer ds_auth_token(struct ds_client *dc, char *err, size_t errlen)
{
	if (dc->token != NULL && util_monotonic_ms() < dc->token_expires)
		return DS_OK;
	ds_auth_forget(dc);
	return ds_auth_fetch(dc, err, errlen);
}

int ds_auth_apply(struct ds_client *dc, struct ds_call *call, struct curl_slist **slist)
{
	const struct config *cfg = dc->cfg;
	struct mapping_auth a;
	char err[DS_CLIENT_ERR_LEN];
	enum ds_answer ans;

	mapping_json_auth(dc->map, &a);
	switch (a.kind) {
	case MA_NONE:
		return 0;
	case MA_BASIC:
	case MA_OAUTH2:
		if (cfg->ds_user == NULL || cfg->ds_user[0] == '\0') {
			call->answer = DS_AUTH;
			set_error(call->err, sizeof(call->err),
				  "%s: el perfil %s usa autenticación %s y falta document_system.user "
				  "en la configuración",
				  call->label, mapping_profile(dc->map),
				  a.kind == MA_BASIC ? "basic" : "oauth2");
			return -1;
		}
		if (a.kind == MA_BASIC) {
			curl_easy_setopt(call->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(call->easy, CURLOPT_USERNAME, cfg->ds_user);
			curl_easy_setopt(call->easy, CURLOPT_PASSWORD, cfg->ds_key);
			return 0;
		}
		ans = ds_auth_token(dc, err, sizeof(err));
		if (ans != DS_OK) {
			call->answer = ans;
			set_error(call->err, sizeof(call->err), "%s: %s", call->label, err);
			return -1;
		}
		call->auth_gen = dc->token_gen;
		ds_auth_header(slist, "Authorization", "Bearer ", dc->token);
		return 0;
	case MA_BEARER:
		ds_auth_header(slist, a.header, a.prefix ? a.prefix : "", cfg->ds_key);
		return 0;
	}
	return 0;
}

int ds_auth_renew(struct ds_client *dc, struct ds_call *call)
{
	struct mapping_auth a;

	mapping_json_auth(dc->map, &a);
	if (a.kind != MA_OAUTH2 || call->renewed)
		return 0;
	call->renewed = 1;
	/* Another call may have renewed it already: then just send again with the new one. */
	if (call->auth_gen == dc->token_gen)
		ds_auth_forget(dc);
	return 1;
}

/* RFC 6749 §5.2 error codes and what they mean for us. */
static enum ds_answer ds_auth_error_kind(const char *code, long status, const char **what)
{
	static const struct {
		const char *code;
		enum ds_answer a;
		const char *what;
	} table[] = {
	    {"invalid_client", DS_AUTH,
	     "rechazó las credenciales del cliente: revise document_system.user y key_file"},
	    {"unauthorized_client", DS_AUTH,
	     "no autoriza a este cliente a pedir tokens con sus credenciales"},
	    {"invalid_grant", DS_AUTH, "rechazó la concesión de credenciales del cliente"},
	    {"invalid_scope", DS_FAULT_CLIENT, "no acepta el alcance pedido (auth.scope del mapeo)"},
	    {"unsupported_grant_type", DS_FAULT_CLIENT,
	     "no acepta client_credentials (el servidor no ofrece ese flujo)"},
	    {"invalid_request", DS_FAULT_CLIENT, "dice que la petición de token está mal formada"},
	};

	for (size_t i = 0; code != NULL && i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(code, table[i].code) == 0) {
			*what = table[i].what;
			return table[i].a;
		}
	}
	if (status == 401 || status == 403) {
		*what = "rechazó las credenciales del cliente: revise document_system.user y key_file";
		return DS_AUTH;
	}
	if (status == 408 || status == 429 || status >= 500) {
		*what = "no está disponible";
		return DS_FAULT_SERVER;
	}
	*what = "rechazó la petición de token";
	return DS_FAULT_CLIENT;
}

/* An access token: printable ASCII without spaces (it goes into a header). */
static int ds_auth_token_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > DS_AUTH_MAX_TOKEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] <= ' ' || t[i] > '~')
			return 0;
	}
	return 1;
}

/* A good answer: keeps its token and expiry. */
static enum ds_attempt ds_auth_keep(struct ds_client *dc, struct ds_call *call, json_t *doc)
{
	json_t *tok = json_object_get(doc, "access_token");
	json_t *type = json_object_get(doc, "token_type");
	json_t *exp = json_object_get(doc, "expires_in");
	long long secs = -1;

	if (!json_is_string(tok) || !ds_auth_token_ok(json_string_value(tok))) {
		call->answer = DS_MALFORMED;
		set_error(call->err, sizeof(call->err),
			  "%s: la respuesta del servidor de tokens no trae un access_token válido",
			  call->label);
		return DS_ATTEMPT_RETRY;
	}
	if (type != NULL && (!json_is_string(type) ||
			     strcasecmp(json_string_value(type), "bearer") != 0)) {
		char esc[48];

		call->answer = DS_FAULT_CLIENT;
		set_error(call->err, sizeof(call->err),
			  "%s: el servidor de tokens da tokens de tipo \"%s\"; segcont solo usa "
			  "bearer",
			  call->label,
			  json_is_string(type) ? log_escape(json_string_value(type), 32, esc,
							     sizeof(esc))
					       : "?");
		return DS_ATTEMPT_FATAL;
	}
	if (json_is_integer(exp) && json_integer_value(exp) > 0)
		secs = (long long)json_integer_value(exp);
	else if (json_is_string(exp)) {
		long n;

		if (parse_long(json_string_value(exp), 1, 100L * 365 * 86400, &n) == 0)
			secs = n;
	}
	ds_auth_forget(dc);
	dc->token = xstrdup(json_string_value(tok));
	dc->token_gen++;
	if (secs > 0) {
		long long keep = secs > 2 * DS_AUTH_EXPIRY_MARGIN_S ? secs - DS_AUTH_EXPIRY_MARGIN_S
								  : secs / 2;

		dc->token_expires = util_monotonic_ms() + keep * 1000;
		log_info("ds_client", "token OAuth2 obtenido; se usa %lld s (vence en %lld s)", keep,
			 secs);
	} else {
		dc->token_expires = LLONG_MAX;
		log_info("ds_client", "token OAuth2 obtenido, sin vencimiento: se usa hasta un 401");
	}
	call->answer = DS_OK;
	return DS_ATTEMPT_OK;
}

enum ds_attempt ds_auth_token_finish(struct ds_client *dc, struct ds_call *call, long status,
				     const char *ctype)
{
	char perr[DS_CLIENT_ERR_LEN];
	char code[64] = "";
	char desc[160] = "";
	const char *what;
	json_t *doc;
	json_t *v;
	enum ds_answer a;

	doc = mapping_json_parse(call->resp.data, call->resp.len, perr, sizeof(perr));
	if (doc != NULL && json_is_object(doc) && status >= 200 && status < 300) {
		enum ds_attempt at = ds_auth_keep(dc, call, doc);

		json_decref(doc);
		return at;
	}
	if (doc == NULL && status >= 200 && status < 300) {
		int html = ctype != NULL && strncasecmp(ctype, "text/html", 9) == 0;

		json_decref(doc);
		call->answer = DS_MALFORMED;
		set_error(call->err, sizeof(call->err),
			  "%s: HTTP %ld del servidor de tokens con %s", call->label, status,
			  html ? "una página HTML en vez de JSON" : "una respuesta que no es JSON");
		return DS_ATTEMPT_RETRY;
	}
	v = json_is_object(doc) ? json_object_get(doc, "error") : NULL;
	if (json_is_string(v))
		log_escape(json_string_value(v), 48, code, sizeof(code));
	v = json_is_object(doc) ? json_object_get(doc, "error_description") : NULL;
	if (json_is_string(v))
		log_escape(json_string_value(v), 120, desc, sizeof(desc));
	json_decref(doc);
	a = ds_auth_error_kind(code[0] ? code : NULL, status, &what);
	call->answer = a;
	set_error(call->err, sizeof(call->err), "%s: HTTP %ld, el servidor de tokens %s%s%s%s%s%s",
		  call->label, status, what, code[0] ? " (" : "", code, desc[0] ? ": " : "", desc,
		  code[0] ? ")" : "");
	return a == DS_FAULT_SERVER ? DS_ATTEMPT_RETRY : DS_ATTEMPT_FATAL;
}
