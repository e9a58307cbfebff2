# Sourced by the Makefile: exports DATABASE_URL and REDIS_URL.
# When they are already set they are used as they are; otherwise a private
# PostgreSQL and Redis are started under .local/ (git-ignored).
here="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  "$here/ops/services.sh" up >&2 || return 1 2>/dev/null || exit 1
  # shellcheck disable=SC1091
  . "$here/.local/urls.env"
fi
export DATABASE_URL REDIS_URL
