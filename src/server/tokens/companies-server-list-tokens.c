/* companies-server-list-tokens.c: `companies-server list-tokens`
 *
 * Reads the tokens file as the server does (companies-server-tokens.c),
 * so the labels shown are the ones history and notices will show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-server-list-tokens.h"
#include "companies-server-tokens.h"

#define EXIT_BAD_OPTIONS 2

int
companies_server_list_tokens_main (int    argc,
                                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(CompaniesServerTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tokens_path = NULL;

  const GOptionEntry entries[] = {
    { "tokens", 0, 0, G_OPTION_ARG_FILENAME, &tokens_path,
      N_("The tokens file to list"), N_("FILE") },
    { NULL }
  };

  g_set_prgname ("companies-server list-tokens");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Lists the tokens of a tokens file by their labels, "
                                  "never the tokens themselves."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      argc > 1 || tokens_path == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (),
                  error != NULL ? error->message : _("--tokens FILE is required"));
      return EXIT_BAD_OPTIONS;
    }

  tokens = companies_server_tokens_load (tokens_path, &error);
  if (tokens == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < companies_server_tokens_get_count (tokens); i++)
    {
      const CompaniesServerToken *token = companies_server_tokens_get (tokens, i);

      if (token->read_only)
        /* TRANSLATORS: a token's place, its label, then this flag */
        g_print ("%u\t%s\t%s\n", i + 1, token->label, _("read-only"));
      else
        g_print ("%u\t%s\n", i + 1, token->label);
    }

  return EXIT_SUCCESS;
}
