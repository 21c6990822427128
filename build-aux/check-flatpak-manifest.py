#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest: valid JSON, the fields flatpak-builder
requires, and the project's sandbox rules.

Usage: check-flatpak-manifest.py MANIFEST --app-id ID --command BINARY
"""

import argparse
import json
import sys

# The sandbox holes the app needs, and no more: network for sync, Wayland
# with X11 fallback, IPC for X11 shared memory, the GPU for GTK's renderer.
ALLOWED_FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
}

# Build systems flatpak-builder knows (flatpak-builder(1), "buildsystem").
BUILDSYSTEMS = {"autotools", "cmake", "cmake-ninja", "meson", "simple", "qmake"}

# Source types flatpak-builder knows.
SOURCE_TYPES = {
    "archive", "git", "bzr", "svn", "dir", "file", "script", "inline",
    "shell", "patch", "extra-data",
}


def check_module(module, where, errors):
    if isinstance(module, str):
        # A module may be a path to another JSON/YAML file.
        if not module:
            errors.append(f"{where}: empty module file name")
        return
    if not isinstance(module, dict):
        errors.append(f"{where}: a module must be an object or a file name")
        return
    name = module.get("name")
    if not isinstance(name, str) or not name:
        errors.append(f"{where}: missing \"name\"")
    where = f"{where} ({name})" if isinstance(name, str) else where
    buildsystem = module.get("buildsystem")
    if not isinstance(buildsystem, str) or buildsystem not in BUILDSYSTEMS:
        errors.append(f"{where}: \"buildsystem\" must be one of {sorted(BUILDSYSTEMS)}")
    sources = module.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.append(f"{where}: \"sources\" must be a non-empty list")
        sources = []
    for j, source in enumerate(sources):
        if isinstance(source, str):
            continue
        if not isinstance(source, dict):
            errors.append(f"{where}: source {j} must be an object")
            continue
        stype = source.get("type")
        if stype not in SOURCE_TYPES:
            errors.append(f"{where}: source {j} has unknown type {stype!r}")
        if stype in ("dir", "file", "patch") and not isinstance(source.get("path"), str) \
                and not isinstance(source.get("url"), str):
            errors.append(f"{where}: source {j} ({stype}) needs \"path\"")
    for key in ("config-opts", "build-commands", "cleanup"):
        value = module.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, str) for v in value)):
            errors.append(f"{where}: \"{key}\" must be a list of strings")
    for k, sub in enumerate(module.get("modules", []) or []):
        check_module(sub, f"{where} module {k}", errors)


# The oldest GNOME runtime still supported.
OLDEST_RUNTIME = 47


def check(manifest, app_id, command):
    errors = []
    if not isinstance(manifest, dict):
        return ["the manifest must be a JSON object"]

    ids = [manifest.get(key) for key in ("app-id", "id") if key in manifest]
    if not ids:
        errors.append("missing \"app-id\" (or \"id\")")
    for value in ids:
        if value != app_id:
            errors.append(f"app id is {value!r}, the project's is {app_id!r}")

    for key in ("runtime", "runtime-version", "sdk", "command"):
        value = manifest.get(key)
        if not isinstance(value, str) or not value:
            errors.append(f"missing or empty \"{key}\"")

    if manifest.get("runtime") not in (None, "org.gnome.Platform"):
        errors.append("the runtime must be org.gnome.Platform (it carries GTK4, "
                      "libsoup3, json-glib and SQLite)")
    # GNOME keeps two releases supported; 47 is the oldest with the
    # libadwaita the app's newer code paths (ADW_CHECK_VERSION) use.
    version = manifest.get("runtime-version")
    if isinstance(version, str) and version:
        if not version.isdigit():
            errors.append(f"runtime-version {version!r} is not a GNOME release "
                          "number (\"master\" is not a supported runtime)")
        elif int(version) < OLDEST_RUNTIME:
            errors.append(f"runtime-version {version} is end-of-life; "
                          f"target {OLDEST_RUNTIME} or newer")
    if manifest.get("sdk") not in (None, "org.gnome.Sdk"):
        errors.append("the sdk must be org.gnome.Sdk")
    if "command" in manifest and manifest.get("command") != command:
        errors.append(f"command is {manifest.get('command')!r}, "
                      f"the installed binary is {command!r}")

    finish_args = manifest.get("finish-args", [])
    if not isinstance(finish_args, list) or \
            not all(isinstance(a, str) for a in finish_args):
        errors.append("\"finish-args\" must be a list of strings")
        finish_args = []
    for arg in finish_args:
        if arg not in ALLOWED_FINISH_ARGS:
            errors.append(f"finish-arg {arg!r} is not permitted")
    if len(set(finish_args)) != len(finish_args):
        errors.append("\"finish-args\" lists an argument twice")
    for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11"):
        if needed not in finish_args:
            errors.append(f"finish-args lacks {needed!r}, which the app needs")

    modules = manifest.get("modules")
    if not isinstance(modules, list) or not modules:
        errors.append("\"modules\" must be a non-empty list")
        modules = []
    for i, module in enumerate(modules):
        check_module(module, f"module {i}", errors)

    # The last module builds this tree.
    if modules and isinstance(modules[-1], dict):
        last = modules[-1]
        if last.get("buildsystem") != "meson":
            errors.append("the app module must build with meson")
        if not any(isinstance(s, dict) and s.get("type") == "dir"
                   and s.get("path") == "." for s in last.get("sources", [])):
            errors.append("the app module must build this tree "
                          "(a source {\"type\": \"dir\", \"path\": \".\"})")
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args()

    try:
        with open(args.manifest, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{args.manifest}: {e}", file=sys.stderr)
        return 1

    errors = check(manifest, args.app_id, args.command)
    for error in errors:
        print(f"{args.manifest}: {error}", file=sys.stderr)
    if errors:
        return 1
    print(f"{args.manifest}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
