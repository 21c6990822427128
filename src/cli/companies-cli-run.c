/* companies-cli-run.c: what every command does before its own work, in
 * the same order and with the same messages: its options parsed, the
 * global ones resolved, its one argument taken (a REF, a file, a notice
 * number), then the database opened and checked. A refused argument
 * stops the command before the database is opened, so a usage error
 * never makes or changes a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-cli.h"
#include "companies-error.h"

void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->ref, g_free);
  g_clear_object (&run->file);
  g_clear_object (&run->store);
  run->notice_id = 0;
}

CliExitStatus
cli_fail (const GError *error)
{
  g_autofree char *shown = cli_sanitize (error->message);

  cli_error ("%s", shown);
  return CLI_EXIT_FAILED;
}

CliExitStatus
cli_report_store_error (const char   *ref,
                        const GError *error)
{
  if (ref != NULL && g_error_matches (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND))
    {
      g_autofree char *shown = cli_sanitize (ref);

      cli_error (_("No company has the id or uuid “%s” (see “companies-cli list”)"), shown);
      return CLI_EXIT_FAILED;
    }

  return cli_fail (error);
}

/* A REF (server id or uuid) as UTF-8. */
static CliExitStatus
take_ref (CliRun     *run,
          const char *arg)
{
  g_autoptr(GError) error = NULL;

  run->ref = cli_arg_to_utf8 (arg, &error);
  if (run->ref == NULL)
    {
      cli_error (_("REF: %s"), error->message);
      return CLI_EXIT_FAILED;
    }

  return CLI_EXIT_OK;
}

static CliExitStatus
take_notice_id (CliRun               *run,
                const CliCommandSpec *spec,
                const char           *arg)
{
  guint64 id = 0;

  if (!g_ascii_string_to_unsigned (arg, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_autofree char *shown = cli_sanitize (arg);

      cli_usage_error (spec->name, _("“%s” is not a notice number"), shown);
      return CLI_EXIT_USAGE;
    }

  run->notice_id = (gint64) id;
  return CLI_EXIT_OK;
}

/* The command's one argument, by its kind (not CLI_ARGUMENT_NONE). */
static CliExitStatus
take_argument (CliRun               *run,
               const CliCommandSpec *spec,
               GPtrArray            *positional)
{
  const char *arg = positional->len > 0 ? g_ptr_array_index (positional, 0) : NULL;

  if (arg == NULL || (spec->argument == CLI_ARGUMENT_NOTICE_ID && positional->len > 1))
    {
      switch (spec->argument)
        {
        case CLI_ARGUMENT_REF:
          cli_usage_error (spec->name, _("Name the company: give its server id or its uuid"));
          break;
        case CLI_ARGUMENT_FILE:
          cli_usage_error (spec->name, _("Name the CSV file to import"));
          break;
        case CLI_ARGUMENT_NOTICE_ID:
        case CLI_ARGUMENT_NONE:
        default:
          cli_usage_error (spec->name, _("Give one notice number (see “companies-cli conflicts”)"));
          break;
        }
      return CLI_EXIT_USAGE;
    }
  if (positional->len > 1)
    {
      g_autofree char *shown = cli_sanitize (g_ptr_array_index (positional, 1));

      cli_usage_error (spec->name, _("Unexpected argument “%s”"), shown);
      return CLI_EXIT_USAGE;
    }

  switch (spec->argument)
    {
    case CLI_ARGUMENT_REF:
      return take_ref (run, arg);
    case CLI_ARGUMENT_FILE:
      run->file = g_file_new_for_commandline_arg (arg);
      return CLI_EXIT_OK;
    case CLI_ARGUMENT_NOTICE_ID:
      return take_notice_id (run, spec, arg);
    case CLI_ARGUMENT_NONE:
    default:
      g_assert_not_reached ();
      return CLI_EXIT_USAGE;
    }
}

CliExitStatus
cli_run_open_store (CliRun *run)
{
  g_autoptr(GError) error = NULL;

  /* Checked for damage, so that every command refuses a damaged file
   * alike; the store's messages name the file. */
  run->store = companies_local_store_open_checked (run->cli->database_path, &error);
  if (run->store == NULL)
    {
      cli_error ("%s", error->message);
      return CLI_EXIT_FAILED;
    }

  return CLI_EXIT_OK;
}

CliExitStatus
cli_run_start (CliRun                *run,
               CliContext            *cli,
               const CliCommandSpec  *spec,
               const GOptionEntry    *entries,
               char                ***args)
{
  g_autoptr(GPtrArray) positional = NULL;
  CliExitStatus status;

  /* Without an argument to take, an extra one is refused while parsing. */
  run->cli = cli;
  status = cli_parse_command (cli, spec->name, _(spec->parameter_string), _(spec->summary), entries,
                              args, spec->argument != CLI_ARGUMENT_NONE ? &positional : NULL);
  if (status == CLI_EXIT_OK)
    status = cli_context_resolve (cli, (spec->needs & CLI_NEEDS_SERVER) != 0);
  if (status == CLI_EXIT_OK && spec->argument != CLI_ARGUMENT_NONE)
    status = take_argument (run, spec, positional);
  if (status == CLI_EXIT_OK && (spec->needs & CLI_NEEDS_STORE) != 0)
    status = cli_run_open_store (run);

  return status;
}

CompaniesSyncClient *
cli_run_new_sync_client (CliRun *run)
{
  CliContext *cli = run->cli;
  CompaniesSyncClient *client;

  client = companies_sync_client_new (cli->database_path, cli->server_url, cli->token);
  if (cli->opt_ca_file != NULL)
    companies_sync_client_set_tls_ca_file (client, cli->opt_ca_file);

  return client;
}
