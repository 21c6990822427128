/* companies-ui-test-utils.c: driving the real Companies window in-process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-ui-test"

#include "config.h"

#include <glib/gstdio.h>
#include <gdk/x11/gdkx.h>

#include <stdlib.h>
#include <string.h>

#include "companies-preferences-window.h"
#include "companies-test-session.h"
#include "companies-ui-test-utils.h"

static gboolean
wake_up_cb (gpointer user_data)
{
  gboolean *fired = user_data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

void
companies_ui_iterate (void)
{
  gboolean fired = FALSE;
  guint source;

  /* Bounded: a timer wakes the loop up if nothing else does. */
  source = g_timeout_add (10, wake_up_cb, &fired);
  g_main_context_iteration (NULL, TRUE);
  if (!fired)
    g_source_remove (source);
}

/* The system data folders as they were before the isolation. */
static char **system_data_dirs;

/* The session bus (and keyring) of this test process, and its folder. */
static CompaniesTestSession *session;
static char *session_folder;

static void
end_session (void)
{
  g_clear_pointer (&session, companies_test_session_free);
  if (session_folder != NULL)
    companies_test_remove_tree (session_folder);
  g_clear_pointer (&session_folder, g_free);
}

void
companies_ui_test_init_session (gboolean with_keyring)
{
  g_autoptr(GError) error = NULL;

  /* Before anything connects to the session bus: the app (GApplication,
   * libsecret) then talks to this one only. */
  session_folder = companies_test_make_tmpdir ();
  session = companies_test_session_start (session_folder, with_keyring, &error);
  g_assert_no_error (error);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", companies_test_session_get_address (session), TRUE);
  atexit (end_session);
}

void
companies_ui_test_init (int    *argc,
                        char ***argv)
{
  /* Icons are loaded through the MIME database: keep the system's
   * (g_content_type_set_mime_dirs () is meant for this). */
  g_content_type_set_mime_dirs (NULL);
  system_data_dirs = g_strdupv ((char **) g_get_system_data_dirs ());

  /* The desktop's proxy settings live in a schema outside the isolated
   * folders; these tests only talk to 127.0.0.1 anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Never the person's session bus or keyring; a test that wants no
   * keyring calls companies_ui_test_init_session () itself first. */
  if (session == NULL)
    companies_ui_test_init_session (TRUE);
}

void
companies_ui_fixture_init_with_token (CompaniesUiFixture *fixture,
                                      gboolean            auto_sync,
                                      const char         *token)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens_path = NULL;

  memset (fixture, 0, sizeof *fixture);

  fixture->tmpdir = companies_test_make_tmpdir ();
  fixture->server_database = g_build_filename (fixture->tmpdir, "server.db", NULL);
  fixture->local_database = g_build_filename (fixture->tmpdir, "local.db", NULL);
  fixture->token = g_strdup (token);

  if (token != NULL)
    {
      /* What `companies-server add-token` writes: the digest only. */
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
      g_autofree char *other = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                              COMPANIES_UI_OTHER_TOKEN, -1);
      g_autofree char *line = g_strdup_printf ("sha256:%s # UI test\nsha256:%s # %s\n", digest,
                                               other, COMPANIES_UI_OTHER_LABEL);
      const char *args[] = { "--tokens", NULL, NULL };

      tokens_path = g_build_filename (fixture->tmpdir, "tokens", NULL);
      g_file_set_contents_full (tokens_path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
      g_assert_no_error (error);

      args[1] = tokens_path;
      fixture->server = companies_test_server_start (fixture->server_database, args, &error);
    }
  else
    {
      fixture->server = companies_test_server_start (fixture->server_database, NULL, &error);
    }
  g_assert_no_error (error);

  /* The memory backend is shared by the whole process: the app sees it. */
  settings = g_settings_new (APP_ID);
  g_settings_set_boolean (settings, "auto-sync", auto_sync);
  g_settings_set_string (settings, "server-url", companies_test_server_get_url (fixture->server));
}

