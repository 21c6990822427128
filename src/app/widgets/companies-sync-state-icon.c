/* companies-sync-state-icon.c: a row's sync state in the companies list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-sync-state-icon"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-sync-state-icon.h"

struct _CompaniesSyncStateIcon
{
  GtkWidget         parent_instance;

  GtkImage         *image;
  CompaniesCompany *company;
  gulong            notify_ids[2];
  /* What is shown, to skip the work when a row is bound again to a
   * company in the same state (most rows are synced). */
  int               shown_state;
  char             *shown_description;
};

G_DEFINE_FINAL_TYPE (CompaniesSyncStateIcon, companies_sync_state_icon, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COMPANY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
companies_sync_state_get_icon_name (CompaniesSyncState state)
{
  switch (state)
    {
    case COMPANIES_SYNC_STATE_PENDING_ADD:
      return "document-new-symbolic";
    case COMPANIES_SYNC_STATE_PENDING_CHANGE:
      return "document-edit-symbolic";
    case COMPANIES_SYNC_STATE_PENDING_DELETE:
      return "edit-delete-symbolic";
    case COMPANIES_SYNC_STATE_REJECTED:
      return "dialog-warning-symbolic";
    case COMPANIES_SYNC_STATE_SYNCED:
    default:
      return NULL;
    }
}

char *
companies_sync_state_describe (CompaniesCompany *company)
{
  const char *message;

  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), NULL);

  switch (companies_company_get_sync_state (company))
    {
    case COMPANIES_SYNC_STATE_PENDING_ADD:
      return g_strdup (_("New: waiting to sync"));
    case COMPANIES_SYNC_STATE_PENDING_CHANGE:
      return g_strdup (_("Changed: waiting to sync"));
    case COMPANIES_SYNC_STATE_PENDING_DELETE:
      return g_strdup (_("Deleted: waiting to sync"));
    case COMPANIES_SYNC_STATE_REJECTED:
      message = companies_company_get_rejection_message (company);
      if (message == NULL || *message == '\0')
        return g_strdup (_("The server refused this company"));
      /* Translators: %s is the server's reason, e.g. "city is too long". */
      return g_strdup_printf (_("The server refused this company: %s"), message);
    case COMPANIES_SYNC_STATE_SYNCED:
    default:
      return g_strdup (_("Synced"));
    }
}

static void
update (CompaniesSyncStateIcon *self)
{
  CompaniesSyncState state = COMPANIES_SYNC_STATE_SYNCED;
  g_autofree char *description = NULL;

  if (self->company != NULL)
    state = companies_company_get_sync_state (self->company);

  if ((int) state != self->shown_state)
    {
      const char *icon_name = companies_sync_state_get_icon_name (state);

      self->shown_state = (int) state;
      gtk_image_set_from_icon_name (self->image, icon_name);
      gtk_widget_set_visible (GTK_WIDGET (self->image), icon_name != NULL);

      if (state == COMPANIES_SYNC_STATE_REJECTED)
        gtk_widget_add_css_class (GTK_WIDGET (self->image), "warning");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->image), "warning");
    }

  if (self->company == NULL)
    return;

  description = companies_sync_state_describe (self->company);
  if (g_strcmp0 (description, self->shown_description) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                      -1);
      g_free (self->shown_description);
      self->shown_description = g_steal_pointer (&description);
    }
}

/* The sentence is made when the pointer rests on the icon: setting a
 * tooltip on every row as the list scrolls or refreshes would make GTK
 * ask the display server where the pointer is, each time. */
static gboolean
companies_sync_state_icon_query_tooltip (GtkWidget  *widget,
                                         int         x,
                                         int         y,
                                         gboolean    keyboard_mode,
                                         GtkTooltip *tooltip)
{
  CompaniesSyncStateIcon *self = (CompaniesSyncStateIcon *) widget;
  g_autofree char *description = NULL;

  if (self->company == NULL ||
      companies_company_get_sync_state (self->company) == COMPANIES_SYNC_STATE_SYNCED)
    return FALSE;

  description = companies_sync_state_describe (self->company);
  gtk_tooltip_set_text (tooltip, description);

  return TRUE;
}

static void
company_notify_cb (CompaniesSyncStateIcon *self,
                   GParamSpec             *pspec,
                   CompaniesCompany       *company)
{
  update (self);
}

static void
companies_sync_state_icon_dispose (GObject *object)
{
  CompaniesSyncStateIcon *self = (CompaniesSyncStateIcon *) object;

  companies_sync_state_icon_set_company (self, NULL);
  if (self->image != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->image));
      self->image = NULL;
    }

  G_OBJECT_CLASS (companies_sync_state_icon_parent_class)->dispose (object);
}

static void
companies_sync_state_icon_finalize (GObject *object)
{
  CompaniesSyncStateIcon *self = (CompaniesSyncStateIcon *) object;

  g_free (self->shown_description);

  G_OBJECT_CLASS (companies_sync_state_icon_parent_class)->finalize (object);
}

static void
companies_sync_state_icon_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  CompaniesSyncStateIcon *self = COMPANIES_SYNC_STATE_ICON (object);

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
companies_sync_state_icon_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  CompaniesSyncStateIcon *self = COMPANIES_SYNC_STATE_ICON (object);

  switch (prop_id)
    {
    case PROP_COMPANY:
      companies_sync_state_icon_set_company (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_state_icon_class_init (CompaniesSyncStateIconClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_sync_state_icon_dispose;
  object_class->finalize = companies_sync_state_icon_finalize;
  object_class->get_property = companies_sync_state_icon_get_property;
  object_class->set_property = companies_sync_state_icon_set_property;

  properties[PROP_COMPANY] =
    g_param_spec_object ("company", NULL, NULL,
                         COMPANIES_TYPE_COMPANY,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->query_tooltip = companies_sync_state_icon_query_tooltip;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sync-state");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
companies_sync_state_icon_init (CompaniesSyncStateIcon *self)
{
  self->image = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_halign (GTK_WIDGET (self->image), GTK_ALIGN_CENTER);
  gtk_widget_set_parent (GTK_WIDGET (self->image), GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  self->shown_state = -1;
  update (self);
}

GtkWidget *
companies_sync_state_icon_new (void)
{
  return g_object_new (COMPANIES_TYPE_SYNC_STATE_ICON, NULL);
}

CompaniesCompany *
companies_sync_state_icon_get_company (CompaniesSyncStateIcon *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_STATE_ICON (self), NULL);

  return self->company;
}

void
companies_sync_state_icon_set_company (CompaniesSyncStateIcon *self,
                                       CompaniesCompany       *company)
{
  g_return_if_fail (COMPANIES_IS_SYNC_STATE_ICON (self));
  g_return_if_fail (company == NULL || COMPANIES_IS_COMPANY (company));

  if (self->company == company)
    return;

  /* Plain handlers, disconnected here and at dispose: cheaper than
   * g_signal_connect_object ()'s weak references, bound and unbound for
   * every row a scroll or a search brings. */
  if (self->company != NULL)
    {
      g_clear_signal_handler (&self->notify_ids[0], self->company);
      g_clear_signal_handler (&self->notify_ids[1], self->company);
      g_clear_object (&self->company);
    }

  if (company != NULL)
    {
      self->company = g_object_ref (company);
      self->notify_ids[0] = g_signal_connect_swapped (company, "notify::sync-state",
                                                      G_CALLBACK (company_notify_cb), self);
      /* The reason can change while the state stays "rejected". */
      self->notify_ids[1] = g_signal_connect_swapped (company, "notify::rejection-message",
                                                      G_CALLBACK (company_notify_cb), self);
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPANY]);
}
