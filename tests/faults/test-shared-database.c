/* test-shared-database.c: the app (an in-process CompaniesLocalStore doing
 * ForSync writes, and its sync client) and companies-cli (real processes)
 * write one local database at once. Every write either succeeds or fails
 * with COMPANIES_STORE_ERROR_BUSY and a message fit for a person (never
 * SQLite's "database is locked"), and nothing acknowledged is lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "faults-util.h"

/* The app writes and syncs for as long as companies-cli runs, within
 * these bounds. */
#define MIN_APP_WRITES 30
#define MAX_APP_WRITES 600
#define N_CLI_WRITES   16
#define MAX_APP_SYNCS  60

/* SQLite's own wording must never reach a person. */
static void
assert_readable_busy_text (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);

  g_assert_nonnull (strstr (lower, "busy"));
  g_assert_null (strstr (lower, "locked"));
  g_assert_null (strstr (lower, "sqlite"));
}

static void
assert_busy_error (const GError *error)
{
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_BUSY);
  assert_readable_busy_text (error->message);
}

/* --- Several writers at once. --- */

typedef struct
{
  const char *path;
  const char *url;
  GMutex      lock;
  GPtrArray  *cli_acked;     /* uuids companies-cli printed */
  guint       cli_refused;   /* clear refusals (busy) */
  gint        app_done;      /* atomic: the app stopped writing */
  gint        cli_done;      /* atomic: companies-cli is done */
  guint       syncs_ok;
  guint       syncs_busy;
} Shared;

static gpointer
cli_writer_thread (gpointer data)
{
  Shared *shared = data;

  for (guint i = 0; i < N_CLI_WRITES; i++)
    {
      g_autofree char *name = g_strdup_printf ("cli-%u", i);
      const char *add_args[] = { "--database", shared->path, "add", "--name", name,
                                 "--city", "Porto", NULL };
      const char *sync_args[] = { "--database", shared->path, "--server", shared->url,
                                  "sync", NULL };
      g_autoptr(FaultsCliRun) run = faults_cli_run (add_args, NULL, 30000);

      g_assert_true (run->exited);
      if (run->status == 0)
        {
          g_autofree char *uuid = g_strstrip (g_strdup (run->out));

          g_assert_true (g_uuid_string_is_valid (uuid));
          g_mutex_lock (&shared->lock);
          g_ptr_array_add (shared->cli_acked, g_steal_pointer (&uuid));
          g_mutex_unlock (&shared->lock);
        }
      else
        {
          g_assert_cmpint (run->status, ==, 1);
          assert_readable_busy_text (run->err);
          g_mutex_lock (&shared->lock);
          shared->cli_refused++;
          g_mutex_unlock (&shared->lock);
        }

      /* Now and then a CLI sync too: it waits for the app's sync lock. */
      if (i % 5 == 4)
        {
          g_autoptr(FaultsCliRun) sync = faults_cli_run (sync_args, NULL, 30000);

          g_assert_true (sync->exited);
          if (sync->status != 0)
            {
              /* exit status 7: the local database (busy) */
              g_assert_cmpint (sync->status, ==, 7);
              assert_readable_busy_text (sync->err);
            }
        }
    }

  g_atomic_int_set (&shared->cli_done, 1);
  return NULL;
}

static gpointer
app_sync_thread (gpointer data)
{
  Shared *shared = data;
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (shared->path, shared->url, NULL);

  for (guint i = 0;
       i < MAX_APP_SYNCS &&
       !(g_atomic_int_get (&shared->app_done) && g_atomic_int_get (&shared->cli_done));
       i++)
    {
      g_autoptr(CompaniesSyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = companies_sync_client_sync (client, NULL, &error);
      if (result != NULL)
        shared->syncs_ok++;
      else
        {
          g_assert_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE);
          assert_readable_busy_text (error->message);
          shared->syncs_busy++;
        }
    }

  return NULL;
}

