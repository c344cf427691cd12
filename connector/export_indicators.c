/* export_indicators.c -- the XLSX sheets of the indicators: «Indicadores» with the office
 * totals and each group, and «Radicados por indicador» with one row per figure and filing. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "export.h"
#include "export_int.h"
#include "util.h"

/* The indicators sheet: a small writer that keeps the current row. */
struct export_sheet {
	lxw_worksheet *ws;
	const struct export_formats *fm;
	lxw_row_t row;
	lxw_error err; /* the first failure of libxlsxwriter */
};

static void export_sheet_keep(struct export_sheet *sh, lxw_error e)
{
	if (sh->err == LXW_NO_ERROR)
		sh->err = e;
}

static void export_sheet_text(struct export_sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
			      lxw_format *fmt)
{
	export_sheet_keep(sh, worksheet_write_string(sh->ws, r, c, s, fmt));
}

static void export_sheet_num(struct export_sheet *sh, lxw_row_t r, lxw_col_t c, double v,
			     lxw_format *fmt)
{
	export_sheet_keep(sh, worksheet_write_number(sh->ws, r, c, v, fmt));
}

static void export_sheet_header(struct export_sheet *sh, const char *const *titles)
{
	for (lxw_col_t c = 0; titles[c] != NULL; c++)
		export_sheet_text(sh, sh->row, c, titles[c], sh->fm->header);
	sh->row++;
}

/* A JSON number or null into a cell, with fmt (percentages arrive as 0..100). */
static void export_sheet_number(struct export_sheet *sh, lxw_col_t c, const json_t *v, int percent)
{
	if (!json_is_number(v))
		return;
	if (percent)
		export_sheet_num(sh, sh->row, c, json_number_value(v) / 100.0, sh->fm->percent);
	else
		export_sheet_num(sh, sh->row, c, json_number_value(v), sh->fm->decimal);
}

static void export_sheet_count_row(struct export_sheet *sh, const char *label, const json_t *figure)
{
	export_sheet_text(sh, sh->row, 0, label, NULL);
	export_sheet_number(sh, 1, json_object_get(figure, "n"), 0);
	sh->row++;
}

static void export_sheet_value_row(struct export_sheet *sh, const char *label, const json_t *v,
				   int percent)
{
	export_sheet_text(sh, sh->row, 0, label, NULL);
	export_sheet_number(sh, 1, v, percent);
	sh->row++;
}

/* A figure {"n", "radicados"} for a list of items (vencidos, por_vencer). New reference. */
static json_t *export_list_figure(const json_t *items)
{
	json_t *nums = json_array();
	size_t i;
	json_t *v;

	json_array_foreach(items, i, v)
	{
		json_array_append(nums, json_object_get(v, "numero"));
	}
	return json_pack("{s:I, s:o}", "n", (json_int_t)json_array_size(nums), "radicados", nums);
}

static void export_sheet_office(struct export_sheet *sh, const json_t *summary)
{
	static const char *const titles[] = {"Oficina", "Valor", NULL};
	const json_t *of = json_object_get(summary, "oficina");
	const json_t *dias = json_object_get(of, "dias_habiles");
	const json_t *meta = json_object_get(of, "dentro_meta");
	const json_t *des = json_object_get(of, "desenlaces");
	json_t *vencidos = export_list_figure(json_object_get(summary, "vencidos"));
	json_t *por_vencer = export_list_figure(json_object_get(summary, "por_vencer"));

	export_sheet_header(sh, titles);
	export_sheet_count_row(sh, "Recibidos en el periodo", json_object_get(of, "recibidos"));
	export_sheet_count_row(sh, "Sin repartir", json_object_get(of, "sin_repartir"));
	export_sheet_count_row(sh, "En curso", json_object_get(of, "en_curso"));
	export_sheet_count_row(sh, "Concluidos", json_object_get(of, "concluidos"));
	export_sheet_count_row(sh, "Anulados", json_object_get(of, "anulados"));
	export_sheet_count_row(sh, "Archivados (desenlace)", json_object_get(des, "archivado"));
	export_sheet_count_row(sh, "Trasladados (desenlace)", json_object_get(des, "trasladado"));
	export_sheet_count_row(sh, "Anulación confirmada (desenlace)",
			       json_object_get(des, "anulado"));
	export_sheet_value_row(sh, "Mediana de días hábiles (concluidos)",
			       json_object_get(dias, "mediana"), 0);
	export_sheet_value_row(sh, "Percentil 90 de días hábiles", json_object_get(dias, "p90"), 0);
	export_sheet_text(sh, sh->row, 0, "Dentro de la meta", NULL);
	export_sheet_number(sh, 1, json_object_get(meta, "porcentaje"), 1);
	sh->row++;
	export_sheet_count_row(sh, "Devoluciones", json_object_get(of, "devoluciones"));
	export_sheet_count_row(sh, "Vencidos al corte (todo radicado abierto)", vencidos);
	export_sheet_count_row(sh, "Por vencer al corte (todo radicado abierto)", por_vencer);
	json_decref(vencidos);
	json_decref(por_vencer);
	sh->row++;
}

