"""Reminders in the browser: the customer-service specialist (English) refreshes the
list, dismisses an insurance target with the keyboard (a note is required), books
another from the call (a full day is refused with the days that have room, as any
booking; the suggested day books, channel OUTBOUND, as the API says); the front-desk
supervisor (中文) sees the kinds in Chinese and the lapsed customer on 流失客户.

The demo network has no insurance dates; two customers whose insurance ends in a week,
one not seen since 2020, and a technician shift three weeks out (beyond the demo's
two weeks of shifts) are arranged at SH01 through the owner connection."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


async def _arrange(owner: asyncpg.Connection, suffix: str) -> tuple[str, str]:
    dealer = await owner.fetchrow(
        "select id, (now() at time zone time_zone)::date as today from dealer where code = 'SH01'"
    )
    assert dealer is not None, "the demo network has no SH01"
    for n, (name, days, created) in enumerate(
        (
            (f"E2E Dismiss {suffix}", 7, None),
            (f"E2E Book {suffix}", 8, None),
            (f"E2E Lapsed {suffix}", None, datetime(2020, 1, 1, tzinfo=UTC)),
        )
    ):
        customer = await owner.fetchval(
            "insert into customer (dealer_id, name, phone, created_at)"
            " values ($1, $2, $3, coalesce($4, now())) returning id",
            dealer["id"],
            name,
            f"1390000{n}{suffix[:3].translate(str.maketrans('abcdef', '123456'))}",
            created,
        )
        await owner.execute(
            "insert into vehicle (dealer_id, customer_id, vin, plate, model, insurance_expires_on)"
            " values ($1, $2, $3, $4, 'Magotan', $5::date + $6::integer)",
            dealer["id"],
            customer,
            f"LSVE2E{n}{uuid.uuid4().hex[:10].upper()}",
            f"沪E{n}{suffix[:4].upper()}",
            dealer["today"],
            days,
        )
    technician = await owner.fetchval("select id from staff_user where username = 'tech.sh01'")
    assert technician is not None
    full_day = dealer["today"].toordinal() + 20
    open_day = full_day + 1
    await owner.execute(
        "insert into technician_shift (dealer_id, user_id, work_date, hours)"
        " values ($1, $2, $3, 8) on conflict do nothing",
        dealer["id"],
        technician,
        date.fromordinal(open_day),
    )
    return date.fromordinal(full_day).isoformat(), date.fromordinal(open_day).isoformat()


async def test_dismiss_by_keyboard_book_from_a_call_and_the_lapsed_list(
    browser: Browser, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    suffix = uuid.uuid4().hex[:6]
    full_day, open_day = await _arrange(owner, suffix)
    monkeypatch.setenv("DN_REMINDER_SUFFIX", suffix)
    monkeypatch.setenv("DN_REMINDER_FULL_DAY", full_day)
    monkeypatch.setenv("DN_REMINDER_OPEN_DAY", open_day)
    out = browser.run("work-the-list", script=FRONTEND / "e2e" / "care_reminders.mjs")
    assert "refreshed the list" in out
    assert "dismissed with the keyboard" in out
    assert "refused the full day" in out
    assert "booked OUTBOUND" in out
    assert "保险到期" in out
    assert "lapsed customer listed" in out
