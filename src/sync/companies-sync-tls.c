/* companies-sync-tls.c: a CA file as the process's default TLS database
 * (see the header).
 *
 * libsoup makes each TLS connection first and gives it the session's
 * database only after; GnuTLS's connection (glib-networking) asks for the
 * database while it is made, so the process's default one is loaded
 * then: the system's certificate authorities, parsed twice (the database,
 * then the connection's credentials), a few hundred kilobytes of PEM. A
 * process that trusts one CA file only pays that at its first connection,
 * once per companies-cli run. With that file as the default the system's
 * authorities are never read. Checks stay as strict: the connection is
 * still verified against the session's database, the same file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <gio/gio.h>

#include "companies-sync-config.h"
#include "companies-sync-tls.h"

/* @tls_ca_file, else $COMPANIES_CA_FILE (as a sync would resolve it):
 * TRUE when it became the default database. FALSE when neither names a
 * file, or it cannot be read: the sync then fails on it as before. */
gboolean
companies_sync_tls_use_ca_file_as_default (const char *tls_ca_file)
{
  g_autoptr(CompaniesSyncConfig) config = companies_sync_config_new (NULL, NULL, NULL, tls_ca_file);
  g_autoptr(GTlsDatabase) database = NULL;

  if (config->tls_ca_file == NULL)
    return FALSE;

  database = g_tls_file_database_new (config->tls_ca_file, NULL);
  if (database == NULL)
    return FALSE;

  g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
  return TRUE;
}
