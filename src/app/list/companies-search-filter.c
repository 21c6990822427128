/* companies-search-filter.c: the search of the companies list.
 *
 * Each row is folded once (NFD, combining marks dropped, case folded) into
 * one key kept on the company (CompaniesRowKey); a keystroke then costs
 * one strstr () a row.
 * When the text grows, the filter says so (GTK_FILTER_CHANGE_MORE_STRICT)
 * and the window's CompaniesSearchModel only looks again at the rows that
 * matched; it reads the folded text (companies_search_filter_get_folded ())
 * rather than calling the filter once a row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-search-filter"

#include "config.h"

#include <string.h>

#include "companies-row-key.h"
#include "companies-search-filter.h"

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

static gboolean
companies_search_filter_match (GtkFilter *filter,
                               gpointer   item)
{
  CompaniesSearchFilter *self = (CompaniesSearchFilter *) filter;

  if (self->folded == NULL)
    return TRUE;

  if (!COMPANIES_IS_COMPANY (item))
    return FALSE;

  return strstr (companies_row_key_get_text (item), self->folded) != NULL;
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

const char *
companies_search_filter_get_folded (CompaniesSearchFilter *self)
{
  g_return_val_if_fail (COMPANIES_IS_SEARCH_FILTER (self), NULL);

  return self->folded;
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
  folded = companies_fold (stripped);
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
