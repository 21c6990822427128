/* faults-util.h: what the client fault tests share: running companies-cli
 * as a real process with a deadline, and checking a database file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "e2e-helpers.h"

G_BEGIN_DECLS

/* How one run of companies-cli ended, and what it printed. */
typedef struct
{
  gboolean  exited;       /* exited normally: see status */
  int       status;       /* its exit status */
  gboolean  signaled;     /* killed by a signal: see term_sig */
  int       term_sig;
  char     *out;          /* stdout */
  char     *err;          /* stderr */
} FaultsCliRun;

void          faults_cli_run_free      (FaultsCliRun        *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultsCliRun, faults_cli_run_free)

/* Runs $COMPANIES_CLI with @args (NULL-terminated, without the program),
 * @env (NULL-terminated "NAME=VALUE" strings set on top of ours; "NAME="
 * with nothing after unsets NAME) and waits at most @timeout_ms; a run
 * that takes longer is killed and fails the test. */
FaultsCliRun *faults_cli_run           (const char * const  *args,
                                        const char * const  *env,
                                        guint                timeout_ms);

/* Like faults_cli_run (), but asserts an exit status of 0. */
FaultsCliRun *faults_cli_run_ok        (const char * const  *args,
                                        const char * const  *env);

/* Starts companies-cli and returns at once, for runs alongside others. */
GSubprocess  *faults_cli_spawn         (const char * const  *args,
                                        const char * const  *env);
/* Waits (bounded) for a spawned run to end; fails the test on timeout. */
FaultsCliRun *faults_cli_wait          (GSubprocess         *process,
                                        guint                timeout_ms);

/* PRAGMA integrity_check of the file, through a connection of its own,
 * is "ok". */
void          faults_assert_integrity  (const char          *database_path);

/* The number of rows of the companies table (any state), read through a
 * connection of its own. */
guint         faults_count_rows        (const char          *database_path);

/* The cursor, the status counts and every row (uuid, id, version, flags,
 * changed set, rejection, fields) one a line, by uuid: a picture of a
 * store to compare before and after a failure. */
char         *faults_store_picture     (CompaniesLocalStore *store);

G_END_DECLS
