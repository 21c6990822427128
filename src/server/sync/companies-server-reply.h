/* companies-server-reply.h: the answer to one sync request, as the worker
 * (companies-server-worker.c) hands it back to the HTTP side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint   status;       /* the HTTP status */
  GBytes *body;         /* application/json */
  guint   changes_in;   /* added + updated + deleted of the request */
  guint   changes_out;  /* companies + deleted + created of the response */
  guint   retry_after;  /* seconds for a Retry-After header, 0 for none */
} CompaniesServerReply;

G_END_DECLS
