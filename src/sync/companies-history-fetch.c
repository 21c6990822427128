/* companies-history-fetch.c: a company's history, fetched from the server
 * (GET /v1/companies/{id}/history, docs/protocol.md, docs/history.md)
 *
 * History lives only on the server: without a connection there is none
 * to show, and the error says so plainly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "companies-history-fetch.h"
#include "companies-sync-http.h"

/* The store's bound (1000 entries a field, ten fields) of short JSON
 * objects of values up to a few KiB fits well under this. */
#define MAX_ANSWER (16 * 1024 * 1024)
#define FETCH_TIMEOUT_SECONDS 30

static void
set_protocol_error (GError **error)
{
  g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                       _("The server sent a history this version of Companies cannot read"));
}

/* A member that must be a string or null; FALSE when it is neither. */
static gboolean
get_nullable_string (JsonObject  *object,
                     const char  *name,
                     char       **out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  *out_value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *out_value = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int (JsonObject *object,
         const char *name,
         gint64     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out_value = json_node_get_int (node);
  return TRUE;
}

GPtrArray *
companies_history_decode (const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) entries = NULL;
  JsonObject *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_protocol_error (error);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "entries") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "entries")))
    {
      set_protocol_error (error);
      return NULL;
    }

  array = json_object_get_array_member (root, "entries");
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_history_entry_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(CompaniesHistoryEntry) entry = companies_history_entry_new ();
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          set_protocol_error (error);
          return NULL;
        }
      object = json_node_get_object (node);
      if (!get_nullable_string (object, "field", &entry->field) ||
          !get_nullable_string (object, "value", &entry->value) ||
          !get_nullable_string (object, "by", &entry->by) ||
          !get_int (object, "version", &entry->version) ||
          !get_int (object, "at", &entry->at))
        {
          set_protocol_error (error);
          return NULL;
        }
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }

  return g_steal_pointer (&entries);
}

static void
set_status_error (guint    status,
                  GBytes  *body,
                  GError **error)
{
  g_autofree char *message = NULL;
  gsize length = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_UNAUTHORIZED,
                         _("The server refused the access token"));
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_set_error_literal (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NOT_FOUND,
                         _("The server has no history of this company: it is not synced yet, "
                           "or the server does not keep history"));
  else if (status >= 500)
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_SERVER,
                 _("The server failed (HTTP %u); try again later"), status);
  else if (data != NULL && companies_error_body_decode (data, length, NULL, &message, NULL) &&
           message != NULL)
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                 _("The server refused the request: %s"), message);
  else
    g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
                 _("The server answered HTTP %u"), status);
}

GPtrArray *
companies_history_fetch (const CompaniesSyncConfig  *config,
                         gint64                      id,
                         GCancellable               *cancellable,
                         GError                    **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *sync_url = NULL;
  g_autofree char *url = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (config != NULL, NULL);

  sync_url = companies_sync_http_build_url (config->server_url, error);
  if (sync_url == NULL)
    return NULL;
  url = g_strdup_printf ("%.*s" COMPANIES_HISTORY_PATH_PREFIX "%" G_GINT64_FORMAT
                         COMPANIES_HISTORY_PATH_SUFFIX,
                         (int) (strlen (sync_url) - strlen (COMPANIES_SYNC_PATH)), sync_url, id);

  session = companies_sync_http_session_new (config, error);
  if (session == NULL)
    return NULL;
  soup_session_set_timeout (session, FETCH_TIMEOUT_SECONDS);

  message = soup_message_new (SOUP_METHOD_GET, url);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (config->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", config->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
      explicit_bzero (authorization, strlen (authorization));
    }

  stream = soup_session_send (session, message, cancellable, &local_error);
  data = g_malloc (MAX_ANSWER + 1);
  if (stream == NULL ||
      !g_input_stream_read_all (stream, data, MAX_ANSWER + 1, &length, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (local_error->domain == G_TLS_ERROR)
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_CERTIFICATE,
                     _("A secure connection to %s failed: %s"),
                     config->server_url, local_error->message);
      else
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                     _("History needs a connection to the server (%s)"), local_error->message);
      return NULL;
    }

  if (length > MAX_ANSWER)
    {
      set_protocol_error (error);
      return NULL;
    }

  body = g_bytes_new (data, length);
  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      set_status_error (soup_message_get_status (message), body, error);
      return NULL;
    }

  return companies_history_decode (data, length, error);
}

typedef struct
{
  CompaniesSyncConfig *config;
  gint64               id;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  companies_sync_config_free (data->config);
  g_free (data);
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FetchData *data = task_data;
  GError *error = NULL;
  GPtrArray *entries;

  entries = companies_history_fetch (data->config, data->id, cancellable, &error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

void
companies_history_fetch_async (const CompaniesSyncConfig *config,
                               gint64                     id,
                               GCancellable              *cancellable,
                               GAsyncReadyCallback        callback,
                               gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  FetchData *data;

  g_return_if_fail (config != NULL);

  data = g_new0 (FetchData, 1);
  data->config = companies_sync_config_new (config->database_path, config->server_url,
                                            config->token, config->tls_ca_file);
  data->id = id;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, companies_history_fetch_async);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  g_task_run_in_thread (task, fetch_thread);
}

GPtrArray *
companies_history_fetch_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
