/* companies-application-private.h: what the files of CompaniesApplication
 * share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-application.h"

G_BEGIN_DECLS

void _companies_application_actions_init (CompaniesApplication *self);

G_END_DECLS
