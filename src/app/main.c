/* main.c: binds the translations, checks that Companies is installed, and
 * runs it. Run from the build folder (`meson devenv`), the translations
 * and the icon come from there (COMPANIES_LOCALE_DIR, COMPANIES_ICON_DIR,
 * set by data/meson.build).
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

static const char *
get_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static void
startup_cb (GApplication *application,
            const char   *icon_dir)
{
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                  icon_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CompaniesApplication) application = NULL;
  const char *locale_dir = get_env ("COMPANIES_LOCALE_DIR");
  const char *icon_dir = get_env ("COMPANIES_ICON_DIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir != NULL ? locale_dir : LOCALEDIR);
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
  if (icon_dir != NULL)
    g_signal_connect_after (application, "startup", G_CALLBACK (startup_cb), (gpointer) icon_dir);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
