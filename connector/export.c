/* export.c -- the office's spreadsheet as XLSX (libxlsxwriter) or CSV for Excel in Spanish:
 * one row per filing received in the period, and the indicators beside it. */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "export_int.h"
#include "indicators_summary.h"
#include "log.h"

#define EXPORT_MODULE "export"
#define EXPORT_TEXT_LEN 64 /* a formatted date or number */
#define EXPORT_TMP_SUFFIX ".XXXXXX"
#define EXPORT_READ_CHUNK 65536
#define EXPORT_HEADER_COLOR 0xDDEBF7
#define EXPORT_ELLIPSIS "…"
/* The semáforo as the web paints it (web/app.css: --verde, --ambar, --rojo), a pale fill
 * behind the same colour as text, so that it also reads in black and white. */
#define EXPORT_GREEN_FILL 0xE8F5E9
#define EXPORT_GREEN_TEXT 0x2E7D32
#define EXPORT_AMBER_FILL 0xFFF3E0
#define EXPORT_AMBER_TEXT 0xA15C00
#define EXPORT_RED_FILL 0xFDECEA
#define EXPORT_RED_TEXT 0xC62828

/* ---- Labels */

struct export_code_label {
	const char *kind;
	const char *code;
	const char *label;
};

static const struct export_code_label export_labels[] = {
    {"tipo_tramite", "contratacion_directa", "Contratación directa"},
    {"tipo_tramite", "proceso_seleccion", "Proceso de selección"},
    {"tipo_tramite", "novedad_contractual", "Novedad contractual"},
    {"tipo_tramite", "liquidacion_terminacion", "Liquidación o terminación"},
    {"tipo_tramite", "otro", "Otro"},
    {"modalidad", "licitacion_publica", "Licitación pública"},
    {"modalidad", "seleccion_abreviada", "Selección abreviada"},
    {"modalidad", "concurso_meritos", "Concurso de méritos"},
    {"modalidad", "contratacion_directa", "Contratación directa"},
    {"modalidad", "minima_cuantia", "Mínima cuantía"},
    {"modalidad", "acuerdo_marco", "Acuerdo marco de precios"},
    {"modalidad", "regimen_especial", "Régimen especial"},
    {"novedad", "adicion", "Adición"},
    {"novedad", "prorroga", "Prórroga"},
    {"novedad", "modificacion", "Modificación"},
    {"novedad", "suspension", "Suspensión"},
    {"novedad", "reinicio", "Reinicio"},
    {"novedad", "cesion", "Cesión"},
    {"novedad", "terminacion_anticipada", "Terminación anticipada"},
    {"estado", "recibido", "Recibido"},
    {"estado", "repartido", "Repartido"},
    {"estado", "en_revision", "En revisión"},
    {"estado", "devuelto", "Devuelto"},
    {"estado", "concluido", "Concluido"},
    {"estado", "anulado", "Anulado"},
    {"estado", "archivado", "Archivado"},
    {"estado", "trasladado", "Trasladado"},
};

const char *export_label(const char *code_kind, const char *code)
{
	for (size_t i = 0; i < sizeof(export_labels) / sizeof(export_labels[0]); i++) {
		if (strcmp(export_labels[i].kind, code_kind) == 0 &&
		    strcmp(export_labels[i].code, code) == 0)
			return export_labels[i].label;
	}
	return code;
}

/* ---- The row model: one cell per column, shared by both formats */

enum export_kind {
	EXPORT_EMPTY,
	EXPORT_TEXT,	 /* free text from people or the document system */
	EXPORT_CODE,	 /* a radicado or contract number: keep as text */
	EXPORT_NUMBER,	 /* a count */
	EXPORT_MONEY,	 /* pesos */
	EXPORT_DATE,	 /* date only */
	EXPORT_DATETIME, /* date and time */
};

struct export_cell {
	enum export_kind kind;
	enum export_tone tone;
	const char *text;	    /* TEXT, CODE */
	char *owned;		    /* when text was built for the cell */
	long long number;	    /* NUMBER, MONEY */
	struct calendar_local time; /* DATE, DATETIME */
};

enum export_col {
	EXPORT_COL_RADICADO,
	EXPORT_COL_FECHA,
	EXPORT_COL_AREA,
	EXPORT_COL_ASUNTO,
	EXPORT_COL_TIPO_TRAMITE,
	EXPORT_COL_MODALIDAD,
	EXPORT_COL_TIPO_GESTION,
	EXPORT_COL_NOVEDAD,
	EXPORT_COL_LINEA_PAA,
	EXPORT_COL_ABOGADO,
	EXPORT_COL_FECHA_REPARTO,
	EXPORT_COL_DEVOLUCIONES,
	EXPORT_COL_MOTIVOS_DEVOLUCION,
	EXPORT_COL_FECHAS_REINGRESO,
	EXPORT_COL_OBSERVACIONES,
	EXPORT_COL_CONCLUIDO,
	EXPORT_COL_FECHA_CONCLUSION,
	EXPORT_COL_NOTA_CONCLUSION,
	EXPORT_COL_DIAS,
	EXPORT_COL_ESTADO_SLA,
	EXPORT_COL_CONTRATO,
	EXPORT_COL_CONTRATISTA,
	EXPORT_COL_OBJETO,
	EXPORT_COL_VALOR,
	EXPORT_COL_FECHA_SUSCRIPCION,
	EXPORT_COL_RP,
	EXPORT_COL_GARANTIAS,
	EXPORT_COL_ARL,
	EXPORT_COL_ACTA_INICIO,
	EXPORT_COL_SECOP,
	EXPORT_COL_META,
	EXPORT_COL_FECHA_LIMITE,
	EXPORT_COL_ESTADO,
	EXPORT_NCOLS
};

