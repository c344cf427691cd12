/* cli_check_mapping.c -- segcont check-mapping: validates a mapping file offline with the
 * daemon's own loader, naming every error it can find with its file and key, summarises
 * what the mapping does, and with --muestra shows what it extracts from a saved answer. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mapping.h"
#include "util.h"

#define CHECK_MAPPING_MAX_ERRORS 64 /* errors reported before giving up */
#define CHECK_MAPPING_MAX_FILES 8   /* the file and its bases (the loader allows 4 levels) */
#define CHECK_MAPPING_ERR_LEN 2048
#define CHECK_MAPPING_CELL 28	   /* characters of a table cell */
#define CHECK_MAPPING_SHOWN_IDS 20 /* deleted ids listed */
#define CHECK_MAPPING_STATUS 200   /* HTTP status of a saved answer unless --estado */

/* One error: the file that holds the key (or the file checked), the key's dotted path ("" when
 * the error has none) and the loader's message. All owned. */
struct check_mapping_error {
	char *file;
	char *key;
	char *msg;
};

struct check_mapping {
	const char *path;
	/* The file and the bases it names, top first, as written (for naming where a key is). */
	char *files[CHECK_MAPPING_MAX_FILES];
	json_t *raw[CHECK_MAPPING_MAX_FILES];
	size_t nfiles;
	struct check_mapping_error errors[CHECK_MAPPING_MAX_ERRORS];
	size_t nerrors;
	/* Keys whose bad value was taken out to look further: a later error that follows from
	 * taking it out (a "falta", the same object) is not reported. */
	char *removed[CHECK_MAPPING_MAX_ERRORS];
	size_t nremoved;
	/* Keys whose bad value was replaced by a neutral one: a later error near them is not
	 * reported either. */
	char *substituted[CHECK_MAPPING_MAX_ERRORS];
	size_t nsubstituted;
	int complete; /* the loader got to the end once the errors were put aside */
};

static int check_mapping_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---------------------------------------------------------------- the files */

/* Reads the file and every base it names, as written, into c (stops quietly at the first
 * that does not read: the loader reports it). */
static void check_mapping_chain(struct check_mapping *c)
{
	char *path = xstrdup(c->path);

	while (c->nfiles < CHECK_MAPPING_MAX_FILES) {
		json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
		const json_t *base;
		const char *slash;

		if (!json_is_object(root)) {
			json_decref(root);
			break;
		}
		c->files[c->nfiles] = path;
		c->raw[c->nfiles++] = root;
		base = json_object_get(root, "base");
		if (!json_is_string(base) || json_string_length(base) == 0)
			return;
		slash = strrchr(path, '/');
		if (json_string_value(base)[0] == '/' || slash == NULL)
			path = xstrdup(json_string_value(base));
		else
			path = xasprintf("%.*s/%s", (int)(slash - path), path,
					 json_string_value(base));
	}
	free(path);
}

/* Follows a dotted key path ("requests.list.answer.fields.numero", "errors.rules.0") in v:
 * objects by member, arrays by index. Returns how many components resolved; *parent and
 * last receive the container of the last one and its name when every one did. */
static size_t check_mapping_walk(json_t *v, const char *key, json_t **parent, char *last,
				 size_t lastlen)
{
	size_t depth = 0;
	const char *p = key;

	if (parent != NULL)
		*parent = NULL;
	while (*p != '\0' && v != NULL) {
		size_t n = strcspn(p, ".");
		char part[256];
		json_t *next = NULL;
		long idx;

		snprintf(part, sizeof(part), "%.*s", (int)n, p);
		if (json_is_object(v))
			next = json_object_get(v, part);
		else if (json_is_array(v) && parse_long(part, 0, 1000000, &idx) == 0)
			next = json_array_get(v, (size_t)idx);
		if (next == NULL)
			break;
		depth++;
		if (p[n] == '\0' && parent != NULL) {
			*parent = v;
			strlcpy_s(last, part, lastlen);
		}
		v = next;
		p += n + (p[n] == '.');
	}
	return depth;
}

/* The file of the chain where key is written (the top-most that holds it, or that holds
 * most of its path). Borrowed. */
static const char *check_mapping_origin(const struct check_mapping *c, const char *key)
{
	const char *best = c->path;
	size_t best_depth = 0;

	for (size_t i = 0; i < c->nfiles && key[0] != '\0'; i++) {
		size_t d = check_mapping_walk(c->raw[i], key, NULL, NULL, 0);

		if (d > best_depth) {
			best_depth = d;
			best = c->files[i];
		}
	}
	return best;
}

/* Takes key out of root (its member or array element). 0, or -1 when it is not there. */
static int check_mapping_remove(json_t *root, const char *key)
{
	json_t *parent;
	char last[256];
	long idx;

	check_mapping_walk(root, key, &parent, last, sizeof(last));
	if (parent == NULL)
		return -1;
	if (json_is_object(parent))
		return json_object_del(parent, last);
	if (parse_long(last, 0, 1000000, &idx) < 0)
		return -1;
	return json_array_remove(parent, (size_t)idx);
}

/* ---------------------------------------------------------------- validation */

