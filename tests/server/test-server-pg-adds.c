/* test-server-pg-adds.c: the adds of a push sent to PostgreSQL many in
 * one statement (docs/postgresql.md, "Round trips"): values that array
 * literals must quote come back byte for byte, with their creation
 * entries kept in their rows (docs/postgresql.md, "Round 9"); a
 * request whose adds span several statements keeps its order of versions
 * and ids; a retried push mixed with new adds makes no duplicate; and an
 * add that PostgreSQL refuses fails its whole request, with nothing of it
 * applied and no version used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-test-postgres.h"
#include "server-test-util.h"

/* More than the adds of one statement (…-adds.c), fewer than two. */
#define N_ADDS 700

/* Values an array literal must quote or escape (docs/protocol.md lets
 * the one-line fields hold all but the line breaks and tabs). */
static const char * const awkward[] = {
  "O'Brien \"quoted\" & Sons", "back\\slash \\\\ twice", "{braces}, commas, ",
  "NULL", "  spaces around  ", "ação, 東京, emoji 🙂", "\"", "\\", "a,b}\"{c", "",
  "line\nbreak\ttab",
};
#define N_ONE_LINE (G_N_ELEMENTS (awkward) - 1)

/* Record @i's value of field @field: some empty, most awkward. */
static char *
value_for (guint i,
           guint field)
{
  guint pick = i * 7 + field;

  if (field == COMPANIES_FIELD_NAME)
    return g_strdup_printf ("Company %u", i);
  if ((i + field) % 3 == 0)
    return g_strdup ("");

  switch (field)
    {
    case COMPANIES_FIELD_ADDRESS:
    case COMPANIES_FIELD_NOTES:
      return g_strdup (awkward[pick % G_N_ELEMENTS (awkward)]);
    case COMPANIES_FIELD_CITY:
    case COMPANIES_FIELD_COUNTRY:
    case COMPANIES_FIELD_WEBSITE:
      return g_strdup (awkward[pick % N_ONE_LINE]);
    case COMPANIES_FIELD_EMAIL:
      return g_strdup_printf ("a%u@example.org", i);
    default:
      return g_strdup_printf ("+351 %u", i);
    }
}

static CompaniesChange *
add_change (const char *uuid,
            guint       i)
{
  CompaniesChange *change = companies_change_new (COMPANIES_CHANGE_ADD);

  change->uuid = g_strdup (uuid);
  change->field_mask = COMPANIES_ALL_FIELDS;
  for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
    change->values[field] = value_for (i, field);

  return change;
}

static CompaniesSyncRequest *
request_new (const char *cursor)
{
  CompaniesSyncRequest *request = companies_sync_request_new ();

  request->protocol = COMPANIES_PROTOCOL_VERSION;
  request->client_id = g_uuid_string_random ();
  request->cursor = g_strdup (cursor);
  request->limit = COMPANIES_MAX_LIMIT;
  return request;
}

/* Posts @request; its status, and the response when 200. */
static CompaniesSyncResponse *
post (const char                 *url,
      const CompaniesSyncRequest *request,
      guint                      *out_status)
{
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesSyncResponse *response;

  reply = companies_test_http ("POST", url, "application/json", NULL,
                               g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               out_status, &error);
  g_assert_no_error (error);
  if (*out_status != 200)
    return NULL;

  response = companies_sync_response_decode (g_bytes_get_data (reply, NULL),
                                             g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  return response;
}

/* A fresh database of the test cluster: its URI. */
static char *
fresh_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digest = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("adds_%.8s", digest);
  char *uri = companies_test_postgres_create (companies_test_postgres_get (), name, &error);

  g_assert_no_error (error);
  return uri;
}

