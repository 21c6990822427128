/* companies-connection.h: the server the app talks to and its access
 * token, and whether that connection works.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "companies-local-store.h"
#include "companies-sync-scheduler.h"
#include "companies-token-store.h"

G_BEGIN_DECLS

/* What the last connection test found. */
typedef enum
{
  COMPANIES_CONNECTION_UNTESTED,     /* no test in this session yet */
  COMPANIES_CONNECTION_TESTING,
  COMPANIES_CONNECTION_OK,           /* a Companies server, the token taken, synced */
  COMPANIES_CONNECTION_UNREACHABLE,
  COMPANIES_CONNECTION_UNAUTHORIZED, /* the server refused the token */
  COMPANIES_CONNECTION_TLS,          /* the secure connection failed */
  COMPANIES_CONNECTION_NOT_COMPANIES,/* it answered, but not as a Companies server */
  COMPANIES_CONNECTION_FAILED,       /* anything else: the message says */
} CompaniesConnectionState;

GType companies_connection_state_get_type (void);
#define COMPANIES_TYPE_CONNECTION_STATE (companies_connection_state_get_type ())

#define COMPANIES_TYPE_CONNECTION (companies_connection_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesConnection, companies_connection, COMPANIES, CONNECTION, GObject)

/* Properties, all read-only and notified on the main context:
 *   "server-url"     the address in use (normalized)
 *   "token-loaded"   the token of that address has been read (FALSE
 *                    again while the token of a new address is read)
 *   "token-in-file"  no keyring runs: the token is kept in a private file
 *   "state"          CompaniesConnectionState of the last test
 *   "message"        that state said for a person
 *
 * COMPANIES_SERVER_URL and COMPANIES_TOKEN win over the setting and the
 * keyring for the session (see the _overridden getters). */

/* Reads the token of the app's server (moving older versions' token file
 * into the keyring first) and hands address and token to the scheduler's
 * client. @store (may be NULL) tells whether the list holds a server's
 * data and how much waits to be synced. */
CompaniesConnection *companies_connection_new                  (GSettings              *settings,
                                                                CompaniesSyncScheduler *scheduler,
                                                                CompaniesLocalStore    *store,
                                                                CompaniesTokenStore    *tokens);

/* Starts the scheduler as soon as the token has been read. */
void                 companies_connection_start                (CompaniesConnection    *self);

const char          *companies_connection_get_server_url       (CompaniesConnection    *self);
gboolean             companies_connection_get_server_url_overridden (CompaniesConnection *self);
gboolean             companies_connection_get_token_overridden (CompaniesConnection    *self);
gboolean             companies_connection_get_token_loaded     (CompaniesConnection    *self);
gboolean             companies_connection_get_token_in_file    (CompaniesConnection    *self);
/* The token in use, NULL for none. Never log it. */
char                *companies_connection_dup_token            (CompaniesConnection    *self);
CompaniesConnectionState companies_connection_get_state        (CompaniesConnection    *self);
const char          *companies_connection_get_message          (CompaniesConnection    *self);

/* Whether moving to @server_url leaves a server whose data the list
 * holds (then ask first); *out_unsynced is the number of local changes
 * not yet synced, which go to the new server. */
gboolean             companies_connection_is_switch            (CompaniesConnection    *self,
                                                                const char             *server_url,
                                                                guint                  *out_unsynced);
/* Sets the app's server address (the setting); its token is read, then
 * the connection tested. FALSE with G_IO_ERROR_INVALID_ARGUMENT when
 * @text is not an address. */
gboolean             companies_connection_set_server_url       (CompaniesConnection    *self,
                                                                const char             *text,
                                                                GError                **error);
/* Keeps @token for the server in use (NULL or "" removes it), then
 * tests the connection; a failure to keep it is the state FAILED. */
void                 companies_connection_set_token            (CompaniesConnection    *self,
                                                                const char             *token);
/* Asks the server's health answer (nothing is sent to an address that is
 * not a Companies server), then syncs at once: the state says how it went. */
void                 companies_connection_test                 (CompaniesConnection    *self);

G_END_DECLS
