/* companies-local-store.h: the client's SQLite store (the LocalCompany
 * table of the pattern in docs/pattern.md) and its ForSync actions, the
 * only way to change it.
 *
 * One CompaniesLocalStore owns one sqlite3 connection and is used from one
 * thread. The app uses one on the main thread; the sync worker opens its
 * own. Several connections and processes (the app and companies-cli) may
 * share one file: WAL, a busy timeout, and BEGIN IMMEDIATE for every write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-company.h"
#include "companies-error.h"
#include "companies-fields.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_LOCAL_STORE (companies_local_store_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesLocalStore, companies_local_store, COMPANIES, LOCAL_STORE, GObject)

/* What a sync would send now, and how the last one went. */
typedef struct
{
  guint   pending_added;    /* the pattern's "added" filter */
  guint   pending_updated;  /* the pattern's "updated" filter */
  guint   pending_deleted;  /* the pattern's "deleted" filter */
  guint   rejected;         /* records the server refused, until edited */
  guint   active;           /* records a person sees (IsActive) */
  gint64  last_sync_time;   /* unix seconds of the last successful sync, 0 = never */
  gboolean has_cursor;      /* the store holds server data */
  guint   overwritten;      /* values our pushes replaced unseen, told and not yet
                             * dismissed (docs/notices.md) */
} CompaniesStoreStatus;

/* The default database file: $XDG_DATA_HOME/companies/companies.db
 * (g_get_user_data_dir ()), shared by the app and the CLI. */
char                *companies_local_store_get_default_path  (void);

/* Opens (creating it, mode 0600, and its folder if needed) and migrates
 * the schema (PRAGMA user_version). A file that is there but empty (0
 * bytes, or no tables) or not a Companies store is refused, unchanged.
 * Errors are COMPANIES_STORE_ERROR. */
CompaniesLocalStore *companies_local_store_open              (const char           *path,
                                                              GError              **error);
/* As companies_local_store_open (), after reading the whole file with
 * PRAGMA integrity_check: a damaged file is COMPANIES_STORE_ERROR_CORRUPT
 * before anything is written. For a program's first open of a file
 * (a command of companies-cli, a sync); it reads every page. */
CompaniesLocalStore *companies_local_store_open_checked      (const char           *path,
                                                              GError              **error);
const char          *companies_local_store_get_path          (CompaniesLocalStore  *self);
/* The page cache, in KiB, of the connections opened from now on in this
 * program and of any connection after a sync (16 MiB unless set): a
 * program that only reads ranges larger than any cache and writes one
 * company at a time (the app) keeps less. */
void                 companies_local_store_set_default_cache_size (gint64 kib);
/* The page cache of this connection only, in KiB, until a sync ends;
 * for bulk writes (an import). Failure is not an error. */
void                 companies_local_store_set_cache_size    (CompaniesLocalStore  *self,
                                                              gint64                kib);
/* The installation's uuid, made at creation, stable across runs. */
const char          *companies_local_store_get_client_id     (CompaniesLocalStore  *self);

/* --- The ForSync actions: each one transaction, validated with
 *     companies_fields_validate () first (COMPANIES_VALIDATION_ERROR). --- */

/* The pattern's CreateOrUpdateLocalCompanyForSync. When @company's uuid names
 * a stored record, every field of @company is written over it as an update
 * (only the fields whose value differs join the changed set). Otherwise a
 * new record is created with a new uuid (IsFromServer=False,
 * IsModified=True, IsActive=True). Returns the stored record. */
CompaniesCompany    *companies_local_store_create_or_update_for_sync
                                                             (CompaniesLocalStore  *self,
                                                              CompaniesCompany     *company,
                                                              GError              **error);

/* Creates a record from @values (indexed by CompaniesField, NULL = "").
 * Returns the stored record with its new uuid. */
CompaniesCompany    *companies_local_store_create_for_sync   (CompaniesLocalStore  *self,
                                                              const char * const   *values,
                                                              GError              **error);

/* A bulk import (a file of companies, say): each element of @values_rows
 * (a values array as for companies_local_store_create_for_sync ()) becomes
 * a new record exactly as that action makes one (new uuid,
 * IsFromServer=False, IsModified=True, IsActive=True), all in ONE
 * transaction. Every row is validated first: one invalid row fails the
 * whole import with its COMPANIES_VALIDATION_ERROR (the message names the
 * row, counted from 1) and nothing is written. */
