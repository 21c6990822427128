/* test-server-sync.c: the rules of POST /v1/companies/sync (docs/protocol.md
 * section 3) against a real companies-server: new ids, idempotent adds,
 * per-field merge, last write wins, overwritten, deletes win, rejections.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-util.h"

static TestServer *server;

/* Adds one company and returns it as the server answered. */
static CompaniesRecord *
add_company (const char *uuid,
             const char *name,
             const char *city,
             const char *phone)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *change;
  guint index = 0;

  change = test_request_add (request, uuid, "name", name, NULL);
  if (city != NULL)
    {
      change->field_mask |= COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY);
      change->values[COMPANIES_FIELD_CITY] = g_strdup (city);
    }
  if (phone != NULL)
    {
      change->field_mask |= COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE);
      change->values[COMPANIES_FIELD_PHONE] = g_strdup (phone);
    }

  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_true (g_ptr_array_find (response->companies,
                                   test_find_company_by_uuid (response->companies, change->uuid),
                                   &index));

  return g_ptr_array_steal_index (response->companies, index);
}

static CompaniesRecord *
steal_company (CompaniesSyncResponse *response,
               gint64                 id)
{
  guint index;

  g_assert_true (g_ptr_array_find (response->companies, test_find_company (response->companies, id), &index));
  return g_ptr_array_steal_index (response->companies, index);
}

/* The company as a fresh snapshot sees it; NULL when not alive. */
static CompaniesRecord *
server_state (gint64 id)
{
  g_autoptr(GPtrArray) all = test_snapshot (server);
  CompaniesRecord *record = test_find_company (all, id);
  guint index;

  if (record == NULL)
    return NULL;

  g_assert_true (g_ptr_array_find (all, record, &index));
  return g_ptr_array_steal_index (all, index);
}

static gboolean
lists_once (CompaniesSyncResponse *response,
            gint64                 id)
{
  guint n = 0;

  for (guint i = 0; i < response->companies->len; i++)
    n += ((CompaniesRecord *) g_ptr_array_index (response->companies, i))->id == id;
  for (guint i = 0; i < response->deleted->len; i++)
    n += ((CompaniesRecord *) g_ptr_array_index (response->deleted, i))->id == id;

  return n == 1;
}

static void
test_add_creates_ids (void)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesChange *a, *b, *c;
  CompaniesRecord *ra, *rb, *rc;

  a = test_request_add (request, NULL, "name", "Acme", "city", "Porto", NULL);
  b = test_request_add (request, NULL, "name", "  Padded name  ", "email", "info@example.com", NULL);
  c = test_request_add (request, NULL, "name", "Chez Nous", NULL);

  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_cmpuint (response->overwritten->len, ==, 0);

  ra = test_find_company_by_uuid (response->companies, a->uuid);
  rb = test_find_company_by_uuid (response->companies, b->uuid);
  rc = test_find_company_by_uuid (response->companies, c->uuid);
  g_assert_nonnull (ra);
  g_assert_nonnull (rb);
  g_assert_nonnull (rc);

  g_assert_cmpint (ra->id, >, 0);
  g_assert_cmpint (rb->id, >, 0);
  g_assert_cmpint (rc->id, >, 0);
  g_assert_cmpint (ra->id, !=, rb->id);
  g_assert_cmpint (rb->id, !=, rc->id);
  g_assert_cmpint (ra->id, !=, rc->id);
  g_assert_cmpint (ra->version, >, 0);
  g_assert_cmpint (ra->version, !=, rb->version);

  g_assert_cmpstr (ra->values[COMPANIES_FIELD_NAME], ==, "Acme");
  g_assert_cmpstr (ra->values[COMPANIES_FIELD_CITY], ==, "Porto");
  g_assert_cmpstr (ra->values[COMPANIES_FIELD_PHONE], ==, "");
  g_assert_cmpstr (rb->values[COMPANIES_FIELD_NAME], ==, "Padded name");
  g_assert_cmpstr (rb->values[COMPANIES_FIELD_EMAIL], ==, "info@example.com");
  g_assert_cmpstr (rc->values[COMPANIES_FIELD_NOTES], ==, "");
}

