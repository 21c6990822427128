/* companies-protocol-response.c: the strict decoder of sync responses
 * (docs/protocol.md section 3), the client's side. Requests are decoded in
 * companies-protocol-decode.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-protocol"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-protocol-private.h"

/* --- Responses ---
 *
 * A response is read with the tokenizer of companies-json-scan.c rather
 * than json-glib: pages of 10000 companies are what an initial sync is made
 * of, and json-glib's tree (parse, then free) was half of the client's
 * CPU time there. The rules are the same as for requests: every member
 * known, every type checked, the first fault named by its place. */

/* The members of a company, in this order; a tombstone has the first
 * three. */
static const char * const record_members[] = {
  "id", "uuid", "version",
  "name", "address", "city", "postal_code", "country", "phone", "email", "website", "notes",
  NULL
};
static const char * const tombstone_members[] = { "id", "uuid", "version", NULL };
#define RECORD_FIRST_FIELD 3

G_STATIC_ASSERT (G_N_ELEMENTS (record_members) == RECORD_FIRST_FIELD + COMPANIES_N_FIELDS + 1);

static CompaniesRecord *
decode_record (const CompaniesJsonDoc    *doc,
               guint                      token,
               gboolean                   tombstone,
               const CompaniesJsonPlace  *place,
               char                     **out_path,
               GError                   **error)
{
  g_autoptr(CompaniesRecord) record = NULL;
  guint slots[G_N_ELEMENTS (record_members)];

  if (!companies_json_check_object (doc, token, place, out_path, error) ||
      !companies_json_collect_members (doc, token, tombstone ? tombstone_members : record_members,
                                       slots, place, out_path, error))
    return NULL;

  record = companies_record_new ();
  if (!companies_json_member_int (doc, slots[0], "id", 1, &record->id, place, out_path, error) ||
      (record->uuid = companies_json_member_uuid (doc, slots[1], "uuid", NULL, place, out_path, error)) == NULL ||
      !companies_json_member_int (doc, slots[2], "version", 0, &record->version, place, out_path, error))
    return NULL;

  if (tombstone)
    return g_steal_pointer (&record);

  /* Server data meets the rules of local input (section 1): a value a
   * person could not enter is not stored either. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *member = record_members[RECORD_FIRST_FIELD + i];
      g_autoptr(GError) field_error = NULL;
      gboolean ok;

      record->values[i] = companies_json_member_string (doc, slots[RECORD_FIRST_FIELD + i],
                                                        member, FALSE, &ok, place, out_path, error);
      if (!ok)
        return NULL;
      if (!companies_field_validate (i, record->values[i], &field_error))
        {
          companies_json_fail (error, out_path, place, member, NULL, field_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&record);
}

/* One line of at most @max_length characters, without control
 * characters (C0, DEL, C1): fit for a terminal. */
static gboolean
is_plain_text (const char *text,
               guint       max_length)
{
  guint length = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || ++length > max_length)
        return FALSE;
    }

  return TRUE;
}

static gpointer
fail_text (const CompaniesJsonPlace  *place,
           const char                *member,
           guint                      max_length,
           char                     **out_path,
           GError                   **error)
{
  g_autofree char *message =
    g_strdup_printf (_("Must be one line of at most %u characters"), max_length);

  companies_json_fail (error, out_path, place, member, NULL, message);
  return NULL;
}

