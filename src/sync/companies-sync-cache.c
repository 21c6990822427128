/* companies-sync-cache.c: CompaniesSyncCache, the session and the store
 * connection a sync client keeps between its runs (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "companies-sync-cache.h"
#include "companies-sync-http.h"

struct _CompaniesSyncCache
{
  /* Keeps its connection to the server alive between syncs. A session
   * with a CA file of its own is used again only while that file is the
   * same (path, inode, size, time): a changed or removed file must fail
   * the next sync. */
  SoupSession         *session;
  char                *ca_file;
  GStatBuf             ca_info;
  /* The store connection and its statements, with the file it opened:
   * a file replaced since is opened anew. */
  CompaniesLocalStore *store;
  dev_t                dev;
  ino_t                ino;
};

CompaniesSyncCache *
companies_sync_cache_new (void)
{
  return g_new0 (CompaniesSyncCache, 1);
}

void
companies_sync_cache_free (CompaniesSyncCache *cache)
{
  if (cache == NULL)
    return;

  g_clear_object (&cache->session);
  g_clear_object (&cache->store);
  g_free (cache->ca_file);
  g_free (cache);
}

/* Whether the CA file of @config is the one the kept session trusts. */
static gboolean
same_ca_file (CompaniesSyncCache         *cache,
              const CompaniesSyncConfig  *config)
{
  GStatBuf info;

  if (config->tls_ca_file == NULL || cache->ca_file == NULL)
    return config->tls_ca_file == NULL && cache->ca_file == NULL;

  return g_strcmp0 (config->tls_ca_file, cache->ca_file) == 0 &&
         g_stat (config->tls_ca_file, &info) == 0 &&
         info.st_dev == cache->ca_info.st_dev && info.st_ino == cache->ca_info.st_ino &&
         info.st_size == cache->ca_info.st_size && info.st_mtime == cache->ca_info.st_mtime &&
         info.st_ctime == cache->ca_info.st_ctime;
}

SoupSession *
companies_sync_cache_take_session (CompaniesSyncCache         *cache,
                                   const CompaniesSyncConfig  *config,
                                   GError                    **error)
{
  if (cache != NULL && cache->session != NULL && same_ca_file (cache, config))
    return g_steal_pointer (&cache->session);
  if (cache == NULL)
    return companies_sync_http_session_new (config, error);

  /* The file as it is before the session reads it: a change after
   * that makes the next run read it again. */
  g_clear_object (&cache->session);
  g_clear_pointer (&cache->ca_file, g_free);
  if (config->tls_ca_file != NULL && g_stat (config->tls_ca_file, &cache->ca_info) == 0)
    cache->ca_file = g_strdup (config->tls_ca_file);

  return companies_sync_http_session_new (config, error);
}

CompaniesLocalStore *
companies_sync_cache_take_store (CompaniesSyncCache  *cache,
                                 const char          *path,
                                 GError             **error)
{
  CompaniesLocalStore *store;
  GStatBuf info;

  if (cache != NULL && cache->store != NULL)
    {
      g_autoptr(CompaniesLocalStore) kept = g_steal_pointer (&cache->store);

      if (g_strcmp0 (companies_local_store_get_path (kept), path) == 0 &&
          g_stat (path, &info) == 0 && info.st_dev == cache->dev && info.st_ino == cache->ino)
        return g_steal_pointer (&kept);
    }

  /* A sync writes: a file this program has not opened yet is checked
   * for damage first, as every companies-cli command does. */
  store = companies_local_store_open_checked (path, error);
  if (store != NULL && cache != NULL && g_stat (path, &info) == 0)
    {
      cache->dev = info.st_dev;
      cache->ino = info.st_ino;
    }

  return store;
}

void
companies_sync_cache_keep (CompaniesSyncCache         *cache,
                           CompaniesLocalStore        *store,
                           SoupSession                *session,
                           const CompaniesSyncConfig  *config)
{
  if (cache == NULL)
    return;

  g_set_object (&cache->store, store);
  g_set_object (&cache->session, session);
}

CompaniesLocalStore *
companies_sync_cache_steal_store (CompaniesSyncCache *cache)
{
  return g_steal_pointer (&cache->store);
}
