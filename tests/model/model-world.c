/* model-world.c: the model test's world and its end-state checks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-model"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "companies-protocol.h"
#include "model-world.h"

/* Lines of the step log printed on failure; the whole log goes to a file
 * when it is longer. */
#define LOG_TAIL  400
#define MAX_PAGES 1000

static Model *current_model;

/* --- the log --- */

static void
dump_log (Model *model)
{
  guint first = 0;

  if (model->dumped)
    return;
  model->dumped = TRUE;

  if (model->log->len > LOG_TAIL)
    {
      g_autofree char *name = g_strdup_printf ("companies-model-%u.log", model->seed);
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < model->log->len; i++)
        {
          g_string_append (text, g_ptr_array_index (model->log, i));
          g_string_append_c (text, '\n');
        }
      if (g_file_set_contents (path, text->str, text->len, NULL))
        fprintf (stderr, "The whole step log is in %s; its last %u lines:\n", path, LOG_TAIL);
      first = model->log->len - LOG_TAIL;
    }
  else
    fprintf (stderr, "The step log:\n");

  for (guint i = first; i < model->log->len; i++)
    fprintf (stderr, "%s\n", (const char *) g_ptr_array_index (model->log, i));
  fprintf (stderr, "The databases stay in %s.\n", model->tmpdir);
  fprintf (stderr, "Replay with COMPANIES_MODEL_SEED=%u COMPANIES_MODEL_STEPS=%u "
           "COMPANIES_MODEL_CLIENTS=%u\n", model->seed, model->n_steps, model->n_clients);
  fflush (stderr);
}

/* A critical or a g_error () from anywhere (fatal in the tests) prints the
 * log too. */
static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  if (current_model != NULL)
    dump_log (current_model);

  return TRUE;
}

void
model_log (Model      *model,
           const char *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (model->step > 0)
    g_ptr_array_add (model->log, g_strdup_printf ("step %u: %s", model->step, text));
  else
    g_ptr_array_add (model->log, g_strdup_printf ("end: %s", text));
}

void
model_fail (Model      *model,
            const char *format,
            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  model_log (model, "FAILED: %s", text);
  fprintf (stderr, "Model test failed (seed %u) at %s%u: %s\n", model->seed,
           model->step > 0 ? "step " : "the end, after step ",
           model->step > 0 ? model->step : model->n_steps, text);
  dump_log (model);
  g_error ("model test failed (seed %u): %s", model->seed, text);
}

/* --- the world --- */

Model *
model_new (guint32 seed,
           guint   n_steps,
           guint   n_clients)
{
  Model *model = g_new0 (Model, 1);

  model->seed = seed;
  model->n_steps = n_steps;
  model->n_clients = n_clients;
  model->rand = g_rand_new_with_seed (seed);
  model->tmpdir = companies_test_make_tmpdir ();
  model->server_db = g_build_filename (model->tmpdir, "server.db", NULL);
  model->oracle = model_oracle_new ();
  model->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) model_client_free);
  model->log = g_ptr_array_new_with_free_func (g_free);

  current_model = model;
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);

  return model;
}

void
model_free (Model *model)
{
  current_model = NULL;
  g_test_log_set_fatal_handler (NULL, NULL);

  g_ptr_array_unref (model->clients);
  g_clear_pointer (&model->proxy, companies_test_proxy_free);
  g_clear_pointer (&model->server, companies_test_server_free);
  model_oracle_free (model->oracle);
  companies_test_remove_tree (model->tmpdir);
  g_free (model->tmpdir);
  g_free (model->server_db);
  g_rand_free (model->rand);
  g_ptr_array_unref (model->log);
  g_free (model);
}

ModelClient *
model_client_new (Model      *model,
                  const char *name,
                  const char *server_url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  ModelClient *client = g_new0 (ModelClient, 1);

  client->name = g_strdup (name);
  client->path = g_build_filename (model->tmpdir, file, NULL);
  client->store = companies_local_store_open (client->path, &error);
  if (client->store == NULL)
    model_fail (model, "cannot open %s: %s", client->path, error->message);
  client->client_id = g_strdup (companies_local_store_get_client_id (client->store));
  client->client = companies_sync_client_new (client->path, server_url, NULL);
  client->deleted = g_ptr_array_new_with_free_func (g_object_unref);

  return client;
}

void
model_client_free (ModelClient *client)
{
  if (client == NULL)
    return;

  g_clear_object (&client->client);
  g_clear_object (&client->store);
  g_ptr_array_unref (client->deleted);
  g_free (client->client_id);
  g_free (client->path);
  g_free (client->name);
  g_free (client);
}

void
model_add_clients (Model      *model,
                   const char *server_url)
{
  for (guint i = 0; i < model->n_clients; i++)
    {
      g_autofree char *name = g_strdup_printf ("client%u", i);
      ModelClient *client = model_client_new (model, name, server_url);

      g_ptr_array_add (model->clients, client);
      model_log (model, "%s is %s", name, client->client_id);
    }
}

ModelClient *
model_pick_client (Model *model)
{
  return g_ptr_array_index (model->clients, g_rand_int_range (model->rand, 0, model->clients->len));
}

GPtrArray *
model_client_list (Model       *model,
                   ModelClient *client,
                   gboolean     include_deleted)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = companies_local_store_list (client->store, include_deleted, &error);

  if (list == NULL)
    model_fail (model, "listing %s failed: %s", client->name, error->message);

  return list;
}

/* --- the end state --- */

