#!/bin/sh
# Builds Companies with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer in a second build directory and runs the whole
# test suite there, the UI tests under Xvfb included. Any sanitizer report
# fails the test that made it.
#
#   build-aux/sanitize.sh [MESON TEST ARGUMENTS…]   # e.g. --suite core
#
# Environment: SANITIZE_BUILDDIR (default _build-asan), SANITIZE_SERVER_LEAKS
# (see below). Leaks in system libraries that are not ours to fix are
# listed, each with its reason, in build-aux/lsan.supp; never suppress a
# leak of our own code there.
set -eu
cd "$(dirname "$0")/.."

builddir=${SANITIZE_BUILDDIR:-_build-asan}

if [ ! -f "$builddir/build.ninja" ]; then
  # Frame pointers in our code: the sanitizers' fast unwinder needs them.
  meson setup "$builddir" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-omit-frame-pointer
fi
meson compile -C "$builddir"

# Leaks: the sanitizers record the stack of every allocation with the fast
# unwinder, which stops at the first frame of a system library (they have
# no frame pointers): a leak made inside GLib, libsoup or GTK shows as
# malloc ← g_malloc and nothing more, and cannot be told apart from ours.
# The full unwinder makes every allocation about ten times slower, too slow
# for the tests. So, through per-executable options files (%b is the name
# of the executable):
# - companies-server: no leak check by default, because libsoup 3.2 leaks
#   on every connection (lsan.supp); memory errors and undefined behaviour
#   are still checked. SANITIZE_SERVER_LEAKS=1 checks its leaks with the
#   full unwinder and lsan.supp (slower: timing-sensitive tests such as
#   test-server-crash and test-server-tls may time out), e.g.
#     SANITIZE_SERVER_LEAKS=1 build-aux/sanitize.sh --suite server --suite e2e
#   quarantine_size_mb=8: freed memory held back to catch use after free;
#   the default 256 MB (or 16, once the server kept connections alive)
#   would look to the soak test like a growing server.
# - the UI tests (tests/ui/): no leak check: GTK, Mesa, fontconfig and
#   GLib's directory caches leave one-time allocations at exit that the
#   fast unwinder cannot attribute. The app's logic outside GTK lives in
#   companies-client, whose leaks the other suites check.
case "$builddir" in
  /*) options_dir="$builddir/asan-options" ;;
  *) options_dir="$(pwd)/$builddir/asan-options" ;;
esac
rm -rf "$options_dir"
mkdir -p "$options_dir"
if [ "${SANITIZE_SERVER_LEAKS:-0}" = 1 ]; then
  echo "fast_unwind_on_malloc=0:quarantine_size_mb=8" >"$options_dir/companies-server.options"
else
  echo "detect_leaks=0:quarantine_size_mb=8" >"$options_dir/companies-server.options"
fi
# - a client of the Secret Service (the config tests; companies-cli in
#   test-cli-app-config, which asks for it in the CLI's environment): at
#   exit, messages GDBus's worker thread decoded for a main loop the
#   process no longer runs are reported (lsan.supp,
#   g_dbus_message_new_from_blob); matching them needs the full unwinder.
# - companies-cli: a short quarantine keeps its peak RSS meaningful
#   (test-cli-csv).
echo "quarantine_size_mb=16" >"$options_dir/companies-cli.options"
echo "fast_unwind_on_malloc=0" >"$options_dir/test-token-store.options"
# - test-watch: its own libsoup server leaks inside libsoup (lsan.supp,
#   soup_server_listen_local); matching it needs the full unwinder.
echo "fast_unwind_on_malloc=0" >"$options_dir/test-watch.options"
for test_program in "$builddir"/tests/ui/test-*; do
  if [ -f "$test_program" ] && [ -x "$test_program" ]; then
    echo "detect_leaks=0" >"$options_dir/$(basename "$test_program").options"
  fi
done

# abort_on_error: a report kills the process at once, so the test fails
# even when the report is on stderr of a child the test does not read.
# intercept_tls_get_addr=0: with glibc 2.36 the sanitizers of gcc 12 and
# clang 14 record a bogus dynamic TLS block once a module with thread-local
# data is loaded at run time (GIO's GnuTLS module: TLS tests), and the
# leak check at exit then dies ("Tracer caught signal 11").
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0:include_if_exists=$options_dir/%b.options"
LSAN_OPTIONS="suppressions=$(pwd)/build-aux/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# GLib's slice allocator would hide use-after-free and leaks from ASan.
export G_SLICE=always-malloc
# A leak of 154 bytes from g_io_module_new () in every process that
# connects means GIO's module cache is older than a module file (perf's
# build-id cache hard-links them, which changes their ctime), so GIO loads
# the modules without it and GLib 2.74 leaks one: run
# /usr/lib/x86_64-linux-gnu/glib-2.0/gio-querymodules on the modules folder.

# Everything runs about three times slower under the sanitizers.
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" \
  meson test -C "$builddir" --print-errorlogs --timeout-multiplier 3 "$@"
