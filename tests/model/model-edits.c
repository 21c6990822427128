/* model-edits.c: the local edits of the model test's clients that must
 * reach the server, those a delete on the server beat, which must be in a
 * notice at their client (docs/notices.md), and every edit made.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-model"

#include <string.h>

#include "model-edits.h"

struct _ModelEdits
{
  /* uuid → (GHashTable "client_id field-name" → the value sent must be) */
  GHashTable *unsent;
  /* the same, for edits of records the server deleted first */
  GHashTable *lost;
  /* uuid → (GHashTable "client_id field-name" → GPtrArray of the values
   * made, oldest first) */
  GHashTable *made;
};

ModelEdits *
model_edits_new (void)
{
  ModelEdits *self = g_new0 (ModelEdits, 1);

  self->unsent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_hash_table_unref);
  self->lost = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
  self->made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
  return self;
}

void
model_edits_free (ModelEdits *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->unsent);
  g_hash_table_unref (self->lost);
  g_hash_table_unref (self->made);
  g_free (self);
}


static char *
unsent_key (const char     *client_id,
            CompaniesField  field)
{
  return g_strconcat (client_id, " ", companies_field_get_name (field), NULL);
}

/* The values made of @key on @uuid, made when @create. */
static GPtrArray *
made_values (ModelEdits *self,
             const char *uuid,
             const char *key,
             gboolean    create)
{
  GHashTable *edits = g_hash_table_lookup (self->made, uuid);
  GPtrArray *values;

  if (edits == NULL && !create)
    return NULL;
  if (edits == NULL)
    {
      edits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
      g_hash_table_insert (self->made, g_strdup (uuid), edits);
    }

  values = g_hash_table_lookup (edits, key);
  if (values == NULL && create)
    {
      values = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (edits, g_strdup (key), values);
    }

  return values;
}

/* @value of @key on @uuid never left its client (replaced or deleted
 * there before a request carried it): not an edit that can vanish. */
static void
unmake (ModelEdits *self,
        const char *uuid,
        const char *key,
        const char *value)
{
  GPtrArray *values = made_values (self, uuid, key, FALSE);

  if (values != NULL && values->len > 0 &&
      g_strcmp0 (g_ptr_array_index (values, values->len - 1), value) == 0)
    g_ptr_array_remove_index (values, values->len - 1);
}

void
model_edits_expect (ModelEdits         *self,
                    gboolean            deleted,
                    const char         *client_id,
                    const char         *uuid,
                    guint               mask,
                    const char * const *values)
{
  /* An edit of a record the server already deleted cannot win: it must
   * end in a notice. */
  GHashTable *table = deleted ? self->lost : self->unsent;
  GHashTable *edits = g_hash_table_lookup (table, uuid);

  if (edits == NULL)
    {
      edits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (table, g_strdup (uuid), edits);
    }

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    if ((mask & COMPANIES_FIELD_BIT (i)) != 0)
      {
        char *key = unsent_key (client_id, i);
        char *value = companies_field_normalize (i, values[i] != NULL ? values[i] : "");
        const char *replaced = g_hash_table_lookup (edits, key);

        if (replaced != NULL)
          unmake (self, uuid, key, replaced);
        g_ptr_array_add (made_values (self, uuid, key, TRUE), g_strdup (value));
        g_hash_table_insert (edits, key, value);
      }
}

static void
forget_in (ModelEdits *self,
           GHashTable *table,
           const char *client_id,
           const char *uuid)
{
  GHashTable *edits = g_hash_table_lookup (table, uuid);

  if (edits == NULL)
    return;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      g_autofree char *key = unsent_key (client_id, i);
      const char *value = g_hash_table_lookup (edits, key);

      if (value != NULL)
        unmake (self, uuid, key, value);
      g_hash_table_remove (edits, key);
    }
  if (g_hash_table_size (edits) == 0)
    g_hash_table_remove (table, uuid);
}

void
model_edits_forget (ModelEdits *self,
                    const char *client_id,
                    const char *uuid)
{
  forget_in (self, self->unsent, client_id, uuid);
  forget_in (self, self->lost, client_id, uuid);
}