/* Splits the loader's "FILE: KEY: MESSAGE" into key and message (new strings); an error
 * without a key ("FILE:3: JSON no válido...") gives key "". */
static void check_mapping_split(const char *path, const char *err, char **key, char **msg)
{
	const char *rest = err;
	const char *colon;
	size_t pl = strlen(path);

	if (strncmp(err, path, pl) == 0 && err[pl] == ':' && err[pl + 1] == ' ')
		rest = err + pl + 2;
	else if (strncmp(err, path, pl) == 0 && err[pl] == ':')
		rest = NULL;
	colon = rest != NULL ? strstr(rest, ": ") : NULL;
	if (rest == NULL) {
		/* "FILE:LINE: JSON no válido: ..." */
		*key = xstrdup("");
		*msg = xasprintf("línea %s", err + pl + 1);
		return;
	}
	if (colon == NULL || memchr(rest, ' ', (size_t)(colon - rest)) != NULL) {
		*key = xstrdup("");
		*msg = xstrdup(rest);
		return;
	}
	*key = xstrndup(rest, (size_t)(colon - rest));
	*msg = xstrdup(colon + 2);
}

/* 1 when key's error may follow from changing removed: the same key, one inside it, one
 * of the objects holding it, or (siblings set) one next to it. */
static int check_mapping_related(const char *key, const char *removed, int siblings)
{
	size_t kl = strlen(key);
	const char *kdot = strrchr(key, '.');
	const char *rdot = strrchr(removed, '.');
	size_t kp = kdot != NULL ? (size_t)(kdot - key) : 0;
	size_t rp = rdot != NULL ? (size_t)(rdot - removed) : 0;

	if (strncmp(key, removed, kl) == 0 && (removed[kl] == '\0' || removed[kl] == '.'))
		return 1;
	if (strncmp(removed, key, strlen(removed)) == 0 && key[strlen(removed)] == '.')
		return 1;
	return siblings && kp == rp && strncmp(key, removed, kp) == 0;
}

/* Puts a neutral value in place of key's bad one, so the loader can look past it: the first
 * of a few plain values (a pointer, a text, a date format, numbers, a boolean) after which
 * the loader no longer stops at key nor near it. 0 when one served, else -1 (root as it
 * was). */
static int check_mapping_substitute(const struct check_mapping *c, json_t *root, const char *key,
				    const char *msg)
{
	json_t *parent;
	json_t *old;
	char last[256];
	char err[CHECK_MAPPING_ERR_LEN];
	/* "se esperaba uno de "none", "basic"...": the first choice named */
	const char *choice = strstr(msg, "se esperaba uno de \"");
	char *first = NULL;

	if (choice != NULL) {
		choice += strlen("se esperaba uno de \"");
		first = xstrndup(choice, strcspn(choice, "\""));
	}
	check_mapping_walk(root, key, &parent, last, sizeof(last));
	if (!json_is_object(parent)) {
		free(first);
		return -1;
	}
	old = json_incref(json_object_get(parent, last));
	for (int i = first != NULL ? -1 : 0; i < 7; i++) {
		json_t *cand = i == -1	? json_string(first)
			       : i == 0 ? json_string("/x")
			       : i == 1 ? json_string("x")
			       : i == 2 ? json_string("%Y-%m-%d")
			       : i == 3 ? json_integer(1)
			       : i == 4 ? json_integer(200)
			       : i == 5 ? json_false()
					: json_string("");
		struct mapping *m;
		char *k;
		char *why;
		int served;

		json_object_set_new(parent, last, cand);
		m = mapping_load_object(c->path, root, err, sizeof(err));
		if (m != NULL) {
			mapping_free(m);
			served = 1;
		} else {
			check_mapping_split(c->path, err, &k, &why);
			served = !check_mapping_related(k, key, 0);
			free(k);
			free(why);
		}
		if (served) {
			json_decref(old);
			free(first);
			return 0;
		}
	}
	json_object_set_new(parent, last, old);
	free(first);
	return -1;
}

static void check_mapping_add(struct check_mapping *c, char *key, char *msg)
{
	struct check_mapping_error *e = &c->errors[c->nerrors++];

	e->file = xstrdup(check_mapping_origin(c, key));
	e->key = key;
	e->msg = msg;
}

/* Loads c->path as the daemon does. When it fails, takes the offending key out and loads
 * again, to report every error the loader can reach: an unknown key is simply dropped; a bad
 * value is dropped too, and what only follows from dropping it is not reported. Returns the
 * mapping, or NULL with c->errors filled. */
static struct mapping *check_mapping_validate(struct check_mapping *c)
{
	char err[CHECK_MAPPING_ERR_LEN];
	json_t *work;

