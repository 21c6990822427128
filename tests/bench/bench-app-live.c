/* bench-app-live.c: the app's live figures of issue 11, measured on the
 * real window in-process under Xvfb (driven like the UI tests, through
 * tests/ui/companies-ui-test-utils.h) against a real companies-server on
 * loopback, with automatic sync on (a watch of the change feed open):
 *
 *  - change visible: another person adds a company with companies-cli
 *    (`add` in its own database, not timed), then `sync`: from starting
 *    that sync to the first frame painted after the company is in the
 *    app's list; p50, p99 and how many never arrived (within 10 s). The
 *    CLI sync's own time (process start to exit) is in that figure; the
 *    time from the CLI's exit to that frame (0 when the frame came first:
 *    the commit precedes the exit) is printed beside it.
 *  - back online: the server stops, the app fails to reach it, the server
 *    starts again on the same port: from the server accepting connections
 *    (its "Listening" line) to the app synced and watching again.
 *
 * Prints two rows of the benchmark's table (markdown); asserts no time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench-app-live"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "companies-ui-test-utils.h"

#define CHANGE_WAIT_USEC (10 * G_USEC_PER_SEC)

static int changes = 50;
static int restarts = 5;

static gint64 painted_at;
/* The app's sync that the watch started, for the breakdown. */
static gint64 sync_started_at;
static gint64 sync_finished_at;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted_at = g_get_monotonic_time ();
}

static void
app_sync_started_cb (CompaniesSyncScheduler *scheduler,
                     gpointer                user_data)
{
  if (sync_started_at == 0)
    sync_started_at = g_get_monotonic_time ();
}

static void
app_sync_finished_cb (CompaniesSyncScheduler *scheduler,
                      CompaniesSyncResult    *result,
                      const GError           *error,
                      gpointer                user_data)
{
  if (sync_finished_at == 0 && sync_started_at != 0)
    sync_finished_at = g_get_monotonic_time ();
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The @p-th percentile (nearest rank) of @values, sorted here. */
static double
percentile (GArray *values,
            double  p)
{
  guint rank;

  if (values->len == 0)
    return 0;

  g_array_sort (values, compare_doubles);
  rank = (guint) MAX (1.0, (p / 100.0) * values->len + 0.999999);
  return g_array_index (values, double, MIN (rank, values->len) - 1);
}

static gboolean
is_live (CompaniesSyncScheduler *scheduler)
{
  return companies_sync_scheduler_get_watching (scheduler) &&
         !companies_sync_scheduler_get_is_syncing (scheduler) &&
         companies_sync_scheduler_get_failures (scheduler) == 0;
}

static void
process_exited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gint64 *exited_at = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *exited_at = g_get_monotonic_time ();
}

/* The figures of one change, in milliseconds. */
enum
{
  VISIBLE,       /* the CLI's sync starting to the frame showing it */
  AFTER_EXIT,    /* the CLI's exit to that frame (0: the frame came first) */
  CLI,           /* the CLI's sync, process start to exit */
  TO_APP_SYNC,   /* the CLI's start to the app's sync starting (the watch's answer) */
  APP_SYNC,      /* the app's sync */
  TO_ROW,        /* the app's sync ending to the row in the list */
  TO_FRAME,      /* the row in the list to the frame painted */
  N_FIGURES
};

/* One change: returns FALSE when it never showed. */
static gboolean
measure_change (CompaniesUiFixture *fixture,
                guint               index,
                double             *out)
{
  g_autofree char *database = g_build_filename (fixture->tmpdir, "cli.db", NULL);
  g_autofree char *name = g_strdup_printf ("Live Bench %04u", index);
  g_autofree char *uuid = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("COMPANIES_CLI");
  gint64 started, exited_at = 0, shown_at = 0, deadline;

  uuid = companies_ui_run_cli ("add", "--database", database, "--name", name, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "COMPANIES_TOKEN");
  sync_started_at = sync_finished_at = 0;
  started = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawn (launcher, &error, cli, "sync", "--database", database, "--token", "",
                                         "--server", companies_test_server_get_url (fixture->server),
                                         NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, process_exited_cb, &exited_at);

  deadline = started + CHANGE_WAIT_USEC;
  while (g_get_monotonic_time () < deadline &&
         (exited_at == 0 || shown_at == 0 || painted_at <= shown_at))
    {
      companies_ui_iterate ();
      if (shown_at == 0 && companies_ui_find_row (fixture, name) != NULL)
        shown_at = g_get_monotonic_time ();
    }

  /* The CLI must have succeeded for the change to count at all. */
  COMPANIES_UI_WAIT_FOR (exited_at != 0);
  g_assert_true (g_subprocess_get_successful (process));
  out[CLI] = (exited_at - started) / 1000.0;

  if (shown_at == 0 || painted_at <= shown_at)
    return FALSE;

  out[VISIBLE] = (painted_at - started) / 1000.0;
  out[AFTER_EXIT] = MAX (painted_at - exited_at, 0) / 1000.0;
  out[TO_APP_SYNC] = (sync_started_at - started) / 1000.0;
  out[APP_SYNC] = (sync_finished_at - sync_started_at) / 1000.0;
  out[TO_ROW] = (shown_at - sync_finished_at) / 1000.0;
  out[TO_FRAME] = (painted_at - shown_at) / 1000.0;
  return TRUE;
}

