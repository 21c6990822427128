/* companies-server-check.c: whether an address answers as a Companies
 * server: its health answer (docs/protocol.md section 5). Preferences
 * asks this before a sync sends anything to a new address, so that a
 * mistyped address never receives the local changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "companies-server-check.h"
#include "companies-sync-http.h"

#define HEALTH_PATH "/v1/health"
/* The health answer is a few bytes; more is not a Companies server. */
#define MAX_ANSWER 4096
#define CHECK_TIMEOUT_SECONDS 15

/* The answer without white space holds what section 5 promises. */
static gboolean
is_health_answer (const char *body,
                  gsize       length)
{
  g_autoptr(GString) compact = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isspace (body[i]))
        g_string_append_c (compact, body[i]);
    }

  return strstr (compact->str, "\"status\":\"ok\"") != NULL
         && strstr (compact->str, "\"protocol\":1") != NULL;
}

static void
set_not_companies (const CompaniesSyncConfig  *config,
                   const char                 *detail,
                   GError                    **error)
{
  /* TRANSLATORS: %s is a server address, then why */
  g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_PROTOCOL,
               _("%s does not answer as a Companies server (%s)"),
               config->server_url, detail);
}

gboolean
companies_server_check (const CompaniesSyncConfig  *config,
                        GCancellable               *cancellable,
                        GError                    **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sync_url = NULL;
  g_autofree char *url = NULL;
  char body[MAX_ANSWER + 1];
  gsize length = 0;
  guint status;

  g_return_val_if_fail (config != NULL, FALSE);

  /* The same address check as a sync's. */
  sync_url = companies_sync_http_build_url (config->server_url, error);
  if (sync_url == NULL)
    return FALSE;
  url = g_strdup_printf ("%.*s%s", (int) (strlen (sync_url) - strlen (COMPANIES_SYNC_PATH)),
                         sync_url, HEALTH_PATH);

  session = companies_sync_http_session_new (config, error);
  if (session == NULL)
    return FALSE;
  soup_session_set_timeout (session, CHECK_TIMEOUT_SECONDS);

  message = soup_message_new (SOUP_METHOD_GET, url);
  /* A redirect is an answer of its own: not a Companies server here. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  stream = soup_session_send (session, message, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (local_error->domain == G_TLS_ERROR)
        /* TRANSLATORS: %s is a server address, then the TLS error */
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_CERTIFICATE,
                     _("A secure connection to %s failed: %s"),
                     config->server_url, local_error->message);
      else
        g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                     _("Could not reach the server at %s: %s"),
                     config->server_url, local_error->message);
      return FALSE;
    }

  status = soup_message_get_status (message);
  if (!g_input_stream_read_all (stream, body, sizeof body - 1, &length, cancellable, &local_error))
    {
      g_set_error (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK,
                   _("Could not reach the server at %s: %s"),
                   config->server_url, local_error->message);
      return FALSE;
    }
  body[length] = '\0';

  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *detail = g_strdup_printf ("HTTP %u", status);

      set_not_companies (config, detail, error);
      return FALSE;
    }

  if (!is_health_answer (body, length))
    {
      set_not_companies (config, _("an unknown answer"), error);
      return FALSE;
    }

  return TRUE;
}
