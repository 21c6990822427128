/* companies-store-row.h: CompaniesStoreRow, one row of the companies
 * table as the store's write paths handle it (the ForSync actions, the
 * push batch and the apply of a response). Not for readers outside the
 * store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-private.h"

G_BEGIN_DECLS

/* One row of the companies table, as the write paths handle it. */
typedef struct _CompaniesStoreRow CompaniesStoreRow;
struct _CompaniesStoreRow
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
   * addition. Loaded as the column, or set when a batch's span marks the
   * row (companies-sent-spans.h): the stored copy then keeps the column,
   * so that a save writes the mark into the row. */
  gboolean  add_sent;
  guint     sent_changed;
  guint     changed_fields;
  gint64    local_seq;
  gint64    snapshot_seen;      /* the snapshot generation that listed it, 0 = none */
  char     *rejection_code;
  char     *rejection_field;
  char     *rejection_message;
  char     *values[COMPANIES_N_FIELDS];  /* never NULL once loaded */
  /* The row as the file holds it (loaded or last saved), so that a save
   * writes only the columns that changed and notes the counts it moved
   * between (companies-store-counts.h); NULL for a row not stored yet. */
  CompaniesStoreRow *stored;
};

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
/* Binds the row's id, version, base_version, flags, changed set, local_seq,
 * snapshot mark and rejection: 12 parameters from @first on, in that order
 * (the order of the store's INSERT and both UPDATEs). */
void               companies_store_row_bind_state   (const CompaniesStoreRow *row,
                                                     sqlite3_stmt            *stmt,
                                                     int                      first);
/* The columns the list searches and sorts by, derived from the values
 * (see companies-fold.h): every write of the values writes them too. */
#define COMPANIES_STORE_ROW_KEY_COLUMNS \
  "search_text, name_key, city_key, country_key, email_key, phone_key"
/* Binds the derived columns of @values (indexed by CompaniesField): six
 * parameters from @first on, in the order of
 * COMPANIES_STORE_ROW_KEY_COLUMNS. */
void               companies_store_row_bind_keys    (const char * const *values,
                                                     sqlite3_stmt       *stmt,
                                                     int                 first);
/* Inserts (local_id 0, which is then set) or updates the row. */
gboolean           companies_local_store_save_row   (CompaniesLocalStore *self,
                                                     CompaniesStoreRow   *row,
                                                     GError             **error);
/* Notes, after a statement saved @row's flags, the counts it moved
 * between (from its stored copy's), and takes @row as the stored copy
 * (companies_local_store_save_row () does both itself). */
void               companies_store_row_note_saved   (CompaniesLocalStore *self,
                                                     CompaniesStoreRow   *row);
/* The INSERT of companies_local_store_save_row (), for a caller that
 * binds many new rows straight (an import): ?1 the uuid, then the 12 of
 * companies_store_row_bind_state (), the values from ?14, add_sent ?23,
 * sent_changed ?24, companies_store_row_bind_keys () from ?26. */
CompaniesStmt     *companies_store_row_prepare_insert (CompaniesLocalStore *self,
                                                       GError             **error);
gboolean           companies_local_store_remove_row (CompaniesLocalStore *self,
                                                     gint64               local_id,
                                                     GError             **error);

G_END_DECLS
