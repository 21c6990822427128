/* companies-connection-token.c: reading and keeping the access token of
 * CompaniesConnection, in a GTask thread: the keyring may block (D-Bus, a
 * prompt to unlock it). A result whose number is not the latest is
 * dropped: the address or the token changed meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-connection-private.h"

typedef struct
{
  gboolean save;      /* keep @token; else read the token of @server_url */
  char *server_url;
  char *migrate_url;  /* the app's server, when older files are to be moved */
  char *token;        /* to keep; NULL or "" removes */
  guint serial;
} TokenJob;

static void
token_job_free (TokenJob *job)
{
  g_free (job->server_url);
  g_free (job->migrate_url);
  _companies_connection_wipe_free (job->token);
  g_free (job);
}

/* Returns the token now kept for the server (NULL for none). */
static void
token_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TokenJob *job = task_data;
  CompaniesTokenStore *tokens = COMPANIES_CONNECTION (source_object)->tokens;
  GError *error = NULL;
  char *token = NULL;

  if (job->save)
    {
      if (companies_token_store_save (tokens, job->server_url, job->token, cancellable, &error)
          && job->token != NULL && *job->token != '\0')
        token = g_strdup (job->token);
    }
  else
    {
      if (job->migrate_url != NULL
          && !companies_token_store_migrate (tokens, job->migrate_url, cancellable, &error))
        {
          /* Left where it was; the token of the keyring is read all the same. */
          g_warning ("Could not move the access token into the keyring: %s", error->message);
          g_clear_error (&error);
        }

      token = companies_token_store_lookup (tokens, job->server_url, cancellable, &error);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) _companies_connection_wipe_free);
}

void
_companies_connection_take_token (CompaniesConnection *self,
                                  char                *token)
{
  gboolean in_file = companies_token_store_get_in_file (self->tokens);

  _companies_connection_wipe_free (self->token);
  self->token = token;
  self->token_busy = FALSE;
  companies_sync_client_set_token (companies_sync_scheduler_get_client (self->scheduler), token);

  if (in_file != self->token_in_file)
    {
      self->token_in_file = in_file;
      g_object_notify (G_OBJECT (self), "token-in-file");
    }

  if (!self->token_loaded)
    {
      self->token_loaded = TRUE;
      g_object_notify (G_OBJECT (self), "token-loaded");
    }

  if (self->start_when_loaded)
    {
      self->start_when_loaded = FALSE;
      companies_sync_scheduler_start (self->scheduler);
    }

  if (self->test_when_loaded)
    {
      self->test_when_loaded = FALSE;
      companies_connection_test (self);
    }
}

static void
token_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CompaniesConnection *self = COMPANIES_CONNECTION (object);
  TokenJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  char *token;

  token = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (job->serial != self->token_serial)
    {
      _companies_connection_wipe_free (token);
      return;
    }

  if (error != NULL && job->save)
    {
      /* The token in use stays the one kept before. */
      self->token_busy = FALSE;
      self->test_when_loaded = FALSE;
      _companies_connection_set_state (self, COMPANIES_CONNECTION_FAILED, error->message);
      return;
    }

  /* Without its token the app still works offline; the test says why
   * the server refuses. */
  if (error != NULL)
    g_warning ("Could not read the access token: %s", error->message);

  _companies_connection_take_token (self, token);
}

static void
run_token_job (CompaniesConnection *self,
               TokenJob            *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, token_done_cb, NULL);

  job->server_url = g_strdup (self->server_url);
  job->serial = ++self->token_serial;
  self->token_busy = TRUE;

  g_task_set_source_tag (task, run_token_job);
  g_task_set_task_data (task, job, (GDestroyNotify) token_job_free);
  g_task_run_in_thread (task, token_thread);
}

void
_companies_connection_load_token (CompaniesConnection *self,
                                  const char          *migrate_url)
{
  TokenJob *job = g_new0 (TokenJob, 1);

  job->migrate_url = g_strdup (migrate_url);

  if (self->token_loaded)
    {
      self->token_loaded = FALSE;
      g_object_notify (G_OBJECT (self), "token-loaded");
    }

  run_token_job (self, job);
}

void
companies_connection_set_token (CompaniesConnection *self,
                                const char          *token)
{
  TokenJob *job;

  g_return_if_fail (COMPANIES_IS_CONNECTION (self));
  g_return_if_fail (!self->token_overridden);

  job = g_new0 (TokenJob, 1);
  job->save = TRUE;
  job->token = g_strstrip (g_strdup (token != NULL ? token : ""));

  /* The test waits until the token is kept. */
  run_token_job (self, job);
  companies_connection_test (self);
}
