/* server-test-util.c: helpers of the companies-server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <stdarg.h>
#include <string.h>

#include <sqlite3.h>

#include "companies-server-sqlite-query.h"
#include "companies-test-process.h"
#include "companies-server-store-postgres.h"
#include "companies-server-store-sqlite.h"
#include "companies-test-postgres.h"
#include "server-test-util.h"

#define EXIT_WAIT_SECONDS 10

static CompaniesTestServer *
start_process (TestServer         *self,
               const char * const *extra_args)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  CompaniesTestServer *server;

  if (self->token != NULL)
    {
      g_ptr_array_add (args, g_strdup ("--tokens"));
      g_ptr_array_add (args, g_build_filename (self->dir, "tokens", NULL));
    }
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (extra_args[i]));
  g_ptr_array_add (args, NULL);

  server = companies_test_server_start (self->db_path,
                                        (const char * const *) args->pdata,
                                        &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);

  return server;
}

TestServer *
test_server_start (gboolean            with_token,
                   const char * const *extra_args)
{
  TestServer *self = g_new0 (TestServer, 1);

  self->dir = companies_test_make_tmpdir ();
  self->db_path = g_build_filename (self->dir, "server.db", NULL);

  if (with_token)
    {
      g_autofree char *path = g_build_filename (self->dir, "tokens", NULL);
      g_autofree char *text = NULL;
      g_autofree char *other = g_uuid_string_random ();

      self->token = g_uuid_string_random ();
      text = g_strdup_printf ("# tokens of the test\n\n  %s  \n%s\n", other, self->token);
      companies_test_write_private (path, text);
    }

  self->server = start_process (self, extra_args);

  return self;
}

void
test_server_restart (TestServer         *self,
                     const char * const *extra_args)
{
  companies_test_server_stop (self->server);
  g_clear_pointer (&self->server, companies_test_server_free);
  self->server = start_process (self, extra_args);
}

void
test_server_crash_restart (TestServer *self)
{
  companies_test_server_kill (self->server);
  g_clear_pointer (&self->server, companies_test_server_free);
  self->server = start_process (self, NULL);
}

void
test_server_replace_database (TestServer *self)
{
  static guint n_replaced = 0;

  companies_test_server_stop (self->server);
  g_clear_pointer (&self->server, companies_test_server_free);
  g_free (self->db_path);
  self->db_path = g_strdup_printf ("%s/replaced-%u.db", self->dir, ++n_replaced);
  self->server = start_process (self, NULL);
}

void
test_server_free (TestServer *self)
{
  if (self == NULL)
    return;

  if (self->server != NULL)
    companies_test_server_stop (self->server);
  g_clear_pointer (&self->server, companies_test_server_free);
  companies_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->token);
  g_free (self);
}

void
test_server_wait_for_log (TestServer *self,
                          const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *log = companies_test_server_get_log (self->server);

      if (strstr (log, text) != NULL)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("the server log lacks “%s”:\n%s", text, log);

      g_usleep (10 * 1000);  /* polling the log, with a deadline */
    }
}

char *
test_server_url (TestServer *self,
                 const char *path)
{
  return g_strconcat (companies_test_server_get_url (self->server), path, NULL);
}

char *
test_server_file (TestServer *self,
                  const char *name)
{
  return g_build_filename (self->dir, name, NULL);
}

void
test_store_fixture_set_up (TestStoreFixture *fixture,
                           gconstpointer     unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CompaniesServerStore *store;

  fixture->dir = companies_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "server.db", NULL);
  if (companies_test_postgres_wanted ())
    {
      g_autofree char *uri = companies_test_postgres_database_for (path, &error);

      g_assert_no_error (error);
      store = companies_server_store_postgres_open (uri, &error);
    }
  else
    store = companies_server_store_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  fixture->store = store;
}

void
test_store_fixture_tear_down (TestStoreFixture *fixture,
                              gconstpointer     unused)
{
  g_clear_pointer (&fixture->store, companies_server_store_close);
  companies_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

CompaniesSyncRequest *
test_request_new (const char *cursor)
{
  CompaniesSyncRequest *request = companies_sync_request_new ();

  request->protocol = COMPANIES_PROTOCOL_VERSION;
  request->client_id = g_uuid_string_random ();
  request->cursor = g_strdup (cursor);

  return request;
}

static void
set_fields (CompaniesChange *change,
            va_list          args)
{
  const char *name;

  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      CompaniesField field;

      g_assert_true (companies_field_from_name (name, &field));
      change->field_mask |= COMPANIES_FIELD_BIT (field);
      g_free (change->values[field]);
      change->values[field] = g_strdup (value);
    }
}

