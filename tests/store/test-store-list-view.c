/* test-store-list-view.c: the reads of the app's list, answered by the
 * database without GTK: natural order ("Companhia 2" before "Companhia
 * 10") with empty values last both ways, by every column and by the sync
 * state; the search folds accents and case like the list's and never
 * matches across two fields; the rows in view read by id; the sort keys
 * follow every write; a file of schema version 2 gets them when opened;
 * a read's head is the start of what it ends with, by every sort, with
 * and without a search; every order walks an index (covering, for the columns and the
 * search), never a sort; and a read without a search can keep the
 * order and what shows in one array.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-list-view"

#include "config.h"

#include <string.h>

#include "companies-fold.h"
#include "companies-local-store-view.h"

#include "store-test-util.h"

static CompaniesCompany *
create (CompaniesLocalStore *store,
        const char          *name,
        const char          *city)
{
  g_autoptr(TestValues) values = test_values (name, COMPANIES_FIELD_CITY, city, -1);
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company = companies_local_store_create_for_sync (store, values, &error);

  g_assert_no_error (error);
  return company;
}

/* The names (or cities) of the listed rows, in the order read, joined
 * by "|". */
static char *
read_names (CompaniesLocalStore *store,
            int                  field,
            gboolean             descending,
            const char          *search,
            CompaniesField       shown)
{
  CompaniesListSort sort = { field, descending };
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autoptr(GArray) visible = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autofree char *folded = companies_fold (search);
  g_autofree CompaniesCompany **companies = NULL;
  g_autofree gint64 *ids = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_read_list (store, &sort, folded, order, visible, NULL, &error));
  g_assert_no_error (error);

  companies = g_new0 (CompaniesCompany *, visible->len + 1);
  ids = g_new0 (gint64, visible->len + 1);
  for (guint i = 0; i < visible->len; i++)
    ids[i] = g_array_index (visible, CompaniesListId, i);
  g_assert_true (companies_local_store_read_listed (store, ids, visible->len, companies, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < visible->len; i++)
    {
      g_assert_nonnull (companies[i]);
      g_assert_cmpint (companies_list_company_get_local_id (companies[i]), ==,
                       g_array_index (visible, CompaniesListId, i));
      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "",
                              companies_company_get_field (companies[i], shown));
      g_object_unref (companies[i]);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
add_rows (CompaniesLocalStore *store)
{
  static const char * const rows[][2] = {
    { "Companhia 10", "Porto" },
    { "companhia 2", "" },
    { "Companhia 1", "São Paulo" },
    { "Éclair", "Łódź" },
    { "eclair 02", "Braga 10" },
    { "Zeta", "" },
    { "alpha", "Braga 9" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_object_unref (create (store, rows[i][0], rows[i][1]));
}

static void
test_natural_order (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autofree char *by_name = NULL;
  g_autofree char *by_name_down = NULL;
  g_autofree char *by_city = NULL;
  g_autofree char *by_city_down = NULL;

  add_rows (fixture->store);

  by_name = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, NULL, COMPANIES_FIELD_NAME);
  g_assert_cmpstr (by_name, ==, "alpha|Companhia 1|companhia 2|Companhia 10|Éclair|eclair 02|Zeta");
  by_name_down = read_names (fixture->store, COMPANIES_FIELD_NAME, TRUE, NULL, COMPANIES_FIELD_NAME);
  g_assert_cmpstr (by_name_down, ==, "Zeta|eclair 02|Éclair|Companhia 10|companhia 2|Companhia 1|alpha");

  /* Empty values last, whichever way; equal keys (both empty) in the
   * order they were stored. */
  by_city = read_names (fixture->store, COMPANIES_FIELD_CITY, FALSE, NULL, COMPANIES_FIELD_CITY);
  g_assert_cmpstr (by_city, ==, "Braga 9|Braga 10|Łódź|Porto|São Paulo||");
  by_city_down = read_names (fixture->store, COMPANIES_FIELD_CITY, TRUE, NULL, COMPANIES_FIELD_NAME);
  g_assert_cmpstr (by_city_down, ==, "Companhia 1|Companhia 10|Éclair|eclair 02|alpha|companhia 2|Zeta");
}

static void
test_search (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autofree char *sao = NULL;
  g_autofree char *lodz = NULL;
  g_autofree char *across = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *wildcard = NULL;
  g_autofree char *all = NULL;

  add_rows (fixture->store);

  sao = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "SAO", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (sao, ==, "Companhia 1");
  lodz = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "lodz", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (lodz, ==, "Éclair");
  /* "eclair" + "Braga" never match as one text. */
  across = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "02braga", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (across, ==, "");
  /* The search's wildcards are text like any other. */
  wildcard = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "a%", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (wildcard, ==, "");
  g_object_unref (create (fixture->store, "100% Bio_Logic", ""));
  g_clear_pointer (&wildcard, g_free);
  wildcard = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "0% bio_", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (wildcard, ==, "100% Bio_Logic");
  digits = read_names (fixture->store, COMPANIES_FIELD_NAME, TRUE, "1", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (digits, ==, "eclair 02|Companhia 10|Companhia 1|100% Bio_Logic");
  all = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "", COMPANIES_FIELD_NAME);
  g_assert_cmpuint (strlen (all), >, 0);
}

typedef struct
{
  guint   calls;
  GArray *order;
  GArray *visible;
} Head;

static void
head_read (GArray   *order,
           GArray   *visible,
           gpointer  user_data)
{
  Head *head = user_data;

  head->calls++;
  head->order = g_array_copy (order);
  head->visible = g_array_copy (visible);
}

static gboolean
has_id (GArray          *ids,
                        CompaniesListId  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, CompaniesListId, i) == id)
      return TRUE;

  return FALSE;
}

