/* companies-local-store-schema.h: the migrations of the local store's
 * file; CompaniesLocalStore runs them when it opens one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store.h"

G_BEGIN_DECLS

/* Takes the file from its PRAGMA user_version up to
 * COMPANIES_LOCAL_STORE_SCHEMA_VERSION in one write transaction (none
 * when it is there already). COMPANIES_STORE_ERROR_TOO_NEW for a file of
 * a newer version, _CORRUPT for one that is not a Companies database. */
gboolean companies_local_store_migrate (CompaniesLocalStore  *self,
                                        GError              **error);

G_END_DECLS
