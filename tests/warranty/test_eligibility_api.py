"""Eligibility on the order's lines and 三包预警 on its vehicle through GraphQL: the numbers
behind each answer, the live claim holding a line, and one batch for all lines and all
vehicles of a page of orders (no query per line)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from api.schema.warranty import claims_loaders
from tests.api.graphql_client import gql
from tests.warranty.claims_arrange import add_line, dealer_today, new_order
from tests.warranty.claims_steps import SignIn, create, standard_input
from tests.warranty.factories_warranty import WarrantyDesk

ORDER = """
query($id: ID!) { node(id: $id) { ... on RepairOrder {
  lines { id payType
    warrantyEligibility { covered reason termSource partGroup saleDate referenceDate
      monthsSinceSale monthsLimit coveredUntil km kmLimit campaign { code kind open } }
    warrantyClaim { number status }
    warrantyAssessment { cause } }
  vehicle { warrantyWarnings { kind faultKind count threshold windowStart
                               operation { name } orders { number } }
            openWarrantyCampaigns { code kind } } } } }
"""
ORDERS = """
{ repairOrders(first: 10) { edges { node {
  lines { warrantyEligibility { reason } } vehicle { warrantyWarnings { kind } } } } } }
"""


async def test_each_warranty_line_says_whether_and_why_it_is_covered(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    advisor = await sign_in("advisor")
    body = await gql(client, ORDER, {"id": global_id("RepairOrder", desk.order_id)}, advisor)
    order = body["data"]["node"]
    lines = {line["id"]: line for line in order["lines"]}
    labour = lines[global_id("RepairOrderLine", desk.labour_line_id)]["warrantyEligibility"]
    assert (labour["covered"], labour["reason"], labour["termSource"]) == (
        True,
        "CAMPAIGN",
        "CAMPAIGN",
    )
    assert labour["campaign"]["kind"] == "RECALL"
    part = lines[global_id("RepairOrderLine", desk.part_line_id)]["warrantyEligibility"]
    assert (part["covered"], part["reason"], part["monthsLimit"], part["kmLimit"]) == (
        True,
        "WITHIN_BASE_TERMS",
        36,
        100000,
    )
    today, sold = await dealer_today(db, desk), desk.sale_date
    months = (today.year - sold.year) * 12 + today.month - sold.month - (today.day < sold.day)
    assert (part["monthsSinceSale"], part["km"], part["saleDate"]) == (months, 23000, str(sold))
    customer = lines[global_id("RepairOrderLine", desk.customer_line_id)]
    assert (customer["warrantyEligibility"], customer["warrantyClaim"]) == (None, None)
    assert order["vehicle"]["openWarrantyCampaigns"][0]["kind"] == "RECALL"
    assert order["vehicle"]["warrantyWarnings"] == []

    claim = await create(client, await sign_in("claims"), standard_input(desk))
    body = await gql(client, ORDER, {"id": global_id("RepairOrder", desk.order_id)}, advisor)
    lines = {line["id"]: line for line in body["data"]["node"]["lines"]}
    assert lines[global_id("RepairOrderLine", desk.part_line_id)]["warrantyClaim"] == {
        "number": claim["number"],
        "status": "DRAFT",
    }


async def test_warnings_at_the_vehicle_name_the_orders_behind_them(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    today = await dealer_today(db, desk)
    earlier = await new_order(
        db, desk, opened_on=today - timedelta(days=40), delivered_on=today - timedelta(days=38)
    )
    await add_line(db, desk, kind="labour", operation_id=desk.operation_id, order_id=earlier)
    body = await gql(
        client, ORDER, {"id": global_id("RepairOrder", desk.order_id)}, await sign_in("advisor")
    )
    (warning,) = body["data"]["node"]["vehicle"]["warrantyWarnings"]
    assert (warning["kind"], warning["faultKind"], warning["count"], warning["threshold"]) == (
        "REPEAT_REPAIR",
        "OPERATION",
        2,
        2,
    )
    assert warning["operation"]["name"] == "Replace water pump"
    numbers = await db.fetch(
        "select number from repair_order where id = any($1::bigint[]) order by opened_at",
        [earlier, desk.order_id],
    )
    assert [o["number"] for o in warning["orders"]] == [n["number"] for n in numbers]


async def test_one_batch_for_all_lines_and_vehicles_of_a_page(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    api_desk: WarrantyDesk,
    db: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = api_desk
    today = await dealer_today(db, desk)
    for days in (10, 20, 30):
        order = await new_order(db, desk, opened_on=today - timedelta(days=days))
        await add_line(db, desk, kind="part", part_id=desk.part_id, order_id=order)
        await add_line(db, desk, kind="part", part_id=desk.battery_part_id, order_id=order)
    calls: dict[str, list[int]] = {"eligibility": [], "warnings": []}

    def counting(name: str, real: Any) -> Any:
        async def wrapped(connection: Any, dealer_id: int, keys: Sequence[int]) -> Any:
            calls[name].append(len(keys))
            return await real(connection, dealer_id, keys)

        return wrapped

    monkeypatch.setattr(
        claims_loaders, "line_eligibility", counting("eligibility", claims_loaders.line_eligibility)
    )
    monkeypatch.setattr(
        claims_loaders, "vehicle_warnings", counting("warnings", claims_loaders.vehicle_warnings)
    )
    body = await gql(client, ORDERS, None, await sign_in("advisor"))
    assert not body.get("errors"), body
    assert len(body["data"]["repairOrders"]["edges"]) == 4
    # 2 warranty lines on the desk's order and 2 on each of the three others: one batch.
    assert calls == {"eligibility": [8], "warnings": [1]}