	check_mapping_chain(c);
	work = mapping_read_file(c->path, err, sizeof(err));
	if (work == NULL) {
		char *key;
		char *msg;

		check_mapping_split(c->path, err, &key, &msg);
		check_mapping_add(c, key, msg);
		return NULL;
	}
	while (c->nerrors < CHECK_MAPPING_MAX_ERRORS) {
		struct mapping *m = mapping_load_object(c->path, work, err, sizeof(err));
		char *key;
		char *msg;
		int follows = 0;

		if (m != NULL && c->nerrors == 0) {
			json_decref(work);
			return m;
		}
		mapping_free(m);
		if (m != NULL) {
			c->complete = 1;
			break;
		}
		check_mapping_split(c->path, err, &key, &msg);
		for (size_t i = 0; i < c->nremoved && !follows; i++)
			follows = check_mapping_starts(msg, "falta") ||
				  check_mapping_related(key, c->removed[i], 1);
		for (size_t i = 0; i < c->nsubstituted && !follows; i++)
			follows = check_mapping_related(key, c->substituted[i], 0);
		if (follows) {
			free(key);
			free(msg);
			break;
		}
		check_mapping_add(c, key, msg);
		if (key[0] == '\0' || check_mapping_starts(msg, "falta"))
			break;
		if (check_mapping_starts(msg, "clave desconocida")) {
			if (check_mapping_remove(work, key) < 0)
				break;
			continue;
		}
		if (check_mapping_substitute(c, work, key, msg) == 0) {
			c->substituted[c->nsubstituted++] = xstrdup(key);
			continue;
		}
		if (check_mapping_remove(work, key) < 0)
			break;
		c->removed[c->nremoved++] = xstrdup(key);
	}
	json_decref(work);
	return NULL;
}

static void check_mapping_free(struct check_mapping *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		free(c->files[i]);
		json_decref(c->raw[i]);
	}
	for (size_t i = 0; i < c->nerrors; i++) {
		free(c->errors[i].file);
		free(c->errors[i].key);
		free(c->errors[i].msg);
	}
	for (size_t i = 0; i < c->nremoved; i++)
		free(c->removed[i]);
	for (size_t i = 0; i < c->nsubstituted; i++)
		free(c->substituted[i]);
}

static void check_mapping_print_errors(const struct check_mapping *c, int as_json)
{
	if (as_json) {
		json_t *o = json_object();
		json_t *list = json_array();
		char *text;

		for (size_t i = 0; i < c->nerrors; i++)
			json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "archivo",
							      c->errors[i].file, "clave",
							      c->errors[i].key, "mensaje",
							      c->errors[i].msg));
		json_object_set_new(o, "valido", json_false());
		json_object_set_new(o, "archivo", json_string(c->path));
		json_object_set_new(o, "errores", list);
		text = json_dumps(o, JSON_INDENT(2));
		printf("%s\n", text != NULL ? text : "{}");
		free(text);
		json_decref(o);
		return;
	}
	for (size_t i = 0; i < c->nerrors; i++) {
		const struct check_mapping_error *e = &c->errors[i];

		if (e->key[0] != '\0')
			fprintf(stderr, "%s: %s: %s\n", e->file, e->key, e->msg);
		else
			fprintf(stderr, "%s: %s\n", e->file, e->msg);
	}
	if (c->complete)
		fprintf(stderr, "mapeo no válido: %s (%zu %s)\n", c->path, c->nerrors,
			c->nerrors == 1 ? "error" : "errores");
	else
		fprintf(stderr,
			"mapeo no válido: %s (%zu %s; lo que depende de %s no se pudo comprobar: "
			"corríjalo y vuelva a ejecutar check-mapping)\n",
			c->path, c->nerrors, c->nerrors == 1 ? "error" : "errores",
			c->nerrors == 1 ? "él" : "ellos");
	if (c->nfiles > 0 && json_object_get(c->raw[0], "profile") == NULL &&
	    json_object_get(c->raw[0], "format") == NULL)
		fprintf(stderr,
			"(%s no tiene profile ni format: si es un archivo base, que los "
			"mapeos usan con \"base\", compruebe el mapeo que lo hereda)\n",
			c->path);
}

/* ---------------------------------------------------------------- the summary */

static const char *check_mapping_format_name(enum mapping_format f)
{
	return f == MAPPING_FORMAT_SQL ? "sql" : f == MAPPING_FORMAT_JSON ? "json" : "xml (SOAP)";
}

