/* companies-protocol.c: the wire format of docs/protocol.md, version 1: the
 * plain structures and the encoders (the decoders are in
 * companies-protocol-decode.c).
 *
 * Encoding writes compact JSON straight into a GString: pages of thousands
 * of records would cost far more as a JsonNode tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-protocol"

#include "config.h"

#include <string.h>

#include "companies-protocol.h"

G_DEFINE_QUARK (companies-protocol-error-quark, companies_protocol_error)

const char *
companies_protocol_error_code_name (CompaniesProtocolError code)
{
  switch (code)
    {
    case COMPANIES_PROTOCOL_ERROR_INVALID_JSON:
      return "invalid_json";
    case COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST:
      return "invalid_request";
    case COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL:
      return "unsupported_protocol";
    case COMPANIES_PROTOCOL_ERROR_TOO_LARGE:
      return "too_large";
    default:
      return "invalid_request";
    }
}

guint
companies_protocol_error_status (CompaniesProtocolError code)
{
  return code == COMPANIES_PROTOCOL_ERROR_TOO_LARGE ? 413 : 400;
}

/* --- Plain structures --- */

CompaniesChange *
companies_change_new (CompaniesChangeKind kind)
{
  CompaniesChange *change = g_new0 (CompaniesChange, 1);

  change->kind = kind;
  return change;
}

void
companies_change_free (CompaniesChange *change)
{
  if (change == NULL)
    return;

  g_free (change->uuid);
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (change->values[i]);
  g_free (change->reject_code);
  g_free (change->reject_field);
  g_free (change->reject_message);
  g_free (change);
}

CompaniesSyncRequest *
companies_sync_request_new (void)
{
  CompaniesSyncRequest *request = g_new0 (CompaniesSyncRequest, 1);

  request->protocol = COMPANIES_PROTOCOL_VERSION;
  request->limit = COMPANIES_DEFAULT_LIMIT;
  request->added = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_change_free);
  request->updated = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_change_free);
  request->deleted = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_change_free);
  return request;
}

void
companies_sync_request_free (CompaniesSyncRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->client_id);
  g_free (request->cursor);
  g_clear_pointer (&request->added, g_ptr_array_unref);
  g_clear_pointer (&request->updated, g_ptr_array_unref);
  g_clear_pointer (&request->deleted, g_ptr_array_unref);
  g_free (request->decoded_changes);
  g_clear_pointer (&request->decoded_text, g_string_chunk_free);
  g_free (request);
}

CompaniesRecord *
companies_record_new (void)
{
  return g_new0 (CompaniesRecord, 1);
}

void
companies_record_free (CompaniesRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->uuid);
  if (record->values_block != NULL)
    g_free (record->values_block);
  else
    for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
      g_free (record->values[i]);
  g_free (record);
}

CompaniesRejected *
companies_rejected_new (void)
{
  return g_new0 (CompaniesRejected, 1);
}

void
companies_rejected_free (CompaniesRejected *rejected)
{
  if (rejected == NULL)
    return;

  g_free (rejected->uuid);
  g_free (rejected->code);
  g_free (rejected->field);
  g_free (rejected->message);
  g_free (rejected);
}

CompaniesOverwritten *
companies_overwritten_new (void)
{
  return g_new0 (CompaniesOverwritten, 1);
}

void
companies_overwritten_free (CompaniesOverwritten *overwritten)
{
  if (overwritten == NULL)
    return;

  g_free (overwritten->value);
  g_free (overwritten->by);
  g_free (overwritten);
}

CompaniesReplaced *
companies_replaced_new (void)
{
  return g_new0 (CompaniesReplaced, 1);
}

void
companies_replaced_free (CompaniesReplaced *replaced)
{
  if (replaced == NULL)
    return;

  g_free (replaced->uuid);
  g_free (replaced->lost);
  g_free (replaced->current);
  g_free (replaced->by);
  g_free (replaced);
}

CompaniesSyncResponse *
companies_sync_response_new (void)
{
  CompaniesSyncResponse *response = g_new0 (CompaniesSyncResponse, 1);

  response->protocol = COMPANIES_PROTOCOL_VERSION;
  response->companies = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_record_free);
  response->deleted = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_record_free);
  response->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_rejected_free);
  response->overwritten = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_overwritten_free);
  response->replaced = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_replaced_free);
  response->created = g_ptr_array_new_with_free_func ((GDestroyNotify) companies_record_free);
  return response;
}

