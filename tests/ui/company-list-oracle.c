/* company-list-oracle.c: the oracle of the list model's tests (see
 * company-list-oracle.h): every company read, filtered and sorted here,
 * without the store's sort keys or its search.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company-list"

#include "config.h"

#include <string.h>

#include "companies-fold.h"

#include "company-list-oracle.h"

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
int
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

gboolean
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
void
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
void
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


void
counted_read_cb (CompaniesCompanyList       *list,
                 const CompaniesStoreStatus *status,
                 const GError               *error,
                 guint                      *n_reads)
{
  g_assert_no_error ((GError *) error);
  if (status != NULL)
    (*n_reads)++;
}

void
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
