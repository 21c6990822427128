/* companies-sync-client-async.c: companies_sync_client_sync_async (),
 * one run at a time in a worker thread (companies_sync_client_run_with_cache ()),
 * the requests that arrive meanwhile coalesced into one more run, each
 * request's cancellation its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-sync-client-private.h"

typedef struct _SyncRun
{
  GPtrArray    *tasks;        /* the sync_async tasks this run completes */
  GCancellable *cancellable;  /* cancelled when every task gave up */
  GMainContext *context;      /* where progress is emitted */
} SyncRun;

static void
sync_run_free (SyncRun *run)
{
  g_clear_pointer (&run->tasks, g_ptr_array_unref);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_free (run);
}

/* Data of one sync_async task. */
typedef struct
{
  GCancellable *cancellable;
  gulong        cancelled_id;
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* Data of the worker: the config copy and where progress goes. */
typedef struct
{
  CompaniesSyncConfig *config;
  CompaniesSyncClient *self;     /* only to emit progress on @context */
  GMainContext        *context;
} WorkerData;

static void
worker_data_free (WorkerData *data)
{
  companies_sync_config_free (data->config);
  g_clear_object (&data->self);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

typedef struct
{
  CompaniesSyncClient *self;
  guint                sent;
  guint                received;
} ProgressData;

static void
progress_data_free (ProgressData *data)
{
  g_clear_object (&data->self);
  g_free (data);
}

static gboolean
emit_progress_cb (gpointer user_data)
{
  ProgressData *data = user_data;

  companies_sync_client_emit_progress (data->self, data->sent, data->received);
  return G_SOURCE_REMOVE;
}

static void
progress_from_worker_cb (guint    sent,
                         guint    received,
                         gpointer user_data)
{
  WorkerData *worker = user_data;
  ProgressData *data = g_new0 (ProgressData, 1);

  data->self = g_object_ref (worker->self);
  data->sent = sent;
  data->received = received;
  g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, emit_progress_cb,
                              data, (GDestroyNotify) progress_data_free);
}

static void
sync_worker_cb (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  WorkerData *worker = task_data;
  GError *error = NULL;
  CompaniesSyncResult *result;

  result = companies_sync_client_run_with_cache (worker->self, worker->config, cancellable,
                                                 progress_from_worker_cb, worker, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) companies_sync_result_free);
}

static void
complete_task (GTask                     *task,
               const CompaniesSyncResult *result,
               const GError              *error)
{
  TaskData *data = g_task_get_task_data (task);

  if (data->cancelled_id != 0)
    {
      g_cancellable_disconnect (data->cancellable, data->cancelled_id);
      data->cancelled_id = 0;
    }

  if (result != NULL)
    g_task_return_pointer (task, companies_sync_result_copy (result),
                           (GDestroyNotify) companies_sync_result_free);
  else
    g_task_return_error (task, g_error_copy (error));
}

static void start_run (CompaniesSyncClient *self,
                       GPtrArray           *tasks);

static void
run_finished_cb (GObject      *source_object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  CompaniesSyncClient *self = COMPANIES_SYNC_CLIENT (source_object);
  SyncRun *run = user_data;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;

  result = g_task_propagate_pointer (G_TASK (res), &error);

  g_assert (self->run == run);
  self->run = NULL;
  tasks = g_steal_pointer (&run->tasks);
  sync_run_free (run);

  /* Start the coalesced run before completing anything, so that a caller
   * that asks again from its callback joins the queue. */
  if (self->queued->len > 0)
    {
      GPtrArray *queued = g_steal_pointer (&self->queued);

      self->queued = g_ptr_array_new_with_free_func (g_object_unref);
      start_run (self, queued);
    }

  for (guint i = 0; i < tasks->len; i++)
    complete_task (g_ptr_array_index (tasks, i), result, error);

  if (self->run == NULL)
    companies_sync_client_notify_is_syncing (self);
}

static void
start_run (CompaniesSyncClient *self,
           GPtrArray           *tasks)
{
  g_autoptr(GTask) task = NULL;
  WorkerData *worker;
  SyncRun *run;

  g_assert (self->run == NULL);

  run = g_new0 (SyncRun, 1);
  run->tasks = tasks;
  run->cancellable = g_cancellable_new ();
  run->context = g_main_context_ref_thread_default ();

  worker = g_new0 (WorkerData, 1);
  worker->config = companies_sync_client_dup_config (self);
  worker->self = g_object_ref (self);
  worker->context = g_main_context_ref (run->context);

  task = g_task_new (self, run->cancellable, run_finished_cb, run);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, worker, (GDestroyNotify) worker_data_free);

  self->run = run;
  g_task_run_in_thread (task, sync_worker_cb);
}

static gboolean
task_cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  CompaniesSyncClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  guint index;

  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sync was cancelled"));

  if (g_ptr_array_find (self->queued, task, &index))
    {
      g_autoptr(GTask) owned = g_ptr_array_steal_index (self->queued, index);

      complete_task (owned, NULL, error);
    }
  else if (self->run != NULL && g_ptr_array_find (self->run->tasks, task, &index))
    {
      g_autoptr(GTask) owned = g_ptr_array_steal_index (self->run->tasks, index);

      complete_task (owned, NULL, error);
      /* Nobody waits for this run any more: stop it. */
      if (self->run->tasks->len == 0)
        g_cancellable_cancel (self->run->cancellable);
    }

  return G_SOURCE_REMOVE;
}

/* May run in any thread: defer to the task's context. */
static void
task_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, task_cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[companies] sync cancelled");
  g_source_attach (source, g_task_get_context (task));
}

void
companies_sync_client_sync_async (CompaniesSyncClient  *self,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, companies_sync_client_sync_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  data = g_new0 (TaskData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (task_cancelled_cb),
                                                  g_object_ref (task), g_object_unref);
    }

  if (self->run != NULL)
    {
      g_ptr_array_add (self->queued, g_steal_pointer (&task));
    }
  else
    {
      GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);

      g_ptr_array_add (tasks, g_steal_pointer (&task));
      start_run (self, tasks);
      companies_sync_client_notify_is_syncing (self);
    }
}

CompaniesSyncResult *
companies_sync_client_sync_finish (CompaniesSyncClient  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == companies_sync_client_sync_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