static void
test_retried_add_is_idempotent (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(CompaniesRecord) first = add_company (uuid, "Retry Ltd", "Braga", NULL);
  g_autoptr(CompaniesSyncRequest) retry = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) all = NULL;
  gint64 before = test_last_version (server);
  CompaniesRecord *again;
  guint n = 0;

  /* the same push again, as after a lost response */
  test_request_add (retry, uuid, "name", "Retry Ltd (edited meanwhile)", NULL);
  response = test_sync (server, retry);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  again = test_find_company_by_uuid (response->companies, uuid);
  g_assert_nonnull (again);
  g_assert_cmpint (again->id, ==, first->id);
  g_assert_cmpint (again->version, ==, first->version);
  g_assert_cmpstr (again->values[COMPANIES_FIELD_NAME], ==, "Retry Ltd");
  g_assert_true (lists_once (response, first->id));

  /* no duplicate, no new version */
  g_assert_cmpint (test_last_version (server), ==, before);
  all = test_snapshot (server);
  for (guint i = 0; i < all->len; i++)
    n += g_strcmp0 (((CompaniesRecord *) g_ptr_array_index (all, i))->uuid, uuid) == 0;
  g_assert_cmpuint (n, ==, 1);
}

static void
test_retried_add_of_deleted_record (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(CompaniesRecord) record = add_company (uuid, "Short Lived", NULL, NULL);
  g_autoptr(CompaniesSyncRequest) delete = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) retry = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) deleted = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesRecord *tombstone;

  test_request_delete (delete, record->id);
  deleted = test_sync (server, delete);

  test_request_add (retry, uuid, "name", "Short Lived", NULL);
  response = test_sync (server, retry);
  g_assert_null (test_find_company_by_uuid (response->companies, uuid));
  tombstone = test_find_company (response->deleted, record->id);
  g_assert_nonnull (tombstone);
  g_assert_cmpstr (tombstone->uuid, ==, uuid);
  g_assert_cmpint (tombstone->version, >, record->version);
  g_assert_null (server_state (record->id));
}

static void
test_per_field_merge (void)
{
  g_autoptr(CompaniesRecord) base = add_company (NULL, "Merge & Co", "Lisboa", "+351 1");
  g_autoptr(CompaniesSyncRequest) a = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) b = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) ra = NULL;
  g_autoptr(CompaniesSyncResponse) rb = NULL;
  g_autoptr(CompaniesRecord) final = NULL;

  /* two clients changed different fields of the same version */
  test_request_update (a, base->id, base->version, "phone", "+351 2", NULL);
  test_request_update (b, base->id, base->version, "city", "Faro", NULL);

  ra = test_sync (server, a);
  g_assert_cmpuint (ra->overwritten->len, ==, 0);
  g_assert_cmpuint (ra->rejected->len, ==, 0);
  rb = test_sync (server, b);
  g_assert_cmpuint (rb->overwritten->len, ==, 0);
  g_assert_cmpuint (rb->rejected->len, ==, 0);

  /* the second response already carries both changes */
  g_assert_cmpstr (test_find_company (rb->companies, base->id)->values[COMPANIES_FIELD_PHONE], ==, "+351 2");
  g_assert_cmpstr (test_find_company (rb->companies, base->id)->values[COMPANIES_FIELD_CITY], ==, "Faro");

  final = server_state (base->id);
  g_assert_cmpstr (final->values[COMPANIES_FIELD_PHONE], ==, "+351 2");
  g_assert_cmpstr (final->values[COMPANIES_FIELD_CITY], ==, "Faro");
  g_assert_cmpstr (final->values[COMPANIES_FIELD_NAME], ==, "Merge & Co");
  g_assert_cmpint (final->version, >, base->version);
}

static void
test_last_write_wins (void)
{
  g_autoptr(CompaniesRecord) base = add_company (NULL, "Conflict SA", NULL, "000");
  g_autoptr(CompaniesSyncRequest) a = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) b = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) c = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) d = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) ra = NULL;
  g_autoptr(CompaniesSyncResponse) rb = NULL;
  g_autoptr(CompaniesSyncResponse) rc = NULL;
  g_autoptr(CompaniesSyncResponse) rd = NULL;
  g_autoptr(CompaniesRecord) after_a = NULL;
  g_autoptr(CompaniesRecord) after_b = NULL;
  g_autoptr(CompaniesRecord) final = NULL;
  CompaniesOverwritten *overwritten;

  /* A then B, both from the same base: B wins, and learns what it replaced */
  test_request_update (a, base->id, base->version, "phone", "111", NULL);
  ra = test_sync (server, a);
  g_assert_cmpuint (ra->overwritten->len, ==, 0);
  after_a = steal_company (ra, base->id);

  test_request_update (b, base->id, base->version, "phone", "222", "notes", "from B", NULL);
  rb = test_sync (server, b);
  g_assert_cmpuint (rb->overwritten->len, ==, 1);
  overwritten = g_ptr_array_index (rb->overwritten, 0);
  g_assert_cmpint (overwritten->id, ==, base->id);
  g_assert_cmpint (overwritten->field, ==, COMPANIES_FIELD_PHONE);
  g_assert_cmpstr (overwritten->value, ==, "111");
  g_assert_cmpint (overwritten->version, ==, after_a->version);
  after_b = steal_company (rb, base->id);
  g_assert_cmpstr (after_b->values[COMPANIES_FIELD_PHONE], ==, "222");

  /* C has seen B's write: no conflict */
  test_request_update (c, base->id, after_b->version, "phone", "333", NULL);
  rc = test_sync (server, c);
  g_assert_cmpuint (rc->overwritten->len, ==, 0);

  /* D writes the value already there from an old base: nothing replaced,
   * nothing changed */
  test_request_update (d, base->id, base->version, "phone", "333", NULL);
  rd = test_sync (server, d);
  g_assert_cmpuint (rd->overwritten->len, ==, 0);
  g_assert_cmpint (test_find_company (rd->companies, base->id)->version, ==,
                   test_find_company (rc->companies, base->id)->version);

  final = server_state (base->id);
  g_assert_cmpstr (final->values[COMPANIES_FIELD_PHONE], ==, "333");
  g_assert_cmpstr (final->values[COMPANIES_FIELD_NOTES], ==, "from B");
}

