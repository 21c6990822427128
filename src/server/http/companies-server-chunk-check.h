/* companies-server-chunk-check.h: watches the chunk sizes of a chunked
 * request body, which libsoup reads without checking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define COMPANIES_SERVER_TYPE_CHUNK_CHECK (companies_server_chunk_check_get_type ())
G_DECLARE_FINAL_TYPE (CompaniesServerChunkCheck, companies_server_chunk_check,
                      COMPANIES_SERVER, CHUNK_CHECK, GObject)

/* A stream for libsoup to read @connection from: its input passes
 * unchanged through a chunk check, kept on @remote_address (the address
 * libsoup gives every message of this connection). */
GIOStream *companies_server_chunk_check_wrap   (GIOStream      *connection,
                                                GSocketAddress *remote_address);

/* TRUE when the body that followed the request head on the connection of
 * @remote_address, read as chunks, had a chunk size that is not 1 to 15
 * hexadecimal digits (with an optional extension after ';'), or chunk data
 * not followed by its line end. Meaningful for a chunked request only. */
gboolean   companies_server_chunk_check_failed (GSocketAddress *remote_address);

G_END_DECLS
