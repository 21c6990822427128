/* companies-server-probe.h: whether the database answers, for GET
 * /v1/health (docs/protocol.md section 5): a load balancer takes a server
 * whose database does not answer out of its rotation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-server-store.h"

G_BEGIN_DECLS

typedef struct _CompaniesServerProbe CompaniesServerProbe;

/* Takes @store, a reader's store of its own (NULL: a database inside the
 * process, such as a SQLite file, that always answers). */
CompaniesServerProbe *companies_server_probe_new          (CompaniesServerStore  *store);
/* Drops the caller's hold; the store closes once no check runs. */
void                  companies_server_probe_free         (CompaniesServerProbe  *self);

/* Reads the server state in a transaction of its own, off the calling
 * thread; a result younger than a second is reused, so a flood of health
 * checks costs the database one query a second. */
void                  companies_server_probe_check_async  (CompaniesServerProbe  *self,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
/* TRUE when the database answered. */
gboolean              companies_server_probe_check_finish (GAsyncResult          *result,
                                                           GError               **error);

G_END_DECLS
