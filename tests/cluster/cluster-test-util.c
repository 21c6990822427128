/* cluster-test-util.c: helpers of the tests of several servers on one
 * PostgreSQL database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <libpq-fe.h>

#include "cluster-test-util.h"

static PGconn *
connect_to (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to %s: %s", uri, PQerrorMessage (conn));
  return conn;
}

void
cluster_sql_exec (const char *uri,
                  const char *sql)
{
  PGconn *conn = connect_to (uri);
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
  PQfinish (conn);
}

char *
cluster_sql_text (const char *uri,
                  const char *sql)
{
  PGconn *conn = connect_to (uri);
  PGresult *result = PQexec (conn, sql);
  char *text;

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  text = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
  return text;
}

CompaniesTestServer *
cluster_server_start (const char         *uri,
                      const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;
  CompaniesTestServer *server = companies_test_server_start (uri, extra_args, &error);

  g_assert_no_error (error);
  g_assert_nonnull (server);
  return server;
}
