/* export.h -- the office's spreadsheet: one row per filing with the columns of its Excel
 * model, as XLSX (libxlsxwriter: real dates, frozen header with filters, pesos, a second
 * sheet with the indicators) or as CSV for Excel in Spanish (UTF-8 with BOM, ';', CRLF). */
#ifndef SEGCONT_EXPORT_H
#define SEGCONT_EXPORT_H

#include <stddef.h>

#include "calendar.h"
#include "config.h"
#include "indicators.h"
#include "store.h"
#include "util.h"

#define EXPORT_XLSX_CONTENT_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EXPORT_CSV_CONTENT_TYPE "text/csv; charset=utf-8"
#define EXPORT_SHEET_FILINGS "Seguimiento"
#define EXPORT_SHEET_INDICATORS "Indicadores"
#define EXPORT_SHEET_FIGURES "Radicados por indicador"
#define EXPORT_DATE_FORMAT "dd/mm/yyyy"
#define EXPORT_DATETIME_FORMAT "dd/mm/yyyy hh:mm"
#define EXPORT_MONEY_FORMAT "\"$\" #,##0"
#define EXPORT_TEXT_FORMAT_ID 49 /* Excel's built-in "@" (Text): typed over, a code stays text */
#define EXPORT_XLSX_MAX_STRING 32767 /* bytes Excel keeps in a cell */
#define EXPORT_CSV_MAX_CODE 255	     /* characters of a string constant in an Excel formula */
#define EXPORT_FILENAME_LEN 64
#define EXPORT_FILE_MODE 0600 /* the export holds personal data (Ley 1581 de 2012) */

enum export_format { EXPORT_XLSX, EXPORT_CSV };
/* The XLSX's paper, as Excel's paper codes (CSV has none). */
enum export_paper { EXPORT_PAPER_CARTA = 1, EXPORT_PAPER_A4 = 9 };
#define EXPORT_PAPER_DEFAULT EXPORT_PAPER_A4
/* The paper named "a4" or "carta": 0 and *out, or -1 for any other name. */
int export_paper_parse(const char *name, enum export_paper *out);

/*
 * The rows: the filings RECEIVED in [desde, hasta] (by fecha_radicacion, both optional,
 * inclusive; the same period as indicators.h), in filing-date order, with their clocks at
 * now. Dates and times are shown in Bogotá time. Columns, in this order: Radicado, Fecha y
 * hora, Área solicitante, Asunto, Tipo de trámite, Modalidad, Tipo de gestión, Abogado,
 * Fecha de reparto, Devoluciones, Observaciones, Concluido, Fecha de conclusión, Días
 * hábiles, Estado SLA, Número de contrato, Contratista, Valor, Legalización: RP,
 * Legalización: garantías, Legalización: ARL, Legalización: acta de inicio, Legalización:
 * SECOP, and after the office's own columns Meta (días hábiles), Fecha límite, Estado del
 * seguimiento.
 *
 * XLSX: sheet "Seguimiento" with the header frozen and filtered, dates as Excel dates with
 * dd/mm/yyyy (or dd/mm/yyyy hh:mm), Valor with a pesos format; sheet "Indicadores" with the
 * office totals, per lawyer, per tipo de trámite and per area (indicators_summary_json).
 * Codes -- radicado and contract numbers, an area known only by its code -- are string
 * cells with the Text format, whatever they look like (20201300124633, 1-2021-23677).
 * CSV: UTF-8 with a BOM, ';' between fields, CRLF line ends, fields holding ';', '"', CR or
 * LF quoted with '"' doubled, dates dd/mm/aaaa [hh:mm], numbers without separators;
 * every code is written as the formula ="…" (a string constant, '"' doubled) so that Excel
 * guesses no type from it: not a number (20201300124633 as 2,02013E+13, 2021E78 as
 * 2,021E+81), not a date (1-2021 as ene-21), not a time. A code that cannot be such a
 * constant (a control character, over EXPORT_CSV_MAX_CODE bytes) is written as a text. A
 * text that starts with = + - @ tab or CR gets a leading ' so Excel never runs it as a
 * formula.
 */

/* Writes the export of the period to out (appended) at now (NULL: current time). XLSX goes
 * through a temporary file in $TMPDIR (else /tmp), removed before returning. Returns
 * INDICATORS_OK, INDICATORS_BAD_INPUT (a bad period) or INDICATORS_INTERNAL, with a Spanish
 * message in err; *nrows (may be NULL) receives the number of filings written. */
enum indicators_rc export_write(struct store *s, const struct config *cfg,
				const struct calendar *cal, enum export_format fmt,
				const char *desde, const char *hasta, const char *now,
				struct buf *out, size_t *nrows, char *err, size_t errlen);

/* export_write on a base (indicators.h): under actividad the rows are the filings received
 * in the period or with something done in it, and the indicators sheet counts by activity;
 * every XLSX sheet prints on paper. Same returns. */
enum indicators_rc export_write_on(struct store *s, const struct config *cfg,
				   const struct calendar *cal, enum export_format fmt,
				   const char *desde, const char *hasta, enum indicators_base ibase,
				   enum export_paper paper, const char *now, struct buf *out,
				   size_t *nrows, char *err, size_t errlen);

/* The same into the file path, replaced atomically (written beside it, then renamed) with
 * mode EXPORT_FILE_MODE. Same returns. */
enum indicators_rc export_write_file(struct store *s, const struct config *cfg,
				     const struct calendar *cal, enum export_format fmt,
				     const char *desde, const char *hasta, const char *now,
				     const char *path, size_t *nrows, char *err, size_t errlen);
/* export_write_file printing on paper (export_write_file: EXPORT_PAPER_DEFAULT). */
enum indicators_rc export_write_file_on(struct store *s, const struct config *cfg,
					const struct calendar *cal, enum export_format fmt,
					const char *desde, const char *hasta,
					enum export_paper paper, const char *now, const char *path,
					size_t *nrows, char *err, size_t errlen);

/* A download name for Content-Disposition: "seguimiento-DESDE-a-HASTA.xlsx", with "inicio"
 * or "hoy" for an open end ("seguimiento-todo.csv" when both are open). Never fails. */
void export_filename(enum export_format fmt, const char *desde, const char *hasta,
		     char out[EXPORT_FILENAME_LEN]);

/* Spanish labels of the codes of the follow-up (tipo_tramite, modalidad, novedad, estado):
 * the label, or code itself when unknown. Borrowed. */
const char *export_label(const char *code_kind, const char *code);

#endif
