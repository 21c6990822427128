/* companies-token-keyring.c: access tokens in the keyring, through
 * libsecret's password functions, which talk to the Secret Service on
 * the session bus, or inside Flatpak to the Secret portal (libsecret
 * chooses; the sandbox needs no extra permission for the portal).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "companies-token-keyring.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    .name = COMPANIES_TOKEN_SCHEMA_NAME,
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* Whether libsecret talks to the Secret Service itself. Inside Flatpak
 * (or with SECRET_BACKEND set) it may keep secrets in a file through the
 * portal instead, which only its password functions know. */
static gboolean
uses_secret_service (void)
{
  const char *backend = g_getenv ("SECRET_BACKEND");

  if (backend != NULL && g_strcmp0 (backend, "service") != 0)
    return FALSE;

  return !g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/* Whether the keyring may hold a token for @server_url, asked without a
 * session. The password lookup opens an encrypted session first, a
 * Diffie-Hellman exchange that cost about 5 ms of the two processes'
 * time, before it searches: a `companies-cli sync` against a server
 * that needs no token paid it for nothing (docs/cli-start.md). */
static gboolean
keyring_may_hold (const char    *server_url,
                  GCancellable  *cancellable,
                  gboolean      *out_may_hold,
                  GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, error);
  if (service == NULL)
    return FALSE;

  /* Locked items are found too: the lookup below asks to unlock them. */
  attributes = secret_attributes_build (get_schema (), "server", server_url, NULL);
  items = secret_service_search_sync (service, get_schema (), attributes, SECRET_SEARCH_NONE,
                                      cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  *out_may_hold = items != NULL;
  g_list_free_full (items, g_object_unref);

  return TRUE;
}

char *
companies_token_keyring_lookup (const char    *server_url,
                                GCancellable  *cancellable,
                                GError       **error)
{
  gboolean may_hold = TRUE;
  char *secret;
  char *token;

  g_return_val_if_fail (server_url != NULL, NULL);

  if (uses_secret_service ())
    {
      if (!keyring_may_hold (server_url, cancellable, &may_hold, error))
        return NULL;
      if (!may_hold)
        return NULL;
    }

  secret = secret_password_lookup_sync (get_schema (), cancellable, error,
                                        "server", server_url,
                                        NULL);
  if (secret == NULL)
    return NULL;

  /* Freed with g_free () like every other string: copied out of the
   * secure memory libsecret returns, which is wiped on free. */
  token = g_strdup (secret);
  secret_password_free (secret);

  return token;
}

gboolean
companies_token_keyring_store (const char    *server_url,
                               const char    *token,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (server_url != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  /* Translators: the label of the token in the keyring (Seahorse shows it). */
  label = g_strdup_printf (_("Companies access token for %s"), server_url);

  return secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT,
                                     label, token, cancellable, error,
                                     "server", server_url,
                                     NULL);
}

gboolean
companies_token_keyring_clear (const char    *server_url,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (server_url != NULL, FALSE);

  /* FALSE without an error: there was nothing to remove. */
  if (!secret_password_clear_sync (get_schema (), cancellable, &local_error,
                                   "server", server_url,
                                   NULL)
      && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

gboolean
companies_token_keyring_is_absent (const GError *error)
{
  if (error == NULL)
    return FALSE;

  /* No session bus at all: none set and none to start, or its socket
   * is gone. A bus that answers late is not absent. */
  if (error->domain == G_IO_ERROR)
    return error->code == G_IO_ERROR_NOT_FOUND
           || error->code == G_IO_ERROR_CONNECTION_REFUSED
           || error->code == G_IO_ERROR_CLOSED
           || error->code == G_IO_ERROR_NOT_CONNECTED
           || error->code == G_IO_ERROR_BROKEN_PIPE
           || error->code == G_IO_ERROR_FAILED;

  if (error->domain != G_DBUS_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_NO_SERVER:
    case G_DBUS_ERROR_DISCONNECTED:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
    case G_DBUS_ERROR_UNKNOWN_METHOD:
      return TRUE;
    default:
      return FALSE;
    }
}
