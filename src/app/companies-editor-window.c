/* companies-editor-window.c: the window that adds or edits one company.
 *
 * A CompaniesFieldRow for every field of docs/protocol.md section 1,
 * each checked as it is typed with the same rules as the server
 * (companies_field_validate ()); the message shows under the field once
 * the person has touched it, and Save stays disabled while any field is
 * invalid. Save writes through the store's
 * ForSync actions: a new company, or only the fields that changed. When
 * the company is deleted elsewhere meanwhile, Save becomes Save as New
 * (docs/notices.md): what was typed is not lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-editor-window"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "companies-editor-window.h"
#include "companies-field-row.h"

struct _CompaniesEditorWindow
{
  GtkWindow            parent_instance;

  /* Template widgets */
  GtkButton           *save_button;
  GtkBox              *banner;
  GtkImage            *banner_icon;
  GtkLabel            *banner_label;
  GtkBox              *field_box;

  CompaniesFieldRow   *field_rows[COMPANIES_N_FIELDS];
  char                *errors[COMPANIES_N_FIELDS];
  gboolean             touched[COMPANIES_N_FIELDS];

  CompaniesLocalStore *store;
  CompaniesCompany    *original;   /* a copy; NULL for a new company */
  guint                loading : 1;
  /* the company was deleted elsewhere: Save makes a new one */
  guint                deleted : 1;
};

G_DEFINE_FINAL_TYPE (CompaniesEditorWindow, companies_editor_window, GTK_TYPE_WINDOW)

enum {
  SAVING,
  SAVED,
  HISTORY_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
get_field_text (CompaniesEditorWindow *self,
                CompaniesField         field)
{
  return companies_field_row_dup_text (self->field_rows[field]);
}

static void
show_banner (CompaniesEditorWindow *self,
             const char            *icon_name,
             const char            *text,
             gboolean               use_markup)
{
  gtk_image_set_from_icon_name (self->banner_icon, icon_name);
  if (use_markup)
    gtk_label_set_markup (self->banner_label, text);
  else
    gtk_label_set_text (self->banner_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->banner), text != NULL);
}

/* Checks one field; shows its message if the person touched it. */
static gboolean
validate_field (CompaniesEditorWindow *self,
                CompaniesField         field)
{
  g_autofree char *text = get_field_text (self, field);
  g_autoptr(GError) error = NULL;
  gboolean valid, shown;

  valid = companies_field_validate (field, text, &error);

  g_clear_pointer (&self->errors[field], g_free);
  if (!valid)
    self->errors[field] = g_strdup (error->message);

  shown = !valid && self->touched[field];
  companies_field_row_set_message (self->field_rows[field], shown ? self->errors[field] : NULL);

  return valid;
}

static gboolean
is_valid (CompaniesEditorWindow *self)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (self->errors[i] != NULL)
        return FALSE;
    }

  return TRUE;
}

static void
update_save (CompaniesEditorWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", is_valid (self));
}

static void
field_changed_cb (CompaniesEditorWindow *self,
                  CompaniesFieldRow     *row)
{
  CompaniesField field = companies_field_row_get_field (row);

  if (self->loading)
    return;

  self->touched[field] = TRUE;
  validate_field (self, field);
  update_save (self);
}

/* The fields whose value differs from the company as it was opened. */
static guint
get_changed_mask (CompaniesEditorWindow *self,
                  char                 **values)
{
  guint mask = 0;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      const char *before = self->original != NULL ? companies_company_get_field (self->original, i) : "";

      if (g_strcmp0 (before, values[i]) != 0)
        mask |= COMPANIES_FIELD_BIT (i);
    }

  return mask;
}

static gboolean
has_changes (CompaniesEditorWindow *self)
{
  g_auto(GStrv) values = g_new0 (char *, COMPANIES_N_FIELDS + 1);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    values[i] = get_field_text (self, i);

  return get_changed_mask (self, values) != 0;
}

static gboolean
destroy_cb (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));

  return G_SOURCE_REMOVE;
}

static void
discard_response_cb (CompaniesEditorWindow *self,
                     const char            *response,
                     AdwMessageDialog      *dialog)
{
  /* Once the dialog (destroyed with the editor) has finished its own
   * response. */
  if (g_str_equal (response, "discard"))
    g_idle_add_full (G_PRIORITY_DEFAULT, destroy_cb, g_object_ref (self), g_object_unref);
}

