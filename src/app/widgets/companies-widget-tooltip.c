/* companies-widget-tooltip.c: setting a tooltip that changes often (the
 * Sync button's, the status line's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-widget-tooltip"

#include "config.h"

#include "companies-widget-tooltip.h"

void
companies_widget_set_tooltip (GtkWidget  *widget,
                              const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}
