/* test-fields.c: the field table and the rules of docs/protocol.md section 1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-fields"

#include <string.h>

#include "companies-fields.h"

/* @count copies of @unit (a UTF-8 sequence). */
static char *
repeat (const char *unit,
        guint       count)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    g_string_append (out, unit);

  return g_string_free (out, FALSE);
}

static void
assert_valid (CompaniesField  field,
              const char     *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_field_validate (field, value, &error));
  g_assert_no_error (error);
}

static void
assert_invalid (CompaniesField  field,
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
test_table (void)
{
  static const struct {
    CompaniesField field;
    const char *name;
    const char *label;
    guint max_length;
  } expected[] = {
    { COMPANIES_FIELD_NAME, "name", "Name", 200 },
    { COMPANIES_FIELD_ADDRESS, "address", "Address", 500 },
    { COMPANIES_FIELD_CITY, "city", "City", 100 },
    { COMPANIES_FIELD_POSTAL_CODE, "postal_code", "Postal code", 20 },
    { COMPANIES_FIELD_COUNTRY, "country", "Country", 100 },
    { COMPANIES_FIELD_PHONE, "phone", "Phone", 50 },
    { COMPANIES_FIELD_EMAIL, "email", "E-mail", 254 },
    { COMPANIES_FIELD_WEBSITE, "website", "Website", 500 },
    { COMPANIES_FIELD_NOTES, "notes", "Notes", 10000 },
  };

  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, COMPANIES_N_FIELDS);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      CompaniesField field = COMPANIES_N_FIELDS;

      g_assert_cmpstr (companies_field_get_name (expected[i].field), ==, expected[i].name);
      g_assert_cmpstr (companies_field_get_label (expected[i].field), ==, expected[i].label);
      g_assert_cmpuint (companies_field_get_max_length (expected[i].field), ==, expected[i].max_length);
      g_assert_true (companies_field_from_name (expected[i].name, &field));
      g_assert_cmpint (field, ==, expected[i].field);
    }

  g_assert_null (companies_field_get_name (COMPANIES_N_FIELDS));
  g_assert_false (companies_field_from_name ("Name", NULL));
  g_assert_false (companies_field_from_name ("postal-code", NULL));
  g_assert_false (companies_field_from_name ("id", NULL));
  g_assert_false (companies_field_from_name ("", NULL));
  g_assert_false (companies_field_from_name (NULL, NULL));
  g_assert_cmpuint (COMPANIES_ALL_FIELDS, ==, 0x1ff);
}

/* Every field at its limit and one past it, with two-byte and four-byte
 * characters, so that a count of bytes would fail. */
static void
test_lengths_in_characters (void)
{
  static const char * const units[] = { "a", "é", "😀" };

  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    {
      guint max = companies_field_get_max_length (f);

      if (f == COMPANIES_FIELD_EMAIL)
        continue; /* needs an @; below */

      for (guint u = 0; u < G_N_ELEMENTS (units); u++)
        {
          g_autofree char *at_limit = repeat (units[u], max);
          g_autofree char *over = repeat (units[u], max + 1);
          g_autofree char *message =
            g_strdup_printf ("%s must be at most %u characters",
                             companies_field_get_label (f), max);

          assert_valid (f, at_limit);
          assert_invalid (f, over, message);
        }
    }

  assert_invalid (COMPANIES_FIELD_POSTAL_CODE, "123456789012345678901",
                  "Postal code must be at most 20 characters");
}

static void
test_email_length (void)
{
  g_autofree char *local = repeat ("ü", 250);
  g_autofree char *at_limit = g_strconcat (local, "@a.b", NULL);  /* 254 */
  g_autofree char *over = g_strconcat (local, "@a.bc", NULL);    /* 255 */

  assert_valid (COMPANIES_FIELD_EMAIL, at_limit);
  assert_invalid (COMPANIES_FIELD_EMAIL, over, "E-mail must be at most 254 characters");
}

