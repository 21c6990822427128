/* companies-search-bar.h: the search of the companies list, a bar that
 * slides down with its entry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_SEARCH_BAR (companies_search_bar_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesSearchBar, companies_search_bar, COMPANIES, SEARCH_BAR, GtkWidget)

/* Properties:
 *   "search-mode-enabled" (gboolean): shown; hiding it empties it.
 *   "key-capture-widget" (GtkWidget): typing there starts a search.
 *
 * Signals: "search-changed" (const char *text): at every keystroke;
 * "activated": Enter in the entry. */

gboolean companies_search_bar_get_search_mode (CompaniesSearchBar *self);
/* Shows the bar and puts the keyboard in its entry. */
void     companies_search_bar_start           (CompaniesSearchBar *self);
/* Hides (and empties) the bar. */
void     companies_search_bar_stop            (CompaniesSearchBar *self);
/* Shows "N companies" beside the entry; a negative @count hides it. */
void     companies_search_bar_set_count       (CompaniesSearchBar *self,
                                               int                 count);

G_END_DECLS
