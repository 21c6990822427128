/* companies-notification.c: the window's toasts (AdwToastOverlay around
 * the list): "“Acme” deleted · Undo", or why a write failed. A toast
 * shows at the bottom, over neither the headers nor the first row, and
 * hides itself after a while. It keeps the deleted company for Undo
 * (win.undo-delete, Ctrl+Z).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-notification"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-notification.h"

#define TIMEOUT_SECONDS 10

struct _CompaniesNotification
{
  GtkWidget         parent_instance;

  /* Template widgets */
  AdwToastOverlay  *toast_overlay;

  AdwToast         *toast;     /* the one shown, or NULL */
  CompaniesCompany *deleted;
};

G_DEFINE_FINAL_TYPE (CompaniesNotification, companies_notification, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DELETED,
  PROP_CHILD,
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

static void
toast_dismissed_cb (CompaniesNotification *self,
                    AdwToast              *toast)
{
  /* A toast replaced by a newer one says nothing of the newer one. */
  if (toast != self->toast)
    return;

  g_clear_object (&self->toast);
  set_deleted (self, NULL);
}

static void
show (CompaniesNotification *self,
      const char            *text,
      gboolean               with_undo)
{
  g_autoptr(AdwToast) old = g_steal_pointer (&self->toast);
  AdwToast *toast;

  /* One toast at a time: a new one replaces the old rather than waiting
   * in the overlay's queue. */
  if (old != NULL)
    adw_toast_dismiss (old);

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, TIMEOUT_SECONDS);
  if (with_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo-delete");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, G_CONNECT_SWAPPED);

  self->toast = g_object_ref (toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
companies_notification_show_undo (CompaniesNotification *self,
                                  CompaniesCompany      *deleted)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));
  g_return_if_fail (COMPANIES_IS_COMPANY (deleted));

  /* A toast's title is markup. */
  escaped = g_markup_escape_text (companies_company_get_name (deleted), -1);
  /* Translators: %s is a company's name. */
  text = g_strdup_printf (_("“%s” deleted"), escaped);
  show (self, text, TRUE);
  set_deleted (self, deleted);
}

void
companies_notification_show_error (CompaniesNotification *self,
                                   const char            *message)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));

  escaped = g_markup_escape_text (message, -1);
  show (self, escaped, FALSE);
  set_deleted (self, NULL);
}

void
companies_notification_hide (CompaniesNotification *self)
{
  g_autoptr(AdwToast) toast = NULL;

  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));

  toast = g_steal_pointer (&self->toast);
  if (toast != NULL)
    adw_toast_dismiss (toast);
  set_deleted (self, NULL);
}

CompaniesCompany *
companies_notification_get_deleted (CompaniesNotification *self)
{
  g_return_val_if_fail (COMPANIES_IS_NOTIFICATION (self), NULL);

  return self->deleted;
}

const char *
companies_notification_get_title (CompaniesNotification *self)
{
  g_return_val_if_fail (COMPANIES_IS_NOTIFICATION (self), NULL);

  return self->toast != NULL ? adw_toast_get_title (self->toast) : NULL;
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
    case PROP_CHILD:
      g_value_set_object (value, adw_toast_overlay_get_child (self->toast_overlay));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_notification_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CompaniesNotification *self = COMPANIES_NOTIFICATION (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      adw_toast_overlay_set_child (self->toast_overlay, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_notification_dispose (GObject *object)
{
  CompaniesNotification *self = (CompaniesNotification *) object;

  g_clear_object (&self->toast);
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
  object_class->set_property = companies_notification_set_property;

  properties[PROP_DELETED] =
    g_param_spec_object ("deleted", NULL, NULL,
                         COMPANIES_TYPE_COMPANY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL,
                         GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-notification.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesNotification, toast_overlay);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
companies_notification_init (CompaniesNotification *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
