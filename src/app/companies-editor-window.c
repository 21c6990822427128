/* companies-editor-window.c: the window that adds or edits one company.
 *
 * A grid with a labelled entry for every field of protocol.md section 1
 * (the notes in a text view), each checked as it is typed with the same
 * rules as the server (companies_field_validate ()); the message shows
 * under the field once the person has touched it, and Save stays
 * disabled while any field is invalid. Save writes through the store's
 * ForSync actions: a new company, or only the fields that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-editor-window"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-editor-window.h"

struct _CompaniesEditorWindow
{
  GtkWindow            parent_instance;

  /* Template widgets */
  GtkButton           *save_button;
  GtkBox              *banner;
  GtkImage            *banner_icon;
  GtkLabel            *banner_label;
  GtkGrid             *grid;

  GtkWidget           *field_widgets[COMPANIES_N_FIELDS];
  GtkLabel            *field_messages[COMPANIES_N_FIELDS];
  char                *errors[COMPANIES_N_FIELDS];
  gboolean             touched[COMPANIES_N_FIELDS];

  CompaniesLocalStore *store;
  CompaniesCompany    *original;   /* a copy; NULL for a new company */
  guint                loading : 1;
};

G_DEFINE_FINAL_TYPE (CompaniesEditorWindow, companies_editor_window, GTK_TYPE_WINDOW)

enum {
  SAVING,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
get_field_text (CompaniesEditorWindow *self,
                CompaniesField         field)
{
  GtkWidget *widget = self->field_widgets[field];

  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
}

static void
set_field_text (CompaniesEditorWindow *self,
                CompaniesField         field,
                const char            *text)
{
  GtkWidget *widget = self->field_widgets[field];

  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
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
  gtk_label_set_text (self->field_messages[field], shown ? self->errors[field] : "");
  gtk_widget_set_visible (GTK_WIDGET (self->field_messages[field]), shown);

  if (shown)
    gtk_widget_add_css_class (self->field_widgets[field], "error");
  else
    gtk_widget_remove_css_class (self->field_widgets[field], "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (self->field_widgets[field]),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               shown ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);

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
                  gpointer               object)
{
  CompaniesField field = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (object), "field"));

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

  mask = get_changed_mask (self, values);

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

  if (self->original == NULL)
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
        show_banner (self, "dialog-error-symbolic",
                     _("This company was deleted meanwhile: it cannot be saved."), FALSE);
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

static void
add_field (CompaniesEditorWindow *self,
           CompaniesField         field,
           int                    row)
{
  GtkWidget *label, *widget, *message, *attach;

  label = gtk_label_new (companies_field_get_label (field));
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");

  if (field == COMPANIES_FIELD_NOTES)
    {
      GtkTextBuffer *buffer;

      widget = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (widget), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (widget), FALSE);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (widget), 6);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (widget), 6);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (widget), 8);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (widget), 8);
      buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      g_object_set_data (G_OBJECT (buffer), "field", GUINT_TO_POINTER (field));
      g_signal_connect_object (buffer, "changed", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);

      attach = gtk_scrolled_window_new ();
      gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (attach), TRUE);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (attach), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (attach), 120);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (attach), widget);
      gtk_widget_set_vexpand (attach, TRUE);
      gtk_widget_set_valign (label, GTK_ALIGN_START);
      gtk_widget_set_margin_top (label, 7);
    }
  else
    {
      widget = gtk_entry_new ();
      gtk_entry_set_activates_default (GTK_ENTRY (widget), TRUE);
      gtk_editable_set_width_chars (GTK_EDITABLE (widget), 30);

      switch (field)
        {
        case COMPANIES_FIELD_EMAIL:
          gtk_entry_set_input_purpose (GTK_ENTRY (widget), GTK_INPUT_PURPOSE_EMAIL);
          break;
        case COMPANIES_FIELD_PHONE:
          gtk_entry_set_input_purpose (GTK_ENTRY (widget), GTK_INPUT_PURPOSE_PHONE);
          break;
        case COMPANIES_FIELD_WEBSITE:
          gtk_entry_set_input_purpose (GTK_ENTRY (widget), GTK_INPUT_PURPOSE_URL);
          break;
        default:
          break;
        }

      g_object_set_data (G_OBJECT (widget), "field", GUINT_TO_POINTER (field));
      g_signal_connect_object (widget, "changed", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
      attach = widget;
    }

  gtk_widget_set_hexpand (attach, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);

  message = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_bottom (message, 6);
  gtk_widget_add_css_class (message, "error");
  gtk_widget_add_css_class (message, "caption");
  gtk_widget_set_visible (message, FALSE);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, message, NULL,
                                  -1);

  gtk_grid_attach (self->grid, label, 0, row, 1, 1);
  gtk_grid_attach (self->grid, attach, 1, row, 1, 1);
  gtk_grid_attach (self->grid, message, 1, row + 1, 1, 1);

  self->field_widgets[field] = widget;
  self->field_messages[field] = GTK_LABEL (message);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/companies-editor-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesEditorWindow, grid);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
companies_editor_window_init (CompaniesEditorWindow *self)
{
  GtkEventController *controller;
  GtkShortcut *shortcut;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    add_field (self, i, 2 * i);

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

  gtk_window_set_title (GTK_WINDOW (self),
                        company != NULL ? _("Edit Company") : _("New Company"));

  self->loading = TRUE;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    set_field_text (self, i, company != NULL ? companies_company_get_field (company, i) : "");
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
  gtk_widget_grab_focus (self->field_widgets[focus]);

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

  return self->field_widgets[field];
}

const char *
companies_editor_window_get_field_message (CompaniesEditorWindow *self,
                                           CompaniesField         field)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), NULL);
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->field_messages[field])))
    return NULL;

  return gtk_label_get_text (self->field_messages[field]);
}

const char *
companies_editor_window_get_banner_text (CompaniesEditorWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_EDITOR_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->banner)))
    return NULL;

  return gtk_label_get_text (self->banner_label);
}