static CompaniesRejected *
decode_rejected (const CompaniesJsonDoc    *doc,
                 guint                      token,
                 const CompaniesJsonPlace  *place,
                 char                     **out_path,
                 GError                   **error)
{
  static const char * const members[] = { "uuid", "id", "code", "field", "message", NULL };
  g_autoptr(CompaniesRejected) rejected = NULL;
  guint slots[G_N_ELEMENTS (members)];
  gboolean ok;

  if (!companies_json_check_object (doc, token, place, out_path, error) ||
      !companies_json_collect_members (doc, token, members, slots, place, out_path, error))
    return NULL;

  rejected = companies_rejected_new ();
  rejected->uuid = companies_json_member_string (doc, slots[0], "uuid", TRUE, &ok, place, out_path, error);
  if (!ok)
    return NULL;
  if (rejected->uuid != NULL && !companies_uuid_is_valid (rejected->uuid))
    {
      companies_json_fail (error, out_path, place, "uuid", NULL,
                           _("Must be a lower-case UUID"));
      return NULL;
    }

  if (slots[1] != COMPANIES_JSON_MISSING && companies_json_doc_kind (doc, slots[1]) != COMPANIES_JSON_NULL &&
      !companies_json_member_int (doc, slots[1], "id", 1, &rejected->id, place, out_path, error))
    return NULL;

  rejected->code = companies_json_member_string (doc, slots[2], "code", FALSE, &ok, place, out_path, error);
  if (!ok)
    return NULL;
  rejected->field = companies_json_member_string (doc, slots[3], "field", TRUE, &ok, place, out_path, error);
  if (!ok)
    return NULL;
  rejected->message = companies_json_member_string (doc, slots[4], "message", FALSE, &ok, place, out_path, error);
  if (!ok)
    return NULL;

  /* Shown to a person as they are: one line of text, not too long. */
  if (!is_plain_text (rejected->code, COMPANIES_MAX_CODE_LENGTH))
    return fail_text (place, "code", COMPANIES_MAX_CODE_LENGTH, out_path, error);
  if (rejected->field != NULL && !is_plain_text (rejected->field, COMPANIES_MAX_CODE_LENGTH))
    return fail_text (place, "field", COMPANIES_MAX_CODE_LENGTH, out_path, error);
  if (!is_plain_text (rejected->message, COMPANIES_MAX_MESSAGE_LENGTH))
    return fail_text (place, "message", COMPANIES_MAX_MESSAGE_LENGTH, out_path, error);

  return g_steal_pointer (&rejected);
}

/* The writer of revision 1.6 ("by", "at"), both optional: null or absent
 * is unknown. */
static gboolean
decode_who (const CompaniesJsonDoc    *doc,
            guint                      by_slot,
            guint                      at_slot,
            char                     **out_by,
            gint64                    *out_at,
            const CompaniesJsonPlace  *place,
            char                     **out_path,
            GError                   **error)
{
  gboolean ok;

  *out_by = companies_json_member_string (doc, by_slot, "by", TRUE, &ok, place, out_path, error);
  if (!ok)
    return FALSE;
  /* shown to a person: one line, not too long */
  if (*out_by != NULL && !is_plain_text (*out_by, COMPANIES_MAX_LABEL_LENGTH))
    return fail_text (place, "by", COMPANIES_MAX_LABEL_LENGTH, out_path, error) != NULL;

  *out_at = 0;
  if (at_slot == COMPANIES_JSON_MISSING || companies_json_doc_kind (doc, at_slot) == COMPANIES_JSON_NULL)
    return TRUE;
  return companies_json_member_int (doc, at_slot, "at", 0, out_at, place, out_path, error);
}

/* A field's wire name in @member, and @values checked by its rules
 * (section 1): a client stores nothing a person could not have entered. */
static gboolean
decode_field_values (const CompaniesJsonDoc    *doc,
                     guint                      token,
                     CompaniesField            *out_field,
                     const char * const        *values,
                     const char * const        *members,
                     const CompaniesJsonPlace  *place,
                     char                     **out_path,
                     GError                   **error)
{
  g_autofree char *field = NULL;
  gboolean ok;

  field = companies_json_member_string (doc, token, "field", FALSE, &ok, place, out_path, error);
  if (!ok)
    return FALSE;

  if (!companies_field_from_name (field, out_field))
    return companies_json_fail (error, out_path, place, "field", NULL, _("Not a field name"));

  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autoptr(GError) field_error = NULL;

      if (!companies_field_validate (*out_field, values[i], &field_error))
        return companies_json_fail (error, out_path, place, members[i], NULL, field_error->message);
    }

  return TRUE;
}

