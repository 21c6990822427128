/* protocol-test-util.h: what the request decoder tests share.
 *
 * Bodies are written with single quotes for readability; q() turns them
 * into double quotes (a real apostrophe is written \u0027).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-protocol.h"

G_BEGIN_DECLS

#define CLIENT_ID "5d1c0b7e-1111-4222-8333-444455556666"
#define UUID_A    "9f0e0000-0000-4000-8000-00000000000a"
#define UUID_B    "9f0e0000-0000-4000-8000-00000000000b"
#define HEAD      "{'protocol':1,'client_id':'" CLIENT_ID "'"

/* @text with every ' turned into " (newly allocated). */
char                 *q                        (const char             *text);
CompaniesSyncRequest *decode_request           (const char             *body,
                                                char                  **out_path,
                                                GError                **error);
/* Decodes @body and asserts success, with no path. */
CompaniesSyncRequest *decode_request_ok        (const char             *body);
/* Asserts that @json fails with @code at @expected_path (NULL: none). */
void                  assert_request_fails_raw (const char             *json,
                                                gsize                   length,
                                                CompaniesProtocolError  code,
                                                const char             *expected_path);
void                  assert_request_fails     (const char             *body,
                                                CompaniesProtocolError  code,
                                                const char             *expected_path);
CompaniesChange      *change_at                (GPtrArray              *changes,
                                                guint                   index);

G_END_DECLS
