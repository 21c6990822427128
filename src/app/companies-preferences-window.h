/* companies-preferences-window.h: server address, access token, the
 * connection test and automatic sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "companies-connection.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_PREFERENCES_WINDOW (companies_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesPreferencesWindow, companies_preferences_window, COMPANIES, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @settings holds the automatic-sync switch; @connection the address,
 * the token and the connection test. */
CompaniesPreferencesWindow *companies_preferences_window_new (GtkWindow           *parent,
                                                              GSettings           *settings,
                                                              CompaniesConnection *connection);

G_END_DECLS
