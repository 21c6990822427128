/* companies-protocol-decode.c: the strict decoders of requests and
 * responses (protocol.md section 3). The JSON helpers are in
 * companies-protocol-json.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-protocol"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-protocol-private.h"

#define MAX_CURSOR_BYTES 200

/* --- Requests --- */

static void
reject (CompaniesChange *change,
        const char      *code,
        const char      *field,
        const char      *message)
{
  if (change->reject_code != NULL)
    return;

  change->reject_code = g_strdup (code);
  change->reject_field = g_strdup (field);
  change->reject_message = g_strdup (message);
}

/* A name fit to echo as a rejection's field: short, valid text. */
static const char *
echoable_name (const char *name)
{
  if (strlen (name) > 64 || !g_utf8_validate (name, -1, NULL))
    return NULL;

  return name;
}

static gboolean
decode_fields (JsonObject                *object,
               CompaniesChange           *change,
               const CompaniesJsonPlace  *place,
               char                     **out_path,
               GError                   **error)
{
  JsonObject *fields;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  fields = companies_json_get_object_member (object, "fields", place, out_path, error);
  if (fields == NULL)
    return FALSE;

  json_object_iter_init_ordered (&iter, fields);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      g_autoptr(GError) field_error = NULL;
      const char *value = companies_json_get_string (node);
      CompaniesField field;

      if (value == NULL)
        return companies_json_fail (error, out_path, place, "fields", name,
                                    _("Must be a string"));

      if (!companies_field_from_name (name, &field))
        {
          g_autofree char *message =
            g_strdup_printf (_("There is no field named “%s”"),
                             echoable_name (name) != NULL ? name : "?");

          reject (change, COMPANIES_REJECT_UNKNOWN_FIELD, echoable_name (name), message);
          continue;
        }

      if (!companies_field_validate (field, value, &field_error))
        {
          reject (change, COMPANIES_REJECT_INVALID_FIELD,
                  companies_field_get_name (field), field_error->message);
          continue;
        }

      g_free (change->values[field]);
      change->values[field] = companies_field_normalize (field, value);
      change->field_mask |= COMPANIES_FIELD_BIT (field);
    }

  return TRUE;
}

static CompaniesChange *
decode_added (JsonNode                  *node,
              GHashTable                *seen,
              const CompaniesJsonPlace  *place,
              char                     **out_path,
              GError                   **error)
{
  static const char * const allowed[] = { "uuid", "fields", NULL };
  g_autoptr(CompaniesChange) change = companies_change_new (COMPANIES_CHANGE_ADD);
  JsonObject *object;
  const char *uuid;

  if (JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, place, NULL, NULL,
                           _("Must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!companies_json_check_members (object, allowed, place, out_path, error) ||
      (uuid = companies_json_get_uuid_member (object, "uuid", place, out_path, error)) == NULL)
    return NULL;

  if (g_hash_table_contains (seen, uuid))
    {
      companies_json_fail (error, out_path, place, "uuid", NULL,
                           _("The same uuid is added twice"));
      return NULL;
    }
  change->uuid = g_strdup (uuid);

  if (!decode_fields (object, change, place, out_path, error))
    return NULL;

  if ((change->field_mask & COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME)) == 0)
    reject (change, COMPANIES_REJECT_MISSING_FIELD,
            companies_field_get_name (COMPANIES_FIELD_NAME), _("Name is required"));

  g_hash_table_add (seen, change->uuid);

  return g_steal_pointer (&change);
}

static CompaniesChange *
decode_updated_or_deleted (JsonNode                  *node,
                           CompaniesChangeKind        kind,
                           GHashTable                *seen,
                           const CompaniesJsonPlace  *place,
                           char                     **out_path,
                           GError                   **error)
{
  static const char * const update_allowed[] = { "id", "base_version", "fields", NULL };
  static const char * const delete_allowed[] = { "id", NULL };
  gboolean is_update = kind == COMPANIES_CHANGE_UPDATE;
  g_autoptr(CompaniesChange) change = companies_change_new (kind);
  JsonObject *object;

  if (JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, place, NULL, NULL,
                           _("Must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!companies_json_check_members (object, is_update ? update_allowed : delete_allowed,
                                     place, out_path, error) ||
      !companies_json_get_int_member (object, "id", 1, &change->id, place, out_path, error))
    return NULL;

  if (g_hash_table_contains (seen, &change->id))
    {
      companies_json_fail (error, out_path, place, "id", NULL,
                           is_update ? _("The same id is updated twice") : _("The same id is deleted twice"));
      return NULL;
    }

  if (is_update &&
      (!companies_json_get_int_member (object, "base_version", 0, &change->base_version,
                                       place, out_path, error) ||
       !decode_fields (object, change, place, out_path, error)))
    return NULL;

  g_hash_table_add (seen, &change->id);
  return g_steal_pointer (&change);
}

