/* config.c -- the INI configuration: one table of keys drives defaults, validation with
 * file:line messages, environment overrides and the example file. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CONFIG_FILE_MAX (1024 * 1024) /* bytes of the configuration file */
#define CONFIG_URL_MAX 2048
#define CONFIG_DIGITS_MAX 20
#define CONFIG_QUOTE_LEN 256 /* room for a value or path quoted in a message */
#define CONFIG_MSG_LEN 1024
#define CONFIG_NAME_MAX 256

enum config_type {
	CONFIG_T_INT,	   /* long in [min, max] */
	CONFIG_T_TIME,	   /* HH:MM into an int of minutes after midnight */
	CONFIG_T_DATE,	   /* YYYY-MM-DD, a real date */
	CONFIG_T_DATES,	   /* comma-separated dates into non_working_days; aux: the count */
	CONFIG_T_DIGITS,   /* digits only */
	CONFIG_T_URL,	   /* http://, https:// or postgresql:// without a password */
	CONFIG_T_HTTP_URL, /* empty, or http:// or https:// without a password */
	CONFIG_T_NAME,	   /* empty, or text without control characters or ':' */
	CONFIG_T_ADDR,	   /* numeric IPv4 or IPv6 address */
	CONFIG_T_PATH,	   /* a path, made absolute; need not exist */
	CONFIG_T_FILE,	   /* a path, made absolute; must be a readable regular file */
	CONFIG_T_KEY_FILE, /* like CONFIG_T_FILE, and its content is read; aux: the key */
	CONFIG_T_LEVEL,	   /* error|warn|info|debug */
};

struct config_section {
	const char *name;
	const char *doc; /* Spanish, for the example file */
};

struct config_key {
	const char *section;
	const char *key;
	enum config_type type;
	long min, max;	     /* CONFIG_T_INT only */
	const char *def;     /* default, parsed like a value from the file; NULL when required */
	const char *example; /* value for the example file when it differs from def */
	size_t off;	     /* the target field */
	size_t aux;	     /* CONFIG_T_DATES: the count; CONFIG_T_KEY_FILE: the key read */
	const char *env;     /* environment variable that overrides the file, or NULL */
	const char *doc;     /* Spanish, for the example file; '\n' starts another line */
};

#define CONFIG_OFF(field) offsetof(struct config, field)

static const struct config_section config_sections[] = {
    {"document_system", "El sistema de gestión documental del que se leen los radicados."},
    {"store", "La base de datos SQLite del seguimiento."},
    {"http", "El servidor HTTP de la API JSON y de la página del equipo."},
    {"calendar", "El calendario de días hábiles (los festivos de Colombia ya se cuentan)."},
    {"sla", "Días hábiles de respuesta por tipo de trámite."},
    {"log", "El registro de eventos (salida de errores, o el diario de systemd)."},
};

