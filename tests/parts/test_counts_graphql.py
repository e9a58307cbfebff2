"""Counts through GraphQL: the keeper's count sheet from creation to submission, the
approval by another person, the permissions of the catalog and the walls between
dealers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from tests.parts.factories_parts import PartsShop
from tests.service_orders.order_steps import gid, ok, pk, refused

SignIn = Callable[[str], Awaitable[dict[str, str]]]

COUNT_FIELDS = """
  id number kind status lineCount countedCount differenceCount unexplainedCount
  differenceValue decisionNote viewerMayDecide
  lines { id binLocation expectedQty countedQty difference differenceValue needsExplanation
          cause responsibility adjustmentQty adjustmentUnitCost
          part { partNumber } countedBy { username } responsiblePerson { username } }
"""
CREATE = f"""
mutation($input: CreateStockCountInput!) {{ createStockCount(input: $input) {{ {COUNT_FIELDS} }} }}
"""
RECORD = f"""
mutation($input: RecordCountedQuantitiesInput!) {{
  recordCountedQuantities(input: $input) {{ {COUNT_FIELDS} }}
}}
"""
EXPLAIN = f"""
mutation($input: ExplainCountDifferencesInput!) {{
  explainCountDifferences(input: $input) {{ {COUNT_FIELDS} }}
}}
"""
SUBMIT = f"""
mutation($input: SubmitStockCountInput!) {{ submitStockCount(input: $input) {{ {COUNT_FIELDS} }} }}
"""
APPROVE = f"""
mutation($input: DecideStockCountInput!) {{ approveStockCount(input: $input) {{ {COUNT_FIELDS} }} }}
"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on StockCount {{ {COUNT_FIELDS} }} }} }}"
LIST = "query { stockCounts(first: 10) { edges { node { id number status } } } }"
STAFF = "query { stockCountStaff { person { id username } roleKeys } }"


async def _counted(
    client: httpx.AsyncClient, shop: PartsShop, keeper: dict[str, str]
) -> dict[str, object]:
    """A cycle count of zone A-02 (the pads) counted one short by the keeper."""
    data = await ok(client, CREATE, {"input": {"kind": "CYCLE", "binPrefix": "A-02"}}, keeper)
    count = data["createStockCount"]
    line = count["lines"][0]
    data = await ok(
        client,
        RECORD,
        {"input": {"countId": count["id"], "entries": [{"lineId": line["id"], "countedQty": "3"}]}},
        keeper,
    )
    counted: dict[str, object] = data["recordCountedQuantities"]
    return counted


