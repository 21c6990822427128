/* companies-server-probe.c: whether the database answers, for GET
 * /v1/health
 *
 * The check runs in a GTask thread on a store of its own (never the
 * worker's: a health check must not wait behind a big sync, nor hold one
 * up). Checks take turns on the store; the last result is kept a second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-probe.h"

#define RESULT_LIFETIME_US G_USEC_PER_SEC

struct _CompaniesServerProbe
{
  GMutex                lock;      /* guards everything below */
  CompaniesServerStore *store;
  gint64                checked;   /* monotonic µs of the last check, 0 = never */
  GError               *failure;   /* of the last check; NULL: it answered */
};

CompaniesServerProbe *
companies_server_probe_new (CompaniesServerStore *store)
{
  /* Counted: a check may still run in its thread when the server frees
   * the probe. */
  CompaniesServerProbe *self = g_atomic_rc_box_new0 (CompaniesServerProbe);

  g_mutex_init (&self->lock);
  self->store = store;
  return self;
}

static void
probe_clear (CompaniesServerProbe *self)
{
  g_clear_pointer (&self->store, companies_server_store_close);
  g_clear_error (&self->failure);
  g_mutex_clear (&self->lock);
}

void
companies_server_probe_free (CompaniesServerProbe *self)
{
  if (self == NULL)
    return;

  g_atomic_rc_box_release_full (self, (GDestroyNotify) probe_clear);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CompaniesServerProbe *self = task_data;
  gint64 now = g_get_monotonic_time ();
  GError *failure = NULL;

  g_mutex_lock (&self->lock);

  if (self->checked == 0 || now - self->checked >= RESULT_LIFETIME_US)
    {
      CompaniesServerStoreState state;
      GError *error = NULL;

      if (!companies_server_store_begin (self->store, &error) ||
          !companies_server_store_get_state (self->store, &state, &error) ||
          !companies_server_store_commit (self->store, &error))
        companies_server_store_rollback (self->store);

      g_clear_error (&self->failure);
      self->failure = error;
      self->checked = g_get_monotonic_time ();
    }

  if (self->failure != NULL)
    failure = g_error_copy (self->failure);

  g_mutex_unlock (&self->lock);

  if (failure != NULL)
    g_task_return_error (task, failure);
  else
    g_task_return_boolean (task, TRUE);
}

void
companies_server_probe_check_async (CompaniesServerProbe *self,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, companies_server_probe_check_async);
  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_task_set_task_data (task, g_atomic_rc_box_acquire (self),
                        (GDestroyNotify) companies_server_probe_free);
  g_task_run_in_thread (task, check_thread);
}

gboolean
companies_server_probe_check_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
