/* companies-server-merge.c: the merge rules of the server, applied to one
 * request's changes (docs/protocol.md section 3)
 *
 *  - added: a known uuid (alive or tombstone) is a retried push and only
 *    returns the record; otherwise a new record, a new id. The insert
 *    itself tells a known uuid (one index lookup an add), and a new record
 *    is answered as it was written, not read back.
 *  - updated: per field, last write wins in arrival order; a field whose
 *    stored per-field version is newer than base_version and whose value
 *    differs is reported in `overwritten`. A tombstone wins over the
 *    update (returned as is); an unknown id is rejected `not_found`. With
 *    a cursor from another server database, ids name records of that
 *    other database: every update is rejected `not_found` and every
 *    delete ignored.
 *    Both sides are told (docs/notices.md): an overwritten value's writer,
 *    read from history, is named in the entry (revision 1.6), and when
 *    that writer was a client that asked for `replaced`, an entry is kept
 *    for it, to be answered in its next pull.
 *  - deleted: the record becomes a tombstone; missing or already deleted
 *    is fine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "companies-server-merge.h"

struct _CompaniesServerMerge
{
  CompaniesServerStore  *store;
  CompaniesSyncResponse *response;
  gint64                 now;
  /* the cursor names another server database */
  gboolean               foreign;
  /* the label of the request's token (NULL without tokens) */
  char                  *who;
  /* the request's client id */
  const char            *client_id;
  /* ids of the records to return because the request named them, in order */
  GArray                *named_ids;
  GHashTable            *named_set;
  /* the first id this merge gave a new record, 0 before: ids are handed
   * out in order within the transaction, so every id from it on is one
   * of its new records, named when it was created and not in named_set */
  gint64                 first_new_id;
  /* the records this request wrote, as stored: id → CompaniesServerRecord */
  GHashTable            *written;
  /* revision 1.8, when the request asked: the records it created with
   * the values it sent, id → CreatedAsSent */
  GHashTable            *created_as_sent;
};

typedef struct
{
  gint64 id;
  gint64 version;
} CreatedAsSent;

CompaniesServerMerge *
companies_server_merge_new (CompaniesServerStore  *store,
                            CompaniesSyncResponse *response,
                            gint64                 now,
                            gboolean               foreign,
                            const char            *who,
                            const char            *client_id)
{
  CompaniesServerMerge *self = g_new0 (CompaniesServerMerge, 1);

  self->client_id = client_id;
  self->store = store;
  self->response = response;
  self->now = now;
  self->foreign = foreign;
  self->who = g_strdup (who);
  self->named_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->named_set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->written = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                         (GDestroyNotify) companies_server_record_free);
  return self;
}

void
companies_server_merge_free (CompaniesServerMerge *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->named_ids);
  g_hash_table_unref (self->named_set);
  g_hash_table_unref (self->written);
  g_clear_pointer (&self->created_as_sent, g_hash_table_unref);
  g_free (self->who);
  g_free (self);
}

const char *
companies_server_merge_get_who (CompaniesServerMerge *self)
{
  return self->who;
}

const GArray *
companies_server_merge_get_named_ids (CompaniesServerMerge *self)
{
  return self->named_ids;
}

void
companies_server_merge_answer_created (CompaniesServerMerge *self)
{
  if (self->created_as_sent == NULL)
    self->created_as_sent = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
}

gboolean
companies_server_merge_created_as_sent (CompaniesServerMerge        *self,
                                        const CompaniesServerRecord *record)
{
  const CreatedAsSent *created;

  if (self->created_as_sent == NULL || record->deleted)
    return FALSE;

  created = g_hash_table_lookup (self->created_as_sent, &record->company->id);
  return created != NULL && created->version == record->company->version;
}

CompaniesServerRecord *
companies_server_merge_steal_written (CompaniesServerMerge *self,
                                      gint64                id)
{
  CompaniesServerRecord *record = NULL;

  g_hash_table_steal_extended (self->written, &id, NULL, (gpointer *) &record);
  return record;
}

static void
name_record (CompaniesServerMerge *self,
             gint64                id)
{
  gint64 *key;

  if ((self->first_new_id != 0 && id >= self->first_new_id) ||
      g_hash_table_contains (self->named_set, &id))
    return;

  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_add (self->named_set, key);
  g_array_append_val (self->named_ids, id);
}

/* A record this merge created: named once, without the set. */
static void
name_new_record (CompaniesServerMerge *self,
                 gint64                id)
{
  if (self->first_new_id == 0)
    self->first_new_id = id;
  g_array_append_val (self->named_ids, id);
}

/* Keeps @record, as it stands after this request's writes, for the answer;
 * it replaces whatever was kept for its id. */
