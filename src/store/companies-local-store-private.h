/* companies-local-store-private.h: what the store's own files share, and
 * the interface between the local store and the sync client (building a
 * push batch, applying one response in one transaction). Not installed;
 * tests include it to drive the apply step with hand-built responses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "companies-local-store.h"
#include "companies-protocol.h"

G_BEGIN_DECLS

/* The schema version this build writes (PRAGMA user_version). Version 2
 * adds the add_sent and sent_changed columns (see CompaniesStoreRow). */
#define COMPANIES_LOCAL_STORE_SCHEMA_VERSION 2

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

/* A cached statement is reset (and its bindings cleared) when the
 * g_autoptr(CompaniesStmt) holding it goes out of scope; the statement
 * itself stays prepared for the connection's life. */
typedef sqlite3_stmt CompaniesStmt;
void companies_stmt_release (CompaniesStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesStmt, companies_stmt_release)

/* --- Shared by the store's files (companies-local-store*.c). --- */

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

/* One row of the companies table, as the write paths handle it. */
typedef struct
{
  gint64    local_id;           /* 0: not stored yet */
  char     *uuid;
  gint64    id;                 /* 0: NULL, not on the server */
  gint64    version;
  gint64    base_version;
  gboolean  is_from_server;
  gboolean  is_modified;
  gboolean  is_active;
  /* A local addition (not IsFromServer) already sent to the server at
   * least once: the server may hold it even though no response said so
   * (a lost response, a crash), as first sent. sent_changed holds the
   * fields changed here after that first send, which a retried addition
   * cannot bring to the server (it returns the record it holds). A delete
   * of such a row keeps it (IsActive=False) until the server's id is known
   * and the delete has reached the server. Both are meaningless once
   * IsFromServer. changed_fields keeps its meaning: every field, for an
   * addition. */
  gboolean  add_sent;
  guint     sent_changed;
  guint     changed_fields;
  gint64    local_seq;
  gint64    snapshot_seen;      /* the snapshot generation that listed it, 0 = none */
  char     *rejection_code;
  char     *rejection_field;
  char     *rejection_message;
  char     *values[COMPANIES_N_FIELDS];  /* never NULL once loaded */
} CompaniesStoreRow;

CompaniesStoreRow *companies_store_row_new          (void);
void               companies_store_row_free         (CompaniesStoreRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesStoreRow, companies_store_row_free)
void               companies_store_row_set_rejection (CompaniesStoreRow *row,
                                                      const char        *code,
                                                      const char        *field,
                                                      const char        *message);
CompaniesCompany  *companies_store_row_to_company   (const CompaniesStoreRow *row);

/* Loads the row with @uuid (when not NULL) or else server id @id; *out_row
 * is NULL when there is none. */
gboolean           companies_local_store_load_row   (CompaniesLocalStore *self,
                                                     const char          *uuid,
                                                     gint64               id,
                                                     CompaniesStoreRow  **out_row,
                                                     GError             **error);
/* Inserts (local_id 0, which is then set) or updates the row. */
/* Binds the row's id, version, base_version, flags, changed set, local_seq,
 * snapshot mark and rejection: 12 parameters from @first on, in that order
 * (the order of the store's INSERT and both UPDATEs). */
void               companies_store_row_bind_state   (const CompaniesStoreRow *row,
                                                     sqlite3_stmt            *stmt,
                                                     int                      first);
gboolean           companies_local_store_save_row   (CompaniesLocalStore *self,
                                                     CompaniesStoreRow   *row,
                                                     GError             **error);
gboolean           companies_local_store_remove_row (CompaniesLocalStore *self,
                                                     gint64               local_id,
                                                     GError             **error);
/* Takes the next value of the change counter (inside a transaction). */
gboolean           companies_local_store_next_local_seq (CompaniesLocalStore *self,
                                                         gint64              *out_seq,
                                                         GError             **error);

/* --- The interface of the sync client. --- */

/* The store's local change counter: every ForSync change takes the next
 * value as the record's local_seq. A sync pushes only records whose
 * local_seq is at most the counter's value when it began. */
