/* companies-cli-history.c: `companies-cli history REF [--json]`, a
 * company's field history as the server keeps it (docs/history.md)
 *
 * History lives on the server only: the command asks it, and without a
 * connection says that history needs one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "companies-cli.h"
#include "companies-history-fetch.h"

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* An array of {"field", "value", "version", "at", "by"}, newest first;
 * "at" in ISO 8601, UTC. */
static char *
format_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const CompaniesHistoryEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *at = cli_format_time_iso8601 (entry->at);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "field", entry->field);
      add_nullable_string (builder, "value", entry->value);
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, entry->version);
      add_nullable_string (builder, "at", at);
      add_nullable_string (builder, "by", entry->by);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, NULL);
  return g_strconcat (data, "\n", NULL);
}

/* One line an entry: when, version, who, then the field and its value. */
static char *
format_text (GPtrArray *entries)
{
  GString *text = g_string_new (NULL);

  if (entries->len == 0)
    g_string_append_printf (text, "%s\n", _("No history yet: the server keeps the changes "
                                            "made since it started keeping history."));

  for (guint i = 0; i < entries->len; i++)
    {
      const CompaniesHistoryEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *at = cli_format_time_iso8601 (entry->at);
      g_autofree char *by = cli_sanitize (entry->by != NULL ? entry->by : _("unknown"));
      CompaniesField field;

      g_string_append_printf (text, "%s  v%" G_GINT64_FORMAT "  %s  ", at, entry->version, by);
      if (entry->field == NULL)
        g_string_append (text, _("deleted the company"));
      else
        {
          g_autofree char *value = cli_sanitize (entry->value != NULL ? entry->value : "");
          const char *label = companies_field_from_name (entry->field, &field)
                              ? companies_field_get_label (field) : entry->field;

          /* Translators: a field's label, then the value written */
          g_string_append_printf (text, _("%s: “%s”"), label, value);
        }
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

CliExitStatus
cli_command_history (CliContext   *cli,
                     char       ***args)
{
  static const CliCommandSpec history_command = {
    "history", N_("REF"),
    N_("Show a company's history on the server, newest first: each "
       "value a field had, its version, when and who wrote it (the "
       "label of the writer's token). REF is its server id or its uuid."),
    CLI_ARGUMENT_REF, CLI_NEEDS_SERVER | CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(CompaniesSyncConfig) config = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean json = FALSE;
  const GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL }
  };
  CliExitStatus status;

  status = cli_run_start (&run, cli, &history_command, options, args);
  if (status != CLI_EXIT_OK)
    return status;

  company = companies_local_store_lookup (run.store, run.ref, &error);
  if (company == NULL)
    return cli_report_store_error (run.ref, error);

  if (companies_company_get_id (company) <= 0)
    {
      cli_error (_("This company is not on the server yet: it has no history until a sync "
                   "sends it"));
      return CLI_EXIT_FAILED;
    }

  config = companies_sync_config_new (cli->database_path, cli->server_url, cli->token,
                                      cli->opt_ca_file);
  entries = companies_history_fetch (config, companies_company_get_id (company), NULL, &error);
  if (entries == NULL)
    return cli_report_sync_error (cli->server_url, error);

  text = json ? format_json (entries) : format_text (entries);
  return cli_write_stdout (text) ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}