gboolean             companies_local_store_import_for_sync   (CompaniesLocalStore  *self,
                                                              GPtrArray            *values_rows,
                                                              GError              **error);

/* The pattern's UpdateLocalCompanyForSync: writes the fields in @mask from
 * @values; those whose value differs join the changed set, IsModified=True,
 * the rejection (if any) is cleared. @ref is a uuid or a server id in
 * decimal. Unknown or deleted: COMPANIES_STORE_ERROR_NOT_FOUND. */
CompaniesCompany    *companies_local_store_update_for_sync   (CompaniesLocalStore  *self,
                                                              const char           *ref,
                                                              guint                 mask,
                                                              const char * const   *values,
                                                              GError              **error);

/* The pattern's DeleteLocalCompanyForSync: a from-server record gets
 * IsActive=False (kept until the server confirms); a record never synced
 * is removed at once. */
gboolean             companies_local_store_delete_for_sync   (CompaniesLocalStore  *self,
                                                              const char           *ref,
                                                              GError              **error);

/* Undo of a delete, for the app's "Undo" notice: a record still held as
 * deleted becomes active again; one already gone (never synced, or removed
 * after the server confirmed) is created anew from @deleted's values with
 * a new uuid. Returns the stored record. */
CompaniesCompany    *companies_local_store_undelete_for_sync (CompaniesLocalStore  *self,
                                                              CompaniesCompany     *deleted,
                                                              GError              **error);

/* --- Reads. --- */

/* Every active record, sorted by name (collated case-insensitively), or
 * with @include_deleted also the locally deleted ones. */
GPtrArray           *companies_local_store_list              (CompaniesLocalStore  *self,
                                                              gboolean              include_deleted,
                                                              GError              **error);
/* Every active record in no particular order: a plain scan of the table,
 * for a caller that sorts them itself. */
GPtrArray           *companies_local_store_list_unordered    (CompaniesLocalStore  *self,
                                                              GError              **error);
/* companies_local_store_foreach (): which rows, in which order. */
typedef enum
{
  COMPANIES_LOCAL_STORE_EACH_DEFAULT         = 0,      /* active, as stored */
  COMPANIES_LOCAL_STORE_EACH_INCLUDE_DELETED = 1 << 0, /* also those deleted here */
  COMPANIES_LOCAL_STORE_EACH_BY_NAME         = 1 << 1, /* sorted as companies_local_store_list () */
} CompaniesLocalStoreEachFlags;

/* Called for each company; FALSE (with @error set) stops the walk. */
typedef gboolean (*CompaniesLocalStoreEachFunc) (CompaniesCompany  *company,
                                                 gpointer           user_data,
                                                 GError           **error);

/* Calls @func for each record, one at a time, from one snapshot of the
 * file: memory stays flat however many there are. FALSE when @func or
 * the read fails. */
gboolean             companies_local_store_foreach           (CompaniesLocalStore          *self,
                                                              CompaniesLocalStoreEachFlags  flags,
                                                              CompaniesLocalStoreEachFunc   func,
                                                              gpointer                      user_data,
                                                              GError                      **error);
/* By uuid or decimal server id; NULL with COMPANIES_STORE_ERROR_NOT_FOUND. */
CompaniesCompany    *companies_local_store_lookup            (CompaniesLocalStore  *self,
                                                              const char           *ref,
                                                              GError              **error);

/* The pattern's three filters, exactly:
 *   added:   IsFromServer = False and IsActive = True
 *   updated: IsModified = True and IsFromServer = True and IsActive = True
 *   deleted: IsActive = False and IsFromServer = True */
GPtrArray           *companies_local_store_list_added        (CompaniesLocalStore  *self,
                                                              GError              **error);
GPtrArray           *companies_local_store_list_updated      (CompaniesLocalStore  *self,
                                                              GError              **error);
GPtrArray           *companies_local_store_list_deleted      (CompaniesLocalStore  *self,
                                                              GError              **error);
/* The records the server refused (deleted ones too), sorted by name. */
GPtrArray           *companies_local_store_list_rejected     (CompaniesLocalStore  *self,
                                                              GError              **error);

gboolean             companies_local_store_get_status        (CompaniesLocalStore  *self,
                                                              CompaniesStoreStatus *out_status,
                                                              GError              **error);


/* A number that changes whenever any connection commits a change to the
 * file (PRAGMA data_version plus this connection's own writes): lets the
 * app see that the CLI or the sync worker wrote something. */
gint64               companies_local_store_get_data_version  (CompaniesLocalStore  *self);

G_END_DECLS
