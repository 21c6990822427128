/* test-protocol.c: uuids, error codes, and the request encoder and its
 * strict decoder (protocol.md section 3); responses are in test-response.c
 *
 * Bodies are written with single quotes for readability; q() turns them
 * into double quotes (a real apostrophe is written \u0027).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-protocol"

#include <string.h>

#include "companies-protocol.h"

#define CLIENT_ID "5d1c0b7e-1111-4222-8333-444455556666"
#define UUID_A    "9f0e0000-0000-4000-8000-00000000000a"
#define UUID_B    "9f0e0000-0000-4000-8000-00000000000b"
#define HEAD      "{'protocol':1,'client_id':'" CLIENT_ID "'"

static char *
q (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static CompaniesSyncRequest *
decode_request (const char  *body,
                char       **out_path,
                GError     **error)
{
  g_autofree char *json = q (body);

  return companies_sync_request_decode (json, strlen (json), out_path, error);
}

static CompaniesSyncRequest *
decode_request_ok (const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CompaniesSyncRequest *request = decode_request (body, &path, &error);

  g_assert_no_error (error);
  g_assert_null (path);
  g_assert_nonnull (request);
  return request;
}

static void
assert_request_fails_raw (const char             *json,
                          gsize                   length,
                          CompaniesProtocolError  code,
                          const char             *expected_path)
{
  static char stale[] = "stale";
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *owned_path = NULL;
  char *path = stale;

  /* The decoder must set the path, to NULL when there is none. */
  request = companies_sync_request_decode (json, length, &path, &error);
  g_assert_true (path != stale);
  owned_path = path;
  if (request != NULL)
    g_error ("decoded although it should fail: %.200s", json);
  g_assert_error (error, COMPANIES_PROTOCOL_ERROR, (gint) code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpstr (path, ==, expected_path);
}

static void
assert_request_fails (const char             *body,
                      CompaniesProtocolError  code,
                      const char             *expected_path)
{
  g_autofree char *json = q (body);

  assert_request_fails_raw (json, strlen (json), code, expected_path);
}

static CompaniesChange *
change_at (GPtrArray *changes,
           guint      index)
{
  g_assert_cmpuint (index, <, changes->len);
  return g_ptr_array_index (changes, index);
}

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

