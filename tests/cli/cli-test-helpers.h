/* cli-test-helpers.h: runs the built companies-cli ($COMPANIES_CLI) in a
 * clean environment and reads what it prints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *tmpdir;     /* removed at teardown */
  char *db;         /* tmpdir/client.db */
  char *xdg;        /* XDG_DATA_HOME of every run: never the user's own */
} CliFixture;

void        cli_fixture_setup    (CliFixture          *f,
                                  gconstpointer        data);
void        cli_fixture_teardown (CliFixture          *f,
                                  gconstpointer        data);

typedef struct
{
  int   status;     /* exit status */
  char *out;        /* stdout, NUL-terminated */
  char *err;        /* stderr, NUL-terminated */
} CliRun;

void        cli_run_clear        (CliRun              *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

/* Runs companies-cli @argv (without the program) with the COMPANIES_*
 * variables unset, XDG_DATA_HOME, XDG_CONFIG_HOME (tmpdir/config) and
 * HOME inside the fixture, a session bus address where none listens,
 * LC_ALL=C.UTF-8, then @env ("NAME=VALUE" strings, NULL-terminated or
 * NULL) on top. Kills it and fails after 30 s. Returns the exit status. */
int         cli_runv             (CliFixture          *f,
                                  const char * const  *env,
                                  const char * const  *argv,
                                  CliRun              *out);
/* companies-cli ARGS… NULL, in the fixture's environment. */
int         cli_run              (CliFixture          *f,
                                  CliRun              *out,
                                  ...) G_GNUC_NULL_TERMINATED;
/* companies-cli --database f->db ARGS… NULL; asserts exit status 0 and
 * returns stdout. */
char       *cli_ok               (CliFixture          *f,
                                  ...) G_GNUC_NULL_TERMINATED;

/* Parses @text as JSON; asserts it parses. */
JsonNode   *cli_parse_json       (const char          *text);
/* `list --json` (with --all when @all) of @db, parsed. */
JsonNode   *cli_list_json        (CliFixture          *f,
                                  const char          *db,
                                  gboolean             all);
/* `status --json` of @db, parsed. */
JsonNode   *cli_status_json      (CliFixture          *f,
                                  const char          *db);
/* The object with this uuid in a list array, or NULL. */
JsonObject *cli_find_uuid        (JsonNode            *list,
                                  const char          *uuid);
/* The object with this name in a list array, or NULL. */
JsonObject *cli_find_name        (JsonNode            *list,
                                  const char          *name);

/* Everything observable about @db: `list --json --all`, `status --json`
 * and checksums of the file (and its WAL if any). */
char       *cli_fingerprint      (CliFixture          *f,
                                  const char          *db);

/* The same without the file's bytes: every table's rows instead. For a
 * run that may write and take back (a sync that built a batch and never
 * sent it): SQLite leaves a deleted row's bytes in the page's free
 * space. */
char       *cli_content_fingerprint (CliFixture          *f,
                                     const char          *db);

/* Asserts @text is one uuid and a newline; returns the uuid. */
char       *cli_assert_uuid_line (const char          *text);

/* Terminal columns of @text, as a person sees them. */
guint       cli_test_width       (const char          *text);

G_END_DECLS
