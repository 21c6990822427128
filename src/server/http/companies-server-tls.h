/* companies-server-tls.h: the certificate companies-server serves HTTPS
 * with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Loads the PEM certificate (chain) @certificate_path and its private key
 * @key_path. Fails when no TLS backend is installed (glib-networking), or
 * when the files cannot be read or do not match; warns on stderr when the
 * key file may be read by other users. */
GTlsCertificate *companies_server_tls_load (const char  *certificate_path,
                                            const char  *key_path,
                                            GError     **error);

G_END_DECLS