static void
test_deletes_win (void)
{
  g_autoptr(CompaniesRecord) record = add_company (NULL, "Doomed", "Evora", NULL);
  g_autoptr(CompaniesSyncRequest) delete = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) update = test_request_new (NULL);
  g_autoptr(CompaniesSyncRequest) again = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) rd = NULL;
  g_autoptr(CompaniesSyncResponse) ru = NULL;
  g_autoptr(CompaniesSyncResponse) ra = NULL;
  CompaniesRecord *tombstone;
  gint64 tombstone_version;

  test_request_delete (delete, record->id);
  rd = test_sync (server, delete);
  g_assert_null (test_find_company (rd->companies, record->id));
  tombstone = test_find_company (rd->deleted, record->id);
  g_assert_nonnull (tombstone);
  g_assert_cmpstr (tombstone->uuid, ==, record->uuid);
  g_assert_cmpint (tombstone->version, >, record->version);
  tombstone_version = tombstone->version;

  /* an update made before the client heard of the delete: dropped */
  test_request_update (update, record->id, record->version, "city", "Resurrected", NULL);
  ru = test_sync (server, update);
  g_assert_cmpuint (ru->rejected->len, ==, 0);
  g_assert_null (test_find_company (ru->companies, record->id));
  tombstone = test_find_company (ru->deleted, record->id);
  g_assert_nonnull (tombstone);
  g_assert_cmpint (tombstone->version, ==, tombstone_version);
  g_assert_true (lists_once (ru, record->id));
  g_assert_null (server_state (record->id));

  /* deleting again is fine and changes nothing */
  test_request_delete (again, record->id);
  ra = test_sync (server, again);
  g_assert_cmpuint (ra->rejected->len, ==, 0);
  tombstone = test_find_company (ra->deleted, record->id);
  g_assert_nonnull (tombstone);
  g_assert_cmpint (tombstone->version, ==, tombstone_version);
}

static void
test_update_and_delete_in_one_request (void)
{
  g_autoptr(CompaniesRecord) record = add_company (NULL, "Both Ways", NULL, NULL);
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;

  test_request_update (request, record->id, record->version, "city", "Viseu", NULL);
  test_request_delete (request, record->id);
  response = test_sync (server, request);

  g_assert_true (lists_once (response, record->id));
  g_assert_nonnull (test_find_company (response->deleted, record->id));
}

/* The records a request wrote are answered as they were written (not read
 * back): outside the page, after an update, an update of a record added in
 * the same request, and a delete of it, each is answered as it stands. */
