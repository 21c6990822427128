/* test-server-decode-off-writer.c: junk bodies, slow to decode, do not
 * hold up a real sync that comes after them: bodies are decoded off the
 * writer thread, the smallest first.
 *
 * The server runs with --max-memory-bytes of 2 GiB and
 * --max-client-connections 64, so that the memory budget and the
 * per-client limit let every junk body in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <string.h>

#include "server-test-raw.h"

#define N_JUNK     32
/* `[1,1,…]`: one token every two bytes, the slowest to decode. */
#define JUNK_BYTES (2 * 1024 * 1024 + 1)

static TestServer *server;

static guint16
port (void)
{
  return companies_test_server_get_port (server->server);
}

static char *
junk_request (void)
{
  g_autofree char *head = raw_sync_head (JUNK_BYTES);
  GString *request = g_string_new (head);

  g_string_append_c (request, '[');
  for (guint i = 0; i < JUNK_BYTES / 2; i++)
    g_string_append (request, "1,");
  request->str[request->len - 1] = ']';

  return g_string_free (request, FALSE);
}

/* Whether @socket has its answer already (without waiting). */
static gboolean
has_answer (GSocket *socket)
{
  return g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0;
}

/* 32 junk bodies arrive whole at once, then a real 1-add sync: the sync
 * is answered while most of the junk is still waiting to be decoded. */
static void
test_junk_does_not_delay_sync (void)
{
  g_autoptr(CompaniesSyncRequest) request = test_request_new (NULL);
  g_autoptr(CompaniesSyncResponse) response = NULL;
  g_autofree char *junk = junk_request ();
  gsize junk_length = strlen (junk);
  GSocket *sockets[N_JUNK];
  CompaniesChange *change;
  guint n_waiting = 0;
  guint sync_ms, all_ms;
  gint64 start;

  /* all but the last byte, then the last bytes together */
  for (guint i = 0; i < N_JUNK; i++)
    {
      sockets[i] = raw_connect (port ());
      g_assert_true (raw_send (sockets[i], junk, junk_length - 1));
    }
  for (guint i = 0; i < N_JUNK; i++)
    g_assert_true (raw_send (sockets[i], junk + junk_length - 1, 1));

  start = g_get_monotonic_time ();
  change = test_request_add (request, NULL, "name", "Real work", NULL);
  response = test_sync (server, request);
  sync_ms = ms_since (start);
  g_assert_nonnull (test_find_company_by_uuid (response->companies, change->uuid));

  for (guint i = 0; i < N_JUNK; i++)
    if (!has_answer (sockets[i]))
      n_waiting++;

  for (guint i = 0; i < N_JUNK; i++)
    {
      g_autoptr(GString) answer = g_string_new (NULL);

      g_assert_true (raw_wait_closed (sockets[i], 30000, answer));
      g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 400"));
      g_object_unref (sockets[i]);
    }
  all_ms = ms_since (start);

  g_test_message ("a 1-add sync behind %u junk bodies: %u ms; %u junk bodies were still "
                  "waiting then; all junk answered after %u ms",
                  N_JUNK, sync_ms, n_waiting, all_ms);
  g_assert_cmpuint (n_waiting, >=, N_JUNK / 2);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = {
    "--max-memory-bytes", "2147483648",
    "--max-client-connections", "64",
    NULL
  };
  int result;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (FALSE, args);

  g_test_add_func ("/server/decode-off-writer/junk-does-not-delay-sync",
                   test_junk_does_not_delay_sync);

  result = g_test_run ();

  test_server_free (server);

  return result;
}
