"""A dealer without care settings follows the digest's defaults, the same ones a newly
created settings row gets from its column defaults; a dealer's own row wins."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import asyncpg

from tenants.care.settings import CallWindow, load_rules, parse_windows
from tests.care.factories_care import CareDesk


async def test_defaults_without_a_row_equal_a_fresh_row(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    without = await load_rules(db, desk.dealer_id)
    assert not without.customised
    assert without.call_windows == (
        CallWindow(time(9, 0), time(11, 30)),
        CallWindow(time(14, 0), time(19, 0)),
    )
    assert (without.revisit_after_days, without.revisit_within_days, without.min_attempts) == (
        1,
        3,
        3,
    )
    await db.execute("insert into care_settings (dealer_id) values ($1)", desk.dealer_id)
    fresh = await load_rules(db, desk.dealer_id)
    assert fresh.customised
    assert replace(fresh, customised=False) == without


async def test_a_dealers_row_wins(db: asyncpg.Connection, desk: CareDesk) -> None:
    await db.execute(
        "insert into care_settings (dealer_id, revisit_after_days, revisit_within_days,"
        " one_to_one, call_windows) values ($1, 2, 2, true, $2::jsonb)",
        desk.dealer_id,
        '[{"from": "10:00", "to": "12:00"}]',
    )
    rules = await load_rules(db, desk.dealer_id)
    assert (rules.revisit_after_days, rules.revisit_within_days, rules.one_to_one) == (2, 2, True)
    assert rules.call_windows == (CallWindow(time(10, 0), time(12, 0)),)


def test_windows_must_be_ordered_and_not_overlap() -> None:
    for bad in (
        [{"from": "11:00", "to": "10:00"}],
        [{"from": "09:00", "to": "12:00"}, {"from": "11:00", "to": "13:00"}],
    ):
        try:
            parse_windows(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")
