/* companies-server-history-fill.c: the history a database starts with
 * when its schema is upgraded to one that keeps history
 *
 * What was written before the upgrade left no history, but the companies
 * hold their current values: each becomes the first entry of its field,
 * so the history of an old company is not empty (docs/history.md). When
 * it was written is not kept, so the entry is dated at the upgrade; who
 * wrote it is unknown (NULL, which the app shows as "unknown"). A field
 * that never had a version of its own (0) takes the company's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-fields.h"
#include "companies-server-history-fill.h"

char *
companies_server_history_fill_sql (gint64 now)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  /* Plain SQL that SQLite and PostgreSQL both take; the columns are named
   * after the fields, constants of companies-fields.c, never input. The
   * rows go in by company, then field: the order their seq keeps. */
  g_string_append (sql, "INSERT INTO history (company_id, field, value, version, at, author) "
                        "SELECT company_id, field, value, version, ");
  g_string_append_printf (sql, "%" G_GINT64_FORMAT ", NULL FROM (", now);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *name = companies_field_get_name (i);

      g_string_append_printf (sql,
                              "%sSELECT id AS company_id, %u AS n, '%s' AS field, %s AS value, "
                              "CASE WHEN %s_v > 0 THEN %s_v ELSE version END AS version "
                              "FROM company WHERE deleted_at IS NULL AND %s <> ''",
                              i > 0 ? " UNION ALL " : "", i, name, name, name, name, name);
    }
  g_string_append (sql, ") AS fill ORDER BY company_id, n");

  return g_string_free (g_steal_pointer (&sql), FALSE);
}
