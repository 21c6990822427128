/* companies-protocol-decode.c: the strict decoder of requests
 * (docs/protocol.md section 3). Responses are decoded in
 * companies-protocol-response.c; the JSON helpers are in
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

/* --- Requests ---
 *
 * A decoded request holds its changes in one block and their text in one
 * string chunk (request->decoded_changes and ->decoded_text): at 10000
 * additions a request, a string each was eleven allocations a change,
 * and freeing them about 5 % of the server's time in a bulk push. */

static void
reject (CompaniesChange *change,
        GStringChunk    *text,
        const char      *code,
        const char      *field,
        const char      *message)
{
  if (change->reject_code != NULL)
    return;

  change->reject_code = g_string_chunk_insert (text, code);
  change->reject_field = field != NULL ? g_string_chunk_insert (text, field) : NULL;
  change->reject_message = g_string_chunk_insert (text, message);
}

/* A name fit to echo as a rejection's field: short, valid text. */
static const char *
echoable_name (const char *name)
{
  if (strlen (name) > 64 || !g_utf8_validate (name, -1, NULL))
    return NULL;

  return name;
}

/* The field a member key names (-1 for none), without copying it in the
 * common case of a key without escapes. */
static int
field_from_key (const CompaniesJsonDoc *doc,
                guint                   key)
{
  const CompaniesJsonToken *t = &doc->tokens[key];
  const char *text = doc->data + t->start;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *name = companies_field_get_name (i);

      if (t->escaped)
        {
          if (companies_json_doc_string_equals (doc, key, name))
            return (int) i;
        }
      else if (name[0] == text[0] && strncmp (name, text, t->length) == 0 &&
               name[t->length] == '\0')
        {
          return (int) i;
        }
    }

  return -1;
}

/* One member of "fields": a string, for a known field, valid; otherwise
 * the change is rejected (or, for a value that is not a string, the whole
 * request fails). */
static gboolean
decode_field (const CompaniesJsonDoc    *doc,
              guint                      key,
              int                        known,
              guint                      value,
              CompaniesChange           *change,
              GStringChunk              *text,
              const CompaniesJsonPlace  *place,
              char                     **out_path,
              GError                   **error)
{
  g_autoptr(GError) field_error = NULL;
  CompaniesField field;
  char *copy;

  if (companies_json_doc_kind (doc, value) != COMPANIES_JSON_STRING)
    {
      g_autofree char *name = companies_json_doc_dup_string (doc, key);

      return companies_json_fail (error, out_path, place, "fields", name,
                                  _("Must be a string"));
    }

  if (known < 0)
    {
      g_autofree char *name = companies_json_doc_dup_string (doc, key);
      g_autofree char *message =
        g_strdup_printf (_("There is no field named “%s”"),
                         echoable_name (name) != NULL ? name : "?");

      reject (change, text, COMPANIES_REJECT_UNKNOWN_FIELD, echoable_name (name), message);
      return TRUE;
    }

  field = (CompaniesField) known;
  copy = companies_json_doc_insert_string (doc, value, text);
  if (!companies_field_validate (field, copy, &field_error))
    {
      reject (change, text, COMPANIES_REJECT_INVALID_FIELD,
              companies_field_get_name (field), field_error->message);
      return TRUE;
    }

  /* Only the name has a stored form other than the text as given: trimmed,
   * as companies_field_normalize () makes it, here without a copy. */
  if (field == COMPANIES_FIELD_NAME)
    {
      gsize sent_length = strlen (copy);

      if (strlen (g_strstrip (copy)) != sent_length)
        change->trimmed_mask |= COMPANIES_FIELD_BIT (field);
    }
  change->values[field] = copy;
  change->field_mask |= COMPANIES_FIELD_BIT (field);

  return TRUE;
}

static gboolean
keys_equal (const CompaniesJsonDoc *doc,
            guint                   a,
            guint                   b)
{
  const CompaniesJsonToken *ta = &doc->tokens[a];
  const CompaniesJsonToken *tb = &doc->tokens[b];
  g_autofree char *name = NULL;

  if (!ta->escaped && !tb->escaped)
    return ta->length == tb->length &&
           memcmp (doc->data + ta->start, doc->data + tb->start, ta->length) == 0;

  name = companies_json_doc_dup_string (doc, a);
  return companies_json_doc_string_equals (doc, b, name);
}

