/* companies-company-list-frame.c: the whole of a read after the frame
 * that draws its head.
 *
 * A read that replaces what shows sends its head (a screenful) ahead of
 * the whole (companies-company-list-load.c). When the head was spliced in
 * before the read ended and no frame was drawn since, the whole's splice
 * waits for the next frame of the widget that shows the list: spliced at
 * once, GTK would make and measure the whole's rows before that frame,
 * and the head would not show sooner than the whole. The wait is bounded: the whole is spliced at once
 * when there is no widget, or it is not mapped (no frame comes), and after
 * FRAME_WAIT_MS at the default priority when no frame was drawn by then
 * (a frozen frame clock, a hidden surface). It never waits at idle
 * priority: where frames take longer than the frame clock's interval
 * (software GL under Xvfb) a frame is always due, and an idle callback
 * waited for as long (docs/app-start.md, round 8).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-company-list"

#include "config.h"

#include "companies-company-list-private.h"

/* The longest the whole waits for the head's frame. */
#define FRAME_WAIT_MS 50

static void
whole_ready (CompaniesCompanyList *self,
             const char           *why)
{
  g_autoptr(GTask) task = _companies_company_list_stop_waiting (self);

  g_debug ("The whole of the read after %s: it waited %.1f ms", why,
           (g_get_monotonic_time () - self->waiting_since) / 1000.0);
  _companies_company_list_finish_read (self, task, TRUE, NULL);
}

static gboolean
frame_drawn_cb (gpointer user_data)
{
  CompaniesCompanyList *self = user_data;

  self->waiting_source = 0;
  whole_ready (self, "the head's frame");
  return G_SOURCE_REMOVE;
}

/* Out of the frame clock's emission: the whole's splice makes GTK
 * measure and draw again, in the frame clock's next frame. */
static void
after_paint_cb (GdkFrameClock        *clock,
                CompaniesCompanyList *self)
{
  g_clear_signal_handler (&self->after_paint_id, self->waiting_clock);
  g_clear_handle_id (&self->waiting_source, g_source_remove);
  self->waiting_source = g_idle_add_full (G_PRIORITY_DEFAULT, frame_drawn_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->waiting_source),
                            "[companies] list whole after frame");
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  CompaniesCompanyList *self = user_data;

  self->waiting_source = 0;
  whole_ready (self, "no frame within " G_STRINGIFY (FRAME_WAIT_MS) " ms");
  return G_SOURCE_REMOVE;
}

static GdkFrameClock *
get_frame_clock (CompaniesCompanyList *self)
{
  if (self->widget == NULL || !gtk_widget_get_mapped (self->widget))
    return NULL;

  return gtk_widget_get_frame_clock (self->widget);
}

void
_companies_company_list_head_shown (CompaniesCompanyList *self)
{
  GdkFrameClock *clock = get_frame_clock (self);

  self->head_frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : -1;
}

gboolean
_companies_company_list_wait_for_frame (CompaniesCompanyList *self,
                                        GTask                *task)
{
  GdkFrameClock *clock = get_frame_clock (self);

  g_assert (self->waiting == NULL);

  if (clock == NULL)
    return FALSE;
  /* A frame began after the head's splice, and is over: the head shows
   * (a search whose whole took longer than a frame). */
  if (self->head_frame >= 0 && gdk_frame_clock_get_frame_counter (clock) > self->head_frame)
    return FALSE;

  self->waiting = g_object_ref (task);
  self->waiting_since = g_get_monotonic_time ();
  self->waiting_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  /* The head's splice asked for a frame already; this one makes sure. */
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
  self->waiting_source = g_timeout_add_full (G_PRIORITY_DEFAULT, FRAME_WAIT_MS, wait_timeout_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->waiting_source),
                            "[companies] list whole's frame wait");
  return TRUE;
}

GTask *
_companies_company_list_stop_waiting (CompaniesCompanyList *self)
{
  if (self->waiting_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->waiting_clock);
  g_clear_object (&self->waiting_clock);
  g_clear_handle_id (&self->waiting_source, g_source_remove);

  return g_steal_pointer (&self->waiting);
}

void
companies_company_list_set_widget (CompaniesCompanyList *self,
                                   GtkWidget            *widget)
{
  g_return_if_fail (COMPANIES_IS_COMPANY_LIST (self));
  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));

  if (self->widget == widget)
    return;

  g_clear_weak_pointer (&self->widget);
  g_set_weak_pointer (&self->widget, widget);
}
