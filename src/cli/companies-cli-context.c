/* companies-cli-context.c: the global options every command takes, their
 * resolution against the environment, and the parsing of one command's
 * options and arguments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-app-config.h"
#include "companies-cli.h"
#include "companies-cli-token.h"
#include "companies-server-url.h"
#include "companies-token-store.h"

char *
cli_arg_to_utf8 (const char  *arg,
                 GError     **error)
{
  const char *charset = NULL;

  if (g_utf8_validate (arg, -1, NULL))
    return g_strdup (arg);

  /* In a UTF-8 locale the bytes are simply wrong; elsewhere they may be
   * text in the locale's own character set. */
  if (!g_get_charset (&charset))
    {
      char *converted = g_locale_to_utf8 (arg, -1, NULL, NULL, NULL);

      if (converted != NULL)
        return converted;
    }

  g_set_error_literal (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                       _("The value is not valid UTF-8 text"));
  return NULL;
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
cli_context_clear (CliContext *cli)
{
  g_clear_pointer (&cli->opt_database, g_free);
  g_clear_pointer (&cli->opt_server, g_free);
  clear_secret (&cli->opt_token);
  g_clear_pointer (&cli->opt_token_file, g_free);
  g_clear_pointer (&cli->opt_ca_file, g_free);
  g_clear_pointer (&cli->database_path, g_free);
  g_clear_pointer (&cli->server_url, g_free);
  clear_secret (&cli->token);
}

GOptionGroup *
cli_context_make_group (CliContext *cli)
{
  const GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &cli->opt_database,
      N_("The local database (default: $COMPANIES_DATABASE, else the app’s own)"), N_("FILE") },
    { "server", 's', 0, G_OPTION_ARG_STRING, &cli->opt_server,
      N_("The server (default: $COMPANIES_SERVER_URL, else the app’s)"), N_("URL") },
    { "token", 't', 0, G_OPTION_ARG_STRING, &cli->opt_token,
      N_("The access token (default: $COMPANIES_TOKEN, else the app’s); others can see it in the process list"), N_("TOKEN") },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->opt_token_file,
      N_("Read the access token from the first line of FILE"), N_("FILE") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->opt_ca_file,
      N_("Trust the certificate authorities in FILE (PEM) instead of the system’s "
         "(default: $COMPANIES_CA_FILE)"), N_("FILE") },
    { NULL }
  };
  GOptionGroup *group;

  group = g_option_group_new ("global",
                              _("Global Options:"),
                              _("Show the options every command takes"),
                              NULL, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);

  return group;
}

static const char *
getenv_nonempty (const char *name)
{
  const char *value = g_getenv (name);

  return (value != NULL && value[0] != '\0') ? value : NULL;
}

static gboolean
token_is_sendable (const char *token)
{
  for (const char *p = token; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p >= 0x7f)
        return FALSE;
    }

  return TRUE;
}

/* The app's token for @server_url: what the app keeps in the keyring (or
 * its private file where no keyring runs). The token of older versions'
 * file goes to the app's own server first, as the app would do. */
static CliExitStatus
lookup_app_token (CliContext *cli)
{
  g_autoptr(CompaniesTokenStore) store = companies_token_store_new (NULL);
  g_autofree char *app_url = companies_app_config_dup_server_url ();
  g_autoptr(GError) error = NULL;

  if (companies_token_store_migrate (store, app_url, NULL, &error))
    cli->token = companies_token_store_lookup (store, cli->server_url, NULL, &error);

  if (error != NULL)
    {
      cli_error (_("Could not read the access token of the app: %s"), error->message);
      return CLI_EXIT_FAILED;
    }

  return CLI_EXIT_OK;
}

