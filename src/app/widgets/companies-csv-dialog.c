/* companies-csv-dialog.c: CompaniesCsvDialog, the pages of a CSV import
 * or export: preview, progress, done.
 *
 * The preview reads only the first records, on the main thread (a few
 * kilobytes); the import and the export run in companies-csv-task.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-csv-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-csv-dialog.h"
#include "companies-csv-reader.h"
#include "companies-csv-task.h"

/* The preview shows this many good rows, and looks no further than this
 * many records for them. */
#define PREVIEW_ROWS 8
#define PREVIEW_RECORDS 200

static const CompaniesField preview_fields[] = {
  COMPANIES_FIELD_NAME, COMPANIES_FIELD_CITY, COMPANIES_FIELD_COUNTRY, COMPANIES_FIELD_EMAIL,
};

struct _CompaniesCsvDialog
{
  GtkWindow     parent_instance;

  GtkButton    *cancel_button;
  GtkButton    *import_button;
  GtkStack     *stack;
  GtkLabel     *file_label;
  GtkLabel     *separator_label;
  GtkGrid      *preview_grid;
  GtkLabel     *problems_label;
  GtkLabel     *progress_label;
  GtkProgressBar *progress_bar;
  GtkLabel     *summary_label;
  GtkLabel     *refused_label;
  GtkWidget    *refused_scroller;

  char         *database_path;
  GFile        *file;
  GCancellable *cancellable;
  gboolean      running;
  gboolean      disposed;
};

G_DEFINE_FINAL_TYPE (CompaniesCsvDialog, companies_csv_dialog, GTK_TYPE_WINDOW)

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
add_preview_cell (CompaniesCsvDialog *self,
                  const char         *text,
                  int                 column,
                  int                 row,
                  gboolean            heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  gtk_grid_attach (self->preview_grid, label, column, row, 1, 1);
}

static void
show_problems (CompaniesCsvDialog *self,
               const char         *text)
{
  gtk_label_set_text (self->problems_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), text[0] != '\0');
}

/* Reads the header and the first records; FALSE when the file cannot
 * be imported at all (unreadable, or its header refused). */
static gboolean
read_preview (CompaniesCsvDialog *self)
{
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(CompaniesCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  guint rows = 0;

  input = g_file_read (self->file, NULL, &error);
  if (input != NULL)
    {
      reader = companies_csv_reader_new (G_INPUT_STREAM (input));
      companies_csv_reader_read_header (reader, NULL, &error);
    }
  if (error != NULL)
    {
      show_problems (self, error->message);
      return FALSE;
    }

  gtk_label_set_text (self->separator_label,
                      companies_csv_reader_get_separator (reader) == ';'
                        ? _("Separated by semicolons")
                        : _("Separated by commas"));

  for (guint i = 0; i < G_N_ELEMENTS (preview_fields); i++)
    add_preview_cell (self, companies_field_get_label (preview_fields[i]), (int) i, 0, TRUE);

  for (guint record = 0; record < PREVIEW_RECORDS && rows < PREVIEW_ROWS; record++)
    {
      g_autoptr(GError) reason = NULL;
      CompaniesCsvStatus status = companies_csv_reader_next (reader, NULL, &reason);

      if (status == COMPANIES_CSV_END || status == COMPANIES_CSV_FAILED)
        break;
      if (status == COMPANIES_CSV_BAD_ROW)
        {
          if (problems->len > 0)
            g_string_append_c (problems, '\n');
          g_string_append_printf (problems, _("Line %u: %s"),
                                  companies_csv_reader_get_line (reader), reason->message);
          continue;
        }

      rows++;
      for (guint i = 0; i < G_N_ELEMENTS (preview_fields); i++)
        add_preview_cell (self, companies_csv_reader_get_values (reader)[preview_fields[i]],
                          (int) i, (int) rows, FALSE);
    }

  if (rows == 0 && problems->len == 0)
    g_string_append (problems, _("The file holds no companies."));
  show_problems (self, problems->str);
  return rows > 0;
}

static void
show_done (CompaniesCsvDialog *self,
           const char         *summary,
           const char         *details)
{
  self->running = FALSE;
  /* Destroyed with its parent while it ran: nothing left to show. */
  if (self->disposed)
    return;

  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->refused_label, details != NULL ? details : "");
  gtk_widget_set_visible (self->refused_scroller, details != NULL && details[0] != '\0');
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "done");
}

static char *
join_refused (GPtrArray *refused,
              guint64    total)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < refused->len; i++)
    {
      g_string_append (text, g_ptr_array_index (refused, i));
      g_string_append_c (text, '\n');
    }
  if (total > refused->len)
    g_string_append_printf (text, _("… and %lu more"), (gulong) (total - refused->len));

  return g_string_free (text, FALSE);
}

static void
import_progress_cb (GObject                          *source,
                    const CompaniesCsvImportProgress *progress,
                    guint64                           total_bytes)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (source);
  g_autofree char *text = NULL;

  if (!self->running || self->disposed)
    return;

  text = g_strdup_printf (_("Imported %lu companies, %lu lines refused…"),
                          (gulong) progress->imported, (gulong) progress->refused);
  gtk_label_set_text (self->progress_label, text);
  if (total_bytes > 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   MIN (1.0, (double) progress->bytes_read / (double) total_bytes));
}

