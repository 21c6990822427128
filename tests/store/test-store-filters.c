/* test-store-filters.c: the pattern's three filters return exactly the pattern's
 * sets over a store holding every combination of the flags; the status
 * counts and the push batch agree with them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "store-test-util.h"

typedef enum
{
  FILTER_ADDED,
  FILTER_UPDATED,
  FILTER_DELETED,
} Filter;

/* The pattern's filters, written from its text, over the flags. */
static gboolean
seed_filter (Filter            filter,
             CompaniesCompany *company)
{
  gboolean from_server = companies_company_get_is_from_server (company);
  gboolean modified = companies_company_get_is_modified (company);
  gboolean active = companies_company_get_is_active (company);

  switch (filter)
    {
    case FILTER_ADDED:
      return !from_server && active;
    case FILTER_UPDATED:
      return modified && from_server && active;
    case FILTER_DELETED:
    default:
      return !active && from_server;
    }
}

static char *
expected_uuids (GPtrArray *all,
                Filter     filter)
{
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    if (seed_filter (filter, g_ptr_array_index (all, i)))
      g_ptr_array_add (matching, g_ptr_array_index (all, i));

  return test_uuids (matching);
}

static void
delete_ref (CompaniesLocalStore *store,
            const char          *ref)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_delete_for_sync (store, ref, &error));
  g_assert_no_error (error);
}

/* Names of the records of the mixed store, by their state. */
typedef struct
{
  char *added;              /* local addition */
  char *added_edited;       /* local addition, edited */
  char *added_rejected;     /* local addition the server refused */
  char *synced;             /* from the server, untouched */
  char *updated;            /* from the server, edited */
  char *updated_rejected;   /* from the server, edited, refused */
  char *deleted;            /* from the server, deleted */
  char *updated_deleted;    /* from the server, edited then deleted */
  char *undeleted;          /* from the server, deleted then undeleted */
} Mixed;

static void
mixed_clear (Mixed *mixed)
{
  g_free (mixed->added);
  g_free (mixed->added_edited);
  g_free (mixed->added_rejected);
  g_free (mixed->synced);
  g_free (mixed->updated);
  g_free (mixed->updated_rejected);
  g_free (mixed->deleted);
  g_free (mixed->updated_deleted);
  g_free (mixed->undeleted);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Mixed, mixed_clear)

static char *
uuid_of (CompaniesCompany *company)
{
  char *uuid = g_strdup (companies_company_get_uuid (company));

  g_object_unref (company);
  return uuid;
}

static void
build_mixed_store (CompaniesLocalStore *store,
                   Mixed               *mixed)
{
  g_autoptr(CompaniesSyncResponse) rejections = NULL;
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesCompany) gone = NULL;
  g_autoptr(CompaniesCompany) undeleted = NULL;
  g_autoptr(GError) error = NULL;

  /* First the two that the server refuses. */
  mixed->added_rejected = uuid_of (test_create (store, "Added rejected"));
  mixed->updated_rejected = uuid_of (test_server_record (store, 3, 3, "Updated rejected"));
  test_set_field (store, "3", COMPANIES_FIELD_PHONE, "+2");
  batch = test_build_batch (store, NULL);
  g_assert_cmpuint (batch->n_changes, ==, 2);
  rejections = test_response ("c2", FALSE, FALSE);
  test_add_rejected (rejections, mixed->added_rejected, 0, COMPANIES_REJECT_INVALID_FIELD,
                     "email", "email must contain one @");
  test_add_rejected (rejections, NULL, 3, COMPANIES_REJECT_INVALID_FIELD,
                     "phone", "phone is too long");
  test_apply (store, batch, rejections);

  mixed->added = uuid_of (test_create (store, "Added"));
  mixed->added_edited = uuid_of (test_create (store, "Added edited"));
  test_set_field (store, mixed->added_edited, COMPANIES_FIELD_CITY, "Porto");

  mixed->synced = uuid_of (test_server_record (store, 1, 1, "Synced"));
  mixed->updated = uuid_of (test_server_record (store, 2, 2, "Updated"));
  test_set_field (store, "2", COMPANIES_FIELD_PHONE, "+1");
  mixed->deleted = uuid_of (test_server_record (store, 4, 4, "Deleted"));
  delete_ref (store, "4");
  mixed->updated_deleted = uuid_of (test_server_record (store, 5, 5, "Updated deleted"));
  test_set_field (store, "5", COMPANIES_FIELD_NOTES, "closing down");
  delete_ref (store, "5");
  mixed->undeleted = uuid_of (test_server_record (store, 6, 6, "Undeleted"));
  delete_ref (store, "6");
  gone = companies_local_store_lookup (store, mixed->undeleted, &error);
  undeleted = companies_local_store_undelete_for_sync (store, gone, &error);
  g_assert_no_error (error);

  /* A local addition deleted at once: not in the store at all. */
  {
    g_autofree char *never = uuid_of (test_create (store, "Never synced"));

    delete_ref (store, never);
  }

  /* The rejections held: both still refused. */
  {
    g_autoptr(CompaniesCompany) a = companies_local_store_lookup (store, mixed->added_rejected, &error);
    g_autoptr(CompaniesCompany) u = companies_local_store_lookup (store, "3", &error);

    g_assert_cmpstr (companies_company_get_rejection_code (a), ==, COMPANIES_REJECT_INVALID_FIELD);
    g_assert_cmpstr (companies_company_get_rejection_field (u), ==, "phone");
    g_assert_cmpint (companies_company_get_sync_state (u), ==, COMPANIES_SYNC_STATE_REJECTED);
  }
}

