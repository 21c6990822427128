/* companies-server-hangups.h: tells when the peer of a quiet connection
 * closed it, or sent something
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CompaniesServerHangups CompaniesServerHangups;
typedef struct _CompaniesServerHangupWatch CompaniesServerHangupWatch;

/* @closed: the peer closed the connection (or it failed); otherwise
 * bytes arrived, left unread. Called once: the watch is over. */
typedef void (*CompaniesServerHangupFunc) (gboolean closed,
                                           gpointer user_data);

/* One epoll set for all the quiet connections, polled by one source of
 * the thread-default main context. */
CompaniesServerHangups     *companies_server_hangups_new     (void);
/* Watches @socket until its peer closes it, or sends a byte when
 * @with_data. */
CompaniesServerHangupWatch *companies_server_hangups_watch   (CompaniesServerHangups     *self,
                                                              GSocket                    *socket,
                                                              gboolean                    with_data,
                                                              CompaniesServerHangupFunc   func,
                                                              gpointer                    user_data);
/* Stops a watch whose function was not called; before its socket closes. */
void                        companies_server_hangups_cancel  (CompaniesServerHangups     *self,
                                                              CompaniesServerHangupWatch *watch);
void                        companies_server_hangups_free    (CompaniesServerHangups     *self);

G_END_DECLS
