"""Region scoping of the dashboard: a regional manager sees exactly the dealers of their
region and nothing of another region; dealer staff never see the region (only their
own dealer's drill-down); another brand's people see nothing of this manufacturer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import make_membership, make_user
from tests.oversight.dashboard_arrange import region_history
from tests.oversight.factories_oversight import Network

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

DASHBOARD = """
query($region: ID) {
  regionDashboard(regionId: $region, months: 1, month: "2026-09-01", kpis: ["claims_submitted"]) {
    region { id } dealers { dealer { id } cells { value } } kpis { median regionValue }
  }
}
"""
REGIONS = "{ dashboardRegions { id } }"
DRILL = """
query($dealer: ID!) {
  dealerKpiDrilldown(dealerId: $dealer, kpi: "claims_submitted", months: 1, month: "2026-09-01")
  { months { value } region { median } }
}
"""


async def test_regional_manager_sees_exactly_the_region(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    regional = await sign_in("regional")
    region = global_id("Region", network.region_id)

    regions = await gql(client, REGIONS, None, regional)
    assert regions["data"]["dashboardRegions"] == [{"id": region}]
    for variables in ({"region": None}, {"region": region}):
        body = await gql(client, DASHBOARD, variables, regional)
        assert not body.get("errors"), body
        view = body["data"]["regionDashboard"]
        assert view["region"] == {"id": region}
        assert sorted(r["dealer"]["id"] for r in view["dealers"]) == sorted(
            global_id("Dealer", d) for d in network.dealer_ids
        )
        # 5, 3, 8: the other region's 500 is in no figure.
        assert Decimal(view["kpis"][0]["regionValue"]) == 16

    other = await gql(
        client, DASHBOARD, {"region": global_id("Region", network.other_region_id)}, regional
    )
    assert error_codes(other) == ["FORBIDDEN"]
    far = await gql(
        client, DRILL, {"dealer": global_id("Dealer", network.other_dealer_id)}, regional
    )
    assert error_codes(far) == ["FORBIDDEN"]


async def test_other_regional_manager_sees_none_of_the_region(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    other = await sign_in("other_regional")
    refused = await gql(
        client, DASHBOARD, {"region": global_id("Region", network.region_id)}, other
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    own = await gql(client, DASHBOARD, {"region": None}, other)
    assert not own.get("errors"), own
    assert [r["dealer"]["id"] for r in own["data"]["regionDashboard"]["dealers"]] == [
        global_id("Dealer", network.other_dealer_id)
    ]
    for dealer in network.dealer_ids:
        drill = await gql(client, DRILL, {"dealer": global_id("Dealer", dealer)}, other)
        assert error_codes(drill) == ["FORBIDDEN"]


async def test_dealer_staff_get_their_dealer_only(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    manager = await sign_in("manager@0")
    assert (await gql(client, REGIONS, None, manager))["data"]["dashboardRegions"] == []
    for variables in ({"region": None}, {"region": global_id("Region", network.region_id)}):
        refused = await gql(client, DASHBOARD, variables, manager)
        assert error_codes(refused) == ["FORBIDDEN"]
        assert refused["errors"][0]["extensions"]["permission"] == "kpi:read"
    own = await gql(client, DRILL, {"dealer": global_id("Dealer", network.dealer_ids[0])}, manager)
    assert not own.get("errors"), own
    assert own["data"]["dealerKpiDrilldown"] == {"months": [{"value": "5.0000"}], "region": []}
    peer = await gql(client, DRILL, {"dealer": global_id("Dealer", network.dealer_ids[1])}, manager)
    assert error_codes(peer) == ["FORBIDDEN"]
    # An advisor holds no kpi:read even at their own dealer.
    advisor = await gql(
        client,
        DRILL,
        {"dealer": global_id("Dealer", network.dealer_ids[0])},
        await sign_in("advisor@0"),
    )
    assert error_codes(advisor) == ["FORBIDDEN"]


async def test_another_brand_sees_nothing(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    user = await make_user(db, "o_brand_manager")
    await make_membership(db, network.other_brand_dealer_id, user, ["service_manager"])
    brand = await bearer(client, "o_brand_manager")
    assert (await gql(client, REGIONS, None, brand))["data"]["dashboardRegions"] == []
    refused = await gql(
        client, DASHBOARD, {"region": global_id("Region", network.region_id)}, brand
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    drill = await gql(client, DRILL, {"dealer": global_id("Dealer", network.dealer_ids[0])}, brand)
    assert error_codes(drill) == ["FORBIDDEN"]
