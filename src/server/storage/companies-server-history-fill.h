/* companies-server-history-fill.h: the history a database starts with
 * when its schema is upgraded to one that keeps history (docs/history.md,
 * "Upgrading"), in SQL both backends run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One statement that gives each live company one history entry per
 * non-empty field: its current value and field version, at @now (UNIX
 * seconds), by nobody known (author NULL); company by company, in field
 * order. Run it right after the history table was made, in the same
 * transaction. */
char *companies_server_history_fill_sql (gint64 now);

G_END_DECLS
