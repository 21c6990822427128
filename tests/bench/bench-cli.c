/* bench-cli.c: companies-cli timed as a process, start to exit: what a
 * person or a script waits for, dynamic loading and the store's open
 * included (docs/store-checks.md says why that open costs no full check).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-cli.h"
#include "bench-util.h"

/* posix_spawn (), not GSubprocess: GLib forks to set up the child's
 * pipes, and a fork of this process, which holds the benchmark's data,
 * copied its page tables in the time measured (status took 13.5 ms here
 * against 3.5 ms from a shell, docs/cli-start.md). glibc's posix_spawn ()
 * shares the memory until the exec, as a shell's start of the CLI costs. */
static gboolean
run_once (GPtrArray  *argv,
          GError    **error)
{
  const char *program = g_ptr_array_index (argv, 0);
  posix_spawn_file_actions_t actions;
  char message[1024] = "";
  int status = 0;
  int err_fd;
  pid_t pid;
  int rc;

  /* Its stderr kept in memory, to say why it failed. */
  err_fd = memfd_create ("companies-cli-stderr", MFD_CLOEXEC);
  if (err_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "memfd_create: %s", g_strerror (saved_errno));
      return FALSE;
    }

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2 (&actions, err_fd, STDERR_FILENO);
  rc = posix_spawn (&pid, program, &actions, NULL, (char * const *) argv->pdata, environ);
  posix_spawn_file_actions_destroy (&actions);
  if (rc != 0)
    {
      close (err_fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (rc),
                   "Could not start %s: %s", program, g_strerror (rc));
      return FALSE;
    }

  while (waitpid (pid, &status, 0) < 0)
    {
      if (errno != EINTR)
        {
          int saved_errno = errno;

          close (err_fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "waitpid: %s", g_strerror (saved_errno));
          return FALSE;
        }
    }

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      ssize_t length = pread (err_fd, message, sizeof message - 1, 0);

      message[length > 0 ? length : 0] = '\0';
      close (err_fd);
      g_set_error (error, G_SPAWN_EXIT_ERROR, WIFEXITED (status) ? WEXITSTATUS (status) : 1,
                   "%s failed (wait status %d): %s", program, status, g_strstrip (message));
      return FALSE;
    }

  close (err_fd);
  return TRUE;
}

gboolean
bench_cli_median_ms (const char * const  *args,
                     guint                samples,
                     double              *out_ms,
                     GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  const char *cli = g_getenv ("COMPANIES_CLI");

  if (cli == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "COMPANIES_CLI is not set");
      return FALSE;
    }

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* The first run may check the file in full (a file this program
   * wrote last is as recorded, but another may have written it). */
  if (!run_once (argv, error))
    return FALSE;

  for (guint i = 0; i < samples; i++)
    {
      gint64 start = bench_now_us ();
      double ms;

      if (!run_once (argv, error))
        return FALSE;
      ms = (bench_now_us () - start) / 1000.0;
      g_array_append_val (times, ms);
    }

  *out_ms = bench_median (times);
  return TRUE;
}
