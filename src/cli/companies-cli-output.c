/* companies-cli-output.c: the tables and JSON that companies-cli prints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "companies-cli.h"

#define COLUMN_GAP "  "
#define ELLIPSIS "…"

gboolean
cli_write_stdout (const char *text)
{
  /* Bytes as they are: the data is UTF-8 whatever the locale says, and
   * scripts read it as such. */
  if (fputs (text, stdout) == EOF)
    {
      cli_error (_("Could not write the output: %s"), g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/* Valid UTF-8 with no control characters, which could break a table
 * apart or drive the terminal. */
char *
cli_sanitize (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static guint
unichar_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;

  return g_unichar_iswide (c) ? 2 : 1;
}

/* Terminal columns taken by @text: wide (East Asian) characters take
 * two, combining marks none, the rest one. */
guint
cli_display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += unichar_width (g_utf8_get_char (p));

  return width;
}

/* @text sanitized and cut to at most @max_width columns (0 = no limit),
 * ending in "…" when cut. */
static char *
make_cell (const char *text,
           guint       max_width)
{
  g_autofree char *clean = cli_sanitize (text);
  GString *out;
  guint width = 0;

  if (max_width == 0 || cli_display_width (clean) <= max_width)
    return g_steal_pointer (&clean);

  out = g_string_new (NULL);
  for (const char *p = clean; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint w = unichar_width (c);

      if (width + w > max_width - 1)
        break;
      g_string_append_unichar (out, c);
      width += w;
    }
  g_string_append (out, ELLIPSIS);

  return g_string_free (out, FALSE);
}

static const char *
sync_state_label (CompaniesSyncState state)
{
  switch (state)
    {
    case COMPANIES_SYNC_STATE_SYNCED:
      return C_("sync state", "synced");
    case COMPANIES_SYNC_STATE_PENDING_ADD:
      return C_("sync state", "new");
    case COMPANIES_SYNC_STATE_PENDING_CHANGE:
      return C_("sync state", "changed");
    case COMPANIES_SYNC_STATE_PENDING_DELETE:
      return C_("sync state", "deleted");
    case COMPANIES_SYNC_STATE_REJECTED:
      return C_("sync state", "rejected");
    default:
      return "?";
    }
}

/* Stable names for scripts. */
static const char *
sync_state_name (CompaniesSyncState state)
{
  switch (state)
    {
    case COMPANIES_SYNC_STATE_SYNCED:
      return "synced";
    case COMPANIES_SYNC_STATE_PENDING_ADD:
      return "pending_add";
    case COMPANIES_SYNC_STATE_PENDING_CHANGE:
      return "pending_change";
    case COMPANIES_SYNC_STATE_PENDING_DELETE:
      return "pending_delete";
    case COMPANIES_SYNC_STATE_REJECTED:
      return "rejected";
    default:
      return "unknown";
    }
}

/* The most columns a cell may take before it is cut (0 = no limit). */
static const guint column_max_width[CLI_TABLE_N_COLUMNS] = { 0, 32, 20, 20, 20, 32, 0 };

void
cli_table_header (const char **cells)
{
  cells[CLI_TABLE_REF] = _("ID");
  cells[CLI_TABLE_NAME] = _("NAME");
  cells[CLI_TABLE_CITY] = _("CITY");
  cells[CLI_TABLE_COUNTRY] = _("COUNTRY");
  cells[CLI_TABLE_PHONE] = _("PHONE");
  cells[CLI_TABLE_EMAIL] = _("E-MAIL");
  cells[CLI_TABLE_STATE] = _("STATE");
}

/* The reference is what update and delete take: the server id, or the
 * uuid while the server has given none. */
void
cli_table_cells (CompaniesCompany  *company,
                 char             **cells)
{
  static const CompaniesField fields[CLI_TABLE_N_COLUMNS] = {
    [CLI_TABLE_NAME] = COMPANIES_FIELD_NAME,
    [CLI_TABLE_CITY] = COMPANIES_FIELD_CITY,
    [CLI_TABLE_COUNTRY] = COMPANIES_FIELD_COUNTRY,
    [CLI_TABLE_PHONE] = COMPANIES_FIELD_PHONE,
    [CLI_TABLE_EMAIL] = COMPANIES_FIELD_EMAIL,
  };
  gint64 id = companies_company_get_id (company);

  cells[CLI_TABLE_REF] = id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, id)
                                : g_strdup (companies_company_get_uuid (company));
  for (guint column = CLI_TABLE_NAME; column <= CLI_TABLE_EMAIL; column++)
    cells[column] = make_cell (companies_company_get_field (company, fields[column]),
                               column_max_width[column]);
  cells[CLI_TABLE_STATE] = g_strdup (sync_state_label (companies_company_get_sync_state (company)));
}