static void
test_request_envelope_errors (void)
{
  const CompaniesProtocolError JSON = COMPANIES_PROTOCOL_ERROR_INVALID_JSON;
  const CompaniesProtocolError REQ = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;
  const CompaniesProtocolError PROTO = COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL;
  static const char add_a[] = "{'uuid':'" UUID_A "','fields':{'name':'A'}}";
  g_autofree char *cursor_ok = NULL;
  g_autofree char *cursor_long = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;

  /* Not JSON at all, or JSON that json-glib would take but JSON does not. */
  assert_request_fails ("not json", JSON, NULL);
  assert_request_fails ("", JSON, NULL);
  assert_request_fails ("   ", JSON, NULL);
  assert_request_fails (HEAD, JSON, NULL);
  assert_request_fails (HEAD "} trailing", JSON, NULL);
  assert_request_fails (HEAD ",}", JSON, NULL);
  {
    const char *single_quotes = "{\"protocol\":1,'client_id':'" CLIENT_ID "'}";

    assert_request_fails_raw (single_quotes, strlen (single_quotes), JSON, NULL);
  }
  assert_request_fails (HEAD " /* comment */}", JSON, NULL);
  assert_request_fails (HEAD ",'cursor':'a\tb'}", JSON, NULL);

  /* The root. */
  assert_request_fails ("[]", REQ, NULL);
  assert_request_fails ("'text'", REQ, NULL);
  assert_request_fails ("null", REQ, NULL);
  assert_request_fails ("{}", REQ, "protocol");

  /* protocol */
  assert_request_fails ("{'client_id':'" CLIENT_ID "'}", REQ, "protocol");
  assert_request_fails ("{'protocol':'1','client_id':'" CLIENT_ID "'}", REQ, "protocol");
  assert_request_fails ("{'protocol':1.0,'client_id':'" CLIENT_ID "'}", REQ, "protocol");
  assert_request_fails ("{'protocol':true,'client_id':'" CLIENT_ID "'}", REQ, "protocol");
  assert_request_fails ("{'protocol':null,'client_id':'" CLIENT_ID "'}", REQ, "protocol");
  assert_request_fails ("{'protocol':2,'client_id':'" CLIENT_ID "'}", PROTO, "protocol");
  assert_request_fails ("{'protocol':0,'client_id':'" CLIENT_ID "'}", PROTO, "protocol");
  /* A newer protocol is named as such even with members we do not know. */
  assert_request_fails ("{'protocol':2,'client_id':'" CLIENT_ID "','future':1}", PROTO, "protocol");

  /* client_id */
  assert_request_fails ("{'protocol':1}", REQ, "client_id");
  assert_request_fails ("{'protocol':1,'client_id':5}", REQ, "client_id");
  assert_request_fails ("{'protocol':1,'client_id':null}", REQ, "client_id");
  assert_request_fails ("{'protocol':1,'client_id':'5D1C0B7E-1111-4222-8333-444455556666'}", REQ, "client_id");
  assert_request_fails ("{'protocol':1,'client_id':'not-a-uuid'}", REQ, "client_id");

  /* Unknown members at the top. */
  assert_request_fails (HEAD ",'extra':1}", REQ, "extra");
  assert_request_fails (HEAD ",'Added':[]}", REQ, "Added");

  /* cursor: a string of at most 200 bytes, or null. */
  assert_request_fails (HEAD ",'cursor':5}", REQ, "cursor");
  assert_request_fails (HEAD ",'cursor':{}}", REQ, "cursor");
  assert_request_fails (HEAD ",'cursor':false}", REQ, "cursor");
  cursor_ok = g_strdup_printf (HEAD ",'cursor':'%0200d'}", 7);
  cursor_long = g_strdup_printf (HEAD ",'cursor':'%0201d'}", 7);
  request = decode_request_ok (cursor_ok);
  g_assert_cmpuint (strlen (request->cursor), ==, 200);
  assert_request_fails (cursor_long, REQ, "cursor");

  /* limit */
  assert_request_fails (HEAD ",'limit':0}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':-5}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':10001}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':'100'}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':2.5}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':1e3}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':null}", REQ, "limit");
  assert_request_fails (HEAD ",'limit':99999999999999999999999}", REQ, "limit");

  /* The lists. */
  assert_request_fails (HEAD ",'added':{}}", REQ, "added");
  assert_request_fails (HEAD ",'added':null}", REQ, "added");
  assert_request_fails (HEAD ",'updated':'x'}", REQ, "updated");
  assert_request_fails (HEAD ",'deleted':7}", REQ, "deleted");
  assert_request_fails (HEAD ",'added':[5]}", REQ, "added[0]");
  assert_request_fails (HEAD ",'added':[[]]}", REQ, "added[0]");
  assert_request_fails (HEAD ",'deleted':[null]}", REQ, "deleted[0]");

  /* added[i] */
  assert_request_fails (HEAD ",'added':[{'fields':{'name':'A'}}]}", REQ, "added[0].uuid");
  assert_request_fails (HEAD ",'added':[{'uuid':'x','fields':{'name':'A'}}]}", REQ, "added[0].uuid");
  assert_request_fails (HEAD ",'added':[{'uuid':7,'fields':{'name':'A'}}]}", REQ, "added[0].uuid");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "'}]}", REQ, "added[0].fields");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':[]}]}", REQ, "added[0].fields");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':null}]}", REQ, "added[0].fields");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'A'},'id':3}]}", REQ, "added[0].id");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_B "','fields':{'name':'B'}},"
                        "{'uuid':'" UUID_A "','fields':{'name':'A','phone':5}}]}", REQ, "added[1].fields.phone");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':null}}]}", REQ, "added[0].fields.name");
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':['A']}}]}", REQ, "added[0].fields.name");
  /* A non-string value fails the envelope even under an unknown name. */
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'A','fax':{}}}]}", REQ, "added[0].fields.fax");

  /* updated[i] */
  assert_request_fails (HEAD ",'updated':[{'base_version':1,'fields':{}}]}", REQ, "updated[0].id");
  assert_request_fails (HEAD ",'updated':[{'id':'3','base_version':1,'fields':{}}]}", REQ, "updated[0].id");
  assert_request_fails (HEAD ",'updated':[{'id':0,'base_version':1,'fields':{}}]}", REQ, "updated[0].id");
  assert_request_fails (HEAD ",'updated':[{'id':-4,'base_version':1,'fields':{}}]}", REQ, "updated[0].id");
  assert_request_fails (HEAD ",'updated':[{'id':3.0,'base_version':1,'fields':{}}]}", REQ, "updated[0].id");
  assert_request_fails (HEAD ",'updated':[{'id':3,'fields':{}}]}", REQ, "updated[0].base_version");
  assert_request_fails (HEAD ",'updated':[{'id':3,'base_version':-1,'fields':{}}]}", REQ, "updated[0].base_version");
  assert_request_fails (HEAD ",'updated':[{'id':3,'base_version':true,'fields':{}}]}", REQ, "updated[0].base_version");
  assert_request_fails (HEAD ",'updated':[{'id':3,'base_version':1}]}", REQ, "updated[0].fields");
  assert_request_fails (HEAD ",'updated':[{'id':3,'base_version':1,'fields':{},'uuid':'" UUID_A "'}]}", REQ, "updated[0].uuid");
  assert_request_fails (HEAD ",'updated':[{'id':1,'base_version':0,'fields':{}},"
                        "{'id':2,'base_version':0,'fields':{}},"
                        "{'id':3,'base_version':1,'fields':{'phone':false}}]}", REQ, "updated[2].fields.phone");

  /* deleted[i] */
  assert_request_fails (HEAD ",'deleted':[{}]}", REQ, "deleted[0].id");
  assert_request_fails (HEAD ",'deleted':[{'id':'7'}]}", REQ, "deleted[0].id");
  assert_request_fails (HEAD ",'deleted':[{'id':7,'base_version':2}]}", REQ, "deleted[0].base_version");

  /* Duplicates: the path names the second one. */
  {
    g_autofree char *body = g_strdup_printf (HEAD ",'added':[%s,{'uuid':'" UUID_B "','fields':{'name':'B'}},%s]}",
                                             add_a, add_a);

    assert_request_fails (body, REQ, "added[2].uuid");
  }
  assert_request_fails (HEAD ",'updated':[{'id':3,'base_version':1,'fields':{}},"
                        "{'id':3,'base_version':2,'fields':{}}]}", REQ, "updated[1].id");
  assert_request_fails (HEAD ",'deleted':[{'id':1},{'id':2},{'id':1}]}", REQ, "deleted[2].id");
  /* A hostile member name is cut short in the path. */
  {
    g_autofree char *key = g_strnfill (5000, 'k');
    g_autofree char *body = g_strdup_printf (HEAD ",'%s':1}", key);
    g_autofree char *kept = g_strnfill (63, 'k');
    g_autofree char *expected = g_strconcat (kept, "…", NULL);

    assert_request_fails (body, REQ, expected);
  }

  /* The same id updated and deleted in one request is not a duplicate. */
  g_clear_pointer (&request, companies_sync_request_free);
  request = decode_request_ok (HEAD ",'updated':[{'id':3,'base_version':1,'fields':{}}],'deleted':[{'id':3}]}");
  g_assert_cmpuint (request->updated->len, ==, 1);
  g_assert_cmpuint (request->deleted->len, ==, 1);
}

