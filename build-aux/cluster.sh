#!/bin/sh
# Starts a private Companies cluster on this machine, for trying the
# production layout (README.md, "Several servers"): a PostgreSQL cluster in
# a temporary folder (its Unix socket only, run as the `postgres` user when
# started as root, since PostgreSQL refuses root), N companies-server
# processes on one database, and nginx on 127.0.0.1 in front of them with
# TLS and a fresh self-signed certificate (data/nginx/companies.conf.in).
# Prints the URL and the certificate file to give the app or the CLI, then
# waits; Ctrl+C (or SIGTERM) stops everything and removes the folder.
#
#   build-aux/cluster.sh [--servers N] [--port PORT] [--ready-file FILE]
#
# --servers N: how many companies-server processes (default 2).
# --port PORT: nginx's port on 127.0.0.1 (default 8443).
# --ready-file FILE: once everything answers, write "URL CA-FILE" there
#   (the tests wait for it).
# Builds first when _build has no companies-server yet.
set -eu
cd "$(dirname "$0")/.."
source_dir="$(pwd)"

servers=2
port=8443
ready_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --servers) servers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --ready-file) ready_file="$2"; shift 2 ;;
    *) echo "Usage: $0 [--servers N] [--port PORT] [--ready-file FILE]" >&2; exit 2 ;;
  esac
done
case "$servers" in
  ''|*[!0-9]*|0) echo "--servers wants a number from 1" >&2; exit 2 ;;
esac

# COMPANIES_SERVER: another build of companies-server (the tests set it).
server_binary="${COMPANIES_SERVER:-$source_dir/_build/src/server/companies-server}"
[ -x "$server_binary" ] || build-aux/build.sh
pg_bindir="$(pg_config --bindir 2>/dev/null || true)"
[ -x "$pg_bindir/initdb" ] || pg_bindir=/usr/lib/postgresql/15/bin
nginx="$(command -v nginx || echo /usr/sbin/nginx)"

dir="$(mktemp -d "${TMPDIR:-/tmp}/companies-cluster.XXXXXX")"
# nginx's workers run as nobody when nginx is started as root: they must
# be able to enter the folder (not to list it).
chmod 711 "$dir"
mkdir "$dir/pg" "$dir/nginx"
chmod 711 "$dir/nginx"

# PostgreSQL refuses to run as root: as root, run it as postgres.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir/pg"
  as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
else
  as_pg() { "$@"; }
fi

pids=""
stop() {
  trap - INT TERM EXIT
  for pid in $pids; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $pids; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    as_pg "$pg_bindir/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

echo "Starting PostgreSQL in $dir/pg"
as_pg "$pg_bindir/initdb" -D "$dir/pg/data" -U companies -A trust -E UTF8 --locale=C.UTF-8 \
  >"$dir/pg/initdb.log" 2>&1 || { cat "$dir/pg/initdb.log" >&2; exit 1; }
as_pg "$pg_bindir/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgresql.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir/pg'" start >/dev/null
as_pg "$pg_bindir/createdb" -h "$dir/pg" -U companies companies
uri="postgresql:///companies?host=$dir/pg&user=companies"

servers_block=""
i=1
while [ "$i" -le "$servers" ]; do
  "$server_binary" --address 127.0.0.1 --port 0 --database "$uri" \
    --trusted-proxy 127.0.0.1 >"$dir/server-$i.out" 2>"$dir/server-$i.log" &
  pids="$pids $!"
  n=0
  until grep -q "^Listening on " "$dir/server-$i.out" 2>/dev/null; do
    if ! kill -0 "$!" 2>/dev/null || [ "$n" -ge 200 ]; then
      echo "companies-server $i did not start:" >&2
      cat "$dir/server-$i.log" >&2
      exit 1
    fi
    n=$((n + 1))
    sleep 0.1
  done
  server_url="$(sed -n 's/^Listening on //p' "$dir/server-$i.out")"
  echo "Server $i: $server_url (log $dir/server-$i.log)"
  servers_block="$servers_block    server ${server_url#http://} max_fails=1 fail_timeout=2s;\\n"
  i=$((i + 1))
done

openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$dir/nginx/key.pem" -out "$dir/ca.pem" 2>/dev/null
sed -e "s|^@SERVERS@\$|$servers_block|" \
    -e "s|@LISTEN@|127.0.0.1:$port|" \
    -e "s|@CERTIFICATE@|$dir/ca.pem|" \
    -e "s|@KEY@|$dir/nginx/key.pem|" \
    data/nginx/companies.conf.in >"$dir/nginx/companies.conf"
"$nginx" -p "$dir/nginx" -c companies.conf -e stderr -g 'daemon off;' 2>"$dir/nginx/error.log" &
pids="$! $pids"  # stopped first

url="https://127.0.0.1:$port"
n=0
until curl -sf --cacert "$dir/ca.pem" "$url/v1/health" >/dev/null 2>&1; do
  if [ "$n" -ge 100 ]; then
    echo "nginx did not start:" >&2
    cat "$dir/nginx/error.log" >&2
    exit 1
  fi
  n=$((n + 1))
  sleep 0.1
done

cat <<END

Companies cluster: $servers servers on PostgreSQL behind nginx.
  URL:         $url
  CA file:     $dir/ca.pem
  PostgreSQL:  $uri
Try:  COMPANIES_CA_FILE=$dir/ca.pem _build/src/cli/companies-cli --server $url sync
Stop: Ctrl+C
END

if [ -n "$ready_file" ]; then
  echo "$url $dir/ca.pem" >"$ready_file.tmp"
  mv "$ready_file.tmp" "$ready_file"
fi

# Waits for a signal; sleep in the background so that the trap runs at once.
while :; do
  sleep 3600 &
  wait $! || true
done
