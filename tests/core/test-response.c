/* test-response.c: the response and error body encoders and their strict
 * decoders (docs/protocol.md sections 3 and 4)
 *
 * Bodies are written with single quotes for readability; q() turns them
 * into double quotes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-response"

#include <string.h>

#include "companies-protocol.h"

#define UUID_A    "9f0e0000-0000-4000-8000-00000000000a"
#define UUID_B    "9f0e0000-0000-4000-8000-00000000000b"

static char *
q (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

static CompaniesRecord *
make_company (gint64      id,
              const char *name,
              gint64      version)
{
  CompaniesRecord *record = companies_record_new ();

  record->id = id;
  record->uuid = g_uuid_string_random ();
  record->version = version;
  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    record->values[f] = g_strdup ("");
  g_free (record->values[COMPANIES_FIELD_NAME]);
  record->values[COMPANIES_FIELD_NAME] = g_strdup (name);
  return record;
}

static void
test_response_round_trip (void)
{
  g_autoptr(CompaniesSyncResponse) response = companies_sync_response_new ();
  g_autoptr(CompaniesSyncResponse) decoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesRecord *record;
  CompaniesRejected *rejected;
  CompaniesOverwritten *overwritten;
  const char *data;
  gsize size;

  response->cursor = g_strdup ("0f1e.19");
  response->has_more = TRUE;
  response->reset = FALSE;

  record = make_company (42, "Acme", 18);
  g_free (record->values[COMPANIES_FIELD_NOTES]);
  record->values[COMPANIES_FIELD_NOTES] = g_strdup ("\"quoted\"\n\\ 😀 \t");
  g_ptr_array_add (response->companies, record);
  g_ptr_array_add (response->companies, make_company (43, "Beta", 20));

  record = companies_record_new ();
  record->id = 7;
  record->uuid = g_strdup (UUID_B);
  record->version = 19;
  g_ptr_array_add (response->deleted, record);

  rejected = companies_rejected_new ();
  rejected->uuid = g_strdup (UUID_A);
  rejected->id = 0;
  rejected->code = g_strdup (COMPANIES_REJECT_INVALID_FIELD);
  rejected->field = g_strdup ("email");
  rejected->message = g_strdup ("E-mail must contain one @ with text on both sides");
  g_ptr_array_add (response->rejected, rejected);

  rejected = companies_rejected_new ();
  rejected->id = 99;
  rejected->code = g_strdup (COMPANIES_REJECT_NOT_FOUND);
  rejected->message = g_strdup ("No such record");
  g_ptr_array_add (response->rejected, rejected);

  overwritten = companies_overwritten_new ();
  overwritten->id = 42;
  overwritten->field = COMPANIES_FIELD_PHONE;
  overwritten->value = g_strdup ("+351 22 111 1111");
  overwritten->version = 16;
  g_ptr_array_add (response->overwritten, overwritten);

  bytes = companies_sync_response_encode (response);
  data = g_bytes_get_data (bytes, &size);
  g_assert_null (memchr (data, '\n', size));
  g_assert_nonnull (g_strstr_len (data, size, "\"id\":null"));
  g_assert_nonnull (g_strstr_len (data, size, "\"field\":null"));
  g_assert_nonnull (g_strstr_len (data, size, "\"uuid\":null"));
  g_assert_nonnull (g_strstr_len (data, size, "\"has_more\":true"));
  /* Every field of a company, empty ones included. */
  g_assert_nonnull (g_strstr_len (data, size, "\"postal_code\":\"\""));
  g_assert_nonnull (g_strstr_len (data, size, "\\t"));

  decoded = companies_sync_response_decode (data, size, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->protocol, ==, 1);
  g_assert_cmpstr (decoded->cursor, ==, "0f1e.19");
  g_assert_true (decoded->has_more);
  g_assert_false (decoded->reset);

  g_assert_cmpuint (decoded->companies->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      CompaniesRecord *expected = g_ptr_array_index (response->companies, i);
      CompaniesRecord *got = g_ptr_array_index (decoded->companies, i);

      g_assert_cmpint (got->id, ==, expected->id);
      g_assert_cmpstr (got->uuid, ==, expected->uuid);
      g_assert_cmpint (got->version, ==, expected->version);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_assert_cmpstr (got->values[f], ==, expected->values[f]);
    }

  g_assert_cmpuint (decoded->deleted->len, ==, 1);
  record = g_ptr_array_index (decoded->deleted, 0);
  g_assert_cmpint (record->id, ==, 7);
  g_assert_cmpstr (record->uuid, ==, UUID_B);
  g_assert_cmpint (record->version, ==, 19);
  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    g_assert_null (record->values[f]);

  g_assert_cmpuint (decoded->rejected->len, ==, 2);
  rejected = g_ptr_array_index (decoded->rejected, 0);
  g_assert_cmpstr (rejected->uuid, ==, UUID_A);
  g_assert_cmpint (rejected->id, ==, 0);
  g_assert_cmpstr (rejected->code, ==, "invalid_field");
  g_assert_cmpstr (rejected->field, ==, "email");
  g_assert_cmpstr (rejected->message, ==, "E-mail must contain one @ with text on both sides");
  rejected = g_ptr_array_index (decoded->rejected, 1);
  g_assert_null (rejected->uuid);
  g_assert_cmpint (rejected->id, ==, 99);
  g_assert_null (rejected->field);

  g_assert_cmpuint (decoded->overwritten->len, ==, 1);
  overwritten = g_ptr_array_index (decoded->overwritten, 0);
  g_assert_cmpint (overwritten->id, ==, 42);
  g_assert_cmpint (overwritten->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (overwritten->value, ==, "+351 22 111 1111");
  g_assert_cmpint (overwritten->version, ==, 16);
}

