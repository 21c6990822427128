/* companies-notice-bar.c: the notices a sync left (docs/notices.md),
 * newest first: a value our push replaced without having seen it, or a
 * company deleted elsewhere while edited here. Each says which value is
 * current, which was lost, who wrote each and when, and what Restore
 * does; with how many more wait and how many the bound dropped (the
 * pattern of gnome-text-editor's editor-info-bar). GtkInfoBar cannot be
 * derived from: this widget holds one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-notice-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "companies-notice-bar.h"

struct _CompaniesNoticeBar
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkInfoBar          *notice_info_bar;
  GtkLabel            *notice_label;
  GtkButton           *restore_button;
  GtkButton           *dismiss_button;

  CompaniesLocalStore *store;
  CompaniesNotice     *notice;   /* the newest, shown; NULL for none */
  gint64               count;
  gint64               dropped;
};

G_DEFINE_FINAL_TYPE (CompaniesNoticeBar, companies_notice_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_NOTICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CompaniesNotice *
companies_notice_bar_get_notice (CompaniesNoticeBar *self)
{
  g_return_val_if_fail (COMPANIES_IS_NOTICE_BAR (self), NULL);

  return self->notice;
}

static char *
format_notice (CompaniesNotice *notice,
               guint            n_more,
               gint64           dropped)
{
  g_autofree char *title = companies_notice_dup_title (notice);
  g_autofree char *details = companies_notice_dup_details (notice);
  g_autofree char *restore = companies_notice_dup_restore_text (notice);
  g_autofree char *dropped_text = companies_notice_dup_dropped_text (dropped);
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_details = g_markup_escape_text (details, -1);
  g_autofree char *escaped_restore = g_markup_escape_text (restore, -1);

  g_string_append_printf (markup, "<b>%s</b>\n%s\n%s", escaped_title, escaped_details, escaped_restore);

  if (n_more > 0)
    {
      g_string_append_c (markup, '\n');
      g_string_append_printf (markup,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u more after this one.",
                                           "%u more after this one.",
                                           n_more),
                              n_more);
    }
  if (dropped_text != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (dropped_text, -1);

      g_string_append_printf (markup, n_more > 0 ? " %s" : "\n%s", escaped);
    }

  return g_string_free (g_steal_pointer (&markup), FALSE);
}

void
companies_notice_bar_reload (CompaniesNoticeBar *self)
{
  g_autoptr(GError) error = NULL;
  CompaniesNotice *notice;

  g_return_if_fail (COMPANIES_IS_NOTICE_BAR (self));

  if (self->store == NULL)
    return;

  /* At every change of the store: the newest notice only. */
  g_clear_pointer (&self->notice, companies_notice_free);
  if (!companies_local_store_get_newest_notice (self->store, &self->notice, &self->count,
                                                &self->dropped, &error))
    g_debug ("Could not read the notices: %s", error->message);

  notice = self->notice;
  if (notice != NULL)
    {
      guint n_more = (guint) CLAMP (self->count - 1, 0, G_MAXINT);
      g_autofree char *markup = format_notice (notice, n_more, self->dropped);
      gboolean deleted = notice->kind == COMPANIES_NOTICE_DELETED;

      gtk_label_set_markup (self->notice_label, markup);
      gtk_button_set_label (self->restore_button,
                            deleted ? C_("restore a deleted company", "Restore as _New")
                                    : C_("restore an overwritten value", "_Restore"));
      gtk_button_set_label (self->dismiss_button,
                            deleted ? _("_Discard") : _("_Dismiss"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button),
                                !notice->lost_cut && (deleted || notice->current != NULL));
    }
  gtk_info_bar_set_revealed (self->notice_info_bar, notice != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTICE]);
}

static void
companies_notice_bar_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  CompaniesNoticeBar *self = COMPANIES_NOTICE_BAR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_NOTICE:
      g_value_set_pointer (value, companies_notice_bar_get_notice (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_notice_bar_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  CompaniesNoticeBar *self = COMPANIES_NOTICE_BAR (object);

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
companies_notice_bar_dispose (GObject *object)
{
  CompaniesNoticeBar *self = (CompaniesNoticeBar *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_NOTICE_BAR);
  g_clear_pointer (&self->notice, companies_notice_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (companies_notice_bar_parent_class)->dispose (object);
}

static void
companies_notice_bar_class_init (CompaniesNoticeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = companies_notice_bar_dispose;
  object_class->get_property = companies_notice_bar_get_property;
  object_class->set_property = companies_notice_bar_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         COMPANIES_TYPE_LOCAL_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTICE] =
    g_param_spec_pointer ("notice", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/widgets/companies-notice-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesNoticeBar, notice_info_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesNoticeBar, notice_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesNoticeBar, restore_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesNoticeBar, dismiss_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
companies_notice_bar_init (CompaniesNoticeBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
