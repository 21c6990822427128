/* fuzz-checks.c: the properties the protocol decoders must keep on any
 * input (see fuzz-checks.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-checks"

#include <string.h>

#include "companies-protocol.h"
#include "fuzz-checks.h"

/* A path names a list, an index and two member names cut to 64
 * characters each: far below this. */
#define MAX_PATH_BYTES 1024

void
companies_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

static void
assert_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
assert_optional_text (const char *text)
{
  if (text != NULL)
    assert_text (text);
}

static void
assert_bytes_equal (GBytes     *first,
                    GBytes     *second,
                    const char *what)
{
  gsize first_length, second_length;
  const char *first_data = g_bytes_get_data (first, &first_length);
  const char *second_data = g_bytes_get_data (second, &second_length);

  if (first_length != second_length || memcmp (first_data, second_data, first_length) != 0)
    g_error ("%s: encode (decode (x)) differs from x\n  x: %.*s\n  y: %.*s", what,
             (int) MIN (first_length, 2000), first_data,
             (int) MIN (second_length, 2000), second_data);
}

/* A refused body: a COMPANIES_PROTOCOL_ERROR with a message, and a path
 * (requests only) that is short, valid text. */
static void
assert_refused (const GError *error,
                const char   *path)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == COMPANIES_PROTOCOL_ERROR);
  g_assert_cmpint (error->code, >=, COMPANIES_PROTOCOL_ERROR_INVALID_JSON);
  g_assert_cmpint (error->code, <=, COMPANIES_PROTOCOL_ERROR_TOO_LARGE);
  assert_text (error->message);
  g_assert_cmpstr (error->message, !=, "");

  if (path != NULL)
    {
      assert_text (path);
      g_assert_cmpstr (path, !=, "");
      g_assert_cmpuint (strlen (path), <=, MAX_PATH_BYTES);
    }
}

/* --- Requests --- */

static void
assert_change_sane (const CompaniesChange *change,
                    CompaniesChangeKind    kind)
{
  g_assert_cmpint (change->kind, ==, kind);
  g_assert_cmpuint (change->field_mask & ~COMPANIES_ALL_FIELDS, ==, 0);

  switch (kind)
    {
    case COMPANIES_CHANGE_ADD:
      g_assert_true (companies_uuid_is_valid (change->uuid));
      g_assert_cmpint (change->id, ==, 0);
      g_assert_cmpint (change->base_version, ==, 0);
      /* An add without a name is never applied. */
      if ((change->field_mask & COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME)) == 0)
        g_assert_nonnull (change->reject_code);
      break;

    case COMPANIES_CHANGE_UPDATE:
      g_assert_null (change->uuid);
      g_assert_cmpint (change->id, >=, 1);
      g_assert_cmpint (change->base_version, >=, 0);
      break;

    case COMPANIES_CHANGE_DELETE:
      g_assert_null (change->uuid);
      g_assert_cmpint (change->id, >=, 1);
      g_assert_cmpuint (change->field_mask, ==, 0);
      g_assert_null (change->reject_code);
      break;

    default:
      g_assert_not_reached ();
    }

  /* Only valid values, in their stored form, are kept. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if ((change->field_mask & COMPANIES_FIELD_BIT (i)) != 0)
        {
          g_autofree char *normal = NULL;

          g_assert_nonnull (change->values[i]);
          g_assert_true (companies_field_validate (i, change->values[i], NULL));
          normal = companies_field_normalize (i, change->values[i]);
          g_assert_cmpstr (normal, ==, change->values[i]);
        }
      else
        {
          g_assert_null (change->values[i]);
        }
    }

  if (change->reject_code == NULL)
    {
      g_assert_null (change->reject_field);
      g_assert_null (change->reject_message);
    }
  else
    {
      g_assert_true (g_str_equal (change->reject_code, COMPANIES_REJECT_INVALID_FIELD) ||
                     g_str_equal (change->reject_code, COMPANIES_REJECT_UNKNOWN_FIELD) ||
                     g_str_equal (change->reject_code, COMPANIES_REJECT_MISSING_FIELD));
      assert_text (change->reject_message);
      g_assert_cmpstr (change->reject_message, !=, "");
      assert_optional_text (change->reject_field);
      if (change->reject_field != NULL)
        g_assert_cmpuint (strlen (change->reject_field), <=, 64);
    }
}

static void
assert_request_sane (const CompaniesSyncRequest *request)
{
  g_autoptr(GHashTable) uuids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) updated_ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) deleted_ids = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_assert_cmpint (request->protocol, ==, COMPANIES_PROTOCOL_VERSION);
  g_assert_true (companies_uuid_is_valid (request->client_id));
  assert_optional_text (request->cursor);
  g_assert_cmpuint (request->limit, >=, 1);
  g_assert_cmpuint (request->limit, <=, COMPANIES_MAX_LIMIT);
  g_assert_nonnull (request->added);
  g_assert_nonnull (request->updated);
  g_assert_nonnull (request->deleted);
  g_assert_cmpuint ((gsize) request->added->len + request->updated->len + request->deleted->len,
                    <=, COMPANIES_MAX_CHANGES);

  for (guint i = 0; i < request->added->len; i++)
    {
      CompaniesChange *change = g_ptr_array_index (request->added, i);

      assert_change_sane (change, COMPANIES_CHANGE_ADD);
      g_assert_true (g_hash_table_add (uuids, change->uuid));
    }
  for (guint i = 0; i < request->updated->len; i++)
    {
      CompaniesChange *change = g_ptr_array_index (request->updated, i);

      assert_change_sane (change, COMPANIES_CHANGE_UPDATE);
      g_assert_true (g_hash_table_add (updated_ids, &change->id));
    }
  for (guint i = 0; i < request->deleted->len; i++)
    {
      CompaniesChange *change = g_ptr_array_index (request->deleted, i);

      assert_change_sane (change, COMPANIES_CHANGE_DELETE);
      g_assert_true (g_hash_table_add (deleted_ids, &change->id));
    }
}

static void
assert_changes_equal (GPtrArray *first,
                      GPtrArray *second)
{
  g_assert_cmpuint (first->len, ==, second->len);

  for (guint i = 0; i < first->len; i++)
    {
      const CompaniesChange *a = g_ptr_array_index (first, i);
      const CompaniesChange *b = g_ptr_array_index (second, i);

      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpstr (a->uuid, ==, b->uuid);
      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->base_version, ==, b->base_version);
      g_assert_cmphex (a->field_mask, ==, b->field_mask);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_assert_cmpstr (a->values[f], ==, b->values[f]);
      /* Re-encoding drops what was refused, never refuses what was not. */
      if (a->reject_code == NULL)
        g_assert_null (b->reject_code);
    }
}