/* Each column: its header, its width in characters and whether its text wraps. */
static const struct {
	const char *header;
	double width;
	int wrap;
} export_columns[EXPORT_NCOLS] = {
    [EXPORT_COL_RADICADO] = {"Radicado", 17, 0},
    [EXPORT_COL_FECHA] = {"Fecha y hora", 16, 0},
    [EXPORT_COL_AREA] = {"Área solicitante", 30, 0},
    [EXPORT_COL_ASUNTO] = {"Asunto", 50, 1},
    [EXPORT_COL_TIPO_TRAMITE] = {"Tipo de trámite", 22, 0},
    [EXPORT_COL_MODALIDAD] = {"Modalidad", 22, 0},
    [EXPORT_COL_TIPO_GESTION] = {"Tipo de gestión", 20, 0},
    [EXPORT_COL_NOVEDAD] = {"Novedad", 16, 0},
    [EXPORT_COL_LINEA_PAA] = {"Línea del PAA", 14, 0},
    [EXPORT_COL_ABOGADO] = {"Abogado", 24, 0},
    [EXPORT_COL_FECHA_REPARTO] = {"Fecha de reparto", 16, 0},
    [EXPORT_COL_DEVOLUCIONES] = {"Devoluciones", 12, 0},
    [EXPORT_COL_MOTIVOS_DEVOLUCION] = {"Devoluciones: fecha y motivo", 45, 1},
    [EXPORT_COL_FECHAS_REINGRESO] = {"Fechas de reingreso", 14, 1},
    [EXPORT_COL_OBSERVACIONES] = {"Observaciones", 45, 1},
    [EXPORT_COL_CONCLUIDO] = {"Concluido", 12, 0},
    [EXPORT_COL_FECHA_CONCLUSION] = {"Fecha de conclusión", 16, 0},
    [EXPORT_COL_NOTA_CONCLUSION] = {"Nota de conclusión", 40, 1},
    [EXPORT_COL_DIAS] = {"Días hábiles", 11, 0},
    [EXPORT_COL_ESTADO_SLA] = {"Estado SLA", 16, 0},
    [EXPORT_COL_CONTRATO] = {"Número de contrato", 18, 0},
    [EXPORT_COL_CONTRATISTA] = {"Contratista", 28, 0},
    [EXPORT_COL_OBJETO] = {"Objeto", 45, 1},
    [EXPORT_COL_VALOR] = {"Valor", 18, 0},
    [EXPORT_COL_FECHA_SUSCRIPCION] = {"Fecha de suscripción", 12, 0},
    [EXPORT_COL_RP] = {"Legalización: RP", 14, 0},
    [EXPORT_COL_GARANTIAS] = {"Legalización: garantías", 14, 0},
    [EXPORT_COL_ARL] = {"Legalización: ARL", 14, 0},
    [EXPORT_COL_ACTA_INICIO] = {"Legalización: acta de inicio", 14, 0},
    [EXPORT_COL_SECOP] = {"Legalización: SECOP", 12, 0},
    [EXPORT_COL_META] = {"Meta (días hábiles)", 11, 0},
    [EXPORT_COL_FECHA_LIMITE] = {"Fecha límite", 12, 0},
    [EXPORT_COL_ESTADO] = {"Estado del seguimiento", 16, 0},
};

static void export_cell_text(struct export_cell *c, const char *text)
{
	c->kind = text != NULL && text[0] != '\0' ? EXPORT_TEXT : EXPORT_EMPTY;
	c->text = text;
}

static void export_cell_owned(struct export_cell *c, char *text)
{
	c->owned = text;
	export_cell_text(c, text);
}

static void export_cell_time(struct export_cell *c, const char *iso, enum export_kind kind)
{
	if (iso != NULL && iso[0] != '\0' && calendar_local_time(iso, &c->time) == 0)
		c->kind = c->time.has_time ? kind : EXPORT_DATE;
	else
		c->kind = EXPORT_EMPTY;
}

static void export_cell_number(struct export_cell *c, long long n, enum export_kind kind)
{
	c->kind = kind;
	c->number = n;
}

/* The requesting area: "name (code)", the name, or the bare code (then a code cell). */
static void export_area(struct export_cell *c, const struct indicators_filing *f)
{
	if (f->dependencia_origen_nombre[0] == '\0') {
		c->kind = f->dependencia_origen[0] != '\0' ? EXPORT_CODE : EXPORT_EMPTY;
		c->text = f->dependencia_origen;
	} else if (f->dependencia_origen[0] != '\0') {
		export_cell_owned(
		    c, xasprintf("%s (%s)", f->dependencia_origen_nombre, f->dependencia_origen));
	} else {
		export_cell_text(c, f->dependencia_origen_nombre);
	}
}

