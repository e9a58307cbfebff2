#!/usr/bin/env bash
# Migrate, seed the demo network, start the worker and the API; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"

$py -m api.cli migrate
$py -m api.cli seed

$py -m api.cli worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo
echo "dealernet is starting at http://$host:$port/"
echo "GraphQL: http://$host:$port/graphql   health: http://$host:$port/health"
echo
$py -m api.cli users
echo
$py -m api.cli serve --host "$host" --port "$port"