static void
assert_response_fails (const char             *body,
                       CompaniesProtocolError  code,
                       const char             *place)
{
  g_autofree char *json = q (body);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = companies_sync_response_decode (json, strlen (json), &error);
  if (response != NULL)
    g_error ("decoded although it should fail: %s", json);
  g_assert_error (error, COMPANIES_PROTOCOL_ERROR, (gint) code);
  if (place != NULL && strstr (error->message, place) == NULL)
    g_error ("“%s” does not name %s", error->message, place);
}

#define RHEAD "{'protocol':1,'cursor':'c.1','has_more':false,'reset':false"
#define COMPANY_FIELDS "'address':'','city':'','postal_code':'','country':'','phone':'','email':'','website':'','notes':''"
#define COMPANY "{'id':1,'uuid':'" UUID_A "','version':3,'name':'A'," COMPANY_FIELDS "}"

static void
test_response_strict (void)
{
  const CompaniesProtocolError JSON = COMPANIES_PROTOCOL_ERROR_INVALID_JSON;
  const CompaniesProtocolError BAD = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autofree char *minimal = q (RHEAD ",'companies':[" COMPANY "],'deleted':[]}");

  /* rejected and overwritten may be left out. */
  response = companies_sync_response_decode (minimal, strlen (minimal), NULL);
  g_assert_nonnull (response);
  g_assert_cmpuint (response->companies->len, ==, 1);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_cmpuint (response->overwritten->len, ==, 0);

  assert_response_fails ("<html>502 Bad Gateway</html>", JSON, NULL);
  assert_response_fails ("", JSON, NULL);
  assert_response_fails ("[]", BAD, NULL);
  assert_response_fails ("{'protocol':2,'cursor':'c','has_more':false,'reset':false,'companies':[],'deleted':[]}",
                         COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL, "protocol");
  assert_response_fails ("{'cursor':'c','has_more':false,'reset':false,'companies':[],'deleted':[]}", BAD, "protocol");
  assert_response_fails ("{'protocol':1,'has_more':false,'reset':false,'companies':[],'deleted':[]}", BAD, "cursor");
  assert_response_fails ("{'protocol':1,'cursor':null,'has_more':false,'reset':false,'companies':[],'deleted':[]}", BAD, "cursor");
  assert_response_fails ("{'protocol':1,'cursor':'c','reset':false,'companies':[],'deleted':[]}", BAD, "has_more");
  assert_response_fails ("{'protocol':1,'cursor':'c','has_more':'false','reset':false,'companies':[],'deleted':[]}", BAD, "has_more");
  assert_response_fails ("{'protocol':1,'cursor':'c','has_more':false,'reset':0,'companies':[],'deleted':[]}", BAD, "reset");
  assert_response_fails (RHEAD ",'deleted':[]}", BAD, "companies");
  assert_response_fails (RHEAD ",'companies':[]}", BAD, "deleted");
  assert_response_fails (RHEAD ",'companies':{},'deleted':[]}", BAD, "companies");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'rejected':null}", BAD, "rejected");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'extra':[]}", BAD, "extra");

  /* companies[i] carries id, uuid, version and all nine fields as strings. */
  assert_response_fails (RHEAD ",'companies':[" COMPANY ",5],'deleted':[]}", BAD, "companies[1]");
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].name");
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,'name':5,"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].name");
  assert_response_fails (RHEAD ",'companies':[{'id':'1','uuid':'" UUID_A "','version':3,'name':'A',"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].id");
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'X','version':3,'name':'A',"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].uuid");
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','name':'A',"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].version");
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,'name':'A','fax':'',"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].fax");

  /* deleted[i], rejected[i], overwritten[i] */
  assert_response_fails (RHEAD ",'companies':[],'deleted':[{'id':7,'uuid':'" UUID_B "'}]}", BAD, "deleted[0].version");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[{'id':7,'uuid':'" UUID_B "','version':2,'name':'A'}]}",
                         BAD, "deleted[0].name");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'rejected':[{'uuid':null,'id':null,'field':null,"
                         "'message':'m'}]}", BAD, "rejected[0].code");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'rejected':[{'uuid':'x','id':null,'code':'c',"
                         "'field':null,'message':'m'}]}", BAD, "rejected[0].uuid");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'rejected':[{'uuid':null,'id':'4','code':'c',"
                         "'field':null,'message':'m'}]}", BAD, "rejected[0].id");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'overwritten':[{'id':4,'field':'fax','value':'',"
                         "'version':2}]}", BAD, "overwritten[0].field");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'overwritten':[{'id':4,'field':'phone','value':7,"
                         "'version':2}]}", BAD, "overwritten[0].value");
}

/* Server data meets the rules of local input (docs/protocol.md section
 * 3, "The client, on receiving a response"): one bad value fails it all. */
static void
test_response_values (void)
{
  const CompaniesProtocolError BAD = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;
  g_autoptr(CompaniesSyncResponse) response = companies_sync_response_new ();
  g_autoptr(CompaniesSyncResponse) decoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = g_strnfill (201, 'n');
  g_autofree char *longest_name = g_strnfill (200, 'n');
  g_autofree char *long_message = g_strnfill (1001, 'm');
  g_autofree char *long_cursor = g_strnfill (201, 'c');
  g_autofree char *body = NULL;
  CompaniesRecord *record = make_company (1, "Bell", 2);
  gsize size;
  const char *data;

  /* A control character is escaped on the wire, and refused there. */
  g_free (record->values[COMPANIES_FIELD_NOTES]);
  record->values[COMPANIES_FIELD_NOTES] = g_strdup ("ring \x01");
  response->cursor = g_strdup ("c.1");
  g_ptr_array_add (response->companies, record);
  bytes = companies_sync_response_encode (response);
  data = g_bytes_get_data (bytes, &size);
  g_assert_nonnull (g_strstr_len (data, size, "\\u0001"));
  decoded = companies_sync_response_decode (data, size, &error);
  g_assert_null (decoded);
  g_assert_error (error, COMPANIES_PROTOCOL_ERROR, BAD);
  g_assert_nonnull (strstr (error->message, "companies[0].notes"));

  /* At the limit: fine. */
  body = g_strconcat (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,'name':'",
                      longest_name, "'," COMPANY_FIELDS "}],'deleted':[]}", NULL);
  {
    g_autofree char *json = q (body);

    g_clear_pointer (&decoded, companies_sync_response_free);
    decoded = companies_sync_response_decode (json, strlen (json), NULL);
    g_assert_nonnull (decoded);
  }
  g_clear_pointer (&body, g_free);

  body = g_strconcat (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,'name':'",
                      long_name, "'," COMPANY_FIELDS "}],'deleted':[]}", NULL);
  assert_response_fails (body, BAD, "companies[0].name");
  g_clear_pointer (&body, g_free);
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,'name':' ',"
                         COMPANY_FIELDS "}],'deleted':[]}", BAD, "companies[0].name");
  assert_response_fails (RHEAD ",'companies':[{'id':1,'uuid':'" UUID_A "','version':3,'email':'a b@c',"
                         "'name':'A','address':'','city':'','postal_code':'','country':'','phone':'',"
                         "'website':'','notes':''}],'deleted':[]}", BAD, "companies[0].email");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'overwritten':[{'id':4,'field':'email',"
                         "'value':'no-at','version':2}]}", BAD, "overwritten[0].value");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'rejected':[{'uuid':null,'id':4,'code':'c',"
                         "'field':null,'message':'a\\u001b[2Jb'}]}", BAD, "rejected[0].message");

  body = g_strconcat (RHEAD ",'companies':[],'deleted':[],'rejected':[{'uuid':null,'id':4,'code':'c',"
                      "'field':null,'message':'", long_message, "'}]}", NULL);
  assert_response_fails (body, BAD, "rejected[0].message");
  g_clear_pointer (&body, g_free);

  body = g_strconcat ("{'protocol':1,'cursor':'", long_cursor, "','has_more':false,'reset':false,"
                      "'companies':[],'deleted':[]}", NULL);
  assert_response_fails (body, BAD, "cursor");
}

/* docs/protocol-transport.md, "The largest valid response". */
static void
test_response_max_bytes (void)
{
  g_autoptr(CompaniesSyncRequest) request = companies_sync_request_new ();
  CompaniesChange *update = companies_change_new (COMPANIES_CHANGE_UPDATE);

  /* The page, and the most `replaced` entries of revision 1.6: two notes
   * and a label each. */
  request->limit = 5000;
  g_assert_cmpuint (companies_sync_response_max_bytes (request), ==,
                    1024 + G_GUINT64_CONSTANT (5000) * (512 + 4 * 11724) +
                    100 * (512 + 4 * (2 * 10000 + 200)));

  /* An update of the notes: its echo, a rejection, an overwritten notes
   * with its writer's label. */
  update->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NOTES);
  g_ptr_array_add (request->updated, update);
  g_assert_cmpuint (companies_sync_response_max_bytes (request), ==,
                    1024 + G_GUINT64_CONSTANT (5001) * (512 + 4 * 11724) +
                    (512 + 4 * (1000 + 64 + 64)) + (512 + 4 * (10000 + 200)) +
                    100 * (512 + 4 * (2 * 10000 + 200)));
}

/* --- error bodies --- */

/* Revision 1.8: `created`, its strict form, and the values the request
 * sent put back into `companies`. */
static void
test_response_created (void)
{
  const CompaniesProtocolError BAD = COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST;
  g_autoptr(CompaniesSyncRequest) request = companies_sync_request_new ();
  g_autoptr(CompaniesSyncResponse) response = companies_sync_response_new ();
  g_autoptr(CompaniesSyncResponse) decoded = NULL;
  g_autoptr(CompaniesSyncResponse) unknown = NULL;
  g_autoptr(CompaniesSyncResponse) twice = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unknown_body = NULL;
  g_autofree char *twice_body = NULL;
  CompaniesChange *change;
  CompaniesRecord *record;
  gsize size;
  const char *data;

  /* Two additions: A with a name and a city, B with a name only. */
  change = companies_change_new (COMPANIES_CHANGE_ADD);
  change->uuid = g_strdup (UUID_A);
  change->values[COMPANIES_FIELD_NAME] = g_strdup ("Acme");
  change->values[COMPANIES_FIELD_CITY] = g_strdup ("Porto");
  change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY);
  g_ptr_array_add (request->added, change);
  change = companies_change_new (COMPANIES_CHANGE_ADD);
  change->uuid = g_strdup (UUID_B);
  change->values[COMPANIES_FIELD_NAME] = g_strdup ("Beta");
  change->field_mask = COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME);
  g_ptr_array_add (request->added, change);

  /* B created first, then A; another company between them. */
  response->cursor = g_strdup ("c.9");
  g_ptr_array_add (response->companies, make_company (5, "Other", 8));
  record = companies_record_new ();
  record->id = 11;
  record->uuid = g_strdup (UUID_B);
  record->version = 7;
  g_ptr_array_add (response->created, record);
  record = companies_record_new ();
  record->id = 12;
  record->uuid = g_strdup (UUID_A);
  record->version = 9;
  g_ptr_array_add (response->created, record);

  bytes = companies_sync_response_encode (response);
  data = g_bytes_get_data (bytes, &size);
  g_assert_nonnull (g_strstr_len (data, size, "\"created\":[{\"id\":11,"));
  decoded = companies_sync_response_decode (data, size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->created->len, ==, 2);

  g_assert_true (companies_sync_response_take_created (decoded, request, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->created->len, ==, 0);
  g_assert_cmpuint (decoded->companies->len, ==, 3);
  /* In version order, with the values sent; a field not sent is empty. */
  record = g_ptr_array_index (decoded->companies, 0);
  g_assert_cmpstr (record->uuid, ==, UUID_B);
  g_assert_cmpint (record->id, ==, 11);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, "Beta");
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "");
  record = g_ptr_array_index (decoded->companies, 1);
  g_assert_cmpint (record->id, ==, 5);
  record = g_ptr_array_index (decoded->companies, 2);
  g_assert_cmpstr (record->uuid, ==, UUID_A);
  g_assert_cmpint (record->version, ==, 9);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Porto");

  /* An entry that names no addition of the request, or one twice. */
  unknown_body = q (RHEAD ",'companies':[],'deleted':[],'created':[{'id':3,'uuid':'"
                    "9f0e0000-0000-4000-8000-0000000000ff','version':4}]}");
  unknown = companies_sync_response_decode (unknown_body, strlen (unknown_body), &error);
  g_assert_no_error (error);
  g_assert_false (companies_sync_response_take_created (unknown, request, &error));
  g_assert_error (error, COMPANIES_PROTOCOL_ERROR, BAD);
  g_assert_nonnull (strstr (error->message, "created[0].uuid"));
  g_clear_error (&error);
  twice_body = q (RHEAD ",'companies':[],'deleted':[],'created':[{'id':3,'uuid':'" UUID_A "','version':4},"
                  "{'id':3,'uuid':'" UUID_A "','version':4}]}");
  twice = companies_sync_response_decode (twice_body, strlen (twice_body), &error);
  g_assert_no_error (error);
  g_assert_false (companies_sync_response_take_created (twice, request, &error));
  g_assert_nonnull (strstr (error->message, "created[1].uuid"));

  /* A created entry has exactly a tombstone's members. */
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'created':[{'id':3,'uuid':'" UUID_A "'}]}",
                         BAD, "created[0].version");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'created':[{'id':3,'uuid':'" UUID_A "',"
                         "'version':4,'name':'A'}]}", BAD, "created[0].name");
  assert_response_fails (RHEAD ",'companies':[],'deleted':[],'created':{}}", BAD, "created");
}

