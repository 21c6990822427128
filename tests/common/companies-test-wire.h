/* companies-test-wire.h: one HTTP/1.1 request read, forwarded and
 * answered by hand (the test proxy's wire).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char   *method;
  char   *target;
  char   *content_type;
  char   *authorization;
  GBytes *body;
} CompaniesTestRequest;

void     companies_test_request_clear   (CompaniesTestRequest  *request);

/* Reads the request line, the headers it needs and the body. */
gboolean companies_test_request_read    (GDataInputStream      *in,
                                         CompaniesTestRequest  *request,
                                         GError               **error);
/* Sends @request upstream; NULL when the upstream could not be reached. */
GBytes  *companies_test_request_forward (const char            *upstream_url,
                                         CompaniesTestRequest  *request,
                                         guint                 *out_status,
                                         char                 **out_content_type,
                                         char                 **out_www_authenticate);
/* Writes the answer with "Connection: close". */
void     companies_test_response_write  (GOutputStream         *out,
                                         guint                  status,
                                         const char            *content_type,
                                         const char            *www_authenticate,
                                         GBytes                *body);

G_END_DECLS
