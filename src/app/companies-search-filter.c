/* companies-search-filter.c: the search of the companies list.
 *
 * Each row is folded once (NFD, combining marks dropped, case folded) into
 * one key kept on the company; a keystroke then costs one strstr () a row.
 * When the text grows, the filter says so (GTK_FILTER_CHANGE_MORE_STRICT)
 * and GtkFilterListModel only looks again at the rows that matched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-search-filter"

#include "config.h"

#include <string.h>

#include "companies-search-filter.h"

/* The fields searched. */
static const CompaniesField searched_fields[] = {
  COMPANIES_FIELD_NAME,
  COMPANIES_FIELD_CITY,
  COMPANIES_FIELD_COUNTRY,
  COMPANIES_FIELD_EMAIL,
  COMPANIES_FIELD_PHONE,
};

/* Between the fields of a key: no search text holds it, so a match never
 * spans two fields. */
#define KEY_SEPARATOR '\x1f'

struct _CompaniesSearchFilter
{
  GtkFilter  parent_instance;

  char      *text;
  char      *folded;   /* NULL when the search is empty */
};

G_DEFINE_FINAL_TYPE (CompaniesSearchFilter, companies_search_filter, GTK_TYPE_FILTER)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GQuark
search_key_quark (void)
{
  static gsize quark;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("companies-search-key"));

  return (GQuark) quark;
}

static void
append_folded (GString    *out,
               const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *casefolded = NULL;
  GString *stripped;

  if (text == NULL || *text == '\0')
    return;

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  if (decomposed == NULL)
    return;

  stripped = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK ||
          type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK ||
          c == (gunichar) KEY_SEPARATOR)
        continue;

      g_string_append_unichar (stripped, c);
    }

  casefolded = g_utf8_casefold (stripped->str, stripped->len);
  g_string_free (stripped, TRUE);

  g_string_append (out, casefolded);
}

char *
companies_search_fold (const char *text)
{
  GString *out = g_string_new (NULL);

  append_folded (out, text);

  return g_string_free (out, FALSE);
}

static char *
make_key (CompaniesCompany *company)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (searched_fields); i++)
    {
      if (i > 0)
        g_string_append_c (key, KEY_SEPARATOR);
      append_folded (key, companies_company_get_field (company, searched_fields[i]));
    }

  return g_string_free (key, FALSE);
}

static const char *
get_key (CompaniesCompany *company)
{
  const char *key = g_object_get_qdata (G_OBJECT (company), search_key_quark ());

  if (key == NULL)
    {
      char *made = make_key (company);

      g_object_set_qdata_full (G_OBJECT (company), search_key_quark (), made, g_free);
      key = made;
    }

  return key;
}

void
companies_search_filter_prepare (CompaniesCompany *company)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (company));

  get_key (company);
}

void
companies_search_filter_invalidate (CompaniesCompany *company)
{
  g_return_if_fail (COMPANIES_IS_COMPANY (company));

  g_object_set_qdata (G_OBJECT (company), search_key_quark (), NULL);
}

static gboolean
companies_search_filter_match (GtkFilter *filter,
                               gpointer   item)
{
  CompaniesSearchFilter *self = (CompaniesSearchFilter *) filter;

  if (self->folded == NULL)
    return TRUE;

  if (!COMPANIES_IS_COMPANY (item))
    return FALSE;

  return strstr (get_key (item), self->folded) != NULL;
}

static GtkFilterMatch
companies_search_filter_get_strictness (GtkFilter *filter)
{
  CompaniesSearchFilter *self = (CompaniesSearchFilter *) filter;

  return self->folded == NULL ? GTK_FILTER_MATCH_ALL : GTK_FILTER_MATCH_SOME;
}

static void
companies_search_filter_finalize (GObject *object)
{
  CompaniesSearchFilter *self = (CompaniesSearchFilter *) object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->folded, g_free);

  G_OBJECT_CLASS (companies_search_filter_parent_class)->finalize (object);
}

static void
companies_search_filter_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CompaniesSearchFilter *self = COMPANIES_SEARCH_FILTER (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_search_filter_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  CompaniesSearchFilter *self = COMPANIES_SEARCH_FILTER (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      companies_search_filter_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_search_filter_class_init (CompaniesSearchFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkFilterClass *filter_class = GTK_FILTER_CLASS (klass);

  object_class->finalize = companies_search_filter_finalize;
  object_class->get_property = companies_search_filter_get_property;
  object_class->set_property = companies_search_filter_set_property;

  filter_class->match = companies_search_filter_match;
  filter_class->get_strictness = companies_search_filter_get_strictness;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
companies_search_filter_init (CompaniesSearchFilter *self)
{
}

CompaniesSearchFilter *
companies_search_filter_new (void)
{
  return g_object_new (COMPANIES_TYPE_SEARCH_FILTER, NULL);
}

const char *
companies_search_filter_get_text (CompaniesSearchFilter *self)
{
  g_return_val_if_fail (COMPANIES_IS_SEARCH_FILTER (self), NULL);

  return self->text;
}

void
companies_search_filter_set_text (CompaniesSearchFilter *self,
                                  const char            *text)
{
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;
  GtkFilterChange change;

  g_return_if_fail (COMPANIES_IS_SEARCH_FILTER (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  folded = companies_search_fold (stripped);
  if (*folded == '\0')
    g_clear_pointer (&folded, g_free);

  if (g_strcmp0 (folded, self->folded) == 0)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
      return;
    }

  if (self->folded == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (folded == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (strstr (folded, self->folded) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;   /* the text grew */
  else if (strstr (self->folded, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;   /* the text shrank */
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  g_free (self->folded);
  self->folded = g_steal_pointer (&folded);

  gtk_filter_changed (GTK_FILTER (self), change);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}
