/* companies-test-session.h: a D-Bus session bus of a test's own, with or
 * without a real Secret Service (gnome-keyring-daemon, unlocked), in a
 * temporary folder; never the person's own session or keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CompaniesTestSession CompaniesTestSession;

/* Starts dbus-daemon on a socket in @folder that starts no service but
 * the accessibility bus,
 * and with @with_keyring gnome-keyring-daemon --unlock --components=secrets
 * (its keyrings in @folder, an empty password on stdin), waiting until the
 * default collection answers. Both die with the test process, even when
 * it aborts. */
CompaniesTestSession *companies_test_session_start       (const char           *folder,
                                                          gboolean              with_keyring,
                                                          GError              **error);
/* DBUS_SESSION_BUS_ADDRESS for the programs a test runs. */
const char           *companies_test_session_get_address (CompaniesTestSession *session);
/* The environment for secret-tool and other programs run in the session:
 * the bus, and HOME and the XDG folders of @folder. */
char                **companies_test_session_get_envp    (CompaniesTestSession *session);
/* Ends the daemons and waits for them. */
void                  companies_test_session_free        (CompaniesTestSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesTestSession, companies_test_session_free)

G_END_DECLS