static JsonArray *
get_list (JsonObject                *object,
          const char                *member,
          const CompaniesJsonPlace  *root,
          char                     **out_path,
          GError                   **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return NULL;

  if (JSON_NODE_TYPE (node) != JSON_NODE_ARRAY)
    {
      companies_json_fail (error, out_path, root, member, NULL,
                           _("Must be an array"));
      return NULL;
    }

  return json_node_get_array (node);
}

static gboolean
decode_list (JsonArray            *array,
             const char           *list,
             CompaniesChangeKind   kind,
             GPtrArray            *changes,
             char                **out_path,
             GError              **error)
{
  g_autoptr(GHashTable) seen = NULL;
  guint length;

  if (array == NULL)
    return TRUE;

  if (kind == COMPANIES_CHANGE_ADD)
    seen = g_hash_table_new (g_str_hash, g_str_equal);
  else
    seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  length = json_array_get_length (array);
  g_ptr_array_set_size (changes, 0);
  for (guint i = 0; i < length; i++)
    {
      CompaniesJsonPlace place = { list, i };
      JsonNode *node = json_array_get_element (array, i);
      CompaniesChange *change;

      if (kind == COMPANIES_CHANGE_ADD)
        change = decode_added (node, seen, &place, out_path, error);
      else
        change = decode_updated_or_deleted (node, kind, seen, &place, out_path, error);

      if (change == NULL)
        return FALSE;
      g_ptr_array_add (changes, change);
    }

  return TRUE;
}

