/* test-sync-client.c: the sync client against a real companies-server on
 * a random loopback port: the wiring of push, pull and apply; sync_async
 * with coalescing and cancellation; the cross-process lock; the error
 * codes a UI acts on. (The deep end-to-end scenarios are in tests/e2e.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "companies-sync-client.h"
#include "store-test-util.h"

#define WAIT_USEC (30 * G_USEC_PER_SEC)

typedef struct
{
  char                *dir;
  char                *server_db;
  char                *path;        /* client A's store */
  char                *path_b;      /* client B's store */
  CompaniesTestServer *server;
  CompaniesLocalStore *store;
} SyncFixture;

static void
sync_fixture_set_up (SyncFixture   *fixture,
                     gconstpointer  data)
{
  const char * const *extra_args = data;
  g_autoptr(GError) error = NULL;

  fixture->dir = companies_test_make_tmpdir ();
  fixture->server_db = g_build_filename (fixture->dir, "server.db", NULL);
  fixture->path = g_build_filename (fixture->dir, "a", "companies.db", NULL);
  fixture->path_b = g_build_filename (fixture->dir, "b", "companies.db", NULL);
  fixture->server = companies_test_server_start (fixture->server_db, extra_args, &error);
  g_assert_no_error (error);
  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
sync_fixture_tear_down (SyncFixture   *fixture,
                        gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  companies_test_server_free (fixture->server);
  companies_test_remove_tree (fixture->dir);
  g_free (fixture->server_db);
  g_free (fixture->path);
  g_free (fixture->path_b);
  g_free (fixture->dir);
}

static CompaniesSyncResult *
sync_now (const char *path,
          const char *url,
          const char *token)
{
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (path, url, token);
  g_autoptr(GError) error = NULL;
  CompaniesSyncResult *result;

  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static GPtrArray *
list_all (CompaniesLocalStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = companies_local_store_list (store, TRUE, &error);

  g_assert_no_error (error);
  return all;
}

/* Iterates the default main context until *@flag, within a deadline. */
static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (const gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_USEC;
  guint wake = g_timeout_add (50, wake_cb, NULL);

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

static void
test_push_and_pull (SyncFixture   *fixture,
                    gconstpointer  data)
{
  const char *url = companies_test_server_get_url (fixture->server);
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "Alpha");
  g_autoptr(CompaniesCompany) b = test_create (fixture->store, "Beta");
  g_autoptr(CompaniesCompany) c = test_create (fixture->store, "Gamma");
  g_autoptr(CompaniesSyncResult) first = NULL;
  g_autoptr(CompaniesSyncResult) pulled = NULL;
  g_autoptr(CompaniesSyncResult) back = NULL;
  g_autoptr(CompaniesLocalStore) store_b = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) all_b = NULL;
  g_autoptr(CompaniesCompany) edited = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status = { 0, };
  const char *values[COMPANIES_N_FIELDS] = { NULL, };

  first = sync_now (fixture->path, url, NULL);
  g_assert_cmpuint (first->sent, ==, 3);
  g_assert_cmpuint (first->received, >=, 3);
  g_assert_cmpuint (first->requests, >=, 1);
  g_assert_true (first->reset);

  all = list_all (fixture->store);
  g_assert_cmpuint (all->len, ==, 3);
  for (guint i = 0; i < all->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (all, i);

      g_assert_true (companies_company_get_is_from_server (company));
      g_assert_false (companies_company_get_is_modified (company));
      g_assert_cmpint (companies_company_get_id (company), >, 0);
      g_assert_cmpint (companies_company_get_version (company), >, 0);
    }
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.pending_added + status.pending_updated + status.pending_deleted, ==, 0);
  g_assert_true (status.has_cursor);
  g_assert_cmpint (status.last_sync_time, >, 0);

  /* A second client pulls them, edits one and deletes one. */
  pulled = sync_now (fixture->path_b, url, NULL);
  g_assert_cmpuint (pulled->sent, ==, 0);
  g_assert_cmpuint (pulled->received, ==, 3);
  store_b = companies_local_store_open (fixture->path_b, &error);
  g_assert_no_error (error);
  all_b = list_all (store_b);
  g_assert_cmpuint (all_b->len, ==, 3);
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (all_b, 0)), ==, "Alpha");

  values[COMPANIES_FIELD_CITY] = "Porto";
  edited = companies_local_store_update_for_sync (store_b, companies_company_get_uuid (a),
                                                  COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                                  values, &error);
  g_assert_no_error (error);
  g_assert_true (companies_local_store_delete_for_sync (store_b, companies_company_get_uuid (c), &error));
  g_clear_pointer (&pulled, companies_sync_result_free);
  pulled = sync_now (fixture->path_b, url, NULL);
  g_assert_cmpuint (pulled->sent, ==, 2);
  g_clear_pointer (&all_b, g_ptr_array_unref);
  all_b = list_all (store_b);
  g_assert_cmpuint (all_b->len, ==, 2);

  /* And the first client sees both. */
  back = sync_now (fixture->path, url, NULL);
  g_assert_false (back->reset);
  g_clear_pointer (&all, g_ptr_array_unref);
  all = list_all (fixture->store);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (companies_company_get_field (g_ptr_array_index (all, 0), COMPANIES_FIELD_CITY), ==, "Porto");
  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (all, 1)), ==, "Beta");
}

