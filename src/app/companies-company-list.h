/* companies-company-list.h: the companies the window shows, as a
 * GListModel of CompaniesCompany kept in step with the local store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-company.h"
#include "companies-local-store.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_COMPANY_LIST (companies_company_list_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCompanyList, companies_company_list, COMPANIES, COMPANY_LIST, GObject)

/* What a read of the store found changed since the last one applied. */
typedef struct _CompaniesListUpdate CompaniesListUpdate;

void                  companies_list_update_free         (CompaniesListUpdate  *update);
guint                 companies_list_update_get_n_companies
                                                         (CompaniesListUpdate  *update);
/* The store's status read along with the companies, or NULL. */
const CompaniesStoreStatus *
                      companies_list_update_get_status   (CompaniesListUpdate  *update);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesListUpdate, companies_list_update_free)

CompaniesCompanyList *companies_company_list_new         (void);
/* @self as a GListModel of CompaniesCompany (transfer none). */
GListModel           *companies_company_list_get_model   (CompaniesCompanyList *self);
guint                 companies_company_list_get_n_items (CompaniesCompanyList *self);
CompaniesCompany     *companies_company_list_lookup      (CompaniesCompanyList *self,
                                                          const char           *uuid);

/* Reads every active company of the database at @path in a worker thread
 * (with its own store connection) and compares it there with what the
 * list held at the last applied update: the main thread then only deals
 * with what changed. */
void                  companies_company_list_load_async  (CompaniesCompanyList *self,
                                                          const char           *path,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
CompaniesListUpdate  *companies_company_list_load_finish (CompaniesCompanyList *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* Starts the first read of @path now, before anyone asks: the first
 * companies_company_list_load_async () of the same path takes its result
 * (the application starts it before it opens its window, so that the
 * read and the window's making overlap). @data_version is the store's
 * data version when it started, see _get_preload_version (). */
void                  companies_company_list_preload     (CompaniesCompanyList *self,
                                                          const char           *path,
                                                          gint64                data_version);
/* TRUE while a preload waits to be taken, with its data version. */
gboolean              companies_company_list_get_preload_version
                                                         (CompaniesCompanyList *self,
                                                          gint64               *out_data_version);

/* Brings the list in line with @update with the fewest changes: a company
 * already listed stays the same object (updated in place when its values
 * changed), so the selection, the scroll position and open editors keep
 * it; rows that changed, went or came are announced in as few
 * items-changed as their runs need, never one a row for a big refresh.
 * Returns the number of items-changed emitted. */
guint                 companies_company_list_apply       (CompaniesCompanyList *self,
                                                          CompaniesListUpdate  *update);

/* The same from a full list of every active company (in store order),
 * compared on the calling thread. */
guint                 companies_company_list_refresh     (CompaniesCompanyList *self,
                                                          GPtrArray            *companies);

/* What decides the rows' order and whether they pass the search: a row
 * whose update leaves these alone is updated in place without an
 * items-changed (its cells follow its properties), so a refresh after a
 * sync that only changed rows' sync state costs no model work. By
 * default every listed field and the sync state are watched. */
void                  companies_company_list_set_watched (CompaniesCompanyList *self,
                                                          guint                 field_mask,
                                                          gboolean              watch_state);

/* One company written by the app itself: updated in place, or added. */
void                  companies_company_list_upsert      (CompaniesCompanyList *self,
                                                          CompaniesCompany     *company);
void                  companies_company_list_remove      (CompaniesCompanyList *self,
                                                          const char           *uuid);

G_END_DECLS
