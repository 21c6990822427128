/* bench-csv.c: the CSV rows of the benchmark: companies-cli export and
 * import timed as a person runs them (each a process: opening and
 * checking the database is part of the figure), with their peak RSS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "bench-csv.h"
#include "bench-util.h"
#include "companies-csv-import.h"
#include "companies-local-store.h"
#include "companies-test-server.h"

typedef struct
{
  double seconds;
  double cpu_s;
  double peak_rss_mb;
} CliFigure;

/* Runs companies-cli ARGS…, reading its VmHWM every 10 ms until it
 * exits: a high-water mark, so only growth in its last 10 ms could be
 * missed. (The rusage of wait4 () would count this process's own size,
 * which Linux carries into a child across fork and exec.) */
static gboolean
run_cli (const char * const  *args,
         CliFigure           *out,
         GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  struct rusage usage = { 0 };
  const char *cli = g_getenv ("COMPANIES_CLI");
  gint64 start;
  GPid pid;
  int status = 0;

  if (cli == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "COMPANIES_CLI is not set");
      return FALSE;
    }

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  start = bench_now_us ();
  if (!g_spawn_async (NULL, (char **) argv->pdata, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, &pid, error))
    return FALSE;

  out->peak_rss_mb = 0;
  while (wait4 (pid, &status, WNOHANG, &usage) == 0)
    {
      out->peak_rss_mb = MAX (out->peak_rss_mb, bench_peak_rss_kb (pid) / 1024.0);
      g_usleep (10000);
    }
  out->cpu_s = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
               (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "companies-cli %s failed (status %d)",
                   args[2], status);
      return FALSE;
    }

  out->seconds = (bench_now_us () - start) / 1e6;
  return TRUE;
}

typedef struct
{
  gint64 start_us;
  double start_cpu_s;
  double seconds;
  double cpu_s;
  guint64 count;      /* companies exported or imported */
} Timing;

static void
timing_start (Timing *timing)
{
  timing->start_us = bench_now_us ();
  timing->start_cpu_s = bench_thread_cpu_s ();
}

static void
timing_stop (Timing *timing)
{
  timing->seconds = (bench_now_us () - timing->start_us) / 1e6;
  timing->cpu_s = bench_thread_cpu_s () - timing->start_cpu_s;
}

static gboolean
time_export (const char  *source,
             GFile       *file,
             Timing      *timing,
             GError     **error)
{
  g_autoptr(CompaniesLocalStore) store = companies_local_store_open (source, error);
  g_autoptr(GFileOutputStream) out = NULL;

  out = store != NULL ? g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error) : NULL;
  if (out == NULL)
    return FALSE;

  timing_start (timing);
  if (!companies_csv_export (store, G_OUTPUT_STREAM (out), NULL, &timing->count, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    return FALSE;
  timing_stop (timing);
  return TRUE;
}

static gboolean
time_import (GFile       *file,
             const char  *target,
             Timing      *timing,
             GError     **error)
{
  g_autoptr(CompaniesLocalStore) empty = companies_local_store_open (target, error);
  g_autoptr(GFileInputStream) in = NULL;
  CompaniesCsvImportProgress done = { 0 };

  in = empty != NULL ? g_file_read (file, NULL, error) : NULL;
  if (in == NULL)
    return FALSE;

  timing_start (timing);
  if (!companies_csv_import (empty, G_INPUT_STREAM (in), NULL, NULL, NULL, NULL, &done, error))
    return FALSE;
  timing_stop (timing);
  timing->count = done.imported;
  return TRUE;
}

/* The same work in this process on an open store: what the CSV code
 * costs without the process around it, and opening the file with its
 * integrity check (every companies-cli command does) on its own. */
static gboolean
run_in_process (const char  *source,
                const char  *csv,
                const char  *target,
                GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (csv);
  Timing opening = { 0 }, exporting = { 0 }, importing = { 0 };

  timing_start (&opening);
  {
    g_autoptr(CompaniesLocalStore) checked = companies_local_store_open_checked (source, error);

    if (checked == NULL)
      return FALSE;
  }
  timing_stop (&opening);

  if (!time_export (source, file, &exporting, error) ||
      !time_import (file, target, &importing, error))
    return FALSE;

  printf ("| in this process: opening the source with its integrity check | %.2f s | %.2f s | | |\n",
          opening.seconds, opening.cpu_s);
  printf ("| in this process: companies_csv_export () of %lu on an open store | %.2f s | %.2f s | | |\n",
          (gulong) exporting.count, exporting.seconds, exporting.cpu_s);
  printf ("| in this process: companies_csv_import () of %lu into an empty store | %.2f s | %.2f s | | |\n",
          (gulong) importing.count, importing.seconds, importing.cpu_s);
  return TRUE;
}

gboolean
bench_csv_run (GPtrArray  *rows,
               GError    **error)
{
  g_autofree char *dir = companies_test_make_tmpdir ();
  g_autofree char *source = g_build_filename (dir, "source.db", NULL);
  g_autofree char *target = g_build_filename (dir, "target.db", NULL);
  g_autofree char *first = g_build_filename (dir, "first.csv", NULL);
  g_autofree char *second = g_build_filename (dir, "second.csv", NULL);
  g_autofree char *third = g_build_filename (dir, "third.csv", NULL);
  g_autofree char *third_db = g_build_filename (dir, "third.db", NULL);
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  gsize first_length = 0;
  CliFigure export_figure = { 0 }, import_figure = { 0 }, again = { 0 };
  gboolean ok;

  {
    g_autoptr(CompaniesLocalStore) store = companies_local_store_open (source, error);

    if (store == NULL || !companies_local_store_import_for_sync (store, rows, error))
      return FALSE;
  }

  ok = run_cli ((const char * const []) { "--database", source, "export", "--output", first, NULL },
                &export_figure, error) &&
       run_cli ((const char * const []) { "--database", target, "import", first, NULL },
                &import_figure, error) &&
       run_cli ((const char * const []) { "--database", target, "export", "--output", second, NULL },
                &again, error) &&
       g_file_get_contents (first, &first_text, &first_length, error) &&
       g_file_get_contents (second, &second_text, NULL, error);

  if (ok)
    {
      gboolean same = g_strcmp0 (first_text, second_text) == 0;

      printf ("\n| CSV (companies-cli, as processes) | time | CPU time | peak RSS | goal at 1M |\n");
      printf ("| --- | --- | --- | --- | --- |\n");
      printf ("| export of %u companies (`export --output`, %.0f MB of CSV) | %.2f s | %.2f s | %.0f MB | ≤ 5 s |\n",
              rows->len, first_length / 1e6, export_figure.seconds, export_figure.cpu_s,
              export_figure.peak_rss_mb);
      printf ("| import of that file into an empty database (`import`) | %.2f s | %.2f s | %.0f MB | ≤ 15 s |\n",
              import_figure.seconds, import_figure.cpu_s, import_figure.peak_rss_mb);
      printf ("| export of the imported copy equals the first file (lossless) | %s | | | |\n",
              same ? "yes" : "**no**");
      ok = run_in_process (source, third, third_db, error);
    }

  companies_test_remove_tree (dir);
  return ok;
}
