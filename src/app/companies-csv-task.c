/* companies-csv-task.c: CSV import and export in a GTask thread, each on
 * its own connection to the database file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-csv-task"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-csv-task.h"

/* The page cache of an import's connection, in KiB: the store's usual
 * 16 MiB, which the CLI's import was measured with (docs/scale.md). */
#define COMPANIES_IMPORT_CACHE_KIB 16384

typedef struct
{
  char                         *database_path;
  GFile                        *file;
  CompaniesCsvTaskProgressFunc  progress;
  GMainContext                 *context;     /* the caller's */
  guint64                       total_bytes;
  CompaniesCsvImportProgress    done;
  GPtrArray                    *refused;
  guint64                       exported;
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_free (data->database_path);
  g_clear_object (&data->file);
  g_main_context_unref (data->context);
  g_clear_pointer (&data->refused, g_ptr_array_unref);
  g_free (data);
}

static TaskData *
task_data_new (const char *database_path,
               GFile      *file)
{
  TaskData *data = g_new0 (TaskData, 1);

  data->database_path = g_strdup (database_path);
  data->file = g_object_ref (file);
  data->context = g_main_context_ref_thread_default ();
  data->refused = g_ptr_array_new_with_free_func (g_free);
  return data;
}

typedef struct
{
  GObject                      *source;
  CompaniesCsvTaskProgressFunc  progress;
  CompaniesCsvImportProgress    state;
  guint64                       total_bytes;
} ProgressReport;

static gboolean
deliver_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress (report->source, &report->state, report->total_bytes);
  g_object_unref (report->source);
  g_free (report);
  return G_SOURCE_REMOVE;
}

static void
import_progress_cb (const CompaniesCsvImportProgress *progress,
                    gpointer                          user_data)
{
  GTask *task = user_data;
  TaskData *data = g_task_get_task_data (task);
  ProgressReport *report;

  if (data->progress == NULL)
    return;

  report = g_new0 (ProgressReport, 1);
  report->source = g_object_ref (g_task_get_source_object (task));
  report->progress = data->progress;
  report->state = *progress;
  report->total_bytes = data->total_bytes;
  g_main_context_invoke (data->context, deliver_progress_cb, report);
}

static void
import_refused_cb (guint         line,
                   const GError *reason,
                   gpointer      user_data)
{
  TaskData *data = g_task_get_task_data (G_TASK (user_data));

  if (data->refused->len < COMPANIES_CSV_TASK_MAX_REFUSED)
    g_ptr_array_add (data->refused, g_strdup_printf (_("Line %u: %s"), line, reason->message));
}

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GFileInfo) info = NULL;
  GError *error = NULL;

  input = g_file_read (data->file, cancellable, &error);
  if (input != NULL)
    info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL)
    data->total_bytes = (guint64) g_file_info_get_size (info);
  if (input != NULL)
    store = companies_local_store_open (data->database_path, &error);
  /* The app's connections keep a small page cache
   * (companies-application.c); an import inserts into every index. */
  if (store != NULL)
    companies_local_store_set_cache_size (store, COMPANIES_IMPORT_CACHE_KIB);

  if (store != NULL &&
      companies_csv_import (store, G_INPUT_STREAM (input), import_refused_cb, import_progress_cb,
                            task, cancellable, &data->done, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
companies_csv_task_import_async (GObject                       *source,
                                 const char                    *database_path,
                                 GFile                         *file,
                                 GCancellable                  *cancellable,
                                 CompaniesCsvTaskProgressFunc   progress,
                                 GAsyncReadyCallback            callback,
                                 gpointer                       user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  TaskData *data = task_data_new (database_path, file);

  data->progress = progress;
  g_task_set_source_tag (task, companies_csv_task_import_async);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  /* The thread's own errors (a cancel, a batch that failed) are
   * reported as they are, with what was committed before them. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, import_thread);
}

gboolean
companies_csv_task_import_finish (GAsyncResult                *result,
                                  CompaniesCsvImportProgress  *out_done,
                                  GPtrArray                  **out_refused,
                                  GError                     **error)
{
  TaskData *data = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == companies_csv_task_import_async, FALSE);

  if (out_done != NULL)
    *out_done = data->done;
  if (out_refused != NULL)
    *out_refused = g_ptr_array_ref (data->refused);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GFileOutputStream) output = NULL;
  GError *error = NULL;

  store = companies_local_store_open (data->database_path, &error);
  if (store != NULL)
    output = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, &error);

  if (output != NULL &&
      companies_csv_export (store, G_OUTPUT_STREAM (output), cancellable, &data->exported, &error) &&
      g_output_stream_close (G_OUTPUT_STREAM (output), cancellable, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (output != NULL && !g_output_stream_is_closed (G_OUTPUT_STREAM (output)))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* A cancelled close removes the temporary file, keeps the old one. */
      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (output), abandon, NULL);
    }
  g_task_return_error (task, error);
}

void
companies_csv_task_export_async (GObject             *source,
                                 const char          *database_path,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, companies_csv_task_export_async);
  g_task_set_task_data (task, task_data_new (database_path, file), (GDestroyNotify) task_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

gboolean
companies_csv_task_export_finish (GAsyncResult  *result,
                                  guint64       *out_count,
                                  GError       **error)
{
  TaskData *data = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == companies_csv_task_export_async, FALSE);

  if (out_count != NULL)
    *out_count = data->exported;

  return g_task_propagate_boolean (G_TASK (result), error);
}
