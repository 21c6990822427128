#!/bin/sh
# The soak test of tests/soak/: concurrent clients on loopback against a
# real companies-server, each looping a small change and a sync; checks
# that nothing is lost or duplicated, that every client ends equal to the
# server and that the server's memory and descriptors stay flat, and
# prints syncs/s, p50/p99 sync latency, RSS and descriptors.
#
#   build-aux/soak.sh [SECONDS [CLIENTS]]    # default 60 s, 50 clients
#
# Environment: SOAK_BUILDDIR (default _build; configured if missing),
# SOAK_SEED (default: the program's fixed seed). meson test's 'soak' suite
# runs the same program for 10 s.
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-60}
clients=${2:-50}
builddir=${SOAK_BUILDDIR:-_build}

case "$seconds" in
  ''|*[!0-9]*) echo "soak.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
case "$clients" in
  ''|*[!0-9]*) echo "soak.sh: CLIENTS must be a whole number, not '$clients'" >&2; exit 2 ;;
esac

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir"
fi
ninja -C "$builddir" src/server/companies-server tests/soak/soak

builddir_abs=$(cd "$builddir" && pwd)
export COMPANIES_SERVER="$builddir_abs/src/server/companies-server"
export G_DEBUG=gc-friendly,fatal-warnings

set -- --duration "$seconds" --clients "$clients"
if [ -n "${SOAK_SEED:-}" ]; then
  set -- "$@" --seed "$SOAK_SEED"
fi
exec "$builddir_abs/tests/soak/soak" "$@"
