/* test-client-hostile-server.c: the sync client against a server that
 * misbehaves on purpose, a raw-socket HTTP server on 127.0.0.1 written
 * here: an endless chunked answer, a Content-Length past the protocol's
 * bound, an answer or a head sent one byte at a time, a silent server, a
 * body cut short, redirects, and records that break the field rules.
 * Each sync must fail with a clear error, in bounded time, and leave the
 * local store as it was: the pending add still pending, nothing of the
 * server applied, the last sync time unchanged (docs/protocol.md
 * sections 3 and 7).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-faults"

#include <string.h>

#include "faults-util.h"

/* How the raw server answers the sync request. */
typedef enum
{
  ANSWER_ENDLESS_CHUNKED,   /* 200, chunked, chunks without end */
  ANSWER_DECLARED_HUGE,     /* 200, Content-Length past any valid answer */
  ANSWER_ENDLESS_ERROR,     /* 500, chunked, chunks without end */
  ANSWER_TRICKLE_HEAD,      /* the head, one byte at a time */
  ANSWER_TRICKLE_BODY,      /* the head, then the body one byte at a time */
  ANSWER_SILENT,            /* nothing, then the connection closes */
  ANSWER_TRUNCATED,         /* a valid body, 100 bytes short of its Content-Length */
  ANSWER_TRUNCATED_CHUNKED, /* half a valid body in one chunk, and no more */
  ANSWER_REDIRECT_301,      /* 301 to another path; a GET there gets a valid answer */
  ANSWER_REDIRECT_302,
  ANSWER_BODY,              /* 200 with the body of the case */
} Answer;

/* The longest a hostile answer lasts: a client that gives up earlier
 * closes the connection, and the server stops at its next write. */
#define TRICKLE_GAP_USEC      (300 * 1000)
#define ANSWER_MAX_USEC       (12 * G_USEC_PER_SEC)
#define ENDLESS_CHUNK         (256 * 1024)
#define ENDLESS_MAX_BYTES     (G_GUINT64_CONSTANT (2) << 30)
/* The client's deadline for one round trip in these tests, in seconds:
 * short, so that a slow server fails fast; and a long one for reading
 * the longest valid answer (under a second here, alone). */
#define DEADLINE              2
#define DEADLINE_TEXT         "2"
#define LONG_DEADLINE         30

typedef struct
{
  GSocket  *listener;
  GThread  *thread;
  guint16   port;
  Answer    answer;
  char     *body;             /* for ANSWER_BODY, ANSWER_TRUNCATED and redirects' GET */
  gint      connections;      /* atomic */
  gint      stop;             /* atomic */
} RawServer;

typedef struct
{
  char                *tmpdir;
  char                *path;
  CompaniesLocalStore *store;
  CompaniesSyncClient *client;
  RawServer            server;
  char                *before;
} Fixture;

/* --- The raw server --- */

static gboolean
send_all (GSocket    *socket,
          const char *data,
          gsize       length)
{
  while (length > 0)
    {
      gssize n = g_socket_send (socket, data, length, NULL, NULL);

      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }

  return TRUE;
}

/* Reads the request's head and its Content-Length body; returns the
 * request line (e.g. "POST /v1/companies/sync HTTP/1.1"), or NULL. */
static char *
read_request (GSocket *socket)
{
  GString *head = g_string_new (NULL);
  g_autofree char *line = NULL;
  const char *length_header;
  guint64 body_left = 0;
  char byte;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      if (head->len > 64 * 1024 || g_socket_receive (socket, &byte, 1, NULL, NULL) != 1)
        {
          g_string_free (head, TRUE);
          return NULL;
        }
      g_string_append_c (head, byte);
    }

  length_header = strstr (head->str, "Content-Length: ");
  if (length_header != NULL)
    body_left = g_ascii_strtoull (length_header + strlen ("Content-Length: "), NULL, 10);
  while (body_left > 0)
    {
      char buffer[4096];
      gssize n = g_socket_receive (socket, buffer, MIN (sizeof buffer, body_left), NULL, NULL);

      if (n <= 0)
        break;
      body_left -= n;
    }

  line = g_strndup (head->str, strcspn (head->str, "\r"));
  g_string_free (head, TRUE);
  return g_steal_pointer (&line);
}

