/* companies-protocol-private.h: JSON helpers shared by the decoders of
 * companies-protocol-decode.c (requests) and companies-protocol-response.c
 * (responses); not part of the library's API.
 *
 * The decoders read a body through the tokenizer of companies-json-scan.h
 * (one flat array of tokens, no tree of objects): at 5000 companies a
 * page, json-glib's tree was half of an initial sync's client CPU time
 * and a third of the server's time for a push.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-json-scan.h"
#include "companies-protocol.h"

G_BEGIN_DECLS

/* Where a decoder is: "added[2]" and the like (list NULL at the root).
 * The path of a failure is made only when one happens. */
typedef struct
{
  const char *list;
  guint       index;
} CompaniesJsonPlace;

/* The token index of a member that is not there. */
#define COMPANIES_JSON_MISSING 0

/* Checks @data (UTF-8, nesting, no \u0000, what json-glib would wrongly
 * accept) and tokenizes it into @doc (clear it with
 * companies_json_doc_clear ()). Errors are COMPANIES_PROTOCOL_ERROR. */
gboolean     companies_json_scan               (const char                *data,
                                                gsize                      length,
                                                CompaniesJsonDoc          *doc,
                                                GError                   **error);

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

/* Fails ("Must be an object", at @place) unless @token is an object. */
gboolean     companies_json_check_object       (const CompaniesJsonDoc    *doc,
                                                guint                      token,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);
/* One pass over the members of object @object: the value of each member
 * named in @names (NULL-terminated) goes to the same index of @slots
 * (COMPANIES_JSON_MISSING when absent, the last value when a name
 * repeats, as json-glib does); any other member fails ("Unknown member"). */
gboolean     companies_json_collect_members    (const CompaniesJsonDoc    *doc,
                                                guint                      object,
                                                const char * const        *names,
                                                guint                     *slots,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);

/* Typed member values (@token from companies_json_collect_members () or
 * companies_json_doc_member ()); each fails when the member is missing or
 * of another type, naming @member. */
gboolean     companies_json_member_int         (const CompaniesJsonDoc    *doc,
                                                guint                      token,
                                                const char                *member,
                                                gint64                     minimum,
                                                gint64                    *out_value,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);
/* Newly allocated; NULL on failure, and also (with *out_ok TRUE) for a
 * null or missing member when @nullable. */
char        *companies_json_member_string      (const CompaniesJsonDoc    *doc,
                                                guint                      token,
                                                const char                *member,
                                                gboolean                   nullable,
                                                gboolean                  *out_ok,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);
/* A lower-case uuid, copied into @chunk (newly allocated when it is
 * NULL), or NULL on failure. */
char        *companies_json_member_uuid        (const CompaniesJsonDoc    *doc,
                                                guint                      token,
                                                const char                *member,
                                                GStringChunk              *chunk,
                                                const CompaniesJsonPlace  *place,
                                                char                     **out_path,
                                                GError                   **error);

G_END_DECLS