static const struct config_key config_keys[] = {
    {"document_system", "url", CONFIG_T_URL, 0, 0, NULL,
     "https://orfeo.example.org/webServices/servidor.php", CONFIG_OFF(ds_url), 0, "SEGCONT_DS_URL",
     "Dirección del servicio web del sistema de gestión documental (perfiles SOAP), o de su\n"
     "base de datos: postgresql://segcont_ro@servidor:5432/orfeo (perfil orfeo-sql; la\n"
     "contraseña nunca va aquí: va en key_file)."},
    {"document_system", "mapping", CONFIG_T_FILE, 0, 0, NULL,
     "/usr/local/share/segcont/mappings/orfeo-soap.json", CONFIG_OFF(ds_mapping), 0, NULL,
     "Archivo de mapeo (JSON) que dice cómo leer las respuestas del sistema."},
    {"document_system", "dependencia", CONFIG_T_DIGITS, 0, 0, NULL, "342",
     CONFIG_OFF(ds_dependencia), 0, NULL,
     "Código de la dependencia cuyos radicados se siguen (solo dígitos)."},
    {"document_system", "key_file", CONFIG_T_KEY_FILE, 0, 0, NULL, "ds.key",
     CONFIG_OFF(ds_key_file), CONFIG_OFF(ds_key), NULL,
     "Archivo con la clave del servicio (o la contraseña del usuario de la base de datos),\n"
     "legible solo por el usuario segcont (chmod 600)."},
    {"document_system", "user", CONFIG_T_NAME, 0, 0, "", NULL, CONFIG_OFF(ds_user), 0, NULL,
     "Cuenta con la que segcont se presenta al sistema, para los perfiles que la piden\n"
     "(cmis-browser: el usuario del repositorio; su contraseña va en key_file). En OAuth2\n"
     "es el client_id. Vacía en los perfiles orfeo-soap y orfeo-sql."},
    {"document_system", "token_url", CONFIG_T_HTTP_URL, 0, 0, "", NULL, CONFIG_OFF(ds_token_url),
     0, NULL,
     "Perfiles con OAuth2: dirección del servidor de tokens, si no es la que dice el mapeo\n"
     "(auth.token_url). Vacía: la del mapeo."},
    {"document_system", "poll_interval", CONFIG_T_INT, 5, 86400, "60", NULL,
     CONFIG_OFF(ds_poll_interval), 0, NULL, "Segundos entre dos pasadas de sincronización."},
    {"document_system", "timeout", CONFIG_T_INT, 1, 600, "20", NULL, CONFIG_OFF(ds_timeout), 0,
     NULL, "Segundos como máximo por petición al sistema."},
    {"document_system", "max_parallel", CONFIG_T_INT, 1, 32, "4", NULL, CONFIG_OFF(ds_max_parallel),
     0, NULL, "Consultas de detalle simultáneas (getInfoRadicado)."},
    {"document_system", "max_retries", CONFIG_T_INT, 1, 20, "5", NULL, CONFIG_OFF(ds_max_retries),
     0, NULL, "Intentos por petición antes de dar por fallida la ventana."},
    {"document_system", "retry_base_ms", CONFIG_T_INT, 1, 60000, "500", NULL,
     CONFIG_OFF(ds_retry_base_ms), 0, NULL,
     "Espera antes del primer reintento, en milisegundos; se duplica en cada intento, con azar."},
    {"document_system", "retry_max_ms", CONFIG_T_INT, 1, 600000, "30000", NULL,
     CONFIG_OFF(ds_retry_max_ms), 0, NULL, "Espera máxima entre dos reintentos, en milisegundos."},
    {"document_system", "backfill_from", CONFIG_T_DATE, 0, 0, "2024-01-01", NULL,
     CONFIG_OFF(ds_backfill_from), 0, NULL,
     "Fecha (AAAA-MM-DD) desde la que lee la primera pasada."},
    {"document_system", "reconcile_days", CONFIG_T_INT, 1, 3650, "90", NULL,
     CONFIG_OFF(ds_reconcile_days), 0, NULL, "Días hacia atrás que vuelve a leer la conciliación."},
    {"document_system", "reconcile_time", CONFIG_T_TIME, 0, 0, "06:00", NULL,
     CONFIG_OFF(reconcile_minutes), 0, NULL, "Hora diaria (HH:MM) de la conciliación."},
    {"store", "path", CONFIG_T_PATH, 0, 0, "segcont.db", "/var/lib/segcont/segcont.db",
     CONFIG_OFF(store_path), 0, "SEGCONT_DB",
     "Archivo de la base de datos; el servicio solo puede escribir en /var/lib/segcont."},
    {"store", "cache_mib", CONFIG_T_INT, 4, 4096, "32", NULL, CONFIG_OFF(store_cache_mib), 0, NULL,
     "Caché de páginas de SQLite de todo el servicio, en MiB, repartida entre sus\n"
     "conexiones (una por hilo HTTP, la del sondeo y la de la conciliación; de 1 a 16 MiB\n"
     "cada una): pasada su parte, cada conexión reutiliza sus páginas en vez de crecer."},
    {"http", "listen", CONFIG_T_ADDR, 0, 0, "127.0.0.1", NULL, CONFIG_OFF(http_listen), 0, NULL,
     "Dirección IP (IPv4 o IPv6) en la que escucha el servidor HTTP."},
    {"http", "port", CONFIG_T_INT, 1, 65535, "8080", NULL, CONFIG_OFF(http_port), 0,
     "SEGCONT_HTTP_PORT", "Puerto TCP del servidor HTTP."},
    {"http", "threads", CONFIG_T_INT, 1, 64, "4", NULL, CONFIG_OFF(http_threads), 0, NULL,
     "Hilos que atienden peticiones HTTP."},
    {"calendar", "closing_time", CONFIG_T_TIME, 0, 0, "16:30", NULL, CONFIG_OFF(closing_minutes), 0,
     NULL, "Hora de cierre (HH:MM): lo radicado después cuenta desde el día hábil siguiente."},
    {"calendar", "non_working_days", CONFIG_T_DATES, 0, 0, "", NULL, CONFIG_OFF(non_working_days),
     CONFIG_OFF(non_working_count), NULL,
     "Días no hábiles propios de la entidad: fechas AAAA-MM-DD separadas por comas.\n"
     "La lista puede seguir en las líneas siguientes si empiezan con sangría."},
    {"sla", "contratacion_directa", CONFIG_T_INT, 1, 60, "3", NULL,
     CONFIG_OFF(sla_contratacion_directa), 0, NULL, "Contratación directa."},
    {"sla", "proceso_seleccion", CONFIG_T_INT, 1, 60, "5", NULL, CONFIG_OFF(sla_proceso_seleccion),
     0, NULL, "Procesos de selección."},
    {"sla", "novedad_contractual", CONFIG_T_INT, 1, 60, "3", NULL,
     CONFIG_OFF(sla_novedad_contractual), 0, NULL,
     "Novedades contractuales (adición, prórroga, modificación, suspensión…)."},
    {"sla", "liquidacion_terminacion", CONFIG_T_INT, 1, 60, "5", NULL,
     CONFIG_OFF(sla_liquidacion_terminacion), 0, NULL, "Liquidación y terminación."},
    {"sla", "otro", CONFIG_T_INT, 1, 60, "5", NULL, CONFIG_OFF(sla_otro), 0, NULL,
     "Cualquier otro trámite."},
    {"log", "level", CONFIG_T_LEVEL, 0, 0, "info", NULL, CONFIG_OFF(log_level), 0, "SEGCONT_LOG",
     "Nivel mínimo: error, warn, info o debug."},
};

