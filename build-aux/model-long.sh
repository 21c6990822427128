#!/bin/sh
# The long run of the model-based test (tests/model/test-model.c): many
# steps of random offline edits, syncs, lost responses and server restarts,
# for several seeds, each checked against the oracle.
#
#   build-aux/model-long.sh [STEPS [SEED...]]   # default 20000 steps, seeds 1..5
#
# Environment: MODEL_BUILDDIR (default _build; configured if missing),
# COMPANIES_MODEL_CLIENTS (default 4). Runs every seed, prints one line per
# seed, and exits non-zero when any failed; a failure prints its seed, the
# end of its step log and where the whole log is, and
#   COMPANIES_MODEL_SEED=S COMPANIES_MODEL_STEPS=N \
#     meson test -C _build --suite model --timeout-multiplier 0
# replays it. CI runs the short variant (meson test's 'model' suite).
set -eu
cd "$(dirname "$0")/.."

steps=${1:-20000}
if [ $# -gt 0 ]; then
  shift
fi
seeds=${*:-1 2 3 4 5}
builddir=${MODEL_BUILDDIR:-_build}

case "$steps" in
  ''|*[!0-9]*) echo "model-long.sh: STEPS must be a whole number, not '$steps'" >&2; exit 2 ;;
esac
for seed in $seeds; do
  case "$seed" in
    ''|*[!0-9]*) echo "model-long.sh: a SEED must be a whole number, not '$seed'" >&2; exit 2 ;;
  esac
done

if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir"
fi
ninja -C "$builddir" src/server/companies-server tests/model/test-model

builddir_abs=$(cd "$builddir" && pwd)
logdir="$builddir_abs/model-long"
mkdir -p "$logdir"
export COMPANIES_SERVER="$builddir_abs/src/server/companies-server"
export G_DEBUG=gc-friendly,fatal-warnings
export MALLOC_CHECK_=2

failed=""
for seed in $seeds; do
  log="$logdir/seed-$seed.log"
  start=$(date +%s)
  if COMPANIES_MODEL_SEED=$seed COMPANIES_MODEL_STEPS=$steps \
       "$builddir_abs/tests/model/test-model" >"$log" 2>&1; then
    result=passed
  else
    result=FAILED
    failed="$failed $seed"
  fi
  echo "model-long: seed $seed, $steps steps: $result in $(( $(date +%s) - start )) s ($log)"
  grep -E '^# [0-9]+ creates' "$log" | sed 's/^# /  /' || true
  if [ "$result" = FAILED ]; then
    grep -m1 -A6 'Model test failed' "$log" || true
    grep -m1 'whole step log' "$log" || true
  fi
done

if [ -n "$failed" ]; then
  echo "model-long: FAILED for seed(s)$failed" >&2
  exit 1
fi
echo "model-long: all seeds passed"
