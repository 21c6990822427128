/* companies-protocol-json.c: the JSON helpers of the strict decoders, and
 * the error body decoder.
 *
 * A body must be UTF-8 text; the tokenizer then refuses nesting deeper
 * than the format has (so that hostile input cannot make it recurse
 * deeply) and escapes that are not text, such as \u0000 (which would cut
 * a C string short). A body it refuses goes through a byte scan that
 * names what is wrong first, as it did when that scan ran before the
 * tokenizer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-protocol"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-protocol-private.h"

/* The request nests 4 levels (root, list, entry, fields). */
#define MAX_DEPTH 8

static gboolean
scan_failed (GError                 **error,
             CompaniesProtocolError   code,
             const char              *message)
{
  g_set_error_literal (error, COMPANIES_PROTOCOL_ERROR, code, message);
  return FALSE;
}

/* g_utf8_validate () with a length, which also refuses NUL bytes: the
 * ASCII bytes eight at a time, and each other character on its own.
 * Bodies are mostly ASCII with a few accented letters all along; checking
 * from the first of those to the end was 2.6 % of the server's time in a
 * bulk push (perf, docs/sync-1m.md, round 12). */
static gboolean
is_utf8 (const char *data,
         gsize       length)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize i = 0;

  while (i < length)
    {
      guchar lead;
      gsize bytes;

      /* Stops at a word with a byte >= 0x80 or (maybe) a NUL byte. */
      for (; i + 8 <= length; i += 8)
        {
          guint64 word;

          memcpy (&word, data + i, 8);
          if (((word - ones) | word) & highs)
            break;
        }
      if (i >= length)
        break;

      lead = (guchar) data[i];
      if (lead == '\0')
        return FALSE;
      if (lead < 0x80)
        {
          i++;
          continue;
        }

      /* One character; g_utf8_validate_len () refuses a bad lead byte,
       * a short or overlong sequence and a surrogate. */
      bytes = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (bytes > length - i || !g_utf8_validate_len (data + i, bytes, NULL))
        return FALSE;
      i += bytes;
    }

  return TRUE;
}

/* The first error of a body, for one the tokenizer refused. Refuses what
 * the decoders must not see: invalid UTF-8 (or a NUL byte),
 * nesting deeper than MAX_DEPTH, the escape \u0000 in any string, lone
 * surrogate escapes (\ud800 without a low surrogate after it), raw
 * control characters in strings, and what json-glib would accept although
 * JSON does not (single quotes, comments, more than one top-level value). */
static gboolean
prescan (const char  *data,
         gsize        length,
         GError     **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean seen_root = FALSE;
  gboolean root_closed = FALSE;

  if (length > G_MAXSSIZE || !is_utf8 (data, length))
    return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                        _("The body is not valid UTF-8 text"));

  for (gsize i = 0; i < length; i++)
    {
      guchar c;

      if (in_string)
        {
          i = companies_json_skip_plain (data, i, length);
          if (i >= length)
            break;
        }
      c = (guchar) data[i];

      if (in_string)
        {
          if (c == '"')
            {
              in_string = FALSE;
            }
          else if (c < 0x20)
            {
              return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                  _("The body is not valid JSON: a control character in a string"));
            }
          else if (c == '\\' && i + 1 < length)
            {
              gint unit;

              /* Only the escapes of JSON: json-glib 1.6 accepts others
               * (\q, \uzzzz), makes bytes that are not UTF-8 of some and
               * leaks memory on some. */
              i++;
              if (data[i] != 'u')
                {
                  if (strchr ("\"\\/bfnrt", data[i]) == NULL)
                    return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                        _("The body is not valid JSON"));
                  continue;
                }
              unit = companies_json_escape_unit (data, i - 1, length);
              if (unit < 0)
                return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                    _("The body is not valid JSON"));
              if (unit == 0)
                return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,
                                    _("Text may not contain NUL characters"));
              /* json-glib 1.6 turns a lone surrogate into bytes that are
               * not UTF-8: only a high one followed by a low one is text. */
              if (unit >= 0xd800 && unit <= 0xdbff)
                {
                  gint low = companies_json_escape_unit (data, i + 5, length);

                  if (low < 0xdc00 || low > 0xdfff)
                    return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                        _("The body is not valid UTF-8 text"));
                  i += 10;
                }
              else if (unit >= 0xdc00 && unit <= 0xdfff)
                {
                  return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                      _("The body is not valid UTF-8 text"));
                }
            }
          continue;
        }

      /* One value only: json-glib 1.6 parses each further top-level
       * value and leaks the one before when that is a container. */
      if (depth == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r')
        {
          if (root_closed || (seen_root && (c == '{' || c == '[')))
            return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                _("The body is not valid JSON"));
          seen_root = TRUE;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;

        case '{':
        case '[':
          if (++depth > MAX_DEPTH)
            return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,
                                _("The JSON is nested too deeply"));
          break;

        case '}':
        case ']':
          if (depth > 0 && --depth == 0)
            root_closed = TRUE;
          break;

        case ' ': case '\t': case '\n': case '\r':
        case ',': case ':': case '-': case '+': case '.':
          break;

        default:
          if (!g_ascii_isalnum (c))
            return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                                _("The body is not valid JSON"));
          break;
        }
    }

  return TRUE;
}

