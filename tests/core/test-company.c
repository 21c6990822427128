/* test-company.c: CompaniesCompany, its properties, notifications and
 * derived sync state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-company"

#include "companies-company.h"

typedef struct
{
  GHashTable *counts;  /* property name → notifications */
} Notes;

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  Notes *notes = user_data;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, pspec->name));

  g_hash_table_insert (notes->counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
count_of (Notes      *notes,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, name));
}

static void
notes_reset (Notes *notes)
{
  g_hash_table_remove_all (notes->counts);
}

static void
test_defaults (void)
{
  g_autoptr(CompaniesCompany) company = companies_company_new ();
  const char * const *values;

  g_assert_null (companies_company_get_uuid (company));
  g_assert_cmpint (companies_company_get_id (company), ==, 0);
  g_assert_cmpint (companies_company_get_version (company), ==, 0);
  g_assert_false (companies_company_get_is_from_server (company));
  g_assert_false (companies_company_get_is_modified (company));
  g_assert_true (companies_company_get_is_active (company));
  g_assert_cmpuint (companies_company_get_changed_fields (company), ==, 0);
  g_assert_null (companies_company_get_rejection_code (company));
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_ADD);

  values = companies_company_get_fields (company);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_assert_nonnull (values[i]);
      g_assert_cmpstr (values[i], ==, "");
      g_assert_cmpstr (companies_company_get_field (company, i), ==, "");
    }

  g_assert_finalize_object (g_steal_pointer (&company));
}

static void
test_fields_and_properties (void)
{
  g_autoptr(CompaniesCompany) company = companies_company_new ();
  g_autofree char *postal_code = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *got_uuid = NULL;
  gint64 id = 0;
  guint mask = 0;

  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Acme");
  companies_company_set_field (company, COMPANIES_FIELD_NOTES, "multi\nline");
  g_assert_cmpstr (companies_company_get_name (company), ==, "Acme");
  g_assert_cmpstr (companies_company_get_fields (company)[COMPANIES_FIELD_NOTES], ==, "multi\nline");

  /* Properties use dashes; they reach the same storage. */
  g_object_set (company,
                "postal-code", "4000-001",
                "uuid", uuid,
                "id", (gint64) 42,
                "changed-fields", COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY),
                NULL);
  g_assert_cmpstr (companies_company_get_field (company, COMPANIES_FIELD_POSTAL_CODE), ==, "4000-001");
  g_object_get (company, "postal-code", &postal_code, "uuid", &got_uuid, "id", &id,
                "changed-fields", &mask, NULL);
  g_assert_cmpstr (postal_code, ==, "4000-001");
  g_assert_cmpstr (got_uuid, ==, uuid);
  g_assert_cmpint (id, ==, 42);
  g_assert_cmpuint (mask, ==, COMPANIES_FIELD_BIT (COMPANIES_FIELD_CITY));

  /* NULL clears to "". */
  companies_company_set_field (company, COMPANIES_FIELD_NAME, NULL);
  g_assert_cmpstr (companies_company_get_name (company), ==, "");

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_autofree char *property = g_strdelimit (g_strdup (companies_field_get_name (i)), "_", '-');

      g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (company), property));
    }

  g_assert_finalize_object (g_steal_pointer (&company));
}

static void
test_sync_state (void)
{
  g_autoptr(CompaniesCompany) company = companies_company_new ();

  /* Not from the server: a pending add, whatever IsModified says. */
  companies_company_set_is_modified (company, TRUE);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_ADD);

  companies_company_set_is_from_server (company, TRUE);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);

  companies_company_set_is_modified (company, FALSE);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_SYNCED);

  companies_company_set_is_active (company, FALSE);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_DELETE);
  companies_company_set_is_modified (company, TRUE);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_DELETE);

  /* A rejection wins over everything. */
  companies_company_set_rejection (company, "invalid_field", "email", "E-mail must contain one @");
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_REJECTED);
  g_assert_cmpstr (companies_company_get_rejection_code (company), ==, "invalid_field");
  g_assert_cmpstr (companies_company_get_rejection_field (company), ==, "email");
  g_assert_cmpstr (companies_company_get_rejection_message (company), ==, "E-mail must contain one @");

  companies_company_set_rejection (company, NULL, NULL, NULL);
  g_assert_null (companies_company_get_rejection_code (company));
  g_assert_null (companies_company_get_rejection_field (company));
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_DELETE);

  /* The enum type is registered with nicks. */
  {
    g_autoptr(GEnumClass) enum_class = g_type_class_ref (COMPANIES_TYPE_SYNC_STATE);
    GEnumValue *value = g_enum_get_value (enum_class, COMPANIES_SYNC_STATE_PENDING_CHANGE);

    g_assert_nonnull (value);
    g_assert_cmpstr (value->value_nick, ==, "pending-change");
  }

  g_assert_finalize_object (g_steal_pointer (&company));
}

