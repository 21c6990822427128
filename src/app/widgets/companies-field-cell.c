/* companies-field-cell.c: one field of a company in a cell of the list.
 *
 * A GtkLabel per cell cost most of a search keystroke: GTK 4.8's list
 * view keeps 200 rows, rebuilt whenever the rows it shows change, and
 * each label lays its text out with Pango to say how big it is. This
 * cell knows its size without a layout (one line of the font's height;
 * a width from the number of characters, within bounds, as a label with
 * width-chars and max-width-chars asks), and lays its text out only when
 * it is drawn.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-field-cell"

#include "config.h"

#include "companies-field-cell.h"

struct _CompaniesFieldCell
{
  GtkWidget         parent_instance;

  CompaniesField    field;
  int               min_chars;
  int               max_chars;
  char             *notify_signal;   /* "notify::<property of field>" */

  CompaniesCompany *company;
  gulong            notify_id;
  char             *text;
  int               n_chars;
  PangoLayout      *layout;          /* made when drawn */
};

G_DEFINE_FINAL_TYPE (CompaniesFieldCell, companies_field_cell, GTK_TYPE_WIDGET)

/* The font's line height and character width, the same for every cell
 * of a font: asked of Pango once a font, not once a cell. */
typedef struct
{
  PangoFontDescription *font;
  int                   height;
  int                   char_width;   /* in Pango units */
} FontSize;

static FontSize font_size;

static const FontSize *
get_font_size (CompaniesFieldCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (context);
  PangoFontMetrics *metrics;

  if (font_size.font != NULL && font != NULL && pango_font_description_equal (font_size.font, font))
    return &font_size;

  metrics = pango_context_get_metrics (context, font, pango_context_get_language (context));
  g_clear_pointer (&font_size.font, pango_font_description_free);
  font_size.font = font != NULL ? pango_font_description_copy (font) : NULL;
  /* The height of a line as Pango lays it out (what a label asks for). */
  font_size.height = PANGO_PIXELS_CEIL (MAX (pango_font_metrics_get_height (metrics),
                                             pango_font_metrics_get_ascent (metrics) +
                                             pango_font_metrics_get_descent (metrics)));
  /* As GtkLabel counts width-chars. */
  font_size.char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                              pango_font_metrics_get_approximate_digit_width (metrics));
  pango_font_metrics_unref (metrics);

  return &font_size;
}

static void
set_text (CompaniesFieldCell *self,
          const char         *text)
{
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  self->n_chars = text != NULL ? (int) g_utf8_strlen (text, -1) : 0;
  g_clear_object (&self->layout);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->text != NULL ? self->text : "",
                                  -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
company_notify_cb (CompaniesFieldCell *self)
{
  set_text (self, companies_company_get_field (self->company, self->field));
}

static void
companies_field_cell_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) widget;
  const FontSize *size = get_font_size (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Not by the text: the columns keep their widths while a search
       * changes the rows shown. */
      *minimum = PANGO_PIXELS_CEIL (size->char_width * self->min_chars);
      *natural = PANGO_PIXELS_CEIL (size->char_width * self->max_chars);
    }
  else
    {
      *minimum = *natural = size->height;
    }
}

static void
companies_field_cell_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) widget;

  if (self->layout != NULL)
    pango_layout_set_width (self->layout, width * PANGO_SCALE);
}

static void
companies_field_cell_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) widget;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  int text_height;

  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;

  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (widget, self->text);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      pango_layout_set_width (self->layout, width * PANGO_SCALE);
    }

  /* Start-aligned, as the labels were: right in a right-to-left locale. */
  pango_layout_set_alignment (self->layout,
                              gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL
                                ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  pango_layout_get_pixel_size (self->layout, NULL, &text_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, (height - text_height) / 2));
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* An ellipsized value shows whole in a tooltip. */
static gboolean
companies_field_cell_query_tooltip (GtkWidget  *widget,
                                    int         x,
                                    int         y,
                                    gboolean    keyboard_mode,
                                    GtkTooltip *tooltip)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) widget;

  if (self->layout == NULL || !pango_layout_is_ellipsized (self->layout))
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->text);
  return TRUE;
}

static void
companies_field_cell_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) widget;

  GTK_WIDGET_CLASS (companies_field_cell_parent_class)->css_changed (widget, change);

  /* The font may have changed: lay out again when drawn. */
  g_clear_object (&self->layout);
}

static void
companies_field_cell_direction_changed (GtkWidget        *widget,
                                        GtkTextDirection  previous_direction)
{
  gtk_widget_queue_draw (widget);
}

static void
companies_field_cell_dispose (GObject *object)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) object;

  companies_field_cell_bind (self, NULL);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (companies_field_cell_parent_class)->dispose (object);
}

static void
companies_field_cell_finalize (GObject *object)
{
  CompaniesFieldCell *self = (CompaniesFieldCell *) object;

  g_free (self->text);
  g_free (self->notify_signal);

  G_OBJECT_CLASS (companies_field_cell_parent_class)->finalize (object);
}

static void
companies_field_cell_class_init (CompaniesFieldCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_field_cell_dispose;
  object_class->finalize = companies_field_cell_finalize;

  widget_class->measure = companies_field_cell_measure;
  widget_class->size_allocate = companies_field_cell_size_allocate;
  widget_class->snapshot = companies_field_cell_snapshot;
  widget_class->css_changed = companies_field_cell_css_changed;
  widget_class->query_tooltip = companies_field_cell_query_tooltip;
  widget_class->direction_changed = companies_field_cell_direction_changed;

  /* Styled as the label it stands for. */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
companies_field_cell_init (CompaniesFieldCell *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
companies_field_cell_new (CompaniesField field,
                          int            min_chars,
                          int            max_chars)
{
  CompaniesFieldCell *self;
  g_autofree char *property = NULL;

  g_return_val_if_fail (field < COMPANIES_N_FIELDS, NULL);

  self = g_object_new (COMPANIES_TYPE_FIELD_CELL, NULL);
  self->field = field;
  self->min_chars = min_chars;
  self->max_chars = MAX (min_chars, max_chars);

  /* The property of a field is its wire name with dashes. */
  property = g_strdelimit (g_strdup (companies_field_get_name (field)), "_", '-');
  self->notify_signal = g_strconcat ("notify::", property, NULL);

  return GTK_WIDGET (self);
}

void
companies_field_cell_bind (CompaniesFieldCell *self,
                           CompaniesCompany   *company)
{
  g_return_if_fail (COMPANIES_IS_FIELD_CELL (self));
  g_return_if_fail (company == NULL || COMPANIES_IS_COMPANY (company));

  if (self->company == company)
    return;

  if (self->company != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->company);
      g_clear_object (&self->company);
    }

  if (company != NULL)
    {
      self->company = g_object_ref (company);
      self->notify_id = g_signal_connect_swapped (company, self->notify_signal,
                                                  G_CALLBACK (company_notify_cb), self);
    }

  set_text (self, company != NULL ? companies_company_get_field (company, self->field) : NULL);
}

const char *
companies_field_cell_get_text (CompaniesFieldCell *self)
{
  g_return_val_if_fail (COMPANIES_IS_FIELD_CELL (self), NULL);

  return self->text;
}

CompaniesCompany *
companies_field_cell_get_company (CompaniesFieldCell *self)
{
  g_return_val_if_fail (COMPANIES_IS_FIELD_CELL (self), NULL);

  return self->company;
}
