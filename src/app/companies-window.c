/* companies-window.c: the main window, the list of companies.
 *
 * The list is CompaniesCompanyList (a GListModel that follows the store
 * by itself and that the database sorts and searches, see list/) →
 * GtkSingleSelection → GtkColumnView. The column view's sorter and the
 * search bar only tell the list what to show.
 *
 * The window places the widgets of widgets/ (Sync button, search bar,
 * notice bar, notification, status line) and tells
 * them when the store changed; they tell it what the person did by
 * signals. The window's own writes go through the ForSync actions
 * (companies-window-actions.c), bracketed by the list's _begin_write ()
 * and _end_write ().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-window"

#include "config.h"

#include "companies-editor-window.h"
#include "companies-window-private.h"

/* No row of the list is lower than this, in pixels, whatever the text
 * size (the table's rows are about 32). */
#define HEAD_ROW_MIN_HEIGHT 24

G_DEFINE_FINAL_TYPE (CompaniesWindow, companies_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_COMPANIES,
  PROP_SCHEDULER,
  PROP_STORE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_view_state (CompaniesWindow *self)
{
  const char *page;

  if (self->store == NULL)
    page = "error";
  else if (!companies_company_list_get_loaded (self->companies) &&
           g_list_model_get_n_items (companies_company_list_get_model (self->companies)) == 0)
    page = "loading";  /* the first rows show before the whole is read */
  else if (companies_company_list_get_n_items (self->companies) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (companies_company_list_get_model (self->companies)) == 0)
    page = "no-results";
  else
    page = "list";

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->main_stack, page);
}

/* "N companies" under a search; the list reads its results in the
 * background, so the count follows the model's changes. While a read
 * goes on, the rows shown may be only its first screenful: the count
 * waits for the whole (list_read_finished_cb ()). */
static void
update_search_count (CompaniesWindow *self)
{
  const char *text = companies_company_list_get_search (self->companies);
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  if (text == NULL || *text == '\0')
    companies_search_bar_set_count (self->search, -1);
  else if (!companies_company_list_is_reading (self->companies))
    companies_search_bar_set_count (self->search, (int) n_shown);
}

static void
model_items_changed_cb (CompaniesWindow *self,
                        guint            position,
                        guint            removed,
                        guint            added,
                        GListModel      *model)
{
  /* The application's list outlives the window: a read may end while
   * the window is being disposed, its children gone. */
  if (self->main_stack == NULL)
    return;

  if (removed != added)
    update_view_state (self);
  update_search_count (self);
}

CompaniesCompany *
_companies_window_get_selected (CompaniesWindow *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

guint
_companies_window_get_position (CompaniesWindow  *self,
                                CompaniesCompany *company)
{
  guint position;

  if (company != NULL && companies_company_list_find (self->companies, company, &position))
    return position;

  return GTK_INVALID_LIST_POSITION;
}

void
_companies_window_select (CompaniesWindow  *self,
                          CompaniesCompany *company)
{
  guint position = _companies_window_get_position (self, company);

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, position);
}

/* --- The list following the store --- */

/* The status line lists the rejected companies: read from the file, not
 * found among every row. */
static void
update_rejected (CompaniesWindow *self)
{
  g_autoptr(GPtrArray) rejected = NULL;

  if (self->store != NULL)
    rejected = companies_local_store_read_listed_rejected (self->store, NULL);

  g_list_store_splice (self->rejected, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rejected)),
                       rejected != NULL ? rejected->pdata : NULL, rejected != NULL ? rejected->len : 0);
}

static void
list_read_finished_cb (CompaniesWindow            *self,
                       const CompaniesStoreStatus *status,
                       const GError               *error,
                       CompaniesCompanyList       *companies)
{
  if (self->main_stack == NULL)
    return;

  if (error != NULL)
    companies_notification_show_error (self->notification, error->message);
  update_search_count (self);

  /* A new sort shows the row that was selected, selected still. */
  if (self->reselect != NULL && status != NULL)
    {
      _companies_window_select (self, companies_company_list_lookup (self->companies,
                                                                     companies_company_get_uuid (self->reselect)));
      g_clear_object (&self->reselect);
    }

  update_view_state (self);
  companies_status_line_update (self->status_line, status);
  if (status != NULL)
    update_rejected (self);
}

static void
store_changed_cb (CompaniesWindow      *self,
                  CompaniesCompanyList *companies)
{
  companies_notice_bar_reload (self->notices);
}

/* Our own writes: the list took @written in; what shows follows. */
void
_companies_window_end_write (CompaniesWindow  *self,
                             gint64            version_before,
                             CompaniesCompany *written)
{
  companies_company_list_end_write (self->companies, version_before, written);
  companies_sync_scheduler_local_change (self->scheduler);

  update_rejected (self);
  update_view_state (self);
  companies_status_line_update (self->status_line, NULL);
}

