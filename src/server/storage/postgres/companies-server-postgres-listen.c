/* companies-server-postgres-listen.c: hears of the commits of every
 * server on a PostgreSQL database (LISTEN/NOTIFY), for the change feed
 *
 * Each writer's COMMIT that raised the version sends NOTIFY on
 * COMPANIES_SERVER_POSTGRES_CHANNEL inside its transaction
 * (companies-server-store-postgres-transaction.c), so the notification
 * goes out with the commit and never before it. Here one more connection
 * of each server LISTENs. It lives on the main loop: libpq's asynchronous
 * calls (PQconnectStart/PQconnectPoll, PQsendQuery, PQconsumeInput)
 * driven by a GSource on PQsocket (), so a slow or dead database never
 * holds the main loop. After LISTEN the same query reads the newest
 * version: a commit is then either in that answer or notified after it.
 *
 * When the connection is lost (the database restarts), it is made again
 * every RETRY_SECONDS; once back, the caller is told to resync: whatever
 * committed meanwhile was not heard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "companies-server-postgres-listen.h"

#define RETRY_SECONDS 1

struct _CompaniesServerPostgresListen
{
  char                             *uri;
  CompaniesServerPostgresHeardFunc  func;
  gpointer                          user_data;
  PGconn                           *conn;
  gboolean                          connecting;
  gboolean                          listening;   /* LISTEN answered */
  gboolean                          heard_once;  /* connected once before */
  gboolean                          lost_logged;
  guint                             socket_id;
  guint                             retry_id;
};

static gboolean retry_cb (gpointer user_data);

static void
clear_socket_source (CompaniesServerPostgresListen *self)
{
  g_clear_handle_id (&self->socket_id, g_source_remove);
}

/* Drops the connection, and tries again soon. */
static void
lose (CompaniesServerPostgresListen *self)
{
  if (!self->lost_logged)
    {
      g_autofree char *message = g_strstrip (g_strdup (self->conn != NULL
                                                       ? PQerrorMessage (self->conn) : ""));

      g_printerr (_("Not hearing of other servers' commits for now: %s\n"), message);
      self->lost_logged = TRUE;
    }

  clear_socket_source (self);
  g_clear_pointer (&self->conn, PQfinish);
  self->connecting = FALSE;
  self->listening = FALSE;
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
}

static gboolean socket_ready_cb (gint         fd,
                                 GIOCondition condition,
                                 gpointer     user_data);

static void
watch_socket (CompaniesServerPostgresListen *self,
              GIOCondition                   condition)
{
  clear_socket_source (self);
  if (PQsocket (self->conn) < 0)
    {
      lose (self);
      return;
    }
  self->socket_id = g_unix_fd_add (PQsocket (self->conn), condition | G_IO_HUP | G_IO_ERR,
                                   socket_ready_cb, self);
}

static gint64
parse_version (const char *text)
{
  gint64 version = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &version, NULL))
    return 0;
  return version;
}

/* The answers of LISTEN and of the version's query. */
static gboolean
read_results (CompaniesServerPostgresListen *self)
{
  PGresult *result;

  while (!PQisBusy (self->conn) && (result = PQgetResult (self->conn)) != NULL)
    {
      ExecStatusType status = PQresultStatus (result);

      if (status == PGRES_TUPLES_OK && PQntuples (result) == 1)
        {
          gboolean resync = self->heard_once;

          self->listening = TRUE;
          self->heard_once = TRUE;
          if (self->lost_logged)
            g_printerr (_("Hearing of other servers' commits again\n"));
          self->lost_logged = FALSE;
          self->func (parse_version (PQgetvalue (result, 0, 0)), resync, self->user_data);
        }
      else if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        {
          PQclear (result);
          return FALSE;
        }
      PQclear (result);
    }

  return TRUE;
}

static gboolean
read_notifications (CompaniesServerPostgresListen *self)
{
  PGnotify *notify;

  if (!PQconsumeInput (self->conn) || !read_results (self))
    return FALSE;

  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      gint64 version = parse_version (notify->extra);

      if (self->listening && version > 0)
        self->func (version, FALSE, self->user_data);
      PQfreemem (notify);
    }

  return TRUE;
}

static void
start_listening (CompaniesServerPostgresListen *self)
{
  self->connecting = FALSE;
  if (PQsetnonblocking (self->conn, 1) != 0 ||
      !PQsendQuery (self->conn,
                    "LISTEN " COMPANIES_SERVER_POSTGRES_CHANNEL "; "
                    "SELECT last_version FROM server_state WHERE singleton = 1"))
    {
      lose (self);
      return;
    }

  /* A query this small leaves at once, or on the next writable turn. */
  watch_socket (self, PQflush (self->conn) == 1 ? G_IO_OUT : G_IO_IN);
}

static void
poll_connect (CompaniesServerPostgresListen *self)
{
  switch (PQconnectPoll (self->conn))
    {
    case PGRES_POLLING_READING:
      watch_socket (self, G_IO_IN);
      break;

    case PGRES_POLLING_WRITING:
      watch_socket (self, G_IO_OUT);
      break;

    case PGRES_POLLING_OK:
      start_listening (self);
      break;

    case PGRES_POLLING_FAILED:
    case PGRES_POLLING_ACTIVE:
    default:
      lose (self);
      break;
    }
}

static gboolean
socket_ready_cb (gint         fd,
                 GIOCondition condition,
                 gpointer     user_data)
{
  CompaniesServerPostgresListen *self = user_data;

  self->socket_id = 0;

  if (self->connecting)
    {
      poll_connect (self);
      return G_SOURCE_REMOVE;
    }

  if (condition & G_IO_OUT)
    {
      int flushed = PQflush (self->conn);

      if (flushed < 0)
        lose (self);
      else
        watch_socket (self, flushed == 1 ? G_IO_OUT : G_IO_IN);
      return G_SOURCE_REMOVE;
    }

  if (!read_notifications (self) || PQstatus (self->conn) != CONNECTION_OK)
    {
      lose (self);
      return G_SOURCE_REMOVE;
    }

  watch_socket (self, G_IO_IN);
  return G_SOURCE_REMOVE;
}

static void
connect_start (CompaniesServerPostgresListen *self)
{
  /* the URI's own settings come last, and win */
  static const char * const keywords[] = {
    "connect_timeout", "application_name", "keepalives_idle", "dbname", NULL
  };
  const char * const values[] = { "5", "companies-server-listen", "30", self->uri, NULL };

  self->conn = PQconnectStartParams (keywords, values, TRUE);
  if (self->conn == NULL || PQstatus (self->conn) == CONNECTION_BAD)
    {
      lose (self);
      return;
    }

  self->connecting = TRUE;
  watch_socket (self, G_IO_OUT);
}

static gboolean
retry_cb (gpointer user_data)
{
  CompaniesServerPostgresListen *self = user_data;

  self->retry_id = 0;
  connect_start (self);

  return G_SOURCE_REMOVE;
}

CompaniesServerPostgresListen *
companies_server_postgres_listen_new (const char                       *uri,
                                      CompaniesServerPostgresHeardFunc  func,
                                      gpointer                          user_data)
{
  CompaniesServerPostgresListen *self;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (CompaniesServerPostgresListen, 1);
  self->uri = g_strdup (uri);
  self->func = func;
  self->user_data = user_data;
  connect_start (self);

  return self;
}

void
companies_server_postgres_listen_free (CompaniesServerPostgresListen *self)
{
  if (self == NULL)
    return;

  clear_socket_source (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->uri);
  g_free (self);
}
