/* companies-list-update.c: what a read of the store found changed.
 *
 * Each company read gets a signature (a 64-bit hash of everything
 * companies_company_equal () compares); comparing it with the signature
 * of the last read tells, in the worker thread, which rows are new,
 * changed or gone, so that after a sync that changed 100 rows of 100,000
 * the main thread deals with those 100. The uuids of a read are kept in
 * one string chunk: 100,000 of them cost a few allocations, not 100,000,
 * to make and to free.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include <string.h>

#include "companies-list-update.h"
#include "companies-local-store.h"
#include "companies-row-key.h"

struct _CompaniesSignatures
{
  GHashTable   *table;   /* uuid (in @uuids) → signature */
  GStringChunk *uuids;
};

static void
signatures_clear (gpointer data)
{
  CompaniesSignatures *signatures = data;

  g_hash_table_unref (signatures->table);
  g_string_chunk_free (signatures->uuids);
}

CompaniesSignatures *
companies_signatures_ref (CompaniesSignatures *signatures)
{
  return g_atomic_rc_box_acquire (signatures);
}

void
companies_signatures_unref (CompaniesSignatures *signatures)
{
  g_atomic_rc_box_release_full (signatures, signatures_clear);
}

void
companies_list_update_free (CompaniesListUpdate *update)
{
  if (update == NULL)
    return;

  g_clear_pointer (&update->added, g_ptr_array_unref);
  g_clear_pointer (&update->changed, g_ptr_array_unref);
  g_clear_pointer (&update->removed, g_ptr_array_unref);
  g_clear_pointer (&update->signatures, companies_signatures_unref);
  g_clear_pointer (&update->index, g_hash_table_unref);
  g_free (update);
}

const CompaniesStoreStatus *
companies_list_update_get_status (CompaniesListUpdate *update)
{
  g_return_val_if_fail (update != NULL, NULL);

  return update->has_status ? &update->status : NULL;
}

guint
companies_list_update_get_n_companies (CompaniesListUpdate *update)
{
  g_return_val_if_fail (update != NULL, 0);

  return update->n_companies;
}

#define SEED G_GUINT64_CONSTANT (0xcbf29ce484222325)

static inline guint64
mix (guint64 hash,
     guint64 word)
{
  hash ^= word;
  hash *= G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return hash ^ (hash >> 29);
}

/* A word at a time; the length goes into the last word, so that "ab","c"
 * and "a","bc" differ. */
static inline guint64
hash_bytes (guint64     hash,
            const char *data,
            gsize       length)
{
  guint64 word = 0;
  gsize rest = length;

  for (; rest >= 8; rest -= 8, data += 8)
    {
      memcpy (&word, data, 8);
      hash = mix (hash, word);
    }

  word = 0;
  memcpy (&word, data, rest);
  return mix (hash, word ^ ((guint64) length << 56) ^ G_GUINT64_CONSTANT (0x5bd1e995));
}

static inline guint64
hash_string (guint64     hash,
             const char *string)
{
  return string != NULL ? hash_bytes (hash, string, strlen (string)) : mix (hash, G_MAXUINT64);
}

guint
companies_uuid_hash (gconstpointer key)
{
  guint64 hash = hash_string (SEED, key);

  return (guint) (hash ^ (hash >> 32));
}

/* Everything companies_company_equal () compares, in one number. */
static guint64
get_signature (CompaniesCompany *company)
{
  const char * const *values = companies_company_get_fields (company);
  guint64 hash = SEED;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    hash = hash_string (hash, values[i]);

  hash = mix (hash, (guint64) companies_company_get_id (company));
  hash = mix (hash, (guint64) companies_company_get_version (company));
  hash = mix (hash, (companies_company_get_is_from_server (company) << 0) |
                    (companies_company_get_is_modified (company) << 1) |
                    (companies_company_get_is_active (company) << 2) |
                    ((guint64) companies_company_get_changed_fields (company) << 3));
  hash = hash_string (hash, companies_company_get_rejection_code (company));
  hash = hash_string (hash, companies_company_get_rejection_field (company));
  hash = hash_string (hash, companies_company_get_rejection_message (company));

  return hash;
}

typedef struct
{
  GPtrArray *companies;
  guint64   *signatures;
  guint      start;
  guint      end;
  gboolean   with_keys;
} PrepareRange;

static gpointer
prepare_range (gpointer data)
{
  PrepareRange *range = data;

  for (guint i = range->start; i < range->end; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (range->companies, i);

      range->signatures[i] = get_signature (company);
      if (range->with_keys)
        companies_row_key_prepare (company);
    }

  return NULL;
}

/* What each row needs alone (its signature; its folded key when every
 * row is new, as at the first read): on two cores, half of the rows in
 * another thread. The hash tables are then filled in one thread. */
static guint64 *
prepare_rows (GPtrArray *companies,
              gboolean   with_keys)
{
  guint64 *signatures = g_new (guint64, companies->len);
  PrepareRange first = { companies, signatures, 0, companies->len / 2, with_keys };
  PrepareRange second = { companies, signatures, companies->len / 2, companies->len, with_keys };
  GThread *thread = NULL;

  if (companies->len >= 8192 && g_get_num_processors () > 1)
    thread = g_thread_try_new ("companies-prepare", prepare_range, &second, NULL);
  if (thread == NULL)
    first.end = companies->len;

  prepare_range (&first);
  if (thread != NULL)
    g_thread_join (thread);

  return signatures;
}

