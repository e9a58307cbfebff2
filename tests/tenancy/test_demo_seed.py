"""The demo network: complete, idempotent, and listed by `dealernet users`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import asyncpg
import pytest

from policies.catalog import ROLES
from tenants.access import api_keys
from tenants.access.passwords import verify_password
from tenants.network import demo
from tests.conftest import truncate_all

ROOT = Path(__file__).resolve().parents[2]
DEMO_CODES = [d.code for d in demo.DEMO_DEALERS]
DEALER_ROLES = sorted(
    r.key for r in ROLES.values() if r.scope == "dealer" and r.key != demo.PARTNER_ROLE
)
SEEDED_TABLES = (
    "manufacturer",
    "region",
    "dealer",
    "staff_user",
    "membership",
    "headcount",
    "region_assignment",
    "manufacturer_assignment",
    "api_key",
)


@pytest.fixture
async def db(db: asyncpg.Connection) -> asyncpg.Connection:
    """The shared ``db`` fixture (emptied after each test), checked empty before too."""
    if await db.fetchval(
        "select exists (select 1 from dealer) or exists (select 1 from staff_user)"
    ):
        await truncate_all(db)
    return db


async def _fingerprint(owner: asyncpg.Connection) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row with its xmin: any rewrite would show."""
    result = {}
    for table in SEEDED_TABLES:
        row = await owner.fetchrow(
            f"select count(*) as n,"
            f" md5(coalesce(string_agg(t.xmin::text || ' ' || t::text, E'\\n' order by t.id), ''))"
            f" as digest from {table} t"
        )
        result[table] = (row["n"], row["digest"])
    return result


async def _missing_roles(owner: asyncpg.Connection, codes: list[str]) -> list[tuple[str, str]]:
    rows = await owner.fetch(
        """
        select d.code, r.role
          from dealer d cross join unnest($2::text[]) as r(role)
         where d.code = any($1::text[])
           and not exists (
             select 1 from membership m
              where m.dealer_id = d.id and m.active and r.role = any(m.roles))
         order by 1, 2
        """,
        codes,
        DEALER_ROLES,
    )
    return [(row["code"], row["role"]) for row in rows]


async def test_seeding_twice_changes_nothing(db: asyncpg.Connection) -> None:
    first = await demo.seed(show_progress=False)
    assert first.written.added > 0
    before = await _fingerprint(db)

    second = await demo.seed(show_progress=False)
    assert (second.written.added, second.written.changed) == (0, 0)
    assert await _fingerprint(db) == before
    assert (second.dealers, second.users, second.memberships, second.headcount) == (
        first.dealers,
        first.users,
        first.memberships,
        first.headcount,
    )
    assert second.api_keys == first.api_keys == 1


async def test_every_dealer_role_is_staffed_at_every_demo_dealer(db: asyncpg.Connection) -> None:
    await demo.seed(show_progress=False)
    assert DEALER_ROLES and "partner_integration" not in DEALER_ROLES
    assert await _missing_roles(db, DEMO_CODES) == []

    dealers = await db.fetch("select code, time_zone, locale from dealer order by code")
    assert [d["code"] for d in dealers] == sorted(DEMO_CODES)
    assert {d["time_zone"] for d in dealers} == {"Asia/Shanghai"}
    assert "en" in {d["locale"] for d in dealers}
    per_region = await db.fetch(
        "select r.code, count(*) as n from dealer d join region r on r.id = d.region_id"
        " group by r.code"
    )
    assert {row["code"]: row["n"] for row in per_region} == {"HX-E": 2, "HX-S": 2}


