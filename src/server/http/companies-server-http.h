/* companies-server-http.h: the HTTP face of companies-server
 * (docs/protocol.md sections 3 to 6) on a SoupServer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-server-feed.h"
#include "companies-server-limits.h"
#include "companies-server-probe.h"
#include "companies-server-tokens.h"
#include "companies-server-worker.h"

G_BEGIN_DECLS

typedef struct _CompaniesServerHttp CompaniesServerHttp;

typedef struct
{
  gsize                        max_body_bytes;
  guint64                      max_memory_bytes;  /* companies-server-budget.h */
  CompaniesServerLimitsOptions limits;
  guint                        max_watchers;      /* 0: the default */
  guint                        keepalive_timeout; /* seconds; 0: the default */
  GTlsCertificate             *tls_certificate;   /* NULL: plain HTTP */
  CompaniesServerProbe        *probe;             /* taken; NULL: health is always ok */
} CompaniesServerHttpOptions;

/* @worker is borrowed and must outlive the result; @tokens is taken (NULL:
 * no authentication, only for a loopback address). See
 * companies-server-limits.h for the connection limits. */
CompaniesServerHttp *companies_server_http_new          (CompaniesServerWorker            *worker,
                                                         CompaniesServerTokens            *tokens,
                                                         const CompaniesServerHttpOptions *options);
/* Listens on @address:@port (0 picks a free port) and returns the URL it
 * listens on, "http://127.0.0.1:8080" or "http://[::1]:8080" ("https://"
 * with a TLS certificate). */
char                *companies_server_http_listen       (CompaniesServerHttp              *self,
                                                         GInetAddress                     *address,
                                                         guint16                           port,
                                                         GError                          **error);
/* The change feed (GET /v1/changes): tell it of the commits. */
CompaniesServerFeed *companies_server_http_get_feed     (CompaniesServerHttp              *self);
/* Calls @func once no sync request is being served (at once if none is). */
void                 companies_server_http_when_idle    (CompaniesServerHttp              *self,
                                                         GSourceFunc                       func,
                                                         gpointer                          user_data);
/* Closes every connection and frees the server. */
void                 companies_server_http_free         (CompaniesServerHttp              *self);

G_END_DECLS
