/* companies-ui-test-utils.h: driving the real Companies window in-process
 * for the UI tests: a fixture with a real companies-server and a local
 * database in a temporary folder, a capped main-loop iteration helper
 * (nautilus test/test-utilities.h) and window screenshots.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-application.h"
#include "companies-editor-window.h"
#include "companies-local-store.h"
#include "companies-sync-client.h"
#include "companies-test-server.h"
#include "companies-window.h"

G_BEGIN_DECLS

/* No wait in these tests lasts longer: a condition not met by then fails. */
#define COMPANIES_UI_TIMEOUT_SECONDS 20

typedef struct
{
  char                 *tmpdir;
  char                 *server_database;
  char                 *local_database;
  CompaniesTestServer  *server;
  CompaniesApplication *application;
  CompaniesWindow      *window;
  /* Set before start_app: the server address comes from the settings
   * (as set in Preferences) rather than COMPANIES_SERVER_URL. */
  gboolean              url_from_settings;
  /* the token the server accepts (NULL: none), for fetch_server */
  char                 *token;
} CompaniesUiFixture;

/* g_test_init () with G_TEST_OPTION_ISOLATE_DIRS, keeping what a window
 * needs from the system: the MIME database (to load icons) and the icon
 * themes; and a session bus of the test's own, with a keyring. */
void              companies_ui_test_init              (int                *argc,
                                                       char             ***argv);
/* A D-Bus session of the test's own (companies-test-session.h), set as
 * the process' session bus; companies_ui_test_init () starts one with an
 * unlocked keyring unless this was called first, e.g. with no keyring. */
void              companies_ui_test_init_session      (gboolean            with_keyring);

/* Makes the folder and starts the server; the app's settings: automatic
 * sync off unless @auto_sync, so that a test decides when syncs run. */
void              companies_ui_fixture_init           (CompaniesUiFixture *fixture,
                                                       gboolean            auto_sync);
/* The same with a server that accepts @token (a bearer token, labelled
 * "UI test") and COMPANIES_UI_OTHER_TOKEN, for another client of the test
 * (docs/notices.md: who wrote each value). */
#define COMPANIES_UI_OTHER_TOKEN "ui-other-token-0123456789abcdef"
#define COMPANIES_UI_OTHER_LABEL "Bob's phone"
void              companies_ui_fixture_init_with_token (CompaniesUiFixture *fixture,
                                                        gboolean            auto_sync,
                                                        const char         *token);
/* Creates the application and its window (COMPANIES_DATABASE and
 * COMPANIES_SERVER_URL point at the fixture's) and waits for the list. */
void              companies_ui_fixture_start_app      (CompaniesUiFixture *fixture);
/* Closes the window, lets a running sync end, stops the server and
 * removes the folder. */
void              companies_ui_fixture_clear          (CompaniesUiFixture *fixture);

/* One main-loop iteration that never blocks for more than 10 ms. */
void              companies_ui_iterate                (void);

/* Iterates until @condition holds, failing the test after
 * COMPANIES_UI_TIMEOUT_SECONDS. */
#define COMPANIES_UI_WAIT_FOR(condition)                                        \
  G_STMT_START {                                                                \
    gint64 _deadline = g_get_monotonic_time ()                                  \
                       + COMPANIES_UI_TIMEOUT_SECONDS * G_USEC_PER_SEC;         \
    while (!(condition))                                                        \
      {                                                                         \
        if (g_get_monotonic_time () > _deadline)                                \
          g_error ("%s:%d: timed out waiting for: %s",                          \
                   __FILE__, __LINE__, #condition);                             \
        companies_ui_iterate ();                                                \
      }                                                                         \
  } G_STMT_END

/* Iterates until the window has drawn a frame after everything pending. */
void              companies_ui_wait_for_draw          (GtkWidget          *widget);

/* Renders @widget's window into G_TEST_BUILDDIR/screenshots/@name.png. */
void              companies_ui_save_screenshot        (GtkWidget          *widget,
                                                       const char         *name);

/* Syncs until nothing runs, from the window's Sync action, and asserts
 * it succeeded. */
void              companies_ui_sync                   (CompaniesUiFixture *fixture);
gboolean          companies_ui_is_syncing             (CompaniesUiFixture *fixture);

/* The row at @position of the list as shown (sorted, filtered). */
CompaniesCompany *companies_ui_get_row                (CompaniesUiFixture *fixture,
                                                       guint               position);
guint             companies_ui_count_rows             (CompaniesUiFixture *fixture);
/* The shown row with that name, or NULL. */
CompaniesCompany *companies_ui_find_row               (CompaniesUiFixture *fixture,
                                                       const char         *name);
/* Selects the shown row with that name. */
void              companies_ui_select_row             (CompaniesUiFixture *fixture,
                                                       const char         *name);

/* A widget of the main window by its id in a template: the window's own
 * or that of a widget it holds. */
GtkWidget        *companies_ui_get_child              (CompaniesUiFixture *fixture,
                                                       const char         *name);
const char       *companies_ui_get_status_text        (CompaniesUiFixture *fixture);
const char       *companies_ui_get_visible_page       (CompaniesUiFixture *fixture);

/* Opens the editor through @action ("win.new", "win.edit") and waits. */
CompaniesEditorWindow *companies_ui_open_editor       (CompaniesUiFixture *fixture,
                                                       const char         *action);
/* Types into a field of the editor. */
void              companies_ui_editor_set             (CompaniesEditorWindow *editor,
                                                       CompaniesField         field,
                                                       const char            *text);
/* Saves through the editor's Save button and waits for it to close. */
void              companies_ui_editor_save            (CompaniesUiFixture    *fixture,
                                                       CompaniesEditorWindow *editor);

/* What the server holds now, read by syncing a fresh database of the test's
 * own: CompaniesCompany with their server ids. */
GPtrArray        *companies_ui_fetch_server           (CompaniesUiFixture *fixture);
CompaniesCompany *companies_ui_find_by_uuid           (GPtrArray          *companies,
                                                       const char         *uuid);

/* Adds a company (name, city, country, phone, e-mail) through @store. */
CompaniesCompany *companies_ui_add_company            (CompaniesLocalStore *store,
                                                       const char * const  *row);

/* Runs $COMPANIES_CLI with the arguments (NULL-terminated; no database,
 * server or token from the environment) and asserts it exits with 0;
 * returns what it printed. */
char             *companies_ui_run_cli                (const char         *first_arg,
                                                       ...) G_GNUC_NULL_TERMINATED;
/* Another person's change: companies-cli adds a company named @name in
 * its own database under the fixture's folder and syncs it to the
 * fixture's server; returns its uuid. */
char             *companies_ui_cli_add                (CompaniesUiFixture *fixture,
                                                       const char         *name);

/* Real key events to @widget's window: xdotool's commands after
 * "windowfocus WINDOW" ("key", "ctrl+n", "type", "Acme", …, NULL),
 * through XTest; returns once the window has handled them. */
void              companies_ui_send_keys              (GtkWidget          *widget,
                                                       const char         *first_command,
                                                       ...) G_GNUC_NULL_TERMINATED;
/* The visible toplevel window of @type, or NULL. */
GtkWindow        *companies_ui_find_window            (GType               type);
/* A widget of a CompaniesPreferencesWindow's template by its id. */
GtkWidget        *companies_ui_get_preferences_child  (GtkWindow          *preferences,
                                                       const char         *name);

G_END_DECLS