#define CONFIG_NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))
#define CONFIG_NSECTIONS (sizeof(config_sections) / sizeof(config_sections[0]))

/* The state of one config_load: where the reader is, what was seen, what went wrong. */
struct config_parse {
	struct config *c;
	FILE *f;
	const char *name; /* the path as given, for messages */
	char *base;	  /* absolute folder of the file */
	int lineno;
	char *line; /* getline buffer */
	size_t linecap;
	int seen[CONFIG_NKEYS];	       /* line where each key was set, 0 when not */
	const struct config_key *cont; /* list key that indented lines continue, or NULL */
	int in_cont;		       /* the line handed to inih continues cont */
	int bad_section;	       /* after a broken "[section" line: its keys are skipped */
	int want_handler;	       /* the line handed to inih must reach the handler */
	int handler_called;
	struct buf errs;
	int nerrs;
};

#define CONFIG_FIELD(c, off, type) ((type *)(void *)((char *)(c) + (off)))
#define CONFIG_CFIELD(c, off, type) ((const type *)(const void *)((const char *)(c) + (off)))

static void config_vadd(struct config_parse *st, int line, const char *fmt, va_list ap)
{
	if (st->nerrs > 0)
		buf_puts(&st->errs, "\n");
	if (line > 0)
		buf_printf(&st->errs, "%s:%d: ", st->name, line);
	else if (line == 0)
		buf_printf(&st->errs, "%s: ", st->name);
	{
		char msg[CONFIG_MSG_LEN];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		buf_puts(&st->errs, msg);
	}
	st->nerrs++;
}

