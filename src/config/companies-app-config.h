/* companies-app-config.h: the app's own configuration, read by
 * companies-cli too, so that both talk to one server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The app's settings (APP_ID), or NULL when its schema is not installed
 * (a CLI built and run without the app). */
GSettings *companies_app_config_get_settings     (void);
/* The app's "server-url" setting, normalized; COMPANIES_DEFAULT_SERVER_URL
 * when the schema is not installed or the value is not an address. */
char      *companies_app_config_dup_server_url   (void);

G_END_DECLS
