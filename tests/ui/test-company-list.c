/* test-company-list.c: the list model that the database sorts and
 * searches. Its first read (started when it is made) comes in natural
 * name order in one signal; it reads again after writes of others but
 * not after its own, which show at once; against a brute-force oracle
 * (every company read, filtered and sorted in the test), random writes
 * of others and its own, searches and sorts leave exactly the rows that
 * match, in order, and its items-changed signals replayed give the same
 * list; a refresh after values changed in place keeps the objects and
 * announces nothing; a read that replaces the list shows its first rows
 * (the start of what it ends with) before the whole. No window needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list"

#include "config.h"

#include <string.h>

#include "companies-company-list.h"
#include "companies-fold.h"
#include "companies-local-store-view.h"
#include "companies-test-server.h"

#include "company-list-oracle.h"

typedef struct
{
  guint signals;
  guint removed;
  guint added;
} Counter;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counter    *counter)
{
  counter->signals++;
  counter->removed += removed;
  counter->added += added;
}

static void
read_finished_cb (CompaniesCompanyList       *list,
                  const CompaniesStoreStatus *status,
                  const GError               *error,
                  CompaniesStoreStatus       *out)
{
  g_assert_no_error ((GError *) error);
  if (status != NULL)
    *out = *status;
}

static void
store_changed_cb (CompaniesCompanyList *list,
                  guint                *n_changes)
{
  (*n_changes)++;
}

static CompaniesCompany *
create_company (CompaniesLocalStore *store,
                const char          *name)
{
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company;

  values[COMPANIES_FIELD_NAME] = name;
  values[COMPANIES_FIELD_CITY] = "Porto";
  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);

  return company;
}

static void
test_first_read (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesCompanyList) list = NULL;
  g_autoptr(CompaniesCompany) own = NULL;
  g_autoptr(CompaniesCompany) theirs = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Zeta", "beta", "Ångström AB", "Alpha" };
  const char *sorted[] = { "Alpha", "Ångström AB", "beta", "Zeta" };
  CompaniesStoreStatus status = { 0 };
  Counter counter = { 0 };
  GListModel *model;
  g_autofree char *uuid = NULL;
  guint n_changes = 0;
  gint64 version;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_unref (create_company (store, names[i]));

  /* The read starts with the list. */
  list = companies_company_list_new (store);
  model = companies_company_list_get_model (list);
  g_assert_false (companies_company_list_get_loaded (list));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &counter);
  g_signal_connect (list, "read-finished", G_CALLBACK (read_finished_cb), &status);
  g_signal_connect (list, "store-changed", G_CALLBACK (store_changed_cb), &n_changes);
  while (!companies_company_list_get_loaded (list))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (status.pending_added, ==, G_N_ELEMENTS (names));
  g_assert_cmpuint (counter.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (names));

  /* In name order, accents and case folded; indexed by uuid. */
  for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
    {
      g_autoptr(CompaniesCompany) company = g_list_model_get_item (model, i);

      g_assert_cmpstr (companies_company_get_name (company), ==, sorted[i]);
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_CITY), ==, "Porto");
      g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_PHONE), ==, "");
      g_assert_true (companies_company_list_lookup (list, companies_company_get_uuid (company)) == company);
    }

  /* A company read from the store takes new values like any other. */
  {
    g_autoptr(CompaniesCompany) first = g_list_model_get_item (model, 0);

    uuid = g_strdup (companies_company_get_uuid (first));
    companies_company_set_field (first, COMPANIES_FIELD_NAME, "Alpha Two");
    companies_company_set_field (first, COMPANIES_FIELD_PHONE, "+351 22 000 0000");
    g_assert_cmpstr (companies_company_get_name (first), ==, "Alpha Two");
    g_assert_cmpstr (companies_company_get_field (first, COMPANIES_FIELD_CITY), ==, "Porto");
    g_assert_cmpstr (companies_company_get_uuid (first), ==, uuid);
  }

  /* Our own write shows at once and causes no read. */
  version = companies_company_list_begin_write (list);
  own = create_company (store, "Own");
  companies_company_list_end_write (list, version, own);
  g_assert_true (companies_company_list_lookup (list, companies_company_get_uuid (own)) != NULL);
  companies_company_list_refresh_if_changed (list);
  g_assert_cmpuint (n_changes, ==, 0);

  /* A write of another process is read. */
  other = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  theirs = create_company (other, "Theirs");
  companies_company_list_refresh_if_changed (list);
  g_assert_cmpuint (n_changes, ==, 1);
  while (g_list_model_get_n_items (model) != G_N_ELEMENTS (names) + 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (companies_company_list_lookup (list, companies_company_get_uuid (theirs)));

  g_signal_handlers_disconnect_by_data (model, &counter);
  g_clear_object (&other);
  g_clear_object (&store);
  g_clear_object (&list);
  companies_test_remove_tree (folder);
}