static CompaniesOverwritten *
decode_overwritten (const CompaniesJsonDoc    *doc,
                    guint                      token,
                    const CompaniesJsonPlace  *place,
                    char                     **out_path,
                    GError                   **error)
{
  static const char * const members[] = { "id", "field", "value", "version", "by", "at", NULL };
  static const char * const checked[] = { "value", NULL };
  g_autoptr(CompaniesOverwritten) overwritten = NULL;
  guint slots[G_N_ELEMENTS (members)];
  gboolean ok;

  if (!companies_json_check_object (doc, token, place, out_path, error) ||
      !companies_json_collect_members (doc, token, members, slots, place, out_path, error))
    return NULL;

  overwritten = companies_overwritten_new ();
  if (!companies_json_member_int (doc, slots[0], "id", 1, &overwritten->id, place, out_path, error))
    return NULL;
  overwritten->value = companies_json_member_string (doc, slots[2], "value", FALSE, &ok, place, out_path, error);
  if (!ok ||
      !companies_json_member_int (doc, slots[3], "version", 0, &overwritten->version, place, out_path, error))
    return NULL;

  {
    const char *values[] = { overwritten->value, NULL };

    if (!decode_field_values (doc, slots[1], &overwritten->field, values, checked,
                              place, out_path, error) ||
        !decode_who (doc, slots[4], slots[5], &overwritten->by, &overwritten->at,
                     place, out_path, error))
      return NULL;
  }

  return g_steal_pointer (&overwritten);
}

static CompaniesReplaced *
decode_replaced (const CompaniesJsonDoc    *doc,
                 guint                      token,
                 const CompaniesJsonPlace  *place,
                 char                     **out_path,
                 GError                   **error)
{
  static const char * const members[] = {
    "id", "uuid", "field", "lost", "lost_version", "current", "current_version", "by", "at", NULL
  };
  static const char * const checked[] = { "lost", "current", NULL };
  g_autoptr(CompaniesReplaced) replaced = NULL;
  guint slots[G_N_ELEMENTS (members)];
  gboolean ok;

  if (!companies_json_check_object (doc, token, place, out_path, error) ||
      !companies_json_collect_members (doc, token, members, slots, place, out_path, error))
    return NULL;

  replaced = companies_replaced_new ();
  if (!companies_json_member_int (doc, slots[0], "id", 1, &replaced->id, place, out_path, error))
    return NULL;
  replaced->uuid = companies_json_member_uuid (doc, slots[1], "uuid", NULL, place, out_path, error);
  if (replaced->uuid == NULL)
    return NULL;
  replaced->lost = companies_json_member_string (doc, slots[3], "lost", FALSE, &ok, place, out_path, error);
  if (!ok ||
      !companies_json_member_int (doc, slots[4], "lost_version", 0, &replaced->lost_version,
                                  place, out_path, error))
    return NULL;
  replaced->current = companies_json_member_string (doc, slots[5], "current", FALSE, &ok, place, out_path, error);
  if (!ok ||
      !companies_json_member_int (doc, slots[6], "current_version", 1, &replaced->current_version,
                                  place, out_path, error))
    return NULL;

  {
    const char *values[] = { replaced->lost, replaced->current, NULL };

    if (!decode_field_values (doc, slots[2], &replaced->field, values, checked,
                              place, out_path, error) ||
        !decode_who (doc, slots[7], slots[8], &replaced->by, &replaced->at,
                     place, out_path, error))
      return NULL;
  }

  return g_steal_pointer (&replaced);
}

typedef enum
{
  LIST_COMPANIES,
  LIST_DELETED,
  LIST_REJECTED,
  LIST_OVERWRITTEN,
  LIST_REPLACED,
  LIST_CREATED,
} ListKind;

