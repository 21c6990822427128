/* companies-sync-watch.c: companies_sync_client_watch_async (), one
 * long-poll of the change feed (docs/protocol.md, "Change feed"): GET
 * /v1/changes with the cursor of the client's database, held by the
 * server until something newer is committed or the wait passes. It runs
 * in a worker thread with a session and store connection of the watches'
 * own, kept from one watch to the next (so the connection stays open).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "companies-local-store-sync.h"
#include "companies-sync-client-private.h"
#include "companies-sync-http.h"

#define CHANGES_PATH          "/v1/changes"
#define WAIT_DEFAULT          25
#define WAIT_MAX              30
/* Beyond the wait, the time the answer may take to come (a server that
 * is slow, a long link), capped by the client's request deadline. */
#define WAIT_MARGIN_SECONDS   10
/* The answer is a small object; anything longer is not one. */
#define MAX_ANSWER_BYTES      4096

typedef struct
{
  CompaniesSyncConfig *config;
  guint                wait_seconds;
} WatchData;

static void
watch_data_free (WatchData *data)
{
  companies_sync_config_free (data->config);
  g_free (data);
}

/* <server>/v1/changes?wait=N[&cursor=C] */
static char *
build_watch_url (const CompaniesSyncConfig  *config,
                 const char                 *cursor,
                 guint                       wait_seconds,
                 GError                    **error)
{
  g_autofree char *base = companies_sync_http_build_url_for (config->server_url,
                                                             CHANGES_PATH, error);
  g_autofree char *escaped = NULL;

  if (base == NULL)
    return NULL;
  if (cursor == NULL)
    return g_strdup_printf ("%s?wait=%u", base, wait_seconds);

  escaped = g_uri_escape_string (cursor, NULL, FALSE);
  return g_strdup_printf ("%s?wait=%u&cursor=%s", base, wait_seconds, escaped);
}

/* {"changed": BOOL, "version": V}; FALSE with a protocol error. */
static gboolean
decode_answer (const CompaniesSyncConfig  *config,
               GBytes                     *body,
               gboolean                   *out_changed,
               GError                    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *root;
  JsonObject *object;
  JsonNode *changed;
  JsonNode *version;

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, &local_error))
    goto fail;

  root = json_parser_get_root (parser);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  changed = object != NULL ? json_object_get_member (object, "changed") : NULL;
  version = object != NULL ? json_object_get_member (object, "version") : NULL;
  if (changed == NULL || json_node_get_value_type (changed) != G_TYPE_BOOLEAN ||
      version == NULL || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("it is not {\"changed\": …, \"version\": …}"));
      goto fail;
    }

  *out_changed = json_node_get_boolean (changed);
  return TRUE;

fail:
  g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
               _("The server at %s sent an answer Companies cannot read: %s"),
               config->server_url, local_error->message);
  return FALSE;
}

/* One watch, blocking; the cache's session and store are kept only when
 * it succeeded. */
static gboolean
watch_once (const CompaniesSyncConfig  *config,
            CompaniesSyncCache         *cache,
            guint                       wait_seconds,
            gboolean                   *out_changed,
            GCancellable               *cancellable,
            GError                    **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *url = NULL;
  guint margin = MIN (config->request_deadline, WAIT_MARGIN_SECONDS);

  store = companies_sync_cache_take_store (cache, config->database_path, &store_error);
  if (store == NULL || !companies_local_store_dup_cursor (store, &cursor, &store_error))
    {
      g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE,
                           store_error->message);
      return FALSE;
    }

  url = build_watch_url (config, cursor, wait_seconds, error);
  if (url == NULL)
    return FALSE;

  session = companies_sync_cache_take_session (cache, config, error);
  if (session == NULL)
    return FALSE;
  /* The answer comes after the wait: no byte arrives meanwhile. */
  soup_session_set_timeout (session, wait_seconds + margin);

  body = companies_sync_http_get (session, config, url, wait_seconds + margin,
                                  MAX_ANSWER_BYTES, cancellable, error);
  if (body == NULL || !decode_answer (config, body, out_changed, error))
    return FALSE;

  companies_sync_cache_keep (cache, store, session, config);
  return TRUE;
}

static void
watch_worker_cb (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CompaniesSyncClient *self = source_object;
  WatchData *data = task_data;
  CompaniesSyncCache *cache = companies_sync_client_take_cache (self, TRUE);
  GError *error = NULL;
  gboolean changed = FALSE;
  gboolean ok;

  ok = watch_once (data->config, cache, data->wait_seconds, &changed, cancellable, &error);
  companies_sync_client_give_back_cache (self, TRUE, cache);

  if (ok)
    g_task_return_boolean (task, changed);
  else
    g_task_return_error (task, error);
}

void
companies_sync_client_watch_async (CompaniesSyncClient  *self,
                                   guint                 wait_seconds,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  WatchData *data;

  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, companies_sync_client_watch_async);
  g_task_set_return_on_cancel (task, TRUE);

  data = g_new0 (WatchData, 1);
  data->config = companies_sync_client_dup_config (self);
  data->wait_seconds = wait_seconds == 0 ? WAIT_DEFAULT : MIN (wait_seconds, WAIT_MAX);
  g_task_set_task_data (task, data, (GDestroyNotify) watch_data_free);

  g_task_run_in_thread (task, watch_worker_cb);
}

gboolean
companies_sync_client_watch_finish (CompaniesSyncClient  *self,
                                    GAsyncResult         *result,
                                    gboolean             *out_changed,
                                    GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean changed;

  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == companies_sync_client_watch_async, FALSE);

  changed = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (out_changed != NULL)
    *out_changed = changed;
  return TRUE;
}