/* Above this many members, repeated names are found with a hash table. */
#define FEW_MEMBERS 16

static gboolean
same_key (const CompaniesJsonDoc *doc,
          const guint            *keys,
          const int              *known,
          guint                   a,
          guint                   b)
{
  if (known[a] >= 0 || known[b] >= 0)
    return known[a] == known[b];

  return keys_equal (doc, keys[a], keys[b]);
}

static gboolean
decode_fields (const CompaniesJsonDoc    *doc,
               guint                      fields,
               CompaniesChange           *change,
               GStringChunk              *text,
               const CompaniesJsonPlace  *place,
               char                     **out_path,
               GError                   **error)
{
  g_autofree guint *many = NULL;
  guint few[FEW_MEMBERS];
  guint *keys;
  g_autoptr(GHashTable) last = NULL;
  int known[FEW_MEMBERS];
  guint last_of[COMPANIES_N_FIELDS];
  guint decoded = 0;
  guint count;
  guint key;

  if (fields == COMPANIES_JSON_MISSING || companies_json_doc_kind (doc, fields) != COMPANIES_JSON_OBJECT)
    return companies_json_fail (error, out_path, place, "fields", NULL,
                                fields == COMPANIES_JSON_MISSING ? _("A required member is missing")
                                                                 : _("Must be an object"));

  count = doc->tokens[fields].count;
  keys = count <= FEW_MEMBERS ? few : (many = g_new (guint, count));
  key = fields + 1;
  for (guint m = 0; m < count; m++)
    {
      keys[m] = key;
      key = doc->tokens[key + 1].next;
    }

  /* json-glib's rule for a name that repeats: the member keeps the place
   * of its first occurrence and the value of its last. */
  if (count > FEW_MEMBERS)
    {
      g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint m = 0; m < count; m++)
        g_hash_table_replace (last, companies_json_doc_dup_string (doc, keys[m]), GUINT_TO_POINTER (m));

      for (guint m = 0; m < count; m++)
        {
          char *name = companies_json_doc_dup_string (doc, keys[m]);
          guint chosen = GPOINTER_TO_UINT (g_hash_table_lookup (last, name));

          if (!g_hash_table_add (done, name))
            continue;
          if (!decode_field (doc, keys[chosen], field_from_key (doc, keys[chosen]),
                             keys[chosen] + 1, change, text, place, out_path, error))
            return FALSE;
        }

      return TRUE;
    }

  /* Keys that name a field are compared by their field (the place of the
   * first, the value of the last); a key that names none never equals one
   * that does, so only those are compared as text. */
  for (guint m = 0; m < count; m++)
    {
      known[m] = field_from_key (doc, keys[m]);
      if (known[m] >= 0)
        last_of[known[m]] = m;
    }

  for (guint m = 0; m < count; m++)
    {
      guint chosen = m;
      gboolean repeated = FALSE;

      if (known[m] >= 0)
        {
          if (decoded & COMPANIES_FIELD_BIT (known[m]))
            continue;
          decoded |= COMPANIES_FIELD_BIT (known[m]);
          chosen = last_of[known[m]];
          if (!decode_field (doc, keys[chosen], known[chosen], keys[chosen] + 1,
                             change, text, place, out_path, error))
            return FALSE;
          continue;
        }

      for (guint e = 0; e < m && !repeated; e++)
        repeated = same_key (doc, keys, known, e, m);
      if (repeated)
        continue;
      for (guint e = m + 1; e < count; e++)
        if (same_key (doc, keys, known, e, m))
          chosen = e;

      if (!decode_field (doc, keys[chosen], known[chosen], keys[chosen] + 1,
                         change, text, place, out_path, error))
        return FALSE;
    }

  return TRUE;
}

