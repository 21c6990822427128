/* companies-cli-commands.c: the commands of companies-cli, each a thin
 * layer over the local store's ForSync actions and the sync client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-cli.h"
#include "companies-error.h"
#include "companies-local-store.h"
#include "companies-sync-tls.h"

/* One option a field, named as on the wire with dashes. */
static const struct
{
  CompaniesField  field;
  const char     *option;
  const char     *description;
  const char     *arg_description;
} field_options[COMPANIES_N_FIELDS] = {
  { COMPANIES_FIELD_NAME, "name", N_("The name (at most 200 characters; add needs one)"), N_("NAME") },
  { COMPANIES_FIELD_ADDRESS, "address", N_("The street address (at most 500 characters)"), N_("ADDRESS") },
  { COMPANIES_FIELD_CITY, "city", N_("The city (at most 100 characters)"), N_("CITY") },
  { COMPANIES_FIELD_POSTAL_CODE, "postal-code", N_("The postal code (at most 20 characters)"), N_("CODE") },
  { COMPANIES_FIELD_COUNTRY, "country", N_("The country (at most 100 characters)"), N_("COUNTRY") },
  { COMPANIES_FIELD_PHONE, "phone", N_("The phone number (at most 50 characters)"), N_("PHONE") },
  { COMPANIES_FIELD_EMAIL, "email", N_("The e-mail address (empty, or one @ with text on both sides)"), N_("ADDRESS") },
  { COMPANIES_FIELD_WEBSITE, "website", N_("The website (at most 500 characters)"), N_("URL") },
  { COMPANIES_FIELD_NOTES, "notes", N_("Notes (at most 10000 characters)"), N_("TEXT") },
};

/* The field options of add and update, as given and then as UTF-8. */
typedef struct
{
  char *raw[COMPANIES_N_FIELDS];
  char *values[COMPANIES_N_FIELDS];
  guint mask;
} FieldArgs;

static void
field_args_clear (FieldArgs *fa)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_clear_pointer (&fa->raw[i], g_free);
      g_clear_pointer (&fa->values[i], g_free);
    }
  fa->mask = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FieldArgs, field_args_clear)

static const char *
field_option (CompaniesField field)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_options); i++)
    {
      if (field_options[i].field == field)
        return field_options[i].option;
    }

  return "?";
}

/* The field options (raw bytes: FILENAME, so that no locale conversion
 * happens behind our back). Free with g_free (). */
static GOptionEntry *
field_args_make_entries (FieldArgs *fa)
{
  GOptionEntry *entries = g_new0 (GOptionEntry, G_N_ELEMENTS (field_options) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (field_options); i++)
    {
      GOptionEntry *entry = &entries[i];

      entry->long_name = field_options[i].option;
      entry->arg = G_OPTION_ARG_FILENAME;
      entry->arg_data = &fa->raw[field_options[i].field];
      entry->description = field_options[i].description;
      entry->arg_description = field_options[i].arg_description;
    }

  return entries;
}

/* Turns the given options into UTF-8 values and a mask. */
static CliExitStatus
field_args_convert (FieldArgs *fa)
{
  fa->mask = 0;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_autoptr(GError) error = NULL;

      if (fa->raw[i] == NULL)
        continue;

      g_clear_pointer (&fa->values[i], g_free);
      fa->values[i] = cli_arg_to_utf8 (fa->raw[i], &error);
      if (fa->values[i] == NULL)
        {
          cli_error ("--%s: %s", field_option (i), error->message);
          return CLI_EXIT_FAILED;
        }
      fa->mask |= COMPANIES_FIELD_BIT (i);
    }

  return CLI_EXIT_OK;
}

static CliExitStatus
field_args_validate (FieldArgs *fa)
{
  g_autoptr(GError) error = NULL;
  CompaniesField field = COMPANIES_FIELD_NAME;

  if (!companies_fields_validate ((const char * const *) fa->values, fa->mask, &field, &error))
    {
      cli_error ("--%s: %s", field_option (field), error->message);
      return CLI_EXIT_FAILED;
    }

  return CLI_EXIT_OK;
}

/* The opening of add and update: the field options parsed with the
 * command's own (cli_run_start ()), --name required (when the command
 * needs it), the values turned into UTF-8. */
