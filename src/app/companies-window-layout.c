/* companies-window-layout.c: how the list adapts to the window's width
 * and moves with the keyboard.
 *
 * Width: the table of columns needs about 600 px; below that the list
 * is shown as two-line rows (CompaniesCompanyRow: name, then city and
 * phone) over the same selection model, so the window goes down to 360
 * px. Below about 800 px (more with a larger text) the Country column
 * gives its room to the others.
 * libadwaita 1.2 has no breakpoints: the window's allocation decides,
 * and the switch is made when idle (never during a size allocation).
 *
 * Keyboard: the list is one Tab stop (Tab leaves it, the arrows move in
 * it); the focused row is what Delete acts on; Escape closes the search
 * wherever the focus is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-layout"

#include "config.h"

#include "companies-company-row.h"
#include "companies-field-cell.h"
#include "companies-window-private.h"

#define NARROW_WIDTH 600
/* About 800 px at the default text size: more with a larger text. */
#define COUNTRY_CHARS 104

/* --- The rows at narrow widths --- */

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (item, companies_company_row_new ());
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  companies_company_row_set_company (COMPANIES_COMPANY_ROW (gtk_list_item_get_child (item)),
                                     gtk_list_item_get_item (item));
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  companies_company_row_set_company (COMPANIES_COMPANY_ROW (gtk_list_item_get_child (item)), NULL);
}

/* --- Width --- */

static GtkWidget *
get_shown_list (CompaniesWindow *self)
{
  return self->narrow ? GTK_WIDGET (self->list_view) : GTK_WIDGET (self->column_view);
}

static gboolean
apply_layout_cb (gpointer user_data)
{
  CompaniesWindow *self = user_data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *old_list = get_shown_list (self);
  gboolean had_focus = focus != NULL && (focus == old_list || gtk_widget_is_ancestor (focus, old_list));
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GtkColumnViewColumn) country = g_list_model_get_item (columns, 3);

  self->layout_source = 0;
  self->narrow = self->want_narrow;
  gtk_column_view_column_set_visible (country, self->want_country);
  /* GTK 4.8 makes the rows of a hidden list view too (200 of them, again
   * whenever a search replaces what shows): the narrow list follows the
   * model only while it shows. The table keeps it, so that its width,
   * which decides the layout, stays that of its rows. */
  gtk_list_view_set_model (self->list_view, self->narrow ? GTK_SELECTION_MODEL (self->selection) : NULL);
  gtk_stack_set_visible_child_name (self->list_stack, self->narrow ? "rows" : "table");

  /* The focus stays in the list when the list changes its form. */
  if (had_focus)
    gtk_widget_grab_focus (get_shown_list (self));

  return G_SOURCE_REMOVE;
}

static int
get_char_width (GtkWidget *widget)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (widget), NULL, NULL);
  int width = pango_font_metrics_get_approximate_char_width (metrics);

  pango_font_metrics_unref (metrics);

  return PANGO_PIXELS_CEIL (width);
}

void
_companies_window_update_layout (CompaniesWindow *self,
                                 int              width)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  g_autoptr(GtkColumnViewColumn) country = g_list_model_get_item (columns, 3);
  int table_min;

  /* Below the table's own minimum (larger with a larger text) too: the
   * window can then shrink past it. */
  gtk_widget_measure (GTK_WIDGET (self->column_view), GTK_ORIENTATION_HORIZONTAL, -1,
                      &table_min, NULL, NULL, NULL);
  self->want_narrow = width < MAX (NARROW_WIDTH, table_min + 24);
  self->want_country = width >= COUNTRY_CHARS * get_char_width (GTK_WIDGET (self));

  if (self->want_narrow == self->narrow &&
      self->want_country == gtk_column_view_column_get_visible (country))
    return;

  if (self->layout_source == 0)
    self->layout_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_layout_cb, self, NULL);
}

gboolean
companies_window_get_narrow (CompaniesWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), FALSE);

  return self->narrow;
}

/* --- Keyboard --- */

/* Tab and Shift+Tab leave the list (GtkListBase walks its rows on Tab):
 * for the one move the list is out of the focus chain. */
static gboolean
list_key_pressed_cb (CompaniesWindow       *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkDirectionType direction;
  gboolean moved;

  if (keyval == GDK_KEY_ISO_Left_Tab ||
      ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && (state & GDK_SHIFT_MASK) != 0))
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else
    return GDK_EVENT_PROPAGATE;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_set_can_focus (list, FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (self), direction);
  if (!moved)
    {
      /* Past the last stop: around again, as GtkWindow does. */
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_widget_child_focus (GTK_WIDGET (self), direction);
    }
  gtk_widget_set_can_focus (list, TRUE);

  return GDK_EVENT_STOP;
}

static CompaniesCompany *
find_company (GtkWidget *widget)
{
  if (COMPANIES_IS_FIELD_CELL (widget))
    return companies_field_cell_get_company (COMPANIES_FIELD_CELL (widget));
  if (COMPANIES_IS_COMPANY_ROW (widget))
    return companies_company_row_get_company (COMPANIES_COMPANY_ROW (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      CompaniesCompany *company = find_company (child);

      if (company != NULL)
        return company;
    }

  return NULL;
}

CompaniesCompany *
_companies_window_get_focused (CompaniesWindow *self)
{
  GtkWidget *list = get_shown_list (self);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == NULL || !gtk_widget_is_ancestor (focus, list))
    return NULL;

  /* The focus is on a row (or inside one): its cells know the company. */
  for (GtkWidget *widget = focus; widget != list; widget = gtk_widget_get_parent (widget))
    {
      CompaniesCompany *company = find_company (widget);

      if (company != NULL)
        return company;
    }

  return NULL;
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  CompaniesWindow *self = COMPANIES_WINDOW (widget);

  if (!companies_search_bar_get_search_mode (self->search))
    return FALSE;

  /* Wherever the search was started from: typing while a button had the
   * focus leaves the focus on that button. */
  companies_search_bar_stop (self->search);
  return TRUE;
}

void
_companies_window_layout_init (CompaniesWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkWidget *lists[] = { GTK_WIDGET (self->column_view), GTK_WIDGET (self->list_view) };
  GtkEventController *controller;
  GtkShortcut *shortcut;

  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      controller = gtk_event_controller_key_new ();
      gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
      g_signal_connect_object (controller, "key-pressed",
                               G_CALLBACK (list_key_pressed_cb), self, G_CONNECT_SWAPPED);
      gtk_widget_add_controller (lists[i], controller);
    }

  /* After the focused widget had its say (the search entry's own
   * Escape, a popover's). */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_BUBBLE);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                               gtk_callback_action_new (escape_cb, NULL, NULL));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
