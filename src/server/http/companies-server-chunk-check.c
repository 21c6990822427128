/* companies-server-chunk-check.c: watches the chunk sizes of a chunked
 * request body, which libsoup reads without checking
 *
 * libsoup 3.2.3 reads a chunk size with strtoul (): "zz" or "-1" ends the
 * body as if it were the last chunk, and "5zz" or "0x5" are taken as 5. A
 * request with broken chunks would then be answered "The body is empty",
 * or applied from the part before the break, or wait for data that never
 * comes. This converter sits between the connection and libsoup and
 * passes every byte unchanged; once the head's blank line has gone by,
 * and if the head had a Transfer-Encoding, it reads what follows as
 * chunks. At the first fault it ends the body for libsoup instead (the
 * line ends there, the chunk libsoup then expects is filled, and a last
 * chunk follows) and drops the rest, so that the HTTP side
 * (companies-server-http.c), which asks it about every chunked request,
 * can answer 400. A size too large to fill (over 64 KiB before the fault)
 * fails the read: the connection closes without an answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include "companies-server-chunk-check.h"

#define CHUNK_CHECK_KEY   "companies-server-chunk-check"
#define MAX_SIZE_DIGITS   15
#define MAX_SIZE_LINE     127  /* what libsoup reads of a size line */
#define MAX_FILL          (64 * 1024)

typedef enum
{
  STATE_HEAD,
  STATE_SIZE_START,
  STATE_SIZE,
  STATE_EXTENSION,
  STATE_SIZE_CR,
  STATE_DATA,
  STATE_DATA_END,
  STATE_DATA_CR,
  STATE_DONE,
  STATE_FAILED,
} State;

/* Where the reading of the bytes stands: a plain value, so that a convert
 * call can try a step and take it back. */
typedef struct
{
  State    state;
  gsize    line_length;  /* of the line being read */
  gboolean head_started; /* a line of the head was not blank */
  gboolean in_name;      /* reading a header's name */
  char     name[24];
  gsize    name_length;
  gboolean chunked;
  guint    digits;
  guint64  remaining;    /* the size, then the data still to come */
  State    failed_in;    /* the state a fault happened in */
} Scan;

struct _CompaniesServerChunkCheck
{
  GObject  parent_instance;

  Scan     scan;
};

static void companies_server_chunk_check_converter_init (GConverterIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CompaniesServerChunkCheck, companies_server_chunk_check,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_CONVERTER,
                                                      companies_server_chunk_check_converter_init))

/* The name of a header line, up to its colon: whether it is
 * Transfer-Encoding (the head guard lets it through only once, and only as
 * "chunked"). */
static void
scan_header_name (Scan   *self,
                  guchar  c)
{
  if (self->line_length == 0)
    {
      self->in_name = TRUE;
      self->name_length = 0;
    }
  self->line_length++;

  if (!self->in_name)
    return;

  if (c != ':')
    {
      if (self->name_length < sizeof self->name - 1)
        self->name[self->name_length] = (char) c;
      self->name_length++;
      return;
    }

  self->in_name = FALSE;
  while (self->name_length > 0 && self->name_length < sizeof self->name &&
         g_ascii_isspace (self->name[self->name_length - 1]))
    self->name_length--;
  if (self->name_length < sizeof self->name)
    {
      self->name[self->name_length] = '\0';
      if (g_ascii_strcasecmp (self->name, "Transfer-Encoding") == 0)
        self->chunked = TRUE;
    }
}

/* The head ends at its first blank line; blank lines before the request
 * line do not count. A body that is not chunked is not watched. */
static void
scan_head (Scan   *self,
           guchar  c)
{
  if (c == '\r')
    return;

  if (c != '\n')
    {
      scan_header_name (self, c);
      return;
    }

  if (self->line_length == 0 && self->head_started)
    self->state = self->chunked ? STATE_SIZE_START : STATE_DONE;
  else if (self->line_length > 0)
    self->head_started = TRUE;
  self->line_length = 0;
  self->in_name = FALSE;
}

static void
end_size_line (Scan *self)
{
  self->state = self->remaining == 0 ? STATE_DONE : STATE_DATA;
}

