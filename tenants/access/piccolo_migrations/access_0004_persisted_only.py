"""API keys that may only run persisted (registered) GraphQL operations."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T02:50:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "api_key.persisted_only"

SQL = """
alter table api_key add column persisted_only boolean not null default false;

-- Authentication needs the mode before any tenant scope exists; the result type
-- changes, so the function is replaced rather than altered.
drop function dealernet_api_key_by_prefix(text);
create function dealernet_api_key_by_prefix(key_prefix text)
returns table (
  id bigint, dealer_id bigint, role text, secret_hash bytea, revoked_at timestamptz,
  persisted_only boolean
)
language sql stable security definer set search_path = public as $f$
  select id, dealer_id, role, secret_hash, revoked_at, persisted_only
    from api_key where prefix = key_prefix
$f$;
revoke all on function dealernet_api_key_by_prefix(text) from public;
grant execute on function dealernet_api_key_by_prefix(text) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="access", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