/* The decoder notes a name it trimmed: the server then answers it in
 * full, not as `created`. */
static void
test_request_trimmed_name (void)
{
  g_autofree char *body = q ("{'protocol':1,'client_id':'5d1c0000-0000-4000-8000-000000000000',"
                             "'added':[{'uuid':'" UUID_A "','fields':{'name':'  Acme ','city':' Porto '}},"
                             "{'uuid':'" UUID_B "','fields':{'name':'Beta'}}]}");
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  const CompaniesChange *a, *b;

  request = companies_sync_request_decode (body, strlen (body), NULL, &error);
  g_assert_no_error (error);
  a = g_ptr_array_index (request->added, 0);
  b = g_ptr_array_index (request->added, 1);
  g_assert_cmpstr (a->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpuint (a->trimmed_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME));
  g_assert_cmpuint (b->trimmed_mask, ==, 0);
}

static void
test_error_body (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  const char *data;
  gsize size;

  bytes = companies_error_body_encode ("invalid_request", "Must be an integer \"here\"", "added[2].fields");
  data = g_bytes_get_data (bytes, &size);
  g_assert_true (companies_error_body_decode (data, size, &code, &message, &path));
  g_assert_cmpstr (code, ==, "invalid_request");
  g_assert_cmpstr (message, ==, "Must be an integer \"here\"");
  g_assert_cmpstr (path, ==, "added[2].fields");
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&message, g_free);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = companies_error_body_encode ("unauthorized", "Wrong token", NULL);
  data = g_bytes_get_data (bytes, &size);
  g_assert_true (companies_error_body_decode (data, size, &code, &message, &path));
  g_assert_cmpstr (code, ==, "unauthorized");
  g_assert_cmpstr (message, ==, "Wrong token");
  g_assert_null (path);

  /* A path that is not text still gives valid JSON. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = companies_error_body_encode ("invalid_request", "m", "added[0].fields.\xff\xfe");
  data = g_bytes_get_data (bytes, &size);
  g_assert_true (g_utf8_validate (data, size, NULL));
  g_assert_true (companies_error_body_decode (data, size, NULL, NULL, NULL));

  /* Not error bodies. */
  g_assert_false (companies_error_body_decode ("", 0, NULL, NULL, NULL));
  g_assert_false (companies_error_body_decode ("<html>", 6, NULL, NULL, NULL));
  json = q ("{'status':'ok','protocol':1}");
  g_assert_false (companies_error_body_decode (json, strlen (json), NULL, NULL, NULL));
  g_clear_pointer (&json, g_free);
  json = q ("{'error':'boom'}");
  g_assert_false (companies_error_body_decode (json, strlen (json), NULL, NULL, NULL));
  g_clear_pointer (&json, g_free);
  json = q ("{'error':{'code':5,'message':'m'}}");
  g_assert_false (companies_error_body_decode (json, strlen (json), NULL, NULL, NULL));
}

