/* companies-fold.c: the folded forms of the companies' text that the
 * list searches and sorts by, computed in C and kept in the store's
 * columns (search_text and the *_key columns, see
 * companies-local-store-schema.c).
 *
 * Folding: NFD normalisation, combining marks dropped, case folded (and
 * the few Latin letters with a stroke that have no decomposition: Ł, Ø,
 * Đ…). ASCII takes a fast path with the same result. A sort key is the
 * folded value with every run of digits written as its length then its
 * digits, so that "Companhia 2" sorts before "Companhia 10".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-fold"

#include "config.h"

#include <string.h>

#include "companies-fold.h"

/* Between the fields of a search text: no search holds it (folding
 * drops it), so a match never spans two fields. */
#define SEPARATOR '\x1f'

const CompaniesField companies_listed_fields[COMPANIES_N_LISTED_FIELDS] = {
  COMPANIES_FIELD_NAME,
  COMPANIES_FIELD_CITY,
  COMPANIES_FIELD_COUNTRY,
  COMPANIES_FIELD_EMAIL,
  COMPANIES_FIELD_PHONE,
};

/* One character outside ASCII: its canonical decomposition without the
 * marks, case folded. Per character, NFD differs from the whole string's
 * only in the order of the marks, which are dropped anyway. */
/* Latin letters with a stroke or a ligature have no decomposition, yet a
 * person typing "lodz" or "orsted" means Łódź and Ørsted. */
static const char *
fold_latin_letter (gunichar c)
{
  switch (c)
    {
    case 0x00C6: case 0x00E6: return "ae";   /* Æ æ */
    case 0x00D0: case 0x00F0: return "d";    /* Ð ð */
    case 0x00D8: case 0x00F8: return "o";    /* Ø ø */
    case 0x00DE: case 0x00FE: return "th";   /* Þ þ */
    case 0x0110: case 0x0111: return "d";    /* Đ đ */
    case 0x0126: case 0x0127: return "h";    /* Ħ ħ */
    case 0x0131: return "i";                 /* ı */
    case 0x0141: case 0x0142: return "l";    /* Ł ł */
    case 0x0152: case 0x0153: return "oe";   /* Œ œ */
    case 0x0166: case 0x0167: return "t";    /* Ŧ ŧ */
    default: return NULL;
    }
}

static void
fold_unichar (GString  *out,
              gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  const char *latin = fold_latin_letter (c);
  gsize n;

  if (latin != NULL)
    {
      g_string_append (out, latin);
      return;
    }

  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));

  for (gsize i = 0; i < n; i++)
    {
      gunichar d = decomposed[i];

      switch (g_unichar_type (d))
        {
        case G_UNICODE_NON_SPACING_MARK:
        case G_UNICODE_SPACING_MARK:
        case G_UNICODE_ENCLOSING_MARK:
          break;

        default:
          if (d < 0x80)
            {
              if (d != SEPARATOR)
                g_string_append_c (out, g_ascii_tolower ((char) d));
            }
          else
            {
              char utf8[6];
              int length = g_unichar_to_utf8 (d, utf8);
              g_autofree char *folded = g_utf8_casefold (utf8, length);

              g_string_append (out, folded);
            }
          break;
        }
    }
}

void
companies_fold_append (GString    *out,
                       const char *text)
{
  if (text == NULL)
    return;

  for (const char *p = text; *p != '\0';)
    {
      if ((guchar) *p < 0x80)
        {
          /* A run of ASCII: NFD and the marks change nothing, folding is
           * lowering the case; done in place, a run at a time. */
          const char *run = p;
          gsize old_len = out->len;
          char *to;

          while (*p != '\0' && (guchar) *p < 0x80)
            p++;

          g_string_set_size (out, old_len + (gsize) (p - run));
          to = out->str + old_len;
          for (; run < p; run++)
            {
              if (*run != SEPARATOR)
                *to++ = *run >= 'A' && *run <= 'Z' ? *run + ('a' - 'A') : *run;
            }
          g_string_truncate (out, (gsize) (to - out->str));
        }
      else
        {
          gunichar c = g_utf8_get_char_validated (p, -1);

          if (c == (gunichar) -1 || c == (gunichar) -2)
            return;   /* not UTF-8: the store never holds that */

          fold_unichar (out, c);
          p = g_utf8_next_char (p);
        }
    }
}

char *
companies_fold (const char *text)
{
  GString *out = g_string_new (NULL);

  companies_fold_append (out, text);

  return g_string_free (out, FALSE);
}


/* A run of digits: leading zeros dropped, then its length (one byte from
 * '1', so that longer numbers sort after shorter ones) and its digits. */
static const char *
append_number (GString    *out,
               const char *p)
{
  const char *start;
  gsize length;

  while (*p == '0' && g_ascii_isdigit (p[1]))
    p++;
  start = p;
  while (g_ascii_isdigit (*p))
    p++;

  length = MIN ((gsize) (p - start), 0x7f - '1');
  g_string_append_c (out, (char) ('0' + length));
  g_string_append_len (out, start, p - start);

  return p;
}

gsize
companies_sort_key_append (GString    *out,
                           const char *text)
{
  /* Most values are short ASCII: folded on the stack, which is what
   * companies_fold () would give (lowered, the separator dropped); a
   * bulk import makes five keys a record. */
  char stack[256];
  g_autofree char *heap = NULL;
  const char *folded = stack;
  gsize start = out->len;
  gsize n = 0;
  const char *t = text != NULL ? text : "";

  for (; *t != '\0' && (guchar) *t < 0x80 && n < sizeof stack - 1; t++)
    {
      if (*t != SEPARATOR)
        stack[n++] = *t >= 'A' && *t <= 'Z' ? *t + ('a' - 'A') : *t;
    }
  stack[n] = '\0';
  if (*t != '\0')
    folded = heap = companies_fold (text);

  if (*folded == '\0')
    {
      g_string_append_c (out, (char) COMPANIES_SORT_KEY_EMPTY);
      return out->len - start;
    }

  for (const char *p = folded; *p != '\0';)
    {
      if (g_ascii_isdigit (*p))
        p = append_number (out, p);
      else
        g_string_append_c (out, *p++);
    }

  return out->len - start;
}

void
companies_search_text_append (GString           *out,
                              const char * const *values)
{
  for (guint i = 0; i < COMPANIES_N_LISTED_FIELDS; i++)
    {
      if (i > 0)
        g_string_append_c (out, SEPARATOR);
      companies_fold_append (out, values[companies_listed_fields[i]]);
    }
}
