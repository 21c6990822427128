/* companies-local-store-private.h: what the store's own files share: the
 * object's fields, the connection's statements, transactions and errors,
 * and the sync_state table.
 * Not for the sync client (companies-local-store-sync.h is its interface);
 * white-box tests include it to look at the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

/* The schema version this build writes (PRAGMA user_version). Version 2
 * adds the add_sent and sent_changed columns (see companies-store-row.h),
 * version 3 the search text and sort keys of the list, version 6 the
 * kept counts (companies-store-counts.h), version 7 the sent spans
 * (companies-sent-spans.h). */
#define COMPANIES_LOCAL_STORE_SCHEMA_VERSION 7

/* A listed (active) row's sync state in the order the list sorts by it:
 * the rows that need attention first (companies_company_get_sync_state ():
 * rejected, changed, added, synced). */
#define COMPANIES_STATE_RANK_SQL \
  "(CASE WHEN rejection_code IS NOT NULL THEN 0 WHEN is_from_server = 0 THEN 2" \
  " WHEN is_modified = 1 THEN 1 ELSE 3 END)"

/* The end of a snapshot: the from-server records it did not list (?1 is
 * its mark) and that hold no local change (IsModified = False and
 * IsActive = True). NOT INDEXED: SQLite otherwise walks one of the
 * list's partial indexes on is_active = 1 and looks each row up in the
 * table in that index's order; at a million rows 3.1 s against 0.26 s
 * for reading the table in order (docs/sync-1m.md, round 10). A client's
 * first push ends its first snapshot with every row there. */
#define COMPANIES_REMOVE_UNSEEN_SQL \
  "DELETE FROM companies NOT INDEXED WHERE is_from_server = 1 AND snapshot_seen <> ?1" \
  " AND is_modified = 0 AND is_active = 1"

/* The columns every read selects, in the order
 * companies_local_store_company_from_row () expects. */
#define COMPANIES_LOCAL_STORE_COLUMNS \
  "uuid, id, version, is_from_server, is_modified, is_active, " \
  "changed_fields, rejection_code, rejection_field, rejection_message, " \
  "name, address, city, postal_code, country, phone, email, website, notes"
#define COMPANIES_LOCAL_STORE_N_COLUMNS (10 + COMPANIES_N_FIELDS)

/* Keys of the sync_state table. */
#define COMPANIES_STATE_CLIENT_ID       "client_id"
#define COMPANIES_STATE_CURSOR          "cursor"
#define COMPANIES_STATE_LAST_SYNC_TIME  "last_sync_time"
#define COMPANIES_STATE_CHANGE_COUNTER  "change_counter"
#define COMPANIES_STATE_SNAPSHOT_ACTIVE "snapshot_active"

/* The page cache of a connection that is not syncing: 16 MiB (SQLite's
 * default is 2 MiB) unless the program sets another; see
 * companies-local-store-file.c and companies-local-store-db.c. */
#define COMPANIES_LOCAL_STORE_IDLE_CACHE_KIB 16384

gint64 companies_local_store_get_default_cache_size (void);

/* The object's fields: companies-local-store.c opens the connection,
 * companies-local-store-db.c runs its statements. */
struct _CompaniesLocalStore
{
  GObject     parent_instance;

  char       *path;
  char       *open_path;    /* the file SQLite opens: @path, or a new
                             * file being made (companies-local-store-file.c) */
  gboolean    creating;     /* @open_path is new and may be made a store */
  char       *client_id;
  sqlite3    *db;
  GHashTable *statements;   /* static SQL string -> sqlite3_stmt */
  gint64      own_commits;  /* commits made through this connection */
  gboolean    trusted;      /* the files matched the record of the last
                             * sound state when last looked at (at a
                             * checked open, at the last write's BEGIN) */
  /* The changes of the counts noted in the write transaction going on
   * (companies-store-counts.h), by CompaniesCount. */
  gint64      count_changes[5];
  gboolean    counts_changed;
  /* Saves that made a row a pending addition (a row of the push's
   * partial index) that was not one: a span of additions read before
   * may then hold one more (CompaniesPushRange). */
  guint64     additions_reentered;
};