void
companies_sync_response_add_rejected (CompaniesSyncResponse *response,
                                      const char            *uuid,
                                      gint64                 id,
                                      const char            *code,
                                      const char            *field,
                                      const char            *message)
{
  CompaniesRejected *rejected = companies_rejected_new ();

  rejected->uuid = g_strdup (uuid);
  rejected->id = id;
  rejected->code = g_strdup (code);
  rejected->field = g_strdup (field);
  rejected->message = g_strdup (message);
  g_ptr_array_add (response->rejected, rejected);
}

void
companies_sync_response_free (CompaniesSyncResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->cursor);
  g_clear_pointer (&response->companies, g_ptr_array_unref);
  g_clear_pointer (&response->deleted, g_ptr_array_unref);
  g_clear_pointer (&response->rejected, g_ptr_array_unref);
  g_clear_pointer (&response->overwritten, g_ptr_array_unref);
  g_clear_pointer (&response->replaced, g_ptr_array_unref);
  g_clear_pointer (&response->created, g_ptr_array_unref);
  g_free (response);
}

/* --- Encoding ---
 *
 * The server's pages of up to 10000 companies are made here: the helpers append
 * to the GString's buffer directly while it has room (measured: with a
 * function call, a strlen and a printf per piece, encoding was a quarter
 * of the server's time serving a snapshot). */

/* Appends @n bytes. */
static inline void
append_bytes (GString    *out,
              const char *bytes,
              gsize       n)
{
  if (out->len + n < out->allocated_len)
    {
      memcpy (out->str + out->len, bytes, n);
      out->len += n;
      out->str[out->len] = '\0';
    }
  else
    {
      g_string_append_len (out, bytes, (gssize) n);
    }
}

/* Appends a string literal. */
#define APPEND_LITERAL(out, literal) append_bytes ((out), "" literal, sizeof (literal) - 1)

static void
append_string (GString    *out,
               const char *str)
{
  g_autofree char *valid = NULL;
  const char *run;
  const char *p;

  if (str == NULL)
    {
      APPEND_LITERAL (out, "null");
      return;
    }

  /* The plain ASCII start needs neither escapes nor validation: most
   * values are read once, not twice. The rest is validated. */
  for (p = str; (guchar) *p >= 0x20 && (guchar) *p < 0x80 && *p != '"' && *p != '\\'; p++)
    ;
  if (*p != '\0' && !g_utf8_validate (p, -1, NULL))
    {
      str = valid = g_utf8_make_valid (str, -1);
      p = str;
    }

  g_string_append_c (out, '"');
  run = str;
  for (; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      char escape[8];

      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
        continue;

      append_bytes (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':
          APPEND_LITERAL (out, "\\\"");
          break;
        case '\\':
          APPEND_LITERAL (out, "\\\\");
          break;
        case '\n':
          APPEND_LITERAL (out, "\\n");
          break;
        case '\r':
          APPEND_LITERAL (out, "\\r");
          break;
        case '\t':
          APPEND_LITERAL (out, "\\t");
          break;
        default:
          g_snprintf (escape, sizeof escape, "\\u%04x", c);
          append_bytes (out, escape, 6);
          break;
        }
    }
  append_bytes (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_int (GString *out,
            gint64   value)
{
  char buffer[24];
  char *end = buffer + sizeof buffer;
  char *p = end;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';

  append_bytes (out, p, end - p);
}

/* Appends ,"name": (or "name": for the first member). */
static void
append_key (GString    *out,
            gboolean   *first,
            const char *name)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  g_string_append_c (out, '"');
  append_bytes (out, name, strlen (name));
  APPEND_LITERAL (out, "\":");
}

static void
append_fields (GString            *out,
               const char * const *values,
               guint               mask)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if ((mask & COMPANIES_FIELD_BIT (i)) == 0)
        continue;
      append_key (out, &first, companies_field_get_name (i));
      append_string (out, values[i] != NULL ? values[i] : "");
    }
  g_string_append_c (out, '}');
}

