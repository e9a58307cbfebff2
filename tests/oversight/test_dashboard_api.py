"""The regional dashboard's figures through GraphQL on hand-computed facts: medians over
the region's dealers only, region values as ratios of sums, direction-aware ranks with
ties, pass/fail against the catalog's and the manufacturer's targets, the trend; a
dealer's drill-down; who may set targets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.oversight.dashboard_arrange import own_target, region_history, rejected_claim
from tests.oversight.factories_oversight import Network

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

DASHBOARD = """
query($kpis: [String!], $series: Boolean!) {
  regionDashboard(months: 3, month: "2026-09-01", kpis: $kpis, dealerSeries: $series) {
    month months region { id }
    kpis { kpi { key target direction better } median regionValue dealers
           trend { month median regionValue dealers } }
    dealers { dealer { id code }
              cells { kpi value numerator denominator rank ranked meetsTarget
                      series { month value } } }
  }
}
"""
DRILL = """
query($dealer: ID!, $kpi: String!) {
  dealerKpiDrilldown(dealerId: $dealer, kpi: $kpi, months: 3, month: "2026-09-01") {
    month dealer { id } kpi { key target } source
    months { month value numerator denominator }
    region { month median regionValue dealers }
    records { kind id number status amount note }
  }
}
"""
SET_TARGET = """
mutation($kpi: String!, $target: Decimal) {
  setKpiTarget(input: {kpi: $kpi, target: $target}) { key target direction defaultTarget }
}
"""
TARGETS = "{ kpiTargets { key target direction } }"


def _d(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _cells(view: dict[str, Any], network: Network, kpi: str) -> list[dict[str, Any]]:
    """The cells of ``kpi`` in the order of network.dealer_ids."""
    by_dealer = {row["dealer"]["id"]: row for row in view["dealers"]}
    return [
        next(c for c in by_dealer[global_id("Dealer", d)]["cells"] if c["kpi"] == kpi)
        for d in network.dealer_ids
    ]


def _figure(view: dict[str, Any], kpi: str) -> dict[str, Any]:
    return next(f for f in view["kpis"] if f["kpi"]["key"] == kpi)


async def _dashboard(
    client: httpx.AsyncClient, headers: Headers, kpis: list[str] | None = None, series: bool = False
) -> dict[str, Any]:
    body = await gql(client, DASHBOARD, {"kpis": kpis, "series": series}, headers)
    assert not body.get("errors"), body
    view: dict[str, Any] = body["data"]["regionDashboard"]
    return view


async def test_medians_ranks_and_targets_on_hand_computed_facts(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    await own_target(db, network.manufacturer_id, "claims_rejected", "2", "at_most")
    view = await _dashboard(client, await sign_in("regional"))
    assert view["month"] == "2026-09-01"
    assert view["months"] == ["2026-07-01", "2026-08-01", "2026-09-01"]
    assert len(view["dealers"]) == 3

    # Higher is better: 0.9, 0.75, 0.5 -> median 0.75 (the other region's 0.1 is not in it),
    # region 13/16 = 0.8125, ranks 1, 2, 3; the catalog's 0.8 met by the first only.
    success = _figure(view, "revisit_success")
    assert success["kpi"] == {
        "key": "revisit_success",
        "target": "0.8",
        "direction": "at_least",
        "better": "higher",
    }
    assert _d(success["median"]) == Decimal("0.75")
    assert _d(success["regionValue"]) == Decimal("0.8125")
    assert success["dealers"] == 3
    cells = _cells(view, network, "revisit_success")
    assert [c["rank"] for c in cells] == [1, 2, 3]
    assert {c["ranked"] for c in cells} == {3}
    assert [c["meetsTarget"] for c in cells] == [True, False, False]
    assert [_d(c["numerator"]) for c in cells] == [9, 3, 1]

    # Lower is better: 0.02, 0.005, 0.01 -> ranks 3, 1, 2; at_most 0.01 met at the target.
    complaints = _figure(view, "major_complaint_rate")
    assert _d(complaints["median"]) == Decimal("0.01")
    assert _d(complaints["regionValue"]) == Decimal("0.01")  # 4 / 400
    cells = _cells(view, network, "major_complaint_rate")
    assert [c["rank"] for c in cells] == [3, 1, 2]
    assert [c["meetsTarget"] for c in cells] == [False, True, True]

    # Neither direction: no rank, no target; a count's region value is the sum.
    claims = _figure(view, "claims_submitted")
    assert (_d(claims["median"]), _d(claims["regionValue"])) == (Decimal(5), Decimal(16))
    cells = _cells(view, network, "claims_submitted")
    assert [(c["rank"], c["ranked"], c["meetsTarget"]) for c in cells] == [(None, 0, None)] * 3

    # A ratio per 100 orders: the region is 8 claims / 150 orders x 100.
    per_100 = _figure(view, "claims_per_100_orders")
    assert _d(per_100["regionValue"]) == Decimal("5.3333")
    assert _d(per_100["median"]) == Decimal("6.5")
    assert per_100["dealers"] == 2
    assert _cells(view, network, "claims_per_100_orders")[2]["value"] is None

    # Ties share the rank; the next rank skips.
    assert [c["rank"] for c in _cells(view, network, "labour_hours_sold")] == [1, 1, 3]

    # The manufacturer's own target replaces the catalog's none.
    rejected = _figure(view, "claims_rejected")
    assert (_d(rejected["kpi"]["target"]), rejected["kpi"]["direction"]) == (2, "at_most")
    assert [c["meetsTarget"] for c in _cells(view, network, "claims_rejected")] == [
        True,
        False,
        None,
    ]


async def test_trend_and_dealer_series(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    view = await _dashboard(client, await sign_in("regional"), ["revisit_success"], series=True)
    assert [f["kpi"]["key"] for f in view["kpis"]] == ["revisit_success"]
    trend = view["kpis"][0]["trend"]
    assert [(t["month"], _d(t["median"]), _d(t["regionValue"]), t["dealers"]) for t in trend] == [
        ("2026-07-01", None, None, 0),
        ("2026-08-01", Decimal("0.7"), Decimal("0.7"), 2),
        ("2026-09-01", Decimal("0.75"), Decimal("0.8125"), 3),
    ]
    first = _cells(view, network, "revisit_success")[0]
    assert [(p["month"], _d(p["value"])) for p in first["series"]] == [
        ("2026-07-01", None),
        ("2026-08-01", Decimal("0.8")),
        ("2026-09-01", Decimal("0.9")),
    ]
    plain = await _dashboard(client, await sign_in("regional"), ["revisit_success"])
    assert _cells(plain, network, "revisit_success")[0]["series"] == []

    bad = await gql(
        client, DASHBOARD, {"kpis": ["nonsense"], "series": False}, await sign_in("regional")
    )
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert bad["errors"][0]["extensions"]["field"] == "kpis"


async def test_latest_complete_month_is_the_default(
    client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    query = '{ regionDashboard(months: 1, kpis: ["csi"]) { month months } }'
    body = await gql(client, query, None, await sign_in("regional"))
    assert not body.get("errors"), body
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    previous = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert body["data"]["regionDashboard"]["month"] == previous.isoformat()


async def test_drilldown_shows_counts_region_median_and_records(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    d0 = network.dealer_ids[0]
    body = await gql(
        client,
        DRILL,
        {"dealer": global_id("Dealer", d0), "kpi": "revisit_success"},
        await sign_in("regional"),
    )
    assert not body.get("errors"), body
    drill = body["data"]["dealerKpiDrilldown"]
    assert drill["kpi"] == {"key": "revisit_success", "target": "0.8"}
    assert "revisit" in drill["source"]
    assert [(_d(m["numerator"]), _d(m["denominator"])) for m in drill["months"]] == [
        (None, None),
        (Decimal(4), Decimal(5)),
        (Decimal(9), Decimal(10)),
    ]
    assert [_d(r["median"]) for r in drill["region"]] == [None, Decimal("0.7"), Decimal("0.75")]

    # A rejected claim decided in September (Shanghai) is listed; one decided in October
    # Shanghai time (still September in UTC) and an approved one are not.
    user = network.staff("manager", 0)
    claim = await rejected_claim(db, d0, user, datetime(2026, 9, 20, 2, tzinfo=UTC), "rejected")
    await rejected_claim(db, d0, user, datetime(2026, 9, 30, 17, tzinfo=UTC), "rejected")
    await rejected_claim(db, d0, user, datetime(2026, 9, 21, 2, tzinfo=UTC), "approved")
    body = await gql(
        client,
        DRILL,
        {"dealer": global_id("Dealer", d0), "kpi": "claims_rejected"},
        await sign_in("regional"),
    )
    assert not body.get("errors"), body
    records = body["data"]["dealerKpiDrilldown"]["records"]
    assert [(r["kind"], r["id"], r["status"]) for r in records] == [
        ("warranty_claim", global_id("WarrantyClaim", claim), "rejected")
    ]
    assert records[0]["note"] == "not covered"

    # The dealer's own manager reads the drill-down of their dealer, without the region.
    own = await gql(
        client,
        DRILL,
        {"dealer": global_id("Dealer", d0), "kpi": "revisit_success"},
        await sign_in("manager@0"),
    )
    assert not own.get("errors"), own
    assert own["data"]["dealerKpiDrilldown"]["region"] == []
    assert _d(own["data"]["dealerKpiDrilldown"]["months"][2]["value"]) == Decimal("0.9")


async def test_targets_are_set_by_the_regional_manager_only(
    client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    regional = await sign_in("regional")
    body = await gql(client, SET_TARGET, {"kpi": "csi", "target": "90"}, regional)
    assert not body.get("errors"), body
    set_ = body["data"]["setKpiTarget"]
    assert (set_["key"], _d(set_["target"]), set_["direction"]) == ("csi", 90, "at_least")
    assert _d(set_["defaultTarget"]) == 85
    targets = await gql(client, TARGETS, None, await sign_in("manager@0"))
    csi = next(t for t in targets["data"]["kpiTargets"] if t["key"] == "csi")
    assert (_d(csi["target"]), csi["direction"]) == (Decimal(90), "at_least")

    refused = await gql(
        client, SET_TARGET, {"kpi": "csi", "target": "50"}, await sign_in("manager@0")
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["permission"] == "kpi_target:manage"
    wrong = await gql(client, SET_TARGET, {"kpi": "efficiency_x", "target": "1"}, regional)
    assert error_codes(wrong) == ["BAD_USER_INPUT"]
    too_high = await gql(client, SET_TARGET, {"kpi": "revisit_success", "target": "3"}, regional)
    assert error_codes(too_high) == ["BAD_USER_INPUT"]
    assert too_high["errors"][0]["extensions"]["rule"] == "ratio_range"

    back = await gql(client, SET_TARGET, {"kpi": "csi", "target": None}, regional)
    assert _d(back["data"]["setKpiTarget"]["target"]) == 85


OVERVIEW = """
query($dealer: ID!) {
  dealerKpiOverview(dealerId: $dealer, months: 2, month: "2026-09-01") {
    month oversees kpis { kpi { key } median trend { median } }
    cells { kpi value rank ranked meetsTarget series { month value } }
  }
}
"""


async def test_dealer_overview_for_the_overseer_and_for_the_dealer(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    await region_history(db, network.dealer_ids, network.other_dealer_id)
    d1 = {"dealer": global_id("Dealer", network.dealer_ids[1])}
    body = await gql(client, OVERVIEW, d1, await sign_in("regional"))
    assert not body.get("errors"), body
    view = body["data"]["dealerKpiOverview"]
    assert view["oversees"] is True
    assert [c["kpi"] for c in view["cells"]] == [f["kpi"]["key"] for f in view["kpis"]]
    success = next(c for c in view["cells"] if c["kpi"] == "revisit_success")
    assert (_d(success["value"]), success["rank"], success["ranked"]) == (Decimal("0.75"), 2, 3)
    assert [_d(p["value"]) for p in success["series"]] == [Decimal("0.6"), Decimal("0.75")]
    figure = next(f for f in view["kpis"] if f["kpi"]["key"] == "revisit_success")
    assert [_d(t["median"]) for t in figure["trend"]] == [Decimal("0.7"), Decimal("0.75")]

    own = await gql(client, OVERVIEW, d1, await sign_in("manager@1"))
    assert not own.get("errors"), own
    mine = own["data"]["dealerKpiOverview"]
    assert mine["oversees"] is False
    success = next(c for c in mine["cells"] if c["kpi"] == "revisit_success")
    assert (_d(success["value"]), success["rank"], success["meetsTarget"]) == (
        Decimal("0.75"),
        None,
        False,
    )
    assert {f["median"] for f in mine["kpis"]} == {None}
    refused = await gql(client, OVERVIEW, d1, await sign_in("manager@0"))
    assert error_codes(refused) == ["FORBIDDEN"]
