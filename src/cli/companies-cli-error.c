/* companies-cli-error.c: how companies-cli reports a problem: one line on
 * stderr after the program's name, and for usage errors a pointer to the
 * right --help.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-cli.h"

void
cli_error (const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", CLI_NAME, message);
}

void
cli_usage_error (const char *command,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  g_autofree char *help = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (command != NULL)
    help = g_strdup_printf ("%s %s --help", CLI_NAME, command);
  else
    help = g_strdup_printf ("%s --help", CLI_NAME);

  g_printerr ("%s: %s\n", CLI_NAME, message);
  /* Translators: %s is a command such as "companies-cli add --help" */
  g_printerr (_("Try “%s” for more information."), help);
  g_printerr ("\n");
}
