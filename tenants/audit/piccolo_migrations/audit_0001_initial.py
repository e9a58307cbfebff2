"""The append-only audit log of every mutation and policy change."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T19:30:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "audit log"

SQL = """
create table audit_entry (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  actor_user_id bigint references staff_user(id),
  actor_api_key_id bigint,
  action text not null,
  object_type text not null,
  object_id text not null,
  before jsonb,
  after jsonb,
  request_id text not null default '',
  at timestamptz not null default now(),
  unique (dealer_id, id)
);
create index audit_entry_dealer_at_idx on audit_entry (dealer_id, at desc, id desc);
create index audit_entry_object_idx on audit_entry (dealer_id, object_type, object_id);

-- Append-only for the application: no updates, no deletes, whatever the code does.
revoke update, delete, truncate on audit_entry from dealernet_app;
create function dealernet_audit_append_only() returns trigger language plpgsql as $f$
begin
  raise exception 'audit_entry is append-only' using errcode = 'insufficient_privilege';
end $f$;
create trigger audit_entry_append_only before update or delete on audit_entry
  for each row execute function dealernet_audit_append_only();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("audit_entry"))

    manager.add_raw(run)
    return manager
