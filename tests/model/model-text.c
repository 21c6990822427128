/* model-text.c: random, valid field values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "model-text"

#include <string.h>

#include "model-text.h"

/* Pieces a value is made of: letters, non-ASCII text (accents, other
 * scripts, emoji, a combining mark, a zero-width space), quotes,
 * backslashes, LIKE wildcards and SQL that must stay plain text. None
 * holds an '@', so that an e-mail address keeps exactly one. */
static const char * const pieces[] = {
  "a", "b", "k", "Z", "0", "7", " ", " ", "-", ".", ",",
  "é", "ñ", "ü", "ß", "Ø", "ç", "ł", "中文", "日本", "한국", "Ελλάδα", "Москва",
  "עברית", "عربي", "😀", "🏢", "e\xcc\x81", "\xe2\x80\x8b", "\t", "\n",
  "'", "\"", "\\", "%", "_", ";", "`",
  "'; DROP TABLE companies; --",
  "Robert'); DROP TABLE local_company;--",
  "' OR '1'='1",
  "\" OR \"\"=\"",
  "1; DELETE FROM companies WHERE 1=1",
  "NULL",
  "%_%",
  "0x00",
};

static const char *
random_piece (GRand *rand)
{
  return pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
}

/* Random text of at most @max_chars characters, aiming at @target. */
static char *
random_text (GRand *rand,
             guint  target,
             guint  max_chars)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 64 && g_utf8_strlen (text->str, -1) < (glong) target; i++)
    g_string_append (text, random_piece (rand));

  if (g_utf8_strlen (text->str, -1) > (glong) max_chars)
    return g_utf8_substring (text->str, 0, max_chars);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
random_email (GRand *rand)
{
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;

  if (g_rand_int_range (rand, 0, 5) == 0)
    return g_strdup ("");

  local = random_text (rand, g_rand_int_range (rand, 1, 12), 60);
  domain = random_text (rand, g_rand_int_range (rand, 1, 12), 60);

  return g_strdup_printf ("%s@%s", local, domain);
}

static char *
random_name (GRand *rand)
{
  g_autofree char *text = random_text (rand, g_rand_int_range (rand, 0, 30), 150);
  const char *pad = g_rand_int_range (rand, 0, 4) == 0 ? "  " : "";

  /* Never blank; sometimes with white space that the stores trim. */
  return g_strdup_printf ("%s%s %s%s", pad, g_rand_boolean (rand) ? "Acme" : "Société",
                          text, pad);
}

char *
model_text_value (GRand          *rand,
                  CompaniesField  field)
{
  guint max_chars = companies_field_get_max_length (field);

  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autofree char *value = NULL;
      guint target;

      if (field == COMPANIES_FIELD_NAME)
        value = random_name (rand);
      else if (field == COMPANIES_FIELD_EMAIL)
        value = random_email (rand);
      else
        {
          target = g_rand_int_range (rand, 0, MIN (max_chars, field == COMPANIES_FIELD_NOTES ? 120u : 40u) + 1);
          value = random_text (rand, target, max_chars);
        }

      if (companies_field_validate (field, value, NULL))
        return g_steal_pointer (&value);
    }

  /* Not reached in practice; a plain valid value. */
  return g_strdup (field == COMPANIES_FIELD_NAME ? "Acme" :
                   field == COMPANIES_FIELD_EMAIL ? "a@b" : "");
}