static gboolean
answer_over (RawServer *self,
             gint64     start)
{
  return g_atomic_int_get (&self->stop) || g_get_monotonic_time () - start > ANSWER_MAX_USEC;
}

/* Sends @text one byte at a time, TRICKLE_GAP_USEC apart. */
static void
trickle (RawServer  *self,
         GSocket    *socket,
         const char *text,
         gint64      start)
{
  for (const char *p = text; *p != '\0' && !answer_over (self, start); p++)
    {
      if (!send_all (socket, p, 1))
        return;
      g_usleep (TRICKLE_GAP_USEC);
    }
}

static void
send_endless (RawServer  *self,
              GSocket    *socket,
              const char *status,
              gint64      start)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n", status);
  g_autofree char *chunk = g_malloc (ENDLESS_CHUNK + 32);
  gsize chunk_length;
  guint64 sent = 0;

  chunk_length = g_snprintf (chunk, 32, "%x\r\n", ENDLESS_CHUNK);
  memset (chunk + chunk_length, ' ', ENDLESS_CHUNK);
  chunk_length += ENDLESS_CHUNK;
  memcpy (chunk + chunk_length, "\r\n", 2);
  chunk_length += 2;

  if (!send_all (socket, head, strlen (head)))
    return;
  while (sent < ENDLESS_MAX_BYTES && !answer_over (self, start) &&
         send_all (socket, chunk, chunk_length))
    sent += chunk_length;
}

static char *
ok_head (gsize content_length)
{
  return g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          content_length);
}

