/* companies-status-line.c: what the main window says about the sync at
 * its foot: the status line ("3 changes waiting to sync", "Synced 2
 * minutes ago"), the progress of a first sync, and the button that lists
 * the companies the server refused (CompaniesRejectedPopover). It follows
 * the scheduler by itself (the pattern of gnome-text-editor's
 * editor-statusbar); the window only says when the store changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-status-line"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-rejected-popover.h"
#include "companies-status-line.h"
#include "companies-status-text.h"
#include "companies-widget-tooltip.h"

/* "Synced 2 minutes ago" grows older: said again this often. */
#define TICK_SECONDS 30

struct _CompaniesStatusLine
{
  GtkBox                  parent_instance;

  /* Template widgets */
  GtkLabel               *status_label;
  GtkProgressBar         *progress_bar;
  GtkMenuButton          *rejected_button;
  CompaniesRejectedPopover *rejected_popover;

  CompaniesLocalStore    *store;
  CompaniesSyncScheduler *scheduler;
  guint                   tick_source;
  /* A first sync (no cursor yet): its progress shows. */
  gboolean                first_sync;
};

G_DEFINE_FINAL_TYPE (CompaniesStatusLine, companies_status_line, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SCHEDULER,
  PROP_COMPANIES,
  N_PROPS
};

enum {
  COMPANY_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
companies_status_line_update (CompaniesStatusLine        *self,
                              const CompaniesStoreStatus *known)
{
  CompaniesStoreStatus status = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean syncing;

  g_return_if_fail (COMPANIES_IS_STATUS_LINE (self));

  if (self->store == NULL || self->scheduler == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->rejected_button), FALSE);
      return;
    }

  if (known != NULL)
    status = *known;
  else if (!companies_local_store_get_status (self->store, &status, &error))
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }

  syncing = companies_sync_scheduler_get_is_syncing (self->scheduler);
  text = companies_status_text_format (&status,
                                       companies_sync_scheduler_get_last_error (self->scheduler),
                                       syncing,
                                       companies_sync_scheduler_get_watching (self->scheduler),
                                       g_get_real_time () / G_USEC_PER_SEC);
  gtk_label_set_text (self->status_label, text);
  companies_widget_set_tooltip (GTK_WIDGET (self->status_label), text);

  if (status.rejected > 0)
    {
      g_autofree char *rejected = companies_status_text_rejected (status.rejected);

      gtk_menu_button_set_label (self->rejected_button, rejected);
      gtk_widget_set_visible (GTK_WIDGET (self->rejected_button), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->rejected_button), FALSE);
    }

  /* A first sync with nothing on the server yet starts from no cursor:
   * the progress bar is shown only then. */
  if (!syncing)
    self->first_sync = !status.has_cursor;
}

static gboolean
tick_cb (gpointer user_data)
{
  companies_status_line_update (user_data, NULL);

  return G_SOURCE_CONTINUE;
}

/* --- The sync --- */

static void
sync_started_cb (CompaniesStatusLine    *self,
                 CompaniesSyncScheduler *scheduler)
{
  companies_status_line_update (self, NULL);
}

static void
sync_progress_cb (CompaniesStatusLine    *self,
                  guint                   sent,
                  guint                   received,
                  CompaniesSyncScheduler *scheduler)
{
  g_autofree char *text = NULL;

  if (!self->first_sync || received == 0)
    return;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u company received",
                                       "%u companies received",
                                       received),
                          received);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_pulse (self->progress_bar);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
}

static void
sync_finished_cb (CompaniesStatusLine    *self,
                  CompaniesSyncResult    *result,
                  GError                 *error,
                  CompaniesSyncScheduler *scheduler)
{
  if (!companies_sync_scheduler_get_is_syncing (scheduler))
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  companies_status_line_update (self, NULL);
}

static void
watching_changed_cb (CompaniesStatusLine    *self,
                     GParamSpec             *pspec,
                     CompaniesSyncScheduler *scheduler)
{
  companies_status_line_update (self, NULL);
}

static void
set_scheduler (CompaniesStatusLine    *self,
               CompaniesSyncScheduler *scheduler)
{
  g_return_if_fail (self->scheduler == NULL);

  if (scheduler == NULL)
    return;

  self->scheduler = g_object_ref (scheduler);
  g_signal_connect_object (scheduler, "sync-started",
                           G_CALLBACK (sync_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scheduler, "progress",
                           G_CALLBACK (sync_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scheduler, "sync-finished",
                           G_CALLBACK (sync_finished_cb), self, G_CONNECT_SWAPPED);
  /* A watch opened or lost says "Live" or no longer. */
  g_signal_connect_object (scheduler, "notify::watching",
                           G_CALLBACK (watching_changed_cb), self, G_CONNECT_SWAPPED);

  self->tick_source = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
}

static void
rejected_activated_cb (CompaniesStatusLine      *self,
                       CompaniesCompany         *company,
                       CompaniesRejectedPopover *popover)
{
  g_signal_emit (self, signals[COMPANY_ACTIVATED], 0, company);
}

static void
companies_status_line_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CompaniesStatusLine *self = COMPANIES_STATUS_LINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;
    case PROP_COMPANIES:
      g_value_set_object (value, companies_rejected_popover_get_companies (self->rejected_popover));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_status_line_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CompaniesStatusLine *self = COMPANIES_STATUS_LINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_set_object (&self->store, g_value_get_object (value));
      break;
    case PROP_SCHEDULER:
      set_scheduler (self, g_value_get_object (value));
      break;
    case PROP_COMPANIES:
      companies_rejected_popover_set_companies (self->rejected_popover, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_status_line_dispose (GObject *object)
{
  CompaniesStatusLine *self = (CompaniesStatusLine *) object;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_STATUS_LINE);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (companies_status_line_parent_class)->dispose (object);
}

static void
companies_status_line_class_init (CompaniesStatusLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_status_line_dispose;
  object_class->get_property = companies_status_line_get_property;
  object_class->set_property = companies_status_line_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         COMPANIES_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL,
                         COMPANIES_TYPE_SYNC_SCHEDULER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPANIES] =
    g_param_spec_object ("companies", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[COMPANY_ACTIVATED] =
    g_signal_new ("company-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  COMPANIES_TYPE_COMPANY);

  g_type_ensure (COMPANIES_TYPE_REJECTED_POPOVER);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-status-line.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesStatusLine, status_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesStatusLine, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesStatusLine, rejected_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesStatusLine, rejected_popover);
  gtk_widget_class_bind_template_callback (widget_class, rejected_activated_cb);
}

static void
companies_status_line_init (CompaniesStatusLine *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
