/* companies-field-row.c: one field of a company in the editor: its
 * label, its entry (a text view in a frame for the notes, the only field
 * of several lines) and the message under it when its value is invalid.
 * The editor checks the value (companies_field_validate ()) and says
 * what to show; the row only shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-field-row"

#include "config.h"

#include "companies-field-row.h"

struct _CompaniesFieldRow
{
  GtkGrid            parent_instance;

  /* Template widgets */
  GtkLabel          *label;
  GtkEntry          *entry;
  GtkScrolledWindow *notes_window;
  GtkTextView       *notes_view;
  GtkLabel          *message;

  CompaniesField     field;
  GtkSizeGroup      *label_size_group;
};

G_DEFINE_FINAL_TYPE (CompaniesFieldRow, companies_field_row, GTK_TYPE_GRID)

enum {
  PROP_0,
  PROP_FIELD,
  PROP_LABEL_SIZE_GROUP,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GtkWidget *
companies_field_row_new (CompaniesField  field,
                         GtkSizeGroup   *label_size_group)
{
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, NULL);
  g_return_val_if_fail (label_size_group == NULL || GTK_IS_SIZE_GROUP (label_size_group), NULL);

  return g_object_new (COMPANIES_TYPE_FIELD_ROW,
                       "field", field,
                       "label-size-group", label_size_group,
                       NULL);
}

CompaniesField
companies_field_row_get_field (CompaniesFieldRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_FIELD_ROW (self), 0);

  return self->field;
}

GtkWidget *
companies_field_row_get_editable (CompaniesFieldRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_FIELD_ROW (self), NULL);

  if (self->field == COMPANIES_FIELD_NOTES)
    return GTK_WIDGET (self->notes_view);

  return GTK_WIDGET (self->entry);
}

char *
companies_field_row_dup_text (CompaniesFieldRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_FIELD_ROW (self), NULL);

  if (self->field == COMPANIES_FIELD_NOTES)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

void
companies_field_row_set_text (CompaniesFieldRow *self,
                              const char        *text)
{
  g_return_if_fail (COMPANIES_IS_FIELD_ROW (self));

  if (self->field == COMPANIES_FIELD_NOTES)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes_view), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
}

void
companies_field_row_set_message (CompaniesFieldRow *self,
                                 const char        *message)
{
  GtkWidget *editable;
  gboolean shown;

  g_return_if_fail (COMPANIES_IS_FIELD_ROW (self));

  editable = companies_field_row_get_editable (self);
  shown = message != NULL;

  gtk_label_set_text (self->message, shown ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), shown);

  if (shown)
    gtk_widget_add_css_class (editable, "error");
  else
    gtk_widget_remove_css_class (editable, "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (editable),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               shown ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

const char *
companies_field_row_get_message (CompaniesFieldRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_FIELD_ROW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message)))
    return NULL;

  return gtk_label_get_text (self->message);
}

static void
text_changed_cb (CompaniesFieldRow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
companies_field_row_constructed (GObject *object)
{
  CompaniesFieldRow *self = (CompaniesFieldRow *) object;
  GtkWidget *editable = companies_field_row_get_editable (self);

  G_OBJECT_CLASS (companies_field_row_parent_class)->constructed (object);

  gtk_label_set_text (self->label, companies_field_get_label (self->field));
  gtk_label_set_mnemonic_widget (self->label, editable);
  if (self->label_size_group != NULL)
    gtk_size_group_add_widget (self->label_size_group, GTK_WIDGET (self->label));

  if (self->field == COMPANIES_FIELD_NOTES)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->entry), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->notes_window), TRUE);
      gtk_widget_set_valign (GTK_WIDGET (self->label), GTK_ALIGN_START);
      gtk_widget_set_margin_top (GTK_WIDGET (self->label), 7);
      g_signal_connect_object (gtk_text_view_get_buffer (self->notes_view), "changed",
                               G_CALLBACK (text_changed_cb), self, G_CONNECT_SWAPPED);
    }
  else
    {
      switch (self->field)
        {
        case COMPANIES_FIELD_EMAIL:
          gtk_entry_set_input_purpose (self->entry, GTK_INPUT_PURPOSE_EMAIL);
          break;
        case COMPANIES_FIELD_PHONE:
          gtk_entry_set_input_purpose (self->entry, GTK_INPUT_PURPOSE_PHONE);
          break;
        case COMPANIES_FIELD_WEBSITE:
          gtk_entry_set_input_purpose (self->entry, GTK_INPUT_PURPOSE_URL);
          break;
        default:
          break;
        }

      g_signal_connect_object (self->entry, "changed",
                               G_CALLBACK (text_changed_cb), self, G_CONNECT_SWAPPED);
    }

  gtk_accessible_update_relation (GTK_ACCESSIBLE (editable),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->message, NULL,
                                  -1);
}

static void
companies_field_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CompaniesFieldRow *self = COMPANIES_FIELD_ROW (object);

  switch (prop_id)
    {
    case PROP_FIELD:
      g_value_set_uint (value, self->field);
      break;
    case PROP_LABEL_SIZE_GROUP:
      g_value_set_object (value, self->label_size_group);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_field_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CompaniesFieldRow *self = COMPANIES_FIELD_ROW (object);

  switch (prop_id)
    {
    case PROP_FIELD:
      self->field = g_value_get_uint (value);
      break;
    case PROP_LABEL_SIZE_GROUP:
      self->label_size_group = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_field_row_dispose (GObject *object)
{
  CompaniesFieldRow *self = (CompaniesFieldRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_FIELD_ROW);
  g_clear_object (&self->label_size_group);

  G_OBJECT_CLASS (companies_field_row_parent_class)->dispose (object);
}

static void
companies_field_row_class_init (CompaniesFieldRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = companies_field_row_constructed;
  object_class->dispose = companies_field_row_dispose;
  object_class->get_property = companies_field_row_get_property;
  object_class->set_property = companies_field_row_set_property;

  properties[PROP_FIELD] =
    g_param_spec_uint ("field", NULL, NULL,
                       0, COMPANIES_N_FIELDS - 1, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL_SIZE_GROUP] =
    g_param_spec_object ("label-size-group", NULL, NULL,
                         GTK_TYPE_SIZE_GROUP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-field-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesFieldRow, label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesFieldRow, entry);
  gtk_widget_class_bind_template_child (widget_class, CompaniesFieldRow, notes_window);
  gtk_widget_class_bind_template_child (widget_class, CompaniesFieldRow, notes_view);
  gtk_widget_class_bind_template_child (widget_class, CompaniesFieldRow, message);
}

static void
companies_field_row_init (CompaniesFieldRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
