/* companies-cli-csv.c: `companies-cli import FILE.csv` and
 * `companies-cli export [--output FILE]`, over the CSV library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>

#include "companies-cli.h"
#include "companies-csv-import.h"

static void
refused_line_cb (guint         line,
                 const GError *reason,
                 gpointer      user_data)
{
  g_autofree char *shown = cli_sanitize (reason->message);

  /* TRANSLATORS: %u is a line number of the CSV file, %s why it was refused */
  cli_error (_("line %u: %s"), line, shown);
}

CliExitStatus
cli_command_import (CliContext   *cli,
                    char       ***args)
{
  static const CliCommandSpec import_command = {
    "import", N_("FILE.csv"),
    N_("Add the companies of a CSV file (a header line naming the fields: "
       "name,address,city,postal_code,country,phone,email,website,notes; "
       "comma or semicolon separated). Refused lines are listed on stderr "
       "with their number; the others go to the server at the next sync."),
    CLI_ARGUMENT_FILE, 0,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesCsvImportProgress done = { 0 };
  CliExitStatus status;
  gboolean ok;

  status = cli_run_start (&run, cli, &import_command, NULL, args);
  if (status != CLI_EXIT_OK)
    return status;

  /* The file is opened before the store: a missing file changes nothing. */
  input = g_file_read (run.file, NULL, &error);
  if (input == NULL)
    return cli_fail (error);

  status = cli_run_open_store (&run);
  if (status != CLI_EXIT_OK)
    return status;

  ok = companies_csv_import (run.store, G_INPUT_STREAM (input), refused_line_cb, NULL, NULL,
                             NULL, &done, &error);
  if (!ok)
    cli_fail (error);

  /* TRANSLATORS: the summary of an import; %lu are counts */
  g_print (_("Imported %lu, refused %lu\n"), (gulong) done.imported, (gulong) done.refused);

  return ok && done.refused == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

/* Into a temporary file beside @file, renamed over it only when all is
 * written: a failed export leaves what was there. */
static gboolean
export_to_file (CompaniesLocalStore  *store,
                GFile                *file,
                guint64              *out_count,
                GError              **error)
{
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GCancellable) abandon = NULL;

  output = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (output == NULL)
    return FALSE;

  if (companies_csv_export (store, G_OUTPUT_STREAM (output), NULL, out_count, error))
    return g_output_stream_close (G_OUTPUT_STREAM (output), NULL, error);

  /* A cancelled close removes the temporary file and keeps the old one. */
  abandon = g_cancellable_new ();
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (output), abandon, NULL);
  return FALSE;
}

CliExitStatus
cli_command_export (CliContext   *cli,
                    char       ***args)
{
  static const CliCommandSpec export_command = {
    "export", "",
    N_("Write every company as CSV (comma separated, a header of the field "
       "names), as import reads it."),
    CLI_ARGUMENT_NONE, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *output_path = NULL;
  guint64 count = 0;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
      N_("Write to FILE (replaced only once complete) instead of the standard output"), N_("FILE") },
    { NULL }
  };
  CliExitStatus status;
  gboolean ok;

  status = cli_run_start (&run, cli, &export_command, entries, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (output_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (output_path);

      ok = export_to_file (run.store, file, &count, &error);
    }
  else
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      ok = companies_csv_export (run.store, out, NULL, &count, &error);
    }

  if (!ok)
    return cli_fail (error);

  if (output_path != NULL)
    {
      /* TRANSLATORS: %lu is a count of companies */
      g_print (_("Exported %lu\n"), (gulong) count);
    }

  return CLI_EXIT_OK;
}
