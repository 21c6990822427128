/* companies-window-columns.c: the columns of the companies list: the sync
 * state icon, then Name, City, Country, Phone and E-mail, each sortable
 * by its header.
 *
 * The cells are made in C (GtkSignalListItemFactory): a builder factory
 * parses its template again for every cell it makes, which shows when a
 * window of rows fills. Each text cell (CompaniesFieldCell, cheaper than
 * a GtkLabel) follows its company's field, so a row updated in place by
 * a refresh redraws itself. The database sorts the list: the column
 * view's sorter only says by what (_companies_window_update_sort ()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-columns"

#include "config.h"

#include "companies-field-cell.h"
#include "companies-field-sorter.h"
#include "companies-sync-state-icon.h"
#include "companies-window-private.h"

typedef struct
{
  CompaniesField  field;
  /* Each column asks for room by its content, within bounds: a long
   * value ellipsizes rather than pushing the other columns away. */
  int             min_chars;
  int             max_chars;
} TextColumn;

static const TextColumn text_columns[] = {
  { COMPANIES_FIELD_NAME, 12, 32 },
  { COMPANIES_FIELD_CITY, 6, 18 },
  { COMPANIES_FIELD_COUNTRY, 6, 16 },
  { COMPANIES_FIELD_PHONE, 14, 18 },
  { COMPANIES_FIELD_EMAIL, 18, 28 },
};

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               const TextColumn         *column)
{
  gtk_list_item_set_child (item, companies_field_cell_new (column->field,
                                                           column->min_chars,
                                                           column->max_chars));
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              const TextColumn         *column)
{
  companies_field_cell_bind (COMPANIES_FIELD_CELL (gtk_list_item_get_child (item)),
                             gtk_list_item_get_item (item));
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                const TextColumn         *column)
{
  companies_field_cell_bind (COMPANIES_FIELD_CELL (gtk_list_item_get_child (item)), NULL);
}

static void
setup_text_column (GtkColumnViewColumn *column,
                   const TextColumn    *info)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = companies_field_sorter_new (info->field);

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), (gpointer) info);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), (gpointer) info);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), (gpointer) info);

  gtk_column_view_column_set_factory (column, factory);
  gtk_column_view_column_set_sorter (column, sorter);
}

static void
icon_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, companies_sync_state_icon_new ());
}

static void
icon_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  companies_sync_state_icon_set_company (COMPANIES_SYNC_STATE_ICON (gtk_list_item_get_child (item)),
                                         gtk_list_item_get_item (item));
}

static void
icon_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  companies_sync_state_icon_set_company (COMPANIES_SYNC_STATE_ICON (gtk_list_item_get_child (item)), NULL);
}

/* Sorting by state puts the rows that need attention first. */
static int
get_sync_state_rank (CompaniesCompany *company)
{
  return (int) companies_company_get_sync_state (company);
}

static void
setup_state_column (GtkColumnViewColumn *column)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (icon_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (icon_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (icon_unbind_cb), NULL);
  gtk_column_view_column_set_factory (column, factory);

  sorter = GTK_SORTER (gtk_numeric_sorter_new (gtk_cclosure_expression_new (G_TYPE_INT, NULL, 0, NULL,
                                                                             G_CALLBACK (get_sync_state_rank),
                                                                             NULL, NULL)));
  gtk_numeric_sorter_set_sort_order (GTK_NUMERIC_SORTER (sorter), GTK_SORT_DESCENDING);
  gtk_column_view_column_set_sorter (column, sorter);
}

/* The sorts the list knows, in the columns' order. */
static const int sort_dimensions[] = {
  COMPANIES_LIST_SORT_BY_STATE,
  COMPANIES_FIELD_NAME,
  COMPANIES_FIELD_CITY,
  COMPANIES_FIELD_COUNTRY,
  COMPANIES_FIELD_PHONE,
  COMPANIES_FIELD_EMAIL,
};

/* Makes @company low (@high FALSE) or high in @dimension: "a" or "b",
 * or for the state a company not rejected or rejected. */
