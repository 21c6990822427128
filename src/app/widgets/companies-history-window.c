/* companies-history-window.c: the History of one company
 *
 * History lives on the server only (docs/history.md): the window asks it
 * in a thread (companies_history_fetch_async) and shows the entries
 * newest first, or, when the server cannot be reached, a status page that
 * says history needs a connection. Restore makes an earlier value current
 * through the store's ForSync update, as an edit would: the next sync
 * pushes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-history-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-history-fetch.h"
#include "companies-history-row.h"
#include "companies-history-window.h"

struct _CompaniesHistoryWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  AdwToastOverlay     *toasts;
  GtkStack            *stack;
  AdwStatusPage       *status_page;
  GtkLabel            *summary_label;
  GtkListBox          *list;

  CompaniesLocalStore *store;
  CompaniesCompany    *company;
  GPtrArray           *entries;  /* CompaniesHistoryEntry, newest first */
  GCancellable        *cancellable;
  gboolean             editable;
};

G_DEFINE_FINAL_TYPE (CompaniesHistoryWindow, companies_history_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RESTORING,
  SIGNAL_RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void restore_cb (CompaniesHistoryWindow *self,
                        CompaniesHistoryRow    *row);

/* Restore shows on a value that is not the field's current one. */
static gboolean
is_current (CompaniesHistoryWindow      *self,
            const CompaniesHistoryEntry *entry)
{
  CompaniesField field;

  if (entry->field == NULL || !companies_field_from_name (entry->field, &field))
    return TRUE;

  return g_strcmp0 (companies_company_get_field (self->company, field),
                    entry->value != NULL ? entry->value : "") == 0;
}

static void
populate (CompaniesHistoryWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const CompaniesHistoryEntry *entry = g_ptr_array_index (self->entries, i);
      GtkWidget *row = companies_history_row_new (entry, self->editable && !is_current (self, entry));

      g_signal_connect_object (row, "restore", G_CALLBACK (restore_cb), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->list, row);
    }

  if (self->entries->len == 0)
    gtk_label_set_text (self->summary_label,
                        _("No history yet: the server keeps the changes made since it "
                          "started keeping history."));
  else if (self->editable)
    gtk_label_set_text (self->summary_label,
                        _("Newest first. Restore makes an earlier value current again; "
                          "the next sync sends it."));
  else
    gtk_label_set_text (self->summary_label,
                        _("Newest first. Read-only: values cannot be restored with this "
                          "access token."));
}

static void
history_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CompaniesHistoryWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  entries = companies_history_fetch_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (entries == NULL)
    {
      if (!g_error_matches (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK))
        adw_status_page_set_title (self->status_page, _("History Is Not Available"));
      adw_status_page_set_description (self->status_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "offline");
      return;
    }

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = entries;
  populate (self);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
restore_cb (CompaniesHistoryWindow *self,
            CompaniesHistoryRow    *row)
{
  const CompaniesHistoryEntry *entry = companies_history_row_get_entry (row);
  g_autoptr(CompaniesCompany) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  CompaniesField field;

  if (entry->field == NULL || !companies_field_from_name (entry->field, &field))
    return;

  values[field] = entry->value != NULL ? entry->value : "";
  g_signal_emit (self, signals[SIGNAL_RESTORING], 0);
  stored = companies_local_store_update_for_sync (self->store,
                                                  companies_company_get_uuid (self->company),
                                                  COMPANIES_FIELD_BIT (field), values, &error);
  if (stored == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }

  g_set_object (&self->company, stored);
  g_signal_emit (self, signals[SIGNAL_RESTORED], 0, stored);
  populate (self);

  /* Translators: a field's label; the value is current again */
  message = g_strdup_printf (_("%s restored: the next sync sends it"),
                             companies_field_get_label (field));
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

CompaniesHistoryWindow *
companies_history_window_new (GtkWindow           *parent,
                              CompaniesSyncClient *client,
                              CompaniesLocalStore *store,
                              CompaniesCompany    *company,
                              gboolean             editable)
{
  g_autoptr(CompaniesSyncConfig) config = NULL;
  g_autofree char *token = NULL;
  CompaniesHistoryWindow *self;

  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), NULL);

  self = g_object_new (COMPANIES_TYPE_HISTORY_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->company = g_object_ref (company);
  self->editable = editable;
  adw_window_title_set_subtitle (self->window_title,
                                 companies_company_get_field (company, COMPANIES_FIELD_NAME));

  g_object_get (client, "token", &token, NULL);
  config = companies_sync_config_new (NULL, companies_sync_client_get_server_url (client), token,
                                      companies_sync_client_get_tls_ca_file (client));
  companies_history_fetch_async (config, companies_company_get_id (company), self->cancellable,
                                 history_fetched_cb, g_object_ref (self));

  return self;
}

const char *
companies_history_window_get_page (CompaniesHistoryWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_HISTORY_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkListBox *
companies_history_window_get_list (CompaniesHistoryWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_HISTORY_WINDOW (self), NULL);

  return self->list;
}

static void
companies_history_window_dispose (GObject *object)
{
  CompaniesHistoryWindow *self = (CompaniesHistoryWindow *) object;

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (companies_history_window_parent_class)->dispose (object);
}

static void
companies_history_window_finalize (GObject *object)
{
  CompaniesHistoryWindow *self = (CompaniesHistoryWindow *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->company);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (companies_history_window_parent_class)->finalize (object);
}

static void
companies_history_window_class_init (CompaniesHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_history_window_dispose;
  object_class->finalize = companies_history_window_finalize;

  signals[SIGNAL_RESTORING] = g_signal_new ("restoring", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
  signals[SIGNAL_RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, COMPANIES_TYPE_COMPANY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Companies/widgets/companies-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryWindow, list);
}

static void
companies_history_window_init (CompaniesHistoryWindow *self)
{
  g_type_ensure (COMPANIES_TYPE_HISTORY_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_history_entry_free);
}
