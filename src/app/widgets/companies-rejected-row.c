/* companies-rejected-row.c: one company the server refused, its name
 * and the server's reason; the tooltip says it as the list's state icon
 * does (the pattern of gnome-calendar's gcal-alarm-row).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-rejected-row"

#include "config.h"

#include "companies-rejected-row.h"
#include "companies-sync-state-icon.h"

struct _CompaniesRejectedRow
{
  GtkListBoxRow     parent_instance;

  /* Template widgets */
  GtkLabel         *name_label;
  GtkLabel         *reason_label;

  CompaniesCompany *company;
};

G_DEFINE_FINAL_TYPE (CompaniesRejectedRow, companies_rejected_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_COMPANY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
companies_rejected_row_new (CompaniesCompany *company)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), NULL);

  return g_object_new (COMPANIES_TYPE_REJECTED_ROW,
                       "company", company,
                       NULL);
}

CompaniesCompany *
companies_rejected_row_get_company (CompaniesRejectedRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_REJECTED_ROW (self), NULL);

  return self->company;
}

static void
companies_rejected_row_constructed (GObject *object)
{
  CompaniesRejectedRow *self = (CompaniesRejectedRow *) object;
  g_autofree char *description = NULL;

  G_OBJECT_CLASS (companies_rejected_row_parent_class)->constructed (object);

  g_return_if_fail (self->company != NULL);

  description = companies_sync_state_describe (self->company);
  gtk_label_set_text (self->name_label, companies_company_get_name (self->company));
  gtk_label_set_text (self->reason_label, companies_company_get_rejection_message (self->company));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), description);
}

static void
companies_rejected_row_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CompaniesRejectedRow *self = COMPANIES_REJECTED_ROW (object);

  switch (prop_id)
    {
    case PROP_COMPANY:
      g_value_set_object (value, self->company);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_rejected_row_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CompaniesRejectedRow *self = COMPANIES_REJECTED_ROW (object);

  switch (prop_id)
    {
    case PROP_COMPANY:
      self->company = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_rejected_row_dispose (GObject *object)
{
  CompaniesRejectedRow *self = (CompaniesRejectedRow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_REJECTED_ROW);
  g_clear_object (&self->company);

  G_OBJECT_CLASS (companies_rejected_row_parent_class)->dispose (object);
}

static void
companies_rejected_row_class_init (CompaniesRejectedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = companies_rejected_row_constructed;
  object_class->dispose = companies_rejected_row_dispose;
  object_class->get_property = companies_rejected_row_get_property;
  object_class->set_property = companies_rejected_row_set_property;

  properties[PROP_COMPANY] =
    g_param_spec_object ("company", NULL, NULL,
                         COMPANIES_TYPE_COMPANY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-rejected-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesRejectedRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesRejectedRow, reason_label);
}

static void
companies_rejected_row_init (CompaniesRejectedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
