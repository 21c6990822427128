/* companies-window-actions.c: the actions of the main window ("win.")
 * and their enabled state.
 *
 * Every change goes through a ForSync action of the store, bracketed by
 * the list's _begin_write () and the window's _end_write ().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-actions"

#include "config.h"

#include "companies-window-private.h"

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  companies_window_edit_company (COMPANIES_WINDOW (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);
  CompaniesCompany *company = _companies_window_get_selected (self);

  if (company != NULL)
    companies_window_edit_company (self, company);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);
  CompaniesCompany *company = _companies_window_get_focused (self);
  g_autoptr(CompaniesCompany) deleted = NULL;
  g_autoptr(GError) error = NULL;
  guint position;
  gint64 version;

  /* The row with the keyboard focus, selected or not; else the selected
   * one (the action from elsewhere). */
  if (company == NULL)
    company = _companies_window_get_selected (self);
  if (company == NULL || self->store == NULL)
    return;

  position = _companies_window_get_position (self, company);
  deleted = companies_company_copy (company);

  version = companies_company_list_begin_write (self->companies);
  if (!companies_local_store_delete_for_sync (self->store, companies_company_get_uuid (deleted), &error))
    {
      companies_notification_show_error (self->notification, error->message);
      return;
    }

  companies_company_list_remove (self->companies, companies_company_get_uuid (deleted));
  _companies_window_end_write (self, version, NULL);

  /* Keep the keyboard where it was: the next row takes the selection. */
  if (position == GTK_INVALID_LIST_POSITION)
    ;
  else if (position < g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    gtk_single_selection_set_selected (self->selection, position);
  else if (position > 0)
    gtk_single_selection_set_selected (self->selection, position - 1);

  companies_notification_show_undo (self->notification, deleted);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);
  g_autoptr(CompaniesCompany) deleted = NULL;
  g_autoptr(CompaniesCompany) restored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  if (companies_notification_get_deleted (self->notification) == NULL || self->store == NULL)
    return;

  deleted = g_object_ref (companies_notification_get_deleted (self->notification));
  companies_notification_hide (self->notification);

  version = companies_company_list_begin_write (self->companies);
  restored = companies_local_store_undelete_for_sync (self->store, deleted, &error);
  if (restored == NULL)
    {
      companies_notification_show_error (self->notification, error->message);
      return;
    }

  _companies_window_end_write (self, version, restored);
  _companies_window_select (self,
                            companies_company_list_lookup (self->companies,
                                                           companies_company_get_uuid (restored)));
}

static void
hide_undo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  companies_notification_hide (COMPANIES_WINDOW (widget)->notification);
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);

  if (self->store != NULL)
    companies_sync_scheduler_sync_now (self->scheduler);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);

  companies_search_bar_start (self->search);
}

static void
restore_notice_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);
  CompaniesNotice *notice = companies_notice_bar_get_notice (self->notices);
  g_autoptr(CompaniesCompany) restored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  if (notice == NULL || self->store == NULL)
    return;

  /* An ordinary local edit (or a new company), synced as any other. */
  version = companies_company_list_begin_write (self->companies);
  restored = companies_local_store_restore_notice (self->store, notice->notice_id, &error);
  if (restored == NULL)
    companies_notification_show_error (self->notification, error->message);
  else
    _companies_window_end_write (self, version, restored);

  companies_notice_bar_reload (self->notices);
}

static void
dismiss_notice_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);
  CompaniesNotice *notice = companies_notice_bar_get_notice (self->notices);
  g_autoptr(GError) error = NULL;

  if (notice == NULL || self->store == NULL)
    return;

  if (!companies_local_store_dismiss_notice (self->store, notice->notice_id, &error))
    companies_notification_show_error (self->notification, error->message);

  companies_notice_bar_reload (self->notices);
}

/* Sets an action's state only when it changes: telling GTK costs a walk
 * over every widget that watches actions, and the selection notifies at
 * every refresh that moves rows above it. */
static void
set_enabled (CompaniesWindow *self,
             guint            bit,
             const char      *action_name,
             gboolean         enabled)
{
  guint mask = 1u << bit;

  if (((self->enabled_actions & mask) != 0) == enabled && (self->known_actions & mask) != 0)
    return;

  self->known_actions |= mask;
  if (enabled)
    self->enabled_actions |= mask;
  else
    self->enabled_actions &= ~mask;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), action_name, enabled);
}

/* Made on first use, not with every window: GtkApplication builds a
 * gtk/help-overlay.ui resource for each window it adds, before the
 * window's first frame. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (widget);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/com/example/Companies/companies-help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      /* Transient for the window, hidden on close, kept with it. */
      gtk_application_window_set_help_overlay (window, overlay);
    }

  gtk_window_present (GTK_WINDOW (overlay));
}

static void
update_actions (CompaniesWindow *self)
{
  /* read-only mode (docs/history.md): no new, edit, delete nor import
   * until a sync succeeds */
  gboolean has_store = self->store != NULL && !_companies_window_is_read_only (self);
  gboolean has_selection = has_store && _companies_window_get_selected (self) != NULL;
  gboolean has_notice = has_store && companies_notice_bar_get_notice (self->notices) != NULL;

  set_enabled (self, 0, "win.new", has_store);
  set_enabled (self, 1, "win.edit", has_selection);
  set_enabled (self, 2, "win.delete", has_selection);
  set_enabled (self, 3, "win.undo-delete",
               has_store && companies_notification_get_deleted (self->notification) != NULL);
  set_enabled (self, 4, "win.sync", self->store != NULL);
  set_enabled (self, 5, "win.restore-notice", has_notice);
  set_enabled (self, 6, "win.dismiss-notice", has_notice);
  set_enabled (self, 7, "win.import", has_store);
  set_enabled (self, 8, "win.export", self->store != NULL);
}

void
_companies_window_actions_init (CompaniesWindow *self)
{
  /* What the actions depend on notifies when it changes: the selection
   * (a refresh that removes the selected row too), the company to
   * restore, the notice shown. */
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notification, "notify::deleted",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notices, "notify::notice",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  if (self->scheduler != NULL)
    g_signal_connect_object (self->scheduler, "sync-finished",
                             G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  update_actions (self);
}

void
_companies_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.hide-undo", NULL, hide_undo_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.restore-notice", NULL, restore_notice_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-notice", NULL, dismiss_notice_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, _companies_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, _companies_window_export_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
}