static void
test_filters_match_seed (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_auto(Mixed) mixed = { NULL, };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) updated = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_added = NULL;
  g_autofree char *expected_updated = NULL;
  g_autofree char *expected_deleted = NULL;
  g_autofree char *got_added = NULL;
  g_autofree char *got_updated = NULL;
  g_autofree char *got_deleted = NULL;
  g_autofree char *literal_added = NULL;
  g_autofree char *literal_updated = NULL;
  g_autofree char *literal_deleted = NULL;

  build_mixed_store (fixture->store, &mixed);

  all = companies_local_store_list (fixture->store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 9);

  added = companies_local_store_list_added (fixture->store, &error);
  updated = companies_local_store_list_updated (fixture->store, &error);
  deleted = companies_local_store_list_deleted (fixture->store, &error);
  g_assert_no_error (error);

  /* Equal to the pattern's formulas over the flags... */
  expected_added = expected_uuids (all, FILTER_ADDED);
  expected_updated = expected_uuids (all, FILTER_UPDATED);
  expected_deleted = expected_uuids (all, FILTER_DELETED);
  got_added = test_uuids (added);
  got_updated = test_uuids (updated);
  got_deleted = test_uuids (deleted);
  g_assert_cmpstr (got_added, ==, expected_added);
  g_assert_cmpstr (got_updated, ==, expected_updated);
  g_assert_cmpstr (got_deleted, ==, expected_deleted);

  /* ...and to the sets the pattern's text names, record by record. */
  {
    GPtrArray *sets[3];
    char **literal[3] = { &literal_added, &literal_updated, &literal_deleted };
    const char *members[3][4] = {
      { mixed.added, mixed.added_edited, mixed.added_rejected, NULL },
      { mixed.updated, mixed.updated_rejected, NULL, NULL },
      { mixed.deleted, mixed.updated_deleted, NULL, NULL },
    };

    for (guint f = 0; f < 3; f++)
      {
        sets[f] = g_ptr_array_new_with_free_func (g_object_unref);
        for (guint i = 0; members[f][i] != NULL; i++)
          g_ptr_array_add (sets[f], companies_local_store_lookup (fixture->store, members[f][i], &error));
        g_assert_no_error (error);
        *literal[f] = test_uuids (sets[f]);
        g_ptr_array_unref (sets[f]);
      }
  }
  g_assert_cmpstr (got_added, ==, literal_added);
  g_assert_cmpstr (got_updated, ==, literal_updated);
  g_assert_cmpstr (got_deleted, ==, literal_deleted);
}