static void
test_concurrent_writers (E2eWorld      *world,
                         gconstpointer  data)
{
  g_autofree char *path = e2e_world_path (world, "shared.db");
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) app_acked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) app_phones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  GThread *cli_thread;
  GThread *sync_thread;
  Shared shared = { 0, };
  guint app_refused = 0;
  GHashTableIter iter;
  gpointer key, value;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);

  shared.path = path;
  shared.url = e2e_world_url (world);
  g_mutex_init (&shared.lock);
  shared.cli_acked = g_ptr_array_new_with_free_func (g_free);

  cli_thread = g_thread_new ("cli-writer", cli_writer_thread, &shared);
  sync_thread = g_thread_new ("app-sync", app_sync_thread, &shared);

  for (guint i = 0;
       i < MAX_APP_WRITES && (i < MIN_APP_WRITES || !g_atomic_int_get (&shared.cli_done));
       i++)
    {
      g_autoptr(CompaniesCompany) company = NULL;

      if (i % 3 == 2 && app_acked->len > 0)
        {
          /* Edit one of the app's earlier records. */
          const char *uuid = g_ptr_array_index (app_acked, (i * 7) % app_acked->len);
          g_autofree char *phone = g_strdup_printf ("+351 %u", i);
          const char *values[COMPANIES_N_FIELDS] = { NULL, };

          values[COMPANIES_FIELD_PHONE] = phone;
          company = companies_local_store_update_for_sync (store, uuid,
                                                           COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                           values, &error);
          if (company != NULL)
            g_hash_table_replace (app_phones, g_strdup (uuid), g_strdup (phone));
        }
      else
        {
          g_autofree char *name = g_strdup_printf ("app-%u", i);
          const char *values[COMPANIES_N_FIELDS] = { name, NULL, "Lisboa", };

          company = companies_local_store_create_for_sync (store, values, &error);
          if (company != NULL)
            g_ptr_array_add (app_acked, g_strdup (companies_company_get_uuid (company)));
        }

      if (company == NULL)
        {
          assert_busy_error (error);
          g_clear_error (&error);
          app_refused++;
        }
    }
  g_atomic_int_set (&shared.app_done, 1);

  g_thread_join (cli_thread);
  g_thread_join (sync_thread);

  g_test_message ("app: %u written, %u refused; cli: %u written, %u refused; "
                  "syncs: %u done, %u busy",
                  app_acked->len, app_refused, shared.cli_acked->len, shared.cli_refused,
                  shared.syncs_ok, shared.syncs_busy);
  /* The busy timeout covers such short writes: nearly all succeed. */
  g_assert_cmpuint (app_acked->len + shared.cli_acked->len, >, 0);
  g_assert_cmpuint (shared.syncs_ok, >, 0);

  /* Everything acknowledged is in the file, with its last value. */
  for (guint i = 0; i < app_acked->len; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_lookup (store, g_ptr_array_index (app_acked, i));

      g_assert_nonnull (company);
    }
  for (guint i = 0; i < shared.cli_acked->len; i++)
    {
      g_autoptr(CompaniesCompany) company = e2e_lookup (store, g_ptr_array_index (shared.cli_acked, i));

      g_assert_nonnull (company);
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_CITY), ==, "Porto");
    }
  g_hash_table_iter_init (&iter, app_phones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(CompaniesCompany) company = e2e_lookup (store, key);

      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_PHONE), ==, value);
    }

  /* And after one more sync, on the server, once each. */
  client = companies_sync_client_new (path, e2e_world_url (world), NULL);
  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, app_acked->len + shared.cli_acked->len);
  for (guint i = 0; i < app_acked->len; i++)
    g_assert_true (g_hash_table_contains (server, g_ptr_array_index (app_acked, i)));
  for (guint i = 0; i < shared.cli_acked->len; i++)
    g_assert_true (g_hash_table_contains (server, g_ptr_array_index (shared.cli_acked, i)));
  g_hash_table_iter_init (&iter, app_phones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CompaniesRecord *record = g_hash_table_lookup (server, key);

      g_assert_cmpstr (record->values[COMPANIES_FIELD_PHONE], ==, value);
    }
  e2e_assert_store_equals (store, server);
  faults_assert_integrity (path);

  g_ptr_array_unref (shared.cli_acked);
  g_mutex_clear (&shared.lock);
}

/* --- A writer that holds the database too long. --- */

typedef struct
{
  const char          *path;
  const char          *url;
  CompaniesSyncResult *result;
  GError              *error;
} SyncCall;

static gpointer
blocking_sync_thread (gpointer data)
{
  SyncCall *call = data;
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (call->path, call->url, NULL);

  call->result = companies_sync_client_sync (client, NULL, &call->error);
  return NULL;
}

