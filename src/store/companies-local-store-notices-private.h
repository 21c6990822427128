/* companies-local-store-notices-private.h: how the apply of a response
 * and the schema's migration make and bound the notices of
 * companies-local-store-notices.h. Inside the caller's transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store-notices.h"
#include "companies-protocol.h"
#include "companies-store-row.h"

G_BEGIN_DECLS

/* The server's "overwritten" entry: our push replaced this value. */
gboolean companies_local_store_add_overwritten_notice (CompaniesLocalStore         *self,
                                                       const CompaniesOverwritten  *overwritten,
                                                       GError                     **error);
/* The server's "replaced" entry: a later write replaced our value
 * unseen. Stored once however often it comes (a lost response repeats
 * it); nothing for a company no longer here. */
gboolean companies_local_store_add_replaced_notice    (CompaniesLocalStore         *self,
                                                       const CompaniesReplaced     *replaced,
                                                       GError                     **error);
/* @row, holding edits made here, is removed because the company was
 * deleted elsewhere. */
gboolean companies_local_store_add_deleted_notice     (CompaniesLocalStore         *self,
                                                       const CompaniesStoreRow     *row,
                                                       GError                     **error);
/* Drops the oldest notices beyond COMPANIES_NOTICES_MAX, counting them. */
gboolean companies_local_store_trim_notices           (CompaniesLocalStore         *self,
                                                       GError                     **error);

G_END_DECLS
