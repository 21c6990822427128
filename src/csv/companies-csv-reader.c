/* companies-csv-reader.c: CompaniesCsvReader, a streaming RFC 4180 reader
 * of companies: a buffer of the stream, the record state machine, the
 * header's columns and the checks of each record.
 *
 * Only one record is held at a time, so a file of any size reads in a
 * few hundred kilobytes. A quote inside an unquoted field is kept as
 * text (spreadsheets write `5" screen` so); text after a closing quote
 * is refused, since where the field ends is then a guess.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-csv"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-csv-reader.h"

#define BUFFER_SIZE (64 * 1024)
#define END_OF_STREAM (-1)
#define READ_FAILED (-2)

struct _CompaniesCsvReader
{
  GObject        parent_instance;

  GInputStream  *stream;
  guint8        *buffer;
  gsize          start;       /* next unread byte */
  gsize          end;         /* bytes in the buffer */
  gboolean       eof;
  guint64        bytes_read;
  GError        *read_error;

  char           separator;
  CompaniesField *columns;
  guint          n_columns;

  GString       *record;      /* the fields, each ended by a NUL */
  GArray        *field_starts; /* gsize offsets into @record */
  guint          line;        /* the current line, from 1 */
  guint          record_line; /* the line where the record began */
  CompaniesCsvError problem;  /* of the record being read */
  gboolean       has_problem;
  const char    *values[COMPANIES_N_FIELDS];
};

