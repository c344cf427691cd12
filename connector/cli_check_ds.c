/* cli_check_ds.c -- segcont check-ds: connects to the configured document system as a sync
 * would (SOAP, database or a format-json service), lists the last days, shows one filing, and
 * says in Spanish what it found and every quirk of the installation with its fix. Exit 0
 * only when a sync would work. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ds_client.h"
#include "ds_pg.h"
#include "log.h"
#include "util.h"

#define CHECK_DS_DAYS 30       /* the last days listed */
#define CHECK_DS_SAMPLE 40     /* details fetched to see the document types in use */
#define CHECK_DS_MAX_TYPES 300 /* document types printed */
#define CHECK_DS_WRONG_KEY "segcont-check-ds-clave-que-no-existe"
#define CHECK_DS_BY_NUMBER_MIN 3 /* listed numbers that must all carry the code to warn */

/* What the run found: problems make a sync fail; notices are quirks it survives. */
struct check_ds {
	const struct config *cfg;
	const struct mapping *map;
	struct ds_client *dc;
	atomic_int *stop; /* set by SIGTERM or SIGINT */
	int problems;
	int notices;
};

/* What a line of the report is: a passed check, a quirk the sync survives (with its fix),
 * or something that keeps a sync from working (with its fix). */
enum check_ds_kind { CHECK_DS_OK, CHECK_DS_NOTICE, CHECK_DS_PROBLEM };

