/* companies-preferences-window.c: the server address, the access token,
 * the connection test and automatic sync.
 *
 * The address and the token take effect when applied (Enter, or the
 * row's apply button); CompaniesConnection keeps them (the setting, the
 * keyring), tests the connection and syncs at once, and this window
 * shows how that went. Moving to another server asks first: the list
 * then shows the other server's companies, and the changes not yet
 * synced go to it. Values set by the environment (COMPANIES_SERVER_URL,
 * COMPANIES_TOKEN) win for the session and are shown as such.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-preferences-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "companies-preferences-window.h"
#include "companies-server-url.h"

struct _CompaniesPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *server_url_row;
  AdwPasswordEntryRow  *token_row;
  AdwActionRow         *connection_row;
  GtkImage             *connection_icon;
  GtkSpinner           *connection_spinner;
  GtkButton            *test_button;
  GtkSwitch            *auto_sync_switch;
  GtkSwitch            *live_on_metered_switch;

  CompaniesConnection  *connection;
};

G_DEFINE_FINAL_TYPE (CompaniesPreferencesWindow, companies_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_description (CompaniesPreferencesWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (companies_connection_get_server_url_overridden (self->connection))
    g_string_append (text, _("The address is set by COMPANIES_SERVER_URL for this session."));

  if (text->len > 0)
    g_string_append_c (text, ' ');

  if (companies_connection_get_token_overridden (self->connection))
    g_string_append (text, _("The token is set by COMPANIES_TOKEN for this session."));
  else if (companies_connection_get_token_in_file (self->connection))
    g_string_append (text, _("The token is stored in a file: no keyring is running."));
  else
    g_string_append (text, _("The token is kept in your keyring."));

  adw_preferences_group_set_description (self->server_group, text->str);
}

static void
set_css_class (GtkWidget  *widget,
               const char *name,
               gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static void
update_connection (CompaniesPreferencesWindow *self)
{
  CompaniesConnectionState state = companies_connection_get_state (self->connection);
  const char *message = companies_connection_get_message (self->connection);
  gboolean testing = state == COMPANIES_CONNECTION_TESTING;
  gboolean ok = state == COMPANIES_CONNECTION_OK;
  gboolean failed = !testing && !ok && state != COMPANIES_CONNECTION_UNTESTED;
  const char *icon = "network-server-symbolic";

  if (ok)
    icon = "emblem-ok-symbolic";
  else if (failed)
    icon = "dialog-warning-symbolic";

  if (state == COMPANIES_CONNECTION_UNTESTED)
    message = _("Not tested yet");

  adw_action_row_set_subtitle (self->connection_row, message != NULL ? message : "");
  gtk_image_set_from_icon_name (self->connection_icon, icon);
  set_css_class (GTK_WIDGET (self->connection_icon), "success", ok);
  set_css_class (GTK_WIDGET (self->connection_icon), "error", failed);
  set_css_class (GTK_WIDGET (self->token_row), "error", state == COMPANIES_CONNECTION_UNAUTHORIZED);
  gtk_spinner_set_spinning (self->connection_spinner, testing);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_spinner), testing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), !testing);

  /* Read by screen readers as it changes. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connection_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message != NULL ? message : "",
                                  -1);
}

static void
connection_changed_cb (CompaniesPreferencesWindow *self,
                       GParamSpec                 *pspec,
                       CompaniesConnection        *connection)
{
  update_connection (self);
  update_description (self);
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* The token of a new address, once read. */
static void
token_loaded_cb (CompaniesPreferencesWindow *self,
                 GParamSpec                 *pspec,
                 CompaniesConnection        *connection)
{
  g_autofree char *token = NULL;

  if (!companies_connection_get_token_loaded (connection))
    return;

  token = companies_connection_dup_token (connection);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token != NULL ? token : "");
  if (token != NULL)
    explicit_bzero (token, strlen (token));
}

/* The address changed elsewhere (the settings, or a switch made here). */
static void
server_url_notified_cb (CompaniesPreferencesWindow *self,
                        GParamSpec                 *pspec,
                        CompaniesConnection        *connection)
{
  set_row_text (self->server_url_row, companies_connection_get_server_url (connection));
}

