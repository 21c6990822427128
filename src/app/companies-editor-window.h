/* companies-editor-window.h: the window that adds or edits one company.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company.h"
#include "companies-local-store.h"

G_BEGIN_DECLS

#define COMPANIES_TYPE_EDITOR_WINDOW (companies_editor_window_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesEditorWindow, companies_editor_window, COMPANIES, EDITOR_WINDOW, GtkWindow)

/* Signals:
 *   "history-requested" (CompaniesCompany *company): History was clicked.
 *   "saving" (): just before the store is written.
 *   "saved" (CompaniesCompany *stored): the store holds the change; the
 *     window closes itself afterwards. */

/* @company NULL: a new company. The editor works on a copy: the list may
 * refresh @company meanwhile, and only the fields the person changed are
 * written. */
CompaniesEditorWindow *companies_editor_window_new            (GtkWindow             *parent,
                                                               CompaniesLocalStore   *store,
                                                               CompaniesCompany      *company);
/* Looks the company up again: once it is gone (deleted elsewhere), Save
 * becomes Save as New, which creates a new company from the fields. */
void                   companies_editor_window_check_deleted  (CompaniesEditorWindow *self);
gboolean               companies_editor_window_get_save_as_new
                                                              (CompaniesEditorWindow *self);
/* The uuid of the company edited, NULL for a new one. */
const char            *companies_editor_window_get_uuid       (CompaniesEditorWindow *self);
/* The entry of a one-line field (a GtkEditable), or the GtkTextView of
 * the notes. */
GtkWidget             *companies_editor_window_get_field_widget
                                                              (CompaniesEditorWindow *self,
                                                               CompaniesField         field);
/* The message shown under a field, NULL when it is valid or not shown. */
const char            *companies_editor_window_get_field_message
                                                              (CompaniesEditorWindow *self,
                                                               CompaniesField         field);
/* The notice at the top (the server's reason for a refused company, or
 * why saving failed), NULL when hidden. */
const char            *companies_editor_window_get_banner_text
                                                              (CompaniesEditorWindow *self);

G_END_DECLS
