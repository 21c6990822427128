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

#include <adwaita.h>
#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "companies-application-private.h"
#include "companies-quit-after-sync.h"
#include "companies-sync-client.h"
#include "companies-window.h"

/* The page cache of the app's connections, in KiB (SQLite's default). */
#define COMPANIES_APP_CACHE_KIB 2048
/* Blocks from this size on are mapped on their own (glibc's default is
 * 128 KiB, but raised to the size of each such block freed). */
#define COMPANIES_APP_MMAP_THRESHOLD (256 * 1024)

struct _CompaniesApplication
{
  AdwApplication          parent_instance;

  GSettings              *settings;
  CompaniesLocalStore    *store;
  GError                 *store_error;
  CompaniesSyncClient    *client;
  CompaniesSyncScheduler *scheduler;
  CompaniesConnection    *connection;
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

CompaniesConnection *
companies_application_get_connection (CompaniesApplication *self)
{
  g_return_val_if_fail (COMPANIES_IS_APPLICATION (self), NULL);

  return self->connection;
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
  g_autoptr(CompaniesTokenStore) tokens = NULL;

  if (get_env ("COMPANIES_DATABASE") != NULL)
    path = g_strdup (get_env ("COMPANIES_DATABASE"));
  else
    path = companies_local_store_get_default_path ();

  /* Every connection of the app reads either a few rows or ranges far
   * larger than a page cache (the list's ids, a search over every
   * company: a scan gains nothing from a cache it does not fit in), or
   * writes one company; with SQLite's own 2 MiB instead of 16 MiB, the
   * window's and the list's connections keep about 30 MB less at a
   * million companies. A sync takes its own 64 MiB while it runs. */
  companies_local_store_set_default_cache_size (COMPANIES_APP_CACHE_KIB);

#ifdef __GLIBC__
  /* The list's arrays of ids (8 MB each at a million companies, two
   * while a read replaces one) go back to the system when freed: with
   * glibc's sliding threshold, the next ones came from the heaps of the
   * threads, which kept them (docs/app-start.md). */
  mallopt (M_MMAP_THRESHOLD, COMPANIES_APP_MMAP_THRESHOLD);
#endif

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

  /* The connection hands the client its address and token. */
  self->client = companies_sync_client_new (path, NULL, NULL);
  self->scheduler = companies_sync_scheduler_new (self->client);
  g_settings_bind (self->settings, "auto-sync", self->scheduler, "auto-sync", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "live-on-metered", self->scheduler, "live-on-metered", G_SETTINGS_BIND_GET);
  tokens = companies_token_store_new (NULL);
  self->connection = companies_connection_new (self->settings, self->scheduler, self->store, tokens);

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

  /* After the window, so that it sees the first sync start; and after
   * the token is read. */
  if (self->store != NULL)
    companies_connection_start (self->connection);
}

static void
clear_state (CompaniesApplication *self)
{
  if (self->settings != NULL)
    {
      g_settings_unbind (self->scheduler, "auto-sync");
      g_settings_unbind (self->scheduler, "live-on-metered");
    }

  g_clear_object (&self->connection);
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