GBytes *
companies_sync_request_encode_changes (const CompaniesSyncRequest *request)
{
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);

  out = g_string_sized_new (256);
  g_string_append (out, "\"added\":[");
  for (guint i = 0; request->added != NULL && i < request->added->len; i++)
    {
      const CompaniesChange *change = g_ptr_array_index (request->added, i);

      g_string_append (out, i > 0 ? ",{\"uuid\":" : "{\"uuid\":");
      append_string (out, change->uuid);
      g_string_append (out, ",\"fields\":");
      append_fields (out, (const char * const *) change->values, change->field_mask);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');

  g_string_append (out, ",\"updated\":[");
  for (guint i = 0; request->updated != NULL && i < request->updated->len; i++)
    {
      const CompaniesChange *change = g_ptr_array_index (request->updated, i);

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      append_int (out, change->id);
      g_string_append (out, ",\"base_version\":");
      append_int (out, change->base_version);
      g_string_append (out, ",\"fields\":");
      append_fields (out, (const char * const *) change->values, change->field_mask);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');

  g_string_append (out, ",\"deleted\":[");
  for (guint i = 0; request->deleted != NULL && i < request->deleted->len; i++)
    {
      const CompaniesChange *change = g_ptr_array_index (request->deleted, i);

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      append_int (out, change->id);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');

  return g_string_free_to_bytes (out);
}

GBytes *
companies_sync_request_encode_with_changes (const CompaniesSyncRequest *request,
                                            GBytes                     *changes)
{
  GString *out;
  gboolean first = TRUE;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (changes != NULL, NULL);

  data = g_bytes_get_data (changes, &length);
  out = g_string_sized_new (length + 256);
  g_string_append_c (out, '{');
  append_key (out, &first, "protocol");
  append_int (out, request->protocol);
  append_key (out, &first, "client_id");
  append_string (out, request->client_id);
  append_key (out, &first, "cursor");
  append_string (out, request->cursor);
  if (request->limit != 0)
    {
      append_key (out, &first, "limit");
      append_int (out, request->limit);
    }
  g_string_append_c (out, ',');
  g_string_append_len (out, data, (gssize) length);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

GBytes *
companies_sync_request_encode (const CompaniesSyncRequest *request)
{
  g_autoptr(GBytes) changes = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  changes = companies_sync_request_encode_changes (request);
  return companies_sync_request_encode_with_changes (request, changes);
}

static void
append_record_head (GString               *out,
                    const CompaniesRecord *record)
{
  APPEND_LITERAL (out, "{\"id\":");
  append_int (out, record->id);
  APPEND_LITERAL (out, ",\"uuid\":");
  append_string (out, record->uuid);
  APPEND_LITERAL (out, ",\"version\":");
  append_int (out, record->version);
}

/* ,"name": and the like, for each field of a company. */
static const struct
{
  const char *text;
  gsize       length;
} record_keys[COMPANIES_N_FIELDS] = {
#define KEY(name) { ",\"" name "\":", sizeof (",\"" name "\":") - 1 }
  KEY ("name"), KEY ("address"), KEY ("city"), KEY ("postal_code"), KEY ("country"),
  KEY ("phone"), KEY ("email"), KEY ("website"), KEY ("notes"),
#undef KEY
};

/* ,"by":…,"at":… of revision 1.6; null for unknown. */
static void
append_who (GString    *out,
            const char *by,
            gint64      at)
{
  g_string_append (out, ",\"by\":");
  append_string (out, by);
  g_string_append (out, ",\"at\":");
  if (at > 0)
    append_int (out, at);
  else
    g_string_append (out, "null");
}

static void
append_replaced (GString   *out,
                 GPtrArray *replaced)
{
  g_string_append (out, ",\"replaced\":[");
  for (guint i = 0; replaced != NULL && i < replaced->len; i++)
    {
      const CompaniesReplaced *entry = g_ptr_array_index (replaced, i);

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      append_int (out, entry->id);
      g_string_append (out, ",\"uuid\":");
      append_string (out, entry->uuid != NULL ? entry->uuid : "");
      g_string_append (out, ",\"field\":");
      append_string (out, companies_field_get_name (entry->field));
      g_string_append (out, ",\"lost\":");
      append_string (out, entry->lost != NULL ? entry->lost : "");
      g_string_append (out, ",\"lost_version\":");
      append_int (out, entry->lost_version);
      g_string_append (out, ",\"current\":");
      append_string (out, entry->current != NULL ? entry->current : "");
      g_string_append (out, ",\"current_version\":");
      append_int (out, entry->current_version);
      append_who (out, entry->by, entry->at);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

GBytes *
companies_sync_response_encode (const CompaniesSyncResponse *response)
{
  GString *out;
  guint n_companies;

  g_return_val_if_fail (response != NULL, NULL);

  n_companies = response->companies != NULL ? response->companies->len : 0;
  out = g_string_sized_new (256 + 400 * (gsize) n_companies);

  g_string_append (out, "{\"protocol\":");
  append_int (out, response->protocol);
  g_string_append (out, ",\"cursor\":");
  append_string (out, response->cursor != NULL ? response->cursor : "");
  g_string_append (out, response->has_more ? ",\"has_more\":true" : ",\"has_more\":false");
  g_string_append (out, response->reset ? ",\"reset\":true" : ",\"reset\":false");

  g_string_append (out, ",\"companies\":[");
  for (guint i = 0; i < n_companies; i++)
    {
      const CompaniesRecord *record = g_ptr_array_index (response->companies, i);

      if (i > 0)
        g_string_append_c (out, ',');
      append_record_head (out, record);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        {
          append_bytes (out, record_keys[f].text, record_keys[f].length);
          append_string (out, record->values[f] != NULL ? record->values[f] : "");
        }
      g_string_append_c (out, '}');
    }

  g_string_append (out, "],\"deleted\":[");
  for (guint i = 0; response->deleted != NULL && i < response->deleted->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_record_head (out, g_ptr_array_index (response->deleted, i));
      g_string_append_c (out, '}');
    }

  /* revision 1.8: the same three members an entry */
  if (response->created != NULL && response->created->len > 0)
    {
      g_string_append (out, "],\"created\":[");
      for (guint i = 0; i < response->created->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_record_head (out, g_ptr_array_index (response->created, i));
          g_string_append_c (out, '}');
        }
    }

  g_string_append (out, "],\"rejected\":[");
  for (guint i = 0; response->rejected != NULL && i < response->rejected->len; i++)
    {
      const CompaniesRejected *rejected = g_ptr_array_index (response->rejected, i);

      g_string_append (out, i > 0 ? ",{\"uuid\":" : "{\"uuid\":");
      append_string (out, rejected->uuid);
      g_string_append (out, ",\"id\":");
      if (rejected->id != 0)
        append_int (out, rejected->id);
      else
        g_string_append (out, "null");
      g_string_append (out, ",\"code\":");
      append_string (out, rejected->code != NULL ? rejected->code : "");
      g_string_append (out, ",\"field\":");
      append_string (out, rejected->field);
      g_string_append (out, ",\"message\":");
      append_string (out, rejected->message != NULL ? rejected->message : "");
      g_string_append_c (out, '}');
    }

  g_string_append (out, "],\"overwritten\":[");
  for (guint i = 0; response->overwritten != NULL && i < response->overwritten->len; i++)
    {
      const CompaniesOverwritten *overwritten = g_ptr_array_index (response->overwritten, i);

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      append_int (out, overwritten->id);
      g_string_append (out, ",\"field\":");
      append_string (out, companies_field_get_name (overwritten->field));
      g_string_append (out, ",\"value\":");
      append_string (out, overwritten->value != NULL ? overwritten->value : "");
      g_string_append (out, ",\"version\":");
      append_int (out, overwritten->version);
      if (response->who)
        append_who (out, overwritten->by, overwritten->at);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');

  if (response->who)
    append_replaced (out, response->replaced);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

GBytes *
companies_error_body_encode (const char *code,
                             const char *message,
                             const char *path)
{
  GString *out = g_string_sized_new (128);

  g_string_append (out, "{\"error\":{\"code\":");
  append_string (out, code != NULL ? code : "");
  g_string_append (out, ",\"message\":");
  append_string (out, message != NULL ? message : "");
  g_string_append (out, ",\"path\":");
  append_string (out, path != NULL && *path != '\0' ? path : NULL);
  g_string_append (out, "}}");

  return g_string_free_to_bytes (out);
}
