/* companies-window-private.h: what the files of CompaniesWindow share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-company-list.h"
#include "companies-local-store.h"
#include "companies-local-store-view.h"
#include "companies-notification.h"
#include "companies-notice-bar.h"
#include "companies-search-bar.h"
#include "companies-status-line.h"
#include "companies-sync-button.h"
#include "companies-sync-scheduler.h"
#include "companies-window.h"

G_BEGIN_DECLS

struct _CompaniesWindow
{
  AdwApplicationWindow     parent_instance;

  /* Template widgets */
  CompaniesSyncButton     *sync_button;
  GtkToggleButton         *search_button;
  CompaniesSearchBar      *search;
  CompaniesNoticeBar *notices;
  GtkStack                *main_stack;
  GtkSpinner              *loading_spinner;
  GtkStack                *list_stack;
  GtkScrolledWindow       *scrolled_window;
  GtkColumnView           *column_view;
  GtkScrolledWindow       *rows_scrolled_window;
  GtkListView             *list_view;
  AdwStatusPage           *error_page;
  CompaniesNotification   *notification;
  CompaniesStatusLine     *status_line;

  /* The model chain: companies → selection */
  CompaniesCompanyList    *companies;
  GtkSingleSelection      *selection;
  CompaniesCompany        *reselect;   /* selected when the sort changed */
  GListStore              *rejected;   /* what the status line lists */

  /* Construct properties */
  GSettings               *settings;
  CompaniesSyncScheduler  *scheduler;
  GError                  *store_error;

  CompaniesLocalStore     *store;      /* the list's; NULL when it could not be opened */
  GtkWindow               *editor;
  gint64                   editor_version_before;

  /* The layout by width: as shown, as wanted (see -layout.c) */
  gboolean                 narrow;
  gboolean                 want_narrow;
  gboolean                 want_country;
  guint                    layout_source;

  /* The win. actions' enabled state as last set, by bit */
  guint                    known_actions;
  guint                    enabled_actions;
};

/* companies-window.c */
void     _companies_window_end_write            (CompaniesWindow  *self,
                                                 gint64            version_before,
                                                 CompaniesCompany *written);
CompaniesCompany *_companies_window_get_selected (CompaniesWindow *self);
/* The position of @company in the list as shown, or GTK_INVALID_LIST_POSITION. */
guint    _companies_window_get_position         (CompaniesWindow  *self,
                                                 CompaniesCompany *company);
void     _companies_window_select               (CompaniesWindow  *self,
                                                 CompaniesCompany *company);

/* companies-window-columns.c */
void     _companies_window_columns_init         (CompaniesWindow  *self);
/* Tells the list the sort of the column view. */
void     _companies_window_update_sort          (CompaniesWindow  *self);

/* companies-window-csv.c: the CSV actions and the drop target. */
void     _companies_window_csv_init             (CompaniesWindow  *self);
void     _companies_window_import_action        (GtkWidget        *widget,
                                                 const char       *action_name,
                                                 GVariant         *parameter);
void     _companies_window_export_action        (GtkWidget        *widget,
                                                 const char       *action_name,
                                                 GVariant         *parameter);

/* companies-window-layout.c */
void     _companies_window_layout_init          (CompaniesWindow  *self);
void     _companies_window_update_layout        (CompaniesWindow  *self,
                                                 int               width);
/* The company of the row with the keyboard focus, or NULL. */
CompaniesCompany *_companies_window_get_focused (CompaniesWindow  *self);

/* companies-window-sort.c */
void     _companies_window_sort_init            (CompaniesWindow  *self);

/* companies-window-history.c: the last sync was refused read_only */
gboolean _companies_window_is_read_only         (CompaniesWindow  *self);

/* companies-window-actions.c */
void     _companies_window_class_actions_init   (GtkWidgetClass   *widget_class);
/* Keeps the actions' enabled state in step with the window's. */
void     _companies_window_actions_init         (CompaniesWindow  *self);

G_END_DECLS