static void
test_name (void)
{
  g_autofree char *inner = repeat ("ñ", 200);
  g_autofree char *padded = g_strconcat ("   ", inner, " \t\n ", NULL);
  g_autofree char *inner_over = repeat ("ñ", 201);
  g_autofree char *padded_over = g_strconcat (" ", inner_over, " ", NULL);
  g_autofree char *normalized = NULL;

  assert_valid (COMPANIES_FIELD_NAME, "A");
  assert_valid (COMPANIES_FIELD_NAME, "  Acme  ");
  /* 200 characters after trimming is fine whatever the padding. */
  assert_valid (COMPANIES_FIELD_NAME, padded);
  assert_invalid (COMPANIES_FIELD_NAME, padded_over, "Name must be at most 200 characters");

  assert_invalid (COMPANIES_FIELD_NAME, "", "Name is required");
  assert_invalid (COMPANIES_FIELD_NAME, "   ", "Name is required");
  assert_invalid (COMPANIES_FIELD_NAME, NULL, "Name is required");
  assert_invalid (COMPANIES_FIELD_NAME, " \t ", NULL);

  normalized = companies_field_normalize (COMPANIES_FIELD_NAME, padded);
  g_assert_cmpstr (normalized, ==, inner);
  g_clear_pointer (&normalized, g_free);

  normalized = companies_field_normalize (COMPANIES_FIELD_NAME, "  Acme Ltd \n");
  g_assert_cmpstr (normalized, ==, "Acme Ltd");
  g_clear_pointer (&normalized, g_free);

  /* Other fields are stored as given. */
  normalized = companies_field_normalize (COMPANIES_FIELD_CITY, "  Porto ");
  g_assert_cmpstr (normalized, ==, "  Porto ");
  g_clear_pointer (&normalized, g_free);

  normalized = companies_field_normalize (COMPANIES_FIELD_NOTES, NULL);
  g_assert_cmpstr (normalized, ==, "");
}

static void
test_optional_empty (void)
{
  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    {
      if (f == COMPANIES_FIELD_NAME)
        continue;
      assert_valid (f, "");
      assert_valid (f, NULL);
    }
}

static void
test_email (void)
{
  const char *message = "E-mail must contain one @ with text on both sides";

  assert_valid (COMPANIES_FIELD_EMAIL, "");
  assert_valid (COMPANIES_FIELD_EMAIL, "info@acme.example");
  assert_valid (COMPANIES_FIELD_EMAIL, "a@b");
  assert_valid (COMPANIES_FIELD_EMAIL, "josé@café.pt");

  assert_invalid (COMPANIES_FIELD_EMAIL, "acme.example", message);
  assert_invalid (COMPANIES_FIELD_EMAIL, "@acme.example", message);
  assert_invalid (COMPANIES_FIELD_EMAIL, "info@", message);
  assert_invalid (COMPANIES_FIELD_EMAIL, "@", message);
  assert_invalid (COMPANIES_FIELD_EMAIL, "a@b@c", message);
  assert_invalid (COMPANIES_FIELD_EMAIL, "a@@b", message);
  assert_invalid (COMPANIES_FIELD_EMAIL, "in fo@acme.example", "E-mail must not contain white space");
  assert_invalid (COMPANIES_FIELD_EMAIL, " info@acme.example", NULL);
  assert_invalid (COMPANIES_FIELD_EMAIL, "info@acme.example\t", NULL);
}

static void
test_utf8_and_controls (void)
{
  const char invalid_utf8[] = { 'A', (char) 0xc3, (char) 0x28, 0 };
  const char overlong[] = { (char) 0xc0, (char) 0x80, 0 };
  const char truncated[] = { 'a', (char) 0xe2, (char) 0x82, 0 };

  assert_invalid (COMPANIES_FIELD_NAME, invalid_utf8, "Name is not valid UTF-8 text");
  assert_invalid (COMPANIES_FIELD_CITY, overlong, "City is not valid UTF-8 text");
  assert_invalid (COMPANIES_FIELD_NOTES, truncated, "Notes is not valid UTF-8 text");

  /* Multi-line fields take tabs and line breaks, nothing else below 0x20. */
  assert_valid (COMPANIES_FIELD_NOTES, "line one\nline two\r\n\tindented");
  assert_valid (COMPANIES_FIELD_ADDRESS, "Rua A, 1\n4000-001 Porto");
  assert_invalid (COMPANIES_FIELD_NOTES, "bell\a", "Notes must not contain control characters");
  assert_invalid (COMPANIES_FIELD_ADDRESS, "esc\033[2J", NULL);

  /* Single-line fields take none. */
  assert_invalid (COMPANIES_FIELD_CITY, "Porto\nLisboa", "City must not contain control characters");
  assert_invalid (COMPANIES_FIELD_PHONE, "22\t000", "Phone must not contain control characters");
  assert_invalid (COMPANIES_FIELD_NAME, "Acme\x01", NULL);
  assert_valid (COMPANIES_FIELD_NAME, "Acme\n");  /* trimmed: the break goes */
  assert_invalid (COMPANIES_FIELD_NAME, "Ac\nme", NULL);
}