/* The observaciones field, then each observacion gestion as "dd/mm/aaaa: texto". */
static char *export_observations(const struct indicators_filing *f)
{
	struct buf b;
	json_t *notes = json_loads(f->notas != NULL ? f->notas : "[]", 0, NULL);
	size_t i;
	json_t *n;

	buf_init(&b);
	buf_puts(&b, f->observaciones);
	json_array_foreach(notes, i, n)
	{
		const char *fecha = json_string_value(json_array_get(n, 0));
		const char *texto = json_string_value(json_array_get(n, 1));
		struct calendar_local t;

		if (texto == NULL)
			continue;
		if (b.len > 0)
			buf_puts(&b, "\n");
		if (fecha != NULL && calendar_local_time(fecha, &t) == 0)
			buf_printf(&b, "%02d/%02d/%04d: ", t.d, t.m, t.y);
		buf_puts(&b, texto);
	}
	json_decref(notes);
	return buf_steal(&b);
}

/* Appends "dd/mm/aaaa" of the instant iso (nothing when it is not one). */
static void export_put_day(struct buf *b, const char *iso)
{
	struct calendar_local t;

	if (iso != NULL && calendar_local_time(iso, &t) == 0)
		buf_printf(b, "%02d/%02d/%04d", t.d, t.m, t.y);
}

/* The milestones of a filing (indicators_filing.hitos) as the sheet shows them: every
 * devolución as "dd/mm/aaaa: motivo", one a line, in order; every reingreso date, one a
 * line; the note of the last conclusion. */
struct export_milestones {
	char *devoluciones;
	char *reingresos;
	char *nota_conclusion;
};

static void export_milestones(const struct indicators_filing *f, struct export_milestones *m)
{
	json_t *list = json_loads(f->hitos != NULL ? f->hitos : "[]", 0, NULL);
	const char *nota = "";
	struct buf dev, rein;
	size_t i;
	json_t *h;

	buf_init(&dev);
	buf_init(&rein);
	json_array_foreach(list, i, h)
	{
		const char *tipo = json_string_value(json_array_get(h, 0));
		const char *fecha = json_string_value(json_array_get(h, 1));
		const char *texto = json_string_value(json_array_get(h, 2));

		if (tipo == NULL)
			continue;
		if (texto == NULL)
			texto = "";
		if (strcmp(tipo, "devolucion") == 0) {
			if (dev.len > 0)
				buf_puts(&dev, "\n");
			export_put_day(&dev, fecha);
			if (texto[0] != '\0')
				buf_printf(&dev, ": %s", texto);
		} else if (strcmp(tipo, "reingreso") == 0) {
			if (rein.len > 0)
				buf_puts(&rein, "\n");
			export_put_day(&rein, fecha);
		} else if (strcmp(tipo, "conclusion") == 0) {
			nota = texto;
		}
	}
	m->devoluciones = buf_steal(&dev);
	m->reingresos = buf_steal(&rein);
	/* a reopened filing's old note is not its outcome */
	m->nota_conclusion = xstrdup(strcmp(f->estado, "concluido") == 0 ? nota : "");
	json_decref(list);
}

static enum export_tone export_sla_tone(enum indicators_state st)
{
	switch (st) {
	case INDICATORS_SLA_A_TIEMPO:
		return EXPORT_TONE_GREEN;
	case INDICATORS_SLA_POR_VENCER:
		return EXPORT_TONE_AMBER;
	case INDICATORS_SLA_VENCIDO:
		return EXPORT_TONE_RED;
	default:
		return EXPORT_TONE_NONE;
	}
}

static const char *export_concluded(const struct indicators_filing *f)
{
	if (strcmp(f->estado, "concluido") != 0)
		return "No";
	return f->concluido_satisfactorio == 0 ? "Sí (no satisfactorio)" : "Sí";
}

static char *export_sla_label(const struct indicators_sla *sla)
{
	const char *label = indicators_sla_state_label(sla->estado);

	if (sla->reloj == INDICATORS_CLOCK_PAUSADO)
		return xasprintf("%s (devuelto al área)", label);
	return xstrdup(label);
}

