/* companies-window-status.c: what the main window says about the sync:
 * the status line, the Sync button's spinner, the progress of a first
 * sync, the list of companies the server refused, the notice of values
 * overwritten by our pushes, and the in-window notifications (Undo).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-status"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-status-text.h"
#include "companies-sync-state-icon.h"
#include "companies-window-private.h"

/* How long the "Company deleted · Undo" notification stays. */
#define UNDO_TIMEOUT_SECONDS 10

/* Setting a tooltip makes GTK ask the display server where the pointer
 * is: only when it changes. */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

void
_companies_window_update_status (CompaniesWindow *self)
{
  _companies_window_show_status (self, NULL);
}

/* @known: the store's status if the caller just read it, else NULL. */
void
_companies_window_show_status (CompaniesWindow            *self,
                               const CompaniesStoreStatus *known)
{
  CompaniesStoreStatus status = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean syncing = companies_sync_scheduler_get_is_syncing (self->scheduler);

  gtk_stack_set_visible_child_name (self->sync_button_stack, syncing ? "syncing" : "idle");
  gtk_spinner_set_spinning (self->sync_spinner, syncing);
  set_tooltip (GTK_WIDGET (self->sync_button), syncing ? _("Syncing…") : _("Sync Now"));

  if (self->store == NULL)
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

  text = companies_status_text_format (&status,
                                       companies_sync_scheduler_get_last_error (self->scheduler),
                                       syncing,
                                       g_get_real_time () / G_USEC_PER_SEC);
  gtk_label_set_text (self->status_label, text);
  set_tooltip (GTK_WIDGET (self->status_label), text);

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

/* --- The sync --- */

static void
sync_started_cb (CompaniesWindow        *self,
                 CompaniesSyncScheduler *scheduler)
{
  _companies_window_update_status (self);
}

static void
sync_progress_cb (CompaniesWindow        *self,
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
sync_finished_cb (CompaniesWindow        *self,
                  CompaniesSyncResult    *result,
                  GError                 *error,
                  CompaniesSyncScheduler *scheduler)
{
  if (!companies_sync_scheduler_get_is_syncing (scheduler))
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  /* The worker's connection wrote: read the list again (one merge, one
   * items-changed or the few that the changed rows need). A failed sync
   * may have applied some pages before it failed. */
  _companies_window_refresh_if_changed (self);
  if (result != NULL && result->overwritten > 0)
    _companies_window_reload_overwritten (self);

  _companies_window_update_status (self);
}

void
_companies_window_status_init (CompaniesWindow *self)
{
  g_signal_connect_object (self->scheduler, "sync-started",
                           G_CALLBACK (sync_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "progress",
                           G_CALLBACK (sync_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "sync-finished",
                           G_CALLBACK (sync_finished_cb), self, G_CONNECT_SWAPPED);
}

/* --- Values overwritten by our pushes --- */

static void
show_overwritten (CompaniesWindow *self)
{
  CompaniesOverwrittenNotice *notice;
  g_autofree char *company = NULL;
  g_autofree char *field = NULL;
  g_autofree char *value = NULL;
  g_autofree char *markup = NULL;

  if (self->overwritten == NULL || self->overwritten->len == 0)
    {
      gtk_info_bar_set_revealed (self->overwritten_bar, FALSE);
      _companies_window_update_actions (self);
      return;
    }

  notice = g_ptr_array_index (self->overwritten, 0);
  company = g_markup_escape_text (notice->company_name != NULL ? notice->company_name : "", -1);
  field = g_markup_escape_text (companies_field_get_label (notice->field), -1);
  value = g_markup_escape_text (notice->value != NULL ? notice->value : "", -1);

  if (notice->value == NULL || *notice->value == '\0')
    /* Translators: "Phone of Acme: your change replaced a newer, empty
     * value from elsewhere." */
    markup = g_strdup_printf (_("<b>%s</b> of <b>%s</b>: your change replaced a newer, empty value from elsewhere."),
                              field, company);
  else
    /* Translators: "Phone of Acme: your change replaced a newer value from
     * elsewhere, “+351 22 111 1111”." */
    markup = g_strdup_printf (_("<b>%s</b> of <b>%s</b>: your change replaced a newer value from elsewhere, “%s”."),
                              field, company, value);

  if (self->overwritten->len > 1)
    {
      guint n_more = self->overwritten->len - 1;
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u more after this one.",
                                                            "%u more after this one.",
                                                            n_more),
                                               n_more);
      g_autofree char *both = g_strconcat (markup, " ", more, NULL);

      g_free (markup);
      markup = g_steal_pointer (&both);
    }

  gtk_label_set_markup (self->overwritten_label, markup);
  gtk_info_bar_set_revealed (self->overwritten_bar, TRUE);
  _companies_window_update_actions (self);
}

void
_companies_window_reload_overwritten (CompaniesWindow *self)
{
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  notices = companies_local_store_list_overwritten (self->store, &error);
  if (notices == NULL)
    g_debug ("Could not read the overwritten values: %s", error->message);

  g_clear_pointer (&self->overwritten, g_ptr_array_unref);
  self->overwritten = g_steal_pointer (&notices);

  show_overwritten (self);
}

/* --- In-window notifications --- */

static gboolean
undo_timeout_cb (gpointer user_data)
{
  CompaniesWindow *self = user_data;

  self->undo_source = 0;
  _companies_window_hide_undo (self);

  return G_SOURCE_REMOVE;
}

static void
show_notification (CompaniesWindow *self,
                   const char      *text,
                   gboolean         with_undo)
{
  GtkWidget *undo_button = gtk_widget_get_next_sibling (GTK_WIDGET (self->undo_label));

  gtk_label_set_text (self->undo_label, text);
  gtk_widget_set_visible (undo_button, with_undo);
  gtk_revealer_set_reveal_child (self->undo_revealer, TRUE);

  g_clear_handle_id (&self->undo_source, g_source_remove);
  self->undo_source = g_timeout_add_seconds (UNDO_TIMEOUT_SECONDS, undo_timeout_cb, self);
}

void
_companies_window_show_undo (CompaniesWindow  *self,
                             CompaniesCompany *deleted)
{
  g_autofree char *text = NULL;

  g_set_object (&self->deleted_company, deleted);

  /* Translators: %s is a company's name. */
  text = g_strdup_printf (_("“%s” deleted"), companies_company_get_name (deleted));
  show_notification (self, text, TRUE);
  _companies_window_update_actions (self);
}

void
_companies_window_hide_undo (CompaniesWindow *self)
{
  g_clear_handle_id (&self->undo_source, g_source_remove);
  g_clear_object (&self->deleted_company);
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
  _companies_window_update_actions (self);
}

void
_companies_window_show_error (CompaniesWindow *self,
                              const char      *message)
{
  g_clear_object (&self->deleted_company);
  show_notification (self, message, FALSE);
  _companies_window_update_actions (self);
}

/* --- The companies the server refused --- */

static GtkWidget *
make_rejected_row (CompaniesCompany *company)
{
  GtkWidget *row, *box, *name, *reason;
  g_autofree char *description = companies_sync_state_describe (company);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  name = gtk_label_new (companies_company_get_name (company));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (box), name);

  reason = gtk_label_new (companies_company_get_rejection_message (company));
  gtk_label_set_xalign (GTK_LABEL (reason), 0);
  gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (reason), 40);
  gtk_widget_add_css_class (reason, "dim-label");
  gtk_box_append (GTK_BOX (box), reason);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, description);
  g_object_set_data_full (G_OBJECT (row), "company", g_object_ref (company), g_object_unref);

  return row;
}

void
_companies_window_rejected_popover_show_cb (CompaniesWindow *self,
                                            GtkPopover      *popover)
{
  GListModel *model = companies_company_list_get_model (self->companies);
  guint n_items = g_list_model_get_n_items (model);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rejected_list))) != NULL)
    gtk_list_box_remove (self->rejected_list, child);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CompaniesCompany) company = g_list_model_get_item (model, i);

      if (companies_company_get_sync_state (company) == COMPANIES_SYNC_STATE_REJECTED)
        gtk_list_box_append (self->rejected_list, make_rejected_row (company));
    }
}

void
_companies_window_rejected_row_activated_cb (CompaniesWindow *self,
                                             GtkListBoxRow   *row,
                                             GtkListBox      *list)
{
  CompaniesCompany *company = g_object_get_data (G_OBJECT (row), "company");

  gtk_popover_popdown (self->rejected_popover);

  if (company != NULL)
    {
      _companies_window_select (self, company);
      companies_window_edit_company (self, company);
    }
}