void
cli_table_measure (guint             *widths,
                   const char *const *cells)
{
  for (guint column = 0; column < CLI_TABLE_N_COLUMNS; column++)
    widths[column] = MAX (widths[column], cli_display_width (cells[column]));
}

void
cli_table_append_row (GString           *out,
                      const char *const *cells,
                      const guint       *widths)
{
  gsize line_start = out->len;

  for (guint column = 0; column < CLI_TABLE_N_COLUMNS; column++)
    {
      guint width = cli_display_width (cells[column]);

      if (column > 0)
        g_string_append (out, COLUMN_GAP);
      g_string_append (out, cells[column]);
      for (guint i = width; i < widths[column]; i++)
        g_string_append_c (out, ' ');
    }

  /* No trailing blanks. */
  while (out->len > line_start && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');
}

static void
add_company_json (JsonBuilder      *builder,
                  CompaniesCompany *company)
{
  const char *code = companies_company_get_rejection_code (company);
  guint changed = companies_company_get_changed_fields (company);
  gint64 id = companies_company_get_id (company);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, companies_company_get_uuid (company));
  json_builder_set_member_name (builder, "id");
  if (id > 0)
    json_builder_add_int_value (builder, id);
  else
    json_builder_add_null_value (builder);

  for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
    {
      json_builder_set_member_name (builder, companies_field_get_name (field));
      json_builder_add_string_value (builder, companies_company_get_field (company, field));
    }

  json_builder_set_member_name (builder, "is_from_server");
  json_builder_add_boolean_value (builder, companies_company_get_is_from_server (company));
  json_builder_set_member_name (builder, "is_modified");
  json_builder_add_boolean_value (builder, companies_company_get_is_modified (company));
  json_builder_set_member_name (builder, "is_active");
  json_builder_add_boolean_value (builder, companies_company_get_is_active (company));
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, companies_company_get_version (company));

  json_builder_set_member_name (builder, "changed_fields");
  json_builder_begin_array (builder);
  for (guint field = 0; field < COMPANIES_N_FIELDS; field++)
    {
      if (changed & COMPANIES_FIELD_BIT (field))
        json_builder_add_string_value (builder, companies_field_get_name (field));
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "sync_state");
  json_builder_add_string_value (builder, sync_state_name (companies_company_get_sync_state (company)));

  json_builder_set_member_name (builder, "rejection");
  if (code != NULL)
    {
      const char *field = companies_company_get_rejection_field (company);
      const char *message = companies_company_get_rejection_message (company);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, code);
      json_builder_set_member_name (builder, "field");
      if (field != NULL && field[0] != '\0')
        json_builder_add_string_value (builder, field);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, message != NULL ? message : "");
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_end_object (builder);
}

static char *
builder_to_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *data = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, NULL);

  return g_strconcat (data, "\n", NULL);
}

void
cli_append_company_json (GString          *out,
                         CompaniesCompany *company)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  add_company_json (builder, company);
  text = builder_to_text (builder);

  /* Indented as one element of the list's array. */
  g_string_append (out, "  ");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n' && p[1] != '\0')
        g_string_append (out, "\n  ");
      else if (*p != '\n')
        g_string_append_c (out, *p);
    }
}