async def test_demo_network_has_part_timers_shared_staff_and_vacancies(
    db: asyncpg.Connection,
) -> None:
    await demo.seed(show_progress=False)
    # 兼职: the technical director also leads a repair team.
    double = await db.fetchval(
        "select count(*) from membership where roles @> array['technical_director', 'team_leader']"
    )
    assert double == len(DEMO_CODES)
    # One person works for two dealers.
    shared = await db.fetch(
        "select u.username, array_agg(d.code order by d.code) as codes"
        " from membership m join staff_user u on u.id = m.user_id"
        " join dealer d on d.id = m.dealer_id group by u.username having count(*) > 1"
    )
    assert [(r["username"], r["codes"]) for r in shared] == [("info.sh", ["SH01", "SH02"])]
    # 缺编: planned posts not all filled; never more people than planned.
    posts = await db.fetch(
        """
        select d.code, h.role, h.planned,
               (select count(*) from membership m
                 where m.dealer_id = h.dealer_id and m.active and h.role = any(m.roles)) as filled
          from headcount h join dealer d on d.id = h.dealer_id
        """
    )
    assert {r["role"] for r in posts} == set(DEALER_ROLES)
    vacancies = {(r["code"], r["role"]) for r in posts if r["filled"] < r["planned"]}
    assert ("SH01", "service_advisor") in vacancies
    assert ("GZ01", "service_advisor") not in vacancies
    assert all(r["filled"] <= r["planned"] for r in posts)
    # Regional managers and the manufacturer's warranty technician.
    assert await db.fetchval("select count(distinct region_id) from region_assignment") == 2
    assert (
        await db.fetchval(
            "select count(*) from manufacturer_assignment"
            " where role = 'manufacturer_warranty_technician'"
        )
        == 1
    )
    # Everyone has the demo password.
    hashes = await db.fetch("select distinct password_hash from staff_user")
    assert len(hashes) == 1 and verify_password(hashes[0]["password_hash"], demo.DEMO_PASSWORD)


async def test_demo_api_key_authenticates_as_partner_of_first_dealer(
    db: asyncpg.Connection,
) -> None:
    await demo.seed(show_progress=False)
    identity = await api_keys.authenticate(demo.DEMO_API_KEY)
    assert identity is not None
    assert identity.role == "partner_integration"
    assert identity.dealer_id == await db.fetchval("select id from dealer where code = 'SH01'")
    assert await demo.demo_api_key() == demo.DEMO_API_KEY


async def test_seed_restores_changed_demo_data(db: asyncpg.Connection) -> None:
    await demo.seed(show_progress=False)
    await db.execute("update staff_user set display_name = 'x' where username = 'advisor.sh01'")
    await db.execute(
        "update membership m set roles = array['cashier'] from staff_user u"
        " where u.id = m.user_id and u.username = 'advisor.sh01'"
    )
    again = await demo.seed(show_progress=False)
    assert (again.written.added, again.written.changed) == (0, 2)
    assert await _missing_roles(db, DEMO_CODES) == []


async def test_larger_network_for_benchmarks(db: asyncpg.Connection) -> None:
    result = await demo.seed(120, show_progress=False)
    assert result.dealers == 120
    codes = [r["code"] for r in await db.fetch("select code from dealer")]
    assert await _missing_roles(db, codes) == []
    sizes = await db.fetch(
        "select r.code, count(d.id) as n,"
        " (select count(*) from region_assignment a where a.region_id = r.id) as managers"
        " from region r left join dealer d on d.region_id = r.id group by r.id, r.code"
    )
    assert all(1 <= r["n"] <= demo.REGION_SIZE and r["managers"] == 1 for r in sizes)
    assert len(sizes) == 2 + 3  # the demo regions, and 116 dealers in regions of 50
    again = await demo.seed(120, show_progress=False)
    assert (again.written.added, again.written.changed) == (0, 0)


async def test_users_json_lists_the_multi_dealer_person(db: asyncpg.Connection) -> None:
    await demo.seed(show_progress=False)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "users",
        "--json",
        cwd=ROOT,
        env={**os.environ},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    users = json.loads(out)
    by_name = {u["username"]: u for u in users}
    shared = [u for u in users if len(u["dealers"]) == 2]
    assert [u["username"] for u in shared] == ["info.sh"]
    assert [d["code"] for d in shared[0]["dealers"]] == ["SH01", "SH02"]
    assert all(u["password"] == demo.DEMO_PASSWORD and u["displayName"] for u in users)
    assert by_name["techdir.sh01"]["dealers"][0]["roles"] == ["technical_director", "team_leader"]
    assert by_name["rm.east"]["regions"] == [
        {
            "code": "HX-E",
            "name": "East China Region",
            "nameZh": "华东大区",
            "roles": ["regional_manager"],
        }
    ]
    assert by_name["warranty.hx"]["manufacturers"][0]["roles"] == [
        "manufacturer_warranty_technician"
    ]
    staffed = {(d["code"], role) for u in users for d in u["dealers"] for role in d["roles"]}
    assert staffed >= {(code, role) for code in DEMO_CODES for role in DEALER_ROLES}