static void
keep_written (CompaniesServerMerge  *self,
              CompaniesServerRecord *record)
{
  g_hash_table_replace (self->written, &record->company->id, record);
}

static void
add_rejected (CompaniesServerMerge *self,
              const char           *uuid,
              gint64                id,
              const char           *code,
              const char           *field,
              const char           *message)
{
  companies_sync_response_add_rejected (self->response, uuid, id, code, field, message);
}

static void
reject_change (CompaniesServerMerge  *self,
               const CompaniesChange *change,
               const char            *uuid)
{
  add_rejected (self, uuid, change->id, change->reject_code,
                change->reject_field, change->reject_message);
}

static void
reject_not_found (CompaniesServerMerge  *self,
                  const CompaniesChange *change)
{
  add_rejected (self, NULL, change->id, COMPANIES_REJECT_NOT_FOUND, NULL,
                _("This company no longer exists on the server"));
}

static void
free_values (char **values)
{
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    g_clear_pointer (&values[i], g_free);
}

/* Whether @text is as companies_field_normalize () makes a name:
 * g_strstrip () would leave it as it is. */
static gboolean
is_trimmed (const char *text)
{
  gsize length = strlen (text);

  return length == 0 || (!g_ascii_isspace (text[0]) && !g_ascii_isspace (text[length - 1]));
}

gboolean
companies_server_merge_add (CompaniesServerMerge   *self,
                            const CompaniesChange  *change,
                            GError                **error)
{
  g_autoptr(CompaniesServerRecord) existing = NULL;
  g_autofree char *name = NULL;
  CompaniesServerRecord *record;
  const char *values[COMPANIES_N_FIELDS];
  gboolean created_as_sent;
  gint64 version, id = 0;

  if (change->reject_code != NULL)
    {
      add_rejected (self, change->uuid, 0, change->reject_code,
                    change->reject_field, change->reject_message);
      return TRUE;
    }

  /* The values are stored as the change holds them, without a copy: the
   * change outlives the insert, and is only read (a group of requests
   * that fails is applied again one by one). */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      values[i] = "";
      if ((change->field_mask & COMPANIES_FIELD_BIT (i)) && change->values[i] != NULL)
        values[i] = change->values[i];
    }
  /* Only the name has a stored form of its own (trimmed); a decoded one
   * has it already. */
  if (!is_trimmed (values[COMPANIES_FIELD_NAME]))
    values[COMPANIES_FIELD_NAME] = name =
      companies_field_normalize (COMPANIES_FIELD_NAME, values[COMPANIES_FIELD_NAME]);
  /* The server stores exactly the values the client sent (a field it did
   * not send is empty) unless the name was trimmed: by the decoder, which
   * notes it (trimmed_mask), or here. */
  created_as_sent = self->created_as_sent != NULL && change->trimmed_mask == 0 && name == NULL;

  /* The insert itself finds a known uuid (and then writes nothing). */
  if (!companies_server_store_next_version (self->store, &version, error) ||
      !companies_server_store_insert (self->store, change->uuid, values, version, &id, error))
    return FALSE;

  if (id == 0)
    {
      /* A retried push: return the record as it is now. */
      if (!companies_server_store_lookup_by_uuid (self->store, change->uuid, &existing, error))
        return FALSE;
      if (existing == NULL)
        {
          g_set_error_literal (error, COMPANIES_SERVER_STORE_ERROR,
                               COMPANIES_SERVER_STORE_ERROR_FAILED,
                               _("The record to change is no longer there"));
          return FALSE;
        }
      name_record (self, existing->company->id);
      return TRUE;
    }

  if (created_as_sent)
    {
      CreatedAsSent *created = g_new (CreatedAsSent, 1);

      created->id = id;
      created->version = version;
      g_hash_table_replace (self->created_as_sent, &created->id, created);
    }

  /* The new record as stored, kept for the answer: no read back. One
   * answered by id (created as sent) goes without its values. */
  record = companies_server_record_new ();
  record->company->id = id;
  record->company->uuid = g_strdup (change->uuid);
  record->company->version = version;
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (!created_as_sent)
        record->company->values[i] = g_strdup (values[i]);
      record->field_versions[i] = version;
    }
  keep_written (self, record);

  name_new_record (self, id);
  return TRUE;
}

/* Notes in the response that @field of @record, written after the client
 * last saw the record, was overwritten by @value at @version; and keeps
 * a `replaced` entry for the client that wrote it, when it asked for
 * them and is not this one. */
