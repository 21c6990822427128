/* test-protocol.c: uuids, error codes, and requests the strict decoder
 * takes, in a round trip with the encoder (docs/protocol.md section 3);
 * the requests it refuses are in test-protocol-refused.c, responses in
 * test-response.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-protocol"

#include <string.h>

#include "protocol-test-util.h"

/* --- uuids and error codes --- */

static void
test_uuid (void)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_assert_true (companies_uuid_is_valid (uuid));
    }

  g_assert_true (companies_uuid_is_valid (CLIENT_ID));
  g_assert_false (companies_uuid_is_valid (NULL));
  g_assert_false (companies_uuid_is_valid (""));
  g_assert_false (companies_uuid_is_valid ("5D1C0B7E-1111-4222-8333-444455556666"));
  g_assert_false (companies_uuid_is_valid ("5d1c0b7e111142228333444455556666"));
  g_assert_false (companies_uuid_is_valid ("5d1c0b7e-1111-4222-8333-44445555666"));
  g_assert_false (companies_uuid_is_valid ("5d1c0b7e-1111-4222-8333-4444555566666"));
  g_assert_false (companies_uuid_is_valid ("5d1c0b7e-1111-4222-8333-44445555666g"));
  g_assert_false (companies_uuid_is_valid ("{5d1c0b7e-1111-4222-8333-444455556666}"));
  g_assert_false (companies_uuid_is_valid ("5d1c0b7e-1111-4222-8333_444455556666"));
  g_assert_false (companies_uuid_is_valid ("' OR 1=1 --"));
}

static void
test_error_codes (void)
{
  g_assert_cmpstr (companies_protocol_error_code_name (COMPANIES_PROTOCOL_ERROR_INVALID_JSON), ==, "invalid_json");
  g_assert_cmpstr (companies_protocol_error_code_name (COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST), ==, "invalid_request");
  g_assert_cmpstr (companies_protocol_error_code_name (COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL), ==, "unsupported_protocol");
  g_assert_cmpstr (companies_protocol_error_code_name (COMPANIES_PROTOCOL_ERROR_TOO_LARGE), ==, "too_large");
  g_assert_cmpuint (companies_protocol_error_status (COMPANIES_PROTOCOL_ERROR_INVALID_JSON), ==, 400);
  g_assert_cmpuint (companies_protocol_error_status (COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST), ==, 400);
  g_assert_cmpuint (companies_protocol_error_status (COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL), ==, 400);
  g_assert_cmpuint (companies_protocol_error_status (COMPANIES_PROTOCOL_ERROR_TOO_LARGE), ==, 413);
}

/* --- requests --- */

static void
test_request_defaults (void)
{
  g_autoptr(CompaniesSyncRequest) request = decode_request_ok (HEAD "}");

  g_assert_cmpint (request->protocol, ==, 1);
  g_assert_cmpstr (request->client_id, ==, CLIENT_ID);
  g_assert_null (request->cursor);
  g_assert_cmpuint (request->limit, ==, COMPANIES_DEFAULT_LIMIT);
  g_assert_nonnull (request->added);
  g_assert_nonnull (request->updated);
  g_assert_nonnull (request->deleted);
  g_assert_cmpuint (request->added->len + request->updated->len + request->deleted->len, ==, 0);

  g_clear_pointer (&request, companies_sync_request_free);
  request = decode_request_ok (HEAD ",'cursor':null,'limit':1,'added':[],'updated':[],'deleted':[]}");
  g_assert_null (request->cursor);
  g_assert_cmpuint (request->limit, ==, 1);

  g_clear_pointer (&request, companies_sync_request_free);
  request = decode_request_ok (HEAD ",'cursor':'abc.12','limit':10000}");
  g_assert_cmpstr (request->cursor, ==, "abc.12");
  g_assert_cmpuint (request->limit, ==, 10000);
}

/* A push encodes its lists of changes before its cursor is known (while
 * the request before it is out): the request around them, cursor set
 * afterwards, is the request encoded at once. */