static void
test_request_text_errors (void)
{
  const CompaniesProtocolError JSON = COMPANIES_PROTOCOL_ERROR_INVALID_JSON;
  const CompaniesProtocolError REQ = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;
  g_autofree char *head = q (HEAD);
  g_autofree char *with_nul = NULL;
  g_autofree char *bad_utf8 = NULL;
  g_autofree char *overlong = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  gsize length;

  /* Invalid UTF-8 anywhere in the body. */
  bad_utf8 = g_strdup_printf ("%s,\"added\":[{\"uuid\":\"" UUID_A "\",\"fields\":{\"name\":\"A\xc3\x28\"}}]}", head);
  assert_request_fails_raw (bad_utf8, strlen (bad_utf8), JSON, NULL);
  overlong = g_strdup_printf ("%s,\"cursor\":\"\xc0\xaf\"}", head);
  assert_request_fails_raw (overlong, strlen (overlong), JSON, NULL);

  /* A raw NUL byte inside the body. */
  with_nul = g_strdup_printf ("%s,\"cursor\":\"aXb\"}", head);
  length = strlen (with_nul);
  *strchr (with_nul, 'X') = '\0';
  assert_request_fails_raw (with_nul, length, JSON, NULL);

  /* The escape \u0000, in a value, a key or the cursor. */
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'A\\u0000B'}}]}", REQ, NULL);
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'na\\u0000me':'A'}}]}", REQ, NULL);
  assert_request_fails (HEAD ",'cursor':'\\u0000'}", REQ, NULL);
  /* An escaped backslash before u0000 is text; an odd run is not. */
  request = decode_request_ok (HEAD ",'cursor':'\\\\\\\\u0000'}");
  g_assert_cmpstr (request->cursor, ==, "\\\\u0000");
  assert_request_fails (HEAD ",'cursor':'\\\\\\u0000'}", REQ, NULL);

  /* A lone surrogate is not text. */
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'\\ud800'}}]}", JSON, NULL);
}