async def test_count_sheet_from_creation_to_approval(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    keeper, manager = await sign_in("keeper"), await sign_in("parts_manager")
    data = await ok(client, CREATE, {"input": {"kind": "CYCLE"}}, keeper)
    count = data["createStockCount"]
    assert (count["kind"], count["status"], count["lineCount"]) == ("CYCLE", "OPEN", 3)
    assert [line["binLocation"] for line in count["lines"]] == [
        "A-01-1-01",
        "A-02-3-04",
        "B-01-1-01",
    ]
    assert [line["expectedQty"] for line in count["lines"]] == ["10.00", "4.00", "40.00"]

    entries = [
        {"lineId": line["id"], "countedQty": qty}
        for line, qty in zip(count["lines"], ["10", "3", "40"], strict=True)
    ]
    count = (
        await ok(client, RECORD, {"input": {"countId": count["id"], "entries": entries}}, keeper)
    )["recordCountedQuantities"]
    pad = count["lines"][1]
    assert (pad["difference"], pad["differenceValue"], pad["needsExplanation"]) == (
        "-1.00",
        "-250.00",
        True,
    )
    assert (count["differenceCount"], count["unexplainedCount"]) == (1, 1)
    assert pad["countedBy"]["username"] == shop.usernames["keeper"]

    problem = await refused(client, SUBMIT, {"input": {"countId": count["id"]}}, keeper)
    assert (problem["code"], problem["rule"], problem["field"]) == (
        "BAD_USER_INPUT",
        "difference_explained",
        "lines",
    )
    people = (await ok(client, STAFF, {}, keeper))["stockCountStaff"]
    keeper_id = next(
        p["person"]["id"] for p in people if p["person"]["username"] == shop.usernames["keeper"]
    )
    explained = {
        "countId": count["id"],
        "lines": [{"lineId": pad["id"], "cause": "Box held 1 set", "responsibility": "WAREHOUSE_KEEPER",
                   "responsiblePersonId": keeper_id}],
    }  # fmt: skip
    count = (await ok(client, EXPLAIN, {"input": explained}, keeper))["explainCountDifferences"]
    assert count["lines"][1]["responsiblePerson"]["username"] == shop.usernames["keeper"]
    count = (await ok(client, SUBMIT, {"input": {"countId": count["id"]}}, keeper))[
        "submitStockCount"
    ]
    assert (count["status"], count["viewerMayDecide"]) == ("SUBMITTED", False)

    problem = await refused(client, APPROVE, {"input": {"countId": count["id"]}}, keeper)
    assert (problem["code"], problem["permission"]) == ("FORBIDDEN", "parts_count:approve")
    seen = (await ok(client, NODE, {"id": count["id"]}, manager))["node"]
    assert seen["viewerMayDecide"] is True
    count = (await ok(client, APPROVE, {"input": {"countId": count["id"], "note": "ok"}}, manager))[
        "approveStockCount"
    ]
    assert (count["status"], count["differenceValue"], count["decisionNote"]) == (
        "APPROVED",
        "-250.00",
        "ok",
    )
    assert (count["lines"][1]["adjustmentQty"], count["lines"][1]["adjustmentUnitCost"]) == (
        "-1.00",
        "250.00",
    )


async def test_a_counter_cannot_approve_through_the_api(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    manager = await sign_in("parts_manager")
    count = await _counted(client, api_parts_shop, manager)
    line = count["lines"][0]  # type: ignore[index]
    await ok(
        client,
        EXPLAIN,
        {"input": {"countId": count["id"], "lines": [
            {"lineId": line["id"], "cause": "?", "responsibility": "UNKNOWN"}]}},
        manager,
    )  # fmt: skip
    await ok(client, SUBMIT, {"input": {"countId": count["id"]}}, manager)
    problem = await refused(client, APPROVE, {"input": {"countId": count["id"]}}, manager)
    assert problem["code"] == "SEGREGATION_OF_DUTIES"
    await ok(client, APPROVE, {"input": {"countId": count["id"]}}, await sign_in("manager"))


async def test_without_parts_count_permissions(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    technician = await sign_in("technician")
    problem = await refused(client, LIST, {}, technician)
    assert (problem["code"], problem["permission"]) == ("FORBIDDEN", "parts_count:read")
    problem = await refused(client, CREATE, {"input": {"kind": "DAILY"}}, await sign_in("manager"))
    assert (problem["code"], problem["permission"]) == ("FORBIDDEN", "parts_count:record")
    count = await _counted(client, api_parts_shop, await sign_in("keeper"))
    assert (await ok(client, NODE, {"id": count["id"]}, technician))["node"] is None


async def test_dealers_are_walled_off(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    count = await _counted(client, api_parts_shop, await sign_in("keeper"))
    peer = await sign_in("peer_parts_manager")
    assert (await ok(client, NODE, {"id": count["id"]}, peer))["node"] is None
    assert (await ok(client, LIST, {}, peer))["stockCounts"]["edges"] == []
    line = count["lines"][0]  # type: ignore[index]
    problem = await refused(
        client,
        RECORD,
        {"input": {"countId": count["id"], "entries": [{"lineId": line["id"], "countedQty": "0"}]}},
        peer,
    )
    assert problem["code"] == "NOT_FOUND"
    problem = await refused(client, APPROVE, {"input": {"countId": count["id"]}}, peer)
    assert problem["code"] == "NOT_FOUND"
    assert (
        await db.fetchval("select counted_qty from stock_count_line where id = $1", pk(line["id"]))
        == 3
    )
    problem = await refused(client, APPROVE, {"input": {"countId": gid("RepairOrder", 1)}}, peer)
    assert (problem["code"], problem["field"]) == ("BAD_USER_INPUT", "countId")
