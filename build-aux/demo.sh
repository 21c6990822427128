#!/bin/sh
# README.md's first command: installs what is needed, builds, starts a local
# companies-server on its SQLite default (adding a few demo companies the
# first time, when its database is new) and opens the app connected to it.
# The server stops when the app closes.
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
build-aux/build.sh

server_db="${XDG_DATA_HOME:-$HOME/.local/share}/companies-server/companies-server.db"
new_database=false
[ -f "$server_db" ] || new_database=true

_build/src/server/companies-server &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT INT TERM

# Wait (at most 10 s) until the server answers.
tries=0
until curl -sf http://127.0.0.1:8080/v1/health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ $tries -gt 100 ]; then
    echo "companies-server did not start; is port 8080 taken?" >&2
    exit 1
  fi
  sleep 0.1
done

if $new_database; then
  build-aux/seed-demo.sh http://127.0.0.1:8080
fi

_build/src/app/companies
