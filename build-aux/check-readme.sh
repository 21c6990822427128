#!/bin/sh
# Runs README.md's two commands the way a new user does, as CI's smoke test:
# the commands are read from README.md itself, so README and CI cannot drift.
#
#   build-aux/check-readme.sh first    # the first command, unattended
#   build-aux/check-readme.sh second   # the second command (the test suite)
#
# The first command runs with a fresh HOME, no COMPANIES_* variables, in its
# own D-Bus session under Xvfb. COMPANIES_QUIT_AFTER_FIRST_SYNC makes the app
# close a few seconds after its first sync; meanwhile a screenshot of the
# whole screen is saved to _build/readme-check/first-command.png. Then it
# checks that the server started on its SQLite default, the demo companies
# were added, the app's list showed them, the app's own database holds them
# with nothing pending, the server stopped with the app, and the installed
# app finds its translations.
set -eu
cd "$(dirname "$0")/.."

which=${1:-}
case "$which" in
  first) line=1 ;;
  second) line=2 ;;
  *) echo "usage: build-aux/check-readme.sh first|second" >&2; exit 2 ;;
esac

# The first ```sh block of README.md, comments and blank lines dropped.
command=$(awk '/^```sh$/ { inside = 1; next } inside && /^```/ { exit } inside' README.md |
  sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' | sed -n "${line}p")
if [ -z "$command" ]; then
  echo "check-readme.sh: README.md has no command number $line in its first sh block" >&2
  exit 1
fi
echo "=== README's $which command: $command"

if [ "$which" = second ]; then
  exec sh -c "$command"
fi

fail() {
  echo "check-readme.sh: FAILED: $*" >&2
  exit 1
}

# What the check itself needs (the first command installs the same again).
build-aux/install-deps.sh

if curl -sf --max-time 2 http://127.0.0.1:8080/v1/health >/dev/null 2>&1; then
  fail "something already answers on 127.0.0.1:8080; stop it first"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
home="$scratch/home"
mkdir -p "$home"
log="$scratch/first-command.log"
shot="$scratch/first-command.png"

# The user's session, fresh: no XDG_* folders of ours, no COMPANIES_*.
cat >"$scratch/session.sh" <<EOF
set -u
sh -c '$command' >"$log" 2>&1 &
pid=\$!
# The first command installs and builds before it opens the app: on a
# fresh machine that takes minutes. Wait at most 30 minutes for the sync.
waited=0
until grep -q "^companies: first sync finished" "$log"; do
  if ! kill -0 \$pid 2>/dev/null || [ \$waited -ge 18000 ]; then
    break
  fi
  sleep 0.1
  waited=\$((waited + 1))
done
# The list refreshes and is drawn; then the whole screen is saved.
sleep 2
xwd -root -silent | convert xwd:- png:"$shot" || true
# The app quits by itself; give it (and the server's shutdown) 60 s.
waited=0
while kill -0 \$pid 2>/dev/null && [ \$waited -lt 600 ]; do
  sleep 0.1
  waited=\$((waited + 1))
done
if kill -0 \$pid 2>/dev/null; then
  echo "check-readme.sh: the first command did not end; killing it" >>"$log"
  kill \$pid
fi
wait \$pid
echo "exit status: \$?" >>"$log"
EOF

env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME \
    -u XDG_RUNTIME_DIR -u COMPANIES_DATABASE -u COMPANIES_SERVER_URL \
    -u COMPANIES_TOKEN -u COMPANIES_CA_FILE -u GSETTINGS_SCHEMA_DIR \
    -u GSETTINGS_BACKEND -u DISPLAY -u WAYLAND_DISPLAY \
    HOME="$home" COMPANIES_QUIT_AFTER_FIRST_SYNC=5000 \
    dbus-run-session -- xvfb-run -a -s "-screen 0 1024x768x24" sh "$scratch/session.sh"

mkdir -p _build/readme-check
cp "$log" _build/readme-check/first-command.log
echo "--- what the first command printed (the last 40 lines):"
tail -n 40 "$log"
echo "---"

grep -q "^exit status: 0$" "$log" || fail "the first command did not exit with status 0"
grep -q "^Listening on http://127.0.0.1:8080" "$log" || fail "companies-server did not start on 127.0.0.1:8080"
grep -q "^companies: first sync finished: ok$" "$log" || fail "the app's first sync did not succeed"
shown=$(sed -n 's/^companies: \([0-9]*\) companies in the list$/\1/p' "$log")
[ -n "$shown" ] || fail "the app did not say how many companies its list shows"
[ "$shown" -ge 8 ] || fail "the app's list shows $shown companies, not the 8 demo ones"

[ -f "$home/.local/share/companies-server/companies-server.db" ] ||
  fail "the server's SQLite database is not at its default place"
status=$(HOME="$home" _install/bin/companies-cli status --json)
echo "companies-cli status --json: $status"
echo "$status" | python3 -c '
import json, sys
status = json.load(sys.stdin)
assert status["active"] >= 8, status
assert status["last_sync"] is not None, status
for kind in ("pending_added", "pending_updated", "pending_deleted", "rejected"):
    assert status[kind] == 0, status
' || fail "the app's own database does not hold the demo companies with nothing pending"

if pgrep -f "$(pwd)/_install/bin/companies-server" >/dev/null; then
  fail "companies-server is still running after the app closed"
fi
if curl -sf --max-time 2 http://127.0.0.1:8080/v1/health >/dev/null 2>&1; then
  fail "127.0.0.1:8080 still answers after the app closed"
fi

[ -s "$shot" ] || fail "no screenshot was taken"
cp "$shot" _build/readme-check/first-command.png
# A blank screen has one colour: the window must have drawn something.
colours=$(convert "$shot" -format '%k' info:)
[ "$colours" -gt 16 ] || fail "the screenshot has $colours colours: no window was drawn"

# The installed app finds its translations (the folder is compiled in).
message=$(env -u GSETTINGS_SCHEMA_DIR XDG_DATA_DIRS="$scratch" LANGUAGE=pt LC_ALL=C.UTF-8 \
  _install/bin/companies 2>&1 || true)
case "$message" in
  *"não está bem instalado"*) ;;
  *) fail "the installed app did not load its Portuguese translation: $message" ;;
esac

echo "=== README's first command: OK ($shown companies shown; screenshot: _build/readme-check/first-command.png)"
