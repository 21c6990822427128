/* companies-test-tcp-proxy.h: a TCP relay for the tests and the
 * benchmark: it listens on 127.0.0.1 (a random port) and relays every
 * connection's bytes, unchanged (TLS passes through), to an upstream
 * port on 127.0.0.1. It counts the connections it accepted, can drop all
 * those open (a lost connection), and can delay every chunk by a fixed
 * time in each direction (a slow link: a round trip of twice the delay;
 * a new connection costs one round trip more before the server hears the
 * client, as a TCP connect over such a link does).
 * It runs in threads of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CompaniesTestTcpProxy CompaniesTestTcpProxy;

/* @one_way_delay_ms: the delay of each direction (0: none). */
CompaniesTestTcpProxy *companies_test_tcp_proxy_new          (guint16                 upstream_port,
                                                              guint                   one_way_delay_ms,
                                                              GError                **error);
/* Drops every connection, stops, frees. */
void                   companies_test_tcp_proxy_free         (CompaniesTestTcpProxy  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestTcpProxy, companies_test_tcp_proxy_free)

guint16                companies_test_tcp_proxy_get_port     (CompaniesTestTcpProxy  *self);
/* For the connections accepted from now on (a restarted server's port). */
void                   companies_test_tcp_proxy_set_upstream (CompaniesTestTcpProxy  *self,
                                                              guint16                 upstream_port);
/* Connections accepted since the proxy was made. */
guint                  companies_test_tcp_proxy_get_accepted (CompaniesTestTcpProxy  *self);
/* Connections open now (both sides). */
guint                  companies_test_tcp_proxy_get_open     (CompaniesTestTcpProxy  *self);
/* Shuts both sides of every open connection down at once: each peer
 * sees its connection end (a lost connection). */
void                   companies_test_tcp_proxy_drop_all     (CompaniesTestTcpProxy  *self);

/* Every connection open now is closed, unanswered, as soon as its client
 * sends anything more (the keep-alive race: the server closed an idle
 * connection just as the client reused it). */
void                   companies_test_tcp_proxy_close_on_next_send
                                                             (CompaniesTestTcpProxy  *self);

G_END_DECLS