G_DEFINE_TYPE (CompaniesCsvReader, companies_csv_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (companies-csv-error-quark, companies_csv_error)

static void
companies_csv_reader_finalize (GObject *object)
{
  CompaniesCsvReader *self = COMPANIES_CSV_READER (object);

  g_clear_object (&self->stream);
  g_free (self->buffer);
  g_clear_error (&self->read_error);
  g_free (self->columns);
  g_string_free (self->record, TRUE);
  g_array_unref (self->field_starts);

  G_OBJECT_CLASS (companies_csv_reader_parent_class)->finalize (object);
}

static void
companies_csv_reader_class_init (CompaniesCsvReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = companies_csv_reader_finalize;
}

static void
companies_csv_reader_init (CompaniesCsvReader *self)
{
  self->buffer = g_malloc (BUFFER_SIZE);
  self->separator = ',';
  self->record = g_string_sized_new (1024);
  self->field_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->line = 1;
}

CompaniesCsvReader *
companies_csv_reader_new (GInputStream *stream)
{
  CompaniesCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_object_new (COMPANIES_TYPE_CSV_READER, NULL);
  self->stream = g_object_ref (stream);

  return self;
}

/* Keeps the unread bytes and reads more after them. FALSE at the end of
 * the stream or on failure (then @read_error is set). */
static gboolean
fill (CompaniesCsvReader *self,
      GCancellable       *cancellable)
{
  gssize n;

  if (self->eof || self->read_error != NULL)
    return FALSE;

  if (self->start > 0)
    {
      memmove (self->buffer, self->buffer + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }

  if (self->end == BUFFER_SIZE)
    return TRUE;

  n = g_input_stream_read (self->stream, self->buffer + self->end, BUFFER_SIZE - self->end,
                           cancellable, &self->read_error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    {
      self->eof = TRUE;
      return FALSE;
    }

  self->end += (gsize) n;
  self->bytes_read += (guint64) n;
  return TRUE;
}

static inline int
next_byte (CompaniesCsvReader *self,
           GCancellable       *cancellable)
{
  if (self->start == self->end && !fill (self, cancellable))
    return self->read_error != NULL ? READ_FAILED : END_OF_STREAM;

  return self->buffer[self->start++];
}

static inline int
peek_byte (CompaniesCsvReader *self,
           GCancellable       *cancellable)
{
  if (self->start == self->end && !fill (self, cancellable))
    return self->read_error != NULL ? READ_FAILED : END_OF_STREAM;

  return self->buffer[self->start];
}

static void
set_problem (CompaniesCsvReader *self,
             CompaniesCsvError   problem)
{
  if (!self->has_problem)
    {
      self->problem = problem;
      self->has_problem = TRUE;
    }
}

static inline void
append_byte (CompaniesCsvReader *self,
             int                 c)
{
  if (self->record->len >= COMPANIES_CSV_MAX_RECORD_BYTES)
    {
      set_problem (self, COMPANIES_CSV_ERROR_TOO_LARGE);
      return;
    }

  g_string_append_c (self->record, (char) c);
}

/* The bytes of the buffer that the state machine of read_record () would
 * only append one by one, taken at once: in an unquoted field, up to a
 * separator or a line end; in a quoted one, up to a quote or a line
 * feed (which the machine counts). */
static void
append_run (CompaniesCsvReader *self,
            gboolean            quoted)
{
  const guint8 *from = self->buffer + self->start;
  const guint8 *end = self->buffer + self->end;
  const guint8 *to = from;
  gsize room;
  gsize length;

  if (quoted)
    while (to < end && *to != '"' && *to != '\n')
      to++;
  else
    while (to < end && *to != self->separator && *to != '\n' && *to != '\r')
      to++;

  length = (gsize) (to - from);
  room = self->record->len < COMPANIES_CSV_MAX_RECORD_BYTES ?
         COMPANIES_CSV_MAX_RECORD_BYTES - self->record->len : 0;
  if (length > room)
    set_problem (self, COMPANIES_CSV_ERROR_TOO_LARGE);
  g_string_append_len (self->record, (const char *) from, (gssize) MIN (length, room));
  self->start += length;
}

static void
end_field (CompaniesCsvReader *self)
{
  gsize next = self->record->len + 1;

  g_string_append_c (self->record, '\0');
  g_array_append_val (self->field_starts, next);
}

/* After a CR or LF outside quotes: the line ends (CRLF counts once). */
static void
end_line (CompaniesCsvReader *self,
          int                 c,
          GCancellable       *cancellable)
{
  if (c == '\r' && peek_byte (self, cancellable) == '\n')
    self->start++;
  self->line++;
}

typedef enum
{
  FIELD_START,
  UNQUOTED,
  QUOTED,
  QUOTE_IN_QUOTED,
} ParseState;

/* Reads one record into @record and @field_starts. FALSE at the end of
 * the stream with nothing read, or on failure. */
static gboolean
read_record (CompaniesCsvReader *self,
             GCancellable       *cancellable)
{
  ParseState state = FIELD_START;
  gboolean any = FALSE;
  gsize zero = 0;

  g_string_truncate (self->record, 0);
  g_array_set_size (self->field_starts, 0);
  g_array_append_val (self->field_starts, zero);
  self->has_problem = FALSE;
  self->record_line = self->line;

  for (;;)
    {
      int c = next_byte (self, cancellable);

      if (c == READ_FAILED)
        return FALSE;
      if (c == END_OF_STREAM)
        {
          if (!any)
            return FALSE;
          if (state == QUOTED)
            set_problem (self, COMPANIES_CSV_ERROR_UNTERMINATED_QUOTE);
          end_field (self);
          return TRUE;
        }
      any = TRUE;

      switch (state)
        {
        case FIELD_START:
        case UNQUOTED:
          if (c == self->separator)
            {
              end_field (self);
              state = FIELD_START;
            }
          else if (c == '\n' || c == '\r')
            {
              end_line (self, c, cancellable);
              end_field (self);
              return TRUE;
            }
          else if (c == '"' && state == FIELD_START)
            state = QUOTED;
          else
            {
              append_byte (self, c);
              state = UNQUOTED;
            }
          break;

        case QUOTED:
          if (c == '"')
            state = QUOTE_IN_QUOTED;
          else
            {
              if (c == '\n')
                self->line++;
              append_byte (self, c);
            }
          break;

        case QUOTE_IN_QUOTED:
          if (c == '"')
            {
              append_byte (self, c);
              state = QUOTED;
            }
          else if (c == self->separator)
            {
              end_field (self);
              state = FIELD_START;
            }
          else if (c == '\n' || c == '\r')
            {
              end_line (self, c, cancellable);
              end_field (self);
              return TRUE;
            }
          else
            {
              set_problem (self, COMPANIES_CSV_ERROR_BAD_QUOTE);
              append_byte (self, c);
              state = UNQUOTED;
            }
          break;

        default:
          g_assert_not_reached ();
        }

      if (state == UNQUOTED || state == QUOTED)
        append_run (self, state == QUOTED);
    }
}

static gboolean
take_read_error (CompaniesCsvReader  *self,
                 GError             **error)
{
  if (self->read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->read_error));
      return TRUE;
    }

  return FALSE;
}

static const char *
field_text (CompaniesCsvReader *self,
            guint               index)
{
  return self->record->str + g_array_index (self->field_starts, gsize, index);
}

static gsize
field_length (CompaniesCsvReader *self,
              guint               index)
{
  return g_array_index (self->field_starts, gsize, index + 1) -
         g_array_index (self->field_starts, gsize, index) - 1;
}

/* Counts the separators of the header line (outside quotes): the more
 * frequent of ',' and ';' wins; a single column reads as ','. */
static char
detect_separator (CompaniesCsvReader *self,
                  GCancellable       *cancellable)
{
  guint commas = 0, semicolons = 0;
  gboolean quoted = FALSE;
  gsize i = self->start;

  for (;;)
    {
      guint8 c;

      if (i == self->end)
        {
          gsize offset = i - self->start;

          if (self->end - self->start == BUFFER_SIZE || !fill (self, cancellable))
            break;
          i = self->start + offset;
          continue;
        }

      c = self->buffer[i++];
      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        break;
      else if (!quoted && c == ',')
        commas++;
      else if (!quoted && c == ';')
        semicolons++;
    }

  return semicolons > commas ? ';' : ',';
}

static gboolean
column_matches (const char     *title,
                CompaniesField  field)
{
  const char *label = companies_field_get_label (field);
  g_autofree char *folded = g_utf8_casefold (title, -1);
  g_autofree char *label_folded = g_utf8_casefold (label, -1);
  const char *untranslated = NULL;

  if (g_ascii_strcasecmp (title, companies_field_get_name (field)) == 0 ||
      strcmp (folded, label_folded) == 0)
    return TRUE;

  /* The English label too, whatever the locale: a file made elsewhere. */
  switch (field)
    {
    case COMPANIES_FIELD_NAME: untranslated = "name"; break;
    case COMPANIES_FIELD_ADDRESS: untranslated = "address"; break;
    case COMPANIES_FIELD_CITY: untranslated = "city"; break;
    case COMPANIES_FIELD_POSTAL_CODE: untranslated = "postal code"; break;
    case COMPANIES_FIELD_COUNTRY: untranslated = "country"; break;
    case COMPANIES_FIELD_PHONE: untranslated = "phone"; break;
    case COMPANIES_FIELD_EMAIL: untranslated = "e-mail"; break;
    case COMPANIES_FIELD_WEBSITE: untranslated = "website"; break;
    case COMPANIES_FIELD_NOTES: untranslated = "notes"; break;
    case COMPANIES_N_FIELDS:
    default:
      break;
    }

  return untranslated != NULL && g_ascii_strcasecmp (title, untranslated) == 0;
}

static gboolean
map_columns (CompaniesCsvReader  *self,
             GError             **error)
{
  guint seen = 0;

  self->n_columns = self->field_starts->len - 1;
  self->columns = g_new0 (CompaniesField, self->n_columns);

  for (guint i = 0; i < self->n_columns; i++)
    {
      const char *raw = field_text (self, i);
      g_autofree char *title = NULL;
      guint field;

      if (!g_utf8_validate_len (raw, field_length (self, i), NULL))
        {
          g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_HEADER,
                       _("Line 1: column %u of the header is not valid UTF-8 text"), i + 1);
          return FALSE;
        }

      title = g_strstrip (g_strdup (raw));
      for (field = 0; field < COMPANIES_N_FIELDS; field++)
        {
          if (column_matches (title, field))
            break;
        }

      if (field == COMPANIES_N_FIELDS)
        {
          /* TRANSLATORS: %s is a column title read from a CSV file */
          g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_HEADER,
                       _("Line 1: unknown column “%s” (the columns are name, address, city, "
                         "postal_code, country, phone, email, website and notes)"), title);
          return FALSE;
        }
      if (seen & COMPANIES_FIELD_BIT (field))
        {
          g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_HEADER,
                       _("Line 1: the column “%s” is there twice"), title);
          return FALSE;
        }

      seen |= COMPANIES_FIELD_BIT (field);
      self->columns[i] = field;
    }

  if ((seen & COMPANIES_FIELD_BIT (COMPANIES_FIELD_NAME)) == 0)
    {
      g_set_error_literal (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_HEADER,
                           _("Line 1: the header has no name column"));
      return FALSE;
    }

  return TRUE;
}