static void check_ds_line(struct check_ds *c, enum check_ds_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void check_ds_line(struct check_ds *c, enum check_ds_kind kind, const char *fmt, ...)
{
	static const char *const marks[] = {"[bien]", "[aviso]", "[PROBLEMA]"};
	va_list ap;

	c->notices += kind == CHECK_DS_NOTICE;
	c->problems += kind == CHECK_DS_PROBLEM;
	printf("  %s ", marks[kind]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define check_ds_ok(c, ...) check_ds_line((c), CHECK_DS_OK, __VA_ARGS__)
#define check_ds_notice(c, ...) check_ds_line((c), CHECK_DS_NOTICE, __VA_ARGS__)
#define check_ds_problem(c, ...) check_ds_line((c), CHECK_DS_PROBLEM, __VA_ARGS__)

/* Seconds with a decimal comma, as the office writes them. */
static const char *check_ds_seconds(long long ms, char *out, size_t outlen)
{
	char *dot;

	snprintf(out, outlen, "%.2f s", ms / 1000.0);
	dot = strchr(out, '.');
	if (dot != NULL)
		*dot = ',';
	return out;
}

/* The length in bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t check_ds_char_len(const char *s)
{
	size_t n = 1;

	while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

/* s cut to at most max characters (UTF-8), "…" marking a cut, into out. */
static const char *check_ds_cut(const char *s, size_t max, char *out, size_t outlen)
{
	size_t i = 0;
	size_t chars = 0;

	while (s[i] != '\0' && chars < max && i + check_ds_char_len(s + i) + 4 < outlen) {
		i += check_ds_char_len(s + i);
		chars++;
	}
	snprintf(out, outlen, "%.*s%s", (int)i, s, s[i] != '\0' ? "…" : "");
	return out;
}

/* A person's name shown as its initial and length (personal data: Ley 1581 de 2012). */
static void check_ds_masked(const char *label, const char *v)
{
	size_t chars = 0;

	for (size_t i = 0; v[i] != '\0'; i += check_ds_char_len(v + i))
		chars++;
	if (v[0] == '\0')
		printf("      %-26s (vacío)\n", label);
	else
		printf("      %-26s %.*s… (%zu caracteres; dato personal, no se muestra)\n", label,
		       (int)check_ds_char_len(v), v, chars);
}

static void check_ds_field(const char *label, const char *v)
{
	printf("      %-26s %s\n", label, v[0] != '\0' ? v : "(vacío)");
}

/* A code with its name, "342 (Dirección de Contratación)", as one field line. */
static void check_ds_coded(const char *label, const char *code, const char *name)
{
	char text[512];

	snprintf(text, sizeof(text), "%s%s%s%s", code, name[0] ? " (" : "", name,
		 name[0] ? ")" : "");
	check_ds_field(label, text);
}

/* One filing as segcont would store it. */
static void check_ds_print_filing(const struct check_ds *c, const struct filing *f)
{
	char folios[24];

	snprintf(folios, sizeof(folios), "%d", f->folios);
	check_ds_field("numero", f->numero);
	check_ds_field("tipo_radicado", f->tipo_radicado);
	check_ds_field("fecha_radicacion", f->fecha_radicacion);
	check_ds_field("asunto", f->asunto);
	check_ds_field("folios", folios);
	check_ds_field("ruta", f->ruta);
	check_ds_coded("dependencia_origen", f->dependencia_origen, f->dependencia_origen_nombre);
	check_ds_field("dependencia_actual", f->dependencia_actual);
	check_ds_masked("remitente", f->remitente);
	check_ds_coded("tipo_documental", f->tipo_documental, f->tipo_documental_nombre);
	check_ds_field("estado_ds", f->estado_ds);
	check_ds_field("tipo_tramite (clasificado)", mapping_classify(c->map, f));
}

/* The window of the last CHECK_DS_DAYS days, as dates and as wall-clock instants. */
struct check_ds_window {
	char from_day[11];
	char to_day[11];
	char from_instant[UTIL_LOCAL_LEN];
	char to_instant[UTIL_LOCAL_LEN];
};

static void check_ds_window(struct check_ds_window *w)
{
	long long now = (long long)time(NULL);

	util_today(w->to_day);
	util_date_add(w->to_day, -(CHECK_DS_DAYS - 1), w->from_day);
	util_time_local(now - (long long)CHECK_DS_DAYS * 86400, w->from_instant);
	util_time_local(now, w->to_instant);
}

/* The advice for a failed call, by its kind. */
static void check_ds_failure(struct check_ds *c, const char *what, enum ds_answer a,
			     const char *err)
{
	const char *fix;

	switch (a) {
	case DS_AUTH:
		fix = mapping_format(c->map) == MAPPING_FORMAT_SQL
			  ? "revise la contraseña de key_file y el usuario y la base de la url; el "
			    "DBA crea el usuario de solo lectura como dice docs/orfeo.md"
		      : mapping_format(c->map) == MAPPING_FORMAT_JSON
			  ? "revise document_system.user y la contraseña o el token de key_file, y "
			    "que la cuenta pueda leer el repositorio"
			  : "revise la clave del servicio en key_file";
		break;
	case DS_FAULT_CLIENT:
		fix =
		    mapping_format(c->map) == MAPPING_FORMAT_SQL
			? "la consulta del mapeo no encaja con esta base (tabla, columna o tipo): "
			  "ajuste el SQL del mapeo a la instalación (docs/orfeo.md)"
			: "el servicio rechazó la petición: revise la operación, los parámetros y "
			  "el formato de fecha del mapeo";
		break;
	case DS_FAULT_SERVER:
		fix = "el servidor no respondió bien tras los reintentos: revise la url, que el "
		      "servidor esté en marcha y el cortafuegos";
		break;
	default:
		fix = "la respuesta no es la que el mapeo describe: revise la url (¿es el "
		      "servicio web y no una página?) y el mapeo";
		break;
	}
	check_ds_problem(c, "%s: %s\n           qué hacer: %s", what, err, fix);
}

/* ---------------------------------------------------------------- database profiles */

struct check_ds_types {
	const struct mapping *map;
	int printed;
};

static int check_ds_print_type(int ncols, const char *const *v, void *arg)
{
	struct check_ds_types *t = arg;
	const char *tipo;
	char name[256];

	if (ncols < 2 || t->printed++ >= CHECK_DS_MAX_TYPES)
		return 1;
	tipo = mapping_classify_text(t->map, v[1]);
	printf("      %-8s %s → %s\n", v[0], check_ds_cut(v[1], 60, name, sizeof(name)),
	       tipo != NULL ? tipo : "(ninguna palabra clave: otro, salvo por el asunto)");
	return 0;
}

/* Runs a one-boolean diagnostic query; *out 1/0, or -1 when the mapping has none or it
 * failed (then it is only reported). */
static int check_ds_bool_row(int ncols, const char *const *v, void *arg)
{
	int *out = arg;

	*out = ncols >= 1 && (strcmp(v[0], "t") == 0 || strcmp(v[0], "true") == 0);
	return 1;
}

static int check_ds_bool(struct check_ds *c, enum mapping_query_kind q, int *out)
{
	const char *sql;
	const char *const *names;
	size_t n;
	char err[DS_CLIENT_ERR_LEN];

	*out = -1;
	if (mapping_sql_query(c->map, q, &sql, &names, &n) < 0)
		return -1;
	*out = 0;
	if (ds_pg_rows(ds_client_pg(c->dc), q, check_ds_bool_row, out, err, sizeof(err)) != DS_OK) {
		check_ds_notice(c, "una consulta de diagnóstico falló: %s", err);
		*out = -1;
		return -1;
	}
	return 0;
}

static void check_ds_sql(struct check_ds *c)
{
	struct ds_pg_info info;
	struct check_ds_window w;
	struct filing_list listed;
	char err[DS_CLIENT_ERR_LEN];
	char secs[32];
	long long t0;
	enum ds_answer a;
	int flag;

	printf("1. Conexión a la base de datos\n");
	a = ds_pg_info(ds_client_pg(c->dc), &info, err, sizeof(err));
	if (a != DS_OK) {
		check_ds_failure(c, "no se pudo conectar", a, err);
		return;
	}
	check_ds_ok(c, "PostgreSQL %s, base %s, usuario %s", info.server_version, info.database,
		    info.user);
	check_ds_ok(c,
		    "codificación de la base: %s (segcont la lee en UTF-8: el servidor convierte)",
		    info.server_encoding);
	if (info.read_only)
		check_ds_ok(c, "la sesión es de solo lectura (default_transaction_read_only)");
	if (check_ds_bool(c, MQ_WRITE_PRIVILEGE, &flag) == 0 && flag == 1)
		check_ds_notice(c,
				"el usuario %s puede escribir en las tablas de Orfeo; segcont "
				"solo lee, pero un rol de solo lectura es más seguro\n"
				"           qué hacer: REVOKE INSERT, UPDATE, DELETE ON ALL TABLES "
				"IN SCHEMA public FROM %s;",
				info.user, info.user);
	else if (flag == 0)
		check_ds_ok(c, "el usuario solo puede leer");
	if (check_ds_bool(c, MQ_ARRIVAL_INDEX, &flag) == 0 && flag == 0)
		check_ds_notice(c, "hist_eventos no tiene índice por hist_fech: cada ventana de "
				   "sincronización recorre toda la tabla (funciona, pero lento en "
				   "bases grandes)\n"
				   "           qué hacer (el DBA): CREATE INDEX CONCURRENTLY "
				   "hist_eventos_hist_fech ON hist_eventos (hist_fech);");
	else if (flag == 1)
		check_ds_ok(c, "hist_eventos tiene índice por hist_fech");

	printf("2. Llegadas a la dependencia %s en los últimos %d días\n", c->cfg->ds_dependencia,
	       CHECK_DS_DAYS);
	check_ds_window(&w);
	filing_list_init(&listed);
	t0 = util_monotonic_ms();
	a = ds_client_list_changes(c->dc, w.from_instant, w.to_instant, &listed, err, sizeof(err));
	if (a != DS_OK && a != DS_EMPTY) {
		check_ds_failure(c, "la consulta de llegadas falló", a, err);
		filing_list_free(&listed);
		return;
	}
	check_ds_ok(c, "%zu radicados con movimiento entre %s y %s (%s)", listed.count,
		    w.from_instant, w.to_instant,
		    check_ds_seconds(util_monotonic_ms() - t0, secs, sizeof(secs)));
	printf("3. Un radicado como lo guardaría segcont\n");
	if (listed.count == 0) {
		check_ds_notice(c,
				"no hubo llegadas en %d días: no hay un ejemplo que mostrar "
				"(¿es correcta la dependencia %s?)",
				CHECK_DS_DAYS, c->cfg->ds_dependencia);
	} else {
		check_ds_print_filing(c, &listed.items[listed.count - 1]);
	}
	filing_list_free(&listed);

	printf("4. Tipos documentales de la instalación y el trámite que les darían las "
	       "palabras clave\n");
	{
		struct check_ds_types t = {c->map, 0};

		a = ds_pg_rows(ds_client_pg(c->dc), MQ_DOCUMENT_TYPES, check_ds_print_type, &t, err,
			       sizeof(err));
		if (a != DS_OK)
			check_ds_notice(c, "no se pudieron leer los tipos documentales: %s", err);
		else
			check_ds_ok(c, "%d tipos documentales%s", t.printed,
				    t.printed > CHECK_DS_MAX_TYPES ? " (se muestran los primeros)"
								   : "");
	}
}

/* ---------------------------------------------------------------- SOAP profiles */

/* What the XML reader noticed, as notices with their fixes. */
static void check_ds_xml_quirks(struct check_ds *c, const struct mapping_answer_info *info)
{
	if (info->encoding[0] != '\0')
		check_ds_ok(c, "las respuestas se leen en %s%s", info->encoding,
			    info->declaration ? " (lo dice su declaración XML)"
					      : " (no traen declaración XML: se decide por los "
						"bytes y la cabecera HTTP)");
	if (info->stray_prefix)
		check_ds_notice(c,
				"la respuesta empieza con un salto de línea antes del sobre SOAP"
				"%s: un archivo PHP incluido termina en «?>» seguido de saltos de "
				"línea; segcont lo tolera\n"
				"           qué hacer (en el servidor de Orfeo): quitar los saltos "
				"de línea tras el último «?>» de los archivos que incluye "
				"servidor.php",
				info->repaired_end ? " y por eso pierde su último «>»" : "");
}

/* Lists the window with the given key (NULL: the configured one). */
static enum ds_answer check_ds_list(struct check_ds *c, const struct check_ds_window *w,
				    const char *key, struct filing_list *out, char *err,
				    size_t errlen)
{
	struct config cfg = *c->cfg;
	struct ds_client *dc;
	enum ds_answer a;

	if (key == NULL)
		return ds_client_list(c->dc, w->from_day, w->to_day, out, err, errlen);
	cfg.ds_key = (char *)key;
	cfg.ds_max_retries = 1;
	dc = ds_client_new(&cfg, c->map, c->stop);
	a = ds_client_list(dc, w->from_day, w->to_day, out, err, errlen);
	ds_client_free(dc);
	return a;
}

/* 1 when every number carries the dependency's code at characters 5-7 (1-based). */
static int check_ds_by_number(const struct check_ds *c, const struct filing_list *l)
{
	const char *dep = c->cfg->ds_dependencia;
	size_t dl = strlen(dep);

	for (size_t i = 0; i < l->count; i++) {
		if (strlen(l->items[i].numero) < 4 + dl ||
		    strncmp(l->items[i].numero + 4, dep, dl) != 0)
			return 0;
	}
	return l->count > 0;
}

/* The detail of f with the wrong key: DS_AUTH (reported) or DS_NOT_FOUND (silent). */
static enum ds_answer check_ds_wrong_key_detail(struct check_ds *c, const char *numero)
{
	struct config cfg = *c->cfg;
	struct ds_client *dc;
	struct filing f;
	struct filing *fp = &f;
	char err[DS_CLIENT_ERR_LEN];
	enum ds_answer a;

	cfg.ds_key = (char *)CHECK_DS_WRONG_KEY;
	cfg.ds_max_retries = 1;
	filing_init(&f);
	filing_set(&f.numero, numero);
	dc = ds_client_new(&cfg, c->map, c->stop);
	a = ds_client_details(dc, &fp, 1, err, sizeof(err));
	if (a == DS_OK && !f.has_detail)
		a = DS_NOT_FOUND;
	ds_client_free(dc);
	filing_free(&f);
	return a;
}

/* Document type codes seen in a sample of details: for each, how many filings and what the
 * classification gives them ("novedad_contractual 12, otro 2"). */
static void check_ds_soap_types(struct check_ds *c, struct filing_list *listed)
{
	static const char *const tipos[] = {"contratacion_directa", "proceso_seleccion",
					    "novedad_contractual", "liquidacion_terminacion",
					    "otro"};
	size_t n = listed->count < CHECK_DS_SAMPLE ? listed->count : CHECK_DS_SAMPLE;
	struct filing **fs = xcalloc(n ? n : 1, sizeof(*fs));
	char err[DS_CLIENT_ERR_LEN];
	enum ds_answer a;

	for (size_t i = 0; i < n; i++)
		fs[i] = &listed->items[i];
	a = ds_client_details(c->dc, fs, n, err, sizeof(err));
	if (a != DS_OK) {
		check_ds_notice(c, "no se pudieron leer los detalles de la muestra: %s", err);
		free(fs);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t per[sizeof(tipos) / sizeof(tipos[0])] = {0};
		size_t count = 0;
		int seen = 0;
		struct buf line;

		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(fs[k]->tipo_documental, fs[i]->tipo_documental) == 0;
		if (seen)
			continue;
		for (size_t k = 0; k < n; k++) {
			const char *tipo;

			if (strcmp(fs[k]->tipo_documental, fs[i]->tipo_documental) != 0)
				continue;
			count++;
			tipo = mapping_classify(c->map, fs[k]);
			for (size_t t = 0; t < sizeof(tipos) / sizeof(tipos[0]); t++)
				per[t] += strcmp(tipo, tipos[t]) == 0;
		}
		buf_init(&line);
		for (size_t t = 0; t < sizeof(tipos) / sizeof(tipos[0]); t++) {
			if (per[t] > 0)
				buf_printf(&line, "%s%s %zu", line.len ? ", " : "", tipos[t],
					   per[t]);
		}
		printf("      código %-8s %3zu de %zu radicados: %s\n",
		       fs[i]->tipo_documental[0] ? fs[i]->tipo_documental : "(vacío)", count, n,
		       line.data != NULL ? line.data : "");
		buf_free(&line);
	}
	free(fs);
}

static void check_ds_soap(struct check_ds *c)
{
	struct check_ds_window w;
	struct filing_list listed;
	struct filing_list probe;
	struct mapping_answer_info info;
	char err[DS_CLIENT_ERR_LEN];
	char secs[32];
	long long t0;
	enum ds_answer a;
	enum ds_answer wrong;
	struct filing *last;

	check_ds_window(&w);
	printf("1. Lista de radicados de la dependencia %s del %s al %s\n", c->cfg->ds_dependencia,
	       w.from_day, w.to_day);
	filing_list_init(&listed);
	filing_list_init(&probe);
	t0 = util_monotonic_ms();
	a = check_ds_list(c, &w, NULL, &listed, err, sizeof(err));
	ds_client_answer_info(c->dc, &info);
	if (a != DS_OK && a != DS_EMPTY) {
		check_ds_failure(c, "la lista falló", a, err);
		goto done;
	}
	check_ds_ok(c, "%zu radicados (%s)", listed.count,
		    check_ds_seconds(util_monotonic_ms() - t0, secs, sizeof(secs)));
	check_ds_xml_quirks(c, &info);
	wrong = check_ds_list(c, &w, CHECK_DS_WRONG_KEY, &probe, err, sizeof(err));
	if (wrong == DS_AUTH)
		check_ds_ok(c, "la lista rechaza una clave errónea");
	else if (wrong == DS_OK || wrong == DS_EMPTY)
		check_ds_notice(c,
				"la lista no comprueba la clave (responde igual con una clave "
				"errónea): es así en la operación getRadicadosDependencia de "
				"varias instalaciones; la clave solo se comprueba en el detalle");
	if (listed.count >= CHECK_DS_BY_NUMBER_MIN && check_ds_by_number(c, &listed))
		check_ds_problem(
		    c,
		    "todos los radicados listados llevan %s en su número "
		    "(caracteres 5 a 7): la operación lista los radicados CREADOS por "
		    "la dependencia, no los que LLEGAN a ella, así que las solicitudes "
		    "de las áreas nunca aparecerían\n"
		    "           qué hacer: use el perfil orfeo-sql, que lee las "
		    "llegadas en hist_eventos (docs/orfeo.md)",
		    c->cfg->ds_dependencia);
	else if (listed.count > 0 && check_ds_by_number(c, &listed))
		check_ds_notice(c,
				"los pocos radicados listados llevan %s en su número: compruebe "
				"que la lista trae los radicados que llegan a la dependencia",
				c->cfg->ds_dependencia);

	printf("2. Detalle de un radicado (getInfoRadicado)\n");
	if (listed.count == 0) {
		check_ds_notice(c,
				"no hubo radicados en %d días: no se puede probar el detalle "
				"(¿es correcta la dependencia %s?)",
				CHECK_DS_DAYS, c->cfg->ds_dependencia);
		goto done;
	}
	last = &listed.items[listed.count - 1];
	a = ds_client_details(c->dc, &last, 1, err, sizeof(err));
	ds_client_answer_info(c->dc, &info);
	if (a != DS_OK) {
		check_ds_failure(c, "el detalle falló", a, err);
		goto done;
	}
	wrong = check_ds_wrong_key_detail(c, last->numero);
	if (!last->has_detail) {
		check_ds_problem(
		    c,
		    "el detalle de %s, que la lista acaba de dar, volvió vacío%s\n"
		    "           qué hacer: revise la clave de key_file",
		    last->numero,
		    wrong == DS_NOT_FOUND
			? ": el servicio responde vacío a una clave errónea, así que la "
			  "clave de key_file probablemente es errónea"
			: "");
		goto done;
	}
	check_ds_print_filing(c, last);
	if (wrong == DS_AUTH)
		check_ds_ok(c, "el detalle rechaza una clave errónea con un mensaje de error");
	else if (wrong == DS_NOT_FOUND)
		check_ds_notice(c, "una clave errónea no se informa: el detalle vuelve vacío, como "
				   "el de un número que no existe; segcont lo detecta cuando todos "
				   "los detalles de una ventana llegan vacíos");
	if (strcmp(last->estado_ds, "vigente") == 0)
		check_ds_ok(c, "estado en el sistema documental: vigente (si la instalación no "
			       "envía SGD_EANU_CODIGO, las anulaciones se ven solo por su "
			       "dependencia 999)");
	printf("3. Tipos documentales vistos en %zu radicados y el trámite que les daría la "
	       "clasificación\n",
	       listed.count < CHECK_DS_SAMPLE ? listed.count : CHECK_DS_SAMPLE);
	check_ds_soap_types(c, &listed);
done:
	filing_list_free(&probe);
	filing_list_free(&listed);
}

/* ---------------------------------------------------------------- format-json profiles */

#define CHECK_DS_SHOWN_NUMBERS 3 /* sample numbers printed */

static const char *check_ds_auth_name(enum mapping_auth_kind k)
{
	switch (k) {
	case MA_BASIC:
		return "HTTP Basic con document_system.user y la contraseña de key_file";
	case MA_BEARER:
		return "token de key_file en un encabezado";
	case MA_OAUTH2:
		return "OAuth2 (client credentials: user y el secreto de key_file)";
	case MA_NONE:
		break;
	}
	return "ninguna (auth.kind none)";
}

/* The first call of the profile with a wrong password: DS_AUTH when it is refused. */
static enum ds_answer check_ds_json_wrong_key(struct check_ds *c, const struct check_ds_window *w)
{
	struct config cfg = *c->cfg;
	struct ds_client *dc;
	struct mapping_page page;
	char token[512];
	char err[DS_CLIENT_ERR_LEN];
	enum ds_answer a;

	cfg.ds_key = (char *)CHECK_DS_WRONG_KEY;
	cfg.ds_max_retries = 1;
	dc = ds_client_new(&cfg, c->map, c->stop);
	mapping_page_init(&page);
	if (mapping_has_request(c->map, MR_LATEST_TOKEN))
		a = ds_client_latest_token(dc, token, sizeof(token), err, sizeof(err));
	else
		a = ds_client_list_first_page(dc, w->from_day, w->to_day, &page, err, sizeof(err));
	mapping_page_free(&page);
	ds_client_free(dc);
	return a;
}

/* What the first page's numbers and offices say. */
static void check_ds_json_numbers(struct check_ds *c, const struct filing_list *l)
{
	size_t good = 0;
	size_t office = 0;
	struct buf sample;
	char rule[128];
	int filter = cli_mapping_office_filter(c->map, MR_LIST);

	buf_init(&sample);
	for (size_t i = 0; i < l->count; i++) {
		good += mapping_check_numero(c->map, l->items[i].numero) == 0;
		office += strcmp(l->items[i].dependencia_actual, c->cfg->ds_dependencia) == 0;
		if (i < CHECK_DS_SHOWN_NUMBERS)
			buf_printf(&sample, "%s%s", i ? ", " : "", l->items[i].numero);
	}
	mapping_numero_rule(c->map, rule, sizeof(rule));
	if (l->count > 0 && good == l->count)
		check_ds_ok(c, "los %zu números cumplen numero (%s): %s%s", l->count, rule,
			    sample.data, l->count > CHECK_DS_SHOWN_NUMBERS ? ", …" : "");
	else if (l->count > 0)
		check_ds_problem(c,
				 "%zu de %zu números no cumplen numero (%s): %s\n"
				 "           qué hacer: ajuste numero.pattern del mapeo",
				 l->count - good, l->count, rule, sample.data);
	buf_free(&sample);
	if (filter == 1)
		check_ds_ok(c, "la petición list filtra por la dependencia %s",
			    c->cfg->ds_dependencia);
	else if (filter == 0)
		check_ds_notice(c,
				"la petición list no nombra la dependencia: trae los radicados "
				"de todas las dependencias y segcont guarda solo los de la %s",
				c->cfg->ds_dependencia);
	if (l->count > 0 && mapping_maps_field(c->map, MR_LIST, MF_DEP_ACTUAL) == 1) {
		if (office == l->count)
			check_ds_ok(c, "los %zu están hoy en la dependencia %s", l->count,
				    c->cfg->ds_dependencia);
		else
			check_ds_notice(c, "%zu de %zu están hoy en otra dependencia que la %s%s",
					l->count - office, l->count, c->cfg->ds_dependencia,
					filter == 1 ? " (la consulta los trajo igual: revise el "
						      "filtro del mapeo)"
						    : "");
	}
}

static void check_ds_json(struct check_ds *c)
{
	struct mapping_auth au;
	struct check_ds_window w;
	struct mapping_page page;
	char token[512];
	char err[DS_CLIENT_ERR_LEN];
	char secs[32];
	long long t0;
	enum ds_answer a;
	int step = 1;

	mapping_json_auth(c->map, &au);
	check_ds_window(&w);
	mapping_page_init(&page);
	printf("Autenticación: %s\n", check_ds_auth_name(au.kind));
	if (mapping_has_request(c->map, MR_LATEST_TOKEN)) {
		printf("%d. Token de cambios del repositorio (latest_token)\n", step++);
		t0 = util_monotonic_ms();
		a = ds_client_latest_token(c->dc, token, sizeof(token), err, sizeof(err));
		if (a != DS_OK) {
			check_ds_failure(c, "no se pudo leer el token de cambios", a, err);
			return;
		}
		check_ds_ok(c, "credenciales aceptadas; token actual «%s» (%s)", token,
			    check_ds_seconds(util_monotonic_ms() - t0, secs, sizeof(secs)));
	}
	printf("%d. Primera página de la lista de la dependencia %s del %s al %s\n", step++,
	       c->cfg->ds_dependencia, w.from_day, w.to_day);
	t0 = util_monotonic_ms();
	a = ds_client_list_first_page(c->dc, w.from_day, w.to_day, &page, err, sizeof(err));
	if (a != DS_OK && a != DS_EMPTY) {
		check_ds_failure(c, "la lista falló", a, err);
		goto done;
	}
	check_ds_ok(c,
		    "%zu radicados en la primera página (%zu elementos, %zu ignorados por el "
		    "filtro del mapeo, %zu rechazados por sus límites) (%s)",
		    page.filings.count, page.items, page.ignored, page.refused,
		    check_ds_seconds(util_monotonic_ms() - t0, secs, sizeof(secs)));
	if (page.total >= 0 || page.has_more >= 0) {
		char total[48] = "total desconocido";

		if (page.total >= 0)
			snprintf(total, sizeof(total), "%ld en total", page.total);
		check_ds_ok(c, "paginación: %s, %s", total,
			    page.has_more < 0 ? "sin indicación de más páginas"
			    : page.has_more   ? "hay más páginas"
					      : "no hay más páginas");
	}
	{
		struct mapping_paging pg;

		mapping_json_paging(c->map, MR_LIST, &pg);
		if (page.has_more == 1 && pg.kind != MP_NONE && (long)page.items < pg.page_size)
			check_ds_notice(
			    c,
			    "el servidor corta las páginas en %zu elementos (el mapeo pide "
			    "%ld): segcont sigue pidiendo páginas hasta el final",
			    page.items, pg.page_size);
	}
	if (page.refused > 0)
		check_ds_notice(c,
				"%zu radicados rompen los límites del mapeo (limits) y se dejarían "
				"fuera",
				page.refused);
	check_ds_json_numbers(c, &page.filings);
	if (au.kind != MA_NONE) {
		a = check_ds_json_wrong_key(c, &w);
		if (a == DS_AUTH)
			check_ds_ok(c, "el sistema rechaza una contraseña errónea");
		else if (a == DS_OK || a == DS_EMPTY)
			check_ds_notice(c, "el sistema responde igual con una contraseña errónea: "
					   "¿pide credenciales?");
	}
	printf("%d. Un radicado como lo guardaría segcont\n", step++);
	if (page.filings.count == 0) {
		check_ds_notice(c,
				"no hubo radicados en %d días: no hay un ejemplo que mostrar "
				"(¿es correcta la dependencia %s?)",
				CHECK_DS_DAYS, c->cfg->ds_dependencia);
		goto done;
	}
	{
		struct filing *last = &page.filings.items[page.filings.count - 1];

		if (!mapping_json_complete(c->map, MR_LIST)) {
			a = ds_client_details(c->dc, &last, 1, err, sizeof(err));
			if (a != DS_OK) {
				check_ds_failure(c, "el detalle (info) falló", a, err);
				goto done;
			}
		}
		check_ds_print_filing(c, last);
	}
done:
	mapping_page_free(&page);
}

int cli_check_ds(const struct cli_args *a)
{
	struct config cfg;
	struct mapping *m = NULL;
	struct check_ds c;
	char secs[32];
	long long t0 = util_monotonic_ms();
	int ret = 1;

	memset(&c, 0, sizeof(c));
	if (cli_load_config(&cfg, a->config) < 0)
		goto done;
	m = cli_load_mapping(&cfg);
	if (m == NULL)
		goto done;
	c.cfg = &cfg;
	c.map = m;
	c.stop = cli_catch_signals(NULL);
	c.dc = ds_client_new(&cfg, m, c.stop);
	printf("segcont check-ds: %s\n  perfil %s (%s), dependencia %s\n  %s\n", cfg.path,
	       mapping_profile(m), cfg.ds_mapping, cfg.ds_dependencia, cfg.ds_url);
	if (mapping_format(m) == MAPPING_FORMAT_SQL)
		check_ds_sql(&c);
	else if (mapping_format(m) == MAPPING_FORMAT_JSON)
		check_ds_json(&c);
	else
		check_ds_soap(&c);
	printf("Clasificación: ");
	if (mapping_classify_codes(m) == 0)
		printf("la tabla classify.document_types del mapeo está vacía (así se entrega): "
		       "cada radicado se clasifica por las palabras de su asunto y, si ninguna "
		       "aparece, del nombre de su tipo documental. Para fijar el trámite de un "
		       "código, agréguelo a classify.document_types (\"CÓDIGO\": "
		       "\"contratacion_directa\").\n");
	else
		printf("classify.document_types tiene %zu códigos: se usan antes que las palabras "
		       "clave; compruebe que son los de esta instalación.\n",
		       mapping_classify_codes(m));
	ds_client_free(c.dc);
	printf("Resultado: %s (%d %s, %d %s; %s)\n",
	       c.problems == 0 ? "una sincronización funcionaría"
			       : "la sincronización no funcionaría",
	       c.problems, c.problems == 1 ? "problema" : "problemas", c.notices,
	       c.notices == 1 ? "aviso" : "avisos",
	       check_ds_seconds(util_monotonic_ms() - t0, secs, sizeof(secs)));
	ret = c.problems == 0 ? 0 : 1;
done:
	mapping_free(m);
	config_free(&cfg);
	return ret;
}
