/* companies-store-import.h: a bulk import into the local store, one
 * record at a time, all in one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store.h"

G_BEGIN_DECLS

typedef struct _CompaniesStoreImport CompaniesStoreImport;

/* Opens the import's write transaction on @store: until it commits or is
 * freed, the other writers of the file wait (up to the store's busy
 * timeout), and @store itself takes no other action. */
CompaniesStoreImport *companies_store_import_begin  (CompaniesLocalStore   *store,
                                                     GError               **error);
/* Adds one record from @values (indexed by CompaniesField, NULL = ""),
 * exactly as companies_local_store_create_for_sync () makes one; it is
 * written with a batch of records, at a later call or at the commit. An
 * invalid record is a COMPANIES_VALIDATION_ERROR and writes nothing;
 * any other failure leaves the import only to be freed. */
gboolean              companies_store_import_add    (CompaniesStoreImport  *self,
                                                     const char * const    *values,
                                                     GError               **error);
/* The same for @checked values that companies_fields_validate () accepted
 * with COMPANIES_ALL_FIELDS, none NULL (as the CSV reader gives them):
 * they are not checked again. */
gboolean              companies_store_import_add_valid (CompaniesStoreImport *self,
                                                        const char * const   *checked,
                                                        GError              **error);
guint64               companies_store_import_get_count (CompaniesStoreImport *self);
/* Builds what the import left for its end and commits every record
 * added; on failure nothing is written. */
gboolean              companies_store_import_commit (CompaniesStoreImport  *self,
                                                     GError               **error);
/* Rolls back what was not committed: the file is as it was before. */
void                  companies_store_import_free   (CompaniesStoreImport  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesStoreImport, companies_store_import_free)

G_END_DECLS
