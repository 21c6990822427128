/* companies-quit-after-sync.h: quits the app after its first sync, for
 * running README's first command unattended.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-sync-scheduler.h"

G_BEGIN_DECLS

/* With COMPANIES_QUIT_AFTER_FIRST_SYNC=MS in the environment: when
 * @scheduler's first sync finishes, prints
 *   companies: first sync finished: ok          (or: failed: MESSAGE)
 * on stdout, waits MS milliseconds (the list refreshes and is drawn; a
 * screenshot can be taken), prints
 *   companies: N companies in the list
 * with the number of items of @companies, and quits @application.
 * Does nothing without the variable. */
void companies_quit_after_first_sync (GApplication           *application,
                                      CompaniesSyncScheduler *scheduler,
                                      GListModel             *companies);

G_END_DECLS