CompaniesChange *
test_request_add (CompaniesSyncRequest *request,
                  const char           *uuid,
                  ...)
{
  CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_ADD);
  va_list args;

  change->uuid = uuid != NULL ? g_strdup (uuid) : g_uuid_string_random ();
  va_start (args, uuid);
  set_fields (change, args);
  va_end (args);
  g_ptr_array_add (request->added, change);

  return change;
}

CompaniesChange *
test_request_update (CompaniesSyncRequest *request,
                     gint64                id,
                     gint64                base_version,
                     ...)
{
  CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_UPDATE);
  va_list args;

  change->id = id;
  change->base_version = base_version;
  va_start (args, base_version);
  set_fields (change, args);
  va_end (args);
  g_ptr_array_add (request->updated, change);

  return change;
}

void
test_request_delete (CompaniesSyncRequest *request,
                     gint64                id)
{
  CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_DELETE);

  change->id = id;
  g_ptr_array_add (request->deleted, change);
}

CompaniesSyncResponse *
test_sync (TestServer                 *self,
           const CompaniesSyncRequest *request)
{
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = test_server_url (self, COMPANIES_SYNC_PATH);
  CompaniesSyncResponse *response;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  guint status = 0;

  reply = companies_test_http ("POST", url, "application/json", self->token,
                               data, length, &status, &error);
  g_assert_no_error (error);
  if (status != 200)
    g_error ("sync answered %u: %.*s", status,
             (int) g_bytes_get_size (reply), (const char *) g_bytes_get_data (reply, NULL));

  data = g_bytes_get_data (reply, &length);
  response = companies_sync_response_decode (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpint (response->protocol, ==, 1);

  return response;
}

guint
test_post_raw (TestServer  *self,
               const char  *content_type,
               const char  *token,
               const char  *body,
               gssize       length,
               char       **out_code,
               char       **out_path)
{
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = test_server_url (self, COMPANIES_SYNC_PATH);
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  guint status = 0;

  reply = companies_test_http ("POST", url, content_type, token, body, length,
                               &status, &error);
  g_assert_no_error (error);

  if (status < 200 || status >= 300)
    {
      gsize size = 0;
      const char *data = g_bytes_get_data (reply, &size);

      g_assert_true (companies_error_body_decode (data, size, &code, &message, &path));
      g_assert_nonnull (code);
      g_assert_nonnull (message);
      g_assert_cmpstr (message, !=, "");
    }

  if (out_code != NULL)
    *out_code = g_steal_pointer (&code);
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);

  return status;
}

gint64
test_cursor_version (const char *cursor)
{
  g_auto(GStrv) parts = NULL;

  g_assert_nonnull (cursor);
  parts = g_strsplit (cursor, ".", -1);
  g_assert_cmpuint (g_strv_length (parts), >=, 2);

  return g_ascii_strtoll (parts[1], NULL, 10);
}

GPtrArray *
test_snapshot (TestServer *self)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_record_free);
  g_autofree char *cursor = NULL;

  /* Bounded: at most 100 pages. */
  for (guint page = 0; page < 100; page++)
    {
      g_autoptr(CompaniesSyncRequest) request = test_request_new (cursor);
      g_autoptr(CompaniesSyncResponse) response = NULL;

      request->limit = COMPANIES_MAX_LIMIT;
      response = test_sync (self, request);
      g_assert_true (response->reset);

      for (guint i = 0; i < response->companies->len; i++)
        g_ptr_array_add (records, g_steal_pointer (&response->companies->pdata[i]));
      g_ptr_array_set_size (response->companies, 0);

      for (guint i = 0; i < response->deleted->len; i++)
        {
          CompaniesRecord *deleted = g_ptr_array_index (response->deleted, i);

          for (guint j = 0; j < records->len; j++)
            if (((CompaniesRecord *) g_ptr_array_index (records, j))->id == deleted->id)
              g_ptr_array_remove_index (records, j--);
        }

      g_free (cursor);
      cursor = g_strdup (response->cursor);
      if (!response->has_more)
        return records;
    }

  g_assert_not_reached ();
}

