/* companies-server-store-postgres.c: the server store on a PostgreSQL
 * database: its connections, their reconnects, its errors and its table
 * of functions
 *
 * Any number of servers may share the database (docs/postgresql.md). A
 * connection that breaks (the database restarted, the network went) fails
 * the transaction in flight with COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE,
 * which the worker answers 503 with Retry-After; the next transaction
 * reconnects, at most once a second, so service resumes by itself. A
 * server may also start while the database is away, and begin serving
 * once it answers. The
 * other files of the backend: companies-server-store-postgres-private.h
 * lists them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-postgres-schema.h"
#include "companies-server-store-postgres.h"
#include "companies-server-store-postgres-private.h"

/* A failed reconnect is not tried again sooner: requests queued behind it
 * fail at once instead of each waiting for the connect timeout. */
#define RECONNECT_INTERVAL_US  G_USEC_PER_SEC
#define IDLE_IN_TRANSACTION_MS 60000

gboolean
companies_server_store_postgres_is_uri (const char *database)
{
  return database != NULL &&
         (g_str_has_prefix (database, "postgresql://") || g_str_has_prefix (database, "postgres://"));
}

char *
companies_server_store_postgres_describe (const char *uri)
{
  static const char * const shown[] = { "user", "host", "hostaddr", "port", "dbname", NULL };
  PQconninfoOption *options = PQconninfoParse (uri, NULL);
  GString *text = g_string_new (NULL);

  if (options == NULL)
    return g_string_free (g_string_append (text, "postgresql://"), FALSE);

  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    if (option->val != NULL && g_strv_contains (shown, option->keyword))
      g_string_append_printf (text, "%s%s=%s", text->len > 0 ? " " : "",
                              option->keyword, option->val);

  PQconninfoFree (options);
  return g_string_free (text, FALSE);
}

static gboolean
is_unavailable_state (const char *sqlstate)
{
  /* 08: connection exceptions; 57P01–57P05: the server shuts down, has
   * crashed, or cannot take connections yet; 53300: too many connections. */
  return sqlstate != NULL &&
         (g_str_has_prefix (sqlstate, "08") || g_str_has_prefix (sqlstate, "57P") ||
          strcmp (sqlstate, "53300") == 0);
}

gboolean
companies_server_postgres_set_error (PGconn          *conn,
                                     const PGresult  *result,
                                     GError         **error)
{
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *message = g_strstrip (g_strdup (primary != NULL ? primary
                                                                   : PQerrorMessage (conn)));

  /* No result, or a failure without SQLSTATE: libpq's own, the
   * connection failed. */
  if (PQstatus (conn) != CONNECTION_OK || is_unavailable_state (sqlstate) ||
      result == NULL || sqlstate == NULL)
    g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                 COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE,
                 _("the database is unavailable (%s)"), message);
  else if (g_strcmp0 (sqlstate, "53100") == 0)
    g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                 COMPANIES_SERVER_STORE_ERROR_FULL,
                 _("the disk is full (%s)"), message);
  else
    g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                 COMPANIES_SERVER_STORE_ERROR_FAILED,
                 _("database error: %s"), message);

  return FALSE;
}

/* The server's warnings (a shutdown, say) go to the log, marked. */
static void
notice_cb (void       *arg,
           const char *message)
{
  g_printerr ("PostgreSQL: %s", message);
}

/* Prepares a connection that has just connected: the schema created or
 * checked, and the database identity read, each time, for the database
 * may have been replaced while the connection was away (restored from
 * another copy, say). A new identity is served at once: clients' cursors
 * of the old one name another database, and get a snapshot
 * (docs/protocol.md, "Reset"; docs/postgresql.md, "Outages"). */