static void
test_adds (void)
{
  g_autofree char *uri = fresh_database ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(CompaniesSyncRequest) push = NULL;
  g_autoptr(CompaniesSyncRequest) again = NULL;
  g_autoptr(CompaniesSyncRequest) refused = NULL;
  g_autoptr(CompaniesSyncRequest) pull = NULL;
  g_autoptr(CompaniesSyncResponse) pushed = NULL;
  g_autoptr(CompaniesSyncResponse) retried = NULL;
  g_autoptr(CompaniesSyncResponse) pulled = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *url = NULL;
  gint64 n_history = 0;
  guint status = 0;

  server = companies_test_server_start (uri, NULL, &error);
  g_assert_no_error (error);
  url = g_strconcat (companies_test_server_get_url (server), COMPANIES_SYNC_PATH, NULL);

  /* One request of N_ADDS adds: versions and ids 1 … N_ADDS, in order. */
  push = request_new (NULL);
  for (guint i = 0; i < N_ADDS; i++)
    {
      g_ptr_array_add (uuids, g_uuid_string_random ());
      g_ptr_array_add (push->added, add_change (g_ptr_array_index (uuids, i), i));
      for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
        {
          g_autofree char *value = value_for (i, field);

          n_history += *value != '\0';
        }
    }
  pushed = post (url, push, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"), ==,
                   N_ADDS);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(*) FROM company WHERE id = version"), ==, N_ADDS);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT last_version FROM server_state"),
                   ==, N_ADDS);
  /* No history row: a creation entry for each field written, none for an
   * empty one, kept in the record with when it was written. */
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM history"), ==, 0);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT count(*) FROM company WHERE created_at "
                     "BETWEEN extract (epoch FROM now ())::bigint - 600 "
                     "AND extract (epoch FROM now ())::bigint"), ==, N_ADDS);
  g_assert_cmpint (companies_test_postgres_query_int (uri,
                     "SELECT sum ((name <> '')::int + (address <> '')::int + (city <> '')::int "
                     "+ (postal_code <> '')::int + (country <> '')::int + (phone <> '')::int "
                     "+ (email <> '')::int + (website <> '')::int + (notes <> '')::int) "
                     "FROM company"), ==, n_history);

  /* Every value back byte for byte, each record with the id and version
   * of its place in the request. */
  pull = request_new (NULL);
  pulled = post (url, pull, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (pulled->companies->len, ==, N_ADDS);
  for (guint i = 0; i < N_ADDS; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (pulled->companies, i);

      g_assert_cmpstr (record->uuid, ==, g_ptr_array_index (uuids, i));
      g_assert_cmpint (record->id, ==, i + 1);
      g_assert_cmpint (record->version, ==, i + 1);
      for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
        {
          g_autofree char *value = value_for (i, field);

          g_assert_cmpstr (record->values[field], ==, value);
        }
    }

  /* The same push again, with new adds among the known ones: the known
   * ones make nothing, the new ones one record each. */
  again = request_new (pulled->cursor);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_ptr_array_add (again->added, add_change (g_ptr_array_index (uuids, i), i));
      g_ptr_array_add (again->added, add_change (uuid, N_ADDS + i));
    }
  retried = post (url, again, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"), ==,
                   N_ADDS + 10);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(DISTINCT uuid) FROM company"),
                   ==, N_ADDS + 10);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT last_version FROM server_state"),
                   ==, N_ADDS + 10);

  /* An add that PostgreSQL refuses, among others: the request fails, and
   * none of its adds stays, nor a version. */
  companies_test_postgres_exec (uri,
    "CREATE FUNCTION refuse () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.name = 'refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
    "RETURN NEW; END $$");
  companies_test_postgres_exec (uri,
    "CREATE TRIGGER refuse BEFORE INSERT ON company FOR EACH ROW EXECUTE FUNCTION refuse ()");
  refused = request_new (retried->cursor);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      CompaniesChange *change = add_change (uuid, i);

      if (i == 13)
        {
          g_free (change->values[COMPANIES_FIELD_NAME]);
          change->values[COMPANIES_FIELD_NAME] = g_strdup ("refused");
        }
      g_ptr_array_add (refused->added, change);
    }
  g_assert_null (post (url, refused, &status));
  g_assert_cmpuint (status, ==, 500);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"), ==,
                   N_ADDS + 10);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT last_version FROM server_state"),
                   ==, N_ADDS + 10);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT max(id) FROM company"), ==,
                   N_ADDS + 10);

  /* Without it, the same request goes through. */
  g_ptr_array_remove_index (refused->added, 13);
  g_clear_pointer (&retried, companies_sync_response_free);
  retried = post (url, refused, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT count(*) FROM company"), ==,
                   N_ADDS + 10 + 19);
  g_assert_cmpint (companies_test_postgres_query_int (uri, "SELECT last_version FROM server_state"),
                   ==, N_ADDS + 10 + 19);

  companies_test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-pg/adds/many-in-one-statement", test_adds);

  return g_test_run ();
}
