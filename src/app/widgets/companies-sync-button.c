/* companies-sync-button.c: the header bar's Sync button (its action is
 * set by whoever places it), an icon at rest and a spinner while a sync
 * runs (the pattern of gnome-calendar's gcal-sync-indicator).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync-button"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-sync-button.h"
#include "companies-widget-tooltip.h"

struct _CompaniesSyncButton
{
  GtkButton   parent_instance;

  /* Template widgets (the stack, the button's child, is not bound: the
   * button unparents it itself) */
  GtkSpinner *sync_spinner;

  gboolean    syncing;
};

G_DEFINE_FINAL_TYPE (CompaniesSyncButton, companies_sync_button, GTK_TYPE_BUTTON)

enum {
  PROP_0,
  PROP_SYNCING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
companies_sync_button_get_syncing (CompaniesSyncButton *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_BUTTON (self), FALSE);

  return self->syncing;
}

void
companies_sync_button_set_syncing (CompaniesSyncButton *self,
                                   gboolean             syncing)
{
  g_return_if_fail (COMPANIES_IS_SYNC_BUTTON (self));

  syncing = !!syncing;

  gtk_stack_set_visible_child_name (GTK_STACK (gtk_button_get_child (GTK_BUTTON (self))),
                                    syncing ? "syncing" : "idle");
  gtk_spinner_set_spinning (self->sync_spinner, syncing);
  companies_widget_set_tooltip (GTK_WIDGET (self), syncing ? _("Syncing…") : _("Sync Now"));
  /* An icon-only button: the tooltip's text is its name for a screen reader. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, syncing ? _("Syncing…") : _("Sync Now"),
                                  -1);

  if (self->syncing == syncing)
    return;

  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

static void
companies_sync_button_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CompaniesSyncButton *self = COMPANIES_SYNC_BUTTON (object);

  switch (prop_id)
    {
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_button_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CompaniesSyncButton *self = COMPANIES_SYNC_BUTTON (object);

  switch (prop_id)
    {
    case PROP_SYNCING:
      companies_sync_button_set_syncing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_button_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), COMPANIES_TYPE_SYNC_BUTTON);

  G_OBJECT_CLASS (companies_sync_button_parent_class)->dispose (object);
}

static void
companies_sync_button_class_init (CompaniesSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_sync_button_dispose;
  object_class->get_property = companies_sync_button_get_property;
  object_class->set_property = companies_sync_button_set_property;

  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesSyncButton, sync_spinner);
}

static void
companies_sync_button_init (CompaniesSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
