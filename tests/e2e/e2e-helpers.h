/* e2e-helpers.h: shared helpers of the end-to-end tests: stores in temp
 * dirs, syncs (blocking and through the main loop), and the server's true
 * state read over raw HTTP with the protocol's own decoder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-company.h"
#include "companies-local-store.h"
#include "companies-protocol.h"
#include "companies-sync-client.h"
#include "companies-test-proxy.h"
#include "companies-test-server.h"

G_BEGIN_DECLS

/* A temp dir and a real server on a random loopback port. */
typedef struct
{
  char                *tmpdir;
  char                *server_db;
  CompaniesTestServer *server;
} E2eWorld;

/* Fixture functions for g_test_add (): @server_args is a NULL-terminated
 * array of extra server arguments, or NULL. */
void                 e2e_world_setup          (E2eWorld            *world,
                                               gconstpointer        server_args);
void                 e2e_world_teardown       (E2eWorld            *world,
                                               gconstpointer        unused);
const char          *e2e_world_url            (E2eWorld            *world);
/* A file name inside the world's temp dir (newly allocated). */
char                *e2e_world_path           (E2eWorld            *world,
                                               const char          *name);

/* The store and a sync client of one simulated installation. */
typedef struct
{
  char                *path;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
} E2eClient;

E2eClient           *e2e_client_new           (E2eWorld            *world,
                                               const char          *name,
                                               const char          *server_url,
                                               const char          *token);
void                 e2e_client_free          (E2eClient           *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (E2eClient, e2e_client_free)

/* A world, a test proxy in front of its server, and one installation
 * ("a") that talks to the server through the proxy. */
typedef struct
{
  E2eWorld            world;
  CompaniesTestProxy *proxy;
  E2eClient          *client;
} E2eProxiedWorld;

/* Fixture functions for g_test_add (); @server_args as for
 * e2e_world_setup (). */
void                 e2e_proxied_world_setup  (E2eProxiedWorld     *proxied,
                                               gconstpointer        server_args);
void                 e2e_proxied_world_teardown
                                              (E2eProxiedWorld     *proxied,
                                               gconstpointer        unused);

/* Store actions that must succeed. */
CompaniesCompany    *e2e_add                  (CompaniesLocalStore *store,
                                               const char          *name,
                                               const char          *city,
                                               const char          *phone);
CompaniesCompany    *e2e_set                  (CompaniesLocalStore *store,
                                               const char          *ref,
                                               CompaniesField       field,
                                               const char          *value);
void                 e2e_delete               (CompaniesLocalStore *store,
                                               const char          *ref);
/* NULL when the store has no such record (asserts the error is NOT_FOUND). */
CompaniesCompany    *e2e_lookup               (CompaniesLocalStore *store,
                                               const char          *ref);
/* Every record, locally deleted ones included. */
GPtrArray           *e2e_list_all             (CompaniesLocalStore *store);
void                 e2e_sort_by_uuid         (GPtrArray           *companies);
CompaniesStoreStatus e2e_status               (CompaniesLocalStore *store);
char                *e2e_id_ref               (gint64               id);

/* A blocking sync that must succeed. */
CompaniesSyncResult *e2e_sync_ok              (E2eClient           *client);
/* The same, when the test does not look at the counts. */
void                 e2e_sync_once            (E2eClient           *client);
/* A blocking sync; NULL and @error on failure. */
CompaniesSyncResult *e2e_sync                 (E2eClient           *client,
                                               GError             **error);

/* companies_sync_client_sync_async, then iterates the thread-default main
 * context until it completes (bounded). */
typedef struct
{
  gboolean             done;
  guint                order;     /* 1 = first callback to run */
  CompaniesSyncResult *result;
  GError              *error;
} E2eAsyncSync;

void                 e2e_sync_async_start     (CompaniesSyncClient *client,
                                               E2eAsyncSync        *call);
void                 e2e_sync_async_start_cancellable
                                              (CompaniesSyncClient *client,
                                               GCancellable        *cancellable,
                                               E2eAsyncSync        *call);
void                 e2e_async_wait           (E2eAsyncSync       **calls,
                                               guint                n_calls,
                                               guint                timeout_ms);
void                 e2e_async_clear          (E2eAsyncSync        *call);
/* Iterates the thread-default main context until @client's "is-syncing"
 * is FALSE (bounded). */
void                 e2e_wait_not_syncing     (CompaniesSyncClient *client,
                                               guint                timeout_ms);

/* The records the server holds now (live companies only, uuid → the
 * CompaniesRecord), read with raw POSTs from a null cursor through every
 * page; asserts that no uuid and no id appears twice. */
GHashTable          *e2e_server_records       (const char          *url,
                                               const char          *token);

/* The store holds exactly @server (by uuid), every record with the
 * server's id, version and values, and synced flags, no pending changes. */
void                 e2e_assert_store_equals  (CompaniesLocalStore *store,
                                               GHashTable          *server);
void                 e2e_assert_synced        (CompaniesCompany    *company);
void                 e2e_assert_clean         (CompaniesLocalStore *store);
void                 e2e_assert_same_records  (GPtrArray           *a,
                                               GPtrArray           *b);
/* The store holds the records of @before and the counts of
 * @status_before: a failed sync changed nothing. */
void                 e2e_assert_unchanged_since
                                              (CompaniesLocalStore *store,
                                               GPtrArray           *before,
                                               const CompaniesStoreStatus *status_before);
/* Asserts the record's user fields equal the server record's. */
void                 e2e_assert_fields_equal  (CompaniesCompany    *company,
                                               CompaniesRecord     *record);

/* The client's notices, newest first (asserted readable). */
GPtrArray           *e2e_list_notices         (E2eClient           *client);

/* A loopback port on which nothing listens (a port just bound and closed). */
guint16              e2e_unused_port          (void);

G_END_DECLS