static const char * const name_pool[] = {
  "Companhia %u", "Société Générale %u", "Łódź Kowalski", "Ørsted %u", "São Paulo Café",
  "zeta", "Alpha %02u", "ÉVORA %u",
};
static const char * const city_pool[] = { "", "Porto", "São Paulo", "Łódź", "Braga 2", "Braga 10", "évora" };
static const char * const search_pool[] = {
  "", "a", "ó", "PORTO", "1", "12", "ompanhia 1", "zz", "LODZ", "sao", "@", "351 2",
};

static void
random_values (GRand       *rand,
               const char **values,
               char       **owned)
{
  const char *name = name_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (name_pool))];

  memset (values, 0, COMPANIES_N_FIELDS * sizeof (char *));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  owned[0] = g_strdup_printf (name, (guint) g_rand_int_range (rand, 0, 130));
#pragma GCC diagnostic pop
  owned[1] = g_rand_boolean (rand) ? g_strdup_printf ("+351 %u", g_rand_int_range (rand, 0, 400)) : g_strdup ("");
  owned[2] = g_rand_boolean (rand) ? g_strdup_printf ("x%u@example.com", g_rand_int_range (rand, 0, 50)) : g_strdup ("");
  values[COMPANIES_FIELD_NAME] = owned[0];
  values[COMPANIES_FIELD_PHONE] = owned[1];
  values[COMPANIES_FIELD_EMAIL] = owned[2];
  values[COMPANIES_FIELD_CITY] = city_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (city_pool))];
  values[COMPANIES_FIELD_COUNTRY] = g_rand_boolean (rand) ? "Portugal" : "";
}

/* A random company of the file. */
static char *
random_uuid (CompaniesLocalStore *store,
             GRand               *rand)
{
  g_autoptr(GPtrArray) all = companies_local_store_list (store, FALSE, NULL);

  return g_strdup (companies_company_get_uuid (g_ptr_array_index (all, g_rand_int_range (rand, 0, all->len))));
}

