/* test-ui-adaptive.c: the window at 360 × 294 (two-line rows, editor
 * that fits), at 640 px and at text scale 1.5 (names, phones and
 * e-mails whole), and in the dark style of the style manager; the
 * editor's error text at 4.5:1 contrast in both styles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-adaptive"

#include "config.h"

#include <math.h>

#include "companies-field-cell.h"
#include "companies-ui-test-utils.h"

static const char *seed[][5] = {
  { "Itaú Unibanco", "São Paulo", "Brazil", "+55 11 3003 4828", "imprensa@itau.example" },
  { "Acme", "Porto", "Portugal", "+351 22 000 0000", "info@acme.example" },
  { "Fjällräven", "Örnsköldsvik", "Sweden", "+46 660 266 100", "info@fjallraven.example" },
  { "Société Générale", "Paris", "France", "+33 1 42 14 20 00", "contact@socgen.example" },
  { "Nokia", "Espoo", "Finland", "+358 10 44 88 000", "press@nokia.example" },
};

/* The window's default size counts its frame (client-side decorations
 * without a window manager); the widget's size does not. */
static int frame_width = -1, frame_height = -1;

static void
resize (CompaniesUiFixture *fixture,
        int                 width,
        int                 height)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  if (frame_width < 0)
    {
      /* The first size asked for is one the window surely takes. */
      for (guint i = 0; i < 100; i++)
        companies_ui_iterate ();
      companies_ui_wait_for_draw (window);
      frame_width = width - gtk_widget_get_width (window);
      frame_height = height - gtk_widget_get_height (window);
      g_assert_cmpint (frame_width, >=, 0);
      g_assert_cmpint (frame_width, <=, 64);
    }

  /* As a person dragging the edge goes on dragging: a window held at
   * the table's minimum switches to rows and may then shrink further. */
  for (guint attempt = 0; attempt < 5 && gtk_widget_get_width (window) != width - frame_width; attempt++)
    {
      for (guint i = 0; i < 50 && gtk_widget_get_width (window) != width - frame_width; i++)
        companies_ui_iterate ();
      gtk_window_set_default_size (GTK_WINDOW (window), width, height);
    }
  g_test_message ("Asked for %d × %d, got %d × %d", width, height,
                  gtk_widget_get_width (window), gtk_widget_get_height (window));
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_width (window) == width - frame_width &&
                         gtk_widget_get_height (window) == height - frame_height);
  companies_ui_wait_for_draw (window);
}

/* Every name, phone and e-mail cell shown is wide enough for its text. */
static guint
assert_whole (GtkWidget *widget)
{
  guint n_checked = 0;

  if (COMPANIES_IS_FIELD_CELL (widget) && gtk_widget_get_mapped (widget))
    {
      CompaniesFieldCell *cell = COMPANIES_FIELD_CELL (widget);
      const char *text = companies_field_cell_get_text (cell);
      g_autoptr(PangoLayout) layout = NULL;
      int text_width;

      if (text == NULL || *text == '\0')
        return 0;

      layout = gtk_widget_create_pango_layout (widget, text);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      if (text_width > gtk_widget_get_width (widget))
        {
          CompaniesCompany *company = companies_field_cell_get_company (cell);

          /* City and country may give way; the others may not. */
          if (g_strcmp0 (text, companies_company_get_name (company)) == 0 ||
              g_strcmp0 (text, companies_company_get_field (company, COMPANIES_FIELD_PHONE)) == 0 ||
              g_strcmp0 (text, companies_company_get_field (company, COMPANIES_FIELD_EMAIL)) == 0)
            g_error ("“%s” is cut: %d px of text in %d px", text, text_width, gtk_widget_get_width (widget));
        }
      return 1;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n_checked += assert_whole (child);

  return n_checked;
}

static GtkWidget *
find_error_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") &&
      gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_error_label (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static double
luminance (const GdkRGBA *color)
{
  const float channels[] = { color->red, color->green, color->blue };
  const double weights[] = { 0.2126, 0.7152, 0.0722 };
  double sum = 0;

  /* WCAG 2's relative luminance. */
  for (guint i = 0; i < 3; i++)
    {
      double c = channels[i];

      c = c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
      sum += weights[i] * c;
    }

  return sum;
}

/* The contrast of the editor's error text on the editor's background. */
static double
error_contrast (CompaniesEditorWindow *editor)
{
  GtkWidget *label = find_error_label (GTK_WIDGET (editor));
  GdkRGBA text, background;
  double a, b;

  g_assert_nonnull (label);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (label), &text);
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (editor)),
                                                 "window_bg_color", &background));
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_cmpfloat (text.alpha, ==, 1.0);

  a = luminance (&text) + 0.05;
  b = luminance (&background) + 0.05;

  return MAX (a, b) / MIN (a, b);
}