static gboolean
decode_response_list (const CompaniesJsonDoc  *doc,
                      guint                    token,
                      const char              *member,
                      ListKind                 kind,
                      GPtrArray               *out,
                      char                   **out_path,
                      GError                 **error)
{
  static const CompaniesJsonPlace root = { NULL, 0 };
  const CompaniesJsonToken *array;
  guint element;

  if (token == COMPANIES_JSON_MISSING && (kind == LIST_REJECTED || kind == LIST_OVERWRITTEN ||
                                         kind == LIST_REPLACED || kind == LIST_CREATED))
    return TRUE;
  if (token == COMPANIES_JSON_MISSING || companies_json_doc_kind (doc, token) != COMPANIES_JSON_ARRAY)
    return companies_json_fail (error, out_path, &root, member, NULL,
                                token == COMPANIES_JSON_MISSING ? _("A required member is missing") : _("Must be an array"));

  array = &doc->tokens[token];
  g_ptr_array_set_size (out, 0);

  element = token + 1;
  for (guint i = 0; i < array->count; i++)
    {
      CompaniesJsonPlace place = { member, i };
      gpointer item = NULL;

      switch (kind)
        {
        case LIST_COMPANIES:
        case LIST_DELETED:
        case LIST_CREATED:
          /* a created entry has a tombstone's three members */
          item = decode_record (doc, element, kind != LIST_COMPANIES, &place, out_path, error);
          break;
        case LIST_REJECTED:
          item = decode_rejected (doc, element, &place, out_path, error);
          break;
        case LIST_OVERWRITTEN:
          item = decode_overwritten (doc, element, &place, out_path, error);
          break;
        case LIST_REPLACED:
          item = decode_replaced (doc, element, &place, out_path, error);
          break;
        default:
          g_assert_not_reached ();
        }

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (out, item);
      element = doc->tokens[element].next;
    }

  return TRUE;
}

static gboolean
token_get_bool (const CompaniesJsonDoc *doc,
                guint                   token,
                gboolean               *out_value)
{
  if (token == COMPANIES_JSON_MISSING)
    return FALSE;

  switch (companies_json_doc_kind (doc, token))
    {
    case COMPANIES_JSON_TRUE:
      *out_value = TRUE;
      return TRUE;
    case COMPANIES_JSON_FALSE:
      *out_value = FALSE;
      return TRUE;
    default:
      return FALSE;
    }
}

static CompaniesSyncResponse *
decode_response (const CompaniesJsonDoc  *doc,
                 char                   **out_path,
                 GError                 **error)
{
  static const char * const members[] = {
    "protocol", "cursor", "has_more", "reset", "companies", "deleted",
    "rejected", "overwritten", "replaced", "created", NULL
  };
  static const CompaniesJsonPlace root_place = { NULL, 0 };
  const CompaniesJsonPlace *root = &root_place;
  g_autoptr(CompaniesSyncResponse) response = companies_sync_response_new ();
  guint slots[G_N_ELEMENTS (members)];
  gboolean ok;

  if (companies_json_doc_kind (doc, 0) != COMPANIES_JSON_OBJECT)
    {
      companies_json_fail (error, out_path, root, NULL, NULL,
                           _("The response must be a JSON object"));
      return NULL;
    }

  /* The protocol first: a newer one may have other members. */
  if (!companies_json_member_int (doc, companies_json_doc_member (doc, 0, "protocol"), "protocol",
                      G_MININT64, &response->protocol, root, out_path, error))
    return NULL;
  if (response->protocol != COMPANIES_PROTOCOL_VERSION)
    {
      companies_json_fail_with_code (error, out_path,
                                     COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL,
                                     root, "protocol", NULL,
                                     _("The server speaks another protocol version"));
      return NULL;
    }

  if (!companies_json_collect_members (doc, 0, members, slots, root, out_path, error))
    return NULL;

  response->cursor = companies_json_member_string (doc, slots[1], "cursor", FALSE, &ok, root, out_path, error);
  if (!ok)
    return NULL;
  if (strlen (response->cursor) > COMPANIES_MAX_CURSOR_BYTES)
    {
      companies_json_fail (error, out_path, root, "cursor", NULL, _("Too long"));
      return NULL;
    }

  if (!token_get_bool (doc, slots[2], &response->has_more))
    {
      companies_json_fail (error, out_path, root, "has_more", NULL,
                           _("Must be a boolean"));
      return NULL;
    }
  if (!token_get_bool (doc, slots[3], &response->reset))
    {
      companies_json_fail (error, out_path, root, "reset", NULL,
                           _("Must be a boolean"));
      return NULL;
    }

  if (!decode_response_list (doc, slots[4], "companies", LIST_COMPANIES, response->companies, out_path, error) ||
      !decode_response_list (doc, slots[5], "deleted", LIST_DELETED, response->deleted, out_path, error) ||
      !decode_response_list (doc, slots[6], "rejected", LIST_REJECTED, response->rejected, out_path, error) ||
      !decode_response_list (doc, slots[7], "overwritten", LIST_OVERWRITTEN, response->overwritten, out_path, error) ||
      !decode_response_list (doc, slots[8], "replaced", LIST_REPLACED, response->replaced, out_path, error) ||
      !decode_response_list (doc, slots[9], "created", LIST_CREATED, response->created, out_path, error))
    return NULL;
  if (response->replaced->len > COMPANIES_MAX_REPLACED)
    {
      companies_json_fail (error, out_path, root, "replaced", NULL, _("Too many entries"));
      return NULL;
    }
  response->who = slots[8] != COMPANIES_JSON_MISSING;

  return g_steal_pointer (&response);
}

