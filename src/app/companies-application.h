/* companies-application.h: the Companies application.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "companies-connection.h"
#include "companies-local-store.h"
#include "companies-sync-scheduler.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_APPLICATION (companies_application_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesApplication, companies_application, COMPANIES, APPLICATION, AdwApplication)

CompaniesApplication   *companies_application_new                      (void);

GSettings              *companies_application_get_settings             (CompaniesApplication *self);
/* The store of the main thread; NULL when it could not be opened. Valid
 * after startup. */
CompaniesLocalStore    *companies_application_get_store                (CompaniesApplication *self);
CompaniesSyncScheduler *companies_application_get_scheduler            (CompaniesApplication *self);

/* The server address and token, and the connection test. */
CompaniesConnection    *companies_application_get_connection           (CompaniesApplication *self);

G_END_DECLS
