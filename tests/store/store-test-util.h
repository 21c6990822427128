/* store-test-util.h: helpers of the store tests: temporary stores, raw
 * SQLite access for checks the public API cannot make, hand-built server
 * responses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "companies-local-store-private.h"
#include "companies-local-store-sync.h"
#include "companies-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  char                *dir;
  char                *path;
  CompaniesLocalStore *store;
} StoreFixture;

void                 store_fixture_set_up      (StoreFixture  *fixture,
                                                gconstpointer  data);
void                 store_fixture_tear_down   (StoreFixture  *fixture,
                                                gconstpointer  data);

typedef void (*StoreTestFunc) (StoreFixture  *fixture,
                               gconstpointer  data);

/* Adds @test at @path, run on a fresh StoreFixture. */
void                 store_test_add            (const char    *path,
                                                StoreTestFunc  test);

typedef const char *TestValues;

/* A values array for the ForSync actions: NULL-padded, name first, then
 * (field, value) pairs ended by -1. */
const char         **test_values               (const char    *name,
                                                ...);
void                 test_values_free          (const char   **values);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestValues, test_values_free)

CompaniesCompany    *test_create               (CompaniesLocalStore *store,
                                                const char          *name);

/* A raw connection to @path, for checks and for sabotage. */
/* Takes a store file of version 3 back to version 2: what a file made
 * by an older build holds. */
/* Back to schema version 3: the notices in the overwritten table. */
#define TEST_DOWNGRADE_TO_V3_SQL \
  "DROP TABLE notices;" \
  "CREATE TABLE overwritten (notice_id INTEGER PRIMARY KEY, uuid TEXT, id INTEGER NOT NULL," \
  " company_name TEXT NOT NULL DEFAULT '', field TEXT NOT NULL, value TEXT NOT NULL," \
  " version INTEGER NOT NULL, received_time INTEGER NOT NULL);" \
  "PRAGMA user_version = 3;"
#define TEST_DOWNGRADE_TO_V2_SQL \
  TEST_DOWNGRADE_TO_V3_SQL \
  "DROP INDEX companies_name_key_idx; DROP INDEX companies_city_key_idx;" \
  "DROP INDEX companies_country_key_idx; DROP INDEX companies_email_key_idx;" \
  "DROP INDEX companies_phone_key_idx; DROP INDEX companies_search_idx;" \
  "DROP INDEX companies_state_key_idx;" \
  "ALTER TABLE companies DROP COLUMN search_text; ALTER TABLE companies DROP COLUMN name_key;" \
  "ALTER TABLE companies DROP COLUMN city_key; ALTER TABLE companies DROP COLUMN country_key;" \
  "ALTER TABLE companies DROP COLUMN email_key; ALTER TABLE companies DROP COLUMN phone_key;" \
  "PRAGMA user_version = 2;"

sqlite3             *test_raw_open             (const char    *path);
gint64               test_raw_int              (sqlite3       *db,
                                                const char    *sql);
char                *test_raw_text             (sqlite3       *db,
                                                const char    *sql);
void                 test_raw_exec             (sqlite3       *db,
                                                const char    *sql);
/* Every column of every row, and the sync_state, as one string: equal
 * dumps mean an identical store. */
char                *test_raw_dump             (const char    *path);
gint64               test_local_seq            (const char    *path,
                                                const char    *uuid);
gint64               test_base_version         (const char    *path,
                                                const char    *uuid);
/* The bookkeeping of an addition sent and not yet answered. */
gint64               test_add_sent             (const char    *path,
                                                const char    *uuid);
guint                test_sent_changed         (const char    *path,
                                                const char    *uuid);

/* Responses. */
CompaniesSyncResponse *test_response           (const char    *cursor,
                                                gboolean       has_more,
                                                gboolean       reset);
CompaniesRecord     *test_add_company          (CompaniesSyncResponse *response,
                                                gint64         id,
                                                const char    *uuid,
                                                gint64         version,
                                                const char    *name);
void                 test_set_record_field     (CompaniesRecord *record,
                                                CompaniesField   field,
                                                const char      *value);
void                 test_add_tombstone        (CompaniesSyncResponse *response,
                                                gint64         id,
                                                const char    *uuid,
                                                gint64         version);
void                 test_add_rejected         (CompaniesSyncResponse *response,
                                                const char    *uuid,
                                                gint64         id,
                                                const char    *code,
                                                const char    *field,
                                                const char    *message);
void                 test_add_overwritten      (CompaniesSyncResponse *response,
                                                gint64         id,
                                                CompaniesField field,
                                                const char    *value,
                                                gint64         version);
/* Applies @response with no push batch and asserts success. */
void                 test_apply                (CompaniesLocalStore   *store,
                                                CompaniesPushBatch    *batch,
                                                CompaniesSyncResponse *response);
/* A record that came from the server: id, version, name; clean. */
CompaniesCompany    *test_server_record        (CompaniesLocalStore   *store,
                                                gint64                 id,
                                                gint64                 version,
                                                const char            *name);
/* Looks @ref up and asserts it is there. */
CompaniesCompany    *test_lookup               (CompaniesLocalStore   *store,
                                                const char            *ref);
void                 test_assert_gone          (CompaniesLocalStore   *store,
                                                const char            *ref);
/* Sets one field as the app would, and asserts success. */
void                 test_set_field            (CompaniesLocalStore   *store,
                                                const char            *ref,
                                                CompaniesField         field,
                                                const char            *value);
/* A company added here ("Acme") and the push batch that carries it, as
 * sent, with an empty response ("c1") to fill in. */
typedef struct
{
  CompaniesCompany      *company;
  const char            *uuid;
  CompaniesPushBatch    *batch;
  CompaniesSyncResponse *response;
} TestSentAddition;

TestSentAddition     test_sent_addition        (CompaniesLocalStore   *store);
void                 test_sent_addition_clear  (TestSentAddition      *sent);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestSentAddition, test_sent_addition_clear)

CompaniesPushBatch  *test_build_batch          (CompaniesLocalStore   *store,
                                                GHashTable            *exclude);

/* Sorted uuids of the companies in @companies, joined with ",". */
char                *test_uuids                (GPtrArray             *companies);

G_END_DECLS