static void
show_toast (CompaniesPreferencesWindow *self,
            const char                 *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
server_url_changed_cb (CompaniesPreferencesWindow *self,
                       AdwEntryRow                *row)
{
  g_autofree char *url = companies_server_url_normalize (gtk_editable_get_text (GTK_EDITABLE (row)));

  set_css_class (GTK_WIDGET (row), "error", url == NULL);
}

static void
apply_server_url (CompaniesPreferencesWindow *self,
                  const char                 *text)
{
  g_autoptr(GError) error = NULL;

  if (!companies_connection_set_server_url (self->connection, text, &error))
    {
      show_toast (self, error->message);
      return;
    }

  /* As the connection spells it (an unchanged text keeps the row's apply
   * button hidden). */
  set_row_text (self->server_url_row, companies_connection_get_server_url (self->connection));
}

static void
switch_responded_cb (CompaniesPreferencesWindow *self,
                     const char                 *response,
                     AdwMessageDialog           *dialog)
{
  const char *text = g_object_get_data (G_OBJECT (dialog), "server-url");

  if (g_strcmp0 (response, "switch") == 0)
    apply_server_url (self, text);
  else
    set_row_text (self->server_url_row, companies_connection_get_server_url (self->connection));
}

static void
ask_to_switch (CompaniesPreferencesWindow *self,
               const char                 *url,
               guint                       unsynced)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  g_autofree char *kept = NULL;

  if (unsynced > 0)
    kept = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The change not yet synced is kept and sent to the new server.",
                                         "The %u changes not yet synced are kept and sent to the new server.",
                                         unsynced),
                            unsynced);
  else
    kept = g_strdup (_("Every change made here is synced already."));

  /* TRANSLATORS: the first %s is the new server address, the second the
   * old one, the third a sentence about unsynced changes */
  body = g_strdup_printf (_("The list will show the companies of %s. Those of %s leave this computer "
                            "but stay on that server.\n\n%s"),
                          url, companies_connection_get_server_url (self->connection), kept);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Switch to Another Server?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "switch", _("_Switch"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "switch", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "server-url", g_strdup (url), g_free);

  g_signal_connect_object (dialog, "response", G_CALLBACK (switch_responded_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
server_url_applied_cb (CompaniesPreferencesWindow *self,
                       AdwEntryRow                *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *url = companies_server_url_normalize (text);
  guint unsynced = 0;

  if (url != NULL && companies_connection_is_switch (self->connection, url, &unsynced))
    ask_to_switch (self, url, unsynced);
  else
    apply_server_url (self, text);
}

static void
token_applied_cb (CompaniesPreferencesWindow *self,
                  AdwPasswordEntryRow        *row)
{
  companies_connection_set_token (self->connection, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
test_clicked_cb (CompaniesPreferencesWindow *self,
                 GtkButton                  *button)
{
  companies_connection_test (self->connection);
}

static void
companies_preferences_window_dispose (GObject *object)
{
  CompaniesPreferencesWindow *self = (CompaniesPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (companies_preferences_window_parent_class)->dispose (object);
}

static void
companies_preferences_window_class_init (CompaniesPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/companies-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, connection_row);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, connection_spinner);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, auto_sync_switch);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, live_on_metered_switch);
  gtk_widget_class_bind_template_callback (widget_class, server_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_url_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
companies_preferences_window_init (CompaniesPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CompaniesPreferencesWindow *
companies_preferences_window_new (GtkWindow           *parent,
                                  GSettings           *settings,
                                  CompaniesConnection *connection)
{
  CompaniesPreferencesWindow *self;
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (connection), NULL);

  self = g_object_new (COMPANIES_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->connection = g_object_ref (connection);

  gtk_editable_set_text (GTK_EDITABLE (self->server_url_row),
                         companies_connection_get_server_url (connection));
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_url_row),
                            !companies_connection_get_server_url_overridden (connection));

  token_loaded_cb (self, NULL, connection);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row),
                            !companies_connection_get_token_overridden (connection));

  g_settings_bind (settings, "auto-sync", self->auto_sync_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "live-on-metered", self->live_on_metered_switch, "active", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (connection, "notify::state", G_CALLBACK (connection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "notify::message", G_CALLBACK (connection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "notify::server-url", G_CALLBACK (server_url_notified_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "notify::token-loaded", G_CALLBACK (token_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "notify::token-in-file", G_CALLBACK (connection_changed_cb), self, G_CONNECT_SWAPPED);
  update_connection (self);
  update_description (self);

  return self;
}