gboolean
companies_fuzz_check_request (const char *data,
                              gsize       length)
{
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(CompaniesSyncRequest) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) reencoded = NULL;
  g_autofree char *path = NULL;
  const char *encoded_data;
  gsize encoded_length;

  request = companies_sync_request_decode (data, length, &path, &error);
  if (request == NULL)
    {
      g_autoptr(CompaniesSyncRequest) quiet = NULL;

      assert_refused (error, path);
      /* The same answer without the optional out arguments. */
      quiet = companies_sync_request_decode (data, length, NULL, NULL);
      g_assert_null (quiet);
      return FALSE;
    }

  g_assert_no_error (error);
  g_assert_null (path);
  assert_request_sane (request);

  /* Round trip: what decoded re-encodes into a body that decodes to the
   * same changes, and encodes to the same bytes again. */
  encoded = companies_sync_request_encode (request);
  encoded_data = g_bytes_get_data (encoded, &encoded_length);
  again = companies_sync_request_decode (encoded_data, encoded_length, NULL, &error);
  if (again == NULL)
    g_error ("A re-encoded request does not decode: %s\n%.*s", error->message,
             (int) MIN (encoded_length, 2000), encoded_data);

  assert_request_sane (again);
  g_assert_cmpstr (request->client_id, ==, again->client_id);
  g_assert_cmpstr (request->cursor, ==, again->cursor);
  g_assert_cmpuint (request->limit, ==, again->limit);
  assert_changes_equal (request->added, again->added);
  assert_changes_equal (request->updated, again->updated);
  assert_changes_equal (request->deleted, again->deleted);

  reencoded = companies_sync_request_encode (again);
  assert_bytes_equal (encoded, reencoded, "request");

  return TRUE;
}

/* --- Responses --- */

static void
assert_record_sane (const CompaniesRecord *record,
                    gboolean               tombstone)
{
  g_assert_cmpint (record->id, >=, 1);
  g_assert_true (companies_uuid_is_valid (record->uuid));
  g_assert_cmpint (record->version, >=, 0);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (tombstone)
        g_assert_null (record->values[i]);
      else
        assert_text (record->values[i]);
    }
}

static void
assert_response_sane (const CompaniesSyncResponse *response)
{
  g_assert_cmpint (response->protocol, ==, COMPANIES_PROTOCOL_VERSION);
  assert_text (response->cursor);
  g_assert_true (response->has_more == TRUE || response->has_more == FALSE);
  g_assert_true (response->reset == TRUE || response->reset == FALSE);

  for (guint i = 0; i < response->companies->len; i++)
    assert_record_sane (g_ptr_array_index (response->companies, i), FALSE);
  for (guint i = 0; i < response->deleted->len; i++)
    assert_record_sane (g_ptr_array_index (response->deleted, i), TRUE);

  for (guint i = 0; i < response->rejected->len; i++)
    {
      const CompaniesRejected *rejected = g_ptr_array_index (response->rejected, i);

      if (rejected->uuid != NULL)
        g_assert_true (companies_uuid_is_valid (rejected->uuid));
      g_assert_cmpint (rejected->id, >=, 0);
      assert_text (rejected->code);
      assert_optional_text (rejected->field);
      assert_text (rejected->message);
    }

  for (guint i = 0; i < response->overwritten->len; i++)
    {
      const CompaniesOverwritten *overwritten = g_ptr_array_index (response->overwritten, i);

      g_assert_cmpint (overwritten->id, >=, 1);
      g_assert_cmpuint (overwritten->field, <, COMPANIES_N_FIELDS);
      assert_text (overwritten->value);
      g_assert_cmpint (overwritten->version, >=, 0);
    }
}

