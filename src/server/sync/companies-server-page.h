/* companies-server-page.h: the page of a sync response (docs/protocol.md
 * section 3, "Paging"), bounded by count and by bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-protocol.h"
#include "companies-server-merge.h"
#include "companies-server-store.h"

G_BEGIN_DECLS

/* Fills @response (companies, deleted, has_more) with the changes after
 * @after_version, in version order (alive records only when @alive_only):
 * at most @limit of them, and no more than COMPANIES_MAX_PAGE_BYTES of
 * encoded records counting the echoes, but at least one. Then adds the
 * records the request named (@merge) that the page lacks. The cursor's
 * version goes to *@out_cursor_version: the last record of the page when
 * has_more, else @last_version. The versions after @written_after are
 * this request's writes: when its echoes hold each of them, they are not
 * read back from the store. */
gboolean companies_server_page_build        (CompaniesServerStore   *store,
                                             CompaniesServerMerge   *merge,
                                             CompaniesSyncResponse  *response,
                                             gint64                  after_version,
                                             gboolean                alive_only,
                                             guint                   limit,
                                             gint64                  written_after,
                                             gint64                  last_version,
                                             gint64                 *out_cursor_version,
                                             GError                **error);

/* The bytes @record takes at most in a response's companies or deleted
 * list, its comma included. */
gsize    companies_server_page_record_bytes (const CompaniesServerRecord *record);

G_END_DECLS
