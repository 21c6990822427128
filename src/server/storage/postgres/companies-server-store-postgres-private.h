/* companies-server-store-postgres-private.h: shared by the files of the
 * PostgreSQL store only (the design: docs/postgresql.md)
 *
 *   companies-server-store-postgres.c              connections, reconnects, errors,
 *                                                  the table of functions
 *   companies-server-postgres-schema.c             the schema and its migrations
 *   companies-server-store-postgres-statements.c   every statement, prepared once a
 *                                                  connection
 *   companies-server-store-postgres-transaction.c  transactions and the server state
 *   companies-server-store-postgres-records.c      reading and writing records
 *   companies-server-store-postgres-pipeline.c     statements sent without waiting
 *   companies-server-store-postgres-adds.c         many adds in one statement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "companies-fields.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

typedef enum
{
  PG_STMT_GET_STATE,
  PG_STMT_LOCK_STATE,
  PG_STMT_SET_STATE,
  PG_STMT_LOOKUP_ID,
  PG_STMT_LOOKUP_UUID,
  PG_STMT_INSERT,
  PG_STMT_INSERT_MANY,
  PG_STMT_UPDATE,
  PG_STMT_TOMBSTONE,
  PG_STMT_LIST_ALL,
  PG_STMT_LIST_ALIVE,
  PG_STMT_PURGE_NEWEST,
  PG_STMT_PURGE_DELETE,
  PG_STMT_RAISE_HORIZON,
  PG_STMT_FIND_UUIDS,
  PG_STMT_HISTORY_LIST,
  PG_STMT_HISTORY_PRUNE_AGE,
  PG_STMT_HISTORY_WRITER,
  PG_STMT_REPLACED_ADD,
  PG_STMT_REPLACED_ACK,
  PG_STMT_REPLACED_LIST,
  PG_STMT_REPLACED_PRUNE_AGE,
  PG_N_STMTS
} PgStmtId;

/* What a statement sent without waiting for its answer must answer
 * (companies-server-store-postgres-pipeline.c). */
typedef enum
{
  PG_PIPED_COMMAND,  /* success; a failure takes the transaction with it */
  PG_PIPED_ADD,      /* one row inserted */
  PG_PIPED_CHANGE,   /* one row changed */
} PgPiped;

/* A statement sent and not yet answered: what it must answer, and (adds
 * and changes) how many rows. */
typedef struct
{
  PgPiped kind;
  guint   rows;
} PgPipedItem;

/* Adds sent as one statement (companies-server-store-postgres-adds.c):
 * its columns as array literals, one element an add. */
typedef enum
{
  PG_ADD_UUID,
  PG_ADD_VERSION,
  PG_ADD_ID,
  PG_ADD_FIELDS,    /* then one a field, in the order of CompaniesField */
  PG_ADD_N_COLUMNS = PG_ADD_FIELDS + COMPANIES_N_FIELDS
} PgAddColumn;

/* The most parameters a statement takes (an update: id, version, the
 * fields, then for its history: when, who, the horizon and the count). */
#define PG_MAX_PARAMS 16

/* The parameters of one statement, all sent as text: numbers are written
 * into @numbers. */
typedef struct
{
  const char *values[PG_MAX_PARAMS];
  char        numbers[PG_MAX_PARAMS][24];
  int         n;
} PgParams;

typedef struct
{
  CompaniesServerStore  parent;
  PGconn               *conn;
  gboolean              read_only;
  gboolean              prepared[PG_N_STMTS];
  char                  names[PG_N_STMTS][16];  /* "companies_<id>" */
  gint64                last_connect_attempt;  /* monotonic µs of the last failed one */
  gboolean              broken;                /* a statement failed to reach the database,
                                                * or it never connected */
  gboolean              ever_connected;
  /* the uuids of the coming adds that the database does not hold, and
   * the kind (PgPiped) of each statement sent but not yet answered
   * (…-pipeline.c) */
  GHashTable           *new_uuids;
  GArray               *piped;                 /* of PgPipedItem */
  /* adds of new uuids not yet sent: one statement for many (…-adds.c) */
  GString              *adds[PG_ADD_N_COLUMNS];
  guint                 n_adds;
  /* a command sent without waiting failed: the transaction is gone */
  gboolean              lost;

  /* The server state, read and row-locked at the start of a write
   * transaction (docs/postgresql.md, "Versions commit in order"); versions
   * and ids are handed out from memory and written back before COMMIT. */
  CompaniesServerStoreState state;
  gint64                last_id;
  gboolean              state_cached;
  gboolean              state_dirty;
  /* the same, as they were at the savepoint */
  CompaniesServerStoreState saved_state;
  gint64                saved_last_id;
  gboolean              saved_state_dirty;
} CompaniesServerStorePostgres;

/* Connections and errors (companies-server-store-postgres.c) */

/* Sets @error (COMPANIES_SERVER_STORE_ERROR) from @result's failure, or
 * the connection's when @result is NULL: UNAVAILABLE when the database
 * cannot be reached; always returns FALSE. */
