/* companies-token-store.c: where the access token of each server is kept.
 *
 * The keyring first (companies-token-keyring.c). Only when no Secret
 * Service runs does a token go to a file only the user may read
 * (companies-token-file.c), and Preferences says so; once a keyring runs,
 * companies_token_store_migrate () moves it in, as it moves the token of
 * the one-token file older versions wrote.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-token-file.h"
#include "companies-token-keyring.h"
#include "companies-token-store.h"

struct _CompaniesTokenStore
{
  GObject  parent_instance;

  char    *file_path;
  char    *legacy_path;
  GMutex   mutex;
  gint     in_file;     /* atomic */
};

G_DEFINE_FINAL_TYPE (CompaniesTokenStore, companies_token_store, G_TYPE_OBJECT)

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

gboolean
companies_token_is_valid (const char *token)
{
  if (token == NULL || *token == '\0')
    return FALSE;

  for (const char *p = token; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
        return FALSE;
    }

  return TRUE;
}

static char *
lookup_locked (CompaniesTokenStore  *self,
               const char           *server_url,
               GCancellable         *cancellable,
               GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token;

  token = companies_token_keyring_lookup (server_url, cancellable, &local_error);
  if (local_error == NULL)
    {
      g_atomic_int_set (&self->in_file, FALSE);
      return token;
    }

  if (!companies_token_keyring_is_absent (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_debug ("No Secret Service (%s): the token file is used", local_error->message);
  g_atomic_int_set (&self->in_file, TRUE);

  return companies_token_file_lookup (self->file_path, server_url, error);
}

static gboolean
save_locked (CompaniesTokenStore  *self,
             const char           *server_url,
             const char           *token,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean clear = token == NULL || *token == '\0';
  gboolean saved;

  if (!clear && !companies_token_is_valid (token))
    {
      /* Never show the token itself. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The token holds spaces or characters that cannot be sent"));
      return FALSE;
    }

  if (clear)
    saved = companies_token_keyring_clear (server_url, cancellable, &local_error);
  else
    saved = companies_token_keyring_store (server_url, token, cancellable, &local_error);

  if (saved)
    {
      g_atomic_int_set (&self->in_file, FALSE);
      return TRUE;
    }

  if (!companies_token_keyring_is_absent (local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not save the access token in the keyring: "));
      return FALSE;
    }

  g_atomic_int_set (&self->in_file, TRUE);

  return companies_token_file_store (self->file_path, server_url, clear ? NULL : token, error);
}

char *
companies_token_store_lookup (CompaniesTokenStore  *self,
                              const char           *server_url,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (self), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  return lookup_locked (self, server_url, cancellable, error);
}

gboolean
companies_token_store_save (CompaniesTokenStore  *self,
                            const char           *server_url,
                            const char           *token,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return save_locked (self, server_url, token, cancellable, error);
}

/* The fallback file's tokens into the keyring, when one runs. */
static gboolean
migrate_file (CompaniesTokenStore  *self,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr(GPtrArray) entries = companies_token_file_read_all (self->file_path, error);

  if (entries == NULL)
    return FALSE;
  if (entries->len == 0)
    return TRUE;

  for (guint i = 0; i < entries->len; i++)
    {
      CompaniesTokenEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) local_error = NULL;

      if (companies_token_keyring_store (entry->server_url, entry->token, cancellable, &local_error))
        continue;

      /* Still no keyring: the file stays as it is. */
      if (companies_token_keyring_is_absent (local_error))
        {
          g_atomic_int_set (&self->in_file, TRUE);
          return TRUE;
        }

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_atomic_int_set (&self->in_file, FALSE);

  return companies_token_file_remove (self->file_path, error);
}

static gboolean
migrate_legacy (CompaniesTokenStore  *self,
                const char           *server_url,
                GCancellable         *cancellable,
                GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  char *legacy;
  char *existing;
  gboolean moved = TRUE;

  legacy = companies_token_file_read_legacy (self->legacy_path, &local_error);
  if (legacy == NULL)
    {
      if (local_error == NULL)
        return TRUE;

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A token set since (in the keyring, or the new file) wins. */
  existing = lookup_locked (self, server_url, cancellable, &local_error);
  if (local_error != NULL)
    moved = FALSE;
  else if (existing == NULL && *legacy != '\0')
    moved = save_locked (self, server_url, legacy, cancellable, &local_error);

  wipe_free (existing);
  wipe_free (legacy);

  if (!moved)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return companies_token_file_remove (self->legacy_path, error);
}

gboolean
companies_token_store_migrate (CompaniesTokenStore  *self,
                               const char           *server_url,
                               GCancellable         *cancellable,
                               GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  return migrate_file (self, cancellable, error)
         && migrate_legacy (self, server_url, cancellable, error);
}

gboolean
companies_token_store_get_in_file (CompaniesTokenStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (self), FALSE);

  return g_atomic_int_get (&self->in_file);
}

const char *
companies_token_store_get_file_path (CompaniesTokenStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (self), NULL);

  return self->file_path;
}

const char *
companies_token_store_get_legacy_path (CompaniesTokenStore *self)
{
  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (self), NULL);

  return self->legacy_path;
}

static void
companies_token_store_finalize (GObject *object)
{
  CompaniesTokenStore *self = (CompaniesTokenStore *) object;

  g_free (self->file_path);
  g_free (self->legacy_path);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (companies_token_store_parent_class)->finalize (object);
}

static void
companies_token_store_class_init (CompaniesTokenStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = companies_token_store_finalize;
}

static void
companies_token_store_init (CompaniesTokenStore *self)
{
  g_mutex_init (&self->mutex);
}

CompaniesTokenStore *
companies_token_store_new (const char *folder)
{
  CompaniesTokenStore *self = g_object_new (COMPANIES_TYPE_TOKEN_STORE, NULL);
  g_autofree char *owned = NULL;

  if (folder == NULL)
    folder = owned = g_build_filename (g_get_user_config_dir (), "companies", NULL);

  self->file_path = g_build_filename (folder, "server-tokens", NULL);
  self->legacy_path = g_build_filename (folder, "token", NULL);

  return self;
}
