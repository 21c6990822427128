/* companies-test-proxy.h: a small HTTP proxy for the tests.
 *
 * It listens on 127.0.0.1 (a random port), forwards each request to a real
 * companies-server and, per request number, passes the response on, drops
 * it (closes the connection without answering, after the server answered),
 * or holds it until the test releases it. It counts the requests and the
 * changes each one carried and, when asked to, keeps every request and
 * response body (the model test's oracle reads them). It runs in its own
 * threads, so a test may block its main thread in a sync call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  COMPANIES_TEST_PROXY_PASS,  /* forward, answer */
  COMPANIES_TEST_PROXY_DROP,  /* forward, then close the connection without answering */
  COMPANIES_TEST_PROXY_HOLD,  /* forward, then answer only after companies_test_proxy_release () */
} CompaniesTestProxyAction;

typedef struct _CompaniesTestProxy CompaniesTestProxy;

CompaniesTestProxy *companies_test_proxy_new                 (const char               *upstream_url,
                                                              GError                  **error);
void                companies_test_proxy_free                (CompaniesTestProxy       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestProxy, companies_test_proxy_free)

/* "http://127.0.0.1:PORT" */
const char         *companies_test_proxy_get_url             (CompaniesTestProxy       *self);
void                companies_test_proxy_set_upstream        (CompaniesTestProxy       *self,
                                                              const char               *upstream_url);

/* What to do with the @request_number-th request (1-based, counted since
 * the proxy was made). Requests without an action pass. */
void                companies_test_proxy_set_action          (CompaniesTestProxy       *self,
                                                              guint                     request_number,
                                                              CompaniesTestProxyAction  action);

/* Requests whose headers and body were read so far. */
guint               companies_test_proxy_get_request_count   (CompaniesTestProxy       *self);
/* Entries in added + updated + deleted of the @request_number-th request
 * (1-based), or -1 when that request was not seen or was not JSON. */
gint                companies_test_proxy_get_request_changes (CompaniesTestProxy       *self,
                                                              guint                     request_number);
/* Requests the upstream server answered (whatever the proxy did next). */
guint               companies_test_proxy_get_answered_count  (CompaniesTestProxy       *self);

/* Waits until @n_requests requests have arrived in all, or @timeout_ms
 * passed; returns whether they did. */
gboolean            companies_test_proxy_wait_requests       (CompaniesTestProxy       *self,
                                                              guint                     n_requests,
                                                              guint                     timeout_ms);
/* Waits until @n_holds responses have been held in all (the upstream
 * answered and the proxy waits), or @timeout_ms passed. */
gboolean            companies_test_proxy_wait_held           (CompaniesTestProxy       *self,
                                                              guint                     n_holds,
                                                              guint                     timeout_ms);
/* Lets the oldest held response (and each later one) go. */
void                companies_test_proxy_release             (CompaniesTestProxy       *self);

/* From now on, keep the body of every request and of the upstream's
 * answer, until taken with companies_test_proxy_take_exchange (). Off by
 * default. */
void                companies_test_proxy_set_recording       (CompaniesTestProxy       *self,
                                                              gboolean                  recording);
/* Hands over what was kept of the @request_number-th request (1-based):
 * its body, and the upstream's status and body (*out_status 0 and
 * *out_response NULL when the upstream was not reached, or has not
 * answered yet). Returns FALSE when no such request was recorded (or it
 * was taken already). Call it only once the client saw the outcome. */
gboolean            companies_test_proxy_take_exchange       (CompaniesTestProxy       *self,
                                                              guint                     request_number,
                                                              GBytes                  **out_request,
                                                              guint                    *out_status,
                                                              GBytes                  **out_response);

G_END_DECLS
