/* companies-server-history.c: the answer to GET
 * /v1/companies/{id}/history (docs/protocol.md, docs/history.md)
 *
 * The entries come newest first; a deletion is an entry whose field and
 * value are null. The store keeps at most its bound of entries a field,
 * so the answer is bounded too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "companies-protocol.h"
#include "companies-server-history.h"

/* A safety net over the store's own bound. */
#define MAX_ENTRIES 20000

gboolean
companies_server_history_parse_path (const char *path,
                                     gint64     *out_id)
{
  g_autofree char *digits = NULL;
  gsize prefix = strlen (COMPANIES_HISTORY_PATH_PREFIX);
  gsize suffix = strlen (COMPANIES_HISTORY_PATH_SUFFIX);
  gsize length;
  guint64 id = 0;

  if (path == NULL || !g_str_has_prefix (path, COMPANIES_HISTORY_PATH_PREFIX) ||
      !g_str_has_suffix (path, COMPANIES_HISTORY_PATH_SUFFIX))
    return FALSE;

  length = strlen (path);
  if (length <= prefix + suffix)
    return FALSE;

  /* only plain decimal digits, as the ids of the protocol */
  digits = g_strndup (path + prefix, length - prefix - suffix);
  if (strlen (digits) > 18 ||
      !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &id, NULL) ||
      digits[0] == '+' || digits[0] == '0')
    return FALSE;

  *out_id = (gint64) id;
  return TRUE;
}

static GBytes *
encode (const CompaniesServerRecord *record,
        GPtrArray                   *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->company->id);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, record->company->uuid);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const CompaniesHistoryEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "field");
      if (entry->field != NULL)
        json_builder_add_string_value (builder, entry->field);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "value");
      if (entry->value != NULL)
        json_builder_add_string_value (builder, entry->value);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, entry->version);
      json_builder_set_member_name (builder, "at");
      json_builder_add_int_value (builder, entry->at);
      json_builder_set_member_name (builder, "by");
      if (entry->by != NULL)
        json_builder_add_string_value (builder, entry->by);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

gboolean
companies_server_history_read (CompaniesServerStore  *store,
                               gint64                 id,
                               CompaniesServerReply  *reply,
                               GError               **error)
{
  g_autoptr(CompaniesServerRecord) record = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_history_entry_free);
  guint max = MIN (companies_server_store_history_entries (store) * (COMPANIES_N_FIELDS + 1),
                   MAX_ENTRIES);

  if (!companies_server_store_begin (store, error))
    return FALSE;

  if (!companies_server_store_lookup_by_id (store, id, &record, error) ||
      (record != NULL && !companies_server_store_list_history (store, id, max, entries, error)) ||
      !companies_server_store_commit (store, error))
    {
      companies_server_store_rollback (store);
      return FALSE;
    }

  if (record == NULL)
    {
      reply->status = 404;
      reply->body = companies_error_body_encode ("not_found", _("No company has this id"), NULL);
      return TRUE;
    }

  reply->status = 200;
  reply->body = encode (record, entries);
  reply->changes_out = entries->len;
  return TRUE;
}
