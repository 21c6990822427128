/* companies-uuid.h: the uuids the client gives the records it creates
 * (docs/protocol.md section 2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *companies_uuid_new (void);

G_END_DECLS