static gboolean
prepare_connection (CompaniesServerStorePostgres  *self,
                    GError                       **error)
{
  CompaniesServerStore *store = &self->parent;
  g_autofree char *database_uuid = NULL;

  PQsetNoticeProcessor (self->conn, notice_cb, NULL);
  if (!companies_server_postgres_prepare_schema (self->conn, &database_uuid, error))
    return FALSE;

  if (store->database_uuid != NULL && strcmp (store->database_uuid, database_uuid) != 0)
    g_printerr (_("The database’s identity changed from %s to %s (it was replaced, or "
                  "restored from a copy of another one): clients of the old one get a new "
                  "snapshot\n"),
                store->database_uuid, database_uuid);

  g_free (store->database_uuid);
  store->database_uuid = g_steal_pointer (&database_uuid);
  return TRUE;
}

gboolean
companies_server_postgres_ensure_conn (CompaniesServerStorePostgres  *self,
                                       GError                       **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 now;

  if (PQstatus (self->conn) == CONNECTION_OK && !self->broken)
    return TRUE;

  now = g_get_monotonic_time ();
  if (self->last_connect_attempt != 0 &&
      now - self->last_connect_attempt < RECONNECT_INTERVAL_US)
    return companies_server_postgres_set_error (self->conn, NULL, error);

  self->last_connect_attempt = now;
  PQreset (self->conn);
  if (PQstatus (self->conn) != CONNECTION_OK)
    return companies_server_postgres_set_error (self->conn, NULL, error);

  /* Prepared statements live and die with their connection. */
  memset (self->prepared, 0, sizeof self->prepared);
  g_array_set_size (self->piped, 0);
  companies_server_postgres_adds_clear (self);
  if (PQpipelineStatus (self->conn) != PQ_PIPELINE_OFF)
    PQexitPipelineMode (self->conn);

  if (!prepare_connection (self, &local_error))
    {
      /* Not usable (yet): refused like a database away, and said in the
       * log, so that an operator sees why. */
      if (g_error_matches (local_error, COMPANIES_SERVER_STORE_ERROR,
                           COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_printerr (_("Cannot use the database: %s\n"), local_error->message);
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE,
                   _("the database is unavailable (%s)"), local_error->message);
      return FALSE;
    }

  self->last_connect_attempt = 0;
  self->broken = FALSE;
  g_printerr (self->ever_connected ? _("Connected to the database again\n")
                                   : _("Connected to the database\n"));
  self->ever_connected = TRUE;
  return TRUE;
}

void
companies_server_postgres_note_failure (CompaniesServerStorePostgres *self,
                                        const GError                 *error)
{
  /* A connection may fail without libpq seeing it closed yet. */
  if (g_error_matches (error, COMPANIES_SERVER_STORE_ERROR,
                       COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE))
    self->broken = TRUE;
}

static void
postgres_close (CompaniesServerStore *store)
{
  CompaniesServerStorePostgres *self = (CompaniesServerStorePostgres *) store;

  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->new_uuids, g_hash_table_unref);
  g_array_unref (self->piped);
  companies_server_postgres_adds_free (self);
  g_free (store->database_uuid);
  g_free (self);
}

static const CompaniesServerStoreVTable postgres_vtable = {
  .name = "postgresql",
  .close = postgres_close,
  .begin = companies_server_postgres_begin,
  .commit = companies_server_postgres_commit,
  .rollback = companies_server_postgres_rollback,
  .savepoint = companies_server_postgres_savepoint,
  .release = companies_server_postgres_release,
  .rollback_to = companies_server_postgres_rollback_to,
  .get_state = companies_server_postgres_get_state,
  .next_version = companies_server_postgres_next_version,
  .lookup_by_id = companies_server_postgres_lookup_by_id,
  .lookup_by_uuid = companies_server_postgres_lookup_by_uuid,
  .insert = companies_server_postgres_insert,
  .update_fields = companies_server_postgres_update_fields,
  .tombstone = companies_server_postgres_tombstone,
  .expect_adds = companies_server_postgres_expect_adds,
  .list_changes = companies_server_postgres_list_changes,
  .purge_tombstones = companies_server_postgres_purge_tombstones,
  .list_history = companies_server_postgres_list_history,
  .prune_history = companies_server_postgres_prune_history,
  .find_writer = companies_server_postgres_find_writer,
  .add_replaced = companies_server_postgres_add_replaced,
  .take_replaced = companies_server_postgres_take_replaced,
};

