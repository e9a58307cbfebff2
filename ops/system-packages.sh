#!/usr/bin/env bash
# Debian packages the project needs beyond the base machine: Chromium for browser
# tests, and the PostgreSQL / Redis servers when no DATABASE_URL / REDIS_URL is given.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
# `make drills` runs the app behind pgbouncer (docs/reliability.md) and its own servers.
if [ "${DEALERNET_DRILLS:-}" = 1 ]; then
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "• installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