/* Records a problem at line (0: the file as a whole; -1: no file prefix). */
static void config_error(struct config_parse *st, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void config_error(struct config_parse *st, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_vadd(st, line, fmt, ap);
	va_end(ap);
}

/* Quotes text from outside for a message: control characters escaped, long text cut. */
static const char *config_quote(const char *s, char out[CONFIG_QUOTE_LEN])
{
	return log_escape(s, strlen(s), out, CONFIG_QUOTE_LEN);
}

static void config_wipe_free(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

static void config_set_string(struct config *c, size_t off, char *value)
{
	char **field = CONFIG_FIELD(c, off, char *);

	free(*field);
	*field = value;
}

/* Returns a new absolute, lexically normalised path for p (relative to base, or to
 * the current folder when base is NULL), or NULL with errno set when the current folder
 * is unknown. The caller frees it. */
static char *config_abspath(const char *base, const char *p)
{
	struct buf joined;
	char *cwd = NULL;
	char *out;
	size_t o = 0;

	buf_init(&joined);
	if (p[0] != '/') {
		if (base == NULL) {
			cwd = get_current_dir_name();
			if (cwd == NULL)
				return NULL;
			base = cwd;
		}
		buf_puts(&joined, base);
		buf_puts(&joined, "/");
	}
	buf_puts(&joined, p);
	free(cwd);
	out = xmalloc(joined.len + 2);
	for (const char *s = joined.data; *s != '\0';) {
		const char *e;
		size_t n;

		while (*s == '/')
			s++;
		e = s;
		while (*e != '\0' && *e != '/')
			e++;
		n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	buf_free(&joined);
	return out;
}

static int config_is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Returns 0 when s is a real date written YYYY-MM-DD (years 1900 to 9999), else -1. */
static int config_check_date(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	long y, m, d;
	char part[5];

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	memcpy(part, s, 4);
	part[4] = '\0';
	if (parse_long(part, 1900, 9999, &y) < 0)
		return -1;
	memcpy(part, s + 5, 2);
	part[2] = '\0';
	if (parse_long(part, 1, 12, &m) < 0)
		return -1;
	memcpy(part, s + 8, 2);
	if (parse_long(part, 1, 31, &d) < 0)
		return -1;
	if (d > mdays[m - 1] + (m == 2 && config_is_leap(y)))
		return -1;
	return 0;
}

/* Parses HH:MM (two digits each, 00:00 to 23:59) into minutes after midnight. */
static int config_parse_time(const char *s, int *out)
{
	long h, m;
	char part[3];

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++) {
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	part[2] = '\0';
	memcpy(part, s, 2);
	if (parse_long(part, 0, 23, &h) < 0)
		return -1;
	memcpy(part, s + 3, 2);
	if (parse_long(part, 0, 59, &m) < 0)
		return -1;
	*out = (int)(h * 60 + m);
	return 0;
}

static int config_date_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Adds the comma-separated dates of value to the list (kept sorted, without repeats);
 * empty items are skipped. Returns 0, or -1 with every bad item named in msg. */
static int config_add_dates(struct config *c, const struct config_key *k, const char *value,
			    char *msg, size_t msglen)
{
	char(*days)[11] = (char(*)[11])(void *)((char *)c + k->off);
	size_t *count = CONFIG_FIELD(c, k->aux, size_t);
	struct buf bad;
	int nbad = 0, full = 0;
	const char *s = value;

	buf_init(&bad);
	while (*s != '\0') {
		const char *e = strchr(s, ',');
		const char *end = e ? e : s + strlen(s);
		char item[CONFIG_QUOTE_LEN];
		char q[CONFIG_QUOTE_LEN];

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > s) {
			size_t n = (size_t)(end - s);

			if (n >= sizeof(item))
				n = sizeof(item) - 1;
			memcpy(item, s, n);
			item[n] = '\0';
			if (config_check_date(item) < 0) {
				buf_printf(&bad, "%s«%s»", nbad ? ", " : "", config_quote(item, q));
				nbad++;
			} else if (bsearch(item, days, *count, sizeof(days[0]), config_date_cmp)) {
				/* a repeat: once is enough */
			} else if (*count >= CONFIG_MAX_NON_WORKING) {
				full = 1;
			} else {
				memcpy(days[*count], item, 11);
				(*count)++;
				qsort(days, *count, sizeof(days[0]), config_date_cmp);
			}
		}
		s = e ? e + 1 : end + strlen(end);
	}
	if (nbad > 0)
		set_error(msg, msglen, "%s: %s %s", k->key, bad.data,
			  nbad == 1 ? "no es una fecha AAAA-MM-DD válida"
				    : "no son fechas AAAA-MM-DD válidas");
	else if (full)
		set_error(msg, msglen, "%s admite como máximo %d fechas", k->key,
			  CONFIG_MAX_NON_WORKING);
	buf_free(&bad);
	return nbad > 0 || full ? -1 : 0;
}

/* Reads the key file at path into a new string in *key (the caller wipes and frees it).
 * Returns 0, or -1 with a message. Warns when group or others may read the file. */
static int config_read_key(const char *path, char **key, char *msg, size_t msglen)
{
	unsigned char data[CONFIG_KEY_MAX + 1];
	char q[CONFIG_QUOTE_LEN];
	struct stat sb;
	size_t n = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		set_error(msg, msglen, "no se puede leer el archivo «%s»: %s",
			  config_quote(path, q), strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		set_error(msg, msglen, "«%s» no es un archivo regular", config_quote(path, q));
		goto fail;
	}
	for (;;) {
		ssize_t r = read(fd, data + n, sizeof(data) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_error(msg, msglen, "no se puede leer el archivo «%s»: %s",
				  config_quote(path, q), strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof(data))
			break;
	}
	while (n > 0 && (data[n - 1] == ' ' || data[n - 1] == '\t' || data[n - 1] == '\r' ||
			 data[n - 1] == '\n'))
		n--;
	if (n > CONFIG_KEY_MAX) {
		set_error(msg, msglen, "el archivo de clave «%s» supera %d bytes",
			  config_quote(path, q), CONFIG_KEY_MAX);
		goto fail;
	}
	if (n == 0) {
		set_error(msg, msglen, "el archivo de clave «%s» está vacío",
			  config_quote(path, q));
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (data[i] < 0x20 || data[i] == 0x7f) {
			set_error(msg, msglen,
				  "el archivo de clave «%s» tiene caracteres de control o varias "
				  "líneas",
				  config_quote(path, q));
			goto fail;
		}
	}
	if (sb.st_mode & (S_IRGRP | S_IROTH))
		log_warn("config",
			 "el archivo de clave «%s» lo pueden leer otros usuarios (modo %03o); "
			 "use chmod 600",
			 config_quote(path, q), (unsigned)(sb.st_mode & 0777));
	*key = xstrndup((const char *)data, n);
	rc = 0;
fail:
	sodium_memzero(data, sizeof(data));
	close(fd);
	return rc;
}

/* Returns 0 when path names a regular file this process can read, else -1 with msg. */
static int config_check_file(const char *path, char *msg, size_t msglen)
{
	char q[CONFIG_QUOTE_LEN];
	struct stat sb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		set_error(msg, msglen, "no se puede leer el archivo «%s»: %s",
			  config_quote(path, q), strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		set_error(msg, msglen, "«%s» no es un archivo regular", config_quote(path, q));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* 1 when the URL's authority carries a password ("user:secret@host"). */
static int config_url_has_password(const char *host)
{
	size_t auth = strcspn(host, "/?#");
	const char *at = memchr(host, '@', auth);

	return at != NULL && memchr(host, ':', (size_t)(at - host)) != NULL;
}

/* http(s):// or postgresql:// (postgres://), a host, no spaces or control characters, no
 * password. Returns 0, or -1 with why in msg (what follows the key's name) and *secret set
 * when the value must not be shown (it carries a password). */
static int config_check_url(const char *s, char *msg, size_t msglen, int *secret)
{
	const char *host;
	int pg = 0;

	if (strncasecmp(s, "http://", 7) == 0) {
		host = s + 7;
	} else if (strncasecmp(s, "https://", 8) == 0) {
		host = s + 8;
	} else if (strncasecmp(s, "postgresql://", 13) == 0) {
		host = s + 13;
		pg = 1;
	} else if (strncasecmp(s, "postgres://", 11) == 0) {
		host = s + 11;
		pg = 1;
	} else {
		set_error(msg, msglen,
			  "debe ser una URL que empiece por http://, https:// o postgresql://");
		return -1;
	}
	if ((!pg && (*host == '\0' || *host == '/' || *host == ':')) ||
	    strlen(s) > CONFIG_URL_MAX) {
		set_error(msg, msglen, "debe ser una URL con servidor, de hasta %d caracteres",
			  CONFIG_URL_MAX);
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f) {
			set_error(msg, msglen, "no puede llevar espacios ni caracteres de control");
			*secret = 0;
			return -1;
		}
	}
	if (config_url_has_password(host)) {
		set_error(msg, msglen, "no puede llevar la contraseña: va en key_file");
		*secret = 1;
		return -1;
	}
	if (pg) {
		char *perr = NULL;
		PQconninfoOption *opts = PQconninfoParse(s, &perr);
		int bad = 0;

		if (opts == NULL) {
			set_error(msg, msglen, "debe ser una URL de PostgreSQL válida (%.*s)",
				  (int)strcspn(perr ? perr : "", "\n"), perr ? perr : "");
			PQfreemem(perr);
			return -1;
		}
		for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
			if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
				bad = 1;
		}
		PQconninfoFree(opts);
		if (bad) {
			set_error(msg, msglen, "no puede llevar la contraseña: va en key_file");
			*secret = 1;
			return -1;
		}
	}
	return 0;
}

/* Validates value for key k and stores it in c; paths resolve against base (NULL: the
 * current folder). Returns 0, or -1 with a message (without location) in msg; then the
 * field keeps its previous value, except a list, which keeps the dates that were good. */
static int config_set(struct config *c, const struct config_key *k, const char *value,
		      const char *base, char *msg, size_t msglen)
{
	char q[CONFIG_QUOTE_LEN];
	long n;
	int minutes;

	switch (k->type) {
	case CONFIG_T_INT:
		if (parse_long(value, k->min, k->max, &n) < 0) {
			set_error(msg, msglen,
				  "%s debe ser un entero entre %ld y %ld (se leyó «%s»)", k->key,
				  k->min, k->max, config_quote(value, q));
			return -1;
		}
		*CONFIG_FIELD(c, k->off, long) = n;
		return 0;
	case CONFIG_T_TIME:
		if (config_parse_time(value, &minutes) < 0) {
			set_error(msg, msglen,
				  "%s debe ser una hora HH:MM entre 00:00 y 23:59 (se leyó «%s»)",
				  k->key, config_quote(value, q));
			return -1;
		}
		*CONFIG_FIELD(c, k->off, int) = minutes;
		return 0;
	case CONFIG_T_DATE:
		if (config_check_date(value) < 0) {
			set_error(msg, msglen,
				  "%s debe ser una fecha AAAA-MM-DD válida (se leyó «%s»)", k->key,
				  config_quote(value, q));
			return -1;
		}
		break;
	case CONFIG_T_DATES:
		*CONFIG_FIELD(c, k->aux, size_t) = 0;
		return config_add_dates(c, k, value, msg, msglen);
	case CONFIG_T_DIGITS:
		if (value[0] == '\0' || strspn(value, "0123456789") != strlen(value) ||
		    strlen(value) > CONFIG_DIGITS_MAX) {
			set_error(msg, msglen,
				  "%s debe tener solo dígitos, de 1 a %d (se leyó «%s»)", k->key,
				  CONFIG_DIGITS_MAX, config_quote(value, q));
			return -1;
		}
		break;
	case CONFIG_T_NAME:
		if (strlen(value) > CONFIG_NAME_MAX) {
			set_error(msg, msglen, "%s admite como máximo %d bytes", k->key,
				  CONFIG_NAME_MAX);
			return -1;
		}
		for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
			if (*p < 0x20 || *p == 0x7f || *p == ':') {
				set_error(msg, msglen,
					  "%s no puede llevar «:» ni caracteres de control (se leyó "
					  "«%s»)",
					  k->key, config_quote(value, q));
				return -1;
			}
		}
		break;
	case CONFIG_T_HTTP_URL:
	case CONFIG_T_URL: {
		char why[CONFIG_MSG_LEN / 2];
		int secret = 0;

		if (k->type == CONFIG_T_HTTP_URL && value[0] == '\0')
			break;
		if (k->type == CONFIG_T_HTTP_URL && strncasecmp(value, "http://", 7) != 0 &&
		    strncasecmp(value, "https://", 8) != 0) {
			set_error(msg, msglen,
				  "%s debe ser una URL que empiece por http:// o https:// (se leyó "
				  "«%s»)",
				  k->key, config_quote(value, q));
			return -1;
		}
		if (config_check_url(value, why, sizeof(why), &secret) < 0) {
			if (secret)
				set_error(msg, msglen, "%s %s", k->key, why);
			else
				set_error(msg, msglen, "%s %s (se leyó «%s»)", k->key, why,
					  config_quote(value, q));
			return -1;
		}
		break;
	}
	case CONFIG_T_ADDR: {
		unsigned char addr[sizeof(struct in6_addr)];

		if (inet_pton(AF_INET, value, addr) != 1 && inet_pton(AF_INET6, value, addr) != 1) {
			set_error(
			    msg, msglen,
			    "%s debe ser una dirección IP, como 127.0.0.1 o ::1 (se leyó «%s»)",
			    k->key, config_quote(value, q));
			return -1;
		}
		break;
	}
	case CONFIG_T_LEVEL: {
		enum log_level lvl;
		char *low;

		if (log_parse_level(value, &lvl) < 0) {
			set_error(msg, msglen,
				  "%s debe ser error, warn, info o debug (se leyó «%s»)", k->key,
				  config_quote(value, q));
			return -1;
		}
		low = xstrdup(value);
		for (char *p = low; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		config_set_string(c, k->off, low);
		return 0;
	}
	case CONFIG_T_PATH:
	case CONFIG_T_FILE:
	case CONFIG_T_KEY_FILE: {
		char *path;
		char *key = NULL;

		if (value[0] == '\0') {
			set_error(msg, msglen, "%s no puede estar vacío", k->key);
			return -1;
		}
		path = config_abspath(base, value);
		if (path == NULL) {
			set_error(msg, msglen, "no se puede conocer la carpeta actual: %s",
				  strerror(errno));
			return -1;
		}
		if ((k->type == CONFIG_T_FILE && config_check_file(path, msg, msglen) < 0) ||
		    (k->type == CONFIG_T_KEY_FILE &&
		     config_read_key(path, &key, msg, msglen) < 0)) {
			free(path);
			return -1;
		}
		config_set_string(c, k->off, path);
		if (k->type == CONFIG_T_KEY_FILE) {
			char **field = CONFIG_FIELD(c, k->aux, char *);

			config_wipe_free(*field);
			*field = key;
		}
		return 0;
	}
	}
	config_set_string(c, k->off, xstrdup(value));
	return 0;
}

const char *config_default_path(void)
{
	const char *p = getenv("SEGCONT_CONFIG");

	return p != NULL && *p != '\0' ? p : CONFIG_DEFAULT_PATH;
}

/* Sets every default, resolving relative default paths against base (NULL: the current
 * folder). The table's defaults are constants: one that does not validate is a bug. */
static void config_apply_defaults(struct config *c, const char *base)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_keys[i];
		char msg[CONFIG_MSG_LEN];

		if (k->def == NULL)
			continue;
		if (config_set(c, k, k->def, base, msg, sizeof(msg)) < 0) {
			log_error("config", "valor por omisión no válido: %s", msg);
			abort();
		}
	}
}

void config_defaults(struct config *c)
{
	config_apply_defaults(c, NULL);
}

static int config_section_known(const char *name)
{
	for (size_t i = 0; i < CONFIG_NSECTIONS; i++) {
		if (strcmp(config_sections[i].name, name) == 0)
			return 1;
	}
	return 0;
}

static const struct config_key *config_find(const char *section, const char *key)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].key, key) == 0)
			return &config_keys[i];
	}
	return NULL;
}

