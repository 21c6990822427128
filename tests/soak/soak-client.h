/* soak-client.h: one simulated installation of the soak test, in a thread
 * of its own: a store on its own file, a sync client, a loop of small
 * random changes each followed by a sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What every client thread shares, guarded by @mutex. */
typedef struct
{
  GMutex      mutex;
  GCond       cond;
  char       *server_url;
  gboolean    paused;      /* the threads wait before their next change */
  gboolean    stop;        /* the threads end before their next change */
  gboolean    measuring;   /* syncs count for the figures */
  guint       n_running;   /* threads in their loop */
  guint       n_waiting;   /* of those, the ones waiting while paused */

  GHashTable *acknowledged;  /* uuids of adds the server confirmed */
  GHashTable *deleted;       /* uuids some client deleted */
  GArray     *latencies;     /* gdouble milliseconds of the measured syncs */
  GPtrArray  *errors;        /* char *: the first sync errors */
  guint       n_errors;
  guint       n_syncs;       /* every sync, warm-up included */
  guint       n_adds;
  guint       n_updates;
  guint       n_deletes;
} SoakShared;

typedef struct
{
  SoakShared *shared;
  guint       index;
  char       *path;
  guint32     seed;
  GThread    *thread;
} SoakClient;

SoakClient *soak_client_start (SoakShared *shared,
                               guint       index,
                               const char *path,
                               guint32     seed);
/* Waits for the thread to end (after shared->stop), then frees. */
void        soak_client_join  (SoakClient *client);

G_END_DECLS
