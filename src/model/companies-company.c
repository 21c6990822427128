/* companies-company.c: one company as the client holds it: the object,
 * its values and properties. Its sync flags and derived sync state are in
 * companies-company-state.c; the fields of both in
 * companies-company-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company"

#include <string.h>

#include "companies-company-private.h"

G_DEFINE_FINAL_TYPE (CompaniesCompany, companies_company, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (CompaniesSyncState, companies_sync_state,
  G_DEFINE_ENUM_VALUE (COMPANIES_SYNC_STATE_SYNCED, "synced"),
  G_DEFINE_ENUM_VALUE (COMPANIES_SYNC_STATE_PENDING_ADD, "pending-add"),
  G_DEFINE_ENUM_VALUE (COMPANIES_SYNC_STATE_PENDING_CHANGE, "pending-change"),
  G_DEFINE_ENUM_VALUE (COMPANIES_SYNC_STATE_PENDING_DELETE, "pending-delete"),
  G_DEFINE_ENUM_VALUE (COMPANIES_SYNC_STATE_REJECTED, "rejected"))

GParamSpec *companies_company_properties[N_PROPS];

static char empty_value[] = "";

/* The property names of the fields: the wire names with dashes. */
static const char * const field_property_names[COMPANIES_N_FIELDS] = {
  [COMPANIES_FIELD_NAME]        = "name",
  [COMPANIES_FIELD_ADDRESS]     = "address",
  [COMPANIES_FIELD_CITY]        = "city",
  [COMPANIES_FIELD_POSTAL_CODE] = "postal-code",
  [COMPANIES_FIELD_COUNTRY]     = "country",
  [COMPANIES_FIELD_PHONE]       = "phone",
  [COMPANIES_FIELD_EMAIL]       = "email",
  [COMPANIES_FIELD_WEBSITE]     = "website",
  [COMPANIES_FIELD_NOTES]       = "notes",
};

static gboolean
in_block (CompaniesCompany *self,
          const char       *string)
{
  return self->block != NULL && string >= self->block && string < self->block + self->block_size;
}

static void
free_value (CompaniesCompany *self,
            char             *value)
{
  if (value != empty_value && !in_block (self, value))
    g_free (value);
}

static char *
dup_value (const char *value)
{
  if (value == NULL || *value == '\0')
    return empty_value;
  return g_strdup (value);
}

static void
companies_company_finalize (GObject *object)
{
  CompaniesCompany *self = (CompaniesCompany *) object;

  if (!in_block (self, self->uuid))
    g_free (self->uuid);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    free_value (self, self->values[i]);
  g_free (self->block);
  g_free (self->rejection_code);
  g_free (self->rejection_field);
  g_free (self->rejection_message);

  if (self->app_data_destroy != NULL)
    self->app_data_destroy (self->app_data);

  G_OBJECT_CLASS (companies_company_parent_class)->finalize (object);
}

