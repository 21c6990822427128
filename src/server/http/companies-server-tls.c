/* companies-server-tls.c: the certificate companies-server serves HTTPS
 * with
 *
 * GIO does TLS through a module, glib-networking (GnuTLS): without it
 * every TLS call fails, so it is checked for first, with a message that
 * names the package.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "companies-server-tls.h"

GTlsCertificate *
companies_server_tls_load (const char  *certificate_path,
                           const char  *key_path,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GTlsCertificate *certificate;
  GStatBuf st;

  g_return_val_if_fail (certificate_path != NULL, NULL);
  g_return_val_if_fail (key_path != NULL, NULL);

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE,
                           _("TLS is not available: install glib-networking"));
      return NULL;
    }

  /* A private key any user can read is no longer private: refused, as
   * a tokens file like that is. Group bits are allowed, for the usual
   * root:ssl-cert 0640 key. */
  if (g_stat (key_path, &st) == 0 && (st.st_mode & S_IRWXO) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _("The TLS key “%s” may be read by any user (mode %03o); "
                     "make it private with “chmod 600 %s”"),
                   key_path, (unsigned int) (st.st_mode & 0777), key_path);
      return NULL;
    }

  certificate = g_tls_certificate_new_from_files (certificate_path, key_path, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot use the certificate “%s” with the key “%s”: %s"),
                   certificate_path, key_path, local_error->message);
      return NULL;
    }

  return certificate;
}
