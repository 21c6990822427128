/* test-json-scan.c: the JSON tokenizer under the protocol's decoders
 * (companies-json-scan.c): strict RFC 8259 syntax, the tokens it makes,
 * json-glib's rule for repeated member names, integers at the edges of
 * gint64, and escapes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-json-scan"

#include <string.h>

#include "companies-json-scan.h"
#include "companies-protocol.h"

static gboolean
scans (const char *text)
{
  CompaniesJsonDoc doc;
  gboolean ok = companies_json_doc_init (&doc, text, strlen (text), 8, NULL);

  if (ok)
    companies_json_doc_clear (&doc);
  return ok;
}

static void
test_syntax (void)
{
  const char * const good[] = {
    "{}", "[]", " {\"a\" : [1, -2, 3.5, 1e3, -0, 0.5E-2, true, false, null, \"x\"]} ",
    "\"just a string\"", "0", "[[[[[[[1]]]]]]]", "{\"\":{}}", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"",
    /* surrogate pairs, and an escaped backslash before "ud800" (text) */
    "\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\\ud83d\\ude01 x\"", "\"\\\\ud800\"",
    NULL
  };
  const char * const bad[] = {
    "", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
    "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[--1]", "[tru]", "[True]", "[nul]", "[NaN]",
    "[\"a\" \"b\"]", "{} {}", "[1] x", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"tab\there\"",
    "\"open", "[[[[[[[[[1]]]]]]]]]", "{\"a\":1 \"b\":2}",
    /* escapes that are not text: companies_json_scan () takes what the
     * tokenizer takes without a second look */
    "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ude00\\ud83d\"",
    "\"\\ud83d\\u0041\"", "\"\\ud83dx\"", "\"\\ud83d\\\\ude00\"", "{\"\\u0000\":1}",
    NULL
  };

  for (guint i = 0; good[i] != NULL; i++)
    if (!scans (good[i]))
      g_error ("refused although valid: %s", good[i]);

  for (guint i = 0; bad[i] != NULL; i++)
    if (scans (bad[i]))
      g_error ("accepted although invalid: %s", bad[i]);
}

static void
test_tokens (void)
{
  const char *text = "{\"id\":42,\"list\":[1,{\"x\":null},\"s\"],\"name\":\"Acme\",\"name\":\"Beta\"}";
  CompaniesJsonDoc doc;
  gsize offset = 99;
  guint list, element, name;
  gint64 value = 0;
  g_autofree char *string = NULL;

  g_assert_true (companies_json_doc_init (&doc, text, strlen (text), 8, &offset));
  g_assert_cmpint (companies_json_doc_kind (&doc, 0), ==, COMPANIES_JSON_OBJECT);
  g_assert_cmpuint (doc.tokens[0].count, ==, 4);
  g_assert_cmpuint (doc.tokens[0].next, ==, doc.n_tokens);

  g_assert_true (companies_json_doc_get_int (&doc, companies_json_doc_member (&doc, 0, "id"), &value));
  g_assert_cmpint (value, ==, 42);

  /* An array's elements follow it; next skips over what each holds. */
  list = companies_json_doc_member (&doc, 0, "list");
  g_assert_cmpint (companies_json_doc_kind (&doc, list), ==, COMPANIES_JSON_ARRAY);
  g_assert_cmpuint (doc.tokens[list].count, ==, 3);
  element = list + 1;
  g_assert_cmpint (companies_json_doc_kind (&doc, element), ==, COMPANIES_JSON_INTEGER);
  element = doc.tokens[element].next;
  g_assert_cmpint (companies_json_doc_kind (&doc, element), ==, COMPANIES_JSON_OBJECT);
  g_assert_cmpint (companies_json_doc_kind (&doc, companies_json_doc_member (&doc, element, "x")), ==,
                   COMPANIES_JSON_NULL);
  element = doc.tokens[element].next;
  g_assert_true (companies_json_doc_string_equals (&doc, element, "s"));

  /* A repeated name: the last value, as json-glib reads it. */
  name = companies_json_doc_member (&doc, 0, "name");
  string = companies_json_doc_dup_string (&doc, name);
  g_assert_cmpstr (string, ==, "Beta");

  g_assert_cmpuint (companies_json_doc_member (&doc, 0, "missing"), ==, 0);
  g_assert_cmpuint (companies_json_doc_member (&doc, list, "id"), ==, 0);
  companies_json_doc_clear (&doc);

  /* The offset of a fault. */
  g_assert_false (companies_json_doc_init (&doc, "[1, 2, x]", 9, 8, &offset));
  g_assert_cmpuint (offset, ==, 7);
}

