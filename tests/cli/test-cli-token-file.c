/* test-cli-token-file.c: --token-file takes a small private regular file
 * only: a device, a FIFO, a directory, a file others can read or a file
 * larger than a token are refused at once, before any network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli-token-file"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cli-test-helpers.h"

/* Nothing listens on port 1 of loopback: a sync that gets past the token
 * fails to connect (status 3), which shows the token was taken. */
#define NO_SERVER "http://127.0.0.1:1"

/* Runs `sync` with @token_file; returns its status, stderr in @out_err. */
static int
sync_with_token_file (CliFixture  *f,
                      const char  *token_file,
                      char       **out_err,
                      gint64      *out_ms)
{
  g_auto(CliRun) run = { 0 };
  gint64 start = g_get_monotonic_time ();
  int status;

  status = cli_run (f, &run, "--database", f->db, "--server", NO_SERVER,
                    "--token-file", token_file, "sync", NULL);
  if (out_ms != NULL)
    *out_ms = (g_get_monotonic_time () - start) / 1000;
  *out_err = g_steal_pointer (&run.err);
  return status;
}

static char *
write_token_file (CliFixture *f,
                  const char *name,
                  const char *contents,
                  gssize      length,
                  int         mode)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->tmpdir, name, NULL);

  g_assert_true (g_file_set_contents_full (path, contents, length,
                                           G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  /* Whatever the umask: chmod sets the mode exactly. */
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static void
test_readable_by_others (CliFixture    *f,
                         gconstpointer  data)
{
  static const int modes[] = { 0644, 0640, 0604, 0620, 0602 };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *name = g_strdup_printf ("token-%03o", modes[i]);
      g_autofree char *path = write_token_file (f, name, "secret-token\n", -1, modes[i]);
      g_autofree char *err = NULL;
      g_autofree char *mode = g_strdup_printf ("mode %03o", modes[i]);

      g_assert_cmpint (sync_with_token_file (f, path, &err, NULL), ==, 2);
      g_assert_nonnull (strstr (err, "may be read by other users"));
      g_assert_nonnull (strstr (err, mode));
      g_assert_nonnull (strstr (err, "chmod 600"));
      g_assert_null (strstr (err, "secret-token"));
    }
}

static void
test_private_file (CliFixture    *f,
                   gconstpointer  data)
{
  g_autofree char *path = write_token_file (f, "token", "  secret-token  \r\nsecond line\n", -1, 0600);
  g_autofree char *read_only = write_token_file (f, "token-ro", "secret-token", -1, 0400);
  g_autofree char *err = NULL;
  g_autofree char *err_ro = NULL;

  /* Past the token, to the network. */
  g_assert_cmpint (sync_with_token_file (f, path, &err, NULL), ==, 3);
  g_assert_cmpint (sync_with_token_file (f, read_only, &err_ro, NULL), ==, 3);
}

static void
test_size_bound (CliFixture    *f,
                 gconstpointer  data)
{
  g_autofree char *largest = NULL;
  g_autofree char *too_large = NULL;
  g_autofree char *text = g_malloc (4097);
  g_autofree char *err = NULL;
  g_autofree char *err_large = NULL;

  /* A token line, then padding up to exactly 4096 bytes: accepted. */
  memset (text, ' ', 4097);
  memcpy (text, "secret-token\n", strlen ("secret-token\n"));
  largest = write_token_file (f, "token-4096", text, 4096, 0600);
  too_large = write_token_file (f, "token-4097", text, 4097, 0600);

  g_assert_cmpint (sync_with_token_file (f, largest, &err, NULL), ==, 3);
  g_assert_cmpint (sync_with_token_file (f, too_large, &err_large, NULL), ==, 2);
  g_assert_nonnull (strstr (err_large, "larger than 4096 bytes"));
}

static void
test_not_regular (CliFixture    *f,
                  gconstpointer  data)
{
  g_autofree char *fifo = g_build_filename (f->tmpdir, "token-fifo", NULL);
  const char *paths[] = { "/dev/zero", fifo, f->tmpdir };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *err = NULL;
      gint64 ms = 0;

      g_assert_cmpint (sync_with_token_file (f, paths[i], &err, &ms), ==, 2);
      g_assert_nonnull (strstr (err, "is not a regular file"));
      /* At once: nothing read from /dev/zero, no wait for a FIFO writer. */
      g_assert_cmpint (ms, <, 5000);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-token-file/readable-by-others", CliFixture, NULL,
              cli_fixture_setup, test_readable_by_others, cli_fixture_teardown);
  g_test_add ("/cli-token-file/private-file", CliFixture, NULL,
              cli_fixture_setup, test_private_file, cli_fixture_teardown);
  g_test_add ("/cli-token-file/size-bound", CliFixture, NULL,
              cli_fixture_setup, test_size_bound, cli_fixture_teardown);
  g_test_add ("/cli-token-file/not-regular", CliFixture, NULL,
              cli_fixture_setup, test_not_regular, cli_fixture_teardown);

  return g_test_run ();
}