static void export_sheet_group_cells(struct export_sheet *sh, lxw_col_t c, const json_t *g)
{
	const json_t *dias = json_object_get(g, "dias_habiles");

	export_sheet_number(sh, c, json_object_get(json_object_get(g, "concluidos"), "n"), 0);
	export_sheet_number(sh, c + 1, json_object_get(dias, "mediana"), 0);
	export_sheet_number(sh, c + 2, json_object_get(dias, "p90"), 0);
	export_sheet_number(sh, c + 3,
			    json_object_get(json_object_get(g, "dentro_meta"), "porcentaje"), 1);
}

static void export_sheet_lawyers(struct export_sheet *sh, const json_t *summary)
{
	static const char *const titles[] = {"Abogado",
					     "Carga actual",
					     "Asignados en el periodo",
					     "Concluidos",
					     "Mediana días hábiles",
					     "Percentil 90",
					     "Dentro de la meta",
					     NULL};
	size_t i;
	json_t *a;

	export_sheet_header(sh, titles);
	json_array_foreach(json_object_get(summary, "por_abogado"), i, a)
	{
		export_sheet_text(sh, sh->row, 0, json_string_value(json_object_get(a, "abogado")),
				  NULL);
		export_sheet_number(sh, 1, json_object_get(json_object_get(a, "carga_actual"), "n"),
				    0);
		export_sheet_number(sh, 2, json_object_get(json_object_get(a, "asignados"), "n"),
				    0);
		export_sheet_group_cells(sh, 3, a);
		sh->row++;
	}
	sh->row++;
}

static void export_sheet_tipos(struct export_sheet *sh, const json_t *summary)
{
	static const char *const titles[] = {
	    "Tipo de trámite",	    "Meta (días hábiles)", "Recibidos",		"Concluidos",
	    "Mediana días hábiles", "Percentil 90",	   "Dentro de la meta", NULL};
	size_t i;
	json_t *t;

	export_sheet_header(sh, titles);
	json_array_foreach(json_object_get(summary, "por_tipo_tramite"), i, t)
	{
		export_sheet_text(sh, sh->row, 0,
				  export_label("tipo_tramite", json_string_value(json_object_get(
								   t, "tipo_tramite"))),
				  NULL);
		export_sheet_number(sh, 1, json_object_get(t, "meta"), 0);
		export_sheet_number(sh, 2, json_object_get(json_object_get(t, "recibidos"), "n"),
				    0);
		export_sheet_group_cells(sh, 3, t);
		sh->row++;
	}
	sh->row++;
}

/* An area of por_area as "name (code)", or its code. Returns a new string. */
static char *export_area_label(const json_t *a)
{
	const char *nombre = json_string_value(json_object_get(a, "nombre"));
	const char *codigo = json_string_value(json_object_get(a, "dependencia_origen"));

	if (codigo == NULL)
		codigo = "";
	if (nombre != NULL && nombre[0] != '\0' && codigo[0] == '\0')
		return xstrdup(nombre);
	if (nombre != NULL && nombre[0] != '\0')
		return xasprintf("%s (%s)", nombre, codigo);
	return xstrdup(codigo);
}

static void export_sheet_areas(struct export_sheet *sh, const json_t *summary)
{
	static const char *const titles[] = {"Área solicitante",
					     "Recibidos",
					     "Devoluciones",
					     "Devoluciones por solicitud",
					     "Mediana de corrección (días hábiles)",
					     NULL};
	size_t i;
	json_t *a;

	export_sheet_header(sh, titles);
	json_array_foreach(json_object_get(summary, "por_area"), i, a)
	{
		const json_t *dev = json_object_get(a, "devoluciones");
		char *label = export_area_label(a);

		export_sheet_keep(sh, export_xlsx_string(sh->ws, sh->row, 0, label, NULL));
		free(label);
		export_sheet_number(sh, 1, json_object_get(json_object_get(a, "recibidos"), "n"),
				    0);
		export_sheet_number(sh, 2, json_object_get(dev, "n"), 0);
		export_sheet_number(sh, 3, json_object_get(dev, "por_solicitud"), 0);
		export_sheet_number(
		    sh, 4, json_object_get(json_object_get(a, "correccion_dias"), "mediana"), 0);
		sh->row++;
	}
}

