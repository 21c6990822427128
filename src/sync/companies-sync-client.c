/* companies-sync-client.c: the CompaniesSyncClient object: its
 * properties, the SQLite connection and SoupSession it keeps for its runs
 * (one run at a time), and the blocking sync. sync_async, which runs the
 * same sync in a worker thread and coalesces the requests that arrive
 * meanwhile, is companies-sync-client-async.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include "companies-sync-client-private.h"
#include "companies-sync-run.h"

G_DEFINE_FINAL_TYPE (CompaniesSyncClient, companies_sync_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_SERVER_URL,
  PROP_TOKEN,
  PROP_IS_SYNCING,
  PROP_TLS_CA_FILE,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What a run needs, copied when it starts: the worker never reads the
 * client's properties. */
CompaniesSyncConfig *
companies_sync_client_dup_config (CompaniesSyncClient *self)
{
  CompaniesSyncConfig *config;

  g_mutex_lock (&self->lock);
  config = companies_sync_config_new (self->database_path, self->server_url, self->token,
                                      self->tls_ca_file);
  if (self->request_deadline != 0)
    config->request_deadline = self->request_deadline;
  config->report_applied = self->report_applied;
  g_mutex_unlock (&self->lock);

  return config;
}

/* The cache for one run (@watch: one watch): the kept one, or (while
 * another holds it, e.g. two blocking syncs in two threads) a new one. */
CompaniesSyncCache *
companies_sync_client_take_cache (CompaniesSyncClient *self,
                                  gboolean             watch)
{
  CompaniesSyncCache **slot = watch ? &self->watch_cache : &self->cache;
  CompaniesSyncCache *cache;

  g_mutex_lock (&self->cache_lock);
  cache = g_steal_pointer (slot);
  g_mutex_unlock (&self->cache_lock);

  return cache != NULL ? cache : companies_sync_cache_new ();
}

void
companies_sync_client_give_back_cache (CompaniesSyncClient *self,
                                       gboolean             watch,
                                       CompaniesSyncCache  *cache)
{
  CompaniesSyncCache **slot = watch ? &self->watch_cache : &self->cache;

  g_mutex_lock (&self->cache_lock);
  if (*slot == NULL)
    *slot = g_steal_pointer (&cache);
  g_mutex_unlock (&self->cache_lock);

  companies_sync_cache_free (cache);
}

CompaniesLocalStore *
companies_sync_client_take_store (CompaniesSyncClient *self)
{
  CompaniesSyncCache *cache;
  CompaniesLocalStore *store;

  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), NULL);

  cache = companies_sync_client_take_cache (self, FALSE);
  store = companies_sync_cache_steal_store (cache);
  companies_sync_client_give_back_cache (self, FALSE, cache);

  return store;
}

CompaniesSyncResult *
companies_sync_client_run_with_cache (CompaniesSyncClient        *self,
                                      const CompaniesSyncConfig  *config,
                                      GCancellable               *cancellable,
                                      CompaniesSyncProgressFunc   progress,
                                      gpointer                    progress_data,
                                      GError                    **error)
{
  CompaniesSyncCache *cache = companies_sync_client_take_cache (self, FALSE);
  CompaniesSyncResult *result;

  result = companies_sync_run (config, cache, cancellable, progress, progress_data, error);
  companies_sync_client_give_back_cache (self, FALSE, cache);
  return result;
}

/* --- The blocking API. --- */

void
companies_sync_client_emit_progress (CompaniesSyncClient *self,
                                     guint                sent,
                                     guint                received)
{
  g_signal_emit (self, signals[PROGRESS], 0, sent, received);
}

void
companies_sync_client_notify_is_syncing (CompaniesSyncClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);
}

static void
progress_in_thread_cb (guint    sent,
                       guint    received,
                       gpointer user_data)
{
  companies_sync_client_emit_progress (user_data, sent, received);
}

CompaniesSyncResult *
companies_sync_client_sync (CompaniesSyncClient  *self,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autoptr(CompaniesSyncConfig) config = NULL;

  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  config = companies_sync_client_dup_config (self);
  return companies_sync_client_run_with_cache (self, config, cancellable, progress_in_thread_cb,
                                               self, error);
}

/* --- The object. --- */