/* Returns where an inline comment (';' after a space or tab, as inih sees it) starts
 * in s, or the end of s. */
static char *config_inline_comment(char *s)
{
	for (char *p = s; *p != '\0'; p++) {
		if (*p == ';' && p > s && (p[-1] == ' ' || p[-1] == '\t'))
			return p;
	}
	return s + strlen(s);
}

/* Checks a line that is neither blank nor a comment the way inih will parse it: a
 * "[section]" needs its ']' before any inline comment, a key line its '=' or ':'. */
static void config_check_line(struct config_parse *st, char *p)
{
	char *end = config_inline_comment(p);
	char q[CONFIG_QUOTE_LEN];

	if (*p == '[') {
		char *close = memchr(p, ']', (size_t)(end - p));

		st->bad_section = close == NULL;
		if (close == NULL) {
			config_error(st, st->lineno, "falta «]» al final del nombre de la sección");
			p[0] = '\0';
			return;
		}
		*close = '\0';
		if (!config_section_known(p + 1))
			config_error(st, st->lineno, "sección desconocida [%s]",
				     config_quote(p + 1, q));
		*close = ']';
		return;
	}
	if (strcspn(p, "=:") >= (size_t)(end - p)) {
		config_error(st, st->lineno,
			     "línea no válida: se esperaba «clave = valor», «[sección]» o un "
			     "comentario");
		p[0] = '\0';
		return;
	}
	st->want_handler = 1;
}

