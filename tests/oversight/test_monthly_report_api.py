"""The monthly report through GraphQL: the information officer generates, reviews and
submits; others cannot; the regional manager sees exactly the dealers of their region in
the grid, opens submitted reports read only and nothing of another region; a dealer sees
its own reports only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.oversight.conftest import SignIn
from tests.oversight.factories_oversight import Network

FIELDS = "id month dueOn status state late note allowedSteps dealerCode body"
GENERATE = f"mutation($m: Date!) {{ generateMonthlyReport(month: $m) {{ {FIELDS} }} }}"
REVIEW = (
    f"mutation($id: ID!, $n: String!) {{ reviewMonthlyReport(id: $id, note: $n) {{ {FIELDS} }} }}"
)
SUBMIT = (
    f"mutation($id: ID!) {{ submitMonthlyReport(id: $id) {{ {FIELDS} submittedBy {{ id }} }} }}"
)
REGENERATE = f"mutation($id: ID!) {{ regenerateMonthlyReport(id: $id) {{ {FIELDS} }} }}"
LIST = f"{{ monthlyReports {{ {FIELDS} }} }}"
ONE = f"query($id: ID!) {{ monthlyReport(id: $id) {{ {FIELDS} trend {{ month revenue }} }} }}"
GRID = """query($r: ID) { regionMonthlyReports(regionId: $r) {
  months counts { onTime late missing pending }
  dealers { dealerId dealerCode counts { late missing pending onTime }
            cells { month state status report } } } }"""


def last_month() -> date:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def rule(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or [{}]
    extensions: dict[str, Any] = errors[0].get("extensions", {})
    return extensions.get("rule")


async def _run(
    client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> dict[str, Any]:
    return await gql(client, query, variables, headers)


async def _submitted(client: httpx.AsyncClient, info: dict[str, str]) -> dict[str, Any]:
    made = await _run(client, info, GENERATE, m=last_month().isoformat())
    assert not made.get("errors"), made
    rid = made["data"]["generateMonthlyReport"]["id"]
    assert not (await _run(client, info, REVIEW, id=rid, n="ok")).get("errors")
    done = await _run(client, info, SUBMIT, id=rid)
    assert not done.get("errors"), done
    submitted: dict[str, Any] = done["data"]["submitMonthlyReport"]
    return submitted


async def test_the_information_officer_generates_reviews_and_submits_once(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network
) -> None:
    info = await sign_in("info@0")
    month = last_month()
    made = await _run(client, info, GENERATE, m=(month + timedelta(days=9)).isoformat())
    report = made["data"]["generateMonthlyReport"]
    assert report["month"] == month.isoformat() and report["status"] == "DRAFT"
    assert report["allowedSteps"] == ["regenerate", "review"]
    assert report["body"]["month"] == month.isoformat()
    again = await _run(client, info, GENERATE, m=month.isoformat())
    assert rule(again) == "already_generated"
    not_over = await _run(client, info, GENERATE, m=date.today().replace(day=1).isoformat())
    assert rule(not_over) == "month_not_over"

    early = await _run(client, info, SUBMIT, id=report["id"])
    assert rule(early) == "monthly_report_transition"
    reviewed = await _run(client, info, REVIEW, id=report["id"], n="figures checked")
    assert reviewed["data"]["reviewMonthlyReport"]["note"] == "figures checked"
    assert reviewed["data"]["reviewMonthlyReport"]["status"] == "REVIEWED"
    redone = await _run(client, info, REGENERATE, id=report["id"])
    assert redone["data"]["regenerateMonthlyReport"]["status"] == "DRAFT"
    await _run(client, info, REVIEW, id=report["id"], n="checked again")
    submitted = (await _run(client, info, SUBMIT, id=report["id"]))["data"]["submitMonthlyReport"]
    assert submitted["status"] == "SUBMITTED" and submitted["allowedSteps"] == []
    assert submitted["submittedBy"]["id"] == global_id("StaffUser", api_network.staff("info"))
    due = date.fromisoformat(submitted["dueOn"])
    shanghai_today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert submitted["late"] == (shanghai_today > due)
    assert submitted["state"] == ("LATE" if shanghai_today > due else "ON_TIME")
    for query in (SUBMIT, REGENERATE):
        assert rule(await _run(client, info, query, id=report["id"])) == (
            "monthly_report_transition"
        )
    listed = (await _run(client, info, LIST))["data"]["monthlyReports"]
    assert [r["id"] for r in listed] == [report["id"]]


async def test_others_cannot_write_reports(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network
) -> None:
    advisor = await sign_in("advisor@0")
    assert error_codes(await _run(client, advisor, GENERATE, m=last_month().isoformat())) == [
        "FORBIDDEN"
    ]
    report = await _submitted(client, await sign_in("info@1"))
    regional = {**await sign_in("regional"), "X-Dealer-Id": str(api_network.dealer_ids[1])}
    assert error_codes(await _run(client, regional, GENERATE, m=last_month().isoformat())) == [
        "FORBIDDEN"
    ]
    assert error_codes(await _run(client, regional, REVIEW, id=report["id"], n="x")) == [
        "FORBIDDEN"
    ]
    # another dealer's information officer cannot touch it
    other = await sign_in("info@0")
    assert error_codes(await _run(client, other, REGENERATE, id=report["id"])) == ["NOT_FOUND"]


async def test_region_grid_and_read_only_reports_within_the_region(
    client: httpx.AsyncClient, sign_in: SignIn, api_network: Network
) -> None:
    network = api_network
    submitted = await _submitted(client, await sign_in("info@0"))
    draft = (await _run(client, await sign_in("info@1"), GENERATE, m=last_month().isoformat()))[
        "data"
    ]["generateMonthlyReport"]
    await _submitted(client, await sign_in("info@other"))

    regional = await sign_in("regional")
    grid = (await _run(client, regional, GRID))["data"]["regionMonthlyReports"]
    assert len(grid["months"]) == 12 and grid["months"][-1] == last_month().isoformat()
    assert sorted(d["dealerId"] for d in grid["dealers"]) == sorted(
        global_id("Dealer", d) for d in network.dealer_ids
    )
    by_dealer = {d["dealerId"]: d for d in grid["dealers"]}
    first = by_dealer[global_id("Dealer", network.dealer_ids[0])]["cells"][-1]
    assert first["state"] == submitted["state"] and first["report"] == submitted["id"]
    second = by_dealer[global_id("Dealer", network.dealer_ids[1])]["cells"][-1]
    assert second["status"] == "DRAFT" and second["report"] is None  # a draft stays in house
    assert all(len(d["cells"]) == 12 for d in grid["dealers"])
    total = grid["counts"]
    assert sum(total.values()) == 36
    assert all(
        c["state"] in ("MISSING", "PENDING") for d in grid["dealers"] for c in d["cells"][:-1]
    )

    opened = (await _run(client, regional, ONE, id=submitted["id"]))["data"]["monthlyReport"]
    assert opened["body"] == submitted["body"] and opened["allowedSteps"] == []
    assert (await _run(client, regional, ONE, id=draft["id"]))["data"]["monthlyReport"] is None
    assert error_codes(await _run(client, regional, LIST)) in (
        ["FORBIDDEN"],
        ["NO_DEALER_SELECTED"],
    )

    # another region's manager sees nothing of this region
    other = await sign_in("other_regional")
    assert (await _run(client, other, ONE, id=submitted["id"]))["data"]["monthlyReport"] is None
    foreign = await _run(client, other, GRID, r=global_id("Region", network.region_id))
    assert error_codes(foreign) == ["FORBIDDEN"]
    own = (await _run(client, other, GRID))["data"]["regionMonthlyReports"]
    assert [d["dealerId"] for d in own["dealers"]] == [global_id("Dealer", network.other_dealer_id)]
    # a dealer's staff see their own reports only, and no grid
    neighbour = await sign_in("manager@1")
    assert (await _run(client, neighbour, ONE, id=submitted["id"]))["data"]["monthlyReport"] is None
    assert error_codes(await _run(client, neighbour, GRID)) == ["FORBIDDEN"]
    mine = (await _run(client, neighbour, LIST))["data"]["monthlyReports"]
    assert [r["id"] for r in mine] == [draft["id"]]
