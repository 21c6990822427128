/* companies-status-page.h: a page that says why the list is not shown
 * (empty, nothing found, could not open): a large icon, a title and a
 * description, and any widgets added after them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_STATUS_PAGE (companies_status_page_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesStatusPage, companies_status_page, COMPANIES, STATUS_PAGE, GtkWidget)

/* Properties: "icon-name", "title", "description" (strings).
 *
 * In a .ui file the description's GtkLabel is the internal child
 * "description" (to make it selectable, say), and <child> elements are
 * added below it. */

G_END_DECLS
