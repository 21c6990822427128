/* companies-sync-button.h: the header bar's Sync button, a spinner while
 * a sync runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_SYNC_BUTTON (companies_sync_button_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSyncButton, companies_sync_button, COMPANIES, SYNC_BUTTON, GtkButton)

/* Property: "syncing" (gboolean): shows the spinner and says so. */

gboolean companies_sync_button_get_syncing (CompaniesSyncButton *self);
void     companies_sync_button_set_syncing (CompaniesSyncButton *self,
                                            gboolean             syncing);

G_END_DECLS
