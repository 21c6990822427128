/* companies-company-list-private.h: what the two files of
 * CompaniesCompanyList share: companies-company-list.c (the model, its
 * cache of items, the app's own writes) and companies-company-list-load.c
 * (the reads of the database file in the background).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "companies-company-list.h"
#include "companies-id-diff.h"
#include "companies-local-store-view.h"

G_BEGIN_DECLS

struct _CompaniesCompanyList
{
  GObject              parent_instance;

  /* Every listed company's local id (CompaniesListId) as sorted; shared with the
   * reads in the background, so never changed in place (copied first). */
  GArray              *order;
  /* What the model shows: the ids of @order that match the search (the
   * same array as @order without a search, copied before a change too). While
   * a read's splices are announced (see _companies_company_list_splice
   * ()), the model is @visible up to @done_new then @old_visible from
   * @done_old. */
  GArray              *visible;
  GArray              *old_visible;
  guint                done_new;
  guint                done_old;

  /* The items made: local id → CacheEntry, and uuid → company. */
  GHashTable          *cache;
  GHashTable          *by_uuid;
  guint64              clock;

  CompaniesListSort    sort;
  char                *search;
  char                *folded;        /* NULL when the search is empty */

  /* Keeping the list in step with the database file: see
   * companies-company-list-load.c. */
  CompaniesLocalStore *store;         /* NULL: nothing to read */
  CompaniesLocalStore *reader;        /* the worker's, kept between reads */
  CompaniesStoreStatus status;        /* read with what shows */
  gboolean             has_status;
  GCancellable        *cancellable;
  GCancellable        *load_cancellable;  /* the read going on's */
  gint64               known_data_version;
  gint64               loading_data_version;
  gint64               loading_started;
  guint                data_version_source;
  guint                loaded : 1;
  guint                loading : 1;
  guint                reload_again : 1;
  guint                order_stale : 1;   /* the next read reads the order */
  guint                items_stale : 1;   /* and the items made again */
  guint                generation;        /* moves when what shows must change */
  guint                head_rows;         /* a read's head: see _set_head_rows () */

  /* A read's whole waiting for the frame that draws its head: see
   * companies-company-list-frame.c. The read is still going on
   * (@loading) while it waits. */
  GtkWidget           *widget;            /* weak: see _set_widget () */
  GTask               *waiting;           /* the read's task; NULL: none waits */
  GdkFrameClock       *waiting_clock;
  gint64               head_frame;        /* the frame counter at the head's splice; -1: none */
  gint64               waiting_since;
  gulong               after_paint_id;
  guint                waiting_source;    /* the bound of the wait, then the splice */
};

enum
{
  COMPANY_LIST_PROP_0,
  COMPANY_LIST_PROP_STORE,
  COMPANY_LIST_PROP_LOADED,
  COMPANY_LIST_N_PROPS
};

enum
{
  COMPANY_LIST_READ_FINISHED,
  COMPANY_LIST_STORE_CHANGED,
  COMPANY_LIST_N_SIGNALS
};

/* companies-company-list.c */
extern GParamSpec *_companies_company_list_properties[COMPANY_LIST_N_PROPS];
extern guint       _companies_company_list_signals[COMPANY_LIST_N_SIGNALS];

/* Shows @visible (read with @order), announcing @splices one by one. */
void  _companies_company_list_show          (CompaniesCompanyList *self,
                                             GArray               *order,
                                             GArray               *visible,
                                             GArray               *splices);
/* Updates the items made in place from @fresh (companies read again;
 * NULL where a row went). Returns the local ids now held by another row
 * (another uuid), whose items were made anew: announce them with
 * _announce_replaced () once the list shows what was read. */
GArray *_companies_company_list_update_items (CompaniesCompanyList *self,
                                              GPtrArray            *fresh);
void  _companies_company_list_announce_replaced (CompaniesCompanyList *self,
                                                 GArray               *replaced);
/* Keeps @company as the item of row @local_id; returns it. */
CompaniesCompany *_companies_company_list_cache   (CompaniesCompanyList *self,
                                                   gint64                local_id,
                                                   CompaniesCompany     *company);
void  _companies_company_list_uncache       (CompaniesCompanyList *self,
                                             gint64                local_id);
/* companies-company-list-write.c: whether @ids holds @id. */
gboolean _companies_company_list_has_id     (GArray               *ids,
                                             gint64                id);
/* The local ids of the items to read again after the file changed; the
 * other items made go. */
GArray *_companies_company_list_items_to_refresh (CompaniesCompanyList *self);

/* companies-company-list-load.c */
/* The first read and the polling of the data version, once "store" is set. */
void  _companies_company_list_start_reading (CompaniesCompanyList *self);
void  _companies_company_list_stop_reading  (CompaniesCompanyList *self);
/* Reads what shows again, now or after the read going on. */
void  _companies_company_list_reload        (CompaniesCompanyList *self);
/* Takes in the read of @task that ended (@ok, or @error). */
void  _companies_company_list_finish_read   (CompaniesCompanyList *self,
                                             GTask                *task,
                                             gboolean              ok,
                                             GError               *error);

/* companies-company-list-frame.c */
/* Keeps @task, whose head shows, until the widget's next frame is drawn,
 * then finishes its read; FALSE (nothing kept) when no frame would come. */
gboolean _companies_company_list_wait_for_frame (CompaniesCompanyList *self,
                                                 GTask                *task);
/* The head of a read was spliced in: the frame after it draws it. */
void     _companies_company_list_head_shown     (CompaniesCompanyList *self);
/* The read waiting for a frame (transfer full), no longer waiting; NULL
 * when none waits. */
GTask   *_companies_company_list_stop_waiting   (CompaniesCompanyList *self);

G_END_DECLS
