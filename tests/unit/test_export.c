/* test_export.c -- unit tests of export.c on the office of tests/data/indicators-scenario.sql
 * (run from the repo root): the XLSX opened back (unzip -p, then libxml2 on the sheet XML:
 * headers, real dates with a date style, pesos, frozen header and filter, the indicators
 * sheet) and the CSV read back (BOM, ';', CRLF, quoting, dd/mm/aaaa, formula guard). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <sqlite3.h>

#include "calendar.h"
#include "config.h"
#include "export.h"
#include "export_int.h"
#include "indicators.h"
#include "store.h"
#include "util.h"
#include "test_tmpdir.h"

#define TEST_SCENARIO "tests/data/indicators-scenario.sql"
#define TEST_NUMEROS "tests/data/export-numeros.sql"
#define TEST_PATH_LEN 512
#define TEST_NOW "2024-05-20T10:00:00-05:00"
#define TEST_CLOSING 990
#define TEST_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define TEST_EPS 1e-6
#define TEST_NCOLS 33
#define TEST_MAX_FIELDS 64
#define TEST_MAX_RECORDS 64


/* ---- Helpers */

static int test_setup(void **state)
{
	(void)state;
	return test_tmpdir_make("export");
}

static int test_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

static const char *test_path(const char *name, char out[TEST_PATH_LEN])
{
	snprintf(out, TEST_PATH_LEN, "%s/%s", test_dir, name);
	return out;
}

static char *test_read_stream(FILE *f, size_t *len)
{
	struct buf b;
	char chunk[4096];
	size_t n;

	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	if (len != NULL)
		*len = b.len;
	return buf_steal(&b);
}

static char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;

	if (f == NULL)
		fail_msg("cannot open %s (run from the repo root)", path);
	data = test_read_stream(f, len);
	fclose(f);
	return data;
}

/* A store named name holding the scenario, then the SQL file extra (NULL: none). */
static struct store *test_scenario_with(const char *name, const char *extra)
{
	char path[TEST_PATH_LEN];
	char err[STORE_ERR_LEN] = "";
	struct store *s;
	sqlite3 *db = NULL;
	const char *files[] = {TEST_SCENARIO, extra};
	char *msg = NULL;

	s = store_open(test_path(name, path), err, sizeof(err));
	if (s == NULL)
		fail_msg("store_open: %s", err);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	for (size_t i = 0; i < 2 && files[i] != NULL; i++) {
		char *sql = test_read_file(files[i], NULL);

		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s: %s", files[i], msg);
		free(sql);
	}
	sqlite3_close(db);
	return s;
}

static struct store *test_scenario(const char *name)
{
	return test_scenario_with(name, NULL);
}

static struct calendar *test_calendar(void)
{
	char err[256] = "";
	struct calendar *c = calendar_new(TEST_CLOSING, NULL, 0, err, sizeof(err));

	if (c == NULL)
		fail_msg("calendar_new: %s", err);
	return c;
}

/* ---- Reading an XLSX back: unzip -p, libxml2, XPath */

/* A part of the XLSX, parsed; NULL when optional and absent. */
static xmlDocPtr test_unzip_part(const char *xlsx, const char *member, int optional)
{
	char cmd[TEST_PATH_LEN * 2];
	FILE *p;
	char *data;
	size_t len;
	xmlDocPtr doc;

	snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", xlsx, member);
	p = popen(cmd, "r");
	if (p == NULL)
		fail_msg("cannot run unzip");
	data = test_read_stream(p, &len);
	if (pclose(p) != 0 || len == 0) {
		free(data);
		if (optional)
			return NULL;
		fail_msg("unzip -p %s %s failed (is unzip installed?)", xlsx, member);
	}
	doc = xmlReadMemory(data, (int)len, member, NULL, XML_PARSE_NONET);
	free(data);
	if (doc == NULL)
		fail_msg("%s is not XML", member);
	return doc;
}

static xmlDocPtr test_unzip_xml(const char *xlsx, const char *member)
{
	return test_unzip_part(xlsx, member, 0);
}

struct test_xlsx {
	xmlDocPtr strings, styles, workbook, sheet1, sheet2, sheet3;
};

static void test_xlsx_open(struct test_xlsx *x, const char *path)
{
	/* shared strings, or none when every string is inline (constant_memory) */
	x->strings = test_unzip_part(path, "xl/sharedStrings.xml", 1);
	x->styles = test_unzip_xml(path, "xl/styles.xml");
	x->workbook = test_unzip_xml(path, "xl/workbook.xml");
	x->sheet1 = test_unzip_xml(path, "xl/worksheets/sheet1.xml");
	x->sheet2 = test_unzip_xml(path, "xl/worksheets/sheet2.xml");
	x->sheet3 = test_unzip_xml(path, "xl/worksheets/sheet3.xml");
}

static void test_xlsx_close(struct test_xlsx *x)
{
	if (x->strings != NULL)
		xmlFreeDoc(x->strings);
	xmlFreeDoc(x->styles);
	xmlFreeDoc(x->workbook);
	xmlFreeDoc(x->sheet1);
	xmlFreeDoc(x->sheet2);
	xmlFreeDoc(x->sheet3);
}

