#!/bin/sh
# README.md's first command: installs what is needed, builds, installs into
# the private prefix _install (so the app finds its settings schema, icons
# and translations as it would when installed), starts a local
# companies-server on its SQLite default (adding a few demo companies the
# first time, when its database is new) and opens the app connected to it.
# The server stops when the app closes.
#
# Environment: COMPANIES_QUIT_AFTER_FIRST_SYNC=MS is passed to the app, which
# then quits MS milliseconds after its first sync (build-aux/check-readme.sh
# uses it to run this script unattended).
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
build-aux/build.sh
meson install -C _build --quiet --no-rebuild

prefix="$(pwd)/_install"
# Where GLib looks for settings schemas and GTK for icons; the translations'
# folder is compiled into the app.
XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export XDG_DATA_DIRS

server_db="${XDG_DATA_HOME:-$HOME/.local/share}/companies-server/companies-server.db"
new_database=false
[ -f "$server_db" ] || new_database=true

"$prefix/bin/companies-server" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Wait (at most 10 s) until the server answers.
tries=0
until curl -sf http://127.0.0.1:8080/v1/health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ $tries -gt 100 ] || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "companies-server did not start; is port 8080 taken?" >&2
    exit 1
  fi
  sleep 0.1
done

if $new_database; then
  build-aux/seed-demo.sh http://127.0.0.1:8080
fi

"$prefix/bin/companies"