/* Whether @prefix is the start of @ids. */
static gboolean
starts_with (GArray *ids,
             GArray *prefix)
{
  return prefix->len <= ids->len &&
         memcmp (ids->data, prefix->data, prefix->len * sizeof (CompaniesListId)) == 0;
}

/* Reads with a head of @head_size rows; checks it against the whole and
 * returns its length (0: none sent). */
static guint
check_head (CompaniesLocalStore *store,
            int                  field,
            gboolean             descending,
            const char          *search,
            GArray              *order,
            guint                head_size)
{
  CompaniesListSort sort = { field, descending };
  g_autoptr(GArray) visible = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autofree char *folded = search != NULL ? companies_fold (search) : NULL;
  g_autoptr(GError) error = NULL;
  Head head = { 0 };
  guint n;

  g_assert_true (companies_local_store_read_list_with_head (store, &sort, folded, order, visible, head_size,
                                                            head_read, &head, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (head.calls, <=, 1);
  if (head.calls == 0)
    return 0;

  /* The first rows of the whole, as many as asked for when there are. */
  g_assert_true (starts_with (visible, head.visible));
  g_assert_cmpuint (head.visible->len, ==, MIN (head_size, visible->len));
  /* The order it came with is the start of the whole order. */
  g_assert_true (starts_with (order, head.order));
  g_assert_cmpuint (head.order->len, >=, head.visible->len);
  n = head.visible->len;
  g_array_unref (head.order);
  g_array_unref (head.visible);
  return n;
}

/* The head a read sends ahead of the whole is its start: the order's
 * first rows (the descending order's two walks included), or a search's
 * first matches; none for a search that matches nothing. */
static void
test_head (StoreFixture  *fixture,
           gconstpointer  data)
{
  static const int fields[] = {
    COMPANIES_FIELD_NAME, COMPANIES_FIELD_CITY, COMPANIES_LIST_SORT_BY_STATE,
  };

  add_rows (fixture->store);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Firma %u", i);

      g_object_unref (create (fixture->store, name, i % 3 == 0 ? "" : "Braga"));
    }

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));

        /* An order read: its head; then searches over it. */
        g_assert_cmpuint (check_head (fixture->store, fields[f], descending, NULL, order, 45), ==, 45);
        g_assert_cmpuint (order->len, ==, 47);
        g_assert_cmpuint (check_head (fixture->store, fields[f], descending, "firma 1", order, 5), ==, 5);
        g_assert_cmpuint (check_head (fixture->store, fields[f], descending, "companhia", order, 5), ==, 3);
        g_assert_cmpuint (check_head (fixture->store, fields[f], descending, "nowhere", order, 5), ==, 0);
        /* No search over an order read before: nothing to send ahead. */
        g_assert_cmpuint (check_head (fixture->store, fields[f], descending, NULL, order, 5), ==, 0);
      }
}

/* Every write path keeps the keys: an update moves the row, a delete
 * takes it out. */
static void
test_writes_keep_keys (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) zeta = NULL;
  g_autoptr(CompaniesCompany) updated = NULL;
  g_autoptr(TestValues) values = test_values ("Aardvark 3", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *found = NULL;

  add_rows (fixture->store);
  zeta = create (fixture->store, "Zulu", "Évora");
  before = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "evora", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (before, ==, "Zulu");

  updated = companies_local_store_update_for_sync (fixture->store, companies_company_get_uuid (zeta),
                                                   COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME), values, &error);
  g_assert_no_error (error);
  after = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, NULL, COMPANIES_FIELD_NAME);
  g_assert_true (g_str_has_prefix (after, "Aardvark 3|alpha|"));

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, companies_company_get_uuid (zeta), &error));
  found = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "aardvark", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (found, ==, "");
}

