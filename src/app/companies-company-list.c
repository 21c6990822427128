/* companies-company-list.c: the companies the window shows.
 *
 * A GListStore of CompaniesCompany plus an index by uuid. A refresh after
 * a sync keeps every unchanged row's object, updates changed rows in
 * place and re-announces them (so that sorting and filtering see the new
 * values), removes and appends the rest: one items-changed per run of
 * touched rows, or a single one for the whole tail when runs are many.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include "companies-company-list.h"
#include "companies-local-store.h"
#include "companies-search-filter.h"

/* Past this many runs of touched rows, one splice of the whole tail is
 * cheaper for the models downstream than many small ones. */
#define MAX_RUNS 32

struct _CompaniesCompanyList
{
  GObject     parent_instance;

  GListStore *store;
  GHashTable *by_uuid;   /* uuid → CompaniesCompany (a reference) */
};

G_DEFINE_FINAL_TYPE (CompaniesCompanyList, companies_company_list, G_TYPE_OBJECT)

typedef struct
{
  guint      start;
  guint      n_removed;
  GPtrArray *additions;  /* the changed companies of the run, re-added */
} Run;

static void
run_clear (gpointer data)
{
  Run *run = data;

  g_clear_pointer (&run->additions, g_ptr_array_unref);
}

static void
update_in_place (CompaniesCompany *target,
                 CompaniesCompany *source)
{
  g_object_freeze_notify (G_OBJECT (target));

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    companies_company_set_field (target, i, companies_company_get_field (source, i));

  companies_company_set_id (target, companies_company_get_id (source));
  companies_company_set_version (target, companies_company_get_version (source));
  companies_company_set_is_from_server (target, companies_company_get_is_from_server (source));
  companies_company_set_is_modified (target, companies_company_get_is_modified (source));
  companies_company_set_is_active (target, companies_company_get_is_active (source));
  companies_company_set_changed_fields (target, companies_company_get_changed_fields (source));
  companies_company_set_rejection (target,
                                   companies_company_get_rejection_code (source),
                                   companies_company_get_rejection_field (source),
                                   companies_company_get_rejection_message (source));

  companies_search_filter_invalidate (target);

  g_object_thaw_notify (G_OBJECT (target));
}

static void
companies_company_list_dispose (GObject *object)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) object;

  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (companies_company_list_parent_class)->dispose (object);
}

static void
companies_company_list_class_init (CompaniesCompanyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = companies_company_list_dispose;
}

static void
companies_company_list_init (CompaniesCompanyList *self)
{
  self->store = g_list_store_new (COMPANIES_TYPE_COMPANY);
  self->by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

CompaniesCompanyList *
companies_company_list_new (void)
{
  return g_object_new (COMPANIES_TYPE_COMPANY_LIST, NULL);
}

GListModel *
companies_company_list_get_model (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), NULL);

  return G_LIST_MODEL (self->store);
}

guint
companies_company_list_get_n_items (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->store));
}

CompaniesCompany *
companies_company_list_lookup (CompaniesCompanyList *self,
                               const char           *uuid)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), NULL);

  if (uuid == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_uuid, uuid);
}

static void
index_company (CompaniesCompanyList *self,
               CompaniesCompany     *company)
{
  g_hash_table_replace (self->by_uuid,
                        g_strdup (companies_company_get_uuid (company)),
                        g_object_ref (company));
}

/* Rebuilds the tail from @first: the rows kept, then @added; one signal. */
static void
splice_tail (CompaniesCompanyList *self,
             guint                 first,
             guint                 n_old,
             GHashTable           *gone,
             GPtrArray            *added)
{
  g_autoptr(GPtrArray) tail = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint pos = first; pos < n_old; pos++)
    {
      CompaniesCompany *item = g_list_model_get_item (G_LIST_MODEL (self->store), pos);

      if (gone != NULL && g_hash_table_contains (gone, item))
        g_object_unref (item);
      else
        g_ptr_array_add (tail, item);
    }

  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (tail, g_object_ref (g_ptr_array_index (added, i)));

  g_list_store_splice (self->store, first, n_old - first, tail->pdata, tail->len);
}

