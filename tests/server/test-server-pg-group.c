/* test-server-pg-group.c: a group of requests in one transaction on
 * PostgreSQL, with its statements sent without waiting for their answers
 * (docs/postgresql.md, "Round trips"), where some requests' writes fail
 * inside PostgreSQL: each failed request is answered 500 with nothing of
 * it applied, every other one is answered 200 and stays, and the version
 * sequence has no gap.
 *
 * The test holds the writers' turn (the server state's row lock) from a
 * connection of its own while the requests arrive, so that they queue and
 * are applied as a group once it lets go; a trigger refuses the updates
 * that write the phone "refused".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <libpq-fe.h>

#include "companies-test-postgres.h"
#include "server-test-util.h"

#define N_RECORDS 8

typedef struct
{
  const char *url;
  const char *cursor;
  gint64      id;
  gint64      version;
  const char *phone;
  guint       status;
} Update;

static gpointer
update_thread (gpointer data)
{
  Update *update = data;
  g_autoptr(CompaniesSyncRequest) request = companies_sync_request_new ();
  CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_UPDATE);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  request->protocol = COMPANIES_PROTOCOL_VERSION;
  request->client_id = g_uuid_string_random ();
  request->cursor = g_strdup (update->cursor);
  change->id = update->id;
  change->base_version = update->version;
  change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE);
  change->values[COMPANIES_FIELD_PHONE] = g_strdup (update->phone);
  g_ptr_array_add (request->updated, change);

  body = companies_sync_request_encode (request);
  reply = companies_test_http ("POST", update->url, "application/json", NULL,
                               g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               &update->status, &error);
  g_assert_no_error (error);

  return NULL;
}

static PGresult *
exec_ok (PGconn     *conn,
         const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));

  return result;
}

static void
test_group_with_failures (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("group_%.8s", digest);
  g_autofree char *uri = companies_test_postgres_create (companies_test_postgres_get (), name, &error);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesSyncRequest) adds = NULL;
  g_autoptr(CompaniesSyncResponse) added = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *url = NULL;
  Update updates[N_RECORDS];
  GThread *threads[N_RECORDS];
  PGconn *holder;
  guint status = 0;
  gint64 transactions;

  g_assert_no_error (error);
  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  url = g_strconcat (companies_test_server_get_url (server), COMPANIES_SYNC_PATH, NULL);

  /* The records, versions 1 to N_RECORDS. */
  adds = companies_sync_request_new ();
  adds->protocol = COMPANIES_PROTOCOL_VERSION;
  adds->client_id = g_uuid_string_random ();
  for (guint i = 0; i < N_RECORDS; i++)
    {
      CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_ADD);

      change->uuid = g_uuid_string_random ();
      change->field_mask = COMPANIES_ALL_FIELDS;
      change->values[COMPANIES_FIELD_NAME] = g_strdup_printf ("Company %u", i);
      change->values[COMPANIES_FIELD_PHONE] = g_strdup ("+351 200 000 000");
      g_ptr_array_add (adds->added, change);
    }
  body = companies_sync_request_encode (adds);
  reply = companies_test_http ("POST", url, "application/json", NULL,
                               g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  added = companies_sync_response_decode (g_bytes_get_data (reply, NULL),
                                          g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->companies->len, ==, N_RECORDS);

  /* The updates that write "refused" fail inside PostgreSQL; each
   * successful one leaves the transaction it ran in. */
  companies_test_postgres_exec (uri,
    "CREATE TABLE applied_in (id bigint, xid bigint)");
  companies_test_postgres_exec (uri,
    "CREATE FUNCTION refuse () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.phone = 'refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
    "INSERT INTO applied_in VALUES (NEW.id, txid_current ()); RETURN NEW; END $$");
  companies_test_postgres_exec (uri,
    "CREATE TRIGGER refuse BEFORE UPDATE ON company FOR EACH ROW EXECUTE FUNCTION refuse ()");

  /* The writers' turn, held while the requests queue. */
  holder = PQconnectdb (uri);
  g_assert_cmpint (PQstatus (holder), ==, CONNECTION_OK);
  PQclear (exec_ok (holder, "BEGIN"));
  PQclear (exec_ok (holder, "SELECT last_version FROM server_state FOR UPDATE"));

  for (guint i = 0; i < N_RECORDS; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (added->companies, i);

      updates[i].url = url;
      updates[i].cursor = added->cursor;
      updates[i].id = record->id;
      updates[i].version = record->version;
      updates[i].phone = i % 2 == 1 ? "refused" : "+351 211 111 111";
      updates[i].status = 0;
      threads[i] = g_thread_new ("update", update_thread, &updates[i]);
    }

  /* The server's writer waits for the turn; the others queue behind it. */
  while (companies_test_postgres_query_int (uri,
           "SELECT count(*) FROM pg_stat_activity "
           "WHERE application_name = 'companies-server' AND wait_event_type = 'Lock'") == 0)
    g_usleep (20 * 1000);
  g_usleep (G_USEC_PER_SEC);
  PQclear (exec_ok (holder, "COMMIT"));
  PQfinish (holder);

  for (guint i = 0; i < N_RECORDS; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N_RECORDS; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM company WHERE id = %"
                                              G_GINT64_FORMAT " AND phone = '%s'",
                                              updates[i].id,
                                              i % 2 == 1 ? "+351 200 000 000" : updates[i].phone);

      /* Refused: 500, nothing applied; the others: 200, and kept. */
      g_assert_cmpuint (updates[i].status, ==, i % 2 == 1 ? 500 : 200);
      g_assert_cmpint (companies_test_postgres_query_int (uri, sql), ==, 1);
    }

  /* One version each for the adds and the kept updates, none lost. */
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT last_version FROM server_state"),
                   ==, N_RECORDS + N_RECORDS / 2);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT max(version) FROM company"),
                   ==, N_RECORDS + N_RECORDS / 2);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(DISTINCT version) FROM company"), ==, N_RECORDS);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM applied_in"),
                   ==, N_RECORDS / 2);
  transactions = companies_test_postgres_query_int (uri,
                                                    "SELECT count(DISTINCT xid) FROM applied_in");
  g_test_message ("the %u kept updates ran in %" G_GINT64_FORMAT " transaction(s)",
                  N_RECORDS / 2, transactions);

  companies_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-pg/group/failures-inside-postgresql", test_group_with_failures);

  return g_test_run ();
}