static void
test_oracle (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesCompanyList) list = NULL;
  g_autoptr(GPtrArray) shadow = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint32 seed = g_test_rand_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };
  const char *search = "";
  GListModel *model;
  guint n_reads = 0;

  g_test_message ("seed %u", seed);
  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  other = companies_local_store_open (path, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GPtrArray) values_rows = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < 300; i++)
      {
        const char **values = g_new0 (const char *, COMPANIES_N_FIELDS);
        char *owned[3];

        random_values (rand, values, owned);
        /* Equal keys too: "Braga 10" and "braga 010" sort together. */
        if (i % 10 == 0)
          values[COMPANIES_FIELD_NAME] = i % 20 == 0 ? "Braga 10" : "braga 010";
        for (guint j = 0; j < G_N_ELEMENTS (owned); j++)
          g_ptr_array_add (strings, owned[j]);
        g_ptr_array_add (values_rows, values);
      }
    g_assert_true (companies_local_store_import_for_sync (other, values_rows, &error));
    g_assert_no_error (error);
  }

  list = companies_company_list_new (store);
  model = companies_company_list_get_model (list);
  g_signal_connect (model, "items-changed", G_CALLBACK (shadow_items_changed_cb), shadow);
  g_signal_connect (list, "read-finished", G_CALLBACK (counted_read_cb), &n_reads);
  wait_for_read (&n_reads);
  assert_oracle (store, model, shadow, &sort, search);

  for (guint step = 0; step < 120; step++)
    {
      const char *values[COMPANIES_N_FIELDS];
      char *owned[3] = { NULL };
      g_autofree char *uuid = NULL;
      g_autoptr(CompaniesCompany) written = NULL;
      int what = g_rand_int_range (rand, 0, 8);
      gint64 version;

      random_values (rand, values, owned);
      switch (what)
        {
        case 0: case 1:   /* another process writes a few rows */
          for (guint n = g_rand_int_range (rand, 1, 6); n > 0; n--)
            {
              g_clear_object (&written);
              g_clear_pointer (&uuid, g_free);
              uuid = random_uuid (other, rand);
              if (g_rand_int_range (rand, 0, 4) == 0)
                g_assert_true (companies_local_store_delete_for_sync (other, uuid, &error));
              else if (g_rand_boolean (rand))
                written = companies_local_store_update_for_sync (other, uuid, COMPANIES_ALL_FIELDS, values, &error);
              else
                written = companies_local_store_create_for_sync (other, values, &error);
              g_assert_no_error (error);
            }
          companies_company_list_refresh_if_changed (list);
          wait_for_read (&n_reads);
          break;

        case 2:   /* the app writes one, shown at once */
          version = companies_company_list_begin_write (list);
          if (g_rand_boolean (rand))
            written = companies_local_store_create_for_sync (store, values, &error);
          else
            {
              uuid = random_uuid (store, rand);
              written = companies_local_store_update_for_sync (store, uuid, COMPANIES_ALL_FIELDS, values, &error);
            }
          g_assert_no_error (error);
          companies_company_list_end_write (list, version, written);
          break;

        case 3:   /* the app deletes one */
          uuid = random_uuid (store, rand);
          version = companies_company_list_begin_write (list);
          g_assert_true (companies_local_store_delete_for_sync (store, uuid, &error));
          companies_company_list_remove (list, uuid);
          companies_company_list_end_write (list, version, NULL);
          /* A row no item was made for is found by reading again. */
          if (companies_company_list_is_reading (list))
            wait_for_read (&n_reads);
          break;

        case 4: case 5:   /* a search */
          {
            const char *next = search_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (search_pool))];
            g_autofree char *was = companies_fold (search);
            g_autofree char *now = companies_fold (next);

            search = next;
            companies_company_list_set_search (list, search);
            if (g_strcmp0 (was, now) != 0)
              wait_for_read (&n_reads);
          }
          break;

        case 7:   /* all at once: a write of another process, a search and
                   * a sort while the reads they cause are going on */
          uuid = random_uuid (other, rand);
          written = companies_local_store_update_for_sync (other, uuid, COMPANIES_ALL_FIELDS, values, &error);
          g_assert_no_error (error);
          companies_company_list_refresh_if_changed (list);
          search = search_pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (search_pool))];
          companies_company_list_set_search (list, search);
          sort.field = g_rand_boolean (rand) ? COMPANIES_FIELD_CITY : COMPANIES_FIELD_NAME;
          sort.descending = g_rand_boolean (rand);
          companies_company_list_set_sort (list, sort.field, sort.descending);
          /* A read that shows the counts is one that nothing followed. */
          wait_for_read (&n_reads);
          break;

        default:   /* a sort */
          {
            static const int fields[] = {
              COMPANIES_LIST_SORT_BY_STATE, COMPANIES_FIELD_NAME, COMPANIES_FIELD_CITY,
              COMPANIES_FIELD_COUNTRY, COMPANIES_FIELD_PHONE, COMPANIES_FIELD_EMAIL,
            };
            CompaniesListSort next = { fields[g_rand_int_range (rand, 0, G_N_ELEMENTS (fields))],
                                       g_rand_boolean (rand) };

            companies_company_list_set_sort (list, next.field, next.descending);
            if (next.field != sort.field || next.descending != sort.descending)
              wait_for_read (&n_reads);
            sort = next;
          }
          break;
        }

      for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
        g_free (owned[i]);
      assert_oracle (store, model, shadow, &sort, search);
    }

  g_signal_handlers_disconnect_by_data (model, shadow);
  g_clear_object (&list);
  g_clear_object (&other);
  g_clear_object (&store);
  companies_test_remove_tree (folder);
}

/* After a sync that changed values the list is not sorted by, the list
 * announces nothing: the items made stay the same objects, updated in
 * place, and the rows keep their places. */
/* A store of @n companies named "Companhia 0" to "Companhia N-1". */
static CompaniesLocalStore *
open_numbered (const char *path,
               guint       n)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GPtrArray) values_rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      const char **values = g_new0 (const char *, COMPANIES_N_FIELDS);
      char *name = g_strdup_printf ("Companhia %u", i);

      values[COMPANIES_FIELD_NAME] = name;
      g_ptr_array_add (names, name);
      g_ptr_array_add (values_rows, values);
    }
  g_assert_true (companies_local_store_import_for_sync (store, values_rows, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&store);
}

/* The names the model showed at its first items-changed. */
typedef struct
{
  guint      signals;
  GPtrArray *first;
} FirstShown;

static void
first_shown_cb (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                FirstShown *shown)
{
  if (shown->signals++ > 0)
    return;

  shown->first = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i);

      g_ptr_array_add (shown->first, g_strdup (companies_company_get_name (item)));
    }
}

/* Whether @shown->first is the start of what @model shows, and as long
 * as a head (@head_rows, or all of them). */
static void
assert_head_shown (FirstShown *shown,
                   GListModel *model,
                   guint       head_rows)
{
  g_assert_cmpuint (shown->signals, >=, 2);
  g_assert_cmpuint (shown->first->len, ==, MIN (head_rows, g_list_model_get_n_items (model)));
  for (guint i = 0; i < shown->first->len; i++)
    {
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i);

      g_assert_cmpstr (g_ptr_array_index (shown->first, i), ==, companies_company_get_name (item));
    }
  g_clear_pointer (&shown->first, g_ptr_array_unref);
  shown->signals = 0;
}