static CliExitStatus
field_command_start (CliRun                *run,
                     CliContext            *cli,
                     const CliCommandSpec  *spec,
                     gboolean               needs_name,
                     FieldArgs             *fa,
                     char                ***args)
{
  g_autofree GOptionEntry *entries = field_args_make_entries (fa);
  CliExitStatus status;

  status = cli_run_start (run, cli, spec, entries, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (needs_name && fa->raw[COMPANIES_FIELD_NAME] == NULL)
    {
      cli_usage_error (spec->name, _("A company needs a name: give --name NAME"));
      return CLI_EXIT_USAGE;
    }

  return field_args_convert (fa);
}

/* The closing of add and update: the values checked, then the store
 * opened. */
static CliExitStatus
field_command_open_store (CliRun    *run,
                          FieldArgs *fa)
{
  CliExitStatus status = field_args_validate (fa);

  return status == CLI_EXIT_OK ? cli_run_open_store (run) : status;
}

CliExitStatus
cli_command_add (CliContext   *cli,
                 char       ***args)
{
  static const CliCommandSpec add_command = {
    "add", N_("--name NAME [FIELD…]"),
    N_("Add a company and print its uuid. It goes to the server at the next sync."),
    CLI_ARGUMENT_NONE, 0,
  };
  g_auto(CliRun) run = { NULL, };
  g_auto(FieldArgs) fa = { 0 };
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  CliExitStatus status;

  status = field_command_start (&run, cli, &add_command, TRUE, &fa, args);
  if (status != CLI_EXIT_OK)
    return status;

  /* Every field is set: the ones not given are empty. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (fa.values[i] == NULL)
        fa.values[i] = g_strdup ("");
    }
  fa.mask = COMPANIES_ALL_FIELDS;

  status = field_command_open_store (&run, &fa);
  if (status != CLI_EXIT_OK)
    return status;

  company = companies_local_store_create_for_sync (run.store, (const char * const *) fa.values, &error);
  if (company == NULL)
    return cli_report_store_error (NULL, error);

  line = g_strdup_printf ("%s\n", companies_company_get_uuid (company));
  return cli_write_stdout (line) ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

CliExitStatus
cli_command_update (CliContext   *cli,
                    char       ***args)
{
  static const CliCommandSpec update_command = {
    "update", N_("REF FIELD…"),
    N_("Change the given fields of a company; the others keep their value. "
       "REF is the company’s server id or its uuid. "
       "An empty value clears an optional field."),
    CLI_ARGUMENT_REF, 0,
  };
  g_auto(CliRun) run = { NULL, };
  g_auto(FieldArgs) fa = { 0 };
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;
  CliExitStatus status;

  status = field_command_start (&run, cli, &update_command, FALSE, &fa, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (fa.mask == 0)
    {
      cli_usage_error ("update", _("Nothing to change: give at least one field, such as --name NAME"));
      return CLI_EXIT_USAGE;
    }

  status = field_command_open_store (&run, &fa);
  if (status != CLI_EXIT_OK)
    return status;

  company = companies_local_store_update_for_sync (run.store, run.ref, fa.mask,
                                                   (const char * const *) fa.values,
                                                   &error);
  if (company == NULL)
    return cli_report_store_error (run.ref, error);

  return CLI_EXIT_OK;
}

CliExitStatus
cli_command_delete (CliContext   *cli,
                    char       ***args)
{
  static const CliCommandSpec delete_command = {
    "delete", N_("REF"),
    N_("Delete a company. REF is its server id or its uuid. "
       "A company never synced is removed at once; "
       "one from the server is removed there at the next sync."),
    CLI_ARGUMENT_REF, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GError) error = NULL;
  CliExitStatus status;

  status = cli_run_start (&run, cli, &delete_command, NULL, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (!companies_local_store_delete_for_sync (run.store, run.ref, &error))
    return cli_report_store_error (run.ref, error);

  return CLI_EXIT_OK;
}

/* The server's address without any user name or password in it. */
static char *
server_for_display (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *text = NULL;

  if (uri != NULL)
    text = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);

  return cli_sanitize (text != NULL ? text : url);
}

/* The library's messages are fit to show; they mostly name the server
 * already, and when they do not, the server is added so that a person
 * knows which one failed. */
void
cli_print_sync_error (const char *url,
                      GError     *error)
{
  g_autofree char *server = server_for_display (url);
  g_autofree char *message = cli_sanitize (error->message);

  if (strstr (error->message, url) != NULL || strstr (message, server) != NULL)
    cli_error ("%s", message);
  else
    /* Translators: an error message, then the server's address */
    cli_error (_("%s (server %s)"), message, server);
}

CliExitStatus
cli_report_sync_error (const char *url,
                       GError     *error)
{
  cli_print_sync_error (url, error);

  if (error->domain != COMPANIES_SYNC_ERROR)
    return CLI_EXIT_FAILED;

  switch ((CompaniesSyncError) error->code)
    {
    case COMPANIES_SYNC_ERROR_NETWORK:
      return CLI_EXIT_NETWORK;

    case COMPANIES_SYNC_ERROR_UNAUTHORIZED:
      g_printerr ("%s\n", _("Give the right access token with --token-file, --token or COMPANIES_TOKEN."));
      return CLI_EXIT_UNAUTHORIZED;

    case COMPANIES_SYNC_ERROR_SERVER:
      return CLI_EXIT_SERVER;

    case COMPANIES_SYNC_ERROR_PROTOCOL:
      return CLI_EXIT_PROTOCOL;

    case COMPANIES_SYNC_ERROR_STORAGE:
      return CLI_EXIT_STORAGE;

    case COMPANIES_SYNC_ERROR_READ_ONLY:
      g_printerr ("%s\n", _("Local changes stay here; ask for a token that may write to send them."));
      return CLI_EXIT_READ_ONLY;

    case COMPANIES_SYNC_ERROR_CERTIFICATE:
      g_printerr ("%s\n", _("For a server with a private certificate authority, give its "
                            "certificate with --ca-file or COMPANIES_CA_FILE."));
      return CLI_EXIT_NETWORK;

    default:
      return CLI_EXIT_FAILED;
    }
}

char *
cli_format_sync_summary (const CompaniesSyncResult *result)
{
  GString *line = g_string_new (NULL);

  /* Translators: the start of the line "Sent 3 changes, received 5 records" */
  g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "Sent %u change", "Sent %u changes",
                                             result->sent),
                          result->sent);
  g_string_append (line, ", ");
  g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "received %u record", "received %u records",
                                             result->received),
                          result->received);
  if (result->rejected > 0)
    {
      g_string_append (line, ", ");
      g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u rejected", "%u rejected",
                                                 result->rejected),
                              result->rejected);
    }
  if (result->overwritten > 0)
    {
      g_string_append (line, ", ");
      g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u value from elsewhere overwritten",
                                                 "%u values from elsewhere overwritten",
                                                 result->overwritten),
                              result->overwritten);
    }
  g_string_append (line, "\n");

  return g_string_free (line, FALSE);
}