/* The fgets-like reader handed to inih: counts lines (inih calls the handler for a
 * line before it reads the next), strips indentation except on the continuation of a
 * list, and reports what inih would reject silently or split (too long lines). */
/* Closes the accounts of the line handed to inih last: a line meant for the handler
 * that never reached it is one inih refused. */
static void config_settle_line(struct config_parse *st)
{
	if (st->want_handler && !st->handler_called)
		config_error(st, st->lineno, "línea no válida");
	st->want_handler = 0;
	st->handler_called = 0;
	st->in_cont = 0;
}

static char *config_reader(char *str, int num, void *stream)
{
	struct config_parse *st = stream;
	ssize_t len;
	char *p, *end;
	const char *prefix = "";
	size_t plen = 0;

	config_settle_line(st);
	len = getline(&st->line, &st->linecap, st->f);
	if (len < 0)
		return NULL;
	st->lineno++;
	p = st->line;
	if ((size_t)len != strlen(p)) {
		config_error(st, st->lineno, "la línea contiene un byte nulo");
		p[0] = '\0';
	}
	if (st->lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (*p == ' ' || *p == '\t') {
		p += strspn(p, " \t");
		if (st->cont != NULL && *p != '\0' && *p != ';' && *p != '#') {
			/* A list goes on: inih treats an indented line as a continuation,
			 * but leaves its inline comment in place. */
			*config_inline_comment(p) = '\0';
			prefix = " ";
			plen = 1;
		}
	}
	if (*p == '\0' || *p == ';' || *p == '#') {
		p[0] = '\0';
	} else if (plen + strlen(p) + 2 > (size_t)num) {
		/* inih would split it into two lines */
		config_error(st, st->lineno, "línea demasiado larga (máximo %d caracteres)",
			     num - 2 - (int)plen);
		p[0] = '\0';
		st->cont = NULL;
	} else if (plen > 0) {
		st->in_cont = 1;
		st->want_handler = 1;
	} else {
		st->cont = NULL;
		config_check_line(st, p);
	}
	snprintf(str, (size_t)num, "%s%s\n", *p != '\0' ? prefix : "", p);
	return str;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_parse *st = user;
	const struct config_key *k;
	char msg[CONFIG_MSG_LEN];
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	st->handler_called = 1;
	if (value == NULL)
		value = "";
	if (st->in_cont) {
		if (config_add_dates(st->c, st->cont, value, msg, sizeof(msg)) < 0)
			config_error(st, st->lineno, "%s", msg);
		return 1;
	}
	if (st->bad_section)
		return 1; /* said once, at the broken section line */
	if (section[0] == '\0') {
		config_error(st, st->lineno, "la clave «%s» está fuera de toda sección",
			     config_quote(name, q));
		return 1;
	}
	if (!config_section_known(section))
		return 1; /* said once, at the section's line */
	k = config_find(section, name);
	if (k == NULL) {
		config_error(st, st->lineno, "clave desconocida «%s» en la sección [%s]",
			     config_quote(name, q), section);
		return 1;
	}
	i = (size_t)(k - config_keys);
	if (st->seen[i] != 0) {
		config_error(st, st->lineno,
			     "clave repetida «%s» en la sección [%s] (ya estaba en la línea %d)",
			     k->key, k->section, st->seen[i]);
		return 1;
	}
	st->seen[i] = st->lineno;
	if (config_set(st->c, k, value, st->base, msg, sizeof(msg)) < 0)
		config_error(st, st->lineno, "%s", msg);
	if (k->type == CONFIG_T_DATES)
		st->cont = k;
	return 1;
}

/* Applies the environment overrides; a relative path is taken from the current folder. */
static void config_apply_env(struct config_parse *st)
{
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_keys[i];
		char msg[CONFIG_MSG_LEN];
		const char *v;

		if (k->env == NULL)
			continue;
		v = getenv(k->env);
		if (v == NULL || *v == '\0')
			continue;
		if (config_set(st->c, k, v, NULL, msg, sizeof(msg)) < 0)
			config_error(st, -1, "variable de entorno %s: %s", k->env, msg);
		else if (st->seen[i] == 0)
			st->seen[i] = -1;
	}
}

