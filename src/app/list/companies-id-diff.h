/* companies-id-diff.h: the changes that turn one list of local ids into
 * another, as the few splices a GListModel announces.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Old ids [old_start, old_end) become new ids [new_start, new_end). */
typedef struct
{
  guint old_start;
  guint old_end;
  guint new_start;
  guint new_end;
} CompaniesIdSplice;

/* The splices (CompaniesIdSplice, in increasing order, apart from each
 * other) that turn @old_ids into @new_ids (gint64 each, every id once):
 * rows moved, gone or come, one splice a run. Past @max_splices runs, or
 * when the rows between the first and the last change are more than
 * @max_window, a single splice covering them all. */
GArray *companies_id_diff (const GArray *old_ids,
                           const GArray *new_ids,
                           guint         max_splices,
                           guint         max_window);

G_END_DECLS
