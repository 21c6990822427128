/* companies-company-list.c: the companies the window shows.
 *
 * A GListModel of CompaniesCompany over an array (the pattern of
 * gnome-text-editor's editor-search-model.c), plus an index by uuid. Reading the
 * store happens in a worker thread (CompaniesListUpdate), which also
 * compares what it read with what the list held (by a signature of each
 * row, kept from the last update) and prepares the search and sort keys
 * of the rows that changed: after a sync that changed 100 rows of
 * 100,000, the main thread touches those 100; a first read comes indexed
 * and in name order, and goes in with one splice. Changed rows keep their object, updated in place: their cells
 * follow. Only when a change touches what orders or filters the rows now
 * (companies_company_list_set_watched ()) is the row re-announced, so
 * that sorting and filtering see it. Rows that went are removed and new
 * ones appended: one items-changed per run of touched rows, or a single
 * one for the whole tail when runs are many.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include <string.h>

#include "companies-company-list.h"
#include "companies-list-update.h"
#include "companies-local-store.h"
#include "companies-row-key.h"

/* Past this many runs of touched rows, one splice of the whole tail costs
 * the models downstream less than many small ones: each costs the sort
 * model a pass over its rows, and GTK 4.8's list view binds its visible
 * rows again. */
#define MAX_RUNS 16

struct _CompaniesCompanyList
{
  GObject     parent_instance;

  GPtrArray  *items;       /* CompaniesCompany, the model's order */
  GHashTable *by_uuid;     /* uuid → CompaniesCompany (a reference) */
  /* The signatures of the last update applied. Never changed once made:
   * the loader's worker reads them. */
  CompaniesSignatures *signatures;

  /* See companies_company_list_set_watched () */
  guint       watched_fields;
  gboolean    watch_state;

  /* See companies_company_list_preload (): the path until taken, then
   * the result until it arrives, or the load waiting for it. */
  char                *preload_path;
  gint64               preload_version;
  gboolean             preload_done;
  CompaniesListUpdate *preload_update;
  GError              *preload_error;
  GTask               *preload_waiter;
};

static void companies_company_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CompaniesCompanyList, companies_company_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, companies_company_list_model_init))

typedef struct
{
  guint      start;
  guint      n_removed;
  GPtrArray *additions;    /* the changed companies of the run, re-added */
} Run;

static void
run_clear (gpointer data)
{
  Run *run = data;

  g_clear_pointer (&run->additions, g_ptr_array_unref);
}

/* --- The GListModel: an array, so that the sort and filter models
 *     above, which ask for rows in any order, get each one at once (a
 *     GListStore walks a tree for every row asked out of order). --- */

static GType
companies_company_list_get_item_type (GListModel *model)
{
  return COMPANIES_TYPE_COMPANY;
}

static guint
companies_company_list_model_get_n_items (GListModel *model)
{
  return ((CompaniesCompanyList *) model)->items->len;
}

static gpointer
companies_company_list_get_item (GListModel *model,
                                 guint       position)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) model;

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
companies_company_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = companies_company_list_get_item_type;
  iface->get_n_items = companies_company_list_model_get_n_items;
  iface->get_item = companies_company_list_get_item;
}

/* Replaces @n_removed rows at @position by @additions, with one signal.
 * The additions may be rows removed by the same call. */
static void
splice (CompaniesCompanyList *self,
        guint                 position,
        guint                 n_removed,
        gpointer             *additions,
        guint                 n_added)
{
  guint old_len = self->items->len;

  g_assert (position + n_removed <= old_len);

  /* Take the new references before the old ones go. */
  for (guint i = 0; i < n_added; i++)
    g_object_ref (additions[i]);

  if (n_removed > 0)
    g_ptr_array_remove_range (self->items, position, n_removed);

  if (n_added > 0)
    {
      guint len = self->items->len;

      g_ptr_array_set_size (self->items, len + n_added);
      memmove (self->items->pdata + position + n_added,
               self->items->pdata + position,
               (len - position) * sizeof (gpointer));
      memcpy (self->items->pdata + position, additions, n_added * sizeof (gpointer));
    }

  g_list_model_items_changed (G_LIST_MODEL (self), position, n_removed, n_added);
}