lxw_error export_xlsx_indicators(lxw_workbook *wb, const struct indicators_set *set,
				 const json_t *summary, const struct export_formats *fm)
{
	struct export_sheet sh;
	struct calendar_local t;
	char *period;

	sh.ws = workbook_add_worksheet(wb, EXPORT_SHEET_INDICATORS);
	if (sh.ws == NULL)
		return LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
	sh.fm = fm;
	sh.row = 0;
	sh.err = LXW_NO_ERROR;
	export_sheet_keep(&sh, worksheet_set_column(sh.ws, 0, 0, 42, NULL));
	export_sheet_keep(&sh, worksheet_set_column(sh.ws, 1, 6, 14, NULL));
	export_sheet_keep(&sh, export_xlsx_print(sh.ws, 0, fm));
	export_sheet_text(&sh, sh.row++, 0, "Indicadores del seguimiento de contratación",
			  fm->title);
	export_sheet_text(&sh, sh.row++, 0,
			  "Los radicados de cada cifra están en la hoja «" EXPORT_SHEET_FIGURES
			  "», uno por fila.",
			  NULL);
	if (set->desde[0] == '\0' && set->hasta[0] == '\0')
		period = xstrdup("Todos los radicados");
	else
		period = xasprintf("Radicados desde %s hasta %s",
				   set->desde[0] != '\0' ? set->desde : "el inicio",
				   set->hasta[0] != '\0' ? set->hasta : "hoy");
	export_sheet_text(&sh, sh.row, 0, "Periodo", NULL);
	export_sheet_text(&sh, sh.row++, 1, period, NULL);
	free(period);
	export_sheet_text(&sh, sh.row, 0, "Corte", NULL);
	if (calendar_local_time(set->corte, &t) == 0)
		export_sheet_keep(&sh, export_xlsx_time(sh.ws, sh.row, 1, &t, fm->datetime));
	sh.row++;
	export_sheet_text(&sh, sh.row, 0, "Criterio", NULL);
	export_sheet_text(
	    &sh, sh.row++, 1,
	    json_string_value(json_object_get(json_object_get(summary, "periodo"), "criterio")),
	    NULL);
	sh.row++;
	export_sheet_office(&sh, summary);
	export_sheet_lawyers(&sh, summary);
	export_sheet_tipos(&sh, summary);
	export_sheet_areas(&sh, summary);
	return sh.err;
}

/* ---- The filings behind each figure: one row per (figure, filing), never a list in a
 * cell (Excel keeps 32,767 characters in one). */

/* Spanish names of the figures of indicators_summary_json; a figure not listed here is
 * named by its JSON key, so a new one still shows. */
static const struct {
	const char *key;
	const char *label;
} export_figures[] = {
    {"recibidos", "Recibidos"},
    {"asignados", "Asignados en el periodo"},
    {"repartidos", "Repartidos"},
    {"carga_actual", "Carga actual"},
    {"sin_repartir", "Sin repartir"},
    {"en_curso", "En curso"},
    {"concluidos", "Concluidos"},
    {"anulados", "Anulados"},
    {"archivado", "Archivados (desenlace)"},
    {"trasladado", "Trasladados (desenlace)"},
    {"anulado", "Anulación confirmada (desenlace)"},
    {"devoluciones", "Devoluciones"},
    {"dentro", "Dentro de la meta"},
    {"fuera", "Fuera de la meta"},
    {"dias_habiles", "Días hábiles (concluidos)"},
    {"correccion_dias", "Días de corrección del área"},
    {"correcciones_pendientes", "Correcciones pendientes"},
};

#define EXPORT_FIGURES_DEPTH 2 /* figures sit in a group or one object below (dentro_meta) */

static const char *export_figure_label(const char *key)
{
	for (size_t i = 0; i < sizeof(export_figures) / sizeof(export_figures[0]); i++) {
		if (strcmp(export_figures[i].key, key) == 0)
			return export_figures[i].label;
	}
	return key;
}

struct export_figure_rows {
	struct export_rows rows;
	const char *section;
	const char *group;
};