/* The server deleted @uuid: its unsent edits are lost to the delete. */
void
model_edits_deleted (ModelEdits *self,
                     const char *uuid)
{
  g_autofree char *key = NULL;
  GHashTable *edits = NULL;
  GHashTable *lost;
  GHashTableIter iter;
  gpointer field_key, value;

  if (!g_hash_table_steal_extended (self->unsent, uuid, (gpointer *) &key, (gpointer *) &edits))
    return;

  lost = g_hash_table_lookup (self->lost, uuid);
  if (lost == NULL)
    {
      g_hash_table_insert (self->lost, g_steal_pointer (&key), edits);
      return;
    }

  g_hash_table_iter_init (&iter, edits);
  while (g_hash_table_iter_next (&iter, &field_key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_insert (lost, field_key, value);
    }
  g_hash_table_unref (edits);
}

/* Calls @func for each value of @table (uuid → key → value, or with
 * @many, key → GPtrArray of values). */
static void
foreach_edit (GHashTable         *table,
              gboolean            many,
              ModelEditsLostFunc  func,
              gpointer            user_data)
{
  GHashTableIter iter;
  gpointer uuid, edits;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &uuid, &edits))
    {
      GHashTableIter inner;
      gpointer key, value;

      g_hash_table_iter_init (&inner, edits);
      while (g_hash_table_iter_next (&inner, &key, &value))
        {
          const char *space = strchr (key, ' ');
          g_autofree char *client_id = g_strndup (key, space - (const char *) key);
          CompaniesField field;

          g_assert_true (companies_field_from_name (space + 1, &field));
          if (!many)
            func (client_id, uuid, field, value, user_data);
          for (guint i = 0; many && i < ((GPtrArray *) value)->len; i++)
            func (client_id, uuid, field, g_ptr_array_index ((GPtrArray *) value, i), user_data);
        }
    }
}

void
model_edits_foreach_lost (ModelEdits         *self,
                          ModelEditsLostFunc  func,
                          gpointer            user_data)
{
  foreach_edit (self->lost, FALSE, func, user_data);
}

void
model_edits_foreach_made (ModelEdits         *self,
                          ModelEditsLostFunc  func,
                          gpointer            user_data)
{
  foreach_edit (self->made, TRUE, func, user_data);
}

/* A request of @client_id brought the fields of @change to the server. */
void
model_edits_sent (ModelEdits            *self,
                  const char            *client_id,
                  const char            *uuid,
                  const CompaniesChange *change)
{
  GHashTable *edits = g_hash_table_lookup (self->unsent, uuid);

  if (edits == NULL)
    return;

  for (guint i = 0; i < COMPANIES_N_FIELDS; i++)
    {
      gboolean present = (change->field_mask & COMPANIES_FIELD_BIT (i)) != 0;
      g_autofree char *key = NULL;
      g_autofree char *sent = NULL;
      const char *expected;

      /* An add sets every field: a missing one is empty. */
      if (!present && change->kind != COMPANIES_CHANGE_ADD)
        continue;
      key = unsent_key (client_id, i);
      expected = g_hash_table_lookup (edits, key);
      if (expected == NULL)
        continue;
      sent = companies_field_normalize (i, present && change->values[i] != NULL ? change->values[i] : "");
      if (strcmp (sent, expected) == 0)
        g_hash_table_remove (edits, key);
    }
  if (g_hash_table_size (edits) == 0)
    g_hash_table_remove (self->unsent, uuid);
}

char *
model_edits_describe_unsent (ModelEdits *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer uuid, edits;

  g_hash_table_iter_init (&iter, self->unsent);
  while (g_hash_table_iter_next (&iter, &uuid, &edits))
    {
      GHashTableIter inner;
      gpointer key, value;

      g_hash_table_iter_init (&inner, edits);
      while (g_hash_table_iter_next (&inner, &key, &value))
        g_string_append_printf (text, "  record %s, client and field %s: \"%s\"\n",
                                (const char *) uuid, (const char *) key,
                                (const char *) value);
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* --- applying a request --- */
