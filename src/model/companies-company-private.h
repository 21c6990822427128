/* companies-company-private.h: the fields of CompaniesCompany, shared by
 * the files that implement it (companies-company.c: the object, its
 * values and properties; companies-company-state.c: its sync state).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-company.h"

G_BEGIN_DECLS

struct _CompaniesCompany
{
  GObject  parent_instance;

  char    *uuid;
  gint64   id;
  gint64   version;
  /* Never NULL: empty values point at empty_value, which is not freed. */
  char    *values[COMPANIES_N_FIELDS];
  char    *rejection_code;
  char    *rejection_field;
  char    *rejection_message;
  guint    changed_fields;
  guint    is_from_server : 1;
  guint    is_modified : 1;
  guint    is_active : 1;

  /* Values of a company made by companies_company_new_from_values ()
   * live in this one allocation until they are replaced. */
  char          *block;
  gsize          block_size;

  gpointer       app_data;
  GDestroyNotify app_data_destroy;
};

enum {
  PROP_0,
  PROP_UUID,
  PROP_ID,
  PROP_VERSION,
  PROP_IS_FROM_SERVER,
  PROP_IS_MODIFIED,
  PROP_IS_ACTIVE,
  PROP_CHANGED_FIELDS,
  PROP_REJECTION_CODE,
  PROP_REJECTION_FIELD,
  PROP_REJECTION_MESSAGE,
  PROP_SYNC_STATE,
  PROP_FIELD_FIRST,
  N_PROPS = PROP_FIELD_FIRST + COMPANIES_N_FIELDS
};

extern GParamSpec *companies_company_properties[N_PROPS];

static inline CompaniesSyncState
companies_company_compute_sync_state (CompaniesCompany *self)
{
  if (self->rejection_code != NULL)
    return COMPANIES_SYNC_STATE_REJECTED;
  if (!self->is_active)
    return COMPANIES_SYNC_STATE_PENDING_DELETE;
  if (!self->is_from_server)
    return COMPANIES_SYNC_STATE_PENDING_ADD;
  if (self->is_modified)
    return COMPANIES_SYNC_STATE_PENDING_CHANGE;
  return COMPANIES_SYNC_STATE_SYNCED;
}

/* Notifies "sync-state" when it is no longer @old_state. */
void companies_company_notify_sync_state_if_changed (CompaniesCompany   *self,
                                                     CompaniesSyncState  old_state);

G_END_DECLS