static void
test_request_in_two_parts (void)
{
  g_autoptr(CompaniesSyncRequest) request = companies_sync_request_new ();
  g_autoptr(CompaniesSyncRequest) empty = companies_sync_request_new ();
  g_autoptr(GBytes) changes = NULL;
  g_autoptr(GBytes) empty_changes = NULL;
  g_autoptr(GBytes) joined = NULL;
  g_autoptr(GBytes) at_once = NULL;
  g_autoptr(GBytes) empty_joined = NULL;
  g_autoptr(GBytes) empty_at_once = NULL;
  CompaniesChange *change;

  request->client_id = g_strdup (CLIENT_ID);
  request->limit = 5000;
  change = companies_change_new (COMPANIES_CHANGE_ADD);
  change->uuid = g_strdup (UUID_A);
  change->values[COMPANIES_FIELD_NAME] = g_strdup ("Acme \"Quoted\"");
  change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME);
  g_ptr_array_add (request->added, change);
  change = companies_change_new (COMPANIES_CHANGE_DELETE);
  change->id = 7;
  g_ptr_array_add (request->deleted, change);

  changes = companies_sync_request_encode_changes (request);
  request->cursor = g_strdup ("db.42.s");
  joined = companies_sync_request_encode_with_changes (request, changes);
  at_once = companies_sync_request_encode (request);
  g_assert_true (g_bytes_equal (joined, at_once));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (joined, NULL), g_bytes_get_size (joined),
                                  "\"cursor\":\"db.42.s\""));

  empty->client_id = g_strdup (CLIENT_ID);
  empty_changes = companies_sync_request_encode_changes (empty);
  empty_joined = companies_sync_request_encode_with_changes (empty, empty_changes);
  empty_at_once = companies_sync_request_encode (empty);
  g_assert_true (g_bytes_equal (empty_joined, empty_at_once));
  g_assert_cmpmem (g_bytes_get_data (empty_joined, NULL), g_bytes_get_size (empty_joined),
                   "{\"protocol\":1,\"client_id\":\"" CLIENT_ID "\",\"cursor\":null,\"limit\":5000,"
                   "\"added\":[],\"updated\":[],\"deleted\":[]}",
                   strlen ("{\"protocol\":1,\"client_id\":\"" CLIENT_ID "\",\"cursor\":null,\"limit\":5000,"
                           "\"added\":[],\"updated\":[],\"deleted\":[]}"));
}

static void
test_request_round_trip (void)
{
  g_autoptr(CompaniesSyncRequest) request = companies_sync_request_new ();
  g_autoptr(CompaniesSyncRequest) decoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CompaniesChange *change;
  const char *data;
  gsize size;

  request->client_id = g_strdup (CLIENT_ID);
  request->cursor = g_strdup ("db.42.s");
  request->limit = 250;

  change = companies_change_new (COMPANIES_CHANGE_ADD);
  change->uuid = g_strdup (UUID_A);
  change->values[COMPANIES_FIELD_NAME] = g_strdup ("Acme \"Quoted\" \\ Back");
  change->values[COMPANIES_FIELD_NOTES] = g_strdup ("line\none\ttab\r\n😀 ção");
  change->values[COMPANIES_FIELD_CITY] = g_strdup ("not in mask");
  change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES);
  g_ptr_array_add (request->added, change);

  change = companies_change_new (COMPANIES_CHANGE_UPDATE);
  change->id = 42;
  change->base_version = 17;
  change->values[COMPANIES_FIELD_PHONE] = g_strdup ("+351 22 000 0000");
  change->values[COMPANIES_FIELD_EMAIL] = g_strdup ("");
  change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL);
  g_ptr_array_add (request->updated, change);

  change = companies_change_new (COMPANIES_CHANGE_UPDATE);
  change->id = G_MAXINT64;
  change->base_version = 0;
  g_ptr_array_add (request->updated, change);

  change = companies_change_new (COMPANIES_CHANGE_DELETE);
  change->id = 7;
  g_ptr_array_add (request->deleted, change);

  bytes = companies_sync_request_encode (request);
  data = g_bytes_get_data (bytes, &size);

  /* Compact: no white space between tokens. */
  g_assert_null (memchr (data, '\n', size));
  g_assert_null (g_strstr_len (data, size, "\": "));
  g_assert_null (g_strstr_len (data, size, ", "));
  g_assert_null (g_strstr_len (data, size, "not in mask"));
  g_assert_nonnull (g_strstr_len (data, size, "\"cursor\":\"db.42.s\""));

  decoded = companies_sync_request_decode (data, size, &path, &error);
  g_assert_no_error (error);
  g_assert_null (path);
  g_assert_cmpint (decoded->protocol, ==, 1);
  g_assert_cmpstr (decoded->client_id, ==, CLIENT_ID);
  g_assert_cmpstr (decoded->cursor, ==, "db.42.s");
  g_assert_cmpuint (decoded->limit, ==, 250);

  g_assert_cmpuint (decoded->added->len, ==, 1);
  change = change_at (decoded->added, 0);
  g_assert_cmpint (change->kind, ==, COMPANIES_CHANGE_ADD);
  g_assert_cmpstr (change->uuid, ==, UUID_A);
  g_assert_cmpuint (change->field_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES));
  g_assert_cmpstr (change->values[COMPANIES_FIELD_NAME], ==, "Acme \"Quoted\" \\ Back");
  g_assert_cmpstr (change->values[COMPANIES_FIELD_NOTES], ==, "line\none\ttab\r\n😀 ção");
  g_assert_null (change->values[COMPANIES_FIELD_CITY]);
  g_assert_null (change->reject_code);

  g_assert_cmpuint (decoded->updated->len, ==, 2);
  change = change_at (decoded->updated, 0);
  g_assert_cmpint (change->kind, ==, COMPANIES_CHANGE_UPDATE);
  g_assert_cmpint (change->id, ==, 42);
  g_assert_cmpint (change->base_version, ==, 17);
  g_assert_cmpuint (change->field_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL));
  g_assert_cmpstr (change->values[COMPANIES_FIELD_PHONE], ==, "+351 22 000 0000");
  g_assert_cmpstr (change->values[COMPANIES_FIELD_EMAIL], ==, "");
  g_assert_null (change->reject_code);

  /* An update with no fields is harmless. */
  change = change_at (decoded->updated, 1);
  g_assert_cmpint (change->id, ==, G_MAXINT64);
  g_assert_cmpint (change->base_version, ==, 0);
  g_assert_cmpuint (change->field_mask, ==, 0);
  g_assert_null (change->reject_code);

  g_assert_cmpuint (decoded->deleted->len, ==, 1);
  change = change_at (decoded->deleted, 0);
  g_assert_cmpint (change->kind, ==, COMPANIES_CHANGE_DELETE);
  g_assert_cmpint (change->id, ==, 7);

  /* A NULL cursor goes out as null. */
  g_clear_pointer (&request->cursor, g_free);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = companies_sync_request_encode (request);
  data = g_bytes_get_data (bytes, &size);
  g_assert_nonnull (g_strstr_len (data, size, "\"cursor\":null"));
  g_clear_pointer (&decoded, companies_sync_request_free);
  decoded = companies_sync_request_decode (data, size, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (decoded->cursor);
}

