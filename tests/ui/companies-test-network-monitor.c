/* companies-test-network-monitor.c: a GNetworkMonitor whose state a test
 * sets.
 *
 * It implements GIO's network-monitor extension point with a priority
 * above the system's monitors, so the app's own call to
 * g_network_monitor_get_default () returns it: the app's code runs as
 * it does on a real metered or lost network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-test-network-monitor"

#include "config.h"

#include "companies-test-network-monitor.h"

struct _CompaniesTestNetworkMonitor
{
  GObject  parent_instance;

  gboolean available;
  gboolean metered;
};

static void companies_test_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void companies_test_network_monitor_initable_init (GInitableIface *iface);

/* GNetworkMonitor requires GInitable. */
G_DEFINE_FINAL_TYPE_WITH_CODE (CompaniesTestNetworkMonitor, companies_test_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      companies_test_network_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      companies_test_network_monitor_iface_init))

enum {
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static gboolean
companies_test_network_monitor_can_reach (GNetworkMonitor     *monitor,
                                          GSocketConnectable  *connectable,
                                          GCancellable        *cancellable,
                                          GError             **error)
{
  CompaniesTestNetworkMonitor *self = COMPANIES_TEST_NETWORK_MONITOR (monitor);

  if (!self->available)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "No network (test)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
initable_init (GInitable     *initable,
               GCancellable  *cancellable,
               GError       **error)
{
  return TRUE;
}

static void
companies_test_network_monitor_initable_init (GInitableIface *iface)
{
  iface->init = initable_init;
}

static void
companies_test_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = companies_test_network_monitor_can_reach;
}

static void
companies_test_network_monitor_get_property (GObject    *object,
                                             guint       prop_id,
                                             GValue     *value,
                                             GParamSpec *pspec)
{
  CompaniesTestNetworkMonitor *self = COMPANIES_TEST_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_NETWORK_METERED:
      g_value_set_boolean (value, self->metered);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
companies_test_network_monitor_class_init (CompaniesTestNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = companies_test_network_monitor_get_property;

  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
companies_test_network_monitor_init (CompaniesTestNetworkMonitor *self)
{
  self->available = TRUE;
}

void
companies_test_network_monitor_install (void)
{
  /* Registering the point first is allowed (GIO finds it registered
   * later); the highest priority wins the default. */
  g_io_extension_point_register (G_NETWORK_MONITOR_EXTENSION_POINT_NAME);
  g_io_extension_point_implement (G_NETWORK_MONITOR_EXTENSION_POINT_NAME,
                                  COMPANIES_TYPE_TEST_NETWORK_MONITOR,
                                  "companies-test", G_MAXINT);
}

static CompaniesTestNetworkMonitor *
get_default (void)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  g_assert_true (COMPANIES_IS_TEST_NETWORK_MONITOR (monitor));
  return COMPANIES_TEST_NETWORK_MONITOR (monitor);
}

void
companies_test_network_monitor_set_available (gboolean available)
{
  CompaniesTestNetworkMonitor *self = get_default ();

  if (self->available == !!available)
    return;

  self->available = !!available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_object_notify (G_OBJECT (self), "connectivity");
}

void
companies_test_network_monitor_set_metered (gboolean metered)
{
  CompaniesTestNetworkMonitor *self = get_default ();

  if (self->metered == !!metered)
    return;

  self->metered = !!metered;
  g_object_notify (G_OBJECT (self), "network-metered");
}
