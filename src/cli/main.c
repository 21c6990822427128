/* main.c: companies-cli's entry point: the top-level options, the help
 * text and the dispatch to a command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-cli.h"

typedef struct
{
  const char    *name;
  CliExitStatus (*run) (CliContext *cli, char ***args);
} CliCommand;

static const CliCommand commands[] = {
  { "list", cli_command_list },
  { "add", cli_command_add },
  { "update", cli_command_update },
  { "delete", cli_command_delete },
  { "sync", cli_command_sync },
  { "watch", cli_command_watch },
  { "status", cli_command_status },
  { "import", cli_command_import },
  { "export", cli_command_export },
  { "history", cli_command_history },
  { "conflicts", cli_command_conflicts },
  { "restore", cli_command_restore },
  { "dismiss", cli_command_dismiss },
};

static char *
make_description (void)
{
  GString *text = g_string_new (NULL);

  g_string_append (text, _("Commands:\n"
                           "  list [--json] [--all]    List the companies (--all: also those deleted here)\n"
                           "  add --name NAME [FIELD…] Add a company and print its uuid\n"
                           "  update REF FIELD…        Change fields of a company (REF: server id or uuid)\n"
                           "  delete REF               Delete a company\n"
                           "  sync                     Send local changes to the server and receive its changes\n"
                           "  watch [--json]           Keep the local list in sync live, until interrupted\n"
                           "  status [--json]          Show pending changes, rejected records and the last sync\n"
                           "  import FILE.csv          Add the companies of a CSV file; refused lines are listed\n"
                           "  export [--output FILE]   Write every company as CSV\n"
                           "  conflicts [--json]       List the notices of lost values and deleted edits\n"
                           "  restore NOTICE_ID        Make a notice’s lost value current again\n"
                           "  dismiss NOTICE_ID        Forget a notice\n"
                           "\n"
                           "Run “companies-cli COMMAND --help” for the options of a command.\n"
                           "\n"
                           "Environment:\n"
                           "  COMPANIES_DATABASE       The local database, if --database is not given\n"
                           "  COMPANIES_SERVER_URL     The server, if --server is not given\n"
                           "  COMPANIES_TOKEN          The access token, if neither --token nor --token-file is given\n"
                           "\n"
                           "Configuration, the first found wins, so that “sync” reaches the app’s server:\n"
                           "  database  --database, $COMPANIES_DATABASE, the app’s database\n"
                           "  server    --server, $COMPANIES_SERVER_URL, the app’s server address\n"
                           "            (Preferences), http://127.0.0.1:8080\n"
                           "  token     --token-file or --token, $COMPANIES_TOKEN, the app’s token for\n"
                           "            that server (in the keyring, else in a private file)\n"
                           "\n"
                           "Exit status:\n"
                           "  0  success\n"
                           "  1  the data was refused (by import: any line), the company was not found, the local\n"
                           "     database failed, or the app’s token could not be read from the keyring\n"
                           "  2  usage error: unknown command or option, missing or extra argument\n"
                           "  3  sync: the server could not be reached\n"
                           "  4  sync: the server refused the access token\n"
                           "  5  sync: the server failed\n"
                           "  6  sync: the server’s answer was not understood\n"
                           "  7  sync: the local database failed"));
  g_string_append (text, "\n\n");
  g_string_append (text, _("History and read-only tokens (docs/history.md):\n"
                           "  history REF [--json]     Show who wrote which value of a company, and when\n"
                           "                           (asks the server)\n"
                           "  Exit status 8: sync: the access token is read-only; changes stay here"));

  return g_string_free (text, FALSE);
}

static int
run (int    argc,
     char **argv)
{
  g_auto(CliContext) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };
  const char *name;

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Keep the shared list of companies from a terminal."));
  description = make_description ();
  g_option_context_set_description (context, description);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_main_group (context, cli_context_make_group (&cli));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &error))
    {
      cli_usage_error (NULL, "%s", error->message);
      return CLI_EXIT_USAGE;
    }

  if (version)
    {
      g_print ("%s %s\n", CLI_NAME, PACKAGE_VERSION);
      return CLI_EXIT_OK;
    }

  if (args[1] == NULL)
    {
      cli_usage_error (NULL, _("No command given"));
      return CLI_EXIT_USAGE;
    }

  name = args[1];
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (name, commands[i].name) == 0)
        {
          g_auto(GStrv) command_args = NULL;

          /* The command sees its name as argv[0]. */
          command_args = g_strdupv (args + 1);
          return commands[i].run (&cli, &command_args);
        }
    }

  {
    g_autofree char *shown = cli_sanitize (name);

    cli_usage_error (NULL, _("Unknown command “%s”"), shown);
  }

  return CLI_EXIT_USAGE;
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname (CLI_NAME);

  status = run (argc, argv);

  if (fflush (stdout) != 0 && status == CLI_EXIT_OK)
    {
      cli_error (_("Could not write the output: %s"), g_strerror (errno));
      status = CLI_EXIT_FAILED;
    }

  return status;
}