static void
scan_size (Scan   *self,
           guchar  c)
{
  if (++self->line_length > MAX_SIZE_LINE)
    {
      self->state = STATE_FAILED;
      return;
    }

  switch (self->state)
    {
    case STATE_SIZE_START:
    case STATE_SIZE:
      if (g_ascii_isxdigit (c) && self->digits < MAX_SIZE_DIGITS)
        {
          self->remaining = self->remaining * 16 + (guint64) g_ascii_xdigit_value (c);
          self->digits++;
          self->state = STATE_SIZE;
        }
      else if (self->state == STATE_SIZE && (c == ';' || c == ' ' || c == '\t'))
        self->state = STATE_EXTENSION;
      else if (self->state == STATE_SIZE && c == '\r')
        self->state = STATE_SIZE_CR;
      else if (self->state == STATE_SIZE && c == '\n')
        end_size_line (self);
      else
        self->state = STATE_FAILED;
      break;

    case STATE_EXTENSION:
      if (c == '\n')
        end_size_line (self);
      break;

    case STATE_SIZE_CR:
      if (c == '\n')
        end_size_line (self);
      else
        self->state = STATE_FAILED;
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Appends what makes libsoup end the body after the fault of @self: the
 * end of the line it is reading, the data of the size it then reads (the
 * digits so far), and a last chunk. FALSE when that size is too large. */
static gboolean
append_ending (const Scan *self,
               GString    *out)
{
  if (self->failed_in == STATE_DATA_END || self->failed_in == STATE_DATA_CR)
    {
      g_string_append (out, "\n0\r\n\r\n");
      return TRUE;
    }

  /* a size line: libsoup takes its digits so far */
  if (self->remaining > MAX_FILL)
    return FALSE;
  g_string_append (out, "\r\n");
  if (self->remaining == 0)
    {
      g_string_append (out, "\r\n");  /* ends its trailers */
      return TRUE;
    }
  for (guint64 i = 0; i < self->remaining; i++)
    g_string_append_c (out, ' ');
  g_string_append (out, "\r\n0\r\n\r\n");
  return TRUE;
}

/* Watches @length bytes: the chunk data is skipped, the lines between
 * chunks are read. Returns how many bytes pass: all, or those before the
 * fault. */
static gsize
scan (Scan         *self,
      const guchar *data,
      gsize         length)
{
  gsize i = 0;

  while (i < length && self->state != STATE_DONE && self->state != STATE_FAILED)
    {
      guchar c = data[i];
      State before = self->state;

      switch (self->state)
        {
        case STATE_HEAD:
          scan_head (self, c);
          break;

        case STATE_SIZE_START:
        case STATE_SIZE:
        case STATE_EXTENSION:
        case STATE_SIZE_CR:
          scan_size (self, c);
          break;

        case STATE_DATA:
          {
            gsize n = (gsize) MIN ((guint64) (length - i), self->remaining);

            self->remaining -= n;
            i += n;
            if (self->remaining == 0)
              self->state = STATE_DATA_END;
            continue;
          }

        case STATE_DATA_END:
        case STATE_DATA_CR:
          if (c == '\n')
            {
              self->state = STATE_SIZE_START;
              self->line_length = 0;
              self->digits = 0;
            }
          else if (c == '\r' && self->state == STATE_DATA_END)
            self->state = STATE_DATA_CR;
          else
            self->state = STATE_FAILED;
          break;

        case STATE_DONE:
        case STATE_FAILED:
        default:
          g_assert_not_reached ();
        }

      if (self->state == STATE_FAILED)
        {
          self->failed_in = before;
          return i;
        }
      i++;
    }

  return length;
}

/* Passes the bytes unchanged up to a fault; there, the ending for libsoup
 * goes out whole, in this call (the client may send nothing more), and
 * the input is dropped from then on. */
static GConverterResult
companies_server_chunk_check_convert (GConverter       *converter,
                                      const void       *inbuf,
                                      gsize             inbuf_size,
                                      void             *outbuf,
                                      gsize             outbuf_size,
                                      GConverterFlags   flags,
                                      gsize            *bytes_read,
                                      gsize            *bytes_written,
                                      GError          **error)
{
  CompaniesServerChunkCheck *self = COMPANIES_SERVER_CHUNK_CHECK (converter);
  g_autoptr(GString) ending = NULL;
  Scan before = self->scan;
  gsize n = MIN (inbuf_size, outbuf_size);
  gboolean was_failed = self->scan.state == STATE_FAILED;

  if (inbuf_size > 0 && outbuf_size == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no room");
      return G_CONVERTER_ERROR;
    }

  n = scan (&self->scan, inbuf, n);
  *bytes_read = n;
  *bytes_written = n;

  if (self->scan.state == STATE_FAILED && !was_failed)
    {
      ending = g_string_new (NULL);
      if (!append_ending (&self->scan, ending))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "chunk size too large");
          return G_CONVERTER_ERROR;
        }
      if (n + ending->len > outbuf_size)
        {
          self->scan = before;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no room");
          return G_CONVERTER_ERROR;
        }
      memcpy ((char *) outbuf + n, ending->str, ending->len);
      *bytes_written = n + ending->len;
    }
  memcpy (outbuf, inbuf, n);

  if (self->scan.state == STATE_FAILED)
    {
      *bytes_read = inbuf_size;
      if (*bytes_read > 0 || *bytes_written > 0)
        return G_CONVERTER_CONVERTED;
    }

  if ((flags & G_CONVERTER_INPUT_AT_END) != 0 && *bytes_read == inbuf_size)
    return G_CONVERTER_FINISHED;
  if ((flags & G_CONVERTER_FLUSH) != 0 && *bytes_read == inbuf_size)
    return G_CONVERTER_FLUSHED;
  if (*bytes_read == 0 && *bytes_written == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "more input needed");
      return G_CONVERTER_ERROR;
    }

  return G_CONVERTER_CONVERTED;
}