static void
serve (RawServer *self,
       GSocket   *socket)
{
  g_autofree char *line = read_request (socket);
  gint64 start = g_get_monotonic_time ();
  const char *body = self->body != NULL ? self->body : "";

  if (line == NULL)
    return;

  /* A redirect followed: the GET gets a valid answer, which a client that
   * followed would take for the answer to its sync. */
  if (g_str_has_prefix (line, "GET "))
    {
      g_autofree char *head = ok_head (strlen (body));

      send_all (socket, head, strlen (head));
      send_all (socket, body, strlen (body));
      return;
    }

  switch (self->answer)
    {
    case ANSWER_ENDLESS_CHUNKED:
      send_endless (self, socket, "200 OK", start);
      break;
    case ANSWER_ENDLESS_ERROR:
      send_endless (self, socket, "500 Internal Server Error", start);
      break;
    case ANSWER_DECLARED_HUGE:
      {
        g_autofree char *head = ok_head ((gsize) 64 << 30);

        if (send_all (socket, head, strlen (head)))
          trickle (self, socket, "{\"protocol\":1", start);
      }
      break;
    case ANSWER_TRICKLE_HEAD:
      {
        g_autofree char *head = ok_head (strlen (body));

        trickle (self, socket, head, start);
      }
      break;
    case ANSWER_TRICKLE_BODY:
      {
        g_autofree char *head = ok_head (strlen (body));

        if (send_all (socket, head, strlen (head)))
          trickle (self, socket, body, start);
      }
      break;
    case ANSWER_SILENT:
      while (!answer_over (self, start) && g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC)
        g_usleep (20 * 1000);
      break;
    case ANSWER_TRUNCATED:
      {
        g_autofree char *head = ok_head (strlen (body) + 100);

        send_all (socket, head, strlen (head));
        send_all (socket, body, strlen (body));
      }
      break;
    case ANSWER_TRUNCATED_CHUNKED:
      {
        g_autofree char *answer =
          g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%.*s\r\n",
                           strlen (body) / 2, (int) (strlen (body) / 2), body);

        send_all (socket, answer, strlen (answer));
      }
      break;
    case ANSWER_REDIRECT_301:
    case ANSWER_REDIRECT_302:
      {
        g_autofree char *head =
          g_strdup_printf ("HTTP/1.1 %s\r\nLocation: http://127.0.0.1:%u/elsewhere%s\r\n"
                           "Content-Length: 0\r\nConnection: close\r\n\r\n",
                           self->answer == ANSWER_REDIRECT_301 ? "301 Moved Permanently" : "302 Found",
                           self->port, COMPANIES_SYNC_PATH);

        send_all (socket, head, strlen (head));
      }
      break;
    case ANSWER_BODY:
      {
        g_autofree char *head = ok_head (strlen (body));

        if (send_all (socket, head, strlen (head)))
          send_all (socket, body, strlen (body));
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static gpointer
raw_server_thread (gpointer data)
{
  RawServer *self = data;

  while (!g_atomic_int_get (&self->stop))
    {
      g_autoptr(GSocket) socket = NULL;

      /* Wakes up now and then to see whether the test is over. */
      if (!g_socket_condition_timed_wait (self->listener, G_IO_IN, 20 * 1000, NULL, NULL))
        continue;
      socket = g_socket_accept (self->listener, NULL, NULL);
      if (socket == NULL)
        continue;

      g_atomic_int_inc (&self->connections);
      g_socket_set_timeout (socket, 15);
      serve (self, socket);
      g_socket_close (socket, NULL);
    }

  return NULL;
}

static void
raw_server_start (RawServer *self)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (self->listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);

  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->thread = g_thread_new ("raw-server", raw_server_thread, self);
}

static void
raw_server_stop (RawServer *self)
{
  g_atomic_int_set (&self->stop, TRUE);
  g_clear_pointer (&self->thread, g_thread_join);
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  g_clear_pointer (&self->body, g_free);
}

/* --- Answers --- */

/* One company as the server writes it; @name, @email and @notes as given
 * (JSON text, already escaped). */
static char *
company_json (const char *uuid,
              const char *name,
              const char *email,
              const char *notes)
{
  return g_strdup_printf ("{\"id\":1,\"uuid\":\"%s\",\"version\":1,\"name\":\"%s\","
                          "\"address\":\"\",\"city\":\"\",\"postal_code\":\"\",\"country\":\"\","
                          "\"phone\":\"\",\"email\":\"%s\",\"website\":\"\",\"notes\":\"%s\"}",
                          uuid, name, email, notes);
}

/* A last page holding @company (may be NULL). */
static char *
page_json (const char *company)
{
  return g_strdup_printf ("{\"protocol\":1,\"cursor\":\"da1605a6-4c15-4578-92f4-43ac4e49afc0.1\","
                          "\"has_more\":false,\"reset\":true,\"companies\":[%s],\"deleted\":[],"
                          "\"rejected\":[],\"overwritten\":[]}",
                          company != NULL ? company : "");
}

#define FOREIGN_UUID "0c1d0000-0000-4000-8000-0000000000aa"

static char *
valid_page (void)
{
  g_autofree char *company = company_json (FOREIGN_UUID, "From elsewhere", "", "");

  return page_json (company);
}

/* --- Fixture --- */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fixture->tmpdir = companies_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->tmpdir, "client.db", NULL);
  fixture->store = companies_local_store_open (fixture->path, &error);
  g_assert_no_error (error);

  raw_server_start (&fixture->server);
  url = g_strdup_printf ("http://127.0.0.1:%u", fixture->server.port);
  fixture->client = companies_sync_client_new (fixture->path, url, NULL);
  companies_sync_client_set_request_deadline (fixture->client, DEADLINE);

  g_object_unref (e2e_add (fixture->store, "Pending Co", "Faro", "pending@example.com"));
  fixture->before = faults_store_picture (fixture->store);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  raw_server_stop (&fixture->server);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->store);
  companies_test_remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->path);
  g_free (fixture->before);
}

