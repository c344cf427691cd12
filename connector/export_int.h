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
	int paper;			       /* Excel's paper code of every sheet */
};

/* Every sheet prints landscape on fm->paper, as wide as one page; the first rows rows (0:
 * none) repeat on each page. Returns the first failure of libxlsxwriter, or LXW_NO_ERROR. */
lxw_error export_xlsx_print(lxw_worksheet *ws, lxw_row_t rows, const struct export_formats *fm);

/* Writes text cut to what a cell holds (EXPORT_XLSX_MAX_STRING bytes), at a UTF-8
 * boundary; nothing for "". Returns libxlsxwriter's result. */
lxw_error export_xlsx_string(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
			     lxw_format *fmt);

/* Writes a Bogotá time as an Excel date with fmt. Returns libxlsxwriter's result. */
lxw_error export_xlsx_time(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
			   const struct calendar_local *t, lxw_format *fmt);

/* A table of rows under one header row that never loses a row to Excel's limit of rows a
 * sheet (LXW_ROW_MAX): when a sheet is full the rows go on «name (2)», «name (3)»…, each
 * with the header, the column widths, the filter, the frozen header and the print setup.
 * Rows are written in order, each sheet finished before the next (constant_memory). */
struct export_rows {
	lxw_workbook *wb;
	const struct export_formats *fm;
	const char *name;
	const char *const *titles; /* NULL-terminated */
	const double *widths;	   /* one per title */
	lxw_col_t ncols;
	lxw_worksheet *ws;		       /* the sheet being written */
	lxw_row_t row;			       /* its last row written (0: the header) */
	unsigned sheets;		       /* sheets of the table so far */
	lxw_row_t limit;		       /* rows a sheet holds, header included */
	lxw_error err;			       /* the first failure; nothing is written after it */
	char failed[LXW_MAX_SHEETNAME_LENGTH]; /* the sheet it happened on */
};

/* The rows a sheet holds, header included (default and largest LXW_ROW_MAX; 0 restores it).
 * Lets a test see the continuation sheets without a million rows. */
void export_xlsx_set_row_limit(lxw_row_t rows);

/* Starts the table on a sheet named name. Returns xr->err. */
lxw_error export_rows_open(struct export_rows *xr, lxw_workbook *wb, const char *name,
			   const char *const *titles, const double *widths,
			   const struct export_formats *fm);

/* The row to write the next data row on, on xr->ws (a new sheet when the current is
 * full). Returns 0 (never a data row) after a failure: the caller writes nothing then. */
lxw_row_t export_rows_next(struct export_rows *xr);

/* Keeps e when it is the first failure of the table. */
void export_rows_check(struct export_rows *xr, lxw_error e);

/* Finishes the last sheet (its filter). Returns xr->err. */
lxw_error export_rows_close(struct export_rows *xr);

/* The sheet «Indicadores» (EXPORT_SHEET_INDICATORS): period, cut-off and criterion, then the
 * office, per lawyer, per tipo de trámite and per area, from summary
 * (indicators_summary_json of set). Returns the first failure of libxlsxwriter. */
lxw_error export_xlsx_indicators(lxw_workbook *wb, const struct indicators_set *set,
				 const json_t *summary, const struct export_formats *fm);

/* The sheet «Radicados por indicador» (EXPORT_SHEET_FIGURES) and its continuations: one row
 * per figure of summary and filing counted in it (section, group, figure, radicado,
 * business days). Returns the first failure, with its sheet's name in failed. */
lxw_error export_xlsx_figures(lxw_workbook *wb, const json_t *summary,
			      const struct export_formats *fm,
			      char failed[LXW_MAX_SHEETNAME_LENGTH]);

#endif
