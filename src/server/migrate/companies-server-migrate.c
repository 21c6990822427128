/* companies-server-migrate.c: `companies-server migrate --from FILE.db
 * --to URI`, which moves a SQLite deployment to PostgreSQL
 *
 * Every record goes over as it is: id, uuid, version, tombstone, each
 * field and its version; then the field history, entry by entry, oldest
 * first (value, version, time and who: the token labels it was written
 * with; docs/history.md), and a record's creation entries its row keeps
 * until a later write stores them (created_at, created_by and
 * created_client: docs/postgresql.md, "Round 9"); and the server state:
 * the database identity,
 * the last version, the newest id and the purge horizon. So the cursors
 * clients hold stay valid, and they go on without a reset
 * (docs/protocol.md, cursors). Stop the server first.
 *
 * The SQLite file is brought to the current schema (as the server would at
 * start) and then read in one read transaction; the PostgreSQL database
 * gets its schema and then everything in one transaction
 * (companies-server-import.c), so a failure leaves it empty. A target that
 * holds records or has handed out versions is refused.
 *
 * Exit status: 0 when done, 1 when it failed, 2 for bad options.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <sqlite3.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "companies-server-import.h"
#include "companies-server-migrate.h"
#include "companies-server-store-postgres.h"
#include "companies-server-store-sqlite.h"

#define EXIT_BAD_OPTIONS 2

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef struct
{
  gint64 n_records;
  gint64 n_tombstones;
  gint64 n_history;  /* rows of history */
  gint64 n_lazy;     /* creation entries kept in records */
} MigrateCounts;

static gboolean
sqlite_fail (sqlite3     *db,
             GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("Could not read the SQLite database: %s"), sqlite3_errmsg (db));
  return FALSE;
}

/* Opens each database with its own store once, so that both have the
 * current schema (the SQLite file is migrated as the server would; the
 * PostgreSQL database gets its tables). */
static gboolean
prepare_schemas (const char  *from,
                 const char  *to,
                 GError     **error)
{
  CompaniesServerStore *store;

  store = companies_server_store_sqlite_open (from, error);
  if (store == NULL)
    return FALSE;
  companies_server_store_close (store);

  store = companies_server_store_postgres_open (to, error);
  if (store == NULL)
    return FALSE;
  companies_server_store_close (store);

  return TRUE;
}

/* Whether the file has the creation columns: one made by a server before
 * them has its every history entry stored. */
static gboolean
has_creation_columns (sqlite3   *db,
                      gboolean  *out_has,
                      GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM pragma_table_info ('company') "
                          "WHERE name = 'created_at'", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return sqlite_fail (db, error);

  *out_has = sqlite3_column_int64 (stmt, 0) > 0;
  return TRUE;
}

/* The entries a record's creation columns stand for: its non-empty
 * fields. */
static gint64
count_creation_entries (const char * const *values)
{
  gint64 n = 0;

  if (values[COMPANIES_SERVER_IMPORT_CREATED_AT] == NULL)
    return 0;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *value = values[COMPANIES_SERVER_IMPORT_FIRST_FIELD + 2 * i];

      n += value != NULL && *value != '\0';
    }

  return n;
}

static gboolean
copy_records (sqlite3                *db,
              CompaniesServerImport  *import,
              MigrateCounts          *counts,
              GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *values[COMPANIES_SERVER_IMPORT_N_COLUMNS];
  gboolean has_creation;
  int rc;

  if (!has_creation_columns (db, &has_creation, error))
    return FALSE;

  if (sqlite3_prepare_v2 (db, has_creation ?
                          "SELECT " COMPANIES_SERVER_IMPORT_COLUMNS " FROM company ORDER BY id" :
                          "SELECT " COMPANIES_SERVER_IMPORT_FIELD_COLUMNS ", NULL, NULL, NULL "
                          "FROM company ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_fail (db, error);
  g_assert (sqlite3_column_count (stmt) == COMPANIES_SERVER_IMPORT_N_COLUMNS);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < COMPANIES_SERVER_IMPORT_N_COLUMNS; i++)
        values[i] = (const char *) sqlite3_column_text (stmt, i);

      if (!companies_server_import_record (import, values, error))
        return FALSE;

      counts->n_records++;
      if (values[3] != NULL)
        counts->n_tombstones++;
      counts->n_lazy += count_creation_entries (values);
    }

  if (rc != SQLITE_DONE)
    return sqlite_fail (db, error);

  return TRUE;
}

