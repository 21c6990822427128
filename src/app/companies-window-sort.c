/* companies-window-sort.c: the sort of the companies list from the
 * keyboard and kept between sessions.
 *
 * Two stateful actions, win.sort-column ("name", "city", "country",
 * "phone", "email", "state") and win.sort-order ("ascending",
 * "descending"), back the header bar's Sort menu. They and a click on a
 * column header are kept in step both ways, and the sort is kept in
 * GSettings (sort-column, sort-order).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-sort"

#include "config.h"

#include "companies-window-private.h"

/* The keys of the columns of companies-window.ui, in their order. */
static const char * const column_keys[] = {
  "state", "name", "city", "country", "phone", "email",
};

static const CompaniesField column_fields[] = {
  COMPANIES_N_FIELDS,   /* the state column has no field */
  COMPANIES_FIELD_NAME,
  COMPANIES_FIELD_CITY,
  COMPANIES_FIELD_COUNTRY,
  COMPANIES_FIELD_PHONE,
  COMPANIES_FIELD_EMAIL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (column_keys) == G_N_ELEMENTS (column_fields));

static guint
column_index (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_keys); i++)
    if (g_str_equal (column_keys[i], key))
      return i;

  return 1;
}

/* Makes @a and @b differ in what @column sorts by, @a first in the
 * column's own order unless @swapped. */
static void
set_difference (CompaniesCompany *a,
                CompaniesCompany *b,
                guint             column,
                gboolean          swapped)
{
  CompaniesCompany *first = swapped ? b : a;
  CompaniesCompany *second = swapped ? a : b;

  if (column_fields[column] == COMPANIES_N_FIELDS)
    {
      /* The state column puts the rows that need attention first. */
      companies_company_set_rejection (first, COMPANIES_REJECT_INVALID_FIELD, NULL, "");
      return;
    }

  companies_company_set_field (first, column_fields[column], "a");
  companies_company_set_field (second, column_fields[column], "b");
}

/* The primary sort column and its order as the column view has them.
 * GTK 4.8 has no call that names them (4.10's
 * gtk_column_view_sorter_get_primary_sort_column ()), so the sorter is
 * asked to compare companies made to differ in chosen columns. Returns
 * FALSE when nothing sorts. */
static gboolean
get_view_sort (CompaniesWindow *self,
               guint           *primary,
               GtkSortType     *order)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GtkOrdering alone[G_N_ELEMENTS (column_keys)];
  GtkOrdering own[G_N_ELEMENTS (column_keys)];

  for (guint i = 0; i < G_N_ELEMENTS (column_keys); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(CompaniesCompany) a = companies_company_new ();
      g_autoptr(CompaniesCompany) b = companies_company_new ();

      set_difference (a, b, i, FALSE);
      alone[i] = gtk_sorter_compare (sorter, a, b);
      own[i] = gtk_sorter_compare (gtk_column_view_column_get_sorter (column), a, b);
    }

  /* A sort column is the primary one when it wins against every other
   * sort column pulling the other way. */
  for (guint i = 0; i < G_N_ELEMENTS (column_keys); i++)
    {
      g_autoptr(CompaniesCompany) a = NULL;
      g_autoptr(CompaniesCompany) b = NULL;

      if (alone[i] == GTK_ORDERING_EQUAL)
        continue;

      a = companies_company_new ();
      b = companies_company_new ();
      set_difference (a, b, i, FALSE);
      for (guint j = 0; j < G_N_ELEMENTS (column_keys); j++)
        if (j != i && alone[j] != GTK_ORDERING_EQUAL)
          set_difference (a, b, j, alone[j] == alone[i]);

      if (gtk_sorter_compare (sorter, a, b) == alone[i])
        {
          *primary = i;
          *order = alone[i] == own[i] ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING;
          return TRUE;
        }
    }

  return FALSE;
}

static void
apply_sort (CompaniesWindow *self,
            const char      *column_key,
            const char      *order_key)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, column_index (column_key));
  GtkSortType order = g_str_equal (order_key, "descending") ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING;
  GtkSortType view_order;
  guint view_column;

  if (get_view_sort (self, &view_column, &view_order) &&
      view_column == column_index (column_key) && view_order == order)
    return;

  gtk_column_view_sort_by_column (self->column_view, column, order);
}

static void
set_state (CompaniesWindow *self,
           const char      *action_name,
           const char      *value)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), action_name);
  g_autoptr(GVariant) state = g_action_get_state (action);

  if (!g_str_equal (g_variant_get_string (state, NULL), value))
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (value));

  g_settings_set_string (self->settings, action_name, value);
}

static const char *
get_state (CompaniesWindow *self,
           const char      *action_name)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), action_name);
  g_autoptr(GVariant) state = g_action_get_state (action);

  /* The state is one of the static strings below or column_keys. */
  if (g_str_equal (action_name, "sort-order"))
    return g_str_equal (g_variant_get_string (state, NULL), "descending") ? "descending" : "ascending";

  return column_keys[column_index (g_variant_get_string (state, NULL))];
}

/* A header was clicked (or the sort set): the menu and the settings
 * follow. */
static void
view_sorter_changed_cb (CompaniesWindow *self,
                        GtkSorterChange  change,
                        GtkSorter       *sorter)
{
  GtkSortType order;
  guint column;

  if (self->column_view == NULL || !get_view_sort (self, &column, &order))
    return;

  set_state (self, "sort-column", column_keys[column]);
  set_state (self, "sort-order", order == GTK_SORT_DESCENDING ? "descending" : "ascending");
}

static void
sort_change_state_cb (GSimpleAction *action,
                      GVariant      *value,
                      gpointer       user_data)
{
  CompaniesWindow *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  const char *text = g_variant_get_string (value, NULL);

  if (g_str_equal (name, "sort-column"))
    text = column_keys[column_index (text)];
  else if (!g_str_equal (text, "descending"))
    text = "ascending";

  set_state (self, name, text);
  apply_sort (self, get_state (self, "sort-column"), get_state (self, "sort-order"));
}

void
_companies_window_sort_init (CompaniesWindow *self)
{
  g_autofree char *column = g_settings_get_string (self->settings, "sort-column");
  g_autofree char *order = g_settings_get_string (self->settings, "sort-order");
  const GActionEntry entries[] = {
    { .name = "sort-column", .parameter_type = "s", .state = "'name'", .change_state = sort_change_state_cb },
    { .name = "sort-order", .parameter_type = "s", .state = "'ascending'", .change_state = sort_change_state_cb },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);

  set_state (self, "sort-column", column_keys[column_index (column)]);
  set_state (self, "sort-order", g_str_equal (order, "descending") ? "descending" : "ascending");
  apply_sort (self, get_state (self, "sort-column"), get_state (self, "sort-order"));

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (view_sorter_changed_cb), self, G_CONNECT_SWAPPED);
}
