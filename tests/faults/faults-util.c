/* faults-util.c: what the client fault tests share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <sqlite3.h>

#include "companies-local-store-sync.h"
#include "companies-test-process.h"
#include "faults-util.h"

void
faults_cli_run_free (FaultsCliRun *run)
{
  if (run == NULL)
    return;

  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

GSubprocess *
faults_cli_spawn (const char * const *args,
                  const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("COMPANIES_CLI");
  GSubprocess *process;

  if (binary == NULL)
    g_error ("COMPANIES_CLI is not set: run the tests with meson test");

  g_ptr_array_add (argv, (gpointer) binary);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, companies_test_die_with_parent, NULL, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_assert_nonnull (pair[1]);
      if (pair[1][0] == '\0')
        g_subprocess_launcher_unsetenv (launcher, pair[0]);
      else
        g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_nonnull (process);

  return process;
}

FaultsCliRun *
faults_cli_wait (GSubprocess *process,
                 guint        timeout_ms)
{
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  FaultsCliRun *run;
  gboolean exited;

  exited = companies_test_process_communicate (process, NULL, timeout_ms, &out, &err);

  run = g_new0 (FaultsCliRun, 1);
  run->out = companies_test_bytes_dup_string (out);
  run->err = companies_test_bytes_dup_string (err);
  if (!exited)
    g_error ("companies-cli did not end within %u ms; it printed:\n%s\n%s",
             timeout_ms, run->out, run->err);
  g_assert_true (g_utf8_validate (run->out, -1, NULL));
  g_assert_true (g_utf8_validate (run->err, -1, NULL));

  run->exited = g_subprocess_get_if_exited (process);
  if (run->exited)
    run->status = g_subprocess_get_exit_status (process);
  run->signaled = g_subprocess_get_if_signaled (process);
  if (run->signaled)
    run->term_sig = g_subprocess_get_term_sig (process);

  return run;
}

FaultsCliRun *
faults_cli_run (const char * const *args,
                const char * const *env,
                guint               timeout_ms)
{
  g_autoptr(GSubprocess) process = faults_cli_spawn (args, env);

  return faults_cli_wait (process, timeout_ms);
}

FaultsCliRun *
faults_cli_run_ok (const char * const *args,
                   const char * const *env)
{
  FaultsCliRun *run = faults_cli_run (args, env, 30000);

  if (!run->exited || run->status != 0)
    g_error ("companies-cli %s failed (exited %d status %d, signal %d):\n%s\n%s",
             args[g_strv_length ((char **) args) - 1], run->exited, run->status,
             run->term_sig, run->out, run->err);

  return run;
}

static sqlite3 *
open_raw (const char *database_path)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (database_path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    g_error ("could not open %s: %s", database_path, sqlite3_errstr (rc));
  sqlite3_busy_timeout (db, 10000);

  return db;
}

void
faults_assert_integrity (const char *database_path)
{
  sqlite3 *db = open_raw (database_path);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  g_assert_cmpint (rc, ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

guint
faults_count_rows (const char *database_path)
{
  sqlite3 *db = open_raw (database_path);
  sqlite3_stmt *stmt = NULL;
  guint count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM companies", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
}

char *
faults_store_picture (CompaniesLocalStore *store)
{
  g_autoptr(GPtrArray) all = e2e_list_all (store);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  CompaniesStoreStatus status = e2e_status (store);
  GString *text = g_string_new (NULL);

  g_assert_true (companies_local_store_dup_cursor (store, &cursor, &error));
  g_assert_no_error (error);
  g_string_append_printf (text, "cursor %s, pending %u/%u/%u, rejected %u, active %u\n",
                          cursor != NULL ? cursor : "(none)", status.pending_added,
                          status.pending_updated, status.pending_deleted, status.rejected,
                          status.active);

  e2e_sort_by_uuid (all);
  for (guint i = 0; i < all->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (all, i);

      g_string_append_printf (text, "%s %" G_GINT64_FORMAT " v%" G_GINT64_FORMAT " %d%d%d %x %s",
                              companies_company_get_uuid (company),
                              companies_company_get_id (company),
                              companies_company_get_version (company),
                              companies_company_get_is_from_server (company),
                              companies_company_get_is_modified (company),
                              companies_company_get_is_active (company),
                              companies_company_get_changed_fields (company),
                              companies_company_get_rejection_code (company) != NULL ?
                                companies_company_get_rejection_code (company) : "-");
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        g_string_append_printf (text, "|%s", companies_company_get_field (company, f));
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}
