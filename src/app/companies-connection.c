/* companies-connection.c: the server the app talks to and its access
 * token, and whether that connection works.
 *
 * The address lives in GSettings ("server-url"), the token in the keyring
 * (CompaniesTokenStore), one token a server. Reading and keeping the
 * token may block (D-Bus, a prompt to unlock the keyring), so it runs in
 * a GTask thread; the sync client gets the token only once it is read, so
 * the scheduler starts only then. When the address changes, the client
 * drops the old server's token before it takes the new address: a token
 * never goes to another server.
 *
 * A test first asks the server's health answer (companies_server_check ()),
 * so that nothing is sent to an address that is not a Companies server,
 * then syncs at once through the scheduler; the sync tells whether the
 * token is taken.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-connection"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "companies-connection-private.h"
#include "companies-server-check.h"
#include "companies-server-url.h"


G_DEFINE_FINAL_TYPE (CompaniesConnection, companies_connection, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (CompaniesConnectionState, companies_connection_state,
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_UNTESTED, "untested"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_TESTING, "testing"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_OK, "ok"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_UNAUTHORIZED, "unauthorized"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_TLS, "tls"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_NOT_COMPANIES, "not-companies"),
  G_DEFINE_ENUM_VALUE (COMPANIES_CONNECTION_FAILED, "failed"))

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_TOKEN_LOADED,
  PROP_TOKEN_IN_FILE,
  PROP_STATE,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
get_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

void
_companies_connection_wipe_free (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static CompaniesSyncClient *
get_client (CompaniesConnection *self)
{
  return companies_sync_scheduler_get_client (self->scheduler);
}

void
_companies_connection_set_state (CompaniesConnection      *self,
                                 CompaniesConnectionState  state,
                                 const char               *message)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
}

/* A failed health answer or sync, as the state a person reads. */
static void
set_state_from_error (CompaniesConnection *self,
                      const GError        *error,
                      gboolean             from_check)
{
  CompaniesConnectionState state = COMPANIES_CONNECTION_FAILED;

  if (error->domain == COMPANIES_SYNC_ERROR)
    {
      switch (error->code)
        {
        case COMPANIES_SYNC_ERROR_NETWORK:
          state = COMPANIES_CONNECTION_UNREACHABLE;
          break;
        case COMPANIES_SYNC_ERROR_UNAUTHORIZED:
          state = COMPANIES_CONNECTION_UNAUTHORIZED;
          break;
        case COMPANIES_SYNC_ERROR_CERTIFICATE:
          state = COMPANIES_CONNECTION_TLS;
          break;
        case COMPANIES_SYNC_ERROR_PROTOCOL:
          state = from_check ? COMPANIES_CONNECTION_NOT_COMPANIES : COMPANIES_CONNECTION_FAILED;
          break;
        default:
          break;
        }
    }

  if (state == COMPANIES_CONNECTION_UNAUTHORIZED)
    _companies_connection_set_state (self, state, _("The server refused the access token"));
  else
    _companies_connection_set_state (self, state, error->message);
}

/* --- The sync that ends a test --- */

static void
scheduler_is_syncing_cb (CompaniesConnection    *self,
                         GParamSpec             *pspec,
                         CompaniesSyncScheduler *scheduler)
{
  const GError *error;

  if (!self->waiting_for_sync || companies_sync_scheduler_get_is_syncing (scheduler))
    return;

  /* Every sync asked for until now has ended, ours the last. */
  self->waiting_for_sync = FALSE;
  error = companies_sync_scheduler_get_last_error (scheduler);
  if (error != NULL)
    set_state_from_error (self, error, FALSE);
  else
    _companies_connection_set_state (self, COMPANIES_CONNECTION_OK, _("Connected: synced just now"));
}

/* --- The health check --- */

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CompaniesSyncConfig *config = task_data;
  GError *error = NULL;

  if (companies_server_check (config, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
check_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CompaniesConnection *self = COMPANIES_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (GPOINTER_TO_UINT (user_data) == self->test_serial)
        set_state_from_error (self, error, TRUE);
      return;
    }

  if (GPOINTER_TO_UINT (user_data) != self->test_serial)
    return;

  self->waiting_for_sync = TRUE;
  companies_sync_scheduler_sync_now (self->scheduler);
  /* Nothing to wait for when it could not start (the store is missing). */
  scheduler_is_syncing_cb (self, NULL, self->scheduler);
}

