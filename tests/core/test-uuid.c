/* test-uuid.c: the time-ordered uuids of records created here
 * (src/model/companies-uuid.c): their form, version, variant, time and
 * order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-uuid"

#include <string.h>

#include "companies-uuid.h"

/* The 48-bit millisecond time stamp at the start of a uuid. */
static gint64
uuid_millis (const char *uuid)
{
  g_autofree char *hex = g_strndup (uuid, 8);
  g_autofree char *low = g_strndup (uuid + 9, 4);

  return (gint64) ((g_ascii_strtoull (hex, NULL, 16) << 16) | g_ascii_strtoull (low, NULL, 16));
}

static void
test_form (void)
{
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *uuid = companies_uuid_new ();

      /* The wire's form (docs/protocol.md): lower case, 8-4-4-4-12. */
      g_assert_true (g_uuid_string_is_valid (uuid));
      g_assert_cmpuint (strlen (uuid), ==, 36);
      for (const char *c = uuid; *c != '\0'; c++)
        g_assert_true (*c == '-' || g_ascii_isdigit (*c) || (*c >= 'a' && *c <= 'f'));
      /* Version 7, variant 10xx (RFC 9562). */
      g_assert_cmpint (uuid[14], ==, '7');
      g_assert_nonnull (strchr ("89ab", uuid[19]));
    }
}

static void
test_time (void)
{
  gint64 before = g_get_real_time () / 1000;
  g_autofree char *uuid = companies_uuid_new ();
  gint64 after = g_get_real_time () / 1000;
  gint64 millis = uuid_millis (uuid);

  /* Ahead at most by the uuids made in the same millisecond before. */
  g_assert_cmpint (millis, >=, before);
  g_assert_cmpint (millis, <=, after + 1);
}

static void
test_order (void)
{
  g_autofree char *previous = companies_uuid_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Far more than 4096 a millisecond: the fraction runs over into the
   * next time stamp, and the order still holds. */
  for (guint i = 0; i < 100000; i++)
    {
      char *uuid = companies_uuid_new ();

      g_assert_cmpint (strcmp (previous, uuid), <, 0);
      g_free (previous);
      previous = g_strdup (uuid);
      g_assert_true (g_hash_table_add (seen, uuid));
    }
}

typedef struct
{
  GPtrArray *uuids;
} ThreadData;

static gpointer
make_many_thread (gpointer data)
{
  ThreadData *thread = data;

  for (guint i = 0; i < 20000; i++)
    g_ptr_array_add (thread->uuids, companies_uuid_new ());
  return NULL;
}

static void
test_threads (void)
{
  ThreadData threads[4];
  GThread *handles[4];
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint t = 0; t < 4; t++)
    {
      threads[t].uuids = g_ptr_array_new_with_free_func (g_free);
      handles[t] = g_thread_new ("uuids", make_many_thread, &threads[t]);
    }
  for (guint t = 0; t < 4; t++)
    {
      g_thread_join (handles[t]);
      /* Each thread's own uuids grow; no two threads share one. */
      for (guint i = 0; i < threads[t].uuids->len; i++)
        {
          const char *uuid = g_ptr_array_index (threads[t].uuids, i);

          if (i > 0)
            g_assert_cmpint (strcmp (g_ptr_array_index (threads[t].uuids, i - 1), uuid), <, 0);
          g_assert_true (g_hash_table_add (seen, (gpointer) uuid));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 80000);

  for (guint t = 0; t < 4; t++)
    g_ptr_array_unref (threads[t].uuids);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/uuid/form", test_form);
  g_test_add_func ("/uuid/time", test_time);
  g_test_add_func ("/uuid/order", test_order);
  g_test_add_func ("/uuid/threads", test_threads);

  return g_test_run ();
}