CompaniesSyncRequest *
companies_sync_request_decode (const char  *data,
                               gsize        length,
                               char       **out_path,
                               GError     **error)
{
  static const char * const allowed[] = {
    "protocol", "client_id", "cursor", "limit", "added", "updated", "deleted", NULL
  };
  static const CompaniesJsonPlace root_place = { NULL, 0 };
  const CompaniesJsonPlace *root = &root_place;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *lists[3] = { NULL, NULL, NULL };
  JsonObject *object;
  JsonNode *root_node = NULL;
  JsonNode *node;
  const char *client_id;
  gint64 value;
  gsize n_changes = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_path != NULL)
    *out_path = NULL;

  parser = companies_json_parse (data, length, &root_node, error);
  if (parser == NULL)
    return NULL;

  if (JSON_NODE_TYPE (root_node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, root, NULL, NULL,
                           _("The request must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root_node);

  /* The protocol first: a newer one may have other members. */
  if (!companies_json_get_int_member (object, "protocol", G_MININT64, &value, root, out_path, error))
    return NULL;
  if (value != COMPANIES_PROTOCOL_VERSION)
    {
      companies_json_fail_with_code (error, out_path,
                                     COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL,
                                     root, "protocol", NULL,
                                     _("This server speaks protocol version 1 only"));
      return NULL;
    }

  if (!companies_json_check_members (object, allowed, root, out_path, error) ||
      (client_id = companies_json_get_uuid_member (object, "client_id", root, out_path, error)) == NULL)
    return NULL;

  request = companies_sync_request_new ();
  request->protocol = value;
  request->client_id = g_strdup (client_id);

  node = json_object_get_member (object, "cursor");
  if (!companies_json_is_null (node))
    {
      const char *cursor = companies_json_get_string (node);

      if (cursor == NULL)
        {
          companies_json_fail (error, out_path, root, "cursor", NULL,
                               _("Must be a string or null"));
          return NULL;
        }
      if (strlen (cursor) > MAX_CURSOR_BYTES || !g_utf8_validate (cursor, -1, NULL))
        {
          companies_json_fail (error, out_path, root, "cursor", NULL,
                               _("Not a cursor this server made"));
          return NULL;
        }
      request->cursor = g_strdup (cursor);
    }

  if (json_object_has_member (object, "limit"))
    {
      if (!companies_json_get_int_member (object, "limit", 1, &value, root, out_path, error))
        return NULL;
      if (value > COMPANIES_MAX_LIMIT)
        {
          companies_json_fail (error, out_path, root, "limit", NULL,
                               _("Must be at most 10000"));
          return NULL;
        }
      request->limit = (guint) value;
    }

  lists[0] = get_list (object, "added", root, out_path, &local_error);
  if (local_error == NULL)
    lists[1] = get_list (object, "updated", root, out_path, &local_error);
  if (local_error == NULL)
    lists[2] = get_list (object, "deleted", root, out_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    n_changes += lists[i] != NULL ? json_array_get_length (lists[i]) : 0;
  if (n_changes > COMPANIES_MAX_CHANGES)
    {
      companies_json_fail_with_code (error, out_path,
                                     COMPANIES_PROTOCOL_ERROR_TOO_LARGE,
                                     root, NULL, NULL,
                                     _("A request may hold at most 10000 changes"));
      return NULL;
    }

  if (!decode_list (lists[0], "added", COMPANIES_CHANGE_ADD, request->added, out_path, error) ||
      !decode_list (lists[1], "updated", COMPANIES_CHANGE_UPDATE, request->updated, out_path, error) ||
      !decode_list (lists[2], "deleted", COMPANIES_CHANGE_DELETE, request->deleted, out_path, error))
    return NULL;

  return g_steal_pointer (&request);
}

/* --- Responses --- */

static CompaniesRecord *
decode_record (JsonNode                  *node,
               gboolean                   tombstone,
               const CompaniesJsonPlace  *place,
               char                     **out_path,
               GError                   **error)
{
  static const char * const company_allowed[] = {
    "id", "uuid", "version", "name", "address", "city", "postal_code",
    "country", "phone", "email", "website", "notes", NULL
  };
  static const char * const tombstone_allowed[] = { "id", "uuid", "version", NULL };
  g_autoptr(CompaniesRecord) record = companies_record_new ();
  JsonObject *object;
  const char *uuid;

  if (JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, place, NULL, NULL,
                           _("Must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!companies_json_check_members (object, tombstone ? tombstone_allowed : company_allowed,
                                     place, out_path, error) ||
      !companies_json_get_int_member (object, "id", 1, &record->id, place, out_path, error) ||
      (uuid = companies_json_get_uuid_member (object, "uuid", place, out_path, error)) == NULL ||
      !companies_json_get_int_member (object, "version", 0, &record->version, place, out_path, error))
    return NULL;

  record->uuid = g_strdup (uuid);

  if (tombstone)
    return g_steal_pointer (&record);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *name = companies_field_get_name (i);
      const char *value = companies_json_get_string_member (object, name, FALSE, place, out_path, error);

      if (value == NULL)
        return NULL;
      if (!g_utf8_validate (value, -1, NULL))
        {
          companies_json_fail (error, out_path, place, name, NULL,
                               _("Not valid UTF-8 text"));
          return NULL;
        }
      record->values[i] = g_strdup (value);
    }

  return g_steal_pointer (&record);
}

static CompaniesRejected *
decode_rejected (JsonNode                  *node,
                 const CompaniesJsonPlace  *place,
                 char                     **out_path,
                 GError                   **error)
{
  static const char * const allowed[] = { "uuid", "id", "code", "field", "message", NULL };
  g_autoptr(GError) local_error = NULL;
  CompaniesRejected *rejected;
  JsonObject *object;
  const char *uuid;
  const char *code = NULL;
  const char *field = NULL;
  const char *message = NULL;
  gint64 id = 0;

  if (JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, place, NULL, NULL,
                           _("Must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!companies_json_check_members (object, allowed, place, out_path, error))
    return NULL;

  uuid = companies_json_get_string_member (object, "uuid", TRUE, place, out_path, &local_error);
  if (local_error == NULL && uuid != NULL && !companies_uuid_is_valid (uuid))
    companies_json_fail (&local_error, out_path, place, "uuid", NULL,
                         _("Must be a lower-case UUID"));
  if (local_error == NULL && !companies_json_is_null (json_object_get_member (object, "id")))
    companies_json_get_int_member (object, "id", 1, &id, place, out_path, &local_error);
  if (local_error == NULL)
    code = companies_json_get_string_member (object, "code", FALSE, place, out_path, &local_error);
  if (local_error == NULL)
    field = companies_json_get_string_member (object, "field", TRUE, place, out_path, &local_error);
  if (local_error == NULL)
    message = companies_json_get_string_member (object, "message", FALSE, place, out_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  rejected = companies_rejected_new ();
  rejected->uuid = g_strdup (uuid);
  rejected->id = id;
  rejected->code = g_strdup (code);
  rejected->field = g_strdup (field);
  rejected->message = g_strdup (message);
  return rejected;
}

static CompaniesOverwritten *
decode_overwritten (JsonNode                  *node,
                    const CompaniesJsonPlace  *place,
                    char                     **out_path,
                    GError                   **error)
{
  static const char * const allowed[] = { "id", "field", "value", "version", NULL };
  g_autoptr(CompaniesOverwritten) overwritten = companies_overwritten_new ();
  JsonObject *object;
  const char *field;
  const char *value;

  if (JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, place, NULL, NULL,
                           _("Must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!companies_json_check_members (object, allowed, place, out_path, error) ||
      !companies_json_get_int_member (object, "id", 1, &overwritten->id, place, out_path, error) ||
      (field = companies_json_get_string_member (object, "field", FALSE, place, out_path, error)) == NULL ||
      (value = companies_json_get_string_member (object, "value", FALSE, place, out_path, error)) == NULL ||
      !companies_json_get_int_member (object, "version", 0, &overwritten->version, place, out_path, error))
    return NULL;

  if (!companies_field_from_name (field, &overwritten->field))
    {
      companies_json_fail (error, out_path, place, "field", NULL,
                           _("Not a field name"));
      return NULL;
    }
  overwritten->value = g_strdup (value);

  return g_steal_pointer (&overwritten);
}

typedef enum
{
  LIST_COMPANIES,
  LIST_DELETED,
  LIST_REJECTED,
  LIST_OVERWRITTEN,
} ListKind;

static gboolean
decode_response_list (JsonObject  *object,
                      const char  *member,
                      ListKind     kind,
                      GPtrArray   *out,
                      char       **out_path,
                      GError     **error)
{
  static const CompaniesJsonPlace root = { NULL, 0 };
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;
  guint length;

  if (node == NULL && (kind == LIST_REJECTED || kind == LIST_OVERWRITTEN))
    return TRUE;
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_ARRAY)
    return companies_json_fail (error, out_path, &root, member, NULL,
                                node == NULL ? _("A required member is missing") : _("Must be an array"));

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  g_ptr_array_set_size (out, 0);
  for (guint i = 0; i < length; i++)
    {
      CompaniesJsonPlace place = { member, i };
      JsonNode *element = json_array_get_element (array, i);
      gpointer item = NULL;

      switch (kind)
        {
        case LIST_COMPANIES:
        case LIST_DELETED:
          item = decode_record (element, kind == LIST_DELETED, &place, out_path, error);
          break;
        case LIST_REJECTED:
          item = decode_rejected (element, &place, out_path, error);
          break;
        case LIST_OVERWRITTEN:
          item = decode_overwritten (element, &place, out_path, error);
          break;
        default:
          g_assert_not_reached ();
        }

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (out, item);
    }

  return TRUE;
}

static CompaniesSyncResponse *
decode_response (JsonNode  *root_node,
                 char     **out_path,
                 GError   **error)
{
  static const char * const allowed[] = {
    "protocol", "cursor", "has_more", "reset", "companies", "deleted",
    "rejected", "overwritten", NULL
  };
  static const CompaniesJsonPlace root_place = { NULL, 0 };
  const CompaniesJsonPlace *root = &root_place;
  g_autoptr(CompaniesSyncResponse) response = companies_sync_response_new ();
  JsonObject *object;
  const char *cursor;

  if (JSON_NODE_TYPE (root_node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, root, NULL, NULL,
                           _("The response must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root_node);

  if (!companies_json_get_int_member (object, "protocol", G_MININT64, &response->protocol,
                                      root, out_path, error))
    return NULL;
  if (response->protocol != COMPANIES_PROTOCOL_VERSION)
    {
      companies_json_fail_with_code (error, out_path,
                                     COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL,
                                     root, "protocol", NULL,
                                     _("The server speaks another protocol version"));
      return NULL;
    }

  if (!companies_json_check_members (object, allowed, root, out_path, error) ||
      (cursor = companies_json_get_string_member (object, "cursor", FALSE, root, out_path, error)) == NULL)
    return NULL;
  response->cursor = g_strdup (cursor);

  if (!companies_json_get_bool (json_object_get_member (object, "has_more"), &response->has_more))
    {
      companies_json_fail (error, out_path, root, "has_more", NULL,
                           _("Must be a boolean"));
      return NULL;
    }
  if (!companies_json_get_bool (json_object_get_member (object, "reset"), &response->reset))
    {
      companies_json_fail (error, out_path, root, "reset", NULL,
                           _("Must be a boolean"));
      return NULL;
    }

  if (!decode_response_list (object, "companies", LIST_COMPANIES, response->companies, out_path, error) ||
      !decode_response_list (object, "deleted", LIST_DELETED, response->deleted, out_path, error) ||
      !decode_response_list (object, "rejected", LIST_REJECTED, response->rejected, out_path, error) ||
      !decode_response_list (object, "overwritten", LIST_OVERWRITTEN, response->overwritten, out_path, error))
    return NULL;

  return g_steal_pointer (&response);
}

CompaniesSyncResponse *
companies_sync_response_decode (const char  *data,
                                gsize        length,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  CompaniesSyncResponse *response;
  JsonNode *root_node = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = companies_json_parse (data, length, &root_node, error);
  if (parser == NULL)
    return NULL;

  response = decode_response (root_node, &path, &local_error);
  if (response == NULL)
    {
      /* TRANSLATORS: the first %s is a place in the response such as
       * "companies[3].uuid", the second what is wrong there */
      g_set_error (error, COMPANIES_PROTOCOL_ERROR, local_error->code,
                   _("The server sent a malformed response (%s: %s)"),
                   path != NULL ? path : "/", local_error->message);
      return NULL;
    }

  return response;
}