/* The records the server refused, with their reasons, one a line. */
static char *
format_rejected (GPtrArray *rejected)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < rejected->len; i++)
    {
      g_autofree char *line = cli_format_rejection (g_ptr_array_index (rejected, i));

      g_string_append_printf (text, "  %s\n", line);
    }

  return g_string_free (text, FALSE);
}

CliExitStatus
cli_command_sync (CliContext   *cli,
                  char       ***args)
{
  static const CliCommandSpec sync_command = {
    "sync", "",
    N_("Send the local changes to the server and receive its changes, "
       "until both sides agree. The exit status is 0 only when the sync "
       "succeeded."),
    CLI_ARGUMENT_NONE, CLI_NEEDS_SERVER,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  CliExitStatus status;

  status = cli_run_start (&run, cli, &sync_command, NULL, args);
  if (status != CLI_EXIT_OK)
    return status;

  /* One sync, then exit: the system's authorities are not loaded when a
   * CA file replaces them (src/sync/companies-sync-tls.c). */
  companies_sync_tls_use_ca_file_as_default (cli->opt_ca_file);
  client = cli_run_new_sync_client (&run);
  result = companies_sync_client_sync (client, NULL, &error);
  if (result == NULL)
    return cli_report_sync_error (cli->server_url, error);

  summary = cli_format_sync_summary (result);
  if (!cli_write_stdout (summary))
    return CLI_EXIT_FAILED;

  /* The sync succeeded; the records the server refused are listed with
   * their reasons so that someone can fix them. */
  run.store = companies_sync_client_take_store (client);
  if (run.store == NULL)
    run.store = companies_local_store_open (cli->database_path, &error);
  if (run.store != NULL)
    rejected = companies_local_store_list_rejected (run.store, &error);
  if (rejected == NULL)
    {
      cli_error (_("Could not list the rejected records: %s"), error->message);
      return CLI_EXIT_FAILED;
    }

  if (rejected->len > 0)
    {
      g_autofree char *text = format_rejected (rejected);
      g_autofree char *heading = NULL;

      heading = g_strdup_printf ("%s\n", g_dngettext (GETTEXT_PACKAGE,
                                                      "The server refused this record:",
                                                      "The server refused these records:",
                                                      rejected->len));
      if (!cli_write_stdout (heading) || !cli_write_stdout (text))
        return CLI_EXIT_FAILED;
    }

  return CLI_EXIT_OK;
}

CliExitStatus
cli_command_status (CliContext   *cli,
                    char       ***args)
{
  static const CliCommandSpec status_command = {
    "status", "",
    N_("Show what the next sync would send, the records the server "
       "refused, and when the last sync succeeded."),
    CLI_ARGUMENT_NONE, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CompaniesStoreStatus store_status = { 0 };
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON object"), NULL },
    { NULL }
  };
  CliExitStatus status;

  status = cli_run_start (&run, cli, &status_command, entries, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (!companies_local_store_get_status (run.store, &store_status, &error) ||
      (rejected = companies_local_store_list_rejected (run.store, &error)) == NULL)
    return cli_fail (error);

  if (json)
    text = cli_format_status_json (&store_status);
  else
    text = cli_format_status (cli->database_path, &store_status, rejected);

  return cli_write_stdout (text) ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}
