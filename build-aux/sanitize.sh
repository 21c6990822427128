#!/bin/sh
# Builds Companies with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer in a second build directory and runs the whole
# test suite there, the UI tests under Xvfb included. Any sanitizer report
# fails the test that made it.
#
#   build-aux/sanitize.sh [MESON TEST ARGUMENTS…]   # e.g. --suite core
#
# Environment: SANITIZE_BUILDDIR (default _build-asan). Leaks in system
# libraries that are not ours to fix are listed, each with its reason, in
# build-aux/lsan.supp; never suppress a leak of our own code there.
set -eu
cd "$(dirname "$0")/.."

builddir=${SANITIZE_BUILDDIR:-_build-asan}

if [ ! -f "$builddir/build.ninja" ]; then
  # Frame pointers in our code: the sanitizers' fast unwinder needs them.
  meson setup "$builddir" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-omit-frame-pointer
fi
meson compile -C "$builddir"

# Options for companies-server alone, through a per-executable options
# file (%b is the executable's name):
# - fast_unwind_on_malloc=0: the fast unwinder stops at the first frame of
#   a system library (they have no frame pointers), too short to tell the
#   leaks of libsoup in lsan.supp from ours. The full unwinder makes every
#   malloc slow, too slow for the tests themselves, but the server makes
#   few allocations a request.
# - quarantine_size_mb=16: freed memory is held back to catch use after
#   free; 256 MB by default, which the soak test would see as the server's
#   memory growing.
case "$builddir" in
  /*) options_dir="$builddir/asan-options" ;;
  *) options_dir="$(pwd)/$builddir/asan-options" ;;
esac
mkdir -p "$options_dir"
echo "fast_unwind_on_malloc=0:quarantine_size_mb=16" >"$options_dir/companies-server.options"

# abort_on_error: a report kills the process at once, so the test fails
# even when the report is on stderr of a child the test does not read.
# intercept_tls_get_addr=0: with glibc 2.36 the sanitizers of gcc 12 and
# clang 14 record a bogus dynamic TLS block once a module with thread-local
# data is loaded at run time (GIO's GnuTLS module: TLS tests), and the
# leak check at exit then dies ("Tracer caught signal 11").
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0:include_if_exists=$options_dir/%b.options"
export LSAN_OPTIONS="suppressions=$(pwd)/build-aux/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# GLib's slice allocator would hide use-after-free and leaks from ASan.
export G_SLICE=always-malloc

# Everything runs about three times slower under the sanitizers.
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" \
  meson test -C "$builddir" --print-errorlogs --timeout-multiplier 3 "$@"
