#!/bin/sh
# Installs what is needed, builds, and runs the whole test suite, the UI
# tests under Xvfb included. This is README.md's second command and CI's.
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
build-aux/build.sh
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" \
  meson test -C _build --print-errorlogs "$@"
