/* companies-rejected-popover.c: the list of the companies the server
 * refused (a CompaniesRejectedRow each), filled each time it shows:
 * refusals are few, and a list kept in step with 100,000 rows would cost
 * every refresh.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-rejected-popover"

#include "config.h"

#include "companies-rejected-popover.h"
#include "companies-rejected-row.h"

struct _CompaniesRejectedPopover
{
  GtkPopover  parent_instance;

  /* Template widgets */
  GtkListBox *rejected_list;

  GListModel *companies;
};

G_DEFINE_FINAL_TYPE (CompaniesRejectedPopover, companies_rejected_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_COMPANIES,
  N_PROPS
};

enum {
  COMPANY_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GListModel *
companies_rejected_popover_get_companies (CompaniesRejectedPopover *self)
{
  g_return_val_if_fail (COMPANIES_IS_REJECTED_POPOVER (self), NULL);

  return self->companies;
}

void
companies_rejected_popover_set_companies (CompaniesRejectedPopover *self,
                                          GListModel               *companies)
{
  g_return_if_fail (COMPANIES_IS_REJECTED_POPOVER (self));
  g_return_if_fail (companies == NULL || G_IS_LIST_MODEL (companies));

  if (g_set_object (&self->companies, companies))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPANIES]);
}

static void
popover_show_cb (CompaniesRejectedPopover *self)
{
  guint n_items = self->companies != NULL ? g_list_model_get_n_items (self->companies) : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rejected_list))) != NULL)
    gtk_list_box_remove (self->rejected_list, child);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CompaniesCompany) company = g_list_model_get_item (self->companies, i);

      if (companies_company_get_sync_state (company) == COMPANIES_SYNC_STATE_REJECTED)
        gtk_list_box_append (self->rejected_list, companies_rejected_row_new (company));
    }
}

static void
row_activated_cb (CompaniesRejectedPopover *self,
                  GtkListBoxRow            *row,
                  GtkListBox               *list)
{
  CompaniesCompany *company = companies_rejected_row_get_company (COMPANIES_REJECTED_ROW (row));

  gtk_popover_popdown (GTK_POPOVER (self));

  if (company != NULL)
    g_signal_emit (self, signals[COMPANY_ACTIVATED], 0, company);
}

static void
companies_rejected_popover_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  CompaniesRejectedPopover *self = COMPANIES_REJECTED_POPOVER (object);

  switch (prop_id)
    {
    case PROP_COMPANIES:
      g_value_set_object (value, self->companies);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_rejected_popover_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  CompaniesRejectedPopover *self = COMPANIES_REJECTED_POPOVER (object);

  switch (prop_id)
    {
    case PROP_COMPANIES:
      companies_rejected_popover_set_companies (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_rejected_popover_dispose (GObject *object)
{
  CompaniesRejectedPopover *self = (CompaniesRejectedPopover *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_REJECTED_POPOVER);
  g_clear_object (&self->companies);

  G_OBJECT_CLASS (companies_rejected_popover_parent_class)->dispose (object);
}

static void
companies_rejected_popover_class_init (CompaniesRejectedPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_rejected_popover_dispose;
  object_class->get_property = companies_rejected_popover_get_property;
  object_class->set_property = companies_rejected_popover_set_property;

  properties[PROP_COMPANIES] =
    g_param_spec_object ("companies", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[COMPANY_ACTIVATED] =
    g_signal_new ("company-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  COMPANIES_TYPE_COMPANY);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-rejected-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesRejectedPopover, rejected_list);
  gtk_widget_class_bind_template_callback (widget_class, popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
companies_rejected_popover_init (CompaniesRejectedPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
