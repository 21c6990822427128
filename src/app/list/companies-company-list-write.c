/* companies-company-list-write.c: the app's own writes in the companies
 * list: a row written on the main thread shows at once where it sorts
 * (a binary search over the ids shown, reading the keys it compares
 * with), without a read of the whole list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include "companies-company-list-private.h"

/* Arrays a read in the background may hold are copied before a change. */
static GArray *
own_copy (GArray *ids)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (CompaniesListId), ids->len + 1);

  g_array_append_vals (copy, ids->data, ids->len);
  g_array_unref (ids);
  return copy;
}

static gboolean
find_id (GArray *ids,
         gint64  id,
         guint  *out_position)
{
  for (guint i = 0; i < ids->len; i++)
    {
      if (g_array_index (ids, CompaniesListId, i) == id)
        {
          *out_position = i;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
_companies_company_list_has_id (GArray *ids,
                                gint64  id)
{
  guint position;

  return find_id (ids, id, &position);
}

/* Where the row @id of sort key @key goes in @ids (sorted by self->sort):
 * a binary search that reads the keys it compares with. */
static guint
sorted_position (CompaniesCompanyList *self,
                 GArray               *ids,
                 gint64                id,
                 GBytes               *key)
{
  guint low = 0, high = ids->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      gint64 other = g_array_index (ids, CompaniesListId, middle);
      g_autoptr(GBytes) other_key = NULL;
      gboolean matches;

      /* A row gone since the read sorts first: a read follows. */
      if (!companies_local_store_read_list_key (self->store, &self->sort, other, NULL,
                                                &other_key, &matches, NULL) ||
          companies_list_sort_compare (&self->sort, other_key, other, key, id) < 0)
        low = middle + 1;
      else
        high = middle;
    }

  return low;
}

static void
remove_id (CompaniesCompanyList *self,
           gint64                id)
{
  guint position;

  if (find_id (self->order, id, &position))
    {
      self->order = own_copy (self->order);
      g_array_remove_index (self->order, position);
    }

  if (find_id (self->visible, id, &position))
    {
      self->visible = own_copy (self->visible);
      g_array_remove_index (self->visible, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
}

void
companies_company_list_upsert (CompaniesCompanyList *self,
                               CompaniesCompany     *company)
{
  g_autoptr(CompaniesCompany) read = NULL;
  g_autoptr(GBytes) key = NULL;
  CompaniesCompany *old;
  gboolean matches = FALSE;
  guint old_position = G_MAXUINT, position;
  CompaniesListId list_id;
  gint64 id;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (COMPANIES_IS_COMPANY (company));

  if (self->store == NULL || !companies_company_get_is_active (company))
    {
      companies_company_list_remove (self, companies_company_get_uuid (company));
      return;
    }

  old = g_hash_table_lookup (self->by_uuid, companies_company_get_uuid (company));
  if (old != NULL)
    {
      id = companies_list_company_get_local_id (old);
      if (!companies_company_equal (old, company))
        {
          g_object_freeze_notify (G_OBJECT (old));
          companies_company_assign (old, company);
          g_object_thaw_notify (G_OBJECT (old));
        }
    }
  else
    {
      /* The row as read holds its local id; the written values are
       * the same. */
      read = companies_local_store_read_listed_uuid (self->store, companies_company_get_uuid (company), NULL);
      if (read == NULL)
        return;
      id = companies_list_company_get_local_id (read);
      _companies_company_list_cache (self, id, read);
    }

  /* Out of the list's range: the next read says so. */
  if (id <= 0 || id > G_MAXUINT32 ||
      !companies_local_store_read_list_key (self->store, &self->sort, id, self->folded,
                                            &key, &matches, NULL))
    return;
  list_id = (CompaniesListId) id;

  /* Out of both lists, then back where it sorts now: into a copy, even
   * when the row is new (a read may hold the order, and @visible may be
   * the same array). */
  self->order = own_copy (self->order);
  if (find_id (self->order, id, &position))
    g_array_remove_index (self->order, position);
  position = sorted_position (self, self->order, id, key);
  g_array_insert_val (self->order, position, list_id);

  if (find_id (self->visible, id, &old_position))
    {
      self->visible = own_copy (self->visible);
      g_array_remove_index (self->visible, old_position);
    }
  if (!matches)
    {
      if (old_position != G_MAXUINT)
        g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      return;
    }

  if (old_position == G_MAXUINT)
    self->visible = own_copy (self->visible);
  position = sorted_position (self, self->visible, id, key);
  g_array_insert_val (self->visible, position, list_id);

  if (old_position == position)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      return;
    }

  /* Announced in two steps, each matching the list as it is then. */
  if (old_position != G_MAXUINT)
    {
      g_array_remove_index (self->visible, position);
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      g_array_insert_val (self->visible, position, list_id);
    }
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

void
companies_company_list_remove (CompaniesCompanyList *self,
                               const char           *uuid)
{
  CompaniesCompany *old;
  gint64 id;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  old = uuid != NULL ? g_hash_table_lookup (self->by_uuid, uuid) : NULL;
  if (old == NULL)
    {
      /* No item was made for it, so its local id is unknown here (a row
       * never synced is gone from the file): the ids shown and the
       * order a search reuses may still hold it, so both are read again. */
      if (uuid != NULL && self->store != NULL)
        {
          self->order_stale = TRUE;
          _companies_company_list_reload (self);
        }
      return;
    }

  id = companies_list_company_get_local_id (old);
  remove_id (self, id);
  _companies_company_list_uncache (self, id);
}

gboolean
companies_company_list_find (CompaniesCompanyList *self,
                             CompaniesCompany     *company,
                             guint                *out_position)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), FALSE);
  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), FALSE);

  return find_id (self->visible, companies_list_company_get_local_id (company), out_position);
}

