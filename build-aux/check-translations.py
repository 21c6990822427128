#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that translations are complete and valid.

For each language in po/LINGUAS: `msgfmt --check --statistics` must accept
po/LANG.po with no untranslated and no fuzzy message, and the same must hold
after merging it with a template made now from po/POTFILES.in (so a string
added to the sources but missing from the translation fails too).

Usage: check-translations.py SOURCE_ROOT GETTEXT_PACKAGE
"""

import os
import re
import subprocess
import sys
import tempfile

# meson's i18n.gettext(preset: 'glib') arguments for xgettext.
XGETTEXT_ARGS = [
    "--from-code=UTF-8",
    "--add-comments",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format",
    "--flag=C_:2:pass-c-format",
    "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format",
    "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format",
    "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format",
    "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format",
    "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format",
    "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]

STATS = re.compile(r"(\d+) (translated|fuzzy|untranslated) messages?")


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL="C"), **kwargs)


def msgfmt_check(po_path, label):
    """Return a list of problems found by msgfmt --check --statistics."""
    result = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po_path])
    report = result.stderr.strip()
    problems = []
    if result.returncode != 0:
        problems.append(f"{label}: msgfmt --check failed:\n{report}")
        return problems
    counts = {kind: int(n) for n, kind in STATS.findall(report)}
    print(f"{label}: {report.splitlines()[-1] if report else 'no statistics'}")
    if counts.get("translated", 0) == 0:
        problems.append(f"{label}: no translated message")
    for kind in ("fuzzy", "untranslated"):
        if counts.get(kind, 0):
            n = counts[kind]
            problems.append(f"{label}: {n} {kind} message{'' if n == 1 else 's'}")
    return problems


def untranslated_msgids(po_path):
    """msgids that are untranslated or fuzzy in po_path, for the report."""
    result = run(["msgattrib", "--untranslated", "--no-obsolete", po_path])
    fuzzy = run(["msgattrib", "--only-fuzzy", "--no-obsolete", po_path])
    ids = re.findall(r'^msgid "(.+)"$', result.stdout + fuzzy.stdout, re.M)
    return ids


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    root, package = sys.argv[1], sys.argv[2]
    po_dir = os.path.join(root, "po")
    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
        languages = [w for line in f for w in line.split("#")[0].split()]
    if not languages:
        print("po/LINGUAS lists no language", file=sys.stderr)
        return 1

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, f"{package}.pot")
        result = run(["xgettext", *XGETTEXT_ARGS, f"--package-name={package}",
                      "--directory", root,
                      "--files-from", os.path.join(po_dir, "POTFILES.in"),
                      "-o", pot])
        if result.returncode != 0 or not os.path.exists(pot):
            print(f"xgettext failed:\n{result.stderr}", file=sys.stderr)
            return 1

        for lang in languages:
            po = os.path.join(po_dir, f"{lang}.po")
            if not os.path.isfile(po):
                problems.append(f"po/{lang}.po does not exist")
                continue
            problems += msgfmt_check(po, f"po/{lang}.po")

            merged = os.path.join(tmp, f"{lang}.po")
            result = run(["msgmerge", "--quiet", "--no-fuzzy-matching",
                          "-o", merged, po, pot])
            if result.returncode != 0:
                problems.append(f"po/{lang}.po: msgmerge failed:\n{result.stderr}")
                continue
            merged_problems = msgfmt_check(merged, f"po/{lang}.po merged with the sources")
            if merged_problems:
                problems += merged_problems
                for msgid in untranslated_msgids(merged)[:50]:
                    problems.append(f"  not translated: \"{msgid}\"")

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