/* Fills the row of f; every owned text is freed by export_row_free. */
static void export_row(const struct indicators_filing *f, struct export_cell row[EXPORT_NCOLS])
{
	const struct indicators_sla *sla = &f->sla;
	int measured =
	    sla->reloj != INDICATORS_CLOCK_NO_APLICA && sla->reloj != INDICATORS_CLOCK_SIN_INICIAR;
	const char *gestion = f->tipo_gestion;
	struct export_milestones m;

	memset(row, 0, sizeof(struct export_cell) * EXPORT_NCOLS);
	export_milestones(f, &m);
	row[EXPORT_COL_RADICADO].kind = EXPORT_CODE;
	row[EXPORT_COL_RADICADO].text = f->numero;
	export_cell_time(&row[EXPORT_COL_FECHA], f->fecha_radicacion, EXPORT_DATETIME);
	export_area(&row[EXPORT_COL_AREA], f);
	export_cell_text(&row[EXPORT_COL_ASUNTO], f->asunto);
	export_cell_text(&row[EXPORT_COL_TIPO_TRAMITE],
			 export_label("tipo_tramite", f->tipo_tramite));
	export_cell_text(&row[EXPORT_COL_MODALIDAD], export_label("modalidad", f->modalidad));
	if (gestion[0] == '\0')
		gestion = export_label("novedad", f->novedad);
	export_cell_text(&row[EXPORT_COL_TIPO_GESTION], gestion);
	if (f->novedad[0] != '\0')
		export_cell_text(&row[EXPORT_COL_NOVEDAD], export_label("novedad", f->novedad));
	export_cell_text(&row[EXPORT_COL_LINEA_PAA], f->linea_paa);
	export_cell_text(&row[EXPORT_COL_ABOGADO], f->abogado);
	export_cell_time(&row[EXPORT_COL_FECHA_REPARTO],
			 sla->inicio[0] != '\0' ? sla->inicio : f->fecha_reparto, EXPORT_DATETIME);
	export_cell_number(&row[EXPORT_COL_DEVOLUCIONES], f->devoluciones, EXPORT_NUMBER);
	export_cell_owned(&row[EXPORT_COL_MOTIVOS_DEVOLUCION], m.devoluciones);
	export_cell_owned(&row[EXPORT_COL_FECHAS_REINGRESO], m.reingresos);
	export_cell_owned(&row[EXPORT_COL_OBSERVACIONES], export_observations(f));
	export_cell_text(&row[EXPORT_COL_CONCLUIDO], export_concluded(f));
	export_cell_time(&row[EXPORT_COL_FECHA_CONCLUSION],
			 f->fecha_conclusion != NULL ? f->fecha_conclusion : sla->fin,
			 EXPORT_DATETIME);
	export_cell_owned(&row[EXPORT_COL_NOTA_CONCLUSION], m.nota_conclusion);
	if (measured)
		export_cell_number(&row[EXPORT_COL_DIAS], sla->usados, EXPORT_NUMBER);
	export_cell_owned(&row[EXPORT_COL_ESTADO_SLA], export_sla_label(sla));
	row[EXPORT_COL_ESTADO_SLA].tone = export_sla_tone(sla->estado);
	row[EXPORT_COL_CONTRATO].kind = f->numero_contrato[0] != '\0' ? EXPORT_CODE : EXPORT_EMPTY;
	row[EXPORT_COL_CONTRATO].text = f->numero_contrato;
	export_cell_text(&row[EXPORT_COL_CONTRATISTA], f->contratista);
	export_cell_text(&row[EXPORT_COL_OBJETO], f->objeto);
	if (f->valor_presente)
		export_cell_number(&row[EXPORT_COL_VALOR], f->valor, EXPORT_MONEY);
	export_cell_time(&row[EXPORT_COL_FECHA_SUSCRIPCION], f->fecha_suscripcion, EXPORT_DATE);
	export_cell_time(&row[EXPORT_COL_RP], f->fecha_rp, EXPORT_DATE);
	export_cell_time(&row[EXPORT_COL_GARANTIAS], f->fecha_aprobacion_garantias, EXPORT_DATE);
	export_cell_time(&row[EXPORT_COL_ARL], f->fecha_arl, EXPORT_DATE);
	export_cell_time(&row[EXPORT_COL_ACTA_INICIO], f->fecha_acta_inicio, EXPORT_DATE);
	export_cell_text(&row[EXPORT_COL_SECOP], f->publicado_secop ? "Sí" : "No");
	if (sla->reloj != INDICATORS_CLOCK_NO_APLICA)
		export_cell_number(&row[EXPORT_COL_META], sla->meta, EXPORT_NUMBER);
	export_cell_time(&row[EXPORT_COL_FECHA_LIMITE], sla->fecha_limite, EXPORT_DATE);
	export_cell_text(&row[EXPORT_COL_ESTADO], export_label("estado", f->estado));
}

static void export_row_free(struct export_cell row[EXPORT_NCOLS])
{
	for (int i = 0; i < EXPORT_NCOLS; i++)
		free(row[i].owned);
}

/* ---- CSV */

/* 1 when code can be written as an Excel formula's string constant: no control character,
 * at most EXPORT_CSV_MAX_CODE bytes (so characters). */
static int export_csv_code_constant(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > EXPORT_CSV_MAX_CODE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)code[i] < 0x20 || code[i] == 0x7f)
			return 0;
	}
	return 1;
}

/* A code as ="…", its '"' doubled inside the constant (CSV quoting comes after). New. */
static char *export_csv_code(const char *code)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "=\"");
	for (const char *p = code; *p != '\0'; p++) {
		if (*p == '"')
			buf_puts(&b, "\"");
		buf_append(&b, p, 1);
	}
	buf_puts(&b, "\"");
	return buf_steal(&b);
}

/* Appends one field, quoted when it holds ';', '"', CR or LF. */
static void export_csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ";\"\r\n") == NULL) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "\"");
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_puts(b, "\"\"");
		else
			buf_append(b, p, 1);
	}
	buf_puts(b, "\"");
}

