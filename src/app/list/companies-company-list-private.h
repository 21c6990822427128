/* companies-company-list-private.h: what the two files of
 * CompaniesCompanyList share: companies-company-list.c (the model and
 * the merging of reads) and companies-company-list-load.c (keeping it
 * in step with the database file).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-company-list.h"
#include "companies-list-update.h"

G_BEGIN_DECLS

struct _CompaniesCompanyList
{
  GObject              parent_instance;

  GPtrArray           *items;       /* CompaniesCompany, the model's order */
  GHashTable          *by_uuid;     /* uuid → CompaniesCompany (a reference) */
  /* The signatures of the last update applied. Never changed once made:
   * the loader's worker reads them. */
  CompaniesSignatures *signatures;

  /* See companies_company_list_set_watched () */
  guint                watched_fields;
  gboolean             watch_state;

  /* Keeping the list in step with the database file: see
   * companies-company-list-load.c. */
  CompaniesLocalStore *store;       /* NULL: nothing to read */
  GCancellable        *cancellable;
  gint64               known_data_version;
  gint64               loading_data_version;
  gint64               loading_started;
  guint                data_version_source;
  guint                loaded : 1;
  guint                loading : 1;
  guint                reload_again : 1;
  guint                wrote_while_loading : 1;
};

enum
{
  COMPANY_LIST_PROP_0,
  COMPANY_LIST_PROP_STORE,
  COMPANY_LIST_PROP_LOADED,
  COMPANY_LIST_N_PROPS
};

enum
{
  COMPANY_LIST_READ_FINISHED,
  COMPANY_LIST_STORE_CHANGED,
  COMPANY_LIST_N_SIGNALS
};

/* companies-company-list.c */
extern GParamSpec *_companies_company_list_properties[COMPANY_LIST_N_PROPS];
extern guint       _companies_company_list_signals[COMPANY_LIST_N_SIGNALS];


/* Brings the list in line with @update with the fewest changes: a company
 * already listed stays the same object (updated in place when its values
 * changed), so the selection, the scroll position and open editors keep
 * it; rows that changed, went or came are announced in as few
 * items-changed as their runs need, never one a row for a big refresh.
 * Returns the number of items-changed emitted. */
guint _companies_company_list_apply         (CompaniesCompanyList *self,
                                             CompaniesListUpdate  *update);

/* companies-company-list-load.c */
/* The first read and the polling of the data version, once "store" is set. */
void  _companies_company_list_start_reading (CompaniesCompanyList *self);
void  _companies_company_list_stop_reading  (CompaniesCompanyList *self);

G_END_DECLS