/* A cached statement is reset (and its bindings cleared) when the
 * g_autoptr(CompaniesStmt) holding it goes out of scope; the statement
 * itself stays prepared for the connection's life. */
typedef sqlite3_stmt CompaniesStmt;
void companies_stmt_release (CompaniesStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesStmt, companies_stmt_release)

/* --- Shared by the store's files (companies-local-store*.c). --- */

/* companies-local-store.c: opens the connection of @self (its path and
 * open_path set), running PRAGMA integrity_check first when @check. */
gboolean          companies_local_store_open_connection (CompaniesLocalStore *self,
                                                         gboolean             check,
                                                         GError             **error);
/* companies-local-store-file.c: makes a new store at @path, which did
 * not exist, private and complete before it appears under its name. */
gboolean          companies_local_store_create_file    (const char          *path,
                                                         GError             **error);
/* companies-local-store-file.c: PRAGMA integrity_check; damage is
 * COMPANIES_STORE_ERROR_CORRUPT. */
gboolean          companies_local_store_check_integrity    (CompaniesLocalStore *self,
                                                         GError             **error);
gboolean          companies_local_store_files_match_record (CompaniesLocalStore *self);
void              companies_local_store_record_files   (CompaniesLocalStore *self);

sqlite3          *companies_local_store_get_db         (CompaniesLocalStore *self);
/* Prepared once per connection (SQLITE_PREPARE_PERSISTENT), keyed by the
 * address of @sql, which must be a static string. */
CompaniesStmt    *companies_local_store_prepare        (CompaniesLocalStore *self,
                                                        const char          *sql,
                                                        GError             **error);
/* Turns a SQLite result code into a COMPANIES_STORE_ERROR with a message
 * fit to show a person. Always returns FALSE. */
gboolean          companies_local_store_set_error      (CompaniesLocalStore *self,
                                                        int                  rc,
                                                        GError             **error);
/* For statements that must take every row they aim at or none, inside a
 * write transaction: opens a savepoint; its end keeps what ran since
 * (@keep) or takes it back, and closes it (a bulk push's statements that
 * count their rows instead of reading them back). */
gboolean          companies_local_store_savepoint      (CompaniesLocalStore *self,
                                                        GError             **error);
gboolean          companies_local_store_savepoint_end  (CompaniesLocalStore *self,
                                                        gboolean             keep,
                                                        GError             **error);
/* Steps a statement that returns no rows to SQLITE_DONE. */
gboolean          companies_local_store_step_done      (CompaniesLocalStore *self,
                                                        CompaniesStmt       *stmt,
                                                        GError             **error);
/* BEGIN IMMEDIATE (@write) or BEGIN (a read snapshot), COMMIT, ROLLBACK. */
gboolean          companies_local_store_begin          (CompaniesLocalStore *self,
                                                        gboolean             write,
                                                        GError             **error);
gboolean          companies_local_store_commit         (CompaniesLocalStore *self,
                                                        GError             **error);
void              companies_local_store_rollback       (CompaniesLocalStore *self);
/* Runs @sql (no parameters, no rows wanted), uncached: for the schema
 * and the connection's set-up. */
gboolean          companies_local_store_exec           (CompaniesLocalStore *self,
                                                        const char          *sql,
                                                        GError             **error);
/* The integer of @sql's first row (0 when it returns none), uncached. */
gboolean          companies_local_store_query_int      (CompaniesLocalStore *self,
                                                        const char          *sql,
                                                        gint64              *out_value,
                                                        GError             **error);

CompaniesCompany *companies_local_store_company_from_row (sqlite3_stmt *stmt);

/* sync_state values; a missing key reads as NULL / 0. Inside a
 * transaction of the caller's. */
