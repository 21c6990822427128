/* companies-test-nginx.h: a private nginx for a test, with the project's
 * own configuration (data/nginx/companies.conf.in), in front of some
 * companies-server processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CompaniesTestNginx CompaniesTestNginx;

/* Starts nginx in a fresh folder, listening on a free 127.0.0.1 port with
 * TLS (a self-signed certificate for 127.0.0.1 made by openssl), in front
 * of the servers on 127.0.0.1:@ports[0 … @n_ports - 1] (start them with
 * --trusted-proxy 127.0.0.1). Waits until it accepts connections. It runs
 * as one process (master_process off), which the kernel ends with the
 * test. */
CompaniesTestNginx *companies_test_nginx_start       (const guint16       *ports,
                                                      guint                n_ports,
                                                      GError             **error);
/* "https://127.0.0.1:PORT" */
const char         *companies_test_nginx_get_url     (CompaniesTestNginx  *self);
/* The certificate to trust (COMPANIES_CA_FILE, --ca-file). */
const char         *companies_test_nginx_get_ca_file (CompaniesTestNginx  *self);
/* What nginx wrote to its error log so far. */
char               *companies_test_nginx_get_log     (CompaniesTestNginx  *self);
/* Stops nginx (SIGQUIT, then SIGKILL after 10 s) and removes its folder. */
void                companies_test_nginx_free        (CompaniesTestNginx  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestNginx, companies_test_nginx_free)

G_END_DECLS
