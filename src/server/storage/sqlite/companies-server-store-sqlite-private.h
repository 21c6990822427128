/* companies-server-store-sqlite-private.h: shared by the files of the
 * SQLite store only
 *
 *   companies-server-store-sqlite.c              connections, the table of functions
 *   companies-server-store-sqlite-statements.c   every statement, prepared once
 *   companies-server-store-sqlite-transaction.c  transactions and the server state
 *   companies-server-store-sqlite-records.c      reading and writing records
 *   companies-server-store-sqlite-history.c      the companies' field history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "companies-server-sqlite-query.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

typedef enum
{
  STMT_BEGIN,
  STMT_BEGIN_READ,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_SAVEPOINT,
  STMT_RELEASE,
  STMT_ROLLBACK_TO,
  STMT_GET_STATE,
  STMT_SET_LAST_VERSION,
  STMT_LOOKUP_ID,
  STMT_LOOKUP_UUID,
  STMT_INSERT,
  STMT_UPDATE,
  STMT_TOMBSTONE,
  STMT_LIST_ALL,
  STMT_LIST_ALIVE,
  STMT_PURGE_NEWEST,
  STMT_PURGE_DELETE,
  STMT_RAISE_HORIZON,
  STMT_HISTORY_ADD,
  STMT_HISTORY_WRITE_CREATION,
  STMT_HISTORY_PRUNE_FIELD,
  STMT_HISTORY_PRUNE_AGE,
  STMT_HISTORY_LIST,
  STMT_HISTORY_WRITER,
  STMT_REPLACED_ADD,
  STMT_REPLACED_TRIM_CLIENT,
  STMT_REPLACED_TRIM_ALL,
  STMT_REPLACED_ACK,
  STMT_REPLACED_LIST,
  STMT_REPLACED_PRUNE_AGE,
  N_STMTS
} StmtId;

typedef struct
{
  CompaniesServerStore  parent;
  sqlite3              *db;
  sqlite3_stmt         *stmts[N_STMTS];
  gboolean              read_only;

  /* The server state, read once per transaction: versions and ids (the
   * newest id ever handed out: ids are never reused) are handed out from
   * memory and written back once, before COMMIT (no other writer can run
   * inside BEGIN IMMEDIATE). */
  CompaniesServerStoreState state;
  gint64                last_id;
  gboolean              state_cached;
  gboolean              version_dirty;
  /* the same, as they were at the savepoint */
  CompaniesServerStoreState saved_state;
  gint64                saved_last_id;
  gboolean              saved_state_cached;
  gboolean              saved_version_dirty;
} CompaniesServerStoreSqlite;

/* Statements (companies-server-store-sqlite-statements.c) */

/* The cached statement, reset and with its bindings cleared. */
sqlite3_stmt          *companies_server_sqlite_get_stmt       (CompaniesServerStoreSqlite  *self,
                                                               StmtId                       id,
                                                               GError                     **error);
/* Ends the use of @stmt after its last step returned @rc: TRUE when it
 * ran to the end (SQLITE_DONE), otherwise sets @error. */
gboolean               companies_server_sqlite_finish_stmt    (CompaniesServerStoreSqlite  *self,
                                                               sqlite3_stmt                *stmt,
                                                               int                          rc,
                                                               GError                     **error);
/* Runs a statement that returns no rows (or whose rows are ignored). */
gboolean               companies_server_sqlite_run_stmt       (CompaniesServerStoreSqlite  *self,
                                                               sqlite3_stmt                *stmt,
                                                               GError                     **error);
/* Runs a statement without parameters. */
gboolean               companies_server_sqlite_exec_stmt      (CompaniesServerStoreSqlite  *self,
                                                               StmtId                       id,
                                                               GError                     **error);
/* Binds @text (NULL binds NULL), copied. */
gboolean               companies_server_sqlite_bind_text      (CompaniesServerStoreSqlite  *self,
                                                               sqlite3_stmt                *stmt,
                                                               int                          index,
                                                               const char                  *text,
                                                               GError                     **error);
/* The record in the current row of a statement that selects RECORD_COLUMNS. */
CompaniesServerRecord *companies_server_sqlite_read_record    (sqlite3_stmt                *stmt);
/* Resets every statement: unfinished ones would keep a transaction's read
 * lock. */
void                   companies_server_sqlite_reset_stmts    (CompaniesServerStoreSqlite  *self);
void                   companies_server_sqlite_finalize_stmts (CompaniesServerStoreSqlite  *self);

/* Transactions and the server state (companies-server-store-sqlite-transaction.c) */

gboolean companies_server_sqlite_begin              (CompaniesServerStore       *store,
                                                     GError                    **error);
gboolean companies_server_sqlite_commit             (CompaniesServerStore       *store,
                                                     GError                    **error);