static void
test_batches (SyncFixture   *fixture,
              gconstpointer  data)
{
  const char *url = companies_test_server_get_url (fixture->server);
  g_autoptr(CompaniesSyncResult) pushed = NULL;
  g_autoptr(CompaniesSyncResult) pulled = NULL;
  g_autoptr(CompaniesLocalStore) store_b = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesStoreStatus status = { 0, };

  /* Batches of 1000 (the real ones hold 10000), so that 2500 make three. */
  g_setenv ("COMPANIES_TEST_PUSH_BATCH", "1000", TRUE);
  for (guint i = 0; i < 2500; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %04u", i);

      g_object_unref (test_create (fixture->store, name));
    }

  pushed = sync_now (fixture->path, url, NULL);
  g_assert_cmpuint (pushed->sent, ==, 2500);
  g_assert_cmpuint (pushed->requests, >=, 3);
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.pending_added, ==, 0);
  g_assert_cmpuint (status.active, ==, 2500);

  pulled = sync_now (fixture->path_b, url, NULL);
  g_assert_cmpuint (pulled->received, ==, 2500);
  store_b = companies_local_store_open (fixture->path_b, &error);
  g_assert_no_error (error);
  g_assert_true (companies_local_store_get_status (store_b, &status, &error));
  g_assert_cmpuint (status.active, ==, 2500);
  g_unsetenv ("COMPANIES_TEST_PUSH_BATCH");
}

typedef struct
{
  gboolean             done;
  CompaniesSyncResult *result;
  GError              *error;
} Outcome;

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->result = companies_sync_client_sync_finish (COMPANIES_SYNC_CLIENT (source), result,
                                                       &outcome->error);
  outcome->done = TRUE;
}

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->result, companies_sync_result_free);
  g_clear_error (&outcome->error);
}

static void
is_syncing_changed_cb (GObject    *object,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  GString *log = user_data;

  g_string_append_c (log, companies_sync_client_get_is_syncing (COMPANIES_SYNC_CLIENT (object)) ? 'T' : 'F');
}

static void
progress_cb (CompaniesSyncClient *client,
             guint                sent,
             guint                received,
             gpointer             user_data)
{
  guint *calls = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*calls)++;
}

static void
test_async_coalesces (SyncFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(CompaniesSyncClient) client =
    companies_sync_client_new (fixture->path, companies_test_server_get_url (fixture->server), NULL);
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  g_autoptr(GString) log = g_string_new (NULL);
  Outcome outcomes[3] = { { FALSE, }, };
  guint progress_calls = 0;

  g_signal_connect (client, "notify::is-syncing", G_CALLBACK (is_syncing_changed_cb), log);
  g_signal_connect (client, "progress", G_CALLBACK (progress_cb), &progress_calls);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    companies_sync_client_sync_async (client, NULL, sync_done_cb, &outcomes[i]);
  g_assert_true (companies_sync_client_get_is_syncing (client));

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    wait_for (&outcomes[i].done);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      g_assert_no_error (outcomes[i].error);
      g_assert_nonnull (outcomes[i].result);
    }
  /* The first run pushed the record; the two asked meanwhile shared one
   * more run, which had nothing to push. */
  g_assert_cmpuint (outcomes[0].result->sent, ==, 1);
  g_assert_cmpuint (outcomes[1].result->sent, ==, 0);
  g_assert_cmpuint (outcomes[2].result->sent, ==, 0);
  g_assert_cmpuint (outcomes[1].result->requests, ==, 1);

  g_assert_false (companies_sync_client_get_is_syncing (client));
  g_assert_cmpstr (log->str, ==, "TF");
  g_assert_cmpuint (progress_calls, >=, 2);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    outcome_clear (&outcomes[i]);
}