gboolean
companies_csv_reader_read_header (CompaniesCsvReader  *self,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), FALSE);
  g_return_val_if_fail (self->columns == NULL, FALSE);

  /* A byte order mark, which spreadsheets write before UTF-8. */
  while (self->end - self->start < 3 && fill (self, cancellable))
    ;
  if (self->end - self->start >= 3 && memcmp (self->buffer + self->start, "\xEF\xBB\xBF", 3) == 0)
    self->start += 3;

  self->separator = detect_separator (self, cancellable);

  if (!read_record (self, cancellable))
    {
      if (!take_read_error (self, error))
        g_set_error_literal (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_NO_HEADER,
                             _("The file is empty: it needs a header line naming the columns"));
      return FALSE;
    }

  if (self->has_problem)
    {
      g_set_error_literal (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_HEADER,
                           _("Line 1: the header is not a line of column titles"));
      return FALSE;
    }

  return map_columns (self, error);
}

char
companies_csv_reader_get_separator (CompaniesCsvReader *self)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), ',');

  return self->separator;
}

const CompaniesField *
companies_csv_reader_get_columns (CompaniesCsvReader *self,
                                  guint              *out_n_columns)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), NULL);

  if (out_n_columns != NULL)
    *out_n_columns = self->n_columns;
  return self->columns;
}