void     companies_server_sqlite_rollback           (CompaniesServerStore       *store);
gboolean companies_server_sqlite_savepoint          (CompaniesServerStore       *store,
                                                     GError                    **error);
gboolean companies_server_sqlite_release            (CompaniesServerStore       *store,
                                                     GError                    **error);
gboolean companies_server_sqlite_rollback_to        (CompaniesServerStore       *store);
gboolean companies_server_sqlite_get_state          (CompaniesServerStore       *store,
                                                     CompaniesServerStoreState  *out_state,
                                                     GError                    **error);
gboolean companies_server_sqlite_next_version       (CompaniesServerStore       *store,
                                                     gint64                     *out_version,
                                                     GError                    **error);
/* Writes the versions and ids handed out in this transaction back to the
 * server state's row. */
gboolean companies_server_sqlite_flush_last_version (CompaniesServerStoreSqlite  *self,
                                                     GError                     **error);

/* Records (companies-server-store-sqlite-records.c) */

gboolean companies_server_sqlite_lookup_by_id     (CompaniesServerStore   *store,
                                                   gint64                  id,
                                                   CompaniesServerRecord **out_record,
                                                   GError                **error);
gboolean companies_server_sqlite_lookup_by_uuid   (CompaniesServerStore   *store,
                                                   const char             *uuid,
                                                   CompaniesServerRecord **out_record,
                                                   GError                **error);
gboolean companies_server_sqlite_insert           (CompaniesServerStore   *store,
                                                   const char             *uuid,
                                                   const char * const     *values,
                                                   gint64                  version,
                                                   gint64                 *out_id,
                                                   GError                **error);
gboolean companies_server_sqlite_update_fields    (CompaniesServerStore   *store,
                                                   gint64                  id,
                                                   guint                   mask,
                                                   const char * const     *values,
                                                   gint64                  version,
                                                   GError                **error);
gboolean companies_server_sqlite_tombstone        (CompaniesServerStore   *store,
                                                   gint64                  id,
                                                   gint64                  version,
                                                   gint64                  deleted_at,
                                                   GError                **error);
gboolean companies_server_sqlite_list_changes     (CompaniesServerStore   *store,
                                                   gint64                  after_version,
                                                   gboolean                alive_only,
                                                   guint                   max,
                                                   GPtrArray              *records,
                                                   GError                **error);
gboolean companies_server_sqlite_purge_tombstones (CompaniesServerStore   *store,
                                                   gint64                  deleted_before,
                                                   guint                  *out_n_purged,
                                                   GError                **error);

/* History (companies-server-store-sqlite-history.c) */

/* Writes the creation entries of record @id into history when they are
 * still in its row (docs/history.md), before any write to it. */
gboolean companies_server_sqlite_write_creation   (CompaniesServerStoreSqlite  *self,
                                                   gint64                       id,
                                                   GError                     **error);
/* Writes the history of a write to record @id: the fields of @mask with
 * @values, each then kept within the store's bounds, or a deletion when
 * @values is NULL. */
gboolean companies_server_sqlite_note_history     (CompaniesServerStoreSqlite  *self,
                                                   gint64                       id,
                                                   guint                        mask,
                                                   const char * const          *values,
                                                   gint64                       version,
                                                   GError                     **error);
gboolean companies_server_sqlite_list_history     (CompaniesServerStore        *store,
                                                   gint64                       id,
                                                   guint                        max,
                                                   GPtrArray                   *entries,
                                                   GError                     **error);
gboolean companies_server_sqlite_prune_history    (CompaniesServerStore        *store,
                                                   gint64                       before,
                                                   GError                     **error);
/* A text column, or NULL for SQL NULL. */
char    *companies_server_sqlite_dup_text_or_null (sqlite3_stmt                *stmt,
                                                   int                          column);

/* Both sides told (companies-server-store-sqlite-replaced.c) */
gboolean companies_server_sqlite_find_writer      (CompaniesServerStore        *store,
                                                   gint64                       id,
                                                   const char                  *field,
                                                   gint64                       version,
                                                   char                       **out_client_id,
                                                   char                       **out_by,
                                                   gint64                      *out_at,
                                                   GError                     **error);
gboolean companies_server_sqlite_add_replaced     (CompaniesServerStore        *store,
                                                   const char                  *client_id,
                                                   const CompaniesReplaced     *entry,
                                                   GError                     **error);
gboolean companies_server_sqlite_take_replaced    (CompaniesServerStore        *store,
                                                   const char                  *client_id,
                                                   gint64                       acked,
                                                   gint64                       after,
                                                   gint64                       up_to,
                                                   GPtrArray                   *entries,
                                                   GError                     **error);

G_END_DECLS
