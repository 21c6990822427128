/* companies-notice-text.c: what a notice of
 * companies-local-store-notices.h says to a person, the same words in
 * the app and the CLI: which value is current, which was lost, who wrote
 * each and when, and what Restore does (docs/notices.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "companies-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "companies-local-store-notices.h"

/* Values are shown whole up to this many characters, then cut with "…". */
#define SHOWN_CHARS 60

static char *
dup_field_label (CompaniesField field)
{
  return g_utf8_strdown (companies_field_get_label (field), -1);
}

/* A value on one line, cut for reading; "(empty)" for an empty one. */
static char *
dup_shown_value (const char *value)
{
  g_autoptr(GString) shown = NULL;

  if (value == NULL || *value == '\0')
    return g_strdup (_("(empty)"));

  shown = g_string_new (NULL);
  for (const char *p = value; *p != '\0' && g_utf8_strlen (shown->str, -1) < SHOWN_CHARS;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r' || c == '\t')
        g_string_append_c (shown, ' ');
      else
        g_string_append_unichar (shown, c);
    }
  if (g_utf8_strlen (value, -1) > SHOWN_CHARS)
    g_string_append (shown, "…");

  return g_strdup_printf ("“%s”", shown->str);
}

static char *
dup_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  if (time == NULL)
    return g_strdup ("?");
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/* "phone, notes": the fields in @mask. */
static char *
dup_field_list (guint mask)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if ((mask & COMPANIES_FIELD_BIT (i)) != 0)
      {
        g_autofree char *label = dup_field_label (i);

        if (list->len > 0)
          g_string_append (list, ", ");
        g_string_append (list, label);
      }
  return g_string_free (g_steal_pointer (&list), FALSE);
}

const char *
companies_notice_get_lost_by (const CompaniesNotice *notice)
{
  if (notice->kind == COMPANIES_NOTICE_DELETED || notice->replaced)
    return "you";
  return notice->other_by;
}

const char *
companies_notice_get_current_by (const CompaniesNotice *notice)
{
  if (notice->kind == COMPANIES_NOTICE_OVERWRITTEN && !notice->replaced)
    return "you";
  return notice->other_by;
}

/* The other writer, as a person reads it: "Ana's laptop at 2026-12-05
 * 10:02", or "another device" when the server knew no label. */
static char *
dup_other (const CompaniesNotice *notice)
{
  g_autofree char *when = NULL;

  if (notice->other_by == NULL)
    return g_strdup (_("another device"));
  if (notice->other_at <= 0)
    return g_strdup (notice->other_by);

  when = dup_time (notice->other_at);
  /* TRANSLATORS: a writer and when it wrote: "Ana's laptop at 2026-12-05 10:02" */
  return g_strdup_printf (_("%s at %s"), notice->other_by, when);
}

char *
companies_notice_dup_title (const CompaniesNotice *notice)
{
  g_autofree char *field = NULL;

  if (notice->kind == COMPANIES_NOTICE_DELETED)
    return g_strdup_printf (_("“%s” was deleted elsewhere while you edited it"),
                            notice->company_name);

  field = dup_field_label (notice->field);
  if (notice->replaced)
    return g_strdup_printf (_("Your %s of “%s” was replaced by a change that had not seen it"),
                            field, notice->company_name);
  return g_strdup_printf (_("Your change to the %s of “%s” replaced a value you had not seen"),
                          field, notice->company_name);
}

char *
companies_notice_dup_details (const CompaniesNotice *notice)
{
  g_autofree char *when = dup_time (notice->received_time);
  g_autofree char *other = dup_other (notice);
  g_autofree char *lost = NULL;
  g_autofree char *current = NULL;

  if (notice->kind == COMPANIES_NOTICE_DELETED)
    {
      g_autofree char *fields = dup_field_list (notice->edited);

      return g_strdup_printf (_("Current: deleted by another device (learned at %s). "
                                "Lost: your edits (%s), written by you on this device."),
                              when, fields);
    }

  lost = dup_shown_value (notice->lost);
  if (notice->current == NULL && notice->replaced)
    return g_strdup_printf (_("Current: the company is gone from this device. "
                              "Lost: %s, written by you (server version %lld)."),
                            lost, (long long) notice->lost_version);
  if (notice->current == NULL)
    return g_strdup_printf (_("Current: the company is gone from this device. "
                              "Lost: %s, written by %s (server version %lld), before your change reached the server."),
                            lost, other, (long long) notice->lost_version);

  current = dup_shown_value (notice->current);
  if (notice->replaced)
    return g_strdup_printf (_("Current: %s, written by %s (server version %lld) without having seen yours. "
                              "Lost: %s, written by you (server version %lld)."),
                            current, other, (long long) notice->current_version,
                            lost, (long long) notice->lost_version);
  return g_strdup_printf (_("Current: %s, written by you (sent at %s). "
                            "Lost: %s, written by %s (server version %lld) before your change reached the server; "
                            "your change had not seen it."),
                          current, when, lost, other, (long long) notice->lost_version);
}

char *
companies_notice_dup_restore_text (const CompaniesNotice *notice)
{
  g_autofree char *field = NULL;
  g_autofree char *lost = NULL;

  if (notice->lost_cut)
    return g_strdup_printf (_("The lost value was longer than %d bytes and only its start was "
                              "kept: it cannot be restored."), COMPANIES_NOTICE_VALUE_MAX);

  if (notice->kind == COMPANIES_NOTICE_DELETED)
    return g_strdup_printf (_("Restore creates “%s” again as a new company, with your edited "
                              "values; the next sync sends it."), notice->company_name);

  if (notice->current == NULL)
    return g_strdup (_("It cannot be restored: the company is gone."));

  field = dup_field_label (notice->field);
  lost = dup_shown_value (notice->lost);
  return g_strdup_printf (_("Restore puts back %s as the %s."), lost, field);
}

char *
companies_notice_dup_dropped_text (gint64 dropped)
{
  if (dropped <= 0)
    return NULL;

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%lld older notice was dropped to keep the list short",
                                       "%lld older notices were dropped to keep the list short",
                                       (gulong) (dropped > G_MAXINT ? G_MAXINT : dropped)),
                          (long long) dropped);
}
