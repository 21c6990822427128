/* companies-server-sockets.c: what the connection limits read from a
 * socket (TCP_INFO) and how they close one (abortively)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "companies-server-sockets.h"

static char *
describe_peer (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_remote_address (socket, NULL);
  g_autofree char *host = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");

  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup_printf ("%s port %u", host,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

void
companies_server_socket_drop (GSocket    *socket,
                              const char *reason)
{
  g_autofree char *peer = describe_peer (socket);
  struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };

  g_printerr (_("Closed the connection of %s: %s\n"), peer, reason);
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
              &abort_on_close, sizeof abort_on_close);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

gboolean
companies_server_socket_tcp_info (GSocket         *socket,
                                  struct tcp_info *info)
{
  socklen_t length = sizeof *info;

  memset (info, 0, sizeof *info);
  return getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, info, &length) == 0;
}

guint
companies_server_socket_ms_since_data (GSocket *socket)
{
  struct tcp_info info;

  if (!companies_server_socket_tcp_info (socket, &info))
    return 0;

  return info.tcpi_last_data_recv;
}
