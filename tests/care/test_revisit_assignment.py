"""Who calls: the policies' duties decide. The customer-service desk (revisit_calls)
shares new revisits so the least loaded gets the next; a one-to-one dealer's revisit goes
to the order's advisor while that person still holds customer_group, else to the desk;
with nobody on the desk the revisit waits unassigned and the run says so."""

from __future__ import annotations

import logging
from datetime import timedelta

import asyncpg
import pytest

from policies.store import PolicyStore
from tenants.care.revisit_generation import generate_revisits
from tests.care.factories_care import CareDesk, deliver_order
from tests.care.generation_arrange import change_roles, local, revisits, set_rules


async def _deliver(
    db: asyncpg.Connection,
    desk: CareDesk,
    count: int,
    *,
    advisor: str = "advisor",
    dealer_id: int | None = None,
) -> list[int]:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    return [
        await deliver_order(
            db, desk, now - timedelta(hours=12 - i), advisor=advisor, dealer_id=dealer_id
        )
        for i in range(count)
    ]


NOW_LATER = (2026, 9, 2, 9, 30)


async def _generate(desk: CareDesk) -> int:
    return await generate_revisits(local(desk.time_zone, *NOW_LATER))


async def _assignees(db: asyncpg.Connection, desk: CareDesk) -> list[tuple[str, int | None]]:
    return [(r["duty"], r["assignee_user_id"]) for r in await revisits(db, desk.dealer_id)]


async def test_the_desk_holds_the_duty(db: asyncpg.Connection, desk: CareDesk) -> None:
    store = await PolicyStore.load()
    assert store.holders_of_duty(desk.dealer_id, "revisit_calls") == [
        desk.users["cs"],
        desk.users["cs2"],
    ]
    assert store.holders_of_duty(desk.dealer_id, "customer_group") == [
        desk.users["advisor"],
        desk.users["advisor2"],
    ]


async def test_the_desk_shares_new_revisits_evenly(db: asyncpg.Connection, desk: CareDesk) -> None:
    await _deliver(db, desk, 4)
    assert await _generate(desk) == 4
    cs, cs2 = desk.users["cs"], desk.users["cs2"]
    assert await _assignees(db, desk) == [("revisit_calls", u) for u in (cs, cs2, cs, cs2)]


async def test_the_least_loaded_caller_gets_the_next(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cs, cs2 = desk.users["cs"], desk.users["cs2"]
    await _deliver(db, desk, 3)
    await _generate(desk)
    # cs now has two open revisits, cs2 one; cs2 finishes one, so 2 against 0.
    await db.execute(
        "update revisit set status = 'succeeded', outcome = 'satisfied'"
        " where assignee_user_id = $1",
        cs2,
    )
    later = local(desk.time_zone, *NOW_LATER)
    for i in range(3):
        await deliver_order(db, desk, later + timedelta(minutes=i))
    assert await generate_revisits(later + timedelta(hours=1)) == 3
    newest = [a for _, a in await _assignees(db, desk)][3:]
    assert newest == [cs2, cs2, cs]  # 0,1 -> cs2; then 2 each, tie to the lower user id


async def test_one_to_one_goes_to_the_orders_advisor(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await set_rules(db, desk, one_to_one=True)
    first = await _deliver(db, desk, 1)
    second = await _deliver(db, desk, 1, advisor="advisor2")
    assert await _generate(desk) == 2
    rows = {r["repair_order_id"]: r for r in await revisits(db, desk.dealer_id)}
    assert (rows[first[0]]["duty"], rows[first[0]]["assignee_user_id"]) == (
        "customer_group",
        desk.users["advisor"],
    )
    assert (rows[second[0]]["duty"], rows[second[0]]["assignee_user_id"]) == (
        "customer_group",
        desk.users["advisor2"],
    )


async def test_the_delivering_advisor_is_the_orders_advisor(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await set_rules(db, desk, one_to_one=True)
    [order] = await _deliver(db, desk, 1)
    # Received by advisor, handed over by advisor2 (covering a day off).
    await db.execute(
        "update repair_order set delivering_advisor_user_id = $2 where id = $1",
        order,
        desk.users["advisor2"],
    )
    await _generate(desk)
    [revisit] = await revisits(db, desk.dealer_id)
    assert revisit["assignee_user_id"] == revisit["advisor_user_id"] == desk.users["advisor2"]


async def test_an_advisor_without_the_duty_falls_back_to_the_desk(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await set_rules(db, desk, one_to_one=True)
    await change_roles(db, desk, "advisor", ["workshop_supervisor"])
    await _deliver(db, desk, 2)
    await _deliver(db, desk, 1, advisor="advisor2")
    await _generate(desk)
    cs, cs2 = desk.users["cs"], desk.users["cs2"]
    assert await _assignees(db, desk) == [
        ("revisit_calls", cs),
        ("revisit_calls", cs2),
        ("customer_group", desk.users["advisor2"]),
    ]
    # The revisit still names the advisor who checks the contact data when it fails.
    assert {r["advisor_user_id"] for r in await revisits(db, desk.dealer_id)} == {
        desk.users["advisor"],
        desk.users["advisor2"],
    }


async def test_a_vacant_desk_leaves_revisits_unassigned_and_says_so(
    db: asyncpg.Connection, desk: CareDesk, caplog: pytest.LogCaptureFixture
) -> None:
    await change_roles(db, desk, "cs", [])
    await change_roles(db, desk, "cs2", ["information_officer"])
    await _deliver(db, desk, 2)
    with caplog.at_level(logging.WARNING, logger="dealernet.care"):
        assert await _generate(desk) == 2
    assert await _assignees(db, desk) == [("revisit_calls", None), ("revisit_calls", None)]
    assert any("vacant" in r.message and str(desk.dealer_id) in r.message for r in caplog.records)


async def test_another_dealers_desk_is_not_used(db: asyncpg.Connection, desk: CareDesk) -> None:
    await _deliver(db, desk, 1, dealer_id=desk.far_dealer_id)
    await _generate(desk)
    [revisit] = await revisits(db, desk.far_dealer_id)
    assert revisit["assignee_user_id"] == desk.users["far_cs"]
