"""Call-window arithmetic (回访时段): when a follow-up call may be offered, and when an
unreached customer is tried again.

Pure functions over a dealer's ``CareRules``: the windows are wall-clock times in the
dealer's time zone, so every instant is turned into local time with zoneinfo and every
window back into UTC per local day; a window on a daylight-saving day is as long as the
clock says, not a fixed number of hours after midnight. A window's index is its *slot*
(the "time of day" of the digest: morning, afternoon ...): a retry goes to another slot,
because a customer who never answers in the morning may answer in the afternoon."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tenants.care.settings import CareRules

SEARCH_DAYS = 15
"""How far ahead a window is looked for: windows exist every day, so two would do; a
margin for callbacks asked for next week."""


@dataclass(frozen=True)
class WindowSpan:
    """One window on one local day, as UTC instants (start inclusive, end exclusive)."""

    slot: int
    day: date
    starts: datetime
    ends: datetime


def _instant(rules: CareRules, day: date, at: time) -> datetime:
    """The UTC instant of a local wall-clock time; a time skipped by spring-forward is
    read with the offset before the change (zoneinfo's fold=0), i.e. one hour later."""
    return datetime.combine(day, at, tzinfo=rules.time_zone).astimezone(UTC)


def local_date(rules: CareRules, instant: datetime) -> date:
    return _aware(instant).astimezone(rules.time_zone).date()


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("call-window arithmetic needs timezone-aware instants")
    return instant


def spans(rules: CareRules, first_day: date, days: int = SEARCH_DAYS) -> Iterator[WindowSpan]:
    """The windows of ``days`` local days from ``first_day``, in time order."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for slot, window in enumerate(rules.call_windows):
            yield WindowSpan(
                slot, day, _instant(rules, day, window.starts), _instant(rules, day, window.ends)
            )


def _spans_from(rules: CareRules, instant: datetime) -> Iterator[WindowSpan]:
    # a day earlier: the local day of a UTC instant may start before it in UTC terms
    return (
        s
        for s in spans(rules, local_date(rules, instant) - timedelta(days=1), SEARCH_DAYS + 1)
        if s.ends > instant
    )


def window_at(rules: CareRules, instant: datetime) -> WindowSpan | None:
    """The window ``instant`` falls in, if any."""
    for span in _spans_from(rules, _aware(instant)):
        return span if span.starts <= instant else None
    return None


def in_window(rules: CareRules, now: datetime) -> bool:
    return window_at(rules, now) is not None


def slot_of(rules: CareRules, instant: datetime) -> int | None:
    """Which window (time of day) an instant falls in; None outside every window."""
    span = window_at(rules, instant)
    return span.slot if span else None


def next_window_start(rules: CareRules, now: datetime) -> datetime:
    """The start of the first window that opens after ``now`` (the current one, when
    ``now`` is inside a window, has already started and is not it)."""
    for span in _spans_from(rules, _aware(now)):
        if span.starts > now:
            return span.starts
    raise ValueError("no call window ahead")  # pragma: no cover - windows exist every day


def callable_from(rules: CareRules, instant: datetime) -> datetime:
    """``instant`` itself when it lies in a window, else the next window's start."""
    return instant if in_window(rules, instant) else next_window_start(rules, instant)


def first_window_of(rules: CareRules, day: date) -> datetime:
    """The start of the first window of a local day."""
    return next(spans(rules, day, 1)).starts


def _earliest_in(
    rules: CareRules, earliest: datetime, allowed: frozenset[int] | None
) -> datetime | None:
    for span in _spans_from(rules, earliest):
        if allowed is None or span.slot in allowed:
            return max(span.starts, earliest)
    return None


def next_attempt_at(
    rules: CareRules,
    unreached_at: Sequence[datetime],
    now: datetime,
    *,
    callback_at: datetime | None = None,
    due_from: date | None = None,
) -> datetime:
    """When to call next.

    - A callback the customer asked for wins: at that time when it lies in a window,
      else at the next window's start after it.
    - Otherwise the earliest instant at least ``retry_gap_minutes`` after ``now`` inside
      a window of another time of day than the last unreached call (``unreached_at``:
      the round's unreached calls, oldest first), and when some time of day has not been
      tried yet in this round, in one of those. Never before ``due_from``'s first window.
    """
    _aware(now)
    floor = first_window_of(rules, due_from) if due_from is not None else None
    if callback_at is not None:
        at = callable_from(rules, _aware(callback_at))
        return max(at, floor) if floor is not None and at < floor else at
    earliest = now + timedelta(minutes=rules.retry_gap_minutes)
    if floor is not None and floor > earliest:
        earliest = floor
    if not unreached_at:
        return callable_from(rules, earliest)
    all_slots = frozenset(range(len(rules.call_windows)))
    tried = {slot_of(rules, at) for at in unreached_at}
    last = slot_of(rules, unreached_at[-1])
    untried = all_slots - tried
    other = all_slots - {last} if last is not None else all_slots
    for allowed in (untried, other):
        if allowed:
            found = _earliest_in(rules, earliest, frozenset(allowed))
            if found is not None:
                return found
    return callable_from(rules, earliest)  # a single window a day: the next one
