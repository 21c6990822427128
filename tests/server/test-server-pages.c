/* test-server-pages.c: pages, cursors and resets of companies-server, and
 * its data across restarts: pagination in version order, the snapshot of a
 * null, foreign or stale cursor, updates sent with a cursor of another
 * database, tombstone expiry, a SIGKILL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <glib/gstdio.h>

#include "server-test-util.h"

/* Adds @n companies named "<prefix> <i>" in one request; returns them. */
static GPtrArray *
add_many (TestServer *server,
          const char *prefix,
          guint       n)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  GPtrArray *added = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_record_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", prefix, i);

      test_request_add (request, NULL, "name", name, NULL);
    }

  request->limit = COMPANIES_MAX_LIMIT;
  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  for (guint i = 0; i < n; i++)
    {
      CompaniesChange *change = g_ptr_array_index (request->added, i);
      CompaniesRecord *record = test_find_company_by_uuid (response->companies, change->uuid);
      guint index;

      g_assert_true (g_ptr_array_find (response->companies, record, &index));
      g_ptr_array_add (added, g_ptr_array_steal_index (response->companies, index));
    }

  return added;
}

static CompaniesSyncResponse *
sync_empty (TestServer *server,
            const char *cursor,
            guint       limit)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (cursor);

  request->limit = limit;
  return test_sync (server, request);
}

static void
assert_version_order (GPtrArray *records,
                      gint64    *last_version)
{
  for (guint i = 0; i < records->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (records, i);

      g_assert_cmpint (record->version, >, *last_version);
      *last_version = record->version;
    }
}

typedef struct
{
  TestServer            *server;
  CompaniesSyncResponse *response;
  gint                   done;  /* atomic */
} Pull;

static gpointer
pull_thread (gpointer data)
{
  Pull *pull = data;

  pull->response = sync_empty (pull->server, NULL, 10);
  g_atomic_int_set (&pull->done, 1);

  return NULL;
}