static void
bench_app_live (void)
{
  CompaniesUiFixture fixture;
  CompaniesSyncScheduler *scheduler;
  GdkFrameClock *clock;
  GArray *figures[N_FIGURES];
  g_autoptr(GArray) back = g_array_new (FALSE, FALSE, sizeof (double));
  guint missed = 0;

  for (guint f = 0; f < N_FIGURES; f++)
    figures[f] = g_array_new (FALSE, FALSE, sizeof (double));

  companies_ui_fixture_init (&fixture, TRUE);
  companies_ui_fixture_start_app (&fixture);
  scheduler = companies_application_get_scheduler (fixture.application);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture.window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  g_signal_connect (scheduler, "sync-started", G_CALLBACK (app_sync_started_cb), NULL);
  g_signal_connect (scheduler, "sync-finished", G_CALLBACK (app_sync_finished_cb), NULL);
  COMPANIES_UI_WAIT_FOR (is_live (scheduler));

  for (guint i = 0; i < (guint) changes; i++)
    {
      double one[N_FIGURES] = { 0 };

      if (measure_change (&fixture, i, one))
        {
          for (guint f = 0; f < N_FIGURES; f++)
            g_array_append_val (figures[f], one[f]);
        }
      else
        {
          missed++;
          g_array_append_val (figures[CLI], one[CLI]);
        }

      /* The next change starts with the app watching again. */
      COMPANIES_UI_WAIT_FOR (is_live (scheduler));
    }

  for (guint i = 0; i < (guint) restarts; i++)
    {
      guint16 port = companies_test_server_get_port (fixture.server);
      g_autofree char *port_text = g_strdup_printf ("%u", port);
      const char *args[] = { "--port", port_text, NULL };
      g_autoptr(GError) error = NULL;
      gint64 listening;
      double back_ms;

      companies_test_server_stop (fixture.server);
      COMPANIES_UI_WAIT_FOR (companies_sync_scheduler_get_failures (scheduler) >= 1 &&
                             !companies_sync_scheduler_get_is_syncing (scheduler));
      /* As an outage lasts: the back-off has grown to its cap. */
      COMPANIES_UI_WAIT_FOR (companies_sync_scheduler_get_failures (scheduler) >= 6);

      g_clear_pointer (&fixture.server, companies_test_server_free);
      fixture.server = companies_test_server_start (fixture.server_database, args, &error);
      g_assert_no_error (error);
      listening = g_get_monotonic_time ();
      COMPANIES_UI_WAIT_FOR (is_live (scheduler));
      back_ms = (g_get_monotonic_time () - listening) / 1000.0;
      g_array_append_val (back, back_ms);
    }

  printf ("| app: a companies-cli change visible in the open app's list (under Xvfb), "
          "from the CLI's sync starting to the frame showing it, %d changes "
          "(the CLI's sync alone: p50 %.0f ms; from the CLI's exit: p50 %.0f ms, p99 %.0f ms) | "
          "p50 %.0f ms, p99 %.0f ms, missed %u | p50 ≤ 100 ms, p99 ≤ 500 ms, none missed |\n",
          changes, percentile (figures[CLI], 50), percentile (figures[AFTER_EXIT], 50),
          percentile (figures[AFTER_EXIT], 99), percentile (figures[VISIBLE], 50),
          percentile (figures[VISIBLE], 99), missed);
  printf ("| app: where that time goes (p50 of each step): the CLI's start to the app's sync "
          "starting (the CLI's sync, the server's notification, the watch's answer) %.0f ms; "
          "the app's sync %.0f ms; its end to the row in the list %.0f ms; to the frame "
          "painted %.0f ms | | |\n",
          percentile (figures[TO_APP_SYNC], 50), percentile (figures[APP_SYNC], 50),
          percentile (figures[TO_ROW], 50), percentile (figures[TO_FRAME], 50));
  printf ("| app: back online, synced and watching after the server returns on the same port, "
          "%d restarts | median %.0f ms, max %.0f ms | ≤ 2 s |\n",
          restarts, percentile (back, 50), percentile (back, 100));
  fflush (stdout);

  for (guint f = 0; f < N_FIGURES; f++)
    g_array_unref (figures[f]);
  g_signal_handlers_disconnect_by_func (scheduler, app_sync_started_cb, NULL);
  g_signal_handlers_disconnect_by_func (scheduler, app_sync_finished_cb, NULL);
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, NULL);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "changes", 'n', 0, G_OPTION_ARG_INT, &changes, "Changes made with companies-cli (50)", "N" },
    { "restarts", 'r', 0, G_OPTION_ARG_INT, &restarts, "Server restarts (5)", "N" },
    { NULL }
  };

  companies_ui_test_init (&argc, &argv);

  context = g_option_context_new ("— the app's live figures of the Companies benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || changes < 1 || restarts < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--changes and --restarts must be at least 1");
      return 2;
    }

  g_test_add_func ("/bench/app-live", bench_app_live);
  return g_test_run ();
}
