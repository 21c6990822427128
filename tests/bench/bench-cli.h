/* bench-cli.h: companies-cli timed as a process, start to exit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs $COMPANIES_CLI @args (NULL-terminated) once untimed, then
 * @samples times; *@out_ms gets the median wall time of these. FALSE
 * with @error when a run fails or COMPANIES_CLI is not set. */
gboolean bench_cli_median_ms (const char * const  *args,
                              guint                samples,
                              double              *out_ms,
                              GError             **error);

G_END_DECLS
