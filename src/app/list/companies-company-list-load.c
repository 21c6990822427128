/* companies-company-list-load.c: keeping CompaniesCompanyList in step
 * with the database file.
 *
 * What shows is read in a worker thread (its own store connection): the
 * first read starts as soon as the list is made (the application makes
 * it before its window, so that the read and the window's making
 * overlap), then again when the sort or the search changes, after each
 * sync, and whenever the database file's data version moves (another
 * process, such as companies-cli, wrote to it). The worker reads the
 * ids in order (companies-local-store-view.c), the items already made
 * again, and works out the splices from what shows to what it read
 * (companies-id-diff.c): the main thread only applies them. The
 * worker's connection is kept from one read to the next (one read runs
 * at a time): opening the file again, with its checks, was most of a
 * read after a sync, and a change made elsewhere showed that much later.
 * A search keystroke reuses the order read for the sort, while the data
 * version holds. The app's own writes go through the store's ForSync
 * actions on the main thread: the caller brackets them with
 * _begin_write () and _end_write (), which show the row at once
 * (companies-company-list-write.c) and keep the known data version, so
 * that only writes of others cause a read.
 *
 * A read that replaces what shows (the first, a new sort or search)
 * sends its head ahead (companies_local_store_read_list_with_head ()):
 * the first screenful shows while the worker reads the million rows
 * after it, and the whole follows as the rows added after the head. A
 * read made useless by a new sort or search is cancelled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include "companies-company-list-private.h"

/* How often the database file is checked for writes of other processes. */
#define DATA_VERSION_POLL_SECONDS 2
/* Past this many runs of changed rows, or this many rows between the
 * first and the last, one splice: each costs GTK's list view a pass. */
#define MAX_SPLICES 16
#define MAX_DIFF_WINDOW 50000
/* The rows of a head (self->head_rows): a screenful. GTK 4.8's list view
 * makes the widgets of every row it is given up to 200, before the frame
 * that shows them: a head of 256 had it make 200 rows where a screen
 * shows about 30, the most of a search keystroke's time. The rows after
 * the head get theirs when the whole result follows. */
#define READER_CACHE_KIB 2048

typedef struct
{
  char                 *path;
  CompaniesLocalStore  *store;        /* the list's reader; NULL: open one */
  CompaniesListSort     sort;
  char                 *folded;
  guint                 generation;
  gboolean              order_stale;  /* what the read was to read again */
  gboolean              items_stale;
  GArray               *order;        /* empty: read it */
  GArray               *old_visible;
  GArray               *cached_ids;
  guint                 head_rows;    /* 0: none */
  GCancellable         *cancellable;  /* this read's: a newer one cancels it */

  /* What the worker read; the head (NULL when none was sent) with the
   * splices to it from @old_visible, those of @visible from the head. */
  GArray               *head_order;
  GArray               *head;
  GArray               *head_splices;
  gboolean              head_shown;   /* main thread only */
  GArray               *visible;
  GArray               *splices;
  GPtrArray            *fresh;
  CompaniesStoreStatus  status;
  gboolean              has_status;
  gint64                read_done;    /* main thread: when the read ended */
} LoadData;

static void
clear_object (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_free (load->path);
  g_clear_object (&load->store);
  g_free (load->folded);
  g_clear_pointer (&load->order, g_array_unref);
  g_clear_pointer (&load->old_visible, g_array_unref);
  g_clear_pointer (&load->cached_ids, g_array_unref);
  g_clear_object (&load->cancellable);
  g_clear_pointer (&load->head_order, g_array_unref);
  g_clear_pointer (&load->head, g_array_unref);
  g_clear_pointer (&load->head_splices, g_array_unref);
  g_clear_pointer (&load->visible, g_array_unref);
  g_clear_pointer (&load->splices, g_array_unref);
  g_clear_pointer (&load->fresh, g_ptr_array_unref);
  g_free (load);
}

