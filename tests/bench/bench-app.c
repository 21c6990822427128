/* bench-app.c: the app's figures of issue 4, measured on the real window
 * in-process under Xvfb (driven like the UI tests, through
 * tests/ui/companies-ui-test-utils.h), with --records local companies:
 *
 *  - start: from creating the application to the first frame painted
 *    with rows in the list (GTK is initialised before: not timed); and
 *    to the first frame after the whole list is read ("complete");
 *  - a search keystroke over the whole list, typed once the app is idle
 *    after that frame (as a person reads before typing): from the text
 *    changing to the first frame painted after the filtered list
 *    changed, and from
 *    the entry's "search-changed" (after GtkSearchEntry's delay) to that
 *    frame (the first rows of the result); for the refining keystroke,
 *    also to the frame after the whole result is read ("complete");
 *  - a refresh after 100 rows changed in the file (as a sync changes
 *    them): the longest main-loop iteration while the window takes it in
 *    (what blocks the UI), and whether the selection and scroll stay.
 *
 *  - the peak RSS of the process from the start of the app on (the
 *    seeding of the file before is not the app's).
 *
 * companies-bench runs it once per run and puts its "BENCH-APP" line in
 * its table; run alone it prints that line (--database FILE: a copy of
 * that store instead of a seeded one).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench-app"

#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "companies-company-list.h"
#include "companies-ui-test-utils.h"

#include "bench-data.h"

#define N_CHANGED      100
#define WAIT_SECONDS   120

static int records = 100000;
/* A store made before (with exactly --records listed companies, closed
 * so that it has no -wal) copied instead of seeding one: a million
 * companies take minutes to seed (docs/scale.md). */
static char *prepared = NULL;

static gint64 painted_at;
static double painted_cpu_ms;
static gint64 search_changed_at;
static gint64 filtered_at;
static gint64 read_finished_at;
/* The first frame painted with rows in the list. */
static CompaniesUiFixture *starting;
static gint64 rows_painted_at;
static double rows_painted_cpu_ms;

/* CPU time of the whole process (every thread), steadier than wall time
 * on a loaded machine. */
static double
process_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1000000.0;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted_at = g_get_monotonic_time ();
  painted_cpu_ms = process_cpu_ms ();
}

static gboolean
first_rows_painted_hook (GSignalInvocationHint *hint,
                         guint                  n_params,
                         const GValue          *params,
                         gpointer               user_data)
{
  if (rows_painted_at == 0 && starting->window != NULL && companies_ui_count_rows (starting) > 0)
    {
      rows_painted_at = g_get_monotonic_time ();
      rows_painted_cpu_ms = process_cpu_ms ();
    }

  return TRUE;
}

/* A read of the list that shows ended (the whole result is in). */
static void
read_finished_cb (CompaniesCompanyList       *list,
                  const CompaniesStoreStatus *status,
                  const GError               *error,
                  gpointer                    user_data)
{
  if (status != NULL)
    read_finished_at = g_get_monotonic_time ();
}

static gboolean
read_finished_since (gpointer data)
{
  return read_finished_at > *(gint64 *) data && painted_at > read_finished_at;
}

static void
filtered_cb (GListModel *model,
             guint       position,
             guint       removed,
             guint       added,
             gpointer    user_data)
{
  filtered_at = g_get_monotonic_time ();
}

static gboolean
search_changed_hook (GSignalInvocationHint *hint,
                     guint                  n_params,
                     const GValue          *params,
                     gpointer               user_data)
{
  search_changed_at = g_get_monotonic_time ();
  return TRUE;
}

/* Iterates until @done returns TRUE; returns the longest iteration in
 * microseconds. */
static gint64
iterate_until (gboolean (*done) (gpointer data),
               gpointer   data,
               const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  gint64 longest = 0;

  while (!done (data))
    {
      gint64 start = g_get_monotonic_time ();

      if (start > deadline)
        g_error ("Timed out waiting for %s", what);
      companies_ui_iterate ();
      longest = MAX (longest, g_get_monotonic_time () - start);
    }

  return longest;
}

static gboolean
painted_since (gpointer data)
{
  return painted_at > *(gint64 *) data;
}

typedef struct
{
  GListModel *filter;
  gint64      typed_at;
} SearchWait;

static gboolean
search_shown (gpointer data)
{
  SearchWait *wait = data;

  /* The app may filter later than search-changed: wait for the list to
   * change, to have no filtering pending, and for a frame after that. */
  return search_changed_at > wait->typed_at &&
         filtered_at > search_changed_at &&
         (!GTK_IS_FILTER_LIST_MODEL (wait->filter) ||
          gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (wait->filter)) == 0) &&
         painted_at > filtered_at;
}