char *
cli_format_time_iso8601 (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  if (time == NULL)
    return NULL;

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

char *
cli_format_status_json (const CompaniesStoreStatus *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *last_sync = NULL;

  if (status->last_sync_time > 0)
    last_sync = cli_format_time_iso8601 (status->last_sync_time);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pending_added");
  json_builder_add_int_value (builder, status->pending_added);
  json_builder_set_member_name (builder, "pending_updated");
  json_builder_add_int_value (builder, status->pending_updated);
  json_builder_set_member_name (builder, "pending_deleted");
  json_builder_add_int_value (builder, status->pending_deleted);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, status->rejected);
  json_builder_set_member_name (builder, "active");
  json_builder_add_int_value (builder, status->active);
  json_builder_set_member_name (builder, "overwritten");
  json_builder_add_int_value (builder, status->overwritten);
  json_builder_set_member_name (builder, "last_sync");
  if (last_sync != NULL)
    json_builder_add_string_value (builder, last_sync);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return builder_to_text (builder);
}

char *
cli_format_rejection (CompaniesCompany *company)
{
  g_autofree char *name = make_cell (companies_company_get_name (company), 60);
  g_autofree char *reference = NULL;
  g_autofree char *reason = NULL;
  const char *message = companies_company_get_rejection_message (company);
  const char *field = companies_company_get_rejection_field (company);
  gint64 id = companies_company_get_id (company);

  if (id > 0)
    reference = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  else
    reference = g_strdup (companies_company_get_uuid (company));

  if (message == NULL || message[0] == '\0')
    message = companies_company_get_rejection_code (company);
  reason = cli_sanitize (message);

  if (field != NULL && field[0] != '\0')
    {
      g_autofree char *field_shown = cli_sanitize (field);

      /* Translators: company name, its id or uuid, the field, the server's reason */
      return g_strdup_printf (_("%s (%s), %s: %s"), name, reference, field_shown, reason);
    }

  /* Translators: company name, its id or uuid, the server's reason */
  return g_strdup_printf (_("%s (%s): %s"), name, reference, reason);
}

char *
cli_format_status (const char                 *database_path,
                   const CompaniesStoreStatus *status,
                   GPtrArray                  *rejected)
{
  g_autofree char *path = g_filename_display_name (database_path);
  g_autofree char *last_sync = NULL;
  g_autofree char *pending_added = g_strdup_printf ("%u", status->pending_added);
  g_autofree char *pending_updated = g_strdup_printf ("%u", status->pending_updated);
  g_autofree char *pending_deleted = g_strdup_printf ("%u", status->pending_deleted);
  g_autofree char *n_rejected = g_strdup_printf ("%u", status->rejected);
  g_autofree char *n_active = g_strdup_printf ("%u", status->active);
  g_autofree char *n_overwritten = g_strdup_printf ("%u", status->overwritten);
  struct { const char *label; const char *value; } lines[] = {
    { _("Database:"), path },
    { _("Companies:"), n_active },
    { _("Pending additions:"), pending_added },
    { _("Pending changes:"), pending_updated },
    { _("Pending deletions:"), pending_deleted },
    { _("Rejected by the server:"), n_rejected },
    { _("Values overwritten:"), n_overwritten },
    { _("Last sync:"), NULL },
  };
  GString *out = g_string_new (NULL);
  guint label_width = 0;

  if (status->last_sync_time > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (status->last_sync_time);

      if (time != NULL)
        last_sync = g_date_time_format (time, "%Y-%m-%d %H:%M:%S %Z");
    }
  lines[G_N_ELEMENTS (lines) - 1].value = last_sync != NULL ? last_sync : C_("last sync", "never");

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    label_width = MAX (label_width, cli_display_width (lines[i].label));

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_string_append (out, lines[i].label);
      for (guint w = cli_display_width (lines[i].label); w <= label_width; w++)
        g_string_append_c (out, ' ');
      g_string_append (out, lines[i].value);
      g_string_append_c (out, '\n');
    }

  if (rejected != NULL && rejected->len > 0)
    {
      g_string_append_c (out, '\n');
      g_string_append (out, _("Refused by the server (edit them to send them again):"));
      g_string_append_c (out, '\n');
      for (guint i = 0; i < rejected->len; i++)
        {
          g_autofree char *line = cli_format_rejection (g_ptr_array_index (rejected, i));

          g_string_append_printf (out, "  %s\n", line);
        }
    }

  return g_string_free (out, FALSE);
}
