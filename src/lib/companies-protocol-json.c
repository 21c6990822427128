/* companies-protocol-json.c: the JSON helpers of the strict decoders, and
 * the error body decoder.
 *
 * Before json-glib sees a body, a byte scan refuses invalid UTF-8, nesting
 * deeper than the format has (so that hostile input cannot make the parser
 * recurse deeply) and the escape \u0000 (which would cut a C string short).
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

/* The code unit of the escape \uXXXX whose 'u' is at @data[@i], or -1
 * when there is none. */
static gint
escape_unit (const char *data,
             gsize       length,
             gsize       i)
{
  gint unit = 0;

  if (i + 4 >= length || data[i] != 'u')
    return -1;

  for (gsize k = i + 1; k <= i + 4; k++)
    {
      gint digit = g_ascii_xdigit_value (data[k]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }

  return unit;
}

/* Refuses what json-glib should not see: invalid UTF-8 (or a NUL byte),
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

  if (length > G_MAXSSIZE || !g_utf8_validate (data, (gssize) length, NULL))
    return scan_failed (error, COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                        _("The body is not valid UTF-8 text"));

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) data[i];

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
              unit = escape_unit (data, length, i);
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
                  gint low = i + 5 < length && data[i + 5] == '\\'
                            ? escape_unit (data, length, i + 6) : -1;

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

JsonParser *
companies_json_parse (const char  *data,
                      gsize        length,
                      JsonNode   **out_root,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL)
    data = "";

  if (!prescan (data, length, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      /* json-glib quotes the input, maybe cut inside a character. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, COMPANIES_PROTOCOL_ERROR,
                   COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                   _("The body is not valid JSON: %s"), detail);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, COMPANIES_PROTOCOL_ERROR,
                           COMPANIES_PROTOCOL_ERROR_INVALID_JSON,
                           _("The body is empty"));
      return NULL;
    }

  *out_root = root;
  return g_steal_pointer (&parser);
}

gboolean
companies_json_get_int (JsonNode *node,
                        gint64   *out_value)
{
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out_value = json_node_get_int (node);
  return TRUE;
}

gboolean
companies_json_get_bool (JsonNode *node,
                         gboolean *out_value)
{
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  *out_value = json_node_get_boolean (node);
  return TRUE;
}

const char *
companies_json_get_string (JsonNode *node)
{
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
companies_json_is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_TYPE (node) == JSON_NODE_NULL;
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

/* Fails on a member not in @allowed (NULL-terminated). */
gboolean
companies_json_check_members (JsonObject                *object,
                              const char * const        *allowed,
                              const CompaniesJsonPlace  *place,
                              char                     **out_path,
                              GError                   **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  guint n_known = 0;

  /* Fast path: as many members as known ones present. */
  for (guint i = 0; allowed[i] != NULL; i++)
    n_known += json_object_has_member (object, allowed[i]) ? 1 : 0;
  if (json_object_get_size (object) == n_known)
    return TRUE;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (!g_strv_contains (allowed, name))
        return companies_json_fail (error, out_path, place, name, NULL,
                                    _("Unknown member"));
    }

  return TRUE;
}

JsonObject *
companies_json_get_object_member (JsonObject                *object,
                                  const char                *member,
                                  const CompaniesJsonPlace  *place,
                                  char                     **out_path,
                                  GError                   **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    {
      companies_json_fail (error, out_path, place, member, NULL,
                           node == NULL ? _("A required member is missing") : _("Must be an object"));
      return NULL;
    }

  return json_node_get_object (node);
}

gboolean
companies_json_get_int_member (JsonObject                *object,
                               const char                *member,
                               gint64                     minimum,
                               gint64                    *out_value,
                               const CompaniesJsonPlace  *place,
                               char                     **out_path,
                               GError                   **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return companies_json_fail (error, out_path, place, member, NULL,
                                _("A required member is missing"));
  if (!companies_json_get_int (node, out_value))
    return companies_json_fail (error, out_path, place, member, NULL,
                                _("Must be an integer"));
  if (*out_value < minimum)
    return companies_json_fail (error, out_path, place, member, NULL,
                                minimum > 0 ? _("Must be a positive integer") : _("Must not be negative"));

  return TRUE;
}

const char *
companies_json_get_uuid_member (JsonObject                *object,
                                const char                *member,
                                const CompaniesJsonPlace  *place,
                                char                     **out_path,
                                GError                   **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value = companies_json_get_string (node);

  if (node == NULL)
    companies_json_fail (error, out_path, place, member, NULL,
                         _("A required member is missing"));
  else if (value == NULL || !companies_uuid_is_valid (value))
    companies_json_fail (error, out_path, place, member, NULL,
                         _("Must be a lower-case UUID"));
  else
    return value;

  return NULL;
}

const char *
companies_json_get_string_member (JsonObject                *object,
                                  const char                *member,
                                  gboolean                   nullable,
                                  const CompaniesJsonPlace  *place,
                                  char                     **out_path,
                                  GError                   **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value = companies_json_get_string (node);

  if (value != NULL)
    return value;

  if (nullable && companies_json_is_null (node))
    return NULL;

  companies_json_fail (error, out_path, place, member, NULL,
                       node == NULL ? _("A required member is missing") : _("Must be a string"));
  return NULL;
}

/* --- Error bodies --- */

gboolean
companies_error_body_decode (const char  *data,
                             gsize        length,
                             char       **out_code,
                             char       **out_message,
                             char       **out_path)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root_node = NULL;
  JsonNode *node;
  JsonObject *object;
  const char *code;
  const char *message;
  const char *path = NULL;

  parser = companies_json_parse (data, length, &root_node, NULL);
  if (parser == NULL || JSON_NODE_TYPE (root_node) != JSON_NODE_OBJECT)
    return FALSE;

  node = json_object_get_member (json_node_get_object (root_node), "error");
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    return FALSE;
  object = json_node_get_object (node);

  code = companies_json_get_string (json_object_get_member (object, "code"));
  message = companies_json_get_string (json_object_get_member (object, "message"));
  node = json_object_get_member (object, "path");
  if (code == NULL || message == NULL)
    return FALSE;
  if (!companies_json_is_null (node) && (path = companies_json_get_string (node)) == NULL)
    return FALSE;

  if (out_code != NULL)
    *out_code = g_strdup (code);
  if (out_message != NULL)
    *out_message = g_strdup (message);
  if (out_path != NULL)
    *out_path = path != NULL && *path != '\0' ? g_strdup (path) : NULL;

  return TRUE;
}
