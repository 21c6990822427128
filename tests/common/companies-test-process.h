/* companies-test-process.h: waiting, with a deadline, for a program a test
 * runs to its end (companies-server asked to exit, companies-cli), and
 * children that die with the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GSpawnChildSetupFunc: the kernel ends the child when the test process
 * dies, so a test that aborts leaves no program behind. */
void      companies_test_die_with_parent     (gpointer      user_data);

/* Feeds @stdin_bytes (NULL: no input) to @process and collects what it
 * prints until it exits, iterating a private main context. Returns FALSE
 * when it still ran after @timeout_ms: it is then killed, and what it
 * printed until then is returned all the same, for the failure message. */
gboolean  companies_test_process_communicate (GSubprocess  *process,
                                              GBytes       *stdin_bytes,
                                              guint         timeout_ms,
                                              GBytes      **out_stdout,
                                              GBytes      **out_stderr);
/* The bytes as a string, "" for NULL. */
char     *companies_test_bytes_dup_string    (GBytes       *bytes);

G_END_DECLS