/* Connects, then prepares the database (prepare_connection ()). With
 * @wait, a database that does not answer (not reachable, or starting up)
 * is no error: the store is made unconnected, and its first transaction
 * once the database answers connects and prepares it. */
static CompaniesServerStorePostgres *
open_connection (const char  *uri,
                 gboolean     read_only,
                 gboolean     wait,
                 GError     **error)
{
  /* The URI may set its own connect_timeout, application_name and
   * options (they come first, so that it overrides them); the encoding is
   * always UTF-8. A server frozen inside a transaction would hold the
   * writers' lock of every server: PostgreSQL ends such a session after
   * IDLE_IN_TRANSACTION_MS. */
  static const char * const keywords[] = {
    "connect_timeout", "application_name", "options", "dbname", "client_encoding", NULL
  };
  const char * const values[] = {
    "5", "companies-server",
    "-c idle_in_transaction_session_timeout=" G_STRINGIFY (IDLE_IN_TRANSACTION_MS),
    uri, "UTF8", NULL
  };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *description = companies_server_store_postgres_describe (uri);
  CompaniesServerStorePostgres *self;
  PGconn *conn;

  conn = PQconnectdbParams (keywords, values, TRUE);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (conn != NULL ? PQerrorMessage (conn)
                                                                    : "out of memory"));
      PGPing ping;

      /* Only a database away is waited for. One that answers and refuses
       * (a wrong password, no such database) or a bad URI is a mistake
       * of the configuration, said at once. */
      ping = conn != NULL && wait ? PQpingParams (keywords, values, TRUE) : PQPING_NO_ATTEMPT;
      if (ping != PQPING_NO_RESPONSE && ping != PQPING_REJECT)
        {
          g_set_error (error, COMPANIES_SERVER_STORE_ERROR, COMPANIES_SERVER_STORE_ERROR_OPEN,
                       _("Cannot connect to the database “%s”: %s"), description, message);
          PQfinish (conn);
          return NULL;
        }

      if (!read_only)
        g_printerr (_("The database “%s” does not answer yet (%s): requests are answered "
                      "503 until it does\n"),
                    description, message);
    }

  self = g_new0 (CompaniesServerStorePostgres, 1);
  self->parent.vtable = &postgres_vtable;
  self->conn = conn;
  self->read_only = read_only;
  self->piped = g_array_new (FALSE, FALSE, sizeof (PgPipedItem));

  if (PQstatus (conn) != CONNECTION_OK)
    {
      self->broken = TRUE;
      self->last_connect_attempt = g_get_monotonic_time ();
      return self;
    }

  if (!prepare_connection (self, &local_error))
    {
      g_set_error (error, COMPANIES_SERVER_STORE_ERROR,
                   local_error->domain == COMPANIES_SERVER_STORE_ERROR ? local_error->code
                                                                       : COMPANIES_SERVER_STORE_ERROR_OPEN,
                   _("Cannot use the database “%s”: %s"), description, local_error->message);
      postgres_close ((CompaniesServerStore *) self);
      return NULL;
    }

  self->ever_connected = TRUE;
  return self;
}

CompaniesServerStore *
companies_server_store_postgres_open_full (const char                         *uri,
                                           CompaniesServerStorePostgresFlags   flags,
                                           GError                            **error)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return (CompaniesServerStore *) open_connection (uri,
                                                   (flags & COMPANIES_SERVER_STORE_POSTGRES_READER) != 0,
                                                   (flags & COMPANIES_SERVER_STORE_POSTGRES_WAIT) != 0,
                                                   error);
}

CompaniesServerStore *
companies_server_store_postgres_open (const char  *uri,
                                      GError     **error)
{
  return companies_server_store_postgres_open_full (uri, 0, error);
}

CompaniesServerStore *
companies_server_store_postgres_open_reader (const char  *uri,
                                             GError     **error)
{
  return companies_server_store_postgres_open_full (uri, COMPANIES_SERVER_STORE_POSTGRES_READER,
                                                    error);
}
