/* companies-error.c: the error domains of the client side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-error"

#include "companies-error.h"

G_DEFINE_QUARK (companies-sync-error-quark, companies_sync_error)
G_DEFINE_QUARK (companies-store-error-quark, companies_store_error)
