/* companies-preferences-window.c: server address, access token and
 * automatic sync.
 *
 * The address and the switch live in GSettings; the token is handed on
 * by the "save-token" signal (CompaniesApplication keeps it in a file
 * readable only by the user) when the window closes or Enter is pressed
 * in it. Values set by the environment (COMPANIES_SERVER_URL,
 * COMPANIES_TOKEN) win and are shown as such.
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

  GSettings            *settings;    /* NULL while the fields are filled */
  gboolean              server_url_overridden;
  gboolean              token_overridden;
  char                 *saved_token;
};

G_DEFINE_FINAL_TYPE (CompaniesPreferencesWindow, companies_preferences_window, GTK_TYPE_WINDOW)

enum {
  SAVE_TOKEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

  if (self->settings == NULL || self->server_url_overridden)
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

  g_settings_set_string (self->settings, "server-url", text);
}

static void
save_token (CompaniesPreferencesWindow *self)
{
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_entry));
  gboolean saved = FALSE;

  if (self->settings == NULL || self->token_overridden)
    return;

  if (g_strcmp0 (token, self->saved_token) == 0)
    return;

  g_signal_emit (self, signals[SAVE_TOKEN], 0, token, &saved);
  if (!saved)
    return;

  g_free (self->saved_token);
  self->saved_token = g_strdup (token);
}

void
companies_preferences_window_show_token_error (CompaniesPreferencesWindow *self,
                                               const char                 *message)
{
  g_return_if_fail (COMPANIES_IS_PREFERENCES_WINDOW (self));

  set_message (self->token_message, message, TRUE);
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
  g_clear_object (&self->settings);

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

  signals[SAVE_TOKEN] =
    g_signal_new ("save-token",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_BOOLEAN, 1,
                  G_TYPE_STRING);

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
companies_preferences_window_new (GtkWindow  *parent,
                                  GSettings  *settings,
                                  const char *server_url,
                                  gboolean    server_url_overridden,
                                  const char *token,
                                  gboolean    token_overridden)
{
  CompaniesPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (COMPANIES_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->server_url_overridden = !!server_url_overridden;
  self->token_overridden = !!token_overridden;

  /* Filled before the settings are set: no write back. */
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_entry), server_url);
  if (server_url_overridden)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->server_url_entry), FALSE);
      set_message (self->server_url_message,
                   _("Set by COMPANIES_SERVER_URL for this session"), FALSE);
    }

  self->saved_token = g_strdup (token != NULL ? token : "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_entry), self->saved_token);
  if (token_overridden)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->token_entry), FALSE);
      set_message (self->token_message, _("Set by COMPANIES_TOKEN for this session"), FALSE);
    }

  g_settings_bind (settings, "auto-sync", self->auto_sync_switch, "active", G_SETTINGS_BIND_DEFAULT);

  self->settings = g_object_ref (settings);

  return self;
}
