/* companies-company-list.c: the companies the window shows, read from
 * the database as they are shown.
 *
 * The model holds the local ids of the rows it shows, in order (8 bytes
 * a row: the database sorted and searched them, see
 * companies-local-store-view.c), and makes a CompaniesCompany only for a
 * row asked for, reading it with its neighbours in one statement. The
 * items made stay in a cache: the same row is the same object while
 * anyone holds it, so the selection, an open editor and the cells keep
 * it. When a read ends (companies-company-list-load.c), the items made
 * are updated in place (their cells follow) and the rows that moved,
 * went or came are announced in the few splices that their runs need.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include <string.h>
#include <time.h>

#include "companies-company-list-private.h"
#include "companies-fold.h"

/* The items kept when nobody else holds them: a few windows of rows.
 * Past it, the least recently asked for half goes. */
#define CACHE_SIZE 16384
/* The rows read with a row asked for: before it, and in all. */
#define PAGE_BEFORE 8
#define PAGE_SIZE   32
/* Past this many rows added in place of others, see
 * _companies_company_list_show (). */
#define BIG_SPLICE 256
/* The items read again when the file changed, beside those held
 * elsewhere: the rows asked for last (a few windows of rows). */
#define REFRESHED_ITEMS 4096

GParamSpec *_companies_company_list_properties[COMPANY_LIST_N_PROPS];
guint       _companies_company_list_signals[COMPANY_LIST_N_SIGNALS];

static void companies_company_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CompaniesCompanyList, companies_company_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, companies_company_list_model_init))

typedef struct
{
  gint64            local_id;     /* the key of the cache */
  CompaniesCompany *company;
  guint64           used;
} CacheEntry;

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_object_unref (entry->company);
  g_free (entry);
}

/* --- The items made --- */

static void
uncache (CompaniesCompanyList *self,
         CacheEntry           *entry)
{
  const char *uuid = companies_company_get_uuid (entry->company);

  if (uuid != NULL && g_hash_table_lookup (self->by_uuid, uuid) == entry->company)
    g_hash_table_remove (self->by_uuid, uuid);
  g_hash_table_remove (self->cache, &entry->local_id);
}

static void
evict (CompaniesCompanyList *self)
{
  g_autoptr(GPtrArray) old = g_ptr_array_new ();
  GHashTableIter iter;
  CacheEntry *entry;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      /* Held by someone else (a cell, the selection, an editor): kept,
       * so that the row stays that object. */
      if ((entry->used == 0 || entry->used + CACHE_SIZE / 2 <= self->clock) &&
          G_OBJECT (entry->company)->ref_count == 1)
        g_ptr_array_add (old, entry);
    }

  for (guint i = 0; i < old->len; i++)
    uncache (self, g_ptr_array_index (old, i));
}

static CacheEntry *
cache_entry (CompaniesCompanyList *self,
       gint64                local_id,
       CompaniesCompany     *company)
{
  CacheEntry *entry = g_hash_table_lookup (self->cache, &local_id);

  /* A local id freed by a delete is given to the next row added: the
   * item of the row that went goes with its uuid. */
  if (entry != NULL)
    uncache (self, entry);

  entry = g_new0 (CacheEntry, 1);
  entry->local_id = local_id;
  entry->company = g_object_ref (company);
  entry->used = ++self->clock;
  g_hash_table_replace (self->cache, &entry->local_id, entry);
  if (companies_company_get_uuid (company) != NULL)
    g_hash_table_replace (self->by_uuid, (gpointer) companies_company_get_uuid (company), company);

  return entry;
}

CompaniesCompany *
_companies_company_list_cache (CompaniesCompanyList *self,
                               gint64                local_id,
                               CompaniesCompany     *company)
{
  return cache_entry (self, local_id, company)->company;
}

void
_companies_company_list_uncache (CompaniesCompanyList *self,
                                 gint64                local_id)
{
  CacheEntry *entry = g_hash_table_lookup (self->cache, &local_id);

  if (entry != NULL)
    uncache (self, entry);
}

static gint64
id_at (CompaniesCompanyList *self,
       guint                 position)
{
  if (self->old_visible != NULL && position >= self->done_new)
    return g_array_index (self->old_visible, CompaniesListId, position - self->done_new + self->done_old);

  return g_array_index (self->visible, CompaniesListId, position);
}

