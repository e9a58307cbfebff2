"""Two advisors booking the last slot of a day at the same moment: one succeeds, the other
gets CAPACITY_FULL (bookings of a dealer-day are serialised by an advisory lock)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import asyncpg
import httpx

from tests.api.graphql_client import error_codes
from tests.service_front.appointment_ops import book, booking
from tests.service_front.conftest import at
from tests.service_front.factories_front import FrontDesk, add_shift

SignIn = Callable[[str], Awaitable[dict[str, str]]]


async def test_two_advisors_race_for_the_last_slot(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    first, second = await sign_in("advisor"), await sign_in("advisor2")
    for round_ in range(4):
        day = work_day + timedelta(days=round_)
        await add_shift(db, desk.dealer_id, desk.users["technician"], day, "1.5")
        results = await asyncio.gather(
            book(client, first, booking(desk, at(day, 9), "diagnosis")),
            book(client, second, booking(desk, at(day, 10), "diagnosis")),
        )
        outcomes = sorted(tuple(error_codes(r)) for r in results)
        assert outcomes == [(), ("CAPACITY_FULL",)], results
        booked = await db.fetchval(
            "select sum(booked_hours) from appointment where work_date = $1", day
        )
        assert booked == 1


async def test_two_bookings_on_different_days_race_for_the_last_part(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    """Different days take different day locks; the stock item's row lock still lets only
    one of them reserve the last filter."""
    first, second = await sign_in("advisor"), await sign_in("advisor2")
    await db.execute(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity)"
        " values ($1, $2, 'issue', -1)",
        desk.dealer_id,
        desk.stock_items["filter"],
    )
    for offset in (0, 1):
        await add_shift(
            db, desk.dealer_id, desk.users["technician"], work_day + timedelta(offset), "8"
        )
    results = await asyncio.gather(
        book(client, first, booking(desk, at(work_day, 9), "oil")),
        book(client, second, booking(desk, at(work_day + timedelta(1), 9), "oil")),
    )
    assert sorted(tuple(error_codes(r)) for r in results) == [(), ("PARTS_MISSING",)], results
    assert (
        await db.fetchval(
            "select on_hand - reserved from stock_level where stock_item_id = $1",
            desk.stock_items["filter"],
        )
        == 0
    )
