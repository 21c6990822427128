/* companies-list-update.h: what a read of the store found changed since
 * the last read applied to the companies list; made in the list
 * loader's worker thread (private to CompaniesCompanyList).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

/* uuid → signature of every company of a read: immutable once made, so
 * that a worker may read it while the main thread holds it. */
typedef struct _CompaniesSignatures CompaniesSignatures;

CompaniesSignatures *companies_signatures_ref   (CompaniesSignatures *signatures);
void                 companies_signatures_unref (CompaniesSignatures *signatures);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSignatures, companies_signatures_unref)

/* What a read of the store found changed since the last one applied. */
typedef struct _CompaniesListUpdate CompaniesListUpdate;

struct _CompaniesListUpdate
{
  GPtrArray           *added;       /* CompaniesCompany not listed before */
  GPtrArray           *changed;     /* CompaniesCompany whose values changed */
  GPtrArray           *removed;     /* uuids no longer there */
  CompaniesSignatures *signatures;  /* of every company read */
  /* On a first read only: uuid (the company's own string) → the company
   * of @added, so that the main thread need not index them. */
  GHashTable          *index;
  guint                n_companies;
  /* The store's counts, read with the companies: the window need not
   * count 100,000 rows again on the main thread. */
  CompaniesStoreStatus status;
  gboolean             has_status;
};

void                 companies_list_update_free         (CompaniesListUpdate *update);
guint                companies_list_update_get_n_companies
                                                        (CompaniesListUpdate *update);
/* The store's status read along with the companies, or NULL. */
const CompaniesStoreStatus *
                     companies_list_update_get_status   (CompaniesListUpdate *update);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesListUpdate, companies_list_update_free)

/* A hash of a uuid (or any string) for GHashTable: a few multiplies a
 * word instead of g_str_hash's one a byte. */
guint                companies_uuid_hash        (gconstpointer        key);

/* Compares @companies (every active company) with @previous (NULL: a
 * first read) and prepares the search and sort keys of the rows new or
 * changed. Touches no list: runs in any thread. NULL when cancelled. */
CompaniesListUpdate *companies_list_update_compute (GPtrArray           *companies,
                                                    CompaniesSignatures *previous,
                                                    gboolean             with_index,
                                                    GCancellable        *cancellable);

/* Reads every active company of the database at @path with a connection
 * of its own, compares them with @previous as above and puts the new
 * ones in name order: what the list loader's worker does. */
CompaniesListUpdate *companies_list_update_read    (const char           *path,
                                                    CompaniesSignatures  *previous,
                                                    GCancellable         *cancellable,
                                                    GError              **error);

G_END_DECLS
