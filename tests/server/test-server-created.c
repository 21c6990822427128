/* test-server-created.c: `created` (docs/protocol.md section 3, "Created
 * as sent", revision 1.8) on a real companies-server over HTTP, SQLite or
 * PostgreSQL: a request that asks gets its new records held as sent by
 * id, uuid and version only, and the full record of every other; a
 * request that does not ask gets the answer of revision 1.7. And the
 * page of a push made of its own writes (not read back) is the page a
 * pull gets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <libsoup/soup.h>

#include "server-test-util.h"

#define UUID_A "9f0e0000-0000-4000-8000-00000000c001"
#define UUID_B "9f0e0000-0000-4000-8000-00000000c002"
#define UUID_C "9f0e0000-0000-4000-8000-00000000c003"
#define UUID_D "9f0e0000-0000-4000-8000-00000000c004"

/* Posts @request with the header Companies-Want: @want (NULL: none);
 * returns the body of the 200 answer. */
static char *
post_sync (TestServer                 *server,
           const CompaniesSyncRequest *request,
           const char                 *want)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GBytes) body = companies_sync_request_encode (request);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_SYNC_PATH);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  if (want != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  COMPANIES_WANT_HEADER, want);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  return g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static CompaniesSyncResponse *
decode (const char *body)
{
  g_autoptr(GError) error = NULL;
  CompaniesSyncResponse *response = companies_sync_response_decode (body, strlen (body), &error);

  g_assert_no_error (error);
  return response;
}

/* Three adds: two as the server stores them (one with a field left out),
 * one whose name the server trims. */
static CompaniesSyncRequest *
three_adds (void)
{
  CompaniesSyncRequest *request = test_request_new (NULL);

  test_request_add (request, UUID_A, "name", "Acme", "city", "Porto", "phone", "222", NULL);
  test_request_add (request, UUID_B, "name", "Beta", NULL);
  test_request_add (request, UUID_C, "name", "  Gamma  ", "city", "Braga", NULL);
  return request;
}

