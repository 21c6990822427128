/* companies-server-page.c: the page of a sync response (docs/protocol.md
 * section 3, "Paging")
 *
 * A page holds at most `limit` changes and at most
 * COMPANIES_MAX_PAGE_BYTES of encoded records, the echoes of the request
 * included; it always holds one change when any waits, so a client that
 * reads until has_more is false always gets on. With every field at its
 * limit a record takes about 47 KB: 10000 of them would make a 470 MB
 * answer that no client takes within its timeout.
 *
 * The changes are read in small batches, so the server never holds much
 * more than one page in memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include "companies-server-page.h"

#define PAGE_BATCH 256

/* {"id":,"uuid":"","version":} with two 20-digit integers, a 36-character
 * uuid and the comma before it. */
#define RECORD_HEAD_BYTES (28 + 2 * 20 + 36 + 1)

/* The bytes of @value as a JSON string, quotes included (see
 * docs/protocol.md section 3: the escapes of response text). */
static gsize
string_bytes (const char *value)
{
  gsize bytes = 2;

  if (value == NULL)
    return bytes;

  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\' || *p == '\n' || *p == '\r' || *p == '\t')
        bytes += 2;
      else if (*p < 0x20)
        bytes += 6;
      else
        bytes += 1;
    }

  return bytes;
}

gsize
companies_server_page_record_bytes (const CompaniesServerRecord *record)
{
  gsize bytes = RECORD_HEAD_BYTES;

  g_return_val_if_fail (record != NULL, 0);

  if (record->deleted)
    return bytes;

  /* ,"name":"…" for each field */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    bytes += strlen (companies_field_get_name (i)) + 4 + string_bytes (record->company->values[i]);

  return bytes;
}

/* The bytes of @record's entry in this answer: an entry of `created`
 * (revision 1.8) has the head only. */
static gsize
entry_bytes (CompaniesServerMerge        *merge,
             const CompaniesServerRecord *record)
{
  if (companies_server_merge_created_as_sent (merge, record))
    return RECORD_HEAD_BYTES;

  return companies_server_page_record_bytes (record);
}

static gint
compare_by_version (gconstpointer a,
                    gconstpointer b)
{
  const CompaniesRecord *ra = (*(CompaniesServerRecord * const *) a)->company;
  const CompaniesRecord *rb = (*(CompaniesServerRecord * const *) b)->company;

  return (ra->version > rb->version) - (ra->version < rb->version);
}

/* The current state of every record the request named, by id; their bytes
 * go to *@out_bytes. */
static GHashTable *
collect_echoes (CompaniesServerStore  *store,
                CompaniesServerMerge  *merge,
                gsize                 *out_bytes,
                GError               **error)
{
  g_autoptr(GHashTable) echoes = NULL;
  const GArray *named_ids = companies_server_merge_get_named_ids (merge);

  echoes = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                  (GDestroyNotify) companies_server_record_free);
  *out_bytes = 0;

  for (guint i = 0; i < named_ids->len; i++)
    {
      gint64 id = g_array_index (named_ids, gint64, i);
      CompaniesServerRecord *record = companies_server_merge_steal_written (merge, id);

      if (record == NULL &&
          !companies_server_store_lookup_by_id (store, id, &record, error))
        return NULL;
      if (record == NULL)
        continue;

      *out_bytes += entry_bytes (merge, record);
      g_hash_table_replace (echoes, &record->company->id, record);
    }

  return g_steal_pointer (&echoes);
}

gboolean
companies_server_page_build (CompaniesServerStore   *store,
                             CompaniesServerMerge   *merge,
                             CompaniesSyncResponse  *response,
                             gint64                  after_version,
                             gboolean                alive_only,
                             guint                   limit,
                             gint64                  last_version,
                             gint64                 *out_cursor_version,
                             GError                **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_server_record_free);
  g_autoptr(GHashTable) echoes = NULL;
  gint64 read_after = after_version;
  gboolean done = FALSE;
  gsize bytes = 0;

  g_return_val_if_fail (limit > 0, FALSE);

  echoes = collect_echoes (store, merge, &bytes, error);
  if (echoes == NULL)
    return FALSE;

  response->has_more = FALSE;
  while (!done)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_server_record_free);
      guint wanted = MIN (PAGE_BATCH, limit + 1 - records->len);

      /* One more than the limit tells whether more changes wait. */
      if (!companies_server_store_list_changes (store, read_after, alive_only, wanted, batch, error))
        return FALSE;

      for (guint i = 0; i < batch->len && !done; i++)
        {
          CompaniesServerRecord *record = g_ptr_array_index (batch, i);
          gboolean echoed = g_hash_table_contains (echoes, &record->company->id);
          gsize record_bytes = echoed ? 0 : entry_bytes (merge, record);

          if (records->len == limit ||
              (records->len > 0 && bytes + record_bytes > COMPANIES_MAX_PAGE_BYTES))
            {
              response->has_more = TRUE;
              done = TRUE;
              break;
            }

          bytes += record_bytes;
          if (echoed)
            g_hash_table_remove (echoes, &record->company->id);
          read_after = record->company->version;
          g_ptr_array_add (records, g_steal_pointer (&batch->pdata[i]));
        }

      if (batch->len < wanted)
        done = TRUE;
    }

  *out_cursor_version = response->has_more ? read_after : last_version;

  /* The echoes the page lacks. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, echoes);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        g_hash_table_iter_steal (&iter);
        g_ptr_array_add (records, value);
      }
  }

  g_ptr_array_sort (records, compare_by_version);

  for (guint i = 0; i < records->len; i++)
    {
      CompaniesServerRecord *record = g_ptr_array_index (records, i);
      gboolean created = companies_server_merge_created_as_sent (merge, record);
      CompaniesRecord *company = companies_server_record_steal_to_protocol (record);

      /* The records are dropped with the page: their strings move. */
      if (created)
        {
          for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
            g_clear_pointer (&company->values[f], g_free);
          g_ptr_array_add (response->created, company);
        }
      else
        g_ptr_array_add (record->deleted ? response->deleted : response->companies, company);
    }

  return TRUE;
}