static void
test_async_cancel (SyncFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(CompaniesSyncClient) client =
    companies_sync_client_new (fixture->path, companies_test_server_get_url (fixture->server), NULL);
  g_autoptr(GCancellable) queued_cancel = g_cancellable_new ();
  g_autoptr(GCancellable) early_cancel = g_cancellable_new ();
  Outcome running = { FALSE, }, queued = { FALSE, }, early = { FALSE, };

  g_cancellable_cancel (early_cancel);
  companies_sync_client_sync_async (client, early_cancel, sync_done_cb, &early);
  wait_for (&early.done);
  g_assert_error (early.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  companies_sync_client_sync_async (client, NULL, sync_done_cb, &running);
  companies_sync_client_sync_async (client, queued_cancel, sync_done_cb, &queued);
  g_cancellable_cancel (queued_cancel);

  wait_for (&queued.done);
  g_assert_error (queued.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  wait_for (&running.done);
  g_assert_no_error (running.error);
  g_assert_cmpuint (running.result->requests, ==, 1);
  g_assert_false (companies_sync_client_get_is_syncing (client));

  outcome_clear (&running);
  outcome_clear (&queued);
  outcome_clear (&early);
}

static gboolean
release_lock_cb (gpointer user_data)
{
  int *fd = user_data;

  close (*fd);
  *fd = -1;
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  Outcome    outcome;
  const int *fd;
  gboolean   lock_was_held;
} LockOutcome;

static void
locked_sync_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  LockOutcome *lock_outcome = user_data;

  lock_outcome->lock_was_held = *lock_outcome->fd >= 0;
  sync_done_cb (source, result, &lock_outcome->outcome);
}

static void
test_cross_process_lock (SyncFixture   *fixture,
                         gconstpointer  data)
{
  g_autoptr(CompaniesSyncClient) client =
    companies_sync_client_new (fixture->path, companies_test_server_get_url (fixture->server), NULL);
  g_autofree char *lock_path = g_strconcat (fixture->path, ".sync-lock", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  LockOutcome cancelled = { { FALSE, }, }, waited = { { FALSE, }, };
  CompaniesStoreStatus status = { 0, };
  g_autoptr(GError) error = NULL;
  int fd;

  /* Another process (here: this test, through its own open file) syncs. */
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);
  cancelled.fd = &fd;
  waited.fd = &fd;

  /* A sync waiting for the lock honours its cancellable... */
  companies_sync_client_sync_async (client, cancellable, locked_sync_done_cb, &cancelled);
  g_timeout_add (200, cancel_cb, cancellable);
  wait_for (&cancelled.outcome.done);
  g_assert_error (cancelled.outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (cancelled.lock_was_held);
  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.pending_added, ==, 1);

  /* ...and runs once the holder lets go, not before. (The cancelled run
   * may still be winding down: the new request is then coalesced.) */
  companies_sync_client_sync_async (client, NULL, locked_sync_done_cb, &waited);
  g_timeout_add (300, release_lock_cb, &fd);
  wait_for (&waited.outcome.done);
  g_assert_false (waited.lock_was_held);
  g_assert_no_error (waited.outcome.error);
  g_assert_cmpuint (waited.outcome.result->sent, ==, 1);

  outcome_clear (&cancelled.outcome);
  outcome_clear (&waited.outcome);
}

static void
assert_sync_error (const char *path,
                   const char *url,
                   const char *token,
                   int         code,
                   const char *in_message)
{
  g_autoptr(CompaniesSyncClient) client = companies_sync_client_new (path, url, token);
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COMPANIES_SYNC_ERROR, code);
  if (in_message != NULL)
    g_assert_nonnull (strstr (error->message, in_message));
  if (token != NULL)
    g_assert_null (strstr (error->message, token));
}