static gboolean
read_again (CompaniesLocalStore *store,
            LoadData            *load,
            GError             **error)
{
  guint n = load->cached_ids->len;

  g_ptr_array_set_size (load->fresh, n);
  return companies_local_store_read_listed (store, (const gint64 *) (gpointer) load->cached_ids->data, n,
                                            (CompaniesCompany **) load->fresh->pdata, error);
}

static void
show_head (CompaniesCompanyList *self,
           LoadData             *load)
{
  load->head_shown = TRUE;
  _companies_company_list_show (self, load->head_order, load->head, load->head_splices);
  _companies_company_list_head_shown (self);
  g_debug ("Showed the first %u of the companies in %.1f ms", load->head->len,
           (g_get_monotonic_time () - self->loading_started) / 1000.0);
}

/* On the main thread: the head, unless the read is already out of date
 * or over. */
static gboolean
head_read_cb (gpointer user_data)
{
  GTask *task = user_data;
  CompaniesCompanyList *self = g_task_get_source_object (task);
  LoadData *load = g_task_get_task_data (task);

  if (self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable) &&
      load->generation == self->generation && !load->head_shown && self->loading)
    show_head (self, load);

  return G_SOURCE_REMOVE;
}

/* In the worker: the head read, handed to the main thread. */
static void
head_read (GArray   *order,
           GArray   *visible,
           gpointer  user_data)
{
  GTask *task = user_data;
  LoadData *load = g_task_get_task_data (task);
  g_autoptr(GSource) source = NULL;

  load->head_order = order == visible ? g_array_copy (order) : g_array_ref (order);
  load->head = g_array_copy (visible);
  /* One splice: a head replaces what shows (a first read, a new search
   * or sort), and GTK keeps the widgets of the rows that stay within a
   * splice as well, where each splice more costs it a pass. */
  load->head_splices = companies_id_diff (load->old_visible, load->head, 1, MAX_DIFF_WINDOW);

  /* A source of the list's context, never g_main_context_invoke (): it
   * would call head_read_cb () here, in the worker, when nobody iterates
   * that context at the moment. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, head_read_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[companies] list head");
  g_source_attach (source, g_task_get_context (task));
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  CompaniesLocalStore *store;
  GError *error = NULL;

  if (load->store == NULL)
    {
      load->store = companies_local_store_open (load->path, &error);
      /* Small: the list's reads walk an index once or look rows up by
       * id, so a large cache would only hold pages never read again. */
      if (load->store != NULL)
        companies_local_store_set_cache_size (load->store, READER_CACHE_KIB);
    }
  store = load->store;
  if (store == NULL ||
      !companies_local_store_read_list_with_head (store, &load->sort, load->folded, load->order,
                                                  load->visible, load->head_rows,
                                                  head_read, task, load->cancellable, &error) ||
      !read_again (store, load, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The counts change only with the file: a sort or a search keeps the
   * last ones read. */
  if (!load->has_status)
    load->has_status = companies_local_store_get_status (store, &load->status, NULL);
  load->splices = companies_id_diff (load->head != NULL ? load->head : load->old_visible, load->visible,
                                     MAX_SPLICES, MAX_DIFF_WINDOW);
  g_task_return_boolean (task, TRUE);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CompaniesCompanyList *self = COMPANIES_COMPANY_LIST (object);
  LoadData *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  load->read_done = g_get_monotonic_time ();

  /* The list went; a read cancelled by a newer one goes on below. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_error (&error);

  /* Its head shows and its frame may not be drawn yet: the whole after
   * it (companies-company-list-frame.c). */
  if (ok && load->generation == self->generation && load->head_shown &&
      _companies_company_list_wait_for_frame (self, G_TASK (result)))
    return;

  _companies_company_list_finish_read (self, G_TASK (result), ok, error);
}

void
_companies_company_list_finish_read (CompaniesCompanyList *self,
                                     GTask                *task,
                                     gboolean              ok,
                                     GError               *error)
{
  LoadData *load = g_task_get_task_data (task);
  gboolean first = FALSE;

  self->loading = FALSE;
  g_clear_object (&self->load_cancellable);
  /* A connection that failed is not kept: the next read opens anew. */
  if (ok && self->reader == NULL)
    self->reader = g_steal_pointer (&load->store);

  /* What this read was to read again waits for the next one. */
  if (!ok || load->generation != self->generation)
    {
      self->order_stale |= load->order_stale;
      self->items_stale |= load->items_stale;
    }

  if (!ok)
    {
      /* Cancelled (no error): a newer read follows. */
      if (error != NULL)
        g_debug ("Could not read the companies: %s", error->message);
    }
  else if (load->generation != self->generation)
    {
      /* The sort, the search or the list changed since: what was read
       * is not what shows now, and the next read reads what it was to. */
      self->reload_again = TRUE;
    }
  else
    {
      gint64 shown_from = g_get_monotonic_time ();
      g_autoptr(GArray) replaced = NULL;

      /* The head's splices first, when it has not shown yet: the read's
       * are from it. */
      if (load->head != NULL && !load->head_shown)
        show_head (self, load);
      replaced = _companies_company_list_update_items (self, load->fresh);
      self->status = load->status;
      self->has_status = load->has_status;
      _companies_company_list_show (self, load->order, load->visible, load->splices);
      _companies_company_list_announce_replaced (self, replaced);
      self->known_data_version = self->loading_data_version;
      first = !self->loaded;
      self->loaded = TRUE;

      g_debug ("Read %u of %u companies in %.1f ms, showed them in %.1f ms with %u splices",
               load->visible->len, load->order->len,
               (load->read_done - self->loading_started) / 1000.0,
               (g_get_monotonic_time () - shown_from) / 1000.0,
               load->splices->len);
    }

  if (first)
    g_object_notify_by_pspec (G_OBJECT (self), _companies_company_list_properties[COMPANY_LIST_PROP_LOADED]);

  /* The counts the worker read with the list, when it is what shows. */
  g_signal_emit (self, _companies_company_list_signals[COMPANY_LIST_READ_FINISHED], 0,
                 ok && load->has_status && self->loaded && !self->reload_again ? &load->status : NULL,
                 error);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      _companies_company_list_reload (self);
    }
}

