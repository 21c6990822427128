/* companies-test-watcher.h: a `companies-cli watch --json` process for a
 * test ($COMPANIES_CLI), in an environment of the test's own (no user
 * database, keyring or settings), and the lines it prints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _CompaniesTestWatcher CompaniesTestWatcher;

/* A launcher for $COMPANIES_CLI in an environment of its own: HOME and
 * the XDG folders in @tmpdir, no session bus, no COMPANIES_* variable
 * but a server address where nothing listens; dies with the caller. */
GSubprocessLauncher  *companies_test_cli_launcher_new (const char       *tmpdir,
                                                       GSubprocessFlags  flags);

/* Starts the watcher on @database_path against @server_url; @tmpdir
 * holds its HOME and XDG folders and its stderr ("watcher.err"). Extra
 * arguments (@extra_args, NULL-terminated, may be NULL) go after
 * "watch --json". */
CompaniesTestWatcher *companies_test_watcher_start (const char            *database_path,
                                                    const char            *server_url,
                                                    const char            *tmpdir,
                                                    const char * const    *extra_args);
/* The next line it printed, parsed (asserts that it is a JSON object),
 * or NULL when none came within @timeout_ms (or it exited). */
JsonObject           *companies_test_watcher_next  (CompaniesTestWatcher  *self,
                                                    guint                  timeout_ms);
/* Sends @signum and waits for the exit (at most 20 s, then kills and
 * fails): returns the exit status. */
int                   companies_test_watcher_stop  (CompaniesTestWatcher  *self,
                                                    int                    signum);
/* What it wrote to stderr so far. */
char                 *companies_test_watcher_get_stderr (CompaniesTestWatcher *self);
/* Kills it if it still runs, and frees. */
void                  companies_test_watcher_free  (CompaniesTestWatcher  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestWatcher, companies_test_watcher_free)

G_END_DECLS
