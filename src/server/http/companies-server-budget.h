/* companies-server-budget.h: how much memory the requests in flight may
 * take, all together
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define COMPANIES_SERVER_DEFAULT_MAX_MEMORY ((guint64) 512 * 1024 * 1024)
/* What a body costs, in bytes of memory a byte of body: the body is held
 * twice while it is joined into one piece, and decoding it takes up to
 * ten bytes more a byte (one 20-byte token for every two bytes of
 * `[1,1,…]`, the worst case: a 32 MiB body of it took 392 MB). */
#define COMPANIES_SERVER_BODY_COST 13

typedef struct _CompaniesServerBudget CompaniesServerBudget;

/* A budget of @max_bytes for the bodies of the requests in flight, each
 * costing COMPANIES_SERVER_BODY_COST times its size. Used on the main
 * thread only. */
CompaniesServerBudget *companies_server_budget_new          (guint64                max_bytes);
/* The largest body that fits the budget when it is all free. */
guint64                companies_server_budget_largest_body (CompaniesServerBudget *self);
/* Whether the cost of @body_bytes fits the budget now. */
gboolean               companies_server_budget_has_room     (CompaniesServerBudget *self,
                                                             guint64                body_bytes);
/* Takes the cost of @body_bytes more of @msg's body, until @msg finishes.
 * FALSE, and nothing taken, when the budget has no room for it now. */
gboolean               companies_server_budget_take         (CompaniesServerBudget *self,
                                                             SoupServerMessage     *msg,
                                                             guint64                body_bytes);
/* The messages still in flight give their part back when they finish. */
void                   companies_server_budget_free         (CompaniesServerBudget *self);

G_END_DECLS
