/* companies-cli-watch.c: `companies-cli watch [--json]`, which keeps the
 * local store in sync live (docs/live.md): a sync, then a watch of the
 * server's change feed; each "changed" starts a sync, after which the
 * watch starts again (what was committed during the sync answers it at
 * once: notifications during a sync make one more sync). Failures are
 * retried with a jittered backoff of a few seconds at most; a server
 * without the feed is synced periodically instead. SIGINT and SIGTERM
 * end it with status 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "companies-cli.h"
#include "companies-sync-client.h"

/* The backoff after a failure: from the first delay, doubled each time
 * up to the cap, each delay taken at random between half and all of it. */
#define BACKOFF_FIRST_MS      250
#define BACKOFF_CAP_MS        4000
/* A server without the change feed is synced this often. */
#define FALLBACK_PERIOD_S     30

typedef struct
{
  CliContext          *cli;
  CompaniesSyncClient *client;
  GMainLoop           *loop;
  GCancellable        *cancellable;
  gboolean             json;

  gboolean             syncing;
  gboolean             watching;
  gboolean             stopping;
  gboolean             offline;      /* the last try failed: said once */
  guint                backoff_ms;   /* the next delay after a failure */
  guint                timeout_id;   /* the next try */
  CliExitStatus        status;
} Watcher;

static void start_sync  (Watcher *self);
static void start_watch (Watcher *self);

static void
stop (Watcher       *self,
      CliExitStatus  status)
{
  if (self->stopping)
    return;

  self->stopping = TRUE;
  self->status = status;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  /* A sync in progress ends (cancelled) before the loop does. */
  if (!self->syncing && !self->watching)
    g_main_loop_quit (self->loop);
}

static gboolean
signal_cb (gpointer user_data)
{
  stop (user_data, CLI_EXIT_OK);
  return G_SOURCE_CONTINUE;
}

/* Ends the loop once nothing runs any more; TRUE when stopping. */
static gboolean
check_stopping (Watcher *self)
{
  if (self->stopping && !self->syncing && !self->watching)
    g_main_loop_quit (self->loop);
  return self->stopping;
}

static gboolean
retry_sync_cb (gpointer user_data)
{
  Watcher *self = user_data;

  self->timeout_id = 0;
  start_sync (self);
  return G_SOURCE_REMOVE;
}

static gboolean
retry_watch_cb (gpointer user_data)
{
  Watcher *self = user_data;

  self->timeout_id = 0;
  start_watch (self);
  return G_SOURCE_REMOVE;
}

/* The next delay of the backoff, with jitter, in milliseconds. */
static guint
next_backoff (Watcher *self)
{
  guint delay = self->backoff_ms;

  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_CAP_MS);
  return g_random_int_range (delay / 2, delay + 1);
}

/* A failure that trying again may cure (the server away, or failing);
 * any other ends the command with its status. */
static gboolean
error_is_transient (const GError *error)
{
  return g_error_matches (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_NETWORK) ||
         g_error_matches (error, COMPANIES_SYNC_ERROR, COMPANIES_SYNC_ERROR_SERVER);
}

/* Says once that the server cannot be reached (until it can again). */
static void
report_transient (Watcher *self,
                  GError  *error)
{
  if (self->offline)
    return;

  self->offline = TRUE;
  cli_print_sync_error (self->cli->server_url, error);
  g_printerr ("%s\n", _("Trying again until the server answers."));
}

static void
back_online (Watcher *self)
{
  self->backoff_ms = BACKOFF_FIRST_MS;
  if (!self->offline)
    return;

  self->offline = FALSE;
  g_printerr ("%s\n", _("The server answers again."));
}

/* One line a record applied: {"event": …, "id": …, "uuid": …, "version": …} */
static gboolean
print_applied (const CompaniesSyncResult *result)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; result->applied != NULL && i < result->applied->len; i++)
    {
      const CompaniesAppliedRecord *record = &g_array_index (result->applied,
                                                             CompaniesAppliedRecord, i);
      g_autoptr(JsonNode) uuid = json_node_new (JSON_NODE_VALUE);
      g_autofree char *uuid_json = NULL;

      /* The uuid as a JSON string (null when unknown), escaped. */
      if (record->uuid[0] != '\0')
        json_node_set_string (uuid, record->uuid);
      else
        json_node_init_null (uuid);
      uuid_json = json_to_string (uuid, FALSE);

      g_string_append_printf (out, "{\"event\": \"%s\", \"id\": %" G_GINT64_FORMAT ", "
                              "\"uuid\": %s, \"version\": %" G_GINT64_FORMAT "}\n",
                              record->deleted ? "deleted" : "changed", record->id,
                              uuid_json, record->version);
    }

  return out->len == 0 || (cli_write_stdout (out->str) && fflush (stdout) == 0);
}