gboolean          companies_local_store_get_state_text (CompaniesLocalStore *self,
                                                        const char          *key,
                                                        char               **out_value,
                                                        GError             **error);
gboolean          companies_local_store_get_state_int  (CompaniesLocalStore *self,
                                                        const char          *key,
                                                        gint64              *out_value,
                                                        GError             **error);
gboolean          companies_local_store_set_state_text (CompaniesLocalStore *self,
                                                        const char          *key,
                                                        const char          *value,
                                                        GError             **error);
gboolean          companies_local_store_set_state_int  (CompaniesLocalStore *self,
                                                        const char          *key,
                                                        gint64               value,
                                                        GError             **error);

/* The ref of the public API: a uuid (any case) or a decimal server id.
 * Fills exactly one of *out_uuid (lower case) and *out_id; FALSE with
 * COMPANIES_STORE_ERROR_NOT_FOUND when @ref is neither. */
gboolean          companies_local_store_parse_ref      (const char          *ref,
                                                        char               **out_uuid,
                                                        gint64              *out_id,
                                                        GError             **error);

/* At the first page of a snapshot into an empty store: drops the indexes
 * that its end builds again (companies-local-store-indexes.c). */
gboolean           companies_local_store_defer_indexes  (CompaniesLocalStore *self,
                                                         GError             **error);
/* In a batch's write transaction, when it sends many additions for the
 * first time: drops the state index if the additions waiting are at
 * least 20,000 and half the rows, a bulk push. */
gboolean           companies_local_store_defer_push_indexes (CompaniesLocalStore *self,
                                                             GError             **error);
/* Builds the indexes dropped by the above, if any; at every apply with
 * no snapshot going on (@unless_pushing: not while additions wait for
 * the server, the bulk push's later answers), and at the end of a
 * sync run (companies_local_store_end_sync ()). */
gboolean           companies_local_store_build_deferred_indexes (CompaniesLocalStore *self,
                                                                 gboolean             unless_pushing,
                                                                 GError             **error);
gboolean           companies_local_store_indexes_deferred (CompaniesLocalStore *self,
                                                           gboolean            *out_deferred,
                                                           GError             **error);

/* In the caller's transaction: drops the indexes that a bulk insert
 * would dirty all over (but the one named @keep, or none when NULL),
 * and returns their CREATE INDEX statements, for
 * companies_local_store_create_indexes () to build them again at the
 * end (companies-local-store-indexes.c). */
GPtrArray         *companies_local_store_drop_bulk_indexes (CompaniesLocalStore *self,
                                                            const char          *keep,
                                                            GError             **error);
gboolean           companies_local_store_create_indexes (CompaniesLocalStore *self,
                                                         GPtrArray           *create_sql,
                                                         GError             **error);

/* Values of a ForSync action checked against docs/protocol.md section 1,
 * a NULL optional field read as "" (companies-local-store-actions.c). */
gboolean           companies_local_store_validate_values (const char * const *values,
                                                          guint               mask,
                                                          const char         *out_values[COMPANIES_N_FIELDS],
                                                          GError            **error);

/* Takes the next value of the change counter (inside a transaction). */
gboolean           companies_local_store_next_local_seq (CompaniesLocalStore *self,
                                                         gint64              *out_seq,
                                                         GError             **error);

/* The create and update ForSync actions inside the caller's transaction,
 * of values already validated (companies-local-store-actions.c). The
 * update sets *out_changed to FALSE when no value differs. */
CompaniesCompany  *companies_local_store_create_in_transaction (CompaniesLocalStore *self,
                                                                const char * const  *values,
                                                                GError             **error);
CompaniesCompany  *companies_local_store_update_in_transaction (CompaniesLocalStore *self,
                                                                const char          *ref,
                                                                guint                mask,
                                                                const char * const  *values,
                                                                gboolean            *out_changed,
                                                                GError             **error);

G_END_DECLS
