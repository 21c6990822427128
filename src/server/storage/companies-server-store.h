/* companies-server-store.h: everything the server's sync needs from a
 * database, as a small table of functions: the one place a backend plugs
 * in. The SQLite backend (sqlite/) and the PostgreSQL one (postgres/)
 * implement it; another backend goes in a folder beside them and touches
 * neither the merge rules nor the worker.
 *
 * Every call is made from one thread at a time. The worker
 * (companies-server-worker.c) alone opens and ends transactions: it
 * brackets the merge code's calls with begin () … commit (), or rollback ()
 * on any error, and a request of a group with savepoint () … release (),
 * or rollback_to ().
 *
 * History (docs/history.md): insert, update_fields and tombstone also
 * write each company's field history, in the same transaction, stamped
 * with the author set by companies_server_store_set_author (), and prune
 * the history of the fields they write to the store's bounds.
 *
 * Both sides told (docs/notices.md): history rows also keep the writing
 * client's id (companies_server_store_set_writer ()); find_writer reads
 * it back, and the `replaced` entries addressed to a client are kept
 * (add_replaced, bounded by count) until it acknowledges them or they age
 * out with history (take_replaced, prune_history).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-history-entry.h"
#include "companies-protocol.h"
#include "companies-server-record.h"

G_BEGIN_DECLS

#define COMPANIES_SERVER_STORE_ERROR (companies_server_store_error_quark ())

typedef enum
{
  COMPANIES_SERVER_STORE_ERROR_OPEN,      /* the database cannot be opened or created */
  COMPANIES_SERVER_STORE_ERROR_NOT_OURS,  /* not a companies-server database */
  COMPANIES_SERVER_STORE_ERROR_TOO_NEW,   /* made by a newer companies-server */
  COMPANIES_SERVER_STORE_ERROR_FAILED,    /* any other storage failure */
  COMPANIES_SERVER_STORE_ERROR_FULL,      /* no room left (disk full, size cap) */
  COMPANIES_SERVER_STORE_ERROR_UNAVAILABLE, /* the database does not answer now (a
                                             * database server down); try again later */
} CompaniesServerStoreError;

GQuark companies_server_store_error_quark (void);

typedef struct
{
  gint64 last_version;   /* the newest version handed out, 0 for none */
  gint64 purge_horizon;  /* the newest version of any purged tombstone, 0 for none */
} CompaniesServerStoreState;

typedef struct _CompaniesServerStore CompaniesServerStore;

