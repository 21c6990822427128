/* test-csv-reader.c: CompaniesCsvReader on the edge cases of RFC 4180 and
 * of our files: quotes, doubled quotes, line ends inside fields, CRLF,
 * byte order mark, semicolons, header titles, and every kind of bad line
 * reported with its number while the good ones around it still read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-csv"

#include "config.h"

#include <string.h>

#include "companies-csv-reader.h"

static CompaniesCsvReader *
reader_for (const char *text,
            gssize      length)
{
  g_autoptr(GInputStream) stream = NULL;

  if (length < 0)
    length = (gssize) strlen (text);
  stream = g_memory_input_stream_new_from_data (g_memdup2 (text, (gsize) length), length, g_free);
  return companies_csv_reader_new (stream);
}

static CompaniesCsvReader *
reader_with_header (const char *text)
{
  g_autoptr(GError) error = NULL;
  CompaniesCsvReader *reader = reader_for (text, -1);

  g_assert_true (companies_csv_reader_read_header (reader, NULL, &error));
  g_assert_no_error (error);
  return reader;
}

/* The next record must be good; returns its values. */
static const char * const *
expect_row (CompaniesCsvReader *reader,
            guint               line)
{
  g_autoptr(GError) error = NULL;

  CompaniesCsvStatus status = companies_csv_reader_next (reader, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (status, ==, COMPANIES_CSV_ROW);
  g_assert_cmpuint (companies_csv_reader_get_line (reader), ==, line);
  return companies_csv_reader_get_values (reader);
}

static void
expect_bad (CompaniesCsvReader *reader,
            guint               line,
            CompaniesCsvError   code)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (companies_csv_reader_next (reader, NULL, &error), ==, COMPANIES_CSV_BAD_ROW);
  g_assert_error (error, COMPANIES_CSV_ERROR, (gint) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (companies_csv_reader_get_line (reader), ==, line);
}

static void
expect_end (CompaniesCsvReader *reader)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (companies_csv_reader_next (reader, NULL, &error), ==, COMPANIES_CSV_END);
  g_assert_no_error (error);
}

static void
test_quotes_and_newlines (void)
{
  g_autoptr(CompaniesCsvReader) reader = NULL;
  const char * const *values;

  reader = reader_with_header ("name,notes,city\r\n"
                               "\"Acme, \"\"the\"\" best\",\"line one\r\nline two\nline three\",Porto\r\n"
                               "Plain,,\r\n"
                               "\"\",\"a\"\"b\",x\n"
                               "5\" screen,\"\",\"Lisboa\"");
  values = expect_row (reader, 2);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "Acme, \"the\" best");
  g_assert_cmpstr (values[COMPANIES_FIELD_NOTES], ==, "line one\r\nline two\nline three");
  g_assert_cmpstr (values[COMPANIES_FIELD_CITY], ==, "Porto");
  g_assert_cmpstr (values[COMPANIES_FIELD_PHONE], ==, "");

  /* The record above took three lines. */
  values = expect_row (reader, 5);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "Plain");
  g_assert_cmpstr (values[COMPANIES_FIELD_NOTES], ==, "");

  /* An empty name breaks its rule. */
  expect_bad (reader, 6, COMPANIES_CSV_ERROR_INVALID_FIELD);

  /* A quote inside an unquoted field is text; the last line has no end. */
  values = expect_row (reader, 7);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "5\" screen");
  g_assert_cmpstr (values[COMPANIES_FIELD_CITY], ==, "Lisboa");
  expect_end (reader);
}

static void
test_bom_and_semicolons (void)
{
  g_autoptr(CompaniesCsvReader) reader = NULL;
  const char * const *values;
  const CompaniesField *columns;
  guint n_columns = 0;

  /* Spreadsheets in many locales: a BOM, semicolons, titles in any case
   * and order, labels instead of names. */
  reader = reader_with_header ("\xEF\xBB\xBF" "E-MAIL;Postal code; NAME ;country\r\n"
                               "a@b.example;4000-123;Café Ñandú, Lda;Portugal\r\n"
                               "\"x;y@b.example\";;\"Semi;colon\";\r\n");
  g_assert_cmpint (companies_csv_reader_get_separator (reader), ==, ';');
  columns = companies_csv_reader_get_columns (reader, &n_columns);
  g_assert_cmpuint (n_columns, ==, 4);
  g_assert_cmpint (columns[0], ==, COMPANIES_FIELD_EMAIL);
  g_assert_cmpint (columns[1], ==, COMPANIES_FIELD_POSTAL_CODE);
  g_assert_cmpint (columns[2], ==, COMPANIES_FIELD_NAME);
  g_assert_cmpint (columns[3], ==, COMPANIES_FIELD_COUNTRY);

  values = expect_row (reader, 2);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "Café Ñandú, Lda");
  g_assert_cmpstr (values[COMPANIES_FIELD_EMAIL], ==, "a@b.example");
  g_assert_cmpstr (values[COMPANIES_FIELD_POSTAL_CODE], ==, "4000-123");
  values = expect_row (reader, 3);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "Semi;colon");
  g_assert_cmpstr (values[COMPANIES_FIELD_EMAIL], ==, "x;y@b.example");
  expect_end (reader);
}

