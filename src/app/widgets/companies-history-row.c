/* companies-history-row.c: one entry of a company's history
 *
 * The title says what was written ("Phone: +351 222", or "Deleted"), the
 * subtitle when, at which version and who (the label of the writer's
 * token, docs/history.md). Restore shows only for a value that is not
 * the current one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-history-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-fields.h"
#include "companies-history-row.h"

struct _CompaniesHistoryRow
{
  AdwActionRow           parent_instance;

  /* Template widgets */
  GtkButton             *restore_button;

  CompaniesHistoryEntry *entry;
};

G_DEFINE_FINAL_TYPE (CompaniesHistoryRow, companies_history_row, ADW_TYPE_ACTION_ROW)

enum {
  SIGNAL_RESTORE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_title (const CompaniesHistoryEntry *entry)
{
  CompaniesField field;
  g_autofree char *value = NULL;

  if (entry->field == NULL)
    return g_strdup (_("Deleted the company"));

  if (entry->value == NULL || *entry->value == '\0')
    value = g_strdup (_("(empty)"));
  else
    value = g_markup_escape_text (entry->value, -1);

  if (!companies_field_from_name (entry->field, &field))
    return g_strdup_printf ("%s: %s", entry->field, value);

  /* Translators: a field's label, then the value it was given */
  return g_strdup_printf (_("%s: %s"), companies_field_get_label (field), value);
}

static char *
format_subtitle (const CompaniesHistoryEntry *entry)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (entry->at);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *when = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("?");
  g_autofree char *who = g_markup_escape_text (entry->by != NULL ? entry->by : _("unknown"), -1);

  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, entry->version);

  /* Translators: when, who (the label of a token), then the version */
  return g_strdup_printf (_("%s · by %s · version %s"), when, who, version);
}

GtkWidget *
companies_history_row_new (const CompaniesHistoryEntry *entry,
                           gboolean                     can_restore)
{
  CompaniesHistoryRow *self;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (COMPANIES_TYPE_HISTORY_ROW, NULL);
  self->entry = companies_history_entry_new ();
  self->entry->field = g_strdup (entry->field);
  self->entry->value = g_strdup (entry->value);
  self->entry->by = g_strdup (entry->by);
  self->entry->version = entry->version;
  self->entry->at = entry->at;

  title = format_title (entry);
  subtitle = format_subtitle (entry);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->restore_button), can_restore && entry->field != NULL);
  if (entry->field != NULL)
    {
      g_autofree char *tooltip = g_strdup_printf (_("Make “%s” the current value again; the next "
                                                    "sync sends it"),
                                                  entry->value != NULL ? entry->value : "");

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->restore_button), tooltip);
    }

  return GTK_WIDGET (self);
}

const CompaniesHistoryEntry *
companies_history_row_get_entry (CompaniesHistoryRow *self)
{
  g_return_val_if_fail (COMPANIES_IS_HISTORY_ROW (self), NULL);

  return self->entry;
}

static void
restore_clicked_cb (CompaniesHistoryRow *self)
{
  g_signal_emit (self, signals[SIGNAL_RESTORE], 0);
}

static void
companies_history_row_finalize (GObject *object)
{
  CompaniesHistoryRow *self = (CompaniesHistoryRow *) object;

  g_clear_pointer (&self->entry, companies_history_entry_free);

  G_OBJECT_CLASS (companies_history_row_parent_class)->finalize (object);
}

static void
companies_history_row_class_init (CompaniesHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = companies_history_row_finalize;

  signals[SIGNAL_RESTORE] = g_signal_new ("restore", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Companies/widgets/companies-history-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CompaniesHistoryRow, restore_button);
  gtk_widget_class_bind_template_callback (widget_class, restore_clicked_cb);
}

static void
companies_history_row_init (CompaniesHistoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
