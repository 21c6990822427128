/* companies-test-process.c: waiting, with a deadline, for a program a test
 * runs to its end, and children that die with the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test"

#include <signal.h>
#include <sys/prctl.h>

#include "companies-test-process.h"

void
companies_test_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  GBytes   *out;
  GBytes   *err;
  GError   *error;
} Communication;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *communication = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result,
                                   &communication->out, &communication->err,
                                   &communication->error);
  communication->done = TRUE;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  Communication *communication = user_data;

  communication->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
companies_test_process_communicate (GSubprocess  *process,
                                    GBytes       *stdin_bytes,
                                    guint         timeout_ms,
                                    GBytes      **out_stdout,
                                    GBytes      **out_stderr)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  Communication communication = { 0, };
  gboolean finished;

  g_main_context_push_thread_default (context);
  g_source_set_callback (timeout, timed_out_cb, &communication, NULL);
  g_source_attach (timeout, context);

  g_subprocess_communicate_async (process, stdin_bytes, NULL, communicated_cb, &communication);
  while (!communication.done && !communication.timed_out)
    g_main_context_iteration (context, TRUE);

  finished = communication.done;
  if (!finished)
    {
      /* Stop it, and drain what it printed before the test fails. */
      g_subprocess_force_exit (process);
      while (!communication.done)
        g_main_context_iteration (context, TRUE);
    }

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (finished)
    g_assert_no_error (communication.error);
  g_clear_error (&communication.error);

  *out_stdout = communication.out;
  *out_stderr = communication.err;
  return finished;
}

char *
companies_test_bytes_dup_string (GBytes *bytes)
{
  gsize size = 0;
  const char *data;

  if (bytes == NULL)
    return g_strdup ("");

  data = g_bytes_get_data (bytes, &size);
  if (data == NULL || size == 0)
    return g_strdup ("");
  return g_strndup (data, size);
}
