#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with clang (AddressSanitizer
# and UndefinedBehaviorSanitizer) and runs each for a bounded time over a
# copy of its seed corpus and of every past crash (tests/fuzz/regressions/).
#
#   build-aux/fuzz.sh [SECONDS]     # SECONDS a target, default 60
#
# Environment: FUZZ_BUILDDIR (default _build-fuzz), FUZZ_TARGETS (default
# all three), FUZZ_WORKDIR (default $FUZZ_BUILDDIR/fuzz-run; emptied first).
# Needs clang and libclang-rt-14-dev. Exits non-zero when a target finds a
# crash, a leak or a timeout, and prints the path of the input that did it;
# turn that input into tests/fuzz/regressions/<name>.json.
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-60}
builddir=${FUZZ_BUILDDIR:-_build-fuzz}
targets=${FUZZ_TARGETS:-fuzz-request-decode fuzz-response-decode fuzz-error-body}
workdir=${FUZZ_WORKDIR:-$builddir/fuzz-run}

case "$seconds" in
  ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja_targets=""
for target in $targets; do
  ninja_targets="$ninja_targets tests/fuzz/$target"
done
# shellcheck disable=SC2086
ninja -C "$builddir" $ninja_targets

# GLib's slice allocator would hide use-after-free from AddressSanitizer.
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

rm -rf "$workdir"
mkdir -p "$workdir"
status=0

for target in $targets; do
  case "$target" in
    fuzz-request-decode) seeds=request ;;
    fuzz-response-decode) seeds=response ;;
    fuzz-error-body) seeds=error-body ;;
    *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;;
  esac

  corpus="$workdir/$target/corpus"
  artifacts="$workdir/$target/artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp tests/fuzz/corpus/"$seeds"/* "$corpus"/
  cp tests/fuzz/regressions/* "$corpus"/

  echo "=== $target: $seconds s"
  if "$builddir/tests/fuzz/$target" \
       -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 \
       -dict=tests/fuzz/json.dict -artifact_prefix="$artifacts/" \
       "$corpus" >"$workdir/$target/log" 2>&1; then
    tail -n 12 "$workdir/$target/log"
  else
    status=1
    tail -n 60 "$workdir/$target/log"
    echo "=== $target FAILED; full log: $workdir/$target/log"
  fi
  for artifact in "$artifacts"/*; do
    if [ -e "$artifact" ]; then
      status=1
      echo "=== $target: crash input: $artifact"
    fi
  done
done

exit $status
