/* companies-sync-client.c: the CompaniesSyncClient object: the blocking
 * sync and sync_async, which runs the sync of companies-sync-run.c in a
 * worker thread (with the SQLite connection and SoupSession the client
 * keeps for its runs, one run at a time) and coalesces
 * the requests that arrive meanwhile into one more run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-sync-client-private.h"
#include "companies-sync-run.h"

struct _CompaniesSyncClient
{
  GObject    parent_instance;

  char      *database_path;

  GMutex     lock;          /* guards the four below */
  char      *server_url;
  char      *token;
  char      *tls_ca_file;
  guint      request_deadline;  /* seconds; 0: the default */
  gboolean   report_applied;

  /* What the runs, and the watches, keep between them (NULL while one
   * has it). */
  GMutex              cache_lock;
  CompaniesSyncCache *cache;
  CompaniesSyncCache *watch_cache;

  /* Main-context state of sync_async. */
  struct _SyncRun *run;     /* the run in progress, or NULL */
  GPtrArray *queued;        /* GTasks for the run after it */
};

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

/* Runs one sync with the client's cache. */
static CompaniesSyncResult *
run_with_cache (CompaniesSyncClient        *self,
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

static void
progress_in_thread_cb (guint    sent,
                       guint    received,
                       gpointer user_data)
{
  g_signal_emit (user_data, signals[PROGRESS], 0, sent, received);
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
  return run_with_cache (self, config, cancellable, progress_in_thread_cb, self, error);
}

/* --- sync_async: one run at a time, the requests meanwhile coalesced. --- */

typedef struct _SyncRun
{
  GPtrArray    *tasks;        /* the sync_async tasks this run completes */
  GCancellable *cancellable;  /* cancelled when every task gave up */
  GMainContext *context;      /* where progress is emitted */
} SyncRun;

static void
sync_run_free (SyncRun *run)
{
  g_clear_pointer (&run->tasks, g_ptr_array_unref);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_free (run);
}

/* Data of one sync_async task. */
typedef struct
{
  GCancellable *cancellable;
  gulong        cancelled_id;
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* Data of the worker: the config copy and where progress goes. */
typedef struct
{
  CompaniesSyncConfig *config;
  CompaniesSyncClient *self;     /* only to emit progress on @context */
  GMainContext        *context;
} WorkerData;

static void
worker_data_free (WorkerData *data)
{
  companies_sync_config_free (data->config);
  g_clear_object (&data->self);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

typedef struct
{
  CompaniesSyncClient *self;
  guint                sent;
  guint                received;
} ProgressData;

static void
progress_data_free (ProgressData *data)
{
  g_clear_object (&data->self);
  g_free (data);
}

static gboolean
emit_progress_cb (gpointer user_data)
{
  ProgressData *data = user_data;

  g_signal_emit (data->self, signals[PROGRESS], 0, data->sent, data->received);
  return G_SOURCE_REMOVE;
}

static void
progress_from_worker_cb (guint    sent,
                         guint    received,
                         gpointer user_data)
{
  WorkerData *worker = user_data;
  ProgressData *data = g_new0 (ProgressData, 1);

  data->self = g_object_ref (worker->self);
  data->sent = sent;
  data->received = received;
  g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, emit_progress_cb,
                              data, (GDestroyNotify) progress_data_free);
}

static void
sync_worker_cb (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  WorkerData *worker = task_data;
  GError *error = NULL;
  CompaniesSyncResult *result;

  result = run_with_cache (worker->self, worker->config, cancellable, progress_from_worker_cb,
                           worker, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) companies_sync_result_free);
}

/* "is-syncing" is self->run != NULL; called on the main context when
 * that changed. */
static void
notify_is_syncing (CompaniesSyncClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SYNCING]);
}

