/* companies-window-columns.c: the columns of the companies list: the sync
 * state icon, then Name, City, Country, Phone and E-mail, each sortable
 * by its header.
 *
 * The cells are made in C (GtkSignalListItemFactory): a builder factory
 * parses its template again for every cell it makes, which shows when a
 * window of rows fills. Each label follows its company's property, so a
 * row updated in place by a refresh redraws itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-columns"

#include "config.h"

#include "companies-field-sorter.h"
#include "companies-sync-state-icon.h"
#include "companies-window-private.h"

typedef struct
{
  CompaniesField  field;
  const char     *property;
  /* Each column asks for room by its content, within bounds: a long
   * value ellipsizes rather than pushing the other columns away. */
  int             min_chars;
  int             max_chars;
} TextColumn;

static const TextColumn text_columns[] = {
  { COMPANIES_FIELD_NAME, "name", 10, 32 },
  { COMPANIES_FIELD_CITY, "city", 6, 18 },
  { COMPANIES_FIELD_COUNTRY, "country", 6, 16 },
  { COMPANIES_FIELD_PHONE, "phone", 8, 18 },
  { COMPANIES_FIELD_EMAIL, "email", 10, 28 },
};

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                const TextColumn         *column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), column->min_chars);
  gtk_label_set_max_width_chars (GTK_LABEL (label), column->max_chars);
  gtk_list_item_set_child (item, label);
}

static void
label_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               const TextColumn         *column)
{
  GBinding *binding;

  binding = g_object_bind_property (gtk_list_item_get_item (item), column->property,
                                    gtk_list_item_get_child (item), "label",
                                    G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (item), "binding", binding);
}

static void
label_unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 const TextColumn         *column)
{
  GBinding *binding = g_object_steal_data (G_OBJECT (item), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
}

static void
setup_text_column (GtkColumnViewColumn *column,
                   const TextColumn    *info)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = companies_field_sorter_new (info->field);

  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), (gpointer) info);
  g_signal_connect (factory, "bind", G_CALLBACK (label_bind_cb), (gpointer) info);
  g_signal_connect (factory, "unbind", G_CALLBACK (label_unbind_cb), (gpointer) info);

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

void
_companies_window_columns_init (CompaniesWindow *self)
{
  GtkColumnViewColumn *columns[] = {
    self->name_column,
    self->city_column,
    self->country_column,
    self->phone_column,
    self->email_column,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (columns) == G_N_ELEMENTS (text_columns));

  setup_state_column (self->state_column);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    setup_text_column (columns[i], &text_columns[i]);
}
