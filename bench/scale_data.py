"""A network that grows from one dealer to a thousand, for the tenant-scale and authorization
benchmarks, generated in SQL as the owner (a few statements for every dealer at once).

Every dealer is the same: one person in each dealer role of the catalog (the partner
integration role is an API key's, not a person's) and the stock of ``bench.stock_data``.
Ten regions share the dealers; one regional manager is assigned to all ten regions and one
warranty technician to the manufacturer, so each of them holds a role at every dealer.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from argon2 import PasswordHasher

from bench import stock_data
from policies.catalog import ROLES

PASSWORD = "dealernet-bench"
REGIONS = 10
DEALER_ROLES = tuple(
    k for k, r in ROLES.items() if r.scope == "dealer" and k != "partner_integration"
)

DEALERS_SQL = """
insert into dealer (region_id, code, name, name_zh, time_zone)
select (array_agg(r.id order by r.id))[1 + (g % $2)], 'S' || lpad(g::text, 4, '0'),
       'Scale dealer ' || g, '规模经销商' || g, 'Asia/Shanghai'
  from generate_series($3::int, $4::int) g
  cross join region r
 where r.manufacturer_id = $1
 group by g
 order by g
returning id
"""

STAFF_SQL = """
with roles as (select unnest($2::text[]) as role),
people as (
  insert into staff_user (username, display_name, password_hash, locale)
  select 'scale.' || roles.role || '.' || d.code, roles.role || ' ' || d.code, $3, 'en'
    from dealer d cross join roles
   where d.id = any($1::bigint[])
  returning id, username
)
insert into membership (dealer_id, user_id, roles)
select d.id, p.id, array[roles.role]
  from dealer d cross join roles
  join people p on p.username = 'scale.' || roles.role || '.' || d.code
 where d.id = any($1::bigint[])
"""


@dataclass(frozen=True)
class Network:
    manufacturer_id: int
    dealer_ids: list[int]
    """The first is the one every query of the benchmark asks about."""

    @property
    def first_dealer_code(self) -> str:
        return "S0001"


def username(role: str, dealer_code: str = "S0001") -> str:
    return f"scale.{role}.{dealer_code}"


async def start(owner: asyncpg.Connection, items: int) -> Network:
    """The manufacturer, its regions, the staff at the network level, and dealer 1."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    password_hash = hasher.hash(PASSWORD)
    manufacturer: int = await owner.fetchval(
        "insert into manufacturer (code, name, name_zh) values ('SM', 'Scale Motors', '规模汽车')"
        " returning id"
    )
    regions = await owner.fetch(
        "insert into region (manufacturer_id, code, name, name_zh)"
        " select $1, 'R' || g, 'Region ' || g, '大区' || g from generate_series(1, $2) g"
        " returning id",
        manufacturer,
        REGIONS,
    )
    network_staff = {
        "regional_manager": "scale.regional_manager",
        "manufacturer_warranty_technician": "scale.warranty_technician",
    }
    ids = {}
    for role, name in network_staff.items():
        ids[role] = await owner.fetchval(
            "insert into staff_user (username, display_name, password_hash, locale)"
            " values ($1, $2, $3, 'en') returning id",
            name,
            role,
            password_hash,
        )
    await owner.execute(
        "insert into region_assignment (region_id, user_id, role)"
        " select id, $2, 'regional_manager' from unnest($1::bigint[]) id",
        [r["id"] for r in regions],
        ids["regional_manager"],
    )
    await owner.execute(
        "insert into manufacturer_assignment (manufacturer_id, user_id, role)"
        " values ($1, $2, 'manufacturer_warranty_technician')",
        manufacturer,
        ids["manufacturer_warranty_technician"],
    )
    network = Network(manufacturer, [])
    await grow(owner, network, 1, items, password_hash)
    return network


async def grow(
    owner: asyncpg.Connection,
    network: Network,
    dealers: int,
    items: int,
    password_hash: str | None = None,
) -> list[int]:
    """Add dealers until there are ``dealers``, each with its staff and stock."""
    if password_hash is None:
        password_hash = await owner.fetchval(
            "select password_hash from staff_user where username = $1",
            username(DEALER_ROLES[0]),
        )
    first = len(network.dealer_ids) + 1
    if first > dealers:
        return []
    rows = await owner.fetch(DEALERS_SQL, network.manufacturer_id, REGIONS, first, dealers)
    added = [r["id"] for r in rows]
    await owner.execute(STAFF_SQL, added, list(DEALER_ROLES), password_hash)
    await stock_data.stock(owner, network.manufacturer_id, added, items)
    network.dealer_ids.extend(added)
    await owner.execute("analyze")
    return added
