/* companies-notification.h: an in-window notification that slides down
 * over the list: "“Acme” deleted · Undo", or why a write failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_NOTIFICATION (companies_notification_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesNotification, companies_notification, COMPANIES, NOTIFICATION, GtkWidget)

/* Property: "deleted" (CompaniesCompany, read-only): the company whose
 * deletion it offers to undo, NULL once hidden or replaced.
 *
 * Its Undo button activates "win.undo-delete", its close button
 * "win.hide-undo". */

void              companies_notification_show_undo   (CompaniesNotification *self,
                                                      CompaniesCompany      *deleted);
void              companies_notification_show_error  (CompaniesNotification *self,
                                                      const char            *message);
void              companies_notification_hide        (CompaniesNotification *self);
CompaniesCompany *companies_notification_get_deleted (CompaniesNotification *self);

G_END_DECLS
