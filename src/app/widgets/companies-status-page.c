/* companies-status-page.c: a page that says why the list is not shown,
 * in the manner of libadwaita's AdwStatusPage (which GTK 4.8 lacks): a
 * large dimmed icon, a title, a description, then whatever the .ui adds
 * (the empty page's Add button), in a centred column.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-status-page"

#include "config.h"

#include "companies-status-page.h"

struct _CompaniesStatusPage
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkImage  *image;
  GtkLabel  *title;
  GtkLabel  *description;
};

G_DEFINE_FINAL_TYPE (CompaniesStatusPage, companies_status_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ICON_NAME,
  PROP_TITLE,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
companies_status_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CompaniesStatusPage *self = COMPANIES_STATUS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ICON_NAME:
      g_value_set_string (value, gtk_image_get_icon_name (self->image));
      break;
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (self->title));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, gtk_label_get_label (self->description));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_status_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CompaniesStatusPage *self = COMPANIES_STATUS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ICON_NAME:
      gtk_image_set_from_icon_name (self->image, g_value_get_string (value));
      break;
    case PROP_TITLE:
      gtk_label_set_label (self->title, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      gtk_label_set_label (self->description, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  g_object_notify_by_pspec (object, pspec);
}

static void
companies_status_page_dispose (GObject *object)
{
  GtkWidget *self = GTK_WIDGET (object);
  GtkWidget *child;

  gtk_widget_dispose_template (self, COMPANIES_TYPE_STATUS_PAGE);

  /* The widgets the .ui added below the description. */
  while ((child = gtk_widget_get_first_child (self)) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (companies_status_page_parent_class)->dispose (object);
}

static void
companies_status_page_class_init (CompaniesStatusPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_status_page_dispose;
  object_class->get_property = companies_status_page_get_property;
  object_class->set_property = companies_status_page_set_property;

  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-status-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesStatusPage, image);
  gtk_widget_class_bind_template_child (widget_class, CompaniesStatusPage, title);
  gtk_widget_class_bind_template_child_internal (widget_class, CompaniesStatusPage, description);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
companies_status_page_init (CompaniesStatusPage *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  gtk_widget_init_template (GTK_WIDGET (self));
}