static void
test_created_by_id (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(CompaniesSyncRequest) request = three_adds ();
  g_autofree char *body = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesRecord *a, *b, *c;

  /* Asked in a list, as the client sends it. */
  body = post_sync (server, request, COMPANIES_WANT_REPLACED ", " COMPANIES_WANT_CREATED);
  response = decode (body);

  /* The two held as sent: head only, on the wire too. */
  g_assert_cmpuint (response->created->len, ==, 2);
  a = test_find_company_by_uuid (response->created, UUID_A);
  b = test_find_company_by_uuid (response->created, UUID_B);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->id, >, 0);
  g_assert_cmpint (b->version, >, a->version);
  g_assert_null (strstr (body, "\"Acme\""));
  g_assert_null (strstr (body, "\"Porto\""));

  /* The trimmed one in full, and once only. */
  g_assert_cmpuint (response->companies->len, ==, 1);
  c = test_find_company_by_uuid (response->companies, UUID_C);
  g_assert_nonnull (c);
  g_assert_cmpstr (c->values[COMPANIES_FIELD_NAME], ==, "Gamma");
  g_assert_null (test_find_company_by_uuid (response->created, UUID_C));

  /* With the request's values, the answer is the server's records. */
  g_assert_true (companies_sync_response_take_created (response, request, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (response->created->len, ==, 0);
  g_assert_cmpuint (response->companies->len, ==, 3);
  for (guint i = 1; i < response->companies->len; i++)
    g_assert_cmpint (((CompaniesRecord *) response->companies->pdata[i - 1])->version, <,
                     ((CompaniesRecord *) response->companies->pdata[i])->version);
  snapshot = test_snapshot (server);
  test_assert_same_records (snapshot, response->companies);
  test_server_free (server);
}

static void
test_not_asked (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(CompaniesSyncRequest) request = three_adds ();
  g_autofree char *body = post_sync (server, request, COMPANIES_WANT_REPLACED);
  g_autoptr(CompaniesSyncResponse) response = decode (body);

  /* Revision 1.7's answer: every record in full, no new member. */
  g_assert_null (strstr (body, "\"created\""));
  g_assert_cmpuint (response->created->len, ==, 0);
  g_assert_cmpuint (response->companies->len, ==, 3);
  g_assert_cmpstr (test_find_company_by_uuid (response->companies, UUID_A)->values[COMPANIES_FIELD_CITY], ==,
                   "Porto");
  test_server_free (server);
}

static void
test_retried_add_in_full (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(CompaniesSyncRequest) first = three_adds ();
  g_autoptr(CompaniesSyncRequest) again = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autofree char *first_body = NULL;
  g_autofree char *body = NULL;
  CompaniesRecord *a;

  first_body = post_sync (server, first, COMPANIES_WANT_CREATED);

  /* A retried add (its answer lost) and a new one: only the new one was
   * created by this request. */
  test_request_add (again, UUID_A, "name", "Acme", "city", "Porto", "phone", "222", NULL);
  test_request_add (again, UUID_D, "name", "Delta", NULL);
  body = post_sync (server, again, COMPANIES_WANT_CREATED);
  response = decode (body);

  g_assert_cmpuint (response->created->len, ==, 1);
  g_assert_nonnull (test_find_company_by_uuid (response->created, UUID_D));
  a = test_find_company_by_uuid (response->companies, UUID_A);
  g_assert_nonnull (a);
  g_assert_cmpstr (a->values[COMPANIES_FIELD_PHONE], ==, "222");
  g_assert_null (test_find_company_by_uuid (response->created, UUID_A));
  test_server_free (server);
}

/* The page of a push at the head of the changes is made of the request's
 * own writes, taken from what it wrote rather than read back
 * (companies-server-page.c): it must be the page a pull from the same
 * cursor gets, by count, cursor and content. @update_twice updates and
 * deletes one record, which leaves a version no echo holds: the store is
 * read then. */
static void
assert_own_page_is_pulled_page (gboolean update_twice)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(CompaniesSyncRequest) first = three_adds ();
  g_autoptr(CompaniesSyncRequest) push = NULL;
  g_autoptr(CompaniesSyncResponse) before = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesSyncResponse) pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_body = NULL;
  g_autofree char *server_url = test_server_url (server, "");
  CompaniesRecord *a, *b;
  guint status = 0;

  first_body = post_sync (server, first, NULL);
  before = decode (first_body);
  a = test_find_company_by_uuid (before->companies, UUID_A);
  b = test_find_company_by_uuid (before->companies, UUID_B);

  /* From the head: four adds, an update, a delete: six writes, a page of
   * four. With @update_twice the delete is of the record updated. */
  push = test_request_new (before->cursor);
  push->limit = 4;
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *uuid = g_strdup_printf ("9f0e0000-0000-4000-8000-00000000d00%u", i);
      g_autofree char *name = g_strdup_printf ("New %u", i);

      test_request_add (push, uuid, "name", name, NULL);
    }
  test_request_update (push, a->id, a->version, "phone", "333", NULL);
  test_request_delete (push, update_twice ? a->id : b->id);
  {
    g_autofree char *body = post_sync (server, push, NULL);

    response = decode (body);
  }
  g_assert_true (response->has_more);

  /* The same page, pulled from the same cursor. */
  pulled = companies_test_pull (server_url, NULL, before->cursor, 4, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response->cursor, ==, pulled->cursor);
  g_assert_cmpint (response->has_more, ==, pulled->has_more);
  g_assert_cmpuint (pulled->companies->len + pulled->deleted->len, ==, 4);
  for (guint i = 0; i < pulled->companies->len; i++)
    {
      CompaniesRecord *want = g_ptr_array_index (pulled->companies, i);
      CompaniesRecord *got = test_find_company (response->companies, want->id);

      g_assert_nonnull (got);
      g_assert_cmpint (got->version, ==, want->version);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_assert_cmpstr (got->values[f], ==, want->values[f]);
    }
  for (guint i = 0; i < pulled->deleted->len; i++)
    {
      CompaniesRecord *want = g_ptr_array_index (pulled->deleted, i);

      g_assert_nonnull (test_find_company (response->deleted, want->id));
    }
  /* And every write of the request is there, the page's or an echo. */
  g_assert_cmpuint (response->companies->len + response->deleted->len, ==, update_twice ? 5 : 6);
  test_server_free (server);
}

static void
test_own_page (void)
{
  assert_own_page_is_pulled_page (FALSE);
}

static void
test_own_page_with_a_gap (void)
{
  assert_own_page_is_pulled_page (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/created/by-id", test_created_by_id);
  g_test_add_func ("/server/created/not-asked", test_not_asked);
  g_test_add_func ("/server/created/retried-add-in-full", test_retried_add_in_full);
  g_test_add_func ("/server/page/own-writes", test_own_page);
  g_test_add_func ("/server/page/own-writes-with-a-gap", test_own_page_with_a_gap);

  return g_test_run ();
}
