"""Who reads which parts KPIs through GraphQL: a dealer's own dashboard needs kpi:read
there; the region view is for the region's overseers only and shows exactly its
dealers, nothing of another region, nothing to dealer staff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import bearer, error_codes, gql
from tests.conftest import reload_policies
from tests.factories import make_membership, make_user
from tests.parts.factories_parts import PartsShop, book

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

FIGURES = """
  from to dealer { id code }
  fillRate { requests requestsAvailable fillRate orders orderFillRate }
  stockValue { inventoryValue averageInventoryValue issueCost12Months issueCost turnover daysOfSupply }
  deadStock { deadDays slowDays stockedItems deadItems deadValue slowItems slowValue deadValueShare }
  aging { key firstDay lastDay quantity value }
  emergencyOrders { lines emergencyLines emergencyShare emergencyValueShare }
"""
DEALER = f"""
query($from: Date!, $to: Date!) {{
  partsKpis(from: $from, to: $to) {{ {FIGURES} trend {{ from to issueCost inventoryValue turnover requests fillRate }} }}
}}
"""
REGION = f"""
query($from: Date!, $to: Date!, $region: ID) {{
  regionPartsKpis(from: $from, to: $to, regionId: $region) {{
    from to region {{ id code }}
    summary {{ requests inventoryValue inventoryValueMedian turnover turnoverMedian
               deadValue deadValueMedian fillRate fillRateMedian aging {{ key value }} }}
    dealers {{ {FIGURES} }}
  }}
}}
"""
REGIONS = "{ partsKpiRegions { id code } }"
PERIOD = {"from": "2026-01-01", "to": "2026-01-31"}


async def _stock_the_dealers(db: asyncpg.Connection, shop: PartsShop) -> None:
    """January 2026 issues at both dealers of the region, one at the far dealer."""
    await book(
        db,
        shop.dealer_id,
        shop.items["oil"],
        "receipt",
        "10",
        unit_cost="30",
        at="2025-12-20 10:00+08",
    )
    await book(db, shop.dealer_id, shop.items["oil"], "issue", "-4", at="2026-01-10 10:00+08")
    await book(
        db,
        shop.peer_dealer_id,
        shop.peer_items["filter"],
        "receipt",
        "6",
        unit_cost="50",
        at="2025-12-01 10:00+08",
    )
    await book(
        db, shop.peer_dealer_id, shop.peer_items["filter"], "issue", "-1", at="2026-01-15 10:00+08"
    )


async def test_dealer_dashboard_needs_kpi_read_at_the_dealer(
    db: asyncpg.Connection, client: httpx.AsyncClient, parts_shop: PartsShop, sign_in: SignIn
) -> None:
    await _stock_the_dealers(db, parts_shop)
    body = await gql(client, DEALER, PERIOD, await sign_in("parts_manager"))
    assert not body.get("errors"), body
    kpis = body["data"]["partsKpis"]
    assert kpis["dealer"]["id"] == global_id("Dealer", parts_shop.dealer_id)
    # 6 oil at 30 on the shelf at the end of January; 4 x 30 issued in its 31 days.
    assert Decimal(kpis["stockValue"]["inventoryValue"]) == Decimal("180.00")
    assert Decimal(kpis["stockValue"]["issueCost"]) == Decimal("120.00")
    assert Decimal(kpis["stockValue"]["daysOfSupply"]) == Decimal("46.5")
    assert [b["key"] for b in kpis["aging"]] == ["0-90", "91-180", "181-365", "over-365"]
    assert len(kpis["trend"]) == 12 and kpis["trend"][-1]["from"] == "2026-01-01"
    assert kpis["fillRate"]["fillRate"] is None

    refused = await gql(client, DEALER, PERIOD, await sign_in("technician"))
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["permission"] == "kpi:read"
    backwards = await gql(
        client, DEALER, {"from": "2026-02-01", "to": "2026-01-01"}, await sign_in("manager")
    )
    assert error_codes(backwards) == ["BAD_USER_INPUT"]
    assert backwards["errors"][0]["extensions"]["field"] == "to"


async def test_regional_manager_sees_exactly_the_dealers_of_the_region(
    db: asyncpg.Connection, client: httpx.AsyncClient, parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = parts_shop
    await _stock_the_dealers(db, shop)
    await book(
        db,
        shop.far_dealer_id,
        await _far_item(db, shop),
        "receipt",
        "3",
        unit_cost="99",
        at="2025-12-01 10:00+08",
    )
    regional = await sign_in("regional")
    region = global_id("Region", shop.region_id)

    regions = await gql(client, REGIONS, None, regional)
    assert regions["data"]["partsKpiRegions"] == [
        {
            "id": region,
            "code": await db.fetchval("select code from region where id = $1", shop.region_id),
        }
    ]
    body = await gql(client, REGION, {**PERIOD, "region": region}, regional)
    assert not body.get("errors"), body
    view = body["data"]["regionPartsKpis"]
    assert view["region"]["id"] == region
    assert {d["dealer"]["id"] for d in view["dealers"]} == {
        global_id("Dealer", shop.dealer_id),
        global_id("Dealer", shop.peer_dealer_id),
    }
    values = {
        d["dealer"]["id"]: Decimal(d["stockValue"]["inventoryValue"]) for d in view["dealers"]
    }
    assert values[global_id("Dealer", shop.peer_dealer_id)] == Decimal("250.00")
    summary = view["summary"]
    # The far dealer's 297 is nowhere in the region's totals.
    assert Decimal(summary["inventoryValue"]) == Decimal("430.00")
    assert Decimal(summary["inventoryValueMedian"]) == Decimal("215.00")
    assert sum(Decimal(b["value"]) for b in summary["aging"]) == Decimal("430.00")

    # The region of the current dealer when none is named; another region is refused.
    implicit = await gql(client, REGION, PERIOD, regional)
    assert implicit["data"]["regionPartsKpis"]["region"]["id"] == region
    far_region = await db.fetchval("select region_id from dealer where id = $1", shop.far_dealer_id)
    elsewhere = await gql(
        client, REGION, {**PERIOD, "region": global_id("Region", far_region)}, regional
    )
    assert error_codes(elsewhere) == ["FORBIDDEN"] and elsewhere["data"] is None


async def test_dealer_staff_cannot_read_the_region_view(
    db: asyncpg.Connection,
    app: object,
    client: httpx.AsyncClient,
    parts_shop: PartsShop,
    sign_in: SignIn,
) -> None:
    shop = parts_shop
    region = global_id("Region", shop.region_id)
    for post in ("parts_manager", "manager", "far_parts_manager"):
        headers = await sign_in(post)
        body = await gql(client, REGION, {**PERIOD, "region": region}, headers)
        assert error_codes(body) == ["FORBIDDEN"], (post, body)
        assert (await gql(client, REGIONS, None, headers))["data"]["partsKpiRegions"] == []
    # Even an information officer at every dealer of the region is dealer staff.
    both = await make_user(db, "info_both")
    for dealer in (shop.dealer_id, shop.peer_dealer_id):
        await make_membership(db, dealer, both, ["information_officer"])
    await reload_policies(app)
    headers = await bearer(client, "info_both")
    assert not (await gql(client, DEALER, PERIOD, headers)).get("errors")
    body = await gql(client, REGION, {**PERIOD, "region": region}, headers)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "kpi:read"


async def _far_item(db: asyncpg.Connection, shop: PartsShop) -> int:
    return await db.fetchval(
        "insert into stock_item (dealer_id, part_id) values ($1, $2) returning id",
        shop.far_dealer_id,
        shop.parts["oil"],
    )
