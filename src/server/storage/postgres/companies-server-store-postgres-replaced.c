/* companies-server-store-postgres-replaced.c: both sides told, in the
 * PostgreSQL store, as in the SQLite one (docs/notices.md): who wrote a
 * value (from history), and the `replaced` entries kept for the client
 * whose value a later write replaced unseen
 *
 * An add and its bounds are one statement: one round trip. A pull runs in
 * a read-only transaction, and acknowledges nothing (see
 * companies-server-sync.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-fields.h"
#include "companies-server-store-postgres-private.h"

gboolean
companies_server_postgres_find_writer (CompaniesServerStore  *store,
                                       gint64                 id,
                                       const char            *field,
                                       gint64                 version,
                                       char                 **out_client_id,
                                       char                 **out_by,
                                       gint64                *out_at,
                                       GError               **error)
{
  g_autoptr(PGresult) result = NULL;

  result = companies_server_postgres_query ((CompaniesServerStorePostgres *) store,
                                            PG_STMT_HISTORY_WRITER, error, "iti", id, field,
                                            version);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) > 0)
    {
      *out_client_id = companies_server_postgres_dup_value_or_null (result, 0, 0);
      *out_by = companies_server_postgres_dup_value_or_null (result, 0, 1);
      *out_at = companies_server_postgres_get_int (result, 0, 2);
    }

  return TRUE;
}

gboolean
companies_server_postgres_add_replaced (CompaniesServerStore     *store,
                                        const char               *client_id,
                                        const CompaniesReplaced  *entry,
                                        GError                  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = companies_server_postgres_query ((CompaniesServerStorePostgres *) store,
                                            PG_STMT_REPLACED_ADD, error, "titttititiii",
                                            client_id, entry->id, entry->uuid,
                                            companies_field_get_name (entry->field),
                                            entry->lost, entry->lost_version,
                                            entry->current, entry->current_version,
                                            entry->by, entry->at,
                                            (gint64) COMPANIES_MAX_REPLACED,
                                            (gint64) COMPANIES_SERVER_REPLACED_TOTAL);
  return result != NULL;
}

gboolean
companies_server_postgres_take_replaced (CompaniesServerStore  *store,
                                         const char            *client_id,
                                         gint64                 acked,
                                         gint64                 after,
                                         gint64                 up_to,
                                         GPtrArray             *entries,
                                         GError               **error)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;
  g_autoptr(PGresult) result = NULL;

  if (acked > 0)
    {
      result = companies_server_postgres_query (self, PG_STMT_REPLACED_ACK, error, "ti",
                                                client_id, acked);
      if (result == NULL)
        return FALSE;
      g_clear_pointer (&result, PQclear);
    }

  if (up_to <= after)
    return TRUE;

  result = companies_server_postgres_query (self, PG_STMT_REPLACED_LIST, error, "tiii", client_id,
                                            after, up_to, (gint64) COMPANIES_MAX_REPLACED);
  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      g_autoptr(CompaniesReplaced) entry = companies_replaced_new ();
      CompaniesField field;

      /* only our own code writes this table */
      if (!companies_field_from_name (PQgetvalue (result, row, 2), &field))
        continue;

      entry->id = companies_server_postgres_get_int (result, row, 0);
      entry->uuid = companies_server_postgres_dup_value_or_null (result, row, 1);
      entry->field = field;
      entry->lost = companies_server_postgres_dup_value_or_null (result, row, 3);
      entry->lost_version = companies_server_postgres_get_int (result, row, 4);
      entry->current = companies_server_postgres_dup_value_or_null (result, row, 5);
      entry->current_version = companies_server_postgres_get_int (result, row, 6);
      entry->by = companies_server_postgres_dup_value_or_null (result, row, 7);
      entry->at = companies_server_postgres_get_int (result, row, 8);
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }

  return TRUE;
}
