/* companies-notification.c: an in-window notification that slides down
 * over the list ("“Acme” deleted · Undo", or why a write failed) and
 * hides itself after a while.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-notification"

#include "config.h"

#include "companies-notification.h"

/* How long a notification stays. */
#define TIMEOUT_SECONDS 10

struct _CompaniesNotification
{
  GtkWidget    parent_instance;

  /* Template widgets */
  GtkRevealer *undo_revealer;
  GtkLabel    *undo_label;
  GtkButton   *undo_button;

  guint        timeout_source;
};

G_DEFINE_FINAL_TYPE (CompaniesNotification, companies_notification, GTK_TYPE_WIDGET)

enum {
  EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
timeout_cb (gpointer user_data)
{
  CompaniesNotification *self = user_data;

  self->timeout_source = 0;
  companies_notification_hide (self);
  g_signal_emit (self, signals[EXPIRED], 0);

  return G_SOURCE_REMOVE;
}

void
companies_notification_show (CompaniesNotification *self,
                             const char            *text,
                             gboolean               with_undo)
{
  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));

  gtk_label_set_text (self->undo_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->undo_button), with_undo);
  gtk_revealer_set_reveal_child (self->undo_revealer, TRUE);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  self->timeout_source = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, self);
}

void
companies_notification_hide (CompaniesNotification *self)
{
  g_return_if_fail (COMPANIES_IS_NOTIFICATION (self));

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
}

static void
companies_notification_dispose (GObject *object)
{
  CompaniesNotification *self = (CompaniesNotification *) object;

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_NOTIFICATION);

  G_OBJECT_CLASS (companies_notification_parent_class)->dispose (object);
}

static void
companies_notification_class_init (CompaniesNotificationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_notification_dispose;

  signals[EXPIRED] =
    g_signal_new ("expired",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

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