static void
test_status_counts (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_auto(Mixed) mixed = { NULL, };
  CompaniesStoreStatus status = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_cmpuint (status.active, ==, 0);
  g_assert_false (status.has_cursor);
  g_assert_cmpint (status.last_sync_time, ==, 0);

  build_mixed_store (fixture->store, &mixed);

  g_assert_true (companies_local_store_get_status (fixture->store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.pending_added, ==, 3);
  g_assert_cmpuint (status.pending_updated, ==, 2);
  g_assert_cmpuint (status.pending_deleted, ==, 2);
  g_assert_cmpuint (status.rejected, ==, 2);
  g_assert_cmpuint (status.active, ==, 7);
  g_assert_true (status.has_cursor);
  g_assert_cmpint (status.last_sync_time, >, 0);
}

static gboolean
batch_has (CompaniesPushBatch  *batch,
           const char          *uuid,
           CompaniesChangeKind  kind)
{
  CompaniesPushedRecord *pushed = g_hash_table_lookup (batch->pushed, uuid);

  return pushed != NULL && pushed->kind == kind;
}

static void
test_push_batch_skips_rejected (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_auto(Mixed) mixed = { NULL, };
  g_autoptr(CompaniesPushBatch) batch = NULL;
  g_autoptr(CompaniesPushBatch) after_edit = NULL;
  CompaniesChange *update = NULL;

  build_mixed_store (fixture->store, &mixed);

  batch = test_build_batch (fixture->store, NULL);
  g_assert_cmpuint (batch->n_changes, ==, 5);
  g_assert_cmpuint (batch->request->added->len, ==, 2);
  g_assert_cmpuint (batch->request->updated->len, ==, 1);
  g_assert_cmpuint (batch->request->deleted->len, ==, 2);
  g_assert_true (batch_has (batch, mixed.added, COMPANIES_CHANGE_ADD));
  g_assert_true (batch_has (batch, mixed.added_edited, COMPANIES_CHANGE_ADD));
  g_assert_true (batch_has (batch, mixed.updated, COMPANIES_CHANGE_UPDATE));
  g_assert_true (batch_has (batch, mixed.deleted, COMPANIES_CHANGE_DELETE));
  g_assert_true (batch_has (batch, mixed.updated_deleted, COMPANIES_CHANGE_DELETE));
  g_assert_false (g_hash_table_contains (batch->pushed, mixed.added_rejected));
  g_assert_false (g_hash_table_contains (batch->pushed, mixed.updated_rejected));
  g_assert_cmpstr (batch->request->cursor, ==, "c");
  g_assert_cmpstr (batch->request->client_id, ==, companies_local_store_get_client_id (fixture->store));

  /* The update sends only its changed field, from its base version. */
  update = ((CompaniesPushedRecord *) g_hash_table_lookup (batch->pushed, mixed.updated))->change;
  g_assert_cmpint (update->id, ==, 2);
  g_assert_cmpint (update->base_version, ==, 2);
  g_assert_cmpuint (update->field_mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE));
  g_assert_cmpstr (update->values[COMPANIES_FIELD_PHONE], ==, "+1");
  g_assert_null (update->values[COMPANIES_FIELD_NAME]);

  /* An edit clears the rejection: the record goes out again. */
  test_set_field (fixture->store, "3", COMPANIES_FIELD_PHONE, "+3");
  after_edit = test_build_batch (fixture->store, NULL);
  g_assert_true (batch_has (after_edit, mixed.updated_rejected, COMPANIES_CHANGE_UPDATE));
  g_assert_cmpuint (after_edit->n_changes, ==, 6);
}

static void
test_push_batch_bounds (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GHashTable) exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = 0;
  guint total = 0;

  for (guint i = 0; i < 2500; i++)
    {
      g_autofree char *name = g_strdup_printf ("Company %u", i);

      g_object_unref (test_create (fixture->store, name));
    }
  g_assert_true (companies_local_store_get_change_counter (fixture->store, &start, &error));

  /* Made after the sync began: not part of it. */
  g_object_unref (test_create (fixture->store, "Late"));

  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(CompaniesPushBatch) batch =
        companies_local_store_build_push_batch (fixture->store, start, 1000, exclude, &error);
      GHashTableIter iter;
      gpointer key;

      g_assert_no_error (error);
      g_assert_cmpuint (batch->n_changes, <=, 1000);
      if (batch->n_changes == 0)
        break;
      total += batch->n_changes;

      g_hash_table_iter_init (&iter, batch->pushed);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (exclude, companies_push_batch_key (COMPANIES_CHANGE_ADD, key));
    }

  g_assert_cmpuint (total, ==, 2500);
  g_assert_cmpuint (g_hash_table_size (exclude), ==, 2500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  store_test_add ("/store/filters/match-seed", test_filters_match_seed);
  store_test_add ("/store/filters/status-counts", test_status_counts);
  store_test_add ("/store/filters/push-batch-skips-rejected", test_push_batch_skips_rejected);
  store_test_add ("/store/filters/push-batch-bounds", test_push_batch_bounds);

  return g_test_run ();
}