/* A read that replaces what shows (the first, a search) shows the first
 * rows of its result, then the rest; a search that replaces a search
 * still being read cancels it. The signals replayed and the oracle
 * agree with the model after each. */
static void
test_head (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = open_numbered (path, 1000);
  g_autoptr(CompaniesCompanyList) list = companies_company_list_new (store);
  g_autoptr(GPtrArray) shadow = g_ptr_array_new_with_free_func (g_object_unref);
  CompaniesListSort sort = { COMPANIES_FIELD_NAME, FALSE };
  GListModel *model = companies_company_list_get_model (list);
  FirstShown shown = { 0 };
  guint n_reads = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (shadow_items_changed_cb), shadow);
  g_signal_connect (model, "items-changed", G_CALLBACK (first_shown_cb), &shown);
  g_signal_connect (list, "read-finished", G_CALLBACK (counted_read_cb), &n_reads);
  wait_for_read (&n_reads);
  assert_oracle (store, model, shadow, &sort, "");
  assert_head_shown (&shown, model, COMPANIES_COMPANY_LIST_HEAD_ROWS);

  /* 271 of the 1000 hold a "1": the first 64 show first. */
  companies_company_list_set_search (list, "1");
  wait_for_read (&n_reads);
  assert_oracle (store, model, shadow, &sort, "1");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 271);
  assert_head_shown (&shown, model, COMPANIES_COMPANY_LIST_HEAD_ROWS);

  /* A window tells how many rows it could show: the head is that long
   * (271 of the 1000 hold a "3"), never longer than 64. */
  companies_company_list_set_head_rows (list, 10);
  companies_company_list_set_search (list, "3");
  wait_for_read (&n_reads);
  assert_oracle (store, model, shadow, &sort, "3");
  assert_head_shown (&shown, model, 10);
  companies_company_list_set_head_rows (list, 500);
  companies_company_list_set_search (list, "4");
  wait_for_read (&n_reads);
  assert_oracle (store, model, shadow, &sort, "4");
  assert_head_shown (&shown, model, COMPANIES_COMPANY_LIST_HEAD_ROWS);

  /* Typed on before the result came: only the last search shows. */
  companies_company_list_set_search (list, "");
  companies_company_list_set_search (list, "2");
  companies_company_list_set_search (list, "21");
  wait_for_read (&n_reads);
  assert_oracle (store, model, shadow, &sort, "21");

  g_signal_handlers_disconnect_by_data (model, shadow);
  g_signal_handlers_disconnect_by_data (model, &shown);
  g_clear_object (&list);
  g_clear_object (&store);
  companies_test_remove_tree (folder);
}

static void
test_refresh_in_place (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesCompanyList) list = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  Counter counter = { 0 };
  GListModel *model;
  guint n_reads = 0;

  store = open_numbered (path, 1000);
  list = companies_company_list_new (store);
  model = companies_company_list_get_model (list);
  g_signal_connect (list, "read-finished", G_CALLBACK (counted_read_cb), &n_reads);
  wait_for_read (&n_reads);

  /* Natural order: "Companhia 2" before "Companhia 10". */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Companhia %u", i);
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i);

      g_assert_cmpstr (companies_company_get_name (item), ==, name);
      if (i % 10 == 7)
        g_ptr_array_add (held, g_steal_pointer (&item));
    }

  other = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < held->len; i++)
    {
      const char *values[COMPANIES_N_FIELDS] = { NULL };
      g_autoptr(CompaniesCompany) updated = NULL;

      values[COMPANIES_FIELD_PHONE] = "+1 555 0100";
      updated = companies_local_store_update_for_sync (other, companies_company_get_uuid (g_ptr_array_index (held, i)),
                                                       COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE), values, &error);
      g_assert_no_error (error);
    }

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &counter);
  companies_company_list_refresh_if_changed (list);
  wait_for_read (&n_reads);
  g_assert_cmpuint (counter.signals, ==, 0);

  for (guint i = 0; i < held->len; i++)
    {
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i * 10 + 7);

      g_assert_true (item == g_ptr_array_index (held, i));
      g_assert_cmpstr (companies_company_get_field (item, COMPANIES_FIELD_PHONE), ==, "+1 555 0100");
    }

  g_signal_handlers_disconnect_by_data (model, &counter);
  g_clear_object (&list);
  g_clear_object (&other);
  g_clear_object (&store);
  companies_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/company-list/first-read", test_first_read);
  g_test_add_func ("/company-list/oracle", test_oracle);
  g_test_add_func ("/company-list/refresh-in-place", test_refresh_in_place);
  g_test_add_func ("/company-list/head", test_head);

  return g_test_run ();
}