static void
test_echo_after_writes (void)
{
  g_autoptr(CompaniesRecord) filler = add_company (NULL, "Echo Filler", NULL, NULL);
  g_autoptr(CompaniesRecord) record = add_company (NULL, "Echo", "Porto", "+351 1");
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) snapshot = NULL;
  CompaniesRecord *echoed, *stored;
  CompaniesChange *added, *kept;
  /* ids are handed out in order: the adds below get these */
  gint64 added_id = record->id + 1;
  gint64 kept_id = record->id + 2;

  added = test_request_add (request, NULL, "name", "Echo Gone", NULL);
  kept = test_request_add (request, NULL, "name", "Echo Kept", NULL);
  test_request_update (request, record->id, record->version, "city", "Braga", NULL);
  test_request_update (request, added_id, 0, "city", "Faro", NULL);
  test_request_update (request, kept_id, 0, "city", "Beja", NULL);
  test_request_delete (request, added_id);
  /* a snapshot's first page of one record: all three are echoes */
  request->limit = 1;
  response = test_sync (server, request);

  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_true (lists_once (response, record->id));
  g_assert_true (lists_once (response, added_id));
  g_assert_true (lists_once (response, kept_id));
  g_assert_nonnull (test_find_company (response->deleted, added_id));
  g_assert_cmpstr (test_find_company (response->deleted, added_id)->uuid, ==, added->uuid);

  echoed = test_find_company (response->companies, record->id);
  g_assert_nonnull (echoed);
  g_assert_cmpint (echoed->version, >, record->version);
  g_assert_cmpstr (echoed->values[COMPANIES_FIELD_CITY], ==, "Braga");
  g_assert_cmpstr (echoed->values[COMPANIES_FIELD_PHONE], ==, "+351 1");

  /* what was answered is what is stored */
  snapshot = test_snapshot (server);
  stored = test_find_company (snapshot, record->id);
  g_assert_nonnull (stored);
  g_assert_cmpint (stored->version, ==, echoed->version);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_assert_cmpstr (stored->values[i], ==, echoed->values[i]);

  echoed = test_find_company (response->companies, kept_id);
  g_assert_nonnull (echoed);
  g_assert_cmpstr (echoed->uuid, ==, kept->uuid);
  g_assert_cmpstr (echoed->values[COMPANIES_FIELD_CITY], ==, "Beja");
  stored = test_find_company (snapshot, kept_id);
  g_assert_nonnull (stored);
  g_assert_cmpint (stored->version, ==, echoed->version);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_assert_cmpstr (stored->values[i], ==, echoed->values[i]);

  g_assert_null (test_find_company (snapshot, added_id));
  g_assert_cmpuint (response->companies->len, ==, 3);
}

static void
test_delete_missing_is_fine (void)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  gint64 before = test_last_version (server);

  test_request_delete (request, 987654321);
  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);
  g_assert_null (test_find_company (response->deleted, 987654321));
  g_assert_cmpint (test_last_version (server), ==, before);
}

static void
test_update_unknown_id_not_found (void)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  CompaniesRejected *rejected;
  gint64 before = test_last_version (server);

  test_request_update (request, 987654321, 3, "city", "Nowhere", NULL);
  response = test_sync (server, request);

  g_assert_cmpuint (response->rejected->len, ==, 1);
  rejected = g_ptr_array_index (response->rejected, 0);
  g_assert_cmpint (rejected->id, ==, 987654321);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_NOT_FOUND);
  g_assert_nonnull (rejected->message);
  g_assert_cmpint (test_last_version (server), ==, before);
}

