/* companies-overwritten-bar.h: the notice of a value that our push
 * replaced although it was newer, with Restore and Dismiss.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_OVERWRITTEN_BAR (companies_overwritten_bar_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesOverwrittenBar, companies_overwritten_bar, COMPANIES, OVERWRITTEN_BAR, GtkWidget)

/* Properties:
 *   "store" (CompaniesLocalStore): where the notices are read from.
 *   "notice" (gpointer, read-only): the CompaniesOverwrittenNotice shown,
 *     the newest, or NULL when there is none (the bar is hidden).
 *
 * The buttons activate "win.restore-overwritten" and
 * "win.dismiss-overwritten": whoever places the bar acts on the notice. */

/* Reads the notices again (after a sync or a dismissal). */
void                        companies_overwritten_bar_reload     (CompaniesOverwrittenBar *self);
CompaniesOverwrittenNotice *companies_overwritten_bar_get_notice (CompaniesOverwrittenBar *self);

G_END_DECLS
