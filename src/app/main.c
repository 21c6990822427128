/* main.c: binds the translations, checks that Companies is installed, and
 * runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies"

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "companies-application.h"

/* GSettings aborts the process when a schema is missing; a person who runs
 * an uninstalled build gets a sentence and an exit code instead. */
static gboolean
settings_schema_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  return schema != NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CompaniesApplication) application = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!settings_schema_installed ())
    {
      /* TRANSLATORS: %s is the application id, com.example.Companies */
      g_printerr (_("companies: Companies is not installed correctly: its settings schema “%s” was not found.\n"
                    "Install it with “meson install”, or run it from a source checkout with build-aux/demo.sh.\n"),
                  APP_ID);
      return EXIT_FAILURE;
    }

  application = companies_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
