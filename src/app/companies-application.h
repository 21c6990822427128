/* companies-application.h: the Companies application.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

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

/* The server address in use: COMPANIES_SERVER_URL, else the setting. */
char                   *companies_application_dup_server_url           (CompaniesApplication *self);
gboolean                companies_application_get_server_url_overridden (CompaniesApplication *self);
/* The access token in use: COMPANIES_TOKEN, else the token file; NULL for
 * none. Never log it. */
char                   *companies_application_dup_token                (CompaniesApplication *self);
gboolean                companies_application_get_token_overridden     (CompaniesApplication *self);
/* Writes the token file (mode 0600, its folder 0700; an empty token
 * removes it) and hands the token to the sync client. */
gboolean                companies_application_save_token               (CompaniesApplication *self,
                                                                        const char           *token,
                                                                        GError              **error);
/* g_get_user_config_dir ()/companies/token */
char                   *companies_application_get_token_path           (void);

G_END_DECLS