/* Reads the rows around @position that are not made yet. */
static void
read_page (CompaniesCompanyList *self,
           guint                 position,
           guint                 n_items)
{
  guint start = position > PAGE_BEFORE ? position - PAGE_BEFORE : 0;
  guint end = MIN (start + PAGE_SIZE, n_items);
  gint64 ids[PAGE_SIZE] = { 0 };
  CompaniesCompany *read[PAGE_SIZE];
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (guint pos = start; pos < end; pos++)
    {
      gint64 id = id_at (self, pos);

      if (pos == position || !g_hash_table_contains (self->cache, &id))
        ids[n++] = id;
    }

  if (self->store == NULL ||
      !companies_local_store_read_listed (self->store, ids, n, read, &error))
    {
      if (error != NULL)
        g_warning ("Could not read the companies shown: %s", error->message);
      memset (read, 0, sizeof read);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CompaniesCompany) company = read[i];

      /* Gone since the list was read: a read follows (the data version
       * moved), until then a blank row holds its place. */
      if (company == NULL && ids[i] != id_at (self, position))
        continue;
      if (company == NULL)
        company = companies_company_new ();
      /* Read with the row asked for: not used yet. */
      cache_entry (self, ids[i], company)->used = 0;
    }

  if (g_hash_table_size (self->cache) > CACHE_SIZE)
    evict (self);
}

/* --- The GListModel --- */

static GType
companies_company_list_get_item_type (GListModel *model)
{
  return COMPANIES_TYPE_COMPANY;
}

static guint
companies_company_list_model_get_n_items (GListModel *model)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) model;

  if (self->old_visible != NULL)
    return self->done_new + self->old_visible->len - self->done_old;

  return self->visible->len;
}

static gpointer
companies_company_list_get_item (GListModel *model,
                                 guint       position)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) model;
  guint n_items = companies_company_list_model_get_n_items (model);
  CacheEntry *entry;
  gint64 id;

  if (position >= n_items)
    return NULL;

  id = id_at (self, position);
  entry = g_hash_table_lookup (self->cache, &id);
  if (entry == NULL)
    {
      read_page (self, position, n_items);
      entry = g_hash_table_lookup (self->cache, &id);
    }

  entry->used = ++self->clock;
  return g_object_ref (entry->company);
}

static void
companies_company_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = companies_company_list_get_item_type;
  iface->get_n_items = companies_company_list_model_get_n_items;
  iface->get_item = companies_company_list_get_item;
}

/* --- What reads bring --- */

/* The main thread's CPU time: on a loaded machine, what GTK spent on a
 * splice, where the wall time also counts the other processes'. */
static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1000000.0;
}

void
_companies_company_list_show (CompaniesCompanyList *self,
                              GArray               *order,
                              GArray               *visible,
                              GArray               *splices)
{
  g_clear_pointer (&self->order, g_array_unref);
  self->order = g_array_ref (order);

  self->old_visible = g_steal_pointer (&self->visible);
  self->visible = g_array_ref (visible);
  self->done_new = self->done_old = 0;

  for (guint i = 0; i < splices->len; i++)
    {
      const CompaniesIdSplice *splice = &g_array_index (splices, CompaniesIdSplice, i);
      guint removed = splice->old_end - splice->old_start;
      guint added = splice->new_end - splice->new_start;
      gint64 started = g_get_monotonic_time ();
      double started_cpu = thread_cpu_ms ();

      /* GTK 4.8's list view and single selection look through every row
       * added in place of removed ones for an object they knew (to keep
       * its widget or its selection): for a big splice, that would make
       * an item of every row. Removed first, then added, they do not. */
      if (removed > 0 && added > BIG_SPLICE)
        {
          self->done_old = splice->old_end;
          self->done_new = splice->new_start;
          g_list_model_items_changed (G_LIST_MODEL (self), splice->new_start, removed, 0);
        }

      self->done_new = splice->new_end;
      self->done_old = splice->old_end;
      g_list_model_items_changed (G_LIST_MODEL (self), splice->new_start,
                                  added > BIG_SPLICE ? 0 : removed, added);
      /* Rows added or removed past the 200 GTK makes widgets for cost it
       * nothing (a million in 0.2 ms); rows among them cost it theirs. */
      g_debug ("A splice at %u of %u rows removed, %u added, told in %.1f ms (%.1f ms of CPU)",
               splice->new_start, removed, added, (g_get_monotonic_time () - started) / 1000.0,
               thread_cpu_ms () - started_cpu);
    }

  g_clear_pointer (&self->old_visible, g_array_unref);
}

GArray *
_companies_company_list_update_items (CompaniesCompanyList *self,
                                      GPtrArray            *fresh)
{
  GArray *replaced = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < fresh->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (fresh, i);
      CacheEntry *entry;
      gint64 id;

      if (company == NULL)
        continue;

      id = companies_list_company_get_local_id (company);
      entry = g_hash_table_lookup (self->cache, &id);
      if (entry == NULL || companies_company_equal (entry->company, company))
        continue;

      if (g_strcmp0 (companies_company_get_uuid (entry->company), companies_company_get_uuid (company)) != 0)
        {
          /* Another row took the local id: a new item, announced once
           * the list shows what was read. */
          cache_entry (self, id, company);
          g_array_append_val (replaced, id);
          continue;
        }

      g_object_freeze_notify (G_OBJECT (entry->company));
      companies_company_assign (entry->company, company);
      g_object_thaw_notify (G_OBJECT (entry->company));
    }

  return replaced;
}