/* --- size --- */

static void
test_large_pages (void)
{
  g_autoptr(CompaniesSyncResponse) response = companies_sync_response_new ();
  g_autoptr(CompaniesSyncResponse) decoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  const char *data;
  gsize size;

  response->cursor = g_strdup ("db.100000");
  for (guint i = 0; i < 100000; i++)
    {
      char name[32];
      CompaniesRecord *record;

      g_snprintf (name, sizeof name, "Company %u", i);
      record = make_company (i + 1, name, i + 1);
      g_free (record->values[COMPANIES_FIELD_CITY]);
      record->values[COMPANIES_FIELD_CITY] = g_strdup ("Porto");
      g_ptr_array_add (response->companies, record);
    }

  g_timer_start (timer);
  bytes = companies_sync_response_encode (response);
  g_test_message ("encoded 100000 companies (%zu bytes) in %.3f s",
                  g_bytes_get_size (bytes), g_timer_elapsed (timer, NULL));

  g_timer_start (timer);
  data = g_bytes_get_data (bytes, &size);
  decoded = companies_sync_response_decode (data, size, &error);
  g_assert_no_error (error);
  g_test_message ("decoded them in %.3f s", g_timer_elapsed (timer, NULL));

  g_assert_cmpuint (decoded->companies->len, ==, 100000);
  g_assert_cmpstr (((CompaniesRecord *) g_ptr_array_index (decoded->companies, 99999))->values[COMPANIES_FIELD_NAME],
                   ==, "Company 99999");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/response/round-trip", test_response_round_trip);
  g_test_add_func ("/protocol/response/strict", test_response_strict);
  g_test_add_func ("/protocol/response/values", test_response_values);
  g_test_add_func ("/protocol/response/max-bytes", test_response_max_bytes);
  g_test_add_func ("/protocol/response/created", test_response_created);
  g_test_add_func ("/protocol/request/trimmed-name", test_request_trimmed_name);
  g_test_add_func ("/protocol/error-body", test_error_body);
  g_test_add_func ("/protocol/large-pages", test_large_pages);

  return g_test_run ();
}
