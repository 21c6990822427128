/* companies-company-state.c: where one company stands with the server:
 * its sync flags, the server's rejection and the sync state derived from
 * them (protocol.md section 2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company"

#include "companies-company-private.h"

/* g_set_str () is GLib 2.76. */
static gboolean
set_str (char       **str_pointer,
         const char  *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);
  return TRUE;
}

void
companies_company_notify_sync_state_if_changed (CompaniesCompany   *self,
                                                CompaniesSyncState  old_state)
{
  if (companies_company_compute_sync_state (self) != old_state)
    g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_SYNC_STATE]);
}

gboolean
companies_company_get_is_from_server (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), FALSE);

  return self->is_from_server;
}

void
companies_company_set_is_from_server (CompaniesCompany *self,
                                      gboolean          is_from_server)
{
  CompaniesSyncState old_state;

  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  is_from_server = !!is_from_server;
  if (self->is_from_server == (guint) is_from_server)
    return;

  old_state = companies_company_compute_sync_state (self);
  self->is_from_server = is_from_server;
  g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_IS_FROM_SERVER]);
  companies_company_notify_sync_state_if_changed (self, old_state);
}

gboolean
companies_company_get_is_modified (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), FALSE);

  return self->is_modified;
}

void
companies_company_set_is_modified (CompaniesCompany *self,
                                   gboolean          is_modified)
{
  CompaniesSyncState old_state;

  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  is_modified = !!is_modified;
  if (self->is_modified == (guint) is_modified)
    return;

  old_state = companies_company_compute_sync_state (self);
  self->is_modified = is_modified;
  g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_IS_MODIFIED]);
  companies_company_notify_sync_state_if_changed (self, old_state);
}

gboolean
companies_company_get_is_active (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), FALSE);

  return self->is_active;
}

void
companies_company_set_is_active (CompaniesCompany *self,
                                 gboolean          is_active)
{
  CompaniesSyncState old_state;

  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  is_active = !!is_active;
  if (self->is_active == (guint) is_active)
    return;

  old_state = companies_company_compute_sync_state (self);
  self->is_active = is_active;
  g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_IS_ACTIVE]);
  companies_company_notify_sync_state_if_changed (self, old_state);
}

guint
companies_company_get_changed_fields (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), 0);

  return self->changed_fields;
}

void
companies_company_set_changed_fields (CompaniesCompany *self,
                                      guint             mask)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  mask &= COMPANIES_ALL_FIELDS;
  if (self->changed_fields != mask)
    {
      self->changed_fields = mask;
      g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_CHANGED_FIELDS]);
    }
}

const char *
companies_company_get_rejection_code (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  return self->rejection_code;
}

const char *
companies_company_get_rejection_field (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  return self->rejection_field;
}

const char *
companies_company_get_rejection_message (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  return self->rejection_message;
}

void
companies_company_set_rejection (CompaniesCompany *self,
                                 const char       *code,
                                 const char       *field,
                                 const char       *message)
{
  CompaniesSyncState old_state;
  GObject *object;

  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  object = G_OBJECT (self);
  old_state = companies_company_compute_sync_state (self);

  g_object_freeze_notify (object);
  if (set_str (&self->rejection_code, code))
    g_object_notify_by_pspec (object, companies_company_properties[PROP_REJECTION_CODE]);
  if (set_str (&self->rejection_field, field))
    g_object_notify_by_pspec (object, companies_company_properties[PROP_REJECTION_FIELD]);
  if (set_str (&self->rejection_message, message))
    g_object_notify_by_pspec (object, companies_company_properties[PROP_REJECTION_MESSAGE]);
  companies_company_notify_sync_state_if_changed (self, old_state);
  g_object_thaw_notify (object);
}

CompaniesSyncState
companies_company_get_sync_state (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), COMPANIES_SYNC_STATE_SYNCED);

  return companies_company_compute_sync_state (self);
}