CompaniesSyncResponse *
companies_sync_response_decode (const char  *data,
                                gsize        length,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  CompaniesSyncResponse *response;
  CompaniesJsonDoc doc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!companies_json_scan (data, length, &doc, error))
    return NULL;

  response = decode_response (&doc, &path, &local_error);
  companies_json_doc_clear (&doc);
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

/* --- Created as sent (revision 1.8) --- */

static gint
compare_by_version (gconstpointer a,
                    gconstpointer b)
{
  const CompaniesRecord *ra = *(CompaniesRecord * const *) a;
  const CompaniesRecord *rb = *(CompaniesRecord * const *) b;

  return (ra->version > rb->version) - (ra->version < rb->version);
}

/* The index in @request's additions of the one with @uuid, -1 when none.
 * The server creates in the request's order, so the next addition after
 * the last one found is tried first; a table by uuid is made only when
 * that misses. */
static gint
find_added (const CompaniesSyncRequest  *request,
            const char                  *uuid,
            guint                       *next,
            GHashTable                 **by_uuid)
{
  gpointer index;

  if (*next < request->added->len &&
      strcmp (((const CompaniesChange *) g_ptr_array_index (request->added, *next))->uuid, uuid) == 0)
    return (gint) (*next)++;

  if (*by_uuid == NULL)
    {
      *by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < request->added->len; i++)
        g_hash_table_insert (*by_uuid, ((CompaniesChange *) g_ptr_array_index (request->added, i))->uuid,
                             GUINT_TO_POINTER (i));
    }

  if (!g_hash_table_lookup_extended (*by_uuid, uuid, NULL, &index))
    return -1;
  return (gint) GPOINTER_TO_UINT (index);
}

/* Gives @record the values @change sent (a field it did not send empty)
 * in one block: one allocation a record instead of nine, on the path of
 * every request of a bulk push (docs/sync-1m.md, round 13). */
static void
take_sent_values (CompaniesRecord       *record,
                  const CompaniesChange *change)
{
  const char *sent[COMPANIES_N_FIELDS];
  gsize lengths[COMPANIES_N_FIELDS];
  gsize total = 0;
  char *next;

  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    {
      sent[f] = (change->field_mask & COMPANIES_FIELD_BIT (f)) && change->values[f] != NULL
                ? change->values[f] : "";
      lengths[f] = strlen (sent[f]);
      total += lengths[f] + 1;
    }

  next = record->values_block = g_malloc (total);
  for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
    {
      g_free (record->values[f]);  /* NULL from the decoder */
      memcpy (next, sent[f], lengths[f] + 1);
      record->values[f] = next;
      next += lengths[f] + 1;
    }
}

