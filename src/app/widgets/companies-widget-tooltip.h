/* companies-widget-tooltip.h: setting a tooltip that changes often.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sets @widget's tooltip only when it changes: setting one makes GTK ask
 * the display server where the pointer is. */
void companies_widget_set_tooltip (GtkWidget  *widget,
                                   const char *text);

G_END_DECLS
