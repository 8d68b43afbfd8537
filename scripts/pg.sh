#!/usr/bin/env bash
# A private PostGIS cluster under .data/pg for `make run`, on a free loopback port.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` user; when that user cannot enter the checkout (e.g. a mktemp
# directory), the cluster lives in /var/tmp and .data/pg links to it.
# Usage: scripts/pg.sh start|stop|url
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
data=$root/.data
pgdata=$data/pg
portfile=$data/pg.port
dbname=${PG_DB_NAME:-boussole}

as_pg() {
  # From /, which the postgres user can always enter (the checkout may be private).
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

free_port() {
  python3 - <<'PY'
import socket
for port in range(54320, 54400):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
PY
}

init() {
  mkdir -p "$data"
  if [[ ! -e $pgdata ]]; then
    if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$data"; then
      target=/var/tmp/boussole-pg-$(printf '%s' "$root" | sha256sum | cut -c1-12)
      mkdir -p "$target"
      ln -s "$target" "$pgdata"
    else
      mkdir -p "$pgdata"
    fi
    [[ $(id -u) -eq 0 ]] && chown postgres: "$(readlink -f "$pgdata")"
    chmod 700 "$(readlink -f "$pgdata")"
  fi
  if [[ ! -f $pgdata/PG_VERSION ]]; then
    echo "==> initialising PostGIS cluster in .data/pg"
    as_pg "$pgbin/initdb" -D "$(readlink -f "$pgdata")" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
}

start() {
  init
  real=$(readlink -f "$pgdata")
  if as_pg "$pgbin/pg_ctl" -D "$real" status >/dev/null 2>&1; then
    :
  else
    port=$(cat "$portfile" 2>/dev/null || true)
    if [[ -z $port ]] || ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
      port=$(free_port)
    fi
    echo "$port" > "$portfile"
    echo "==> starting PostGIS on 127.0.0.1:$port"
    as_pg "$pgbin/pg_ctl" -D "$real" -l "$real/server.log" -w \
      -o "-p $port -k $real -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  port=$(cat "$portfile")
  if ! as_pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atqc "select 1 from pg_database where datname='$dbname'" postgres | grep -q 1; then
    as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$dbname"
  fi
}

stop() {
  [[ -f $pgdata/PG_VERSION ]] || return 0
  real=$(readlink -f "$pgdata")
  if as_pg "$pgbin/pg_ctl" -D "$real" status >/dev/null 2>&1; then
    echo "==> stopping PostGIS"
    as_pg "$pgbin/pg_ctl" -D "$real" -m fast -w stop >/dev/null
  fi
}

url() {
  [[ -f $portfile ]] || { echo "no private cluster yet: run scripts/pg.sh start" >&2; exit 1; }
  echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$portfile")/$dbname"
}

"${1:?start|stop|url}"
