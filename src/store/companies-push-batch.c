/* companies-push-batch.c: CompaniesPushBatch, a sync request ready to
 * send with what was pushed (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <string.h>

#include "companies-push-batch.h"

void
companies_push_batch_free (CompaniesPushBatch *batch)
{
  if (batch == NULL)
    return;

  g_clear_pointer (&batch->pushed, g_hash_table_unref);
  g_clear_pointer (&batch->encoded_changes, g_bytes_unref);
  g_clear_pointer (&batch->request, companies_sync_request_free);
  g_free (batch);
}

/* Writes the key into @key, which holds @length + 3 bytes. Called for
 * every record pushed: no printf. */
static char *
write_key (char                *key,
           CompaniesChangeKind  kind,
           const char          *uuid,
           gsize                length)
{
  key[0] = (char) ('0' + (int) kind);
  key[1] = ':';
  memcpy (key + 2, uuid, length + 1);
  return key;
}

char *
companies_push_batch_key (CompaniesChangeKind  kind,
                          const char          *uuid)
{
  gsize length = strlen (uuid);

  return write_key (g_malloc (length + 3), kind, uuid, length);
}

gboolean
companies_push_batch_keys_contain (GHashTable          *keys,
                                   CompaniesChangeKind  kind,
                                   const char          *uuid)
{
  gsize length = strlen (uuid);
  char room[COMPANIES_PUSH_BATCH_KEY_ROOM];
  g_autofree char *allocated = NULL;

  if (length + 3 > sizeof room)
    return g_hash_table_contains (keys, allocated = companies_push_batch_key (kind, uuid));

  return g_hash_table_contains (keys, write_key (room, kind, uuid, length));
}
