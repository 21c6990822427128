/* model-edits.h: the local edits of the model test's clients: those that
 * must still reach the server, those a delete on the server beat (which
 * must be in a notice at their client, docs/notices.md), and every edit
 * made, for the invariant that none vanishes (model-vanish.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-fields.h"
#include "companies-protocol.h"

G_BEGIN_DECLS

typedef struct _ModelEdits ModelEdits;

ModelEdits *model_edits_new              (void);
void        model_edits_free             (ModelEdits            *self);
/* @client_id's record @uuid holds @values in the fields of @mask; when
 * the server already @deleted it, the edit is lost to that delete. */
void        model_edits_expect           (ModelEdits            *self,
                                          gboolean               deleted,
                                          const char            *client_id,
                                          const char            *uuid,
                                          guint                  mask,
                                          const char * const    *values);
/* The client deleted @uuid itself: its edits no longer count. */
void        model_edits_forget           (ModelEdits            *self,
                                          const char            *client_id,
                                          const char            *uuid);
/* The server deleted @uuid: its unsent edits are lost to the delete. */
void        model_edits_deleted          (ModelEdits            *self,
                                          const char            *uuid);
/* A request of @client_id brought the fields of @change to the server. */
void        model_edits_sent             (ModelEdits            *self,
                                          const char            *client_id,
                                          const char            *uuid,
                                          const CompaniesChange *change);
/* The edits still unsent, one a line; NULL when there is none. */
char       *model_edits_describe_unsent  (ModelEdits            *self);

typedef void (*ModelEditsLostFunc) (const char     *client_id,
                                    const char     *uuid,
                                    CompaniesField  field,
                                    const char     *value,
                                    gpointer        user_data);
/* Calls @func for every edit lost to a delete on the server. */
void        model_edits_foreach_lost     (ModelEdits            *self,
                                          ModelEditsLostFunc     func,
                                          gpointer               user_data);
/* Calls @func for every edit made (value by field, client and record),
 * but those their own client replaced or deleted before they left it:
 * those never were anywhere but in that client. */
void        model_edits_foreach_made     (ModelEdits            *self,
                                          ModelEditsLostFunc     func,
                                          gpointer               user_data);

G_END_DECLS