void
companies_connection_test (CompaniesConnection *self)
{
  CompaniesSyncClient *client;
  g_autoptr(GTask) task = NULL;
  CompaniesSyncConfig *config;

  g_return_if_fail (COMPANIES_IS_CONNECTION (self));

  self->test_serial++;
  self->waiting_for_sync = FALSE;
  _companies_connection_set_state (self, COMPANIES_CONNECTION_TESTING, _("Testing the connection…"));

  /* The token first: the test ends with a sync that needs it. */
  if (self->token_busy)
    {
      self->test_when_loaded = TRUE;
      return;
    }

  client = get_client (self);
  config = companies_sync_config_new (NULL, self->server_url, NULL,
                                      companies_sync_client_get_tls_ca_file (client));

  task = g_task_new (self, self->cancellable, check_done_cb, GUINT_TO_POINTER (self->test_serial));
  g_task_set_source_tag (task, companies_connection_test);
  g_task_set_task_data (task, config, (GDestroyNotify) companies_sync_config_free);
  g_task_run_in_thread (task, check_thread);
}

/* --- The address --- */

static void
apply_server_url (CompaniesConnection *self,
                  char                *url)
{
  CompaniesSyncClient *client = get_client (self);

  g_free (self->server_url);
  self->server_url = url;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);

  /* The old server's token never goes to the new one. */
  if (!self->token_overridden)
    {
      companies_sync_client_set_token (client, NULL);
      g_clear_pointer (&self->token, _companies_connection_wipe_free);
    }
  companies_sync_client_set_server_url (client, url);

  if (!self->token_overridden)
    _companies_connection_load_token (self, NULL);

  companies_connection_test (self);
}

static void
server_url_changed_cb (CompaniesConnection *self,
                       const char          *key,
                       GSettings           *settings)
{
  g_autofree char *value = NULL;
  char *url;

  if (self->server_url_overridden)
    return;

  value = g_settings_get_string (settings, "server-url");
  url = companies_server_url_normalize (value);
  if (url == NULL || g_strcmp0 (url, self->server_url) == 0)
    {
      g_free (url);
      return;
    }

  apply_server_url (self, url);
}

gboolean
companies_connection_set_server_url (CompaniesConnection  *self,
                                     const char           *text,
                                     GError              **error)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (!self->server_url_overridden, FALSE);

  url = companies_server_url_normalize (text);
  if (url == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Enter an address such as %s"), COMPANIES_DEFAULT_SERVER_URL);
      return FALSE;
    }

  /* The same address again: test it all the same, as asked. */
  if (g_strcmp0 (url, self->server_url) == 0)
    {
      g_settings_set_string (self->settings, "server-url", url);
      companies_connection_test (self);
      return TRUE;
    }

  /* changed::server-url applies it. */
  g_settings_set_string (self->settings, "server-url", url);

  return TRUE;
}

gboolean
companies_connection_is_switch (CompaniesConnection *self,
                                const char          *server_url,
                                guint               *out_unsynced)
{
  g_autofree char *url = companies_server_url_normalize (server_url);
  CompaniesStoreStatus status = { 0, };

  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), FALSE);

  if (out_unsynced != NULL)
    *out_unsynced = 0;

  if (url == NULL || g_strcmp0 (url, self->server_url) == 0 || self->store == NULL)
    return FALSE;

  if (!companies_local_store_get_status (self->store, &status, NULL))
    return FALSE;

  if (out_unsynced != NULL)
    *out_unsynced = status.pending_added + status.pending_updated + status.pending_deleted;

  return status.has_cursor;
}

/* --- The object --- */

void
companies_connection_start (CompaniesConnection *self)
{
  g_return_if_fail (COMPANIES_IS_CONNECTION (self));

  if (self->token_loaded)
    companies_sync_scheduler_start (self->scheduler);
  else
    self->start_when_loaded = TRUE;
}

