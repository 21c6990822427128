/* companies-server-chunk-check.h: follows the framing of a chunked request
 * body as its bytes arrive, and says when it breaks the rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  COMPANIES_CHUNK_SIZE,        /* in a chunk-size line, reading hex digits */
  COMPANIES_CHUNK_EXTENSION,   /* in a chunk-size line, after ";" */
  COMPANIES_CHUNK_SIZE_CR,     /* a CR ended the size line; LF must follow */
  COMPANIES_CHUNK_DATA,        /* in a chunk's data */
  COMPANIES_CHUNK_DATA_CR,     /* after the data: CR LF (or LF) must follow */
  COMPANIES_CHUNK_DATA_LF,
  COMPANIES_CHUNK_TRAILER,     /* in the trailer section, after the last chunk */
  COMPANIES_CHUNK_DONE,        /* the body is complete */
} CompaniesChunkState;

typedef struct
{
  CompaniesChunkState state;
  guint64             remaining;     /* data bytes left in this chunk */
  guint               n_digits;      /* hex digits of this chunk size */
  gsize               line_bytes;    /* bytes of the size or trailer line */
  gsize               trailer_bytes;
  gboolean            after_cr;      /* a trailer line's CR: LF must follow */
} CompaniesChunkCheck;

void     companies_chunk_check_init (CompaniesChunkCheck *check);
/* Follows @length more bytes of the body; FALSE as soon as its framing is
 * malformed. Bytes after the end of the body are not looked at. */
gboolean companies_chunk_check_feed (CompaniesChunkCheck *check,
                                     const char          *data,
                                     gsize                length);

G_END_DECLS
