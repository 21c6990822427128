/* companies-csv-import.c: companies_csv_import (), CSV records into the
 * local store in one transaction, and companies_csv_export (), the store
 * back out as CSV, one company at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-csv"

#include "config.h"

#include <string.h>

#include "companies-csv-import.h"
#include "companies-csv-reader.h"
#include "companies-csv-writer.h"
#include "companies-store-import.h"

static void
report_progress (CompaniesCsvImportProgress *state,
                 CompaniesCsvProgressFunc    progress,
                 gpointer                    user_data)
{
  if (progress != NULL)
    progress (state, user_data);
}

gboolean
companies_csv_import (CompaniesLocalStore        *store,
                      GInputStream               *input,
                      CompaniesCsvRefusedFunc     refused,
                      CompaniesCsvProgressFunc    progress,
                      gpointer                    user_data,
                      GCancellable               *cancellable,
                      CompaniesCsvImportProgress *out_progress,
                      GError                    **error)
{
  g_autoptr(CompaniesCsvReader) reader = NULL;
  g_autoptr(CompaniesStoreImport) import = NULL;
  CompaniesCsvImportProgress state = { 0 };
  guint64 reported_bytes = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reader = companies_csv_reader_new (input);
  if (!companies_csv_reader_read_header (reader, cancellable, error))
    goto out;

  import = companies_store_import_begin (store, error);
  if (import == NULL)
    goto out;

  for (;;)
    {
      g_autoptr(GError) reason = NULL;
      CompaniesCsvStatus status;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      status = companies_csv_reader_next (reader, cancellable, &reason);
      state.bytes_read = companies_csv_reader_get_bytes_read (reader);

      if (status == COMPANIES_CSV_END)
        break;
      if (status == COMPANIES_CSV_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&reason));
          goto out;
        }
      if (status == COMPANIES_CSV_BAD_ROW)
        {
          state.refused++;
          if (refused != NULL)
            refused (companies_csv_reader_get_line (reader), reason, user_data);
          continue;
        }

      /* The reader checked the field rules (companies_fields_validate ()). */
      if (!companies_store_import_add_valid (import, companies_csv_reader_get_values (reader), error))
        goto out;
      state.imported++;

      if (state.imported % COMPANIES_CSV_IMPORT_PROGRESS_RECORDS == 0 ||
          state.bytes_read - reported_bytes >= COMPANIES_CSV_IMPORT_PROGRESS_BYTES)
        {
          reported_bytes = state.bytes_read;
          report_progress (&state, progress, user_data);
        }
    }

  ok = companies_store_import_commit (import, error);
  if (ok)
    report_progress (&state, progress, user_data);

out:
  /* Nothing was written unless the commit was. */
  if (!ok)
    state.imported = 0;
  if (out_progress != NULL)
    *out_progress = state;
  return ok;
}

typedef struct
{
  CompaniesCsvWriter *writer;
  GCancellable       *cancellable;
  guint64             count;
} ExportState;

static gboolean
export_one_cb (CompaniesCompany  *company,
               gpointer           user_data,
               GError           **error)
{
  ExportState *state = user_data;

  if (g_cancellable_set_error_if_cancelled (state->cancellable, error) ||
      !companies_csv_writer_write_company (state->writer, company, state->cancellable, error))
    return FALSE;

  state->count++;
  return TRUE;
}

gboolean
companies_csv_export (CompaniesLocalStore  *store,
                      GOutputStream        *output,
                      GCancellable         *cancellable,
                      guint64              *out_count,
                      GError              **error)
{
  g_autoptr(CompaniesCsvWriter) writer = NULL;
  ExportState state = { NULL, cancellable, 0 };
  gboolean ok;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  writer = companies_csv_writer_new (output);
  state.writer = writer;

  ok = companies_csv_writer_write_header (writer, cancellable, error) &&
       companies_local_store_foreach (store, COMPANIES_LOCAL_STORE_EACH_DEFAULT,
                                      export_one_cb, &state, error) &&
       companies_csv_writer_flush (writer, cancellable, error) &&
       g_output_stream_flush (output, cancellable, error);

  if (out_count != NULL)
    *out_count = state.count;
  return ok;
}
