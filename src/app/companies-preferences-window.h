/* companies-preferences-window.h: server address, access token and
 * automatic sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_PREFERENCES_WINDOW (companies_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesPreferencesWindow, companies_preferences_window, COMPANIES, PREFERENCES_WINDOW, GtkWindow)

/* Signal: "save-token" (const char *token) → gboolean: the person set a
 * new access token (empty: none). The handler keeps it where it belongs
 * and returns TRUE, or shows why it could not
 * (companies_preferences_window_show_token_error ()) and returns FALSE. */

/* @settings holds the address and the switch; @server_url and @token are
 * the ones in use, set by the environment for this session when
 * @server_url_overridden or @token_overridden (then not editable). */
CompaniesPreferencesWindow *companies_preferences_window_new              (GtkWindow                  *parent,
                                                                           GSettings                  *settings,
                                                                           const char                 *server_url,
                                                                           gboolean                    server_url_overridden,
                                                                           const char                 *token,
                                                                           gboolean                    token_overridden);
void                        companies_preferences_window_show_token_error (CompaniesPreferencesWindow *self,
                                                                           const char                 *message);

G_END_DECLS