static void
assert_records_equal (GPtrArray *first,
                      GPtrArray *second)
{
  g_assert_cmpuint (first->len, ==, second->len);

  for (guint i = 0; i < first->len; i++)
    {
      const CompaniesRecord *a = g_ptr_array_index (first, i);
      const CompaniesRecord *b = g_ptr_array_index (second, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (a->uuid, ==, b->uuid);
      g_assert_cmpint (a->version, ==, b->version);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_assert_cmpstr (a->values[f], ==, b->values[f]);
    }
}

static void
assert_responses_equal (const CompaniesSyncResponse *first,
                        const CompaniesSyncResponse *second)
{
  g_assert_cmpstr (first->cursor, ==, second->cursor);
  g_assert_cmpint (first->has_more, ==, second->has_more);
  g_assert_cmpint (first->reset, ==, second->reset);
  assert_records_equal (first->companies, second->companies);
  assert_records_equal (first->deleted, second->deleted);

  g_assert_cmpuint (first->rejected->len, ==, second->rejected->len);
  for (guint i = 0; i < first->rejected->len; i++)
    {
      const CompaniesRejected *a = g_ptr_array_index (first->rejected, i);
      const CompaniesRejected *b = g_ptr_array_index (second->rejected, i);

      g_assert_cmpstr (a->uuid, ==, b->uuid);
      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (a->code, ==, b->code);
      g_assert_cmpstr (a->field, ==, b->field);
      g_assert_cmpstr (a->message, ==, b->message);
    }

  g_assert_cmpuint (first->overwritten->len, ==, second->overwritten->len);
  for (guint i = 0; i < first->overwritten->len; i++)
    {
      const CompaniesOverwritten *a = g_ptr_array_index (first->overwritten, i);
      const CompaniesOverwritten *b = g_ptr_array_index (second->overwritten, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->field, ==, b->field);
      g_assert_cmpstr (a->value, ==, b->value);
      g_assert_cmpint (a->version, ==, b->version);
    }
}

gboolean
companies_fuzz_check_response (const char *data,
                               gsize       length)
{
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(CompaniesSyncResponse) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) reencoded = NULL;
  const char *encoded_data;
  gsize encoded_length;

  response = companies_sync_response_decode (data, length, &error);
  if (response == NULL)
    {
      g_autoptr(CompaniesSyncResponse) quiet = NULL;

      assert_refused (error, NULL);
      quiet = companies_sync_response_decode (data, length, NULL);
      g_assert_null (quiet);
      return FALSE;
    }

  g_assert_no_error (error);
  assert_response_sane (response);

  encoded = companies_sync_response_encode (response);
  encoded_data = g_bytes_get_data (encoded, &encoded_length);
  again = companies_sync_response_decode (encoded_data, encoded_length, &error);
  if (again == NULL)
    g_error ("A re-encoded response does not decode: %s\n%.*s", error->message,
             (int) MIN (encoded_length, 2000), encoded_data);

  assert_response_sane (again);
  assert_responses_equal (response, again);

  reencoded = companies_sync_response_encode (again);
  assert_bytes_equal (encoded, reencoded, "response");

  return TRUE;
}

/* --- Error bodies --- */

gboolean
companies_fuzz_check_error_body (const char *data,
                                 gsize       length)
{
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  g_autofree char *code_again = NULL;
  g_autofree char *message_again = NULL;
  g_autofree char *path_again = NULL;
  g_autoptr(GBytes) encoded = NULL;
  const char *encoded_data;
  gsize encoded_length;

  if (!companies_error_body_decode (data, length, &code, &message, &path))
    {
      g_assert_null (code);
      g_assert_null (message);
      g_assert_null (path);
      g_assert_false (companies_error_body_decode (data, length, NULL, NULL, NULL));
      return FALSE;
    }

  g_assert_true (companies_error_body_decode (data, length, NULL, NULL, NULL));
  assert_text (code);
  assert_text (message);
  if (path != NULL)
    {
      assert_text (path);
      g_assert_cmpstr (path, !=, "");
    }

  encoded = companies_error_body_encode (code, message, path);
  encoded_data = g_bytes_get_data (encoded, &encoded_length);
  if (!companies_error_body_decode (encoded_data, encoded_length,
                                    &code_again, &message_again, &path_again))
    g_error ("A re-encoded error body does not decode: %.*s",
             (int) MIN (encoded_length, 2000), encoded_data);

  g_assert_cmpstr (code, ==, code_again);
  g_assert_cmpstr (message, ==, message_again);
  g_assert_cmpstr (path, ==, path_again);

  return TRUE;
}
