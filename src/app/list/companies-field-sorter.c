/* companies-field-sorter.c: sorts companies by one listed field, in
 * natural order with empty values last (companies-fold.h).
 *
 * The database sorts the list (companies-local-store-view.c); this
 * sorter is what a column of the column view holds, so that clicking its
 * header says which column sorts and which way, and it orders two
 * companies as the database would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-field-sorter"

#include "config.h"

#include <string.h>

#include "companies-company.h"
#include "companies-field-sorter.h"
#include "companies-fold.h"

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
  g_autoptr(GString) a = g_string_new (NULL);
  g_autoptr(GString) b = g_string_new (NULL);
  int result;

  companies_sort_key_append (a, companies_company_get_field (item1, self->field));
  companies_sort_key_append (b, companies_company_get_field (item2, self->field));

  result = memcmp (a->str, b->str, MIN (a->len, b->len));
  if (result == 0)
    result = a->len < b->len ? -1 : a->len > b->len;

  return gtk_ordering_from_cmpfunc (result);
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
  CompaniesFieldSorter *self = g_object_new (COMPANIES_TYPE_FIELD_SORTER, NULL);

  self->field = field;

  return GTK_SORTER (self);
}
