/* companies-fields.c: the user fields of a Company and their rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-fields"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-fields.h"

typedef struct
{
  const char *name;
  const char *label;
  guint       max_length;
  gboolean    multi_line;
} FieldInfo;

static const FieldInfo field_info[COMPANIES_N_FIELDS] = {
  [COMPANIES_FIELD_NAME]        = { "name",        N_("Name"),        200,   FALSE },
  [COMPANIES_FIELD_ADDRESS]     = { "address",     N_("Address"),     500,   TRUE },
  [COMPANIES_FIELD_CITY]        = { "city",        N_("City"),        100,   FALSE },
  [COMPANIES_FIELD_POSTAL_CODE] = { "postal_code", N_("Postal code"), 20,    FALSE },
  [COMPANIES_FIELD_COUNTRY]     = { "country",     N_("Country"),     100,   FALSE },
  [COMPANIES_FIELD_PHONE]       = { "phone",       N_("Phone"),       50,    FALSE },
  [COMPANIES_FIELD_EMAIL]       = { "email",       N_("E-mail"),      254,   FALSE },
  [COMPANIES_FIELD_WEBSITE]     = { "website",     N_("Website"),     500,   FALSE },
  [COMPANIES_FIELD_NOTES]       = { "notes",       N_("Notes"),       10000, TRUE },
};

G_DEFINE_QUARK (companies-validation-error-quark, companies_validation_error)

const char *
companies_field_get_name (CompaniesField field)
{
  if ((guint) field >= COMPANIES_N_FIELDS)
    return NULL;

  return field_info[field].name;
}

const char *
companies_field_get_label (CompaniesField field)
{
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, NULL);

  return g_dgettext (GETTEXT_PACKAGE, field_info[field].label);
}

gboolean
companies_field_from_name (const char     *name,
                           CompaniesField *out_field)
{
  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (strcmp (name, field_info[i].name) == 0)
        {
          if (out_field != NULL)
            *out_field = (CompaniesField) i;
          return TRUE;
        }
    }

  return FALSE;
}

guint
companies_field_get_max_length (CompaniesField field)
{
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, 0);

  return field_info[field].max_length;
}

/* White space (Unicode White_Space, as g_unichar_isspace ()) or an
 * invisible format character (category Cf: U+200B, U+FEFF, the
 * direction marks): a name made only of these shows as empty. */
static gboolean
is_invisible (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_FORMAT;
}