/* --- The sync --- */

static void
sync_finished_cb (CompaniesWindow        *self,
                  CompaniesSyncResult    *result,
                  GError                 *error,
                  CompaniesSyncScheduler *scheduler)
{
  /* The worker's connection wrote: the list reads again (one merge, one
   * items-changed or the few that the changed rows need). A failed sync
   * may have applied some pages before it failed. */
  companies_company_list_refresh_if_changed (self->companies);
  if (result != NULL && (result->overwritten > 0 || result->deleted_edits > 0))
    companies_notice_bar_reload (self->notices);
  /* An open editor whose company was deleted elsewhere offers Save as New. */
  if (self->editor != NULL)
    companies_editor_window_check_deleted (COMPANIES_EDITOR_WINDOW (self->editor));
}

/* --- The editor --- */

static void
editor_saving_cb (CompaniesWindow       *self,
                  CompaniesEditorWindow *editor)
{
  self->editor_version_before = companies_company_list_begin_write (self->companies);
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
  g_signal_connect_object (editor, "history-requested", G_CALLBACK (companies_window_show_history), self, G_CONNECT_SWAPPED);
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

/* Enter or a double click on a row, of the table or the narrow list. */
static void
column_view_activate_cb (CompaniesWindow *self,
                         guint            position,
                         GtkWidget       *view)
{
  g_autoptr(CompaniesCompany) company = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (company != NULL)
    companies_window_edit_company (self, company);
}

static void
rejected_activated_cb (CompaniesWindow     *self,
                       CompaniesCompany    *company,
                       CompaniesStatusLine *status_line)
{
  /* The row of the list, the same object as its cells'. */
  CompaniesCompany *listed = companies_company_list_lookup (self->companies,
                                                            companies_company_get_uuid (company));

  _companies_window_select (self, listed != NULL ? listed : company);
  companies_window_edit_company (self, listed != NULL ? listed : company);
}

/* --- Search --- */

static void
search_changed_cb (CompaniesWindow    *self,
                   const char         *text,
                   CompaniesSearchBar *search)
{
  gint64 started = g_get_monotonic_time ();

  if (self->selection == NULL)
    return;

  /* The results start at the top, nothing selected. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  companies_company_list_set_search (self->companies, text);

  /* The best matches are the first rows: show them. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->rows_scrolled_window), 0);
  update_search_count (self);

  g_debug ("Asked for “%s” in %.1f ms", text, (g_get_monotonic_time () - started) / 1000.0);
}

/* Enter in the search opens the first result. */
static void
search_activated_cb (CompaniesWindow    *self,
                     CompaniesSearchBar *search)
{
  g_autoptr(CompaniesCompany) company = g_list_model_get_item (G_LIST_MODEL (self->selection), 0);

  if (company == NULL)
    return;

  gtk_single_selection_set_selected (self->selection, 0);
  companies_window_edit_company (self, company);
}

static void
search_mode_changed_cb (CompaniesWindow    *self,
                        GParamSpec         *pspec,
                        CompaniesSearchBar *search)
{
  if (self->column_view == NULL)
    return;

  if (companies_search_bar_get_search_mode (search))
    return;

  if (gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
  else if (gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* --- The window --- */

static void
restore_window_state (CompaniesWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (CompaniesWindow *self)
{
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width, height;

  /* The size kept is the unmaximized one. */
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
}

static void
companies_window_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  GTK_WIDGET_CLASS (companies_window_parent_class)->size_allocate (widget, width, height, baseline);

  /* A search's first rows: as many as the window's height could show
   * (no row is under HEAD_ROW_MIN_HEIGHT pixels), not more: GTK makes
   * each one's widgets before the frame. */
  if (COMPANIES_WINDOW (widget)->companies != NULL)
    companies_company_list_set_head_rows (COMPANIES_WINDOW (widget)->companies,
                                          (guint) (height / HEAD_ROW_MIN_HEIGHT) + 1);
  _companies_window_update_layout (COMPANIES_WINDOW (widget), width);
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

/* companies → selection, over the application's list (whose first read
 * may have started before the window). */
static void
setup_models (CompaniesWindow *self)
{
  self->selection = gtk_single_selection_new (g_object_ref (companies_company_list_get_model (self->companies)));
  companies_company_list_set_widget (self->companies, GTK_WIDGET (self));
  self->rejected = g_list_store_new (COMPANIES_TYPE_COMPANY);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* The two-line rows get the model once they show
   * (companies-window-layout.c): hidden, they would make and measure
   * their rows for nothing, at the start and on every change. */
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  _companies_window_update_sort (self);

  g_signal_connect_object (companies_company_list_get_model (self->companies), "items-changed",
                           G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
companies_window_constructed (GObject *object)
{
  CompaniesWindow *self = (CompaniesWindow *) object;

  G_OBJECT_CLASS (companies_window_parent_class)->constructed (object);

  g_assert (self->settings != NULL && self->companies != NULL && self->scheduler != NULL);

  self->store = companies_company_list_get_store (self->companies);
  if (self->store != NULL)
    g_object_ref (self->store);

  if (self->store_error != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (self->store_error->message, -1);

      adw_status_page_set_description (self->error_page, escaped);
    }

  /* The kept sort first, so that the first read is sorted once. */
  _companies_window_sort_init (self);
  setup_models (self);

  restore_window_state (self);

  g_object_bind_property (self->scheduler, "is-syncing",
                          self->sync_button, "syncing",
                          G_BINDING_SYNC_CREATE);
  g_object_set (self->status_line,
                "store", self->store,
                "scheduler", self->scheduler,
                "companies", self->rejected,
                NULL);
  g_object_set (self->notices, "store", self->store, NULL);

  g_signal_connect_object (self->scheduler, "sync-finished",
                           G_CALLBACK (sync_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->companies, "read-finished",
                           G_CALLBACK (list_read_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->companies, "store-changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);

  companies_notice_bar_reload (self->notices);

  update_view_state (self);
  /* The counts come with the list's first read, from its worker: read
   * here, on the main thread before the first frame, they scan every
   * company. A list already read (a new window) has none to bring. */
  if (companies_company_list_get_loaded (self->companies))
    companies_status_line_update (self->status_line, NULL);
  _companies_window_actions_init (self);
  _companies_window_csv_init (self);
}

static void
companies_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CompaniesWindow *self = COMPANIES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_COMPANIES:
      self->companies = g_value_dup_object (value);
      break;
    case PROP_SCHEDULER:
      self->scheduler = g_value_dup_object (value);
      break;
    case PROP_STORE_ERROR:
      self->store_error = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CompaniesWindow *self = COMPANIES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_COMPANIES:
      g_value_set_object (value, self->companies);
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;
    case PROP_STORE_ERROR:
      g_value_set_boxed (value, self->store_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_window_dispose (GObject *object)
{
  CompaniesWindow *self = (CompaniesWindow *) object;

  if (self->editor != NULL)
    gtk_window_destroy (g_steal_pointer (&self->editor));
  g_clear_handle_id (&self->layout_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), COMPANIES_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->reselect);
  g_clear_object (&self->rejected);
  g_clear_object (&self->companies);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (companies_window_parent_class)->dispose (object);
}

static void
companies_window_finalize (GObject *object)
{
  CompaniesWindow *self = (CompaniesWindow *) object;

  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (companies_window_parent_class)->finalize (object);
}

static void
companies_window_class_init (CompaniesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = companies_window_constructed;
  object_class->dispose = companies_window_dispose;
  object_class->finalize = companies_window_finalize;
  object_class->get_property = companies_window_get_property;
  object_class->set_property = companies_window_set_property;

  widget_class->size_allocate = companies_window_size_allocate;
  window_class->close_request = companies_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPANIES] =
    g_param_spec_object ("companies", NULL, NULL,
                         COMPANIES_TYPE_COMPANY_LIST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL,
                         COMPANIES_TYPE_SYNC_SCHEDULER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE_ERROR] =
    g_param_spec_boxed ("store-error", NULL, NULL,
                        G_TYPE_ERROR,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (COMPANIES_TYPE_NOTIFICATION);
  g_type_ensure (COMPANIES_TYPE_NOTICE_BAR);
  g_type_ensure (COMPANIES_TYPE_SEARCH_BAR);
  g_type_ensure (COMPANIES_TYPE_STATUS_LINE);
  g_type_ensure (COMPANIES_TYPE_SYNC_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Companies/companies-window.ui");

  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, search);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, notices);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, rows_scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, notification);
  gtk_widget_class_bind_template_child (widget_class, CompaniesWindow, status_line);

  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, rejected_activated_cb);

  _companies_window_class_actions_init (widget_class);
}

static void
companies_window_init (CompaniesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  _companies_window_columns_init (self);
  _companies_window_layout_init (self);

  /* Search: Ctrl+F, the toggle button, or just typing. */
  g_object_set (self->search, "key-capture-widget", self, NULL);
  g_object_bind_property (self->search_button, "active",
                          self->search, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

CompaniesWindow *
companies_window_new (GtkApplication         *application,
                      GSettings              *settings,
                      CompaniesCompanyList   *companies,
                      CompaniesSyncScheduler *scheduler,
                      const GError           *store_error)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (companies), NULL);
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (scheduler), NULL);

  return g_object_new (COMPANIES_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       "companies", companies,
                       "scheduler", scheduler,
                       "store-error", store_error,
                       NULL);
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

  return companies_company_list_get_loaded (self->companies);
}
