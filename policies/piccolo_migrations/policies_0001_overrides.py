"""Per-dealer overrides of the role catalog."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T19:30:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "policy overrides"

SQL = """
create table policy_override (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  role text not null,
  kind text not null check (kind in ('permission', 'duty', 'limit')),
  object text not null,
  action text not null default '',
  effect text not null default 'allow' check (effect in ('allow', 'deny')),
  amount numeric(14, 2) check (amount is null or amount >= 0),
  reason text not null check (length(trim(reason)) > 0),
  created_by bigint not null references staff_user(id),
  created_at timestamptz not null default now(),
  revoked_by bigint references staff_user(id),
  revoked_at timestamptz,
  unique (dealer_id, id),
  check ((kind = 'limit') = (amount is not null))
);
create unique index policy_override_active_key
  on policy_override (dealer_id, role, kind, object, action) where revoked_at is null;

create trigger policy_override_policy_notify after insert or update or delete or truncate
  on policy_override for each statement execute function dealernet_notify_policy();

-- The policy store loads every dealer's active overrides at once, outside any tenant scope.
create function dealernet_active_policy_overrides()
returns setof policy_override
language sql stable security definer set search_path = public as $f$
  select * from policy_override where revoked_at is null order by id
$f$;
revoke all on function dealernet_active_policy_overrides() from public;
grant execute on function dealernet_active_policy_overrides() to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="policies", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("policy_override"))

    manager.add_raw(run)
    return manager
