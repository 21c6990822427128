/* companies-application.c: the Companies application.
 *
 * Owns what outlives a window: the settings, the main-thread store, the
 * sync client and its scheduler. While a sync runs the application is
 * held, so closing the window (or Quit) lets that sync finish; the core
 * applies each response in one transaction, so nothing is lost either way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-application"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "companies-application-private.h"
#include "companies-quit-after-sync.h"
#include "companies-sync-client.h"
#include "companies-window.h"

struct _CompaniesApplication
{
  AdwApplication          parent_instance;

  GSettings              *settings;
  CompaniesLocalStore    *store;
  GError                 *store_error;
  CompaniesSyncClient    *client;
  CompaniesSyncScheduler *scheduler;
  CompaniesCompanyList   *companies;
};

G_DEFINE_FINAL_TYPE (CompaniesApplication, companies_application, ADW_TYPE_APPLICATION)

CompaniesApplication *
companies_application_new (void)
{
  return g_object_new (COMPANIES_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/com/example/Companies",
                       NULL);
}

static const char *
get_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

char *
companies_application_get_token_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "companies", "token", NULL);
}

static char *
read_token_file (void)
{
  g_autofree char *path = companies_application_get_token_path ();
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  g_strstrip (contents);
  if (*contents == '\0')
    return NULL;

  return g_steal_pointer (&contents);
}

char *
companies_application_dup_server_url (CompaniesApplication *self)
{
  const char *url = get_env ("COMPANIES_SERVER_URL");

  g_return_val_if_fail (COMPANIES_IS_APPLICATION (self), NULL);

  if (url != NULL)
    return g_strdup (url);

  return g_settings_get_string (self->settings, "server-url");
}

gboolean
companies_application_get_server_url_overridden (CompaniesApplication *self)
{
  return get_env ("COMPANIES_SERVER_URL") != NULL;
}

char *
companies_application_dup_token (CompaniesApplication *self)
{
  const char *token = get_env ("COMPANIES_TOKEN");

  if (token != NULL)
    return g_strdup (token);

  return read_token_file ();
}

gboolean
companies_application_get_token_overridden (CompaniesApplication *self)
{
  return get_env ("COMPANIES_TOKEN") != NULL;
}

gboolean
companies_application_save_token (CompaniesApplication  *self,
                                  const char            *token,
                                  GError               **error)
{
  g_autofree char *path = companies_application_get_token_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *stripped = g_strstrip (g_strdup (token != NULL ? token : ""));

  g_return_val_if_fail (COMPANIES_IS_APPLICATION (self), FALSE);

  if (*stripped == '\0')
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not remove the access token: %s"), g_strerror (saved_errno));
          return FALSE;
        }
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not save the access token: %s"), g_strerror (saved_errno));
          return FALSE;
        }

      if (!g_file_set_contents_full (path, stripped, -1,
                                     G_FILE_SET_CONTENTS_CONSISTENT,
                                     0600, &local_error))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not save the access token: %s"), local_error->message);
          return FALSE;
        }
    }

  if (self->client != NULL && !companies_application_get_token_overridden (self))
    companies_sync_client_set_token (self->client, *stripped != '\0' ? stripped : NULL);

  explicit_bzero (stripped, strlen (stripped));

  return TRUE;
}

GSettings *
companies_application_get_settings (CompaniesApplication *self)
{
  g_return_val_if_fail (COMPANIES_IS_APPLICATION (self), NULL);

  return self->settings;
}

CompaniesLocalStore *
companies_application_get_store (CompaniesApplication *self)
{
  g_return_val_if_fail (COMPANIES_IS_APPLICATION (self), NULL);

  return self->store;
}

CompaniesSyncScheduler *
companies_application_get_scheduler (CompaniesApplication *self)
{
  g_return_val_if_fail (COMPANIES_IS_APPLICATION (self), NULL);

  return self->scheduler;
}

static void
server_url_changed_cb (CompaniesApplication *self,
                       const char           *key,
                       GSettings            *settings)
{
  g_autofree char *url = NULL;

  if (companies_application_get_server_url_overridden (self))
    return;

  url = g_settings_get_string (settings, "server-url");
  companies_sync_client_set_server_url (self->client, url);
}

/* Keep the application alive while a sync runs, whatever the windows do. */
static void
sync_started_cb (CompaniesApplication   *self,
                 CompaniesSyncScheduler *scheduler)
{
  g_application_hold (G_APPLICATION (self));
}