static void
companies_company_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CompaniesCompany *self = COMPANIES_COMPANY (object);

  if (prop_id >= PROP_FIELD_FIRST && prop_id < N_PROPS)
    {
      g_value_set_string (value, self->values[prop_id - PROP_FIELD_FIRST]);
      return;
    }

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;

    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;

    case PROP_IS_FROM_SERVER:
      g_value_set_boolean (value, self->is_from_server);
      break;

    case PROP_IS_MODIFIED:
      g_value_set_boolean (value, self->is_modified);
      break;

    case PROP_IS_ACTIVE:
      g_value_set_boolean (value, self->is_active);
      break;

    case PROP_CHANGED_FIELDS:
      g_value_set_uint (value, self->changed_fields);
      break;

    case PROP_REJECTION_CODE:
      g_value_set_string (value, self->rejection_code);
      break;

    case PROP_REJECTION_FIELD:
      g_value_set_string (value, self->rejection_field);
      break;

    case PROP_REJECTION_MESSAGE:
      g_value_set_string (value, self->rejection_message);
      break;

    case PROP_SYNC_STATE:
      g_value_set_enum (value, companies_company_compute_sync_state (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_company_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CompaniesCompany *self = COMPANIES_COMPANY (object);

  if (prop_id >= PROP_FIELD_FIRST && prop_id < N_PROPS)
    {
      companies_company_set_field (self, prop_id - PROP_FIELD_FIRST,
                                   g_value_get_string (value));
      return;
    }

  switch (prop_id)
    {
    case PROP_UUID:
      companies_company_set_uuid (self, g_value_get_string (value));
      break;

    case PROP_ID:
      companies_company_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_VERSION:
      companies_company_set_version (self, g_value_get_int64 (value));
      break;

    case PROP_IS_FROM_SERVER:
      companies_company_set_is_from_server (self, g_value_get_boolean (value));
      break;

    case PROP_IS_MODIFIED:
      companies_company_set_is_modified (self, g_value_get_boolean (value));
      break;

    case PROP_IS_ACTIVE:
      companies_company_set_is_active (self, g_value_get_boolean (value));
      break;

    case PROP_CHANGED_FIELDS:
      companies_company_set_changed_fields (self, g_value_get_uint (value));
      break;

    case PROP_REJECTION_CODE:
      companies_company_set_rejection (self, g_value_get_string (value),
                                       self->rejection_field,
                                       self->rejection_message);
      break;

    case PROP_REJECTION_FIELD:
      companies_company_set_rejection (self, self->rejection_code,
                                       g_value_get_string (value),
                                       self->rejection_message);
      break;

    case PROP_REJECTION_MESSAGE:
      companies_company_set_rejection (self, self->rejection_code,
                                       self->rejection_field,
                                       g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_company_class_init (CompaniesCompanyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = companies_company_finalize;
  object_class->get_property = companies_company_get_property;
  object_class->set_property = companies_company_set_property;

  companies_company_properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL, flags);
  companies_company_properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  companies_company_properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  companies_company_properties[PROP_IS_FROM_SERVER] =
    g_param_spec_boolean ("is-from-server", NULL, NULL, FALSE, flags);
  companies_company_properties[PROP_IS_MODIFIED] =
    g_param_spec_boolean ("is-modified", NULL, NULL, FALSE, flags);
  companies_company_properties[PROP_IS_ACTIVE] =
    g_param_spec_boolean ("is-active", NULL, NULL, TRUE, flags);
  companies_company_properties[PROP_CHANGED_FIELDS] =
    g_param_spec_uint ("changed-fields", NULL, NULL, 0, COMPANIES_ALL_FIELDS, 0, flags);
  companies_company_properties[PROP_REJECTION_CODE] =
    g_param_spec_string ("rejection-code", NULL, NULL, NULL, flags);
  companies_company_properties[PROP_REJECTION_FIELD] =
    g_param_spec_string ("rejection-field", NULL, NULL, NULL, flags);
  companies_company_properties[PROP_REJECTION_MESSAGE] =
    g_param_spec_string ("rejection-message", NULL, NULL, NULL, flags);
  companies_company_properties[PROP_SYNC_STATE] =
    g_param_spec_enum ("sync-state", NULL, NULL,
                       COMPANIES_TYPE_SYNC_STATE, COMPANIES_SYNC_STATE_PENDING_ADD,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    companies_company_properties[PROP_FIELD_FIRST + i] =
      g_param_spec_string (field_property_names[i], NULL, NULL, "", flags);

  g_object_class_install_properties (object_class, N_PROPS, companies_company_properties);
}

static void
companies_company_init (CompaniesCompany *self)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    self->values[i] = empty_value;
  self->is_active = TRUE;
}

CompaniesCompany *
companies_company_new (void)
{
  return g_object_new (COMPANIES_TYPE_COMPANY, NULL);
}

CompaniesCompany *
companies_company_new_from_values (const char         *uuid,
                                   gint64              id,
                                   gint64              version,
                                   gboolean            is_from_server,
                                   gboolean            is_modified,
                                   gboolean            is_active,
                                   guint               changed_fields,
                                   const char * const *values,
                                   const gsize        *lengths)
{
  CompaniesCompany *self = companies_company_new ();
  gsize sizes[COMPANIES_N_FIELDS];
  gsize uuid_size = uuid != NULL ? strlen (uuid) + 1 : 0;
  gsize total = uuid_size;
  char *next;

  self->id = id;
  self->version = version;
  self->is_from_server = !!is_from_server;
  self->is_modified = !!is_modified;
  self->is_active = !!is_active;
  self->changed_fields = changed_fields;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      sizes[i] = values[i] == NULL ? 0 : lengths != NULL ? lengths[i] : strlen (values[i]);
      if (sizes[i] > 0)
        total += sizes[i] + 1;
    }

  if (total == 0)
    return self;

  self->block = next = g_malloc (total);
  self->block_size = total;

  if (uuid != NULL)
    {
      memcpy (next, uuid, uuid_size);
      self->uuid = next;
      next += uuid_size;
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (sizes[i] == 0)
        continue;

      memcpy (next, values[i], sizes[i]);
      next[sizes[i]] = '\0';
      self->values[i] = next;
      next += sizes[i] + 1;
    }

  return self;
}

CompaniesCompany *
companies_company_copy (CompaniesCompany *self)
{
  CompaniesCompany *copy;

  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  copy = companies_company_new ();
  copy->uuid = g_strdup (self->uuid);
  copy->id = self->id;
  copy->version = self->version;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    copy->values[i] = dup_value (self->values[i]);
  copy->rejection_code = g_strdup (self->rejection_code);
  copy->rejection_field = g_strdup (self->rejection_field);
  copy->rejection_message = g_strdup (self->rejection_message);
  copy->changed_fields = self->changed_fields;
  copy->is_from_server = self->is_from_server;
  copy->is_modified = self->is_modified;
  copy->is_active = self->is_active;

  return copy;
}

const char *
companies_company_get_uuid (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  return self->uuid;
}

void
companies_company_set_uuid (CompaniesCompany *self,
                            const char       *uuid)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  if (g_strcmp0 (self->uuid, uuid) == 0)
    return;

  if (!in_block (self, self->uuid))
    g_free (self->uuid);
  self->uuid = g_strdup (uuid);
  g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_UUID]);
}

