/* companies-sync-tls.h: the TLS setup of a program that makes one sync
 * and exits (companies-cli): its CA file as the process's default
 * certificate database, so that opening the connection does not load the
 * system's certificate authorities first (docs/live.md, "A CLI process").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean companies_sync_tls_use_ca_file_as_default (const char *tls_ca_file);

G_END_DECLS
