"""Row-level security evaluates the dealer scope once per statement, not once per row.

The tenant policies compared ``dealer_id = any (dealernet_allowed_dealers())``. The SQL
function is inlined into the policy, so PostgreSQL re-read and re-parsed the
``app.dealer_ids`` setting for every row: about 14 µs a row with 200 dealers in scope,
which dominated region-wide reads (the regional dashboard over 200 dealers spent 690 ms
of its scan there). Written as ``any ((select dealernet_allowed_dealers())::bigint[])``
the scope becomes an InitPlan, computed once per statement; the rows it admits are the
same. This migration runs last (the oversight app depends on every other app), rewrites
every existing policy that uses the scope, and redefines
``dealernet_protect_tenant_table`` so tables created later get the fast form.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T02:30:00:000008"
VERSION = "1.38.0"
DESCRIPTION = "RLS: the dealer scope as an InitPlan"

SCOPE = "(select dealernet_allowed_dealers())::bigint[]"

SQL = f"""
create or replace function dealernet_protect_tenant_table(tbl text) returns void
language plpgsql as $f$
begin
  execute format('alter table %I enable row level security', tbl);
  execute format('alter table %I force row level security', tbl);
  execute format(
    'create policy tenant_isolation on %I using (dealer_id = any ({SCOPE}))'
    ' with check (dealer_id = any ({SCOPE}))', tbl);
end
$f$;

do $$
declare
  p record;
  using_expr text;
  check_expr text;
begin
  for p in
    select c.relname as tbl, pol.polname as name,
           pg_get_expr(pol.polqual, pol.polrelid) as qual,
           pg_get_expr(pol.polwithcheck, pol.polrelid) as with_check
      from pg_policy pol join pg_class c on c.oid = pol.polrelid
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'
  loop
    using_expr := p.qual;
    check_expr := p.with_check;
    if using_expr is not null and using_expr like '%dealernet_allowed_dealers()%'
       and using_expr not like '%SELECT dealernet_allowed_dealers()%' then
      using_expr := replace(using_expr, 'dealernet_allowed_dealers()', '{SCOPE}');
      execute format('alter policy %I on %I using (%s)', p.name, p.tbl, using_expr);
    end if;
    if check_expr is not null and check_expr like '%dealernet_allowed_dealers()%'
       and check_expr not like '%SELECT dealernet_allowed_dealers()%' then
      check_expr := replace(check_expr, 'dealernet_allowed_dealers()', '{SCOPE}');
      execute format('alter policy %I on %I with check (%s)', p.name, p.tbl, check_expr);
    end if;
  end loop;
end
$$;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="oversight", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