static void
wait_for_file (const char *path)
{
  for (guint i = 0; i < 1000 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (10 * 1000);  /* polling a file, with a deadline */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A pull is served by the reader thread from a snapshot of its own: while
 * one is held in the middle (the test hook COMPANIES_SERVER_TEST_HOLD_PULLS),
 * a sync with a change is applied and answered, and the held pull then
 * completes with its page. */
static void
test_pull_does_not_hold_up_writes (void)
{
  g_autofree char *folder = g_dir_make_tmp ("companies-hold-XXXXXX", NULL);
  g_autofree char *hold = g_build_filename (folder, "hold", NULL);
  g_autofree char *reached = g_strconcat (hold, ".reached", NULL);
  g_autofree char *release = g_strconcat (hold, ".release", NULL);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesRecord *first;
  Pull pull = { 0, };
  GThread *thread;
  TestServer *server;

  g_setenv ("COMPANIES_SERVER_TEST_HOLD_PULLS", hold, TRUE);
  server = test_server_start (FALSE, NULL);
  g_unsetenv ("COMPANIES_SERVER_TEST_HOLD_PULLS");

  added = add_many (server, "Held", 30);
  first = g_ptr_array_index (added, 0);

  pull.server = server;
  thread = g_thread_new ("pull", pull_thread, &pull);
  wait_for_file (reached);

  /* the pull is held; a write goes through meanwhile */
  request = test_request_new (NULL);
  test_request_update (request, first->id, first->version, "phone", "+351 22 000 0000", NULL);
  request->limit = 1;
  response = test_sync (server, request);
  g_assert_nonnull (test_find_company (response->companies, first->id));
  g_assert_cmpint (g_atomic_int_get (&pull.done), ==, 0);

  g_assert_true (g_file_set_contents (release, "", 0, NULL));
  g_thread_join (thread);
  g_assert_cmpint (g_atomic_int_get (&pull.done), ==, 1);
  g_assert_true (pull.response->reset);
  g_assert_true (pull.response->has_more);
  g_assert_cmpuint (pull.response->companies->len, ==, 10);

  companies_sync_response_free (pull.response);
  test_server_free (server);
  g_remove (reached);
  g_remove (release);
  g_rmdir (folder);
}

static void
test_pagination (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) added = add_many (server, "Paged", 120);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_sync_response_free);
  g_autoptr(CompaniesSyncResponse) caught_up = NULL;
  g_autoptr(CompaniesSyncRequest) changes = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) changed = NULL;
  g_autoptr(CompaniesSyncResponse) incremental = NULL;
  g_autofree char *cursor = NULL;
  gint64 last_version = 0;
  CompaniesSyncResponse *page;
  CompaniesRecord *a, *b, *c;

  for (guint i = 0; i < 10; i++)
    {
      page = sync_empty (server, cursor, 50);
      g_ptr_array_add (pages, page);

      /* every page of a snapshot says reset */
      g_assert_true (page->reset);
      g_assert_cmpuint (page->deleted->len, ==, 0);
      assert_version_order (page->companies, &last_version);
      for (guint j = 0; j < page->companies->len; j++)
        {
          CompaniesRecord *record = g_ptr_array_index (page->companies, j);

          g_assert_false (g_hash_table_contains (seen, &record->id));
          g_hash_table_add (seen, &record->id);
        }

      g_free (cursor);
      cursor = g_strdup (page->cursor);
      if (!page->has_more)
        break;
      g_assert_true (g_str_has_suffix (page->cursor, ".s"));
    }

  g_assert_cmpuint (pages->len, ==, 3);
  g_assert_cmpuint (((CompaniesSyncResponse *) pages->pdata[0])->companies->len, ==, 50);
  g_assert_cmpuint (((CompaniesSyncResponse *) pages->pdata[1])->companies->len, ==, 50);
  g_assert_cmpuint (((CompaniesSyncResponse *) pages->pdata[2])->companies->len, ==, 20);
  g_assert_false (g_str_has_suffix (cursor, ".s"));
  g_assert_cmpuint (g_hash_table_size (seen), ==, 120);
  for (guint i = 0; i < added->len; i++)
    g_assert_true (g_hash_table_contains (seen, &((CompaniesRecord *) added->pdata[i])->id));

  /* caught up: nothing more, no reset */
  caught_up = sync_empty (server, cursor, 50);
  g_assert_false (caught_up->reset);
  g_assert_false (caught_up->has_more);
  g_assert_cmpuint (caught_up->companies->len, ==, 0);
  g_assert_cmpuint (caught_up->deleted->len, ==, 0);

  /* then only what changed, in version order */
  a = added->pdata[7];
  b = added->pdata[70];
  c = added->pdata[33];
  test_request_update (changes, b->id, b->version, "city", "Changed first", NULL);
  test_request_update (changes, a->id, a->version, "city", "Changed second", NULL);
  test_request_delete (changes, c->id);
  changed = test_sync (server, changes);

  incremental = sync_empty (server, cursor, 50);
  g_assert_false (incremental->reset);
  g_assert_false (incremental->has_more);
  g_assert_cmpuint (incremental->companies->len, ==, 2);
  g_assert_cmpint (((CompaniesRecord *) incremental->companies->pdata[0])->id, ==, b->id);
  g_assert_cmpint (((CompaniesRecord *) incremental->companies->pdata[1])->id, ==, a->id);
  g_assert_cmpuint (incremental->deleted->len, ==, 1);
  g_assert_cmpint (((CompaniesRecord *) incremental->deleted->pdata[0])->id, ==, c->id);
  g_assert_cmpint (((CompaniesRecord *) incremental->deleted->pdata[0])->version, >,
                   ((CompaniesRecord *) incremental->companies->pdata[1])->version);

  test_server_free (server);
}

/* A record seen on the first page of a snapshot and deleted before the
 * next page arrives as a tombstone; the limit counts only the page. */
