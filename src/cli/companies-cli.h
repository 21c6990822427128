/* companies-cli.h: what the parts of companies-cli share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-company.h"
#include "companies-fields.h"
#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "companies-sync-result.h"

G_BEGIN_DECLS

#define CLI_NAME "companies-cli"

/* The exit status of companies-cli, documented in its --help. */
typedef enum
{
  CLI_EXIT_OK           = 0,
  CLI_EXIT_FAILED       = 1, /* data refused, unknown REF, local database error */
  CLI_EXIT_USAGE        = 2, /* unknown command or option, missing argument */
  CLI_EXIT_NETWORK      = 3, /* sync: the server could not be reached */
  CLI_EXIT_UNAUTHORIZED = 4, /* sync: the server refused the token */
  CLI_EXIT_SERVER       = 5, /* sync: the server failed */
  CLI_EXIT_PROTOCOL     = 6, /* sync: the server's answer was not understood */
  CLI_EXIT_STORAGE      = 7, /* sync: the local database failed */
  CLI_EXIT_READ_ONLY    = 8, /* sync: the access token is read-only */
} CliExitStatus;

/* The global options as given, then resolved against the environment. */
typedef struct
{
  /* as given on the command line (NULL = not given) */
  char *opt_database;
  char *opt_server;
  char *opt_token;
  char *opt_token_file;
  char *opt_ca_file;

  /* resolved by cli_context_resolve () */
  char *database_path;
  char *server_url;
  char *token;          /* NULL = none; never printed */
} CliContext;

/* companies-cli-context.c */
void           cli_context_clear           (CliContext          *cli);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliContext, cli_context_clear)
GOptionGroup  *cli_context_make_group      (CliContext          *cli);
CliExitStatus  cli_context_resolve         (CliContext          *cli,
                                            gboolean             need_server);

/* Parses a command's options and collects its positional arguments.
 * Returns CLI_EXIT_OK to go on, anything else to stop with that status. */
CliExitStatus  cli_parse_command           (CliContext          *cli,
                                            const char          *command,
                                            const char          *parameter_string,
                                            const char          *summary,
                                            const GOptionEntry  *entries,
                                            char              ***inout_args,
                                            GPtrArray          **out_positional);

/* An argument as UTF-8: taken as is when it is valid UTF-8, else
 * converted from the locale's character set when that is not UTF-8. */
char          *cli_arg_to_utf8             (const char          *arg,
                                            GError             **error);

/* companies-cli-run.c: what a command takes before its own work. */
typedef enum
{
  CLI_ARGUMENT_NONE,        /* no argument */
  CLI_ARGUMENT_REF,         /* one: a company's server id or uuid */
  CLI_ARGUMENT_FILE,        /* one: a file name */
  CLI_ARGUMENT_NOTICE_ID,   /* one: a notice's number */
} CliArgument;

typedef enum
{
  CLI_NEEDS_STORE  = 1 << 0, /* the database, opened and checked */
  CLI_NEEDS_SERVER = 1 << 1, /* the server's address and the token */
} CliNeeds;

/* A command as its --help shows it, and what it needs. */
typedef struct
{
  const char  *name;
  const char  *parameter_string; /* N_() */
  const char  *summary;          /* N_() */
  CliArgument  argument;
  CliNeeds     needs;
} CliCommandSpec;

/* A command under way: its argument and its store, once taken. */
typedef struct
{
  CliContext          *cli;
  char                *ref;        /* CLI_ARGUMENT_REF, as UTF-8 */
  GFile               *file;       /* CLI_ARGUMENT_FILE */
  gint64               notice_id;  /* CLI_ARGUMENT_NOTICE_ID */
  CompaniesLocalStore *store;      /* CLI_NEEDS_STORE, or cli_run_open_store () */
} CliRun;

void           cli_run_clear               (CliRun              *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)
/* Parses the command's options (@entries, may be NULL), resolves the
 * global ones, takes its argument and opens what it needs. Returns
 * CLI_EXIT_OK to go on, anything else (after saying why) to stop with. */
