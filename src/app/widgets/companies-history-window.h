/* companies-history-window.h: the History of one company, as the server
 * keeps it (docs/history.md), with Restore on any earlier value
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "companies-company.h"
#include "companies-local-store.h"
#include "companies-sync-client.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_HISTORY_WINDOW (companies_history_window_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesHistoryWindow, companies_history_window, COMPANIES, HISTORY_WINDOW, AdwWindow)

/* Signals:
 *   "restoring" (): just before the store is written.
 *   "restored" (CompaniesCompany *stored): an earlier value is current
 *     again in the store (a ForSync update: the next sync sends it). */

/* Fetches the history of @company (a server record) with the address,
 * token and trust of @client. @editable FALSE (read-only mode) hides
 * Restore. */
CompaniesHistoryWindow *companies_history_window_new          (GtkWindow              *parent,
                                                               CompaniesSyncClient    *client,
                                                               CompaniesLocalStore    *store,
                                                               CompaniesCompany       *company,
                                                               gboolean                editable);
/* "loading", "list" or "offline" (any failure: its message is shown). */
const char             *companies_history_window_get_page     (CompaniesHistoryWindow *self);
/* The rows shown (CompaniesHistoryRow), for tests. */
GtkListBox             *companies_history_window_get_list     (CompaniesHistoryWindow *self);

G_END_DECLS
