/* companies-csv-reader.h: reads companies from a CSV file, one record at
 * a time (RFC 4180; UTF-8 with or without a byte order mark; comma or
 * semicolon, told by the header line), each record checked against the
 * field rules of docs/protocol.md section 1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-fields.h"

G_BEGIN_DECLS

#define COMPANIES_CSV_ERROR (companies_csv_error_quark ())

/* Why a file or one of its lines was refused. */
typedef enum
{
  COMPANIES_CSV_ERROR_NO_HEADER,          /* the file is empty */
  COMPANIES_CSV_ERROR_BAD_HEADER,         /* unknown, repeated or missing column */
  COMPANIES_CSV_ERROR_INVALID_UTF8,
  COMPANIES_CSV_ERROR_FIELD_COUNT,        /* not as many fields as the header */
  COMPANIES_CSV_ERROR_UNTERMINATED_QUOTE, /* a quoted field still open at the end */
  COMPANIES_CSV_ERROR_BAD_QUOTE,          /* text after a closing quote */
  COMPANIES_CSV_ERROR_TOO_LARGE,          /* a record longer than any valid one */
  COMPANIES_CSV_ERROR_INVALID_FIELD,      /* a value breaks its field rule */
} CompaniesCsvError;

/* What companies_csv_reader_next () found. */
typedef enum
{
  COMPANIES_CSV_ROW,     /* a good record: companies_csv_reader_get_values () */
  COMPANIES_CSV_BAD_ROW, /* a refused record: the error says why */
  COMPANIES_CSV_END,     /* no more records */
  COMPANIES_CSV_FAILED,  /* the stream failed or the read was cancelled */
} CompaniesCsvStatus;

/* The most bytes one record may take: far above the longest valid
 * company (about 47 KB of UTF-8), so that only junk is cut. */
#define COMPANIES_CSV_MAX_RECORD_BYTES (256 * 1024)

#define COMPANIES_TYPE_CSV_READER (companies_csv_reader_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCsvReader, companies_csv_reader, COMPANIES, CSV_READER, GObject)

GQuark              companies_csv_error_quark          (void);

CompaniesCsvReader *companies_csv_reader_new           (GInputStream        *stream);

/* Reads the header line: skips a byte order mark, detects the separator
 * and maps each column to a field by its wire name ("postal_code") or its
 * label as the app shows it, translated or not ("Postal code"), in any
 * case. Unknown or repeated columns, or no name column, are
 * COMPANIES_CSV_ERROR_BAD_HEADER: a column we cannot place would be
 * data lost without a word. */
gboolean            companies_csv_reader_read_header   (CompaniesCsvReader  *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
/* ',' or ';', once the header is read. */
char                companies_csv_reader_get_separator (CompaniesCsvReader  *self);
/* The field of each column of the header, in the file's order. */
const CompaniesField *companies_csv_reader_get_columns (CompaniesCsvReader  *self,
                                                        guint               *out_n_columns);

/* The next record. A BAD_ROW sets @error (COMPANIES_CSV_ERROR) and the
 * reader goes on with the record after it; FAILED sets @error from the
 * stream (G_IO_ERROR_CANCELLED when cancelled). Blank lines are skipped. */
CompaniesCsvStatus  companies_csv_reader_next          (CompaniesCsvReader  *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
/* The values of the last good record, indexed by CompaniesField ("" for
 * a field without a column); valid until the next call. */
const char * const *companies_csv_reader_get_values    (CompaniesCsvReader  *self);
/* The line (from 1, the header) where the last record began. */
guint               companies_csv_reader_get_line      (CompaniesCsvReader  *self);
/* The bytes taken from the stream so far, for a progress bar. */
guint64             companies_csv_reader_get_bytes_read (CompaniesCsvReader *self);

G_END_DECLS
