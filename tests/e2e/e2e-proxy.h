/* e2e-proxy.h: a small HTTP proxy for the end-to-end tests.
 *
 * It listens on 127.0.0.1 (a random port), forwards each request to a real
 * companies-server and, per request number, passes the response on, drops
 * it (closes the connection without answering, after the server answered),
 * or holds it until the test releases it. It counts the requests and the
 * changes each one carried. It runs in its own threads, so a test may block
 * its main thread in a sync call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  E2E_PROXY_PASS,  /* forward, answer */
  E2E_PROXY_DROP,  /* forward, then close the connection without answering */
  E2E_PROXY_HOLD,  /* forward, then answer only after e2e_proxy_release () */
} E2eProxyAction;

typedef struct _E2eProxy E2eProxy;

E2eProxy   *e2e_proxy_new                 (const char     *upstream_url,
                                           GError        **error);
void        e2e_proxy_free                (E2eProxy       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (E2eProxy, e2e_proxy_free)

/* "http://127.0.0.1:PORT" */
const char *e2e_proxy_get_url             (E2eProxy       *self);
void        e2e_proxy_set_upstream        (E2eProxy       *self,
                                           const char     *upstream_url);

/* What to do with the @request_number-th request (1-based, counted since
 * the proxy was made). Requests without an action pass. */
void        e2e_proxy_set_action          (E2eProxy       *self,
                                           guint           request_number,
                                           E2eProxyAction  action);

/* Requests whose headers and body were read so far. */
guint       e2e_proxy_get_request_count   (E2eProxy       *self);
/* Entries in added + updated + deleted of the @request_number-th request
 * (1-based), or -1 when that request was not seen or was not JSON. */
gint        e2e_proxy_get_request_changes (E2eProxy       *self,
                                           guint           request_number);
/* Requests the upstream server answered (whatever the proxy did next). */
guint       e2e_proxy_get_answered_count  (E2eProxy       *self);

/* Waits until @n_requests requests have arrived in all, or @timeout_ms
 * passed; returns whether they did. */
gboolean    e2e_proxy_wait_requests       (E2eProxy       *self,
                                           guint           n_requests,
                                           guint           timeout_ms);
/* Waits until @n_holds responses have been held in all (the upstream
 * answered and the proxy waits), or @timeout_ms passed. */
gboolean    e2e_proxy_wait_held           (E2eProxy       *self,
                                           guint           n_holds,
                                           guint           timeout_ms);
/* Lets the oldest held response (and each later one) go. */
void        e2e_proxy_release             (E2eProxy       *self);

G_END_DECLS
