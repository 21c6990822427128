/* companies-uuid.c: time-ordered uuids (RFC 9562 version 7) for the
 * records created here.
 *
 * Why not random ones: the uuid is a key of an index on both sides. A
 * random key lands each new record on a page of its own all over that
 * index, so that once the index outgrows the page cache every record
 * reads and dirties a page, and every commit writes them all again
 * (docs/scale.md). A uuid that starts with the time lands at the
 * index's right edge. On the wire it is a uuid like any other
 * (docs/protocol.md checks only its form).
 *
 * Layout: 48 bits of Unix time in milliseconds, the version (7), 12
 * bits of sub-millisecond fraction (RFC 9562 section 6.2, method 3),
 * the variant, 62 random bits. Within a process the uuids only grow:
 * one made in the same fraction of a millisecond, or after the clock
 * went back, takes the last time stamp plus one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-model"

#include "config.h"

#include "companies-uuid.h"

static guint64
next_stamp (void)
{
  static GMutex lock;
  static guint64 last;
  gint64 now = MAX (g_get_real_time (), 0);
  guint64 stamp;

  /* Milliseconds, then the microseconds left as a 12-bit fraction. */
  stamp = ((guint64) (now / 1000) << 12) | (guint64) ((now % 1000) * 4096 / 1000);

  g_mutex_lock (&lock);
  if (stamp <= last)
    stamp = last + 1;
  last = stamp;
  g_mutex_unlock (&lock);

  return stamp;
}

/**
 * companies_uuid_new:
 *
 * Returns: (transfer full): a new lower-case version 7 uuid, greater
 *   than every one this process made before
 */
/* @bits as @digits lowercase hex digits at @out. */
static char *
put_hex (char    *out,
         guint64  bits,
         guint    digits)
{
  static const char hex[] = "0123456789abcdef";

  for (guint i = digits; i > 0; i--)
    {
      out[i - 1] = hex[bits & 0xf];
      bits >>= 4;
    }

  return out + digits;
}

char *
companies_uuid_new (void)
{
  guint64 stamp = next_stamp ();
  guint64 millis = stamp >> 12;
  guint32 fraction = stamp & 0xfff;
  guint32 random_high = g_random_int ();
  guint32 random_low = g_random_int ();
  char *uuid = g_malloc (37);
  char *p = uuid;

  /* As "%08x-%04x-%04x-%04x-%04x%08x" would print it, without the cost
   * of printf () (a bulk import makes one a record). */
  p = put_hex (p, millis >> 16, 8);
  *p++ = '-';
  p = put_hex (p, millis & 0xffff, 4);
  *p++ = '-';
  p = put_hex (p, 0x7000 | fraction, 4);
  *p++ = '-';
  p = put_hex (p, 0x8000 | (random_high >> 18), 4);
  *p++ = '-';
  p = put_hex (p, random_high & 0xffff, 4);
  p = put_hex (p, random_low, 8);
  *p = '\0';

  return uuid;
}