static void export_csv_cell(struct buf *b, const struct export_cell *c)
{
	char text[EXPORT_TEXT_LEN];
	char *tmp;

	switch (c->kind) {
	case EXPORT_EMPTY:
		break;
	case EXPORT_CODE:
		if (export_csv_code_constant(c->text)) {
			tmp = export_csv_code(c->text);
			export_csv_field(b, tmp);
			free(tmp);
			break;
		}
		/* a code no formula can hold is text */
		/* fall through */
	case EXPORT_TEXT:
		if (strchr("=+-@\t\r", c->text[0]) != NULL && c->text[0] != '\0') {
			tmp = xasprintf("'%s", c->text);
			export_csv_field(b, tmp);
			free(tmp);
		} else {
			export_csv_field(b, c->text);
		}
		break;
	case EXPORT_NUMBER:
	case EXPORT_MONEY:
		buf_printf(b, "%lld", c->number);
		break;
	case EXPORT_DATE:
		snprintf(text, sizeof(text), "%02d/%02d/%04d", c->time.d, c->time.m, c->time.y);
		buf_puts(b, text);
		break;
	case EXPORT_DATETIME:
		snprintf(text, sizeof(text), "%02d/%02d/%04d %02d:%02d", c->time.d, c->time.m,
			 c->time.y, c->time.hh, c->time.mi);
		buf_puts(b, text);
		break;
	}
}

static void export_csv(const struct indicators_set *set, struct buf *out, size_t *nrows)
{
	static const char bom[] = "\xEF\xBB\xBF";

	buf_puts(out, bom);
	for (int i = 0; i < EXPORT_NCOLS; i++) {
		if (i > 0)
			buf_puts(out, ";");
		export_csv_field(out, export_columns[i].header);
	}
	buf_puts(out, "\r\n");
	for (size_t j = 0; j < set->n; j++) {
		struct export_cell row[EXPORT_NCOLS];

		if (!indicators_summary_in_base(set, &set->v[j]))
			continue;
		export_row(&set->v[j], row);
		for (int i = 0; i < EXPORT_NCOLS; i++) {
			if (i > 0)
				buf_puts(out, ";");
			export_csv_cell(out, &row[i]);
		}
		buf_puts(out, "\r\n");
		export_row_free(row);
		(*nrows)++;
	}
}

/* ---- XLSX */

static lxw_format *export_xlsx_tone(lxw_workbook *wb, lxw_color_t fill, lxw_color_t text)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_pattern(f, LXW_PATTERN_SOLID);
	format_set_bg_color(f, fill);
	format_set_font_color(f, text);
	return f;
}

static void export_xlsx_formats(lxw_workbook *wb, struct export_formats *fm)
{
	fm->header = workbook_add_format(wb);
	format_set_bold(fm->header);
	format_set_text_wrap(fm->header);
	format_set_align(fm->header, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(fm->header, EXPORT_HEADER_COLOR);
	format_set_border(fm->header, LXW_BORDER_THIN);
	fm->title = workbook_add_format(wb);
	format_set_bold(fm->title);
	fm->date = workbook_add_format(wb);
	format_set_num_format(fm->date, EXPORT_DATE_FORMAT);
	fm->datetime = workbook_add_format(wb);
	format_set_num_format(fm->datetime, EXPORT_DATETIME_FORMAT);
	fm->money = workbook_add_format(wb);
	format_set_num_format(fm->money, EXPORT_MONEY_FORMAT);
	fm->wrap = workbook_add_format(wb);
	format_set_text_wrap(fm->wrap);
	format_set_align(fm->wrap, LXW_ALIGN_VERTICAL_TOP);
	fm->code = workbook_add_format(wb);
	format_set_num_format_index(fm->code, EXPORT_TEXT_FORMAT_ID);
	fm->percent = workbook_add_format(wb);
	format_set_num_format(fm->percent, "0.00%");
	fm->decimal = workbook_add_format(wb);
	format_set_num_format(fm->decimal, "0.##");
	fm->tone[EXPORT_TONE_NONE] = NULL;
	fm->tone[EXPORT_TONE_GREEN] = export_xlsx_tone(wb, EXPORT_GREEN_FILL, EXPORT_GREEN_TEXT);
	fm->tone[EXPORT_TONE_AMBER] = export_xlsx_tone(wb, EXPORT_AMBER_FILL, EXPORT_AMBER_TEXT);
	fm->tone[EXPORT_TONE_RED] = export_xlsx_tone(wb, EXPORT_RED_FILL, EXPORT_RED_TEXT);
	format_set_bold(fm->tone[EXPORT_TONE_RED]);
}

int export_paper_parse(const char *name, enum export_paper *out)
{
	if (name != NULL && strcmp(name, "a4") == 0)
		*out = EXPORT_PAPER_A4;
	else if (name != NULL && strcmp(name, "carta") == 0)
		*out = EXPORT_PAPER_CARTA;
	else
		return -1;
	return 0;
}

/* Every sheet prints landscape on fm->paper, as wide as one page; the first rows rows (0:
 * none) repeat on each page. */
lxw_error export_xlsx_print(lxw_worksheet *ws, lxw_row_t rows, const struct export_formats *fm)
{
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, (uint8_t)fm->paper);
	worksheet_fit_to_pages(ws, 1, 0);
	if (rows == 0)
		return LXW_NO_ERROR;
	return worksheet_repeat_rows(ws, 0, rows - 1);
}

