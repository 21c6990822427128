/* companies-company-list-load.c: keeping CompaniesCompanyList in step
 * with the database file.
 *
 * The list is read in a worker thread (its own store connection): the
 * first read starts as soon as the list is made (the application makes
 * it before its window, so that the read and the window's making
 * overlap), then again after each sync and whenever the database file's
 * data version moves (another process, such as companies-cli, wrote to
 * it). The app's own writes go through the store's ForSync actions on
 * the main thread: the caller brackets them with _begin_write () and
 * _end_write (), which update the row at once and keep the known data
 * version, so that only writes of others cause a read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include "companies-company-list-private.h"

/* How often the database file is checked for writes of other processes. */
#define DATA_VERSION_POLL_SECONDS 2

static void reload (CompaniesCompanyList *self);

typedef struct
{
  char                *path;
  CompaniesSignatures *previous;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_free (load->path);
  g_clear_pointer (&load->previous, companies_signatures_unref);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  CompaniesListUpdate *update;
  GError *error = NULL;

  update = companies_list_update_read (load->path, load->previous, cancellable, &error);
  if (update == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, update, (GDestroyNotify) companies_list_update_free);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CompaniesCompanyList *self = COMPANIES_COMPANY_LIST (object);
  g_autoptr(CompaniesListUpdate) update = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = FALSE;

  update = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (update == NULL)
    {
      g_debug ("Could not read the companies: %s", error->message);
    }
  else if (self->wrote_while_loading)
    {
      /* What was read misses our own write: read again rather than show
       * the row going and coming back. */
      self->reload_again = TRUE;
    }
  else
    {
      gint64 read_done = g_get_monotonic_time ();
      guint n_signals;

      n_signals = _companies_company_list_apply (self, update);
      self->known_data_version = self->loading_data_version;
      first = !self->loaded;
      self->loaded = TRUE;

      g_debug ("Read %u companies in %.1f ms, merged them in %.1f ms with %u items-changed",
               companies_list_update_get_n_companies (update),
               (read_done - self->loading_started) / 1000.0,
               (g_get_monotonic_time () - read_done) / 1000.0,
               n_signals);
    }

  self->wrote_while_loading = FALSE;

  if (first)
    g_object_notify_by_pspec (G_OBJECT (self), _companies_company_list_properties[COMPANY_LIST_PROP_LOADED]);

  /* The counts the worker read with the list, when it is what shows. */
  g_signal_emit (self, _companies_company_list_signals[COMPANY_LIST_READ_FINISHED], 0,
                 update != NULL && self->loaded && !self->reload_again
                   ? companies_list_update_get_status (update) : NULL,
                 error);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      reload (self);
    }
}

static void
reload (CompaniesCompanyList *self)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  self->loading = TRUE;
  self->loading_started = g_get_monotonic_time ();
  self->loading_data_version = companies_local_store_get_data_version (self->store);

  load = g_new0 (LoadData, 1);
  load->path = g_strdup (companies_local_store_get_path (self->store));
  if (self->signatures != NULL)
    load->previous = companies_signatures_ref (self->signatures);

  task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

void
companies_company_list_refresh_if_changed (CompaniesCompanyList *self)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  if (self->store == NULL)
    return;

  if (self->loading)
    {
      /* The read going on may have started before that write. */
      self->reload_again = TRUE;
      return;
    }

  if (companies_local_store_get_data_version (self->store) != self->known_data_version)
    {
      reload (self);
      g_signal_emit (self, _companies_company_list_signals[COMPANY_LIST_STORE_CHANGED], 0);
    }
}

static gboolean
data_version_poll_cb (gpointer user_data)
{
  CompaniesCompanyList *self = user_data;

  if (!self->loading)
    companies_company_list_refresh_if_changed (self);

  return G_SOURCE_CONTINUE;
}

gint64
companies_company_list_begin_write (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);
  g_return_val_if_fail (self->store != NULL, 0);

  return companies_local_store_get_data_version (self->store);
}

void
companies_company_list_end_write (CompaniesCompanyList *self,
                                  gint64                version_before,
                                  CompaniesCompany     *written)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (self->store != NULL);

  if (written != NULL)
    companies_company_list_upsert (self, written);

  if (self->loading)
    self->wrote_while_loading = TRUE;
  else if (self->known_data_version == version_before)
    self->known_data_version = companies_local_store_get_data_version (self->store);
}

gboolean
companies_company_list_get_loaded (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), FALSE);

  return self->loaded;
}

CompaniesLocalStore *
companies_company_list_get_store (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), NULL);

  return self->store;
}

void
_companies_company_list_start_reading (CompaniesCompanyList *self)
{
  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  reload (self);
  self->data_version_source = g_timeout_add_seconds (DATA_VERSION_POLL_SECONDS,
                                                     data_version_poll_cb, self);
}

void
_companies_company_list_stop_reading (CompaniesCompanyList *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->data_version_source, g_source_remove);
  g_clear_object (&self->store);
}
