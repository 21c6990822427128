/* companies-server-chunk-check.c: follows the framing of a chunked request
 * body (RFC 9112 section 7.1) as its bytes arrive.
 *
 * libsoup 3.2 reads a chunk size with strtoul and no further check: "zz"
 * reads as 0, so the body silently ends there, "-1" as a huge size, and
 * data not followed by CR LF leaves the request waiting for the idle
 * timeout. A front proxy that frames the same bytes differently would let
 * a client smuggle a second request past it. So the request-head guard
 * (companies-server-head-guard.c) runs this check on the body of a
 * chunked request, and closes the connection at the first byte that
 * breaks it (docs/protocol-transport.md, "Limits"):
 *
 *  - a chunk size is 1 to 15 hex digits, followed by CR LF or by ";" and
 *    an extension of visible characters, spaces and tabs;
 *  - a chunk's data is followed by CR LF;
 *  - after the last chunk (size 0), trailer lines of visible characters
 *    end with an empty line;
 *  - a size or trailer line is at most 8 KiB, the trailer section at most
 *    64 KiB.
 *
 * A bare LF is taken for CR LF, as libsoup takes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-chunk-check.h"

#define MAX_SIZE_DIGITS    15
#define MAX_LINE_BYTES     (8 * 1024)
#define MAX_TRAILER_BYTES  (64 * 1024)

void
companies_chunk_check_init (CompaniesChunkCheck *check)
{
  *check = (CompaniesChunkCheck) { .state = COMPANIES_CHUNK_SIZE };
}

static gboolean
is_line_text (char c)
{
  return c == '\t' || (c >= ' ' && c != 0x7f);
}

/* The size line has ended: a chunk's data, or the trailer after the last. */
static gboolean
end_size_line (CompaniesChunkCheck *check)
{
  if (check->n_digits == 0)
    return FALSE;

  check->state = check->remaining > 0 ? COMPANIES_CHUNK_DATA : COMPANIES_CHUNK_TRAILER;
  check->line_bytes = 0;
  return TRUE;
}

static void
start_size_line (CompaniesChunkCheck *check)
{
  check->state = COMPANIES_CHUNK_SIZE;
  check->remaining = 0;
  check->n_digits = 0;
  check->line_bytes = 0;
}

/* One byte of a size line. */
static gboolean
feed_size (CompaniesChunkCheck *check,
           char                 c)
{
  if (++check->line_bytes > MAX_LINE_BYTES)
    return FALSE;

  if (check->state == COMPANIES_CHUNK_SIZE && g_ascii_isxdigit (c))
    {
      if (++check->n_digits > MAX_SIZE_DIGITS)
        return FALSE;
      check->remaining = check->remaining * 16 + g_ascii_xdigit_value (c);
      return TRUE;
    }

  if (c == '\r')
    {
      check->state = COMPANIES_CHUNK_SIZE_CR;
      return TRUE;
    }
  if (c == '\n')
    return end_size_line (check);
  if (check->state == COMPANIES_CHUNK_SIZE)
    {
      check->state = COMPANIES_CHUNK_EXTENSION;
      return c == ';' && check->n_digits > 0;
    }

  return is_line_text (c);
}

/* One byte of the trailer section. */
static gboolean
feed_trailer (CompaniesChunkCheck *check,
              char                 c)
{
  if (++check->trailer_bytes > MAX_TRAILER_BYTES)
    return FALSE;

  if (check->after_cr && c != '\n')
    return FALSE;
  check->after_cr = c == '\r';

  if (c == '\n')
    {
      if (check->line_bytes == 0)
        check->state = COMPANIES_CHUNK_DONE;
      check->line_bytes = 0;
      return TRUE;
    }

  if (c == '\r')
    return TRUE;

  return ++check->line_bytes <= MAX_LINE_BYTES && is_line_text (c);
}

gboolean
companies_chunk_check_feed (CompaniesChunkCheck *check,
                            const char          *data,
                            gsize                length)
{
  gsize i = 0;

  while (i < length && check->state != COMPANIES_CHUNK_DONE)
    {
      char c = data[i];

      switch (check->state)
        {
        case COMPANIES_CHUNK_SIZE:
        case COMPANIES_CHUNK_EXTENSION:
          if (!feed_size (check, c))
            return FALSE;
          break;

        case COMPANIES_CHUNK_SIZE_CR:
          if (c != '\n' || !end_size_line (check))
            return FALSE;
          break;

        case COMPANIES_CHUNK_DATA:
          {
            guint64 skip = MIN ((guint64) (length - i), check->remaining);

            check->remaining -= skip;
            if (check->remaining == 0)
              check->state = COMPANIES_CHUNK_DATA_CR;
            i += skip;
            continue;
          }

        case COMPANIES_CHUNK_DATA_CR:
          if (c == '\r')
            check->state = COMPANIES_CHUNK_DATA_LF;
          else if (c == '\n')
            start_size_line (check);
          else
            return FALSE;
          break;

        case COMPANIES_CHUNK_DATA_LF:
          if (c != '\n')
            return FALSE;
          start_size_line (check);
          break;

        case COMPANIES_CHUNK_TRAILER:
          if (!feed_trailer (check, c))
            return FALSE;
          break;

        case COMPANIES_CHUNK_DONE:
        default:
          g_assert_not_reached ();
        }
      i++;
    }

  return TRUE;
}