/* Copies the collected problems into err, cutting at a whole line when it is full. */
static void config_copy_errors(const struct config_parse *st, char *err, size_t errlen)
{
	const char *s = st->errs.data ? st->errs.data : "";
	char tail[64];
	size_t o = 0;
	int kept = 0;

	if (err == NULL || errlen == 0)
		return;
	if (st->errs.len < errlen) {
		memcpy(err, s, st->errs.len + 1);
		return;
	}
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		snprintf(tail, sizeof(tail), "\n… y %d más", st->nerrs - kept - 1);
		if (o + (o ? 1 : 0) + n + strlen(tail) + 1 > errlen)
			break;
		if (o)
			err[o++] = '\n';
		memcpy(err + o, s, n);
		o += n;
		kept++;
		s = nl ? nl + 1 : s + n;
	}
	snprintf(tail, sizeof(tail), "%s… y %d más", o ? "\n" : "", st->nerrs - kept);
	err[o] = '\0';
	strlcpy_s(err + o, tail, errlen - o);
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	struct config_parse st;
	char *abs, *slash;
	struct stat sb;
	int r;

	memset(&st, 0, sizeof(st));
	buf_init(&st.errs);
	if (path == NULL)
		path = config_default_path();
	st.c = c;
	st.name = path;
	memset(c, 0, sizeof(*c));
	abs = config_abspath(NULL, path);
	if (abs == NULL) {
		config_error(&st, 0, "no se puede conocer la carpeta actual: %s", strerror(errno));
		goto fail;
	}
	st.base = xstrdup(abs);
	slash = strrchr(st.base, '/');
	slash[slash == st.base ? 1 : 0] = '\0';
	config_apply_defaults(c, st.base);
	c->path = abs;
	st.f = fopen(path, "re");
	if (st.f == NULL) {
		config_error(&st, 0, "no se puede leer el archivo: %s", strerror(errno));
		goto fail;
	}
	if (fstat(fileno(st.f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
		config_error(&st, 0, "no es un archivo regular");
		goto fail;
	}
	if (sb.st_size > CONFIG_FILE_MAX) {
		config_error(&st, 0, "el archivo supera %d bytes", CONFIG_FILE_MAX);
		goto fail;
	}
	r = ini_parse_stream(config_reader, &st, config_handler, &st);
	config_settle_line(&st);
	if (r < 0)
		config_error(&st, 0, "no se pudo leer el archivo");
	else if (r > 0 && st.nerrs == 0)
		config_error(&st, r, "línea no válida");
	config_apply_env(&st);
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		if (config_keys[i].def == NULL && st.seen[i] == 0)
			config_error(&st, 0, "falta la clave obligatoria %s en [%s]",
				     config_keys[i].key, config_keys[i].section);
	}
fail:
	if (st.f != NULL)
		fclose(st.f);
	free(st.line);
	free(st.base);
	r = st.nerrs > 0 ? -1 : 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (r < 0)
		config_copy_errors(&st, err, errlen);
	buf_free(&st.errs);
	return r;
}