void
_companies_company_list_reload (CompaniesCompanyList *self)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  self->generation++;

  if (self->store == NULL)
    return;

  if (self->waiting != NULL)
    {
      g_autoptr(GTask) waiting = _companies_company_list_stop_waiting (self);

      /* Read, its whole waiting for its head's frame: not what shows now,
       * so dropped at once, and it starts the next read (reload_again). */
      _companies_company_list_finish_read (self, waiting, TRUE, NULL);
      return;
    }

  if (self->loading)
    {
      /* What it reads will not show: the next read starts sooner. */
      g_cancellable_cancel (self->load_cancellable);
      self->reload_again = TRUE;
      return;
    }

  self->loading = TRUE;
  self->load_cancellable = g_cancellable_new ();
  self->loading_started = g_get_monotonic_time ();
  self->loading_data_version = companies_local_store_get_data_version (self->store);

  load = g_new0 (LoadData, 1);
  load->path = g_strdup (companies_local_store_get_path (self->store));
  load->store = g_steal_pointer (&self->reader);
  load->sort = self->sort;
  load->folded = g_strdup (self->folded);
  load->generation = self->generation;
  /* An empty order is read again: the worker fills the array it gets. */
  if (self->order->len == 0)
    self->order_stale = TRUE;
  load->order_stale = self->order_stale;
  load->items_stale = self->items_stale;
  /* A read after a write keeps what shows where it is (its splices keep
   * the selection and the scroll); the others replace it. */
  load->head_rows = self->items_stale ? 0 : self->head_rows;
  load->cancellable = g_object_ref (self->load_cancellable);
  load->order = self->order_stale ? g_array_new (FALSE, FALSE, sizeof (CompaniesListId)) : g_array_ref (self->order);
  load->old_visible = g_array_ref (self->visible);
  /* The items made change only when the file did. */
  load->cached_ids = self->items_stale ? _companies_company_list_items_to_refresh (self)
                                       : g_array_new (FALSE, FALSE, sizeof (gint64));
  /* Without a search, what shows is the order itself (one array). */
  load->visible = load->folded == NULL ? g_array_ref (load->order) : g_array_new (FALSE, FALSE, sizeof (CompaniesListId));
  /* NULL where a row went. */
  load->fresh = g_ptr_array_new_with_free_func (clear_object);
  if (!self->items_stale && self->has_status)
    {
      load->status = self->status;
      load->has_status = TRUE;
    }
  self->order_stale = FALSE;
  self->items_stale = FALSE;

  task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  g_task_set_source_tag (task, _companies_company_list_reload);
  /* Not G_PRIORITY_DEFAULT_IDLE, below GTK's layout and drawing: where a
   * frame takes longer than the frame clock's interval (software GL under
   * Xvfb), a frame can always be due, and the list waited as long
   * (docs/app-start.md, round 8). */
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

