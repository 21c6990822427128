/* companies-company-list.h: the companies the window shows, as a
 * GListStore of CompaniesCompany kept in step with the local store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_COMPANY_LIST (companies_company_list_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCompanyList, companies_company_list, COMPANIES, COMPANY_LIST, GObject)

CompaniesCompanyList *companies_company_list_new         (void);
/* The GListStore of CompaniesCompany (transfer none). */
GListModel           *companies_company_list_get_model   (CompaniesCompanyList *self);
guint                 companies_company_list_get_n_items (CompaniesCompanyList *self);
CompaniesCompany     *companies_company_list_lookup      (CompaniesCompanyList *self,
                                                          const char           *uuid);

/* Brings the list in line with @fresh (every active company, as read from
 * the store) with the fewest changes: a company whose uuid is already
 * listed stays the same object (updated in place when its values
 * changed), so the selection, the scroll position and open editors keep
 * it; rows that changed, went or came are announced in as few
 * items-changed signals as their runs need, never one a row for a big
 * refresh. Returns the number of items-changed emitted. */
guint                 companies_company_list_refresh     (CompaniesCompanyList *self,
                                                          GPtrArray            *fresh);

/* One company written by the app itself: updated in place, or added. */
void                  companies_company_list_upsert      (CompaniesCompanyList *self,
                                                          CompaniesCompany     *company);
void                  companies_company_list_remove      (CompaniesCompanyList *self,
                                                          const char           *uuid);

/* Reads every active company of the database at @path in a worker thread
 * (with its own store connection), preparing their search keys there. */
void                  companies_company_list_load_async  (const char           *path,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GPtrArray            *companies_company_list_load_finish (GAsyncResult         *result,
                                                          GError              **error);

G_END_DECLS
