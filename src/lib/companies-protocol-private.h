/* companies-protocol-private.h: JSON helpers shared by the decoders of
 * companies-protocol-decode.c; not part of the library's API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "companies-protocol.h"

G_BEGIN_DECLS

/* Where a decoder is: "added[2]" and the like (list NULL at the root).
 * The path of a failure is made only when one happens. */
typedef struct
{
  const char *list;
  guint       index;
} CompaniesJsonPlace;

/* Checks @data (UTF-8, nesting, no \u0000) and parses it. Returns the
 * parser, which owns *out_root. Errors are COMPANIES_PROTOCOL_ERROR. */
JsonParser  *companies_json_parse              (const char                *data,
                                                gsize                      length,
                                                JsonNode                 **out_root,
                                                GError                   **error);

gboolean     companies_json_get_int            (JsonNode                  *node,
                                                gint64                    *out_value);
gboolean     companies_json_get_bool           (JsonNode                  *node,
                                                gboolean                  *out_value);
/* NULL unless @node is a JSON string. */
const char  *companies_json_get_string         (JsonNode                  *node);
/* TRUE for a missing member or null. */
gboolean     companies_json_is_null            (JsonNode                  *node);

/* Set @error and *out_path (the place plus member and sub-member); always
 * return FALSE. */
gboolean     companies_json_fail_with_code     (GError                   **error,
                                                char                     **out_path,
                                                CompaniesProtocolError     code,
                                                const CompaniesJsonPlace  *place,
                                                const char                *member,
                                                const char                *sub_member,
                                                const char                *message);
/* The same with COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST. */
gboolean     companies_json_fail               (GError                   **error,
                                                char                     **out_path,
                                                const CompaniesJsonPlace  *place,
                                                const char                *member,
                                                const char                *sub_member,
                                                const char                *message);

/* Fails on a member of @object not in @allowed (NULL-terminated). */
gboolean     companies_json_check_members      (JsonObject                *object,
                                                const char * const        *allowed,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);

/* Typed members; each fails when the member is missing or of another type. */
JsonObject  *companies_json_get_object_member  (JsonObject                *object,
                                                const char                *member,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);
gboolean     companies_json_get_int_member     (JsonObject                *object,
                                                const char                *member,
                                                gint64                     minimum,
                                                gint64                    *out_value,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);
const char  *companies_json_get_uuid_member    (JsonObject                *object,
                                                const char                *member,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);
/* With @nullable, null or a missing member give NULL without an error. */
const char  *companies_json_get_string_member  (JsonObject                *object,
                                                const char                *member,
                                                gboolean                   nullable,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);

G_END_DECLS
