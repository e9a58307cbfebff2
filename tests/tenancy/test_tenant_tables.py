"""Every table is either tenant-owned and fenced by RLS, or named as shared.

Introspects the schema the migrations built. A new table fails here until it has
a NOT NULL ``dealer_id``, forced RLS with a policy, an index led by ``dealer_id``
and composite foreign keys to other tenant tables, or until it is listed in
``tenants/catalog_tables.py`` (and docs/scaling.md says why).
"""

from __future__ import annotations

import asyncpg

from tenants.catalog_tables import LOCAL_TABLES, NON_TENANT_TABLES, REFERENCE_TABLES
from tenants.database import APP_ROLE


async def _tables(owner: asyncpg.Connection) -> set[str]:
    rows = await owner.fetch(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' and c.relkind in ('r', 'p')"
    )
    return {row["relname"] for row in rows}


async def _tenant_tables(owner: asyncpg.Connection) -> list[str]:
    return sorted(await _tables(owner) - NON_TENANT_TABLES)


def _report(problems: list[str]) -> str:
    return "tenant tables that are not fenced:\n  " + "\n  ".join(problems)


async def test_lists_name_existing_tables_and_do_not_overlap(owner: asyncpg.Connection) -> None:
    tables = await _tables(owner)
    assert not (REFERENCE_TABLES & LOCAL_TABLES)
    assert tables >= NON_TENANT_TABLES, sorted(NON_TENANT_TABLES - tables)


async def test_known_tenant_tables_are_checked(owner: asyncpg.Connection) -> None:
    tenant = set(await _tenant_tables(owner))
    assert {"membership", "headcount", "api_key", "audit_entry"} <= tenant


async def test_tenant_tables_have_not_null_dealer_id(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch(
        """
        select t.name, a.attnotnull, format_type(a.atttypid, a.atttypmod) as type
          from unnest($1::text[]) as t(name)
          left join pg_attribute a
            on a.attrelid = ('public.' || quote_ident(t.name))::regclass
           and a.attname = 'dealer_id' and not a.attisdropped
        """,
        await _tenant_tables(owner),
    )
    problems = [
        f"{r['name']}: "
        + (
            "no dealer_id column"
            if r["type"] is None
            else f"dealer_id is {r['type']}{'' if r['attnotnull'] else ' and nullable'}"
        )
        for r in rows
        if r["type"] != "bigint" or not r["attnotnull"]
    ]
    assert not problems, _report(problems)


async def test_tenant_tables_have_forced_rls_and_a_dealer_policy(
    owner: asyncpg.Connection,
) -> None:
    rows = await owner.fetch(
        """
        select c.relname, c.relrowsecurity, c.relforcerowsecurity,
               count(p.polname) as policies,
               count(p.polname) filter (
                 where pg_get_expr(p.polqual, p.polrelid) like '%dealer_id%'
               ) as dealer_policies
          from pg_class c
          left join pg_policy p on p.polrelid = c.oid
         where c.oid = any(select ('public.' || quote_ident(t))::regclass
                             from unnest($1::text[]) t)
         group by c.relname, c.relrowsecurity, c.relforcerowsecurity
        """,
        await _tenant_tables(owner),
    )
    problems = []
    for r in rows:
        if not r["relrowsecurity"]:
            problems.append(f"{r['relname']}: row level security not enabled")
        if not r["relforcerowsecurity"]:
            problems.append(f"{r['relname']}: row level security not forced")
        if not r["policies"]:
            problems.append(f"{r['relname']}: no policy")
        elif not r["dealer_policies"]:
            problems.append(f"{r['relname']}: no policy on dealer_id")
    assert not problems, _report(problems)


async def test_policies_read_the_dealer_scope_once_per_statement(
    owner: asyncpg.Connection,
) -> None:
    """A scope inlined into the policy is re-parsed for every row (60 times slower over a
    region of 200 dealers); as a scalar subquery it is an InitPlan, evaluated once."""
    rows = await owner.fetch(
        """
        select c.relname, p.polname,
               coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' '
                 || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') as exprs
          from pg_policy p join pg_class c on c.oid = p.polrelid
          join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public'
        """
    )
    problems = [
        f"{r['relname']}.{r['polname']}: dealernet_allowed_dealers() evaluated per row"
        for r in rows
        if r["exprs"].count("dealernet_allowed_dealers()")
        != r["exprs"].count("SELECT dealernet_allowed_dealers()")
    ]
    assert not problems, _report(problems)


async def test_tenant_tables_have_an_index_led_by_dealer_id(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch(
        """
        select t.name
          from unnest($1::text[]) as t(name)
         where not exists (
           select 1 from pg_index i
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
            where i.indrelid = ('public.' || quote_ident(t.name))::regclass
              and a.attname = 'dealer_id')
        """,
        await _tenant_tables(owner),
    )
    problems = [f"{r['name']}: no index whose first column is dealer_id" for r in rows]
    assert not problems, _report(problems)


async def test_foreign_keys_between_tenant_tables_carry_dealer_id(
    owner: asyncpg.Connection,
) -> None:
    """Foreign-key checks bypass RLS; a composite key keeps references in one dealer."""
    rows = await owner.fetch(
        """
        select con.conname, src.relname as source, dst.relname as target,
               array(select a.attname from unnest(con.conkey) with ordinality k(n, o)
                       join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n
                      order by k.o)::text[] as source_columns,
               array(select a.attname from unnest(con.confkey) with ordinality k(n, o)
                       join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n
                      order by k.o)::text[] as target_columns
          from pg_constraint con
          join pg_class src on src.oid = con.conrelid
          join pg_class dst on dst.oid = con.confrelid
         where con.contype = 'f' and src.relname = any($1::text[])
           and dst.relname = any($1::text[])
        """,
        await _tenant_tables(owner),
    )
    problems = [
        f"{r['source']}.{r['conname']} -> {r['target']}: {r['source_columns']} references"
        f" {r['target_columns']}; both must start with dealer_id"
        for r in rows
        if r["source_columns"][:1] != ["dealer_id"] or r["target_columns"][:1] != ["dealer_id"]
    ]
    assert not problems, _report(problems)


async def test_app_role_cannot_bypass_rls(owner: asyncpg.Connection) -> None:
    role = await owner.fetchrow(
        "select rolsuper, rolbypassrls from pg_roles where rolname = $1", APP_ROLE
    )
    assert role is not None, f"role {APP_ROLE} does not exist"
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]

    owned = await owner.fetch(
        """
        select c.relname, pg_get_userbyid(c.relowner) as owner
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
           and pg_has_role($1, c.relowner, 'USAGE')
        """,
        APP_ROLE,
    )
    # Owning a table, or having its owner's privileges, would switch RLS off for the app.
    assert not owned, [f"{r['relname']} (owner {r['owner']})" for r in owned]
