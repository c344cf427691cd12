/* test_config.c -- config.c: defaults, every value kind, file:line messages for each
 * kind of mistake, relative paths, environment overrides and the example file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "util.h"

#define DIR "tests/data/config/"
#define ERR_LEN 4096

static char test_cwd[4096];

static const char *test_env_vars[] = {"SEGCONT_DS_URL", "SEGCONT_DB", "SEGCONT_HTTP_PORT",
				      "SEGCONT_LOG", "SEGCONT_CONFIG"};

static void test_unset_env(void)
{
	for (size_t i = 0; i < sizeof(test_env_vars) / sizeof(test_env_vars[0]); i++)
		unsetenv(test_env_vars[i]);
}

static int test_setup(void **state)
{
	(void)state;
	test_unset_env();
	return 0;
}

static int test_group_setup(void **state)
{
	(void)state;
	if (getcwd(test_cwd, sizeof(test_cwd)) == NULL)
		return -1;
	/* git keeps tests/data/config/ds.key as 0644: its warning is tested apart */
	log_set_level(LOG_LVL_ERROR);
	return 0;
}

/* Returns a new string: the current folder joined with rel. */
static char *test_abs(const char *rel)
{
	return xasprintf("%s/%s", test_cwd, rel);
}

/* Returns a new string with the whole file; fails the test when it cannot be read. */
static char *test_slurp(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

static void test_write_file(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_copy_file(const char *from, const char *to, mode_t mode)
{
	char *data = test_slurp(from);

	test_write_file(to, data, mode);
	free(data);
}

/* Loads a file expected to fail and checks err is exactly the expected lines. */
static void test_expect_errors(const char *file, const char *expected)
{
	struct config c;
	char err[ERR_LEN];

	assert_int_equal(config_load(&c, file, err, sizeof(err)), -1);
	assert_string_equal(err, expected);
	config_free(&c);
}

static void test_defaults(void **state)
{
	struct config c;
	char *db = test_abs("segcont.db");

	(void)state;
	config_defaults(&c);
	assert_null(c.path);
	assert_null(c.ds_url);
	assert_null(c.ds_mapping);
	assert_null(c.ds_dependencia);
	assert_null(c.ds_key_file);
	assert_null(c.ds_key);
	assert_int_equal(c.ds_poll_interval, 60);
	assert_int_equal(c.ds_timeout, 20);
	assert_int_equal(c.ds_max_parallel, 4);
	assert_int_equal(c.ds_max_retries, 5);
	assert_string_equal(c.ds_backfill_from, "2024-01-01");
	assert_int_equal(c.ds_reconcile_days, 90);
	assert_int_equal(c.reconcile_minutes, 6 * 60);
	assert_string_equal(c.store_path, db);
	assert_string_equal(c.http_listen, "127.0.0.1");
	assert_int_equal(c.http_port, 8080);
	assert_int_equal(c.http_threads, 4);
	assert_int_equal(c.closing_minutes, 16 * 60 + 30);
	assert_int_equal(c.non_working_count, 0);
	assert_int_equal(c.sla_contratacion_directa, 3);
	assert_int_equal(c.sla_proceso_seleccion, 5);
	assert_int_equal(c.sla_novedad_contractual, 3);
	assert_int_equal(c.sla_liquidacion_terminacion, 5);
	assert_int_equal(c.sla_otro, 5);
	assert_string_equal(c.log_level, "info");
	config_free(&c);
	config_free(&c);
	free(db);
}

static void test_minimal_takes_defaults(void **state)
{
	struct config c;
	char err[ERR_LEN];
	char *path = test_abs(DIR "minimal.conf");
	char *db = test_abs(DIR "segcont.db");
	char *mapping = test_abs(DIR "mapping.json");
	char *key_file = test_abs(DIR "ds.key");

	(void)state;
	assert_int_equal(config_load(&c, DIR "minimal.conf", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.path, path);
	assert_string_equal(c.ds_url, "http://127.0.0.1:8089/webServices/servidor.php");
	assert_string_equal(c.ds_mapping, mapping);
	assert_string_equal(c.ds_key_file, key_file);
	assert_string_equal(c.ds_key, "secreto-de-prueba");
	assert_string_equal(c.ds_dependencia, "342");
	/* the default store path is relative, so it lands next to the file */
	assert_string_equal(c.store_path, db);
	assert_int_equal(c.ds_poll_interval, 60);
	assert_int_equal(c.http_port, 8080);
	assert_int_equal(c.closing_minutes, 990);
	assert_int_equal(c.reconcile_minutes, 360);
	assert_string_equal(c.log_level, "info");
	config_free(&c);
	free(path);
	free(db);
	free(mapping);
	free(key_file);
}

static void test_good_file(void **state)
{
	struct config c;
	char err[ERR_LEN];
	char *db = test_abs("tests/artifacts/good.db");

	(void)state;
	assert_int_equal(config_load(&c, DIR "good.conf", err, sizeof(err)), 0);
	assert_string_equal(c.ds_url, "https://orfeo.example.org/webServices/servidor.php");
	assert_string_equal(c.ds_dependencia, "0342");
	assert_string_equal(c.ds_key, "secreto-de-prueba");
	assert_int_equal(c.ds_poll_interval, 30);
	assert_int_equal(c.ds_timeout, 15);
	assert_int_equal(c.ds_max_parallel, 8);
	assert_int_equal(c.ds_max_retries, 3);
	assert_string_equal(c.ds_backfill_from, "2023-06-15");
	assert_int_equal(c.ds_reconcile_days, 45);
	assert_int_equal(c.reconcile_minutes, 5 * 60 + 45);
	assert_string_equal(c.store_path, db);
	assert_string_equal(c.http_listen, "0.0.0.0");
	assert_int_equal(c.http_port, 9090);
	assert_int_equal(c.http_threads, 8);
	assert_int_equal(c.closing_minutes, 17 * 60 + 5);
	/* over three lines, with a comment and a blank line; sorted, without repeats */
	assert_int_equal(c.non_working_count, 4);
	assert_string_equal(c.non_working_days[0], "2024-12-24");
	assert_string_equal(c.non_working_days[1], "2024-12-31");
	assert_string_equal(c.non_working_days[2], "2025-01-02");
	assert_string_equal(c.non_working_days[3], "2028-02-29");
	assert_int_equal(c.sla_contratacion_directa, 2);
	assert_int_equal(c.sla_proceso_seleccion, 10);
	assert_int_equal(c.sla_novedad_contractual, 4);
	assert_int_equal(c.sla_liquidacion_terminacion, 6);
	assert_int_equal(c.sla_otro, 7);
	assert_string_equal(c.log_level, "debug");
	config_free(&c);
	free(db);
}

static void test_crlf_and_bom(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(config_load(&c, DIR "crlf.conf", err, sizeof(err)), 0);
	assert_string_equal(c.ds_dependencia, "342");
	assert_int_equal(c.http_port, 8181);
	config_free(&c);
}

static void test_unknown_key(void **state)
{
	(void)state;
	test_expect_errors(DIR "unknown-key.conf", DIR
			   "unknown-key.conf:7: clave desconocida «pol_interval» en la sección "
			   "[document_system]\n" DIR
			   "unknown-key.conf:10: clave desconocida «porrt» en la sección [http]");
}

static void test_bad_int(void **state)
{
	(void)state;
	test_expect_errors(
	    DIR "bad-int.conf",
	    DIR "bad-int.conf:7: timeout debe ser un entero entre 1 y 600 (se leyó «5x»)\n" DIR
		"bad-int.conf:8: max_parallel debe ser un entero entre 1 y 32 (se leyó «33»)\n" DIR
		"bad-int.conf:9: poll_interval debe ser un entero entre 5 y 86400 "
		"(se leyó «abc»)\n" DIR
		"bad-int.conf:10: reconcile_days debe ser un entero entre 1 y 3650 "
		"(se leyó «0»)\n" DIR
		"bad-int.conf:12: port debe ser un entero entre 1 y 65535 (se leyó «70000»)\n" DIR
		"bad-int.conf:13: threads debe ser un entero entre 1 y 64 (se leyó «-1»)\n" DIR
		"bad-int.conf:15: otro debe ser un entero entre 1 y 60 (se leyó «61»)\n" DIR
		"bad-int.conf:16: proceso_seleccion debe ser un entero entre 1 y 60 "
		"(se leyó «99999999999999999999999»)");
}

static void test_missing_required(void **state)
{
	(void)state;
	test_expect_errors(DIR "missing-required.conf",
			   DIR "missing-required.conf: falta la clave obligatoria url en "
			       "[document_system]\n" DIR "missing-required.conf: falta la clave "
			       "obligatoria dependencia en [document_system]");
}

static void test_duplicate(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(config_load(&c, DIR "duplicate.conf", err, sizeof(err)), -1);
	assert_string_equal(err,
			    DIR "duplicate.conf:10: clave repetida «port» en la sección [http] (ya "
				"estaba en la línea 8)\n" DIR
				"duplicate.conf:12: clave repetida «dependencia» en la sección "
				"[document_system] (ya estaba en la línea 5)");
	/* the first value stays */
	assert_int_equal(c.http_port, 8080);
	assert_string_equal(c.ds_dependencia, "342");
	config_free(&c);
}

static void test_bad_date(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(config_load(&c, DIR "bad-date.conf", err, sizeof(err)), -1);
	assert_string_equal(err, DIR
			    "bad-date.conf:7: backfill_from debe ser una fecha AAAA-MM-DD válida "
			    "(se leyó «2023-02-29»)\n" DIR
			    "bad-date.conf:9: non_working_days: «2024-13-01», «2025-02-29», "
			    "«24-12-31» no son fechas AAAA-MM-DD válidas\n" DIR
			    "bad-date.conf:10: non_working_days: «2024-04-31» no es una fecha "
			    "AAAA-MM-DD válida");
	assert_int_equal(c.non_working_count, 2);
	assert_string_equal(c.non_working_days[0], "2024-02-29");
	assert_string_equal(c.non_working_days[1], "2024-12-24");
	config_free(&c);
}

static void test_bad_time(void **state)
{
	(void)state;
	test_expect_errors(DIR "bad-time.conf", DIR
			   "bad-time.conf:7: reconcile_time debe ser una hora HH:MM entre 00:00 "
			   "y 23:59 (se leyó «6:00»)\n" DIR
			   "bad-time.conf:9: closing_time debe ser una hora HH:MM entre 00:00 y "
			   "23:59 (se leyó «24:00»)");
}

static void test_unknown_section(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(config_load(&c, DIR "unknown-section.conf", err, sizeof(err)), -1);
	assert_string_equal(err, DIR "unknown-section.conf:7: sección desconocida [stor]");
	assert_int_equal(c.http_port, 8080);
	config_free(&c);
}

static void test_unreadable_files(void **state)
{
	char *mapping = test_abs(DIR "no-such-mapping.json");
	char *key = test_abs(DIR "missing.key");
	char *expected;

	(void)state;
	expected =
	    xasprintf(DIR "unreadable-key.conf:4: no se puede leer el archivo «%s»: No such "
			  "file or directory\n" DIR "unreadable-key.conf:6: no se puede leer "
			  "el archivo «%s»: No such file or directory",
		      mapping, key);
	test_expect_errors(DIR "unreadable-key.conf", expected);
	free(expected);
	free(mapping);
	free(key);
}

static void test_syntax(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(config_load(&c, DIR "syntax.conf", err, sizeof(err)), -1);
	/* the keys under the broken "[http" line are skipped, not reported again */
	assert_string_equal(
	    err, DIR "syntax.conf:1: la clave «stray» está fuera de toda sección\n" DIR
		     "syntax.conf:6: línea no válida: se esperaba «clave = valor», «[sección]» "
		     "o un comentario\n" DIR
		     "syntax.conf:9: falta «]» al final del nombre de la sección\n" DIR
		     "syntax.conf:12: línea demasiado larga (máximo 198 caracteres)");
	/* the lines after the long one are read as lines of their own */
	assert_int_equal(c.closing_minutes, 16 * 60);
	assert_int_equal(c.non_working_count, 0);
	config_free(&c);
}

static void test_bad_values(void **state)
{
	(void)state;
	test_expect_errors(
	    DIR "bad-values.conf",
	    DIR "bad-values.conf:3: url debe ser una URL que empiece por http://, https:// o "
		"postgresql:// (se leyó «ftp://127.0.0.1/servidor.php»)\n" DIR
		"bad-values.conf:4: mapping no puede estar vacío\n" DIR
		"bad-values.conf:5: dependencia debe tener solo dígitos, de 1 a 20 "
		"(se leyó «34a»)\n" DIR
		"bad-values.conf:8: listen debe ser una dirección IP, como 127.0.0.1 o ::1 "
		"(se leyó «localhost»)\n" DIR
		"bad-values.conf:10: level debe ser error, warn, info o debug "
		"(se leyó «verbose»)");
}

static void test_key_file_content(void **state)
{
	char *empty = test_abs(DIR "empty.key");
	char *big = test_abs(DIR "big.key");
	char *expected;

	(void)state;
	expected = xasprintf(DIR "empty-key.conf:6: el archivo de clave «%s» está vacío", empty);
	test_expect_errors(DIR "empty-key.conf", expected);
	free(expected);
	expected = xasprintf(DIR "big-key.conf:6: el archivo de clave «%s» supera 4096 bytes", big);
	test_expect_errors(DIR "big-key.conf", expected);
	free(expected);
	free(empty);
	free(big);
}

static void test_missing_config_file(void **state)
{
	(void)state;
	test_expect_errors(DIR "nope.conf",
			   DIR "nope.conf: no se puede leer el archivo: No such file or directory");
}

static void test_env_overrides(void **state)
{
	struct config c;
	char err[ERR_LEN];
	char *db = test_abs("otra/carpeta/x.db");

	(void)state;
	setenv("SEGCONT_DS_URL", "http://10.0.0.5:8089/ws", 1);
	setenv("SEGCONT_DB", "otra/carpeta/./x.db", 1);
	setenv("SEGCONT_HTTP_PORT", "9999", 1);
	setenv("SEGCONT_LOG", "warn", 1);
	assert_int_equal(config_load(&c, DIR "good.conf", err, sizeof(err)), 0);
	assert_string_equal(c.ds_url, "http://10.0.0.5:8089/ws");
	assert_string_equal(c.store_path, db); /* relative to the current folder */
	assert_int_equal(c.http_port, 9999);
	assert_string_equal(c.log_level, "warn");
	config_free(&c);

	/* an empty variable counts as unset */
	setenv("SEGCONT_HTTP_PORT", "", 1);
	assert_int_equal(config_load(&c, DIR "good.conf", err, sizeof(err)), 0);
	assert_int_equal(c.http_port, 9090);
	config_free(&c);
	test_unset_env();
	free(db);
}

static void test_env_bad_values(void **state)
{
	(void)state;
	setenv("SEGCONT_HTTP_PORT", "0", 1);
	setenv("SEGCONT_DS_URL", "gopher://x", 1);
	setenv("SEGCONT_LOG", "trace", 1);
	test_expect_errors(DIR "minimal.conf",
			   "variable de entorno SEGCONT_DS_URL: url debe ser una URL que empiece "
			   "por http://, https:// o postgresql:// (se leyó «gopher://x»)\n"
			   "variable de entorno SEGCONT_HTTP_PORT: port debe ser un entero entre 1 "
			   "y 65535 (se leyó «0»)\n"
			   "variable de entorno SEGCONT_LOG: level debe ser error, warn, info o "
			   "debug (se leyó «trace»)");
	test_unset_env();
}

static void test_env_fills_required(void **state)
{
	(void)state;
	setenv("SEGCONT_DS_URL", "https://orfeo.example.org/ws", 1);
	test_expect_errors(DIR "missing-required.conf",
			   DIR "missing-required.conf: falta la clave obligatoria dependencia en "
			       "[document_system]");
	test_unset_env();
}

static void test_default_path(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_string_equal(config_default_path(), CONFIG_DEFAULT_PATH);
	setenv("SEGCONT_CONFIG", DIR "minimal.conf", 1);
	assert_string_equal(config_default_path(), DIR "minimal.conf");
	assert_int_equal(config_load(&c, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.ds_dependencia, "342");
	config_free(&c);
	test_unset_env();
}

static void test_sla_lookup(void **state)
{
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(config_load(&c, DIR "good.conf", err, sizeof(err)), 0);
	assert_int_equal(config_sla_days(&c, "contratacion_directa"), 2);
	assert_int_equal(config_sla_days(&c, "proceso_seleccion"), 10);
	assert_int_equal(config_sla_days(&c, "novedad_contractual"), 4);
	assert_int_equal(config_sla_days(&c, "liquidacion_terminacion"), 6);
	assert_int_equal(config_sla_days(&c, "otro"), 7);
	assert_int_equal(config_sla_days(&c, "desconocido"), -1);
	assert_int_equal(config_sla_days(&c, ""), -1);
	assert_int_equal(config_sla_days(&c, NULL), -1);
	config_free(&c);
	config_defaults(&c);
	assert_int_equal(config_sla_days(&c, "otro"), 5);
	config_free(&c);
}

static void test_err_truncated_at_a_line(void **state)
{
	struct config c;
	char err[200];
	size_t n;

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(config_load(&c, DIR "bad-int.conf", err, sizeof(err)), -1);
	n = strlen(err);
	assert_true(n < sizeof(err));
	assert_non_null(strstr(err, DIR "bad-int.conf:7: timeout debe ser"));
	assert_non_null(strstr(err, "\n… y "));
	assert_string_equal(err + n - strlen(" más"), " más");
	config_free(&c);
	/* no room at all, or no buffer: still -1, nothing written */
	assert_int_equal(config_load(&c, DIR "bad-int.conf", NULL, 0), -1);
	config_free(&c);
}

/* The committed example is what config_write_example writes now. */
static void test_example_matches_table(void **state)
{
	char *committed = test_slurp("config/segcont.conf.example");
	char *now = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&now, &len);

	(void)state;
	assert_non_null(f);
	config_write_example(f);
	fclose(f);
	assert_string_equal(committed, now);
	free(committed);
	free(now);
}

/* Makes a private folder for a test; returns a new string. */
static char *test_tempdir(void)
{
	char *dir = xstrdup("/tmp/segcont-test-config-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

/* Removes the files a test put in dir, then dir. */
static void test_rmdir(char *dir, const char *const *files)
{
	for (size_t i = 0; files[i] != NULL; i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(dir);
}

/* The example loads once its key file and mapping exist (the mapping's installed path
 * is swapped for a local file, the only line changed). */
static void test_example_loads(void **state)
{
	static const char *const files[] = {"segcont.conf", "ds.key", "m.json", NULL};
	char *dir = test_tempdir();
	char *text = test_slurp("config/segcont.conf.example");
	char *line = strstr(text, "\nmapping = ");
	char *p;
	struct buf b;
	struct config c;
	char err[ERR_LEN];

	(void)state;
	assert_non_null(line);
	buf_init(&b);
	buf_append(&b, text, (size_t)(line - text));
	buf_puts(&b, "\nmapping = m.json");
	buf_puts(&b, strchr(line + 1, '\n'));
	p = xasprintf("%s/segcont.conf", dir);
	test_write_file(p, b.data, 0644);
	free(p);
	p = xasprintf("%s/ds.key", dir);
	test_write_file(p, "clave\n", 0600);
	free(p);
	p = xasprintf("%s/m.json", dir);
	test_write_file(p, "{}\n", 0644);
	free(p);
	p = xasprintf("%s/segcont.conf", dir);
	assert_int_equal(config_load(&c, p, err, sizeof(err)), 0);
	assert_string_equal(c.ds_dependencia, "342");
	assert_string_equal(c.ds_key, "clave");
	assert_string_equal(c.store_path, "/var/lib/segcont/segcont.db");
	assert_int_equal(c.ds_poll_interval, 60);
	config_free(&c);
	free(p);
	free(text);
	buf_free(&b);
	test_rmdir(dir, files);
}

/* Runs config_load with stderr sent to a file; returns what was written (new string). */
static char *test_load_capturing(const char *path, int *rc)
{
	struct config c;
	char err[ERR_LEN];
	char tmpl[] = "/tmp/segcont-test-stderr-XXXXXX";
	int fd = mkstemp(tmpl);
	int saved;
	char *out;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	*rc = config_load(&c, path, err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	config_free(&c);
	out = test_slurp(tmpl);
	unlink(tmpl);
	return out;
}

static void test_key_permissions_warn(void **state)
{
	static const char *const files[] = {"minimal.conf", "ds.key", "mapping.json", NULL};
	char *dir = test_tempdir();
	char *conf = xasprintf("%s/minimal.conf", dir);
	char *key = xasprintf("%s/ds.key", dir);
	char *mapping = xasprintf("%s/mapping.json", dir);
	char *log;
	int rc;

	(void)state;
	test_copy_file(DIR "minimal.conf", conf, 0644);
	test_copy_file(DIR "mapping.json", mapping, 0644);
	test_copy_file(DIR "ds.key", key, 0640);
	log_set_level(LOG_LVL_INFO);
	log = test_load_capturing(conf, &rc);
	assert_int_equal(rc, 0); /* a warning, not an error */
	assert_non_null(strstr(log, "WARN config: el archivo de clave"));
	assert_non_null(strstr(log, "(modo 640); use chmod 600"));
	assert_null(strstr(log, "secreto"));
	free(log);

	assert_int_equal(chmod(key, 0600), 0);
	log = test_load_capturing(conf, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(log, "");
	log_set_level(LOG_LVL_ERROR);
	free(log);
	free(conf);
	free(key);
	free(mapping);
	test_rmdir(dir, files);
}

/* The required keys with absolute paths, one of them replaced (or a key added) by a line of
 * bad-cases.tsv. Returns a new string. */
static char *test_case_text(const char *section, const char *key, const char *value)
{
	const char *req[][2] = {{"url", "http://127.0.0.1:8089/webServices/servidor.php"},
				{"mapping", DIR "mapping.json"},
				{"dependencia", "342"},
				{"key_file", DIR "ds.key"}};
	struct buf b;
	int placed = 0;

	buf_init(&b);
	buf_puts(&b, "[document_system]\n");
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		int mine = strcmp(section, "document_system") == 0 && strcmp(key, req[i][0]) == 0;
		int path = i == 1 || i == 3;

		placed |= mine;
		if (mine)
			buf_printf(&b, "%s = %s\n", req[i][0], value);
		else if (path)
			buf_printf(&b, "%s = %s/%s\n", req[i][0], test_cwd, req[i][1]);
		else
			buf_printf(&b, "%s = %s\n", req[i][0], req[i][1]);
	}
	if (!placed && strcmp(section, "$") != 0)
		buf_printf(&b, "[%s]\n%s = %s\n", section, key, value);
	return buf_steal(&b);
}

/* Returns a new string: text with each "{name}" of names replaced by its value. */
static char *test_fill(const char *text, const char *const names[][2], size_t n)
{
	struct buf b;

	buf_init(&b);
	for (const char *p = text; *p != '\0';) {
		size_t i;

		for (i = 0; i < n; i++) {
			size_t l = strlen(names[i][0]);

			if (strncmp(p, names[i][0], l) == 0)
				break;
		}
		if (i < n) {
			buf_puts(&b, names[i][1]);
			p += strlen(names[i][0]);
		} else {
			buf_append(&b, p, 1);
			p++;
		}
	}
	return buf_steal(&b);
}

static void test_bad_cases(void **state)
{
	char line[4096];
	char *data = test_abs("tests/data/config");
	char *longpath = xmalloc(2101);
	const char *names[2][2] = {{"{data}", data}, {"{long}", longpath}};
	char *dir = test_tempdir();
	char *conf = xasprintf("%s/caso.conf", dir);
	static const char *const files[] = {"caso.conf", NULL};
	FILE *fp = fopen(DIR "bad-cases.tsv", "r");
	int lineno = 0;
	int n = 0;

	(void)state;
	memset(longpath, 'a', 2100);
	longpath[2100] = '\0';
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *col[5] = {NULL};
		char *p = line;
		char *text;
		char *value;
		struct config c;
		char err[ERR_LEN];
		int k = 0;
		int rc;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		while (k < 5 && p != NULL) {
			col[k++] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		if (k < 4)
			fail_msg("bad-cases.tsv:%d: expected 4 or 5 columns", lineno);
		value = test_fill(col[2], names, 2);
		if (strcmp(col[0], "$") == 0)
			assert_int_equal(setenv(col[1], value, 1), 0);
		text = test_case_text(col[0], col[1], value);
		test_write_file(conf, text, 0644);
		rc = config_load(&c, conf, err, sizeof(err));
		if (strcmp(col[0], "$") == 0)
			unsetenv(col[1]);
		config_free(&c);
		if (rc != -1 || strstr(err, col[3]) == NULL)
			fail_msg(
			    "bad-cases.tsv:%d: [%s] %s = %.60s: rc %d, err \"%s\", want \"%s\"",
			    lineno, col[0], col[1], value, rc, err, col[3]);
		if (col[4] != NULL && strstr(err, col[4]) != NULL)
			fail_msg("bad-cases.tsv:%d: the message shows \"%s\": %s", lineno, col[4],
				 err);
		free(text);
		free(value);
		n++;
	}
	fclose(fp);
	assert_true(n >= 40);
	free(conf);
	free(longpath);
	free(data);
	test_rmdir(dir, files);
}

/* Relative paths resolve against the file's folder, "." and ".." folded, never above "/". */
static void test_paths_folded(void **state)
{
	static const char *const files[] = {"caso.conf", NULL};
	static const struct {
		const char *value;
		const char *want; /* after the folder; NULL: exactly "/x.db" */
	} cases[] = {
	    {"a/./b/../c.db", "/a/c.db"}, {"./a//b/./../../c.db", "/c.db"},
	    {"/../../x.db", NULL},	  {"/./x.db", NULL},
	    {"/tmp/../x.db", NULL},
	};
	char *dir = test_tempdir();
	char *conf = xasprintf("%s/caso.conf", dir);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = test_case_text("store", "path", cases[i].value);
		char *want = cases[i].want != NULL ? xasprintf("%s%s", dir, cases[i].want)
						   : xstrdup("/x.db");
		struct config c;
		char err[ERR_LEN];

		test_write_file(conf, text, 0644);
		if (config_load(&c, conf, err, sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].value, err);
		assert_string_equal(c.store_path, want);
		config_free(&c);
		free(text);
		free(want);
	}
	free(conf);
	test_rmdir(dir, files);
}

/* The file itself: a folder, one over 1 MiB, a NUL byte; a list over 512 dates; many
 * errors cut whole with a count of the rest. */
static void test_file_refused(void **state)
{
	static const char *const files[] = {"caso.conf", NULL};
	char *dir = test_tempdir();
	char *conf = xasprintf("%s/caso.conf", dir);
	char *text = test_case_text("log", "level", "info");
	struct config c;
	char err[ERR_LEN];
	struct buf b;
	FILE *f;

	(void)state;
	assert_int_equal(config_load(&c, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": no es un archivo regular"));
	config_free(&c);

	f = fopen(conf, "w");
	assert_non_null(f);
	fputs(text, f);
	for (int i = 0; i < 20000; i++) /* 58 bytes each */
		fputs("; un comentario largo que no cambia nada, solo ocupa lugar\n", f);
	fclose(f);
	assert_int_equal(config_load(&c, conf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": el archivo supera 1048576 bytes"));
	config_free(&c);

	f = fopen(conf, "w");
	assert_non_null(f);
	fputs(text, f);
	fputs("[http]\nport = 80", f);
	fputc('\0', f);
	fputs("81\n", f);
	fclose(f);
	assert_int_equal(config_load(&c, conf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "caso.conf:9: la línea contiene un byte nulo"));
	config_free(&c);

	/* 513 days of 2025-2026, 8 to a continued line: the 513th is one too many */
	buf_init(&b);
	buf_puts(&b, text);
	buf_puts(&b, "[calendar]\nnon_working_days = 2025-01-01");
	for (int i = 1; i < 513; i++) {
		char day[11];

		assert_int_equal(util_date_add("2025-01-01", i, day), 0);
		buf_printf(&b, "%s%s", i % 8 == 0 ? ",\n  " : ", ", day);
	}
	buf_puts(&b, "\n");
	test_write_file(conf, b.data, 0644);
	buf_free(&b);
	assert_int_equal(config_load(&c, conf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "non_working_days admite como máximo 512 fechas"));
	config_free(&c);

	/* 30 bad lines into 300 bytes: whole lines, then how many were left out */
	buf_init(&b);
	buf_puts(&b, text);
	buf_puts(&b, "[http]\n");
	for (int i = 0; i < 30; i++)
		buf_printf(&b, "clave%d = %d\n", i, i);
	test_write_file(conf, b.data, 0644);
	buf_free(&b);
	{
		char small[300];
		char *tail;
		int kept = 0;

		assert_int_equal(config_load(&c, conf, small, sizeof(small)), -1);
		config_free(&c);
		tail = strstr(small, "\n… y ");
		assert_non_null(tail);
		for (char *p = small; p < tail; p++)
			kept += *p == '\n';
		kept++;
		assert_true(kept >= 2);
		assert_int_equal(atoi(tail + strlen("\n… y ")), 30 - kept);
		assert_true(strlen(small) < sizeof(small));
	}
	free(text);
	free(conf);
	test_rmdir(dir, files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_defaults, test_setup),
	    cmocka_unit_test_setup(test_minimal_takes_defaults, test_setup),
	    cmocka_unit_test_setup(test_good_file, test_setup),
	    cmocka_unit_test_setup(test_crlf_and_bom, test_setup),
	    cmocka_unit_test_setup(test_unknown_key, test_setup),
	    cmocka_unit_test_setup(test_bad_int, test_setup),
	    cmocka_unit_test_setup(test_missing_required, test_setup),
	    cmocka_unit_test_setup(test_duplicate, test_setup),
	    cmocka_unit_test_setup(test_bad_date, test_setup),
	    cmocka_unit_test_setup(test_bad_time, test_setup),
	    cmocka_unit_test_setup(test_unknown_section, test_setup),
	    cmocka_unit_test_setup(test_unreadable_files, test_setup),
	    cmocka_unit_test_setup(test_syntax, test_setup),
	    cmocka_unit_test_setup(test_bad_values, test_setup),
	    cmocka_unit_test_setup(test_key_file_content, test_setup),
	    cmocka_unit_test_setup(test_missing_config_file, test_setup),
	    cmocka_unit_test_setup(test_env_overrides, test_setup),
	    cmocka_unit_test_setup(test_env_bad_values, test_setup),
	    cmocka_unit_test_setup(test_env_fills_required, test_setup),
	    cmocka_unit_test_setup(test_default_path, test_setup),
	    cmocka_unit_test_setup(test_sla_lookup, test_setup),
	    cmocka_unit_test_setup(test_err_truncated_at_a_line, test_setup),
	    cmocka_unit_test_setup(test_example_matches_table, test_setup),
	    cmocka_unit_test_setup(test_example_loads, test_setup),
	    cmocka_unit_test_setup(test_key_permissions_warn, test_setup),
	    cmocka_unit_test_setup(test_bad_cases, test_setup),
	    cmocka_unit_test_setup(test_paths_folded, test_setup),
	    cmocka_unit_test_setup(test_file_refused, test_setup),
	};

	return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
