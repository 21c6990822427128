/* companies-window.c: the main window, the list of companies.
 *
 * The list is a model chain: CompaniesCompanyList (a GListModel kept in
 * step with the store) → GtkSortListModel (the column view's sorter) →
 * CompaniesSearchModel (the search) → GtkSingleSelection → GtkColumnView.
 * Sorting comes before filtering so that a search keystroke never makes
 * the sort model build its keys again.
 *
 * The list is read in a worker thread (its own store connection) at start
 * (a read the application began before making the window), after each
 * sync and whenever the database file's data version moves (another
 * process, such as companies-cli, wrote to it), then merged in with the
 * fewest items-changed. The app's own writes go through the
 * ForSync actions on the main thread and update their row at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window"

#include "config.h"

#include "companies-editor-window.h"
#include "companies-window-private.h"

/* How often the database file is checked for writes of other processes. */
#define DATA_VERSION_POLL_SECONDS 2

G_DEFINE_FINAL_TYPE (CompaniesWindow, companies_window, GTK_TYPE_APPLICATION_WINDOW)

static CompaniesApplication *
get_application (CompaniesWindow *self)
{
  return COMPANIES_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
update_view_state (CompaniesWindow *self)
{
  const char *page;

  if (self->store == NULL)
    page = "error";
  else if (!self->loaded)
    page = "loading";
  else if (companies_company_list_get_n_items (self->companies) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    page = "no-results";
  else
    page = "list";

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->main_stack, page);
}

/* See setup_models (). */
static void
sort_pending_cb (CompaniesWindow *self)
{
  if (!self->loaded || gtk_sort_list_model_get_pending (self->sort_model) > 0)
    return;

  g_signal_handlers_disconnect_by_func (self->sort_model, sort_pending_cb, self);
  gtk_sort_list_model_set_incremental (self->sort_model, FALSE);
}

static void
model_items_changed_cb (CompaniesWindow *self,
                        guint            position,
                        guint            removed,
                        guint            added,
                        GListModel      *model)
{
  if (removed != added)
    update_view_state (self);
}

static void
selection_changed_cb (CompaniesWindow    *self,
                      GParamSpec         *pspec,
                      GtkSingleSelection *selection)
{
  _companies_window_update_actions (self);
}

CompaniesCompany *
_companies_window_get_selected (CompaniesWindow *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

void
_companies_window_select (CompaniesWindow  *self,
                          CompaniesCompany *company)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CompaniesCompany) item = g_list_model_get_item (model, i);

      if (item == company)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

/* --- Reading the store --- */

static void
companies_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CompaniesWindow) self = user_data;
  g_autoptr(CompaniesListUpdate) update = NULL;
  g_autoptr(GError) error = NULL;

  update = companies_company_list_load_finish (COMPANIES_COMPANY_LIST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (update == NULL)
    {
      g_debug ("Could not read the companies: %s", error->message);
      _companies_window_show_error (self, error->message);
    }
  else if (self->wrote_while_loading)
    {
      /* What was read misses our own write: read again rather than show
       * the row going and coming back. */
      self->reload_again = TRUE;
    }
  else
    {
      gint64 read_done = g_get_monotonic_time ();
      guint n_signals;

      n_signals = companies_company_list_apply (self->companies, update);
      self->known_data_version = self->loading_data_version;
      self->loaded = TRUE;
      companies_search_model_prepare_when_idle (self->filter_model);
      sort_pending_cb (self);

      g_debug ("Read %u companies in %.1f ms, merged them in %.1f ms with %u items-changed",
               companies_list_update_get_n_companies (update),
               (read_done - self->loading_started) / 1000.0,
               (g_get_monotonic_time () - read_done) / 1000.0,
               n_signals);
    }

  self->wrote_while_loading = FALSE;

  update_view_state (self);
  _companies_window_update_actions (self);
  /* The counts the worker read with the list, when it is what shows. */
  _companies_window_show_status (self, update != NULL && self->loaded && !self->reload_again
                                         ? companies_list_update_get_status (update) : NULL);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      _companies_window_reload (self);
    }
}

void
_companies_window_reload (CompaniesWindow *self)
{
  if (self->store == NULL)
    return;

  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  self->loading = TRUE;
  self->loading_started = g_get_monotonic_time ();
  /* A read the application started early is taken over: its version
   * is the one from when it started. */
  if (!companies_company_list_get_preload_version (self->companies, &self->loading_data_version))
    self->loading_data_version = companies_local_store_get_data_version (self->store);

  companies_company_list_load_async (self->companies,
                                     companies_local_store_get_path (self->store),
                                     self->cancellable,
                                     companies_loaded_cb,
                                     g_object_ref (self));
}

/* Reads the list again when the database file changed since it was last
 * read: a sync, or another process such as companies-cli. */
void
_companies_window_refresh_if_changed (CompaniesWindow *self)
{
  if (self->store == NULL)
    return;

  if (self->loading)
    {
      /* The read going on may have started before that write. */
      self->reload_again = TRUE;
      return;
    }

  if (companies_local_store_get_data_version (self->store) != self->known_data_version)
    {
      _companies_window_reload (self);
      _companies_window_reload_overwritten (self);
    }
}

