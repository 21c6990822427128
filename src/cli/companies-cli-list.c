/* companies-cli-list.c: `companies-cli list`, streamed: each company is
 * read from the database, printed and dropped, so memory stays flat
 * however many there are.
 *
 * The table's columns fit their widest cell, which needs every row before
 * the first is printed: a first pass measures and keeps only the widths,
 * a second prints. The JSON array needs no such pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "companies-cli.h"

/* Output is handed to stdio once this much has built up. */
#define WRITE_AT (64 * 1024)

typedef struct
{
  GString  *out;
  guint     widths[CLI_TABLE_N_COLUMNS];
  gboolean  measuring;
  guint64   count;
} ListState;

static gboolean
write_out (GString  *out,
           GError  **error)
{
  if (out->len > 0 && fwrite (out->str, 1, out->len, stdout) != out->len)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write the output: %s"), g_strerror (saved));
      return FALSE;
    }

  g_string_truncate (out, 0);
  return TRUE;
}

static gboolean
table_row_cb (CompaniesCompany  *company,
              gpointer           user_data,
              GError           **error)
{
  ListState *state = user_data;
  char *cells[CLI_TABLE_N_COLUMNS];

  cli_table_cells (company, cells);
  if (state->measuring)
    cli_table_measure (state->widths, (const char *const *) cells);
  else
    cli_table_append_row (state->out, (const char *const *) cells, state->widths);

  for (guint i = 0; i < CLI_TABLE_N_COLUMNS; i++)
    g_free (cells[i]);

  return state->out->len < WRITE_AT || write_out (state->out, error);
}

static gboolean
json_row_cb (CompaniesCompany  *company,
             gpointer           user_data,
             GError           **error)
{
  ListState *state = user_data;

  g_string_append (state->out, state->count == 0 ? "[\n" : ",\n");
  cli_append_company_json (state->out, company);
  state->count++;

  return state->out->len < WRITE_AT || write_out (state->out, error);
}

static gboolean
print_table (CompaniesLocalStore           *store,
             CompaniesLocalStoreEachFlags   flags,
             ListState                     *state,
             GError                       **error)
{
  const char *header[CLI_TABLE_N_COLUMNS];

  cli_table_header (header);
  cli_table_measure (state->widths, header);

  /* Two reads of the file: a company changed in between (by a sync)
   * may come out wider than its column, never lost. */
  state->measuring = TRUE;
  if (!companies_local_store_foreach (store, flags, table_row_cb, state, error))
    return FALSE;

  state->measuring = FALSE;
  cli_table_append_row (state->out, header, state->widths);
  return companies_local_store_foreach (store, flags, table_row_cb, state, error);
}

static gboolean
print_json (CompaniesLocalStore           *store,
            CompaniesLocalStoreEachFlags   flags,
            ListState                     *state,
            GError                       **error)
{
  if (!companies_local_store_foreach (store, flags, json_row_cb, state, error))
    return FALSE;

  g_string_append (state->out, state->count == 0 ? "[]\n" : "\n]\n");
  return TRUE;
}

CliExitStatus
cli_command_list (CliContext   *cli,
                  char       ***args)
{
  static const CliCommandSpec list_command = {
    "list", "",
    N_("List the companies, sorted by name. The first column is what update "
       "and delete take: the server id, or the uuid until the first sync."),
    CLI_ARGUMENT_NONE, CLI_NEEDS_STORE,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(GError) error = NULL;
  ListState state = { 0 };
  CompaniesLocalStoreEachFlags flags = COMPANIES_LOCAL_STORE_EACH_BY_NAME;
  gboolean json = FALSE;
  gboolean all = FALSE;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array with every field and the sync state"), NULL },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, N_("Also list companies deleted here and not yet synced"), NULL },
    { NULL }
  };
  CliExitStatus status;

  status = cli_run_start (&run, cli, &list_command, entries, args);
  if (status != CLI_EXIT_OK)
    return status;

  if (all)
    flags |= COMPANIES_LOCAL_STORE_EACH_INCLUDE_DELETED;

  state.out = g_string_sized_new (WRITE_AT + 16 * 1024);
  if (json)
    ok = print_json (run.store, flags, &state, &error);
  else
    ok = print_table (run.store, flags, &state, &error);
  ok = ok && write_out (state.out, &error);
  g_string_free (state.out, TRUE);

  return ok ? CLI_EXIT_OK : cli_fail (error);
}
