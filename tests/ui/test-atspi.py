#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-atspi.py: every interactive element of the real app has a name
that a screen reader can say.

Starts the installed-in-the-build `companies` under the display of the
test (Xvfb) in a D-Bus session of its own (dbus-run-session, which
starts at-spi-bus-launcher and the registry on demand), walks its AT-SPI
tree (gir1.2-atspi-2.0) and fails on any push button, toggle button,
menu button, entry, check box, combo box… without a name, or whose name
is a GTK class name ("GtkButton"). The walk is made on the main window,
with the search open, and with the primary and sort menus open.

Usage (meson runs it): test-atspi.py COMPANIES COMPANIES_CLI
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import functools

print = functools.partial(print, flush=True)  # noqa: A001 (beside the daemons' output)

if "COMPANIES_ATSPI_SESSION" not in os.environ:
    # A D-Bus session of our own: its own accessibility bus too.
    os.environ["COMPANIES_ATSPI_SESSION"] = "1"
    os.execvp("dbus-run-session", ["dbus-run-session", "--", sys.executable] + sys.argv)

# The walk's own AT-SPI client warns (and goes on) when an object of the
# app goes away under it: those warnings are not the app's.
APP_G_DEBUG = os.environ.pop("G_DEBUG", None)

import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

INTERACTIVE = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.COMBO_BOX, Atspi.Role.ENTRY,
    Atspi.Role.PASSWORD_TEXT, Atspi.Role.TEXT, Atspi.Role.SPIN_BUTTON,
    Atspi.Role.SLIDER, Atspi.Role.MENU_ITEM, Atspi.Role.CHECK_MENU_ITEM,
    Atspi.Role.RADIO_MENU_ITEM, Atspi.Role.LINK,
}
for name in ("MENU_BUTTON", "BUTTON_MENU", "SWITCH"):
    if hasattr(Atspi.Role, name):
        INTERACTIVE.add(getattr(Atspi.Role, name))

CLASS_NAME = re.compile(r"^(Gtk|Adw|Companies)[A-Z]\w*$")
TIMEOUT = 30


def wait_for(what, condition):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    print(f"# timed out waiting for {what}")
    sys.exit(1)


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def start_app(companies, env):
    """The app, once it is on the accessibility bus. An app that exits
    before it gets there is started again, twice at most: under the
    sanitizers, Xvfb (xvfb-run) refused the app's connection now and then
    ("cannot open display", 1 run in 7), which is not what this test is
    about. An app that fails each time still fails the test."""
    for attempt in range(3):
        app_process = subprocess.Popen([companies], env=env)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and app_process.poll() is None:
            app = find_app(app_process.pid)
            if app is not None:
                return app_process, app
            time.sleep(0.2)
        if app_process.poll() is None:
            app_process.kill()
            app_process.wait()
            print("# timed out waiting for the app on the accessibility bus")
            sys.exit(1)
        print(f"# the app exited at its start (status {app_process.returncode})")
    sys.exit(1)


def walk(node, path, found):
    try:
        role = node.get_role()
        name = node.get_name() or ""
    except Exception:  # a node gone while walking
        return
    # Everything, shown or not: GTK 4.8 does not keep "showing" on every
    # container, and a hidden control is shown sooner or later.
    here = f"{path}/{node.get_role_name()}[{name}]"
    if role in INTERACTIVE:
        found.append((here, role, name))
    for i in range(node.get_child_count()):
        child = node.get_child_at_index(i)
        if child is not None:
            walk(child, here, found)


def check(app, what, seen, at_least=1):
    # A walk that meets a window being made (or a slow bus) sees less:
    # walk again until the tree shows what it should.
    found = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        app.clear_cache()
        found = []
        walk(app, "", found)
        if len(found) >= at_least:
            break
        time.sleep(0.5)
    bad = [(path, name) for path, role, name in found
           if not name.strip() or CLASS_NAME.match(name.strip())]
    for path, role, name in found:
        seen.add(name)
    print(f"# {what}: {len(found)} interactive elements, {len(bad)} unnamed")
    for path, name in bad:
        print(f"#   no name: {path}")
    return found, bad