gboolean          companies_local_store_get_change_counter (CompaniesLocalStore *self,
                                                            gint64              *out_value,
                                                            GError             **error);
/* The stored cursor, NULL when the store holds no server data. */
gboolean          companies_local_store_dup_cursor     (CompaniesLocalStore *self,
                                                        char               **out_cursor,
                                                        GError             **error);
/* Forgets the cursor (and any snapshot in progress) in its own
 * transaction: the next sync pulls a full snapshot. For a cursor the
 * server no longer understands. */
gboolean          companies_local_store_forget_cursor  (CompaniesLocalStore *self,
                                                        GError             **error);
/* Sets the last sync time (unix seconds) in its own transaction. */
gboolean          companies_local_store_set_last_sync_time (CompaniesLocalStore *self,
                                                            gint64               unix_time,
                                                            GError             **error);

/* One pushed record: what was sent, and the record's local_seq then. */
typedef struct
{
  CompaniesChangeKind  kind;
  gint64               local_seq;
  gint64               local_id;
  CompaniesChange     *change;   /* owned by the batch's request */
  gboolean             first_send;  /* an addition this batch marked add_sent */
} CompaniesPushedRecord;

/* A request ready to send: the pending changes (the seed's three filters,
 * skipping rejected rows), the cursor and client id, and for every pushed
 * record its local_seq at the time (uuid -> CompaniesPushedRecord). */
typedef struct
{
  CompaniesSyncRequest *request;
  GHashTable           *pushed;     /* char *uuid -> CompaniesPushedRecord * */
  guint                 n_changes;
} CompaniesPushBatch;

void                companies_push_batch_free          (CompaniesPushBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesPushBatch, companies_push_batch_free)

/* The key under which a record pushed as @kind is kept in @exclude:
 * "<kind>:<uuid>". A record is pushed at most once per kind a sync. */
char               *companies_push_batch_key           (CompaniesChangeKind  kind,
                                                        const char          *uuid);

/* Builds a batch of at most @max_changes pending changes whose local_seq
 * is at most @max_local_seq, leaving out the records whose key (see
 * companies_push_batch_key ()) is in @exclude (may be NULL). The request's
 * lists may all be empty; it always carries the cursor and client id.
 * Additions sent for the first time are marked add_sent (see
 * CompaniesStoreRow) in a transaction of their own before it returns:
 * from then on the server may hold them. */
CompaniesPushBatch *companies_local_store_build_push_batch
                                                       (CompaniesLocalStore *self,
                                                        gint64               max_local_seq,
                                                        guint                max_changes,
                                                        GHashTable          *exclude,
                                                        GError             **error);

/* The request of @batch surely never reached the server, or the server
 * applied none of it (it answered an error status): the additions that
 * @batch marked add_sent are marked unsent again (as if never built),
 * and those deleted here meanwhile are removed, in one transaction. Not
 * for a failure that leaves it unknown (a lost response). */
gboolean            companies_local_store_unmark_adds_sent
                                                       (CompaniesLocalStore       *self,
                                                        const CompaniesPushBatch  *batch,
                                                        GError                   **error);

/* What applying one response did. */
typedef struct
{
  guint received;     /* companies and tombstones of the response */
  guint rejected;     /* records marked rejected (or turned back into additions) */
  guint overwritten;  /* notices stored */
  guint removed;      /* rows removed at the end of a snapshot */
} CompaniesApplyStats;

/* Applies @response, the answer to @batch's request (@batch NULL: a pull
 * that pushed nothing and sent the stored cursor), in one transaction: server records with the in-flight rule, tombstones,
 * rejections (not_found -> local addition), overwritten notices, the
 * snapshot marks of a reset and the removal after its last page, the new
 * cursor and, when nothing more waits on the server, the last sync time. */
gboolean            companies_local_store_apply_response
                                                       (CompaniesLocalStore         *self,
                                                        const CompaniesPushBatch    *batch,
                                                        const CompaniesSyncResponse *response,
                                                        CompaniesApplyStats         *out_stats,
                                                        GError                     **error);

G_END_DECLS