void config_free(struct config *c)
{
	if (c == NULL)
		return;
	config_wipe_free(c->ds_key);
	c->ds_key = NULL;
	free(c->path);
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		switch (config_keys[i].type) {
		case CONFIG_T_DATE:
		case CONFIG_T_DIGITS:
		case CONFIG_T_URL:
		case CONFIG_T_HTTP_URL:
		case CONFIG_T_NAME:
		case CONFIG_T_ADDR:
		case CONFIG_T_PATH:
		case CONFIG_T_FILE:
		case CONFIG_T_KEY_FILE:
		case CONFIG_T_LEVEL:
			free(*CONFIG_FIELD(c, config_keys[i].off, char *));
			break;
		case CONFIG_T_INT:
		case CONFIG_T_TIME:
		case CONFIG_T_DATES:
			break;
		}
	}
	memset(c, 0, sizeof(*c));
}

long config_sla_days(const struct config *c, const char *tipo_tramite)
{
	if (c == NULL || tipo_tramite == NULL)
		return -1;
	for (size_t i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_keys[i];

		if (strcmp(k->section, "sla") == 0 && strcmp(k->key, tipo_tramite) == 0)
			return *CONFIG_CFIELD(c, k->off, long);
	}
	return -1;
}

void config_write_example(FILE *out)
{
	fputs("; segcont: archivo de configuración (INI).\n"
	      "; Las rutas relativas se resuelven desde la carpeta de este archivo. Comentarios:\n"
	      "; ';' o '#' al comienzo de la línea, o ' ;' después de un valor.\n"
	      "; Generado con config_write_example (connector/config.c) a partir de la tabla\n"
	      "; de claves; un test comprueba que coincidan.\n",
	      out);
	for (size_t s = 0; s < CONFIG_NSECTIONS; s++) {
		const struct config_section *sec = &config_sections[s];

		fprintf(out, "\n[%s]\n; %s\n", sec->name, sec->doc);
		for (size_t i = 0; i < CONFIG_NKEYS; i++) {
			const struct config_key *k = &config_keys[i];
			const char *v = k->example ? k->example : k->def;
			struct buf notes;

			if (strcmp(k->section, sec->name) != 0)
				continue;
			buf_init(&notes);
			if (k->def == NULL)
				buf_puts(&notes, "obligatoria");
			if (k->type == CONFIG_T_INT)
				buf_printf(&notes, "%sentero de %ld a %ld", notes.len ? "; " : "",
					   k->min, k->max);
			if (k->def != NULL && k->example != NULL)
				buf_printf(&notes, "%spor omisión %s", notes.len ? "; " : "",
					   k->def);
			if (k->env != NULL)
				buf_printf(&notes, "%sla reemplaza la variable de entorno %s",
					   notes.len ? "; " : "", k->env);
			fputs("\n; ", out);
			for (const char *d = k->doc; *d != '\0'; d++) {
				if (*d == '\n')
					fputs("\n; ", out);
				else
					fputc(*d, out);
			}
			fputc('\n', out);
			if (notes.len > 0)
				fprintf(out, "; (%s)\n", notes.data);
			fprintf(out, "%s =%s%s\n", k->key, *v ? " " : "", v);
			buf_free(&notes);
		}
	}
}