void
model_check_fresh_pull (Model     *model,
                        GPtrArray *fresh_list)
{
  g_autoptr(GHashTable) uuids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < fresh_list->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (fresh_list, i);
      gint64 *id = g_new (gint64, 1);

      *id = companies_company_get_id (company);
      if (!g_hash_table_add (uuids, (gpointer) companies_company_get_uuid (company)))
        model_fail (model, "the server holds %s twice", companies_company_get_uuid (company));
      if (g_hash_table_contains (ids, id))
        model_fail (model, "the server gives the id %" G_GINT64_FORMAT " twice", *id);
      g_hash_table_add (ids, id);
      if (*id <= 0 || !companies_company_get_is_from_server (company) ||
          companies_company_get_is_modified (company) || !companies_company_get_is_active (company))
        model_fail (model, "a fresh client's record %s is not plainly synced",
                    companies_company_get_uuid (company));
    }
}

void
model_check_client_equals (Model       *model,
                           ModelClient *client,
                           GPtrArray   *fresh_list)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = model_client_list (model, client, TRUE);
  g_autoptr(GHashTable) by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  CompaniesStoreStatus status = { 0, };

  if (!companies_local_store_get_status (client->store, &status, &error))
    model_fail (model, "status of %s failed: %s", client->name, error->message);
  if (status.pending_added != 0 || status.pending_updated != 0 ||
      status.pending_deleted != 0 || status.rejected != 0)
    model_fail (model, "%s still has %u added, %u updated, %u deleted, %u rejected",
                client->name, status.pending_added, status.pending_updated,
                status.pending_deleted, status.rejected);

  if (list->len != fresh_list->len)
    model_fail (model, "%s holds %u records, the server %u", client->name, list->len,
                fresh_list->len);

  for (guint i = 0; i < list->len; i++)
    {
      CompaniesCompany *company = g_ptr_array_index (list, i);

      g_hash_table_insert (by_uuid, (gpointer) companies_company_get_uuid (company), company);
    }

  for (guint i = 0; i < fresh_list->len; i++)
    {
      CompaniesCompany *server = g_ptr_array_index (fresh_list, i);
      const char *uuid = companies_company_get_uuid (server);
      CompaniesCompany *company = g_hash_table_lookup (by_uuid, uuid);

      if (company == NULL)
        model_fail (model, "%s lacks %s, which the server holds", client->name, uuid);
      if (companies_company_get_id (company) != companies_company_get_id (server) ||
          companies_company_get_version (company) != companies_company_get_version (server))
        model_fail (model, "%s holds %s with id %" G_GINT64_FORMAT " version %" G_GINT64_FORMAT
                    ", the server id %" G_GINT64_FORMAT " version %" G_GINT64_FORMAT,
                    client->name, uuid, companies_company_get_id (company),
                    companies_company_get_version (company), companies_company_get_id (server),
                    companies_company_get_version (server));
      if (!companies_company_get_is_from_server (company) ||
          companies_company_get_is_modified (company) ||
          !companies_company_get_is_active (company) ||
          companies_company_get_changed_fields (company) != 0 ||
          companies_company_get_rejection_code (company) != NULL)
        model_fail (model, "%s holds %s not plainly synced", client->name, uuid);
      for (guint f = 0; f < COMPANIES_N_FIELDS; f++)
        if (g_strcmp0 (companies_company_get_field (company, f),
                       companies_company_get_field (server, f)) != 0)
          model_fail (model, "%s holds %s with %s \"%s\", the server \"%s\"", client->name,
                      uuid, companies_field_get_name (f),
                      companies_company_get_field (company, f),
                      companies_company_get_field (server, f));
    }
}

/* The cursor is opaque to clients, but the server's form of it is a shared
 * decision (the brief): "<database-uuid>.<version>". A cursor at version 0
 * of this database lists every record's current state, tombstones too,
 * in version order, without a reset. */
static char *
start_of_history_cursor (Model *model)
{
  const char *last = model_oracle_get_last_cursor (model->oracle);
  const char *dot = last != NULL ? strchr (last, '.') : NULL;

  if (dot == NULL)
    model_fail (model, "no usable cursor came from the server: %s", last != NULL ? last : "(none)");

  return g_strdup_printf ("%.*s.0", (int) (dot - last), last);
}

static void
take_records (Model      *model,
              GHashTable *records,
              GPtrArray  *list)
{
  gsize n = 0;
  g_autofree gpointer *taken = g_ptr_array_steal (list, &n);

  for (gsize i = 0; i < n; i++)
    {
      CompaniesRecord *record = taken[i];

      if (record->uuid == NULL || g_hash_table_contains (records, record->uuid))
        model_fail (model, "the server lists %s twice in its history",
                    record->uuid != NULL ? record->uuid : "a record without uuid");
      g_hash_table_insert (records, record->uuid, record);
    }
}

GHashTable *
model_read_server_state (Model *model)
{
  g_autofree char *cursor = start_of_history_cursor (model);
  const char *url = companies_test_server_get_url (model->server);
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) companies_record_free);

  for (guint page = 0; ; page++)
    {
      g_autoptr(CompaniesSyncResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      guint status = 0;

      if (page >= MAX_PAGES)
        model_fail (model, "the server's history has more than %u pages", MAX_PAGES);

      response = companies_test_pull (url, NULL, cursor, COMPANIES_MAX_LIMIT, &status, &error);
      if (response == NULL && status != 200)
        model_fail (model, "reading the server's history failed: %u %s", status, error->message);
      if (response == NULL)
        model_fail (model, "the server's history does not decode: %s", error->message);
      if (response->reset)
        model_fail (model, "the server answered the cursor %s with a reset", cursor);

      take_records (model, records, response->companies);
      take_records (model, records, response->deleted);

      g_free (cursor);
      cursor = g_strdup (response->cursor);
      if (!response->has_more)
        break;
    }

  return records;
}
