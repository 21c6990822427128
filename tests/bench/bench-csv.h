/* bench-csv.h: the CSV figures of the benchmark: companies-cli export
 * and import of the benchmark's companies, as processes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exports @rows (stored first in a fresh database) with
 * `companies-cli export --output`, imports the file into an empty
 * database with `companies-cli import`, exports that again and compares,
 * then prints the rows of the table. */
gboolean bench_csv_run (GPtrArray  *rows,
                        GError    **error);

G_END_DECLS