static gboolean
note_overwritten (CompaniesServerMerge         *self,
                  const CompaniesServerRecord  *record,
                  CompaniesField                field,
                  const char                   *value,
                  gint64                        version,
                  GError                      **error)
{
  CompaniesOverwritten *overwritten = companies_overwritten_new ();
  g_autofree char *writer = NULL;

  overwritten->id = record->company->id;
  overwritten->field = field;
  overwritten->value = g_strdup (record->company->values[field]);
  overwritten->version = record->field_versions[field];
  g_ptr_array_add (self->response->overwritten, overwritten);

  if (!companies_server_store_find_writer (self->store, record->company->id,
                                           companies_field_get_name (field),
                                           overwritten->version, &writer,
                                           &overwritten->by, &overwritten->at, error))
    return FALSE;

  if (writer != NULL && g_strcmp0 (writer, self->client_id) != 0)
    {
      g_autoptr(CompaniesReplaced) replaced = companies_replaced_new ();

      replaced->id = record->company->id;
      replaced->uuid = g_strdup (record->company->uuid);
      replaced->field = field;
      replaced->lost = g_strdup (overwritten->value);
      replaced->lost_version = overwritten->version;
      replaced->current = g_strdup (value);
      replaced->current_version = version;
      replaced->by = g_strdup (self->who);
      replaced->at = self->now;
      if (!companies_server_store_add_replaced (self->store, writer, replaced, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
companies_server_merge_update (CompaniesServerMerge   *self,
                               const CompaniesChange  *change,
                               GError                **error)
{
  g_autoptr(CompaniesServerRecord) record = NULL;
  char *values[COMPANIES_N_FIELDS] = { NULL, };
  CompaniesRecord *company;
  guint changed = 0;
  guint unseen = 0;
  gint64 version = 0;

  if (self->foreign)
    {
      reject_not_found (self, change);
      return TRUE;
    }

  if (!companies_server_store_lookup_by_id (self->store, change->id, &record, error))
    return FALSE;

  if (record == NULL)
    {
      reject_not_found (self, change);
      return TRUE;
    }

  company = record->company;

  /* Deletes win: the update is dropped and the tombstone returned. */
  if (record->deleted)
    {
      name_record (self, company->id);
      return TRUE;
    }

  if (change->reject_code != NULL)
    {
      reject_change (self, change, company->uuid);
      name_record (self, company->id);
      return TRUE;
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (!(change->field_mask & COMPANIES_FIELD_BIT (i)))
        continue;

      values[i] = companies_field_normalize (i, change->values[i] != NULL ? change->values[i] : "");
      if (g_strcmp0 (values[i], company->values[i]) == 0)
        continue;

      changed |= COMPANIES_FIELD_BIT (i);

      /* Someone wrote this field after the client last saw the record. */
      if (record->field_versions[i] > change->base_version)
        unseen |= COMPANIES_FIELD_BIT (i);
    }

  /* Values equal to the stored ones change nothing, and take no version. */
  if (changed != 0 &&
      (!companies_server_store_next_version (self->store, &version, error) ||
       !companies_server_store_update_fields (self->store, company->id, changed,
                                              (const char * const *) values,
                                              version, error)))
    {
      free_values (values);
      return FALSE;
    }

  /* Before the record below takes the new values. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if ((unseen & COMPANIES_FIELD_BIT (i)) &&
          !note_overwritten (self, record, i, values[i], version, error))
        {
          free_values (values);
          return FALSE;
        }
    }

  /* The record as it now stands, kept for the answer: no read back. */
  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      if (changed & COMPANIES_FIELD_BIT (i))
        {
          g_free (company->values[i]);
          company->values[i] = g_steal_pointer (&values[i]);
          record->field_versions[i] = version;
          company->version = version;
        }
    }
  free_values (values);
  name_record (self, company->id);
  keep_written (self, g_steal_pointer (&record));

  return TRUE;
}

gboolean
companies_server_merge_delete (CompaniesServerMerge   *self,
                               const CompaniesChange  *change,
                               GError                **error)
{
  g_autoptr(CompaniesServerRecord) record = NULL;
  gint64 version;

  if (change->reject_code != NULL)
    {
      reject_change (self, change, NULL);
      return TRUE;
    }

  /* The id names a record of another server database. */
  if (self->foreign)
    return TRUE;

  if (!companies_server_store_lookup_by_id (self->store, change->id, &record, error))
    return FALSE;

  /* Deleting a missing record is not an error. */
  if (record == NULL)
    return TRUE;

  if (!record->deleted)
    {
      if (!companies_server_store_next_version (self->store, &version, error) ||
          !companies_server_store_tombstone (self->store, record->company->id, version,
                                             self->now, error))
        return FALSE;
      /* read back for the answer, as a tombstone */
      g_hash_table_remove (self->written, &record->company->id);
    }

  name_record (self, record->company->id);
  return TRUE;
}