static void
sync_finished_cb (CompaniesApplication   *self,
                  CompaniesSyncResult    *result,
                  GError                 *error,
                  CompaniesSyncScheduler *scheduler)
{
  g_application_release (G_APPLICATION (self));
}

static void
companies_application_startup (GApplication *application)
{
  CompaniesApplication *self = COMPANIES_APPLICATION (application);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;

  if (get_env ("COMPANIES_DATABASE") != NULL)
    path = g_strdup (get_env ("COMPANIES_DATABASE"));
  else
    path = companies_local_store_get_default_path ();

  /* The list's first read starts first, in a worker thread: it overlaps
   * with opening the display and making the window (at 100,000
   * companies, it takes longer than both). */
  self->store = companies_local_store_open (path, &self->store_error);
  self->companies = companies_company_list_new (self->store);

  G_APPLICATION_CLASS (companies_application_parent_class)->startup (application);

  g_set_application_name (_("Companies"));
  gtk_window_set_default_icon_name (APP_ID);

  /* AdwApplication loads <resource base>/style.css and follows the
   * system's light or dark preference through its style manager. */

  self->settings = g_settings_new (APP_ID);

  url = companies_application_dup_server_url (self);
  token = companies_application_dup_token (self);
  self->client = companies_sync_client_new (path, url, token);
  if (token != NULL)
    explicit_bzero (token, strlen (token));

  self->scheduler = companies_sync_scheduler_new (self->client);
  g_settings_bind (self->settings, "auto-sync", self->scheduler, "auto-sync", G_SETTINGS_BIND_GET);

  g_signal_connect_object (self->settings, "changed::server-url",
                           G_CALLBACK (server_url_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "sync-started",
                           G_CALLBACK (sync_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "sync-finished",
                           G_CALLBACK (sync_finished_cb), self, G_CONNECT_SWAPPED);
  companies_quit_after_first_sync (application, self->scheduler,
                                   companies_company_list_get_model (self->companies));

  _companies_application_actions_init (self);
}

static void
companies_application_activate (GApplication *application)
{
  CompaniesApplication *self = COMPANIES_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (companies_window_new (GTK_APPLICATION (self), self->settings, self->companies,
                                              self->scheduler, self->store_error));

  gtk_window_present (window);

  /* After the window, so that it sees the first sync start. */
  if (self->store != NULL)
    companies_sync_scheduler_start (self->scheduler);
}

static void
clear_state (CompaniesApplication *self)
{
  if (self->settings != NULL)
    g_settings_unbind (self->scheduler, "auto-sync");

  g_clear_object (&self->scheduler);
  g_clear_object (&self->client);
  g_clear_object (&self->companies);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
}

static void
companies_application_shutdown (GApplication *application)
{
  clear_state (COMPANIES_APPLICATION (application));

  G_APPLICATION_CLASS (companies_application_parent_class)->shutdown (application);
}

static void
companies_application_dispose (GObject *object)
{
  clear_state (COMPANIES_APPLICATION (object));

  G_OBJECT_CLASS (companies_application_parent_class)->dispose (object);
}

static void
companies_application_finalize (GObject *object)
{
  CompaniesApplication *self = (CompaniesApplication *) object;

  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (companies_application_parent_class)->finalize (object);
}

static void
companies_application_class_init (CompaniesApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = companies_application_dispose;
  object_class->finalize = companies_application_finalize;

  application_class->startup = companies_application_startup;
  application_class->activate = companies_application_activate;
  application_class->shutdown = companies_application_shutdown;
}

static void
companies_application_init (CompaniesApplication *self)
{
}
