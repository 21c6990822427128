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
  g_clear_pointer (&batch->request, companies_sync_request_free);
  g_free (batch);
}

char *
companies_push_batch_key (CompaniesChangeKind  kind,
                          const char          *uuid)
{
  /* Called for every record pushed: no printf. */
  gsize length = strlen (uuid);
  char *key = g_malloc (length + 3);

  key[0] = (char) ('0' + (int) kind);
  key[1] = ':';
  memcpy (key + 2, uuid, length + 1);
  return key;
}
