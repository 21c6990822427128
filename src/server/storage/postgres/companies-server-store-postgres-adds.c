/* companies-server-store-postgres-adds.c: the adds of a request whose
 * uuids the database does not hold, kept and sent as one statement (its
 * columns as arrays, unnest) instead of one statement an add
 *
 * A big push is mostly adds, and PostgreSQL spent much of an add's time
 * on the statement around it (its start, its plan's setup, the protocol
 * messages) rather than on the rows. The adds kept are sent before any
 * other statement (companies-server-store-postgres-pipeline.c), so
 * statements still run in the order the store made them, and at the
 * latest when their request's savepoint is released: their answer must
 * be as many rows inserted, or the request fails and its savepoint
 * undoes it, as an add sent alone would. Only uuids looked up inside the
 * writer's turn (expect_adds) come here: no other server inserts them
 * meanwhile (docs/postgresql.md, "Versions commit in order").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-store-postgres-private.h"

/* Adds sent in one statement: a few hundred kilobytes of arrays. */
#define ADDS_BATCH 500

/* Appends @text as the next element of array literal @column: quoted,
 * with quotes and backslashes escaped. */
static void
append_text (GString    *column,
             const char *text)
{
  g_string_append (column, column->len > 1 ? ",\"" : "\"");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (column, '\\');
      g_string_append_c (column, *p);
    }
  g_string_append_c (column, '"');
}

static void
append_int (GString *column,
            gint64   value)
{
  g_string_append_printf (column, column->len > 1 ? ",%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT,
                          value);
}

gboolean
companies_server_postgres_adds_keep (CompaniesServerStorePostgres  *self,
                                     const char                    *uuid,
                                     gint64                         version,
                                     gint64                         id,
                                     const char * const            *values,
                                     GError                       **error)
{
  if (self->n_adds == 0)
    for (guint i = 0; i < PG_ADD_N_COLUMNS; i++)
      {
        if (self->adds[i] == NULL)
          self->adds[i] = g_string_new (NULL);
        g_string_assign (self->adds[i], "{");
      }

  append_text (self->adds[PG_ADD_UUID], uuid);
  append_int (self->adds[PG_ADD_VERSION], version);
  append_int (self->adds[PG_ADD_ID], id);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    append_text (self->adds[PG_ADD_FIELDS + i], values[i] != NULL ? values[i] : "");
  self->n_adds++;

  if (self->n_adds >= ADDS_BATCH)
    return companies_server_postgres_adds_send (self, error);

  return TRUE;
}

gboolean
companies_server_postgres_adds_send (CompaniesServerStorePostgres  *self,
                                     GError                       **error)
{
  CompaniesServerStore *store = (CompaniesServerStore *) self;
  PgParams params = { .n = 0 };
  guint n_adds = self->n_adds;
  GError *local_error = NULL;
  const char *name;

  if (n_adds == 0)
    return TRUE;

  /* Sent once: whatever comes of it, they are no longer kept. */
  self->n_adds = 0;
  for (guint i = 0; i < PG_ADD_N_COLUMNS; i++)
    {
      g_string_append_c (self->adds[i], '}');
      companies_server_postgres_params_text (&params, self->adds[i]->str);
    }
  companies_server_postgres_params_add (&params, "itt", store->author_at, store->author,
                                        store->writer);

  name = companies_server_postgres_prepare (self, PG_STMT_INSERT_MANY, &local_error);
  if (name == NULL ||
      !companies_server_postgres_pipeline_send_rows (self, PG_PIPED_ADD, n_adds, name, &params,
                                                     &local_error))
    {
      companies_server_postgres_note_failure (self, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

void
companies_server_postgres_adds_clear (CompaniesServerStorePostgres *self)
{
  self->n_adds = 0;
}

/* The strings themselves go with the store. */
void
companies_server_postgres_adds_free (CompaniesServerStorePostgres *self)
{
  for (guint i = 0; i < PG_ADD_N_COLUMNS; i++)
    if (self->adds[i] != NULL)
      g_string_free (g_steal_pointer (&self->adds[i]), TRUE);
  self->n_adds = 0;
}
