"""Changing a dealer's customer-care rules: what is given replaces the current value
(the dealer's row, or the digest's defaults), the whole result is checked, then stored
as the dealer's row and audited with before and after.

The checks hold the digest: calls only in daytime windows (07:00-21:00 local, in order,
not overlapping), a revisit due no later than it starts, and at least three attempts
before a customer counts as unreached (the digest: "tried at least three times")."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, time
from itertools import pairwise
from typing import Any

from tenants.audit.recorder import record
from tenants.care.complaint_intake import DEPARTMENTS
from tenants.care.settings import COMPLAINT_LEVELS, CareRules, load_rules
from tenants.database import ActiveTransaction
from tenants.errors import RuleViolation

EARLIEST_CALL = time(7, 0)
LATEST_CALL = time(21, 0)
MAX_WINDOWS = 6
MAX_COMPLAINT_HOURS = 720

_LOCK_CLASS = 0x4341_5245  # "CARE": the advisory-lock namespace of settings edits

Window = tuple[str, str]
"""A call window as ``("HH:MM", "HH:MM")`` in the dealer's local time."""


@dataclass(frozen=True)
class SettingsValues:
    """Every rule of a ``care_settings`` row."""

    revisit_after_days: int
    revisit_within_days: int
    call_windows: tuple[Window, ...]
    one_to_one: bool
    min_attempts: int
    retry_gap_minutes: int
    complaint_hours: dict[str, int]
    complaint_auto_route: dict[str, str]
    maintenance_months: int
    maintenance_km: int
    reminder_horizon_days: int
    lost_after_months: int

    @classmethod
    def of(cls, rules: CareRules) -> SettingsValues:
        return cls(
            revisit_after_days=rules.revisit_after_days,
            revisit_within_days=rules.revisit_within_days,
            call_windows=tuple(
                (w.starts.strftime("%H:%M"), w.ends.strftime("%H:%M")) for w in rules.call_windows
            ),
            one_to_one=rules.one_to_one,
            min_attempts=rules.min_attempts,
            retry_gap_minutes=rules.retry_gap_minutes,
            complaint_hours=dict(rules.complaint_hours),
            complaint_auto_route=dict(rules.complaint_auto_route),
            maintenance_months=rules.maintenance_months,
            maintenance_km=rules.maintenance_km,
            reminder_horizon_days=rules.reminder_horizon_days,
            lost_after_months=rules.lost_after_months,
        )


@dataclass(frozen=True)
class SettingsChange:
    """The rules to change; None keeps the current value."""

    revisit_after_days: int | None = None
    revisit_within_days: int | None = None
    call_windows: tuple[Window, ...] | None = None
    one_to_one: bool | None = None
    min_attempts: int | None = None
    retry_gap_minutes: int | None = None
    complaint_hours: dict[str, int] | None = None
    complaint_auto_route: dict[str, str] | None = None
    maintenance_months: int | None = None
    maintenance_km: int | None = None
    reminder_horizon_days: int | None = None
    lost_after_months: int | None = None

    def applied_to(self, current: SettingsValues) -> SettingsValues:
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(current, **{k: v for k, v in given.items() if v is not None})


RANGES: dict[str, tuple[str, int, int]] = {
    "revisit_after_days": ("revisitAfterDays", 0, 7),
    "revisit_within_days": ("revisitWithinDays", 1, 14),
    "retry_gap_minutes": ("retryGapMinutes", 15, 1440),
    "maintenance_months": ("maintenanceMonths", 1, 24),
    "maintenance_km": ("maintenanceKm", 1000, 50000),
    "reminder_horizon_days": ("reminderHorizonDays", 1, 120),
    "lost_after_months": ("lostAfterMonths", 3, 60),
}


def _parse_time(text: str) -> time:
    try:
        if len(text) != 5 or text[2] != ":":
            raise ValueError(text)
        return time.fromisoformat(text)
    except ValueError as exc:
        raise RuleViolation(
            "callWindows", "call_window_format", f"Not a time of day (HH:MM): {text!r}"
        ) from exc


def check_windows(windows: tuple[Window, ...]) -> None:
    if not windows:
        raise RuleViolation("callWindows", "call_windows_required", "Give at least one window")
    if len(windows) > MAX_WINDOWS:
        raise RuleViolation(
            "callWindows", "call_windows_too_many", f"At most {MAX_WINDOWS} call windows"
        )
    parsed = [(_parse_time(a), _parse_time(b)) for a, b in windows]
    for starts, ends in parsed:
        if ends <= starts:
            raise RuleViolation(
                "callWindows", "call_window_order", f"{starts:%H:%M}-{ends:%H:%M} ends first"
            )
        if starts < EARLIEST_CALL or ends > LATEST_CALL:
            raise RuleViolation(
                "callWindows",
                "call_window_hours",
                f"Customers are called between {EARLIEST_CALL:%H:%M} and {LATEST_CALL:%H:%M}",
            )
    for (_, earlier_end), (later_start, _) in pairwise(parsed):
        if later_start < earlier_end:
            raise RuleViolation(
                "callWindows",
                "call_windows_overlap",
                "Call windows must be in order and must not overlap",
            )


