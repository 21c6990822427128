/* companies-quit-after-sync.c: quits the app after its first sync.
 *
 * build-aux/check-readme.sh runs README's first command under Xvfb and
 * needs the app to close by itself once it has shown the server's
 * companies; the lines printed here are what that check reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-quit-after-sync"

#include "config.h"

#include <stdio.h>

#include "companies-quit-after-sync.h"

typedef struct
{
  GApplication *application;  /* not a reference: it outlives its main loop */
  GListModel   *companies;
  gulong        handler_id;
  guint         delay_ms;
} QuitAfterSync;

static void
quit_after_sync_free (gpointer data)
{
  QuitAfterSync *state = data;

  g_clear_object (&state->companies);
  g_free (state);
}

static gboolean
quit_cb (gpointer data)
{
  QuitAfterSync *state = data;

  g_print ("companies: %u companies in the list\n",
           g_list_model_get_n_items (state->companies));
  fflush (stdout);
  g_application_quit (state->application);

  return G_SOURCE_REMOVE;
}

static void
first_sync_finished_cb (CompaniesSyncScheduler *scheduler,
                        CompaniesSyncResult    *result,
                        GError                 *error,
                        gpointer                data)
{
  QuitAfterSync *state = data;

  g_signal_handler_disconnect (scheduler, state->handler_id);

  if (error != NULL)
    g_print ("companies: first sync finished: failed: %s\n", error->message);
  else
    g_print ("companies: first sync finished: ok\n");
  fflush (stdout);

  g_timeout_add_full (G_PRIORITY_DEFAULT, state->delay_ms, quit_cb,
                      state, quit_after_sync_free);
}

void
companies_quit_after_first_sync (GApplication           *application,
                                 CompaniesSyncScheduler *scheduler,
                                 GListModel             *companies)
{
  const char *value = g_getenv ("COMPANIES_QUIT_AFTER_FIRST_SYNC");
  QuitAfterSync *state;
  guint64 delay_ms;

  if (value == NULL || *value == '\0')
    return;

  if (!g_ascii_string_to_unsigned (value, 10, 0, 600000, &delay_ms, NULL))
    {
      g_printerr ("companies: COMPANIES_QUIT_AFTER_FIRST_SYNC must be a number "
                  "of milliseconds (0 to 600000), not “%s”\n", value);
      delay_ms = 0;
    }

  state = g_new0 (QuitAfterSync, 1);
  state->application = application;
  state->companies = g_object_ref (companies);
  state->delay_ms = (guint) delay_ms;
  /* The state lives until the quit: the timeout frees it. */
  state->handler_id = g_signal_connect (scheduler, "sync-finished",
                                        G_CALLBACK (first_sync_finished_cb), state);
}