static gboolean
data_version_poll_cb (gpointer user_data)
{
  CompaniesWindow *self = user_data;

  if (!self->loading)
    _companies_window_refresh_if_changed (self);

  return G_SOURCE_CONTINUE;
}

/* Our own writes: the caller takes the data version before writing and
 * hands it back with the written company, so that a write of another
 * process in between is still noticed. */
gint64
_companies_window_begin_write (CompaniesWindow *self)
{
  return companies_local_store_get_data_version (self->store);
}

void
_companies_window_end_write (CompaniesWindow  *self,
                             gint64            version_before,
                             CompaniesCompany *written)
{
  if (written != NULL)
    companies_company_list_upsert (self->companies, written);

  if (self->loading)
    self->wrote_while_loading = TRUE;
  else if (self->known_data_version == version_before)
    self->known_data_version = companies_local_store_get_data_version (self->store);

  companies_sync_scheduler_local_change (self->scheduler);

  update_view_state (self);
  _companies_window_update_actions (self);
  _companies_window_update_status (self);
}

/* --- The editor --- */

static void
editor_saving_cb (CompaniesWindow       *self,
                  CompaniesEditorWindow *editor)
{
  self->editor_version_before = _companies_window_begin_write (self);
}

static void
editor_saved_cb (CompaniesWindow       *self,
                 CompaniesCompany      *company,
                 CompaniesEditorWindow *editor)
{
  gboolean is_new = companies_company_list_lookup (self->companies, companies_company_get_uuid (company)) == NULL;

  _companies_window_end_write (self, self->editor_version_before, company);

  if (is_new)
    _companies_window_select (self,
                              companies_company_list_lookup (self->companies,
                                                             companies_company_get_uuid (company)));
}

static void
editor_destroyed_cb (CompaniesWindow *self,
                     GtkWidget       *editor)
{
  if (self->editor == GTK_WINDOW (editor))
    self->editor = NULL;
}

void
companies_window_edit_company (CompaniesWindow  *self,
                               CompaniesCompany *company)
{
  CompaniesEditorWindow *editor;

  g_return_if_fail (COMPANIES_IS_WINDOW (self));
  g_return_if_fail (company == NULL || COMPANIES_IS_COMPANY (company));

  if (self->store == NULL)
    return;

  if (self->editor != NULL)
    {
      gtk_window_present (self->editor);
      return;
    }

  editor = companies_editor_window_new (GTK_WINDOW (self), self->store, company);
  g_signal_connect_object (editor, "saving", G_CALLBACK (editor_saving_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "destroy", G_CALLBACK (editor_destroyed_cb), self, G_CONNECT_SWAPPED);

  self->editor = GTK_WINDOW (editor);
  gtk_window_present (self->editor);
}

GtkWindow *
companies_window_get_editor (CompaniesWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), NULL);

  return self->editor;
}

static void
column_view_activate_cb (CompaniesWindow *self,
                         guint            position,
                         GtkColumnView   *column_view)
{
  g_autoptr(CompaniesCompany) company = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (company != NULL)
    companies_window_edit_company (self, company);
}

/* --- Search --- */

static void
search_changed_cb (CompaniesWindow *self,
                   GtkSearchEntry  *entry)
{
  gint64 started = g_get_monotonic_time ();

  if (self->search_filter == NULL)
    return;

  companies_search_filter_set_text (self->search_filter,
                                    gtk_editable_get_text (GTK_EDITABLE (entry)));
  _companies_window_update_watched (self);
  update_view_state (self);

  g_debug ("Filtered for “%s” in %.1f ms: %u of %u shown",
           gtk_editable_get_text (GTK_EDITABLE (entry)),
           (g_get_monotonic_time () - started) / 1000.0,
           g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)),
           companies_company_list_get_n_items (self->companies));
}

static void
stop_search_cb (CompaniesWindow *self,
                GtkSearchEntry  *entry)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
search_mode_changed_cb (CompaniesWindow *self,
                        GParamSpec      *pspec,
                        GtkSearchBar    *search_bar)
{
  if (self->search_entry == NULL || self->column_view == NULL)
    return;

  if (!gtk_search_bar_get_search_mode (search_bar))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      if (gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
        gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
    }
}

/* --- The window --- */

static void
restore_window_state (CompaniesWindow *self)
{
  GSettings *settings = companies_application_get_settings (get_application (self));
  int width = g_settings_get_int (settings, "window-width");
  int height = g_settings_get_int (settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));

  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (CompaniesWindow *self)
{
  GSettings *settings = companies_application_get_settings (get_application (self));
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width, height;

  /* The size kept is the unmaximized one. */
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  g_settings_set_boolean (settings, "window-maximized", maximized);
}

static gboolean
companies_window_close_request (GtkWindow *window)
{
  CompaniesWindow *self = (CompaniesWindow *) window;

  save_window_state (self);

  /* A sync still running keeps the application (not this window) alive
   * until it ends: see CompaniesApplication. */
  return GTK_WINDOW_CLASS (companies_window_parent_class)->close_request (window);
}

