/* companies-test-network-monitor.h: a GNetworkMonitor whose state a test
 * sets, installed as the process' default monitor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define COMPANIES_TYPE_TEST_NETWORK_MONITOR (companies_test_network_monitor_get_type ())

G_DECLARE_FINAL_TYPE (CompaniesTestNetworkMonitor, companies_test_network_monitor, COMPANIES, TEST_NETWORK_MONITOR, GObject)

/* Makes g_network_monitor_get_default () return a monitor of this type
 * (available, not metered); call before anything asks for the default. */
void companies_test_network_monitor_install       (void);
/* Sets what the default monitor reports; notifies as a real one does. */
void companies_test_network_monitor_set_available (gboolean available);
void companies_test_network_monitor_set_metered   (gboolean metered);

G_END_DECLS