static const char *check_mapping_auth_name(enum mapping_auth_kind k)
{
	static const char *const names[] = {[MA_NONE] = "ninguna",
					    [MA_BASIC] = "HTTP Basic (user y key_file)",
					    [MA_BEARER] = "token en un encabezado (key_file)",
					    [MA_OAUTH2] = "OAuth2 client credentials"};

	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static const char *check_mapping_paging_name(enum mapping_paging_kind k)
{
	static const char *const names[] = {[MP_NONE] = "sin paginación",
					    [MP_OFFSET] = "offset/limit",
					    [MP_PAGE] = "número de página",
					    [MP_NEXT_LINK] = "enlace a la siguiente",
					    [MP_TOKEN] = "token de continuación"};

	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* Builds request r (json), or the list request (xml), with dependencia dep into b. */
static int check_mapping_build(const struct mapping *m, enum mapping_request r, const char *dep,
			       struct buf *b)
{
	if (mapping_format(m) == MAPPING_FORMAT_JSON) {
		struct mapping_vars v;
		struct mapping_http_request rq;
		char err[512];

		mapping_vars_init(&v);
		v.url = "http://127.0.0.1/sgd";
		v.user = "usuario";
		v.key = "clave";
		v.dependencia = dep;
		v.desde = r == MR_MODIFIED ? "2024-05-01T00:00:00-05:00" : "2024-05-01";
		v.hasta = r == MR_MODIFIED ? "2024-06-01T00:00:00-05:00" : "2024-05-31";
		v.token = "1";
		v.numero = "1";
		v.offset = 0;
		v.limit = 10;
		v.page = 1;
		if (mapping_json_build(m, r, &v, NULL, &rq, err, sizeof(err)) < 0)
			return -1;
		buf_printf(b, "%s %s\n", rq.method, rq.url);
		for (size_t i = 0; i < rq.nheaders; i++)
			buf_printf(b, "%s: %s\n", rq.headers[i].name, rq.headers[i].value);
		if (rq.body != NULL)
			buf_append(b, rq.body, rq.body_len);
		mapping_http_request_free(&rq);
		return 0;
	}
	if (mapping_format(m) == MAPPING_FORMAT_XML && r == MR_LIST) {
		char *body = NULL;
		char *action = NULL;

		if (mapping_build_list_request(m, dep, "2024-05-01", "2024-05-31", "clave", &body,
					       &action) < 0)
			return -1;
		buf_printf(b, "%s\n%s", action, body);
		free(body);
		free(action);
		return 0;
	}
	return -1;
}

int cli_mapping_office_filter(const struct mapping *m, enum mapping_request r)
{
	struct buf a;
	struct buf b;
	int rc = -1;

	if (mapping_format(m) == MAPPING_FORMAT_SQL) {
		const char *sql;
		const char *const *names;
		size_t n;

		if (mapping_sql_query(m, r == MR_INFO ? MQ_INFO : MQ_LIST, &sql, &names, &n) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(names[i], "dependencia") == 0)
				return 1;
		}
		return 0;
	}
	/* The request built for two offices differs exactly when it names the office. */
	buf_init(&a);
	buf_init(&b);
	if (check_mapping_build(m, r, "1111111", &a) == 0 &&
	    check_mapping_build(m, r, "2222222", &b) == 0)
		rc = a.len != b.len || memcmp(a.data, b.data, a.len) != 0;
	buf_free(&a);
	buf_free(&b);
	return rc;
}

/* The fields request r reads, "numero, asunto, ..." appended to b; their count. */
static size_t check_mapping_fields(const struct mapping *m, enum mapping_request r, struct buf *b,
				   json_t *list)
{
	size_t n = 0;

	for (int f = 0; f < MAPPING_NFIELDS; f++) {
		if (mapping_maps_field(m, r, (enum mapping_field)f) != 1)
			continue;
		buf_printf(b, "%s%s", n++ ? ", " : "", mapping_field_name((enum mapping_field)f));
		json_array_append_new(list, json_string(mapping_field_name((enum mapping_field)f)));
	}
	return n;
}

static const char *const check_mapping_query_names[MAPPING_QUERY_COUNT] = {
    [MQ_LIST] = "list",
    [MQ_LIST_BY_DATE] = "list_by_date",
    [MQ_INFO] = "info",
    [MQ_DOCUMENT_TYPES] = "document_types",
    [MQ_WRITE_PRIVILEGE] = "write_privilege",
    [MQ_ARRIVAL_INDEX] = "arrival_index",
};

/* One request of the summary (json and xml): into the text and the JSON forms. */
static void check_mapping_summary_request(const struct mapping *m, enum mapping_request r,
					  struct buf *t, json_t *reqs)
{
	struct buf fields;
	json_t *o = json_object();
	json_t *list = json_array();
	size_t n;
	int office;

	buf_init(&fields);
	n = check_mapping_fields(m, r, &fields, list);
	buf_printf(t, "    %s:", mapping_request_name(r));
	if (mapping_format(m) == MAPPING_FORMAT_XML)
		buf_printf(t, " operación SOAP");
	if (mapping_format(m) == MAPPING_FORMAT_JSON) {
		struct mapping_paging pg;

		mapping_json_paging(m, r, &pg);
		buf_printf(t, " %s", check_mapping_paging_name(pg.kind));
		if (pg.kind != MP_NONE)
			buf_printf(t, " (%ld por página)", pg.page_size);
		json_object_set_new(o, "paginacion",
				    json_string(check_mapping_paging_name(pg.kind)));
		if (r != MR_LATEST_TOKEN) {
			buf_printf(t, ", %s",
				   mapping_json_complete(m, r)
				       ? "elementos completos"
				       : "elementos incompletos (se completan con info)");
			json_object_set_new(o, "completos",
					    json_boolean(mapping_json_complete(m, r)));
		}
	}
	if (r == MR_LIST || r == MR_MODIFIED) {
		office = cli_mapping_office_filter(m, r);
		buf_printf(t, ", %s",
			   office == 1	 ? "filtra por la dependencia configurada"
			   : office == 0 ? "no filtra por dependencia (sync guarda solo los de la "
					   "dependencia o ya seguidos)"
					 : "filtro de dependencia desconocido");
		if (office >= 0)
			json_object_set_new(o, "filtra_dependencia", json_boolean(office == 1));
	}
	if (r == MR_LATEST_TOKEN)
		buf_printf(t, ", lee el token de cambios\n");
	else
		buf_printf(t, "\n      %zu campos: %s\n", n, n > 0 ? fields.data : "(ninguno)");
	json_object_set_new(o, "campos", list);
	json_object_set_new(reqs, mapping_request_name(r), o);
	buf_free(&fields);
}

static void check_mapping_summary(const struct check_mapping *c, const struct mapping *m,
				  int as_json)
{
	struct buf t;
	json_t *o = json_object();
	json_t *reqs = json_object();
	json_t *bases = json_array();
	char rule[128];

	buf_init(&t);
	buf_printf(&t, "mapeo válido: %s\n", c->path);
	buf_printf(&t, "  perfil: %s\n  formato: %s\n  cursor: %s", mapping_profile(m),
		   check_mapping_format_name(mapping_format(m)),
		   mapping_cursor_name(mapping_cursor_kind(m)));
	if (mapping_cursor_kind(m) == MAPPING_CURSOR_INSTANTE)
		buf_printf(&t, " (relee %d minutos)", mapping_overlap_minutes(m));
	buf_printf(&t, "\n  zona horaria: %s; ventana máxima: ", mapping_timezone_offset(m));
	if (mapping_max_window_days(m) > 0)
		buf_printf(&t, "%d días\n", mapping_max_window_days(m));
	else
		buf_printf(&t, "sin límite\n");
	for (size_t i = 1; i < c->nfiles; i++) {
		buf_printf(&t, "  hereda de: %s\n", c->files[i]);
		json_array_append_new(bases, json_string(c->files[i]));
	}
	mapping_numero_rule(m, rule, sizeof(rule));
	buf_printf(&t, "  número de radicado: %s\n", rule);
	json_object_set_new(o, "valido", json_true());
	json_object_set_new(o, "archivo", json_string(c->path));
	json_object_set_new(o, "perfil", json_string(mapping_profile(m)));
	json_object_set_new(o, "formato",
			    json_string(mapping_format(m) == MAPPING_FORMAT_SQL	   ? "sql"
					: mapping_format(m) == MAPPING_FORMAT_JSON ? "json"
										   : "xml"));
	json_object_set_new(o, "cursor", json_string(mapping_cursor_name(mapping_cursor_kind(m))));
	json_object_set_new(o, "hereda_de", bases);
	json_object_set_new(o, "numero", json_string(rule));
	if (mapping_format(m) == MAPPING_FORMAT_JSON) {
		struct mapping_auth a;

		mapping_json_auth(m, &a);
		buf_printf(&t, "  autenticación: %s\n", check_mapping_auth_name(a.kind));
		json_object_set_new(o, "autenticacion",
				    json_string(check_mapping_auth_name(a.kind)));
	}
	buf_printf(&t, "  peticiones:\n");
	if (mapping_format(m) == MAPPING_FORMAT_SQL) {
		for (int q = 0; q < MAPPING_QUERY_COUNT; q++) {
			const char *sql;
			const char *const *names;
			size_t n;

			if (mapping_sql_query(m, (enum mapping_query_kind)q, &sql, &names, &n) < 0)
				continue;
			buf_printf(&t, "    %s: consulta SQL con %zu %s\n",
				   check_mapping_query_names[q], n,
				   n == 1 ? "parámetro" : "parámetros");
			json_object_set_new(reqs, check_mapping_query_names[q], json_object());
		}
		buf_printf(&t, "    (los campos salen de las columnas de cada consulta)\n");
	} else {
		for (int r = 0; r < MAPPING_REQUEST_COUNT; r++) {
			int present = mapping_format(m) == MAPPING_FORMAT_JSON
					  ? mapping_has_request(m, (enum mapping_request)r)
					  : r == MR_LIST || r == MR_INFO;

			if (present)
				check_mapping_summary_request(m, (enum mapping_request)r, &t, reqs);
		}
	}
	json_object_set_new(o, "peticiones", reqs);
	if (as_json) {
		char *text = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", text != NULL ? text : "{}");
		free(text);
	} else {
		fputs(t.data, stdout);
	}
	json_decref(o);
	buf_free(&t);
}

/* ---------------------------------------------------------------- a saved answer */

/* Reads path whole (at most MAPPING_MAX_RESPONSE bytes) into *out (a new string; the caller
 * frees). 0, or -1 after saying why. */
static int check_mapping_read_sample(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "segcont: --muestra %s: no se pudo abrir: %s\n", path,
			strerror(errno));
		return -1;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= MAPPING_MAX_RESPONSE)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.len > MAPPING_MAX_RESPONSE) {
		fprintf(stderr, "segcont: --muestra %s: mayor que el límite de %u bytes\n", path,
			MAPPING_MAX_RESPONSE);
		buf_free(&b);
		return -1;
	}
	*len = b.len;
	*out = b.data != NULL ? buf_steal(&b) : xstrdup("");
	return 0;
}

