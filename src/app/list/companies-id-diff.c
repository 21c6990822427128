/* companies-id-diff.c: the changes that turn one list of local ids into
 * another (see companies-id-diff.h).
 *
 * The common head and tail are skipped first: after a sync that changed
 * values in place, or added a few rows, that is nearly everything. In
 * what is left, a greedy walk matches the two lists; where both lists
 * hold a row the other holds further on, the row that moved the shorter
 * way is taken as the one that moved, so that one row moved from the end
 * to the start costs one splice at each place, not a splice of all the
 * rows between.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-id-diff"

#include "config.h"

#include "companies-id-diff.h"
#include "companies-local-store-view.h"

#define ID(array, i) g_array_index ((array), CompaniesListId, (i))

static GHashTable *
positions (const GArray *ids,
           guint         start,
           guint         end)
{
  GHashTable *table = g_hash_table_new (NULL, NULL);

  for (guint i = start; i < end; i++)
    g_hash_table_insert (table, GUINT_TO_POINTER (ID (ids, i)), GUINT_TO_POINTER (i + 1));

  return table;
}

static guint
position_in (GHashTable *table,
             gint64      id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, GUINT_TO_POINTER ((CompaniesListId) id)));
}

static void
add_splice (GArray *splices,
            guint   old_start,
            guint   old_end,
            guint   new_start,
            guint   new_end)
{
  CompaniesIdSplice *last = splices->len > 0
    ? &g_array_index (splices, CompaniesIdSplice, splices->len - 1) : NULL;
  CompaniesIdSplice splice = { old_start, old_end, new_start, new_end };

  if (old_start == old_end && new_start == new_end)
    return;

  if (last != NULL && last->old_end == old_start && last->new_end == new_start)
    {
      last->old_end = old_end;
      last->new_end = new_end;
      return;
    }

  g_array_append_val (splices, splice);
}

static void
collapse (GArray *splices)
{
  CompaniesIdSplice first = g_array_index (splices, CompaniesIdSplice, 0);
  CompaniesIdSplice last = g_array_index (splices, CompaniesIdSplice, splices->len - 1);

  first.old_end = last.old_end;
  first.new_end = last.new_end;
  g_array_set_size (splices, 1);
  g_array_index (splices, CompaniesIdSplice, 0) = first;
}

GArray *
companies_id_diff (const GArray *old_ids,
                   const GArray *new_ids,
                   guint         max_splices,
                   guint         max_window)
{
  GArray *splices = g_array_new (FALSE, FALSE, sizeof (CompaniesIdSplice));
  g_autoptr(GHashTable) in_old = NULL;
  g_autoptr(GHashTable) in_new = NULL;
  g_autoptr(GHashTable) moved = NULL;
  guint head = 0, old_end = old_ids->len, new_end = new_ids->len;
  guint i, j, run_i, run_j;

  while (head < old_end && head < new_end && ID (old_ids, head) == ID (new_ids, head))
    head++;
  while (old_end > head && new_end > head && ID (old_ids, old_end - 1) == ID (new_ids, new_end - 1))
    {
      old_end--;
      new_end--;
    }

  if (head == old_end && head == new_end)
    return splices;

  if (old_end - head > max_window || new_end - head > max_window)
    {
      add_splice (splices, head, old_end, head, new_end);
      return splices;
    }

  in_old = positions (old_ids, head, old_end);
  in_new = positions (new_ids, head, new_end);
  moved = g_hash_table_new (g_int64_hash, g_int64_equal);

  i = run_i = j = run_j = head;
  while (i < old_end || j < new_end)
    {
      gint64 old_id = i < old_end ? ID (old_ids, i) : 0;
      gint64 new_id = j < new_end ? ID (new_ids, j) : 0;
      guint new_pos, old_pos;

      if (i < old_end && j < new_end && old_id == new_id)
        {
          add_splice (splices, run_i, i, run_j, j);
          run_i = ++i;
          run_j = ++j;
          continue;
        }

      /* A row the other list holds at a place already passed, or not at
       * all, is removed (or added) here. */
      new_pos = i < old_end ? position_in (in_new, old_id) : 0;
      old_pos = j < new_end ? position_in (in_old, new_id) : 0;

      if (i < old_end && (new_pos == 0 || new_pos - 1 < j || g_hash_table_contains (moved, &ID (old_ids, i))))
        i++;
      else if (j < new_end && (old_pos == 0 || old_pos - 1 < i || g_hash_table_contains (moved, &ID (new_ids, j))))
        j++;
      else if (j >= new_end || (i < old_end && new_pos - 1 - j >= old_pos - 1 - i))
        {
          /* The old row went further than the new one came: it moved. */
          g_hash_table_add (moved, &ID (old_ids, i));
          i++;
        }
      else
        {
          g_hash_table_add (moved, &ID (new_ids, j));
          j++;
        }
    }
  add_splice (splices, run_i, i, run_j, j);

  if (splices->len > max_splices)
    collapse (splices);

  return splices;
}