/* Bad records are rejected one by one; the rest of the request applies. */
static void
test_rejections_per_record (void)
{
  g_autoptr(CompaniesRecord) target = add_company (NULL, "Target", NULL, NULL);
  g_autoptr(CompaniesRecord) other = add_company (NULL, "Other", NULL, NULL);
  g_autofree char *client_id = g_uuid_string_random ();
  g_autofree char *good = g_uuid_string_random ();
  g_autofree char *bad_email = g_uuid_string_random ();
  g_autofree char *too_long = g_uuid_string_random ();
  g_autofree char *unknown = g_uuid_string_random ();
  g_autofree char *missing = g_uuid_string_random ();
  g_autofree char *blank = g_uuid_string_random ();
  g_autofree char *long_name = g_strnfill (201, 'x');
  g_autofree char *body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *url = test_server_url (server, COMPANIES_SYNC_PATH);
  CompaniesRejected *rejected;
  CompaniesRecord *record;
  guint status = 0;

  body = g_strdup_printf (
    "{\"protocol\": 1, \"client_id\": \"%s\", \"cursor\": null,"
    " \"added\": ["
    "  {\"uuid\": \"%s\", \"fields\": {\"name\": \"Good One\", \"city\": \"Aveiro\"}},"
    "  {\"uuid\": \"%s\", \"fields\": {\"name\": \"Bad Mail\", \"email\": \"no-at-sign\"}},"
    "  {\"uuid\": \"%s\", \"fields\": {\"name\": \"%s\"}},"
    "  {\"uuid\": \"%s\", \"fields\": {\"name\": \"Faxed\", \"fax\": \"123\"}},"
    "  {\"uuid\": \"%s\", \"fields\": {\"city\": \"No Name\"}},"
    "  {\"uuid\": \"%s\", \"fields\": {\"name\": \"   \"}}"
    " ],"
    " \"updated\": ["
    "  {\"id\": %" G_GINT64_FORMAT ", \"base_version\": %" G_GINT64_FORMAT ", \"fields\": {\"email\": \"a@b@\"}},"
    "  {\"id\": %" G_GINT64_FORMAT ", \"base_version\": %" G_GINT64_FORMAT ", \"fields\": {\"city\": \"Updated\"}}"
    " ]}",
    client_id, good, bad_email, too_long, long_name, unknown, missing, blank,
    target->id, target->version, other->id, other->version);

  reply = companies_test_http ("POST", url, "application/json", NULL, body, -1, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  response = companies_sync_response_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (response->rejected->len, ==, 6);

  rejected = test_find_rejected (response, bad_email, 0);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (rejected->field, ==, "email");
  g_assert_cmpint (rejected->id, ==, 0);

  rejected = test_find_rejected (response, too_long, 0);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (rejected->field, ==, "name");

  rejected = test_find_rejected (response, unknown, 0);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_UNKNOWN_FIELD);

  rejected = test_find_rejected (response, missing, 0);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_MISSING_FIELD);
  g_assert_cmpstr (rejected->field, ==, "name");

  rejected = test_find_rejected (response, blank, 0);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->field, ==, "name");

  rejected = test_find_rejected (response, NULL, target->id);
  g_assert_nonnull (rejected);
  g_assert_cmpstr (rejected->code, ==, COMPANIES_REJECT_INVALID_FIELD);
  g_assert_cmpstr (rejected->field, ==, "email");
  g_assert_cmpstr (rejected->uuid, ==, target->uuid);
  g_assert_nonnull (rejected->message);

  /* none of the rejected adds exists; the good add and update applied */
  all = test_snapshot (server);
  g_assert_null (test_find_company_by_uuid (all, bad_email));
  g_assert_null (test_find_company_by_uuid (all, too_long));
  g_assert_null (test_find_company_by_uuid (all, unknown));
  g_assert_null (test_find_company_by_uuid (all, missing));
  g_assert_null (test_find_company_by_uuid (all, blank));
  record = test_find_company_by_uuid (all, good);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Aveiro");
  record = test_find_company (all, other->id);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, "Updated");
  record = test_find_company (all, target->id);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_EMAIL], ==, "");
  g_assert_cmpint (record->version, ==, target->version);
}

static void
test_text_stored_verbatim (void)
{
  static const char sql_name[] = "Robert'); DROP TABLE company;--";
  static const char notes[] = "ação, 日本語, emoji 🚀, \"quotes\", back\\slash,\nnew line, tab\t, % _ *";
  static const char city[] = "O'Brien' OR '1'='1";
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(CompaniesRecord) later = NULL;
  CompaniesChange *change;
  CompaniesRecord *record;

  change = test_request_add (request, NULL, "name", sql_name, "notes", notes, "city", city,
                             "country", "Ελλάδα", NULL);
  response = test_sync (server, request);
  g_assert_cmpuint (response->rejected->len, ==, 0);

  all = test_snapshot (server);
  record = test_find_company_by_uuid (all, change->uuid);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NAME], ==, sql_name);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_NOTES], ==, notes);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_CITY], ==, city);
  g_assert_cmpstr (record->values[COMPANIES_FIELD_COUNTRY], ==, "Ελλάδα");

  /* and the table is still there */
  later = add_company (NULL, "Still Working", NULL, NULL);
  g_assert_cmpint (later->id, >, record->id);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, NULL);

  g_test_add_func ("/server/sync/add-creates-ids", test_add_creates_ids);
  g_test_add_func ("/server/sync/retried-add-is-idempotent", test_retried_add_is_idempotent);
  g_test_add_func ("/server/sync/retried-add-of-deleted-record", test_retried_add_of_deleted_record);
  g_test_add_func ("/server/sync/per-field-merge", test_per_field_merge);
  g_test_add_func ("/server/sync/last-write-wins", test_last_write_wins);
  g_test_add_func ("/server/sync/deletes-win", test_deletes_win);
  g_test_add_func ("/server/sync/update-and-delete-in-one-request", test_update_and_delete_in_one_request);
  g_test_add_func ("/server/sync/echo-after-writes", test_echo_after_writes);
  g_test_add_func ("/server/sync/delete-missing-is-fine", test_delete_missing_is_fine);
  g_test_add_func ("/server/sync/update-unknown-id-not-found", test_update_unknown_id_not_found);
  g_test_add_func ("/server/sync/rejections-per-record", test_rejections_per_record);
  g_test_add_func ("/server/sync/text-stored-verbatim", test_text_stored_verbatim);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
