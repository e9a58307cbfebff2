"""Arranges revisits, calls, survey answers and complaints straight in the tables (owner
connection, past RLS) for the measures and report tests: the figures are computed by
hand from exactly these rows."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from tests.care.factories_care import CareDesk, deliver_order, make_customer_vehicle

_n = itertools.count(1)


async def revisit_for(
    db: asyncpg.Connection,
    desk: CareDesk,
    delivered_at: datetime,
    *,
    calls: Sequence[tuple[datetime, str]] = (),
    status: str = "open",
    outcome: str | None = None,
    failure_reason: str | None = None,
    scores: dict[str, int] | None = None,
    question: str = "",
    advisor: str = "advisor",
    due_days: tuple[int, int] = (1, 3),
) -> int:
    """A delivered order of a new customer and its revisit, with ``calls`` (when, result);
    an answered call carries ``outcome`` (or 'satisfied') and the survey ``scores``."""
    local = delivered_at.astimezone(_zone(desk)).date()
    customer_vehicle = await make_customer_vehicle(db, desk, advisor=advisor)
    order = await deliver_order(
        db, desk, delivered_at, customer_vehicle=customer_vehicle, advisor=advisor
    )
    revisit: int = await db.fetchval(
        "insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id,"
        " advisor_user_id, assignee_user_id, duty, delivered_at, due_from, due_by, status,"
        " outcome, failure_reason, attempts, completed_at)"
        " values ($1, $2, $3, $4, $5, $6, 'revisit_calls', $7, $8, $9, $10, $11, $12, $13,"
        " case when $10 in ('succeeded', 'failed') then $7::timestamptz + interval '2 days' end)"
        " returning id",
        desk.dealer_id,
        order,
        customer_vehicle[0],
        customer_vehicle[1],
        desk.users[advisor],
        desk.users["cs"],
        delivered_at,
        local + timedelta(days=due_days[0]),
        local + timedelta(days=due_days[1]),
        status,
        outcome if status == "succeeded" else None,
        failure_reason,
        len(calls),
    )
    for number, (called_at, result) in enumerate(calls, start=1):
        answered = result == "answered"
        attempt = await db.fetchval(
            "insert into revisit_attempt (dealer_id, revisit_id, round, attempt_no, called_at,"
            " caller_user_id, result, outcome, question) values ($1, $2, 1, $3, $4, $5, $6,"
            " $7, $8) returning id",
            desk.dealer_id,
            revisit,
            number,
            called_at,
            desk.users["cs"],
            result,
            (outcome or "satisfied") if answered else None,
            question if answered else "",
        )
        if answered:
            for q, score in (scores or {}).items():
                await db.execute(
                    "insert into revisit_survey_answer (dealer_id, revisit_id, attempt_id,"
                    " question, score) values ($1, $2, $3, $4, $5)",
                    desk.dealer_id,
                    revisit,
                    attempt,
                    q,
                    score,
                )
    return revisit


def _zone(desk: CareDesk) -> ZoneInfo:
    return ZoneInfo(desk.time_zone)


async def complaint(
    db: asyncpg.Connection,
    desk: CareDesk,
    received_at: datetime,
    *,
    level: str = "general",
    channel: str = "phone",
    status: str = "received",
    closed_at: datetime | None = None,
    due_at: datetime | None = None,
    department: str | None = None,
    resolution: str = "",
    feedback: str = "",
) -> int:
    """A complaint of the desk's customer; a closed one gets its ``closed`` action."""
    routed = status != "received" and status != "withdrawn"
    ticket: int = await db.fetchval(
        "insert into complaint (dealer_id, number, customer_id, channel, level, summary,"
        " status, department, due_at, received_at, resolution, customer_feedback,"
        " confirmed_at) values ($1, $2, $3, $4, $5, 'Noise after service', $6, $7, $8, $9,"
        " $10, $11, $12) returning id",
        desk.dealer_id,
        f"TS-{next(_n):05d}",
        desk.customer_id,
        channel,
        level,
        status,
        department or ("service" if routed else None),
        due_at,
        received_at,
        resolution,
        feedback,
        closed_at,
    )
    if closed_at is not None:
        await db.execute(
            "insert into complaint_action (dealer_id, complaint_id, kind, status_from,"
            " status_to, at) values ($1, $2, 'closed', 'resolved', 'closed', $3)",
            desk.dealer_id,
            ticket,
            closed_at,
        )
    return ticket
