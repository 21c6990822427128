/* test-server-token-labels.c: token labels and read-only tokens
 * (docs/history.md): `add-token --label --read-only`, `list-tokens`, the
 * labels older files get, and a read-only token that pulls but never
 * pushes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include <glib/gstdio.h>

#include "server-test-util.h"

typedef TestTokensFixture Fixture;

static char *
add_token (const char         *tokens,
           const char * const *extra)
{
  return test_add_token (tokens, extra, NULL, NULL);
}

/* Posts @body to the sync path with @token; returns the status and, for
 * an error, its code. */
static guint
post_sync (CompaniesTestServer  *server,
           const char           *token,
           const char           *body,
           char                **out_code)
{
  g_autofree char *url = g_strconcat (companies_test_server_get_url (server), COMPANIES_SYNC_PATH, NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  reply = companies_test_http ("POST", url, "application/json", token, body, -1, &status, &error);
  g_assert_no_error (error);
  if (out_code != NULL && status != 200)
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (reply, &length);

      g_assert_true (companies_error_body_decode (data, length, out_code, NULL, NULL));
    }
  return status;
}

static char *
pull_body (void)
{
  g_autofree char *client_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null}", client_id);
}

static char *
push_body (const char *name)
{
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null, "
                          "\"added\": [{\"uuid\": \"%s\", \"fields\": {\"name\": \"%s\"}}]}",
                          client_id, uuid, name);
}

/* Labels and the read-only flag are kept beside the hash; older lines get
 * "token N"; list-tokens shows labels, never tokens nor hashes. */
static void
test_labels_and_list (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *ana[] = { "--label", "Ana's laptop", "--read-only", NULL };
  const char *bob[] = { "--comment", "Bob", NULL };
  const char *list[] = { "list-tokens", "--tokens", fixture->tokens, NULL };
  g_autofree char *first = add_token (fixture->tokens, ana);
  g_autofree char *second = add_token (fixture->tokens, bob);
  g_autofree char *third = add_token (fixture->tokens, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, first, -1);
  g_autofree char *contents = NULL;
  g_autofree char *expected_line = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (fixture->tokens, &contents, NULL, &error);
  g_assert_no_error (error);
  expected_line = g_strdup_printf ("sha256:%s read-only # Ana's laptop\n", hash);
  g_assert_true (g_str_has_prefix (contents, expected_line));

  /* a token in clear, from an older file */
  {
    g_autofree char *with_legacy = g_strconcat (contents, "plain-old-token\n", NULL);

    g_file_set_contents (fixture->tokens, with_legacy, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_chmod (fixture->tokens, 0600), ==, 0);
  }

  g_assert_cmpint (test_run_server_to_exit (list, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "1\tAna's laptop\tread-only\n"
                   "2\tBob\n"
                   "3\ttoken 3\n"
                   "4\ttoken 4\n");
  g_assert_null (strstr (out, hash));
  g_assert_null (strstr (out, "plain-old-token"));
  g_assert_null (strstr (out, third));
}

/* A read-only token pulls (200); its push is 403 read_only and nothing of
 * it is applied; a writing token still pushes. */
static void
test_read_only_token (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *ro[] = { "--label", "Reader", "--read-only", NULL };
  const char *rw[] = { "--label", "Writer", NULL };
  g_autofree char *reader = add_token (fixture->tokens, ro);
  g_autofree char *writer = add_token (fixture->tokens, rw);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pull = pull_body ();
  g_autofree char *refused = push_body ("Refused Ltd");
  g_autofree char *accepted = push_body ("Accepted Ltd");
  g_autofree char *code = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) snapshot = NULL;
  const char *args[] = { "--tokens", fixture->tokens, NULL };
  guint status = 0;

  server = companies_test_server_start (fixture->db, args, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (post_sync (server, reader, pull, NULL), ==, 200);
  g_assert_cmpuint (post_sync (server, reader, refused, &code), ==, 403);
  g_assert_cmpstr (code, ==, "read_only");
  g_assert_cmpuint (post_sync (server, writer, accepted, NULL), ==, 200);

  /* only the writer's company is there, and the reader may see it */
  url = g_strconcat (companies_test_server_get_url (server), COMPANIES_SYNC_PATH, NULL);
  snapshot = companies_test_http ("POST", url, "application/json", reader, pull, -1,
                                  &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  {
    gsize length = 0;
    const char *body = g_bytes_get_data (snapshot, &length);
    g_autofree char *text = g_strndup (body, length);

    g_assert_nonnull (strstr (text, "Accepted Ltd"));
    g_assert_null (strstr (text, "Refused Ltd"));
  }

  companies_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/token-labels/labels-and-list", Fixture, NULL,
              test_tokens_fixture_set_up, test_labels_and_list, test_tokens_fixture_tear_down);
  g_test_add ("/server/token-labels/read-only-token", Fixture, NULL,
              test_tokens_fixture_set_up, test_read_only_token, test_tokens_fixture_tear_down);

  return g_test_run ();
}
