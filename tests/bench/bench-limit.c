/* bench-limit.c: the in-process parse+insert limit of an initial sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "companies-fields.h"

#include "bench-limit.h"
#include "bench-util.h"

void
bench_snapshot_free (BenchSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;

  g_clear_pointer (&snapshot->pages, g_ptr_array_unref);
  g_free (snapshot);
}

BenchSnapshot *
bench_snapshot_fetch (const char  *url,
                      GError     **error)
{
  g_autoptr(BenchSnapshot) snapshot = g_new0 (BenchSnapshot, 1);
  g_autoptr(SoupSession) session = bench_session_new ();
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *cursor = NULL;

  snapshot->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint round = 0; round < 100000; round++)
    {
      g_autoptr(CompaniesSyncRequest) request = bench_request_new (client_id, cursor);
      g_autoptr(CompaniesSyncResponse) response = NULL;
      GBytes *body = NULL;

      response = bench_post_sync (session, url, request, &body, error);
      if (response == NULL)
        return NULL;

      snapshot->total_bytes += g_bytes_get_size (body);
      snapshot->n_records += response->companies->len;
      g_ptr_array_add (snapshot->pages, body);

      g_free (cursor);
      cursor = g_strdup (response->cursor);
      if (!response->has_more)
        return g_steal_pointer (&snapshot);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the snapshot never ended");
  return NULL;
}

static const char schema_sql[] =
  "PRAGMA journal_mode = WAL;"
  "PRAGMA synchronous = FULL;"
  "CREATE TABLE companies ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  version INTEGER NOT NULL,"
  "  name TEXT NOT NULL, address TEXT NOT NULL, city TEXT NOT NULL,"
  "  postal_code TEXT NOT NULL, country TEXT NOT NULL, phone TEXT NOT NULL,"
  "  email TEXT NOT NULL, website TEXT NOT NULL, notes TEXT NOT NULL);";
static const char insert_sql[] =
  "INSERT INTO companies (id, uuid, version, name, address, city, postal_code,"
  " country, phone, email, website, notes)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

static gboolean
sqlite_failed (sqlite3  *db,
               GError  **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "limit: %s", sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
insert_page (sqlite3       *db,
             sqlite3_stmt  *insert,
             GBytes        *page,
             GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data = g_bytes_get_data (page, &length);
  JsonArray *companies;

  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return FALSE;

  companies = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "companies");

  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);

  for (guint i = 0; i < json_array_get_length (companies); i++)
    {
      JsonObject *object = json_array_get_object_element (companies, i);

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, json_object_get_int_member (object, "id"));
      sqlite3_bind_text (insert, 2, json_object_get_string_member (object, "uuid"), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 3, json_object_get_int_member (object, "version"));
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        sqlite3_bind_text (insert, 4 + f,
                           json_object_get_string_member (object, companies_field_get_name (f)),
                           -1, SQLITE_STATIC);
      if (sqlite3_step (insert) != SQLITE_DONE)
        {
          sqlite_failed (db, error);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  sqlite3_reset (insert);

  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    return sqlite_failed (db, error);

  return TRUE;
}

gint64
bench_limit_run (BenchSnapshot  *snapshot,
                 const char     *db_path,
                 GError        **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  gint64 start = bench_now_us ();
  gint64 elapsed = -1;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3 (db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &insert, NULL) != SQLITE_OK)
    {
      sqlite_failed (db, error);
      goto out;
    }

  for (guint i = 0; i < snapshot->pages->len; i++)
    if (!insert_page (db, insert, g_ptr_array_index (snapshot->pages, i), error))
      goto out;

  elapsed = bench_now_us () - start;

out:
  sqlite3_finalize (insert);
  sqlite3_close (db);
  return elapsed;
}
