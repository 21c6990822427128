/* companies-sync-run.c: one whole sync of docs/protocol.md, blocking, in
 * the calling thread: the cross-process lock, a SQLite connection and a
 * SoupSession of the sync's own (kept between the runs of one client),
 * and the rounds of a CompaniesSyncPipeline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-sync-http.h"
#include "companies-sync-run.h"
#include "companies-local-store-sync.h"

/* How often the cross-process lock is tried, and for how long. */
#define LOCK_POLL_USEC         (50 * 1000)
#define LOCK_WAIT_USEC         (5 * 60 * G_USEC_PER_SEC)

/* The flock of docs/protocol.md section 3: one sync per database, across
 * processes. Returns the locked file descriptor, or -1. */
static int
take_sync_lock (const char    *database_path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *lock_path = g_strconcat (database_path, ".sync-lock", NULL);
  g_autofree char *dir = g_path_get_dirname (database_path);
  gint64 deadline = g_get_monotonic_time () + LOCK_WAIT_USEC;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                   _("Could not open the file “%s”: %s"),
                   lock_path, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno != EWOULDBLOCK && saved_errno != EINTR)
        {
          g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                       _("Could not lock the file “%s”: %s"),
                       lock_path, g_strerror (saved_errno));
          close (fd);
          return -1;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                               _("Another program has been syncing this list for too long; "
                                 "try again later"));
          close (fd);
          return -1;
        }

      g_usleep (LOCK_POLL_USEC);
    }

  return fd;
}

CompaniesSyncResult *
companies_sync_run (const CompaniesSyncConfig  *config,
                    CompaniesSyncCache         *cache,
                    GCancellable               *cancellable,
                    CompaniesSyncProgressFunc   progress,
                    gpointer                    progress_data,
                    GError                    **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(CompaniesSyncPipeline) pipeline = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autofree char *url = NULL;
  gboolean ok;
  int lock_fd;

  url = companies_sync_http_build_url (config->server_url, error);
  if (url == NULL)
    return NULL;

  session = companies_sync_cache_take_session (cache, config, error);
  if (session == NULL)
    return NULL;

  lock_fd = take_sync_lock (config->database_path, cancellable, error);
  if (lock_fd < 0)
    return NULL;

  store = companies_sync_cache_take_store (cache, config->database_path, &store_error);
  if (store == NULL)
    {
      close (lock_fd);
      g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                           store_error->message);
      return NULL;
    }

  pipeline = companies_sync_pipeline_new (config, url, session, store, cancellable,
                                          progress, progress_data);
  companies_local_store_set_syncing (store, TRUE);
  ok = companies_sync_pipeline_run (pipeline, error);
  /* Indexes a bulk push deferred are built now even when it failed (a
   * read-only token, the network gone): the list's sorts need them.
   * When that fails too, the next run tries again. */
  if (!companies_local_store_end_sync (store, &store_error))
    {
      g_warning ("Could not build the deferred indexes: %s", store_error->message);
      g_clear_error (&store_error);
    }
  companies_local_store_set_syncing (store, FALSE);
  close (lock_fd);
  if (!ok)
    return NULL;

  companies_sync_cache_keep (cache, store, session, config);
  return companies_sync_result_copy (companies_sync_pipeline_get_result (pipeline));
}
