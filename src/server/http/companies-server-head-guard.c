/* companies-server-head-guard.c: checks a request head before libsoup
 * parses it
 *
 * libsoup 3.2.3 leaks the request's path when the head has a
 * Content-Length or Transfer-Encoding it cannot read: any client could
 * make the server lose up to the size of a head (64 KiB) per request,
 * before any token is checked. This stream sits between the connection
 * and libsoup and watches the bytes of the head as libsoup reads them;
 * a head that breaks one of these rules makes the read fail, and libsoup
 * then drops the connection without parsing it:
 *
 *  - the head is at most 64 KiB, a line at most 8 KiB, and no header
 *    line is folded onto the next;
 *  - Content-Length, at most once, is 1 to 18 digits;
 *  - Transfer-Encoding, at most once, is "chunked" (what libsoup reads).
 *
 * The body of a chunked request is watched too, for its framing
 * (companies-server-chunk-check.c); any other body passes untouched. A
 * connection carries one request (companies-server-limits.c), so only the
 * first request is watched.
 *
 * The stream also takes turns: libsoup reads a connection for as long as
 * data is waiting, so a few big bodies arriving at once would hold the
 * main loop for seconds, and with it every answer (a reply from the
 * worker waits for the main loop). After MAX_BURST_BYTES a read says "no
 * data yet", and the next bytes are read in the main loop's next turn,
 * after the other connections and replies had theirs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-chunk-check.h"
#include "companies-server-head-guard.h"

#define MAX_HEAD_BYTES   (64 * 1024)
#define MAX_LINE_BYTES   (8 * 1024)
#define MAX_LENGTH_DIGITS 18
#define MAX_BURST_BYTES  (128 * 1024)

struct _CompaniesServerHeadGuard
{
  GFilterInputStream  parent_instance;

  GIOStream          *connection;  /* closed with this stream */
  GDestroyNotify      closed;      /* then called with closed_data */
  gpointer            closed_data;
  char               *peer;
  GString            *line;        /* the head line being read */
  gsize               head_bytes;
  gsize               burst_bytes;  /* read since libsoup last waited */
  guint               n_lines;
  guint               n_content_length;
  guint               n_transfer_encoding;
  gboolean            head_done;
  gboolean            refused;
  CompaniesChunkCheck chunks;      /* with one Transfer-Encoding: chunked */
};

static void companies_server_head_guard_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CompaniesServerHeadGuard, companies_server_head_guard,
                               G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      companies_server_head_guard_pollable_init))

static GInputStream *
get_base (CompaniesServerHeadGuard *self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

static gboolean
is_digits (const char *text)
{
  gsize length = strlen (text);

  if (length == 0 || length > MAX_LENGTH_DIGITS)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;

  return TRUE;
}

/* One header line (without its end of line): FALSE when it breaks a rule. */
static gboolean
check_header (CompaniesServerHeadGuard *self,
              char                     *line)
{
  char *colon = strchr (line, ':');
  char *value;

  if (colon == NULL)
    return TRUE;  /* libsoup refuses it without leaking */

  *colon = '\0';
  value = g_strstrip (colon + 1);
  g_strchomp (line);

  if (g_ascii_strcasecmp (line, "Content-Length") == 0)
    return ++self->n_content_length == 1 && is_digits (value);

  if (g_ascii_strcasecmp (line, "Transfer-Encoding") == 0)
    return ++self->n_transfer_encoding == 1 && g_ascii_strcasecmp (value, "chunked") == 0;

  return TRUE;
}

static gboolean
end_line (CompaniesServerHeadGuard *self)
{
  if (self->line->len > 0 && self->line->str[self->line->len - 1] == '\r')
    g_string_truncate (self->line, self->line->len - 1);

  self->n_lines++;
  if (self->line->len == 0)
    {
      /* blank lines before the request line are allowed */
      self->head_done = self->n_lines > 1;
      if (!self->head_done)
        self->n_lines = 0;
    }
  else if (self->n_lines > 1 &&
           (self->line->str[0] == ' ' || self->line->str[0] == '\t' ||
            !check_header (self, self->line->str)))
    return FALSE;  /* a folded line could hide a length in two parts */

  g_string_truncate (self->line, 0);
  return TRUE;
}

/* Watches @length bytes just read; FALSE (and @error set) to refuse. */
static gboolean
scan (CompaniesServerHeadGuard  *self,
      const char                *data,
      gsize                      length,
      GError                   **error)
{
  gsize i = 0;

  for (; i < length && !self->head_done && !self->refused; i++)
    {
      self->head_bytes++;
      if (data[i] == '\n')
        self->refused = !end_line (self);
      else
        {
          g_string_append_c (self->line, data[i]);
          self->refused = self->line->len > MAX_LINE_BYTES;
        }

      if (self->head_bytes > MAX_HEAD_BYTES)
        self->refused = TRUE;
    }

  if (self->refused)
    {
      g_printerr (_("Closed the connection of %s: its request head is malformed or too large\n"),
                  self->peer);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "malformed request head");
      return FALSE;
    }

  if (self->head_done && self->n_transfer_encoding == 1 &&
      !companies_chunk_check_feed (&self->chunks, data + i, length - i))
    {
      self->refused = TRUE;
      g_printerr (_("Closed the connection of %s: its chunked request body is malformed\n"),
                  self->peer);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "malformed chunked body");
      return FALSE;
    }

  return TRUE;
}

