#!/bin/sh
# The performance benchmark of issue 4 (tests/bench/): syncs of 100,000
# realistic companies with a real companies-server on loopback, one table
# of medians over 3 runs, each figure beside its goal.
#
#   build-aux/bench.sh [RECORDS [RUNS]]
#
# Installs what is needed and builds in _build as build-aux/test.sh does
# (BUILDDIR=folder: an existing build folder instead). The environment
# variables COMPANIES_BENCH_RECORDS, _RUNS, _CLIENTS and _LOAD_SECONDS
# work too. Expect several minutes a run at 100,000 companies.
set -eu
cd "$(dirname "$0")/.."

if [ -n "${BUILDDIR:-}" ]; then
  meson compile -C "$BUILDDIR"
else
  BUILDDIR=_build
  build-aux/install-deps.sh
  build-aux/build.sh
fi

COMPANIES_BENCH_RECORDS="${1:-${COMPANIES_BENCH_RECORDS:-100000}}"
COMPANIES_BENCH_RUNS="${2:-${COMPANIES_BENCH_RUNS:-3}}"
export COMPANIES_BENCH_RECORDS COMPANIES_BENCH_RUNS

# Under Xvfb like the UI tests: the app's figures need a display.
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" \
  meson test -C "$BUILDDIR" --benchmark --suite bench --verbose
