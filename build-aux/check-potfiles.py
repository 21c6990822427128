#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check po/POTFILES.in against the tree.

Fails when a file under src/ or data/ holds translatable strings but is not
listed, when a listed file does not exist, or when the list is not sorted or
names a file twice.

Usage: check-potfiles.py SOURCE_ROOT
"""

import os
import re
import sys

SCANNED_DIRS = ("src", "data")

# Files whose strings xgettext takes by their kind, not by a marker.
ALWAYS_TRANSLATABLE = (".desktop.in", ".metainfo.xml.in", ".appdata.xml.in")

# Markers of translatable strings: the glib preset's keywords and GtkBuilder.
C_MARKERS = re.compile(
    r"""(?x)
    (?<![\w.>])                          # not part of a longer identifier
    (?: _ | N_ | C_ | NC_ | Q_           # gi18n.h macros
      | (?:g_)?d?c?n?p?gettext2?         # gettext, ngettext, g_dngettext, ...
    )
    \s*\(
    """)
UI_MARKER = re.compile(r"""translatable\s*=\s*["']yes["']""")
SCHEMA_MARKER = re.compile(r"<(?:summary|description)\b")

SOURCE_SUFFIXES = (".c", ".h", ".vala", ".py", ".js")
UI_SUFFIXES = (".ui", ".xml", ".blp")


def strip_c_comments(text):
    """Drop C comments, so that a marker mentioned in a comment does not count."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def has_translatable_strings(path):
    name = os.path.basename(path)
    if name.endswith(ALWAYS_TRANSLATABLE):
        return True
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return False
    if name.endswith(".gschema.xml"):
        return bool(SCHEMA_MARKER.search(text))
    if name.endswith(UI_SUFFIXES):
        return bool(UI_MARKER.search(text))
    if name.endswith(SOURCE_SUFFIXES):
        return bool(C_MARKERS.search(strip_c_comments(text)))
    return False


def read_potfiles(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append(line)
    return entries


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    potfiles_in = os.path.join(root, "po", "POTFILES.in")
    entries = read_potfiles(potfiles_in)
    errors = []

    for entry in entries:
        if not os.path.isfile(os.path.join(root, entry)):
            errors.append(f"lists {entry}, which does not exist")
    if entries != sorted(entries):
        errors.append("is not sorted (LC_ALL=C sort)")
    seen = set()
    for entry in entries:
        if entry in seen:
            errors.append(f"lists {entry} twice")
        seen.add(entry)

    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in sorted(filenames):
                path = os.path.join(dirpath, filename)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if rel not in seen and has_translatable_strings(path):
                    errors.append(f"lacks {rel}, which has translatable strings")

    for error in errors:
        print(f"po/POTFILES.in {error}", file=sys.stderr)
    if errors:
        return 1
    print(f"po/POTFILES.in: {len(entries)} files, complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