/* A file made before the keys existed gets them when opened. */
static void
test_migrates_v2 (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autofree char *names = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  add_rows (fixture->store);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  db = test_raw_open (fixture->path);
  test_raw_exec (db, TEST_DOWNGRADE_TO_V2_SQL);
  sqlite3_close (db);

  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);
  names = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, NULL, COMPANIES_FIELD_NAME);
  g_assert_cmpstr (names, ==, "alpha|Companhia 1|companhia 2|Companhia 10|Éclair|eclair 02|Zeta");
  g_clear_pointer (&names, g_free);
  names = read_names (fixture->store, COMPANIES_FIELD_NAME, FALSE, "sao", COMPANIES_FIELD_NAME);
  g_assert_cmpstr (names, ==, "Companhia 1");
}

/* Each order is a walk of an index: SQLite's plan has no sort. */
static void
test_orders_use_indexes (StoreFixture  *fixture,
                         gconstpointer  data)
{
  static const struct {
    const char *sql;
    const char *plan;
  } queries[] = {
    { "SELECT local_id FROM companies WHERE is_active = 1 ORDER BY name_key",
      "COVERING INDEX companies_name_key_idx" },
    { "SELECT local_id FROM companies WHERE is_active = 1 AND phone_key < x'ff' ORDER BY phone_key DESC",
      "COVERING INDEX companies_phone_key_idx" },
    { "SELECT local_id FROM companies WHERE is_active = 1 AND city_key >= x'ff' ORDER BY city_key",
      "COVERING INDEX companies_city_key_idx" },
    { "SELECT local_id FROM companies WHERE is_active = 1 ORDER BY " COMPANIES_STATE_RANK_SQL ", name_key",
      "INDEX companies_state_key_idx" },
    { "SELECT local_id FROM companies WHERE is_active = 1 ORDER BY " COMPANIES_STATE_RANK_SQL
      " DESC, name_key DESC", "INDEX companies_state_key_idx" },
    { "SELECT local_id FROM companies INDEXED BY companies_search_idx"
      " WHERE is_active = 1 AND search_text LIKE '%a%' ESCAPE '\\'", "COVERING INDEX companies_search_idx" },
  };
  sqlite3 *db = test_raw_open (fixture->path);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *explain = g_strdup_printf ("EXPLAIN QUERY PLAN %s", queries[i].sql);
      g_autoptr(GString) plan = g_string_new (NULL);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      g_test_message ("%s", plan->str);

      g_assert_nonnull (strstr (plan->str, queries[i].plan));
      g_assert_null (strstr (plan->str, "TEMP B-TREE"));
    }

  sqlite3_close (db);
}

/* Without a search, what shows may be the order itself: read into one
 * array, it is the order, once. The list's reader keeps a small cache. */
static void
test_one_array (StoreFixture  *fixture,
                gconstpointer  data)
{
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autoptr(GArray) visible = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autoptr(GArray) both = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autoptr(GError) error = NULL;

  add_rows (fixture->store);
  g_assert_true (companies_local_store_read_list (fixture->store, &sort, NULL, order, visible, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (companies_local_store_read_list (fixture->store, &sort, "", both, both, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (both->len, ==, 7);
  g_assert_cmpmem (both->data, both->len * sizeof (CompaniesListId), visible->data, visible->len * sizeof (CompaniesListId));
  /* Read again with that order: nothing added. */
  g_assert_true (companies_local_store_read_list (fixture->store, &sort, NULL, both, both, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (both->len, ==, 7);

}

/* The list keeps local ids in 4 bytes: one that does not fit fails the
 * read with an error, never a wrong row. */
static void
test_ids_out_of_range (StoreFixture  *fixture,
                       gconstpointer  data)
{
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autoptr(GArray) visible = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  add_rows (fixture->store);
  db = test_raw_open (fixture->path);
  test_raw_exec (db, "UPDATE companies SET local_id = 4294967295 WHERE local_id = (SELECT max(local_id) FROM companies)");
  g_assert_true (companies_local_store_read_list (fixture->store, &sort, "a", order, visible, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (order->len, ==, 7);
  g_assert_true (has_id (order, G_MAXUINT32));

  test_raw_exec (db, "UPDATE companies SET local_id = 4294967296 WHERE local_id = 4294967295");
  sqlite3_close (db);
  g_array_set_size (order, 0);
  g_array_set_size (visible, 0);
  g_assert_false (companies_local_store_read_list (fixture->store, &sort, NULL, order, visible, NULL, &error));
  g_assert_error (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store-list-view/natural-order", test_natural_order);
  store_test_add ("/store-list-view/search", test_search);
  store_test_add ("/store-list-view/head", test_head);
  store_test_add ("/store-list-view/writes-keep-keys", test_writes_keep_keys);
  store_test_add ("/store-list-view/migrates-v2", test_migrates_v2);
  store_test_add ("/store-list-view/orders-use-indexes", test_orders_use_indexes);
  store_test_add ("/store-list-view/one-array", test_one_array);
  store_test_add ("/store-list-view/ids-out-of-range", test_ids_out_of_range);

  return g_test_run ();
}