/* Each decodes into @change, a zeroed slot of the request's block. */
static gboolean
decode_added (const CompaniesJsonDoc    *doc,
              guint                      token,
              GHashTable                *seen,
              CompaniesChange           *change,
              GStringChunk              *text,
              const CompaniesJsonPlace  *place,
              char                     **out_path,
              GError                   **error)
{
  static const char * const members[] = { "uuid", "fields", NULL };
  guint slots[G_N_ELEMENTS (members)];

  if (!companies_json_check_object (doc, token, place, out_path, error) ||
      !companies_json_collect_members (doc, token, members, slots, place, out_path, error) ||
      (change->uuid = companies_json_member_uuid (doc, slots[0], "uuid", text,
                                                  place, out_path, error)) == NULL)
    return FALSE;

  if (g_hash_table_contains (seen, change->uuid))
    return companies_json_fail (error, out_path, place, "uuid", NULL,
                                _("The same uuid is added twice"));

  if (!decode_fields (doc, slots[1], change, text, place, out_path, error))
    return FALSE;

  if ((change->field_mask & COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME)) == 0)
    reject (change, text, COMPANIES_REJECT_MISSING_FIELD,
            companies_field_get_name (COMPANIES_FIELD_NAME), _("Name is required"));

  g_hash_table_add (seen, change->uuid);

  return TRUE;
}

static gboolean
decode_updated_or_deleted (const CompaniesJsonDoc    *doc,
                           guint                      token,
                           GHashTable                *seen,
                           CompaniesChange           *change,
                           GStringChunk              *text,
                           const CompaniesJsonPlace  *place,
                           char                     **out_path,
                           GError                   **error)
{
  static const char * const update_members[] = { "id", "base_version", "fields", NULL };
  static const char * const delete_members[] = { "id", NULL };
  gboolean is_update = change->kind == COMPANIES_CHANGE_UPDATE;
  guint slots[G_N_ELEMENTS (update_members)];

  if (!companies_json_check_object (doc, token, place, out_path, error) ||
      !companies_json_collect_members (doc, token, is_update ? update_members : delete_members,
                                       slots, place, out_path, error) ||
      !companies_json_member_int (doc, slots[0], "id", 1, &change->id, place, out_path, error))
    return FALSE;

  if (g_hash_table_contains (seen, &change->id))
    return companies_json_fail (error, out_path, place, "id", NULL,
                                is_update ? _("The same id is updated twice") : _("The same id is deleted twice"));

  if (is_update &&
      (!companies_json_member_int (doc, slots[1], "base_version", 0, &change->base_version,
                                   place, out_path, error) ||
       !decode_fields (doc, slots[2], change, text, place, out_path, error)))
    return FALSE;

  g_hash_table_add (seen, &change->id);
  return TRUE;
}

/* The changes of @array go to @changes, decoded into the request's block
 * from @block on. */
static gboolean
decode_list (const CompaniesJsonDoc  *doc,
             guint                    array,
             const char              *list,
             CompaniesChangeKind      kind,
             CompaniesChange         *block,
             GStringChunk            *text,
             GPtrArray               *changes,
             char                   **out_path,
             GError                 **error)
{
  g_autoptr(GHashTable) seen = NULL;
  guint element;

  if (array == COMPANIES_JSON_MISSING)
    return TRUE;

  if (kind == COMPANIES_CHANGE_ADD)
    seen = g_hash_table_new (g_str_hash, g_str_equal);
  else
    seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* The block owns the changes; the list only points into it. */
  g_ptr_array_set_free_func (changes, NULL);
  g_ptr_array_set_size (changes, doc->tokens[array].count);
  element = array + 1;
  for (guint i = 0; i < doc->tokens[array].count; i++)
    {
      CompaniesJsonPlace place = { list, i };
      CompaniesChange *change = &block[i];
      gboolean ok;

      change->kind = kind;
      if (kind == COMPANIES_CHANGE_ADD)
        ok = decode_added (doc, element, seen, change, text, &place, out_path, error);
      else
        ok = decode_updated_or_deleted (doc, element, seen, change, text, &place, out_path, error);

      if (!ok)
        return FALSE;
      changes->pdata[i] = change;
      element = doc->tokens[element].next;
    }

  return TRUE;
}

