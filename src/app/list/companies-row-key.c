/* companies-row-key.c: the folded form of a company's listed fields.
 *
 * Folding is what a keystroke of the search and a sort by a column
 * would otherwise redo for every row: NFD normalisation, dropping the
 * combining marks, case folding (and the few Latin letters with a stroke
 * that have no decomposition: Ł, Ø, Đ…). ASCII takes a fast path with the
 * same result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-row-key"

#include "config.h"

#include <string.h>

#include "companies-row-key.h"

/* Between the fields of a key: no search text holds it (folding drops
 * it), so a match never spans two fields. */
#define SEPARATOR '\x1f'

static const CompaniesField key_fields[COMPANIES_ROW_KEY_N_FIELDS] = {
  COMPANIES_FIELD_NAME,
  COMPANIES_FIELD_CITY,
  COMPANIES_FIELD_COUNTRY,
  COMPANIES_FIELD_EMAIL,
  COMPANIES_FIELD_PHONE,
};

/* One allocation a row: the offsets, then the text. */
typedef struct
{
  /* The first 8 bytes of each field, big-endian: most comparisons of a
   * sort end there, without memcmp (). */
  guint64 prefix[COMPANIES_ROW_KEY_N_FIELDS];
  guint   start[COMPANIES_ROW_KEY_N_FIELDS];
  guint   length[COMPANIES_ROW_KEY_N_FIELDS];
  char    text[];
} RowKey;

static void
scratch_free (gpointer data)
{
  g_string_free (data, TRUE);
}

/* Where a thread folds a row before its key is allocated at its size. */
static GPrivate scratch = G_PRIVATE_INIT (scratch_free);

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

static RowKey *
make_key (CompaniesCompany *company)
{
  GString *text = g_private_get (&scratch);
  guint start[COMPANIES_ROW_KEY_N_FIELDS];
  guint length[COMPANIES_ROW_KEY_N_FIELDS];
  RowKey *key;

  if (text == NULL)
    {
      text = g_string_sized_new (256);
      g_private_set (&scratch, text);
    }

  g_string_truncate (text, 0);
  for (guint i = 0; i < COMPANIES_ROW_KEY_N_FIELDS; i++)
    {
      if (i > 0)
        g_string_append_c (text, SEPARATOR);
      start[i] = text->len;
      companies_fold_append (text, companies_company_get_field (company, key_fields[i]));
      length[i] = text->len - start[i];
    }

  key = g_malloc (sizeof (RowKey) + text->len + 1);
  memcpy (key->start, start, sizeof start);
  memcpy (key->length, length, sizeof length);
  memcpy (key->text, text->str, text->len + 1);

  for (guint i = 0; i < COMPANIES_ROW_KEY_N_FIELDS; i++)
    {
      guint64 prefix = 0;

      memcpy (&prefix, key->text + start[i], MIN (length[i], sizeof prefix));
      key->prefix[i] = GUINT64_FROM_BE (prefix);
    }

  return key;
}

/* Kept in the company's app data: a sort reads it at every comparison. */
static inline RowKey *
get_key (CompaniesCompany *company)
{
  RowKey *key = companies_company_get_app_data (company);

  if (G_UNLIKELY (key == NULL))
    {
      key = make_key (company);
      companies_company_set_app_data (company, key, g_free);
    }

  return key;
}

const char *
companies_row_key_get_text (CompaniesCompany *company)
{
  return get_key (company)->text;
}

void
companies_row_key_prepare (CompaniesCompany *company)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (company));

  get_key (company);
}

void
companies_row_key_invalidate (CompaniesCompany *company)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (company));

  companies_company_set_app_data (company, NULL, NULL);
}

void
companies_row_key_transfer (CompaniesCompany *to,
                            CompaniesCompany *from)
{
  RowKey *key;

  g_return_if_fail (COMPANIES_IS_COMPANY (to));
  g_return_if_fail (COMPANIES_IS_COMPANY (from));

  key = companies_company_steal_app_data (from);
  companies_company_set_app_data (to, key, key != NULL ? g_free : NULL);
}

static inline int
field_index (CompaniesField field)
{
  switch (field)
    {
    case COMPANIES_FIELD_NAME: return 0;
    case COMPANIES_FIELD_CITY: return 1;
    case COMPANIES_FIELD_COUNTRY: return 2;
    case COMPANIES_FIELD_EMAIL: return 3;
    case COMPANIES_FIELD_PHONE: return 4;
    default: return -1;
    }
}

gboolean
companies_row_key_has_field (CompaniesField field)
{
  return field_index (field) >= 0;
}

int
companies_row_key_compare (CompaniesCompany *a,
                           CompaniesCompany *b,
                           CompaniesField    field)
{
  int i = field_index (field);
  RowKey *key_a, *key_b;
  int result;

  g_return_val_if_fail (i >= 0, 0);

  key_a = get_key (a);
  key_b = get_key (b);

  if (key_a->prefix[i] != key_b->prefix[i])
    return key_a->prefix[i] < key_b->prefix[i] ? -1 : 1;

  result = memcmp (key_a->text + key_a->start[i],
                   key_b->text + key_b->start[i],
                   MIN (key_a->length[i], key_b->length[i]));
  if (result == 0)
    result = (int) key_a->length[i] - (int) key_b->length[i];

  return result;
}

const char *
companies_row_key_get_field (CompaniesCompany *company,
                             CompaniesField    field,
                             gsize            *out_length)
{
  int i = field_index (field);
  RowKey *key;

  g_return_val_if_fail (i >= 0, NULL);

  key = get_key (company);
  *out_length = key->length[i];

  return key->text + key->start[i];
}
