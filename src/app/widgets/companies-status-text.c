/* companies-status-text.c: the sentences of the window's status line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-status-text"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-error.h"
#include "companies-status-text.h"

guint
companies_status_count_waiting (const CompaniesStoreStatus *status)
{
  guint pending;

  g_return_val_if_fail (status != NULL, 0);

  pending = status->pending_added + status->pending_updated + status->pending_deleted;

  return pending > status->rejected ? pending - status->rejected : 0;
}

char *
companies_status_text_waiting (guint n_changes)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u change waiting to sync",
                                       "%u changes waiting to sync",
                                       n_changes),
                          n_changes);
}

char *
companies_status_text_synced (gint64 synced_at,
                              gint64 now)
{
  gint64 seconds = MAX (now - synced_at, 0);
  guint n;

  if (seconds < 60)
    return g_strdup (_("Synced just now"));

  if (seconds < 60 * 60)
    {
      n = seconds / 60;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Synced %u minute ago",
                                           "Synced %u minutes ago",
                                           n),
                              n);
    }

  if (seconds < 24 * 60 * 60)
    {
      n = seconds / (60 * 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Synced %u hour ago",
                                           "Synced %u hours ago",
                                           n),
                              n);
    }

  n = MIN (seconds / (24 * 60 * 60), G_MAXUINT);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Synced %u day ago",
                                       "Synced %u days ago",
                                       n),
                          n);
}

char *
companies_status_text_rejected (guint n_companies)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u company could not be synced",
                                       "%u companies could not be synced",
                                       n_companies),
                          n_companies);
}

static char *
join_with_waiting (const char *state,
                   guint       n_waiting)
{
  g_autofree char *waiting = NULL;

  if (n_waiting == 0)
    return g_strdup (state);

  waiting = companies_status_text_waiting (n_waiting);

  /* Translators: the status line: where the sync stands, then how many
   * changes wait, e.g. "Offline: will sync when the server can be
   * reached · 3 changes waiting to sync". */
  return g_strdup_printf (C_("status line", "%s · %s"), state, waiting);
}

char *
companies_status_text_format (const CompaniesStoreStatus *status,
                              const GError               *last_error,
                              gboolean                    syncing,
                              gboolean                    live,
                              gint64                      now)
{
  guint n_waiting;

  g_return_val_if_fail (status != NULL, NULL);

  n_waiting = companies_status_count_waiting (status);

  if (syncing)
    return join_with_waiting (_("Syncing…"), n_waiting);

  if (last_error != NULL && !g_error_matches (last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *failure = NULL;

      if (g_error_matches (last_error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK))
        return join_with_waiting (_("Offline: will sync when the server can be reached"), n_waiting);

      if (g_error_matches (last_error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED))
        return join_with_waiting (_("Server refused the access token: check Preferences"), n_waiting);

      if (g_error_matches (last_error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_READ_ONLY))
        return join_with_waiting (_("Read-only: this access token may receive changes but not "
                                    "send them; editing is off"), n_waiting);

      /* Translators: %s is the reason, e.g. "the server failed". */
      failure = g_strdup_printf (_("Sync failed: %s"), last_error->message);
      return join_with_waiting (failure, n_waiting);
    }

  if (n_waiting > 0)
    return companies_status_text_waiting (n_waiting);

  /* The server tells the open watch of every change: the list is the
   * server's as of now, however long ago the last sync ran. */
  if (live && status->last_sync_time > 0)
    return g_strdup (_("Live: up to date"));

  if (status->last_sync_time > 0)
    return companies_status_text_synced (status->last_sync_time, now);

  return g_strdup (_("Not synced yet"));
}
