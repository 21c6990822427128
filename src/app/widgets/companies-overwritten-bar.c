/* companies-overwritten-bar.c: the notice of values overwritten by our
 * pushes (last write wins, see docs/protocol.md): "Phone of Acme: your
 * change replaced a newer value from elsewhere, “+351 22 111 1111”.",
 * newest first, with how many more wait (the pattern of
 * gnome-text-editor's editor-info-bar). GtkInfoBar cannot be derived
 * from: this widget holds one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-overwritten-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-overwritten-bar.h"

struct _CompaniesOverwrittenBar
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkInfoBar          *overwritten_bar;
  GtkLabel            *overwritten_label;

  CompaniesLocalStore *store;
  /* CompaniesOverwrittenNotice, newest first */
  GPtrArray           *notices;
};

G_DEFINE_FINAL_TYPE (CompaniesOverwrittenBar, companies_overwritten_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_NOTICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CompaniesOverwrittenNotice *
companies_overwritten_bar_get_notice (CompaniesOverwrittenBar *self)
{
  g_return_val_if_fail (COMPANIES_IS_OVERWRITTEN_BAR (self), NULL);

  if (self->notices == NULL || self->notices->len == 0)
    return NULL;

  return g_ptr_array_index (self->notices, 0);
}

static char *
format_notice (CompaniesOverwrittenNotice *notice,
               guint                       n_more)
{
  g_autofree char *company = g_markup_escape_text (notice->company_name != NULL ? notice->company_name : "", -1);
  g_autofree char *field = g_markup_escape_text (companies_field_get_label (notice->field), -1);
  g_autofree char *value = g_markup_escape_text (notice->value != NULL ? notice->value : "", -1);
  g_autofree char *markup = NULL;
  g_autofree char *more = NULL;

  if (notice->value == NULL || *notice->value == '\0')
    /* Translators: "Phone of Acme: your change replaced a newer, empty
     * value from elsewhere." */
    markup = g_strdup_printf (_("<b>%s</b> of <b>%s</b>: your change replaced a newer, empty value from elsewhere."),
                              field, company);
  else
    /* Translators: "Phone of Acme: your change replaced a newer value from
     * elsewhere, “+351 22 111 1111”." */
    markup = g_strdup_printf (_("<b>%s</b> of <b>%s</b>: your change replaced a newer value from elsewhere, “%s”."),
                              field, company, value);

  if (n_more == 0)
    return g_steal_pointer (&markup);

  more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u more after this one.",
                                       "%u more after this one.",
                                       n_more),
                          n_more);
  return g_strconcat (markup, " ", more, NULL);
}

void
companies_overwritten_bar_reload (CompaniesOverwrittenBar *self)
{
  g_autoptr(GPtrArray) notices = NULL;
  g_autoptr(GError) error = NULL;
  CompaniesOverwrittenNotice *notice;

  g_return_if_fail (COMPANIES_IS_OVERWRITTEN_BAR (self));

  if (self->store == NULL)
    return;

  notices = companies_local_store_list_overwritten (self->store, &error);
  if (notices == NULL)
    g_debug ("Could not read the overwritten values: %s", error->message);

  g_clear_pointer (&self->notices, g_ptr_array_unref);
  self->notices = g_steal_pointer (&notices);

  notice = companies_overwritten_bar_get_notice (self);
  if (notice != NULL)
    {
      g_autofree char *markup = format_notice (notice, self->notices->len - 1);

      gtk_label_set_markup (self->overwritten_label, markup);
    }
  gtk_info_bar_set_revealed (self->overwritten_bar, notice != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

static void
companies_overwritten_bar_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  CompaniesOverwrittenBar *self = COMPANIES_OVERWRITTEN_BAR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_NOTICE:
      g_value_set_pointer (value, companies_overwritten_bar_get_notice (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_overwritten_bar_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  CompaniesOverwrittenBar *self = COMPANIES_OVERWRITTEN_BAR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_set_object (&self->store, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_overwritten_bar_dispose (GObject *object)
{
  CompaniesOverwrittenBar *self = (CompaniesOverwrittenBar *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_OVERWRITTEN_BAR);
  g_clear_pointer (&self->notices, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (companies_overwritten_bar_parent_class)->dispose (object);
}

static void
companies_overwritten_bar_class_init (CompaniesOverwrittenBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_overwritten_bar_dispose;
  object_class->get_property = companies_overwritten_bar_get_property;
  object_class->set_property = companies_overwritten_bar_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         COMPANIES_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTICE] =
    g_param_spec_pointer ("notice", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-overwritten-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesOverwrittenBar, overwritten_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesOverwrittenBar, overwritten_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
companies_overwritten_bar_init (CompaniesOverwrittenBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
