/* companies-cli-notices.c: `companies-cli conflicts`, `restore` and
 * `dismiss`: the notices a sync left (docs/notices.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "companies-cli.h"
#include "companies-local-store-notices.h"

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* One element of `conflicts --json`: the members of docs/notices.md. */
static void
add_notice_json (JsonBuilder           *builder,
                 const CompaniesNotice *notice)
{
  gboolean deleted = notice->kind == COMPANIES_NOTICE_DELETED;
  g_autofree char *at = cli_format_time_iso8601 (notice->received_time);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, notice->notice_id);
  add_string_or_null (builder, "kind", deleted ? "deleted" : "overwritten");
  add_string_or_null (builder, "uuid", notice->uuid);
  add_string_or_null (builder, "company", notice->company_name);
  add_string_or_null (builder, "field", deleted ? NULL : companies_field_get_name (notice->field));
  json_builder_set_member_name (builder, "lost");
  if (deleted)
    {
      json_builder_begin_object (builder);
      for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
        if ((notice->edited & COMPANIES_FIELD_BIT (i)) != 0)
          add_string_or_null (builder, companies_field_get_name (i), notice->lost_values[i]);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_string_value (builder, notice->lost);
  add_string_or_null (builder, "current", notice->current);
  /* Who wrote each: "you" (this client), the writer's token label, or
   * null when the server knew none (docs/notices.md) */
  add_string_or_null (builder, "lost_by", companies_notice_get_lost_by (notice));
  add_string_or_null (builder, "current_by", companies_notice_get_current_by (notice));
  add_string_or_null (builder, "at", at);
  json_builder_set_member_name (builder, "restorable");
  json_builder_add_boolean_value (builder, !notice->lost_cut && (deleted || notice->current != NULL));
  json_builder_end_object (builder);
}

static char *
format_json (GPtrArray *notices)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < notices->len; i++)
    add_notice_json (builder, g_ptr_array_index (notices, i));
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, NULL);
  return g_strconcat (data, "\n", NULL);
}

static char *
format_text (GPtrArray *notices,
             gint64     dropped)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *dropped_text = companies_notice_dup_dropped_text (dropped);

  if (notices->len == 0)
    g_string_append_printf (out, "%s\n", _("No notices."));

  for (guint i = 0; i < notices->len; i++)
    {
      const CompaniesNotice *notice = g_ptr_array_index (notices, i);
      g_autofree char *title = companies_notice_dup_title (notice);
      g_autofree char *details = companies_notice_dup_details (notice);
      g_autofree char *restore = companies_notice_dup_restore_text (notice);
      g_autofree char *title_shown = cli_sanitize (title);
      g_autofree char *details_shown = cli_sanitize (details);
      g_autofree char *restore_shown = cli_sanitize (restore);

      /* Translators: the notice's number, then what happened */
      g_string_append_printf (out, _("Notice %lld: %s\n"), (long long) notice->notice_id, title_shown);
      g_string_append_printf (out, "  %s\n  %s\n", details_shown, restore_shown);
    }

  if (notices->len > 0)
    g_string_append_printf (out, "%s\n",
                            _("“companies-cli restore ID” makes the lost value current again; "
                              "“companies-cli dismiss ID” forgets the notice."));
  if (dropped_text != NULL)
    g_string_append_printf (out, "%s\n", dropped_text);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

CliExitStatus
cli_command_conflicts (CliContext   *cli,
                       char       ***args)
{
  static const CliCommandSpec conflicts_command = {
    "conflicts", "",
    N_("List the notices that syncs left: values your changes replaced "
       "without having seen them, and companies deleted elsewhere while "
       "you edited them. Newest first."),
    CLI_ARGUMENT_NONE, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean json = FALSE;
  gint64 dropped = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of the notices"), NULL },
    { NULL }
  };
  CliExitStatus status;

  status = cli_run_start (&run, cli, &conflicts_command, entries, args);
  if (status != CLI_EXIT_OK)
    return status;

  notices = companies_local_store_list_notices (run.store, &error);
  if (notices == NULL ||
      !companies_local_store_get_notices_dropped (run.store, &dropped, &error))
    return cli_fail (error);

  text = json ? format_json (notices) : format_text (notices, dropped);
  return cli_write_stdout (text) ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

CliExitStatus
cli_command_restore (CliContext   *cli,
                     char       ***args)
{
  static const CliCommandSpec restore_command = {
    "restore", N_("NOTICE_ID"),
    N_("Make the lost value of a notice current again and print the company’s "
       "uuid: an overwritten value is written back; a company deleted elsewhere "
       "is created again as a new company with your edited values. The next "
       "sync sends it. The notice is then forgotten."),
    CLI_ARGUMENT_NOTICE_ID, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(CompaniesCompany) company = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  CliExitStatus status;

  status = cli_run_start (&run, cli, &restore_command, NULL, args);
  if (status != CLI_EXIT_OK)
    return status;

  company = companies_local_store_restore_notice (run.store, run.notice_id, &error);
  if (company == NULL)
    return cli_fail (error);

  line = g_strdup_printf ("%s\n", companies_company_get_uuid (company));
  return cli_write_stdout (line) ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

CliExitStatus
cli_command_dismiss (CliContext   *cli,
                     char       ***args)
{
  static const CliCommandSpec dismiss_command = {
    "dismiss", N_("NOTICE_ID"),
    N_("Forget a notice, leaving the companies as they are."),
    CLI_ARGUMENT_NOTICE_ID, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GError) error = NULL;
  CliExitStatus status;

  status = cli_run_start (&run, cli, &dismiss_command, NULL, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (!companies_local_store_dismiss_notice (run.store, run.notice_id, &error))
    return cli_fail (error);

  return CLI_EXIT_OK;
}
