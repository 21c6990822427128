/* companies-preferences-window.c: server address, access token and
 * automatic sync.
 *
 * The address and the switch live in GSettings; the token in its own file
 * readable only by the user (see CompaniesApplication), written when the
 * window closes or Enter is pressed in it. Values set by the environment
 * (COMPANIES_SERVER_URL, COMPANIES_TOKEN) win and are shown as such.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-preferences-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "companies-preferences-window.h"

struct _CompaniesPreferencesWindow
{
  GtkWindow             parent_instance;

  GtkEntry             *server_url_entry;
  GtkLabel             *server_url_message;
  GtkPasswordEntry     *token_entry;
  GtkLabel             *token_message;
  GtkSwitch            *auto_sync_switch;

  CompaniesApplication *application;
  char                 *saved_token;
};

G_DEFINE_FINAL_TYPE (CompaniesPreferencesWindow, companies_preferences_window, GTK_TYPE_WINDOW)

static gboolean
is_server_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  return g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0;
}

static void
set_message (GtkLabel   *label,
             const char *text,
             gboolean    is_error)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');

  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
}

static void
server_url_changed_cb (CompaniesPreferencesWindow *self,
                       GtkEntry                   *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  GSettings *settings;

  if (self->application == NULL || companies_application_get_server_url_overridden (self->application))
    return;

  if (!is_server_url (text))
    {
      set_message (self->server_url_message,
                   _("Enter an address such as http://127.0.0.1:8080"), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return;
    }

  set_message (self->server_url_message, NULL, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");

  settings = companies_application_get_settings (self->application);
  g_settings_set_string (settings, "server-url", text);
}

static void
save_token (CompaniesPreferencesWindow *self)
{
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_entry));
  g_autoptr(GError) error = NULL;

  if (self->application == NULL || companies_application_get_token_overridden (self->application))
    return;

  if (g_strcmp0 (token, self->saved_token) == 0)
    return;

  if (!companies_application_save_token (self->application, token, &error))
    {
      set_message (self->token_message, error->message, TRUE);
      return;
    }

  g_free (self->saved_token);
  self->saved_token = g_strdup (token);
}

static void
token_activate_cb (CompaniesPreferencesWindow *self,
                   GtkPasswordEntry           *entry)
{
  save_token (self);
}

static gboolean
companies_preferences_window_close_request (GtkWindow *window)
{
  save_token (COMPANIES_PREFERENCES_WINDOW (window));

  return GTK_WINDOW_CLASS (companies_preferences_window_parent_class)->close_request (window);
}

static void
companies_preferences_window_dispose (GObject *object)
{
  CompaniesPreferencesWindow *self = (CompaniesPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (companies_preferences_window_parent_class)->dispose (object);
}

static void
companies_preferences_window_finalize (GObject *object)
{
  CompaniesPreferencesWindow *self = (CompaniesPreferencesWindow *) object;

  if (self->saved_token != NULL)
    explicit_bzero (self->saved_token, strlen (self->saved_token));
  g_free (self->saved_token);

  G_OBJECT_CLASS (companies_preferences_window_parent_class)->finalize (object);
}

static void
companies_preferences_window_class_init (CompaniesPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = companies_preferences_window_dispose;
  object_class->finalize = companies_preferences_window_finalize;
  window_class->close_request = companies_preferences_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/companies-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, server_url_entry);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, server_url_message);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, token_entry);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, token_message);
  gtk_widget_class_bind_template_child (widget_class, CompaniesPreferencesWindow, auto_sync_switch);
  gtk_widget_class_bind_template_callback (widget_class, server_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_activate_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
companies_preferences_window_init (CompaniesPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CompaniesPreferencesWindow *
companies_preferences_window_new (CompaniesApplication *application,
                                  GtkWindow            *parent)
{
  CompaniesPreferencesWindow *self;
  GSettings *settings;
  g_autofree char *server_url = NULL;

  g_return_val_if_fail (COMPANIES_IS_APPLICATION (application), NULL);

  self = g_object_new (COMPANIES_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  settings = companies_application_get_settings (application);

  /* Filled before the application is set: no write back. */
  server_url = companies_application_dup_server_url (application);
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_entry), server_url);
  if (companies_application_get_server_url_overridden (application))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->server_url_entry), FALSE);
      set_message (self->server_url_message,
                   _("Set by COMPANIES_SERVER_URL for this session"), FALSE);
    }

  self->saved_token = companies_application_dup_token (application);
  if (self->saved_token == NULL)
    self->saved_token = g_strdup ("");
  gtk_editable_set_text (GTK_EDITABLE (self->token_entry), self->saved_token);
  if (companies_application_get_token_overridden (application))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->token_entry), FALSE);
      set_message (self->token_message, _("Set by COMPANIES_TOKEN for this session"), FALSE);
    }

  g_settings_bind (settings, "auto-sync", self->auto_sync_switch, "active", G_SETTINGS_BIND_DEFAULT);

  self->application = g_object_ref (application);

  return self;
}
