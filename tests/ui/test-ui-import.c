/* test-ui-import.c: CSV in and out of the real window: the import
 * dialog's preview (rows, separator, bad lines), the import with its
 * summary and refused lines, a refused header that cannot be imported,
 * a cancel that leaves the companies as they were, and an export of
 * what the list holds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ui-import"

#include "config.h"

#include <string.h>

#include "companies-csv-dialog.h"
#include "companies-csv-import.h"
#include "companies-csv-reader.h"
#include "companies-ui-test-utils.h"

static GFile *
write_csv (CompaniesUiFixture *fixture,
           const char         *name,
           const char         *text)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_file_new_for_path (path);
}

static guint
count_stored (CompaniesUiFixture *fixture)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = companies_local_store_list (companies_application_get_store (fixture->application), TRUE, &error);
  g_assert_no_error (error);
  return stored->len;
}

/* The good records of a CSV file; asserts there is no bad one. */
static guint
count_records (GFile *file)
{
  g_autoptr(GFileInputStream) input = g_file_read (file, NULL, NULL);
  g_autoptr(CompaniesCsvReader) reader = NULL;
  CompaniesCsvStatus status;
  guint n = 0;

  g_assert_nonnull (input);
  reader = companies_csv_reader_new (G_INPUT_STREAM (input));
  g_assert_true (companies_csv_reader_read_header (reader, NULL, NULL));
  while ((status = companies_csv_reader_next (reader, NULL, NULL)) == COMPANIES_CSV_ROW)
    n++;
  g_assert_cmpint (status, ==, COMPANIES_CSV_END);

  return n;
}

/* A file dropped on the window, through its drop target's own signal:
 * returns the dialog it opened. */
static CompaniesCsvDialog *
drop_file (CompaniesUiFixture *fixture,
           GFile              *file)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  GListModel *toplevels = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_assert_true (g_type_is_a (G_TYPE_FILE, gtk_drop_target_get_gtypes (target, NULL)[0]));

  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (COMPANIES_IS_CSV_DIALOG (window))
        {
          companies_ui_wait_for_draw (GTK_WIDGET (window));
          return COMPANIES_CSV_DIALOG (window);
        }
    }

  g_assert_not_reached ();
}

static CompaniesCsvDialog *
open_import (CompaniesUiFixture *fixture,
             GFile              *file)
{
  GtkWindow *dialog = companies_window_import_file (fixture->window, file);

  g_assert_true (COMPANIES_IS_CSV_DIALOG (dialog));
  companies_ui_wait_for_draw (GTK_WIDGET (dialog));
  return COMPANIES_CSV_DIALOG (dialog);
}

