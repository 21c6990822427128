/* companies-company-list.h: the companies the window shows, as a
 * GListModel of CompaniesCompany kept in step with the local store: the
 * sorted and searched list, read from the database, its items made only
 * for the rows asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"
#include "companies-local-store.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_COMPANY_LIST (companies_company_list_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCompanyList, companies_company_list, COMPANIES, COMPANY_LIST, GObject)

/* Properties:
 *   "store" (CompaniesLocalStore, construct-only, may be NULL): the store
 *     the list follows; its first read starts when the list is made.
 *   "loaded" (gboolean, read-only): the first read reached the list.
 *
 * Signals:
 *   "read-finished" (const CompaniesStoreStatus *status, GError *error):
 *     a read of the store ended, after the list took it in. @status is the
 *     store's status read with it when the list shows what was read (NULL
 *     when it failed or another read follows at once); @error says why it
 *     failed.
 *   "store-changed" (): someone else than the list's own writes (a sync,
 *     another process) wrote to the database file; the list reads it
 *     again. */

CompaniesCompanyList *companies_company_list_new         (CompaniesLocalStore  *store);
CompaniesLocalStore  *companies_company_list_get_store   (CompaniesCompanyList *self);
gboolean              companies_company_list_get_loaded  (CompaniesCompanyList *self);
/* Whether a read is going on: what shows may still change when it ends. */
gboolean              companies_company_list_is_reading  (CompaniesCompanyList *self);
/* @self as a GListModel of CompaniesCompany (transfer none). */
GListModel           *companies_company_list_get_model   (CompaniesCompanyList *self);
/* The number of listed companies, whatever the search. */
guint                 companies_company_list_get_n_items (CompaniesCompanyList *self);
/* The company with @uuid when it is listed (transfer none). */
CompaniesCompany     *companies_company_list_lookup      (CompaniesCompanyList *self,
                                                          const char           *uuid);

/* Reads the store again when its data version moved since the last
 * read (a sync just ended, say); polled every few seconds as well. */
void                  companies_company_list_refresh_if_changed
                                                         (CompaniesCompanyList *self);

/* The app's own writes, on the main thread: take the data version before
 * writing and hand it back with the company written (NULL when the
 * caller removed it), so that the list shows the write at once and a
 * write of another process in between is still noticed. */
gint64                companies_company_list_begin_write (CompaniesCompanyList *self);
void                  companies_company_list_end_write   (CompaniesCompanyList *self,
                                                          gint64                version_before,
                                                          CompaniesCompany     *written);

/* What the list shows: the listed companies sorted by @sort (see
 * companies-local-store-view.h), those whose listed fields hold @text
 * (case- and accent-insensitive; NULL or "" for all). Read in the
 * background; the list changes when the read ends. */
void                  companies_company_list_set_sort    (CompaniesCompanyList *self,
                                                          int                   field,
                                                          gboolean              descending);
void                  companies_company_list_set_search  (CompaniesCompanyList *self,
                                                          const char           *text);
const char           *companies_company_list_get_search  (CompaniesCompanyList *self);
/* A read that replaces what shows (the first, a new sort or search)
 * shows its first rows ahead of the whole: at most @n_rows (a screenful
 * and some, told by the view; COMPANIES_COMPANY_LIST_HEAD_ROWS until
 * then, and at most). GTK 4.8 makes the widgets of every row it is given
 * up to 200, before the frame that shows them. */
#define COMPANIES_COMPANY_LIST_HEAD_ROWS 64
void                  companies_company_list_set_head_rows (CompaniesCompanyList *self,
                                                            guint                 n_rows);

/* The widget that shows the list (its window), or NULL: a read that
 * showed its head before its end splices the whole after the widget's
 * next frame (the head's), at most a few tens of milliseconds later, at
 * once when the widget is not mapped. Kept as a weak reference. */
void                  companies_company_list_set_widget  (CompaniesCompanyList *self,
                                                          GtkWidget            *widget);

/* Where @company shows; FALSE when it does not. */
gboolean              companies_company_list_find        (CompaniesCompanyList *self,
                                                          CompaniesCompany     *company,
                                                          guint                *out_position);

/* One company written by the app itself: updated in place, or added. */
void                  companies_company_list_upsert      (CompaniesCompanyList *self,
                                                          CompaniesCompany     *company);
void                  companies_company_list_remove      (CompaniesCompanyList *self,
                                                          const char           *uuid);

G_END_DECLS
