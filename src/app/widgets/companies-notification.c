/* companies-notification.c: an in-window notification that slides down
 * over the list ("“Acme” deleted · Undo", or why a write failed) and
 * hides itself after a while. It keeps the deleted company for Undo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-notification"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-notification.h"

/* How long a notification stays. */
#define TIMEOUT_SECONDS 10

struct _CompaniesNotification
{
  GtkWidget         parent_instance;

  /* Template widgets */
  GtkRevealer      *undo_revealer;
  GtkLabel         *undo_label;
  GtkButton        *undo_button;

  CompaniesCompany *deleted;
  guint             timeout_source;
};

G_DEFINE_FINAL_TYPE (CompaniesNotification, companies_notification, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_deleted (CompaniesNotification *self,
             CompaniesCompany      *deleted)
{
  if (g_set_object (&self->deleted, deleted))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

static gboolean
timeout_cb (gpointer user_data)
{
  CompaniesNotification *self = user_data;

  self->timeout_source = 0;
  companies_notification_hide (self);

  return G_SOURCE_REMOVE;
}

static void
show (CompaniesNotification *self,
      const char            *text,
      gboolean               with_undo)
{
  gtk_label_set_text (self->undo_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->undo_button), with_undo);
  gtk_revealer_set_reveal_child (self->undo_revealer, TRUE);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  self->timeout_source = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, self);
}

void
companies_notification_show_undo (CompaniesNotification *self,
                                  CompaniesCompany      *deleted)
{
  g_autofree char *text = NULL;

  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));
  g_return_if_fail (COMPANIES_IS_COMPANY (deleted));

  /* Translators: %s is a company's name. */
  text = g_strdup_printf (_("“%s” deleted"), companies_company_get_name (deleted));
  show (self, text, TRUE);
  set_deleted (self, deleted);
}

void
companies_notification_show_error (CompaniesNotification *self,
                                   const char            *message)
{
  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));

  show (self, message, FALSE);
  set_deleted (self, NULL);
}

void
companies_notification_hide (CompaniesNotification *self)
{
  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
  set_deleted (self, NULL);
}

CompaniesCompany *
companies_notification_get_deleted (CompaniesNotification *self)
{
  g_return_val_if_fail (COMPANIES_IS_NOTIFICATION (self), NULL);

  return self->deleted;
}

static void
companies_notification_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CompaniesNotification *self = COMPANIES_NOTIFICATION (object);

  switch (prop_id)
    {
    case PROP_DELETED:
      g_value_set_object (value, self->deleted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_notification_dispose (GObject *object)
{
  CompaniesNotification *self = (CompaniesNotification *) object;

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_NOTIFICATION);
  g_clear_object (&self->deleted);

  G_OBJECT_CLASS (companies_notification_parent_class)->dispose (object);
}

static void
companies_notification_class_init (CompaniesNotificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_notification_dispose;
  object_class->get_property = companies_notification_get_property;

  properties[PROP_DELETED] =
    g_param_spec_object ("deleted", NULL, NULL,
                         COMPANIES_TYPE_COMPANY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-notification.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesNotification, undo_revealer);
  gtk_widget_class_bind_template_child (widget_class, CompaniesNotification, undo_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesNotification, undo_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
companies_notification_init (CompaniesNotification *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
