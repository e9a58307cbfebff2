"""Escalation timers with a controllable clock: nothing before the deadline; at the
deadline level 1 (front-desk supervisor), a span of the level's hours later level 2
(service manager), then 3 (general manager); each level once however often the timer
runs; a resolved ticket stops; unrouted tickets escalate after 24 hours; severe ones
start at level 2; the agreed time replaces the routing deadline."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg

from tenants.care import complaints
from tenants.care.complaint_escalation import escalate_overdue
from tenants.care.complaints import Routing
from tests.care.complaint_arrange import T0, file_complaint, set_rules, step_as
from tests.care.factories_care import CareDesk

H = timedelta(hours=1)


async def _levels(db: asyncpg.Connection, cid: int) -> tuple[int, list[int]]:
    level = await db.fetchval("select escalation_level from complaint where id = $1", cid)
    logged = [
        r["escalation_level"]
        for r in await db.fetch(
            "select escalation_level from complaint_action where complaint_id = $1"
            " and kind = 'escalated' order by id",
            cid,
        )
    ]
    return level, logged


async def _route(desk: CareDesk, cid: int, now: datetime) -> None:
    await step_as(
        desk,
        "gm",
        lambda tx: complaints.route(tx, desk.dealer_id, cid, Routing("service"), now=now),
    )


async def test_levels_rise_once_per_span_after_the_deadline(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = (await file_complaint(desk, level="serious"))["id"]  # 48 h
    await _route(desk, cid, T0)
    deadline = T0 + 48 * H
    assert await escalate_overdue(deadline - timedelta(seconds=1)) == 0
    assert await _levels(db, cid) == (0, [])
    assert await escalate_overdue(deadline) == 1
    assert await _levels(db, cid) == (1, [1])
    assert await escalate_overdue(deadline + 47 * H) == 0  # idempotent within the span
    assert await escalate_overdue(deadline + 47 * H) == 0
    assert await _levels(db, cid) == (1, [1])
    assert await escalate_overdue(deadline + 48 * H) == 1
    assert await _levels(db, cid) == (2, [1, 2])
    assert await escalate_overdue(deadline + 96 * H) == 1
    assert await escalate_overdue(deadline + 500 * H) == 0  # 3 is the top
    assert await _levels(db, cid) == (3, [1, 2, 3])
    escalated_at = await db.fetchval("select escalated_at from complaint where id = $1", cid)
    assert escalated_at == deadline + 96 * H
    audit = await db.fetchval(
        "select count(*) from audit_entry where action = 'complaint.escalated' and object_id = $1",
        str(cid),
    )
    assert audit == 3


async def test_a_late_timer_writes_each_level_crossed(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = (await file_complaint(desk, level="grievance"))["id"]  # 24 h
    await _route(desk, cid, T0)
    assert await escalate_overdue(T0 + 24 * H + 24 * H + H) == 1
    assert await _levels(db, cid) == (2, [1, 2])


async def test_resolved_tickets_stop_escalating(db: asyncpg.Connection, desk: CareDesk) -> None:
    cid = (await file_complaint(desk, level="grievance"))["id"]
    await _route(desk, cid, T0)
    await step_as(
        desk,
        "cs",
        lambda tx: complaints.agree(
            tx,
            desk.dealer_id,
            cid,
            resolution="Apology and a voucher",
            agreed_due_at=T0 + 10 * H,
            now=T0 + H,
        ),
    )
    assert await escalate_overdue(T0 + 10 * H - timedelta(minutes=1)) == 0
    assert await escalate_overdue(T0 + 10 * H) == 1  # the agreed time counts once agreed
    await step_as(
        desk,
        "workshop",
        lambda tx: complaints.resolve(
            tx, desk.dealer_id, cid, note="Voucher handed over", now=T0 + 11 * H
        ),
    )
    assert await escalate_overdue(T0 + 300 * H) == 0
    assert await _levels(db, cid) == (1, [1])


async def test_unrouted_tickets_escalate_after_a_day(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = (await file_complaint(desk, level="general"))["id"]
    assert await escalate_overdue(T0 + 24 * H - timedelta(minutes=1)) == 0
    assert await escalate_overdue(T0 + 24 * H) == 1
    assert await _levels(db, cid) == (1, [1])


async def test_severe_tickets_start_at_the_service_manager(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = (await file_complaint(desk, level="severe"))["id"]
    assert await _levels(db, cid) == (2, [2])
    await _route(desk, cid, T0)  # 24 h
    assert await escalate_overdue(T0 + 24 * H) == 0  # level 1 is below where it is
    assert await escalate_overdue(T0 + 48 * H) == 0
    assert await escalate_overdue(T0 + 72 * H) == 1
    assert await _levels(db, cid) == (3, [2, 3])


async def test_two_runs_at_once_raise_each_level_once(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    ids = []
    for _ in range(5):
        cid = (await file_complaint(desk, level="grievance"))["id"]
        await _route(desk, cid, T0)
        ids.append(cid)
    first, second = await asyncio.gather(
        escalate_overdue(T0 + 50 * H), escalate_overdue(T0 + 50 * H)
    )
    assert first + second == 5
    for cid in ids:
        assert await _levels(db, cid) == (2, [1, 2])


async def test_the_dealers_hours_set_the_span(db: asyncpg.Connection, desk: CareDesk) -> None:
    await set_rules(db, desk, hours={"grievance": 2, "general": 4, "serious": 6, "severe": 1})
    cid = (await file_complaint(desk, level="general"))["id"]
    await _route(desk, cid, T0)
    assert await escalate_overdue(T0 + 4 * H) == 1
    assert await escalate_overdue(T0 + 8 * H) == 1
    assert await _levels(db, cid) == (2, [1, 2])


async def test_other_dealers_tickets_run_on_their_own_timers(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    ours = (await file_complaint(desk, level="grievance"))["id"]
    await _route(desk, ours, T0)
    theirs = await db.fetchval(
        "insert into complaint (dealer_id, number, customer_id, channel, level, summary, status,"
        " department, due_at, received_at) values ($1, 'TS-X-1', $2, 'phone', 'general', 'x',"
        " 'routed', 'service', $3, $4) returning id",
        desk.far_dealer_id,
        desk.far_customer_id,
        T0 + 100 * H,
        T0,
    )
    assert await escalate_overdue(T0 + 30 * H) == 1
    assert (await _levels(db, ours))[0] == 1 and (await _levels(db, theirs))[0] == 0
