"""Opening a complaint (工联单): numbering per dealer and local day without gaps, channel
and level checked, the received action, routing by the dealer's rule or waiting for
the general manager, severe tickets raised to the service manager at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tenants.care.complaint_intake import open_complaint
from tenants.database import tenant_transaction
from tenants.errors import RecordNotFound, RuleViolation
from tests.care.complaint_arrange import T0, actions, as_post, file_complaint, set_rules
from tests.care.factories_care import (
    CareDesk,
    deliver_order,
    make_care_desk,
    make_customer_vehicle,
)


async def test_a_ticket_waits_for_the_general_manager_without_a_rule(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    row = await file_complaint(desk)
    assert row["number"] == "TS-20261126-001"
    assert (row["status"], row["department"], row["due_at"]) == ("received", None, None)
    assert (row["received_by"], row["received_at"], row["escalation_level"]) == (
        desk.users["cs"],
        T0,
        0,
    )
    assert await actions(db, row["id"]) == [("received", "received")]
    audit = await db.fetchval(
        "select action from audit_entry where object_type = 'complaint' and object_id = $1",
        str(row["id"]),
    )
    assert audit == "complaint.received"


async def test_numbers_run_per_local_day_without_gaps(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    first = await file_complaint(desk)
    second = await file_complaint(desk)
    with pytest.raises(RuleViolation):
        await file_complaint(desk, channel="fax")  # refused: its number is not used
    # 16:30 UTC is 00:30 the next day in Shanghai: a new local day, a new series.
    next_day = await file_complaint(desk, now=T0 + timedelta(hours=14, minutes=30))
    third = await file_complaint(desk, now=T0 + timedelta(hours=1))
    assert [first["number"], second["number"], next_day["number"], third["number"]] == [
        "TS-20261126-001",
        "TS-20261126-002",
        "TS-20261127-001",
        "TS-20261126-003",
    ]


async def test_the_dealer_rule_routes_a_level_at_once(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await set_rules(db, desk, auto_route={"grievance": "customer_care"})
    routed = await file_complaint(desk, level="grievance")
    assert (routed["status"], routed["department"]) == ("routed", "customer_care")
    assert routed["due_at"] == T0 + timedelta(hours=24)
    assert routed["routed_at"] == T0 and routed["routed_by"] is None
    assert await actions(db, routed["id"]) == [("received", "received"), ("routed", "routed")]
    waiting = await file_complaint(desk, level="general")
    assert waiting["status"] == "received"


async def test_a_severe_ticket_goes_to_the_service_manager_at_once(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    row = await file_complaint(desk, level="severe", channel="media")
    assert (row["escalation_level"], row["escalated_at"]) == (2, T0)
    assert await actions(db, row["id"]) == [("received", "received"), ("escalated", None)]


@pytest.mark.parametrize(
    ("channel", "level", "rule"),
    [("fax", "general", "complaint_channel"), ("phone", "furious", "complaint_level")],
)
async def test_unknown_channels_and_levels_are_refused(
    db: asyncpg.Connection, desk: CareDesk, channel: str, level: str, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await file_complaint(desk, channel=channel, level=level)
    assert refused.value.rule == rule
    assert await db.fetchval("select count(*) from complaint") == 0


async def test_an_order_of_another_customer_is_refused(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    other = await make_customer_vehicle(db, desk)
    order = await deliver_order(db, desk, T0 - timedelta(days=1), customer_vehicle=other)
    with pytest.raises(RuleViolation) as refused:
        await file_complaint(desk, repair_order_id=order)
    assert refused.value.rule == "complaint_link"


async def test_a_customer_of_another_dealer_is_not_found(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    with pytest.raises(RecordNotFound):
        async with tenant_transaction(as_post(desk, "cs")) as tx:
            await open_complaint(
                tx.connection,
                desk.dealer_id,
                actor_user_id=desk.users["cs"],
                customer_id=desk.far_customer_id,
                vehicle_id=None,
                repair_order_id=None,
                revisit_id=None,
                channel="phone",
                level="general",
                summary="x",
                detail="",
                now=T0,
            )


async def test_numbers_follow_the_local_day_across_a_daylight_saving_change(
    db: asyncpg.Connection,
) -> None:
    berlin = await make_care_desk(db, time_zone="Europe/Berlin")
    # 23:30 UTC on 28 March is 00:30 CET on the 29th; summer time starts that night, so
    # 22:30 UTC on the 29th is already 00:30 CEST on the 30th.
    before = await file_complaint(berlin, now=datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    late_on_29 = await file_complaint(berlin, now=datetime(2026, 3, 29, 21, 59, tzinfo=UTC))
    after = await file_complaint(berlin, now=datetime(2026, 3, 29, 22, 30, tzinfo=UTC))
    assert [before["number"], late_on_29["number"], after["number"]] == [
        "TS-20260329-001",
        "TS-20260329-002",
        "TS-20260330-001",
    ]
