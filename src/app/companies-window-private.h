/* companies-window-private.h: what the files of CompaniesWindow share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-company-list.h"
#include "companies-local-store.h"
#include "companies-search-filter.h"
#include "companies-search-model.h"
#include "companies-sync-scheduler.h"
#include "companies-window.h"

G_BEGIN_DECLS

struct _CompaniesWindow
{
  GtkApplicationWindow    parent_instance;

  /* Template widgets */
  GtkButton              *sync_button;
  GtkStack               *sync_button_stack;
  GtkSpinner             *sync_spinner;
  GtkToggleButton        *search_button;
  GtkMenuButton          *primary_menu_button;
  GtkSearchBar           *search_bar;
  GtkSearchEntry         *search_entry;
  GtkInfoBar             *overwritten_bar;
  GtkLabel               *overwritten_label;
  GtkStack               *main_stack;
  GtkSpinner             *loading_spinner;
  GtkScrolledWindow      *scrolled_window;
  GtkColumnView          *column_view;
  GtkColumnViewColumn    *state_column;
  GtkColumnViewColumn    *name_column;
  GtkColumnViewColumn    *city_column;
  GtkColumnViewColumn    *country_column;
  GtkColumnViewColumn    *phone_column;
  GtkColumnViewColumn    *email_column;
  GtkLabel               *error_label;
  GtkButton              *empty_add_button;
  GtkRevealer            *undo_revealer;
  GtkLabel               *undo_label;
  GtkProgressBar         *progress_bar;
  GtkLabel               *status_label;
  GtkMenuButton          *rejected_button;
  GtkPopover             *rejected_popover;
  GtkListBox             *rejected_list;

  /* The model chain: companies → sort → filter → selection */
  CompaniesCompanyList   *companies;
  GtkSortListModel       *sort_model;
  CompaniesSearchFilter  *search_filter;
  CompaniesSearchModel   *filter_model;
  GtkSingleSelection     *selection;

  CompaniesLocalStore    *store;      /* NULL when it could not be opened */
  CompaniesSyncScheduler *scheduler;
  GCancellable           *cancellable;
  GtkWindow              *editor;
  gint64                  editor_version_before;

  /* Keeping the list in step with the database file */
  gint64                  known_data_version;
  gint64                  loading_data_version;
  gint64                  loading_started;
  guint                   data_version_source;

  guint                   status_source;
  guint                   undo_source;

  /* The last deleted company, for Undo */
  CompaniesCompany       *deleted_company;
  /* CompaniesOverwrittenNotice, newest first */
  GPtrArray              *overwritten;

  /* The win. actions' enabled state as last set, by bit */
  guint                   known_actions;
  guint                   enabled_actions;

  guint                   loaded : 1;
  guint                   loading : 1;
  guint                   reload_again : 1;
  guint                   wrote_while_loading : 1;
  guint                   first_sync : 1;
};

/* companies-window.c */
void     _companies_window_reload               (CompaniesWindow  *self);
void     _companies_window_refresh_if_changed   (CompaniesWindow  *self);
gint64   _companies_window_begin_write          (CompaniesWindow  *self);
void     _companies_window_end_write            (CompaniesWindow  *self,
                                                 gint64            version_before,
                                                 CompaniesCompany *written);
CompaniesCompany *_companies_window_get_selected (CompaniesWindow *self);
void     _companies_window_select               (CompaniesWindow  *self,
                                                 CompaniesCompany *company);
void     _companies_window_show_error           (CompaniesWindow  *self,
                                                 const char       *message);

/* companies-window-columns.c */
void     _companies_window_columns_init         (CompaniesWindow  *self);
void     _companies_window_update_watched       (CompaniesWindow  *self);

/* companies-window-actions.c */
void     _companies_window_class_actions_init   (GtkWidgetClass   *widget_class);
void     _companies_window_update_actions       (CompaniesWindow  *self);

/* companies-window-status.c */
void     _companies_window_status_init          (CompaniesWindow  *self);
void     _companies_window_update_status        (CompaniesWindow  *self);
void     _companies_window_show_status          (CompaniesWindow            *self,
                                                 const CompaniesStoreStatus *known);
void     _companies_window_reload_overwritten   (CompaniesWindow  *self);
void     _companies_window_show_undo            (CompaniesWindow  *self,
                                                 CompaniesCompany *deleted);
void     _companies_window_hide_undo            (CompaniesWindow  *self);
void     _companies_window_rejected_popover_show_cb
                                                (CompaniesWindow  *self,
                                                 GtkPopover       *popover);
void     _companies_window_rejected_row_activated_cb
                                                (CompaniesWindow  *self,
                                                 GtkListBoxRow    *row,
                                                 GtkListBox       *list);

G_END_DECLS
