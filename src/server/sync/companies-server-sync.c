/* companies-server-sync.c: the server side of POST /v1/companies/sync
 * (docs/protocol.md section 3)
 *
 * One request, inside the transaction its caller (the worker) opened:
 *
 *  1. the cursor: null, from another database, older than the newest
 *     purged tombstone or newer than anything here starts a snapshot;
 *  2. the changes, in the order added, updated, deleted, through the merge
 *     rules (companies-server-merge.c);
 *  3. the page: changes after the cursor in version order (the first page
 *     of a snapshot: alive records only), at most `limit` and at most
 *     COMPANIES_MAX_PAGE_BYTES, plus the current state of every record the
 *     request named (companies-server-page.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-merge.h"
#include "companies-server-page.h"
#include "companies-server-sync.h"
#include "companies-server-test-hooks.h"

#define SECONDS_PER_DAY (24 * 60 * 60)

/* Applies the changes of @request through @merge, in the order added,
 * updated, deleted; @store first learns the uuids to add. */
static gboolean
merge_changes (CompaniesServerStore        *store,
               CompaniesServerMerge        *merge,
               const CompaniesSyncRequest  *request,
               GError                     **error)
{
  guint n_total = request->added->len + request->updated->len + request->deleted->len;
  guint n_applied = 0;
  g_autoptr(GPtrArray) uuids = g_ptr_array_sized_new (request->added->len);

  /* The store may look the uuids to add up at once. */
  for (guint i = 0; i < request->added->len; i++)
    {
      const CompaniesChange *change = g_ptr_array_index (request->added, i);

      if (change->reject_code == NULL)
        g_ptr_array_add (uuids, change->uuid);
    }
  if (!companies_server_store_expect_adds (store, (const char * const *) uuids->pdata,
                                           uuids->len, error))
    return FALSE;

  for (guint i = 0; i < request->added->len; i++)
    {
      if (!companies_server_merge_add (merge, g_ptr_array_index (request->added, i), error))
        return FALSE;
      companies_server_test_hook_applied (++n_applied, n_total);
    }

  for (guint i = 0; i < request->updated->len; i++)
    {
      if (!companies_server_merge_update (merge, g_ptr_array_index (request->updated, i), error))
        return FALSE;
      companies_server_test_hook_applied (++n_applied, n_total);
    }

  for (guint i = 0; i < request->deleted->len; i++)
    {
      if (!companies_server_merge_delete (merge, g_ptr_array_index (request->deleted, i), error))
        return FALSE;
      companies_server_test_hook_applied (++n_applied, n_total);
    }

  return TRUE;
}

gboolean
companies_server_sync_read_cursor (const CompaniesSyncRequest  *request,
                                   CompaniesServerCursor       *out_cursor,
                                   gboolean                    *out_has_cursor,
                                   char                       **out_path,
                                   GError                     **error)
{
  g_return_val_if_fail (request != NULL, FALSE);

  *out_has_cursor = request->cursor != NULL;
  if (out_path != NULL)
    *out_path = NULL;

  if (request->cursor != NULL && !companies_server_cursor_parse (request->cursor, out_cursor))
    {
      g_set_error_literal (error, COMPANIES_PROTOCOL_ERROR,
                           COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,
                           _("The cursor was not made by this server"));
      if (out_path != NULL)
        *out_path = g_strdup ("cursor");
      return FALSE;
    }

  return TRUE;
}

CompaniesSyncResponse *
companies_server_sync_apply (CompaniesServerStore         *store,
                             const CompaniesSyncRequest   *request,
                             const CompaniesServerCursor  *cursor,
                             gint64                        now,
                             const char                   *who,
                             GError                      **error)
{
  const char *database_uuid = companies_server_store_get_database_uuid (store);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesServerMerge) merge = NULL;
  CompaniesServerStoreState before, after;
  gboolean first_snapshot_page = FALSE;
  gboolean foreign = FALSE;
  gint64 after_version = 0;
  gint64 cursor_version = 0;
  guint limit;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!companies_server_store_get_state (store, &before, error))
    return NULL;

  /* what the writes of this request put in history; its client id only
   * when it will ask for what later writes replace */
  companies_server_store_set_author (store, who, now);
  companies_server_store_set_writer (store, request->want_replaced ? request->client_id : NULL);

  /* A null cursor, one from another database, one older than the newest
   * purged tombstone (the client may have missed a delete) or newer than
   * anything here: a snapshot starts. */
  if (cursor == NULL)
    first_snapshot_page = TRUE;
  else if (strcmp (cursor->database_uuid, database_uuid) != 0)
    {
      foreign = TRUE;
      first_snapshot_page = TRUE;
    }
  else if (cursor->version < before.purge_horizon ||
           cursor->version > before.last_version)
    first_snapshot_page = TRUE;
  else
    after_version = cursor->version;

  response = companies_sync_response_new ();
  response->protocol = COMPANIES_PROTOCOL_VERSION;
  response->reset = first_snapshot_page || (cursor != NULL && cursor->in_snapshot);

  merge = companies_server_merge_new (store, response, now, foreign, who, request->client_id);
  if (request->want_created)
    companies_server_merge_answer_created (merge);
  if (!merge_changes (store, merge, request, error))
    return NULL;

  if (!companies_server_store_get_state (store, &after, error))
    return NULL;

  limit = request->limit;
  if (limit == 0 || limit > COMPANIES_MAX_LIMIT)
    limit = COMPANIES_DEFAULT_LIMIT;

  /* The first page of a snapshot lists alive records only: the client
   * drops whatever the snapshot lacks. */
  if (!companies_server_page_build (store, merge, response, after_version, first_snapshot_page,
                                    limit, before.last_version, after.last_version,
                                    &cursor_version, error))
    return NULL;

  response->cursor = companies_server_cursor_format (database_uuid, cursor_version,
                                                     response->reset && response->has_more);

  /* Revision 1.6, when asked: the values of this client that later writes
   * replaced unseen, after its cursor and up to the new one. A cursor of
   * no use here (none, or another database's) gets none. The cursor also
   * acknowledges those it received before (a client stores a cursor only
   * with the whole answer): a request with changes, on the writer, drops
   * them; a pull may run on a read-only connection and leaves them to
   * the bounds. */
  response->who = request->want_replaced;
  if (request->want_replaced)
    {
      gboolean ours = cursor != NULL && !foreign;
      gint64 seen = ours ? MIN (cursor->version, after.last_version) : cursor_version;
      gboolean writes = request->added->len + request->updated->len + request->deleted->len > 0;

      if (!companies_server_store_take_replaced (store, request->client_id,
                                                 ours && writes ? seen : 0, seen,
                                                 cursor_version, response->replaced, error))
        return NULL;
    }

  return g_steal_pointer (&response);
}

gboolean
companies_server_sync_purge (CompaniesServerStore  *store,
                             guint                  tombstone_days,
                             gint64                 now,
                             guint                 *out_n_purged,
                             GError               **error)
{
  gint64 deleted_before = now - (gint64) tombstone_days * SECONDS_PER_DAY;
  guint n_purged = 0;

  g_return_val_if_fail (store != NULL, FALSE);

  /* and the history that aged out (docs/history.md) */
  if (!companies_server_store_purge_tombstones (store, deleted_before, &n_purged, error) ||
      !companies_server_store_prune_history (store, now, error))
    return FALSE;

  if (out_n_purged != NULL)
    *out_n_purged = n_purged;

  return TRUE;
}