static gboolean
find_position (CompaniesCompanyList *self,
               CompaniesCompany     *company,
               guint                *out_position)
{
  return g_ptr_array_find (self->items, company, out_position);
}

/* --- The list --- */

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

  companies_row_key_transfer (target, source);

  g_object_thaw_notify (G_OBJECT (target));
}

static void
companies_company_list_dispose (GObject *object)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) object;

  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->signatures, companies_signatures_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->preload_path, g_free);
  g_clear_pointer (&self->preload_update, companies_list_update_free);
  g_clear_error (&self->preload_error);
  g_clear_object (&self->preload_waiter);

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
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  /* Keyed by each company's own uuid (which never changes once listed):
   * entries are always replaced, never inserted, so that the key is the
   * value's. */
  self->by_uuid = g_hash_table_new_full (companies_uuid_hash, g_str_equal, NULL, g_object_unref);
  self->watched_fields = COMPANIES_ALL_FIELDS;
  self->watch_state = TRUE;
}

void
companies_company_list_set_watched (CompaniesCompanyList *self,
                                    guint                 field_mask,
                                    gboolean              watch_state)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  self->watched_fields = field_mask;
  self->watch_state = !!watch_state;
}

/* Whether the models downstream must hear of @old becoming @company. */
static gboolean
must_announce (CompaniesCompanyList *self,
               CompaniesCompany     *old,
               CompaniesCompany     *company)
{
  if (self->watch_state &&
      companies_company_get_sync_state (old) != companies_company_get_sync_state (company))
    return TRUE;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if ((self->watched_fields & COMPANIES_FIELD_BIT (i)) != 0 &&
          g_strcmp0 (companies_company_get_field (old, i), companies_company_get_field (company, i)) != 0)
        return TRUE;
    }

  return FALSE;
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

  return G_LIST_MODEL (self);
}

guint
companies_company_list_get_n_items (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);

  return self->items->len;
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
                        (gpointer) companies_company_get_uuid (company),
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
      CompaniesCompany *item = g_ptr_array_index (self->items, pos);

      if (gone == NULL || !g_hash_table_contains (gone, item))
        g_ptr_array_add (tail, g_object_ref (item));
    }

  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (tail, g_object_ref (g_ptr_array_index (added, i)));

  splice (self, first, n_old - first, tail->pdata, tail->len);
}

/* Announces the rows of @changed (updated in place), removes those of
 * @gone and appends @added, in the fewest signals. */
static guint
apply_changes (CompaniesCompanyList *self,
               GHashTable           *changed,
               GHashTable           *gone,
               GPtrArray            *added)
{
  g_autoptr(GArray) runs = NULL;
  guint n_old = self->items->len;
  guint n_touched = (changed != NULL ? g_hash_table_size (changed) : 0) +
                    (gone != NULL ? g_hash_table_size (gone) : 0);
  guint n_seen = 0, n_signals = 0;

  runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_array_set_clear_func (runs, run_clear);

  /* One pass over the rows finds where the touched ones are. */
  for (guint pos = 0; pos < n_old && n_seen < n_touched; pos++)
    {
      CompaniesCompany *item = g_ptr_array_index (self->items, pos);
      gboolean is_gone = gone != NULL && g_hash_table_contains (gone, item);
      gboolean is_changed = !is_gone && changed != NULL && g_hash_table_contains (changed, item);
      Run *run;

      if (!is_gone && !is_changed)
        continue;

      n_seen++;

      run = runs->len > 0 ? &g_array_index (runs, Run, runs->len - 1) : NULL;
      if (run == NULL || run->start + run->n_removed != pos)
        {
          Run new_run = { pos, 0, g_ptr_array_new_with_free_func (g_object_unref) };

          g_array_append_val (runs, new_run);
          run = &g_array_index (runs, Run, runs->len - 1);
        }

      run->n_removed++;
      if (is_changed)
        g_ptr_array_add (run->additions, g_object_ref (item));
    }

  if (runs->len > MAX_RUNS)
    {
      splice_tail (self, g_array_index (runs, Run, 0).start, n_old, gone, added);
      return 1;
    }

  /* Append first: the runs all lie before the old end. */
  if (added->len > 0)
    {
      splice (self, n_old, 0, added->pdata, added->len);
      n_signals++;
    }

  for (guint i = runs->len; i > 0; i--)
    {
      Run *run = &g_array_index (runs, Run, i - 1);

      splice (self, run->start, run->n_removed,
              run->additions->pdata, run->additions->len);
      n_signals++;
    }

  return n_signals;
}