static void
complete_task (GTask                     *task,
               const CompaniesSyncResult *result,
               const GError              *error)
{
  TaskData *data = g_task_get_task_data (task);

  if (data->cancelled_id != 0)
    {
      g_cancellable_disconnect (data->cancellable, data->cancelled_id);
      data->cancelled_id = 0;
    }

  if (result != NULL)
    g_task_return_pointer (task, companies_sync_result_copy (result),
                           (GDestroyNotify) companies_sync_result_free);
  else
    g_task_return_error (task, g_error_copy (error));
}

static void start_run (CompaniesSyncClient *self,
                       GPtrArray           *tasks);

static void
run_finished_cb (GObject      *source_object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  CompaniesSyncClient *self = COMPANIES_SYNC_CLIENT (source_object);
  SyncRun *run = user_data;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;

  result = g_task_propagate_pointer (G_TASK (res), &error);

  g_assert (self->run == run);
  self->run = NULL;
  tasks = g_steal_pointer (&run->tasks);
  sync_run_free (run);

  /* Start the coalesced run before completing anything, so that a caller
   * that asks again from its callback joins the queue. */
  if (self->queued->len > 0)
    {
      GPtrArray *queued = g_steal_pointer (&self->queued);

      self->queued = g_ptr_array_new_with_free_func (g_object_unref);
      start_run (self, queued);
    }

  for (guint i = 0; i < tasks->len; i++)
    complete_task (g_ptr_array_index (tasks, i), result, error);

  if (self->run == NULL)
    notify_is_syncing (self);
}

static void
start_run (CompaniesSyncClient *self,
           GPtrArray           *tasks)
{
  g_autoptr(GTask) task = NULL;
  WorkerData *worker;
  SyncRun *run;

  g_assert (self->run == NULL);

  run = g_new0 (SyncRun, 1);
  run->tasks = tasks;
  run->cancellable = g_cancellable_new ();
  run->context = g_main_context_ref_thread_default ();

  worker = g_new0 (WorkerData, 1);
  worker->config = companies_sync_client_dup_config (self);
  worker->self = g_object_ref (self);
  worker->context = g_main_context_ref (run->context);

  task = g_task_new (self, run->cancellable, run_finished_cb, run);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, worker, (GDestroyNotify) worker_data_free);

  self->run = run;
  g_task_run_in_thread (task, sync_worker_cb);
}

static gboolean
task_cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  CompaniesSyncClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  guint index;

  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sync was cancelled"));

  if (g_ptr_array_find (self->queued, task, &index))
    {
      g_autoptr(GTask) owned = g_ptr_array_steal_index (self->queued, index);

      complete_task (owned, NULL, error);
    }
  else if (self->run != NULL && g_ptr_array_find (self->run->tasks, task, &index))
    {
      g_autoptr(GTask) owned = g_ptr_array_steal_index (self->run->tasks, index);

      complete_task (owned, NULL, error);
      /* Nobody waits for this run any more: stop it. */
      if (self->run->tasks->len == 0)
        g_cancellable_cancel (self->run->cancellable);
    }

  return G_SOURCE_REMOVE;
}

/* May run in any thread: defer to the task's context. */
static void
task_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, task_cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[companies] sync cancelled");
  g_source_attach (source, g_task_get_context (task));
}

void
companies_sync_client_sync_async (CompaniesSyncClient  *self,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (COMPANIES_IS_SYNC_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, companies_sync_client_sync_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  data = g_new0 (TaskData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (task_cancelled_cb),
                                                  g_object_ref (task), g_object_unref);
    }

  if (self->run != NULL)
    {
      g_ptr_array_add (self->queued, g_steal_pointer (&task));
    }
  else
    {
      GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);

      g_ptr_array_add (tasks, g_steal_pointer (&task));
      start_run (self, tasks);
      notify_is_syncing (self);
    }
}

CompaniesSyncResult *
companies_sync_client_sync_finish (CompaniesSyncClient  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (COMPANIES_IS_SYNC_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == companies_sync_client_sync_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
