/* companies-server-store.c: the backend-independent part of the store:
 * its error domain and the calls through the table of functions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-store.h"

G_DEFINE_QUARK (companies-server-store-error-quark, companies_server_store_error)

const char *
companies_server_store_get_database_uuid (CompaniesServerStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->database_uuid;
}

void
companies_server_store_close (CompaniesServerStore *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->writer, g_free);
  self->vtable->close (self);
}

gboolean
companies_server_store_begin (CompaniesServerStore  *self,
                              GError               **error)
{
  return self->vtable->begin (self, error);
}

gboolean
companies_server_store_commit (CompaniesServerStore  *self,
                               GError               **error)
{
  return self->vtable->commit (self, error);
}

void
companies_server_store_rollback (CompaniesServerStore *self)
{
  self->vtable->rollback (self);
}

gboolean
companies_server_store_savepoint (CompaniesServerStore  *self,
                                  GError               **error)
{
  return self->vtable->savepoint (self, error);
}

gboolean
companies_server_store_release (CompaniesServerStore  *self,
                                GError               **error)
{
  return self->vtable->release (self, error);
}

gboolean
companies_server_store_rollback_to (CompaniesServerStore *self)
{
  return self->vtable->rollback_to (self);
}

gboolean
companies_server_store_get_state (CompaniesServerStore       *self,
                                  CompaniesServerStoreState  *out_state,
                                  GError                    **error)
{
  return self->vtable->get_state (self, out_state, error);
}

gboolean
companies_server_store_next_version (CompaniesServerStore  *self,
                                     gint64                *out_version,
                                     GError               **error)
{
  return self->vtable->next_version (self, out_version, error);
}

gboolean
companies_server_store_lookup_by_id (CompaniesServerStore   *self,
                                     gint64                  id,
                                     CompaniesServerRecord **out_record,
                                     GError                **error)
{
  return self->vtable->lookup_by_id (self, id, out_record, error);
}

gboolean
companies_server_store_lookup_by_uuid (CompaniesServerStore   *self,
                                       const char             *uuid,
                                       CompaniesServerRecord **out_record,
                                       GError                **error)
{
  return self->vtable->lookup_by_uuid (self, uuid, out_record, error);
}

gboolean
companies_server_store_expect_adds (CompaniesServerStore  *self,
                                    const char * const    *uuids,
                                    guint                  n_uuids,
                                    GError               **error)
{
  if (self->vtable->expect_adds == NULL)
    return TRUE;

  return self->vtable->expect_adds (self, uuids, n_uuids, error);
}

gboolean
companies_server_store_insert (CompaniesServerStore  *self,
                               const char            *uuid,
                               const char * const    *values,
                               gint64                 version,
                               gint64                *out_id,
                               GError               **error)
{
  return self->vtable->insert (self, uuid, values, version, out_id, error);
}

gboolean
companies_server_store_update_fields (CompaniesServerStore  *self,
                                      gint64                 id,
                                      guint                  mask,
                                      const char * const    *values,
                                      gint64                 version,
                                      GError               **error)
{
  return self->vtable->update_fields (self, id, mask, values, version, error);
}

gboolean
companies_server_store_tombstone (CompaniesServerStore  *self,
                                  gint64                 id,
                                  gint64                 version,
                                  gint64                 deleted_at,
                                  GError               **error)
{
  return self->vtable->tombstone (self, id, version, deleted_at, error);
}

gboolean
companies_server_store_list_changes (CompaniesServerStore  *self,
                                     gint64                 after_version,
                                     gboolean               alive_only,
                                     guint                  max,
                                     GPtrArray             *records,
                                     GError               **error)
{
  return self->vtable->list_changes (self, after_version, alive_only, max, records, error);
}

gboolean
companies_server_store_purge_tombstones (CompaniesServerStore  *self,
                                         gint64                 deleted_before,
                                         guint                 *out_n_purged,
                                         GError               **error)
{
  return self->vtable->purge_tombstones (self, deleted_before, out_n_purged, error);
}

/* The backends start from zeroed memory: zero bounds are the defaults. */
static guint
history_days (CompaniesServerStore *self)
{
  return self->history_days != 0 ? self->history_days : COMPANIES_SERVER_HISTORY_DAYS;
}

void
companies_server_store_set_history_bounds (CompaniesServerStore *self,
                                           guint                 days,
                                           guint                 entries)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (entries >= 1);

  /* G_MAXUINT: no bound by age (0 is "the default") */
  self->history_days = days != 0 ? days : G_MAXUINT;
  self->history_entries = entries;
}

void
companies_server_store_set_author (CompaniesServerStore *self,
                                   const char           *author,
                                   gint64                at)
{
  g_return_if_fail (self != NULL);

  g_free (self->author);
  self->author = g_strdup (author);
  self->author_at = at;
}

void
companies_server_store_set_writer (CompaniesServerStore *self,
                                   const char           *client_id)
{
  g_return_if_fail (self != NULL);

  g_free (self->writer);
  self->writer = g_strdup (client_id);
}

gboolean
companies_server_store_find_writer (CompaniesServerStore  *self,
                                    gint64                 id,
                                    const char            *field,
                                    gint64                 version,
                                    char                 **out_client_id,
                                    char                 **out_by,
                                    gint64                *out_at,
                                    GError               **error)
{
  *out_client_id = NULL;
  *out_by = NULL;
  *out_at = 0;
  return self->vtable->find_writer (self, id, field, version, out_client_id, out_by, out_at, error);
}

gboolean
companies_server_store_add_replaced (CompaniesServerStore     *self,
                                     const char               *client_id,
                                     const CompaniesReplaced  *entry,
                                     GError                  **error)
{
  return self->vtable->add_replaced (self, client_id, entry, error);
}

gboolean
companies_server_store_take_replaced (CompaniesServerStore  *self,
                                      const char            *client_id,
                                      gint64                 acked,
                                      gint64                 after,
                                      gint64                 up_to,
                                      GPtrArray             *entries,
                                      GError               **error)
{
  return self->vtable->take_replaced (self, client_id, acked, after, up_to, entries, error);
}

gint64
companies_server_store_history_horizon (CompaniesServerStore *self,
                                        gint64                now)
{
  if (history_days (self) == G_MAXUINT)
    return G_MININT64;

  return now - (gint64) history_days (self) * 24 * 60 * 60;
}

gboolean
companies_server_store_list_history (CompaniesServerStore  *self,
                                     gint64                 id,
                                     guint                  max,
                                     GPtrArray             *entries,
                                     GError               **error)
{
  return self->vtable->list_history (self, id, max, entries, error);
}

gboolean
companies_server_store_prune_history (CompaniesServerStore  *self,
                                      gint64                 now,
                                      GError               **error)
{
  gint64 horizon = companies_server_store_history_horizon (self, now);

  if (horizon == G_MININT64)
    return TRUE;

  return self->vtable->prune_history (self, horizon, error);
}

guint
companies_server_store_history_entries (CompaniesServerStore *self)
{
  return self->history_entries != 0 ? self->history_entries : COMPANIES_SERVER_HISTORY_ENTRIES;
}
