/* export_int.h -- what export.c shares with export_indicators.c and nothing else reads:
 * the workbook's formats, the semáforo tones and the cell writers of every sheet. */
#ifndef SEGCONT_EXPORT_INT_H
#define SEGCONT_EXPORT_INT_H

#include <jansson.h>
#include <xlsxwriter.h>

#include "calendar.h"
#include "indicators.h"

/* The semáforo colour of a cell (XLSX only). */
enum export_tone { EXPORT_TONE_NONE, EXPORT_TONE_GREEN, EXPORT_TONE_AMBER, EXPORT_TONE_RED };

/* The formats of a workbook, made once by export.c for every sheet. */
struct export_formats {
	lxw_format *header;
	lxw_format *title;
	lxw_format *date;
	lxw_format *datetime;
	lxw_format *money;
	lxw_format *wrap;
	lxw_format *code;
	lxw_format *percent;
	lxw_format *decimal;
	lxw_format *tone[EXPORT_TONE_RED + 1]; /* the semáforo; [EXPORT_TONE_NONE] NULL */
};

/* Every sheet prints landscape on A4, as wide as one page; the first rows rows (0: none)
 * repeat on each page. */
void export_xlsx_print(lxw_worksheet *ws, lxw_row_t rows);

/* Writes text cut to what a cell holds (EXPORT_XLSX_MAX_STRING bytes), at a UTF-8
 * boundary; nothing for "". */
void export_xlsx_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
			lxw_format *fmt);

/* Writes a Bogotá time as an Excel date with fmt. */
void export_xlsx_time(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const struct calendar_local *t,
		      lxw_format *fmt);

/* The sheet «Indicadores» (EXPORT_SHEET_INDICATORS): period, cut-off and criterion, then the
 * office, per lawyer, per tipo de trámite and per area, from summary
 * (indicators_summary_json of set). */
void export_xlsx_indicators(lxw_workbook *wb, const struct indicators_set *set,
			    const json_t *summary, const struct export_formats *fm);

/* The sheet «Radicados por indicador» (EXPORT_SHEET_FIGURES): one row per figure of summary
 * and filing counted in it (section, group, figure, radicado, business days). */
void export_xlsx_figures(lxw_workbook *wb, const json_t *summary, const struct export_formats *fm);

#endif
