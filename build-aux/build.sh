#!/bin/sh
# Configures (once) and builds Companies in _build, for installing into the
# private prefix _install (build-aux/demo.sh runs the app from there, with
# its schemas, icons and translations; the tests run from _build).
set -eu
cd "$(dirname "$0")/.."

prefix="$(pwd)/_install"

if [ ! -f _build/build.ninja ]; then
  meson setup _build --prefix "$prefix"
elif ! grep -q "\"name\": \"prefix\", \"value\": \"$prefix\"" _build/meson-info/intro-buildoptions.json; then
  # A _build configured by an older build.sh (prefix /usr/local).
  meson configure _build --prefix "$prefix"
fi
meson compile -C _build
