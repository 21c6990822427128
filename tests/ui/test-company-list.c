/* test-company-list.c: the list model that the database sorts and
 * searches. Its first read (started when it is made) comes in natural
 * name order in one signal; it reads again after writes of others but
 * not after its own, which show at once; against a brute-force oracle
 * (every company read, filtered and sorted in the test), random writes
 * of others and its own, searches and sorts leave exactly the rows that
 * match, in order, and its items-changed signals replayed give the same
 * list; a refresh after values changed in place keeps the objects and
 * announces nothing; a text cell follows its company. No window needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list"

#include "config.h"

#include <string.h>

#include "companies-company-list.h"
#include "companies-field-cell.h"
#include "companies-fold.h"
#include "companies-local-store-view.h"
#include "companies-test-server.h"

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

static CompaniesCompany *
make_company (guint i)
{
  CompaniesCompany *company = companies_company_new ();
  g_autofree char *uuid = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
  g_autofree char *name = g_strdup_printf ("Company %05u", i);

  companies_company_set_uuid (company, uuid);
  companies_company_set_field (company, COMPANIES_FIELD_NAME, name);

  return company;
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

static void
test_field_cell (void)
{
  g_autoptr(CompaniesCompany) company = make_company (7);
  GtkWidget *cell = g_object_ref_sink (companies_field_cell_new (COMPANIES_FIELD_NAME, 10, 32));

  companies_field_cell_bind (COMPANIES_FIELD_CELL (cell), company);
  g_assert_cmpstr (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)), ==, "Company 00007");

  /* A refresh updates the company in place: the cell follows its field,
   * and only its field. */
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Renamed");
  companies_company_set_field (company, COMPANIES_FIELD_CITY, "Braga");
  g_assert_cmpstr (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)), ==, "Renamed");

  companies_field_cell_bind (COMPANIES_FIELD_CELL (cell), NULL);
  g_assert_null (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)));
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Again");
  g_assert_null (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)));

  g_object_unref (cell);
}

/* --- The oracle: every company read, filtered and sorted here --- */

/* Natural order of two folded values, written without the store's sort
 * keys: runs of digits compare as numbers. */
static int
natural_compare (const char *a,
                 const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *end_a = a, *end_b = b;
          int result;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (end_a = a; g_ascii_isdigit (*end_a); end_a++);
          for (end_b = b; g_ascii_isdigit (*end_b); end_b++);
          if (end_a - a != end_b - b)
            return end_a - a < end_b - b ? -1 : 1;
          result = memcmp (a, b, end_a - a);
          if (result != 0)
            return result;
          a = end_a;
          b = end_b;
          continue;
        }

      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }

  return *a != '\0' ? 1 : *b != '\0' ? -1 : 0;
}

static int
attention (CompaniesCompany *company)
{
  switch (companies_company_get_sync_state (company))
    {
    case COMPANIES_SYNC_STATE_REJECTED: return 0;
    case COMPANIES_SYNC_STATE_PENDING_CHANGE: return 1;
    case COMPANIES_SYNC_STATE_PENDING_ADD: return 2;
    default: return 3;
    }
}

/* The order the list must show: < 0 when @a comes first, 0 when either
 * may. */
static int
oracle_compare (const CompaniesListSort *sort,
                CompaniesCompany        *a,
                CompaniesCompany        *b)
{
  int field = sort->field == COMPANIES_LIST_SORT_BY_STATE ? COMPANIES_FIELD_NAME : sort->field;
  g_autofree char *folded_a = companies_fold (companies_company_get_field (a, field));
  g_autofree char *folded_b = companies_fold (companies_company_get_field (b, field));
  int result;

  if (sort->field == COMPANIES_LIST_SORT_BY_STATE)
    {
      result = attention (a) - attention (b);
      if (result == 0)
        result = natural_compare (folded_a, folded_b);
      return sort->descending ? -result : result;
    }

  /* Empty values last, whichever way. */
  if (*folded_a == '\0' || *folded_b == '\0')
    return (*folded_a == '\0') - (*folded_b == '\0');

  result = natural_compare (folded_a, folded_b);
  return sort->descending ? -result : result;
}

static gboolean
oracle_matches (CompaniesCompany *company,
                const char       *search)
{
  g_autofree char *folded = companies_fold (search);

  if (*folded == '\0')
    return TRUE;

  for (guint i = 0; i < COMPANIES_N_LISTED_FIELDS; i++)
    {
      g_autofree char *value = companies_fold (companies_company_get_field (company, companies_listed_fields[i]));

      if (strstr (value, folded) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The model shows exactly the active companies of the file that match
 * @search, in @sort's order, and @shadow (kept from its signals) agrees. */
static void
assert_oracle (CompaniesLocalStore     *store,
               GListModel              *model,
               GPtrArray               *shadow,
               const CompaniesListSort *sort,
               const char              *search)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  guint n_items = g_list_model_get_n_items (model);

  all = companies_local_store_list (store, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (all, i);

      if (oracle_matches (company, search))
        g_hash_table_add (expected, (gpointer) companies_company_get_uuid (company));
    }

  g_assert_cmpuint (n_items, ==, g_hash_table_size (expected));
  g_assert_cmpuint (shadow->len, ==, n_items);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i);

      g_assert_true (g_ptr_array_index (shadow, i) == item);
      g_assert_true (g_hash_table_remove (expected, companies_company_get_uuid (item)));
      if (i > 0)
        {
          g_autoptr(CompaniesCompany) before = g_list_model_get_item (model, i - 1);

          if (oracle_compare (sort, before, item) > 0)
            g_error ("Row %u (%s) sorts after row %u (%s)", i - 1,
                     companies_company_get_name (before), i, companies_company_get_name (item));
        }
    }
}

/* A copy of a model kept only from its items-changed signals: equal to
 * the model when the signals tell the truth. */
static void
shadow_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         GPtrArray  *shadow)
{
  g_ptr_array_remove_range (shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (shadow, position + i, g_list_model_get_item (model, position + i));
}

static void
counted_read_cb (CompaniesCompanyList       *list,
                 const CompaniesStoreStatus *status,
                 const GError               *error,
                 guint                      *n_reads)
{
  g_assert_no_error ((GError *) error);
  if (status != NULL)
    (*n_reads)++;
}

static void
wait_for_read (guint *n_reads)
{
  guint before = *n_reads;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*n_reads == before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
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
static void
test_refresh_in_place (void)
{
  g_autofree char *folder = companies_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (folder, "companies.db", NULL);
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(CompaniesCompanyList) list = NULL;
  g_autoptr(GPtrArray) values_rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  Counter counter = { 0 };
  GListModel *model;
  guint n_reads = 0;

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    {
      const char **values = g_new0 (const char *, COMPANIES_N_FIELDS);
      char *name = g_strdup_printf ("Companhia %u", i);

      values[COMPANIES_FIELD_NAME] = name;
      g_ptr_array_add (names, name);
      g_ptr_array_add (values_rows, values);
    }
  g_assert_true (companies_local_store_import_for_sync (store, values_rows, &error));

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
  gtk_init ();

  g_test_add_func ("/company-list/first-read", test_first_read);
  g_test_add_func ("/company-list/oracle", test_oracle);
  g_test_add_func ("/company-list/refresh-in-place", test_refresh_in_place);
  g_test_add_func ("/company-list/field-cell", test_field_cell);

  return g_test_run ();
}
