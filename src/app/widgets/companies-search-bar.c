/* companies-search-bar.c: the search of the companies list (the pattern
 * of gnome-text-editor's editor-search-bar): Ctrl+F, the header bar's
 * toggle or just typing in the window opens it, Escape closes and
 * empties it, Enter says "activated" (the window opens the first
 * result). Beside the entry, how many companies match. GtkSearchBar
 * cannot be derived from: this widget holds one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-search-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-search-bar.h"

struct _CompaniesSearchBar
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkSearchBar   *search_bar;
  GtkSearchEntry *search_entry;
  GtkLabel       *count_label;
};

G_DEFINE_FINAL_TYPE (CompaniesSearchBar, companies_search_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SEARCH_MODE_ENABLED,
  PROP_KEY_CAPTURE_WIDGET,
  N_PROPS
};

enum {
  SEARCH_CHANGED,
  ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gboolean
companies_search_bar_get_search_mode (CompaniesSearchBar *self)
{
  g_return_val_if_fail (COMPANIES_IS_SEARCH_BAR (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
companies_search_bar_start (CompaniesSearchBar *self)
{
  g_return_if_fail (COMPANIES_IS_SEARCH_BAR (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
companies_search_bar_stop (CompaniesSearchBar *self)
{
  g_return_if_fail (COMPANIES_IS_SEARCH_BAR (self));

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

void
companies_search_bar_set_count (CompaniesSearchBar *self,
                                int                 count)
{
  g_autofree char *text = NULL;

  g_return_if_fail (COMPANIES_IS_SEARCH_BAR (self));

  gtk_widget_set_visible (GTK_WIDGET (self->count_label), count >= 0);
  if (count < 0)
    return;

  /* Translators: the number of companies a search found. */
  text = g_strdup_printf (ngettext ("%d company", "%d companies", count), count);
  gtk_label_set_text (self->count_label, text);
}

static void
activate_cb (CompaniesSearchBar *self,
             GtkSearchEntry     *entry)
{
  g_signal_emit (self, signals[ACTIVATED], 0);
}

static void
search_changed_cb (CompaniesSearchBar *self,
                   GtkSearchEntry     *entry)
{
  g_signal_emit (self, signals[SEARCH_CHANGED], 0, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
stop_search_cb (CompaniesSearchBar *self,
                GtkSearchEntry     *entry)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
search_mode_changed_cb (CompaniesSearchBar *self,
                        GParamSpec         *pspec,
                        GtkSearchBar       *search_bar)
{
  if (!gtk_search_bar_get_search_mode (search_bar))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      companies_search_bar_set_count (self, -1);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE_ENABLED]);
}

static void
companies_search_bar_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CompaniesSearchBar *self = COMPANIES_SEARCH_BAR (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE_ENABLED:
      g_value_set_boolean (value, gtk_search_bar_get_search_mode (self->search_bar));
      break;
    case PROP_KEY_CAPTURE_WIDGET:
      g_value_set_object (value, gtk_search_bar_get_key_capture_widget (self->search_bar));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_search_bar_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CompaniesSearchBar *self = COMPANIES_SEARCH_BAR (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE_ENABLED:
      gtk_search_bar_set_search_mode (self->search_bar, g_value_get_boolean (value));
      break;
    case PROP_KEY_CAPTURE_WIDGET:
      gtk_search_bar_set_key_capture_widget (self->search_bar, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_search_bar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), COMPANIES_TYPE_SEARCH_BAR);

  G_OBJECT_CLASS (companies_search_bar_parent_class)->dispose (object);
}

static void
companies_search_bar_class_init (CompaniesSearchBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_search_bar_dispose;
  object_class->get_property = companies_search_bar_get_property;
  object_class->set_property = companies_search_bar_set_property;

  properties[PROP_SEARCH_MODE_ENABLED] =
    g_param_spec_boolean ("search-mode-enabled", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY_CAPTURE_WIDGET] =
    g_param_spec_object ("key-capture-widget", NULL, NULL,
                         GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SEARCH_CHANGED] =
    g_signal_new ("search-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING);
  signals[ACTIVATED] =
    g_signal_new ("activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-search-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesSearchBar, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesSearchBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CompaniesSearchBar, count_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
companies_search_bar_init (CompaniesSearchBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* A keystroke filters at once: GtkSearchEntry's default wait (150 ms)
   * was longer than the filtering it spares. */
  gtk_search_entry_set_search_delay (self->search_entry, 0);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (search_mode_changed_cb), self, G_CONNECT_SWAPPED);
}
