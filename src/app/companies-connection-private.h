/* companies-connection-private.h: what the files of CompaniesConnection
 * share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-connection.h"

G_BEGIN_DECLS

struct _CompaniesConnection
{
  GObject                  parent_instance;

  GSettings               *settings;
  CompaniesSyncScheduler  *scheduler;
  CompaniesLocalStore     *store;
  CompaniesTokenStore     *tokens;
  GCancellable            *cancellable;

  char                    *server_url;
  char                    *token;
  gboolean                 server_url_overridden;
  gboolean                 token_overridden;
  gboolean                 token_loaded;   /* that of server_url is read */
  gboolean                 token_busy;     /* a read or save is running */
  gboolean                 token_in_file;
  gboolean                 start_when_loaded;
  gboolean                 test_when_loaded;

  /* Each token read or test has a number; a result whose number is not
   * the latest is dropped (the address or token changed meanwhile). */
  guint                    token_serial;
  guint                    test_serial;
  gboolean                 waiting_for_sync;

  CompaniesConnectionState state;
  char                    *message;
};

/* Frees a secret, zeroed first. */
void _companies_connection_wipe_free  (char                     *secret);
void _companies_connection_set_state  (CompaniesConnection      *self,
                                       CompaniesConnectionState  state,
                                       const char               *message);

/* companies-connection-token.c */

/* Reads the token of server_url (after moving older files' tokens to
 * @migrate_url's, unless NULL), then takes it. */
void _companies_connection_load_token (CompaniesConnection      *self,
                                       const char               *migrate_url);
/* Hands @token (owned; NULL for none) to the client; starts the scheduler
 * or the test that waited for it. */
void _companies_connection_take_token (CompaniesConnection      *self,
                                       char                     *token);

G_END_DECLS