/* Writes text cut to what a cell holds, at a UTF-8 boundary. */
lxw_error export_xlsx_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
			     lxw_format *fmt)
{
	size_t len = strlen(s);
	char *cut;
	lxw_error e;

	if (s[0] == '\0')
		return LXW_NO_ERROR;
	if (len <= EXPORT_XLSX_MAX_STRING)
		return worksheet_write_string(ws, r, c, s, fmt);
	len = EXPORT_XLSX_MAX_STRING - strlen(EXPORT_ELLIPSIS);
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	cut = xmalloc(len + strlen(EXPORT_ELLIPSIS) + 1);
	memcpy(cut, s, len);
	strcpy(cut + len, EXPORT_ELLIPSIS);
	e = worksheet_write_string(ws, r, c, cut, fmt);
	free(cut);
	return e;
}

lxw_error export_xlsx_time(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			   const struct calendar_local *t, lxw_format *fmt)
{
	lxw_datetime dt;

	dt.year = t->y;
	dt.month = t->m;
	dt.day = t->d;
	dt.hour = t->hh;
	dt.min = t->mi;
	dt.sec = t->ss;
	return worksheet_write_datetime(ws, r, c, &dt, fmt);
}

/* ---- Tables that continue on further sheets */

static lxw_row_t export_row_limit = LXW_ROW_MAX;

void export_xlsx_set_row_limit(lxw_row_t rows)
{
	export_row_limit = rows >= 2 && rows <= LXW_ROW_MAX ? rows : LXW_ROW_MAX;
}

void export_rows_check(struct export_rows *xr, lxw_error e)
{
	if (e == LXW_NO_ERROR || xr->err != LXW_NO_ERROR)
		return;
	xr->err = e;
	if (xr->ws != NULL && xr->ws->name != NULL)
		snprintf(xr->failed, sizeof(xr->failed), "%s", xr->ws->name);
	else
		snprintf(xr->failed, sizeof(xr->failed), "%s", xr->name);
}

/* The filter over every row of the current sheet. */
static void export_rows_finish(struct export_rows *xr)
{
	if (xr->ws != NULL && xr->err == LXW_NO_ERROR)
		export_rows_check(xr, worksheet_autofilter(xr->ws, 0, 0, xr->row, xr->ncols - 1));
}

/* A new sheet of the table with its header, widths, frozen header and print setup. */
static void export_rows_sheet(struct export_rows *xr)
{
	char name[LXW_MAX_SHEETNAME_LENGTH];

	xr->sheets++;
	if (xr->sheets == 1)
		snprintf(name, sizeof(name), "%s", xr->name);
	else
		snprintf(name, sizeof(name), "%s (%u)", xr->name, xr->sheets);
	xr->ws = workbook_add_worksheet(xr->wb, name);
	xr->row = 0;
	if (xr->ws == NULL) {
		xr->err = LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
		snprintf(xr->failed, sizeof(xr->failed), "%s", name);
		return;
	}
	for (lxw_col_t c = 0; c < xr->ncols; c++) {
		export_rows_check(xr, worksheet_set_column(xr->ws, c, c, xr->widths[c], NULL));
		export_rows_check(
		    xr, worksheet_write_string(xr->ws, 0, c, xr->titles[c], xr->fm->header));
	}
	worksheet_freeze_panes(xr->ws, 1, 0);
	export_rows_check(xr, export_xlsx_print(xr->ws, 1, xr->fm));
}

lxw_error export_rows_open(struct export_rows *xr, lxw_workbook *wb, const char *name,
			   const char *const *titles, const double *widths,
			   const struct export_formats *fm)
{
	memset(xr, 0, sizeof(*xr));
	xr->wb = wb;
	xr->fm = fm;
	xr->name = name;
	xr->titles = titles;
	xr->widths = widths;
	while (titles[xr->ncols] != NULL)
		xr->ncols++;
	xr->limit = export_row_limit;
	xr->err = LXW_NO_ERROR;
	export_rows_sheet(xr);
	return xr->err;
}

lxw_row_t export_rows_next(struct export_rows *xr)
{
	if (xr->err != LXW_NO_ERROR)
		return 0;
	if (xr->row + 1 >= xr->limit) {
		export_rows_finish(xr);
		if (xr->err == LXW_NO_ERROR)
			export_rows_sheet(xr);
		if (xr->err != LXW_NO_ERROR)
			return 0;
	}
	return ++xr->row;
}

lxw_error export_rows_close(struct export_rows *xr)
{
	export_rows_finish(xr);
	return xr->err;
}

static lxw_error export_xlsx_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
				  const struct export_cell *cell, const struct export_formats *fm)
{
	switch (cell->kind) {
	case EXPORT_EMPTY:
		break;
	case EXPORT_TEXT:
		if (cell->tone != EXPORT_TONE_NONE)
			return export_xlsx_string(ws, r, c, cell->text, fm->tone[cell->tone]);
		return export_xlsx_string(ws, r, c, cell->text,
					  export_columns[c].wrap ? fm->wrap : NULL);
	case EXPORT_CODE:
		/* a string cell: never a number (2,02013E+13) nor a date, whatever it holds */
		return export_xlsx_string(ws, r, c, cell->text, fm->code);
	case EXPORT_NUMBER:
		return worksheet_write_number(ws, r, c, (double)cell->number, NULL);
	case EXPORT_MONEY:
		return worksheet_write_number(ws, r, c, (double)cell->number, fm->money);
	case EXPORT_DATE:
		return export_xlsx_time(ws, r, c, &cell->time, fm->date);
	case EXPORT_DATETIME:
		return export_xlsx_time(ws, r, c, &cell->time, fm->datetime);
	}
	return LXW_NO_ERROR;
}