typedef struct
{
  CompaniesCompany **rows;
  const char        *value;
} RefreshWait;

static gboolean
refresh_shown (gpointer data)
{
  RefreshWait *wait = data;

  for (guint i = 0; i < N_CHANGED; i++)
    if (g_strcmp0 (companies_company_get_field (wait->rows[i], COMPANIES_FIELD_PHONE), wait->value) != 0)
      return FALSE;

  return TRUE;
}

/* VmHWM of /proc/self/status, in MB. */
static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return 0;

  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

/* The peak RSS from here on is the app's, not the seeding's: the heap
 * the seeding freed goes back to the system first. */
static void
reset_peak_rss (void)
{
  FILE *file;

  malloc_trim (0);
  file = fopen ("/proc/self/clear_refs", "w");

  g_assert_nonnull (file);
  g_assert_cmpint (fputs ("5", file), >=, 0);
  g_assert_cmpint (fclose (file), ==, 0);
}

static void
import_companies (const char *path)
{
  g_autoptr(CompaniesLocalStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (prepared != NULL)
    {
      g_autoptr(GFile) from = g_file_new_for_path (prepared);
      g_autoptr(GFile) to = g_file_new_for_path (path);

      g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      return;
    }

  rows = bench_company_rows ((guint) records);

  store = companies_local_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (companies_local_store_import_for_sync (store, rows, &error));
  g_assert_no_error (error);
}

/* Types @character at the end of the search entry's text (a keystroke,
 * not a replacement of the text: emptying the entry makes it report at
 * once); returns the milliseconds from the keystroke, and (in
 * *out_changed_ms) from search-changed, to the frame that shows the
 * result. */
static double
type_key (CompaniesUiFixture *fixture,
          GListModel         *filter,
          const char         *character,
          double             *out_changed_ms,
          double             *out_cpu_ms)
{
  GtkEditable *entry = GTK_EDITABLE (companies_ui_get_child (fixture, "search_entry"));
  SearchWait wait = { filter, 0 };
  int position = (int) g_utf8_strlen (gtk_editable_get_text (entry), -1);
  double cpu_before = process_cpu_ms ();

  wait.typed_at = g_get_monotonic_time ();
  gtk_editable_insert_text (entry, character, -1, &position);
  iterate_until (search_shown, &wait, "the search result");

  *out_changed_ms = (painted_at - search_changed_at) / 1000.0;
  *out_cpu_ms = painted_cpu_ms - cpu_before;
  return (painted_at - wait.typed_at) / 1000.0;
}

static void
bench_app (void)
{
  CompaniesUiFixture fixture;
  CompaniesCompany *changed_rows[N_CHANGED];
  RefreshWait refresh = { changed_rows, "+1 555 0100" };
  g_autoptr(CompaniesLocalStore) other = NULL;
  g_autoptr(GError) error = NULL;
  GtkSingleSelection *selection;
  GListModel *filter;
  GtkAdjustment *vadjustment;
  GdkFrameClock *clock;
  CompaniesCompany *selected;
  gulong hook, paint_hook;
  gpointer frame_clock_class;
  guint n_shown;
  gint64 started, loaded;
  double started_cpu, start_cpu_ms, keystroke_cpu_ms, refine_cpu_ms;
  double complete_ms, refine_complete_ms;
  double start_ms, keystroke_ms, changed_ms, refine_ms, refine_changed_ms, refresh_ms, scrolled_to;
  gboolean kept;

  companies_ui_fixture_init (&fixture, FALSE);
  import_companies (fixture.local_database);
  reset_peak_rss ();

  /* Start: the application, its window, the list read, a frame. */
  starting = &fixture;
  /* Its signals exist once its class does. */
  frame_clock_class = g_type_class_ref (GDK_TYPE_FRAME_CLOCK);
  paint_hook = g_signal_add_emission_hook (g_signal_lookup ("after-paint", GDK_TYPE_FRAME_CLOCK), 0,
                                           first_rows_painted_hook, NULL, NULL);
  started = g_get_monotonic_time ();
  started_cpu = process_cpu_ms ();
  companies_ui_fixture_start_app (&fixture);
  loaded = g_get_monotonic_time ();
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture.window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  iterate_until (painted_since, &loaded, "the first frame");
  g_signal_remove_emission_hook (g_signal_lookup ("after-paint", GDK_TYPE_FRAME_CLOCK), paint_hook);
  g_type_class_unref (frame_clock_class);
  g_assert_cmpint (rows_painted_at, >, 0);
  start_ms = (rows_painted_at - started) / 1000.0;
  start_cpu_ms = rows_painted_cpu_ms - started_cpu;
  complete_ms = (painted_at - started) / 1000.0;
  g_assert_cmpuint (companies_ui_count_rows (&fixture), ==, (guint) records);

  /* A person reads the list before typing: what the app does once idle
   * after the first frame (companies-window.c prepares the search) is not
   * a keystroke's. */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  /* A keystroke over the whole list, then one that narrows it. */
  selection = companies_window_get_selection (fixture.window);
  filter = gtk_single_selection_get_model (selection);
  hook = g_signal_add_emission_hook (g_signal_lookup ("search-changed", GTK_TYPE_SEARCH_ENTRY), 0,
                                     search_changed_hook, NULL, NULL);
  g_signal_connect (filter, "items-changed", G_CALLBACK (filtered_cb), NULL);
  g_assert_true (COMPANIES_IS_COMPANY_LIST (filter));
  g_signal_connect (filter, "read-finished", G_CALLBACK (read_finished_cb), NULL);
  /* Ctrl+F, as a person opens the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.search", NULL));
  keystroke_ms = type_key (&fixture, filter, "z", &changed_ms, &keystroke_cpu_ms);
  refine_ms = type_key (&fixture, filter, "ü", &refine_changed_ms, &refine_cpu_ms);
  /* The rest of the result, read after its first rows showed. */
  iterate_until (read_finished_since, &search_changed_at, "the whole search result");
  refine_complete_ms = (painted_at - search_changed_at) / 1000.0;
  n_shown = companies_ui_count_rows (&fixture);
  g_assert_cmpuint (n_shown, >, 0);
  g_assert_cmpuint (n_shown, <, (guint) records);
  /* Escape: the search closes, everything shows again. */
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (companies_ui_get_child (&fixture, "search_bar")), FALSE);
  while (companies_ui_count_rows (&fixture) != (guint) records)
    companies_ui_iterate ();
  g_signal_remove_emission_hook (g_signal_lookup ("search-changed", GTK_TYPE_SEARCH_ENTRY), hook);
  g_signal_handlers_disconnect_by_func (filter, filtered_cb, NULL);
  g_signal_handlers_disconnect_by_func (filter, read_finished_cb, NULL);

  /* A refresh: scrolled halfway with a row selected there, 100 rows
   * spread over the list change in the file. */
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (companies_ui_get_child (&fixture, "scrolled_window")));
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 2);
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  scrolled_to = gtk_adjustment_get_value (vadjustment);
  gtk_single_selection_set_selected (selection, (guint) records / 2);
  selected = gtk_single_selection_get_selected_item (selection);

  other = companies_local_store_open (fixture.local_database, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_CHANGED; i++)
    {
      const char *values[COMPANIES_N_FIELDS] = { NULL };
      g_autoptr(CompaniesCompany) updated = NULL;

      changed_rows[i] = companies_ui_get_row (&fixture, i * ((guint) records / N_CHANGED) + 7);
      values[COMPANIES_FIELD_PHONE] = refresh.value;
      updated = companies_local_store_update_for_sync (other, companies_company_get_uuid (changed_rows[i]),
                                                       COMPANIES_FIELD_BIT (COMPANIES_FIELD_PHONE),
                                                       values, &error);
      g_assert_no_error (error);
    }

  refresh_ms = iterate_until (refresh_shown, &refresh, "the refresh") / 1000.0;
  companies_ui_wait_for_draw (GTK_WIDGET (fixture.window));
  kept = gtk_single_selection_get_selected_item (selection) == selected &&
         gtk_single_selection_get_selected (selection) == (guint) records / 2 &&
         G_APPROX_VALUE (gtk_adjustment_get_value (vadjustment), scrolled_to, 0.5);

  /* companies-bench reads the first seven and the peak RSS; the CPU
   * times (of every thread of the process, for start, keystroke and
   * refining keystroke) follow the number of rows shown, then the times
   * to the whole list and the whole refined result. */
  printf ("BENCH-APP %.1f %.1f %.1f %.1f %.1f %.1f %d %u %.1f %.1f %.1f %.1f %.1f %.1f\n",
          start_ms, keystroke_ms, changed_ms, refine_ms, refine_changed_ms, refresh_ms, kept, n_shown,
          start_cpu_ms, keystroke_cpu_ms, refine_cpu_ms, peak_rss_mb (), complete_ms, refine_complete_ms);
  fflush (stdout);

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, NULL);
  g_clear_object (&other);
  companies_ui_fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT, &records, "Local companies (100000)", "N" },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &prepared, "Copy this store (of N companies) instead of seeding one", "FILE" },
    { NULL }
  };

  companies_ui_test_init (&argc, &argv);

  context = g_option_context_new ("— the app's figures of the Companies benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || records < N_CHANGED * 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--records must be at least 200");
      return 2;
    }

  g_test_add_func ("/bench/app", bench_app);
  return g_test_run ();
}