def find_by_name(app, name, roles):
    found = []
    walk(app, "", found)
    for path, role, element_name in found:
        if element_name == name and role in roles:
            return path
    return None


def do_action(app, name):
    """Clicks the element called @name through its AT-SPI action."""
    matches = []

    def visit(node):
        try:
            if node.get_name() == node_name and node.get_role() in INTERACTIVE:
                matches.append(node)
            for i in range(node.get_child_count()):
                child = node.get_child_at_index(i)
                if child is not None:
                    visit(child)
        except Exception:
            pass

    node_name = name
    visit(app)
    # A menu button is a button holding the toggle that acts.
    for node in matches:
        try:
            if node.get_n_actions() > 0:
                node.do_action(0)
                return
        except Exception:
            pass
    print(f"# no element called {name!r} with an action")
    sys.exit(1)


def main():
    companies, cli = sys.argv[1], sys.argv[2]
    failures = 0

    with tempfile.TemporaryDirectory(prefix="companies-atspi-") as folder:
        env = dict(os.environ)
        env.update({
            "HOME": folder,
            "XDG_CONFIG_HOME": os.path.join(folder, "config"),
            "XDG_DATA_HOME": os.path.join(folder, "data"),
            "XDG_CACHE_HOME": os.path.join(folder, "cache"),
            "XDG_STATE_HOME": os.path.join(folder, "state"),
            "GSETTINGS_BACKEND": "memory",
            "COMPANIES_DATABASE": os.path.join(folder, "companies.db"),
            # Nothing listens there: the app stays offline.
            "COMPANIES_SERVER_URL": "http://127.0.0.1:9",
            "GTK_A11Y": "atspi",
            "LANGUAGE": "C",
            "LC_ALL": "C.UTF-8",
        })
        env.pop("NO_AT_BRIDGE", None)
        if APP_G_DEBUG is not None:
            env["G_DEBUG"] = APP_G_DEBUG
        for name, city in (("Acme", "Porto"), ("Nokia", "Espoo")):
            subprocess.run([cli, "add", "--name", name, "--city", city],
                           env=env, check=True, stdout=subprocess.DEVNULL)

        app_process, app = start_app(companies, env)
        try:
            wait_for("the list", lambda: find_by_name(app, "Companies", INTERACTIVE) or
                     find_by_name(app, "New Company", INTERACTIVE))
            time.sleep(1)
            seen = set()

            found, bad = check(app, "main window", seen, at_least=5)
            failures += len(bad)
            for expected in ("New Company", "Main Menu", "Sort", "Search", "Sync Now"):
                if not any(name == expected for path, role, name in found):
                    print(f"# missing: an element called {expected!r}")
                    failures += 1

            do_action(app, "Search")
            wait_for("the search entry",
                     lambda: find_by_name(app, "Search companies", INTERACTIVE))
            found, bad = check(app, "with the search open", seen, at_least=5)
            failures += len(bad)

            # Preferences, Keyboard Shortcuts, About; six columns, two orders.
            base = len(found)
            for menu, n_items in (("Main Menu", 3), ("Sort", 8)):
                do_action(app, menu)
                time.sleep(1)
                found, bad = check(app, f"with the {menu} menu open", seen,
                                   at_least=base + n_items)
                failures += len(bad)
                if len(found) < base + n_items:
                    print(f"# the {menu} menu showed no items")
                    failures += 1
                # Escape closes the menu (XTest, as a keyboard would).
                Atspi.generate_keyboard_event(0xff1b, None, Atspi.KeySynthType.SYM)
                time.sleep(0.5)
        finally:
            app_process.terminate()
            try:
                app_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app_process.kill()
                app_process.wait()

    if failures:
        print(f"not ok 1 - {failures} interactive elements without a usable name")
        print("1..1")
        return 1
    print("ok 1 - every interactive element has a name")
    print("1..1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