/* Escape: closes at once when nothing changed, else asks first. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CompaniesEditorWindow *self = COMPANIES_EDITOR_WINDOW (widget);
  GtkWidget *dialog;

  if (!has_changes (self))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   _("Discard Changes?"),
                                   _("What you typed in this company is lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The company is gone: Save as New creates it again from the fields. */
static void
enter_deleted_mode (CompaniesEditorWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;

  if (self->deleted || self->original == NULL)
    return;

  self->deleted = TRUE;
  name = g_markup_escape_text (companies_company_get_name (self->original), -1);
  /* Translators: the company's name */
  title = g_strdup_printf (_("“%s” was deleted elsewhere while you edited it."), name);
  text = g_strdup_printf ("<b>%s</b>\n%s", title,
                          _("Save as New creates it again as a new company with what you typed here."));
  show_banner (self, "dialog-warning-symbolic", text, TRUE);
  gtk_button_set_label (self->save_button, _("Save as _New"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_button),
                               _("Create a new company with these values (Ctrl+Enter)"));
}

void
companies_editor_window_check_deleted (CompaniesEditorWindow *self)
{
  g_autoptr(CompaniesCompany) now = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (COMPANIES_IS_EDITOR_WINDOW (self));

  if (self->original == NULL || self->deleted)
    return;

  now = companies_local_store_lookup (self->store, companies_company_get_uuid (self->original), &error);
  if ((now == NULL && g_error_matches (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND)) ||
      (now != NULL && companies_company_get_sync_state (now) == COMPANIES_SYNC_STATE_PENDING_DELETE))
    enter_deleted_mode (self);
}

gboolean
companies_editor_window_get_save_as_new (CompaniesEditorWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), FALSE);

  return self->deleted;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CompaniesEditorWindow *self = COMPANIES_EDITOR_WINDOW (widget);
  g_autoptr(CompaniesCompany) stored = NULL;
  g_autoptr(GError) error = NULL;
  char *values[COMPANIES_N_FIELDS + 1] = { NULL };
  CompaniesField failed_field;
  guint mask;

  /* Every message shows now, for fields not touched too. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      self->touched[i] = TRUE;
      validate_field (self, i);
    }
  update_save (self);

  if (!is_valid (self))
    goto out;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    values[i] = get_field_text (self, i);

  mask = self->deleted ? COMPANIES_ALL_FIELDS : get_changed_mask (self, values);

  if (self->original != NULL && mask == 0)
    {
      /* Nothing to write. */
      gtk_window_destroy (GTK_WINDOW (self));
      goto out;
    }

  if (!companies_fields_validate ((const char * const *) values,
                                  self->original != NULL ? mask : COMPANIES_ALL_FIELDS,
                                  &failed_field, &error))
    {
      self->touched[failed_field] = TRUE;
      validate_field (self, failed_field);
      show_banner (self, "dialog-warning-symbolic", error->message, FALSE);
      goto out;
    }

  g_signal_emit (self, signals[SAVING], 0);

  if (self->original == NULL || self->deleted)
    stored = companies_local_store_create_for_sync (self->store, (const char * const *) values, &error);
  else
    stored = companies_local_store_update_for_sync (self->store,
                                                    companies_company_get_uuid (self->original),
                                                    mask,
                                                    (const char * const *) values,
                                                    &error);

  if (stored == NULL)
    {
      if (g_error_matches (error, COMPANIES_STORE_ERROR, COMPANIES_STORE_ERROR_NOT_FOUND))
        enter_deleted_mode (self);
      else
        show_banner (self, "dialog-error-symbolic", error->message, FALSE);
      goto out;
    }

  g_signal_emit (self, signals[SAVED], 0, stored);
  gtk_window_destroy (GTK_WINDOW (self));

out:
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (values[i]);
}

/* The window that owns the editor knows the server: it opens the
 * History (companies-window-history.c). */
static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CompaniesEditorWindow *self = COMPANIES_EDITOR_WINDOW (widget);

  if (self->original != NULL)
    g_signal_emit (self, signals[HISTORY_REQUESTED], 0, self->original);
}