guint
companies_company_list_refresh (CompaniesCompanyList *self,
                                GPtrArray            *fresh)
{
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) fresh_uuids = NULL;
  g_autoptr(GHashTable) gone = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GArray) runs = NULL;
  guint n_old, kept = 0, n_changed_seen = 0, n_signals = 0;

  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);
  g_return_val_if_fail (fresh != NULL, 0);

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < fresh->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (fresh, i);
      CompaniesCompany *old = g_hash_table_lookup (self->by_uuid, companies_company_get_uuid (company));

      if (old == NULL)
        {
          g_ptr_array_add (added, g_object_ref (company));
          continue;
        }

      kept++;

      if (!companies_company_equal (old, company))
        {
          update_in_place (old, company);
          if (changed == NULL)
            changed = g_hash_table_new (NULL, NULL);
          g_hash_table_add (changed, old);
        }
    }

  if (kept == n_old && changed == NULL && added->len == 0)
    return 0;

  if (kept < n_old)
    {
      fresh_uuids = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < fresh->len; i++)
        g_hash_table_add (fresh_uuids, (gpointer) companies_company_get_uuid (g_ptr_array_index (fresh, i)));
      gone = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
    }

  /* Find the runs of rows that went or changed. */
  runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_array_set_clear_func (runs, run_clear);

  if (changed != NULL || gone != NULL)
    {
      guint n_changed = changed != NULL ? g_hash_table_size (changed) : 0;

      for (guint pos = 0; pos < n_old; pos++)
        {
          g_autoptr(CompaniesCompany) item = NULL;
          gboolean is_gone, is_changed;
          Run *run;

          /* Without removals, stop after the last changed row. */
          if (gone == NULL && n_changed_seen == n_changed)
            break;

          item = g_list_model_get_item (G_LIST_MODEL (self->store), pos);
          is_gone = fresh_uuids != NULL &&
                    !g_hash_table_contains (fresh_uuids, companies_company_get_uuid (item));
          is_changed = !is_gone && changed != NULL && g_hash_table_contains (changed, item);

          if (!is_gone && !is_changed)
            continue;

          run = runs->len > 0 ? &g_array_index (runs, Run, runs->len - 1) : NULL;
          if (run == NULL || run->start + run->n_removed != pos)
            {
              Run new_run = { pos, 0, g_ptr_array_new_with_free_func (g_object_unref) };

              g_array_append_val (runs, new_run);
              run = &g_array_index (runs, Run, runs->len - 1);
            }

          run->n_removed++;

          if (is_changed)
            {
              g_ptr_array_add (run->additions, g_object_ref (item));
              n_changed_seen++;
            }
          else
            {
              g_hash_table_add (gone, g_object_ref (item));
              g_hash_table_remove (self->by_uuid, companies_company_get_uuid (item));
            }
        }
    }

  for (guint i = 0; i < added->len; i++)
    index_company (self, g_ptr_array_index (added, i));

  if (runs->len > MAX_RUNS)
    {
      splice_tail (self, g_array_index (runs, Run, 0).start, n_old, gone, added);
      return 1;
    }

  /* Append first: the runs all lie before the old end. */
  if (added->len > 0)
    {
      g_list_store_splice (self->store, n_old, 0, added->pdata, added->len);
      n_signals++;
    }

  for (guint i = runs->len; i > 0; i--)
    {
      Run *run = &g_array_index (runs, Run, i - 1);

      g_list_store_splice (self->store, run->start, run->n_removed,
                           run->additions->pdata, run->additions->len);
      n_signals++;
    }

  return n_signals;
}

void
companies_company_list_upsert (CompaniesCompanyList *self,
                               CompaniesCompany     *company)
{
  CompaniesCompany *old;
  guint position;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (COMPANIES_IS_COMPANY (company));

  if (!companies_company_get_is_active (company))
    {
      companies_company_list_remove (self, companies_company_get_uuid (company));
      return;
    }

  old = g_hash_table_lookup (self->by_uuid, companies_company_get_uuid (company));

  if (old == NULL)
    {
      index_company (self, company);
      g_list_store_append (self->store, company);
      return;
    }

  if (companies_company_equal (old, company))
    return;

  update_in_place (old, company);

  if (g_list_store_find (self->store, old, &position))
    {
      g_autoptr(CompaniesCompany) keep = g_object_ref (old);

      g_list_store_splice (self->store, position, 1, (gpointer *) &keep, 1);
    }
}

void
companies_company_list_remove (CompaniesCompanyList *self,
                               const char           *uuid)
{
  CompaniesCompany *old;
  guint position;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  old = uuid != NULL ? g_hash_table_lookup (self->by_uuid, uuid) : NULL;
  if (old == NULL)
    return;

  if (g_list_store_find (self->store, old, &position))
    g_list_store_remove (self->store, position);

  g_hash_table_remove (self->by_uuid, uuid);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GPtrArray) companies = NULL;
  GError *error = NULL;

  store = companies_local_store_open (path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  companies = companies_local_store_list (store, FALSE, &error);
  if (companies == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < companies->len; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      companies_search_filter_prepare (g_ptr_array_index (companies, i));
    }

  g_task_return_pointer (task, g_steal_pointer (&companies), (GDestroyNotify) g_ptr_array_unref);
}

void
companies_company_list_load_async (const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, companies_company_list_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
companies_company_list_load_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