gboolean
companies_json_scan (const char        *data,
                     gsize              length,
                     CompaniesJsonDoc  *doc,
                     GError           **error)
{
  gsize offset = 0;
  gsize i;

  if (data == NULL)
    data = "";

  /* The tokenizer refuses all that prescan () does on UTF-8 text, in the
   * same pass: a body it takes is scanned once. One it refuses is scanned
   * again, for the error prescan () gives first. */
  if (length <= G_MAXSSIZE && is_utf8 (data, length) &&
      companies_json_doc_init (doc, data, length, MAX_DEPTH, NULL))
    return TRUE;

  if (!prescan (data, length, error))
    return FALSE;

  for (i = 0; i < length && g_ascii_isspace (data[i]); i++)
    ;
  if (i == length)
    {
      g_set_error_literal (error, COMPANIES_PROTOCOL_ERROR,
                           COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                           _("The body is empty"));
      return FALSE;
    }

  if (!companies_json_doc_init (doc, data, length, MAX_DEPTH, &offset))
    {
      g_set_error (error, COMPANIES_PROTOCOL_ERROR, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                   _("The body is not valid JSON (at byte %lu)"), (unsigned long) offset);
      return FALSE;
    }

  return TRUE;
}

/* Appends a member name from the input, made safe to echo: valid UTF-8,
 * at most 64 characters. */
static void
append_name (GString    *path,
             const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name, -1);

  if (g_utf8_strlen (valid, -1) <= 64)
    {
      g_string_append (path, valid);
    }
  else
    {
      g_string_append_len (path, valid, g_utf8_offset_to_pointer (valid, 63) - valid);
      g_string_append (path, "…");
    }
}

static char *
companies_json_place_path (const CompaniesJsonPlace *place,
                           const char               *member,
                           const char               *sub_member)
{
  GString *path = g_string_new (NULL);

  if (place->list != NULL)
    g_string_append_printf (path, "%s[%u]", place->list, place->index);
  if (member != NULL)
    {
      if (path->len > 0)
        g_string_append_c (path, '.');
      append_name (path, member);
    }
  if (sub_member != NULL)
    {
      g_string_append_c (path, '.');
      append_name (path, sub_member);
    }

  return g_string_free (path, FALSE);
}

gboolean
companies_json_fail_with_code (GError                   **error,
                               char                     **out_path,
                               CompaniesProtocolError     code,
                               const CompaniesJsonPlace  *place,
                               const char                *member,
                               const char                *sub_member,
                               const char                *message)
{
  g_autofree char *path = companies_json_place_path (place, member, sub_member);

  g_set_error_literal (error, COMPANIES_PROTOCOL_ERROR, code, message);
  if (out_path != NULL)
    *out_path = *path != '\0' ? g_steal_pointer (&path) : NULL;

  return FALSE;
}

gboolean
companies_json_fail (GError                   **error,
                     char                     **out_path,
                     const CompaniesJsonPlace  *place,
                     const char                *member,
                     const char                *sub_member,
                     const char                *message)
{
  return companies_json_fail_with_code (error, out_path,
                                        COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,
                                        place, member, sub_member, message);
}

gboolean
companies_json_check_object (const CompaniesJsonDoc    *doc,
                             guint                      token,
                             const CompaniesJsonPlace  *place,
                             char                     **out_path,
                             GError                   **error)
{
  if (companies_json_doc_kind (doc, token) == COMPANIES_JSON_OBJECT)
    return TRUE;

  return companies_json_fail (error, out_path, place, NULL, NULL, _("Must be an object"));
}

gboolean
companies_json_collect_members (const CompaniesJsonDoc    *doc,
                                guint                      object,
                                const char * const        *names,
                                guint                     *slots,
                                const CompaniesJsonPlace  *place,
                                char                     **out_path,
                                GError                   **error)
{
  const CompaniesJsonToken *t = &doc->tokens[object];
  guint n_names = g_strv_length ((char **) names);
  guint key = object + 1;

  memset (slots, 0, n_names * sizeof (guint));

  for (guint m = 0; m < t->count; m++)
    {
      guint value = key + 1;
      guint n;

      for (n = 0; n < n_names; n++)
        if (companies_json_doc_string_equals (doc, key, names[n]))
          break;

      if (n == n_names)
        {
          g_autofree char *name = companies_json_doc_dup_string (doc, key);

          return companies_json_fail (error, out_path, place, name, NULL,
                                      _("Unknown member"));
        }

      slots[n] = value;
      key = doc->tokens[value].next;
    }

  return TRUE;
}