/* One row: section, group, figure, radicado (a code cell) and, for a time, its days. */
static void export_figure_row(struct export_figure_rows *fr, const char *label, const char *numero,
			      const json_t *dias)
{
	struct export_rows *xr = &fr->rows;
	lxw_row_t r;

	if (numero == NULL)
		return;
	r = export_rows_next(xr);
	if (r == 0)
		return; /* a failure, kept in xr->err */
	export_rows_check(xr, worksheet_write_string(xr->ws, r, 0, fr->section, NULL));
	export_rows_check(xr, export_xlsx_string(xr->ws, r, 1, fr->group, NULL));
	export_rows_check(xr, worksheet_write_string(xr->ws, r, 2, label, NULL));
	export_rows_check(xr, export_xlsx_string(xr->ws, r, 3, numero, xr->fm->code));
	if (json_is_number(dias))
		export_rows_check(
		    xr, worksheet_write_number(xr->ws, r, 4, json_number_value(dias), NULL));
}

/* Every figure of a group: {"radicados": [...]} counts, {"mediciones": [{numero, dias}]}
 * times, and the objects that hold more of them (dentro_meta). */
static void export_figure_group(struct export_figure_rows *fr, const json_t *group, int depth)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)group, key, v)
	{
		const json_t *nums = json_object_get(v, "radicados");
		const json_t *meds = json_object_get(v, "mediciones");
		size_t i;
		json_t *e;

		if (!json_is_object(v))
			continue;
		if (json_is_array(nums)) {
			json_array_foreach(nums, i, e)
			{
				export_figure_row(fr, export_figure_label(key),
						  json_string_value(e), NULL);
			}
		} else if (json_is_array(meds)) {
			json_array_foreach(meds, i, e)
			{
				export_figure_row(fr, export_figure_label(key),
						  json_string_value(json_object_get(e, "numero")),
						  json_object_get(e, "dias"));
			}
		} else if (depth < EXPORT_FIGURES_DEPTH) {
			export_figure_group(fr, v, depth + 1);
		}
	}
}

/* The groups of an array of the summary, each named by name(group). */
static void export_figure_groups(struct export_figure_rows *fr, const char *section,
				 const json_t *groups, char *(*name)(const json_t *g))
{
	size_t i;
	json_t *g;

	fr->section = section;
	json_array_foreach(groups, i, g)
	{
		char *n = name(g);

		fr->group = n;
		export_figure_group(fr, g, 1);
		free(n);
	}
}

static char *export_lawyer_name(const json_t *g)
{
	const char *n = json_string_value(json_object_get(g, "abogado"));

	return xstrdup(n != NULL ? n : "");
}

static char *export_tipo_name(const json_t *g)
{
	const char *c = json_string_value(json_object_get(g, "tipo_tramite"));

	return xstrdup(c != NULL ? export_label("tipo_tramite", c) : "");
}

static char *export_modalidad_name(const json_t *g)
{
	const char *c = json_string_value(json_object_get(g, "modalidad"));

	return xstrdup(c != NULL ? export_label("modalidad", c) : "");
}

/* The snapshot lists (vencidos, por_vencer): items with a numero. */
static void export_figure_list(struct export_figure_rows *fr, const char *label,
			       const json_t *items)
{
	size_t i;
	json_t *e;

	json_array_foreach(items, i, e)
	{
		export_figure_row(fr, label, json_string_value(json_object_get(e, "numero")), NULL);
	}
}

lxw_error export_xlsx_figures(lxw_workbook *wb, const json_t *summary,
			      const struct export_formats *fm,
			      char failed[LXW_MAX_SHEETNAME_LENGTH])
{
	static const char *const titles[] = {"Sección",	 "Grupo",	 "Indicador",
					     "Radicado", "Días hábiles", NULL};
	static const double widths[] = {18, 34, 30, 18, 12};
	struct export_figure_rows fr;

	lxw_error e;

	export_rows_open(&fr.rows, wb, EXPORT_SHEET_FIGURES, titles, widths, fm);
	fr.section = "Oficina";
	fr.group = "";
	export_figure_group(&fr, json_object_get(summary, "oficina"), 1);
	fr.section = "Al corte";
	export_figure_list(&fr, "Vencidos", json_object_get(summary, "vencidos"));
	export_figure_list(&fr, "Por vencer", json_object_get(summary, "por_vencer"));
	export_figure_groups(&fr, "Abogado", json_object_get(summary, "por_abogado"),
			     export_lawyer_name);
	export_figure_groups(&fr, "Tipo de trámite", json_object_get(summary, "por_tipo_tramite"),
			     export_tipo_name);
	export_figure_groups(&fr, "Modalidad", json_object_get(summary, "por_modalidad"),
			     export_modalidad_name);
	export_figure_groups(&fr, "Área solicitante", json_object_get(summary, "por_area"),
			     export_area_label);
	e = export_rows_close(&fr.rows);
	if (e != LXW_NO_ERROR)
		snprintf(failed, LXW_MAX_SHEETNAME_LENGTH, "%s", fr.rows.failed);
	return e;
}
