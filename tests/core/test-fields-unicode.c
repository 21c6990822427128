/* test-fields-unicode.c: the Unicode rules of protocol.md section 1:
 * invisible names, separators, bidirectional controls, DEL and C1
 * controls, and white space in an e-mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-fields-unicode"

#include "companies-fields.h"

static const CompaniesField one_line_fields[] = {
  COMPANIES_FIELD_NAME, COMPANIES_FIELD_CITY, COMPANIES_FIELD_POSTAL_CODE,
  COMPANIES_FIELD_COUNTRY, COMPANIES_FIELD_PHONE, COMPANIES_FIELD_EMAIL,
  COMPANIES_FIELD_WEBSITE,
};

static const CompaniesField multi_line_fields[] = {
  COMPANIES_FIELD_ADDRESS, COMPANIES_FIELD_NOTES,
};

static void
assert_refused (CompaniesField  field,
                const char     *value,
                const char     *expected_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (companies_field_validate (field, value, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  if (expected_message != NULL)
    g_assert_cmpstr (error->message, ==, expected_message);
}

static void
assert_accepted (CompaniesField  field,
                 const char     *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_field_validate (field, value, &error));
  g_assert_no_error (error);
}

/* The name through companies_fields_validate (), as an add checks it. */
static void
assert_name_blank (const char *name)
{
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  g_autoptr(GError) error = NULL;
  CompaniesField field = COMPANIES_N_FIELDS;

  assert_refused (COMPANIES_FIELD_NAME, name, "Name is required");

  values[COMPANIES_FIELD_NAME] = name;
  g_assert_false (companies_fields_validate (values, COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME),
                                             &field, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_assert_cmpstr (error->message, ==, "Name is required");
  g_assert_cmpint (field, ==, COMPANIES_FIELD_NAME);
}

static void
test_invisible_names (void)
{
  assert_name_blank ("\u00a0");
  assert_name_blank ("\u3000\u3000");
  assert_name_blank ("\u200b");
  assert_name_blank ("\ufeff");
  assert_name_blank (" \u00a0\u3000\u200b\ufeff\t");
  assert_name_blank ("\u2007\u202f\u205f\u2060");

  /* Visible text among them stays a name, as sent. */
  assert_accepted (COMPANIES_FIELD_NAME, "\u00a0Acme\u3000");
  assert_accepted (COMPANIES_FIELD_NAME, "\ufeffA");
  assert_accepted (COMPANIES_FIELD_NAME, "Caf\u00e9");
  assert_accepted (COMPANIES_FIELD_NAME, "\u682a\u5f0f\u4f1a\u793e");
  /* Other fields may be white space only. */
  assert_accepted (COMPANIES_FIELD_CITY, "\u00a0");
  assert_accepted (COMPANIES_FIELD_NOTES, "\u3000");
}

static void
test_one_line_controls (void)
{
  static const char * const refused[] = {
    "a\u2028b", "a\u2029b",
    "a\u202ab", "a\u202bb", "a\u202cb", "a\u202db", "a\u202eb",
    "a\u2066b", "a\u2067b", "a\u2068b", "a\u2069b",
    "a\x7f" "b", "a\xc2\x80" "b", "a\xc2\x85" "b", "a\xc2\x9b" "b", "a\xc2\x9f" "b",
  };

  for (guint f = 0; f < G_N_ELEMENTS (one_line_fields); f++)
    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      assert_refused (one_line_fields[f], refused[i], NULL);

  assert_refused (COMPANIES_FIELD_CITY, "Porto\u2028Lisboa", "City must not contain control characters");
  assert_refused (COMPANIES_FIELD_NAME, "evil\u202egnp.exe", "Name must not contain control characters");
  assert_refused (COMPANIES_FIELD_PHONE, "22\x7f", "Phone must not contain control characters");
  assert_refused (COMPANIES_FIELD_COUNTRY, "\xc2\x9b" "2J", "Country must not contain control characters");

  /* Their neighbours stay allowed: U+00A0, U+2027, U+202F, U+2065, U+206A
   * (a deprecated format character), the marks U+200E and U+200F. */
  assert_accepted (COMPANIES_FIELD_CITY, "a\u00a0b\u2027c\u202fd\u2065e\u206af\u200eg\u200fh");
  assert_accepted (COMPANIES_FIELD_NAME, "\u05e9\u05dc\u05d5\u05dd Acme");
}

static void
test_multi_line_controls (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (multi_line_fields); f++)
    {
      CompaniesField field = multi_line_fields[f];

      /* Line and paragraph separators are line breaks, and mixed
       * direction text may need its isolates in a paragraph. */
      assert_accepted (field, "one\u2028two\u2029three");
      assert_accepted (field, "\u2067\u05e9\u05dc\u05d5\u05dd\u2069 Acme\u202a x \u202c");

      /* DEL and the C1 controls are controls in every field. */
      assert_refused (field, "a\x7f", NULL);
      assert_refused (field, "a\xc2\x85" "b", NULL);
      assert_refused (field, "\xc2\x9b" "31m", NULL);
    }
}

static void
test_email_white_space (void)
{
  static const char * const refused[] = {
    "a\u00a0b@example.com", "ab@example.com\u3000", "a@exa\u200bmple.com",
    "\ufeffa@example.com", "a@\u2003example.com", "a\u2028@example.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (COMPANIES_FIELD_EMAIL, refused[i], NULL);

  assert_refused (COMPANIES_FIELD_EMAIL, "a\u00a0b@example.com", "E-mail must not contain white space");
  assert_accepted (COMPANIES_FIELD_EMAIL, "jos\u00e9@exemplo.pt");
  assert_accepted (COMPANIES_FIELD_EMAIL, "\u7528\u6237@\u4f8b\u5b50.\u4e2d\u56fd");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fields-unicode/invisible-names", test_invisible_names);
  g_test_add_func ("/fields-unicode/one-line-controls", test_one_line_controls);
  g_test_add_func ("/fields-unicode/multi-line-controls", test_multi_line_controls);
  g_test_add_func ("/fields-unicode/email-white-space", test_email_white_space);

  return g_test_run ();
}