/* Text that looks like SQL or markup is plain text. */
static void
test_hostile_text_is_text (void)
{
  assert_valid (COMPANIES_FIELD_NAME, "Robert'); DROP TABLE companies;--");
  assert_valid (COMPANIES_FIELD_NOTES, "' OR '1'='1");
  assert_valid (COMPANIES_FIELD_CITY, "<script>alert(1)</script>");
  assert_valid (COMPANIES_FIELD_WEBSITE, "https://example.com/?q=%00%27");
}

static void
test_fields_validate (void)
{
  const char *values[COMPANIES_N_FIELDS] = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *long_city = repeat ("x", 101);
  CompaniesField failed = COMPANIES_N_FIELDS;

  /* The mask decides what is looked at: a NULL name is fine outside it. */
  g_assert_true (companies_fields_validate (values, COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                            &failed, &error));
  g_assert_no_error (error);
  g_assert_true (companies_fields_validate (values, 0, NULL, NULL));

  g_assert_false (companies_fields_validate (values, COMPANIES_ALL_FIELDS, &failed, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_MISSING_FIELD);
  g_assert_cmpint (failed, ==, COMPANIES_FIELD_NAME);
  g_assert_cmpstr (error->message, ==, "Name is required");
  g_clear_error (&error);

  values[COMPANIES_FIELD_NAME] = "  ";
  failed = COMPANIES_N_FIELDS;
  g_assert_false (companies_fields_validate (values, COMPANIES_ALL_FIELDS, &failed, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_assert_cmpint (failed, ==, COMPANIES_FIELD_NAME);
  g_clear_error (&error);

  values[COMPANIES_FIELD_NAME] = "Acme";
  values[COMPANIES_FIELD_CITY] = long_city;
  values[COMPANIES_FIELD_EMAIL] = "no-at";
  failed = COMPANIES_N_FIELDS;
  g_assert_false (companies_fields_validate (values, COMPANIES_ALL_FIELDS, &failed, &error));
  g_assert_error (error, COMPANIES_VALIDATION_ERROR, COMPANIES_VALIDATION_ERROR_INVALID_FIELD);
  g_assert_cmpint (failed, ==, COMPANIES_FIELD_CITY);
  g_assert_cmpstr (error->message, ==, "City must be at most 100 characters");
  g_clear_error (&error);

  /* Leaving the bad city out of the mask finds the e-mail. */
  failed = COMPANIES_N_FIELDS;
  g_assert_false (companies_fields_validate (values,
                                             COMPANIES_ALL_FIELDS & ~COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                                             &failed, &error));
  g_assert_cmpint (failed, ==, COMPANIES_FIELD_EMAIL);
  g_clear_error (&error);

  values[COMPANIES_FIELD_CITY] = "Porto";
  values[COMPANIES_FIELD_EMAIL] = "info@acme.example";
  g_assert_true (companies_fields_validate (values, COMPANIES_ALL_FIELDS, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fields/table", test_table);
  g_test_add_func ("/fields/lengths-in-characters", test_lengths_in_characters);
  g_test_add_func ("/fields/email-length", test_email_length);
  g_test_add_func ("/fields/name", test_name);
  g_test_add_func ("/fields/optional-empty", test_optional_empty);
  g_test_add_func ("/fields/email", test_email);
  g_test_add_func ("/fields/utf8-and-controls", test_utf8_and_controls);
  g_test_add_func ("/fields/hostile-text-is-text", test_hostile_text_is_text);
  g_test_add_func ("/fields/fields-validate", test_fields_validate);

  return g_test_run ();
}
