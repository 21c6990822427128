/* companies-preferences-window.h: server address, access token and
 * automatic sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-application.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_PREFERENCES_WINDOW (companies_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesPreferencesWindow, companies_preferences_window, COMPANIES, PREFERENCES_WINDOW, GtkWindow)

CompaniesPreferencesWindow *companies_preferences_window_new (CompaniesApplication *application,
                                                              GtkWindow            *parent);

G_END_DECLS
