"""Call-window arithmetic against hand-computed instants: Shanghai (UTC+8, no daylight
saving), New York on its spring-forward (2026-03-08) and fall-back (2026-11-01) days,
and Berlin windows that straddle the clock change itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tenants.care.call_windows import (
    callable_from,
    in_window,
    next_attempt_at,
    next_window_start,
    slot_of,
)
from tenants.care.settings import CallWindow, CareRules

DEFAULT_WINDOWS = ((time(9), time(11, 30)), (time(14), time(19)))


def rules(
    zone: str = "Asia/Shanghai",
    windows: tuple[tuple[time, time], ...] = DEFAULT_WINDOWS,
    gap: int = 120,
) -> CareRules:
    return CareRules(
        dealer_id=1,
        time_zone=ZoneInfo(zone),
        revisit_after_days=1,
        revisit_within_days=3,
        call_windows=tuple(CallWindow(a, b) for a, b in windows),
        one_to_one=False,
        min_attempts=3,
        retry_gap_minutes=gap,
        complaint_hours={},
        complaint_auto_route={},
        maintenance_months=6,
        maintenance_km=5000,
        reminder_horizon_days=30,
        lost_after_months=18,
        customised=False,
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


SH = rules()
NY = rules("America/New_York")


@pytest.mark.parametrize(
    ("instant", "inside", "slot"),
    [
        (utc(2026, 11, 26, 0, 59), False, None),  # 08:59 Shanghai
        (utc(2026, 11, 26, 1, 0), True, 0),  # 09:00: the window opens
        (utc(2026, 11, 26, 3, 29), True, 0),  # 11:29
        (utc(2026, 11, 26, 3, 30), False, None),  # 11:30: closed (end exclusive)
        (utc(2026, 11, 26, 6, 0), True, 1),  # 14:00
        (utc(2026, 11, 26, 10, 59), True, 1),  # 18:59
        (utc(2026, 11, 26, 11, 0), False, None),  # 19:00
        (utc(2026, 11, 25, 17, 0), False, None),  # 01:00 the next local day
    ],
)
def test_shanghai_windows(instant: datetime, inside: bool, slot: int | None) -> None:
    assert in_window(SH, instant) is inside
    assert slot_of(SH, instant) == slot


def test_next_window_start_shanghai() -> None:
    assert next_window_start(SH, utc(2026, 11, 26, 4, 0)) == utc(2026, 11, 26, 6, 0)  # 12:00
    assert next_window_start(SH, utc(2026, 11, 26, 11, 0)) == utc(2026, 11, 27, 1, 0)  # 19:00
    # inside the morning window: the next one to open is the afternoon's
    assert next_window_start(SH, utc(2026, 11, 26, 2, 0)) == utc(2026, 11, 26, 6, 0)
    assert callable_from(SH, utc(2026, 11, 26, 2, 0)) == utc(2026, 11, 26, 2, 0)
    assert callable_from(SH, utc(2026, 11, 26, 4, 0)) == utc(2026, 11, 26, 6, 0)


def test_new_york_spring_forward_day() -> None:
    # 9:00 is 14:00 UTC on Saturday (EST) and 13:00 UTC on Sunday 2026-03-08 (EDT)
    assert in_window(NY, utc(2026, 3, 7, 14, 0))
    assert not in_window(NY, utc(2026, 3, 7, 13, 30))
    assert in_window(NY, utc(2026, 3, 8, 13, 30))  # 09:30 EDT
    assert not in_window(NY, utc(2026, 3, 8, 12, 59))  # 08:59 EDT
    # Saturday 19:00 EST (00:00 UTC) -> Sunday 09:00 EDT: 13 hours, not 14
    assert next_window_start(NY, utc(2026, 3, 8, 0, 0)) == utc(2026, 3, 8, 13, 0)
    # the afternoon window of the spring-forward day: 14:00-19:00 EDT
    assert slot_of(NY, utc(2026, 3, 8, 18, 0)) == 1
    assert not in_window(NY, utc(2026, 3, 8, 23, 0))  # 19:00 EDT


def test_new_york_fall_back_day() -> None:
    # 2026-11-01: 9:00 EST is 14:00 UTC; on Saturday 9:00 EDT was 13:00 UTC
    assert in_window(NY, utc(2026, 10, 31, 13, 0))
    assert not in_window(NY, utc(2026, 11, 1, 13, 30))  # 08:30 EST
    assert in_window(NY, utc(2026, 11, 1, 14, 0))
    assert next_window_start(NY, utc(2026, 10, 31, 23, 0)) == utc(2026, 11, 1, 14, 0)
    assert slot_of(NY, utc(2026, 11, 1, 23, 59)) == 1  # 18:59 EST
    assert not in_window(NY, utc(2026, 11, 2, 0, 0))  # 19:00 EST


def test_window_straddling_the_berlin_clock_changes() -> None:
    night = rules("Europe/Berlin", ((time(1), time(4)),))
    # spring forward 2026-03-29 02:00 CET -> 03:00 CEST: 01:00-04:00 lasts two hours
    assert next_window_start(night, utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 0, 0)
    assert in_window(night, utc(2026, 3, 29, 1, 59))  # 03:59 CEST
    assert not in_window(night, utc(2026, 3, 29, 2, 0))  # 04:00 CEST
    # fall back 2026-10-25 03:00 CEST -> 02:00 CET: the same window lasts four hours
    assert next_window_start(night, utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 24, 23, 0)
    assert in_window(night, utc(2026, 10, 25, 2, 59))  # 03:59 CET
    assert not in_window(night, utc(2026, 10, 25, 3, 0))


def test_retry_goes_to_another_time_of_day() -> None:
    # unreached at 09:30 Shanghai; 11:30 (now + 2h) is past the morning: 14:00
    morning = utc(2026, 11, 26, 1, 30)
    assert next_attempt_at(SH, [morning], morning) == utc(2026, 11, 26, 6, 0)
    # unreached at 15:00: 17:00 would be the same afternoon: the next morning instead
    afternoon = utc(2026, 11, 26, 7, 0)
    assert next_attempt_at(SH, [afternoon], afternoon) == utc(2026, 11, 27, 1, 0)
    # morning, then afternoon: back to the morning
    assert next_attempt_at(SH, [morning, afternoon], afternoon) == utc(2026, 11, 27, 1, 0)


def test_retry_in_a_time_of_day_not_yet_tried() -> None:
    three = rules(windows=((time(9), time(11)), (time(13), time(15)), (time(17), time(19))))
    tried_afternoon = utc(2026, 11, 25, 5, 30)  # 13:30 slot 1
    tried_morning = utc(2026, 11, 26, 1, 30)  # 09:30 slot 0
    # slot 1 at 13:00 would differ from the last (morning) but was tried: 17:00 instead
    got = next_attempt_at(three, [tried_afternoon, tried_morning], tried_morning)
    assert got == utc(2026, 11, 26, 9, 0)
    # every time tried: the earliest other than the last
    evening = utc(2026, 11, 26, 9, 30)  # 17:30 slot 2
    got = next_attempt_at(three, [tried_afternoon, tried_morning, evening], evening)
    assert got == utc(2026, 11, 27, 1, 0)


def test_retry_gap_is_respected_inside_the_other_window() -> None:
    short = rules(gap=30)
    late_morning = utc(2026, 11, 26, 3, 20)  # 11:20
    assert next_attempt_at(short, [late_morning], late_morning) == utc(2026, 11, 26, 6, 0)
    long = rules(gap=300)  # 5 hours after 09:30 is 14:30
    morning = utc(2026, 11, 26, 1, 30)
    assert next_attempt_at(long, [morning], morning) == utc(2026, 11, 26, 6, 30)


def test_retry_over_the_spring_forward_night() -> None:
    # unreached Saturday 15:00 EST (20:00 UTC): the next morning is 09:00 EDT, 13:00 UTC
    saturday = utc(2026, 3, 7, 20, 0)
    assert next_attempt_at(NY, [saturday], saturday) == utc(2026, 3, 8, 13, 0)


def test_callback_wins_inside_a_window_else_the_next_window() -> None:
    now = utc(2026, 11, 26, 1, 30)
    at_1510 = utc(2026, 11, 26, 7, 10)
    assert next_attempt_at(SH, [now], now, callback_at=at_1510) == at_1510
    at_noon = utc(2026, 11, 26, 4, 0)
    assert next_attempt_at(SH, [], now, callback_at=at_noon) == utc(2026, 11, 26, 6, 0)
    # sooner than the retry gap: the customer's word counts
    at_1000 = utc(2026, 11, 26, 2, 0)
    assert next_attempt_at(SH, [now], now, callback_at=at_1000) == at_1000


def test_never_before_the_first_window_of_due_from() -> None:
    evening = utc(2026, 11, 26, 12, 0)  # 20:00 on delivery day
    got = next_attempt_at(SH, [], evening, due_from=date(2026, 11, 28))
    assert got == utc(2026, 11, 28, 1, 0)
    # a callback asked for before the revisit is due waits for it too
    got = next_attempt_at(
        SH, [], evening, callback_at=utc(2026, 11, 27, 2, 0), due_from=date(2026, 11, 28)
    )
    assert got == utc(2026, 11, 28, 1, 0)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        in_window(SH, datetime(2026, 11, 26, 9, 0))