typedef struct
{
  const char *name;

  void     (*close)            (CompaniesServerStore       *self);

  gboolean (*begin)            (CompaniesServerStore       *self,
                                GError                    **error);
  gboolean (*commit)           (CompaniesServerStore       *self,
                                GError                    **error);
  void     (*rollback)         (CompaniesServerStore       *self);
  /* Inside a transaction: one level of savepoint. rollback_to returns
   * FALSE when the transaction itself is gone (some failures roll it all
   * back), TRUE when only the work since the savepoint was undone. */
  gboolean (*savepoint)        (CompaniesServerStore       *self,
                                GError                    **error);
  gboolean (*release)          (CompaniesServerStore       *self,
                                GError                    **error);
  gboolean (*rollback_to)      (CompaniesServerStore       *self);

  gboolean (*get_state)        (CompaniesServerStore       *self,
                                CompaniesServerStoreState  *out_state,
                                GError                    **error);
  /* Takes the next value of the one server-wide version sequence. */
  gboolean (*next_version)     (CompaniesServerStore       *self,
                                gint64                     *out_version,
                                GError                    **error);

  /* *out_record is NULL (and TRUE is returned) when there is no such record. */
  gboolean (*lookup_by_id)     (CompaniesServerStore       *self,
                                gint64                      id,
                                CompaniesServerRecord     **out_record,
                                GError                    **error);
  gboolean (*lookup_by_uuid)   (CompaniesServerStore       *self,
                                const char                 *uuid,
                                CompaniesServerRecord     **out_record,
                                GError                    **error);

  /* Optional (NULL: nothing to do): the uuids the next inserts of this
   * transaction will be, in order, so that a backend may look them all up
   * at once rather than wait for each insert's answer. Replaces what the
   * last call said. */
  gboolean (*expect_adds)      (CompaniesServerStore       *self,
                                const char * const         *uuids,
                                guint                       n_uuids,
                                GError                    **error);

  /* A new alive record; every field (NULL meaning "") gets @version as its
   * field version. Ids are never reused, even after a purge. When a record
   * with @uuid exists already (alive or tombstone), nothing is written,
   * @version is not used up, and *out_id is 0. */
  gboolean (*insert)           (CompaniesServerStore       *self,
                                const char                 *uuid,
                                const char * const         *values,
                                gint64                      version,
                                gint64                     *out_id,
                                GError                    **error);
  /* Writes the fields in @mask, each with field version @version, and sets
   * the record's version to @version. */
  gboolean (*update_fields)    (CompaniesServerStore       *self,
                                gint64                      id,
                                guint                       mask,
                                const char * const         *values,
                                gint64                      version,
                                GError                    **error);
  /* Turns an alive record into a tombstone deleted at @deleted_at (UNIX
   * seconds); its field values are dropped. */
  gboolean (*tombstone)        (CompaniesServerStore       *self,
                                gint64                      id,
                                gint64                      version,
                                gint64                      deleted_at,
                                GError                    **error);

  /* Appends to @records (of CompaniesServerRecord) at most @max records whose
   * version is greater than @after_version, in version order; tombstones
   * too unless @alive_only. */
  gboolean (*list_changes)     (CompaniesServerStore       *self,
                                gint64                      after_version,
                                gboolean                    alive_only,
                                guint                       max,
                                GPtrArray                  *records,
                                GError                    **error);

  /* Removes the tombstones deleted at or before @deleted_before (UNIX
   * seconds) and raises the purge horizon to the newest version among
   * them. */
  gboolean (*purge_tombstones) (CompaniesServerStore       *self,
                                gint64                      deleted_before,
                                guint                      *out_n_purged,
                                GError                    **error);

  /* Appends to @entries (of CompaniesHistoryEntry) at most @max entries of
   * record @id's history, newest first. */
  gboolean (*list_history)     (CompaniesServerStore       *self,
                                gint64                      id,
                                guint                       max,
                                GPtrArray                  *entries,
                                GError                    **error);
  /* Removes the history, and the `replaced` entries, written before
   * @before (UNIX seconds). */
  gboolean (*prune_history)    (CompaniesServerStore       *self,
                                gint64                      before,
                                GError                    **error);

  /* Who wrote @field (a wire name) of record @id at @version, from its
   * history: the client id (NULL when it did not give one), the label
   * (NULL when unknown) and the time; all unset (NULL, 0) without such
   * an entry. */
  gboolean (*find_writer)      (CompaniesServerStore       *self,
                                gint64                      id,
                                const char                 *field,
                                gint64                      version,
                                char                      **out_client_id,
                                char                      **out_by,
                                gint64                     *out_at,
                                GError                    **error);
  /* Keeps @entry for client @client_id, then drops that client's oldest
   * beyond COMPANIES_MAX_REPLACED and everyone's oldest beyond
   * COMPANIES_SERVER_REPLACED_TOTAL. */
  gboolean (*add_replaced)     (CompaniesServerStore       *self,
                                const char                 *client_id,
                                const CompaniesReplaced    *entry,
                                GError                    **error);
  /* Drops @client_id's entries whose current_version is at most @acked
   * (0: none), then appends to @entries (of CompaniesReplaced) those of
   * versions @after < v <= @up_to, oldest first, at most
   * COMPANIES_MAX_REPLACED. */
  gboolean (*take_replaced)    (CompaniesServerStore       *self,
                                const char                 *client_id,
                                gint64                      acked,
                                gint64                      after,
                                gint64                      up_to,
                                GPtrArray                  *entries,
                                GError                    **error);
} CompaniesServerStoreVTable;

/* The most `replaced` entries kept for all clients together: a client
 * keeps at most COMPANIES_MAX_REPLACED (docs/notices.md, "Bounds"). */
#define COMPANIES_SERVER_REPLACED_TOTAL 100000

/* The defaults of the history's bounds (docs/history.md). */
#define COMPANIES_SERVER_HISTORY_DAYS    90
#define COMPANIES_SERVER_HISTORY_ENTRIES 50

/* The common part of every backend; a backend embeds it first. */
struct _CompaniesServerStore
{
  const CompaniesServerStoreVTable *vtable;
  /* made when the database was created and kept in it: names this database
   * in cursors */
  char *database_uuid;
  /* who writes and when, for history: companies_server_store_set_author () */
  char   *author;
  gint64  author_at;
  /* the writing client's id, kept in history when it asked for
   * `replaced` (NULL: not kept) */
  char   *writer;
  /* the history's bounds: days (0: no bound by age), entries a field */
  guint   history_days;
  guint   history_entries;
};

const char *companies_server_store_get_database_uuid (CompaniesServerStore       *self);
/* Closes the database and frees the store. */
void        companies_server_store_close             (CompaniesServerStore       *self);

/* The bounds of history: entries younger than @days days (0: any age), at
 * most @entries (at least 1) a field of a company. Called once, after
 * open; a store that is never told keeps the defaults. */
