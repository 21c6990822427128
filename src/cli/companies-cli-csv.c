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

/* Exactly one positional argument, a file name. */
static CliExitStatus
take_file (const char  *command,
           GPtrArray   *positional,
           gboolean     required,
           GFile      **out_file)
{
  *out_file = NULL;

  if (positional->len > 1 || (positional->len == 1 && !required))
    {
      g_autofree char *shown = cli_sanitize (g_ptr_array_index (positional, required ? 1 : 0));

      cli_usage_error (command, _("Unexpected argument “%s”"), shown);
      return CLI_EXIT_USAGE;
    }
  if (required && positional->len == 0)
    {
      cli_usage_error (command, _("Name the CSV file to import"));
      return CLI_EXIT_USAGE;
    }

  if (positional->len == 1)
    *out_file = g_file_new_for_commandline_arg (g_ptr_array_index (positional, 0));
  return CLI_EXIT_OK;
}

CliExitStatus
cli_command_import (CliContext   *cli,
                    char       ***args)
{
  g_autoptr(GPtrArray) positional = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesCsvImportProgress done = { 0 };
  CliExitStatus status;
  gboolean ok;

  status = cli_parse_command (cli, "import", _("FILE.csv"),
                              _("Add the companies of a CSV file (a header line naming the fields: "
                                "name,address,city,postal_code,country,phone,email,website,notes; "
                                "comma or semicolon separated). Refused lines are listed on stderr "
                                "with their number; the others go to the server at the next sync."),
                              NULL, args, &positional);
  if (status == CLI_EXIT_OK)
    status = cli_context_resolve (cli, FALSE);
  if (status == CLI_EXIT_OK)
    status = take_file ("import", positional, TRUE, &file);
  if (status != CLI_EXIT_OK)
    return status;

  input = g_file_read (file, NULL, &error);
  if (input == NULL)
    {
      cli_error ("%s", error->message);
      return CLI_EXIT_FAILED;
    }

  store = cli_open_store (cli);
  if (store == NULL)
    return CLI_EXIT_FAILED;

  ok = companies_csv_import (store, G_INPUT_STREAM (input), refused_line_cb, NULL, NULL,
                             NULL, &done, &error);
  if (!ok)
    {
      g_autofree char *shown = cli_sanitize (error->message);

      cli_error ("%s", shown);
    }

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
  g_autoptr(GPtrArray) positional = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
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

  status = cli_parse_command (cli, "export", "",
                              _("Write every company as CSV (comma separated, a header of the field "
                                "names), as import reads it."),
                              entries, args, &positional);
  if (status == CLI_EXIT_OK)
    status = cli_context_resolve (cli, FALSE);
  if (status == CLI_EXIT_OK)
    status = take_file ("export", positional, FALSE, &file);
  if (status != CLI_EXIT_OK)
    return status;

  store = cli_open_store (cli);
  if (store == NULL)
    return CLI_EXIT_FAILED;

  if (output_path != NULL)
    {
      file = g_file_new_for_commandline_arg (output_path);
      ok = export_to_file (store, file, &count, &error);
    }
  else
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      ok = companies_csv_export (store, out, NULL, &count, &error);
    }

  if (!ok)
    {
      cli_error ("%s", error->message);
      return CLI_EXIT_FAILED;
    }

  if (output_path != NULL)
    {
      /* TRANSLATORS: %lu is a count of companies */
      g_print (_("Exported %lu\n"), (gulong) count);
    }

  return CLI_EXIT_OK;
}