static CompaniesSyncRequest *
decode_request (const CompaniesJsonDoc  *doc,
                char                   **out_path,
                GError                 **error)
{
  static const char * const members[] = {
    "protocol", "client_id", "cursor", "limit", "added", "updated", "deleted", NULL
  };
  static const char * const lists[] = { "added", "updated", "deleted" };
  static const CompaniesChangeKind kinds[] = {
    COMPANIES_CHANGE_ADD, COMPANIES_CHANGE_UPDATE, COMPANIES_CHANGE_DELETE
  };
  static const CompaniesJsonPlace root_place = { NULL, 0 };
  const CompaniesJsonPlace *root = &root_place;
  g_autoptr(CompaniesSyncRequest) request = NULL;
  guint slots[G_N_ELEMENTS (members)];
  CompaniesChange *block;
  gint64 value;
  gsize n_changes = 0;

  if (companies_json_doc_kind (doc, 0) != COMPANIES_JSON_OBJECT)
    {
      companies_json_fail (error, out_path, root, NULL, NULL,
                           _("The request must be a JSON object"));
      return NULL;
    }

  /* The protocol first: a newer one may have other members. */
  if (!companies_json_member_int (doc, companies_json_doc_member (doc, 0, "protocol"), "protocol",
                                  G_MININT64, &value, root, out_path, error))
    return NULL;
  if (value != COMPANIES_PROTOCOL_VERSION)
    {
      companies_json_fail_with_code (error, out_path,
                                     COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL,
                                     root, "protocol", NULL,
                                     _("This server speaks protocol version 1 only"));
      return NULL;
    }

  if (!companies_json_collect_members (doc, 0, members, slots, root, out_path, error))
    return NULL;

  request = companies_sync_request_new ();
  request->protocol = value;
  request->client_id = companies_json_member_uuid (doc, slots[1], "client_id", NULL,
                                                   root, out_path, error);
  if (request->client_id == NULL)
    return NULL;

  if (slots[2] != COMPANIES_JSON_MISSING && companies_json_doc_kind (doc, slots[2]) != COMPANIES_JSON_NULL)
    {
      if (companies_json_doc_kind (doc, slots[2]) != COMPANIES_JSON_STRING)
        {
          companies_json_fail (error, out_path, root, "cursor", NULL,
                               _("Must be a string or null"));
          return NULL;
        }
      request->cursor = companies_json_doc_dup_string (doc, slots[2]);
      if (strlen (request->cursor) > MAX_CURSOR_BYTES || !g_utf8_validate (request->cursor, -1, NULL))
        {
          companies_json_fail (error, out_path, root, "cursor", NULL,
                               _("Not a cursor this server made"));
          return NULL;
        }
    }

  if (slots[3] != COMPANIES_JSON_MISSING)
    {
      if (!companies_json_member_int (doc, slots[3], "limit", 1, &value, root, out_path, error))
        return NULL;
      if (value > COMPANIES_MAX_LIMIT)
        {
          companies_json_fail (error, out_path, root, "limit", NULL,
                               _("Must be at most 10000"));
          return NULL;
        }
      request->limit = (guint) value;
    }

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      guint list = slots[4 + i];

      if (list == COMPANIES_JSON_MISSING)
        continue;
      if (companies_json_doc_kind (doc, list) != COMPANIES_JSON_ARRAY)
        {
          companies_json_fail (error, out_path, root, lists[i], NULL,
                               _("Must be an array"));
          return NULL;
        }
      n_changes += doc->tokens[list].count;
    }

  if (n_changes > COMPANIES_MAX_CHANGES)
    {
      companies_json_fail_with_code (error, out_path,
                                     COMPANIES_PROTOCOL_ERROR_TOO_LARGE,
                                     root, NULL, NULL,
                                     _("A request may hold at most 10000 changes"));
      return NULL;
    }

  if (n_changes == 0)
    return g_steal_pointer (&request);

  /* The text of the changes is at most the body's. */
  request->decoded_changes = block = g_new0 (CompaniesChange, n_changes);
  request->decoded_text = g_string_chunk_new (doc->tokens[0].length + 1);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      GPtrArray *changes = i == 0 ? request->added : i == 1 ? request->updated : request->deleted;

      if (!decode_list (doc, slots[4 + i], lists[i], kinds[i], block,
                        request->decoded_text, changes, out_path, error))
        return NULL;
      block += changes->len;
    }

  return g_steal_pointer (&request);
}

CompaniesSyncRequest *
companies_sync_request_decode (const char  *data,
                               gsize        length,
                               char       **out_path,
                               GError     **error)
{
  CompaniesSyncRequest *request;
  CompaniesJsonDoc doc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_path != NULL)
    *out_path = NULL;

  if (!companies_json_scan (data, length, &doc, error))
    return NULL;

  request = decode_request (&doc, out_path, error);
  companies_json_doc_clear (&doc);

  return request;
}
