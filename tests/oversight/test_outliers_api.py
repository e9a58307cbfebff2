"""Outliers and quality feedback through GraphQL: who sees which dealers.

The regional manager reads exactly the dealers of their region, the other region's
manager only theirs; dealer staff never read the region's outliers and read quality
feedback of their own dealer only; the manufacturer's warranty technician reads quality
feedback of the whole brand and no other brand."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.oversight.conftest import SignIn
from tests.oversight.factories_oversight import Network
from tests.oversight.outliers_arrange import claim, delivered_orders, seed_quality, shop, vin

PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}

OUTLIERS = """
query($from: Date, $to: Date, $region: ID) {
  oversightOutliers(from: $from, to: $to, regionId: $region) {
    region { code } from to thresholds { z minOrders minClaims }
    measures { key median mad eligibleDealers flaggedDealers
      dealers { dealer { id code } value numerator denominator orders claims eligible z flagged } }
  }
}
"""

RECORDS = """
query($dealer: ID!, $from: Date, $to: Date) {
  oversightOutlierRecords(dealerId: $dealer, from: $from, to: $to) {
    dealer { code } repeatVins { vin claims numbers } labourLines { claimNumber hours }
    returnFailures { tag }
  }
}
"""

QUALITY = """
query($from: Date, $to: Date, $model: String, $group: String, $region: ID) {
  qualityFeedback(from: $from, to: $to, model: $model, partGroup: $group, regionId: $region) {
    dealers rows { part { partNumber name partGroup } model failures dealers vehicles }
    topParts { part { name } failures } trend { month failures } models partGroups
  }
}
"""


async def _seed_claims(db: asyncpg.Connection, network: Network) -> None:
    """Dealer 0: 20 orders, 4 claims (two on one VIN); the other region's dealer: 10, 10."""
    d0 = await shop(db, network, network.dealer_ids[0], network.staff("advisor", 0))
    await delivered_orders(db, d0, 20, "2026-03-15T10:00:00+08:00")
    for day in ("2026-03-01", "2026-03-05"):
        await claim(db, d0, vin(50), fault=day, hours="2.0")
    for i in range(2):
        await claim(db, d0, vin(51 + i), fault="2026-03-01", hours="2.0")
    other = await shop(db, network, network.other_dealer_id, network.users["advisor@other"])
    await delivered_orders(db, other, 10, "2026-03-15T10:00:00+08:00")
    for i in range(10):
        await claim(db, other, vin(60 + i), fault="2026-03-01")


async def _outliers(
    client: httpx.AsyncClient, headers: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return await gql(client, OUTLIERS, {**PERIOD, **extra}, headers)


async def test_the_regional_manager_sees_exactly_the_region_s_dealers(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network, db: asyncpg.Connection
) -> None:
    await _seed_claims(db, api_network)
    body = await _outliers(client, await sign_in("regional"))
    assert not body.get("errors"), body
    report = body["data"]["oversightOutliers"]
    assert [m["key"] for m in report["measures"]] == [
        "claims_per_100_orders", "labour_hours_per_claim", "repeat_claims_per_vin",
        "parts_return_failures",
    ]  # fmt: skip
    region_ids = {global_id("Dealer", d) for d in api_network.dealer_ids}
    for measure in report["measures"]:
        assert {f["dealer"]["id"] for f in measure["dealers"]} == region_ids
    claims = {f["dealer"]["id"]: f for f in report["measures"][0]["dealers"]}
    d0 = claims[global_id("Dealer", api_network.dealer_ids[0])]
    assert (d0["value"], d0["numerator"], d0["denominator"], d0["eligible"]) == (
        "20.00",
        "4",
        "20",
        True,
    )
    repeat = {f["dealer"]["id"]: f for f in report["measures"][2]["dealers"]}
    assert repeat[global_id("Dealer", api_network.dealer_ids[0])]["value"] == "50.00"
    assert report["thresholds"] == {"z": "3.5", "minOrders": 10, "minClaims": 5}

    other = (await _outliers(client, await sign_in("other_regional")))["data"]["oversightOutliers"]
    assert {f["dealer"]["id"] for f in other["measures"][0]["dealers"]} == {
        global_id("Dealer", api_network.other_dealer_id)
    }


async def test_outliers_are_for_overseers_of_the_region_only(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network
) -> None:
    for key in ("manager@0", "info@0", "warranty_tech"):
        assert error_codes(await _outliers(client, await sign_in(key))) == ["FORBIDDEN"], key
    other_region = global_id("Region", api_network.other_region_id)
    body = await _outliers(client, await sign_in("regional"), region=other_region)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(
        client,
        RECORDS,
        {**PERIOD, "dealer": global_id("Dealer", api_network.other_dealer_id)},
        await sign_in("regional"),
    )
    assert error_codes(body) == ["FORBIDDEN"]
    body = await _outliers(
        client, await sign_in("regional"), **{"from": "2026-06-30", "to": "2026-01-01"}
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_the_drill_down_lists_the_records_behind_the_figures(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network, db: asyncpg.Connection
) -> None:
    await _seed_claims(db, api_network)
    body = await gql(
        client,
        RECORDS,
        {**PERIOD, "dealer": global_id("Dealer", api_network.dealer_ids[0])},
        await sign_in("regional"),
    )
    assert not body.get("errors"), body
    records = body["data"]["oversightOutlierRecords"]
    assert [(v["vin"], v["claims"]) for v in records["repeatVins"]] == [(vin(50), 2)]
    assert [line["hours"] for line in records["labourLines"]] == ["2.00"] * 4
    assert records["returnFailures"] == []


async def _quality(
    client: httpx.AsyncClient, headers: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return await gql(client, QUALITY, {**PERIOD, **extra}, headers)


def _models(body: dict[str, Any]) -> set[str]:
    assert not body.get("errors"), body
    return {r["model"] for r in body["data"]["qualityFeedback"]["rows"]}


async def test_quality_feedback_follows_the_viewer_s_scope(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network, db: asyncpg.Connection
) -> None:
    await seed_quality(db, api_network)
    regional = await _quality(client, await sign_in("regional"))
    assert _models(regional) == {"Sedan", "SUV"}
    feedback = regional["data"]["qualityFeedback"]
    assert feedback["dealers"] == 3
    assert [(p["part"]["name"], p["failures"]) for p in feedback["topParts"]] == [
        ("Water pump", 4), ("Brake pad", 1),
    ]  # fmt: skip
    assert [m["failures"] for m in feedback["trend"]] == [0, 2, 2, 1, 0, 0]
    assert _models(await _quality(client, await sign_in("other_regional"))) == {"Coupe"}
    tech = await _quality(client, await sign_in("warranty_tech"))
    assert _models(tech) == {"Sedan", "SUV", "Coupe"}
    assert tech["data"]["qualityFeedback"]["dealers"] == 4  # the brand, not the other brand
    own = await _quality(client, await sign_in("manager@0"))
    assert _models(own) == {"Sedan"}
    assert own["data"]["qualityFeedback"]["dealers"] == 1
    brakes = await _quality(client, await sign_in("regional"), group="brakes")
    assert [r["part"]["name"] for r in brakes["data"]["qualityFeedback"]["rows"]] == ["Brake pad"]


async def test_quality_feedback_refuses_without_the_permission_or_outside_the_scope(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network
) -> None:
    assert error_codes(await _quality(client, await sign_in("advisor@0"))) == ["FORBIDDEN"]
    other_region = global_id("Region", api_network.other_region_id)
    body = await _quality(client, await sign_in("regional"), region=other_region)
    assert error_codes(body) == ["FORBIDDEN"]
