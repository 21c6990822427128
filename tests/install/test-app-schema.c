/* test-app-schema.c: the app without its settings schema.
 *
 * GSettings aborts (SIGTRAP) when a schema is missing. The app checks
 * first: a sentence on stderr that says what to do, exit status 1, and no
 * window, no database, no crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-app-schema"

#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

static void
run_app_without_schema (const char  *language,
                        char       **out_stderr,
                        int         *out_wait_status)
{
  const char *app = g_getenv ("COMPANIES_APP");
  g_autofree char *home = g_dir_make_tmp ("test-app-schema-XXXXXX", NULL);
  g_autofree char *empty_data = g_build_filename (home, "share", NULL);
  g_auto(GStrv) environment = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { app, NULL, NULL };

  g_assert_nonnull (app);
  g_assert_nonnull (home);
  g_assert_cmpint (g_mkdir (empty_data, 0700), ==, 0);

  argv[0] = app;
  /* No schema anywhere: neither GSETTINGS_SCHEMA_DIR nor the system's
   * folders (XDG_DATA_DIRS names an empty one). */
  environment = g_environ_unsetenv (environment, "GSETTINGS_SCHEMA_DIR");
  environment = g_environ_unsetenv (environment, "GSETTINGS_BACKEND");
  environment = g_environ_setenv (environment, "XDG_DATA_DIRS", empty_data, TRUE);
  environment = g_environ_setenv (environment, "HOME", home, TRUE);
  environment = g_environ_setenv (environment, "XDG_DATA_HOME", empty_data, TRUE);
  environment = g_environ_setenv (environment, "LC_ALL", "C.UTF-8", TRUE);
  environment = g_environ_setenv (environment, "LANGUAGE", language, TRUE);
  /* Even with a display the app must stop before opening a window. */

  g_assert_true (g_spawn_sync (NULL, (char **) argv, environment, G_SPAWN_DEFAULT,
                               NULL, NULL, NULL, out_stderr, out_wait_status, &error));
  g_assert_no_error (error);

  /* Nothing was created in the user's folders. */
  g_assert_cmpint (g_rmdir (empty_data), ==, 0);
  g_assert_cmpint (g_rmdir (home), ==, 0);
}

static void
test_missing_schema_is_a_clear_error (void)
{
  g_autofree char *err = NULL;
  int wait_status = 0;

  run_app_without_schema ("C", &err, &wait_status);

  g_test_message ("stderr: %s", err);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 1);
  g_assert_nonnull (strstr (err, "settings schema “com.example.Companies” was not found"));
  g_assert_nonnull (strstr (err, "build-aux/demo.sh"));
  /* The message alone: no GLib error or trace. */
  g_assert_null (strstr (err, "GLib-GIO-ERROR"));
  g_assert_null (strstr (err, "CRITICAL"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/install/missing-schema-is-a-clear-error",
                   test_missing_schema_is_a_clear_error);

  return g_test_run ();
}
