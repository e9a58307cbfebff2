"""Sessions, sign-in events and partner API keys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T19:30:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "access"

SQL = """
create table auth_session (
  id bigserial primary key,
  token_hash bytea not null unique,
  user_id bigint not null references staff_user(id),
  kind text not null check (kind in ('cookie', 'bearer')),
  csrf_token text not null,
  current_dealer_id bigint references dealer(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index auth_session_user_idx on auth_session (user_id);
create index auth_session_expires_idx on auth_session (expires_at);

create table auth_event (
  id bigserial primary key,
  user_id bigint references staff_user(id),
  username text not null,
  kind text not null check (kind in ('sign_in', 'sign_in_failed', 'sign_in_throttled', 'sign_out')),
  remote_addr text not null default '',
  at timestamptz not null default now()
);
create index auth_event_username_at_idx on auth_event (lower(username), at desc);

create table api_key (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  name text not null check (length(trim(name)) > 0),
  prefix text not null unique,
  secret_hash bytea not null,
  role text not null,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  revoked_by bigint references staff_user(id),
  revoked_at timestamptz,
  last_used_at timestamptz,
  unique (dealer_id, id)
);

-- Authentication finds a key by its public prefix before any tenant scope exists.
create function dealernet_api_key_by_prefix(key_prefix text)
returns table (id bigint, dealer_id bigint, role text, secret_hash bytea, revoked_at timestamptz)
language sql stable security definer set search_path = public as $f$
  select id, dealer_id, role, secret_hash, revoked_at from api_key where prefix = key_prefix
$f$;
revoke all on function dealernet_api_key_by_prefix(text) from public;
grant execute on function dealernet_api_key_by_prefix(text) to dealernet_app;

create function dealernet_touch_api_key(key_id bigint) returns void
language sql volatile security definer set search_path = public as $f$
  update api_key set last_used_at = now()
   where id = key_id and (last_used_at is null or last_used_at < now() - interval '1 minute')
$f$;
revoke all on function dealernet_touch_api_key(bigint) from public;
grant execute on function dealernet_touch_api_key(bigint) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="access", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("api_key"))

    manager.add_raw(run)
    return manager