static void
test_adaptive (void)
{
  CompaniesUiFixture fixture;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesEditorWindow *editor;
  AdwStyleManager *style;
  GtkWidget *list_stack;

  companies_ui_fixture_init (&fixture, FALSE);
  store = companies_local_store_open (fixture.local_database, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (seed); i++)
    g_object_unref (companies_ui_add_company (store, seed[i]));

  companies_ui_fixture_start_app (&fixture);
  /* GNOME's title bar buttons (org.gnome.desktop.wm.preferences
   * button-layout): Close only. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (&fixture) == G_N_ELEMENTS (seed));
  list_stack = companies_ui_get_child (&fixture, "list_stack");
  style = adw_style_manager_get_default ();

  /* Wide: the table, in the light style (the system's default here). */
  resize (&fixture, 960, 640);
  g_assert_false (adw_style_manager_get_dark (style));
  g_assert_false (companies_window_get_narrow (fixture.window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (list_stack)), ==, "table");
  g_assert_cmpuint (assert_whole (companies_ui_get_child (&fixture, "column_view")), >, 0);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "adaptive-1-light");

  /* 640 px: still the table, the country gives its room, nothing else
   * is cut. */
  resize (&fixture, 640, 480);
  g_assert_false (companies_window_get_narrow (fixture.window));
  g_assert_cmpuint (assert_whole (companies_ui_get_child (&fixture, "column_view")), >, 0);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "adaptive-2-640");

  /* 360 × 294: two-line rows; the window is really that small. */
  resize (&fixture, 360, 294);
  COMPANIES_UI_WAIT_FOR (companies_window_get_narrow (fixture.window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (list_stack)), ==, "rows");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "adaptive-3-narrow");

  /* The editor fits at 360 px too. */
  companies_ui_select_row (&fixture, "Acme");
  editor = companies_ui_open_editor (&fixture, "win.edit");
  gtk_window_set_default_size (GTK_WINDOW (editor), 360, 520);
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (editor)) == 360 - frame_width);
  companies_ui_save_screenshot (GTK_WIDGET (editor), "adaptive-4-narrow-editor");

  /* Error text reaches 4.5:1 (WCAG AA) in the light style and the dark. */
  companies_ui_editor_set (editor, COMPANIES_FIELD_EMAIL, "not an address");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  companies_ui_wait_for_draw (GTK_WIDGET (editor));
  g_test_message ("Error text contrast, light: %.2f:1", error_contrast (editor));
  g_assert_cmpfloat (error_contrast (editor), >=, 4.5);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  companies_ui_wait_for_draw (GTK_WIDGET (editor));
  g_test_message ("Error text contrast, dark: %.2f:1", error_contrast (editor));
  g_assert_cmpfloat (error_contrast (editor), >=, 4.5);
  companies_ui_save_screenshot (GTK_WIDGET (editor), "adaptive-5-editor-error-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "window.close", NULL));
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture.window) == NULL);

  /* Dark, as the system asks through the style manager. */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_PREFER_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "adaptive-6-narrow-dark");
  resize (&fixture, 960, 640);
  COMPANIES_UI_WAIT_FOR (!companies_window_get_narrow (fixture.window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (list_stack)), ==, "table");
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "adaptive-7-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* Text scale 1.5 (as the desktop's Large Text sets it). */
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  g_assert_false (companies_window_get_narrow (fixture.window));
  g_assert_cmpuint (assert_whole (companies_ui_get_child (&fixture, "column_view")), >, 0);
  companies_ui_save_screenshot (GTK_WIDGET (fixture.window), "adaptive-8-large-text");

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/adaptive/narrow-640-dark-large-text", test_adaptive);

  return g_test_run ();
}