static void
test_bad_lines (void)
{
  g_autoptr(CompaniesCsvReader) reader = NULL;
  g_autoptr(GString) text = g_string_new ("name,email,notes\n");
  const char * const *values;

  g_string_append (text, "Good one,,\n");                        /* 2 */
  g_string_append (text, "Too,many,fields,here\n");              /* 3 */
  g_string_append (text, "Too few\n");                           /* 4 */
  g_string_append (text, "Bad \xC3\x28 UTF-8,,\n");              /* 5 */
  g_string_append (text, "Mail,not-an-address,\n");              /* 6 */
  g_string_append (text, "\"Closed\"then text,,\n");             /* 7 */
  g_string_append (text, "Good two,b@c.example,\"multi\nline\"\n"); /* 8-9 */
  g_string_append (text, "\n");                                  /* 10: blank, skipped */
  g_string_append (text, "Long notes,,");                        /* 11: over 10000 chars */
  for (guint i = 0; i < 10001; i++)
    g_string_append_c (text, 'n');
  g_string_append (text, "\nHuge,,\"");                          /* 12: over the record limit */
  for (guint i = 0; i < COMPANIES_CSV_MAX_RECORD_BYTES + 10; i++)
    g_string_append_c (text, i % 80 == 79 ? '\n' : 'h');
  g_string_append (text, "\"\nGood three,,\n");                  /* after the huge one */
  g_string_append (text, "Open,,\"never closed\nat all\n");

  reader = reader_with_header (text->str);
  values = expect_row (reader, 2);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "Good one");
  expect_bad (reader, 3, COMPANIES_CSV_ERROR_FIELD_COUNT);
  expect_bad (reader, 4, COMPANIES_CSV_ERROR_FIELD_COUNT);
  expect_bad (reader, 5, COMPANIES_CSV_ERROR_INVALID_UTF8);
  expect_bad (reader, 6, COMPANIES_CSV_ERROR_INVALID_FIELD);
  expect_bad (reader, 7, COMPANIES_CSV_ERROR_BAD_QUOTE);
  values = expect_row (reader, 8);
  g_assert_cmpstr (values[COMPANIES_FIELD_NOTES], ==, "multi\nline");
  expect_bad (reader, 11, COMPANIES_CSV_ERROR_INVALID_FIELD);
  expect_bad (reader, 12, COMPANIES_CSV_ERROR_TOO_LARGE);
  values = expect_row (reader, 12 + (COMPANIES_CSV_MAX_RECORD_BYTES + 10) / 80 + 1);
  g_assert_cmpstr (values[COMPANIES_FIELD_NAME], ==, "Good three");
  expect_bad (reader, 13 + (COMPANIES_CSV_MAX_RECORD_BYTES + 10) / 80 + 1,
              COMPANIES_CSV_ERROR_UNTERMINATED_QUOTE);
  expect_end (reader);
}

static void
test_nul_byte (void)
{
  static const char text[] = "name,city\nNul,a\0b\nAfter,x\n";
  g_autoptr(CompaniesCsvReader) reader = reader_for (text, sizeof text - 1);

  g_assert_true (companies_csv_reader_read_header (reader, NULL, NULL));
  expect_bad (reader, 2, COMPANIES_CSV_ERROR_INVALID_FIELD);
  g_assert_cmpstr (expect_row (reader, 3)[COMPANIES_FIELD_NAME], ==, "After");
  expect_end (reader);
}

static void
expect_header_error (const char        *text,
                     CompaniesCsvError  code)
{
  g_autoptr(CompaniesCsvReader) reader = reader_for (text, -1);
  g_autoptr(GError) error = NULL;

  g_assert_false (companies_csv_reader_read_header (reader, NULL, &error));
  g_assert_error (error, COMPANIES_CSV_ERROR, (gint) code);
}

static void
test_headers (void)
{
  g_autoptr(CompaniesCsvReader) reader = NULL;

  expect_header_error ("", COMPANIES_CSV_ERROR_NO_HEADER);
  expect_header_error ("\xEF\xBB\xBF", COMPANIES_CSV_ERROR_NO_HEADER);
  expect_header_error ("name,colour\nAcme,red\n", COMPANIES_CSV_ERROR_BAD_HEADER);
  expect_header_error ("city,country\nPorto,Portugal\n", COMPANIES_CSV_ERROR_BAD_HEADER);
  expect_header_error ("name,Name\nA,B\n", COMPANIES_CSV_ERROR_BAD_HEADER);
  expect_header_error ("name,\xFF\n", COMPANIES_CSV_ERROR_BAD_HEADER);
  expect_header_error ("\"name\"x,city\n", COMPANIES_CSV_ERROR_BAD_HEADER);

  /* A header alone is a file without companies. */
  reader = reader_with_header ("name,address,city,postal_code,country,phone,email,website,notes\r\n");
  expect_end (reader);
  g_clear_object (&reader);

  /* One column, no line end. */
  reader = reader_with_header ("Name");
  g_assert_cmpint (companies_csv_reader_get_separator (reader), ==, ',');
  expect_end (reader);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/reader/quotes-and-newlines", test_quotes_and_newlines);
  g_test_add_func ("/csv/reader/bom-and-semicolons", test_bom_and_semicolons);
  g_test_add_func ("/csv/reader/bad-lines", test_bad_lines);
  g_test_add_func ("/csv/reader/nul-byte", test_nul_byte);
  g_test_add_func ("/csv/reader/headers", test_headers);

  return g_test_run ();
}