static gboolean
print_result (Watcher                   *self,
              const CompaniesSyncResult *result)
{
  g_autofree char *summary = NULL;

  if (self->json)
    return print_applied (result);
  if (result->sent == 0 && result->received == 0)
    return TRUE;

  summary = cli_format_sync_summary (result);
  return cli_write_stdout (summary) && fflush (stdout) == 0;
}

static void
sync_finished_cb (GObject      *source_object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  Watcher *self = user_data;
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = companies_sync_client_sync_finish (self->client, res, &error);
  self->syncing = FALSE;
  if (check_stopping (self))
    return;

  if (result == NULL && error_is_transient (error))
    {
      report_transient (self, error);
      self->timeout_id = g_timeout_add (next_backoff (self), retry_sync_cb, self);
      return;
    }
  if (result == NULL)
    {
      stop (self, cli_report_sync_error (self->cli->server_url, error));
      return;
    }

  back_online (self);
  if (!print_result (self, result))
    {
      stop (self, CLI_EXIT_FAILED);
      return;
    }

  start_watch (self);
}

static void
start_sync (Watcher *self)
{
  self->syncing = TRUE;
  companies_sync_client_sync_async (self->client, self->cancellable, sync_finished_cb, self);
}

static void
watch_finished_cb (GObject      *source_object,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  Watcher *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;
  gboolean ok;

  ok = companies_sync_client_watch_finish (self->client, res, &changed, &error);
  self->watching = FALSE;
  if (check_stopping (self))
    return;

  if (ok)
    {
      back_online (self);
      if (changed)
        start_sync (self);
      else
        start_watch (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_debug ("No change feed: syncing every %u s", FALLBACK_PERIOD_S);
      self->timeout_id = g_timeout_add_seconds (FALLBACK_PERIOD_S, retry_sync_cb, self);
    }
  else if (error_is_transient (error))
    {
      /* The watch may have missed a change: it answers at once when
       * the cursor is behind, so watching again is enough. */
      report_transient (self, error);
      self->timeout_id = g_timeout_add (next_backoff (self), retry_watch_cb, self);
    }
  else
    stop (self, cli_report_sync_error (self->cli->server_url, error));
}

static void
start_watch (Watcher *self)
{
  self->watching = TRUE;
  companies_sync_client_watch_async (self->client, 0, self->cancellable,
                                     watch_finished_cb, self);
}

CliExitStatus
cli_command_watch (CliContext   *cli,
                   char       ***args)
{
  static const CliCommandSpec watch_command = {
    "watch", "",
    N_("Keep the local list in sync with the server live: sync, then "
       "sync again as soon as the server has a change, until "
       "interrupted (Ctrl+C, SIGTERM: exit status 0). With --json, "
       "print each record applied as it arrives."),
    CLI_ARGUMENT_NONE, CLI_NEEDS_SERVER,
  };
  g_auto(CliRun) run = { NULL, };
  g_autoptr(CompaniesSyncClient) client = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object a line for each record applied"), NULL },
    { NULL }
  };
  Watcher self = { 0 };
  guint sigint_id;
  guint sigterm_id;
  CliExitStatus status;

  status = cli_run_start (&run, cli, &watch_command, entries, args);
  if (status != CLI_EXIT_OK)
    return status;

  client = cli_run_new_sync_client (&run);
  companies_sync_client_set_report_applied (client, json);

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  self.cli = cli;
  self.client = client;
  self.loop = loop;
  self.cancellable = cancellable;
  self.json = json;
  self.backoff_ms = BACKOFF_FIRST_MS;
  self.status = CLI_EXIT_OK;

  sigint_id = g_unix_signal_add (SIGINT, signal_cb, &self);
  sigterm_id = g_unix_signal_add (SIGTERM, signal_cb, &self);

  start_sync (&self);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_handle_id (&self.timeout_id, g_source_remove);

  return self.status;
}
