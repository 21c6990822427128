/* test-store-sent-spans.c: a batch's first sends marked sent by one span
 * of local_seq (companies-sent-spans.h in src/store). Each row must read
 * as the row-by-row mark left it: sent while its batch is out, its own
 * mark once it changes, unsent again when the batch never reached the
 * server, and never sent when it only came back into the span.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "companies-push-batch.h"
#include "store-test-util.h"

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = test_raw_open (path);
  gint64 value = test_raw_int (db, sql);

  sqlite3_close (db);
  return value;
}

static gint64
spans (const char *path)
{
  return raw_int (path, "SELECT count(*) FROM sent_spans");
}

/* The add_sent column alone, without the spans. */
static gint64
column_add_sent (const char       *path,
                 CompaniesCompany *company)
{
  g_autofree char *sql = g_strdup_printf ("SELECT add_sent FROM companies WHERE uuid = '%s'",
                                          companies_company_get_uuid (company));

  return raw_int (path, sql);
}

static gint64
sent (const char       *path,
      CompaniesCompany *company)
{
  return test_add_sent (path, companies_company_get_uuid (company));
}

static gboolean
first_send (CompaniesPushBatch *batch,
            CompaniesCompany   *company)
{
  const CompaniesPushedRecord *pushed = g_hash_table_lookup (batch->pushed,
                                                             companies_company_get_uuid (company));

  g_assert_nonnull (pushed);
  return pushed->first_send;
}

/* Three additions: one span marks them, no row is written; the answer
 * adopts them and the span goes. */
static void
test_span_marks_batch (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = test_create (fixture->store, "B");
  g_autoptr(CompaniesCompany) c = test_create (fixture->store, "C");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesSyncResponse) response = test_response ("c3", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;

  g_assert_cmpint (batch->sent_span_id, >, 0);
  g_assert_cmpint (spans (fixture->path), ==, 1);
  g_assert_true (first_send (batch, b));
  g_assert_cmpint (column_add_sent (fixture->path, b), ==, 0);
  g_assert_cmpint (sent (fixture->path, a), ==, 1);
  g_assert_cmpint (sent (fixture->path, b), ==, 1);
  g_assert_cmpint (sent (fixture->path, c), ==, 1);

  test_add_company (response, 1, companies_company_get_uuid (a), 1, "A");
  test_add_company (response, 2, companies_company_get_uuid (b), 2, "B");
  test_add_company (response, 3, companies_company_get_uuid (c), 3, "C");
  test_apply (fixture->store, batch, response);

  g_assert_cmpint (spans (fixture->path), ==, 0);
  after = test_lookup (fixture->store, companies_company_get_uuid (b));
  g_assert_true (companies_company_get_is_from_server (after));
  g_assert_cmpint (sent (fixture->path, b), ==, 0);
}

/* An answer that leaves one addition unanswered: its mark stays, in its
 * row, and its next send is not a first one. */
static void
test_span_settled_by_answer (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = test_create (fixture->store, "B");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesSyncResponse) response = test_response ("c1", FALSE, FALSE);
  g_autoptr(CompaniesPushBatch) next = NULL;

  test_add_company (response, 1, companies_company_get_uuid (a), 1, "A");
  test_apply (fixture->store, batch, response);

  g_assert_cmpint (spans (fixture->path), ==, 0);
  g_assert_cmpint (column_add_sent (fixture->path, b), ==, 1);
  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 1);
  g_assert_false (first_send (next, b));
  g_assert_cmpint (next->sent_span_id, ==, 0);
}

/* Edited and deleted while the batch is out: each row takes the mark
 * into its column (the edit as changed since the send, the delete kept
 * until the server's id is known). The batch then proves never sent: the
 * span goes, the edited row is unsent again, the deleted one goes. */