static void
test_integers (void)
{
  const struct { const char *text; gboolean ok; gint64 value; } cases[] = {
    { "[0]", TRUE, 0 },
    { "[-0]", TRUE, 0 },
    { "[9223372036854775807]", TRUE, G_MAXINT64 },
    { "[-9223372036854775808]", TRUE, G_MININT64 },
    { "[9223372036854775808]", FALSE, 0 },
    { "[-9223372036854775809]", FALSE, 0 },
    { "[99999999999999999999999]", FALSE, 0 },
    { "[1.0]", FALSE, 0 },
    { "[1e2]", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CompaniesJsonDoc doc;
      gint64 value = -1;

      g_assert_true (companies_json_doc_init (&doc, cases[i].text, strlen (cases[i].text), 8, NULL));
      g_assert_cmpint (companies_json_doc_get_int (&doc, 1, &value), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (value, ==, cases[i].value);
      companies_json_doc_clear (&doc);
    }
}

static void
test_escapes (void)
{
  const char *text = "[\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" a\\/b\\n\", \"plain\", \"\\u0041\"]";
  CompaniesJsonDoc doc;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_true (companies_json_doc_init (&doc, text, strlen (text), 8, NULL));
  first = companies_json_doc_dup_string (&doc, 1);
  g_assert_cmpstr (first, ==, "café 😀 \"q\" a/b\n");
  g_assert_true (doc.tokens[1].escaped);
  second = companies_json_doc_dup_string (&doc, 2);
  g_assert_cmpstr (second, ==, "plain");
  g_assert_false (doc.tokens[2].escaped);
  /* An escaped string compares by its text. */
  g_assert_true (companies_json_doc_string_equals (&doc, 3, "A"));
  g_assert_false (companies_json_doc_string_equals (&doc, 3, "\\u0041"));
  companies_json_doc_clear (&doc);
}

/* Through the request decoder: a repeated field keeps the place of its
 * first occurrence and the value of its last, small objects and large. */
static void
test_repeated_fields (void)
{
  const char *uuid = "9f0e0000-0000-4000-8000-00000000000a";
  const char *client = "9f0e0000-0000-4000-8000-00000000000c";
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(CompaniesSyncRequest) request = NULL;
      g_autofree char *body = NULL;
      CompaniesChange *change;

      /* Over 16 members takes the hashed path. */
      g_string_truncate (many, 0);
      for (guint i = 0; pass == 1 && i < 40; i++)
        g_string_append_printf (many, "\"city\":\"C%u\",", i);

      body = g_strdup_printf ("{\"protocol\":1,\"client_id\":\"%s\",\"cursor\":null,"
                              "\"added\":[{\"uuid\":\"%s\",\"fields\":{\"name\":5,%s"
                              "\"name\":\"  Acme  \",\"city\":\"Porto\"}}]}",
                              client, uuid, many->str);
      request = companies_sync_request_decode (body, strlen (body), NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (request->added->len, ==, 1);
      change = g_ptr_array_index (request->added, 0);
      g_assert_null (change->reject_code);
      g_assert_cmpstr (change->values[COMPANIES_FIELD_NAME], ==, "Acme");
      g_assert_cmpstr (change->values[COMPANIES_FIELD_CITY], ==, "Porto");
      g_assert_cmpuint (change->field_mask, ==,
                        COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME) | COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-scan/syntax", test_syntax);
  g_test_add_func ("/json-scan/tokens", test_tokens);
  g_test_add_func ("/json-scan/integers", test_integers);
  g_test_add_func ("/json-scan/escapes", test_escapes);
  g_test_add_func ("/json-scan/repeated-fields", test_repeated_fields);

  return g_test_run ();
}
