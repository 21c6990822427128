/* companies-window-history.c: the window's part in history and
 * read-only mode (docs/history.md): it opens the History of a company
 * (from the editor's History button) with the sync client's server and
 * token, and writes a restored value as it writes an edit. Read-only
 * mode is the last sync refused because the token may only pull.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window"

#include "config.h"

#include "companies-history-window.h"
#include "companies-window-private.h"

gboolean
_companies_window_is_read_only (CompaniesWindow *self)
{
  return self->scheduler != NULL &&
         g_error_matches (companies_sync_scheduler_get_last_error (self->scheduler),
                          COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_READ_ONLY);
}

static void
history_restoring_cb (CompaniesWindow        *self,
                      CompaniesHistoryWindow *history)
{
  self->editor_version_before = companies_company_list_begin_write (self->companies);
}

static void
history_restored_cb (CompaniesWindow        *self,
                     CompaniesCompany       *stored,
                     CompaniesHistoryWindow *history)
{
  _companies_window_end_write (self, self->editor_version_before, stored);
}

GtkWindow *
companies_window_show_history (CompaniesWindow  *self,
                               CompaniesCompany *company)
{
  CompaniesHistoryWindow *history;
  GtkWindow *parent;

  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), NULL);
  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), NULL);

  if (self->store == NULL || self->scheduler == NULL)
    return NULL;

  parent = self->editor != NULL ? self->editor : GTK_WINDOW (self);
  history = companies_history_window_new (parent,
                                          companies_sync_scheduler_get_client (self->scheduler),
                                          self->store, company,
                                          !_companies_window_is_read_only (self));
  g_signal_connect_object (history, "restoring", G_CALLBACK (history_restoring_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (history, "restored", G_CALLBACK (history_restored_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (history));

  return GTK_WINDOW (history);
}