static void
test_span_changes_in_flight (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(CompaniesCompany) kept = test_create (fixture->store, "Kept");
  g_autoptr(CompaniesCompany) edited = test_create (fixture->store, "Edited");
  g_autoptr(CompaniesCompany) deleted = test_create (fixture->store, "Deleted");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (spans (fixture->path), ==, 1);
  test_set_field (fixture->store, companies_company_get_uuid (edited), COMPANIES_FIELD_CITY, "Braga");
  g_assert_true (companies_local_store_delete_for_sync (fixture->store,
                                                        companies_company_get_uuid (deleted),
                                                        &error));
  g_assert_no_error (error);

  g_assert_cmpint (column_add_sent (fixture->path, edited), ==, 1);
  g_assert_cmpuint (test_sent_changed (fixture->path, companies_company_get_uuid (edited)), ==,
                    COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));
  g_assert_cmpint (column_add_sent (fixture->path, deleted), ==, 1);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM companies WHERE is_active = 0"), ==, 1);

  g_assert_true (companies_local_store_unmark_adds_sent (fixture->store, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (spans (fixture->path), ==, 0);
  g_assert_cmpint (sent (fixture->path, kept), ==, 0);
  g_assert_cmpint (sent (fixture->path, edited), ==, 0);
  test_assert_gone (fixture->store, companies_company_get_uuid (deleted));

  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 2);
  g_assert_true (first_send (next, kept));
  g_assert_true (first_send (next, edited));
}

/* A batch whose answer was lost leaves its span; the marks hold for every
 * reader (a retry sends the additions again, not for the first time; a
 * delete keeps the row), and the end of the sync run writes them into
 * the rows. */
static void
test_span_left_by_lost_answer (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = test_create (fixture->store, "B");
  g_autoptr(CompaniesPushBatch) batch = test_build_batch (fixture->store, NULL);
  g_autoptr(CompaniesPushBatch) retry = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&batch, companies_push_batch_free);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (spans (fixture->path), ==, 1);
  retry = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (retry->request->added->len, ==, 2);
  g_assert_false (first_send (retry, a));
  g_assert_cmpint (retry->sent_span_id, ==, 0);
  g_clear_pointer (&retry, companies_push_batch_free);

  g_assert_true (companies_local_store_delete_for_sync (fixture->store, companies_company_get_uuid (b),
                                                        &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM companies WHERE is_active = 0"), ==, 1);

  g_assert_true (companies_local_store_end_sync (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (spans (fixture->path), ==, 0);
  g_assert_cmpint (column_add_sent (fixture->path, a), ==, 1);
  g_assert_cmpint (column_add_sent (fixture->path, b), ==, 1);

  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 2);
  g_assert_false (first_send (next, a));
  g_assert_false (first_send (next, b));
}

/* A server record edited between two additions holds a local_seq inside
 * their batch's span. The server forgot it (not_found): it becomes an
 * addition again with that local_seq, never sent, and the span must not
 * mark it. */
static void
test_span_not_for_reentry (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(CompaniesCompany) server = test_server_record (fixture->store, 7, 1, "Server");
  g_autoptr(CompaniesCompany) a = test_create (fixture->store, "A");
  g_autoptr(CompaniesCompany) b = NULL;
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesPushBatch) next = NULL;
  g_autoptr(CompaniesSyncResponse) response = test_response ("c2", FALSE, FALSE);
  g_autoptr(CompaniesCompany) after = NULL;

  test_set_field (fixture->store, "7", COMPANIES_FIELD_CITY, "Porto");
  b = test_create (fixture->store, "B");
  batch = test_build_batch (fixture->store, NULL);
  g_assert_cmpint (batch->sent_span_id, >, 0);

  test_add_company (response, 20, companies_company_get_uuid (a), 2, "A");
  test_add_company (response, 21, companies_company_get_uuid (b), 3, "B");
  test_add_rejected (response, NULL, 7, COMPANIES_REJECT_NOT_FOUND, NULL, "Gone");
  test_apply (fixture->store, batch, response);

  after = test_lookup (fixture->store, companies_company_get_uuid (server));
  g_assert_false (companies_company_get_is_from_server (after));
  g_assert_cmpint (sent (fixture->path, server), ==, 0);
  g_assert_cmpint (spans (fixture->path), ==, 0);

  next = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (next->request->added->len, ==, 1);
  g_assert_true (first_send (next, server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/sent-spans/mark-batch", test_span_marks_batch);
  store_test_add ("/store/sent-spans/settled-by-answer", test_span_settled_by_answer);
  store_test_add ("/store/sent-spans/changes-in-flight", test_span_changes_in_flight);
  store_test_add ("/store/sent-spans/left-by-lost-answer", test_span_left_by_lost_answer);
  store_test_add ("/store/sent-spans/not-for-reentry", test_span_not_for_reentry);

  return g_test_run ();
}