gint64
test_last_version (TestServer *self)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  request->limit = COMPANIES_MAX_LIMIT;
  response = test_sync (self, request);
  g_assert_false (response->has_more);

  return test_cursor_version (response->cursor);
}

CompaniesRecord *
test_find_company (GPtrArray *records,
                   gint64     id)
{
  for (guint i = 0; i < records->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (records, i);

      if (record->id == id)
        return record;
    }

  return NULL;
}

CompaniesRecord *
test_find_company_by_uuid (GPtrArray  *records,
                           const char *uuid)
{
  for (guint i = 0; i < records->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (records, i);

      if (g_strcmp0 (record->uuid, uuid) == 0)
        return record;
    }

  return NULL;
}

void
test_assert_same_records (GPtrArray *expected,
                          GPtrArray *actual)
{
  g_assert_cmpuint (actual->len, ==, expected->len);

  for (guint i = 0; i < expected->len; i++)
    {
      CompaniesRecord *want = g_ptr_array_index (expected, i);
      CompaniesRecord *got = test_find_company (actual, want->id);

      g_assert_nonnull (got);
      g_assert_cmpstr (got->uuid, ==, want->uuid);
      g_assert_cmpint (got->version, ==, want->version);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_assert_cmpstr (got->values[f], ==, want->values[f]);
    }
}

CompaniesRejected *
test_find_rejected (CompaniesSyncResponse *response,
                    const char            *uuid,
                    gint64                 id)
{
  for (guint i = 0; i < response->rejected->len; i++)
    {
      CompaniesRejected *rejected = g_ptr_array_index (response->rejected, i);

      if ((uuid != NULL && g_strcmp0 (rejected->uuid, uuid) == 0) ||
          (uuid == NULL && rejected->id == id))
        return rejected;
    }

  return NULL;
}

int
test_run_server_to_exit (const char * const  *args,
                         char               **out_stdout,
                         char               **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *binary = g_getenv ("COMPANIES_SERVER");
  gboolean exited;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (gpointer) binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  exited = companies_test_process_communicate (process, NULL, EXIT_WAIT_SECONDS * 1000,
                                               &out_bytes, &err_bytes);
  out = companies_test_bytes_dup_string (out_bytes);
  err = companies_test_bytes_dup_string (err_bytes);
  if (!exited)
    g_error ("companies-server kept running: %s", out);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_true (g_utf8_validate (err, -1, NULL));
  g_assert_true (g_subprocess_get_if_exited (process));

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);

  return g_subprocess_get_exit_status (process);
}

static sqlite3 *
open_database (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

gint64
test_database_query_int (const char *path,
                         const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_database (path);
  gint64 value = 0;

  companies_server_sqlite_query_int (db, sql, &value, &error);
  g_assert_no_error (error);
  sqlite3_close (db);

  return value;
}

void
test_database_assert_intact (const char *path)
{
  sqlite3 *db = open_database (path);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

void
test_tokens_fixture_set_up (TestTokensFixture *fixture,
                            gconstpointer      data)
{
  fixture->dir = companies_test_make_tmpdir ();
  fixture->tokens = g_build_filename (fixture->dir, "tokens", NULL);
  fixture->db = g_build_filename (fixture->dir, "server.db", NULL);
}

void
test_tokens_fixture_tear_down (TestTokensFixture *fixture,
                               gconstpointer      data)
{
  companies_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->tokens);
  g_free (fixture->db);
}

char *
test_add_token (const char          *tokens,
                const char * const  *extra_args,
                int                 *out_status,
                char               **out_stderr)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  int status;

  g_ptr_array_add (args, (gpointer) "add-token");
  g_ptr_array_add (args, (gpointer) "--tokens");
  g_ptr_array_add (args, (gpointer) tokens);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra_args[i]);
  g_ptr_array_add (args, NULL);

  status = test_run_server_to_exit ((const char * const *) args->pdata, &out, out_stderr);
  if (out_status != NULL)
    *out_status = status;
  else
    g_assert_cmpint (status, ==, 0);
  if (status != 0)
    {
      g_assert_cmpstr (out, ==, "");
      return NULL;
    }

  g_assert_true (g_str_has_suffix (out, "\n"));
  out[strlen (out) - 1] = '\0';
  return g_steal_pointer (&out);
}
