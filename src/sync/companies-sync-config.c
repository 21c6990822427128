/* companies-sync-config.c: CompaniesSyncConfig, what one sync needs from
 * its client (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-sync-config.h"

CompaniesSyncConfig *
companies_sync_config_new (const char *database_path,
                           const char *server_url,
                           const char *token,
                           const char *tls_ca_file)
{
  CompaniesSyncConfig *config = g_new0 (CompaniesSyncConfig, 1);

  config->database_path = g_strdup (database_path);
  config->server_url = g_strdup (server_url);
  config->token = g_strdup (token);
  config->request_deadline = COMPANIES_SYNC_REQUEST_DEADLINE;

  if (tls_ca_file == NULL)
    {
      const char *ca_file = g_getenv ("COMPANIES_CA_FILE");

      if (ca_file != NULL && *ca_file != '\0')
        tls_ca_file = ca_file;
    }

  /* GIO's TLS file databases take only absolute paths; a relative one
   * (a command line's --ca-file ca.pem) names a file of this folder. */
  if (tls_ca_file != NULL)
    config->tls_ca_file = g_canonicalize_filename (tls_ca_file, NULL);

  return config;
}

void
companies_sync_config_free (CompaniesSyncConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->database_path);
  g_free (config->server_url);
  g_free (config->token);
  g_free (config->tls_ca_file);
  g_free (config);
}