static void
test_request_normalizes (void)
{
  g_autoptr(CompaniesSyncRequest) request =
    decode_request_ok (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'  Acme  ','city':'  Porto '}}],"
                       "'updated':[{'id':3,'base_version':1,'fields':{'name':'\\tBeta\\n'}}]}");

  g_assert_cmpstr (change_at (request->added, 0)->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpstr (change_at (request->added, 0)->values[COMPANIES_FIELD_CITY], ==, "  Porto ");
  g_assert_cmpstr (change_at (request->updated, 0)->values[COMPANIES_FIELD_NAME], ==, "Beta");
}

/* SQL, markup and escapes are plain text and come through unchanged. */
static void
test_request_hostile_text (void)
{
  g_autoptr(CompaniesSyncRequest) request =
    decode_request_ok (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{"
                       "'name':'Robert\\u0027); DROP TABLE companies;--',"
                       "'notes':'\\u0027 OR \\u00271\\u0027=\\u00271',"
                       "'city':'<script>alert(1)</script>',"
                       "'website':'\\\\u0000 is not a NUL'}}]}");
  CompaniesChange *change = change_at (request->added, 0);

  g_assert_null (change->reject_code);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_NAME], ==, "Robert'); DROP TABLE companies;--");
  g_assert_cmpstr (change->values[COMPANIES_FIELD_NOTES], ==, "' OR '1'='1");
  g_assert_cmpstr (change->values[COMPANIES_FIELD_CITY], ==, "<script>alert(1)</script>");
  g_assert_cmpstr (change->values[COMPANIES_FIELD_WEBSITE], ==, "\\u0000 is not a NUL");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/uuid", test_uuid);
  g_test_add_func ("/protocol/error-codes", test_error_codes);
  g_test_add_func ("/protocol/request/defaults", test_request_defaults);
  g_test_add_func ("/protocol/request/round-trip", test_request_round_trip);
  g_test_add_func ("/protocol/request/in-two-parts", test_request_in_two_parts);
  g_test_add_func ("/protocol/request/normalizes", test_request_normalizes);
  g_test_add_func ("/protocol/request/hostile-text", test_request_hostile_text);

  return g_test_run ();
}
