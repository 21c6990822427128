/* server-test-merge.h: the merge rules called in-process on a real store
 * (a TestStoreFixture's: SQLite, or PostgreSQL in the suite server-pg),
 * each sync in a transaction of its own, as the worker runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "server-test-util.h"

G_BEGIN_DECLS

/* Any fixed time: the rules only compare times with each other. */
#define SERVER_TEST_MERGE_NOW ((gint64) 1700000000)

/* A test on a fresh store of its own. */
#define SERVER_TEST_MERGE_ADD(path, func) \
  g_test_add (path, TestStoreFixture, NULL, test_store_fixture_set_up, func, \
              test_store_fixture_tear_down)

/* Applies @request at @now (SERVER_TEST_MERGE_NOW) and commits; asserts
 * success. */
CompaniesSyncResponse     *server_test_merge_apply_at    (TestStoreFixture           *fixture,
                                                          const CompaniesSyncRequest *request,
                                                          gint64                      now);
CompaniesSyncResponse     *server_test_merge_apply       (TestStoreFixture           *fixture,
                                                          const CompaniesSyncRequest *request);
/* The record as stored, with its per-field versions. */
CompaniesServerRecord     *server_test_merge_lookup      (TestStoreFixture           *fixture,
                                                          gint64                      id);
CompaniesServerStoreState  server_test_merge_state       (TestStoreFixture           *fixture);
/* Adds one company named @name in @city and returns its id; *out_version
 * (may be NULL) is its version. */
gint64                     server_test_merge_add_company (TestStoreFixture           *fixture,
                                                          const char                 *uuid,
                                                          const char                 *name,
                                                          const char                 *city,
                                                          gint64                     *out_version);
/* A sync without changes from a cursor of this database at @version. */
CompaniesSyncResponse     *server_test_merge_pull_after  (TestStoreFixture           *fixture,
                                                          gint64                      version);

G_END_DECLS