/* The text of the first node xpath selects in doc, as a new string; NULL when none. */
static char *test_xpath(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj;
	char *out = NULL;

	xmlXPathRegisterNs(ctx, BAD_CAST "m", BAD_CAST TEST_NS);
	obj = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	if (obj != NULL && obj->nodesetval != NULL && obj->nodesetval->nodeNr > 0) {
		xmlChar *v = xmlNodeGetContent(obj->nodesetval->nodeTab[0]);

		out = xstrdup((const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
	return out;
}

static long test_xpath_long(xmlDocPtr doc, const char *xpath)
{
	char *v = test_xpath(doc, xpath);
	long n;

	if (v == NULL || parse_long(v, -1000000000L, 1000000000L, &n) < 0)
		fail_msg("%s: not an integer (%s)", xpath, v != NULL ? v : "none");
	free(v);
	return n;
}

/* A cell: its type (t), style (s) and value (v), or kind "none" when absent. */
struct test_cell {
	char t[16];
	long s;
	char *v;
	int present;
	int formula;
};

static void test_cell(const struct test_xlsx *x, xmlDocPtr sheet, const char *ref,
		      struct test_cell *c)
{
	char xp[128];
	char *t, *s, *v, *f;

	memset(c, 0, sizeof(*c));
	snprintf(xp, sizeof(xp), "//m:c[@r='%s']/@t", ref);
	t = test_xpath(sheet, xp);
	snprintf(xp, sizeof(xp), "//m:c[@r='%s']/@s", ref);
	s = test_xpath(sheet, xp);
	snprintf(xp, sizeof(xp), "//m:c[@r='%s']/m:v", ref);
	v = test_xpath(sheet, xp);
	if (t != NULL && strcmp(t, "inlineStr") == 0) {
		/* an inline string is a string cell like a shared one */
		free(v);
		snprintf(xp, sizeof(xp), "//m:c[@r='%s']/m:is", ref);
		v = test_xpath(sheet, xp);
		free(t);
		t = xstrdup("str-inline");
	}
	snprintf(xp, sizeof(xp), "//m:c[@r='%s']/m:f", ref);
	f = test_xpath(sheet, xp);
	c->present = v != NULL;
	c->formula = f != NULL;
	strlcpy_s(c->t, t != NULL ? t : "n", sizeof(c->t));
	if (s == NULL || parse_long(s, 0, 100000, &c->s) < 0)
		c->s = 0;
	if (strcmp(c->t, "str-inline") == 0) {
		strlcpy_s(c->t, "s", sizeof(c->t));
		c->v = v;
	} else if (v != NULL && strcmp(c->t, "s") == 0) {
		long idx;

		assert_non_null(x->strings);
		assert_int_equal(parse_long(v, 0, 1000000, &idx), 0);
		snprintf(xp, sizeof(xp), "//m:si[%ld]", idx + 1);
		c->v = test_xpath(x->strings, xp);
		free(v);
	} else {
		c->v = v;
	}
	free(t);
	free(s);
	free(f);
}

static void assert_text_cell(const struct test_xlsx *x, xmlDocPtr sheet, const char *ref,
			     const char *want)
{
	struct test_cell c;

	test_cell(x, sheet, ref, &c);
	if (!c.present || strcmp(c.t, "s") != 0 || strcmp(c.v, want) != 0)
		fail_msg("%s = %s \"%s\", want text \"%s\"", ref, c.t, c.v != NULL ? c.v : "",
			 want);
	assert_false(c.formula);
	free(c.v);
}

/* A code cell: a string (never a number or a date, never a formula) with the Text format. */
static void assert_code_cell(const struct test_xlsx *x, xmlDocPtr sheet, const char *ref,
			     const char *want)
{
	struct test_cell c;
	char xp[128];

	assert_text_cell(x, sheet, ref, want);
	test_cell(x, sheet, ref, &c);
	snprintf(xp, sizeof(xp), "//m:cellXfs/m:xf[%ld]/@numFmtId", c.s + 1);
	if (test_xpath_long(x->styles, xp) != EXPORT_TEXT_FORMAT_ID)
		fail_msg("%s (\"%s\") has no Text format", ref, want);
	free(c.v);
}

static void assert_empty_cell(const struct test_xlsx *x, xmlDocPtr sheet, const char *ref)
{
	struct test_cell c;

	test_cell(x, sheet, ref, &c);
	if (c.present)
		fail_msg("%s should be empty, holds %s", ref, c.v);
	free(c.v);
}

/* The number format code of style index s ("General" for the built-in 0). */
static char *test_format_code(const struct test_xlsx *x, long s)
{
	char xp[160];
	long id;

	snprintf(xp, sizeof(xp), "//m:cellXfs/m:xf[%ld]/@numFmtId", s + 1);
	id = test_xpath_long(x->styles, xp);
	if (id == 0)
		return xstrdup("General");
	snprintf(xp, sizeof(xp), "//m:numFmts/m:numFmt[@numFmtId='%ld']/@formatCode", id);
	return test_xpath(x->styles, xp);
}

/* A numeric cell with value want (within TEST_EPS) and a number format equal to fmt. */
static void assert_number_cell(const struct test_xlsx *x, xmlDocPtr sheet, const char *ref,
			       double want, const char *fmt)
{
	struct test_cell c;
	char *code;
	double v;

	test_cell(x, sheet, ref, &c);
	if (!c.present || strcmp(c.t, "n") != 0)
		fail_msg("%s is not a number (t=%s, v=%s)", ref, c.t, c.v != NULL ? c.v : "");
	v = strtod(c.v, NULL);
	if (v < want - TEST_EPS || v > want + TEST_EPS)
		fail_msg("%s = %s, want %.6f", ref, c.v, want);
	code = test_format_code(x, c.s);
	if (code == NULL || strcmp(code, fmt) != 0)
		fail_msg("%s has format \"%s\", want \"%s\"", ref, code != NULL ? code : "?", fmt);
	free(code);
	free(c.v);
}

/* The row number of the first cell of column A in sheet whose text is label. */
static int test_row_of(const struct test_xlsx *x, xmlDocPtr sheet, const char *label)
{
	for (int r = 1; r < 200; r++) {
		char ref[16];
		struct test_cell c;
		int hit;

		snprintf(ref, sizeof(ref), "A%d", r);
		test_cell(x, sheet, ref, &c);
		hit = c.present && strcmp(c.t, "s") == 0 && strcmp(c.v, label) == 0;
		free(c.v);
		if (hit)
			return r;
	}
	fail_msg("no row \"%s\" in the sheet", label);
	return -1;
}

/* The A1 reference of the 0-based column col in row (A..Z, then AA..). Returns out. */
static const char *test_ref(int col, int row, char out[16])
{
	if (col < 26)
		snprintf(out, 16, "%c%d", 'A' + col, row);
	else
		snprintf(out, 16, "%c%c%d", 'A' + col / 26 - 1, 'A' + col % 26, row);
	return out;
}

/* Rows of the filings sheet (sheet3) with this section, group, figure and radicado (a code
 * cell); NULL numero: any. Counts them. */
static int test_figure_rows(const struct test_xlsx *x, const char *section, const char *group,
			    const char *figure, const char *numero)
{
	int n = 0;

	for (int r = 2;; r++) {
		const char *want[4] = {section, group, figure, numero};
		struct test_cell c[4];
		char ref[16];
		int hit = 1;

		for (int i = 0; i < 4; i++)
			test_cell(x, x->sheet3, test_ref(i, r, ref), &c[i]);
		if (!c[0].present) {
			for (int i = 0; i < 4; i++)
				free(c[i].v);
			break;
		}
		for (int i = 0; i < 4; i++) {
			const char *v = c[i].present ? c[i].v : "";

			if (want[i] != NULL && strcmp(v, want[i]) != 0)
				hit = 0;
			free(c[i].v);
		}
		if (hit && numero != NULL)
			assert_code_cell(x, x->sheet3, test_ref(3, r, ref), numero);
		n += hit;
	}
	return n;
}

/* Serial days since 1899-12-30 of a Bogotá date and time, as Excel stores it. */
static double test_serial(const char *date, int hh, int mi)
{
	long days;

	assert_int_equal(util_date_diff("1899-12-30", date, &days), 0);
	return (double)days + (hh * 60 + mi) / 1440.0;
}

static void test_check_xlsx(const char *path)
{
	static const char *const headers[TEST_NCOLS] = {"Radicado",
							"Fecha y hora",
							"Área solicitante",
							"Asunto",
							"Tipo de trámite",
							"Modalidad",
							"Tipo de gestión",
							"Novedad",
							"Línea del PAA",
							"Abogado",
							"Fecha de reparto",
							"Devoluciones",
							"Devoluciones: fecha y motivo",
							"Fechas de reingreso",
							"Observaciones",
							"Concluido",
							"Fecha de conclusión",
							"Nota de conclusión",
							"Días hábiles",
							"Estado SLA",
							"Número de contrato",
							"Contratista",
							"Objeto",
							"Valor",
							"Fecha de suscripción",
							"Legalización: RP",
							"Legalización: garantías",
							"Legalización: ARL",
							"Legalización: acta de inicio",
							"Legalización: SECOP",
							"Meta (días hábiles)",
							"Fecha límite",
							"Estado del seguimiento"};
	struct test_xlsx x;
	char *v;
	int r;

	test_xlsx_open(&x, path);
	/* Two sheets, in order. */
	v = test_xpath(x.workbook, "//m:sheets/m:sheet[1]/@name");
	assert_string_equal(v, EXPORT_SHEET_FILINGS);
	free(v);
	v = test_xpath(x.workbook, "//m:sheets/m:sheet[2]/@name");
	assert_string_equal(v, EXPORT_SHEET_INDICATORS);
	free(v);
	/* The header row, frozen, with a filter over the 10 filings of May (F10 is April). */
	for (int i = 0; i < TEST_NCOLS; i++) {
		char ref[16];

		assert_text_cell(&x, x.sheet1, test_ref(i, 1, ref), headers[i]);
	}
	v = test_xpath(x.sheet1, "//m:sheetView/m:pane[@state='frozen']/@ySplit");
	assert_non_null(v);
	assert_string_equal(v, "1");
	free(v);
	v = test_xpath(x.sheet1, "//m:autoFilter/@ref");
	assert_non_null(v);
	assert_string_equal(v, "A1:AG11");
	free(v);
	/* Row 2 is F1 (rows go by filing date: F1 F2 F3 F4 F11 F7 F8 F9 F5 F6). */
	assert_code_cell(&x, x.sheet1, "A2", "20243420000011");
	/* Fecha y hora 2024-05-02 09:00 is Excel day 45414 + 9/24 = 45414.375. */
	assert_number_cell(&x, x.sheet1, "B2", 45414.375, EXPORT_DATETIME_FORMAT);
	assert_number_cell(&x, x.sheet1, "B2", test_serial("2024-05-02", 9, 0),
			   EXPORT_DATETIME_FORMAT);
	assert_text_cell(&x, x.sheet1, "C2", "Secretaría de Salud (600)");
	assert_text_cell(&x, x.sheet1, "D2", "Prestación de servicios; apoyo \"jurídico\"");
	assert_text_cell(&x, x.sheet1, "E2", "Contratación directa");
	assert_text_cell(&x, x.sheet1, "G2", "Elaboración de contrato");
	assert_text_cell(&x, x.sheet1, "J2", "Ana Ruiz");
	assert_number_cell(&x, x.sheet1, "K2", test_serial("2024-05-02", 10, 0),
			   EXPORT_DATETIME_FORMAT);
	assert_number_cell(&x, x.sheet1, "L2", 0, "General");
	assert_text_cell(&x, x.sheet1, "O2",
			 "Primera línea\nSegunda; línea\n03/05/2024: Revisar el CDP");
	assert_text_cell(&x, x.sheet1, "P2", "Sí");
	/* The note of the conclusion; no returns, so no reasons nor reingresos. */
	assert_text_cell(&x, x.sheet1, "R2", "Contrato elaborado");
	assert_empty_cell(&x, x.sheet1, "M2");
	assert_empty_cell(&x, x.sheet1, "N2");
	assert_number_cell(&x, x.sheet1, "Q2", test_serial("2024-05-07", 11, 0),
			   EXPORT_DATETIME_FORMAT);
	assert_number_cell(&x, x.sheet1, "S2", 3, "General");
	assert_text_cell(&x, x.sheet1, "T2", "A tiempo");
	assert_code_cell(&x, x.sheet1, "U2", "CD-045-2024");
	assert_text_cell(&x, x.sheet1, "V2", "Laura Méndez");
	/* Valor in pesos. */
	assert_number_cell(&x, x.sheet1, "X2", 45000000, EXPORT_MONEY_FORMAT);
	/* Legalization dates: date only. */
	assert_number_cell(&x, x.sheet1, "Z2", test_serial("2024-05-08", 0, 0), EXPORT_DATE_FORMAT);
	assert_number_cell(&x, x.sheet1, "AC2", test_serial("2024-05-10", 0, 0),
			   EXPORT_DATE_FORMAT);
	assert_text_cell(&x, x.sheet1, "AD2", "Sí");
	assert_number_cell(&x, x.sheet1, "AE2", 3, "General");
	assert_number_cell(&x, x.sheet1, "AF2", test_serial("2024-05-07", 0, 0),
			   EXPORT_DATE_FORMAT);
	assert_text_cell(&x, x.sheet1, "AG2", "Concluido");
	/* F2: one return; a digits-only contract number stays text with its leading zero;
	 * reparto 16:45 is shown as it happened. */
	assert_number_cell(&x, x.sheet1, "L3", 1, "General");
	assert_text_cell(&x, x.sheet1, "M3", "06/05/2024: Falta el estudio previo");
	assert_text_cell(&x, x.sheet1, "N3", "10/05/2024");
	assert_empty_cell(&x, x.sheet1, "R3"); /* concluded without a note */
	assert_code_cell(&x, x.sheet1, "U3", "0452024");
	assert_number_cell(&x, x.sheet1, "K3", test_serial("2024-05-02", 16, 45),
			   EXPORT_DATETIME_FORMAT);
	assert_empty_cell(&x, x.sheet1, "X3");
	/* F11 (row 6): late, not satisfactory, two returns. */
	assert_text_cell(&x, x.sheet1, "T6", "Vencido");
	assert_text_cell(&x, x.sheet1, "P6", "Sí (no satisfactorio)");
	assert_number_cell(&x, x.sheet1, "L6", 2, "General");
	/* every return with its reason, every reingreso, in order */
	assert_text_cell(&x, x.sheet1, "M6", "08/05/2024: Falta el CDP\n10/05/2024: CDP sin firma");
	assert_text_cell(&x, x.sheet1, "N6", "09/05/2024\n15/05/2024");
	/* F7 (row 7): returned, clock paused, no due date. */
	assert_text_cell(&x, x.sheet1, "T7", "A tiempo (devuelto al área)");
	assert_empty_cell(&x, x.sheet1, "AF7");
	/* F8 (row 8) not given; F9 (row 9) annulled: no days, no target. */
	assert_text_cell(&x, x.sheet1, "T8", "Sin repartir");
	assert_empty_cell(&x, x.sheet1, "S8");
	assert_text_cell(&x, x.sheet1, "T9", "No aplica");
	assert_empty_cell(&x, x.sheet1, "AE9");
	/* F5 (row 10): a subject that looks like a formula is a plain string. */
	assert_text_cell(&x, x.sheet1, "D10", "=HIPERVINCULO(\"x\") contratación directa");
	assert_text_cell(&x, x.sheet1, "T10", "Por vencer");
	assert_text_cell(&x, x.sheet1, "G11", "Prórroga");
	assert_text_cell(&x, x.sheet1, "H11", "Prórroga");

	/* The indicators sheet: the same figures as test_indicators. */
	r = test_row_of(&x, x.sheet2, "Recibidos en el periodo");
	{
		char ref[16];

		snprintf(ref, sizeof(ref), "B%d", r);
		assert_number_cell(&x, x.sheet2, ref, 9, "0.##");
	}
	r = test_row_of(&x, x.sheet2, "Dentro de la meta");
	{
		char ref[16];

		snprintf(ref, sizeof(ref), "B%d", r);
		assert_number_cell(&x, x.sheet2, ref, 0.4, "0.00%");
		/* the filings are on their own sheet, never joined in a cell */
		snprintf(ref, sizeof(ref), "C%d", r);
		assert_empty_cell(&x, x.sheet2, ref);
	}
	r = test_row_of(&x, x.sheet2, "Mediana de días hábiles (concluidos)");
	{
		char ref[16];

		snprintf(ref, sizeof(ref), "B%d", r);
		assert_number_cell(&x, x.sheet2, ref, 3.5, "0.##");
	}
	r = test_row_of(&x, x.sheet2, "Bruno Díaz");
	{
		char ref[16];

		/* Bruno: open F4; median 5, p90 5.8, 0 % within target. */
		snprintf(ref, sizeof(ref), "B%d", r);
		assert_number_cell(&x, x.sheet2, ref, 1, "0.##");
		snprintf(ref, sizeof(ref), "F%d", r);
		assert_number_cell(&x, x.sheet2, ref, 5.8, "0.##");
		snprintf(ref, sizeof(ref), "G%d", r);
		assert_number_cell(&x, x.sheet2, ref, 0, "0.00%");
	}
	r = test_row_of(&x, x.sheet2, "Oficina de Planeación (700)");
	{
		char ref[16];

		snprintf(ref, sizeof(ref), "D%d", r);
		assert_number_cell(&x, x.sheet2, ref, 0.67, "0.##");
		snprintf(ref, sizeof(ref), "E%d", r);
		assert_number_cell(&x, x.sheet2, ref, 1.5, "0.##");
	}
	test_xlsx_close(&x);
}

/* A cell longer than Excel keeps (32,767 bytes here: characters are at most that) is cut
 * before the limit, never inside a character, and ends with an ellipsis; CSV keeps it all. */
static void test_xlsx_long_cell(void **state)
{
	struct store *s = test_scenario("largo.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN + STORE_ERR_LEN] = "";
	char path[TEST_PATH_LEN];
	struct test_xlsx x;
	struct test_cell c;
	struct buf note;
	struct buf sql;
	struct buf csv;
	size_t rows = 0;
	size_t n;
	char ref[16];
	sqlite3 *db = NULL;
	char *msg = NULL;

	(void)state;
	config_defaults(&cfg);
	/* "dd/mm/aaaa: " and "a" put the first 'ñ' at an odd byte: the cut lands inside one */
	buf_init(&note);
	buf_puts(&note, "a");
	for (int i = 0; i < 20000; i++)
		buf_puts(&note, "\xc3\xb1");
	buf_init(&sql);
	buf_printf(&sql,
		   "UPDATE seguimiento SET observaciones = '' WHERE radicado_id = 1;"
		   "DELETE FROM gestion WHERE radicado_id = 1 AND tipo = 'observacion';"
		   "INSERT INTO gestion (radicado_id, tipo, fecha, texto) VALUES (1, 'observacion',"
		   " '2024-05-03T10:00:00-05:00', '%s');",
		   note.data);
	assert_int_equal(
	    sqlite3_open_v2(test_path("largo.db", path), &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	if (sqlite3_exec(db, sql.data, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	sqlite3_close(db);
	test_path("largo.xlsx", path);
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_XLSX, "2024-05-01", "2024-05-31",
					   TEST_NOW, path, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	test_xlsx_open(&x, path);
	snprintf(ref, sizeof(ref), "O%d", test_row_of(&x, x.sheet1, "20243420000011"));
	test_cell(&x, x.sheet1, ref, &c);
	assert_true(c.present);
	n = strlen(c.v);
	assert_true(n <= EXPORT_XLSX_MAX_STRING && n > EXPORT_XLSX_MAX_STRING - 8);
	assert_true(util_utf8_valid(c.v, n));
	assert_string_equal(c.v + n - strlen("…"), "…");
	assert_memory_equal(c.v, "03/05/2024: a\xc3\xb1\xc3\xb1", 17);
	assert_memory_equal(c.v + 13, note.data + 1, n - strlen("…") - 13);
	free(c.v);
	test_xlsx_close(&x);
	/* CSV has no such limit: the whole note */
	buf_init(&csv);
	assert_int_equal(export_write(s, &cfg, cal, EXPORT_CSV, "2024-05-01", "2024-05-31",
				      TEST_NOW, &csv, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	assert_non_null(strstr(csv.data, note.data));
	buf_free(&csv);
	buf_free(&sql);
	buf_free(&note);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

static void test_xlsx(void **state)
{
	struct store *s = test_scenario("xlsx.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN + STORE_ERR_LEN] = "";
	char path[TEST_PATH_LEN];
	struct buf out;
	size_t rows = 0;
	FILE *f;
	struct stat sb;

	(void)state;
	config_defaults(&cfg);
	/* Through memory, as the HTTP route does. */
	buf_init(&out);
	assert_int_equal(export_write(s, &cfg, cal, EXPORT_XLSX, "2024-05-01", "2024-05-31",
				      TEST_NOW, &out, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(rows, 10);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "PK", 2);
	f = fopen(test_path("memoria.xlsx", path), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
	fclose(f);
	buf_free(&out);
	test_check_xlsx(path);
	/* Straight to a file, as the command does: mode 0600, replaced atomically. */
	test_path("directo.xlsx", path);
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_XLSX, "2024-05-01", "2024-05-31",
					   TEST_NOW, path, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, EXPORT_FILE_MODE);
	test_check_xlsx(path);
	/* A bad period writes nothing. */
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_XLSX, "2024-05-31", "2024-05-01",
					   TEST_NOW, test_path("malo.xlsx", path), &rows, err,
					   sizeof(err)),
			 INDICATORS_BAD_DATE);
	assert_int_not_equal(access(path, F_OK), 0);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

/* Every row below the header of the sheets named name, "name (2)"…, as "A|B|C|D|E" lines
 * (in order) in out; each sheet's header A1 must be header and no sheet over limit rows.
 * Returns the sheets. */
static int test_table_rows(const char *path, const char *name, const char *header, int ncols,
			   int limit, struct buf *out)
{
	xmlDocPtr wbk = test_unzip_xml(path, "xl/workbook.xml");
	struct test_xlsx x;
	int sheets = 0;

	memset(&x, 0, sizeof(x));
	x.strings = test_unzip_part(path, "xl/sharedStrings.xml", 1);
	for (int i = 1;; i++) {
		char xp[128], member[64], want[64], ref[16];
		char *sheet_name, *filter;
		xmlDocPtr sh;
		int r;

		snprintf(xp, sizeof(xp), "//m:sheet[%d]/@name", i);
		sheet_name = test_xpath(wbk, xp);
		if (sheet_name == NULL)
			break;
		if (sheets == 0)
			snprintf(want, sizeof(want), "%s", name);
		else
			snprintf(want, sizeof(want), "%s (%d)", name, sheets + 1);
		if (strcmp(sheet_name, want) != 0) {
			free(sheet_name);
			continue;
		}
		free(sheet_name);
		sheets++;
		snprintf(member, sizeof(member), "xl/worksheets/sheet%d.xml", i);
		sh = test_unzip_xml(path, member);
		assert_text_cell(&x, sh, "A1", header);
		filter = test_xpath(sh, "//m:autoFilter/@ref");
		assert_non_null(filter);
		free(filter);
		for (r = 2;; r++) {
			struct test_cell c;

			test_cell(&x, sh, test_ref(0, r, ref), &c);
			if (!c.present) {
				free(c.v);
				break;
			}
			free(c.v);
			for (int col = 0; col < ncols; col++) {
				test_cell(&x, sh, test_ref(col, r, ref), &c);
				buf_printf(out, "%s%s", col > 0 ? "|" : "", c.present ? c.v : "");
				free(c.v);
			}
			buf_puts(out, "\n");
		}
		assert_true(r - 1 <= limit);
		xmlFreeDoc(sh);
	}
	if (x.strings != NULL)
		xmlFreeDoc(x.strings);
	xmlFreeDoc(wbk);
	return sheets;
}

/* A table over the rows a sheet holds goes on «(2)», «(3)»…, every row once, in order, each
 * sheet with its header: the same rows as one sheet holds without the limit. */
static void test_xlsx_overflow(void **state)
{
	struct store *s = test_scenario("desborde.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN + STORE_ERR_LEN] = "";
	char path[TEST_PATH_LEN];
	struct buf one_f, many_f, one_s, many_s;
	size_t rows = 0;
	int sheets;

	(void)state;
	config_defaults(&cfg);
	buf_init(&one_f);
	buf_init(&many_f);
	buf_init(&one_s);
	buf_init(&many_s);
	test_path("una.xlsx", path);
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_XLSX, "2024-05-01", "2024-05-31",
					   TEST_NOW, path, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(
	    test_table_rows(path, EXPORT_SHEET_FIGURES, "Sección", 5, LXW_ROW_MAX, &one_f), 1);
	assert_int_equal(
	    test_table_rows(path, EXPORT_SHEET_FILINGS, "Radicado", 3, LXW_ROW_MAX, &one_s), 1);
	export_xlsx_set_row_limit(5); /* a header and 4 rows a sheet */
	test_path("varias.xlsx", path);
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_XLSX, "2024-05-01", "2024-05-31",
					   TEST_NOW, path, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	export_xlsx_set_row_limit(0);
	assert_int_equal(rows, 10);
	sheets = test_table_rows(path, EXPORT_SHEET_FIGURES, "Sección", 5, 5, &many_f);
	assert_true(sheets > 2);
	assert_string_equal(many_f.data, one_f.data);
	assert_int_equal(test_table_rows(path, EXPORT_SHEET_FILINGS, "Radicado", 3, 5, &many_s), 3);
	assert_string_equal(many_s.data, one_s.data);
	buf_free(&one_f);
	buf_free(&many_f);
	buf_free(&one_s);
	buf_free(&many_s);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

/* ---- Reading a CSV back */

struct test_csv {
	char *fields[TEST_MAX_RECORDS][TEST_MAX_FIELDS];
	int nfields[TEST_MAX_RECORDS];
	int nrecords;
};

/* Parses Excel's CSV: ';' between fields, CRLF between records, '"' quoting with "" inside.
 * A bare LF or CR outside quotes fails the test. */
static void test_csv_parse(const char *p, struct test_csv *c)
{
	struct buf field;
	int rec = 0, fld = 0;

	memset(c, 0, sizeof(*c));
	buf_init(&field);
	while (*p != '\0') {
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '\0')
					fail_msg("unterminated quote");
				if (*p == '"' && p[1] == '"') {
					buf_append(&field, "\"", 1);
					p++;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					buf_append(&field, p, 1);
				}
			}
		}
		if (*p == ';' || (p[0] == '\r' && p[1] == '\n') || *p == '\0') {
			assert_true(rec < TEST_MAX_RECORDS && fld < TEST_MAX_FIELDS);
			c->fields[rec][fld++] = xstrdup(field.len > 0 ? field.data : "");
			buf_reset(&field);
			if (*p == ';') {
				p++;
			} else if (*p == '\r') {
				c->nfields[rec++] = fld;
				fld = 0;
				p += 2;
			}
			continue;
		}
		if (*p == '\r' || *p == '\n')
			fail_msg("bare line break outside quotes");
		buf_append(&field, p, 1);
		p++;
	}
	assert_int_equal(fld, 0); /* the file ends with CRLF */
	c->nrecords = rec;
	buf_free(&field);
}

static void test_csv_free(struct test_csv *c)
{
	for (int r = 0; r < c->nrecords; r++) {
		for (int f = 0; f < c->nfields[r]; f++)
			free(c->fields[r][f]);
	}
}

static void test_csv(void **state)
{
	struct store *s = test_scenario("csv.db");
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN + STORE_ERR_LEN] = "";
	char path[TEST_PATH_LEN];
	struct buf out;
	struct test_csv c;
	size_t rows = 0;
	char *file;
	size_t len;
	DIR *d;
	struct dirent *de;

	(void)state;
	config_defaults(&cfg);
	buf_init(&out);
	assert_int_equal(export_write(s, &cfg, cal, EXPORT_CSV, "2024-05-01", "2024-05-31",
				      TEST_NOW, &out, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(rows, 10);
	/* UTF-8 BOM, then the header with ';' and CRLF. */
	assert_memory_equal(out.data, "\xEF\xBB\xBFRadicado;Fecha y hora;Área solicitante;Asunto;",
			    strlen("\xEF\xBB\xBFRadicado;Fecha y hora;Área solicitante;Asunto;"));
	assert_non_null(strstr(out.data, "Estado del seguimiento\r\n"));
	/* Quoting as written: a ';' and '"' in the subject. */
	assert_non_null(strstr(out.data, ";\"Prestación de servicios; apoyo \"\"jurídico\"\"\";"));
	test_csv_parse(out.data + 3, &c);
	assert_int_equal(c.nrecords, 11);
	for (int r = 0; r < c.nrecords; r++)
		assert_int_equal(c.nfields[r], TEST_NCOLS);
	assert_string_equal(c.fields[0][18], "Días hábiles");
	/* F1: radicado kept as text for Excel, dates dd/mm/aaaa [hh:mm], pesos without
	 * separators, the observations with their line breaks. */
	assert_string_equal(c.fields[1][0], "=\"20243420000011\"");
	assert_string_equal(c.fields[1][1], "02/05/2024 09:00");
	assert_string_equal(c.fields[1][3], "Prestación de servicios; apoyo \"jurídico\"");
	assert_string_equal(c.fields[1][14],
			    "Primera línea\nSegunda; línea\n03/05/2024: Revisar el CDP");
	assert_string_equal(c.fields[1][16], "07/05/2024 11:00");
	assert_string_equal(c.fields[1][18], "3");
	assert_string_equal(c.fields[1][19], "A tiempo");
	assert_string_equal(c.fields[1][20], "=\"CD-045-2024\"");
	assert_string_equal(c.fields[1][23], "45000000");
	assert_string_equal(c.fields[1][25], "08/05/2024");
	assert_string_equal(c.fields[1][31], "07/05/2024");
	/* F2: a digits-only contract number keeps its leading zero. */
	assert_string_equal(c.fields[2][20], "=\"0452024\"");
	assert_string_equal(c.fields[2][23], "");
	/* F5 (record 9): a subject starting with '=' is defused. */
	assert_string_equal(c.fields[9][0], "=\"20243420000051\"");
	assert_string_equal(c.fields[9][3], "'=HIPERVINCULO(\"x\") contratación directa");
	assert_string_equal(c.fields[9][19], "Por vencer");
	test_csv_free(&c);
	buf_free(&out);

	/* To a file: the same bytes, mode 0600, no temporary file left behind. */
	test_path("seguimiento.csv", path);
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_CSV, "2024-05-01", "2024-05-31",
					   TEST_NOW, path, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	file = test_read_file(path, &len);
	assert_memory_equal(file, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(file, "\r\n"));
	free(file);
	d = opendir(test_dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_null(strstr(de->d_name, "seguimiento.csv."));
	closedir(d);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

/* Numbers of other document systems and contract numbers Excel would misread
 * (tests/data/export-numeros.sql): in XLSX string cells with the Text format; in CSV ="…"
 * string constants, or a defused text when no formula can hold them. */
static void test_numeros(void **state)
{
	static const char *const radicados[] = {
	    "1-2021-23677", "2021EE7835", "3-2024-17052",   "2024ER7835",     "20201300124633",
	    "2021E7835",    "1-2-2021",	  "20243420000091", "20243420000051", "20243420000061"};
	static const char *const contratos[] = {
	    "1-2021",	    "2021E78", "CD \"2024\" 07",	 "=1+1",
	    "CD-045\n2024", "12:30",   "=HIPERVINCULO(\"x\")\ny"};
	static const char *const csv_contratos[] = {
	    "=\"1-2021\"",  "=\"2021E78\"", "=\"CD \"\"2024\"\" 07\"", "=\"=1+1\"",
	    "CD-045\n2024", "=\"12:30\"",   "'=HIPERVINCULO(\"x\")\ny"};
	struct store *s = test_scenario_with("numeros.db", TEST_NUMEROS);
	struct calendar *cal = test_calendar();
	struct config cfg;
	char err[INDICATORS_ERR_LEN + STORE_ERR_LEN] = "";
	char path[TEST_PATH_LEN];
	char ref[16];
	struct test_xlsx x;
	struct test_csv c;
	struct buf out;
	size_t rows = 0;
	int r;

	(void)state;
	config_defaults(&cfg);
	test_path("numeros.xlsx", path);
	assert_int_equal(export_write_file(s, &cfg, cal, EXPORT_XLSX, "2024-05-01", "2024-05-31",
					   TEST_NOW, path, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	assert_int_equal(rows, 10);
	test_xlsx_open(&x, path);
	for (int i = 0; i < 10; i++) {
		snprintf(ref, sizeof(ref), "A%d", i + 2);
		assert_code_cell(&x, x.sheet1, ref, radicados[i]);
	}
	for (int i = 0; i < 7; i++) {
		snprintf(ref, sizeof(ref), "U%d", i + 2);
		assert_code_cell(&x, x.sheet1, ref, contratos[i]);
	}
	/* F6 (row 11): an area known only by its code keeps its leading zero. */
	assert_code_cell(&x, x.sheet1, "C11", "0800");
	/* The filings sheet lists them as they are, as code cells. */
	(void)r;
	assert_int_equal(test_figure_rows(&x, "Oficina", "", "Dentro de la meta", "1-2021-23677"),
			 1);
	assert_int_equal(test_figure_rows(&x, "Oficina", "", "Dentro de la meta", "2021EE7835"), 1);
	test_xlsx_close(&x);

	buf_init(&out);
	assert_int_equal(export_write(s, &cfg, cal, EXPORT_CSV, "2024-05-01", "2024-05-31",
				      TEST_NOW, &out, &rows, err, sizeof(err)),
			 INDICATORS_OK);
	test_csv_parse(out.data + 3, &c);
	assert_int_equal(c.nrecords, 11);
	for (int i = 0; i < 10; i++) {
		char *want = xasprintf("=\"%s\"", radicados[i]);

		assert_string_equal(c.fields[i + 1][0], want);
		free(want);
	}
	for (int i = 0; i < 7; i++)
		assert_string_equal(c.fields[i + 1][20], csv_contratos[i]);
	assert_string_equal(c.fields[10][2], "=\"0800\"");
	/* As bytes: the constant's quotes doubled again by the CSV quoting. */
	assert_non_null(strstr(out.data, "\r\n\"=\"\"1-2021-23677\"\"\";"));
	assert_non_null(strstr(out.data, ";\"=\"\"CD \"\"\"\"2024\"\"\"\" 07\"\"\";"));
	test_csv_free(&c);
	buf_free(&out);
	config_free(&cfg);
	calendar_free(cal);
	store_close(s);
}

static void test_names(void **state)
{
	char name[EXPORT_FILENAME_LEN];

	(void)state;
	export_filename(EXPORT_XLSX, "2024-05-01", "2024-05-31", name);
	assert_string_equal(name, "seguimiento-2024-05-01-a-2024-05-31.xlsx");
	export_filename(EXPORT_CSV, NULL, "", name);
	assert_string_equal(name, "seguimiento-todo.csv");
	export_filename(EXPORT_CSV, "2024-05-01", NULL, name);
	assert_string_equal(name, "seguimiento-2024-05-01-a-hoy.csv");
	export_filename(EXPORT_CSV, "../../etc", NULL, name);
	assert_string_equal(name, "seguimiento-todo.csv");
	assert_string_equal(export_label("modalidad", "minima_cuantia"), "Mínima cuantía");
	assert_string_equal(export_label("modalidad", "nueva"), "nueva");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xlsx_long_cell), cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_xlsx_overflow),  cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_numeros),	   cmocka_unit_test(test_names),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests(tests, test_setup, test_teardown);
	xmlCleanupParser();
	return rc;
}
