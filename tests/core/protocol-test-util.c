/* protocol-test-util.c: what the request decoder tests share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-protocol"

#include <string.h>

#include "protocol-test-util.h"

char *
q (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

CompaniesSyncRequest *
decode_request (const char  *body,
                char       **out_path,
                GError     **error)
{
  g_autofree char *json = q (body);

  return companies_sync_request_decode (json, strlen (json), out_path, error);
}

CompaniesSyncRequest *
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

void
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

void
assert_request_fails (const char             *body,
                      CompaniesProtocolError  code,
                      const char             *expected_path)
{
  g_autofree char *json = q (body);

  assert_request_fails_raw (json, strlen (json), code, expected_path);
}

CompaniesChange *
change_at (GPtrArray *changes,
           guint      index)
{
  g_assert_cmpuint (index, <, changes->len);
  return g_ptr_array_index (changes, index);
}
