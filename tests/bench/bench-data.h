/* bench-data.h: realistic companies for the benchmark: every field
 * filled, mixed lengths, some non-ASCII text; the same records on every
 * run (a fixed seed per record).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A values array (indexed by CompaniesField, NULL-terminated, free with
 * g_strfreev ()) for record number @index; @variant changes the text of
 * edits made to an existing record. */
char      **bench_company_values   (guint index,
                                    guint variant);

/* @n records, as companies_local_store_import_for_sync () takes them. */
GPtrArray  *bench_company_rows     (guint n);

/* One field's new value for an edit (the phone number, say). */
char       *bench_edit_value       (guint index,
                                    guint variant);

G_END_DECLS