CompaniesListUpdate *
companies_list_update_compute (GPtrArray           *companies,
                               CompaniesSignatures *previous,
                               gboolean             with_index,
                               GCancellable        *cancellable)
{
  g_autoptr(CompaniesListUpdate) update = g_new0 (CompaniesListUpdate, 1);
  CompaniesSignatures *signatures;
  g_autofree guint64 *row_signatures = NULL;
  guint n_known = 0;

  update->added = g_ptr_array_new_with_free_func (g_object_unref);
  update->changed = g_ptr_array_new_with_free_func (g_object_unref);
  update->removed = g_ptr_array_new_with_free_func (g_free);
  update->n_companies = companies->len;

  signatures = update->signatures = g_atomic_rc_box_new0 (CompaniesSignatures);
  signatures->table = g_hash_table_new (companies_uuid_hash, g_str_equal);
  signatures->uuids = g_string_chunk_new (64 * 1024);

  if (with_index && previous == NULL)
    update->index = g_hash_table_new_full (companies_uuid_hash, g_str_equal, NULL, g_object_unref);

  row_signatures = prepare_rows (companies, previous == NULL);

  for (guint i = 0; i < companies->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (companies, i);
      const char *uuid = companies_company_get_uuid (company);
      /* Truncated where a pointer is 32 bits: still enough to notice. */
      guintptr signature = (guintptr) row_signatures[i];
      gpointer known;

      if (i % 4096 == 0 && g_cancellable_is_cancelled (cancellable))
        return NULL;

      g_hash_table_insert (signatures->table,
                           g_string_chunk_insert (signatures->uuids, uuid),
                           (gpointer) signature);

      if (previous == NULL || !g_hash_table_lookup_extended (previous->table, uuid, NULL, &known))
        {
          companies_row_key_prepare (company);
          g_ptr_array_add (update->added, g_object_ref (company));
          /* Keyed by the company's own uuid: replace, never insert, so
           * that the key always belongs to the value. */
          if (update->index != NULL)
            g_hash_table_replace (update->index, (gpointer) uuid, g_object_ref (company));
          continue;
        }

      n_known++;

      if ((guintptr) known != signature)
        {
          companies_row_key_prepare (company);
          g_ptr_array_add (update->changed, g_object_ref (company));
        }
    }

  /* Every previous row still there: none went. */
  if (previous != NULL && n_known < g_hash_table_size (previous->table))
    {
      GHashTableIter iter;
      gpointer uuid;

      g_hash_table_iter_init (&iter, previous->table);
      while (g_hash_table_iter_next (&iter, &uuid, NULL))
        {
          if (!g_hash_table_contains (signatures->table, uuid))
            g_ptr_array_add (update->removed, g_strdup (uuid));
        }
    }

  return g_steal_pointer (&update);
}

typedef struct
{
  guint64           prefix;  /* the first 8 bytes of @name, big-endian */
  const char       *name;    /* folded, in the row's key */
  gsize             length;
  CompaniesCompany *company;
} NamedRow;

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const NamedRow *row_a = *(const NamedRow **) a;
  const NamedRow *row_b = *(const NamedRow **) b;
  int result;

  /* Most names differ in their first 8 bytes: one integer comparison. */
  if (row_a->prefix != row_b->prefix)
    return row_a->prefix < row_b->prefix ? -1 : 1;

  result = memcmp (row_a->name, row_b->name, MIN (row_a->length, row_b->length));

  return result != 0 ? result : (row_a->length > row_b->length) - (row_a->length < row_b->length);
}

/* Orders @companies as CompaniesFieldSorter orders them by name; stable. */
static void
sort_by_name (GPtrArray *companies)
{
  g_autofree NamedRow *rows = g_new (NamedRow, companies->len);
  g_autofree NamedRow **order = g_new (NamedRow *, companies->len);

  for (guint i = 0; i < companies->len; i++)
    {
      guint64 prefix = 0;

      rows[i].company = g_ptr_array_index (companies, i);
      rows[i].name = companies_row_key_get_field (rows[i].company, COMPANIES_FIELD_NAME, &rows[i].length);
      memcpy (&prefix, rows[i].name, MIN (rows[i].length, sizeof prefix));
      rows[i].prefix = GUINT64_FROM_BE (prefix);
      order[i] = &rows[i];
    }

  /* Pointers, which the merge sort moves faster than structures. */
  g_qsort_with_data (order, companies->len, sizeof (NamedRow *), compare_names, NULL);

  for (guint i = 0; i < companies->len; i++)
    companies->pdata[i] = order[i]->company;
}

CompaniesListUpdate *
companies_list_update_read (const char           *path,
                            CompaniesSignatures  *previous,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GPtrArray) companies = NULL;
  CompaniesListUpdate *update;
  gint64 opened, started, listed;

  opened = g_get_monotonic_time ();
  store = companies_local_store_open (path, error);
  if (store == NULL)
    return NULL;

  started = g_get_monotonic_time ();
  companies = companies_local_store_list_unordered (store, error);
  if (companies == NULL)
    return NULL;
  listed = g_get_monotonic_time ();

  update = companies_list_update_compute (companies, previous, TRUE, cancellable);
  if (update == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return NULL;
    }

  update->has_status = companies_local_store_get_status (store, &update->status, NULL);

  /* New rows in the order the list starts sorted in (by name, as the
   * column view sorts): the sort model then finds them in order, one
   * comparison a row, instead of sorting 100,000 rows on the main
   * thread. A stable sort: equal names keep the store's order. */
  sort_by_name (update->added);

  g_debug ("Opened the store in %.1f ms, listed %u companies in %.1f ms, compared and sorted them in %.1f ms: %u new, %u changed, %u gone",
           (started - opened) / 1000.0,
           companies->len,
           (listed - started) / 1000.0,
           (g_get_monotonic_time () - listed) / 1000.0,
           update->added->len, update->changed->len, update->removed->len);

  return update;
}