static void
companies_editor_window_dispose (GObject *object)
{
  CompaniesEditorWindow *self = (CompaniesEditorWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_EDITOR_WINDOW);

  g_clear_object (&self->store);
  g_clear_object (&self->original);

  G_OBJECT_CLASS (companies_editor_window_parent_class)->dispose (object);
}

static void
companies_editor_window_finalize (GObject *object)
{
  CompaniesEditorWindow *self = (CompaniesEditorWindow *) object;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_free (self->errors[i]);

  G_OBJECT_CLASS (companies_editor_window_parent_class)->finalize (object);
}

static void
companies_editor_window_class_init (CompaniesEditorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_editor_window_dispose;
  object_class->finalize = companies_editor_window_finalize;

  signals[SAVING] =
    g_signal_new ("saving",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  COMPANIES_TYPE_COMPANY);

  signals[HISTORY_REQUESTED] =
    g_signal_new ("history-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  COMPANIES_TYPE_COMPANY);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/companies-editor-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, field_box);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);

  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.history", NULL, history_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
}

static void
companies_editor_window_init (CompaniesEditorWindow *self)
{
  g_autoptr(GtkSizeGroup) labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  GtkEventController *controller;
  GtkShortcut *shortcut;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The labels share one width, so the entries line up. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      GtkWidget *row = companies_field_row_new (i, labels);

      g_signal_connect_object (row, "changed", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->field_box, row);
      self->field_rows[i] = COMPANIES_FIELD_ROW (row);
    }

  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));

  /* Ctrl+Enter saves from any field, the notes included: handled before
   * the text view would take it as a new line. */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  shortcut = gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                            gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                               gtk_named_action_new ("editor.save"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

CompaniesEditorWindow *
companies_editor_window_new (GtkWindow           *parent,
                             CompaniesLocalStore *store,
                             CompaniesCompany    *company)
{
  CompaniesEditorWindow *self;
  CompaniesField focus = COMPANIES_FIELD_NAME;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (COMPANIES_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (company == NULL || COMPANIES_IS_COMPANY (company), NULL);

  self = g_object_new (COMPANIES_TYPE_EDITOR_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);

  if (company != NULL)
    self->original = companies_company_copy (company);
  /* only a company the server has has a history there */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.history",
                                 company != NULL && companies_company_get_id (company) > 0);

  gtk_window_set_title (GTK_WINDOW (self),
                        company != NULL ? _("Edit Company") : _("New Company"));

  self->loading = TRUE;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    companies_field_row_set_text (self->field_rows[i], company != NULL ? companies_company_get_field (company, i) : "");
  self->loading = FALSE;

  if (company != NULL &&
      companies_company_get_sync_state (company) == COMPANIES_SYNC_STATE_REJECTED)
    {
      const char *message = companies_company_get_rejection_message (company);
      const char *field_name = companies_company_get_rejection_field (company);
      g_autofree char *text = NULL;
      CompaniesField field;

      g_autofree char *escaped = g_markup_escape_text (message != NULL ? message : "", -1);

      text = g_strdup_printf ("<b>%s</b>\n%s\n%s",
                              _("The server refused this company"),
                              escaped,
                              _("Correct it and save to sync it again."));
      show_banner (self, "dialog-warning-symbolic", text, TRUE);

      if (field_name != NULL && companies_field_from_name (field_name, &field))
        {
          self->touched[field] = TRUE;
          focus = field;
        }
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    validate_field (self, i);
  update_save (self);

  /* The field to correct, or the name. */
  gtk_widget_grab_focus (companies_field_row_get_editable (self->field_rows[focus]));

  return self;
}

const char *
companies_editor_window_get_uuid (CompaniesEditorWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), NULL);

  return self->original != NULL ? companies_company_get_uuid (self->original) : NULL;
}

GtkWidget *
companies_editor_window_get_field_widget (CompaniesEditorWindow *self,
                                          CompaniesField         field)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), NULL);
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, NULL);

  return companies_field_row_get_editable (self->field_rows[field]);
}

const char *
companies_editor_window_get_field_message (CompaniesEditorWindow *self,
                                           CompaniesField         field)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), NULL);
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, NULL);

  return companies_field_row_get_message (self->field_rows[field]);
}

const char *
companies_editor_window_get_banner_text (CompaniesEditorWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->banner)))
    return NULL;

  return gtk_label_get_text (self->banner_label);
}
