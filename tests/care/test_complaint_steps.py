"""The complaint's steps after intake: route, agree, resolve, confirm and close; the
customer declining the plan or not being satisfied; reroute, deadline change, notes,
withdrawal. Every step leaves one action and one audit entry; illegal moves are refused
with the rule ``complaint_transition`` and leave nothing."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from tenants.care import complaints
from tenants.care.complaint_states import STEPS, check_move, steps_from
from tenants.care.complaints import Routing
from tenants.errors import RuleViolation
from tests.care.complaint_arrange import T0, actions, file_complaint, step_as
from tests.care.factories_care import CareDesk

H = timedelta(hours=1)


async def _routed(desk: CareDesk, level: str = "general") -> int:
    row = await file_complaint(desk, level=level)
    cid: int = row["id"]
    await step_as(
        desk,
        "gm",
        lambda tx: complaints.route(
            tx, desk.dealer_id, cid, Routing("workshop", desk.users["workshop"]), now=T0 + H
        ),
    )
    return cid


async def test_the_whole_way_from_received_to_closed(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = await _routed(desk)
    routed = await db.fetchrow("select * from complaint where id = $1", cid)
    assert (routed["status"], routed["department"], routed["responsible_user_id"]) == (
        "routed",
        "workshop",
        desk.users["workshop"],
    )
    assert routed["due_at"] == T0 + H + timedelta(hours=72)  # general: 72 h by default
    assert (routed["routed_by"], routed["routed_at"]) == (desk.users["gm"], T0 + H)

    agreed = await step_as(
        desk,
        "cs",
        lambda tx: complaints.agree(
            tx,
            desk.dealer_id,
            cid,
            resolution="Replace the belt free of charge",
            agreed_due_at=T0 + 30 * H,
            now=T0 + 2 * H,
        ),
    )
    assert (agreed["status"], agreed["agreed_due_at"]) == ("agreed", T0 + 30 * H)
    resolved = await step_as(
        desk,
        "workshop",
        lambda tx: complaints.resolve(
            tx, desk.dealer_id, cid, note="Belt replaced", now=T0 + 20 * H
        ),
    )
    assert (resolved["status"], resolved["resolved_by"]) == ("resolved", desk.users["workshop"])
    closed = await step_as(
        desk,
        "cs",
        lambda tx: complaints.confirm_close(
            tx,
            desk.dealer_id,
            cid,
            confirmation="Customer confirmed by phone: quiet now",
            now=T0 + 22 * H,
        ),
    )
    assert (closed["status"], closed["confirmed_at"], closed["closed_by"]) == (
        "closed",
        T0 + 22 * H,
        desk.users["cs"],
    )
    assert await actions(db, cid) == [
        ("received", "received"),
        ("routed", "routed"),
        ("agreed", "agreed"),
        ("resolved", "resolved"),
        ("closed", "closed"),
    ]
    audit = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'complaint' and object_id = $1"
            " order by id",
            str(cid),
        )
    ]
    assert audit == [
        "complaint.received",
        "complaint.routed",
        "complaint.agreed",
        "complaint.resolved",
        "complaint.closed",
    ]


async def test_the_customer_declines_the_plan_and_is_not_satisfied(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = await _routed(desk)
    await step_as(
        desk,
        "cs",
        lambda tx: complaints.agree(
            tx, desk.dealer_id, cid, resolution="Discount", agreed_due_at=T0 + 5 * H, now=T0 + 2 * H
        ),
    )
    declined = await step_as(
        desk,
        "cs",
        lambda tx: complaints.customer_declines(
            tx, desk.dealer_id, cid, note="Wants a refund", now=T0 + 3 * H
        ),
    )
    assert (declined["status"], declined["agreed_due_at"]) == ("routed", None)
    await step_as(
        desk,
        "cs",
        lambda tx: complaints.agree(
            tx, desk.dealer_id, cid, resolution="Refund", agreed_due_at=T0 + 9 * H, now=T0 + 4 * H
        ),
    )
    await step_as(
        desk,
        "workshop",
        lambda tx: complaints.resolve(tx, desk.dealer_id, cid, note="Refunded", now=T0 + 5 * H),
    )
    reopened = await step_as(
        desk,
        "cs",
        lambda tx: complaints.reopen(
            tx, desk.dealer_id, cid, feedback="Refund not received", due_at=None, now=T0 + 6 * H
        ),
    )
    assert (reopened["status"], reopened["resolved_at"]) == ("routed", None)
    assert reopened["due_at"] == T0 + 6 * H + timedelta(hours=72)
    assert reopened["customer_feedback"] == "Refund not received"
    kinds = [k for k, _ in await actions(db, cid)]
    assert kinds == [
        "received",
        "routed",
        "agreed",
        "customer_declined",
        "agreed",
        "resolved",
        "reopened",
    ]


async def test_reroute_deadline_notes_and_withdrawal(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = await _routed(desk)
    rerouted = await step_as(
        desk,
        "gm",
        lambda tx: complaints.reroute(
            tx,
            desk.dealer_id,
            cid,
            Routing("parts", desk.users["parts"]),
            note="A parts delay",
            now=T0 + 2 * H,
        ),
    )
    assert (rerouted["department"], rerouted["responsible_user_id"]) == (
        "parts",
        desk.users["parts"],
    )
    assert rerouted["due_at"] == T0 + H + timedelta(hours=72)  # kept
    moved = await step_as(
        desk,
        "gm",
        lambda tx: complaints.change_deadline(
            tx, desk.dealer_id, cid, T0 + 100 * H, note="Part arrives Monday", now=T0 + 3 * H
        ),
    )
    assert moved["due_at"] == T0 + 100 * H
    await step_as(
        desk,
        "cs",
        lambda tx: complaints.log_action(
            tx, desk.dealer_id, cid, kind="contact", note="Told the customer", now=T0 + 4 * H
        ),
    )
    await step_as(
        desk,
        "workshop",
        lambda tx: complaints.log_action(
            tx, desk.dealer_id, cid, kind="note", note="Part ordered", now=T0 + 4 * H
        ),
    )
    assert [k for k, _ in await actions(db, cid)][2:] == [
        "rerouted",
        "deadline_changed",
        "contact",
        "note",
    ]

    mistake = (await file_complaint(desk))["id"]
    withdrawn = await step_as(
        desk,
        "gm",
        lambda tx: complaints.withdraw(
            tx, desk.dealer_id, mistake, reason="Duplicate of another ticket", now=T0 + H
        ),
    )
    assert withdrawn["status"] == "withdrawn"


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("agreed", "received"),
        ("resolved", "routed"),
        ("closed", "agreed"),
        ("closed", "routed"),
        ("withdrawn", "routed"),
        ("routed", "closed"),
        ("reopened", "closed"),
        ("note", "closed"),
        ("rerouted", "withdrawn"),
    ],
)
def test_illegal_moves_are_refused_by_rule(kind: str, status: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_move(kind, status)
    assert refused.value.rule == "complaint_transition"


def test_closed_and_withdrawn_tickets_allow_nothing() -> None:
    assert steps_from("closed") == [] and steps_from("withdrawn") == []
    assert set(steps_from("resolved")) == {"reopened", "closed", "contact", "note"}
    assert {p for s in STEPS.values() for p in s.permissions} == {
        "route",
        "close",
        "resolve",
        "create",
    }


async def test_a_refused_step_changes_nothing(db: asyncpg.Connection, desk: CareDesk) -> None:
    cid = await _routed(desk)
    with pytest.raises(RuleViolation) as refused:
        await step_as(
            desk,
            "cs",
            lambda tx: complaints.confirm_close(
                tx, desk.dealer_id, cid, confirmation="ok", now=T0 + 2 * H
            ),
        )
    assert refused.value.rule == "complaint_transition"
    assert await db.fetchval("select status from complaint where id = $1", cid) == "routed"
    assert len(await actions(db, cid)) == 2


@pytest.mark.parametrize(
    ("call", "rule"),
    [
        (
            lambda tx, d, c: complaints.agree(
                tx, d, c, resolution=" ", agreed_due_at=T0 + 9 * H, now=T0 + 2 * H
            ),
            "required",
        ),
        (
            lambda tx, d, c: complaints.agree(
                tx, d, c, resolution="x", agreed_due_at=T0, now=T0 + 2 * H
            ),
            "deadline_in_past",
        ),
        (
            lambda tx, d, c: complaints.customer_declines(tx, d, c, note="", now=T0 + 2 * H),
            "required",
        ),
        (
            lambda tx, d, c: complaints.reroute(
                tx, d, c, Routing("garage"), note="x", now=T0 + 2 * H
            ),
            "complaint_department",
        ),
        (
            lambda tx, d, c: complaints.log_action(
                tx, d, c, kind="escalated", note="x", now=T0 + 2 * H
            ),
            "complaint_log_kind",
        ),
    ],
)
async def test_content_rules(
    db: asyncpg.Connection, desk: CareDesk, call: object, rule: str
) -> None:
    cid = await _routed(desk)
    with pytest.raises(RuleViolation) as refused:
        await step_as(desk, "cs", lambda tx: call(tx, desk.dealer_id, cid))  # type: ignore[operator]
    assert refused.value.rule == rule


async def test_the_responsible_person_must_work_at_the_dealer(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = (await file_complaint(desk))["id"]
    with pytest.raises(RuleViolation) as refused:
        await step_as(
            desk,
            "gm",
            lambda tx: complaints.route(
                tx, desk.dealer_id, cid, Routing("service", desk.users["far_cs"]), now=T0 + H
            ),
        )
    assert refused.value.rule == "responsible_not_staff"


async def test_closing_needs_the_customers_confirmation(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cid = await _routed(desk)
    await step_as(
        desk,
        "cs",
        lambda tx: complaints.agree(
            tx, desk.dealer_id, cid, resolution="Fix", agreed_due_at=T0 + 9 * H, now=T0 + 2 * H
        ),
    )
    await step_as(
        desk,
        "workshop",
        lambda tx: complaints.resolve(tx, desk.dealer_id, cid, note="Fixed", now=T0 + 3 * H),
    )
    with pytest.raises(RuleViolation) as refused:
        await step_as(
            desk,
            "cs",
            lambda tx: complaints.confirm_close(
                tx, desk.dealer_id, cid, confirmation="  ", now=T0 + 4 * H
            ),
        )
    assert (refused.value.rule, refused.value.field) == ("required", "confirmation")
