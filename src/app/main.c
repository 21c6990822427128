/* main.c: binds the translations and runs Companies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "companies-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CompaniesApplication) application = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = companies_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
