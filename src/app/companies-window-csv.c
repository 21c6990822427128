/* companies-window-csv.c: the main window's CSV import and export: the
 * win.import and win.export actions (a native file chooser each), a CSV
 * file dropped on the window, and the list read again after an import.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window-csv"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-csv-dialog.h"
#include "companies-window-private.h"

/* Companies written by another connection: the list reads the file
 * again and the next sync pushes them. */
static void
import_finished_cb (CompaniesWindow    *self,
                    guint64             count,
                    CompaniesCsvDialog *dialog)
{
  companies_company_list_refresh_if_changed (self->companies);
  if (count > 0)
    companies_sync_scheduler_local_change (self->scheduler);
  companies_status_line_update (self->status_line, NULL);
}

GtkWindow *
companies_window_import_file (CompaniesWindow *self,
                              GFile           *file)
{
  CompaniesCsvDialog *dialog;

  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (self->store == NULL)
    return NULL;

  dialog = companies_csv_dialog_new_import (GTK_WINDOW (self),
                                            companies_local_store_get_path (self->store), file);
  g_signal_connect_object (dialog, "finished", G_CALLBACK (import_finished_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}

GtkWindow *
companies_window_export_file (CompaniesWindow *self,
                              GFile           *file)
{
  CompaniesCsvDialog *dialog;

  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (self->store == NULL)
    return NULL;

  dialog = companies_csv_dialog_new_export (GTK_WINDOW (self),
                                            companies_local_store_get_path (self->store), file);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}

static void
add_csv_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_chooser_add_filter (chooser, csv);

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     CompaniesWindow *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean import = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "import"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (file != NULL && import)
    companies_window_import_file (self, file);
  else if (file != NULL)
    companies_window_export_file (self, file);

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (CompaniesWindow *self,
             gboolean         import)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (import ? _("Import Companies") : _("Export Companies"),
                                         GTK_WINDOW (self),
                                         import ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                : GTK_FILE_CHOOSER_ACTION_SAVE,
                                         import ? _("_Open") : _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_csv_filter (GTK_FILE_CHOOSER (chooser));
  if (!import)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("companies.csv"));

  g_object_set_data (G_OBJECT (chooser), "import", GINT_TO_POINTER (import));
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_companies_window_import_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  choose_file (COMPANIES_WINDOW (widget), TRUE);
}

void
_companies_window_export_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  choose_file (COMPANIES_WINDOW (widget), FALSE);
}

static gboolean
drop_cb (GtkDropTarget   *target,
         const GValue    *value,
         double           x,
         double           y,
         CompaniesWindow *self)
{
  GFile *file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  return companies_window_import_file (self, file) != NULL;
}

void
_companies_window_csv_init (CompaniesWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
