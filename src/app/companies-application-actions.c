/* companies-application-actions.c: the actions of the application ("app.")
 * and the keyboard accelerators.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-application-private.h"
#include "companies-preferences-window.h"

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *application = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (application));

  /* Closing the windows (which keeps their size) ends the application,
   * right away or, when a sync runs, as soon as it finished. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CompaniesApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  CompaniesPreferencesWindow *preferences;

  preferences = companies_preferences_window_new (parent,
                                                  companies_application_get_settings (self),
                                                  companies_application_get_connection (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CompaniesApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Companies authors", NULL };
  GObject *about;

  /* AdwAboutWindow is deprecated from libadwaita 1.6 (the Flatpak's
   * runtime): the dialog that replaced it there. */
#if ADW_CHECK_VERSION (1, 5, 0)
  about = g_object_new (ADW_TYPE_ABOUT_DIALOG, NULL);
#else
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", parent, NULL);
#endif
  g_object_set (about,
                "application-icon", APP_ID,
                "application-name", _("Companies"),
                "developer-name", _("The Companies authors"),
                "version", PACKAGE_VERSION,
                "comments", _("Keep a shared list of companies, online or not"),
                "developers", developers,
                /* Translators: put your names here, one a line. */
                "translator-credits", _("translator-credits"),
                "license-type", GTK_LICENSE_GPL_3_0,
                NULL);
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (about), GTK_WIDGET (parent));
#else
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static const GActionEntry app_entries[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "about", .activate = about_action },
};

static const struct {
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.new", { "<Control>n", NULL } },
  { "win.sync", { "<Control>r", "F5", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.undo-delete", { "<Control>z", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
};

void
_companies_application_actions_init (CompaniesApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_entries,
                                   G_N_ELEMENTS (app_entries),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action,
                                           accels[i].accels);
}
