/* companies-notification.h: the window's toasts, at the bottom of the
 * list: "“Acme” deleted · Undo", or why a write failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

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
/* The text of the toast shown, or NULL. */
const char       *companies_notification_get_title   (CompaniesNotification *self);

G_END_DECLS