static void
test_held_write_lock (E2eWorld      *world,
                      gconstpointer  data)
{
  g_autofree char *path = e2e_world_path (world, "held.db");
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesCompany) pending = NULL;
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli_add = NULL;
  g_autoptr(GSubprocess) cli_sync = NULL;
  g_autoptr(FaultsCliRun) add_run = NULL;
  g_autoptr(FaultsCliRun) sync_run = NULL;
  g_autoptr(FaultsCliRun) list_run = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *values[COMPANIES_N_FIELDS] = { "refused", };
  const char *add_args[] = { "--database", path, "add", "--name", "cli-refused", NULL };
  const char *sync_args[] = { "--database", path, "--server", e2e_world_url (world), "sync", NULL };
  const char *list_args[] = { "--database", path, "list", "--json", NULL };
  SyncCall call = { path, e2e_world_url (world), NULL, NULL };
  GThread *thread;
  sqlite3 *holder = NULL;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  pending = e2e_add (store, "pending", "Braga", "");
  before = faults_store_picture (store);

  /* Another program takes the write lock and keeps it. */
  g_assert_cmpint (sqlite3_open (path, &holder), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  /* Meanwhile: companies-cli adds, companies-cli syncs, the app syncs
   * and the app writes; each waits the busy timeout, then gives up. */
  cli_add = faults_cli_spawn (add_args, NULL);
  cli_sync = faults_cli_spawn (sync_args, NULL);
  thread = g_thread_new ("app-sync", blocking_sync_thread, &call);

  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_null (company);
  assert_busy_error (error);
  g_clear_error (&error);

  /* Readers are not blocked by a writer. */
  list_run = faults_cli_run (list_args, NULL, 30000);
  g_assert_cmpint (list_run->status, ==, 0);
  g_assert_nonnull (strstr (list_run->out, "\"pending\""));

  add_run = faults_cli_wait (cli_add, 30000);
  g_assert_true (add_run->exited);
  g_assert_cmpint (add_run->status, ==, 1);
  assert_readable_busy_text (add_run->err);

  sync_run = faults_cli_wait (cli_sync, 40000);
  g_assert_true (sync_run->exited);
  g_assert_cmpint (sync_run->status, ==, 7);
  assert_readable_busy_text (sync_run->err);

  g_thread_join (thread);
  g_assert_null (call.result);
  g_assert_error (call.error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_STORAGE);
  assert_readable_busy_text (call.error->message);
  g_clear_error (&call.error);

  /* Nothing changed: the pending record is still pending. */
  after = faults_store_picture (store);
  g_assert_cmpstr (after, ==, before);

  g_assert_cmpint (sqlite3_exec (holder, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (holder);

  /* Once the lock is free, writes and the sync go through; the server
   * (which applied the refused syncs' pushes) holds the record once. */
  g_clear_object (&company);
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);
  g_clear_pointer (&sync_run, faults_cli_run_free);
  sync_run = faults_cli_run_ok (sync_args, NULL);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, 2);
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (pending)));
  g_assert_true (g_hash_table_contains (server, companies_company_get_uuid (company)));
  e2e_assert_store_equals (store, server);
  faults_assert_integrity (path);
}

/* --- A sync in progress holds its lock: writes go on meanwhile. --- */

static void
test_writes_during_sync_lock (E2eWorld      *world,
                              gconstpointer  data)
{
  g_autofree char *path = e2e_world_path (world, "locked-sync.db");
  g_autofree char *lock_path = g_strconcat (path, ".sync-lock", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli_sync = NULL;
  g_autoptr(FaultsCliRun) sync_run = NULL;
  g_autoptr(GPtrArray) acked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) server = NULL;
  const char *sync_args[] = { "--database", path, "--server", e2e_world_url (world), "sync", NULL };
  int lock_fd;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);

  /* Hold the sync lock as a running sync does. */
  lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (lock_fd, >=, 0);
  g_assert_cmpint (flock (lock_fd, LOCK_EX | LOCK_NB), ==, 0);

  cli_sync = faults_cli_spawn (sync_args, NULL);

  /* Writes from the app and from companies-cli go through meanwhile. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("during-%u", i);

      if (i % 2 == 0)
        {
          g_autoptr(CompaniesCompany) company = e2e_add (store, name, "Faro", "");

          g_ptr_array_add (acked, g_strdup (companies_company_get_uuid (company)));
        }
      else
        {
          const char *args[] = { "--database", path, "add", "--name", name, NULL };
          g_autoptr(FaultsCliRun) run = faults_cli_run_ok (args, NULL);

          g_ptr_array_add (acked, g_strstrip (g_strdup (run->out)));
        }
    }

  /* The CLI sync is still waiting for the lock. */
  g_assert_nonnull (g_subprocess_get_identifier (cli_sync));

  flock (lock_fd, LOCK_UN);
  close (lock_fd);

  sync_run = faults_cli_wait (cli_sync, 30000);
  if (!sync_run->exited || sync_run->status != 0)
    g_error ("the waiting sync failed: %s", sync_run->err);

  /* Whatever the waiting sync pushed, one more sync sends the rest. */
  g_clear_pointer (&sync_run, faults_cli_run_free);
  sync_run = faults_cli_run_ok (sync_args, NULL);

  server = e2e_server_records (e2e_world_url (world), NULL);
  g_assert_cmpuint (g_hash_table_size (server), ==, acked->len);
  for (guint i = 0; i < acked->len; i++)
    g_assert_true (g_hash_table_contains (server, g_ptr_array_index (acked, i)));
  e2e_assert_store_equals (store, server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/faults/shared/concurrent-writers", E2eWorld, NULL,
              e2e_world_setup, test_concurrent_writers, e2e_world_teardown);
  g_test_add ("/faults/shared/held-write-lock", E2eWorld, NULL,
              e2e_world_setup, test_held_write_lock, e2e_world_teardown);
  g_test_add ("/faults/shared/writes-during-sync-lock", E2eWorld, NULL,
              e2e_world_setup, test_writes_during_sync_lock, e2e_world_teardown);

  return g_test_run ();
}