/* A company read from the store: updated in place, or to be added. */
static void
merge_company (CompaniesCompanyList  *self,
               CompaniesCompany      *company,
               GHashTable           **changed,
               GPtrArray             *added)
{
  CompaniesCompany *old = g_hash_table_lookup (self->by_uuid, companies_company_get_uuid (company));
  gboolean announce;

  if (old == NULL)
    {
      index_company (self, company);
      g_ptr_array_add (added, g_object_ref (company));
      return;
    }

  /* Already listed (the app wrote it itself): maybe nothing to do. */
  if (companies_company_equal (old, company))
    return;

  announce = must_announce (self, old, company);
  update_in_place (old, company);

  if (announce)
    {
      if (*changed == NULL)
        *changed = g_hash_table_new (NULL, NULL);
      g_hash_table_add (*changed, old);
    }
}

guint
companies_company_list_apply (CompaniesCompanyList *self,
                              CompaniesListUpdate  *update)
{
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) gone = NULL;
  g_autoptr(GPtrArray) added = NULL;
  guint n_signals = 0;
  guint n_added;

  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);
  g_return_val_if_fail (update != NULL, 0);

  added = g_ptr_array_new_with_free_func (g_object_unref);

  /* A first read into an empty list: the worker indexed the rows, one
   * splice adds them all. */
  if (self->items->len == 0 && g_hash_table_size (self->by_uuid) == 0 && update->index != NULL)
    {
      g_hash_table_unref (self->by_uuid);
      self->by_uuid = g_steal_pointer (&update->index);
      g_clear_pointer (&self->signatures, companies_signatures_unref);
      self->signatures = companies_signatures_ref (update->signatures);

      if (update->added->len == 0)
        return 0;

      /* The update's references become the list's: no ref and unref of
       * 100,000 rows. */
      n_added = update->added->len;
      g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&update->added));
      update->added = g_ptr_array_new_with_free_func (g_object_unref);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n_added);
      return 1;
    }

  for (guint i = 0; i < update->changed->len; i++)
    merge_company (self, g_ptr_array_index (update->changed, i), &changed, added);
  for (guint i = 0; i < update->added->len; i++)
    merge_company (self, g_ptr_array_index (update->added, i), &changed, added);

  for (guint i = 0; i < update->removed->len; i++)
    {
      const char *uuid = g_ptr_array_index (update->removed, i);
      CompaniesCompany *old = g_hash_table_lookup (self->by_uuid, uuid);

      /* Not listed: the app removed it itself. */
      if (old == NULL)
        continue;

      if (gone == NULL)
        gone = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
      g_hash_table_add (gone, g_object_ref (old));
      g_hash_table_remove (self->by_uuid, uuid);
    }

  if (changed != NULL || gone != NULL || added->len > 0)
    n_signals = apply_changes (self, changed, gone, added);

  g_clear_pointer (&self->signatures, companies_signatures_unref);
  self->signatures = companies_signatures_ref (update->signatures);

  return n_signals;
}