static void
set_rank (CompaniesCompany *company,
          int               dimension,
          gboolean          high)
{
  if (dimension == COMPANIES_LIST_SORT_BY_STATE)
    {
      if (high)
        companies_company_set_rejection (company, COMPANIES_REJECT_INVALID_FIELD, NULL, "");
    }
  else
    companies_company_set_field (company, dimension, high ? "b" : "a");
}

/* How the sorter orders a company low in @first against one high in
 * @first; unless @second is -2, the first is also @second_high in
 * @second and the other the opposite. */
static GtkOrdering
compare_ranks (GtkSorter *sorter,
               int        first,
               int        second,
               gboolean   second_high)
{
  g_autoptr(CompaniesCompany) a = companies_company_new ();
  g_autoptr(CompaniesCompany) b = companies_company_new ();

  set_rank (a, first, FALSE);
  set_rank (b, first, TRUE);
  if (second != -2)
    {
      set_rank (a, second, second_high);
      set_rank (b, second, !second_high);
    }

  return gtk_sorter_compare (sorter, a, b);
}

/* Tells the list the column the rows are sorted by, and which way. GTK
 * 4.8 has no call that names the sort columns, so the column view's
 * sorter is asked to compare companies that differ in one or two things:
 * the first column of the sort decides whichever way a second one would
 * order them. */
void
_companies_window_update_sort (CompaniesWindow *self)
{
  GtkSorter *sorter;

  /* Nothing to tell while the window goes away. */
  if (self->column_view == NULL || self->companies == NULL)
    return;

  sorter = gtk_column_view_get_sorter (self->column_view);

  for (guint i = 0; i < G_N_ELEMENTS (sort_dimensions); i++)
    {
      GtkOrdering alone = compare_ranks (sorter, sort_dimensions[i], -2, FALSE);
      gboolean first = alone != GTK_ORDERING_EQUAL;

      for (guint j = 0; first && j < G_N_ELEMENTS (sort_dimensions); j++)
        first = j == i ||
                (compare_ranks (sorter, sort_dimensions[i], sort_dimensions[j], TRUE) == alone &&
                 compare_ranks (sorter, sort_dimensions[i], sort_dimensions[j], FALSE) == alone);

      if (first)
        {
          /* The state column sorts the rejected rows (high) first. */
          gboolean descending = sort_dimensions[i] == COMPANIES_LIST_SORT_BY_STATE
            ? alone == GTK_ORDERING_SMALLER : alone == GTK_ORDERING_LARGER;

          companies_company_list_set_sort (self->companies, sort_dimensions[i], descending);
          return;
        }
    }

  companies_company_list_set_sort (self->companies, COMPANIES_FIELD_NAME, FALSE);
}

static void
sorter_changed_cb (CompaniesWindow  *self,
                   GtkSorterChange   change,
                   GtkSorter        *sorter)
{
  /* The selected row stays selected where the new sort puts it. */
  g_clear_object (&self->reselect);
  if (self->selection != NULL && gtk_single_selection_get_selected_item (self->selection) != NULL)
    {
      self->reselect = g_object_ref (gtk_single_selection_get_selected_item (self->selection));
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
    }

  _companies_window_update_sort (self);
}

void
_companies_window_columns_init (CompaniesWindow *self)
{
  /* The columns of companies-window.ui, in their order: the state, then
   * the text columns. */
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GtkColumnViewColumn) state_column = g_list_model_get_item (columns, 0);
  g_autoptr(GtkColumnViewColumn) name_column = g_list_model_get_item (columns, 1);

  g_assert (g_list_model_get_n_items (columns) == 1 + G_N_ELEMENTS (text_columns));

  setup_state_column (state_column);

  for (guint i = 0; i < G_N_ELEMENTS (text_columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 1 + i);

      setup_text_column (column, &text_columns[i]);
    }

  /* Sorted by name until a header is clicked. */
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_sort_by_column (self->column_view, name_column, GTK_SORT_ASCENDING);
}