void
companies_company_list_refresh_if_changed (CompaniesCompanyList *self)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));

  if (self->store == NULL)
    return;

  if (self->loading)
    {
      /* The read going on may have started before that write. */
      self->order_stale = TRUE;
      self->items_stale = TRUE;
      self->reload_again = TRUE;
      return;
    }

  if (companies_local_store_get_data_version (self->store) != self->known_data_version)
    {
      self->order_stale = TRUE;
      self->items_stale = TRUE;
      _companies_company_list_reload (self);
      g_signal_emit (self, _companies_company_list_signals[COMPANY_LIST_STORE_CHANGED], 0);
    }
}

static gboolean
data_version_poll_cb (gpointer user_data)
{
  CompaniesCompanyList *self = user_data;

  if (!self->loading)
    companies_company_list_refresh_if_changed (self);

  return G_SOURCE_CONTINUE;
}

gint64
companies_company_list_begin_write (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), 0);
  g_return_val_if_fail (self->store != NULL, 0);

  return companies_local_store_get_data_version (self->store);
}

void
companies_company_list_end_write (CompaniesCompanyList *self,
                                  gint64                version_before,
                                  CompaniesCompany     *written)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (self->store != NULL);

  if (written != NULL)
    companies_company_list_upsert (self, written);
  /* The counts moved: the next read reads them. */
  self->has_status = FALSE;

  if (self->loading)
    {
      /* What is being read may miss the write, and its splices start
       * from the list before it: read again. */
      self->generation++;
      self->order_stale = TRUE;
      self->items_stale = TRUE;
      self->reload_again = TRUE;
    }
  else if (self->known_data_version == version_before)
    self->known_data_version = companies_local_store_get_data_version (self->store);
}

gboolean
companies_company_list_get_loaded (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), FALSE);

  return self->loaded;
}

gboolean
companies_company_list_is_reading (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), FALSE);

  return self->loading;
}

CompaniesLocalStore *
companies_company_list_get_store (CompaniesCompanyList *self)
{
  g_return_val_if_fail (COMPANIES_IS_COMPANY_LIST (self), NULL);

  return self->store;
}

void
_companies_company_list_start_reading (CompaniesCompanyList *self)
{
  if (self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  _companies_company_list_reload (self);
  self->data_version_source = g_timeout_add_seconds (DATA_VERSION_POLL_SECONDS,
                                                     data_version_poll_cb, self);
}

void
_companies_company_list_stop_reading (CompaniesCompanyList *self)
{
  g_autoptr(GTask) waiting = _companies_company_list_stop_waiting (self);

  g_clear_weak_pointer (&self->widget);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->data_version_source, g_source_remove);
  g_clear_object (&self->reader);
  g_clear_object (&self->store);
}