void        companies_server_store_set_history_bounds (CompaniesServerStore  *self,
                                                       guint                  days,
                                                       guint                  entries);
/* The author of the writes that follow, for history: the label of the
 * request's token (NULL: unknown) and the time of the request. */
void        companies_server_store_set_author        (CompaniesServerStore       *self,
                                                      const char                 *author,
                                                      gint64                      at);
/* The client id kept with the writes that follow (NULL: none), so that
 * it can be told when a later write replaces them unseen. */
void        companies_server_store_set_writer        (CompaniesServerStore       *self,
                                                      const char                 *client_id);
gboolean    companies_server_store_find_writer       (CompaniesServerStore       *self,
                                                      gint64                      id,
                                                      const char                 *field,
                                                      gint64                      version,
                                                      char                      **out_client_id,
                                                      char                      **out_by,
                                                      gint64                     *out_at,
                                                      GError                    **error);
gboolean    companies_server_store_add_replaced      (CompaniesServerStore       *self,
                                                      const char                 *client_id,
                                                      const CompaniesReplaced    *entry,
                                                      GError                    **error);
gboolean    companies_server_store_take_replaced     (CompaniesServerStore       *self,
                                                      const char                 *client_id,
                                                      gint64                      acked,
                                                      gint64                      after,
                                                      gint64                      up_to,
                                                      GPtrArray                  *entries,
                                                      GError                    **error);
/* The most entries history keeps of one field of a company. */
guint       companies_server_store_history_entries   (CompaniesServerStore       *self);
/* The oldest time history keeps as of @now; G_MININT64 without an age
 * bound. */
gint64      companies_server_store_history_horizon   (CompaniesServerStore       *self,
                                                      gint64                      now);
gboolean    companies_server_store_list_history      (CompaniesServerStore       *self,
                                                      gint64                      id,
                                                      guint                       max,
                                                      GPtrArray                  *entries,
                                                      GError                    **error);
gboolean    companies_server_store_prune_history     (CompaniesServerStore       *self,
                                                      gint64                      now,
                                                      GError                    **error);

gboolean    companies_server_store_begin             (CompaniesServerStore       *self,
                                                      GError                    **error);
gboolean    companies_server_store_commit            (CompaniesServerStore       *self,
                                                      GError                    **error);
void        companies_server_store_rollback          (CompaniesServerStore       *self);
gboolean    companies_server_store_savepoint         (CompaniesServerStore       *self,
                                                      GError                    **error);
gboolean    companies_server_store_release           (CompaniesServerStore       *self,
                                                      GError                    **error);
gboolean    companies_server_store_rollback_to       (CompaniesServerStore       *self);
gboolean    companies_server_store_get_state         (CompaniesServerStore       *self,
                                                      CompaniesServerStoreState  *out_state,
                                                      GError                    **error);
gboolean    companies_server_store_next_version      (CompaniesServerStore       *self,
                                                      gint64                     *out_version,
                                                      GError                    **error);
gboolean    companies_server_store_lookup_by_id      (CompaniesServerStore       *self,
                                                      gint64                      id,
                                                      CompaniesServerRecord     **out_record,
                                                      GError                    **error);
gboolean    companies_server_store_lookup_by_uuid    (CompaniesServerStore       *self,
                                                      const char                 *uuid,
                                                      CompaniesServerRecord     **out_record,
                                                      GError                    **error);
gboolean    companies_server_store_expect_adds       (CompaniesServerStore       *self,
                                                      const char * const         *uuids,
                                                      guint                       n_uuids,
                                                      GError                    **error);
gboolean    companies_server_store_insert            (CompaniesServerStore       *self,
                                                      const char                 *uuid,
                                                      const char * const         *values,
                                                      gint64                      version,
                                                      gint64                     *out_id,
                                                      GError                    **error);
gboolean    companies_server_store_update_fields     (CompaniesServerStore       *self,
                                                      gint64                      id,
                                                      guint                       mask,
                                                      const char * const         *values,
                                                      gint64                      version,
                                                      GError                    **error);
gboolean    companies_server_store_tombstone         (CompaniesServerStore       *self,
                                                      gint64                      id,
                                                      gint64                      version,
                                                      gint64                      deleted_at,
                                                      GError                    **error);
gboolean    companies_server_store_list_changes      (CompaniesServerStore       *self,
                                                      gint64                      after_version,
                                                      gboolean                    alive_only,
                                                      guint                       max,
                                                      GPtrArray                  *records,
                                                      GError                    **error);
gboolean    companies_server_store_purge_tombstones  (CompaniesServerStore       *self,
                                                      gint64                      deleted_before,
                                                      guint                      *out_n_purged,
                                                      GError                    **error);

G_END_DECLS