static gboolean
problem_error (CompaniesCsvReader  *self,
               GError             **error)
{
  switch (self->problem)
    {
    case COMPANIES_CSV_ERROR_TOO_LARGE:
      g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_TOO_LARGE,
                   _("the record is larger than %u KiB"), COMPANIES_CSV_MAX_RECORD_BYTES / 1024);
      break;
    case COMPANIES_CSV_ERROR_UNTERMINATED_QUOTE:
      g_set_error_literal (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_UNTERMINATED_QUOTE,
                           _("a quoted field is not closed before the end of the file"));
      break;
    case COMPANIES_CSV_ERROR_BAD_QUOTE:
    default:
      g_set_error_literal (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_BAD_QUOTE,
                           _("text after the closing quote of a field"));
      break;
    }

  return FALSE;
}

/* Each field of the record: UTF-8 and without NUL, then the field rules. */
static gboolean
check_record (CompaniesCsvReader  *self,
              GError             **error)
{
  guint n_fields = self->field_starts->len - 1;
  g_autoptr(GError) rule_error = NULL;
  CompaniesField failed = COMPANIES_FIELD_NAME;

  if (self->has_problem)
    return problem_error (self, error);

  if (n_fields != self->n_columns)
    {
      /* TRANSLATORS: %u are counts of fields */
      g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_FIELD_COUNT,
                   _("%u fields where the header has %u"), n_fields, self->n_columns);
      return FALSE;
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    self->values[i] = "";

  for (guint i = 0; i < n_fields; i++)
    {
      const char *text = field_text (self, i);
      gsize length = field_length (self, i);
      const char *label = companies_field_get_label (self->columns[i]);

      if (memchr (text, '\0', length) != NULL)
        {
          g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_INVALID_FIELD,
                       _("%s must not contain control characters"), label);
          return FALSE;
        }
      if (!g_utf8_validate_len (text, length, NULL))
        {
          /* TRANSLATORS: %s is a field label such as "Postal code" */
          g_set_error (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_INVALID_UTF8,
                       _("%s is not valid UTF-8 text"), label);
          return FALSE;
        }
      self->values[self->columns[i]] = text;
    }

  if (!companies_fields_validate (self->values, COMPANIES_ALL_FIELDS, &failed, &rule_error))
    {
      g_set_error_literal (error, COMPANIES_CSV_ERROR, COMPANIES_CSV_ERROR_INVALID_FIELD,
                           rule_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
record_is_blank (CompaniesCsvReader *self)
{
  return self->field_starts->len == 2 && self->record->len == 1 && !self->has_problem;
}

CompaniesCsvStatus
companies_csv_reader_next (CompaniesCsvReader  *self,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), COMPANIES_CSV_FAILED);
  g_return_val_if_fail (self->columns != NULL, COMPANIES_CSV_FAILED);

  do
    {
      if (!read_record (self, cancellable))
        return take_read_error (self, error) ? COMPANIES_CSV_FAILED : COMPANIES_CSV_END;
    }
  while (record_is_blank (self));

  return check_record (self, error) ? COMPANIES_CSV_ROW : COMPANIES_CSV_BAD_ROW;
}

const char * const *
companies_csv_reader_get_values (CompaniesCsvReader *self)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), NULL);

  return self->values;
}

guint
companies_csv_reader_get_line (CompaniesCsvReader *self)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), 0);

  return self->record_line;
}

guint64
companies_csv_reader_get_bytes_read (CompaniesCsvReader *self)
{
  g_return_val_if_fail (COMPANIES_IS_CSV_READER (self), 0);

  return self->bytes_read;
}