/* What an answer kind means for a sync, in Spanish. */
static const char *check_mapping_meaning(enum ds_answer a)
{
	switch (a) {
	case DS_OK:
		return "respuesta leída";
	case DS_EMPTY:
		return "lista vacía (no es un error)";
	case DS_NOT_FOUND:
		return "radicado desconocido (queda sin detalle)";
	case DS_AUTH:
		return "error de credenciales (no se reintenta: revise la configuración)";
	case DS_FAULT_CLIENT:
		return "error de la petición (no se reintenta)";
	case DS_FAULT_SERVER:
		return "falla del servidor (se reintenta con espera)";
	case DS_MALFORMED:
		return "respuesta mal formada (se reintenta)";
	case DS_REFUSED:
		return "radicado rechazado por los límites del mapeo";
	case DS_TOKEN_EXPIRED:
		return "token de cambios vencido (se relee el intervalo con modified)";
	}
	return "?";
}

/* The text of field f of a filing (folios as digits) into out. Borrowed or out. */
static const char *check_mapping_value(const struct filing *fl, enum mapping_field f, char *out,
				       size_t outlen)
{
	switch (f) {
	case MF_NUMERO:
		return fl->numero;
	case MF_FECHA:
		return fl->fecha_radicacion;
	case MF_ASUNTO:
		return fl->asunto;
	case MF_FOLIOS:
		snprintf(out, outlen, "%d", fl->folios);
		return out;
	case MF_RUTA:
		return fl->ruta;
	case MF_DEP_ORIGEN:
		return fl->dependencia_origen;
	case MF_DEP_ORIGEN_NOMBRE:
		return fl->dependencia_origen_nombre;
	case MF_DEP_ACTUAL:
		return fl->dependencia_actual;
	case MF_REMITENTE:
		return fl->remitente;
	case MF_TIPO_DOC:
		return fl->tipo_documental;
	case MF_TIPO_DOC_NOMBRE:
		return fl->tipo_documental_nombre;
	case MF_ESTADO:
		return fl->estado_ds;
	case MF_ID_SGD:
		return fl->id_sgd;
	case MAPPING_NFIELDS:
		break;
	}
	return "";
}

