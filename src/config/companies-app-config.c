/* companies-app-config.c: the app's own configuration (its GSettings
 * schema), read by companies-cli too, so that `companies-cli sync` in a
 * person's session reaches the server the app reaches.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-config"

#include "config.h"

#include "companies-app-config.h"
#include "companies-server-url.h"

GSettings *
companies_app_config_get_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* g_settings_new () aborts on a missing schema: ask first. */
  if (source == NULL)
    return NULL;

  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

char *
companies_app_config_dup_server_url (void)
{
  g_autoptr(GSettings) settings = companies_app_config_get_settings ();
  g_autofree char *value = NULL;
  char *url;

  if (settings == NULL)
    return g_strdup (COMPANIES_DEFAULT_SERVER_URL);

  value = g_settings_get_string (settings, "server-url");
  url = companies_server_url_normalize (value);

  return url != NULL ? url : g_strdup (COMPANIES_DEFAULT_SERVER_URL);
}