void
companies_ui_fixture_init (CompaniesUiFixture *fixture,
                           gboolean            auto_sync)
{
  companies_ui_fixture_init_with_token (fixture, auto_sync, NULL);
}

void
companies_ui_fixture_start_app (CompaniesUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *app_icons = NULL;
  GtkIconTheme *theme;

  g_setenv ("COMPANIES_DATABASE", fixture->local_database, TRUE);
  if (fixture->url_from_settings)
    g_unsetenv ("COMPANIES_SERVER_URL");
  else
    g_setenv ("COMPANIES_SERVER_URL", companies_test_server_get_url (fixture->server), TRUE);
  g_unsetenv ("COMPANIES_TOKEN");

  fixture->application = companies_application_new ();
  g_application_set_flags (G_APPLICATION (fixture->application), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture->application), NULL, &error);
  g_assert_no_error (error);

  /* Pages, revealers and buttons switch at once: what a test asserts is
   * what its screenshot shows. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* The icon themes of the system (Adwaita), hidden by the isolation, and
   * the app's own icon from the source tree (not installed here). */
  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  for (guint i = 0; system_data_dirs != NULL && system_data_dirs[i] != NULL; i++)
    {
      g_autofree char *icons = g_build_filename (system_data_dirs[i], "icons", NULL);

      gtk_icon_theme_add_search_path (theme, icons);
    }
  app_icons = g_test_build_filename (G_TEST_DIST, "..", "data", "icons", NULL);
  gtk_icon_theme_add_search_path (theme, app_icons);

  g_application_activate (G_APPLICATION (fixture->application));

  fixture->window = COMPANIES_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->application)));
  g_assert_true (COMPANIES_IS_WINDOW (fixture->window));

  COMPANIES_UI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  COMPANIES_UI_WAIT_FOR (companies_window_get_loaded (fixture->window));
  /* A sync asked for before would go without the token. */
  COMPANIES_UI_WAIT_FOR (companies_connection_get_token_loaded (companies_application_get_connection (fixture->application)));
}

gboolean
companies_ui_is_syncing (CompaniesUiFixture *fixture)
{
  return companies_sync_scheduler_get_is_syncing (companies_application_get_scheduler (fixture->application));
}

void
companies_ui_fixture_clear (CompaniesUiFixture *fixture)
{
  if (fixture->application != NULL)
    {
      /* Never leave a sync running into the removal of its files. */
      COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (fixture));

      if (fixture->window != NULL)
        gtk_window_destroy (GTK_WINDOW (fixture->window));
      fixture->window = NULL;

      COMPANIES_UI_WAIT_FOR (gtk_application_get_windows (GTK_APPLICATION (fixture->application)) == NULL);
      g_clear_object (&fixture->application);
    }

  g_clear_pointer (&fixture->server, companies_test_server_free);

  if (fixture->tmpdir != NULL)
    companies_test_remove_tree (fixture->tmpdir);

  g_clear_pointer (&fixture->tmpdir, g_free);
  g_clear_pointer (&fixture->server_database, g_free);
  g_clear_pointer (&fixture->local_database, g_free);
  g_clear_pointer (&fixture->token, g_free);
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *n_paints)
{
  (*n_paints)++;
}

void
companies_ui_wait_for_draw (GtkWidget *widget)
{
  GdkFrameClock *clock;
  guint n_paints = 0;
  gulong handler;

  COMPANIES_UI_WAIT_FOR (gtk_widget_get_mapped (widget));

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &n_paints);

  /* Two frames: the first may still carry layout work queued by the last. */
  gtk_widget_queue_draw (widget);
  COMPANIES_UI_WAIT_FOR (n_paints >= 1);
  gtk_widget_queue_draw (widget);
  COMPANIES_UI_WAIT_FOR (n_paints >= 2);

  g_signal_handler_disconnect (clock, handler);
}