gboolean   companies_server_postgres_set_error     (PGconn                       *conn,
                                                    const PGresult               *result,
                                                    GError                      **error);
/* Marks the connection broken when @error says the database could not
 * be reached. */
void       companies_server_postgres_note_failure  (CompaniesServerStorePostgres *self,
                                                    const GError                 *error);
/* Reconnects a broken connection (at most once a second); UNAVAILABLE
 * when the database still does not answer. */
gboolean   companies_server_postgres_ensure_conn   (CompaniesServerStorePostgres *self,
                                                    GError                      **error);

/* Statements (companies-server-store-postgres-statements.c) */

void       companies_server_postgres_params_text   (PgParams                     *params,
                                                    const char                   *text);
void       companies_server_postgres_params_int    (PgParams                     *params,
                                                    gint64                        value);
/* Appends one parameter a character of @types: 'i' takes a gint64 (cast
 * every argument to one), 't' a string (NULL: SQL NULL). */
void       companies_server_postgres_params_add    (PgParams                     *params,
                                                    const char                   *types,
                                                    ...);
/* Runs statement @id (as companies_server_postgres_run ()) with the
 * parameters @types says, as companies_server_postgres_params_add (). */
PGresult  *companies_server_postgres_query         (CompaniesServerStorePostgres *self,
                                                    PgStmtId                      id,
                                                    GError                      **error,
                                                    const char                   *types,
                                                    ...);
/* The name of statement @id, prepared on this connection the first time. */
const char *companies_server_postgres_prepare      (CompaniesServerStorePostgres *self,
                                                    PgStmtId                      id,
                                                    GError                      **error);
/* Runs statement @id (prepared on this connection the first time) with
 * @params (NULL: none), after what was sent before it, in the same round
 * trip; NULL with @error unless it and they succeeded. */
PGresult  *companies_server_postgres_run           (CompaniesServerStorePostgres *self,
                                                    PgStmtId                      id,
                                                    const PgParams               *params,
                                                    GError                      **error);
/* Sends statement @id without waiting for its answer, which must be
 * @kind's; read with the next statement run. */
gboolean   companies_server_postgres_send          (CompaniesServerStorePostgres *self,
                                                    PgPiped                       kind,
                                                    PgStmtId                      id,
                                                    const PgParams               *params,
                                                    GError                      **error);
/* The same for a constant command without parameters (BEGIN, SAVEPOINT …). */
gboolean   companies_server_postgres_send_command  (CompaniesServerStorePostgres *self,
                                                    const char                   *sql,
                                                    GError                      **error);
/* @result, or NULL with @error (and @result freed) unless it is a
 * success: a command's or a query's. */
PGresult  *companies_server_postgres_check_result  (PGconn                       *conn,
                                                    PGresult                     *result,
                                                    GError                      **error);
/* Runs a constant command without parameters (BEGIN, COMMIT …) on @conn. */
PGresult  *companies_server_postgres_command       (PGconn                       *conn,
                                                    const char                   *sql,
                                                    GError                      **error);
/* The number in row @row, column @column. */
gint64     companies_server_postgres_get_int       (const PGresult               *result,
                                                    int                           row,
                                                    int                           column);
/* The record in row @row of a statement that selects RECORD_COLUMNS. */
CompaniesServerRecord *companies_server_postgres_read_record (const PGresult     *result,
                                                              int                 row);

/* Transactions and the server state (companies-server-store-postgres-transaction.c) */

gboolean companies_server_postgres_begin        (CompaniesServerStore       *store,
                                                 GError                    **error);
gboolean companies_server_postgres_commit       (CompaniesServerStore       *store,
                                                 GError                    **error);
void     companies_server_postgres_rollback     (CompaniesServerStore       *store);
gboolean companies_server_postgres_savepoint    (CompaniesServerStore       *store,
                                                 GError                    **error);
gboolean companies_server_postgres_release      (CompaniesServerStore       *store,
                                                 GError                    **error);
gboolean companies_server_postgres_rollback_to  (CompaniesServerStore       *store);
gboolean companies_server_postgres_get_state    (CompaniesServerStore       *store,
                                                 CompaniesServerStoreState  *out_state,
                                                 GError                    **error);
gboolean companies_server_postgres_next_version (CompaniesServerStore       *store,
                                                 gint64                     *out_version,
                                                 GError                    **error);

/* Statements sent without waiting (companies-server-store-postgres-pipeline.c) */

gboolean companies_server_postgres_expect_adds     (CompaniesServerStore          *store,
                                                    const char * const            *uuids,
                                                    guint                          n_uuids,
                                                    GError                       **error);
/* TRUE (once) when @uuid is a coming add the database does not hold. */
gboolean companies_server_postgres_pipeline_takes  (CompaniesServerStorePostgres  *self,
                                                    const char                    *uuid);
/* Sends prepared @name (or else @sql) with @params (may be NULL) without
 * waiting; its answer must be @kind's. */
gboolean companies_server_postgres_pipeline_send   (CompaniesServerStorePostgres  *self,
                                                    PgPiped                        kind,
                                                    const char                    *name,
                                                    const char                    *sql,
                                                    const PgParams                *params,
                                                    GError                       **error);
