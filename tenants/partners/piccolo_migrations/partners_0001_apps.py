"""Partner applications with consented scopes, their keys, and the log of their calls."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-26T05:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "partner apps, scopes, call log"

SQL = """
create table partner_app (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  name text not null check (length(trim(name)) between 1 and 120),
  kind text not null check (kind in ('insurer', 'supplier', 'manufacturer', 'other')),
  contact_email text not null default '',
  description text not null default '',
  scopes text[] not null default '{}',
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  disabled_at timestamptz,
  unique (dealer_id, id)
);
create unique index partner_app_name_idx on partner_app (dealer_id, lower(name));

-- A key either acts in a catalog role (the older keys) or for an application,
-- in which case the application's scopes decide what it may do.
alter table api_key add column partner_app_id bigint;
alter table api_key add constraint api_key_partner_app_fk
  foreign key (dealer_id, partner_app_id) references partner_app (dealer_id, id);
create index api_key_partner_app_idx on api_key (dealer_id, partner_app_id);

create table api_call (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  api_key_id bigint not null,
  partner_app_id bigint,
  at timestamptz not null default now(),
  operation_name text not null default '',
  operation_type text not null default '' check (operation_type in ('', 'query', 'mutation', 'subscription')),
  persisted_hash text,
  cost integer not null default 0,
  http_status integer not null,
  error_codes text[] not null default '{}',
  duration_ms integer not null default 0,
  remote_addr text not null default '',
  foreign key (dealer_id, api_key_id) references api_key (dealer_id, id),
  foreign key (dealer_id, partner_app_id) references partner_app (dealer_id, id)
);
create index api_call_key_at_idx on api_call (dealer_id, api_key_id, at desc);
create index api_call_app_at_idx on api_call (dealer_id, partner_app_id, at desc)
  where partner_app_id is not null;
create index api_call_at_idx on api_call (at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="partners", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("partner_app") + protect_tenant_table("api_call"))

    manager.add_raw(run)
    return manager