void
companies_ui_save_screenshot (GtkWidget  *widget,
                              const char *name)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  companies_ui_wait_for_draw (root);

  width = gtk_widget_get_width (root);
  height = gtk_widget_get_height (root);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (root);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (root));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  folder = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".",
                             "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  file_name = g_strconcat (name, ".png", NULL);
  path = g_build_filename (folder, file_name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

void
companies_ui_sync (CompaniesUiFixture *fixture)
{
  CompaniesSyncScheduler *scheduler = companies_application_get_scheduler (fixture->application);
  const GError *error;

  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sync", NULL));
  g_assert_true (companies_ui_is_syncing (fixture));
  COMPANIES_UI_WAIT_FOR (!companies_ui_is_syncing (fixture));

  error = companies_sync_scheduler_get_last_error (scheduler);
  g_assert_no_error ((GError *) error);
}

CompaniesCompany *
companies_ui_get_row (CompaniesUiFixture *fixture,
                      guint               position)
{
  GListModel *model = companies_window_get_visible_model (fixture->window);
  g_autoptr(CompaniesCompany) company = g_list_model_get_item (model, position);

  /* The list keeps its own reference. */
  return company;
}

guint
companies_ui_count_rows (CompaniesUiFixture *fixture)
{
  return g_list_model_get_n_items (companies_window_get_visible_model (fixture->window));
}

CompaniesCompany *
companies_ui_find_row (CompaniesUiFixture *fixture,
                       const char         *name)
{
  guint n_items = companies_ui_count_rows (fixture);

  for (guint i = 0; i < n_items; i++)
    {
      CompaniesCompany *company = companies_ui_get_row (fixture, i);

      if (g_strcmp0 (companies_company_get_name (company), name) == 0)
        return company;
    }

  return NULL;
}

void
companies_ui_select_row (CompaniesUiFixture *fixture,
                         const char         *name)
{
  GtkSingleSelection *selection = companies_window_get_selection (fixture->window);
  guint n_items = companies_ui_count_rows (fixture);

  for (guint i = 0; i < n_items; i++)
    {
      if (g_strcmp0 (companies_company_get_name (companies_ui_get_row (fixture, i)), name) == 0)
        {
          gtk_single_selection_set_selected (selection, i);
          g_assert_true (gtk_single_selection_get_selected_item (selection) == companies_ui_get_row (fixture, i));
          return;
        }
    }

  g_error ("No row named %s", name);
}

/* The widget of that id in @widget's tree, the templates of the widgets
 * it holds included (a popover counts as its button's child). */
static GtkWidget *
find_by_id (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_id (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
companies_ui_get_child (CompaniesUiFixture *fixture,
                        const char         *name)
{
  GtkWidget *child = find_by_id (GTK_WIDGET (fixture->window), name);

  g_assert_true (GTK_IS_WIDGET (child));
  return child;
}

const char *
companies_ui_get_status_text (CompaniesUiFixture *fixture)
{
  return gtk_label_get_text (GTK_LABEL (companies_ui_get_child (fixture, "status_label")));
}

const char *
companies_ui_get_visible_page (CompaniesUiFixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (companies_ui_get_child (fixture, "main_stack")));
}

CompaniesEditorWindow *
companies_ui_open_editor (CompaniesUiFixture *fixture,
                          const char         *action)
{
  GtkWindow *editor;

  g_assert_null (companies_window_get_editor (fixture->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, NULL));

  editor = companies_window_get_editor (fixture->window);
  g_assert_true (COMPANIES_IS_EDITOR_WINDOW (editor));
  COMPANIES_UI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (editor)));

  return COMPANIES_EDITOR_WINDOW (editor);
}

void
companies_ui_editor_set (CompaniesEditorWindow *editor,
                         CompaniesField         field,
                         const char            *text)
{
  GtkWidget *widget = companies_editor_window_get_field_widget (editor, field);

  gtk_widget_grab_focus (widget);

  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);

  companies_ui_iterate ();
}

void
companies_ui_editor_save (CompaniesUiFixture    *fixture,
                          CompaniesEditorWindow *editor)
{
  GtkWidget *save_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (editor),
                                                                      COMPANIES_TYPE_EDITOR_WINDOW,
                                                                      "save_button"));

  g_assert_true (gtk_widget_is_sensitive (save_button));
  g_assert_true (gtk_widget_activate (save_button));
  COMPANIES_UI_WAIT_FOR (companies_window_get_editor (fixture->window) == NULL);
}