static void
test_snapshot_sees_later_deletes (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) added = add_many (server, "Snap", 30);
  g_autoptr(CompaniesSyncResponse) first = sync_empty (server, NULL, 10);
  g_autoptr(CompaniesSyncRequest) delete = test_request_new (first->cursor);
  g_autoptr(CompaniesSyncResponse) deleted = NULL;
  g_autofree char *cursor = NULL;
  CompaniesRecord *victim = first->companies->pdata[3];
  gboolean tombstone_seen = FALSE;
  guint n_companies = 0;

  g_assert_true (first->reset);
  g_assert_true (first->has_more);
  g_assert_cmpuint (first->companies->len, ==, 10);

  /* the delete, sent with the snapshot's cursor, is echoed beyond the limit */
  test_request_delete (delete, victim->id);
  delete->limit = 5;
  deleted = test_sync (server, delete);
  g_assert_true (deleted->reset);
  g_assert_true (deleted->has_more);
  g_assert_cmpuint (deleted->companies->len, ==, 5);
  g_assert_nonnull (test_find_company (deleted->deleted, victim->id));

  cursor = g_strdup (first->cursor);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(CompaniesSyncResponse) page = sync_empty (server, cursor, 10);

      g_assert_true (page->reset);
      n_companies += page->companies->len;
      if (test_find_company (page->deleted, victim->id) != NULL)
        tombstone_seen = TRUE;
      g_free (cursor);
      cursor = g_strdup (page->cursor);
      if (!page->has_more)
        break;
    }

  g_assert_true (tombstone_seen);
  g_assert_cmpuint (n_companies, ==, 20);

  test_server_free (server);
}

static void
test_reset_for_cursor_from_the_future (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) added = add_many (server, "Future", 3);
  g_autoptr(CompaniesSyncResponse) now = sync_empty (server, NULL, 100);
  g_autoptr(CompaniesSyncResponse) future = NULL;
  g_autofree char *cursor = NULL;
  g_auto(GStrv) parts = g_strsplit (now->cursor, ".", -1);

  cursor = g_strdup_printf ("%s.%" G_GINT64_FORMAT, parts[0], test_cursor_version (now->cursor) + 1000);
  future = sync_empty (server, cursor, 100);
  g_assert_true (future->reset);
  g_assert_cmpuint (future->companies->len, ==, 3);

  test_server_free (server);
}

/* The server database is replaced: cursors of the old one reset, and ids
 * sent with them are not applied to the new records with the same ids. */
static void
test_foreign_cursor (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) old = add_many (server, "Old", 3);
  g_autoptr(CompaniesSyncResponse) old_state = sync_empty (server, NULL, 100);
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(CompaniesSyncRequest) stale = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) all = NULL;
  CompaniesRecord *old_a = old->pdata[0];
  CompaniesRecord *old_b = old->pdata[1];
  CompaniesRecord *record;
  CompaniesRejected *rejected;

  test_server_replace_database (server);
  fresh = add_many (server, "Fresh", 3);

  /* the same ids exist again, naming other companies */
  g_assert_nonnull (test_find_company (fresh, old_a->id));
  g_assert_nonnull (test_find_company (fresh, old_b->id));

  stale = test_request_new (old_state->cursor);
  test_request_update (stale, old_a->id, old_a->version, "city", "Must not land", NULL);
  test_request_delete (stale, old_b->id);
  response = test_sync (server, stale);

  g_assert_true (response->reset);
  g_assert_cmpuint (response->rejected->len, ==, 1);
  rejected = g_ptr_array_index (response->rejected, 0);
  g_assert_cmpint (rejected->id, ==, old_a->id);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_NOT_FOUND);
  g_assert_cmpuint (response->deleted->len, ==, 0);
  g_assert_cmpuint (response->companies->len, ==, 3);

  all = test_snapshot (server);
  g_assert_cmpuint (all->len, ==, 3);
  record = test_find_company (all, old_a->id);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "");
  g_assert_true (g_str_has_prefix (record->values[COMPANIES_FIELD_NAME], "Fresh"));
  g_assert_nonnull (test_find_company (all, old_b->id));

  test_server_free (server);
}

/* Tombstones older than --tombstone-days are purged; a cursor older than
 * a purged tombstone gets a reset. */
