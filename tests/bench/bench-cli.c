/* bench-cli.c: companies-cli timed as a process, start to exit: what a
 * person or a script waits for, dynamic loading and the store's open
 * included (docs/store-checks.md says why that open costs no full check).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include "bench-cli.h"
#include "bench-util.h"

static gboolean
run_once (GPtrArray  *argv,
          GError    **error)
{
  g_autoptr(GSubprocess) child = NULL;

  child = g_subprocess_newv ((const char * const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
  if (child == NULL || !g_subprocess_wait_check (child, NULL, error))
    return FALSE;

  return TRUE;
}

gboolean
bench_cli_median_ms (const char * const  *args,
                     guint                samples,
                     double              *out_ms,
                     GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  const char *cli = g_getenv ("COMPANIES_CLI");

  if (cli == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "COMPANIES_CLI is not set");
      return FALSE;
    }

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* The first run may check the file in full (a file this program
   * wrote last is as recorded, but another may have written it). */
  if (!run_once (argv, error))
    return FALSE;

  for (guint i = 0; i < samples; i++)
    {
      gint64 start = bench_now_us ();
      double ms;

      if (!run_once (argv, error))
        return FALSE;
      ms = (bench_now_us () - start) / 1000.0;
      g_array_append_val (times, ms);
    }

  *out_ms = bench_median (times);
  return TRUE;
}