CliExitStatus  cli_run_start               (CliRun              *run,
                                            CliContext          *cli,
                                            const CliCommandSpec *spec,
                                            const GOptionEntry  *entries,
                                            char              ***args);
/* Opens the database, checked, into @run->store; for a command that
 * checks its input first. */
CliExitStatus  cli_run_open_store          (CliRun              *run);
/* A sync client for the resolved database, server, token and CA file. */
CompaniesSyncClient *cli_run_new_sync_client (CliRun            *run);
/* Prints @error's message: CLI_EXIT_FAILED. */
CliExitStatus  cli_fail                    (const GError        *error);
/* Prints a store error (an unknown @ref named as such): CLI_EXIT_FAILED. */
CliExitStatus  cli_report_store_error      (const char          *ref,
                                            const GError        *error);

/* companies-cli-error.c */
void           cli_error                   (const char          *format,
                                            ...) G_GNUC_PRINTF (1, 2);
void           cli_usage_error             (const char          *command,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (2, 3);

/* companies-cli-commands.c: each takes the arguments after the command
 * name (args[0] is the command) and returns the exit status. */
CliExitStatus  cli_command_add             (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_update          (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_delete          (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_sync            (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_status          (CliContext          *cli,
                                            char              ***args);
/* Prints a sync's error (naming the server when the message does not);
 * the report also returns the exit status it means. */
void           cli_print_sync_error        (const char          *url,
                                            GError              *error);
CliExitStatus  cli_report_sync_error       (const char          *url,
                                            GError              *error);
/* "Sent 3 changes, received 5 records\n" */
char          *cli_format_sync_summary     (const CompaniesSyncResult *result);
/* companies-cli-watch.c */
CliExitStatus  cli_command_watch           (CliContext          *cli,
                                            char              ***args);
/* companies-cli-list.c */
CliExitStatus  cli_command_list            (CliContext          *cli,
                                            char              ***args);
/* companies-cli-csv.c */
CliExitStatus  cli_command_import          (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_export          (CliContext          *cli,
                                            char              ***args);
/* companies-cli-history.c */
CliExitStatus  cli_command_history         (CliContext          *cli,
                                            char              ***args);
/* companies-cli-notices.c */
CliExitStatus  cli_command_conflicts       (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_restore         (CliContext          *cli,
                                            char              ***args);
CliExitStatus  cli_command_dismiss         (CliContext          *cli,
                                            char              ***args);

/* companies-cli-output.c */
char          *cli_sanitize                (const char          *text);
guint          cli_display_width           (const char          *text);
/* The table of `list`, built a row at a time. */
enum
{
  CLI_TABLE_REF,
  CLI_TABLE_NAME,
  CLI_TABLE_CITY,
  CLI_TABLE_COUNTRY,
  CLI_TABLE_PHONE,
  CLI_TABLE_EMAIL,
  CLI_TABLE_STATE,
  CLI_TABLE_N_COLUMNS
};
void           cli_table_header            (const char         **cells);
/* Fills @cells (CLI_TABLE_N_COLUMNS strings to free) for @company. */
void           cli_table_cells             (CompaniesCompany    *company,
                                            char               **cells);
/* Widens @widths to fit @cells. */
void           cli_table_measure           (guint               *widths,
                                            const char *const   *cells);
void           cli_table_append_row        (GString             *out,
                                            const char *const   *cells,
                                            const guint         *widths);
/* One company as an element of `list --json`'s array: indented, no
 * separator and no line end after it. */
void           cli_append_company_json     (GString             *out,
                                            CompaniesCompany    *company);
char          *cli_format_status           (const char          *database_path,
                                            const CompaniesStoreStatus *status,
                                            GPtrArray           *rejected);
char          *cli_format_status_json      (const CompaniesStoreStatus *status);
char          *cli_format_rejection        (CompaniesCompany    *company);
char          *cli_format_time_iso8601     (gint64               unix_time);
/* Writes UTF-8 text to stdout as is; FALSE (with a message) on failure. */
gboolean       cli_write_stdout            (const char          *text);

G_END_DECLS
