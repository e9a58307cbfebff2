"""The network: manufacturer, regions, dealers, staff, memberships, headcount.

Also installs the tenancy machinery every later migration uses: the application
role and ``dealernet_protect_tenant_table``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T19:30:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "network and tenancy"

SQL = """
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'dealernet_app') then
    create role dealernet_app nologin;
  end if;
end $$;
grant dealernet_app to current_user;
grant usage on schema public to dealernet_app;
alter default privileges in schema public grant select, insert, update, delete on tables to dealernet_app;
alter default privileges in schema public grant usage, select on sequences to dealernet_app;

create function dealernet_allowed_dealers() returns bigint[]
language sql stable parallel safe as $f$
  select coalesce(nullif(current_setting('app.dealer_ids', true), ''), '{}')::bigint[]
$f$;

create function dealernet_protect_tenant_table(tbl text) returns void
language plpgsql as $f$
begin
  execute format('alter table %I enable row level security', tbl);
  execute format('alter table %I force row level security', tbl);
  execute format(
    'create policy tenant_isolation on %I using (dealer_id = any (dealernet_allowed_dealers()))'
    ' with check (dealer_id = any (dealernet_allowed_dealers()))', tbl);
end
$f$;

-- Grants and memberships change who may do what: tell the policy stores.
create function dealernet_notify_policy() returns trigger
language plpgsql as $f$
begin
  perform pg_notify('dealernet_policy', tg_table_name);
  return null;
end
$f$;

create table manufacturer (
  id bigserial primary key,
  code text not null unique,
  name text not null,
  name_zh text not null default ''
);

create table region (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  code text not null unique,
  name text not null,
  name_zh text not null default ''
);
create index region_manufacturer_idx on region (manufacturer_id);

create table dealer (
  id bigserial primary key,
  region_id bigint not null references region(id),
  code text not null unique,
  name text not null,
  name_zh text not null default '',
  time_zone text not null check (now() at time zone time_zone is not null),
  locale text not null default 'zh-CN' check (locale in ('en', 'zh-CN')),
  created_at timestamptz not null default now()
);
create index dealer_region_idx on dealer (region_id);

create table staff_user (
  id bigserial primary key,
  username text not null,
  display_name text not null,
  password_hash text,
  locale text not null default 'zh-CN' check (locale in ('en', 'zh-CN')),
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create unique index staff_user_username_key on staff_user (lower(username));

-- Staff of a dealer; one row per person and dealer, several roles allowed (兼职).
create table membership (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  user_id bigint not null references staff_user(id),
  roles text[] not null check (cardinality(roles) > 0),
  title text not null default '',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, user_id)
);
create index membership_user_idx on membership (user_id);

-- Planned headcount per role (岗位编制); vacancies are planned minus filled.
create table headcount (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  role text not null,
  planned integer not null check (planned >= 0),
  unique (dealer_id, id),
  unique (dealer_id, role)
);

-- Manufacturer staff: regional managers over a region, reviewers over a manufacturer.
create table region_assignment (
  id bigserial primary key,
  region_id bigint not null references region(id),
  user_id bigint not null references staff_user(id),
  role text not null,
  unique (region_id, user_id, role)
);
create index region_assignment_user_idx on region_assignment (user_id);

create table manufacturer_assignment (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  user_id bigint not null references staff_user(id),
  role text not null,
  unique (manufacturer_id, user_id, role)
);
create index manufacturer_assignment_user_idx on manufacturer_assignment (user_id);

grant select, insert, update, delete on all tables in schema public to dealernet_app;
grant usage, select on all sequences in schema public to dealernet_app;
"""

# Grants of one principal across all dealers are needed before a tenant scope
# exists (sign-in, policy loading); these definer functions read them past RLS and
# return nothing else.
GRANTS_SQL = """
create function dealernet_grants(for_user bigint default null)
returns table (user_id bigint, dealer_id bigint, role text, source text, source_id bigint)
language sql stable security definer set search_path = public as $f$
  select m.user_id, m.dealer_id, r.role, 'membership', m.id
    from membership m
    cross join lateral unnest(m.roles) as r(role)
    join staff_user u on u.id = m.user_id
   where m.active and u.active
     and (for_user is null or m.user_id = for_user)
  union all
  select a.user_id, d.id, a.role, 'region', a.region_id
    from region_assignment a join dealer d on d.region_id = a.region_id
    join staff_user u on u.id = a.user_id
   where u.active and (for_user is null or a.user_id = for_user)
  union all
  select a.user_id, d.id, a.role, 'manufacturer', a.manufacturer_id
    from manufacturer_assignment a
    join region g on g.manufacturer_id = a.manufacturer_id
    join dealer d on d.region_id = g.id
    join staff_user u on u.id = a.user_id
   where u.active and (for_user is null or a.user_id = for_user)
$f$;
revoke all on function dealernet_grants(bigint) from public;
grant execute on function dealernet_grants(bigint) to dealernet_app;

create trigger membership_policy_notify after insert or update or delete or truncate
  on membership for each statement execute function dealernet_notify_policy();
create trigger region_assignment_policy_notify after insert or update or delete or truncate
  on region_assignment for each statement execute function dealernet_notify_policy();
create trigger manufacturer_assignment_policy_notify after insert or update or delete or truncate
  on manufacturer_assignment for each statement execute function dealernet_notify_policy();
create trigger staff_user_policy_notify after update or delete
  on staff_user for each statement execute function dealernet_notify_policy();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="network", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)
        await run_sql(protect_tenant_table("membership") + protect_tenant_table("headcount"))
        await run_sql(GRANTS_SQL)

    manager.add_raw(run)
    return manager