/* The history after the records, in the order it was written (seq). */
static gboolean
copy_history (sqlite3                *db,
              CompaniesServerImport  *import,
              MigrateCounts          *counts,
              GError                **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *values[COMPANIES_SERVER_IMPORT_HISTORY_N_COLUMNS];
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT " COMPANIES_SERVER_IMPORT_HISTORY_COLUMNS
                          " FROM history ORDER BY seq", -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_fail (db, error);
  g_assert (sqlite3_column_count (stmt) == COMPANIES_SERVER_IMPORT_HISTORY_N_COLUMNS);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < COMPANIES_SERVER_IMPORT_HISTORY_N_COLUMNS; i++)
        values[i] = (const char *) sqlite3_column_text (stmt, i);

      if (!companies_server_import_history (import, values, error))
        return FALSE;
      counts->n_history++;
    }

  if (rc != SQLITE_DONE)
    return sqlite_fail (db, error);

  return TRUE;
}

/* Reads the file in one read transaction, and writes the target in one. */
static gboolean
migrate (const char     *from,
         const char     *to,
         MigrateCounts  *counts,
         char          **out_database_uuid,
         GError        **error)
{
  g_autoptr(CompaniesServerImport) import = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CompaniesServerImportState state;
  sqlite3 *db = NULL;
  gboolean ok = FALSE;

  if (!prepare_schemas (from, to, error))
    return FALSE;

  if (sqlite3_open_v2 (from, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT database_uuid, last_version, purge_horizon, last_id, "
                          "created_at FROM server_state WHERE singleton = 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite_fail (db, error);
      goto out;
    }

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite_fail (db, error);
      goto out;
    }

  state.database_uuid = (const char *) sqlite3_column_text (stmt, 0);
  state.last_version = sqlite3_column_int64 (stmt, 1);
  state.purge_horizon = sqlite3_column_int64 (stmt, 2);
  state.last_id = sqlite3_column_int64 (stmt, 3);
  state.created_at = sqlite3_column_int64 (stmt, 4);

  import = companies_server_import_begin (to, error);
  if (import == NULL ||
      !copy_records (db, import, counts, error) ||
      !copy_history (db, import, counts, error) ||
      !companies_server_import_commit (import, &state, counts->n_records, counts->n_history,
                                       error))
    goto out;

  *out_database_uuid = g_strdup (state.database_uuid);
  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  return ok;
}

int
companies_server_migrate_main (int    argc,
                               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *target = NULL;
  g_autofree char *database_uuid = NULL;
  MigrateCounts counts = { 0, };
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      N_("The SQLite database of the server (stopped)"), N_("FILE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_("An empty PostgreSQL database (postgresql://…)"), N_("URI") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Move the records of a SQLite database of companies-server, "
                                  "with their ids, versions and the database identity, into an "
                                  "empty PostgreSQL database. Clients go on without a reset."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_OPTIONS;
    }

  if (argc > 1 || from == NULL || to == NULL || !companies_server_store_postgres_is_uri (to))
    {
      g_printerr (_("Usage: companies-server migrate --from FILE.db --to postgresql://…\n"));
      return EXIT_BAD_OPTIONS;
    }

  target = companies_server_store_postgres_describe (to);
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr (_("There is no SQLite database at %s\n"), from);
      return EXIT_FAILURE;
    }

  if (!migrate (from, to, &counts, &database_uuid, &error))
    {
      g_printerr (_("Could not migrate %s to %s: %s\n"), from, target, error->message);
      return EXIT_FAILURE;
    }

  g_print (_("Moved %lld records (%lld of them deleted) from %s to %s; the database is "
             "still %s.\n"),
           (long long) counts.n_records, (long long) counts.n_tombstones, from, target, database_uuid);
  /* the entries moved: those stored and those the records keep */
  g_print (_("Moved %lld history entries with them.\n"),
           (long long) (counts.n_history + counts.n_lazy));
  return EXIT_SUCCESS;
}
