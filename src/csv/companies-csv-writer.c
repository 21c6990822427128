/* companies-csv-writer.c: CompaniesCsvWriter, RFC 4180 output of
 * companies through a buffer of its own, so that a million short writes
 * become a few hundred large ones.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-csv"

#include "config.h"

#include <string.h>

#include "companies-csv-writer.h"
#include "companies-fields.h"

#define FLUSH_AT (256 * 1024)

struct _CompaniesCsvWriter
{
  GObject        parent_instance;

  GOutputStream *stream;
  GString       *buffer;
};

G_DEFINE_TYPE (CompaniesCsvWriter, companies_csv_writer, G_TYPE_OBJECT)

static void
companies_csv_writer_finalize (GObject *object)
{
  CompaniesCsvWriter *self = COMPANIES_CSV_WRITER (object);

  g_clear_object (&self->stream);
  g_string_free (self->buffer, TRUE);

  G_OBJECT_CLASS (companies_csv_writer_parent_class)->finalize (object);
}

static void
companies_csv_writer_class_init (CompaniesCsvWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = companies_csv_writer_finalize;
}

static void
companies_csv_writer_init (CompaniesCsvWriter *self)
{
  self->buffer = g_string_sized_new (FLUSH_AT + 64 * 1024);
}

CompaniesCsvWriter *
companies_csv_writer_new (GOutputStream *stream)
{
  CompaniesCsvWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = g_object_new (COMPANIES_TYPE_CSV_WRITER, NULL);
  self->stream = g_object_ref (stream);

  return self;
}

gboolean
companies_csv_writer_flush (CompaniesCsvWriter  *self,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_WRITER (self), FALSE);

  if (self->buffer->len > 0 &&
      !g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len,
                                  NULL, cancellable, error))
    return FALSE;

  g_string_truncate (self->buffer, 0);
  return TRUE;
}

static void
append_field (GString    *out,
              const char *value)
{
  if (value == NULL || strpbrk (value, ",;\"\r\n") == NULL)
    {
      g_string_append (out, value != NULL ? value : "");
      return;
    }

  /* Quoted, each quote doubled; a semicolon is quoted too, so that the
   * file also reads as semicolon separated. */
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
end_record (CompaniesCsvWriter  *self,
            GCancellable        *cancellable,
            GError             **error)
{
  g_string_append (self->buffer, "\r\n");

  if (self->buffer->len >= FLUSH_AT)
    return companies_csv_writer_flush (self, cancellable, error);

  return TRUE;
}

gboolean
companies_csv_writer_write_header (CompaniesCsvWriter  *self,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_WRITER (self), FALSE);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (i > 0)
        g_string_append_c (self->buffer, ',');
      g_string_append (self->buffer, companies_field_get_name (i));
    }

  return end_record (self, cancellable, error);
}

gboolean
companies_csv_writer_write_values (CompaniesCsvWriter  *self,
                                   const char * const  *values,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_WRITER (self), FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (i > 0)
        g_string_append_c (self->buffer, ',');
      append_field (self->buffer, values[i]);
    }

  return end_record (self, cancellable, error);
}

gboolean
companies_csv_writer_write_company (CompaniesCsvWriter  *self,
                                    CompaniesCompany    *company,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  const char *values[COMPANIES_N_FIELDS];

  g_return_val_if_fail (COMPANIES_IS_COMPANY (company), FALSE);

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    values[i] = companies_company_get_field (company, i);

  return companies_csv_writer_write_values (self, values, cancellable, error);
}
