/* companies-notice-bar.h: the notices a sync left (an overwritten
 * value, a company deleted while edited), with Restore and Dismiss.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-local-store-notices.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_NOTICE_BAR (companies_notice_bar_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesNoticeBar, companies_notice_bar, COMPANIES, NOTICE_BAR, GtkWidget)

/* Properties:
 *   "store" (CompaniesLocalStore): where the notices are read from.
 *   "notice" (gpointer, read-only): the CompaniesNotice shown,
 *     the newest, or NULL when there is none (the bar is hidden).
 *
 * The buttons activate "win.restore-notice" and
 * "win.dismiss-notice": whoever places the bar acts on the notice. */

/* Reads the notices again (after a sync or a dismissal). */
void                        companies_notice_bar_reload     (CompaniesNoticeBar *self);
CompaniesNotice            *companies_notice_bar_get_notice (CompaniesNoticeBar *self);

G_END_DECLS
