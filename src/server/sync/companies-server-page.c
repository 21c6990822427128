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
 * more than one page in memory. A request's own writes are not read back:
 * they are the changes after the version where it started, and the page
 * takes them as the merge holds them, when they are each of those
 * versions (a client pushing at the head of the changes reads nothing
 * back; docs/sync-1m.md, round 11).
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

/* The echoes this request wrote (versions above @written_after, up to
 * @last_version), in version order; NULL unless they are every version
 * of that span: each write takes the next version, and a record written
 * twice leaves a gap that only the store can fill. */
static GPtrArray *
own_writes (GHashTable *echoes,
            gint64      written_after,
            gint64      last_version)
{
  g_autoptr(GPtrArray) own = g_ptr_array_sized_new (g_hash_table_size (echoes));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, echoes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CompaniesServerRecord *record = value;

      if (record->company->version > written_after)
        g_ptr_array_add (own, record);
    }

  if ((gint64) own->len != last_version - written_after)
    return NULL;
  g_ptr_array_sort (own, compare_by_version);
  for (guint i = 0; i < own->len; i++)
    {
      CompaniesServerRecord *record = g_ptr_array_index (own, i);

      if (record->company->version != written_after + 1 + (gint64) i)
        return NULL;
    }

  return g_steal_pointer (&own);
}

/* The page so far, and where it stands. */
typedef struct
{
  CompaniesSyncResponse *response;
  GPtrArray             *records;
  GHashTable            *echoes;
  guint                  limit;
  gsize                  bytes;
  gint64                 read_after;
  gboolean               done;
} Page;

/* Puts the change @record (owned, or an echo of page->echoes) into the
 * page, or ends the page when it is full: has_more. */
static void
take_change (Page                  *page,
             CompaniesServerMerge  *merge,
             CompaniesServerRecord *record)
{
  gboolean echoed = g_hash_table_lookup (page->echoes, &record->company->id) != NULL;
  gsize record_bytes = echoed ? 0 : entry_bytes (merge, record);

  if (page->records->len == page->limit ||
      (page->records->len > 0 && page->bytes + record_bytes > COMPANIES_MAX_PAGE_BYTES))
    {
      page->response->has_more = TRUE;
      page->done = TRUE;
      return;
    }

  page->bytes += record_bytes;
  page->read_after = record->company->version;
  if (echoed)
    {
      CompaniesServerRecord *echo = NULL;

      /* The echo's copy goes; the one taken stays (they are the same
       * record when it came from the echoes). */
      g_hash_table_steal_extended (page->echoes, &record->company->id, NULL, (gpointer *) &echo);
      if (echo != record)
        companies_server_record_free (echo);
    }
  g_ptr_array_add (page->records, record);
}

gboolean
companies_server_page_build (CompaniesServerStore   *store,
                             CompaniesServerMerge   *merge,
                             CompaniesSyncResponse  *response,
                             gint64                  after_version,
                             gboolean                alive_only,
                             guint                   limit,
                             gint64                  written_after,
                             gint64                  last_version,
                             gint64                 *out_cursor_version,
                             GError                **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) echoes = NULL;
  g_autoptr(GPtrArray) own = NULL;
  /* The store is read up to this version; the request's own writes
   * after it come from the echoes, when they are all there. */
  gint64 read_up_to = G_MAXINT64;
  Page page = { response, NULL, NULL, limit, 0, after_version, FALSE };

  g_return_val_if_fail (limit > 0, FALSE);

  echoes = collect_echoes (store, merge, &page.bytes, error);
  if (echoes == NULL)
    return FALSE;
  /* Sized once: growing a large array moves it, and glibc consolidates
   * its free lists at each move (seen in perf). */
  records = g_ptr_array_new_full (MIN (limit, PAGE_BATCH) + g_hash_table_size (echoes),
                                  (GDestroyNotify) companies_server_record_free);
  page.records = records;
  page.echoes = echoes;

  own = written_after < last_version ? own_writes (echoes, written_after, last_version) : NULL;
  if (own != NULL)
    read_up_to = written_after;

  response->has_more = FALSE;
  while (!page.done && page.read_after < read_up_to)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_server_record_free);
      guint wanted = MIN (PAGE_BATCH, limit + 1 - records->len);
      gboolean past = FALSE;

      /* One more than the limit tells whether more changes wait. */
      if (!companies_server_store_list_changes (store, page.read_after, alive_only, wanted, batch, error))
        return FALSE;

      for (guint i = 0; i < batch->len && !page.done && !past; i++)
        {
          CompaniesServerRecord *record = g_ptr_array_index (batch, i);

          past = record->company->version > read_up_to;
          if (!past)
            {
              take_change (&page, merge, record);
              if (!page.done)
                batch->pdata[i] = NULL;
            }
        }

      if (past || batch->len < wanted)
        break;
    }

  /* The request's own writes after what was read, in version order: the
   * store holds them as the echoes do. */
  for (guint i = 0; own != NULL && i < own->len && !page.done; i++)
    {
      CompaniesServerRecord *record = g_ptr_array_index (own, i);

      if (!alive_only || !record->deleted)
        take_change (&page, merge, record);
    }

  *out_cursor_version = response->has_more ? page.read_after : last_version;

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
      CompaniesRecord *company;

      /* The records are dropped with the page: their strings move. One
       * created as sent goes by its head alone (the merge kept no values
       * for it). */
      if (companies_server_merge_created_as_sent (merge, record))
        {
          company = g_steal_pointer (&record->company);
          for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
            g_clear_pointer (&company->values[f], g_free);
          g_ptr_array_add (response->created, company);
          continue;
        }

      company = companies_server_record_steal_to_protocol (record);
      g_ptr_array_add (record->deleted ? response->deleted : response->companies, company);
    }

  return TRUE;
}