/* The same for an item whose answer must be @rows rows changed, sent
 * even before the adds kept. */
gboolean companies_server_postgres_pipeline_send_rows (CompaniesServerStorePostgres *self,
                                                       PgPiped                      kind,
                                                       guint                        rows,
                                                       const char                  *name,
                                                       const PgParams              *params,
                                                       GError                     **error);
/* Runs prepared @name (or else @sql) after what was sent, in one round
 * trip: its result, or NULL with @error for the first failure. */
PGresult *companies_server_postgres_pipeline_exec   (CompaniesServerStorePostgres  *self,
                                                    const char                    *name,
                                                    const char                    *sql,
                                                    const PgParams                *params,
                                                    GError                       **error);
/* Reads the answers of what was sent; FALSE for the first failure. */
gboolean companies_server_postgres_pipeline_flush  (CompaniesServerStorePostgres  *self,
                                                    GError                       **error);
/* TRUE while answers are unread (with @writes_only: a write's). */
gboolean companies_server_postgres_pipeline_busy   (CompaniesServerStorePostgres  *self,
                                                    gboolean                       writes_only);

/* Adds sent together (companies-server-store-postgres-adds.c) */

/* Keeps the add of a uuid the database does not hold, to be sent with
 * others in one statement (before the next statement of any other kind). */
gboolean companies_server_postgres_adds_keep       (CompaniesServerStorePostgres  *self,
                                                    const char                    *uuid,
                                                    gint64                         version,
                                                    gint64                         id,
                                                    const char * const            *values,
                                                    GError                       **error);
/* Sends the adds kept, if any, without waiting: their answer must be as
 * many rows inserted. */
gboolean companies_server_postgres_adds_send       (CompaniesServerStorePostgres  *self,
                                                    GError                       **error);
/* Forgets the adds kept (their request is rolled back). */
void     companies_server_postgres_adds_clear      (CompaniesServerStorePostgres  *self);
/* Frees what keeping adds took (the store closes). */
void     companies_server_postgres_adds_free       (CompaniesServerStorePostgres  *self);

/* Records (companies-server-store-postgres-records.c) */

gboolean companies_server_postgres_lookup_by_id     (CompaniesServerStore   *store,
                                                     gint64                  id,
                                                     CompaniesServerRecord **out_record,
                                                     GError                **error);
gboolean companies_server_postgres_lookup_by_uuid   (CompaniesServerStore   *store,
                                                     const char             *uuid,
                                                     CompaniesServerRecord **out_record,
                                                     GError                **error);
gboolean companies_server_postgres_insert           (CompaniesServerStore   *store,
                                                     const char             *uuid,
                                                     const char * const     *values,
                                                     gint64                  version,
                                                     gint64                 *out_id,
                                                     GError                **error);
gboolean companies_server_postgres_update_fields    (CompaniesServerStore   *store,
                                                     gint64                  id,
                                                     guint                   mask,
                                                     const char * const     *values,
                                                     gint64                  version,
                                                     GError                **error);
gboolean companies_server_postgres_tombstone        (CompaniesServerStore   *store,
                                                     gint64                  id,
                                                     gint64                  version,
                                                     gint64                  deleted_at,
                                                     GError                **error);
gboolean companies_server_postgres_list_changes     (CompaniesServerStore   *store,
                                                     gint64                  after_version,
                                                     gboolean                alive_only,
                                                     guint                   max,
                                                     GPtrArray              *records,
                                                     GError                **error);
gboolean companies_server_postgres_purge_tombstones (CompaniesServerStore   *store,
                                                     gint64                  deleted_before,
                                                     guint                  *out_n_purged,
                                                     GError                **error);
gboolean companies_server_postgres_list_history     (CompaniesServerStore   *store,
                                                     gint64                  id,
                                                     guint                   max,
                                                     GPtrArray              *entries,
                                                     GError                **error);
gboolean companies_server_postgres_prune_history    (CompaniesServerStore   *store,
                                                     gint64                  before,
                                                     GError                **error);
/* A value, or NULL for SQL NULL. */
char    *companies_server_postgres_dup_value_or_null (const PGresult        *result,
                                                      int                    row,
                                                      int                    column);

/* Both sides told (companies-server-store-postgres-replaced.c) */
gboolean companies_server_postgres_find_writer      (CompaniesServerStore   *store,
                                                     gint64                  id,
                                                     const char             *field,
                                                     gint64                  version,
                                                     char                  **out_client_id,
                                                     char                  **out_by,
                                                     gint64                 *out_at,
                                                     GError                **error);
gboolean companies_server_postgres_add_replaced     (CompaniesServerStore   *store,
                                                     const char             *client_id,
                                                     const CompaniesReplaced *entry,
                                                     GError                **error);
gboolean companies_server_postgres_take_replaced    (CompaniesServerStore   *store,
                                                     const char             *client_id,
                                                     gint64                  acked,
                                                     gint64                  after,
                                                     gint64                  up_to,
                                                     GPtrArray              *entries,
                                                     GError                **error);

G_END_DECLS
