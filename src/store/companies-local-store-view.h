/* companies-local-store-view.h: the reads of the app's list, answered by
 * the database: the listed companies' order by any column (or the sync
 * state), the search, and the rows in view. Usable without GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-local-store.h"

G_BEGIN_DECLS

/* Sorting by the sync state: the rows that need attention first
 * (rejected, changed, added, then synced), by name within each state. */
#define COMPANIES_LIST_SORT_BY_STATE (-1)

/* What the list is sorted by: @field, one of companies_listed_fields or
 * COMPANIES_LIST_SORT_BY_STATE. Values sort in natural order (see
 * companies-fold.h), equal keys by when the row was stored; descending
 * reverses that, but empty values stay last either way. */
typedef struct
{
  int      field;
  gboolean descending;
} CompaniesListSort;

/* Whether @field can sort the list. */
gboolean          companies_list_sort_is_valid          (const CompaniesListSort *sort);

/* Orders two rows by their keys (companies_local_store_read_list_key ())
 * and local ids, as the list is sorted by @sort. */
int               companies_list_sort_compare           (const CompaniesListSort *sort,
                                                         GBytes                  *key_a,
                                                         gint64                   id_a,
                                                         GBytes                  *key_b,
                                                         gint64                   id_b);

/* A local id in the list's arrays (@order, @out_visible and a head):
 * 4 bytes a row, not 8, so a million companies' order takes 4 MB. A read
 * fails (COMPANIES_STORE_ERROR_FAILED) on a file whose local ids went
 * past G_MAXUINT32, which takes that many companies ever added. */
typedef guint32 CompaniesListId;

/* In one read snapshot: when @order is empty, the local ids (CompaniesListId) of
 * every listed company as @sort orders them, into @order; then into
 * @out_visible those of @order whose folded listed fields hold @folded
 * (companies_fold () of the search; NULL or "" for all). A non-empty
 * @order is taken as read before with the same @sort. Without a search,
 * @out_visible may be @order itself: what shows is then the order, kept
 * once (4 bytes a row less). */
gboolean          companies_local_store_read_list       (CompaniesLocalStore     *self,
                                                         const CompaniesListSort *sort,
                                                         const char              *folded,
                                                         GArray                  *order,
                                                         GArray                  *out_visible,
                                                         GCancellable            *cancellable,
                                                         GError                 **error);

/* What a read hands over ahead of the whole, from its thread: @order
 * (the order so far) and @visible (the first rows of what shows). Both
 * are the read's own: take a reference to keep them. */
typedef void (*CompaniesListHeadFunc) (GArray   *order,
                                       GArray   *visible,
                                       gpointer  user_data);

/* As companies_local_store_read_list (), but when @head_func is set it
 * is called once, before the read ends, with the first @head_size rows
 * (or fewer) of @out_visible as it will be, when it can have them much
 * sooner than the whole: the first rows of an order it reads, or the
 * first matches of a search found among the first rows of the order
 * (none when no row matched there). The head is read in the same
 * snapshot, so @out_visible starts with it. */
gboolean          companies_local_store_read_list_with_head
                                                        (CompaniesLocalStore     *self,
                                                         const CompaniesListSort *sort,
                                                         const char              *folded,
                                                         GArray                  *order,
                                                         GArray                  *out_visible,
                                                         guint                    head_size,
                                                         CompaniesListHeadFunc    head_func,
                                                         gpointer                 head_data,
                                                         GCancellable            *cancellable,
                                                         GError                 **error);

/* Reads the listed companies of @ids into @out_companies (the same
 * length; NULL where a row is gone or no longer listed), each knowing
 * its local id (companies_list_company_get_local_id ()). */
gboolean          companies_local_store_read_listed     (CompaniesLocalStore     *self,
                                                         const gint64            *ids,
                                                         guint                    n_ids,
                                                         CompaniesCompany       **out_companies,
                                                         GError                 **error);
/* The listed company with @uuid, or NULL (no error) when there is none. */
CompaniesCompany *companies_local_store_read_listed_uuid (CompaniesLocalStore    *self,
                                                         const char              *uuid,
                                                         GError                 **error);

/* The listed companies the server refused (the rejected index walks
 * only them). */
GPtrArray        *companies_local_store_read_listed_rejected (CompaniesLocalStore *self,
                                                             GError             **error);

/* The sort key of the row @local_id under @sort, and whether it still
 * matches @folded (TRUE when @folded is NULL or ""); FALSE with
 * *out_key NULL when the row is gone or not listed. */
gboolean          companies_local_store_read_list_key   (CompaniesLocalStore     *self,
                                                         const CompaniesListSort *sort,
                                                         gint64                   local_id,
                                                         const char              *folded,
                                                         GBytes                 **out_key,
                                                         gboolean                *out_matches,
                                                         GError                 **error);

/* The local id of a company read by the functions above; 0 otherwise. */
gint64            companies_list_company_get_local_id   (CompaniesCompany        *company);

G_END_DECLS
