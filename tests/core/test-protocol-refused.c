/* test-protocol-refused.c: requests the strict decoder refuses (the
 * envelope, the text, nesting, sizes, rules broken inside one record) and
 * mangled bodies, which it decodes or refuses but never both
 * (docs/protocol.md section 3).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-protocol"

#include <string.h>

#include "protocol-test-util.h"

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
  g_autofree char *good = NULL;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  /* a bad byte, a cut sequence, an overlong one, a surrogate, a lead
   * byte past U+10FFFF, a lone continuation byte */
  static const char * const bad_after_good[] = {
    "\xff", "\xe2\x82", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80", "\x80"
  };
  gsize length;

  /* Invalid UTF-8 anywhere in the body. */
  bad_utf8 = g_strdup_printf ("%s,\"added\":[{\"uuid\":\"" UUID_A "\",\"fields\":{\"name\":\"A\xc3\x28\"}}]}", head);
  assert_request_fails_raw (bad_utf8, strlen (bad_utf8), JSON, NULL);
  overlong = g_strdup_printf ("%s,\"cursor\":\"\xc0\xaf\"}", head);
  assert_request_fails_raw (overlong, strlen (overlong), JSON, NULL);
  /* Each character is checked on its own: a bad one after good ones of
   * two, three and four bytes, and good ones alone. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_after_good); i++)
    {
      g_autofree char *body = g_strdup_printf ("%s,\"added\":[{\"uuid\":\"" UUID_A "\","
                                               "\"fields\":{\"name\":\"Ação € 😀 %s\"}}]}",
                                               head, bad_after_good[i]);

      assert_request_fails_raw (body, strlen (body), JSON, NULL);
    }
  good = g_strdup_printf ("%s,\"added\":[{\"uuid\":\"" UUID_A "\","
                          "\"fields\":{\"name\":\"Ação € 😀 ok\"}}]}", head);
  request = companies_sync_request_decode (good, strlen (good), NULL, NULL);
  g_assert_nonnull (request);
  g_assert_cmpstr (((CompaniesChange *) g_ptr_array_index (request->added, 0))->values[COMPANIES_FIELD_NAME],
                   ==, "Ação € 😀 ok");
  g_clear_pointer (&request, companies_sync_request_free);

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

  /* A lone surrogate is not text; a pair is. */
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'\\ud800'}}]}", JSON, NULL);
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'\\udc00 A'}}]}", JSON, NULL);
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'\\ud83d\\u0041'}}]}", JSON, NULL);
  assert_request_fails (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'n\\ud800':'A'}}]}", JSON, NULL);
  g_clear_pointer (&request, companies_sync_request_free);
  request = decode_request_ok (HEAD ",'added':[{'uuid':'" UUID_A "','fields':{'name':'\\ud83d\\ude00'}}]}");
  g_assert_cmpstr (change_at (request->added, 0)->values[COMPANIES_FIELD_NAME], ==, "😀");

  /* The text errors come before a syntax error later in the body, as
   * they did when the text was checked before the tokenizer ran. */
  assert_request_fails (HEAD ",'cursor':'\\u0000',}", REQ, NULL);
  assert_request_fails (HEAD ",'cursor':'\\u0000' 'x'}", REQ, NULL);
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

  g_test_add_func ("/protocol/request/envelope-errors", test_request_envelope_errors);
  g_test_add_func ("/protocol/request/text-errors", test_request_text_errors);
  g_test_add_func ("/protocol/request/deep-nesting", test_request_deep_nesting);
  g_test_add_func ("/protocol/request/too-many-changes", test_request_too_many_changes);
  g_test_add_func ("/protocol/request/record-rejections", test_request_record_rejections);
  g_test_add_func ("/protocol/request/mangled", test_request_mangled);

  return g_test_run ();
}