static void
test_request_deep_nesting (void)
{
  const CompaniesProtocolError REQ = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;
  g_autofree char *head = q (HEAD);
  GString *deep = g_string_new (head);
  g_autofree char *deep_text = NULL;
  g_autofree char *hostile = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;

  /* Nine levels, inside a value the format does have. */
  g_string_append (deep, ",\"added\":[{\"uuid\":\"" UUID_A "\",\"fields\":{\"name\":[[[[[1]]]]]}}]}");
  deep_text = g_string_free (deep, FALSE);
  assert_request_fails_raw (deep_text, strlen (deep_text), REQ, NULL);

  /* A million brackets must fail fast, without recursing. */
  hostile = g_malloc (1000001);
  memset (hostile, '[', 1000000);
  hostile[1000000] = '\0';
  assert_request_fails_raw (hostile, 1000000, REQ, NULL);
  memset (hostile, '{', 1000000);
  assert_request_fails_raw (hostile, 1000000, REQ, NULL);

  /* Brackets inside strings are text. */
  request = decode_request_ok (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'[[[[[[[[[[{{{{{{{{{{'}}]}");
  g_assert_cmpstr (change_at (request->added, 0)->values[COMPANIES_FIELD_NAME], ==, "[[[[[[[[[[{{{{{{{{{{");
}

static void
test_request_too_many_changes (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *head = q (HEAD);
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* 10000 changes across the three lists: fine. */
  g_string_append (body, head);
  g_string_append (body, ",\"added\":[");
  for (guint i = 0; i < 4000; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_string_append_printf (body, "%s{\"uuid\":\"%s\",\"fields\":{\"name\":\"C%u\"}}", i > 0 ? "," : "", uuid, i);
    }
  g_string_append (body, "],\"updated\":[");
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (body, "%s{\"id\":%u,\"base_version\":1,\"fields\":{}}", i > 0 ? "," : "", i + 1);
  g_string_append (body, "],\"deleted\":[");
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (body, "%s{\"id\":%u}", i > 0 ? "," : "", i + 1);
  g_string_append (body, "]}");

  request = companies_sync_request_decode (body->str, body->len, &path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (request->added->len, ==, 4000);
  g_assert_cmpuint (request->updated->len, ==, 3000);
  g_assert_cmpuint (request->deleted->len, ==, 3000);

  /* One more: too large, whichever list it is in. */
  g_string_truncate (body, body->len - 2);
  g_string_append (body, ",{\"id\":99999}]}");
  assert_request_fails_raw (body->str, body->len, COMPANIES_PROTOCOL_ERROR_TOO_LARGE, NULL);
}

/* Rule breaks inside one record reject that record only. */
static void
test_request_record_rejections (void)
{
  g_autofree char *long_name = NULL;
  g_autofree char *ok_name = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  GString *name = g_string_new (NULL);
  CompaniesChange *change;

  for (guint i = 0; i < 200; i++)
    g_string_append (name, "é");
  ok_name = g_strdup (name->str);
  g_string_append (name, "é");
  long_name = g_string_free (name, FALSE);

  body = g_strdup_printf (HEAD ",'added':["
    "{'uuid':'00000000-0000-4000-8000-000000000001','fields':{'name':'Good','email':'a@b.example'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000002','fields':{'name':'Fax','fax':'123'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000003','fields':{'name':'Mail','email':'no-at-sign'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000004','fields':{'city':'Porto'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000005','fields':{'name':'   '}},"
    "{'uuid':'00000000-0000-4000-8000-000000000006','fields':{'name':'%s'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000007','fields':{'name':'%s'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000008','fields':{'name':'Bell','notes':'ding\\u0007'}},"
    "{'uuid':'00000000-0000-4000-8000-000000000009','fields':{}}"
    "],'updated':["
    "{'id':1,'base_version':4,'fields':{'postal_code':'123456789012345678901'}},"
    "{'id':2,'base_version':4,'fields':{'name':''}},"
    "{'id':3,'base_version':4,'fields':{'phone':'+1 555'}},"
    "{'id':4,'base_version':4,'fields':{'Name':'x'}}"
    "],'deleted':[{'id':9}]}", long_name, ok_name);
  request = decode_request_ok (body);

  g_assert_cmpuint (request->added->len, ==, 9);
  g_assert_cmpuint (request->updated->len, ==, 4);
  g_assert_cmpuint (request->deleted->len, ==, 1);

  change = change_at (request->added, 0);
  g_assert_null (change->reject_code);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_EMAIL], ==, "a@b.example");

  change = change_at (request->added, 1);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_UNKNOWN_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "fax");
  g_assert_nonnull (change->reject_message);
  g_assert_cmpstr (change->uuid, ==, "00000000-0000-4000-8000-000000000002");

  change = change_at (request->added, 2);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "email");
  g_assert_cmpstr (change->reject_message, ==, "E-mail must contain one @ with text on both sides");

  change = change_at (request->added, 3);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_MISSING_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "name");

  change = change_at (request->added, 4);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "name");
  g_assert_cmpstr (change->reject_message, ==, "Name is required");

  change = change_at (request->added, 5);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "name");
  g_assert_cmpstr (change->reject_message, ==, "Name must be at most 200 characters");

  change = change_at (request->added, 6);
  g_assert_null (change->reject_code);
  g_assert_cmpstr (change->values[COMPANIES_FIELD_NAME], ==, ok_name);

  change = change_at (request->added, 7);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "notes");

  change = change_at (request->added, 8);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_MISSING_FIELD);

  change = change_at (request->updated, 0);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "postal_code");
  g_assert_cmpstr (change->reject_message, ==, "Postal code must be at most 20 characters");
  g_assert_cmpint (change->id, ==, 1);

  change = change_at (request->updated, 1);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "name");

  change = change_at (request->updated, 2);
  g_assert_null (change->reject_code);
  g_assert_cmpuint (change->field_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpstr (change->values[COMPANIES_FIELD_PHONE], ==, "+1 555");

  change = change_at (request->updated, 3);
  g_assert_cmpstr (change->reject_code, ==, COMPANIES_REJECT_UNKNOWN_FIELD);
  g_assert_cmpstr (change->reject_field, ==, "Name");

  g_assert_null (change_at (request->deleted, 0)->reject_code);
}

