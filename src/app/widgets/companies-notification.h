/* companies-notification.h: an in-window notification that slides down
 * over the list ("“Acme” deleted · Undo", or an error).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_NOTIFICATION (companies_notification_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesNotification, companies_notification, COMPANIES, NOTIFICATION, GtkWidget)

/* Signal: "expired" (): it hid itself after a while.
 *
 * Its Undo button activates "win.undo-delete", its close button
 * "win.hide-undo". */

/* Shows @text for a while, with the Undo button when @with_undo. */
void companies_notification_show (CompaniesNotification *self,
                                  const char            *text,
                                  gboolean               with_undo);
void companies_notification_hide (CompaniesNotification *self);

G_END_DECLS
