/* fuzz-checks.h: the properties the protocol decoders must keep on any
 * input, shared by the libFuzzer targets and test-fuzz-regressions.
 *
 * Each check feeds one body to a decoder and aborts (g_assert, g_error)
 * when the result is not sane: a failure without a COMPANIES_PROTOCOL_ERROR,
 * a success that breaks the rules the decoder promises, or a decoded value
 * that does not survive encode → decode → encode unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes criticals and warnings fatal, so that a g_return_if_fail () hit
 * inside the decoders or json-glib counts as a crash. */
void     companies_fuzz_init                (void);

/* Each returns TRUE when the body decoded, FALSE when it was refused. */
gboolean companies_fuzz_check_request       (const char *data,
                                             gsize       length);
gboolean companies_fuzz_check_response      (const char *data,
                                             gsize       length);
gboolean companies_fuzz_check_error_body    (const char *data,
                                             gsize       length);

G_END_DECLS
