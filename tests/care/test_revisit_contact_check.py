"""The advisor's contact check of a failed round: corrected numbers go to the customer
(audited) and the revisit is called again in a new round at the next window; a
confirmed unreachable customer closes it as failed; only the customer's advisor (or
whoever may reassign revisits) checks it, and only a revisit waiting for the check."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from tenants.care.revisit_calls import AttemptInput
from tenants.care.revisit_contact import ContactCheckInput
from tenants.errors import RuleViolation
from tests.care.factories_care import CareDesk
from tests.care.revisit_arrange import call, check, make_revisit, revisit_row


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


MORNING = utc(2026, 11, 25, 1, 30)  # 09:30 Shanghai
LUNCH = utc(2026, 11, 25, 4, 0)  # 12:00 Shanghai


async def _failed_round(db: asyncpg.Connection, desk: CareDesk) -> int:
    revisit = await make_revisit(
        db, desk, delivered_at=utc(2026, 11, 24, 2, 0), due_from=date(2026, 11, 25)
    )
    got = await call(desk, revisit, AttemptInput(result="wrong_number"), MORNING)
    assert got.status == "contact_check"
    return revisit


async def test_corrected_number_starts_round_two_at_the_next_window(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _failed_round(db, desk)
    status = await check(
        desk,
        revisit,
        ContactCheckInput(phone="139-1234-5678", alt_phone="021 6123 4567", note="typo"),
        LUNCH,
    )
    assert status == "open"
    row = await revisit_row(db, revisit)
    assert (row["round"], row["unreached"], row["failure_reason"]) == (2, 0, None)
    assert row["next_call_at"] == utc(2026, 11, 25, 6, 0)  # 14:00
    assert (row["contact_checked_by"], row["contact_note"]) == (desk.users["advisor"], "typo")
    customer = await db.fetchrow(
        "select phone, alt_phone from customer where id = $1", row["customer_id"]
    )
    assert customer is not None and tuple(customer) == ("13912345678", "02161234567")
    audit = await db.fetchval(
        "select count(*) from audit_entry where action = 'customer.correct_contact'"
        " and object_id = $1",
        str(row["customer_id"]),
    )
    assert audit == 1
    # round two: a failure now closes the revisit
    after = await call(
        desk, revisit, AttemptInput(result="refused"), row["next_call_at"] + timedelta(hours=1)
    )
    assert after.status == "failed"
    attempts = await db.fetch(
        "select round, attempt_no from revisit_attempt where revisit_id = $1 order by id",
        revisit,
    )
    assert [tuple(a) for a in attempts] == [(1, 1), (2, 2)]


async def test_confirmed_unreachable_fails_the_revisit(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _failed_round(db, desk)
    with pytest.raises(RuleViolation) as refused:
        await check(
            desk,
            revisit,
            ContactCheckInput(phone="13900001111", confirm_unreachable=True),
            LUNCH,
        )
    assert refused.value.rule == "corrected_contact_is_retried"
    status = await check(
        desk, revisit, ContactCheckInput(confirm_unreachable=True, note="number void"), LUNCH
    )
    assert status == "failed"
    row = await revisit_row(db, revisit)
    assert (row["status"], row["failure_reason"], row["completed_at"]) == (
        "failed",
        "wrong_number",
        LUNCH,
    )


async def test_only_the_advisor_or_a_supervisor_checks_and_only_a_failed_round(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _failed_round(db, desk)
    with pytest.raises(RuleViolation) as other:
        await check(desk, revisit, ContactCheckInput(), LUNCH, actor="advisor2")
    assert other.value.rule == "not_revisit_advisor"
    with pytest.raises(RuleViolation) as bad_phone:
        await check(desk, revisit, ContactCheckInput(phone="12"), LUNCH)
    assert bad_phone.value.rule == "phone_format"
    status = await check(
        desk, revisit, ContactCheckInput(), LUNCH, actor="front_desk", any_revisit=True
    )
    assert status == "open"
    with pytest.raises(RuleViolation) as again:
        await check(desk, revisit, ContactCheckInput(), LUNCH)
    assert again.value.rule == "revisit_not_in_contact_check"
