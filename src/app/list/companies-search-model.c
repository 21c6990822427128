/* companies-search-model.c: the rows of a list that match the search.
 *
 * What GtkFilterListModel does for the window, without reaching every
 * row through the sort model at each keystroke (perf: the g_object_ref ()
 * and type checks of 100,000 get_item () calls there were a quarter of a
 * keystroke's CPU). The model keeps the source's rows in an array, in the
 * source's order (copied once the window is idle after its first frame,
 * then spliced by the source's items-changed), and the matching rows in
 * a second one: a keystroke is one pass of strstr () over the folded
 * keys, over the rows shown only when the search text grew, and one
 * items-changed for the span between the first and last row that
 * changed. While nothing is searched, the model is the source.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-search-model"

#include "config.h"

#include <string.h>

#include "companies-company.h"
#include "companies-row-key.h"
#include "companies-search-model.h"

/* While nothing is searched, a change of more rows than this drops the
 * copy of the source's rows rather than following it. */
#define MAX_FOLLOWED 1024

struct _CompaniesSearchModel
{
  GObject                parent_instance;

  GListModel            *source;
  CompaniesSearchFilter *filter;
  /* NULL until a search needs them: the source's rows, a reference each
   * (no free function: splices move them) */
  GPtrArray             *rows;
  /* NULL while everything shows: the rows that match, borrowed from rows */
  GPtrArray             *shown;
  guint                  prepare_source;
};

static void companies_search_model_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CompaniesSearchModel, companies_search_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, companies_search_model_model_init))

static GType
companies_search_model_get_item_type (GListModel *model)
{
  return COMPANIES_TYPE_COMPANY;
}

static guint
companies_search_model_get_n_items (GListModel *model)
{
  CompaniesSearchModel *self = (CompaniesSearchModel *) model;

  if (self->shown != NULL)
    return self->shown->len;

  return g_list_model_get_n_items (self->source);
}

static gpointer
companies_search_model_get_item (GListModel *model,
                                 guint       position)
{
  CompaniesSearchModel *self = (CompaniesSearchModel *) model;

  if (self->shown == NULL)
    return g_list_model_get_item (self->source, position);

  if (position >= self->shown->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->shown, position));
}

static void
companies_search_model_model_init (GListModelInterface *iface)
{
  iface->get_item_type = companies_search_model_get_item_type;
  iface->get_n_items = companies_search_model_get_n_items;
  iface->get_item = companies_search_model_get_item;
}

static void
free_rows (CompaniesSearchModel *self)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    g_object_unref (self->rows->pdata[i]);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
}

static void
ensure_rows (CompaniesSearchModel *self)
{
  guint n_items;

  if (self->rows != NULL)
    return;

  n_items = g_list_model_get_n_items (self->source);
  self->rows = g_ptr_array_sized_new (n_items);
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (self->rows, g_list_model_get_item (self->source, i));
}

/* The rows of @from whose key holds @folded, in order. */
static GPtrArray *
match (GPtrArray  *from,
       const char *folded)
{
  GPtrArray *matches = g_ptr_array_sized_new (from->len);

  for (guint i = 0; i < from->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (from, i);

      if (strstr (companies_row_key_get_text (company), folded) != NULL)
        g_ptr_array_add (matches, company);
    }

  return matches;
}

/* Tells what changed from @before to @after (arrays of the same rows
 * objects) with one items-changed over the span that differs. */
static void
emit_difference (CompaniesSearchModel *self,
                 GPtrArray            *before,
                 GPtrArray            *after)
{
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < before->len && prefix < after->len &&
         before->pdata[prefix] == after->pdata[prefix])
    prefix++;

  while (suffix < before->len - prefix && suffix < after->len - prefix &&
         before->pdata[before->len - 1 - suffix] == after->pdata[after->len - 1 - suffix])
    suffix++;

  if (prefix + suffix == before->len && prefix + suffix == after->len)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                              before->len - prefix - suffix,
                              after->len - prefix - suffix);
}

/* Applies the search to @from (the rows, or the rows shown when the
 * search only narrowed) and tells what changed. */