/* The sheet «Seguimiento» and its continuations: one row per filing of the period. Returns
 * the first failure (its sheet in failed); *nrows the filings written. */
static lxw_error export_xlsx_filings(lxw_workbook *wb, const struct indicators_set *set,
				     const struct export_formats *fm, size_t *nrows,
				     char failed[LXW_MAX_SHEETNAME_LENGTH])
{
	const char *titles[EXPORT_NCOLS + 1];
	double widths[EXPORT_NCOLS];
	struct export_rows xr;
	lxw_error e;

	for (int i = 0; i < EXPORT_NCOLS; i++) {
		titles[i] = export_columns[i].header;
		widths[i] = export_columns[i].width;
	}
	titles[EXPORT_NCOLS] = NULL;
	*nrows = 0;
	export_rows_open(&xr, wb, EXPORT_SHEET_FILINGS, titles, widths, fm);
	for (size_t j = 0; j < set->n && xr.err == LXW_NO_ERROR; j++) {
		struct export_cell row[EXPORT_NCOLS];
		lxw_row_t r;

		if (!indicators_summary_in_base(set, &set->v[j]))
			continue;
		r = export_rows_next(&xr);
		if (r == 0)
			break;
		export_row(&set->v[j], row);
		for (int i = 0; i < EXPORT_NCOLS; i++)
			export_rows_check(&xr,
					  export_xlsx_cell(xr.ws, r, (lxw_col_t)i, &row[i], fm));
		export_row_free(row);
		(*nrows)++;
	}
	e = export_rows_close(&xr);
	if (e != LXW_NO_ERROR)
		snprintf(failed, LXW_MAX_SHEETNAME_LENGTH, "%s", xr.failed);
	return e;
}

static const char *export_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && t[0] != '\0' ? t : "/tmp";
}

/* Writes the workbook to path, with constant memory: each row goes to the sheet's temporary
 * file as soon as the next begins, strings inline. Returns 0, or -1 with err filled (a
 * failure of any sheet is a failure of the whole export: never a short file). */
static int export_xlsx_path(const struct indicators_set *set, const struct config *cfg,
			    enum export_paper paper, const char *path, size_t *nrows, char *err,
			    size_t errlen)
{
	lxw_workbook_options opt;
	lxw_workbook *wb;
	struct export_formats fm;
	json_t *summary;
	char failed[LXW_MAX_SHEETNAME_LENGTH] = "";
	lxw_error e;

	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = (char *)export_tmpdir();
	wb = workbook_new_opt(path, &opt);
	if (wb == NULL) {
		set_error(err, errlen, "no se pudo crear el libro de Excel");
		return -1;
	}
	export_xlsx_formats(wb, &fm);
	fm.paper = (int)paper;
	e = export_xlsx_filings(wb, set, &fm, nrows, failed);
	if (e == LXW_NO_ERROR) {
		summary = indicators_summary_json(set, cfg);
		e = export_xlsx_indicators(wb, set, summary, &fm);
		if (e != LXW_NO_ERROR)
			snprintf(failed, sizeof(failed), "%s", EXPORT_SHEET_INDICATORS);
		else
			e = export_xlsx_figures(wb, summary, &fm, failed);
		json_decref(summary);
	}
	if (e != LXW_NO_ERROR) {
		set_error(err, errlen, "no se pudo escribir la hoja «%s» del libro de Excel: %s",
			  failed, lxw_strerror(e));
		workbook_close(wb); /* frees it; the file is discarded by the caller */
		return -1;
	}
	e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		set_error(err, errlen, "no se pudo escribir el libro de Excel: %s",
			  lxw_strerror(e));
		return -1;
	}
	return 0;
}