static void
test_errors (SyncFixture   *fixture,
             gconstpointer  data)
{
  const char *url = companies_test_server_get_url (fixture->server);
  g_autofree char *prefixed = g_strconcat (url, "/elsewhere", NULL);
  g_autofree char *not_db = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  before = test_raw_dump (fixture->path);

  /* Nothing listens on the discard port in the test machine. */
  assert_sync_error (fixture->path, "http://127.0.0.1:9", NULL,
                     COMPANIES_SYNC_ERROR_NETWORK, "http://127.0.0.1:9");
  assert_sync_error (fixture->path, "not a server", NULL, COMPANIES_SYNC_ERROR_NETWORK, NULL);
  assert_sync_error (fixture->path, "ftp://127.0.0.1/", NULL, COMPANIES_SYNC_ERROR_NETWORK, NULL);
  assert_sync_error (fixture->path, prefixed, NULL, COMPANIES_SYNC_ERROR_PROTOCOL, NULL);

  after = test_raw_dump (fixture->path);
  g_assert_cmpstr (before, ==, after);

  g_assert_true (g_file_set_contents (not_db, "This is not a database, only a text file that is "
                                      "long enough for SQLite to read its header.\n", -1, NULL));
  assert_sync_error (not_db, url, NULL, COMPANIES_SYNC_ERROR_STORAGE, "not a Companies database");
}

static void
test_unreadable_cursor (SyncFixture   *fixture,
                        gconstpointer  data)
{
  const char *url = companies_test_server_get_url (fixture->server);
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesSyncResult) first = NULL;
  g_autoptr(CompaniesSyncResult) again = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  first = sync_now (fixture->path, url, NULL);
  g_object_unref (test_create (fixture->store, "Pending"));

  /* A cursor this server cannot parse: forgotten, and a snapshot pulled. */
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "UPDATE sync_state SET value = 'not a cursor' WHERE key = 'cursor'");
  sqlite3_close (db);

  again = sync_now (fixture->path, url, NULL);
  g_assert_true (again->reset);
  g_assert_cmpuint (again->sent, ==, 1);
  g_assert_true (companies_local_store_dup_cursor (fixture->store, &cursor, &error));
  g_assert_cmpstr (cursor, !=, "not a cursor");
  all = list_all (fixture->store);
  g_assert_cmpuint (all->len, ==, 2);
  for (guint i = 0; i < all->len; i++)
    g_assert_true (companies_company_get_is_from_server (g_ptr_array_index (all, i)));
}

static const char *token_args[] = { "--tokens", NULL, NULL };

static void
test_unauthorized (SyncFixture   *fixture,
                   gconstpointer  data)
{
  const char *url = companies_test_server_get_url (fixture->server);
  g_autoptr(CompaniesCompany) company = test_create (fixture->store, "Acme");
  g_autoptr(CompaniesSyncResult) result = NULL;

  assert_sync_error (fixture->path, url, NULL, COMPANIES_SYNC_ERROR_UNAUTHORIZED, NULL);
  assert_sync_error (fixture->path, url, "wrong-token", COMPANIES_SYNC_ERROR_UNAUTHORIZED, NULL);

  result = sync_now (fixture->path, url, "s3cret-token-for-tests");
  g_assert_cmpuint (result->sent, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tokens_dir = NULL;
  g_autofree char *tokens_path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tokens_dir = companies_test_make_tmpdir ();
  tokens_path = g_build_filename (tokens_dir, "tokens", NULL);
  companies_test_write_private (tokens_path, "# test tokens\ns3cret-token-for-tests\n");
  token_args[1] = tokens_path;

#define ADD(path, args, func) \
  g_test_add (path, SyncFixture, args, sync_fixture_set_up, func, sync_fixture_tear_down)
  ADD ("/sync-client/push-and-pull", NULL, test_push_and_pull);
  ADD ("/sync-client/batches", NULL, test_batches);
  ADD ("/sync-client/async-coalesces", NULL, test_async_coalesces);
  ADD ("/sync-client/async-cancel", NULL, test_async_cancel);
  ADD ("/sync-client/cross-process-lock", NULL, test_cross_process_lock);
  ADD ("/sync-client/errors", NULL, test_errors);
  ADD ("/sync-client/unreadable-cursor", NULL, test_unreadable_cursor);
  ADD ("/sync-client/unauthorized", token_args, test_unauthorized);
#undef ADD

  status = g_test_run ();
  companies_test_remove_tree (tokens_dir);
  return status;
}