static gboolean
status_tick_cb (gpointer user_data)
{
  /* "Synced 2 minutes ago" grows older. */
  _companies_window_update_status (user_data);

  return G_SOURCE_CONTINUE;
}

/* companies → sort → filter → selection, over the application's list
 * (whose first read may have started before the window). */
static void
setup_models (CompaniesWindow      *self,
              CompaniesCompanyList *companies)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);

  self->companies = g_object_ref (companies);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (companies_company_list_get_model (self->companies)),
                                              sorter != NULL ? g_object_ref (sorter) : NULL);
  /* The first read comes in name order: sorting it in steps lets the
   * first frame show it without waiting for 100,000 comparisons that
   * move nothing. Later sorts (a header click) are whole again. */
  gtk_sort_list_model_set_incremental (self->sort_model, TRUE);
  g_signal_connect_object (self->sort_model, "notify::pending",
                           G_CALLBACK (sort_pending_cb), self, G_CONNECT_SWAPPED);
  self->search_filter = companies_search_filter_new ();
  self->filter_model = companies_search_model_new (G_LIST_MODEL (self->sort_model),
                                                   self->search_filter);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  _companies_window_update_watched (self);

  g_signal_connect_object (companies_company_list_get_model (self->companies), "items-changed",
                           G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
}

/* "application" is not a construct property of GtkWindow: everything
 * that needs it starts here, once it is set. */
static void
companies_window_setup (CompaniesWindow      *self,
                        CompaniesApplication *application)
{
  const GError *store_error;

  g_assert (get_application (self) == application);

  self->store = companies_application_get_store (application);
  if (self->store != NULL)
    g_object_ref (self->store);
  self->scheduler = g_object_ref (companies_application_get_scheduler (application));

  store_error = companies_application_get_store_error (application);
  if (store_error != NULL)
    gtk_label_set_text (self->error_label, store_error->message);

  setup_models (self, companies_application_get_company_list (application));

  restore_window_state (self);

  _companies_window_status_init (self);

  if (self->store != NULL)
    {
      _companies_window_reload (self);
      _companies_window_reload_overwritten (self);
      self->data_version_source = g_timeout_add_seconds (DATA_VERSION_POLL_SECONDS,
                                                         data_version_poll_cb, self);
    }
  self->status_source = g_timeout_add_seconds (30, status_tick_cb, self);

  update_view_state (self);
  _companies_window_update_actions (self);
  _companies_window_update_status (self);
}

static void
companies_window_dispose (GObject *object)
{
  CompaniesWindow *self = (CompaniesWindow *) object;

  g_cancellable_cancel (self->cancellable);

  g_clear_handle_id (&self->data_version_source, g_source_remove);
  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_handle_id (&self->undo_source, g_source_remove);

  if (self->editor != NULL)
    gtk_window_destroy (g_steal_pointer (&self->editor));

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->search_filter);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->companies);
  g_clear_object (&self->deleted_company);
  g_clear_pointer (&self->overwritten, g_ptr_array_unref);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (companies_window_parent_class)->dispose (object);
}

static void
companies_window_finalize (GObject *object)
{
  CompaniesWindow *self = (CompaniesWindow *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (companies_window_parent_class)->finalize (object);
}

static void
companies_window_class_init (CompaniesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = companies_window_dispose;
  object_class->finalize = companies_window_finalize;

  window_class->close_request = companies_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/companies-window.ui");

  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, sync_button_stack);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, overwritten_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, overwritten_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, state_column);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, name_column);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, city_column);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, country_column);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, phone_column);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, email_column);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, empty_add_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, undo_revealer);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, undo_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, rejected_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, rejected_popover);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, rejected_list);

  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "rejected_popover_show_cb",
                                                G_CALLBACK (_companies_window_rejected_popover_show_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "rejected_row_activated_cb",
                                                G_CALLBACK (_companies_window_rejected_row_activated_cb));

  _companies_window_class_actions_init (widget_class);
}

static void
companies_window_init (CompaniesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  _companies_window_columns_init (self);

  /* Search: Ctrl+F, the toggle button, or just typing. A keystroke
   * filters at once: GtkSearchEntry's default wait (150 ms) was longer
   * than the filtering it spares. */
  gtk_search_entry_set_search_delay (self->search_entry, 0);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  g_object_bind_property (self->search_button, "active",
                          self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (search_mode_changed_cb), self, G_CONNECT_SWAPPED);
}

CompaniesWindow *
companies_window_new (CompaniesApplication *application)
{
  CompaniesWindow *self;

  g_return_val_if_fail (COMPANIES_IS_APPLICATION (application), NULL);

  self = g_object_new (COMPANIES_TYPE_WINDOW,
                       "application", application,
                       NULL);
  companies_window_setup (self, application);

  return self;
}

GListModel *
companies_window_get_visible_model (CompaniesWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->selection);
}

GtkSingleSelection *
companies_window_get_selection (CompaniesWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), NULL);

  return self->selection;
}

gboolean
companies_window_get_loaded (CompaniesWindow *self)
{
  g_return_val_if_fail (COMPANIES_IS_WINDOW (self), FALSE);

  return self->loaded;
}