/* Appends the whole file at path to out. 0 or -1. */
static int export_read_file(const char *path, struct buf *out)
{
	char chunk[EXPORT_READ_CHUNK];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* A new temporary file name beside base (base + ".XXXXXX", created empty with mode 0600).
 * Returns a new string (caller frees and unlinks), or NULL with err filled. */
static char *export_temp_beside(const char *base, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s" EXPORT_TMP_SUFFIX, base);
	int fd = mkstemp(tmp);

	if (fd < 0) {
		set_error(err, errlen, "no se pudo crear un archivo temporal junto a %s: %s", base,
			  strerror(errno));
		free(tmp);
		return NULL;
	}
	fchmod(fd, EXPORT_FILE_MODE);
	close(fd);
	return tmp;
}

static enum indicators_rc export_load(struct store *s, const struct config *cfg,
				      const struct calendar *cal, const char *desde,
				      const char *hasta, const char *now,
				      struct indicators_set *set, char *err, size_t errlen)
{
	/* Every filing is loaded, so the indicators sheet matches /api/indicadores; the rows
	 * are those of the period. */
	return indicators_load(s, cfg, cal, desde, hasta, now, 0, set, err, errlen);
}

enum indicators_rc export_write(struct store *s, const struct config *cfg,
				const struct calendar *cal, enum export_format fmt,
				const char *desde, const char *hasta, const char *now,
				struct buf *out, size_t *nrows, char *err, size_t errlen)
{
	return export_write_on(s, cfg, cal, fmt, desde, hasta, INDICATORS_BASE_RADICACION,
			       EXPORT_PAPER_DEFAULT, now, out, nrows, err, errlen);
}

enum indicators_rc export_write_on(struct store *s, const struct config *cfg,
				   const struct calendar *cal, enum export_format fmt,
				   const char *desde, const char *hasta, enum indicators_base ibase,
				   enum export_paper paper, const char *now, struct buf *out,
				   size_t *nrows, char *err, size_t errlen)
{
	struct indicators_set set;
	enum indicators_rc rc;
	size_t rows = 0;
	char *tmp = NULL;
	char *base;

	rc =
	    ibase == INDICATORS_BASE_RADICACION
		? export_load(s, cfg, cal, desde, hasta, now, &set, err, errlen)
		: indicators_load_base(s, cfg, cal, desde, hasta, now, 0, ibase, &set, err, errlen);
	if (rc != INDICATORS_OK)
		goto done;
	if (fmt == EXPORT_CSV) {
		export_csv(&set, out, &rows);
		goto done;
	}
	base = xasprintf("%s/segcont-export", export_tmpdir());
	tmp = export_temp_beside(base, err, errlen);
	free(base);
	if (tmp == NULL || export_xlsx_path(&set, cfg, paper, tmp, &rows, err, errlen) < 0) {
		rc = INDICATORS_INTERNAL;
		goto done;
	}
	if (export_read_file(tmp, out) < 0) {
		set_error(err, errlen, "no se pudo leer el libro de Excel generado");
		rc = INDICATORS_INTERNAL;
	}
done:
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	if (nrows != NULL)
		*nrows = rows;
	indicators_set_free(&set);
	return rc;
}

static int export_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum indicators_rc export_write_file(struct store *s, const struct config *cfg,
				     const struct calendar *cal, enum export_format fmt,
				     const char *desde, const char *hasta, const char *now,
				     const char *path, size_t *nrows, char *err, size_t errlen)
{
	return export_write_file_on(s, cfg, cal, fmt, desde, hasta, EXPORT_PAPER_DEFAULT, now, path,
				    nrows, err, errlen);
}

enum indicators_rc export_write_file_on(struct store *s, const struct config *cfg,
					const struct calendar *cal, enum export_format fmt,
					const char *desde, const char *hasta,
					enum export_paper paper, const char *now, const char *path,
					size_t *nrows, char *err, size_t errlen)
{
	struct indicators_set set;
	enum indicators_rc rc;
	size_t rows = 0;
	char *tmp = NULL;

	/* The file is replaced at once (a temporary beside it, then rename): that would put a
	 * regular file in place of a device (-o /dev/null) or a link. Only regular files. */
	{
		struct stat st;

		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			set_error(
			    err, errlen,
			    "%s no es un archivo regular: la exportación reemplaza el archivo "
			    "de una vez (para la salida estándar use -o -)",
			    path);
			memset(&set, 0, sizeof(set));
			rc = INDICATORS_BAD_INPUT;
			goto done;
		}
	}
	rc = export_load(s, cfg, cal, desde, hasta, now, &set, err, errlen);
	if (rc != INDICATORS_OK)
		goto done;
	tmp = export_temp_beside(path, err, errlen);
	if (tmp == NULL) {
		rc = INDICATORS_INTERNAL;
		goto done;
	}
	if (fmt == EXPORT_XLSX) {
		if (export_xlsx_path(&set, cfg, paper, tmp, &rows, err, errlen) < 0)
			rc = INDICATORS_INTERNAL;
	} else {
		struct buf b;
		int fd = open(tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);

		buf_init(&b);
		export_csv(&set, &b, &rows);
		if (fd < 0 || export_write_all(fd, b.data, b.len) < 0 || fsync(fd) < 0) {
			set_error(err, errlen, "no se pudo escribir %s: %s", path, strerror(errno));
			rc = INDICATORS_INTERNAL;
		}
		if (fd >= 0)
			close(fd);
		buf_free(&b);
	}
	if (rc == INDICATORS_OK && rename(tmp, path) < 0) {
		set_error(err, errlen, "no se pudo reemplazar %s: %s", path, strerror(errno));
		rc = INDICATORS_INTERNAL;
	}
done:
	if (tmp != NULL) {
		if (rc != INDICATORS_OK)
			unlink(tmp);
		free(tmp);
	}
	if (nrows != NULL)
		*nrows = rows;
	indicators_set_free(&set);
	return rc;
}

void export_filename(enum export_format fmt, const char *desde, const char *hasta,
		     char out[EXPORT_FILENAME_LEN])
{
	const char *ext = fmt == EXPORT_XLSX ? "xlsx" : "csv";
	int y, m, d;
	int has_desde = desde != NULL && calendar_parse_date(desde, &y, &m, &d) == 0;
	int has_hasta = hasta != NULL && calendar_parse_date(hasta, &y, &m, &d) == 0;

	if (!has_desde && !has_hasta)
		snprintf(out, EXPORT_FILENAME_LEN, "seguimiento-todo.%s", ext);
	else
		snprintf(out, EXPORT_FILENAME_LEN, "seguimiento-%s-a-%s.%s",
			 has_desde ? desde : "inicio", has_hasta ? hasta : "hoy", ext);
}
