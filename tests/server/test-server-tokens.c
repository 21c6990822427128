/* test-server-tokens.c: `companies-server add-token`, tokens kept only as
 * hashes, old files of tokens in clear, and what the server refuses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "server-test-raw.h"

#define TOKEN_PREFIX "cmp_"

typedef TestTokensFixture Fixture;

/* Runs add-token; returns the token printed (NULL when it failed and
 * @out_status was given). */
static char *
add_token (const char *tokens,
           const char *comment,
           int        *out_status,
           char      **out_stderr)
{
  const char *extra[] = { "--comment", comment, NULL };

  return test_add_token (tokens, comment != NULL ? extra : NULL, out_status, out_stderr);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_add_token_prints_once_stores_hash (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *first_hash = NULL;
  g_autofree char *second_hash = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  GStatBuf st;

  first = add_token (fixture->tokens, "alice's laptop", NULL, &err);
  g_assert_nonnull (first);
  g_assert_true (g_str_has_prefix (first, TOKEN_PREFIX));
  /* 32 random bytes in unpadded base64url */
  g_assert_cmpuint (strlen (first), ==, strlen (TOKEN_PREFIX) + 43);
  for (const char *p = first + strlen (TOKEN_PREFIX); *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
  g_assert_null (strstr (err, first));

  /* made private */
  g_assert_cmpint (g_stat (fixture->tokens, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  second = add_token (fixture->tokens, NULL, NULL, NULL);
  g_assert_nonnull (second);
  g_assert_cmpstr (first, !=, second);

  /* only the hashes are stored, one line each */
  contents = read_file (fixture->tokens);
  g_assert_null (strstr (contents, first));
  g_assert_null (strstr (contents, second));
  g_assert_null (strstr (contents, first + strlen (TOKEN_PREFIX)));
  first_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, first, -1);
  second_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, second, -1);
  expected = g_strdup_printf ("sha256:%s # alice's laptop\nsha256:%s\n", first_hash, second_hash);
  g_assert_cmpstr (contents, ==, expected);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
}

static void
test_add_token_refusals (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  g_autofree char *in_missing_dir = g_build_filename (fixture->dir, "no", "tokens", NULL);
  const char *no_file[] = { "add-token", NULL };
  const int open_modes[] = { 0604, 0640, 0660, 0644, 0602 };
  const char *extra[] = { "add-token", "--tokens", fixture->tokens, "surplus", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_cmpint (test_run_server_to_exit (no_file, NULL, NULL), ==, 2);
  g_assert_cmpint (test_run_server_to_exit (extra, NULL, NULL), ==, 2);
  g_assert_false (g_file_test (fixture->tokens, G_FILE_TEST_EXISTS));

  /* a comment must stay on its line */
  g_assert_null (add_token (fixture->tokens, "two\nlines", &status, NULL));
  g_assert_cmpint (status, ==, 2);
  g_assert_false (g_file_test (fixture->tokens, G_FILE_TEST_EXISTS));

  g_assert_null (add_token (in_missing_dir, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 1);

  /* a file others may read is not written to */
  g_file_set_contents (fixture->tokens, "sha256:" "0000000000000000000000000000000000000000000000000000000000000000\n",
                       -1, &error);
  g_assert_no_error (error);
  before = read_file (fixture->tokens);
  for (guint i = 0; i < G_N_ELEMENTS (open_modes); i++)
    {
      g_assert_cmpint (g_chmod (fixture->tokens, open_modes[i]), ==, 0);
      g_clear_pointer (&err, g_free);
      g_assert_null (add_token (fixture->tokens, NULL, &status, &err));
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (err, "chmod 600"));
    }
  after = read_file (fixture->tokens);
  g_assert_cmpstr (before, ==, after);

  /* a last line without its newline is kept whole */
  g_assert_cmpint (g_chmod (fixture->tokens, 0600), ==, 0);
  g_file_set_contents (fixture->tokens, "legacy-token", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (fixture->tokens, 0600), ==, 0);
  token = add_token (fixture->tokens, NULL, NULL, NULL);
  g_assert_nonnull (token);
  g_clear_pointer (&after, g_free);
  after = read_file (fixture->tokens);
  g_assert_true (g_str_has_prefix (after, "legacy-token\nsha256:"));
}

static guint
sync_status (CompaniesTestServer *server,
             const char          *token)
{
  g_autofree char *url = g_strconcat (companies_test_server_get_url (server), COMPANIES_SYNC_PATH, NULL);
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null}",
                                           client_id);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  reply = companies_test_http ("POST", url, "application/json", token, body, -1, &status, &error);
  g_assert_no_error (error);
  return status;
}

/* Hashed tokens, a token in clear, comments: every configured token gets
 * in, nothing else does, and neither tokens nor hashes reach the log. */
static void
test_server_accepts_hashed_and_clear_tokens (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autofree char *hashed = add_token (fixture->tokens, "ops", NULL, NULL);
  g_autofree char *other = add_token (fixture->tokens, NULL, NULL, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, hashed, -1);
  g_autofree char *contents = read_file (fixture->tokens);
  g_autofree char *with_legacy = g_strconcat (contents, "# an older token, in clear\n  plain-old-token  \n", NULL);
  g_autofree char *log = NULL;
  g_autofree char *hashed_line = g_strconcat ("sha256:", hash, NULL);
  g_autoptr(CompaniesTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--tokens", fixture->tokens, NULL };

  g_file_set_contents (fixture->tokens, with_legacy, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (fixture->tokens, 0600), ==, 0);

  server = companies_test_server_start (fixture->db, args, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (sync_status (server, hashed), ==, 200);
  g_assert_cmpuint (sync_status (server, other), ==, 200);
  g_assert_cmpuint (sync_status (server, "plain-old-token"), ==, 200);

  /* the stored line is not a token, nor is its hash, nor a near miss */
  g_assert_cmpuint (sync_status (server, hashed_line), ==, 401);
  g_assert_cmpuint (sync_status (server, hash), ==, 401);
  g_assert_cmpuint (sync_status (server, "# ops"), ==, 401);
  hashed[strlen (hashed) - 1] ^= 1;
  g_assert_cmpuint (sync_status (server, hashed), ==, 401);
  hashed[strlen (hashed) - 1] ^= 1;
  g_assert_cmpuint (sync_status (server, NULL), ==, 401);

  companies_test_server_stop (server);
  log = companies_test_server_get_log (server);
  g_assert_nonnull (strstr (log, "POST /v1/companies/sync 200"));
  g_assert_nonnull (strstr (log, "POST /v1/companies/sync 401"));
  g_assert_null (strstr (log, hashed));
  g_assert_null (strstr (log, other));
  g_assert_null (strstr (log, "plain-old-token"));
  g_assert_null (strstr (log, hash));
  g_assert_null (strstr (log, hash + 32));
}

static void
test_server_refuses_bad_files (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *args[] = { "--port", "0", "--database", fixture->db, "--tokens", fixture->tokens, NULL };
  const char *bad_lines[] = {
    "sha256:1234\n",
    "sha256:zz00000000000000000000000000000000000000000000000000000000000000\n",
    "sha256:00000000000000000000000000000000000000000000000000000000000000000\n",
    "sha256:0000000000000000000000000000000000000000000000000000000000000000 not a comment\n",
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_lines); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *contents = g_strconcat ("# line 1\n", bad_lines[i], NULL);

      g_file_set_contents (fixture->tokens, contents, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (fixture->tokens, 0600), ==, 0);

      g_assert_cmpint (test_run_server_to_exit (args, &out, &err), ==, 1);
      g_assert_null (strstr (out, "Listening on"));
      g_assert_nonnull (strstr (err, "Line 2"));
      /* the line itself is not echoed */
      g_assert_null (strstr (err, "0000000000"));
    }

  /* a hash line that is only comments and hashes of nothing is fine to
   * load, but a file readable by others is not */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_file_set_contents (fixture->tokens,
                         "sha256:0000000000000000000000000000000000000000000000000000000000000000 # x\n",
                         -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_chmod (fixture->tokens, 0604), ==, 0);
    g_assert_cmpint (test_run_server_to_exit (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "chmod 600"));
  }
}

static void
test_help_documents_add_token (void)
{
  const char *args[] = { "--help", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (test_run_server_to_exit (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "add-token --tokens FILE"));
  g_assert_nonnull (strstr (out, "--tls-certificate"));
  g_assert_nonnull (strstr (out, "--max-connections"));
  g_assert_nonnull (strstr (out, "--idle-timeout"));
  g_assert_nonnull (strstr (out, "--head-timeout"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/tokens/add-token-prints-once-stores-hash", Fixture, NULL,
              test_tokens_fixture_set_up, test_add_token_prints_once_stores_hash, test_tokens_fixture_tear_down);
  g_test_add ("/server/tokens/add-token-refusals", Fixture, NULL,
              test_tokens_fixture_set_up, test_add_token_refusals, test_tokens_fixture_tear_down);
  g_test_add ("/server/tokens/server-accepts-hashed-and-clear-tokens", Fixture, NULL,
              test_tokens_fixture_set_up, test_server_accepts_hashed_and_clear_tokens, test_tokens_fixture_tear_down);
  g_test_add ("/server/tokens/server-refuses-bad-files", Fixture, NULL,
              test_tokens_fixture_set_up, test_server_refuses_bad_files, test_tokens_fixture_tear_down);
  g_test_add_func ("/server/tokens/help-documents-add-token", test_help_documents_add_token);

  return g_test_run ();
}
