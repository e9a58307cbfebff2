"""A dealer's customer-care rules: its ``care_settings`` row, or the digest's defaults
(revisit 1-3 days after delivery, call windows 9:00-11:30 and 14:00-19:00 local time, at
least three attempts two hours apart, complaint deadlines per level) when it has none.

The coalesced defaults below repeat the column defaults of ``care_settings`` (migration
care_0001): a dealer without a row behaves exactly as one whose row was just created;
``tests/care/test_care_settings_defaults.py`` holds the two together."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from tenants.errors import RecordNotFound

COMPLAINT_LEVELS = ("grievance", "general", "serious", "severe")


@dataclass(frozen=True)
class CallWindow:
    starts: time
    ends: time


@dataclass(frozen=True)
class CareRules:
    dealer_id: int
    time_zone: ZoneInfo
    revisit_after_days: int
    revisit_within_days: int
    call_windows: tuple[CallWindow, ...]
    one_to_one: bool
    min_attempts: int
    retry_gap_minutes: int
    complaint_hours: dict[str, int]
    complaint_auto_route: dict[str, str]
    maintenance_months: int
    maintenance_km: int
    reminder_horizon_days: int
    lost_after_months: int
    customised: bool
    """False when the dealer has no row and these are the defaults."""


RULES_SQL = """
select d.id as dealer_id, d.time_zone, s.dealer_id is not null as customised,
       coalesce(s.revisit_after_days, 1) as revisit_after_days,
       coalesce(s.revisit_within_days, 3) as revisit_within_days,
       coalesce(s.call_windows,
         '[{"from": "09:00", "to": "11:30"}, {"from": "14:00", "to": "19:00"}]'::jsonb)
         as call_windows,
       coalesce(s.one_to_one, false) as one_to_one,
       coalesce(s.min_attempts, 3) as min_attempts,
       coalesce(s.retry_gap_minutes, 120) as retry_gap_minutes,
       coalesce(s.complaint_hours,
         '{"grievance": 24, "general": 72, "serious": 48, "severe": 24}'::jsonb)
         as complaint_hours,
       coalesce(s.complaint_auto_route, '{}'::jsonb) as complaint_auto_route,
       coalesce(s.maintenance_months, 6) as maintenance_months,
       coalesce(s.maintenance_km, 5000) as maintenance_km,
       coalesce(s.reminder_horizon_days, 30) as reminder_horizon_days,
       coalesce(s.lost_after_months, 18) as lost_after_months
  from dealer d
  left join care_settings s on s.dealer_id = d.id
 where d.id = $1
"""


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def parse_windows(raw: Any) -> tuple[CallWindow, ...]:
    """``[{"from": "09:00", "to": "11:30"}, ...]`` as ordered, non-overlapping windows."""
    windows = tuple(
        CallWindow(time.fromisoformat(w["from"]), time.fromisoformat(w["to"])) for w in _json(raw)
    )
    for window in windows:
        if window.ends <= window.starts:
            raise ValueError(f"call window {window.starts}-{window.ends} ends before it starts")
    for earlier, later in pairwise(windows):
        if later.starts < earlier.ends:
            raise ValueError("call windows must be in order and must not overlap")
    return windows


def rules_from_row(row: asyncpg.Record) -> CareRules:
    return CareRules(
        dealer_id=row["dealer_id"],
        time_zone=ZoneInfo(row["time_zone"]),
        revisit_after_days=row["revisit_after_days"],
        revisit_within_days=row["revisit_within_days"],
        call_windows=parse_windows(row["call_windows"]),
        one_to_one=row["one_to_one"],
        min_attempts=row["min_attempts"],
        retry_gap_minutes=row["retry_gap_minutes"],
        complaint_hours={k: int(v) for k, v in _json(row["complaint_hours"]).items()},
        complaint_auto_route={k: str(v) for k, v in _json(row["complaint_auto_route"]).items()},
        maintenance_months=row["maintenance_months"],
        maintenance_km=row["maintenance_km"],
        reminder_horizon_days=row["reminder_horizon_days"],
        lost_after_months=row["lost_after_months"],
        customised=row["customised"],
    )


async def load_rules(connection: asyncpg.Connection, dealer_id: int) -> CareRules:
    """The dealer's rules (its row, or the defaults); the dealer must be in scope."""
    row = await connection.fetchrow(RULES_SQL, dealer_id)
    if row is None:
        raise RecordNotFound(f"Dealer {dealer_id}")
    return rules_from_row(row)
