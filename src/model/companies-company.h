/* companies-company.h: one company as the client holds it (the seed's
 * LocalCompany): the user fields plus the sync metadata of protocol.md
 * section 2. A plain value object: setting a property changes only this
 * object, never the store; the store's ForSync actions are the write API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "companies-fields.h"

G_BEGIN_DECLS

/* Where a record stands with the server, derived from the flags; what the
 * app shows per row. */
typedef enum
{
  COMPANIES_SYNC_STATE_SYNCED,          /* IsFromServer, not IsModified */
  COMPANIES_SYNC_STATE_PENDING_ADD,     /* not IsFromServer */
  COMPANIES_SYNC_STATE_PENDING_CHANGE,  /* IsFromServer and IsModified */
  COMPANIES_SYNC_STATE_PENDING_DELETE,  /* IsFromServer, not IsActive */
  COMPANIES_SYNC_STATE_REJECTED,        /* the server refused the last push */
} CompaniesSyncState;

GType companies_sync_state_get_type (void) G_GNUC_CONST;
#define COMPANIES_TYPE_SYNC_STATE (companies_sync_state_get_type ())

#define COMPANIES_TYPE_COMPANY (companies_company_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesCompany, companies_company, COMPANIES, COMPANY, GObject)

/* Properties: "uuid", "id" (gint64, 0 = not on the server yet), "version",
 * one string property per field named as on the wire but with dashes
 * ("name", "postal-code", …, never NULL, "" when empty), "is-from-server",
 * "is-modified", "is-active", "changed-fields" (guint mask), "rejection-code",
 * "rejection-field", "rejection-message" (NULL when not rejected),
 * "sync-state" (read-only, derived). */

CompaniesCompany   *companies_company_new                   (void);
CompaniesCompany   *companies_company_copy                  (CompaniesCompany *self);
/* A company made at once from stored values, without notifications (a
 * read of 100,000 rows makes 100,000 of them): @values indexed by
 * CompaniesField (NULL or "" when empty), @lengths their lengths in bytes
 * (NULL: up to their NUL). The values share one allocation. */
CompaniesCompany   *companies_company_new_from_values       (const char         *uuid,
                                                             gint64              id,
                                                             gint64              version,
                                                             gboolean            is_from_server,
                                                             gboolean            is_modified,
                                                             gboolean            is_active,
                                                             guint               changed_fields,
                                                             const char * const *values,
                                                             const gsize        *lengths);

const char         *companies_company_get_uuid              (CompaniesCompany *self);
void                companies_company_set_uuid              (CompaniesCompany *self,
                                                             const char       *uuid);
gint64              companies_company_get_id                (CompaniesCompany *self);
void                companies_company_set_id                (CompaniesCompany *self,
                                                             gint64            id);
gint64              companies_company_get_version           (CompaniesCompany *self);
void                companies_company_set_version           (CompaniesCompany *self,
                                                             gint64            version);

/* Never NULL: "" for an empty field. */
const char         *companies_company_get_field             (CompaniesCompany *self,
                                                             CompaniesField    field);
void                companies_company_set_field             (CompaniesCompany *self,
                                                             CompaniesField    field,
                                                             const char       *value);
/* The values as an array indexed by CompaniesField, owned by @self. */
const char * const *companies_company_get_fields            (CompaniesCompany *self);

/* Convenience for the most used field. */
const char         *companies_company_get_name              (CompaniesCompany *self);

gboolean            companies_company_get_is_from_server    (CompaniesCompany *self);
void                companies_company_set_is_from_server    (CompaniesCompany *self,
                                                             gboolean          is_from_server);
gboolean            companies_company_get_is_modified       (CompaniesCompany *self);
void                companies_company_set_is_modified       (CompaniesCompany *self,
                                                             gboolean          is_modified);
gboolean            companies_company_get_is_active         (CompaniesCompany *self);
void                companies_company_set_is_active         (CompaniesCompany *self,
                                                             gboolean          is_active);
guint               companies_company_get_changed_fields    (CompaniesCompany *self);
void                companies_company_set_changed_fields    (CompaniesCompany *self,
                                                             guint             mask);

const char         *companies_company_get_rejection_code    (CompaniesCompany *self);
const char         *companies_company_get_rejection_field   (CompaniesCompany *self);
const char         *companies_company_get_rejection_message (CompaniesCompany *self);
void                companies_company_set_rejection         (CompaniesCompany *self,
                                                             const char       *code,
                                                             const char       *field,
                                                             const char       *message);

CompaniesSyncState  companies_company_get_sync_state        (CompaniesCompany *self);

/* TRUE when every field, the ids and the flags are equal: lets a list model
 * refresh skip rows that did not change. */
gboolean            companies_company_equal                 (CompaniesCompany *a,
                                                             CompaniesCompany *b);

/* One pointer of data that a user of the company keeps with it (the app:
 * the folded keys of its list), freed with @destroy when replaced or when
 * the company goes; cheaper than qdata for what every comparison of a
 * sort reads. Not copied by companies_company_copy (). */
gpointer            companies_company_get_app_data          (CompaniesCompany *self);
void                companies_company_set_app_data          (CompaniesCompany *self,
                                                             gpointer          data,
                                                             GDestroyNotify    destroy);
/* Takes the data out without freeing it. */
gpointer            companies_company_steal_app_data        (CompaniesCompany *self);

/* Gives @self every value of @source (fields, ids, flags, rejection)
 * but its uuid and its app data: a row of a list takes a newer read of
 * the same company and stays the same object. Notifies what changed. */
void                companies_company_assign                (CompaniesCompany *self,
                                                             CompaniesCompany *source);

G_END_DECLS