def check_values(values: SettingsValues) -> None:
    """The first broken rule, naming the input field."""
    for column, (field, low, high) in RANGES.items():
        value = getattr(values, column)
        if not low <= value <= high:
            raise RuleViolation(field, "out_of_range", f"Must be between {low} and {high}")
    if values.revisit_within_days < values.revisit_after_days:
        raise RuleViolation(
            "revisitWithinDays",
            "revisit_window_order",
            "The last day to call cannot come before the first",
        )
    if values.min_attempts < 3:
        raise RuleViolation(
            "minAttempts", "min_attempts_at_least_three", "At least three attempts (the digest)"
        )
    if values.min_attempts > 10:
        raise RuleViolation("minAttempts", "out_of_range", "At most ten attempts")
    check_windows(values.call_windows)
    if set(values.complaint_hours) != set(COMPLAINT_LEVELS):
        raise RuleViolation(
            "complaintHours", "complaint_levels", "Give the hours of every complaint level"
        )
    for hours in values.complaint_hours.values():
        if not 1 <= hours <= MAX_COMPLAINT_HOURS:
            raise RuleViolation(
                "complaintHours", "out_of_range", f"Between 1 and {MAX_COMPLAINT_HOURS} hours"
            )
    for level, department in values.complaint_auto_route.items():
        if level not in COMPLAINT_LEVELS:
            raise RuleViolation("complaintAutoRoute", "complaint_levels", f"No level {level!r}")
        if department not in DEPARTMENTS:
            raise RuleViolation(
                "complaintAutoRoute", "complaint_department", f"No department {department!r}"
            )


def _audit_form(values: SettingsValues) -> dict[str, Any]:
    form = asdict(values)
    form["call_windows"] = [{"from": a, "to": b} for a, b in values.call_windows]
    return form


_UPSERT_SQL = """
insert into care_settings (dealer_id, revisit_after_days, revisit_within_days, call_windows,
  one_to_one, min_attempts, retry_gap_minutes, complaint_hours, complaint_auto_route,
  maintenance_months, maintenance_km, reminder_horizon_days, lost_after_months,
  updated_by, updated_at)
values ($1, $2, $3, $4::text::jsonb, $5, $6, $7, $8::text::jsonb, $9::text::jsonb,
  $10, $11, $12, $13, $14, $15)
on conflict (dealer_id) do update set
  revisit_after_days = excluded.revisit_after_days,
  revisit_within_days = excluded.revisit_within_days,
  call_windows = excluded.call_windows,
  one_to_one = excluded.one_to_one,
  min_attempts = excluded.min_attempts,
  retry_gap_minutes = excluded.retry_gap_minutes,
  complaint_hours = excluded.complaint_hours,
  complaint_auto_route = excluded.complaint_auto_route,
  maintenance_months = excluded.maintenance_months,
  maintenance_km = excluded.maintenance_km,
  reminder_horizon_days = excluded.reminder_horizon_days,
  lost_after_months = excluded.lost_after_months,
  updated_by = excluded.updated_by,
  updated_at = excluded.updated_at
"""


async def save_settings(
    tx: ActiveTransaction,
    dealer_id: int,
    change: SettingsChange,
    *,
    now: datetime,
    request_id: str = "",
) -> CareRules:
    """Apply ``change`` to the dealer's rules, check, store and audit; the new rules."""
    connection = tx.connection
    # Serialise concurrent edits of one dealer's rules (the audit's before stays true).
    await connection.execute("select pg_advisory_xact_lock($1, $2)", _LOCK_CLASS, dealer_id)
    current = await load_rules(connection, dealer_id)
    before = SettingsValues.of(current)
    after = change.applied_to(before)
    check_values(after)
    await connection.execute(
        _UPSERT_SQL,
        dealer_id,
        after.revisit_after_days,
        after.revisit_within_days,
        json.dumps([{"from": a, "to": b} for a, b in after.call_windows]),
        after.one_to_one,
        after.min_attempts,
        after.retry_gap_minutes,
        json.dumps(after.complaint_hours),
        json.dumps(after.complaint_auto_route),
        after.maintenance_months,
        after.maintenance_km,
        after.reminder_horizon_days,
        after.lost_after_months,
        tx.scope.user_id,
        now,
    )
    await record(
        dealer_id=dealer_id,
        action="care_settings.update",
        object_type="care_settings",
        object_id=dealer_id,
        before={**_audit_form(before), "customised": current.customised},
        after=_audit_form(after),
        request_id=request_id,
    )
    return await load_rules(connection, dealer_id)
