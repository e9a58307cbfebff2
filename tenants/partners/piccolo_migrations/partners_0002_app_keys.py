"""Keys of partner applications authenticate with their application's scopes, and the
call log can be purged across dealers.

An application's key acts by its application's scopes, not in a role: ``role`` is
empty for it. Authentication runs before any tenant scope exists, so the lookup by
prefix (SECURITY DEFINER) also returns the application's scopes and whether it is
disabled; a disabled application's keys stop working at the next request. The
result type changes, so the function is replaced rather than altered (as access_0004).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T05:10:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "partner app keys authenticate with scopes; call log retention"

SQL = """
alter table api_key alter column role drop not null;
alter table api_key add constraint api_key_role_or_app
  check (role is not null or partner_app_id is not null);

drop function dealernet_api_key_by_prefix(text);
create function dealernet_api_key_by_prefix(key_prefix text)
returns table (
  id bigint, dealer_id bigint, role text, secret_hash bytea, revoked_at timestamptz,
  persisted_only boolean, partner_app_id bigint, app_scopes text[], app_disabled boolean
)
language sql stable security definer set search_path = public as $f$
  select k.id, k.dealer_id, k.role, k.secret_hash, k.revoked_at, k.persisted_only,
         k.partner_app_id, a.scopes, a.disabled_at is not null
    from api_key k
    left join partner_app a on a.dealer_id = k.dealer_id and a.id = k.partner_app_id
   where k.prefix = key_prefix
$f$;
revoke all on function dealernet_api_key_by_prefix(text) from public;
grant execute on function dealernet_api_key_by_prefix(text) to dealernet_app;

-- Retention: the worker learns which dealers hold calls older than the cutoff (keys
-- only), then deletes them in a transaction scoped to each dealer.
create function dealernet_api_call_dealers_before(cutoff timestamptz)
returns setof bigint
language sql stable security definer set search_path = public as $f$
  select distinct dealer_id from api_call where at < cutoff
$f$;
revoke all on function dealernet_api_call_dealers_before(timestamptz) from public;
grant execute on function dealernet_api_call_dealers_before(timestamptz) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="partners", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
