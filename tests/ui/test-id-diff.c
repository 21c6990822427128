/* test-id-diff.c: the splices between two lists of ids (what the
 * companies list announces after a read) rebuild the new list from the
 * old when replayed in order, whatever was removed, added or moved, and
 * stay within the number asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-id-diff"

#include "config.h"

#include "companies-id-diff.h"
#include "companies-local-store-view.h"

static GArray *
ids_of (const CompaniesListId *ids,
        guint         n)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));

  g_array_append_vals (array, ids, n);
  return array;
}

/* The splices rebuild the new list from the old, whatever moved. */
static void
test_id_diff (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 500; round++)
    {
      guint n = g_rand_int_range (rand, 0, 60);
      g_autoptr(GArray) old_ids = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
      g_autoptr(GArray) new_ids = NULL;
      g_autoptr(GArray) splices = NULL;
      g_autoptr(GArray) rebuilt = NULL;
      CompaniesListId next = 1000;

      for (guint i = 0; i < n; i++)
        {
          CompaniesListId id = i + 1;

          g_array_append_val (old_ids, id);
        }
      new_ids = ids_of ((const CompaniesListId *) (gpointer) old_ids->data, old_ids->len);

      /* Removals, additions, moves. */
      for (guint k = g_rand_int_range (rand, 0, 8); k > 0; k--)
        {
          guint what = g_rand_int_range (rand, 0, 3);

          if (what == 0 && new_ids->len > 0)
            g_array_remove_index (new_ids, g_rand_int_range (rand, 0, new_ids->len));
          else if (what == 1)
            {
              next++;
              g_array_insert_val (new_ids, g_rand_int_range (rand, 0, new_ids->len + 1), next);
            }
          else if (new_ids->len > 1)
            {
              CompaniesListId id = g_array_index (new_ids, CompaniesListId, g_rand_int_range (rand, 0, new_ids->len));
              guint at;

              for (at = 0; g_array_index (new_ids, CompaniesListId, at) != id; at++);
              g_array_remove_index (new_ids, at);
              g_array_insert_val (new_ids, g_rand_int_range (rand, 0, new_ids->len + 1), id);
            }
        }

      splices = companies_id_diff (old_ids, new_ids, 4, round % 2 == 0 ? 1000 : 10);
      g_assert_cmpuint (splices->len, <=, 4);

      /* Apply them in order, as a view replays items-changed. */
      rebuilt = ids_of ((const CompaniesListId *) (gpointer) old_ids->data, old_ids->len);
      for (guint i = 0; i < splices->len; i++)
        {
          const CompaniesIdSplice *splice = &g_array_index (splices, CompaniesIdSplice, i);

          g_array_remove_range (rebuilt, splice->new_start, splice->old_end - splice->old_start);
          g_array_insert_vals (rebuilt, splice->new_start,
                               &g_array_index (new_ids, CompaniesListId, splice->new_start),
                               splice->new_end - splice->new_start);
        }
      g_assert_cmpuint (rebuilt->len, ==, new_ids->len);
      g_assert_cmpmem (rebuilt->data, rebuilt->len * sizeof (CompaniesListId),
                       new_ids->data, new_ids->len * sizeof (CompaniesListId));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/id-diff/replay", test_id_diff);

  return g_test_run ();
}