static gboolean
refuse_again (CompaniesServerHeadGuard  *self,
              GError                   **error)
{
  if (!self->refused)
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "malformed request");
  return TRUE;
}

static gssize
companies_server_head_guard_read (GInputStream  *stream,
                                  void          *buffer,
                                  gsize          count,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (stream);
  gssize n;

  if (refuse_again (self, error))
    return -1;

  n = g_input_stream_read (get_base (self), buffer, count, cancellable, error);
  if (n > 0 && !scan (self, buffer, n, error))
    return -1;

  return n;
}

static gboolean
companies_server_head_guard_close (GInputStream  *stream,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (stream);
  gboolean ok;

  ok = G_INPUT_STREAM_CLASS (companies_server_head_guard_parent_class)->close_fn (stream, cancellable, error);

  /* the whole connection goes with its input */
  if (!g_io_stream_close (self->connection, cancellable, ok ? error : NULL))
    ok = FALSE;

  if (self->closed != NULL)
    g_steal_pointer (&self->closed) (self->closed_data);

  return ok;
}

static gboolean
companies_server_head_guard_can_poll (GPollableInputStream *stream)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (stream);
  GInputStream *base = get_base (self);

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
companies_server_head_guard_is_readable (GPollableInputStream *stream)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (stream);

  return self->refused ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (get_base (self)));
}

static GSource *
companies_server_head_guard_create_source (GPollableInputStream *stream,
                                           GCancellable         *cancellable)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (stream);
  g_autoptr(GSource) base_source = NULL;

  /* libsoup waits: a new turn */
  self->burst_bytes = 0;
  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (get_base (self)), NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
companies_server_head_guard_read_nonblocking (GPollableInputStream  *stream,
                                              void                  *buffer,
                                              gsize                  count,
                                              GError               **error)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (stream);
  gssize n;

  if (refuse_again (self, error))
    return -1;

  if (self->burst_bytes >= MAX_BURST_BYTES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "another's turn");
      return -1;
    }

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (get_base (self)),
                                                buffer, count, NULL, error);
  if (n > 0 && !scan (self, buffer, n, error))
    return -1;
  if (n > 0)
    self->burst_bytes += n;

  return n;
}

static void
companies_server_head_guard_finalize (GObject *object)
{
  CompaniesServerHeadGuard *self = COMPANIES_SERVER_HEAD_GUARD (object);

  g_clear_object (&self->connection);
  g_free (self->peer);
  g_string_free (self->line, TRUE);

  G_OBJECT_CLASS (companies_server_head_guard_parent_class)->finalize (object);
}

static void
companies_server_head_guard_class_init (CompaniesServerHeadGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = companies_server_head_guard_finalize;
  input_class->read_fn = companies_server_head_guard_read;
  input_class->close_fn = companies_server_head_guard_close;
}

static void
companies_server_head_guard_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = companies_server_head_guard_can_poll;
  iface->is_readable = companies_server_head_guard_is_readable;
  iface->create_source = companies_server_head_guard_create_source;
  iface->read_nonblocking = companies_server_head_guard_read_nonblocking;
}

static void
companies_server_head_guard_init (CompaniesServerHeadGuard *self)
{
  self->line = g_string_new (NULL);
  companies_chunk_check_init (&self->chunks);
}

GIOStream *
companies_server_head_guard_wrap (GIOStream      *connection,
                                  const char     *peer,
                                  GDestroyNotify  closed,
                                  gpointer        closed_data)
{
  g_autoptr(CompaniesServerHeadGuard) guard = NULL;

  g_return_val_if_fail (G_IS_IO_STREAM (connection), NULL);

  guard = g_object_new (COMPANIES_SERVER_TYPE_HEAD_GUARD,
                        "base-stream", g_io_stream_get_input_stream (connection),
                        "close-base-stream", TRUE,
                        NULL);
  guard->connection = g_object_ref (connection);
  guard->peer = g_strdup (peer != NULL ? peer : "?");
  guard->closed = closed;
  guard->closed_data = closed_data;

  return g_simple_io_stream_new (G_INPUT_STREAM (guard),
                                 g_io_stream_get_output_stream (connection));
}