static void
test_reset_after_tombstone_expiry (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) added = add_many (server, "Expiring", 2);
  g_autoptr(CompaniesSyncResponse) before_delete = sync_empty (server, NULL, 100);
  g_autoptr(CompaniesSyncRequest) delete = test_request_new (before_delete->cursor);
  g_autoptr(CompaniesSyncResponse) after_delete = NULL;
  g_autoptr(CompaniesSyncResponse) kept = NULL;
  g_autoptr(CompaniesSyncResponse) stale = NULL;
  g_autoptr(CompaniesSyncResponse) fresh = NULL;
  g_autoptr(CompaniesSyncRequest) late_update = NULL;
  g_autoptr(CompaniesSyncResponse) late = NULL;
  const char *zero_days[] = { "--tombstone-days", "0", NULL };
  CompaniesRecord *gone = added->pdata[0];
  CompaniesRecord *stays = added->pdata[1];
  CompaniesRejected *rejected;

  g_assert_false (before_delete->has_more);
  test_request_delete (delete, gone->id);
  after_delete = test_sync (server, delete);
  g_assert_false (after_delete->reset);

  /* within the default 90 days the tombstone is kept */
  test_server_restart (server, NULL);
  kept = sync_empty (server, before_delete->cursor, 100);
  g_assert_false (kept->reset);
  g_assert_nonnull (test_find_company (kept->deleted, gone->id));

  /* with 0 days the start purges it */
  test_server_restart (server, zero_days);
  test_server_wait_for_log (server, "Purged 1 tombstone");

  stale = sync_empty (server, before_delete->cursor, 100);
  g_assert_true (stale->reset);
  g_assert_cmpuint (stale->deleted->len, ==, 0);
  g_assert_null (test_find_company (stale->companies, gone->id));
  g_assert_nonnull (test_find_company (stale->companies, stays->id));

  /* a cursor that had seen the tombstone is still good */
  fresh = sync_empty (server, after_delete->cursor, 100);
  g_assert_false (fresh->reset);
  g_assert_cmpuint (fresh->companies->len, ==, 0);

  /* nothing remembers the id any more */
  late_update = test_request_new (after_delete->cursor);
  test_request_update (late_update, gone->id, gone->version, "city", "Too late", NULL);
  late = test_sync (server, late_update);
  g_assert_cmpuint (late->rejected->len, ==, 1);
  rejected = g_ptr_array_index (late->rejected, 0);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_NOT_FOUND);

  test_server_free (server);
}

static void
test_data_survives_kill (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GPtrArray) added = add_many (server, "Durable", 20);
  g_autoptr(CompaniesSyncResponse) before = sync_empty (server, NULL, 100);
  g_autoptr(CompaniesSyncResponse) after = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) more = NULL;

  test_server_crash_restart (server);

  all = test_snapshot (server);
  g_assert_cmpuint (all->len, ==, 20);
  for (guint i = 0; i < added->len; i++)
    {
      CompaniesRecord *record = added->pdata[i];
      CompaniesRecord *found = test_find_company (all, record->id);

      g_assert_nonnull (found);
      g_assert_cmpstr (found->uuid, ==, record->uuid);
      g_assert_cmpstr (found->values[COMPANIES_FIELD_NAME], ==, record->values[COMPANIES_FIELD_NAME]);
      g_assert_cmpint (found->version, ==, record->version);
    }

  /* the same database: its cursors still hold */
  after = sync_empty (server, before->cursor, 100);
  g_assert_false (after->reset);
  g_assert_cmpuint (after->companies->len, ==, 0);

  more = add_many (server, "After the crash", 1);
  g_assert_cmpint (((CompaniesRecord *) more->pdata[0])->id, >,
                   ((CompaniesRecord *) added->pdata[19])->id);
  g_assert_cmpint (((CompaniesRecord *) more->pdata[0])->version, >,
                   test_cursor_version (before->cursor));

  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/pages/pagination", test_pagination);
  g_test_add_func ("/server/pages/snapshot-sees-later-deletes", test_snapshot_sees_later_deletes);
  g_test_add_func ("/server/pages/reset-for-cursor-from-the-future", test_reset_for_cursor_from_the_future);
  g_test_add_func ("/server/pages/foreign-cursor", test_foreign_cursor);
  g_test_add_func ("/server/pages/reset-after-tombstone-expiry", test_reset_after_tombstone_expiry);
  g_test_add_func ("/server/pages/data-survives-kill", test_data_survives_kill);
  g_test_add_func ("/server/pages/pull-does-not-hold-up-writes", test_pull_does_not_hold_up_writes);

  return g_test_run ();
}