static json_t *check_mapping_filing_json(const struct filing *fl)
{
	json_t *o = json_object();
	char num[24];

	for (int f = 0; f < MAPPING_NFIELDS; f++) {
		const char *v = check_mapping_value(fl, (enum mapping_field)f, num, sizeof(num));

		json_t *jv = f == MF_FOLIOS ? json_integer(fl->folios) : json_string(v);

		/* invalid UTF-8 (never from the readers) would give NULL: null then */
		json_object_set_new(o, mapping_field_name((enum mapping_field)f),
				    jv != NULL ? jv : json_null());
		if (f == MF_NUMERO)
			json_object_set_new(o, "tipo_radicado", json_string(fl->tipo_radicado));
	}
	return o;
}

/* Characters of s (UTF-8). */
static size_t check_mapping_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* s as one table cell: control characters as spaces, cut to CHECK_MAPPING_CELL characters
 * with "…". A new string. */
static char *check_mapping_cell(const char *s)
{
	struct buf b;
	size_t chars = 0;

	buf_init(&b);
	for (const char *p = s; *p != '\0'; p++) {
		int lead = ((unsigned char)*p & 0xC0) != 0x80;

		if (lead && chars == CHECK_MAPPING_CELL) {
			buf_puts(&b, "…");
			break;
		}
		chars += lead;
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			buf_puts(&b, " ");
		else
			buf_append(&b, p, 1);
	}
	return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

/* The filings as a table: one column per field the request reads (and tipo_radicado). */
static void check_mapping_table(const struct mapping *m, enum mapping_request r,
				const struct filing_list *l)
{
	int cols[MAPPING_NFIELDS + 1];
	size_t width[MAPPING_NFIELDS + 1];
	size_t ncols = 0;
	char num[24];

	for (int f = 0; f < MAPPING_NFIELDS; f++) {
		if (f == MF_NUMERO || mapping_maps_field(m, r, (enum mapping_field)f) != 0)
			cols[ncols++] = f;
		if (f == MF_NUMERO)
			cols[ncols++] = -1; /* tipo_radicado, from the number or its own field */
	}
	for (size_t k = 0; k < ncols; k++) {
		const char *name =
		    cols[k] < 0 ? "tipo_radicado" : mapping_field_name((enum mapping_field)cols[k]);

		width[k] = check_mapping_chars(name);
		for (size_t i = 0; i < l->count; i++) {
			const struct filing *fl = &l->items[i];
			char *cell = check_mapping_cell(
			    cols[k] < 0 ? fl->tipo_radicado
					: check_mapping_value(fl, (enum mapping_field)cols[k], num,
							      sizeof(num)));

			if (check_mapping_chars(cell) > width[k])
				width[k] = check_mapping_chars(cell);
			free(cell);
		}
	}
	for (size_t i = 0; i <= l->count; i++) {
		for (size_t k = 0; k < ncols; k++) {
			const struct filing *fl = i > 0 ? &l->items[i - 1] : NULL;
			const char *v;
			char *cell;

			if (fl == NULL)
				v = cols[k] < 0 ? "tipo_radicado"
						: mapping_field_name((enum mapping_field)cols[k]);
			else
				v = cols[k] < 0
					? fl->tipo_radicado
					: check_mapping_value(fl, (enum mapping_field)cols[k], num,
							      sizeof(num));
			cell = check_mapping_cell(v);
			printf("%s%s%*s", k > 0 ? "  " : "  ", cell,
			       k + 1 < ncols ? (int)(width[k] - check_mapping_chars(cell)) : 0, "");
			free(cell);
		}
		printf("\n");
	}
}

static int check_mapping_parse_request(const char *name, enum mapping_request *r)
{
	if (name == NULL) {
		*r = MR_LIST;
		return 0;
	}
	if (strcmp(name, "detail") == 0) {
		*r = MR_INFO;
		return 0;
	}
	for (int i = 0; i < MAPPING_REQUEST_COUNT; i++) {
		if (strcmp(name, mapping_request_name((enum mapping_request)i)) == 0) {
			*r = (enum mapping_request)i;
			return 0;
		}
	}
	return -1;
}

/* What the sample gave, besides its filings: paging values, change log, token. To out
 * (stdout, or stderr when stdout carries the JSON). */
static void check_mapping_page_facts(FILE *out, enum mapping_request r,
				     const struct mapping_page *p)
{
	fprintf(out,
		"elementos en la respuesta: %zu; radicados leídos: %zu; ignorados: %zu; "
		"rechazados por los límites: %zu\n",
		p->items, p->filings.count, p->ignored, p->refused);
	if (r != MR_LATEST_TOKEN && r != MR_INFO) {
		fprintf(out, "paginación: next %s%s%s; has_more %s; total ", p->next ? "«" : "",
			p->next ? p->next : "(ninguno)", p->next ? "»" : "",
			p->has_more < 0 ? "(desconocido)"
			: p->has_more	? "sí"
					: "no");
		if (p->total >= 0)
			fprintf(out, "%ld\n", p->total);
		else
			fprintf(out, "(desconocido)\n");
	}
	if (r == MR_CHANGES) {
		fprintf(out,
			"cambios: %zu altas o modificaciones (upsert), %zu eliminaciones (delete)",
			p->filings.count, p->ndeleted);
		for (size_t i = 0; i < p->ndeleted && i < CHECK_MAPPING_SHOWN_IDS; i++)
			fprintf(out, "%s%s", i == 0 ? ": id_sgd " : ", ", p->deleted[i]);
		fprintf(out, "%s\n", p->ndeleted > CHECK_MAPPING_SHOWN_IDS ? ", …" : "");
	}
	if (r == MR_LATEST_TOKEN)
		fprintf(out, "token de cambios: %s\n", p->token != NULL ? p->token : "(ninguno)");
}

/* Reads the sample as request r of a format-json mapping. Exit status. */
static int check_mapping_sample_json(const struct mapping *m, enum mapping_request r,
				     const struct cli_args *a, const char *body, size_t len,
				     struct mapping_page *page)
{
	char err[CHECK_MAPPING_ERR_LEN];
	long status = CHECK_MAPPING_STATUS;
	enum ds_answer ans;
	json_t *doc;
	FILE *info = a->json ? stderr : stdout;
	const char *rule;

	if (a->estado != NULL && parse_long(a->estado, 100, 599, &status) < 0) {
		fprintf(stderr, "segcont: --estado «%s»: se esperaba un estado HTTP (100 a 599)\n",
			a->estado);
		return CLI_EXIT_USAGE;
	}
	doc = mapping_json_parse(body, len, err, sizeof(err));
	if (doc == NULL) {
		fprintf(stderr,
			"%s: la muestra no es JSON válido (%s): segcont trataría esta respuesta "
			"como mal formada y la reintentaría\n",
			a->muestra, err);
		return CLI_EXIT_FAIL;
	}
	json_decref(doc);
	ans =
	    mapping_json_read(m, r, status, "application/json", body, len, page, err, sizeof(err));
	fprintf(info, "muestra %s leída como la petición %s (HTTP %ld): %s\n", a->muestra,
		mapping_request_name(r), status, check_mapping_meaning(ans));
	if (ans != DS_OK && ans != DS_EMPTY) {
		rule = strstr(err, "(regla errors.rules.");
		fprintf(info, "  %s: %s\n", ds_answer_name(ans), err);
		if (rule != NULL)
			fprintf(info, "  regla que coincidió: %.*s\n", (int)strcspn(rule + 7, ")"),
				rule + 7);
		else if (ans != DS_MALFORMED)
			fprintf(info, "  ninguna regla de errors coincidió: lo decidió el estado "
				      "HTTP\n");
		if (a->json)
			printf("[]\n");
		return ans == DS_MALFORMED ? CLI_EXIT_FAIL : 0;
	}
	check_mapping_page_facts(info, r, page);
	return 0;
}

/* Reads the sample as the list or the info answer of a SOAP mapping into l. Exit status. */
static int check_mapping_sample_xml(const struct mapping *m, enum mapping_request r,
				    const struct cli_args *a, const char *body, size_t len,
				    struct filing_list *l)
{
	char err[CHECK_MAPPING_ERR_LEN];
	struct mapping_answer_info info;
	FILE *out = a->json ? stderr : stdout;
	enum ds_answer ans;

	memset(&info, 0, sizeof(info));
	if (r == MR_LIST) {
		ans = mapping_read_list(m, body, len, NULL, l, &info, err, sizeof(err));
	} else {
		struct filing *f = filing_list_push(l);

		ans = mapping_read_info(m, body, len, NULL, f, &info, err, sizeof(err));
		if (ans != DS_OK) {
			filing_list_free(l);
			filing_list_init(l);
		}
	}
	if (ans == DS_MALFORMED) {
		fprintf(stderr, "%s: la muestra no se puede leer como respuesta %s del mapeo: %s\n",
			a->muestra, r == MR_LIST ? "de la lista" : "del detalle", err);
		if (a->json)
			printf("[]\n");
		return CLI_EXIT_FAIL;
	}
	fprintf(out, "muestra %s leída como la petición %s: %s\n", a->muestra,
		mapping_request_name(r), check_mapping_meaning(ans));
	if (info.encoding[0] != '\0')
		fprintf(out, "  codificación: %s%s\n", info.encoding,
			info.declaration ? " (declaración XML)" : "");
	if (ans != DS_OK && ans != DS_EMPTY)
		fprintf(out, "  %s: %s\n", ds_answer_name(ans), err);
	else
		fprintf(out, "radicados leídos: %zu\n", l->count);
	return 0;
}

/* --muestra: reads the saved answer with the mapping's reader and shows what it gives. */
static int check_mapping_sample(const struct mapping *m, const struct cli_args *a)
{
	enum mapping_request r;
	struct filing_list xml;
	struct mapping_page page;
	const struct filing_list *got;
	char *body = NULL;
	size_t len = 0;
	int ret;

	if (check_mapping_parse_request(a->peticion, &r) < 0) {
		fprintf(stderr,
			"segcont: --peticion «%s»: se esperaba list, modified, changes, "
			"latest_token, info o detail\n",
			a->peticion);
		return CLI_EXIT_USAGE;
	}
	if (mapping_format(m) == MAPPING_FORMAT_SQL) {
		fprintf(stderr,
			"segcont: el perfil %s lee una base de datos: no tiene respuestas "
			"que guardar, --muestra no aplica\n",
			mapping_profile(m));
		return CLI_EXIT_USAGE;
	}
	if (mapping_format(m) == MAPPING_FORMAT_XML && r != MR_LIST && r != MR_INFO) {
		fprintf(stderr, "segcont: --peticion %s: un perfil SOAP solo tiene list e info\n",
			mapping_request_name(r));
		return CLI_EXIT_USAGE;
	}
	if (mapping_format(m) == MAPPING_FORMAT_JSON && !mapping_has_request(m, r)) {
		fprintf(stderr, "segcont: --peticion %s: el mapeo %s no describe esa petición\n",
			mapping_request_name(r), mapping_profile(m));
		return CLI_EXIT_USAGE;
	}
	if (check_mapping_read_sample(a->muestra, &body, &len) < 0)
		return CLI_EXIT_USAGE;
	filing_list_init(&xml);
	mapping_page_init(&page);
	if (mapping_format(m) == MAPPING_FORMAT_JSON) {
		ret = check_mapping_sample_json(m, r, a, body, len, &page);
		got = &page.filings;
	} else {
		ret = check_mapping_sample_xml(m, r, a, body, len, &xml);
		got = &xml;
	}
	if (ret == 0 && a->json) {
		json_t *arr = json_array();
		char *text;

		for (size_t i = 0; i < got->count; i++)
			json_array_append_new(arr, check_mapping_filing_json(&got->items[i]));
		text = json_dumps(arr, JSON_INDENT(2));
		printf("%s\n", text != NULL ? text : "[]");
		free(text);
		json_decref(arr);
	} else if (ret == 0 && got->count > 0) {
		check_mapping_table(m, r, got);
	}
	mapping_page_free(&page);
	filing_list_free(&xml);
	util_wipe(body, len);
	free(body);
	return ret;
}

int cli_check_mapping(const struct cli_args *a)
{
	struct check_mapping c;
	struct mapping *m;
	int ret;

	memset(&c, 0, sizeof(c));
	c.path = a->argv[0];
	if (a->estado != NULL && a->muestra == NULL) {
		fprintf(stderr, "segcont: --estado va con --muestra\n");
		return CLI_EXIT_USAGE;
	}
	if (a->peticion != NULL && a->muestra == NULL) {
		fprintf(stderr, "segcont: --peticion va con --muestra\n");
		return CLI_EXIT_USAGE;
	}
	if (access(c.path, R_OK) != 0) {
		fprintf(stderr, "segcont: %s: no se puede leer el archivo de mapeo: %s\n", c.path,
			strerror(errno));
		return CLI_EXIT_USAGE;
	}
	m = check_mapping_validate(&c);
	if (m == NULL) {
		check_mapping_print_errors(&c, a->json && a->muestra == NULL);
		check_mapping_free(&c);
		return CLI_EXIT_FAIL;
	}
	if (a->muestra == NULL) {
		check_mapping_summary(&c, m, a->json);
		ret = 0;
	} else {
		ret = check_mapping_sample(m, a);
	}
	mapping_free(m);
	check_mapping_free(&c);
	return ret;
}