/* Mangled bodies (bytes changed, cut short) either decode or fail with a
 * protocol error: never a crash, never both or neither. */
static void
test_request_mangled (void)
{
  g_autofree char *body = q (HEAD ",'cursor':'db.9','limit':20,'added':[{'uuid':'" UUID_A "',"
                             "'fields':{'name':'Acme','email':'a@b','notes':'x\\ny \\u00e9'}}],"
                             "'updated':[{'id':4,'base_version':2,'fields':{'phone':'1'}}],"
                             "'deleted':[{'id':5}]}");
  static const char replacements[] = "{}[]\",:\\0a-e. \x01\xc3\xff";
  gsize length = strlen (body);
  GRand *rand = g_rand_new_with_seed (20240601);
  guint decoded = 0;

  for (guint round = 0; round < 5000; round++)
    {
      g_autofree char *copy = g_strdup (body);
      g_autoptr(CompaniesSyncRequest) request = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      gsize used = length;
      guint n_changes = g_rand_int_range (rand, 1, 4);

      for (guint i = 0; i < n_changes; i++)
        copy[g_rand_int_range (rand, 0, (gint32) length)] =
          replacements[g_rand_int_range (rand, 0, sizeof replacements - 1)];
      if (g_rand_boolean (rand))
        used = g_rand_int_range (rand, 0, (gint32) length);

      request = companies_sync_request_decode (copy, used, &path, &error);
      g_assert_true ((request == NULL) != (error == NULL));
      if (error != NULL)
        g_assert_true (error->domain == COMPANIES_PROTOCOL_ERROR);
      else
        decoded++;
    }

  g_test_message ("%u of 5000 mangled bodies still decoded", decoded);
  g_rand_free (rand);
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
  g_test_add_func ("/protocol/request/normalizes", test_request_normalizes);
  g_test_add_func ("/protocol/request/hostile-text", test_request_hostile_text);
  g_test_add_func ("/protocol/request/envelope-errors", test_request_envelope_errors);
  g_test_add_func ("/protocol/request/text-errors", test_request_text_errors);
  g_test_add_func ("/protocol/request/deep-nesting", test_request_deep_nesting);
  g_test_add_func ("/protocol/request/too-many-changes", test_request_too_many_changes);
  g_test_add_func ("/protocol/request/record-rejections", test_request_record_rejections);
  g_test_add_func ("/protocol/request/mangled", test_request_mangled);

  return g_test_run ();
}