static void
test_notify (void)
{
  g_autoptr(CompaniesCompany) company = companies_company_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  Notes notes = { counts };
  CompaniesSyncState state = COMPANIES_SYNC_STATE_SYNCED;

  g_signal_connect (company, "notify", G_CALLBACK (notified_cb), &notes);

  companies_company_set_field (company, COMPANIES_FIELD_POSTAL_CODE, "4000");
  g_assert_cmpuint (count_of (&notes, "postal-code"), ==, 1);
  companies_company_set_field (company, COMPANIES_FIELD_POSTAL_CODE, "4000");
  g_assert_cmpuint (count_of (&notes, "postal-code"), ==, 1);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 1);

  /* "" and NULL are the same value. */
  companies_company_set_field (company, COMPANIES_FIELD_CITY, NULL);
  companies_company_set_field (company, COMPANIES_FIELD_CITY, "");
  g_assert_cmpuint (count_of (&notes, "city"), ==, 0);

  /* g_object_set of the same value does not notify either. */
  notes_reset (&notes);
  g_object_set (company, "postal-code", "4000", "id", (gint64) 0, "is-active", TRUE, NULL);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  /* A flag that changes the state notifies both. */
  companies_company_set_is_from_server (company, TRUE);
  g_assert_cmpuint (count_of (&notes, "is-from-server"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 1);
  g_object_get (company, "sync-state", &state, NULL);
  g_assert_cmpint (state, ==, COMPANIES_SYNC_STATE_SYNCED);

  /* A flag that does not change the derived state notifies only itself:
   * a rejected record stays rejected. */
  companies_company_set_rejection (company, "invalid_field", "name", "Name is required");
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 2);
  g_assert_cmpuint (count_of (&notes, "rejection-code"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "rejection-field"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "rejection-message"), ==, 1);
  companies_company_set_is_modified (company, TRUE);
  g_assert_cmpuint (count_of (&notes, "is-modified"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 2);

  /* The same rejection again: nothing. */
  notes_reset (&notes);
  companies_company_set_rejection (company, "invalid_field", "name", "Name is required");
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  /* Only the message changes. */
  companies_company_set_rejection (company, "invalid_field", "name", "Other");
  g_assert_cmpuint (count_of (&notes, "rejection-message"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "rejection-code"), ==, 0);
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 0);

  notes_reset (&notes);
  companies_company_set_rejection (company, NULL, NULL, NULL);
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 1);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);

  notes_reset (&notes);
  companies_company_set_version (company, 7);
  companies_company_set_version (company, 7);
  companies_company_set_changed_fields (company, 3);
  companies_company_set_changed_fields (company, 3);
  g_assert_cmpuint (count_of (&notes, "version"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "changed-fields"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 0);

  g_signal_handlers_disconnect_by_func (company, notified_cb, &notes);
  g_assert_finalize_object (g_steal_pointer (&company));
}

static void
test_copy_and_equal (void)
{
  g_autoptr(CompaniesCompany) company = companies_company_new ();
  g_autoptr(CompaniesCompany) copy = NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  companies_company_set_uuid (company, uuid);
  companies_company_set_id (company, 9);
  companies_company_set_version (company, 12);
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Acme");
  companies_company_set_field (company, COMPANIES_FIELD_EMAIL, "info@acme.example");
  companies_company_set_is_from_server (company, TRUE);
  companies_company_set_is_modified (company, TRUE);
  companies_company_set_changed_fields (company, COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL));
  companies_company_set_rejection (company, "invalid_field", "email", "bad");

  copy = companies_company_copy (company);
  g_assert_true (copy != company);
  g_assert_true (companies_company_equal (company, copy));
  g_assert_true (companies_company_equal (copy, company));
  g_assert_cmpstr (companies_company_get_uuid (copy), ==, uuid);
  g_assert_cmpstr (companies_company_get_field (copy, COMPANIES_FIELD_EMAIL), ==, "info@acme.example");
  g_assert_cmpint (companies_company_get_sync_state (copy), ==, COMPANIES_SYNC_STATE_REJECTED);

  /* Each difference breaks equality; undoing it restores it. */
  companies_company_set_field (copy, COMPANIES_FIELD_NOTES, "x");
  g_assert_false (companies_company_equal (company, copy));
  companies_company_set_field (copy, COMPANIES_FIELD_NOTES, "");
  g_assert_true (companies_company_equal (company, copy));

  companies_company_set_is_active (copy, FALSE);
  g_assert_false (companies_company_equal (company, copy));
  companies_company_set_is_active (copy, TRUE);

  companies_company_set_version (copy, 13);
  g_assert_false (companies_company_equal (company, copy));
  companies_company_set_version (copy, 12);

  companies_company_set_rejection (copy, NULL, NULL, NULL);
  g_assert_false (companies_company_equal (company, copy));
  companies_company_set_rejection (copy, "invalid_field", "email", "bad");

  companies_company_set_changed_fields (copy, 0);
  g_assert_false (companies_company_equal (company, copy));
  companies_company_set_changed_fields (copy, COMPANIES_FIELD_BIT (COMPANIES_FIELD_EMAIL));
  g_assert_true (companies_company_equal (company, copy));

  /* The copy is independent. */
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Other");
  g_assert_cmpstr (companies_company_get_name (copy), ==, "Acme");

  g_assert_finalize_object (g_steal_pointer (&copy));
  g_assert_finalize_object (g_steal_pointer (&company));
}

