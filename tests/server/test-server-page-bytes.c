/* test-server-page-bytes.c: pages bounded in bytes (docs/protocol.md
 * section 7, "Limits"): with every field at its longest, in 4-byte
 * characters, a pull of `limit` 10000 gets pages whose records stay under
 * COMPANIES_MAX_PAGE_BYTES, has_more while a page was cut, and every
 * record exactly once across the pages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-util.h"

#define N_RECORDS       300
#define ADDS_A_REQUEST  50
#define WIDE_CHARACTER  "\xf0\x9f\x98\x80"  /* U+1F600, 4 bytes in UTF-8 */

/* The envelope of a response beyond its records: protocol, cursor, flags
 * and the empty lists. */
#define ENVELOPE_BYTES  512

/* @n_chars characters of 4 bytes each. */
static char *
wide_text (guint n_chars)
{
  GString *text = g_string_sized_new (4 * n_chars);

  for (guint i = 0; i < n_chars; i++)
    g_string_append (text, WIDE_CHARACTER);

  return g_string_free (text, FALSE);
}

/* Adds N_RECORDS companies, each field at its longest; returns their
 * uuids. */
static GHashTable *
add_widest_records (TestServer *server)
{
  GHashTable *uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *email_tail = wide_text (companies_field_get_max_length (COMPANIES_FIELD_EMAIL) - 2);
  g_autofree char *email = g_strconcat ("a@", email_tail, NULL);
  char *values[COMPANIES_N_FIELDS] = { NULL, };

  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    values[f] = f == COMPANIES_FIELD_EMAIL ? g_strdup (email)
                                           : wide_text (companies_field_get_max_length (f));

  for (guint start = 0; start < N_RECORDS; start += ADDS_A_REQUEST)
    {
      g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
      g_autoptr(CompaniesSyncResponse) response = NULL;

      for (guint i = start; i < start + ADDS_A_REQUEST; i++)
        {
          CompaniesChange *change = test_request_add (request, NULL, NULL);

          for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
            {
              g_free (change->values[f]);
              change->values[f] = g_strdup (values[f]);
            }
          change->field_mask = COMPANIES_ALL_FIELDS;
          g_hash_table_add (uuids, g_strdup (change->uuid));
        }

      /* the push's answer is a page too: one record of it is enough */
      request->limit = 1;
      response = test_sync (server, request);
      g_assert_cmpuint (response->rejected->len, ==, 0);
    }

  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    g_free (values[f]);

  return uuids;
}

/* Posts an empty request with @cursor and limit 10000; returns the
 * decoded response and the size of its body. */
static CompaniesSyncResponse *
pull (TestServer *server,
      const char *cursor,
      gsize      *out_bytes)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (cursor);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_SYNC_PATH);
  CompaniesSyncResponse *response;
  guint status = 0;

  request->limit = COMPANIES_MAX_LIMIT;
  body = companies_sync_request_encode (request);
  reply = companies_test_http ("POST", url, "application/json", server->token,
                               g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);

  response = companies_sync_response_decode (g_bytes_get_data (reply, NULL),
                                             g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  *out_bytes = g_bytes_get_size (reply);

  return response;
}

static void
test_widest_records_in_pages (void)
{
  TestServer *server = test_server_start (FALSE, NULL);
  g_autoptr(GHashTable) uuids = add_widest_records (server);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  guint n_pages = 0;
  gboolean has_more = TRUE;

  while (has_more)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      gsize bytes = 0;

      g_assert_cmpuint (++n_pages, <=, N_RECORDS);
      response = pull (server, cursor, &bytes);
      g_test_message ("page %u: %u records, %zu bytes, has_more %d",
                      n_pages, response->companies->len, bytes, response->has_more);

      g_assert_cmpuint (bytes, <=, COMPANIES_MAX_PAGE_BYTES + ENVELOPE_BYTES);
      g_assert_cmpuint (response->companies->len, >, 0);
      g_assert_cmpuint (response->deleted->len, ==, 0);

      for (guint i = 0; i < response->companies->len; i++)
        {
          CompaniesRecord *record = g_ptr_array_index (response->companies, i);

          g_assert_true (g_hash_table_contains (uuids, record->uuid));
          g_assert_true (g_hash_table_add (seen, g_strdup (record->uuid)));
          g_assert_cmpuint (strlen (record->values[COMPANIES_FIELD_NOTES]), ==,
                            4 * companies_field_get_max_length (COMPANIES_FIELD_NOTES));
        }

      has_more = response->has_more;
      g_free (cursor);
      cursor = g_strdup (response->cursor);
    }

  /* a page of about 89 such records: several pages, each record once */
  g_assert_cmpuint (n_pages, >=, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_RECORDS);

  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/page-bytes/widest-records", test_widest_records_in_pages);

  return g_test_run ();
}
