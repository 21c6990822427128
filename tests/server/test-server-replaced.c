/* test-server-replaced.c: the bounds of the server's `replaced` entries
 * (docs/notices.md, "Bounds"), in-process on a real store (SQLite, or
 * PostgreSQL in the suite server-pg): at most COMPANIES_MAX_REPLACED a
 * client, the oldest dropped first; answered by version window; dropped
 * when acknowledged; aged out with history.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "server-test-util.h"

#define NOW    ((gint64) 1700000000)
#define DAY    ((gint64) 24 * 60 * 60)
#define CLIENT "0c1d0000-0000-4000-8000-00000000000a"
#define OTHER  "0c1d0000-0000-4000-8000-00000000000b"

typedef TestStoreFixture Fixture;

/* @n entries for @client, of current versions @first … @first + n - 1,
 * written at @at, in one transaction. */
static void
add_entries (Fixture    *fixture,
             const char *client,
             gint64      first,
             guint       n,
             gint64      at)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CompaniesReplaced) entry = companies_replaced_new ();
      g_autofree char *lost = g_strdup_printf ("lost %" G_GINT64_FORMAT, first + i);
      g_autofree char *current = g_strdup_printf ("current %" G_GINT64_FORMAT, first + i);

      entry->id = 7;
      entry->uuid = g_strdup ("9f0e0000-0000-4000-8000-000000000007");
      entry->field = COMPANIES_FIELD_PHONE;
      entry->lost = g_steal_pointer (&lost);
      entry->lost_version = first + i - 1;
      entry->current = g_steal_pointer (&current);
      entry->current_version = first + i;
      entry->by = g_strdup ("Bob's phone");
      entry->at = at;
      g_assert_true (companies_server_store_add_replaced (fixture->store, client, entry, &error));
    }
  g_assert_true (companies_server_store_commit (fixture->store, &error));
  g_assert_no_error (error);
}

static GPtrArray *
take (Fixture    *fixture,
      const char *client,
      gint64      acked,
      gint64      after,
      gint64      up_to)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_replaced_free);
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  g_assert_true (companies_server_store_take_replaced (fixture->store, client, acked, after, up_to,
                                                       entries, &error));
  g_assert_true (companies_server_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&entries);
}

/* Takes as take () and checks that the answer is the @n entries of
 * versions @first, @first + 1, …; returns them. */
static GPtrArray *
assert_take (Fixture    *fixture,
             const char *client,
             gint64      acked,
             gint64      after,
             gint64      up_to,
             guint       n,
             gint64      first)
{
  GPtrArray *entries = take (fixture, client, acked, after, up_to);

  g_assert_cmpuint (entries->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (((CompaniesReplaced *) g_ptr_array_index (entries, i))->current_version, ==,
                     first + i);
  return entries;
}

/* The newest COMPANIES_MAX_REPLACED a client, whole and in order; other
 * clients keep theirs. */
static void
test_count_bound (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  CompaniesReplaced *first;

  add_entries (fixture, OTHER, 1, 3, NOW);
  add_entries (fixture, CLIENT, 1, COMPANIES_MAX_REPLACED + 5, NOW);

  mine = assert_take (fixture, CLIENT, 0, 0, 1000, COMPANIES_MAX_REPLACED, 6);
  first = g_ptr_array_index (mine, 0);
  g_assert_cmpstr (first->uuid, ==, "9f0e0000-0000-4000-8000-000000000007");
  g_assert_cmpint (first->id, ==, 7);
  g_assert_cmpint (first->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (first->lost, ==, "lost 6");
  g_assert_cmpint (first->lost_version, ==, 5);
  g_assert_cmpstr (first->current, ==, "current 6");
  g_assert_cmpstr (first->by, ==, "Bob's phone");
  g_assert_cmpint (first->at, ==, NOW);

  theirs = assert_take (fixture, OTHER, 0, 0, 1000, 3, 1);
}

/* A window answers (after, up_to]; an acknowledgement drops what it
 * covers, for that client only. */
static void
test_window_and_ack (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) window = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(GPtrArray) theirs = NULL;

  add_entries (fixture, CLIENT, 1, 30, NOW);
  add_entries (fixture, OTHER, 1, 30, NOW);

  window = assert_take (fixture, CLIENT, 0, 10, 20, 10, 11);
  g_clear_pointer (&window, g_ptr_array_unref);

  /* Nothing when the window is empty; the acknowledgement still counts. */
  window = assert_take (fixture, CLIENT, 20, 20, 20, 0, 0);

  rest = assert_take (fixture, CLIENT, 0, 0, 1000, 10, 21);
  theirs = assert_take (fixture, OTHER, 0, 0, 1000, 30, 1);
}

/* Entries older than the history's age bound go with it. */
static void
test_age_bound (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GError) error = NULL;

  companies_server_store_set_history_bounds (fixture->store, 30, COMPANIES_SERVER_HISTORY_ENTRIES);
  add_entries (fixture, CLIENT, 1, 4, NOW - 31 * DAY);
  add_entries (fixture, CLIENT, 5, 2, NOW - 29 * DAY);

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  g_assert_true (companies_server_store_prune_history (fixture->store, NOW, &error));
  g_assert_true (companies_server_store_commit (fixture->store, &error));
  g_assert_no_error (error);

  kept = assert_take (fixture, CLIENT, 0, 0, 1000, 2, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/replaced/count-bound", Fixture, NULL,
              test_store_fixture_set_up, test_count_bound, test_store_fixture_tear_down);
  g_test_add ("/server/replaced/window-and-ack", Fixture, NULL,
              test_store_fixture_set_up, test_window_and_ack, test_store_fixture_tear_down);
  g_test_add ("/server/replaced/age-bound", Fixture, NULL,
              test_store_fixture_set_up, test_age_bound, test_store_fixture_tear_down);

  return g_test_run ();
}