/* Syncs against the raw server; asserts that it fails with @code,
 * within @max_seconds, and that the store is as it was. Returns the
 * error message. */
static char *
sync_fails (Fixture *fixture,
            int      code,
            double   max_seconds)
{
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  CompaniesStoreStatus status;

  result = companies_sync_client_sync (fixture->client, NULL, &error);
  g_test_message ("after %.1f s: %s", g_timer_elapsed (timer, NULL),
                  error != NULL ? error->message : "(no error)");

  g_assert_null (result);
  g_assert_error (error, COMPANIES_SYNC_ERROR, code);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, max_seconds);

  /* The pending add is still pending, nothing came in, no cursor, and
   * the last sync time is still "never". */
  after = faults_store_picture (fixture->store);
  g_assert_cmpstr (after, ==, fixture->before);
  status = e2e_status (fixture->store);
  g_assert_cmpuint (status.pending_added, ==, 1);
  g_assert_cmpint (status.last_sync_time, ==, 0);
  faults_assert_integrity (fixture->path);

  return g_strdup (error->message);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

/* --- Tests --- */

/* One hostile answer: the error it must give, and how fast. */
typedef struct
{
  Answer       answer;
  guint        deadline;     /* the client's, in seconds */
  int          code;         /* COMPANIES_SYNC_ERROR_* */
  double       max_seconds;
  const char  *says;         /* in the message */
  const char  *also_says;    /* in the message too, or NULL */
} HostileCase;

static const HostileCase hostile_cases[] = {
  { ANSWER_ENDLESS_CHUNKED, LONG_DEADLINE, COMPANIES_SYNC_ERROR_PROTOCOL, LONG_DEADLINE,
    "longer than the protocol allows", NULL },
  { ANSWER_DECLARED_HUGE, DEADLINE, COMPANIES_SYNC_ERROR_PROTOCOL, 1.5,
    "longer than the protocol allows", NULL },
  { ANSWER_ENDLESS_ERROR, DEADLINE, COMPANIES_SYNC_ERROR_SERVER, DEADLINE,
    "HTTP 500", NULL },
  { ANSWER_TRICKLE_HEAD, DEADLINE, COMPANIES_SYNC_ERROR_NETWORK, DEADLINE + 2,
    "within " DEADLINE_TEXT " s", "may have been applied" },
  { ANSWER_TRICKLE_BODY, DEADLINE, COMPANIES_SYNC_ERROR_NETWORK, DEADLINE + 2,
    "within " DEADLINE_TEXT " s", "may have been applied" },
  /* Not "Could not reach the server": the request went out. */
  { ANSWER_SILENT, DEADLINE, COMPANIES_SYNC_ERROR_NETWORK, DEADLINE + 2,
    "within " DEADLINE_TEXT " s", "may have been applied" },
  { ANSWER_TRUNCATED, DEADLINE, COMPANIES_SYNC_ERROR_NETWORK, DEADLINE,
    "closed after", "may have been applied" },
  /* libsoup 3.2 takes a chunked body cut short for a whole one: what is
   * cut is then not the JSON the protocol says. */
  { ANSWER_TRUNCATED_CHUNKED, DEADLINE, COMPANIES_SYNC_ERROR_PROTOCOL, DEADLINE,
    "cannot read", NULL },
};

static void
test_hostile (Fixture       *fixture,
              gconstpointer  data)
{
  const HostileCase *hostile = data;
  g_autofree char *message = NULL;

  fixture->server.answer = hostile->answer;
  fixture->server.body = valid_page ();
  companies_sync_client_set_request_deadline (fixture->client, hostile->deadline);
  message = sync_fails (fixture, hostile->code, hostile->max_seconds);
  assert_contains (message, hostile->says);
  if (hostile->also_says != NULL)
    assert_contains (message, hostile->also_says);
}