void
_companies_company_list_announce_replaced (CompaniesCompanyList *self,
                                           GArray               *replaced)
{
  for (guint i = 0; i < replaced->len; i++)
    {
      gint64 id = g_array_index (replaced, gint64, i);

      for (guint position = 0; position < self->visible->len; position++)
        {
          if (g_array_index (self->visible, CompaniesListId, position) == id)
            {
              g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
              break;
            }
        }
    }
}

static int
by_most_recent (gconstpointer a,
                gconstpointer b)
{
  const CacheEntry *entry_a = *(CacheEntry * const *) a;
  const CacheEntry *entry_b = *(CacheEntry * const *) b;

  return entry_a->used > entry_b->used ? -1 : entry_a->used < entry_b->used;
}

GArray *
_companies_company_list_items_to_refresh (CompaniesCompanyList *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_sized_new (g_hash_table_size (self->cache));
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  CacheEntry *entry;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    g_ptr_array_add (entries, entry);
  g_ptr_array_sort (entries, by_most_recent);

  /* The rows asked for last and the items held elsewhere are read again;
   * the others go, to be read when asked for. */
  for (guint i = 0; i < entries->len; i++)
    {
      entry = g_ptr_array_index (entries, i);
      if (i < REFRESHED_ITEMS || G_OBJECT (entry->company)->ref_count > 1)
        g_array_append_val (ids, entry->local_id);
      else
        uncache (self, entry);
    }

  return ids;
}

/* --- The list --- */

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
  g_clear_pointer (&self->cache, g_hash_table_unref);

  G_OBJECT_CLASS (companies_company_list_parent_class)->dispose (object);
}

static void
companies_company_list_finalize (GObject *object)
{
  CompaniesCompanyList *self = (CompaniesCompanyList *) object;

  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->visible, g_array_unref);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->folded, g_free);

  G_OBJECT_CLASS (companies_company_list_parent_class)->finalize (object);
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
  object_class->finalize = companies_company_list_finalize;
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
  self->order = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  self->visible = g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, cache_entry_free);
  /* Keyed by each company's own uuid, which never changes. */
  self->by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  self->sort.field = COMPANIES_FIELD_NAME;
  self->order_stale = TRUE;
  self->head_rows = COMPANIES_COMPANY_LIST_HEAD_ROWS;
  self->head_frame = -1;
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

  return self->order->len;
}

CompaniesCompany *
companies_company_list_lookup (CompaniesCompanyList *self,
                               const char           *uuid)
{
  g_autoptr(CompaniesCompany) read = NULL;
  CompaniesCompany *company;

  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), NULL);

  if (uuid == NULL)
    return NULL;

  company = g_hash_table_lookup (self->by_uuid, uuid);
  if (company != NULL || self->store == NULL)
    return company;

  /* In the file but not yet read into the list (just written): not
   * listed yet. */
  read = companies_local_store_read_listed_uuid (self->store, uuid, NULL);
  if (read == NULL || !_companies_company_list_has_id (self->order, companies_list_company_get_local_id (read)))
    return NULL;

  return _companies_company_list_cache (self, companies_list_company_get_local_id (read), read);
}

void
companies_company_list_set_sort (CompaniesCompanyList *self,
                                 int                   field,
                                 gboolean              descending)
{
  CompaniesListSort sort = { field, !!descending };

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (companies_list_sort_is_valid (&sort));

  if (sort.field == self->sort.field && sort.descending == self->sort.descending)
    return;

  self->sort = sort;
  self->order_stale = TRUE;
  _companies_company_list_reload (self);
}

void
companies_company_list_set_search (CompaniesCompanyList *self,
                                   const char           *text)
{
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;

  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  g_free (self->search);
  self->search = g_strdup (text);

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  folded = companies_fold (stripped);
  if (*folded == '\0')
    g_clear_pointer (&folded, g_free);

  if (g_strcmp0 (folded, self->folded) == 0)
    return;

  g_free (self->folded);
  self->folded = g_steal_pointer (&folded);
  _companies_company_list_reload (self);
}

void
companies_company_list_set_head_rows (CompaniesCompanyList *self,
                                      guint                 n_rows)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  self->head_rows = CLAMP (n_rows, 1, COMPANIES_COMPANY_LIST_HEAD_ROWS);
}

const char *
companies_company_list_get_search (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), NULL);

  return self->search;
}