CompaniesSyncClient *
companies_sync_client_new (const char *database_path,
                           const char *server_url,
                           const char *token)
{
  g_return_val_if_fail (database_path != NULL, NULL);

  return g_object_new (COMPANIES_TYPE_SYNC_CLIENT,
                       "database-path", database_path,
                       "server-url", server_url,
                       "token", token,
                       NULL);
}

const char *
companies_sync_client_get_server_url (CompaniesSyncClient *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), NULL);

  /* Written on the main thread only; the worker reads a copy. */
  return self->server_url;
}

/* Sets one of the string properties under the lock, notifying a change. */
static void
set_string_property (CompaniesSyncClient  *self,
                     char                **field,
                     const char           *value,
                     guint                 prop_id)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = g_strcmp0 (*field, value) != 0;
  if (changed)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
companies_sync_client_set_server_url (CompaniesSyncClient *self,
                                      const char          *server_url)
{
  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));

  set_string_property (self, &self->server_url, server_url, PROP_SERVER_URL);
}

void
companies_sync_client_set_token (CompaniesSyncClient *self,
                                 const char          *token)
{
  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));

  set_string_property (self, &self->token, token, PROP_TOKEN);
}

const char *
companies_sync_client_get_tls_ca_file (CompaniesSyncClient *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), NULL);

  /* Written on the main thread only; the worker reads a copy. */
  return self->tls_ca_file;
}

void
companies_sync_client_set_tls_ca_file (CompaniesSyncClient *self,
                                       const char          *ca_file)
{
  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));

  set_string_property (self, &self->tls_ca_file, ca_file, PROP_TLS_CA_FILE);
}

void
companies_sync_client_set_request_deadline (CompaniesSyncClient *self,
                                            guint                seconds)
{
  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->request_deadline = seconds;
  g_mutex_unlock (&self->lock);
}

void
companies_sync_client_set_report_applied (CompaniesSyncClient *self,
                                          gboolean             report)
{
  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));

  g_mutex_lock (&self->lock);
  self->report_applied = report;
  g_mutex_unlock (&self->lock);
}

gboolean
companies_sync_client_get_is_syncing (CompaniesSyncClient *self)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), FALSE);

  return self->run != NULL;
}

static void
companies_sync_client_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CompaniesSyncClient *self = COMPANIES_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_IS_SYNCING:
      g_value_set_boolean (value, self->run != NULL);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_client_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CompaniesSyncClient *self = COMPANIES_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      self->database_path = g_value_dup_string (value);
      break;
    case PROP_SERVER_URL:
      companies_sync_client_set_server_url (self, g_value_get_string (value));
      break;
    case PROP_TOKEN:
      companies_sync_client_set_token (self, g_value_get_string (value));
      break;
    case PROP_TLS_CA_FILE:
      companies_sync_client_set_tls_ca_file (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_sync_client_finalize (GObject *object)
{
  CompaniesSyncClient *self = COMPANIES_SYNC_CLIENT (object);

  /* Every task holds a reference: nothing can be running here. */
  g_assert (self->run == NULL);
  g_clear_pointer (&self->queued, g_ptr_array_unref);
  g_free (self->database_path);
  g_free (self->server_url);
  g_free (self->token);
  g_free (self->tls_ca_file);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->cache, companies_sync_cache_free);
  g_clear_pointer (&self->watch_cache, companies_sync_cache_free);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (companies_sync_client_parent_class)->finalize (object);
}

static void
companies_sync_client_class_init (CompaniesSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = companies_sync_client_finalize;
  object_class->get_property = companies_sync_client_get_property;
  object_class->set_property = companies_sync_client_set_property;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_SYNCING] =
    g_param_spec_boolean ("is-syncing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A PEM file of certificate authorities trusted instead of the system's
   * (NULL: $COMPANIES_CA_FILE when set, else the system's). */
  properties[PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CompaniesSyncClient::progress:
   * @sent: changes pushed so far
   * @received: companies and tombstones pulled so far
   *
   * Emitted after each round trip of a sync, in the thread-default main
   * context of the caller of sync_async (or in the calling thread of the
   * blocking sync).
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
companies_sync_client_init (CompaniesSyncClient *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->cache_lock);
  self->queued = g_ptr_array_new_with_free_func (g_object_unref);
}