static void
test_redirect (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *message = NULL;
  g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u/elsewhere%s",
                                             fixture->server.port, COMPANIES_SYNC_PATH);
  g_autofree char *address = g_strdup_printf ("set the server address to http://127.0.0.1:%u/elsewhere",
                                              fixture->server.port);

  fixture->server.answer = GPOINTER_TO_INT (data);
  fixture->server.body = valid_page ();
  message = sync_fails (fixture, COMPANIES_SYNC_ERROR_PROTOCOL, 5);
  assert_contains (message, "redirect to");
  assert_contains (message, target);
  assert_contains (message, address);
  /* Never followed. */
  g_assert_cmpint (g_atomic_int_get (&fixture->server.connections), ==, 1);
}

/* A record with a value no person could enter here: the whole answer is
 * refused, and the message names the place and the rule. */
static void
test_invalid_record (Fixture       *fixture,
                     gconstpointer  data)
{
  guint which = GPOINTER_TO_UINT (data);
  g_autofree char *long_name = g_strnfill (1024 * 1024, 'n');
  g_autofree char *company = NULL;
  g_autofree char *message = NULL;
  const char *expected[] = { "companies[0].name", "companies[0].name", "companies[0].email",
                             "companies[0].notes" };

  switch (which)
    {
    case 0:
      company = company_json (FOREIGN_UUID, long_name, "", "");
      break;
    case 1:
      company = company_json (FOREIGN_UUID, "  ", "", "");
      break;
    case 2:
      company = company_json (FOREIGN_UUID, "Mail Co", "not an address", "");
      break;
    case 3:
      company = company_json (FOREIGN_UUID, "Bell Co", "", "ring\\u0007");
      break;
    default:
      g_assert_not_reached ();
    }

  fixture->server.answer = ANSWER_BODY;
  fixture->server.body = page_json (company);
  message = sync_fails (fixture, COMPANIES_SYNC_ERROR_PROTOCOL, 5);
  assert_contains (message, expected[which]);
}

/* The same raw server with a valid answer: the sync works, so what the
 * cases above see is what they sent. */
static void
test_valid_answer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CompaniesSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server.answer = ANSWER_BODY;
  fixture->server.body = valid_page ();
  result = companies_sync_client_sync (fixture->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e2e_status (fixture->store).last_sync_time, >, 0);
  g_assert_cmpuint (faults_count_rows (fixture->path), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/faults/hostile-server/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("valid-answer", test_valid_answer, NULL);
  ADD ("endless-chunked", test_hostile, &hostile_cases[0]);
  ADD ("declared-huge", test_hostile, &hostile_cases[1]);
  ADD ("endless-error-body", test_hostile, &hostile_cases[2]);
  ADD ("trickle-head", test_hostile, &hostile_cases[3]);
  ADD ("trickle-body", test_hostile, &hostile_cases[4]);
  ADD ("silent", test_hostile, &hostile_cases[5]);
  ADD ("truncated", test_hostile, &hostile_cases[6]);
  ADD ("truncated-chunked", test_hostile, &hostile_cases[7]);
  ADD ("redirect-301", test_redirect, GINT_TO_POINTER (ANSWER_REDIRECT_301));
  ADD ("redirect-302", test_redirect, GINT_TO_POINTER (ANSWER_REDIRECT_302));
  ADD ("invalid-record/long-name", test_invalid_record, GUINT_TO_POINTER (0));
  ADD ("invalid-record/blank-name", test_invalid_record, GUINT_TO_POINTER (1));
  ADD ("invalid-record/email", test_invalid_record, GUINT_TO_POINTER (2));
  ADD ("invalid-record/control", test_invalid_record, GUINT_TO_POINTER (3));

#undef ADD

  return g_test_run ();
}