CliExitStatus
cli_context_resolve (CliContext *cli,
                     gboolean    need_server)
{
  const char *value;

  g_clear_pointer (&cli->database_path, g_free);
  if (cli->opt_database != NULL && cli->opt_database[0] != '\0')
    cli->database_path = g_strdup (cli->opt_database);
  else if (cli->opt_database != NULL)
    {
      cli_usage_error (NULL, _("The database file name is empty"));
      return CLI_EXIT_USAGE;
    }
  else if ((value = getenv_nonempty ("COMPANIES_DATABASE")) != NULL)
    cli->database_path = g_strdup (value);
  else
    cli->database_path = companies_local_store_get_default_path ();

  if (!need_server)
    return CLI_EXIT_OK;

  g_clear_pointer (&cli->server_url, g_free);
  value = cli->opt_server;
  if (value == NULL)
    value = getenv_nonempty ("COMPANIES_SERVER_URL");
  if (value == NULL)
    cli->server_url = companies_app_config_dup_server_url ();
  else
    cli->server_url = companies_server_url_normalize (value);

  if (cli->server_url == NULL)
    {
      g_autofree char *shown = cli_sanitize (value);

      cli_usage_error (NULL, _("“%s” is not a server address such as %s"),
                       shown, COMPANIES_DEFAULT_SERVER_URL);
      return CLI_EXIT_USAGE;
    }

  if (cli->opt_token != NULL && cli->opt_token_file != NULL)
    {
      cli_usage_error (NULL, _("Give either --token or --token-file, not both"));
      return CLI_EXIT_USAGE;
    }

  clear_secret (&cli->token);
  if (cli->opt_token_file != NULL)
    {
      g_autoptr(GError) error = NULL;

      cli->token = cli_read_token_file (cli->opt_token_file, &error);
      if (cli->token == NULL)
        {
          cli_usage_error (NULL, _("Could not read the token file: %s"), error->message);
          return CLI_EXIT_USAGE;
        }
      if (cli->token[0] == '\0')
        {
          cli_usage_error (NULL, _("The token file is empty"));
          return CLI_EXIT_USAGE;
        }
    }
  else if (cli->opt_token != NULL)
    cli->token = g_strdup (cli->opt_token);
  else if ((value = getenv_nonempty ("COMPANIES_TOKEN")) != NULL)
    cli->token = g_strdup (value);
  else
    {
      CliExitStatus status = lookup_app_token (cli);

      if (status != CLI_EXIT_OK)
        return status;
    }

  if (cli->token != NULL && cli->token[0] == '\0')
    clear_secret (&cli->token);

  if (cli->token != NULL && !token_is_sendable (cli->token))
    {
      /* Never show the token itself. */
      cli_usage_error (NULL, _("The token holds spaces or characters that cannot be sent"));
      return CLI_EXIT_USAGE;
    }

  return CLI_EXIT_OK;
}

CliExitStatus
cli_parse_command (CliContext          *cli,
                   const char          *command,
                   const char          *parameter_string,
                   const char          *summary,
                   const GOptionEntry  *entries,
                   char              ***inout_args,
                   GPtrArray          **out_positional)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) positional = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  gboolean seen_separator = FALSE;

  /* The usage line reads "companies-cli COMMAND [OPTION…] ARGS". */
  prgname = g_strdup_printf ("%s %s", CLI_NAME, command);
  g_set_prgname (prgname);

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, cli_context_make_group (cli));

  if (!g_option_context_parse_strv (context, inout_args, &error))
    {
      g_set_prgname (CLI_NAME);
      cli_usage_error (command, "%s", error->message);
      return CLI_EXIT_USAGE;
    }

  g_set_prgname (CLI_NAME);

  positional = g_ptr_array_new ();
  for (guint i = 1; (*inout_args)[i] != NULL; i++)
    {
      const char *arg = (*inout_args)[i];

      if (!seen_separator && strcmp (arg, "--") == 0)
        {
          seen_separator = TRUE;
          continue;
        }

      g_ptr_array_add (positional, (gpointer) arg);
    }

  if (out_positional != NULL)
    *out_positional = g_steal_pointer (&positional);
  else if (positional->len > 0)
    {
      g_autofree char *shown = cli_sanitize (g_ptr_array_index (positional, 0));

      cli_usage_error (command, _("Unexpected argument “%s”"), shown);
      return CLI_EXIT_USAGE;
    }

  return CLI_EXIT_OK;
}
