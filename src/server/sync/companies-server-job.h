/* companies-server-job.h: one request as the worker handles it (see
 * companies-server-job.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-protocol.h"
#include "companies-server-cursor.h"
#include "companies-server-reply.h"
#include "companies-server-store.h"
#include "companies-server-worker.h"

G_BEGIN_DECLS

typedef struct
{
  CompaniesServerWorker    *worker;
  gboolean                  quit;
  guint64                   serial;  /* arrival order */
  GBytes                   *body;
  /* the label of the request's token (NULL without tokens), and whether
   * it may only pull */
  char                     *who;
  gboolean                  read_only;
  /* the request asked for `replaced` (docs/protocol.md, revision 1.6) */
  gboolean                  want_replaced;
  /* and for `created` (revision 1.8) */
  gboolean                  want_created;
  /* > 0: not a sync but a read of this record's history */
  gint64                    history_id;
  /* decoded from body; NULL when the body was refused (reply set) */
  CompaniesSyncRequest     *request;
  CompaniesServerCursor     cursor;
  gboolean                  has_cursor;
  CompaniesServerReplyFunc  func;
  gpointer                  user_data;
  GDestroyNotify            destroy;
  CompaniesServerReply      reply;
} CompaniesServerJob;

void     companies_server_job_free   (CompaniesServerJob    *job);
/* Decodes the job's body and reads its cursor; on failure the job has its
 * error reply, and nothing of it reaches the store. */
gboolean companies_server_job_decode (CompaniesServerJob    *job);
/* Sets the job's error reply for @error (details logged, not sent). */
void     companies_server_job_fail   (CompaniesServerJob    *job,
                                      const GError          *error,
                                      const char            *path);
/* Applies @jobs in one transaction of @store and sets each reply; raises
 * *inout_version to the newest version committed. */
void     companies_server_jobs_apply (CompaniesServerStore  *store,
                                      CompaniesServerJob   **jobs,
                                      guint                  n_jobs,
                                      gint64                *inout_version);

G_END_DECLS
