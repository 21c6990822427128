/* companies-company-row.c: a company in two lines, name, then city and
 * phone: the row of the list that stands for the table at narrow widths
 * (see update_layout () in companies-window-layout.c). The labels follow
 * the company's properties, so a row refreshed in place redraws itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-row"

#include "config.h"

#include "companies-company-row.h"

struct _CompaniesCompanyRow
{
  GtkWidget         parent_instance;

  /* Template widgets */
  GtkWidget        *box;
  GtkLabel         *name_label;
  GtkLabel         *city_label;
  GtkLabel         *phone_label;

  CompaniesCompany *company;
  GBinding         *bindings[3];
};

G_DEFINE_FINAL_TYPE (CompaniesCompanyRow, companies_company_row, GTK_TYPE_WIDGET)

void
companies_company_row_set_company (CompaniesCompanyRow *self,
                                   CompaniesCompany    *company)
{
  GtkLabel *labels[] = { self->name_label, self->city_label, self->phone_label };
  static const char * const properties[] = { "name", "city", "phone" };

  g_return_if_fail (COMPANIES_IS_COMPANY_ROW (self));
  g_return_if_fail (company == NULL || COMPANIES_IS_COMPANY (company));

  for (guint i = 0; i < G_N_ELEMENTS (self->bindings); i++)
    g_clear_pointer (&self->bindings[i], g_binding_unbind);

  g_set_object (&self->company, company);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (company != NULL)
        self->bindings[i] = g_object_bind_property (company, properties[i],
                                                    labels[i], "label",
                                                    G_BINDING_SYNC_CREATE);
      else
        gtk_label_set_label (labels[i], "");
    }
}

CompaniesCompany *
companies_company_row_get_company (CompaniesCompanyRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_ROW (self), NULL);

  return self->company;
}

static void
companies_company_row_dispose (GObject *object)
{
  CompaniesCompanyRow *self = (CompaniesCompanyRow *) object;

  companies_company_row_set_company (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_COMPANY_ROW);

  G_OBJECT_CLASS (companies_company_row_parent_class)->dispose (object);
}

static void
companies_company_row_class_init (CompaniesCompanyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_company_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-company-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesCompanyRow, box);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCompanyRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCompanyRow, city_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesCompanyRow, phone_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
companies_company_row_init (CompaniesCompanyRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
companies_company_row_new (void)
{
  return g_object_new (COMPANIES_TYPE_COMPANY_ROW, NULL);
}
