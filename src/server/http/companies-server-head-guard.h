/* companies-server-head-guard.h: checks a request head before libsoup
 * parses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define COMPANIES_SERVER_TYPE_HEAD_GUARD (companies_server_head_guard_get_type ())
G_DECLARE_FINAL_TYPE (CompaniesServerHeadGuard, companies_server_head_guard,
                      COMPANIES_SERVER, HEAD_GUARD, GFilterInputStream)

/* A stream for libsoup to read @connection from: the input of @connection,
 * through a head guard (its reads fail, and the connection is refused,
 * once the request head breaks a rule), and its output. Closing it closes
 * @connection, then calls @closed (may be NULL) with @closed_data; it is
 * closed at the latest when it is finalized. @peer names the client in
 * the log. */
GIOStream *companies_server_head_guard_wrap (GIOStream      *connection,
                                             const char     *peer,
                                             GDestroyNotify  closed,
                                             gpointer        closed_data);

G_END_DECLS