gint64
companies_company_get_id (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), 0);

  return self->id;
}

void
companies_company_set_id (CompaniesCompany *self,
                          gint64            id)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  if (self->id != id)
    {
      self->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_ID]);
    }
}

gint64
companies_company_get_version (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), 0);

  return self->version;
}

void
companies_company_set_version (CompaniesCompany *self,
                               gint64            version)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_VERSION]);
    }
}

const char *
companies_company_get_field (CompaniesCompany *self,
                             CompaniesField    field)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), "");
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, "");

  return self->values[field];
}

void
companies_company_set_field (CompaniesCompany *self,
                             CompaniesField    field,
                             const char       *value)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (self));
  g_return_if_fail ((guint) field < COMPANIES_N_FIELDS);

  if (value == NULL)
    value = "";

  if (strcmp (self->values[field], value) == 0)
    return;

  free_value (self, self->values[field]);
  self->values[field] = dup_value (value);
  g_object_notify_by_pspec (G_OBJECT (self), companies_company_properties[PROP_FIELD_FIRST + field]);
}

const char * const *
companies_company_get_fields (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  return (const char * const *) self->values;
}

const char *
companies_company_get_name (CompaniesCompany *self)
{
  return companies_company_get_field (self, COMPANIES_FIELD_NAME);
}

gboolean
companies_company_equal (CompaniesCompany *a,
                         CompaniesCompany *b)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (a), FALSE);
  g_return_val_if_fail (COMPANIES_IS_COMPANY (b), FALSE);

  if (a == b)
    return TRUE;

  if (a->id != b->id ||
      a->version != b->version ||
      a->is_from_server != b->is_from_server ||
      a->is_modified != b->is_modified ||
      a->is_active != b->is_active ||
      a->changed_fields != b->changed_fields ||
      g_strcmp0 (a->uuid, b->uuid) != 0 ||
      g_strcmp0 (a->rejection_code, b->rejection_code) != 0 ||
      g_strcmp0 (a->rejection_field, b->rejection_field) != 0 ||
      g_strcmp0 (a->rejection_message, b->rejection_message) != 0)
    return FALSE;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (strcmp (a->values[i], b->values[i]) != 0)
        return FALSE;
    }

  return TRUE;
}

gpointer
companies_company_get_app_data (CompaniesCompany *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  return self->app_data;
}

void
companies_company_set_app_data (CompaniesCompany *self,
                                gpointer          data,
                                GDestroyNotify    destroy)
{
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_return_if_fail (COMPANIES_IS_COMPANY (self));

  old_data = self->app_data;
  old_destroy = self->app_data_destroy;
  self->app_data = data;
  self->app_data_destroy = destroy;

  if (old_destroy != NULL && old_data != data)
    old_destroy (old_data);
}

gpointer
companies_company_steal_app_data (CompaniesCompany *self)
{
  gpointer data;

  g_return_val_if_fail (COMPANIES_IS_COMPANY (self), NULL);

  data = g_steal_pointer (&self->app_data);
  self->app_data_destroy = NULL;

  return data;
}

void
companies_company_assign (CompaniesCompany *self,
                          CompaniesCompany *source)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (self));
  g_return_if_fail (COMPANIES_IS_COMPANY (source));

  if (self == source)
    return;

  /* Through the setters, so that only what changed notifies, once. */
  g_object_freeze_notify (G_OBJECT (self));

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    companies_company_set_field (self, i, source->values[i]);

  companies_company_set_id (self, source->id);
  companies_company_set_version (self, source->version);
  companies_company_set_is_from_server (self, source->is_from_server);
  companies_company_set_is_modified (self, source->is_modified);
  companies_company_set_is_active (self, source->is_active);
  companies_company_set_changed_fields (self, source->changed_fields);
  companies_company_set_rejection (self,
                                   source->rejection_code,
                                   source->rejection_field,
                                   source->rejection_message);

  g_object_thaw_notify (G_OBJECT (self));
}