gboolean
companies_sync_response_take_created (CompaniesSyncResponse      *response,
                                      const CompaniesSyncRequest *request,
                                      GError                    **error)
{
  g_autoptr(GHashTable) by_uuid = NULL;
  g_autofree gboolean *taken = NULL;
  guint next = 0;

  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  if (response->created->len == 0)
    return TRUE;

  taken = g_new0 (gboolean, request->added->len);
  for (guint i = 0; i < response->created->len; i++)
    {
      CompaniesRecord *record = g_ptr_array_index (response->created, i);
      gint added = find_added (request, record->uuid, &next, &by_uuid);

      if (added < 0 || taken[added])
        {
          g_autofree char *path = g_strdup_printf ("created[%u].uuid", i);

          g_set_error (error, COMPANIES_PROTOCOL_ERROR, COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,
                       _("The server sent a malformed response (%s: %s)"), path,
                       added < 0 ? _("Names no addition of the request") : _("Comes twice"));
          return FALSE;
        }

      taken[added] = TRUE;
      take_sent_values (record, g_ptr_array_index (request->added, added));
    }

  /* Moved, not copied: the array gives its records up before it goes. */
  for (guint i = 0; i < response->created->len; i++)
    g_ptr_array_add (response->companies, g_steal_pointer (&response->created->pdata[i]));
  g_ptr_array_set_size (response->created, 0);
  g_ptr_array_sort (response->companies, compare_by_version);

  return TRUE;
}

/* --- The largest valid response (docs/protocol-transport.md) --- */

/* Bytes one character of a value takes at most on the wire: 4 in UTF-8;
 * the escapes a value may need (\" \\ \t \n \r) take 2, and the control
 * characters written \u00XX are in no valid value (section 1). */
#define WIRE_BYTES_PER_CHAR   4
/* Room for all but the text of one entry: member names, punctuation,
 * id, uuid and version; and for the envelope (with its cursor). */
#define ENTRY_OVERHEAD        512
#define ENVELOPE_OVERHEAD     1024

guint64
companies_sync_response_max_bytes (const CompaniesSyncRequest *request)
{
  guint64 record = ENTRY_OVERHEAD;
  guint64 rejected = ENTRY_OVERHEAD + (guint64) WIRE_BYTES_PER_CHAR *
    (COMPANIES_MAX_MESSAGE_LENGTH + 2 * COMPANIES_MAX_CODE_LENGTH);
  guint64 n_changes = request->added->len + request->updated->len + request->deleted->len;
  guint64 limit = request->limit != 0 ? request->limit : COMPANIES_DEFAULT_LIMIT;
  guint64 total;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    record += (guint64) WIRE_BYTES_PER_CHAR * companies_field_get_max_length (i);

  /* The page, and an echo and a rejection for each change. */
  total = ENVELOPE_OVERHEAD + (limit + n_changes) * record + n_changes * rejected;

  /* An update may replace each field it carries unseen: one overwritten
   * entry a field, its value at most that field's length. */
  for (guint i = 0; i < request->updated->len; i++)
    {
      const CompaniesChange *change = g_ptr_array_index (request->updated, i);

      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        if ((change->field_mask & COMPANIES_FIELD_BIT (f)) != 0)
          total += ENTRY_OVERHEAD + (guint64) WIRE_BYTES_PER_CHAR *
                   (companies_field_get_max_length (f) + COMPANIES_MAX_LABEL_LENGTH);
    }

  /* Revision 1.6: the replaced values, two values of the longest field
   * and a label each. */
  {
    guint64 longest = 0;

    for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
      longest = MAX (longest, companies_field_get_max_length (f));
    total += COMPANIES_MAX_REPLACED * (ENTRY_OVERHEAD + (guint64) WIRE_BYTES_PER_CHAR *
                                       (2 * longest + COMPANIES_MAX_LABEL_LENGTH));
  }

  return total;
}