static void
import_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (source);
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;
  CompaniesCsvImportProgress done = { 0 };

  companies_csv_task_import_finish (result, &done, &refused, &error);

  if (error == NULL)
    summary = g_strdup_printf (_("Imported %lu companies; %lu lines refused."),
                               (gulong) done.imported, (gulong) done.refused);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    summary = g_strdup (_("Import cancelled. Nothing was imported; the companies are as they were."));
  else
    summary = g_strdup_printf (_("The import stopped: %s. Nothing was imported; the companies are as "
                                 "they were."), error->message);

  details = join_refused (refused, done.refused);
  show_done (self, summary, details);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, done.imported);
}

static void
start_progress (CompaniesCsvDialog *self,
                const char         *text)
{
  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_label_set_text (self->progress_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "progress");
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (widget);

  if (self->running || g_strcmp0 (companies_csv_dialog_get_page (self), "preview") != 0)
    return;

  start_progress (self, _("Importing…"));
  companies_csv_task_import_async (G_OBJECT (self), self->database_path, self->file,
                                   self->cancellable, import_progress_cb,
                                   import_finished_cb, NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (widget);

  /* What runs stops at its next record; the finish shows what stayed. */
  if (self->running)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
close_request_cb (GtkWindow *window)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (window);

  /* Closing while it runs is a cancel: the dialog stays to say what
   * was written. */
  if (self->running)
    {
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }

  return FALSE;
}

static void
companies_csv_dialog_dispose (GObject *object)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (object);

  /* The window's own dispose takes its child and titlebar (a template
   * dispose would take the titlebar from under it); a task still running
   * finds the widgets gone by this flag. */
  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (companies_csv_dialog_parent_class)->dispose (object);
}

static void
companies_csv_dialog_finalize (GObject *object)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (object);

  g_free (self->database_path);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (companies_csv_dialog_parent_class)->finalize (object);
}

static void
companies_csv_dialog_class_init (CompaniesCsvDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = companies_csv_dialog_dispose;
  object_class->finalize = companies_csv_dialog_finalize;
  window_class->close_request = close_request_cb;

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Companies/widgets/companies-csv-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, file_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, separator_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, problems_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, refused_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCsvDialog, refused_scroller);

  gtk_widget_class_install_action (widget_class, "csv.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "csv.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "csv.cancel", NULL);
}

static void
companies_csv_dialog_init (CompaniesCsvDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static CompaniesCsvDialog *
dialog_new (GtkWindow  *parent,
            const char *database_path,
            GFile      *file)
{
  CompaniesCsvDialog *self = g_object_new (COMPANIES_TYPE_CSV_DIALOG,
                                           "transient-for", parent,
                                           NULL);
  g_autofree char *name = g_file_get_parse_name (file);

  self->database_path = g_strdup (database_path);
  self->file = g_object_ref (file);
  gtk_label_set_text (self->file_label, name);

  return self;
}

CompaniesCsvDialog *
companies_csv_dialog_new_import (GtkWindow  *parent,
                                 const char *database_path,
                                 GFile      *file)
{
  CompaniesCsvDialog *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = dialog_new (parent, database_path, file);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "csv.import", read_preview (self));

  return self;
}

static void
export_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CompaniesCsvDialog *self = COMPANIES_CSV_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (self->file);
  g_autofree char *summary = NULL;
  guint64 count = 0;

  if (companies_csv_task_export_finish (result, &count, &error))
    summary = g_strdup_printf (_("Exported %lu companies to %s."), (gulong) count, name);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    summary = g_strdup_printf (_("Export cancelled; %s was left as it was."), name);
  else
    summary = g_strdup_printf (_("The export failed: %s. %s was left as it was."), error->message, name);

  show_done (self, summary, NULL);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error == NULL ? count : 0);
}

CompaniesCsvDialog *
companies_csv_dialog_new_export (GtkWindow  *parent,
                                 const char *database_path,
                                 GFile      *file)
{
  CompaniesCsvDialog *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = dialog_new (parent, database_path, file);
  gtk_window_set_title (GTK_WINDOW (self), _("Export Companies"));
  start_progress (self, _("Exporting…"));
  gtk_progress_bar_pulse (self->progress_bar);
  companies_csv_task_export_async (G_OBJECT (self), database_path, file, self->cancellable,
                                   export_finished_cb, NULL);

  return self;
}

const char *
companies_csv_dialog_get_page (CompaniesCsvDialog *self)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_DIALOG (self), NULL);

  return self->disposed ? NULL : gtk_stack_get_visible_child_name (self->stack);
}

const char *
companies_csv_dialog_get_summary (CompaniesCsvDialog *self)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_DIALOG (self), NULL);

  if (g_strcmp0 (companies_csv_dialog_get_page (self), "done") == 0)
    return gtk_label_get_text (self->summary_label);

  return gtk_label_get_text (self->problems_label);
}