/* Whether [@start, @end), valid UTF-8, holds only invisible characters. */
static gboolean
is_blank_range (const char *start,
                const char *end)
{
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    {
      if (!g_ascii_isspace (*p) && ((guchar) *p < 0x80 || !is_invisible (g_utf8_get_char (p))))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_blank (const char *value)
{
  gsize length = strlen (value);

  /* Invalid UTF-8 is not blank: companies_field_validate () says why. */
  return g_utf8_validate_len (value, length, NULL) && is_blank_range (value, value + length);
}

/* Characters a field refuses beyond the C0 controls: DEL and the C1
 * controls everywhere; in one-line fields also the line and paragraph
 * separators and the bidirectional embeddings, overrides and isolates,
 * which break a line or reorder what a terminal or a list shows. */
static gboolean
is_forbidden (gunichar c,
              gboolean multi_line)
{
  if (c == 0x7f || (c >= 0x80 && c <= 0x9f))
    return TRUE;
  if (multi_line)
    return FALSE;

  return c == 0x2028 || c == 0x2029 ||
         (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

/* Whether [@start, @end), valid UTF-8 and not ASCII only, holds a
 * character is_forbidden () refuses. */
static gboolean
scan_unicode (const char *start,
              const char *end,
              gboolean    multi_line)
{
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    {
      if ((guchar) *p >= 0x80 && is_forbidden (g_utf8_get_char (p), multi_line))
        return TRUE;
    }

  return FALSE;
}

static gboolean
validate_email (const char  *value,
                GError     **error)
{
  const char *at = NULL;
  guint n_at = 0;

  if (*value == '\0')
    return TRUE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_ascii_isspace (*p) ||
          ((guchar) *p >= 0x80 && is_invisible (g_utf8_get_char (p))))
        {
          g_set_error_literal (error, COMPANIES_VALIDATION_ERROR,
                               COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                               _("E-mail must not contain white space"));
          return FALSE;
        }
      if (*p == '@')
        {
          n_at++;
          at = p;
        }
    }

  if (n_at != 1 || at == value || at[1] == '\0')
    {
      g_set_error_literal (error, COMPANIES_VALIDATION_ERROR,
                           COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                           _("E-mail must contain one @ with text on both sides"));
      return FALSE;
    }

  return TRUE;
}

/* Looked up only for a message, not for each value checked. */
static const char *
label_of (const FieldInfo *info)
{
  return g_dgettext (GETTEXT_PACKAGE, info->label);
}

/* Whether [@start, @end) holds a control character the field forbids;
 * sets *out_ascii to whether it is ASCII only. One pass over the text. */
static gboolean
scan_text (const char *start,
           const char *end,
           gboolean    multi_line,
           gboolean   *out_ascii)
{
  guchar seen = 0;
  gboolean control = FALSE;

  for (const guchar *p = (const guchar *) start; p < (const guchar *) end; p++)
    {
      seen |= *p;
      if (G_UNLIKELY (*p < 0x20 || *p == 0x7f) &&
          !(multi_line && (*p == '\t' || *p == '\n' || *p == '\r')))
        control = TRUE;
    }

  *out_ascii = seen < 0x80;
  return control;
}

gboolean
companies_field_validate (CompaniesField   field,
                          const char      *value,
                          GError         **error)
{
  const FieldInfo *info;
  const char *end;
  gboolean ascii;
  gboolean control;
  gsize length;

  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = &field_info[field];

  if (value == NULL)
    value = "";
  end = value + strlen (value);

  /* The name is checked as it is stored: trimmed (as g_strstrip () does;
   * trimming only ASCII bytes keeps the UTF-8 check the same). */
  if (field == COMPANIES_FIELD_NAME)
    {
      while (g_ascii_isspace (*value))
        value++;
      while (end > value && g_ascii_isspace (end[-1]))
        end--;
    }

  control = scan_text (value, end, info->multi_line, &ascii);

  if (!ascii && !g_utf8_validate_len (value, end - value, NULL))
    {
      /* TRANSLATORS: %s is a field label such as "Postal code" */
      g_set_error (error, COMPANIES_VALIDATION_ERROR,
                   COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                   _("%s is not valid UTF-8 text"), label_of (info));
      return FALSE;
    }

  if (control || (!ascii && scan_unicode (value, end, info->multi_line)))
    {
      /* TRANSLATORS: %s is a field label such as "Postal code" */
      g_set_error (error, COMPANIES_VALIDATION_ERROR,
                   COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                   _("%s must not contain control characters"), label_of (info));
      return FALSE;
    }

  if (field == COMPANIES_FIELD_NAME && (value == end || (!ascii && is_blank_range (value, end))))
    {
      g_set_error_literal (error, COMPANIES_VALIDATION_ERROR,
                           COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                           _("Name is required"));
      return FALSE;
    }

  length = ascii ? (gsize) (end - value) : (gsize) g_utf8_strlen (value, end - value);
  if (length > info->max_length)
    {
      /* TRANSLATORS: %s is a field label such as "Postal code", %u the
       * largest number of characters it may hold */
      g_set_error (error, COMPANIES_VALIDATION_ERROR,
                   COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                   _("%s must be at most %u characters"), label_of (info), info->max_length);
      return FALSE;
    }

  if (field == COMPANIES_FIELD_EMAIL)
    return validate_email (value, error);

  return TRUE;
}

gboolean
companies_fields_validate (const char * const  *values,
                           guint                mask,
                           CompaniesField      *out_field,
                           GError             **error)
{
  g_return_val_if_fail (values != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if ((mask & COMPANIES_FIELD_BIT (i)) == 0)
        continue;

      if (i == COMPANIES_FIELD_NAME && (values[i] == NULL || is_blank (values[i])))
        {
          g_set_error_literal (error, COMPANIES_VALIDATION_ERROR,
                               values[i] == NULL
                                 ? COMPANIES_VALIDATION_ERROR_MISSING_FIELD
                                 : COMPANIES_VALIDATION_ERROR_INVALID_FIELD,
                               _("Name is required"));
          if (out_field != NULL)
            *out_field = COMPANIES_FIELD_NAME;
          return FALSE;
        }

      if (!companies_field_validate ((CompaniesField) i, values[i], error))
        {
          if (out_field != NULL)
            *out_field = (CompaniesField) i;
          return FALSE;
        }
    }

  return TRUE;
}

char *
companies_field_normalize (CompaniesField  field,
                           const char     *value)
{
  g_return_val_if_fail ((guint) field < COMPANIES_N_FIELDS, NULL);

  if (value == NULL)
    return g_strdup ("");

  if (field == COMPANIES_FIELD_NAME)
    return g_strstrip (g_strdup (value));

  return g_strdup (value);
}
