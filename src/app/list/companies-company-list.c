/* companies-company-list.c: the companies the window shows, and the
 * merging of each read of the store into them.
 *
 * A GListModel of CompaniesCompany over an array (the pattern of
 * gnome-text-editor's editor-search-model.c), plus an index by uuid. The
 * worker thread that reads the store (companies-company-list-load.c,
 * CompaniesListUpdate) also compares what it read with what the list
 * held (by a signature of each row, kept from the last update) and
 * prepares the search and sort keys of the rows that changed: after a
 * sync that changed 100 rows of 100,000, the main thread touches those
 * 100; a first read comes indexed and in name order, and goes in with
 * one splice. Changed rows keep their object, updated in place: their
 * cells follow. Only when a change touches what orders or filters the
 * rows now (companies_company_list_set_watched ()) is the row
 * re-announced, so that sorting and filtering see it. Rows that went are
 * removed and new ones appended: one items-changed per run of touched
 * rows, or a single one for the whole tail when runs are many.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include <string.h>

#include "companies-company-list-private.h"
#include "companies-row-key.h"

/* Past this many runs of touched rows, one splice of the whole tail costs
 * the models downstream less than many small ones: each costs the sort
 * model a pass over its rows, and GTK 4.8's list view binds its visible
 * rows again. */
#define MAX_RUNS 16

GParamSpec *_companies_company_list_properties[COMPANY_LIST_N_PROPS];
guint       _companies_company_list_signals[COMPANY_LIST_N_SIGNALS];

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
  companies_company_assign (target, source);
  companies_row_key_transfer (target, source);
  g_object_thaw_notify (G_OBJECT (target));
}

static void
companies_company_list_constructed (GObject *object)
{
  G_OBJECT_CLASS (companies_company_list_parent_class)->constructed (object);

  _companies_company_list_start_reading (COMPANIES_COMPANY_LIST (object));
}

static void
companies_company_list_dispose (GObject *object)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) object;

  _companies_company_list_stop_reading (self);
  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->signatures, companies_signatures_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (companies_company_list_parent_class)->dispose (object);
}

static void
companies_company_list_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CompaniesCompanyList *self = COMPANIES_COMPANY_LIST (object);

  switch (prop_id)
    {
    case COMPANY_LIST_PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case COMPANY_LIST_PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_company_list_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CompaniesCompanyList *self = COMPANIES_COMPANY_LIST (object);

  switch (prop_id)
    {
    case COMPANY_LIST_PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_company_list_class_init (CompaniesCompanyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = companies_company_list_constructed;
  object_class->dispose = companies_company_list_dispose;
  object_class->get_property = companies_company_list_get_property;
  object_class->set_property = companies_company_list_set_property;

  _companies_company_list_properties[COMPANY_LIST_PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         COMPANIES_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  _companies_company_list_properties[COMPANY_LIST_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, COMPANY_LIST_N_PROPS, _companies_company_list_properties);

  _companies_company_list_signals[COMPANY_LIST_READ_FINISHED] =
    g_signal_new ("read-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_POINTER,
                  G_TYPE_ERROR);
  _companies_company_list_signals[COMPANY_LIST_STORE_CHANGED] =
    g_signal_new ("store-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
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
companies_company_list_new (CompaniesLocalStore *store)
{
  g_return_val_if_fail (store == NULL || COMPANIES_IS_LOCAL_STORE (store), NULL);

  return g_object_new (COMPANIES_TYPE_COMPANY_LIST,
                       "store", store,
                       NULL);
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
_companies_company_list_apply (CompaniesCompanyList *self,
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

  return _companies_company_list_apply (self, update);
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
