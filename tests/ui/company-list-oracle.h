/* company-list-oracle.h: what the list model must show, worked out by
 * brute force from every company of the file (test-company-list.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-company-list.h"
#include "companies-local-store-view.h"

G_BEGIN_DECLS

/* The order the list must show: < 0 when @a comes first, 0 when either
 * may. */
int      oracle_compare          (const CompaniesListSort *sort,
                                  CompaniesCompany        *a,
                                  CompaniesCompany        *b);
/* Whether @company's listed fields hold @search, folded. */
gboolean oracle_matches          (CompaniesCompany        *company,
                                  const char              *search);
/* The model shows exactly the active companies of the file that match
 * @search, in @sort's order, and @shadow (kept from its signals by
 * shadow_items_changed_cb ()) agrees. */
void     assert_oracle           (CompaniesLocalStore     *store,
                                  GListModel              *model,
                                  GPtrArray               *shadow,
                                  const CompaniesListSort *sort,
                                  const char              *search);
/* An items-changed handler that keeps @shadow (a GPtrArray of items) a
 * copy of the model. */
void     shadow_items_changed_cb (GListModel              *model,
                                  guint                    position,
                                  guint                    removed,
                                  guint                    added,
                                  GPtrArray               *shadow);

/* A read-finished handler counting the reads that show what was asked
 * for last (those that carry the counts), and a wait for the next one
 * (at most 30 s). */
void     counted_read_cb         (CompaniesCompanyList       *list,
                                  const CompaniesStoreStatus *status,
                                  const GError               *error,
                                  guint                      *n_reads);
void     wait_for_read           (guint                      *n_reads);

G_END_DECLS