guint
companies_company_list_refresh (CompaniesCompanyList *self,
                                GPtrArray            *companies)
{
  g_autoptr(CompaniesListUpdate) update = NULL;

  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);
  g_return_val_if_fail (companies != NULL, 0);

  update = companies_list_update_compute (companies, self->signatures, TRUE, NULL);

  return companies_company_list_apply (self, update);
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
      splice (self, self->items->len, 0, (gpointer *) &company, 1);
      return;
    }

  if (companies_company_equal (old, company))
    return;

  update_in_place (old, company);

  if (find_position (self, old, &position))
    splice (self, position, 1, (gpointer *) &old, 1);
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

  if (find_position (self, old, &position))
    splice (self, position, 1, NULL, 0);

  g_hash_table_remove (self->by_uuid, uuid);
}

/* --- Reading the store in a worker thread --- */

typedef struct
{
  char                *path;
  CompaniesSignatures *previous;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_free (load->path);
  g_clear_pointer (&load->previous, companies_signatures_unref);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  CompaniesListUpdate *update;
  GError *error = NULL;

  update = companies_list_update_read (load->path, load->previous, cancellable, &error);
  if (update == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, update, (GDestroyNotify) companies_list_update_free);
}

/* Hands the preload's result to @task. */
static void
return_preload (CompaniesCompanyList *self,
                GTask                *task)
{
  if (self->preload_update != NULL)
    g_task_return_pointer (task, g_steal_pointer (&self->preload_update),
                           (GDestroyNotify) companies_list_update_free);
  else if (self->preload_error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->preload_error));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
}

static void
preloaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CompaniesCompanyList *self = COMPANIES_COMPANY_LIST (object);
  g_autoptr(GTask) waiter = g_steal_pointer (&self->preload_waiter);

  self->preload_done = TRUE;
  self->preload_update = g_task_propagate_pointer (G_TASK (result), &self->preload_error);

  if (waiter != NULL)
    return_preload (self, waiter);
  else if (self->preload_path == NULL)
    {
      /* Dropped: another read was asked for instead. */
      g_clear_pointer (&self->preload_update, companies_list_update_free);
      g_clear_error (&self->preload_error);
    }
}

void
companies_company_list_preload (CompaniesCompanyList *self,
                                const char           *path,
                                gint64                data_version)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (self->preload_path == NULL && !self->preload_done && self->signatures == NULL);

  self->preload_path = g_strdup (path);
  self->preload_version = data_version;

  load = g_new0 (LoadData, 1);
  load->path = g_strdup (path);

  task = g_task_new (self, NULL, preloaded_cb, NULL);
  g_task_set_source_tag (task, companies_company_list_preload);
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
companies_company_list_get_preload_version (CompaniesCompanyList *self,
                                            gint64               *out_data_version)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), FALSE);

  if (self->preload_path == NULL)
    return FALSE;

  if (out_data_version != NULL)
    *out_data_version = self->preload_version;

  return TRUE;
}

void
companies_company_list_load_async (CompaniesCompanyList *self,
                                   const char           *path,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (path != NULL);

  if (self->preload_path != NULL)
    {
      gboolean usable = self->signatures == NULL && g_str_equal (path, self->preload_path);

      g_clear_pointer (&self->preload_path, g_free);
      if (usable)
        {
          task = g_task_new (self, cancellable, callback, user_data);
          g_task_set_source_tag (task, companies_company_list_load_async);
          if (!self->preload_done)
            self->preload_waiter = g_steal_pointer (&task);
          else
            return_preload (self, task);
          return;
        }

      g_clear_pointer (&self->preload_update, companies_list_update_free);
      g_clear_error (&self->preload_error);
    }

  load = g_new0 (LoadData, 1);
  load->path = g_strdup (path);
  if (self->signatures != NULL)
    load->previous = companies_signatures_ref (self->signatures);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, companies_company_list_load_async);
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

CompaniesListUpdate *
companies_company_list_load_finish (CompaniesCompanyList  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == companies_company_list_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