static void
companies_server_chunk_check_reset (GConverter *converter)
{
  CompaniesServerChunkCheck *self = COMPANIES_SERVER_CHUNK_CHECK (converter);

  memset (&self->scan, 0, sizeof self->scan);
  self->scan.state = STATE_HEAD;
}

static void
companies_server_chunk_check_class_init (CompaniesServerChunkCheckClass *klass)
{
}

static void
companies_server_chunk_check_converter_init (GConverterIface *iface)
{
  iface->convert = companies_server_chunk_check_convert;
  iface->reset = companies_server_chunk_check_reset;
}

static void
companies_server_chunk_check_init (CompaniesServerChunkCheck *self)
{
  self->scan.state = STATE_HEAD;
}

GIOStream *
companies_server_chunk_check_wrap (GIOStream      *connection,
                                   GSocketAddress *remote_address)
{
  g_autoptr(CompaniesServerChunkCheck) check = NULL;
  g_autoptr(GInputStream) input = NULL;
  GIOStream *wrapped;

  g_return_val_if_fail (G_IS_IO_STREAM (connection), NULL);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (remote_address), NULL);

  check = g_object_new (COMPANIES_SERVER_TYPE_CHUNK_CHECK, NULL);
  input = g_converter_input_stream_new (g_io_stream_get_input_stream (connection),
                                        G_CONVERTER (check));
  g_object_set_data_full (G_OBJECT (remote_address), CHUNK_CHECK_KEY,
                          g_object_ref (check), g_object_unref);

  /* A GIOStream closes its streams when it goes: @connection must live as
   * long as the stream that reads through it. */
  wrapped = g_simple_io_stream_new (input, g_io_stream_get_output_stream (connection));
  g_object_set_data_full (G_OBJECT (wrapped), "companies-server-wrapped",
                          g_object_ref (connection), g_object_unref);

  return wrapped;
}

gboolean
companies_server_chunk_check_failed (GSocketAddress *remote_address)
{
  CompaniesServerChunkCheck *check;

  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (remote_address), FALSE);

  check = g_object_get_data (G_OBJECT (remote_address), CHUNK_CHECK_KEY);
  return check != NULL && check->scan.state == STATE_FAILED;
}
