#!/usr/bin/env bash
# Private PostgreSQL and Redis for development and tests, under .local/.
# Usage: ops/services.sh up|down|status
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
local_dir="$root/.local"
pg_dir="$local_dir/pg"
pg_port="${DEALERNET_PG_PORT:-55432}"
redis_port="${DEALERNET_REDIS_PORT:-56379}"
mkdir -p "$local_dir"

pg_bin() {
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)" && return
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  return 1
}

as_pg() {
  # initdb and postgres refuse to run as root: run them as the postgres user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_up() {
  local bin; bin="$(pg_bin)"
  if [ ! -s "$pg_dir/data/PG_VERSION" ]; then
    echo "• creating private PostgreSQL in .local/pg" >&2
    mkdir -p "$pg_dir/data" "$pg_dir/run"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pg_dir"
    as_pg "$bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1; then
    echo "• starting private PostgreSQL on 127.0.0.1:$pg_port" >&2
    as_pg "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir/run -c fsync=off -c max_connections=200" start >/dev/null
  fi
  as_pg "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
    "select 1 from pg_database where datname='dealernet'" | grep -q 1 ||
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres dealernet
}

redis_up() {
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; return 1; }
    echo "• starting private Redis on 127.0.0.1:$redis_port" >&2
    mkdir -p "$local_dir/redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
      --dir "$local_dir/redis" --logfile "$local_dir/redis/redis.log" --pidfile "$local_dir/redis/redis.pid"
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

case "${1:-up}" in
  up)
    [ -n "${DATABASE_URL:-}" ] || pg_up
    [ -n "${REDIS_URL:-}" ] || redis_up
    {
      echo "DATABASE_URL=\${DATABASE_URL:-postgresql://postgres@127.0.0.1:$pg_port/dealernet}"
      echo "REDIS_URL=\${REDIS_URL:-redis://127.0.0.1:$redis_port/0}"
    } > "$local_dir/urls.env"
    ;;
  down)
    if [ -s "$pg_dir/data/PG_VERSION" ]; then as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m fast stop || true; fi
    redis-cli -p "$redis_port" shutdown nosave 2>/dev/null || true
    ;;
  status)
    as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" status || true
    redis-cli -p "$redis_port" ping || true
    ;;
esac
