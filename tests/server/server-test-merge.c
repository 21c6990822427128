/* server-test-merge.c: the merge rules called in-process, for
 * test-server-merge*.c (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include "companies-server-cursor.h"
#include "companies-server-sync.h"
#include "server-test-merge.h"

CompaniesSyncResponse *
server_test_merge_apply_at (TestStoreFixture           *fixture,
                            const CompaniesSyncRequest *request,
                            gint64                      now)
{
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CompaniesServerCursor cursor;
  gboolean has_cursor = FALSE;

  g_assert_true (companies_server_sync_read_cursor (request, &cursor, &has_cursor,
                                                    &path, &error));
  g_assert_no_error (error);

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  response = companies_server_sync_apply (fixture->store, request,
                                          has_cursor ? &cursor : NULL, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_true (companies_server_store_commit (fixture->store, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&response);
}

CompaniesSyncResponse *
server_test_merge_apply (TestStoreFixture           *fixture,
                         const CompaniesSyncRequest *request)
{
  return server_test_merge_apply_at (fixture, request, SERVER_TEST_MERGE_NOW);
}

CompaniesServerRecord *
server_test_merge_lookup (TestStoreFixture *fixture,
                          gint64            id)
{
  g_autoptr(GError) error = NULL;
  CompaniesServerRecord *record = NULL;

  g_assert_true (companies_server_store_begin (fixture->store, &error));
  g_assert_true (companies_server_store_lookup_by_id (fixture->store, id, &record, &error));
  g_assert_no_error (error);
  g_assert_true (companies_server_store_commit (fixture->store, &error));

  return record;
}

CompaniesServerStoreState
server_test_merge_state (TestStoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  CompaniesServerStoreState state = { 0, };

  g_assert_true (companies_server_store_get_state (fixture->store, &state, &error));
  g_assert_no_error (error);

  return state;
}

gint64
server_test_merge_add_company (TestStoreFixture *fixture,
                               const char       *uuid,
                               const char       *name,
                               const char       *city,
                               gint64           *out_version)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change;
  CompaniesRecord *company;

  /* Without a cursor: the answer holds every company, this one too. */
  change = test_request_add (request, uuid, "name", name, "city", city, NULL);
  response = server_test_merge_apply (fixture, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  company = test_find_company_by_uuid (response->companies, change->uuid);
  g_assert_nonnull (company);
  if (out_version != NULL)
    *out_version = company->version;
  return company->id;
}

CompaniesSyncResponse *
server_test_merge_pull_after (TestStoreFixture *fixture,
                              gint64            version)
{
  const char *database_uuid = companies_server_store_get_database_uuid (fixture->store);
  g_autofree char *cursor = companies_server_cursor_format (database_uuid, version, FALSE);
  g_autoptr(CompaniesSyncRequest) request = test_request_new (cursor);

  return server_test_merge_apply (fixture, request);
}