/* Assigning copies every value but the uuid, keeps the object and
 * notifies each changed property once. */
static void
test_assign (void)
{
  g_autoptr(CompaniesCompany) company = companies_company_new ();
  g_autoptr(CompaniesCompany) newer = companies_company_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  Notes notes = { counts };
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *other_uuid = g_uuid_string_random ();

  g_object_set (company,
                "uuid", uuid, "id", (gint64) 9, "version", (gint64) 12,
                "name", "Acme", "city", "Porto", "is-from-server", TRUE,
                "rejection-code", "invalid_field", "rejection-field", "email", "rejection-message", "bad",
                NULL);
  /* Newer: another name, notes, version, modified; no rejection. */
  g_object_set (newer,
                "uuid", other_uuid, "id", (gint64) 9, "version", (gint64) 13,
                "name", "Acme Ltd", "city", "Porto", "notes", "New notes", "is-from-server", TRUE,
                "is-modified", TRUE, "changed-fields", COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME),
                NULL);

  g_signal_connect (company, "notify", G_CALLBACK (notified_cb), &notes);
  companies_company_assign (company, newer);

  g_assert_cmpstr (companies_company_get_uuid (company), ==, uuid);
  companies_company_set_uuid (newer, uuid);
  g_assert_true (companies_company_equal (company, newer));

  g_assert_cmpuint (count_of (&notes, "name"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "notes"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "version"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "is-modified"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "changed-fields"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "rejection-code"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "sync-state"), ==, 1);
  g_assert_cmpuint (count_of (&notes, "city"), ==, 0);
  g_assert_cmpuint (count_of (&notes, "id"), ==, 0);
  g_assert_cmpuint (count_of (&notes, "uuid"), ==, 0);
  g_assert_cmpint (companies_company_get_sync_state (company), ==, COMPANIES_SYNC_STATE_PENDING_CHANGE);

  /* The same values again: nothing. */
  notes_reset (&notes);
  companies_company_assign (company, newer);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  g_signal_handlers_disconnect_by_func (company, notified_cb, &notes);
  g_assert_finalize_object (g_steal_pointer (&newer));
  g_assert_finalize_object (g_steal_pointer (&company));
}

/* The list holds 100,000 of these: make sure they are cheap to make. */
static void
test_many (void)
{
  g_autoptr(GPtrArray) companies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 100000; i++)
    {
      CompaniesCompany *company = companies_company_new ();
      char name[32];

      g_snprintf (name, sizeof name, "Company %u", i);
      companies_company_set_field (company, COMPANIES_FIELD_NAME, name);
      companies_company_set_id (company, i + 1);
      g_ptr_array_add (companies, company);
    }

  g_assert_cmpstr (companies_company_get_name (g_ptr_array_index (companies, 99999)), ==, "Company 99999");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/company/defaults", test_defaults);
  g_test_add_func ("/company/fields-and-properties", test_fields_and_properties);
  g_test_add_func ("/company/sync-state", test_sync_state);
  g_test_add_func ("/company/notify", test_notify);
  g_test_add_func ("/company/copy-and-equal", test_copy_and_equal);
  g_test_add_func ("/company/assign", test_assign);
  g_test_add_func ("/company/many", test_many);

  return g_test_run ();
}