static void
import_with_errors (CompaniesUiFixture *fixture)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) bad = NULL;
  CompaniesCsvDialog *dialog;
  const char *summary;

  file = write_csv (fixture, "companies.csv",
                    "\xEF\xBB\xBFName;City;Country;E-mail;Notes\r\n"
                    "Acme Lda;Porto;Portugal;info@acme.example;\"Two\r\nlines\"\r\n"
                    "Bad Mail;Lisboa;Portugal;not-an-address;\r\n"
                    "Café Ñandú;Zürich;Schweiz;;\"Semi; colon\"\r\n"
                    "Short;Faro\r\n"
                    "Zeta Corp;Braga;Portugal;z@zeta.example;\r\n");

  /* Dropped on the window, as from a file manager. */
  dialog = drop_file (fixture, file);
  g_assert_cmpstr (companies_csv_dialog_get_page (dialog), ==, "preview");
  summary = companies_csv_dialog_get_summary (dialog);
  g_assert_nonnull (strstr (summary, "Line 4: E-mail"));
  g_assert_nonnull (strstr (summary, "Line 6: 2 fields where the header has 5"));
  companies_ui_save_screenshot (GTK_WIDGET (dialog), "import-1-preview");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.import", NULL);
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (companies_csv_dialog_get_page (dialog), "done") == 0);
  g_assert_cmpstr (companies_csv_dialog_get_summary (dialog), ==, "Imported 3 companies; 2 lines refused.");
  companies_ui_wait_for_draw (GTK_WIDGET (dialog));
  companies_ui_save_screenshot (GTK_WIDGET (dialog), "import-2-done");

  /* The list reads them; they wait for the next sync. */
  COMPANIES_UI_WAIT_FOR (companies_ui_count_rows (fixture) == 3);
  g_assert_nonnull (companies_ui_find_row (fixture, "Café Ñandú"));
  g_assert_cmpint (companies_company_get_sync_state (companies_ui_find_row (fixture, "Acme Lda")),
                   ==, COMPANIES_SYNC_STATE_PENDING_ADD);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.cancel", NULL);

  /* A header we cannot place: nothing to import. */
  bad = write_csv (fixture, "unknown.csv", "name,colour\nAcme,red\n");
  dialog = open_import (fixture, bad);
  g_assert_nonnull (strstr (companies_csv_dialog_get_summary (dialog), "unknown column “colour”"));
  companies_ui_save_screenshot (GTK_WIDGET (dialog), "import-3-bad-header");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.import", NULL);
  companies_ui_iterate ();
  g_assert_cmpstr (companies_csv_dialog_get_page (dialog), ==, "preview");
  g_assert_cmpuint (count_stored (fixture), ==, 3);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.cancel", NULL);
}

static void
cancel_and_export (CompaniesUiFixture *fixture)
{
  g_autoptr(GString) text = g_string_new ("name,city\n");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) out = NULL;
  CompaniesCsvDialog *dialog;
  guint n = 300000;
  guint before = count_stored (fixture);
  guint stored;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "Bulk %05u,City %u\n", i, i % 10);
  file = write_csv (fixture, "bulk.csv", text->str);

  /* Cancelled at once: nothing of the file is written. */
  dialog = open_import (fixture, file);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.import", NULL);
  g_assert_cmpstr (companies_csv_dialog_get_page (dialog), ==, "progress");
  companies_ui_save_screenshot (GTK_WIDGET (dialog), "import-4-progress");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.cancel", NULL);
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (companies_csv_dialog_get_page (dialog), "done") == 0);
  companies_ui_wait_for_draw (GTK_WIDGET (dialog));
  companies_ui_save_screenshot (GTK_WIDGET (dialog), "import-5-cancelled");
  stored = count_stored (fixture);
  g_test_message ("cancelled with %u stored: %s", stored, companies_csv_dialog_get_summary (dialog));
  g_assert_cmpuint (stored, ==, before);
  g_assert_cmpstr (companies_csv_dialog_get_summary (dialog), ==,
                   "Import cancelled. Nothing was imported; the companies are as they were.");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.cancel", NULL);

  /* The export writes what the store holds. */
  out = g_file_new_build_filename (fixture->tmpdir, "export.csv", NULL);
  dialog = COMPANIES_CSV_DIALOG (companies_window_export_file (fixture->window, out));
  COMPANIES_UI_WAIT_FOR (g_strcmp0 (companies_csv_dialog_get_page (dialog), "done") == 0);
  companies_ui_wait_for_draw (GTK_WIDGET (dialog));
  companies_ui_save_screenshot (GTK_WIDGET (dialog), "export-1-done");
  g_assert_true (g_str_has_prefix (companies_csv_dialog_get_summary (dialog), "Exported "));
  g_assert_cmpuint (count_records (out), ==, stored);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "csv.cancel", NULL);
}

/* One window for both: an application registers once a process. */
static void
test_import (void)
{
  CompaniesUiFixture fixture;

  companies_ui_fixture_init (&fixture, FALSE);
  companies_ui_fixture_start_app (&fixture);

  import_with_errors (&fixture);
  cancel_and_export (&fixture);

  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  companies_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/import/preview-errors-cancel-export", test_import);

  return g_test_run ();
}