GPtrArray *
companies_ui_fetch_server (CompaniesUiFixture *fixture)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GPtrArray) companies = NULL;
  g_autoptr(GError) error = NULL;
  static guint counter;

  name = g_strdup_printf ("probe-%u.db", ++counter);
  path = g_build_filename (fixture->tmpdir, name, NULL);

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);

  client = companies_sync_client_new (path, companies_test_server_get_url (fixture->server),
                                      fixture->token);
  result = companies_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  companies = companies_local_store_list (store, FALSE, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&companies);
}

CompaniesCompany *
companies_ui_find_by_uuid (GPtrArray  *companies,
                           const char *uuid)
{
  for (guint i = 0; i < companies->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (companies, i);

      if (g_strcmp0 (companies_company_get_uuid (company), uuid) == 0)
        return company;
    }

  return NULL;
}

CompaniesCompany *
companies_ui_add_company (CompaniesLocalStore *store,
                          const char * const  *row)
{
  const char *values[COMPANIES_N_FIELDS] = { NULL };
  g_autoptr(GError) error = NULL;
  CompaniesCompany *company;

  values[COMPANIES_FIELD_NAME] = row[0];
  values[COMPANIES_FIELD_CITY] = row[1];
  values[COMPANIES_FIELD_COUNTRY] = row[2];
  values[COMPANIES_FIELD_PHONE] = row[3];
  values[COMPANIES_FIELD_EMAIL] = row[4];

  company = companies_local_store_create_for_sync (store, values, &error);
  g_assert_no_error (error);

  return company;
}

void
companies_ui_send_keys (GtkWidget  *widget,
                        const char *first_command,
                        ...)
{
  g_autoptr(GtkWidget) root = g_object_ref (GTK_WIDGET (gtk_widget_get_root (widget)));
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (root));
  GdkDisplay *display = gtk_widget_get_display (root);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *xid = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list args;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));

  /* The window takes the keyboard (there is no window manager under
   * Xvfb to give it), then XTest types as a keyboard would. */
  g_strv_builder_add_many (builder, "timeout", "10", "xdotool", "windowfocus", "--sync", xid, NULL);
  va_start (args, first_command);
  for (const char *arg = first_command; arg != NULL; arg = va_arg (args, const char *))
    g_strv_builder_add (builder, arg);
  va_end (args);
  argv = g_strv_builder_end (builder);

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  /* The events are queued on the display's connection: let GTK read and
   * handle them all. */
  gdk_display_sync (display);
  for (guint i = 0; i < 10; i++)
    companies_ui_iterate ();
  /* Unless the keys closed it (Ctrl+Enter in the editor). */
  if (gtk_widget_get_mapped (root))
    companies_ui_wait_for_draw (root);
}

GtkWindow *
companies_ui_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */
  guint n_items = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

GtkWidget *
companies_ui_get_preferences_child (GtkWindow  *preferences,
                                    const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (preferences), COMPANIES_TYPE_PREFERENCES_WINDOW, name));
}

char *
companies_ui_run_cli (const char *first_arg,
                      ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *cli = g_getenv ("COMPANIES_CLI");
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_DATABASE");
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_SERVER_URL");
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_TOKEN");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("companies-cli %s failed:\n%s\n%s", first_arg, out, err);

  return out;
}

char *
companies_ui_cli_add (CompaniesUiFixture *fixture,
                      const char         *name)
{
  g_autofree char *database = g_build_filename (fixture->tmpdir, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *synced = NULL;

  out = companies_ui_run_cli ("add", "--database", database, "--name", name, NULL);
  /* The fixture's server takes no token: none, not the app's. */
  synced = companies_ui_run_cli ("sync", "--database", database, "--token", "",
                                 "--server", companies_test_server_get_url (fixture->server), NULL);

  return g_strstrip (g_steal_pointer (&out));
}
