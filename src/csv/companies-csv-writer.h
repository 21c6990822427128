/* companies-csv-writer.h: writes companies as CSV (RFC 4180: comma
 * separated, CRLF line ends, a header of the wire names, fields quoted
 * when they hold a separator, quote or line end), buffered, to any
 * GOutputStream.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_CSV_WRITER (companies_csv_writer_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCsvWriter, companies_csv_writer, COMPANIES, CSV_WRITER, GObject)

CompaniesCsvWriter *companies_csv_writer_new           (GOutputStream       *stream);

/* "name,address,city,postal_code,country,phone,email,website,notes". */
gboolean            companies_csv_writer_write_header  (CompaniesCsvWriter  *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
/* One record of @values, indexed by CompaniesField (NULL = ""). */
gboolean            companies_csv_writer_write_values  (CompaniesCsvWriter  *self,
                                                        const char * const  *values,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
gboolean            companies_csv_writer_write_company (CompaniesCsvWriter  *self,
                                                        CompaniesCompany    *company,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
/* Writes out what is buffered; the stream stays open. */
gboolean            companies_csv_writer_flush         (CompaniesCsvWriter  *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);

G_END_DECLS