gboolean
companies_json_member_int (const CompaniesJsonDoc    *doc,
                           guint                      token,
                           const char                *member,
                           gint64                     minimum,
                           gint64                    *out_value,
                           const CompaniesJsonPlace  *place,
                           char                     **out_path,
                           GError                   **error)
{
  if (token == COMPANIES_JSON_MISSING)
    return companies_json_fail (error, out_path, place, member, NULL,
                                _("A required member is missing"));
  if (!companies_json_doc_get_int (doc, token, out_value))
    return companies_json_fail (error, out_path, place, member, NULL,
                                _("Must be an integer"));
  if (*out_value < minimum)
    return companies_json_fail (error, out_path, place, member, NULL,
                                minimum > 0 ? _("Must be a positive integer") : _("Must not be negative"));

  return TRUE;
}

char *
companies_json_member_string (const CompaniesJsonDoc    *doc,
                              guint                      token,
                              const char                *member,
                              gboolean                   nullable,
                              gboolean                  *out_ok,
                              const CompaniesJsonPlace  *place,
                              char                     **out_path,
                              GError                   **error)
{
  *out_ok = TRUE;

  if (token != COMPANIES_JSON_MISSING && companies_json_doc_kind (doc, token) == COMPANIES_JSON_STRING)
    return companies_json_doc_dup_string (doc, token);

  if (nullable && (token == COMPANIES_JSON_MISSING ||
                   companies_json_doc_kind (doc, token) == COMPANIES_JSON_NULL))
    return NULL;

  *out_ok = FALSE;
  companies_json_fail (error, out_path, place, member, NULL,
                       token == COMPANIES_JSON_MISSING ? _("A required member is missing") : _("Must be a string"));
  return NULL;
}

char *
companies_json_member_uuid (const CompaniesJsonDoc    *doc,
                            guint                      token,
                            const char                *member,
                            GStringChunk              *chunk,
                            const CompaniesJsonPlace  *place,
                            char                     **out_path,
                            GError                   **error)
{
  g_autofree char *uuid = NULL;
  const char *text = NULL;

  if (token == COMPANIES_JSON_MISSING)
    {
      companies_json_fail (error, out_path, place, member, NULL,
                           _("A required member is missing"));
      return NULL;
    }

  if (companies_json_doc_kind (doc, token) == COMPANIES_JSON_STRING)
    text = chunk != NULL ? companies_json_doc_insert_string (doc, token, chunk)
                         : (uuid = companies_json_doc_dup_string (doc, token));

  if (!companies_uuid_is_valid (text))
    {
      companies_json_fail (error, out_path, place, member, NULL,
                           _("Must be a lower-case UUID"));
      return NULL;
    }

  return chunk != NULL ? (char *) text : g_steal_pointer (&uuid);
}

gboolean
companies_uuid_is_valid (const char *uuid)
{
  if (uuid == NULL)
    return FALSE;

  for (guint i = 0; i < 36; i++)
    {
      char c = uuid[i];

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (c != '-')
            return FALSE;
        }
      else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        {
          return FALSE;
        }
    }

  return uuid[36] == '\0';
}

/* --- Error bodies --- */

gboolean
companies_error_body_decode (const char  *data,
                             gsize        length,
                             char       **out_code,
                             char       **out_message,
                             char       **out_path)
{
  CompaniesJsonDoc doc;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  gboolean ok = FALSE;
  guint error_token;
  guint token;

  if (!companies_json_scan (data, length, &doc, NULL))
    return FALSE;

  error_token = companies_json_doc_member (&doc, 0, "error");
  if (error_token == COMPANIES_JSON_MISSING ||
      companies_json_doc_kind (&doc, error_token) != COMPANIES_JSON_OBJECT)
    goto out;

  token = companies_json_doc_member (&doc, error_token, "code");
  if (token == COMPANIES_JSON_MISSING || companies_json_doc_kind (&doc, token) != COMPANIES_JSON_STRING)
    goto out;
  code = companies_json_doc_dup_string (&doc, token);

  token = companies_json_doc_member (&doc, error_token, "message");
  if (token == COMPANIES_JSON_MISSING || companies_json_doc_kind (&doc, token) != COMPANIES_JSON_STRING)
    goto out;
  message = companies_json_doc_dup_string (&doc, token);

  token = companies_json_doc_member (&doc, error_token, "path");
  if (token != COMPANIES_JSON_MISSING && companies_json_doc_kind (&doc, token) != COMPANIES_JSON_NULL)
    {
      if (companies_json_doc_kind (&doc, token) != COMPANIES_JSON_STRING)
        goto out;
      path = companies_json_doc_dup_string (&doc, token);
    }

  ok = TRUE;
  if (out_code != NULL)
    *out_code = g_steal_pointer (&code);
  if (out_message != NULL)
    *out_message = g_steal_pointer (&message);
  if (out_path != NULL)
    *out_path = path != NULL && *path != '\0' ? g_steal_pointer (&path) : NULL;

out:
  companies_json_doc_clear (&doc);
  return ok;
}
