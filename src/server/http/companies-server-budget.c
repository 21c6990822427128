/* companies-server-budget.c: how much memory the requests in flight may
 * take, all together
 *
 * A body's size alone says little of what it costs: decoding a body of
 * small values takes many times its size (docs/protocol-transport.md,
 * "Limits"). So each request takes its body's size times
 * COMPANIES_SERVER_BODY_COST from one budget as its body comes, chunk by
 * chunk, before the chunk is kept, and gives it back once it is answered.
 * A request that finds no room is answered 503 at once and its body
 * dropped, so the memory of the bodies in flight, and of their decoding,
 * stays within the budget however many connections send them. Only what
 * arrived is taken: a client cannot hold the budget by declaring lengths
 * it never sends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-server"

#include "config.h"

#include "companies-server-budget.h"

#define RESERVATION_KEY "companies-server-budget"

struct _CompaniesServerBudget
{
  grefcount ref_count;  /* each reservation holds one */
  guint64   max_bytes;
  guint64   used;
};

typedef struct
{
  CompaniesServerBudget *budget;
  guint64                bytes;
} Reservation;

static void
budget_unref (CompaniesServerBudget *self)
{
  if (g_ref_count_dec (&self->ref_count))
    g_free (self);
}

static void
reservation_free (Reservation *reservation)
{
  reservation->budget->used -= reservation->bytes;
  budget_unref (reservation->budget);
  g_free (reservation);
}

static void
finished_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  g_object_set_data (G_OBJECT (msg), RESERVATION_KEY, NULL);
}

CompaniesServerBudget *
companies_server_budget_new (guint64 max_bytes)
{
  CompaniesServerBudget *self;

  g_return_val_if_fail (max_bytes > 0, NULL);

  self = g_new0 (CompaniesServerBudget, 1);
  g_ref_count_init (&self->ref_count);
  self->max_bytes = max_bytes;

  return self;
}

guint64
companies_server_budget_largest_body (CompaniesServerBudget *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_bytes / COMPANIES_SERVER_BODY_COST;
}

gboolean
companies_server_budget_has_room (CompaniesServerBudget *self,
                                  guint64                body_bytes)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return body_bytes <= companies_server_budget_largest_body (self) &&
         body_bytes * COMPANIES_SERVER_BODY_COST <= self->max_bytes - self->used;
}

gboolean
companies_server_budget_take (CompaniesServerBudget *self,
                              SoupServerMessage     *msg,
                              guint64                body_bytes)
{
  Reservation *reservation;
  guint64 cost;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  if (!companies_server_budget_has_room (self, body_bytes))
    return FALSE;

  cost = body_bytes * COMPANIES_SERVER_BODY_COST;
  reservation = g_object_get_data (G_OBJECT (msg), RESERVATION_KEY);
  if (reservation == NULL)
    {
      reservation = g_new0 (Reservation, 1);
      g_ref_count_inc (&self->ref_count);
      reservation->budget = self;
      g_object_set_data_full (G_OBJECT (msg), RESERVATION_KEY, reservation,
                              (GDestroyNotify) reservation_free);
      g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), NULL);
    }

  reservation->bytes += cost;
  self->used += cost;

  return TRUE;
}

void
companies_server_budget_free (CompaniesServerBudget *self)
{
  if (self != NULL)
    budget_unref (self);
}