static void
refilter (CompaniesSearchModel *self,
          GPtrArray            *from)
{
  const char *folded = companies_search_filter_get_folded (self->filter);
  g_autoptr(GPtrArray) before = self->shown != NULL ? g_ptr_array_ref (self->shown)
                                                    : g_ptr_array_ref (self->rows);

  g_clear_pointer (&self->shown, g_ptr_array_unref);
  if (folded != NULL)
    self->shown = match (from, folded);

  emit_difference (self, before, self->shown != NULL ? self->shown : self->rows);
}

static void
filter_changed_cb (CompaniesSearchModel *self,
                   GtkFilterChange       change,
                   GtkFilter            *filter)
{
  const char *folded = companies_search_filter_get_folded (self->filter);

  if (folded == NULL && self->shown == NULL)
    return;

  ensure_rows (self);
  refilter (self, change == GTK_FILTER_CHANGE_MORE_STRICT && self->shown != NULL
                  ? self->shown : self->rows);
}

static void
source_items_changed_cb (CompaniesSearchModel *self,
                         guint                 position,
                         guint                 removed,
                         guint                 added,
                         GListModel           *source)
{
  g_autoptr(GPtrArray) gone = NULL;
  guint tail;

  if (self->rows != NULL && self->shown == NULL && added > MAX_FOLLOWED)
    {
      /* Not searching: copying many rows here would slow the change
       * down (a header click reorders them all); copy them when idle. */
      free_rows (self);
      companies_search_model_prepare_when_idle (self);
    }

  if (self->rows == NULL)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  /* Spliced in place (a refresh that changed a few rows touches only
   * those); the rows that went stay alive in @gone until the shown rows,
   * which borrow them, are compared. */
  gone = g_ptr_array_new_full (removed, g_object_unref);
  for (guint i = 0; i < removed; i++)
    g_ptr_array_add (gone, self->rows->pdata[position + i]);

  tail = self->rows->len - position - removed;
  if (added > removed)
    g_ptr_array_set_size (self->rows, self->rows->len + added - removed);
  memmove (self->rows->pdata + position + added,
           self->rows->pdata + position + removed,
           tail * sizeof (gpointer));
  if (added < removed)
    g_ptr_array_set_size (self->rows, self->rows->len + added - removed);
  for (guint i = 0; i < added; i++)
    self->rows->pdata[position + i] = g_list_model_get_item (source, position + i);

  if (self->shown == NULL)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  else
    refilter (self, self->rows);
}

static void
companies_search_model_dispose (GObject *object)
{
  CompaniesSearchModel *self = (CompaniesSearchModel *) object;

  g_clear_handle_id (&self->prepare_source, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, source_items_changed_cb, self);
  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_func (self->filter, filter_changed_cb, self);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  free_rows (self);
  g_clear_object (&self->source);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (companies_search_model_parent_class)->dispose (object);
}

static void
companies_search_model_class_init (CompaniesSearchModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = companies_search_model_dispose;
}

static void
companies_search_model_init (CompaniesSearchModel *self)
{
}

CompaniesSearchModel *
companies_search_model_new (GListModel            *source,
                            CompaniesSearchFilter *filter)
{
  CompaniesSearchModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (COMPANIES_IS_SEARCH_FILTER (filter), NULL);

  self = g_object_new (COMPANIES_TYPE_SEARCH_MODEL, NULL);
  self->source = g_object_ref (source);
  self->filter = g_object_ref (filter);
  g_signal_connect_swapped (source, "items-changed", G_CALLBACK (source_items_changed_cb), self);
  g_signal_connect_swapped (filter, "changed", G_CALLBACK (filter_changed_cb), self);

  if (companies_search_filter_get_folded (filter) != NULL)
    filter_changed_cb (self, GTK_FILTER_CHANGE_DIFFERENT, GTK_FILTER (filter));

  return self;
}

static gboolean
prepare_cb (gpointer user_data)
{
  CompaniesSearchModel *self = user_data;

  self->prepare_source = 0;
  ensure_rows (self);

  return G_SOURCE_REMOVE;
}

void
companies_search_model_prepare_when_idle (CompaniesSearchModel *self)
{
  g_return_if_fail (COMPANIES_IS_SEARCH_MODEL (self));

  /* After the frames that show the rows, not at the first keystroke. */
  if (self->rows == NULL && self->prepare_source == 0)
    self->prepare_source = g_idle_add_full (G_PRIORITY_LOW, prepare_cb, self, NULL);
}