const char *
companies_connection_get_server_url (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), NULL);

  return self->server_url;
}

gboolean
companies_connection_get_server_url_overridden (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), FALSE);

  return self->server_url_overridden;
}

gboolean
companies_connection_get_token_overridden (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), FALSE);

  return self->token_overridden;
}

gboolean
companies_connection_get_token_loaded (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), FALSE);

  return self->token_loaded;
}

gboolean
companies_connection_get_token_in_file (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), FALSE);

  return self->token_in_file;
}

char *
companies_connection_dup_token (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), NULL);

  return g_strdup (self->token);
}

CompaniesConnectionState
companies_connection_get_state (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), COMPANIES_CONNECTION_FAILED);

  return self->state;
}

const char *
companies_connection_get_message (CompaniesConnection *self)
{
  g_return_val_if_fail (COMPANIES_IS_CONNECTION (self), NULL);

  return self->message;
}

static void
companies_connection_dispose (GObject *object)
{
  CompaniesConnection *self = (CompaniesConnection *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);
  g_clear_object (&self->tokens);

  G_OBJECT_CLASS (companies_connection_parent_class)->dispose (object);
}

static void
companies_connection_finalize (GObject *object)
{
  CompaniesConnection *self = (CompaniesConnection *) object;

  g_free (self->server_url);
  _companies_connection_wipe_free (self->token);
  g_free (self->message);

  G_OBJECT_CLASS (companies_connection_parent_class)->finalize (object);
}

static void
companies_connection_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CompaniesConnection *self = COMPANIES_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_TOKEN_LOADED:
      g_value_set_boolean (value, self->token_loaded);
      break;
    case PROP_TOKEN_IN_FILE:
      g_value_set_boolean (value, self->token_in_file);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_connection_class_init (CompaniesConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = companies_connection_dispose;
  object_class->finalize = companies_connection_finalize;
  object_class->get_property = companies_connection_get_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN_LOADED] =
    g_param_spec_boolean ("token-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN_IN_FILE] =
    g_param_spec_boolean ("token-in-file", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       COMPANIES_TYPE_CONNECTION_STATE, COMPANIES_CONNECTION_UNTESTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
companies_connection_init (CompaniesConnection *self)
{
  self->cancellable = g_cancellable_new ();
}

CompaniesConnection *
companies_connection_new (GSettings              *settings,
                          CompaniesSyncScheduler *scheduler,
                          CompaniesLocalStore    *store,
                          CompaniesTokenStore    *tokens)
{
  CompaniesConnection *self;
  g_autofree char *setting = NULL;
  g_autofree char *app_url = NULL;
  const char *env_url = get_env ("COMPANIES_SERVER_URL");
  const char *env_token = get_env ("COMPANIES_TOKEN");

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (COMPANIES_IS_SYNC_SCHEDULER (scheduler), NULL);
  g_return_val_if_fail (store == NULL || COMPANIES_IS_LOCAL_STORE (store), NULL);
  g_return_val_if_fail (COMPANIES_IS_TOKEN_STORE (tokens), NULL);

  self = g_object_new (COMPANIES_TYPE_CONNECTION, NULL);
  self->settings = g_object_ref (settings);
  self->scheduler = g_object_ref (scheduler);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->tokens = g_object_ref (tokens);

  setting = g_settings_get_string (settings, "server-url");
  app_url = companies_server_url_normalize (setting);
  if (app_url == NULL)
    app_url = g_strdup (COMPANIES_DEFAULT_SERVER_URL);

  self->server_url_overridden = env_url != NULL;
  self->server_url = env_url != NULL ? g_strdup (env_url) : g_strdup (app_url);
  companies_sync_client_set_server_url (get_client (self), self->server_url);

  self->token_overridden = env_token != NULL;
  if (self->token_overridden)
    _companies_connection_take_token (self, g_strdup (env_token));
  else
    _companies_connection_load_token (self, app_url);

  g_signal_connect_object (settings, "changed::server-url",
                           G_CALLBACK (server_url_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scheduler, "notify::is-syncing",
                           G_CALLBACK (scheduler_is_syncing_cb), self, G_CONNECT_SWAPPED);

  return self;
}
