/* companies-field-sorter.c: sorts companies by one listed field.
 *
 * GtkStringSorter would make a collation key for every row on the main
 * thread when the list is filled (about a second for 100,000 rows); this
 * compares the folded keys the list loader made in its worker thread.
 * The store lists companies by name already, so the first sort by name
 * finds long ordered runs and costs little more than one pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-field-sorter"

#include "config.h"

#include "companies-field-sorter.h"
#include "companies-row-key.h"

struct _CompaniesFieldSorter
{
  GtkSorter      parent_instance;

  CompaniesField field;
};

G_DEFINE_FINAL_TYPE (CompaniesFieldSorter, companies_field_sorter, GTK_TYPE_SORTER)

static GtkOrdering
companies_field_sorter_compare (GtkSorter *sorter,
                                gpointer   item1,
                                gpointer   item2)
{
  CompaniesFieldSorter *self = (CompaniesFieldSorter *) sorter;

  return gtk_ordering_from_cmpfunc (companies_row_key_compare (item1, item2, self->field));
}

static GtkSorterOrder
companies_field_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
companies_field_sorter_class_init (CompaniesFieldSorterClass *klass)
{
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  sorter_class->compare = companies_field_sorter_compare;
  sorter_class->get_order = companies_field_sorter_get_order;
}

static void
companies_field_sorter_init (CompaniesFieldSorter *self)
{
}

GtkSorter *
companies_field_sorter_new (CompaniesField field)
{
  CompaniesFieldSorter *self;

  g_return_val_if_fail (companies_row_key_has_field (field), NULL);

  self = g_object_new (COMPANIES_TYPE_FIELD_SORTER, NULL);
  self->field = field;

  return GTK_SORTER (self);
}
