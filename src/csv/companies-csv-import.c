/* companies-csv-import.c: companies_csv_import (), CSV records into the
 * local store in whole batches, and companies_csv_export (), the store
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

/* A batch holds copies: the reader's values last one record. Returns
 * the bytes copied. */
static gsize
add_copy (GPtrArray          *batch,
          const char * const *values)
{
  char **copy = g_new (char *, COMPANIES_N_FIELDS + 1);
  gsize bytes = 0;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      gsize length = strlen (values[i]);

      copy[i] = g_memdup2 (values[i], length + 1);
      bytes += length + 1;
    }
  copy[COMPANIES_N_FIELDS] = NULL;

  g_ptr_array_add (batch, copy);
  return bytes;
}

static gboolean
commit_batch (CompaniesLocalStore         *store,
              GPtrArray                   *batch,
              CompaniesCsvImportProgress  *state,
              CompaniesCsvProgressFunc     progress,
              gpointer                     user_data,
              GError                     **error)
{
  if (batch->len > 0 && !companies_local_store_import_for_sync (store, batch, error))
    return FALSE;

  state->imported += batch->len;
  g_ptr_array_set_size (batch, 0);

  if (progress != NULL)
    progress (state, user_data);

  return TRUE;
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
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  CompaniesCsvImportProgress state = { 0 };
  gsize batch_bytes = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reader = companies_csv_reader_new (input);
  if (!companies_csv_reader_read_header (reader, cancellable, error))
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

      batch_bytes += add_copy (batch, companies_csv_reader_get_values (reader));
      if (batch->len == COMPANIES_CSV_IMPORT_BATCH || batch_bytes >= COMPANIES_CSV_IMPORT_BATCH_BYTES)
        {
          if (!commit_batch (store, batch, &state, progress, user_data, error))
            goto out;
          batch_bytes = 0;
        }
    }

  ok = commit_batch (store, batch, &state, progress, user_data, error);

out:
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
